"""PyInstaller's hooks for this package, found through the ``pyinstaller40`` entry point in
pyproject.toml whatever spec file builds the program: the package tells the freezer what it
needs beyond its imports. Never imported by the program itself."""

from __future__ import annotations

from pathlib import Path


def get_hook_dirs() -> list[str]:
    return [str(Path(__file__).resolve().parent)]
