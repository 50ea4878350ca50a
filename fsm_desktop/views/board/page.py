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
    QRect,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMainWindow,
    QMessageBox,
    QStyle,
    QStyleOptionComboBox,
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
)
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.operations import board as board_ops
from fsm_desktop.operations.board import board_cards
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project, ProjectConnector
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.views.board.building import BoardBuilding
from fsm_desktop.views.board.card_delegate import LANE_START_ROLE
from fsm_desktop.views.board.dialogs import FinishMeetingDialog, MeetingsDialog
from fsm_desktop.views.board.filtering import card_selector
from fsm_desktop.views.board.list_views import column_key_help
from fsm_desktop.views.board.models import (
    FLAG_CHOICES,
    column_label,
)
from fsm_desktop.views.board.moving import BoardMoving
from fsm_desktop.views.board.navigation import BoardNavigation
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.shortcuts import KeyHelp
from fsm_desktop.views.kit.tasks import run_in_background


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
        cards, has_meeting = board_cards(own, today), repository.has_meeting()
    cards.sort(key=attrgetter("key"))
    return cards, has_meeting, (lane_by, group_cards(cards, lane_by))


class BoardPage(BoardNavigation, BoardMoving, BoardBuilding, Page):
    key = "tavle"
    #: The board shows the data (loaded, filtered, moved): for tests and the screenshot.
    board_ready = Signal()
    #: A citizen's page opened from the board saved changes: every page reloads.
    #: What the cards say: who they are, their column, step-up, caseworker and job broker.
    shows = Changes(citizens=True, board=True, stepup=True, staff=True)

    def key_help(self) -> tuple[KeyHelp, ...]:
        return column_key_help()

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
        self.current_lane = None  # the lane PgDn / PgUp brought up (its key)
        self.confirm_lane_change = True
        self.zoom = 1.0
        self._generation = 0
        #: A project was opened and not yet loaded (a laptop copy then opens on its job broker's citizens).
        self._opened = False
        self.undo_stack = QUndoStack(self)
        self._build_filters()
        self._build_actions()
        self._build_board()

    # --- loading -----------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self.undo_stack.clear()
        self.today = project.as_of()
        if self.today < project.today():
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
        """Fill the staff and group boxes again (a reload), each keeping what it had chosen
        while that is still there; the filter is read off the boxes next (rebuild)."""
        for box, role, everyone in (
            (self.broker_box, StaffRole.JOB_BROKER, self.tr("Alle jobformidlere")),
            (self.caseworker_box, StaffRole.CASEWORKER, self.tr("Alle sagsbehandlere")),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everyone, "")
            for member in staff:
                if member.role in (
                    role,
                    StaffRole.PSEUDO if role == StaffRole.CASEWORKER else role,
                ):
                    box.addItem(f"{member.initials} – {member.name}", member.id)
            box.setCurrentIndex(max(box.findData(chosen), 0) if chosen else 0)
            box.blockSignals(False)
            self._keep_first_text_whole(box)
        group = self.group_box.currentData()
        self.group_box.blockSignals(True)
        self.group_box.clear()
        self.group_box.addItem(self.tr("Alle grupper"), None)
        for group in project.template.groups:
            self.group_box.addItem(
                self.tr("Gruppe {id}: {name}").format(id=group.id, name=group.name), group.id
            )
        self.group_box.setCurrentIndex(
            max(self.group_box.findData(group), 0) if group is not None else 0
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

    @staticmethod
    def _keep_first_text_whole(box) -> None:
        """A crowded filter bar (1366×768) may narrow a staff box, but never so that its
        first text ("Alle sagsbehandlere") is cut off."""
        option = QStyleOptionComboBox()
        box.initStyleOption(option)
        option.rect = QRect(0, 0, 1000, box.sizeHint().height())
        field = box.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
        )
        frame = 1000 - field.width()  # the arrow and the margins around the text
        text = box.fontMetrics().horizontalAdvance(box.itemText(0))
        box.setMinimumWidth(min(frame + text, box.maximumWidth()))

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
        self.mine_button.blockSignals(False)  # the cards, once loaded, show through it (rebuild)

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
        by lane and column once (until they change) and a filter only picks from the groups.
        The filter is read off the filter bar here, the one place, so the board, the counts
        and the line that names the filter say what the bar shows (also after a reload, which
        fills the staff boxes again). Every column then shows from the top, the card the
        keyboard was on kept current and in view while it is still shown."""
        focused = self._focused_card()
        self.filter = self.current_filter()
        if self._groups is None or self._groups[0] != self.lane_by:
            self._groups = (self.lane_by, group_cards(self.cards, self.lane_by))
        shown = filter_groups(
            self._groups[1], card_selector(self.filter, self.today, self.has_meeting)
        )
        self.layout_ = BoardLayout((), self.lane_by, self.labels, self.collapsed, groups=shown)
        for model in self.models:
            model.lane_labels = self.labels
            model.reset(self.layout_, self.today)
        self.lane_model.labels = self.labels
        self.lane_model.reset(self.layout_)
        self._set_lane_view_visible(bool(self.lane_by))
        self._update_counts()
        self._show_from_top(focused)
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
        project = self.project
        assert project is not None, "the meeting dialog is opened only with a project"
        try:
            self.done(board_ops.finish_meeting(project, day, attendees, note, self.today))
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
        self.load(project)

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
