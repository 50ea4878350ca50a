"""The project's backups: the daily backup, the backup folder, saving and restoring a backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from fsm_desktop.domain.danish import date_dots, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.storage.project import SUFFIX, Project
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import log, translate_error
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.main.base import MainWindowBase


class Backups(MainWindowBase):
    """Mixed into MainWindow: the project's backups: the daily backup, the backup folder,
    saving and restoring a backup."""

    # --- backups ----------------------------------------------------------------------------------
    def backup_folder(self, path: Path) -> Path:
        """Where the project's backups go: the folder the user set for it, else beside it."""
        from fsm_desktop.storage.backups import backup_folder

        chosen = self.settings.value(f"backups/{path}")
        return backup_folder(path, Path(str(chosen)) if chosen else None)

    def choose_backup_folder(self, folder: str | Path | None = None) -> bool:
        """Filer → Mappe til sikkerhedskopier: where this project's daily backups go (kept per
        project in the settings; the default is beside the project). ``folder``: chosen already."""
        if self.project is None:
            return False
        if folder is None:
            folder = file_dialogs.get_existing_directory(
                self,
                self.tr("Vælg mappen til projektets sikkerhedskopier"),
                str(self.backup_folder(self.project.path)),
            )
            if not folder:
                return False
        self.settings.setValue(f"backups/{self.project.path}", str(folder))
        self.statusBar().showMessage(
            self.tr("Sikkerhedskopierne gemmes nu i {folder}").format(
                folder=str(self.backup_folder(self.project.path))
            ),
            8000,
        )
        return True

    def _daily_backup(self, project: Project) -> None:
        """Today's backup (the first opening of the day), on a worker, once the check found the
        file whole; encrypted with the project's key."""
        from fsm_desktop.storage.backups import daily_backup

        connect, folder = project.connector(), self.backup_folder(project.path)

        def work() -> Path | None:
            own = connect()
            try:
                return daily_backup(own, folder)
            finally:
                own.close()

        def done(made: Path | None) -> None:
            if made is not None:
                self.statusBar().showMessage(
                    self.tr("Dagens sikkerhedskopi er gemt i {folder}").format(
                        folder=str(made.parent)
                    ),
                    8000,
                )

        def failed(error: BaseException) -> None:
            log.warning("The daily backup failed: %s", type(error).__name__)
            if isinstance(error, KnownError):
                self.statusBar().showMessage(translate_error(error), 15000)

        run_in_background(work, done, failed, self)

    def choose_backup(self, backups, folder: Path):
        """The backup to restore (the dialog, then a confirmation), or None. Tests replace this."""
        from fsm_desktop.views.main.backups_dialog import BackupsDialog

        assert self.project is not None
        dialog = BackupsDialog(self.project.path.name, backups, str(folder), self)
        try:
            accepted = dialog.exec() == BackupsDialog.DialogCode.Accepted
            backup = dialog.selected()
            if not accepted or backup is None:
                return None
        finally:
            dialog.deleteLater()
        answer = QMessageBox.question(
            self,
            self.tr("Gendan sikkerhedskopi"),
            self.tr(
                "Læg kopien fra {day} ({n} borgere) i projektets sted? Det nuværende indhold gemmes først som en "
                "sikkerhedskopi, så gendannelsen kan fortrydes."
            ).format(day=date_dots(backup.day), n=number(backup.citizens or 0)),
        )
        return backup if answer == QMessageBox.StandardButton.Yes else None

    def restore_daily_backup(self) -> bool:
        """Filer → Gendan sikkerhedskopi: choose one of the project's backups and put it in place."""
        from fsm_desktop.storage.backups import list_backups, restore_backup

        if self.project is None:
            return False
        path, key = self.project.path, self.project.key
        folder = self.backup_folder(path)
        backup = self.choose_backup(list_backups(path, key, folder), folder)
        if backup is None or not self.set_project(None):
            return False
        try:
            before = restore_backup(path, backup.path, key, folder)
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gendannes"), error)
            self.open_project(path)
            return False
        self.inform(
            self.tr("Sikkerhedskopien er gendannet"),
            self.tr(
                "Projektet er gendannet fra {backup}. Det hidtidige indhold er gemt som {before}."
            ).format(backup=backup.path.name, before=before.name),
        )
        return self.open_project(path)

    def save_backup(self) -> None:
        if self.project is None:
            return
        suggestion = self.project.path.with_name(self.project.path.stem + "-kopi" + SUFFIX)
        path, _ = file_dialogs.get_save_file_name(
            self, self.tr("Gem sikkerhedskopi"), str(suggestion), self.tr("FSM-projekter (*.fsm)")
        )
        if path:
            self.backup_to(path)

    def backup_to(self, path: str | Path) -> bool:
        assert self.project is not None
        try:
            target = self.project.backup_to(path)
        except KnownError as error:
            self.warn(self.tr("Sikkerhedskopien kunne ikke gemmes"), error)
            return False
        self.statusBar().showMessage(
            self.tr("Sikkerhedskopi gemt i {path}").format(path=str(target)), 8000
        )
        return True
