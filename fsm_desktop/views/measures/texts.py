"""What the measures page says about a measure: its status line, why a period has no data, and the
payouts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from fsm_desktop.domain.danish import date_dots, kroner, percent
from fsm_desktop.domain.measures import MeasureResult, PayoutForecast, no_data_reason
from fsm_desktop.views.measures.chart import period_label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from fsm_desktop.domain.breakdown import CitizenGroup
    from fsm_desktop.domain.measures import Report
    from fsm_desktop.views.kit.page import Page as _PageBase
else:
    _PageBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


class MeasuresTexts(_PageBase):
    """Mixed into MeasuresPage: what the measures page says about a measure: its status line,
    why a period has no data, and the payouts."""

    if TYPE_CHECKING:  # what MeasuresPage provides
        report: Report | None
        shown: Report | None
        today: dt.date
        payout_heading: QLabel
        payout_label: QLabel

        @property
        def group(self) -> CitizenGroup: ...

    def _no_data_reason(self, rows: list[MeasureResult]) -> str:
        """Why some of the periods have no data (Danish), or "" when all have."""
        if not any(r.no_data for r in rows) or self.shown is None:
            return ""
        return no_data_reason(rows[0].spec, self.shown.first_registrations)

    def _status(self, rows: list[MeasureResult]) -> str:
        """The line above the chart: how often met, what the measure is, and the group; and
        why periods have no data, when some have none."""
        text = self._status_text(rows)
        reason = self._no_data_reason(rows)
        return f"{text} {reason}" if reason else text

    def _status_text(self, rows: list[MeasureResult]) -> str:
        """How often met (of the periods with data), what the measure is, and the group."""
        if not rows:
            return self.tr("Ingen måleperioder i projektets periode.")
        spec = rows[0].spec
        group = self.group
        if spec.kind == "caseload":
            text = self.tr("Sager pr. fuldtids koordinerende sagsbehandler på månedens sidste dag.")
            if not group.is_all:
                text += " " + self.tr(
                    "Sagsstammen tælles altid for alle borgere: »Vis for« ændrer den ikke."
                )
            return text
        if spec.kind == "passive_share":
            text = self.tr(
                "Andel passive: mindst 1 år i ressourceforløb og hverken aktivt tilbud eller mentor de seneste 12 måneder. Lavere er bedre."
            )
        else:
            met = sum(1 for r in rows if r.met)
            counted = sum(
                1 for r in rows if not r.no_data
            )  # a period without data is not "not met"
            if counted == 0:
                text = self.tr("Ingen data.")
            elif len(rows) == 1:
                text = self.tr("Opfyldt.") if met else self.tr("Ikke opfyldt.")
            elif counted < len(rows):
                text = self.tr("Opfyldt i {met} af {n} perioder med data.").format(
                    met=met, n=counted
                )
            else:
                text = self.tr("Opfyldt i {met} af {n} perioder.").format(met=met, n=counted)
        if not group.is_all:
            text += " " + self.tr(
                "Vist for {group}: både tæller og nævner omfatter kun gruppens borgere."
            ).format(group=_t(group.label) if group.by_age else _t(group.label).lower())
        return text

    def _finished(self) -> bool:
        """The initiative has ended: a payout rule not met is lost, not still at stake."""
        return self.project is not None and self.today > self.project.initiative.end

    def _payout_line(self, p: PayoutForecast, finished: bool) -> str:
        """A payout rule: met or not, its best period, and the periods that count."""
        not_met = self.tr("ikke opfyldt") if finished else self.tr("ikke opfyldt endnu")
        line = "{label}: {status}".format(
            label=p.threshold.label, status=self.tr("opfyldt") if p.met else not_met
        )
        if p.best is not None and not p.best.denominator:
            # A new project: nobody to count yet, so nobody "missing" either.
            line += self.tr(" – ingen borgere at tælle endnu")
        elif p.best is not None:
            best = "{period} ({share})".format(
                period=period_label(p.best), share=percent(p.best.share)
            )
            if p.met:
                line += self.tr(" – første gang {best}").format(best=best)
            else:
                if p.needed == 1:
                    line += self.tr(" – bedste periode {best} manglede 1 borger").format(best=best)
                else:
                    line += self.tr(" – bedste periode {best} manglede {n} borgere").format(
                        best=best, n=p.needed
                    )
        if p.spec.payout_window:
            start, end = p.spec.payout_window
            line += self.tr(" – kun perioder {start} – {end} tæller").format(
                start=date_dots(start), end=date_dots(end)
            )
            if p.best is None:
                line += self.tr(" (ingen i det viste interval)")
        return line

    def _show_payouts(self) -> None:
        if self.report is None:
            return
        lines = []
        released = at_stake = 0.0
        finished = self._finished()
        for p in self.report.payouts:
            line = self._payout_line(p, finished)
            if p.amount is not None:
                if p.met:
                    line += " – " + self.tr("{amount} udløst").format(amount=kroner(p.amount))
                    released += p.amount
                else:
                    lost = (
                        self.tr("{amount} ikke udløst") if finished else self.tr("{amount} i spil")
                    )
                    line += " – " + lost.format(amount=kroner(p.amount))
                    at_stake += p.amount
            lines.append("•  " + line)
        if lines:
            if self.report.payouts and self.report.payouts[0].amount is not None:
                total = (
                    self.tr("I alt: {released} udløst, {stake} ikke udløst.")
                    if finished
                    else self.tr("I alt: {released} udløst, {stake} endnu i spil.")
                )
                lines.append(total.format(released=kroner(released), stake=kroner(at_stake)))
            else:
                lines.append(
                    self.tr(
                        "Tilsagnets beløb er ikke indtastet i projektet, så prognosen vises ikke i kroner."
                    )
                )
        heading = self.tr("Udbetalingsprognose")
        if not self.group.is_all:
            heading = self.tr(
                "Udbetalingsprognose (for hele målgruppen – tilsagnet udbetales efter alle borgeres tal)"
            )
        self.payout_heading.setText(heading)
        self.payout_heading.setVisible(bool(lines))
        self.payout_label.setVisible(bool(lines))
        self.payout_label.setText("\n".join(lines))
