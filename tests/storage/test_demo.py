"""The demo generator: a complete, consistent and deterministic synthetic municipality."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import re
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from fsm_desktop.domain import cpr
from fsm_desktop.domain.errors import ProjectFileError, ValidationError
from fsm_desktop.domain.model import (
    Barrier,
    BoardColumn,
    ContactKind,
    ExemptionKind,
    ExitReason,
    ParticipantRole,
    PeriodCategory,
    PeriodKind,
    StaffRole,
)
from fsm_desktop.domain.program import BUILTIN, builtin_template
from fsm_desktop.storage import demo
from fsm_desktop.storage.demo import DemoSummary, write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sqlite import dbapi as sqlite3

N = 200
PROGRAMS = list(BUILTIN)
#: A fixed reference date per program: the initiative's last day.
TODAY = {key: builtin_template(key).end for key in BUILTIN}


# --- helpers ------------------------------------------------------------------------------------


class Built:
    """A demo written to a fresh file, with a plain read connection to inspect it."""

    def __init__(self, summary: DemoSummary, today: dt.date) -> None:
        self.summary = summary
        self.today = today
        self.template = builtin_template(summary.program)
        self.con = sqlite3.connect(summary.path)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.con.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple = ()):
        return self.con.execute(sql, params).fetchone()[0]

    def citizens(self) -> dict[str, tuple]:
        """id -> (grp, entry_date, exit_date, birth_date)."""
        return {
            r[0]: r[1:]
            for r in self.rows("SELECT id, grp, entry_date, exit_date, birth_date FROM citizen")
        }


@pytest.fixture
def build(tmp_path):
    opened: list[Built] = []

    def make(
        program: str = "fsm2", citizens: int = N, seed: int = 1, name: str | None = None, **kw
    ) -> Built:
        today = kw.pop("today", TODAY[program])
        summary = write_demo(
            tmp_path / (name or f"{program}-{seed}.fsm"),
            program=program,
            citizens=citizens,
            seed=seed,
            today=today,
            **kw,
        )
        built = Built(summary, today)
        opened.append(built)
        return built

    yield make
    for built in opened:
        built.con.close()


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in insertion order, without the real-clock columns."""
    con = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        out = {}
        for table in tables:
            columns = [
                f'"{r[1]}"'
                for r in con.execute(f'PRAGMA table_info("{table}")')
                if not (table == "initiative" and r[1] == "created_at")
            ]
            out[table] = con.execute(
                f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid'
            ).fetchall()
        return out
    finally:
        con.close()


def month_bounds(start: dt.date, end: dt.date):
    """(key, first ISO day, last ISO day) for every whole month from start's to end's."""
    y, m = start.year, start.month
    while True:
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if last > end:
            return
        yield f"{y:04d}-{m:02d}", first.isoformat(), last.isoformat()
        y, m = nxt.year, nxt.month


def monthly_shares(built: Built, touched) -> list[float]:
    """Per month of the initiative: share of the measured citizens (group 1, or everyone
    without groups) in the target group that month for whom ``touched(id, key, first, last)``."""
    citizens = built.citizens()
    shares = []
    end = min(built.template.end, built.today)
    for key, first, last in month_bounds(built.template.start, end):
        active = [
            cid
            for cid, (grp, entry, exit_, _) in citizens.items()
            if grp in (1, None) and entry <= last and (exit_ is None or exit_ >= first)
        ]
        shares.append(sum(1 for cid in active if touched(cid, key, first, last)) / len(active))
    return shares


