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

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from fsm_desktop.domain.citizen_edit import (
    CitizenChanges,
    ContactCheck,
    contact_check,
    exemption_label,
)
from fsm_desktop.domain.cpr import format_cpr, mask
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import (
    BOARD_LABELS,
    AssignmentRole,
    BoardColumn,
    Period,
    PeriodCategory,
    PeriodKind,
    StaffRole,
    StatusKind,
)
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.citizens import reveal_cpr, save_citizen
from fsm_desktop.storage.citizen_edit import CitizenEditor, CitizenRecord
from fsm_desktop.views.citizens.labels import (
    CONTACT_LABELS,
    ERROR_STYLE,
    _audit_row,
)
from fsm_desktop.views.citizens.painting import last_months
from fsm_desktop.views.citizens.tabs.assignments import AssignmentsTab
from fsm_desktop.views.citizens.tabs.audit import AuditTab
from fsm_desktop.views.citizens.tabs.base import PendingEntry
from fsm_desktop.views.citizens.tabs.contacts import ContactsTab
from fsm_desktop.views.citizens.tabs.hours import HoursTab
from fsm_desktop.views.citizens.tabs.master import MasterTab
from fsm_desktop.views.citizens.tabs.network import NetworkTab
from fsm_desktop.views.citizens.tabs.periods import PeriodsTab
from fsm_desktop.views.citizens.tabs.status import StatusTab
from fsm_desktop.views.citizens.tabs.stepup import StepUpTab
from fsm_desktop.views.kit.fixed_lines import FixedLinesLabel
from fsm_desktop.views.kit.header import title_label
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.shortcuts import describe
from fsm_desktop.views.kit.tables import fill_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


def _period_note(period: Period) -> str:
    """A period's note as shown: a fritagelse's kind by its label."""
    if period.kind is PeriodKind.FRITAGELSE:
        return _t(exemption_label(period.note))
    return period.note


#: The citizen page's own shortcuts (key, description, method): __init__ makes them, and
#: Hjælp → Tastaturgenveje lists them without a citizen open.
SHORTCUTS: tuple[tuple[QKeySequence.StandardKey, str, str], ...] = (
    (QKeySequence.StandardKey.Save, "Gem alt på siden", "_save_by_key"),
)


