"""Laptop copies: take along, hand back, merge (issue 20; docs/sync.md says why this way).

- :func:`checkout` writes a laptop copy of the team copy (SQLite's backup, with the team's key)
  and keeps inside it the exact state it was copied in: a ``sync_base_<table>`` beside each
  table the laptop may change, and for the append-only audit log its last rowid.
- :func:`handin` compares each such table with its base in SQL (a join on the key, both ways) and
  writes the rows that differ, with their base values, to a change file: an SQLite file of its
  own, encrypted with the same key. The base then moves on, so a second hand-back carries only
  what changed since the first.
- :func:`plan_merge` reads a change file on the team copy and compares each row three ways
  (:mod:`fsm_desktop.domain.sync`); :func:`apply_merge` writes the result in one transaction
  with an audit entry per applied change and a record of the merge.

One SQLite library opens every file (the program's own; two libraries in one process would not
see each other's locks)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, SupportsInt, cast, overload

from fsm_desktop.domain.danish import count
from fsm_desktop.domain.errors import KnownError, ProjectFileError
from fsm_desktop.domain.model import new_id
from fsm_desktop.domain.sync import (
    TABLE_WORDS,
    Change,
    Conflict,
    RowMerge,
    Side,
    count_changes,
    merge_row,
    same_row,
)
from fsm_desktop.storage import keys
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.laptop import LaptopCopy, read_laptop_copy, write_laptop_copy
from fsm_desktop.storage.project import (
    Project,
    ReadOnlyProject,
    backup_into,
    file_error,
    new_file,
    sqlite_uri,
)
from fsm_desktop.storage.schema import SCHEMA_VERSION
from fsm_desktop.storage.sqlite import dbapi

#: Tables a laptop copy may change (everything about the citizens), parents first.
SYNCED_TABLES = (
    "citizen",
    "period",
    "paid_hours",
    "assignment",
    "placement",
    "board_move",
    "contact",
    "status_entry",
    "network_person",
    "stepup_meeting",
    "stepup_participant",
    "stepup_plan_line",
    "stepup_marking",
)
#: Only ever added to (its triggers refuse updates and deletes): the laptop's new rows, by rowid.
APPEND_ONLY = "audit_log"
BASE_PREFIX = "sync_base_"
PROJECT_ID_KEY = "project_id"
#: A change file: 'FSMC' as a 32-bit integer, and its format's version.
CHANGES_APPLICATION_ID = 0x46534D43
CHANGES_FORMAT = 1
SUFFIX = ".fsmchanges"


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class SyncError(KnownError):
    """A checkout, hand-back or merge that cannot be done, and why (nothing was written)."""


@overload
def project_id(project: Project, create: Literal[True]) -> str: ...
@overload
def project_id(project: Project, create: bool = False) -> str | None: ...
def project_id(project: Project, create: bool = False) -> str | None:
    row = project.db.execute(
        "SELECT value FROM project_setting WHERE key = ?", [PROJECT_ID_KEY]
    ).fetchone()
    if row is not None:
        return json.loads(row[0])
    if not create:
        return None
    value = new_id()
    with project.db.atomic():
        project.db.execute(
            "INSERT INTO project_setting (key, value) VALUES (?, ?)",
            [PROJECT_ID_KEY, json.dumps(value)],
        )
    return value


# --- tables ----------------------------------------------------------------------------------------


def _columns(conn, table: str, schema: str = "main") -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _primary_key(conn, table: str) -> list[str]:
    rows = sorted((row[5], row[1]) for row in conn.execute(f"PRAGMA table_info({table})") if row[5])
    return [name for _, name in rows]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_bases(conn) -> None:
    """``sync_base_<table>``: the table's rows as they are now (no constraints: a snapshot)."""
    for table in SYNCED_TABLES:
        base = BASE_PREFIX + table
        conn.execute(f"DROP TABLE IF EXISTS {base}")
        cols = _columns(conn, table)
        pk = _primary_key(conn, table)
        conn.execute(
            f"CREATE TABLE {base} ({', '.join(_q(c) for c in cols)}, PRIMARY KEY ({', '.join(_q(c) for c in pk)}))"
        )
        conn.execute(f"INSERT INTO {base} SELECT {', '.join(_q(c) for c in cols)} FROM {table}")


def _refresh_bases(conn) -> None:
    for table in SYNCED_TABLES:
        base = BASE_PREFIX + table
        cols = [c for c in _columns(conn, table) if c in set(_columns(conn, base))]
        names = ", ".join(_q(c) for c in cols)
        conn.execute(f"DELETE FROM {base}")
        conn.execute(f"INSERT INTO {base} ({names}) SELECT {names} FROM {table}")


def _audit_rowid(conn) -> int:
    return conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {APPEND_ONLY}").fetchone()[0]


# --- take along -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkout:
    path: Path
    copy: LaptopCopy
    citizens: int
    own_citizens: int | None


