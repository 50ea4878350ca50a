"""Nyt projekt: choose an initiative template, name it, give it a password (the file is
encrypted), and choose where to save it."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
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
        choose = QWidget(self)
        row = QHBoxLayout(choose)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.template_box, 1)
        self.edit_button = QPushButton(self.tr("Ny indsats …"), choose)
        self.edit_button.setToolTip(
            self.tr("Lav en ny indsats i editoren, med den valgte som udgangspunkt")
        )
        self.file_button = QPushButton(self.tr("Fra fil …"), choose)
        self.file_button.setToolTip(self.tr("En skabelonfil (.json), fx fra en nabokommune"))
        row.addWidget(self.edit_button)
        row.addWidget(self.file_button)
        form.addRow(self.tr("Indsats:"), choose)
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
        self.edit_button.clicked.connect(self.new_initiative)
        self.file_button.clicked.connect(self.open_template_file)
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

    def add_template(self, template: ProgramTemplate) -> None:
        """A template made in the editor or read from a file: chosen at once."""
        self.templates.append(template)
        self.template_box.addItem(self.tr("{name} (egen)").format(name=template.name), template.key)
        self.template_box.setCurrentIndex(self.template_box.count() - 1)

    def new_initiative(self):
        """Ny indsats: the editor, starting from a copy of the chosen template."""
        import json

        from fsm_desktop.views.initiative.editor import InitiativeEditor

        editor = InitiativeEditor(
            json.loads(self.template.to_json()),
            self,
            title=self.tr("Ny indsats"),
            save_text=self.tr("Brug indsatsen"),
        )
        editor.accepted.connect(lambda: self._made(editor.template))
        editor.open()
        return editor

    def _made(self, template: ProgramTemplate | None) -> None:
        if template is not None:
            self.add_template(template)

    def open_template_file(self) -> None:
        from fsm_desktop.views.initiative.files import open_template_file

        template = open_template_file(self)
        if template is not None:
            self.add_template(template)

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
