"""Repositories: take and return domain objects; the only place that knows the tables.

Writes are transactions (``db.atomic()``); changes to citizens go to the audit log in the same
transaction as the change."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    AuditEntry,
    Citizen,
    ExitReason,
    Gender,
    Origin,
    Staff,
    StaffRole,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


#: SQL for "the citizen has not left the target group by ?" (moved away, retired, died; a
#: closed case, exit reason "andet", does not take anyone out: domain.md). One parameter: the day.
NOT_LEFT_SQL = "(c.exit_date IS NULL OR c.exit_date > ? OR c.exit_reason NOT IN ({}))".format(
    ", ".join(f"'{reason.value}'" for reason in sorted(LEAVING_REASONS))
)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


CITIZEN_COLUMNS = "id, cpr, name, gender, origin, grp, entry_date, exit_date, exit_reason, note"


def citizen_from_row(row: tuple) -> Citizen:
    """A Citizen from a row of CITIZEN_COLUMNS."""
    return Citizen(
        id=row[0],
        cpr=row[1],
        name=row[2],
        gender=Gender(row[3]) if row[3] else None,
        origin=Origin(row[4]) if row[4] else None,
        group=row[5],
        entry_date=_d(row[6]),
        exit_date=_d(row[7]),
        exit_reason=ExitReason(row[8]) if row[8] else None,
        note=row[9],
    )


def citizen_row(citizen: Citizen, updated_at: dt.datetime | None = None) -> dict:
    """The ``citizen`` table's row for a domain object (shared with bulk writers)."""
    return {
        "id": citizen.id,
        "cpr": citizen.cpr,
        "name": citizen.name,
        "birth_date": citizen.birth_date.isoformat(),
        "gender": citizen.gender.value if citizen.gender else None,
        "origin": citizen.origin.value if citizen.origin else None,
        "grp": citizen.group,
        "entry_date": _iso(citizen.entry_date),
        "exit_date": _iso(citizen.exit_date),
        "exit_reason": citizen.exit_reason.value if citizen.exit_reason else None,
        "note": citizen.note,
        "updated_at": (updated_at or _now()).isoformat(),
    }


class StaffRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db

    def list(self) -> list[Staff]:
        rows = self.db.execute(
            "SELECT id, initials, name, role, hours_per_week FROM staff ORDER BY CASE role "
            "WHEN 'jobformidler' THEN 0 WHEN 'sagsbehandler' THEN 1 WHEN 'leder' THEN 2 ELSE 3 END, initials"
        ).fetchall()
        return [
            Staff(id=r[0], initials=r[1], name=r[2], role=StaffRole(r[3]), hours_per_week=r[4])
            for r in rows
        ]

    def add(self, staff: Staff) -> None:
        self.project.require_team_copy("Medarbejderlisten")
        with self.db.atomic():
            self.db.table("staff").insert(
                {
                    "id": staff.id,
                    "initials": staff.initials,
                    "name": staff.name,
                    "role": staff.role.value,
                    "hours_per_week": staff.hours_per_week,
                }
            )

    def caseload(self, on: dt.date) -> dict[str, int]:
        """Open assignments per staff id on a date. A citizen whose case ended (any exit by
        the date, "andet" included) is in nobody's caseload."""
        day = on.isoformat()
        rows = self.db.execute(
            "SELECT a.staff_id, count(DISTINCT a.citizen_id) FROM assignment a "
            "JOIN citizen c ON c.id = a.citizen_id "
            "WHERE a.start <= ? AND (a.end IS NULL OR a.end >= ?) "
            "AND (c.exit_date IS NULL OR c.exit_date > ?) GROUP BY a.staff_id",
            [day, day, day],
        ).fetchall()
        return {r[0]: r[1] for r in rows}


class CitizenRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM citizen").fetchone()[0]

    def count_active(self, on: dt.date) -> int:
        """Citizens who have not left the target group by ``on`` (Citizen.has_left)."""
        return self.db.execute(
            f"SELECT count(*) FROM citizen c WHERE {NOT_LEFT_SQL}", [on.isoformat()]
        ).fetchone()[0]

    def get(self, citizen_id: str) -> Citizen | None:
        row = self.db.execute(
            f"SELECT {CITIZEN_COLUMNS} FROM citizen WHERE id = ?", [citizen_id]
        ).fetchone()
        return citizen_from_row(row) if row else None

    def by_cpr(self, cpr: str) -> Citizen | None:
        row = self.db.execute(
            f"SELECT {CITIZEN_COLUMNS} FROM citizen WHERE cpr = ?", [cpr]
        ).fetchone()
        return citizen_from_row(row) if row else None

    def list(self) -> list[Citizen]:
        rows = self.db.execute(f"SELECT {CITIZEN_COLUMNS} FROM citizen ORDER BY name").fetchall()
        return [citizen_from_row(r) for r in rows]

    def reveal_cpr(self, citizen_id: str) -> str:
        """The full CPR number, shown on purpose: the reveal is written to the audit log."""
        citizen = self.get(citizen_id)
        if citizen is None:
            raise KeyError(citizen_id)
        now = _now()
        with self.db.atomic():
            AuditLog(self.project).record(
                [
                    AuditEntry(
                        at=now,
                        user=self.project.user,
                        action="reveal_cpr",
                        entity="citizen",
                        entity_id=citizen_id,
                        citizen_id=citizen_id,
                        field_name="cpr",
                    )
                ]
            )
        return citizen.cpr

    def add(self, citizen: Citizen) -> None:
        """Insert a citizen and its audit entry in one transaction."""
        now = _now()
        with self.db.atomic():
            self.db.table("citizen").insert(citizen_row(citizen, now))
            AuditLog(self.project).record(
                [
                    AuditEntry(
                        at=now,
                        user=self.project.user,
                        action="create",
                        entity="citizen",
                        entity_id=citizen.id,
                        citizen_id=citizen.id,
                        new=citizen.name,
                    )
                ]
            )