# --- counts and integrity -----------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_summary_counts_match_the_tables(build, program):
    built = build(program)
    s = built.summary
    assert s.program == program
    assert s.path.name == f"{program}-1.fsm"
    assert s.citizens == N == built.one("SELECT count(*) FROM citizen")
    assert s.staff == built.one("SELECT count(*) FROM staff")
    assert s.periods == built.one("SELECT count(*) FROM period")
    assert s.paid_hour_months == built.one("SELECT count(*) FROM paid_hours")
    assert s.contacts == built.one("SELECT count(*) FROM contact")
    assert s.moves == built.one("SELECT count(*) FROM board_move")
    assert s.meetings == built.one("SELECT count(*) FROM stepup_meeting")
    assert min(s.periods, s.paid_hour_months, s.contacts, s.moves) > 0
    # Step-up meetings belong to FSM2, Frontrunner and BIR (domain.md), not HIR.
    assert (s.meetings > 0) == (program != "hir")


@pytest.mark.parametrize("program", PROGRAMS)
def test_file_is_a_valid_project_with_intact_references(build, program):
    built = build(program)
    assert built.rows("PRAGMA foreign_key_check") == []
    assert built.one("PRAGMA integrity_check") == "ok"
    with Project.open(built.summary.path) as project:
        initiative = project.initiative
        assert initiative.program == program
        assert initiative.municipality == demo.MUNICIPALITY
        assert initiative.grant_amount and initiative.grant_amount > 0
    leftovers = sorted(
        p.name for p in built.summary.path.parent.iterdir() if p.name.startswith(".")
    )
    assert leftovers == []


def test_schema_is_that_of_a_new_project(build, tmp_path):
    built = build("fsm2", citizens=20)
    with Project.create(tmp_path / "empty.fsm", builtin_template("fsm2")) as empty:
        expected = empty.db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        ).fetchall()
    assert (
        built.rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name") == expected
    )
    assert any(row[0] == "index" and row[3] for row in expected)


def test_audit_log_has_one_create_entry_per_citizen(build):
    built = build("fsm2")
    rows = built.rows("SELECT user, action, entity, entity_id, citizen_id FROM audit_log")
    assert len(rows) == N
    assert {r[:3] for r in rows} == {("demo", "create", "citizen")}
    assert {r[3] for r in rows} == set(built.citizens()) == {r[4] for r in rows}


def test_ids_are_version_4_uuids(build):
    built = build("bir")
    sql = "SELECT id FROM citizen UNION ALL SELECT id FROM period UNION ALL SELECT id FROM staff"
    ids = [r[0] for r in built.rows(sql)]
    assert len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {4}
    assert all(str(uuid.UUID(i)) == i for i in ids)


def test_fast_uuid_equals_the_uuid_module():
    builder = demo._Builder(builtin_template("fsm2"), 1, 42, dt.date(2021, 10, 31))
    rng = random.Random(42)
    for _ in range(2000):
        assert builder.uid() == str(uuid.UUID(int=rng.getrandbits(128), version=4))


# --- citizens ---------------------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_cpr_numbers_are_valid_unique_and_match_birth_date_and_gender(build, program):
    built = build(program)
    rows = built.rows("SELECT cpr, birth_date, gender, entry_date FROM citizen")
    numbers = [r[0] for r in rows]
    assert len(set(numbers)) == len(numbers)
    min_age = built.template.target_group.min_age or 18
    for number, born, gender, entry in rows:
        assert cpr.normalize(number) == number
        assert cpr.birth_date(number).isoformat() == born
        assert gender == ("K" if int(number[9]) % 2 == 0 else "M")
        age = cpr.age_on(number, dt.date.fromisoformat(entry))
        assert min_age <= age <= 66, (number, entry)


