"""The page header: a title in the pages' title style and an introduction under it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def title_label(text: str, parent: QWidget | None) -> QLabel:
    """A heading in the style of a page's title (``#pageTitle`` in the style sheet)."""
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    return label


def intro_label(text: str, parent: QWidget | None) -> QLabel:
    """A word-wrapped introduction under a title (``#pageIntro``)."""
    label = QLabel(text, parent)
    label.setObjectName("pageIntro")
    label.setWordWrap(True)
    return label
