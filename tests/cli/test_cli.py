"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_run import run

from fsm_desktop import __version__


def test_version(env):
    result = run(env, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"fsm-desktop {__version__}"


def test_version_is_the_one_in_pyproject(env):
    """One version number, pyproject.toml's: --version prints it."""
    from version_helpers import pyproject_version

    result = run(env, "--version")
    assert result.stdout.strip() == f"fsm-desktop {pyproject_version()}"


def test_help_lists_every_subcommand(env):
    result = run(env, "--help")
    assert result.returncode == 0
    for word in ("init", "demo", "--db", "--screenshot", "--exit-after-show"):
        assert word in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["measures", "-h"]])
def test_help_speaks_danish(env, args):
    """argparse's own words too: the headings, -h and --version."""
    result = run(env, *args)
    assert result.returncode == 0 and result.stdout.startswith("brug: fsm-desktop")
    assert "tilvalg:" in result.stdout and "vis denne hjælp og afslut" in result.stdout
    for english in ("usage:", "options:", "positional arguments", "show this help", "show program"):
        assert english not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus"],
        ["init", "--db", "x.fsm"],  # --program missing
        ["init", "--db", "x.fsm", "--program", "fsm9"],
        ["demo", "--db", "x.fsm", "--citizens", "nul"],
        ["demo", "--db", "x.fsm", "--citizens", "0"],
        ["--size", "stor"],
        ["--db", "a.fsm", "--demo"],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(env, tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-m", "fsm_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fsm-desktop: ")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.fsm").exists()


def test_init_creates_a_project_and_refuses_to_overwrite(env, tmp_path):
    path = tmp_path / "bir.fsm"
    result = run(
        env,
        "init",
        "--db",
        str(path),
        "--program",
        "bir",
        "--unencrypted",
        "--municipality",
        "Testrup",
        "--grant",
        "1500000",
    )
    assert result.returncode == 0, result.stderr
    assert "Bedre indsats for borgere i ressourceforløb" in result.stdout

    from fsm_desktop.storage.project import Project

    with Project.open(path) as project:
        assert project.initiative.program == "bir"
        assert project.initiative.municipality == "Testrup"
        assert project.initiative.grant_amount == 1_500_000
    again = run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted")
    assert again.returncode == 2
    assert again.stderr.strip() == f"fsm-desktop: Filen {path} findes allerede."
    forced = run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted", "--force")
    assert forced.returncode == 0


@pytest.mark.parametrize("content", [None, b"hello", b""])
def test_unreadable_db_is_one_line_exit_2(env, tmp_path, content):
    path = tmp_path / "x.fsm"
    if content is not None:
        path.write_bytes(content)
    result = run(env, "--db", str(path), "--exit-after-show")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_window_opens_and_screenshot_is_written(env, tmp_path):
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted").returncode == 0
    shot = tmp_path / "shot.png"
    result = run(
        env, "--db", str(path), "--size", "1366x768", "--page", "maal", "--screenshot", str(shot)
    )
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PySide6.QtGui import QImage

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1366, 768)


def test_exit_after_show(env, tmp_path):
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", str(path), "--program", "hir", "--unencrypted").returncode == 0
    result = run(env, "--db", str(path), "--exit-after-show")
    assert result.returncode == 0, result.stderr


def test_unknown_page_is_a_usage_error(env, tmp_path):
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted").returncode == 0
    result = run(env, "--db", str(path), "--page", "nowhere", "--exit-after-show")
    assert result.returncode == 2
    assert result.stderr.strip() == "fsm-desktop: fejl: ukendt side »nowhere«"


