"""The board's item models: one list per column (cards, empty places, collapsed cells), and
the lane labels beside them. Thin and exact (conventions.md §5): a move arrives as row
changes from domain.board.BoardLayout and is applied with begin/end calls, a new filter or
lane choice as one reset."""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from fsm_desktop.domain.board import (
    COLUMNS,
    FLAGS,
    BoardCard,
    BoardLayout,
    Change,
    Lane,
    Slot,
    Summary,
)
from fsm_desktop.domain.model import BOARD_LABELS, BoardColumn
from fsm_desktop.views.board.card_delegate import (
    CARD_ROLE,
    LANE_START_ROLE,
    SLOT_ROLE,
    SUMMARY_ROLE,
    CardData,
)
from fsm_desktop.views.kit.wording import citizens_text

#: The dragged cards: a JSON list of citizen ids.
MIME_TYPE = "application/x-fsm-board-cards"
#: On every row: the lane key it belongs to.
LANE_ROLE = Qt.ItemDataRole.UserRole + 10
#: On a card's row: the BoardCard.
BOARD_CARD_ROLE = Qt.ItemDataRole.UserRole + 11


#: What each flag means, in the order of domain.board.FLAGS (the filter, tooltip, screen reader).
FLAG_LABELS = {
    "stepup_due": "Step-up skal holdes",
    "no_cv": "Intet CV på Jobnet",
    "no_job_goal": "Intet jobmål",
    "absent": "Fravær eller fritagelse",
    "stepup_overdue": "Step-up-opfølgning overskredet",
}
#: The flag filter's choices: none, or one flag.
FLAG_CHOICES = (("", "Alle markeringer"), *FLAG_LABELS.items())


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


def flag_labels(card: BoardCard) -> list[str]:
    """The card's flags in words (translated)."""
    return [_t(FLAG_LABELS[flag]) for flag in FLAGS if getattr(card, flag)]


def column_label(column: BoardColumn | None) -> str:
    return (
        QCoreApplication.translate("Board", BOARD_LABELS[column]) if column else _t("Ikke placeret")
    )


def card_data(card: BoardCard, today: dt.date) -> CardData:
    return CardData(
        citizen_id=card.citizen_id,
        name=card.name,
        masked_cpr=card.masked_cpr,
        job_broker=card.job_broker,
        caseworker=card.caseworker,
        days_in_column=card.days_in_column(today),
        days_since_contact=card.days_since_contact(today),
        hours_last_month=card.hours_last_month,
        hours_change=card.hours_change,
        stepup_due=card.stepup_due,
        no_cv=card.no_cv,
        no_job_goal=card.no_job_goal,
        absent=card.absent,
        changed_since_meeting=card.changed_since_meeting,
        stepup_overdue=card.stepup_overdue,
    )


