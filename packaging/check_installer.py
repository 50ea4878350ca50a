"""The Windows installer's script checked on Linux, under Wine: compiled with Inno Setup's own
compiler (ISCC.exe), installed silently, its registry entries and files looked at, uninstalled
silently, and what must stay after that looked for.

    python packaging/check_installer.py --iscc PATH/TO/ISCC.exe      (make installer-check)

What it needs, none of it a dependency of the program (docs/install.md, "Checking the
installer on Linux"): Wine with 32-bit support (Debian: ``dpkg --add-architecture i386``, then
``apt-get install wine wine32 wine64``), Xvfb, and Inno Setup 6's compiler, which the npm
registry carries (``npm pack innosetup-compiler@6.3.1``; its ``package/bin/ISCC.exe``).

The installer wraps a stand-in for the PyInstaller folder (a file named fsm-desktop.exe, an
``_internal`` and a ``licenses`` folder): the Windows build itself is made and started only
by the Windows workflow. Checked here: the script compiles with the version given as on
Windows; a silent install for the machine puts the program, the icon and Ændringer.txt in
``C:\\Program Files\\FSM Desktop`` and a Start-menu entry; ``.fsm`` is associated with
``"…\\fsm-desktop.exe" --db "%1"`` and the icon; *Programmer og funktioner* lists the name, the
version, the publisher and a quiet uninstall; a silent uninstall removes the program, the
association and the entry, and leaves a project in the user's documents. Each step prints a
line; the first failure stops with exit code 1. Runs in its own Wine prefix, removed after."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISS = ROOT / "packaging" / "fsm-desktop.iss"
APP_ID = "{5C438977-8F31-416A-9327-7F2B9FB9AA04}_is1"
PROG_ID = "FSMDesktop.Project"


class Failed(Exception):
    pass


def version() -> str:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return str(data["project"]["version"])


def _wine(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """A Windows program under Wine, on a virtual screen (the installer draws even when
    silent)."""
    return subprocess.run(
        ["xvfb-run", "-a", "wine", *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def _tree(scratch: Path) -> Path:
    """The files the script takes, laid out as in the repository after a build, with a
    stand-in for the PyInstaller folder."""
    tree = scratch / "tree"
    (tree / "packaging").mkdir(parents=True)
    shutil.copy2(ISS, tree / "packaging" / ISS.name)
    shutil.copytree(ROOT / "resources" / "icons", tree / "resources" / "icons")
    shutil.copy2(ROOT / "CHANGELOG.md", tree / "CHANGELOG.md")
    build = tree / "dist" / "fsm-desktop"
    (build / "_internal").mkdir(parents=True)
    (build / "licenses").mkdir()
    (build / "fsm-desktop.exe").write_bytes(b"MZ stand-in for the PyInstaller build\n")
    (build / "_internal" / "base_library.zip").write_bytes(b"stand-in\n")
    (build / "licenses" / "README.txt").write_text("notices\n", encoding="utf-8")
    return tree


def _windows_path(path: Path) -> str:
    return "Z:" + str(path).replace("/", "\\")


def _registry(prefix: Path) -> str:
    """HKLM as Wine keeps it (system.reg), keys and values as text."""
    return (prefix / "system.reg").read_text("utf-8", errors="replace")


def _section(registry: str, key: str) -> str | None:
    """The values of one key of system.reg (its path as Wine writes it: "\\\\" between
    parts), or None when the key is not there."""
    header = "[" + key.replace("\\", "\\\\") + "]"
    start = registry.find(header)
    if start < 0:
        return None
    end = registry.find("\n[", start + 1)
    return registry[start : end if end >= 0 else len(registry)]


def run(iscc: Path, scratch: Path) -> list[str]:
    said: list[str] = []
    prefix = scratch / "prefix"
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "WINEARCH": "win64"}
    made = _wine(env, "wineboot", "--init")
    if made.returncode:
        raise Failed(f"wineboot failed: {made.stderr.strip()[-300:]}")
    # The script asks for Windows 10 or newer (MinVersion=10.0); a new prefix says Windows 7.
    _wine(env, "winecfg", "-v", "win10")
    tree = _tree(scratch)
    number = version()
    compiled = _wine(
        env, str(iscc), f"/DAppVersion={number}", _windows_path(tree / "packaging" / ISS.name)
    )
    setup = tree / "dist" / "installer" / f"fsm-desktop-{number}-setup.exe"
    if compiled.returncode or not setup.is_file():
        raise Failed(f"iscc failed (exit {compiled.returncode}):\n{compiled.stdout[-2000:]}")
    warnings = [line for line in compiled.stdout.splitlines() if "warning" in line.lower()]
    if warnings:
        raise Failed("iscc warned:\n" + "\n".join(warnings))
    said.append(f"compiled: {setup.name}, {setup.stat().st_size // 1024} KiB (Inno Setup)")

    log = scratch / "install.log"
    installed = _wine(
        env,
        str(setup),
        "/VERYSILENT",
        "/SUPPRESSMSGBOXES",
        "/NORESTART",
        f"/LOG={_windows_path(log)}",
    )
    text = log.read_text("utf-8", errors="replace") if log.exists() else ""
    if installed.returncode or "Installation process succeeded" not in text:
        raise Failed(f"the silent install failed (exit {installed.returncode}):\n{text[-1500:]}")
    app = prefix / "drive_c" / "Program Files" / "FSM Desktop"
    for name in ("fsm-desktop.exe", "fsm-desktop.ico", "Ændringer.txt", "unins000.exe"):
        if not (app / name).is_file():
            raise Failed(f"the install has no {name} in {app}")
    if not (app / "_internal" / "base_library.zip").is_file():
        raise Failed("the install lacks the build folder's _internal")
    menu = prefix / "drive_c" / "ProgramData" / "Microsoft" / "Windows" / "Start Menu"
    if not list(menu.rglob("FSM Desktop.lnk")):
        raise Failed("no Start-menu entry FSM Desktop")
    said.append(f"silent install: {app.name} in Program Files, Start-menu entry")

    registry = _registry(prefix)
    extension = _section(registry, r"Software\Classes\.fsm")
    command = _section(registry, rf"Software\Classes\{PROG_ID}\shell\open\command")
    icon = _section(registry, rf"Software\Classes\{PROG_ID}\DefaultIcon")
    if extension is None or f'@="{PROG_ID}"' not in extension:
        raise Failed(f".fsm is not associated with {PROG_ID}: {extension!r}")
    expected = r'@="\"C:\\Program Files\\FSM Desktop\\fsm-desktop.exe\" --db \"%1\""'
    if command is None or expected not in command:
        raise Failed(f".fsm does not open with --db: {command!r}")
    if icon is None or "fsm-desktop.ico,0" not in icon:
        raise Failed(f".fsm has not the program's icon: {icon!r}")
    entry = _section(registry, rf"Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}")
    if entry is None:
        raise Failed("no entry in Programmer og funktioner")
    for value in (
        '"DisplayName"="FSM Desktop"',
        f'"DisplayVersion"="{number}"',
        '"Publisher"="FSM Desktop"',
        '"QuietUninstallString"=',
    ):
        if value not in entry:
            raise Failed(f"Programmer og funktioner lacks {value}:\n{entry}")
    said.append(
        f'registry: .fsm → {PROG_ID}, "fsm-desktop.exe" --db "%1", its icon; '
        f"Programmer og funktioner: FSM Desktop {number}"
    )

    documents = prefix / "drive_c" / "users" / os.environ.get("USER", "root") / "Documents"
    documents.mkdir(parents=True, exist_ok=True)
    project = documents / "projekt.fsm"
    project.write_bytes(b"a user's project\n")
    removed = _wine(
        env, "C:\\Program Files\\FSM Desktop\\unins000.exe", "/VERYSILENT", "/NORESTART"
    )
    subprocess.run(["xvfb-run", "-a", "wineserver", "-w"], env=env, timeout=120, check=False)
    if removed.returncode:
        raise Failed(f"the silent uninstall failed (exit {removed.returncode})")
    if app.exists() and any(app.iterdir()):
        raise Failed(f"the uninstall left {sorted(p.name for p in app.iterdir())}")
    registry = _registry(prefix)
    for key in (
        rf"Software\Classes\{PROG_ID}",
        rf"Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}",
    ):
        if _section(registry, key) is not None:
            raise Failed(f"the uninstall left the registry key {key}")
    if not project.is_file():
        raise Failed("the uninstall removed a user's project")
    said.append("silent uninstall: program, association and entry gone; the user's project kept")
    return said


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iscc", type=Path, default=os.environ.get("ISCC"), required=False)
    args = parser.parse_args(argv)
    if args.iscc is None or not Path(args.iscc).is_file():
        print("check_installer: give Inno Setup's ISCC.exe with --iscc or ISCC=", file=sys.stderr)
        return 2
    for tool in ("wine", "xvfb-run"):
        if shutil.which(tool) is None:
            print(f"check_installer: {tool} is not installed (docs/install.md)", file=sys.stderr)
            return 2
    print(f"Installer check of {ISS.relative_to(ROOT)} under Wine:", flush=True)
    with tempfile.TemporaryDirectory(prefix="fsm-installer-") as scratch:
        try:
            for line in run(Path(args.iscc).resolve(), Path(scratch)):
                print(f"  ok  {line}", flush=True)
        except (Failed, subprocess.TimeoutExpired, OSError) as error:
            print(f"  FAILED  {error}", file=sys.stderr)
            return 1
    print("Installer check passed.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
