"""The staff register and caseloads in the project file: people with their hours and dates,
the caseload limits (``project_setting``), the assignment rows that every caseload is counted
from (one query; domain.caseload counts), and reassignments written and undone as a whole.

A reassignment writes, in one transaction: the open assignments end the day before, new ones
start on the day (seeds/003 registration §3), a ``reassignment`` record with a
``reassignment_row`` per row it ended (with its earlier end) and started, and an audit entry per
citizen. Undoing the newest restores the assignment table exactly, and is refused when any of
its rows, or the citizens' assignments, were changed since (docs/caseload.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fsm_desktop.domain.caseload import (
    HOLDERS,
    AssignmentRows,
    CaseloadSettings,
    Move,
    OpenCase,
    ReassignmentPlan,
    StaffRecord,
    default_settings,
    limit_problem,
    role_change_problem,
    settings_from_json,
    skip_reason,
    validate_staff,
)
from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    AssignmentRole,
    AuditEntry,
    Staff,
    StaffRole,
    new_id,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project, file_error
from fsm_desktop.storage.sqlite import dbapi

SETTINGS_KEY = "caseload"
_LEAVING = ", ".join(f"'{reason.value}'" for reason in sorted(LEAVING_REASONS))
_ROLE_ORDER = "CASE role WHEN 'jobformidler' THEN 0 WHEN 'sagsbehandler' THEN 1 WHEN 'leder' THEN 2 ELSE 3 END"
#: The register's fields as the audit log names them.
_FIELDS = (
    ("initials", "initialer"),
    ("name", "navn"),
    ("role", "rolle"),
    ("hours", "timer pr. uge"),
    ("active_from", "aktiv fra"),
    ("active_to", "aktiv til"),
)


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _dk(day: dt.date) -> str:
    return date_text(day)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@contextmanager
def _writing(project: Project) -> Iterator[None]:
    """One transaction; a locked or read-only file becomes the project's Danish message."""
    try:
        with project.db.atomic():
            yield
    except dbapi.Error as exc:
        raise file_error(exc, project.path) from None


def _cleaned(record: StaffRecord) -> StaffRecord:
    """The record as stored: initials and name without stray spaces, typed role and hours."""
    staff = record.staff
    return StaffRecord(
        Staff(
            staff.initials.strip(),
            " ".join(staff.name.split()),
            StaffRole(staff.role),
            float(staff.hours_per_week),
            id=staff.id,
        ),
        record.active_from,
        record.active_to,
    )


def _staff_row(clean: StaffRecord, today: dt.date) -> dict[str, object]:
    """The ``staff`` table's columns for a cleaned record."""
    return {
        "initials": clean.initials,
        "name": clean.name,
        "role": clean.role.value,
        "hours_per_week": clean.hours,
        "active_from": _iso(clean.active_from),
        "active_to": _iso(clean.active_to),
        # A cached flag for other readers; the dates are the truth.
        "active": int(clean.active_to is None or clean.active_to >= today),
    }


class _Repository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn = project.db.conn


# --- the register ----------------------------------------------------------------------------------
class StaffRegister(_Repository):
    def records(self) -> list[StaffRecord]:
        """Everyone, job brokers first, then caseworkers, leaders and pseudo-caseworkers; by initials."""
        rows = self.conn.execute(
            "SELECT id, initials, name, role, hours_per_week, active_from, active_to FROM staff "
            f"ORDER BY {_ROLE_ORDER}, initials COLLATE NOCASE"
        ).fetchall()
        return [
            StaffRecord(Staff(initials, name, StaffRole(role), hours, id=sid), _d(start), _d(end))
            for sid, initials, name, role, hours, start, end in rows
        ]

    def get(self, staff_id: str) -> StaffRecord | None:
        return next((r for r in self.records() if r.id == staff_id), None)

    def open_by_role(self, staff_id: str, day: dt.date) -> dict[AssignmentRole, int]:
        """The person's assignments open on ``day`` or later, counted per role."""
        rows = self.conn.execute(
            "SELECT role, count(DISTINCT citizen_id) FROM assignment WHERE staff_id = ? "
            "AND (end IS NULL OR end >= ?) GROUP BY role",
            [staff_id, day.isoformat()],
        ).fetchall()
        return {AssignmentRole(role): n for role, n in rows}

    def problems(self, record: StaffRecord, today: dt.date) -> dict[str, str]:
        """Field → Danish message: the register's rules, and a role that cannot hold the
        person's open assignments."""
        records = self.records()
        found = validate_staff(record, records)
        before = next((r for r in records if r.id == record.id), None)
        if before is not None and before.role is not record.role and "role" not in found:
            problem = role_change_problem(record.role, self.open_by_role(record.id, today))
            if problem:
                found["role"] = problem
        return found

    def save(self, record: StaffRecord, today: dt.date | None = None) -> StaffRecord:
        """Add the person, or change them; the rules are checked again here (raises
        ValidationError with the first problem; nothing is written). An audit entry per field."""
        self.project.require_team_copy("Medarbejderlisten")
        today = today or dt.date.today()
        clean = _cleaned(record)
        now = _now()
        user = self.project.user
        with _writing(self.project):
            problems = self.problems(clean, today)
            if problems:
                raise ValidationError(
                    "Medarbejderen er ikke gemt: {problem}", problem=next(iter(problems.values()))
                )
            before = next((r for r in self.records() if r.id == clean.id), None)
            row = _staff_row(clean, today)
            if before is None:
                entries = [self._insert(clean, row, now, user)]
            else:
                entries = self._update(before, clean, row, now, user)
            AuditLog(self.project).record(entries)
        return clean

    def _insert(
        self, clean: StaffRecord, row: dict[str, object], now: dt.datetime, user: str
    ) -> AuditEntry:
        """A new person in the register, and the audit entry saying so."""
        self.db.table("staff").insert({"id": clean.id, **row})
        return AuditEntry(
            now,
            user,
            "create",
            "staff",
            clean.id,
            None,
            "medarbejder",
            None,
            f"{clean.initials} {clean.name}",
        )

    def _update(
        self,
        before: StaffRecord,
        clean: StaffRecord,
        row: dict[str, object],
        now: dt.datetime,
        user: str,
    ) -> list[AuditEntry]:
        """A person changed in the register, with an audit entry per changed field."""
        sets = ", ".join(f'"{column}" = ?' for column in row)
        self.conn.execute(f"UPDATE staff SET {sets} WHERE id = ?", [*row.values(), clean.id])
        entries = []
        for attribute, label in _FIELDS:
            old, new = getattr(before, attribute), getattr(clean, attribute)
            if old != new:
                entries.append(
                    AuditEntry(
                        now,
                        user,
                        "update",
                        "staff",
                        clean.id,
                        None,
                        label,
                        _text(old),
                        _text(new),
                    )
                )
        return entries

    # --- the limits ---------------------------------------------------------------------------------
    def settings(self) -> CaseloadSettings:
        """The project's limits: stored by the user, or the initiative's defaults."""
        defaults = default_settings(self.project.template)
        row = self.conn.execute(
            "SELECT value FROM project_setting WHERE key = ?", [SETTINGS_KEY]
        ).fetchone()
        return settings_from_json(json.loads(row[0]), defaults) if row else defaults

    # --- other cases (HIR: the whole caseload) -----------------------------------------------------
    def other_cases(self) -> dict[str, dict[str, int]]:
        """staff id → month (YYYY-MM) → the caseworker's cases outside the target group."""
        out: dict[str, dict[str, int]] = {}
        for staff_id, month, cases in self.conn.execute(
            "SELECT staff_id, month, cases FROM other_cases"
        ):
            out.setdefault(staff_id, {})[month] = cases
        return out

    def set_other_cases(self, staff_id: str, month: str, cases: int) -> None:
        """A caseworker's cases outside the target group in ``month``; 0 removes the entry."""
        self.project.require_team_copy("Sagsstammen")
        if isinstance(cases, bool) or not isinstance(cases, int) or not 0 <= cases <= 1000:
            raise ValidationError(
                "Andre sager skal være et helt tal fra 0 til 1.000; fik »{value}«.", value=cases
            )
        try:
            dt.date.fromisoformat(month + "-01")
        except (TypeError, ValueError):
            raise ValidationError("»{month}« er ikke en måned (ÅÅÅÅ-MM).", month=month) from None
        record = self.get(staff_id)
        if record is None or record.role is not StaffRole.CASEWORKER:
            raise ValidationError("Andre sager registreres kun for sagsbehandlere.")
        with _writing(self.project):
            if cases:
                self.conn.execute(
                    "INSERT INTO other_cases (staff_id, month, cases) VALUES (?, ?, ?) "
                    "ON CONFLICT(staff_id, month) DO UPDATE SET cases = excluded.cases",
                    [staff_id, month, cases],
                )
            else:
                self.conn.execute(
                    "DELETE FROM other_cases WHERE staff_id = ? AND month = ?", [staff_id, month]
                )

    def save_settings(self, settings: CaseloadSettings) -> None:
        self.project.require_team_copy("Sagsstammens grænser")
        for limit in settings.limits.values():
            if limit is not None:
                problem = limit_problem(limit.high, limit.low)
                if problem:
                    raise ValidationError("Grænserne er ikke gemt: {problem}", problem=problem)
        with _writing(self.project):
            self.conn.execute(
                "INSERT INTO project_setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [SETTINGS_KEY, json.dumps(settings.to_json(), ensure_ascii=False)],
            )


