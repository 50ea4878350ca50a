"""The monthly status sheet (statusskema, seeds/004 Bilag 2): rows are measures, columns the
baseline (0-punkt), one column per month and one per goal date; each cell a count and a share.

Pure Python. Storage hands over plain rows (:class:`SheetFacts`, ISO text dates as SQLite
returns them); :func:`build` makes one pass over them into per-citizen bit masks over the
sheet's columns (bit 0 = the baseline day, bit j = the j-th month), and every row is a count of
bits. Every row's definition, with its source and the decisions taken, is in
docs/status_sheet.md; the one-line Danish version is :attr:`RowSpec.definition`.

"In the target group in a month" is the measures engine's rule (docs/measures.md, FSM2): entered
on or before the month's last day (:func:`domain.measures.target_group_entries`: the entry date;
without one, the first benefit of the template's target group lasting into the initiative
(only ended before it: never); without any, from the start;
never before the minimum age, FSM2's 30; for BIR only a benefit lasting into the baseline
month's first ISO week, or beginning later, brings a citizen in) and not left (moved away,
retired, died) before its first day. The baseline is one day: in the target group on that day,
touched on that day. The tests check that the sheet's target group equals the engine's denominator.

The initiative's own measures (the Mål page: :func:`domain.measures.compute`) are added as rows
as the engine counts them, so the sheet and the Mål page show the same numbers.

A missing registration is not a "nej": a column whose day is before the project's first
registration of a snapshot fact (CV på Jobnet, jobmål, a job broker) has no data in that fact's
row (:attr:`Row.no_data_columns`), as an engine period without data has none in its row."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import itemgetter
from typing import Any

from fsm_desktop.domain.danish import date_dots, number
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import (
    NEVER,
    FactRows,
    FactsNeeded,
    MeasureResult,
    Member,
    Month,
    Report,
    check_in_period,
    facts_needed,
    first_registrations,
    no_data_reason,
    snapshot_facts,
    target_group_entries,
    target_group_needs,
)
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    PAID_HOURS,
    Goal,
    PeriodKind,
    StatusKind,
)
from fsm_desktop.domain.program import MeasureSpec, ProgramTemplate
from fsm_desktop.domain.stepup import StepUpCase, monthly_counts

#: Default of "citizens with ordinary hours above x hours a month" (a project setting).
DEFAULT_HOURS_OVER = 10.0
#: The most hours a month can hold (31 × 24): the upper limit of x.
MAX_MONTH_HOURS = 744.0
#: The seed's groups: gruppe 1 = indsatsgruppen (a personal job broker), gruppe 2 = rehab.
INDSATS_GROUP = 1
REHAB_GROUP = 2

# Row ids: the goal table's measure ids (resources/programs/*.json "goals").
GROSS = "gross_target_group"
JOB_BROKER = "job_broker_group1"
REHAB = "rehab_group2"
ABSENCE = "absence"
EXEMPT_225 = "exempt_225"
PASSIVE = "passive_share"
CV = "cv_jobnet"
JOB_GOAL = "job_goal"
STEPUP = "stepup_meetings"
PAID = "paid_hours"
PRAKTIK = "praktik"
LOENTILSKUD = "loentilskud"
COMPANY = "company_directed"
HOURS_OVER = "hours_over"
ENDED = "ended_job_education"
COORDINATION = "coordination_meetings"

# Row units: a count of citizens with its share; a count of meetings (running total); a mark
# per month; citizens per full-time caseworker (HIR's caseload).
SHARE, COUNT, MARK, RATIO = "share", "count", "mark", "ratio"
# Availability of a row.
OK, NO_DATA, NOT_RELEVANT = "ok", "no_data", "not_relevant"


@dataclass(frozen=True, slots=True)
class RowSpec:
    id: str
    label: str
    unit: str
    definition: str  # one line in Danish, for the user (tooltip, the export's notes)
    direction: str = "at_least"
    about_groups: bool = False  # "ikke relevant" for an initiative without groups


_OFFERS = (
    PeriodKind.VIRKSOMHEDSPRAKTIK.value,
    PeriodKind.LOENTILSKUD.value,
    PeriodKind.MENTOR.value,
    PeriodKind.ANDET_AKTIVT_TILBUD.value,
)
_OUTCOMES = (
    PeriodKind.ORDINAER_BESKAEFTIGELSE.value,
    PeriodKind.FLEKSJOB.value,
    PeriodKind.UDDANNELSE_SU.value,
)
#: Period kinds the sheet reads (besides the benefits that date an entry).
PERIOD_KINDS = (*_OFFERS, *_OUTCOMES, PeriodKind.FRAVAER.value, PeriodKind.FRITAGELSE.value)
#: The source "fravær or fritagelse of kind barsel" (one mask).
_ABSENT = "absent"
_OVER = "over_x"
_JOB_BROKER = "jobformidler"
_CV = StatusKind.CV_JOBNET.value
_GOAL = StatusKind.JOB_GOAL.value
#: Snapshot facts (a state registered from a day on): row → the kind of fact it counts. A
#: column whose day is before the project's first registration of that kind has no data.
_SNAPSHOT = {CV: _CV, JOB_GOAL: _GOAL, JOB_BROKER: _JOB_BROKER}
#: Each kind in a Danish sentence: "projektets første registrering af …".
_SNAPSHOT_LABELS = {_CV: "CV på Jobnet", _GOAL: "et jobmål", _JOB_BROKER: "en jobformidler"}
#: What a cell without data says.
NO_DATA_TEXT = "ingen data"
_COMPANY_SOURCES = (
    PeriodKind.VIRKSOMHEDSPRAKTIK.value,
    PeriodKind.LOENTILSKUD.value,
    PAID_HOURS,
    *_OUTCOMES,
)
_ACTIVE_SOURCES = (*_OFFERS, *_OUTCOMES, PAID_HOURS)

ROWS: tuple[RowSpec, ...] = (
    RowSpec(
        GROSS,
        "Bruttomålgruppen",
        SHARE,
        "Borgere i målgruppen i måneden (indgået og ikke fraflyttet, pensioneret eller død); andel af sig selv.",
    ),
    RowSpec(
        JOB_BROKER,
        "Personlig jobformidler - gr. 1",
        SHARE,
        "Gruppe 1 med en jobformidler tilknyttet på mindst én dag i måneden, af hele målgruppen "
        "(bruttomålgruppen), som gruppe 2-rækken: de to mål lægges sammen til 100 %.",
        about_groups=True,
    ),
    RowSpec(
        REHAB,
        "Målgruppe for rehab - gr. 2",
        SHARE,
        "Gruppe 2 i målgruppen, af hele målgruppen.",
        about_groups=True,
    ),
    RowSpec(
        ABSENCE,
        "Fravær (barsel, indlæggelse mv.)",
        SHARE,
        "Fravær eller fritagelse for barsel på mindst én dag i måneden, af indsatsgruppen. Højst målet.",
        direction="at_most",
    ),
    RowSpec(
        EXEMPT_225,
        "Undtaget 225 timer",
        SHARE,
        "Projektet registrerer ikke undtagelse fra 225-timersreglen: ingen data.",
    ),
    RowSpec(
        PASSIVE,
        "Passivandel (inkluderer alle tilbud)",
        SHARE,
        "Hverken tilbud, ordinær beskæftigelse, fleksjob, SU-uddannelse eller løntimer i måneden, "
        "af indsatsgruppen. Højst målet.",
        direction="at_most",
    ),
    RowSpec(
        CV,
        "CV på Jobnet",
        SHARE,
        "Seneste registrering af CV på Jobnet til og med månedens sidste dag er »ja«, af indsatsgruppen.",
    ),
    RowSpec(
        JOB_GOAL,
        "Jobmål",
        SHARE,
        "Seneste registrerede jobmål til og med månedens sidste dag er udfyldt, af indsatsgruppen.",
    ),
    RowSpec(
        STEPUP,
        "Antal step-up-møder (akkumuleret)",
        COUNT,
        "Step-up-møder holdt i måneden og i alt siden projektets start; målet gælder det samlede antal.",
    ),
    RowSpec(PAID, "Løntimer", SHARE, "Løntimer (over 0 timer) i måneden, af indsatsgruppen."),
    RowSpec(
        PRAKTIK,
        "Virksomhedspraktik",
        SHARE,
        "Virksomhedspraktik på mindst én dag i måneden, af indsatsgruppen.",
    ),
    RowSpec(
        LOENTILSKUD,
        "Løntilskud",
        SHARE,
        "Løntilskud på mindst én dag i måneden, af indsatsgruppen.",
    ),
    RowSpec(
        COMPANY,
        "Samlet antal og andel i virksomhedsrettet tilbud",
        SHARE,
        "Virksomhedspraktik, løntilskud, løntimer, ordinær beskæftigelse, fleksjob eller SU-uddannelse "
        "i måneden, af indsatsgruppen.",
    ),
    RowSpec(
        HOURS_OVER,
        "Borgere med ordinære timer over {x} timer pr. md.",
        SHARE,
        "Løntimer over {x} timer i måneden, af indsatsgruppen.",
    ),
    RowSpec(
        ENDED,
        "Borgere afsluttet til job, fleksjob, uddannelse",
        SHARE,
        "Akkumuleret: ordinær beskæftigelse, fleksjob eller SU-uddannelse begyndt siden projektets start, "
        "mens borgeren var i målgruppen, af alle i indsatsgruppen siden projektets start.",
    ),
    RowSpec(
        COORDINATION,
        "Tværorganisatoriske koordineringsgruppemøder",
        MARK,
        "Et kryds for hver måned, koordineringsgruppen har holdt møde (sættes i skemaet).",
    ),
)
ROW_IDS = frozenset(spec.id for spec in ROWS)

_MONTH_NAMES = (
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)


def month_label(month: str) -> str:
    """ "2019-11" → "nov. 2019"."""
    return f"{_MONTH_NAMES[int(month[5:7]) - 1]} {month[:4]}"


# --- what storage hands over --------------------------------------------------------------------


def facts_needed_for_sheet(template: ProgramTemplate) -> FactsNeeded:
    """What the sheet and the initiative's measures read together, so that storage reads each
    row once (storage.facts.load_facts with this): the template's own needs, and the sheet's
    period kinds, paid hours, job-broker assignments and the target group's benefits (the
    entry of a citizen without an entry date)."""
    needed = facts_needed(template)
    kinds = needed.period_kinds | frozenset(PERIOD_KINDS)
    benefits = needed.entry_benefits | {kind.value for kind in template.target_group.benefits}
    for_all, births = target_group_needs(template)
    if for_all:
        kinds |= benefits
    return FactsNeeded(
        kinds,
        frozenset(benefits - kinds),
        True,
        needed.assignment_roles | {_JOB_BROKER},
        needed.births or births,
    )


@dataclass(slots=True)
class SheetFacts:
    """The rows the sheet counts, as storage reads them (dates ISO text, months "YYYY-MM").

    - rows: the measures engine's rows (:class:`FactRows`) read with
      :func:`facts_needed_for_sheet`: citizens, periods, paid hours > 0, assignments
    - maternity: (citizen_id, start, end) of fritagelse periods of kind barsel
    - status: (citizen_id, kind, date, value), in entry order
    - stepup: step-up cases with their meetings (only the dates are counted here)
    - coordination: the months marked with a coordination-group meeting
    - recorded: which kinds of data the project holds at all ("paid_hours", "cv_jobnet",
      "jobmaal", "jobformidler"): a row whose data the project never recorded says so. The
      day of each snapshot kind's first registration (CV, job goal, job broker) is worked out
      from ``status`` and ``rows.assignments``, which hold every row of those kinds
      (:func:`first_recorded`: no query of its own)
    """

    rows: FactRows
    maternity: Sequence[tuple[Any, ...]] = ()
    status: Sequence[tuple[Any, ...]] = ()
    stepup: Sequence[StepUpCase] = ()
    coordination: frozenset[str] = frozenset()
    goals: Sequence[Goal] = ()
    hours_over: float = DEFAULT_HOURS_OVER
    recorded: frozenset[str] = frozenset({"paid_hours", _CV, _GOAL, _JOB_BROKER})


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    kind: str  # "baseline", "month" or "goal"
    month: str  # YYYY-MM (the baseline's: the month of its day)
    day: dt.date | None = None  # the baseline's day

    @property
    def label(self) -> str:
        if self.kind == "baseline":
            return f"0-punkt {date_dots(self.day)}" if self.day else "0-punkt"
        if self.kind == "goal":
            return f"Mål {month_label(self.month)}"
        return month_label(self.month)


@dataclass(frozen=True, slots=True)
class Cell:
    """A count and what it is a share of. Step-up: meetings held and the running total; a mark:
    1 or 0; caseload: citizens and full-time caseworkers."""

    count: float
    denominator: float | None = None
    cumulative: int | None = None

    @property
    def share(self) -> float | None:
        if not self.denominator:
            return None
        return self.count / self.denominator


@dataclass(slots=True)
class Row:
    id: str
    label: str
    unit: str
    definition: str
    direction: str = "at_least"
    availability: str = OK
    cells: list[Cell | None] = field(default_factory=list)  # one per data column; None: nothing
    goals: dict[str, float] = field(default_factory=dict)  # goal month → share (0–1) or count
    goal_unit: str = "share"  # how the goal is entered: share or count
    goal_editable: bool = True
    engine: bool = False  # one of the initiative's own measures (the Mål page)
    #: Compared with when the row has no goal: an engine measure's threshold (the easiest).
    threshold: float | None = None
    #: Data columns without data (their cell is None): their day is before the project's first
    #: registration of the fact the row counts (a missing registration is not a "no").
    no_data_columns: frozenset[int] = frozenset()
    #: Why those columns have no data (Danish, for the user), or "".
    no_data_reason: str = ""

    @property
    def note(self) -> str:
        """Why the row has no numbers (Danish), or ""."""
        if self.availability == NOT_RELEVANT:
            return "ikke relevant for indsatsen"
        if self.availability == NO_DATA:
            return NO_DATA_TEXT
        return ""

    def cell_note(self, k: int) -> str:
        """Why data column k has no number (Danish), or "": the row's note, or "ingen data" in
        a column before the first registration of the row's fact."""
        if self.availability != OK:
            return self.note
        return NO_DATA_TEXT if k in self.no_data_columns else ""

    def goal_for(self, month: str) -> float | None:
        """The goal a column is compared with: the first goal dated in or after its month (the
        goal being worked towards); after the last goal date, the last goal."""
        if not self.goals:
            return self.threshold
        months = sorted(self.goals)
        for goal_month in months:
            if goal_month >= month:
                return self.goals[goal_month]
        return self.goals[months[-1]]

    def value(self, cell: Cell | None) -> Fraction | None:
        """What is compared with the goal: the share, the running total, citizens per caseworker."""
        if cell is None:
            return None
        if self.unit == COUNT:
            return Fraction(cell.cumulative if cell.cumulative is not None else int(cell.count))
        if self.unit in (SHARE, RATIO):
            if not cell.denominator:
                return None
            return Fraction(str(cell.count)) / Fraction(str(cell.denominator))
        return None

    def met(self, k: int, month: str) -> bool | None:
        """Data column k (of ``month``) against its goal: True met, False not, None nothing to
        compare (no goal, no number, or nobody in the denominator). Exact: 3 of 20 meets 15 %."""
        if self.availability != OK or self.unit == MARK or k in self.no_data_columns:
            return None
        goal = self.goal_for(month)
        value = self.value(self.cells[k]) if k < len(self.cells) else None
        if goal is None or value is None:
            return None
        limit = Fraction(str(goal))
        return value <= limit if self.direction == "at_most" else value >= limit


