"""Laptop copies in the window (issue 20): *Tag med på bærbar* (where to and for which job
broker), *Aflever ændringer* (the change file, and whether the copy ends) and the merge of a
change file on the team copy: a preview in the project leader's words, then each conflict with
a choice between the team copy's value and the laptop's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QStandardPaths,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.model import StaffRole
from fsm_desktop.storage.project import SUFFIX, Project
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.storage.sync import SUFFIX as CHANGES_SUFFIX
from fsm_desktop.views.kit import file_dialogs


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncDialogs", text)


def error_and_buttons(dialog: QDialog, layout: QVBoxLayout, ok_text: str) -> QLabel:
    """A dialog's hidden error line and its OK (``ok_text``) / Annuller buttons, at the bottom."""
    error = QLabel(dialog)
    error.setObjectName("errorText")
    error.setWordWrap(True)
    error.hide()
    layout.addWidget(error)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annuller"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return error


def _path_row(parent: QWidget, edit: QLineEdit, browse) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton(_t("Vælg …"), parent)
    button.clicked.connect(browse)
    row.addWidget(button)
    return row


# --- take along ------------------------------------------------------------------------------------


class CheckoutDialog(QDialog):
    """*Filer → Tag med på bærbar*: where the laptop copy goes, and (optionally) the job broker
    who takes it along; the copy then opens on that broker's citizens."""

    def __init__(self, team: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkoutDialog")
        self.setWindowTitle(self.tr("Tag med på bærbar"))
        self.team = team
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Den bærbare kopi er hele projektet, krypteret som teamkopien. Arbejd i den uden netværk, og aflever "
                "bagefter ændringerne fra den (Filer → Aflever ændringer); de indlæses så i teamkopien. Import, "
                "medarbejdere, mål og indsatsens indstillinger ændres kun i teamkopien."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.broker_box = QComboBox(self)
        self.broker_box.setAccessibleName(self.tr("Jobformidler"))
        self.broker_box.addItem(self.tr("(ingen)"), "")
        for member in StaffRepository(team).list():
            if member.role is StaffRole.JOB_BROKER:
                self.broker_box.addItem(f"{member.initials} – {member.name}", member.initials)
        self.broker_box.setToolTip(
            self.tr("Kopien åbner på jobformidlerens borgere (Mine borgere)")
        )
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("Den bærbare kopi"))
        self.path_edit.setMinimumWidth(420)
        self._suggested = ""
        self._suggest()
        form.addRow(self.tr("Jobformidler:"), self.broker_box)
        form.addRow(self.tr("Gem kopien som:"), _path_row(self, self.path_edit, self.browse))
        layout.addLayout(form)
        self.error = error_and_buttons(self, layout, self.tr("Tag med"))
        self.broker_box.currentIndexChanged.connect(lambda _: self._suggest())

    def _folder(self) -> Path:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents and Path(documents).is_dir() else self.team.path.parent

    def _suggest(self) -> None:
        """A name from the project and the broker, while the user has not typed one."""
        if self.path_edit.text() and self.path_edit.text() != self._suggested:
            return
        initials = self.broker_box.currentData() or ""
        name = f"{self.team.path.stem}-bærbar{'-' + initials if initials else ''}{SUFFIX}"
        self._suggested = str(self._folder() / name)
        self.path_edit.setText(self._suggested)

    def browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem den bærbare kopi"),
            self.path_edit.text(),
            self.tr("FSM-projekter (*.fsm)"),
        )
        if path:
            self.path_edit.setText(path)

    @property
    def path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == SUFFIX else path.with_name(path.name + SUFFIX)

    @property
    def job_broker(self) -> str | None:
        return self.broker_box.currentData() or None

    def accept(self) -> None:
        if not self.path_edit.text().strip():
            self.error.setText(self.tr("Skriv, hvor kopien skal gemmes."))
            self.error.show()
            return
        super().accept()


# --- hand back -------------------------------------------------------------------------------------


class HandinDialog(QDialog):
    """*Filer → Aflever ændringer*: the change file, and whether the copy ends here (read-only
    afterwards) or the broker keeps working in it."""

    def __init__(self, laptop: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handinDialog")
        self.setWindowTitle(self.tr("Aflever ændringer"))
        assert laptop.laptop is not None
        copy = laptop.laptop
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Det, der er ændret i kopien, siden den blev taget med (eller siden sidste aflevering), skrives i én "
                "krypteret ændringsfil. Læg den på fællesdrevet eller en USB-nøgle, og indlæs den i teamkopien "
                "(Filer → Indlæs ændringer fra bærbar)."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName(self.tr("Ændringsfilen"))
        self.path_edit.setMinimumWidth(420)
        team_folder = Path(copy.team_path).parent
        folder = team_folder if team_folder.is_dir() else laptop.path.parent
        self.path_edit.setText(
            str(folder / f"{laptop.path.stem}-aflevering-{copy.seq + 1}{CHANGES_SUFFIX}")
        )
        form.addRow(self.tr("Ændringsfil:"), _path_row(self, self.path_edit, self.browse))
        layout.addLayout(form)
        self.finish_radio = QRadioButton(self.tr("Aflever og afslut kopien"), self)
        self.keep_radio = QRadioButton(self.tr("Aflever og arbejd videre"), self)
        self.finish_radio.setChecked(True)
        group = QButtonGroup(self)
        for radio, hint in (
            (
                self.finish_radio,
                self.tr(
                    "Kopien kan derefter kun læses. Tag en ny kopi med fra teamkopien næste gang."
                ),
            ),
            (
                self.keep_radio,
                self.tr(
                    "Du kan arbejde videre i kopien; næste aflevering har kun det, der ændres herefter."
                ),
            ),
        ):
            group.addButton(radio)
            layout.addWidget(radio)
            label = QLabel(hint, self)
            label.setObjectName("dialogHint")
            label.setWordWrap(True)
            label.setContentsMargins(24, 0, 0, 6)
            layout.addWidget(label)
        self.error = error_and_buttons(self, layout, self.tr("Aflever"))

    def browse(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem ændringsfilen"),
            self.path_edit.text(),
            self.tr("Ændringsfiler (*.fsmchanges)"),
        )
        if path:
            self.path_edit.setText(path)

    @property
    def path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return (
            path
            if path.suffix.lower() == CHANGES_SUFFIX
            else path.with_name(path.name + CHANGES_SUFFIX)
        )

    @property
    def keep_working(self) -> bool:
        return self.keep_radio.isChecked()

    def accept(self) -> None:
        if not self.path_edit.text().strip():
            self.error.setText(self.tr("Skriv, hvor ændringsfilen skal gemmes."))
            self.error.show()
            return
        super().accept()
