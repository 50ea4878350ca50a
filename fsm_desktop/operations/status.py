"""The status sheet: the sheet for a month (the report the Statusskema page shows and the
export writes), its goals and settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fsm_desktop.domain.measures import Member, Month, compute
from fsm_desktop.domain.status_sheet import StatusSheet, build, cell_members, check_month
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.status_sheet import StatusSheetRepository

GOALS = Changes(goals=True)


def status_sheet(
    project: Project, last: Month, today: dt.date, measures: bool = True
) -> StatusSheet:
    """The status sheet up to ``last`` (validated: a month of the initiative), with the
    initiative's measures counted by the engine for the same months (``measures``), from the
    same rows. Step-up meetings after ``today`` are not counted."""
    template = project.template
    check_month(template, last)
    facts = StatusSheetRepository(project).facts()
    report = None
    if measures:
        report = compute(
            template, facts.rows, Month.of(template.start), last, project.initiative.grant_amount
        )
    return build(template, facts, last, today, report)


def status_cell_members(
    project: Project, last: Month, row_id: str, column: int
) -> tuple[list[Member], list[Member]]:
    """(numerator, denominator): the citizens behind data column ``column`` of the sheet's
    row ``row_id`` up to ``last`` (a row of ``status_sheet.CITIZEN_ROWS``), counted by the same
    pass as :func:`status_sheet` counts the cell."""
    check_month(project.template, last)
    facts = StatusSheetRepository(project).facts()
    return cell_members(project.template, facts, last, row_id, column)


def export_status(
    project: Project, last: Month, path: str | Path, today: dt.date | None = None
) -> tuple[Path, StatusSheet]:
    """The project's status sheet up to ``last`` written to ``path`` (the command line and the
    page's button). ``today``: step-up meetings after it are not counted (default: the
    project's as-of day)."""
    from fsm_desktop.exchange.status_export import write_status_workbook

    sheet = status_sheet(project, last, today or project.as_of())
    written = write_status_workbook(
        path, sheet, project.initiative, program_name=project.template.name
    )
    return written, sheet


def set_goal(
    project: Project,
    measure: str,
    month: str,
    value: float | None,
    label: str = "",
    unit: str = "share",
) -> Done[None]:
    """Set (None: remove) a measure's goal for a month; the team copy's work."""
    with project.db.atomic():
        StatusSheetRepository(project).set_goal(measure, month, value, label, unit)
    return Done(None, GOALS)


def set_coordination(project: Project, month: str, held: bool, note: str = "") -> Done[None]:
    """Mark (or unmark) a month in which the coordination group met."""
    with project.db.atomic():
        StatusSheetRepository(project).set_coordination(month, held, note)
    return Done(None, GOALS)


def set_hours_over(project: Project, hours: float) -> Done[None]:
    with project.db.atomic():
        StatusSheetRepository(project).set_hours_over(hours)
    return Done(None, GOALS)
