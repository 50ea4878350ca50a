"""Caseloads (sagsstammer): how many citizens each person carries, per person and per full-time
equivalent, on a day and month by month; the initiative's limits and the warnings; the IPS
fidelity bands; and the plans that move citizens to someone else (a reassignment, or spreading a
leaving employee's caseload over the colleagues).

Pure Python. Storage hands over the assignment rows as SQLite returns them
(:class:`AssignmentRows`, one query); :func:`count_caseloads` counts every person on every day
asked for in one pass over them. Every rule, with its source and the decisions where the sources
are silent, is in docs/caseload.md; the HIR measure (domain.measures, ``hir.caseload``) shares
:data:`FULL_TIME_HOURS` and :func:`counts_in_caseload` with this module."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import AssignmentRole, Staff, StaffRole
from fsm_desktop.domain.text import name_problem

#: A full-time week (Danish public sector: 37 hours). One full-time equivalent = 37 hours a week.
FULL_TIME_HOURS = 37.0
#: The most hours a week the register takes (the working-time directive's 48-hour average).
MAX_HOURS = 48.0
MAX_NAME = 200
#: Initials: 1 to 8 letters or digits, no spaces (the register's rule and the import's).
INITIALS = re.compile(r"[0-9A-Za-zÆØÅæøåÄÖÜäöüÉé]{1,8}")
INITIALS_RULE = "1 til 8 bogstaver eller tal, uden mellemrum"

#: The staff roles that may hold each kind of assignment (docs/citizens.md: only job brokers are
#: offered as job broker; caseworkers and pseudo-caseworkers as caseworker).
HOLDERS: dict[AssignmentRole, frozenset[StaffRole]] = {
    AssignmentRole.JOB_BROKER: frozenset({StaffRole.JOB_BROKER}),
    AssignmentRole.CASEWORKER: frozenset({StaffRole.CASEWORKER, StaffRole.PSEUDO}),
}
#: The assignment role a person's caseload is made of, by their staff role (leaders have none).
CASELOAD_ROLE: dict[StaffRole, AssignmentRole] = {
    StaffRole.JOB_BROKER: AssignmentRole.JOB_BROKER,
    StaffRole.CASEWORKER: AssignmentRole.CASEWORKER,
    StaffRole.PSEUDO: AssignmentRole.CASEWORKER,
}
#: The roles whose caseloads are counted and have limits.
COUNTED_ROLES = (StaffRole.CASEWORKER, StaffRole.JOB_BROKER)
ROLE_PLURAL = {StaffRole.CASEWORKER: "Sagsbehandlere", StaffRole.JOB_BROKER: "Jobformidlere"}


# --- the arithmetic ---------------------------------------------------------------------------------
def counts_in_caseload(role: StaffRole | str, hours: float) -> bool:
    """Whether a person's citizens count in a caseload: a job broker or caseworker with hours.

    Pseudo-caseworkers ("Barsel/fængsel", "Sag overdraget til pensionsnævnet": role pseudo, 0
    hours, seeds/003 registration §6) and anyone registered with 0 hours count in nobody's
    caseload, and neither do the citizens parked with them."""
    return role in (StaffRole.JOB_BROKER, StaffRole.CASEWORKER) and hours > 0


def fte(hours: float) -> float:
    """Full-time equivalents: hours a week ÷ 37 (30 hours → 0.81)."""
    return hours / FULL_TIME_HOURS


def per_fte(citizens: int, hours: float) -> Fraction | None:
    """Citizens per full-time equivalent, exactly: citizens × 37 ÷ hours (28 citizens on 30 hours
    → 34.53). None for 0 hours (nobody to divide by)."""
    if hours <= 0:
        return None
    return Fraction(citizens) * Fraction(FULL_TIME_HOURS) / Fraction(hours)


# --- the staff register -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StaffRecord:
    """A person in the register with the dates they were in the project (None: open)."""

    staff: Staff
    active_from: dt.date | None = None
    active_to: dt.date | None = None

    @property
    def id(self) -> str:
        return self.staff.id

    @property
    def initials(self) -> str:
        return self.staff.initials

    @property
    def name(self) -> str:
        return self.staff.name

    @property
    def role(self) -> StaffRole:
        return self.staff.role

    @property
    def hours(self) -> float:
        return self.staff.hours_per_week

    @property
    def counted(self) -> bool:
        return counts_in_caseload(self.role, self.hours)

    def active_on(self, day: dt.date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or self.active_to >= day
        )


def _dk(day: dt.date | None) -> str:
    return date_text(day)


def _num(value: float | Fraction, decimals: int = 1) -> str:
    """Danish decimal comma, trailing zeros dropped: 34.53 → "34,5", 35 → "35"."""
    text = f"{float(value):.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def validate_staff(record: StaffRecord, others: Iterable[StaffRecord]) -> dict[str, str]:
    """Field → Danish message for what is wrong with a person in the register (empty: all is
    well). ``others``: the rest of the register (initials are unique, case aside)."""
    problems: dict[str, str] = {}
    staff = record.staff
    name = staff.name.strip()
    if not name:
        problems["name"] = "Navnet skal udfyldes."
    elif len(name) > MAX_NAME:
        problems["name"] = f"Navnet er for langt (højst {MAX_NAME} tegn)."
    initials = staff.initials.strip()
    if not initials:
        problems["initials"] = "Initialerne skal udfyldes."
    elif not INITIALS.fullmatch(initials):
        problems["initials"] = f"Initialer er {INITIALS_RULE}."
    else:
        for other in others:
            if other.id != record.id and other.initials.strip().casefold() == initials.casefold():
                problems["initials"] = "Initialerne {i} bruges allerede af {name}.".format(
                    i=other.initials, name=other.name
                )
                break
    hours = staff.hours_per_week
    if not 0 <= hours <= MAX_HOURS:  # also NaN
        problems["hours"] = "Timer pr. uge skal ligge mellem 0 og {m}.".format(m=_num(MAX_HOURS))
    elif staff.role is StaffRole.PSEUDO and hours != 0:
        problems["hours"] = (
            "En pseudo-sagsbehandler registreres med 0 timer pr. uge, så borgerne ikke tæller med i nogens sagsstamme."
        )
    if record.active_from and record.active_to and record.active_to < record.active_from:
        problems["active_to"] = "»Aktiv til« {a} ligger før »aktiv fra« {b}.".format(
            a=_dk(record.active_to), b=_dk(record.active_from)
        )
    if "name" not in problems and (problem := name_problem(staff.name)) is not None:
        problems["name"] = problem
    return problems


def role_change_problem(
    new_role: StaffRole, open_cases: Mapping[AssignmentRole, int]
) -> str | None:
    """A new role that cannot hold the person's open assignments (``open_cases``: count per
    assignment role, open today or later) is refused: the citizens are moved first."""
    for role, cases in open_cases.items():
        if cases and new_role not in HOLDERS[role]:
            if cases == 1:
                text = "Medarbejderen har 1 borger som {role}; en {new} kan ikke have borgeren. Omfordel borgeren først."
            else:
                text = "Medarbejderen har {n} borgere som {role}; en {new} kan ikke have dem. Omfordel borgerne først."
            return text.format(n=cases, role=role.value, new=_ROLE_WORDS[new_role])
    return None


_ROLE_WORDS = {
    StaffRole.JOB_BROKER: "jobformidler",
    StaffRole.CASEWORKER: "sagsbehandler",
    StaffRole.LEADER: "leder",
    StaffRole.PSEUDO: "pseudo-sagsbehandler",
}


# --- limits and settings ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Limit:
    """A caseload limit per full-time equivalent: over ``high`` is over the limit; with ``low``
    (HIR: 30–35), between the two is inside the range and worth a look."""

    high: float
    low: float | None = None

    def label(self) -> str:
        return f"{_num(self.low)}–{_num(self.high)}" if self.low is not None else _num(self.high)


#: Hedensted plans about 40 cases per personal job broker (seeds/004, "Lave sagsstammer").
JOB_BROKER_LIMIT = Limit(40.0)


class Band(StrEnum):
    """IPS fidelity scale, item "caseload size", per full-time specialist (score 5 best)."""

    FIVE = "≤ 20"
    FOUR = "21–25"
    THREE = "26–30"
    TWO = "31–40"
    ONE = "≥ 41"

    @property
    def score(self) -> int:
        return 5 - list(Band).index(self)


_BAND_TOPS = ((20, Band.FIVE), (25, Band.FOUR), (30, Band.THREE), (40, Band.TWO))


def ips_band(load: Fraction | float | None) -> Band | None:
    """The IPS band of a caseload per full-time equivalent. Between whole numbers a load
    belongs to the band above (20.5 is more than 20: "21–25")."""
    if load is None:
        return None
    for top, band in _BAND_TOPS:
        if load <= top:
            return band
    return Band.ONE


@dataclass(frozen=True, slots=True)
class CaseloadSettings:
    """The limits per role (None: no limit) and whether the IPS bands are shown. Stored in the
    project (project_setting ``caseload``); the defaults come from the initiative."""

    limits: Mapping[StaffRole, Limit | None] = field(default_factory=dict)
    ips: bool = False

    def limit(self, role: StaffRole) -> Limit | None:
        return self.limits.get(role)

    def to_json(self) -> dict[str, Any]:
        return {
            "limits": {
                role.value: None if limit is None else {"high": limit.high, "low": limit.low}
                for role, limit in self.limits.items()
            },
            "ips": self.ips,
        }


def default_settings(template: Any) -> CaseloadSettings:
    """The initiative's limits: a caseload measure in the template (HIR ``hir.caseload``: at most
    30–35, seeds/003) gives the caseworkers' range; job brokers get about 40 (seeds/004)."""
    caseworker: Limit | None = None
    for spec in getattr(template, "measures", ()):
        if spec.kind == "caseload" and spec.direction == "at_most" and spec.thresholds:
            values = sorted(t.value for t in spec.thresholds)
            caseworker = Limit(values[-1], values[0] if len(values) > 1 else None)
            break
    return CaseloadSettings(
        {StaffRole.CASEWORKER: caseworker, StaffRole.JOB_BROKER: JOB_BROKER_LIMIT}
    )