@pytest.mark.parametrize("program", PROGRAMS)
def test_groups_origin_and_exits_are_plausible(build, program):
    built = build(program)
    groups = Counter(r[0] for r in built.rows("SELECT grp FROM citizen"))
    if built.template.groups:
        assert set(groups) == {1, 2}
        assert 0.80 <= groups[1] / N <= 0.95
    else:
        assert set(groups) == {None}
    origins = Counter(r[0] for r in built.rows("SELECT origin FROM citizen"))
    assert 0.07 <= origins["ikke_vestlig"] / N <= 0.20
    assert 0.01 <= origins["vestlig"] / N <= 0.10
    genders = Counter(r[0] for r in built.rows("SELECT gender FROM citizen"))
    assert 0.35 <= genders["K"] / N <= 0.65
    exits = built.rows(
        "SELECT entry_date, exit_date, exit_reason, birth_date FROM citizen WHERE exit_date IS NOT NULL"
    )
    assert 0.03 <= len(exits) / N <= 0.14
    today = built.today.isoformat()
    for entry, exit_, reason, born in exits:
        assert entry < exit_ <= today
        assert reason in {r.value for r in ExitReason}
        if reason == ExitReason.RETIRED:
            assert int(exit_[:4]) - int(born[:4]) >= 65
    assert built.one("SELECT max(entry_date) FROM citizen") <= today
    # Two years of history before the initiative, and inflow during it.
    start = built.template.start
    assert (
        built.one("SELECT min(entry_date) FROM citizen")
        < (start - dt.timedelta(days=365)).isoformat()
    )
    assert (
        built.one("SELECT count(*) FROM citizen WHERE entry_date >= ?", (start.isoformat(),))
        > 0.15 * N
    )


def test_fsm2_citizens_are_over_30_and_names_are_unique_enough(build):
    built = build("fsm2", citizens=600)
    rows = built.rows("SELECT cpr, entry_date, name FROM citizen")
    assert all(cpr.age_on(c, dt.date.fromisoformat(e)) >= 30 for c, e, _ in rows)
    assert len({r[2] for r in rows}) > 0.8 * len(rows)


# --- staff and assignments --------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_staff_follow_the_caseload_ratios(build, program):
    built = build(program, citizens=600)
    staff = built.rows("SELECT initials, name, role, hours_per_week FROM staff")
    initials = [s[0] for s in staff]
    assert len(set(initials)) == len(initials)
    assert all(re.fullmatch(r"[^\W\d_]{2,4}", i) and i == i.upper() for i in initials)
    roles = Counter(s[2] for s in staff)
    per_caseworker = 35 if program in ("bir", "hir") else 100
    assert roles[StaffRole.CASEWORKER] == math.ceil(600 / per_caseworker)
    assert roles[StaffRole.LEADER] == 2
    brokered = built.one(
        "SELECT count(DISTINCT citizen_id) FROM assignment WHERE role = 'jobformidler'"
    )
    assert abs(roles[StaffRole.JOB_BROKER] - brokered / 40) <= 2
    pseudo = sorted((s[1], s[3]) for s in staff if s[2] == StaffRole.PSEUDO)
    if program == "hir":
        assert pseudo == [("Barsel/fængsel", 0.0), ("Sag overdraget til pensionsnævnet", 0.0)]
    else:
        assert pseudo == []
    assert all(s[3] > 0 for s in staff if s[2] != StaffRole.PSEUDO)


@pytest.mark.parametrize("program", PROGRAMS)
def test_assignments_chain_without_gaps_or_overlaps(build, program):
    built = build(program)
    citizens = built.citizens()
    staff_role = dict(built.rows("SELECT id, role FROM staff"))
    chains: dict[tuple[str, str], list[tuple[str, str | None, str]]] = defaultdict(list)
    for cid, staff_id, role, start, end in built.rows(
        "SELECT citizen_id, staff_id, role, start, end FROM assignment ORDER BY citizen_id, role, start"
    ):
        chains[cid, role].append((start, end, staff_id))
        if role == "jobformidler":
            assert staff_role[staff_id] == StaffRole.JOB_BROKER
        else:
            assert staff_role[staff_id] in (StaffRole.CASEWORKER, StaffRole.PSEUDO)
    changes = 0
    for cid, (grp, entry, exit_, _) in citizens.items():
        caseworker = chains[cid, "sagsbehandler"]
        assert caseworker and caseworker[0][0] == entry
        broker = chains.get((cid, "jobformidler"), [])
        if grp == 2:
            assert broker == []
        for chain in (caseworker, broker):
            for (start, end, first_staff), (nxt, _, next_staff) in itertools.pairwise(chain):
                assert end is not None and start <= end
                assert dt.date.fromisoformat(end) + dt.timedelta(days=1) == dt.date.fromisoformat(
                    nxt
                )
                assert first_staff != next_staff
            if chain:
                assert chain[-1][1] == exit_  # open unless the citizen left; then ends that day
                assert chain[0][0] >= entry
        changes += len(caseworker) > 1
    assert changes >= 0.04 * N
    with_broker = sum(
        1 for cid, (grp, *_rest) in citizens.items() if chains.get((cid, "jobformidler"))
    )
    measured = sum(
        1 for grp, *_rest in citizens.values() if grp == 1 or (grp is None and program == "bir")
    )
    if program != "hir":
        assert with_broker >= 0.9 * measured
    parked = built.one(
        "SELECT count(*) FROM assignment a JOIN staff s ON s.id = a.staff_id WHERE s.role = 'pseudo'"
    )
    assert (parked > 0) == (program == "hir")