# --- caseloads and reassignments -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReassignmentRecord:
    id: str
    at: dt.datetime
    by_user: str
    day: dt.date
    role: AssignmentRole
    note: str
    citizens: int
    undone_at: dt.datetime | None = None


_OPEN_CASE = (
    "SELECT a.id, a.citizen_id, c.name, a.staff_id, a.role, a.start, a.end, "
    "(SELECT min(b.start) FROM assignment b WHERE b.citizen_id = a.citizen_id AND b.role = a.role "
    " AND b.id <> a.id AND (b.start > a.start OR b.start = a.start AND b.rowid > a.rowid)), "
    f"CASE WHEN c.exit_reason IN ({_LEAVING}) THEN c.exit_date END "
    "FROM assignment a JOIN citizen c ON c.id = a.citizen_id "
)


def _open_case(row: tuple) -> OpenCase:
    aid, cid, name, sid, role, start, end, later, left_on = row
    return OpenCase(
        aid,
        cid,
        name,
        sid,
        AssignmentRole(role),
        dt.date.fromisoformat(start),  # NOT NULL; the others may be NULL
        _d(end),
        _d(later),
        _d(left_on),
    )


def _facts(case: OpenCase) -> tuple:
    """What a plan relies on (a changed name does not matter)."""
    return (
        case.citizen_id,
        case.staff_id,
        case.role,
        case.start,
        case.end,
        case.later_start,
        case.left_on,
    )


def _check_receivers(plan: ReassignmentPlan, staff: dict[str, StaffRecord]) -> None:
    """Everyone receiving citizens exists, can hold the role, and is active on the day."""
    day, role = plan.day, plan.role
    for receiver in {m.to_staff_id for m in plan.moves}:
        record = staff.get(receiver)
        if record is None or record.role not in HOLDERS[role]:
            raise ValidationError("Vælg en {role}, der findes i projektet.", role=role.value)
        if not record.active_on(day):
            raise ValidationError(
                "{who} er ikke aktiv {day}; vælg en anden, eller ret datoerne i registret.",
                who=record.initials,
                day=_dk(day),
            )


