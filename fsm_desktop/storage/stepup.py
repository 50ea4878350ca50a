"""Step-up storage: reads the facts domain.stepup needs for every citizen, and writes meetings
and markings, each in one transaction with its audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    AssignmentRole,
    AuditEntry,
    Barrier,
    IsoDates,
    ParticipantRole,
    PeriodCategory,
    PeriodKind,
    new_id,
)
from fsm_desktop.domain.stepup import (
    COMPANY_DIRECTED,
    MARKING_LABELS,
    PLAN_OFFERS,
    HealthFunction,
    Marking,
    MarkingKind,
    Meeting,
    Participant,
    PlannedOffer,
    StepUpCase,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project, file_error
from fsm_desktop.storage.sqlite import dbapi

#: The period kinds the rules read: ressourceforløb, company-directed activity, plan offers.
_KINDS = sorted(
    {PeriodKind.RESSOURCEFORLOEB.value, *COMPANY_DIRECTED, *(k.value for k in PLAN_OFFERS)}
)


class StepUpRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn: dbapi.Connection = project.db.conn

    # --- reading -----------------------------------------------------------------------------
    def cases(self, today: dt.date, citizen_ids: Iterable[str] | None = None) -> list[StepUpCase]:
        """One case per citizen (all of them, or ``citizen_ids``), with what the rules read."""
        dates = IsoDates()
        day = today.isoformat()
        where, params = "", []
        if citizen_ids is not None:
            ids = list(citizen_ids)
            where, params = f" WHERE id IN ({', '.join('?' * len(ids))})", ids
        cases: dict[str, StepUpCase] = {}
        # The project's duty begins with the project: a citizen who entered before it (or whose
        # entry date is not known) is in it from its first day.
        start = self.project.initiative.start
        for cid, name, cpr, entry_date, exit_date, consent in self.conn.execute(
            f"SELECT id, name, cpr, entry_date, exit_date, network_consent FROM citizen{where}",
            params,
        ):
            entered = dates.of(entry_date)
            cases[cid] = StepUpCase(
                cid,
                name,
                cpr,
                exit_date=dates.of(exit_date),
                network_wish=bool(consent),
                entry_date=start if entered is None or entered < start else entered,
            )
        if not cases:
            return []
        for cid, role, initials in self.conn.execute(
            "SELECT a.citizen_id, a.role, s.initials FROM assignment a JOIN staff s ON s.id = a.staff_id "
            "WHERE a.start <= ? AND (a.end IS NULL OR a.end >= ?) ORDER BY a.start",
            [day, day],
        ):
            case = cases.get(cid)
            if case is not None:
                if role == AssignmentRole.JOB_BROKER.value:
                    case.job_broker = initials
                else:
                    case.caseworker = initials
        marks = ", ".join("?" * len(_KINDS))
        for cid, kind, start, end in self.conn.execute(
            f"SELECT citizen_id, kind, start, end FROM period WHERE kind IN ({marks})", _KINDS
        ):
            case = cases.get(cid)
            if case is None:
                continue
            span = (dates[start], dates.of(end))
            if kind == PeriodKind.RESSOURCEFORLOEB.value:
                case.ressourceforloeb.append(span)
            else:
                case.periods.setdefault(kind, []).append(span)
        for cid, month in self.conn.execute(
            "SELECT citizen_id, month FROM paid_hours WHERE hours > 0"
        ):
            case = cases.get(cid)
            if case is not None:
                case.paid_months.append(dates[f"{month}-01"])
        for m in self._meetings(cases.keys() if citizen_ids is not None else None):
            case = cases.get(m.citizen_id)
            if case is not None:
                case.meetings.append(m.record())
        for cid, marking in self._markings():
            case = cases.get(cid)
            if case is not None:
                case.markings.append(marking)
        return list(cases.values())

    def case(self, citizen_id: str, today: dt.date) -> StepUpCase | None:
        found = self.cases(today, [citizen_id])
        return found[0] if found else None

    def meetings(self, citizen_id: str | None = None) -> list[Meeting]:
        """Meetings, newest first; of one citizen or all."""
        found = self._meetings(None if citizen_id is None else [citizen_id])
        found.sort(key=lambda m: (m.date, m.id), reverse=True)
        return found

    def _meetings(self, citizen_ids: Iterable[str] | None) -> list[Meeting]:
        dates = IsoDates()
        where, params = "", []
        if citizen_ids is not None:
            ids = list(citizen_ids)
            where, params = f" WHERE citizen_id IN ({', '.join('?' * len(ids))})", ids
        meetings: dict[str, Meeting] = {}
        for mid, cid, date, barriers, note in self.conn.execute(
            f"SELECT id, citizen_id, date, barriers, note FROM stepup_meeting{where}", params
        ):
            meetings[mid] = Meeting(cid, dates[date], [], _barriers(barriers), [], note, mid)
        if not meetings:
            return []
        restrict = (
            ""
            if citizen_ids is None
            else f" WHERE meeting_id IN ({', '.join('?' * len(meetings))})"
        )
        args = [] if citizen_ids is None else list(meetings)
        for mid, role, name, function in self.conn.execute(
            f"SELECT meeting_id, role, name, health_function FROM stepup_participant{restrict} ORDER BY rowid",
            args,
        ):
            if mid in meetings:
                meetings[mid].participants.append(
                    Participant(ParticipantRole(role), name, HealthFunction(function))
                )
        kind_of = self.project.template.kind
        for lid, mid, offer, planned, responsible, note in self.conn.execute(
            f"SELECT id, meeting_id, offer, planned_start, responsible, note FROM stepup_plan_line{restrict} "
            "ORDER BY planned_start, rowid",
            args,
        ):
            if mid in meetings:
                kind = kind_of(offer)
                if kind.category not in (PeriodCategory.OFFER, PeriodCategory.OUTCOME):
                    kind = PeriodKind.ANDET_AKTIVT_TILBUD  # an older free-text offer
                meetings[mid].plan.append(
                    PlannedOffer(kind, dates[planned], responsible, note, lid)
                )
        return list(meetings.values())

    def _markings(self, citizen_id: str | None = None) -> list[tuple[str, Marking]]:
        dates = IsoDates()
        where, params = ("", []) if citizen_id is None else (" WHERE citizen_id = ?", [citizen_id])
        return [
            (cid, Marking(MarkingKind(kind), dates[start], dates.of(end), note, mid))
            for mid, cid, kind, start, end, note in self.conn.execute(
                f"SELECT id, citizen_id, kind, start, end, note FROM stepup_marking{where} ORDER BY start, rowid",
                params,
            )
        ]

    def markings(self, citizen_id: str) -> list[Marking]:
        return [m for _, m in self._markings(citizen_id)]

    # --- writing -----------------------------------------------------------------------------
    def _write(self, entries: list[AuditEntry], work) -> None:
        try:
            with self.db.atomic():
                work()
                AuditLog(self.project).record(entries)
        except dbapi.Error as exc:
            raise file_error(exc, self.project.path) from None

    def _entry(
        self,
        action: str,
        entity: str,
        entity_id: str,
        citizen_id: str,
        field: str,
        old: str | None,
        new: str | None,
    ) -> AuditEntry:
        now = dt.datetime.now().replace(microsecond=0)
        return AuditEntry(
            now, self.project.user, action, entity, entity_id, citizen_id, field, old, new
        )

    def save_meeting(self, meeting: Meeting) -> str:
        """Insert or replace a meeting with its participants and plan (checked by the
        operation: operations.stepup.save_meeting); one transaction."""
        existing = self._stored_meeting(meeting)
        meeting_id = meeting.id or new_id()
        summary = describe(meeting)
        old = None
        if existing:
            old = describe(
                next(m for m in self._meetings([meeting.citizen_id]) if m.id == meeting_id)
            )

        def work() -> None:
            self._write_meeting_row(meeting, meeting_id, existing)
            self._write_meeting_lines(meeting, meeting_id)

        action = "update" if existing else "create"
        self._write(
            [
                self._entry(
                    action,
                    "stepup_meeting",
                    meeting_id,
                    meeting.citizen_id,
                    "step-up-møde",
                    old,
                    summary,
                )
            ],
            work,
        )
        meeting.id = meeting_id
        return meeting_id

    def _stored_meeting(self, meeting: Meeting) -> bool:
        """Whether the meeting is stored already (then on the same citizen); refused when the
        citizen is gone or the meeting belongs to another citizen."""
        if (
            self.conn.execute("SELECT 1 FROM citizen WHERE id = ?", [meeting.citizen_id]).fetchone()
            is None
        ):
            raise ValidationError("Borgeren findes ikke længere i projektet.")
        owner = (
            meeting.id
            and self.conn.execute(
                "SELECT citizen_id FROM stepup_meeting WHERE id = ?", [meeting.id]
            ).fetchone()
        )
        existing = bool(owner)
        if existing and owner[0] != meeting.citizen_id:
            raise ValidationError("Mødet er registreret på en anden borger og kan ikke flyttes.")
        return existing

    def _write_meeting_row(self, meeting: Meeting, meeting_id: str, existing: bool) -> None:
        """The meeting's own row; a stored one loses its participants and plan lines, which
        :meth:`_write_meeting_lines` writes again."""
        c = self.conn
        if existing:
            c.execute("DELETE FROM stepup_participant WHERE meeting_id = ?", [meeting_id])
            c.execute("DELETE FROM stepup_plan_line WHERE meeting_id = ?", [meeting_id])
            c.execute(
                "UPDATE stepup_meeting SET date = ?, barriers = ?, note = ? WHERE id = ?",
                [
                    meeting.date.isoformat(),
                    _barrier_text(meeting.barriers),
                    meeting.note,
                    meeting_id,
                ],
            )
        else:
            c.execute(
                "INSERT INTO stepup_meeting (id, citizen_id, date, barriers, note) VALUES (?, ?, ?, ?, ?)",
                [
                    meeting_id,
                    meeting.citizen_id,
                    meeting.date.isoformat(),
                    _barrier_text(meeting.barriers),
                    meeting.note,
                ],
            )

    def _write_meeting_lines(self, meeting: Meeting, meeting_id: str) -> None:
        """The meeting's participants and plan lines."""
        c = self.conn
        c.executemany(
            "INSERT INTO stepup_participant (id, meeting_id, role, name, health_function) VALUES (?, ?, ?, ?, ?)",
            [
                (new_id(), meeting_id, p.role.value, p.name.strip(), p.health_function.value)
                for p in meeting.participants
            ],
        )
        c.executemany(
            "INSERT INTO stepup_plan_line (id, meeting_id, offer, planned_start, responsible, note) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    line.id or new_id(),
                    meeting_id,
                    line.offer.value,
                    line.planned_start.isoformat(),
                    line.responsible.strip(),
                    line.note,
                )
                for line in meeting.plan
            ],
        )

    def delete_meeting(self, meeting_id: str) -> None:
        found = [m for m in self._meetings(None) if m.id == meeting_id]
        if not found:
            return
        meeting = found[0]
        self._write(
            [
                self._entry(
                    "delete",
                    "stepup_meeting",
                    meeting_id,
                    meeting.citizen_id,
                    "step-up-møde",
                    describe(meeting),
                    None,
                )
            ],
            lambda: self.conn.execute("DELETE FROM stepup_meeting WHERE id = ?", [meeting_id]),
        )

    def add_marking(self, citizen_id: str, marking: Marking) -> str:
        """Insert a marking (checked by the operation: operations.stepup.add_marking)."""
        if self.conn.execute("SELECT 1 FROM citizen WHERE id = ?", [citizen_id]).fetchone() is None:
            raise ValidationError("Borgeren findes ikke længere i projektet.")
        mid = marking.id or new_id()
        self._write(
            [
                self._entry(
                    "create",
                    "stepup_marking",
                    mid,
                    citizen_id,
                    MARKING_LABELS[marking.kind],
                    None,
                    _span_text(marking),
                )
            ],
            lambda: self.conn.execute(
                "INSERT INTO stepup_marking (id, citizen_id, kind, start, end, note) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    mid,
                    citizen_id,
                    marking.kind.value,
                    marking.start.isoformat(),
                    marking.end.isoformat() if marking.end else None,
                    marking.note,
                ],
            ),
        )
        return mid

    def end_marking(self, marking_id: str, end: dt.date) -> None:
        row = self.conn.execute(
            "SELECT citizen_id, kind, start, end, note FROM stepup_marking WHERE id = ?",
            [marking_id],
        ).fetchone()
        if row is None:
            raise ValidationError("Markeringen findes ikke længere.")
        cid, kind, start, old_end, note = row
        before = Marking(
            MarkingKind(kind),
            dt.date.fromisoformat(start),
            dt.date.fromisoformat(old_end) if old_end else None,
            note,
            marking_id,
        )
        if end < before.start:
            raise ValidationError(
                "Slutdatoen {end} ligger før markeringens start {start}.",
                end=date_text(end),
                start=date_text(before.start),
            )
        after = Marking(before.kind, before.start, end, note, marking_id)
        self._write(
            [
                self._entry(
                    "update",
                    "stepup_marking",
                    marking_id,
                    cid,
                    MARKING_LABELS[before.kind],
                    _span_text(before),
                    _span_text(after),
                )
            ],
            lambda: self.conn.execute(
                "UPDATE stepup_marking SET end = ? WHERE id = ?", [end.isoformat(), marking_id]
            ),
        )


