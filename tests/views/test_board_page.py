"""The board under pytest-qt: drag and drop, keyboard and menu moves (each writes the log and
updates the counts), undo/redo of a multi-move, every filter, lanes and a lane change, the
meeting snapshot and "changed since", days in the column from the log, opening a citizen;
every model checked by a QAbstractItemModelTester for the whole of every test."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest

from fsm_desktop.domain.board import COLUMNS, FLAGS, BoardLayout
from fsm_desktop.domain.model import BoardColumn, Citizen, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template, parse_template
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository
from fsm_desktop.views.board.card_delegate import CARD_ROLE
from fsm_desktop.views.board.models import BOARD_CARD_ROLE, FLAG_LABELS, MIME_TYPE
from fsm_desktop.views.board.page import BoardPage

#: A tester's complaint is a Qt warning, and a Qt warning fails the test (qt_log_level_fail).
WARN = QAbstractItemModelTester.FailureReportingMode.Warning
I, S, V, L = (
    BoardColumn.I_GANG,
    BoardColumn.PAA_SPRING,
    BoardColumn.PAA_VEJ,
    BoardColumn.PAA_LAENGERE_SIGT,
)
TODAY = dt.date.today()


def _insert(project, table, **row):
    with project.db.atomic():
        project.db[table].insert(row)


@pytest.fixture
def board_path(tmp_path):
    """Six citizens, two caseworkers and a job broker; four placed, two not."""
    path = tmp_path / "tavle.fsm"
    # An initiative still running, so the board is "as of today" (a finished one shows its end).
    data = copy.deepcopy(builtin_template("fsm2").raw)
    data["period"]["end"] = "2099-12-31"
    with Project.create(path, parse_template(data)) as project:
        staff = StaffRepository(project)
        members = {
            m.initials: m
            for m in (
                Staff("JF", "Jonna Formidler", StaffRole.JOB_BROKER),
                Staff("SB", "Sara Berg", StaffRole.CASEWORKER),
                Staff("SC", "Søren Ceder", StaffRole.CASEWORKER),
            )
        }
        for member in members.values():
            staff.add(member)
        specs = [
            ("Anna Hansen", "0101801234", 1, I, "SB"),
            ("Bo Berg", "0202802345", 1, V, "SB"),
            ("Cai Hansen", "0303803456", 2, V, "SC"),
            ("Dorte Dahl", "0404804567", 1, L, "SC"),
            ("Eva Eriksen", "0505805678", 1, None, "SB"),
            ("Finn Friis", "0606806789", 2, None, None),
        ]
        repo = BoardRepository(project)
        for name, cpr, group, column, caseworker in specs:
            citizen = Citizen(cpr=cpr, name=name, group=group, entry_date=dt.date(2019, 11, 1))
            CitizenRepository(project).add(citizen)
            if caseworker:
                _insert(
                    project,
                    "assignment",
                    id=new_id(),
                    citizen_id=citizen.id,
                    staff_id=members[caseworker].id,
                    role="sagsbehandler",
                    start="2019-11-01",
                    end=None,
                )
            if name == "Anna Hansen":
                _insert(
                    project,
                    "assignment",
                    id=new_id(),
                    citizen_id=citizen.id,
                    staff_id=members["JF"].id,
                    role="jobformidler",
                    start="2019-11-01",
                    end=None,
                )
                _insert(
                    project,
                    "status_entry",
                    id=new_id(),
                    citizen_id=citizen.id,
                    kind="cv_jobnet",
                    date="2020-01-01",
                    value="ja",
                )
                last = TODAY.replace(day=1) - dt.timedelta(days=1)
                before = last.replace(day=1) - dt.timedelta(days=1)
                _insert(
                    project,
                    "paid_hours",
                    citizen_id=citizen.id,
                    month=last.strftime("%Y-%m"),
                    hours=20,
                )
                _insert(
                    project,
                    "paid_hours",
                    citizen_id=citizen.id,
                    month=before.strftime("%Y-%m"),
                    hours=10,
                )
            if column is not None:
                repo.move(
                    [citizen.id],
                    column,
                    at=dt.datetime.combine(TODAY - dt.timedelta(days=40), dt.time(9)),
                )
    return path


@pytest.fixture
def window(open_window, settings, board_path, monkeypatch):
    monkeypatch.setattr("fsm_desktop.views.board.page.QSettings", lambda: settings)
    return open_window(board_path, "tavle")


@pytest.fixture
def page(window):
    """The board page, with a QAbstractItemModelTester on every model for the whole test: each
    reset, insert, remove and data change is checked as it happens."""
    current = window.stack.currentWidget()
    assert isinstance(current, BoardPage)
    current.confirm_lane_change = False
    testers = [
        QAbstractItemModelTester(model, WARN) for model in (*current.models, current.lane_model)
    ]
    yield current
    testers.clear()


def names(page: BoardPage, column: BoardColumn | None) -> list[str]:
    model = page.models[COLUMNS.index(column)]
    return [
        model.index(r).data(BOARD_CARD_ROLE).name
        for r in range(model.rowCount())
        if model.index(r).data(BOARD_CARD_ROLE)
    ]


def counts(page: BoardPage) -> list[str]:
    return [header.text() for header in page.headers]


def card(page: BoardPage, name: str):
    return next(c for c in page.cards if c.name == name)


def moves_in_log(window) -> int:
    return window.project.db.execute("SELECT count(*) FROM board_move").fetchone()[0]


def check_models(page: BoardPage) -> None:
    """The models' rows (after any moves, undos, redos) are those of a layout built afresh."""
    lengths = {model.rowCount() for model in page.models}
    assert len(lengths) == 1, "every column has the same rows (lanes line up)"
    fresh = BoardLayout(
        page.filter.apply(page.cards, page.today, page.has_meeting),
        page.lane_by,
        page.labels,
        page.collapsed,
        presorted=True,
    )
    for model, column in zip(page.models, COLUMNS):
        assert [model.entry(r) for r in range(model.rowCount())] == fresh.entries(column)


