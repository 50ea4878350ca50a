"""The two ways out of a damaged project (issue 17): *Reparér* and *Gendan sikkerhedskopi*.

Both need the project closed in this window and nobody else writing it: they hold the writer
lock while they work. Neither ever loses what was there: the damaged file is kept beside the
project (``NAME.fsm.beskadiget-YYYYMMDD-HHMMSS``) before anything changes.

* :func:`repair` copies the damaged file aside (SQLite's backup API), rebuilds every index from
  its table (``REINDEX``: what index damage — "wrong # of entries in index" — needs) and checks
  the whole file again. Damage in the tables themselves cannot be repaired this way: it says so,
  and the way out is a backup.
* :func:`restore` checks a backup (it must be a whole FSM Desktop project of the same
  initiative), keeps the damaged file aside and puts a copy of the backup in its place.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.storage import keys
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.project import (
    Project,
    _connect,
    check_database,
    copy_database,
    current_user,
    file_error,
    sqlite_uri,
)
from fsm_desktop.storage.sqlite import dbapi
from fsm_desktop.storage.writer_lock import WriterLock, lock_error


@dataclass(frozen=True)
class Repaired:
    kept: Path  # the damaged file as it was
    damage: list[str]  # what the check still finds afterwards ([] = whole again)

    @property
    def whole(self) -> bool:
        return not self.damage


def damaged_copy_path(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.beskadiget-{stamp}")


def _locked(path: Path) -> WriterLock:
    lock = WriterLock(path, current_user())
    try:
        lock.acquire()
    except OSError as exc:
        raise lock_error(exc, path) from None
    return lock


def repair(path: str | os.PathLike, key: Key | None = None) -> Repaired:
    """Keep a copy of the damaged file, rebuild its indexes and check it again. ``key``: an
    encrypted project's (the kept copy has it too)."""
    path = Path(path).expanduser().absolute()
    lock = _locked(path)
    try:
        try:
            db = _connect(path, key)
        except dbapi.Error as exc:
            raise file_error(exc, path) from None
        try:
            kept = damaged_copy_path(path)
            copy_database(db.conn, kept, key)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("REINDEX")
                db.execute("COMMIT")
            except dbapi.Error as exc:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                if "malformed" not in str(exc).lower():
                    raise file_error(exc, path) from None
            damage = check_database(db, "integrity_check")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()
    finally:
        lock.release()
    return Repaired(kept, damage)


def restore(
    path: str | os.PathLike,
    backup: str | os.PathLike,
    key: Key | None = None,
    password: str | None = None,
) -> Path:
    """Put a copy of ``backup`` in the place of the project at ``path``; returns where the file
    it replaced was kept. The backup must be a whole project of the same initiative. ``key``
    (or ``password``): the encrypted backup's; the copy put in place keeps it."""
    path = Path(path).expanduser().absolute()
    backup = Path(backup).expanduser().absolute()
    if backup == path:
        raise ProjectFileError("Vælg en sikkerhedskopi, ikke selve projektfilen.")
    with Project.open(backup, read_only=True, key=key, password=password) as copy:
        if copy.damage or copy.integrity_check():
            raise ProjectFileError(
                "Sikkerhedskopien {path} er også beskadiget. Vælg en anden.", path=str(backup)
            )
        program = copy.initiative.program
        lock = _locked(path)
        try:
            current = _program_of(path, copy.key)
            if current is not None and current != program:
                raise ProjectFileError(
                    "Sikkerhedskopien {path} er af en anden indsats end projektet. Vælg en kopi af dette projekt.",
                    path=str(backup),
                )
            kept = damaged_copy_path(path)
            try:
                os.replace(path, kept)
                for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                    if stale.exists():
                        os.replace(stale, Path(f"{kept}{stale.name[len(path.name) :]}"))
            except OSError as exc:
                raise ProjectFileError(
                    "Projektfilen {path} kunne ikke flyttes til side: {reason}.",
                    path=str(path),
                    reason=os_reason(exc),
                ) from None
            copy_database(copy.db.conn, path, copy.key)
        finally:
            lock.release()
    return kept


def _program_of(path: Path, key: Key | None) -> str | None:
    """The initiative of a (possibly damaged) project, when it can still be read (with the
    backup's key: a project of another key cannot be read, and is not this one's)."""
    try:
        conn = dbapi.connect(f"{sqlite_uri(path)}?mode=ro", uri=True)
        keys.apply(conn, key)
        try:
            row = conn.execute("SELECT program FROM initiative WHERE id = 1").fetchone()
        finally:
            conn.close()
    except dbapi.Error:
        return None
    return row[0] if row else None
