"""Step-up meetings: who is due, the meeting record's required roles, and the plan's follow-up
(seeds/000 §2-3, seeds/002 §18-20; domain.md "The step-up meeting"). Pure Python: storage hands
in one :class:`StepUpCase` per citizen, the page, the board and the command line read the
results. docs/stepup.md states every rule and decision below with its source.

Rules
- **Ressourceforløb** (seeds/002 §19): "hvis der ikke er igangsat en virksomhedsrettet indsats
  inden for 6 måneder efter ressourceforløbet er bevilget, skal sagen behandles ved en step
  up-indsats"; "et kontinuerligt krav … hver 6. måned". The marks are 6, 12, 18 … months after
  the grant. At the newest mark that has come, the citizen is due when no company-directed
  activity touched the 6 months before it or the time since, and no step-up meeting has been
  held since the mark; due *since* the earliest mark from which that has held without a break
  (a citizen passed over at 6 months is 6 months more overdue at 12, not due afresh).
- **Marked by the user** (FSM2, Frontrunner; seeds/000 §2-3): the job match stalls on health,
  social or family barriers. Due from the marking's first day until a meeting is held on or
  after it, or the marking is ended.
- **Exemptions** (seeds/002 §18), always with dates: the rehabilitation team's recommendation
  says no company-directed offer can start within 6 months, or a concrete company-directed offer
  (or fleksjob) is agreed. An exemption postpones: a citizen whose due day falls inside one, or
  who gets one between the due day and today (the review after the mark agreed an offer), is
  due the day after it ends, unless the rule no longer holds by then.
- **Follow-up** (seeds/002 §20: "en klar plan … med angivelse af tidspunktet for igangsættelse"):
  a plan line is *started* when a period of its kind starts between the meeting and today (or
  was already running at the meeting); *overdue* when its planned start has passed without that;
  otherwise *pending*. Only the citizen's latest meeting (on or before the day assessed) has
  its plan followed up on the due list; every meeting keeps its own outcome for the counts.
- **Days over** (:func:`days_over`): something due from a day is, on day D, over by the days
  after that day up to D (due today → 0, due yesterday → 1). The table, the detail, the citizen
  page and the command line all show this one count. A plan line is due on its planned start
  (overdue from the day after: 1 day over), and a follow-up citizen is due since the earliest
  overdue line's planned start, so the citizen is over by as many days as that line (decision:
  counted from the day after, the table showed one day fewer than the plan's line below it).

Decisions
- *Granted* is the first day of the chain of ressourceforløb periods the citizen is in today
  (a period starting the day after another ends continues it).
- *Company-directed* (virksomhedsrettet) is virksomhedspraktik, løntilskud, fleksjob (seeds/002
  §18 "og/eller fleksjob"), ordinary employment and a month with paid hours: a citizen at work
  is not passive.
- A citizen who has left (any exit date up to today) is never due: there is no case to meet on;
  nor is one who has not entered the project yet. A ressourceforløb granted before the citizen
  entered the project is due from the entry day at the earliest (the project's obligation).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from fsm_desktop.domain.model import Barrier, Kind, ParticipantRole, PeriodKind
from fsm_desktop.domain.text import control_problem

#: Company-directed activity (virksomhedsrettet indsats) for the ressourceforløb rule.
COMPANY_DIRECTED = frozenset(
    {
        PeriodKind.VIRKSOMHEDSPRAKTIK.value,
        PeriodKind.LOENTILSKUD.value,
        PeriodKind.FLEKSJOB.value,
        PeriodKind.ORDINAER_BESKAEFTIGELSE.value,
    }
)
_COMPANY_DIRECTED_KINDS = tuple(sorted(COMPANY_DIRECTED))
_ORDINARY = PeriodKind.ORDINAER_BESKAEFTIGELSE.value
INTERVAL_MONTHS = 6

#: What a plan line can start: the offers and outcomes the program can see start.
PLAN_OFFERS = (
    PeriodKind.VIRKSOMHEDSPRAKTIK,
    PeriodKind.LOENTILSKUD,
    PeriodKind.MENTOR,
    PeriodKind.ANDET_AKTIVT_TILBUD,
    PeriodKind.ORDINAER_BESKAEFTIGELSE,
    PeriodKind.FLEKSJOB,
    PeriodKind.UDDANNELSE_SU,
)


class MarkingKind(StrEnum):
    #: The user marks a citizen for step-up: the job match stalls (FSM2, Frontrunner).
    MARKED = "markeret"
    #: Exemption: the rehabilitation team recommends no company-directed offer within 6 months.
    REHAB_RECOMMENDATION = "rehab_indstilling"
    #: Exemption: a concrete company-directed offer (or fleksjob) is agreed.
    OFFER_AGREED = "tilbud_aftalt"

    @property
    def is_exemption(self) -> bool:
        return self is not MarkingKind.MARKED


MARKING_LABELS = {
    MarkingKind.MARKED: "markeret til step-up",
    MarkingKind.REHAB_RECOMMENDATION: "fritaget: rehabiliteringsteamets indstilling",
    MarkingKind.OFFER_AGREED: "fritaget: konkret virksomhedsrettet tilbud aftalt",
}


class HealthFunction(StrEnum):
    """Who the health professional is. For ressourceforløb only the clinical function's health
    coordinator or the citizen's GP may advise (seeds/002 §20-21)."""

    NONE = ""
    COORDINATOR = "sundhedskoordinator"
    GP = "egen_laege"
    OTHER = "anden"