def test_the_board_shows_every_citizen_with_counts(page):
    check_models(page)
    assert counts(page) == [
        "i gang (1)",
        "på spring (0)",
        "på vej (2)",
        "på længere sigt (1)",
        "Ikke placeret (2)",
    ]
    assert names(page, V) == ["Bo Berg", "Cai Hansen"]
    anna = card(page, "Anna Hansen")
    assert (anna.job_broker, anna.caseworker, anna.days_in_column(TODAY)) == (
        "JF",
        "SB",
        40,
    )  # from the move log
    assert (anna.hours_last_month, anna.hours_change) == (20, 10)
    model = page.models[0]
    data = model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert data == "Anna Hansen, i gang. Markeringer: Intet jobmål"


def test_every_flag_is_named_in_the_tooltip_and_the_accessible_text(page):
    anna = card(page, "Anna Hansen")
    for flag in FLAGS:
        setattr(anna, flag, True)
    index = page.models[0].index(0)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    for label in FLAG_LABELS.values():
        assert label in tooltip.split("\n") and label in spoken
    assert page.flag_box.findText("Step-up-opfølgning overskredet") > 0


def test_a_drop_moves_writes_the_log_and_updates_counts(window, page, qtbot):
    source = page.models[COLUMNS.index(V)]
    mime = source.mimeData([source.index(0)])  # Bo Berg
    target = page.models[COLUMNS.index(S)]
    before = moves_in_log(window)
    with qtbot.waitSignal(page.board_ready):
        assert (
            target.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
        )  # the page moves
    assert names(page, S) == ["Bo Berg"] and names(page, V) == ["Cai Hansen"]
    assert counts(page)[1:3] == ["på spring (1)", "på vej (1)"]
    assert moves_in_log(window) == before + 1
    assert card(page, "Bo Berg").days_in_column(TODAY) == 0
    check_models(page)


