"""The dialog that marks a citizen as exempt from step-up for a while."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.stepup import (
    MARKING_LABELS,
    Marking,
    MarkingKind,
    StepUpCase,
    add_months,
    validate_marking,
)
from fsm_desktop.operations.stepup import add_marking
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import ERROR_STYLE
from fsm_desktop.views.kit.messages import translate_error


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


class MarkingDialog(QDialog):
    """Mark a citizen for step-up, or record an exemption, with dates."""

    #: The marking was written: what changed (operations.changes.Changes).
    saved = Signal(object)

    def __init__(
        self, project: Project, case: StepUpCase, kind: MarkingKind, today: dt.date, parent=None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.case = case
        self.today = today
        self.setWindowTitle(self.tr("Step-up-markering – {name}").format(name=case.name))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{case.name} ({mask(case.cpr)})", self))
        form = QFormLayout()
        self.kind_box = QComboBox(self)
        for k in MarkingKind:
            self.kind_box.addItem(_t(MARKING_LABELS[k]), k.value)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind.value))
        form.addRow(self.tr("Hvad:"), self.kind_box)
        self.start_field = DateField(today, optional=False, parent=self)
        form.addRow(self.tr("Fra:"), self.start_field)
        self.end_field = DateField(None, optional=True, parent=self)
        form.addRow(self.tr("Til:"), self.end_field)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Fx barrierer, behandling eller det aftalte tilbud"))
        form.addRow(self.tr("Note:"), self.note)
        layout.addLayout(form)
        self.help = QLabel(self)
        self.help.setWordWrap(True)
        layout.addWidget(self.help)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Gem"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annullér"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(560, self.sizeHint().height())

    def kind(self) -> MarkingKind:
        return MarkingKind(self.kind_box.currentData())

    def _kind_changed(self, *_) -> None:
        kind = self.kind()
        if kind is MarkingKind.MARKED:
            self.help.setText(
                self.tr(
                    "Borgeren skal have et step-up-møde, fordi jobmatchet går i stå på grund af "
                    "helbred, sociale forhold eller familie. Slutdato er valgfri."
                )
            )
        elif kind is MarkingKind.REHAB_RECOMMENDATION:
            self.help.setText(
                self.tr(
                    "Rehabiliteringsteamets indstilling siger, at der ikke kan iværksættes en "
                    "virksomhedsrettet indsats inden for 6 måneder (fx behandling)."
                )
            )
            if not self.end_field.text():
                self.end_field.set_date(add_months(self.today, 6))
        else:
            self.help.setText(
                self.tr(
                    "Et konkret virksomhedsrettet tilbud (eller fleksjob) er aftalt. Til-datoen er "
                    "den aftalte start; starter tilbuddet ikke, skal borgeren i step-up igen."
                )
            )
            if not self.end_field.text():
                self.end_field.set_date(self.today + dt.timedelta(days=30))

    def save(self) -> None:
        try:
            start, end = self.start_field.date(), self.end_field.date()
        except ValueError:
            self.error.setText(self.tr("Skriv datoerne som dd-mm-åååå."))
            self.error.show()
            return
        if start is None:
            self.error.setText(self.tr("Skriv fra-datoen."))
            self.error.show()
            return
        marking = Marking(self.kind(), start, end, self.note.text().strip())
        errors = validate_marking(marking)
        if errors:
            self.error.setText(" ".join(_t(m) for _, m in errors))
            self.error.show()
            return
        try:
            done = add_marking(self.project, self.case.citizen_id, marking)
        except KnownError as error:
            self.error.setText(translate_error(error))
            self.error.show()
            return
        self.saved.emit(done.changes)
        self.accept()