def checkout(
    team: Project,
    out: str | os.PathLike,
    job_broker: str | None = None,
    now: dt.datetime | None = None,
) -> Checkout:
    """A laptop copy of ``team`` at ``out`` (a new file; nothing is left behind on failure)."""
    now = now or _now()
    out = Path(out).expanduser().absolute()
    _check_checkout(team, out)
    staff_id = None
    if job_broker:
        staff_id, job_broker = _job_broker(team, job_broker)
    team_id = project_id(team, create=True)
    laptop_id = new_id()
    label = f"bærbar {job_broker}" if job_broker else f"bærbar {team.user}"
    copy = LaptopCopy(
        team_id=team_id,
        laptop_id=laptop_id,
        label=label,
        taken_at=now.isoformat(),
        taken_by=team.user,
        team_path=str(team.path),
        job_broker=job_broker,
    )
    copy = _write_laptop_file(team, out, copy)
    try:
        # Recorded once the copy is in place: a checkout that failed leaves no trace in the team
        # copy either.
        with team.db.atomic():
            team.db.execute(
                "INSERT INTO sync_checkout (id, at, by_user, label, job_broker, target) VALUES (?, ?, ?, ?, ?, ?)",
                [laptop_id, now.isoformat(), team.user, label, job_broker, str(out)],
            )
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    citizens = team.db.execute("SELECT count(*) FROM citizen").fetchone()[0]
    own = None
    if staff_id is not None:
        own = team.db.execute(
            "SELECT count(DISTINCT citizen_id) FROM assignment WHERE staff_id = ? AND role = 'jobformidler' "
            "AND (end IS NULL OR end >= ?)",
            [staff_id, now.date().isoformat()],
        ).fetchone()[0]
    return Checkout(out, copy, citizens, own)


def _check_checkout(team: Project, out: Path) -> None:
    """A laptop copy is taken from a writable, encrypted team copy to a new .fsm file."""
    if read_laptop_copy(team.db) is not None:
        raise SyncError(
            "Dette er en bærbar kopi. En bærbar kopi tages med fra teamkopien, ikke fra en anden bærbar kopi."
        )
    team.require_writable()
    if team.key is None and not team.demo:
        raise SyncError(
            "Projektet er ikke krypteret, og en bærbar kopi forlader bygningen. Vælg Filer → Krypter projektet "
            "først."
        )
    if out.resolve() == team.path.resolve():
        raise SyncError("Den bærbare kopi skal have et andet navn end teamkopien.")
    if out.suffix.lower() != ".fsm":
        raise SyncError(
            "Den bærbare kopi skal være en projektfil (.fsm), ikke »{name}«.", name=out.name
        )
    if not out.parent.is_dir():
        raise SyncError("Mappen {folder} findes ikke.", folder=str(out.parent))
    if out.exists():
        raise SyncError(
            "Filen {path} findes allerede. Vælg et andet navn, eller slet den gamle kopi først.",
            path=str(out),
        )


def _job_broker(team: Project, initials: str) -> tuple[str, str]:
    """The job broker taking the copy along: staff id and initials as the project has them."""
    row = team.db.execute(
        "SELECT id, initials FROM staff WHERE initials = ? COLLATE NOCASE", [initials.strip()]
    ).fetchone()
    if row is None:
        raise SyncError(
            "Der er ingen medarbejder med initialerne »{initials}« i projektet.",
            initials=initials,
        )
    staff_id, found = row
    return staff_id, found


def _write_laptop_file(team: Project, out: Path, copy: LaptopCopy) -> LaptopCopy:
    """The laptop copy's file with its bases; the copy's record as written in it."""
    try:
        with new_file(out) as building:
            # SQLite's backup is one consistent state of the file; the base is made from the
            # copy itself, so it is exactly the state the copy starts from.
            backup_into(team.db.conn, building, team.key)
            conn = dbapi.connect(str(building))
            try:
                keys.apply(conn, team.key)
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM sync_checkout")
                conn.execute("DELETE FROM sync_merge")
                _create_bases(conn)
                copy = LaptopCopy(**{**copy.__dict__, "audit_rowid": _audit_rowid(conn)})
                write_laptop_copy(conn, copy)
                conn.execute("COMMIT")
            finally:
                conn.close()
    except BaseException as exc:
        if isinstance(exc, (dbapi.Error, OSError)):
            from fsm_desktop.domain.danish import os_reason

            raise SyncError(
                "Den bærbare kopi {path} kunne ikke skrives: {reason}. Intet er ændret.",
                path=str(out),
                reason=os_reason(exc)
                if isinstance(exc, OSError)
                else "databasen svarede med en fejl",
            ) from None
        raise
    return copy


# --- hand back ------------------------------------------------------------------------------------


def diff(conn) -> list[Change]:
    """The laptop copy's changes since its base, parents' tables first, then the audit log's
    new entries."""
    changes: list[Change] = []
    for table in SYNCED_TABLES:
        base = BASE_PREFIX + table
        base_cols = set(_columns(conn, base))
        cols = [c for c in _columns(conn, table) if c in base_cols]
        pk = _primary_key(conn, table)
        names = ", ".join(f"t.{_q(c)}" for c in cols)
        idx = [cols.index(c) for c in pk]
        # A join on the key (the base's primary key is its index), not EXCEPT: EXCEPT sorts
        # every row of both (7 s for a 20,000-citizen project against 0.8 s this way).
        on = " AND ".join(f"b.{_q(c)} = t.{_q(c)}" for c in pk)
        same = " AND ".join(f"t.{_q(c)} IS b.{_q(c)}" for c in cols)
        newer = conn.execute(
            f"SELECT {names} FROM {table} t LEFT JOIN {base} b ON {on} WHERE b.{_q(pk[0])} IS NULL OR NOT ({same})"
        ).fetchall()
        gone = conn.execute(
            f"SELECT {', '.join(f'b.{_q(c)}' for c in cols)} FROM {base} b "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on})"
        ).fetchall()
        changed = [tuple(row[i] for i in idx) for row in newer]
        older = gone + _base_rows(conn, base, cols, pk, changed)
        before = {tuple(row[i] for i in idx): dict(zip(cols, row)) for row in older}
        for row in newer:
            key = tuple(row[i] for i in idx)
            changes.append(Change(table, key, before.pop(key, None), dict(zip(cols, row))))
        for key, row in before.items():
            changes.append(Change(table, key, row, None))
    return changes


