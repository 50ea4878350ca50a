"""The measures page's table models: a measure's results per period, the citizens behind a result,
and one period broken down by group."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from fsm_desktop.domain.danish import number, percent
from fsm_desktop.domain.measures import MeasureResult
from fsm_desktop.views.kit.members import MembersModel
from fsm_desktop.views.kit.rows import RowTableModel
from fsm_desktop.views.measures.chart import period_label

__all__ = ["BreakdownModel", "MembersModel", "ResultsModel"]

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


MET_COLOR = QColor("#1b6e3a")


NOT_MET_COLOR = QColor("#8a1c14")


NO_DATA_COLOR = QColor("#6b7280")  # a period without data: neither met nor missed


class _RowsModel(RowTableModel):
    """A table of rows replaced all at once (one reset), with translated column headers."""

    CONTEXT = "MeasuresPage"


class ResultsModel(_RowsModel):
    PERIOD, NUMERATOR, DENOMINATOR, SHARE, THRESHOLD, MET = range(6)
    HEADERS = (
        QT_TRANSLATE_NOOP("MeasuresPage", "Periode"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Tæller"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Nævner"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Andel"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Tærskel"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Opfyldt"),
    )
    RESULT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        #: Why a period has no data (domain.measures.no_data_reason), the tooltip of its row.
        self.no_data_reason = ""

    def set_results(self, rows: list[MeasureResult], no_data_reason: str = "") -> None:
        self.no_data_reason = no_data_reason
        self.set_rows(rows)

    def _threshold_texts(self) -> list[str]:
        """The measure's thresholds in the order "ja / nej" lists them: "15 %", "20 %"."""
        if not self._rows:
            return []
        first = self._rows[0]
        caseload = first.spec.kind == "caseload"
        return [
            number(t.threshold.value) if caseload else percent(t.threshold.value, trim=True)
            for t in first.thresholds
        ]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if section == self.MET and orientation == Qt.Orientation.Horizontal:
            # "ja / nej" is one answer per threshold: the header names them, in that order.
            thresholds = self._threshold_texts()
            if role == Qt.ItemDataRole.DisplayRole and thresholds:
                return _t("Opfyldt {thresholds}").format(thresholds=" / ".join(thresholds))
            if role == Qt.ItemDataRole.ToolTipRole and thresholds:
                bound = _t("mindst") if self._rows[0].spec.direction == "at_least" else _t("højst")
                return _t(
                    "Om perioden når tærsklen: ét »ja« eller »nej« for hver tærskel, i samme "
                    "rækkefølge som overskriften ({bound} {thresholds})."
                ).format(bound=bound, thresholds=" / ".join(thresholds))
        if (
            section == self.SHARE
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and self._rows
            and self._rows[0].spec.kind == "caseload"
        ):
            return _t("Sager pr. fuldtid")
        return super().headerData(section, orientation, role)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = index.column()
        caseload = r.spec.kind == "caseload"
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.PERIOD:
                return period_label(r)
            if column == self.NUMERATOR:
                return number(r.numerator)
            if column == self.DENOMINATOR:
                return number(r.denominator)
            if column == self.SHARE:
                if r.no_data:  # before the first registration of what the measure counts
                    return _t("ingen data")
                if caseload:
                    return "–" if r.share is None else number(round(r.share, 1))
                return percent(r.share)
            if column == self.THRESHOLD:
                values = [
                    number(t.threshold.value) if caseload else percent(t.threshold.value)
                    for t in r.thresholds
                ]
                return " / ".join(values) or _t("sættes lokalt")
            if column == self.MET:
                if r.no_data:  # neither met nor missed: a missing registration is not a "nej"
                    return "–"
                return " / ".join(_t("ja") if t.met else _t("nej") for t in r.thresholds) or "–"
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.PERIOD:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.SHARE, self.MET):
            if r.no_data:
                return NO_DATA_COLOR
            if r.met is not None:
                return MET_COLOR if r.met else NOT_MET_COLOR
        if role == Qt.ItemDataRole.ToolTipRole and r.no_data and self.no_data_reason:
            return self.no_data_reason
        if role == self.RESULT_ROLE:
            return r
        return None


class BreakdownModel(_RowsModel):
    """One period of a measure for each group of citizens, side by side."""

    GROUP, NUMERATOR, DENOMINATOR, SHARE = range(4)
    HEADERS = (
        QT_TRANSLATE_NOOP("MeasuresPage", "Gruppe"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Tæller"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Nævner"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Andel"),
    )
    COUNT_ROLE = Qt.ItemDataRole.UserRole + 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.GROUP:
                return _t(row.group.label)
            if column == self.NUMERATOR:
                return number(row.numerator)
            if column == self.DENOMINATOR:
                return number(row.denominator)
            if column == self.SHARE:
                return percent(row.share)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.GROUP:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.SHARE
            and row.met
            and row.denominator
        ):
            return MET_COLOR if row.met[0] else NOT_MET_COLOR
        if role == Qt.ItemDataRole.FontRole and row.group.is_all:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.COUNT_ROLE:
            return row
        return None
