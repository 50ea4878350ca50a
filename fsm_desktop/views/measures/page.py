"""Mål: the initiative's measures as STAR counts them, period by period, with the payout
forecast, a drill-down to the citizens behind every number, the measures for a group of
citizens (gender, origin, age band) side by side, and the board over time.

The first opening pays for matplotlib's import (about 0.6–1 s): it runs on a worker while the
facts are read and counted, so the chart is drawn as soon as both are done
(``python -m bench --only maal``; docs/measures.md, "The Mål page")."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.breakdown import (
    ALL,
    GROUPS,
    CitizenGroup,
    Person,
    restrict_report,
)
from fsm_desktop.domain.breakdown import group as group_by_key
from fsm_desktop.domain.measures import MeasureResult, Month, Report
from fsm_desktop.domain.status_sheet import month_label
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.measures import read_for_counting
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.breakdown import load_people
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.members import MembersDialog
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.measures.board_chart import BoardHistoryChart
from fsm_desktop.views.measures.breakdown import MeasuresBreakdown
from fsm_desktop.views.measures.chart import period_label, preload
from fsm_desktop.views.measures.dialogs import measure_table, members_dialog
from fsm_desktop.views.measures.measure_chart import MeasureChart
from fsm_desktop.views.measures.models import (
    BreakdownModel,
    ResultsModel,
)
from fsm_desktop.views.measures.texts import MeasuresTexts


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


def _default_period(rows: list[MeasureResult], today: dt.date) -> int:
    """The newest period that has ended by today (else the last): what a breakdown shows first."""
    ended = [k for k, r in enumerate(rows) if r.period_end.last <= today]
    return ended[-1] if ended else len(rows) - 1


def _counter(project: Project):
    """The work of counting the project's measures ahead, for a worker thread: it reads the
    facts over its own connection (SQLite connections stay on their thread), so the GUI
    thread neither reads nor counts while the user works on another page."""
    connect = project.connector()

    def work() -> Report:
        with connect() as own:
            counting = read_for_counting(own)
        return counting.count()

    return work


class MeasuresPage(MeasuresBreakdown, MeasuresTexts, Page):
    key = "maal"
    #: The measures count citizens' facts and their job brokers; the goals; the board's history.
    shows = Changes(citizens=True, board=True, staff=True, goals=True, imports=True)
    results_ready = Signal()  # the numbers on screen are up to date (a load, or a new group)
    breakdown_ready = Signal()
    board_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Mål"),
            self.tr(
                "Resultatkravene opgjort som STAR opgør dem, måned for måned eller i rullende "
                "kvartaler. Klik på en periode i diagrammet, eller dobbeltklik i tabellen, for at se "
                "borgerne bag tallene."
            ),
            parent,
        )
        self.report: Report | None = None  # the whole target group's
        self.shown: Report | None = None  # for the group chosen in "Vis for"
        self.people: dict[str, Person] | None = None  # read when a group is first asked for
        self.today = dt.date.today()
        self._generation = 0  # a result for an earlier project or load is dropped
        #: The project's data as last set (set_project): a count made for another is dropped.
        self._token = 0
        #: The measures counted ahead for the current data, and whether that count is running.
        self._ahead: Report | None = None
        self._counting_ahead = False
        self._board_loaded = False
        self._selected = -1  # the chosen period (index into the measure's periods)
        self._selected_measure = None
        #: The initiative's months, the choices of "Til og med" (filled on the first load).
        self._months: list[Month] = []
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.body.addWidget(self.tabs, 1)
        self._build_measures_tab()
        self._build_board_tab()
        self._connect_signals()

    # --- building ---------------------------------------------------------------------------------
    def _build_measures_tab(self) -> None:
        """The measures: the toolbar, the chart beside the periods and the breakdown, the payouts."""
        measures = QWidget(self.tabs)
        layout = QVBoxLayout(measures)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(self._build_toolbar(measures))
        self.status_label = QLabel(measures)
        self.status_label.setObjectName("factLine")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.chart = MeasureChart(measures)
        self._build_periods_table(measures)
        self.side.addTab(self._build_breakdown(), self.tr("Fordeling på grupper"))

        split = QSplitter(Qt.Orientation.Horizontal, measures)
        split.setChildrenCollapsible(False)
        split.addWidget(self.chart)
        split.addWidget(self.side)
        self.side.setMinimumWidth(360)
        self.side.setMaximumWidth(520)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.payout_heading = QLabel(self.tr("Udbetalingsprognose"), measures)
        self.payout_heading.setObjectName("comingHeading")
        self.payout_label = QLabel(measures)
        self.payout_label.setWordWrap(True)
        self.payout_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.payout_heading)
        layout.addWidget(self.payout_label)
        self.payout_heading.hide()
        self.payout_label.hide()
        self.tabs.addTab(measures, self.tr("Resultatkrav"))

    def _build_toolbar(self, measures: QWidget) -> QHBoxLayout:
        """The measure, the group it is shown for, and "Gem diagram …"."""
        top = QHBoxLayout()
        self.measure_box = QComboBox(measures)
        self.measure_box.setAccessibleName(self.tr("Resultatkrav"))
        self.measure_box.setMinimumWidth(300)
        self.measure_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.group_box = QComboBox(measures)
        self.group_box.setAccessibleName(self.tr("Vis for"))
        for group in GROUPS:
            self.group_box.addItem(_t(group.label), group.key)
        self.group_box.setToolTip(
            self.tr(
                "Tæller og nævner for den valgte gruppe alene. Alder regnes på periodens sidste dag. "
                "Sagsstammen gælder altid alle borgere."
            )
        )
        # The last month counted, as on Statusskema: the table and the chart end with it.
        self.month_box = QComboBox(measures)
        self.month_box.setAccessibleName(self.tr("Sidste måned, der tælles med"))
        self.month_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_box.setToolTip(
            self.tr("Tabellen og diagrammet viser perioderne, der slutter senest i denne måned.")
        )
        self.save_button = QPushButton(self.tr("Gem diagram …"), measures)
        measure_label = QLabel(self.tr("&Resultatkrav:"), measures)
        measure_label.setBuddy(self.measure_box)
        group_label = QLabel(self.tr("&Vis for:"), measures)
        group_label.setBuddy(self.group_box)
        top.addWidget(measure_label)
        top.addWidget(self.measure_box, 1)
        top.addSpacing(12)
        top.addWidget(group_label)
        top.addWidget(self.group_box)
        top.addSpacing(12)
        month_label = QLabel(self.tr("&Til og med:"), measures)
        month_label.setBuddy(self.month_box)
        top.addWidget(month_label)
        top.addWidget(self.month_box)
        top.addStretch(0)
        top.addWidget(self.save_button)
        return top

    def _build_periods_table(self, measures: QWidget) -> None:
        """The measure's periods, the first tab beside the chart."""
        self.model = ResultsModel(self)
        self.view = measure_table(self.model, measures)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ResultsModel.PERIOD, QHeaderView.ResizeMode.Stretch)
        # The thresholds are the chart's dashed lines; the table stays narrow beside it.
        self.view.setColumnHidden(ResultsModel.THRESHOLD, True)
        self.view.doubleClicked.connect(self.open_members)
        self.side = QTabWidget(measures)
        self.side.addTab(self.view, self.tr("Perioder"))

    def _build_breakdown(self) -> QWidget:
        """A period's numbers for each group, the second tab beside the chart."""
        breakdown = QWidget(self.side)
        b_layout = QVBoxLayout(breakdown)
        b_layout.setContentsMargins(6, 6, 6, 6)
        period_row = QHBoxLayout()
        self.period_box = QComboBox(breakdown)
        self.period_box.setAccessibleName(self.tr("Periode"))
        period_label = QLabel(self.tr("&Periode:"), breakdown)
        period_label.setBuddy(self.period_box)
        period_row.addWidget(period_label)
        period_row.addWidget(self.period_box, 1)
        b_layout.addLayout(period_row)
        self.breakdown_model = BreakdownModel(self)
        self.breakdown_view = measure_table(self.breakdown_model, breakdown)
        self.breakdown_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        b_header = self.breakdown_view.horizontalHeader()
        b_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        b_header.setSectionResizeMode(BreakdownModel.GROUP, QHeaderView.ResizeMode.Stretch)
        # Thirteen groups fit without scrolling on a 768-pixel screen.
        self.breakdown_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        b_layout.addWidget(self.breakdown_view, 1)
        self.breakdown_note = QLabel(breakdown)
        self.breakdown_note.setWordWrap(True)
        self.breakdown_note.setObjectName("dialogHint")
        b_layout.addWidget(self.breakdown_note)
        return breakdown

    def _build_board_tab(self) -> None:
        """The number of citizens in each column of the board at each board meeting."""
        board = QWidget(self.tabs)
        b = QVBoxLayout(board)
        b.setContentsMargins(0, 10, 0, 0)
        row = QHBoxLayout()
        self.board_note = QLabel(
            self.tr(
                "Antal borgere i hver kolonne på Tavlen ved hvert tavlemøde (gemt, når mødet afsluttes med »Afslut møde …«)."
            ),
            board,
        )
        self.board_note.setWordWrap(True)
        self.board_note.setObjectName("factLine")
        self.board_save_button = QPushButton(self.tr("Gem diagram …"), board)
        row.addWidget(self.board_note, 1)
        row.addWidget(self.board_save_button)
        b.addLayout(row)
        self.board_chart = BoardHistoryChart(board)
        b.addWidget(self.board_chart, 1)
        self.tabs.addTab(board, self.tr("Tavlen over tid"))

    def _connect_signals(self) -> None:
        self.measure_box.currentIndexChanged.connect(self._show_measure)
        self.group_box.currentIndexChanged.connect(self._apply_group)
        self.month_box.currentIndexChanged.connect(self._month_chosen)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.select_period(current.row())
        )
        self.period_box.currentIndexChanged.connect(self.select_period)
        self.chart.period_clicked.connect(self.period_clicked)
        self.save_button.clicked.connect(self.chart.save_as)
        self.board_save_button.clicked.connect(self.board_chart.save_as)
        self.side.currentChanged.connect(lambda _i: self._update_breakdown())
        self.tabs.currentChanged.connect(lambda _i: self._load_board())
        self._update_save_buttons()

    # --- loading --------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self.status_label.setText(self.tr("Beregner …"))
        self.measure_box.blockSignals(True)
        self.measure_box.clear()
        for spec in project.template.measures:
            self.measure_box.addItem(spec.name, spec.id)
        self.measure_box.blockSignals(False)
        self._fill_months(project)
        self._generation += 1
        generation = self._generation
        self.people = None
        self._board_loaded = False
        self._selected_measure = None
        if self._ahead is not None:
            self._computed(self._ahead, generation)  # counted before the first show
        elif not self._counting_ahead:
            self._count(project, generation)
        # else: still counting ahead; _prefetched delivers it (the page is loaded now), and the
        # chart then imports matplotlib. Not meanwhile: the count's read would wait for Python's
        # lock after each row it steps (SQLite lets it go) while the import holds it (bench
        # --only maal, opened while counting ahead).
        self._load_board()

    def _count(self, project: Project, generation: int) -> None:
        """Count now, for the page shown: the facts are read here, on the GUI thread, before
        matplotlib's import starts on a worker; the counting then runs on another worker
        beside the import. A read beside the import was measured much slower (bench --only
        maal: read in 0.67 s instead of 0.10 s, the chart at 0.97 s instead of 0.78-0.88 s):
        SQLite lets go of Python's lock for every row it steps, and the read then waits for
        the import to hand it back."""
        counting = read_for_counting(project)
        run_in_background(
            counting.count,
            lambda report: self._computed(report, generation),
            self._failed,
            self,
        )
        # matplotlib's import (the first chart's cost) on a worker while the other counts.
        run_in_background(preload, lambda _none: None, self._failed, self)

    def prefetch(self) -> None:
        """Count the measures in the background before the page is first shown (the main
        window asks when it is idle after a project was opened or changed), so that the first
        opening only draws. A failure is not shown here: the page counts again when shown and
        says what went wrong then."""
        if self.project is None or self._loaded or self._counting_ahead or self._ahead is not None:
            return
        token = self._token
        self._counting_ahead = True
        run_in_background(
            _counter(self.project),
            lambda report: self._prefetched(report, token),
            lambda _exc: self._prefetch_failed(token),
            self,
        )

    # A count ahead for the current data (the token) that ends after the page was shown (it
    # is loaded: set_project clears that and changes the token) is the page's count. Shown and
    # left again before it ended: kept for the next showing, which draws it (drawing now would
    # import matplotlib on the GUI thread while the user works on another page).
    def _prefetched(self, report: Report, token: int) -> None:
        if token != self._token:
            return
        self._counting_ahead, self._ahead = False, report
        if self._still_shown():
            self._computed(report, self._generation)

    def _prefetch_failed(self, token: int) -> None:
        if token != self._token:
            return
        self._counting_ahead = False
        if self._still_shown() and self.project is not None:
            self._count(self.project, self._generation)

    def _still_shown(self) -> bool:
        """After a count ahead ended: whether the page shown while it ran is shown still. One
        left again meanwhile loads afresh at its next showing."""
        if self._loaded and not self.isVisible():
            self._loaded = False
        return self._loaded

    def set_project(self, project: Project | None) -> None:
        self._generation += 1
        self._token += 1  # the project or its data changed: a count ahead is stale
        self._ahead, self._counting_ahead = None, False
        self.report = self.shown = None
        self.people = None
        self.model.set_results([])
        self.breakdown_model.set_rows([])
        self._board_loaded = False
        self._months = []
        super().set_project(project)

    def _computed(self, report: Report, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self.report = report
        if self.group.is_all:
            self._grouped(report, generation)
        else:
            self._apply_group()
        self._show_payouts()

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("Målene kunne ikke beregnes."))
        raise exc

    # --- the group ("Vis for") -----------------------------------------------------------------------
    @property
    def group(self) -> CitizenGroup:
        return group_by_key(self.group_box.currentData() or ALL.key)

    def _ensure_people(self) -> dict[str, Person]:
        if self.people is None and self.project is not None:
            self.people = load_people(self.project)
        return self.people or {}

    def _apply_group(self) -> None:
        """Count the measures again for the group chosen in "Vis for" (off the GUI thread)."""
        if self.report is None:
            return
        report, group, generation = self.report, self.group, self._generation
        if group.is_all:
            self._grouped(report, generation)
            return
        people = self._ensure_people()
        self.status_label.setText(self.tr("Beregner for {group} …").format(group=_t(group.label)))
        run_in_background(
            lambda: restrict_report(report, group, people),
            lambda shown: self._grouped(shown, generation, group.key),
            self._failed,
            self,
        )

    def _grouped(self, shown: Report, generation: int | None, group_key: str | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        if group_key is not None and group_key != self.group.key:
            return  # the user chose another group meanwhile; its result follows
        self.shown = shown
        self._show_payouts()  # first: the chart is drawn once, at the size left for it
        self._show_measure()
        self.results_ready.emit()

    # --- the last month ("Til og med") ------------------------------------------------------------------
    def _fill_months(self, project: Project) -> None:
        """The initiative's months, this month (or the last, once it has ended) chosen, as on
        Statusskema; a choice made stays while the project is open."""
        if self._months:
            return
        initiative = project.initiative
        first, end = Month.of(initiative.start), Month.of(initiative.end)
        self._months = [first + i for i in range(end.index - first.index + 1)]
        self.month_box.blockSignals(True)
        self.month_box.clear()
        for month in self._months:
            self.month_box.addItem(month_label(str(month)), str(month))
        self.month_box.setCurrentIndex(
            min(max(Month.of(project.as_of()).index - first.index, 0), len(self._months) - 1)
        )
        self.month_box.blockSignals(False)

    @property
    def last_month(self) -> Month | None:
        """The last month counted ("Til og med"); None before a project is loaded."""
        data = self.month_box.currentData()
        return Month.parse(data) if data else None

    def _month_chosen(self) -> None:
        if self.shown is None:
            return
        self._show_measure()
        self.results_ready.emit()

    # --- showing ------------------------------------------------------------------------------------
    def rows(self) -> list[MeasureResult]:
        """The chosen measure's periods for the chosen group, those ending by "Til og med"."""
        measure_id = self.measure_box.currentData()
        if self.shown is None or not measure_id:
            return []
        rows = self.shown.for_measure(measure_id)
        last = self.last_month
        return rows if last is None else [r for r in rows if r.period_end <= last]

    def _show_measure(self) -> None:
        if self.shown is None:
            return
        rows = self.rows()
        measure_id = self.measure_box.currentData()
        if measure_id == self._selected_measure and 0 <= self._selected < len(rows):
            selected = self._selected  # another group: the same period stays chosen
        else:
            selected = _default_period(rows, self.today) if rows else -1
        self._selected_measure = measure_id
        if not rows and measure_id and self.shown.for_measure(measure_id):
            self.status_label.setText(  # the measure's first period ends after "Til og med"
                self.tr("Ingen måleperioder slutter senest i {month}.").format(
                    month=self.month_box.currentText()
                )
            )
        else:
            self.status_label.setText(self._status(rows))
        self.model.set_results(rows, self._no_data_reason(rows))
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for r in rows:
            self.period_box.addItem(period_label(r), r.label)
        self.period_box.blockSignals(False)
        self._selected = selected
        # The labels above and below are set: place the chart now, so that its one draw is at
        # its final size (a resize after it would draw it again).
        page_layout, tab_layout = self.layout(), self.tabs.currentWidget().layout()
        assert page_layout is not None and tab_layout is not None, "both are made in __init__"
        page_layout.activate()
        tab_layout.activate()
        self._plot()
        if rows:
            self.view.selectRow(selected)  # → select_period: the breakdown follows
            self.view.scrollTo(self.model.index(selected, 0))
        self._update_save_buttons()

    def _plot(self) -> None:
        rows = self.rows()
        if self.shown is None:
            return
        group = self.group
        payouts = (
            [p for p in self.shown.payouts if rows and p.spec.id == rows[0].spec.id]
            if group.is_all
            else []
        )
        title = rows[0].spec.name if rows else ""
        if rows and not group.is_all and rows[0].spec.kind != "caseload":
            title += " – " + _t(group.label)
        self.chart.plot(
            rows,
            payouts,
            title=title,
            selected=self._selected if rows else None,
            finished=self._finished(),
        )

    def select_period(self, k: int) -> None:
        """Show period k as chosen: in the table, the chart and the breakdown."""
        rows = self.rows()
        if not 0 <= k < len(rows):
            return
        changed = k != self._selected
        self._selected = k
        if self.view.currentIndex().row() != k:
            self.view.selectRow(k)
        if self.period_box.currentIndex() != k:
            self.period_box.blockSignals(True)
            self.period_box.setCurrentIndex(k)
            self.period_box.blockSignals(False)
        if changed and self.chart.rows:
            self._plot()
        self._update_breakdown()

    def period_clicked(self, k: int) -> MembersDialog | None:
        """A click on a period in the chart: choose it, and list its citizens."""
        self.select_period(k)
        return self.open_members(self.model.index(k, 0))

    def _update_save_buttons(self) -> None:
        self.save_button.setEnabled(self.chart.has_chart and bool(self.chart.rows))
        self.board_save_button.setEnabled(self.board_chart.has_chart)

    # --- the board over time ---------------------------------------------------------------------------
    def _load_board(self) -> None:
        """Read the meetings when the tab is first shown (the first chart drawn is the visible one)."""
        if self._board_loaded or self.project is None or self.tabs.currentIndex() != 1:
            return
        self._board_loaded = True
        history = BoardRepository(self.project).history()
        self.board_chart.plot(history, title=self.tr("Tavlen over tid"))
        self._update_save_buttons()
        self.board_ready.emit()

    def open_members(self, index: QModelIndex) -> MembersDialog | None:
        result = index.data(ResultsModel.RESULT_ROLE) if index.isValid() else None
        if result is None:
            return None
        dialog = members_dialog(result, self)
        dialog.citizen_chosen.connect(self.open_citizen_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_citizen_id(self, citizen_id: str):
        """A citizen chosen in the drill-down: their window, beside the page (as the register
        opens it); what is saved there counts the measures again (``changed``)."""
        from fsm_desktop.views.citizens.window import CitizenWindow

        assert self.project is not None, "a drill-down is only shown for a project"
        return CitizenWindow.open_beside(self, citizen_id)