HEALTH_FUNCTION_LABELS = {
    HealthFunction.NONE: "",
    HealthFunction.COORDINATOR: "sundhedskoordinator, klinisk funktion",
    HealthFunction.GP: "egen læge",
    HealthFunction.OTHER: "anden sundhedsfaglig",
}

ROLE_LABELS = {
    ParticipantRole.CITIZEN: "borgeren",
    ParticipantRole.CASEWORKER: "koordinerende sagsbehandler",
    ParticipantRole.JOB_BROKER: "jobformidler",
    ParticipantRole.LEADER: "team- eller afdelingsleder",
    ParticipantRole.HEALTH: "sundhedsfaglig",
    ParticipantRole.SOCIAL: "socialforvaltningen",
    ParticipantRole.FAMILY: "familieafdelingen",
    ParticipantRole.NETWORK: "borgerens netværk",
}

BARRIER_LABELS = {
    Barrier.HEALTH: "helbred",
    Barrier.SOCIAL: "sociale forhold",
    Barrier.FAMILY: "familieforhold",
    Barrier.OTHER: "andet",
}


class DueReason(StrEnum):
    RESSOURCEFORLOEB = "ressourceforloeb"  # 6 months without a company-directed offer
    MARKED = "markeret"  # marked by the user
    FOLLOW_UP = "opfoelgning"  # a plan's start date has passed


DUE_LABELS = {
    DueReason.RESSOURCEFORLOEB: "6 mdr. uden virksomhedsrettet indsats",
    DueReason.MARKED: "markeret: jobmatchet går i stå",
    DueReason.FOLLOW_UP: "plan ikke holdt",
}


class LineStatus(StrEnum):
    STARTED = "startet"
    PENDING = "afventer"
    OVERDUE = "overskredet"


class Outcome(StrEnum):
    """A meeting's outcome as seen today, from its plan's follow-up."""

    KEPT = "plan_holdt"  # every planned offer started
    PENDING = "afventer"  # none overdue, some not yet started
    OVERDUE = "plan_overskredet"  # a planned start passed without the offer
    NO_PLAN = "uden_plan"


OUTCOME_LABELS = {
    Outcome.KEPT: "plan holdt",
    Outcome.PENDING: "afventer start",
    Outcome.OVERDUE: "plan overskredet",
    Outcome.NO_PLAN: "uden plan",
}


# --- dates -------------------------------------------------------------------------------------
def days_over(due: dt.date, day: dt.date) -> int:
    """How many days something due from ``due`` is over on ``day``: the days after ``due`` up
    to and including ``day``. Due today → 0, due yesterday → 1; never negative (before the due
    day nothing is over).

    The one definition of "days over" (the page's "Dage over", the detail's and the citizen
    page's "overskredet med … dage", `stepup --due`'s "Dage" and ``days_overdue``). A meeting is
    due from a day (the mark, the marking's first day, the day after an exemption); a plan line
    is due on its planned start: the offer may still start that day, so the line is overdue
    from the day after, 1 day over. A follow-up meeting is due since that same planned start
    (:func:`assess`), so its days over are the earliest overdue line's, not one fewer."""
    return max(0, (day - due).days)


