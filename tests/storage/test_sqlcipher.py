"""SQLCipher behind sqlite-utils (storage/sqlite.py): sqlite-utils catches sqlcipher3's errors,
and every project connection is SQLCipher's."""

from __future__ import annotations

import sqlite_utils.utils

from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sqlite import Database, dbapi


def test_sqlite_utils_uses_sqlcipher3_and_catches_its_errors(tmp_path):
    assert sqlite_utils.utils.sqlite3.dbapi2 is dbapi
    assert sqlite_utils.utils.OperationalError is dbapi.OperationalError
    db = Database(dbapi.connect(str(tmp_path / "t.db")))
    try:
        db["t"].drop(ignore=True)  # raised sqlcipher3's OperationalError without the shim
        db["t"].insert({"a": 1})
        db["t"].insert({"a": 2, "b": "x"}, alter=True)  # likewise
        assert db["t"].count == 2 and db["t"].columns_dict == {"a": int, "b": str}
        assert db.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    finally:
        db.close()


def test_a_project_connection_is_sqlciphers(tmp_path):
    with Project.create(tmp_path / "p.fsm", builtin_template("fsm2")) as project:
        assert isinstance(project.db.conn, dbapi.Connection)
        assert project.db.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
