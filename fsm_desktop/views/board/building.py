"""Building the board page: the filter bar, the actions, the columns and the lane names, scrolling
together."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
)

from fsm_desktop.domain.board import COLUMNS
from fsm_desktop.views.board.base import BoardBase
from fsm_desktop.views.board.card_delegate import CardDelegate
from fsm_desktop.views.board.list_views import BoardListView, LaneDelegate, LaneListView
from fsm_desktop.views.board.models import (
    FLAG_CHOICES,
    BoardColumnModel,
    LaneLabelModel,
    column_label,
)
from fsm_desktop.views.kit.fixed_lines import FixedLinesLabel


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


class BoardBuilding(BoardBase):
    """Mixed into BoardPage: building the board page: the filter bar, the actions, the columns
    and the lane names, scrolling together."""

    # --- building ---------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.header_row = self.compact_header()
        row1 = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Søg navn eller CPR"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Søg navn eller CPR"))
        self.search.setMinimumWidth(180)
        self.broker_box = QComboBox(self)
        self.broker_box.setAccessibleName(self.tr("Jobformidler"))
        self.caseworker_box = QComboBox(self)
        self.caseworker_box.setAccessibleName(self.tr("Sagsbehandler"))
        self.group_box = QComboBox(self)
        self.group_box.setAccessibleName(self.tr("Gruppe"))
        self.flag_box = QComboBox(self)
        self.flag_box.setAccessibleName(self.tr("Markering"))
        for key, label in FLAG_CHOICES:
            self.flag_box.addItem(_t(label), key)
        self.lane_box = QComboBox(self)
        self.lane_box.setAccessibleName(self.tr("Svømmebaner"))
        self.lane_box.addItem(self.tr("Ingen svømmebaner"), "")
        self.lane_box.addItem(self.tr("Baner pr. sagsbehandler"), "sagsbehandler")
        self.lane_box.addItem(self.tr("Baner pr. jobformidler"), "jobformidler")
        for widget in (
            self.search,
            self.broker_box,
            self.caseworker_box,
            self.group_box,
            self.flag_box,
            self.lane_box,
        ):
            row1.addWidget(widget)
        for box in (self.broker_box, self.caseworker_box, self.group_box, self.flag_box):
            # As wide as their texts, also once the staff are filled in after the first show
            # ("Alle sagsbehandlere" was cut off at 1366×768); a very long name does not
            # widen the filter bar beyond the screen (the list shows it whole).
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMaximumWidth(
                2 * box.fontMetrics().horizontalAdvance(self.tr("Alle sagsbehandlere"))
            )
        row1.addStretch(1)
        row2 = QHBoxLayout()
        self.mine_button = QToolButton(self)
        self.mine_button.setText(self.tr("Mine borgere"))
        self.mine_button.setCheckable(True)
        self.mine_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.me_menu = QMenu(self.mine_button)
        self.mine_button.setMenu(self.me_menu)
        self.changed_button = QToolButton(self)
        self.changed_button.setText(self.tr("Ændret siden sidste møde"))
        self.changed_button.setCheckable(True)
        self.days_button = QToolButton(self)
        self.days_button.setText(self.tr("Over"))
        self.days_button.setCheckable(True)
        self.days_spin = QSpinBox(self)
        self.days_spin.setRange(1, 3650)
        self.days_spin.setValue(90)
        self.days_spin.setSuffix(self.tr(" dage i kolonnen"))
        self.days_spin.setAccessibleName(self.tr("Antal dage i kolonnen"))
        self.hours_button = QToolButton(self)
        self.hours_button.setText(self.tr("Timer steget"))
        self.hours_button.setCheckable(True)
        for toggle in (
            self.mine_button,
            self.changed_button,
            self.days_button,
            self.days_spin,
            self.hours_button,
        ):
            row2.addWidget(toggle)
        row2.addSpacing(12)
        # One line, shortened where narrow (the whole in its tooltip): a long filter must not
        # wrap and push the board down under the card the keyboard is on.
        self.filter_label = FixedLinesLabel(1, self)
        self.filter_label.setObjectName("dialogHint")
        row2.addWidget(self.filter_label, 1)
        self.reset_button = QPushButton(self.tr("Nulstil filter"), self)
        row2.addWidget(self.reset_button)
        self.body.addLayout(row1)
        self.body.addLayout(row2)
        self.search.textChanged.connect(lambda _: self._filter_changed())
        for box in (self.broker_box, self.caseworker_box, self.group_box, self.flag_box):
            box.currentIndexChanged.connect(lambda _: self._filter_changed())
        for button in (self.mine_button, self.changed_button, self.days_button, self.hours_button):
            button.toggled.connect(lambda _: self._filter_changed())
        self.days_spin.valueChanged.connect(
            lambda _: self._filter_changed() if self.days_button.isChecked() else None
        )
        self.lane_box.currentIndexChanged.connect(self._lanes_changed)
        self.reset_button.clicked.connect(self.reset_filter)
        self.mine_button.clicked.connect(self._mine_clicked)

    def _build_actions(self) -> None:
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Fortryd"))
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Gentag"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.meeting_action = QAction(self.tr("Mødetilstand (F11)"), self)
        self.meeting_action.setCheckable(True)
        self.meeting_action.setShortcut(QKeySequence("F11"))
        self.meeting_action.toggled.connect(self.set_meeting_mode)
        self.zoom_in_action = QAction(self.tr("Større"), self)
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
        self.zoom_in_action.triggered.connect(lambda: self.step_zoom(1))
        self.zoom_out_action = QAction(self.tr("Mindre"), self)
        self.zoom_out_action.setShortcut(QKeySequence("Ctrl+-"))
        self.zoom_out_action.triggered.connect(lambda: self.step_zoom(-1))
        self.leave_action = QAction(self.tr("Forlad mødetilstand"), self)
        self.leave_action.setShortcut(QKeySequence("Esc"))
        self.leave_action.triggered.connect(lambda: self.meeting_action.setChecked(False))
        self.leave_action.setEnabled(False)
        # PgDn / PgUp from anywhere on the page (a card, the lane names, the filters).
        self.next_lane_action = QAction(self.tr("Næste bane"), self)
        self.next_lane_action.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        self.next_lane_action.triggered.connect(lambda: self.step_lane(1))
        self.previous_lane_action = QAction(self.tr("Forrige bane"), self)
        self.previous_lane_action.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.previous_lane_action.triggered.connect(lambda: self.step_lane(-1))
        for action in (
            self.undo_action,
            self.redo_action,
            self.meeting_action,
            self.zoom_in_action,
            self.zoom_out_action,
            self.leave_action,
            self.next_lane_action,
            self.previous_lane_action,
        ):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        # Title, as-of date and the board's actions share one row: the cards get the height
        # (at 1366×768 the title, hint and three rows of controls took 245 pixels).
        row = self.header_row
        self.as_of_label = QLabel(self)
        self.as_of_label.setObjectName("dialogHint")
        row.addSpacing(12)
        row.addWidget(self.as_of_label, 0, Qt.AlignmentFlag.AlignBottom)
        row.addStretch(1)
        for action in (
            self.undo_action,
            self.redo_action,
            self.meeting_action,
            self.zoom_out_action,
            self.zoom_in_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addSpacing(8)
        self.finish_button = QPushButton(self.tr("Afslut møde …"), self)
        self.history_button = QPushButton(self.tr("Møder …"), self)
        row.addWidget(self.finish_button)
        row.addWidget(self.history_button)
        self.writes(self.finish_button)
        self.team_only("Tavlemødet (Afslut møde)", self.finish_button)
        self.finish_button.clicked.connect(self.finish_meeting)
        self.history_button.clicked.connect(self.show_meetings)

    def _build_board(self) -> None:
        self.delegate = CardDelegate(self)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.lane_model = LaneLabelModel(self)
        self.lane_view = LaneListView(self)
        self.lane_view.setModel(self.lane_model)
        self.lane_view.setItemDelegate(LaneDelegate(self))
        self.lane_view.setFixedWidth(150)
        self.lane_view.setAccessibleName(self.tr("Baner"))
        self.lane_view.toggle_lane.connect(self.toggle_lane)
        self.lane_view.neighbour.connect(lambda step: self.focus_column(step - 1))
        self.lane_header = QLabel(self.tr("Bane"), self)
        self.lane_header.setObjectName("columnCaption")
        grid.addWidget(self.lane_header, 0, 0)
        grid.addWidget(self.lane_view, 1, 0)
        self.models = []
        self.views = []
        self.headers = []
        for i, column in enumerate(COLUMNS):
            header = QLabel(column_label(column), self)
            header.setObjectName("columnCaption")
            header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            model = BoardColumnModel(column, self)
            view = BoardListView(self)
            view.setModel(model)
            view.setItemDelegate(self.delegate)
            view.setAccessibleName(column_label(column))
            if i < len(COLUMNS) - 1:
                view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            model.drop_requested.connect(self._dropped)
            view.neighbour.connect(lambda step, i=i: self.focus_column(i + step))
            view.move_cards.connect(lambda step, i=i: self.move_selected_by(i, step))
            view.open_card.connect(lambda i=i: self.open_current(i))
            view.customContextMenuRequested.connect(lambda point, i=i: self._context_menu(i, point))
            view.selectionModel().selectionChanged.connect(
                lambda *_, i=i: self._selection_changed(i)
            )
            grid.addWidget(header, 0, i + 1)
            grid.addWidget(view, 1, i + 1)
            grid.setColumnStretch(i + 1, 1)
            self.models.append(model)
            self.views.append(view)
            self.headers.append(header)
        grid.setRowStretch(1, 1)
        for view in self.views:
            view.viewport().installEventFilter(self)
        # One scroll position for every column and the lane names: scrolling any of them (wheel,
        # keys) moves them all; a guard keeps the echoes out. A list laid out again (after a
        # move; in batches) has a short range for a moment, which clamps its position: that is
        # no scroll, and the position comes back as the range grows.
        self._syncing = False
        self._scroll_position = 0
        self._clamped: set[int] = set()  # ids of the bars whose next value is a clamp
        for list_view in (*self.views, self.lane_view):
            bar = list_view.verticalScrollBar()
            bar.valueChanged.connect(lambda value, bar=bar: self._scrolled(bar, value))
            bar.rangeChanged.connect(lambda _low, high, bar=bar: self._range_changed(bar, high))
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)
        self.body.addLayout(grid, 1)
        self._set_lane_view_visible(False)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit_cards()
        return super().eventFilter(watched, event)

    def _fit_cards(self) -> None:
        """Cards as wide as the narrowest column (the last has the scroll bar): their lines
        depend on the width in meeting mode, and no column scrolls sideways."""
        width = min(view.viewport().width() for view in self.views)
        if width > 0 and width != self.delegate.card_width:
            self.delegate.card_width = width
            for view in (*self.views, self.lane_view):
                view.doItemsLayout()

    def _scrolled(self, bar, value: int) -> None:
        if id(bar) in self._clamped:
            self._clamped.discard(id(bar))
            return
        if self._syncing:
            return
        self._scroll_position = value
        self._syncing = True
        try:
            for view in (*self.views, self.lane_view):
                if view.verticalScrollBar() is not bar:
                    view.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def _range_changed(self, bar, maximum: int) -> None:
        if bar.value() > maximum:  # Qt clamps the value next
            self._clamped.add(id(bar))
        elif bar.value() < min(self._scroll_position, maximum):  # grown back
            self._syncing = True
            try:
                bar.setValue(min(self._scroll_position, maximum))
            finally:
                self._syncing = False
