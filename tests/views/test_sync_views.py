"""Laptop copies in the window (issue 20): the merge dialog (preview, conflicts, a choice for
each, the merge written), *Tag med på bærbar*, *Aflever ændringer* (the copy reopens read-only
with its bar; the team copy merged at once, or said to be busy), *Indlæs ændringer fra bærbar*,
the title bar, the team-only controls disabled on a laptop copy, the board opened on the
broker's citizens and the merged entries in a citizen's audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QComboBox, QMessageBox

from fsm_desktop.domain.model import AuditEntry, BoardColumn, StaffRole
from fsm_desktop.domain.sync import summary_line
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import StaffRepository
from fsm_desktop.storage.sync import checkout, handin, plan_merge, read_change_file
from fsm_desktop.views.board.models import BOARD_CARD_ROLE
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.sync.merge_dialog import MergeDialog
from fsm_desktop.views.sync.models import ConflictModel

FAIL = QAbstractItemModelTester.FailureReportingMode.Fatal


def _placement(project: Project, citizen_id: str) -> str:
    return project.db.execute(
        "SELECT board_column FROM placement WHERE citizen_id = ?", [citizen_id]
    ).fetchone()[0]


class Sync:
    """A team copy (a 40-citizen demo), a laptop copy taken along by its first job broker, and
    two citizens the laptop moves (``conflicted`` is moved on the team copy too, elsewhere)."""

    def __init__(self, folder: Path) -> None:
        self.team = folder / "team.fsm"
        self.laptop = folder / "bærbar.fsm"
        write_demo(self.team, program="fsm2", citizens=40, seed=1)
        with Project.open(self.team) as team:
            self.broker = next(
                s for s in StaffRepository(team).list() if s.role is StaffRole.JOB_BROKER
            )
            # Two citizens on the board neither of whose moves below is a no-op.
            rows = team.db.execute(
                "SELECT p.citizen_id, c.name FROM placement p JOIN citizen c ON c.id = p.citizen_id "
                "WHERE p.board_column NOT IN ('paa_vej', 'paa_laengere_sigt') ORDER BY c.name LIMIT 2"
            ).fetchall()
            (self.conflicted, self.name), (self.other, _) = rows
            checkout(team, self.laptop, self.broker.initials)

    def laptop_moves(self) -> None:
        with Project.open(self.laptop) as laptop:
            BoardRepository(laptop).move([self.conflicted, self.other], BoardColumn.PAA_VEJ)

    def hand_in(self, name: str = "aflevering") -> Path:
        with Project.open(self.laptop) as laptop:
            return handin(laptop, self.laptop.with_name(name)).path

    def team_moves(self) -> None:
        with Project.open(self.team) as team:
            BoardRepository(team).move([self.conflicted], BoardColumn.PAA_LAENGERE_SIGT)


@pytest.fixture
def sync(tmp_path) -> Sync:
    return Sync(tmp_path)


@pytest.fixture
def conflict(sync) -> Path:
    """The change file of a laptop copy whose move of one citizen conflicts with the team's."""
    sync.laptop_moves()
    changes = sync.hand_in()
    sync.team_moves()
    return changes


@pytest.fixture
def team(sync):
    project = Project.open(sync.team)
    yield project
    project.close()


def merge_dialog(qtbot, team: Project, changes: Path) -> MergeDialog:
    plan = plan_merge(team, read_change_file(changes, team.key))
    dialog = MergeDialog(plan, None, project=team)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def cells(dialog: MergeDialog, row: int = 0) -> list[str]:
    model = dialog.model
    return [model.index(row, column).data() for column in range(model.columnCount())]


# --- the merge dialog ------------------------------------------------------------------------------