def _undo_refused(day: dt.date, name: str | None) -> ValidationError:
    """Why an undo is refused: a row deleted since (``name`` None), or a citizen's changed."""
    if name is None:
        return ValidationError(
            "Omfordelingen pr. {day} kan ikke fortrydes: en af dens borgere eller tilknytninger er slettet siden.",
            day=_dk(day),
        )
    return ValidationError(
        "Omfordelingen pr. {day} kan ikke fortrydes: {name}s tilknytninger er ændret siden. Ret dem på borgersiden.",
        day=_dk(day),
        name=name,
    )


def _rows_as_written(record: ReassignmentRecord, rows: list) -> dict[str, str]:
    """The reassignment's rows still as it wrote them (refused otherwise); citizen → name."""
    day = record.day
    ended: dict[str, str | None] = {}  # citizen → the earlier end of the row it ended
    started: dict[str, str | None] = {}  # citizen → the end of the row it started
    names: dict[str, str] = {}
    for _aid, action, previous_end, found, cid, role, start, end, name in rows:
        if found is None or role != record.role.value:
            raise _undo_refused(day, None)
        names[cid] = name
        if action == "ended":
            if end != (day - dt.timedelta(days=1)).isoformat():
                raise _undo_refused(day, name)
            ended[cid] = previous_end
        else:
            if start != day.isoformat():
                raise _undo_refused(day, name)
            started[cid] = end
    for cid, end in started.items():
        if cid not in ended or ended[cid] != end:
            raise _undo_refused(day, names[cid])
    return names


