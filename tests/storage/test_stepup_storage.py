"""storage.stepup on a fresh database per test: a meeting (participants, barriers, plan, health
function) saved, read back, edited and deleted with one audit entry each; refused input writes
nothing; markings with audit; the facts the rules read; migration 0005 on a version-4 file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlite_utils.migrations import Migrations

import fsm_desktop.storage.project as project_module
from fsm_desktop.domain.errors import ValidationError
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
    DueReason,
    HealthFunction,
    Marking,
    MarkingKind,
    Meeting,
    Participant,
    PlannedOffer,
    assess,
)
from fsm_desktop.operations import stepup as stepup_ops
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.schema import MIGRATION_SET, SCHEMA_VERSION, migrations
from fsm_desktop.storage.stepup import StepUpRepository

D = dt.date
R = ParticipantRole
K = PeriodKind
TODAY = D(2020, 8, 3)
TABLES = ("stepup_meeting", "stepup_participant", "stepup_plan_line", "stepup_marking", "audit_log")


def _insert(project, table: str, **row) -> None:
    with project.db.atomic():
        project.db[table].insert(row)


@pytest.fixture
def setup(project):
    """Anna in ressourceforløb from 15 Jan 2020; job broker AA until 31 May, then BB; caseworker
    CC; a praktik in March, a mentor from June, paid hours in April (10) and May (0); Bo left on
    30 Jun 2020."""
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
    anna = Citizen(cpr="0101801234", name="Anna Ager", group=1, entry_date=D(2020, 1, 1))
    bo = Citizen(
        cpr="0202802345",
        name="Bo Berg",
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2020, 6, 30),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    for citizen in (anna, bo):
        CitizenRepository(project).add(citizen)
    for aid, initials, role, start, end in (
        ("a1", "AA", "jobformidler", "2020-01-01", "2020-05-31"),
        ("a2", "BB", "jobformidler", "2020-06-01", None),
        ("a3", "CC", "sagsbehandler", "2020-01-01", None),
    ):
        _insert(
            project,
            "assignment",
            id=aid,
            citizen_id=anna.id,
            staff_id=staff[initials].id,
            role=role,
            start=start,
            end=end,
        )
    for pid, kind, start, end in (
        ("p1", "ressourceforloeb", "2020-01-15", None),
        ("p2", "virksomhedspraktik", "2020-03-01", "2020-03-31"),
        ("p3", "mentor", "2020-06-01", None),
        ("p4", "kontanthjaelp_ap", "2019-01-01", "2020-01-14"),
    ):
        _insert(
            project, "period", id=pid, citizen_id=anna.id, kind=kind, start=start, end=end, note=""
        )
    _insert(project, "paid_hours", citizen_id=anna.id, month="2020-04", hours=10.0)
    _insert(project, "paid_hours", citizen_id=anna.id, month="2020-05", hours=0.0)
    return project, anna, bo


def counts(project) -> dict[str, int]:
    return {t: project.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def audit(project, citizen_id, entity):
    return [
        (e.action, e.entity_id, e.citizen_id, e.old, e.new)
        for e in AuditLog(project).for_citizen(citizen_id)
        if e.entity == entity
    ]


def a_meeting(citizen_id: str) -> Meeting:
    return Meeting(
        citizen_id,
        TODAY,
        [
            Participant(R.CITIZEN, "Anna Ager"),
            Participant(R.CASEWORKER, "CC"),
            Participant(R.JOB_BROKER, "BB"),
            Participant(R.LEADER, "Lis Leder"),
            Participant(R.HEALTH, "Dr. Holm", HealthFunction.GP),
        ],
        [Barrier.HEALTH, Barrier.SOCIAL],
        [
            PlannedOffer(K.VIRKSOMHEDSPRAKTIK, D(2020, 8, 15), "BB", "Tømrer Hansen"),
            PlannedOffer(K.MENTOR, D(2020, 9, 1), "CC"),
        ],
        note="Borgeren vil gerne prøve praktik.",
    )


def plan_of(meeting: Meeting):
    return [(p.offer, p.planned_start, p.responsible, p.note) for p in meeting.plan]


def people_of(meeting: Meeting):
    return [(p.role, p.name, p.health_function) for p in meeting.participants]


# --- meetings ----------------------------------------------------------------------------------------
def test_a_meeting_is_read_back_exactly(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    mid = repo.save_meeting(a_meeting(anna.id))
    (stored,) = repo.meetings(anna.id)
    assert (stored.id, stored.citizen_id, stored.date, stored.note) == (
        mid,
        anna.id,
        TODAY,
        "Borgeren vil gerne prøve praktik.",
    )
    assert people_of(stored) == [
        (R.CITIZEN, "Anna Ager", HealthFunction.NONE),
        (R.CASEWORKER, "CC", HealthFunction.NONE),
        (R.JOB_BROKER, "BB", HealthFunction.NONE),
        (R.LEADER, "Lis Leder", HealthFunction.NONE),
        (R.HEALTH, "Dr. Holm", HealthFunction.GP),
    ]
    assert stored.barriers == [Barrier.HEALTH, Barrier.SOCIAL]
    assert plan_of(stored) == [
        (K.VIRKSOMHEDSPRAKTIK, D(2020, 8, 15), "BB", "Tømrer Hansen"),
        (K.MENTOR, D(2020, 9, 1), "CC", ""),
    ]
    assert all(line.id for line in stored.plan)
    assert repo.meetings() == [stored]
    assert repo.meetings("someone else") == []


def test_plan_lines_come_back_by_planned_start(setup):
    project, anna, _ = setup
    meeting = a_meeting(anna.id)
    meeting.plan.reverse()  # mentor 1 Sep entered before praktik 15 Aug
    StepUpRepository(project).save_meeting(meeting)
    (stored,) = StepUpRepository(project).meetings(anna.id)
    assert [p.planned_start for p in stored.plan] == [D(2020, 8, 15), D(2020, 9, 1)]


def test_saving_writes_one_audit_entry_with_the_citizen(setup):
    project, anna, _ = setup
    before = counts(project)
    mid = StepUpRepository(project).save_meeting(a_meeting(anna.id))
    after = counts(project)
    assert {t: after[t] - before[t] for t in TABLES} == {
        "stepup_meeting": 1,
        "stepup_participant": 5,
        "stepup_plan_line": 2,
        "stepup_marking": 0,
        "audit_log": 1,
    }
    ((action, entity_id, citizen_id, old, new),) = audit(project, anna.id, "stepup_meeting")
    assert (action, entity_id, citizen_id, old) == ("create", mid, anna.id, None)
    assert new.startswith("03-08-2020; barrierer: helbred,socialt; deltagere: ")
    assert "virksomhedspraktik" in new.lower() and "15-08-2020" in new


def test_editing_replaces_participants_and_plan_with_one_audit_entry(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    mid = repo.save_meeting(a_meeting(anna.id))
    (meeting,) = repo.meetings(anna.id)
    meeting.date = D(2020, 8, 1)
    meeting.participants = meeting.participants[:4]  # the doctor did not come after all
    meeting.barriers = [Barrier.FAMILY]
    meeting.plan = [PlannedOffer(K.LOENTILSKUD, D(2020, 10, 1), "BB")]
    before = counts(project)
    assert repo.save_meeting(meeting) == mid
    after = counts(project)
    assert {t: after[t] - before[t] for t in TABLES} == {
        "stepup_meeting": 0,
        "stepup_participant": -1,
        "stepup_plan_line": -1,
        "stepup_marking": 0,
        "audit_log": 1,
    }
    (stored,) = repo.meetings(anna.id)
    assert (stored.id, stored.date, stored.barriers) == (mid, D(2020, 8, 1), [Barrier.FAMILY])
    assert [p.role for p in stored.participants] == [
        R.CITIZEN,
        R.CASEWORKER,
        R.JOB_BROKER,
        R.LEADER,
    ]
    assert plan_of(stored) == [(K.LOENTILSKUD, D(2020, 10, 1), "BB", "")]
    entries = audit(project, anna.id, "stepup_meeting")
    assert [e[0] for e in entries] == ["create", "update"]
    _, entity_id, citizen_id, old, new = entries[1]
    assert (entity_id, citizen_id) == (mid, anna.id)
    assert old == entries[0][4]  # the old value is what was created
    assert new.startswith("01-08-2020; barrierer: familie;") and "10-2020" in new


@pytest.mark.parametrize(
    "change",
    [
        lambda m: setattr(m.participants[4], "health_function", HealthFunction.COORDINATOR),
        lambda m: setattr(m.participants[0], "name", "Anna A."),
        lambda m: setattr(m, "note", "Ny note"),
        lambda m: m.plan.__setitem__(0, PlannedOffer(K.VIRKSOMHEDSPRAKTIK, D(2020, 8, 15), "AA")),
    ],
    ids=["health function", "participant name", "note", "responsible"],
)
def test_an_edit_the_audit_can_see(setup, change):
    """The audit entry's old and new differ for every edit the dialog can make."""
    project, anna, _ = setup
    repo = StepUpRepository(project)
    repo.save_meeting(a_meeting(anna.id))
    (meeting,) = repo.meetings(anna.id)
    change(meeting)
    repo.save_meeting(meeting)
    _, (_, _, _, old, new) = audit(project, anna.id, "stepup_meeting")
    assert old != new


