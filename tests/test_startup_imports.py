"""Starting fast (conventions.md §14): importing the command line, the domain or storage loads
neither Qt nor matplotlib nor openpyxl, which are imported only where they are needed.

The layers themselves (who may import whom) are import-linter's contracts in pyproject.toml,
checked by `make lint`; they cannot see whether an import is lazy, which this checks by
importing the modules in a fresh interpreter."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import fsm_desktop

PACKAGE_DIR = Path(fsm_desktop.__file__).resolve().parent

QT = ("PySide6", "shiboken6")
#: Slow to import (conventions.md §14): only when a chart or a file is first needed.
HEAVY = ("matplotlib", "openpyxl")


def package_modules(*packages: str) -> list[str]:
    """Every module under the given subpackages of fsm_desktop ("domain", "storage" …)."""
    modules = []
    for package in packages:
        for path in sorted((PACKAGE_DIR / package).rglob("*.py")):
            parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules.append(".".join(parts))
    return modules


# --- starting fast -----------------------------------------------------------------------------


def _loaded_after_import(*modules: str) -> list[str]:
    """Top-level packages of Qt/matplotlib/openpyxl loaded by importing ``modules`` afresh."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}:\n"
        "    importlib.import_module(name)\n"
        f"watched = {list(QT + HEAVY)!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(watched))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_command_line_imports_no_qt_matplotlib_or_openpyxl():
    if importlib.util.find_spec("fsm_desktop.cli") is None:
        pytest.skip("fsm_desktop/cli.py does not exist yet")
    loaded = _loaded_after_import("fsm_desktop.cli")
    assert loaded == [], (
        f"importing fsm_desktop.cli loads {loaded}; import them where they are needed"
    )


def test_domain_storage_and_operations_import_no_qt_matplotlib_or_openpyxl():
    modules = package_modules("domain", "storage", "operations")
    assert "fsm_desktop.storage.repositories" in modules
    loaded = _loaded_after_import(*modules)
    assert loaded == [], f"importing domain, storage and operations loads {loaded}"
