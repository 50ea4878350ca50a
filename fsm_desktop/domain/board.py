"""The four-way board (4-delingsskema, seeds/004): what a card says, the filters, and the
swimlane layout with the exact row changes a move makes (pure Python; the views apply them).

The layout puts each board column in one list, lanes (by caseworker or job broker) one after
the other, and gives every lane the same number of rows in every column — the most cards any
of its cells has; the rest are empty slots — so the lanes line up across the columns while
every list keeps items of one size (a list of 20,000 equal items lays out at once). A move
changes a handful of rows: :meth:`BoardLayout.move` says which."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from types import EllipsisType
from typing import Any

from fsm_desktop.domain.cpr import age_on, mask
from fsm_desktop.domain.model import BoardColumn

#: The board's columns, left to right: the four of the seed, then "not placed yet".
COLUMNS: tuple[BoardColumn | None, ...] = (
    BoardColumn.I_GANG,
    BoardColumn.PAA_SPRING,
    BoardColumn.PAA_VEJ,
    BoardColumn.PAA_LAENGERE_SIGT,
    None,
)
#: After this many days without contact a card shows it (BIR asks for weekly contact, 002 §13-14).
CONTACT_WARNING_DAYS = 7
#: The snapshot of a citizen who was not on the board at the last meeting.
NOT_AT_MEETING = "-"

LANE_BY = ("", "sagsbehandler", "jobformidler")  # no lanes, by caseworker, by job broker
#: The card's field that names its lane, per way of making lanes.
LANE_FIELDS = {"sagsbehandler": "caseworker_id", "jobformidler": "job_broker_id"}


@dataclass(slots=True)
class BoardCard:
    """One citizen on the board."""

    citizen_id: str
    name: str
    cpr: str
    group: int | None = None
    column: BoardColumn | None = None
    #: When the citizen came into this column (the newest move in the move log).
    since: dt.datetime | None = None
    job_broker_id: str = ""
    job_broker: str = ""  # initials
    caseworker_id: str = ""
    caseworker: str = ""
    last_contact: dt.date | None = None
    hours_last_month: float | None = None
    hours_month_before: float | None = None
    stepup_due: bool = False
    no_cv: bool = False
    no_job_goal: bool = False
    absent: bool = False
    #: A step-up plan's planned start has passed without the offer started (set by storage).
    stepup_overdue: bool = False
    #: The column at the last meeting (None = not placed, NOT_AT_MEETING = not on the board).
    meeting_column: BoardColumn | str | None = NOT_AT_MEETING
    #: Moved since the last meeting (also to the same column and back).
    moved_since_meeting: bool = False
    #: For the citizen register: the entry date and the offer under way (a PeriodKind value).
    entry_date: dt.date | None = None
    current_offer: str = ""
    #: Set only for a citizen who has left the target group (the register can show them).
    exit_date: dt.date | None = None
    exit_reason: str = ""
    #: The name in lower case (what the search box compares with), and the sort key.
    search: str = field(init=False, default="", repr=False, compare=False)
    key: tuple[str, ...] = field(init=False, default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        self.search = self.name.lower()
        self.key = (self.search, self.cpr)

    @property
    def masked_cpr(self) -> str:
        return mask(self.cpr)

    def age(self, today: dt.date) -> int | None:
        try:
            return age_on(self.cpr, today)
        except ValueError:
            return None

    def days_in_column(self, today: dt.date) -> int | None:
        return None if self.since is None else max(0, (today - self.since.date()).days)

    def days_since_contact(self, today: dt.date) -> int | None:
        return None if self.last_contact is None else max(0, (today - self.last_contact).days)

    @property
    def hours_change(self) -> float | None:
        if self.hours_last_month is None:
            return None
        return self.hours_last_month - (self.hours_month_before or 0.0)

    @property
    def hours_up(self) -> bool:
        return self.hours_last_month is not None and self.hours_last_month > (
            self.hours_month_before or 0.0
        )

    @property
    def changed_since_meeting(self) -> bool:
        """A new column since the last meeting, or moved meanwhile (a meeting exists)."""
        return self.meeting_column != self.column or self.moved_since_meeting

    def lane(self, by: str) -> str:
        return getattr(self, LANE_FIELDS[by]) if by else ""


#: The flags a card can carry (BoardCard's bool fields), in the order a card shows them.
FLAGS = ("stepup_due", "no_cv", "no_job_goal", "absent", "stepup_overdue")


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What the board shows. Empty fields filter nothing."""

    text: str = ""  # in the name, or the CPR number's digits
    job_broker_id: str = ""
    caseworker_id: str = ""
    group: int | None = None
    flag: str = ""  # one of FLAGS
    mine: str = ""  # a staff id: citizens with that person as job broker or caseworker
    changed_since_meeting: bool = False
    min_days_in_column: int | None = None  # more than this many days in the column
    hours_up: bool = False

    @property
    def active(self) -> bool:
        return self != BoardFilter()

    def _terms(self) -> tuple[str, list[str]] | None:
        """The search text: ("cpr", [digits]) or ("name", [words]); None when empty."""
        text = self.text.strip().lower()
        if not text:
            return None
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and len(digits) == len(text.replace("-", "").replace(" ", "")):
            return "cpr", [digits]
        return "name", text.split()

    def matcher(
        self, today: dt.date, has_meeting: bool = True
    ) -> Callable[[BoardCard], bool] | None:
        """A test for one card (only the checks that apply); None when nothing is filtered."""
        checks: list[Callable[[BoardCard], bool]] = []
        terms = self._terms()
        if terms is not None:
            kind, words = terms
            if kind == "cpr":
                digits = words[0]
                checks.append(lambda c: digits in c.cpr)
            elif len(words) == 1:
                word = words[0]
                checks.append(lambda c: word in c.search)
            else:
                checks.append(lambda c: all(word in c.search for word in words))
        if self.job_broker_id:
            checks.append(lambda c: c.job_broker_id == self.job_broker_id)
        if self.caseworker_id:
            checks.append(lambda c: c.caseworker_id == self.caseworker_id)
        if self.group is not None:
            checks.append(lambda c: c.group == self.group)
        if self.flag:
            flag = self.flag
            checks.append(lambda c: getattr(c, flag))
        if self.mine:
            mine = self.mine
            checks.append(lambda c: c.job_broker_id == mine or c.caseworker_id == mine)
        if self.changed_since_meeting:
            checks.append(lambda c: has_meeting and c.changed_since_meeting)
        if self.min_days_in_column is not None:
            limit = self.min_days_in_column
            checks.append(lambda c: (c.days_in_column(today) or 0) > limit)
        if self.hours_up:
            checks.append(lambda c: c.hours_up)
        if not checks:
            return None
        if len(checks) == 1:
            return checks[0]
        return lambda c: all(check(c) for check in checks)

    def selector(
        self, today: dt.date, has_meeting: bool = True
    ) -> Callable[[list[BoardCard]], list[BoardCard]] | None:
        """What picks the cards the filter lets through out of a list, in order; None when
        nothing is filtered. Typing in the search box is the common case: one word or CPR
        digits alone are tested inline, with no function called per card."""
        terms = self._terms()
        if terms is not None and len(terms[1]) == 1 and replace(self, text="") == BoardFilter():
            kind, (term,) = terms
            if kind == "cpr":
                return lambda cards: [c for c in cards if term in c.cpr]
            return lambda cards: [c for c in cards if term in c.search]
        test = self.matcher(today, has_meeting)
        return None if test is None else (lambda cards: [c for c in cards if test(c)])

    def apply(
        self, cards: Sequence[BoardCard], today: dt.date, has_meeting: bool = True
    ) -> list[BoardCard]:
        """The cards the filter lets through, in their order."""
        select = self.selector(today, has_meeting)
        return list(cards) if select is None else select(list(cards))


