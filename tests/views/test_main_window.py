"""The main window on a real project: every page, the File menu's actions, errors."""

from __future__ import annotations

import argparse
from importlib import resources

import pytest
from PySide6.QtCore import QAbstractItemModel, QRect, Qt
from PySide6.QtGui import QAction, QGuiApplication, QShortcut
from PySide6.QtTest import QAbstractItemModelTester
from sqlcipher3 import dbapi2 as sqlite3

from fsm_desktop.domain.errors import KnownError, ProjectFileError
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.kit.shortcuts import description, in_own_window, keys_of, keys_text
from fsm_desktop.views.main.help import GuideDialog, guide_html
from fsm_desktop.views.main.registry import page_classes
from fsm_desktop.views.main.window import MainWindow, first_geometry
from fsm_desktop.views.staff.page import StaffPage


@pytest.fixture
def window(app, qtbot, settings):
    win = MainWindow(settings)
    win.warnings = []
    win.warn = lambda title, error: win.warnings.append((title, error))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.project is not None:
        win.project.close()


def test_without_project_shows_the_start_page(window):
    assert window.project is None
    assert window.stack.currentWidget() is window.welcome
    assert not window.nav.isEnabled()
    assert not window.backup_action.isEnabled()
    assert window.windowTitle() == "FSM Desktop"
    assert window.status_label.text() == "Intet projekt åbent"


def test_opening_a_project_sets_title_status_and_recent(window, small_project_path, settings):
    with pytest.raises(AssertionError):
        assert window.project is not None
    assert window.open_project(small_project_path)
    assert window.warnings == []
    assert "Flere skal med 2" in window.windowTitle()
    assert "lille.fsm" in window.windowTitle()
    # Three active citizens (one moved away), two in group 1 and one in group 2.
    status = window.status_label.text()
    assert "3 borgere" in status and "i målgruppen" not in status
    assert "gruppe 1: 2 · gruppe 2: 1" in status
    assert "3 medarbejdere" in status
    assert "1 gået ud" in status
    assert window.recent_files() == [str(small_project_path)]
    assert settings.value("project/last") == str(small_project_path)
    assert [a.data() for a in window.recent_menu.actions()] == [str(small_project_path)]


def test_every_page_can_be_visited(window, qtbot, small_project_path):
    window.open_project(small_project_path)
    titles = []
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        page = window.stack.currentWidget()
        assert page is window.pages[row]
        assert page.isVisible()
        assert page._loaded
        titles.append(page.title_label.text())
    assert titles == ["Tavle", "Borgere", "Step-up", "Mål", "Statusskema", "Medarbejdere", "Import"]
    assert len(titles) == len(page_classes())


def test_pages_show_real_figures(window, small_project_path):
    window.open_project(small_project_path)
    window.show_page_key("tavle")
    board = window.stack.currentWidget()
    # Nobody is placed yet: all three active citizens are "Ikke placeret".
    assert [h.text() for h in board.headers] == [
        "i gang (0)",
        "på spring (0)",
        "på vej (0)",
        "på længere sigt (0)",
        "Ikke placeret (3)",
    ]

    window.show_page_key("borgere")
    register = window.stack.currentWidget()
    # The target group today; the one who moved away shows on request.
    names = sorted(register.proxy.index(r, 0).data() for r in range(register.proxy.rowCount()))
    assert names == ["Ali Khan", "Grete Jensen", "Hans Hansen"]
    assert register.count_label.text().startswith("3 af 3 borgere")
    register.left_box.setChecked(True)
    assert register.proxy.rowCount() == 4
    assert register.count_label.text().startswith("4 af 4 borgere")

    window.show_page_key("maal")
    page = window.stack.currentWidget()
    # FSM2's period Nov 2019 - Oct 2021: one row per month.
    assert page.model.rowCount() == 24

    window.show_page_key("statusskema")
    sheet = window.stack.currentWidget().model  # counted at once (tests run tasks synchronously)
    labels = [sheet.headerData(r, Qt.Orientation.Vertical) for r in range(sheet.rowCount())]
    assert labels[0] == "Bruttomålgruppen"
    goals = [sheet.index(labels.index("Løntimer"), sheet.columnCount() - g).data() for g in (2, 1)]
    assert goals == ["20 %", "25 %"]  # October 2020 and October 2021