def test_keyboard_moves_and_focus_follows(window, page):
    view = page.views[COLUMNS.index(V)]
    view.setFocus()
    view.setCurrentIndex(page.models[COLUMNS.index(V)].index(1))  # Cai Hansen
    before = moves_in_log(window)
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert names(page, L) == ["Cai Hansen", "Dorte Dahl"]
    assert counts(page) == [
        "i gang (1)",
        "på spring (0)",
        "på vej (1)",
        "på længere sigt (2)",
        "Ikke placeret (2)",
    ]
    assert moves_in_log(window) == before + 1
    target = page.views[COLUMNS.index(L)]
    assert target.currentIndex().data(BOARD_CARD_ROLE).name == "Cai Hansen"
    QTest.keyClick(target, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(
        page.views[COLUMNS.index(V)], Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier
    )
    assert names(page, S) == ["Cai Hansen"]
    assert counts(page) == [
        "i gang (1)",
        "på spring (1)",
        "på vej (1)",
        "på længere sigt (1)",
        "Ikke placeret (2)",
    ]
    cai = card(page, "Cai Hansen")
    log = BoardRepository(window.project).moves(cai.citizen_id)
    assert [(m[2], m[3]) for m in log[-3:]] == [(V, L), (L, V), (V, S)] and moves_in_log(
        window
    ) == before + 3
    # Without Ctrl the arrows move the focus, not the card.
    QTest.keyClick(page.views[COLUMNS.index(S)], Qt.Key.Key_Left)
    assert page.views[COLUMNS.index(I)].currentIndex().data(BOARD_CARD_ROLE).name == "Anna Hansen"
    assert names(page, S) == ["Cai Hansen"]
    # "Not placed" is no column to move to.
    assert not page.move_selected_by(COLUMNS.index(L), 1)


def _menu_action(menu, *path):
    for text in path:
        action = next(a for a in menu.actions() if a.text() == text)
        menu = action.menu()
    return action


def test_the_menu_moves_with_and_without_a_reason(window, page, monkeypatch):
    view = page.views[COLUMNS.index(None)]
    view.setCurrentIndex(page.models[COLUMNS.index(None)].index(0))  # Eva Eriksen
    monkeypatch.setattr(
        "fsm_desktop.views.board.moving.QInputDialog.getText",
        lambda *a, **k: ("fik job på lager", True),
    )
    before = moves_in_log(window)
    page._context_menu(COLUMNS.index(None), view.visualRect(view.currentIndex()).center())
    _menu_action(page._menu, "Flyt til med begrundelse", "i gang").trigger()
    assert names(page, I) == ["Anna Hansen", "Eva Eriksen"]
    assert counts(page) == [
        "i gang (2)",
        "på spring (0)",
        "på vej (2)",
        "på længere sigt (1)",
        "Ikke placeret (1)",
    ]
    assert moves_in_log(window) == before + 1
    eva = card(page, "Eva Eriksen")
    log = BoardRepository(window.project).moves(eva.citizen_id)
    assert [(m[2], m[3], m[4]) for m in log] == [(None, I, "fik job på lager")]
    # Without a reason; the column the card is in cannot be chosen.
    bo_view = page.views[COLUMNS.index(V)]
    bo_view.setCurrentIndex(page.models[COLUMNS.index(V)].index(0))  # Bo Berg
    page._context_menu(COLUMNS.index(V), bo_view.visualRect(bo_view.currentIndex()).center())
    assert not _menu_action(page._menu, "Flyt til", "på vej").isEnabled()
    assert [a.text() for a in _menu_action(page._menu, "Flyt til").menu().actions()] == [
        "i gang",
        "på spring",
        "på vej",
        "på længere sigt",
    ]  # not "Ikke placeret"
    _menu_action(page._menu, "Flyt til", "på længere sigt").trigger()
    assert names(page, L) == ["Bo Berg", "Dorte Dahl"]
    assert counts(page) == [
        "i gang (2)",
        "på spring (0)",
        "på vej (1)",
        "på længere sigt (2)",
        "Ikke placeret (1)",
    ]
    assert moves_in_log(window) == before + 2
    assert BoardRepository(window.project).moves(card(page, "Bo Berg").citizen_id)[-1][2:] == (
        V,
        L,
        "",
    )


def test_a_multi_move_is_one_undo_step(window, page):
    view = page.views[COLUMNS.index(V)]
    model = page.models[COLUMNS.index(V)]
    view.selectionModel().select(model.index(0), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(model.index(1), view.selectionModel().SelectionFlag.Select)
    before = moves_in_log(window)
    assert page.move_selected_by(COLUMNS.index(V), -1)
    assert names(page, S) == ["Bo Berg", "Cai Hansen"] and names(page, V) == []
    assert (
        page.undo_stack.count() == 1
        and page.undo_action.text() == "Fortryd flyt 2 kort til på spring"
    )
    assert moves_in_log(window) == before + 2
    page.undo_action.trigger()
    assert names(page, V) == ["Bo Berg", "Cai Hansen"] and names(page, S) == []
    assert moves_in_log(window) == before  # an undone move leaves no trace in the log …
    assert card(page, "Bo Berg").days_in_column(TODAY) == 40  # … so the days come back
    assert [
        e.action for e in AuditLog(window.project).for_citizen(card(page, "Bo Berg").citizen_id)
    ][-2:] == ["move", "undo_move"]
    page.redo_action.trigger()
    assert names(page, S) == ["Bo Berg", "Cai Hansen"]
    assert moves_in_log(window) == before + 2
    check_models(page)
    page.search.setText("b")  # Bo Berg (and Eva Eriksen? no "b"): where the moves put him
    assert names(page, S) == ["Bo Berg"] and names(page, V) == []
    check_models(page)


@pytest.mark.parametrize(
    "setup, expected",
    [
        (lambda p: p.search.setText("hansen"), ["Anna Hansen", "Cai Hansen"]),
        (lambda p: p.search.setText("0202"), ["Bo Berg"]),
        # The search means what it means on every page (domain.search): the CPR number from
        # its start, the last four digits only with the whole number, names without accents.
        (lambda p: p.search.setText("020280-2345"), ["Bo Berg"]),
        (lambda p: p.search.setText("2345"), []),
        (lambda p: p.search.setText("ANNA hans"), ["Anna Hansen"]),
        (lambda p: p.search.setText("dorté"), ["Dorte Dahl"]),
        (
            lambda p: p.broker_box.setCurrentIndex(p.broker_box.findText("JF – Jonna Formidler")),
            ["Anna Hansen"],
        ),
        (
            lambda p: p.caseworker_box.setCurrentIndex(
                p.caseworker_box.findText("SC – Søren Ceder")
            ),
            ["Cai Hansen", "Dorte Dahl"],
        ),
        (
            lambda p: p.group_box.setCurrentIndex(p.group_box.findData(2)),
            ["Cai Hansen", "Finn Friis"],
        ),
        (
            lambda p: p.flag_box.setCurrentIndex(p.flag_box.findData("no_cv")),
            ["Bo Berg", "Cai Hansen", "Dorte Dahl", "Eva Eriksen", "Finn Friis"],
        ),
        (lambda p: p.hours_button.setChecked(True), ["Anna Hansen"]),
        (
            lambda p: (p.days_spin.setValue(39), p.days_button.setChecked(True)),
            ["Anna Hansen", "Bo Berg", "Cai Hansen", "Dorte Dahl"],
        ),
        (lambda p: (p.days_spin.setValue(40), p.days_button.setChecked(True)), []),
    ],
)
def test_every_filter_and_the_counts_follow(page, setup, expected):
    setup(page)
    shown = sorted(name for column in COLUMNS for name in names(page, column))
    assert shown == expected
    total = sum(int(h.split("(")[1].rstrip(")")) for h in counts(page))
    assert total == len(expected)
    assert page.filter.active and page.reset_button.isEnabled()
    assert page.filter_label.text().startswith(f"Viser {len(expected)} af 6 borgere")
    page.reset_filter()
    assert sum(len(names(page, c)) for c in COLUMNS) == 6 and not page.filter.active


def test_mine_borgere(page):
    sara = next(sid for sid, label in page.staff_names.items() if label.startswith("SB"))
    page.set_me(sara)
    assert page.mine_button.isChecked()
    assert sorted(n for c in COLUMNS for n in names(page, c)) == [
        "Anna Hansen",
        "Bo Berg",
        "Eva Eriksen",
    ]


def ticked(page) -> list[str]:
    return [a.text() for a in page.me_menu.actions() if a.isChecked()]


def test_the_jeg_er_menu_ticks_the_one_chosen(page):
    actions = {a.text(): a for a in page.me_menu.actions()}
    assert set(actions) == {
        "Jeg er JF – Jonna Formidler",
        "Jeg er SB – Sara Berg",
        "Jeg er SC – Søren Ceder",
    }
    assert ticked(page) == []
    actions["Jeg er SB – Sara Berg"].trigger()  # as a click in the menu does
    assert ticked(page) == ["Jeg er SB – Sara Berg"] and page.mine_button.isChecked()
    actions["Jeg er SC – Søren Ceder"].trigger()
    assert ticked(page) == ["Jeg er SC – Søren Ceder"]
    assert sorted(n for c in COLUMNS for n in names(page, c)) == ["Cai Hansen", "Dorte Dahl"]
    actions["Jeg er SC – Søren Ceder"].trigger()  # choosing the same again keeps the tick
    assert ticked(page) == ["Jeg er SC – Søren Ceder"]
    # Remembered: the menu is built again on the next load, with the tick.
    page.load(page.project)
    assert ticked(page) == ["Jeg er SC – Søren Ceder"]


def test_lanes_by_caseworker_line_up_and_a_drop_in_another_lane_hands_over(window, page, qtbot):
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    check_models(page)
    lanes = [lane.label for lane in page.layout_.lanes]
    assert lanes == ["SB Sara Berg", "SC Søren Ceder", ""]
    page.load(window.project)  # read again: grouped by caseworker in the loading thread
    assert (
        page._groups[0] == "sagsbehandler" and [lane.label for lane in page.layout_.lanes] == lanes
    )
    check_models(page)
    # The lane's name, its count, and its count per cell (i gang · på spring · på vej · …).
    assert (
        page.lane_model.index(0).data()
        == "▾ SB Sara Berg\n3 borgere\npr. kolonne: 1 · 0 · 1 · 0 · 1"
    )
    # Drop Anna (lane SB, i gang) on "på vej" in Søren's lane.
    source = page.models[COLUMNS.index(I)]
    target = page.models[COLUMNS.index(V)]
    sc_row = page.layout_.offset(page.layout_.lanes[1].key)
    with qtbot.waitSignal(page.board_ready):  # the move runs once the drop has returned
        target.dropMimeData(
            source.mimeData([source.index(0)]),
            Qt.DropAction.MoveAction,
            -1,
            0,
            target.index(sc_row),
        )
    anna = card(page, "Anna Hansen")
    assert (anna.column, anna.caseworker) == (V, "SC")
    assert page.layout_.position(anna)[0] == page.layout_.lanes[1].key
    check_models(page)
    sb, sc = (lane.key for lane in page.layout_.lanes[:2])
    page.search.setText("hansen")  # a filter after the moves: picks from the cards as they are now
    assert [lane.key for lane in page.layout_.lanes] == [sc] and names(page, V) == [
        "Anna Hansen",
        "Cai Hansen",
    ]
    check_models(page)
    page.search.setText("")
    page.undo_action.trigger()
    assert (anna.column, anna.caseworker) == (I, "SB")
    page.search.setText("hansen")
    assert [lane.key for lane in page.layout_.lanes] == [sb, sc] and page.layout_.position(
        anna
    ) == (sb, 0)
    check_models(page)
    page.search.setText("")
    # Collapsing a lane shows its counts in one row.
    page.lane_view.clicked.emit(page.lane_model.index(0))
    assert (
        page.models[COLUMNS.index(V)].index(0).data(Qt.ItemDataRole.DisplayRole)
        == "SB Sara Berg, på vej: 1 borger (sammenklappet)"
    )
    check_models(page)


def test_finish_meeting_and_what_changed_since(window, page):
    assert not page.changed_button.isEnabled()  # no meeting yet
    page.record_meeting(TODAY, ["SB", "SC"])
    assert page.changed_button.isEnabled()
    assert not any(c.changed_since_meeting for c in page.cards)
    page.views[COLUMNS.index(V)].setCurrentIndex(page.models[COLUMNS.index(V)].index(0))
    page.move_selected_by(COLUMNS.index(V), -1)  # Bo to "på spring"
    bo = card(page, "Bo Berg")
    assert bo.changed_since_meeting
    page.changed_button.setChecked(True)
    assert [n for c in COLUMNS for n in names(page, c)] == ["Bo Berg"]
    meetings = BoardRepository(window.project).meetings()
    assert (
        len(meetings) == 1 and meetings[0].counts[V] == 2 and meetings[0].attendees == ["SB", "SC"]
    )


def test_meeting_mode_zoom_and_lane_steps(window, page, qtbot):
    size = page.delegate.sizeHint(None, page.models[0].index(0))
    page.meeting_action.setChecked(True)
    assert page.meeting_mode and not window.nav.isVisible() and page.zoom == 1.4
    assert page.delegate.sizeHint(None, page.models[0].index(0)).height() > size.height()
    page.step_zoom(1)
    assert page.zoom == 1.6
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    page.meeting_action.setChecked(False)
    window.resize(1000, 560)  # the three lanes do not fit: there is something to step through
    page.delegate.roomy = True  # meeting mode's tall cards
    page.set_zoom(1.6)
    view = page.views[-1]
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    window.activateWindow()
    page.search.setFocus()  # PgDn works from anywhere on the page
    qtbot.waitUntil(page.search.hasFocus)
    QTest.keyClick(page.search, Qt.Key.Key_PageDown)
    # The next lane is scrolled up as far as the board goes (its first row in view).
    row = page.layout_.offset(page.layout_.lanes[1].key)
    assert view.verticalScrollBar().value() == min(
        view.verticalScrollBar().maximum(), row * view.sizeHintForRow(0)
    )
    assert view.verticalScrollBar().value() > 0
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_PageUp)
    assert view.verticalScrollBar().value() == 0
    page.meeting_action.setChecked(True)
    page.leave_action.trigger()
    assert not page.meeting_mode and window.nav.isVisible() and page.zoom == 1.0
    # The columns scroll together.
    assert {v.verticalScrollBar().value() for v in page.views} == {0}


def test_enter_opens_the_citizen_and_the_cpr_is_revealed_on_purpose(window, page):
    view = page.views[COLUMNS.index(I)]
    view.setFocus()
    view.setCurrentIndex(page.models[COLUMNS.index(I)].index(0))
    QTest.keyClick(view, Qt.Key.Key_Return)
    dialog = page.citizen_window
    dialog.ask_before_closing = False
    assert dialog.windowTitle() == "Anna Hansen"
    assert dialog.cpr_label.text() == "010180-xxxx"
    anna = card(page, "Anna Hansen")
    dialog.reveal_button.click()
    assert dialog.cpr_label.text() == "010180-1234"
    assert [e.action for e in AuditLog(window.project).for_citizen(anna.citizen_id)][
        -1
    ] == "reveal_cpr"
    dialog.close()


def test_a_bad_drop_is_ignored(page):
    target = page.models[0]
    from PySide6.QtCore import QByteArray, QMimeData

    junk = QMimeData()
    junk.setData(MIME_TYPE, QByteArray(b"not json"))
    assert target.dropMimeData(junk, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
    assert not target.canDropMimeData(QMimeData(), Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert counts(page)[0] == "i gang (1)"


def test_lanes_collapse_and_open_by_keyboard(window, page, qtbot):
    """A meeting without a mouse: ← from the first column goes to the lane names, Enter and
    Space collapse and open a lane, ↑/↓ go from lane to lane, → back to the cards."""
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    window.activateWindow()
    view = page.views[COLUMNS.index(I)]
    view.setFocus()
    view.setCurrentIndex(page.models[COLUMNS.index(I)].index(0))  # Anna, lane SB
    qtbot.waitUntil(view.hasFocus)
    QTest.keyClick(view, Qt.Key.Key_Left)
    lanes = page.lane_view
    assert lanes.hasFocus() and lanes.currentIndex().row() == 0
    sb, sc = (lane.key for lane in page.layout_.lanes[:2])
    QTest.keyClick(lanes, Qt.Key.Key_Return)
    assert page.collapsed == {sb} and page.layout_.lane(sb).collapsed
    assert lanes.hasFocus() and page.lane_model.lane_key(lanes.currentIndex().row()) == sb
    assert "sammenklappet" in lanes.currentIndex().data(Qt.ItemDataRole.AccessibleTextRole)
    QTest.keyClick(lanes, Qt.Key.Key_Down)  # to the next lane's name
    assert page.lane_model.lane_key(lanes.currentIndex().row()) == sc
    QTest.keyClick(lanes, Qt.Key.Key_Space)
    assert page.collapsed == {sb, sc}
    QTest.keyClick(lanes, Qt.Key.Key_Up)
    QTest.keyClick(lanes, Qt.Key.Key_Space)
    assert page.collapsed == {sc}
    QTest.keyClick(lanes, Qt.Key.Key_Right)  # back to the cards, in lane SB
    column = page.views[COLUMNS.index(I)]
    assert column.hasFocus() and column.currentIndex().data(BOARD_CARD_ROLE).name == "Anna Hansen"
    check_models(page)


def _focused_card(window):
    focus = window.focusWidget()
    index = focus.currentIndex() if hasattr(focus, "currentIndex") else None
    return focus, (index.data(BOARD_CARD_ROLE) if index is not None and index.isValid() else None)


def test_page_down_and_up_step_through_every_lane_and_back(window, page, qtbot):
    """PgDn / PgUp: a current lane, marked beside the board, with the focus on its first card;
    from the last lanes too (they cannot scroll to the top) and back."""
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    window.resize(1000, 560)
    page.delegate.roomy = True  # meeting mode's tall cards: the small board scrolls
    page.set_zoom(1.6)
    qtbot.waitUntil(lambda: page.views[-1].verticalScrollBar().maximum() > 0)
    keys = [lane.key for lane in page.layout_.lanes]  # SB, SC, none
    first_card = {keys[0]: "Anna Hansen", keys[1]: "Cai Hansen", keys[2]: "Finn Friis"}
    window.activateWindow()
    view = page.views[COLUMNS.index(I)]
    view.setFocus()
    view.setCurrentIndex(page.models[COLUMNS.index(I)].index(0))  # Anna, lane SB
    qtbot.waitUntil(view.hasFocus)
    lanes_seen = []
    for key_pressed, expected in [
        (Qt.Key.Key_PageDown, 1),
        (Qt.Key.Key_PageDown, 2),
        (Qt.Key.Key_PageDown, 2),
        (Qt.Key.Key_PageUp, 1),
        (Qt.Key.Key_PageUp, 0),
        (Qt.Key.Key_PageUp, 0),
    ]:
        QTest.keyClick(window.focusWidget(), key_pressed)
        lane = keys[expected]
        assert page.current_lane == lane
        header = page.lane_model.index(page.layout_.offset(lane))
        assert header.data(page.lane_model.CURRENT_LANE_ROLE) and "aktuel bane" in header.data(
            Qt.ItemDataRole.AccessibleTextRole
        )
        others = [page.lane_model.index(page.layout_.offset(k)) for k in keys if k != lane]
        assert not any(i.data(page.lane_model.CURRENT_LANE_ROLE) for i in others)
        _focus, focused = _focused_card(window)
        assert focused is not None and focused.name == first_card[lane]
        lanes_seen.append(expected)
    assert lanes_seen == [1, 2, 2, 1, 0, 0]
    # A collapsed lane has no card to focus: its name gets the focus.
    page.collapsed = {keys[1]}
    page.rebuild()
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_PageDown)
    assert page.current_lane == keys[1] and page.lane_view.hasFocus()
    assert page.lane_model.lane_key(page.lane_view.currentIndex().row()) == keys[1]
    QTest.keyClick(page.lane_view, Qt.Key.Key_Return)  # and Enter opens it
    assert page.collapsed == set()


def test_ikke_placeret_refuses_a_drop(window, page, qtbot):
    """Not placed is no column to move to: the drag shows it cannot drop there, and a drop
    asks for no move (rather than being accepted and silently ignored)."""
    source = page.models[COLUMNS.index(V)]
    target = page.models[COLUMNS.index(None)]
    mime = source.mimeData([source.index(0)])
    assert not target.canDropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not target.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert not target.flags(target.index(0)) & Qt.ItemFlag.ItemIsDropEnabled
    assert target.flags(target.index(0)) & Qt.ItemFlag.ItemIsDragEnabled  # its cards can leave
    assert source.canDropMimeData(
        target.mimeData([target.index(0)]), Qt.DropAction.MoveAction, 0, 0, QModelIndex()
    )
    before = moves_in_log(window)
    with qtbot.assertNotEmitted(target.drop_requested):
        assert target.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False
    assert moves_in_log(window) == before and names(page, V) == ["Bo Berg", "Cai Hansen"]


def test_a_failed_hand_over_leaves_the_move_unwritten(window, page, qtbot, monkeypatch):
    """A drop in another lane is one transaction: when handing over fails, no move is written
    and the board stays as it was."""
    from fsm_desktop.domain.errors import KnownError
    from fsm_desktop.storage.board import BoardRepository as Repository

    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))

    def refuse(*args, **kwargs):
        raise KnownError("Projektfilen {path} er låst af et andet program", path="x")

    warnings = []
    monkeypatch.setattr(Repository, "reassign", refuse)
    monkeypatch.setattr(
        "fsm_desktop.views.board.moving.QMessageBox.warning", lambda *a: warnings.append(a[1])
    )
    source, target = page.models[COLUMNS.index(I)], page.models[COLUMNS.index(V)]
    before = moves_in_log(window)
    sc_row = page.layout_.offset(page.layout_.lanes[1].key)
    target.dropMimeData(
        source.mimeData([source.index(0)]), Qt.DropAction.MoveAction, -1, 0, target.index(sc_row)
    )
    qtbot.waitUntil(lambda: warnings == ["Kortet kunne ikke flyttes"])
    anna = card(page, "Anna Hansen")
    assert moves_in_log(window) == before and (anna.column, anna.caseworker) == (I, "SB")
    assert BoardRepository(window.project).moves(anna.citizen_id)[-1][3] == I
    assert page.undo_stack.count() == 0 and names(page, I) == ["Anna Hansen"]