def limit_problem(high: float | None, low: float | None) -> str | None:
    """What is wrong with a limit the user typed (None: nothing)."""
    if high is None:
        return "Skriv grænsen (sager pr. fuldtid)." if low is not None else None
    if not 0 < high <= 1000:
        return "Grænsen skal ligge mellem 1 og 1000 sager pr. fuldtid."
    if low is not None and not 0 < low < high:
        return "Den nedre grænse skal ligge mellem 0 og den øvre grænse."
    return None


def settings_from_json(data: Any, defaults: CaseloadSettings) -> CaseloadSettings:
    """Stored settings over the defaults; a role or value that does not read as a limit keeps
    its default (the stored JSON is ours, but may come from a newer version)."""
    if not isinstance(data, dict):
        return defaults
    limits = dict(defaults.limits)
    stored = data.get("limits")
    if isinstance(stored, dict):
        for role in COUNTED_ROLES:
            if role.value not in stored:
                continue
            value = stored[role.value]
            if value is None:
                limits[role] = None
                continue
            if not isinstance(value, dict):
                continue
            high, low = value.get("high"), value.get("low")
            numbers = all(
                v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                for v in (high, low)
            )
            if numbers and high is not None and limit_problem(high, low) is None:
                limits[role] = Limit(float(high), None if low is None else float(low))
    ips = data.get("ips")
    return CaseloadSettings(limits, ips if isinstance(ips, bool) else defaults.ips)


