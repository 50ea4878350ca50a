"""The Forløb tab: benefits, offers, outcomes and markings over time."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.model import Period
from fsm_desktop.views.citizens.painting import Timeline
from fsm_desktop.views.citizens.period_dialog import PeriodDialog
from fsm_desktop.views.citizens.tabs.base import CitizenTab
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class PeriodsTab(CitizenTab):
    """Mixed into CitizenWindow: the Forløb tab: benefits, offers, outcomes and markings over
    time."""

    def _build_periods(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.timeline = Timeline(page)
        layout.addWidget(self.timeline)
        self.period_table = widget_table(page, [_t("Type"), _t("Fra"), _t("Til"), _t("Note")], 3)
        self.period_table.doubleClicked.connect(lambda _: self.edit_period())
        layout.addWidget(self.period_table, 1)
        buttons = QHBoxLayout()
        for text, slot in (
            (_t("Nyt forløb …"), self.add_period),
            (_t("Redigér …"), self.edit_period),
            (_t("Afslut pr. {date}").format(date=date_text(self.today)), self.end_period),
            (_t("Slet"), self.delete_period),
        ):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.tabs.addTab(page, _t("Forløb"))

    # --- periods -------------------------------------------------------------------------------------
    def _save_period(self, period: Period | None) -> None:
        assert period is not None, "the dialog is accepted only with a valid period"
        self.periods = [p for p in self.periods if p.id != period.id] + [period]
        self.changes.periods_saved = [
            p for p in self.changes.periods_saved if p.id != period.id
        ] + [period]
        self._refresh_lists()
        self._changed()

    def add_period(self) -> PeriodDialog:
        dialog = PeriodDialog(
            None, self.periods, self.citizen_id, self.today, self, self.project.template.kinds()
        )
        dialog.accepted.connect(lambda: self._save_period(dialog.period()))
        dialog.open()
        self.period_dialog = dialog
        return dialog

    def edit_period(self) -> PeriodDialog | None:
        period_id = self._selected_key(self.period_table)
        period = next((p for p in self.periods if p.id == period_id), None)
        if period is None:
            return None
        dialog = PeriodDialog(
            period, self.periods, self.citizen_id, self.today, self, self.project.template.kinds()
        )
        dialog.accepted.connect(lambda: self._save_period(dialog.period()))
        dialog.open()
        self.period_dialog = dialog
        return dialog

    def end_period(self) -> bool:
        """The selected period ends today (an offer or a benefit that stopped)."""
        period_id = self._selected_key(self.period_table)
        period = next((p for p in self.periods if p.id == period_id), None)
        if period is None or period.end is not None:
            return False
        ended = Period(
            period.citizen_id,
            period.kind,
            period.start,
            max(self.today, period.start),
            period.note,
            id=period.id,
        )
        self._save_period(ended)
        return True

    def delete_period(self) -> bool:
        period_id = self._selected_key(self.period_table)
        if period_id is None:
            return False
        self.periods = [p for p in self.periods if p.id != period_id]
        self.changes.periods_saved = [p for p in self.changes.periods_saved if p.id != period_id]
        if any(p.id == period_id for p in self.loaded.periods):
            self.changes.periods_deleted.append(period_id)
        self._refresh_lists()
        self._changed()
        return True
