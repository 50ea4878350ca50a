"""How the program's read-only tables look: no row numbers, whole rows selected, alternating
rows, sized to their contents with one column taking the rest; tables of items filled from
rows of texts; and column fitting."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

V = TypeVar("V", bound=QTableView)


def read_only_table(view: V, stretch: int) -> V:
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def model_table(parent: QWidget, model: QAbstractItemModel, stretch: int) -> QTableView:
    """A read-only table view of ``model`` (:func:`read_only_table`)."""
    view = QTableView(parent)
    view.setModel(model)
    return read_only_table(view, stretch)


def fit_columns(view: QTableView, model, caps: dict[int, int]) -> None:
    """Each column as wide as its widest text or header (at most ``caps[column]``)."""
    metrics = view.fontMetrics()
    bold = view.horizontalHeader().font()
    bold.setBold(True)
    header_metrics = QFontMetrics(bold)
    rows = model.rowCount()
    for column in range(model.columnCount()):
        width = (
            header_metrics.horizontalAdvance(
                str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            )
            + 20
        )
        for row in range(min(rows, 400)):
            index = model.index(row, column)
            text = model.data(index)
            if text:
                font = model.data(index, Qt.ItemDataRole.FontRole)
                measure = header_metrics if font is not None and font.bold() else metrics
                width = max(width, measure.horizontalAdvance(str(text)) + 14)
        view.horizontalHeader().resizeSection(column, min(width, caps.get(column, 10_000)))


def widget_table(parent, headers: list[str], stretch: int) -> QTableWidget:
    """A read-only table of items with these headers, one row selected at a time."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return read_only_table(table, stretch)


def fill_table(
    table: QTableWidget,
    rows: list[list[str]],
    keys: list[object] | None = None,
    right: tuple[int, ...] = (),
) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)