def test_staff_page_model(window, qtbot, small_project_path):
    window.open_project(small_project_path)
    window.show_page_key("medarbejdere")
    page = window.stack.currentWidget()
    assert isinstance(page, StaffPage)
    model = page.model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 3
    names = {model.index(r, model.NAME).data() for r in range(3)}
    assert names == {"Anna Berg", "Carl Dahl", "Eva Frost"}
    hours = {
        model.index(r, model.INITIALS).data(): model.index(r, model.HOURS).data() for r in range(3)
    }
    assert hours["CD"] == "30"
    assert model.headerData(model.CITIZENS, Qt.Orientation.Horizontal) == "Borgere nu"
    # A reload keeps the model consistent (checked by the tester on every signal).
    page.reload()
    assert model.rowCount() == 3
    assert isinstance(model, QAbstractItemModel)


def test_shortcuts_switch_pages(window, qtbot, small_project_path):
    window.open_project(small_project_path)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget().key == "maal"
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget().key == "medarbejdere"


@pytest.mark.parametrize("kind", ["missing", "text", "sqlite", "directory"])
def test_bad_files_give_a_danish_message(window, tmp_path, kind):
    path = tmp_path / "bad.fsm"
    if kind == "text":
        path.write_text("ikke en database", encoding="utf-8")
    elif kind == "sqlite":
        import sqlite3

        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        conn.commit()
        conn.close()
    elif kind == "directory":
        path.mkdir()
    assert not window.open_project(path)
    assert window.project is None
    ((title, error),) = window.warnings
    assert title == "Projektet kunne ikke åbnes"
    assert isinstance(error, ProjectFileError)
    assert str(path) in error.message
    assert window.stack.currentWidget() is window.welcome


def test_create_project_and_backup(window, tmp_path):
    assert window.create_project(
        tmp_path / "ny", builtin_template("bir"), name="BIR i Testrup", grant=1_000_000
    )
    assert window.project.path == tmp_path / "ny.fsm"
    assert "BIR i Testrup" in window.windowTitle()
    # No groups in BIR: the status bar does not mention them.
    assert "gruppe 1" not in window.status_label.text()
    assert window.backup_to(tmp_path / "kopi.fsm")
    with Project.open(tmp_path / "kopi.fsm") as copy:
        assert copy.initiative.name == "BIR i Testrup"
    # The project's own file is refused as a backup target, with a message.
    assert not window.backup_to(window.project.path)
    assert window.warnings and window.warnings[-1][0] == "Sikkerhedskopien kunne ikke gemmes"


def test_close_project_and_geometry_is_remembered(window, small_project_path, settings):
    window.open_project(small_project_path)
    window.close_project()
    assert window.project is None
    assert window.stack.currentWidget() is window.welcome
    window.close()
    assert settings.value("window/geometry") is not None
    assert settings.value("project/last") == str(small_project_path)


def test_switching_project_closes_the_previous(window, small_project_path, tmp_path):
    window.open_project(small_project_path)
    first = window.project
    window.create_project(tmp_path / "anden.fsm", builtin_template("hir"))
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        first.db.execute("SELECT 1")
    assert window.recent_files()[:2] == [str(tmp_path / "anden.fsm"), str(small_project_path)]


def test_known_error_message_is_translated_text(app):
    from fsm_desktop.views.kit.messages import translate_error

    error = KnownError("Filen {path} findes ikke.", path="/x.fsm")
    assert translate_error(error) == "Filen /x.fsm findes ikke."


def test_every_search_box_says_the_same_as_it_means_the_same(window, small_project_path):
    """The board, the register and step-up search alike (domain.search): the same words."""
    window.open_project(small_project_path)
    texts = set()
    for key in ("tavle", "borgere", "stepup"):
        window.show_page_key(key)
        search = window.stack.currentWidget().search
        texts.add((search.placeholderText(), search.accessibleName()))
    assert texts == {("Søg navn eller CPR", "Søg navn eller CPR")}


def test_the_first_window_fits_the_screens_available_area(app, qtbot, settings):
    # No geometry remembered (a first start): the offscreen screen is 800×800, smaller than
    # the 1280×800 a first window has on a large screen.
    from fsm_desktop.app import _place

    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert _place(window, argparse.Namespace(page=None, size=None))  # as the program starts
    window.show()
    qtbot.waitExposed(window)
    area = QGuiApplication.primaryScreen().availableGeometry()
    qtbot.waitUntil(lambda: area.contains(window.frameGeometry()))
    assert window.statusBar().isVisible()
    status = window.statusBar().geometry().translated(window.geometry().topLeft())
    assert area.contains(status)


