"""The measures engine: the initiative's target measures, counted the way STAR counts them.

Pure Python. Storage hands it the facts (:class:`Facts`: citizens with their periods, paid
hours and assignments, and the staff); :func:`compute` returns, for every measure of the
template and every measurement period in a range, numerator, denominator, share, thresholds
and whether they are met — and, on demand, the citizens behind both numbers with the reason
each counts (:meth:`MeasureResult.members`).

Every rule is written down, with its source, in docs/measures.md; the tests check each one by
hand and against a slow day-by-day reference implementation (tests/domain/measures_reference.py).

How it is fast: every citizen's facts become bit masks over the months of the range (bit i =
the i-th month, or the quarter starting at it), numerator and denominator are masks too, and
counting is counting bits. The masks are kept, so a drill-down uses exactly the numbers shown.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    PAID_HOURS,
    PERIOD_LABELS,
    ExitReason,
    PeriodKind,
    StaffRole,
)
from fsm_desktop.domain.program import MeasureSpec, ProgramTemplate, Threshold

#: A full-time week for the caseload measure (Danish public-sector standard: 37 hours).
FULL_TIME_HOURS = 37.0
#: The source "had a job broker assigned" (FSM Frontrunner).
JOB_BROKER = "jobformidler"


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
    citizens: list[CitizenFacts]
    staff: dict[str, StaffFacts] = field(default_factory=dict)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    threshold: Threshold
    met: bool


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
    _run: _MeasureRun | None = field(default=None, repr=False, compare=False)
    _position: int = field(default=0, repr=False, compare=False)

    @property
    def measure(self) -> str:
        return self.spec.id

    @property
    def label(self) -> str:
        """"2020-03" for a month, "2020-01 – 2020-03" for a quarter or a period."""
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start} – {self.period_end}"

    @property
    def share(self) -> float | None:
        """numerator / denominator (for caseload: citizens per full-time caseworker); None
        when the denominator is 0."""
        if not self.denominator:
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
        primary = self.primary
        return primary.met if primary else None

    def members(self) -> tuple[list[Member], list[Member]]:
        """(numerator, denominator): the citizens behind both numbers, with reasons."""
        if self._run is None:
            return [], []
        return self._run.members(self._position)


def _meets(spec: MeasureSpec, numerator: float, denominator: float, value: float) -> bool:
    """Exact comparison (no float rounding: 3/20 is exactly 15 %)."""
    if not denominator:
        return False
    share = Fraction(numerator) / Fraction(denominator) if isinstance(numerator, int) and isinstance(
        denominator, int
    ) else Fraction(str(numerator)) / Fraction(str(denominator))
    limit = Fraction(str(value))
    return share >= limit if spec.direction == "at_least" else share <= limit


# --- the engine --------------------------------------------------------------------------------


def _bits(first_index: int, last_index: int, n: int) -> int:
    """A mask with bits first..last set, clipped to 0..n-1."""
    first_index = max(first_index, 0)
    last_index = min(last_index, n - 1)
    if last_index < first_index:
        return 0
    return ((1 << (last_index - first_index + 1)) - 1) << first_index


#: "YYYY-MM" -> month index, shared by all runs (paid hours are keyed by month text).
_MONTH_INDEX: dict[str, int] = {}


def _count_bits(masks: Counter[int], width: int) -> list[int]:
    """How many citizens have bit i set, for each i (masks counted with multiplicity)."""
    counts = [0] * width
    for mask, count in masks.items():
        while mask:
            low = mask & -mask
            counts[low.bit_length() - 1] += count
            mask ^= low
    return counts


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _span_bits(span: Span, base: int, n: int) -> int:
    """Months base..base+n-1 that the span touches (bit 0 = month ``base``)."""
    last = _month_index(span.end) - base if span.end is not None else n - 1
    return _bits(_month_index(span.start) - base, last, n)


def _paid_hours_bits(citizen: CitizenFacts, base: int, n: int) -> int:
    """Months base..base+n-1 with paid hours > 0."""
    mask = 0
    for month, hours in citizen.paid_hours.items():
        if hours > 0:
            index = _MONTH_INDEX.get(month)
            if index is None:
                index = _MONTH_INDEX[month] = int(month[:4]) * 12 + int(month[5:7]) - 1
            i = index - base
            if 0 <= i < n:
                mask |= 1 << i
    return mask


def _iter_bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class _Context:
    """Per-citizen month masks over the range [base, base + n), computed once per run."""

    def __init__(self, template: ProgramTemplate, facts: Facts, first: Month, last: Month) -> None:
        self.template = template
        self.facts = facts
        self.first = first
        self.last = last
        self.base = first.index
        self.n = last.index - first.index + 1
        self._touch: dict[str, dict[str, int]] = {}

    def kind_masks(self, citizen: CitizenFacts) -> dict[str, int]:
        """Months of the range touched by each source, in one pass over the citizen's facts:
        every period kind, paid hours > 0 (``loentimer``) and job-broker assignments."""
        masks = self._touch.get(citizen.id)
        if masks is None:
            masks = {}
            base, n = self.base, self.n
            for span in citizen.periods:
                bits = _span_bits(span, base, n)
                if bits:
                    masks[span.kind] = masks.get(span.kind, 0) | bits
            hours_mask = _paid_hours_bits(citizen, base, n)
            if hours_mask:
                masks[PAID_HOURS] = hours_mask
            for span in citizen.assignments:
                if span.kind == JOB_BROKER:
                    masks[JOB_BROKER] = masks.get(JOB_BROKER, 0) | _span_bits(span, base, n)
            self._touch[citizen.id] = masks
        return masks

    def touched_any(self, citizen: CitizenFacts, sources: Iterable[str]) -> int:
        masks = self.kind_masks(citizen)
        mask = 0
        for source in sources:
            mask |= masks.get(source, 0)
        return mask


def _target_group_entry(template: ProgramTemplate, citizen: CitizenFacts) -> dt.date | None:
    """When the citizen entered the target group: the entry date; without one, the start of
    the first period of one of the template's benefits; without that, None (= always)."""
    if citizen.entry_date is not None:
        return citizen.entry_date
    benefits = {kind.value for kind in template.target_group.benefits}
    starts = [span.start for span in citizen.periods if span.kind in benefits]
    return min(starts) if starts else None


