"""The step-up page's dialogs: the meeting record and a marking (exemption)."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Barrier, Kind, ParticipantRole, PeriodCategory
from fsm_desktop.domain.stepup import (
    BARRIER_LABELS,
    HEALTH_FUNCTION_LABELS,
    PLAN_OFFERS,
    ROLE_LABELS,
    HealthFunction,
    Meeting,
    Participant,
    PlannedOffer,
    StepUpCase,
    missing_roles,
    validate_meeting,
)
from fsm_desktop.operations.stepup import save_meeting
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import ERROR_STYLE
from fsm_desktop.views.kit.header import title_label
from fsm_desktop.views.kit.messages import translate_error

WARNING_STYLE = "background: #fff8e1; border: 1px solid #f1c21b; padding: 6px; color: #3d2a00;"


def _t(text: str) -> str:
    return QCoreApplication.translate("StepUp", text)


def default_participants(case: StepUpCase, staff: list) -> list[Participant]:
    """A new meeting starts with the four roles that must always take part (seeds/002 §20)."""
    names = {s.initials: s.name for s in staff}
    return [
        Participant(ParticipantRole.CITIZEN, case.name),
        Participant(ParticipantRole.CASEWORKER, names.get(case.caseworker, "")),
        Participant(ParticipantRole.JOB_BROKER, names.get(case.job_broker, "")),
        Participant(ParticipantRole.LEADER, ""),
    ]


_W = TypeVar("_W", bound=QWidget)


def _cell(table: QTableWidget, row: int, column: int, kind: type[_W]) -> _W:
    """The widget a row was given in a column (add_participant, add_line)."""
    widget = table.cellWidget(row, column)
    assert isinstance(widget, kind), f"column {column} holds a {kind.__name__}"
    return widget


class MeetingDialog(QDialog):
    """The meeting record: date, participants by role, barriers, the plan; warnings for the roles
    the meeting lacks; saved in one transaction."""

    #: The meeting was written: what changed (operations.changes.Changes).
    saved = Signal(object)
    ROLE, NAME, HEALTH = range(3)
    OFFER, START, RESPONSIBLE, NOTE = range(4)

    def __init__(
        self, project: Project, case: StepUpCase, meeting: Meeting, today: dt.date, parent=None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.case = case
        self.meeting = meeting
        self.today = today
        self.setWindowTitle(self.tr("Step-up-møde – {name}").format(name=case.name))
        self.resize(900, 680)
        layout = QVBoxLayout(self)
        head = title_label(f"{case.name} ({mask(case.cpr)})", self)
        layout.addWidget(head)
        self._build_date_and_barriers(layout, meeting)
        self._build_participants(layout)
        self._build_plan(layout)
        self._build_note_and_buttons(layout, meeting)
        for p in meeting.participants:
            self.add_participant(p)
        for line in meeting.plan:
            self.add_line(line)
        if not meeting.plan:
            self.add_line()
        self.add_participant_button.clicked.connect(lambda: self.add_participant())
        self.remove_participant_button.clicked.connect(lambda: self._remove(self.participants))
        self.add_line_button.clicked.connect(lambda: self.add_line())
        self.remove_line_button.clicked.connect(lambda: self._remove(self.plan))
        self._update_warnings()

    # --- building -------------------------------------------------------------------------------------
    def _build_date_and_barriers(self, layout: QVBoxLayout, meeting: Meeting) -> None:
        form = QFormLayout()
        self.date_field = DateField(meeting.date, optional=False, parent=self)
        self.date_field.setAccessibleName(self.tr("Mødedato"))
        self.date_error = QLabel(self)
        self.date_error.setStyleSheet(ERROR_STYLE)
        self.date_error.hide()
        date_row = QHBoxLayout()
        date_row.addWidget(self.date_field)
        date_row.addWidget(self.date_error, 1)
        form.addRow(self.tr("Dato:"), date_row)
        barrier_row = QHBoxLayout()
        self.barrier_boxes: dict[Barrier, QCheckBox] = {}
        for barrier in Barrier:
            box = QCheckBox(_t(BARRIER_LABELS[barrier]), self)
            box.setChecked(barrier in meeting.barriers)
            box.toggled.connect(self._update_warnings)
            self.barrier_boxes[barrier] = box
            barrier_row.addWidget(box)
        barrier_row.addStretch(1)
        form.addRow(self.tr("Barrierer:"), barrier_row)
        layout.addLayout(form)

    def _build_participants(self, layout: QVBoxLayout) -> None:
        """The participants by role, with buttons to add and remove one."""
        layout.addWidget(QLabel(self.tr("Deltagere"), self))
        self.participants = QTableWidget(0, 3, self)
        self.participants.setHorizontalHeaderLabels(
            [self.tr("Rolle"), self.tr("Navn"), self.tr("Sundhedsfaglig")]
        )
        self.participants.horizontalHeader().setSectionResizeMode(
            self.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.participants.setColumnWidth(self.ROLE, 230)
        self.participants.setColumnWidth(self.HEALTH, 260)
        self.participants.verticalHeader().setVisible(False)
        self.participants.setAccessibleName(self.tr("Deltagere"))
        layout.addWidget(self.participants, 1)
        prow = QHBoxLayout()
        self.add_participant_button = QPushButton(self.tr("Tilføj deltager"), self)
        self.remove_participant_button = QPushButton(self.tr("Fjern deltager"), self)
        prow.addWidget(self.add_participant_button)
        prow.addWidget(self.remove_participant_button)
        prow.addStretch(1)
        layout.addLayout(prow)
        self.participants_error = QLabel(self)
        self.participants_error.setStyleSheet(ERROR_STYLE)
        self.participants_error.hide()
        layout.addWidget(self.participants_error)

    def _build_plan(self, layout: QVBoxLayout) -> None:
        """The plan: offers with their planned start, with buttons to add and remove one."""
        layout.addWidget(QLabel(self.tr("Plan: tilbud med planlagt start"), self))
        self.plan = QTableWidget(0, 4, self)
        self.plan.setHorizontalHeaderLabels(
            [self.tr("Tilbud"), self.tr("Planlagt start"), self.tr("Ansvarlig"), self.tr("Note")]
        )
        self.plan.horizontalHeader().setSectionResizeMode(self.NOTE, QHeaderView.ResizeMode.Stretch)
        self.plan.setColumnWidth(self.OFFER, 230)
        self.plan.setColumnWidth(self.START, 140)
        self.plan.setColumnWidth(self.RESPONSIBLE, 120)
        self.plan.verticalHeader().setVisible(False)
        self.plan.setAccessibleName(self.tr("Plan"))
        layout.addWidget(self.plan, 1)
        lrow = QHBoxLayout()
        self.add_line_button = QPushButton(self.tr("Tilføj tilbud"), self)
        self.remove_line_button = QPushButton(self.tr("Fjern tilbud"), self)
        lrow.addWidget(self.add_line_button)
        lrow.addWidget(self.remove_line_button)
        lrow.addStretch(1)
        layout.addLayout(lrow)
        self.plan_error = QLabel(self)
        self.plan_error.setStyleSheet(ERROR_STYLE)
        self.plan_error.setWordWrap(True)
        self.plan_error.hide()
        layout.addWidget(self.plan_error)

    def _build_note_and_buttons(self, layout: QVBoxLayout, meeting: Meeting) -> None:
        """The minutes, the warnings for the roles the meeting lacks, Save and Cancel."""
        self.note = QPlainTextEdit(meeting.note, self)
        self.note.setPlaceholderText(self.tr("Referat og aftaler …"))
        self.note.setMaximumHeight(70)
        self.note.setAccessibleName(self.tr("Referat"))
        layout.addWidget(self.note)
        self.warnings = QLabel(self)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.warnings)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Gem"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Annullér"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # --- rows ----------------------------------------------------------------------------------------
    def add_participant(self, participant: Participant | None = None) -> None:
        participant = participant or Participant(
            ParticipantRole.HEALTH
            if self.barrier_boxes[Barrier.HEALTH].isChecked()
            else ParticipantRole.NETWORK
        )
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        role = QComboBox(self.participants)
        for r in ParticipantRole:
            role.addItem(_t(ROLE_LABELS[r]), r.value)
        role.setCurrentIndex(role.findData(participant.role.value))
        health = QComboBox(self.participants)
        for fn in HealthFunction:
            health.addItem(
                _t(HEALTH_FUNCTION_LABELS[fn]) if fn is not HealthFunction.NONE else "–", fn.value
            )
        health.setCurrentIndex(health.findData(participant.health_function.value))
        self.participants.setCellWidget(row, self.ROLE, role)
        self.participants.setItem(row, self.NAME, QTableWidgetItem(participant.name))
        self.participants.setCellWidget(row, self.HEALTH, health)

        def role_changed() -> None:
            is_health = role.currentData() == ParticipantRole.HEALTH.value
            health.setEnabled(is_health)
            if not is_health:
                health.setCurrentIndex(0)
            elif health.currentIndex() == 0:
                health.setCurrentIndex(
                    health.findData(
                        HealthFunction.COORDINATOR.value
                        if self.case.in_ressourceforloeb(self.today)
                        else HealthFunction.GP.value
                    )
                )
            self._update_warnings()

        role.currentIndexChanged.connect(role_changed)
        health.currentIndexChanged.connect(self._update_warnings)
        health.setEnabled(participant.role is ParticipantRole.HEALTH)
        if (
            participant.role is ParticipantRole.HEALTH
            and participant.health_function is HealthFunction.NONE
        ):
            role_changed()
        self._update_warnings()

    def _plan_offers(self) -> dict[str, Kind]:
        """What a plan line can start: the program's offers and outcomes, and the initiative's
        own kinds of those categories."""
        own = (
            kind
            for kind in self.project.template.period_kinds
            if kind.category in (PeriodCategory.OFFER, PeriodCategory.OUTCOME)
        )
        offers: list[Kind] = [*PLAN_OFFERS, *own]
        return {kind.value: kind for kind in offers}

    def add_line(self, line: PlannedOffer | None = None) -> None:
        row = self.plan.rowCount()
        self.plan.insertRow(row)
        offer = QComboBox(self.plan)
        for kind in self._plan_offers().values():
            offer.addItem(kind.label, kind.value)
        if line is not None:
            offer.setCurrentIndex(offer.findData(line.offer.value))
        start = DateField(
            line.planned_start if line else self.today + dt.timedelta(days=14),
            optional=False,
            parent=self.plan,
        )
        self.plan.setCellWidget(row, self.OFFER, offer)
        self.plan.setCellWidget(row, self.START, start)
        responsible = line.responsible if line else self.case.job_broker
        self.plan.setItem(row, self.RESPONSIBLE, QTableWidgetItem(responsible))
        self.plan.setItem(row, self.NOTE, QTableWidgetItem(line.note if line else ""))

    def _remove(self, table: QTableWidget) -> None:
        row = table.currentRow()
        if row < 0:
            row = table.rowCount() - 1
        if row >= 0:
            table.removeRow(row)
        self._update_warnings()

    # --- reading the form ----------------------------------------------------------------------------------
    def read_participants(self) -> list[Participant]:
        out = []
        for row in range(self.participants.rowCount()):
            role = _cell(self.participants, row, self.ROLE, QComboBox)
            health = _cell(self.participants, row, self.HEALTH, QComboBox)
            item = self.participants.item(row, self.NAME)
            out.append(
                Participant(
                    ParticipantRole(role.currentData()),
                    item.text().strip() if item else "",
                    HealthFunction(health.currentData()),
                )
            )
        return out

    def read_barriers(self) -> list[Barrier]:
        return [b for b, box in self.barrier_boxes.items() if box.isChecked()]

    def read_plan(self) -> tuple[list[PlannedOffer], list[str]]:
        lines, errors = [], []
        for row in range(self.plan.rowCount()):
            offer = _cell(self.plan, row, self.OFFER, QComboBox)
            start = _cell(self.plan, row, self.START, DateField)
            try:
                day = start.date()
            except ValueError:
                errors.append(
                    self.tr("Planens linje {n}: »{text}« er ikke en dato (dd-mm-åååå).").format(
                        n=row + 1, text=start.text()
                    )
                )
                continue
            if day is None:
                errors.append(
                    self.tr("Planens linje {n}: skriv den planlagte startdato.").format(n=row + 1)
                )
                continue
            responsible = self.plan.item(row, self.RESPONSIBLE)
            note = self.plan.item(row, self.NOTE)
            lines.append(
                PlannedOffer(
                    self._plan_offers()[offer.currentData()],
                    day,
                    responsible.text().strip() if responsible else "",
                    note.text().strip() if note else "",
                )
            )
        return lines, errors

    def _update_warnings(self, *_) -> None:
        participants = self.read_participants()
        try:
            day = self.date_field.date() or self.today
        except ValueError:
            day = self.today
        warnings = missing_roles(
            [(p.role, p.health_function) for p in participants],
            self.read_barriers(),
            self.case.in_ressourceforloeb(day),
            self.case.network_wish,
        )
        self.current_warnings = warnings
        self.warnings.setVisible(bool(warnings))
        self.warnings.setText("\n".join(f"⚠ {_t(w.message)}" for w in warnings))

    # --- saving -------------------------------------------------------------------------------------------
    def save(self) -> None:
        for label in (self.date_error, self.participants_error, self.plan_error):
            label.hide()
        try:
            day = self.date_field.date()
        except ValueError:
            self._error(
                self.date_error,
                self.tr("»{text}« er ikke en dato (dd-mm-åååå).").format(
                    text=self.date_field.text()
                ),
            )
            return
        if day is None:
            self._error(self.date_error, self.tr("Skriv mødets dato."))
            return
        plan, plan_errors = self.read_plan()
        meeting = Meeting(
            self.case.citizen_id,
            day,
            self.read_participants(),
            self.read_barriers(),
            plan,
            self.note.toPlainText().strip(),
            self.meeting.id,
        )
        errors = validate_meeting(meeting, self.project.today())
        labels = {
            "date": self.date_error,
            "participants": self.participants_error,
            "plan": self.plan_error,
        }
        messages: dict[str, list[str]] = {"plan": list(plan_errors)}
        for field, message in errors:
            messages.setdefault(field, []).append(_t(message))
        shown = False
        for field, texts in messages.items():
            if texts:
                self._error(labels[field], " ".join(texts))
                shown = True
        if shown:
            return
        self._update_warnings()
        required = [w for w in self.current_warnings if w.required]
        if required and not self.confirm(
            self.tr("Mødet mangler deltagere, der skal være med:\n{list}\n\nGem alligevel?").format(
                list="\n".join(f"• {_t(w.message)}" for w in required)
            )
        ):
            return
        try:
            done = save_meeting(self.project, meeting, self.project.today())
        except KnownError as error:
            self._error(self.plan_error, translate_error(error))
            return
        self.meeting = meeting
        self.saved.emit(done.changes)
        self.accept()

    def _error(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()

    def confirm(self, question: str) -> bool:
        return (
            QMessageBox.question(self, self.tr("Step-up-møde"), question)
            == QMessageBox.StandardButton.Yes
        )