def _base_rows(conn, base: str, cols: list[str], pk: list[str], keys_: list[tuple]) -> list[tuple]:
    """The base's rows of these keys (the changed rows' values before)."""
    found: list[tuple] = []
    where = " AND ".join(f"{_q(c)} = ?" for c in pk)
    names = ", ".join(_q(c) for c in cols)
    for key in keys_:
        row = conn.execute(f"SELECT {names} FROM {base} WHERE {where}", list(key)).fetchone()
        if row is not None:
            found.append(row)
    return found


def _new_audit_rows(conn, after: int) -> list[dict]:
    cursor = conn.execute(f"SELECT * FROM {APPEND_ONLY} WHERE rowid > ? ORDER BY rowid", [after])
    cols = [d[0] for d in cursor.description]
    return [dict(zip(cols, row)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Handin:
    path: Path
    seq: int
    counts: dict[str, int]
    changes: int
    audit_entries: int
    keep_working: bool


def handin(
    laptop: Project,
    out: str | os.PathLike,
    keep_working: bool = False,
    now: dt.datetime | None = None,
) -> Handin:
    """Write the laptop copy's changes since it was taken (or since its last hand-back) to the
    change file ``out``; then mark the copy handed back (read-only), or with ``keep_working``
    move its base on so that the next hand-back carries only what changes after this one."""
    now = now or _now()
    copy = read_laptop_copy(laptop.db)
    if copy is None:
        raise SyncError(
            "Dette er teamkopien. Ændringer afleveres fra en bærbar kopi (Filer → Tag med på bærbar)."
        )
    if copy.handed_back_at is not None:
        raise SyncError(copy.handed_back_sentence() or "")
    laptop.require_writable()
    out = Path(out).expanduser().absolute()
    if out.suffix.lower() != SUFFIX:
        out = out.with_name(out.name + SUFFIX)
    if not out.parent.is_dir():
        raise SyncError("Mappen {folder} findes ikke.", folder=str(out.parent))
    if out.exists():
        raise SyncError("Filen {path} findes allerede. Vælg et andet navn.", path=str(out))
    conn = laptop.db.conn
    with laptop.db.atomic():  # one snapshot: the changes written are exactly the ones marked
        changes = diff(conn)
        audit = _new_audit_rows(conn, copy.audit_rowid)
        seq = copy.seq + 1
        _write_change_file(out, laptop.key, _handin_meta(laptop, copy, seq, now), changes, audit)
        if keep_working:
            _refresh_bases(conn)
            updated = LaptopCopy(**{**copy.__dict__, "seq": seq, "audit_rowid": _audit_rowid(conn)})
        else:
            updated = LaptopCopy(
                **{
                    **copy.__dict__,
                    "seq": seq,
                    "handed_back_at": now.isoformat(),
                    "handed_back_to": str(out),
                }
            )
        write_laptop_copy(conn, updated)
    laptop.laptop = updated
    if not keep_working:
        # The copy open here is handed back too: a change made in it now would never reach the
        # team copy (a hand-back after this one is refused).
        laptop._set_read_only(ReadOnlyProject(updated.handed_back_sentence() or ""))
    return Handin(out, seq, count_changes(changes), len(changes), len(audit), keep_working)


def _handin_meta(
    laptop: Project, copy: LaptopCopy, seq: int, now: dt.datetime
) -> dict[str, object]:
    """A change file's meta data: which project and laptop copy, which hand-back, by whom."""
    return {
        "format": "fsm-desktop-changes",
        "file_id": new_id(),
        "project_id": copy.team_id,
        "laptop_id": copy.laptop_id,
        "label": copy.label,
        "seq": seq,
        "schema_version": SCHEMA_VERSION,
        "taken_at": copy.taken_at,
        "handed_at": now.isoformat(),
        "handed_by": laptop.user,
    }


def _write_change_file(
    out: Path,
    key: Key | None,
    meta: Mapping[str, object],
    changes: Sequence[Change],
    audit: Sequence[Mapping[str, object]],
) -> None:
    try:
        with new_file(out) as tmp:
            conn = dbapi.connect(str(tmp))
            try:
                keys.apply(conn, key)
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.execute("BEGIN")
                conn.execute(f"PRAGMA application_id = {CHANGES_APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {CHANGES_FORMAT}")
                conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                conn.execute(
                    "CREATE TABLE change (n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, key TEXT NOT NULL, base TEXT, new TEXT)"
                )
                conn.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()],
                )
                conn.executemany(
                    "INSERT INTO change (tbl, key, base, new) VALUES (?, ?, ?, ?)",
                    _change_rows(changes, audit),
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
    except (dbapi.Error, OSError) as exc:
        from fsm_desktop.domain.danish import os_reason

        raise SyncError(
            "Ændringsfilen {path} kunne ikke skrives: {reason}. Intet er ændret i den bærbare kopi.",
            path=str(out),
            reason=os_reason(exc) if isinstance(exc, OSError) else "databasen svarede med en fejl",
        ) from None


def _change_rows(
    changes: Sequence[Change], audit: Sequence[Mapping[str, object]]
) -> list[tuple[str, str, str | None, str | None]]:
    """A change file's rows: the changes (key, base and new values as JSON), then the audit log's
    new entries."""
    return [
        (
            c.table,
            json.dumps(list(c.key), ensure_ascii=False),
            None if c.base is None else json.dumps(c.base, ensure_ascii=False),
            None if c.new is None else json.dumps(c.new, ensure_ascii=False),
        )
        for c in changes
    ] + [
        (
            APPEND_ONLY,
            json.dumps([row["id"]]),
            None,
            json.dumps(row, ensure_ascii=False),
        )
        for row in audit
    ]


# --- read a change file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeFile:
    path: Path
    meta: dict[str, object]
    changes: list[Change]
    audit: list[dict]

    @property
    def file_id(self) -> str:
        return str(self.meta["file_id"])

    @property
    def label(self) -> str:
        return str(self.meta.get("label", "bærbar"))

    @property
    def seq(self) -> int:
        # read_change_file refuses a file whose seq int() does not take.
        return int(cast("SupportsInt | str", self.meta["seq"]))

    @property
    def laptop_id(self) -> str:
        return str(self.meta["laptop_id"])


class ChangeFilePassword(SyncError):
    """The change file has another key than the team copy: its password is needed."""


def read_change_file(
    path: str | os.PathLike, key: Key | None, password: str | None = None
) -> ChangeFile:
    """Read a change file written by :func:`handin`: with the team copy's ``key`` (a laptop copy
    has the team's key), else with ``password`` (the team's password was changed since: the
    salt stays, so the team's key is tried first, then the password's)."""
    path = Path(path).expanduser().absolute()
    if not path.is_file():
        raise SyncError("Ændringsfilen {path} findes ikke.", path=str(path))
    try:
        salt = keys.file_salt(path)
    except dbapi.Error:
        raise SyncError(_UNUSABLE, path=str(path)) from None
    conn, app_id = _open_change_file(path, salt, _keys_to_try(path, salt, key, password), password)
    try:
        if app_id != CHANGES_APPLICATION_ID:
            raise SyncError(_UNUSABLE, path=str(path))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != CHANGES_FORMAT:
            raise SyncError(
                "Ændringsfilen {name} er skrevet af en anden version af FSM Desktop. Brug samme version på den "
                "bærbare og på teamkopien.",
                name=path.name,
            )
        return _read_change_rows(conn, path)
    except (dbapi.Error, ValueError, KeyError, TypeError):
        raise SyncError(_UNUSABLE, path=str(path)) from None
    finally:
        conn.close()


_UNUSABLE = "Filen {path} er ikke en ændringsfil fra en bærbar kopi, eller den er beskadiget."


def _keys_to_try(
    path: Path, salt: bytes | None, key: Key | None, password: str | None
) -> list[Key | None]:
    """The keys a change file may open with: none for a plain file, else the team's key (when
    its salt matches) and the password's."""
    if salt is None:
        return [None]
    tries: list[Key | None] = []
    if key is not None and key.salt == salt:
        tries.append(key)
    if password is not None:
        tries.append(keys.derive(password, salt))
    if not tries:
        raise ChangeFilePassword(
            "Ændringsfilen {name} er krypteret med en anden adgangskode end teamkopien. Angiv den bærbare kopis "
            "adgangskode.",
            name=path.name,
        )
    return tries


def _open_change_file(
    path: Path, salt: bytes | None, tries: list[Key | None], password: str | None
) -> tuple[Any, int]:
    """The change file opened read-only with the first key that reads it, and its application id."""
    for use in tries:
        try:
            conn = dbapi.connect(sqlite_uri(path) + "?mode=ro", uri=True)
        except dbapi.Error:
            raise SyncError(_UNUSABLE, path=str(path)) from None
        try:
            keys.apply(conn, use)
            return conn, conn.execute("PRAGMA application_id").fetchone()[0]
        except dbapi.DatabaseError:
            conn.close()
    if salt is None:
        raise SyncError(_UNUSABLE, path=str(path))
    if password is None:
        raise ChangeFilePassword(
            "Ændringsfilen {name} er krypteret med en anden adgangskode end teamkopien har nu. Angiv den "
            "adgangskode, den bærbare kopi blev taget med.",
            name=path.name,
        )
    raise SyncError(
        "Forkert adgangskode til ændringsfilen {name}. Intet er ændret.", name=path.name
    )


def _read_change_rows(conn, path: Path) -> ChangeFile:
    """The change file's meta data, changes and audit entries (KeyError, ValueError … when it
    lacks one it must have)."""
    meta = {k: json.loads(v) for k, v in conn.execute("SELECT key, value FROM meta")}
    changes: list[Change] = []
    audit: list[dict] = []
    for table, key_text, base, new in conn.execute(
        "SELECT tbl, key, base, new FROM change ORDER BY n"
    ):
        if table == APPEND_ONLY:
            audit.append(json.loads(new))
            continue
        changes.append(
            Change(
                table,
                tuple(json.loads(key_text)),
                None if base is None else json.loads(base),
                None if new is None else json.loads(new),
            )
        )
    for name in ("file_id", "project_id", "laptop_id", "seq", "schema_version"):
        if name not in meta:
            raise KeyError(name)
    int(meta["seq"])
    return ChangeFile(path, meta, changes, audit)


# --- merge ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeRecord:
    id: str
    file_id: str
    label: str
    seq: int
    at: dt.datetime
    by_user: str
    file: str
    counts: dict
    decisions: dict


@dataclass
class MergePlan:
    file: ChangeFile
    rows: list[RowMerge] = field(default_factory=list)
    #: Changes that cannot be applied, and why (a citizen the team copy no longer has).
    skipped: list[tuple[Change, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: This very file was merged before: nothing to do.
    already_merged: MergeRecord | None = None
    #: citizen id → name, for the conflicts' words.
    names: dict[str, str] = field(default_factory=dict)
    #: staff id → initials, for values.
    staff: dict[str, str] = field(default_factory=dict)
    new_audit: list[dict] = field(default_factory=list)

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for row in self.rows for c in row.conflicts]

    @property
    def to_apply(self) -> int:
        return sum(1 for row in self.rows if not row.already)


def merges(team: Project) -> list[MergeRecord]:
    return [
        MergeRecord(
            r[0],
            r[1],
            r[2],
            r[3],
            dt.datetime.fromisoformat(r[4]),
            r[5],
            r[6],
            json.loads(r[7]),
            json.loads(r[8]),
        )
        for r in team.db.execute(
            "SELECT id, file_id, label, seq, at, by_user, file, counts, decisions FROM sync_merge ORDER BY at"
        )
    ]


def _team_row(conn, table: str, pk: list[str], key: tuple) -> dict | None:
    cursor = conn.execute(
        f"SELECT * FROM {table} WHERE {' AND '.join(f'{_q(c)} = ?' for c in pk)}", list(key)
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row))


def _foreign_keys(conn) -> dict[str, list[tuple[str, str, str]]]:
    """{table: [(column, parent table, parent column)]} for the synced tables."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for table in SYNCED_TABLES:
        found[table] = [
            (row[3], row[2], row[4] or "id")
            for row in conn.execute(f"PRAGMA foreign_key_list({table})")
        ]
    return found


def _check_order(conn, changes: ChangeFile) -> None:
    """A laptop copy's hand-backs are merged in their order, each once."""
    seqs = {
        r[0]
        for r in conn.execute("SELECT seq FROM sync_merge WHERE laptop_id = ?", [changes.laptop_id])
    }
    if changes.seq in seqs:
        raise SyncError(
            "En anden aflevering nr. {seq} fra {label} er allerede indlæst. Denne fil ({name}) er en anden udgave af "
            "den; den indlæses ikke.",
            seq=str(changes.seq),
            label=changes.label,
            name=changes.path.name,
        )
    if changes.seq > 1 and changes.seq - 1 not in seqs:
        raise SyncError(
            "{name} er aflevering nr. {seq} fra {label} og bygger på aflevering nr. {before}, som ikke er indlæst. "
            "Indlæs den først.",
            name=changes.path.name,
            seq=str(changes.seq),
            label=changes.label,
            before=str(changes.seq - 1),
        )


def _people(rows) -> list[tuple]:
    return sorted(
        (str(r.get("role")), str(r.get("name")), str(r.get("health_function") or "")) for r in rows
    )


def _people_words(rows) -> str:
    return "; ".join(f"{role} {name}".strip() for role, name, _ in _people(rows)) or "ingen"


def _replaced_participants(conn, plan: MergePlan, citizen_of) -> None:
    """A step-up meeting saved again gets new participant rows (the list is replaced as a
    whole). When both sides saved the same meeting, adding the laptop's rows would keep both
    lists: the same people on both sides keeps the team's rows; other people is one decision
    for the meeting, whose laptop side replaces the team's list."""
    added: dict[object, list[RowMerge]] = {}
    removed: dict[object, list[Change]] = {}
    for merge in plan.rows:
        change = merge.change
        if change.table != "stepup_participant":
            continue
        meeting = change.row.get("meeting_id")
        if change.op == "insert" and merge.team is None:
            added.setdefault(meeting, []).append(merge)
        elif change.op == "delete":
            removed.setdefault(meeting, []).append(change)
    for meeting, laptop_rows in added.items():
        gone = removed.get(meeting, [])
        if not gone:
            continue  # a new meeting, or people added to the list: nothing was replaced
        known = {change.key for change in gone} | {merge.change.key for merge in laptop_rows}
        cursor = conn.execute("SELECT * FROM stepup_participant WHERE meeting_id = ?", [meeting])
        cols = [d[0] for d in cursor.description]
        team_rows = [dict(zip(cols, row)) for row in cursor.fetchall()]
        extra = [row for row in team_rows if (row["id"],) not in known]
        if not extra:
            continue  # the team has the list the laptop replaced: the laptop's list replaces it
        laptop_new = [merge.change.new or {} for merge in laptop_rows]
        if _people(extra) == _people(laptop_new):
            for merge in laptop_rows:
                merge.already = True
            continue
        conflict = Conflict(
            "stepup_meeting",
            (meeting,),
            "field",
            "deltagere",
            _people_words(change.base or {} for change in gone),
            _people_words(extra),
            _people_words(laptop_new),
            citizen_of(laptop_rows[0].change),
        )
        laptop_rows[0].conflicts.append(conflict)
        for merge in laptop_rows:
            merge.requires.append(conflict.id)
        for row in extra:
            plan.rows.append(
                RowMerge(
                    Change("stepup_participant", (row["id"],), row, None),
                    row,
                    requires=[conflict.id],
                )
            )


def plan_merge(team: Project, changes: ChangeFile) -> MergePlan:
    """The preview: what the change file does to the team copy, and what needs a decision.
    Refuses (:class:`SyncError`) a file of another project, another schema, or one that comes
    before an earlier hand-back of the same laptop copy was merged."""
    _check_mergeable(team, changes)
    plan = MergePlan(changes)
    done = {r.file_id: r for r in merges(team)}
    if changes.file_id in done:
        plan.already_merged = done[changes.file_id]
        return plan
    _check_order(team.db.conn, changes)
    conn = team.db.conn
    planner = _Planner(conn, changes)
    planner.plan_rows(changes.changes, plan)
    _replaced_participants(conn, plan, planner.citizen_of)
    plan.new_audit = _new_audit(conn, changes)
    plan.counts = count_changes(row.change for row in plan.rows if not row.already)
    _name_citizens(conn, plan, planner)
    plan.staff = {r[0]: r[1] for r in conn.execute("SELECT id, initials FROM staff")}
    return plan


def _check_mergeable(team: Project, changes: ChangeFile) -> None:
    """The change file belongs in this team copy: of this project, with this schema."""
    if read_laptop_copy(team.db) is not None:
        raise SyncError("Dette er en bærbar kopi. Ændringer indlæses i teamkopien.")
    meta = changes.meta
    mine = project_id(team)
    if mine is None or meta.get("project_id") != mine:
        raise SyncError(
            "Ændringsfilen {name} kommer fra en kopi af et andet projekt end {project}. Indlæs den i det projekt, "
            "den bærbare kopi blev taget fra.",
            name=changes.path.name,
            project=team.path.name,
        )
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise SyncError(
            "Ændringsfilen {name} er skrevet af en anden version af FSM Desktop (databaseversion {theirs}; "
            "teamkopien har {ours}). Brug samme version på den bærbare og på teamkopien: opdatér den ældste, "
            "åbn den bærbare kopi, og aflever igen.",
            name=changes.path.name,
            theirs=str(meta.get("schema_version")),
            ours=str(SCHEMA_VERSION),
        )


#: What a row's missing parent is called, by its table (else "det, den hører til").
_PARENT_WORDS = {"citizen": "borgeren", "staff": "medarbejderen"}


class _Planner:
    """What planning a merge's rows shares: the team copy's keys and links, the file's rows,
    and the rows merged so far."""

    def __init__(self, conn, changes: ChangeFile) -> None:
        self.conn = conn
        self.pks = {table: _primary_key(conn, table) for table in SYNCED_TABLES}
        self.fks = _foreign_keys(conn)
        self.children = {
            parent: [
                (child, col)
                for child, links in self.fks.items()
                for col, p, _ in links
                if p == parent
            ]
            for parent in SYNCED_TABLES
        }
        self.file_rows: dict[tuple[str, tuple], Change] = {
            (c.table, c.key): c for c in changes.changes
        }
        self.deleted = {(c.table, c.key) for c in changes.changes if c.op == "delete"}
        self.meetings: dict[object, str | None] = {}
        self.merged: dict[tuple[str, tuple], RowMerge] = {}

    def plan_rows(self, changes: Sequence[Change], plan: MergePlan) -> None:
        """Each change of the file merged three ways with the team's row, or skipped (one loop,
        its names local: it runs once per changed row)."""
        conn, pks, merged, citizen_of = self.conn, self.pks, self.merged, self.citizen_of
        for change in changes:
            if change.table not in pks:
                continue
            team_row = _team_row(conn, change.table, pks[change.table], change.key)
            merge = merge_row(change, team_row, citizen_of(change))
            needs_insert = (team_row is None and change.op == "insert") or any(
                c.kind == "deleted_on_team" for c in merge.conflicts
            )
            if needs_insert:
                reason, merge.requires = self.parent_of(change)
                if reason is not None:
                    plan.skipped.append((change, reason))
                    continue
            if change.op == "delete" and team_row is not None and not merge.conflicts:
                self._check_children(change, merge)
            merged[(change.table, change.key)] = merge
            plan.rows.append(merge)

    def citizen_of(self, change: Change) -> str | None:
        row = change.row
        if change.table == "citizen":
            return str(change.key[0])
        if "citizen_id" in row:
            # citizen_id columns hold the citizen's text id (or NULL).
            return cast("str | None", row["citizen_id"])
        meeting = row.get("meeting_id")
        if meeting is None:
            return None
        if meeting not in self.meetings:
            self.meetings[meeting] = self._meeting_citizen(meeting)
        return self.meetings[meeting]

    def _meeting_citizen(self, meeting: object) -> str | None:
        """The citizen of a step-up meeting: in the file, else in the team copy."""
        other = self.file_rows.get(("stepup_meeting", (meeting,)))
        if other is not None:
            return cast("str | None", other.row.get("citizen_id"))
        found = self.conn.execute(
            "SELECT citizen_id FROM stepup_meeting WHERE id = ?", [meeting]
        ).fetchone()
        return found[0] if found else None

    def parent_of(self, change: Change) -> tuple[str | None, list[str]]:
        """Why a row to be added cannot be (its parent is gone from the team copy), else the
        conflicts its parents wait for: a parent the team deleted and the laptop changed comes
        back only if the project leader takes the laptop's, and the row with it."""
        row = change.row
        requires: list[str] = []
        for col, parent, parent_col in self.fks.get(change.table, []):
            value = row.get(col)
            if value is None or (parent not in SYNCED_TABLES and parent != "staff"):
                continue
            if (
                self.conn.execute(
                    f"SELECT 1 FROM {parent} WHERE {_q(parent_col)} = ?", [value]
                ).fetchone()
                is not None
            ):
                continue
            upper = self.merged.get((parent, (value,)))
            if upper is not None and upper.change.op != "delete" and not upper.already:
                requires += upper.requires + [
                    c.id for c in upper.conflicts if c.kind == "deleted_on_team"
                ]
                continue  # the file adds the parent (or brings it back), and this row with it
            what = _PARENT_WORDS.get(parent, "det, den hører til")
            return f"{what} findes ikke længere i teamkopien", []
        return None, requires

    def _check_children(self, change: Change, merge: RowMerge) -> None:
        """A row the laptop deleted still has rows in the team copy that the file does not
        delete (the team added them): a conflict."""
        for child, col in self.children.get(change.table, []):
            child_pk = self.pks[child]
            rows = self.conn.execute(
                f"SELECT {', '.join(_q(c) for c in child_pk)} FROM {child} WHERE {_q(col)} = ?",
                [change.key[0]],
            ).fetchall()
            if any((child, tuple(r)) not in self.deleted for r in rows):
                merge.conflicts.append(
                    Conflict(
                        change.table,
                        change.key,
                        "deleted_on_laptop",
                        citizen_id=self.citizen_of(change),
                    )
                )
                return


def _new_audit(conn, changes: ChangeFile) -> list[dict]:
    """The laptop's audit entries the team copy does not have yet."""
    known_audit: set[object] = set()
    ids = [row.get("id") for row in changes.audit]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known_audit.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM audit_log WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
        )
    return [row for row in changes.audit if row.get("id") not in known_audit]


