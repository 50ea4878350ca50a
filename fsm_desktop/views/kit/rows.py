"""One read-only table model over a list of rows: the boilerplate the pages' tables share.

A subclass names its columns in ``HEADERS`` (texts marked with ``QT_TRANSLATE_NOOP`` in the
translation context ``CONTEXT``) and says what a cell shows by overriding the hooks
:meth:`RowTableModel.text`, :meth:`alignment`, :meth:`tooltip`, :meth:`foreground` and
:meth:`font`. The row itself is under :attr:`ROW_ROLE`. Rows are replaced all at once
(:meth:`set_rows`, one model reset)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole


class RowTableModel(QAbstractTableModel):
    """A read-only table of ``rows``, one row per item, with translated column headers."""

    #: The translation context of the headers (and of the subclass's own texts).
    CONTEXT = ""
    #: The column headers, untranslated.
    HEADERS: Sequence[str] = ()
    #: The columns whose text is right-aligned (numbers).
    RIGHT: Sequence[int] = ()
    #: The role under which :meth:`data` gives the row itself.
    ROW_ROLE: int = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None, rows: Iterable[Any] = ()) -> None:
        super().__init__(parent)
        self._rows: list = list(rows)

    # --- the rows --------------------------------------------------------------------------------
    @property
    def rows(self) -> list:
        return self._rows

    def set_rows(self, rows: Iterable[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    # --- hooks -----------------------------------------------------------------------------------
    def headers(self) -> list[str]:
        """The column headers as shown (translated)."""
        return [QCoreApplication.translate(self.CONTEXT, header) for header in self.HEADERS]

    def text(self, row, column: int) -> str | None:
        """What the cell shows."""
        raise NotImplementedError

    def alignment(self, row, column: int) -> int | None:
        return RIGHT if column in self.RIGHT else None

    def tooltip(self, row, column: int) -> str | None:
        return None

    def foreground(self, row, column: int):
        return None

    def font(self, row, column: int):
        return None

    def role_data(self, row, column: int, role: int):
        """Any other role (override for check boxes, keys …); the row under :attr:`ROW_ROLE`."""
        if role == self.ROW_ROLE:
            return row
        return None

    # --- Qt --------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY:
            headers = self.headers()
            if 0 <= section < len(headers):
                return headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return self.text(row, column)
        if role == _ALIGNMENT:
            return self.alignment(row, column)
        if role == _TOOLTIP:
            return self.tooltip(row, column)
        if role == _FOREGROUND:
            return self.foreground(row, column)
        if role == _FONT:
            return self.font(row, column)
        return self.role_data(row, column, role)
