"""Staff as a table model (Medarbejdere page)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from fsm_desktop.domain.model import Staff, StaffRole

ROLE_LABELS = {
    StaffRole.JOB_BROKER: QT_TRANSLATE_NOOP("StaffModel", "Jobformidler"),
    StaffRole.CASEWORKER: QT_TRANSLATE_NOOP("StaffModel", "Sagsbehandler"),
    StaffRole.LEADER: QT_TRANSLATE_NOOP("StaffModel", "Leder"),
    StaffRole.PSEUDO: QT_TRANSLATE_NOOP("StaffModel", "Pseudo-sagsbehandler"),
}


class StaffTableModel(QAbstractTableModel):
    INITIALS, NAME, ROLE, HOURS, CITIZENS = range(5)
    HEADERS = (
        QT_TRANSLATE_NOOP("StaffModel", "Initialer"),
        QT_TRANSLATE_NOOP("StaffModel", "Navn"),
        QT_TRANSLATE_NOOP("StaffModel", "Rolle"),
        QT_TRANSLATE_NOOP("StaffModel", "Timer pr. uge"),
        QT_TRANSLATE_NOOP("StaffModel", "Borgere nu"),
    )
    STAFF_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._staff: list[Staff] = []
        self._caseload: dict[str, int] = {}

    def set_staff(self, staff: list[Staff], caseload: dict[str, int]) -> None:
        self.beginResetModel()
        self._staff = list(staff)
        self._caseload = dict(caseload)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._staff)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate("StaffModel", self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._staff):
            return None
        staff = self._staff[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.INITIALS:
                return staff.initials
            if column == self.NAME:
                return staff.name
            if column == self.ROLE:
                return QCoreApplication.translate("StaffModel", ROLE_LABELS[staff.role])
            if column == self.HOURS:
                return f"{staff.hours_per_week:g}".replace(".", ",")
            if column == self.CITIZENS:
                return str(self._caseload.get(staff.id, 0))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.HOURS, self.CITIZENS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.STAFF_ROLE:
            return staff
        return None
