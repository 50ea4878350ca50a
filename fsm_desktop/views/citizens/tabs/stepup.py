"""The Step-up tab: the citizen's step-up meetings and what is due."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.stepup import DUE_LABELS, MARKING_LABELS, LineStatus, assess, follow_up
from fsm_desktop.storage.stepup import StepUpRepository
from fsm_desktop.views.citizens.tabs.base import CitizenTab
from fsm_desktop.views.kit.tables import fill_table, widget_table
from fsm_desktop.views.kit.wording import overdue_text


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class StepUpTab(CitizenTab):
    """Mixed into CitizenWindow: the Step-up tab: the citizen's step-up meetings and what is
    due."""

    def _build_stepup(self) -> None:
        """Step-up (read here, recorded on the Step-up page): due or not and why, markings, and
        each meeting's plan with its follow-up (an overdue planned start shows here)."""
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.stepup_label = QLabel(page)
        self.stepup_label.setWordWrap(True)
        layout.addWidget(self.stepup_label)
        self.stepup_table = widget_table(
            page,
            [_t("Møde"), _t("Tilbud"), _t("Planlagt start"), _t("Ansvarlig"), _t("Opfølgning")],
            4,
        )
        layout.addWidget(self.stepup_table, 1)
        self.tabs.addTab(page, _t("Step-up"))

    def _fill_stepup(self) -> None:
        case = StepUpRepository(self.project).case(self.citizen_id, self.today)
        if case is None:
            return
        found = assess(case, self.today)
        lines = []
        if found.is_due:
            assert found.reason is not None, "a due meeting has its reason"
            lines.append(
                _t("Skal have et step-up-møde siden {date}: {why}.").format(
                    date=date_text(found.due), why=_t(DUE_LABELS[found.reason])
                )
            )
        elif found.exemption is not None:
            lines.append(
                _t("Fritaget for step-up til {date}.").format(date=date_text(found.exempt_until))
            )
        else:
            lines.append(_t("Skal ikke have et step-up-møde nu."))
        for m in case.markings:
            lines.append(
                f"• {_t(MARKING_LABELS[m.kind])}: {date_text(m.start)} – {date_text(m.end) or '…'}"
            )
        self.stepup_label.setText("\n".join(lines))
        rows: list[list[str]] = []
        overdue_rows: list[int] = []
        for meeting in sorted(case.meetings, key=lambda m: m.date, reverse=True):
            for f in follow_up(case, meeting, self.today):
                state = {
                    LineStatus.STARTED: _t("startet {date}").format(date=date_text(f.started)),
                    LineStatus.PENDING: _t("afventer"),
                    LineStatus.OVERDUE: overdue_text(f.days_overdue),
                }[f.status]
                if f.status is LineStatus.OVERDUE:
                    overdue_rows.append(len(rows))
                rows.append(
                    [
                        date_text(meeting.date),
                        f.line.offer.label,
                        date_text(f.line.planned_start),
                        f.line.responsible,
                        state,
                    ]
                )
        fill_table(self.stepup_table, rows)
        for r in overdue_rows:
            item = self.stepup_table.item(r, 4)
            assert item is not None  # fill_table made every cell
            item.setForeground(QColor("#a2191f"))
