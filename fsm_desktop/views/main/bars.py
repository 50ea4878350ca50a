"""The bars above the pages: a read-only project, a laptop copy that was handed back, and a plain
notice."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.messages import translate_error

if TYPE_CHECKING:
    from fsm_desktop.views.main.window import MainWindow


def _bar_layout(bar: QWidget) -> tuple[QHBoxLayout, QLabel]:
    """A yellow bar's row and its wrapping text (the read-only and handed-back bars)."""
    bar.setObjectName("readOnlyBar")
    bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    row = QHBoxLayout(bar)
    row.setContentsMargins(28, 8, 20, 8)
    label = QLabel(bar)
    label.setObjectName("readOnlyText")
    label.setWordWrap(True)
    return row, label


class ReadOnlyBar(QWidget):
    """Above the pages while the project is open read-only: why, and a way to write again."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        row, self.label = _bar_layout(self)
        self.retry_button = QPushButton(self.tr("Åbn til skrivning"), self)
        self.retry_button.setToolTip(
            self.tr("Åbn projektet igen til skrivning, hvis ingen anden har det åbent nu")
        )
        self.retry_button.clicked.connect(window.reopen_for_writing)
        self.repair_button = QPushButton(self.tr("Reparér …"), self)
        self.repair_button.setToolTip(
            self.tr("Genopbyg projektets indeks; den beskadigede fil gemmes først ved siden af")
        )
        self.repair_button.clicked.connect(window.repair_project)
        self.restore_button = QPushButton(self.tr("Gendan sikkerhedskopi …"), self)
        self.restore_button.setToolTip(
            self.tr(
                "Læg en sikkerhedskopi i projektets sted; den beskadigede fil gemmes ved siden af"
            )
        )
        self.restore_button.clicked.connect(window.restore_backup)
        row.addWidget(self.label, 1)
        for button in (self.retry_button, self.repair_button, self.restore_button):
            row.addWidget(button)
        self.hide()

    def show_for(self, project: Project | None) -> None:
        if (
            project is None
            or not project.read_only
            or (_handed_back(project) and not project.damage)
        ):
            self.hide()  # a laptop copy handed back has its own bar (HandedBackBar)
            return
        assert project.read_only_reason is not None  # the project is read-only
        reason = translate_error(project.read_only_reason)
        self.label.setText(
            self.tr("Skrivebeskyttet: {reason} Du kan se alt, men ikke ændre noget.").format(
                reason=reason
            )
        )
        self.retry_button.setVisible(not project.damage)
        self.repair_button.setVisible(bool(project.damage))
        self.restore_button.setVisible(bool(project.damage))
        self.show()


def _handed_back(project: Project) -> bool:
    return project.laptop is not None and project.laptop.handed_back_at is not None


class HandedBackBar(QWidget):
    """Above the pages while a laptop copy that was handed back is open: when and where to, and
    that only a fresh copy from the team copy can be worked in (it opens read-only)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        row, self.label = _bar_layout(self)
        self.team_button = QPushButton(self.tr("Åbn teamkopien"), self)
        self.team_button.clicked.connect(window.open_team_copy)
        row.addWidget(self.label, 1)
        row.addWidget(self.team_button)
        self.hide()

    def show_for(self, project: Project | None) -> None:
        if project is None or not _handed_back(project):
            self.hide()
            return
        assert project.laptop is not None
        self.label.setText(project.laptop.handed_back_sentence() or "")
        team = Path(project.laptop.team_path)
        self.team_button.setVisible(team.exists())
        self.team_button.setToolTip(str(team))
        self.show()


class PlainBar(QWidget):
    """Above the pages while a project that is not a demo is unencrypted: what that means, and
    the two ways on (issue 19: converted with the user's consent, or kept plain on purpose)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("readOnlyBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 8, 20, 8)
        self.label = QLabel(
            self.tr(
                "Projektet er ikke krypteret: alle, der får fat i filen, kan læse CPR-numre og noter. "
                "Krypter det, før det kommer på en bærbar eller et fællesdrev."
            ),
            self,
        )
        self.label.setObjectName("readOnlyText")
        self.label.setWordWrap(True)
        self.encrypt_button = QPushButton(self.tr("Krypter projektet …"), self)
        self.encrypt_button.clicked.connect(window.encrypt_project)
        self.keep_button = QPushButton(self.tr("Behold ukrypteret (testfil)"), self)
        self.keep_button.setToolTip(
            self.tr(
                "Kun for et testprojekt uden rigtige borgere; titellinjen siger fortsat »ikke krypteret«"
            )
        )
        self.keep_button.clicked.connect(window.keep_unencrypted)
        row.addWidget(self.label, 1)
        row.addWidget(self.encrypt_button)
        row.addWidget(self.keep_button)
        self.hide()

    def show_for(self, project: Project | None) -> None:
        self.setVisible(
            project is not None
            and not project.encrypted
            and not project.read_only
            and not project.demo
            and not project.kept_plain
        )
