"""Saving the citizen's page: every kind of change written with an audit entry (who, field,
old → new), the assignment history rule in the database, and all-or-nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import (
    AssignmentRole,
    Citizen,
    Contact,
    ContactKind,
    ExitReason,
    NetworkPerson,
    PaidHours,
    Period,
    PeriodKind,
    Staff,
    StaffRole,
    StatusEntry,
    StatusKind,
    new_id,
)
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.repositories import AuditLog, CitizenRepository, StaffRepository

D = dt.date


@pytest.fixture
def setup(project):
    staff = StaffRepository(project)
    a = Staff("AA", "Anna Ager", StaffRole.JOB_BROKER)
    b = Staff("BB", "Bent Bo", StaffRole.JOB_BROKER)
    c = Staff("CC", "Carla Cue", StaffRole.CASEWORKER)
    for member in (a, b, c):
        staff.add(member)
    citizen = Citizen(cpr="0101801234", name="Hans Hansen", group=1, entry_date=D(2020, 1, 1))
    CitizenRepository(project).add(citizen)
    with project.db.atomic():
        project.db["assignment"].insert({"id": "as1", "citizen_id": citizen.id, "staff_id": a.id, "role": "jobformidler",
                                         "start": "2020-01-01", "end": None})
        project.db["period"].insert({"id": "p1", "citizen_id": citizen.id, "kind": "kontanthjaelp_ap", "start": "2020-01-01",
                                     "end": None, "note": ""})
        project.db["paid_hours"].insert({"citizen_id": citizen.id, "month": "2020-05", "hours": 10.0})
    return project, citizen, {"AA": a, "BB": b, "CC": c}


def audit(project, citizen_id):
    return [(e.action, e.field_name, e.old, e.new) for e in AuditLog(project).for_citizen(citizen_id)]


def test_load_gives_the_whole_record(setup):
    project, citizen, staff = setup
    record = CitizenEditor(project).load(citizen.id)
    assert record.citizen.name == "Hans Hansen"
    assert [p.kind for p in record.periods] == [PeriodKind.KONTANTHJAELP_AP]
    assert [(h.month, h.hours) for h in record.hours] == [("2020-05", 10.0)]
    assert record.current(AssignmentRole.JOB_BROKER, D(2021, 1, 1)).staff_id == staff["AA"].id
    assert record.network_consent is False
    assert CitizenEditor(project).load("nobody") is None


def test_master_data_changes_are_audited_field_by_field(setup):
    project, citizen, _ = setup
    changed = Citizen(cpr=citizen.cpr, name="Hans Hansen Berg", group=2, entry_date=D(2020, 1, 1),
                      exit_date=D(2021, 3, 31), exit_reason=ExitReason.MOVED_AWAY, id=citizen.id)
    CitizenEditor(project).save(citizen.id, CitizenChanges(citizen=changed))
    stored = CitizenRepository(project).get(citizen.id)
    assert (stored.name, stored.group, stored.exit_date, stored.exit_reason) == (
        "Hans Hansen Berg", 2, D(2021, 3, 31), ExitReason.MOVED_AWAY
    )
    entries = audit(project, citizen.id)[1:]  # the first is the creation
    assert ("update", "navn", "Hans Hansen", "Hans Hansen Berg") in entries
    assert ("update", "gruppe", "1", "2") in entries
    assert ("update", "afgang", None, "2021-03-31") in entries
    assert ("update", "afgangsårsag", None, "fraflyttet") in entries
    assert len(entries) == 4
    assert all(e.user == project.user for e in AuditLog(project).for_citizen(citizen.id))


def test_every_record_kind_is_written_and_audited(setup):
    project, citizen, staff = setup
    cid = citizen.id
    praktik = Period(cid, PeriodKind.VIRKSOMHEDSPRAKTIK, D(2021, 3, 1), None, "Netto")
    ended = Period(cid, PeriodKind.KONTANTHJAELP_AP, D(2020, 1, 1), D(2021, 2, 28), id="p1")
    contact = Contact(cid, D(2021, 3, 2), ContactKind.COMPANY_VISIT, staff["AA"].id, "Besøg hos Netto")
    cv = StatusEntry(cid, StatusKind.CV_JOBNET, D(2021, 3, 2), "ja")
    goal = StatusEntry(cid, StatusKind.JOB_GOAL, D(2021, 3, 2), "butiksassistent")
    sister = NetworkPerson(cid, "Lis Hansen", "søster", "12345678")
    changes = CitizenChanges(
        network_consent=True,
        periods_saved=[praktik, ended],
        hours_saved=[PaidHours(cid, "2021-02", 37.5), PaidHours(cid, "2020-05", 12.0)],
        contacts_added=[contact],
        status_added=[cv, goal],
        network_saved=[sister],
    )
    CitizenEditor(project).save(cid, changes)
    record = CitizenEditor(project).load(cid)
    assert {(p.kind, p.start, p.end, p.note) for p in record.periods} == {
        (PeriodKind.KONTANTHJAELP_AP, D(2020, 1, 1), D(2021, 2, 28), ""),
        (PeriodKind.VIRKSOMHEDSPRAKTIK, D(2021, 3, 1), None, "Netto"),
    }
    assert [(h.month, h.hours) for h in record.hours] == [("2020-05", 12.0), ("2021-02", 37.5)]
    assert [(c.date, c.kind, c.note) for c in record.contacts] == [(D(2021, 3, 2), ContactKind.COMPANY_VISIT, "Besøg hos Netto")]
    assert record.latest_status(StatusKind.JOB_GOAL).value == "butiksassistent"
    assert record.network_consent is True
    assert [p.name for p in record.network] == ["Lis Hansen"]
    entries = audit(project, cid)
    assert ("update", "netværk ønsket", "nej", "ja") in entries
    assert ("create", "forløb", None, "virksomhedspraktik 01-03-2021 – i gang (Netto)") in entries
    assert ("update", "forløb", "kontanthjælp aktivitetsparat 01-01-2020 – i gang",
            "kontanthjælp aktivitetsparat 01-01-2020 – 28-02-2021") in entries
    assert ("create", "løntimer 2021-02", None, "37.5") in entries
    assert ("update", "løntimer 2020-05", "10.0", "12.0") in entries
    assert ("create", "kontakt", None, "virksomhedsbesoeg 2021-03-02") in entries
    assert ("create", "cv_jobnet", None, "ja fra 2021-03-02") in entries
    assert ("create", "netværk", None, "Lis Hansen") in entries

    # Deleting is audited with the old value.
    CitizenEditor(project).save(cid, CitizenChanges(periods_deleted=[praktik.id], hours_deleted=["2020-05"],
                                                    contacts_deleted=[contact.id], network_deleted=[sister.id]))
    record = CitizenEditor(project).load(cid)
    assert [p.id for p in record.periods] == ["p1"]
    assert [h.month for h in record.hours] == ["2021-02"]
    assert record.contacts == [] and record.network == []
    entries = audit(project, cid)
    assert ("delete", "forløb", "virksomhedspraktik 01-03-2021 – i gang (Netto)", None) in entries
    assert ("delete", "løntimer 2020-05", "12.0", None) in entries
    assert ("delete", "netværk", "Lis Hansen", None) in entries


def test_an_unchanged_value_writes_no_audit_entry(setup):
    project, citizen, _ = setup
    before = len(audit(project, citizen.id))
    CitizenEditor(project).save(citizen.id, CitizenChanges(citizen=citizen, hours_saved=[PaidHours(citizen.id, "2020-05", 10.0)]))
    assert len(audit(project, citizen.id)) == before


def test_a_handover_ends_the_current_row_the_day_before_and_starts_a_new_one(setup):
    project, citizen, staff = setup
    CitizenEditor(project).save(citizen.id, CitizenChanges(handovers=[("jobformidler", staff["BB"].id, D(2021, 4, 1))]))
    rows = project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = 'jobformidler' ORDER BY a.start", [citizen.id]
    ).fetchall()
    assert rows == [("AA", "2020-01-01", "2021-03-31"), ("BB", "2021-04-01", None)]
    assert ("create", "jobformidler", "AA", "BB fra 2021-04-01") in audit(project, citizen.id)
    # A second change on the same day takes the new row over (it cannot end before it began).
    CitizenEditor(project).save(citizen.id, CitizenChanges(handovers=[("jobformidler", staff["AA"].id, D(2021, 4, 1))]))
    rows = project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = 'jobformidler' ORDER BY a.start", [citizen.id]
    ).fetchall()
    assert rows == [("AA", "2020-01-01", "2021-03-31"), ("AA", "2021-04-01", None)]
    # A caseworker where there was none starts a row.
    CitizenEditor(project).save(citizen.id, CitizenChanges(handovers=[("sagsbehandler", staff["CC"].id, D(2021, 5, 1))]))
    assert project.db.execute("SELECT count(*) FROM assignment WHERE citizen_id = ? AND role = 'sagsbehandler' "
                              "AND start = '2021-05-01' AND end IS NULL", [citizen.id]).fetchone()[0] == 1


def test_saving_is_all_or_nothing(setup, monkeypatch):
    project, citizen, _ = setup
    before = project.db.execute("SELECT count(*) FROM period").fetchone()[0]
    audit_before = AuditLog(project).count()

    def fail(self, entries):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(AuditLog, "record", fail)
    changed = Citizen(cpr=citizen.cpr, name="Nyt Navn", group=1, entry_date=D(2020, 1, 1), id=citizen.id)
    with pytest.raises(KnownError):
        CitizenEditor(project).save(citizen.id, CitizenChanges(
            citizen=changed, periods_saved=[Period(citizen.id, PeriodKind.MENTOR, D(2021, 1, 1))],
        ))
    monkeypatch.undo()
    assert CitizenRepository(project).get(citizen.id).name == "Hans Hansen"
    assert project.db.execute("SELECT count(*) FROM period").fetchone()[0] == before
    assert AuditLog(project).count() == audit_before


def test_a_citizen_removed_meanwhile_is_a_clear_error(setup):
    project, _, _ = setup
    with pytest.raises(KnownError, match="findes ikke længere"):
        CitizenEditor(project).save(new_id(), CitizenChanges(hours_saved=[PaidHours("x", "2020-01", 1)]))
