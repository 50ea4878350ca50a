"""The Medarbejdere page's item models: the staff register with each person's caseload on the
chosen day, and the caseloads month by month (domain.caseload has every rule).

Over the limit is shown by colour *and* text (colour-blind safe: the Okabe–Ito vermillion and
orange as light tints, dark text on them, bold, and the status in words or a ▲ mark)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from fsm_desktop.domain.caseload import (
    STATUS_LABELS,
    CaseloadReport,
    PersonLoad,
    StaffRecord,
    Status,
)
from fsm_desktop.domain.danish import date_text, month_short, number
from fsm_desktop.domain.model import Staff, StaffRole
from fsm_desktop.views.kit.wording import citizens_text

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object

ROLE_LABELS = {
    StaffRole.JOB_BROKER: QT_TRANSLATE_NOOP("StaffModel", "Jobformidler"),
    StaffRole.CASEWORKER: QT_TRANSLATE_NOOP("StaffModel", "Sagsbehandler"),
    StaffRole.LEADER: QT_TRANSLATE_NOOP("StaffModel", "Leder"),
    StaffRole.PSEUDO: QT_TRANSLATE_NOOP("StaffModel", "Pseudo-sagsbehandler"),
}
#: Light tints of the Okabe–Ito palette with dark text: over the limit (vermillion), inside the
#: range (orange). A legend and the words say the same.
OVER_BACKGROUND = QColor("#f6c9b3")
RANGE_BACKGROUND = QColor("#fbe3b0")
MUTED = QColor("#5f5f5f")


#: The register's status column (the limit stands in its own column; the tooltip has it all).
SHORT_STATUS = {
    Status.OVER: QT_TRANSLATE_NOOP("StaffModel", "▲ over grænsen"),
    Status.IN_RANGE: QT_TRANSLATE_NOOP("StaffModel", "inden for intervallet"),
    Status.OK: QT_TRANSLATE_NOOP("StaffModel", "under grænsen"),
    Status.NO_LIMIT: QT_TRANSLATE_NOOP("StaffModel", "ingen grænse"),
    Status.NOT_COUNTED: QT_TRANSLATE_NOOP("StaffModel", "tæller ikke"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffModel", text)


def load_text(value) -> str:
    return "–" if value is None else number(float(value), 1)


def status_words(status: Status, limit) -> str:
    return _t(STATUS_LABELS[status]).format(limit=limit.label() if limit else "")


def month_label(label: str) -> str:
    """ "2019-03" → "mar 19"; anything else as it is."""
    if len(label) == 7 and label[4] == "-":
        return month_short(label)
    return label


def _right() -> int:
    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class StaffTableModel(QAbstractTableModel):
    """The register: one row per person, with their caseload on the chosen day."""

    # What a team leader looks for first comes first (visible beside the chart at 1366 pixels).
    INITIALS, NAME, ROLE, CITIZENS, PER_FTE, LIMIT, STATUS, HOURS, FTE, ACTIVE, BAND, OTHER = range(
        12
    )
    HEADERS = (
        QT_TRANSLATE_NOOP("StaffModel", "Initialer"),
        QT_TRANSLATE_NOOP("StaffModel", "Navn"),
        QT_TRANSLATE_NOOP("StaffModel", "Rolle"),
        QT_TRANSLATE_NOOP("StaffModel", "Borgere nu"),
        QT_TRANSLATE_NOOP("StaffModel", "Pr. fuldtid"),
        QT_TRANSLATE_NOOP("StaffModel", "Grænse"),
        QT_TRANSLATE_NOOP("StaffModel", "Status"),
        QT_TRANSLATE_NOOP("StaffModel", "Timer/uge"),
        QT_TRANSLATE_NOOP("StaffModel", "Fuldtid"),
        QT_TRANSLATE_NOOP("StaffModel", "Aktiv"),
        QT_TRANSLATE_NOOP("StaffModel", "IPS-bånd"),
        QT_TRANSLATE_NOOP("StaffModel", "Andre"),
    )
    NUMERIC = (HOURS, FTE, CITIZENS, PER_FTE, LIMIT, OTHER)
    STAFF_ROLE = Qt.ItemDataRole.UserRole + 1  # the Staff
    RECORD_ROLE = Qt.ItemDataRole.UserRole + 2  # the StaffRecord
    LOAD_ROLE = Qt.ItemDataRole.UserRole + 3  # the PersonLoad
    SORT_ROLE = Qt.ItemDataRole.UserRole + 4  # a value that sorts as the column should

    #: A caseworker's other cases typed in (staff id, the month shown, cases): the page saves.
    other_cases_entered = Signal(str, str, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._loads: list[PersonLoad] = []
        self._today = True
        #: HIR, writable: a caseworker's cases outside the target group can be typed in.
        self.other_editable = False

    @property
    def loads(self) -> list[PersonLoad]:
        return list(self._loads)

    def set_loads(self, loads: list[PersonLoad], today: bool = True) -> None:
        self.beginResetModel()
        self._loads = list(loads)
        self._today = today
        self.endResetModel()

    def row_of(self, staff_id: str) -> int:
        return next((r for r, p in enumerate(self._loads) if p.record.id == staff_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._loads)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.CITIZENS and not self._today and self._loads:
                # the day counted, so that a past month's heading says which day it is
                return _t("Borgere pr. {d}").format(d=date_text(self._loads[0].day))
            return _t(self.HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == self.OTHER:
                return _t(
                    "Andre sager: sagsbehandlerens sager uden for målgruppen i måneden (dobbeltklik for "
                    "at skrive). Grænsen på 30–35 gælder hele sagsstammen, også når den er blandet"
                )
            if section == self.PER_FTE:
                return _t("Borgere pr. fuldtidsstilling: borgere × 37 ÷ timer pr. uge")
            if section == self.CITIZENS:
                return _t(
                    "Borgere i sagsstammen på dagen; borgere parkeret hos en pseudo-sagsbehandler står i parentes"
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.NUMERIC:
            return _right()
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._loads):
            return None
        load = self._loads[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(load, column)
        if role == Qt.ItemDataRole.EditRole and column == self.OTHER:
            return load.other
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (self.STATUS, self.PER_FTE, self.CITIZENS, self.OTHER):
                return self._tooltip(load)
            if column in (self.NAME, self.ROLE):  # may be elided in a narrow column
                return self._text(load, column)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return _right()
        if role == Qt.ItemDataRole.BackgroundRole and column in (self.PER_FTE, self.STATUS):
            if load.status is Status.OVER:
                return OVER_BACKGROUND
            if load.status is Status.IN_RANGE:
                return RANGE_BACKGROUND
            return None
        if (
            role == Qt.ItemDataRole.FontRole
            and load.status is Status.OVER
            and column in (self.PER_FTE, self.STATUS, self.INITIALS)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if load.status in (Status.OVER, Status.IN_RANGE) and column in (
                self.PER_FTE,
                self.STATUS,
            ):
                return QColor("#1f1f1f")
            if not load.record.active_on(load.day) or (
                column == self.STATUS and load.status is Status.NOT_COUNTED
            ):
                return MUTED
            return None
        if role == self.STAFF_ROLE:
            return load.record.staff
        if role == self.RECORD_ROLE:
            return load.record
        if role == self.LOAD_ROLE:
            return load
        if role == self.SORT_ROLE:
            return self._sort_value(load, column)
        return None

    def _text(self, load: PersonLoad, column: int) -> str:
        record = load.record
        if column == self.INITIALS:
            return record.initials
        if column == self.NAME:
            return record.name
        if column == self.ROLE:
            return _t(ROLE_LABELS[record.role])
        if column == self.HOURS:
            return number(record.hours, 1)
        if column == self.FTE:
            return number(load.fte, 2)
        if column == self.CITIZENS:
            if not record.counted:
                return (
                    number(load.parked)
                    if load.parked
                    else ("" if record.role is StaffRole.LEADER else "0")
                )
            return number(load.citizens) + (f" (+{number(load.parked)})" if load.parked else "")
        if column == self.PER_FTE:
            if load.other:  # HIR: the registered caseload, and the whole one the limit judges
                return _t("{load} ({whole})").format(
                    load=load_text(load.per_fte), whole=load_text(load.whole_per_fte)
                )
            return load_text(load.per_fte)
        if column == self.LIMIT:
            return load.limit.label() if load.limit else ""
        if column == self.STATUS:
            return self._status(load)
        if column == self.ACTIVE:
            return self._active(record, load.day)
        if column == self.BAND:
            return load.band.value if load.band else ""
        if column == self.OTHER:
            return number(load.other) if load.other else ("0" if self._editable(load) else "")
        return ""

    def _editable(self, load: PersonLoad) -> bool:
        return (
            self.other_editable and load.record.role is StaffRole.CASEWORKER and load.record.counted
        )

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.OTHER and 0 <= index.row() < len(self._loads):
            if self._editable(self._loads[index.row()]):
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.OTHER:
            return False
        load = self._loads[index.row()]
        if not self._editable(load):
            return False
        try:
            cases = int(value)
        except (TypeError, ValueError):
            return False
        if cases == load.other:
            return False  # a negative or too large number is the page's to refuse, in words
        self.other_cases_entered.emit(load.record.id, f"{load.day:%Y-%m}", cases)
        return True

    def _status(self, load: PersonLoad) -> str:
        record = load.record
        if load.gone_with_citizens:
            return _t("ikke aktiv – har {citizens}").format(
                citizens=citizens_text(load.citizens + load.parked)
            )
        if record.role is StaffRole.LEADER:
            return ""
        if not record.counted:
            return (
                _t("parkeret – tæller ikke")
                if record.role is StaffRole.PSEUDO
                else _t("0 timer – tæller ikke")
            )
        return _t(SHORT_STATUS[load.status])

    @staticmethod
    def _active(record: StaffRecord, day: dt.date) -> str:
        """The dates the person is active, or whether they are on the day shown."""
        if record.active_from and record.active_to:
            return f"{date_text(record.active_from)} – {date_text(record.active_to)}"
        if record.active_from:
            return _t("fra {d}").format(d=date_text(record.active_from))
        if record.active_to:
            return _t("til {d}").format(d=date_text(record.active_to))
        return _t("ja") if record.active_on(day) else _t("nej")

    def _tooltip(self, load: PersonLoad) -> str:
        record = load.record
        if not record.counted:
            return _t("{citizens} parkeret; tæller ikke med i nogens sagsstamme.").format(
                citizens=citizens_text(load.parked)
            )
        text = _t("{citizens} på {h} timer = {fte} fuldtid → {load} pr. fuldtid").format(
            citizens=citizens_text(load.citizens),
            h=number(record.hours, 1),
            fte=number(load.fte, 2),
            load=load_text(load.per_fte),
        )
        if load.other:
            text += " · " + _t("med {other} andre sager: {whole} pr. fuldtid i alt").format(
                other=number(load.other), whole=load_text(load.whole_per_fte)
            )
        if load.limit:
            text += " · " + status_words(load.status, load.limit)
        if load.parked:
            text += " · " + _t("{n} af borgerne er parkeret og tæller ikke med").format(
                n=number(load.parked)
            )
        return text

    def _sort_value(self, load: PersonLoad, column: int):
        record = load.record
        if column == self.HOURS:
            return record.hours
        if column == self.FTE:
            return load.fte
        if column == self.CITIZENS:
            return load.citizens if record.counted else -1 - load.parked
        if column == self.OTHER:
            return load.other
        if column == self.PER_FTE:
            return -1.0 if load.per_fte is None else float(load.per_fte)
        if column == self.LIMIT:
            return load.limit.high if load.limit else -1.0
        if column == self.ROLE:
            return list(ROLE_LABELS).index(record.role)
        if column == self.STATUS:
            return [
                Status.OVER,
                Status.IN_RANGE,
                Status.OK,
                Status.NO_LIMIT,
                Status.NOT_COUNTED,
            ].index(load.status)
        if column == self.ACTIVE:
            return (
                not record.active_on(load.day),
                record.active_from or dt.date.min,
                record.active_to or dt.date.max,
            )
        return self._text(load, column).casefold()


def loads_for(report: CaseloadReport, k: int) -> list[PersonLoad]:
    """Everyone in the register on the k-th day (the register shows leaders too)."""
    return report.people(k)


__all__ = ["ROLE_LABELS", "SHORT_STATUS", "Staff", "StaffTableModel", "loads_for", "month_label"]
