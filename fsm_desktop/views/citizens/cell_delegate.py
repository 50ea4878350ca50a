"""The register's cell painting: a cell drawn straight from the model's row, without Qt's style for
every cell (20,000 rows stay fast)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from fsm_desktop.views.citizens.register_model import CitizensModel

# Plain ints: Qt's flags are Python enums, and & on them costs microseconds per cell.
_SELECTED = QStyle.StateFlag.State_Selected.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_LEFT = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value
_RIGHT_ALIGN = (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value
_ELIDE = Qt.TextElideMode.ElideRight
_PADDING = 4
_GROUPS = (QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Active)
_TEXT = QPalette.ColorRole.Text
_HIGHLIGHT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText


class CellDelegate(QStyledItemDelegate):
    """Paints a register cell: the selection, the text in its colour, right-aligned for
    numbers, elided when it does not fit. The view itself paints the alternate rows' colour.

    The register repaints 400-odd cells on every keystroke. Qt's delegate asks the model for
    seven roles per cell and lays every text out through the style sheet's style (measured
    in bench/: a quarter of the repaint more); this one takes the text and colour from the
    model's row in one call, and keeps what is the same from cell to cell: the text colour
    (until the palette changes) and whether a text fits its column's width (until the font
    or the width changes). Rows pass through the proxy unchanged, so the proxy row is the
    model's row."""

    #: (text, column width) pairs remembered, at most.
    FITS_KEPT = 20_000

    def __init__(self, model: CitizensModel, parent=None) -> None:
        super().__init__(parent)
        self._model = model
        #: Active? → the palette's text colour.
        self._text_colors: dict[bool, QColor] = {}
        #: (text, width) → the text as shown in that width (elided or not).
        self._fits: dict[tuple[str, int], str] = {}
        if parent is not None:
            parent.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.PaletteChange:
            self._text_colors.clear()
        elif kind == QEvent.Type.FontChange:
            self._fits.clear()
        return False

    def paint(self, painter, option, index) -> None:
        column = index.column()
        text, color = self._model.cell(index.row(), column)
        rect = option.rect
        state = option.state.value
        if state & _SELECTED:
            palette = option.palette
            group = _GROUPS[bool(state & _ACTIVE)]
            painter.fillRect(rect, palette.color(group, _HIGHLIGHT))
            color = palette.color(group, _HIGHLIGHTED_TEXT)
        elif color is None:
            active = bool(state & _ACTIVE)
            color = self._text_colors.get(active)
            if color is None:
                color = self._text_colors[active] = option.palette.color(_GROUPS[active], _TEXT)
        painter.setPen(color)
        inner = rect.adjusted(_PADDING, 0, -_PADDING, 0)
        key = (text, rect.width())
        shown = self._fits.get(key)
        if shown is None:
            width = inner.width()
            metrics = option.fontMetrics
            shown = (
                metrics.elidedText(text, _ELIDE, width)
                if metrics.horizontalAdvance(text) > width
                else text
            )
            if len(self._fits) >= self.FITS_KEPT:
                self._fits.clear()
            self._fits[key] = shown
        painter.drawText(inner, _RIGHT_ALIGN if column in CitizensModel.RIGHT else _LEFT, shown)