@pytest.mark.parametrize(
    ("area", "expected", "maximized"),
    [
        # A laptop's 1366×768 less a 40-pixel taskbar: the whole area, maximized.
        (QRect(0, 0, 1366, 728), QRect(10, 30, 1346, 668), True),
        # Full HD: 1280×800 in the middle.
        (QRect(0, 0, 1920, 1040), QRect(320, 120, 1280, 800), False),
        # A second screen to the right, taskbar at the top.
        (QRect(1920, 40, 1920, 1040), QRect(2240, 160, 1280, 800), False),
    ],
)
def test_the_first_geometry_is_never_larger_than_the_area(area, expected, maximized):
    geometry, maximize = first_geometry(area)
    assert (geometry, maximize) == (expected, maximized)
    assert area.contains(geometry)


def _listed(dialog) -> dict[str, set[tuple[str, str]]]:
    """The shortcuts dialog's tree: area → (keys, description) rows."""
    tree = dialog.tree
    listed: dict[str, set[tuple[str, str]]] = {}
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        listed[group.text(0)] = {
            (group.child(j).text(0), group.child(j).text(1)) for j in range(group.childCount())
        }
    return listed


def _expected(root) -> set[tuple[str, str]]:
    """(keys, description) of every QAction with a shortcut and every QShortcut under ``root``;
    a shortcut without a Danish description gives "" and so cannot be found in the dialog."""
    found = [*root.findChildren(QAction), *root.findChildren(QShortcut), *root.actions()]
    return {
        (keys_text(keys_of(s)), description(s))
        for s in found
        if keys_text(keys_of(s)) and in_own_window(s, root)
    }


def test_the_shortcuts_dialog_lists_every_shortcut(window, qtbot, small_project_path):
    window.open_project(small_project_path)
    window.show_page_key("borgere")
    register = window.stack.currentWidget()
    hans = CitizenRepository(window.project).by_cpr("0101701234")
    citizen_window = register.open_citizen_id(hans.id)
    qtbot.waitExposed(citizen_window)

    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = _listed(dialog)
    areas = list(listed)
    assert areas[0] == "Hele programmet" and areas[-1] == "Borgersiden"
    assert all(keys and text for rows in listed.values() for keys, text in rows)
    everything = set().union(*listed.values())

    in_pages = set().union(*(_expected(page) for page in window.pages))
    assert _expected(window) - in_pages <= listed["Hele programmet"]
    for page in window.pages:
        assert _expected(page) <= listed.get(page.title_label.text(), set()), page.key
    # The citizen page's shortcuts are declared for the dialog: an open one has no others.
    assert _expected(citizen_window) <= listed["Borgersiden"]
    assert _expected(window) | _expected(citizen_window) <= everything
    # The ones named in the issue, in Danish notation.
    for keys, area in [
        ("Ctrl+1", "Hele programmet"),
        ("Ctrl+7", "Hele programmet"),
        ("Ctrl+G", "Hele programmet"),
        ("Ctrl+← / Ctrl+→", "Tavle"),
        ("F11", "Tavle"),
        ("Ctrl+Z", "Tavle"),
        ("Ctrl+Shift+Z / Ctrl+Y", "Tavle"),
        ("Ctrl+F", "Borgere"),
        ("Ctrl+S", "Borgersiden"),
    ]:
        assert keys in {k for k, _ in listed[area]}, (keys, area)
    assert ("Ctrl+G", "Find borger") in listed["Hele programmet"]
    assert ("F11", "Mødetilstand") in listed["Tavle"]


def test_the_guide_opens_from_the_help_menu(window, qtbot):
    help_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Hjælp"
    )
    items = [a for a in help_menu.actions() if a.text().replace("&", "") == "Vejledning"]
    assert len(items) == 1
    items[0].trigger()
    dialogs = [d for d in window.findChildren(GuideDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Vejledning"
    text = dialog.browser.toPlainText()
    for heading in ("Teammødet på tavlen", "Jobformidlerens dag", "Månedens eksport"):
        assert heading in text
    for named in (
        "Mødetilstand",
        "Afslut møde",
        "Mine borgere",
        "Tag med på bærbar",
        "Aflever ændringer",
        "Statusskema",
        "Eksportér til Excel",
    ):
        assert named in text
    # Read through importlib.resources, from the package the install lists.
    guide = resources.files("fsm_desktop.resources.guide") / "vejledning.html"
    assert guide.read_text(encoding="utf-8") == guide_html()