def test_the_merge_dialog_shows_the_conflict_and_writes_the_choice(qtbot, sync, conflict, team):
    dialog = merge_dialog(qtbot, team, conflict)
    tester = QAbstractItemModelTester(dialog.model, FAIL)
    label = f"bærbar {sync.broker.initials}"
    assert dialog.windowTitle() == f"Indlæs ændringer fra {label}"
    assert summary_line(dialog.plan.counts) in dialog.preview_label.text()
    assert "poster i ændringsloggen" in dialog.preview_label.text()
    assert [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Borger",
        "Hvad",
        "Bærbar",
        "Teamkopien",
        "Valg",
    ]
    assert (
        dialog.model.rowCount() == 1
        and dialog.view.isVisible()
        and not dialog.empty_label.isVisible()
    )
    who, what, laptop, team_value, choice = cells(dialog)
    assert (who, what, choice) == (sync.name, "tavle", "vælg …")
    assert laptop.startswith("på vej") and team_value.startswith("på længere sigt")
    assert sync.name in dialog.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert not dialog.load_button.isEnabled()

    # The choice through the Valg column's combo, as a user makes it.
    index = dialog.model.index(0, ConflictModel.CHOICE)
    dialog.view.setCurrentIndex(index)  # the Valg cell edits as it becomes current
    box = dialog.view.indexWidget(index)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findData("laptop"))
    box.activated.emit(box.currentIndex())
    assert cells(dialog)[4] == "tag bærbarens"
    assert dialog.decisions() == {dialog.plan.conflicts[0].id: "laptop"}
    qtbot.waitUntil(dialog.load_button.isEnabled)

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    assert dialog.merge_result is not None and dialog.merge_result.applied >= 2
    assert _placement(team, sync.conflicted) == "paa_vej"  # the laptop's, as chosen
    assert _placement(team, sync.other) == "paa_vej"  # no conflict: merged without asking
    del tester


def test_keep_the_team_copys_in_all_keeps_the_team_placement(qtbot, sync, conflict, team):
    dialog = merge_dialog(qtbot, team, conflict)
    qtbot.mouseClick(dialog.team_all_button, Qt.MouseButton.LeftButton)
    assert cells(dialog)[4] == "behold teamkopiens" and dialog.load_button.isEnabled()
    assert "alle har et valg" in dialog.conflicts_label.text()
    dialog.accept()
    assert dialog.result() == MergeDialog.DialogCode.Accepted
    assert _placement(team, sync.conflicted) == "paa_laengere_sigt"
    assert _placement(team, sync.other) == "paa_vej"


def test_a_file_merged_before_changes_nothing_and_says_when(qtbot, sync, conflict, team):
    first = merge_dialog(qtbot, team, conflict)
    qtbot.mouseClick(first.laptop_all_button, Qt.MouseButton.LeftButton)
    first.accept()
    again = merge_dialog(qtbot, team, conflict)
    assert again.plan.already_merged is not None
    assert (
        "allerede indlæst" in again.already_label.text()
        and "Intet bliver ændret" in again.already_label.text()
    )
    assert again.load_button is None and not again.view.isVisible()
    texts = [button.text() for button in again.buttons.buttons()]
    assert texts == ["Luk"]
    again.accept()  # nothing to accept: it stays open
    assert again.isVisible()


def test_without_conflicts_the_dialog_says_so_and_merges(qtbot, sync, team):
    sync.laptop_moves()
    changes = sync.hand_in()
    dialog = merge_dialog(qtbot, team, changes)
    assert dialog.model.rowCount() == 0
    assert (
        dialog.empty_label.isVisible()
        and dialog.empty_label.text() == "Ingen konflikter: alle ændringer kan indlæses."
    )
    assert not dialog.view.isVisible() and not dialog.team_all_button.isVisible()
    assert dialog.load_button.isEnabled()
    dialog.accept()
    assert _placement(team, sync.conflicted) == "paa_vej"


def test_changes_that_cannot_be_merged_are_listed_with_why(qtbot, sync, team):
    sync.laptop_moves()
    changes = sync.hand_in()
    with team.db.atomic():  # the citizen left the team copy meanwhile (an import undone)
        team.db.execute("DELETE FROM citizen WHERE id = ?", [sync.conflicted])
    dialog = merge_dialog(qtbot, team, changes)
    assert dialog.skipped_label.isVisible() and dialog.skipped_list.isVisible()
    lines = [dialog.skipped_list.item(i).text() for i in range(dialog.skipped_list.count())]
    assert lines and all("borgeren findes ikke længere i teamkopien" in line for line in lines)
    assert any("pladsen på tavlen" in line for line in lines)
    dialog.accept()  # the rest is merged
    assert _placement(team, sync.other) == "paa_vej"


def test_the_dialog_fits_a_small_screen(qtbot, conflict, team):
    dialog = merge_dialog(qtbot, team, conflict)
    assert dialog.width() <= 1366 and dialog.height() <= 768


# --- the window ------------------------------------------------------------------------------------