def test_caseloads_stay_near_the_targets(build):
    built = build("hir", citizens=1000)
    today = built.today.isoformat()
    loads = built.rows(
        "SELECT s.role, count(*) FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.start <= ? AND (a.end IS NULL OR a.end >= ?) AND s.role != 'pseudo' GROUP BY s.id",
        (today, today),
    )
    caseworker_loads = [n for role, n in loads if role == StaffRole.CASEWORKER]
    assert max(caseworker_loads) <= 40
    assert sum(caseworker_loads) / len(caseworker_loads) <= 35


# --- periods and paid hours -----------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_periods_lie_inside_the_citizens_history(build, program):
    built = build(program)
    citizens = built.citizens()
    today = built.today.isoformat()
    benefits = {k.value for k in built.template.target_group.benefits}
    first_benefit: dict[str, tuple[str, str]] = {}
    for cid, kind, start, end, note in built.rows(
        "SELECT citizen_id, kind, start, end, note FROM period ORDER BY citizen_id, start"
    ):
        _grp, entry, exit_, born = citizens[cid]
        category = PeriodKind(kind).category
        assert born < entry <= start <= today
        assert end is None or start <= end <= today
        if exit_ is not None:
            assert start <= exit_ and end is not None and end <= exit_
        if category is PeriodCategory.BENEFIT:
            first_benefit.setdefault(cid, (kind, start))
        if kind == PeriodKind.FRITAGELSE:
            assert note in {e.value for e in ExemptionKind}
        if kind == PeriodKind.REVALIDERING:
            assert program == "bir"
    assert set(first_benefit) == set(citizens)
    for cid, (kind, start) in first_benefit.items():
        assert kind in benefits and start == citizens[cid][1]
    kinds = Counter(r[0] for r in built.rows("SELECT kind FROM period"))
    for kind in ("virksomhedspraktik", "mentor", "andet_aktivt_tilbud", "fritagelse"):
        assert kinds[kind] > 0, kind


@pytest.mark.parametrize("program", PROGRAMS)
def test_outcomes_end_the_benefit(build, program):
    built = build(program, citizens=400)
    outcomes = {"ordinaer_beskaeftigelse", "fleksjob", "uddannelse_su"}
    by_citizen = defaultdict(list)
    for cid, kind, start, end in built.rows("SELECT citizen_id, kind, start, end FROM period"):
        by_citizen[cid].append((kind, start, end))
    ended = 0
    for periods in by_citizen.values():
        for kind, start, _ in periods:
            if kind in outcomes:
                ended += 1
                benefit_ends = [
                    e for k, _, e in periods if PeriodKind(k).category is PeriodCategory.BENEFIT
                ]
                assert max(benefit_ends) < start
                offers = [
                    s for k, s, _ in periods if PeriodKind(k).category is PeriodCategory.OFFER
                ]
                assert all(s < start for s in offers)
    share_flex = sum(any(k == "fleksjob" for k, *_ in p) for p in by_citizen.values()) / 400
    assert ended > 0
    if program in ("bir", "hir"):
        assert share_flex >= 0.03  # ressourceforløb often ends in fleksjob


