"""Nyt projekt: choose an initiative template, name it, give it a password (the file is
encrypted), and choose where to save it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_dots
from fsm_desktop.domain.program import ProgramTemplate, builtin_templates
from fsm_desktop.views.main.password_dialogs import PasswordFields


class NewProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Nyt projekt"))
        self.templates: list[ProgramTemplate] = builtin_templates()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.template_box = QComboBox(self)
        for template in self.templates:
            self.template_box.addItem(template.name, template.key)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setObjectName("dialogHint")
        self.name_edit = QLineEdit(self)
        self.municipality_edit = QLineEdit(self)
        self.municipality_edit.setPlaceholderText(self.tr("fx Hedensted Kommune"))
        self.grant_box = QDoubleSpinBox(self)
        self.grant_box.setRange(0, 1_000_000_000)
        self.grant_box.setDecimals(0)
        self.grant_box.setSingleStep(10_000)
        self.grant_box.setGroupSeparatorShown(True)
        self.grant_box.setSuffix(" kr.")
        self.grant_box.setSpecialValueText(self.tr("ikke angivet"))
        form.addRow(self.tr("Indsats:"), self.template_box)
        form.addRow("", self.description)
        form.addRow(self.tr("Projektets navn:"), self.name_edit)
        form.addRow(self.tr("Kommune:"), self.municipality_edit)
        form.addRow(self.tr("Tilsagnsbeløb:"), self.grant_box)
        # The project will hold CPR numbers and health notes: the file is encrypted.
        heading = QLabel(
            self.tr(
                "Projektfilen krypteres med en adgangskode, som alle, der skal åbne den, skal kende."
            ),
            self,
        )
        heading.setWordWrap(True)
        form.addRow(heading)
        self.password_fields = PasswordFields(self, form)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Vælg fil og opret…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuller"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.template_box.currentIndexChanged.connect(self._template_changed)
        self._template_changed(0)
        self.setMinimumWidth(520)

    def _template_changed(self, index: int) -> None:
        template = self.templates[index]
        self.name_edit.setText(template.name)
        self.description.setText(
            self.tr("{description}\nPeriode {start} – {end}.").format(
                description=template.target_group.description,
                start=date_dots(template.start),
                end=date_dots(template.end),
            )
        )

    def accept(self) -> None:
        if self.password_fields.problem() is None:
            super().accept()

    @property
    def password(self) -> str:
        return self.password_fields.password

    @property
    def template(self) -> ProgramTemplate:
        return self.templates[self.template_box.currentIndex()]

    @property
    def grant(self) -> float | None:
        return self.grant_box.value() or None
