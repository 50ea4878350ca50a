"""The staff page's history: caseloads month by month, one row per person and per role."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from fsm_desktop.domain.caseload import (
    ROLE_PLURAL,
    CaseloadReport,
    StaffRecord,
    Status,
    judge,
    per_fte,
    shown,
)
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.staff.models import (
    MUTED,
    OVER_BACKGROUND,
    RANGE_BACKGROUND,
    _right,
    load_text,
    month_label,
    status_words,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffModel", text)


class HistoryModel(QAbstractTableModel):
    """Caseloads month by month: one row per person (and a row per role as a whole), one
    column per month; per full-time equivalent or citizens."""

    INITIALS, NAME = 0, 1
    FIRST_MONTH = 2
    TEAM_ROLE = Qt.ItemDataRole.UserRole + 1  # the role of a team row, None for a person
    STATUS_ROLE = Qt.ItemDataRole.UserRole + 2  # a cell's Status

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._report: CaseloadReport | None = None
        self._rows: list[tuple[StaffRecord | None, StaffRole | None]] = []
        self._cells: list[
            list[tuple[int, Fraction | None, Status, int]]
        ] = []  # citizens, load, status, parked
        self.per_fte = True

    def set_report(self, report: CaseloadReport | None) -> None:
        self.beginResetModel()
        self._report = report
        self._rows, self._cells = [], []
        if report is not None:
            n = len(report.history.days)
            per_day = [report.people(k) for k in range(n)]
            for i, record in enumerate(report.staff):
                loads = [day[i] for day in per_day]
                if (any(shown(p) for p in loads) and record.role is not StaffRole.LEADER) or any(
                    p.citizens or p.parked for p in loads
                ):
                    self._rows.append((record, None))
                    self._cells.append(
                        [
                            (
                                p.citizens if record.counted else p.parked,
                                p.per_fte,
                                p.status,
                                p.parked,
                            )
                            for p in loads
                        ]
                    )
            for role in ROLE_PLURAL:
                cells = []
                for k in range(n):
                    citizens, hours = report.history.team[role][k]
                    load = per_fte(citizens, hours) if hours else None
                    cells.append(
                        (
                            citizens,
                            load,
                            judge(load, report.settings.limit(role))
                            if hours
                            else Status.NOT_COUNTED,
                            0,
                        )
                    )
                if any(c[0] for c in cells):
                    self._rows.append((None, role))
                    self._cells.append(cells)
        self.endResetModel()

    def set_per_fte(self, on: bool) -> None:
        if on == self.per_fte:
            return
        self.per_fte = on
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.FIRST_MONTH),
                self.index(len(self._rows) - 1, self.columnCount() - 1),
            )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid() or self._report is None:
            return 0
        return self.FIRST_MONTH + len(self._report.labels)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation != Qt.Orientation.Horizontal
            or self._report is None
            or not 0 <= section < self.columnCount()
        ):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.INITIALS:
                return _t("Initialer")
            if section == self.NAME:
                return _t("Navn")
            return month_label(self._report.labels[section - self.FIRST_MONTH])
        if role == Qt.ItemDataRole.ToolTipRole and section >= self.FIRST_MONTH:
            return _t("Opgjort {d}").format(
                d=date_text(self._report.history.days[section - self.FIRST_MONTH])
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= self.FIRST_MONTH:
            return _right()
        return None

    def _name_data(
        self,
        record: StaffRecord | None,
        team: StaffRole | None,
        role_of_row: StaffRole,
        column: int,
        role: int,
    ) -> object:
        """The initials and name of a person, or "I alt" and the role of a role's total."""
        if role == Qt.ItemDataRole.DisplayRole:
            if record is None:
                return (
                    _t("I alt")
                    if column == self.INITIALS
                    else _t(ROLE_PLURAL[role_of_row]).lower().capitalize()
                )
            return record.initials if column == self.INITIALS else record.name
        if role == Qt.ItemDataRole.FontRole and record is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.TEAM_ROLE:
            return team
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or self._report is None:
            return None
        record, team = self._rows[index.row()]
        # A row is a person (record) or a role's total (team), never both.
        role_of_row = team if team is not None else record.role if record is not None else None
        assert role_of_row is not None, "a row is a person or a role's total"
        column = index.column()
        if column < self.FIRST_MONTH:
            return self._name_data(record, team, role_of_row, column, role)
        if not 0 <= column - self.FIRST_MONTH < len(self._cells[index.row()]):
            return None
        citizens, load, status, _parked = self._cells[index.row()][column - self.FIRST_MONTH]
        counted = team is not None or (record is not None and record.counted)
        if role == Qt.ItemDataRole.DisplayRole:
            if self.per_fte and counted:
                text = load_text(load) if citizens else ""
            else:
                text = number(citizens) if citizens else ""
            return ("▲ " + text) if status is Status.OVER and text else text
        if role == Qt.ItemDataRole.ToolTipRole:
            if not counted:
                return _t("{citizens} parkeret").format(citizens=citizens_text(citizens))
            limit = self._report.settings.limit(role_of_row)
            return _t("{citizens}, {load} pr. fuldtid").format(
                citizens=citizens_text(citizens), load=load_text(load)
            ) + (" · " + status_words(status, limit) if limit else "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _right()
        if role == Qt.ItemDataRole.BackgroundRole:
            return (
                OVER_BACKGROUND
                if status is Status.OVER
                else RANGE_BACKGROUND
                if status is Status.IN_RANGE
                else None
            )
        if role == Qt.ItemDataRole.FontRole and (status is Status.OVER or record is None):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if status in (Status.OVER, Status.IN_RANGE):
                return QColor("#1f1f1f")
            return MUTED if not counted else None
        if role == self.STATUS_ROLE:
            return status
        if role == self.TEAM_ROLE:
            return team
        return None
