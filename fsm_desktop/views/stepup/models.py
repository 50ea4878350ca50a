"""The step-up page's table models: the due list, the meetings and the meetings per month."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.stepup import (
    BARRIER_LABELS,
    DUE_LABELS,
    MARKING_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    Assessment,
    MonthCount,
    Outcome,
)
from fsm_desktop.views.kit.rows import RIGHT, RowTableModel


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


class DueModel(RowTableModel):
    """The due list (and, when asked, the exempt), in the order domain.stepup.due_list gives."""

    CONTEXT = "StepUp"
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
    RIGHT = (DAYS,)
    ROW_ROLE = Qt.ItemDataRole.UserRole

    def text(self, row: Assessment, column: int) -> str:
        return self._text(row, column)

    def tooltip(self, row: Assessment, column: int) -> str | None:
        return self._text(row, column) if column == self.WHY else None

    def foreground(self, row: Assessment, column: int):
        return None if row.is_due else QColor("#6f6f6f")

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
            assert a.reason is not None, "a citizen who is due has a reason (domain.stepup.assess)"
            text = _t(DUE_LABELS[a.reason])
            if a.overdue_lines:
                text += (
                    " ("
                    + ", ".join(
                        _t("{offer} planlagt {date}").format(
                            offer=f.line.offer.label, date=date_text(f.line.planned_start)
                        )
                        for f in a.overdue_lines
                    )
                    + ")"
                )
            return text
        if column == DueModel.SINCE:
            if not a.is_due:
                return (
                    _t("fritaget til {date}").format(date=date_text(a.exempt_until))
                    if a.exempt_until
                    else _t("fritaget")
                )
            return date_text(a.due)
        if column == DueModel.DAYS:
            return number(a.days_overdue) if a.is_due else ""
        return ""


class MeetingsModel(RowTableModel):
    """Every meeting, newest first, with its plan's follow-up and the roles it lacked."""

    CONTEXT = "StepUp"
    DATE, NAME, CPR, BARRIERS, PLAN, OUTCOME, MISSING = range(7)
    HEADERS = ("Dato", "Borger", "CPR", "Barrierer", "Plan", "Udfald", "Manglende deltagere")
    ROW_ROLE = Qt.ItemDataRole.UserRole

    def text(self, row, column: int) -> str | None:
        case, meeting, lines, result, warnings = row
        if column == self.DATE:
            return date_text(meeting.date)
        if column == self.NAME:
            return case.name
        if column == self.CPR:
            return mask(case.cpr)
        if column == self.BARRIERS:
            return ", ".join(_t(BARRIER_LABELS[b]) for b in meeting.barriers)
        if column == self.PLAN:
            return "; ".join(
                f"{f.line.offer.label} {date_text(f.line.planned_start)}: {_t(f.status.value)}"
                for f in lines
            )
        if column == self.OUTCOME:
            return _t(OUTCOME_LABELS[result])
        if column == self.MISSING:
            return ", ".join(_t(ROLE_LABELS[w.role]) for w in warnings)
        return None

    def tooltip(self, row, column: int) -> str | None:
        return self.text(row, column)

    def alignment(self, row, column: int) -> int | None:
        return None

    def foreground(self, row, column: int):
        if column == self.OUTCOME and row[3] is Outcome.OVERDUE:
            return QColor("#a2191f")
        return None

    def role_data(self, row, column: int, role: int):
        return row[1] if role == self.ROW_ROLE else None


class CountsModel(RowTableModel):
    """Meetings per month, the running total, and by outcome (for the status sheet)."""

    CONTEXT = "StepUp"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.outcomes = list(Outcome)

    def headers(self) -> list[str]:
        return [_t("Måned"), _t("Holdt"), _t("I alt")] + [
            _t(OUTCOME_LABELS[o]) for o in self.outcomes
        ]

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 3 + len(self.outcomes)

    def text(self, row: MonthCount, column: int) -> str:
        if column == 0:
            return row.month
        if column == 1:
            return number(row.held)
        if column == 2:
            return number(row.cumulative)
        return number(row.by_outcome[self.outcomes[column - 3]])

    def alignment(self, row: MonthCount, column: int) -> int | None:
        return RIGHT if column > 0 else None

    def role_data(self, row, column: int, role: int):
        return None