@functools.lru_cache(maxsize=1 << 16)
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def latest_mark(granted: dt.date, today: dt.date) -> dt.date | None:
    """The newest 6-month mark after the grant that is not after today."""
    k = ((today.year - granted.year) * 12 + today.month - granted.month) // INTERVAL_MONTHS + 1
    while k >= 1:
        mark = add_months(granted, INTERVAL_MONTHS * k)
        if mark <= today:
            return mark
        k -= 1
    return None


def granted_on(spans: Iterable[tuple[dt.date, dt.date | None]], today: dt.date) -> dt.date | None:
    """The first day of the chain of (ressourceforløb) periods that contains today, or None.
    A period that starts on or before the day after the previous one ends continues it."""
    ordered = sorted(((s, e) for s, e in spans if s <= today), key=lambda span: span[0])
    chain_start: dt.date | None = None
    chain_end: dt.date | None = dt.date.min
    for start, end in ordered:
        if chain_start is None or (
            chain_end is not None and start > chain_end + dt.timedelta(days=1)
        ):
            chain_start, chain_end = start, end
        elif chain_end is not None:
            chain_end = None if end is None else max(chain_end, end)
    if chain_start is None or (chain_end is not None and chain_end < today):
        return None
    return chain_start


def due_since(
    granted: dt.date,
    offers: Iterable[tuple[dt.date, dt.date | None]],
    meetings: Iterable[dt.date],
    today: dt.date,
) -> dt.date | None:
    """The mark since which a citizen in ressourceforløb is due for a step-up meeting, or None
    (exemptions not applied; :func:`assess` applies them). ``offers``: the company-directed
    activity (start, end or None = ongoing).

    Due at the newest mark when no offer touched the 6 months before it or the time since and no
    meeting has been held since it; *since* the earliest mark from which that has held without a
    break, so a citizen passed over at 6 months is still overdue from then at 12."""
    offers = [(start, end) for start, end in offers if start <= today]
    meetings = [day for day in meetings if day <= today]
    k = ((today.year - granted.year) * 12 + today.month - granted.month) // INTERVAL_MONTHS + 1
    since = None
    while k >= 1:
        mark = add_months(granted, INTERVAL_MONTHS * k)
        k -= 1
        if mark > today:
            continue
        window_start = add_months(mark, -INTERVAL_MONTHS)
        if any(end is None or end >= window_start for _, end in offers):
            break  # not passive: an offer in the window or since
        if any(mark <= day for day in meetings):
            break  # a meeting has been held since this mark
        since = mark
    return since


