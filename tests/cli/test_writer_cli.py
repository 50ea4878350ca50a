"""The command line beside a window that writes the project (issue 17): reading commands work,
writing commands refuse with exit code 2 and say who has the project."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import textwrap

import pytest
from cli_run import run

from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project


@pytest.fixture
def db(tmp_path):
    return write_demo(tmp_path / "demo.fsm", citizens=40, seed=2).path


@pytest.fixture
def window(db):
    """The project held open for writing, as a window holds it."""
    with Project.open(db) as project:
        yield project


def test_reading_commands_work_while_a_window_writes(env, db, window, tmp_path):
    measures = run(env, "measures", "--db", db, "--format", "json")
    assert measures.returncode == 0, measures.stderr
    assert json.loads(measures.stdout)
    for args in (
        ("caseload", "--db", db),
        ("stepup", "--db", db),
        ("stepup", "--db", db, "--due"),
        ("imports", "--db", db),
        ("export", "--db", db, "--out", tmp_path / "status.xlsx"),
        ("template", "--out", tmp_path / "skabelon.xlsx"),
    ):
        result = run(env, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert (tmp_path / "status.xlsx").exists()
    extract = tmp_path / "borgere.csv"
    extract.write_text("cpr;navn;gruppe\n010180-1234;Anna;1\n", encoding="utf-8")
    dry = run(env, "import", "--db", db, extract, "--dry-run")
    assert dry.returncode == 0, dry.stderr


def test_writing_commands_refuse_with_exit_2_and_name_the_writer(env, db, window, tmp_path):
    run(env, "template", "--out", tmp_path / "skabelon.xlsx")
    sentence = f"Projektet er åbent hos {window.user} på {socket.gethostname()} siden kl. "
    for args in (
        ("import", "--db", db, tmp_path / "skabelon.xlsx"),
        # Personal data: the export is written to the audit log, so it needs the writer lock.
        ("template", "--out", tmp_path / "eksport.xlsx", "--db", db),
        ("imports", "--db", db, "--undo"),
        ("init", "--db", db, "--program", "bir", "--unencrypted", "--force"),
        ("demo", "--db", db, "--citizens", "5", "--force"),
    ):
        result = run(env, *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert sentence in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert window.initiative.program == "fsm2"
    assert window.integrity_check() == []


CRASH = textwrap.dedent("""
    import os, sys
    from fsm_desktop.domain.model import Citizen
    from fsm_desktop.storage.project import Project
    from fsm_desktop.storage.repositories import CitizenRepository
    project = Project.open(sys.argv[1])
    citizens = CitizenRepository(project)
    for n in range(100):
        citizens.add(Citizen(cpr=f"0202{70 + n % 30:02d}{2000 + n:04d}", name=f"B {n}", group=1))
    project.checkpoint()  # the .fsm moves on past the old copy ...
    for n in range(100):
        citizens.add(Citizen(cpr=f"0303{70 + n % 30:02d}{3000 + n:04d}", name=f"C {n}", group=2))
    os._exit(0)  # ... and the program dies with its newest saves in the -wal
""")


def test_an_older_copy_beside_a_newer_wal_is_found_and_gives_no_figures(env, db, tmp_path):
    """What a user's restore of an old copy after a crash does: the -wal's pages land on the
    wrong file. quick_check finds it; a reading command gives no figures."""
    path = db
    shutil.copy(db, tmp_path / "gammel.fsm")
    subprocess.run([sys.executable, "-c", CRASH, str(path)], check=True)
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    shutil.copy(tmp_path / "gammel.fsm", path)  # the user puts the old copy back
    measures = run(env, "measures", "--db", path)
    assert measures.returncode == 2 and measures.stdout == ""
    assert "beskadiget" in measures.stderr and "Traceback" not in measures.stderr
    try:
        project = Project.open(path)
    except ProjectFileError as error:  # too damaged to be read at all
        assert "beskadiget" in error.message
    else:
        with project:
            assert project.read_only and project.damage