class BoardColumnModel(QAbstractListModel):
    """One board column: a row per card, empty place or collapsed cell, lanes one after the
    other. Drops ask the page to move (``drop_requested``); the page writes and then hands
    back the row changes."""

    #: (citizen ids, this column, the lane key under the drop)
    drop_requested = Signal(list, object, str)

    def __init__(self, column: BoardColumn | None, parent=None) -> None:
        super().__init__(parent)
        self.column = column
        self._rows: list = []
        self._starts: set[int] = set()  # rows that begin a lane
        self._layout: BoardLayout | None = None
        self.today = dt.date.today()
        self.lane_labels: dict[str, str] = {}
        self._card_cache: dict[str, CardData] = {}

    # --- filling --------------------------------------------------------------------------------
    def reset(self, layout: BoardLayout, today: dt.date) -> None:
        self.beginResetModel()
        self._layout = layout
        self.today = today
        self._rows = layout.entries(self.column)
        self._card_cache.clear()
        self._recount_starts()
        self.endResetModel()

    def _recount_starts(self) -> None:
        starts, row = set(), 0
        if self._layout is not None:
            for lane in self._layout.lanes:
                starts.add(row)
                row += lane.rows
        self._starts = starts

    def apply(self, changes: Sequence[Change]) -> None:
        for kind, row, entry in changes:
            if kind == "insert":
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.insert(row, entry)
                self.endInsertRows()
            elif kind == "remove":
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
            else:
                self._rows[row] = entry
                index = self.index(row)
                self.dataChanged.emit(index, index)
        if changes:
            self._recount_starts()

    def refresh_row(self, row: int, citizen_id: str) -> None:
        """A card's text changed (days in the column after a move, an undo …)."""
        self._card_cache.pop(citizen_id, None)
        index = self.index(row)
        self.dataChanged.emit(index, index)

    def entry(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, citizen_id: str) -> int | None:
        for row, entry in enumerate(self._rows):
            if isinstance(entry, BoardCard) and entry.citizen_id == citizen_id:
                return row
        return None

    def lane_of_row(self, row: int) -> str | None:
        entry = self.entry(row)
        if entry is None:
            lane = self._layout.lane_at(row) if self._layout is not None else None
            return lane.key if lane is not None else None
        return entry.lane if isinstance(entry, (Slot, Summary)) else self._lane_key(entry)

    def _lane_key(self, card: BoardCard) -> str:
        return card.lane(self._layout.lane_by) if self._layout is not None else ""

    # --- Qt -----------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == LANE_START_ROLE:
            return index.row() in self._starts
        if isinstance(entry, BoardCard):
            if role == CARD_ROLE:
                data = self._card_cache.get(entry.citizen_id)
                if data is None:
                    data = self._card_cache[entry.citizen_id] = card_data(entry, self.today)
                return data
            if role == BOARD_CARD_ROLE:
                return entry
            if role == LANE_ROLE:
                return self._lane_key(entry)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return self._accessible(entry)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(entry)
            return None
        if role == LANE_ROLE:
            return entry.lane
        if isinstance(entry, Summary):
            if role == SUMMARY_ROLE:
                return entry.count
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return _t("{lane}, {column}: {citizens} (sammenklappet)").format(
                    lane=self._lane_name(entry.lane),
                    column=column_label(self.column),
                    citizens=citizens_text(entry.count),
                )
            return None
        if role == SLOT_ROLE:
            return True
        return None

    def _lane_name(self, key: str) -> str:
        if self._layout is None or not self._layout.lane_by:
            return ""
        return self.lane_labels.get(key) or _t("uden {role}").format(role=self._layout.lane_by)

    def _accessible(self, card: BoardCard) -> str:
        lane = self._lane_name(self._lane_key(card))
        text = _t("{name}, {column}").format(name=card.name, column=column_label(self.column))
        text += _t(", bane {lane}").format(lane=lane) if lane else ""
        flags = flag_labels(card)
        return text + (_t(". Markeringer: {flags}").format(flags=", ".join(flags)) if flags else "")

    def _tooltip(self, card: BoardCard) -> str:
        parts = [card.name, card.masked_cpr]
        if card.job_broker:
            parts.append(_t("Jobformidler: {initials}").format(initials=card.job_broker))
        if card.caseworker:
            parts.append(_t("Sagsbehandler: {initials}").format(initials=card.caseworker))
        parts.extend(flag_labels(card))
        if card.changed_since_meeting:
            parts.append(_t("Flyttet siden sidste møde"))
        return "\n".join(parts)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # "Ikke placeret" is no column to move to: nothing can be dropped there.
        drop = Qt.ItemFlag.ItemIsDropEnabled if self.column is not None else Qt.ItemFlag.NoItemFlags
        if not index.isValid():
            return drop
        entry = self._rows[index.row()] if index.row() < len(self._rows) else None
        if isinstance(entry, BoardCard):
            return (
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
                | drop
            )
        return Qt.ItemFlag.ItemIsEnabled | drop

    # --- drag and drop -----------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:
        ids = []
        for index in indexes:
            entry = self.entry(index.row())
            if isinstance(entry, BoardCard) and entry.citizen_id not in ids:
                ids.append(entry.citizen_id)
        data = QMimeData()
        data.setData(MIME_TYPE, QByteArray(json.dumps(ids).encode("utf-8")))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return self.column is not None and data is not None and data.hasFormat(MIME_TYPE)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """A drop asks for a move (written, undoable); it never lets the view delete the dragged
        rows itself, so the answer is False and the page moves the cards."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            ids = json.loads(bytes(data.data(MIME_TYPE)).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return False
        if not isinstance(ids, list) or not ids:
            return False
        target = parent.row() if parent is not None and parent.isValid() else row
        if target is None or target < 0:
            target = len(self._rows) - 1
        lane = self.lane_of_row(min(target, len(self._rows) - 1)) if self._rows else ""
        self.drop_requested.emit([str(i) for i in ids], self.column, lane or "")
        return False


class LaneLabelModel(QAbstractListModel):
    """The lane names beside the board, one row per board row: a lane's first row says its
    name and counts; clicking it collapses or opens the lane."""

    LANE_HEADER_ROLE = Qt.ItemDataRole.UserRole + 20
    #: True on every row of the current lane (the one PgDn / PgUp brought up).
    CURRENT_LANE_ROLE = Qt.ItemDataRole.UserRole + 21

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The lanes top to bottom: their keys and first rows (a row's lane by bisection: no
        # list of thousands of rows to build on every filter keystroke).
        self._keys: list[str] = []
        self._starts: list[int] = []
        self._row_count = 0
        self._lanes: dict[str, Lane] = {}
        self.labels: dict[str, str] = {}
        self.role_name = ""
        self.current: str | None = None

    @staticmethod
    def _shape(layout: BoardLayout) -> tuple[list[str], list[int], int]:
        keys, starts, row = [], [], 0
        for lane in layout.lanes if layout.lane_by else ():
            keys.append(lane.key)
            starts.append(row)
            row += lane.rows
        return keys, starts, row

    def reset(self, layout: BoardLayout) -> None:
        self.beginResetModel()
        self._lanes = {lane.key: lane for lane in layout.lanes}
        self._keys, self._starts, self._row_count = self._shape(layout)
        self.role_name = layout.lane_by
        self.endResetModel()

    def sync(self, layout: BoardLayout) -> None:
        """After a move: rows follow the lanes' heights (inserted and removed at lane ends)."""
        if self._shape(layout) == (self._keys, self._starts, self._row_count):
            self._lanes = {lane.key: lane for lane in layout.lanes}
            if self._row_count:
                self.dataChanged.emit(self.index(0), self.index(self._row_count - 1))
            return
        self.reset(layout)

    def set_current(self, key: str | None) -> None:
        """Mark a lane as the current one (None: none)."""
        if key != self.current:
            self.current = key
            if self._row_count:
                self.dataChanged.emit(
                    self.index(0), self.index(self._row_count - 1), [self.CURRENT_LANE_ROLE]
                )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._row_count

    def _at(self, row: int) -> tuple[str, bool] | None:
        """(lane key, whether the row is the lane's first) of a row."""
        if not 0 <= row < self._row_count:
            return None
        i = bisect.bisect_right(self._starts, row) - 1
        return self._keys[i], self._starts[i] == row

    def lane_key(self, row: int) -> str | None:
        found = self._at(row)
        return found[0] if found else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        found = self._at(index.row()) if index.isValid() else None
        if found is None:
            return None
        key, first = found
        if role == LANE_START_ROLE:
            return first
        if role == LANE_ROLE:
            return key
        if role == self.CURRENT_LANE_ROLE:
            return key == self.current
        if not first:
            return None
        lane = self._lanes.get(key)
        name = self.labels.get(key) or _t("Uden {role}").format(role=self.role_name)
        if role == self.LANE_HEADER_ROLE:
            return lane
        count = lane.count() if lane is not None else 0
        citizens = citizens_text(count)
        collapsed = lane is not None and lane.collapsed
        if role == Qt.ItemDataRole.DisplayRole:
            text = f"{'▸' if collapsed else '▾'} {name}\n{citizens}"
            if lane is not None:
                # Per cell, in the columns' order (i gang · på spring · på vej · længere sigt ·
                # ikke placeret), said to be so; the tooltip names each.
                text += "\n" + _t("pr. kolonne: {counts}").format(
                    counts=" · ".join(str(lane.count(column)) for column in COLUMNS)
                )
            return text
        if role not in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return None
        per_column = (
            ", ".join(f"{column_label(column).lower()}: {lane.count(column)}" for column in COLUMNS)
            if lane is not None
            else ""
        )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = _t("sammenklappet") if collapsed else _t("udfoldet")
            text = _t("Bane {name}, {citizens}, {state}").format(
                name=name, citizens=citizens, state=state
            )
            text += f" ({per_column})" if per_column else ""
            return text + (_t(", aktuel bane") if key == self.current else "")
        tip = _t("Klik, Enter eller mellemrum klapper banen sammen eller ud")
        if not per_column:
            return tip
        counts = _t("{citizens} i banen: {counts}").format(citizens=citizens, counts=per_column)
        return counts + "\n" + tip

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled
