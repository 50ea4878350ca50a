"""One period of a measure broken down by group of citizens, counted in the background."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal

from fsm_desktop.domain.breakdown import GroupCount, breakdown
from fsm_desktop.domain.danish import percent
from fsm_desktop.domain.measures import MeasureResult, no_data_reason
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.measures.chart import period_label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QComboBox, QLabel, QTableView, QTabWidget

    from fsm_desktop.domain.breakdown import Person
    from fsm_desktop.domain.measures import Report
    from fsm_desktop.views.kit.page import Page as _PageBase
    from fsm_desktop.views.measures.models import BreakdownModel
else:
    _PageBase = object


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


class MeasuresBreakdown(_PageBase):
    """Mixed into MeasuresPage: one period of a measure broken down by group of citizens,
    counted in the background."""

    if TYPE_CHECKING:  # what MeasuresPage provides
        breakdown_ready: Signal
        report: Report | None
        _generation: int
        _selected: int
        side: QTabWidget
        measure_box: QComboBox
        breakdown_model: BreakdownModel
        breakdown_view: QTableView
        breakdown_note: QLabel

        def _ensure_people(self) -> dict[str, Person]: ...
        def _failed(self, exc: BaseException) -> None: ...

    def _update_breakdown(self) -> None:
        """The chosen period for every group (only while the breakdown is on screen)."""
        if self.side.currentIndex() != 1 or self.report is None:
            return
        rows = self.report.for_measure(self.measure_box.currentData() or "")
        k = self._selected
        if not 0 <= k < len(rows):
            self.breakdown_model.set_rows([])
            return
        result = rows[k]
        if result.no_data:  # no data for the whole target group: none for its groups either
            self.breakdown_view.setVisible(False)
            self.breakdown_model.set_rows([])
            self.breakdown_note.setText(
                no_data_reason(result.spec, self.report.first_registrations)
            )
            self.breakdown_ready.emit()
            return
        self.breakdown_view.setVisible(result.spec.kind != "caseload")
        if result.spec.kind == "caseload":
            self.breakdown_model.set_rows([])
            self.breakdown_note.setText(
                self.tr(
                    "Sagsstammen er borgere pr. fuldtids sagsbehandler og fordeles ikke på grupper af borgere."
                )
            )
            self.breakdown_ready.emit()
            return
        people = self._ensure_people()
        generation = self._generation
        self.breakdown_note.setText(self.tr("Beregner …"))
        run_in_background(
            lambda: breakdown(result, people),
            lambda counts: self._breakdown_done(counts, generation, result),
            self._failed,
            self,
        )

    def _breakdown_done(
        self, counts: list[GroupCount], generation: int, result: MeasureResult
    ) -> None:
        if generation != self._generation:
            return
        rows = self.report.for_measure(self.measure_box.currentData() or "") if self.report else []
        k = self._selected
        if not (0 <= k < len(rows) and rows[k] is result):
            return  # another period was chosen meanwhile
        self.breakdown_model.set_rows(counts)
        thresholds = " / ".join(percent(t.value, trim=True) for t in result.spec.thresholds)
        note = self.tr(
            "{period}, hele målgruppen fordelt på grupper. Alder på periodens sidste dag."
        ).format(period=period_label(result))
        if thresholds:
            note += " " + self.tr("Andelen er grøn, når gruppen når {threshold}.").format(
                threshold=percent(result.spec.thresholds[0].value, trim=True)
                if result.spec.direction == "at_least"
                else thresholds
            )
        self.breakdown_note.setText(note)
        self.breakdown_ready.emit()
