"""The data model every feature uses (domain.md). Plain dataclasses, no behaviour beyond
small derived values. Dates are ``datetime.date``; an open end is ``None``.

Stored values are the enum values (ASCII, Danish words); the Danish labels shown to the user
live in ``LABELS`` (the GUI passes them through ``tr``)."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from enum import StrEnum

_last_id = [0, 0]  # the millisecond and the sequence number of the newest id


def new_id() -> str:
    """Ids of rows that can be created on several machines (offline laptops) are UUIDs of
    version 7 (RFC 9562): 48 bits of Unix time in milliseconds, a 12-bit sequence that keeps the
    ids of one process in order within a millisecond, and 62 random bits.

    Time-ordered ids append to the end of a table's primary-key index instead of landing at a
    random page: an import of 300,000 rows writes several times faster than with random
    (version 4) ids, and two laptops still never make the same id."""
    ms = time.time_ns() // 1_000_000
    last_ms, sequence = _last_id
    if ms <= last_ms:
        ms, sequence = last_ms, sequence + 1
        if sequence > 0xFFF:  # 4,096 ids in one millisecond: borrow the next one
            ms, sequence = ms + 1, 0
    else:
        sequence = int.from_bytes(os.urandom(1), "big")  # a random start leaves room to count
    _last_id[0], _last_id[1] = ms, sequence
    rand = int.from_bytes(os.urandom(8), "big") & 0x3FFF_FFFF_FFFF_FFFF
    h = f"{(ms << 80) | (0x7 << 76) | (sequence << 64) | (0b10 << 62) | rand:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


#: The sequence numbers as the third group of an id spells them ("7" + 3 hex digits).
_SEQUENCES = [f"7{s:03x}" for s in range(0x1000)]
#: A random byte with the variant's two bits (0b10) on top.
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def new_ids(count: int) -> list[str]:
    """``count`` ids as :func:`new_id` makes them, in order, several times faster (a bulk write
    of 100,000s of rows): one read of random bytes, and the time part spelled once for each
    millisecond's 4,096 sequence numbers."""
    if count <= 0:
        return []
    random_part = bytearray(os.urandom(8 * count))
    random_part[0::8] = random_part[0::8].translate(_VARIANT)
    hexed = random_part.hex()
    ms = time.time_ns() // 1_000_000
    last_ms, sequence = _last_id
    if ms <= last_ms:
        ms, sequence = last_ms, sequence + 1
    else:
        sequence = int.from_bytes(os.urandom(1), "big")
    found: list[str] = []
    done = 0
    while done < count:
        if sequence > 0xFFF:  # this millisecond's sequence is used up: borrow the next one
            ms, sequence = ms + 1, 0
        take = min(count - done, 0x1000 - sequence)
        h = f"{ms:012x}"
        prefix = f"{h[:8]}-{h[8:]}-"
        found += [
            f"{prefix}{seq}-{hexed[at : at + 4]}-{hexed[at + 4 : at + 16]}"
            for seq, at in zip(
                _SEQUENCES[sequence : sequence + take], range(16 * done, 16 * (done + take), 16)
            )
        ]
        done += take
        sequence += take
    _last_id[0], _last_id[1] = ms, sequence - 1
    return found


class IdPool:
    """Ids handed out one at a time from :func:`new_ids`' batches (a plan of 100,000s of rows)."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        self._ids: list[str] = []

    def __call__(self) -> str:
        if not self._ids:
            self._ids = new_ids(4096)
            self._ids.reverse()
        return self._ids.pop()


class IsoDates(dict[str, dt.date]):
    """ISO text → date, each distinct text parsed once: a project has a few thousand distinct
    dates among 100,000s of rows. ``dates.of(text)`` gives None for None."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day

    def of(self, text: str | None) -> dt.date | None:
        return None if text is None else self[text]


class Gender(StrEnum):
    FEMALE = "K"
    MALE = "M"


class Origin(StrEnum):
    DANISH = "dansk"
    WESTERN = "vestlig"
    NON_WESTERN = "ikke_vestlig"


