"""The Medarbejdere page: the staff register, caseloads per person and per full-time equivalent
on a chosen month against the initiative's limits, month by month back in time, a bar chart
with the limit lines (and the IPS bands when chosen), and moving citizens: "Omfordel …",
"Fordel sagsstamme …" for a leaving employee, "Fortryd seneste omfordeling".

Every rule is in domain.caseload (docs/caseload.md); storage.staff writes. The data is read off
the GUI thread; the chart imports matplotlib only when it is first drawn."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.caseload import (
    CASELOAD_ROLE,
    COUNTED_ROLES,
    AssignmentRows,
    CaseloadReport,
    StaffRecord,
    month_days,
)
from fsm_desktop.domain.danish import date_text, month_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations import staff as staff_ops
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.staff import caseloads
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.staff import ReassignmentRecord, StaffRegister
from fsm_desktop.views.kit.errors import ERROR_STYLE
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tables import fit_columns
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.staff.actions import StaffActions
from fsm_desktop.views.staff.chart import CaseloadChart
from fsm_desktop.views.staff.dialogs import LimitsDialog, StaffDialog
from fsm_desktop.views.staff.history_model import HistoryModel
from fsm_desktop.views.staff.models import StaffTableModel
from fsm_desktop.views.staff.month_view import StaffMonthView
from fsm_desktop.views.staff.plan_dialogs import ReassignDialog, SpreadDialog

WARNING_STYLE = "background: #fff8e1; border: 1px solid #c98a00; padding: 6px; color: #3d2a00;"
NOTICE_STYLE = "color: #1b4d2e;"


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


# --- the data ------------------------------------------------------------------------------------------
@dataclasses.dataclass
class StaffData:
    """What the page shows, read off the GUI thread."""

    report: CaseloadReport
    rows: AssignmentRows
    latest: ReassignmentRecord | None
    today: dt.date


# --- the page --------------------------------------------------------------------------------------------
class StaffPage(StaffMonthView, StaffActions, Page):
    key = "medarbejdere"
    #: emitted when the page shows fresh data (tests and screenshots wait for it)
    data_ready = Signal()
    #: The register and the caseloads: who has whom (citizens who leave leave the caseloads).
    shows = Changes(citizens=True, staff=True)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Medarbejdere"),
            self.tr(
                "Registret over medarbejdere og deres sagsstammer: borgere pr. medarbejder og pr. fuldtid (37 timer) "
                "mod indsatsens grænser, i dag og måned for måned. Pseudo-sagsbehandlere og deres borgere tæller ikke med."
            ),
            parent,
        )
        self.data: StaffData | None = None
        self.today = dt.date.today()
        self._generation = 0
        self._chart_dirty = False

        self._build_toolbar()
        self._build_messages()
        self._build_overview_tab()
        self._build_history_tab()
        self.body.addWidget(self.tabs, 1)
        # The tabs' room while they are hidden (no staff yet): the lines above stay together,
        # the buttons at the bottom.
        self.body.addStretch(0)
        self._build_reassign_bar()
        self._connect_signals()

    def _build_toolbar(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Opgjort pr."), self))
        self.month_box = QComboBox(self)
        self.month_box.setAccessibleName(self.tr("Måned"))
        self.month_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_box.setMinimumWidth(150)
        top.addWidget(self.month_box)
        top.addSpacing(12)
        self.fte_radio = QRadioButton(self.tr("pr. fuldtid"), self)
        self.count_radio = QRadioButton(self.tr("antal borgere"), self)
        self.fte_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.fte_radio)
        group.addButton(self.count_radio)
        top.addWidget(QLabel(self.tr("Vis:"), self))
        top.addWidget(self.fte_radio)
        top.addWidget(self.count_radio)
        self.ips_box = QCheckBox(self.tr("IPS-bånd"), self)
        self.ips_box.setToolTip(
            self.tr(
                "IPS' troskabsskala for sagsstammer pr. fuldtids-specialist: ≤ 20, 21–25, 26–30, 31–40, ≥ 41"
            )
        )
        top.addSpacing(12)
        top.addWidget(self.ips_box)
        top.addStretch(1)
        self.new_button = QPushButton(self.tr("Ny medarbejder …"), self)
        self.edit_button = QPushButton(self.tr("Redigér …"), self)
        self.limits_button = QPushButton(self.tr("Grænser …"), self)
        for button in (self.new_button, self.edit_button, self.limits_button):
            top.addWidget(button)
        self.writes(self.ips_box, self.new_button, self.edit_button, self.limits_button)
        self.team_only("Medarbejderlisten", self.new_button, self.edit_button)
        self.team_only("Sagsstammens grænser", self.ips_box, self.limits_button)
        self.body.addLayout(top)

    def _build_messages(self) -> None:
        self.summary = QLabel(self)
        self.summary.setObjectName("factLine")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.summary.linkActivated.connect(self._summary_link)
        self.body.addWidget(self.summary)
        self.warning_box = QLabel(self)
        self.warning_box.setStyleSheet(WARNING_STYLE)
        self.warning_box.setWordWrap(True)
        self.warning_box.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_box.hide()
        self.body.addWidget(self.warning_box)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addWidget(self.notice)

        self.empty_label = QLabel(
            self.tr(
                "Projektet har endnu ingen medarbejdere. Opret dem med »Ny medarbejder …«, "
                "eller importér dem på siden Import."
            ),
            self,
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)

        # The first reading takes a moment in a large project: say so in place of the table.
        self.loading_label = QLabel(self.tr("Henter sagsstammer …"), self)
        self.loading_label.setObjectName("emptyState")
        self.loading_label.hide()
        self.body.addWidget(self.loading_label)

    def _build_overview_tab(self) -> None:
        self.tabs = QTabWidget(self)
        overview = QWidget(self.tabs)
        overview_layout = QVBoxLayout(overview)
        overview_layout.setContentsMargins(0, 6, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, overview)
        self._build_table()
        self.chart = CaseloadChart(self.splitter)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        overview_layout.addWidget(self.splitter)
        self.tabs.addTab(overview, self.tr("Sagsstammer"))

    def _build_table(self) -> None:
        """The register with the caseloads, left in the splitter."""
        self.model = StaffTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(StaffTableModel.SORT_ROLE)
        self.view = QTableView(self.splitter)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(self.tr("Medarbejdere og sagsstammer"))
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Only "Andre sager" (HIR) can be edited in place: double-click or F2.
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.model.other_cases_entered.connect(self.save_other_cases)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.view.setColumnHidden(StaffTableModel.BAND, True)
        self.view.setColumnHidden(StaffTableModel.OTHER, True)
        # "Andre sager" (HIR) beside "Borgere nu", though it is the model's last column.
        header.moveSection(
            header.visualIndex(StaffTableModel.OTHER),
            header.visualIndex(StaffTableModel.CITIZENS) + 1,
        )

    def _build_history_tab(self) -> None:
        history = QWidget(self.tabs)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        self.history_model = HistoryModel(self)
        self.history_view = QTableView(history)
        self.history_view.setModel(self.history_model)
        self.history_view.setAccessibleName(self.tr("Sagsstammer måned for måned"))
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.setAlternatingRowColors(True)
        self.history_view.setWordWrap(False)
        self.history_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        history_layout.addWidget(self.history_view, 1)
        legend = QLabel(
            self.tr(
                "▲ og rød baggrund: over grænsen · gul baggrund: inden for intervallet (fx HIR's 30–35). "
                "Hver måned er opgjort på månedens sidste dag, indeværende måned i dag."
            ),
            history,
        )
        legend.setObjectName("dialogHint")
        legend.setWordWrap(True)
        history_layout.addWidget(legend)
        self.tabs.addTab(history, self.tr("Måned for måned"))

    def _build_reassign_bar(self) -> None:
        bottom = QHBoxLayout()
        self.reassign_button = QPushButton(self.tr("Omfordel …"), self)
        self.reassign_button.setToolTip(
            self.tr("Flyt valgte borgere fra den valgte medarbejder til en anden pr. en dato")
        )
        self.spread_button = QPushButton(self.tr("Fordel sagsstamme …"), self)
        self.spread_button.setToolTip(
            self.tr(
                "Fordel en fratrædende medarbejders borgere jævnt på kollegerne med samme rolle"
            )
        )
        self.undo_button = QPushButton(self.tr("Fortryd seneste omfordeling"), self)
        for button in (self.reassign_button, self.spread_button, self.undo_button):
            bottom.addWidget(button)
        self.writes(self.reassign_button, self.spread_button, self.undo_button)
        self.team_only(
            "Omfordeling af borgere", self.reassign_button, self.spread_button, self.undo_button
        )
        bottom.addStretch(1)
        self.body.addLayout(bottom)

    def _connect_signals(self) -> None:
        self.month_box.currentIndexChanged.connect(lambda _: self.show_month())
        self.fte_radio.toggled.connect(lambda _: self._mode_changed())
        self.ips_box.toggled.connect(self._ips_toggled)
        self.new_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_staff)
        self.limits_button.clicked.connect(self.edit_limits)
        self.reassign_button.clicked.connect(self.reassign)
        self.spread_button.clicked.connect(self.spread)
        self.undo_button.clicked.connect(self.undo_latest)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.tabs.currentChanged.connect(lambda _: self._draw_chart_if_visible())
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        initiative = project.initiative
        if self.data is None:  # nothing to show yet: say that it is coming
            self._show_loading(True)
        self.today = project.as_of()
        self._generation += 1
        generation, connect, today, first = (
            self._generation,
            project.connector(),
            self.today,
            initiative.start,
        )

        def work() -> StaffData:
            with connect() as own:
                found = caseloads(own, month_days(first, today))
            return StaffData(found.report, found.rows, found.latest, today)

        run_in_background(
            work, lambda data: self._data_loaded(data, generation), self._failed, self
        )

    def _show_loading(self, on: bool) -> None:
        self.loading_label.setVisible(on)
        self.summary.setVisible(not on)
        self.tabs.setVisible(not on)
        if on:
            self.warning_box.hide()
            self.empty_label.hide()

    def _failed(self, exc: BaseException) -> None:
        self._show_loading(False)
        if isinstance(exc, KnownError):
            self.tell(translate_error(exc), error=True)
            return
        raise exc

    def _data_loaded(self, data: StaffData, generation: int) -> None:
        if generation != self._generation:
            return
        keep = self.month_box.currentData()
        was_latest = self.month_box.currentIndex() in (-1, self.month_box.count() - 1)
        self.data = data
        self._show_loading(False)
        report = data.report
        self.month_box.blockSignals(True)
        self.month_box.clear()
        for k, (label, day) in enumerate(zip(report.labels, report.history.days)):
            text = month_text(label)
            if self.project is not None and day == self.project.today():
                text = self.tr("{month} (i dag)").format(month=text)
            self.month_box.addItem(text, k)
        latest = self.month_box.count() - 1
        self.month_box.setCurrentIndex(
            latest if was_latest or keep is None or keep > latest else keep
        )
        self.month_box.blockSignals(False)
        self.ips_box.blockSignals(True)
        self.ips_box.setChecked(report.settings.ips)
        self.ips_box.blockSignals(False)
        self.view.setColumnHidden(StaffTableModel.BAND, not report.settings.ips)
        hir = self.project is not None and self.project.template.counts_caseload
        self.view.setColumnHidden(StaffTableModel.OTHER, not hir)
        self.model.other_editable = hir and not self.read_only and not self.laptop_copy
        self.history_model.set_report(report)
        self.history_model.set_per_fte(self.fte_radio.isChecked())
        self._fit_history()
        has_staff = bool(report.staff)
        self.empty_label.setVisible(not has_staff)
        self.tabs.setVisible(has_staff)
        latest_record = data.latest
        if latest_record is not None:
            self.undo_button.setText(
                self.tr("Fortryd seneste omfordeling ({citizens} pr. {d})").format(
                    citizens=citizens_text(latest_record.citizens), d=date_text(latest_record.day)
                )
            )
        else:
            self.undo_button.setText(self.tr("Fortryd seneste omfordeling"))
        self.show_month()
        self.data_ready.emit()

    def _fit_history(self) -> None:
        fit_columns(self.history_view, self.history_model, {HistoryModel.NAME: 160})

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.view.isColumnHidden(StaffTableModel.OTHER):
            self._balance()
        else:
            self._fit_table()  # the names' room depends on the width

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._draw_chart_if_visible()

    # --- selection and buttons --------------------------------------------------------------------------
    def selected_record(self) -> StaffRecord | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            return None
        return self.proxy.data(rows[0], StaffTableModel.RECORD_ROLE)

    def select_staff(self, staff_id: str) -> bool:
        row = self.model.row_of(staff_id)
        if row < 0:
            return False
        self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        return True

    def _update_buttons(self) -> None:
        record = self.selected_record()
        # Staff, limits and reassignments belong to the team copy (disabled on a laptop copy,
        # the reason in the tooltip: Page.team_only).
        ready = self.data is not None and self.project is not None and not self.laptop_copy
        self.new_button.setEnabled(self.project is not None and not self.laptop_copy)
        self.limits_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and record is not None)
        holds = record is not None and record.role in CASELOAD_ROLE
        self.reassign_button.setEnabled(ready and holds)
        counted = record is not None and record.role in COUNTED_ROLES
        self.spread_button.setEnabled(ready and holds and counted)
        self.undo_button.setEnabled(
            ready and self.data is not None and self.data.latest is not None
        )

    def apply_read_only(self) -> None:
        super().apply_read_only()
        if self.read_only:
            self.model.other_editable = False

    def _double_clicked(self, index) -> None:
        if (
            index.column() == StaffTableModel.OTHER
            and self.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return  # the cell is being edited
        self.edit_staff()

    def save_other_cases(self, staff_id: str, month: str, cases: int) -> bool:
        """HIR: a caseworker's cases outside the target group in the month shown."""
        if self.project is None or self.refuse_if_read_only():
            return False
        try:
            staff_ops.set_other_cases(self.project, staff_id, month, cases)
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return False
        record = StaffRegister(self.project).get(staff_id)
        who = record.initials if record else ""
        self.tell(
            self.tr(
                "{who} har {cases} andre sager i {month}; grænsen gælder hele sagsstammen."
            ).format(who=who, cases=number(cases), month=month_text(month))
        )
        self._changed()
        return True

    def tell(self, text: str, error: bool = False) -> None:
        self.notice.setStyleSheet(ERROR_STYLE if error else NOTICE_STYLE)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _changed(self) -> None:
        """The page wrote (staff, caseloads, a reassignment): the other pages are told, and this
        one reads again."""
        self.changed.emit(staff_ops.STAFF, self)
        self.reload()


__all__ = [
    "CaseloadChart",
    "LimitsDialog",
    "ReassignDialog",
    "SpreadDialog",
    "StaffDialog",
    "StaffPage",
]