def test_f11_goes_full_screen_and_back(window, page, qtbot):
    window.activateWindow()
    view = page.views[COLUMNS.index(I)]
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert not window.isFullScreen()
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F11)
    assert page.meeting_mode and page.meeting_action.isChecked()
    qtbot.waitUntil(window.isFullScreen)
    assert not window.nav.isVisible() and page.zoom == 1.4
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not page.meeting_mode and window.nav.isVisible() and page.zoom == 1.0
    # Esc leaves it too.
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    QTest.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not page.meeting_mode and not page.meeting_action.isChecked()


def test_two_moves_in_one_second_keep_the_days_in_the_column(window, page, monkeypatch):
    """Ctrl+→ twice within a second: the card counts its days from the second move, also
    when the board is read again from the file."""
    second = dt.datetime.combine(TODAY, dt.time(10, 15, 30))
    monkeypatch.setattr("fsm_desktop.storage.board._now", lambda: second)
    view = page.views[COLUMNS.index(I)]
    view.setFocus()
    view.setCurrentIndex(page.models[COLUMNS.index(I)].index(0))  # Anna
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(
        page.views[COLUMNS.index(S)], Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier
    )
    assert names(page, V) == ["Anna Hansen", "Bo Berg", "Cai Hansen"]
    page.load(window.project)  # read again from the file
    anna = card(page, "Anna Hansen")
    assert (anna.column, anna.since, anna.days_in_column(TODAY)) == (V, second, 0)
    row = page.models[COLUMNS.index(V)].row_of(anna.citizen_id)
    assert page.models[COLUMNS.index(V)].index(row).data(CARD_ROLE).days_in_column == 0


