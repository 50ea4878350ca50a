"""A label of a fixed number of lines: its text wraps within them and what does not fit ends in
"…", the whole text in its tooltip. A header that rewraps (a narrower window, a longer text)
then keeps its height, and what is under it does not jump."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FixedLinesLabel(QLabel):
    """``lines`` lines tall whatever its text and width. :meth:`text` is the whole text (the
    label shows as much as fits); the tooltip holds it when some of it is cut."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = max(1, lines)
        self._full = ""
        self.setWordWrap(False)  # the lines are broken here, to the width it has
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Its width is the layout's to give (the text never widens the window), its height fixed.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fix_height()

    def text(self) -> str:  # the whole text, not what is shown
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802  # QLabel's name
        self._full = text
        self._show()

    def shown_text(self) -> str:
        """What the label shows: the text in at most ``lines`` lines, the last one cut with "…"."""
        return super().text()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self._fix_height()
            self._show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._show()

    def _fix_height(self) -> None:
        margins = self.contentsMargins()
        height = self.fontMetrics().lineSpacing() * self._lines
        self.setFixedHeight(height + margins.top() + margins.bottom() + 2 * self.margin())

    def _show(self) -> None:
        width = max(1, self.contentsRect().width() - 2 * self.margin())
        lines = self._break(width)
        cut = len(lines) > self._lines
        if cut:
            rest = " ".join(lines[self._lines - 1 :])
            last = self.fontMetrics().elidedText(rest, Qt.TextElideMode.ElideRight, width)
            lines = [*lines[: self._lines - 1], last]
        super().setText("\n".join(lines))
        self.setToolTip(self._full if cut else "")

    def _break(self, width: int) -> list[str]:
        """The whole text broken into lines of at most ``width`` pixels, at spaces where it can."""
        lines: list[str] = []
        for paragraph in self._full.split("\n"):
            layout = QTextLayout(paragraph, self.font())
            option = QTextOption()
            option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
            layout.setTextOption(option)
            layout.beginLayout()
            while True:
                line = layout.createLine()
                if not line.isValid():
                    break
                line.setLineWidth(width)
                start, length = line.textStart(), line.textLength()
                lines.append(paragraph[start : start + length].rstrip())
            layout.endLayout()
        return lines