# --- the layout ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """An empty place in a lane (so the lanes line up across the columns)."""

    lane: str


@dataclass(frozen=True, slots=True)
class Summary:
    """A collapsed lane's cell: how many cards it holds."""

    lane: str
    count: int


Entry = BoardCard | Slot | Summary


@dataclass(slots=True)
class Lane:
    key: str  # a staff id, or "" (none)
    label: str
    collapsed: bool = False
    cells: dict[BoardColumn | None, list[BoardCard]] = field(default_factory=dict)
    #: The rows the lane takes in every column now (kept in step while cards move).
    rows: int = 1

    def count(self, column: BoardColumn | EllipsisType | None = ...) -> int:
        """The cards in ``column``; without one, in every column."""
        if column is ...:
            return sum(len(cards) for cards in self.cells.values())
        return len(self.cells.get(column, ()))

    @property
    def needed(self) -> int:
        """The rows its cells need: the fullest cell, at least one; one when collapsed."""
        if self.collapsed:
            return 1
        return max([1, *(len(cards) for cards in self.cells.values())])


#: One row change in one column: ("insert", row, entry) or ("remove", row, None) or
#: ("update", row, entry) (the same row shows something else, e.g. a summary's count).
Change = tuple[str, int, object]


def _sort_key(card: BoardCard) -> tuple[str, ...]:
    return card.key