def test_the_lists_keep_their_shared_position_while_laid_out_again(window, page, qtbot):
    """A move lays the lists out again in batches (as with 20,000 cards); meanwhile a list's
    range is short and clamps its position. The board must not jump: every list comes back to
    the shared position."""
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    window.resize(1000, 560)
    page.delegate.roomy = True  # meeting mode's tall cards: the small board scrolls
    page.set_zoom(1.6)
    lists = [*page.views, page.lane_view]
    for view in lists:
        view.setBatchSize(1)  # a batch per row: a 6-citizen board laid out like a big one
    bars = [view.verticalScrollBar() for view in lists]
    qtbot.waitUntil(lambda: bars[-1].maximum() > 0 and len({bar.maximum() for bar in bars}) == 1)
    page.show_lane(page.layout_.lanes[-1].key)  # the last lane: the board scrolled down
    qtbot.waitUntil(lambda: len({bar.maximum() for bar in bars}) == 1)
    position = bars[0].value()
    assert position > 0 and {bar.value() for bar in bars} == {position}
    seen = set()
    for bar in bars:
        bar.valueChanged.connect(seen.add)
    focused = next(view for view in page.views if view.hasFocus())
    QTest.keyClick(
        focused, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier
    )  # Finn to "på længere sigt"
    assert names(page, L) == ["Dorte Dahl", "Finn Friis"]
    qtbot.waitUntil(
        lambda: (
            len({bar.maximum() for bar in bars}) == 1
            and {bar.value() for bar in bars} == {position}
        )
    )
    assert min(seen, default=position) < position  # the lists were clamped meanwhile …
    qtbot.waitUntil(lambda: {bar.value() for bar in bars} == {position})  # … and came back


