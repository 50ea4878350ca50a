"""storage.board on a fresh project per test: what a card says, moves and their log, undo,
handing over from the board, meeting snapshots."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fsm_desktop.domain.model import (
    AssignmentRole,
    BoardColumn,
    Citizen,
    ExitReason,
    Staff,
    StaffRole,
    new_id,
)
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.operations.board import board_cards
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import ConstraintError, Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3

D = dt.date.fromisoformat
TODAY = dt.date(2021, 6, 15)
I, S, V, L = (
    BoardColumn.I_GANG,
    BoardColumn.PAA_SPRING,
    BoardColumn.PAA_VEJ,
    BoardColumn.PAA_LAENGERE_SIGT,
)


def _insert(project, table: str, **row) -> None:
    with project.db.atomic():
        project.db[table].insert(row)


def _people(project):
    staff = StaffRepository(project)
    jf, sb = Staff("JF", "Jonna", StaffRole.JOB_BROKER), Staff("SB", "Sara", StaffRole.CASEWORKER)
    sb2 = Staff("SC", "Søren", StaffRole.CASEWORKER)
    for member in (jf, sb, sb2):
        staff.add(member)
    anna = Citizen(cpr="0101801234", name="Anna", group=1, entry_date=D("2020-01-01"))
    bo = Citizen(cpr="0202802345", name="Bo", group=2, entry_date=D("2020-01-01"))
    gone = Citizen(
        cpr="0303803456",
        name="Cai",
        group=1,
        entry_date=D("2020-01-01"),
        exit_date=D("2021-01-31"),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    closed = Citizen(
        cpr="0404804567",
        name="Dorte",
        group=1,
        entry_date=D("2020-01-01"),
        exit_date=D("2021-01-31"),
        exit_reason=ExitReason.OTHER,
    )
    for citizen in (anna, bo, gone, closed):
        CitizenRepository(project).add(citizen)
    return jf, sb, sb2, anna, bo, gone, closed


def test_cards_say_what_the_project_holds(project):
    jf, sb, sb2, anna, bo, _gone, _closed = _people(project)
    repo = BoardRepository(project)
    repo.move([anna.id], S, at=dt.datetime(2021, 3, 1, 9))
    repo.move([anna.id], V, at=dt.datetime(2021, 5, 1, 9))
    _insert(
        project,
        "assignment",
        id=new_id(),
        citizen_id=anna.id,
        staff_id=jf.id,
        role="jobformidler",
        start="2020-01-01",
        end=None,
    )
    _insert(
        project,
        "assignment",
        id=new_id(),
        citizen_id=anna.id,
        staff_id=sb2.id,
        role="sagsbehandler",
        start="2020-01-01",
        end="2021-03-31",
    )
    _insert(
        project,
        "assignment",
        id=new_id(),
        citizen_id=anna.id,
        staff_id=sb.id,
        role="sagsbehandler",
        start="2021-04-01",
        end=None,
    )
    _insert(
        project,
        "contact",
        id=new_id(),
        citizen_id=anna.id,
        date="2021-06-01",
        kind="telefon",
        staff_id=jf.id,
        note="",
    )
    _insert(
        project,
        "contact",
        id=new_id(),
        citizen_id=anna.id,
        date="2021-06-10",
        kind="personligt",
        staff_id=jf.id,
        note="",
    )
    _insert(project, "paid_hours", citizen_id=anna.id, month="2021-05", hours=12.5)
    _insert(project, "paid_hours", citizen_id=anna.id, month="2021-04", hours=10)
    _insert(
        project,
        "status_entry",
        id=new_id(),
        citizen_id=anna.id,
        kind="cv_jobnet",
        date="2021-01-01",
        value="nej",
    )
    _insert(
        project,
        "status_entry",
        id=new_id(),
        citizen_id=anna.id,
        kind="cv_jobnet",
        date="2021-05-01",
        value="ja",
    )
    _insert(
        project,
        "status_entry",
        id=new_id(),
        citizen_id=anna.id,
        kind="jobmaal",
        date="2021-05-01",
        value="Lager",
    )
    _insert(
        project,
        "period",
        id=new_id(),
        citizen_id=bo.id,
        kind="fritagelse",
        start="2021-06-01",
        end="2021-06-30",
        note="barsel",
    )
    cards = {c.name: c for c in repo.cards(TODAY)}
    # Cai moved away; Dorte's case was closed ("andet") and she stays on the board.
    assert set(cards) == {"Anna", "Bo", "Dorte"}
    a = cards["Anna"]
    assert (a.column, a.since, a.days_in_column(TODAY)) == (V, dt.datetime(2021, 5, 1, 9), 45)
    assert (a.job_broker, a.caseworker, a.caseworker_id) == ("JF", "SB", sb.id)
    assert (a.last_contact, a.days_since_contact(TODAY)) == (D("2021-06-10"), 5)
    assert (a.hours_last_month, a.hours_month_before, a.hours_up) == (12.5, 10, True)
    assert (a.no_cv, a.no_job_goal, a.absent) == (False, False, False)
    b = cards["Bo"]
    assert (b.column, b.since, b.no_cv, b.no_job_goal, b.absent) == (None, None, True, True, True)
    assert b.days_since_contact(TODAY) is None


def test_a_move_writes_the_log_the_placement_and_the_audit_and_undo_removes_them(project):
    _jf, _sb, _sb2, anna, bo, *_ = _people(project)
    repo = BoardRepository(project)
    audit = AuditLog(project).count()
    first = repo.move([anna.id], V, at=dt.datetime(2021, 3, 1, 9))
    assert [(r.from_column, r.to_column, r.previous_since) for r in first] == [(None, V, None)]
    records = repo.move([anna.id, bo.id], S, "klar til job", at=dt.datetime(2021, 4, 1, 10))
    assert [(r.citizen_id, r.from_column) for r in records] == [(anna.id, V), (bo.id, None)]
    log = repo.moves(anna.id)
    assert [(m[2], m[3], m[4]) for m in log] == [(None, V, ""), (V, S, "klar til job")] and log[1][
        1
    ] == project.user
    assert AuditLog(project).count() == audit + 3
    # A citizen already in the column is left alone.
    assert repo.move([anna.id], S) == []
    repo.undo_moves(records)
    assert [m[3] for m in repo.moves(anna.id)] == [V]
    assert project.db.execute(
        "SELECT board_column, since FROM placement WHERE citizen_id = ?", [anna.id]
    ).fetchone() == ("paa_vej", "2021-03-01T09:00:00")
    assert (
        project.db.execute(
            "SELECT count(*) FROM placement WHERE citizen_id = ?", [bo.id]
        ).fetchone()[0]
        == 0
    )
    assert {(e.action, e.new) for e in AuditLog(project).for_citizen(bo.id)} >= {
        ("move", "på spring (klar til job)"),
        ("undo_move", "ikke placeret"),
    }


def test_two_moves_in_one_second_count_from_the_newer(project):
    """Ctrl+→ twice within a second: both log rows have the same time; the newest written
    (the column the citizen is in) gives the days in the column."""
    _jf, _sb, _sb2, anna, bo, *_ = _people(project)
    repo = BoardRepository(project)
    repo.move([anna.id, bo.id], I, at=dt.datetime(2021, 1, 1, 9))
    t = dt.datetime(2021, 5, 1, 9)
    repo.move([anna.id], S, at=t)
    repo.move([anna.id], V, at=t)
    # And the other way round for Bo (row order, not column order, decides).
    repo.move([bo.id], V, at=t)
    repo.move([bo.id], S, at=t)
    cards = {c.name: c for c in repo.cards(TODAY)}
    assert (cards["Anna"].column, cards["Anna"].since) == (V, t)
    assert (cards["Bo"].column, cards["Bo"].since) == (S, t)
    assert cards["Anna"].days_in_column(TODAY) == 45


def test_handing_a_citizen_to_another_caseworker_and_back(project):
    _jf, sb, sb2, anna, *_ = _people(project)
    repo = BoardRepository(project)
    _insert(
        project,
        "assignment",
        id="a1",
        citizen_id=anna.id,
        staff_id=sb.id,
        role="sagsbehandler",
        start="2020-01-01",
        end=None,
    )
    rows = lambda: project.db.execute(  # noqa: E731
        "SELECT staff_id, start, end FROM assignment WHERE citizen_id = ? ORDER BY start", [anna.id]
    ).fetchall()
    before = rows()
    change = repo.reassign(anna.id, AssignmentRole.CASEWORKER, sb2.id, TODAY)
    assert rows() == [(sb.id, "2020-01-01", "2021-06-14"), (sb2.id, "2021-06-15", None)]
    assert repo.reassign(anna.id, AssignmentRole.CASEWORKER, sb2.id, TODAY) is None  # no change
    # Handed on again the same day: the new row is taken over, not ended before it began.
    again = repo.reassign(anna.id, AssignmentRole.CASEWORKER, sb.id, TODAY)
    assert rows() == [(sb.id, "2020-01-01", "2021-06-14"), (sb.id, "2021-06-15", None)]
    repo.undo_reassign(again)
    repo.undo_reassign(change)
    assert rows() == before


def test_a_move_into_another_lane_is_one_transaction(project):
    """A drop in another lane moves and hands over together: written together, undone
    together, and when the hand-over fails, the move is not written either."""
    _jf, sb, sb2, anna, bo, *_ = _people(project)
    repo = BoardRepository(project)
    _insert(
        project,
        "assignment",
        id="a1",
        citizen_id=anna.id,
        staff_id=sb.id,
        role="sagsbehandler",
        start="2020-01-01",
        end=None,
    )
    repo.move([anna.id], I, at=dt.datetime(2021, 1, 4, 9))
    state = lambda: (  # noqa: E731
        project.db.execute("SELECT count(*) FROM board_move").fetchone()[0],
        project.db.execute(
            "SELECT board_column FROM placement WHERE citizen_id = ?", [anna.id]
        ).fetchone(),
        project.db.execute(
            "SELECT staff_id, start, end FROM assignment WHERE citizen_id = ? ORDER BY start",
            [anna.id],
        ).fetchall(),
    )
    before = state()
    # An unknown caseworker: the hand-over fails (foreign key), and the move goes with it.
    with pytest.raises(ConstraintError) as refused:  # in Danish; SQLite's error is its cause
        repo.move_and_hand_over([anna.id], V, AssignmentRole.CASEWORKER, "nobody", TODAY)
    assert isinstance(refused.value.__cause__, sqlite3.IntegrityError)
    assert state() == before
    records, changes = repo.move_and_hand_over(
        [anna.id, bo.id], V, AssignmentRole.CASEWORKER, sb2.id, TODAY, "ny sb"
    )
    assert [r.citizen_id for r in records] == [anna.id, bo.id] and [
        c.citizen_id for c in changes
    ] == [anna.id, bo.id]
    assert state()[1:] == (
        ("paa_vej",),
        [(sb.id, "2020-01-01", "2021-06-14"), (sb2.id, "2021-06-15", None)],
    )
    repo.undo_move_and_hand_over(records, changes)
    assert state() == before
    assert (
        project.db.execute(
            "SELECT count(*) FROM assignment WHERE citizen_id = ?", [bo.id]
        ).fetchone()[0]
        == 0
    )


def test_a_meeting_snapshot_and_what_moved_since(project):
    _jf, _sb, _sb2, anna, bo, _gone, _closed = _people(project)
    repo = BoardRepository(project)
    repo.move([anna.id], V)
    assert not repo.has_meeting()
    assert all(
        not c.changed_since_meeting for c in repo.cards(TODAY)
    )  # no meeting: nothing "changed"
    meeting = repo.finish_meeting(TODAY, ["JF", "SB", "Leder"], "marts", today=TODAY)
    assert (meeting.attendees, meeting.note) == (["JF", "SB", "Leder"], "marts")
    assert meeting.counts == {I: 0, S: 0, V: 1, L: 0, None: 2}  # Anna, and Bo and Dorte not placed
    assert {c.name for c in repo.cards(TODAY) if c.changed_since_meeting} == set()
    repo.move([bo.id], I)
    repo.move([anna.id], S)
    back = repo.move([anna.id], V)  # and back: still "moved since the meeting"
    changed = {c.name: c for c in repo.cards(TODAY) if c.changed_since_meeting}
    assert set(changed) == {"Anna", "Bo"}
    assert changed["Anna"].meeting_column == V and changed["Bo"].meeting_column is None
    # The two moves were (most likely) in the same second: the days count from the newer.
    assert changed["Anna"].since == back[0].at
    assert [m.id for m in repo.meetings()] == [meeting.id]


def test_the_board_history_per_meeting_date(project, monkeypatch):
    """What the Mål page's chart draws: per meeting date, oldest first, the count per column."""
    _jf, _sb, _sb2, anna, bo, _gone, _closed = _people(project)
    repo = BoardRepository(project)
    assert repo.history() == []
    clock = (dt.datetime(2021, 6, 1, 10) + dt.timedelta(minutes=n) for n in itertools.count())
    monkeypatch.setattr("fsm_desktop.storage.board._now", lambda: next(clock))  # a minute apart
    repo.move([anna.id], V)
    repo.finish_meeting(D("2021-03-01"), ["SB"], today=TODAY)
    repo.move([bo.id], I)
    repo.finish_meeting(D("2021-05-03"), ["SB"], today=TODAY)
    repo.move([anna.id], I)
    repo.finish_meeting(
        D("2021-05-03"), ["SB"], "igen", today=TODAY
    )  # the same date again: this one counts
    repo.finish_meeting(D("2021-04-06"), ["SB"], "indtastet bagefter", today=TODAY)  # entered late
    assert repo.history() == [
        (D("2021-03-01"), {I: 0, S: 0, V: 1, L: 0, None: 2}),
        (D("2021-04-06"), {I: 2, S: 0, V: 0, L: 0, None: 1}),
        (D("2021-05-03"), {I: 2, S: 0, V: 0, L: 0, None: 1}),
    ]


