"""The citizen window's words and colours: period categories, contacts, exits, origins and the
audit log's actions, and the audit log's rows."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from fsm_desktop.domain.danish import date_text, datetime_text
from fsm_desktop.domain.model import ContactKind, ExitReason, Origin, PeriodCategory


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


ERROR_STYLE = "color: #b3261e;"


CATEGORY_COLORS = {
    PeriodCategory.BENEFIT: QColor("#8aa4c8"),
    PeriodCategory.OFFER: QColor("#2f6fca"),
    PeriodCategory.OUTCOME: QColor("#1b6e3a"),
    PeriodCategory.MARKING: QColor("#b08000"),
}


CATEGORY_LABELS = {
    PeriodCategory.BENEFIT: "Ydelser",
    PeriodCategory.OFFER: "Tilbud",
    PeriodCategory.OUTCOME: "Resultater",
    PeriodCategory.MARKING: "Markeringer",
}


CONTACT_LABELS = {
    ContactKind.IN_PERSON: "personligt",
    ContactKind.PHONE: "telefon",
    ContactKind.COMPANY_VISIT: "virksomhedsbesøg",
}


EXIT_LABELS = {
    ExitReason.MOVED_AWAY: "fraflyttet",
    ExitReason.RETIRED: "folkepension",
    ExitReason.DIED: "død",
    ExitReason.OTHER: "andet (sagen er lukket; bliver i målgruppen)",
}


AUDIT_ACTIONS = {
    "create": "oprettet",
    "update": "ændret",
    "delete": "slettet",
    "reveal_cpr": "CPR vist",
    "import": "import",
    "undo_import": "import fortrudt",
    "move": "flyttet på tavlen",
    "undo_move": "flytning fortrudt",
    "reassign": "ny medarbejder",
    "undo_reassign": "skift fortrudt",
    "merge_create": "indlæst fra bærbar (oprettet)",
    "merge_update": "indlæst fra bærbar (ændret)",
    "merge_delete": "indlæst fra bærbar (slettet)",
}


ORIGIN_LABELS = {
    Origin.DANISH: "dansk",
    Origin.WESTERN: "vestlig",
    Origin.NON_WESTERN: "ikke-vestlig",
}


#: A date as the audit log stores it: ISO, alone or inside a value ("ja fra 2021-10-01").
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _danish_dates(text: str) -> str:
    """The ISO dates in ``text`` as dd-mm-åååå ("ja fra 2021-10-01" → "ja fra 01-10-2021")."""

    def one(match: re.Match[str]) -> str:
        try:
            return date_text(dt.date.fromisoformat(match.group()))
        except ValueError:
            return match.group()

    return _ISO_DATE.sub(one, text)


def _audit_row(entry, names: dict[str, str]) -> list[str]:
    """One row of the Revisionslog tab: an entry from a laptop copy names it after the user
    ("jf (bærbar JF3)"); a merged change says its field and values in the user's words
    (``names``: staff id → initials)."""
    user = (
        entry.user
        if not entry.source
        else _t("{user} ({source})").format(user=entry.user, source=entry.source)
    )
    field, old, new = (
        entry.field_name,
        _danish_dates(entry.old or ""),
        _danish_dates(entry.new or ""),
    )
    if entry.action.startswith("merge_"):
        from fsm_desktop.domain.sync import TABLE_WORDS, field_words, value_words

        if field:
            field = field_words(entry.entity, field)
            # The log keeps values as text: a whole number goes back to one ("0" is "nej").
            old, new = (
                ""
                if value is None
                else names.get(value)
                or (_danish_dates(value) if _ISO_DATE.fullmatch(value) else None)
                or value_words(
                    entry.entity, entry.field_name, int(value) if value.isdigit() else value
                )
                for value in (entry.old, entry.new)
            )
        else:
            field = TABLE_WORDS.get(entry.entity, entry.entity)
    return [
        datetime_text(entry.at),
        user,
        _t(AUDIT_ACTIONS.get(entry.action, entry.action)),
        field,
        old,
        new,
    ]
