"""No page shows stale data after a change (operations return what changed; the main window
relays it to every page, and each page that shows it reads again, now or when next shown).

One test per kind of change, each opening the pages that show it BEFORE the change is made:
a board move reaches the register and the caseloads; a step-up meeting the status sheet; a
saved citizen the board's card; an import every page."""

from __future__ import annotations

import datetime as dt

import pytest
from import_helpers import fill_template

from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.model import Barrier, BoardColumn, ParticipantRole, PeriodKind
from fsm_desktop.domain.status_sheet import STEPUP
from fsm_desktop.domain.stepup import Meeting, Participant, PlannedOffer
from fsm_desktop.operations import stepup as stepup_ops
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.citizens.register_model import CitizensModel
from fsm_desktop.views.staff.models import StaffTableModel

#: A day inside fsm2 (2019-11 – 2021-10): the pages' "today" by the project's clock.
TODAY = dt.date(2020, 6, 15)


@pytest.fixture
def window(open_window, small_project_path, monkeypatch):
    # Every page and worker connection reads "today" from the project's clock.
    from fsm_desktop.storage.project import Project

    real_open = Project.open

    def open_on_today(*args, **kwargs):
        project = real_open(*args, **kwargs)
        project.clock = lambda: TODAY
        return project

    monkeypatch.setattr(Project, "open", open_on_today)
    return open_window(small_project_path, "borgere")


def page(window, key: str):
    assert window.show_page_key(key)
    return window.stack.currentWidget()


def register_column(register, name: str) -> str:
    model = register.model
    for row in range(model.rowCount()):
        if model.card(row).name == name:
            return model.index(row, CitizensModel.COLUMN).data()
    raise AssertionError(f"{name} is not in the register")


def caseload(staff_page, initials: str) -> str:
    model = staff_page.model
    for row in range(model.rowCount()):
        if model.index(row, StaffTableModel.INITIALS).data() == initials:
            return model.index(row, StaffTableModel.CITIZENS).data()
    raise AssertionError(f"{initials} is not in the staff register")


def board_card(board, name: str):
    return next(c for c in board.cards if c.name == name)


def stepup_total(status_page) -> int:
    return sum(c.count for c in status_page.sheet.row(STEPUP).cells if c is not None)


def test_a_board_move_reaches_the_register(window):
    register = page(window, "borgere")
    before = register_column(register, "Hans Hansen")
    board = page(window, "tavle")
    assert board.move_cards([board_card(board, "Hans Hansen")], BoardColumn.PAA_VEJ)
    register = page(window, "borgere")
    assert register_column(register, "Hans Hansen") == "på vej" != before


def test_a_move_into_another_caseworkers_lane_reaches_the_caseloads(window, qtbot):
    staff = page(window, "medarbejdere")
    assert caseload(staff, "CD") == "0"
    board = page(window, "tavle")
    board.confirm_lane_change = False
    board.lane_box.setCurrentIndex(board.lane_box.findData("sagsbehandler"))
    carl = window.project.db.execute("SELECT id FROM staff WHERE initials = 'CD'").fetchone()[0]
    assert board.move_cards([board_card(board, "Hans Hansen")], BoardColumn.I_GANG, to_lane=carl)
    staff = page(window, "medarbejdere")
    assert caseload(staff, "CD") == "1"


def test_a_step_up_meeting_reaches_the_status_sheet(window):
    status_page = page(window, "statusskema")
    assert stepup_total(status_page) == 0
    stepup_page = page(window, "stepup")
    hans = CitizenRepository(window.project).by_cpr("0101701234")
    meeting = Meeting(
        hans.id,
        TODAY - dt.timedelta(days=3),
        [
            Participant(ParticipantRole.CITIZEN, "Hans Hansen"),
            Participant(ParticipantRole.CASEWORKER, "CD"),
            Participant(ParticipantRole.JOB_BROKER, "AB"),
        ],
        [Barrier.HEALTH],
        [PlannedOffer(PeriodKind.VIRKSOMHEDSPRAKTIK, TODAY + dt.timedelta(days=14), "AB")],
    )
    # What the meeting dialog does when it is saved: the operation, then the page's slot.
    done = stepup_ops.save_meeting(window.project, meeting, TODAY)
    stepup_page._saved(done.changes)
    status_page = page(window, "statusskema")
    assert status_page.sheet.last == Month.of(TODAY)
    assert stepup_total(status_page) == 1


def test_a_saved_citizen_reaches_the_board_card(window, qtbot):
    board = page(window, "tavle")
    assert board_card(board, "Hans Hansen").column is None
    register = page(window, "borgere")
    hans = CitizenRepository(window.project).by_cpr("0101701234")
    citizen_window = register.open_citizen_id(hans.id)
    qtbot.waitExposed(citizen_window)
    citizen_window.name_field.setText("Hans Peter Hansen")
    assert citizen_window.save()
    board = page(window, "tavle")
    assert board_card(board, "Hans Peter Hansen").citizen_id == hans.id
    citizen_window.close()


def test_a_board_move_reaches_an_open_citizen_window(window, qtbot):
    register = page(window, "borgere")
    hans = CitizenRepository(window.project).by_cpr("0101701234")
    citizen_window = register.open_citizen_id(hans.id)
    qtbot.waitExposed(citizen_window)
    assert citizen_window.record.column is None
    board = page(window, "tavle")
    assert board.move_cards([board_card(board, "Hans Hansen")], BoardColumn.PAA_SPRING)
    assert citizen_window.record.column is BoardColumn.PAA_SPRING
    citizen_window.close()


def test_an_import_reaches_every_page(window, qtbot, tmp_path):
    shown_data = {}
    for key in ("tavle", "borgere", "medarbejdere", "statusskema", "maal", "stepup"):
        shown_data[key] = getattr(page(window, key), "data", None)
    assert "Eva Eriksen" not in [c.name for c in page(window, "tavle").cards]
    source = fill_template(
        tmp_path / "udtraek.xlsx",
        [("050580-5678", "Eva Eriksen", 1, "K", "dansk", dt.datetime(2020, 1, 1))],
    )
    imports = page(window, "import")
    dialog = imports.import_file(source)
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    dialog.close()
    board = page(window, "tavle")
    assert "Eva Eriksen" in [c.name for c in board.cards]
    register = page(window, "borgere")
    assert "Eva Eriksen" in [register.model.card(r).name for r in range(register.model.rowCount())]
    stepup_page = page(window, "stepup")
    assert "Eva Eriksen" in [case.name for case in stepup_page.data.by_id.values()]
    staff = page(window, "medarbejdere")
    assert staff.data is not shown_data["medarbejdere"]  # read again


def test_a_change_no_page_shows_reloads_nothing(window, monkeypatch):
    """Pages read again only for the kinds they show: goals reach the status sheet and the
    measures, never the board or the register."""
    read = []
    for p in window.pages:
        monkeypatch.setattr(p, "set_project", lambda project, key=p.key: read.append(key))
    window.operation_did_execute(Changes(goals=True))
    assert sorted(read) == ["maal", "statusskema"]


def test_the_status_line_is_counted_again_only_for_what_it_counts(window, monkeypatch):
    counted = []
    monkeypatch.setattr(window, "refresh_status", lambda: counted.append(1))
    window.operation_did_execute(Changes(board=True))
    window.operation_did_execute(Changes(stepup=True, goals=True))
    assert counted == []
    window.operation_did_execute(Changes(citizens=True))
    window.operation_did_execute(Changes(staff=True))
    assert counted == [1, 1]
