"""A citizen's whole record for the citizen's page, and saving the page's changes in one
transaction with an audit entry for every change (who, when, field, old → new)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from fsm_desktop.domain.citizen_edit import (
    CitizenChanges,
    ends_at_exit,
    exemption_label,
    leaving_date,
    plan_change,
)
from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    Assignment,
    AssignmentRole,
    AuditEntry,
    BoardColumn,
    Citizen,
    Contact,
    ContactKind,
    IsoDates,
    NetworkPerson,
    PaidHours,
    Period,
    PeriodKind,
    Staff,
    StaffRole,
    StatusEntry,
    StatusKind,
    new_id,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project, file_error
from fsm_desktop.storage.repositories import CITIZEN_COLUMNS, citizen_from_row
from fsm_desktop.storage.sqlite import dbapi

#: Citizen attributes the page edits → their stored column and their name in the audit log.
MASTER_FIELDS = {
    "name": ("name", "navn"),
    "gender": ("gender", "køn"),
    "origin": ("origin", "herkomst"),
    "group": ("grp", "gruppe"),
    "entry_date": ("entry_date", "indgang"),
    "exit_date": ("exit_date", "afgang"),
    "exit_reason": ("exit_reason", "afgangsårsag"),
    "note": ("note", "note"),
}
#: How each part of a save notes a change for the audit log:
#: (action, entity, entity id, field, old, new).
Note = Callable[[str, str, str, str, object, object], None]
#: Status kinds by their name in the audit log.
STATUS_LABELS = {StatusKind.CV_JOBNET: "CV på Jobnet", StatusKind.JOB_GOAL: "Jobmål"}
#: What each part of the changes is called when a rule stops the save.


def _stored(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return getattr(value, "value", value)


def _text(value: object) -> str | None:
    stored = _stored(value)
    return None if stored is None else str(stored)


def _dk(day: dt.date | None) -> str:
    return date_text(day, "i gang")


def _period_text(p: Period) -> str:
    text = f"{p.kind.label} {_dk(p.start)} – {_dk(p.end)}"
    note = exemption_label(p.note) if p.kind is PeriodKind.FRITAGELSE else p.note
    return f"{text} ({note})" if note else text


def _assignment_text(initials: str | None, a: Assignment, end: dt.date | None) -> str:
    return f"{initials} fra {a.start.isoformat()}" + (f" til {end.isoformat()}" if end else "")


@dataclass(slots=True)
class CitizenRecord:
    citizen: Citizen
    network_consent: bool
    periods: list[Period]
    hours: list[PaidHours]  # by month
    contacts: list[Contact]  # newest first
    status: list[StatusEntry]  # oldest first
    network: list[NetworkPerson]
    assignments: list[Assignment]  # oldest first
    column: BoardColumn | None
    audit: list[AuditEntry]
    staff: dict[str, Staff]

    def current(self, role: AssignmentRole, day: dt.date) -> Assignment | None:
        found = None
        for a in self.assignments:
            if a.role is role and a.start <= day and (a.end is None or a.end >= day):
                found = a
        return found

    def latest_status(self, kind: StatusKind) -> StatusEntry | None:
        found = [s for s in self.status if s.kind is kind]
        return found[-1] if found else None


class CitizenEditor:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn = project.db.conn

    def load(self, citizen_id: str) -> CitizenRecord | None:
        conn = self.conn
        row = conn.execute(
            f"SELECT {CITIZEN_COLUMNS}, network_consent FROM citizen WHERE id = ?", [citizen_id]
        ).fetchone()
        if row is None:
            return None
        citizen = citizen_from_row(row[:-1])
        # Start and date columns are NOT NULL: dates[...]; an end may be NULL (open): day(...).
        dates = IsoDates()
        day = dates.of
        kind_of = self.project.template.kind
        periods = [
            Period(citizen_id, kind_of(kind), dates[start], day(end), note, id=pid)
            for pid, kind, start, end, note in conn.execute(
                "SELECT id, kind, start, end, note FROM period WHERE citizen_id = ? ORDER BY start, kind",
                [citizen_id],
            )
        ]
        hours = [
            PaidHours(citizen_id, month, value)
            for month, value in conn.execute(
                "SELECT month, hours FROM paid_hours WHERE citizen_id = ? ORDER BY month",
                [citizen_id],
            )
        ]
        contacts = [
            Contact(citizen_id, dates[date], ContactKind(kind), staff_id, note, id=cid)
            for cid, date, kind, staff_id, note in conn.execute(
                "SELECT id, date, kind, staff_id, note FROM contact WHERE citizen_id = ? ORDER BY date DESC, rowid DESC",
                [citizen_id],
            )
        ]
        status = [
            StatusEntry(citizen_id, StatusKind(kind), dates[date], value, id=sid)
            for sid, kind, date, value in conn.execute(
                "SELECT id, kind, date, value FROM status_entry WHERE citizen_id = ? ORDER BY date, rowid",
                [citizen_id],
            )
        ]
        network = [
            NetworkPerson(citizen_id, name, relation, phone, id=nid)
            for nid, name, relation, phone in conn.execute(
                "SELECT id, name, relation, phone FROM network_person WHERE citizen_id = ? ORDER BY rowid",
                [citizen_id],
            )
        ]
        assignments = [
            Assignment(citizen_id, staff_id, AssignmentRole(role), dates[start], day(end), id=aid)
            for aid, staff_id, role, start, end in conn.execute(
                "SELECT id, staff_id, role, start, end FROM assignment WHERE citizen_id = ? ORDER BY start, rowid",
                [citizen_id],
            )
        ]
        placement = conn.execute(
            "SELECT board_column FROM placement WHERE citizen_id = ?", [citizen_id]
        ).fetchone()
        staff = {
            sid: Staff(initials, name, StaffRole(role), hours_per_week, id=sid)
            for sid, initials, name, role, hours_per_week in conn.execute(
                "SELECT id, initials, name, role, hours_per_week FROM staff ORDER BY initials"
            )
        }
        return CitizenRecord(
            citizen,
            bool(row[-1]),
            periods,
            hours,
            contacts,
            status,
            network,
            assignments,
            BoardColumn(placement[0]) if placement else None,
            AuditLog(self.project).for_citizen(citizen_id),
            staff,
        )

    # --- saving ---------------------------------------------------------------------------------
    def save(
        self, citizen_id: str, changes: CitizenChanges, before: CitizenRecord | None = None
    ) -> None:
        """Everything or nothing; an audit entry per change. ``before``: the record as read in
        this transaction, on which the operation checked the rules
        (operations.citizens.save_citizen); read here when not given."""
        now = dt.datetime.now().replace(microsecond=0)
        audit, note = self._audit_notes(citizen_id, now)
        try:
            with self.db.atomic():
                before = before or self.load(citizen_id)
                if before is None:
                    raise ValidationError(
                        "Borgeren findes ikke længere i projektet (slettet af en import, der er fortrudt?)."
                    )
                self._master_data(citizen_id, before, changes, note, now)
                self._network_consent(citizen_id, before, changes, note)
                self._periods(citizen_id, before, changes, note)
                self._hours(citizen_id, before, changes, note)
                self._contacts(citizen_id, before, changes, note)
                self._status(citizen_id, before, changes, note)
                self._network(citizen_id, before, changes, note)
                self._handovers(citizen_id, before, changes, note)
                AuditLog(self.project).record(audit)
        except dbapi.Error as exc:
            raise file_error(exc, self.project.path) from None

    def _audit_notes(self, citizen_id: str, now: dt.datetime) -> tuple[list[AuditEntry], Note]:
        """The audit entries of one save, and the function each part notes its changes with."""
        user = self.project.user
        audit: list[AuditEntry] = []

        def note(
            action: str,
            entity: str,
            entity_id: str,
            field: str = "",
            old: object = None,
            new: object = None,
        ) -> None:
            audit.append(
                AuditEntry(
                    now, user, action, entity, entity_id, citizen_id, field, _text(old), _text(new)
                )
            )

        return audit, note

    def _master_data(
        self,
        citizen_id: str,
        before: CitizenRecord,
        changes: CitizenChanges,
        note: Note,
        now: dt.datetime,
    ) -> None:
        """The citizen's own fields that changed, in one UPDATE with the time of the change."""
        if changes.citizen is None:
            return
        updates = {}
        for attribute, (column, name) in MASTER_FIELDS.items():
            old, new = (
                getattr(before.citizen, attribute),
                getattr(changes.citizen, attribute),
            )
            if old != new:
                updates[column] = _stored(new)
                note("update", "citizen", citizen_id, name, old, new)
        if updates:
            updates["updated_at"] = now.isoformat()
            sets = ", ".join(f'"{c}" = ?' for c in updates)
            self.conn.execute(
                f"UPDATE citizen SET {sets} WHERE id = ?",
                [*updates.values(), citizen_id],
            )

    def _network_consent(
        self, citizen_id: str, before: CitizenRecord, changes: CitizenChanges, note: Note
    ) -> None:
        if changes.network_consent is None or changes.network_consent == before.network_consent:
            return
        self.conn.execute(
            "UPDATE citizen SET network_consent = ? WHERE id = ?",
            [int(changes.network_consent), citizen_id],
        )
        note(
            "update",
            "citizen",
            citizen_id,
            "netværk ønsket",
            "ja" if before.network_consent else "nej",
            "ja" if changes.network_consent else "nej",
        )

    def _status(
        self, citizen_id: str, before: CitizenRecord, changes: CitizenChanges, note: Note
    ) -> None:
        """New status entries (CV on Jobnet, job goal); the audit shows the value they follow."""
        for entry in changes.status_added:
            self.conn.execute(
                "INSERT INTO status_entry (id, citizen_id, kind, date, value) VALUES (?, ?, ?, ?, ?)",
                [
                    entry.id,
                    citizen_id,
                    entry.kind.value,
                    entry.date.isoformat(),
                    entry.value,
                ],
            )
            previous = before.latest_status(entry.kind)
            note(
                "create",
                "status_entry",
                entry.id,
                STATUS_LABELS[entry.kind],
                previous.value if previous else None,
                f"{entry.value} fra {entry.date.isoformat()}",
            )

    def _handovers(
        self, citizen_id: str, before: CitizenRecord, changes: CitizenChanges, note: Note
    ) -> None:
        """Changes of caseworker or job broker, then the assignments' ends following the exit."""
        citizen = changes.citizen or before.citizen
        for role, staff_id, day in changes.handovers:
            self._handover(
                citizen_id,
                AssignmentRole(role),
                staff_id,
                day,
                leaving_date(citizen),
                before,
                note,
            )
        self._follow_exit(
            citizen_id, leaving_date(before.citizen), leaving_date(citizen), before, note
        )

    def _periods(self, citizen_id, before: CitizenRecord, changes: CitizenChanges, note) -> None:
        old = {p.id: p for p in before.periods}
        for period in changes.periods_saved:
            row = [
                period.kind.value,
                period.start.isoformat(),
                period.end.isoformat() if period.end else None,
                period.note,
            ]
            if period.id in old:
                self.conn.execute(
                    "UPDATE period SET kind = ?, start = ?, end = ?, note = ? WHERE id = ?",
                    [*row, period.id],
                )
                note(
                    "update",
                    "period",
                    period.id,
                    "forløb",
                    _period_text(old[period.id]),
                    _period_text(period),
                )
            else:
                self.conn.execute(
                    "INSERT INTO period (kind, start, end, note, id, citizen_id) VALUES (?, ?, ?, ?, ?, ?)",
                    [*row, period.id, citizen_id],
                )
                note("create", "period", period.id, "forløb", None, _period_text(period))
        for period_id in changes.periods_deleted:
            if period_id in old:
                self.conn.execute(
                    "DELETE FROM period WHERE id = ? AND citizen_id = ?", [period_id, citizen_id]
                )
                note("delete", "period", period_id, "forløb", _period_text(old[period_id]), None)

    def _hours(self, citizen_id, before: CitizenRecord, changes: CitizenChanges, note) -> None:
        old = {h.month: h.hours for h in before.hours}
        for hours in changes.hours_saved:
            self.conn.execute(
                "INSERT INTO paid_hours (citizen_id, month, hours) VALUES (?, ?, ?) "
                "ON CONFLICT(citizen_id, month) DO UPDATE SET hours = excluded.hours",
                [citizen_id, hours.month, hours.hours],
            )
            if old.get(hours.month) != hours.hours:
                note(
                    "update" if hours.month in old else "create",
                    "paid_hours",
                    f"{citizen_id}/{hours.month}",
                    f"løntimer {hours.month}",
                    old.get(hours.month),
                    hours.hours,
                )
        for month in changes.hours_deleted:
            if month in old:
                self.conn.execute(
                    "DELETE FROM paid_hours WHERE citizen_id = ? AND month = ?", [citizen_id, month]
                )
                note(
                    "delete",
                    "paid_hours",
                    f"{citizen_id}/{month}",
                    f"løntimer {month}",
                    old[month],
                    None,
                )

    def _contacts(self, citizen_id, before: CitizenRecord, changes: CitizenChanges, note) -> None:
        old = {c.id: c for c in before.contacts}
        for contact in changes.contacts_added:
            self.conn.execute(
                "INSERT INTO contact (id, citizen_id, date, kind, staff_id, note) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    contact.id,
                    citizen_id,
                    contact.date.isoformat(),
                    contact.kind.value,
                    contact.staff_id,
                    contact.note,
                ],
            )
            note(
                "create",
                "contact",
                contact.id,
                "kontakt",
                None,
                f"{contact.kind.value} {contact.date.isoformat()}",
            )
        for contact_id in changes.contacts_deleted:
            if contact_id in old:
                c = old[contact_id]
                self.conn.execute(
                    "DELETE FROM contact WHERE id = ? AND citizen_id = ?", [contact_id, citizen_id]
                )
                note(
                    "delete",
                    "contact",
                    contact_id,
                    "kontakt",
                    f"{c.kind.value} {c.date.isoformat()}",
                    None,
                )

    def _network(self, citizen_id, before: CitizenRecord, changes: CitizenChanges, note) -> None:
        old = {p.id: p for p in before.network}
        for person in changes.network_saved:
            values = [person.name, person.relation, person.phone]
            if person.id in old:
                self.conn.execute(
                    "UPDATE network_person SET name = ?, relation = ?, phone = ? WHERE id = ?",
                    [*values, person.id],
                )
                note(
                    "update",
                    "network_person",
                    person.id,
                    "netværk",
                    old[person.id].name,
                    person.name,
                )
            else:
                self.conn.execute(
                    "INSERT INTO network_person (name, relation, phone, id, citizen_id) VALUES (?, ?, ?, ?, ?)",
                    [*values, person.id, citizen_id],
                )
                note("create", "network_person", person.id, "netværk", None, person.name)
        for person_id in changes.network_deleted:
            if person_id in old:
                self.conn.execute(
                    "DELETE FROM network_person WHERE id = ? AND citizen_id = ?",
                    [person_id, citizen_id],
                )
                note("delete", "network_person", person_id, "netværk", old[person_id].name, None)

    def _history(self, citizen_id: str) -> list[Assignment]:
        dates = IsoDates()  # start is NOT NULL, end NULL while open
        day = dates.of
        return [
            Assignment(citizen_id, staff_id, AssignmentRole(role), dates[start], day(end), id=aid)
            for aid, staff_id, role, start, end in self.conn.execute(
                "SELECT id, staff_id, role, start, end FROM assignment WHERE citizen_id = ? ORDER BY start, rowid",
                [citizen_id],
            )
        ]

    def _handover(
        self,
        citizen_id,
        role: AssignmentRole,
        staff_id: str,
        day: dt.date,
        left_on: dt.date | None,
        before: CitizenRecord,
        note,
    ) -> None:
        """A change of ``role`` on ``day`` against the role's history as it is now (an earlier
        change in the same save included): refused before the newest assignment began."""
        history = [a for a in self._history(citizen_id) if a.role is role]
        plan = plan_change(history, staff_id, day, left_on)
        if plan is None:
            return
        current = next((a for a in history if a.id in (plan.end_id, plan.take_over_id)), None)
        initials = {sid: s.initials for sid, s in before.staff.items()}
        old_initials = initials.get(current.staff_id) if current else None
        if plan.take_over_id is not None:
            self.conn.execute(
                "UPDATE assignment SET staff_id = ? WHERE id = ?", [staff_id, plan.take_over_id]
            )
            note(
                "update",
                "assignment",
                plan.take_over_id,
                role.value,
                old_initials,
                initials.get(staff_id),
            )
            return
        if plan.end_id is not None:
            end = (day - dt.timedelta(days=1)).isoformat()
            self.conn.execute("UPDATE assignment SET end = ? WHERE id = ?", [end, plan.end_id])
        new = new_id()
        self.conn.execute(
            "INSERT INTO assignment (id, citizen_id, staff_id, role, start, end) VALUES (?, ?, ?, ?, ?, ?)",
            [
                new,
                citizen_id,
                staff_id,
                role.value,
                day.isoformat(),
                plan.end.isoformat() if plan.end else None,
            ],
        )
        created = f"{initials.get(staff_id)} fra {day.isoformat()}" + (
            f" til {plan.end.isoformat()}" if plan.end else ""
        )
        note("create", "assignment", new, role.value, old_initials, created)

    def _follow_exit(
        self,
        citizen_id,
        before_left: dt.date | None,
        left: dt.date | None,
        before: CitizenRecord,
        note,
    ) -> None:
        """The assignments end on the leaving date (seeds/003 §3 and §5: a move gives an end
        date); a changed or withdrawn exit moves the ends it gave."""
        initials = {sid: s.initials for sid, s in before.staff.items()}
        for a, end in ends_at_exit(self._history(citizen_id), before_left, left):
            self.conn.execute(
                "UPDATE assignment SET end = ? WHERE id = ?",
                [end.isoformat() if end else None, a.id],
            )
            who = initials.get(a.staff_id)
            note(
                "update",
                "assignment",
                a.id,
                a.role.value,
                _assignment_text(who, a, a.end),
                _assignment_text(who, a, end),
            )
