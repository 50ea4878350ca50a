"""Moving cards: by drag and drop, keys or the context menu, with undo, and the board kept in step
without a rebuild."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QTimer
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from fsm_desktop.domain.board import COLUMNS, BoardCard, move_in_groups
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.views.board.base import BoardBase
from fsm_desktop.views.board.commands import MoveCommand
from fsm_desktop.views.board.models import BOARD_CARD_ROLE, column_label
from fsm_desktop.views.kit.messages import translate_error


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


class BoardMoving(BoardBase):
    """Mixed into BoardPage: moving cards: by drag and drop, keys or the context menu, with
    undo, and the board kept in step without a rebuild."""

    # --- moving -----------------------------------------------------------------------------------
    def move_cards(
        self,
        cards: list[BoardCard],
        to: BoardColumn | None,
        to_lane: str | None = None,
        reason: str = "",
    ) -> bool:
        """Move cards (written, logged, undoable). Not placed is not a column a card can be
        moved to; a lane change hands the citizens to that caseworker or job broker."""
        if self.project is None or not cards or to is None or self.refuse_if_read_only():
            return False
        if to_lane is not None and (
            not self.lane_by or to_lane == "" or all(c.lane(self.lane_by) == to_lane for c in cards)
        ):
            to_lane = None
        if to_lane is not None and self.confirm_lane_change:
            who = self.staff_names.get(to_lane, "?")
            role = (
                self.tr("sagsbehandler")
                if self.lane_by == "sagsbehandler"
                else self.tr("jobformidler")
            )
            answer = QMessageBox.question(
                self,
                self.tr("Skift {role}").format(role=role),
                self.tr("Skal {n} borger(e) have {who} som {role} fra i dag?").format(
                    n=len(cards), who=who, role=role
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        command = MoveCommand(self, cards, to, to_lane, reason)
        try:
            changed = command.write()
        except KnownError as error:
            QMessageBox.warning(self, self.tr("Kortet kunne ikke flyttes"), translate_error(error))
            return False
        if not changed:
            return False
        self.undo_stack.push(command)  # redo() shows it
        return True

    def place(
        self,
        cards: list[BoardCard],
        to: BoardColumn,
        to_lane: str | None,
        moved_at: dict,
        changed_lane: set[str],
    ) -> None:
        """Show cards in their new column (and lane): a few row changes per model."""
        layout = self.layout_
        incremental = layout is not None
        for card in cards:
            if card.citizen_id not in moved_at and card.citizen_id not in changed_lane:
                continue
            was = self._grouped_at(card)
            lane_target = (
                to_lane if (to_lane is not None and card.citizen_id in changed_lane) else None
            )
            if (
                incremental
                and layout is not None
                and layout.position(card) is not None
                and (lane_target is None or layout.lane(lane_target))
            ):
                changes = layout.move(card, to, lane_target)
                for model, column in zip(self.models, COLUMNS):
                    model.apply(changes[column])
            else:
                incremental = False
            if card.citizen_id in moved_at:
                card.column = to
                card.since = moved_at[card.citizen_id]
                card.moved_since_meeting = self.has_meeting or card.moved_since_meeting
            if lane_target is not None:
                self._set_lane_staff(card, lane_target)
            self._regroup(card, was)
        self._after_change(cards, incremental)

    def undo_refused(self, error: KnownError) -> None:
        """An undo of a move was refused (the card was moved since): the undo history no longer
        matches the board, so it is cleared, and the board shows what is stored."""
        self.undo_stack.clear()
        QMessageBox.warning(self, self.tr("Flytningen kan ikke fortrydes"), translate_error(error))
        if self.project is not None:
            self.load(self.project)

    def restore(self, cards: list[BoardCard], before: dict[str, tuple]) -> None:
        layout = self.layout_
        incremental = layout is not None
        for card in cards:
            was = self._grouped_at(card)
            column, since, moved, cw_id, cw, jf_id, jf = before[card.citizen_id]
            lane_before = {"sagsbehandler": cw_id, "jobformidler": jf_id}.get(self.lane_by)
            lane_target = (
                lane_before
                if (self.lane_by and lane_before != card.lane(self.lane_by) and lane_before)
                else None
            )
            if column != card.column or lane_target is not None:
                if (
                    incremental
                    and layout is not None
                    and layout.position(card) is not None
                    and column is not None
                    and (lane_target is None or layout.lane(lane_target))
                ):
                    changes = layout.move(card, column, lane_target)
                    for model, col in zip(self.models, COLUMNS):
                        model.apply(changes[col])
                else:
                    incremental = False
            card.column, card.since, card.moved_since_meeting = column, since, moved
            card.caseworker_id, card.caseworker, card.job_broker_id, card.job_broker = (
                cw_id,
                cw,
                jf_id,
                jf,
            )
            self._regroup(card, was)
        self._after_change(cards, incremental)

    def _grouped_at(self, card: BoardCard) -> tuple[str, BoardColumn | None] | None:
        return None if self._groups is None else (card.lane(self._groups[0]), card.column)

    def _regroup(self, card: BoardCard, was: tuple[str, BoardColumn | None] | None) -> None:
        """Keep the grouped cards in step with a card's new column or lane (a filter keystroke
        after a move then groups nothing again)."""
        if self._groups is not None and was is not None:
            move_in_groups(self._groups[1], card, self._groups[0], was)

    def _set_lane_staff(self, card: BoardCard, staff_id: str) -> None:
        initials = self.staff_names.get(staff_id, "").split(" – ")[0]
        if self.lane_by == "sagsbehandler":
            card.caseworker_id, card.caseworker = staff_id, initials
        else:
            card.job_broker_id, card.job_broker = staff_id, initials

    def _after_change(self, cards: list[BoardCard], incremental: bool) -> None:
        if not incremental:
            self.rebuild()
        else:
            for card in cards:
                shown = self._shown_at(card)
                if shown is not None:
                    model = self.models[COLUMNS.index(card.column)]
                    model.refresh_row(shown, card.citizen_id)
            assert self.layout_ is not None, "a change is shown in place only on a laid-out board"
            self.lane_model.sync(self.layout_)
            self._update_counts()
            self.board_ready.emit()
        self._select(cards)

    def _shown_at(self, card: BoardCard) -> int | None:
        """The card's row in its column (from the layout: no search through 20,000 rows)."""
        if self.layout_ is None:
            return None
        position = self.layout_.position(card)
        return None if position is None else position[1]

    def _select(self, cards: list[BoardCard]) -> None:
        """Focus follows the moved cards (they are in one column after a move)."""
        rows: dict[int, list[int]] = {}
        for card in cards:
            row = self._shown_at(card)
            if row is not None:
                rows.setdefault(COLUMNS.index(card.column), []).append(row)
        for i, view in enumerate(self.views):
            selection = view.selectionModel()
            if i not in rows:
                if selection.hasSelection():
                    selection.clearSelection()
                continue
            model = self.models[i]
            selection.clearSelection()
            for row in sorted(rows[i]):
                selection.select(model.index(row), QItemSelectionModel.SelectionFlag.Select)
            first = model.index(min(rows[i]))
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            view.scrollTo(first)
            if self.isVisible():
                view.setFocus()

    def _dropped(self, ids: list[str], column: BoardColumn | None, lane: str) -> None:
        by_id = {c.citizen_id: c for c in self.cards}
        cards = [by_id[i] for i in ids if i in by_id]
        # After the drag has finished (the model's drop must return first).
        QTimer.singleShot(0, lambda: self.move_cards(cards, column, lane if self.lane_by else None))

    def move_selected_by(self, column_index: int, step: int) -> bool:
        target = column_index + step
        if not 0 <= target < len(COLUMNS) or COLUMNS[target] is None:
            return False
        cards = self.views[column_index].selected_cards()
        return self.move_cards(cards, COLUMNS[target])

    def move_selected_to(
        self, column_index: int, to: BoardColumn, ask_reason: bool = False
    ) -> bool:
        cards = self.views[column_index].selected_cards()
        if not cards:
            return False
        reason = ""
        if ask_reason:
            target = column_label(to)
            what = (
                self.tr("Flyt {name} fra »{source}« til »{target}«.").format(
                    name=cards[0].name, source=column_label(cards[0].column), target=target
                )
                if len(cards) == 1
                else self.tr("Flyt {n} borgere til »{target}«.").format(n=len(cards), target=target)
            )
            reason, ok = QInputDialog.getText(
                self,
                self.tr("Flyt med begrundelse"),
                what + "\n" + self.tr("Begrundelse (valgfri):"),
            )
            if not ok:
                return False
        return self.move_cards(cards, to, None, reason.strip())

    def _context_menu(self, column_index: int, point) -> None:
        view = self.views[column_index]
        index = view.indexAt(point)
        if (
            index.isValid()
            and index.data(BOARD_CARD_ROLE) is not None
            and not view.selectionModel().isSelected(index)
        ):
            view.setCurrentIndex(index)
        cards = view.selected_cards()
        if not cards:
            return
        menu = QMenu(self)
        open_action = menu.addAction(self.tr("Åbn borgeren"))
        open_action.triggered.connect(lambda: self.open_current(column_index))
        move_menu = menu.addMenu(self.tr("Flyt til"))
        reason_menu = menu.addMenu(self.tr("Flyt til med begrundelse"))
        move_menu.setEnabled(not self.read_only)
        reason_menu.setEnabled(not self.read_only)
        for column in COLUMNS:
            if column is None:
                continue
            for target_menu, ask in ((move_menu, False), (reason_menu, True)):
                action = target_menu.addAction(column_label(column))
                action.setEnabled(any(c.column != column for c in cards))
                action.triggered.connect(
                    lambda _=False, col=column, ask=ask: self.move_selected_to(
                        column_index, col, ask
                    )
                )
        menu.popup(view.viewport().mapToGlobal(point))
        self._menu = menu
