"""Error labels: a red line under a form or a table that says what went wrong, hidden until
there is something to say."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

#: The colour of the pages' and dialogs' error texts.
ERROR_STYLE = "color: #a2191f;"


def error_label(parent: QWidget | None, style: str = ERROR_STYLE, wrap: bool = True) -> QLabel:
    """A hidden, word-wrapped label in the error colour."""
    label = QLabel(parent)
    label.setStyleSheet(style)
    label.setWordWrap(wrap)
    label.hide()
    return label


def show_error(label: QLabel, message: str | None) -> None:
    """Show ``message`` in ``label``, or hide it when there is none."""
    label.setText(message or "")
    label.setVisible(bool(message))
