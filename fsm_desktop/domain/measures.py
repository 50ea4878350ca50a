"""The measures engine: the initiative's target measures, counted the way STAR counts them.

Pure Python. Storage hands it the facts (:class:`FactRows`, or :class:`Facts` as objects:
citizens with their periods, paid hours and assignments, and the staff); :func:`compute` returns, for every measure of the
template and every measurement period in a range, numerator, denominator, share, thresholds
and whether they are met — and, on demand, the citizens behind both numbers with the reason
each counts (:meth:`MeasureResult.members`).

Every rule is written down, with its source, in docs/measures.md; the tests check each one by
hand and against a slow day-by-day reference implementation (tests/domain/measures_reference.py).

How it is fast: storage hands over plain rows (:class:`FactRows`), not an object per row. One
pass over them turns every citizen's facts into bit masks over the months of the range (bit i =
the i-th month, or the quarter starting at it); numerator and denominator are masks too, and
counting is counting bits. The masks are kept, so a drill-down uses exactly the numbers shown.

A measure that counts a snapshot fact (an assignment to a job broker or a caseworker) has no
data in a period that ends before the project's first registration of it
(:attr:`MeasureResult.no_data`): a missing registration is not a "no".
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from fsm_desktop.domain.caseload import FULL_TIME_HOURS, counts_in_caseload

# The caseload arithmetic (a full-time week of 37 hours; who counts) is shared with the
# Medarbejdere page (docs/caseload.md).
from fsm_desktop.domain.danish import date_dots, date_text, month_name, number
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    PAID_HOURS,
    ExitReason,
    IsoDates,
    PeriodKind,
    StaffRole,
)
from fsm_desktop.domain.program import MeasureSpec, ProgramTemplate, Threshold

#: The source "had a job broker assigned" (FSM Frontrunner).
JOB_BROKER = "jobformidler"
#: The caseworker assignments HIR's caseload counts.
CASEWORKER = "sagsbehandler"
_RESSOURCEFORLOEB = PeriodKind.RESSOURCEFORLOEB.value


# --- months, quarters and ISO weeks -------------------------------------------------------------


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2020-03"`` → Month(2020, 3); raises ValueError."""
        year, _, month = text.strip().partition("-")
        if len(year) != 4 or not year.isdigit() or not month.isdigit() or not 1 <= int(month) <= 12:
            raise ValueError(text)
        return cls(int(year), int(month))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, months: int) -> Month:
        return Month.from_index(self.index - months)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return (self + 1).first - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def first_iso_week(month: Month) -> tuple[dt.date, dt.date]:
    """The month's first ISO week: the Monday–Sunday week whose Thursday lies in the month
    (ISO 8601 assigns a week to the month of its Thursday). January 2020 → 30 Dec 2019–5 Jan."""
    first = month.first
    thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return thursday - dt.timedelta(days=3), thursday + dt.timedelta(days=3)


def baseline_week(template: ProgramTemplate) -> tuple[dt.date, dt.date]:
    """The baseline month's first ISO week (BIR: 30 December 2019 – 5 January 2020)."""
    return first_iso_week(Month.of(template.baseline_date))


def last_iso_week(month: Month) -> tuple[dt.date, dt.date]:
    """The month's last ISO week: the week whose Thursday is the month's last Thursday.
    March 2020 → 23–29 March (the week of 31 March has its Thursday in April)."""
    last = month.last
    thursday = last - dt.timedelta(days=(last.weekday() - 3) % 7)
    return thursday - dt.timedelta(days=3), thursday + dt.timedelta(days=3)


# --- the facts the engine needs -----------------------------------------------------------------


@dataclass(slots=True)
class Span:
    """A dated stretch: a period of some kind, or an assignment. ``end`` None = ongoing."""

    kind: str  # a PeriodKind value, or "jobformidler"/"sagsbehandler" for assignments
    start: dt.date
    end: dt.date | None = None
    staff_id: str | None = None
    note: str = ""

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= last and (self.end is None or self.end >= first)


@dataclass(slots=True)
class CitizenFacts:
    id: str
    name: str = ""
    group: int | None = None
    entry_date: dt.date | None = None
    exit_date: dt.date | None = None
    exit_reason: ExitReason | None = None
    periods: list[Span] = field(default_factory=list)
    paid_hours: dict[str, float] = field(default_factory=dict)  # "YYYY-MM" -> hours
    assignments: list[Span] = field(default_factory=list)  # kind = jobformidler / sagsbehandler
    birth_date: dt.date | None = None  # for a target group with a minimum age (FSM2: over 30)

    def left_by(self, day: dt.date) -> bool:
        """Left the target group (moved away, retired, died) on or before ``day``."""
        return (
            self.exit_date is not None
            and self.exit_reason in LEAVING_REASONS
            and self.exit_date <= day
        )


@dataclass(frozen=True, slots=True)
class StaffFacts:
    id: str
    initials: str
    role: StaffRole
    hours_per_week: float


@dataclass(slots=True)
class Facts:
    """The facts as objects with dates: readable, and how tests state a history."""

    citizens: list[CitizenFacts]
    staff: dict[str, StaffFacts] = field(default_factory=dict)

    def rows(self) -> FactRows:
        """The same facts as plain rows (the engine's working form)."""

        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day is not None else None

        citizens = self.citizens
        return FactRows(
            citizens=[
                (c.id, c.name, c.group, iso(c.entry_date), iso(c.exit_date), c.exit_reason)
                for c in citizens
            ],
            periods=[(c.id, s.kind, iso(s.start), iso(s.end)) for c in citizens for s in c.periods],
            paid_hours=[
                (c.id, month, hours) for c in citizens for month, hours in c.paid_hours.items()
            ],
            assignments=[
                (c.id, s.staff_id, s.kind, iso(s.start), iso(s.end))
                for c in citizens
                for s in c.assignments
            ],
            staff=self.staff,
            births={c.id: c.birth_date.isoformat() for c in citizens if c.birth_date is not None},
            objects={c.id: c for c in citizens},
        )


