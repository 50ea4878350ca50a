"""The project file: identity, pragmas, schema rules, migrations, refusals, backups."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

import fsm_desktop.storage.project as project_module
from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.domain.model import AuditEntry, Citizen, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import ConstraintError, Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.storage.schema import (
    APPLICATION_ID,
    MIGRATION_SET,
    SCHEMA_VERSION,
    known_migration_names,
    migrations,
)
from fsm_desktop.storage.sqlite import dbapi as sqlite3

#: Tables whose rows can be created on several machines (offline laptops): UUID text keys.
MULTI_MACHINE_TABLES = (
    "citizen",
    "period",
    "assignment",
    "board_move",
    "contact",
    "status_entry",
    "network_person",
    "stepup_meeting",
    "stepup_participant",
    "stepup_plan_line",
    "stepup_marking",
    "reassignment",
    "audit_log",
    "import_batch",
    "board_meeting",
    "sync_checkout",
    "sync_merge",
)


# --- helpers -------------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _raw(path: Path, *, readonly: bool = False):
    """A plain sqlite3 connection, closed afterwards (read-only: the file is not touched)."""
    if readonly:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(str(path))
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def _new_project_file(folder: Path, name: str = "test.fsm") -> Path:
    path = folder / name
    Project.create(path, builtin_template("fsm2")).close()
    return path


def _tables(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]


def _applied(conn) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
            [MIGRATION_SET],
        )
    ]


#: The program's own migrations, and the name the next one would have.
CURRENT = known_migration_names()
NEXT = f"{len(CURRENT) + 1:04d}_test"


def _patch_migrations(monkeypatch, extra, keep=None) -> Migrations:
    """The program's first ``keep`` migrations (default: all) plus ``extra`` (name -> function):
    as if a newer version (or, with ``keep``, an older one)."""
    patched = Migrations(MIGRATION_SET)
    kept = migrations._migrations[: len(CURRENT) if keep is None else keep]
    for migration in kept:
        patched(name=migration.name)(migration.fn)
    for name, fn in extra.items():
        patched(name=name)(fn)
    monkeypatch.setattr(project_module, "migrations", patched)
    monkeypatch.setattr(project_module, "SCHEMA_VERSION", len(kept) + len(extra))
    return patched


def _citizen(cpr: str, name: str) -> Citizen:
    return Citizen(cpr=cpr, name=name, group=1, entry_date=dt.date(2020, 1, 1))


# --- identity and connection ---------------------------------------------------------------


def test_create_marks_the_file_and_configures_the_connection(project):
    db = project.db
    assert APPLICATION_ID == 0x46534D44
    assert db.execute("PRAGMA application_id").fetchone()[0] == 0x46534D44
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == project_module.BUSY_TIMEOUT_MS
    assert project.path.name == "test.fsm"
    assert project.path.is_absolute()


def test_identity_is_in_the_file_itself(tmp_path):
    path = _new_project_file(tmp_path)
    header = path.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    assert int.from_bytes(header[60:64], "big") == SCHEMA_VERSION
    # creating leaves only the project file behind (no temp, WAL or SHM files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.fsm"]


def test_foreign_keys_are_enforced(project):
    with pytest.raises(ConstraintError, match="strider mod det, der allerede står i projektet"):
        with project.db.atomic():
            project.db.execute(
                "INSERT INTO period (id, citizen_id, kind, start) VALUES (?, ?, ?, ?)",
                [str(uuid.uuid4()), "no-such-citizen", "mentor", "2020-01-01"],
            )


def test_initiative_row(tmp_path):
    template = builtin_template("fsm2")
    with Project.create(
        tmp_path / "x.fsm",
        template,
        name="FSM2 Hedensted",
        municipality="Hedensted",
        grant_amount=1_000_000,
    ) as created:
        pass
    with Project.open(tmp_path / "x.fsm") as project:
        ini = project.initiative
        assert ini.program == "fsm2"
        assert ini.name == "FSM2 Hedensted"
        assert ini.municipality == "Hedensted"
        assert ini.grant_amount == 1_000_000
        assert (ini.start, ini.end, ini.baseline_date) == (
            dt.date(2019, 11, 1),
            dt.date(2021, 10, 31),
            dt.date(2019, 11, 1),
        )
        assert project.template.measures == template.measures
        # the status-sheet goals are copied in (their layout is the goal repository's business)
        assert project.db.execute("SELECT count(*) FROM goal").fetchone()[0] > 0
    assert created.path == project.path


def test_context_manager_closes_the_connection(tmp_path):
    path = _new_project_file(tmp_path)
    with Project.open(path) as project:
        assert project.db.execute("SELECT 1").fetchone()[0] == 1
    with pytest.raises(sqlite3.ProgrammingError):
        project.db.execute("SELECT 1")


# --- schema rules ---------------------------------------------------------------------------


def test_every_table_has_an_explicit_primary_key(project):
    tables = _tables(project.db.conn)
    assert "_sqlite_migrations" in tables
    assert {"initiative", "goal", "staff", "citizen", "paid_hours", "placement"} <= set(tables)
    missing = [
        table
        for table in tables
        if not any(col[5] for col in project.db.execute(f"PRAGMA table_info('{table}')"))
    ]
    assert missing == [], f"tables without an explicit primary key: {missing}"


def test_no_table_outside_the_known_list_slips_through_the_uuid_rule(project):
    """A new table with a TEXT id must be added to MULTI_MACHINE_TABLES (or here, on purpose)."""
    text_id_tables = {
        table
        for table in _tables(project.db.conn)
        if [
            (c[1], c[2].upper())
            for c in project.db.execute(f"PRAGMA table_info('{table}')")
            if c[5]
        ]
        == [("id", "TEXT")]
    }
    assert text_id_tables == set(MULTI_MACHINE_TABLES) | {"staff"}


@pytest.mark.parametrize("table", MULTI_MACHINE_TABLES)
def test_rows_from_several_machines_have_a_text_id_key(project, table):
    pk = [(c[1], c[2].upper()) for c in project.db.execute(f"PRAGMA table_info('{table}')") if c[5]]
    assert pk == [("id", "TEXT")]


def test_repository_created_ids_are_uuids(project):
    citizen = _citizen("0101901234", "Anna")
    CitizenRepository(project).add(citizen)
    StaffRepository(project).add(Staff("AB", "Anne Bach", StaffRole.JOB_BROKER))
    ids = [
        *[r[0] for r in project.db.execute("SELECT id FROM citizen")],
        *[r[0] for r in project.db.execute("SELECT id FROM audit_log")],
        *[r[0] for r in project.db.execute("SELECT id FROM staff")],
    ]
    assert len(ids) == 3
    for value in ids:
        assert str(uuid.UUID(value)) == value


def test_audit_log_is_append_only(project):
    citizen = _citizen("0101901234", "Anna")
    CitizenRepository(project).add(citizen)
    assert AuditLog(project).count() == 1
    with pytest.raises(ConstraintError) as refused, project.db.atomic():
        project.db.execute("UPDATE audit_log SET user = 'someone else'")
    assert "append-only" in str(refused.value.__cause__)
    with pytest.raises(ConstraintError) as refused, project.db.atomic():
        project.db.execute("DELETE FROM audit_log")
    assert "append-only" in str(refused.value.__cause__)
    (entry,) = AuditLog(project).for_citizen(citizen.id)
    assert entry.user == project.user
    assert AuditLog(project).count() == 1


# --- migrations ------------------------------------------------------------------------------


def test_schema_version_is_the_number_of_migrations():
    assert SCHEMA_VERSION == len(known_migration_names()) >= 1
    assert known_migration_names()[0] == "0001_initial"


def test_migrations_from_empty_apply_once():
    db = Database(memory=True)
    try:
        migrations.apply(db)
        first = _tables(db.conn)
        assert "citizen" in first
        assert _applied(db.conn) == known_migration_names()
        assert migrations.pending(db) == []
        migrations.apply(db)
        assert _tables(db.conn) == first
        assert _applied(db.conn) == known_migration_names()
    finally:
        db.close()


def test_reopening_applies_nothing_and_makes_no_backup(tmp_path):
    path = _new_project_file(tmp_path)
    with _raw(path, readonly=True) as conn:
        before = conn.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations"
        ).fetchall()
    assert [row[1] for row in before] == known_migration_names()
    with Project.open(path) as project:
        assert project.backup_made is None
        assert migrations.pending(project.db) == []
        after = project.db.execute(
            "SELECT migration_set, name, applied_at FROM _sqlite_migrations"
        ).fetchall()
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.fsm"]


def test_file_from_a_newer_version_is_refused_untouched(tmp_path):
    path = _new_project_file(tmp_path)
    with _raw(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    digest = _sha(path)
    with pytest.raises(ProjectFileError) as info:
        Project.open(path)
    assert "nyere version" in info.value.message
    assert info.value.params["found"] == SCHEMA_VERSION + 1
    assert info.value.params["known"] == SCHEMA_VERSION
    assert _sha(path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.fsm"]


def test_file_with_an_unknown_applied_migration_is_refused_untouched(tmp_path):
    path = _new_project_file(tmp_path)
    with _raw(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            [MIGRATION_SET, "0002_from_the_future", "2030-01-01 00:00:00+00:00"],
        )
    digest = _sha(path)
    with pytest.raises(ProjectFileError) as info:
        Project.open(path)
    assert "nyere version" in info.value.message
    assert _sha(path) == digest


def test_migrations_of_another_set_are_ignored(tmp_path):
    path = _new_project_file(tmp_path)
    with _raw(path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
            ["some_plugin", "0001_plugin", "2030-01-01 00:00:00+00:00"],
        )
    with Project.open(path) as project:
        assert project.initiative.program == "fsm2"


def test_pending_migration_makes_a_backup_first(tmp_path, monkeypatch):
    path = _new_project_file(tmp_path)

    def m0002_test(db):
        db.execute("CREATE TABLE test_extra (id TEXT PRIMARY KEY, note TEXT NOT NULL DEFAULT '')")

    patched = _patch_migrations(monkeypatch, {NEXT: m0002_test})
    with Project.open(path) as project:
        backup = project.backup_made
        assert backup is not None
        assert backup.parent == path.parent
        assert re.fullmatch(rf"test\.fsm\.bak-v{len(CURRENT)}-\d{{8}}-\d{{6}}", backup.name), (
            backup.name
        )
        assert project.db.execute("PRAGMA user_version").fetchone()[0] == len(CURRENT) + 1
        assert "test_extra" in _tables(project.db.conn)
        assert patched.pending(project.db) == []
        assert _applied(project.db.conn) == [*CURRENT, NEXT]

    # the backup is the file as it was: the current version, without the new table
    with _raw(backup, readonly=True) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(CURRENT)
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert "test_extra" not in _tables(conn)
        assert _applied(conn) == CURRENT

    monkeypatch.undo()
    with Project.open(backup) as old:
        assert old.initiative.program == "fsm2"
        assert old.backup_made is None
    # and this version of the program now refuses the migrated file
    with pytest.raises(ProjectFileError, match="nyere version"):
        Project.open(path)


def test_a_file_of_the_first_version_is_migrated_with_a_backup(tmp_path, monkeypatch):
    """A project written before the import tables existed opens, and its rows survive."""
    _patch_migrations(monkeypatch, {}, keep=1)
    path = tmp_path / "old.fsm"
    with Project.create(path, builtin_template("fsm2")) as old:
        CitizenRepository(old).add(_citizen("0101801234", "Anna"))
        assert _applied(old.db.conn) == ["0001_initial"]
    monkeypatch.undo()
    with Project.open(path) as project:
        assert re.fullmatch(r"old\.fsm\.bak-v1-\d{8}-\d{6}", project.backup_made.name)
        assert _applied(project.db.conn) == CURRENT
        assert {"import_batch", "import_journal", "import_mapping"} <= set(_tables(project.db.conn))
        assert [c.name for c in CitizenRepository(project).list()] == ["Anna"]


def test_a_failing_migration_rolls_back_completely(tmp_path, monkeypatch):
    path = _new_project_file(tmp_path)

    def m0002_broken(db):
        db.execute("CREATE TABLE broken (id TEXT PRIMARY KEY)")
        db.execute("INSERT INTO broken (id) VALUES ('x')")
        db.execute("UPDATE initiative SET name = 'changed'")
        raise RuntimeError("boom")

    _patch_migrations(monkeypatch, {NEXT: m0002_broken})
    with pytest.raises(RuntimeError, match="boom"):
        Project.open(path)

    with _raw(path, readonly=True) as conn:
        assert "broken" not in _tables(conn)
        assert _applied(conn) == CURRENT
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(CURRENT)
        assert conn.execute("SELECT name FROM initiative").fetchone()[0] == "Flere skal med 2"

    monkeypatch.undo()
    with Project.open(path) as project:
        assert project.initiative.name == "Flere skal med 2"


# --- files that are not (usable) projects ---------------------------------------------------


def _expect_file_error(path: Path, *fragments: str) -> ProjectFileError:
    with pytest.raises(ProjectFileError) as info:
        Project.open(path)
    err = info.value
    assert not isinstance(err, sqlite3.Error)
    assert err.__cause__ is None or not isinstance(err.__cause__, sqlite3.Error)
    for fragment in fragments:
        assert fragment in err.message, err.message
    return err


def test_missing_file(tmp_path):
    _expect_file_error(tmp_path / "nope.fsm", "findes ikke")
    assert list(tmp_path.iterdir()) == []


def test_a_directory(tmp_path):
    (tmp_path / "folder.fsm").mkdir()
    _expect_file_error(tmp_path / "folder.fsm", "er en mappe")


def test_a_text_file(tmp_path):
    path = tmp_path / "notes.fsm"
    path.write_text("Dette er ikke en database, men en lang tekst om borgere.\n" * 10, "utf-8")
    digest = _sha(path)
    _expect_file_error(path, "ikke en FSM Desktop-projektfil")
    assert _sha(path) == digest


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.fsm"
    path.write_bytes(b"")
    _expect_file_error(path, "ikke en FSM Desktop-projektfil")
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.fsm"]


def test_an_sqlite_header_followed_by_garbage(tmp_path):
    path = tmp_path / "broken.fsm"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
    digest = _sha(path)
    _expect_file_error(path, "ikke en FSM Desktop-projektfil")
    assert _sha(path) == digest


def test_a_plain_sqlite_file_of_another_program(tmp_path):
    path = tmp_path / "other.db"
    with _raw(path) as conn:
        conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO things (name) VALUES ('x')")
    digest = _sha(path)
    _expect_file_error(path, "ikke en FSM Desktop-projektfil")
    # not converted to WAL, not migrated: byte for byte the same
    assert _sha(path) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_a_locked_file(tmp_path, monkeypatch):
    path = _new_project_file(tmp_path)
    monkeypatch.setattr(project_module, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(str(path), isolation_level=None)
    try:
        # In WAL mode an ordinary write lock does not stop readers; an exclusive locking mode
        # (as some tools use) locks the file for everyone.
        other.execute("PRAGMA locking_mode=EXCLUSIVE")
        other.execute("BEGIN EXCLUSIVE")
        _expect_file_error(path, "låst")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Project.open(path) as project:
        assert project.initiative.program == "fsm2"


def test_a_write_lock_during_a_pending_migration(tmp_path, monkeypatch):
    path = _new_project_file(tmp_path)

    def m0002_test(db):
        db.execute("CREATE TABLE test_extra (id TEXT PRIMARY KEY)")

    _patch_migrations(monkeypatch, {NEXT: m0002_test})
    monkeypatch.setattr(project_module, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(str(path), isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        _expect_file_error(path, "låst")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with _raw(path, readonly=True) as conn:
        assert _applied(conn) == CURRENT
        assert "test_extra" not in _tables(conn)


# --- creating --------------------------------------------------------------------------------


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "exists.fsm"
    path.write_text("do not overwrite me", "utf-8")
    with pytest.raises(ProjectFileError) as info:
        Project.create(path, builtin_template("fsm2"))
    assert "findes allerede" in info.value.message
    assert path.read_text("utf-8") == "do not overwrite me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.fsm"]


def test_create_in_a_missing_folder(tmp_path):
    with pytest.raises(ProjectFileError) as info:
        Project.create(tmp_path / "nope" / "x.fsm", builtin_template("fsm2"))
    assert "findes ikke" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_create_with_overwrite_replaces_the_file(tmp_path):
    path = _new_project_file(tmp_path)
    with Project.open(path) as project:
        CitizenRepository(project).add(_citizen("0101901234", "Anna"))
    with Project.create(path, builtin_template("bir"), overwrite=True) as project:
        assert project.initiative.program == "bir"
        assert CitizenRepository(project).count() == 0


def test_a_failing_insert_during_create_leaves_nothing(tmp_path):
    template = builtin_template("fsm2")
    # a template that slipped past validation: the database's CHECK (end >= start) stops it
    bad = dataclasses.replace(template, end=template.start - dt.timedelta(days=1))
    with pytest.raises(ProjectFileError):
        Project.create(tmp_path / "x.fsm", bad)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_move_into_place_leaves_nothing(tmp_path, monkeypatch):
    def no_space(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_module.os, "replace", no_space)
    with pytest.raises(ProjectFileError) as info:
        Project.create(tmp_path / "x.fsm", builtin_template("fsm2"))
    assert "kunne ikke oprettes" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_failing_migration_during_create_leaves_nothing(tmp_path, monkeypatch):
    def m0002_broken(db):
        raise RuntimeError("boom")

    _patch_migrations(monkeypatch, {NEXT: m0002_broken})
    with pytest.raises(RuntimeError, match="boom"):
        Project.create(tmp_path / "x.fsm", builtin_template("fsm2"))
    assert list(tmp_path.iterdir()) == []


# --- backups ---------------------------------------------------------------------------------


def test_backup_to_makes_a_copy_that_opens_with_the_same_rows(project, tmp_path):
    citizens = CitizenRepository(project)
    citizens.add(_citizen("0101901234", "Anna"))
    citizens.add(_citizen("0202801234", "Bo"))
    StaffRepository(project).add(Staff("AB", "Anne Bach", StaffRole.JOB_BROKER))

    target = project.backup_to(tmp_path / "copy.fsm")
    assert target == tmp_path / "copy.fsm"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("test.fsm")) == [
        "copy.fsm"
    ]
    with Project.open(target) as copy:
        assert CitizenRepository(copy).list() == citizens.list()
        assert StaffRepository(copy).list() == StaffRepository(project).list()
        assert AuditLog(copy).count() == AuditLog(project).count() == 2
        assert copy.initiative == project.initiative

    # the copy is independent of the original
    citizens.add(_citizen("0303701234", "Carl"))
    with Project.open(target) as copy:
        assert CitizenRepository(copy).count() == 2


def test_backup_to_refuses_the_projects_own_path(project, tmp_path):
    CitizenRepository(project).add(_citizen("0101901234", "Anna"))
    (tmp_path / "sub").mkdir()
    spellings = [project.path, tmp_path / "sub" / ".." / "test.fsm"]
    if hasattr(os, "symlink"):
        link = tmp_path / "link.fsm"
        try:
            link.symlink_to(project.path)
        except OSError:  # no symlink rights (Windows without developer mode)
            pass
        else:
            spellings.append(link)
    for target in spellings:
        with pytest.raises(ProjectFileError) as info:
            project.backup_to(target)
        assert "selve projektfilen" in info.value.message
    # the open project still writes to its file
    CitizenRepository(project).add(_citizen("0202801234", "Bo"))
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert CitizenRepository(again).count() == 2


def test_audit_entries_survive_a_backup(project, tmp_path):
    citizen = _citizen("0101901234", "Anna")
    CitizenRepository(project).add(citizen)
    with project.db.atomic():
        AuditLog(project).record(
            [
                AuditEntry(
                    dt.datetime(2030, 1, 1, 9, 0),
                    "tester",
                    "reveal_cpr",
                    "citizen",
                    citizen.id,
                    citizen.id,
                )
            ]
        )
    with Project.open(project.backup_to(tmp_path / "copy.fsm")) as copy:
        assert [e.action for e in AuditLog(copy).for_citizen(citizen.id)] == [
            "create",
            "reveal_cpr",
        ]


def test_a_frontrunner_project_from_before_gets_the_project_periods_job_broker_rule(tmp_path):
    """Migration 0008 (issue 18): Frontrunner's job broker counts from the project's start."""
    import json

    path = tmp_path / "frontrunner.fsm"
    Project.create(path, builtin_template("frontrunner")).close()
    conn = sqlite3.connect(path)
    data = json.loads(conn.execute("SELECT template_json FROM initiative").fetchone()[0])
    assert data["measures"][0]["qualifying_from"] == "2018-12-01"  # the builtin template has it
    del data["measures"][0]["qualifying_from"]  # as a project made before issue 18 stored it
    conn.execute("UPDATE initiative SET template_json = ?", [json.dumps(data)])
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0008_frontrunner_project_period'")
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    with Project.open(path) as project:
        assert project.backup_made is not None
        (measure,) = [m for m in project.template.measures if m.id == "frontrunner.job_broker"]
        assert measure.qualifying_from == dt.date(2018, 12, 1)
    # An FSM2 project is left as it is.
    other = tmp_path / "fsm2.fsm"
    Project.create(other, builtin_template("fsm2")).close()
    before = sqlite3.connect(other).execute("SELECT template_json FROM initiative").fetchone()[0]
    with Project.open(other) as project:
        assert project.db.execute("SELECT template_json FROM initiative").fetchone()[0] == before


def test_a_file_before_own_period_kinds_keeps_its_periods(tmp_path, monkeypatch):
    """Migration 0011 makes the period table again without its fixed list of kinds (issue
    25.3): the rows survive, a kind the template adds can be stored, a malformed key cannot."""
    _patch_migrations(monkeypatch, {}, keep=10)
    path = tmp_path / "v10.fsm"
    with Project.create(path, builtin_template("fsm2")) as old:
        CitizenRepository(old).add(_citizen("0101801234", "Anna"))
        cid = old.db.execute("SELECT id FROM citizen").fetchone()[0]
        old.db.execute(
            "INSERT INTO period (id, citizen_id, kind, start) VALUES ('p1', ?, 'mentor', '2020-01-01')",
            [cid],
        )
        with pytest.raises(Exception, match="CHECK"):
            old.db.execute(
                "INSERT INTO period (id, citizen_id, kind, start) VALUES ('p2', ?, 'ips_forloeb', '2020-01-01')",
                [cid],
            )
    monkeypatch.undo()
    with Project.open(path) as project:
        assert _applied(project.db.conn) == CURRENT
        assert project.db.execute("SELECT id, kind FROM period").fetchall() == [("p1", "mentor")]
        project.db.execute(
            "INSERT INTO period (id, citizen_id, kind, start) VALUES ('p2', ?, 'ips_forloeb', '2020-01-01')",
            [cid],
        )
        with pytest.raises(Exception, match="CHECK"):
            project.db.execute(
                "INSERT INTO period (id, citizen_id, kind, start) VALUES ('p3', ?, 'IPS forløb', '2020-01-01')",
                [cid],
            )
        indexes = {row[1] for row in project.db.execute("PRAGMA index_list(period)")}
        assert "period_citizen" in indexes
