"""The chosen month: the caseload table and chart for one month, the columns fitted and the chart
drawn when it shows."""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFontMetrics

from fsm_desktop.domain.caseload import ROLE_PLURAL, Status, shown
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations import staff as staff_ops
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.tables import fit_columns
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.staff.models import SHORT_STATUS, StaffTableModel, load_text, loads_for

if TYPE_CHECKING:
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtWidgets import QComboBox, QLabel, QRadioButton, QSplitter, QTableView

    from fsm_desktop.domain.caseload import StaffRecord
    from fsm_desktop.views.kit.page import Page as _PageBase
    from fsm_desktop.views.staff.chart import CaseloadChart
    from fsm_desktop.views.staff.history_model import HistoryModel
    from fsm_desktop.views.staff.page import StaffData
else:
    _PageBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


#: The summary names everyone over their limit up to this many; beyond, the worst few.
OVER_NAMED = 8
OVER_WORST = 3


class StaffMonthView(_PageBase):
    """Mixed into StaffPage: the chosen month: the caseload table and chart for one month, the
    columns fitted and the chart drawn when it shows."""

    if TYPE_CHECKING:  # what StaffPage provides
        data: StaffData | None
        month_box: QComboBox
        fte_radio: QRadioButton
        summary: QLabel
        warning_box: QLabel
        splitter: QSplitter
        model: StaffTableModel
        proxy: QSortFilterProxyModel
        view: QTableView
        chart: CaseloadChart
        history_model: HistoryModel

        def selected_record(self) -> StaffRecord | None: ...
        def tell(self, text: str, error: bool = False) -> None: ...
        def _update_buttons(self) -> None: ...
        def _fit_history(self) -> None: ...

    # --- the chosen month ----------------------------------------------------------------------------
    @property
    def k(self) -> int:
        value = self.month_box.currentData()
        return value if value is not None else 0

    def show_month(self) -> None:
        if self.data is None:
            return
        report = self.data.report
        k = self.k
        if not report.history.days:
            return
        day = report.history.days[k]
        selected = self.selected_record()
        self.model.set_loads(loads_for(report, k), today=k == len(report.history.days) - 1)
        self._fit_table()
        row = self.model.row_of(selected.id) if selected is not None else -1
        if self.model.rowCount():
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(max(row, 0), 0)).row())
        parts = []
        for team in report.teams(k):
            limit = (
                self.tr(" (grænse {limit})").format(limit=team.limit.label()) if team.limit else ""
            )
            mark = "▲ " if team.status is Status.OVER else ""
            parts.append(
                self.tr(
                    "{mark}{role}: {citizens} på {fte} fuldtid = {load} pr. fuldtid{limit}"
                ).format(
                    mark=mark,
                    role=ROLE_PLURAL[team.role],
                    citizens=citizens_text(team.citizens),
                    fte=number(team.hours / 37, 2),
                    load=load_text(team.per_fte),
                    limit=limit,
                )
            )
        people = [p for p in report.people(k) if shown(p)]
        over = [p for p in people if p.status is Status.OVER]
        tooltip = ""
        if len(over) > OVER_NAMED:
            # A large municipality: how many, the worst few, and the rest behind a link that
            # shows only them in the table (and a tooltip with all).
            worst = sorted(over, key=lambda p: -float(p.whole_per_fte or p.per_fte or 0))
            parts.append(
                self.tr(
                    'Over grænsen: {n} – højest {worst} og {rest} andre (<a href="over">{show}</a>)'
                ).format(
                    n=number(len(over)),
                    worst=", ".join(
                        f"{html.escape(p.record.initials)} ({load_text(p.whole_per_fte or p.per_fte)})"
                        for p in worst[:OVER_WORST]
                    ),
                    rest=number(len(over) - OVER_WORST),
                    show=self.tr("vis kun dem") if not self.only_over else self.tr("vis alle"),
                )
            )
            tooltip = self.tr("Over grænsen: {who}").format(
                who=", ".join(p.record.initials for p in worst)
            )
        elif over:
            parts.append(
                self.tr("Over grænsen: {who}").format(
                    who=html.escape(", ".join(p.record.initials for p in over))
                )
            )
        elif people:
            parts.append(self.tr("Ingen over grænsen"))
        if self.only_over and len(over) <= OVER_NAMED:  # no link to turn it off
            self.show_only_over(False)
        when = self.tr("Pr. {d}").format(d=date_text(day))
        self.summary.setText(
            html.escape(when) + " · " + "   ·   ".join(parts) if parts else html.escape(when)
        )
        self.summary.setToolTip(tooltip)
        found = report.warnings(k)
        shown_lines = found[:3]
        if len(found) > 3:
            shown_lines.append(
                self.tr(
                    "… og {n} advarsler mere (se tabellen; hold musen over feltet for alle)"
                ).format(n=len(found) - 3)
            )
        self.warning_box.setText("\n".join("⚠ " + line for line in shown_lines))
        self.warning_box.setToolTip("\n".join(found))
        self.warning_box.setVisible(bool(found))
        self._chart_dirty = True
        self._draw_chart_if_visible()
        self._update_buttons()

    @property
    def only_over(self) -> bool:
        return self.proxy.filterRegularExpression().pattern() != ""

    def show_only_over(self, on: bool) -> None:
        """The table shows only the people over their limit (the summary's link), or all."""
        self.proxy.setFilterKeyColumn(StaffTableModel.STATUS)
        self.proxy.setFilterRole(Qt.ItemDataRole.DisplayRole)
        over = QCoreApplication.translate("StaffModel", SHORT_STATUS[Status.OVER])
        self.proxy.setFilterFixedString(over if on else "")

    def _summary_link(self, _link: str) -> None:
        self.show_only_over(not self.only_over)
        self.show_month()

    def _fit_table(self) -> None:
        """Columns as wide as their texts (the header's sort-indicator room left out, so that the
        register and the chart fit beside each other at 1366 pixels)."""
        fit_columns(
            self.view,
            self.model,
            {StaffTableModel.NAME: 150, StaffTableModel.ROLE: 120, StaffTableModel.ACTIVE: 190},
        )
        self._fit_status()
        # With "Andre" (HIR) the register may not fit in its two thirds (1366 pixels): names and
        # roles elide sooner, so that Status stays in sight.
        if (
            not self.view.isColumnHidden(StaffTableModel.OTHER)
            and self._needed_width() > self.splitter.width() * 2 // 3
        ):
            fit_columns(
                self.view,
                self.model,
                {StaffTableModel.NAME: 112, StaffTableModel.ROLE: 105, StaffTableModel.ACTIVE: 190},
            )
        self._balance()

    def _fit_status(self) -> None:
        """Status as wide as its widest text over every row (fit_columns reads the first
        few hundred), bold as the over-limit ones are."""
        bold = self.view.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        texts = {
            self.model.index(r, StaffTableModel.STATUS).data() for r in range(self.model.rowCount())
        }
        texts.add(self.model.headerData(StaffTableModel.STATUS, Qt.Orientation.Horizontal))
        width = max(metrics.horizontalAdvance(str(t or "")) for t in texts) + 24
        header = self.view.horizontalHeader()
        header.resizeSection(
            StaffTableModel.STATUS, max(header.sectionSize(StaffTableModel.STATUS), width)
        )

    def _needed_width(self) -> int:
        return (
            self.view.horizontalHeader().length()
            + self.view.verticalScrollBar().sizeHint().width()
            + 2 * self.view.frameWidth()
            + 2
        )

    def _balance(self) -> None:
        """The register as wide as its columns when there is room, the chart the rest (at
        least a third)."""
        total = self.splitter.width()
        if total <= 0:
            return
        table = min(self._needed_width(), total * 2 // 3)
        self.splitter.setSizes([table, total - table - self.splitter.handleWidth()])

    def _draw_chart_if_visible(self) -> None:
        if (
            not self._chart_dirty
            or self.data is None
            or not self.chart.isVisibleTo(self)
            or not self.isVisible()
        ):
            return
        self._chart_dirty = False
        report = self.data.report
        k = self.k
        self.chart.plot(
            loads_for(report, k),
            report.settings,
            self.fte_radio.isChecked(),
            report.history.days[k],
        )

    def _mode_changed(self) -> None:
        self.history_model.set_per_fte(self.fte_radio.isChecked())
        self._fit_history()
        self._chart_dirty = True
        self._draw_chart_if_visible()

    def _ips_toggled(self, on: bool) -> None:
        if self.data is None or self.project is None:
            return
        settings = dataclasses.replace(self.data.report.settings, ips=on)
        try:
            self.done(staff_ops.save_caseload_settings(self.project, settings))
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return
        self.data.report = dataclasses.replace(self.data.report, settings=settings)
        self.view.setColumnHidden(StaffTableModel.BAND, not on)
        self.show_month()