@dataclass(slots=True)
class FactRows:
    """The facts as plain rows, the form storage reads them in: at 20,000 citizens, making an
    object per row would cost as much again as reading the rows. Dates are ISO text
    ("YYYY-MM-DD", which sorts as the dates do), months "YYYY-MM", an open end None.

    - citizens: (id, name, group, entry, exit, exit_reason)
    - periods: (citizen_id, kind, start, end)
    - paid_hours: (citizen_id, month, hours)
    - assignments: (citizen_id, staff_id, role, start, end)
    - births: citizen id → birth date, when the target group has a minimum age
    """

    citizens: Sequence[tuple[Any, ...]]
    periods: Sequence[tuple[Any, ...]] = ()
    paid_hours: Sequence[tuple[Any, ...]] = ()
    assignments: Sequence[tuple[Any, ...]] = ()
    staff: dict[str, StaffFacts] = field(default_factory=dict)
    births: Mapping[str, str] | None = None
    #: citizen id → CitizenFacts, built on first use (drill-down reasons, windows that start or
    #: end mid-month); given when the rows were made from objects.
    objects: dict[str, CitizenFacts] | None = field(default=None, repr=False, compare=False)
    #: target_group_entries per target-group rule: the engine and the status sheet count the
    #: same rows.
    entries: dict[tuple[Any, ...], list[str | None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def citizen_facts(self) -> dict[str, CitizenFacts]:
        if self.objects is None:
            dates = IsoDates()
            day = dates.of
            objects = {
                cid: CitizenFacts(
                    cid,
                    name,
                    group,
                    day(entry),
                    day(exit_date),
                    ExitReason(reason) if reason else None,
                )
                for cid, name, group, entry, exit_date, reason in self.citizens
            }
            for cid, kind, start, end in self.periods:
                objects[cid].periods.append(Span(kind, dates[start], day(end)))
            for cid, month, hours in self.paid_hours:
                objects[cid].paid_hours[month] = hours
            for cid, staff_id, role, start, end in self.assignments:
                objects[cid].assignments.append(Span(role, dates[start], day(end), staff_id))
            for cid, born in (self.births or {}).items():
                if cid in objects:
                    objects[cid].birth_date = day(born)
            self.objects = objects
        return self.objects


@dataclass(frozen=True, slots=True)
class FactsNeeded:
    """What a template's measures read, so that storage fetches nothing else (a 20,000-citizen
    project holds some 200,000 rows; FSM2 needs under half of them). Every citizen is always
    handed over, with group, entry and exit."""

    #: Periods of these kinds, for every citizen.
    period_kinds: frozenset[str]
    #: Periods of these kinds, needed only when some citizen has no entry date: then the first
    #: of them is the entry into the target group (:func:`target_group_entries`).
    entry_benefits: frozenset[str]
    paid_hours: bool
    #: Assignments in these roles (jobformidler / sagsbehandler).
    assignment_roles: frozenset[str]
    #: The citizens' birth dates (the target group has a minimum age).
    births: bool = False


def facts_needed(template: ProgramTemplate) -> FactsNeeded:
    kinds: set[str] = set()
    entry_benefits: set[str] = set()
    roles: set[str] = set()
    paid_hours = births = False
    for spec in template.measures:
        rule = spec.population.rule
        if spec.kind == "caseload" or rule == "caseload":
            roles.add("sagsbehandler")
            kinds.add(PeriodKind.RESSOURCEFORLOEB.value)  # the registration lasts while in it
        if rule == "target_group":
            for_all, with_births = target_group_needs(template)
            (kinds if for_all else entry_benefits).update(
                kind.value for kind in template.target_group.benefits
            )
            births = births or with_births
        elif rule in ("bir_rolling_quarter", "seniority_one_year"):
            kinds.add(PeriodKind.RESSOURCEFORLOEB.value)
        kinds.update(kind.value for kind in spec.population.exclude_markings)
        kinds.update(kind.value for kind in spec.never_qualifying)
        for source in spec.qualifying:
            if source == PAID_HOURS:
                paid_hours = True
            elif source == JOB_BROKER:
                roles.add(JOB_BROKER)
            else:
                kinds.add(source)
    return FactsNeeded(
        frozenset(kinds), frozenset(entry_benefits - kinds), paid_hours, frozenset(roles), births
    )


def every_fact() -> FactsNeeded:
    """Every row any template's measures can read (the initiative editor's preview counts
    templates that change as the user types, on rows read once)."""
    return FactsNeeded(
        frozenset(kind.value for kind in PeriodKind),
        frozenset(),
        True,
        frozenset((JOB_BROKER, "sagsbehandler")),
        True,
    )


def target_group_needs(template: ProgramTemplate) -> tuple[bool, bool]:
    """What :func:`target_group_entries` reads besides the citizens: whether it needs the
    target group's benefit periods of every citizen (else only of those without an entry
    date), and whether the birth dates."""
    tg = template.target_group
    return tg.entry == SINCE_BASELINE, bool(tg.min_age)


# --- snapshot facts: no data before their first registration ---------------------------------------

#: Facts registered as a state from a day on (an assignment), not as events: before the
#: project's first registration of one, its absence says nothing (docs/measures.md, "No data
#: before the first registration").
SNAPSHOT_ROLES = (JOB_BROKER, CASEWORKER)
#: Each snapshot fact in a Danish sentence: "projektets første registrering af …".
SNAPSHOT_LABELS = {JOB_BROKER: "en jobformidler", CASEWORKER: "en sagsbehandler"}


def snapshot_facts(spec: MeasureSpec) -> tuple[str, ...]:
    """The snapshot facts a measure's counting depends on: an assignment role among its
    qualifying sources (Frontrunner's job broker), and the caseworker assignments of a
    caseload. A period that ends before the project's first registration of one of them has no
    data (a missing registration is not a "no"). The status sheet's snapshot facts (CV på
    Jobnet, jobmål) cannot be a measure's source: the template refuses a kind that is not a
    period kind, paid hours or a job broker (domain.program)."""
    facts = [source for source in spec.qualifying if source in SNAPSHOT_ROLES]
    if (spec.kind == "caseload" or spec.population.rule == "caseload") and CASEWORKER not in facts:
        facts.append(CASEWORKER)
    return tuple(facts)


def first_registrations(rows: FactRows, roles: Iterable[str]) -> dict[str, str | None]:
    """Role → the earliest start (ISO) of an assignment in that role among ``rows`` (the
    project's first registration of it); None: the project has none."""
    wanted = frozenset(roles)
    first: dict[str, str | None] = dict.fromkeys(wanted)
    if wanted:
        for _cid, _staff, role, start, _end in rows.assignments:
            if role in wanted:
                found = first[role]
                if found is None or start < found:
                    first[role] = start
    return first


def no_data_reason(spec: MeasureSpec, registrations: Mapping[str, str | None]) -> str:
    """Why a period of ``spec`` has no data, in Danish for the user (``registrations``: the
    report's :attr:`Report.first_registrations`)."""
    parts = []
    for fact in snapshot_facts(spec):
        label = SNAPSHOT_LABELS.get(fact, fact)
        day = registrations.get(fact)
        if day is None:
            parts.append("projektet har ingen registrering af {label}".format(label=label))
        else:
            parts.append(
                "perioden slutter før projektets første registrering af {label} ({day})".format(
                    label=label, day=_d(dt.date.fromisoformat(day))
                )
            )
    return "Ingen data: {parts}. En manglende registrering er ikke et »nej«.".format(
        parts="; ".join(parts)
    )


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    threshold: Threshold
    met: bool | None  # None: the period has no data (:attr:`MeasureResult.no_data`)


@dataclass(frozen=True, slots=True)
class Member:
    """One citizen behind a number, with the reason they count (Danish, for the user)."""

    citizen_id: str
    name: str
    reason: str


@dataclass(slots=True)
class MeasureResult:
    spec: MeasureSpec
    period_start: Month
    period_end: Month
    numerator: float
    denominator: float
    thresholds: tuple[ThresholdResult, ...]
    #: The period ended before the project's first registration of a fact the measure counts
    #: (:func:`snapshot_facts`): a missing registration is not a "no", so the period has no
    #: share and is neither met nor missed. Numerator and denominator stay as counted.
    no_data: bool = False
    _run: _MeasureRun | None = field(default=None, repr=False, compare=False)
    _position: int = field(default=0, repr=False, compare=False)

    @property
    def measure(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        """ "2020-03" for a month, "2020-01 – 2020-03" for a quarter or a period."""
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start} – {self.period_end}"

    @property
    def share(self) -> float | None:
        """numerator / denominator (for caseload: citizens per full-time caseworker); None
        when the denominator is 0, or the period has no data (:attr:`no_data`)."""
        if not self.denominator or self.no_data:
            return None
        return self.numerator / self.denominator

    @property
    def primary(self) -> ThresholdResult | None:
        """The threshold that decides "met": the easiest one (lowest for at_least, highest
        for at_most); None when the template sets no threshold (a local goal)."""
        if not self.thresholds:
            return None
        if self.spec.direction == "at_least":
            return min(self.thresholds, key=lambda t: t.threshold.value)
        return max(self.thresholds, key=lambda t: t.threshold.value)

    @property
    def threshold(self) -> float | None:
        primary = self.primary
        return primary.threshold.value if primary else None

    @property
    def met(self) -> bool | None:
        """Whether the primary threshold is met; None without a threshold or without data."""
        primary = self.primary
        return primary.met if primary else None

    def members(self) -> tuple[list[Member], list[Member]]:
        """(numerator, denominator): the citizens behind both numbers, with reasons."""
        if self._run is None:
            return [], []
        return self._run.members(self._position)

    def bits(self) -> tuple[Sequence[tuple[Any, ...]], Sequence[int], Sequence[int], int]:
        """The counts as bits, to count them by group (domain/breakdown.py): the citizen rows
        (id first), each citizen's numerator and denominator masks over all the measure's
        periods (shared by its results; bit k = period k), and this result's k. Caseload has
        numerator masks only (its denominator is full-time caseworkers)."""
        if self._run is None:
            return (), (), (), 0
        return self._run.ctx.rows.citizens, self._run.nums, self._run.dens, self._position


def _meets(spec: MeasureSpec, numerator: float, denominator: float, value: float) -> bool:
    """Exact comparison (no float rounding: 3/20 is exactly 15 %)."""
    if not denominator:
        return False
    share = (
        Fraction(numerator) / Fraction(denominator)
        if isinstance(numerator, int) and isinstance(denominator, int)
        else Fraction(str(numerator)) / Fraction(str(denominator))
    )
    limit = Fraction(str(value))
    return share >= limit if spec.direction == "at_least" else share <= limit


# --- the engine --------------------------------------------------------------------------------

#: Months before the range that a measure looks back at (HIR: active in the last 12 months).
_LOOKBACK = 11


def _bits(first_index: int, last_index: int, n: int) -> int:
    """A mask with bits first..last set, clipped to 0..n-1."""
    if first_index < 0:
        first_index = 0
    if last_index > n - 1:
        last_index = n - 1
    if last_index < first_index:
        return 0
    return (2 << last_index) - (1 << first_index)


def _column_counts(masks: Iterable[int], width: int) -> list[int]:
    """How many of the masks have bit i set, for each i < width (masks must be < 2**width).

    The masks are laid side by side in one long integer, ``width`` rounded up to whole bytes
    apart, so a bit's count is one shift, one AND and one popcount over all citizens at once
    — some 50 times faster than visiting every citizen's bits in Python."""
    if width <= 0:
        return []
    size = (width + 7) // 8
    present = [mask.to_bytes(size, "little") for mask in masks if mask]
    if not present:
        return [0] * width
    together = int.from_bytes(b"".join(present), "little")
    ones = int.from_bytes((b"\x01" + bytes(size - 1)) * len(present), "little")
    return [((together >> i) & ones).bit_count() for i in range(width)]


class _MonthOf(dict[str, int]):
    """ISO date or month text → month index (year × 12 + month − 1), each text parsed once."""

    def __missing__(self, text: str) -> int:
        index = self[text] = int(text[:4]) * 12 + int(text[5:7]) - 1
        return index


class _LastMonthEndBy(dict[str, int]):
    """ISO date → index of the last month whose last day is on or before it."""

    def __missing__(self, text: str) -> int:
        day = dt.date.fromisoformat(text)
        index = day.year * 12 + day.month - 1
        if (day + dt.timedelta(days=1)).day != 1:
            index -= 1
        self[text] = index
        return index


class _Context:
    """What the measures of one run share, made in one pass over the rows: the range
    [base, base + n) and, per citizen (in the order of ``rows.citizens``), the months touched
    by each set of sources a measure counts (its qualifying sources, its never-qualifying ones,
    its excluding markings) — period kinds, paid hours > 0, job-broker assignments — as bit
    masks over the range and the ``_LOOKBACK`` months before it (bit j = month
    ``base - _LOOKBACK + j``); the entries into the target group (:attr:`entries`); the
    ressourceforløb periods; and denominators that several measures share.

    A row ORs its months straight into the mask list of every source set its kind belongs to
    (:meth:`masks`), so a measure reads one integer per citizen instead of uniting the sources
    citizen by citizen."""

    def __init__(
        self, template: ProgramTemplate, rows: FactRows, first: Month, last: Month
    ) -> None:
        self.template = template
        self.rows = rows
        self.first = first
        self.last = last
        self.base = first.index
        self.n = last.index - first.index + 1
        self.ext_base = self.base - _LOOKBACK
        self.width = self.n + _LOOKBACK
        self.month_of = _MonthOf()
        self.last_month_end_by = _LastMonthEndBy()
        self.shared: dict[tuple[Any, ...], list[int]] = {}
        self.index = {row[0]: i for i, row in enumerate(rows.citizens)}
        count = len(rows.citizens)
        self._zeros = [0] * count
        #: source set → per citizen, the months any of the sources touches.
        self._masks: dict[frozenset[str], list[int]] = {}
        #: source → the mask lists it adds to.
        slots: dict[str, list[list[int]]] = {}
        for spec in template.measures:
            for sources in (
                spec.qualifying,
                [kind.value for kind in spec.never_qualifying],
                [kind.value for kind in spec.population.exclude_markings],
            ):
                key = frozenset(sources)
                if key and key not in self._masks:
                    masks = self._masks[key] = [0] * count
                    for source in key:
                        slots.setdefault(source, []).append(masks)
        rules = {spec.population.rule for spec in template.measures}
        #: (start, end) of each ressourceforløb period (ISO).
        self.ressourceforloeb: list[list[tuple[str, str | None]] | None] = [None] * count
        self._scan_periods(
            rows.periods,
            slots,
            bool(rules & {"bir_rolling_quarter", "seniority_one_year", "caseload"}),
        )
        if PAID_HOURS in slots:
            self._scan_paid_hours(slots[PAID_HOURS])
        if JOB_BROKER in slots:  # a job-broker assignment touches months as a period does
            brokers = (
                (cid, role, start, end) for cid, _staff, role, start, end in rows.assignments
            )
            self._scan_periods(brokers, {JOB_BROKER: slots[JOB_BROKER]}, False)

    @property
    def entries(self) -> list[str | None]:
        """Per citizen, the entry into the target group (:func:`target_group_entries`, worked
        out once per rows)."""
        return target_group_entries(self.template, self.rows)

    def masks(self, sources: Iterable[str]) -> list[int]:
        """Per citizen, the months (bit masks) touched by any of ``sources``."""
        return self._masks.get(frozenset(sources), self._zeros)

    def _scan_periods(
        self,
        periods: Iterable[tuple[Any, ...]],
        slots: dict[str, list[list[int]]],
        ressourceforloeb: bool,
    ) -> None:
        """One pass over (citizen_id, kind, start, end) rows."""
        index, month_of = self.index, self.month_of
        rf_spans = self.ressourceforloeb
        ext_base, top = self.ext_base, self.width - 1
        rf = _RESSOURCEFORLOEB
        slots_of = slots.get
        # Rows mostly come citizen by citizen: look the citizen up only when it changes.
        last_cid, i = None, -1
        for cid, kind, start, end in periods:
            targets = slots_of(kind)
            if targets is not None:
                lo = month_of[start] - ext_base
                hi = top if end is None else month_of[end] - ext_base
                if lo < 0:
                    lo = 0
                if hi > top:
                    hi = top
                if hi >= lo:
                    if cid != last_cid:
                        last_cid, i = cid, index[cid]
                    mask = (2 << hi) - (1 << lo)
                    for masks in targets:
                        masks[i] |= mask
            if ressourceforloeb and kind == rf:
                if cid != last_cid:
                    last_cid, i = cid, index[cid]
                spans = rf_spans[i]
                if spans is None:
                    rf_spans[i] = [(start, end)]
                else:
                    spans.append((start, end))

    def _scan_paid_hours(self, targets: list[list[int]]) -> None:
        index, month_of, ext_base, width = self.index, self.month_of, self.ext_base, self.width
        last_cid, i = None, -1
        for cid, month, hours in self.rows.paid_hours:
            if hours > 0:
                j = month_of[month] - ext_base
                if 0 <= j < width:
                    if cid != last_cid:
                        last_cid, i = cid, index[cid]
                    bit = 1 << j
                    for masks in targets:
                        masks[i] |= bit

    def objects(self) -> list[CitizenFacts]:
        """The citizens as objects with dates, in row order."""
        by_id = self.rows.citizen_facts()
        return [by_id[row[0]] for row in self.rows.citizens]


def _leaves(exit_date: object, exit_reason: object) -> bool:
    """An exit that takes the citizen out of the target group (moved away, retired, died)."""
    return exit_date is not None and exit_reason in LEAVING_REASONS


#: The entry of a citizen who never enters the target group: after every day.
NEVER = "9999-12-31"
#: The target group's entry rule (``target_group.entry``) of BIR: in receipt in the baseline's
#: first ISO week, or entering later.
SINCE_BASELINE = "benefit_since_baseline"


def check_in_period(month: Month, first: Month, last: Month) -> None:
    """A month asked for (the command line's --from/--to/--month, the status sheet's month)
    must lie in the initiative's months ``first``..``last``: outside them nothing is counted
    for the initiative (a payout rule is met only in the project's period)."""
    if not first <= month <= last:
        raise ValidationError(
            "Måneden {month} ligger uden for indsatsens periode ({first} – {last}).",
            month=str(month),
            first=str(first),
            last=str(last),
        )


def turns_iso(born: str, years: int) -> str:
    """:func:`domain.model.reaches` on ISO text (20,000 citizens at a time): the day someone
    born on ``born`` turns ``years``; born 29 February, 1 March in a year without one."""
    year = int(born[:4]) + years
    if born[5:] == "02-29" and not calendar.isleap(year):
        return f"{year:04d}-03-01"
    return f"{year:04d}{born[4:]}"


def target_group_entries(template: ProgramTemplate, rows: FactRows) -> list[str | None]:
    """Per citizen (in the order of ``rows.citizens``), the day (ISO) they enter the target
    group; None: from the start; :data:`NEVER`: not at all. The one rule of "in the target
    group" for the measures (rule ``target_group``) and the status sheet (docs/measures.md):

    - the entry date; without one, the start of the first period of one of the target group's
      benefits that lasts into the initiative's start or begins later; a citizen whose benefit
      periods all ended before the start never enters (:data:`NEVER`: they received none of
      it in the initiative); without any period of those benefits, from the start (None);
    - entry ``benefit_since_baseline`` (BIR: in ressourceforløb in the first week of January
      2020, or entering later; seed 002 §11): the benefit periods alone decide, as in BIR's own
      denominator. The entry is the start of the first period that lasts into the baseline
      month's first ISO week or begins later; a citizen without such a period (all ended
      before that week, or none registered) never enters. The entry date is not used;
    - ``min_age`` (FSM2: over 30, i.e. 30 or older): not before the day the citizen turns that
      age (as :func:`domain.model.reaches`: born 29 February, 1 March in a year without one); a
      citizen without a known birth date is not held back.

    Leaving (moved away, retired, died) is the callers' part, as it ends the time inside."""
    tg = template.target_group
    key = (tg.entry, tg.min_age, tuple(tg.benefits), template.baseline_date, template.start)
    found = rows.entries.get(key)
    if found is None:
        found = rows.entries[key] = _target_group_entries(template, rows)
    return found


def _target_group_entries(template: ProgramTemplate, rows: FactRows) -> list[str | None]:
    tg = template.target_group
    citizens = rows.citizens
    benefits = {kind.value for kind in tg.benefits}
    since_baseline = tg.entry == SINCE_BASELINE
    first: dict[str, str] = {}  # the first benefit period that brings the citizen in
    ended: set[str] = set()  # citizens with a benefit period that ended before it counts
    if benefits and (since_baseline or any(row[3] is None for row in citizens)):
        # BIR: from the baseline month's first ISO week; the others: from the initiative's start.
        cutoff = (
            baseline_week(template)[0].isoformat() if since_baseline else template.start.isoformat()
        )
        for cid, kind, start, end in rows.periods:
            if kind in benefits:
                if end is not None and end < cutoff:
                    ended.add(cid)
                    continue
                found = first.get(cid)
                if found is None or start < found:
                    first[cid] = start
    births = rows.births if tg.min_age and rows.births else None
    years = tg.min_age or 0
    entries: list[str | None] = []
    for cid, _name, _group, entry, _exit, _reason in citizens:
        if since_baseline:
            entry = first.get(cid)
            if entry is None:
                entries.append(NEVER)
                continue
        elif entry is None:
            entry = first.get(cid)
            if entry is None and cid in ended:  # received the benefit only before the initiative
                entries.append(NEVER)
                continue
        if births is not None:
            born = births.get(cid)
            if born is not None:
                day = turns_iso(born, years)
                if entry is None or day > entry:
                    entry = day
        entries.append(entry)
    return entries


class _MeasureRun:
    """One measure over the range: the measurement periods and each citizen's masks. What is
    counted is the measure kind's (:data:`_KINDS`: one class per kind) and, for a share, its
    population rule's (:data:`_POPULATIONS`: one class per rule); the run holds what they
    share: the periods and the month masks' conversion to period masks."""

    def __init__(self, ctx: _Context, spec: MeasureSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        self.periods: list[tuple[Month, Month]] = []
        self.bounds: list[tuple[int, int]] = []
        self.numerators: Sequence[float] = []
        self.denominators: Sequence[float] = []
        # Per citizen (in row order): bit k set = in the numerator / denominator of period k.
        self.nums: list[int] = []
        self.dens: list[int] = []
        self._date_cache: dict[tuple[int, int], tuple[dt.date, dt.date]] = {}
        # Plain strings once, not enum attribute lookups per citizen.
        self._qualifying = tuple(spec.qualifying)
        self._never = tuple(kind.value for kind in spec.never_qualifying)
        self._excluded = tuple(kind.value for kind in spec.population.exclude_markings)
        self._evaluate()

    # --- which measurement periods ------------------------------------------------------------
    def _window_months(self) -> tuple[int, int]:
        """Index range (into the context's months) the measure may use: range ∩ window."""
        lo, hi = 0, self.ctx.n - 1
        if self.spec.window:
            lo = max(lo, Month.of(self.spec.window[0]).index - self.ctx.base)
            hi = min(hi, Month.of(self.spec.window[1]).index - self.ctx.base)
        return lo, hi

    def _period_bounds(self) -> list[tuple[int, int]]:
        lo, hi = self._window_months()
        if hi < lo:
            return []
        unit = self.spec.unit
        if unit == "month":
            return [(i, i) for i in range(lo, hi + 1)]
        if unit == "rolling_quarter":
            return [(i, i + 2) for i in range(lo, hi - 1)]
        return [(lo, hi)]  # "period": one measurement over the window within the range

    def last_day(self, k: int) -> str:
        """The last day (ISO) of measurement period k (a window may end mid-month)."""
        return self._dates(self.bounds[k])[1].isoformat()

    def _dates(self, bounds: tuple[int, int]) -> tuple[dt.date, dt.date]:
        found = self._date_cache.get(bounds)
        if found is None:
            first = Month.from_index(self.ctx.base + bounds[0]).first
            last = Month.from_index(self.ctx.base + bounds[1]).last
            if self.spec.unit == "period" and self.spec.window:
                first = max(first, self.spec.window[0])
                last = min(last, self.spec.window[1])
            found = self._date_cache[bounds] = (first, last)
        return found

    def _month_aligned(self, bounds: list[tuple[int, int]]) -> bool:
        """Every measurement period runs from a month's first day to a month's last day, so
        "touches the period" is the same at month and at day precision. Only a window that
        starts or ends mid-month (a user's copy of Frontrunner) needs the day-by-day path."""
        if self.spec.unit != "period":
            return True
        if self.spec.qualifying_from is not None and self.spec.qualifying_from.day != 1:
            return False
        for b in bounds:
            first, last = self._dates(b)
            if first.day != 1 or (last + dt.timedelta(days=1)).day != 1:
                return False
        return True

    def _qualifying_from_index(self, offset: int) -> int | None:
        """The month (index into the context's months) from which a qualifying source counts,
        when the measure says so (``qualifying_from``); None: from the period's start."""
        if self.spec.qualifying_from is None:
            return None
        return max(Month.of(self.spec.qualifying_from).index - self.ctx.base, -offset)

    def _to_periods(
        self, bounds: list[tuple[int, int]], offset: int, qualifying: bool = False
    ) -> Callable[[int], int]:
        """The function month mask → period mask (bit k: the mask touches period k), for
        masks whose bit 0 is month ``base - offset``. ``qualifying``: for a numerator's sources,
        whose "period" may start earlier (``qualifying_from``)."""
        lo = bounds[0][0] + offset
        period_mask = (1 << len(bounds)) - 1
        if self.spec.unit == "month":
            return lambda mask: (mask >> lo) & period_mask
        if self.spec.unit == "rolling_quarter":
            return lambda mask: ((mask | (mask >> 1) | (mask >> 2)) >> lo) & period_mask
        period_masks = self._period_masks(bounds, offset, qualifying)
        if len(period_masks) == 1:  # one measurement over the window (Frontrunner's year)
            only = period_masks[0][1]
            return lambda mask: 1 if mask & only else 0

        def to_periods(mask: int) -> int:
            result = 0
            for k, months in period_masks:
                if mask & months:
                    result |= 1 << k
            return result

        return to_periods

    def _period_masks(
        self, bounds: list[tuple[int, int]], offset: int, qualifying: bool
    ) -> list[tuple[int, int]]:
        """(k, the months of period k as a mask whose bit 0 is month ``base - offset``)."""
        earlier = self._qualifying_from_index(offset) if qualifying else None
        return [
            (
                k,
                _bits(
                    a + offset if earlier is None else min(a, earlier) + offset,
                    b + offset,
                    self.ctx.n + offset,
                ),
            )
            for k, (a, b) in enumerate(bounds)
        ]

    # --- evaluation and drill-down: the measure kind's ---------------------------------------------
    def _evaluate(self) -> None:
        bounds = self.bounds = self._period_bounds()
        self.periods = [
            (Month.from_index(self.ctx.base + a), Month.from_index(self.ctx.base + b))
            for a, b in bounds
        ]
        _KINDS.get(self.spec.kind, _Share)(self).evaluate(bounds)

    def shared(self, key: tuple[object, ...], make: Callable[[], list[int]]) -> list[int]:
        """A denominator computed once per run for every measure with the same rule."""
        found = self.ctx.shared.get(key)
        if found is None:
            found = self.ctx.shared[key] = make()
        return found

    def members(self, k: int) -> tuple[list[Member], list[Member]]:
        return _KINDS.get(self.spec.kind, _Share)(self).members(k)


# --- the measure kinds ---------------------------------------------------------------------------


class _Kind:
    """How one kind of measure counts its numerator and denominator over a run's periods, and
    who is behind them (:meth:`members`). Made for the one call, so it holds no state."""

    def __init__(self, run: _MeasureRun) -> None:
        self.run = run
        self.ctx = run.ctx

    def evaluate(self, bounds: list[tuple[int, int]]) -> None:
        raise NotImplementedError

    def members(self, k: int) -> tuple[list[Member], list[Member]]:
        raise NotImplementedError


class _Share(_Kind):
    """``share``: of the denominator (the population rule's citizens), those whom a qualifying
    source touches in the period and no never-qualifying one does."""

    def evaluate(self, bounds: list[tuple[int, int]]) -> None:
        if not bounds:
            return
        run = self.run
        aligned = run._month_aligned(bounds)
        dens = _POPULATIONS.get(run.spec.population.rule, _TargetGroup)(run).denominators(
            bounds, aligned
        )
        nums = self.numerators(dens, bounds, aligned)
        run.nums, run.dens = nums, dens
        run.numerators = _column_counts(nums, len(bounds))
        run.denominators = _column_counts(dens, len(bounds))

    def numerators(
        self, dens: list[int], bounds: list[tuple[int, int]], aligned: bool
    ) -> list[int]:
        if aligned:
            return self._qualifying_by_month(dens, bounds)
        return [
            den & self._qualifying_by_date(citizen, bounds) if den else 0
            for citizen, den in zip(self.ctx.objects(), dens)
        ]

    def _qualifying_by_month(self, dens: list[int], bounds: list[tuple[int, int]]) -> list[int]:
        """Numerators: the denominator's periods touched by a qualifying source and not by a
        never-qualifying one."""
        run = self.run
        to_periods = run._to_periods(bounds, _LOOKBACK, qualifying=True)
        qualifying = run.ctx.masks(run._qualifying)
        never = run.ctx.masks(run._never) if run._never else None
        nums = [0] * len(dens)
        for i, den in enumerate(dens):
            if den:
                mask = qualifying[i]
                if mask:
                    num = den & to_periods(mask)
                    if num and never is not None:
                        bad = never[i]
                        if bad:
                            num &= ~to_periods(bad)
                    nums[i] = num
        return nums

    def _qualifying_by_date(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        run = self.run
        mask = 0
        earlier = run.spec.qualifying_from
        for k, b in enumerate(bounds):
            first, last = run._dates(b)
            if earlier is not None:
                first = min(first, earlier)
            if _touches_by_date(citizen, run._qualifying, first, last) and not (
                run._never and _touches_by_date(citizen, run._never, first, last)
            ):
                mask |= 1 << k
        return mask

    def members(self, k: int) -> tuple[list[Member], list[Member]]:
        run = self.run
        first, last = run._dates(run._period_bounds()[k])
        by_id = run.ctx.rows.citizen_facts()
        population = _POPULATIONS.get(run.spec.population.rule, _TargetGroup)(run)
        numerator, denominator = [], []
        for (cid, *_), num, den in zip(run.ctx.rows.citizens, run.nums, run.dens):
            if not den >> k & 1:
                continue
            citizen = by_id[cid]
            denominator.append(Member(cid, citizen.name, population.reason(citizen, first, last)))
            if num >> k & 1:
                numerator.append(Member(cid, citizen.name, self.reason(citizen, first, last)))
        numerator.sort(key=lambda m: m.name)
        denominator.sort(key=lambda m: m.name)
        return numerator, denominator

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        """Why the citizen is in the numerator: the first qualifying source that touches the
        period (Danish, for the user)."""
        spec = self.run.spec
        if spec.qualifying_from is not None:  # Frontrunner: the whole project period
            first = min(first, spec.qualifying_from)
        for source in spec.qualifying:
            if source == PAID_HOURS:
                found = _paid_hours_reason(citizen, first, last)
            elif source == JOB_BROKER:
                found = _job_broker_reason(citizen, first, last)
            else:
                found = _period_reason(
                    citizen, source, self.run.ctx.template.kind(source).label, first, last
                )
            if found:
                return found
        return ""


class _PassiveShare(_Share):
    """``passive_share`` (HIR): the denominator's months in which the citizen had no active
    offer and no mentor in the 12 months ending with the month's last day (the month and the
    11 before it)."""

    def numerators(
        self, dens: list[int], bounds: list[tuple[int, int]], aligned: bool
    ) -> list[int]:
        run = self.run
        to_periods = run._to_periods(bounds, 0)
        full = (1 << run.ctx.n) - 1
        actives = run.ctx.masks(run._qualifying)
        nums = []
        for den, active in zip(dens, actives):
            if not den:
                nums.append(0)
                continue
            if not active:
                nums.append(den)
                continue
            # Bit j of active: month base - 11 + j; bit i of spread: any of the months
            # base + i - 11 … base + i, i.e. range month i and the 11 before it.
            two = active | (active >> 1)
            four = two | (two >> 2)
            eight = four | (four >> 4)
            spread = eight | (four >> 8)  # months j … j + 11
            nums.append(den & ~to_periods(spread & full))
        return nums

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        window_first = (Month.of(last) - 11).first
        return "hverken aktivt tilbud eller mentor {a} – {b}".format(
            a=_day(window_first), b=_day(last)
        )


def _touches_by_date(
    citizen: CitizenFacts, sources: Iterable[str], first: dt.date, last: dt.date
) -> bool:
    for source in sources:
        if source == PAID_HOURS:
            for month, hours in citizen.paid_hours.items():
                if hours > 0:
                    m = Month.parse(month)
                    if m.first <= last and m.last >= first:
                        return True
        elif source == JOB_BROKER:
            if any(s.kind == JOB_BROKER and s.overlaps(first, last) for s in citizen.assignments):
                return True
        elif any(s.kind == source and s.overlaps(first, last) for s in citizen.periods):
            return True
    return False


def _paid_hours_reason(citizen: CitizenFacts, first: dt.date, last: dt.date) -> str | None:
    months = sorted(
        m
        for m, h in citizen.paid_hours.items()
        if h > 0 and Month.parse(m).first <= last and Month.parse(m).last >= first
    )
    if not months:
        return None
    return "løntimer i {month} ({hours} t.)".format(
        month=months[0], hours=number(citizen.paid_hours[months[0]])
    )


def _job_broker_reason(citizen: CitizenFacts, first: dt.date, last: dt.date) -> str | None:
    for s in citizen.assignments:
        if s.kind == JOB_BROKER and s.overlaps(first, last):
            return "jobformidler fra {date}".format(date=_day(s.start))
    return None


def _period_reason(
    citizen: CitizenFacts, source: str, label: str, first: dt.date, last: dt.date
) -> str | None:
    for s in sorted(citizen.periods, key=lambda s: s.start):
        if s.kind == source and s.overlaps(first, last):
            end = _day(s.end) if s.end else "…"
            return "{kind} {a} – {b}".format(kind=label, a=_day(s.start), b=end)
    return None


# --- the population rules: a share's denominator ---------------------------------------------------


class _Population:
    """How a share's denominator is counted (its population rule), and why a citizen is in it
    (:meth:`reason`). Made for the one call, so it holds no state."""

    def __init__(self, run: _MeasureRun) -> None:
        self.run = run
        self.ctx = run.ctx

    def denominators(self, bounds: list[tuple[int, int]], aligned: bool) -> list[int]:
        raise NotImplementedError

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        raise NotImplementedError

    def _shared(self, bounds: list[tuple[int, int]], make: Callable[[], list[int]]) -> list[int]:
        spec = self.run.spec
        return self.run.shared((spec.population.rule, spec.unit, tuple(bounds)), make)


class _TargetGroup(_Population):
    """FSM2 / Frontrunner (rule ``target_group``, and any rule without a class of its own)."""

    def denominators(self, bounds: list[tuple[int, int]], aligned: bool) -> list[int]:
        if aligned:
            return self._by_month(bounds)
        ctx = self.ctx
        return [
            self._by_date(citizen, entry, bounds)
            for citizen, entry in zip(ctx.objects(), ctx.entries)
        ]

    def _by_month(self, bounds: list[tuple[int, int]]) -> list[int]:
        """For every citizen: the periods in which they are in the group and in the target
        group (entered by the period's last day, not left before its first day; leaving on any
        day of a month still touches that month), minus the periods an exemption marking
        touches."""
        run = self.run
        ctx = run.ctx
        groups = run.spec.population.groups
        month_of, ext_base, width = ctx.month_of, ctx.ext_base, ctx.width
        to_periods = run._to_periods(bounds, _LOOKBACK)
        leaving = LEAVING_REASONS
        dens = []
        for (_cid, _name, group, _entry, exit_date, reason), entry, excluded in zip(
            ctx.rows.citizens, ctx.entries, ctx.masks(run._excluded)
        ):
            if (groups and group not in groups) or entry == NEVER:
                dens.append(0)
                continue
            last_index = width
            if exit_date is not None and reason in leaving:
                if entry is not None and exit_date < entry:
                    dens.append(0)  # left before entering (a benefit registered after the exit)
                    continue
                last_index = month_of[exit_date] - ext_base
            first_index = -1 if entry is None else month_of[entry] - ext_base
            inside = to_periods(_bits(first_index, last_index, width))
            if inside and excluded:
                inside &= ~to_periods(excluded)
            dens.append(inside)
        return dens

    def _by_date(
        self, citizen: CitizenFacts, entry_iso: str | None, bounds: list[tuple[int, int]]
    ) -> int:
        """As :meth:`_by_month`, day by day (a window that starts or ends mid-month)."""
        run = self.run
        groups = run.spec.population.groups
        if (groups and citizen.group not in groups) or entry_iso == NEVER:
            return 0
        entry = None if entry_iso is None else dt.date.fromisoformat(entry_iso)
        exit_date = citizen.exit_date
        if (
            entry is not None
            and exit_date is not None
            and _leaves(exit_date, citizen.exit_reason)
            and exit_date < entry
        ):
            return 0  # left before entering
        mask = 0
        for k, b in enumerate(bounds):
            first, last = run._dates(b)
            if entry is not None and entry > last:
                continue
            if citizen.left_by(first - dt.timedelta(days=1)):
                continue
            if any(s.kind in run._excluded and s.overlaps(first, last) for s in citizen.periods):
                continue
            mask |= 1 << k
        return mask

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        group = " gruppe {g}".format(g=citizen.group) if citizen.group else ""
        return "i målgruppen{group}".format(group=group)


class _BirRollingQuarter(_Population):
    """BIR (seed 002 §11): in ressourceforløb in the baseline's first ISO week, or at any time
    from then to the last ISO week before the quarter; minus those who moved away, retired or
    died by the end of the quarter's last ISO week."""

    def denominators(self, bounds: list[tuple[int, int]], aligned: bool) -> list[int]:
        return self._shared(bounds, lambda: self._masks(bounds))

    def _weeks(self, bounds: list[tuple[int, int]]) -> tuple[str, list[str], list[str]]:
        """The baseline week's first day, and per quarter: the end of the time in which being
        in ressourceforløb brings a citizen in, and the end of the quarter's last ISO week
        (ISO text, as the rows hold dates)."""
        ctx = self.ctx
        baseline_start, baseline_end = baseline_week(ctx.template)
        until, last_week = [], []
        for a, b in bounds:
            quarter_first = Month.from_index(ctx.base + a)
            quarter_last = Month.from_index(ctx.base + b)
            until.append(max(last_iso_week(quarter_first - 1)[1], baseline_end).isoformat())
            last_week.append(last_iso_week(quarter_last)[1].isoformat())
        return baseline_start.isoformat(), until, last_week

    def _masks(self, bounds: list[tuple[int, int]]) -> list[int]:
        baseline_start, until, last_week = self._weeks(bounds)
        ctx = self.ctx
        p = len(bounds)
        dens = []
        for (_cid, _name, _group, _entry, exit_date, reason), spans in zip(
            ctx.rows.citizens, ctx.ressourceforloeb
        ):
            earliest = None
            if spans is not None:
                for start, end in spans:
                    if (end is None or end >= baseline_start) and (
                        earliest is None or start < earliest
                    ):
                        earliest = start
            if earliest is None:
                dens.append(0)
                continue
            # until[] and last_week[] grow with k: the quarters in are one contiguous run.
            k_first = bisect.bisect_left(until, earliest)
            k_stop = bisect.bisect_left(last_week, exit_date) if _leaves(exit_date, reason) else p
            dens.append(_bits(k_first, k_stop - 1, p))
        return dens

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        baseline_start, baseline_end = baseline_week(self.ctx.template)
        rf = [s for s in citizen.periods if s.kind == PeriodKind.RESSOURCEFORLOEB.value]
        if any(s.overlaps(baseline_start, baseline_end) for s in rf):
            return "i ressourceforløb i første uge af {month}".format(
                month=_month_name(baseline_start + dt.timedelta(days=3))
            )
        start = min(s.start for s in rf if s.end is None or s.end >= baseline_start)
        return "i ressourceforløb fra {date}".format(date=_day(start))


class _SeniorityOneYear(_Population):
    """HIR passive share: in ressourceforløb on the month's last day D, in a course that began
    no later than the last day of the same month a year earlier; not left by D."""

    def denominators(self, bounds: list[tuple[int, int]], aligned: bool) -> list[int]:
        return self._shared(bounds, lambda: self._masks(bounds))

    def _masks(self, bounds: list[tuple[int, int]]) -> list[int]:
        run = self.run
        if run.spec.unit != "month":
            raise ValueError("seniority_one_year is counted per month")
        ctx = run.ctx
        base, n = ctx.base, ctx.n
        month_of, last_month_end_by = ctx.month_of, ctx.last_month_end_by
        to_periods = run._to_periods(bounds, 0)
        dens = [0] * len(ctx.rows.citizens)
        for i, spans in enumerate(ctx.ressourceforloeb):
            if spans is None:
                continue
            _cid, _name, _group, _entry, exit_date, reason = ctx.rows.citizens[i]
            # Left by D from the exit's month on.
            stop = month_of[exit_date] - base if _leaves(exit_date, reason) else n
            mask = 0
            for start, end in spans:
                # (M-12).last >= start  <=>  M >= month(start) + 12
                first = month_of[start] + 12 - base
                last = n - 1 if end is None else last_month_end_by[end] - base
                mask |= _bits(first, min(last, stop - 1), n)
            if mask:
                dens[i] = to_periods(mask)
        return dens

    def reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        rf = [
            s
            for s in citizen.periods
            if s.kind == PeriodKind.RESSOURCEFORLOEB.value and s.overlaps(last, last)
        ]
        return "i ressourceforløb siden {date} (mindst 1 år)".format(
            date=_day(min(s.start for s in rf))
        )


#: Population rule → how its denominator is counted; any other rule: :class:`_TargetGroup`.
_POPULATIONS: dict[str, type[_Population]] = {
    "bir_rolling_quarter": _BirRollingQuarter,
    "seniority_one_year": _SeniorityOneYear,
}


# --- caseload ------------------------------------------------------------------------------------


class _Caseload(_Kind):
    """``caseload`` (HIR): citizens per full-time coordinating caseworker on the month's last
    day; a citizen counts once, and only while in ressourceforløb: the registration with a
    caseworker ends when the citizen changes benefit (seed 003, registration §3)."""

    def evaluate(self, bounds: list[tuple[int, int]]) -> None:
        run = self.run
        if run.spec.unit != "month":
            raise ValueError("caseload is counted per month")
        p = len(bounds)
        if not p:
            return
        nums, staff_masks = self._numerators(bounds)
        run.nums = nums
        run.numerators = _column_counts(nums, p)
        run.denominators = self._full_time(staff_masks, p)

    def _numerators(self, bounds: list[tuple[int, int]]) -> tuple[list[int], dict[str, int]]:
        """Per citizen, the months they are on a counted caseworker's caseload; per counted
        caseworker, the months they have a citizen."""
        ctx = self.ctx
        counted = self._counted_caseworkers()
        stops = self._stops()
        n = ctx.n
        lo = bounds[0][0]
        period_mask = (1 << len(bounds)) - 1
        caseload_months, index = self._months, ctx.index
        nums = [0] * len(index)
        staff_masks: dict[str, int] = {}
        # Rows mostly come citizen by citizen: look the citizen up only when it changes.
        last_cid, i, stop, in_rf = None, -1, n, 0
        for cid, staff_id, role, start, end in ctx.rows.assignments:
            if role != "sagsbehandler" or staff_id not in counted:
                continue
            if cid != last_cid:
                last_cid, i, stop = cid, index[cid], stops.get(cid, n)
                in_rf = self._rf_months(i, stop)
            months = ((caseload_months(start, end, stop) & in_rf) >> lo) & period_mask
            if months:
                nums[i] |= months
                staff_masks[staff_id] = staff_masks.get(staff_id, 0) | months
        return nums, staff_masks

    def _full_time(self, staff_masks: dict[str, int], p: int) -> list[float]:
        """Each month's full-time caseworkers: hours counted exactly, staff grouped by weekly
        hours, counted per month."""
        staff = self.ctx.rows.staff
        by_hours: dict[float, list[int]] = {}
        for sid, mask in staff_masks.items():
            by_hours.setdefault(staff[sid].hours_per_week, []).append(mask)
        hours = [Fraction(0)] * p
        for weekly, masks in by_hours.items():
            exact = Fraction(str(weekly))
            for k, count in enumerate(_column_counts(masks, p)):
                if count:
                    hours[k] += exact * count
        # Full-time equivalents (met is compared on this); the outputs round it for display.
        return [float(h / FULL_TIME_HOURS) for h in hours]

    def _months(self, start: str, end: str | None, stop: int) -> int:
        """Months (of the range) whose last day an assignment from start to end covers, before
        the month index ``stop`` (the month the citizen left in, or n)."""
        ctx = self.ctx
        last = ctx.n - 1 if end is None else ctx.last_month_end_by[end] - ctx.base
        if last > stop - 1:
            last = stop - 1
        return _bits(ctx.month_of[start] - ctx.base, last, ctx.n)

    def _counted_caseworkers(self) -> set[str]:
        """Coordinating caseworkers with hours: pseudo-caseworkers (role pseudo, or 0 hours)
        and their citizens are left out."""
        return {
            sid
            for sid, s in self.ctx.rows.staff.items()
            if s.role == StaffRole.CASEWORKER and counts_in_caseload(s.role, s.hours_per_week)
        }

    def _stops(self) -> dict[str, int]:
        """Citizen id → the month index (of the range) from which they have left."""
        ctx = self.ctx
        return {
            cid: ctx.month_of[exit_date] - ctx.base
            for cid, _name, _group, _entry, exit_date, reason in ctx.rows.citizens
            if _leaves(exit_date, reason)
        }

    def _rf_months(self, i: int, stop: int) -> int:
        """Months whose last day a ressourceforløb of citizen ``i`` covers (before ``stop``)."""
        spans = self.ctx.ressourceforloeb[i]
        mask = 0
        for start, end in spans or ():
            mask |= self._months(start, end, stop)
        return mask

    def members(self, k: int) -> tuple[list[Member], list[Member]]:
        """The citizens on a counted caseworker's caseload in month k, with their caseworkers'
        initials; no denominator members (it is full-time caseworkers)."""
        run = self.run
        by_id = run.ctx.rows.citizen_facts()
        rows = [
            Member(
                cid,
                by_id[cid].name,
                "sagsbehandler {initials}".format(initials=", ".join(sorted(found))),
            )
            for cid, found in self._initials(k).items()
        ]
        rows.sort(key=lambda m: (m.reason, m.name))
        return rows, []

    def _initials(self, k: int) -> dict[str, set[str]]:
        """Citizen id → the initials of the counted caseworkers who have them in month k."""
        ctx = self.ctx
        staff = ctx.rows.staff
        counted = self._counted_caseworkers()
        stops = self._stops()
        to_periods = self.run._to_periods(self.run._period_bounds(), 0)
        initials: dict[str, set[str]] = {}
        index, n = ctx.index, ctx.n
        for cid, staff_id, role, start, end in ctx.rows.assignments:
            if role != "sagsbehandler" or staff_id not in counted:
                continue
            stop = stops.get(cid, n)
            months = self._months(start, end, stop) & self._rf_months(index[cid], stop)
            if to_periods(months) >> k & 1:
                initials.setdefault(cid, set()).add(staff[staff_id].initials)
        return initials


#: Measure kind → how it is counted.
_KINDS: dict[str, type[_Kind]] = {
    "share": _Share,
    "passive_share": _PassiveShare,
    "caseload": _Caseload,
}


def _d(day: dt.date) -> str:
    return date_dots(day)


def _day(day: dt.date) -> str:
    """A date in a reason of the drill-down (a list, as the tables write dates): "23-02-2021"."""
    return date_text(day)


def _month_name(day: dt.date) -> str:
    return f"{month_name(day.month)} {day.year}"


# --- the public entry points ------------------------------------------------------------------------


@dataclass(slots=True)
class PayoutForecast:
    """One payout rule (a threshold with a payout share) of one measure."""

    spec: MeasureSpec
    threshold: Threshold
    met: bool
    best: MeasureResult | None  # the best period so far (met: the first period that met it)
    needed: int  # more citizens the best period would have needed (0 when met)
    amount: float | None  # kroner, when the grant is entered

    @property
    def measure(self) -> str:
        return self.spec.id


@dataclass(slots=True)
class Report:
    first: Month
    last: Month
    results: list[MeasureResult]
    payouts: list[PayoutForecast]
    #: Each snapshot fact the measures depend on (:func:`snapshot_facts`) → the day (ISO) of
    #: its first registration in the project; None: none. Periods ending before it have no data.
    first_registrations: dict[str, str | None] = field(default_factory=dict)

    def for_measure(self, measure_id: str) -> list[MeasureResult]:
        return [r for r in self.results if r.spec.id == measure_id]


def compute(
    template: ProgramTemplate,
    facts: Facts | FactRows,
    first: Month | None = None,
    last: Month | None = None,
    grant: float | None = None,
) -> Report:
    """Every measure of the template for every measurement period in [first, last] (default:
    the initiative's period). A rolling quarter is included when all three months lie in the
    range; a measure with a window (Frontrunner's Q4 2019) only counts inside the window."""
    first = first or Month.of(template.start)
    last = last or Month.of(template.end)
    if last < first:
        raise ValueError("last before first")
    return _compute(template, facts, first, last, grant)


def _compute(
    template: ProgramTemplate,
    facts: Facts | FactRows,
    first: Month,
    last: Month,
    grant: float | None,
) -> Report:
    ctx = _Context(template, facts.rows() if isinstance(facts, Facts) else facts, first, last)
    registrations = first_registrations(
        ctx.rows, {f for spec in template.measures for f in snapshot_facts(spec)}
    )
    results: list[MeasureResult] = []
    for spec in template.measures:
        run = _MeasureRun(ctx, spec)
        # A period whose last day is before the first registration of a fact the measure counts
        # has no data; without any registration of it, no period has (NEVER: after every day).
        depends = snapshot_facts(spec)
        data_from = max(registrations[f] or NEVER for f in depends) if depends else None
        for k, (start, end) in enumerate(run.periods):
            num, den = run.numerators[k], run.denominators[k]
            no_data = data_from is not None and run.last_day(k) < data_from
            results.append(
                MeasureResult(
                    spec=spec,
                    period_start=start,
                    period_end=end,
                    numerator=num,
                    denominator=den,
                    thresholds=tuple(
                        ThresholdResult(t, None if no_data else _meets(spec, num, den, t.value))
                        for t in spec.thresholds
                    ),
                    no_data=no_data,
                    _run=run,
                    _position=k,
                )
            )
    return Report(first, last, results, forecast(template, results, grant), registrations)


def forecast(
    template: ProgramTemplate, results: Sequence[MeasureResult], grant: float | None
) -> list[PayoutForecast]:
    """For each payout rule: met or not, the best period so far, how many more citizens the
    best period would have needed, and the amount in kroner when the grant is entered.

    A period without data (:attr:`MeasureResult.no_data`) is left out: it is neither met nor
    missed, so it can be neither the first period met nor the best one. When every period so far
    lacks data there is no period yet, and the payout is still open (not lost)."""
    payouts = []
    for spec in template.measures:
        rows = [r for r in results if r.spec is spec and not r.no_data]
        if spec.payout_window:
            start, end = spec.payout_window
            rows = [r for r in rows if r.period_start.first >= start and r.period_end.last <= end]
        if spec.aggregate == "last":
            rows = rows[-1:]
        for threshold in spec.thresholds:
            if threshold.payout_share is None or spec.direction != "at_least":
                continue
            met_rows = [
                r for r in rows if _meets(spec, r.numerator, r.denominator, threshold.value)
            ]
            if met_rows:
                best, needed = met_rows[0], 0
            elif rows:
                # A period without citizens "needs 0 more" but can never be met: not the best.
                candidates = [r for r in rows if r.denominator] or rows
                best = min(candidates, key=lambda r: (_needed(r, threshold), -(r.share or 0)))
                needed = _needed(best, threshold)
            else:
                best, needed = None, 0
            payouts.append(
                PayoutForecast(
                    spec=spec,
                    threshold=threshold,
                    met=bool(met_rows),
                    best=best,
                    needed=needed,
                    amount=None if grant is None else round(grant * threshold.payout_share, 2),
                )
            )
    return payouts


def _needed(result: MeasureResult, threshold: Threshold) -> int:
    """More citizens in the numerator for the share to reach the threshold (same denominator)."""
    if not result.denominator:
        return 0
    required = math.ceil(Fraction(str(threshold.value)) * Fraction(result.denominator))
    return max(0, required - int(result.numerator))