@pytest.mark.parametrize("program", PROGRAMS)
def test_paid_hours_share_of_the_measured_group_is_plausible(build, program):
    built = build(program)
    hours = {(cid, month) for cid, month in built.rows("SELECT citizen_id, month FROM paid_hours")}
    shares = monthly_shares(built, lambda cid, key, first, last: (cid, key) in hours)
    average = sum(shares) / len(shares)
    if built.template.groups:
        assert 0.07 <= average <= 0.22, shares  # Hedensted: 11.3-14.6 % (domain.md)
    else:
        assert 0.02 <= average <= 0.15, shares  # ressourceforløb: fewer paid hours


@pytest.mark.parametrize("program", PROGRAMS)
def test_paid_hours_only_while_in_the_target_group(build, program):
    built = build(program)
    citizens = built.citizens()
    today = built.today
    last_full = today.isoformat()[:7] if (today + dt.timedelta(days=1)).day == 1 else None
    streaks = 0
    previous: dict[str, str] = {}
    rows = built.rows("SELECT citizen_id, month, hours FROM paid_hours ORDER BY citizen_id, month")
    for cid, month, hours in rows:
        _grp, entry, exit_, _ = citizens[cid]
        assert 0 < hours <= 120
        assert entry[:7] <= month <= (exit_ or today.isoformat())[:7]
        assert month < today.isoformat()[:7] or month == last_full
        if previous.get(cid) and _next_month(previous[cid]) == month:
            streaks += 1
        previous[cid] = month
    # Persistence: most months with hours follow a month with hours.
    assert streaks > 0.5 * built.summary.paid_hour_months


def _next_month(key: str) -> str:
    y, m = int(key[:4]), int(key[5:])
    return f"{y + (m == 12):04d}-{m % 12 + 1:02d}"


@pytest.mark.parametrize("program", PROGRAMS)
def test_praktik_share_of_the_measured_group_is_plausible(build, program):
    built = build(program)
    praktik = defaultdict(list)
    rows = built.rows("SELECT citizen_id, start, end FROM period WHERE kind = 'virksomhedspraktik'")
    for cid, start, end in rows:
        praktik[cid].append((start, end))

    def touched(cid, key, first, last):
        return any(s <= last and (e is None or e >= first) for s, e in praktik.get(cid, ()))

    shares = monthly_shares(built, touched)
    average = sum(shares) / len(shares)
    if built.template.groups:
        assert 0.10 <= average <= 0.30, shares  # the status sheet's goal is 20 %
    else:
        assert 0.05 <= average <= 0.25, shares
    lengths = [
        (dt.date.fromisoformat(e) - dt.date.fromisoformat(s)).days + 1
        for spans in praktik.values()
        for s, e in spans
        if e is not None
    ]
    assert 14 <= sum(lengths) / len(lengths) <= 91  # several weeks


