"""The project file: one SQLite database per initiative (``.fsm``).

Opening checks, in order, before anything is written: the file exists and is an SQLite file,
it is an FSM Desktop project (``application_id``), and it was not written by a newer version
(``user_version`` and the names of applied migrations). Pending migrations run after a backup
copy has been made next to the file. Connections use WAL, ``foreign_keys=ON`` and
``synchronous=FULL``."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import KnownError, ProjectFileError, ValidationError
from fsm_desktop.domain.model import Initiative
from fsm_desktop.domain.program import ProgramTemplate, parse_template_json
from fsm_desktop.storage import keys
from fsm_desktop.storage.keys import Key, PasswordRequired, WrongPassword
from fsm_desktop.storage.laptop import LaptopCopy, read_laptop_copy
from fsm_desktop.storage.netfs import journal_mode_for
from fsm_desktop.storage.schema import (
    APPLICATION_ID,
    MIGRATION_SET,
    SCHEMA_VERSION,
    known_migration_names,
    migrations,
)
from fsm_desktop.storage.sqlite import Database, dbapi
from fsm_desktop.storage.writer_lock import (
    Holder,
    WriterLock,
    lock_error,
    read_holder,
    replacing,
    writer_lock_held,
)

SUFFIX = ".fsm"
#: project_setting key: the user keeps this project unencrypted on purpose (a test file).
PLAIN_KEPT_KEY = "keep_unencrypted"
log = logging.getLogger("fsm_desktop")
#: How long to wait for another program's lock before saying the file is locked.
BUSY_TIMEOUT_MS = 3000


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def current_user() -> str:
    """The operating system's account running the program, for the audit log and the writer
    lock: never USER or LOGNAME from the environment, which anyone can set
    (``LOGNAME=x fsm-desktop import …`` would sign the audit log "x")."""
    try:
        if os.name == "posix":
            import pwd

            return pwd.getpwuid(os.geteuid()).pw_name
        return os.getlogin()  # Windows: GetUserNameW, the signed-in account
    except Exception:  # no account name (a container's uid without a passwd entry)
        try:
            return f"uid {os.geteuid()}" if os.name == "posix" else "ukendt"
        except Exception:
            return "ukendt"


class ConstraintError(ProjectFileError):
    """A write that breaks one of the database's rules (a unique key, a reference, a check)."""