def test_deleting_removes_the_rows_with_one_audit_entry(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    mid = repo.save_meeting(a_meeting(anna.id))
    created = audit(project, anna.id, "stepup_meeting")[0][4]
    before = counts(project)
    repo.delete_meeting(mid)
    after = counts(project)
    assert {t: after[t] - before[t] for t in TABLES} == {
        "stepup_meeting": -1,
        "stepup_participant": -5,
        "stepup_plan_line": -2,
        "stepup_marking": 0,
        "audit_log": 1,
    }
    assert repo.meetings(anna.id) == []
    assert audit(project, anna.id, "stepup_meeting")[1] == ("delete", mid, anna.id, created, None)
    # Deleting it again does nothing.
    repo.delete_meeting(mid)
    assert counts(project) == after


def _future(m):
    m.date = TODAY + dt.timedelta(days=1)


def _plan_before(m):
    m.plan[1] = PlannedOffer(K.MENTOR, TODAY - dt.timedelta(days=1))


def _no_plan(m):
    m.plan = []


def _health_without_function(m):
    m.participants[4].health_function = HealthFunction.NONE


def _bell_in_a_name(m):
    m.participants[1].name = "Lise\x07"


def _bell_in_the_plan(m):
    m.plan[0] = PlannedOffer(m.plan[0].offer, m.plan[0].planned_start, "JF", "ring\x07")


def _bell_in_the_note(m):
    m.note = "aftalt\x0b"


@pytest.mark.parametrize(
    "spoil, field, text",
    [
        (_future, "date", "efter i dag"),
        (_plan_before, "plan", "Planens linje 2"),
        (_no_plan, "plan", "mindst ét tilbud"),
        (_health_without_function, "participants", "Deltager 5"),
        (
            _bell_in_a_name,
            "participants",
            "Deltager 2: Teksten indeholder et usynligt kontroltegn (U+0007)",
        ),
        (
            _bell_in_the_plan,
            "plan",
            "Planens linje 1: Teksten indeholder et usynligt kontroltegn (U+0007)",
        ),
        (_bell_in_the_note, "plan", "Noten: Teksten indeholder et usynligt kontroltegn (U+000B)"),
    ],
)
def test_a_refused_meeting_writes_nothing(setup, spoil, field, text):
    from fsm_desktop.domain.stepup import validate_meeting

    project, anna, _ = setup
    meeting = a_meeting(anna.id)
    spoil(meeting)
    assert [(f, text in message) for f, message in validate_meeting(meeting, TODAY)] == [
        (field, True)
    ]
    before = counts(project)
    with pytest.raises(ValidationError, match=re.escape(text)):
        stepup_ops.save_meeting(project, meeting, TODAY)
    assert counts(project) == before


def test_a_refused_edit_leaves_the_meeting_as_it_was(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    repo.save_meeting(a_meeting(anna.id))
    (meeting,) = repo.meetings(anna.id)
    meeting.plan = []
    before = counts(project)
    with pytest.raises(ValidationError):
        stepup_ops.save_meeting(project, meeting, TODAY)
    assert counts(project) == before
    assert len(repo.meetings(anna.id)[0].plan) == 2


def test_a_meeting_for_an_unknown_citizen_or_moved_to_another_is_refused(setup):
    project, anna, bo = setup
    repo = StepUpRepository(project)
    before = counts(project)
    with pytest.raises(ValidationError, match="findes ikke"):
        repo.save_meeting(a_meeting("nobody"))
    assert counts(project) == before
    repo.save_meeting(a_meeting(anna.id))
    (meeting,) = repo.meetings(anna.id)
    meeting.citizen_id = bo.id  # the same meeting id, saved on another citizen
    before = counts(project)
    with pytest.raises(ValidationError):
        stepup_ops.save_meeting(project, meeting, TODAY)
    assert counts(project) == before
    assert repo.meetings(bo.id) == [] and len(repo.meetings(anna.id)) == 1


# --- markings -----------------------------------------------------------------------------------------
def test_a_marking_added_and_ended_with_audit(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    before = counts(project)
    mid = repo.add_marking(anna.id, Marking(MarkingKind.MARKED, D(2020, 3, 1), note="helbred"))
    assert counts(project)["stepup_marking"] - before["stepup_marking"] == 1
    assert counts(project)["audit_log"] - before["audit_log"] == 1
    assert repo.markings(anna.id) == [
        Marking(MarkingKind.MARKED, D(2020, 3, 1), None, "helbred", mid)
    ]
    repo.end_marking(mid, D(2020, 3, 31))
    assert repo.markings(anna.id) == [
        Marking(MarkingKind.MARKED, D(2020, 3, 1), D(2020, 3, 31), "helbred", mid)
    ]
    assert audit(project, anna.id, "stepup_marking") == [
        ("create", mid, anna.id, None, "01-03-2020 – …"),
        ("update", mid, anna.id, "01-03-2020 – …", "01-03-2020 – 31-03-2020"),
    ]
    entries = [e for e in AuditLog(project).for_citizen(anna.id) if e.entity == "stepup_marking"]
    assert {e.field_name for e in entries} == {"markeret til step-up"}


@pytest.mark.parametrize("kind", [MarkingKind.REHAB_RECOMMENDATION, MarkingKind.OFFER_AGREED])
def test_an_exemption_needs_an_end_date(setup, kind):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    before = counts(project)
    with pytest.raises(ValidationError, match="slutdato"):
        stepup_ops.add_marking(project, anna.id, Marking(kind, D(2020, 6, 1)))
    assert counts(project) == before
    mid = repo.add_marking(anna.id, Marking(kind, D(2020, 6, 1), D(2020, 11, 30)))
    assert repo.markings(anna.id) == [Marking(kind, D(2020, 6, 1), D(2020, 11, 30), "", mid)]


def test_a_marking_note_with_a_control_character_is_refused(setup):
    project, anna, _ = setup
    before = counts(project)
    with pytest.raises(
        ValidationError,
        match=re.escape("Noten: Teksten indeholder et usynligt kontroltegn (U+001F)"),
    ):
        stepup_ops.add_marking(
            project, anna.id, Marking(MarkingKind.MARKED, D(2020, 3, 1), note="helbred\x1f")
        )
    assert counts(project) == before


def test_refused_markings_write_nothing(setup):
    project, anna, _ = setup
    repo = StepUpRepository(project)
    mid = repo.add_marking(anna.id, Marking(MarkingKind.MARKED, D(2020, 3, 1)))
    before = counts(project)
    with pytest.raises(ValidationError, match="før"):
        stepup_ops.add_marking(
            project, anna.id, Marking(MarkingKind.MARKED, D(2020, 3, 1), D(2020, 2, 1))
        )
    with pytest.raises(ValidationError, match="før markeringens start"):
        repo.end_marking(mid, D(2020, 2, 29))
    with pytest.raises(ValidationError, match="findes ikke"):
        repo.end_marking("no-such-marking", D(2020, 4, 1))
    with pytest.raises(ValidationError, match="findes ikke"):
        repo.add_marking("nobody", Marking(MarkingKind.MARKED, D(2020, 3, 1)))
    assert counts(project) == before


# --- what the rules read ----------------------------------------------------------------------------
def test_cases_reads_periods_hours_assignments_and_exit(setup):
    project, anna, bo = setup
    repo = StepUpRepository(project)
    repo.save_meeting(a_meeting(anna.id))
    marking = Marking(MarkingKind.MARKED, D(2020, 3, 1))
    marking_id = repo.add_marking(anna.id, marking)
    cases = {c.citizen_id: c for c in repo.cases(TODAY)}
    assert set(cases) == {anna.id, bo.id}
    a = cases[anna.id]
    assert (a.name, a.cpr, a.job_broker, a.caseworker, a.entry_date, a.exit_date) == (
        "Anna Ager",
        "0101801234",
        "BB",
        "CC",
        D(2020, 1, 1),
        None,
    )
    assert a.ressourceforloeb == [(D(2020, 1, 15), None)]
    assert a.periods == {
        "virksomhedspraktik": [(D(2020, 3, 1), D(2020, 3, 31))],
        "mentor": [(D(2020, 6, 1), None)],
    }
    assert a.paid_months == [D(2020, 4, 1)]  # May had 0 hours
    ((date, roles, barriers, plan, _),) = [
        (m.date, m.roles, m.barriers, m.plan, m.id) for m in a.meetings
    ]
    assert (date, barriers) == (TODAY, (Barrier.HEALTH, Barrier.SOCIAL))
    assert roles[4] == (R.HEALTH, HealthFunction.GP)
    assert [(p.offer, p.planned_start) for p in plan] == [
        (K.VIRKSOMHEDSPRAKTIK, D(2020, 8, 15)),
        (K.MENTOR, D(2020, 9, 1)),
    ]
    assert a.markings == [Marking(MarkingKind.MARKED, D(2020, 3, 1), None, "", marking_id)]
    b = cases[bo.id]
    assert (b.exit_date, b.job_broker, b.caseworker, b.meetings, b.markings) == (
        D(2020, 6, 30),
        "",
        "",
        [],
        [],
    )
    # On 31 May the job broker was still AA.
    assert repo.case(anna.id, D(2020, 5, 31)).job_broker == "AA"
    assert repo.case("nobody", TODAY) is None


def test_cases_feed_the_rules(setup):
    """Anna's praktik in March lies in the window of the 15 Jul mark; paid hours in April too;
    with both gone she would be due since 15 Jul 2020 (19 days on 3 Aug)."""
    project, anna, _ = setup
    repo = StepUpRepository(project)
    assert not assess(repo.case(anna.id, TODAY), TODAY).is_due
    with project.db.atomic():
        project.db.execute("DELETE FROM period WHERE kind = 'virksomhedspraktik'")
        project.db.execute("DELETE FROM paid_hours")
    a = assess(repo.case(anna.id, TODAY), TODAY)
    assert (a.reason, a.due, a.days_overdue) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 19)


# --- migration 0005 ------------------------------------------------------------------------------------
def test_a_version_4_file_gets_markings_and_health_functions(tmp_path, monkeypatch):
    old = Migrations(MIGRATION_SET)
    for migration in migrations._migrations[:4]:
        old(name=migration.name)(migration.fn)
    monkeypatch.setattr(project_module, "migrations", old)
    monkeypatch.setattr(project_module, "SCHEMA_VERSION", 4)
    path = tmp_path / "v4.fsm"
    anna = Citizen(cpr="0101801234", name="Anna Ager", group=1, entry_date=D(2020, 1, 1))
    with Project.create(path, builtin_template("bir")) as v4:
        assert v4.db.execute("PRAGMA user_version").fetchone()[0] == 4
        assert not v4.db["stepup_marking"].exists()
        CitizenRepository(v4).add(anna)
        _insert(
            v4,
            "stepup_meeting",
            id="m1",
            citizen_id=anna.id,
            date="2020-08-03",
            barriers="helbred",
            note="",
        )
        _insert(
            v4,
            "stepup_participant",
            id="sp1",
            meeting_id="m1",
            role="sundhedsfaglig",
            name="Dr. Holm",
        )
        _insert(
            v4,
            "stepup_plan_line",
            id="l1",
            meeting_id="m1",
            offer="mentor",
            planned_start="2020-09-01",
            responsible="CC",
            note="",
        )
    monkeypatch.undo()
    with Project.open(path) as project:
        assert project.backup_made is not None
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (meeting,) = StepUpRepository(project).meetings(anna.id)
        assert people_of(meeting) == [(R.HEALTH, "Dr. Holm", HealthFunction.NONE)]
        assert plan_of(meeting) == [(K.MENTOR, D(2020, 9, 1), "CC", "")]
        mid = StepUpRepository(project).add_marking(
            anna.id, Marking(MarkingKind.OFFER_AGREED, D(2020, 8, 1), D(2020, 10, 31))
        )
        assert [m.id for m in StepUpRepository(project).markings(anna.id)] == [mid]


def test_the_projects_duty_starts_with_the_project(tmp_path):
    """BIR from 15 Dec 2019: a citizen without an entry date whose ressourceforløb began on
    1 Mar 2019 (6-month mark 1 Sep 2019) is due from the project's first day, not from before it;
    one who entered before the project likewise; one who entered later from the entry."""
    with Project.create(tmp_path / "bir.fsm", builtin_template("bir")) as project:
        people = {
            "karl": Citizen(cpr="0101801234", name="Karl"),
            "erik": Citizen(cpr="0202802345", name="Erik", entry_date=D(2019, 6, 1)),
            "lis": Citizen(cpr="0303803456", name="Lis", entry_date=D(2020, 1, 10)),
        }
        for citizen in people.values():
            CitizenRepository(project).add(citizen)
            _insert(
                project,
                "period",
                id=f"rf-{citizen.name}",
                citizen_id=citizen.id,
                kind="ressourceforloeb",
                start="2019-03-01",
                end=None,
                note="",
            )
        first_day = D(2019, 12, 15)
        cases = {c.name: c for c in StepUpRepository(project).cases(D(2020, 1, 20))}
        assert {name: case.entry_date for name, case in cases.items()} == {
            "Karl": first_day,
            "Erik": first_day,
            "Lis": D(2020, 1, 10),
        }
        seen = {name: assess(case, D(2020, 1, 20)) for name, case in cases.items()}
        assert {name: (a.reason, a.due) for name, a in seen.items()} == {
            "Karl": (DueReason.RESSOURCEFORLOEB, first_day),
            "Erik": (DueReason.RESSOURCEFORLOEB, first_day),
            "Lis": (DueReason.RESSOURCEFORLOEB, D(2020, 1, 10)),
        }