def _barriers(text: str) -> list[Barrier]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if part:
            try:
                out.append(Barrier(part))
            except ValueError:
                out.append(Barrier.OTHER)
    return out


def _barrier_text(barriers: Iterable[Barrier]) -> str:
    return ",".join(dict.fromkeys(b.value for b in barriers))


def _span_text(marking: Marking) -> str:
    end = date_text(marking.end, "…")
    return f"{date_text(marking.start)} – {end}"


def _describe_participant(p: Participant) -> str:
    parts = [p.role.value, p.name.strip()]
    if p.health_function is not HealthFunction.NONE:
        parts.append(f"({p.health_function.value})")
    return " ".join(part for part in parts if part)


def _describe_line(line: PlannedOffer) -> str:
    extra = [
        f"ansvarlig {line.responsible.strip()}" if line.responsible.strip() else "",
        line.note.strip(),
    ]
    details = ", ".join(part for part in extra if part)
    text = f"{line.offer.label} fra {date_text(line.planned_start)}"
    return f"{text} ({details})" if details else text


def describe(meeting: Meeting) -> str:
    """A meeting in one line, for the audit log: everything the dialog can change, so an edit's
    old and new text always differ."""
    roles = ", ".join(_describe_participant(p) for p in meeting.participants) or "ingen"
    plan = "; ".join(_describe_line(line) for line in meeting.plan) or "ingen plan"
    barriers = _barrier_text(meeting.barriers) or "ingen"
    text = f"{date_text(meeting.date)}; barrierer: {barriers}; deltagere: {roles}; plan: {plan}"
    return f"{text}; note: {meeting.note.strip()}" if meeting.note.strip() else text
