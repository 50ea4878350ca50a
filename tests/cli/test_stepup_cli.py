"""`fsm-desktop stepup`, run as a user runs it: in a subprocess, on a small BIR project whose due
list and counts are worked out by hand below."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from cli_run import isolated_env, run

from fsm_desktop.domain.model import (
    Barrier,
    Citizen,
    ExitReason,
    ParticipantRole,
    PeriodKind,
    Staff,
    StaffRole,
)
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.stepup import (
    DUE_LABELS,
    MARKING_LABELS,
    DueReason,
    HealthFunction,
    Marking,
    MarkingKind,
    Meeting,
    Participant,
    PlannedOffer,
)
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3
from fsm_desktop.storage.stepup import StepUpRepository

D = dt.date
R = ParticipantRole
K = PeriodKind
AS_OF = "2020-09-01"
ALL_FOUR = (R.CITIZEN, R.CASEWORKER, R.JOB_BROKER, R.LEADER)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return isolated_env(tmp_path_factory.mktemp("home"))


def stepup(env, *args):
    return run(env, "stepup", *args)


def _insert(project, table, **row):
    with project.db.atomic():
        project.db[table].insert(row)


def _citizen(
    project, n, name, *, exit_date=None, periods=(), broker=None, caseworker=None, staff=None
) -> str:
    person = Citizen(
        cpr=f"01017{n:05d}",
        name=name,
        group=None,
        entry_date=D(2020, 1, 1),
        exit_date=exit_date,
        exit_reason=ExitReason.MOVED_AWAY if exit_date else None,
    )
    CitizenRepository(project).add(person)
    for kind, start, end in periods:
        _insert(
            project,
            "period",
            id=str(uuid.uuid4()),
            citizen_id=person.id,
            kind=kind.value,
            start=start,
            end=end,
            note="",
        )
    for initials, role in ((broker, "jobformidler"), (caseworker, "sagsbehandler")):
        if initials:
            _insert(
                project,
                "assignment",
                id=str(uuid.uuid4()),
                citizen_id=person.id,
                staff_id=staff[initials].id,
                role=role,
                start="2020-01-01",
                end=None,
            )
    return person.id


def _meeting(project, cid, day, roles, barriers, plan, health=None):
    people = [Participant(r) for r in roles]
    if health is not None:
        people.append(Participant(R.HEALTH, "Sygeplejerske", health))
    StepUpRepository(project).save_meeting(Meeting(cid, day, people, list(barriers), list(plan)))


@pytest.fixture(scope="module")
def bir(tmp_path_factory) -> tuple[str, dict[str, str]]:
    """Six BIR citizens, all entered 1 Jan 2020. As of 1 Sep 2020, by hand:

    - Cia: ressourceforløb from 1 Dec 2019 (mark 1 Jun 2020); met 10 Jun 2020 (settles the mark)
      with løntilskud planned 1 Jul, never started → follow-up due since the planned start
      1 Jul: 30 + 31 + 1 = 62 days over (1 Jul → 1 Sep), the line's count as well.
    - Anna: ressourceforløb from 15 Jan 2020, passive → due since the mark 15 Jul: 17 + 31 = 48
      days. Her meeting of 15 Sep is after 1 Sep and does not count.
    - Dan: no ressourceforløb; marked for step-up on 20 Aug → due since 20 Aug: 12 days.
    - Eva: ressourceforløb from 20 Jan; mark 20 Jul inside "tilbud aftalt" 1 Jul – 30 Sep →
      exempt until 30 Sep (listed only with --exempt).
    - Bo: ressourceforløb from 10 Feb with a praktik in April (inside the window 10 Feb – 10 Aug)
      → not due; met 5 Aug with a praktik planned 20 Aug, started 18 Aug → plan kept.
    - Finn: passive ressourceforløb from 15 Jan, but moved away 31 Aug → not due.
    """
    path = tmp_path_factory.mktemp("bir") / "bir.fsm"
    project = Project.create(path, builtin_template("bir"), municipality="Testkommune")
    try:
        staff = {
            i: Staff(i, f"Medarbejder {i}", role)
            for i, role in (
                ("AA", StaffRole.JOB_BROKER),
                ("BB", StaffRole.JOB_BROKER),
                ("CC", StaffRole.CASEWORKER),
            )
        }
        for member in staff.values():
            StaffRepository(project).add(member)
        ids = {
            "anna": _citizen(
                project,
                1,
                "Anna Ager",
                periods=[(K.RESSOURCEFORLOEB, "2020-01-15", None)],
                broker="AA",
                caseworker="CC",
                staff=staff,
            ),
            "bo": _citizen(
                project,
                2,
                "Bo Berg",
                periods=[
                    (K.RESSOURCEFORLOEB, "2020-02-10", None),
                    (K.VIRKSOMHEDSPRAKTIK, "2020-04-01", "2020-04-30"),
                    (K.VIRKSOMHEDSPRAKTIK, "2020-08-18", None),
                ],
            ),
            "cia": _citizen(
                project,
                3,
                "Cia Carlsen",
                periods=[(K.RESSOURCEFORLOEB, "2019-12-01", None)],
                broker="BB",
                caseworker="CC",
                staff=staff,
            ),
            "dan": _citizen(project, 4, "Dan Dam", broker="AA", staff=staff),
            "eva": _citizen(
                project, 5, "Eva Eriksen", periods=[(K.RESSOURCEFORLOEB, "2020-01-20", None)]
            ),
            "finn": _citizen(
                project,
                6,
                "Finn Friis",
                exit_date=D(2020, 8, 31),
                periods=[(K.RESSOURCEFORLOEB, "2020-01-15", None)],
            ),
        }
        _meeting(
            project,
            ids["cia"],
            D(2020, 6, 10),
            (R.CITIZEN, R.CASEWORKER, R.JOB_BROKER),
            [Barrier.HEALTH],
            [PlannedOffer(K.LOENTILSKUD, D(2020, 7, 1), "BB")],
            health=HealthFunction.OTHER,
        )
        _meeting(
            project,
            ids["bo"],
            D(2020, 8, 5),
            ALL_FOUR,
            [Barrier.OTHER],
            [PlannedOffer(K.VIRKSOMHEDSPRAKTIK, D(2020, 8, 20), "AA")],
        )
        _meeting(
            project,
            ids["anna"],
            D(2020, 9, 15),
            ALL_FOUR,
            [],
            [PlannedOffer(K.MENTOR, D(2020, 10, 1))],
        )
        repo = StepUpRepository(project)
        repo.add_marking(ids["dan"], Marking(MarkingKind.MARKED, D(2020, 8, 20)))
        repo.add_marking(
            ids["eva"], Marking(MarkingKind.OFFER_AGREED, D(2020, 7, 1), D(2020, 9, 30))
        )
    finally:
        project.close()
    return str(path), ids


def _due(cid, name, cpr, broker, caseworker, reason, since, days, overdue_plan=()):
    return {
        "citizen_id": cid,
        "name": name,
        "cpr": cpr,
        "job_broker": broker,
        "caseworker": caseworker,
        "status": "due",
        "reason": reason.value,
        "reason_text": DUE_LABELS[reason],
        "due_since": since,
        "days_overdue": days,
        "exempt_until": None,
        "overdue_plan": list(overdue_plan),
    }


def expected_due(ids):
    return [
        _due(
            ids["cia"],
            "Cia Carlsen",
            "010170-xxxx",
            "BB",
            "CC",
            DueReason.FOLLOW_UP,
            "2020-07-01",
            62,
            [{"offer": "loentilskud", "planned_start": "2020-07-01", "days_overdue": 62}],
        ),
        _due(
            ids["anna"],
            "Anna Ager",
            "010170-xxxx",
            "AA",
            "CC",
            DueReason.RESSOURCEFORLOEB,
            "2020-07-15",
            48,
        ),
        _due(ids["dan"], "Dan Dam", "010170-xxxx", "AA", "", DueReason.MARKED, "2020-08-20", 12),
    ]


def test_the_due_list_as_json_against_a_hand_count(env, bir):
    path, ids = bir
    result = stepup(env, "--db", path, "--due", "--format", "json", "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data == {"as_of": AS_OF, "due": expected_due(ids)}


def test_exempt_citizens_follow_with_exempt(env, bir):
    path, ids = bir
    data = json.loads(
        stepup(env, "--db", path, "--due", "--exempt", "--format", "json", "--date", AS_OF).stdout
    )
    assert data["due"][:3] == expected_due(ids)
    assert data["due"][3:] == [
        {
            "citizen_id": ids["eva"],
            "name": "Eva Eriksen",
            "cpr": "010170-xxxx",
            "job_broker": "",
            "caseworker": "",
            "status": "exempt",
            "reason": None,
            "reason_text": MARKING_LABELS[MarkingKind.OFFER_AGREED],
            "due_since": None,
            "days_overdue": 0,
            "exempt_until": "2020-09-30",
            "overdue_plan": [],
        }
    ]


def test_the_due_list_filtered_by_job_broker_and_caseworker(env, bir):
    path, _ids = bir
    by_broker = json.loads(
        stepup(
            env, "--db", path, "--due", "--job-broker", "aa", "--format", "json", "--date", AS_OF
        ).stdout
    )
    assert [d["name"] for d in by_broker["due"]] == ["Anna Ager", "Dan Dam"]
    both = json.loads(
        stepup(
            env,
            "--db",
            path,
            "--due",
            "--job-broker",
            "AA",
            "--caseworker",
            "CC",
            "--format",
            "json",
            "--date",
            AS_OF,
        ).stdout
    )
    assert [d["name"] for d in both["due"]] == ["Anna Ager"]


def test_the_due_list_moves_with_the_date(env, bir):
    path, _ids = bir
    # 14 Jul 2020: Anna's mark has not come, Dan is not marked yet; Cia's plan (1 Jul) is
    # overdue from 2 Jul: due since 1 Jul, 13 days over (2 … 14 Jul).
    data = json.loads(
        stepup(env, "--db", path, "--due", "--format", "json", "--date", "2020-07-14").stdout
    )
    assert [(d["name"], d["due_since"], d["days_overdue"]) for d in data["due"]] == [
        ("Cia Carlsen", "2020-07-01", 13)
    ]


def test_the_due_list_as_a_table(env, bir):
    path, _ = bir
    result = stepup(env, "--db", path, "--due", "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Step-up pr. 01-09-2020: 3 borgere skal have et møde"
    assert lines[2].split() == [
        "Borger",
        "CPR",
        "JF",
        "SB",
        "Skal",
        "holdes",
        "siden",
        "Dage",
        "Hvorfor",
    ]
    rows = lines[4:]
    assert [row.split("  ")[0] for row in rows] == ["Cia Carlsen", "Anna Ager", "Dan Dam"]
    # Cia: due since the planned start, 62 days over, as her plan's line in the JSON.
    assert rows[0].count("01-07-2020") == 2 and " 62 " in rows[0]  # since, and "planlagt"
    assert "planlagt 01-07-2020" in rows[0]
    assert "15-07-2020" in rows[1] and " 48 " in rows[1]
    assert "20-08-2020" in rows[2] and " 12 " in rows[2]
    assert "0101700001" not in result.stdout and "010170-xxxx" in rows[1]


def test_the_overview_counts_per_month_and_the_meetings(env, bir):
    path, ids = bir
    result = stepup(env, "--db", path, "--format", "json", "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # BIR starts 15 Dec 2019: December 2019 – September 2020. Cia's meeting in June (plan
    # broken), Bo's in August (plan kept); Anna's of 15 Sep is after the date.
    months = [(m["month"], m["held"], m["cumulative"]) for m in data["months"]]
    assert months == [
        ("2019-12", 0, 0),
        ("2020-01", 0, 0),
        ("2020-02", 0, 0),
        ("2020-03", 0, 0),
        ("2020-04", 0, 0),
        ("2020-05", 0, 0),
        ("2020-06", 1, 1),
        ("2020-07", 0, 1),
        ("2020-08", 1, 2),
        ("2020-09", 0, 2),
    ]
    zero = {"plan_holdt": 0, "afventer": 0, "plan_overskredet": 0, "uden_plan": 0}
    assert data["months"][6]["by_outcome"] == {**zero, "plan_overskredet": 1}
    assert data["months"][8]["by_outcome"] == {**zero, "plan_holdt": 1}
    cia, bo = data["meetings"]
    assert (cia["citizen_id"], cia["date"], cia["outcome"], cia["barriers"]) == (
        ids["cia"],
        "2020-06-10",
        "plan_overskredet",
        ["helbred"],
    )
    # Ressourceforløb with an "anden" health professional: the leader and the health role are missing.
    assert [(w["role"], w["required"]) for w in cia["missing_roles"]] == [
        ("leder", True),
        ("sundhedsfaglig", True),
    ]
    assert cia["plan"] == [
        {
            "offer": "loentilskud",
            "planned_start": "2020-07-01",
            "responsible": "BB",
            "status": "overskredet",
            "started": None,
            "days_overdue": 62,
        }
    ]
    assert (bo["citizen_id"], bo["outcome"], bo["missing_roles"]) == (ids["bo"], "plan_holdt", [])
    assert bo["plan"][0]["started"] == "2020-08-18" and bo["plan"][0]["status"] == "startet"


def test_the_overview_as_a_table(env, bir):
    result = stepup(env, "--db", bir[0], "--date", AS_OF)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Step-up-møder pr. 01-09-2020: 2 i alt"
    assert any(line.split()[:3] == ["2020-08", "1", "2"] for line in lines)
    (cia,) = [line for line in lines if "Cia Carlsen" in line]
    assert (
        "10-06-2020" in cia
        and "plan overskredet" in cia
        and "løntilskud 01-07-2020: overskredet" in cia
    )
    assert "team- eller afdelingsleder" in cia


def test_without_a_date_the_count_is_as_of_today_at_most_the_end(env, bir):
    data = json.loads(stepup(env, "--db", bir[0], "--due", "--format", "json").stdout)
    assert data["as_of"] == min(dt.date.today(), D(2021, 12, 31)).isoformat()


# --- usage errors ---------------------------------------------------------------------------------
def _one_line_usage_error(result, *fragments):
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "args, expected",
    [
        (
            ["--date", "2020-13-01"],
            "fsm-desktop: fejl: --date: »2020-13-01« er ikke en dato (ÅÅÅÅ-MM-DD)",
        ),
        (
            ["--date", "1. september"],
            "fsm-desktop: fejl: --date: »1. september« er ikke en dato (ÅÅÅÅ-MM-DD)",
        ),
        (
            ["--format", "xml"],
            "fsm-desktop: fejl: --format: »xml« er ikke et af valgene 'table', 'json'",
        ),
        (["--exempt"], "fsm-desktop: fejl: --exempt kan kun bruges sammen med --due"),
        (
            ["--job-broker", "AA"],
            "fsm-desktop: fejl: --job-broker og --caseworker kan kun bruges sammen med --due",
        ),
        (
            ["--due", "--caseworker", "ZZ"],
            "fsm-desktop: fejl: --caseworker: ingen medarbejder har initialerne »ZZ«",
        ),
        (
            ["--due", "--date", "9999-12-31"],
            "fsm-desktop: Datoen 9999-12-31 ligger efter både indsatsens slut (2021-12-31) og i dag.",
        ),
        (
            ["--date", "2019-12-14"],
            "fsm-desktop: Datoen 2019-12-14 ligger før indsatsens start (2019-12-15).",
        ),
        (
            ["--date", "20201110"],
            "fsm-desktop: fejl: --date: »20201110« er ikke en dato (ÅÅÅÅ-MM-DD)",
        ),
        (
            ["--date", "2020-W46-2"],
            "fsm-desktop: fejl: --date: »2020-W46-2« er ikke en dato (ÅÅÅÅ-MM-DD)",
        ),
        (
            ["--due", "--job-broker", ""],
            "fsm-desktop: fejl: --job-broker: ingen medarbejder har initialerne »«",
        ),
    ],
)
def test_usage_errors_are_one_danish_line(env, bir, args, expected):
    assert _one_line_usage_error(stepup(env, "--db", bir[0], *args)) == expected


def test_db_is_required(env):
    assert _one_line_usage_error(stepup(env, "--due")) == "fsm-desktop: fejl: mangler: --db"


def test_a_missing_file(env, tmp_path):
    _one_line_usage_error(
        stepup(env, "--db", tmp_path / "nope.fsm", "--due"), "nope.fsm", "findes ikke"
    )


def test_files_that_are_not_projects(env, tmp_path):
    text = tmp_path / "notes.fsm"
    text.write_text("ikke en database\n", encoding="utf-8")
    _one_line_usage_error(stepup(env, "--db", text, "--due"), "ikke en FSM Desktop-projektfil")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    _one_line_usage_error(stepup(env, "--db", other), "ikke en FSM Desktop-projektfil")
