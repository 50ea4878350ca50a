"""Damaged project files are found and never written (issue 17, 4): files with a few bytes
flipped. (An older copy of the .fsm put back beside a newer -wal: tests/cli/test_writer_cli.py.)"""

from __future__ import annotations

import hashlib
import random
import sqlite3

import pytest

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Citizen
from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository


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
    source.write_text("cpr;navn;gruppe;indgang\n0909991234;Ny Borger;1;01-11-2019\n", encoding="utf-8")
    outcomes = {"refused on opening": 0, "read-only on opening": 0, "import refused": 0}
    for path in flipped_files(demo, tmp_path):
        before = sha(path)
        try:
            project = Project.open(path)
        except KnownError as error:
            assert "beskadiget" in error.message or "ikke en FSM Desktop-projektfil" in error.message, error.message
            outcomes["refused on opening"] += 1
        else:
            with project:
                outcomes["read-only on opening" if project.read_only else "import refused"] += 1
                with pytest.raises(KnownError, match="beskadiget"):
                    commit(project, prepare(project, source))
                assert project.read_only and project.damage
                with pytest.raises(KnownError, match="beskadiget"):
                    CitizenRepository(project).add(Citizen(cpr="0808881234", name="Skrevet Alligevel", group=1))
        assert sha(path) == before, path.name
    assert sum(outcomes.values()) == 15, outcomes
