"""The CV og jobmål tab: the citizen's CV and job goal, dated."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import validate_status
from fsm_desktop.domain.model import StatusEntry, StatusKind
from fsm_desktop.views.citizens.labels import ERROR_STYLE
from fsm_desktop.views.citizens.tabs.base import CitizenTab, EnterAdds, PendingEntry
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class StatusTab(CitizenTab):
    """Mixed into CitizenWindow: the CV og jobmål tab: the citizen's CV and job goal, dated."""

    def _build_status(self) -> None:
        page = QWidget(self.tabs)
        self.status_page = page
        layout = QVBoxLayout(page)
        self.status_table = widget_table(page, [_t("Hvad"), _t("Fra"), _t("Værdi")], 2)
        layout.addWidget(self.status_table, 1)
        grid = QGridLayout()
        self.cv_box = QComboBox(page)
        self.cv_box.addItem(_t("ja"), "ja")
        self.cv_box.addItem(_t("nej"), "nej")
        self.cv_date = DateField(self.today, optional=False, parent=page)
        cv_button = QPushButton(_t("Registrér"), page)
        cv_button.clicked.connect(lambda: self.add_status(StatusKind.CV_JOBNET))
        self.goal_field = QLineEdit(page)
        self.goal_field.setPlaceholderText(_t("fx lagermedarbejder"))
        self.goal_date = DateField(self.today, optional=False, parent=page)
        goal_button = QPushButton(_t("Registrér"), page)
        goal_button.clicked.connect(lambda: self.add_status(StatusKind.JOB_GOAL))
        EnterAdds(self.goal_field, lambda: self.add_status(StatusKind.JOB_GOAL))
        self.goal_field.textChanged.connect(lambda _=None: self._changed())
        grid.addWidget(QLabel(_t("CV på Jobnet"), page), 0, 0)
        grid.addWidget(self.cv_box, 0, 1)
        grid.addWidget(self.cv_date, 0, 2)
        grid.addWidget(cv_button, 0, 3)
        grid.addWidget(QLabel(_t("Jobmål"), page), 1, 0)
        grid.addWidget(self.goal_field, 1, 1)
        grid.addWidget(self.goal_date, 1, 2)
        grid.addWidget(goal_button, 1, 3)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.status_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.status_error)
        self.tabs.addTab(page, _t("CV og jobmål"))

    # --- CV and job goal ---------------------------------------------------------------------------
    def _pending_status(self) -> list[PendingEntry]:
        """A job goal typed and not yet registered."""
        if not self.goal_field.text().strip():
            return []
        return [
            PendingEntry(
                self.status_page, self.goal_field, lambda: self.add_status(StatusKind.JOB_GOAL)
            )
        ]

    def add_status(self, kind: StatusKind) -> bool:
        date_field = self.cv_date if kind is StatusKind.CV_JOBNET else self.goal_date
        value = (
            self.cv_box.currentData()
            if kind is StatusKind.CV_JOBNET
            else self.goal_field.text().strip()
        )
        try:
            day = date_field.date()
        except ValueError:
            show_error(
                self.status_error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(text=date_field.text()),
            )
            return False
        if day is None:
            show_error(self.status_error, _t("Datoen skal udfyldes."))
            return False
        entry = StatusEntry(self.citizen_id, kind, day, value)
        problems = validate_status(entry, self.real_today)
        if problems:
            show_error(self.status_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.status_error, None)
        self.status.append(entry)
        self.status.sort(key=lambda s: s.date)
        self.changes.status_added.append(entry)
        if kind is StatusKind.JOB_GOAL:
            self.goal_field.clear()
        self._refresh_lists()
        self._changed()
        return True
