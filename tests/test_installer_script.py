"""The Windows installer's script (packaging/fsm-desktop.iss) and the workflow that builds it
(.github/workflows/windows.yml), read as text: iscc and a Windows runner are not here, so
this checks what the installer promises IT — per machine, silent, the .fsm association, the
version from pyproject.toml, nothing of the users' removed — and that the two files agree.
The workflow itself compiles, installs and uninstalls on Windows (docs/install.md)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from version_helpers import ROOT, pyproject_version

ISS = ROOT / "packaging" / "fsm-desktop.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"


def _script() -> str:
    raw = ISS.read_bytes()
    # Without its byte-order mark iscc reads the script in the machine's code page.
    assert raw.startswith(b"\xef\xbb\xbf"), "save packaging/fsm-desktop.iss as UTF-8 with BOM"
    return raw.decode("utf-8-sig")


def _sections() -> dict[str, list[str]]:
    """Each [Section]'s lines, without comments and blank lines."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in _script().splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        match = re.fullmatch(r"\[(\w+)\]", line)
        if match:
            current = match.group(1)
            sections.setdefault(current, [])
        else:
            sections[current].append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _sections()["Setup"])


def _registry() -> list[dict[str, str]]:
    """The [Registry] entries as parameter → value (quotes taken off)."""
    entries = []
    for line in _sections()["Registry"]:
        entry = {}
        for part in re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]+)', line):
            key, value = part
            value = value.strip()
            if value.startswith('"'):
                value = value[1:-1].replace('""', '"')
            entry[key] = value
        entries.append(entry)
    return entries


def test_the_version_is_passed_in_and_used_everywhere():
    script = _script()
    assert re.search(r"^#ifndef AppVersion\s*$\s*#error ", script, re.MULTILINE)
    setup = _setup()
    for key in ("AppVersion", "VersionInfoVersion", "VersionInfoProductVersion"):
        assert setup[key] == "{#AppVersion}", key
    assert "{#AppVersion}" in setup["OutputBaseFilename"]
    # VersionInfoVersion takes numbers only: pyproject.toml's version must be X.Y.Z.
    assert re.fullmatch(r"\d+\.\d+\.\d+", pyproject_version())


def test_per_machine_install_in_program_files_in_danish():
    setup = _setup()
    assert setup["PrivilegesRequired"] == "admin"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    assert setup["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert re.search(r'#define AppName "FSM Desktop"', _script())
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert _sections()["Languages"] == [
        'Name: "danish"; MessagesFile: "compiler:Languages\\Danish.isl"'
    ]
    icons = _sections()["Icons"]
    assert any(line.startswith(r'Name: "{autoprograms}\{#AppName}"') for line in icons)


def test_a_silent_install_asks_nothing_and_restarts_nothing():
    setup = _setup()
    sections = _sections()
    assert "Code" not in sections, "a [Code] section could show a message a silent install hangs on"
    for key in ("AlwaysRestart", "RestartIfNeededByRun"):
        assert setup.get(key, "no") == "no", key
    assert setup["RestartApplications"] == "no"
    for line in sections.get("Run", []):
        assert "skipifsilent" in line or "runhidden" in line, line
    for line in sections.get("Tasks", []):
        assert "unchecked" in line, line  # /VERYSILENT takes the defaults


def test_fsm_files_open_with_the_program_and_its_icon():
    setup = _setup()
    assert setup["ChangesAssociations"] == "yes"
    entries = _registry()
    assert all(e["Root"] == "HKA" for e in entries)  # HKLM for this per-machine install
    by_key = {(e["Subkey"], e.get("ValueName", "")): e for e in entries}
    extension = by_key[(r"Software\Classes\.fsm", "")]
    assert extension["ValueData"] == "{#ProgId}"
    assert "uninsdeletevalue" in extension["Flags"]
    assert re.search(r'#define ProgId "FSMDesktop\.Project"', _script())
    command = by_key[(r"Software\Classes\{#ProgId}\shell\open\command", "")]
    assert command["ValueData"] == r'"{app}\{#AppExe}" --db "%1"'
    icon = by_key[(r"Software\Classes\{#ProgId}\DefaultIcon", "")]
    assert icon["ValueData"].startswith(r"{app}\{#AppIcon}")
    assert "uninsdeletekey" in by_key[(r"Software\Classes\{#ProgId}", "")]["Flags"]
    assert re.search(r'#define AppExe "fsm-desktop\.exe"', _script())
    assert re.search(r'#define AppIcon "fsm-desktop\.ico"', _script())


def test_the_command_line_opens_a_project_with_db():
    """The association's command: `fsm-desktop --db FILE` is the window on that project."""
    from fsm_desktop.cli import build_parser

    args = build_parser().parse_args(["--db", r"C:\Projekter\a b.fsm"])
    assert args.command is None and args.db == r"C:\Projekter\a b.fsm"


def test_installs_the_built_folder_and_removes_nothing_of_the_users():
    sections = _sections()
    files = sections["Files"]
    assert any(
        line.startswith(r'Source: "{#BuildDir}\*"') and "recursesubdirs" in line for line in files
    )
    assert re.search(r'#define BuildDir "\.\.\\dist\\fsm-desktop"', _script())
    assert any(r"..\resources\icons\{#AppIcon}" in line for line in files)
    assert (ROOT / "CHANGELOG.md").is_file()
    assert "UninstallDelete" not in sections and "InstallDelete" not in sections
    for name, lines in sections.items():
        for line in lines:
            for user_place in ("{userappdata}", "{localappdata}", "{userdocs}", "HKCU"):
                assert user_place not in line, (name, line)


@pytest.fixture
def workflow() -> str:
    return WORKFLOW.read_text(encoding="utf-8")


def test_the_workflow_builds_smoke_tests_and_installs_on_windows(workflow):
    for needed in (
        "runs-on: windows-latest",
        'python-version: "3.11"',
        'pip install ".[dist]"',
        "packaging/build_dist.py",
        "QT_QPA_PLATFORM: offscreen",
        "/DAppVersion=${{ steps.version.outputs.version }}",
        r"packaging\fsm-desktop.iss",
        "'/VERYSILENT', '/SUPPRESSMSGBOXES', '/NORESTART'",
        "unins000.exe",
        "actions/upload-artifact",
    ):
        assert needed in workflow, needed
    assert "tomllib" in workflow and "['project']['version']" in workflow


def test_the_workflow_checks_the_entry_the_script_makes(workflow):
    app_id = _setup()["AppId"][1:]  # "{{" is one "{" to iscc
    assert f"Uninstall\\{app_id}_is1" in workflow
    assert "FSMDesktop.Project" in workflow
    assert '--db `"%1`"' in workflow


def test_install_doc_says_how(workflow):
    doc = (ROOT / "docs" / "install.md").read_text(encoding="utf-8")
    for needed in ("/VERYSILENT", "unins000.exe", "iscc /DAppVersion=", "Run workflow", "LGPL"):
        assert needed in doc, needed
    assert _setup()["AppId"][1:] in doc
    assert Path(ISS).name in doc


@pytest.mark.slow
@pytest.mark.skipif(
    not (os.environ.get("ISCC") and shutil.which("wine") and shutil.which("xvfb-run")),
    reason="needs Wine, Xvfb and Inno Setup's ISCC.exe (ISCC=…; docs/install.md)",
)
def test_the_installer_compiles_installs_and_uninstalls_under_wine():
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "packaging" / "check_installer.py"),
            "--iscc",
            os.environ["ISCC"],
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installer check passed." in done.stdout
    assert f"Programmer og funktioner: FSM Desktop {pyproject_version()}" in done.stdout
