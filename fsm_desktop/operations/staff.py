"""Staff and caseloads: the staff register, reassigning citizens (and undoing it), the
caseload settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fsm_desktop.domain.caseload import (
    AssignmentRows,
    CaseloadReport,
    CaseloadSettings,
    ReassignmentPlan,
    StaffRecord,
    caseload_report,
)
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.staff import CaseloadRepository, ReassignmentRecord, StaffRegister

STAFF = Changes(staff=True)


@dataclass(frozen=True)
class Caseloads:
    """The caseload report for some days, the assignment rows it was counted from (the page's
    drill-down and reassignment plans use them), and the newest reassignment (to undo)."""

    report: CaseloadReport
    rows: AssignmentRows
    latest: ReassignmentRecord | None


def caseloads(project: Project, days: Sequence[tuple[str, dt.date]]) -> Caseloads:
    """Every person's caseload on each (label, day) of ``days`` (ascending), with the limits
    (the Medarbejdere page: a day per month; the command line: one day)."""
    register, repository = StaffRegister(project), CaseloadRepository(project)
    rows = repository.rows()
    report = caseload_report(
        register.records(), rows, register.settings(), days, register.other_cases()
    )
    return Caseloads(report, rows, repository.latest())


def save_staff(project: Project, record: StaffRecord, today: dt.date) -> Done[StaffRecord]:
    """Add a person or change one (the team copy's work; checked again, all or nothing)."""
    with project.db.atomic():
        saved = StaffRegister(project).save(record, today)
    return Done(saved, STAFF)


def set_other_cases(project: Project, staff_id: str, month: str, cases: int) -> Done[None]:
    with project.db.atomic():
        StaffRegister(project).set_other_cases(staff_id, month, cases)
    return Done(None, STAFF)


def save_caseload_settings(project: Project, settings: CaseloadSettings) -> Done[None]:
    with project.db.atomic():
        StaffRegister(project).save_settings(settings)
    return Done(None, STAFF)


def reassign(project: Project, plan: ReassignmentPlan, note: str = "") -> Done[ReassignmentRecord]:
    """Write a reassignment plan; refused, nothing written, when a citizen's assignments changed
    since the plan was made. The board's lanes show who has whom: the board changes too."""
    with project.db.atomic():
        record = CaseloadRepository(project).apply(plan, note)
    return Done(record, STAFF)


def undo_reassignment(project: Project) -> Done[ReassignmentRecord]:
    """Take back the newest reassignment exactly (refused when its rows changed since)."""
    with project.db.atomic():
        record = CaseloadRepository(project).undo_latest()
    return Done(record, STAFF)
