"""storage.facts: the rows the measures need, and nothing else, on a fresh project per test."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.measures import (
    CitizenFacts,
    Facts,
    Month,
    Span,
    StaffFacts,
    compute,
    facts_needed,
)
from fsm_desktop.domain.model import Citizen, ExitReason, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.facts import load_facts, read_rows
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository

D = dt.date.fromisoformat


def _period(project, citizen: Citizen, kind: str, start: str, end: str | None) -> None:
    with project.db.atomic():
        project.db["period"].insert(
            {"id": new_id(), "citizen_id": citizen.id, "kind": kind, "start": start, "end": end}
        )


def _hours(project, citizen: Citizen, month: str, hours: float) -> None:
    with project.db.atomic():
        project.db["paid_hours"].insert({"citizen_id": citizen.id, "month": month, "hours": hours})


def _assign(
    project, citizen: Citizen, staff: Staff, role: str, start: str, end: str | None = None
) -> None:
    with project.db.atomic():
        project.db["assignment"].insert(
            {
                "id": new_id(),
                "citizen_id": citizen.id,
                "staff_id": staff.id,
                "role": role,
                "start": start,
                "end": end,
            }
        )


def _fill(project) -> tuple[Citizen, Citizen]:
    broker = Staff("JF", "Jonna Formidler", StaffRole.JOB_BROKER)
    StaffRepository(project).add(broker)
    anna = Citizen(cpr="0101801234", name="Anna", group=1, entry_date=D("2019-11-01"))
    bo = Citizen(
        cpr="0202802345",
        name="Bo",
        group=1,
        entry_date=D("2019-11-01"),
        exit_date=D("2020-03-31"),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    for citizen in (anna, bo):
        CitizenRepository(project).add(citizen)
    _period(project, anna, "ordinaer_beskaeftigelse", "2020-02-10", "2020-02-20")
    _period(project, anna, "virksomhedspraktik", "2020-01-01", None)  # not counted by FSM2
    _period(project, bo, "fritagelse", "2020-01-15", "2020-01-15")
    _period(project, bo, "kontanthjaelp_ap", "2019-01-01", None)
    _hours(project, bo, "2019-12", 12.0)
    _hours(project, bo, "2020-02", 0.0)  # 0 hours: not touched
    _assign(project, anna, broker, "jobformidler", "2019-11-01")
    return anna, bo


def test_fsm2_reads_only_what_its_measure_counts(project):
    anna, bo = _fill(project)
    rows = load_facts(project)
    assert sorted(row[2] for row in rows.citizens) == [1, 1]
    # Praktik, the benefit (both citizens have an entry date) and assignments are not read.
    assert sorted((row[0], row[1], row[2], row[3]) for row in rows.periods) == sorted(
        [
            (anna.id, "ordinaer_beskaeftigelse", "2020-02-10", "2020-02-20"),
            (bo.id, "fritagelse", "2020-01-15", "2020-01-15"),
        ]
    )
    assert list(rows.paid_hours) == [(bo.id, "2019-12", 12.0)]
    assert list(rows.assignments) == []
    # FSM2's target group is 30 and over: the birth dates are read.
    assert rows.births == {anna.id: "1980-01-01", bo.id: "1980-02-02"}
    assert read_rows(project) == (
        len(rows.citizens)
        + len(rows.staff)
        + len(rows.periods)
        + len(rows.paid_hours)
        + len(rows.births)
    )


def test_benefits_are_read_when_a_citizen_has_no_entry_date(project):
    _anna, _bo = _fill(project)
    CitizenRepository(project).add(Citizen(cpr="0303803456", name="Cai", group=1))
    kinds = {row[1] for row in load_facts(project).periods}
    assert "kontanthjaelp_ap" in kinds and "virksomhedspraktik" not in kinds


def test_loaded_rows_give_the_same_measures_as_the_facts_stated_by_hand(project):
    anna, bo = _fill(project)
    by_hand = Facts(
        citizens=[
            CitizenFacts(
                anna.id,
                "Anna",
                1,
                D("2019-11-01"),
                periods=[Span("ordinaer_beskaeftigelse", D("2020-02-10"), D("2020-02-20"))],
            ),
            CitizenFacts(
                bo.id,
                "Bo",
                1,
                D("2019-11-01"),
                D("2020-03-31"),
                ExitReason.MOVED_AWAY,
                periods=[Span("fritagelse", D("2020-01-15"), D("2020-01-15"))],
                paid_hours={"2019-12": 12.0},
            ),
        ]
    )
    template = project.template
    loaded = compute(template, load_facts(project))
    expected = compute(template, by_hand)
    assert [(r.label, r.numerator, r.denominator) for r in loaded.results] == [
        (r.label, r.numerator, r.denominator) for r in expected.results
    ]
    # By hand: Dec 2019 Bo's hours (1 of 2); Jan 2020 Bo exempt (0 of 1); Feb 2020 Anna's job
    # (1 of 2); Mar 2020 Bo still in (moved away on the 31st); Apr 2020 only Anna.
    shown = {r.label: (r.numerator, r.denominator) for r in loaded.results}
    assert shown["2019-12"] == (1, 2)
    assert shown["2020-01"] == (0, 1)
    assert shown["2020-02"] == (1, 2)
    assert shown["2020-03"] == (0, 2)
    assert shown["2020-04"] == (0, 1)
    # The drill-down works from the rows alone, with the reason.
    feb = next(r for r in loaded.results if r.label == "2020-02")
    numerator, denominator = feb.members()
    assert [(m.name, m.reason) for m in numerator] == [
        ("Anna", "ordinær beskæftigelse 10-02-2020 – 20-02-2020")
    ]
    assert {m.name for m in denominator} == {"Anna", "Bo"}


def test_hir_reads_caseworker_assignments_and_staff(tmp_path):
    with Project.create(tmp_path / "hir.fsm", builtin_template("hir")) as project:
        worker = Staff("SB", "Sara Sagsbehandler", StaffRole.CASEWORKER, 18.5)
        StaffRepository(project).add(worker)
        citizen = Citizen(cpr="0101801234", name="Anna")
        CitizenRepository(project).add(citizen)
        _assign(project, citizen, worker, "sagsbehandler", "2018-01-01")
        _period(project, citizen, "ressourceforloeb", "2017-01-01", None)
        needed = facts_needed(project.template)
        assert needed.assignment_roles == {"sagsbehandler"} and not needed.paid_hours
        rows = load_facts(project)
        assert rows.staff == {worker.id: StaffFacts(worker.id, "SB", StaffRole.CASEWORKER, 18.5)}
        caseload = [
            r
            for r in compute(project.template, rows, Month(2018, 3), Month(2018, 3)).results
            if r.measure == "hir.caseload"
        ]
        # One citizen for half a full-time caseworker: 2 per full-time caseworker.
        assert (caseload[0].numerator, caseload[0].denominator * 37) == (1, 18.5)
