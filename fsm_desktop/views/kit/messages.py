"""Showing errors (conventions.md §10): known errors get a Danish message that says what to
do; program errors get a copyable report and a log entry. The window never dies silently."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.logs import format_exception

log = logging.getLogger("fsm_desktop")


def translate_error(error: KnownError) -> str:
    return error.translated(lambda text: QCoreApplication.translate("fsm", text))


def show_known_error(parent: QWidget | None, title: str, error: KnownError) -> None:
    QMessageBox.warning(parent, title, translate_error(error))


def show_bug(parent: QWidget | None, exc_type, exc, tb) -> None:
    """A program error: logged, and shown with the report the user can copy to us. The report
    is the traceback without CPR numbers or the values its messages quote (logs.py): the user
    sends it on, and an exception's message may quote a citizen's data."""
    report = format_exception(exc_type, exc, tb)
    log.error("Program error", exc_info=(exc_type, exc, tb))  # cleaned by the log's handler
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("fsm", "Der opstod en fejl i programmet"))
    box.setText(
        QCoreApplication.translate(
            "fsm",
            "FSM Desktop stødte på en fejl, som ikke skulle ske. Dine data er ikke ændret af "
            "fejlen. Kopiér rapporten nedenfor og send den til den, der supporterer programmet.",
        )
    )
    box.setDetailedText(report)
    box.exec()


def install_excepthook(parent_getter) -> None:
    """Route uncaught exceptions in slots to :func:`show_bug` instead of killing the window."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if isinstance(exc, KnownError):
            QMessageBox.warning(parent_getter(), "FSM Desktop", translate_error(exc))
            return
        show_bug(parent_getter(), exc_type, exc, tb)

    sys.excepthook = hook
