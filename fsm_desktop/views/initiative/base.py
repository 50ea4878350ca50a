"""What the initiative editor's tabs share: the editor's state they use, declared once here
(InitiativeEditor sets it), and the methods a tab calls on the editor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)

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

    def _table_tab(
        self,
        title: str,
        hint: str,
        path: str,
        headers: list[str],
        stretch: tuple[int, ...],
        buttons: tuple[str, str],
        edited: Callable[[], None],
        add: Callable[[], None],
        remove: Callable[[], None],
    ) -> tuple[QTableWidget, QPushButton, QPushButton]:
        """A tab of a table, a row an item (a group, a goal, a kind), with a hint above and
        buttons to add and remove a row below; the table's message under it."""
        page, form = self._page(title, stretch=False)
        label = QLabel(hint, page)
        label.setWordWrap(True)
        label.setObjectName("dialogHint")
        form.addRow(label)
        table = QTableWidget(0, len(headers), page)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        for column in stretch:
            table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.setMinimumHeight(150)
        form.addRow(self._field(path, table, page, grow=True))
        row = QHBoxLayout()
        add_button = QPushButton(buttons[0], page)
        remove_button = QPushButton(buttons[1], page)
        row.addWidget(add_button)
        row.addWidget(remove_button)
        row.addStretch(1)
        form.addRow(row)
        table.itemChanged.connect(lambda _item: edited())
        add_button.clicked.connect(lambda: add())
        remove_button.clicked.connect(lambda: remove())
        return table, add_button, remove_button

    if TYPE_CHECKING:

        def _field(
            self, path: str, editor: QWidget, parent: QWidget, grow: bool = False
        ) -> Field: ...

        def _page(self, title: str, stretch: bool = True) -> tuple[QWidget, QFormLayout]: ...

        def _set(self, path: list[Any], value: Any) -> None: ...

        def _check(self) -> None: ...

        def _show_problem(self) -> None: ...

        def _period_start(self) -> dt.date: ...