class _MeasureRun:
    """One measure over the range: the measurement periods and each citizen's masks."""

    def __init__(self, ctx: _Context, spec: MeasureSpec) -> None:
        self.ctx = ctx
        self.spec = spec
        self.periods: list[tuple[Month, Month]] = []
        self.numerators: list[float] = []
        self.denominators: list[float] = []
        # citizen id -> (numerator mask, denominator mask) over self.periods
        self.masks: dict[str, tuple[int, int]] = {}
        self.by_id = {c.id: c for c in ctx.facts.citizens}
        self._date_cache: dict[tuple[int, int], tuple[dt.date, dt.date]] = {}
        self._bir_cache: tuple[dt.date, list[dt.date], list[dt.date]] | None = None
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

    def _dates(self, bounds: tuple[int, int]) -> tuple[dt.date, dt.date]:
        found = self._date_cache.get(bounds)
        if found is None:
            found = self._date_cache[bounds] = self._compute_dates(bounds)
        return found

    def _compute_dates(self, bounds: tuple[int, int]) -> tuple[dt.date, dt.date]:
        first = Month.from_index(self.ctx.base + bounds[0]).first
        last = Month.from_index(self.ctx.base + bounds[1]).last
        if self.spec.unit == "period" and self.spec.window:
            first = max(first, self.spec.window[0])
            last = min(last, self.spec.window[1])
        return first, last

    # --- evaluation -------------------------------------------------------------------------------
    def _evaluate(self) -> None:
        bounds = self._period_bounds()
        self.periods = [
            (Month.from_index(self.ctx.base + a), Month.from_index(self.ctx.base + b)) for a, b in bounds
        ]
        p = len(bounds)
        if self.spec.kind == "caseload":
            self._evaluate_caseload(bounds)
            return
        rule = self.spec.population.rule
        num_counter: Counter[int] = Counter()
        den_counter: Counter[int] = Counter()
        for citizen in self.ctx.facts.citizens:
            if rule == "bir_rolling_quarter":
                den = self._den_bir(citizen, bounds)
            elif rule == "seniority_one_year":
                den = self._den_seniority(citizen, bounds)
            else:
                den = self._den_target_group(citizen, bounds)
            if not den:
                continue
            if self.spec.kind == "passive_share":
                num = den & ~self._active_last_12_months(citizen, bounds)
            else:
                num = den & self._qualifying_periods(citizen, bounds)
            self.masks[citizen.id] = (num, den)
            den_counter[den] += 1
            if num:
                num_counter[num] += 1
        self.numerators = _count_bits(num_counter, p)
        self.denominators = _count_bits(den_counter, p)

    def _month_mask_to_periods(self, month_mask: int, bounds: list[tuple[int, int]]) -> int:
        """Bit k set when the month mask touches measurement period k (any of its months)."""
        if self.spec.unit == "month":
            lo = bounds[0][0] if bounds else 0
            return (month_mask >> lo) & ((1 << len(bounds)) - 1)
        if self.spec.unit == "rolling_quarter":
            lo = bounds[0][0] if bounds else 0
            spread = month_mask | (month_mask >> 1) | (month_mask >> 2)
            return (spread >> lo) & ((1 << len(bounds)) - 1)
        result = 0
        for k, (a, b) in enumerate(bounds):
            if month_mask & _bits(a, b, self.ctx.n):
                result |= 1 << k
        return result

    def _qualifying_periods(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        ctx = self.ctx
        if self.spec.unit == "period" and self.spec.window:
            # Day precision at the window's edges: a period must touch the window itself.
            mask = 0
            for k, b in enumerate(bounds):
                first, last = self._dates(b)
                if self._touches_by_date(citizen, self.spec.qualifying, first, last):
                    mask |= 1 << k
            never = 0
            for k, b in enumerate(bounds):
                first, last = self._dates(b)
                if self._touches_by_date(citizen, self._never, first, last):
                    never |= 1 << k
            return mask & ~never
        touched = self._month_mask_to_periods(ctx.touched_any(citizen, self._qualifying), bounds)
        if touched and self._never:
            touched &= ~self._month_mask_to_periods(ctx.touched_any(citizen, self._never), bounds)
        return touched

    def _touches_by_date(self, citizen: CitizenFacts, sources: Iterable[str], first: dt.date, last: dt.date) -> bool:
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

    # --- denominators ---------------------------------------------------------------------------
    def _in_groups(self, citizen: CitizenFacts) -> bool:
        groups = self.spec.population.groups
        return not groups or citizen.group in groups

    def _den_target_group(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        """FSM2 / Frontrunner: in the group, in the target group during the period (entered by
        its last day, not left before its first day), minus exemption markings touching it."""
        if not self._in_groups(citizen):
            return 0
        entry = _target_group_entry(self.ctx.template, citizen)
        if entry is not None and citizen.left_by(entry - dt.timedelta(days=1)):
            return 0  # left before entering (a benefit registered after the exit): never inside
        excluded_kinds = self._excluded
        if self.spec.unit == "period":
            mask = 0
            for k, b in enumerate(bounds):
                first, last = self._dates(b)
                if entry is not None and entry > last:
                    continue
                if citizen.left_by(first - dt.timedelta(days=1)):
                    continue
                if any(s.kind in excluded_kinds and s.overlaps(first, last) for s in citizen.periods):
                    continue
                mask |= 1 << k
            return mask
        ctx = self.ctx
        first_index = -1 if entry is None else entry.year * 12 + entry.month - 1 - ctx.base
        last_index = ctx.n
        if citizen.exit_date is not None and citizen.exit_reason in LEAVING_REASONS:
            # Leaving on any day of a month still touches that month.
            last_index = citizen.exit_date.year * 12 + citizen.exit_date.month - 1 - ctx.base
        inside = self._month_mask_to_periods(_bits(first_index, last_index, ctx.n), bounds)
        if excluded_kinds:
            inside &= ~self._month_mask_to_periods(ctx.touched_any(citizen, excluded_kinds), bounds)
        return inside

    def _bir_weeks(self, bounds: list[tuple[int, int]]) -> tuple[dt.date, list[dt.date], list[dt.date]]:
        """The baseline week's first day, and per quarter: the end of the time in which being
        in ressourceforløb brings a citizen in, and the end of the quarter's last ISO week."""
        if self._bir_cache is None:
            baseline_start, baseline_end = first_iso_week(Month.of(self.ctx.template.baseline_date))
            until, last_week = [], []
            for a, b in bounds:
                quarter_first = Month.from_index(self.ctx.base + a)
                quarter_last = Month.from_index(self.ctx.base + b)
                until.append(max(last_iso_week(quarter_first - 1)[1], baseline_end))
                last_week.append(last_iso_week(quarter_last)[1])
            self._bir_cache = (baseline_start, until, last_week)
        return self._bir_cache

    def _den_bir(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        """BIR (seed 002 §11): in ressourceforløb in the baseline's first ISO week, or at any
        time from then to the last ISO week before the quarter; minus those who moved away,
        retired or died by the end of the quarter's last ISO week."""
        rf = PeriodKind.RESSOURCEFORLOEB.value
        baseline_start, until, last_week = self._bir_weeks(bounds)
        earliest = None
        for s in citizen.periods:
            if s.kind == rf and (s.end is None or s.end >= baseline_start):
                if earliest is None or s.start < earliest:
                    earliest = s.start
        if earliest is None:
            return 0
        # until[] and last_week[] grow with k: the quarters in are one contiguous run.
        k_first = bisect.bisect_left(until, earliest)
        k_stop = len(bounds)
        if citizen.exit_date is not None and citizen.exit_reason in LEAVING_REASONS:
            k_stop = bisect.bisect_left(last_week, citizen.exit_date)
        return _bits(k_first, k_stop - 1, len(bounds))

    def _den_seniority(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        """HIR passive share: in ressourceforløb on the month's last day D, in a course that
        began no later than the last day of the same month a year earlier; not left by D."""
        if self.spec.unit != "month":
            raise ValueError("seniority_one_year is counted per month")
        rf = PeriodKind.RESSOURCEFORLOEB.value
        base, n = self.ctx.base, self.ctx.n
        stop = n
        if citizen.exit_date is not None and citizen.exit_reason in LEAVING_REASONS:
            stop = _month_index(citizen.exit_date) - base  # left by D from the exit's month on
        mask = 0
        for s in citizen.periods:
            if s.kind != rf:
                continue
            # (M-12).last >= start  <=>  M >= month(start) + 12
            first = _month_index(s.start) + 12 - base
            last = n - 1 if s.end is None else _covers_month_end_until(s.end) - base
            mask |= _bits(first, min(last, stop - 1), n)
        return self._month_mask_to_periods(mask, bounds)

    def _active_last_12_months(self, citizen: CitizenFacts, bounds: list[tuple[int, int]]) -> int:
        """HIR: months in which the citizen had an active offer or a mentor in the 12 months
        ending with the month's last day (the month and the 11 before it)."""
        base = self.ctx.base - 11
        n = self.ctx.n + 11
        active = 0
        for s in citizen.periods:
            if s.kind in self._qualifying:
                active |= _span_bits(s, base, n)
        if PAID_HOURS in self._qualifying:
            active |= _paid_hours_bits(citizen, base, n)
        if not active:
            return 0
        spread = 0
        for shift in range(12):
            spread |= active >> shift
        # bit i of spread: any active month among i..i+11 (lookback coordinates), i.e. among
        # the 11 months before range month i and month i itself.
        return self._month_mask_to_periods(spread & ((1 << self.ctx.n) - 1), bounds)

    # --- caseload -------------------------------------------------------------------------------
    def _caseload_months(self, citizen: CitizenFacts, span: Span) -> int:
        """Months (of the range) whose last day the assignment covers while the citizen has
        not left."""
        base, n = self.ctx.base, self.ctx.n
        stop = n
        if citizen.exit_date is not None and citizen.exit_reason in LEAVING_REASONS:
            stop = _month_index(citizen.exit_date) - base
        last = n - 1 if span.end is None else _covers_month_end_until(span.end) - base
        return _bits(_month_index(span.start) - base, min(last, stop - 1), n)

    def _evaluate_caseload(self, bounds: list[tuple[int, int]]) -> None:
        """HIR: citizens per full-time coordinating caseworker on the month's last day.
        Pseudo-caseworkers (role pseudo, or 0 hours) and their citizens are left out; a citizen
        counts once."""
        if self.spec.unit != "month":
            raise ValueError("caseload is counted per month")
        staff = self.ctx.facts.staff
        counted = {
            sid for sid, s in staff.items() if s.role == StaffRole.CASEWORKER and s.hours_per_week > 0
        }
        p = len(bounds)
        staff_masks: dict[str, int] = {}
        num_counter: Counter[int] = Counter()
        for citizen in self.ctx.facts.citizens:
            citizen_mask = 0
            for span in citizen.assignments:
                if span.kind != "sagsbehandler" or span.staff_id not in counted:
                    continue
                months = self._month_mask_to_periods(self._caseload_months(citizen, span), bounds)
                if months:
                    citizen_mask |= months
                    staff_masks[span.staff_id] = staff_masks.get(span.staff_id, 0) | months
            if citizen_mask:
                self.masks[citizen.id] = (citizen_mask, 0)
                num_counter[citizen_mask] += 1
        num_counts = _count_bits(num_counter, p)
        hours = [0.0] * p
        for sid, mask in staff_masks.items():
            for k in _iter_bits(mask):
                hours[k] += staff[sid].hours_per_week
        self.numerators = num_counts
        # Exact (met is compared on this); the outputs round it for display.
        self.denominators = [h / FULL_TIME_HOURS for h in hours]

    # --- drill-down ---------------------------------------------------------------------------------
    def members(self, k: int) -> tuple[list[Member], list[Member]]:
        first, last = self._dates(self._period_bounds()[k])
        if self.spec.kind == "caseload":
            staff = self.ctx.facts.staff
            rows = []
            bounds = self._period_bounds()
            for cid, (mask, _) in self.masks.items():
                if not mask >> k & 1:
                    continue
                citizen = self.by_id[cid]
                initials = sorted(
                    staff[span.staff_id].initials
                    for span in citizen.assignments
                    if span.kind == "sagsbehandler"
                    and span.staff_id in staff
                    and self._month_mask_to_periods(self._caseload_months(citizen, span), bounds) >> k & 1
                    and staff[span.staff_id].role == StaffRole.CASEWORKER
                    and staff[span.staff_id].hours_per_week > 0
                )
                rows.append(Member(cid, citizen.name, "sagsbehandler {initials}".format(initials=", ".join(initials))))
            rows.sort(key=lambda m: (m.reason, m.name))
            return rows, []
        numerator, denominator = [], []
        for cid, (num, den) in self.masks.items():
            if not den >> k & 1:
                continue
            citizen = self.by_id[cid]
            denominator.append(Member(cid, citizen.name, self._den_reason(citizen, first, last)))
            if num >> k & 1:
                numerator.append(Member(cid, citizen.name, self._num_reason(citizen, first, last)))
        numerator.sort(key=lambda m: m.name)
        denominator.sort(key=lambda m: m.name)
        return numerator, denominator

    def _den_reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        rule = self.spec.population.rule
        if rule == "bir_rolling_quarter":
            baseline_start, baseline_end = first_iso_week(Month.of(self.ctx.template.baseline_date))
            rf = [s for s in citizen.periods if s.kind == PeriodKind.RESSOURCEFORLOEB.value]
            if any(s.overlaps(baseline_start, baseline_end) for s in rf):
                return "i ressourceforløb i første uge af {month}".format(month=_month_name(baseline_start + dt.timedelta(days=3)))
            start = min(s.start for s in rf if s.end is None or s.end >= baseline_start)
            return "i ressourceforløb fra {date}".format(date=_d(start))
        if rule == "seniority_one_year":
            rf = [s for s in citizen.periods if s.kind == PeriodKind.RESSOURCEFORLOEB.value and s.overlaps(last, last)]
            return "i ressourceforløb siden {date} (mindst 1 år)".format(date=_d(min(s.start for s in rf)))
        group = " gruppe {g}".format(g=citizen.group) if citizen.group else ""
        return "i målgruppen{group}".format(group=group)

    def _num_reason(self, citizen: CitizenFacts, first: dt.date, last: dt.date) -> str:
        if self.spec.kind == "passive_share":
            window_first = (Month.of(last) - 11).first
            return "hverken aktivt tilbud eller mentor {a} – {b}".format(a=_d(window_first), b=_d(last))
        for source in self.spec.qualifying:
            if source == PAID_HOURS:
                months = sorted(
                    m for m, h in citizen.paid_hours.items() if h > 0 and Month.parse(m).first <= last and Month.parse(m).last >= first
                )
                if months:
                    return "løntimer i {month} ({hours:g} t.)".format(
                        month=months[0], hours=citizen.paid_hours[months[0]]
                    )
            elif source == JOB_BROKER:
                for s in citizen.assignments:
                    if s.kind == JOB_BROKER and s.overlaps(first, last):
                        return "jobformidler fra {date}".format(date=_d(s.start))
            else:
                for s in sorted(citizen.periods, key=lambda s: s.start):
                    if s.kind == source and s.overlaps(first, last):
                        end = _d(s.end) if s.end else "…"
                        return "{kind} {a} – {b}".format(kind=PERIOD_LABELS[PeriodKind(source)], a=_d(s.start), b=end)
        return ""


def _covers_month_end_until(end: dt.date) -> int:
    """The last month whose last day is on or before ``end``."""
    index = _month_index(end)
    return index if (end + dt.timedelta(days=1)).day == 1 else index - 1


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
           "september", "oktober", "november", "december")


def _month_name(day: dt.date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"


# --- the public entry points ------------------------------------------------------------------------


@contextlib.contextmanager
def no_gc_pauses():
    """Building 100,000s of small objects that all stay alive makes the cyclic garbage collector
    scan them again and again (none of them is garbage yet): pause it for the duration."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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

    def for_measure(self, measure_id: str) -> list[MeasureResult]:
        return [r for r in self.results if r.spec.id == measure_id]


def compute(
    template: ProgramTemplate,
    facts: Facts,
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
    with no_gc_pauses():
        return _compute(template, facts, first, last, grant)


def _compute(template: ProgramTemplate, facts: Facts, first: Month, last: Month, grant: float | None) -> Report:
    ctx = _Context(template, facts, first, last)
    results: list[MeasureResult] = []
    for spec in template.measures:
        run = _MeasureRun(ctx, spec)
        for k, (start, end) in enumerate(run.periods):
            num, den = run.numerators[k], run.denominators[k]
            results.append(
                MeasureResult(
                    spec=spec,
                    period_start=start,
                    period_end=end,
                    numerator=num,
                    denominator=den,
                    thresholds=tuple(
                        ThresholdResult(t, _meets(spec, num, den, t.value)) for t in spec.thresholds
                    ),
                    _run=run,
                    _position=k,
                )
            )
    return Report(first, last, results, forecast(template, results, grant))


def forecast(template: ProgramTemplate, results: Sequence[MeasureResult], grant: float | None) -> list[PayoutForecast]:
    """For each payout rule: met or not, the best period so far, how many more citizens the
    best period would have needed, and the amount in kroner when the grant is entered."""
    payouts = []
    for spec in template.measures:
        rows = [r for r in results if r.spec is spec]
        if spec.aggregate == "last":
            rows = rows[-1:]
        for threshold in spec.thresholds:
            if threshold.payout_share is None or spec.direction != "at_least":
                continue
            met_rows = [r for r in rows if _meets(spec, r.numerator, r.denominator, threshold.value)]
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
