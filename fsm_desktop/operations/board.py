"""The board: its cards as of a day, moving cards (and undoing), handing over from another lane,
and finishing a board meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fsm_desktop.domain.board import BoardCard
from fsm_desktop.domain.model import AssignmentRole, BoardColumn
from fsm_desktop.domain.stepup import DueReason, assess
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.board import BoardRepository, Meeting, MoveRecord, Reassignment
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.stepup import StepUpRepository

#: A move changes where a card stands: the board, the register's Tavle column, the caseloads'
#: columns and the Mål page's board history.
MOVED = Changes(board=True)
#: A hand-over from another lane changes who has the citizen as well.
HANDED_OVER = Changes(board=True, staff=True)


def board_cards(project: Project, today: dt.date, include_left: bool = False) -> list[BoardCard]:
    """Every citizen on the board ``today`` with what the card says, step-up included: due
    (the ressourceforløb rule or a marking) and a plan's start passed without its offer
    (domain.stepup). ``include_left``: the register's list, also those who left."""
    cards = BoardRepository(project).cards(today, include_left=include_left)
    by_id = {card.citizen_id: card for card in cards}
    for case in StepUpRepository(project).cases(today):
        card = by_id.get(case.citizen_id)
        if card is None:
            continue
        found = assess(case, today)
        card.stepup_due = found.reason in (DueReason.RESSOURCEFORLOEB, DueReason.MARKED)
        card.stepup_overdue = bool(found.overdue_lines)
    return cards


def move_cards(
    project: Project, citizen_ids: Sequence[str], to: BoardColumn, reason: str = ""
) -> Done[list[MoveRecord]]:
    """Move citizens to a column, all or none (cards already there are left alone)."""
    with project.db.atomic():
        records = BoardRepository(project).move(citizen_ids, to, reason)
    return Done(records, MOVED if records else Changes())


def undo_moves(project: Project, records: Sequence[MoveRecord]) -> Done[None]:
    """Put the cards back; refused, nothing written, when one was moved since by anyone."""
    with project.db.atomic():
        BoardRepository(project).undo_moves(records)
    return Done(None, MOVED)


def move_and_hand_over(
    project: Project,
    citizen_ids: Sequence[str],
    to: BoardColumn,
    role: AssignmentRole,
    staff_id: str,
    day: dt.date,
    reason: str = "",
) -> Done[tuple[list[MoveRecord], list[Reassignment]]]:
    """A drop in another lane: the move and the hand-over to ``staff_id``, both or neither."""
    with project.db.atomic():
        done = BoardRepository(project).move_and_hand_over(
            citizen_ids, to, role, staff_id, day, reason
        )
    return Done(done, HANDED_OVER)


def undo_move_and_hand_over(
    project: Project, records: Sequence[MoveRecord], handed: Sequence[Reassignment]
) -> Done[None]:
    with project.db.atomic():
        BoardRepository(project).undo_move_and_hand_over(records, handed)
    return Done(None, HANDED_OVER)


def finish_meeting(
    project: Project, day: dt.date, attendees: Sequence[str], note: str, today: dt.date
) -> Done[Meeting]:
    """Record the board meeting and every card's column now (the team copy's work)."""
    project.require_team_copy("Tavlemødet (Afslut møde)")
    with project.db.atomic():
        meeting = BoardRepository(project).finish_meeting(day, attendees, note, today=today)
    return Done(meeting, Changes(board=True))