class ExitReason(StrEnum):
    MOVED_AWAY = "fraflyttet"
    RETIRED = "folkepension"
    DIED = "doed"
    OTHER = "andet"


#: Exit reasons that take a citizen out of a target group (domain.md: moving away, death,
#: folkepension). "andet" (a closed case, a new benefit) does not.
LEAVING_REASONS = frozenset({ExitReason.MOVED_AWAY, ExitReason.RETIRED, ExitReason.DIED})


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on ``day`` (the birthday itself counts as the new year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def reaches(birth_date: dt.date, years: int) -> dt.date:
    """The day someone born on ``birth_date`` turns ``years`` (born 29 February: 1 March in a
    year without one, as :func:`age_on` counts)."""
    year = birth_date.year + years
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


class PeriodCategory(StrEnum):
    BENEFIT = "ydelse"
    OFFER = "tilbud"
    OUTCOME = "resultat"
    MARKING = "markering"


class PeriodKind(StrEnum):
    # benefits
    KONTANTHJAELP_AP = "kontanthjaelp_ap"
    INTEGRATIONSYDELSE_AP = "integrationsydelse_ap"
    RESSOURCEFORLOEB = "ressourceforloeb"
    REVALIDERING = "revalidering"
    # offers
    VIRKSOMHEDSPRAKTIK = "virksomhedspraktik"
    LOENTILSKUD = "loentilskud"
    MENTOR = "mentor"
    ANDET_AKTIVT_TILBUD = "andet_aktivt_tilbud"
    # outcomes
    ORDINAER_BESKAEFTIGELSE = "ordinaer_beskaeftigelse"
    FLEKSJOB = "fleksjob"
    UDDANNELSE_SU = "uddannelse_su"
    # markings
    FRITAGELSE = "fritagelse"
    FRAVAER = "fravaer"

    @property
    def category(self) -> PeriodCategory:
        return _CATEGORY[self]

    @property
    def label(self) -> str:
        return PERIOD_LABELS[self]


_CATEGORY = {
    PeriodKind.KONTANTHJAELP_AP: PeriodCategory.BENEFIT,
    PeriodKind.INTEGRATIONSYDELSE_AP: PeriodCategory.BENEFIT,
    PeriodKind.RESSOURCEFORLOEB: PeriodCategory.BENEFIT,
    PeriodKind.REVALIDERING: PeriodCategory.BENEFIT,
    PeriodKind.VIRKSOMHEDSPRAKTIK: PeriodCategory.OFFER,
    PeriodKind.LOENTILSKUD: PeriodCategory.OFFER,
    PeriodKind.MENTOR: PeriodCategory.OFFER,
    PeriodKind.ANDET_AKTIVT_TILBUD: PeriodCategory.OFFER,
    PeriodKind.ORDINAER_BESKAEFTIGELSE: PeriodCategory.OUTCOME,
    PeriodKind.FLEKSJOB: PeriodCategory.OUTCOME,
    PeriodKind.UDDANNELSE_SU: PeriodCategory.OUTCOME,
    PeriodKind.FRITAGELSE: PeriodCategory.MARKING,
    PeriodKind.FRAVAER: PeriodCategory.MARKING,
}

#: The Danish names used in the case systems' extracts and in the interface.
PERIOD_LABELS = {
    PeriodKind.KONTANTHJAELP_AP: "kontanthjælp aktivitetsparat",
    PeriodKind.INTEGRATIONSYDELSE_AP: "integrationsydelse aktivitetsparat",
    PeriodKind.RESSOURCEFORLOEB: "ressourceforløb",
    PeriodKind.REVALIDERING: "revalidering",
    PeriodKind.VIRKSOMHEDSPRAKTIK: "virksomhedspraktik",
    PeriodKind.LOENTILSKUD: "løntilskud",
    PeriodKind.MENTOR: "mentor",
    PeriodKind.ANDET_AKTIVT_TILBUD: "andet aktivt tilbud",
    PeriodKind.ORDINAER_BESKAEFTIGELSE: "ordinær beskæftigelse",
    PeriodKind.FLEKSJOB: "fleksjob",
    PeriodKind.UDDANNELSE_SU: "uddannelse SU",
    PeriodKind.FRITAGELSE: "fritagelse",
    PeriodKind.FRAVAER: "fravær",
}


class CustomKind(str):
    """A kind of period an initiative's template adds (docs/templates.md, ``period_kinds``): a
    2026 benefit, a new offer. A str equal to its key, as a PeriodKind is, with its Danish
    label and its category, so that it is recorded as itself and a measure can count it."""

    label: str
    category: PeriodCategory
    _value_: str

    def __new__(cls, key: str, label: str, category: PeriodCategory) -> CustomKind:
        kind = super().__new__(cls, key)
        kind.label = label
        kind.category = category
        kind._value_ = key  # as an enum member has it (the import reads it by that name)
        return kind

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"CustomKind({self.value!r}, {self.label!r}, {self.category.value!r})"

    def __reduce__(self) -> tuple[type[CustomKind], tuple[str, str, PeriodCategory]]:
        return (CustomKind, (self.value, self.label, self.category))


#: A kind of period: one the program knows, or one a template adds.
Kind = PeriodKind | CustomKind


def unknown_kind(key: str) -> CustomKind:
    """A kind a project's rows hold that its template no longer names: shown by its key, as a
    marking (it brings no one in and counts for nothing until the template names it again)."""
    return CustomKind(key, key, PeriodCategory.MARKING)


#: A qualifying source in a measure that is not a period: a month with paid hours > 0.
PAID_HOURS = "loentimer"


class ExemptionKind(StrEnum):
    """Kinds of fritagelse named in STAR's FSM2 FAQ (domain.md); free text is allowed too."""

    MATERNITY = "barsel"
    ILLNESS = "sygdom_forvaerret"
    PENSION_OR_JOB = "pension_eller_job_6_uger"
    TREATMENT = "behandlingsdom"


class StaffRole(StrEnum):
    JOB_BROKER = "jobformidler"
    CASEWORKER = "sagsbehandler"
    LEADER = "leder"
    #: HIR's invented caseworkers ("Barsel/fængsel", "Sag overdraget til pensionsnævnet"), 0 hours.
    PSEUDO = "pseudo"


class AssignmentRole(StrEnum):
    JOB_BROKER = "jobformidler"
    CASEWORKER = "sagsbehandler"


class BoardColumn(StrEnum):
    I_GANG = "i_gang"
    PAA_SPRING = "paa_spring"
    PAA_VEJ = "paa_vej"
    PAA_LAENGERE_SIGT = "paa_laengere_sigt"

    @property
    def label(self) -> str:
        return BOARD_LABELS[self]


BOARD_LABELS = {
    BoardColumn.I_GANG: "i gang",
    BoardColumn.PAA_SPRING: "på spring",
    BoardColumn.PAA_VEJ: "på vej",
    BoardColumn.PAA_LAENGERE_SIGT: "på længere sigt",
}


class ContactKind(StrEnum):
    IN_PERSON = "personligt"
    PHONE = "telefon"
    COMPANY_VISIT = "virksomhedsbesoeg"


class StatusKind(StrEnum):
    """Dated yes/no-and-text facts about a citizen that the status sheet counts."""

    CV_JOBNET = "cv_jobnet"
    JOB_GOAL = "jobmaal"


class Barrier(StrEnum):
    HEALTH = "helbred"
    SOCIAL = "socialt"
    FAMILY = "familie"
    OTHER = "andet"


class ParticipantRole(StrEnum):
    CITIZEN = "borger"
    CASEWORKER = "sagsbehandler"
    JOB_BROKER = "jobformidler"
    LEADER = "leder"
    HEALTH = "sundhedsfaglig"
    SOCIAL = "socialforvaltning"
    FAMILY = "familieafdeling"
    NETWORK = "netvaerk"


@dataclass(frozen=True, slots=True)
class Goal:
    """A status-sheet goal: a share (0–1) or a count, for a date; editable per project."""

    measure: str
    label: str
    targets: dict[str, float]  # "YYYY-MM" -> share or count
    unit: str = "share"  # "share" | "count"


@dataclass(slots=True)
class Initiative:
    """One project database follows one initiative (the single row of ``initiative``)."""

    program: str  # template key: fsm2, frontrunner, bir, hir, or a user's copy
    name: str
    municipality: str
    start: dt.date
    end: dt.date
    baseline_date: dt.date
    grant_amount: float | None = None  # kroner; None until entered


@dataclass(slots=True)
class Citizen:
    cpr: str  # 10 digits, normalised
    name: str
    gender: Gender | None = None
    origin: Origin | None = None
    group: int | None = None  # 1 or 2; None for initiatives without groups
    entry_date: dt.date | None = None
    exit_date: dt.date | None = None
    exit_reason: ExitReason | None = None
    note: str = ""
    id: str = field(default_factory=new_id)

    @property
    def birth_date(self) -> dt.date:
        from fsm_desktop.domain.cpr import birth_date

        return birth_date(self.cpr)

    def has_left(self, on: dt.date) -> bool:
        """Left the target group by ``on`` (moved away, retired, died): domain.md."""
        return (
            self.exit_date is not None
            and self.exit_reason in LEAVING_REASONS
            and self.exit_date <= on
        )


@dataclass(slots=True)
class Period:
    """A typed period: a benefit, an offer, an outcome or a marking. ``end`` None = ongoing."""

    citizen_id: str
    kind: Kind
    start: dt.date
    end: dt.date | None = None
    note: str = ""  # for fritagelse: its kind (barsel …)
    id: str = field(default_factory=new_id)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Touches [first, last] by at least one day."""
        return self.start <= last and (self.end is None or self.end >= first)


@dataclass(frozen=True, slots=True)
class PaidHours:
    citizen_id: str
    month: str  # "YYYY-MM"
    hours: float


@dataclass(slots=True)
class Staff:
    initials: str
    name: str
    role: StaffRole
    hours_per_week: float = 37.0
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class Assignment:
    """Citizen → staff, dated (HIR registration §3: a change ends one row, starts another)."""

    citizen_id: str
    staff_id: str
    role: AssignmentRole
    start: dt.date
    end: dt.date | None = None
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class BoardMove:
    """One move on the four-way board; from_column None = first placement."""

    citizen_id: str
    to_column: BoardColumn
    at: dt.datetime
    by: str
    from_column: BoardColumn | None = None
    reason: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class Contact:
    citizen_id: str
    date: dt.date
    kind: ContactKind
    staff_id: str | None = None
    note: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class StatusEntry:
    """CV on Jobnet (value "ja"/"nej") or job goal (value = the goal's text), from a date."""

    citizen_id: str
    kind: StatusKind
    date: dt.date
    value: str
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class NetworkPerson:
    citizen_id: str
    name: str
    relation: str = ""
    phone: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class Participant:
    role: ParticipantRole
    name: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class PlanLine:
    offer: PeriodKind
    planned_start: dt.date
    responsible: str = ""
    note: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class StepUpMeeting:
    citizen_id: str
    date: dt.date
    participants: list[Participant] = field(default_factory=list)
    barriers: list[Barrier] = field(default_factory=list)
    plan: list[PlanLine] = field(default_factory=list)
    note: str = ""
    id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Append-only: who changed what on which citizen, old → new."""

    at: dt.datetime
    user: str
    action: str  # "create" | "update" | "delete" | "reveal_cpr" | "move" …
    entity: str  # table name
    entity_id: str
    citizen_id: str | None = None
    field_name: str = ""
    old: str | None = None
    new: str | None = None
    id: str = field(default_factory=new_id)
    #: Where it was made: "" in this copy, else the laptop copy's label ("bærbar JF3") for an
    #: entry made there or written by merging its changes. Read from the log (AuditLog.for_citizen);
    #: only a merge writes it (audit_row leaves it out: migrations before 0010 write entries too).
    source: str = ""
