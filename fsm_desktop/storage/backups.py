"""Automatic dated backups a person can use (issue 5): *Filer → Gendan sikkerhedskopi*.

On the first opening of each day a whole copy of the project is written to its backup folder
(``<stem>-sikkerhedskopier/`` beside the project, or a folder the user chose) as
``<stem>-YYYY-MM-DD.fsm``. The 14 newest are kept, and the newest of each month for a year.
Every copy has the project's key and salt: the project's password opens it, and no copy of an
encrypted project is ever plain. A restore first keeps the current state in the same folder
(``<stem>-YYYY-MM-DD-HHMMSS-foer-gendannelse.fsm``), so it can be undone from the same list.
Pruning deletes only files named exactly as daily backups; nothing else in the folder is touched.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.storage import keys
from fsm_desktop.storage.keys import Key
from fsm_desktop.storage.project import (
    BUSY_TIMEOUT_MS,
    SUFFIX,
    Project,
    copy_database,
    file_error,
    private_file,
    sqlite_uri,
)
from fsm_desktop.storage.repair import _locked, _program_of
from fsm_desktop.storage.sqlite import dbapi

log = logging.getLogger("fsm_desktop")

FOLDER_SUFFIX = "-sikkerhedskopier"
#: How many daily backups are kept, and for how many months one a month is kept.
KEEP_DAILY = 14
KEEP_MONTHS = 12
BEFORE_RESTORE = "foer-gendannelse"


@dataclass(frozen=True)
class BackupInfo:
    """One backup as the restore dialog lists it. ``citizens`` is None when the copy cannot be
    read with the key (damaged, or taken under an earlier password). ``kind``: "daily",
    "before_restore" or "before_upgrade" (the copy kept before a migration, beside the project)."""

    path: Path
    day: dt.date
    size: int
    citizens: int | None
    kind: str = "daily"


def backup_folder(project_path: str | os.PathLike, chosen: str | os.PathLike | None = None) -> Path:
    """The user's chosen folder, else ``<stem>-sikkerhedskopier`` beside the project (a folder
    of its own, so the project's folder stays readable and a shared folder's copies stay together)."""
    if chosen:
        return Path(chosen).expanduser().absolute()
    path = Path(project_path).expanduser().absolute()
    return path.with_name(path.stem + FOLDER_SUFFIX)


def _daily_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(re.escape(stem) + r"-(\d{4}-\d{2}-\d{2})" + re.escape(SUFFIX))


def _before_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(
        re.escape(stem) + r"-(\d{4}-\d{2}-\d{2})-\d{6}-" + BEFORE_RESTORE + re.escape(SUFFIX)
    )


def _legacy_pattern(name: str) -> re.Pattern[str]:
    """``NAME.fsm.bak-vN-YYYYMMDD-HHMMSS``: Project's copy before a migration."""
    return re.compile(re.escape(name) + r"\.bak-v\d+-(\d{8})-\d{6}")


def _date(text: str) -> dt.date | None:
    try:
        return (
            dt.date.fromisoformat(text)
            if "-" in text
            else dt.datetime.strptime(text, "%Y%m%d").date()
        )
    except ValueError:
        return None


def _entries(folder: Path) -> list[Path]:
    """The folder's files, or none when it is missing or cannot be read."""
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _ensure_folder(folder: Path, project_path: Path) -> None:
    """Create the default folder beside the project (never a chosen one that has gone: a
    missing network drive must not become a local folder). Readable by its owner only, or
    with the project folder's group access in a shared folder (as :func:`private_file`)."""
    if folder.is_dir():
        return
    if folder != backup_folder(project_path):
        raise ProjectFileError(
            "Mappen til sikkerhedskopier {folder} findes ikke. Vælg en anden mappe.",
            folder=str(folder),
        )
    try:
        shared = folder.parent.stat().st_mode
        mode = 0o700
        if shared & 0o2000 or shared & 0o022:
            mode |= shared & 0o070
        folder.mkdir(mode)
        os.chmod(folder, mode | (shared & 0o2000))
    except FileExistsError:
        return
    except OSError as exc:
        raise ProjectFileError(
            "Sikkerhedskopien kunne ikke gemmes i {folder}: {reason}.",
            folder=str(folder),
            reason=os_reason(exc),
        ) from None


