"""The Step-up page: who is due and why, the meetings with their plan's follow-up, the counts per
month; the meeting record and the markings (domain.stepup has every rule)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.domain.search import parse
from fsm_desktop.domain.stepup import (
    DUE_LABELS,
    MARKING_LABELS,
    Assessment,
    LineStatus,
    Marking,
    MarkingKind,
    Meeting,
    StepUpCase,
    assess,
    follow_up,
    missing_roles,
    outcome,
)
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.stepup import StepUpReport, stepup_report
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.storage.stepup import StepUpRepository
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.shortcuts import describe
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.kit.wording import overdue_text
from fsm_desktop.views.stepup.actions import StepUpActions
from fsm_desktop.views.stepup.models import CountsModel, DueModel, MeetingsModel

if TYPE_CHECKING:
    from fsm_desktop.views.citizens.window import CitizenWindow


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


def _table_view(parent: QWidget, model, stretch: int) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


# --- the page -------------------------------------------------------------------------------------------
class StepUpData:
    """What the page shows, read off the GUI thread."""

    def __init__(
        self,
        report: StepUpReport,
        meetings: list[Meeting],
        today: dt.date,
        staff: list,
    ) -> None:
        cases = report.cases
        self.cases = cases
        self.by_id = {c.citizen_id: c for c in cases}
        self.meetings = meetings
        self.today = today
        self.staff = staff
        self.assessments = report.due
        self.counts = report.counts


class StepUpPage(StepUpActions, Page):
    key = "stepup"
    #: emitted when the lists have been (re)filled
    data_ready = Signal()
    #: The lists and counts: who is due (periods, markings, meetings), their caseworker.
    shows = Changes(citizens=True, stepup=True, staff=True)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Step-up"),
            self.tr(
                "Tværfaglige step-up-møder for borgere, hvor jobmatchet trækker ud på grund af helbred, "
                "sociale forhold eller familie: hvem skal have et møde og hvorfor, mødereferatet med planen, "
                "og om planen blev holdt."
            ),
            parent,
        )
        self.data: StepUpData | None = None
        self.today = dt.date.today()
        self._generation = 0
        self.citizen_window: CitizenWindow | None = None

        self._build_filters()
        self.tabs = QTabWidget(self)
        self._build_due_tab()
        self._build_meetings_tab()
        self._build_counts_tab()
        self.body.addWidget(self.tabs, 1)
        self._connect_signals()

    # --- building ---------------------------------------------------------------------------------
    def _build_filters(self) -> None:
        """The date the lists are made on, the search and the filters above the tabs."""
        filters = QHBoxLayout()
        self.as_of_label = QLabel(self)
        self.as_of_label.setObjectName("factLine")
        filters.addWidget(self.as_of_label)
        filters.addStretch(1)
        self.search = QLineEdit(self)
        # One meaning of the search everywhere (domain.search), so the same words.
        self.search.setPlaceholderText(self.tr("Søg navn eller CPR"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Søg navn eller CPR"))
        self.search.setMinimumWidth(220)
        self.broker_box = QComboBox(self)
        self.broker_box.setAccessibleName(self.tr("Jobformidler"))
        self.caseworker_box = QComboBox(self)
        self.caseworker_box.setAccessibleName(self.tr("Sagsbehandler"))
        self.exempt_box = QCheckBox(self.tr("Vis fritagne"), self)
        for widget in (
            self.search,
            QLabel(self.tr("Jobformidler:"), self),
            self.broker_box,
            QLabel(self.tr("Sagsbehandler:"), self),
            self.caseworker_box,
            self.exempt_box,
        ):
            filters.addWidget(widget)
        self.body.addLayout(filters)

    def _build_due_tab(self) -> None:
        """Who is due a step-up meeting, the chosen one's details, and what to do."""
        due_tab = QWidget(self.tabs)
        due_layout = QVBoxLayout(due_tab)
        due_layout.setContentsMargins(0, 8, 0, 0)
        self.due_model = DueModel(self)
        self.due_view = _table_view(due_tab, self.due_model, DueModel.WHY)
        self.due_view.setAccessibleName(self.tr("Borgere, der skal have et step-up-møde"))
        self.due_empty = QLabel(due_tab)
        self.due_empty.setWordWrap(True)
        self.due_empty.hide()
        due_layout.addWidget(self.due_view, 1)
        due_layout.addWidget(self.due_empty)
        self.detail = QLabel(due_tab)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        due_layout.addWidget(self.detail)
        due_layout.addLayout(self._build_due_buttons(due_tab))
        self.tabs.addTab(due_tab, self.tr("Skal have møde"))

    def _build_due_buttons(self, due_tab: QWidget) -> QHBoxLayout:
        """The due tab's buttons, and another citizen to mark or record a meeting for."""
        buttons = QHBoxLayout()
        self.record_button = QPushButton(self.tr("Registrér møde …"), due_tab)
        self.mark_button = QPushButton(self.tr("Markér til step-up …"), due_tab)
        self.exempt_button = QPushButton(self.tr("Fritag …"), due_tab)
        self.end_mark_button = QPushButton(self.tr("Afslut markering"), due_tab)
        self.open_button = QPushButton(self.tr("Åbn borger"), due_tab)
        for b in (
            self.record_button,
            self.mark_button,
            self.exempt_button,
            self.end_mark_button,
            self.open_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.pick_box = QComboBox(due_tab)
        self.pick_box.setEditable(True)
        self.pick_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.pick_box.setMinimumWidth(260)
        self.pick_box.setAccessibleName(self.tr("Anden borger"))
        line_edit = self.pick_box.lineEdit()
        assert line_edit is not None, "an editable combo box has a line edit"
        line_edit.setPlaceholderText(self.tr("Anden borger: skriv navn …"))
        pick_label = QLabel(self.tr("Marker eller registrér for:"), due_tab)
        buttons.addWidget(pick_label)
        buttons.addWidget(self.pick_box)
        self.writes(
            self.record_button,
            self.mark_button,
            self.exempt_button,
            self.end_mark_button,
            pick_label,
            self.pick_box,
        )
        return buttons

    def _build_meetings_tab(self) -> None:
        meetings_tab = QWidget(self.tabs)
        meetings_layout = QVBoxLayout(meetings_tab)
        meetings_layout.setContentsMargins(0, 8, 0, 0)
        self.meetings_model = MeetingsModel(self)
        self.meetings_view = _table_view(meetings_tab, self.meetings_model, MeetingsModel.PLAN)
        self.meetings_view.setAccessibleName(self.tr("Step-up-møder"))
        meetings_layout.addWidget(self.meetings_view, 1)
        mbuttons = QHBoxLayout()
        self.edit_meeting_button = QPushButton(self.tr("Redigér møde …"), meetings_tab)
        self.delete_meeting_button = QPushButton(self.tr("Slet møde"), meetings_tab)
        mbuttons.addWidget(self.edit_meeting_button)
        mbuttons.addWidget(self.delete_meeting_button)
        self.writes(self.edit_meeting_button, self.delete_meeting_button)
        mbuttons.addStretch(1)
        meetings_layout.addLayout(mbuttons)
        self.tabs.addTab(meetings_tab, self.tr("Møder"))

    def _build_counts_tab(self) -> None:
        counts_tab = QWidget(self.tabs)
        counts_layout = QVBoxLayout(counts_tab)
        counts_layout.setContentsMargins(0, 8, 0, 0)
        self.counts_model = CountsModel(self)
        self.counts_view = _table_view(counts_tab, self.counts_model, 0)
        self.counts_view.setMaximumWidth(900)
        self.counts_note = QLabel(
            self.tr(
                "Udfaldet er planens opfølgning set i dag: holdt (alle tilbud startet), afventer start, "
                "overskredet (en planlagt start er passeret uden tilbuddet) eller uden plan."
            ),
            counts_tab,
        )
        self.counts_note.setWordWrap(True)
        counts_layout.addWidget(self.counts_view, 1)
        counts_layout.addWidget(self.counts_note)
        self.tabs.addTab(counts_tab, self.tr("Opgørelse pr. måned"))

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._refilter)
        self.broker_box.currentIndexChanged.connect(self._refilter)
        self.caseworker_box.currentIndexChanged.connect(self._refilter)
        self.exempt_box.toggled.connect(self._refilter)
        self.due_view.selectionModel().currentRowChanged.connect(self._update_detail)
        self.due_view.doubleClicked.connect(lambda _: self.record_meeting())
        self.meetings_view.doubleClicked.connect(lambda _: self.edit_meeting())
        self.record_button.clicked.connect(self.record_meeting)
        self.mark_button.clicked.connect(lambda: self.add_marking(MarkingKind.MARKED))
        self.exempt_button.clicked.connect(
            lambda: self.add_marking(MarkingKind.REHAB_RECOMMENDATION)
        )
        self.end_mark_button.clicked.connect(self.end_marking)
        self.open_button.clicked.connect(self.open_citizen)
        self.edit_meeting_button.clicked.connect(self.edit_meeting)
        self.delete_meeting_button.clicked.connect(self.delete_meeting)
        self.pick_box.activated.connect(lambda _: self._update_buttons())
        describe(
            QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus),
            self.tr("Gå til søgefeltet"),
        )
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self.today = project.as_of()
        self.as_of_label.setText(
            self.tr("Pr. {date}").format(date=date_text(self.today))
            + (self.tr(" (indsatsens slutdato)") if self.today < project.today() else "")
        )
        self._generation += 1
        generation, connect, today = self._generation, project.connector(), self.today

        def work() -> StepUpData:
            with connect() as own:
                return StepUpData(
                    stepup_report(own, today),
                    StepUpRepository(own).meetings(),
                    today,
                    StaffRepository(own).list(),
                )

        run_in_background(
            work, lambda data: self._loaded_data(data, generation), self._failed, self
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.as_of_label.setText(translate_error(exc))
            return
        raise exc

    def _loaded_data(self, data: StepUpData, generation: int) -> None:
        if generation != self._generation:
            return
        self.data = data
        for box, role in (
            (self.broker_box, StaffRole.JOB_BROKER),
            (self.caseworker_box, StaffRole.CASEWORKER),
        ):
            keep = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("Alle"), "")
            for s in data.staff:
                if s.role is role:
                    box.addItem(f"{s.initials} – {s.name}", s.initials)
            box.setCurrentIndex(max(0, box.findData(keep)) if keep else 0)
            box.blockSignals(False)
        self.pick_box.blockSignals(True)
        self.pick_box.clear()
        self.pick_box.addItem("", "")
        for open_case in sorted(data.cases, key=lambda c: c.name):
            if open_case.exit_date is None or open_case.exit_date > data.today:
                self.pick_box.addItem(
                    f"{open_case.name} ({mask(open_case.cpr)})", open_case.citizen_id
                )
        self.pick_box.blockSignals(False)
        rows = []
        for meeting in data.meetings:
            case = data.by_id.get(meeting.citizen_id)
            if case is None:
                continue
            lines = follow_up(case, meeting.record(), data.today)
            warnings = missing_roles(
                meeting.record().roles,
                meeting.barriers,
                case.in_ressourceforloeb(meeting.date),
                case.network_wish,
            )
            rows.append((case, meeting, lines, outcome(lines), warnings))
        self.meetings_model.set_rows(rows)
        self.counts_model.set_rows(data.counts)
        self._refilter()
        self.tabs.setTabText(1, self.tr("Møder ({n})").format(n=number(len(rows))))
        self.data_ready.emit()

    def _refilter(self) -> None:
        if self.data is None:
            return
        query = parse(self.search.text())
        broker, caseworker = (
            self.broker_box.currentData() or "",
            self.caseworker_box.currentData() or "",
        )
        rows = []
        for a in self.data.assessments:
            if not a.is_due and not self.exempt_box.isChecked():
                continue
            c = a.case
            if (broker and c.job_broker != broker) or (caseworker and c.caseworker != caseworker):
                continue
            if query is not None and not query.matches(c.name, c.cpr):
                continue
            rows.append(a)
        current = self.selected_case()
        self.due_model.set_rows(rows)
        due = sum(1 for a in rows if a.is_due)
        self.tabs.setTabText(0, self.tr("Skal have møde ({n})").format(n=number(due)))
        empty = not rows
        self.due_empty.setVisible(empty)
        if empty:
            filtered = bool(query is not None or broker or caseworker)
            self.due_empty.setText(
                self.tr("Ingen borgere passer til filteret.")
                if filtered
                else self.tr("Ingen borgere skal have et step-up-møde lige nu.")
            )
        chosen = 0 if rows else None
        if current is not None:
            chosen = next(
                (r for r, a in enumerate(rows) if a.case.citizen_id == current.citizen_id), chosen
            )
        if chosen is not None:
            self.due_view.setCurrentIndex(self.due_model.index(chosen, 0))
        self._fit_columns()
        self._update_detail()

    def _fit_columns(self) -> None:
        for view, model, stretch in (
            (self.due_view, self.due_model, DueModel.WHY),
            (self.meetings_view, self.meetings_model, MeetingsModel.PLAN),
        ):
            header = view.horizontalHeader()
            for column in range(model.columnCount()):
                if column != stretch:
                    view.resizeColumnToContents(column)
                    header.resizeSection(
                        column,
                        min(
                            max(header.sectionSize(column), header.sectionSizeHint(column) + 8), 260
                        ),
                    )
        self.counts_view.resizeColumnsToContents()

    # --- selection -------------------------------------------------------------------------------------
    def selected_assessment(self) -> Assessment | None:
        index = self.due_view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def selected_case(self) -> StepUpCase | None:
        """The citizen picked in the 'Anden borger' box, else the due list's current row."""
        if self.data is None:
            return None
        picked = self.pick_box.currentData() if self.pick_box.currentIndex() > 0 else ""
        if picked:
            return self.data.by_id.get(picked)
        a = self.selected_assessment()
        return a.case if a else None

    def _update_buttons(self) -> None:
        case = self.selected_case()
        has = case is not None and self.project is not None
        for b in (self.record_button, self.mark_button, self.exempt_button, self.open_button):
            b.setEnabled(has)
        self.end_mark_button.setEnabled(has and self._active_marking(case) is not None)
        meeting = self.meetings_view.currentIndex().data(Qt.ItemDataRole.UserRole)
        self.edit_meeting_button.setEnabled(meeting is not None)
        self.delete_meeting_button.setEnabled(meeting is not None)

    def _active_marking(self, case: StepUpCase | None) -> Marking | None:
        if case is None:
            return None
        active = [m for m in case.markings if m.active(self.today)]
        return active[-1] if active else None

    def _update_detail(self, *_) -> None:
        self._update_buttons()
        case = self.selected_case()
        if case is None or self.data is None:
            self.detail.setText(
                self.tr("Vælg en borger for at se begrundelsen, markeringer og den seneste plan.")
            )
            return
        a = assess(case, self.data.today)
        lines = [f"{case.name} ({mask(case.cpr)})"]
        if a.is_due:
            assert a.reason is not None, "a citizen who is due has a reason (domain.stepup.assess)"
            lines.append(
                self.tr("Skal have et møde siden {date}: {why}.").format(
                    date=date_text(a.due), why=_t(DUE_LABELS[a.reason])
                )
            )
        elif a.exemption is not None:
            lines.append(self.tr("Fritaget til {date}.").format(date=date_text(a.exempt_until)))
        else:
            lines.append(self.tr("Skal ikke have et møde nu."))
        for m in case.markings:
            lines.append(
                f"• {_t(MARKING_LABELS[m.kind])}: {date_text(m.start)} – {date_text(m.end) or '…'}"
                + (f" ({m.note})" if m.note else "")
            )
        latest = case.latest_meeting()
        if latest is not None:
            lines.append(self.tr("Seneste møde {date}:").format(date=date_text(latest.date)))
            for f in follow_up(case, latest, self.data.today):
                state = {
                    LineStatus.STARTED: self.tr("startet {date}").format(date=date_text(f.started)),
                    LineStatus.PENDING: self.tr("afventer"),
                    LineStatus.OVERDUE: overdue_text(f.days_overdue),
                }[f.status]
                lines.append(
                    f"   {f.line.offer.label}, {self.tr('planlagt')} {date_text(f.line.planned_start)}: {state}"
                )
        self.detail.setText("\n".join(lines))
