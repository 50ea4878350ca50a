"""The merge's table of conflicts and the editor of its Valg column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from fsm_desktop.domain.danish import date_dots
from fsm_desktop.domain.sync import (
    CHOICE_WORDS,
    TABLE_WORDS,
    Conflict,
    Side,
    conflict_line,
    field_words,
    value_words,
)
from fsm_desktop.storage.sync import MergePlan
from fsm_desktop.views.kit.rows import RowTableModel

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object


def _t(text: str) -> str:
    return QCoreApplication.translate("SyncDialogs", text)


def _day(stamp: str | None) -> str:
    """ "2026-03-12T08:15:00" or "2026-03-12" → "12.03.2026"; "" when there is none."""
    if not stamp:
        return ""
    try:
        return date_dots(dt.datetime.fromisoformat(str(stamp)))
    except ValueError:
        return ""


class ConflictModel(RowTableModel):
    """The conflicts of a merge, one a row, with the side the user chose for each (none yet at
    first): Borger, Hvad, Bærbar, Teamkopien, Valg. Only Valg is editable (``"team"`` or
    ``"laptop"``, by :attr:`SIDE_ROLE` or the edit role)."""

    CONTEXT = "SyncDialogs"
    CITIZEN, WHAT, LAPTOP, TEAM, CHOICE = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("SyncDialogs", "Borger"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Hvad"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Bærbar"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Teamkopien"),
        QT_TRANSLATE_NOOP("SyncDialogs", "Valg"),
    )
    CONFLICT_ROLE = Qt.ItemDataRole.UserRole.value + 1
    SIDE_ROLE = Qt.ItemDataRole.UserRole.value + 2
    UNDECIDED = QColor("#fff4d6")
    KEPT = QColor("#14532d")
    DROPPED = QColor("#7a8290")

    #: A choice was made or changed (how many are still open: :meth:`undecided`).
    choices_changed = Signal()

    def __init__(self, plan: MergePlan, parent=None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.conflicts: list[Conflict] = plan.conflicts
        self.choices: dict[str, Side] = {}
        # One row of texts per conflict (rowCount is the number of conflicts).
        self._rows = [self._texts(c) for c in self.conflicts]

    # --- texts ------------------------------------------------------------------------------------
    def _who(self, conflict: Conflict) -> str:
        if conflict.citizen_id is None:
            return "–"
        return self.plan.names.get(conflict.citizen_id, _t("(ukendt borger)"))

    def _value(self, conflict: Conflict, value: object) -> str:
        if isinstance(value, str) and value in self.plan.staff:
            return self.plan.staff[value]
        return value_words(conflict.table, conflict.field, value)

    def _texts(self, conflict: Conflict) -> tuple[str, str, str, str, str]:
        def dated(text: str, stamp: str | None) -> str:
            day = _day(stamp)
            return f"{text} ({day})" if day else text

        changed, deleted = _t("ændret"), _t("slettet")
        if conflict.kind == "field":
            what = field_words(conflict.table, conflict.field)
            laptop = dated(self._value(conflict, conflict.laptop), conflict.laptop_at)
            team = dated(self._value(conflict, conflict.team), conflict.team_at)
        else:
            what = TABLE_WORDS.get(conflict.table, conflict.table)
            laptop = (
                deleted
                if conflict.kind == "deleted_on_laptop"
                else dated(changed, conflict.laptop_at)
            )
            team = (
                deleted if conflict.kind == "deleted_on_team" else dated(changed, conflict.team_at)
            )
        line = conflict_line(conflict, self._who(conflict), self.plan.file.label, self.plan.staff)
        return self._who(conflict), what, laptop, team, line

    # --- choices ----------------------------------------------------------------------------------
    def side(self, row: int) -> Side | None:
        return self.choices.get(self.conflicts[row].id)

    def undecided(self) -> int:
        return sum(1 for c in self.conflicts if c.id not in self.choices)

    def choose(self, row: int, side: Side) -> bool:
        if side not in CHOICE_WORDS or not 0 <= row < len(self.conflicts):
            return False
        if self.choices.get(self.conflicts[row].id) == side:
            return True
        self.choices[self.conflicts[row].id] = side
        self.dataChanged.emit(self.index(row, self.LAPTOP), self.index(row, self.CHOICE))
        self.choices_changed.emit()
        return True

    def choose_all(self, side: Side) -> None:
        if not self.conflicts:
            return
        for conflict in self.conflicts:
            self.choices[conflict.id] = side
        self.dataChanged.emit(
            self.index(0, self.LAPTOP), self.index(len(self.conflicts) - 1, self.CHOICE)
        )
        self.choices_changed.emit()

    def decisions(self) -> dict[str, Side]:
        return dict(self.choices)

    # --- the model --------------------------------------------------------------------------------
    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.CHOICE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self.conflicts):
            return None
        row, column = index.row(), index.column()
        side = self.side(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CHOICE:
                return CHOICE_WORDS[side] if side else _t("vælg …")
            return self._rows[row][column]
        if role in (Qt.ItemDataRole.EditRole, self.SIDE_ROLE):
            return side or ""
        if role == self.CONFLICT_ROLE:
            return self.conflicts[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._rows[row][4]
        # The value that goes is struck out and grey; the one that stays is green (the same
        # width either way: the columns fit their texts once).
        if role == Qt.ItemDataRole.FontRole and side and column in (self.LAPTOP, self.TEAM):
            if (column == self.LAPTOP) == (side == "laptop"):
                return None
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and side and column in (self.LAPTOP, self.TEAM):
            return self.KEPT if (column == self.LAPTOP) == (side == "laptop") else self.DROPPED
        if role == Qt.ItemDataRole.BackgroundRole and column == self.CHOICE and not side:
            return self.UNDECIDED
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if (
            not index.isValid()
            or index.column() != self.CHOICE
            or role not in (Qt.ItemDataRole.EditRole, self.SIDE_ROLE)
        ):
            return False
        return self.choose(index.row(), value)


class ChoiceDelegate(QStyledItemDelegate):
    """The Valg column's editor: a combo of the two choices, applied as soon as one is picked."""

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        box.setAccessibleName(_t("Valg"))
        box.setPlaceholderText(_t("vælg …"))
        for side in ("team", "laptop"):
            box.addItem(CHOICE_WORDS[side], side)
        box.activated.connect(lambda _=0, box=box: self.commitData.emit(box))
        return box

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(editor.findData(index.data(ConflictModel.SIDE_ROLE) or None))

    def setModelData(self, editor, model, index) -> None:
        side = editor.currentData()
        if side:
            model.setData(index, side, Qt.ItemDataRole.EditRole)
