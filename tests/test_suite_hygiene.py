"""The suite's own guards (issue 16): a view test that leaves a window alive or changes the
application's style fails, and so does a run that ends with windows from finished tests alive.
Each is run as a small suite of its own in a subprocess, with this suite's conftest files."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def suite(pytester):
    """A copy of this suite's fixtures and guards, with no tests of its own."""
    shutil.copy(TESTS / "conftest.py", pytester.path / "conftest.py")
    shutil.copy(TESTS / "qt_cleanup.py", pytester.path / "qt_cleanup.py")
    (pytester.path / "views").mkdir()
    shutil.copy(TESTS / "views" / "conftest.py", pytester.path / "views" / "conftest.py")
    pytester.makeini("[pytest]\nqt_api = pyside6\n")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_a_view_test_that_leaves_a_window_alive_fails_and_names_it(suite):
    (suite.path / "views" / "test_leak.py").write_text(
        textwrap.dedent("""
        from PySide6.QtWidgets import QDialog
        KEPT = []

        def test_leaves_a_dialog(app):
            dialog = QDialog()
            dialog.setObjectName("glemt")
            dialog.show()
            KEPT.append(dialog)

        def test_cleans_up(app, qtbot):
            dialog = QDialog()
            qtbot.addWidget(dialog)
            dialog.show()
    """)
    )
    result = run(suite, "views")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*left 1 window(s) alive: QDialog('glemt')*"])


def test_a_view_test_that_changes_the_style_sheet_fails_and_the_next_finds_it_restored(suite):
    (suite.path / "views" / "test_style.py").write_text(
        textwrap.dedent("""
        def test_changes_the_style_sheet(app):
            app.setStyleSheet("")

        def test_finds_the_programs_style_sheet(app):
            from importlib import resources
            qss = resources.files("fsm_desktop.resources").joinpath("style.qss").read_text("utf-8")
            assert app.styleSheet() == qss
    """)
    )
    result = run(suite, "views")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*changed the application's style*"])


def test_a_run_that_ends_with_windows_alive_fails(suite):
    (suite.path / "test_outside_views.py").write_text(
        textwrap.dedent("""
        from PySide6.QtWidgets import QWidget
        KEPT = []

        def test_keeps_a_window(qapp):
            KEPT.append(QWidget())
    """)
    )
    result = run(suite, "test_outside_views.py")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*windows from finished tests still alive at the end of the run: QWidget*"]
    )


def test_a_clean_run_passes(suite):
    (suite.path / "views" / "test_clean.py").write_text(
        textwrap.dedent("""
        from PySide6.QtWidgets import QWidget

        def test_a_window_added_to_qtbot(app, qtbot):
            window = QWidget()
            qtbot.addWidget(window)
            window.show()
    """)
    )
    result = run(suite, "views")
    assert result.ret == 0
    result.assert_outcomes(passed=1)
