"""Imports in the project file: what the project holds (for the plan), writing a plan in one
transaction, the record of every import, undoing one, and saved mappings.

Writing (:meth:`ImportRepository.apply`) is all or nothing. Besides the rows, it records the
import (``import_batch``: file, SHA-256, time, user, counts), an audit entry for every change
to a citizen, and a journal (``import_journal``): per table, the keys of the rows inserted and
the complete earlier rows updated. Undoing deletes the one and restores the other, so the
tables are exactly as before; the audit log, which only grows, records the undo too."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Protocol

from fsm_desktop.domain.danish import date_text, datetime_text
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import Existing, ImportPlan
from fsm_desktop.domain.model import (
    Assignment,
    AssignmentRole,
    Citizen,
    ExitReason,
    IsoDates,
    PaidHours,
    Period,
    Staff,
    StaffRole,
    StatusEntry,
    new_id,
    new_ids,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import ConstraintError, Project
from fsm_desktop.storage.repositories import CITIZEN_COLUMNS, citizen_from_row, citizen_row
from fsm_desktop.storage.sqlite import dbapi

#: Each table an import writes: its primary key columns. In the order rows are inserted
#: (parents first); an undo deletes in the opposite order.
TABLES: dict[str, tuple[str, ...]] = {
    "staff": ("id",),
    "citizen": ("id",),
    "assignment": ("id",),
    "status_entry": ("id",),
    "period": ("id",),
    "paid_hours": ("citizen_id", "month"),
}
#: SQLite's default limit of host parameters is 32766; stay well below it.
_CHUNK = 900
#: In a journal's earlier row: the row as the import wrote it (staff), to see later changes.
AFTER = "__written__"
#: The staff columns an import writes, in the order of a journal's inserted row after its id.
_STAFF_WRITTEN = ("initials", "name", "role", "hours_per_week")


def _staff_written(staff: Staff) -> dict[str, object]:
    return dict(
        zip(_STAFF_WRITTEN, (staff.initials, staff.name, staff.role.value, staff.hours_per_week))
    )


class SavedMapping(Protocol):
    """A mapping of another file layout as it is saved (exchange.import_format.Mapping): its
    name, the layout it was saved for, and its JSON, which storage keeps as it is."""

    @property
    def name(self) -> str: ...

    @property
    def signature(self) -> str: ...

    def to_json(self) -> str: ...


class ImportUndoError(KnownError):
    """An import that cannot be undone (a later import, later changes, already undone)."""


class ImportConflict(KnownError):
    """The project changed between preparing an import and writing it: nothing is written."""


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: str
    file: str
    sha256: str
    at: dt.datetime
    user: str
    counts: dict[str, int]
    undone_at: dt.datetime | None = None
    undone_by: str | None = None

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


@dataclass(frozen=True, slots=True)
class Ending:
    """A citizen missing from the extract, ended by the user as part of the import."""

    citizen_id: str
    exit_date: dt.date
    reason: ExitReason


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@functools.lru_cache(maxsize=8192)
def _dk(day: dt.date | None) -> str:
    return date_text(day, "i gang")


@functools.lru_cache(maxsize=4096)
def _hours_text(hours: float | None) -> str | None:
    if hours is None:
        return None
    return f"{hours:g}".replace(".", ",")


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ImportRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn = project.db.conn

    # --- what the project holds ---------------------------------------------------------------
    def existing(self) -> Existing:
        conn = self.conn
        dates = IsoDates()
        day = dates.of  # a column that may be NULL; dates[...] for one that may not

        citizens = {
            row[1]: citizen_from_row(row)
            for row in conn.execute(f"SELECT {CITIZEN_COLUMNS} FROM citizen")
        }
        staff = {
            initials.upper(): Staff(initials, name, StaffRole(role), hours, id=sid)
            for sid, initials, name, role, hours in conn.execute(
                "SELECT id, initials, name, role, hours_per_week FROM staff"
            )
        }
        template = self.project.template
        kinds = {kind.value: kind for kind in template.kinds()}
        periods = {
            # A key the template no longer names (a file edited by hand): template.kind says how.
            (cid, kind, start): Period(
                cid, kinds.get(kind) or template.kind(kind), dates[start], day(end), note, id=pid
            )
            for pid, cid, kind, start, end, note in conn.execute(
                "SELECT id, citizen_id, kind, start, end, note FROM period"
            )
        }
        paid_hours = {
            (cid, month): hours
            for cid, month, hours in conn.execute("SELECT citizen_id, month, hours FROM paid_hours")
        }
        # The newest assignment per citizen and role (open or ended), and the earliest start.
        assignments: dict[tuple[str, str], Assignment] = {}
        history: dict[tuple[str, str], list[Assignment]] = {}
        for aid, cid, sid, role, start, end in conn.execute(
            "SELECT id, citizen_id, staff_id, role, start, end FROM assignment ORDER BY start, rowid"
        ):
            key = (cid, role)
            assignments[key] = Assignment(
                cid, sid, AssignmentRole(role), dates[start], day(end), id=aid
            )
            history.setdefault(key, []).append(assignments[key])
        status: dict[tuple[str, str], list[tuple[dt.date, str]]] = {}
        for cid, kind, date, value in conn.execute(
            "SELECT citizen_id, kind, date, value FROM status_entry ORDER BY date, rowid"
        ):
            status.setdefault((cid, kind), []).append((dates[date], value))
        group_ids = frozenset(g.id for g in self.project.template.groups)
        return Existing(
            group_ids, citizens, staff, periods, paid_hours, assignments, history, status
        )

    # --- writing ----------------------------------------------------------------------------------
    def apply(
        self,
        plan: ImportPlan,
        file: str,
        sha256: str,
        endings: Sequence[Ending] = (),
        progress=None,
        planned_on: Existing | None = None,
    ) -> ImportRecord:
        """Write the plan's valid rows in one transaction (nothing on any error). With
        ``planned_on`` (the rows the plan was made from), only if the project's rows are still
        those, read again once the transaction holds the write lock: a colleague's save between
        preparing and writing is never overwritten with the extract's older values."""
        self.project.require_team_copy("Import")
        now = dt.datetime.now().replace(microsecond=0)
        batch = ImportRecord(
            new_id(), file, sha256, now, self.project.user, plan.counts() | {"ended": len(endings)}
        )
        writer = _Writer(self.conn, AuditLog(self.project), batch, progress)
        try:
            with self.db.atomic():
                if planned_on is not None and self.existing() != planned_on:
                    raise ImportConflict(
                        "Projektet er ændret, siden importen af {file} blev forberedt (nogen har gemt "
                        "noget imens). Intet er skrevet. Forbered importen igen, så bygger den på det "
                        "nye.",
                        file=file,
                    )
                writer.write(plan, endings)
                self.conn.execute(
                    "INSERT INTO import_batch (id, file, sha256, at, user, counts, audit_rowid) "
                    "VALUES (?, ?, ?, ?, ?, ?, (SELECT ifnull(max(rowid), 0) FROM audit_log))",
                    [batch.id, file, sha256, now.isoformat(), batch.user, json.dumps(batch.counts)],
                )
                self.conn.executemany(
                    "INSERT INTO import_journal (batch_id, tbl, action, payload) VALUES (?, ?, ?, ?)",
                    [
                        (batch.id, table, action, json.dumps(rows))
                        for (table, action), rows in writer.journal.items()
                        if rows
                    ],
                )
        except dbapi.Error as exc:
            from fsm_desktop.storage.project import file_error

            raise file_error(exc, self.project.path) from None
        return batch

    # --- the record -------------------------------------------------------------------------------
    def batches(self) -> list[ImportRecord]:
        rows = self.conn.execute(
            "SELECT id, file, sha256, at, user, counts, undone_at, undone_by FROM import_batch ORDER BY at DESC, rowid DESC"
        ).fetchall()
        return [
            ImportRecord(
                r[0],
                r[1],
                r[2],
                dt.datetime.fromisoformat(r[3]),
                r[4],
                json.loads(r[5]),
                dt.datetime.fromisoformat(r[6]) if r[6] else None,
                r[7],
            )
            for r in rows
        ]

    def latest_undoable(self) -> ImportRecord | None:
        for record in self.batches():
            if not record.undone:
                return record
        return None

    # --- undo -------------------------------------------------------------------------------------
    def undo(self, batch_id: str) -> ImportRecord:
        """Restore every table the import wrote exactly as it was before. Only the newest import
        that is not undone can be undone, and only while nobody has changed its citizens since:
        checked inside the write transaction, so a save that lands meanwhile is never undone."""
        self.project.require_team_copy("Import")
        try:
            with self.db.atomic():
                record = self._undo(batch_id)
        except ConstraintError:
            raise ImportUndoError(
                "Importen kan ikke fortrydes, fordi der siden er registreret oplysninger, der bygger på den "
                "(fx en medarbejder, der er tilknyttet borgere)."
            ) from None
        return next(r for r in self.batches() if r.id == record.id)

    def _undo(self, batch_id: str) -> ImportRecord:
        record = next((r for r in self.batches() if r.id == batch_id), None)
        if record is None:
            raise ImportUndoError("Importen findes ikke i projektet.")
        if record.undone_at is not None:
            raise ImportUndoError(
                "Importen af {file} er allerede fortrudt ({at}).",
                file=record.file,
                at=datetime_text(record.undone_at),
            )
        latest = self.latest_undoable()
        if latest is not None and latest.id != record.id:
            raise ImportUndoError(
                "Fortryd først den nyere import af {file} ({at}).",
                file=latest.file,
                at=datetime_text(latest.at),
            )
        journal = {
            (table, action): json.loads(payload)
            for table, action, payload in self.conn.execute(
                "SELECT tbl, action, payload FROM import_journal WHERE batch_id = ?", [batch_id]
            )
        }
        citizens = _touched_citizens(journal)
        self._refuse_if_changed_since(batch_id, citizens)
        self._refuse_if_staff_changed(journal)
        now = dt.datetime.now().replace(microsecond=0)
        user = self.project.user
        for table in reversed(TABLES):
            if table in ("citizen", "staff"):
                continue
            self._delete(table, journal.get((table, "insert"), []))
        for table in TABLES:
            self._restore(table, journal.get((table, "update"), []))
        self._delete("citizen", journal.get(("citizen", "insert"), []))
        self._delete("staff", journal.get(("staff", "insert"), []))
        AuditLog(self.project).record_local_rows(
            (
                new_id(),
                now.isoformat(),
                user,
                "undo_import",
                "import_batch",
                batch_id,
                cid,
                "",
                None,
                record.file,
            )
            for cid in sorted(citizens)
        )
        self.conn.execute(
            "UPDATE import_batch SET undone_at = ?, undone_by = ? WHERE id = ?",
            [now.isoformat(), user, batch_id],
        )
        return record

    def _refuse_if_changed_since(self, batch_id: str, citizens: set[str]) -> None:
        since = self.conn.execute(
            "SELECT audit_rowid FROM import_batch WHERE id = ?", [batch_id]
        ).fetchone()[0]
        if not citizens:
            return
        ordered = sorted(citizens)
        for chunk in _chunks(ordered):
            marks = ", ".join("?" * len(chunk))
            row = self.conn.execute(
                f"SELECT c.name, a.at FROM audit_log a LEFT JOIN citizen c ON c.id = a.citizen_id "
                f"WHERE a.rowid > ? AND a.citizen_id IN ({marks}) ORDER BY a.rowid LIMIT 1",
                [since, *chunk],
            ).fetchone()
            if row is not None:
                raise ImportUndoError(
                    "Importen kan ikke fortrydes: {name} er ændret efter importen ({at}). "
                    "Ret ændringerne i hånden, eller fortryd dem først.",
                    name=row[0] or "en borger",
                    at=datetime_text(dt.datetime.fromisoformat(row[1])),
                )

    def _refuse_if_staff_changed(self, journal: dict[tuple[str, str], list]) -> None:
        """Staff rows are not in the audit log: compare them with the rows as the import wrote
        them (journals written before these were kept have none, and are not checked)."""
        written: dict[str, dict] = {}
        for row in journal.get(("staff", "insert"), []):
            if len(row) == 1 + len(_STAFF_WRITTEN):
                written[row[0]] = dict(zip(_STAFF_WRITTEN, row[1:]))
        for row in journal.get(("staff", "update"), []):
            if AFTER in row:
                written[row["id"]] = row[AFTER]
        if not written:
            return
        now: dict[str, dict[str, object]] = {}
        for chunk in _chunks(list(written)):
            cursor = self.conn.execute(
                f"SELECT id, {', '.join(_STAFF_WRITTEN)} FROM staff WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            now.update((r[0], dict(zip(_STAFF_WRITTEN, r[1:]))) for r in cursor)
        for staff_id, values in written.items():
            if now.get(staff_id) != values:
                raise ImportUndoError(
                    "Importen kan ikke fortrydes: medarbejderen {initials} ({name}) er ændret efter importen. "
                    "Ret ændringerne i hånden, eller fortryd dem først.",
                    initials=values["initials"],
                    name=values["name"],
                )

    def _delete(self, table: str, keys: list) -> None:
        pk = TABLES[table]
        where = " AND ".join(f'"{column}" = ?' for column in pk)
        self.conn.executemany(
            f'DELETE FROM "{table}" WHERE {where}', [tuple(key[: len(pk)]) for key in keys]
        )

    def _restore(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        pk = TABLES[table]
        columns = [c for c in rows[0] if c not in pk and c != AFTER]
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        where = " AND ".join(f'"{c}" = ?' for c in pk)
        self.conn.executemany(
            f'UPDATE "{table}" SET {assignments} WHERE {where}',
            [tuple(row[c] for c in columns) + tuple(row[c] for c in pk) for row in rows],
        )

    # --- mappings ---------------------------------------------------------------------------------
    def save_mapping(self, mapping: SavedMapping) -> None:
        self.project.require_team_copy("Importopsætninger")
        with self.db.atomic():
            self.conn.execute(
                "INSERT INTO import_mapping (name, signature, mapping, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET signature = excluded.signature, mapping = excluded.mapping, "
                "updated_at = excluded.updated_at",
                [
                    mapping.name,
                    mapping.signature,
                    mapping.to_json(),
                    dt.datetime.now().isoformat(timespec="seconds"),
                ],
            )

    def mapping_json(self, name: str) -> str | None:
        """The JSON of the mapping saved as ``name``, if any (exchange.import_format reads it)."""
        row = self.conn.execute(
            "SELECT mapping FROM import_mapping WHERE name = ?", [name]
        ).fetchone()
        return row[0] if row else None

    def mapping_json_for(self, signature: str) -> str | None:
        """The JSON of the mapping saved for this file layout, if any (the newest)."""
        row = self.conn.execute(
            "SELECT mapping FROM import_mapping WHERE signature = ? ORDER BY updated_at DESC LIMIT 1",
            [signature],
        ).fetchone()
        return row[0] if row else None

    def mapping_names(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM import_mapping ORDER BY name COLLATE NOCASE"
            )
        ]

    def delete_mapping(self, name: str) -> None:
        self.project.require_team_copy("Importopsætninger")
        with self.db.atomic():
            self.conn.execute("DELETE FROM import_mapping WHERE name = ?", [name])

    # --- the template's view of the project ----------------------------------------------------
    def template_rows(self) -> dict[str, list[tuple]]:
        """The project's rows in the template's columns (export, and its round trip)."""
        conn = self.conn
        # The current job broker and caseworker, CV and job goal, each with the date it holds
        # from (the *_fra columns): re-importing the export changes nothing.
        current = {
            (cid, role): (initials, _d(start))
            for cid, role, initials, start in conn.execute(
                "SELECT a.citizen_id, a.role, s.initials, a.start FROM assignment a JOIN staff s ON s.id = a.staff_id "
                "WHERE a.end IS NULL ORDER BY a.start, a.rowid"
            )
        }
        status = {
            (cid, kind): (value, _d(date))
            for cid, kind, value, date in conn.execute(
                "SELECT citizen_id, kind, value, date FROM status_entry ORDER BY date, rowid"
            )
        }
        nothing = (None, None)
        citizens = []
        for row in conn.execute(f"SELECT {CITIZEN_COLUMNS} FROM citizen ORDER BY name, cpr"):
            c = citizen_from_row(row)
            citizens.append(
                (
                    f"{c.cpr[:6]}-{c.cpr[6:]}",
                    c.name,
                    c.group,
                    c.gender.value if c.gender else None,
                    _ORIGIN_TEXT.get(c.origin.value) if c.origin else None,
                    c.entry_date,
                    c.exit_date,
                    _EXIT_TEXT.get(c.exit_reason.value) if c.exit_reason else None,
                    current.get((c.id, "jobformidler"), nothing)[0],
                    current.get((c.id, "sagsbehandler"), nothing)[0],
                    status.get((c.id, "cv_jobnet"), nothing)[0],
                    status.get((c.id, "jobmaal"), nothing)[0],
                    current.get((c.id, "jobformidler"), nothing)[1],
                    current.get((c.id, "sagsbehandler"), nothing)[1],
                    status.get((c.id, "cv_jobnet"), nothing)[1],
                    status.get((c.id, "jobmaal"), nothing)[1],
                )
            )
        periods = [
            (
                f"{cpr[:6]}-{cpr[6:]}",
                self.project.template.kind(kind).label,
                _d(start),
                _d(end),
                note or None,
            )
            for cpr, kind, start, end, note in conn.execute(
                "SELECT c.cpr, p.kind, p.start, p.end, p.note FROM period p JOIN citizen c ON c.id = p.citizen_id "
                "ORDER BY c.cpr, p.start, p.kind"
            )
        ]
        hours = [
            (f"{cpr[:6]}-{cpr[6:]}", month, value)
            for cpr, month, value in conn.execute(
                "SELECT c.cpr, h.month, h.hours FROM paid_hours h JOIN citizen c ON c.id = h.citizen_id ORDER BY c.cpr, h.month"
            )
        ]
        staff = [
            (initials, name, role, hours)
            for initials, name, role, hours in conn.execute(
                "SELECT initials, name, role, hours_per_week FROM staff ORDER BY initials"
            )
        ]
        return {"borgere": citizens, "forloeb": periods, "loentimer": hours, "medarbejdere": staff}


_ORIGIN_TEXT = {"dansk": "dansk", "vestlig": "vestlig", "ikke_vestlig": "ikke-vestlig"}
_EXIT_TEXT = {
    "fraflyttet": "fraflyttet",
    "folkepension": "folkepension",
    "doed": "død",
    "andet": "andet",
}


def _touched_citizens(journal: dict[tuple[str, str], list]) -> set[str]:
    """The citizens whose rows an import wrote (from its journal)."""
    found: set[str] = set()
    for (table, action), rows in journal.items():
        if table == "staff":
            continue
        for row in rows:
            if action == "update":
                found.add(row["id"] if table == "citizen" else row["citizen_id"])
            elif table == "citizen":
                found.add(row[0])
            else:
                found.add(row[-1] if table != "paid_hours" else row[0])
    return found


class _Writer:
    """Writes one plan; collects the journal and the audit entries as it goes."""

    def __init__(
        self, conn: dbapi.Connection, audit_log: AuditLog, batch: ImportRecord, progress
    ) -> None:
        self.conn = conn
        self.audit_log = audit_log
        self.batch = batch
        self.at = batch.at.isoformat()
        self.user = batch.user
        self.progress = progress
        self.journal: dict[tuple[str, str], list] = {}
        self.audit: list[tuple] = []

    def _journal(self, table: str, action: str, rows: Iterable) -> None:
        self.journal.setdefault((table, action), []).extend(rows)

    def _old_rows(self, table: str, keys: Sequence[tuple]) -> list[dict]:
        """The complete rows as they are now (for undo), by primary key."""
        pk = TABLES[table]
        found: list[dict] = []
        for chunk in _chunks(list(keys), _CHUNK // len(pk)):
            if len(pk) == 1:
                where = f'"{pk[0]}" IN ({", ".join("?" * len(chunk))})'
            else:
                row = "(" + ", ".join("?" * len(pk)) + ")"
                where = f"({', '.join(pk)}) IN (VALUES {', '.join([row] * len(chunk))})"
            cursor = self.conn.execute(
                f'SELECT * FROM "{table}" WHERE {where}', [v for key in chunk for v in key]
            )
            names = [d[0] for d in cursor.description]
            found.extend(dict(zip(names, row)) for row in cursor)
        return found

    def _note(
        self,
        entity: str,
        entity_id: str,
        citizen_id: str | None,
        field: str,
        old: str | None,
        new: str | None,
    ) -> None:
        self.audit.append((entity, entity_id, citizen_id, field, old, new))

    def _write_audit(self, entries: Iterable[tuple] | None = None) -> None:
        """Append audit entries — (entity, entity id, citizen id, field, old, new) — to the log;
        without ``entries``, the ones noted so far."""
        at, user = self.at, self.user
        rows = self.audit if entries is None else list(entries)
        self.audit_log.record_local_rows(
            [(i, at, user, "import", *entry) for i, entry in zip(new_ids(len(rows)), rows)]
        )
        if entries is None:
            self.audit.clear()

    def _step(self, what: str) -> None:
        if self.progress is not None:
            self.progress(what)

    def write(self, plan: ImportPlan, endings: Sequence[Ending]) -> None:
        """Each table in turn, parents first; the audit entries are written as they are now
        (status entries with the rows before them, then periods and paid hours)."""
        self._step("medarbejdere")
        self._write_staff(plan)
        self._step("borgere")
        self._insert_citizens(plan.citizens_new)
        self._update_citizens(*self._citizen_updates(plan, endings))
        self._step("tilknytninger")
        initials = dict(self.conn.execute("SELECT id, initials FROM staff"))
        self._end_assignments(plan.assignments_ended, initials)
        self._move_assignments(plan.assignments_moved, initials)
        self._restart_assignments(plan.assignments_restarted, initials)
        self._insert_assignments(plan.assignments_new, initials)
        self._insert_status(plan.status_new)
        self._write_audit()
        self._step("forløb")
        self._insert_periods(plan.periods_new)
        self._update_periods(plan.periods_updated)
        self._step("løntimer")
        self._insert_hours(plan.hours_new)
        self._update_hours(plan.hours_updated)
        self._write_audit()

    # --- staff
    def _write_staff(self, plan: ImportPlan) -> None:
        conn = self.conn
        conn.executemany(
            "INSERT INTO staff (id, initials, name, role, hours_per_week) VALUES (?, ?, ?, ?, ?)",
            [(s.id, s.initials, s.name, s.role.value, s.hours_per_week) for s in plan.staff_new],
        )
        # With the rows as written (after the key), so that an undo can see later changes.
        self._journal(
            "staff", "insert", [[s.id, *_staff_written(s).values()] for s in plan.staff_new]
        )
        if plan.staff_updated:
            written = {new.id: _staff_written(new) for _, new in plan.staff_updated}
            old_rows = self._old_rows("staff", [(old.id,) for old, _ in plan.staff_updated])
            self._journal(
                "staff", "update", [row | {AFTER: written[row["id"]]} for row in old_rows]
            )
            conn.executemany(
                "UPDATE staff SET name = ?, role = ?, hours_per_week = ? WHERE id = ?",
                [
                    (new.name, new.role.value, new.hours_per_week, old.id)
                    for old, new in plan.staff_updated
                ],
            )

    # --- citizens
    def _insert_citizens(self, citizens: Sequence[Citizen]) -> None:
        rows = [citizen_row(c, self.batch.at) for c in citizens]
        if rows:
            columns = list(rows[0])
            self.conn.executemany(
                f"INSERT INTO citizen ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [tuple(r[c] for c in columns) for r in rows],
            )
        self._journal("citizen", "insert", [[c.id] for c in citizens])
        for c in citizens:
            self._note("citizen", c.id, c.id, "", None, c.name)

    def _citizen_updates(
        self, plan: ImportPlan, endings: Sequence[Ending]
    ) -> tuple[dict[str, Citizen], dict[str, Citizen]]:
        """The citizens to update (the plan's, with the endings the user chose on top), and
        each one as it was, by id."""
        updates: dict[str, Citizen] = {u.new.id: u.new for u in plan.citizens_updated}
        old_citizens: dict[str, Citizen] = {u.old.id: u.old for u in plan.citizens_updated}
        if not endings:
            return updates, old_citizens
        existing = self._old_rows("citizen", [(e.citizen_id,) for e in endings])
        by_id = {row["id"]: row for row in existing}
        for ending in endings:
            if ending.citizen_id not in by_id:
                continue
            base = updates.get(ending.citizen_id)
            if base is None:
                row = by_id[ending.citizen_id]
                base = citizen_from_row(tuple(row[c.strip()] for c in CITIZEN_COLUMNS.split(",")))
                old_citizens[base.id] = base
            updates[ending.citizen_id] = replace(
                base, exit_date=ending.exit_date, exit_reason=ending.reason
            )
        return updates, old_citizens

    def _update_citizens(
        self, updates: dict[str, Citizen], old_citizens: dict[str, Citizen]
    ) -> None:
        if not updates:
            return
        self._journal("citizen", "update", self._old_rows("citizen", [(cid,) for cid in updates]))
        self.conn.executemany(
            "UPDATE citizen SET name = ?, gender = ?, origin = ?, grp = ?, entry_date = ?, exit_date = ?, "
            "exit_reason = ?, updated_at = ? WHERE id = ?",
            [
                (
                    c.name,
                    c.gender.value if c.gender else None,
                    c.origin.value if c.origin else None,
                    c.group,
                    c.entry_date.isoformat() if c.entry_date else None,
                    c.exit_date.isoformat() if c.exit_date else None,
                    c.exit_reason.value if c.exit_reason else None,
                    self.at,
                    c.id,
                )
                for c in updates.values()
            ],
        )
        for cid, new in updates.items():
            old = old_citizens[cid]
            for attribute, name in _AUDITED.items():
                before, after = getattr(old, attribute), getattr(new, attribute)
                if before != after:
                    self._note("citizen", cid, cid, name, _text(before), _text(after))

    # --- assignments (initials: staff id → initials, for the audit log)
    def _end_assignments(
        self, ended: Sequence[tuple[Assignment, dt.date]], initials: dict[str, str]
    ) -> None:
        if not ended:
            return
        self._journal(
            "assignment", "update", self._old_rows("assignment", [(a.id,) for a, _ in ended])
        )
        self.conn.executemany(
            "UPDATE assignment SET end = ? WHERE id = ?",
            [(end.isoformat(), a.id) for a, end in ended],
        )
        for a, end in ended:
            self._note(
                "assignment",
                a.id,
                a.citizen_id,
                a.role.value,
                f"{initials.get(a.staff_id, '?')} til {_dk(end)}",
                None,
            )

    def _move_assignments(
        self, moved: Sequence[tuple[Assignment, Assignment]], initials: dict[str, str]
    ) -> None:
        if not moved:
            return
        self._journal(
            "assignment", "update", self._old_rows("assignment", [(old.id,) for old, _ in moved])
        )
        self.conn.executemany(
            "UPDATE assignment SET staff_id = ? WHERE id = ?",
            [(new.staff_id, old.id) for old, new in moved],
        )
        for old, new in moved:
            self._note(
                "assignment",
                old.id,
                old.citizen_id,
                old.role.value,
                initials.get(old.staff_id, "?"),
                initials.get(new.staff_id, "?"),
            )

    def _restart_assignments(
        self, restarted: Sequence[tuple[Assignment, Assignment]], initials: dict[str, str]
    ) -> None:
        if not restarted:
            return
        self._journal(
            "assignment",
            "update",
            self._old_rows("assignment", [(old.id,) for old, _ in restarted]),
        )
        self.conn.executemany(
            "UPDATE assignment SET start = ? WHERE id = ?",
            [(new.start.isoformat(), old.id) for old, new in restarted],
        )
        for old, new in restarted:
            who = initials.get(old.staff_id, "?")
            self._note(
                "assignment",
                old.id,
                old.citizen_id,
                old.role.value,
                f"{who} fra {_dk(old.start)}",
                f"{who} fra {_dk(new.start)}",
            )

    def _insert_assignments(
        self, assignments: Sequence[Assignment], initials: dict[str, str]
    ) -> None:
        self.conn.executemany(
            "INSERT INTO assignment (id, citizen_id, staff_id, role, start, end) VALUES (?, ?, ?, ?, ?, NULL)",
            [
                (a.id, a.citizen_id, a.staff_id, a.role._value_, a.start.isoformat())
                for a in assignments
            ],
        )
        self._journal("assignment", "insert", [[a.id, a.citizen_id] for a in assignments])
        for a in assignments:
            self._note(
                "assignment",
                a.id,
                a.citizen_id,
                a.role.value,
                None,
                f"{initials.get(a.staff_id, '?')} fra {_dk(a.start)}",
            )

    # --- status entries
    def _insert_status(self, entries: Sequence[StatusEntry]) -> None:
        self.conn.executemany(
            "INSERT INTO status_entry (id, citizen_id, kind, date, value) VALUES (?, ?, ?, ?, ?)",
            [(s.id, s.citizen_id, s.kind._value_, s.date.isoformat(), s.value) for s in entries],
        )
        self._journal("status_entry", "insert", [[s.id, s.citizen_id] for s in entries])
        for s in entries:
            self._note("status_entry", s.id, s.citizen_id, s.kind.value, None, s.value)

    # --- periods
    def _insert_periods(self, new: Sequence[Period]) -> None:
        # In the order of the citizen index (and, with time-ordered ids, of the primary key):
        # the B-trees grow at one end instead of at random pages.
        periods = sorted(new, key=attrgetter("citizen_id", "start"))
        self.conn.executemany(
            "INSERT INTO period (id, citizen_id, kind, start, end, note) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    p.id,
                    p.citizen_id,
                    p.kind.value,
                    p.start.isoformat(),
                    p.end.isoformat() if p.end else None,
                    p.note,
                )
                for p in periods
            ),
        )
        self._journal("period", "insert", map(list, map(attrgetter("id", "citizen_id"), periods)))
        # New periods are noted per citizen, as new months of hours are ("virksomhedspraktik
        # 03-02-2020 – 30-04-2020; mentor …", by start): an extract brings five or more per
        # citizen. Changed periods get a row each, old → new.
        self._write_audit(
            (
                "period",
                citizen_id,
                citizen_id,
                "forløb",
                None,
                "; ".join(f"{p.kind.label} {_dk(p.start)} – {_dk(p.end)}" for p in group),
            )
            for citizen_id, group in itertools.groupby(periods, key=attrgetter("citizen_id"))
        )

    def _update_periods(self, updated: Sequence[tuple[Period, Period]]) -> None:
        if not updated:
            return
        self._journal(
            "period", "update", self._old_rows("period", [(old.id,) for old, _ in updated])
        )
        self.conn.executemany(
            "UPDATE period SET end = ?, note = ? WHERE id = ?",
            [(new.end.isoformat() if new.end else None, new.note, old.id) for old, new in updated],
        )
        for old, new in updated:
            label = old.kind.label
            self._note(
                "period",
                old.id,
                old.citizen_id,
                "til",
                f"{label} {_dk(old.start)} – {_dk(old.end)}",
                f"{label} {_dk(new.start)} – {_dk(new.end)}",
            )

    # --- paid hours
    def _insert_hours(self, new: Sequence[PaidHours]) -> None:
        hours = sorted(new, key=attrgetter("citizen_id", "month"))
        self.conn.executemany(
            "INSERT INTO paid_hours (citizen_id, month, hours) VALUES (?, ?, ?)",
            map(attrgetter("citizen_id", "month", "hours"), hours),
        )
        self._journal(
            "paid_hours", "insert", map(list, map(attrgetter("citizen_id", "month"), hours))
        )
        # New months are noted per citizen, every month with its hours ("2020-03: 12,5; …"): an
        # extract brings a dozen months per citizen, and 200,000 audit rows would cost more
        # than the hours themselves. Changed months get a row each, old → new.
        self._write_audit(
            (
                "paid_hours",
                citizen_id,
                citizen_id,
                "løntimer",
                None,
                "; ".join(f"{h.month}: {_hours_text(h.hours)}" for h in group),
            )
            for citizen_id, group in itertools.groupby(hours, key=attrgetter("citizen_id"))
        )

    def _update_hours(self, updated: Sequence[tuple[PaidHours, float]]) -> None:
        if not updated:
            return
        self._journal(
            "paid_hours",
            "update",
            self._old_rows("paid_hours", [(h.citizen_id, h.month) for h, _ in updated]),
        )
        self.conn.executemany(
            "UPDATE paid_hours SET hours = ? WHERE citizen_id = ? AND month = ?",
            [(h.hours, h.citizen_id, h.month) for h, _ in updated],
        )
        for h, old in updated:
            self._note(
                "paid_hours",
                f"{h.citizen_id}/{h.month}",
                h.citizen_id,
                h.month,
                _hours_text(old),
                _hours_text(h.hours),
            )


#: Citizen attributes whose change is written to the audit log, with the template's names.
_AUDITED = {
    "name": "navn",
    "group": "gruppe",
    "gender": "køn",
    "origin": "herkomst",
    "entry_date": "indgang",
    "exit_date": "afgang",
    "exit_reason": "afgangsårsag",
}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))