class CitizenWindow(
    MasterTab,
    AssignmentsTab,
    PeriodsTab,
    HoursTab,
    ContactsTab,
    StatusTab,
    NetworkTab,
    StepUpTab,
    AuditTab,
    QDialog,
):
    """The citizen's page."""

    #: An operation run here changed the project: (what changed, this window). The page that
    #: opened the window passes it on to the main window, which relays it to every page.
    changed = Signal(object, object)
    #: What the window shows: a change to one of them elsewhere makes it read again.
    shows = Changes(citizens=True, board=True, stepup=True, staff=True)

    def __init__(self, project, citizen_id: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("citizenPage")
        self.project = project
        self.citizen_id = citizen_id
        self.today = project.as_of()
        self.real_today = project.today()
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

    @classmethod
    def open_beside(cls, page, citizen_id: str, changed=None) -> CitizenWindow:
        """The citizen's window for a page (the board, the register, step-up, Mål, Statusskema):
        shown beside the main window, which stays usable, and deleted when closed; what is saved
        there goes to ``changed`` (the page's own ``changed`` signal by default), and the page
        keeps it as ``citizen_window``."""
        window = cls(page.project, citizen_id, page)
        window.changed.connect(changed if changed is not None else page.changed)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        page.citizen_window = window
        return window

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
        reason = self.project.read_only_reason
        assert reason is not None, "called only for a read-only project"
        self.state_label.setText(
            _t("Skrivebeskyttet: {reason}").format(reason=translate_error(reason))
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
        # Two lines, always: a narrower window or a longer job goal rewraps the facts, and the
        # tabs under them stay where they are (what does not fit is in the tooltip).
        self.summary = FixedLinesLabel(2, self)
        self.summary.setObjectName("dialogHint")
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
        self.save_button.setToolTip(_t("Gemmer alt på siden (Ctrl+S)"))
        for key, text, slot in SHORTCUTS:
            describe(QShortcut(key, self, getattr(self, slot)), _t(text))
        self.column_box.currentIndexChanged.connect(lambda _: self._changed())

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
        combo_model = self.column_box.model()
        assert isinstance(combo_model, QStandardItemModel)  # a QComboBox's own model
        not_placed = combo_model.item(0)
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
        record = self.loaded
        initials = {sid: s.initials for sid, s in record.staff.items()}
        self._refresh_assignments(initials)
        self._refresh_periods()
        self._refresh_hours()
        check = self._refresh_contacts(initials)
        self._refresh_status()
        self._refresh_network()
        fill_table(self.audit_table, [_audit_row(e, initials) for e in reversed(record.audit)])
        self._refresh_summary(initials, check)

    def _refresh_assignments(self, initials: dict[str, str]) -> None:
        """The job broker and caseworker table, with the handovers not yet saved."""
        staff = self.loaded.staff
        rows = []
        for a in self.loaded.assignments:
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
        fill_table(self.assignment_table, rows)

    def _refresh_periods(self) -> None:
        """The markings' summary, the period table and the timeline."""
        ordered = sorted(self.periods, key=lambda p: (p.start, p.kind.value), reverse=True)
        markings = [p for p in ordered if p.kind.category is PeriodCategory.MARKING]
        notes = {p.id: _period_note(p) for p in ordered}
        self.markings_label.setText(
            "\n".join(
                f"{p.kind.label}{f' ({notes[p.id]})' if notes[p.id] else ''}: {date_text(p.start)} – {date_text(p.end) or _t('i gang')}"
                for p in markings
            )
            or _t("ingen (fritagelser og fravær registreres under Forløb)")
        )
        fill_table(
            self.period_table,
            [
                [
                    p.kind.label,
                    date_text(p.start),
                    date_text(p.end) or _t("i gang"),
                    notes[p.id],
                ]
                for p in ordered
            ],
            [p.id for p in ordered],
        )
        self.timeline.set_periods(self.periods, self.today)

    def _refresh_hours(self) -> None:
        """The paid hours per month and their sparkline."""
        months = sorted(self.hours)
        fill_table(
            self.hours_table,
            [[m, number(self.hours[m], 1), ""] for m in reversed(months)],
            list(reversed(months)),
            right=(1,),
        )
        shown = last_months(
            max([self.today.strftime("%Y-%m"), *months]) if months else self.today.strftime("%Y-%m")
        )
        self.sparkline.set_months(shown, [self.hours.get(m, 0.0) for m in shown])

    def _refresh_contacts(self, initials: dict[str, str]) -> ContactCheck:
        """The contact table and the check of the weekly contact (returned for the summary)."""
        contacts = sorted(self.contacts, key=lambda c: c.date, reverse=True)
        fill_table(
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
        return check

    def _refresh_status(self) -> None:
        """The CV and job goal registrations, newest first."""
        fill_table(
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

    def _refresh_network(self) -> None:
        """The network table, enabled by the consent."""
        fill_table(
            self.network_table,
            [[p.name, p.relation, p.phone] for p in self.network],
            [p.id for p in self.network],
        )
        self._enable_network(self.consent_box.isChecked())

    def _refresh_summary(self, initials: dict[str, str], check: ContactCheck) -> None:
        """The line at the top: who has the citizen, the CV, the job goal and the contact."""
        record = self.loaded
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

    # --- saving and closing --------------------------------------------------------------------------
    def pending_entries(self) -> list[PendingEntry]:
        """The entries typed on the tabs and not yet added with their buttons."""
        return [
            *self._pending_hours(),
            *self._pending_contacts(),
            *self._pending_status(),
            *self._pending_network(),
        ]

    def _add_pending(self) -> bool:
        """Add what is typed and not yet added, as its button would; False (the tab shown,
        the message next to the field) when an entry is not valid."""
        for entry in self.pending_entries():
            if not entry.add():
                self.tabs.setCurrentWidget(entry.page)
                entry.field.setFocus()
                return False
        return True

    def save(self) -> bool:
        """Everything on the page in one transaction; the board move with it. What is typed
        in an entry row and not yet added is added first."""
        if self.record is None:
            return False
        if not self._add_pending():
            return False
        citizen, problems = self.master()
        if problems:
            self.tabs.setCurrentIndex(0)
            return False
        self.changes.citizen = citizen if self._master_differs(citizen) else None
        column = self.board_column
        move_to = column if column is not None and column != self.record.column else None
        try:
            done = save_citizen(
                self.project, self.citizen_id, self.changes, self.real_today, move_to
            )
        except KnownError as error:
            QMessageBox.warning(self, _t("Borgeren kunne ikke gemmes"), translate_error(error))
            return False
        self.reload()
        self.state_label.setText(_t("Gemt."))
        self.changed.emit(done.changes, self)
        return True

    def _save_by_key(self) -> None:
        """Ctrl+S: as "Gem", when "Gem" can be pressed (not in a read-only project)."""
        if self.save_button.isEnabled() and not self.save_button.isHidden():
            self.save()

    def handle_changes(self, changes: Changes) -> None:
        """Changed elsewhere (the board, an import, another window): read again, unless there
        are edits here not yet saved (saving then checks that nothing it changes moved on)."""
        if changes.touches(self.shows) and not self.dirty:
            self.reload()

    def reveal(self) -> None:
        try:
            cpr = reveal_cpr(self.project, self.citizen_id).value
        except KnownError as error:  # the reveal is audited: no audit row, no number shown
            QMessageBox.warning(self, _t("CPR-nummeret kan ikke vises"), translate_error(error))
            return
        self.cpr_label.setText(format_cpr(cpr))
        self.reveal_button.setEnabled(False)
        fresh = CitizenEditor(self.project).load(self.citizen_id)
        if fresh is not None:  # None: removed elsewhere since; the window says so when it reloads
            self.loaded.audit = fresh.audit
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
                name=self.loaded.citizen.name
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
