"""Taking a laptop copy along, handing it in, and merging its changes into the team copy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations.sync import LAPTOP_WORK
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.writer_lock import ProjectInUse
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.main.base import MainWindowBase


class LaptopCopies(MainWindowBase):
    """Mixed into MainWindow: taking a laptop copy along, handing it in, and merging its
    changes into the team copy."""

    # --- laptop copies (issue 20) --------------------------------------------------------------------
    def _update_laptop_actions(self) -> None:
        """*Tag med* and *Indlæs* on a team copy that can be written, *Aflever* on a laptop copy
        that can be; else disabled, with why as the tooltip."""
        project = self.project
        laptop = project.laptop if project is not None else None
        read_only = (
            translate_error(project.read_only_reason)
            if project is not None and project.read_only_reason
            else None
        )
        for action, allowed, why_not, tip in (
            (
                self.take_along_action,
                laptop is None,
                self.tr("En bærbar kopi tages med fra teamkopien, ikke fra en anden bærbar kopi."),
                self.tr(
                    "Skriv en krypteret kopi af projektet, som en jobformidler kan arbejde i uden netværk"
                ),
            ),
            (
                self.merge_action,
                laptop is None,
                self.tr(
                    "Ændringer fra en bærbar kopi indlæses i teamkopien, ikke i en bærbar kopi."
                ),
                self.tr(
                    "Indlæs en ændringsfil (.fsmchanges) fra en bærbar kopi; konflikter afgøres først"
                ),
            ),
            (
                self.hand_in_action,
                laptop is not None,
                self.tr("Ændringer afleveres fra en bærbar kopi; dette er teamkopien."),
                self.tr("Skriv den bærbare kopis ændringer i en ændringsfil til teamkopien"),
            ),
        ):
            if project is None:
                action.setEnabled(False)
                action.setToolTip(tip)
            elif not allowed:
                action.setEnabled(False)
                action.setToolTip(why_not)
            elif read_only is not None:
                action.setEnabled(False)
                action.setToolTip(read_only)
            else:
                action.setEnabled(True)
                action.setToolTip(tip)

    def take_along(self) -> bool:
        """*Filer → Tag med på bærbar*: where to, and for which job broker; then the copy."""
        if self.project is None or not self.take_along_action.isEnabled():
            return False
        choice = self.ask_checkout(self.project)
        return choice is not None and self.checkout_to(*choice)

    def ask_checkout(self, project: Project) -> tuple[Path, str | None] | None:
        """(the laptop copy's path, the job broker's initials or None), or None. Tests replace this."""
        from fsm_desktop.views.sync.dialogs import CheckoutDialog

        dialog = CheckoutDialog(project, self)
        try:
            if dialog.exec() != CheckoutDialog.DialogCode.Accepted:
                return None
            return dialog.path, dialog.job_broker
        finally:
            dialog.deleteLater()

    def checkout_to(self, path: str | Path, job_broker: str | None = None) -> bool:
        from fsm_desktop.operations import sync as sync_ops
        from fsm_desktop.views.kit.wording import citizens_text

        assert self.project is not None
        try:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                result = sync_ops.take_along(self.project, path, job_broker).value
            finally:
                QGuiApplication.restoreOverrideCursor()
        except KnownError as error:
            self.warn(self.tr("Den bærbare kopi kunne ikke tages med"), error)
            return False
        copy = result.copy
        text = self.tr("Den bærbare kopi er gemt i {path} med alle {citizens}.").format(
            path=str(result.path), citizens=citizens_text(result.citizens)
        )
        if copy.job_broker and result.own_citizens is not None:
            text += " " + self.tr(
                "{own} har {who} som jobformidler; kopien åbner på dem (Mine borgere)."
            ).format(own=citizens_text(result.own_citizens), who=copy.job_broker)
        if self.project.encrypted:
            text += " " + self.tr("Den åbnes med projektets adgangskode.")
        text += "\n\n" + self.tr(
            "Arbejd i kopien uden netværk, og aflever ændringerne bagefter (Filer → Aflever ændringer). Import, "
            "medarbejdere, mål og indsatsens indstillinger ændres kun her i teamkopien."
        )
        self.statusBar().showMessage(
            self.tr("Den bærbare kopi er gemt i {path}").format(path=str(result.path)), 12000
        )
        self.inform(self.tr("Den bærbare kopi er taget med"), text)
        return True

    def hand_in(self) -> bool:
        """*Filer → Aflever ændringer*: the change file and whether the copy ends; then the file,
        and, when the team copy can be reached from here, the offer to merge it at once."""
        if self.project is None or not self.hand_in_action.isEnabled():
            return False
        if not self.close_citizen_windows():  # what they have not saved would not be handed in
            return False
        choice = self.ask_handin(self.project)
        return choice is not None and self.hand_in_to(*choice)

    def ask_handin(self, project: Project) -> tuple[Path, bool] | None:
        """(the change file's path, keep working), or None. Tests replace this."""
        from fsm_desktop.views.sync.dialogs import HandinDialog

        dialog = HandinDialog(project, self)
        try:
            if dialog.exec() != HandinDialog.DialogCode.Accepted:
                return None
            return dialog.path, dialog.keep_working
        finally:
            dialog.deleteLater()

    def hand_in_to(self, path: str | Path, keep_working: bool = False) -> bool:
        from fsm_desktop.domain.sync import summary_line
        from fsm_desktop.operations import sync as sync_ops
        from fsm_desktop.storage.laptop import read_laptop_copy

        project = self.project
        assert project is not None and project.laptop is not None
        copy, key = project.laptop, project.key
        try:
            result = sync_ops.hand_back(project, path, keep_working=keep_working).value
        except KnownError as error:
            self.warn(self.tr("Ændringerne kunne ikke afleveres"), error)
            return False
        text = self.tr(
            "Ændringerne er afleveret i {file} (aflevering nr. {seq}): {summary}."
        ).format(file=str(result.path), seq=result.seq, summary=summary_line(result.counts))
        if keep_working:
            project.laptop = read_laptop_copy(project.db)  # the next hand-back's number
        else:
            # Handed back: the copy opens again, read-only, with the bar that says so.
            laptop_path = project.path
            if self.set_project(None):
                self.open_project(laptop_path)
        self.statusBar().showMessage(text, 15000)
        team = Path(copy.team_path)
        if not team.exists():
            self.inform(
                self.tr("Ændringerne er afleveret"),
                text
                + "\n\n"
                + self.tr(
                    "Læg filen, hvor teamkopien kan nås, og indlæs den dér: Filer → Indlæs ændringer fra bærbar."
                ),
            )
            return True
        if self.ask_yes_no(
            self.tr("Indlæs nu i teamkopien?"),
            text
            + "\n\n"
            + self.tr("Teamkopien {team} kan nås herfra. Indlæs ændringerne i den nu?").format(
                team=str(team)
            ),
        ):
            self.merge_into_team(team, result.path, key)
        return True

    def ask_yes_no(self, title: str, text: str) -> bool:
        """A question with Ja and Nej (Ja the default). Tests replace this."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _open_team(self, team: Path, key: Key | None) -> Project | None:
        """The team copy a laptop copy came from, with the laptop's key (the team's, unless its
        password was changed since: then it is asked for). None: cancelled. Raises ProjectInUse
        when it is open elsewhere."""
        remembered = str(team.expanduser().absolute())
        if key is not None:
            self._keys.setdefault(remembered, key)
        return self._open(team)

    def merge_into_team(self, team: Path, changes: Path, key: Key | None) -> bool:
        """Open the team copy beside this window, merge the change file into it and close it; the
        team copy open elsewhere is said, with where to merge it instead."""
        try:
            project = self._open_team(team, key)
        except ProjectInUse as error:
            holder = (
                error.holder.sentence() + "."
                if error.holder is not None
                else self.tr("Teamkopien er åben i et andet vindue eller program.")
            )
            self.warn(
                self.tr("Teamkopien er i brug"),
                KnownError(
                    "{holder} Ændringerne kan ikke indlæses herfra, mens den er åben dér. Ændringsfilen {file} er "
                    "gemt: indlæs den i teamkopien (Filer → Indlæs ændringer fra bærbar).",
                    holder=holder,
                    file=str(changes),
                ),
            )
            return False
        except KnownError as error:
            self.warn(self.tr("Teamkopien kunne ikke åbnes"), error)
            return False
        if project is None:
            return False
        try:
            return self.merge_file(project, changes)
        finally:
            project.close()

    def open_team_copy(self) -> bool:
        """The handed-back bar's button: the team copy this laptop copy came from."""
        if self.project is None or self.project.laptop is None:
            return False
        team = Path(self.project.laptop.team_path)
        key = self.project.key
        if key is not None:
            self._keys.setdefault(str(team.expanduser().absolute()), key)
        return self.open_project(team)

    def merge_dialog(self) -> bool:
        """*Filer → Indlæs ændringer fra bærbar*: choose a change file, then the merge."""
        if self.project is None or not self.merge_action.isEnabled():
            return False
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Indlæs ændringer fra bærbar"),
            self._start_folder(),
            self.tr("Ændringsfiler (*.fsmchanges);;Alle filer (*)"),
        )
        return bool(path) and self.merge_file(self.project, path)

    def merge_file(self, project: Project, path: str | Path) -> bool:
        """Read the change file, plan the merge, show it (MergeDialog), which writes it once
        every conflict has a choice; then say what was merged."""
        from fsm_desktop.storage.sync import plan_merge
        from fsm_desktop.views.sync.merge_dialog import result_text

        try:
            changes = self.read_changes(path, project.key)
            if changes is None:
                return False
            plan = plan_merge(project, changes)
        except KnownError as error:
            self.warn(self.tr("Ændringerne kan ikke indlæses"), error)
            return False
        result = self.run_merge_dialog(project, plan)
        if result is None:
            return False
        if project is self.project and (result.applied or result.audit_entries):
            self.operation_did_execute(LAPTOP_WORK)
        text = result_text(result, changes.label)
        if project is not self.project:
            text += " " + self.tr("(i teamkopien {file})").format(file=project.path.name)
        self.statusBar().showMessage(text, 15000)
        self.inform(self.tr("Ændringerne er indlæst"), text)
        return True

    def read_changes(self, path: str | Path, key: Key | None):
        """The change file, with the team copy's key, else (its password changed since the copy
        was taken) with the password the user gives (asked again after a wrong one). None:
        cancelled."""
        from fsm_desktop.storage.sync import ChangeFilePassword, SyncError, read_change_file

        try:
            return read_change_file(path, key)
        except ChangeFilePassword:
            pass
        wrong = False
        while True:
            password = self.ask_changes_password(Path(path).name, wrong)
            if password is None:
                return None
            try:
                return read_change_file(path, key, password=password)
            except SyncError as error:
                if not error.template.startswith("Forkert adgangskode"):
                    raise
                wrong = True

    def ask_changes_password(self, file_name: str, wrong: bool) -> str | None:
        """The laptop copy's password for its change file, or None. Tests replace this."""
        from fsm_desktop.views.main.password_dialogs import PasswordDialog

        dialog = PasswordDialog(
            file_name,
            wrong,
            self,
            text=self.tr(
                "Ændringsfilen {file} er krypteret med en anden adgangskode end teamkopien (den er skiftet, siden kopien "
                "blev taget). Skriv den bærbare kopis adgangskode."
            ).format(file=file_name),
        )
        try:
            return dialog.password if dialog.exec() == PasswordDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def run_merge_dialog(self, project: Project, plan):
        """The merge dialog; the MergeResult once it has written, else None. Tests replace this."""
        from fsm_desktop.views.sync.merge_dialog import MergeDialog

        dialog = MergeDialog(plan, self, project=project)
        try:
            if dialog.exec() != MergeDialog.DialogCode.Accepted:
                return None
            return dialog.merge_result
        finally:
            dialog.deleteLater()
