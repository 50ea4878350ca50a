"""Filer → Gendan sikkerhedskopi: the project's backups with date, size and citizen count;
one is restored after a confirmation (the current state is backed up first)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_dots, number
from fsm_desktop.storage.backups import BackupInfo

_KINDS = {
    "daily": "dagens kopi",
    "before_restore": "før en gendannelse",
    "before_upgrade": "før en opdatering",
}


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{number(round(size / (1024 * 1024), 1))} MB"
    return f"{number(max(1, round(size / 1024)))} kB"


class BackupsDialog(QDialog):
    def __init__(
        self, file_name: str, backups: list[BackupInfo], folder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle(self.tr("Gendan sikkerhedskopi"))
        self.backups = backups
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Sikkerhedskopier af {file} i {folder}. Der tages en kopi, første gang projektet åbnes hver dag; de "
                "seneste 14 og én pr. måned i et år gemmes. Det nuværende indhold gemmes som kopi, før en anden "
                "lægges i stedet."
            ).format(file=file_name, folder=folder),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(backups), 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Dato"), self.tr("Borgere"), self.tr("Størrelse"), self.tr("Slags")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, backup in enumerate(backups):
            citizens = (
                self.tr("kan ikke læses") if backup.citizens is None else number(backup.citizens)
            )
            cells = (
                date_dots(backup.day),
                citizens,
                _size(backup.size),
                self.tr(_KINDS.get(backup.kind, backup.kind)),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("Der er ingen sikkerhedskopier endnu."), self)
        self.empty.setObjectName("emptyState")
        self.empty.setVisible(not backups)
        self.table.setVisible(bool(backups))
        layout.addWidget(self.empty)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.restore_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.restore_button.setText(self.tr("Gendan den valgte …"))
        self.restore_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Luk"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.table.itemSelectionChanged.connect(
            lambda: self.restore_button.setEnabled(self._restorable(self.selected()))
        )
        self.resize(640, 420)

    @staticmethod
    def _restorable(backup: BackupInfo | None) -> bool:
        """A backup can be restored when it could be read (its count of citizens is known)."""
        return backup is not None and backup.citizens is not None

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None
