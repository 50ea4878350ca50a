"""Date editing the Danish way: a line edit for dates as Danes write them (dd-mm-åååå) with
its parser, and the calendar date edit the staff dialogs use."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import QDateEdit, QLineEdit, QWidget

from fsm_desktop.domain.danish import date_text

_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


def parse_date(text: str) -> dt.date | None:
    """ "16-03-2020", "16.3.2020" or "2020-03-16"; None for an empty field; ValueError otherwise."""
    if not text.strip():
        return None
    match = _DATE.match(text)
    if match:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    match = _ISO.match(text)
    if match:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    raise ValueError(text)


class DateField(QLineEdit):
    """A date as Danes write it (dd-mm-åååå); may be left empty when ``optional``."""

    def __init__(self, day: dt.date | None = None, optional: bool = True, parent=None) -> None:
        super().__init__(date_text(day), parent)
        self.optional = optional
        self.setPlaceholderText(_t("dd-mm-åååå"))
        self.setMaximumWidth(130)

    def date(self) -> dt.date | None:
        """The date; None when empty; raises ValueError when it is not a date."""
        return parse_date(self.text())

    def set_date(self, day: dt.date | None) -> None:
        self.setText(date_text(day))


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(parent: QWidget, day: dt.date) -> QDateEdit:
    """A date edit with a calendar, showing dd-MM-yyyy."""
    edit = QDateEdit(qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit
