"""Renders the program's icon, resources/icons/fsm-desktop.svg, into the PNGs the window uses
(resources/icons/fsm-desktop-SIZE.png) and the multi-size ICO the Windows executable, its
installer and .fsm files use (resources/icons/fsm-desktop.ico). The outputs are committed: run
this after changing the SVG (tests/test_icons.py fails until then).

    python packaging/make_icons.py

Qt's own SVG renderer (QtSvg, in PySide6-Essentials) draws each size from the SVG; Pillow
(which matplotlib needs, so it is installed) writes the ICO from those same renders, one
image per size, so no size is a scaled copy of another."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "fsm-desktop.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"fsm-desktop-{size}.png"


def render(size: int) -> bytes:
    """The SVG drawn at ``size`` × ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        render.app = QGuiApplication([sys.argv[0]])  # type: ignore[attr-defined]
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(pngs: dict[int, bytes], target: Path) -> None:
    """One ICO with an image of each size, each the render of that size."""
    from PIL import Image

    images = [Image.open(io.BytesIO(pngs[size])).convert("RGBA") for size in sorted(pngs)]
    largest = images[-1]
    largest.save(
        target,
        format="ICO",
        sizes=[image.size for image in images],
        append_images=images[:-1],
    )


def main() -> int:
    pngs = {size: render(size) for size in SIZES}
    for size, data in pngs.items():
        png_path(size).write_bytes(data)
    write_ico(pngs, ICONS / "fsm-desktop.ico")
    print(f"{len(pngs)} PNGs and fsm-desktop.ico written to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
