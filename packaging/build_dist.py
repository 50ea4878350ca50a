"""Builds the frozen program, dist/fsm-desktop/, from packaging/fsm-desktop.spec, then runs
packaging/smoke_test.py on it and prints the build time and the folder's size.

    make dist      (creates build/dist-venv, installs the package and '.[dist]' there, runs this)

Run with the build environment's Python: there the package is installed (not editable, so its
resources are where a user's install has them) and PySide6-Essentials is the only Qt binding,
which this checks first. PyInstaller runs from build/, so that the source tree's fsm_desktop/
(without its resources) does not shadow the installed package."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "fsm-desktop.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
NAME = "fsm-desktop"

#: Qt bindings PyInstaller would take along (or refuse to mix): only PySide6-Essentials may be
#: installed. The Addons would double the size for modules the program does not use.
OTHER_QT = {"pyqt5", "pyqt6", "pyside2", "pyside6", "pyside6-addons", "pyqt5-qt5", "pyqt6-qt6"}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def check_environment() -> None:
    installed = {_canonical(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    others = sorted(installed & OTHER_QT)
    if "pyside6-essentials" not in installed or others:
        raise SystemExit(
            f"build_dist: the build environment must have PySide6-Essentials as its only Qt "
            f"binding; found {others or 'no PySide6-Essentials'} ({sys.prefix})"
        )
    if "pyinstaller" not in installed:
        raise SystemExit("build_dist: PyInstaller is not installed: pip install '.[dist]'")
    try:
        importlib.metadata.distribution(NAME)
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit(f"build_dist: {NAME} is not installed: pip install '.[dist]'") from None


def build() -> float:
    """Runs PyInstaller; returns the seconds it took."""
    WORK.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(SPEC),
        ],
        cwd=WORK,
        env=env,
        check=True,
    )
    return time.monotonic() - started


def main() -> int:
    check_environment()
    version = importlib.metadata.version("pyinstaller")
    print(f"Building {DIST / NAME} with PyInstaller {version} …", flush=True)
    seconds = build()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import smoke_test

    code = smoke_test.main([str(DIST / NAME)])
    total, files = smoke_test.size_of(DIST / NAME)
    print(
        f"Build: {seconds:.0f} s; {DIST / NAME}: {total / 2**20:.0f} MiB in {files} files "
        f"({sys.platform}, Python {sys.version.split()[0]})."
    )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
