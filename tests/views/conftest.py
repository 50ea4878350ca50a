"""Fixtures for the views: the application (created and styled once per run), an isolated
QSettings file, Qt's test-mode standard paths, and a small project with real rows written
through the repositories.

Every test leaves the application as it found it: its windows deleted and its style and locale
unchanged (``application_left_clean``). Restyling or laying out widgets left over from earlier
tests is what made the suite slow down as it went on."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from fsm_desktop.app import create_application
from fsm_desktop.domain.model import Citizen, ExitReason, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository


@pytest.fixture(autouse=True)
def synchronous_tasks(monkeypatch):
    """Background tasks run at once in tests (conventions.md §7)."""
    from fsm_desktop.views.kit import tasks

    monkeypatch.setattr(tasks, "runner", tasks.SynchronousRunner())


@pytest.fixture(autouse=True)
def no_counting_ahead(monkeypatch):
    """The main window does not let hidden pages count ahead (with the synchronous runner that
    would be a whole count on the GUI thread in the middle of another test); the tests of
    counting ahead switch it on again."""
    from fsm_desktop.views.main.window import MainWindow

    monkeypatch.setattr(MainWindow, "PREFETCH_AFTER_MS", 10**9)


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch):
    """A real message box would block the test run: one that a test did not expect fails it.
    Tests that expect one replace the function again."""
    from PySide6.QtWidgets import QMessageBox

    def unexpected(*args, **kwargs):
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture(scope="session")
def app(qapp):
    """The application as the program builds it (Fusion, the style sheet, Danish), once per run:
    setting the style sheet again restyles every live widget. A test that needs another style
    or locale sets it and restores it; ``application_left_clean`` checks that it did."""
    QStandardPaths.setTestModeEnabled(True)
    create_application()
    return qapp


@pytest.fixture(autouse=True)
def application_left_clean(app):
    """After every view test: the windows it made are deleted, and its style and locale are
    those it found. Leftover windows are deleted and fail the test, naming their classes."""
    from qt_cleanup import application_state, delete_leftover_windows

    before = application_state(app)
    # What lives now (modules, the application, earlier tests' survivors) is left out of the
    # collections after the test: they then walk only what the test made (0.1 s a test less).
    gc.freeze()
    yield
    leftovers = delete_leftover_windows(app)
    changed = application_state(app) != before
    if changed:  # put it back, so that only this test fails
        create_application()
    assert not leftovers, (
        f"the test left {len(leftovers)} window(s) alive: {', '.join(leftovers)} "
        "(qtbot.addWidget, close the project, or give it a parent that is deleted)"
    )
    assert not changed, (
        "the test changed the application's style, style sheet, font, palette or locale"
    )


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def small_project_path(tmp_path):
    """An fsm2 project with 3 staff and 4 citizens (one moved away), written and closed."""
    path = tmp_path / "lille.fsm"
    project = Project.create(
        path, builtin_template("fsm2"), municipality="Testrup Kommune", grant_amount=2_000_000
    )
    with project:
        staff = StaffRepository(project)
        staff.add(Staff(initials="AB", name="Anna Berg", role=StaffRole.JOB_BROKER))
        staff.add(
            Staff(initials="CD", name="Carl Dahl", role=StaffRole.CASEWORKER, hours_per_week=30)
        )
        staff.add(Staff(initials="EF", name="Eva Frost", role=StaffRole.LEADER))
        citizens = CitizenRepository(project)
        citizens.add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
        citizens.add(Citizen(cpr="0202802345", name="Grete Jensen", group=1))
        citizens.add(Citizen(cpr="0303753456", name="Ali Khan", group=2))
        citizens.add(
            Citizen(
                cpr="0404654567",
                name="Bo Nielsen",
                group=1,
                entry_date=dt.date(2019, 11, 1),
                exit_date=dt.date(2020, 6, 30),
                exit_reason=ExitReason.MOVED_AWAY,
            )
        )
    return path


@pytest.fixture
def open_window(app, qtbot, settings):
    """``open_window(path, page)``: the main window shown on a project and one of its pages;
    the project is closed at teardown."""
    from fsm_desktop.views.main.window import MainWindow

    windows = []

    def open_(path, page_key: str):
        win = MainWindow(settings)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        assert win.open_project(path)
        win.show_page_key(page_key)
        windows.append(win)
        return win

    yield open_
    for win in windows:
        if win.project is not None:
            win.project.close()
