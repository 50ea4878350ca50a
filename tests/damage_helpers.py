"""Shared by the storage and view tests of issue 17: who holds which lock on a project's files
(/proc/locks, Linux), and a project file damaged as the issue found it."""

from __future__ import annotations

import os
from pathlib import Path

from fsm_desktop.storage.sqlite import dbapi as sqlite3


def held_locks(path: Path, pid: int | None = None) -> dict[str, set[str]]:
    """{file name: {"POSIX", "FLOCK"}} for the project's files, held by ``pid`` (this process)."""
    pid = os.getpid() if pid is None else pid
    inodes = {}
    for candidate in path.parent.iterdir():
        if candidate.name.startswith(path.name):
            inodes[candidate.stat().st_ino] = candidate.name
    found: dict[str, set[str]] = {}
    with open("/proc/locks") as fh:
        for line in fh:
            parts = line.split()
            if parts[1] == "->":  # a waiter
                continue
            kind, owner, device = parts[1], int(parts[4]), parts[5]
            inode = int(device.split(":")[2])
            if owner == pid and inode in inodes:
                found.setdefault(inodes[inode], set()).add(kind)
    return found


def damage_an_index(path: Path) -> None:
    """The damage the issue found: an index missing an entry of its table ("wrong # of entries
    in index"). The index is hidden from SQLite while a row is added, then put back."""
    conn = sqlite3.connect(path)
    row = conn.execute(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema WHERE name = 'citizen_name'"
    ).fetchone()
    assert row is not None, [
        r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index'")
    ]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("DELETE FROM sqlite_schema WHERE name = 'citizen_name'")
    conn.commit()
    conn.close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO citizen (id, cpr, name, birth_date, grp, updated_at) "
        "VALUES ('x', '0909991234', 'Ida Indeks', '1999-09-09', 1, '2020-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("INSERT INTO sqlite_schema VALUES (?, ?, ?, ?, ?)", row)
    conn.commit()
    conn.close()
