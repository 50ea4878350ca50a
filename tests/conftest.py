"""Shared fixtures: a fresh project database per test, and a template's JSON as a dict."""

from __future__ import annotations

import copy
import json
import sys
from importlib import resources
from pathlib import Path

import pytest

from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project


def _builtin_json(key: str) -> dict:
    text = (
        resources.files("fsm_desktop.resources")
        .joinpath("programs", f"{key}.json")
        .read_text("utf-8")
    )
    return json.loads(text)


@pytest.fixture
def template_data() -> dict:
    """A deep copy of the shipped fsm2 template as parsed JSON; tests may change it freely."""
    return copy.deepcopy(_builtin_json("fsm2"))


@pytest.fixture
def project(tmp_path):
    """A new, empty fsm2 project in a temporary folder; closed at teardown."""
    opened = Project.create(tmp_path / "test.fsm", builtin_template("fsm2"))
    try:
        yield opened
    finally:
        opened.close()


def pytest_sessionstart(session):
    """The program's modules compiled once, before the tests that start it as a process (about
    150 starts): where PYTHONDONTWRITEBYTECODE is set, as on the CI machine, no start writes
    its bytecode, so each one compiled every module of the package again (0.3 s a start; the
    command-line tests took 22 s instead of 17)."""
    if not sys.dont_write_bytecode:
        return  # the first start writes it, as usual
    import compileall

    import fsm_desktop

    package = Path(fsm_desktop.__file__).parent
    compileall.compile_dir(package, quiet=2, workers=0)


def pytest_sessionfinish(session, exitstatus):
    """The run fails if windows from finished tests are still alive at its end (each view test
    checks its own; this catches what escapes a fixture, such as a module-level window)."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    from qt_cleanup import describe, flush_deletions, live_windows

    flush_deletions()
    alive = live_windows(app)
    if alive:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        line = f"windows from finished tests still alive at the end of the run: {', '.join(describe(w) for w in alive)}"
        if reporter is not None:
            reporter.write_line(line, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
