"""What the main window's mixins (opening, the File menu, backups, laptop copies) share: the
window's state they use, declared once here (MainWindow sets it), and the methods one of them
calls on the window or on another."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.project import Project

if TYPE_CHECKING:
    # The mixins are mixed into MainWindow, a QMainWindow: to the type checker they are one.
    _WindowBase = QMainWindow
else:
    _WindowBase = object


class MainWindowBase(_WindowBase):
    """The base of MainWindow's mixins."""

    # Set by MainWindow.__init__.
    settings: QSettings
    project: Project | None  # the project open in this window
    #: Keys of encrypted projects opened in this window (memory only): reopening one (for
    #: writing, after a repair or a restore) does not ask for the password again.
    _keys: dict[str, Key]
    # Set by MainWindow._build_menus.
    take_along_action: QAction
    hand_in_action: QAction
    merge_action: QAction

    if TYPE_CHECKING:
        # Defined by MainWindow.
        def warn(self, title: str, error: KnownError) -> None: ...
        def set_project(self, project: Project | None) -> bool: ...
        def close_project(self) -> None: ...
        def close_citizen_windows(self) -> bool: ...
        def _update_for_project(self) -> None: ...
        def operation_did_execute(
            self, changes: Changes, source: QObject | None = None
        ) -> None: ...

        # Defined by Opening.
        def _open(
            self, path: str | Path, password: str | None = None, **options: Any
        ) -> Project | None: ...
        def open_project(
            self, path: str | Path, read_only: bool = False, password: str | None = None
        ) -> bool: ...
        def inform(self, title: str, text: str) -> None: ...

        # Defined by FileMenu.
        def _start_folder(self) -> str: ...

        # Defined by Backups.
        def backup_folder(self, path: Path) -> Path: ...
