"""The Indsats menu: the initiative editor on the open project, undoing its last change, and
the project's template saved as a file (issue 25)."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QMessageBox

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations.initiative import (
    change_template,
    current_template_data,
    last_template_change,
    preview_facts,
    undo_template_change,
)
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.main.base import MainWindowBase


class InitiativeMenu(MainWindowBase):
    """Mixed into MainWindow: the Indsats menu."""

    def _build_initiative_menu(self) -> None:
        menu: QMenu = self.menuBar().addMenu(self.tr("&Indsats"))
        menu.setToolTipsVisible(True)
        self.initiative_menu = menu
        self.edit_initiative_action = menu.addAction(
            self.tr("&Indstillinger …"), self.edit_initiative
        )
        self.undo_initiative_action = menu.addAction(
            self.tr("&Fortryd ændringen af indsatsen"), self.undo_initiative_change
        )
        menu.addSeparator()
        self.save_initiative_action = menu.addAction(
            self.tr("&Gem indsatsen som skabelonfil …"), self.save_initiative_file
        )
        # Whether there is a change to undo is looked up when the menu opens, not at every
        # opening of a project (it reads the audit log, millions of rows after years of imports).
        menu.aboutToShow.connect(self._check_initiative_undo)

    def _update_initiative_actions(self) -> None:
        """The editor and its undo on a team copy that can be written; else disabled with why."""
        project = self.project
        why = None
        if project is None:
            why = self.tr("Åbn et projekt først.")
        elif project.read_only_reason is not None:
            why = translate_error(project.read_only_reason)
        elif project.laptop is not None:
            why = self.tr("Indsatsen ændres i teamkopien, ikke i en bærbar kopi.")
        for action in (self.edit_initiative_action, self.undo_initiative_action):
            action.setEnabled(why is None)
            action.setToolTip(why or "")
        self.save_initiative_action.setEnabled(project is not None)

    def _check_initiative_undo(self) -> None:
        """As the Indsats menu opens: Fortryd only when the initiative was changed."""
        project = self.project
        if not self.edit_initiative_action.isEnabled() or project is None:
            return
        changed = last_template_change(project) is not None
        self.undo_initiative_action.setEnabled(changed)
        self.undo_initiative_action.setToolTip(
            "" if changed else self.tr("Indsatsen er ikke ændret i projektet.")
        )

    def edit_initiative(self):
        """Indsats → Indstillinger: the editor on the project's template, with the preview
        counted on its citizens; Gem makes it the project's (one transaction, audited)."""
        from fsm_desktop.views.initiative.editor import InitiativeEditor

        project = self.project
        if project is None:
            return None
        editor = InitiativeEditor(
            current_template_data(project),
            self,
            facts=preview_facts(project),
            grant=project.initiative.grant_amount,
            title=self.tr("Indsats — {name}").format(name=project.initiative.name),
        )
        editor.accepted.connect(lambda: self._initiative_edited(editor))
        editor.open()
        return editor

    def _initiative_edited(self, editor) -> None:
        project = self.project
        if project is None or editor.template is None:
            return
        try:
            done = change_template(project, editor.template)
        except KnownError as error:
            self.warn(self.tr("Indsatsen kunne ikke gemmes"), error)
            return
        if done.value:
            self.operation_did_execute(done.changes)
            self.statusBar().showMessage(
                self.tr(
                    "Indsatsen er gemt. Indsats → Fortryd ændringen af indsatsen stiller den tilbage."
                ),
                8000,
            )
        self._update_initiative_actions()

    def undo_initiative_change(self) -> bool:
        project = self.project
        if project is None:
            return False
        last = last_template_change(project)
        if last is None:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("Fortryd ændringen af indsatsen"),
            self.tr(
                "Indsatsen sættes tilbage til »{name}«, som den var før ændringen {at} ({user}): "
                "periode, resultatkrav og statusskemaets mål. Fortrydelsen skrives i "
                "revisionsloggen og kan selv fortrydes."
            ).format(
                name=last.name_before,
                at=last.at.strftime("%d-%m-%Y %H:%M"),
                user=last.user,
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            done = undo_template_change(project)
        except KnownError as error:
            self.warn(self.tr("Ændringen kunne ikke fortrydes"), error)
            return False
        self.operation_did_execute(done.changes)
        self._update_initiative_actions()
        return True

    def save_initiative_file(self) -> None:
        from fsm_desktop.views.initiative.files import save_template_file

        project = self.project
        if project is None:
            return
        written = save_template_file(
            self, current_template_data(project), self.tr("Gem indsatsen som skabelonfil")
        )
        if written is not None:
            self.statusBar().showMessage(
                self.tr("Skabelonen er gemt i {path}.").format(path=written), 8000
            )
