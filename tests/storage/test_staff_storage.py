"""storage.staff: the register with its checks and audit entries, the limits in project_setting,
the rows caseloads are counted from, and reassignments applied in one transaction and undone
exactly — or refused when something changed since."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hir_helpers import in_ressourceforloeb_all_along

from fsm_desktop.domain.caseload import (
    CaseloadSettings,
    Limit,
    StaffRecord,
    caseload_report,
    count_caseloads,
    month_days,
    plan_reassignment,
    plan_spread,
    spread_receivers,
)
from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import AssignmentRole, Citizen, ExitReason, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.staff import CaseloadRepository, StaffRegister

D = dt.date
CW = AssignmentRole.CASEWORKER
DAY = D(2018, 9, 1)


def record(
    initials, name, role, hours=37.0, active_from=None, active_to=None, sid=None
) -> StaffRecord:
    staff = (
        Staff(initials, name, role, hours)
        if sid is None
        else Staff(initials, name, role, hours, id=sid)
    )
    return StaffRecord(staff, active_from, active_to)


@pytest.fixture
def hir(tmp_path):
    project = Project.create(tmp_path / "hir.fsm", builtin_template("hir"))
    try:
        yield project
    finally:
        project.close()


@pytest.fixture
def team(hir):
    """Two caseworkers (AA full time, BB 30 hours), a pseudo-caseworker and six citizens with AA
    from 1 March 2018 (c5 moved away 1 August; c6 has BB from 1 September)."""
    register = StaffRegister(hir)
    aa = register.save(record("AA", "Anna Ager", StaffRole.CASEWORKER), today=DAY)
    bb = register.save(record("BB", "Bent Bo", StaffRole.CASEWORKER, 30), today=DAY)
    bf = register.save(record("BF", "Barsel/fængsel", StaffRole.PSEUDO, 0), today=DAY)
    citizens = []
    repo = CitizenRepository(hir)
    for i in range(1, 7):
        exit_ = {"exit_date": D(2018, 8, 1), "exit_reason": ExitReason.MOVED_AWAY} if i == 5 else {}
        c = Citizen(cpr=f"01017{i:05d}", name=f"Borger {i}", entry_date=D(2018, 3, 1), **exit_)
        repo.add(c)
        citizens.append(c)
    with hir.db.atomic():
        for i, c in enumerate(citizens, start=1):
            hir.db["assignment"].insert(
                {
                    "id": f"a{i}",
                    "citizen_id": c.id,
                    "staff_id": aa.id,
                    "role": "sagsbehandler",
                    "start": "2018-03-01",
                    "end": "2018-08-31" if i == 6 else ("2018-08-01" if i == 5 else None),
                }
            )
        hir.db["assignment"].insert(
            {
                "id": "b6",
                "citizen_id": citizens[5].id,
                "staff_id": bb.id,
                "role": "sagsbehandler",
                "start": "2018-09-01",
                "end": None,
            }
        )
    in_ressourceforloeb_all_along(hir)
    return hir, {"AA": aa, "BB": bb, "BF": bf}, citizens


def assignments(project) -> list[tuple]:
    return sorted(
        project.db.execute(
            "SELECT id, citizen_id, staff_id, role, start, end FROM assignment"
        ).fetchall()
    )


# --- the register -----------------------------------------------------------------------------------
def test_register_adds_and_edits_with_audit(hir):
    register = StaffRegister(hir)
    saved = register.save(
        record(" ab ", "  Anna   Berg ", StaffRole.CASEWORKER, 30, D(2018, 3, 1)), today=DAY
    )
    assert (saved.initials, saved.name) == ("ab", "Anna Berg")  # trimmed
    assert register.records() == [saved]
    changed = StaffRecord(
        Staff("AB", "Anna Berg", StaffRole.CASEWORKER, 32, id=saved.id),
        D(2018, 3, 1),
        D(2018, 12, 31),
    )
    register.save(changed, today=DAY)
    assert register.get(saved.id) == changed
    rows = hir.db.execute(
        "SELECT action, entity, entity_id, citizen_id, field, old, new FROM audit_log ORDER BY rowid"
    ).fetchall()
    assert rows == [
        ("create", "staff", saved.id, None, "medarbejder", None, "ab Anna Berg"),
        ("update", "staff", saved.id, None, "initialer", "ab", "AB"),
        ("update", "staff", saved.id, None, "timer pr. uge", "30", "32"),
        ("update", "staff", saved.id, None, "aktiv til", None, "2018-12-31"),
    ]
    assert hir.db.execute("SELECT active FROM staff").fetchone() == (1,)
    register.save(changed, today=D(2019, 1, 1))  # the cached flag follows the dates
    assert hir.db.execute("SELECT active FROM staff").fetchone() == (0,)


def test_register_refuses_in_danish_and_writes_nothing(hir):
    register = StaffRegister(hir)
    register.save(record("AB", "Anna Berg", StaffRole.CASEWORKER), today=DAY)
    with pytest.raises(ValidationError, match="Initialerne AB bruges allerede af Anna Berg"):
        register.save(record("ab", "Anders Bech", StaffRole.JOB_BROKER), today=DAY)
    with pytest.raises(ValidationError, match="pseudo-sagsbehandler registreres med 0 timer"):
        register.save(record("BF", "Barsel/fængsel", StaffRole.PSEUDO, 37), today=DAY)
    with pytest.raises(ValidationError, match="mellem 0 og 48"):
        register.save(record("NE", "Negativ", StaffRole.CASEWORKER, -1), today=DAY)
    assert [r.initials for r in register.records()] == ["AB"]
    assert AuditLog(hir).count() == 1


def test_a_role_change_is_refused_while_the_person_has_citizens(team):
    project, staff, _ = team
    register = StaffRegister(project)
    aa = staff["AA"]
    as_broker = StaffRecord(Staff("AA", aa.name, StaffRole.JOB_BROKER, 37, id=aa.id))
    assert register.problems(as_broker, DAY) == {
        "role": "Medarbejderen har 4 borgere som sagsbehandler; en jobformidler kan ikke have dem. Omfordel borgerne først."
    }
    with pytest.raises(ValidationError, match="Omfordel borgerne først"):
        register.save(as_broker, today=DAY)
    # After their cases ended, the role can change.
    assert register.problems(as_broker, D(2030, 1, 1)) == {
        "role": register.problems(as_broker, DAY)["role"]
    }
    project.db.execute("UPDATE assignment SET end = '2018-08-31' WHERE staff_id = ?", [aa.id])
    assert register.problems(as_broker, DAY) == {}


def test_limits_default_to_the_initiative_and_are_stored_as_json(hir):
    register = StaffRegister(hir)
    assert register.settings().limit(StaffRole.CASEWORKER) == Limit(35, 30)
    mine = CaseloadSettings(
        {StaffRole.CASEWORKER: Limit(32), StaffRole.JOB_BROKER: Limit(45, 40)}, ips=True
    )
    register.save_settings(mine)
    assert register.settings() == mine
    stored = json.loads(
        hir.db.execute("SELECT value FROM project_setting WHERE key = 'caseload'").fetchone()[0]
    )
    assert stored == {
        "limits": {
            "sagsbehandler": {"high": 32, "low": None},
            "jobformidler": {"high": 45, "low": 40},
        },
        "ips": True,
    }
    with pytest.raises(ValidationError, match="Grænserne er ikke gemt"):
        register.save_settings(CaseloadSettings({StaffRole.CASEWORKER: Limit(30, 35)}))
    assert register.settings() == mine


# --- counting from the database -------------------------------------------------------------------
def test_counts_from_the_rows(team):
    project, staff, _ = team
    register = StaffRegister(project)
    days = month_days(D(2018, 7, 1), D(2018, 9, 15))
    report = caseload_report(
        register.records(), CaseloadRepository(project).rows(), register.settings(), days
    )
    aa, bb = staff["AA"].id, staff["BB"].id
    # July: all six with AA. August: c5 moved away 1 August. September (15th): c6 went to BB.
    assert report.history.citizens[aa] == [6, 5, 4]
    assert report.history.citizens[bb] == [0, 0, 1]
    people = {p.record.initials: p for p in report.people(2)}
    assert float(people["BB"].per_fte) == pytest.approx(37 / 30)


def test_a_hir_caseworker_counts_a_citizen_only_while_in_ressourceforloeb(team):
    """Seed 003 (registration §3): the registration ends when the citizen changes benefit. c1's
    ressourceforløb ends 31 July 2018 (its caseworker row stays open): in July's count, not in
    August's; a citizen never in ressourceforløb is in nobody's registered caseload."""
    project, staff, citizens = team
    with project.db.atomic():
        project.db.execute(
            "UPDATE period SET end = '2018-07-31' WHERE citizen_id = ?", [citizens[0].id]
        )
    register = StaffRegister(project)
    rows = CaseloadRepository(project).rows()
    assert rows.registered_while[citizens[0].id] == [("2018-01-01", "2018-07-31")]
    report = caseload_report(
        register.records(), rows, register.settings(), month_days(D(2018, 7, 1), D(2018, 8, 31))
    )
    assert report.history.citizens[staff["AA"].id] == [
        6 - 0,
        5 - 1,
    ]  # July: six; August: c5 moved, c1 changed benefit
    with project.db.atomic():
        project.db.execute(
            "DELETE FROM period WHERE citizen_id = ?", [citizens[1].id]
        )  # never in ressourceforløb
    rows = CaseloadRepository(project).rows()
    report = caseload_report(
        register.records(), rows, register.settings(), month_days(D(2018, 7, 1), D(2018, 8, 31))
    )
    assert report.history.citizens[staff["AA"].id] == [5, 3]


def test_open_cases_know_later_rows_and_leaving(team):
    project, staff, _citizens = team
    cases = CaseloadRepository(project).open_cases(staff["AA"].id, CW, D(2018, 8, 15))
    assert [c.name for c in cases] == ["Borger 1", "Borger 2", "Borger 3", "Borger 4", "Borger 6"]
    six = cases[-1]
    assert (six.end, six.later_start) == (D(2018, 8, 31), D(2018, 9, 1))
    assert CaseloadRepository(project).open_cases(staff["AA"].id, CW, D(2018, 7, 31))[
        4
    ].left_on == D(2018, 8, 1)


# --- reassignment and undo ------------------------------------------------------------------------
def _move(project, staff, day=DAY, to="BB", who=("Borger 1", "Borger 2")):
    repo = CaseloadRepository(project)
    cases = [c for c in repo.open_cases(staff["AA"].id, CW, day) if c.name in who]
    return repo, plan_reassignment(cases, staff[to].id, day, CW)


def test_apply_ends_and_starts_rows_with_a_record_and_audit(team):
    project, staff, citizens = team
    before = assignments(project)
    repo, plan = _move(project, staff)
    done = repo.apply(plan, note="test")
    after = assignments(project)
    ended = {r[0]: r for r in after if r[0] in ("a1", "a2")}
    assert ended["a1"][5] == ended["a2"][5] == "2018-08-31"
    started = [r for r in after if r not in before and r[0] not in ("a1", "a2")]
    assert sorted((r[1], r[2], r[4], r[5]) for r in started) == sorted(
        [
            (citizens[0].id, staff["BB"].id, "2018-09-01", None),
            (citizens[1].id, staff["BB"].id, "2018-09-01", None),
        ]
    )
    assert done.citizens == 2 and repo.latest() == done
    rows = project.db.execute(
        "SELECT action, previous_end FROM reassignment_row ORDER BY action"
    ).fetchall()
    assert rows == [("ended", None), ("ended", None), ("started", None), ("started", None)]
    log = AuditLog(project).for_citizen(citizens[0].id)
    assert [(e.action, e.field_name, e.old, e.new) for e in log][-1] == (
        "reassign",
        "sagsbehandler",
        "AA",
        "BB fra 2018-09-01",
    )


def test_undo_restores_exactly(team):
    project, staff, citizens = team
    before = assignments(project)
    repo, plan = _move(project, staff)
    repo.apply(plan)
    assert assignments(project) != before
    undone = repo.undo_latest()
    assert assignments(project) == before
    assert repo.latest() is None
    assert repo.reassignments()[0].undone_at is not None and undone.id == repo.reassignments()[0].id
    assert [e.action for e in AuditLog(project).for_citizen(citizens[0].id)][-2:] == [
        "reassign",
        "undo_reassign",
    ]
    with pytest.raises(ValidationError, match="ingen omfordeling at fortryde"):
        repo.undo_latest()


def test_undo_after_a_newer_one_was_undone(team):
    project, staff, _ = team
    before = assignments(project)
    repo, first = _move(project, staff, to="BB")
    repo.apply(first)
    middle = assignments(project)
    _, second = _move(project, staff, day=D(2018, 10, 1), to="BF", who=("Borger 3",))
    repo.apply(second)
    repo.undo_latest()
    assert assignments(project) == middle
    repo.undo_latest()  # the older one: its rows are as it left them
    assert assignments(project) == before


def test_undo_is_refused_when_the_citizen_page_changed_a_row_since(team):
    project, staff, citizens = team
    repo, plan = _move(project, staff)
    repo.apply(plan)
    save_citizen(
        project,
        citizens[0].id,
        CitizenChanges(handovers=[("sagsbehandler", staff["AA"].id, D(2018, 10, 1))]),
    )
    changed = assignments(project)
    with pytest.raises(
        ValidationError,
        match=r"Omfordelingen pr\. 01-09-2018 kan ikke fortrydes: Borger 1s tilknytninger er ændret siden",
    ):
        repo.undo_latest()
    assert assignments(project) == changed  # nothing written
    assert repo.latest() is not None


def test_undo_is_refused_when_a_row_was_changed_without_the_log(team):
    project, staff, _ = team
    repo, plan = _move(project, staff)
    repo.apply(plan)
    with project.db.atomic():
        project.db.execute("UPDATE assignment SET end = '2018-12-31' WHERE id = 'a2'")
    with pytest.raises(ValidationError, match="Borger 2s tilknytninger er ændret siden"):
        repo.undo_latest()


def test_undo_is_refused_when_a_row_is_gone(team):
    project, staff, _ = team
    repo, plan = _move(project, staff)
    repo.apply(plan)
    with project.db.atomic():
        project.db.execute("DELETE FROM assignment WHERE id = 'a1'")
    with pytest.raises(ValidationError, match="slettet siden"):
        repo.undo_latest()


def test_a_stale_plan_writes_nothing(team):
    project, staff, citizens = team
    repo, plan = _move(project, staff)
    save_citizen(
        project,
        citizens[1].id,
        CitizenChanges(handovers=[("sagsbehandler", staff["BF"].id, D(2018, 8, 20))]),
    )
    before = assignments(project)
    with pytest.raises(
        ValidationError, match="Intet er flyttet: Borger 2s tilknytninger er ændret"
    ):
        repo.apply(plan)
    assert assignments(project) == before
    assert repo.reassignments() == []


def test_a_receiver_who_is_not_active_on_the_day_is_refused(team):
    project, staff, _ = team
    register = StaffRegister(project)
    bb = staff["BB"]
    register.save(StaffRecord(bb.staff, None, D(2018, 8, 31)), today=DAY)
    repo, plan = _move(project, staff)
    with pytest.raises(ValidationError, match="BB er ikke aktiv 01-09-2018"):
        repo.apply(plan)
    with pytest.raises(ValidationError, match="ingen borgere at flytte"):
        repo.apply(plan_reassignment([], bb.id, DAY, CW))


def test_spread_a_leaving_caseworker_and_undo(team):
    project, staff, _ = team
    register = StaffRegister(project)
    cc = register.save(record("CC", "Carl Cue", StaffRole.CASEWORKER, 37), today=DAY)
    aa = register.save(StaffRecord(staff["AA"].staff, None, D(2018, 8, 31)), today=DAY)
    before = assignments(project)
    repo = CaseloadRepository(project)
    rows = repo.rows()
    records = register.records()
    loads = count_caseloads(rows, {r.id: r for r in records}, [DAY]).citizens
    receivers = spread_receivers(records, aa, DAY)
    assert [r.initials for r in receivers] == ["BB", "CC"]
    plan = plan_spread(
        repo.open_cases(aa.id, CW, DAY), receivers, {sid: c[0] for sid, c in loads.items()}, DAY, CW
    )
    # AA has Borger 1-4 on 1 September; BB has 1 citizen on 30 hours, CC none: CC, CC, BB, CC →
    # loads after: BB 2 (2.47 per FTE), CC 3.
    assert [(m.case.name, m.to_staff_id) for m in plan.moves] == [
        ("Borger 1", cc.id),
        ("Borger 2", cc.id),
        ("Borger 3", staff["BB"].id),
        ("Borger 4", cc.id),
    ]
    repo.apply(plan, note="AA fratræder")
    after = count_caseloads(repo.rows(), {r.id: r for r in records}, [DAY]).citizens
    assert (after[aa.id], after[staff["BB"].id], after[cc.id]) == ([0], [2], [3])
    repo.undo_latest()
    assert assignments(project) == before


@pytest.mark.slow
def test_caseloads_of_20000_citizens_are_counted_quickly(tmp_path):
    import time

    from fsm_desktop.storage.demo import write_demo

    path = tmp_path / "stor.fsm"
    write_demo(path, program="hir", citizens=20_000, seed=3)
    with Project.open(path) as project:
        started = time.process_time()
        register = StaffRegister(project)
        days = month_days(project.initiative.start, project.initiative.end)
        report = caseload_report(
            register.records(), CaseloadRepository(project).rows(), register.settings(), days
        )
        spent = time.process_time() - started
    assert sum(counts[-1] for counts in report.history.citizens.values()) > 15_000
    assert spent < 3.0  # about 0.4 s of CPU on a laptop


def test_other_cases_are_kept_per_caseworker_and_month(team):
    project, staff, _ = team
    register = StaffRegister(project)
    register.set_other_cases(staff["AA"].id, "2018-07", 12)
    register.set_other_cases(staff["AA"].id, "2018-08", 3)
    register.set_other_cases(staff["AA"].id, "2018-07", 10)  # corrected
    assert register.other_cases() == {staff["AA"].id: {"2018-07": 10, "2018-08": 3}}
    register.set_other_cases(staff["AA"].id, "2018-08", 0)  # 0 removes the entry
    assert register.other_cases() == {staff["AA"].id: {"2018-07": 10}}
    for args, text in (
        ((staff["AA"].id, "2018-07", -1), "helt tal fra 0 til 1.000"),
        ((staff["AA"].id, "2018-13", 1), "er ikke en måned"),
        ((staff["BF"].id, "2018-07", 1), "kun for sagsbehandlere"),
    ):
        with pytest.raises(ValidationError, match=text):
            register.set_other_cases(*args)
    assert register.other_cases() == {staff["AA"].id: {"2018-07": 10}}
    report = caseload_report(
        register.records(),
        CaseloadRepository(project).rows(),
        register.settings(),
        month_days(D(2018, 7, 1), D(2018, 8, 31)),
        register.other_cases(),
    )
    july, august = report.people(0), report.people(1)
    aa_july = next(p for p in july if p.record.initials == "AA")
    assert (aa_july.citizens, aa_july.other, float(aa_july.whole_per_fte)) == (6, 10, 16.0)
    assert next(p for p in august if p.record.initials == "AA").other == 0
