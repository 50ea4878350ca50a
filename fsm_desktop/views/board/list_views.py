"""The board's list views: a column of cards and a meeting's lanes, stepped through with the keys,
and the lanes' card painting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle

from fsm_desktop.domain.board import BoardCard
from fsm_desktop.views.board.card_delegate import LANE_START_ROLE, CardDelegate
from fsm_desktop.views.board.models import BOARD_CARD_ROLE, LaneLabelModel
from fsm_desktop.views.kit.shortcuts import KeyHelp

if TYPE_CHECKING:
    from fsm_desktop.views.board.base import BoardBase


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


def column_key_help() -> tuple[KeyHelp, ...]:
    """The keys a column (and the lane names) handle in keyPressEvent, for the help."""
    return (
        KeyHelp("Ctrl+← / Ctrl+→", _t("Flyt de valgte kort en kolonne til venstre/højre")),
        KeyHelp("← / →", _t("Gå til kolonnen til venstre/højre")),
        KeyHelp("Enter", _t("Åbn borgeren på det valgte kort")),
        KeyHelp("Enter / Mellemrum", _t("Fold banen ud eller sammen (på banens navn)")),
    )


class _SteppingView(QListView):
    """A list whose ↑/↓ stop only on the rows that have ``stop_role`` (cards, lane names)."""

    stop_role = BOARD_CARD_ROLE

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        # Lay out the visible part first and the rest in steps: 20,000 rows show at once.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(500)
        # By pixel in every list: the lists scroll together by the same scroll bar value.
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # The cards are as wide as the narrowest column (BoardBuilding._fit_cards): a list
        # never scrolls sideways, and no bar takes height from the rows.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def dataChanged(self, top_left, bottom_right, roles=()) -> None:
        # Every row has the same size, so changed data never changes the layout: repaint only.
        # (QListView lays every row out again, in batches, and meanwhile the scroll range is
        # short and clamps the scroll position that the lists share.)
        QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)

    def stop_row(self, start: int, step: int) -> int | None:
        """The first row from ``start`` in direction ``step`` that has ``stop_role``."""
        model = self.model()
        row = start
        while 0 <= row < model.rowCount():
            if model.index(row, 0).data(self.stop_role):
                return row
            row += step
        return None

    def moveCursor(self, action, modifiers):
        current = self.currentIndex()
        if action in (
            QAbstractItemView.CursorAction.MoveUp,
            QAbstractItemView.CursorAction.MoveDown,
        ):
            step = -1 if action == QAbstractItemView.CursorAction.MoveUp else 1
            start = (current.row() + step) if current.isValid() else 0
            row = self.stop_row(start, step)
            return self.model().index(row, 0) if row is not None else current
        return super().moveCursor(action, modifiers)


class BoardListView(_SteppingView):
    """One column. Up/Down skip the empty places; Left/Right go to the next column; Ctrl+←/→
    move the selected cards; Enter opens the citizen (PgDn/PgUp are the page's: lane by lane)."""

    neighbour = Signal(int)  # -1 / +1: focus the column to the left / right
    move_cards = Signal(int)  # -1 / +1: move the selected cards one column
    open_card = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setObjectName("boardColumn")

    def keyPressEvent(self, event) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = -1 if key == Qt.Key.Key_Left else 1
            (self.move_cards if ctrl else self.neighbour).emit(step)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_card.emit()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(BOARD_CARD_ROLE) is not None:
            self.setCurrentIndex(index)
            self.open_card.emit()
            return
        super().mouseDoubleClickEvent(event)

    def selected_cards(self) -> list[BoardCard]:
        cards = []
        for index in sorted(self.selectionModel().selectedIndexes(), key=lambda i: i.row()):
            card = index.data(BOARD_CARD_ROLE)
            if card is not None:
                cards.append(card)
        current = (
            self.currentIndex().data(BOARD_CARD_ROLE) if self.currentIndex().isValid() else None
        )
        if not cards and current is not None:
            cards.append(current)
        return cards


class LaneListView(_SteppingView):
    """The lane names beside the board. A click, Enter or Space on a lane's name collapses or
    opens the lane; ↑/↓ go from lane to lane; → goes to the cards (a meeting needs no mouse)."""

    stop_role = LANE_START_ROLE
    toggle_lane = Signal(int)  # the row of the lane's name
    neighbour = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setObjectName("laneLabels")
        # Mouse clicks only: Enter and Space are handled below (activated would come twice
        # on a style that activates on a single click).
        self.clicked.connect(lambda index: self.toggle_lane.emit(index.row()))

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if (
            key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            current = self.currentIndex()
            if current.isValid():
                self.toggle_lane.emit(current.row())
            return
        if key == Qt.Key.Key_Right:
            self.neighbour.emit(1)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        if not self.currentIndex().isValid() and self.model().rowCount():
            self.setCurrentIndex(self.model().index(0, 0))


class LaneDelegate(CardDelegate):
    """Lane names at the height of a card (the same zoom as the board)."""

    def __init__(self, page: BoardBase) -> None:
        super().__init__(page)
        self.page = page

    def sizeHint(self, option, index):
        self.zoom = self.page.zoom
        return self.page.delegate.sizeHint(option, index)  # a lane as high as its cards

    def paint(self, painter, option, index) -> None:
        from PySide6.QtGui import QColor, QPen

        painter.save()
        try:
            if index.data(LaneLabelModel.CURRENT_LANE_ROLE):  # the lane PgDn / PgUp brought up
                painter.fillRect(option.rect, QColor("#dbe8fb"))
                painter.fillRect(
                    option.rect.adjusted(0, 0, -(option.rect.width() - 5), 0), QColor("#2f6fca")
                )
            if index.data(LANE_START_ROLE) and index.row() > 0:
                painter.setPen(QPen(QColor("#aab3c0"), 1))
                painter.drawLine(option.rect.topLeft(), option.rect.topRight())
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if text:
                font = QFont(option.font)
                font.setPointSizeF(max(6.0, font.pointSizeF() * self.page.zoom))
                painter.setFont(font)
                painter.setPen(QColor("#1d2430"))
                painter.drawText(
                    option.rect.adjusted(6, 6, -4, -4),
                    Qt.AlignmentFlag.AlignLeft
                    | Qt.AlignmentFlag.AlignTop
                    | Qt.TextFlag.TextWordWrap,
                    text,
                )
            if (
                option.state & QStyle.StateFlag.State_HasFocus
            ):  # the keyboard is on this lane's name
                painter.setPen(QPen(QColor("#2f6fca"), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
        finally:
            painter.restore()