# --- counting ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class AssignmentRows:
    """The facts as storage reads them. Dates are ISO text (which sorts as dates do).

    - assignments: (citizen_id, staff_id, role, start, end), end None = open
    - left: citizen id → the day they left the target group (moved away, retired, died)
    - registered_while: for HIR, citizen id → the (start, end) of their ressourceforløb
      periods: a caseworker's registration lasts only while the citizen is in one ("hver gang
      borgeren afsluttes hos en sagsbehandler, skifter ydelse eller flytter kommune" ends it:
      seed 003, registration §3); None for initiatives without that rule"""

    assignments: Sequence[tuple[Any, ...]]
    left: Mapping[str, str] = field(default_factory=dict)
    registered_while: Mapping[str, Sequence[tuple[str, str | None]]] | None = None


@dataclass(frozen=True, slots=True)
class CaseloadHistory:
    """Counts per person per day (index k of ``days``)."""

    days: tuple[dt.date, ...]
    #: staff id → citizens in the person's caseload per day (0 for those who count in nobody's)
    citizens: dict[str, list[int]]
    #: staff id → the person's citizens parked with a pseudo-caseworker per day (for a
    #: pseudo-caseworker: the citizens parked with them)
    parked: dict[str, list[int]]
    #: role → per day (distinct citizens, hours a week of the persons who have citizens)
    team: dict[StaffRole, list[tuple[int, float]]]

    def index(self, day: dt.date) -> int:
        return self.days.index(day)


