"""The Step-up page: who is due and why, the meetings with their plan's follow-up, the counts per
month; the meeting record and the markings (domain.stepup has every rule)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Barrier, ParticipantRole, PeriodKind, StaffRole
from fsm_desktop.domain.stepup import (
    BARRIER_LABELS,
    DUE_LABELS,
    HEALTH_FUNCTION_LABELS,
    MARKING_LABELS,
    OUTCOME_LABELS,
    PLAN_OFFERS,
    ROLE_LABELS,
    Assessment,
    HealthFunction,
    LineStatus,
    Marking,
    MarkingKind,
    MonthCount,
    Outcome,
    PlannedOffer,
    StepUpCase,
    add_months,
    assess,
    due_list,
    follow_up,
    missing_roles,
    monthly_counts,
    outcome,
)
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.storage.stepup import (
    Meeting,
    Participant,
    StepUpRepository,
    validate_marking,
    validate_meeting,
)
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background

ERROR_STYLE = "color: #a2191f;"
WARNING_STYLE = "background: #fff8e1; border: 1px solid #f1c21b; padding: 6px; color: #3d2a00;"


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


def _dk(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d-%m-%Y")


# --- models ------------------------------------------------------------------------------------------
class DueModel(QAbstractTableModel):
    """The due list (and, when asked, the exempt), in the order domain.stepup.due_list gives."""

    NAME, CPR, JOB_BROKER, CASEWORKER, WHY, SINCE, DAYS = range(7)
    HEADERS = (
        "Borger",
        "CPR",
        "Jobformidler",
        "Sagsbehandler",
        "Hvorfor",
        "Skal holdes siden",
        "Dage over",
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Assessment] = []

    def set_rows(self, rows: list[Assessment]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return _t(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        a = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(a, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.WHY:
            return self._text(a, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not a.is_due:
            return QColor("#6f6f6f")
        if role == Qt.ItemDataRole.UserRole:
            return a
        return None

    @staticmethod
    def _text(a: Assessment, column: int) -> str:
        c = a.case
        if column == DueModel.NAME:
            return c.name
        if column == DueModel.CPR:
            return mask(c.cpr)
        if column == DueModel.JOB_BROKER:
            return c.job_broker
        if column == DueModel.CASEWORKER:
            return c.caseworker
        if column == DueModel.WHY:
            if not a.is_due:
                return _t(MARKING_LABELS[a.exemption.kind]) if a.exemption else ""
            text = _t(DUE_LABELS[a.reason])
            if a.overdue_lines:
                text += (
                    " ("
                    + ", ".join(
                        _t("{offer} planlagt {date}").format(
                            offer=f.line.offer.label, date=_dk(f.line.planned_start)
                        )
                        for f in a.overdue_lines
                    )
                    + ")"
                )
            return text
        if column == DueModel.SINCE:
            if not a.is_due:
                return (
                    _t("fritaget til {date}").format(date=_dk(a.exempt_until))
                    if a.exempt_until
                    else _t("fritaget")
                )
            return _dk(a.due)
        if column == DueModel.DAYS:
            return number(a.days_overdue) if a.is_due else ""
        return ""


class MeetingsModel(QAbstractTableModel):
    """Every meeting, newest first, with its plan's follow-up and the roles it lacked."""

    DATE, NAME, CPR, BARRIERS, PLAN, OUTCOME, MISSING = range(7)
    HEADERS = ("Dato", "Borger", "CPR", "Barrierer", "Plan", "Udfald", "Manglende deltagere")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[StepUpCase, Meeting, list, Outcome, list]] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return _t(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        case, meeting, lines, result, warnings = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.DATE:
                return _dk(meeting.date)
            if column == self.NAME:
                return case.name
            if column == self.CPR:
                return mask(case.cpr)
            if column == self.BARRIERS:
                return ", ".join(_t(BARRIER_LABELS[b]) for b in meeting.barriers)
            if column == self.PLAN:
                return "; ".join(
                    f"{f.line.offer.label} {_dk(f.line.planned_start)}: {_t(f.status.value)}"
                    for f in lines
                )
            if column == self.OUTCOME:
                return _t(OUTCOME_LABELS[result])
            if column == self.MISSING:
                return ", ".join(_t(ROLE_LABELS[w.role]) for w in warnings)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.OUTCOME
            and result is Outcome.OVERDUE
        ):
            return QColor("#a2191f")
        if role == Qt.ItemDataRole.UserRole:
            return meeting
        return None