def file_error(exc: dbapi.Error, path: Path, creating: bool = False) -> ProjectFileError:
    """SQLite's error as the Danish message the user gets: what happened and what to do, never
    SQLite's own English text (which is logged, without personal data: it names tables and
    columns, never values)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ProjectFileError(
            "Projektfilen {path} er låst af et andet program. Luk det andet program (eller den "
            "anden FSM Desktop) og prøv igen. Intet er gemt.",
            path=str(path),
        )
    if "not a database" in text or "malformed" in text:
        return ProjectFileError(
            "Filen {path} er ikke en FSM Desktop-projektfil, eller den er beskadiget.",
            path=str(path),
        )
    if "readonly" in text or "read-only" in text:
        return ProjectFileError(
            "Projektfilen {path} er skrivebeskyttet. Kopiér den til en mappe, hvor du må skrive.",
            path=str(path),
        )
    if "full" in text or ("disk" in text and "i/o" in text):
        return ProjectFileError(
            "Der kunne ikke skrives til {path}: disken er fuld eller utilgængelig. Intet er gemt. "
            "Frigør plads (eller tjek forbindelsen til netværksdrevet), og prøv igen.",
            path=str(path),
        )
    log.warning("SQLite error on a project file: %s (%s)", type(exc).__name__, exc)
    if isinstance(exc, dbapi.IntegrityError):
        return ConstraintError(
            "Ændringen kunne ikke gemmes, fordi den strider mod det, der allerede står i projektet "
            "(fx findes borgeren eller medarbejderen allerede, eller andre oplysninger bygger på det, "
            "der skulle ændres). Intet er gemt."
        )
    if "unable to open" in text or "cannot open" in text:
        return ProjectFileError(
            "Projektfilen {path} kan ikke nås lige nu: er den flyttet, eller er forbindelsen til "
            "netværksdrevet væk?",
            path=str(path),
        )
    if creating:
        return ProjectFileError(
            "Projektfilen {path} kunne ikke oprettes: databasen svarede med en fejl.",
            path=str(path),
        )
    return ProjectFileError(
        "Projektfilen {path} kunne ikke læses eller skrives: databasen svarede med en fejl. Intet er "
        "gemt. Luk projektet, og åbn det igen.",
        path=str(path),
    )


def _connect(path: Path, key: Key | None = None) -> Database:
    conn = dbapi.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    keys.apply(conn, key)
    db = Database(conn, execute_plugins=False)
    return db


def _is_not_a_database(exc: BaseException) -> bool:
    return isinstance(exc, dbapi.DatabaseError) and "not a database" in str(exc).lower()


def wrong_password(path: Path) -> WrongPassword:
    return WrongPassword("Forkert adgangskode til {file}. Intet er ændret.", file=path.name)


def _configure(db: Database, path: Path) -> None:
    """The file's journal: WAL on a local disk, the rollback journal on a network drive, where
    WAL's shared memory does not work (storage/netfs.py; docs/architecture.md "Shared
    drives"). Set at every opening for writing: the mode is stored in the file, and a project
    moved to a share must not keep WAL."""
    wanted = journal_mode_for(path)
    with db.ensure_autocommit_on():
        mode = db.execute(f"PRAGMA journal_mode={wanted.upper()}").fetchone()[0]
    if str(mode).lower() != wanted:
        raise dbapi.OperationalError("database is locked")
    _session_pragmas(db)


def _session_pragmas(db: Database) -> None:
    """What every connection sets for itself (the journal mode is the file's)."""
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _check_path(path: Path) -> None:
    """What can be said before SQLite opens the file, without opening it: any descriptor this
    process opens and closes on the project drops SQLite's POSIX locks on it (SQLite's "How To
    Corrupt", 2.2), so the header is read by SQLite itself (``_check_version``)."""
    if not path.exists():
        raise ProjectFileError("Projektfilen {path} findes ikke.", path=str(path))
    if path.is_dir():
        raise ProjectFileError("{path} er en mappe, ikke en projektfil.", path=str(path))
    if not os.access(path, os.R_OK):
        raise ProjectFileError("Du har ikke adgang til at læse {path}.", path=str(path))


def _writable(path: Path) -> bool:
    """Whether this user may write the file and make files beside it (the WAL, the lock)."""
    return os.access(path, os.W_OK) and _folder_writable(path)


def _folder_writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK | os.X_OK)


def sqlite_uri(path: Path) -> str:
    """The ``file:`` URI of an absolute path as SQLite reads it, with no authority: a Windows
    share (a path beginning with two slashes) becomes ``file:////server/share/…``, which SQLite
    accepts, where ``Path.as_uri()`` gives ``file://server/share/…``, which it refuses."""
    posix = path.as_posix()
    quoted = quote(posix, safe="/:")
    if posix.startswith("//"):
        return "file://" + quoted
    if not posix.startswith("/"):
        return "file:/" + quoted  # C:/…
    return "file:" + quoted


def _connect_read_only(
    path: Path, writer_present: bool | None = None, key: Key | None = None
) -> Database:
    """A connection that cannot write. In a folder where SQLite cannot make the ``-shm`` file
    (read-only media), the file is opened as immutable: nobody can be writing it there.

    When nobody holds the writer lock and the folder can be written, it is an ordinary
    connection with ``query_only`` instead: SQLite refuses every write all the same, and as the
    last connection it folds and removes the ``-wal`` and ``-shm`` on closing, which a
    ``mode=ro`` connection cannot (a reading command would leave them beside the project)."""
    if writer_present is None:
        writer_present = writer_lock_held(path)
    if _folder_writable(path) and os.access(path, os.W_OK) and not writer_present:
        conn = dbapi.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        keys.apply(conn, key)
        conn.execute("PRAGMA query_only = ON")
        return Database(conn, execute_plugins=False)
    uri = sqlite_uri(path) + "?mode=ro"
    if not _folder_writable(path) and not Path(f"{path}-shm").exists():
        uri += "&immutable=1"
    conn = dbapi.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    keys.apply(conn, key)
    return Database(conn, execute_plugins=False)


def check_database(db: Database, pragma: str) -> list[str]:
    """``quick_check`` or ``integrity_check``: [] when the file is whole, else what SQLite found
    (at most 10 lines; a file too damaged to be checked is damaged all the same)."""
    try:
        rows = [row[0] for row in db.execute(f"PRAGMA {pragma}(10)").fetchall()]
    except dbapi.DatabaseError as exc:
        if isinstance(exc, dbapi.OperationalError) and "malformed" not in str(exc).lower():
            raise
        return [str(exc)]
    return [] if rows == ["ok"] else rows


@contextlib.contextmanager
def new_file(target: Path):
    """A new file built under a temporary name beside ``target``, readable by its owner only
    (:func:`private_file`), and moved over ``target`` only when the block ends without an
    error; removed (with any journal SQLite left beside it) when it does not."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        private_file(tmp)
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise


def backup_into(source: dbapi.Connection, path: Path, key: Key | None = None) -> None:
    """SQLite's online backup of ``source`` into the empty file ``path``, whole (no WAL beside
    it), with ``key`` (the source's, with the same salt, so the same password opens it).
    Raises SQLite's or the OS's error: the caller says what the copy was for."""
    dest = dbapi.connect(str(path))
    keys.apply(dest, key)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()


def copy_database(source: dbapi.Connection, target: Path, key: Key | None = None) -> None:
    """A backup copy of ``source`` at ``target`` (:func:`backup_into`), built under a temporary
    name and moved into place."""
    try:
        with new_file(target) as tmp:
            backup_into(source, tmp, key)
    except (dbapi.Error, OSError) as exc:
        raise ProjectFileError(
            "Sikkerhedskopien {path} kunne ikke gemmes: {reason}.",
            path=str(target),
            reason=os_reason(exc) if isinstance(exc, OSError) else "databasen svarede med en fejl",
        ) from None


def private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600) — before SQLite
    fills it: a project, its -wal and -shm (SQLite gives them the file's mode) and its backups
    hold personal data. In a folder others share (group- or world-writable, or with the
    set-group-id bit) the file takes the folder's permissions, never wider: the team copy on a
    shared drive must stay readable by the team."""
    mode = 0o600
    try:
        folder = path.parent.stat().st_mode
    except OSError:
        folder = 0
    if folder & 0o2000 or folder & 0o022:
        # A shared folder: the group's (and only the group's) read/write where the folder has it.
        mode |= (folder & 0o070) & 0o060
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    os.close(fd)
    os.chmod(path, mode)  # the umask narrowed it, never widened: set it exactly


class ReadOnlyProject(ProjectFileError):
    """A write in a project opened read-only; says why it is read-only."""


def _key_from_password(path: Path, password: str | None) -> Key | None:
    """The page key of an encrypted file from the user's password; None for a plain file."""
    try:
        salt = keys.file_salt(path)
    except dbapi.Error as exc:
        raise file_error(exc, path) from None
    if salt is None:
        return None
    if password is None:
        raise PasswordRequired("Projektet {file} er krypteret. Angiv adgangskoden.", file=path.name)
    return keys.derive(password, salt)


def _read_only_if_unwritable(path: Path, read_only: bool) -> tuple[bool, KnownError | None]:
    """Opening for writing a file or folder this user cannot write opens it read-only."""
    if not read_only and not _writable(path):
        return True, ReadOnlyProject(
            "Projektet {path} er åbnet skrivebeskyttet: du kan ikke skrive i filen eller dens mappe.",
            path=str(path),
        )
    return read_only, None


def _take_writer_lock(path: Path, take_over: bool, holder_shown: Holder | None) -> WriterLock:
    lock = WriterLock(path, current_user())
    try:
        lock.acquire(take_over=take_over, expected=holder_shown)
    except OSError as exc:
        raise lock_error(exc, path) from None
    return lock


def _reader_reason(path: Path) -> tuple[bool, KnownError]:
    """Opened read-only on purpose: whether someone writes it, and the sentence saying so."""
    writer_present = writer_lock_held(path)
    holder = read_holder(path) if writer_present else None
    reason = (
        ReadOnlyProject("{sentence}.", sentence=holder.sentence())
        if holder is not None
        else ReadOnlyProject("Projektet {path} er åbnet skrivebeskyttet.", path=str(path))
    )
    return writer_present, reason


def _connect_or_release(
    path: Path, read_only: bool, writer_present: bool, key: Key | None, lock: WriterLock | None
) -> Database:
    """The connection :meth:`Project.open` uses; the writer lock is released if it fails."""
    try:
        return _connect_read_only(path, writer_present, key) if read_only else _connect(path, key)
    except dbapi.Error as exc:
        if lock is not None:
            lock.release()
        raise file_error(exc, path) from None


def _close_and_release(db: Database, lock: WriterLock | None) -> None:
    db.close()
    if lock is not None:
        lock.release()


def _checked_version(db: Database, path: Path, key: Key | None) -> int:
    """The file's schema version; an encrypted file that does not decrypt is a wrong password."""
    try:
        return Project._check_version(db, path)
    except dbapi.DatabaseError as exc:
        if key is not None and _is_not_a_database(exc):
            raise wrong_password(path) from None
        raise


def _refuse_pending(db: Database, path: Path) -> None:
    """A read-only opening cannot bring an older file up to date."""
    if migrations.pending(db):
        raise ProjectFileError(
            "Projektfilen {path} er gemt af en ældre version af FSM Desktop og skal "
            "opdateres, før den kan læses. Åbn den, når du kan skrive i den, og ingen "
            "andre har den åben.",
            path=str(path),
        )


def _require_initiative(db: Database, path: Path) -> None:
    """A project holds exactly one initiative; anything else is not a project, or damaged."""
    if (
        not db["initiative"].exists()
        or db.execute("SELECT count(*) FROM initiative").fetchone()[0] != 1
    ):
        raise ProjectFileError(
            "Filen {path} er ikke en FSM Desktop-projektfil, eller den er beskadiget.",
            path=str(path),
        )


class Project:
    """An open project file. Use :meth:`open` or :meth:`create`; close with :meth:`close`."""

    def __init__(
        self,
        path: Path,
        db: Database,
        *,
        lock: WriterLock | None = None,
        read_only_reason: KnownError | None = None,
        key: Key | None = None,
    ) -> None:
        self.path = path
        self.db = db
        #: The page key of an encrypted project (None: a plain file), derived once at opening.
        self.key = key
        self.user = current_user()
        self.backup_made: Path | None = None
        self.lock = lock
        self.damage: list[str] = []
        #: Whether quick_check has passed (or found the damage) since opening.
        self.checked = False
        #: A worker's connection: the window's lock, checked before each write, never released here.
        self.shared_lock: WriterLock | None = None
        self.read_only_reason: KnownError | None = None
        self._initiative: Initiative | None = None
        self._template: ProgramTemplate | None = None
        #: A laptop copy's record of where it came from (None: the team copy), read at opening.
        self.laptop: LaptopCopy | None = None
        #: Where "today" comes from: the system's date, or a fixed day a test (or a
        #: demonstration) sets, so that every page and the command line agree on it.
        self.clock: Callable[[], dt.date] = dt.date.today
        db.error_for = lambda exc: file_error(exc, path)
        if read_only_reason is not None:
            self._set_read_only(read_only_reason)
        elif lock is not None:
            db.write_guard = self._before_write

    def today(self) -> dt.date:
        """Today's date by the project's clock."""
        return self.clock()

    def as_of(self) -> dt.date:
        """The day the board, the register and the citizen window show the project as of:
        today, or the initiative's last day once it has ended."""
        return min(self.today(), self.initiative.end)

    def _before_write(self) -> None:
        """Before a write: the file has passed quick_check (nothing is written into a damaged
        file), and no other window has taken this project over (a lock it judged stale)."""
        if not self.checked and self.verify():
            # verify() found damage, and mark_damaged made the project read-only with the reason.
            assert self.read_only_reason is not None
            raise self.read_only_reason
        lock = self.lock or self.shared_lock
        if lock is not None and not lock.still_held():
            holder = read_holder(self.path)
            reason = ReadOnlyProject(
                "Projektet er overtaget af {who}; din ændring er ikke gemt. Luk projektet, og åbn "
                "det igen for at se det, der er gemt.",
                who=f"{holder.user} på {holder.computer}" if holder else "et andet vindue",
            )
            self._set_read_only(reason)
            raise reason

    # --- opening and creating --------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        *,
        read_only: bool = False,
        take_over: bool = False,
        holder_shown: Holder | None = None,
        check: bool = True,
        upgraded: bool = False,
        password: str | None = None,
        key: Key | None = None,
    ) -> Project:
        """Open for writing, holding the writer lock (:mod:`writer_lock`), or with ``read_only``
        without it. A project someone else writes raises :class:`ProjectInUse`; ``take_over``
        replaces that lock (only after the user was warned that it is stale). A file or folder
        this user cannot write, and a damaged file, open read-only with the reason kept in
        :attr:`read_only_reason` (for one opened read-only on purpose while someone writes it:
        "Projektet er åbent hos NAVN på COMPUTER siden kl. 09.12.").

        ``check`` runs SQLite's ``quick_check`` now (about 0.35 s for 20,000 citizens); the
        window passes False and checks on a worker instead (:meth:`verify` runs before the first
        write if that has not finished).

        An encrypted project needs its ``password`` (:class:`PasswordRequired` without one,
        :class:`WrongPassword` for a wrong one; nothing is written either way), or the ``key``
        an opening derived already. A plain file opens without (a password is then unused)."""
        path = Path(path).expanduser().absolute()
        _check_path(path)
        if key is None:
            key = _key_from_password(path, password)
        read_only, reason = _read_only_if_unwritable(path, read_only)
        lock = None if read_only else _take_writer_lock(path, take_over, holder_shown)
        writer_present = False
        if read_only and reason is None:
            writer_present, reason = _reader_reason(path)
        db = _connect_or_release(path, read_only, writer_present, key, lock)
        try:
            return cls._open_connected(db, path, lock, reason, key, read_only, check, upgraded)
        except dbapi.Error as exc:
            _close_and_release(db, lock)
            raise file_error(exc, path) from None
        except BaseException:
            _close_and_release(db, lock)
            raise

    @classmethod
    def _open_connected(
        cls,
        db: Database,
        path: Path,
        lock: WriterLock | None,
        reason: KnownError | None,
        key: Key | None,
        read_only: bool,
        check: bool,
        upgraded: bool,
    ) -> Project:
        """:meth:`open` once connected: the version, the session, migrations and the checks that
        the file is a project. Errors propagate; :meth:`open` closes and releases."""
        version = _checked_version(db, path, key)
        if read_only:
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if migrations.pending(db) and not upgraded and _writable(path):
                # Made by an older version: bring it up to date once (which needs the
                # writer lock, so not while someone writes it), then read.
                db.close()
                cls.open(path, key=key).close()
                return cls.open(path, read_only=True, upgraded=True, key=key)
            _refuse_pending(db, path)
        else:
            _configure(db, path)
            # WAL lets readers past another program's write lock; find it now, not at the
            # user's first save.
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
        project = cls(path, db, lock=lock, read_only_reason=reason, key=key)
        if check or migrations.pending(db):
            project.verify()
        if not read_only and not project.read_only and migrations.pending(db):
            project._migrate(version)
        _require_initiative(db, path)
        try:
            project.initiative  # noqa: B018 - validates the row and the stored template
        except ValidationError as exc:
            # The template was checked when it was stored: one that no longer reads is damage.
            raise ProjectFileError(
                "Projektfilen {path} er beskadiget: indsatsen, den gemmer, kan ikke læses "
                "({problem}). Gendan en sikkerhedskopi (Filer → Gendan sikkerhedskopi).",
                path=str(path),
                problem=exc.message,
            ) from None
        project._read_laptop_copy()
        return project

    def _migrate(self, version: int) -> None:
        """Apply pending migrations, after a backup copy when the file held a schema already."""
        if version > 0:
            self.backup_made = self._backup_before_migrating(version)
        migrations.apply(self.db)
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _read_laptop_copy(self) -> None:
        """Whether this is a laptop copy; one handed back opens read-only."""
        self.laptop = read_laptop_copy(self.db)
        handed_back = self.laptop.handed_back_sentence() if self.laptop else None
        if handed_back is not None and self.read_only_reason is None:
            self._set_read_only(ReadOnlyProject(handed_back))

    def connector(self) -> ProjectConnector:
        """How a worker thread opens its own connection to this project (SQLite connections stay
        on their thread): no checks again, no lock of its own, read-only when this is."""
        return ProjectConnector(
            self.path, self.read_only_reason, self.lock, self.checked, self.key, self.clock
        )

    # --- checks -------------------------------------------------------------------------------
    def quick_check(self) -> list[str]:
        """SQLite's ``quick_check``: [] when the file is whole, else what it found (at most 10)."""
        return check_database(self.db, "quick_check")

    def integrity_check(self) -> list[str]:
        """The full ``integrity_check`` (indexes against their tables too): [] when whole."""
        return check_database(self.db, "integrity_check")

    def verify(self) -> list[str]:
        """quick_check now; a damaged file turns read-only. Returns what was found."""
        return self._checked_with(self.quick_check())

    def require_whole(self) -> None:
        """Before an import, a backup or a merge: the full ``integrity_check`` (about 1.1 s for
        20,000 citizens). A damaged file turns read-only and the reason is raised."""
        if self._checked_with(self.integrity_check()):
            # Damage found: mark_damaged made the project read-only with the reason.
            assert self.read_only_reason is not None
            raise self.read_only_reason

    def _checked_with(self, damage: list[str]) -> list[str]:
        self.checked = True
        if damage:
            self.mark_damaged(damage)
        return damage

    def mark_damaged(self, damage: list[str]) -> None:
        """What a check found (here or on a worker's connection): the project is read-only."""
        self.damage = damage
        self._set_read_only(
            ReadOnlyProject(
                "Projektfilen {path} er beskadiget, og der bliver ikke skrevet i den. Gendan en "
                "sikkerhedskopi, eller få den repareret.",
                path=str(self.path),
            )
        )

    def _set_read_only(self, reason: KnownError) -> None:
        self.read_only_reason = reason
        self.db.read_only_error = reason
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def require_team_copy(self, what: str) -> None:
        """Imports, staff, goals and the initiative's settings belong to the team copy: refused
        on a laptop copy (``what``: "Import", "Medarbejdere" …), before anything is written."""
        if self.laptop is not None:
            raise ReadOnlyProject(
                "{what} hører til teamkopien og kan ikke ændres på en bærbar kopi. Gør det i teamkopien, når dine "
                "ændringer er afleveret.",
                what=what,
            )

    def require_writable(self) -> None:
        """Raise the reason this project is read-only, if it is."""
        if self.read_only_reason is not None:
            raise self.read_only_reason

    @staticmethod
    def _check_version(db: Database, path: Path) -> int:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise ProjectFileError(
                "Filen {path} er ikke en FSM Desktop-projektfil, eller den er beskadiget.",
                path=str(path),
            )
        version = db.execute("PRAGMA user_version").fetchone()[0]
        applied: list[str] = []
        if db["_sqlite_migrations"].exists():
            applied = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
                ).fetchall()
            ]
        unknown = sorted(set(applied) - set(known_migration_names()))
        if version > SCHEMA_VERSION or unknown:
            raise ProjectFileError(
                "Projektfilen {path} er gemt af en nyere version af FSM Desktop (databaseversion "
                "{found}, denne version kan læse op til {known}). Opdatér programmet for at åbne den.",
                path=str(path),
                found=max(version, len(applied)),
                known=SCHEMA_VERSION,
            )
        return version

    @classmethod
    def create(
        cls,
        path: str | os.PathLike,
        template: ProgramTemplate,
        *,
        name: str | None = None,
        municipality: str = "",
        grant_amount: float | None = None,
        overwrite: bool = False,
        password: str | None = None,
    ) -> Project:
        """A new project file for ``template``, encrypted with ``password`` (None: a plain
        file, for demo and test projects only). Built under a temporary name and moved into
        place when complete, so a failure never leaves half a project. The file is readable
        by its owner only (:func:`private_file`)."""
        path = Path(path).expanduser().absolute()
        if path.exists() and not overwrite:
            raise ProjectFileError("Filen {path} findes allerede.", path=str(path))
        if not path.parent.is_dir():
            raise ProjectFileError("Mappen {folder} findes ikke.", folder=str(path.parent))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        key = keys.new_key(password) if password is not None else None
        try:
            private_file(tmp)
            db = _connect(tmp, key)
            try:
                db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                _configure(db, path)
                migrations.apply(db)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                with db.atomic():
                    db.table("initiative").insert(
                        {
                            "id": 1,
                            "program": template.key,
                            "name": name or template.name,
                            "municipality": municipality,
                            "start": template.start.isoformat(),
                            "end": template.end.isoformat(),
                            "baseline_date": template.baseline_date.isoformat(),
                            "grant_amount": grant_amount,
                            "template_json": template.to_json(),
                            "created_at": _now(),
                        }
                    )
                    db.table("goal").insert_all(
                        {
                            "measure": goal.measure,
                            "position": position,
                            "label": goal.label,
                            "unit": goal.unit,
                            "targets": json.dumps(goal.targets, sort_keys=True),
                        }
                        for position, goal in enumerate(template.goals)
                    )
                # Fold the WAL into the file before it is moved into place.
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                db.close()
            with replacing(path, current_user()):
                os.replace(tmp, path)
                for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                    stale.unlink(missing_ok=True)
        except dbapi.Error as exc:
            raise file_error(exc, path, creating=True) from None
        except OSError as exc:
            raise ProjectFileError(
                "Projektfilen {path} kunne ikke oprettes: {reason}.",
                path=str(path),
                reason=os_reason(exc),
            ) from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
        return cls.open(path, key=key)

    # --- backups ----------------------------------------------------------------------------
    def _backup_before_migrating(self, version: int) -> Path:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.bak-v{version}-{stamp}")
        self.backup_to(target)
        return target

    def backup_to(self, target: str | os.PathLike, *, damaged_too: bool = False) -> Path:
        """A consistent copy of the whole project (SQLite's online backup), safe while open.
        The project is checked first (integrity_check): a damaged one is refused, unless
        ``damaged_too`` (the copy kept before a repair)."""
        target = Path(target).expanduser().absolute()
        if not damaged_too:
            self.require_whole()
        # samefile also catches "sub/../x.fsm", symlinks and other spellings of the same file:
        # replacing the open file would detach it from its WAL and lose later writes.
        if target == self.path or (target.exists() and os.path.samefile(target, self.path)):
            raise ProjectFileError("Sikkerhedskopien kan ikke gemmes oven i selve projektfilen.")
        copy_database(self.db.conn, target, self.key)
        return target

    # --- the initiative -----------------------------------------------------------------------
    @property
    def initiative(self) -> Initiative:
        if self._initiative is None:
            row = self.db.execute(
                "SELECT program, name, municipality, start, end, baseline_date, grant_amount, "
                "template_json FROM initiative WHERE id = 1"
            ).fetchone()
            self._template = parse_template_json(row[7])
            self._initiative = Initiative(
                program=row[0],
                name=row[1],
                municipality=row[2],
                start=dt.date.fromisoformat(row[3]),
                end=dt.date.fromisoformat(row[4]),
                baseline_date=dt.date.fromisoformat(row[5]),
                grant_amount=row[6],
            )
        return self._initiative

    def forget_initiative(self) -> None:
        """The initiative and its template are read again when next asked for (after a change
        of the template, storage.initiative)."""
        self._initiative = None
        self._template = None

    @property
    def template(self) -> ProgramTemplate:
        self.initiative  # noqa: B018 - loads both
        assert self._template is not None
        return self._template

    # --- the key ------------------------------------------------------------------------------
    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @property
    def kept_plain(self) -> bool:
        """The user chose to keep this (test) project unencrypted (*Behold ukrypteret*)."""
        row = self.db.execute(
            "SELECT 1 FROM project_setting WHERE key = ?", [PLAIN_KEPT_KEY]
        ).fetchone()
        return row is not None

    def keep_plain(self) -> None:
        """Record that choice, in its own transaction."""
        with self.db.atomic():
            self.db.execute(
                "INSERT OR REPLACE INTO project_setting (key, value) VALUES (?, '1')",
                [PLAIN_KEPT_KEY],
            )

    @property
    def demo(self) -> bool:
        """Written by ``fsm-desktop demo`` (invented people): it may stay unencrypted."""
        try:
            row = self.db.execute("SELECT value FROM project_setting WHERE key = 'demo'").fetchone()
        except dbapi.Error:
            return False
        return row is not None and row[0] == "1"

    def change_password(self, password: str) -> None:
        """Re-key the encrypted project in one step (SQLCipher's rekey rewrites every page in
        one transaction: a crash leaves the file whole, opened by one of the two passwords).
        The salt stays, so the file remains one the new password opens in any SQLCipher 4
        tool. Another connection open on the file cannot read it afterwards: workers take
        their key from :meth:`connector` when they start, which has the new one."""
        self.require_writable()
        if self.key is None:
            raise ProjectFileError(
                "Projektet {file} er ikke krypteret: vælg »Krypter projektet«.", file=self.path.name
            )
        problem = keys.password_problem(password)
        if problem is not None:
            raise ProjectFileError(problem)
        new = keys.derive(password, self.key.salt)
        try:
            self.db.conn.reset_key(new.pragma())  # type: ignore[attr-defined]  # sqlcipher3 conn, typed as sqlite3's
        except dbapi.Error as exc:
            raise file_error(exc, self.path) from None
        self.key = new

    def checkpoint(self, wait: bool = True) -> bool:
        """Fold the WAL into the project file and empty it (``TRUNCATE``), so that a copy of the
        ``.fsm`` alone holds every confirmed save. False when a reader kept it from finishing
        (it is tried again later); nothing is lost either way. ``wait=False`` (the window, when
        idle) does not wait for readers: TRUNCATE would wait up to the busy timeout (3 s)."""
        if self.read_only:
            return False
        try:
            if not wait:
                self.db.execute("PRAGMA busy_timeout=0")
            try:
                busy, _log, _done = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                if not wait:
                    self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except dbapi.Error:
            return False
        return busy == 0

    def close(self) -> None:
        try:
            if self.lock is not None:
                self.checkpoint()
            self.db.close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProjectConnector:
    """Opens another connection to a project that is open already (:meth:`Project.connector`),
    for a worker thread. It shares the opened project's checks: the file is neither checked nor
    locked again, and nothing but SQLite opens it."""

    def __init__(
        self,
        path: Path,
        read_only_reason: KnownError | None,
        lock: WriterLock | None = None,
        checked: bool = True,
        key: Key | None = None,
        clock: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.path = path
        self.read_only_reason = read_only_reason
        self.lock = lock
        self.checked = checked
        self.key = key
        self.clock = clock

    def __call__(self) -> Project:
        read_only = self.read_only_reason is not None
        try:
            db = (
                _connect_read_only(self.path, key=self.key)
                if read_only
                else _connect(self.path, self.key)
            )
            _session_pragmas(db)
        except dbapi.Error as exc:
            raise file_error(exc, self.path) from None
        project = Project(self.path, db, read_only_reason=self.read_only_reason, key=self.key)
        project.laptop = read_laptop_copy(db)
        project.clock = self.clock
        # Writes on a worker's connection are guarded as the window's are: not after the lock
        # was taken over, and not before quick_check (run here, on this connection, if the
        # window's check had not finished when the work began).
        project.checked = self.checked
        if self.lock is not None and self.read_only_reason is None:
            project.shared_lock = self.lock
            db.write_guard = project._before_write
        return project


def encrypt_project(path: str | os.PathLike, password: str) -> Key:
    """Turn a plain project into an encrypted one (the project must not be open anywhere else:
    this takes its writer lock). An encrypted copy is exported beside it, checked (the whole
    file, and the same number of rows in every table), and only then moved over the plain
    file; a failure leaves the plain file as it was. No plain copy is left behind. Returns
    the key, for opening the project again without deriving it twice."""
    problem = keys.password_problem(password)
    if problem is not None:
        raise ProjectFileError(problem)
    path = Path(path).expanduser().absolute()
    _check_path(path)
    if keys.is_encrypted(path):
        raise ProjectFileError("Projektet {file} er allerede krypteret.", file=path.name)
    project = Project.open(path)
    lock, project.lock = project.lock, None  # held until the encrypted file is in place
    tmp = path.with_name(f".{path.name}.{os.getpid()}.krypteres.tmp")
    key = keys.new_key(password)
    try:
        project.require_whole()
        conn = project.db.conn
        try:
            tmp.unlink(missing_ok=True)
            private_file(tmp)
            conn.execute("ATTACH DATABASE ? AS enc KEY ?", (str(tmp), key.pragma()))
            try:
                conn.execute("SELECT sqlcipher_export('enc')")
                # sqlcipher_export copies neither: the file would not open as a project.
                version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
                conn.execute(f"PRAGMA enc.user_version = {version}")
                conn.execute(f"PRAGMA enc.application_id = {APPLICATION_ID}")
            finally:
                conn.execute("DETACH DATABASE enc")
            tables = [
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            copy = _connect(tmp, key)
            try:
                damage = check_database(copy, "integrity_check")
                copied = {
                    t: copy.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables
                }
                copy.execute(f"PRAGMA journal_mode={journal_mode_for(path).upper()}")
            finally:
                copy.close()
            if damage or copied != counts:
                raise ProjectFileError(
                    "Projektet {file} kunne ikke krypteres: kopien blev ikke som originalen. Intet er ændret.",
                    file=path.name,
                )
            project.checkpoint()
        except dbapi.Error as exc:
            raise file_error(exc, path) from None
        finally:
            project.db.close()
        try:
            os.replace(tmp, path)
            for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
        except OSError as exc:
            raise ProjectFileError(
                "Projektet {file} kunne ikke krypteres: {reason}. Intet er ændret.",
                file=path.name,
                reason=os_reason(exc),
            ) from None
    finally:
        tmp.unlink(missing_ok=True)
        if lock is not None:
            lock.release()
    return key
