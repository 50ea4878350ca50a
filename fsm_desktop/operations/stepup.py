"""Step-up: registering a meeting (and deleting one), marking a citizen and ending a marking."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.stepup import Marking
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.stepup import Meeting, StepUpRepository

#: A meeting or a marking changes the step-up page's lists and counts, the status sheet's
#: step-up rows, the board's step-up flags and the citizen window's step-up tab.
STEPUP = Changes(stepup=True)


def save_meeting(project: Project, meeting: Meeting, today: dt.date) -> Done[str]:
    """Register a meeting, or change one (validated; one transaction with its audit entry).
    Returns the meeting's id."""
    with project.db.atomic():
        meeting_id = StepUpRepository(project).save_meeting(meeting, today)
    return Done(meeting_id, STEPUP)


def delete_meeting(project: Project, meeting_id: str) -> Done[None]:
    with project.db.atomic():
        StepUpRepository(project).delete_meeting(meeting_id)
    return Done(None, STEPUP)


def add_marking(project: Project, citizen_id: str, marking: Marking) -> Done[str]:
    with project.db.atomic():
        marking_id = StepUpRepository(project).add_marking(citizen_id, marking)
    return Done(marking_id, STEPUP)


def end_marking(project: Project, marking_id: str, end: dt.date) -> Done[None]:
    with project.db.atomic():
        StepUpRepository(project).end_marking(marking_id, end)
    return Done(None, STEPUP)
