"""Encrypted project files (SQLCipher 4, storage/keys.py): what a lost laptop's copy shows,
the wrong password, the key derived once per opening, re-keying, converting a plain file,
backups with the same key, and files readable by their owner only."""

from __future__ import annotations

import hashlib
import os
import sqlite3 as stdlib_sqlite3
import stat

import pytest

from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage import keys
from fsm_desktop.storage.keys import PasswordRequired, WrongPassword
from fsm_desktop.storage.project import Project, encrypt_project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.sqlite import dbapi

PASSWORD = "fire tilfældige ord her"
CPR = "0101801234"
NAME = "Annalise Testesen"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "hemmelig.fsm"
    with Project.create(path, builtin_template("fsm2"), password=PASSWORD) as project:
        CitizenRepository(project).add(
            Citizen(cpr=CPR, name=NAME, group=1, note="sygemelding, ryg")
        )
    return path


def _all_bytes(path) -> bytes:
    """The file and whatever SQLite left beside it."""
    return b"".join(
        p.read_bytes()
        for p in path.parent.iterdir()
        if p.name.startswith(path.name) and p.is_file()
    )


def test_the_file_shows_no_cpr_number_or_name(encrypted):
    data = _all_bytes(encrypted)
    assert not data.startswith(keys.PLAIN_HEADER)
    for secret in (CPR, "010180-1234", NAME, "sygemelding", "citizen", "CREATE TABLE"):
        assert secret.encode() not in data
    assert keys.is_encrypted(encrypted)
    # No SQLite tool without the password reads it: the standard library's, nor SQLCipher's.
    conn = stdlib_sqlite3.connect(encrypted)
    with pytest.raises(stdlib_sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    conn.close()


def test_the_password_opens_it_as_sqlcipher_4_tools_do(encrypted):
    """SQLCipher 4's defaults and the passphrase: the sqlcipher shell and DB Browser open it."""
    conn = dbapi.connect(str(encrypted))
    conn.execute(f"PRAGMA key = '{PASSWORD}'")
    assert conn.execute("SELECT name FROM citizen").fetchall() == [(NAME,)]
    conn.close()
    with Project.open(encrypted, password=PASSWORD) as project:
        assert project.encrypted and CitizenRepository(project).count() == 1


def test_a_wrong_or_missing_password_is_refused_and_nothing_written(encrypted):
    before = _sha(encrypted)
    with pytest.raises(WrongPassword) as wrong:
        Project.open(encrypted, password="forkert kode 123")
    assert wrong.value.message == "Forkert adgangskode til hemmelig.fsm. Intet er ændret."
    with pytest.raises(WrongPassword):
        Project.open(encrypted, password="forkert kode 123", read_only=True)
    with pytest.raises(PasswordRequired):
        Project.open(encrypted)
    assert _sha(encrypted) == before
    assert not (encrypted.parent / "hemmelig.fsm-wal").exists()
    with Project.open(encrypted, password=PASSWORD):  # and the lock was let go each time
        pass


def test_the_key_is_derived_once_per_opening(encrypted, monkeypatch):
    calls = []
    real = keys.derive
    monkeypatch.setattr(keys, "derive", lambda *a: calls.append(1) or real(*a))
    with Project.open(encrypted, password=PASSWORD) as project:
        worker = project.connector()()  # a worker's connection: the raw key, no derivation
        try:
            assert CitizenRepository(worker).count() == 1
        finally:
            worker.close()
        reader = Project.open(encrypted, read_only=True, key=project.key)
        reader.close()
    assert calls == [1]


def test_change_password(encrypted):
    with Project.open(encrypted, password=PASSWORD) as project:
        with pytest.raises(Exception, match="mindst 8 tegn"):
            project.change_password("kort")
        project.change_password("et helt nyt kodeord")
        assert CitizenRepository(project).count() == 1
    with pytest.raises(WrongPassword):
        Project.open(encrypted, password=PASSWORD)
    with Project.open(encrypted, password="et helt nyt kodeord") as project:
        assert CitizenRepository(project).count() == 1


def test_a_plain_project_is_encrypted_in_one_step(tmp_path):
    path = tmp_path / "gammel.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        assert not project.encrypted
        CitizenRepository(project).add(Citizen(cpr=CPR, name=NAME, group=1))
        version = project.db.execute("PRAGMA user_version").fetchone()[0]
    assert CPR.encode() in _all_bytes(path)
    key = encrypt_project(path, PASSWORD)
    assert CPR.encode() not in _all_bytes(path) and NAME.encode() not in _all_bytes(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gammel.fsm"]  # no plain copy left
    with Project.open(path, password=PASSWORD) as project:
        assert project.key == key
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == version
        assert [c.name for c in CitizenRepository(project).list()] == [NAME]
        assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(Exception, match="allerede krypteret"):
        encrypt_project(path, PASSWORD)


def test_a_backup_has_the_projects_key(encrypted, tmp_path):
    target = tmp_path / "kopi.fsm"
    with Project.open(encrypted, password=PASSWORD) as project:
        project.backup_to(target)
    assert CPR.encode() not in target.read_bytes()
    with Project.open(target, password=PASSWORD, read_only=True) as copy:
        assert CitizenRepository(copy).count() == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_project_files_are_readable_by_their_owner_only(encrypted, tmp_path):
    with Project.open(encrypted, password=PASSWORD) as project:
        CitizenRepository(project).add(Citizen(cpr="0202802345", name="Bo", group=1))
        wal = encrypted.parent / "hemmelig.fsm-wal"
        assert wal.exists()
        for path in (encrypted, wal):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        project.backup_to(tmp_path / "kopi.fsm")
    assert stat.S_IMODE((tmp_path / "kopi.fsm").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_in_a_shared_folder_the_group_keeps_access(tmp_path):
    shared = tmp_path / "team"
    shared.mkdir()
    os.chmod(shared, 0o2770)  # the team's folder: group-writable, set-group-id
    with Project.create(shared / "team.fsm", builtin_template("fsm2"), password=PASSWORD):
        pass
    assert (
        stat.S_IMODE((shared / "team.fsm").stat().st_mode) == 0o660
    )  # never wider than the folder's


@pytest.mark.skipif(os.name != "posix", reason="POSIX accounts")
def test_the_audit_user_is_the_os_account_not_the_environment(tmp_path, monkeypatch):
    import pwd

    monkeypatch.setenv("LOGNAME", "x")
    monkeypatch.setenv("USER", "x")
    with Project.create(tmp_path / "p.fsm", builtin_template("fsm2")) as project:
        assert project.user == pwd.getpwuid(os.geteuid()).pw_name != "x"
