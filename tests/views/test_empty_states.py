"""A new project, before anything is imported: each page's empty-state words stand right under
the lines above them, not spread down the page by the room of the hidden table (before: 100
to 300 px lower at 1366x768, with a blank band between)."""

from __future__ import annotations

import pytest

from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project


@pytest.fixture
def empty_path(tmp_path):
    path = tmp_path / "tom.fsm"
    Project.create(path, builtin_template("fsm2")).close()
    return path


def _top(page, widget) -> int:
    return widget.mapTo(page, widget.rect().topLeft()).y()


def _bottom(page, widget) -> int:
    return widget.mapTo(page, widget.rect().bottomLeft()).y()


@pytest.mark.parametrize(
    ("key", "above"),
    [("statusskema", "month_box"), ("medarbejdere", "month_box"), ("import", "import_button")],
)
def test_the_empty_state_stands_under_the_toolbar(open_window, empty_path, qtbot, key, above):
    window = open_window(empty_path, key)
    window.resize(1366, 768)
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.empty_label.isVisible())
    gap = _top(page, page.empty_label) - _bottom(page, getattr(page, above))
    # The toolbar, then one or two lines (the summary, a heading), then the words.
    assert 0 < gap < 100, gap


def test_the_payout_forecast_of_a_new_project_says_there_is_nobody_to_count(
    open_window, empty_path, qtbot
):
    """Before: "ikke opfyldt – bedste periode nov 2019 (–) manglede 0 borgere"."""
    window = open_window(empty_path, "maal")
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.report is not None)
    forecast = page.payout_label.text()
    assert "ingen borgere at tælle endnu" in forecast
    assert "0 borgere" not in forecast
    legend = [text.get_text() for text in page.chart.figure.legends[0].get_texts()]
    assert any("ingen borgere at tælle endnu" in line for line in legend), legend
