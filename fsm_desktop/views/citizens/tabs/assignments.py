"""The Tilknytning tab: the citizen's job broker and caseworker, and handing the citizen over."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fsm_desktop.domain.citizen_edit import handover_problem, leaving_date
from fsm_desktop.domain.model import AssignmentRole
from fsm_desktop.views.citizens.labels import ERROR_STYLE
from fsm_desktop.views.citizens.tabs.base import CitizenTab
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class AssignmentsTab(CitizenTab):
    """Mixed into CitizenWindow: the Tilknytning tab: the citizen's job broker and caseworker,
    and handing the citizen over."""

    def _build_assignments(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.assignment_table = widget_table(
            page, [_t("Rolle"), _t("Medarbejder"), _t("Fra"), _t("Til")], 1
        )
        layout.addWidget(self.assignment_table, 1)
        grid = QGridLayout()
        self.handover_boxes: dict[AssignmentRole, QComboBox] = {}
        self.handover_dates: dict[AssignmentRole, DateField] = {}
        self.handover_errors: dict[AssignmentRole, QLabel] = {}
        for i, role in enumerate((AssignmentRole.JOB_BROKER, AssignmentRole.CASEWORKER)):
            row = 2 * i
            label = (
                _t("Ny jobformidler")
                if role is AssignmentRole.JOB_BROKER
                else _t("Ny sagsbehandler")
            )
            box = QComboBox(page)
            box.setAccessibleName(label)
            date = DateField(self.today, optional=False, parent=page)
            button = QPushButton(_t("Skift fra denne dato"), page)
            button.clicked.connect(lambda _=False, r=role: self.stage_handover(r))
            grid.addWidget(QLabel(label, page), row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(date, row, 2)
            grid.addWidget(button, row, 3)
            self.handover_boxes[role] = box
            self.handover_dates[role] = date
            self.handover_errors[role] = error_label(page, ERROR_STYLE)
            grid.addWidget(self.handover_errors[role], row + 1, 1, 1, 3)
        layout.addLayout(grid)
        hint = QLabel(
            _t(
                "Et skift afslutter den nuværende tilknytning dagen før og starter en ny på datoen."
            ),
            page,
        )
        hint.setObjectName("dialogHint")
        layout.addWidget(hint)
        self.tabs.addTab(page, _t("Jobformidler og sagsbehandler"))

    # --- assignments ---------------------------------------------------------------------------------
    def stage_handover(self, role: AssignmentRole) -> bool:
        """Stage a change of ``role`` from the chosen day (saved with the rest); the rule of the
        assignment history is checked against the saved history, the message under the row."""
        error = self.handover_errors[role]
        staff_id = self.handover_boxes[role].currentData()
        try:
            day = self.handover_dates[role].date()
        except ValueError:
            show_error(
                error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=self.handover_dates[role].text()
                ),
            )
            return False
        if staff_id is None or day is None:
            show_error(error, _t("Vælg en medarbejder og en dato."))
            return False
        citizen, _ = self.master()
        history = [a for a in self.loaded.assignments if a.role is role]
        problem = handover_problem(history, staff_id, day, leaving_date(citizen))
        if problem is not None:
            show_error(error, _t(problem))
            return False
        show_error(error, None)
        self.handovers = [h for h in self.handovers if h[0] != role.value] + [
            (role.value, staff_id, day)
        ]
        self.changes.handovers = list(self.handovers)
        self._refresh_lists()
        self._changed()
        return True
