"""Issue 22.7: the board at 1366×768. The controls share few rows (the hint is the title's
tooltip and in the guide), the cards are dense enough to show at least twice as many as the
four-line cards did (five whole cards in a column then), nothing a card said is lost, and in
meeting mode no text is shortened."""

from __future__ import annotations

import dataclasses
from importlib import resources

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QFont, QFontMetrics

from fsm_desktop.storage.demo import write_demo
from fsm_desktop.views.board.card_delegate import CardData, CardDelegate
from fsm_desktop.views.board.page import BoardPage

CARD = CardData(
    citizen_id="c1",
    name="Anders Jørgensen",
    masked_cpr="300684-xxxx",
    job_broker="JUO",
    caseworker="TL",
    days_in_column=336,
    days_since_contact=23,
    hours_last_month=21.5,
    hours_change=7,
    no_cv=True,
    no_job_goal=True,
)


@pytest.fixture
def demo_board(open_window, tmp_path, settings, monkeypatch):
    monkeypatch.setattr("fsm_desktop.views.board.page.QSettings", lambda: settings)
    path = tmp_path / "demo.fsm"
    write_demo(path, citizens=300, seed=1)

    def open_(width: int, height: int):
        window = open_window(path, "tavle")
        window.resize(width, height)
        page = window.stack.currentWidget()
        assert isinstance(page, BoardPage)
        return window, page

    return open_


def _whole_cards(view) -> int:
    """The cards drawn whole in a column's viewport."""
    room = view.viewport().rect()
    model = view.model()
    return sum(
        1 for row in range(model.rowCount()) if room.contains(view.visualRect(model.index(row, 0)))
    )


def test_twice_as_many_cards_on_a_1366_by_768_board(demo_board, qtbot):
    window, page = demo_board(1366, 768)
    qtbot.waitUntil(lambda: page.models[0].rowCount() > 20)
    qtbot.waitUntil(lambda: page.views[0].viewport().height() > 400)
    view = page.views[0]
    # The four-line cards showed five whole cards in a column; at least ten now.
    assert _whole_cards(view) >= 10
    # Title and controls in three rows: the columns begin well above where they did (~250 px).
    assert view.mapTo(window, QPoint(0, 0)).y() <= 170
    # The hint is the title's tooltip, not a line of its own.
    assert page.intro_label.isHidden()
    assert "Dobbeltklik åbner borgeren" in page.title_label.toolTip()


def test_the_guide_under_help_says_how_to_move_and_open_cards():
    guide = resources.files("fsm_desktop.resources.guide").joinpath("vejledning.html")
    text = guide.read_text(encoding="utf-8")
    assert "Flyt et kort" in text and "Dobbeltklik" in text


def _texts(delegate: CardDelegate, card: CardData, width: int):
    return [part for line in delegate.texts(card, None, width) for part in line]


def _metrics(delegate: CardDelegate):
    _, _, fm_bold, fm = delegate._text_fonts(QFont())
    return fm_bold, fm


@pytest.mark.parametrize(
    ("zoom", "width"),
    # Meeting mode at 1366×768 (255 px columns, 213 with lanes) and zoomed in at 1920×1080.
    [(1.4, 213), (1.4, 255), (1.4, 300), (1.6, 255), (1.6, 370), (2.0, 370)],
)
def test_meeting_mode_shortens_no_text(app, width, zoom):
    """Meeting mode: "kontakt for 23 d.", "336 d. i kolonnen", the hours and the caseworker
    in full, each within its room, and the card high enough for its lines."""
    delegate = CardDelegate()
    delegate.roomy, delegate.zoom, delegate.card_width = True, zoom, width
    fm_bold, fm = _metrics(delegate)
    parts = _texts(delegate, CARD, width)
    texts = {part: text for part, text, _, _ in parts}
    assert texts["contact"] == "kontakt for 23 d."
    assert texts["days"] == "336 d. i kolonnen"
    assert texts["hours"] == "21,5 t. (+7)"
    assert texts["cpr"] == "300684-xxxx  ·  sb. TL"
    assert texts["flags"] == "Intet CV Intet jobmål"
    for part, text, x, room in parts:
        if part in ("name", "flags"):
            continue
        metrics = fm_bold if part == "broker" else fm
        assert metrics.horizontalAdvance(text) <= room, (part, text, room)
        assert x + room <= delegate.inner_width(width)
    lines = len(delegate.lines())
    assert delegate.card_height() >= fm_bold.height() + (lines - 1) * fm.height()


def test_the_compact_card_keeps_every_fact_at_1366(app):
    """The compact card at a 1366×768 column (213 px) still names the job broker, the CPR,
    the days in the column, the contact, the hours and both flags."""
    delegate = CardDelegate()
    delegate.card_width = 213
    parts = {part: text for part, text, _, _ in _texts(delegate, CARD, 213)}
    assert parts["name"] == "Anders Jørgensen" and parts["broker"] == "JUO"
    assert parts["cpr"].startswith("300684-xxxx")
    assert parts["days"] in ("336 d. i kolonnen", "336 d.")
    assert parts["contact"] in ("kontakt for 23 d.", "kontakt 23 d.")
    assert parts["hours"] == "21,5 t. (+7)"
    assert parts["flags"] in ("Intet CV Intet jobmål", "÷CV ÷Jobmål")
    assert len(delegate.lines()) == 3 and len(delegate.texts(CARD, None, 213)) == 3
    # Each text fits its room (nothing is cut with "…").
    fm_bold, fm = _metrics(delegate)
    for part, text, _, room in _texts(delegate, CARD, 213):
        if part != "flags":
            assert (fm_bold if part in ("name", "broker") else fm).horizontalAdvance(text) <= room


def test_a_card_without_hours_draws_its_next_line_up(app):
    """Meeting mode: an empty line (no paid hours) leaves no gap between the lines."""
    delegate = CardDelegate()
    delegate.roomy, delegate.zoom, delegate.card_width = True, 1.4, 255
    card = dataclasses.replace(CARD, hours_last_month=None, hours_change=None)
    lines = delegate.texts(card, None, 255)
    assert [] in lines  # the hours' line is empty …
    assert [p for p, *_ in lines[-1]] == ["flags"]  # … and the flags still come last


def test_metrics_are_those_of_the_cards_font(app):
    delegate = CardDelegate()
    fm_bold, fm = _metrics(delegate)
    assert isinstance(fm, QFontMetrics) and fm_bold.height() >= fm.height()
