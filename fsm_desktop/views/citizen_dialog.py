"""The citizen's page as a read-only summary (opened from the board with a double-click or
Enter): master data, staff, board column, periods, paid hours, contacts and moves. The CPR
number is masked; "Vis CPR" shows it and writes the reveal to the audit log. Editing comes
with the citizen register."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from fsm_desktop.domain.cpr import format_cpr, mask
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.model import BOARD_LABELS, PERIOD_LABELS
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository

_CONTACT_KINDS = {"personligt": "personligt", "telefon": "telefon", "virksomhedsbesoeg": "virksomhedsbesøg"}
_EXIT_REASONS = {"fraflyttet": "fraflyttet", "folkepension": "folkepension", "doed": "død", "andet": "andet"}
_ORIGINS = {"dansk": "dansk", "vestlig": "vestlig", "ikke_vestlig": "ikke-vestlig"}


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenDialog", text)


def _d(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "–"


def _table(parent, headers: list[str], rows: list[list[str]], stretch: int) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class CitizenDialog(QDialog):
    def __init__(self, project: Project, citizen_id: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("citizenDialog")
        self.project = project
        self.citizen_id = citizen_id
        today = min(dt.date.today(), project.initiative.end)
        summary = CitizenRepository(project).summary(citizen_id, today)
        layout = QVBoxLayout(self)
        if summary is None:
            layout.addWidget(QLabel(self.tr("Borgeren findes ikke længere i projektet."), self))
            self._buttons(layout)
            return
        c = summary.citizen
        self.setWindowTitle(c.name)
        title = QLabel(c.name, self)
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        top = QHBoxLayout()
        form = QFormLayout()
        cpr_row = QHBoxLayout()
        self.cpr_label = QLabel(mask(c.cpr), self)
        self.cpr_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = QPushButton(self.tr("Vis CPR"), self)
        self.reveal_button.setToolTip(self.tr("Viser hele CPR-nummeret; det skrives i revisionsloggen"))
        self.reveal_button.clicked.connect(self.reveal)
        cpr_row.addWidget(self.cpr_label)
        cpr_row.addWidget(self.reveal_button)
        cpr_row.addStretch(1)
        form.addRow(self.tr("CPR"), cpr_row)
        if c.group:
            form.addRow(self.tr("Gruppe"), QLabel(str(c.group), self))
        form.addRow(self.tr("Køn / herkomst"), QLabel(
            " / ".join([c.gender.value if c.gender else "–", _ORIGINS.get(c.origin.value, "–") if c.origin else "–"]), self))
        form.addRow(self.tr("Indgang"), QLabel(_d(c.entry_date), self))
        if c.exit_date:
            form.addRow(self.tr("Afgang"), QLabel(f"{_d(c.exit_date)} ({_EXIT_REASONS.get(c.exit_reason.value, '')})", self))
        top.addLayout(form, 1)
        form2 = QFormLayout()
        form2.addRow(self.tr("Jobformidler"), QLabel(summary.job_broker or "–", self))
        form2.addRow(self.tr("Sagsbehandler"), QLabel(summary.caseworker or "–", self))
        column = QCoreApplication.translate("Board", BOARD_LABELS[summary.column]) if summary.column else self.tr("ikke placeret")
        if summary.column_since is not None:
            column += self.tr(" siden {date}").format(date=_d(summary.column_since.date()))
        form2.addRow(self.tr("Tavle"), QLabel(column, self))
        form2.addRow(self.tr("CV på Jobnet"), QLabel(summary.cv_jobnet or "–", self))
        form2.addRow(self.tr("Jobmål"), QLabel(summary.job_goal or "–", self))
        top.addLayout(form2, 1)
        layout.addLayout(top)
        tabs = QTabWidget(self)
        tabs.addTab(_table(tabs, [self.tr("Type"), self.tr("Fra"), self.tr("Til"), self.tr("Note")], [
            [PERIOD_LABELS[kind], _d(start), _d(end) if end else self.tr("i gang"), note] for kind, start, end, note in summary.periods
        ], 3), self.tr("Forløb ({n})").format(n=len(summary.periods)))
        tabs.addTab(_table(tabs, [self.tr("Måned"), self.tr("Løntimer")], [
            [month, number(hours)] for month, hours in summary.paid_hours
        ], 0), self.tr("Løntimer"))
        tabs.addTab(_table(tabs, [self.tr("Dato"), self.tr("Form"), self.tr("Af"), self.tr("Note")], [
            [_d(day), _CONTACT_KINDS.get(kind, kind), who, note] for day, kind, who, note in summary.contacts
        ], 3), self.tr("Kontakter"))
        tabs.addTab(_table(tabs, [self.tr("Tidspunkt"), self.tr("Af"), self.tr("Fra"), self.tr("Til"), self.tr("Begrundelse")], [
            [at.strftime("%d-%m-%Y %H:%M"), by, QCoreApplication.translate("Board", BOARD_LABELS[f]) if f else "–",
             QCoreApplication.translate("Board", BOARD_LABELS[t]), reason]
            for at, by, f, t, reason in reversed(summary.moves)
        ], 4), self.tr("Flytninger"))
        layout.addWidget(tabs, 1)
        note = QLabel(self.tr("Redigering af borgeren kommer med borgerregistret."), self)
        note.setObjectName("dialogHint")
        layout.addWidget(note)
        self._buttons(layout)
        self.resize(820, 560)

    def _buttons(self, layout) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reveal(self) -> None:
        cpr = CitizenRepository(self.project).reveal_cpr(self.citizen_id)
        self.cpr_label.setText(format_cpr(cpr))
        self.reveal_button.setEnabled(False)
