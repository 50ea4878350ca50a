"""Step-up: registering a meeting (and deleting one), marking a citizen and ending a marking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.stepup import (
    Assessment,
    Marking,
    Meeting,
    MonthCount,
    StepUpCase,
    due_list,
    monthly_counts,
    validate_marking,
    validate_meeting,
)
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.stepup import StepUpRepository


@dataclass(frozen=True)
class StepUpReport:
    """Where every citizen stands on ``today``: their cases, who is due (exempt ones
    included, marked as such) and the meetings held month by month since the start."""

    cases: list[StepUpCase]
    due: list[Assessment]
    counts: list[MonthCount]


def stepup_report(
    project: Project, today: dt.date, cases: list[StepUpCase] | None = None
) -> StepUpReport:
    """The step-up page's lists and counts, and the command line's ``stepup`` (``cases``:
    those to count, e.g. one job broker's; default every citizen's)."""
    if cases is None:
        cases = StepUpRepository(project).cases(today)
    first = project.initiative.start
    return StepUpReport(
        cases,
        due_list(cases, today, include_exempt=True),
        monthly_counts(cases, first, max(today, first), today),
    )


#: A meeting or a marking changes the step-up page's lists and counts, the status sheet's
#: step-up rows, the board's step-up flags and the citizen window's step-up tab.
STEPUP = Changes(stepup=True)


def _refuse(errors: list[tuple[str, str]]) -> None:
    """The rules' problems (field, Danish message), all of them, in one message."""
    if errors:
        raise ValidationError("{message}", message=" ".join(message for _, message in errors))


def save_meeting(project: Project, meeting: Meeting, today: dt.date) -> Done[str]:
    """Register a meeting, or change one: checked by the rules (held by ``today``, a plan with
    offers, …), then one transaction with its audit entry. Returns the meeting's id."""
    _refuse(validate_meeting(meeting, today))
    with project.db.atomic():
        meeting_id = StepUpRepository(project).save_meeting(meeting)
    return Done(meeting_id, STEPUP)


def delete_meeting(project: Project, meeting_id: str) -> Done[None]:
    with project.db.atomic():
        StepUpRepository(project).delete_meeting(meeting_id)
    return Done(None, STEPUP)


def add_marking(project: Project, citizen_id: str, marking: Marking) -> Done[str]:
    """Mark a citizen for step-up, or exempt them (checked: an exemption has an end)."""
    _refuse(validate_marking(marking))
    with project.db.atomic():
        marking_id = StepUpRepository(project).add_marking(citizen_id, marking)
    return Done(marking_id, STEPUP)


def end_marking(project: Project, marking_id: str, end: dt.date) -> Done[None]:
    with project.db.atomic():
        StepUpRepository(project).end_marking(marking_id, end)
    return Done(None, STEPUP)