# --- the board ------------------------------------------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_placement_is_the_last_move(build, program):
    built = build(program)
    citizens = built.citizens()
    initials = {r[0] for r in built.rows("SELECT initials FROM staff")}
    moves = defaultdict(list)
    for cid, at, by, from_column, to_column, _reason in built.rows(
        "SELECT citizen_id, at, by_user, from_column, to_column, reason FROM board_move "
        "ORDER BY citizen_id, at"
    ):
        moves[cid].append((at, from_column, to_column))
        assert by in initials
        assert dt.datetime.fromisoformat(at).date() <= built.today
        assert at[:10] >= citizens[cid][1]
    placements = {
        r[0]: (r[1], r[2])
        for r in built.rows("SELECT citizen_id, board_column, since FROM placement")
    }
    assert set(placements) == set(moves)
    reasons = dict(built.rows("SELECT id, exit_reason FROM citizen"))
    # On the board: everyone still in the target group; a closed case ("andet") stays.
    in_target_group = [cid for cid, reason in reasons.items() if reason in (None, ExitReason.OTHER)]
    assert set(placements) <= set(in_target_group)
    assert 0.88 <= len(placements) / len(in_target_group) < 1.0
    assert any(reasons[cid] == ExitReason.OTHER for cid in placements)
    for cid, history in moves.items():
        assert 1 <= len(history) <= 5
        assert history[0][1] is None
        for (at, _, to_column), (nxt_at, nxt_from, nxt_to) in itertools.pairwise(history):
            assert at < nxt_at and nxt_from == to_column != nxt_to
        assert placements[cid] == (history[-1][2], history[-1][0])
    assert {c for c, _ in placements.values()} == {c.value for c in BoardColumn}


def test_citizens_under_way_are_more_often_i_gang(build):
    built = build("fsm2", citizens=600)
    under_way = {
        r[0]
        for r in built.rows(
            "SELECT citizen_id FROM period WHERE end IS NULL AND kind IN "
            "('virksomhedspraktik', 'loentilskud', 'ordinaer_beskaeftigelse', 'fleksjob', 'uddannelse_su')"
        )
    }
    columns = dict(built.rows("SELECT citizen_id, board_column FROM placement"))
    busy = [c for cid, c in columns.items() if cid in under_way]
    idle = [c for cid, c in columns.items() if cid not in under_way]
    share = lambda cs: sum(c == BoardColumn.I_GANG for c in cs) / len(cs)  # noqa: E731
    assert len(busy) >= 20
    assert share(busy) > 0.5 > 0.3 > share(idle)


# --- contacts, status facts, network, step-up -------------------------------------------------


@pytest.mark.parametrize("program", PROGRAMS)
def test_contacts_are_recent_and_with_real_staff(build, program):
    built = build(program)
    citizens = built.citizens()
    roles = dict(built.rows("SELECT id, role FROM staff"))
    earliest = (built.today - dt.timedelta(days=90)).isoformat()
    per_citizen = Counter()
    for cid, date, kind, staff_id in built.rows(
        "SELECT citizen_id, date, kind, staff_id FROM contact"
    ):
        _grp, entry, exit_, _ = citizens[cid]
        assert max(entry, earliest) <= date <= (exit_ or built.today.isoformat())
        assert kind in {k.value for k in ContactKind}
        assert roles[staff_id] in (StaffRole.JOB_BROKER, StaffRole.CASEWORKER)
        assert dt.date.fromisoformat(date).weekday() < 5
        per_citizen[cid] += 1
    brokered = {
        r[0]
        for r in built.rows(
            "SELECT DISTINCT citizen_id FROM assignment WHERE role = 'jobformidler'"
        )
    }
    active_brokered = [c for c in brokered if citizens[c][2] is None and citizens[c][1] < earliest]
    average = sum(per_citizen[c] for c in active_brokered) / len(active_brokered)
    assert 4 <= average <= 10  # weekly-ish over three months


@pytest.mark.parametrize("program", PROGRAMS)
def test_status_entries_and_network(build, program):
    built = build(program)
    citizens = built.citizens()
    latest_cv: dict[str, str] = {}
    goals = set()
    for cid, kind, date, value in built.rows(
        "SELECT citizen_id, kind, date, value FROM status_entry ORDER BY citizen_id, date"
    ):
        _grp, entry, exit_, _ = citizens[cid]
        assert entry <= date <= (exit_ or built.today.isoformat())
        if kind == "cv_jobnet":
            assert value in ("ja", "nej")
            latest_cv[cid] = value
        else:
            assert kind == "jobmaal" and value
            goals.add(cid)
    assert 0.75 <= sum(v == "ja" for v in latest_cv.values()) / N <= 0.95
    assert 0.75 <= len(goals) / N <= 0.95
    network = built.one("SELECT count(DISTINCT citizen_id) FROM network_person")
    assert 0.04 <= network / N <= 0.18
    assert built.one("SELECT count(*) FROM network_person WHERE name = '' OR relation = ''") == 0