def _runs(mask: int) -> Iterable[tuple[int, int]]:
    """The runs of set bits of ``mask`` as (first, past-the-last) bit indexes."""
    while mask:
        lo = (mask & -mask).bit_length() - 1
        shifted = mask >> lo
        length = (~shifted & (shifted + 1)).bit_length() - 1
        yield lo, lo + length
        mask &= ~(((1 << length) - 1) << lo)


def _add(diff: list[int], mask: int) -> None:
    """Count the days of ``mask`` in a difference array (one run: two additions)."""
    if not mask:
        return
    low = mask & -mask
    past = mask + low
    if not past & mask:  # one run of days, as almost every assignment is
        diff[low.bit_length() - 1] += 1
        diff[past.bit_length() - 1] -= 1
        return
    for lo, hi in _runs(mask):
        diff[lo] += 1
        diff[hi] -= 1


def _totals(diff: list[int], n: int) -> list[int]:
    out, running = [], 0
    for k in range(n):
        running += diff[k]
        out.append(running)
    return out


def count_caseloads(
    rows: AssignmentRows, staff: Mapping[str, StaffRecord], days: Sequence[dt.date]
) -> CaseloadHistory:
    """Every person's caseload on each of ``days`` (ascending, no repeats), in one pass.

    On day D a person's caseload is the citizens with an assignment open on D (start ≤ D ≤ end)
    in the role their staff role holds (job brokers as job broker, caseworkers as caseworker),
    each once, who have not left by D (moved away, retired or died on D or before) and are not
    parked on D. A citizen is parked on D when their caseworker assignments open on D are all with
    persons who count in nobody's caseload (pseudo-caseworkers, 0 hours): they count in nobody's
    caseload, their job broker's included (seeds/003 §6: "indgår ikke i den samlede sagsmængde")."""
    keys = [d.isoformat() for d in days]
    if any(a >= b for a, b in itertools.pairwise(keys)):
        raise ValueError("days must ascend without repeats")
    n = len(keys)
    left_of, right_of = bisect.bisect_left, bisect.bisect_right
    counted = {sid for sid, s in staff.items() if s.counted}
    holds = {
        sid: CASELOAD_ROLE[s.role].value for sid, s in staff.items() if s.role in CASELOAD_ROLE
    }
    left = rows.left
    caseworker = AssignmentRole.CASEWORKER.value
    registered_while = rows.registered_while
    benefit_days: dict[str, int] = {}
    if registered_while is not None:
        for cid, spans in registered_while.items():
            mask = 0
            for start, end in spans:
                lo = left_of(keys, start)
                hi = n if end is None else right_of(keys, end)
                if lo < hi:
                    mask |= (1 << hi) - (1 << lo)
            benefit_days[cid] = mask
    real: dict[str, int] = {}  # citizen → days with a caseworker who counts
    pseudo: dict[str, int] = {}  # citizen → days with a caseworker who does not
    pairs: dict[tuple[str, str], int] = {}  # (staff, citizen) → days in the person's caseload role
    for cid, sid, role, start, end, *_ in rows.assignments:
        lo = left_of(keys, start)
        hi = n if end is None else right_of(keys, end)
        gone = left.get(cid)
        if gone is not None:
            hi = min(hi, left_of(keys, gone))
        if lo >= hi:
            continue
        mask = (1 << hi) - (1 << lo)
        if role == caseworker and registered_while is not None:
            mask &= benefit_days.get(cid, 0)  # HIR: registered only while in ressourceforløb
            if not mask:
                continue
        if role == caseworker:
            target = real if sid in counted else pseudo
            target[cid] = target.get(cid, 0) | mask
        if holds.get(sid) == role:
            key = (sid, cid)
            pairs[key] = pairs.get(key, 0) | mask
    parked = {cid: m & ~real.get(cid, 0) for cid, m in pseudo.items()}
    parked = {cid: m for cid, m in parked.items() if m}
    citizens_diff = {sid: [0] * (n + 1) for sid in staff}
    parked_diff = {sid: [0] * (n + 1) for sid in staff}
    role_of = {sid: s.role for sid, s in staff.items()}
    # A citizen with two persons of the same role on a day counts once for the role as a whole.
    seen: dict[StaffRole, dict[str, int]] = {role: {} for role in COUNTED_ROLES}
    doubles = {role: [0] * (n + 1) for role in COUNTED_ROLES}
    for (sid, cid), mask in pairs.items():
        away = parked.get(cid, 0)
        if sid not in counted:
            _add(parked_diff[sid], mask)
            continue
        if away:
            _add(parked_diff[sid], mask & away)
            mask &= ~away
        _add(citizens_diff[sid], mask)
        role = role_of[sid]
        before = seen[role].get(cid, 0)
        if before & mask:
            _add(doubles[role], before & mask)
        seen[role][cid] = before | mask
    citizens = {sid: _totals(d, n) for sid, d in citizens_diff.items()}
    team: dict[StaffRole, list[tuple[int, float]]] = {}
    for role in COUNTED_ROLES:
        distinct = [-d for d in _totals(doubles[role], n)]
        hours = [0.0] * n
        for sid in counted:
            if role_of[sid] is role:
                for k, count in enumerate(citizens[sid]):
                    if count:
                        distinct[k] += count
                        hours[k] += staff[sid].hours
        team[role] = list(zip(distinct, hours))
    return CaseloadHistory(
        tuple(days), citizens, {sid: _totals(d, n) for sid, d in parked_diff.items()}, team
    )