@dataclass(slots=True)
class StatusSheet:
    initiative_start: dt.date
    baseline: dt.date
    last: Month
    as_of: dt.date
    hours_over: float
    columns: list[Column]  # data columns (baseline, months) then goal columns
    rows: list[Row]
    report: Report | None = None  # the measures engine's report for the same months
    citizens: int = 0  # citizens in the project (none: the page shows how to import them)

    @property
    def data_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind != "goal"]

    @property
    def goal_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "goal"]

    def row(self, row_id: str) -> Row:
        for row in self.rows:
            if row.id == row_id:
                return row
        raise KeyError(row_id)


# --- validation of what the user edits -------------------------------------------------------------


def _parse_number(text: str) -> float:
    cleaned = text.strip().replace("%", "").replace("\u00a0", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." in cleaned:  # "1.234,5"
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError("»{text}« er ikke et tal.", text=text.strip()) from None
    if not math.isfinite(value):
        raise ValidationError("»{text}« er ikke et tal.", text=text.strip())
    return value


def check_goal(value: float, unit: str) -> float:
    """A goal as stored: a share 0–1, or a count ≥ 0; raises ValidationError (Danish)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError("Målet skal være et tal.")
    if unit == SHARE and not 0 <= value <= 1:
        raise ValidationError("Målet skal være en andel mellem 0 og 100 %.")
    if unit == COUNT and value < 0:
        raise ValidationError("Målet skal være et antal på mindst 0.")
    return float(value)


def parse_goal(text: str, unit: str) -> float | None:
    """What the user typed in a goal cell: "15", "15 %" or "15,5" (percent) for a share → 0.15;
    "10" for a count; empty → None (no goal). Raises ValidationError with a Danish message."""
    if not text.strip() or text.strip() in ("-", "–"):
        return None
    value = _parse_number(text)
    if unit == SHARE:
        if not 0 <= value <= 100:
            raise ValidationError("Målet skal være en andel mellem 0 og 100 %.")
        return check_goal(round(value / 100, 6), unit)
    return check_goal(value, unit)


def check_hours_over(value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value <= MAX_MONTH_HOURS
    ):
        raise ValidationError("Timegrænsen skal være et tal mellem 0 og 744 timer.")
    return float(value)


def parse_hours_over(text: str) -> float:
    return check_hours_over(_parse_number(text))


def check_month(template: ProgramTemplate, last: Month) -> None:
    """The sheet's last month must lie in the initiative's period."""
    check_in_period(last, Month.of(template.start), Month.of(template.end))


# --- counting ------------------------------------------------------------------------------------


class _Counts:
    """Counts, per column, how many of many masks have the column's bit set: each distinct mask
    is spread so that bit k becomes a field of ``field`` bits at k × field, and the spread
    masks are added up (one big-integer addition per distinct mask instead of one per bit)."""

    def __init__(self, width: int, most: int) -> None:
        self.width = width
        self.field = max(most, 1).bit_length() + 1
        f = self.field
        self.tables = [
            [
                sum(1 << ((8 * chunk + j) * f) for j in range(8) if byte >> j & 1)
                for byte in range(256)
            ]
            for chunk in range((width + 7) // 8)
        ]

    def __call__(self, masks: Iterable[int]) -> list[int]:
        tables = self.tables
        total = 0
        for mask, times in Counter(masks).items():
            spread, chunk = 0, 0
            while mask:
                spread |= tables[chunk][mask & 255]
                mask >>= 8
                chunk += 1
            total += spread * times
        f, low = self.field, (1 << self.field) - 1
        return [(total >> (k * f)) & low for k in range(self.width)]


class _MonthBits(dict[str, int]):
    """ISO date or month text → the sheet's month bits from that month on (``after``) or up to
    and including it (``until``), clipped to the sheet; each distinct text is worked out once."""

    def __init__(self, grid: _Grid, after: bool) -> None:
        super().__init__()
        self.grid = grid
        self.after = after

    def __missing__(self, text: str) -> int:
        m = int(text[:4]) * 12 + int(text[5:7]) - 1 - self.grid.base
        bits = self[text] = self.grid.bits(m, self.grid.n) if self.after else self.grid.bits(-1, m)
        return bits


class _Grid:
    """The sheet's data columns as bits: bit 0 the baseline day, bit 1 + i the i-th month."""

    def __init__(self, first: Month, last: Month, baseline: dt.date) -> None:
        self.base = first.index
        self.n = last.index - first.index + 1
        self.width = self.n + 1
        self.months = ((1 << self.width) - 1) & ~1
        self.b = baseline.isoformat()
        self.after = _MonthBits(self, after=True)
        self.until = _MonthBits(self, after=False)

    def bits(self, lo: int, hi: int) -> int:
        """Months lo..hi (indices from the first month, clipped to the sheet) as column bits."""
        if lo < 0:
            lo = 0
        if hi > self.n - 1:
            hi = self.n - 1
        return ((2 << hi) - (1 << lo)) << 1 if hi >= lo else 0

    def so_far(self, mask: int) -> int:
        """Month bits set from the first month set onwards (in any month so far)."""
        months = mask & self.months
        shift = 1
        while shift < self.width:
            months |= months << shift
            shift *= 2
        return months & self.months


def _status_masks(
    grid: _Grid, status: Iterable[tuple[Any, ...]], index: dict[str, int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Per citizen, the columns whose last day has a CV on Jobnet ("ja") and a job goal (not
    empty), from the latest entry on or before that day. ``status`` in entry order (of two
    entries on the same day, the later one holds)."""
    by_kind: dict[str, dict[str, tuple[Any, ...] | list[tuple[Any, ...]]]] = {_CV: {}, _GOAL: {}}
    for row in status:
        entries = by_kind.get(row[1])
        if entries is None:
            continue
        found = entries.get(row[0])
        if found is None:
            entries[row[0]] = row  # most citizens have one entry of a kind
        elif isinstance(found, list):
            found.append(row)
        else:
            entries[row[0]] = [found, row]
    after, b = grid.after, grid.b
    out: list[dict[int, int]] = []
    for kind, holds in ((_CV, _cv_holds), (_GOAL, _goal_holds)):
        masks: dict[int, int] = {}
        for cid, found in by_kind[kind].items():
            i = index.get(cid)
            if i is None:
                continue
            if isinstance(found, tuple):
                if holds(found[3]):
                    day = found[2]
                    masks[i] = after[day] | 1 if day <= b else after[day]
                continue
            found.sort(key=itemgetter(2))  # stable: the entry order stays within a day
            bits = 0
            for j, (_cid, _kind, day, value) in enumerate(found):
                upto = found[j + 1][2] if j + 1 < len(found) else None
                if not holds(value) or (upto is not None and upto <= day):
                    continue  # not held, or replaced the same day
                # Months whose last day d has day <= d < upto: from day's month to the month
                # before upto's; the baseline day when day <= b < upto.
                bits |= after[day] if upto is None else after[day] & ~after[upto]
                if day <= b and (upto is None or b < upto):
                    bits |= 1
            if bits:
                masks[i] = bits
        out.append(masks)
    return out[0], out[1]


def _cv_holds(value: str) -> bool:
    return value.strip().lower() == "ja"


def _goal_holds(value: str) -> bool:
    return bool(value.strip())


def first_recorded(facts: SheetFacts) -> dict[str, str]:
    """Snapshot kind → the day (ISO) of the project's first registration of it: the earliest
    dated CV-på-Jobnet and job-goal entry, the earliest start of a job-broker assignment. A
    kind without any registration is left out. One pass over rows already read: no query."""
    first: dict[str, str] = {}
    for _cid, kind, day, _value in facts.status:
        if kind in (_CV, _GOAL):
            found = first.get(kind)
            if found is None or day < found:
                first[kind] = day
    broker = first_registrations(facts.rows, (_JOB_BROKER,))[_JOB_BROKER]
    if broker is not None:
        first[_JOB_BROKER] = broker
    return first


def _days(grid: _Grid, first: Month) -> list[str]:
    """Each data column's day (ISO): the baseline's day, then each month's last day."""
    return [grid.b] + [(first + i).last.isoformat() for i in range(grid.n)]


def build(
    template: ProgramTemplate,
    facts: SheetFacts,
    last: Month,
    today: dt.date,
    report: Report | None = None,
) -> StatusSheet:
    """The status sheet from the initiative's first month to ``last``; ``today``: meetings after
    it are not counted yet (step-up). ``report``: the measures engine's report for the same
    months (its measures become rows, as on the Mål page)."""
    check_month(template, last)
    first = Month.of(template.start)
    baseline = template.baseline_date
    grid = _Grid(first, last, baseline)
    counts = _count_columns(template, facts, grid)
    months = [str(first + i) for i in range(grid.n)]
    data_columns = [Column("baseline", f"{baseline:%Y-%m}", baseline)] + [
        Column("month", m) for m in months
    ]
    goals = {g.measure: g for g in facts.goals}
    goal_months = sorted({month for g in facts.goals for month in g.targets})
    columns = data_columns + [Column("goal", m) for m in goal_months]
    cells = _RowCells(template, facts, grid, counts, months, last, today)
    x = number(facts.hours_over)
    rows: list[Row] = []
    for spec in ROWS:
        row = _new_row(spec, goals.get(spec.id), x)
        cells.fill(row, spec)
        rows.append(row)
    if report is not None:
        rows.extend(_engine_rows(template, report, months, goals))
    rows.extend(_uncounted_goal_rows(template, facts.goals, rows, grid.width))
    return StatusSheet(
        template.start,
        baseline,
        last,
        today,
        facts.hours_over,
        columns,
        rows,
        report,
        len(facts.rows.citizens),
    )


#: A row counted as a share of the target group: row → (numerator, denominator), names of
#: :func:`_count_columns`' masks; any other counted row: (its id, "ins").
_SHARES = {
    # Both group rows are shares of the gross target group: in seed 004's Bilag 2 their goals
    # (90 % and 10 %) add up to the gross group's 100 %.
    GROSS: ("tg", "tg"),
    JOB_BROKER: (JOB_BROKER, "tg"),
    REHAB: ("g2", "tg"),
    ENDED: (ENDED, "cum"),
}
#: Rows that count a kind of data the project may never have recorded (SheetFacts.recorded).
_NEEDS = {
    PAID: "paid_hours",
    HOURS_OVER: "paid_hours",
    CV: _CV,
    JOB_GOAL: _GOAL,
    JOB_BROKER: _JOB_BROKER,
}


def _new_row(spec: RowSpec, goal: Goal | None, x: str) -> Row:
    """A row of the sheet without its cells; ``x``: the project's "hours over x" setting."""
    row = Row(
        spec.id,
        goal.label if goal is not None else spec.label.format(x=x),
        spec.unit,
        spec.definition.format(x=x),
        spec.direction,
        goals=dict(goal.targets) if goal is not None else {},
        goal_unit=goal.unit if goal is not None else (COUNT if spec.unit == COUNT else SHARE),
        goal_editable=spec.unit != MARK,
    )
    if spec.id == HOURS_OVER:
        row.label = spec.label.format(x=x)  # x is the project's setting, whatever the label says
    return row


class _RowCells:
    """The cells of the sheet's own rows (:data:`ROWS`), from the counts of one sheet."""

    def __init__(
        self,
        template: ProgramTemplate,
        facts: SheetFacts,
        grid: _Grid,
        counts: dict[str, list[int]],
        months: list[str],
        last: Month,
        today: dt.date,
    ) -> None:
        self.template, self.facts, self.grid, self.counts = template, facts, grid, counts
        self.months, self.last, self.today = months, last, today
        self.firsts = first_recorded(facts)
        self.days = _days(grid, Month.of(template.start))

    def fill(self, row: Row, spec: RowSpec) -> None:
        """The row's cells, or why it has none (not relevant, no data)."""
        facts, width = self.facts, self.grid.width
        if spec.about_groups and not self.template.groups:
            row.availability, row.goal_editable = NOT_RELEVANT, False
            row.cells = [None] * width
        elif spec.id == EXEMPT_225 or (spec.id in _NEEDS and _NEEDS[spec.id] not in facts.recorded):
            row.availability = NO_DATA
            row.cells = [None] * width
        elif spec.id == STEPUP:
            t = self.template
            row.cells = _stepup_cells(facts.stepup, t.start, self.last, t.baseline_date, self.today)
        elif spec.id == COORDINATION:
            row.cells = [None] + [Cell(1 if m in facts.coordination else 0) for m in self.months]
        else:
            self._share_cells(row, spec)

    def _share_cells(self, row: Row, spec: RowSpec) -> None:
        """A share per column; none in the columns before the project first registered the
        snapshot fact the row counts."""
        numerator, denominator = _SHARES.get(spec.id, (spec.id, "ins"))
        nums, dens = self.counts[numerator], self.counts[denominator]
        row.cells = [Cell(nums[k], dens[k]) for k in range(self.grid.width)]
        kind = _SNAPSHOT.get(spec.id)
        if kind is not None and kind in self.firsts:
            _before_first(row, self.days, self.firsts[kind], _SNAPSHOT_LABELS[kind])


def _uncounted_goal_rows(
    template: ProgramTemplate, goals: Sequence[Goal], rows: list[Row], width: int
) -> list[Row]:
    """A goal of a user's template that names no row the program counts: kept, and said so."""
    known = {row.id for row in rows} | {spec.id for spec in template.measures}
    return [
        Row(
            goal.measure,
            goal.label,
            SHARE if goal.unit == SHARE else COUNT,
            "Programmet opgør ikke dette mål: ingen data.",
            availability=NO_DATA,
            cells=[None] * width,
            goals=dict(goal.targets),
            goal_unit=goal.unit,
        )
        for goal in goals
        if goal.measure not in known
    ]


def _count_columns(
    template: ProgramTemplate, facts: SheetFacts, grid: _Grid
) -> dict[str, list[int]]:
    """One pass over the rows into per-citizen column masks (:class:`_Sources`), one over the
    citizens into each row's numerator and denominator masks, then the counts per column of
    every numerator and denominator."""
    sources = _Sources(template, facts, grid)
    groups, inside, _who = _group_masks(template, facts.rows, grid, sources)
    masks = _indsats_masks(inside, sources)
    masks.update(groups)
    counter = _Counts(grid.width, len(facts.rows.citizens))
    return {name: counter(masks[name]) for name in _COUNTED}


#: The masks :func:`_count_columns` counts, in the order it counts them.
_COUNTED = (
    "tg",
    "g1",
    "g2",
    "ins",
    "cum",
    JOB_BROKER,
    ABSENCE,
    PASSIVE,
    CV,
    JOB_GOAL,
    PAID,
    PRAKTIK,
    LOENTILSKUD,
    COMPANY,
    HOURS_OVER,
    ENDED,
)


class _Sources:
    """Per source, per citizen (in the order of ``rows.citizens``): the columns touched by at
    least one day of it (an open end: ongoing)."""

    def __init__(self, template: ProgramTemplate, facts: SheetFacts, grid: _Grid) -> None:
        rows = facts.rows
        self.index = index = {row[0]: i for i, row in enumerate(rows.citizens)}
        self.count = len(rows.citizens)
        #: Offers, outcomes and absence (fravær) by period kind.
        self.periods = {
            kind: [0] * self.count for kind in (*_OFFERS, *_OUTCOMES, PeriodKind.FRAVAER.value)
        }
        #: Per citizen, the start days of the outcomes begun since the project's start; which
        #: count (begun in the target group) is decided with the citizen's entry and exit.
        self.outcome_starts: dict[int, list[str]] = {}
        self._scan_periods(rows.periods, grid, template.start.isoformat())
        self._scan_maternity(facts.maternity, grid)
        self.paid, self.over = self._paid_hours(rows.paid_hours, grid, facts.hours_over)
        self.broker = self._job_brokers(rows.assignments, grid)
        self.cv, self.job_goal = _status_masks(grid, facts.status, index)

    def _scan_periods(self, periods: Iterable[tuple[Any, ...]], grid: _Grid, start: str) -> None:
        lists, index, outcome_starts = self.periods, self.index, self.outcome_starts
        after, until, b = grid.after, grid.until, grid.b
        outcomes = frozenset(_OUTCOMES)
        for cid, kind, begin, end in periods:
            target = lists.get(kind)
            if target is not None:
                i = index[cid]
                if end is None:
                    target[i] |= after[begin] | 1 if begin <= b else after[begin]
                else:
                    target[i] |= (
                        after[begin] & until[end] | 1
                        if begin <= b <= end
                        else after[begin] & until[end]
                    )
                if kind in outcomes and begin >= start:
                    outcome_starts.setdefault(i, []).append(begin)

    def _scan_maternity(self, maternity: Iterable[tuple[Any, ...]], grid: _Grid) -> None:
        """Maternity leave (a fritagelse of kind barsel) counts as absence."""
        absent, index = self.periods[PeriodKind.FRAVAER.value], self.index
        after, until, b, everything = grid.after, grid.until, grid.b, grid.months
        for cid, start, end in maternity:
            i = index.get(cid)
            if i is not None:
                absent[i] |= after[start] & (everything if end is None else until[end]) | (
                    1 if start <= b and (end is None or b <= end) else 0
                )

    def _paid_hours(
        self, paid_hours: Iterable[tuple[Any, ...]], grid: _Grid, x: float
    ) -> tuple[list[int], list[int]]:
        """Per citizen, the columns with paid hours, and those with more than ``x`` hours."""
        index, after, until = self.index, grid.after, grid.until
        paid, over = [0] * self.count, [0] * self.count
        b_month = grid.b[:7]
        month_bits: dict[str, int] = {}  # the month's column, and the baseline's in its month
        for cid, paid_month, hours in paid_hours:
            if not hours > 0:
                continue
            bits = month_bits.get(paid_month)
            if bits is None:
                bits = month_bits[paid_month] = after[paid_month] & until[paid_month] | (
                    paid_month == b_month
                )
            i = index[cid]
            paid[i] |= bits
            if hours > x:
                over[i] |= bits
        return paid, over

    def _job_brokers(self, assignments: Iterable[tuple[Any, ...]], grid: _Grid) -> list[int]:
        index, after, until, b, everything = (
            self.index,
            grid.after,
            grid.until,
            grid.b,
            grid.months,
        )
        broker = [0] * self.count
        for cid, _staff, role, start, end in assignments:
            if role == _JOB_BROKER:
                broker[index[cid]] |= after[start] & (everything if end is None else until[end]) | (
                    1 if start <= b and (end is None or b <= end) else 0
                )
        return broker


def _group_masks(
    template: ProgramTemplate, rows: FactRows, grid: _Grid, sources: _Sources
) -> tuple[dict[str, list[int]], list[tuple[int, int]], list[int]]:
    """The masks of the target group ("tg"), its groups ("g1", "g2"), gruppe 1 with a job broker,
    the indsatsgruppe on some day so far ("cum") and its citizens who ended into job or
    education; (citizen, columns) of the indsatsgruppe: gruppe 1, or everyone in an
    initiative without groups; and whose "tg" masks they are (the citizens' indices, in
    order: :func:`cell_members` finds the owners of the other masks from them).

    In the target group per column, and on some day since the project's start (the engine's
    rule, docs/measures.md): entered by the column's last day (the entry of
    measures.target_group_entries: entry date or first benefit, BIR's baseline week, FSM2's
    age), not left (moved away, retired, died) before its first day; an exit before the entry
    keeps them out."""
    names = ("tg", "g1", "g2", "cum", JOB_BROKER, ENDED)
    masks: dict[str, list[int]] = {name: [] for name in names}
    add_tg, add_g1, add_g2, add_cum, add_broker, add_ended = (masks[n].append for n in names)
    inside: list[tuple[int, int]] = []
    who: list[int] = []
    add_who = who.append
    has_groups, start_iso = bool(template.groups), template.start.isoformat()
    after, until, b, everything = grid.after, grid.until, grid.b, grid.months
    since, so_far, leaving_reasons = min(start_iso, b), grid.so_far, LEAVING_REASONS
    broker, outcome_starts = sources.broker, sources.outcome_starts
    for i, ((_cid, _name, group, _entry, exit_date, reason), entry) in enumerate(
        zip(rows.citizens, target_group_entries(template, rows))
    ):
        if entry == NEVER:
            continue
        leaving = exit_date is not None and reason in leaving_reasons
        if leaving and entry is not None and exit_date < entry:
            continue
        tg = (everything if entry is None else after[entry]) & (
            until[exit_date] if leaving else everything
        )
        entered = entry is None or entry <= b
        if entered and not (leaving and exit_date < b):
            tg |= 1
        cum = so_far(tg)
        if entered and not (leaving and exit_date < since):
            cum |= 1
        if not tg and not cum:
            continue
        add_tg(tg)
        add_who(i)
        if group == INDSATS_GROUP:
            add_g1(tg)
            add_broker(tg & broker[i])
        elif group == REHAB_GROUP:
            add_g2(tg)
        if has_groups and group != INDSATS_GROUP:
            continue
        add_cum(cum)
        starts = outcome_starts.get(i)
        left = exit_date if leaving else None
        add_ended(cum & _began(grid, starts, entry, start_iso, left) if starts else 0)
        if tg:
            inside.append((i, tg))
    return masks, inside, who


def _began(
    grid: _Grid, starts: list[str], entry: str | None, start_iso: str, left: str | None
) -> int:
    """The columns from an outcome (job, fleksjob, education) on that began while the citizen
    was in the target group (from the project's start or their entry, to the day they left,
    ``left``): a job taken after moving away is not the project's."""
    after, b = grid.after, grid.b
    lowest = entry if entry is not None and entry > start_iso else start_iso
    began = 0
    for start in starts:
        if start >= lowest and not (left is not None and start > left):
            began |= after[start] | 1 if start <= b else after[start]
    return began


def _indsats_masks(inside: list[tuple[int, int]], sources: _Sources) -> dict[str, list[int]]:
    """The indsatsgruppe's rows: per citizen in it (``inside``: citizen, columns), the columns
    in which they have each source."""
    periods, paid = sources.periods, sources.paid
    praktik, loentilskud, mentor, other = (periods[kind] for kind in _OFFERS)
    ordinary, flex, education = (periods[kind] for kind in _OUTCOMES)
    absent, over = periods[PeriodKind.FRAVAER.value], sources.over
    cv_get, goal_get = sources.cv.get, sources.job_goal.get
    company = [
        praktik[i] | loentilskud[i] | paid[i] | ordinary[i] | flex[i] | education[i]
        for i, _ins in inside
    ]
    return {
        "ins": [ins for _i, ins in inside],
        ABSENCE: [ins & absent[i] for i, ins in inside],
        PASSIVE: [ins & ~(c | mentor[i] | other[i]) for (i, ins), c in zip(inside, company)],
        CV: [ins & cv_get(i, 0) for i, ins in inside],
        JOB_GOAL: [ins & goal_get(i, 0) for i, ins in inside],
        PAID: [ins & paid[i] for i, ins in inside],
        PRAKTIK: [ins & praktik[i] for i, ins in inside],
        LOENTILSKUD: [ins & loentilskud[i] for i, ins in inside],
        COMPANY: [ins & c for (_i, ins), c in zip(inside, company)],
        HOURS_OVER: [ins & over[i] for i, ins in inside],
    }


def _before_first(row: Row, days: Sequence[str], first: str, label: str) -> None:
    """The columns whose day is before ``first`` (the project's first registration of the
    row's fact) have no data: no count, no share, not compared with the goal. A column whose
    day is on or after it is counted as before (first CV entry 15 March: March is counted)."""
    missing = frozenset(k for k, day in enumerate(days) if day < first)
    if not missing:
        return
    for k in missing:
        row.cells[k] = None
    row.no_data_columns = missing
    row.no_data_reason = (
        "Ingen data før {day}, projektets første registrering af {label}. En manglende registrering er ikke "
        "et »nej«.".format(day=date_dots(dt.date.fromisoformat(first)), label=label)
    )


def _stepup_cells(
    cases: Sequence[StepUpCase], start: dt.date, last: Month, baseline: dt.date, today: dt.date
) -> list[Cell | None]:
    """Meetings held per month and the running total since the project's start
    (domain.stepup.monthly_counts: a meeting before the start is not the project's); at the
    baseline, the meetings held from the start to its day."""
    months = monthly_counts(cases, start, last.last, today)
    by_baseline = sum(
        1 for case in cases for m in case.meetings if start <= m.date <= min(baseline, today)
    )
    baseline_cell: list[Cell | None] = [Cell(by_baseline, None, by_baseline)]
    return baseline_cell + [Cell(m.held, None, m.cumulative) for m in months]


def _engine_rows(
    template: ProgramTemplate, report: Report, months: list[str], goals: dict[str, Goal]
) -> list[Row]:
    """The initiative's own measures as the Mål page shows them: for a month column, the
    measurement period that ends in it (the month, the rolling quarter ending with it, or the
    whole window counted up to it); nothing at the baseline. A period without data
    (:attr:`MeasureResult.no_data`) is a column without data; a measure whose fact the project
    never registered is a row without data."""
    return [_engine_row(spec, report, months, goals.get(spec.id)) for spec in template.measures]


#: How an engine row's measurement period relates to its month column, by the measure's unit.
_UNIT_TEXTS = {
    "month": "pr. måned",
    "rolling_quarter": "i rullende kvartaler (kvartalet, der slutter i måneden)",
    "period": "for hele perioden til og med måneden",
}


def _engine_row(spec: MeasureSpec, report: Report, months: list[str], goal: Goal | None) -> Row:
    caseload = spec.kind == "caseload"
    cells, missing = _engine_cells(report.for_measure(spec.id), months)
    never = any(report.first_registrations.get(fact, "") is None for fact in snapshot_facts(spec))
    values = [t.value for t in spec.thresholds]
    threshold = (min(values) if spec.direction == "at_least" else max(values)) if values else None
    row = Row(
        spec.id,
        goal.label if goal is not None else f"Resultatkrav: {spec.name}",
        RATIO if caseload else SHARE,
        f"Som på siden Mål, {_UNIT_TEXTS[spec.unit]}"
        + (": sager pr. fuldtids koordinerende sagsbehandler." if caseload else "."),
        spec.direction,
        cells=cells,
        goals=dict(goal.targets) if goal is not None else {},
        goal_unit=goal.unit if goal is not None else (COUNT if caseload else SHARE),
        availability=NO_DATA if never else OK,
        engine=True,
        threshold=threshold,
        no_data_columns=frozenset() if never else frozenset(missing),
        no_data_reason=no_data_reason(spec, report.first_registrations) if missing or never else "",
    )
    if never:
        row.cells = [None] * len(cells)
    return row


def _engine_cells(
    results: Sequence[MeasureResult], months: list[str]
) -> tuple[list[Cell | None], set[int]]:
    """The cells of one measure (none at the baseline), and the columns without data."""
    by_end = {str(r.period_end): r for r in results}
    cells: list[Cell | None] = [None]
    missing: set[int] = set()
    for k, month in enumerate(months, start=1):
        r = by_end.get(month)
        if r is not None and r.no_data:
            missing.add(k)
            r = None
        cells.append(None if r is None else Cell(r.numerator, r.denominator))
    return cells, missing


# --- the citizens behind a cell ------------------------------------------------------------------

#: Why a citizen is in a row's numerator, by row ({when}: "i mar. 2021" or "den 01.11.2019").
_MEMBER_REASONS = {
    GROSS: "I målgruppen {when}",
    JOB_BROKER: "Gruppe 1 med en jobformidler {when}",
    REHAB: "Gruppe 2 i målgruppen {when}",
    ABSENCE: "Fravær eller barsel {when}",
    PASSIVE: "Hverken tilbud, job, fleksjob, SU-uddannelse eller løntimer {when}",
    CV: "CV på Jobnet »ja« {when}",
    JOB_GOAL: "Jobmål udfyldt {when}",
    PAID: "Løntimer {when}",
    PRAKTIK: "Virksomhedspraktik {when}",
    LOENTILSKUD: "Løntilskud {when}",
    COMPANY: "Praktik, løntilskud, løntimer, job, fleksjob eller SU-uddannelse {when}",
    HOURS_OVER: "Løntimer over {x} timer {when}",
    ENDED: "Job, fleksjob eller SU-uddannelse begyndt i målgruppen siden projektets start",
}
#: Why a citizen is in a denominator, by the name of its mask.
_DENOMINATOR_REASONS = {
    "tg": "I målgruppen {when}",
    "ins": "I indsatsgruppen {when}",
    "cum": "I indsatsgruppen på mindst én dag siden projektets start",
}
#: The rows whose cells count citizens (:func:`cell_members` lists them).
CITIZEN_ROWS = frozenset(_MEMBER_REASONS)


def cell_members(
    template: ProgramTemplate, facts: SheetFacts, last: Month, row_id: str, k: int
) -> tuple[list[Member], list[Member]]:
    """(numerator, denominator): the citizens behind data column ``k`` of a row that counts
    citizens (:data:`CITIZEN_ROWS`), by the very masks :func:`build` counts (the same pass
    over the same rows), so the lists are as long as the cell's two numbers. Sorted by name.
    Raises KeyError for a row that counts no citizens, IndexError for a column outside."""
    if row_id not in CITIZEN_ROWS:
        raise KeyError(row_id)
    check_month(template, last)
    first = Month.of(template.start)
    grid = _Grid(first, last, template.baseline_date)
    if not 0 <= k < grid.width:
        raise IndexError(k)
    sources = _Sources(template, facts, grid)
    groups, inside, who = _group_masks(template, facts.rows, grid, sources)
    citizens = facts.rows.citizens
    has_groups = bool(template.groups)
    g1 = [i for i in who if citizens[i][2] == INDSATS_GROUP]
    owners = {
        "tg": who,
        "g1": g1,
        JOB_BROKER: g1,
        "g2": [i for i in who if citizens[i][2] == REHAB_GROUP],
        "cum": [i for i in who if not has_groups or citizens[i][2] == INDSATS_GROUP],
    }
    owners[ENDED] = owners["cum"]
    masks: dict[str, list[int]] = dict(groups)
    masks.update(_indsats_masks(inside, sources))
    for name in masks:
        owners.setdefault(name, [i for i, _ins in inside])
    numerator, denominator = _SHARES.get(row_id, (row_id, "ins"))
    column = (
        f"den {date_dots(template.baseline_date)}"
        if k == 0
        else f"i {month_label(str(first + (k - 1)))}"
    )
    x = number(facts.hours_over)

    def members(name: str, reason: str) -> list[Member]:
        bit = 1 << k
        found = [
            Member(citizens[i][0], citizens[i][1], reason)
            for i, mask in zip(owners[name], masks[name], strict=True)
            if mask & bit
        ]
        return sorted(found, key=lambda m: (m.name.casefold(), m.citizen_id))

    return (
        members(numerator, _MEMBER_REASONS[row_id].format(when=column, x=x)),
        members(denominator, _DENOMINATOR_REASONS[denominator].format(when=column)),
    )
