"""The board's undoable move: one or more cards to another column or lane, written to the project
and undone by writing the cards back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QUndoCommand

from fsm_desktop.domain.board import BoardCard
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import AssignmentRole, BoardColumn
from fsm_desktop.operations import board as board_ops
from fsm_desktop.storage.board import MoveRecord, Reassignment
from fsm_desktop.storage.project import Project
from fsm_desktop.views.board.models import column_label

if TYPE_CHECKING:
    from fsm_desktop.views.board.moving import BoardMoving


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


class MoveCommand(QUndoCommand):
    """Cards moved to a column (and, with lanes, to another caseworker or job broker). The
    first write happens before the command is pushed, so a failed write leaves nothing to undo."""

    def __init__(
        self,
        page: BoardMoving,
        cards: list[BoardCard],
        to: BoardColumn,
        to_lane: str | None,
        reason: str,
    ) -> None:
        super().__init__()
        self.page = page
        self.cards = cards
        self.to = to
        self.to_lane = to_lane
        self.reason = reason
        self.records: list[MoveRecord] = []
        self.reassignments: list[Reassignment] = []
        self.before: dict[str, tuple] = {}
        n = len(cards)
        target = column_label(to)
        self.setText(
            _t("flyt {name} til {column}").format(name=cards[0].name, column=target)
            if n == 1
            else _t("flyt {n} kort til {column}").format(n=n, column=target)
        )
        self._written = False

    def _project(self) -> Project:
        project = self.page.project
        assert project is not None, "the board clears its undo stack when the project closes"
        return project

    def write(self) -> bool:
        page = self.page
        for card in self.cards:
            self.before[card.citizen_id] = (
                card.column,
                card.since,
                card.moved_since_meeting,
                card.caseworker_id,
                card.caseworker,
                card.job_broker_id,
                card.job_broker,
            )
        ids = [c.citizen_id for c in self.cards]
        if self.to_lane is not None and page.lane_by:  # into another lane: one transaction
            self.records, self.reassignments = page.done(
                board_ops.move_and_hand_over(
                    self._project(),
                    ids,
                    self.to,
                    AssignmentRole(page.lane_by),
                    self.to_lane,
                    page.today,
                    self.reason,
                )
            )
        else:
            self.records = page.done(
                board_ops.move_cards(self._project(), ids, self.to, self.reason)
            )
            self.reassignments = []
        self._written = True
        return bool(self.records or self.reassignments)

    def redo(self) -> None:
        if not self._written:
            self.write()
        self._written = False  # the next redo (after an undo) writes again
        moved_at = {r.citizen_id: r.at for r in self.records}
        changed_lane = {r.citizen_id for r in self.reassignments}
        self.page.place(self.cards, self.to, self.to_lane, moved_at, changed_lane)

    def undo(self) -> None:
        try:
            self.page.done(
                board_ops.undo_move_and_hand_over(self._project(), self.records, self.reassignments)
            )
        except KnownError as error:
            # Moved since by someone (or unwritable): nothing was undone. The stack cannot be
            # changed from inside its own undo, so the page clears it and tells the user next.
            QTimer.singleShot(0, lambda refused=error: self.page.undo_refused(refused))
            return
        self.page.restore(self.cards, self.before)