def deciding(window, side: str, conflicts: list | None = None):
    """Stands in for run_merge_dialog (whose exec would block): the real dialog, every conflict
    given ``side``, accepted; ``conflicts`` records how many it showed."""

    def run(project, plan):
        dialog = MergeDialog(plan, window, project=project)
        try:
            if conflicts is not None:
                conflicts.append(dialog.model.rowCount())
            dialog.model.choose_all(side)
            dialog.accept()
            return dialog.merge_result
        finally:
            dialog.deleteLater()

    return run


@pytest.fixture
def board_settings(settings, monkeypatch):
    monkeypatch.setattr("fsm_desktop.views.board.page.QSettings", lambda: settings)
    return settings


def test_a_laptop_copy_says_so_and_refuses_team_work_with_the_reason(
    open_window, sync, board_settings
):
    window = open_window(sync.laptop, "tavle")
    project = window.project
    assert project.laptop.title(project.initiative.name) in window.windowTitle()
    assert not window.handed_back_bar.isVisible() and not window.read_only_bar.isVisible()
    # The File menu: hand in here; take along and merge on the team copy.
    assert window.hand_in_action.isEnabled()
    for action in (window.take_along_action, window.merge_action):
        assert not action.isEnabled() and "teamkopien" in action.toolTip()
    # The pages' team-only controls: disabled, the reason their tooltip.
    board = window.stack.currentWidget()
    assert (
        not board.finish_button.isEnabled()
        and "hører til teamkopien" in board.finish_button.toolTip()
    )
    window.show_page_key("medarbejdere")
    staff = window.stack.currentWidget()
    for button in (staff.new_button, staff.edit_button, staff.limits_button, staff.reassign_button):
        assert not button.isEnabled() and "hører til teamkopien" in button.toolTip()
    window.show_page_key("import")
    imports = window.stack.currentWidget()
    assert (
        not imports.import_button.isEnabled()
        and "hører til teamkopien" in imports.import_button.toolTip()
    )
    assert (
        not imports.undo_button.isEnabled()
        and "hører til teamkopien" in imports.undo_button.toolTip()
    )
    window.show_page_key("statusskema")
    status = window.stack.currentWidget()
    assert not status.hours_box.isEnabled() and status.model.read_only
    assert "hører til teamkopien" in status.message_label.text()


def test_the_team_copy_keeps_its_team_work(open_window, sync, board_settings):
    window = open_window(sync.team, "tavle")
    assert "bærbar kopi" not in window.windowTitle()
    assert window.take_along_action.isEnabled() and window.merge_action.isEnabled()
    assert not window.hand_in_action.isEnabled() and "teamkopien" in window.hand_in_action.toolTip()
    assert window.stack.currentWidget().finish_button.isEnabled()


def board_cards(board) -> list:
    return [
        card
        for model in board.models
        for r in range(model.rowCount())
        if (card := model.index(r).data(BOARD_CARD_ROLE)) is not None
    ]


def test_a_laptop_copy_opens_the_board_on_the_brokers_citizens(open_window, sync, board_settings):
    window = open_window(sync.laptop, "tavle")
    board = window.stack.currentWidget()
    assert board.mine_button.isChecked() and board.filter.mine == sync.broker.id
    shown = board_cards(board)
    assert shown and all(
        sync.broker.id in (card.job_broker_id, card.caseworker_id) for card in shown
    )
    board.reset_filter()
    assert not board.mine_button.isChecked() and len(board_cards(board)) > len(shown)


def test_a_team_only_write_on_a_laptop_copy_is_a_danish_message(
    open_window, sync, board_settings, monkeypatch
):
    window = open_window(sync.laptop, "tavle")
    board = window.stack.currentWidget()
    said = []
    monkeypatch.setattr(
        "fsm_desktop.views.board.page.QMessageBox.warning",
        lambda parent, title, text, *a: said.append(text),
    )
    board.record_meeting(dt.date.today(), [])
    assert len(said) == 1 and "hører til teamkopien" in said[0]
    board.finish_meeting()  # the button's way: refused before the dialog, the reason in the status bar
    assert "hører til teamkopien" in window.statusBar().currentMessage()


