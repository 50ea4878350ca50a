"""The welcome page: what the main window shows while no project is open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fsm_desktop.views.kit.header import title_label

if TYPE_CHECKING:
    from fsm_desktop.views.main.window import MainWindow


class WelcomePage(QWidget):
    """The empty state: no project is open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("welcome")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = title_label(self.tr("Intet projekt er åbent"), self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            self.tr(
                "Et projekt er én fil (.fsm) med målgruppen for én indsats. Opret et nyt, åbn et "
                "eksisterende, eller se programmet med en demokommune."
            ),
            self,
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(560)
        # A word-wrapped label placed with an alignment gets no height-for-width: fix it.
        text.setMinimumHeight(text.heightForWidth(560))
        layout.addWidget(title)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for label, slot in (
            (self.tr("Nyt projekt…"), window.new_project),
            (self.tr("Åbn projekt…"), window.open_dialog),
            (self.tr("Åbn demoprojekt"), window.open_demo),
        ):
            button = QPushButton(label, self)
            button.setMinimumWidth(160)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)