def _name_citizens(conn, plan: MergePlan, planner: _Planner) -> None:
    """The names of the citizens the conflicts and the skipped changes are about."""
    wanted = {c.citizen_id for c in plan.conflicts if c.citizen_id} | {
        planner.citizen_of(change) for change, _ in plan.skipped
    } - {None}
    for cid in wanted:
        found = conn.execute("SELECT name FROM citizen WHERE id = ?", [cid]).fetchone()
        if found is None:
            other = planner.file_rows.get(("citizen", (cid,)))
            found = (other.row.get("name"),) if other else ("(ukendt borger)",)
        plan.names[cid] = found[0]  # type: ignore[index]


@dataclass(frozen=True)
class MergeResult:
    record: MergeRecord | None
    applied: int
    audit_entries: int
    already_merged: bool


class UndecidedConflicts(SyncError):
    """Conflicts without a decision: nothing was written."""


def apply_merge(
    team: Project,
    plan: MergePlan,
    decisions: Mapping[str, Side] | None = None,
    prefer: Side | None = None,
    now: dt.datetime | None = None,
) -> MergeResult:
    """Write the plan in one transaction: the rows, an audit entry per applied change naming the
    laptop copy, the laptop's own audit entries, and the merge's record. Every conflict needs a
    decision (``decisions`` by :attr:`Conflict.id`, or ``prefer`` for all); else nothing is
    written (:class:`UndecidedConflicts`)."""
    now = now or _now()
    if plan.already_merged is not None:
        return MergeResult(plan.already_merged, 0, 0, True)
    chosen = _decided(plan, decisions, prefer)
    conn = team.db.conn
    writer = _MergeWriter(team, plan, chosen, now)
    try:
        with team.db.atomic():
            _read_again(conn, plan, writer.pks)
            conn.execute("PRAGMA defer_foreign_keys = ON")
            applied = 0
            for merge in plan.rows:
                if writer.apply(merge):
                    applied += 1
            _add_laptop_audit(conn, plan)
            AuditLog(team).record_rows(writer.audit_rows)
            record = _record_merge(team, plan, chosen, applied, now)
    except ProjectFileError:
        raise
    except dbapi.Error as exc:
        raise file_error(exc, team.path) from None
    return MergeResult(record, applied, len(plan.new_audit), False)


