"""Moving about the board with the keys (columns, lanes, opening a citizen) and the meeting mode's
zoom."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QItemSelectionModel
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QMainWindow

from fsm_desktop.domain.board import COLUMNS, BoardCard
from fsm_desktop.views.board.base import BoardBase
from fsm_desktop.views.board.models import BOARD_CARD_ROLE

MEETING_ZOOM = 1.4
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.4, 1.6, 1.8, 2.0)


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


class BoardNavigation(BoardBase):
    """Mixed into BoardPage: moving about the board with the keys (columns, lanes, opening a
    citizen) and the meeting mode's zoom."""

    # --- focus and keys ------------------------------------------------------------------------
    def _selection_changed(self, column_index: int) -> None:
        """A selection lives in one column at a time (a multi-move starts from one column)."""
        view = self.views[column_index]
        if not view.selectionModel().hasSelection():
            return
        for i, other in enumerate(self.views):
            if i != column_index and other.selectionModel().hasSelection():
                other.selectionModel().clearSelection()

    def focus_column(self, index: int) -> None:
        """Focus a column (-1: the lane names, when lanes are shown) at the row nearest the
        focused one, in the same lane."""
        source = next((v for v in (*self.views, self.lane_view) if v.hasFocus()), None)
        row = (
            source.currentIndex().row()
            if source is not None and source.currentIndex().isValid()
            else 0
        )
        if index == -1 and self.lane_view.isVisible():
            header = self.lane_view.stop_row(row, -1)
            self.lane_view.setFocus()
            if header is not None:
                self.lane_view.setCurrentIndex(self.lane_model.index(header))
            return
        if not 0 <= index < len(self.views):
            return
        view, model = self.views[index], self.models[index]
        target = view.stop_row(row, -1)
        if target is None or (
            self.layout_ and self.layout_.lane_at(target) is not self.layout_.lane_at(row)
        ):
            target = view.stop_row(row, 1) or view.stop_row(row, -1)
        view.setFocus()
        if target is not None:
            view.setCurrentIndex(model.index(target))

    def _focused_card(self) -> tuple[BoardCard, bool] | None:
        """The card the keyboard is on: the current card of the column that has the focus (or
        else of the column with the selection; the search box may have the focus), and
        whether it is selected."""
        views = [v for v in self.views if v.hasFocus()] or [
            v for v in self.views if v.selectionModel().hasSelection()
        ]
        for view in views:
            index = view.currentIndex()
            card = index.data(BOARD_CARD_ROLE) if index.isValid() else None
            if card is not None:
                return card, view.selectionModel().isSelected(index)
        return None

    def _show_from_top(self, focused: tuple[BoardCard, bool] | None) -> None:
        """A board shown afresh (filtered, loaded) starts at the top in every column and the
        lane names; the card the keyboard was on, if still shown, is current again and
        scrolled into view. Rows have one height, so its place is known before the lists are
        laid out (in batches): the shared position is set, and the lists follow as they grow."""
        self._set_shared_position(0)
        layout = self.layout_
        position = layout.position(focused[0]) if layout is not None and focused else None
        if focused is None or position is None:
            return
        card, selected = focused
        column = COLUMNS.index(card.column)
        view, index = self.views[column], self.models[column].index(position[1])
        view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            if selected
            else QItemSelectionModel.SelectionFlag.NoUpdate,
        )
        height = view.sizeHintForRow(position[1]) + 2 * view.spacing()
        top = position[1] * height  # in view as scrollTo sees it: its top, if it is taller
        shown = view.contentsRect().height()  # the viewport (no horizontal scroll bar)
        self._set_shared_position(min(top, max(0, top + height - shown)))

    def _set_shared_position(self, value: int) -> None:
        """Every list to one scroll position (as far as each list's range goes for now)."""
        self._syncing = True
        try:
            for view in (*self.views, self.lane_view):
                bar = view.verticalScrollBar()
                bar.setValue(min(value, bar.maximum()))
        finally:
            self._syncing = False
        self._clamped.clear()
        self._scroll_position = value

    def step_lane(self, step: int) -> None:
        """PgDn / PgUp: the next or previous lane becomes the current one — marked beside the
        board, at the top as far as the board scrolls, the focus on its first card (on its
        name when it has none shown). Without lanes: a page down or up."""
        layout = self.layout_
        if layout is None or not layout.lanes:
            return
        if not self.lane_by:
            bar = self.views[-1].verticalScrollBar()
            bar.setValue(bar.value() + step * bar.pageStep())
            return
        keys = [lane.key for lane in layout.lanes]
        current = self._focused_lane()
        if current not in keys:
            current = self.current_lane
        if current in keys:
            target = min(max(keys.index(current) + step, 0), len(keys) - 1)
        else:  # nothing chosen yet: from the lane at the top
            view = self.views[-1]
            top = layout.lane_at(max(view.indexAt(view.viewport().rect().topLeft()).row(), 0))
            target = (
                min(max(keys.index(top.key) + step, 0), len(keys) - 1) if top is not None else 0
            )
        self.show_lane(keys[target])

    def show_lane(self, key: str) -> None:
        """Make a lane the current one (see step_lane)."""
        layout = self.layout_
        lane = layout.lane(key) if layout is not None else None
        if layout is None or lane is None:
            return
        self.current_lane = key
        self.lane_model.set_current(key)
        start = layout.offset(key)
        self.views[-1].scrollTo(
            self.models[-1].index(start), QAbstractItemView.ScrollHint.PositionAtTop
        )
        column = next(
            (i for i, c in enumerate(COLUMNS) if not lane.collapsed and lane.cells[c]), None
        )
        if column is None:
            self.lane_view.setFocus()
            self.lane_view.setCurrentIndex(self.lane_model.index(start))
            return
        view = self.views[column]
        view.setFocus()
        view.selectionModel().setCurrentIndex(
            self.models[column].index(start), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _focused_lane(self) -> str | None:
        """The lane of the card or lane name that has the keyboard focus."""
        if self.layout_ is None:
            return None
        for view in (*self.views, self.lane_view):
            if view.hasFocus() and view.currentIndex().isValid():
                lane = self.layout_.lane_at(view.currentIndex().row())
                return lane.key if lane is not None else None
        return None

    def open_current(self, column_index: int) -> None:
        view = self.views[column_index]
        index = view.currentIndex()
        card = index.data(BOARD_CARD_ROLE) if index.isValid() else None
        if card is None or self.project is None:
            return
        from fsm_desktop.views.citizens.window import CitizenWindow

        CitizenWindow.open_beside(self, card.citizen_id)

    # --- meeting mode -------------------------------------------------------------------------------
    def set_meeting_mode(self, on: bool) -> None:
        if on == self.meeting_mode:
            return
        self.meeting_mode = on
        window = self.window()
        nav = getattr(window, "nav", None)
        if isinstance(window, QMainWindow):
            if on:
                self._was_maximized = window.isMaximized()
                window.showFullScreen()
            elif getattr(self, "_was_maximized", False):
                window.showMaximized()
            else:
                window.showNormal()
        if nav is not None:
            nav.setVisible(not on)
        self.leave_action.setEnabled(on)
        self.delegate.roomy = on  # every text in full words on the projector
        self.set_zoom(MEETING_ZOOM if on else 1.0)
        if self.meeting_action.isChecked() != on:
            self.meeting_action.setChecked(on)

    def step_zoom(self, step: int) -> None:
        steps = list(ZOOM_STEPS)
        current = min(range(len(steps)), key=lambda i: abs(steps[i] - self.zoom))
        self.set_zoom(steps[min(max(current + step, 0), len(steps) - 1)])

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.delegate.zoom = zoom
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * (1.0 + (zoom - 1.0) * 0.8))
        font.setBold(True)
        for header in (*self.headers, self.lane_header):
            header.setFont(font)
        for view in (*self.views, self.lane_view):
            view.doItemsLayout()
            view.viewport().update()
