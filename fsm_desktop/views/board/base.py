"""What the board page's mixins (building, moving, navigation) share: the page's state and the
widgets they use, declared once here, and the methods one of them calls on another."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QLabel

from fsm_desktop.domain.board import BoardCard, BoardLayout, Groups
from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.views.board.card_delegate import CardDelegate
from fsm_desktop.views.board.list_views import BoardListView, LaneListView
from fsm_desktop.views.board.models import BoardColumnModel, LaneLabelModel
from fsm_desktop.views.kit.page import Page

if TYPE_CHECKING:
    # The mixins are mixed into BoardPage, a Page: to the type checker they are one.
    _PageBase = Page
else:
    _PageBase = object


class BoardBase(_PageBase):
    """The base of BoardPage's mixins."""

    #: The board shows the data (loaded, filtered, moved). Defined by BoardPage.
    board_ready: ClassVar[Signal]

    # Set by BoardPage.__init__.
    cards: list[BoardCard]  # in board order
    #: (lane_by, the cards grouped by lane and column), until the cards change.
    _groups: tuple[str, Groups] | None
    layout_: BoardLayout | None  # what is shown, once loaded
    lane_by: str  # "", "sagsbehandler" or "jobformidler"
    staff_names: dict[str, str]  # staff id → "initials – name"
    today: dt.date
    has_meeting: bool
    meeting_mode: bool
    current_lane: str | None  # the lane PgDn / PgUp brought up (its key)
    confirm_lane_change: bool
    zoom: float
    undo_stack: QUndoStack

    # Set by BoardBuilding.
    views: list[BoardListView]  # one per column
    models: list[BoardColumnModel]
    headers: list[QLabel]
    lane_view: LaneListView
    lane_model: LaneLabelModel
    lane_header: QLabel
    delegate: CardDelegate
    meeting_action: QAction
    leave_action: QAction
    # The lists' shared scroll position (BoardBuilding._scrolled, _range_changed).
    _syncing: bool
    _scroll_position: int
    _clamped: set[int]  # ids of the bars whose next value is a clamp

    if TYPE_CHECKING:
        # Defined by BoardPage.
        def rebuild(self) -> None: ...
        def _update_counts(self) -> None: ...
        def _filter_changed(self) -> None: ...
        def reset_filter(self) -> None: ...
        def _mine_clicked(self, checked: bool) -> None: ...
        def _lanes_changed(self) -> None: ...
        def _set_lane_view_visible(self, visible: bool) -> None: ...
        def toggle_lane(self, row: int) -> None: ...
        def finish_meeting(self) -> None: ...
        def show_meetings(self) -> None: ...

        # Defined by BoardNavigation.
        def _selection_changed(self, column_index: int) -> None: ...
        def focus_column(self, index: int) -> None: ...
        def step_lane(self, step: int) -> None: ...
        def open_current(self, column_index: int) -> None: ...
        def set_meeting_mode(self, on: bool) -> None: ...
        def step_zoom(self, step: int) -> None: ...

        # Defined by BoardMoving.
        def _dropped(self, ids: list[str], column: BoardColumn | None, lane: str) -> None: ...
        def move_selected_by(self, column_index: int, step: int) -> bool: ...
        def _context_menu(self, column_index: int, point: QPoint) -> None: ...