class CountsModel(QAbstractTableModel):
    """Meetings per month, the running total, and by outcome (for the status sheet)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[MonthCount] = []
        self.outcomes = list(Outcome)

    def set_rows(self, rows: list[MonthCount]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3 + len(self.outcomes)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        heads = [_t("Måned"), _t("Holdt"), _t("I alt")] + [
            _t(OUTCOME_LABELS[o]) for o in self.outcomes
        ]
        return heads[section] if 0 <= section < len(heads) else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.month
            if column == 1:
                return number(row.held)
            if column == 2:
                return number(row.cumulative)
            return number(row.by_outcome[self.outcomes[column - 3]])
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


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
        cases: list[StepUpCase],
        meetings: list[Meeting],
        today: dt.date,
        first: dt.date,
        staff: list,
    ) -> None:
        self.cases = cases
        self.by_id = {c.citizen_id: c for c in cases}
        self.meetings = meetings
        self.today = today
        self.staff = staff
        self.assessments = due_list(cases, today, include_exempt=True)
        self.counts = monthly_counts(cases, first, max(today, first), today)


class StepUpPage(Page):
    key = "stepup"
    #: emitted when the lists have been (re)filled
    data_ready = Signal()
    #: a meeting or marking was saved (the board and citizen pages may reload)
    changed = Signal()

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
        self.citizen_window = None

        filters = QHBoxLayout()
        self.as_of_label = QLabel(self)
        self.as_of_label.setObjectName("factLine")
        filters.addWidget(self.as_of_label)
        filters.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Søg navn eller fødselsdato …"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Søg"))
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

        self.tabs = QTabWidget(self)
        # Due list
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
        self.pick_box.lineEdit().setPlaceholderText(self.tr("Anden borger: skriv navn …"))
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
        due_layout.addLayout(buttons)
        self.tabs.addTab(due_tab, self.tr("Skal have møde"))

        # Meetings
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

        # Counts
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
        self.body.addWidget(self.tabs, 1)

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
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        initiative = project.initiative
        self.today = min(dt.date.today(), initiative.end)
        self.as_of_label.setText(
            self.tr("Pr. {date}").format(date=_dk(self.today))
            + (self.tr(" (indsatsens slutdato)") if self.today < dt.date.today() else "")
        )
        self._generation += 1
        generation, connect, today, first = (
            self._generation,
            project.connector(),
            self.today,
            initiative.start,
        )

        def work() -> StepUpData:
            with connect() as own:
                repository = StepUpRepository(own)
                return StepUpData(
                    repository.cases(today),
                    repository.meetings(),
                    today,
                    first,
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
        for case in sorted(data.cases, key=lambda c: c.name):
            if case.exit_date is None or case.exit_date > data.today:
                self.pick_box.addItem(f"{case.name} ({mask(case.cpr)})", case.citizen_id)
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
        text = self.search.text().strip().lower()
        broker, caseworker = (
            self.broker_box.currentData() or "",
            self.caseworker_box.currentData() or "",
        )
        digits = text.replace("-", "")
        rows = []
        for a in self.data.assessments:
            if not a.is_due and not self.exempt_box.isChecked():
                continue
            c = a.case
            if (broker and c.job_broker != broker) or (caseworker and c.caseworker != caseworker):
                continue
            if (
                text
                and text not in c.name.lower()
                and not (digits.isdigit() and c.cpr[:6].startswith(digits[:6]))
            ):
                continue
            rows.append(a)
        current = self.selected_case()
        self.due_model.set_rows(rows)
        due = sum(1 for a in rows if a.is_due)
        self.tabs.setTabText(0, self.tr("Skal have møde ({n})").format(n=number(due)))
        empty = not rows
        self.due_empty.setVisible(empty)
        if empty:
            filtered = bool(text or broker or caseworker)
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
            lines.append(
                self.tr("Skal have et møde siden {date}: {why}.").format(
                    date=_dk(a.due), why=_t(DUE_LABELS[a.reason])
                )
            )
        elif a.exemption is not None:
            lines.append(self.tr("Fritaget til {date}.").format(date=_dk(a.exempt_until)))
        else:
            lines.append(self.tr("Skal ikke have et møde nu."))
        for m in case.markings:
            lines.append(
                f"• {_t(MARKING_LABELS[m.kind])}: {_dk(m.start)} – {_dk(m.end) or '…'}"
                + (f" ({m.note})" if m.note else "")
            )
        latest = case.latest_meeting()
        if latest is not None:
            lines.append(self.tr("Seneste møde {date}:").format(date=_dk(latest.date)))
            for f in follow_up(case, latest, self.data.today):
                state = {
                    LineStatus.STARTED: self.tr("startet {date}").format(date=_dk(f.started)),
                    LineStatus.PENDING: self.tr("afventer"),
                    LineStatus.OVERDUE: self.tr("overskredet med {n} dage").format(
                        n=number(f.days_overdue)
                    ),
                }[f.status]
                lines.append(
                    f"   {f.line.offer.label}, {self.tr('planlagt')} {_dk(f.line.planned_start)}: {state}"
                )
        self.detail.setText("\n".join(lines))

    # --- actions ---------------------------------------------------------------------------------------
    def record_meeting(self) -> None:
        case = self.selected_case()
        if case is None or self.project is None or self.data is None or self.refuse_if_read_only():
            return
        meeting = Meeting(
            case.citizen_id,
            self.data.today,
            default_participants(case, self.data.staff),
            [],
            [],
            "",
        )
        self._open_meeting(case, meeting)

    def edit_meeting(self) -> None:
        meeting = self.meetings_view.currentIndex().data(Qt.ItemDataRole.UserRole)
        if meeting is None or self.data is None or self.refuse_if_read_only():
            return
        case = self.data.by_id.get(meeting.citizen_id)
        if case is not None:
            self._open_meeting(case, meeting)

    def _open_meeting(self, case: StepUpCase, meeting: Meeting) -> None:
        dialog = MeetingDialog(self.project, case, meeting, self.data.today, self)
        dialog.saved.connect(self._saved)
        self.meeting_dialog = dialog
        dialog.open()

    def delete_meeting(self) -> None:
        meeting = self.meetings_view.currentIndex().data(Qt.ItemDataRole.UserRole)
        if meeting is None or self.project is None:
            return
        if not self.confirm(
            self.tr("Slet mødet den {date}? Sletningen skrives i revisionsloggen.").format(
                date=_dk(meeting.date)
            )
        ):
            return
        try:
            StepUpRepository(self.project).delete_meeting(meeting.id)
        except KnownError as error:
            self.show_error(error)
            return
        self._saved()

    def add_marking(self, kind: MarkingKind) -> None:
        case = self.selected_case()
        if case is None or self.project is None or self.data is None:
            return
        dialog = MarkingDialog(self.project, case, kind, self.data.today, self)
        dialog.saved.connect(self._saved)
        self.marking_dialog = dialog
        dialog.open()

    def end_marking(self) -> None:
        case = self.selected_case()
        marking = self._active_marking(case)
        if marking is None or self.project is None:
            return
        if marking.start >= self.today:
            self.show_error(
                KnownError("Markeringen begynder i dag; den kan afsluttes fra i morgen.")
            )
            return
        try:
            # Ended yesterday: it no longer applies today.
            StepUpRepository(self.project).end_marking(
                marking.id, self.today - dt.timedelta(days=1)
            )
        except KnownError as error:
            self.show_error(error)
            return
        self._saved()

    def open_citizen(self) -> None:
        case = self.selected_case()
        if case is None or self.project is None:
            return
        from fsm_desktop.views.citizens.window import CitizenWindow

        window = CitizenWindow(self.project, case.citizen_id, self)
        window.saved.connect(self._saved)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.open()
        self.citizen_window = window

    def _saved(self) -> None:
        self.changed.emit()
        if self.project is not None:
            self.load(self.project)

    # hooks the tests replace
    def confirm(self, question: str) -> bool:
        return (
            QMessageBox.question(self, self.tr("Step-up"), question)
            == QMessageBox.StandardButton.Yes
        )

    def show_error(self, error: KnownError) -> None:
        QMessageBox.warning(self, self.tr("Step-up"), translate_error(error))


def default_participants(case: StepUpCase, staff: list) -> list[Participant]:
    """A new meeting starts with the four roles that must always take part (seeds/002 §20)."""
    names = {s.initials: s.name for s in staff}
    return [
        Participant(ParticipantRole.CITIZEN, case.name),
        Participant(ParticipantRole.CASEWORKER, names.get(case.caseworker, "")),
        Participant(ParticipantRole.JOB_BROKER, names.get(case.job_broker, "")),
        Participant(ParticipantRole.LEADER, ""),
    ]


# --- dialogs --------------------------------------------------------------------------------------------
def _date_field(day: dt.date | None, optional: bool, parent):
    from fsm_desktop.views.citizens.window import DateField

    return DateField(day, optional=optional, parent=parent)


class MeetingDialog(QDialog):
    """The meeting record: date, participants by role, barriers, the plan; warnings for the roles
    the meeting lacks; saved in one transaction."""

    saved = Signal()
    ROLE, NAME, HEALTH = range(3)
    OFFER, START, RESPONSIBLE, NOTE = range(4)

    def __init__(
        self, project: Project, case: StepUpCase, meeting: Meeting, today: dt.date, parent=None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.case = case
        self.meeting = meeting
        self.today = today
        self.setWindowTitle(self.tr("Step-up-møde – {name}").format(name=case.name))
        self.resize(900, 680)
        layout = QVBoxLayout(self)
        head = QLabel(f"{case.name} ({mask(case.cpr)})", self)
        head.setObjectName("pageTitle")
        layout.addWidget(head)
        form = QFormLayout()
        self.date_field = _date_field(meeting.date, False, self)
        self.date_field.setAccessibleName(self.tr("Mødedato"))
        self.date_error = QLabel(self)
        self.date_error.setStyleSheet(ERROR_STYLE)
        self.date_error.hide()
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_field)
        date_row.addWidget(self.date_error, 1)
        form.addRow(self.tr("Dato:"), date_row)
        barrier_row = QHBoxLayout()
        self.barrier_boxes: dict[Barrier, QCheckBox] = {}
        for barrier in Barrier:
            box = QCheckBox(_t(BARRIER_LABELS[barrier]), self)
            box.setChecked(barrier in meeting.barriers)
            box.toggled.connect(self._update_warnings)
            self.barrier_boxes[barrier] = box
            barrier_row.addWidget(box)
        barrier_row.addStretch(1)
        form.addRow(self.tr("Barrierer:"), barrier_row)
        layout.addLayout(form)

        layout.addWidget(QLabel(self.tr("Deltagere"), self))
        self.participants = QTableWidget(0, 3, self)
        self.participants.setHorizontalHeaderLabels(
            [self.tr("Rolle"), self.tr("Navn"), self.tr("Sundhedsfaglig")]
        )
        self.participants.horizontalHeader().setSectionResizeMode(
            self.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.participants.setColumnWidth(self.ROLE, 230)
        self.participants.setColumnWidth(self.HEALTH, 260)
        self.participants.verticalHeader().setVisible(False)
        self.participants.setAccessibleName(self.tr("Deltagere"))
        layout.addWidget(self.participants, 1)
        prow = QHBoxLayout()
        self.add_participant_button = QPushButton(self.tr("Tilføj deltager"), self)
        self.remove_participant_button = QPushButton(self.tr("Fjern deltager"), self)
        prow.addWidget(self.add_participant_button)
        prow.addWidget(self.remove_participant_button)
        prow.addStretch(1)
        layout.addLayout(prow)
        self.participants_error = QLabel(self)
        self.participants_error.setStyleSheet(ERROR_STYLE)
        self.participants_error.hide()
        layout.addWidget(self.participants_error)

        layout.addWidget(QLabel(self.tr("Plan: tilbud med planlagt start"), self))
        self.plan = QTableWidget(0, 4, self)
        self.plan.setHorizontalHeaderLabels(
            [self.tr("Tilbud"), self.tr("Planlagt start"), self.tr("Ansvarlig"), self.tr("Note")]
        )
        self.plan.horizontalHeader().setSectionResizeMode(self.NOTE, QHeaderView.ResizeMode.Stretch)
        self.plan.setColumnWidth(self.OFFER, 230)
        self.plan.setColumnWidth(self.START, 140)
        self.plan.setColumnWidth(self.RESPONSIBLE, 120)
        self.plan.verticalHeader().setVisible(False)
        self.plan.setAccessibleName(self.tr("Plan"))
        layout.addWidget(self.plan, 1)
        lrow = QHBoxLayout()
        self.add_line_button = QPushButton(self.tr("Tilføj tilbud"), self)
        self.remove_line_button = QPushButton(self.tr("Fjern tilbud"), self)
        lrow.addWidget(self.add_line_button)
        lrow.addWidget(self.remove_line_button)
        lrow.addStretch(1)
        layout.addLayout(lrow)
        self.plan_error = QLabel(self)
        self.plan_error.setStyleSheet(ERROR_STYLE)
        self.plan_error.setWordWrap(True)
        self.plan_error.hide()
        layout.addWidget(self.plan_error)

        self.note = QPlainTextEdit(meeting.note, self)
        self.note.setPlaceholderText(self.tr("Referat og aftaler …"))
        self.note.setMaximumHeight(70)
        self.note.setAccessibleName(self.tr("Referat"))
        layout.addWidget(self.note)
        self.warnings = QLabel(self)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.warnings)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Gem"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annullér"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        for p in meeting.participants:
            self.add_participant(p)
        for line in meeting.plan:
            self.add_line(line)
        if not meeting.plan:
            self.add_line()
        self.add_participant_button.clicked.connect(lambda: self.add_participant())
        self.remove_participant_button.clicked.connect(lambda: self._remove(self.participants))
        self.add_line_button.clicked.connect(lambda: self.add_line())
        self.remove_line_button.clicked.connect(lambda: self._remove(self.plan))
        self._update_warnings()

    # --- rows ----------------------------------------------------------------------------------------
    def add_participant(self, participant: Participant | None = None) -> None:
        participant = participant or Participant(
            ParticipantRole.HEALTH
            if self.barrier_boxes[Barrier.HEALTH].isChecked()
            else ParticipantRole.NETWORK
        )
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        role = QComboBox(self.participants)
        for r in ParticipantRole:
            role.addItem(_t(ROLE_LABELS[r]), r.value)
        role.setCurrentIndex(role.findData(participant.role.value))
        health = QComboBox(self.participants)
        for fn in HealthFunction:
            health.addItem(
                _t(HEALTH_FUNCTION_LABELS[fn]) if fn is not HealthFunction.NONE else "–", fn.value
            )
        health.setCurrentIndex(health.findData(participant.health_function.value))
        self.participants.setCellWidget(row, self.ROLE, role)
        self.participants.setItem(row, self.NAME, QTableWidgetItem(participant.name))
        self.participants.setCellWidget(row, self.HEALTH, health)

        def role_changed() -> None:
            is_health = role.currentData() == ParticipantRole.HEALTH.value
            health.setEnabled(is_health)
            if not is_health:
                health.setCurrentIndex(0)
            elif health.currentIndex() == 0:
                health.setCurrentIndex(
                    health.findData(
                        HealthFunction.COORDINATOR.value
                        if self.case.in_ressourceforloeb(self.today)
                        else HealthFunction.GP.value
                    )
                )
            self._update_warnings()

        role.currentIndexChanged.connect(role_changed)
        health.currentIndexChanged.connect(self._update_warnings)
        health.setEnabled(participant.role is ParticipantRole.HEALTH)
        if (
            participant.role is ParticipantRole.HEALTH
            and participant.health_function is HealthFunction.NONE
        ):
            role_changed()
        self._update_warnings()

    def add_line(self, line: PlannedOffer | None = None) -> None:
        row = self.plan.rowCount()
        self.plan.insertRow(row)
        offer = QComboBox(self.plan)
        for kind in PLAN_OFFERS:
            offer.addItem(kind.label, kind.value)
        if line is not None:
            offer.setCurrentIndex(offer.findData(line.offer.value))
        start = _date_field(
            line.planned_start if line else self.today + dt.timedelta(days=14), False, self.plan
        )
        self.plan.setCellWidget(row, self.OFFER, offer)
        self.plan.setCellWidget(row, self.START, start)
        responsible = line.responsible if line else self.case.job_broker
        self.plan.setItem(row, self.RESPONSIBLE, QTableWidgetItem(responsible))
        self.plan.setItem(row, self.NOTE, QTableWidgetItem(line.note if line else ""))

    def _remove(self, table: QTableWidget) -> None:
        row = table.currentRow()
        if row < 0:
            row = table.rowCount() - 1
        if row >= 0:
            table.removeRow(row)
        self._update_warnings()

    # --- reading the form ----------------------------------------------------------------------------------
    def read_participants(self) -> list[Participant]:
        out = []
        for row in range(self.participants.rowCount()):
            role = self.participants.cellWidget(row, self.ROLE)
            health = self.participants.cellWidget(row, self.HEALTH)
            item = self.participants.item(row, self.NAME)
            out.append(
                Participant(
                    ParticipantRole(role.currentData()),
                    item.text().strip() if item else "",
                    HealthFunction(health.currentData()),
                )
            )
        return out

    def read_barriers(self) -> list[Barrier]:
        return [b for b, box in self.barrier_boxes.items() if box.isChecked()]

    def read_plan(self) -> tuple[list[PlannedOffer], list[str]]:
        lines, errors = [], []
        for row in range(self.plan.rowCount()):
            offer = self.plan.cellWidget(row, self.OFFER)
            start = self.plan.cellWidget(row, self.START)
            try:
                day = start.date()
            except ValueError:
                errors.append(
                    self.tr("Planens linje {n}: »{text}« er ikke en dato (dd-mm-åååå).").format(
                        n=row + 1, text=start.text()
                    )
                )
                continue
            if day is None:
                errors.append(
                    self.tr("Planens linje {n}: skriv den planlagte startdato.").format(n=row + 1)
                )
                continue
            responsible = self.plan.item(row, self.RESPONSIBLE)
            note = self.plan.item(row, self.NOTE)
            lines.append(
                PlannedOffer(
                    PeriodKind(offer.currentData()),
                    day,
                    responsible.text().strip() if responsible else "",
                    note.text().strip() if note else "",
                )
            )
        return lines, errors

    def _update_warnings(self, *_) -> None:
        participants = self.read_participants()
        try:
            day = self.date_field.date() or self.today
        except ValueError:
            day = self.today
        warnings = missing_roles(
            [(p.role, p.health_function) for p in participants],
            self.read_barriers(),
            self.case.in_ressourceforloeb(day),
            self.case.network_wish,
        )
        self.current_warnings = warnings
        self.warnings.setVisible(bool(warnings))
        self.warnings.setText("\n".join(f"⚠ {_t(w.message)}" for w in warnings))

    # --- saving -------------------------------------------------------------------------------------------
    def save(self) -> None:
        for label in (self.date_error, self.participants_error, self.plan_error):
            label.hide()
        try:
            day = self.date_field.date()
        except ValueError:
            self._error(
                self.date_error,
                self.tr("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=self.date_field.text()
                ),
            )
            return
        if day is None:
            self._error(self.date_error, self.tr("Skriv mødets dato."))
            return
        plan, plan_errors = self.read_plan()
        meeting = Meeting(
            self.case.citizen_id,
            day,
            self.read_participants(),
            self.read_barriers(),
            plan,
            self.note.toPlainText().strip(),
            self.meeting.id,
        )
        errors = validate_meeting(meeting, dt.date.today())
        labels = {
            "date": self.date_error,
            "participants": self.participants_error,
            "plan": self.plan_error,
        }
        messages: dict[str, list[str]] = {"plan": list(plan_errors)}
        for field, message in errors:
            messages.setdefault(field, []).append(_t(message))
        shown = False
        for field, texts in messages.items():
            if texts:
                self._error(labels[field], " ".join(texts))
                shown = True
        if shown:
            return
        self._update_warnings()
        required = [w for w in self.current_warnings if w.required]
        if required and not self.confirm(
            self.tr("Mødet mangler deltagere, der skal være med:\n{list}\n\nGem alligevel?").format(
                list="\n".join(f"• {_t(w.message)}" for w in required)
            )
        ):
            return
        try:
            StepUpRepository(self.project).save_meeting(meeting, dt.date.today())
        except KnownError as error:
            self._error(self.plan_error, translate_error(error))
            return
        self.meeting = meeting
        self.saved.emit()
        self.accept()

    def _error(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()

    def confirm(self, question: str) -> bool:
        return (
            QMessageBox.question(self, self.tr("Step-up-møde"), question)
            == QMessageBox.StandardButton.Yes
        )


class MarkingDialog(QDialog):
    """Mark a citizen for step-up, or record an exemption, with dates."""

    saved = Signal()

    def __init__(
        self, project: Project, case: StepUpCase, kind: MarkingKind, today: dt.date, parent=None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.case = case
        self.today = today
        self.setWindowTitle(self.tr("Step-up-markering – {name}").format(name=case.name))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{case.name} ({mask(case.cpr)})", self))
        form = QFormLayout()
        self.kind_box = QComboBox(self)
        for k in MarkingKind:
            self.kind_box.addItem(_t(MARKING_LABELS[k]), k.value)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind.value))
        form.addRow(self.tr("Hvad:"), self.kind_box)
        self.start_field = _date_field(today, False, self)
        form.addRow(self.tr("Fra:"), self.start_field)
        self.end_field = _date_field(None, True, self)
        form.addRow(self.tr("Til:"), self.end_field)
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(self.tr("Fx barrierer, behandling eller det aftalte tilbud"))
        form.addRow(self.tr("Note:"), self.note)
        layout.addLayout(form)
        self.help = QLabel(self)
        self.help.setWordWrap(True)
        layout.addWidget(self.help)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Gem"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annullér"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.resize(560, self.sizeHint().height())

    def kind(self) -> MarkingKind:
        return MarkingKind(self.kind_box.currentData())

    def _kind_changed(self, *_) -> None:
        kind = self.kind()
        if kind is MarkingKind.MARKED:
            self.help.setText(
                self.tr(
                    "Borgeren skal have et step-up-møde, fordi jobmatchet går i stå på grund af "
                    "helbred, sociale forhold eller familie. Slutdato er valgfri."
                )
            )
        elif kind is MarkingKind.REHAB_RECOMMENDATION:
            self.help.setText(
                self.tr(
                    "Rehabiliteringsteamets indstilling siger, at der ikke kan iværksættes en "
                    "virksomhedsrettet indsats inden for 6 måneder (fx behandling)."
                )
            )
            if not self.end_field.text():
                self.end_field.set_date(add_months(self.today, 6))
        else:
            self.help.setText(
                self.tr(
                    "Et konkret virksomhedsrettet tilbud (eller fleksjob) er aftalt. Til-datoen er "
                    "den aftalte start; starter tilbuddet ikke, skal borgeren i step-up igen."
                )
            )
            if not self.end_field.text():
                self.end_field.set_date(self.today + dt.timedelta(days=30))

    def save(self) -> None:
        try:
            start, end = self.start_field.date(), self.end_field.date()
        except ValueError:
            self.error.setText(self.tr("Skriv datoerne som dd-mm-åååå."))
            self.error.show()
            return
        if start is None:
            self.error.setText(self.tr("Skriv fra-datoen."))
            self.error.show()
            return
        marking = Marking(self.kind(), start, end, self.note.text().strip())
        errors = validate_marking(marking)
        if errors:
            self.error.setText(" ".join(_t(m) for _, m in errors))
            self.error.show()
            return
        try:
            StepUpRepository(self.project).add_marking(self.case.citizen_id, marking)
        except KnownError as error:
            self.error.setText(translate_error(error))
            self.error.show()
            return
        self.saved.emit()
        self.accept()
