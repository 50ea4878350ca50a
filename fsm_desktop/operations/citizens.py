"""A citizen's own data: the citizen window's save (with its board move), revealing a CPR
number on purpose."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.citizen_edit import CitizenChanges, check_changes
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository


def save_citizen(
    project: Project,
    citizen_id: str,
    changes: CitizenChanges,
    today: dt.date | None = None,
    move_to: BoardColumn | None = None,
) -> Done[None]:
    """Everything the citizen window changed, and its board move (``move_to``), in one
    transaction: all of it is written, or nothing. The rules are checked on the citizen as
    read in that transaction (``today``: contacts and status entries may not lie after it).
    A hand-over of the citizen changes the caseloads."""
    today = today or project.today()
    with project.db.atomic():
        editor = CitizenEditor(project)
        before = editor.load(citizen_id)  # read under the write lock: what is checked is current
        if before is None:
            raise ValidationError(
                "Borgeren findes ikke længere i projektet (slettet af en import, der er fortrudt?)."
            )
        check_changes(before, changes, [g.id for g in project.template.groups], today)
        editor.save(citizen_id, changes, before)
        moved = (
            bool(BoardRepository(project).move([citizen_id], move_to))
            if move_to is not None
            else False
        )
    handed_over = bool(changes.handovers) or changes.citizen is not None
    return Done(None, Changes(citizens=True, board=moved, staff=handed_over))


def reveal_cpr(project: Project, citizen_id: str) -> Done[str]:
    """The full CPR number, shown on purpose: the reveal is written to the audit log first."""
    return Done(CitizenRepository(project).reveal_cpr(citizen_id), Changes(citizens=True))