class CaseloadRepository(_Repository):
    def rows(self) -> AssignmentRows:
        """Every assignment and the leaving dates: what domain.caseload counts any day from."""
        assignments = self.conn.execute(
            "SELECT citizen_id, staff_id, role, start, end FROM assignment"
        ).fetchall()
        left = dict(
            self.conn.execute(
                f"SELECT id, exit_date FROM citizen WHERE exit_date IS NOT NULL AND exit_reason IN ({_LEAVING})"
            ).fetchall()
        )
        registered_while: dict[str, list[tuple[str, str | None]]] | None = None
        if self.project.template.counts_caseload:  # HIR
            registered_while = {}
            for cid, start, end in self.conn.execute(
                "SELECT citizen_id, start, end FROM period WHERE kind = 'ressourceforloeb' ORDER BY citizen_id, start"
            ):
                registered_while.setdefault(cid, []).append((start, end))
        return AssignmentRows(assignments, left, registered_while)

    def open_cases(self, staff_id: str, role: AssignmentRole, day: dt.date) -> list[OpenCase]:
        """The person's citizens in ``role`` on ``day`` (assignment open on the day, not left by
        it), by name: what a reassignment can move."""
        rows = self.conn.execute(
            _OPEN_CASE
            + "WHERE a.staff_id = ? AND a.role = ? AND a.start <= ? AND (a.end IS NULL OR a.end >= ?) "
            f"AND (c.exit_date IS NULL OR c.exit_date > ? OR c.exit_reason NOT IN ({_LEAVING})) "
            "ORDER BY c.name COLLATE NOCASE, a.citizen_id",
            [staff_id, role.value, day.isoformat(), day.isoformat(), day.isoformat()],
        ).fetchall()
        return [_open_case(r) for r in rows]

    # --- applying ---------------------------------------------------------------------------------------
    def apply(self, plan: ReassignmentPlan, note: str = "") -> ReassignmentRecord:
        """Write the plan in one transaction. Every row is read again first: a citizen whose
        assignments changed since the plan was made stops it, and nothing is written."""
        self.project.require_team_copy("Omfordeling af borgere")
        if not plan.moves:
            raise ValidationError("Der er ingen borgere at flytte.")
        day, role = plan.day, plan.role
        now = _now()
        user = self.project.user
        register = StaffRegister(self.project)
        with _writing(self.project):
            staff = {r.id: r for r in register.records()}
            _check_receivers(plan, staff)
            rid = new_id()
            self.conn.execute(
                "INSERT INTO reassignment (id, at, by_user, day, role, note) VALUES (?, ?, ?, ?, ?, ?)",
                [rid, now.isoformat(), user, day.isoformat(), role.value, note],
            )
            entries = []
            ended_on = plan.ends_on.isoformat()
            for move in plan.moves:
                self._check_fresh(move, day)
                started = self._write_move(rid, move, role, day, ended_on)
                case = move.case
                before = staff[case.staff_id].initials if case.staff_id in staff else None
                entries.append(
                    AuditEntry(
                        now,
                        user,
                        "reassign",
                        "assignment",
                        started,
                        case.citizen_id,
                        role.value,
                        before,
                        f"{staff[move.to_staff_id].initials} fra {day.isoformat()}",
                    )
                )
            AuditLog(self.project).record(entries)
        return ReassignmentRecord(rid, now, user, day, role, note, len(plan.moves))

    def _check_fresh(self, move: Move, day: dt.date) -> None:
        """The move's assignment read again: stops the plan when it changed since."""
        case = move.case
        row = self.conn.execute(_OPEN_CASE + "WHERE a.id = ?", [case.assignment_id]).fetchone()
        fresh = _open_case(row) if row else None
        if (
            fresh is None
            or _facts(fresh) != _facts(case)
            or skip_reason(fresh, day)
            or fresh.staff_id == move.to_staff_id
        ):
            raise ValidationError(
                "Intet er flyttet: {name}s tilknytninger er ændret, siden forslaget blev lavet. Luk og prøv igen.",
                name=case.name,
            )

    def _write_move(
        self, rid: str, move: Move, role: AssignmentRole, day: dt.date, ended_on: str
    ) -> str:
        """End the citizen's assignment, start the new one, and record both rows under the
        reassignment ``rid``; returns the started assignment's id."""
        case = move.case
        self.conn.execute(
            "UPDATE assignment SET end = ? WHERE id = ?", [ended_on, case.assignment_id]
        )
        started = new_id()
        self.conn.execute(
            "INSERT INTO assignment (id, citizen_id, staff_id, role, start, end) VALUES (?, ?, ?, ?, ?, ?)",
            [
                started,
                case.citizen_id,
                move.to_staff_id,
                role.value,
                day.isoformat(),
                _iso(case.end),
            ],
        )
        self.conn.executemany(
            "INSERT INTO reassignment_row (reassignment_id, assignment_id, action, previous_end) VALUES (?, ?, ?, ?)",
            [
                (rid, case.assignment_id, "ended", _iso(case.end)),
                (rid, started, "started", None),
            ],
        )
        return started

    # --- the record and undo ---------------------------------------------------------------------------
    def reassignments(self) -> list[ReassignmentRecord]:
        """Every reassignment, newest first."""
        rows = self.conn.execute(
            "SELECT r.id, r.at, r.by_user, r.day, r.role, r.note, r.undone_at, "
            "(SELECT count(*) FROM reassignment_row x WHERE x.reassignment_id = r.id AND x.action = 'started') "
            "FROM reassignment r ORDER BY r.at DESC, r.rowid DESC"
        ).fetchall()
        return [
            ReassignmentRecord(
                rid,
                dt.datetime.fromisoformat(at),
                by,
                dt.date.fromisoformat(day),
                AssignmentRole(role),
                note,
                n,
                dt.datetime.fromisoformat(undone) if undone else None,
            )
            for rid, at, by, day, role, note, undone, n in rows
        ]

    def latest(self) -> ReassignmentRecord | None:
        """The newest reassignment not undone: the one "Fortryd seneste omfordeling" takes back."""
        return next((r for r in self.reassignments() if r.undone_at is None), None)

    def undo_latest(self) -> ReassignmentRecord:
        """Take back the newest reassignment exactly: the rows it started are deleted and the
        rows it ended get their earlier end. Refused (ValidationError) when the rows, or the
        citizens' assignments, were changed since."""
        self.project.require_team_copy("Omfordeling af borgere")
        now = _now()
        user = self.project.user
        with _writing(self.project):
            record = self.latest()
            if record is None:
                raise ValidationError("Der er ingen omfordeling at fortryde.")
            self._check_unchanged(record)
            rows = self.conn.execute(
                "SELECT rr.assignment_id, rr.action, rr.previous_end, a.citizen_id, s.initials FROM reassignment_row rr "
                "JOIN assignment a ON a.id = rr.assignment_id LEFT JOIN staff s ON s.id = a.staff_id "
                "WHERE rr.reassignment_id = ?",
                [record.id],
            ).fetchall()
            entries = []
            for aid, action, previous_end, cid, initials in rows:
                if action == "started":
                    self.conn.execute("DELETE FROM assignment WHERE id = ?", [aid])
                    entries.append(
                        AuditEntry(
                            now,
                            user,
                            "undo_reassign",
                            "assignment",
                            aid,
                            cid,
                            record.role.value,
                            f"{initials} fra {record.day.isoformat()}",
                            None,
                        )
                    )
                else:
                    self.conn.execute(
                        "UPDATE assignment SET end = ? WHERE id = ?", [previous_end, aid]
                    )
            self.conn.execute(
                "UPDATE reassignment SET undone_at = ?, undone_by = ? WHERE id = ?",
                [now.isoformat(), user, record.id],
            )
            AuditLog(self.project).record(entries)
        return record

    def _check_unchanged(self, record: ReassignmentRecord) -> None:
        rows = self.conn.execute(
            "SELECT rr.assignment_id, rr.action, rr.previous_end, a.id, a.citizen_id, a.role, a.start, a.end, c.name "
            "FROM reassignment_row rr LEFT JOIN assignment a ON a.id = rr.assignment_id "
            "LEFT JOIN citizen c ON c.id = a.citizen_id WHERE rr.reassignment_id = ?",
            [record.id],
        ).fetchall()
        names = _rows_as_written(record, rows)
        cids = sorted(names)
        for chunk_start in range(0, len(cids), 400):
            self._check_no_later_writes(record, cids[chunk_start : chunk_start + 400], names)

    def _check_no_later_writes(
        self, record: ReassignmentRecord, chunk: list[str], names: dict[str, str]
    ) -> None:
        """Refused when any of these citizens got a later assignment in the role, or their
        assignments were written since the reassignment."""
        marks = ", ".join("?" * len(chunk))
        later = self.conn.execute(
            f"SELECT a.citizen_id FROM assignment a WHERE a.role = ? AND a.citizen_id IN ({marks}) AND a.start >= ? "
            "AND a.id NOT IN (SELECT assignment_id FROM reassignment_row WHERE reassignment_id = ? AND action = 'started') "
            "LIMIT 1",
            [record.role.value, *chunk, record.day.isoformat(), record.id],
        ).fetchone()
        if later:
            raise _undo_refused(record.day, names[later[0]])
        # Anything written about these citizens' assignments after the reassignment (the
        # citizen page, the board, an import, another reassignment) — except reassignments
        # that were made and undone since, which left the rows as they were.
        changed = self.conn.execute(
            f"SELECT l.citizen_id FROM audit_log l WHERE l.entity = 'assignment' AND l.citizen_id IN ({marks}) "
            "AND l.rowid > (SELECT ifnull(max(m.rowid), 0) FROM audit_log m WHERE m.action = 'reassign' "
            "  AND m.entity = 'assignment' AND m.entity_id IN "
            "  (SELECT assignment_id FROM reassignment_row WHERE reassignment_id = ? AND action = 'started')) "
            "AND NOT (l.action IN ('reassign', 'undo_reassign') AND l.entity_id IN ("
            "  SELECT x.assignment_id FROM reassignment_row x JOIN reassignment r ON r.id = x.reassignment_id "
            "  WHERE r.undone_at IS NOT NULL AND x.action = 'started')) LIMIT 1",
            [*chunk, record.id],
        ).fetchone()
        if changed:
            raise _undo_refused(record.day, names[changed[0]])


__all__ = ["SETTINGS_KEY", "CaseloadRepository", "ReassignmentRecord", "StaffRegister"]