def count_day(month: dt.date, today: dt.date) -> dt.date:
    """The day a month is counted on: its last day, or ``today`` in today's month (the month's
    last day lies ahead, and assignments dated later would count before they begin)."""
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if (month.year, month.month) == (today.year, today.month):
        return today
    return following - dt.timedelta(days=1)


def month_days(first: dt.date, today: dt.date) -> list[tuple[str, dt.date]]:
    """The months from ``first``'s month to ``today``'s, each as ("YYYY-MM", :func:`count_day`)."""
    if first > today:
        first = today
    out = []
    month = first.replace(day=1)
    while (month.year, month.month) <= (today.year, today.month):
        out.append((f"{month.year:04d}-{month.month:02d}", count_day(month, today)))
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


# --- judging against the limits ---------------------------------------------------------------------
class Status(StrEnum):
    OK = "ok"  # at or under the limit (under the range's lower end)
    IN_RANGE = "i_intervallet"  # over the lower end, at or under the limit (HIR: 30 < x ≤ 35)
    OVER = "over"  # over the limit
    NO_LIMIT = "ingen_graense"
    NOT_COUNTED = "taeller_ikke"  # pseudo-caseworkers, 0 hours, leaders


STATUS_LABELS = {
    Status.OK: "under grænsen",
    Status.IN_RANGE: "inden for {limit}",
    Status.OVER: "over grænsen ({limit})",
    Status.NO_LIMIT: "ingen grænse",
    Status.NOT_COUNTED: "tæller ikke med",
}


def judge(load: Fraction | None, limit: Limit | None) -> Status:
    """A load per full-time equivalent against a limit, compared exactly."""
    if load is None:
        return Status.NOT_COUNTED
    if limit is None:
        return Status.NO_LIMIT
    if load > Fraction(limit.high):
        return Status.OVER
    if limit.low is not None and load > Fraction(limit.low):
        return Status.IN_RANGE
    return Status.OK


def status_text(status: Status, limit: Limit | None) -> str:
    return STATUS_LABELS[status].format(limit=limit.label() if limit else "")