@pytest.mark.parametrize("program", ["fsm2", "frontrunner", "bir"])
def test_stepup_meetings_have_participants_barriers_and_a_plan(build, program):
    built = build(program, citizens=600)
    meetings = built.rows("SELECT id, citizen_id, date, barriers FROM stepup_meeting")
    if program == "bir":
        # Most passive citizens in ressourceforløb get a meeting after each 6-month mark.
        assert 0.3 <= len(meetings) / 600 <= 2.0
        assert (
            built.one(
                "SELECT count(*) FROM stepup_marking WHERE kind = 'rehab_indstilling' AND end IS NOT NULL"
            )
            > 0
        )
    else:
        # The job broker marks a few citizens; most of them get a meeting.
        assert 0.01 <= len(meetings) / 600 <= 0.08
        marked = built.one("SELECT count(*) FROM stepup_marking WHERE kind = 'markeret'")
        assert marked >= len(meetings)
    health = built.rows(
        "SELECT health_function FROM stepup_participant WHERE role = 'sundhedsfaglig'"
    )
    assert health and all(fn in ("sundhedskoordinator", "egen_laege") for (fn,) in health)
    participants = defaultdict(list)
    for meeting_id, role in built.rows("SELECT meeting_id, role FROM stepup_participant"):
        participants[meeting_id].append(ParticipantRole(role))
    plan = defaultdict(list)
    lines = built.rows("SELECT meeting_id, offer, planned_start FROM stepup_plan_line")
    for meeting_id, offer, planned in lines:
        plan[meeting_id].append((PeriodKind(offer), planned))
    citizens = built.citizens()
    for meeting_id, cid, date, barriers in meetings:
        assert citizens[cid][1] < date <= built.today.isoformat()
        found = [Barrier(b) for b in barriers.split(",")]
        assert found
        roles = participants[meeting_id]
        for required in (
            ParticipantRole.CITIZEN,
            ParticipantRole.CASEWORKER,
            ParticipantRole.LEADER,
        ):
            assert required in roles
        assert (Barrier.HEALTH in found) == (ParticipantRole.HEALTH in roles)
        assert (Barrier.SOCIAL in found) == (ParticipantRole.SOCIAL in roles)
        assert (Barrier.FAMILY in found) == (ParticipantRole.FAMILY in roles)
        assert 1 <= len(plan[meeting_id]) <= 2
        for kind, planned in plan[meeting_id]:
            assert kind.category is PeriodCategory.OFFER and planned > date


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("program", ["fsm2", "hir"])
def test_same_seed_gives_identical_tables_and_other_seeds_differ(build, program):
    a = build(program, seed=7, name="a.fsm")
    b = build(program, seed=7, name="b.fsm")
    c = build(program, seed=8, name="c.fsm")
    first = dump(a.summary.path)
    assert first == dump(b.summary.path)
    other = dump(c.summary.path)
    assert other["citizen"] != first["citizen"]
    assert other["paid_hours"] != first["paid_hours"]
    assert a.summary.citizens == c.summary.citizens


def test_today_defaults_to_the_end_of_a_past_initiative(tmp_path):
    assert TODAY["fsm2"] < dt.date.today()
    write_demo(tmp_path / "default.fsm", citizens=50, seed=3)
    write_demo(tmp_path / "explicit.fsm", citizens=50, seed=3, today=TODAY["fsm2"])
    assert dump(tmp_path / "default.fsm") == dump(tmp_path / "explicit.fsm")


