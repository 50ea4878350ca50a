"""Shared by the view fixtures and the end-of-run check: what a test must leave behind in the
one application of the run (no windows, the style and locale it found)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent, QLocale
from PySide6.QtWidgets import QApplication

#: Qt's own windows that come and go by themselves (the tooltip label hides and deletes itself
#: on a timer); none of ours.
QT_TRANSIENT = frozenset({"QTipLabel"})


def application_state(app: QApplication) -> tuple:
    """What a test may change only if it restores it: the style, the style sheet, the font, the
    palette and the default locale."""
    style = app.style()
    return (
        style.name() if style is not None else None,
        app.styleSheet(),
        app.font().toString(),
        app.palette().cacheKey(),
        QLocale().name(),
    )


def flush_deletions() -> None:
    """Carry out the ``deleteLater`` calls still pending: outside a running event loop
    ``processEvents`` leaves them, so a closed window would live on into the next test."""
    gc.collect()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def live_windows(app: QApplication) -> list:
    return [
        w
        for w in app.topLevelWidgets()
        if type(w).__name__ not in QT_TRANSIENT and w.metaObject().className() not in QT_TRANSIENT
    ]


def describe(widget) -> str:
    name = widget.objectName()
    cls = widget.metaObject().className()
    return f"{cls}({name!r})" if name else cls


def delete_leftover_windows(app: QApplication) -> list[str]:
    """Flush pending deletions, then delete what is still alive; returns what was left (by class
    and object name, never a window title: titles can carry a citizen's name)."""
    flush_deletions()
    leftovers = live_windows(app)
    names = [describe(w) for w in leftovers]
    for widget in leftovers:
        widget.close()
        widget.deleteLater()
    if leftovers:
        flush_deletions()
    return names
