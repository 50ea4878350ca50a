"""Issue 24.4: the program's icon. One SVG (resources/icons/fsm-desktop.svg) is the source;
packaging/make_icons.py renders the PNGs the window uses and the ICO of the Windows executable,
its installer and .fsm files. Every window shows it, and the committed renders are those of
the SVG as it is now."""

from __future__ import annotations

import importlib.util
import io
import logging
from importlib import resources
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from PySide6.QtCore import QLibraryInfo, QSize, QTranslator
from PySide6.QtWidgets import QDialog

from fsm_desktop.app import ICON_SIZES, load_qtbase_danish, program_icon

ROOT = Path(__file__).resolve().parents[2]


def _make_icons():
    spec = importlib.util.spec_from_file_location(
        "make_icons", ROOT / "packaging" / "make_icons.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sizes(icon) -> set[int]:
    return {size.width() for size in icon.availableSizes() if size.width() == size.height()}


def test_every_window_has_the_programs_icon_in_every_size(app, open_window, small_project_path):
    assert _sizes(app.windowIcon()) == set(ICON_SIZES)
    window = open_window(small_project_path, "tavle")
    assert _sizes(window.windowIcon()) == set(ICON_SIZES)
    dialog = QDialog(window)  # any other window, such as a dialog
    assert dialog.isWindow()
    assert _sizes(dialog.windowIcon()) == set(ICON_SIZES)
    # Not a blank square: the 16-pixel icon has the board's dark ground and its light cards.
    image = window.windowIcon().pixmap(QSize(16, 16)).toImage()
    colours = [image.pixelColor(x, y) for x in range(16) for y in range(16)]
    assert any(colour.name() == "#1f2a3a" for colour in colours)
    assert sum(colour.lightness() > 200 for colour in colours) >= 8


def test_the_icon_is_read_as_a_resource():
    folder = resources.files("fsm_desktop.resources.icons")
    assert folder.joinpath("fsm-desktop.svg").is_file()
    assert _sizes(program_icon()) == set(ICON_SIZES)


@pytest.mark.parametrize("size", ICON_SIZES)
def test_the_pngs_are_the_svg_rendered_now(app, size):
    """Fails after a change to the SVG until `make icons` has been run and its output committed."""
    make_icons = _make_icons()
    assert tuple(make_icons.SIZES) == ICON_SIZES
    committed = Image.open(make_icons.png_path(size)).convert("RGBA")
    rendered = Image.open(io.BytesIO(make_icons.render(size))).convert("RGBA")
    assert committed.size == rendered.size == (size, size)
    # Equal but for a rounding step of anti-aliasing (another CPU's drawing code).
    worst = max(high for _low, high in ImageChops.difference(committed, rendered).getextrema())
    assert worst <= 2, f"fsm-desktop-{size}.png is not the SVG's render: run make icons"


def test_the_ico_holds_each_size_drawn_for_it():
    make_icons = _make_icons()
    with Image.open(ROOT / "resources" / "icons" / "fsm-desktop.ico") as ico:
        assert sorted(ico.ico.sizes()) == [(size, size) for size in ICON_SIZES]
        for size in (16, 32, 256):
            frame = ico.ico.getimage((size, size)).convert("RGBA")
            png = Image.open(make_icons.png_path(size)).convert("RGBA")
            worst = max(high for _low, high in ImageChops.difference(frame, png).getextrema())
            assert worst <= 2, f"the ICO's {size}-pixel image is not fsm-desktop-{size}.png"


def test_missing_danish_qt_texts_are_logged(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="fsm_desktop"):
        assert not load_qtbase_danish(QTranslator(), str(tmp_path))
    assert "qtbase_da.qm" in caplog.text and str(tmp_path) in caplog.text
    caplog.clear()
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    assert load_qtbase_danish(translator, folder)
    assert translator.translate("QPlatformTheme", "Cancel") == "Annuller"
    assert not caplog.records
