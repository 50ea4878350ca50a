"""storage.status_sheet on a fresh project per test: what the sheet reads, that its measure rows
are the Mål page's numbers, and the edits (goals, coordination marks, the hours setting), each
validated and written in one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fsm_desktop.domain.errors import KnownError, ValidationError
from fsm_desktop.domain.measures import Month, compute
from fsm_desktop.domain.model import Citizen, ExitReason, Staff, StaffRole, new_id
from fsm_desktop.domain.status_sheet import CV, GROSS, HOURS_OVER, JOB_BROKER, NO_DATA, PAID, STEPUP
from fsm_desktop.operations.status import status_sheet
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3
from fsm_desktop.storage.status_sheet import HOURS_OVER_KEY, StatusSheetRepository

D = dt.date.fromisoformat


def _insert(project, table: str, **row) -> None:
    with project.db.atomic():
        project.db[table].insert(row)


def _fill(project) -> tuple[Citizen, Citizen]:
    broker = Staff("JF", "Jonna Formidler", StaffRole.JOB_BROKER)
    StaffRepository(project).add(broker)
    anna = Citizen(cpr="0101801234", name="Anna", group=1, entry_date=D("2019-11-01"))
    bo = Citizen(
        cpr="0202802345",
        name="Bo",
        group=1,
        entry_date=D("2019-11-01"),
        exit_date=D("2019-12-31"),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    cai = Citizen(cpr="0303803456", name="Cai", group=2, entry_date=D("2019-10-01"))
    for citizen in (anna, bo, cai):
        CitizenRepository(project).add(citizen)
    _insert(
        project,
        "period",
        id=new_id(),
        citizen_id=anna.id,
        kind="virksomhedspraktik",
        start="2019-11-10",
        end=None,
    )
    _insert(
        project,
        "period",
        id=new_id(),
        citizen_id=bo.id,
        kind="fritagelse",
        start="2019-12-01",
        end="2019-12-05",
        note=" Barsel ",
    )
    _insert(
        project,
        "period",
        id=new_id(),
        citizen_id=anna.id,
        kind="fritagelse",
        start="2019-12-01",
        end="2019-12-05",
        note="sygdom_forvaerret",
    )
    _insert(project, "paid_hours", citizen_id=bo.id, month="2019-11", hours=20.0)
    _insert(project, "paid_hours", citizen_id=anna.id, month="2019-12", hours=0.0)
    _insert(
        project,
        "assignment",
        id=new_id(),
        citizen_id=anna.id,
        staff_id=broker.id,
        role="jobformidler",
        start="2019-11-01",
        end=None,
    )
    # Entry order decides within a day: "nej" then "ja" on the same day → "ja".
    _insert(
        project,
        "status_entry",
        id=new_id(),
        citizen_id=anna.id,
        kind="cv_jobnet",
        date="2019-12-01",
        value="nej",
    )
    _insert(
        project,
        "status_entry",
        id=new_id(),
        citizen_id=anna.id,
        kind="cv_jobnet",
        date="2019-12-01",
        value="ja",
    )
    _insert(project, "stepup_meeting", id=new_id(), citizen_id=bo.id, date="2019-12-10")
    return anna, bo


def test_facts_reads_what_the_rows_need(project):
    _anna, bo = _fill(project)
    facts = StatusSheetRepository(project).facts()
    assert len(facts.rows.citizens) == 3
    assert facts.maternity == [(bo.id, "2019-12-01", "2019-12-05")]  # only barsel, however written
    assert [row[3] for row in facts.status] == ["nej", "ja"]
    assert [(case.citizen_id, [m.date for m in case.meetings]) for case in facts.stepup] == [
        (bo.id, [D("2019-12-10")])
    ]
    assert facts.hours_over == 10.0
    assert facts.coordination == frozenset()
    assert facts.recorded == frozenset({"paid_hours", "cv_jobnet", "jobformidler"})
    assert [g.measure for g in facts.goals][:2] == ["gross_target_group", "job_broker_group1"]
    # The engine's rows hold the sheet's kinds as well as the template's (one read for both).
    assert {row[1] for row in facts.rows.periods} == {"virksomhedspraktik", "fritagelse"}
    assert {row[2] for row in facts.rows.assignments} == {"jobformidler"}


def test_sheet_counts_and_agrees_with_the_measures_page(project):
    _anna, _bo = _fill(project)
    sheet = status_sheet(project, Month(2020, 1), D("2020-01-31"))

    def cells(row_id):
        return [None if c is None else (c.count, c.denominator) for c in sheet.row(row_id).cells]

    assert cells(GROSS) == [(3, 3), (3, 3), (3, 3), (2, 2)]
    assert cells(JOB_BROKER) == [(1, 3), (1, 3), (1, 3), (1, 2)]  # of the gross target group
    assert cells(PAID) == [(1, 2), (1, 2), (0, 2), (0, 1)]
    # The project's first CV entry is of 1 Dec 2019: no data at the 0-punkt and in November.
    assert cells(CV) == [None, None, (1, 2), (1, 1)]
    assert [(c.count, c.cumulative) for c in sheet.row(STEPUP).cells] == [
        (0, 0),
        (0, 0),
        (1, 1),
        (0, 1),
    ]
    # The Mål page's numbers: compute() on load_facts(), as the page and `fsm-desktop measures` do.
    report = compute(project.template, load_facts(project), Month(2019, 11), Month(2020, 1))
    row = sheet.row("fsm2.paid_hours_or_education")
    assert [(c.count, c.denominator) for c in row.cells[1:]] == [
        (r.numerator, r.denominator) for r in report.for_measure(row.id)
    ]


def test_an_empty_project_says_which_rows_have_no_data(project):
    sheet = status_sheet(project, Month(2019, 12), D("2019-12-31"))
    assert sheet.row(PAID).availability == NO_DATA
    assert sheet.row(CV).availability == NO_DATA
    assert [(c.count, c.denominator) for c in sheet.row(GROSS).cells] == [(0, 0)] * 3


def test_the_month_must_lie_in_the_initiative(project):
    with pytest.raises(ValidationError, match="uden for indsatsens periode"):
        status_sheet(project, Month(2019, 10), D("2019-10-31"))


def _targets(project, measure: str) -> dict:
    row = project.db.execute("SELECT targets FROM goal WHERE measure = ?", [measure]).fetchone()
    return None if row is None else json.loads(row[0])


def test_set_goal_updates_adds_removes_and_audits(project):
    repo = StatusSheetRepository(project)
    audit = AuditLog(project).count()
    repo.set_goal("job_broker_group1", "2020-10", 0.8)
    assert _targets(project, "job_broker_group1") == {"2020-10": 0.8, "2021-10": 0.9}
    repo.set_goal("job_broker_group1", "2021-10", None)
    assert _targets(project, "job_broker_group1") == {"2020-10": 0.8}
    repo.set_goal(HOURS_OVER, "2020-10", 0.3)  # no goal row yet: one is added at the end
    label, position = project.db.execute(
        "SELECT label, position FROM goal WHERE measure = ?", [HOURS_OVER]
    ).fetchone()
    assert label.startswith("Borgere med ordinære timer over") and position == 14
    repo.set_goal("stepup_meetings", "2020-10", 12)
    assert _targets(project, "stepup_meetings")["2020-10"] == 12
    assert AuditLog(project).count() == audit + 4
    entry = project.db.execute(
        "SELECT entity, entity_id, field, old, new FROM audit_log ORDER BY rowid LIMIT 1"
    ).fetchone()
    assert entry == ("goal", "job_broker_group1", "2020-10", "0.9", "0.8")


@pytest.mark.parametrize(
    ("measure", "month", "value", "message"),
    [
        ("job_broker_group1", "2020-10", 1.5, "mellem 0 og 100"),
        ("job_broker_group1", "2020-10", -0.1, "mellem 0 og 100"),
        ("stepup_meetings", "2020-10", -1, "mindst 0"),
        ("job_broker_group1", "oktober", 0.5, "ikke en måned"),
    ],
)
def test_set_goal_refuses_bad_values_and_writes_nothing(project, measure, month, value, message):
    before = _targets(project, measure)
    audit = AuditLog(project).count()
    with pytest.raises(ValidationError, match=message):
        StatusSheetRepository(project).set_goal(measure, month, value)
    assert _targets(project, measure) == before
    assert AuditLog(project).count() == audit


def test_coordination_marks_toggle_in_one_transaction(project):
    repo = StatusSheetRepository(project)
    repo.set_coordination("2020-02", True)
    repo.set_coordination("2020-02", True)  # already marked: nothing more
    assert repo.coordination() == frozenset({"2020-02"})
    assert AuditLog(project).count() == 1
    repo.set_coordination("2020-02", False)
    assert repo.coordination() == frozenset()
    assert AuditLog(project).count() == 2
    with pytest.raises(ValidationError):
        repo.set_coordination("2020-13", True)


def test_hours_setting(project):
    repo = StatusSheetRepository(project)
    repo.set_hours_over(15)
    assert repo.hours_over() == 15.0
    repo.set_hours_over(7.5)
    assert (
        json.loads(
            project.db.execute(
                "SELECT value FROM project_setting WHERE key = ?", [HOURS_OVER_KEY]
            ).fetchone()[0]
        )
        == 7.5
    )
    with pytest.raises(ValidationError, match="744"):
        repo.set_hours_over(-1)
    assert repo.hours_over() == 7.5
    with project.db.atomic():
        project.db.execute(
            "UPDATE project_setting SET value = '\"ti\"' WHERE key = ?", [HOURS_OVER_KEY]
        )
    assert repo.hours_over() == 10.0  # nonsense written by hand: the default


def test_a_failed_write_leaves_nothing_behind(project, monkeypatch):
    repo = StatusSheetRepository(project)

    def broken(self, entries):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(AuditLog, "record", broken)
    with pytest.raises(KnownError):
        repo.set_goal("job_broker_group1", "2020-10", 0.5)
    with pytest.raises(KnownError):
        repo.set_coordination("2020-01", True)
    with pytest.raises(KnownError):
        repo.set_hours_over(20)
    assert _targets(project, "job_broker_group1") == {"2020-10": 0.9, "2021-10": 0.9}
    assert repo.coordination() == frozenset()
    assert repo.hours_over() == 10.0
