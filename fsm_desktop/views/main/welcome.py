"""The welcome page: what the main window shows while no project is open. The first start on a
machine offers a new project, an existing one and the demo, and says in four steps how the
month's work goes; once projects have been opened, the most recent are one click away."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.views.kit.header import title_label

if TYPE_CHECKING:
    from fsm_desktop.views.main.window import MainWindow

#: The page's content is this wide at most, centred (it reads as one column at 1920×1080 too).
WIDTH = 640
#: How many recent projects the page offers (the File menu keeps more).
RECENT_SHOWN = 5


class WelcomePage(QWidget):
    """The empty state: no project is open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("welcome")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        column = QWidget(self)
        column.setFixedWidth(WIDTH)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        title = title_label(self.tr("Intet projekt er åbent"), column)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        layout.addWidget(
            self._text(
                self.tr(
                    "Et projekt er én fil (.fsm) med målgruppen for én indsats. Opret et nyt, "
                    "åbn et eksisterende, eller se programmet med en demokommune."
                ),
                column,
                centred=True,
            )
        )
        layout.addSpacing(12)
        layout.addLayout(self._buttons(column))
        layout.addSpacing(16)
        self.recent_box = QFrame(column)
        self.recent_box.setObjectName("welcomeRecent")
        self.recent_layout = QVBoxLayout(self.recent_box)
        self.recent_layout.setContentsMargins(0, 0, 0, 0)
        self.recent_layout.setSpacing(2)
        heading = QLabel(self.tr("Seneste projekter"), self.recent_box)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.recent_layout.addWidget(heading)
        layout.addWidget(self.recent_box)
        layout.addSpacing(16)
        layout.addWidget(self._getting_started(column))
        # Centred between stretches, not by an alignment: a widget placed with an alignment
        # gets no height-for-width, and the word-wrapped steps would be cut to one line.
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(column)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
        self.recent_buttons: list[QPushButton] = []
        self.show_recent(window.recent_files())

    def _text(self, text: str, parent: QWidget, centred: bool = False) -> QLabel:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        if centred:
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def _buttons(self, parent: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_button = QPushButton(self.tr("Nyt projekt…"), parent)
        self.open_button = QPushButton(self.tr("Åbn projekt…"), parent)
        self.demo_button = QPushButton(self.tr("Åbn demoprojekt"), parent)
        for button in (self.new_button, self.open_button, self.demo_button):
            button.setMinimumWidth(160)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def use_actions(self, new: QAction, open_: QAction, demo: QAction) -> None:
        """The buttons trigger the File menu's actions: one path for each, whichever is used."""
        for button, action in (
            (self.new_button, new),
            (self.open_button, open_),
            (self.demo_button, demo),
        ):
            button.clicked.connect(action.trigger)

    def _getting_started(self, parent: QWidget) -> QFrame:
        """*Sådan kommer du i gang*: the month's work in four steps, each naming the page."""
        box = QFrame(parent)
        box.setObjectName("welcomeSteps")
        grid = QGridLayout(box)
        grid.setContentsMargins(16, 12, 16, 14)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        heading = QLabel(self.tr("Sådan kommer du i gang"), box)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        grid.addWidget(heading, 0, 0, 1, 2)
        self.steps = [
            self.tr(
                "<b>Opret projektet.</b> Vælg <i>Nyt projekt…</i>, indsatsen og kommunen, og gem "
                "filen på det drev, teamet deler. Giv den en adgangskode: filen rummer CPR-numre."
            ),
            self.tr(
                "<b>Indlæs udtrækket.</b> På siden <i>Import</i> vælger du kommunens udtræk "
                "(Excel eller CSV), eller du gemmer skabelonen og udfylder den. Du ser, hvad der "
                "ændres, før noget gemmes, og en import kan fortrydes."
            ),
            self.tr(
                "<b>Arbejd på tavlen.</b> <i>Tavle</i> viser hver borger som et kort i fire "
                "kolonner; flyt kortet, når borgeren rykker sig. <i>Step-up</i> viser, hvem der "
                "skal have et møde."
            ),
            self.tr(
                "<b>Send statusskemaet.</b> <i>Statusskema</i> viser måned for måned, hvor "
                "indsatsen står; <i>Eksportér til Excel…</i> gemmer skemaet, der skal sendes."
            ),
        ]
        for row, step in enumerate(self.steps, start=1):
            number = QLabel(f"{row}.", box)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(number, row, 0)
            text = self._text(step, box)
            text.setTextFormat(Qt.TextFormat.RichText)
            grid.addWidget(text, row, 1)
        grid.setColumnStretch(1, 1)
        hint = self._text(
            self.tr("Hele vejledningen finder du under <i>Hjælp → Vejledning</i>."), box
        )
        hint.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(hint, len(self.steps) + 1, 1)
        return box

    def show_recent(self, paths: list[str]) -> None:
        """The most recent projects, as buttons that open them. Like the File menu's list,
        it does not look for the files: a project on a network drive that is not connected
        would hold up the page; opening one that is gone says so."""
        for button in self.recent_buttons:
            self.recent_layout.removeWidget(button)
            button.deleteLater()
        self.recent_buttons = []
        self.recent_box.setVisible(bool(paths))
        for path in paths[:RECENT_SHOWN]:
            button = QPushButton(
                self.tr("{file}   —   {folder}").format(
                    file=Path(path).name, folder=str(Path(path).parent)
                ),
                self.recent_box,
            )
            button.setObjectName("welcomeRecentFile")
            button.setFlat(True)
            button.setToolTip(self.tr("Åbn {path}").format(path=path))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, p=path: self.window_.open_project(p))
            self.recent_buttons.append(button)
            self.recent_layout.addWidget(button)