def test_no_display_is_one_line(env, tmp_path):
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted").returncode == 0
    env = {
        k: v for k, v in env.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    result = run(env, "--db", str(path), "--exit-after-show")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "skærm" in result.stderr


def test_demo_writes_a_municipality(env, tmp_path):
    path = tmp_path / "demo.fsm"
    result = run(
        env, "demo", "--db", str(path), "--program", "bir", "--citizens", "50", "--seed", "3"
    )
    assert result.returncode == 0, result.stderr
    assert "50 borgere" in result.stdout
    from fsm_desktop.storage.overview import OverviewRepository
    from fsm_desktop.storage.project import Project

    with Project.open(path) as project:
        assert project.initiative.program == "bir"
        assert OverviewRepository(project).summary().citizens == 50
    again = run(env, "demo", "--db", str(path))
    assert again.returncode == 2 and "findes allerede" in again.stderr


def test_demo_flag_creates_the_demo_project_in_the_data_folder(env, tmp_path):
    result = run(env, "--demo", "--exit-after-show")
    assert result.returncode == 0, result.stderr
    created = list((tmp_path / "data").rglob("demo.fsm"))
    assert len(created) == 1
    from fsm_desktop.storage.overview import OverviewRepository
    from fsm_desktop.storage.project import Project

    with Project.open(created[0]) as project:
        assert project.initiative.program == "fsm2"
        assert 550 <= OverviewRepository(project).summary().citizens <= 650
    # A second start opens the same file instead of writing a new one.
    inode = created[0].stat().st_ino
    assert run(env, "--demo", "--exit-after-show").returncode == 0
    assert list((tmp_path / "data").rglob("demo.fsm")) == created
    assert created[0].stat().st_ino == inode


def test_start_up_imports_neither_matplotlib_nor_openpyxl(env, tmp_path):
    """conventions.md §14: the window does not wait for them (matplotlib alone costs ~0.6 s)."""
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", str(path), "--program", "fsm2", "--unencrypted").returncode == 0
    code = (
        "import sys\n"
        "from fsm_desktop.cli import main\n"
        f"rc = main(['--db', {str(path)!r}, '--exit-after-show'])\n"
        "print(rc, 'matplotlib' in sys.modules, 'openpyxl' in sys.modules, 'numpy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False", "False", "False"]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--bogus"], "fsm-desktop: fejl: ukendt argument: --bogus"),
        (["init", "--db", "x.fsm"], "fsm-desktop: fejl: angiv en af --program --template"),
        (
            ["init", "--db", "x.fsm", "--program", "fsm9"],
            "fsm-desktop: fejl: --program: »fsm9« er ikke et af valgene 'fsm2', 'frontrunner', 'bir', 'hir'",
        ),
        (["demo", "--db"], "fsm-desktop: fejl: --db skal have en værdi"),
        (
            ["demo", "--db", "x.fsm", "--seed", "q"],
            "fsm-desktop: fejl: --seed: »q« er ikke et helt tal",
        ),
        (
            ["init", "--db", "x.fsm", "--program", "fsm2", "--grant", "abc"],
            "fsm-desktop: fejl: --grant: »abc« er ikke et tal",
        ),
        (["--d", "x.fsm"], "fsm-desktop: fejl: --d er tvetydig: mener du --db, --demo?"),
    ],
)
def test_usage_errors_are_in_danish(env, tmp_path, args, expected):
    result = subprocess.run(
        [sys.executable, "-m", "fsm_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == expected


def _env_with(env, **extra):
    return {**env, **extra}


def test_init_without_a_password_or_terminal_refuses_unless_unencrypted(env, tmp_path):
    path = tmp_path / "p.fsm"
    refused = run(env, "init", "--db", str(path), "--program", "fsm2")
    assert refused.returncode == 2 and not path.exists()
    assert (
        "angiv en adgangskode (FSM_PASSWORD, --password-file FIL eller i en terminal)"
        in refused.stderr
    )
    short = run(_env_with(env, FSM_PASSWORD="kort"), "init", "--db", str(path), "--program", "fsm2")
    assert short.returncode == 2 and "mindst 8 tegn" in short.stderr and not path.exists()


def test_an_encrypted_project_from_the_environment_or_a_file(env, tmp_path):
    from fsm_desktop.storage.keys import is_encrypted

    path = tmp_path / "p.fsm"
    made = run(
        _env_with(env, FSM_PASSWORD="en god lang sætning"),
        "init",
        "--db",
        str(path),
        "--program",
        "fsm2",
    )
    assert made.returncode == 0, made.stderr
    assert "; krypteret)" in made.stdout and is_encrypted(path)
    password_file = tmp_path / "kode.txt"
    password_file.write_text("en god lang sætning\n", encoding="utf-8")
    read = run(
        env,
        "caseload",
        "--db",
        str(path),
        "--password-file",
        str(password_file),
        "--format",
        "json",
    )
    assert read.returncode == 0, read.stderr
    by_env = run(
        _env_with(env, FSM_PASSWORD="en god lang sætning"),
        "measures",
        "--db",
        str(path),
        "--format",
        "json",
    )
    assert by_env.returncode == 0, by_env.stderr
    # Without a password and without a terminal: one Danish line, exit 2.
    missing = run(env, "measures", "--db", str(path))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "er krypteret. Angiv adgangskoden. Sæt FSM_PASSWORD" in missing.stderr
    before = path.read_bytes()
    wrong = run(
        _env_with(env, FSM_PASSWORD="forkert kode!!"),
        "import",
        "--db",
        str(path),
        str(password_file),
    )
    assert wrong.returncode == 2
    assert wrong.stderr == "fsm-desktop: Forkert adgangskode til p.fsm. Intet er ændret.\n"
    assert path.read_bytes() == before


def test_demo_is_unencrypted_unless_a_password_is_given(env, tmp_path):
    from fsm_desktop.storage.keys import is_encrypted

    plain, secret = tmp_path / "d.fsm", tmp_path / "e.fsm"
    assert run(env, "demo", "--db", str(plain), "--citizens", "5").returncode == 0
    assert not is_encrypted(plain)
    made = run(
        _env_with(env, FSM_PASSWORD="en god lang sætning"),
        "demo",
        "--db",
        str(secret),
        "--citizens",
        "5",
    )
    assert made.returncode == 0, made.stderr
    assert is_encrypted(secret)
