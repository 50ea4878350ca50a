"""Statusskema: the monthly status sheet (seeds/004 Bilag 2) on screen — rows the measures,
columns the 0-punkt, each month and the goals; each cell a count and a share coloured against
its goal; goals edited in place; the coordination group's meetings ticked per month; the last
month chosen; the whole sheet exported to Excel as it is shown."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics
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

from fsm_desktop.domain.danish import number, percent
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.status_sheet import (
    COORDINATION,
    COUNT,
    MARK,
    MAX_MONTH_HOURS,
    NOT_RELEVANT,
    OK,
    RATIO,
    SHARE,
    Cell,
    Row,
    StatusSheet,
    month_label,
    parse_goal,
)
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.status_sheet import StatusSheetRepository
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background

#: Light fills with dark text (contrast on a projector); the ✓ / ✗ marks say the same without colour.
MET_BACKGROUND, MET_TEXT = QColor("#d9f0dc"), QColor("#14532d")
NOT_MET_BACKGROUND, NOT_MET_TEXT = QColor("#f9d9d6"), QColor("#7f1d1d")
NO_DATA_BACKGROUND, NO_DATA_TEXT = QColor("#eef0f3"), QColor("#6b7280")
GOAL_BACKGROUND = QColor("#fff6d6")


def _t(text: str) -> str:
    return QCoreApplication.translate("StatusSheetPage", text)


def wrap_label(label: str, width: int = 34) -> str:
    """A long measure name on two lines (the rows are two lines tall), broken at a space."""
    if len(label) <= width:
        return label
    lines = textwrap.wrap(label, width=max(width, (len(label) + 1) // 2 + 1))
    return "\n".join([*lines[:1], " ".join(lines[1:])])


class StatusSheetModel(QAbstractTableModel):
    """One row per measure, one column per sheet column (0-punkt, months, goals). Goal cells
    are editable: the model checks the text and asks for the write (``goal_edited``); the
    page writes and then calls :meth:`set_goal`. The coordination row's month cells are
    checkable (``mark_toggled``, then :meth:`set_mark`)."""

    CELL_ROLE = Qt.ItemDataRole.UserRole + 1  # the Cell (or None)
    MET_ROLE = Qt.ItemDataRole.UserRole + 2  # True / False / None
    ROW_ROLE = Qt.ItemDataRole.UserRole + 3  # the Row

    goal_edited = Signal(str, str, object)  # row id, goal month, value (None: removed)
    mark_toggled = Signal(str, bool)  # month, held
    invalid = Signal(str)  # a Danish message about what the user typed

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        #: A project open read-only: goals and coordination marks cannot be changed.
        self.read_only = False
        self.sheet: StatusSheet | None = None
        self._rows: list[Row] = []
        self._data_count = 0

    def set_sheet(self, sheet: StatusSheet | None) -> None:
        self.beginResetModel()
        self.sheet = sheet
        self._rows = list(sheet.rows) if sheet is not None else []
        self._data_count = len(sheet.data_columns) if sheet is not None else 0
        self.endResetModel()

    # --- shape ----------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.sheet is None else len(self.sheet.columns)

    def is_goal_column(self, column: int) -> bool:
        return column >= self._data_count

    def row_of(self, row_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row.id == row_id:
                return i
        return -1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if self.sheet is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.sheet.columns):
                return None
            column = self.sheet.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                if column.kind == "baseline":
                    return _t("0-punkt\n{day}").format(day=f"{column.day:%d.%m.%Y}")
                if column.kind == "goal":
                    return _t("Mål\n{month}").format(month=month_label(column.month))
                return month_label(column.month).replace(" ", "\n")
            if role == Qt.ItemDataRole.ToolTipRole and column.kind == "baseline":
                return _t("Status på 0-punktets dag; hver måned tæller én dags berøring.")
            return None
        if not 0 <= section < len(self._rows):
            return None
        row = self._rows[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return wrap_label(row.label)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.definition
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self._rows[index.row()]
        if self.read_only:
            return flags
        if self.is_goal_column(index.column()):
            if row.goal_editable:
                flags |= Qt.ItemFlag.ItemIsEditable
        elif row.id == COORDINATION and row.cells[index.column()] is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # --- contents -------------------------------------------------------------------------------
    def _goal_text(self, row: Row, value: float | None) -> str:
        if value is None:
            return "–"
        if row.goal_unit == SHARE:
            return percent(value, trim=True)
        return number(value)

    def _cell_text(self, row: Row, k: int, met: bool | None) -> str:
        cell = row.cells[k]
        if row.availability != OK:
            return (
                _t("ikke relevant for indsatsen")
                if row.availability == NOT_RELEVANT
                else _t("ingen data")
            )
        if k in row.no_data_columns:  # before the first registration of the row's fact
            return _t("ingen data")
        if cell is None:
            return ""
        mark = {True: "✓ ", False: "✗ ", None: ""}[met]
        if row.unit == COUNT:
            return _t("{held}\n{mark}i alt {total}").format(
                held=number(cell.count), mark=mark, total=number(cell.cumulative or 0)
            )
        if row.unit == RATIO:
            ratio = "–" if cell.share is None else number(round(cell.share, 1))
            return _t("{n}\n{mark}{ratio} pr. fuldtid").format(
                n=number(cell.count), mark=mark, ratio=ratio
            )
        return "{n}\n{mark}{share}".format(
            n=number(cell.count), mark=mark, share=percent(cell.share)
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or self.sheet is None or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column_index = index.column()
        if not 0 <= column_index < len(self.sheet.columns):
            return None
        column = self.sheet.columns[column_index]
        if role == self.ROW_ROLE:
            return row
        if self.is_goal_column(column_index):
            value = row.goals.get(column.month)
            if role == Qt.ItemDataRole.DisplayRole:
                return self._goal_text(row, value) if row.goal_editable or value is not None else ""
            if role == Qt.ItemDataRole.EditRole:
                if value is None:
                    return ""
                return number(value * 100 if row.goal_unit == SHARE else value, 4)
            if role == Qt.ItemDataRole.BackgroundRole:
                return GOAL_BACKGROUND if row.goal_editable else NO_DATA_BACKGROUND
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            if role == Qt.ItemDataRole.ToolTipRole and row.goal_editable:
                unit = _t("i procent, 0–100") if row.goal_unit == SHARE else _t("et antal")
                return _t(
                    "Dobbeltklik for at ændre målet for {month} ({unit}); tomt fjerner målet."
                ).format(month=month_label(column.month), unit=unit)
            return None
        cell = row.cells[column_index] if column_index < len(row.cells) else None
        if role == self.CELL_ROLE:
            return cell
        met = row.met(column_index, column.month)
        if role == self.MET_ROLE:
            return met
        if row.unit == MARK and row.availability == OK:
            if role == Qt.ItemDataRole.CheckStateRole and cell is not None:
                return Qt.CheckState.Checked if cell.count else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole and cell is not None:
                return _t("Sæt kryds, når koordineringsgruppen har holdt møde i {month}.").format(
                    month=month_label(column.month)
                )
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(row, column_index, met)
        # A row without data, or a column before the first registration of the row's fact: greyed.
        no_data = bool(row.cell_note(column_index))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if no_data:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if no_data:
                return NO_DATA_BACKGROUND
            if met is not None:
                return MET_BACKGROUND if met else NOT_MET_BACKGROUND
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if no_data:
                return NO_DATA_TEXT
            if met is not None:
                return MET_TEXT if met else NOT_MET_TEXT
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column_index, column.month, met)
        return None

    def _tooltip(self, row: Row, k: int, month: str, met: bool | None) -> str:
        lines = [row.label, row.definition]
        if row.cell_note(k) and row.no_data_reason:
            lines.append(row.no_data_reason)  # why: the fact was not registered yet (not a "nej")
            return "\n".join(lines)
        goal = row.goal_for(month)
        if goal is not None and row.availability == OK:
            text = self._goal_text(row, goal)
            if met is None:
                lines.append(_t("Mål: {goal}").format(goal=text))
            else:
                lines.append(
                    (
                        _t("Mål: {goal} – opfyldt") if met else _t("Mål: {goal} – ikke opfyldt")
                    ).format(goal=text)
                )
        cell = row.cells[k] if k < len(row.cells) else None
        if cell is not None and row.unit == SHARE and cell.denominator is not None:
            lines.append(_t("{n} af {d}").format(n=number(cell.count), d=number(cell.denominator)))
        return "\n".join(lines)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or self.sheet is None:
            return False
        row = self._rows[index.row()]
        column = self.sheet.columns[index.column()]
        if (
            role == Qt.ItemDataRole.EditRole
            and self.is_goal_column(index.column())
            and row.goal_editable
        ):
            try:
                parsed = parse_goal(str(value), row.goal_unit)
            except KnownError as error:
                self.invalid.emit(translate_error(error))
                return False
            if parsed != row.goals.get(column.month):
                self.goal_edited.emit(row.id, column.month, parsed)
            return False  # the page writes, then calls set_goal
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and row.id == COORDINATION
            and column.kind == "month"
        ):
            self.mark_toggled.emit(column.month, Qt.CheckState(value) == Qt.CheckState.Checked)
            return False  # the page writes, then calls set_mark
        return False

    # --- after a write ------------------------------------------------------------------------
    def set_goal(self, row_id: str, month: str, value: float | None) -> None:
        """The goal was written: show it, and the row's colours against it."""
        r = self.row_of(row_id)
        if r < 0 or self.sheet is None:
            return
        goals = self._rows[r].goals
        if value is None:
            goals.pop(month, None)
        else:
            goals[month] = value
        self.dataChanged.emit(self.index(r, 0), self.index(r, self.columnCount() - 1))

    def set_mark(self, month: str, held: bool) -> None:
        r = self.row_of(COORDINATION)
        if r < 0 or self.sheet is None:
            return
        row = self._rows[r]
        for k, column in enumerate(self.sheet.data_columns):
            if column.kind == "month" and column.month == month and row.cells[k] is not None:
                row.cells[k] = Cell(1 if held else 0)
                index = self.index(r, k)
                self.dataChanged.emit(index, index)


