"""The audit log: who changed what of a citizen's data, when, and from where. Append-only (the
schema's triggers refuse updates and deletes), and written here only: every change a user makes
is recorded inside the transaction of the change itself, by the repository that writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from fsm_desktop.domain.model import AuditEntry, new_id
from fsm_desktop.storage.project import Project

#: The audit log's columns, in the order :meth:`AuditLog.record_rows` takes them.
COLUMNS = (
    "id",
    "at",
    "user",
    "action",
    "entity",
    "entity_id",
    "citizen_id",
    "field",
    "old",
    "new",
    "source",
)
_INSERT = f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


_INSERT_HERE = f"INSERT INTO audit_log ({', '.join(COLUMNS[:-1])}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))})"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def audit_row(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "user": entry.user,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "citizen_id": entry.citizen_id,
        "field": entry.field_name,
        "old": entry.old,
        "new": entry.new,
    }


class AuditLog:
    """The one writer of the audit log (and its reader for a citizen's history)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db

    def record(self, entries: Iterable[AuditEntry]) -> None:
        """Append entries; call inside the transaction of the change they describe."""
        entries = list(entries)
        # Without a source, the column is left to its default: a file of a version before the
        # column (0010) is written by tests and migrations in the same way.
        self.record_local_rows(tuple(audit_row(e).values()) for e in entries if not e.source)
        merged = [(*audit_row(e).values(), e.source) for e in entries if e.source]
        if merged:
            self.record_rows(merged)

    def record_local_rows(self, rows: Iterable[Sequence[object]]) -> None:
        """Append entries made in this copy, as rows in :data:`COLUMNS`' order without the
        source (left to its default, "")."""
        rows = list(rows)
        if rows:
            self.db.conn.executemany(_INSERT_HERE, rows)

    def record_rows(self, rows: Iterable[Sequence[object]]) -> None:
        """Append entries given as rows in :data:`COLUMNS`' order (the bulk writers: a board
        move of many cards, an import, a merge); inside the change's transaction."""
        self.db.conn.executemany(_INSERT, rows)

    def change(
        self,
        action: str,
        entity: str,
        entity_id: str | None,
        citizen_id: str | None,
        field: str | None,
        old: str | None,
        new: str | None,
        at: str,
        source: str = "",
    ) -> None:
        """One entry by this project's user, written now (inside the change's transaction)."""
        self.record_rows(
            [
                (
                    new_id(),
                    at,
                    self.project.user,
                    action,
                    entity,
                    entity_id,
                    citizen_id,
                    field,
                    old,
                    new,
                    source,
                )
            ]
        )

    def record_export(self, kind: str, citizens: int, path: str | Path) -> None:
        """An export of personal data (the register, the template with data), in its own
        transaction (or the caller's): who and when, what (``field``), how many citizens
        (``new``) and where to (``entity_id``: the file's path, which is no personal data)."""
        with self.db.atomic():
            self.record(
                [
                    AuditEntry(
                        at=_now(),
                        user=self.project.user,
                        action="export",
                        entity="file",
                        entity_id=str(Path(path).absolute()),
                        field_name=kind,
                        new=str(citizens),
                    )
                ]
            )

    def for_citizen(self, citizen_id: str) -> list[AuditEntry]:
        rows = self.db.execute(
            "SELECT id, at, user, action, entity, entity_id, citizen_id, field, old, new, source "
            "FROM audit_log WHERE citizen_id = ? ORDER BY at, rowid",
            [citizen_id],
        ).fetchall()
        return [
            AuditEntry(
                id=r[0],
                at=dt.datetime.fromisoformat(r[1]),
                user=r[2],
                action=r[3],
                entity=r[4],
                entity_id=r[5],
                citizen_id=r[6],
                field_name=r[7],
                old=r[8],
                new=r[9],
                source=r[10] or "",
            )
            for r in rows
        ]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
