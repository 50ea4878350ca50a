"""Saving the citizen's page: every kind of change written with an audit entry (who, field,
old → new), the assignment history rule in the database, and all-or-nothing."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.errors import KnownError, ValidationError
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
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3

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
        project.db["assignment"].insert(
            {
                "id": "as1",
                "citizen_id": citizen.id,
                "staff_id": a.id,
                "role": "jobformidler",
                "start": "2020-01-01",
                "end": None,
            }
        )
        project.db["period"].insert(
            {
                "id": "p1",
                "citizen_id": citizen.id,
                "kind": "kontanthjaelp_ap",
                "start": "2020-01-01",
                "end": None,
                "note": "",
            }
        )
        project.db["paid_hours"].insert(
            {"citizen_id": citizen.id, "month": "2020-05", "hours": 10.0}
        )
    return project, citizen, {"AA": a, "BB": b, "CC": c}


def audit(project, citizen_id):
    return [
        (e.action, e.field_name, e.old, e.new) for e in AuditLog(project).for_citizen(citizen_id)
    ]


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
    changed = Citizen(
        cpr=citizen.cpr,
        name="Hans Hansen Berg",
        group=2,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 3, 31),
        exit_reason=ExitReason.MOVED_AWAY,
        id=citizen.id,
    )
    save_citizen(project, citizen.id, CitizenChanges(citizen=changed))
    stored = CitizenRepository(project).get(citizen.id)
    assert (stored.name, stored.group, stored.exit_date, stored.exit_reason) == (
        "Hans Hansen Berg",
        2,
        D(2021, 3, 31),
        ExitReason.MOVED_AWAY,
    )
    entries = audit(project, citizen.id)[1:]  # the first is the creation
    assert ("update", "navn", "Hans Hansen", "Hans Hansen Berg") in entries
    assert ("update", "gruppe", "1", "2") in entries
    assert ("update", "afgang", None, "2021-03-31") in entries
    assert ("update", "afgangsårsag", None, "fraflyttet") in entries
    # The move ends the open assignment on the exit date (seeds/003 §3, §5).
    assert (
        "update",
        "jobformidler",
        "AA fra 2020-01-01",
        "AA fra 2020-01-01 til 2021-03-31",
    ) in entries
    assert len(entries) == 5
    assert all(e.user == project.user for e in AuditLog(project).for_citizen(citizen.id))


def test_every_record_kind_is_written_and_audited(setup):
    project, citizen, staff = setup
    cid = citizen.id
    praktik = Period(cid, PeriodKind.VIRKSOMHEDSPRAKTIK, D(2021, 3, 1), None, "Netto")
    ended = Period(cid, PeriodKind.KONTANTHJAELP_AP, D(2020, 1, 1), D(2021, 2, 28), id="p1")
    contact = Contact(
        cid, D(2021, 3, 2), ContactKind.COMPANY_VISIT, staff["AA"].id, "Besøg hos Netto"
    )
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
    save_citizen(project, cid, changes)
    record = CitizenEditor(project).load(cid)
    assert {(p.kind, p.start, p.end, p.note) for p in record.periods} == {
        (PeriodKind.KONTANTHJAELP_AP, D(2020, 1, 1), D(2021, 2, 28), ""),
        (PeriodKind.VIRKSOMHEDSPRAKTIK, D(2021, 3, 1), None, "Netto"),
    }
    assert [(h.month, h.hours) for h in record.hours] == [("2020-05", 12.0), ("2021-02", 37.5)]
    assert [(c.date, c.kind, c.note) for c in record.contacts] == [
        (D(2021, 3, 2), ContactKind.COMPANY_VISIT, "Besøg hos Netto")
    ]
    assert record.latest_status(StatusKind.JOB_GOAL).value == "butiksassistent"
    assert record.network_consent is True
    assert [p.name for p in record.network] == ["Lis Hansen"]
    entries = audit(project, cid)
    assert ("update", "netværk ønsket", "nej", "ja") in entries
    assert ("create", "forløb", None, "virksomhedspraktik 01-03-2021 – i gang (Netto)") in entries
    assert (
        "update",
        "forløb",
        "kontanthjælp aktivitetsparat 01-01-2020 – i gang",
        "kontanthjælp aktivitetsparat 01-01-2020 – 28-02-2021",
    ) in entries
    assert ("create", "løntimer 2021-02", None, "37.5") in entries
    assert ("update", "løntimer 2020-05", "10.0", "12.0") in entries
    assert ("create", "kontakt", None, "virksomhedsbesoeg 2021-03-02") in entries
    assert ("create", "CV på Jobnet", None, "ja fra 2021-03-02") in entries
    assert ("create", "Jobmål", None, "butiksassistent fra 2021-03-02") in entries
    assert ("create", "netværk", None, "Lis Hansen") in entries

    # Deleting is audited with the old value.
    save_citizen(
        project,
        cid,
        CitizenChanges(
            periods_deleted=[praktik.id],
            hours_deleted=["2020-05"],
            contacts_deleted=[contact.id],
            network_deleted=[sister.id],
        ),
    )
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
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(citizen=citizen, hours_saved=[PaidHours(citizen.id, "2020-05", 10.0)]),
    )
    assert len(audit(project, citizen.id)) == before


def test_a_handover_ends_the_current_row_the_day_before_and_starts_a_new_one(setup):
    project, citizen, staff = setup
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("jobformidler", staff["BB"].id, D(2021, 4, 1))]),
    )
    rows = project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = 'jobformidler' ORDER BY a.start",
        [citizen.id],
    ).fetchall()
    assert rows == [("AA", "2020-01-01", "2021-03-31"), ("BB", "2021-04-01", None)]
    assert ("create", "jobformidler", "AA", "BB fra 2021-04-01") in audit(project, citizen.id)
    # A second change on the same day takes the new row over (it cannot end before it began).
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("jobformidler", staff["AA"].id, D(2021, 4, 1))]),
    )
    rows = project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = 'jobformidler' ORDER BY a.start",
        [citizen.id],
    ).fetchall()
    assert rows == [("AA", "2020-01-01", "2021-03-31"), ("AA", "2021-04-01", None)]
    # A caseworker where there was none starts a row.
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("sagsbehandler", staff["CC"].id, D(2021, 5, 1))]),
    )
    assert (
        project.db.execute(
            "SELECT count(*) FROM assignment WHERE citizen_id = ? AND role = 'sagsbehandler' "
            "AND start = '2021-05-01' AND end IS NULL",
            [citizen.id],
        ).fetchone()[0]
        == 1
    )


def assignments(project, citizen_id, role="jobformidler"):
    return project.db.execute(
        "SELECT s.initials, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? AND a.role = ? ORDER BY a.start, a.rowid",
        [citizen_id, role],
    ).fetchall()


def test_a_change_before_the_newest_assignment_began_is_refused_and_writes_nothing(setup):
    """The audit's case: AA in 2020, BB from 2021; a change to CC on 1 June 2020 would leave BB
    open beside CC."""
    project, citizen, staff = setup
    editor = CitizenEditor(project)
    project.db.execute("UPDATE assignment SET end = '2020-12-31' WHERE id = 'as1'")
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("jobformidler", staff["BB"].id, D(2021, 1, 1))]),
    )
    before = assignments(project, citizen.id)
    audit_before = AuditLog(project).count()
    with pytest.raises(
        ValidationError, match="før den seneste tilknytning, der begyndte 01-01-2021"
    ):
        save_citizen(
            project,
            citizen.id,
            CitizenChanges(
                hours_saved=[PaidHours(citizen.id, "2020-06", 5.0)],
                handovers=[("jobformidler", staff["CC"].id, D(2020, 6, 1))],
            ),
        )
    assert (
        assignments(project, citizen.id)
        == before
        == [("AA", "2020-01-01", "2020-12-31"), ("BB", "2021-01-01", None)]
    )
    assert AuditLog(project).count() == audit_before
    assert [h.month for h in editor.load(citizen.id).hours] == ["2020-05"], (
        "the hours of the refused save are not written"
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["AA", "BB", "CC"]), st.integers(0, 400)), min_size=1, max_size=8
    )
)
def test_changes_saved_in_any_order_leave_one_open_row_and_no_overlap(setup, changes):
    """Changes of job broker saved one by one in random order (the refused ones refused): at
    most one open row, and no two rows of the role share a day."""
    project, citizen, staff = setup
    project.db.execute("DELETE FROM assignment WHERE citizen_id = ?", [citizen.id])
    project.db.execute(
        "INSERT INTO assignment (id, citizen_id, staff_id, role, start, end) VALUES "
        "('z1', ?, ?, 'jobformidler', '2020-01-01', '2020-03-31')",
        [citizen.id, staff["AA"].id],
    )
    for initials, offset in changes:
        day = D(2020, 1, 1) + dt.timedelta(days=offset)
        with contextlib.suppress(ValidationError):
            save_citizen(
                project,
                citizen.id,
                CitizenChanges(handovers=[("jobformidler", staff[initials].id, day)]),
            )
    rows = [
        (D.fromisoformat(start), D.fromisoformat(end) if end else D.max)
        for _, start, end in assignments(project, citizen.id)
    ]
    assert sum(1 for _, end in rows if end == D.max) <= 1
    for i, (start, end) in enumerate(rows):
        assert start <= end
        for other_start, other_end in rows[i + 1 :]:
            assert end < other_start or other_end < start, f"{rows} overlap"


def test_an_exit_ends_the_open_assignments_on_the_exit_date(setup):
    project, citizen, staff = setup
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("sagsbehandler", staff["CC"].id, D(2020, 2, 1))]),
    )
    moved = Citizen(
        cpr=citizen.cpr,
        name=citizen.name,
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 4, 30),
        exit_reason=ExitReason.MOVED_AWAY,
        id=citizen.id,
    )
    save_citizen(project, citizen.id, CitizenChanges(citizen=moved))
    assert assignments(project, citizen.id) == [("AA", "2020-01-01", "2021-04-30")]
    assert assignments(project, citizen.id, "sagsbehandler") == [("CC", "2020-02-01", "2021-04-30")]
    entries = audit(project, citizen.id)
    assert (
        "update",
        "jobformidler",
        "AA fra 2020-01-01",
        "AA fra 2020-01-01 til 2021-04-30",
    ) in entries
    assert (
        "update",
        "sagsbehandler",
        "CC fra 2020-02-01",
        "CC fra 2020-02-01 til 2021-04-30",
    ) in entries
    # The exit date corrected: the ends follow it. A change after the exit is refused.
    later = Citizen(
        cpr=citizen.cpr,
        name=citizen.name,
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 5, 31),
        exit_reason=ExitReason.MOVED_AWAY,
        id=citizen.id,
    )
    save_citizen(project, citizen.id, CitizenChanges(citizen=later))
    assert assignments(project, citizen.id) == [("AA", "2020-01-01", "2021-05-31")]
    with pytest.raises(ValidationError, match="gik ud 31-05-2021"):
        save_citizen(
            project,
            citizen.id,
            CitizenChanges(handovers=[("jobformidler", staff["BB"].id, D(2021, 6, 1))]),
        )
    # A change before the exit keeps the end the exit gave.
    save_citizen(
        project,
        citizen.id,
        CitizenChanges(handovers=[("jobformidler", staff["BB"].id, D(2021, 5, 1))]),
    )
    assert assignments(project, citizen.id) == [
        ("AA", "2020-01-01", "2021-04-30"),
        ("BB", "2021-05-01", "2021-05-31"),
    ]
    # The exit taken back: the newest rows are open again.
    back = Citizen(
        cpr=citizen.cpr, name=citizen.name, group=1, entry_date=D(2020, 1, 1), id=citizen.id
    )
    save_citizen(project, citizen.id, CitizenChanges(citizen=back))
    assert assignments(project, citizen.id) == [
        ("AA", "2020-01-01", "2021-04-30"),
        ("BB", "2021-05-01", None),
    ]
    assert assignments(project, citizen.id, "sagsbehandler") == [("CC", "2020-02-01", None)]


def test_a_closed_case_does_not_end_the_assignments(setup):
    project, citizen, _ = setup
    closed = Citizen(
        cpr=citizen.cpr,
        name=citizen.name,
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 4, 30),
        exit_reason=ExitReason.OTHER,
        id=citizen.id,
    )
    save_citizen(project, citizen.id, CitizenChanges(citizen=closed))
    assert assignments(project, citizen.id) == [("AA", "2020-01-01", None)]


def test_an_exit_before_an_assignment_began_is_refused(setup):
    project, citizen, _ = setup
    early = Citizen(
        cpr=citizen.cpr,
        name=citizen.name,
        group=1,
        entry_date=D(2019, 1, 1),
        exit_date=D(2019, 12, 31),
        exit_reason=ExitReason.DIED,
        id=citizen.id,
    )
    with pytest.raises(ValidationError, match="ligger før en tilknytning, der begynder 01-01-2020"):
        save_citizen(project, citizen.id, CitizenChanges(citizen=early))
    assert CitizenRepository(project).get(citizen.id).exit_date is None


TODAY = D(2021, 6, 1)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda c, s: CitizenChanges(citizen=Citizen(cpr=c.cpr, name=" ", group=1, id=c.id)),
            "Ændringerne er ikke gemt – stamdata: Navnet skal udfyldes.",
        ),
        (
            lambda c, s: CitizenChanges(citizen=Citizen(cpr=c.cpr, name="Hans", group=7, id=c.id)),
            "Ændringerne er ikke gemt – stamdata: Indsatsen har ikke gruppe 7.",
        ),
        (
            lambda c, s: CitizenChanges(
                periods_saved=[Period(c.id, PeriodKind.RESSOURCEFORLOEB, D(2021, 1, 1))]
            ),
            "Ændringerne er ikke gemt – forløb: Overlapper ydelsen kontanthjælp aktivitetsparat (01-01-2020 – i gang); "
            "en borger har én ydelse ad gangen.",
        ),
        (
            lambda c, s: CitizenChanges(
                periods_saved=[Period(c.id, PeriodKind.FRITAGELSE, D(2021, 1, 1), None, "")]
            ),
            "Ændringerne er ikke gemt – forløb: Vælg fritagelsens art.",
        ),
        (
            lambda c, s: CitizenChanges(hours_saved=[PaidHours(c.id, "2021-05", 800)]),
            "Ændringerne er ikke gemt – løntimer: Timerne i en måned skal ligge mellem 0 og 744.",
        ),
        (
            lambda c, s: CitizenChanges(hours_saved=[PaidHours(c.id, "maj", 8)]),
            "Ændringerne er ikke gemt – løntimer: »maj« er ikke en måned (åååå-mm).",
        ),
        (
            lambda c, s: CitizenChanges(
                contacts_added=[Contact(c.id, D(2021, 6, 2), ContactKind.PHONE)]
            ),
            "Ændringerne er ikke gemt – kontakt: Datoen ligger i fremtiden.",
        ),
        (
            lambda c, s: CitizenChanges(
                status_added=[StatusEntry(c.id, StatusKind.JOB_GOAL, D(2021, 5, 1), "  ")]
            ),
            "Ændringerne er ikke gemt – CV og jobmål: Skriv jobmålet (fx lagermedarbejder).",
        ),
        (
            lambda c, s: CitizenChanges(
                network_consent=True, network_saved=[NetworkPerson(c.id, "", "søster", "")]
            ),
            "Ændringerne er ikke gemt – netværk: Navnet skal udfyldes.",
        ),
        (
            lambda c, s: CitizenChanges(network_saved=[NetworkPerson(c.id, "Lis", "søster", "")]),
            "Ændringerne er ikke gemt – netværk: Netværket registreres kun, når borgeren ønsker det.",
        ),
        (
            lambda c, s: CitizenChanges(handovers=[("jobformidler", "ukendt", D(2021, 1, 1))]),
            "Ændringerne er ikke gemt – jobformidler og sagsbehandler: Vælg en medarbejder, der findes i projektet.",
        ),
    ],
)
def test_storage_checks_the_rules_again_and_writes_nothing(setup, make, message):
    """Changes that did not come through the page's checks: refused with the rule's message,
    together with a valid change sent with them."""
    project, citizen, staff = setup
    changes = make(citizen, staff)
    changes.hours_saved.append(PaidHours(citizen.id, "2021-04", 3.0))
    audit_before = AuditLog(project).count()
    with pytest.raises(ValidationError) as raised:
        save_citizen(project, citizen.id, changes, today=TODAY)
    assert raised.value.message == message
    record = CitizenEditor(project).load(citizen.id)
    assert (record.citizen.name, [h.month for h in record.hours], len(record.periods)) == (
        "Hans Hansen",
        ["2020-05"],
        1,
    )
    assert record.network == [] and record.contacts == [] and record.status == []
    assert AuditLog(project).count() == audit_before


def test_saving_is_all_or_nothing(setup, monkeypatch):
    project, citizen, _ = setup
    before = project.db.execute("SELECT count(*) FROM period").fetchone()[0]
    audit_before = AuditLog(project).count()

    def fail(self, entries):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(AuditLog, "record", fail)
    changed = Citizen(
        cpr=citizen.cpr,
        name="Nyt Navn",
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 3, 31),
        exit_reason=ExitReason.DIED,
        id=citizen.id,
    )
    with pytest.raises(KnownError):
        save_citizen(
            project,
            citizen.id,
            CitizenChanges(
                citizen=changed,
                periods_saved=[Period(citizen.id, PeriodKind.MENTOR, D(2021, 1, 1))],
            ),
        )
    monkeypatch.undo()
    assert CitizenRepository(project).get(citizen.id).name == "Hans Hansen"
    assert project.db.execute("SELECT count(*) FROM period").fetchone()[0] == before
    assert AuditLog(project).count() == audit_before
    assert assignments(project, citizen.id) == [("AA", "2020-01-01", None)], (
        "the exit's end is not written either"
    )


def test_a_citizen_removed_meanwhile_is_a_clear_error(setup):
    project, _, _ = setup
    with pytest.raises(KnownError, match="findes ikke længere"):
        save_citizen(project, new_id(), CitizenChanges(hours_saved=[PaidHours("x", "2020-01", 1)]))