class StatusSheetPage(Page):
    key = "statusskema"
    sheet_ready = Signal()
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Statusskema"),
            self.tr(
                "Det månedlige statusskema til teamet, styregruppen og STAR: 0-punkt, én kolonne pr. måned "
                "og målene. Grøn ✓: målet er nået, rød ✗: ikke nået. Dobbeltklik på et mål for at ændre det."
            ),
            parent,
        )
        self.sheet: StatusSheet | None = None
        self._generation = 0
        self._laptop_text: str | None = None
        self._months: list[Month] = []
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
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 12)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        columns = self.view.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        columns.setDefaultSectionSize(
            max(92, self.fontMetrics().horizontalAdvance("✗ 100,0 %") + 24)
        )
        self.view.hide()
        self.body.addWidget(self.view, 1)

        self.month_box.currentIndexChanged.connect(self._month_chosen)
        self.hours_box.valueChanged.connect(self._hours_changed)
        self.export_button.clicked.connect(self.export)
        self.model.goal_edited.connect(self._write_goal)
        self.model.mark_toggled.connect(self._write_mark)
        self.model.invalid.connect(self._tell)

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
        self.today = min(dt.date.today(), initiative.end)
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
                return StatusSheetRepository(own).sheet(last, today)

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
                today=f"{sheet.as_of:%d.%m.%Y}",
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
        header.setFixedWidth(widest + 2 * metrics.averageCharWidth() + 16)

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
            StatusSheetRepository(self.project).set_goal(
                row_id, month, value, row.label, row.goal_unit
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
            StatusSheetRepository(self.project).set_coordination(month, held)
        except KnownError as error:
            self._tell(translate_error(error))
            return
        self.model.set_mark(month, held)

    def _hours_changed(self, value: float) -> None:
        if self.project is None:
            return
        try:
            StatusSheetRepository(self.project).set_hours_over(value)
        except KnownError as error:
            self._tell(translate_error(error))
            return
        self._compute(self.project)

    # --- export ---------------------------------------------------------------------------------
    def export(self) -> None:
        if self.project is None or self.sheet is None:
            return
        initiative = self.project.initiative
        program_name = self.project.template.name
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        suggested = str(Path(folder) / f"Statusskema {initiative.name} {self.sheet.last}.xlsx")
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
