"""The layers of conventions.md, enforced (§1, §14).

* ``fsm_desktop.domain`` is pure Python: no Qt, no sqlite3/sqlite_utils, nothing from
  ``fsm_desktop`` outside ``fsm_desktop.domain``.
* ``fsm_desktop.storage`` and ``fsm_desktop.exchange`` import no Qt and nothing from the views
  or the app.
* Only ``fsm_desktop.views``, ``fsm_desktop.app`` and ``fsm_desktop.cli`` import Qt (the CLI
  only lazily, checked by importing it in a fresh interpreter).

Imports are found with ``ast`` at any depth: inside functions, under ``if TYPE_CHECKING``,
relative imports, and ``importlib.import_module("...")`` / ``__import__("...")`` with a literal.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import fsm_desktop

PACKAGE_DIR = Path(fsm_desktop.__file__).resolve().parent

QT = ("PySide6", "shiboken6")
SQL = ("sqlite3", "sqlite_utils")
#: Slow to import (conventions.md §14): only when a chart or a file is first needed.
HEAVY = ("matplotlib", "openpyxl")


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _within_any(name: str, packages) -> bool:
    return any(_within(name, p) for p in packages)


@dataclass(frozen=True)
class Import:
    line: int
    name: str  # absolute dotted name that is checked
    statement: str  # as written, for the failure message


def _resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    base = ".".join(parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


def find_imports(
    source: str, module: str, is_package: bool = False, filename: str = "<string>"
) -> list[Import]:
    """Every module ``source`` imports, as absolute names, wherever the import statement is."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found.extend(
                Import(node.lineno, alias.name, f"import {alias.name}") for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            written = "." * node.level + (node.module or "")
            for alias in node.names:
                statement = f"from {written} import {alias.name}"
                # "from fsm_desktop import storage" imports fsm_desktop.storage
                name = (
                    f"{base}.{alias.name}"
                    if _within(base, "fsm_desktop") and alias.name != "*"
                    else base
                )
                found.append(Import(node.lineno, name, statement))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            is_dynamic = (
                isinstance(func, ast.Name) and func.id in ("__import__", "import_module")
            ) or (isinstance(func, ast.Attribute) and func.attr == "import_module")
            first = node.args[0]
            if is_dynamic and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(Import(node.lineno, first.value, f"import_module({first.value!r})"))
    return found


def _forbidden(module: str, imported: str) -> str | None:
    """Why ``module`` may not import ``imported``, or None."""
    if _within(module, "fsm_desktop.domain"):
        if _within_any(imported, QT):
            return "domain must not import Qt"
        if _within_any(imported, SQL):
            return "domain must not import sqlite3/sqlite_utils"
        if _within(imported, "fsm_desktop") and not _within(imported, "fsm_desktop.domain"):
            return "domain must not import fsm_desktop modules outside fsm_desktop.domain"
        return None
    if _within_any(module, ("fsm_desktop.storage", "fsm_desktop.exchange")):
        if _within_any(imported, QT):
            return "storage and exchange must not import Qt"
        if _within_any(imported, ("fsm_desktop.views", "fsm_desktop.app")):
            return "storage and exchange must not import the views or the app"
        return None
    if _within_any(imported, QT) and not _within_any(
        module, ("fsm_desktop.views", "fsm_desktop.app", "fsm_desktop.cli")
    ):
        return "only fsm_desktop.views, app and cli may import Qt"
    return None


def check_source(
    source: str, module: str, is_package: bool = False, filename: str = "<string>"
) -> list[str]:
    """Readable layering violations of one module:
    'file:line: module imports name [statement] (rule)'."""
    problems = []
    for imp in find_imports(source, module, is_package, filename):
        reason = _forbidden(module, imp.name)
        if reason:
            problems.append(
                f"{filename}:{imp.line}: {module} imports {imp.name} [{imp.statement}] ({reason})"
            )
    return problems