def _shared_bars(page: BoardPage):
    return [view.verticalScrollBar() for view in (*page.views, page.lane_view)]


def _scrolled_down(window, page: BoardPage, qtbot):
    """Lanes by caseworker on a small, zoomed board, scrolled to its last lane."""
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    window.resize(1000, 560)
    page.delegate.roomy = True  # meeting mode's tall cards: the small board scrolls
    page.set_zoom(1.6)
    bars = _shared_bars(page)
    qtbot.waitUntil(lambda: bars[-1].maximum() > 0 and len({bar.maximum() for bar in bars}) == 1)
    page.show_lane(page.layout_.lanes[-1].key)
    qtbot.waitUntil(lambda: len({bar.maximum() for bar in bars}) == 1 and bars[0].value() > 0)
    return bars


def test_a_filter_change_shows_every_column_from_the_top(window, page, qtbot):
    """Issue 22.3: a filtered board starts at the top (a column with two cards does not look
    empty); no card had the keyboard, so none is brought into view."""
    bars = _scrolled_down(window, page, qtbot)
    for view in page.views:
        view.selectionModel().clear()
    page.search.setFocus()
    page.flag_box.setCurrentIndex(page.flag_box.findData("no_cv"))  # all but Anna
    assert names(page, V) == ["Bo Berg", "Cai Hansen"]
    assert bars[-1].maximum() > 0  # still a board that scrolls
    qtbot.waitUntil(lambda: len({bar.maximum() for bar in bars}) == 1)
    qtbot.waitUntil(lambda: [bar.value() for bar in bars] == [0] * len(bars))
    assert [bar.value() for bar in bars] == [0] * len(bars)


