"""The import page's table models: the project's imports, an extract's rejected rows, the citizens
it changes and the citizens missing from it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import date_text, datetime_text, number
from fsm_desktop.domain.imports import RowError
from fsm_desktop.domain.model import Citizen
from fsm_desktop.storage.imports import ImportRecord
from fsm_desktop.views.kit.rows import RowTableModel

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


class _ListModel(RowTableModel):
    """A read-only table of rows, one text per column (subclasses say which)."""

    CONTEXT = "ImportPage"


class ImportsModel(_ListModel):
    """The project's imports, newest first."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Tidspunkt"),
        QT_TRANSLATE_NOOP("ImportPage", "Fil"),
        QT_TRANSLATE_NOOP("ImportPage", "Bruger"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye borgere"),
        QT_TRANSLATE_NOOP("ImportPage", "Ændrede borgere"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye forløb"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye løntimer"),
        QT_TRANSLATE_NOOP("ImportPage", "Afviste rækker"),
        QT_TRANSLATE_NOOP("ImportPage", "Status"),
    )
    RIGHT = (3, 4, 5, 6, 7)

    def text(self, row: ImportRecord, column: int) -> str:
        c = row.counts
        if column == 0:
            return datetime_text(row.at)
        if column == 1:
            return row.file
        if column == 2:
            return row.user
        if column in self.RIGHT:
            key = ("citizens_new", "citizens_updated", "periods_new", "hours_new", "rejected_rows")[
                column - 3
            ]
            return number(c.get(key, 0))
        if row.undone_at is not None:  # row.undone
            return _t("fortrudt {when}").format(when=datetime_text(row.undone_at))
        return _t("importeret")


class ErrorsModel(_ListModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Ark"),
        QT_TRANSLATE_NOOP("ImportPage", "Række"),
        QT_TRANSLATE_NOOP("ImportPage", "Kolonne"),
        QT_TRANSLATE_NOOP("ImportPage", "Fejl"),
    )
    RIGHT = (1,)

    def text(self, row: RowError, column: int) -> str:
        return (row.sheet, str(row.row), row.column, row.message)[column]


class ChangesModel(_ListModel):
    """Citizens the import changes: (citizen, what)."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Borger"),
        QT_TRANSLATE_NOOP("ImportPage", "CPR"),
        QT_TRANSLATE_NOOP("ImportPage", "Ændring"),
    )

    def text(self, row: tuple[Citizen, str], column: int) -> str:
        citizen, what = row
        return (citizen.name, mask(citizen.cpr), what)[column]


class MissingModel(_ListModel):
    """Citizens missing from the extract, each with a box: end them with the import."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Afslut"),
        QT_TRANSLATE_NOOP("ImportPage", "Borger"),
        QT_TRANSLATE_NOOP("ImportPage", "CPR"),
        QT_TRANSLATE_NOOP("ImportPage", "Gruppe"),
        QT_TRANSLATE_NOOP("ImportPage", "Indgang"),
    )

    def set_rows(self, rows) -> None:
        self._checked: set[int] = set()
        super().set_rows(rows)

    def text(self, row: Citizen, column: int) -> str:
        if column == 0:
            return ""
        if column == 1:
            return row.name
        if column == 2:
            return mask(row.cpr)
        if column == 3:
            return str(row.group) if row.group else "–"
        return date_text(row.entry_date) if row.entry_date else "–"

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and index.isValid()
            and index.column() == 0
            and index.row() < len(self._rows)
        ):
            return (
                Qt.CheckState.Checked if index.row() in self._checked else Qt.CheckState.Unchecked
            )
        return super().data(index, role)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(index.row())
        else:
            self._checked.discard(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, checked: bool) -> None:
        self._checked = set(range(len(self._rows))) if checked else set()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def checked(self) -> list[Citizen]:
        return [self._rows[i] for i in sorted(self._checked)]
