"""Damaged project files are found and never written (issue 17, 4): files with a few bytes
flipped. (An older copy of the .fsm put back beside a newer -wal: tests/cli/test_writer_cli.py.)"""

from __future__ import annotations

import hashlib
import random
import shutil

import pytest

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Citizen
from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("demo") / "demo.fsm", citizens=60, seed=4).path


def flipped_files(demo, folder, count=15):
    """``count`` copies of the demo with 4 random bytes flipped after the header, each failing
    integrity_check (copies that still pass are drawn again)."""
    rng = random.Random(17)
    data = demo.read_bytes()
    files = []
    while len(files) < count:
        damaged = bytearray(data)
        for _ in range(4):
            damaged[rng.randrange(100, len(damaged))] ^= 1 << rng.randrange(8)
        path = folder / f"flipped-{len(files)}.fsm"
        path.write_bytes(bytes(damaged))
        if integrity(path) == "ok":
            path.unlink()
            continue
        files.append(path)
    return files


def test_files_with_flipped_bytes_are_never_written(demo, tmp_path):
    """Each is refused on opening, opens read-only (quick_check), or refuses the import
    (integrity_check first); the file's bytes are the same afterwards, every time."""
    source = tmp_path / "udtraek.csv"
    source.write_text(
        "cpr;navn;gruppe;indgang\n0909991234;Ny Borger;1;01-11-2019\n", encoding="utf-8"
    )
    outcomes = {"refused on opening": 0, "read-only on opening": 0, "import refused": 0}
    for path in flipped_files(demo, tmp_path):
        before = sha(path)
        try:
            project = Project.open(path)
        except KnownError as error:
            assert (
                "beskadiget" in error.message or "ikke en FSM Desktop-projektfil" in error.message
            ), error.message
            outcomes["refused on opening"] += 1
        else:
            with project:
                outcomes["read-only on opening" if project.read_only else "import refused"] += 1
                with pytest.raises(KnownError, match="beskadiget"):
                    commit(project, prepare(project, source))
                assert project.read_only and project.damage
                with pytest.raises(KnownError, match="beskadiget"):
                    CitizenRepository(project).add(
                        Citizen(cpr="0808881234", name="Skrevet Alligevel", group=1)
                    )
        assert sha(path) == before, path.name
    assert sum(outcomes.values()) == 15, outcomes


# --- the ways out: repair and restore --------------------------------------------------------------
from damage_helpers import damage_an_index  # noqa: E402

from fsm_desktop.domain.program import builtin_template  # noqa: E402
from fsm_desktop.storage.repair import repair, restore  # noqa: E402
from fsm_desktop.storage.writer_lock import ProjectInUse  # noqa: E402


@pytest.fixture
def index_damaged(tmp_path):
    path = tmp_path / "p.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        CitizenRepository(project).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
    damage_an_index(path)
    return path


def test_repair_rebuilds_the_indexes_and_keeps_the_damaged_file(index_damaged):
    assert integrity(index_damaged) != "ok"
    result = repair(index_damaged)
    assert result.whole and result.damage == []
    assert integrity(index_damaged) == "ok"
    assert result.kept.name.startswith("p.fsm.beskadiget-") and integrity(result.kept) != "ok"
    with Project.open(index_damaged) as project:
        assert not project.read_only
        names = sorted(c.name for c in CitizenRepository(project).list())
        assert names == ["Hans Hansen", "Ida Indeks"]  # the row the index missed is kept
        assert project.db.execute(
            "SELECT name FROM citizen WHERE name = 'Ida Indeks'"
        ).fetchone()  # found by the index


def test_repair_says_when_the_tables_themselves_are_damaged(demo, tmp_path):
    path = tmp_path / "p.fsm"
    shutil.copy(demo, path)
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'contact'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size] = 0x42  # the table's root page: no longer a b-tree page
    path.write_bytes(bytes(data))
    result = repair(path)
    assert not result.whole and result.damage
    assert result.kept.exists()


def test_repair_and_restore_refuse_while_someone_writes(tmp_path):
    # SQLite 3.53's quick_check finds a damaged index too (the project then opens read-only and
    # holds no lock), so the one being written here is whole: the lock alone refuses.
    path, backup = tmp_path / "p.fsm", tmp_path / "kopi.fsm"
    Project.create(backup, builtin_template("fsm2")).close()
    with Project.create(path, builtin_template("fsm2")):
        with pytest.raises(ProjectInUse):
            repair(path)
        with pytest.raises(ProjectInUse):
            restore(path, backup)


def test_restore_puts_a_whole_backup_in_place_and_keeps_the_damaged_file(index_damaged, tmp_path):
    backup = tmp_path / "kopi.fsm"
    with Project.create(backup, builtin_template("fsm2")) as copy:
        CitizenRepository(copy).add(Citizen(cpr="0202802345", name="Grete Jensen", group=1))
    kept = restore(index_damaged, backup)
    assert integrity(kept) != "ok" and integrity(index_damaged) == "ok"
    with Project.open(index_damaged) as project:
        assert [c.name for c in CitizenRepository(project).list()] == ["Grete Jensen"]
    assert integrity(backup) == "ok"  # the backup itself is untouched


def test_restore_refuses_a_damaged_backup_and_another_initiative(index_damaged, tmp_path):
    other = tmp_path / "bir.fsm"
    Project.create(other, builtin_template("bir")).close()
    with pytest.raises(KnownError, match="af en anden indsats"):
        restore(index_damaged, other)
    damaged_copy = tmp_path / "beskadiget-kopi.fsm"
    shutil.copy(index_damaged, damaged_copy)
    with pytest.raises(KnownError, match="også beskadiget"):
        restore(index_damaged, damaged_copy)
    assert (
        sorted(
            p.name
            for p in tmp_path.iterdir()
            if "beskadiget-" in p.name and p.name.startswith("p.fsm")
        )
        == []
    )


def test_the_project_itself_chosen_as_the_extract_is_refused_before_it_is_opened(tmp_path):
    from damage_helpers import held_locks

    from fsm_desktop.exchange.importer import ImportRefused

    path = tmp_path / "p.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        project.db.execute("SELECT count(*) FROM citizen").fetchone()
        for chosen in (path, tmp_path / "p.fsm-wal", tmp_path / "p.fsm.lock"):
            with pytest.raises(ImportRefused, match="er selve projektfilen"):
                prepare(project, chosen)
        if held_locks(path):  # Linux: SQLite still holds its locks
            assert "POSIX" in held_locks(path).get("p.fsm", set())
