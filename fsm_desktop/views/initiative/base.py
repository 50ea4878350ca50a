"""What the initiative editor's tabs share: the editor's state they use, declared once here
(InitiativeEditor sets it), and the methods a tab calls on the editor."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QFormLayout, QListWidget, QTabWidget, QWidget

from fsm_desktop.views.initiative.fields import Field


class EditorBase(QDialog):
    """The base of the editor's tab mixins."""

    #: The template as data, as the fields have it now.
    data: dict[str, Any]
    #: True while fields are filled from the data (their signals write nothing back).
    _loading: bool
    #: The measure shown in the Resultatkrav tab's form (-1: none).
    _measure: int
    _fields: dict[str, Field]
    tabs: QTabWidget
    measure_list: QListWidget

    if TYPE_CHECKING:

        def _field(
            self, path: str, editor: QWidget, parent: QWidget, grow: bool = False
        ) -> Field: ...

        def _page(self, title: str, stretch: bool = True) -> tuple[QWidget, QFormLayout]: ...

        def _set(self, path: list[Any], value: Any) -> None: ...

        def _check(self) -> None: ...

        def _show_problem(self) -> None: ...

        def _period_start(self) -> dt.date: ...