def test_take_along_from_the_window(open_window, sync, board_settings, tmp_path):
    window = open_window(sync.team, "tavle")
    told = []
    window.inform = lambda title, text: told.append(text)
    target = tmp_path / "anden.fsm"
    window.ask_checkout = lambda project: (target, sync.broker.initials)
    assert window.take_along()
    assert target.exists() and len(told) == 1
    assert "40 borgere" in told[0] and f"{sync.broker.initials} som jobformidler" in told[0]
    # The same name again is refused in Danish; nothing is written over.
    warned = []
    window.warn = lambda title, error: warned.append(error.template)
    assert not window.take_along()
    assert warned and "findes allerede" in warned[0]


def test_handing_in_reopens_the_copy_read_only_and_merges_into_the_team_at_once(
    open_window, sync, board_settings, tmp_path
):
    sync.laptop_moves()
    sync.team_moves()
    window = open_window(sync.laptop, "tavle")
    changes = tmp_path / "fra-bærbar"
    window.ask_handin = lambda project: (changes, False)
    asked, told, shown = [], [], []
    window.ask_yes_no = lambda title, text: asked.append(title) or True
    window.run_merge_dialog = deciding(window, "laptop", shown)
    window.inform = lambda title, text: told.append(text)
    assert window.hand_in()
    assert changes.with_name(changes.name + ".fsmchanges").exists()
    # The copy is open again, read-only, with the bar that says it was handed back.
    assert window.project.read_only and window.project.laptop.handed_back_at is not None
    assert window.handed_back_bar.isVisible() and not window.read_only_bar.isVisible()
    assert window.handed_back_bar.label.text() == window.project.laptop.handed_back_sentence()
    assert window.handed_back_bar.team_button.isVisible()
    assert not window.hand_in_action.isEnabled()
    # The team copy got the changes, with the laptop's value for the conflict.
    assert asked == ["Indlæs nu i teamkopien?"] and shown == [1]
    assert told and told[0].startswith("Indlæst: ") and "teamkopien team.fsm" in told[0]
    with Project.open(sync.team, read_only=True) as team:
        assert (
            _placement(team, sync.conflicted) == "paa_vej"
            and _placement(team, sync.other) == "paa_vej"
        )
    # The bar's button opens the team copy.
    assert (
        window.open_team_copy()
        and window.project.path == sync.team
        and window.project.laptop is None
    )


def test_an_encrypted_team_copy_is_merged_into_with_the_laptops_key(
    app, qtbot, settings, board_settings, tmp_path
):
    from fsm_desktop.views.main.window import MainWindow

    password = "fire tilfældige ord her"
    team_path, laptop_path = tmp_path / "team.fsm", tmp_path / "bærbar.fsm"
    write_demo(team_path, program="fsm2", citizens=40, seed=1, password=password)
    with Project.open(team_path, password=password) as team:
        checkout(team, laptop_path)
        citizen = team.db.execute(
            "SELECT citizen_id FROM placement WHERE board_column = 'i_gang'"
        ).fetchone()[0]
    with Project.open(laptop_path, password=password) as laptop:
        BoardRepository(laptop).move([citizen], BoardColumn.PAA_SPRING)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    asked = []
    window.ask_password = lambda name, wrong: asked.append(name) or password
    try:
        assert window.open_project(laptop_path) and window.project.encrypted
        window.ask_handin = lambda project: (tmp_path / "fra-bærbar.fsmchanges", False)
        window.ask_yes_no = lambda title, text: True
        window.run_merge_dialog = deciding(window, "laptop")
        window.inform = lambda title, text: None
        assert window.hand_in()
        assert asked == ["bærbar.fsm"]  # the team copy opened with the laptop's key: not asked
    finally:
        if window.project is not None:
            window.project.close()
            window.project = None
    with Project.open(team_path, password=password) as team:
        assert _placement(team, citizen) == "paa_spring"


def test_a_team_copy_open_elsewhere_is_said_with_what_to_do(
    open_window, sync, board_settings, tmp_path
):
    sync.laptop_moves()
    window = open_window(sync.laptop, "tavle")
    window.ask_handin = lambda project: (tmp_path / "fra-bærbar.fsmchanges", True)
    window.ask_yes_no = lambda title, text: True
    warned = []
    window.warn = lambda title, error: warned.append((title, error))
    with Project.open(sync.team):  # a colleague has the team copy open
        assert window.hand_in()
    assert [title for title, _ in warned] == ["Teamkopien er i brug"]
    text = warned[0][1].message
    assert "Indlæs ændringer fra bærbar" in text and "fra-bærbar.fsmchanges" in text
    # Kept working: the copy stays writable, and the next hand-back gets the next number.
    assert not window.project.read_only and window.project.laptop.seq == 1