def _decided(
    plan: MergePlan, decisions: Mapping[str, Side] | None, prefer: Side | None
) -> dict[str, Side]:
    """A side for every conflict: the decisions given, ``prefer`` for the rest."""
    chosen: dict[str, Side] = dict(decisions or {})
    undecided = [c for c in plan.conflicts if c.id not in chosen]
    if undecided and prefer is None:
        raise UndecidedConflicts(
            "{n} skal afgøres, før ændringerne kan indlæses. Intet er ændret.",
            n=count(len(undecided), "konflikt", "konflikter"),
        )
    for c in undecided:
        chosen[c.id] = prefer  # type: ignore[assignment]
    return chosen


def _read_again(conn, plan: MergePlan, pks: dict[str, list[str]]) -> None:
    """Read again under the write lock: what the project leader saw is still so."""
    if conn.execute("SELECT 1 FROM sync_merge WHERE file_id = ?", [plan.file.file_id]).fetchone():
        raise SyncError(
            "Ændringsfilen {name} er allerede indlæst (i et andet vindue eller af en anden). Intet er ændret.",
            name=plan.file.path.name,
        )
    _check_order(conn, plan.file)
    for merge in plan.rows:
        change = merge.change
        if not same_row(_team_row(conn, change.table, pks[change.table], change.key), merge.team):
            raise SyncError(
                "Teamkopien er ændret, siden ændringerne fra {label} blev vist. Intet er ændret; indlæs "
                "filen igen for at se, hvad den gør nu.",
                label=plan.file.label,
            )


