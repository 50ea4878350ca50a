"""Passwords in the window: opening an encrypted project, choosing a new password (a new
project, *Krypter projektet*, *Skift adgangskode*). The password is never stored: the project
keeps only the key derived from it, for this opening (storage/keys.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.storage.keys import PASSWORD_HINT, password_problem


def password_edit(parent: QWidget, accessible: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    edit.setMinimumWidth(280)
    return edit


class PasswordFields:
    """A new password twice, with the hint about a good one and what is wrong, if anything:
    rows added to the dialog's own form, so their labels line up with its other fields."""

    def __init__(self, parent: QWidget, form: QFormLayout) -> None:
        tr = parent.tr
        self.first = password_edit(parent, tr("Adgangskode"))
        self.second = password_edit(parent, tr("Gentag adgangskoden"))
        self.hint = QLabel(tr(PASSWORD_HINT), parent)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("dialogHint")
        self.error = QLabel(parent)
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self._tr = tr
        form.addRow(tr("Adgangskode:"), self.first)
        form.addRow(tr("Gentag:"), self.second)
        form.addRow("", self.hint)
        form.addRow("", self.error)

    def problem(self) -> str | None:
        """What is wrong (shown), or None."""
        problem = password_problem(self.first.text(), self.second.text())
        self.error.setText(self._tr(problem) if problem else "")
        self.error.setVisible(problem is not None)
        return problem

    @property
    def password(self) -> str:
        return self.first.text()


class PasswordDialog(QDialog):
    """The password of an encrypted project; ``wrong``: the last one did not open it. ``text``
    says what it is for when that is not a project (a laptop copy's change file)."""

    def __init__(
        self,
        file_name: str,
        wrong: bool = False,
        parent: QWidget | None = None,
        text: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("passwordDialog")
        self.setWindowTitle(self.tr("Adgangskode"))
        layout = QVBoxLayout(self)
        label = QLabel(
            text
            or self.tr("Projektet {file} er krypteret. Skriv adgangskoden for at åbne det.").format(
                file=file_name
            ),
            self,
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = password_edit(self, self.tr("Adgangskode"))
        layout.addWidget(self.edit)
        self.error = QLabel(self.tr("Forkert adgangskode. Prøv igen."), self)
        self.error.setObjectName("errorText")
        self.error.setVisible(wrong)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Åbn"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuller"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def password(self) -> str:
        return self.edit.text()


class NewPasswordDialog(QDialog):
    """*Krypter projektet* and *Skift adgangskode*: a new password twice (and, for a change,
    the current one: whoever sits at an unlocked screen cannot change it alone)."""

    def __init__(
        self, title: str, text: str, ask_current: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newPasswordDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(text, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.current: QLineEdit | None = None
        form = QFormLayout()
        if ask_current:
            self.current = password_edit(self, self.tr("Nuværende adgangskode"))
            form.addRow(self.tr("Nuværende adgangskode:"), self.current)
        self.fields = PasswordFields(self, form)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annuller"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def accept(self) -> None:
        if self.fields.problem() is None:
            super().accept()

    @property
    def password(self) -> str:
        return self.fields.password
