"""The staff page's dialogs: a person's record and the caseload limits."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.caseload import (
    COUNTED_ROLES,
    ROLE_PLURAL,
    CaseloadSettings,
    Limit,
    StaffRecord,
    default_settings,
    limit_problem,
)
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Staff, StaffRole
from fsm_desktop.operations import staff as staff_ops
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.staff import StaffRegister
from fsm_desktop.views.kit.dates import date_edit, pydate, qdate
from fsm_desktop.views.kit.errors import error_label
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.staff.models import ROLE_LABELS


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


def _attempt(label: QLabel, write):
    """Run a write; a known error (a rule, a locked file) is shown in ``label`` and None returned."""
    try:
        return write()
    except KnownError as error:
        label.setText(translate_error(error))
        label.show()
        return None


class StaffDialog(QDialog):
    """Add or change a person in the register; the rules' messages stand next to the fields."""

    def __init__(
        self,
        project: Project,
        record: StaffRecord | None,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.today = today
        self.record = record
        self.saved: StaffRecord | None = None
        self.setWindowTitle(_t("Ny medarbejder") if record is None else _t("Redigér medarbejder"))
        form = self._build_form(today)
        hint = QLabel(
            _t(
                "Pseudo-sagsbehandlere (fx »Barsel/fængsel« og »Sag overdraget til pensionsnævnet«) har 0 timer; "
                "deres borgere tæller ikke med i nogens sagsstamme. Sagsbehandlere med mødelederfunktion "
                "registreres med det nedsatte timetal."
            ),
            self,
        )
        hint.setObjectName("dialogHint")
        hint.setWordWrap(True)
        self.general_error = error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_t("Gem"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.from_box.toggled.connect(self.from_date.setEnabled)
        self.to_box.toggled.connect(self.to_date.setEnabled)
        self._fill(record)
        self.from_date.setEnabled(self.from_box.isChecked())
        self.to_date.setEnabled(self.to_box.isChecked())
        self._role_changed()
        self.setMinimumWidth(520)

    def _build_form(self, today: dt.date) -> QFormLayout:
        """Name, initials, role, hours and the dates in the project, each with its error line."""
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.initials = QLineEdit(self)
        self.initials.setMaxLength(8)
        self.role = QComboBox(self)
        for role in StaffRole:
            self.role.addItem(
                QCoreApplication.translate("StaffModel", ROLE_LABELS[role]), role.value
            )
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(0, 48)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setSuffix(_t(" timer"))
        self.from_box = QCheckBox(_t("fra"), self)
        self.from_date = date_edit(self, today)
        self.to_box = QCheckBox(_t("til"), self)
        self.to_date = date_edit(self, today)
        self.errors = {
            key: error_label(self) for key in ("name", "initials", "role", "hours", "active_to")
        }
        active = QGridLayout()
        active.addWidget(self.from_box, 0, 0)
        active.addWidget(self.from_date, 0, 1)
        active.addWidget(self.to_box, 1, 0)
        active.addWidget(self.to_date, 1, 1)
        active.setColumnStretch(2, 1)
        for label, widget, key in (
            (_t("Navn"), self.name, "name"),
            (_t("Initialer"), self.initials, "initials"),
            (_t("Rolle"), self.role, "role"),
            (_t("Timer pr. uge"), self.hours, "hours"),
            (_t("Aktiv i projektet"), active, "active_to"),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        return form

    def _fill(self, record: StaffRecord | None) -> None:
        """The person's values, or a new caseworker's (37 hours)."""
        if record is not None:
            self.name.setText(record.name)
            self.initials.setText(record.initials)
            self.role.setCurrentIndex(self.role.findData(record.role.value))
            self.hours.setValue(record.hours)
            if record.active_from:
                self.from_box.setChecked(True)
                self.from_date.setDate(qdate(record.active_from))
            if record.active_to:
                self.to_box.setChecked(True)
                self.to_date.setDate(qdate(record.active_to))
        else:
            self.role.setCurrentIndex(self.role.findData(StaffRole.CASEWORKER.value))
            self.hours.setValue(37)

    def _role_changed(self) -> None:
        pseudo = self.role.currentData() == StaffRole.PSEUDO.value
        if pseudo:
            self.hours.setValue(0)
        self.hours.setEnabled(not pseudo)

    def current(self) -> StaffRecord:
        staff_id = self.record.id if self.record is not None else None
        staff = Staff(
            self.initials.text(),
            self.name.text(),
            StaffRole(self.role.currentData()),
            self.hours.value(),
        )
        if staff_id is not None:
            staff.id = staff_id
        return StaffRecord(
            staff,
            pydate(self.from_date.date()) if self.from_box.isChecked() else None,
            pydate(self.to_date.date()) if self.to_box.isChecked() else None,
        )

    def save(self) -> None:
        register = StaffRegister(self.project)
        record = self.current()
        problems = register.problems(record, self.today)
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        self.general_error.hide()
        if problems:
            return
        self.saved = _attempt(
            self.general_error, lambda: staff_ops.save_staff(self.project, record, self.today).value
        )
        if self.saved is not None:
            self.accept()


class LimitsDialog(QDialog):
    """The caseload limits per role (per full-time equivalent), stored in the project."""

    def __init__(
        self, project: Project, settings: CaseloadSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.setWindowTitle(_t("Grænser for sagsstammer"))
        grid = QGridLayout()
        grid.addWidget(QLabel(_t("Borgere pr. fuldtid (37 timer)"), self), 0, 0, 1, 5)
        self.rows: dict[StaffRole, tuple[QCheckBox, QDoubleSpinBox, QCheckBox, QDoubleSpinBox]] = {}
        for r, role in enumerate(COUNTED_ROLES, start=1):
            on = QCheckBox(ROLE_PLURAL[role], self)
            high = QDoubleSpinBox(self)
            high.setRange(1, 1000)
            high.setDecimals(1)
            low_on = QCheckBox(_t("nedre grænse"), self)
            low = QDoubleSpinBox(self)
            low.setRange(1, 1000)
            low.setDecimals(1)
            grid.addWidget(on, r, 0)
            grid.addWidget(QLabel(_t("højst"), self), r, 1)
            grid.addWidget(high, r, 2)
            grid.addWidget(low_on, r, 3)
            grid.addWidget(low, r, 4)
            self.rows[role] = (on, high, low_on, low)
            on.toggled.connect(lambda checked, role=role: self._enable(role))
            low_on.toggled.connect(lambda checked, role=role: self._enable(role))
        self._show(settings)
        hint = QLabel(
            _t(
                "HIR: højst 30–35 sager pr. koordinerende sagsbehandler (STAR's spørgsmål og svar til puljen). "
                "Jobformidlere: Hedensted planlægger ca. 40 sager hver (ansøgningen til Flere skal med 2). "
                "Over den øvre grænse er over grænsen; mellem de to er inden for intervallet."
            ),
            self,
        )
        hint.setObjectName("dialogHint")
        hint.setWordWrap(True)
        self.error = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_t("Gem"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.defaults_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setText(_t("Indsatsens standard"))
        self.defaults_button.clicked.connect(lambda: self._show(default_settings(project.template)))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _show(self, settings: CaseloadSettings) -> None:
        for role, (on, high, low_on, low) in self.rows.items():
            limit = settings.limit(role)
            on.setChecked(limit is not None)
            high.setValue(limit.high if limit else 35)
            low_on.setChecked(bool(limit and limit.low is not None))
            low.setValue(limit.low if limit and limit.low is not None else 30)
            self._enable(role)

    def _enable(self, role: StaffRole) -> None:
        on, high, low_on, low = self.rows[role]
        high.setEnabled(on.isChecked())
        low_on.setEnabled(on.isChecked())
        low.setEnabled(on.isChecked() and low_on.isChecked())

    def chosen(self) -> CaseloadSettings:
        limits: dict[StaffRole, Limit | None] = {}
        for role, (on, high, low_on, low) in self.rows.items():
            limits[role] = (
                Limit(high.value(), low.value() if low_on.isChecked() else None)
                if on.isChecked()
                else None
            )
        return CaseloadSettings(limits, self.settings.ips)

    def save(self) -> None:
        chosen = self.chosen()
        for limit in chosen.limits.values():
            problem = limit and limit_problem(limit.high, limit.low)
            if problem:
                self.error.setText(_t(problem))
                self.error.show()
                return
        if _attempt(
            self.error,
            lambda: staff_ops.save_caseload_settings(self.project, chosen).value or True,
        ):
            self.settings = chosen
            self.accept()
