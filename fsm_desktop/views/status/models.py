"""The status sheet's table model."""

from __future__ import annotations

import textwrap

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from fsm_desktop.domain.danish import date_dots, number, percent
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.status_sheet import (
    CITIZEN_ROWS,
    COORDINATION,
    COUNT,
    MARK,
    NOT_RELEVANT,
    OK,
    RATIO,
    SHARE,
    Cell,
    Column,
    Row,
    StatusSheet,
    month_label,
    parse_goal,
)
from fsm_desktop.views.kit.messages import translate_error

MET_BACKGROUND, MET_TEXT = QColor("#d9f0dc"), QColor("#14532d")
NOT_MET_BACKGROUND, NOT_MET_TEXT = QColor("#f9d9d6"), QColor("#7f1d1d")
NO_DATA_BACKGROUND, NO_DATA_TEXT = QColor("#eef0f3"), QColor("#6b7280")


def _t(text: str) -> str:
    return QCoreApplication.translate("StatusSheetPage", text)


GOAL_BACKGROUND = QColor("#fff6d6")


def wrap_label(label: str, width: int = 34) -> str:
    """A long measure name on two lines (the rows are two lines tall), broken at a space."""
    if len(label) <= width:
        return label
    lines = textwrap.wrap(label, width=max(width, (len(label) + 1) // 2 + 1))
    return "\n".join([*lines[:1], " ".join(lines[1:])])


class StatusSheetModel(QAbstractTableModel):
    """One row per measure, one column per sheet column (0-punkt, months, goals). Goal cells
    are editable: the model checks the text and asks for the write (``goal_edited``); the
    page writes and then calls :meth:`set_goal`. The coordination row's month cells are
    checkable (``mark_toggled``, then :meth:`set_mark`)."""

    CELL_ROLE = Qt.ItemDataRole.UserRole + 1  # the Cell (or None)
    MET_ROLE = Qt.ItemDataRole.UserRole + 2  # True / False / None
    ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the Row

    goal_edited = Signal(str, str, object)  # row id, goal month, value (None: removed)
    mark_toggled = Signal(str, bool)  # month, held
    invalid = Signal(str)  # a Danish message about what the user typed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        #: A project open read-only: goals and coordination marks cannot be changed.
        self.read_only = False
        self.sheet: StatusSheet | None = None
        self._rows: list[Row] = []
        self._data_count = 0

    def set_sheet(self, sheet: StatusSheet | None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self._rows = list(sheet.rows) if sheet is not None else []
        self._data_count = len(sheet.data_columns) if sheet is not None else 0
        self.endResetModel()

    # --- shape ----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.sheet is None else len(self.sheet.columns)

    def is_goal_column(self, column: int) -> bool:
        return column >= self._data_count

    def row_of(self, row_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row.id == row_id:
                return i
        return -1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if self.sheet is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.sheet.columns):
                return None
            column = self.sheet.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                if column.kind == "baseline":
                    assert column.day is not None, "the baseline column has its day (status_sheet)"
                    return _t("0-punkt\n{day}").format(day=date_dots(column.day))
                if column.kind == "goal":
                    return _t("Mål\n{month}").format(month=month_label(column.month))
                return month_label(column.month).replace(" ", "\n")
            if role == Qt.ItemDataRole.ToolTipRole and column.kind == "baseline":
                return _t("Status på 0-punktets dag; hver måned tæller én dags berøring.")
            return None
        if not 0 <= section < len(self._rows):
            return None
        row = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return wrap_label(row.label)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.definition
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if self.read_only:
            return flags
        if self.is_goal_column(index.column()):
            if row.goal_editable:
                flags |= Qt.ItemFlag.ItemIsEditable
        elif row.id == COORDINATION and row.cells[index.column()] is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # --- the citizens behind a cell ---------------------------------------------------------------
    def lists_citizens(self, row: Row, k: int) -> bool:
        """Whether data column k of ``row`` is a count of citizens that can be listed: a row
        of the sheet's own that counts citizens, or one of the initiative's measures, with a
        number in the cell."""
        if row.availability != OK or row.cell_note(k) or k >= len(row.cells):
            return False
        if row.cells[k] is None:
            return False
        return row.id in CITIZEN_ROWS or row.engine

    def why_no_citizens(self, row: Row, k: int) -> str:
        """Why data column k of ``row`` lists no citizens (Danish), or "" when it does."""
        if self.lists_citizens(row, k):
            return ""
        if row.availability == NOT_RELEVANT:
            return _t(
                "»{label}« er ikke relevant for indsatsen: der er ingen borgere at vise."
            ).format(label=row.label)
        if row.cell_note(k):
            reason = row.no_data_reason if k in row.no_data_columns else row.definition
            return _t(
                "»{label}« har ingen data her, så der er ingen borgere at vise. {reason}"
            ).format(label=row.label, reason=reason)
        if row.unit == COUNT and row.availability == OK:
            return _t(
                "»{label}« tæller møder, ikke borgere: møderne og deres borgere står på siden Step-up."
            ).format(label=row.label)
        if row.unit == MARK:
            return _t("»{label}« er et kryds pr. måned, ikke et antal borgere.").format(
                label=row.label
            )
        return _t("»{label}« har intet tal her, så der er ingen borgere at vise.").format(
            label=row.label
        )

    # --- contents -------------------------------------------------------------------------------
    def _goal_text(self, row: Row, value: float | None) -> str:
        if value is None:
            return "–"
        if row.goal_unit == SHARE:
            return percent(value, trim=True)
        return number(value)

    def _cell_text(self, row: Row, k: int, met: bool | None) -> str:
        cell = row.cells[k]
        if row.availability != OK:
            return (
                _t("ikke relevant for indsatsen")
                if row.availability == NOT_RELEVANT
                else _t("ingen data")
            )
        if k in row.no_data_columns:  # before the first registration of the row's fact
            return _t("ingen data")
        if cell is None:
            return ""
        mark = {True: "✓ ", False: "✗ ", None: ""}[met]
        if row.unit == COUNT:
            return _t("{held}\n{mark}i alt {total}").format(
                held=number(cell.count), mark=mark, total=number(cell.cumulative or 0)
            )
        if row.unit == RATIO:
            ratio = "–" if cell.share is None else number(round(cell.share, 1))
            return _t("{n}\n{mark}{ratio} pr. fuldtid").format(
                n=number(cell.count), mark=mark, ratio=ratio
            )
        return "{n}\n{mark}{share}".format(
            n=number(cell.count), mark=mark, share=percent(cell.share)
        )

    def _goal_data(self, row: Row, column: Column, role: int) -> object:
        """A goal column's cell: the goal, editable where the row's goal is."""
        value = row.goals.get(column.month)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._goal_text(row, value) if row.goal_editable or value is not None else ""
        if role == Qt.ItemDataRole.EditRole:
            if value is None:
                return ""
            return number(value * 100 if row.goal_unit == SHARE else value, 4)
        if role == Qt.ItemDataRole.BackgroundRole:
            return GOAL_BACKGROUND if row.goal_editable else NO_DATA_BACKGROUND
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and row.goal_editable:
            unit = _t("i procent, 0–100") if row.goal_unit == SHARE else _t("et antal")
            return _t(
                "Dobbeltklik for at ændre målet for {month} ({unit}); tomt fjerner målet."
            ).format(month=month_label(column.month), unit=unit)
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or self.sheet is None or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column_index = index.column()
        if not 0 <= column_index < len(self.sheet.columns):
            return None
        column = self.sheet.columns[column_index]
        if role == self.ROW_ROLE:
            return row
        if self.is_goal_column(column_index):
            return self._goal_data(row, column, role)
        cell = row.cells[column_index] if column_index < len(row.cells) else None
        if role == self.CELL_ROLE:
            return cell
        met = row.met(column_index, column.month)
        if role == self.MET_ROLE:
            return met
        if row.unit == MARK and row.availability == OK:
            if role == Qt.ItemDataRole.CheckStateRole and cell is not None:
                return Qt.CheckState.Checked if cell.count else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole and cell is not None:
                return _t("Sæt kryds, når koordineringsgruppen har holdt møde i {month}.").format(
                    month=month_label(column.month)
                )
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(row, column_index, met)
        # A row without data, or a column before the first registration of the row's fact: greyed.
        no_data = bool(row.cell_note(column_index))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if no_data:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if no_data:
                return NO_DATA_BACKGROUND
            if met is not None:
                return MET_BACKGROUND if met else NOT_MET_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if no_data:
                return NO_DATA_TEXT
            if met is not None:
                return MET_TEXT if met else NOT_MET_TEXT
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column_index, column.month, met)
        return None

    def _tooltip(self, row: Row, k: int, month: str, met: bool | None) -> str:
        lines = [row.label, row.definition]
        if row.cell_note(k) and row.no_data_reason:
            lines.append(row.no_data_reason)  # why: the fact was not registered yet (not a "nej")
            return "\n".join(lines)
        goal = row.goal_for(month)
        if goal is not None and row.availability == OK:
            text = self._goal_text(row, goal)
            if met is None:
                lines.append(_t("Mål: {goal}").format(goal=text))
            else:
                lines.append(
                    (
                        _t("Mål: {goal} – opfyldt") if met else _t("Mål: {goal} – ikke opfyldt")
                    ).format(goal=text)
                )
        cell = row.cells[k] if k < len(row.cells) else None
        if cell is not None and row.unit == SHARE and cell.denominator is not None:
            lines.append(_t("{n} af {d}").format(n=number(cell.count), d=number(cell.denominator)))
        if self.lists_citizens(row, k):
            lines.append(_t("Dobbeltklik eller tryk Enter for at se borgerne."))
        elif row.unit == COUNT and row.availability == OK:
            lines.append(_t("Tæller møder, ikke borgere: møderne står på siden Step-up."))
        return "\n".join(lines)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or self.sheet is None:
            return False
        row = self._rows[index.row()]
        column = self.sheet.columns[index.column()]
        if (
            role == Qt.ItemDataRole.EditRole
            and self.is_goal_column(index.column())
            and row.goal_editable
        ):
            try:
                parsed = parse_goal(str(value), row.goal_unit)
            except KnownError as error:
                self.invalid.emit(translate_error(error))
                return False
            if parsed != row.goals.get(column.month):
                self.goal_edited.emit(row.id, column.month, parsed)
            return False  # the page writes, then calls set_goal
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and row.id == COORDINATION
            and column.kind == "month"
        ):
            self.mark_toggled.emit(column.month, Qt.CheckState(value) == Qt.CheckState.Checked)
            return False  # the page writes, then calls set_mark
        return False

    # --- after a write ------------------------------------------------------------------------
    def set_goal(self, row_id: str, month: str, value: float | None) -> None:
        """The goal was written: show it, and the row's colours against it."""
        r = self.row_of(row_id)
        if r < 0 or self.sheet is None:
            return
        goals = self._rows[r].goals
        if value is None:
            goals.pop(month, None)
        else:
            goals[month] = value
        self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def set_mark(self, month: str, held: bool) -> None:
        r = self.row_of(COORDINATION)
        if r < 0 or self.sheet is None:
            return
        row = self._rows[r]
        for k, column in enumerate(self.sheet.data_columns):
            if column.kind == "month" and column.month == month and row.cells[k] is not None:
                row.cells[k] = Cell(1 if held else 0)
                index = self.index(r, k)
                self.dataChanged.emit(index, index)