def test_a_different_today_moves_the_history(build):
    early = build("fsm2", today=dt.date(2020, 6, 15), name="early.fsm")
    late = build("fsm2", name="late.fsm")
    assert early.one("SELECT max(month) FROM paid_hours") == "2020-05"
    assert early.one("SELECT max(start) FROM period") <= "2020-06-15"
    assert early.one("SELECT max(at) FROM board_move") < "2020-06-16"
    assert late.one("SELECT max(month) FROM paid_hours") == "2021-10"


# --- arguments and files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"citizens": 0},
        {"citizens": -5},
        {"citizens": 200_001},
        {"citizens": 1.5},
        {"citizens": "600"},
        {"citizens": True},
        {"program": "fsm3"},
        {"program": ""},
        {"seed": "x"},
        {"today": "2021-01-01"},
        {"today": dt.date(1900, 1, 1)},
    ],
)
def test_bad_arguments_raise_a_danish_validation_error_and_leave_no_file(tmp_path, kwargs):
    with pytest.raises(ValidationError) as info:
        write_demo(tmp_path / "bad.fsm", **kwargs)
    assert re.search(r"[æøå]|skal|Ukendt|Datoen", info.value.message)
    assert list(tmp_path.iterdir()) == []


def test_limits_are_accepted(build):
    for program in PROGRAMS:
        built = build(program, citizens=1)
        assert built.summary.citizens == 1
        assert built.summary.staff >= 5
        assert built.rows("PRAGMA foreign_key_check") == []


def test_refuses_to_overwrite_an_existing_file(tmp_path):
    target = tmp_path / "exists.fsm"
    target.write_bytes(b"keep me")
    with pytest.raises(ProjectFileError):
        write_demo(target, citizens=10)
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.fsm"]
    summary = write_demo(target, citizens=10, overwrite=True)
    assert summary.citizens == 10
    with Project.open(target) as project:
        assert project.initiative.program == "fsm2"


def test_missing_folder_is_a_project_file_error(tmp_path):
    with pytest.raises(ProjectFileError):
        write_demo(tmp_path / "nowhere" / "demo.fsm", citizens=10)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_midway_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    original = demo._insert
    written: list[str] = []

    def failing(conn, table, columns, rows):
        if table == "contact":
            raise RuntimeError("simulated failure")
        written.append(table)
        original(conn, table, columns, rows)

    monkeypatch.setattr(demo, "_insert", failing)
    with pytest.raises(RuntimeError, match="simulated"):
        write_demo(tmp_path / "new.fsm", citizens=50)
    assert "period" in written  # it did fail midway
    assert list(tmp_path.iterdir()) == []

    monkeypatch.setattr(demo, "_insert", original)
    old = write_demo(tmp_path / "old.fsm", citizens=20)
    before = dump(old.path)
    monkeypatch.setattr(demo, "_insert", failing)
    with pytest.raises(RuntimeError):
        write_demo(old.path, citizens=50, seed=2, overwrite=True)
    assert dump(old.path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.fsm"]


@pytest.mark.slow
def test_twenty_thousand_citizens(tmp_path):
    summary = write_demo(tmp_path / "big.fsm", citizens=20_000)
    with Project.open(summary.path) as project:
        db = project.db
        assert (
            summary.citizens == 20_000 == db.execute("SELECT count(*) FROM citizen").fetchone()[0]
        )
        assert db.execute("SELECT count(DISTINCT cpr) FROM citizen").fetchone()[0] == 20_000
        assert summary.staff == db.execute("SELECT count(*) FROM staff").fetchone()[0]
        assert summary.periods == db.execute("SELECT count(*) FROM period").fetchone()[0] > 20_000
        assert (
            summary.paid_hour_months == db.execute("SELECT count(*) FROM paid_hours").fetchone()[0]
        )
        assert summary.contacts == db.execute("SELECT count(*) FROM contact").fetchone()[0]
        assert summary.moves == db.execute("SELECT count(*) FROM board_move").fetchone()[0]
        assert summary.meetings == db.execute("SELECT count(*) FROM stepup_meeting").fetchone()[0]
        assert db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 20_000
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
