"""Statusskema: the monthly status sheet (seeds/004 Bilag 2) on screen — rows the measures,
columns the 0-punkt, each month and the goals; each cell a count and a share coloured against
its goal; goals edited in place; the coordination group's meetings ticked per month; the last
month chosen; the whole sheet exported to Excel as it is shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from fsm_desktop.domain.danish import date_dots, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import Member, Month
from fsm_desktop.domain.status_sheet import (
    MARK,
    MAX_MONTH_HOURS,
    Row,
    StatusSheet,
    month_label,
)
from fsm_desktop.operations import status as status_ops
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.status import status_sheet
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.status_sheet import StatusSheetRepository
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.members import MembersDialog
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.measures.dialogs import members_dialog
from fsm_desktop.views.status.models import StatusSheetModel

#: Light fills with dark text (contrast on a projector); the ✓ / ✗ marks say the same without colour.


def _t(text: str) -> str:
    return QCoreApplication.translate("StatusSheetPage", text)


class StatusSheetPage(Page):
    key = "statusskema"
    #: The sheet counts everything: citizens, step-up meetings, job brokers, goals, settings.
    shows = Changes(citizens=True, stepup=True, staff=True, goals=True, imports=True)
    sheet_ready = Signal()
    exported = Signal(str)
    members_shown = Signal(object)  # the MembersDialog of a cell

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Statusskema"),
            self.tr(
                "Det månedlige statusskema til teamet, styregruppen og STAR: 0-punkt, én kolonne pr. måned "
                "og målene. Grøn ✓: målet er nået, rød ✗: ikke nået. Dobbeltklik på en måned for at se "
                "borgerne bag tallet, og på et mål for at ændre det."
            ),
            parent,
        )
        self.sheet: StatusSheet | None = None
        self._generation = 0
        self._laptop_text: str | None = None
        self._months: list[Month] = []
        self._build_toolbar()
        self._build_messages()
        self._build_table()
        self._connect_signals()

    # --- building ---------------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        """The sheet's last month, the hours limit for ordinary hours, and the export."""
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(QLabel(self.tr("Til og med:"), self))
        self.month_box = QComboBox(self)
        self.month_box.setAccessibleName(self.tr("Skemaets sidste måned"))
        self.month_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(self.month_box)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Ordinære timer over:"), self))
        self.hours_box = QDoubleSpinBox(self)
        self.hours_box.setRange(0, MAX_MONTH_HOURS)
        self.hours_box.setDecimals(1)
        self.hours_box.setSuffix(self.tr(" timer pr. md."))
        self.hours_box.setAccessibleName(self.tr("Timegrænse for ordinære timer"))
        self.hours_box.setKeyboardTracking(False)
        self.team_only("Statusskemaets indstillinger", self.hours_box)
        top.addWidget(self.hours_box)
        top.addStretch(1)
        self.export_button = QPushButton(self.tr("Eksportér til Excel…"), self)
        self.export_button.setEnabled(False)
        top.addWidget(self.export_button)
        self.body.addLayout(top)

    def _build_messages(self) -> None:
        self.status_label = QLabel(self)
        self.status_label.setObjectName("factLine")
        self.status_label.setWordWrap(True)
        self.body.addWidget(self.status_label)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("statusMessage")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.body.addWidget(self.message_label)
        self.empty_label = QLabel(
            self.tr("Projektet har endnu ingen borgere. Importér målgruppen på siden Import."), self
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)

    def _build_table(self) -> None:
        """The sheet: a row per measure, a column per month (fixed sizes: two lines a row)."""
        self.model = StatusSheetModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        # Whole columns: scrolled a column at a time, and as wide as makes the table's width
        # a whole number of them (_fit_columns), so no month is cut in half at either edge.
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 12)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns = self.view.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        #: The narrowest a column may be ("✗ 100,0 %" in full), and the label column's width
        #: before it takes the pixels left over by whole columns.
        self._column_width = max(92, self.fontMetrics().horizontalAdvance("✗ 100,0 %") + 24)
        self._label_width = 0
        columns.setDefaultSectionSize(self._column_width)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_columns)
        self.view.viewport().installEventFilter(self)
        self.view.hide()
        self.body.addWidget(self.view, 1)
        # The sheet's room while it is hidden (no citizens yet): the lines above stay together.
        self.body.addStretch(0)

    def _connect_signals(self) -> None:
        self.month_box.currentIndexChanged.connect(self._month_chosen)
        self.hours_box.valueChanged.connect(self._hours_changed)
        self.export_button.clicked.connect(self.export)
        self.model.goal_edited.connect(self._write_goal)
        self.model.mark_toggled.connect(self._write_mark)
        self.model.invalid.connect(self._tell)
        # activated: a double-click that does not edit (a month's cell), and Enter.
        self.view.activated.connect(self.open_cell)

    # --- loading --------------------------------------------------------------------------------
    def apply_read_only(self) -> None:
        super().apply_read_only()
        # The goals, the coordination meetings and the hours' limit belong to the team copy.
        self.hours_box.setEnabled(not self.read_only and not self.laptop_copy)
        self.model.read_only = (
            self.read_only or self.laptop_copy
        )  # flags() is asked at each edit and click
        reason = self.team_only_reason("Statusskemaets mål")
        if reason is not None:
            self._tell(reason, error=False)
        elif self.message_label.text() == self._laptop_text:  # a laptop copy's, no longer true
            self.message_label.hide()
        self._laptop_text = reason

    def set_project(self, project: Project | None) -> None:
        self._generation += 1
        self.sheet = None
        self.model.set_sheet(None)
        self.export_button.setEnabled(False)
        self._months = []
        super().set_project(project)

    def load(self, project: Project) -> None:
        initiative = project.initiative
        self.today = project.as_of()
        first, end = Month.of(initiative.start), Month.of(initiative.end)
        if not self._months:
            self._months = [first + i for i in range(end.index - first.index + 1)]
            self.month_box.blockSignals(True)
            self.month_box.clear()
            for month in self._months:
                self.month_box.addItem(month_label(str(month)), str(month))
            self.month_box.setCurrentIndex(
                min(max(Month.of(self.today).index - first.index, 0), len(self._months) - 1)
            )
            self.month_box.blockSignals(False)
        self.hours_box.blockSignals(True)
        self.hours_box.setValue(StatusSheetRepository(project).hours_over())
        self.hours_box.blockSignals(False)
        self._compute(project)

    def _compute(self, project: Project) -> None:
        last = Month.parse(self.month_box.currentData())
        self._generation += 1
        generation, connect, today = self._generation, project.connector(), self.today
        self.status_label.setText(self.tr("Beregner statusskemaet …"))
        self.export_button.setEnabled(False)

        def work() -> StatusSheet:
            with connect() as own:
                return status_sheet(own, last, today)

        run_in_background(
            work, lambda sheet: self._sheet_loaded(sheet, generation), self._failed, self
        )

    def _sheet_loaded(self, sheet: StatusSheet, generation: int) -> None:
        if generation != self._generation:
            return
        self.sheet = sheet
        self.model.set_sheet(sheet)
        empty = sheet.citizens == 0
        self.empty_label.setVisible(empty)
        self.view.setVisible(not empty)
        self.export_button.setEnabled(not empty)
        months = len(sheet.data_columns) - 1
        self.status_label.setText(
            (
                self.tr("{n} borgere i projektet · 1 måned til og med {last} · opgjort {today}")
                if months == 1
                else self.tr(
                    "{n} borgere i projektet · {months} måneder til og med {last} · opgjort {today}"
                )
            ).format(
                n=number(sheet.citizens),
                months=months,
                last=month_label(str(sheet.last)),
                today=date_dots(sheet.as_of),
            )
        )
        self._fit_label_column()
        # The newest months and the goals are what the meeting looks at: show them.
        if self.model.columnCount():
            self.view.scrollTo(self.model.index(0, self.model.columnCount() - 1))
        self.sheet_ready.emit()

    def _fit_label_column(self) -> None:
        """The measure names in full: as wide as the widest line in the heading's bold font."""
        header = self.view.verticalHeader()
        font = QFont(header.font())
        font.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(font)
        widest = max(
            (
                metrics.horizontalAdvance(line)
                for r in range(self.model.rowCount())
                for line in str(self.model.headerData(r, Qt.Orientation.Vertical)).split("\n")
            ),
            default=0,
        )
        self._label_width = widest + 2 * metrics.averageCharWidth() + 16
        header.setFixedWidth(self._label_width)
        self._fit_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            # After the table's layout: it ignores a change of the label column made inside it.
            self._fit_timer.start()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The months as whole columns at any window size: when they do not all fit at their
        narrowest, as many as fit share the width, and the label column takes the pixels left
        over, so the table's right edge is a column's edge (scrolled a column at a time, the
        left edge is one too). The split is worked out from the width of labels and months
        together, so the label column's change of width does not change it again."""
        count = self.model.columnCount()
        if not count or not self._label_width:
            return
        header = self.view.verticalHeader()
        # The viewport's left margin is the label column's width as the table last laid it out.
        margin = self.view.viewportMargins().left()
        available = self.view.viewport().width() + margin - self._label_width
        narrowest = self._column_width
        if count * narrowest <= available:
            width, extra = narrowest, 0  # all of them fit: no scrolling, nothing cut
        else:
            shown = max(1, available // narrowest)
            width = max(narrowest, available // shown)
            extra = max(0, available - shown * width)
        columns = self.view.horizontalHeader()
        columns.setDefaultSectionSize(width)
        for k in range(count):
            if columns.sectionSize(k) != width:
                columns.resizeSection(k, width)
        if margin != self._label_width + extra:
            header.setFixedWidth(self._label_width + extra)
            self.view.updateGeometries()  # the table does not lay out again by itself
        # The months' offset as the scroll bar says (the table keeps the old one otherwise).
        bar = self.view.horizontalScrollBar()
        if bar.value() >= bar.maximum():
            columns.setOffsetToLastSection()
        else:
            columns.setOffsetToSectionPosition(bar.value())

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.status_label.setText(translate_error(exc))
            return
        self.status_label.setText(self.tr("Statusskemaet kunne ikke beregnes."))
        raise exc

    def _month_chosen(self) -> None:
        if self.project is not None and self._months:
            self._compute(self.project)

    # --- edits ----------------------------------------------------------------------------------
    def _tell(self, message: str, error: bool = True) -> None:
        self.message_label.setText(message)
        self.message_label.setStyleSheet("color: #7f1d1d;" if error else "color: #14532d;")
        self.message_label.show()

    def _write_goal(self, row_id: str, month: str, value: float | None) -> None:
        if self.project is None or self.sheet is None:
            return
        row = self.sheet.row(row_id)
        try:
            self.done(
                status_ops.set_goal(self.project, row_id, month, value, row.label, row.goal_unit)
            )
        except KnownError as error:
            self._tell(translate_error(error))
            return
        self.model.set_goal(row_id, month, value)
        if value is None:
            self._tell(
                self.tr("Målet for »{label}« i {month} er fjernet.").format(
                    label=row.label, month=month_label(month)
                ),
                False,
            )
        else:
            self._tell(
                self.tr("Målet for »{label}« i {month} er gemt.").format(
                    label=row.label, month=month_label(month)
                ),
                False,
            )

    def _write_mark(self, month: str, held: bool) -> None:
        if self.project is None:
            return
        try:
            self.done(status_ops.set_coordination(self.project, month, held))
        except KnownError as error:
            self._tell(translate_error(error))
            return
        self.model.set_mark(month, held)

    def _hours_changed(self, value: float) -> None:
        if self.project is None:
            return
        try:
            self.done(status_ops.set_hours_over(self.project, value))
        except KnownError as error:
            self._tell(translate_error(error))
            return
        self._compute(self.project)

    # --- the citizens behind a cell ---------------------------------------------------------------
    def open_cell(self, index: QModelIndex) -> None:
        """A double-click or Enter on a cell: a goal is edited; a month's count of citizens
        lists them (``members_shown``), counted as the sheet counted the cell; any other cell
        says why it has no citizens to show."""
        if not index.isValid() or self.sheet is None:
            return
        k, row = index.column(), index.data(StatusSheetModel.ROW_ROLE)
        if self.model.is_goal_column(k):
            if self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.view.edit(index)  # Enter edits a goal as a double-click does
            return
        why = self.model.why_no_citizens(row, k)
        if why:
            if row.unit != MARK:  # the coordination row's cells are ticked, not explained
                self._tell(why, error=False)
            return
        if row.engine:
            self._show_measure_members(row, k)
            return
        if self.project is None:
            return
        sheet, generation, connect = self.sheet, self._generation, self.project.connector()

        def work() -> tuple[list[Member], list[Member]]:
            with connect() as own:
                return status_ops.status_cell_members(own, sheet.last, row.id, k)

        run_in_background(
            work,
            lambda found: self._cell_members_done(found, row, k, generation),
            self._failed,
            self,
        )

    def _column_text(self, k: int) -> str:
        assert self.sheet is not None, "a cell is opened on a sheet"
        column = self.sheet.columns[k]
        if column.kind == "baseline" and column.day is not None:
            return self.tr("0-punkt {day}").format(day=date_dots(column.day))
        return month_label(column.month)

    def _cell_members_done(
        self, found: tuple[list[Member], list[Member]], row: Row, k: int, generation: int
    ) -> None:
        if generation != self._generation:
            return  # the sheet was counted again meanwhile: its cell may say otherwise
        numerator, denominator = found
        summary = self.tr("{n} af {d} borgere. {definition}").format(
            n=number(len(numerator)), d=number(len(denominator)), definition=row.definition
        )
        dialog = MembersDialog(
            self.tr("{row}: {column}").format(row=row.label, column=self._column_text(k)),
            summary,
            [(self.tr("Tæller ({n})"), numerator), (self.tr("Nævner ({n})"), denominator)],
            self,
        )
        self._show_members(dialog)

    def _show_measure_members(self, row: Row, k: int) -> None:
        """One of the initiative's measures: its result for the period ending in the column's
        month, as the Mål page lists it."""
        assert self.sheet is not None, "a cell is opened on a sheet"
        month = self.sheet.columns[k].month
        report = self.sheet.report
        results = report.for_measure(row.id) if report is not None else []
        result = next((r for r in results if str(r.period_end) == month), None)
        if result is None:
            return
        self._show_members(members_dialog(result, self))

    def _show_members(self, dialog: MembersDialog) -> None:
        dialog.citizen_chosen.connect(self.open_citizen_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.members_shown.emit(dialog)

    def open_citizen_id(self, citizen_id: str):
        """A citizen chosen in a cell's list: their window, beside the page (as Mål opens it);
        what is saved there counts the sheet again (``changed``)."""
        from fsm_desktop.views.citizens.window import CitizenWindow

        assert self.project is not None, "a cell's list is only shown for a project"
        return CitizenWindow.open_beside(self, citizen_id)

    # --- export ---------------------------------------------------------------------------------
    def export(self) -> None:
        if self.project is None or self.sheet is None:
            return
        initiative = self.project.initiative
        program_name = self.project.template.name
        suggested = str(
            file_dialogs.documents_folder()
            / f"Statusskema {initiative.name} {self.sheet.last}.xlsx"
        )
        path, _ = file_dialogs.get_save_file_name(
            self, self.tr("Eksportér statusskemaet"), suggested, self.tr("Excel-fil (*.xlsx)")
        )
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        sheet = self.sheet
        self.export_button.setEnabled(False)
        self.status_label.setText(self.tr("Gemmer {path} …").format(path=path))

        def work() -> Path:
            from fsm_desktop.exchange.status_export import write_status_workbook

            return write_status_workbook(path, sheet, initiative, program_name=program_name)

        run_in_background(work, self._export_done, self._export_failed, self)

    def _export_done(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.status_label.setText(self.tr("Statusskemaet er gemt i {path}.").format(path=str(path)))
        self.exported.emit(str(path))

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, KnownError):
            self._tell(translate_error(exc))
            return
        raise exc
