"""The Løntimer tab: paid hours month by month."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from fsm_desktop.domain.citizen_edit import validate_hours
from fsm_desktop.domain.model import PaidHours
from fsm_desktop.views.citizens.labels import ERROR_STYLE
from fsm_desktop.views.citizens.painting import Sparkline
from fsm_desktop.views.citizens.tabs.base import CitizenTab, EnterAdds, PendingEntry
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class HoursTab(CitizenTab):
    """Mixed into CitizenWindow: the Løntimer tab: paid hours month by month."""

    def _build_hours(self) -> None:
        page = QWidget(self.tabs)
        self.hours_page = page
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.sparkline = Sparkline(page)
        row.addWidget(self.sparkline, 1)
        layout.addLayout(row)
        self.hours_table = widget_table(page, [_t("Måned"), _t("Løntimer"), ""], 2)
        layout.addWidget(self.hours_table, 1)
        entry = QHBoxLayout()
        last_month = (self.today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        self.month_field = QLineEdit(last_month, page)
        self.month_field.setMaximumWidth(100)
        self.month_field.setAccessibleName(_t("Måned (åååå-mm)"))
        self.hours_field = QLineEdit(page)
        self.hours_field.setMaximumWidth(100)
        self.hours_field.setPlaceholderText(_t("timer"))
        self.hours_field.setAccessibleName(_t("Løntimer"))
        add = QPushButton(_t("Registrér"), page)
        remove = QPushButton(_t("Slet måned"), page)
        add.clicked.connect(self.set_hours)
        remove.clicked.connect(self.delete_hours)
        EnterAdds(self.hours_field, self.set_hours)
        self.hours_field.textChanged.connect(lambda _=None: self._changed())
        for widget in (
            QLabel(_t("Måned"), page),
            self.month_field,
            QLabel(_t("Timer"), page),
            self.hours_field,
            add,
            remove,
        ):
            entry.addWidget(widget)
        entry.addStretch(1)
        layout.addLayout(entry)
        self.hours_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.hours_error)
        self.tabs.addTab(page, _t("Løntimer"))

    # --- paid hours ----------------------------------------------------------------------------------
    def _pending_hours(self) -> list[PendingEntry]:
        """Hours typed and not yet registered."""
        if not self.hours_field.text().strip():
            return []
        return [PendingEntry(self.hours_page, self.hours_field, self.set_hours)]

    def set_hours(self) -> bool:
        month = self.month_field.text().strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            show_error(
                self.hours_error, _t("»{text}« er ikke en måned (åååå-mm).").format(text=month)
            )
            return False
        text = (
            self.hours_field.text().strip().replace(".", "").replace(",", ".")
            if "," in self.hours_field.text()
            else self.hours_field.text().strip()
        )
        try:
            hours = float(text)
        except ValueError:
            show_error(
                self.hours_error,
                _t("»{text}« er ikke et antal timer.").format(text=self.hours_field.text()),
            )
            return False
        problems = validate_hours(PaidHours(self.citizen_id, month, hours))
        if problems:
            show_error(self.hours_error, _t(problems["hours"]))
            return False
        show_error(self.hours_error, None)
        self.hours[month] = hours
        self.changes.hours_saved = [h for h in self.changes.hours_saved if h.month != month] + [
            PaidHours(self.citizen_id, month, hours)
        ]
        self.changes.hours_deleted = [m for m in self.changes.hours_deleted if m != month]
        self.hours_field.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_hours(self) -> bool:
        month = self._selected_key(self.hours_table)
        if month is None:
            return False
        self.hours.pop(month, None)
        self.changes.hours_saved = [h for h in self.changes.hours_saved if h.month != month]
        if any(h.month == month for h in self.loaded.hours):
            self.changes.hours_deleted.append(month)
        self._refresh_lists()
        self._changed()
        return True
