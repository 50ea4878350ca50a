"""Repositories: domain objects in and out, audit entries in the same transaction."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.domain.model import (
    AuditEntry,
    BoardColumn,
    Citizen,
    ExitReason,
    Gender,
    Origin,
    Staff,
    StaffRole,
    new_id,
)
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import ConstraintError
from fsm_desktop.storage.repositories import (
    AuditLog,
    CitizenRepository,
    StaffRepository,
)
from fsm_desktop.storage.sqlite import dbapi as sqlite3

D = dt.date


def _citizen(cpr: str, name: str, **fields) -> Citizen:
    return Citizen(cpr=cpr, name=name, **fields)


def _assign(
    project,
    citizen: Citizen,
    staff: Staff,
    start: str,
    end: str | None = None,
    role="sagsbehandler",
):
    """Assignments have no repository yet: write the row directly."""
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


def _place(project, citizen: Citizen, column: BoardColumn) -> None:
    with project.db.atomic():
        project.db["placement"].insert(
            {"citizen_id": citizen.id, "board_column": column.value, "since": "2020-01-01T09:00:00"}
        )


# --- citizens ----------------------------------------------------------------------------------


def test_add_writes_the_citizen_and_one_audit_entry(project):
    citizen = _citizen(
        "1505601234",
        "Anna Andersen",
        gender=Gender.FEMALE,
        origin=Origin.NON_WESTERN,
        group=1,
        entry_date=D(2019, 11, 1),
        exit_date=D(2020, 6, 30),
        exit_reason=ExitReason.MOVED_AWAY,
        note="flyttet til Aarhus",
    )
    repo = CitizenRepository(project)
    repo.add(citizen)

    assert repo.get(citizen.id) == citizen
    assert repo.by_cpr("1505601234") == citizen
    assert project.db.execute("SELECT birth_date FROM citizen").fetchone()[0] == "1960-05-15"

    (entry,) = AuditLog(project).for_citizen(citizen.id)
    assert entry.action == "create"
    assert entry.entity == "citizen"
    assert entry.entity_id == citizen.id
    assert entry.citizen_id == citizen.id
    assert entry.user == project.user
    assert entry.new == "Anna Andersen"
    assert entry.old is None
    assert AuditLog(project).count() == 1


def test_minimal_citizen_round_trips(project):
    citizen = _citizen("0101901234", "Bo")
    CitizenRepository(project).add(citizen)
    got = CitizenRepository(project).get(citizen.id)
    assert got == citizen
    assert (got.gender, got.origin, got.group, got.entry_date, got.exit_reason, got.note) == (
        None,
        None,
        None,
        None,
        None,
        "",
    )


def test_duplicate_cpr_writes_neither_citizen_nor_audit_entry(project):
    repo = CitizenRepository(project)
    first = _citizen("0101901234", "Anna")
    repo.add(first)
    second = _citizen("0101901234", "Anden Anna")
    with pytest.raises(ConstraintError) as refused:
        repo.add(second)
    assert "UNIQUE" in str(refused.value.__cause__) and "0101901234" not in refused.value.message
    assert repo.count() == 1
    assert repo.get(second.id) is None
    assert AuditLog(project).count() == 1
    assert AuditLog(project).for_citizen(second.id) == []
    assert not project.db.conn.in_transaction


def test_a_failing_audit_write_rolls_back_the_citizen(project, monkeypatch):
    def broken(self, entries):
        list(entries)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(AuditLog, "record", broken)
    citizen = _citizen("0101901234", "Anna")
    with pytest.raises(ProjectFileError, match=r"disken er fuld eller utilgængelig. Intet er gemt"):
        CitizenRepository(project).add(citizen)
    monkeypatch.undo()
    assert CitizenRepository(project).count() == 0
    assert CitizenRepository(project).get(citizen.id) is None
    assert AuditLog(project).count() == 0


def test_get_and_by_cpr_of_unknown_citizen(project):
    repo = CitizenRepository(project)
    assert repo.get("no-such-id") is None
    assert repo.by_cpr("0101901234") is None


def test_list_is_sorted_by_name_and_counts(project):
    repo = CitizenRepository(project)
    for cpr, name in [("0101901234", "Carl"), ("0202801234", "Anna"), ("0303701234", "Bo")]:
        repo.add(_citizen(cpr, name))
    assert [c.name for c in repo.list()] == ["Anna", "Bo", "Carl"]
    assert repo.count() == 3
    assert AuditLog(project).count() == 3


def test_count_active_from_the_exit_date(project):
    repo = CitizenRepository(project)
    repo.add(_citizen("0101901234", "no exit"))
    repo.add(
        _citizen("0202801234", "moved", exit_date=D(2020, 6, 15), exit_reason=ExitReason.MOVED_AWAY)
    )
    repo.add(_citizen("0303701234", "died", exit_date=D(2020, 3, 1), exit_reason=ExitReason.DIED))
    assert repo.count_active(D(2020, 2, 29)) == 3
    assert repo.count_active(D(2020, 3, 1)) == 2  # gone from the exit date
    assert repo.count_active(D(2020, 6, 14)) == 2
    assert repo.count_active(D(2020, 6, 15)) == 1
    assert repo.count() == 3


# --- staff ----------------------------------------------------------------------------------


def test_staff_add_and_list(project):
    repo = StaffRepository(project)
    people = [
        Staff("ZZ", "Zenia", StaffRole.JOB_BROKER, 37.0),
        Staff("AB", "Anne", StaffRole.JOB_BROKER, 30.0),
        Staff("CD", "Carsten", StaffRole.CASEWORKER, 37.0),
        Staff("PN", "Sag overdraget til pensionsnævnet", StaffRole.PSEUDO, 0.0),
    ]
    for s in people:
        repo.add(s)
    listed = repo.list()
    # ordered by role (job brokers, caseworkers, leaders, pseudo), then initials
    assert [s.initials for s in listed] == ["AB", "ZZ", "CD", "PN"]
    assert {s.id: s for s in listed} == {s.id: s for s in people}


def test_staff_initials_are_unique_regardless_of_case(project):
    repo = StaffRepository(project)
    repo.add(Staff("AB", "Anne", StaffRole.JOB_BROKER))
    with pytest.raises(ConstraintError) as refused:
        repo.add(Staff("ab", "Anders", StaffRole.CASEWORKER))
    assert isinstance(refused.value.__cause__, sqlite3.IntegrityError)
    assert [s.name for s in repo.list()] == ["Anne"]


def test_caseload_counts_open_assignments_of_citizens_still_in(project):
    staff = StaffRepository(project)
    anne = Staff("AB", "Anne", StaffRole.CASEWORKER)
    park = Staff("BF", "Barsel/fængsel", StaffRole.PSEUDO, 0.0)
    idle = Staff("ID", "Idle", StaffRole.CASEWORKER)
    for s in (anne, park, idle):
        staff.add(s)

    citizens = CitizenRepository(project)
    c = {}
    specs = {
        "open": {},
        "ended_before": {},
        "starts_after": {},
        "ends_on_day": {},
        "moved_away": {"exit_date": D(2020, 5, 1), "exit_reason": ExitReason.MOVED_AWAY},
        "leaves_later": {"exit_date": D(2020, 7, 1), "exit_reason": ExitReason.DIED},
        "two_rows": {},
        "parked": {},
    }
    for i, (key, fields) in enumerate(specs.items()):
        c[key] = _citizen(f"01019{i}1234", key, **fields)
        citizens.add(c[key])

    on = "2020-06-01"
    _assign(project, c["open"], anne, "2020-01-01")
    _assign(project, c["ended_before"], anne, "2020-01-01", "2020-05-31")
    _assign(project, c["starts_after"], anne, "2020-06-02")
    _assign(project, c["ends_on_day"], anne, "2020-01-01", on)
    _assign(project, c["moved_away"], anne, "2020-01-01")
    _assign(project, c["leaves_later"], anne, "2020-01-01")
    _assign(project, c["two_rows"], anne, "2020-01-01", role="sagsbehandler")
    _assign(project, c["two_rows"], anne, "2020-03-01", role="jobformidler")
    _assign(project, c["parked"], park, "2020-02-01")
    # the earlier caseworker of the parked citizen
    _assign(project, c["parked"], anne, "2020-01-01", "2020-01-31")

    # open, ends_on_day, leaves_later, two_rows (once)
    assert staff.caseload(D(2020, 6, 1)) == {anne.id: 4, park.id: 1}
    # the day before: ended_before still open, starts_after not yet
    assert staff.caseload(D(2020, 5, 31)) == {anne.id: 5, park.id: 1}
    # after leaves_later died and ends_on_day ended; starts_after began
    assert staff.caseload(D(2020, 7, 1)) == {anne.id: 3, park.id: 1}
    assert idle.id not in staff.caseload(D(2020, 6, 1))
    assert staff.caseload(D(2019, 12, 31)) == {}


# --- the board ------------------------------------------------------------------------------


def test_board_counts_with_the_not_placed_bucket(project):
    today = dt.date.today()
    citizens = CitizenRepository(project)
    specs = [
        ("a", BoardColumn.I_GANG, {}),
        ("b", BoardColumn.I_GANG, {}),
        ("c", BoardColumn.PAA_VEJ, {}),
        ("d", None, {}),
        ("e", None, {}),
        (
            "left",
            BoardColumn.PAA_SPRING,
            {"exit_date": today - dt.timedelta(days=30), "exit_reason": ExitReason.MOVED_AWAY},
        ),
        (
            "left_unplaced",
            None,
            {"exit_date": today - dt.timedelta(days=1), "exit_reason": ExitReason.RETIRED},
        ),
        (
            "leaves_later",
            BoardColumn.PAA_LAENGERE_SIGT,
            {"exit_date": today + dt.timedelta(days=30), "exit_reason": ExitReason.DIED},
        ),
    ]
    for i, (name, column, fields) in enumerate(specs):
        citizen = _citizen(f"01018{i}1234", name, **fields)
        citizens.add(citizen)
        if column is not None:
            _place(project, citizen, column)

    assert BoardRepository(project).counts() == {
        BoardColumn.I_GANG: 2,
        BoardColumn.PAA_SPRING: 0,
        BoardColumn.PAA_VEJ: 1,
        BoardColumn.PAA_LAENGERE_SIGT: 1,
        None: 2,
    }


def test_board_counts_of_an_empty_project(project):
    counts = BoardRepository(project).counts()
    assert counts == dict.fromkeys(BoardColumn, 0) | {None: 0}


# --- the audit log ----------------------------------------------------------------------------


def test_audit_log_for_citizen_in_time_then_insertion_order(project):
    anna = _citizen("0101901234", "Anna")
    bo = _citizen("0202801234", "Bo")
    CitizenRepository(project).add(anna)
    CitizenRepository(project).add(bo)
    log = AuditLog(project)

    def entry(at, action, citizen):
        return AuditEntry(at, "tester", action, "citizen", citizen.id, citizen.id)

    late = dt.datetime(2031, 1, 1, 10, 0)
    with project.db.atomic():
        log.record(
            [
                entry(late, "third", anna),
                entry(dt.datetime(2031, 1, 1, 9, 0), "second", anna),
                entry(late, "fourth", anna),  # same time: insertion order
                entry(dt.datetime(2031, 1, 1, 9, 30), "other", bo),
            ]
        )
    actions = [e.action for e in log.for_citizen(anna.id)]
    # the repository's "create" entry is stamped now, before 2031
    assert actions == ["create", "second", "third", "fourth"]
    assert [e.action for e in log.for_citizen(bo.id)] == ["create", "other"]
    assert log.for_citizen("nobody") == []
    assert log.count() == 6


def test_audit_entry_round_trips(project):
    citizen = _citizen("0101901234", "Anna")
    CitizenRepository(project).add(citizen)
    written = AuditEntry(
        dt.datetime(2030, 5, 6, 7, 8, 9),
        "jf",
        "update",
        "citizen",
        citizen.id,
        citizen.id,
        field_name="name",
        old="Anna",
        new="Anna B.",
    )
    with project.db.atomic():
        AuditLog(project).record([written])
    assert AuditLog(project).for_citizen(citizen.id)[-1] == written
