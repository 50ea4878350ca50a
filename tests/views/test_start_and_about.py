"""The first start (the start page with no project) and Hjælp → Om FSM Desktop: the version
is pyproject.toml's, the log file is where the program writes it, and every bundled library's
licence can be read."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from version_helpers import pyproject_version

from fsm_desktop.app import log_folder
from fsm_desktop.logs import LOG_NAME
from fsm_desktop.views.main import about
from fsm_desktop.views.main.about import AboutDialog, licences
from fsm_desktop.views.main.window import MainWindow


@pytest.fixture
def window(app, qtbot, settings):
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.project is not None:
        win.project.close()


def _help_action(window: MainWindow, text: str):
    help_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Hjælp"
    )
    return next(a for a in help_menu.actions() if a.text().replace("&", "") == text)


@pytest.fixture
def about_dialog(window, qtbot):
    _help_action(window, "Om FSM Desktop").trigger()
    dialogs = [d for d in window.findChildren(AboutDialog) if d.isVisible()]
    assert len(dialogs) == 1
    qtbot.addWidget(dialogs[0])
    return dialogs[0]


# --- the start page ------------------------------------------------------------------------


def test_the_start_page_offers_new_open_and_demo(window, qtbot, monkeypatch, small_project_path):
    """Each button triggers the File menu's action, and so runs what the menu runs."""
    from fsm_desktop.views.main import file_menu, new_project_dialog

    page = window.welcome
    assert window.stack.currentWidget() is page
    asked = []
    monkeypatch.setattr(
        new_project_dialog.NewProjectDialog,
        "exec",
        lambda self: (
            asked.append("Nyt projekt") or new_project_dialog.NewProjectDialog.DialogCode.Rejected
        ),
    )
    monkeypatch.setattr(
        file_menu.file_dialogs,
        "get_open_file_name",
        lambda *args, **kwargs: asked.append("Åbn projekt") or ("", ""),
    )
    # An existing demo is opened as it is.
    monkeypatch.setattr(file_menu, "demo_path", lambda: asked.append("demo") or small_project_path)
    for button, action, text in (
        (page.new_button, window.new_action, "Nyt projekt…"),
        (page.open_button, window.open_action, "Åbn projekt…"),
        (page.demo_button, window.demo_action, "Åbn demoprojekt"),
    ):
        assert button.text() == text
        assert button.isVisible()
        with qtbot.waitSignal(action.triggered, timeout=1000):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked == ["Nyt projekt", "Åbn projekt", "demo"]
    assert window.project is not None and window.project.path == small_project_path


def test_the_demo_button_opens_the_demo(window, qtbot, tmp_path, monkeypatch):
    from fsm_desktop.views.main import file_menu

    monkeypatch.setattr(file_menu, "demo_path", lambda: tmp_path / "demo.fsm")
    qtbot.mouseClick(window.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert window.project is not None and window.project.path == tmp_path / "demo.fsm"
    assert window.stack.currentWidget() is not window.welcome


def test_the_start_page_says_how_to_get_started(window):
    steps = window.welcome.steps
    assert len(steps) == 4
    text = " ".join(steps)
    for named in ("Nyt projekt", "Import", "Tavle", "Statusskema"):
        assert named in text
    assert window.welcome.findChild(type(window.welcome.recent_box), "welcomeSteps").isVisible()


def test_without_recent_projects_none_are_offered(window):
    assert not window.welcome.recent_box.isVisible()
    assert window.welcome.recent_buttons == []


def test_recent_projects_open_from_the_start_page(window, qtbot, small_project_path, tmp_path):
    assert window.open_project(small_project_path)
    window.close_project()
    assert [b.toolTip() for b in window.welcome.recent_buttons] == [f"Åbn {small_project_path}"]
    window.settings.setValue("project/recent", [str(tmp_path / "b.fsm"), str(small_project_path)])
    window.close_project()  # shows the start page again, with the list read anew
    buttons = window.welcome.recent_buttons
    assert [b.text().split()[0] for b in buttons] == ["b.fsm", "lille.fsm"]
    assert window.welcome.recent_box.isVisible()
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert window.project is not None and window.project.path == small_project_path


# --- Om FSM Desktop -------------------------------------------------------------------------


def test_about_shows_the_pyproject_version(about_dialog):
    assert about_dialog.windowTitle() == "Om FSM Desktop"
    assert about_dialog.version_label.text() == pyproject_version()
    assert f"FSM Desktop {pyproject_version()}" in [
        label.text() for label in about_dialog.findChildren(type(about_dialog.version_label))
    ]


def test_about_shows_the_log_file_where_the_program_writes_it(about_dialog, monkeypatch):
    expected = log_folder() / LOG_NAME
    assert about_dialog.log_label.text() == str(expected)
    assert about_dialog.folder_label.text() == str(log_folder())
    opened = []
    monkeypatch.setattr(about, "open_folder", lambda folder: opened.append(folder))
    about_dialog.open_log_button.click()
    assert opened == [log_folder()]


def test_about_lists_every_bundled_library_and_shows_its_text(about_dialog):
    tree = about_dialog.licence_list
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    assert [(r.text(0), r.text(2)) for r in rows] == [(e.name, e.licence) for e in licences()]
    names = " ".join(r.text(0) for r in rows)
    for library in ("Qt", "matplotlib", "openpyxl", "NumPy", "Pillow", "sqlite-utils"):
        assert library in names
    assert about_dialog.licence_text.toPlainText() == ""
    qt = next(r for r in rows if r.text(0).startswith("Qt"))
    tree.setCurrentItem(qt)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in about_dialog.licence_text.toPlainText()
    numpy = next(r for r in rows if r.text(0) == "NumPy")
    tree.setCurrentItem(numpy)
    assert "NumPy" in about_dialog.licence_text.toPlainText()
