"""One writer per project, by name: a lock file beside the project (``NAME.fsm.lock``).

SQLite's own locks cannot say who writes, and on Linux and macOS they are POSIX advisory locks
that belong to the process and vanish when *any* descriptor on the file is closed. The writer
lock is the program's own: ``flock`` on the lock file (on Windows, ``msvcrt.locking`` on its first
byte), which belongs to the open file and so survives a stray ``close()`` elsewhere in the
process, and which the operating system releases when the holder's process ends.

The file says who holds it: the user's name, the computer, the process and the time, as JSON.
A window that cannot take the lock reads that and tells the user; the lock is *stale* when its
holder's process is gone on this computer or it was taken more than a day ago, and then it can be
taken over (the old file is replaced by a new one, which the old holder no longer has: it finds
that out the next time it checks, :meth:`WriterLock.still_held`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import ProjectFileError

LOCK_SUFFIX = ".lock"
#: A lock older than this can be taken over whoever holds it.
STALE_AFTER = dt.timedelta(days=1)


def lock_path(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + LOCK_SUFFIX)


def computer_name() -> str:
    try:
        return socket.gethostname() or "ukendt computer"
    except OSError:
        return "ukendt computer"


@dataclass(frozen=True)
class Holder:
    """Who has the project open for writing."""

    user: str
    computer: str
    since: dt.datetime
    pid: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "user": self.user,
                "computer": self.computer,
                "since": self.since.isoformat(timespec="seconds"),
                "pid": self.pid,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(
                user=str(data["user"]),
                computer=str(data["computer"]),
                since=dt.datetime.fromisoformat(data["since"]),
                pid=int(data["pid"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def sentence(self, today: dt.date | None = None) -> str:
        """ "Projektet er åbent hos NAVN på COMPUTER siden kl. 09.12" (with the date when it is
        not today)."""
        today = today or dt.date.today()
        clock = f"{self.since:%H.%M}"
        when = (
            f"kl. {clock}"
            if self.since.date() == today
            else f"{self.since.day}.{self.since.month}.{self.since.year} kl. {clock}"
        )
        return f"Projektet er åbent hos {self.user} på {self.computer} siden {when}"

    def is_stale(self, now: dt.datetime | None = None) -> bool:
        """The holder's process is gone on this computer, or the lock is more than a day old."""
        now = now or dt.datetime.now()
        if now - self.since > STALE_AFTER:
            return True
        return self.computer == computer_name() and not _process_alive(self.pid)


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class ProjectInUse(ProjectFileError):
    """Another window or program has the project open for writing."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.holder = holder
        self.path = path
        if holder is None:
            super().__init__(
                "Projektet {path} er åbent i et andet vindue eller program. Det kan åbnes skrivebeskyttet.",
                path=str(path),
            )
        else:
            super().__init__(
                "{sentence}. Det kan åbnes skrivebeskyttet.", sentence=holder.sentence()
            )

    @property
    def stale(self) -> bool:
        # On Windows a lock file another process has open cannot be replaced, so a lock there
        # cannot be taken over (and Windows drops the lock of a process that ended anyway).
        return sys.platform != "win32" and self.holder is not None and self.holder.is_stale()


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _try_lock_soon(fd: int, tries: int = 5, pause: float = 0.01) -> bool:
    """The lock, allowing for a reading command's look at it (:func:`writer_lock_held` holds
    it for a moment): a few tries 10 ms apart before the project is said to be in use."""
    for attempt in range(tries):
        if _try_lock(fd):
            return True
        if attempt + 1 < tries:
            time.sleep(pause)
    return False


def read_holder(project_path: Path) -> Holder | None:
    """Who the lock file names (None when there is none or it cannot be read). Reading and
    closing the lock file does not touch the holder's ``flock``."""
    try:
        with open(lock_path(project_path), "rb") as fh:
            if sys.platform == "win32":  # pragma: no cover - the holder has locked byte 0
                fh.seek(1)
            text = fh.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return Holder.from_json(text)


def writer_lock_held(project_path: Path) -> bool:
    """Whether some window or program holds the project's writer lock now (a look, not a
    promise: it may be taken a moment later). Never creates the lock file."""
    try:
        fd = os.open(lock_path(project_path), os.O_RDWR)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume someone writes
    try:
        if not _try_lock(fd):
            return True
        if sys.platform == "win32":  # pragma: no cover - Windows
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return False
    finally:
        os.close(fd)  # releases a flock taken here, and only that one


class WriterLock:
    """The writer lock on one project, held from :meth:`acquire` until :meth:`release`."""

    def __init__(self, project_path: Path, user: str) -> None:
        self.project_path = project_path
        self.path = lock_path(project_path)
        self.user = user
        self.holder: Holder | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, take_over: bool = False, expected: Holder | None = None) -> None:
        """Take the lock, or raise :class:`ProjectInUse` naming who has it. ``take_over`` (after
        the user was warned about ``expected``, the holder shown) replaces a stale lock file with
        a new one, unless someone else holds it by now. A folder where no lock file can be made
        raises :class:`PermissionError` or another ``OSError``; the descriptor never leaks."""
        if take_over:
            self._take_over(expected)
            return
        for _attempt in range(3):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if not _try_lock_soon(fd):
                    raise ProjectInUse(self.project_path, read_holder(self.project_path))
                # A lock taken over in between replaced the file: lock the one at the path.
                if _same_file(fd, self.path):
                    self._write(fd)
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        raise ProjectInUse(self.project_path, read_holder(self.project_path))

    def _take_over(self, expected: Holder | None) -> None:
        now = read_holder(self.project_path)
        if expected is not None and now is not None and now != expected:
            raise ProjectInUse(self.project_path, now)  # someone else opened it meanwhile
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            if not _try_lock(fd):  # pragma: no cover - a new file nobody else knows
                raise ProjectInUse(self.project_path, read_holder(self.project_path))
            self._write(fd)
            os.replace(tmp, self.path)
        except BaseException:
            os.close(fd)
            self._fd = None
            tmp.unlink(missing_ok=True)
            raise

    def _write(self, fd: int) -> None:
        self.holder = Holder(
            self.user, computer_name(), dt.datetime.now().replace(microsecond=0), os.getpid()
        )
        data = self.holder.to_json().encode("utf-8")
        if sys.platform == "win32":  # pragma: no cover - Windows: the locked first byte stays
            data = b" " + data
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        os.fsync(fd)
        self._fd = fd  # only once written: a failure above leaves it to the caller to close

    def still_held(self) -> bool:
        """False when another window took the lock over (the file at the path is not ours)."""
        return self._fd is not None and _same_file(self._fd, self.path)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _same_file(fd, self.path):
                self.path.unlink(missing_ok=True)
        except OSError:
            pass  # the lock is released with the descriptor all the same
        finally:
            os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def lock_error(exc: OSError, project_path: Path) -> ProjectFileError:
    return ProjectFileError(
        "Projektet {path} kan ikke låses til skrivning: {reason}.",
        path=str(project_path),
        reason=os_reason(exc),
    )


@contextlib.contextmanager
def replacing(project_path: Path, user: str):
    """Around replacing a project file (``--force``): refuses with :class:`ProjectInUse` while
    someone has the old one open, and keeps others from opening it until it is replaced."""
    if not project_path.exists():
        yield
        return
    lock = WriterLock(project_path, user)
    try:
        lock.acquire()
    except OSError as exc:
        raise lock_error(exc, project_path) from None
    try:
        yield
    finally:
        lock.release()
