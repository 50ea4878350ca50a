"""The views' shared kit: the row table model (checked with QAbstractItemModelTester), the date
field, error labels and the page header."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QWidget

from fsm_desktop.views.kit.dates import DateField, parse_date
from fsm_desktop.views.kit.errors import ERROR_STYLE, error_label, show_error
from fsm_desktop.views.kit.header import intro_label, title_label
from fsm_desktop.views.kit.rows import RIGHT, RowTableModel

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


class Fruits(RowTableModel):
    CONTEXT = "Test"
    HEADERS = (QT_TRANSLATE_NOOP("Test", "Navn"), QT_TRANSLATE_NOOP("Test", "Antal"))
    RIGHT = (1,)

    def text(self, row, column):
        return row[0] if column == 0 else str(row[1])

    def tooltip(self, row, column):
        return "mange" if row[1] > 2 else None

    def foreground(self, row, column):
        return QColor("#ff0000") if row[1] == 0 else None


def test_the_row_table_model(app):
    model = Fruits()
    QAbstractItemModelTester(model, FATAL)
    assert model.rowCount() == 0 and model.columnCount() == 2
    model.set_rows([("æble", 3), ("pære", 0)])
    assert model.rowCount() == 2 and model.rows == [("æble", 3), ("pære", 0)]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["Navn", "Antal"]
    assert model.headerData(2, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.index(0, 0).data() == "æble" and model.index(1, 1).data() == "0"
    assert model.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "mange"
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) == QColor("#ff0000")
    assert model.index(1, 0).data(model.ROW_ROLE) == ("pære", 0)
    assert model.row_at(1) == ("pære", 0)
    model.set_rows([])
    assert model.rowCount() == 0


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("16-03-2020", dt.date(2020, 3, 16)),
        ("16.3.2020", dt.date(2020, 3, 16)),
        (" 2020-03-16 ", dt.date(2020, 3, 16)),
        ("", None),
    ],
)
def test_dates_as_danes_write_them(text, day):
    assert parse_date(text) == day


def test_the_date_field(app, qtbot):
    field = DateField(dt.date(2026, 12, 7))
    qtbot.addWidget(field)
    assert field.text() == "07-12-2026" and field.date() == dt.date(2026, 12, 7)
    field.set_date(None)
    assert field.text() == "" and field.date() is None
    field.setText("31-02-2026")
    with pytest.raises(ValueError):
        field.date()


def test_error_labels_and_the_header(app, qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    label = error_label(parent)
    assert label.styleSheet() == ERROR_STYLE and label.wordWrap() and label.isHidden()
    show_error(label, "Forkert")
    assert label.text() == "Forkert" and not label.isHidden()
    show_error(label, None)
    assert label.text() == "" and label.isHidden()
    assert title_label("Tavle", parent).objectName() == "pageTitle"
    intro = intro_label("Om siden", parent)
    assert intro.objectName() == "pageIntro" and intro.wordWrap()


def test_a_plan_line_late_by_one_day_is_one_dag(app):
    from fsm_desktop.views.kit.wording import overdue_text

    assert overdue_text(1) == "overskredet med 1 dag"
    assert overdue_text(60) == "overskredet med 60 dage"
    assert overdue_text(1530) == "overskredet med 1.530 dage"
