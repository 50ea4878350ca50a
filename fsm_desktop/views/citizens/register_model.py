"""The register's rows, its table model, its cell painting and its filter."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from functools import lru_cache
from operator import attrgetter

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from fsm_desktop.domain.board import BoardCard
from fsm_desktop.domain.citizen_edit import CONTACT_DAYS
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import BOARD_LABELS, PERIOD_LABELS, BoardColumn
from fsm_desktop.domain.search import Query, fold, parse


@lru_cache(maxsize=256)
def _t(text: str) -> str:
    """The Danish text of the register (kept: the table asks for the same few per cell)."""
    return QCoreApplication.translate("CitizensPage", text)


@lru_cache(maxsize=8192)
def _date_text(day: dt.date) -> str:
    """dd-mm-yyyy, cached (formatting costs more than the rest of a cell; dates repeat from row
    to row)."""
    return date_text(day)


#: Period kind value → its label (no enum call per cell).
_OFFER_LABELS = {kind.value: label for kind, label in PERIOD_LABELS.items()}


@lru_cache(maxsize=16)
def _board_label(column: str) -> str:
    return QCoreApplication.translate("Board", BOARD_LABELS[BoardColumn(column)])


EXIT_LABELS = {
    "fraflyttet": QT_TRANSLATE_NOOP("CitizensPage", "fraflyttet"),
    "folkepension": QT_TRANSLATE_NOOP("CitizensPage", "folkepension"),
    "doed": QT_TRANSLATE_NOOP("CitizensPage", "død"),
}


class CitizenRows:
    """The register's citizens in one order, with what the search compares for each: the name
    folded as domain.search compares it, the CPR number, and the places of those still in the
    target group. Built where the rows are read (the loading thread), so that showing 20,000
    citizens costs the GUI thread no pass over them; a sort builds it anew."""

    __slots__ = ("cards", "cprs", "names", "staying")

    def __init__(self, cards: list[BoardCard]) -> None:
        self.cards = cards
        self.names = [fold(c.name) for c in cards]
        self.cprs = [c.cpr for c in cards]
        self.staying = [i for i, c in enumerate(cards) if c.exit_date is None]


class CitizensModel(QAbstractTableModel):
    (
        NAME,
        CPR,
        AGE,
        GROUP,
        JOB_BROKER,
        CASEWORKER,
        COLUMN,
        ENTRY,
        OFFER,
        HOURS,
        CONTACT,
        CV_GOAL,
        STEPUP,
        EXIT,
    ) = range(14)
    HEADERS = (
        QT_TRANSLATE_NOOP("CitizensPage", "Navn"),
        QT_TRANSLATE_NOOP("CitizensPage", "CPR"),
        QT_TRANSLATE_NOOP("CitizensPage", "Alder"),
        QT_TRANSLATE_NOOP("CitizensPage", "Gruppe"),
        QT_TRANSLATE_NOOP("CitizensPage", "Jobformidler"),
        QT_TRANSLATE_NOOP("CitizensPage", "Sagsbehandler"),
        QT_TRANSLATE_NOOP("CitizensPage", "Tavle"),
        QT_TRANSLATE_NOOP("CitizensPage", "Indgang"),
        QT_TRANSLATE_NOOP("CitizensPage", "Tilbud nu"),
        QT_TRANSLATE_NOOP("CitizensPage", "Løntimer sidste md."),
        QT_TRANSLATE_NOOP("CitizensPage", "Seneste kontakt"),
        QT_TRANSLATE_NOOP("CitizensPage", "CV / jobmål"),
        QT_TRANSLATE_NOOP("CitizensPage", "Step-up"),
        QT_TRANSLATE_NOOP("CitizensPage", "Afgang"),
    )
    CARD_ROLE = Qt.ItemDataRole.UserRole.value + 1
    RIGHT = (AGE, GROUP, HOURS)
    #: Display texts kept at the most (the visible cells are a few hundred; scrolling adds more).
    TEXTS_KEPT = 50_000

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._data = CitizenRows([])  # every citizen, in the current sort order
        self._by_name: list[BoardCard] = []  # every citizen in name order (what a sort starts from)
        self._rows: list[
            int
        ] = []  # places in _data of those that pass the filter, ascending: the rows
        self.today = dt.date.today()
        self._texts: dict[tuple[int, int], str] = {}  # display text by (place in _data, column)
        self.query: Query | None = None
        self.show_left = False

    @property
    def left(self) -> int:
        return len(self._data.cards) - len(self._data.staying)

    @property
    def total(self) -> int:
        """How many the filter chooses among: everyone, or everyone still in the target group."""
        return len(self._data.cards) if self.show_left else len(self._data.staying)

    def set_cards(
        self,
        rows: CitizenRows | list[BoardCard],
        today: dt.date,
        column: int = -1,
        order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    ) -> None:
        """New rows in name order (a reset), sorted by ``column`` (-1: left in name order) and
        filtered as before."""
        if not isinstance(rows, CitizenRows):
            rows = CitizenRows(sorted(rows, key=_KEY))
        self.beginResetModel()
        self.today = today
        self._by_name = rows.cards
        if 0 <= column < len(self.HEADERS):
            rows = CitizenRows(self._ordered(column, order))
        self._data = rows
        self._texts.clear()
        self._rows = self._passing()
        self.endResetModel()

    def set_filter(self, query: Query | None, show_left: bool) -> None:
        """Only the citizens the search finds (domain.search: every word in the name, or the
        CPR number's birth date from its start, or the whole number); those who left only with
        ``show_left``. One test per citizen and word, then one layout change that keeps the
        current and selected rows that still show (see CitizenFilter)."""
        self.query, self.show_left = query, show_left
        rows = self._passing()
        if rows == self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        old, self._rows = self._rows, rows
        self._follow(self.persistentIndexList(), old)
        self.layoutChanged.emit()

    def _passing(self) -> list[int]:
        data = self._data
        rows = range(len(data.cards)) if self.show_left else data.staying
        query = self.query
        if query is None:
            return list(rows)
        if query.is_cpr:  # the tests of Query.matches_cpr, inline over the rows
            if query.finds_no_one:
                return []
            digits, cprs = query.digits, data.cprs
            if query.whole:
                return [i for i in rows if cprs[i] == digits]
            return [i for i in rows if cprs[i].startswith(digits)]
        names = data.names
        for word in query.words:
            rows = [i for i in rows if word in names[i]]
        return list(rows)

    def _follow(
        self, persistent: list, old_rows: list[int], moved: dict[int, int] | None = None
    ) -> None:
        """Persistent indexes (the view's current and selected cells) follow their citizen to
        its new row, or become invalid when it is filtered away. ``moved``: old place → new
        place, when the citizens were reordered."""
        if not persistent:
            return
        rows = self._rows
        size = len(rows)
        targets = []
        for index in persistent:
            place = old_rows[index.row()]
            if moved is not None:
                place = moved[place]
            row = bisect_left(rows, place)
            targets.append(
                self.index(row, index.column())
                if row < size and rows[row] == place
                else QModelIndex()
            )
        self.changePersistentIndexList(persistent, targets)

    def card(self, row: int) -> BoardCard:
        return self._data.cards[self._rows[row]]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's value (empty values last either way; equal values by name); -1
        puts the rows back in name order. The filtered rows keep their filter."""
        before = self._data.cards
        if not before:
            return
        ordered = CitizenRows(self._ordered(column, order))
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        self._data = ordered
        self._texts.clear()
        self._rows = self._passing()
        persistent = self.persistentIndexList()
        if persistent:
            place = {id(c): i for i, c in enumerate(ordered.cards)}
            self._follow(
                persistent,
                old_rows,
                {p: place[id(before[p])] for p in {old_rows[i.row()] for i in persistent}},
            )
        self.layoutChanged.emit()

    def _ordered(self, column: int, order: Qt.SortOrder) -> list[BoardCard]:
        """The citizens by a column: a stable sort of the name order by one key per citizen, so
        equal values stay in name order (either way); empty values last, in name order."""
        cards = self._by_name
        if not 0 <= column < len(self.HEADERS):
            return cards
        keys = [self.sort_key(c, column) for c in cards]
        present = [i for i, k in enumerate(keys) if k is not None]
        present.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return [cards[i] for i in present] + [c for c, k in zip(cards, keys) if k is None]

    def sort_key(self, card: BoardCard, column: int):
        """What a column sorts by (None: empty, sorts last)."""
        value = self.value_of(card, column)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value.lower()
        return value

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return _t(self.HEADERS[section])
        return None

    def value(self, row: int, column: int):
        """The cell's value as it sorts and as it is exported."""
        return self.value_of(self.card(row), column)

    def value_of(self, c: BoardCard, column: int):
        if column == self.NAME:
            return c.name
        if column == self.CPR:
            return c.masked_cpr
        if column == self.AGE:
            return c.age(self.today)
        if column == self.GROUP:
            return c.group
        if column == self.JOB_BROKER:
            return c.job_broker
        if column == self.CASEWORKER:
            return c.caseworker
        if column == self.COLUMN:
            return _board_label(c.column) if c.column else _t("ikke placeret")
        if column == self.ENTRY:
            return c.entry_date
        if column == self.OFFER:
            return _OFFER_LABELS.get(c.current_offer, c.current_offer) if c.current_offer else ""
        if column == self.HOURS:
            return c.hours_last_month
        if column == self.CONTACT:
            return c.last_contact
        if column == self.CV_GOAL:
            parts = []
            if c.no_cv:
                parts.append(_t("intet CV"))
            if c.no_job_goal:
                parts.append(_t("intet jobmål"))
            return ", ".join(parts) or _t("i orden")
        if column == self.STEPUP:
            return _t("skal holdes") if c.stepup_due and c.exit_date is None else ""
        if column == self.EXIT:
            if c.exit_date is None:
                return ""
            return f"{_date_text(c.exit_date)} {_t(EXIT_LABELS.get(c.exit_reason, c.exit_reason))}"
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        place = self._rows[row]
        if role == _DISPLAY:
            return self._text(place, index.column())
        if role == _FOREGROUND:
            return self._color(place, index.column())
        if role == _ALIGNMENT:
            return _RIGHT if index.column() in self.RIGHT else None
        if role == self.CARD_ROLE:
            return self._data.cards[place]
        return None

    def cell(self, row: int, column: int) -> tuple[str, QColor | None]:
        """A cell as the register paints it: its text and its colour (None: the text colour)."""
        place = self._rows[row]
        return self._text(place, column), self._color(place, column)

    def _text(self, place: int, column: int) -> str:
        """The display text, kept until the rows are sorted or loaded anew."""
        key = (place, column)
        text = self._texts.get(key)
        if text is None:
            if len(self._texts) >= self.TEXTS_KEPT:
                self._texts.clear()
            text = self._texts[key] = self._display(self._data.cards[place], column)
        return text

    def _color(self, place: int, column: int) -> QColor | None:
        card = self._data.cards[place]
        if card.exit_date is not None:
            return _GREY
        if column == self.CONTACT:
            days = card.days_since_contact(self.today)
            if days is None or days > CONTACT_DAYS:
                return _RED
        return None

    def _display(self, card: BoardCard, column: int) -> str:
        value = self.value_of(card, column)
        if value is None:
            return (
                "–"
                if column in (self.ENTRY, self.CONTACT, self.HOURS, self.AGE, self.GROUP)
                else ""
            )
        if isinstance(value, dt.date):
            return _date_text(value)
        if isinstance(value, float):
            return number(value, 1)
        return str(value)


# Plain ints for the role comparisons in data().
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_GREY = QColor("#6b7280")
_RED = QColor("#b3261e")
_KEY = attrgetter("key")
_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


class CitizenFilter(QSortFilterProxyModel):
    """The register's proxy: the view's way to filter (name or CPR digits, all words; those
    who left on request) and to sort.

    Speed (20,000 rows, measured in bench/): Qt's own filtering calls ``filterAcceptsRow`` in
    Python once per row on every keystroke (about 25 ms here, over the 50 ms limit with the
    repaint), and its sorting calls back into Python n·log n times (3 s). So the proxy hands
    both to the source model, which filters in one Python pass and sorts with one key per row,
    then re-lays out its rows; the proxy passes them through, row for row (and the register's
    delegate paints a cell from the model's row directly)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._model: CitizensModel | None = None
        self.show_left = False
        self._query: Query | None = None

    def setSourceModel(self, model) -> None:
        self._model = model
        super().setSourceModel(model)

    def _source(self) -> CitizensModel:
        assert self._model is not None, "setSourceModel comes first"
        return self._model

    def set_text(self, text: str) -> None:
        self._query = parse(text)
        self._source().set_filter(self._query, self.show_left)

    def set_show_left(self, on: bool) -> None:
        self.show_left = on
        self._source().set_filter(self._query, on)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source().sort(column, order)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Asked for every cell on every paint; Qt's proxy would make the model's index for it,
        # which calls rowCount and columnCount in Python.
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags
