"""SQLite for the whole program: SQLCipher (``sqlcipher3``) behind sqlite-utils.

Every project connection is made with :data:`dbapi` (SQLCipher 4, SQLite with encryption at
rest; docs/architecture.md "Encrypted project files"), never with the standard library's
module: the two are separate SQLite libraries, and two libraries in one process do not see
each other's POSIX locks on a file (a descriptor one of them closes drops the other's).

- sqlite-utils catches the standard library's ``OperationalError``, or that of ``pysqlite3``
  when it can be imported. sqlcipher3's errors are classes of its own, so sqlcipher3 is
  registered as ``pysqlite3`` before sqlite-utils is first imported: its
  ``drop(ignore=True)``, ``insert(..., alter=True)`` and counts then catch the right errors.
- ``sqlite_utils.db`` imports numpy (and pandas) when they are installed, only to accept their
  scalar types in inserts. We never insert them, and numpy — installed for matplotlib — costs
  0.1–0.2 s at start-up (bench: startup.*; conventions.md §14 "Start fast"). Hiding the two
  modules while sqlite_utils loads keeps them out; matplotlib still imports numpy later."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable

import sqlcipher3
import sqlcipher3.dbapi2 as dbapi

if (
    "sqlite_utils.utils" in sys.modules
    and sys.modules["sqlite_utils.utils"].sqlite3 is not sqlcipher3
):
    raise ImportError("sqlite_utils was imported before sqlcipher3 was registered as pysqlite3")
# Both names: importlib.import_module("pysqlite3.dbapi2") would otherwise run dbapi2 again as a
# second module with classes of its own.
sys.modules["pysqlite3"] = sqlcipher3
sys.modules["pysqlite3.dbapi2"] = dbapi
# SQLCipher logs three lines to stderr for every wrong key ("hmac check failed"): the program
# says it in one Danish sentence instead. Process-wide, once.
_quiet = dbapi.connect(":memory:")
_quiet.execute("PRAGMA cipher_log_level = NONE")
_quiet.close()

_HIDDEN = ("numpy", "pandas")
_saved = {name: sys.modules.get(name) for name in _HIDDEN}
try:
    for _name in _HIDDEN:
        if _saved[_name] is None:
            sys.modules[_name] = None  # type: ignore[assignment]  # makes "import numpy" fail
    from sqlite_utils import Database as _Database
    from sqlite_utils.migrations import Migrations
finally:
    for _name in _HIDDEN:
        if _saved[_name] is None:
            sys.modules.pop(_name, None)

__all__ = ["Database", "Migrations", "dbapi"]


class Database(_Database):
    """sqlite-utils' database whose ``atomic()`` begins with ``BEGIN IMMEDIATE``: a transaction
    that reads and then writes holds the write lock from its first read, so what it decides on
    is still current when it writes (a deferred ``BEGIN`` reads an older snapshot and then
    fails, or worse, writes over a colleague's newer rows). A project open read-only refuses
    every transaction with ``read_only_error`` before anything is written."""

    read_only_error: Exception | None = None
    #: Called before each outermost transaction: raises when this window may no longer write
    #: (its writer lock was taken over).
    write_guard: Callable[[], None] | None = None
    #: Called after each outermost transaction that committed (the main window checkpoints
    #: when it has been idle a moment after writes).
    after_commit: Callable[[], None] | None = None
    #: SQLite's error → the Danish known error the user gets (a locked file, a full disk …),
    #: for every transaction alike; the project sets it.
    error_for: Callable[[Exception], Exception] | None = None

    @contextlib.contextmanager
    def atomic(self):
        if self.read_only_error is not None:
            raise self.read_only_error
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        try:
            if self.write_guard is not None:
                self.write_guard()
            self.conn.execute("BEGIN IMMEDIATE")  # waits busy_timeout for another writer
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise
        except dbapi.Error as exc:
            if self.error_for is None:
                raise
            raise self.error_for(exc) from exc
        if self.after_commit is not None:
            self.after_commit()
