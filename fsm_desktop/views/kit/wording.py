"""Counts of citizens in the interface's Danish: "1 borger", "2 borgere", "1.530 borgere"
(the window's texts go through Qt's translation; the command line and the files use
:func:`domain.danish.count`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from fsm_desktop.domain.danish import number


def citizens_text(n: int) -> str:
    """ "1 borger", "2 borgere", "1.530 borgere"."""
    if n == 1:
        return QCoreApplication.translate("Wording", "1 borger")
    return QCoreApplication.translate("Wording", "{n} borgere").format(n=number(n))


def overdue_text(days: int) -> str:
    """A plan line's lateness: "overskredet med 1 dag", "overskredet med 60 dage"."""
    if days == 1:
        return QCoreApplication.translate("Wording", "overskredet med 1 dag")
    return QCoreApplication.translate("Wording", "overskredet med {n} dage").format(n=number(days))