#: Cards by lane key ("" without lanes, or for those without one) and column, in board order.
Groups = dict[str, dict[BoardColumn | None, list[BoardCard]]]


def group_cards(cards: Iterable[BoardCard], lane_by: str) -> Groups:
    """The cards by lane and column, each cell in the cards' order (one pass)."""
    if not lane_by:  # one lane: no lane to look up per card
        cells: dict[BoardColumn | None, list[BoardCard]] = {c: [] for c in COLUMNS}
        for card in cards:
            cells[card.column].append(card)
        return {"": cells} if any(cells.values()) else {}
    lane_of = attrgetter(LANE_FIELDS[lane_by])
    groups: Groups = {}
    for card in cards:
        key = lane_of(card)
        lane = groups.get(key)
        if lane is None:
            lane = groups[key] = {c: [] for c in COLUMNS}
        lane[card.column].append(card)
    return groups


def filter_groups(
    groups: Groups, select: Callable[[list[BoardCard]], list[BoardCard]] | None
) -> Groups:
    """The cards ``select`` (BoardFilter.selector) picks from each cell, all for None, still
    grouped — a filter without grouping the cards again; a lane left empty goes, as when grouped
    afresh. The cells are new lists (a layout changes its cells as cards move)."""
    kept: Groups = {}
    for key, cells in groups.items():
        if select is None:
            kept[key] = {column: cards.copy() for column, cards in cells.items()}
            continue
        shown = {column: select(cards) for column, cards in cells.items()}
        if any(shown.values()):
            kept[key] = shown
    return kept


def move_in_groups(
    groups: Groups, card: BoardCard, lane_by: str, was: tuple[str, BoardColumn | None]
) -> None:
    """Keep grouped cards (group_cards) in step with a card that has moved: ``was`` is its lane
    key and column before. It goes to its place in name order; a lane left empty goes."""
    now = (card.lane(lane_by), card.column)
    if now == was:
        return
    cells = groups[was[0]][was[1]]
    i = bisect.bisect_left(cells, card.key, key=_sort_key)
    while cells[i] is not card:  # cards with the same name and CPR: the very one
        i += 1
    del cells[i]
    if not any(groups[was[0]].values()):
        del groups[was[0]]
    target = groups.setdefault(now[0], {c: [] for c in COLUMNS})[now[1]]
    target.insert(bisect.bisect_right(target, card.key, key=_sort_key), card)