class _MergeWriter:
    """Writes a plan's rows in the open transaction and collects an audit entry per change."""

    def __init__(
        self, team: Project, plan: MergePlan, chosen: Mapping[str, Side], now: dt.datetime
    ) -> None:
        self.team = team
        self.conn = team.db.conn
        self.plan = plan
        self.chosen = chosen
        self.now = now
        self.label = plan.file.label
        self.pks = {table: _primary_key(self.conn, table) for table in SYNCED_TABLES}
        self.columns: dict[str, set[str]] = {}
        self.audit_rows: list[tuple] = []

    def apply(self, merge: RowMerge) -> bool:
        """One row's change, decided; whether it counts as applied."""
        op, values = merge.result(self.chosen)
        if op == "none":
            return False
        change = merge.change
        if merge.already:
            # The team has the laptop's change: only its stamp moves to the later one.
            self._update(change, values)
            return False
        citizen_id = merge.conflicts[0].citizen_id if merge.conflicts else _citizen_id(change)
        try:
            if op == "insert":
                self._insert(change, values)
                self.audit("merge_create", change, citizen_id)
            elif op == "update":
                self._update(change, values)
                team_row = merge.team or {}
                for name, value in values.items():
                    self.audit("merge_update", change, citizen_id, name, team_row.get(name), value)
            else:
                self.conn.execute(
                    f"DELETE FROM {change.table} WHERE {self._where(change)}", list(change.key)
                )
                self.audit("merge_delete", change, citizen_id)
        except dbapi.IntegrityError:
            raise self._refused(change, citizen_id) from None
        return True

    def _where(self, change: Change) -> str:
        return " AND ".join(f"{_q(c)} = ?" for c in self.pks[change.table])

    def _insert(self, change: Change, values: dict[str, object]) -> None:
        table = change.table
        if table not in self.columns:
            self.columns[table] = set(_columns(self.conn, table))
        cols = [c for c in values if c in self.columns[table]]
        self.conn.execute(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols],
        )

    def _update(self, change: Change, values: dict[str, object]) -> None:
        self.conn.execute(
            f"UPDATE {change.table} SET {', '.join(f'{_q(c)} = ?' for c in values)} WHERE {self._where(change)}",
            [*values.values(), *change.key],
        )

    def audit(
        self, action: str, change: Change, citizen_id, name: str = "", old=None, new=None
    ) -> None:
        key = change.key
        self.audit_rows.append(
            (
                new_id(),
                self.now.isoformat(),
                self.team.user,
                action,
                change.table,
                str(key[0]) if len(key) == 1 else json.dumps(list(key), ensure_ascii=False),
                citizen_id,
                name,
                None if old is None else str(old),
                None if new is None else str(new),
                self.label,
            )
        )

    def _refused(self, change: Change, citizen_id: str | None) -> SyncError:
        """A row the rules of the project refuse (a CHECK, a unique CPR number): say whose, so
        the project leader can decide otherwise or correct it first."""
        table = change.table
        found = self.conn.execute("SELECT name FROM citizen WHERE id = ?", [citizen_id]).fetchone()
        return SyncError(
            "Ændringerne fra {label} kan ikke indlæses: {what} for {name} ville stride mod projektets "
            "regler (fx en slutdato før startdatoen eller et CPR-nummer, der findes i forvejen). Vælg den "
            "anden side i konflikten, eller ret det i teamkopien først. Intet er ændret.",
            label=self.label,
            what="oplysningerne" if table == "citizen" else TABLE_WORDS.get(table, table),
            name=found[0]
            if found
            else (change.row.get("name") if table == "citizen" else None)
            or self.plan.names.get(citizen_id or "", "en borger"),
        )