def test_step_up_due_in_ressourceforloeb(tmp_path):
    with Project.create(tmp_path / "bir.fsm", builtin_template("bir")) as project:
        passive = Citizen(cpr="0101801234", name="Passiv")
        active = Citizen(cpr="0202802345", name="Aktiv")
        for citizen in (passive, active):
            CitizenRepository(project).add(citizen)
            _insert(
                project,
                "period",
                id=new_id(),
                citizen_id=citizen.id,
                kind="ressourceforloeb",
                start="2020-01-15",
                end=None,
                note="",
            )
        _insert(
            project,
            "period",
            id=new_id(),
            citizen_id=active.id,
            kind="virksomhedspraktik",
            start="2021-03-01",
            end="2021-04-30",
            note="",
        )
        # The repository reads the cards; judging step-up is the operation's.
        assert not any(c.stepup_due for c in BoardRepository(project).cards(TODAY))
        cards = {c.name: c for c in board_cards(project, TODAY)}
        assert (cards["Passiv"].stepup_due, cards["Aktiv"].stepup_due) == (True, False)


@pytest.mark.parametrize("column", [None])
def test_the_column_counts(project, column):
    _people(project)
    counts = BoardRepository(project).counts(TODAY)
    assert counts[column] == 3 and sum(counts.values()) == 3