def daily_backup(
    project: Project, folder: str | os.PathLike | None = None, today: dt.date | None = None
) -> Path | None:
    """Today's backup, unless the folder has one already (None); then prune. Reading suffices,
    so a read-only project is backed up too. A damaged project is not: its copies would push
    the good ones out. Errors are :class:`ProjectFileError` for the caller to log or show —
    they must never stop the opening."""
    today = today or dt.date.today()
    target_folder = backup_folder(project.path, folder)
    stem = project.path.stem
    target = target_folder / f"{stem}-{today.isoformat()}{SUFFIX}"
    if target.exists():
        return None
    if not project.checked:
        try:
            project.verify()  # quick_check; marks the project damaged (read-only) if it is
        except dbapi.Error as exc:
            raise file_error(exc, project.path) from None
    if project.damage:
        raise ProjectFileError(
            "Der er ikke taget en sikkerhedskopi i dag: projektfilen {path} er beskadiget.",
            path=str(project.path),
        )
    _ensure_folder(target_folder, project.path)
    try:
        copy_database(project.db.conn, target, project.key)
    except ProjectFileError as error:
        raise ProjectFileError(
            "Sikkerhedskopien kunne ikke gemmes i {folder}: {reason}.",
            folder=str(target_folder),
            reason=error.params.get("reason", ""),
        ) from None
    prune(target_folder, stem, today)
    return target


def prune(folder: str | os.PathLike, stem: str, today: dt.date) -> list[Path]:
    """Delete daily backups beyond the 14 newest, except the newest of each of the last 12
    months (this month and the 11 before it). Only ``<stem>-YYYY-MM-DD.fsm`` is ever deleted.
    Returns what was deleted; a file that cannot be deleted is logged and left."""
    folder = Path(folder)
    pattern = _daily_pattern(stem)
    dated: list[tuple[dt.date, Path]] = []
    for path in _entries(folder):
        match = pattern.fullmatch(path.name)
        day = _date(match.group(1)) if match else None
        if day is not None and path.is_file():
            dated.append((day, path))
    dated.sort(reverse=True)
    keep = {path for _day, path in dated[:KEEP_DAILY]}
    months: set[tuple[int, int]] = set()
    this_month = today.year * 12 + today.month - 1
    for day, path in dated:  # newest first: the first seen of a month is its newest
        month = (day.year, day.month)
        if month not in months and 0 <= this_month - (day.year * 12 + day.month - 1) < KEEP_MONTHS:
            months.add(month)
            keep.add(path)
    deleted = []
    for _day, path in dated:
        if path in keep:
            continue
        try:
            path.unlink()
        except OSError as exc:
            log.warning("An old backup could not be deleted: %s", type(exc).__name__)
            continue
        deleted.append(path)
    return deleted


