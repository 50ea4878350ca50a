"""The benchmarks import the program's names inside their functions (and in scripts they run
in a subprocess), where neither the linters nor the suite would notice one that moved: every
``from fsm_desktop… import name`` in bench/ must name something that exists."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
#: Imports in the scripts the benchmarks hand to a subprocess as text.
_IN_TEXT = re.compile(r"^\s*from (fsm_desktop[\w.]*) import ([\w, ]+)$", re.M)


def _imports() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted(BENCH.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fsm_desktop"):
                found += [(path.name, node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                for module, names in _IN_TEXT.findall(node.value):
                    found += [
                        (path.name, module, n.split(" as ")[0].strip()) for n in names.split(",")
                    ]
    return found


def test_every_name_the_benchmarks_import_exists():
    imports = _imports()
    assert len(imports) > 20  # the scan sees the benchmarks' imports
    missing = []
    for where, module, name in imports:
        loaded = importlib.import_module(module)
        if not hasattr(loaded, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{where}: from {module} import {name}")
    assert not missing, "the benchmarks import names that do not exist:\n" + "\n".join(missing)
