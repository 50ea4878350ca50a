"""Two windows on one project (issue 17): the second is told who has it and reads; read-only
mode writes nothing and says why; the first window's moves all reach the file; the file dialog
leaves the project's locks alone; damage found in the background turns the window read-only."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from damage_helpers import damage_an_index, held_locks
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileSystemModel, QLineEdit

from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views.board.page import BoardPage
from fsm_desktop.views.citizens.window import CitizenWindow
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.main.window import MainWindow


@pytest.fixture
def new_window(app, qtbot, settings):
    """``new_window()``: a main window whose questions and warnings are recorded; each answers
    the "in use" question with ``window.answer`` (default: read-only)."""
    windows = []

    def make() -> MainWindow:
        win = MainWindow(settings)
        win.warnings, win.asked, win.answer = [], [], "read_only"
        win.warn = lambda title, error: win.warnings.append((title, error.message))
        win.ask_how_to_open = lambda error: (win.asked.append(error), win.answer)[1]
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        windows.append(win)
        return win

    yield make
    for win in windows:
        if win.project is not None:
            win.project.close()


@pytest.fixture
def two(new_window, small_project_path):
    """(first, second): the first window writes the project, the second opened it read-only."""
    first = new_window()
    first.open_project(small_project_path)
    second = new_window()
    second.open_project(small_project_path)
    assert second.project.read_only
    return first, second


def board(win: MainWindow) -> BoardPage:
    win.show_page_key("tavle")
    page = win.stack.currentWidget()
    assert isinstance(page, BoardPage)
    page.confirm_lane_change = False
    return page


def card(page: BoardPage, name: str):
    return next(c for c in page.cards if c.name == name)


def column_of(path: Path, name: str) -> BoardColumn | None:
    with Project.open(path, read_only=True) as project:
        cards = BoardRepository(project).cards(project.initiative.end)
    return next(c.column for c in cards if c.name == name)


def test_the_walk_two_windows_moves_close_reopen(new_window, small_project_path, qtbot):
    first = new_window()
    assert first.open_project(small_project_path)
    page = board(first)
    qtbot.waitUntil(lambda: bool(page.cards))
    assert page.move_cards([card(page, "Hans Hansen")], BoardColumn.I_GANG)

    second = new_window()
    assert second.open_project(small_project_path)
    assert len(second.asked) == 1
    assert second.asked[0].message.startswith(
        f"Projektet er åbent hos {first.project.user} på {socket.gethostname()} siden kl. "
    )
    assert second.project.read_only
    assert second.read_only_bar.isVisible()
    text = second.read_only_bar.label.text()
    assert text.startswith(
        f"Skrivebeskyttet: Projektet er åbent hos {first.project.user} på {socket.gethostname()} siden kl. "
    )
    assert text.endswith("Du kan se alt, men ikke ændre noget.")
    other = board(second)
    qtbot.waitUntil(lambda: bool(other.cards))
    assert card(other, "Hans Hansen").column is BoardColumn.I_GANG  # it reads the first's move
    assert not other.move_cards(
        [card(other, "Grete Jensen")], BoardColumn.PAA_VEJ
    )  # refused, and said
    assert "Projektet er åbent hos" in second.statusBar().currentMessage()
    second.close()

    assert page.move_cards([card(page, "Grete Jensen")], BoardColumn.PAA_VEJ)
    first.close()

    third = new_window()
    assert third.open_project(small_project_path)
    assert third.asked == [] and not third.project.read_only
    assert third.project.integrity_check() == []
    third.close()
    assert column_of(small_project_path, "Hans Hansen") is BoardColumn.I_GANG
    assert column_of(small_project_path, "Grete Jensen") is BoardColumn.PAA_VEJ


def test_cancel_opens_nothing(new_window, small_project_path):
    first = new_window()
    first.open_project(small_project_path)
    second = new_window()
    second.answer = None
    assert not second.open_project(small_project_path)
    assert second.project is None and second.warnings == []


def test_read_only_hides_what_writes_and_opens_for_writing_when_free(two, qtbot):
    first, second = two
    pages = {page.key: page for page in second.pages}
    for key, name in (
        ("tavle", "finish_button"),
        ("import", "import_button"),
        ("import", "undo_button"),
        ("medarbejdere", "new_button"),
        ("medarbejdere", "reassign_button"),
        ("stepup", "record_button"),
    ):
        second.show_page_key(key)
        assert not getattr(pages[key], name).isVisible(), (key, name)
    from fsm_desktop.views.staff.models import StaffTableModel

    assert pages["medarbejdere"].view.isColumnHidden(
        StaffTableModel.OTHER
    )  # FSM2: no "Andre sager"
    second.show_page_key("tavle")
    assert pages["tavle"].finish_button.isHidden()
    assert pages["tavle"].history_button.isVisible()  # reading stays
    status = pages["statusskema"]
    second.show_page_key("statusskema")
    qtbot.waitUntil(lambda: status.model.rowCount() > 0)
    assert not status.hours_box.isEnabled()
    assert not any(
        status.model.flags(status.model.index(r, c))
        & (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
        for r in range(status.model.rowCount())
        for c in range(status.model.columnCount())
    )

    assert not second.reopen_for_writing()  # the first still has it
    assert second.warnings[-1][1].startswith("Projektet er åbent hos")
    first.close()
    assert second.reopen_for_writing()
    assert not second.project.read_only and not second.read_only_bar.isVisible()
    second.show_page_key("tavle")
    assert pages["tavle"].finish_button.isVisible()


def test_the_citizen_page_of_a_read_only_project_shows_and_changes_nothing(two, qtbot):
    _first, second = two
    hans = second.project.db.execute(
        "SELECT id FROM citizen WHERE name = 'Hans Hansen'"
    ).fetchone()[0]
    window = CitizenWindow(second.project, hans, second)
    qtbot.addWidget(window)
    window.show()
    assert window.save_button.isHidden() and window.reveal_button.isHidden()
    assert window.close_button.isVisible()
    assert all(field.isReadOnly() for field in window.findChildren(QLineEdit))
    assert window.state_label.text().startswith("Skrivebeskyttet: Projektet er åbent hos")
    window.close()  # no question about unsaved changes
    assert not window.isVisible()


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="/proc/locks is Linux's")
def test_listing_the_projects_folder_in_the_file_dialog_keeps_its_locks(
    new_window, small_project_path, qtbot
):
    win = new_window()
    win.open_project(small_project_path)
    win.project.db.execute("SELECT count(*) FROM citizen").fetchone()
    assert "POSIX" in held_locks(small_project_path).get(small_project_path.name, set())
    dialog = file_dialogs.make_dialog(
        win, "Åbn projekt", str(small_project_path.parent), "Alle filer (*)"
    )
    qtbot.addWidget(dialog)
    model = dialog.findChild(QFileSystemModel)
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.show()
    index = model.index(str(small_project_path))
    qtbot.waitUntil(lambda: model.type(index) != "")
    for row in range(model.rowCount(index.parent())):  # icons and types of every file shown
        model.data(model.index(row, 0, index.parent()), Qt.ItemDataRole.DecorationRole)
        model.type(model.index(row, 0, index.parent()))
    dialog.close()
    locks = held_locks(small_project_path)
    assert "POSIX" in locks.get(small_project_path.name, set()), locks
    assert "POSIX" in locks.get(small_project_path.name + "-shm", set()), locks
    assert model.type(index) == "FSM-fil"  # by name: nothing was read


def test_damage_found_in_the_background_makes_the_window_read_only(new_window, small_project_path):
    damage_an_index(small_project_path)
    win = new_window()
    assert win.open_project(small_project_path)  # the check runs on a worker (here: at once)
    assert win.project.read_only and win.project.damage
    assert win.warnings == [("Projektfilen er beskadiget", win.project.read_only_reason.message)]
    assert "beskadiget" in win.read_only_bar.label.text()
    assert not win.read_only_bar.retry_button.isVisible()


def test_undo_of_a_move_made_since_elsewhere_is_refused_and_said(
    new_window, small_project_path, qtbot, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    win = new_window()
    win.open_project(small_project_path)
    page = board(win)
    qtbot.waitUntil(lambda: bool(page.cards))
    hans = card(page, "Hans Hansen")
    assert page.move_cards([hans], BoardColumn.I_GANG)
    with win.project.connector()() as other:  # a later move, not through this page
        BoardRepository(other).move([hans.citizen_id], BoardColumn.PAA_VEJ)
    said = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *rest: said.append((title, text))
    )
    page.undo_stack.undo()
    qtbot.waitUntil(lambda: bool(said))
    assert said[0][0] == "Flytningen kan ikke fortrydes"
    assert said[0][1].startswith("Hans Hansen er flyttet igen siden")
    assert page.undo_stack.count() == 0
    qtbot.waitUntil(lambda: card(page, "Hans Hansen").column is BoardColumn.PAA_VEJ)
    assert column_of(small_project_path, "Hans Hansen") is BoardColumn.PAA_VEJ


def test_repair_from_the_bar_makes_the_project_whole_and_writable(new_window, small_project_path):
    damage_an_index(small_project_path)
    win = new_window()
    win.informed = []
    win.inform = lambda title, text: win.informed.append((title, text))
    win.open_project(small_project_path)
    bar = win.read_only_bar
    assert bar.repair_button.isVisible() and bar.restore_button.isVisible()
    assert win.repair_project()
    assert win.informed[0][0] == "Projektet er repareret"
    assert "Den beskadigede fil er gemt som lille.fsm.beskadiget-" in win.informed[0][1]
    assert not win.project.read_only and not bar.isVisible()
    assert win.project.integrity_check() == []


def test_restore_from_the_bar_puts_the_backup_in_place(
    new_window, small_project_path, tmp_path, monkeypatch
):
    backup = tmp_path / "kopi.fsm"
    with Project.open(small_project_path) as project:
        project.backup_to(backup)
    damage_an_index(small_project_path)
    win = new_window()
    win.informed = []
    win.inform = lambda title, text: win.informed.append((title, text))
    win.open_project(small_project_path)
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *args: (str(backup), ""))
    assert win.restore_backup()
    assert win.informed[0][0] == "Sikkerhedskopien er gendannet"
    assert not win.project.read_only
    assert win.project.integrity_check() == []
    assert (
        win.project.db.execute("SELECT count(*) FROM citizen WHERE name = 'Ida Indeks'").fetchone()[
            0
        ]
        == 0
    )


def test_a_copy_of_the_fsm_alone_taken_between_saves_holds_every_save(
    new_window, small_project_path, qtbot, tmp_path, monkeypatch
):
    """After the window has been idle a moment after writes, the WAL is folded into the file:
    a copy of the .fsm alone (what a user copies) has every move."""
    import shutil

    monkeypatch.setattr(MainWindow, "CHECKPOINT_AFTER_MS", 50)
    win = new_window()
    win.open_project(small_project_path)
    page = board(win)
    qtbot.waitUntil(lambda: bool(page.cards))
    wal = small_project_path.with_name(small_project_path.name + "-wal")
    for name, column in (
        ("Hans Hansen", BoardColumn.I_GANG),
        ("Grete Jensen", BoardColumn.PAA_VEJ),
        ("Ali Khan", BoardColumn.PAA_SPRING),
    ):
        assert page.move_cards([card(page, name)], column)
    assert wal.stat().st_size > 0  # the saves are in the WAL for now
    qtbot.waitUntil(lambda: wal.stat().st_size == 0, timeout=5000)
    copy = tmp_path / "kopi" / "lille.fsm"
    copy.parent.mkdir()
    shutil.copyfile(small_project_path, copy)  # the .fsm alone
    assert column_of(copy, "Hans Hansen") is BoardColumn.I_GANG
    assert column_of(copy, "Grete Jensen") is BoardColumn.PAA_VEJ
    assert column_of(copy, "Ali Khan") is BoardColumn.PAA_SPRING


def test_double_clicks_that_would_write_are_refused_in_read_only(two, qtbot):
    _first, second = two
    pages = {page.key: page for page in second.pages}
    second.show_page_key("medarbejdere")
    staff = pages["medarbejdere"]
    qtbot.waitUntil(lambda: staff.data is not None)
    staff.view.selectRow(0)
    shown = []
    staff._run = lambda dialog: shown.append(dialog) or False
    staff.edit_staff()  # a double-click: no dialog, the reason in the status bar
    assert shown == []
    assert second.statusBar().currentMessage().startswith("Projektet er åbent hos")
    stepup = pages["stepup"]
    second.show_page_key("stepup")
    qtbot.waitUntil(lambda: stepup.data is not None)
    stepup.record_meeting()
    stepup.edit_meeting()
    assert [d for d in stepup.findChildren(QDialog) if d.isVisible()] == []


def test_a_stale_lock_is_taken_over_through_the_question_and_a_warning(
    app, qtbot, settings, small_project_path, monkeypatch
):
    """The real question: a stale lock offers "Overtag projektet …", which warns first."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from fsm_desktop.storage.writer_lock import WriterLock

    holder = WriterLock(small_project_path, "kollega")
    holder.acquire()  # as a window on a computer that crashed would have left it
    monkeypatch.setattr("fsm_desktop.storage.writer_lock._process_alive", lambda pid: False)
    warned = []
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda *args: warned.append(args[2]) or QMessageBox.StandardButton.Yes,
    )
    win = MainWindow(settings)
    qtbot.addWidget(win)
    seen = []

    def answer():
        box = QApplication.activeModalWidget()
        seen.append((box.text(), box.informativeText(), [b.text() for b in box.buttons()]))
        next(b for b in box.buttons() if b.text() == "Overtag projektet …").click()

    QTimer.singleShot(0, answer)
    try:
        assert win.open_project(small_project_path)
        text, more, buttons = seen[0]
        assert text.startswith("Projektet er åbent hos kollega på ")
        assert "Låsen ser ud til at være efterladt" in more
        assert sorted(buttons) == ["Annuller", "Overtag projektet …", "Åbn skrivebeskyttet"]
        assert warned and warned[0].startswith("Overtag kun projektet, hvis du er sikker på")
        assert not win.project.read_only and win.project.lock is not None
        assert not holder.still_held()
    finally:
        holder.release()
        if win.project is not None:
            win.project.close()


def test_opening_the_open_project_again_keeps_it(new_window, small_project_path):
    """The recent list's first entry, or the same file chosen again: not "in use" by itself."""
    win = new_window()
    win.open_project(small_project_path)
    project = win.project
    assert win.open_project(str(small_project_path))
    assert win.project is project and not project.read_only and win.asked == []


def test_a_background_check_that_cannot_run_is_not_damage(
    new_window, small_project_path, monkeypatch
):
    import sqlite3

    def cannot(self):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Project, "integrity_check", cannot)
    win = new_window()
    win.open_project(small_project_path)
    assert not win.project.read_only and not win.project.damage
    assert not win.project.checked  # the next write runs quick_check first
    assert win.warnings == []
