"""The operations on a fresh project per test: each owns its transaction (all or nothing) and
returns the kinds of data it changed, which the pages refresh by."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.model import BoardColumn, Citizen, Contact, ContactKind
from fsm_desktop.domain.stepup import Marking, MarkingKind
from fsm_desktop.operations import board, citizens, status, stepup
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.status_sheet import StatusSheetRepository

DAY = dt.date(2020, 3, 16)  # in fsm2 (2019-11 – 2021-10)


@pytest.fixture
def anna(project):
    citizen = Citizen(cpr="0101801234", name="Anna", group=1, entry_date=dt.date(2020, 1, 1))
    CitizenRepository(project).add(citizen)
    return citizen


def _column(project, citizen_id):
    return next(c.column for c in BoardRepository(project).cards(DAY) if c.citizen_id == citizen_id)


def test_a_move_changes_the_board_and_a_second_move_there_changes_nothing(project, anna):
    done = board.move_cards(project, [anna.id], BoardColumn.PAA_VEJ)
    assert done.changes == Changes(board=True) and len(done.value) == 1
    again = board.move_cards(project, [anna.id], BoardColumn.PAA_VEJ)
    assert again.value == [] and not again.changes
    assert board.undo_moves(project, done.value).changes == Changes(board=True)
    assert _column(project, anna.id) is None


def test_saving_a_citizen_with_a_move_is_one_transaction(project, anna, monkeypatch):
    contact = Contact(anna.id, DAY, ContactKind.PHONE, note="ringet op")
    audit_before = AuditLog(project).count()

    def broken_move(self, *args, **kwargs):
        raise KnownError("Flytningen mislykkedes.")

    monkeypatch.setattr(BoardRepository, "move", broken_move)
    with pytest.raises(KnownError, match="Flytningen"):
        citizens.save_citizen(
            project, anna.id, CitizenChanges(contacts_added=[contact]), DAY, BoardColumn.I_GANG
        )
    # The contact was written before the move failed: rolled back with it.
    assert CitizenEditor(project).load(anna.id).contacts == []
    assert AuditLog(project).count() == audit_before
    monkeypatch.undo()
    done = citizens.save_citizen(
        project, anna.id, CitizenChanges(contacts_added=[contact]), DAY, BoardColumn.I_GANG
    )
    assert done.changes == Changes(citizens=True, board=True)
    assert [c.note for c in CitizenEditor(project).load(anna.id).contacts] == ["ringet op"]
    assert _column(project, anna.id) is BoardColumn.I_GANG


def test_a_save_without_a_move_does_not_touch_the_board(project, anna):
    contact = Contact(anna.id, DAY, ContactKind.IN_PERSON)
    done = citizens.save_citizen(project, anna.id, CitizenChanges(contacts_added=[contact]), DAY)
    assert done.changes == Changes(citizens=True)


def test_a_marking_changes_step_up_and_the_board_shows_it_as_due(project, anna):
    done = stepup.add_marking(project, anna.id, Marking(MarkingKind.MARKED, DAY))
    assert done.changes == Changes(stepup=True) and done.value
    (card,) = board.board_cards(project, DAY)
    assert card.stepup_due
    assert not BoardRepository(project).cards(DAY)[0].stepup_due  # rows only: no judging


def test_a_coordination_meeting_changes_the_goals_and_the_sheet_counts_it(project):
    done = status.set_coordination(project, "2020-03", True)
    assert done.changes == Changes(goals=True)
    assert StatusSheetRepository(project).coordination() == frozenset({"2020-03"})
    sheet = status.status_sheet(project, Month(2020, 3), DAY, measures=False)
    assert sheet.last == Month(2020, 3)


def test_a_laptop_copy_refuses_the_team_copys_work_before_writing(project, anna):
    from fsm_desktop.storage.laptop import LaptopCopy

    project.laptop = LaptopCopy("team", "laptop", "bærbar JF", "2020-03-16", "jf", "team.fsm")
    with pytest.raises(KnownError, match="teamkopien"):
        board.finish_meeting(project, DAY, ["JF"], "", DAY)
    assert not BoardRepository(project).has_meeting()


def test_the_project_clock_is_todays_date_unless_set_and_reaches_workers(project):
    assert project.today() == dt.date.today()
    project.clock = lambda: dt.date(2099, 1, 1)
    assert project.today() == dt.date(2099, 1, 1)
    assert project.as_of() == project.initiative.end  # after the end: its last day
    project.clock = lambda: project.initiative.start
    assert project.as_of() == project.initiative.start
    worker = project.connector()()
    try:
        assert worker.today() == project.initiative.start
    finally:
        worker.close()


def test_the_measures_are_counted_for_the_months_asked_and_refused_outside(project, anna):
    from fsm_desktop.domain.errors import ValidationError
    from fsm_desktop.operations.measures import measures_report, read_for_counting

    report = measures_report(project, Month(2020, 1), Month(2020, 3))
    assert (report.first, report.last) == (Month(2020, 1), Month(2020, 3))
    assert report.results
    assert all(Month(2020, 1) <= r.period_end <= Month(2020, 3) for r in report.results)
    assert read_for_counting(project).count() == measures_report(project)
    with pytest.raises(ValidationError, match="uden for indsatsens periode"):
        measures_report(project, Month(2024, 1))


def test_the_step_up_report_lists_a_marked_citizen_as_due_and_counts_months(project, anna):
    from fsm_desktop.operations.stepup import stepup_report

    assert stepup_report(project, DAY).due == []
    stepup.add_marking(project, anna.id, Marking(MarkingKind.MARKED, DAY))
    report = stepup_report(project, DAY)
    assert [a.case.citizen_id for a in report.due] == [anna.id]
    # One row per month from the initiative's start (2019-11) to DAY's month (2020-03).
    assert [c.month for c in report.counts] == [
        "2019-11",
        "2019-12",
        "2020-01",
        "2020-02",
        "2020-03",
    ]
    assert all(c.held == 0 for c in report.counts)


def test_caseloads_count_each_person_on_each_day(project, anna):
    from fsm_desktop.domain.model import Staff, StaffRole
    from fsm_desktop.operations.staff import caseloads
    from fsm_desktop.storage.repositories import StaffRepository

    jf = Staff("JF", "Jonna", StaffRole.JOB_BROKER)
    StaffRepository(project).add(jf)
    handover = CitizenChanges(handovers=[("jobformidler", jf.id, dt.date(2020, 2, 1))])
    citizens.save_citizen(project, anna.id, handover, DAY)
    days = [("2020-01", dt.date(2020, 1, 31)), ("2020-02", dt.date(2020, 2, 29))]
    found = caseloads(project, days)
    assert found.report.labels == ("2020-01", "2020-02")
    loads = {p.record.initials: p.citizens for p in found.report.people(1)}
    assert loads == {"JF": 1}
    assert {p.record.initials: p.citizens for p in found.report.people(0)} == {"JF": 0}
