"""The citizen's page: everything a job broker keeps current, edited in one place and saved in
one transaction (never half), with the audit log beside it.

Master data and exit; job broker and caseworker as dated history (a change ends the current row
and starts a new one on the chosen day, seeds/003 registration §3); a timeline of benefits,
offers, outcomes and markings, which can be added, edited, ended and removed; paid hours per
month with a sparkline; the contacts log with the weekly-contact check; CV on Jobnet and job
goal with dates; the network circle when the citizen wishes it; the board column. Every field
is checked where it is (the message stands next to it); "Gem" is possible only when all is
well; closing with unsaved changes asks first."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import (
    CitizenChanges,
    contact_check,
    exemption_label,
    handover_problem,
    leaving_date,
    validate_contact,
    validate_exit,
    validate_hours,
    validate_master,
    validate_network,
    validate_status,
)
from fsm_desktop.domain.cpr import format_cpr, mask
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import (
    BOARD_LABELS,
    PERIOD_LABELS,
    Assignment,
    AssignmentRole,
    BoardColumn,
    Citizen,
    Contact,
    ContactKind,
    ExitReason,
    Gender,
    NetworkPerson,
    Origin,
    PaidHours,
    Period,
    PeriodCategory,
    PeriodKind,
    StaffRole,
    StatusEntry,
    StatusKind,
)
from fsm_desktop.domain.stepup import DUE_LABELS, MARKING_LABELS, LineStatus, assess, follow_up
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.citizen_edit import CitizenEditor, CitizenRecord
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.stepup import StepUpRepository
from fsm_desktop.views.citizens.labels import (
    CONTACT_LABELS,
    ERROR_STYLE,
    EXIT_LABELS,
    ORIGIN_LABELS,
    _audit_row,
)
from fsm_desktop.views.citizens.painting import Sparkline, Timeline, last_months
from fsm_desktop.views.citizens.period_dialog import PeriodDialog
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.header import title_label
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.tables import read_only_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


def _period_note(period: Period) -> str:
    """A period's note as shown: a fritagelse's kind by its label."""
    if period.kind is PeriodKind.FRITAGELSE:
        return _t(exemption_label(period.note))
    return period.note


def _table(parent, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return read_only_table(table, stretch)


def _fill(
    table: QTableWidget,
    rows: list[list[str]],
    keys: list[object] | None = None,
    right: tuple[int, ...] = (),
) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)


class CitizenWindow(QDialog):
    """The citizen's page."""

    #: The project changed (saved): the board, the register and the measures reload.
    saved = Signal()

    def __init__(self, project, citizen_id: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("citizenPage")
        self.project = project
        self.citizen_id = citizen_id
        self.today = min(dt.date.today(), project.initiative.end)
        self.real_today = dt.date.today()
        self.group_ids = [g.id for g in project.template.groups]
        self.ask_before_closing = True
        self._closing = False
        self.resize(1000, 680)
        self.outer = QVBoxLayout(self)
        self.record: CitizenRecord | None = None
        self._build()
        self.reload()
        if project.read_only:
            self._make_read_only()

    def _make_read_only(self) -> None:
        """A project open read-only: the page shows everything and changes nothing. Buttons
        that write are hidden, fields cannot be edited, and "Vis CPR" is gone too (a revealed
        number is written to the audit log, which cannot be written now)."""
        from PySide6.QtWidgets import (
            QAbstractButton,
            QAbstractSpinBox,
            QRadioButton,
            QTabBar,
            QTextEdit,
        )

        for button in self.findChildren(QAbstractButton):
            if isinstance(button, (QCheckBox, QRadioButton)):
                button.setEnabled(False)  # it shows a fact: kept, but cannot be changed
            elif button is not self.close_button and not isinstance(button.parent(), QTabBar):
                button.setVisible(False)
        for field in (
            self.findChildren(QLineEdit)
            + self.findChildren(QPlainTextEdit)
            + self.findChildren(QTextEdit)
        ):
            field.setReadOnly(True)
        for box in self.findChildren(QComboBox) + self.findChildren(QAbstractSpinBox):
            box.setEnabled(False)
        self.ask_before_closing = False
        self.state_label.setText(
            _t("Skrivebeskyttet: {reason}").format(
                reason=translate_error(self.project.read_only_reason)
            )
        )

    # --- building ----------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        self.title = title_label("", self)
        top.addWidget(self.title)
        self.cpr_label = QLabel(self)
        self.reveal_button = QPushButton(_t("Vis CPR"), self)
        self.reveal_button.setToolTip(_t("Viser hele CPR-nummeret; det skrives i revisionsloggen"))
        self.reveal_button.clicked.connect(self.reveal)
        top.addSpacing(12)
        top.addWidget(self.cpr_label)
        top.addWidget(self.reveal_button)
        top.addStretch(1)
        top.addWidget(QLabel(_t("Tavle:"), self))
        self.column_box = QComboBox(self)
        self.column_box.setAccessibleName(_t("Kolonne på tavlen"))
        self.column_box.addItem(_t("ikke placeret"), "")
        for column in BoardColumn:
            self.column_box.addItem(
                QCoreApplication.translate("Board", BOARD_LABELS[column]), column.value
            )
        top.addWidget(self.column_box)
        self.outer.addLayout(top)
        self.summary = QLabel(self)
        self.summary.setObjectName("dialogHint")
        self.summary.setWordWrap(True)
        self.outer.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.outer.addWidget(self.tabs, 1)
        self._build_master()
        self._build_assignments()
        self._build_periods()
        self._build_hours()
        self._build_contacts()
        self._build_status()
        self._build_network()
        self._build_stepup()
        self._build_audit()
        bottom = QHBoxLayout()
        self.state_label = QLabel(self)
        self.state_label.setObjectName("dialogHint")
        bottom.addWidget(self.state_label, 1)
        self.save_button = QPushButton(_t("Gem"), self)
        self.save_button.setDefault(True)
        self.close_button = QPushButton(_t("Luk"), self)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        self.outer.addLayout(bottom)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close)
        self.column_box.currentIndexChanged.connect(lambda _: self._changed())

    def _build_master(self) -> None:
        page = QWidget(self.tabs)
        column = QVBoxLayout(page)
        grid = QFormLayout()
        column.addLayout(grid)
        column.addStretch(1)
        self.name_field = QLineEdit(page)
        self.name_error = error_label(page, ERROR_STYLE)
        self.gender_box = QComboBox(page)
        self.gender_box.addItem("–", "")
        self.gender_box.addItem(_t("kvinde"), Gender.FEMALE.value)
        self.gender_box.addItem(_t("mand"), Gender.MALE.value)
        self.origin_box = QComboBox(page)
        self.origin_box.addItem("–", "")
        for origin, label in ORIGIN_LABELS.items():
            self.origin_box.addItem(_t(label), origin.value)
        self.group_box = QComboBox(page)
        self.group_box.addItem("–", None)
        for group in self.project.template.groups:
            self.group_box.addItem(
                _t("Gruppe {id}: {name}").format(id=group.id, name=group.name), group.id
            )
        self.group_error = error_label(page, ERROR_STYLE)
        self.entry_field = DateField(parent=page)
        self.entry_error = error_label(page, ERROR_STYLE)
        exit_row = QHBoxLayout()
        self.exit_field = DateField(parent=page)
        self.exit_reason_box = QComboBox(page)
        self.exit_reason_box.addItem("–", "")
        for reason, label in EXIT_LABELS.items():
            self.exit_reason_box.addItem(_t(label), reason.value)
        exit_row.addWidget(self.exit_field)
        exit_row.addWidget(self.exit_reason_box, 1)
        self.exit_error = error_label(page, ERROR_STYLE)
        self.note_field = QPlainTextEdit(page)
        self.note_field.setMaximumHeight(90)
        self.note_error = error_label(page, ERROR_STYLE)
        grid.addRow(_t("Navn"), self.name_field)
        grid.addRow("", self.name_error)
        grid.addRow(_t("Køn"), self.gender_box)
        grid.addRow(_t("Herkomst"), self.origin_box)
        if self.group_ids:
            grid.addRow(_t("Gruppe"), self.group_box)
            grid.addRow("", self.group_error)
        grid.addRow(_t("Indgang"), self.entry_field)
        grid.addRow("", self.entry_error)
        grid.addRow(_t("Afgang og årsag"), exit_row)
        grid.addRow("", self.exit_error)
        grid.addRow(_t("Noter"), self.note_field)
        grid.addRow("", self.note_error)
        self.markings_label = QLabel(page)
        self.markings_label.setWordWrap(True)
        self.markings_label.setToolTip(_t("Fritagelser og fravær registreres under Forløb"))
        grid.addRow(_t("Markeringer"), self.markings_label)
        for widget in (self.name_field, self.entry_field, self.exit_field):
            widget.textChanged.connect(lambda _=None: self._changed())
        for box in (self.gender_box, self.origin_box, self.group_box, self.exit_reason_box):
            box.currentIndexChanged.connect(lambda _=None: self._changed())
        self.note_field.textChanged.connect(self._changed)
        self.tabs.addTab(page, _t("Stamdata"))

    def _build_assignments(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.assignment_table = _table(
            page, [_t("Rolle"), _t("Medarbejder"), _t("Fra"), _t("Til")], 1
        )
        layout.addWidget(self.assignment_table, 1)
        grid = QGridLayout()
        self.handover_boxes: dict[AssignmentRole, QComboBox] = {}
        self.handover_dates: dict[AssignmentRole, DateField] = {}
        self.handover_errors: dict[AssignmentRole, QLabel] = {}
        for i, role in enumerate((AssignmentRole.JOB_BROKER, AssignmentRole.CASEWORKER)):
            row = 2 * i
            label = (
                _t("Ny jobformidler")
                if role is AssignmentRole.JOB_BROKER
                else _t("Ny sagsbehandler")
            )
            box = QComboBox(page)
            box.setAccessibleName(label)
            date = DateField(self.today, optional=False, parent=page)
            button = QPushButton(_t("Skift fra denne dato"), page)
            button.clicked.connect(lambda _=False, r=role: self.stage_handover(r))
            grid.addWidget(QLabel(label, page), row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(date, row, 2)
            grid.addWidget(button, row, 3)
            self.handover_boxes[role] = box
            self.handover_dates[role] = date
            self.handover_errors[role] = error_label(page, ERROR_STYLE)
            grid.addWidget(self.handover_errors[role], row + 1, 1, 1, 3)
        layout.addLayout(grid)
        hint = QLabel(
            _t(
                "Et skift afslutter den nuværende tilknytning dagen før og starter en ny på datoen."
            ),
            page,
        )
        hint.setObjectName("dialogHint")
        layout.addWidget(hint)
        self.tabs.addTab(page, _t("Jobformidler og sagsbehandler"))

    def _build_periods(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.timeline = Timeline(page)
        layout.addWidget(self.timeline)
        self.period_table = _table(page, [_t("Type"), _t("Fra"), _t("Til"), _t("Note")], 3)
        self.period_table.doubleClicked.connect(lambda _: self.edit_period())
        layout.addWidget(self.period_table, 1)
        buttons = QHBoxLayout()
        for text, slot in (
            (_t("Nyt forløb …"), self.add_period),
            (_t("Redigér …"), self.edit_period),
            (_t("Afslut pr. {date}").format(date=date_text(self.today)), self.end_period),
            (_t("Slet"), self.delete_period),
        ):
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.tabs.addTab(page, _t("Forløb"))

    def _build_hours(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.sparkline = Sparkline(page)
        row.addWidget(self.sparkline, 1)
        layout.addLayout(row)
        self.hours_table = _table(page, [_t("Måned"), _t("Løntimer"), ""], 2)
        layout.addWidget(self.hours_table, 1)
        entry = QHBoxLayout()
        last_month = (self.today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        self.month_field = QLineEdit(last_month, page)
        self.month_field.setMaximumWidth(100)
        self.month_field.setAccessibleName(_t("Måned (åååå-mm)"))
        self.hours_field = QLineEdit(page)
        self.hours_field.setMaximumWidth(100)
        self.hours_field.setPlaceholderText(_t("timer"))
        self.hours_field.setAccessibleName(_t("Løntimer"))
        add = QPushButton(_t("Registrér"), page)
        remove = QPushButton(_t("Slet måned"), page)
        add.clicked.connect(self.set_hours)
        remove.clicked.connect(self.delete_hours)
        self.hours_field.returnPressed.connect(self.set_hours)
        for widget in (
            QLabel(_t("Måned"), page),
            self.month_field,
            QLabel(_t("Timer"), page),
            self.hours_field,
            add,
            remove,
        ):
            entry.addWidget(widget)
        entry.addStretch(1)
        layout.addLayout(entry)
        self.hours_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.hours_error)
        self.tabs.addTab(page, _t("Løntimer"))

    def _build_contacts(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.contact_check_label = QLabel(page)
        self.contact_check_label.setWordWrap(True)
        layout.addWidget(self.contact_check_label)
        self.contact_table = _table(page, [_t("Dato"), _t("Form"), _t("Af"), _t("Note")], 3)
        layout.addWidget(self.contact_table, 1)
        entry = QHBoxLayout()
        self.contact_date = DateField(self.today, optional=False, parent=page)
        self.contact_kind = QComboBox(page)
        for kind, label in CONTACT_LABELS.items():
            self.contact_kind.addItem(_t(label), kind.value)
        self.contact_staff = QComboBox(page)
        self.contact_staff.setAccessibleName(_t("Af"))
        self.contact_note = QLineEdit(page)
        self.contact_note.setPlaceholderText(_t("Note"))
        add = QPushButton(_t("Tilføj kontakt"), page)
        remove = QPushButton(_t("Slet"), page)
        add.clicked.connect(self.add_contact)
        remove.clicked.connect(self.delete_contact)
        self.contact_note.returnPressed.connect(self.add_contact)
        for widget in (self.contact_date, self.contact_kind, self.contact_staff):
            entry.addWidget(widget)
        entry.addWidget(self.contact_note, 1)
        entry.addWidget(add)
        entry.addWidget(remove)
        layout.addLayout(entry)
        self.contact_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.contact_error)
        self.tabs.addTab(page, _t("Kontakter"))

    def _build_status(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.status_table = _table(page, [_t("Hvad"), _t("Fra"), _t("Værdi")], 2)
        layout.addWidget(self.status_table, 1)
        grid = QGridLayout()
        self.cv_box = QComboBox(page)
        self.cv_box.addItem(_t("ja"), "ja")
        self.cv_box.addItem(_t("nej"), "nej")
        self.cv_date = DateField(self.today, optional=False, parent=page)
        cv_button = QPushButton(_t("Registrér"), page)
        cv_button.clicked.connect(lambda: self.add_status(StatusKind.CV_JOBNET))
        self.goal_field = QLineEdit(page)
        self.goal_field.setPlaceholderText(_t("fx lagermedarbejder"))
        self.goal_date = DateField(self.today, optional=False, parent=page)
        goal_button = QPushButton(_t("Registrér"), page)
        goal_button.clicked.connect(lambda: self.add_status(StatusKind.JOB_GOAL))
        grid.addWidget(QLabel(_t("CV på Jobnet"), page), 0, 0)
        grid.addWidget(self.cv_box, 0, 1)
        grid.addWidget(self.cv_date, 0, 2)
        grid.addWidget(cv_button, 0, 3)
        grid.addWidget(QLabel(_t("Jobmål"), page), 1, 0)
        grid.addWidget(self.goal_field, 1, 1)
        grid.addWidget(self.goal_date, 1, 2)
        grid.addWidget(goal_button, 1, 3)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.status_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.status_error)
        self.tabs.addTab(page, _t("CV og jobmål"))

    def _build_network(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.consent_box = QCheckBox(_t("Borgeren ønsker, at netværket inddrages"), page)
        self.consent_box.toggled.connect(self._consent_toggled)
        self._withdrawn: list[
            NetworkPerson
        ] = []  # deleted with the consent; back if it is given again
        layout.addWidget(self.consent_box)
        hint = QLabel(_t("Netværket registreres kun, når borgeren ønsker det."), page)
        hint.setObjectName("dialogHint")
        layout.addWidget(hint)
        self.network_table = _table(page, [_t("Navn"), _t("Relation"), _t("Telefon")], 0)
        layout.addWidget(self.network_table, 1)
        entry = QHBoxLayout()
        self.network_name = QLineEdit(page)
        self.network_name.setPlaceholderText(_t("Navn"))
        self.network_relation = QLineEdit(page)
        self.network_relation.setPlaceholderText(_t("Relation, fx søster"))
        self.network_phone = QLineEdit(page)
        self.network_phone.setPlaceholderText(_t("Telefon"))
        self.network_add = QPushButton(_t("Tilføj"), page)
        self.network_remove = QPushButton(_t("Slet"), page)
        self.network_add.clicked.connect(self.add_network)
        self.network_remove.clicked.connect(self.delete_network)
        for widget in (
            self.network_name,
            self.network_relation,
            self.network_phone,
            self.network_add,
            self.network_remove,
        ):
            entry.addWidget(widget)
        layout.addLayout(entry)
        self.network_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.network_error)
        self.tabs.addTab(page, _t("Netværk"))

    def _build_stepup(self) -> None:
        """Step-up (read here, recorded on the Step-up page): due or not and why, markings, and
        each meeting's plan with its follow-up (an overdue planned start shows here)."""
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.stepup_label = QLabel(page)
        self.stepup_label.setWordWrap(True)
        layout.addWidget(self.stepup_label)
        self.stepup_table = _table(
            page,
            [_t("Møde"), _t("Tilbud"), _t("Planlagt start"), _t("Ansvarlig"), _t("Opfølgning")],
            4,
        )
        layout.addWidget(self.stepup_table, 1)
        self.tabs.addTab(page, _t("Step-up"))

    def _fill_stepup(self) -> None:
        case = StepUpRepository(self.project).case(self.citizen_id, self.today)
        if case is None:
            return
        found = assess(case, self.today)
        lines = []
        if found.is_due:
            lines.append(
                _t("Skal have et step-up-møde siden {date}: {why}.").format(
                    date=date_text(found.due), why=_t(DUE_LABELS[found.reason])
                )
            )
        elif found.exemption is not None:
            lines.append(
                _t("Fritaget for step-up til {date}.").format(date=date_text(found.exempt_until))
            )
        else:
            lines.append(_t("Skal ikke have et step-up-møde nu."))
        for m in case.markings:
            lines.append(
                f"• {_t(MARKING_LABELS[m.kind])}: {date_text(m.start)} – {date_text(m.end) or '…'}"
            )
        self.stepup_label.setText("\n".join(lines))
        rows, overdue_rows = [], []
        for meeting in sorted(case.meetings, key=lambda m: m.date, reverse=True):
            for f in follow_up(case, meeting, self.today):
                state = {
                    LineStatus.STARTED: _t("startet {date}").format(date=date_text(f.started)),
                    LineStatus.PENDING: _t("afventer"),
                    LineStatus.OVERDUE: _t("overskredet med {n} dage").format(n=f.days_overdue),
                }[f.status]
                if f.status is LineStatus.OVERDUE:
                    overdue_rows.append(len(rows))
                rows.append(
                    [
                        date_text(meeting.date),
                        f.line.offer.label,
                        date_text(f.line.planned_start),
                        f.line.responsible,
                        state,
                    ]
                )
        _fill(self.stepup_table, rows)
        for r in overdue_rows:
            item = self.stepup_table.item(r, 4)
            item.setForeground(QColor("#a2191f"))

    def _build_audit(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.audit_table = _table(
            page,
            [_t("Tidspunkt"), _t("Bruger"), _t("Handling"), _t("Felt"), _t("Før"), _t("Efter")],
            5,
        )
        layout.addWidget(self.audit_table, 1)
        self.tabs.addTab(page, _t("Revisionslog"))

    # --- filling -------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the citizen afresh; pending changes are dropped."""
        record = CitizenEditor(self.project).load(self.citizen_id)
        self.record = record
        if record is None:
            self.title.setText(_t("Borgeren findes ikke længere i projektet."))
            self.tabs.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        self.changes = CitizenChanges()
        self.periods = list(record.periods)
        self.hours = {h.month: h.hours for h in record.hours}
        self.contacts = list(record.contacts)
        self.status = list(record.status)
        self.network = list(record.network)
        self.handovers: list[tuple[str, str, dt.date]] = []
        self._withdrawn = []
        c = record.citizen
        self._loading = True
        self.setWindowTitle(c.name)
        self.title.setText(c.name)
        self.cpr_label.setText(mask(c.cpr))
        self.reveal_button.setEnabled(True)
        self.name_field.setText(c.name)
        self.gender_box.setCurrentIndex(
            max(0, self.gender_box.findData(c.gender.value if c.gender else ""))
        )
        self.origin_box.setCurrentIndex(
            max(0, self.origin_box.findData(c.origin.value if c.origin else ""))
        )
        self.group_box.setCurrentIndex(max(0, self.group_box.findData(c.group)))
        self.entry_field.set_date(c.entry_date)
        self.exit_field.set_date(c.exit_date)
        self.exit_reason_box.setCurrentIndex(
            max(0, self.exit_reason_box.findData(c.exit_reason.value if c.exit_reason else ""))
        )
        self.note_field.setPlainText(c.note)
        self.column_box.setCurrentIndex(
            max(0, self.column_box.findData(record.column.value if record.column else ""))
        )
        # A card on the board moves between columns but is not taken off it (the board has no
        # such move): "ikke placeret" is offered only to a citizen not yet placed.
        not_placed = self.column_box.model().item(0)
        not_placed.setEnabled(record.column is None)
        not_placed.setToolTip(
            ""
            if record.column is None
            else _t(
                "Kortet står på tavlen; det kan flyttes til en anden kolonne, men ikke tages af tavlen."
            )
        )
        self.consent_box.setChecked(record.network_consent)
        for role, box in self.handover_boxes.items():
            box.clear()
            wanted = (
                StaffRole.JOB_BROKER if role is AssignmentRole.JOB_BROKER else StaffRole.CASEWORKER
            )
            for staff in record.staff.values():
                if staff.role in (wanted, StaffRole.PSEUDO) and (
                    staff.role is not StaffRole.PSEUDO or role is AssignmentRole.CASEWORKER
                ):
                    box.addItem(f"{staff.initials} – {staff.name}", staff.id)
        self.contact_staff.clear()
        self.contact_staff.addItem("–", "")
        for staff in record.staff.values():
            if staff.role is not StaffRole.PSEUDO:
                self.contact_staff.addItem(f"{staff.initials} – {staff.name}", staff.id)
        current = record.current(AssignmentRole.JOB_BROKER, self.today)
        if current is not None:
            self.contact_staff.setCurrentIndex(
                max(0, self.contact_staff.findData(current.staff_id))
            )
        self._loading = False
        self._refresh_lists()
        self._fill_stepup()
        self._changed()

    def _refresh_lists(self) -> None:
        record = self.record
        staff = record.staff
        initials = {sid: s.initials for sid, s in staff.items()}
        rows = []
        for a in record.assignments:
            rows.append(
                [
                    _t("jobformidler")
                    if a.role is AssignmentRole.JOB_BROKER
                    else _t("sagsbehandler"),
                    f"{initials.get(a.staff_id, '?')} – {staff[a.staff_id].name if a.staff_id in staff else ''}",
                    date_text(a.start),
                    date_text(a.end) or _t("nu"),
                ]
            )
        for role, staff_id, day in self.handovers:
            rows.append(
                [
                    role,
                    f"{initials.get(staff_id, '?')} ({_t('ikke gemt')})",
                    date_text(day),
                    _t("nu"),
                ]
            )
        _fill(self.assignment_table, rows)
        ordered = sorted(self.periods, key=lambda p: (p.start, p.kind.value), reverse=True)
        markings = [p for p in ordered if p.kind.category is PeriodCategory.MARKING]
        notes = {p.id: _period_note(p) for p in ordered}
        self.markings_label.setText(
            "\n".join(
                f"{PERIOD_LABELS[p.kind]}{f' ({notes[p.id]})' if notes[p.id] else ''}: {date_text(p.start)} – {date_text(p.end) or _t('i gang')}"
                for p in markings
            )
            or _t("ingen (fritagelser og fravær registreres under Forløb)")
        )
        _fill(
            self.period_table,
            [
                [
                    PERIOD_LABELS[p.kind],
                    date_text(p.start),
                    date_text(p.end) or _t("i gang"),
                    notes[p.id],
                ]
                for p in ordered
            ],
            [p.id for p in ordered],
        )
        self.timeline.set_periods(self.periods, self.today)
        months = sorted(self.hours)
        _fill(
            self.hours_table,
            [[m, number(self.hours[m], 1), ""] for m in reversed(months)],
            list(reversed(months)),
            right=(1,),
        )
        shown = last_months(
            max([self.today.strftime("%Y-%m"), *months]) if months else self.today.strftime("%Y-%m")
        )
        self.sparkline.set_months(shown, [self.hours.get(m, 0.0) for m in shown])
        contacts = sorted(self.contacts, key=lambda c: c.date, reverse=True)
        _fill(
            self.contact_table,
            [
                [
                    date_text(c.date),
                    _t(CONTACT_LABELS[c.kind]),
                    initials.get(c.staff_id or "", ""),
                    c.note,
                ]
                for c in contacts
            ],
            [c.id for c in contacts],
        )
        check = contact_check(self.contacts, self.today)
        self.contact_check_label.setText(_t(check.text()) if check.last is None else check.text())
        self.contact_check_label.setStyleSheet(ERROR_STYLE if check.late else "")
        _fill(
            self.status_table,
            [
                [
                    _t("CV på Jobnet") if s.kind is StatusKind.CV_JOBNET else _t("Jobmål"),
                    date_text(s.date),
                    s.value,
                ]
                for s in reversed(self.status)
            ],
        )
        _fill(
            self.network_table,
            [[p.name, p.relation, p.phone] for p in self.network],
            [p.id for p in self.network],
        )
        self._enable_network(self.consent_box.isChecked())
        audit = list(reversed(record.audit))
        _fill(self.audit_table, [_audit_row(e, initials) for e in audit])
        latest_cv = next((s for s in reversed(self.status) if s.kind is StatusKind.CV_JOBNET), None)
        latest_goal = next(
            (s for s in reversed(self.status) if s.kind is StatusKind.JOB_GOAL), None
        )
        jf = record.current(AssignmentRole.JOB_BROKER, self.today)
        sb = record.current(AssignmentRole.CASEWORKER, self.today)
        parts = [
            _t("Jobformidler: {who}").format(who=initials.get(jf.staff_id, "–") if jf else "–"),
            _t("Sagsbehandler: {who}").format(who=initials.get(sb.staff_id, "–") if sb else "–"),
            _t("CV på Jobnet: {value}").format(value=latest_cv.value if latest_cv else "–"),
            _t("Jobmål: {value}").format(value=latest_goal.value if latest_goal else "–"),
            check.text(),
        ]
        self.summary.setText("   ·   ".join(parts))

    # --- master data ----------------------------------------------------------------------------------
    def master(self) -> tuple[Citizen | None, dict[str, str]]:
        """The master data as entered, and what is wrong with it (field → message)."""
        base = self.record.citizen
        problems: dict[str, str] = {}
        dates = {}
        for key, field in (("entry_date", self.entry_field), ("exit_date", self.exit_field)):
            try:
                dates[key] = field.date()
            except ValueError:
                problems[key] = _t("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=field.text()
                )
                dates[key] = getattr(base, key)
        citizen = Citizen(
            cpr=base.cpr,
            name=self.name_field.text().strip(),
            gender=Gender(self.gender_box.currentData()) if self.gender_box.currentData() else None,
            origin=Origin(self.origin_box.currentData()) if self.origin_box.currentData() else None,
            group=self.group_box.currentData() if self.group_ids else base.group,
            entry_date=dates["entry_date"],
            exit_date=dates["exit_date"],
            exit_reason=ExitReason(self.exit_reason_box.currentData())
            if self.exit_reason_box.currentData()
            else None,
            note=self.note_field.toPlainText(),
            id=base.id,
        )
        for key, message in validate_master(citizen, self.group_ids).items():
            problems.setdefault(key, _t(message))
        if (citizen.exit_date, citizen.exit_reason) != (base.exit_date, base.exit_reason):
            staged = [
                Assignment(base.id, staff_id, AssignmentRole(role), day)
                for role, staff_id, day in self.handovers
            ]
            for key, message in validate_exit(citizen, [*self.record.assignments, *staged]).items():
                problems.setdefault(key, _t(message))
        return citizen, problems

    def _changed(self) -> None:
        if getattr(self, "_loading", True) or self.record is None:
            return
        citizen, problems = self.master()
        show_error(self.name_error, problems.get("name"))
        show_error(self.group_error, problems.get("group"))
        show_error(self.entry_error, problems.get("entry_date"))
        show_error(self.exit_error, problems.get("exit_date") or problems.get("exit_reason"))
        show_error(self.note_error, problems.get("note"))
        self.changes.citizen = citizen if self._master_differs(citizen) else None
        dirty = self.dirty
        self.save_button.setEnabled(dirty and not problems)
        if problems:
            self.state_label.setText(_t("Ret fejlene, før der kan gemmes."))
        else:
            self.state_label.setText(
                _t("Ændringer, der ikke er gemt.") if dirty else _t("Alt er gemt.")
            )

    def _master_differs(self, citizen: Citizen) -> bool:
        base = self.record.citizen
        return any(
            getattr(base, a) != getattr(citizen, a)
            for a in (
                "name",
                "gender",
                "origin",
                "group",
                "entry_date",
                "exit_date",
                "exit_reason",
                "note",
            )
        )

    @property
    def board_column(self) -> BoardColumn | None:
        value = self.column_box.currentData()
        return BoardColumn(value) if value else None

    @property
    def dirty(self) -> bool:
        if self.record is None:
            return False
        column_changed = self.board_column != self.record.column and self.board_column is not None
        consent_changed = self.consent_box.isChecked() != self.record.network_consent
        return not self.changes.empty or column_changed or consent_changed

    # --- assignments ---------------------------------------------------------------------------------
    def stage_handover(self, role: AssignmentRole) -> bool:
        """Stage a change of ``role`` from the chosen day (saved with the rest); the rule of the
        assignment history is checked against the saved history, the message under the row."""
        error = self.handover_errors[role]
        staff_id = self.handover_boxes[role].currentData()
        try:
            day = self.handover_dates[role].date()
        except ValueError:
            show_error(
                error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=self.handover_dates[role].text()
                ),
            )
            return False
        if staff_id is None or day is None:
            show_error(error, _t("Vælg en medarbejder og en dato."))
            return False
        citizen, _ = self.master()
        history = [a for a in self.record.assignments if a.role is role]
        problem = handover_problem(history, staff_id, day, leaving_date(citizen))
        if problem is not None:
            show_error(error, _t(problem))
            return False
        show_error(error, None)
        self.handovers = [h for h in self.handovers if h[0] != role.value] + [
            (role.value, staff_id, day)
        ]
        self.changes.handovers = list(self.handovers)
        self._refresh_lists()
        self._changed()
        return True

    # --- periods -------------------------------------------------------------------------------------
    def _selected_key(self, table: QTableWidget):
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _save_period(self, period: Period) -> None:
        self.periods = [p for p in self.periods if p.id != period.id] + [period]
        self.changes.periods_saved = [
            p for p in self.changes.periods_saved if p.id != period.id
        ] + [period]
        self._refresh_lists()
        self._changed()

    def add_period(self) -> PeriodDialog:
        dialog = PeriodDialog(None, self.periods, self.citizen_id, self.today, self)
        dialog.accepted.connect(lambda: self._save_period(dialog.period()))
        dialog.open()
        self.period_dialog = dialog
        return dialog

    def edit_period(self) -> PeriodDialog | None:
        period_id = self._selected_key(self.period_table)
        period = next((p for p in self.periods if p.id == period_id), None)
        if period is None:
            return None
        dialog = PeriodDialog(period, self.periods, self.citizen_id, self.today, self)
        dialog.accepted.connect(lambda: self._save_period(dialog.period()))
        dialog.open()
        self.period_dialog = dialog
        return dialog

    def end_period(self) -> bool:
        """The selected period ends today (an offer or a benefit that stopped)."""
        period_id = self._selected_key(self.period_table)
        period = next((p for p in self.periods if p.id == period_id), None)
        if period is None or period.end is not None:
            return False
        ended = Period(
            period.citizen_id,
            period.kind,
            period.start,
            max(self.today, period.start),
            period.note,
            id=period.id,
        )
        self._save_period(ended)
        return True

    def delete_period(self) -> bool:
        period_id = self._selected_key(self.period_table)
        if period_id is None:
            return False
        self.periods = [p for p in self.periods if p.id != period_id]
        self.changes.periods_saved = [p for p in self.changes.periods_saved if p.id != period_id]
        if any(p.id == period_id for p in self.record.periods):
            self.changes.periods_deleted.append(period_id)
        self._refresh_lists()
        self._changed()
        return True

    # --- paid hours ----------------------------------------------------------------------------------
    def set_hours(self) -> bool:
        month = self.month_field.text().strip()
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            show_error(
                self.hours_error, _t("»{text}« er ikke en måned (åååå-mm).").format(text=month)
            )
            return False
        text = (
            self.hours_field.text().strip().replace(".", "").replace(",", ".")
            if "," in self.hours_field.text()
            else self.hours_field.text().strip()
        )
        try:
            hours = float(text)
        except ValueError:
            show_error(
                self.hours_error,
                _t("»{text}« er ikke et antal timer.").format(text=self.hours_field.text()),
            )
            return False
        problems = validate_hours(PaidHours(self.citizen_id, month, hours))
        if problems:
            show_error(self.hours_error, _t(problems["hours"]))
            return False
        show_error(self.hours_error, None)
        self.hours[month] = hours
        self.changes.hours_saved = [h for h in self.changes.hours_saved if h.month != month] + [
            PaidHours(self.citizen_id, month, hours)
        ]
        self.changes.hours_deleted = [m for m in self.changes.hours_deleted if m != month]
        self.hours_field.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_hours(self) -> bool:
        month = self._selected_key(self.hours_table)
        if month is None:
            return False
        self.hours.pop(month, None)
        self.changes.hours_saved = [h for h in self.changes.hours_saved if h.month != month]
        if any(h.month == month for h in self.record.hours):
            self.changes.hours_deleted.append(month)
        self._refresh_lists()
        self._changed()
        return True

    # --- contacts ------------------------------------------------------------------------------------
    def add_contact(self) -> bool:
        try:
            day = self.contact_date.date()
        except ValueError:
            show_error(
                self.contact_error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(text=self.contact_date.text()),
            )
            return False
        if day is None:
            show_error(self.contact_error, _t("Datoen skal udfyldes."))
            return False
        contact = Contact(
            self.citizen_id,
            day,
            ContactKind(self.contact_kind.currentData()),
            self.contact_staff.currentData() or None,
            self.contact_note.text().strip(),
        )
        problems = validate_contact(contact, self.real_today)
        if problems:
            show_error(self.contact_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.contact_error, None)
        self.contacts.append(contact)
        self.changes.contacts_added.append(contact)
        self.contact_note.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_contact(self) -> bool:
        contact_id = self._selected_key(self.contact_table)
        if contact_id is None:
            return False
        self.contacts = [c for c in self.contacts if c.id != contact_id]
        self.changes.contacts_added = [c for c in self.changes.contacts_added if c.id != contact_id]
        if any(c.id == contact_id for c in self.record.contacts):
            self.changes.contacts_deleted.append(contact_id)
        self._refresh_lists()
        self._changed()
        return True

    # --- CV and job goal ---------------------------------------------------------------------------
    def add_status(self, kind: StatusKind) -> bool:
        date_field = self.cv_date if kind is StatusKind.CV_JOBNET else self.goal_date
        value = (
            self.cv_box.currentData()
            if kind is StatusKind.CV_JOBNET
            else self.goal_field.text().strip()
        )
        try:
            day = date_field.date()
        except ValueError:
            show_error(
                self.status_error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(text=date_field.text()),
            )
            return False
        if day is None:
            show_error(self.status_error, _t("Datoen skal udfyldes."))
            return False
        entry = StatusEntry(self.citizen_id, kind, day, value)
        problems = validate_status(entry, self.real_today)
        if problems:
            show_error(self.status_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.status_error, None)
        self.status.append(entry)
        self.status.sort(key=lambda s: s.date)
        self.changes.status_added.append(entry)
        if kind is StatusKind.JOB_GOAL:
            self.goal_field.clear()
        self._refresh_lists()
        self._changed()
        return True

    # --- network -------------------------------------------------------------------------------------
    def _enable_network(self, on: bool) -> None:
        for widget in (
            self.network_name,
            self.network_relation,
            self.network_phone,
            self.network_add,
        ):
            widget.setEnabled(on)

    def _consent_toggled(self, on: bool) -> None:
        """Withdrawing the consent asks whether the people registered go too (deleted when the
        page is saved, with the rest); giving it again before saving brings them back."""
        self._enable_network(on)
        if getattr(self, "_loading", True) or self.record is None:
            return
        self.changes.network_consent = on if on != self.record.network_consent else None
        if not on and self.network:
            answer = QMessageBox.question(
                self,
                _t("Netværket"),
                _t(
                    "Borgeren ønsker ikke længere, at netværket inddrages. Skal de {n} registrerede personer i netværket "
                    "slettes, når der gemmes?"
                ).format(n=len(self.network)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._withdrawn = list(self.network)
                for person in self._withdrawn:
                    self._forget_network(person.id)
        elif on and self._withdrawn:
            stored = {p.id for p in self.record.network}
            for person in self._withdrawn:
                self.network.append(person)
                if person.id in stored:
                    self.changes.network_deleted.remove(person.id)
                else:
                    self.changes.network_saved.append(person)
            self._withdrawn = []
        self._refresh_lists()
        self._changed()

    def add_network(self) -> bool:
        person = NetworkPerson(
            self.citizen_id,
            self.network_name.text().strip(),
            self.network_relation.text().strip(),
            self.network_phone.text().strip(),
        )
        problems = validate_network(person)
        if problems:
            show_error(self.network_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.network_error, None)
        self.network.append(person)
        self.changes.network_saved.append(person)
        for field in (self.network_name, self.network_relation, self.network_phone):
            field.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_network(self) -> bool:
        person_id = self._selected_key(self.network_table)
        if person_id is None:
            return False
        self._forget_network(person_id)
        self._refresh_lists()
        self._changed()
        return True

    def _forget_network(self, person_id: str) -> None:
        self.network = [p for p in self.network if p.id != person_id]
        self.changes.network_saved = [p for p in self.changes.network_saved if p.id != person_id]
        if any(p.id == person_id for p in self.record.network):
            self.changes.network_deleted.append(person_id)

    # --- saving and closing --------------------------------------------------------------------------
    def save(self) -> bool:
        """Everything on the page in one transaction; the board move with it."""
        if self.record is None:
            return False
        citizen, problems = self.master()
        if problems:
            self.tabs.setCurrentIndex(0)
            return False
        self.changes.citizen = citizen if self._master_differs(citizen) else None
        column = self.board_column
        try:
            with self.project.db.atomic():
                CitizenEditor(self.project).save(self.citizen_id, self.changes, self.real_today)
                if column is not None and column != self.record.column:
                    BoardRepository(self.project).move([self.citizen_id], column)
        except KnownError as error:
            QMessageBox.warning(self, _t("Borgeren kunne ikke gemmes"), translate_error(error))
            return False
        self.reload()
        self.state_label.setText(_t("Gemt."))
        self.saved.emit()
        return True

    def reveal(self) -> None:
        try:
            cpr = CitizenRepository(self.project).reveal_cpr(self.citizen_id)
        except KnownError as error:  # the reveal is audited: no audit row, no number shown
            QMessageBox.warning(self, _t("CPR-nummeret kan ikke vises"), translate_error(error))
            return
        self.cpr_label.setText(format_cpr(cpr))
        self.reveal_button.setEnabled(False)
        self.record.audit = CitizenEditor(self.project).load(self.citizen_id).audit
        self._refresh_lists()

    def may_close(self) -> bool:
        """True when nothing is lost by closing: no unsaved changes, or the user saved them
        or chose to discard them."""
        if not self.ask_before_closing or not self.dirty:
            return True
        answer = QMessageBox.question(
            self,
            _t("Ændringer, der ikke er gemt"),
            _t("{name} har ændringer, der ikke er gemt. Skal de gemmes?").format(
                name=self.record.citizen.name
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event) -> None:
        if not self._closing and not self.may_close():
            event.ignore()
            return
        self._closing = True  # QDialog's closeEvent calls reject(): do not ask twice
        try:
            super().closeEvent(event)
        finally:
            self._closing = False

    def reject(self) -> None:
        if self._closing or self.may_close():
            self._closing = True
            try:
                super().reject()
            finally:
                self._closing = False
