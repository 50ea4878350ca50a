"""Issue 24.2: the smoke test of the frozen program (packaging/smoke_test.py) decides from the
screenshot whether the window showed the board. Its rule is checked here against the source
program's window, so that a change to the board's look fails at once rather than in the slow
build: the board passes, another page and a blank picture do not."""

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


def test_the_board_passes_other_pages_do_not(smoke_test, open_window, demo_path, qtbot, tmp_path):
    window = open_window(demo_path, "tavle")
    board = window.stack.currentWidget()
    qtbot.waitUntil(lambda: board.models[0].rowCount() > 20)
    assert smoke_test.judge_board_picture(_grab(window, qtbot, "tavle", tmp_path / "b.png"), SIZE)
    staff = _grab(window, qtbot, "medarbejdere", tmp_path / "m.png")
    with pytest.raises(smoke_test.Failed, match="no board"):
        smoke_test.judge_board_picture(staff, SIZE)


def test_a_blank_or_wrongly_sized_picture_fails(smoke_test, tmp_path):
    blank = QImage(*SIZE, QImage.Format.Format_RGB32)
    blank.fill(QColor("#1f2a3a"))
    assert blank.save(str(tmp_path / "blank.png"))
    with pytest.raises(smoke_test.Failed, match="colours"):
        smoke_test.judge_board_picture(tmp_path / "blank.png", SIZE)
    with pytest.raises(smoke_test.Failed, match="not the window's"):
        smoke_test.judge_board_picture(tmp_path / "blank.png", (800, 600))
