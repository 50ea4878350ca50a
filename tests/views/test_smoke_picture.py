"""Issue 24.2: the smoke test of the frozen program (packaging/smoke_test.py) decides from its
screenshots whether the window showed the board and the Mål chart. Its rules are checked here
against the source program's window, so that a change to a page's look fails at once rather
than in the slow build: each page passes its own rule, other pages and a blank picture do
not."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from fsm_desktop.storage.demo import write_demo

ROOT = Path(__file__).resolve().parents[2]
SIZE = (1366, 768)


@pytest.fixture(scope="module")
def smoke_test():
    spec = importlib.util.spec_from_file_location(
        "smoke_test", ROOT / "packaging" / "smoke_test.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo_path(tmp_path, settings, monkeypatch):
    monkeypatch.setattr("fsm_desktop.views.board.page.QSettings", lambda: settings)
    path = tmp_path / "demo.fsm"
    write_demo(path, citizens=600, seed=1)
    return path


def _grab(window, qtbot, page_key, target: Path) -> Path:
    window.show_page_key(page_key)
    window.resize(*SIZE)
    qtbot.waitUntil(lambda: window.size().width() == SIZE[0])
    assert window.grab().save(str(target))
    return target


def test_each_page_passes_its_own_rule_only(smoke_test, open_window, demo_path, qtbot, tmp_path):
    window = open_window(demo_path, "tavle")
    board = window.stack.currentWidget()
    qtbot.waitUntil(lambda: board.models[0].rowCount() > 20)
    pictures = {
        page: _grab(window, qtbot, page, tmp_path / f"{page}.png")
        for page in ("tavle", "maal", "medarbejdere")
    }
    assert set(smoke_test.PAGES) >= {"tavle", "maal", "medarbejdere"}
    for page in pictures:
        assert smoke_test.judge_picture(pictures[page], SIZE, page) > 500
    for page, other in (("tavle", "maal"), ("maal", "tavle"), ("tavle", "medarbejdere")):
        with pytest.raises(smoke_test.Failed, match="lacks"):
            smoke_test.judge_picture(pictures[other], SIZE, page)


def test_a_blank_or_wrongly_sized_picture_fails(smoke_test, tmp_path):
    blank = QImage(*SIZE, QImage.Format.Format_RGB32)
    blank.fill(QColor("#1f2a3a"))
    assert blank.save(str(tmp_path / "blank.png"))
    with pytest.raises(smoke_test.Failed, match="colours"):
        smoke_test.judge_picture(tmp_path / "blank.png", SIZE, "tavle")
    with pytest.raises(smoke_test.Failed, match="not the window's"):
        smoke_test.judge_picture(tmp_path / "blank.png", (800, 600), "tavle")