# --- the citizen's facts ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Marking:
    kind: MarkingKind
    start: dt.date
    end: dt.date | None = None
    note: str = ""
    id: str = ""

    def active(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class PlannedOffer:
    offer: Kind
    planned_start: dt.date
    responsible: str = ""
    note: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    date: dt.date
    roles: tuple[tuple[ParticipantRole, HealthFunction], ...] = ()
    barriers: tuple[Barrier, ...] = ()
    plan: tuple[PlannedOffer, ...] = ()
    id: str = ""


@dataclass(slots=True)
class Participant:
    role: ParticipantRole
    name: str = ""
    health_function: HealthFunction = HealthFunction.NONE


@dataclass(slots=True)
class Meeting:
    """A step-up meeting as the dialog edits it."""

    citizen_id: str
    date: dt.date
    participants: list[Participant]
    barriers: list[Barrier]
    plan: list[PlannedOffer]
    note: str = ""
    id: str = ""

    def record(self) -> MeetingRecord:
        return MeetingRecord(
            self.date,
            tuple((p.role, p.health_function) for p in self.participants),
            tuple(self.barriers),
            tuple(self.plan),
            self.id,
        )


def validate_meeting(meeting: Meeting, today: dt.date) -> list[tuple[str, str]]:
    """(field, Danish message) for what makes a meeting record impossible to save."""
    errors = []
    if meeting.date > today:
        errors.append(
            ("date", "Mødet kan først registreres, når det er holdt: datoen ligger efter i dag.")
        )
    for i, p in enumerate(meeting.participants, start=1):
        if p.role is ParticipantRole.HEALTH and p.health_function is HealthFunction.NONE:
            errors.append(("participants", f"Deltager {i}: vælg hvilken slags sundhedsfaglig."))
    for i, line in enumerate(meeting.plan, start=1):
        if line.planned_start < meeting.date:
            errors.append(("plan", f"Planens linje {i}: den planlagte start ligger før mødet."))
    if not meeting.plan:
        errors.append(("plan", "Mødet skal slutte med en plan: mindst ét tilbud med en startdato."))
    # Free text: no control characters (a pasted text can hold them; an export could not).
    for i, p in enumerate(meeting.participants, start=1):
        if (problem := control_problem(p.name)) is not None:
            errors.append(("participants", f"Deltager {i}: {problem}"))
    for i, line in enumerate(meeting.plan, start=1):
        for text in (line.responsible, line.note):
            if (problem := control_problem(text)) is not None:
                errors.append(("plan", f"Planens linje {i}: {problem}"))
                break
    if (problem := control_problem(meeting.note)) is not None:
        errors.append(("plan", f"Noten: {problem}"))
    return errors


def validate_marking(marking: Marking) -> list[tuple[str, str]]:
    errors = []
    if marking.end is not None and marking.end < marking.start:
        errors.append(("end", "Slutdatoen ligger før startdatoen."))
    if marking.kind.is_exemption and marking.end is None:
        errors.append(
            ("end", "En fritagelse skal have en slutdato (fx 6 måneder efter indstillingen).")
        )
    if (problem := control_problem(marking.note)) is not None:
        errors.append(("note", f"Noten: {problem}"))
    return errors


@dataclass(slots=True)
class StepUpCase:
    """What the rules read about one citizen."""

    citizen_id: str
    name: str = ""
    cpr: str = ""
    job_broker: str = ""  # initials today
    caseworker: str = ""
    exit_date: dt.date | None = None
    ressourceforloeb: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    #: start/end of every period by kind (offers and outcomes), for passivity and follow-up
    periods: dict[str, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)
    #: first days of the months with paid hours > 0
    paid_months: list[dt.date] = field(default_factory=list)
    meetings: list[MeetingRecord] = field(default_factory=list)
    markings: list[Marking] = field(default_factory=list)
    network_wish: bool = False
    #: the day the citizen entered the project (None: not known)
    entry_date: dt.date | None = None

    def spans(self, kind: str) -> list[tuple[dt.date, dt.date | None]]:
        spans = list(self.periods.get(kind, ()))
        if kind == _ORDINARY:
            spans += [(m, _month_end(m)) for m in self.paid_months]
        return spans

    def company_directed(self) -> list[tuple[dt.date, dt.date | None]]:
        out: list[tuple[dt.date, dt.date | None]] = []
        for kind in _COMPANY_DIRECTED_KINDS:
            out += self.spans(kind)
        return out

    def in_ressourceforloeb(self, day: dt.date) -> bool:
        return any(s <= day and (e is None or day <= e) for s, e in self.ressourceforloeb)

    def latest_meeting(self, today: dt.date | None = None) -> MeetingRecord | None:
        """The newest meeting (on or before ``today``, when given)."""
        held = [m for m in self.meetings if today is None or m.date <= today]
        return max(held, key=lambda m: (m.date, m.id), default=None)


@functools.lru_cache(maxsize=4096)
def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


# --- follow-up -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LineFollowUp:
    line: PlannedOffer
    status: LineStatus
    started: dt.date | None = None
    days_overdue: int = 0  # days_over(planned start, today), when overdue


def follow_up(case: StepUpCase, meeting: MeetingRecord, today: dt.date) -> list[LineFollowUp]:
    """Each plan line of ``meeting``: started (and when), pending or overdue, as of ``today``."""
    out = []
    for line in meeting.plan:
        started = None
        for start, end in case.spans(line.offer.value):
            if meeting.date <= start <= today:
                started = start if started is None else min(started, start)
            elif start < meeting.date and (end is None or end >= meeting.date):
                started = meeting.date  # already running at the meeting
        if started is not None:
            status = LineStatus.STARTED
        elif line.planned_start < today:
            status = LineStatus.OVERDUE
        else:
            status = LineStatus.PENDING
        overdue = days_over(line.planned_start, today) if status is LineStatus.OVERDUE else 0
        out.append(LineFollowUp(line, status, started, overdue))
    return out


def outcome(lines: Sequence[LineFollowUp]) -> Outcome:
    if not lines:
        return Outcome.NO_PLAN
    statuses = {f.status for f in lines}
    if LineStatus.OVERDUE in statuses:
        return Outcome.OVERDUE
    if LineStatus.PENDING in statuses:
        return Outcome.PENDING
    return Outcome.KEPT


# --- who is due --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Assessment:
    """Where one citizen stands today. ``due`` is the day since which a meeting is due (the
    reason says why; for the follow-up, the earliest overdue line's planned start);
    ``exempt_until`` is set when an exemption holds the rule off."""

    case: StepUpCase
    reason: DueReason | None = None
    due: dt.date | None = None
    exempt_until: dt.date | None = None
    exemption: Marking | None = None
    overdue_lines: tuple[LineFollowUp, ...] = ()
    today: dt.date = dt.date.min

    @property
    def is_due(self) -> bool:
        return self.due is not None

    @property
    def days_overdue(self) -> int:
        """:func:`days_over` from the due day to today; 0 when not due."""
        return 0 if self.due is None else days_over(self.due, self.today)


def _postpone(
    day: dt.date, exemptions: Sequence[Marking], today: dt.date
) -> tuple[dt.date, Marking | None]:
    """``day``, or the day after the exemptions that fall between it and today end (chained),
    and the last of them. An exemption agreed after the due day holds the citizen off as well
    (seeds/002 §18: the review after the mark agrees a concrete offer): the obligation comes
    back the day after it ends."""
    last = None
    moved = True
    while moved:
        moved = False
        for ex in exemptions:
            # covers the day, or begins between the day and today
            if ex.start <= max(day, today) and (ex.end is None or ex.end >= day):
                if ex.end is None:
                    return dt.date.max, ex
                day, last, moved = ex.end + dt.timedelta(days=1), ex, True
    return day, last


def _from_entry(case: StepUpCase, day: dt.date) -> dt.date:
    """A duty that arose before the citizen joined the project (a course granted, a marking
    made before the entry, which is at the earliest the project's first day) holds from the
    entry on."""
    return max(day, case.entry_date or day)


def assess(case: StepUpCase, today: dt.date) -> Assessment:
    """Is the citizen due for a step-up meeting today, why, and since when."""
    if case.entry_date is not None and case.entry_date > today:
        return Assessment(case, today=today)  # not in the project yet
    if (case.exit_date is not None and case.exit_date <= today) or not (
        case.ressourceforloeb or case.markings or case.meetings
    ):
        return Assessment(case, today=today)
    exemptions = [m for m in case.markings if m.kind.is_exemption]
    meetings = [m.date for m in case.meetings]
    candidates: list[tuple[DueReason, dt.date]] = []
    granted = granted_on(case.ressourceforloeb, today)
    if granted is not None:
        mark = due_since(granted, case.company_directed(), meetings, today)
        if mark is not None:
            candidates.append((DueReason.RESSOURCEFORLOEB, _from_entry(case, mark)))
    for marking in case.markings:
        if marking.kind is MarkingKind.MARKED and marking.active(today):
            if not any(marking.start <= day <= today for day in meetings):
                candidates.append((DueReason.MARKED, _from_entry(case, marking.start)))
    held_off: tuple[dt.date, Marking | None] | None = None
    for reason, since in sorted(candidates, key=lambda c: c[1]):
        day, exemption = _postpone(since, exemptions, today)
        if day <= today:
            if any(day <= m <= today for m in meetings):
                continue
            return Assessment(case, reason, day, today=today, overdue_lines=_overdue(case, today))
        if held_off is None or day < held_off[0]:
            held_off = (day, exemption)
    overdue = _overdue(case, today)
    if overdue:
        # Due since the missed planned start (see days_over): listed from the day after it,
        # over by as many days as the most overdue line.
        since = min(f.line.planned_start for f in overdue)
        return Assessment(case, DueReason.FOLLOW_UP, since, overdue_lines=overdue, today=today)
    if held_off is not None:
        until = None if held_off[0] == dt.date.max else held_off[0] - dt.timedelta(days=1)
        return Assessment(case, None, None, exempt_until=until, exemption=held_off[1], today=today)
    return Assessment(case, today=today)


def _overdue(case: StepUpCase, today: dt.date) -> tuple[LineFollowUp, ...]:
    latest = case.latest_meeting(today)
    if latest is None:
        return ()
    return tuple(f for f in follow_up(case, latest, today) if f.status is LineStatus.OVERDUE)


def due_list(
    cases: Iterable[StepUpCase], today: dt.date, include_exempt: bool = False
) -> list[Assessment]:
    """The due citizens, most overdue first (then by name); with ``include_exempt`` also those an
    exemption holds off, after them."""
    due, exempt = [], []
    for case in cases:
        a = assess(case, today)
        if a.is_due:
            due.append(a)
        elif include_exempt and a.exemption is not None:
            exempt.append(a)
    due.sort(key=lambda a: (-a.days_overdue, a.case.name, a.case.citizen_id))
    exempt.sort(key=lambda a: (a.exempt_until or dt.date.max, a.case.name, a.case.citizen_id))
    return due + exempt


# --- the meeting record ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RoleWarning:
    role: ParticipantRole
    message: str  # Danish
    required: bool  # "skal" (seeds/002 §20) rather than "kan"/"bør"


def missing_roles(
    roles: Iterable[tuple[ParticipantRole, HealthFunction]],
    barriers: Iterable[Barrier],
    ressourceforloeb: bool,
    network_wish: bool = False,
) -> list[RoleWarning]:
    """Warnings for the roles a meeting lacks (seeds/002 §20): always the citizen, the
    coordinating caseworker, the job broker and a team or department leader; a health
    professional when health is a barrier — for ressourceforløb only the clinical function's
    health coordinator or the GP; social or family services when those are barriers; the
    network when the citizen wishes it."""
    roles = list(roles)
    present = {role for role, _ in roles}
    barriers = set(barriers)
    out = []
    always = (
        ParticipantRole.CITIZEN,
        ParticipantRole.CASEWORKER,
        ParticipantRole.JOB_BROKER,
        ParticipantRole.LEADER,
    )
    for role in always:
        if role not in present:
            out.append(RoleWarning(role, f"{ROLE_LABELS[role].capitalize()} skal deltage.", True))
    if Barrier.HEALTH in barriers:
        health = [fn for role, fn in roles if role is ParticipantRole.HEALTH]
        if not health:
            out.append(
                RoleWarning(
                    ParticipantRole.HEALTH,
                    "Helbredet er en barriere: en sundhedsfaglig skal deltage.",
                    True,
                )
            )
        elif ressourceforloeb and not any(
            fn in (HealthFunction.COORDINATOR, HealthFunction.GP) for fn in health
        ):
            out.append(
                RoleWarning(
                    ParticipantRole.HEALTH,
                    "Borgeren er i ressourceforløb: kun sundhedskoordinatoren fra klinisk funktion "
                    "eller borgerens egen læge kan give den sundhedsfaglige rådgivning.",
                    True,
                )
            )
    if Barrier.SOCIAL in barriers and ParticipantRole.SOCIAL not in present:
        out.append(
            RoleWarning(
                ParticipantRole.SOCIAL,
                "Sociale forhold er en barriere: socialforvaltningen bør deltage.",
                False,
            )
        )
    if Barrier.FAMILY in barriers and ParticipantRole.FAMILY not in present:
        out.append(
            RoleWarning(
                ParticipantRole.FAMILY,
                "Familieforhold er en barriere: familieafdelingen bør deltage.",
                False,
            )
        )
    if network_wish and ParticipantRole.NETWORK not in present:
        out.append(
            RoleWarning(
                ParticipantRole.NETWORK,
                "Borgeren ønsker sit netværk inddraget: inviter netværket.",
                False,
            )
        )
    return out


# --- counts ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MonthCount:
    month: str  # YYYY-MM
    held: int
    cumulative: int
    by_outcome: dict[Outcome, int]


def monthly_counts(
    cases: Iterable[StepUpCase], first: dt.date, last: dt.date, today: dt.date
) -> list[MonthCount]:
    """Meetings held per calendar month from ``first``'s month to ``last``'s, the running total,
    and each month's meetings by outcome as seen today. ``first`` is the project's start: a
    meeting before it is not the project's and is left out (status sheet, Step-up page and
    `fsm-desktop stepup` count the same)."""
    per_month: dict[str, dict[Outcome, int]] = {}
    for case in cases:
        for meeting in case.meetings:
            if meeting.date > today or meeting.date < first:
                continue  # not held yet as of today, or before the project
            key = f"{meeting.date.year:04d}-{meeting.date.month:02d}"
            result = outcome(follow_up(case, meeting, today))
            bucket = per_month.setdefault(key, {})
            bucket[result] = bucket.get(result, 0) + 1
    out = []
    total = 0
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year:04d}-{month:02d}"
        bucket = per_month.get(key, {})
        held = sum(bucket.values())
        total += held
        out.append(MonthCount(key, held, total, {o: bucket.get(o, 0) for o in Outcome}))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