def _citizens(path: Path, key: Key | None) -> int | None:
    """Citizens in a backup, read-only with SQLite alone (Project.open would upgrade an old
    copy in place). A plain copy (from before the project was encrypted) is read without the
    key. None when it cannot be read."""
    try:
        conn = dbapi.connect(
            f"{sqlite_uri(path)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            keys.apply(conn, key if keys.is_encrypted(path) else None)
            return int(conn.execute("SELECT count(*) FROM citizen").fetchone()[0])
        finally:
            conn.close()
    except (dbapi.Error, OSError):
        return None


def list_backups(
    project_path: str | os.PathLike, key: Key | None, folder: str | os.PathLike | None = None
) -> list[BackupInfo]:
    """The project's backups, newest first: the folder's daily and before-restore copies, and
    the copies kept beside the project before a migration."""
    path = Path(project_path).expanduser().absolute()
    found: list[tuple[Path, dt.date, str]] = []
    where = backup_folder(path, folder)
    kinds = ((_daily_pattern(path.stem), "daily"), (_before_pattern(path.stem), "before_restore"))
    for candidate in _entries(where):
        for pattern, kind in kinds:
            match = pattern.fullmatch(candidate.name)
            day = _date(match.group(1)) if match else None
            if day is not None:
                found.append((candidate, day, kind))
    legacy = _legacy_pattern(path.name)
    for candidate in _entries(path.parent):
        match = legacy.fullmatch(candidate.name)
        day = _date(match.group(1)) if match else None
        if day is not None:
            found.append((candidate, day, "before_upgrade"))
    infos: list[tuple[float, BackupInfo]] = []
    for candidate, day, kind in found:
        try:
            stat = candidate.stat()
        except OSError:
            continue
        if not candidate.is_file():
            continue
        infos.append(
            (
                stat.st_mtime,
                BackupInfo(candidate, day, stat.st_size, _citizens(candidate, key), kind),
            )
        )
    infos.sort(key=lambda item: (item[1].day, item[0]), reverse=True)
    return [info for _mtime, info in infos]


def _keep_current(path: Path, target: Path, key: Key | None) -> None:
    """A copy of the project as it is now, with its key (SQLite's backup, the -wal included).
    A file SQLite cannot copy (damaged) is copied byte for byte with its -wal: it stays as
    encrypted as it was. Raises when neither works (nothing is changed then)."""
    try:
        conn = dbapi.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            keys.apply(conn, key)
            copy_database(conn, target, key)
        finally:
            conn.close()
        return
    except (dbapi.Error, ProjectFileError):
        log.warning("The project could not be copied by SQLite before a restore; copying its bytes")
    try:
        for source, copy in ((path, target), (Path(f"{path}-wal"), Path(f"{target}-wal"))):
            if source.exists():
                copy.unlink(missing_ok=True)
                private_file(copy)
                shutil.copyfile(source, copy)
    except OSError as exc:
        target.unlink(missing_ok=True)
        Path(f"{target}-wal").unlink(missing_ok=True)
        raise ProjectFileError(
            "Sikkerhedskopien kunne ikke gemmes i {folder}: {reason}. Projektet er ikke gendannet; intet er ændret.",
            folder=str(target.parent),
            reason=os_reason(exc),
        ) from None


def _salt(path: Path) -> bytes | None:
    try:
        return keys.file_salt(path)
    except dbapi.Error:
        return None


def restore_backup(
    project_path: str | os.PathLike,
    backup: str | os.PathLike,
    key: Key | None,
    folder: str | os.PathLike | None = None,
) -> Path:
    """Put a copy of ``backup`` in the place of the project (closed in this window; the
    writer lock is held throughout, so nobody else has it open for writing). The current state
    is kept first in the backup folder; returns where. ``key``: the project's (None: a plain
    project). The backup must be a whole project of the same initiative with the same key and
    salt: a plain copy would leave an encrypted project unencrypted, and a copy of another key
    would change the project's password behind the user's back."""
    path = Path(project_path).expanduser().absolute()
    backup = Path(backup).expanduser().absolute()
    if backup == path or (backup.exists() and path.exists() and os.path.samefile(backup, path)):
        raise ProjectFileError("Vælg en sikkerhedskopi, ikke selve projektfilen.")
    if not path.exists():
        raise ProjectFileError("Projektfilen {path} findes ikke.", path=str(path))
    salt = key.salt if key is not None else None
    if backup.exists() and _salt(backup) != salt:
        if salt is not None and _salt(backup) is None:
            raise ProjectFileError(
                "Sikkerhedskopien {path} er ikke krypteret, men projektet er. Den kan ikke gendannes her.",
                path=str(backup),
            )
        raise ProjectFileError(
            "Sikkerhedskopien {path} hører ikke til dette projekt: den er krypteret med en anden nøgle.",
            path=str(backup),
        )
    with Project.open(backup, read_only=True, key=key) as copy:
        if copy.damage or copy.integrity_check():
            raise ProjectFileError(
                "Sikkerhedskopien {path} er beskadiget. Vælg en anden.", path=str(backup)
            )
        program = copy.initiative.program
        lock = _locked(path)
        try:
            if _salt(path) != salt:
                raise ProjectFileError(
                    "Projektet {file} er krypteret med en anden nøgle end den, det blev åbnet med. Åbn det igen, "
                    "og prøv igen. Intet er ændret.",
                    file=path.name,
                )
            current = _program_of(path, key)
            if current is not None and current != program:
                raise ProjectFileError(
                    "Sikkerhedskopien {path} er af en anden indsats end projektet. Vælg en kopi af dette projekt.",
                    path=str(backup),
                )
            where = backup_folder(path, folder)
            _ensure_folder(where, path)
            stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
            before = where / f"{path.stem}-{stamp}-{BEFORE_RESTORE}{SUFFIX}"
            _keep_current(path, before, key)
            # Built beside and moved into place: a failure leaves the project (and its -wal) as
            # it was. Then the old file's -wal must go: its frames would be applied to the new one.
            try:
                copy_database(copy.db.conn, path, copy.key)
            except ProjectFileError as error:
                raise ProjectFileError(
                    "Sikkerhedskopien kunne ikke lægges i stedet for {path}: {reason}. Projektet er uændret.",
                    path=str(path),
                    reason=error.params.get("reason", ""),
                ) from None
            for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
        finally:
            lock.release()
    return before
