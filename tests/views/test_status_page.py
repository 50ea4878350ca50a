"""The Statusskema page under pytest-qt: the sheet shown with its numbers, colours and marks, a
goal edited in place (double-click, typed, Enter) and refused with a Danish message, the
coordination row's marks, the last month and the hours setting, the export, the empty state and
an initiative without groups. The model is checked by a QAbstractItemModelTester for the whole
of every test (qt_log_level_fail makes its warnings failures)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from fsm_desktop.domain.model import Citizen, new_id
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.status_sheet import (
    COORDINATION,
    EXEMPT_225,
    HOURS_OVER,
    JOB_BROKER,
    PAID,
    PRAKTIK,
    REHAB,
)
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.status_sheet import StatusSheetRepository
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.status.models import (
    MET_BACKGROUND,
    NO_DATA_BACKGROUND,
    NOT_MET_BACKGROUND,
    StatusSheetModel,
)

WARN = QAbstractItemModelTester.FailureReportingMode.Warning
TODAY = min(dt.date.today(), dt.date(2021, 10, 31))


def _project(path, program="fsm2", citizens=4):
    """Citizens of group 1 (entered 1 Nov 2019): the first with praktik from 1 Dec 2019 and 12
    paid hours in December 2019."""
    with Project.create(path, builtin_template(program), municipality="Testrup Kommune") as project:
        people = [
            Citizen(
                cpr=f"01017{i}1234",
                name=f"Borger {i}",
                group=1 if program == "fsm2" else None,
                entry_date=dt.date(2019, 11, 1),
            )
            for i in range(citizens)
        ]
        for person in people:
            CitizenRepository(project).add(person)
        if people:
            with project.db.atomic():
                project.db["period"].insert(
                    {
                        "id": new_id(),
                        "citizen_id": people[0].id,
                        "kind": "virksomhedspraktik",
                        "start": "2019-12-01",
                        "end": None,
                        "note": "",
                    }
                )
                project.db["paid_hours"].insert(
                    {"citizen_id": people[0].id, "month": "2019-12", "hours": 12.0}
                )
    return path


@pytest.fixture
def page_on(open_window, qtbot):
    """``page_on(path)``: the main window on the Statusskema page, its sheet loaded and its
    model under a QAbstractItemModelTester for the rest of the test."""
    testers = []

    def open_(path):
        win = open_window(path, "statusskema")
        page = win.stack.currentWidget()
        qtbot.waitUntil(lambda: page.sheet is not None)
        testers.append(QAbstractItemModelTester(page.model, WARN))
        return page

    yield open_
    testers.clear()


def _row(page, row_id: str) -> int:
    return page.model.row_of(row_id)


def _column(page, month: str, kind: str = "month") -> int:
    return next(
        j for j, c in enumerate(page.model.sheet.columns) if c.month == month and c.kind == kind
    )


def test_the_sheet_shows_counts_shares_marks_and_colours(app, tmp_path, page_on):
    page = page_on(_project(tmp_path / "p.fsm"))
    model = page.model
    sheet = model.sheet
    assert model.rowCount() == len(sheet.rows) >= 17
    assert model.columnCount() == len(sheet.columns)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "0-punkt\n01.11.2019"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "nov.\n2019"
    assert model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) == "Mål\nokt. 2021"
    # Praktik in December 2019: 1 of 4 = 25,0 %, against the goal of 20 % (October 2020): met.
    dec = model.index(_row(page, PRAKTIK), _column(page, "2019-12"))
    assert dec.data() == "1\n✓ 25,0 %"
    assert dec.data(Qt.ItemDataRole.BackgroundRole) == MET_BACKGROUND
    assert dec.data(StatusSheetModel.MET_ROLE) is True
    nov = model.index(_row(page, PRAKTIK), _column(page, "2019-11"))
    assert nov.data() == "0\n✗ 0,0 %"
    assert nov.data(Qt.ItemDataRole.BackgroundRole) == NOT_MET_BACKGROUND
    assert "1 af 4" in dec.data(Qt.ItemDataRole.ToolTipRole)
    # A row without data says so, greyed, in every month.
    missing = model.index(_row(page, EXEMPT_225), _column(page, "2019-12"))
    assert missing.data() == "ingen data"
    assert missing.data(Qt.ItemDataRole.BackgroundRole) == NO_DATA_BACKGROUND
    # No job-broker assignments at all in this project: no data, not 0 %.
    assert model.index(_row(page, JOB_BROKER), 1).data() == "ingen data"
    assert model.index(_row(page, PAID), _column(page, "2019-12")).data() == "1\n✓ 25,0 %"
    assert page.view.isVisible() and not page.empty_label.isVisible()
    assert page.export_button.isEnabled()


def test_a_goal_is_edited_in_place_and_a_bad_one_refused(app, tmp_path, page_on, qtbot):
    path = _project(tmp_path / "p.fsm")
    page = page_on(path)
    model, view = page.model, page.view
    goal = model.index(_row(page, PRAKTIK), _column(page, "2020-10", "goal"))
    assert goal.data() == "20 %"
    assert goal.flags() & Qt.ItemFlag.ItemIsEditable
    dec = model.index(_row(page, PRAKTIK), _column(page, "2019-12"))

    def type_goal(text: str) -> None:
        view.scrollTo(goal)
        rect = view.visualRect(goal)
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        editors = lambda: [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]  # noqa: E731
        qtbot.waitUntil(lambda: len(editors()) == 1)
        editor = editors()[0]
        editor.selectAll()
        QTest.keyClicks(editor, text)
        QTest.keyClick(
            editor, Qt.Key.Key_Return
        )  # the delegate commits in the next round of events
        qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)

    type_goal("30")
    assert goal.data() == "30 %"
    assert dec.data() == "1\n✗ 25,0 %"  # 25 % no longer meets the goal
    assert "er gemt" in page.message_label.text()
    with Project.open(path, read_only=True) as project:
        targets = {g.measure: g.targets for g in StatusSheetRepository(project).facts().goals}
    assert targets["praktik"] == {"2020-10": 0.3, "2021-10": 0.2}

    type_goal("150")
    assert page.message_label.text() == "Målet skal være en andel mellem 0 og 100 %."
    assert page.message_label.isVisible()
    assert goal.data() == "30 %"
    with Project.open(path, read_only=True) as project:
        assert {g.measure: g.targets for g in StatusSheetRepository(project).facts().goals}[
            "praktik"
        ]["2020-10"] == 0.3


def test_coordination_marks_are_ticked_per_month(app, tmp_path, page_on):
    path = _project(tmp_path / "p.fsm")
    page = page_on(path)
    model = page.model
    index = model.index(_row(page, COORDINATION), _column(page, "2020-02"))
    assert index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert (
        not model.index(_row(page, COORDINATION), 0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    )  # 0-punkt
    model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    with Project.open(path, read_only=True) as project:
        assert StatusSheetRepository(project).coordination() == frozenset({"2020-02"})
    model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    with Project.open(path, read_only=True) as project:
        assert StatusSheetRepository(project).coordination() == frozenset()


def test_last_month_and_hours_setting(app, tmp_path, page_on, qtbot):
    path = _project(tmp_path / "p.fsm")
    page = page_on(path)
    page.month_box.setCurrentIndex(page.month_box.findData("2020-01"))
    qtbot.waitUntil(
        lambda: page.model.sheet is not None and str(page.model.sheet.last) == "2020-01"
    )
    assert [c.month for c in page.model.sheet.data_columns] == [
        "2019-11",
        "2019-11",
        "2019-12",
        "2020-01",
    ]
    assert page.model.columnCount() == 4 + 2
    row = _row(page, HOURS_OVER)
    assert page.model.index(row, 2).data() == "1\n25,0 %"  # 12 hours in December > 10
    page.hours_box.setValue(15)
    qtbot.waitUntil(lambda: page.model.sheet.hours_over == 15)
    row = _row(page, HOURS_OVER)
    assert (
        page.model.headerData(row, Qt.Orientation.Vertical).replace("\n", " ")
        == "Borgere med ordinære timer over 15 timer pr. md."
    )
    assert page.model.index(row, 2).data() == "0\n0,0 %"
    with Project.open(path, read_only=True) as project:
        value = project.db.execute("SELECT value FROM project_setting").fetchone()[0]
    assert json.loads(value) == 15


def test_export_writes_what_is_shown(app, tmp_path, page_on, qtbot, monkeypatch):
    page = page_on(_project(tmp_path / "p.fsm"))
    target = tmp_path / "ud" / "skema"
    target.parent.mkdir()
    monkeypatch.setattr(
        file_dialogs, "get_save_file_name", lambda *args, **kwargs: (str(target), "")
    )
    with qtbot.waitSignal(page.exported) as blocker:
        page.export_button.click()
    assert blocker.args == [str(target) + ".xlsx"]
    workbook = load_workbook(str(target) + ".xlsx")
    assert workbook.sheetnames == ["Statusskema", "Resultatkrav", "Data"]
    assert "er gemt" in page.status_label.text()
    # A folder that disappeared: a Danish message, the button usable again.
    monkeypatch.setattr(
        file_dialogs,
        "get_save_file_name",
        lambda *args, **kwargs: (str(tmp_path / "væk" / "x.xlsx"), ""),
    )
    page.export_button.click()
    qtbot.waitUntil(lambda: page.export_button.isEnabled())
    assert "kunne ikke gemmes" in page.message_label.text()


def test_empty_project_shows_how_to_start(app, tmp_path, page_on):
    page = page_on(_project(tmp_path / "tom.fsm", citizens=0))
    assert page.empty_label.isVisible()
    assert not page.view.isVisible()
    assert not page.export_button.isEnabled()


def test_an_initiative_without_groups(app, tmp_path, page_on):
    page = page_on(_project(tmp_path / "bir.fsm", program="bir"))
    model = page.model
    for row_id in (JOB_BROKER, REHAB):
        index = model.index(_row(page, row_id), 1)
        assert index.data() == "ikke relevant for indsatsen"
        goal = model.index(_row(page, row_id), model.columnCount() - 1)
        assert not goal.flags() & Qt.ItemFlag.ItemIsEditable
    assert model.headerData(0, Qt.Orientation.Horizontal) == "0-punkt\n01.01.2020"


# --- the citizens behind a cell ------------------------------------------------------------------


def _double_click(view, index) -> None:
    view.scrollTo(index)
    rect = view.visualRect(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _members(dialog, model) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_a_month_cell_lists_its_citizens_and_opens_one(app, tmp_path, page_on, qtbot):
    """Praktik in December 2019 is 1 of 4 (counted by hand: Borger 0 has praktik from
    1 December 2019; all four entered 1 November 2019): a double-click lists that one citizen
    over the four in the denominator, and a double-click on them opens their window."""
    page = page_on(_project(tmp_path / "p.fsm"))
    model, view = page.model, page.view
    dec = model.index(_row(page, PRAKTIK), _column(page, "2019-12"))
    cell = dec.data(StatusSheetModel.CELL_ROLE)
    assert (cell.count, cell.denominator) == (1, 4)
    assert "Dobbeltklik" in dec.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(page.members_shown) as shown:
        _double_click(view, dec)
    dialog = shown.args[0]
    testers = [QAbstractItemModelTester(m, WARN) for m in dialog.models]
    assert dialog.numerator_model.rowCount() == cell.count == 1
    assert dialog.denominator_model.rowCount() == cell.denominator == 4
    assert _members(dialog, dialog.numerator_model) == ["Borger 0"]
    assert _members(dialog, dialog.denominator_model) == [f"Borger {i}" for i in range(4)]
    assert dialog.numerator_model.index(0, 1).data() == "Virksomhedspraktik i dec. 2019"
    assert dialog.tabs.tabText(0) == "Tæller (1)" and dialog.tabs.tabText(1) == "Nævner (4)"
    assert "Virksomhedspraktik" in dialog.windowTitle() and "dec. 2019" in dialog.windowTitle()
    # A double-click on the citizen opens their window.
    qtbot.waitExposed(dialog)
    list_view = dialog.tabs.widget(0)
    with qtbot.waitSignal(dialog.citizen_chosen) as chosen:
        _double_click(list_view, dialog.numerator_model.index(0, 0))
    qtbot.waitUntil(lambda: getattr(page, "citizen_window", None) is not None)
    window = page.citizen_window
    assert window.citizen_id == chosen.args[0]
    with Project.open(page.project.path, read_only=True) as project:
        assert CitizenRepository(project).get(window.citizen_id).name == "Borger 0"
    window.close()
    dialog.close()
    testers.clear()


def test_enter_lists_a_cell_and_a_meeting_count_says_why_not(app, tmp_path, page_on, qtbot):
    page = page_on(_project(tmp_path / "p.fsm"))
    model, view = page.model, page.view
    paid = model.index(_row(page, PAID), _column(page, "2019-12"))
    view.setFocus()
    view.setCurrentIndex(paid)
    with qtbot.waitSignal(page.members_shown) as shown:
        QTest.keyClick(view, Qt.Key.Key_Return)
    dialog = shown.args[0]
    assert _members(dialog, dialog.numerator_model) == ["Borger 0"]
    dialog.close()
    # Step-up meetings are counted, not citizens: nothing to list, and the page says why.
    meetings = model.index(_row(page, "stepup_meetings"), _column(page, "2019-12"))
    assert "ikke borgere" in meetings.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.assertNotEmitted(page.members_shown):
        _double_click(view, meetings)
    assert "tæller møder, ikke borgere" in page.message_label.text()
    # A row without data: why there is nothing to list.
    with qtbot.assertNotEmitted(page.members_shown):
        _double_click(view, model.index(_row(page, EXEMPT_225), _column(page, "2019-12")))
    assert "ingen data" in page.message_label.text()


def test_a_measure_row_lists_its_citizens_as_mal_does(app, tmp_path, page_on, qtbot):
    """A row of the initiative's own measures opens Mål's list of the same result."""
    page = page_on(_project(tmp_path / "p.fsm"))
    model, view = page.model, page.view
    r, k = next(
        (r, k)
        for r, row in enumerate(model.sheet.rows)
        if row.engine
        for k in range(1, len(row.cells))
        if model.lists_citizens(row, k) and row.cells[k].count
    )
    cell = model.index(r, k).data(StatusSheetModel.CELL_ROLE)
    with qtbot.waitSignal(page.members_shown) as shown:
        _double_click(view, model.index(r, k))
    dialog = shown.args[0]
    assert dialog.numerator_model.rowCount() == cell.count
    assert dialog.denominator_model.rowCount() == cell.denominator
    dialog.close()


def test_every_cell_lists_as_many_citizens_as_it_counts(app, tmp_path):
    """The drill-down takes its citizens from the masks the sheet counts: for every citizen
    row and every column of a demo project, the lists are as long as the cell's numbers."""
    from fsm_desktop.domain.measures import Month
    from fsm_desktop.domain.status_sheet import CITIZEN_ROWS, OK
    from fsm_desktop.operations.status import status_cell_members, status_sheet
    from fsm_desktop.storage.demo import write_demo

    path = tmp_path / "demo.fsm"
    write_demo(path, citizens=80, seed=5)
    checked = 0
    with Project.open(path, read_only=True) as project:
        last = Month.parse("2021-03")
        sheet = status_sheet(project, last, project.as_of())
        for row in sheet.rows:
            if row.id not in CITIZEN_ROWS or row.availability != OK:
                continue
            for k in range(0, len(row.cells), 3):
                cell = row.cells[k]
                if cell is None:
                    continue
                numerator, denominator = status_cell_members(project, last, row.id, k)
                assert (len(numerator), len(denominator)) == (cell.count, cell.denominator), (
                    row.id,
                    k,
                )
                assert {m.citizen_id for m in numerator} <= {m.citizen_id for m in denominator}
                checked += 1
    assert checked > 50