def test_a_filter_change_keeps_the_focused_card_current_and_in_view(window, page, qtbot):
    """Issue 22.3: the card the keyboard was on stays the current card after a filter change
    and is scrolled into view; the columns start from the top as far as that allows."""
    bars = _scrolled_down(window, page, qtbot)
    ikke = page.views[-1]
    assert ikke.hasFocus() and ikke.currentIndex().data(BOARD_CARD_ROLE).name == "Finn Friis"
    page.group_box.setCurrentIndex(page.group_box.findData(2))  # Cai and Finn
    qtbot.waitUntil(lambda: len({bar.maximum() for bar in bars}) == 1)
    qtbot.waitUntil(lambda: len({bar.value() for bar in bars}) == 1)
    current = ikke.currentIndex()
    assert current.isValid() and current.data(BOARD_CARD_ROLE).name == "Finn Friis"
    shown = ikke.visualRect(current)  # in view (a zoomed card may be taller than the view)
    assert shown.top() >= 0 and (
        shown.bottom() <= ikke.viewport().height() or shown.height() > ikke.viewport().height()
    )
    assert len({bar.value() for bar in bars}) == 1  # the lists still scroll together
    page.group_box.setCurrentIndex(page.group_box.findData(1))  # Finn is no longer shown
    qtbot.waitUntil(lambda: len({bar.maximum() for bar in bars}) == 1)
    qtbot.waitUntil(lambda: [bar.value() for bar in bars] == [0] * len(bars))
    assert [bar.value() for bar in bars] == [0] * len(bars)


