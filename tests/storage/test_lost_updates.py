"""Decisions on current data, inside the write transaction (issue 17): an import planned before
a colleague's save, an undo of a board move made after a later move, and an undo of an import
with a save landing between its check and its write. Each with two connections to one project,
as a window's worker and its GUI thread have."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.model import BoardColumn, Citizen, Gender
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.board import BoardRepository, MovedSince
from fsm_desktop.storage.imports import ImportConflict, ImportRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "p.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        CitizenRepository(project).add(
            Citizen(cpr="0101801234", name="Anna Hansen", group=1, entry_date=dt.date(2019, 11, 1))
        )
    return path


@pytest.fixture
def window(path):
    """The window's project (the writer) and a second connection to it (a worker's)."""
    with Project.open(path) as project, project.connector()() as worker:
        yield project, worker


def extract(tmp_path, group: int, gender: str = "K"):
    source = tmp_path / f"udtraek-{group}.csv"
    source.write_text(
        f"cpr;navn;gruppe;køn;indgang\n0101801234;Anna Hansen;{group};{gender};01-11-2019\n",
        encoding="utf-8",
    )
    return source


def anna(project) -> Citizen:
    return CitizenRepository(project).by_cpr("0101801234")


def test_an_import_planned_before_a_colleagues_save_writes_nothing_and_can_be_prepared_again(
    window, tmp_path
):
    project, worker = window
    prepared = prepare(worker, extract(tmp_path, group=2, gender="K"))  # the preview: group 1 → 2
    # Meanwhile a colleague saves Anna's page: gender M.
    citizen = dataclasses.replace(anna(project), gender=Gender.MALE)
    save_citizen(project, citizen.id, CitizenChanges(citizen=citizen))
    with pytest.raises(
        ImportConflict, match=r"ændret, siden importen af udtraek-2.csv blev forberedt"
    ):
        commit(worker, prepared)
    assert anna(project).gender is Gender.MALE and anna(project).group == 1  # nothing put back
    assert ImportRepository(project).batches() == []
    # Prepared again on what is stored now, it writes.
    commit(worker, prepare(worker, extract(tmp_path, group=2, gender="M")))
    assert anna(project).gender is Gender.MALE and anna(project).group == 2


def test_undo_of_a_move_refuses_after_a_later_move_by_anyone(window):
    project, worker = window
    cid = anna(project).id
    mine = BoardRepository(project).move([cid], BoardColumn.I_GANG)
    BoardRepository(worker).move([cid], BoardColumn.PAA_VEJ)  # a later move, elsewhere
    with pytest.raises(MovedSince, match="Anna Hansen er flyttet igen siden"):
        BoardRepository(project).undo_moves(mine)
    cards = {c.citizen_id: c for c in BoardRepository(project).cards(dt.date(2021, 6, 1))}
    assert cards[cid].column is BoardColumn.PAA_VEJ
    assert project.db.execute("SELECT count(*) FROM board_move").fetchone()[0] == 2
    # Without a later move the undo still works.
    latest = BoardRepository(project).move([cid], BoardColumn.PAA_SPRING)
    BoardRepository(project).undo_moves(latest)
    cards = {c.citizen_id: c for c in BoardRepository(project).cards(dt.date(2021, 6, 1))}
    assert cards[cid].column is BoardColumn.PAA_VEJ


def test_undo_of_an_import_checks_inside_its_transaction(window, tmp_path, monkeypatch):
    """A save that tries to land between the undo's check and its write waits for the undo (it
    is refused here at once, with no wait), instead of being deleted by it."""
    project, _worker = window
    commit(project, prepare(project, extract(tmp_path, group=2)))
    batch = ImportRepository(project).latest_undoable()
    other = sqlite3.connect(project.path, timeout=0)
    landed = []
    original = ImportRepository._refuse_if_staff_changed

    def check_then_a_save_tries_to_land(self, journal):
        original(self, journal)  # the checks have passed: now a colleague saves
        try:
            with other:
                other.execute("UPDATE citizen SET note = 'ringet op' WHERE cpr = '0101801234'")
            landed.append(True)
        except sqlite3.OperationalError as error:
            assert "locked" in str(error)

    monkeypatch.setattr(
        ImportRepository, "_refuse_if_staff_changed", check_then_a_save_tries_to_land
    )
    ImportRepository(project).undo(batch.id)
    other.close()
    assert landed == []  # it could not land in the middle of the undo
    assert anna(project).group == 1
