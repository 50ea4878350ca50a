"""Encrypted projects in the window: the password asked for (again after a wrong one), the
title bar of a plain project, *Krypter projektet*, *Behold ukrypteret*, *Skift adgangskode*
and a new project's password."""

from __future__ import annotations

import pytest

from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.keys import is_encrypted
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.main.new_project_dialog import NewProjectDialog
from fsm_desktop.views.main.window import MainWindow

PASSWORD = "fire tilfældige ord her"


@pytest.fixture
def window(app, qtbot, settings):
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.project is not None:
        win.project.close()
        win.project = None


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "team.fsm"
    with Project.create(path, builtin_template("fsm2"), password=PASSWORD) as project:
        CitizenRepository(project).add(Citizen(cpr="0101801234", name="Anna", group=1))
    return path


def test_the_password_is_asked_for_and_again_after_a_wrong_one(window, encrypted):
    asked = []
    answers = iter(["forkert kode!", PASSWORD])
    window.ask_password = lambda name, wrong: asked.append((name, wrong)) or next(answers)
    assert window.open_project(encrypted)
    assert asked == [("team.fsm", False), ("team.fsm", True)]
    assert window.project.encrypted and "ikke krypteret" not in window.windowTitle()
    assert not window.plain_bar.isVisible()
    assert window.password_action.isEnabled() and not window.encrypt_action.isEnabled()
    # Opening it again for writing (the read-only bar's button) does not ask again.
    window.project.close()
    window.project = None
    asked.clear()
    assert window.open_project(encrypted) and asked == []


def test_cancelling_the_password_opens_nothing(window, encrypted):
    window.ask_password = lambda name, wrong: None
    assert not window.open_project(encrypted)
    assert window.project is None


def test_a_plain_project_says_so_and_can_be_encrypted(window, tmp_path):
    path = tmp_path / "gammel.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        CitizenRepository(project).add(Citizen(cpr="0101801234", name="Anna", group=1))
    assert window.open_project(path)
    assert window.windowTitle().endswith(" (ikke krypteret)")
    assert window.plain_bar.isVisible() and window.encrypt_action.isEnabled()
    window.ask_new_password = lambda title, text, ask_current=False: (PASSWORD, None)
    assert window.encrypt_project()
    assert is_encrypted(path) and window.project.encrypted
    assert not window.windowTitle().endswith("krypteret)") and not window.plain_bar.isVisible()
    assert CitizenRepository(window.project).count() == 1


def test_keeping_a_test_project_plain_is_remembered(window, tmp_path):
    path = tmp_path / "test.fsm"
    Project.create(path, builtin_template("fsm2")).close()
    assert window.open_project(path)
    window.plain_bar.keep_button.click()
    assert not window.plain_bar.isVisible() and window.windowTitle().endswith(" (ikke krypteret)")
    window.close_project()
    assert window.open_project(path) and not window.plain_bar.isVisible()


def test_a_demo_project_says_demo_and_asks_nothing(window, tmp_path):
    from fsm_desktop.storage.demo import write_demo

    path = tmp_path / "demo.fsm"
    write_demo(path, citizens=5)
    assert window.open_project(path)
    assert (
        window.windowTitle().endswith(" (demo, ikke krypteret)")
        and not window.plain_bar.isVisible()
    )


def test_change_password_needs_the_current_one(window, encrypted):
    window.ask_password = lambda name, wrong: PASSWORD
    assert window.open_project(encrypted)
    warned = []
    window.warn = lambda title, error: warned.append(error.message)
    window.ask_new_password = lambda title, text, ask_current=False: (
        "et helt nyt kodeord",
        "ikke den rigtige",
    )
    assert not window.change_password()
    assert warned == ["Den nuværende adgangskode er forkert. Intet er ændret."]
    window.ask_new_password = lambda title, text, ask_current=False: (
        "et helt nyt kodeord",
        PASSWORD,
    )
    assert window.change_password()
    window.close_project()
    with Project.open(encrypted, password="et helt nyt kodeord", read_only=True) as project:
        assert CitizenRepository(project).count() == 1


def test_a_new_project_needs_a_good_password_twice(window, qtbot, tmp_path):
    dialog = NewProjectDialog(window)
    qtbot.addWidget(dialog)
    dialog.password_fields.first.setText("fire tilfældige ord")
    dialog.password_fields.second.setText("fire tilfældige ord!")
    dialog.accept()
    assert dialog.result() != NewProjectDialog.DialogCode.Accepted
    assert dialog.password_fields.error.text() == "De to adgangskoder er ikke ens."
    dialog.password_fields.second.setText("kort")
    dialog.password_fields.first.setText("kort")
    dialog.accept()
    assert dialog.password_fields.error.text() == "Adgangskoden skal have mindst 8 tegn."
    dialog.password_fields.first.setText("fire tilfældige ord")
    dialog.password_fields.second.setText("fire tilfældige ord")
    dialog.accept()
    assert dialog.result() == NewProjectDialog.DialogCode.Accepted
    path = tmp_path / "ny.fsm"
    assert window.create_project(path, dialog.template, password=dialog.password)
    assert is_encrypted(path) and window.project.encrypted
    dialog.deleteLater()


def test_a_daily_backup_is_taken_and_can_be_restored(window, encrypted, qtbot):
    from PySide6.QtTest import QAbstractItemModelTester

    from fsm_desktop.storage.keys import is_encrypted as encrypted_file
    from fsm_desktop.views.main.backups_dialog import BackupsDialog

    window.ask_password = lambda name, wrong: PASSWORD
    assert window.open_project(encrypted)
    window._checked(window.project, [])  # the background check found it whole: today's backup
    folder = window.backup_folder(encrypted)
    (daily,) = folder.glob("team-*.fsm")
    assert encrypted_file(daily) and b"Anna" not in daily.read_bytes()
    CitizenRepository(window.project).add(Citizen(cpr="0202802345", name="Bo", group=1))
    assert CitizenRepository(window.project).count() == 2
    shown = []

    def choose(backups, where):
        dialog = BackupsDialog("team.fsm", backups, str(where), window)
        QAbstractItemModelTester(
            dialog.table.model(), QAbstractItemModelTester.FailureReportingMode.Fatal
        )
        shown.append([(dialog.table.item(0, c).text()) for c in range(4)][1:2])
        assert not dialog.restore_button.isEnabled()
        dialog.table.selectRow(0)
        assert dialog.restore_button.isEnabled()
        chosen = dialog.selected()
        dialog.deleteLater()
        return chosen

    window.choose_backup = choose
    window.inform = lambda title, text: None
    assert window.restore_daily_backup()
    assert shown == [["1"]]
    assert CitizenRepository(window.project).count() == 1  # the backup's state
    befores = list(folder.glob("team-*-foer-gendannelse.fsm"))
    assert len(befores) == 1 and encrypted_file(befores[0])


def test_the_backup_folder_can_be_chosen(window, encrypted, tmp_path):
    window.ask_password = lambda name, wrong: PASSWORD
    assert window.open_project(encrypted)
    chosen = tmp_path / "usb"
    chosen.mkdir()
    assert window.choose_backup_folder(chosen)
    assert window.backup_folder(encrypted) == chosen
    window._checked(window.project, [])
    assert [p.name for p in chosen.iterdir()] and all(
        p.name.startswith("team-") for p in chosen.iterdir()
    )