@dataclass(frozen=True, slots=True)
class PersonLoad:
    record: StaffRecord
    day: dt.date
    citizens: int  # in the caseload
    parked: int  # parked with a pseudo-caseworker (theirs, or with them)
    per_fte: Fraction | None  # None: counts in nobody's caseload
    limit: Limit | None
    status: Status  # of the whole caseload (the same as the registered one without other cases)
    band: Band | None
    #: HIR: the caseworker's cases outside the target group that month, as entered.
    other: int = 0
    #: citizens and other cases per full-time equivalent (the limit's 30–35 holds for this:
    #: seed 003, pool §3); the same as ``per_fte`` without other cases
    whole_per_fte: Fraction | None = None

    @property
    def fte(self) -> float:
        return fte(self.record.hours)

    @property
    def over_limit(self) -> bool:
        return self.status is Status.OVER

    @property
    def gone_with_citizens(self) -> bool:
        """Not in the project on the day (before »aktiv fra«, after »aktiv til«) but holding citizens."""
        return not self.record.active_on(self.day) and self.citizens + self.parked > 0


def person_loads(
    history: CaseloadHistory,
    staff: Iterable[StaffRecord],
    settings: CaseloadSettings,
    k: int,
    other_cases: Mapping[str, Mapping[str, int]] | None = None,
) -> list[PersonLoad]:
    """Everyone in ``staff`` on the k-th day of the history, in the order given. ``other_cases``
    (HIR): a caseworker's cases outside the target group per month; the limit is judged on the
    whole caseload, citizens and other cases together."""
    day = history.days[k]
    month = f"{day:%Y-%m}"
    out = []
    for record in staff:
        citizens = history.citizens.get(record.id, [0] * len(history.days))[k]
        parked = history.parked.get(record.id, [0] * len(history.days))[k]
        load = per_fte(citizens, record.hours) if record.counted else None
        limit = settings.limit(record.role) if record.counted else None
        other = 0
        if other_cases and record.counted and record.role is StaffRole.CASEWORKER:
            other = other_cases.get(record.id, {}).get(month, 0)
        whole = per_fte(citizens + other, record.hours) if record.counted else None
        out.append(
            PersonLoad(
                record,
                day,
                citizens,
                parked,
                load,
                limit,
                judge(whole, limit),
                ips_band(load),
                other,
                whole,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class TeamLoad:
    """A role as a whole (the HIR measure for caseworkers): distinct citizens ÷ the full-time
    equivalents of the persons who have citizens."""

    role: StaffRole
    citizens: int
    hours: float
    per_fte: Fraction | None
    limit: Limit | None
    status: Status


def team_loads(history: CaseloadHistory, settings: CaseloadSettings, k: int) -> list[TeamLoad]:
    out = []
    for role in COUNTED_ROLES:
        citizens, hours = history.team[role][k]
        if not hours:
            continue
        load = per_fte(citizens, hours)
        limit = settings.limit(role)
        out.append(TeamLoad(role, citizens, hours, load, limit, judge(load, limit)))
    return out


def warnings(people: Sequence[PersonLoad], teams: Sequence[TeamLoad] = ()) -> list[str]:
    """What a team leader should see, in Danish, worst first."""
    over, in_range, other = [], [], []
    for p in people:
        who = f"{p.record.initials} ({p.record.name})"
        if p.status is Status.OVER:
            over.append(_person_over(p, who))
        if p.gone_with_citizens:
            when = (
                p.record.active_to
                if p.record.active_to and p.record.active_to < p.day
                else p.record.active_from
            )
            verb = (
                "fratrådt"
                if p.record.active_to and p.record.active_to < p.day
                else "først aktiv fra"
            )
            n = p.citizens + p.parked
            other.append(
                "{who} er {verb} {d}, men har {n} – fordel sagsstammen.".format(
                    who=who, verb=verb, d=_dk(when), n="1 borger" if n == 1 else f"{n} borgere"
                )
            )
        if (
            not p.record.counted
            and p.record.role is not StaffRole.PSEUDO
            and p.record.role is not StaffRole.LEADER
            and p.parked
        ):
            whose = "borgeren" if p.parked == 1 else f"de {p.parked} borgere"
            other.append(
                "{who} har 0 timer om ugen; {whose} tæller ikke med i nogens sagsstamme.".format(
                    who=who, whose=whose
                )
            )
    for t in teams:
        if t.status is Status.OVER:
            load, limit = _against_limit(t)
            over.insert(
                0,
                "{role} har i alt {load} borgere pr. fuldtid – over grænsen på {limit}.".format(
                    role=ROLE_PLURAL[t.role], load=_num(load), limit=_num(limit.high)
                ),
            )
        elif t.status is Status.IN_RANGE:
            load, limit = _against_limit(t)
            in_range.append(
                "{role} har i alt {load} borgere pr. fuldtid – inden for {limit}.".format(
                    role=ROLE_PLURAL[t.role], load=_num(load), limit=limit.label()
                )
            )
    return over + other + in_range


def _person_over(p: PersonLoad, who: str) -> str:
    """The warning for a person over the limit (with other cases: the whole caseload)."""
    limit, load, whole = p.limit, p.per_fte, p.whole_per_fte
    if limit is None or load is None or whole is None:  # judge(): OVER needs a load and a limit
        raise ValueError("over the limit without a load or a limit")
    if p.other:
        return "{who} har {load} sager pr. fuldtid med {other} andre sager – over grænsen på {limit}.".format(
            who=who, load=_num(whole), other=p.other, limit=_num(limit.high)
        )
    return "{who} har {load} borgere pr. fuldtid – over grænsen på {limit}.".format(
        who=who, load=_num(load), limit=_num(limit.high)
    )


def _against_limit(t: TeamLoad) -> tuple[Fraction, Limit]:
    """The load and the limit of a role judged against its limit (over it, or in its range)."""
    if t.per_fte is None or t.limit is None:  # judge(): never without a load and a limit
        raise ValueError("a status against a limit without a load or a limit")
    return t.per_fte, t.limit


def shown(load: PersonLoad) -> bool:
    """Who a caseload list shows: job brokers, caseworkers and pseudo-caseworkers in the project
    on the day, and anyone holding citizens (a leader, someone who left)."""
    if load.citizens or load.parked:
        return True
    return load.record.role is not StaffRole.LEADER and load.record.active_on(load.day)


@dataclass(frozen=True, slots=True)
class CaseloadReport:
    """The register, the counts on each day and the limits: what the page and the command line
    show. ``days`` ascend; ``labels`` name them (a month "YYYY-MM", or the day)."""

    staff: tuple[StaffRecord, ...]
    settings: CaseloadSettings
    history: CaseloadHistory
    labels: tuple[str, ...]
    #: HIR: caseworkers' cases outside the target group, staff id → month → cases
    other_cases: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def people(self, k: int) -> list[PersonLoad]:
        return person_loads(self.history, self.staff, self.settings, k, self.other_cases)

    def teams(self, k: int) -> list[TeamLoad]:
        return team_loads(self.history, self.settings, k)

    def warnings(self, k: int) -> list[str]:
        return warnings([p for p in self.people(k) if shown(p)], self.teams(k))


def caseload_report(
    staff: Sequence[StaffRecord],
    rows: AssignmentRows,
    settings: CaseloadSettings,
    days: Sequence[tuple[str, dt.date]],
    other_cases: Mapping[str, Mapping[str, int]] | None = None,
) -> CaseloadReport:
    """Count every person on each (label, day) of ``days`` (ascending)."""
    history = count_caseloads(rows, {s.id: s for s in staff}, [d for _, d in days])
    return CaseloadReport(
        tuple(staff), settings, history, tuple(label for label, _ in days), dict(other_cases or {})
    )


# --- moving citizens --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OpenCase:
    """A citizen's assignment open on the day of a reassignment, with what the plan must know."""

    assignment_id: str
    citizen_id: str
    name: str
    staff_id: str
    role: AssignmentRole
    start: dt.date
    end: dt.date | None = None
    #: the start of a later assignment of the same role (None: this one is the newest)
    later_start: dt.date | None = None
    #: the day the citizen left the target group (None: still in)
    left_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Move:
    """One citizen to another person from ``day``: the open assignment ends the day before,
    and a new one starts on the day with the old one's end (seeds/003 registration §3)."""

    case: OpenCase
    to_staff_id: str


@dataclass(frozen=True, slots=True)
class ReassignmentPlan:
    role: AssignmentRole
    day: dt.date
    moves: tuple[Move, ...]
    skipped: tuple[tuple[OpenCase, str], ...] = ()

    @property
    def ends_on(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    def change(self) -> dict[str, int]:
        """Staff id → citizens gained (+) or lost (−) on the day."""
        out: dict[str, int] = {}
        for move in self.moves:
            out[move.case.staff_id] = out.get(move.case.staff_id, 0) - 1
            out[move.to_staff_id] = out.get(move.to_staff_id, 0) + 1
        return out

    def after(self, loads: Mapping[str, int]) -> dict[str, int]:
        """The caseloads on the day once the plan is applied (``loads``: before)."""
        out = dict(loads)
        for sid, delta in self.change().items():
            out[sid] = out.get(sid, 0) + delta
        return out


def skip_reason(case: OpenCase, day: dt.date) -> str | None:
    """Why a citizen cannot be moved on ``day`` (None: they can), as docs/citizens.md's rules."""
    if case.left_on is not None and day > case.left_on:
        return "Borgeren gik ud {d}; et skift kan ikke ligge efter afgangen.".format(
            d=_dk(case.left_on)
        )
    if case.later_start is not None:
        return "Borgeren har en senere tilknytning fra {d}; ret den på borgersiden.".format(
            d=_dk(case.later_start)
        )
    if case.start >= day:
        return "Tilknytningen begyndte {d}; et skift skal ligge efter den dag (ret den på borgersiden).".format(
            d=_dk(case.start)
        )
    if case.end is not None and case.end < day:
        return "Tilknytningen sluttede {d}.".format(d=_dk(case.end))
    return None


def plan_reassignment(
    cases: Iterable[OpenCase], to_staff_id: str, day: dt.date, role: AssignmentRole
) -> ReassignmentPlan:
    """Move the chosen citizens to ``to_staff_id`` from ``day``. Citizens who already have that
    person, or whom the rules do not let move on the day, are left out with the reason."""
    moves, skipped = [], []
    for case in sorted(cases, key=_case_order):
        if case.role is not role:
            raise ValueError("a plan moves one role")
        reason = (
            "Borgeren har allerede den medarbejder."
            if case.staff_id == to_staff_id
            else skip_reason(case, day)
        )
        if reason:
            skipped.append((case, reason))
        else:
            moves.append(Move(case, to_staff_id))
    return ReassignmentPlan(role, day, tuple(moves), tuple(skipped))


def _case_order(case: OpenCase) -> tuple[str, str]:
    return (case.name.casefold(), case.citizen_id)


def spread_receivers(
    staff: Iterable[StaffRecord], leaving: StaffRecord, day: dt.date
) -> list[StaffRecord]:
    """The colleagues a leaving person's caseload can be spread over: the same role, counted in
    caseloads (hours > 0), in the project on the day, ordered by initials."""
    return sorted(
        (
            s
            for s in staff
            if s.id != leaving.id and s.role is leaving.role and s.counted and s.active_on(day)
        ),
        key=lambda s: (s.initials.casefold(), s.id),
    )


def plan_spread(
    cases: Iterable[OpenCase],
    receivers: Sequence[StaffRecord],
    loads: Mapping[str, int],
    day: dt.date,
    role: AssignmentRole,
) -> ReassignmentPlan:
    """Spread the citizens over ``receivers`` evenly, deterministically: citizens in name order,
    each to the receiver whose load per full-time equivalent would be lowest after receiving
    them (ties: fewer citizens now, then initials). ``loads``: citizens per receiver on the day."""
    if not receivers:
        raise ValidationError(
            "Der er ingen aktive kolleger med samme rolle at fordele borgerne til."
        )
    ordered = sorted(receivers, key=lambda s: (s.initials.casefold(), s.id))
    current = {s.id: loads.get(s.id, 0) for s in ordered}
    moves, skipped = [], []
    for case in sorted(cases, key=_case_order):
        if case.role is not role:
            raise ValueError("a plan moves one role")
        reason = skip_reason(case, day)
        if reason is None and all(s.id == case.staff_id for s in ordered):
            reason = "Borgeren har allerede den medarbejder."
        if reason:
            skipped.append((case, reason))
            continue
        best = min(
            (s for s in ordered if s.id != case.staff_id),
            key=lambda s: (Fraction(current[s.id] + 1) / Fraction(s.hours), current[s.id]),
        )
        current[best.id] += 1
        moves.append(Move(case, best.id))
    return ReassignmentPlan(role, day, tuple(moves), tuple(skipped))
