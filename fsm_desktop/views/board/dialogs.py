"""The board's dialogs: finishing a meeting and the list of meetings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.board import COLUMNS
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.views.board.models import column_label
from fsm_desktop.views.kit.dates import pydate


def _t(text: str) -> str:
    return QCoreApplication.translate("BoardPage", text)


class FinishMeetingDialog(QDialog):
    """ "Afslut møde": the date, who was there, a note; the board's placements are saved."""

    def __init__(self, staff, today: dt.date, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Afslut møde"))
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("Tavlens placeringer gemmes, så næste møde kan se, hvad der er flyttet siden."),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("dialogHint")
        layout.addWidget(hint)
        form = QFormLayout()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd-MM-yyyy")
        form.addRow(self.tr("Dato"), self.date_edit)
        self.others = QLineEdit(self)
        self.others.setPlaceholderText(self.tr("Andre deltagere, adskilt af komma"))
        self.note_edit = QLineEdit(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Deltagere"), self))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        box = QVBoxLayout(inner)
        self.checks: list[tuple[QCheckBox, str]] = []
        for member in staff:
            if member.role == StaffRole.PSEUDO:
                continue
            check = QCheckBox(f"{member.initials} – {member.name}", inner)
            box.addWidget(check)
            self.checks.append((check, member.initials))
        box.addStretch(1)
        scroll.setWidget(inner)
        scroll.setMinimumHeight(180)
        layout.addWidget(scroll, 1)
        form2 = QFormLayout()
        form2.addRow(self.tr("Andre"), self.others)
        form2.addRow(self.tr("Note"), self.note_edit)
        layout.addLayout(form2)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Afslut møde"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 480)

    def meeting_date(self) -> dt.date:
        return pydate(self.date_edit.date())

    def attendees(self) -> list[str]:
        found = [initials for check, initials in self.checks if check.isChecked()]
        found += [part.strip() for part in self.others.text().split(",") if part.strip()]
        return found

    def note(self) -> str:
        return self.note_edit.text().strip()


class MeetingsDialog(QDialog):
    """The board at each meeting: the history the charts are drawn from."""

    def __init__(self, meetings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Møder"))
        layout = QVBoxLayout(self)
        headers = [self.tr("Dato"), self.tr("Deltagere")] + [column_label(c) for c in COLUMNS]
        self.table = QTableWidget(len(meetings), len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, meeting in enumerate(meetings):
            values = [date_text(meeting.date), ", ".join(meeting.attendees) or "–"]
            values += [number(meeting.counts.get(c, 0)) for c in COLUMNS]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if not meetings:
            layout.addWidget(QLabel(self.tr("Der er endnu ikke afsluttet et møde."), self))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 400)