def _cut_columns(view) -> list[int]:
    """The columns shown only in part: cut by the viewport's left or right edge."""
    width = view.viewport().width()
    cut = []
    for k in range(view.model().columnCount()):
        x, w = view.columnViewportPosition(k), view.columnWidth(k)
        if x < width and x + w > 0 and (x < 0 or x + w > width):
            cut.append(k)
    return cut


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1500, 900)])
def test_no_month_is_cut_in_half_at_the_edges(app, tmp_path, page_on, qtbot, size):
    """At a full-HD window (and at a laptop's), the months are whole columns: the table's right
    edge is the last visible column's, scrolled to the newest months and to the first."""
    path = tmp_path / "demo.fsm"
    from fsm_desktop.storage.demo import write_demo

    write_demo(path, citizens=40, seed=2)
    page = page_on(path)
    window = page.window()
    window.resize(*size)
    view = page.view
    qtbot.waitUntil(lambda: view.viewport().width() > 0 and window.width() == size[0])
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0  # more months than fit: the case where one was cut
    qtbot.waitUntil(lambda: not _cut_columns(view))
    last = max(k for k in range(page.model.columnCount()) if view.columnViewportPosition(k) >= 0)
    assert view.columnViewportPosition(last) + view.columnWidth(last) == view.viewport().width()
    for value in (bar.minimum(), (bar.minimum() + bar.maximum()) // 2, bar.maximum()):
        bar.setValue(value)
        assert _cut_columns(view) == []
    # A narrower window: still whole columns.
    window.resize(size[0] - 137, size[1])
    qtbot.waitUntil(lambda: window.width() == size[0] - 137)
    qtbot.waitUntil(lambda: not _cut_columns(view))