def _add_laptop_audit(conn, plan: MergePlan) -> None:
    """The laptop's own audit entries, named by the laptop copy when they have no source."""
    cols = _columns(conn, APPEND_ONLY)
    for row in plan.new_audit:
        values = {c: row.get(c) for c in cols}
        values["source"] = values.get("source") or plan.file.label
        conn.execute(
            f"INSERT OR IGNORE INTO {APPEND_ONLY} ({', '.join(_q(c) for c in cols)}) VALUES ({', '.join('?' * len(cols))})",
            [values[c] for c in cols],
        )


def _record_merge(
    team: Project, plan: MergePlan, chosen: Mapping[str, Side], applied: int, now: dt.datetime
) -> MergeRecord:
    """The merge's record: this file is merged, with what and by whom."""
    label = plan.file.label
    record = MergeRecord(
        new_id(),
        plan.file.file_id,
        label,
        plan.file.seq,
        now,
        team.user,
        str(plan.file.path),
        {
            **plan.counts,
            "anvendt": applied,
            "konflikter": len(plan.conflicts),
            "ikke anvendt": len(plan.skipped),
            "logposter": len(plan.new_audit),
        },
        {c.id: chosen[c.id] for c in plan.conflicts},
    )
    team.db.conn.execute(
        "INSERT INTO sync_merge (id, file_id, laptop_id, label, seq, at, by_user, file, counts, decisions) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            record.id,
            record.file_id,
            plan.file.laptop_id,
            label,
            record.seq,
            now.isoformat(),
            team.user,
            record.file,
            json.dumps(record.counts, ensure_ascii=False),
            json.dumps(record.decisions, ensure_ascii=False),
        ],
    )
    return record


def _citizen_id(change: Change) -> str | None:
    if change.table == "citizen":
        return str(change.key[0])
    value = change.row.get("citizen_id")
    return None if value is None else str(value)