def test_the_filter_line_says_what_is_applied_after_a_meeting(window, page):
    """Issue 22.4: finishing a meeting reloads the board (and fills the staff boxes again);
    the line that names the filter then still says what is applied, and so after a change."""
    page.record_meeting(TODAY, ["SB", "SC"])
    page.broker_box.setCurrentIndex(page.broker_box.findText("JF – Jonna Formidler"))
    page.changed_button.setChecked(True)
    assert page.filter_label.text() == (
        "Viser 0 af 6 borgere · filter: jobformidler JF, ændret siden sidste møde"
    )
    page.record_meeting(TODAY, ["SB"])  # reloads: the boxes are filled again
    assert page.broker_box.currentText() == "JF – Jonna Formidler"
    assert page.filter == page.current_filter()
    assert page.filter_label.text().endswith("filter: jobformidler JF, ændret siden sidste møde")
    page.changed_button.setChecked(False)
    assert page.filter_label.text() == "Viser 1 af 6 borgere · filter: jobformidler JF"
    page.broker_box.setCurrentIndex(0)  # "Alle jobformidlere": no filter
    assert page.filter_label.text() == "Viser 6 af 6 borgere"
    assert not page.reset_button.isEnabled()
    # A filter the boxes can no longer show (the job broker gone from the staff list) is
    # dropped, and the line says so.
    page.broker_box.setCurrentIndex(page.broker_box.findText("JF – Jonna Formidler"))
    jf = page.broker_box.currentData()
    with window.project.db.atomic():
        window.project.db.execute("DELETE FROM assignment WHERE staff_id = ?", (jf,))
        window.project.db.execute("DELETE FROM staff WHERE id = ?", (jf,))
    page.record_meeting(TODAY, ["SB"])
    assert page.broker_box.currentIndex() == 0 and page.filter == page.current_filter()
    assert page.filter_label.text() == "Viser 6 af 6 borgere"


def _edit_field_width(box) -> int:
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    return (
        box.style()
        .subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
        )
        .width()
    )


def test_the_staff_boxes_are_not_clipped_at_1366_by_768(window, page, qtbot):
    """Issue 22, item 7: "Alle sagsbehandlere" (and the other boxes' texts) are shown whole on
    a 1366×768 screen."""
    window.showNormal()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() <= 1366)
    page.load(window.project)  # the boxes filled again once the page is shown
    qtbot.waitUntil(lambda: page.caseworker_box.count() > 1)
    assert page.caseworker_box.itemText(0) == "Alle sagsbehandlere"
    for box in (page.broker_box, page.caseworker_box, page.group_box, page.flag_box):
        first = box.fontMetrics().horizontalAdvance(box.itemText(0))  # "Alle …"
        assert _edit_field_width(box) >= first, box.accessibleName()


def test_the_reason_dialog_names_the_citizen_and_the_columns(window, page, monkeypatch):
    """Issue 22, item 7: "Flyt med begrundelse" says who is moved, from where and to where."""
    asked = []

    def get_text(parent, title, label, *args, **kwargs):
        asked.append((title, label))
        return "", False  # cancelled: nothing moves

    monkeypatch.setattr("fsm_desktop.views.board.moving.QInputDialog.getText", get_text)
    view = page.views[COLUMNS.index(None)]
    view.setCurrentIndex(page.models[COLUMNS.index(None)].index(0))  # Eva Eriksen
    before = moves_in_log(window)
    page._context_menu(COLUMNS.index(None), view.visualRect(view.currentIndex()).center())
    _menu_action(page._menu, "Flyt til med begrundelse", "på vej").trigger()
    assert asked == [
        (
            "Flyt med begrundelse",
            "Flyt Eva Eriksen fra »Ikke placeret« til »på vej«.\nBegrundelse (valgfri):",
        )
    ]
    v_view = page.views[COLUMNS.index(V)]
    v_view.selectAll()  # Bo Berg and Cai Hansen
    page.move_selected_to(COLUMNS.index(V), L, ask_reason=True)
    assert asked[-1][1] == "Flyt 2 borgere til »på længere sigt«.\nBegrundelse (valgfri):"
    assert moves_in_log(window) == before and names(page, None) == ["Eva Eriksen", "Finn Friis"]


def test_the_lane_counts_say_what_they_count(page):
    """Issue 22, item 7: a lane's counts per column say so, and the tooltip and the spoken
    text name each column's count."""
    page.lane_box.setCurrentIndex(page.lane_box.findData("sagsbehandler"))
    sara = page.lane_model.index(0)
    assert sara.data() == "▾ SB Sara Berg\n3 borgere\npr. kolonne: 1 · 0 · 1 · 0 · 1"
    counts_text = "i gang: 1, på spring: 0, på vej: 1, på længere sigt: 0, ikke placeret: 1"
    assert sara.data(Qt.ItemDataRole.ToolTipRole).split("\n")[0] == (
        f"3 borgere i banen: {counts_text}"
    )
    assert sara.data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"Bane SB Sara Berg, 3 borgere, udfoldet ({counts_text})"
    )