def package_modules() -> list[tuple[str, bool, Path]]:
    """(module name, is a package, file) for every .py file under fsm_desktop/."""
    modules = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = list(rel.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        modules.append((".".join(parts), is_package, path))
    return modules


# --- the package -------------------------------------------------------------------------------


def test_the_package_respects_the_layers():
    modules = package_modules()
    names = {name for name, _, _ in modules}
    # not vacuous: the scan sees the real modules
    assert {"fsm_desktop", "fsm_desktop.domain.cpr", "fsm_desktop.storage.project"} <= names
    problems = []
    for name, is_package, path in modules:
        source = path.read_text("utf-8")
        problems += check_source(
            source, name, is_package, str(path.relative_to(PACKAGE_DIR.parent))
        )
    assert not problems, "layering violations:\n" + "\n".join(problems)


# --- the checker itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "offending"),
    [
        ("fsm_desktop.domain.fake", "import sqlite3\n", "sqlite3"),
        ("fsm_desktop.domain.fake", "def f():\n    import sqlite_utils.db\n", "sqlite_utils.db"),
        ("fsm_desktop.domain.fake", "from PySide6.QtCore import QObject\n", "PySide6.QtCore"),
        ("fsm_desktop.domain.fake", "import shiboken6\n", "shiboken6"),
        (
            "fsm_desktop.domain.fake",
            "from ..storage import project\n",
            "fsm_desktop.storage.project",
        ),
        ("fsm_desktop.domain.fake", "from fsm_desktop import storage\n", "fsm_desktop.storage"),
        (
            "fsm_desktop.domain.fake",
            "from fsm_desktop.storage.project import Project\n",
            "fsm_desktop.storage.project.Project",
        ),
        (
            "fsm_desktop.domain.fake",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlite3\n",
            "sqlite3",
        ),
        (
            "fsm_desktop.domain.fake",
            "import importlib\nimportlib.import_module('sqlite3')\n",
            "sqlite3",
        ),
        (
            "fsm_desktop.domain.fake",
            "class A:\n    def m(self):\n        __import__('PySide6')\n",
            "PySide6",
        ),
        ("fsm_desktop.storage.fake", "from PySide6 import QtCore\n", "PySide6"),
        (
            "fsm_desktop.storage.fake",
            "import fsm_desktop.views.main.window\n",
            "fsm_desktop.views.main.window",
        ),
        ("fsm_desktop.storage.fake", "from ..views import board\n", "fsm_desktop.views.board"),
        ("fsm_desktop.exchange.fake", "from fsm_desktop.app import main\n", "fsm_desktop.app.main"),
        (
            "fsm_desktop.exchange.fake",
            "def f():\n    from PySide6.QtWidgets import QWidget\n",
            "PySide6.QtWidgets",
        ),
        ("fsm_desktop.__main__", "import PySide6\n", "PySide6"),
        ("fsm_desktop.measures", "from PySide6.QtGui import QColor\n", "PySide6.QtGui"),
    ],
)
def test_the_checker_catches(module, source, offending):
    problems = check_source(source, module, filename="fake.py")
    assert len(problems) == 1, problems
    assert f"{module} imports {offending} [" in problems[0]
    assert problems[0].startswith("fake.py:")


def test_the_checker_catches_relative_imports_in_a_package_init():
    problems = check_source("from .. import storage\n", "fsm_desktop.domain", is_package=True)
    assert problems and "fsm_desktop.storage" in problems[0]


@pytest.mark.parametrize(
    ("module", "source", "is_package"),
    [
        (
            "fsm_desktop.domain.fake",
            "from . import model\nfrom .errors import ValidationError\n",
            False,
        ),
        ("fsm_desktop.domain", "from . import cpr\n", True),
        (
            "fsm_desktop.domain.fake",
            "from fsm_desktop.domain.model import Citizen\nimport datetime, json\n",
            False,
        ),
        (
            "fsm_desktop.storage.fake",
            "import sqlite3\nfrom sqlite_utils import Database\nfrom ..domain import model\n",
            False,
        ),
        (
            "fsm_desktop.exchange.fake",
            "import csv\nfrom fsm_desktop.storage.project import Project\n",
            False,
        ),
        (
            "fsm_desktop.views.fake",
            "from PySide6.QtWidgets import QWidget\nfrom ..storage import project\n",
            False,
        ),
        ("fsm_desktop.app", "from PySide6.QtWidgets import QApplication\n", False),
        (
            "fsm_desktop.cli",
            "def gui():\n    from fsm_desktop.app import main\n    import PySide6\n",
            False,
        ),
    ],
)
def test_the_checker_allows(module, source, is_package):
    assert check_source(source, module, is_package) == []


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


def test_domain_and_storage_import_no_qt_matplotlib_or_openpyxl():
    modules = [
        name
        for name, _, _ in package_modules()
        if _within_any(name, ("fsm_desktop.domain", "fsm_desktop.storage"))
    ]
    assert "fsm_desktop.storage.repositories" in modules
    loaded = _loaded_after_import(*modules)
    assert loaded == [], f"importing domain and storage loads {loaded}"
