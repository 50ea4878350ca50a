"""The Stamdata tab: the citizen's master data, edited in place and saved with the window."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import validate_exit, validate_master
from fsm_desktop.domain.model import (
    Assignment,
    AssignmentRole,
    BoardColumn,
    Citizen,
    ExitReason,
    Gender,
    Origin,
)
from fsm_desktop.views.citizens.labels import ERROR_STYLE, EXIT_LABELS, ORIGIN_LABELS
from fsm_desktop.views.citizens.tabs.base import CitizenTab
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class MasterTab(CitizenTab):
    """Mixed into CitizenWindow: the Stamdata tab: the citizen's master data, edited in place
    and saved with the window."""

    def _build_master(self) -> None:
        page = QWidget(self.tabs)
        column = QVBoxLayout(page)
        grid = QFormLayout()
        column.addLayout(grid)
        column.addStretch(1)
        self.name_field = QLineEdit(page)
        self.name_error = error_label(page, ERROR_STYLE)
        self.gender_box = QComboBox(page)
        self.gender_box.addItem("–", "")
        self.gender_box.addItem(_t("kvinde"), Gender.FEMALE.value)
        self.gender_box.addItem(_t("mand"), Gender.MALE.value)
        self.origin_box = QComboBox(page)
        self.origin_box.addItem("–", "")
        for origin, label in ORIGIN_LABELS.items():
            self.origin_box.addItem(_t(label), origin.value)
        self.group_box = QComboBox(page)
        self.group_box.addItem("–", None)
        for group in self.project.template.groups:
            self.group_box.addItem(
                _t("Gruppe {id}: {name}").format(id=group.id, name=group.name), group.id
            )
        self.group_error = error_label(page, ERROR_STYLE)
        self.entry_field = DateField(parent=page)
        self.entry_error = error_label(page, ERROR_STYLE)
        exit_row = QHBoxLayout()
        self.exit_field = DateField(parent=page)
        self.exit_reason_box = QComboBox(page)
        self.exit_reason_box.addItem("–", "")
        for reason, label in EXIT_LABELS.items():
            self.exit_reason_box.addItem(_t(label), reason.value)
        exit_row.addWidget(self.exit_field)
        exit_row.addWidget(self.exit_reason_box, 1)
        self.exit_error = error_label(page, ERROR_STYLE)
        self.note_field = QPlainTextEdit(page)
        self.note_field.setMaximumHeight(90)
        self.note_error = error_label(page, ERROR_STYLE)
        grid.addRow(_t("Navn"), self.name_field)
        grid.addRow("", self.name_error)
        grid.addRow(_t("Køn"), self.gender_box)
        grid.addRow(_t("Herkomst"), self.origin_box)
        if self.group_ids:
            grid.addRow(_t("Gruppe"), self.group_box)
            grid.addRow("", self.group_error)
        grid.addRow(_t("Indgang"), self.entry_field)
        grid.addRow("", self.entry_error)
        grid.addRow(_t("Afgang og årsag"), exit_row)
        grid.addRow("", self.exit_error)
        grid.addRow(_t("Noter"), self.note_field)
        grid.addRow("", self.note_error)
        self.markings_label = QLabel(page)
        self.markings_label.setWordWrap(True)
        self.markings_label.setToolTip(_t("Fritagelser og fravær registreres under Forløb"))
        grid.addRow(_t("Markeringer"), self.markings_label)
        for widget in (self.name_field, self.entry_field, self.exit_field):
            widget.textChanged.connect(lambda _=None: self._changed())
        for box in (self.gender_box, self.origin_box, self.group_box, self.exit_reason_box):
            box.currentIndexChanged.connect(lambda _=None: self._changed())
        self.note_field.textChanged.connect(self._changed)
        self.tabs.addTab(page, _t("Stamdata"))

    # --- master data ----------------------------------------------------------------------------------
    def master(self) -> tuple[Citizen, dict[str, str]]:
        """The master data as entered, and what is wrong with it (field → message)."""
        base = self.loaded.citizen
        problems: dict[str, str] = {}
        dates = {}
        for key, field in (("entry_date", self.entry_field), ("exit_date", self.exit_field)):
            try:
                dates[key] = field.date()
            except ValueError:
                problems[key] = _t("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=field.text()
                )
                dates[key] = getattr(base, key)
        citizen = Citizen(
            cpr=base.cpr,
            name=self.name_field.text().strip(),
            gender=Gender(self.gender_box.currentData()) if self.gender_box.currentData() else None,
            origin=Origin(self.origin_box.currentData()) if self.origin_box.currentData() else None,
            group=self.group_box.currentData() if self.group_ids else base.group,
            entry_date=dates["entry_date"],
            exit_date=dates["exit_date"],
            exit_reason=ExitReason(self.exit_reason_box.currentData())
            if self.exit_reason_box.currentData()
            else None,
            note=self.note_field.toPlainText(),
            id=base.id,
        )
        for key, message in validate_master(citizen, self.group_ids).items():
            problems.setdefault(key, _t(message))
        if (citizen.exit_date, citizen.exit_reason) != (base.exit_date, base.exit_reason):
            staged = [
                Assignment(base.id, staff_id, AssignmentRole(role), day)
                for role, staff_id, day in self.handovers
            ]
            for key, message in validate_exit(citizen, [*self.loaded.assignments, *staged]).items():
                problems.setdefault(key, _t(message))
        return citizen, problems

    def _changed(self) -> None:
        if getattr(self, "_loading", True) or self.record is None:
            return
        citizen, problems = self.master()
        show_error(self.name_error, problems.get("name"))
        show_error(self.group_error, problems.get("group"))
        show_error(self.entry_error, problems.get("entry_date"))
        show_error(self.exit_error, problems.get("exit_date") or problems.get("exit_reason"))
        show_error(self.note_error, problems.get("note"))
        self.changes.citizen = citizen if self._master_differs(citizen) else None
        dirty = self.dirty
        self.save_button.setEnabled(dirty and not problems)
        if problems:
            self.state_label.setText(_t("Ret fejlene, før der kan gemmes."))
        else:
            self.state_label.setText(
                _t("Ændringer, der ikke er gemt.") if dirty else _t("Alt er gemt.")
            )

    def _master_differs(self, citizen: Citizen) -> bool:
        base = self.loaded.citizen
        return any(
            getattr(base, a) != getattr(citizen, a)
            for a in (
                "name",
                "gender",
                "origin",
                "group",
                "entry_date",
                "exit_date",
                "exit_reason",
                "note",
            )
        )

    @property
    def board_column(self) -> BoardColumn | None:
        value = self.column_box.currentData()
        return BoardColumn(value) if value else None

    @property
    def dirty(self) -> bool:
        if self.record is None:
            return False
        column_changed = self.board_column != self.loaded.column and self.board_column is not None
        consent_changed = self.consent_box.isChecked() != self.loaded.network_consent
        return (
            not self.changes.empty
            or column_changed
            or consent_changed
            or bool(self.pending_entries())
        )
