"""What the environment does during a write (issue 17, 6): a full disk or a file locked by
another program during a board move, a contact saved on the citizen's page and "Vis CPR" gives
the same Danish message, nothing half written, and never SQLite's English text or the
program-error dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3
from fsm_desktop.views.board.page import BoardPage

FULL = "disken er fuld eller utilgængelig. Intet er gemt."
LOCKED = "er låst af et andet program. Luk det andet program (eller den anden FSM Desktop) og prøv igen. Intet er gemt."


@pytest.fixture
def said(monkeypatch):
    """The warnings shown: (title, text)."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *rest: shown.append((title, text))
    )
    return shown


@pytest.fixture
def window(open_window, small_project_path):
    return open_window(small_project_path, "tavle")


def fill_the_disk(project) -> None:
    """SQLite's own "database or disk is full" (SQLITE_FULL): the file may not grow, and moves
    are written until one no longer fits."""
    pages = project.db.execute("PRAGMA page_count").fetchone()[0]
    project.db.execute(f"PRAGMA max_page_count = {pages}")
    cid = project.db.execute("SELECT id FROM citizen WHERE name = 'Ali Khan'").fetchone()[0]
    repository = BoardRepository(project)
    for n in range(500):
        try:
            repository.move([cid], (BoardColumn.I_GANG, BoardColumn.PAA_VEJ)[n % 2])
        except Exception:
            return
    raise AssertionError("the file never filled up")


@pytest.fixture
def locked(window):
    """Another program holds the write lock; this window waits 50 ms (3 s in use) for it."""
    window.project.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(window.project.path)
    other.execute("BEGIN IMMEDIATE")
    yield
    other.rollback()
    other.close()


def board(window) -> BoardPage:
    page = window.stack.currentWidget()
    assert isinstance(page, BoardPage)
    return page


def move_hans(window, qtbot) -> bool:
    page = board(window)
    qtbot.waitUntil(lambda: bool(page.cards))
    hans = next(c for c in page.cards if c.name == "Hans Hansen")
    return page.move_cards([hans], BoardColumn.PAA_SPRING)


def moves(window) -> int:
    return window.project.db.execute("SELECT count(*) FROM board_move").fetchone()[0]


@pytest.mark.parametrize("trouble, text", [("full", FULL), ("locked", LOCKED)])
def test_a_board_move(window, qtbot, said, request, trouble, text):
    if trouble == "full":
        fill_the_disk(window.project)
    else:
        request.getfixturevalue("locked")
    before = moves(window)
    assert not move_hans(window, qtbot)
    assert [title for title, _ in said] == ["Kortet kunne ikke flyttes"]
    assert text in said[0][1] and str(window.project.path) in said[0][1]
    assert moves(window) == before
    assert not any("database" in t.lower() or "sqlite" in t.lower() for _, t in said)


@pytest.mark.parametrize("trouble, text", [("full", FULL), ("locked", LOCKED)])
def test_vis_cpr_and_a_contact(window, qtbot, said, request, trouble, text):
    from fsm_desktop.domain.model import ContactKind

    hans = CitizenRepository(window.project).by_cpr("0101701234")
    window.show_page_key("borgere")
    page = window.stack.currentWidget().open_citizen_id(hans.id)
    qtbot.waitExposed(page)
    if trouble == "full":
        fill_the_disk(window.project)
    else:
        request.getfixturevalue("locked")
    audit_before = window.project.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    page.reveal()
    assert said[-1][0] == "CPR-nummeret kan ikke vises" and text in said[-1][1]
    assert "0101701234" not in page.cpr_label.text().replace("-", "")  # not shown unaudited
    page.tabs.setCurrentIndex(4)
    page.contact_kind.setCurrentIndex(page.contact_kind.findData(ContactKind.PHONE.value))
    page.contact_date.setText("20-10-2021")
    page.contact_note.setText("Ringet op")
    assert page.add_contact()
    assert not page.save()
    assert said[-1][0] == "Borgeren kunne ikke gemmes" and text in said[-1][1]
    assert window.project.db.execute("SELECT count(*) FROM contact").fetchone()[0] == 0
    assert window.project.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == audit_before
    assert not any("database" in t.lower() or "sqlite" in t.lower() for _, t in said)
    page.ask_before_closing = False
