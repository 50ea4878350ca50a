"""How the program's read-only tables look: no row numbers, whole rows selected, alternating
rows, sized to their contents with one column taking the rest; and column fitting."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def read_only_table(view: QTableView, stretch: int) -> QTableView:
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


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
