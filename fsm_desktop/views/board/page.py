"""Tavle: the four-way board for the monthly team meeting and for job brokers.

Five columns (i gang, på spring, på vej, på længere sigt, ikke placeret) as list views over
item models with a painting delegate; optional swimlanes by caseworker or job broker; filters
that are always visible; moves by drag and drop, keyboard (Ctrl+←/→) or the "Flyt til" menu,
each written to the move log and undoable (Ctrl+Z / Ctrl+Shift+Z); meeting mode (F11) with a
large zoom, one lane at a time (PgDn/PgUp) and the cards moved since the last meeting
highlighted; "Afslut møde" records a snapshot of the board."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from fsm_desktop.domain.board import (
    COLUMNS,
    BoardCard,
    BoardFilter,
    BoardLayout,
    Groups,
    filter_groups,
    group_cards,
    move_in_groups,
)
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import AssignmentRole, BoardColumn, StaffRole
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project, ProjectConnector
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.views.board.card_delegate import LANE_START_ROLE, CardDelegate
from fsm_desktop.views.board.dialogs import FinishMeetingDialog, MeetingsDialog
from fsm_desktop.views.board.filtering import card_selector
from fsm_desktop.views.board.list_views import (
    BoardListView,
    LaneDelegate,
    LaneListView,
)
from fsm_desktop.views.board.models import (
    BOARD_CARD_ROLE,
    FLAG_LABELS,
    BoardColumnModel,
    LaneLabelModel,
    column_label,
)
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background

MEETING_ZOOM = 1.4
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.15, 1.3, 1.4, 1.6, 1.8, 2.0)
FLAG_CHOICES = (("", "Alle markeringer"), *FLAG_LABELS.items())


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


def read_board(
    connect: ProjectConnector, today: dt.date, lane_by: str = ""
) -> tuple[list[BoardCard], bool, tuple[str, Groups]]:
    """What the page shows, read off the GUI thread: the cards in board order (by name, then
    CPR), whether a meeting has been held, and the cards grouped for the lanes shown (lane_by,
    group_cards) — sorted and grouped here, not on the GUI thread."""
    with connect() as own:
        repository = BoardRepository(own)
        cards, has_meeting = repository.cards(today), repository.has_meeting()
    cards.sort(key=attrgetter("key"))
    return cards, has_meeting, (lane_by, group_cards(cards, lane_by))


class MoveCommand(QUndoCommand):
    """Cards moved to a column (and, with lanes, to another caseworker or job broker). The
    first write happens before the command is pushed, so a failed write leaves nothing to undo."""

    def __init__(
        self,
        page: BoardPage,
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
        self.records = []
        self.reassignments = []
        self.before: dict[str, tuple] = {}
        n = len(cards)
        target = column_label(to)
        self.setText(
            _t("flyt {name} til {column}").format(name=cards[0].name, column=target)
            if n == 1
            else _t("flyt {n} kort til {column}").format(n=n, column=target)
        )
        self._written = False

    def write(self) -> bool:
        page = self.page
        repository = BoardRepository(page.project)
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
            self.records, self.reassignments = repository.move_and_hand_over(
                ids, self.to, AssignmentRole(page.lane_by), self.to_lane, page.today, self.reason
            )
        else:
            self.records, self.reassignments = repository.move(ids, self.to, self.reason), []
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
            BoardRepository(self.page.project).undo_move_and_hand_over(
                self.records, self.reassignments
            )
        except KnownError as error:
            # Moved since by someone (or unwritable): nothing was undone. The stack cannot be
            # changed from inside its own undo, so the page clears it and tells the user next.
            QTimer.singleShot(0, lambda refused=error: self.page.undo_refused(refused))
            return
        self.page.restore(self.cards, self.before)


class BoardPage(Page):
    key = "tavle"
    #: The board shows the data (loaded, filtered, moved): for tests and the screenshot.
    board_ready = Signal()
    #: A citizen's page opened from the board saved changes: every page reloads.
    data_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Tavle"),
            self.tr(
                "4-delingsskemaet til det månedlige teammøde: hver borger står i én kolonne. Flyt kort med "
                "musen, med Ctrl+←/→ eller med højreklik »Flyt til«. Dobbeltklik åbner borgeren."
            ),
            parent,
        )
        self.cards: list[BoardCard] = []
        #: (lane_by, the cards grouped by lane and column), until the cards change.
        self._groups: tuple[str, Groups] | None = None
        self.layout_: BoardLayout | None = None
        self.filter = BoardFilter()
        self.lane_by = ""
        self.collapsed: set[str] = set()
        self.labels: dict[str, str] = {}
        self.staff_names: dict[str, str] = {}
        self.today = dt.date.today()
        self.has_meeting = False
        self.meeting_mode = False
        self.current_lane: str | None = None  # the lane PgDn / PgUp brought up (its key)
        self.confirm_lane_change = True
        self.zoom = 1.0
        self._generation = 0
        #: A project was opened and not yet loaded (a laptop copy then opens on its job broker's citizens).
        self._opened = False
        self.undo_stack = QUndoStack(self)
        self._build_filters()
        self._build_actions()
        self._build_board()

    # --- building ---------------------------------------------------------------------------------
    def _build_filters(self) -> None:
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
        for widget in (
            self.mine_button,
            self.changed_button,
            self.days_button,
            self.days_spin,
            self.hours_button,
        ):
            row2.addWidget(widget)
        row2.addSpacing(12)
        self.filter_label = QLabel(self)
        self.filter_label.setObjectName("dialogHint")
        self.filter_label.setWordWrap(True)
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
            lambda _: self.days_button.isChecked() and self._filter_changed()
        )
        self.lane_box.currentIndexChanged.connect(self._lanes_changed)
        self.reset_button.clicked.connect(self.reset_filter)
        self.mine_button.clicked.connect(self._mine_clicked)

    def _build_actions(self) -> None:
        row = QHBoxLayout()
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
        for action in (self.undo_action, self.redo_action, self.meeting_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            row.addWidget(button)
        for action in (self.zoom_out_action, self.zoom_in_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            row.addWidget(button)
        row.addStretch(1)
        self.as_of_label = QLabel(self)
        self.as_of_label.setObjectName("dialogHint")
        row.addWidget(self.as_of_label)
        self.finish_button = QPushButton(self.tr("Afslut møde …"), self)
        self.history_button = QPushButton(self.tr("Møder …"), self)
        row.addWidget(self.finish_button)
        row.addWidget(self.history_button)
        self.writes(self.finish_button)
        self.team_only("Tavlemødet (Afslut møde)", self.finish_button)
        self.finish_button.clicked.connect(self.finish_meeting)
        self.history_button.clicked.connect(self.show_meetings)
        self.body.addLayout(row)

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
        self.models: list[BoardColumnModel] = []
        self.views: list[BoardListView] = []
        self.headers: list[QLabel] = []
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
        # One scroll position for every column and the lane names: scrolling any of them (wheel,
        # keys) moves them all; a guard keeps the echoes out. A list laid out again (after a
        # move; in batches) has a short range for a moment, which clamps its position: that is
        # no scroll, and the position comes back as the range grows.
        self._syncing = False
        self._scroll_position = 0
        self._clamped: set[int] = set()  # ids of the bars whose next value is a clamp
        for view in (*self.views, self.lane_view):
            bar = view.verticalScrollBar()
            bar.valueChanged.connect(lambda value, bar=bar: self._scrolled(bar, value))
            bar.rangeChanged.connect(lambda _low, high, bar=bar: self._range_changed(bar, high))
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)
        self.body.addLayout(grid, 1)
        self._set_lane_view_visible(False)

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

    # --- loading -----------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self.undo_stack.clear()
        self.today = min(dt.date.today(), project.initiative.end)
        if self.today < dt.date.today():
            self.as_of_label.setText(
                self.tr("Tavlen pr. {date} (indsatsens slutdato)").format(
                    date=date_text(self.today)
                )
            )
        else:
            self.as_of_label.setText("")
        staff = StaffRepository(project).list()
        self.staff_names = {s.id: f"{s.initials} – {s.name}" for s in staff}
        self.labels = {s.id: f"{s.initials} {s.name}" for s in staff}
        self._fill_staff_boxes(staff, project)
        if self._opened:
            self._opened = False
            self._open_on_broker(project, staff)
        self.empty_label.setText(self.tr("Henter tavlen …"))
        self._generation += 1
        generation, connect, today, lane_by = (
            self._generation,
            project.connector(),
            self.today,
            self.lane_by,
        )

        run_in_background(
            lambda: read_board(connect, today, lane_by),
            lambda result: self._cards_loaded(result, generation),
            self._load_failed,
            self,
        )

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.empty_label.setText(translate_error(exc))
            self.empty_label.show()
            return
        raise exc

    def _cards_loaded(self, result, generation: int) -> None:
        if generation != self._generation:
            return
        self.cards, self.has_meeting, self._groups = (
            result  # regrouped if the lanes changed meanwhile
        )
        self.changed_button.setEnabled(self.has_meeting)
        self.changed_button.setToolTip(
            "" if self.has_meeting else self.tr("Der er endnu ikke afsluttet et møde")
        )
        self.rebuild()

    def _fill_staff_boxes(self, staff, project: Project) -> None:
        for box, role, everyone in (
            (self.broker_box, StaffRole.JOB_BROKER, self.tr("Alle jobformidlere")),
            (self.caseworker_box, StaffRole.CASEWORKER, self.tr("Alle sagsbehandlere")),
        ):
            box.blockSignals(True)
            box.clear()
            box.addItem(everyone, "")
            for member in staff:
                if member.role in (
                    role,
                    StaffRole.PSEUDO if role == StaffRole.CASEWORKER else role,
                ):
                    box.addItem(f"{member.initials} – {member.name}", member.id)
            box.blockSignals(False)
        self.group_box.blockSignals(True)
        self.group_box.clear()
        self.group_box.addItem(self.tr("Alle grupper"), None)
        for group in project.template.groups:
            self.group_box.addItem(
                self.tr("Gruppe {id}: {name}").format(id=group.id, name=group.name), group.id
            )
        self.group_box.setVisible(bool(project.template.groups))
        self.group_box.blockSignals(False)
        self.me_menu.clear()
        for member in staff:
            if member.role in (StaffRole.JOB_BROKER, StaffRole.CASEWORKER):
                action = self.me_menu.addAction(
                    self.tr("Jeg er {who}").format(who=f"{member.initials} – {member.name}")
                )
                action.setCheckable(True)
                action.setData(member.id)
                action.triggered.connect(lambda _=False, sid=member.id: self.set_me(sid))
        self._tick_me()
        self._update_mine_button()

    # --- "mine" ----------------------------------------------------------------------------------
    def _settings_key(self) -> str:
        return f"board/me/{self.project.path}" if self.project is not None else "board/me"

    def _me(self) -> str:
        return str(QSettings().value(self._settings_key(), "") or "")

    def set_me(self, staff_id: str) -> None:
        QSettings().setValue(self._settings_key(), staff_id)
        self._tick_me()
        self._update_mine_button()
        if self.mine_button.isChecked():
            self._filter_changed()
        else:
            self.mine_button.setChecked(True)

    def _tick_me(self) -> None:
        """The "Jeg er …" menu ticks the one chosen, and only that one."""
        me = self._me()
        for action in self.me_menu.actions():
            action.setChecked(action.data() == me)

    def _update_mine_button(self) -> None:
        me = self._me()
        who = self.staff_names.get(me, "")
        self.mine_button.setToolTip(
            self.tr("Borgere med {who} som jobformidler eller sagsbehandler").format(who=who)
            if who
            else self.tr("Vælg først, hvem du er (pilen)")
        )

    def _open_on_broker(self, project: Project, staff) -> None:
        """A laptop copy a job broker took along opens on the broker's citizens (*Mine borgere*,
        the broker being "me" in that copy unless the user chose someone else there)."""
        broker = project.laptop.job_broker if project.laptop is not None else None
        if not broker:
            return
        member = next((s for s in staff if s.initials.casefold() == broker.casefold()), None)
        if member is None:
            return
        if not self._me():
            QSettings().setValue(self._settings_key(), member.id)
            self._tick_me()
            self._update_mine_button()
        self.mine_button.blockSignals(True)
        self.mine_button.setChecked(True)
        self.mine_button.blockSignals(False)
        self.filter = self.current_filter()  # the cards, once loaded, show through it

    def _mine_clicked(self, checked: bool) -> None:
        if checked and not self._me():
            self.mine_button.setChecked(False)
            self.mine_button.showMenu()

    # --- filters and lanes ----------------------------------------------------------------------
    def current_filter(self) -> BoardFilter:
        return BoardFilter(
            text=self.search.text(),
            job_broker_id=self.broker_box.currentData() or "",
            caseworker_id=self.caseworker_box.currentData() or "",
            group=self.group_box.currentData(),
            flag=self.flag_box.currentData() or "",
            mine=self._me() if self.mine_button.isChecked() else "",
            changed_since_meeting=self.changed_button.isChecked(),
            min_days_in_column=self.days_spin.value() if self.days_button.isChecked() else None,
            hours_up=self.hours_button.isChecked(),
        )

    def _filter_changed(self) -> None:
        self.filter = self.current_filter()
        self.rebuild()

    def reset_filter(self) -> None:
        widgets = (
            self.search,
            self.broker_box,
            self.caseworker_box,
            self.group_box,
            self.flag_box,
            self.mine_button,
            self.changed_button,
            self.days_button,
            self.hours_button,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        for box in (self.broker_box, self.caseworker_box, self.group_box, self.flag_box):
            box.setCurrentIndex(0)
        for button in (self.mine_button, self.changed_button, self.days_button, self.hours_button):
            button.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self._filter_changed()

    def _lanes_changed(self) -> None:
        self.lane_by = self.lane_box.currentData() or ""
        self.collapsed.clear()
        self.current_lane = None
        self.lane_model.set_current(None)
        self.rebuild()

    def _set_lane_view_visible(self, visible: bool) -> None:
        self.lane_view.setVisible(visible)
        self.lane_header.setVisible(visible)

    def rebuild(self) -> None:
        """Filter, lay out and show every column (one reset per model). The cards are grouped
        by lane and column once (until they change) and a filter only picks from the groups."""
        if self._groups is None or self._groups[0] != self.lane_by:
            self._groups = (self.lane_by, group_cards(self.cards, self.lane_by))
        shown = filter_groups(
            self._groups[1], card_selector(self.filter, self.today, self.has_meeting)
        )
        self.layout_ = BoardLayout((), self.lane_by, self.labels, self.collapsed, groups=shown)
        self._scroll_position = 0  # a new board starts at the top
        for model in self.models:
            model.lane_labels = self.labels
            model.reset(self.layout_, self.today)
        self.lane_model.labels = self.labels
        self.lane_model.reset(self.layout_)
        self._set_lane_view_visible(bool(self.lane_by))
        self._update_counts()
        self.board_ready.emit()

    def _update_counts(self) -> None:
        layout = self.layout_
        if layout is None:
            return
        counts = [layout.count(column) for column in COLUMNS]
        for header, column, count in zip(self.headers, COLUMNS, counts):
            header.setText(
                self.tr("{column} ({n})").format(column=column_label(column), n=number(count))
            )
        shown = sum(counts)
        parts = self._filter_words()
        text = self.tr("Viser {shown} af {total} borgere").format(
            shown=number(shown), total=number(len(self.cards))
        )
        if parts:
            text += " · " + self.tr("filter: {parts}").format(parts=", ".join(parts))
        self.filter_label.setText(text)
        self.reset_button.setEnabled(self.filter.active)
        empty = not self.cards
        self.empty_label.setVisible(empty)
        if empty:
            self.empty_label.setText(
                self.tr("Ingen borgere på tavlen endnu. Importér målgruppen på siden Import.")
            )

    def _filter_words(self) -> list[str]:
        f, words = self.filter, []
        if f.text.strip():
            words.append(self.tr("»{text}«").format(text=f.text.strip()))
        if f.job_broker_id:
            words.append(
                self.tr("jobformidler {who}").format(
                    who=self.staff_names.get(f.job_broker_id, "?").split(" – ")[0]
                )
            )
        if f.caseworker_id:
            words.append(
                self.tr("sagsbehandler {who}").format(
                    who=self.staff_names.get(f.caseworker_id, "?").split(" – ")[0]
                )
            )
        if f.group is not None:
            words.append(self.tr("gruppe {g}").format(g=f.group))
        if f.flag:
            words.append(_t(dict(FLAG_CHOICES)[f.flag]).lower())
        if f.mine:
            words.append(self.tr("mine borgere"))
        if f.changed_since_meeting:
            words.append(self.tr("ændret siden sidste møde"))
        if f.min_days_in_column is not None:
            words.append(self.tr("over {n} dage i kolonnen").format(n=f.min_days_in_column))
        if f.hours_up:
            words.append(self.tr("timer steget"))
        return words

    def toggle_lane(self, row: int) -> None:
        """Collapse or open the lane whose name is on this row of the lane names; the lane's
        name keeps the focus (Enter or Space again opens it again)."""
        key = self.lane_model.lane_key(row)
        if key is None or not self.lane_model.index(row).data(LANE_START_ROLE):
            return
        self.collapsed ^= {key}
        self.rebuild()
        if self.layout_ is not None and self.layout_.lane(key) is not None:
            self.lane_view.setCurrentIndex(self.lane_model.index(self.layout_.offset(key)))

    # --- moving -----------------------------------------------------------------------------------
    def move(
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
        incremental = self.layout_ is not None
        for card in cards:
            if card.citizen_id not in moved_at and card.citizen_id not in changed_lane:
                continue
            was = self._grouped_at(card)
            lane_target = (
                to_lane if (to_lane is not None and card.citizen_id in changed_lane) else None
            )
            if (
                incremental
                and self.layout_.position(card) is not None
                and (lane_target is None or self.layout_.lane(lane_target))
            ):
                changes = self.layout_.move(card, to, lane_target)
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
        incremental = self.layout_ is not None
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
                    and self.layout_.position(card) is not None
                    and column is not None
                    and (lane_target is None or self.layout_.lane(lane_target))
                ):
                    changes = self.layout_.move(card, column, lane_target)
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
        QTimer.singleShot(0, lambda: self.move(cards, column, lane if self.lane_by else None))

    def move_selected_by(self, column_index: int, step: int) -> bool:
        target = column_index + step
        if not 0 <= target < len(COLUMNS) or COLUMNS[target] is None:
            return False
        cards = self.views[column_index].selected_cards()
        return self.move(cards, COLUMNS[target])

    def move_selected_to(
        self, column_index: int, to: BoardColumn, ask_reason: bool = False
    ) -> bool:
        cards = self.views[column_index].selected_cards()
        reason = ""
        if ask_reason:
            reason, ok = QInputDialog.getText(
                self, self.tr("Flyt med begrundelse"), self.tr("Begrundelse (valgfri):")
            )
            if not ok:
                return False
        return self.move(cards, to, None, reason.strip())

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
        if lane is None:
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

        window = CitizenWindow(self.project, card.citizen_id, self)
        window.saved.connect(self.data_changed)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.open()
        self.citizen_window = window

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
        self.intro_label.setVisible(not on)
        self.leave_action.setEnabled(on)
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

    # --- meetings ----------------------------------------------------------------------------------
    def finish_meeting(self) -> None:
        if self.project is None or self.refuse_if_team_only("Tavlemødet (Afslut møde)"):
            return
        dialog = FinishMeetingDialog(StaffRepository(self.project).list(), self.today, self)
        dialog.accepted.connect(
            lambda: self.record_meeting(dialog.meeting_date(), dialog.attendees(), dialog.note())
        )
        dialog.open()
        self.meeting_dialog = dialog

    def record_meeting(self, day: dt.date, attendees: list[str], note: str = "") -> None:
        try:
            BoardRepository(self.project).finish_meeting(day, attendees, note, today=self.today)
        except KnownError as error:
            QMessageBox.warning(self, self.tr("Mødet kunne ikke gemmes"), translate_error(error))
            return
        self.undo_stack.clear()  # the snapshot is what it is: earlier moves are history now
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                self.tr("Mødet {date} er gemt med tavlens placeringer.").format(
                    date=date_text(day)
                ),
                8000,
            )
        self.load(self.project)

    def show_meetings(self) -> None:
        if self.project is None:
            return
        dialog = MeetingsDialog(BoardRepository(self.project).meetings(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.meetings_dialog = dialog

    def set_project(self, project: Project | None) -> None:
        self.undo_stack.clear()
        if project is not self.project:
            self._opened = project is not None
        super().set_project(project)

    def apply_read_only(self) -> None:
        super().apply_read_only()
        mode = (
            QAbstractItemView.DragDropMode.DragOnly
            if self.read_only
            else QAbstractItemView.DragDropMode.DragDrop
        )
        for view in self.views:
            view.setDragDropMode(mode)