def test_merging_from_the_menu_refreshes_the_team_copy(
    open_window, conflict, sync, board_settings, monkeypatch
):
    window = open_window(sync.team, "tavle")
    monkeypatch.setattr(file_dialogs, "get_open_file_name", lambda *args: (str(conflict), ""))
    shown, told = [], []
    window.run_merge_dialog = deciding(window, "laptop", shown)
    window.inform = lambda title, text: told.append(text)
    assert window.merge_dialog()
    assert shown == [1] and told[0].startswith("Indlæst: ") and "(1 konflikt afgjort)" in told[0]
    assert _placement(window.project, sync.conflicted) == "paa_vej"
    columns = {card.citizen_id: card.column for card in window.stack.currentWidget().cards}
    assert columns[sync.conflicted] == BoardColumn.PAA_VEJ  # the board shows the merge


def test_a_change_file_from_before_a_password_change_asks_for_the_old_password(
    app, qtbot, settings, board_settings, tmp_path
):
    from fsm_desktop.views.main.window import MainWindow

    old, new = "fire tilfældige ord her", "fem andre ord til teamet"
    team_path, laptop_path = tmp_path / "team.fsm", tmp_path / "bærbar.fsm"
    write_demo(team_path, program="fsm2", citizens=40, seed=1, password=old)
    with Project.open(team_path, password=old) as team:
        checkout(team, laptop_path)
        citizen = team.db.execute(
            "SELECT citizen_id FROM placement WHERE board_column = 'i_gang'"
        ).fetchone()[0]
    with Project.open(laptop_path, password=old) as laptop:
        BoardRepository(laptop).move([citizen], BoardColumn.PAA_SPRING)
        changes = handin(laptop, tmp_path / "fra-bærbar").path
    with Project.open(team_path, password=old) as team:
        team.change_password(new)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.ask_password = lambda name, wrong: new
    asked = []
    answers = iter(["forkert kodeord", old])
    window.ask_changes_password = lambda name, wrong: asked.append((name, wrong)) or next(answers)
    window.run_merge_dialog = deciding(window, "laptop")
    window.inform = lambda title, text: None
    try:
        assert window.open_project(team_path)
        assert window.merge_file(window.project, changes)
        assert asked == [("fra-bærbar.fsmchanges", False), ("fra-bærbar.fsmchanges", True)]
        assert _placement(window.project, citizen) == "paa_spring"
    finally:
        window.project.close()
        window.project = None


def test_an_unusable_change_file_is_a_danish_message(
    open_window, sync, board_settings, tmp_path, monkeypatch
):
    window = open_window(sync.team, "tavle")
    bad = tmp_path / "noget.fsmchanges"
    bad.write_bytes(b"not a change file" * 100)
    warned = []
    window.warn = lambda title, error: warned.append(error.template)
    assert not window.merge_file(window.project, bad)
    assert warned and "ikke en ændringsfil" in warned[0]


# --- the audit log ---------------------------------------------------------------------------------


def test_merged_entries_name_the_laptop_copy_in_the_citizens_audit_log(qtbot, sync, conflict, team):
    from fsm_desktop.views.citizens.labels import _audit_row

    dialog = merge_dialog(qtbot, team, conflict)
    dialog.model.choose_all("laptop")
    dialog.accept()
    entries = AuditLog(team).for_citizen(sync.conflicted)
    label = f"bærbar {sync.broker.initials}"
    merged = next(e for e in entries if e.action == "merge_update")
    assert merged.source == label
    user, action, field, old, new = _audit_row(merged, {})[1:]
    assert user == f"{merged.user} ({label})" and action == "indlæst fra bærbar (ændret)"
    assert (field, old, new) == ("tavle", "på længere sigt", "på vej")
    local = AuditEntry(
        dt.datetime(2026, 3, 12, 8, 15),
        "pl",
        "move",
        "board_move",
        "x",
        sync.conflicted,
        "kolonne",
        "a",
        "b",
    )
    assert _audit_row(local, {})[1:3] == ["pl", "flyttet på tavlen"]


def test_a_real_message_box_is_not_needed_for_the_confirmations(
    open_window, sync, board_settings, monkeypatch
):
    """ask_yes_no is the window's one question box here (tests replace it)."""
    window = open_window(sync.team, "tavle")
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    assert not window.ask_yes_no("Spørgsmål", "Ja eller nej?")
