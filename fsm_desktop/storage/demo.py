"""A synthetic demo municipality: a complete project file with invented citizens and staff.

Used by ``fsm-desktop --demo``, the screenshots, the benchmarks and tests. Everything is
derived from one seeded ``random.Random`` (ids too: ``uuid.UUID(int=rng.getrandbits(128),
version=4)``) and the reference date ``today``: the same arguments give the same table contents,
row for row (only ``initiative.created_at`` and the migration log carry the real clock). No real person is described; CPR numbers are synthetic but well formed (valid
birth date and century digit, gender in the last digit).

The rates follow the seeds where they give one: paid hours for roughly 10-15 % of the
indsatsgruppe in a month (Jobindsats, Hedensted 11.3-14.6 %), about 40 citizens per job broker,
30-35 per caseworker, virksomhedspraktik for about a fifth of the indsatsgruppe in a month.

Speed matters (20,000 citizens must take well under 30 s on a slow laptop): dates are handled
as ordinals, rows are built as tuples in chunks of citizens and written with ``executemany`` in
one transaction, with the secondary indexes rebuilt once at the end. The file is built under a
temporary name and moved into place when complete, so a failure never leaves half a project and
never destroys an existing file that was to be overwritten."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fsm_desktop.domain.cpr import birth_date as cpr_birth_date
from fsm_desktop.domain.cpr import normalize
from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import ProjectFileError, ValidationError
from fsm_desktop.domain.model import (
    AssignmentRole,
    Barrier,
    BoardColumn,
    ContactKind,
    ExemptionKind,
    ExitReason,
    Gender,
    Kind,
    Origin,
    ParticipantRole,
    PeriodKind,
    StaffRole,
    StatusKind,
)
from fsm_desktop.domain.program import BUILTIN, ProgramTemplate, builtin_template
from fsm_desktop.domain.stepup import COMPANY_DIRECTED as _COMPANY_DIRECTED
from fsm_desktop.domain.stepup import add_months
from fsm_desktop.storage.project import Project, current_user, file_error
from fsm_desktop.storage.sqlite import Database, dbapi
from fsm_desktop.storage.writer_lock import replacing

MAX_CITIZENS = 200_000
MUNICIPALITY = "Skovbjerg Kommune"
#: project_setting key marking a demo project (invented people: it may stay unencrypted).
DEMO_KEY = "demo"
#: The user recorded in the audit log for generated rows.
DEMO_USER = "demo"
#: Kroner of grant per citizen in the target group (FSM2 grants were a few million kroner).
GRANT_PER_CITIZEN = 8_500
#: Citizens generated and written per round (bounds memory for large demos).
CHUNK = 2_000
#: The reference dates for which synthetic CPR numbers (born 1900-2057) can be made.
_EARLIEST_TODAY = dt.date(1970, 1, 1)
_LATEST_TODAY = dt.date(2075, 12, 31)


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    program: str
    citizens: int
    staff: int
    periods: int
    paid_hour_months: int
    contacts: int
    moves: int
    meetings: int  # step-up meetings
    board_meetings: int = 0  # team meetings with a snapshot of the board


# --- rates per program ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rates:
    hours_share: float  # stationary share of a month with paid hours (group 1 / everyone)
    praktik_never: float  # share of citizens who never get a virksomhedspraktik
    praktik_gap_months: float  # mean time between two praktik periods for the others
    broker_share: float  # share with a job broker where the template has no groups
    ordinary: float  # share ending in ordinary employment
    flex: float  # share ending in fleksjob
    education: float  # share ending in SU-eligible education
    revalidering: float  # share switching from ressourceforløb to revalidering
    stepup: float  # share with a step-up meeting


_RATES = {
    "fsm2": _Rates(0.105, 0.45, 6.0, 1.0, 0.06, 0.01, 0.02, 0.0, 0.03),
    "frontrunner": _Rates(0.105, 0.45, 6.0, 1.0, 0.06, 0.01, 0.02, 0.0, 0.03),
    "bir": _Rates(0.065, 0.50, 7.0, 1.0, 0.02, 0.10, 0.01, 0.03, 0.04),
    # HIR is about coordinating caseworkers; step-up meetings belong to FSM2, Frontrunner, BIR.
    "hir": _Rates(0.055, 0.55, 8.0, 0.4, 0.02, 0.08, 0.01, 0.0, 0.0),
}

#: Group 2 (headed for rehabilitation) is further from the labour market.
_GROUP2_FACTOR = 0.3
_HOURS_STAY = 0.82  # chance that a month with paid hours is followed by another

# --- names ------------------------------------------------------------------------------------

_DK_FEMALE = [
    "Anne",
    "Kirsten",
    "Mette",
    "Hanne",
    "Helle",
    "Anna",
    "Susanne",
    "Lene",
    "Maria",
    "Marianne",
    "Lone",
    "Camilla",
    "Pia",
    "Louise",
    "Inge",
    "Charlotte",
    "Bente",
    "Tina",
    "Gitte",
    "Karen",
    "Jette",
    "Rikke",
    "Julie",
    "Sara",
    "Heidi",
    "Dorthe",
    "Malene",
    "Jytte",
    "Birgitte",
    "Trine",
    "Janni",
    "Stine",
    "Signe",
    "Line",
    "Nanna",
    "Ditte",
    "Tanja",
    "Connie",
    "Winnie",
    "Annette",
]
_DK_MALE = [
    "Peter",
    "Jens",
    "Lars",
    "Michael",
    "Henrik",
    "Thomas",
    "Søren",
    "Jan",
    "Niels",
    "Christian",
    "Martin",
    "Jørgen",
    "Rasmus",
    "Jesper",
    "Morten",
    "Anders",
    "Mads",
    "Mikkel",
    "Kim",
    "Hans",
    "Per",
    "Ole",
    "Steen",
    "Brian",
    "Jakob",
    "Kasper",
    "Torben",
    "Bo",
    "Carsten",
    "Allan",
    "René",
    "Dennis",
    "Kenneth",
    "Claus",
    "Flemming",
    "Finn",
    "Erik",
    "Frank",
    "Bjarne",
    "Jonas",
]
_DK_SURNAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Olesen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Schmidt",
    "Eriksen",
    "Holm",
    "Kristiansen",
    "Clausen",
    "Simonsen",
    "Svendsen",
    "Andreasen",
    "Iversen",
    "Jeppesen",
    "Mogensen",
    "Vestergaard",
    "Nissen",
    "Lauridsen",
    "Kjær",
    "Dam",
    "Bak",
    "Overgaard",
    "Bruun",
    "Hedegaard",
]
_DK_MIDDLE = [
    "Holm",
    "Lund",
    "Dam",
    "Bech",
    "Skov",
    "Krogh",
    "Juul",
    "Vinther",
    "Bach",
    "Lind",
    "Friis",
    "Berg",
    "Kjær",
    "Munk",
]
_NW_FEMALE = [
    "Fatima",
    "Amina",
    "Aisha",
    "Zeynep",
    "Leyla",
    "Hodan",
    "Maryam",
    "Nour",
    "Samira",
    "Yasmin",
    "Hawa",
    "Sahra",
    "Rania",
    "Elif",
    "Shirin",
    "Farida",
]
_NW_MALE = [
    "Mohammad",
    "Ali",
    "Ahmad",
    "Hassan",
    "Omar",
    "Mustafa",
    "Abdi",
    "Ibrahim",
    "Yusuf",
    "Mehmet",
    "Karim",
    "Tariq",
    "Jamal",
    "Hamid",
    "Reza",
    "Bilal",
]
_NW_SURNAMES = [
    "Hussein",
    "Ali",
    "Mohamed",
    "Ahmed",
    "Yilmaz",
    "Hassan",
    "Abdullah",
    "Khan",
    "Omar",
    "Nguyen",
    "Rahimi",
    "Farah",
    "Öztürk",
    "Kaya",
    "Ibrahim",
    "Abdi",
    "Jama",
    "Karimi",
    "Demir",
    "Haidari",
]
_W_FEMALE = ["Agnieszka", "Katarzyna", "Ingrid", "Sofia", "Elena", "Julia", "Anja", "Monika"]
_W_MALE = ["Piotr", "Tomasz", "Lukas", "Johan", "Markus", "Andrzej", "Stefan", "Marek"]
_W_SURNAMES = [
    "Nowak",
    "Wójcik",
    "Schneider",
    "Müller",
    "Andersson",
    "Johansson",
    "Lindqvist",
    "Fischer",
    "Novák",
    "Horváth",
    "Svensson",
    "Weber",
    "Petrović",
    "Jovanović",
]

_JOB_GOALS = (
    "Lager",
    "Rengøring",
    "Butik",
    "Pædagogmedhjælper",
    "Køkkenmedhjælper",
    "Chauffør",
    "Social- og sundhedshjælper",
    "Landbrug",
    "Produktion",
    "Kantine",
    "Gartner",
    "Pedel",
    "Kontor",
    "Frisør",
    "Byggeri",
    "Café",
    "Hotel",
    "Ejendomsservice",
    "Tankstation",
)
_RELATIONS = (
    "mor",
    "far",
    "søster",
    "bror",
    "datter",
    "søn",
    "ven",
    "kæreste",
    "nabo",
    "støttekontaktperson",
    "bostøtte",
)
_CONTACT_NOTES = (
    "Opfølgning på praktik",
    "Drøftet jobmål",
    "Aftale om løntimer",
    "Samtale om CV",
    "Opfølgning på helbred",
    "Jobsøgning",
)
_MOVE_REASONS = {
    BoardColumn.I_GANG: (
        "Startet i virksomhedspraktik",
        "Løntimer aftalt med virksomhed",
        "Startet i job",
    ),
    BoardColumn.PAA_SPRING: ("Klar til job", "Jobparat efter praktik"),
    BoardColumn.PAA_VEJ: ("Mentor bevilget", "Afklaring i gang", "Praktik afsluttet"),
    BoardColumn.PAA_LAENGERE_SIGT: ("Helbred forværret", "Afventer rehabiliteringsmøde", "Barsel"),
}
_COLUMNS = tuple(BoardColumn)
# Stored values used in the per-citizen loop (an enum's ``.value`` is a slow descriptor).
_PRAKTIK = PeriodKind.VIRKSOMHEDSPRAKTIK.value
_WAGE_SUBSIDY = PeriodKind.LOENTILSKUD.value
_MENTOR = PeriodKind.MENTOR.value
_OTHER_OFFER = PeriodKind.ANDET_AKTIVT_TILBUD.value
_CONTACT_VALUES = {kind: kind.value for kind in ContactKind}
#: Kinds of fritagelse (maternity only for women under about 42) and their length in days.
_EXEMPTION_DAYS = {
    ExemptionKind.MATERNITY: (180, 365),
    ExemptionKind.ILLNESS: (60, 180),
    ExemptionKind.PENSION_OR_JOB: (30, 42),
    ExemptionKind.TREATMENT: (120, 365),
}
_EXEMPTIONS = tuple(_EXEMPTION_DAYS)
_STEPUP_OFFERS = (
    PeriodKind.VIRKSOMHEDSPRAKTIK,
    PeriodKind.MENTOR,
    PeriodKind.ANDET_AKTIVT_TILBUD,
    PeriodKind.LOENTILSKUD,
)
_BARRIER_ODDS = (
    (Barrier.HEALTH, 0.65),
    (Barrier.SOCIAL, 0.4),
    (Barrier.FAMILY, 0.25),
    (Barrier.OTHER, 0.1),
)

#: The version (4) and variant (RFC 4122) bits that ``uuid.UUID(..., version=4)`` sets.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (4 << 76) | (0x8000 << 48)

_PSEUDO_STAFF = (("BF", "Barsel/fængsel"), ("PN", "Sag overdraget til pensionsnævnet"))


# --- the public function -------------------------------------------------------------------


def write_demo(
    path: str | os.PathLike,
    *,
    program: str = "fsm2",
    citizens: int = 600,
    seed: int = 1,
    overwrite: bool = False,
    today: dt.date | None = None,
    password: str | None = None,
) -> DemoSummary:
    """Write a demo project for ``program`` with ``citizens`` invented citizens to ``path``.

    ``today`` is the reference date: nothing happens after it. By default it is the
    initiative's end date when that lies in the past, else the real date. The people are
    invented, so the file is plain unless a ``password`` is given (the title bar says "demo,
    ikke krypteret"). Raises
    ValidationError for bad arguments and ProjectFileError when the file cannot be written
    (or exists and ``overwrite`` is false); in both cases no file is left behind."""
    if (
        isinstance(citizens, bool)
        or not isinstance(citizens, int)
        or not 1 <= citizens <= MAX_CITIZENS
    ):
        raise ValidationError(
            "Antallet af borgere skal være et helt tal fra 1 til 200.000; fik »{value}«.",
            value=citizens,
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValidationError(
            "Startværdien (seed) skal være et helt tal; fik »{value}«.", value=seed
        )
    if program not in BUILTIN:
        raise ValidationError(
            "Ukendt indsats »{key}«. Vælg en af: {choices}.",
            key=program,
            choices=", ".join(BUILTIN),
        )
    template = builtin_template(program)
    if today is None:
        real = dt.date.today()
        today = template.end if template.end < real else real
    elif isinstance(today, dt.datetime):
        today = today.date()
    elif not isinstance(today, dt.date):
        raise ValidationError("Datoen »{value}« er ikke en dato.", value=today)
    if not _EARLIEST_TODAY <= today <= _LATEST_TODAY:
        # Synthetic CPR numbers need birth years the CPR century digit can express.
        raise ValidationError(
            "Datoen {value} ligger uden for det, demodata kan laves for (1970–2075).",
            value=today.isoformat(),
        )

    path = Path(path).expanduser().absolute()
    if path.exists() and not overwrite:
        raise ProjectFileError("Filen {path} findes allerede.", path=str(path))
    if path.is_dir():
        raise ProjectFileError("{path} er en mappe, ikke en projektfil.", path=str(path))
    if not path.parent.is_dir():
        raise ProjectFileError("Mappen {folder} findes ikke.", folder=str(path.parent))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.demo")
    _remove_database(tmp)

    try:
        project = Project.create(
            tmp,
            template,
            name=f"{template.name} (demo)",
            municipality=MUNICIPALITY,
            grant_amount=float(round(citizens * GRANT_PER_CITIZEN, -5)) or 100_000.0,
            overwrite=True,
            password=password,
        )
        try:
            counts = _Builder(template, citizens, seed, today).write(project.db.conn, project.db)
            project.db.execute(
                "INSERT INTO project_setting (key, value) VALUES (?, ?)", [DEMO_KEY, "1"]
            )
            project.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            project.close()
        with replacing(path, current_user()):
            os.replace(tmp, path)
            _remove_database(path, keep_main=True)
    except dbapi.OperationalError as exc:
        _remove_database(tmp)
        if _is_environment_error(exc):  # disk full, read-only folder, locked …
            raise file_error(exc, path) from None
        raise
    except OSError as exc:
        _remove_database(tmp)
        raise ProjectFileError(
            "Projektfilen {path} kunne ikke oprettes: {reason}.",
            path=str(path),
            reason=os_reason(exc),
        ) from None
    except BaseException:
        _remove_database(tmp)
        raise
    return DemoSummary(path=path, program=program, **counts)


def _is_environment_error(exc: dbapi.OperationalError) -> bool:
    text = str(exc).lower()
    words = ("disk", "full", "i/o", "readonly", "read-only", "locked", "busy", "unable to open")
    return any(word in text for word in words)


def _remove_database(path: Path, *, keep_main: bool = False) -> None:
    files = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if not keep_main:
        files.insert(0, path)
    for file in files:
        file.unlink(missing_ok=True)


def _insert(
    conn: dbapi.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    """One bulk insert (module level so a test can make it fail midway)."""
    if rows:
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f'"{column}"' for column in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


_TABLES: dict[str, tuple[str, ...]] = {
    "staff": ("id", "initials", "name", "role", "hours_per_week", "active"),
    "citizen": (
        "id",
        "cpr",
        "name",
        "birth_date",
        "gender",
        "origin",
        "grp",
        "entry_date",
        "exit_date",
        "exit_reason",
        "note",
        "updated_at",
    ),
    "audit_log": (
        "id",
        "at",
        "user",
        "action",
        "entity",
        "entity_id",
        "citizen_id",
        "field",
        "old",
        "new",
    ),
    "period": ("id", "citizen_id", "kind", "start", "end", "note"),
    "paid_hours": ("citizen_id", "month", "hours"),
    "assignment": ("id", "citizen_id", "staff_id", "role", "start", "end"),
    "board_move": ("id", "citizen_id", "at", "by_user", "from_column", "to_column", "reason"),
    "placement": ("citizen_id", "board_column", "since"),
    "contact": ("id", "citizen_id", "date", "kind", "staff_id", "note"),
    "status_entry": ("id", "citizen_id", "kind", "date", "value"),
    "network_person": ("id", "citizen_id", "name", "relation", "phone"),
    "stepup_meeting": ("id", "citizen_id", "date", "barriers", "note"),
    "stepup_participant": ("id", "meeting_id", "role", "name", "health_function"),
    "stepup_marking": ("id", "citizen_id", "kind", "start", "end", "note"),
    "stepup_plan_line": ("id", "meeting_id", "offer", "planned_start", "responsible", "note"),
}


# --- the generator ----------------------------------------------------------------------------


class _FastRandom(random.Random):
    """``random.Random`` with float-based ``randint``, ``randrange(n)`` and ``choice``: several
    times faster than the exact integer versions, which matters for 20,000 citizens. Still
    fully determined by the seed."""

    def randint(self, a: int, b: int) -> int:
        if b < a:
            raise ValueError(f"empty range for randint({a}, {b})")
        return a + int(self.random() * (b - a + 1))

    def randrange(self, n: int) -> int:  # type: ignore[override]  # only the one-argument form
        return int(self.random() * n)

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class _Citizen:
    """The base facts drawn for every citizen before staff and details."""

    __slots__ = (
        "birth",
        "broker",
        "cpr",
        "entry",
        "exit",
        "gender",
        "group",
        "id",
        "name",
        "origin",
        "reason",
    )
    # Days are ordinal numbers (date.toordinal) while drawing; rows get ISO dates.
    birth: int
    broker: bool
    cpr: str
    entry: int
    exit: int | None
    gender: Gender
    group: int | None
    id: str
    name: str
    origin: Origin
    reason: ExitReason | None


class _StaffMember:
    __slots__ = ("id", "initials", "load", "name", "role")

    def __init__(self, id_: str, initials: str, name: str, role: StaffRole) -> None:
        self.id, self.initials, self.name, self.role, self.load = id_, initials, name, role, 0


class _Life:
    """One citizen's history as it is drawn (:meth:`_Builder.details`), table by table: what
    the later tables depend on."""

    __slots__ = (
        "a",
        "b",
        "benefit",
        "brokers",
        "c",
        "caseworker",
        "caseworkers",
        "cid",
        "closed",
        "end_b",
        "exited",
        "factor",
        "first_hours",
        "first_period",
        "group2",
        "last_hours_month",
        "ongoing",
        "outcome",
        "outcome_kind",
        "parked",
        "praktik_ends",
        "w_end",
    )
    c: _Citizen
    cid: str
    a: int  # entry (ordinal)
    b: int  # the last day in the target group (so far)
    exited: bool
    end_b: str | None  # b as the end of a period: None while still in the target group
    group2: bool
    factor: float  # how often they get offers and paid hours, against group 1
    first_period: int  # their first row in the period table
    benefit: Kind
    outcome_kind: PeriodKind | None  # ordinary employment, fleksjob or education
    outcome: int | None  # its start
    w_end: int  # offers and hours stop here (the day before the outcome, else b)
    closed: bool
    ongoing: set[PeriodKind]  # offers that run on
    praktik_ends: list[int]
    first_hours: int  # their first row in the paid_hours table
    last_hours_month: int
    caseworker: _StaffMember  # the first
    caseworkers: list[tuple[_StaffMember, int]]  # (member, from) in order
    brokers: list[tuple[_StaffMember, int]]
    parked: _StaffMember | None  # a pseudo-caseworker the case ended with (HIR)


def _at(segments: list[tuple[_StaffMember, int]], day: int) -> _StaffMember | None:
    """Who of a citizen's staff in turn (``segments``: (member, from)) had them on ``day``."""
    found = None
    for member, start in segments:
        if start <= day:
            found = member
    return found


class _Builder:
    def __init__(self, template: ProgramTemplate, n: int, seed: int, today: dt.date) -> None:
        self.template = template
        self.n = n
        self.rng = _FastRandom(seed)
        self.srng = _FastRandom(seed * 7919 + 1)  # step-up's own stream
        self.rates = _RATES[template.key]
        self.has_groups = bool(template.groups)
        self.benefits = template.target_group.benefits
        self.min_age = template.target_group.min_age or 20
        self.today = today.toordinal()
        self.p_start = template.start.toordinal()
        self.p_end = template.end.toordinal()
        self._iso_cache: dict[int, str] = {}
        self._month_cache: dict[int, int] = {}
        # The last month whose paid hours are known: the current one only on its last day.
        self.last_month = self._month(self.today) - (
            0 if (today + dt.timedelta(days=1)).day == 1 else 1
        )
        self.counts = dict.fromkeys(
            (
                "staff",
                "citizens",
                "periods",
                "paid_hour_months",
                "contacts",
                "moves",
                "meetings",
                "board_meetings",
            ),
            0,
        )

    # -- small helpers ----------------------------------------------------------------------
    def uid(self) -> str:
        """``str(uuid.UUID(int=rng.getrandbits(128), version=4))``, about twice as fast."""
        h = "%032x" % (self.rng.getrandbits(128) & _UUID_CLEAR | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def stepup_uid(self) -> str:
        h = "%032x" % (self.srng.getrandbits(128) & _UUID_CLEAR | _UUID_SET)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def iso(self, ordinal: int) -> str:
        text = self._iso_cache.get(ordinal)
        if text is None:
            text = self._iso_cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def _month(self, ordinal: int) -> int:
        month = self._month_cache.get(ordinal)
        if month is None:
            day = dt.date.fromordinal(ordinal)
            month = self._month_cache[ordinal] = day.year * 12 + day.month - 1
        return month

    @staticmethod
    def month_key(month: int) -> str:
        return f"{month // 12:04d}-{month % 12 + 1:02d}"

    def stamp(self, ordinal: int) -> str:
        """A plausible office-hours time on a day, as an ISO datetime."""
        rng = self.rng
        return f"{self.iso(ordinal)}T{rng.randint(8, 15):02d}:{rng.randrange(60):02d}:00"

    def person_name(self, origin: Origin, gender: Gender) -> str:
        rng = self.rng
        female = gender is Gender.FEMALE
        if origin is Origin.NON_WESTERN:
            return f"{rng.choice(_NW_FEMALE if female else _NW_MALE)} {rng.choice(_NW_SURNAMES)}"
        if origin is Origin.WESTERN:
            return f"{rng.choice(_W_FEMALE if female else _W_MALE)} {rng.choice(_W_SURNAMES)}"
        first = rng.choice(_DK_FEMALE if female else _DK_MALE)
        if rng.random() < 0.2:
            return f"{first} {rng.choice(_DK_MIDDLE)} {rng.choice(_DK_SURNAMES)}"
        return f"{first} {rng.choice(_DK_SURNAMES)}"

    # -- the whole run ----------------------------------------------------------------------
    def write(self, conn: dbapi.Connection, db: Database) -> dict[str, int]:
        people = self.draw_citizens()
        staff = self.draw_staff(people)
        with db.atomic():
            # Secondary indexes cost less built once at the end than kept up to date row by row
            # (about a fifth of the insert time); their own SQL recreates them unchanged.
            indexes = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"
            ).fetchall()
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            _insert(conn, "staff", _TABLES["staff"], staff)
            self.counts["staff"] = len(staff)
            for first in range(0, len(people), CHUNK):
                rows: dict[str, list[tuple]] = {table: [] for table in _TABLES if table != "staff"}
                for person in people[first : first + CHUNK]:
                    self.details(person, rows)
                for table, table_rows in rows.items():
                    _insert(conn, table, _TABLES[table], table_rows)
                self.counts["citizens"] += len(rows["citizen"])
                self.counts["periods"] += len(rows["period"])
                self.counts["paid_hour_months"] += len(rows["paid_hours"])
                self.counts["contacts"] += len(rows["contact"])
                self.counts["moves"] += len(rows["board_move"])
                self.counts["meetings"] += len(rows["stepup_meeting"])
            for _, sql in indexes:
                conn.execute(sql)
            self.board_meetings(conn, staff)
            # The network circle is recorded only for citizens who wish it.
            conn.execute(
                "UPDATE citizen SET network_consent = 1 WHERE id IN (SELECT citizen_id FROM network_person)"
            )
        return self.counts

    def board_meetings(self, conn: dbapi.Connection, staff: list[tuple]) -> None:
        """The last two monthly team meetings (about five and one week ago), each with the
        board as it stood then, rebuilt from the move log: the board then shows what moved."""
        from fsm_desktop.storage.repositories import NOT_LEFT_SQL

        leaders = [row[1] for row in staff if row[3] == StaffRole.LEADER.value]
        others = [
            row[1]
            for row in staff
            if row[3] in (StaffRole.JOB_BROKER.value, StaffRole.CASEWORKER.value)
        ]
        for days_ago in (35, 7):
            ordinal = self.today - days_ago
            if ordinal < self.p_start:
                continue
            day = self.iso(ordinal)
            at = f"{day}T15:30:00"
            meeting = self.uid()
            attendees = leaders[:1] + others[: min(len(others), 8)]
            conn.execute(
                "INSERT INTO board_meeting (id, date, at, by_user, attendees, note, move_rowid) "
                "VALUES (?, ?, ?, ?, ?, '', (SELECT ifnull(max(rowid), 0) FROM board_move))",
                [meeting, day, at, DEMO_USER, json.dumps(attendees)],
            )
            conn.execute(
                "INSERT INTO board_snapshot (meeting_id, citizen_id, board_column) "
                "SELECT ?, c.id, (SELECT m.to_column FROM board_move m WHERE m.citizen_id = c.id AND m.at <= ? "
                "ORDER BY m.at DESC, m.rowid DESC LIMIT 1) "
                f"FROM citizen c WHERE {NOT_LEFT_SQL} AND (c.entry_date IS NULL OR c.entry_date <= ?)",
                [meeting, at, day, day],
            )
            self.counts["board_meetings"] += 1

    # -- citizens' base facts ------------------------------------------------------------------
    def draw_citizens(self) -> list[_Citizen]:
        rng = self.rng
        today, p_start = self.today, self.p_start
        anchor = min(p_start, today)
        inflow_last = min(self.p_end, today) - 30
        leaving = (ExitReason.MOVED_AWAY, ExitReason.OTHER, ExitReason.RETIRED, ExitReason.DIED)
        leaving_weights = (0.40, 0.30, 0.15, 0.15)
        seen: set[str] = set()
        people = []
        for _ in range(self.n):
            c = _Citizen()
            c.id = self.uid()
            r = rng.random()
            c.origin = (
                Origin.WESTERN if r < 0.05 else Origin.NON_WESTERN if r < 0.18 else Origin.DANISH
            )
            c.gender = Gender.FEMALE if rng.random() < 0.48 else Gender.MALE
            c.group = (1 if rng.random() < 0.88 else 2) if self.has_groups else None
            if self.has_groups:
                c.broker = c.group == 1
            else:
                c.broker = rng.random() < self.rates.broker_share
            # About a third enter during the initiative; the rest were there before it began.
            if inflow_last > p_start and rng.random() < 0.35:
                c.entry = rng.randint(p_start, inflow_last)
            else:
                c.entry = rng.randint(anchor - 730, anchor - 1)
            c.exit = c.reason = None
            if rng.random() < 0.08 and today - c.entry >= 31:
                c.exit = rng.randint(c.entry + 30, today)
                c.reason = rng.choices(leaving, leaving_weights)[0]
            if c.reason is ExitReason.RETIRED and c.exit is not None:
                # Turns about 66 (folkepension) on the exit date.
                c.birth = c.exit - 66 * 365 - 17 - rng.randrange(150)
            else:
                lo = self.min_age
                hi = min(64.0, 65.0 - (today - c.entry) / 365.25)
                hi = max(hi, lo + 1.0)
                age = lo + (hi - lo) * rng.betavariate(1.6, 2.2)
                c.birth = c.entry - math.ceil(age * 365.25) - 2
            c.cpr = self.cpr_for(c.birth, c.gender, seen)
            c.name = self.person_name(c.origin, c.gender)
            people.append(c)
        return people

    def cpr_for(self, birth: int, gender: Gender, seen: set[str]) -> str:
        rng = self.rng
        born = dt.date.fromordinal(birth)
        yy = born.year % 100
        if 1900 <= born.year <= 1999:
            sevenths = (0, 1, 2, 3, 4, 9) if yy >= 37 else (0, 1, 2, 3)
        elif 2000 <= born.year <= 2036:
            sevenths = (4, 5, 6, 7, 8, 9)
        elif 2037 <= born.year <= 2057:
            sevenths = (5, 6, 7, 8)
        else:  # pragma: no cover - ages are 20-66
            raise AssertionError(f"no CPR century digit for {born.year}")
        parity = 0 if gender is Gender.FEMALE else 1
        head = f"{born.day:02d}{born.month:02d}{yy:02d}"
        while True:
            number = f"{head}{rng.choice(sevenths)}{rng.randrange(100):02d}{rng.randrange(5) * 2 + parity}"
            if number not in seen:
                break
        number = normalize(number)
        if cpr_birth_date(number) != born:  # pragma: no cover - guards the century table above
            raise AssertionError(f"synthetic CPR {number} does not encode {born}")
        seen.add(number)
        return number

    # -- staff -----------------------------------------------------------------------------------
    def draw_staff(self, people: list[_Citizen]) -> list[tuple]:
        rng = self.rng
        broker_clients = sum(1 for c in people if c.broker)
        n_brokers = max(2, round(broker_clients / 40))
        # Ressourceforløb initiatives have a caseload limit of 30-35 per coordinating caseworker
        # (seeds/003); FSM's beskæftigelsesrådgivere carry larger, mixed caseloads, so the
        # 600-citizen FSM2 demo has about twenty staff rather than forty.
        per_caseworker = 35 if self.template.key in ("bir", "hir") else 100
        n_caseworkers = max(2, math.ceil(self.n / per_caseworker))
        n_leaders = 1 if self.n < 300 else 2
        taken: set[str] = set()
        rows: list[tuple] = []
        self.brokers: list[_StaffMember] = []
        self.caseworkers: list[_StaffMember] = []
        self.leaders: list[_StaffMember] = []
        self.pseudo: list[_StaffMember] = []
        if self.template.key == "hir":
            for initials, name in _PSEUDO_STAFF:
                member = _StaffMember(self.uid(), initials, name, StaffRole.PSEUDO)
                taken.add(initials)
                self.pseudo.append(member)
        for role, count, bucket in (
            (StaffRole.JOB_BROKER, n_brokers, self.brokers),
            (StaffRole.CASEWORKER, n_caseworkers, self.caseworkers),
            (StaffRole.LEADER, n_leaders, self.leaders),
        ):
            for _ in range(count):
                origin = Origin.NON_WESTERN if rng.random() < 0.08 else Origin.DANISH
                gender = Gender.FEMALE if rng.random() < 0.7 else Gender.MALE
                name, initials = self.staff_name(origin, gender, taken)
                bucket.append(_StaffMember(self.uid(), initials, name, role))
        for member in self.brokers + self.caseworkers + self.leaders + self.pseudo:
            if member.role is StaffRole.PSEUDO:
                hours = 0.0
            elif member.role is StaffRole.CASEWORKER and rng.random() < 0.1:
                hours = 30.0  # a meeting-chair role reduces the caseload (seeds/003)
            elif rng.random() < 0.15:
                hours = rng.choice((30.0, 32.0))
            else:
                hours = 37.0
            rows.append((member.id, member.initials, member.name, member.role.value, hours, 1))
        return rows

    def staff_name(self, origin: Origin, gender: Gender, taken: set[str]) -> tuple[str, str]:
        rng = self.rng
        for _ in range(40):
            name = self.person_name(origin, gender)
            parts = [p.upper() for p in name.split()]
            first, last = parts[0], parts[-1]
            candidates = [first[0] + last[0]]
            if len(parts) == 3:
                candidates.append(first[0] + parts[1][0] + last[0])
            candidates += [first[:2] + last[0], first[0] + last[:2], first[:2] + last[:2]]
            for initials in candidates:
                if initials.isalpha() and initials not in taken:
                    taken.add(initials)
                    return name, initials
        letters = "ABCDEFGHIJKLMNOPRSTUVY"
        while True:  # pragma: no cover - only with thousands of staff
            initials = name.upper()[0] + "".join(rng.choice(letters) for _ in range(3))
            if initials.isalpha() and initials not in taken:
                taken.add(initials)
                return name, initials

    def pick(self, members: list[_StaffMember], avoid: _StaffMember | None = None) -> _StaffMember:
        """The less loaded of two random staff members (keeps caseloads even)."""
        rng = self.rng
        a = rng.choice(members)
        b = rng.choice(members)
        if len(members) > 1:
            while a is avoid:
                a = rng.choice(members)
            while b is avoid:
                b = rng.choice(members)
        chosen = a if a.load <= b.load else b
        chosen.load += 1
        return chosen

    # -- one citizen's history ----------------------------------------------------------------
    def details(self, c: _Citizen, out: dict[str, list[tuple[Any, ...]]]) -> None:
        """One citizen's rows in every table. Each step draws from the random stream in turn,
        so their order is part of the data: the same seed gives the same rows."""
        life = self._citizen(c, out)
        self._benefit(life, out["period"])
        self._offers(life, out["period"])
        self._markings(life, out["period"])
        self._paid_hours(life, out["paid_hours"])
        self._caseworkers(life, out["assignment"])
        self._brokers(life, out["assignment"])
        if life.exited:
            for member, _ in life.caseworkers[-1:] + life.brokers[-1:]:
                member.load -= 1
        # A closed case ("andet") stays in the target group and on the board; the other exits
        # leave both.
        if (not life.exited or c.reason is ExitReason.OTHER) and self.rng.random() < 0.95:
            self._board(life, out)
        self._contacts(life, out["contact"])
        self._status(life, out["status_entry"])
        self._network(life, out["network_person"])
        # Step-up: meetings, markings and exemptions, on their own random stream.
        if self.rates.stepup:
            self.stepup(life, out)

    def _citizen(self, c: _Citizen, out: dict[str, list[tuple[Any, ...]]]) -> _Life:
        """The citizen's row and its audit entry; the frame of their history."""
        iso = self.iso
        life = _Life()
        life.c, life.cid, life.a = c, c.id, c.entry
        life.exited = exited = c.exit is not None
        b = (
            c.exit if c.exit is not None else self.today
        )  # the last day in the target group (so far)
        life.b = b
        life.end_b = end_b = iso(b) if exited else None
        updated = self.stamp(b if exited else c.entry)
        out["citizen"].append(
            (
                c.id,
                c.cpr,
                c.name,
                iso(c.birth),
                c.gender.value,
                c.origin.value,
                c.group,
                iso(c.entry),
                end_b,
                c.reason.value if c.reason is not None else None,
                "",
                updated,
            )
        )
        out["audit_log"].append(
            (
                self.uid(),
                self.stamp(c.entry),
                DEMO_USER,
                "create",
                "citizen",
                c.id,
                c.id,
                "",
                None,
                c.name,
            )
        )
        life.first_period = len(out["period"])
        life.group2 = c.group == 2
        life.factor = _GROUP2_FACTOR if life.group2 else 1.0
        if c.origin is Origin.NON_WESTERN and c.gender is Gender.FEMALE:
            life.factor *= 0.6  # the seeds single out non-western women as harder to reach
        return life

    def _benefit(self, life: _Life, periods: list[tuple[Any, ...]]) -> None:
        """The benefit, maybe revalidering (BIR), maybe an outcome that ends the benefit."""
        rng, rates, iso, uid = self.rng, self.rates, self.iso, self.uid
        cid, a, b, end_b = life.cid, life.a, life.b, life.end_b
        if len(self.benefits) == 1:
            benefit = self.benefits[0]
        else:
            share_iy = {Origin.DANISH: 0.01, Origin.WESTERN: 0.3, Origin.NON_WESTERN: 0.55}[
                life.c.origin
            ]
            benefit = (
                PeriodKind.INTEGRATIONSYDELSE_AP if rng.random() < share_iy else self.benefits[0]
            )
        life.benefit = benefit
        outcome_kind = outcome = revalidering = None
        if rates.revalidering and b - a > 120 and rng.random() < rates.revalidering:
            revalidering = rng.randint(a + 60, b)
        elif b - a >= 120:
            outcome_kind = self._outcome_kind(life.group2)
            if outcome_kind is not None:
                outcome = rng.randint(a + 90, b)
        life.outcome_kind, life.outcome = outcome_kind, outcome
        life.w_end = outcome - 1 if outcome is not None else b  # offers and hours stop here
        life.closed = life.exited or outcome is not None
        if revalidering is not None:
            periods.append((uid(), cid, benefit.value, iso(a), iso(revalidering - 1), ""))
            periods.append(
                (uid(), cid, PeriodKind.REVALIDERING.value, iso(revalidering), end_b, "")
            )
        else:
            benefit_end = iso(life.w_end) if life.closed else None
            periods.append((uid(), cid, benefit.value, iso(a), benefit_end, ""))
        if outcome_kind is not None and outcome is not None:
            periods.append((uid(), cid, outcome_kind.value, iso(outcome), end_b, ""))

    def _outcome_kind(self, group2: bool) -> PeriodKind | None:
        """Ordinary employment, fleksjob, education, or none (group 2 about half as often)."""
        rates = self.rates
        r = self.rng.random() / (1.0 if not group2 else 0.5)
        if r < rates.ordinary:
            return PeriodKind.ORDINAER_BESKAEFTIGELSE
        if r < rates.ordinary + rates.flex:
            return PeriodKind.FLEKSJOB
        if r < rates.ordinary + rates.flex + rates.education:
            return PeriodKind.UDDANNELSE_SU
        return None

    def _clip(self, end: int, last: int, is_closed: bool) -> str | None:
        """A period's end: ``end``, or ``last`` when it runs past it (open when not closed)."""
        if end <= last:
            return self.iso(end)
        return self.iso(last) if is_closed else None

    def _offers(self, life: _Life, periods: list[tuple[Any, ...]]) -> None:
        """Offers inside [a, w_end]: løntilskud, virksomhedspraktik, mentor, other offers."""
        rng, uid, iso, clip = self.rng, self.uid, self.iso, self._clip
        cid, a, w_end, closed = life.cid, life.a, life.w_end, life.closed
        life.ongoing, life.praktik_ends = set(), []
        if w_end - a < 14:
            return
        wage = None
        if rng.random() < 0.05 * life.factor:
            s = rng.randint(a, max(a, w_end - 30))
            e = s + rng.randint(91, 182)
            wage = (s, e)
            periods.append((uid(), cid, _WAGE_SUBSIDY, iso(s), clip(e, w_end, closed), ""))
            if e > w_end and not closed:
                life.ongoing.add(PeriodKind.LOENTILSKUD)
        rates = self.rates
        if rng.random() >= rates.praktik_never + (1 - rates.praktik_never) * (1 - life.factor):
            self._praktik(life, periods, wage)
        if rng.random() < 0.15:
            s = rng.randint(a, w_end)
            e = s + rng.randint(91, 365)
            periods.append((uid(), cid, _MENTOR, iso(s), clip(e, w_end, closed), ""))
        if rng.random() < 0.2:
            starts: set[int] = set()
            for _ in range(rng.randint(1, 2)):
                s = rng.randint(a, w_end)
                e = s + rng.randint(28, 120)
                if s in starts:  # one offer per kind and day: an extract has no duplicates
                    continue
                starts.add(s)
                periods.append((uid(), cid, _OTHER_OFFER, iso(s), clip(e, w_end, closed), ""))

    def _praktik(
        self, life: _Life, periods: list[tuple[Any, ...]], wage: tuple[int, int] | None
    ) -> None:
        """Virksomhedspraktik periods one after another, none during the løntilskud."""
        rng, uid, iso, clip = self.rng, self.uid, self.iso, self._clip
        cid, w_end, closed = life.cid, life.w_end, life.closed
        gap = self.rates.praktik_gap_months * 30.4
        t = life.a + int(rng.expovariate(1 / gap))
        while t <= w_end:
            e = t + rng.randint(28, 91) - 1
            if wage is None or e < wage[0] or t > wage[1]:
                periods.append((uid(), cid, _PRAKTIK, iso(t), clip(e, w_end, closed), ""))
                if e > w_end and not closed:
                    life.ongoing.add(PeriodKind.VIRKSOMHEDSPRAKTIK)
                life.praktik_ends.append(min(e, w_end))
            t = e + 1 + int(rng.expovariate(1 / gap))

    def _markings(self, life: _Life, periods: list[tuple[Any, ...]]) -> None:
        """Markings inside [a, b]: an exemption (fritagelse), an absence (fravær)."""
        rng, uid, iso = self.rng, self.uid, self.iso
        c, cid, a, b, exited = life.c, life.cid, life.a, life.b, life.exited
        if b - a >= 30 and rng.random() < 0.05:
            young_woman = c.gender is Gender.FEMALE and a - c.birth < 42 * 365
            kind = rng.choice(_EXEMPTIONS if young_woman else _EXEMPTIONS[1:])
            length = _EXEMPTION_DAYS[kind]
            s = rng.randint(a, b - 14)
            e = s + rng.randint(*length)
            end = self._clip(e, b, exited)
            periods.append((uid(), cid, PeriodKind.FRITAGELSE.value, iso(s), end, kind.value))
        if b - a >= 30 and rng.random() < 0.03:
            s = rng.randint(a, b - 14)
            e = s + rng.randint(14, 60)
            end = self._clip(e, b, exited)
            periods.append((uid(), cid, PeriodKind.FRAVAER.value, iso(s), end, ""))

    def _paid_hours(self, life: _Life, hours_rows: list[tuple[Any, ...]]) -> None:
        """Paid hours: a two-state chain per month with growing hours while it lasts."""
        rng, rates = self.rng, self.rates
        life.first_hours = len(hours_rows)
        life.last_hours_month = -1
        m0 = self._month(life.a)
        m1 = min(self._month(life.w_end), self.last_month)
        if m0 > m1:
            return
        share, factor, cid = rates.hours_share, life.factor, life.cid
        p_on = share * (1 - _HOURS_STAY) / (1 - share) * factor
        boost = {self._month(e) + k for e in life.praktik_ends for k in (1, 2)}
        forced: set[int] | tuple[()] = (
            {self._month(life.outcome) - k for k in (1, 2, 3)}
            if life.outcome_kind is PeriodKind.ORDINAER_BESKAEFTIGELSE and life.outcome is not None
            else ()
        )
        month_key = self.month_key
        h = rng.uniform(10.0, 60.0) if rng.random() < share * factor * 0.8 else 0.0
        for m in range(m0, m1 + 1):
            if m in forced:
                p = 1.0
            elif h > 0:
                p = _HOURS_STAY
            else:
                p = p_on * (4.0 if m in boost else 1.0)
            if rng.random() < p:
                if h > 0:
                    grown = h * rng.uniform(1.0, 1.3) + rng.uniform(0.0, 6.0)
                    h = min(grown, 80.0 + rng.uniform(0.0, 20.0))
                else:
                    h = rng.uniform(8.0, 30.0)
                hours_rows.append((cid, month_key(m), round(h * 2) / 2))
                life.last_hours_month = m
            else:
                h = 0.0

    def _caseworkers(self, life: _Life, assignments: list[tuple[Any, ...]]) -> None:
        """Every citizen a caseworker; a few change caseworker, and in HIR a few are parked
        with a pseudo-caseworker (maternity leave or prison; the pension board)."""
        rng, iso, uid = self.rng, self.iso, self.uid
        a, b = life.a, life.b
        life.caseworker = caseworker = self.pick(self.caseworkers)
        life.caseworkers = caseworkers = [(caseworker, a)]  # (member, from) in order
        r = rng.random()
        life.parked = None
        if b - a > 90:
            if r < 0.10:
                change = rng.randint(a + 60, b)
                caseworker.load -= 1
                caseworkers.append((self.pick(self.caseworkers, avoid=caseworker), change))
            elif self.pseudo and r < 0.13:  # maternity leave or prison (HIR)
                d = rng.randint(a + 30, b)
                back = d + rng.randint(120, 300)
                caseworkers.append((self.pseudo[0], d))
                if back < b:
                    caseworkers.append((caseworker, back + 1))
                else:
                    life.parked = self.pseudo[0]
            elif self.pseudo and r < 0.15:  # the case went to the pension board (HIR)
                caseworkers.append((self.pseudo[1], rng.randint(a + 30, b)))
                life.parked = self.pseudo[1]
        role = AssignmentRole.CASEWORKER.value
        for i, (member, start) in enumerate(caseworkers):
            end = iso(caseworkers[i + 1][1] - 1) if i + 1 < len(caseworkers) else life.end_b
            assignments.append((uid(), life.cid, member.id, role, iso(start), end))

    def _brokers(self, life: _Life, assignments: list[tuple[Any, ...]]) -> None:
        """The indsatsgruppe a job broker, from soon after entry; a few change broker."""
        rng, iso, uid = self.rng, self.iso, self.uid
        a, b = life.a, life.b
        life.brokers = brokers = []
        if life.c.broker:
            s = a + rng.randint(0, 45)
            if s <= b:
                broker = self.pick(self.brokers)
                brokers.append((broker, s))
                if b - s > 90 and rng.random() < 0.05:
                    broker.load -= 1
                    brokers.append((self.pick(self.brokers, avoid=broker), rng.randint(s + 60, b)))
        role = AssignmentRole.JOB_BROKER.value
        for i, (member, start) in enumerate(brokers):
            end = iso(brokers[i + 1][1] - 1) if i + 1 < len(brokers) else life.end_b
            assignments.append((uid(), life.cid, member.id, role, iso(start), end))

    def _board(self, life: _Life, out: dict[str, list[tuple[Any, ...]]]) -> None:
        """The four-way board: the current column (table placement) and the moves that led
        there (table board_move)."""
        rng, uid, today = self.rng, self.uid, self.today
        first = min(max(life.a, min(self.p_start, today)) + rng.randint(0, 20), today)
        column = rng.choices(_COLUMNS, self._board_weights(life))[0]
        k = min(rng.choices((0, 1, 2, 3, 4), (0.3, 0.3, 0.2, 0.12, 0.08))[0], today - first)
        days = [first, *sorted(rng.sample(range(first + 1, today + 1), k))]
        columns = [column]
        for _ in range(k):
            columns.append(rng.choice([x for x in _COLUMNS if x is not columns[-1]]))
        columns.reverse()
        previous = None
        stamp = ""
        for day, to in zip(days, columns):
            stamp = self.stamp(day)
            if rng.random() < 0.3:
                by = rng.choice(self.leaders).initials
            else:
                by = (
                    _at(life.brokers, day) or _at(life.caseworkers, day) or life.caseworker
                ).initials
            reason = (
                rng.choice(_MOVE_REASONS[to])
                if previous is not None and rng.random() < 0.35
                else ""
            )
            out["board_move"].append(
                (uid(), life.cid, stamp, by, previous.value if previous else None, to.value, reason)
            )
            previous = to
        out["placement"].append((life.cid, column.value, stamp))

    def _board_weights(self, life: _Life) -> tuple[float, float, float, float]:
        """The odds of each board column now: parked cases wait, busy citizens are in work."""
        busy = (
            bool(life.ongoing)
            or life.outcome is not None
            or life.last_hours_month >= self.last_month
        )
        if life.parked is not None:
            return (0.0, 0.0, 0.1, 0.9)
        if busy:
            return (0.70, 0.15, 0.10, 0.05)
        if life.group2:
            return (0.02, 0.05, 0.28, 0.65)
        return (0.06, 0.22, 0.42, 0.30)

    def _contacts(self, life: _Life, contacts: list[tuple[Any, ...]]) -> None:
        """Contacts in the last three months: weekly-ish with the job broker, rare otherwise."""
        rng, uid, iso = self.rng, self.uid, self.iso
        b = life.b
        c0 = max(life.a, self.today - 90)
        if c0 > b:
            return
        ongoing = life.ongoing
        praktik_now = PeriodKind.VIRKSOMHEDSPRAKTIK in ongoing or PeriodKind.LOENTILSKUD in ongoing
        visit = 0.3 if praktik_now else 0.08
        brokers = life.brokers
        if brokers and brokers[0][1] <= b:
            c0 = max(c0, brokers[0][1])
            p_week = 0.6 if self.template.key == "bir" else 0.5
            days = [
                w + rng.randrange(min(7, b - w + 1))
                for w in range(c0, b + 1, 7)
                if rng.random() < p_week
            ]
        else:
            days = sorted(rng.randint(c0, b) for _ in range(rng.choice((0, 1, 1, 2))))
        for day in days:
            weekday = (day - 1) % 7  # ordinal 1 was a Monday
            if weekday >= 5:
                day -= weekday - 4  # weekends move to Friday
                if day < c0:
                    continue
            staff = _at(brokers, day) or _at(life.caseworkers, day) or life.caseworker
            if staff.role is StaffRole.PSEUDO:
                continue  # parked on maternity leave, in prison or with the pension board
            r = rng.random()
            if r < visit:
                kind = ContactKind.COMPANY_VISIT
            elif r < visit + 0.35:
                kind = ContactKind.PHONE
            else:
                kind = ContactKind.IN_PERSON
            note = rng.choice(_CONTACT_NOTES) if rng.random() < 0.3 else ""
            contacts.append((uid(), life.cid, iso(day), _CONTACT_VALUES[kind], staff.id, note))

    def _status(self, life: _Life, status: list[tuple[Any, ...]]) -> None:
        """Status facts: CV on Jobnet and a job goal."""
        rng, uid, iso = self.rng, self.uid, self.iso
        cid, a, b = life.cid, life.a, life.b
        cv_kind, goal_kind = StatusKind.CV_JOBNET.value, StatusKind.JOB_GOAL.value
        if rng.random() < 0.97:
            d = a + rng.randint(0, 60)
            if d <= b:
                has_cv = rng.random() < 0.8
                status.append((uid(), cid, cv_kind, iso(d), "ja" if has_cv else "nej"))
                if not has_cv and rng.random() < 0.4:
                    d2 = rng.randint(d, b)
                    if d2 > d:
                        status.append((uid(), cid, cv_kind, iso(d2), "ja"))
        if rng.random() < 0.85:
            d = a + rng.randint(0, 90)
            if d <= b:
                goal = rng.choice(_JOB_GOALS)
                status.append((uid(), cid, goal_kind, iso(d), goal))
                if rng.random() < 0.1:
                    d2 = rng.randint(d, b)
                    if d2 > d:
                        status.append((uid(), cid, goal_kind, iso(d2), rng.choice(_JOB_GOALS)))

    def _network(self, life: _Life, network: list[tuple[Any, ...]]) -> None:
        """The network circle: for about one in ten, one or two relatives or friends."""
        rng = self.rng
        if rng.random() >= 0.10:
            return
        c = life.c
        surname = c.name.split()[-1]
        for _ in range(rng.randint(1, 2)):
            relation = rng.choice(_RELATIONS)
            name = self.person_name(c.origin, Gender.FEMALE if rng.random() < 0.5 else Gender.MALE)
            if relation in ("mor", "far", "søster", "bror", "datter", "søn"):
                name = f"{name.split()[0]} {surname}"
            network.append((self.uid(), life.cid, name, relation, ""))

    def stepup(self, life: _Life, out: dict[str, list[tuple[Any, ...]]]) -> None:
        """Step-up as a municipality practises it (seeds/002 §18-20): in ressourceforløb, most
        passive citizens get a meeting soon after each 6-month mark, a few have an exemption; in
        FSM2 and Frontrunner the job broker marks a few citizens whose job match stalls, and most
        of them get a meeting. Meetings end with a plan, which is mostly kept: the planned offer
        starts near its date. Its own random stream leaves every other table as it was."""
        company = self._company_spans(life, out)
        held: list[int] = []
        a, b = life.a, life.b
        if life.benefit is PeriodKind.RESSOURCEFORLOEB:
            self._stepup_ressourceforloeb(life, out, company, held)
        elif b - max(a, self.p_start) > 120 and self.srng.random() < self.rates.stepup * (
            2 if life.group2 else 1.5
        ):
            srng, iso = self.srng, self.iso
            s = srng.randint(max(a, self.p_start) + 60, b)
            out["stepup_marking"].append(
                (self.stepup_uid(), life.cid, "markeret", iso(s), None, "Jobmatchet går i stå")
            )
            if srng.random() < 0.7:
                day = s + srng.randint(7, 45)
                if day <= b:
                    self._hold(life, out, day, self._barriers(), company, held)

    def _company_spans(
        self, life: _Life, out: dict[str, list[tuple[Any, ...]]]
    ) -> list[tuple[int, int]]:
        """(first, last) ordinals of the citizen's company-directed offers and months with paid
        hours so far: a citizen with none of them around a 6-month mark is passive."""
        company: list[tuple[int, int]] = []
        for row in out["period"][life.first_period :]:
            if row[2] in _COMPANY_DIRECTED:
                company.append(
                    (
                        dt.date.fromisoformat(row[3]).toordinal(),
                        dt.date.fromisoformat(row[4]).toordinal() if row[4] else 10**7,
                    )
                )
        for _, month, _hours in out["paid_hours"][life.first_hours :]:
            first = dt.date.fromisoformat(month + "-01")
            company.append((first.toordinal(), add_months(first, 1).toordinal() - 1))
        return company

    def _stepup_ressourceforloeb(
        self,
        life: _Life,
        out: dict[str, list[tuple[Any, ...]]],
        company: list[tuple[int, int]],
        held: list[int],
    ) -> None:
        """In ressourceforløb: maybe an exemption (the rehabilitation team's recommendation),
        and a meeting soon after most 6-month marks at which the citizen has been passive."""
        srng, iso, a, b = self.srng, self.iso, life.a, life.b
        granted = dt.date.fromordinal(a)
        if srng.random() < 0.05 and b - a > 60:
            s = srng.randint(a, b - 30)
            e = add_months(dt.date.fromordinal(s), 6).toordinal()
            out["stepup_marking"].append(
                (
                    self.stepup_uid(),
                    life.cid,
                    "rehab_indstilling",
                    iso(s),
                    iso(e),
                    "Rehabiliteringsteamet: behandling først",
                )
            )
        last = min(life.w_end, self.today)
        k = 1
        while True:
            mark = add_months(granted, 6 * k).toordinal()
            if mark > last:
                break
            window = add_months(granted, 6 * (k - 1)).toordinal()
            passive = not any(s <= mark and e >= window for s, e in company)
            # Step-up is part of the initiative: meetings from the project's start.
            if (
                passive
                and mark >= self.p_start
                and not any(day >= mark for day in held)
                and srng.random() < 0.8
            ):
                day = mark + srng.randint(0, 40)
                if day <= last:
                    self._hold(life, out, day, self._barriers(), company, held)
            k += 1

    def _barriers(self) -> list[Barrier]:
        srng = self.srng
        return [barrier for barrier, p in _BARRIER_ODDS if srng.random() < p] or [Barrier.HEALTH]

    def _hold(
        self,
        life: _Life,
        out: dict[str, list[tuple[Any, ...]]],
        day: int,
        barriers: list[Barrier],
        company: list[tuple[int, int]],
        held: list[int],
    ) -> None:
        """A step-up meeting on ``day``: its participants and its plan."""
        meeting = self.stepup_uid()
        held.append(day)
        out["stepup_meeting"].append(
            (meeting, life.cid, self.iso(day), ",".join(x.value for x in barriers), "")
        )
        cw_now = _at(life.caseworkers, day) or life.caseworker
        jb_now = _at(life.brokers, day)
        self._participants(life, out["stepup_participant"], meeting, barriers, cw_now, jb_now)
        responsible = (jb_now or cw_now).initials
        self._plan(life, out, meeting, day, responsible, company)

    def _participants(
        self,
        life: _Life,
        parts: list[tuple[Any, ...]],
        meeting: str,
        barriers: list[Barrier],
        cw_now: _StaffMember,
        jb_now: _StaffMember | None,
    ) -> None:
        """The citizen, their caseworker (and job broker), a leader, whoever each barrier
        calls for, and sometimes a relative."""
        srng, uid = self.srng, self.stepup_uid
        parts.append((uid(), meeting, ParticipantRole.CITIZEN.value, life.c.name, ""))
        parts.append((uid(), meeting, ParticipantRole.CASEWORKER.value, cw_now.name, ""))
        if jb_now is not None:
            parts.append((uid(), meeting, ParticipantRole.JOB_BROKER.value, jb_now.name, ""))
        parts.append(
            (uid(), meeting, ParticipantRole.LEADER.value, srng.choice(self.leaders).name, "")
        )
        if Barrier.HEALTH in barriers:
            # For ressourceforløb only the clinical function's health coordinator or the GP.
            if life.benefit is PeriodKind.RESSOURCEFORLOEB or srng.random() < 0.3:
                health = ("Sundhedskoordinator, klinisk funktion", "sundhedskoordinator")
            else:
                health = ("Egen læge", "egen_laege")
            parts.append((uid(), meeting, ParticipantRole.HEALTH.value, *health))
        if Barrier.SOCIAL in barriers:
            social = "Socialrådgiver, voksenområdet"
            parts.append((uid(), meeting, ParticipantRole.SOCIAL.value, social, ""))
        if Barrier.FAMILY in barriers:
            parts.append((uid(), meeting, ParticipantRole.FAMILY.value, "Familierådgiver", ""))
        if srng.random() < 0.3:
            parts.append((uid(), meeting, ParticipantRole.NETWORK.value, "Pårørende", ""))

    def _plan(
        self,
        life: _Life,
        out: dict[str, list[tuple[Any, ...]]],
        meeting: str,
        day: int,
        responsible: str,
        company: list[tuple[int, int]],
    ) -> None:
        """The meeting's plan: one or two offers, mostly kept: the offer starts near its planned
        date, if nothing of its kind runs then."""
        srng, iso, uid = self.srng, self.iso, self.stepup_uid
        w_end, cid = life.w_end, life.cid
        for offer in srng.sample(_STEPUP_OFFERS, srng.randint(1, 2)):
            planned = day + srng.randint(7, 45)
            out["stepup_plan_line"].append(
                (uid(), meeting, offer.value, iso(planned), responsible, "")
            )
            start = planned + srng.randint(-5, 10)
            if srng.random() < 0.7 and start <= min(w_end, self.today):
                end = start + srng.randint(28, 91)
                spans = [
                    (r[3], r[4]) for r in out["period"][life.first_period :] if r[2] == offer.value
                ]
                if all(not (s <= iso(end) and (e is None or e >= iso(start))) for s, e in spans):
                    end_text = iso(end) if end <= w_end else (iso(w_end) if life.closed else None)
                    out["period"].append(
                        (uid(), cid, offer.value, iso(start), end_text, "step-up-plan")
                    )
                    if offer.value in _COMPANY_DIRECTED:
                        company.append((start, min(end, w_end) if end_text else 10**7))
