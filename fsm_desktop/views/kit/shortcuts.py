"""Keyboard shortcuts as the help dialog lists them: read off the actions and QShortcuts
where they are made, so that the list cannot go stale.

A QAction is described by its text (or the property DESCRIPTION where the text is not one); a
QShortcut has no text and is given its description with ``describe``. Keys that a widget
handles in keyPressEvent are declared beside it as ``KeyHelp`` rows and listed as they are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QWidget

#: The property holding a shortcut's description in Danish (on a QShortcut or a QAction).
DESCRIPTION = "shortcutDescription"

#: Qt's portable key names as a Danish keyboard says them.
_KEY_NAMES = {
    "Left": "←",
    "Right": "→",
    "Up": "↑",
    "Down": "↓",
    "PgDown": "Page Down",
    "PgUp": "Page Up",
    "Del": "Delete",
    "Return": "Enter",
    "Space": "Mellemrum",
}

#: Keys of their own that a standard key also binds (QKeySequence.StandardKey.Find is Ctrl+F
#: and the Find key): not on a Danish keyboard, so not in the help.
_SPECIAL_KEYS = {"Find", "Save", "Open", "New", "Close", "Copy", "Cut", "Paste", "Undo", "Redo"}

_S = TypeVar("_S", bound=QObject)


@dataclass(frozen=True)
class KeyHelp:
    """A shortcut in the help: the keys in Danish notation and what they do."""

    keys: str
    description: str


def describe(shortcut: _S, description: str) -> _S:
    """Give ``shortcut`` (a QShortcut or QAction) its description in the help."""
    shortcut.setProperty(DESCRIPTION, description)
    return shortcut


def key_text(sequence: QKeySequence) -> str:
    """``sequence`` in Danish notation: "Ctrl+S", "Ctrl+←", "Page Down"."""
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    parts = text.split("+")
    # "Ctrl++" splits into "Ctrl", "", "": the last key is a plus.
    if text.endswith("++"):
        parts = [*text[:-2].split("+"), "+"]
    return "+".join(_KEY_NAMES.get(part, part) for part in parts)


def keys_text(sequences: list[QKeySequence]) -> str:
    """Several key sequences for one thing, in Danish notation: "Ctrl+Shift+Z / Ctrl+Y"."""
    texts = [key_text(s) for s in sequences if not s.isEmpty()]
    return " / ".join(t for t in texts if t not in _SPECIAL_KEYS)


def description(shortcut: QObject) -> str:
    """The Danish description of ``shortcut``: its DESCRIPTION, or an action's text without
    its mnemonic, its ellipsis and a key in brackets ("Mødetilstand (F11)")."""
    value = shortcut.property(DESCRIPTION)
    if isinstance(value, str) and value:
        return value
    if isinstance(shortcut, QAction):
        text = shortcut.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        text = text.removesuffix("…").removesuffix("...").strip()
        if text.endswith(")") and "(" in text:
            text = text[: text.rindex("(")].strip()
        return text
    return ""


def keys_of(shortcut: QObject) -> list[QKeySequence]:
    """The key sequences of a QAction or QShortcut (none when it is neither)."""
    if isinstance(shortcut, QAction):
        sequences = shortcut.shortcuts()
    elif isinstance(shortcut, QShortcut):
        sequences = shortcut.keys()
    else:
        return []
    return [s for s in sequences if not s.isEmpty()]


def in_own_window(shortcut: QObject, root: QWidget) -> bool:
    """Whether ``shortcut`` works in ``root``'s window: not in a window of its own beneath it
    (a citizen page, a dialog; a menu is part of the window)."""
    owner = shortcut.parent()
    while owner is not None and owner is not root:
        if isinstance(owner, QWidget) and owner.isWindow() and not isinstance(owner, QMenu):
            return False
        owner = owner.parent()
    return True


def shortcuts_in(root: QWidget) -> list[QObject]:
    """The actions and QShortcuts with keys on ``root`` and its descendants in its own window
    (see in_own_window), in creation order."""
    found: list[QObject] = [*root.findChildren(QAction), *root.findChildren(QShortcut)]
    found.extend(a for a in root.actions() if a not in found)
    return [s for s in found if keys_of(s) and in_own_window(s, root)]


def help_rows(shortcuts: list[QObject]) -> list[KeyHelp]:
    """One row per shortcut: its keys joined by " / ", its description."""
    rows: list[KeyHelp] = []
    for shortcut in shortcuts:
        row = KeyHelp(keys_text(keys_of(shortcut)), description(shortcut))
        if row not in rows:
            rows.append(row)
    return rows
