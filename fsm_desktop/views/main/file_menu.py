"""The File menu's work: opening, creating and encrypting projects, the demo, passwords, and the
About box."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication

from fsm_desktop.domain.danish import number, os_reason
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.storage.project import SUFFIX, Project
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import log
from fsm_desktop.views.main.base import MainWindowBase
from fsm_desktop.views.main.new_project_dialog import NewProjectDialog

if TYPE_CHECKING:
    from fsm_desktop.views.main.about import AboutDialog

DEMO_FILE = "demo.fsm"


def demo_path() -> Path:
    """The demo project in the user's data folder (QStandardPaths.AppDataLocation)."""
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return folder / DEMO_FILE


class FileMenu(MainWindowBase):
    """Mixed into MainWindow: the File menu's work: opening, creating and encrypting projects,
    the demo, passwords, and the About box."""

    # --- File menu actions --------------------------------------------------------------------
    def _start_folder(self) -> str:
        if self.project is not None:
            return str(self.project.path.parent)
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def open_dialog(self) -> None:
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Åbn projekt"),
            self._start_folder(),
            self.tr("FSM-projekter (*.fsm);;Alle filer (*)"),
        )
        if path:
            self.open_project(path)

    def new_project(self) -> None:
        dialog = NewProjectDialog(self)
        if dialog.exec() != NewProjectDialog.DialogCode.Accepted:
            return
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem det nye projekt"),
            str(Path(self._start_folder()) / f"{dialog.template.key}{SUFFIX}"),
            self.tr("FSM-projekter (*.fsm)"),
        )
        if not path:
            return
        self.create_project(
            path,
            dialog.template,
            dialog.name_edit.text().strip(),
            dialog.municipality_edit.text().strip(),
            dialog.grant,
            dialog.password,
        )

    def create_project(
        self,
        path: str | Path,
        template,
        name: str = "",
        municipality: str = "",
        grant: float | None = None,
        password: str | None = None,
    ) -> bool:
        """A new project, encrypted with ``password`` (None: a plain test project)."""
        path = Path(path)
        if path.suffix.lower() != SUFFIX:
            path = path.with_name(path.name + SUFFIX)
        if self.project is not None and path == self.project.path:
            self.close_project()
        try:
            project = Project.create(
                path,
                template,
                name=name or None,
                municipality=municipality,
                grant_amount=grant,
                overwrite=path.exists(),
                password=password,
            )
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke oprettes"), error)
            return False
        self.set_project(project)
        return True

    def open_demo(self) -> bool:
        path = demo_path()
        if not path.exists():
            from fsm_desktop.storage.demo import write_demo

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
                try:
                    write_demo(path, program="fsm2", citizens=600, seed=1)
                finally:
                    QGuiApplication.restoreOverrideCursor()
            except KnownError as error:
                self.warn(self.tr("Demoprojektet kunne ikke oprettes"), error)
                return False
            except OSError as error:
                self.warn(
                    self.tr("Demoprojektet kunne ikke oprettes"),
                    KnownError(
                        "Mappen {folder} kunne ikke oprettes: {reason}.",
                        folder=str(path.parent),
                        reason=os_reason(error),
                    ),
                )
                return False
        return self.open_project(path)

    def ask_new_password(
        self, title: str, text: str, ask_current: bool = False
    ) -> tuple[str, str | None] | None:
        """(new password, current password or None) from the user, or None. Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import NewPasswordDialog

        dialog = NewPasswordDialog(title, text, ask_current, self)
        try:
            if dialog.exec() != NewPasswordDialog.DialogCode.Accepted:
                return None
            return dialog.password, dialog.current.text() if dialog.current is not None else None
        finally:
            dialog.deleteLater()

    def encrypt_project(self) -> bool:
        """*Krypter projektet*: an encrypted copy replaces the plain file once it is checked
        (storage.project.encrypt_project); the project is then opened again with the key."""
        from fsm_desktop.storage.project import encrypt_project

        if self.project is None or self.project.encrypted or self.project.read_only:
            return False
        answer = self.ask_new_password(
            self.tr("Krypter projektet"),
            self.tr(
                "Vælg en adgangskode til {file}. Alle, der skal åbne projektet, skal kende den. En krypteret kopi "
                "kontrolleres, før den erstatter den ukrypterede fil; ingen ukrypteret kopi bliver liggende."
            ).format(file=self.project.path.name),
        )
        if answer is None:
            return False
        path = self.project.path
        if not self.set_project(None):
            return False
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                key = encrypt_project(path, answer[0])
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Projektet kunne ikke krypteres"), error)
            self.open_project(path)
            return False
        self._keys[str(path)] = key
        removed = self._remove_plain_backups(path)
        opened = self.open_project(path)  # the check after opening takes today's encrypted backup
        message = self.tr("Projektet er krypteret.")
        if removed:
            message += " " + self.tr("{n} ukrypterede sikkerhedskopier er slettet.").format(
                n=number(removed)
            )
        self.statusBar().showMessage(message, 12000)
        return opened

    def _remove_plain_backups(self, path: Path) -> int:
        """The dated backups of a project that is now encrypted, still plain: deleted, or the
        CPR numbers the encryption hides would lie beside it in plain text."""
        from fsm_desktop.storage.backups import list_backups
        from fsm_desktop.storage.keys import is_encrypted

        removed = 0
        for backup in list_backups(path, None, self.backup_folder(path)):
            try:
                if backup.path.parent == self.backup_folder(path) and not is_encrypted(backup.path):
                    backup.path.unlink()
                    removed += 1
            except OSError as error:
                log.warning("A plain backup could not be removed: %s", os_reason(error))
        return removed

    def keep_unencrypted(self) -> None:
        """The user keeps this (test) project plain on purpose: the bar goes, the title stays."""
        if self.project is None or self.project.read_only:
            return
        try:
            self.project.keep_plain()
        except KnownError as error:
            self.warn(self.tr("Valget kunne ikke gemmes"), error)
            return
        self._update_for_project()

    def change_password(self) -> bool:
        """*Skift adgangskode*: the current password, then the new one twice; re-keyed in one step."""
        from fsm_desktop.storage import keys

        if self.project is None or not self.project.encrypted or self.project.read_only:
            return False
        answer = self.ask_new_password(
            self.tr("Skift adgangskode"),
            self.tr(
                "Den nye adgangskode gælder med det samme for {file}; den gamle kan ikke længere åbne filen. "
                "Sikkerhedskopier taget før skiftet åbnes stadig med den gamle."
            ).format(file=self.project.path.name),
            ask_current=True,
        )
        if answer is None:
            return False
        new, current = answer
        assert self.project.key is not None
        if current is None or keys.derive(current, self.project.key.salt) != self.project.key:
            self.warn(
                self.tr("Adgangskoden er ikke skiftet"),
                KnownError("Den nuværende adgangskode er forkert. Intet er ændret."),
            )
            return False
        try:
            self.project.change_password(new)
        except KnownError as error:
            self.warn(self.tr("Adgangskoden er ikke skiftet"), error)
            return False
        self._keys[str(self.project.path)] = self.project.key
        self.statusBar().showMessage(self.tr("Adgangskoden er skiftet."), 8000)
        return True

    def about(self) -> AboutDialog:
        """Hjælp → Om FSM Desktop (not modal, as the guide)."""
        from fsm_desktop.views.main.about import AboutDialog

        dialog = AboutDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
