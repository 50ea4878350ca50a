"""A program error's dialog shows a report the user is asked to send to support: it holds no
CPR number and none of the values an exception's message quotes (issue: "No personal data
where it does not belong")."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox

from fsm_desktop.views.kit.messages import show_bug

CPR = "0101801234"
NAME = "Annalise Testesen"


def test_the_program_error_dialog_shows_a_cleaned_report(app, monkeypatch):
    shown = []

    def exec_(box):
        shown.append((box.text(), box.detailedText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    try:
        raise ValueError(f"unexpected row {(CPR, NAME)!r}; CPR {CPR[:6]}-{CPR[6:]}")
    except ValueError:
        show_bug(None, *sys.exc_info())
    ((text, report),) = shown
    assert "ValueError: unexpected row ('…', '…'); CPR «cpr»" in report and "Traceback" in report
    for value in (CPR, "010180-1234", "Annalise", "Testesen"):
        assert value not in report and value not in text
