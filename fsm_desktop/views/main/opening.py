"""Opening a project: its password, a project in use elsewhere, repairing a damaged project and
reopening it for writing."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QMessageBox,
)

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.storage.keys import PasswordRequired, WrongPassword
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.writer_lock import ProjectInUse
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.main.base import MainWindowBase


def _same_file(a: str | Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class Opening(MainWindowBase):
    """Mixed into MainWindow: opening a project: its password, a project in use elsewhere,
    repairing a damaged project and reopening it for writing."""

    # --- passwords ------------------------------------------------------------------------------
    def ask_password(self, file_name: str, wrong: bool) -> str | None:
        """The password of an encrypted project, or None (cancelled). Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import PasswordDialog

        dialog = PasswordDialog(file_name, wrong, self)
        try:
            return dialog.password if dialog.exec() == PasswordDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def _open(self, path: str | Path, password: str | None = None, **options) -> Project | None:
        """Project.open with the password asked for as needed (again after a wrong one); the
        key is remembered for this window. None: the user cancelled."""
        remembered = str(Path(path).expanduser().absolute())
        key = self._keys.get(remembered)
        while True:
            try:
                project = Project.open(path, key=key, password=password, **options)
            except PasswordRequired:
                password = self.ask_password(Path(path).name, wrong=False)
            except WrongPassword:
                if key is not None:  # re-keyed elsewhere since: ask
                    self._keys.pop(remembered, None)
                    key = None
                    password = self.ask_password(Path(path).name, wrong=False)
                else:
                    password = self.ask_password(Path(path).name, wrong=True)
            else:
                if project.key is not None:
                    self._keys[str(project.path)] = project.key
                return project
            if password is None:
                return None

    def open_project(
        self, path: str | Path, read_only: bool = False, password: str | None = None
    ) -> bool:
        """Open for writing; when someone else writes, ask whether to open it read-only (or, when
        their lock is stale, to take it over). An encrypted project asks for its password."""
        if self.project is not None and _same_file(path, self.project.path):
            return True  # already open here (the recent list's first entry, the demo twice)
        try:
            project = self._open(path, password, read_only=read_only, check=False)
        except ProjectInUse as error:
            choice = self.ask_how_to_open(error)
            if choice is None:
                return False
            try:
                project = self._open(
                    path,
                    password,
                    read_only=choice == "read_only",
                    take_over=choice == "take_over",
                    holder_shown=error.holder,
                    check=False,
                )
            except KnownError as again:
                self.warn(self.tr("Projektet kunne ikke åbnes"), again)
                return False
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke åbnes"), error)
            return False
        if project is None:
            return False
        return self.set_project(project)

    def ask_how_to_open(self, error: ProjectInUse) -> str | None:
        """ "read_only", "take_over" (a stale lock, after a warning) or None (tests replace this)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(self.tr("Projektet er i brug"))
        holder = error.holder
        if holder is not None:
            box.setText(self.tr("{sentence}.").format(sentence=holder.sentence()))
        else:
            box.setText(self.tr("Projektet er åbent i et andet vindue eller program."))
        text = self.tr(
            "Kun én kan skrive i et projekt ad gangen. Du kan åbne det skrivebeskyttet: du ser alt, "
            "men kan ikke ændre noget."
        )
        if error.stale:
            text += "\n\n" + self.tr(
                "Låsen ser ud til at være efterladt (programmet kører ikke længere hos den, der har "
                "den, eller den er mere end et døgn gammel). Du kan overtage projektet."
            )
        box.setInformativeText(text)
        read_only = box.addButton(self.tr("Åbn skrivebeskyttet"), QMessageBox.ButtonRole.AcceptRole)
        take_over = (
            box.addButton(self.tr("Overtag projektet …"), QMessageBox.ButtonRole.DestructiveRole)
            if error.stale
            else None
        )
        box.addButton(self.tr("Annuller"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(read_only)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is read_only:
            return "read_only"
        if take_over is not None and clicked is take_over:
            sure = QMessageBox.warning(
                self,
                self.tr("Overtag projektet"),
                self.tr(
                    "Overtag kun projektet, hvis du er sikker på, at ingen længere arbejder i det. "
                    "Arbejder de stadig, bliver deres næste ændringer ikke gemt. Overtag projektet?"
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            return "take_over" if sure == QMessageBox.StandardButton.Yes else None
        return None

    def inform(self, title: str, text: str) -> None:
        """Tell the user something went well (tests replace this)."""
        QMessageBox.information(self, title, text)

    def repair_project(self) -> bool:
        """The read-only bar's *Reparér*: keep the damaged file, rebuild the indexes, check."""
        from fsm_desktop.storage.repair import repair

        if self.project is None:
            return False
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = repair(path, self._keys.get(str(path)))
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke repareres"), error)
            self.open_project(path)
            return False
        if result.whole:
            self.inform(
                self.tr("Projektet er repareret"),
                self.tr(
                    "Projektet er repareret og helt igen. Den beskadigede fil er gemt som {kept}."
                ).format(kept=result.kept.name),
            )
        else:
            self.warn(
                self.tr("Projektet kunne ikke repareres"),
                KnownError(
                    "Skaden sidder i selve dataene, ikke kun i indeksene, så den kan ikke repareres her. "
                    "Gendan en sikkerhedskopi. Den beskadigede fil er gemt som {kept}.",
                    kept=result.kept.name,
                ),
            )
        return self.open_project(path) and result.whole

    def restore_backup(self) -> bool:
        """The read-only bar's *Gendan sikkerhedskopi*: choose a copy, check it, put it in place."""
        if self.project is None:
            return False
        backup, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Vælg en sikkerhedskopi"),
            str(self.project.path.parent),
            self.tr("FSM-projekter og sikkerhedskopier (*.fsm *.bak-*);;Alle filer (*)"),
        )
        return bool(backup) and self.restore_from(backup)

    def restore_from(self, backup: str | Path) -> bool:
        from fsm_desktop.storage.repair import restore

        assert self.project is not None
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            kept = restore(path, backup, self._keys.get(str(path)))
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gendannes"), error)
            self.open_project(path)
            return False
        self.inform(
            self.tr("Sikkerhedskopien er gendannet"),
            self.tr(
                "Projektet er gendannet fra {backup}. Det, der er gemt efter kopien blev taget, er ikke med. "
                "Den beskadigede fil er gemt som {kept}."
            ).format(backup=Path(backup).name, kept=kept.name),
        )
        return self.open_project(path)

    def reopen_for_writing(self) -> bool:
        """The read-only bar's button: open the project again for writing, if it is free now."""
        if self.project is None or not self.project.read_only:
            return False
        path = self.project.path
        try:
            project = self._open(path, check=False)
        except KnownError as error:
            self.warn(self.tr("Projektet kan stadig ikke åbnes til skrivning"), error)
            return False
        if project is None:
            return False
        reason = project.read_only_reason
        if reason is not None:  # still read-only for its own reason (folder, damage)
            project.close()
            self.warn(self.tr("Projektet kan stadig ikke åbnes til skrivning"), reason)
            return False
        return self.set_project(project)