class BoardLayout:
    """Lanes of cards per column, in order, and the rows they take."""

    def __init__(
        self,
        cards: Iterable[BoardCard],
        lane_by: str = "",
        lane_labels: dict[str, str] | None = None,
        collapsed: Iterable[str] = (),
        presorted: bool = False,
        groups: Groups | None = None,
    ) -> None:
        """The layout of ``cards`` (sorted here unless ``presorted``) — or of ``groups``, the
        cards already grouped by lane and column (group_cards, filter_groups; then ``cards`` is
        not read). The layout owns the groups' lists from then on."""
        self.lane_by = lane_by
        collapsed = set(collapsed)
        labels = lane_labels or {}
        if groups is None:
            groups = group_cards(cards if presorted else sorted(cards, key=_sort_key), lane_by)
        lanes = [
            Lane(key, labels.get(key, ""), key in collapsed, cells) for key, cells in groups.items()
        ]
        # Lanes in the order of their labels, "none" last.
        self.lanes: list[Lane] = sorted(
            lanes, key=lambda lane: (lane.key == "", lane.label.lower(), lane.key)
        )
        for lane in self.lanes:
            lane.rows = lane.needed
        self._index = {lane.key: i for i, lane in enumerate(self.lanes)}

    # --- reading ------------------------------------------------------------------------------
    def lane(self, key: str) -> Lane | None:
        i = self._index.get(key)
        return None if i is None else self.lanes[i]

    def offset(self, key: str) -> int:
        """The first row of a lane (in every column)."""
        row = 0
        for lane in self.lanes:
            if lane.key == key:
                return row
            row += lane.rows
        raise KeyError(key)

    @property
    def rows(self) -> int:
        return sum(lane.rows for lane in self.lanes)

    def entries(self, column: BoardColumn | None) -> list[Entry]:
        """Column's rows, top to bottom."""
        out: list[Entry] = []
        for lane in self.lanes:
            out.extend(self._section(lane, column))
        return out

    def _section(self, lane: Lane, column: BoardColumn | None) -> list[Entry]:
        if lane.collapsed:
            return [Summary(lane.key, lane.count(column))]
        cards = lane.cells[column]
        return [*cards, *([Slot(lane.key)] * (lane.rows - len(cards)))]

    def count(self, column: BoardColumn | None) -> int:
        return sum(lane.count(column) for lane in self.lanes)

    def lane_at(self, row: int) -> Lane | None:
        """The lane a row belongs to."""
        start = 0
        for lane in self.lanes:
            if start <= row < start + lane.rows:
                return lane
            start += lane.rows
        return None

    def position(self, card: BoardCard) -> tuple[str, int] | None:
        """(lane key, row) of a card shown on the board; None when not shown (collapsed lane or
        filtered out)."""
        lane = self.lane(card.lane(self.lane_by))
        if lane is None or lane.collapsed:
            return None
        cards = lane.cells[card.column]
        for i, other in enumerate(cards):
            if other is card:
                return lane.key, self.offset(lane.key) + i
        return None

    # --- moving -------------------------------------------------------------------------------
    def move(
        self, card: BoardCard, to: BoardColumn | None, to_lane: str | None = None
    ) -> dict[BoardColumn | None, list[Change]]:
        """Move a shown card to another column (and lane), and return the row changes per
        column, in the order to apply them. The card's own fields are not touched (the caller
        sets ``column``, and the lane's staff, after it is written)."""
        changes: dict[BoardColumn | None, list[Change]] = {c: [] for c in COLUMNS}
        source_key = card.lane(self.lane_by)
        source = self.lane(source_key)
        if source is None:
            raise KeyError("the card is not on the board")
        target_key = source_key if to_lane is None else to_lane
        target = self.lane(target_key)
        if target is None:
            raise KeyError(f"no lane {target_key!r}")
        a = card.column
        if a == to and source is target:
            return changes
        # 1. Out of the source cell; an empty slot takes its place at the end of the section.
        cards = source.cells[a]
        i = next(k for k, other in enumerate(cards) if other is card)
        if source.collapsed:
            raise KeyError("the card is in a collapsed lane")
        row = self.offset(source_key) + i
        cards.pop(i)
        changes[a].append(("remove", row, None))
        changes[a].append(("insert", self.offset(source_key) + source.rows - 1, Slot(source_key)))
        # 2. Into the target cell, in name order; a slot goes, or the lane grows everywhere.
        cells = target.cells[to]
        j = bisect.bisect_right(cells, card.key, key=_sort_key)
        cells.insert(j, card)
        base = self.offset(target_key)
        if target.collapsed:
            changes[to].append(("update", base, Summary(target_key, len(cells))))
        else:
            changes[to].append(("insert", base + j, card))
            if len(cells) <= target.rows:
                changes[to].append(("remove", base + target.rows, None))  # its last slot
            else:
                for column in COLUMNS:
                    if column != to:
                        changes[column].append(("insert", base + target.rows, Slot(target_key)))
                target.rows += 1
        # 3. An emptied lane goes (as in a layout built afresh); else the source lane may need
        #    a row less: every column's last row of it is then a slot.
        if source is not target and source.count() == 0:
            start = self.offset(source_key)
            for _ in range(source.rows):
                for column in COLUMNS:
                    changes[column].append(("remove", start, None))
            self.lanes.remove(source)
            self._index = {lane.key: i for i, lane in enumerate(self.lanes)}
            return changes
        while source.rows > source.needed:
            source.rows -= 1
            end = self.offset(source_key) + source.rows
            for column in COLUMNS:
                changes[column].append(("remove", end, None))
        return changes


def apply_changes(rows: list[Any], changes: Sequence[Change]) -> None:
    """Apply one column's changes to a plain list (what a model does with begin/end calls)."""
    for kind, row, entry in changes:
        if kind == "insert":
            rows.insert(row, entry)
        elif kind == "remove":
            del rows[row]
        else:
            rows[row] = entry
