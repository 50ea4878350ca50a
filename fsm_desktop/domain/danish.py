"""Numbers, dates and months the Danish way, for every output (window, terminal table):
decimal comma, thousands point, "15,0 %", "1.530.000 kr.", "07-12-2026", "marts 2026".

Dates have two written forms, each kept where it is used today: :func:`date_text`
("07-12-2026", the form of tables, fields and lists, and what a date field takes) and
:func:`date_dots` ("07.12.2026", the form of running text, headings and chart axes, as the
status sheet and the measures write it)."""

from __future__ import annotations

import datetime as dt


def number(value: float, decimals: int = 2) -> str:
    """1949 → "1.949"; 17.8649 → "17,86"; 30.0 → "30" (trailing zeros dropped)."""
    text = f"{value:,.{decimals}f}" if value % 1 else f"{value:,.0f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, decimals: int = 1, trim: bool = False) -> str:
    """0.15 → "15,0 %" (``trim``: "15 %"); None → "–"."""
    if share is None:
        return "–"
    text = f"{share * 100:.{decimals}f}".replace(".", ",")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + " %"


def count(n: int, one: str, many: str) -> str:
    """A count with its noun or adjective in the right number: (1, "borger", "borgere") →
    "1 borger"; 2 → "2 borgere"; 1.530 → "1.530 borgere"."""
    return f"{number(n)} {one if n == 1 else many}"


def kroner(amount: float) -> str:
    return number(round(amount)) + " kr."


#: The operating system's reasons a file cannot be read or written, in Danish (the system's own
#: text is in English on most machines).
_OS_REASONS = {
    "EACCES": "adgang nægtet",
    "EPERM": "adgang nægtet",
    "ENOENT": "filen eller mappen findes ikke",
    "ENOTDIR": "en del af stien er ikke en mappe",
    "EISDIR": "der er en mappe med det navn",
    "ENOSPC": "disken er fuld",
    "EROFS": "drevet er skrivebeskyttet",
    "EEXIST": "filen findes allerede",
    "ENAMETOOLONG": "navnet er for langt",
    "EBUSY": "filen er i brug",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Danish where the reason is a common one; else the
    system's own text."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name) or exc.strerror or str(exc)


# --- dates and months ----------------------------------------------------------------------------

#: The months' names, January first.
MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
#: The months' short names, as tables and chart axes show them ("mar 2020").
MONTH_ABBREVIATIONS = tuple(name[:3] for name in MONTH_NAMES)


def date_text(day: dt.date | None, empty: str = "") -> str:
    """2026-12-07 → "07-12-2026"; None → ``empty``."""
    return day.strftime("%d-%m-%Y") if day else empty


def datetime_text(moment: dt.datetime) -> str:
    """A moment to the minute: "07-12-2026 14:05"."""
    return moment.strftime("%d-%m-%Y %H:%M")


def date_dots(day: dt.date) -> str:
    """2026-12-07 → "07.12.2026" (running text, headings, chart axes)."""
    return day.strftime("%d.%m.%Y")


def month_name(month: int) -> str:
    """3 → "marts"."""
    return MONTH_NAMES[month - 1]


def month_abbreviation(month: int) -> str:
    """3 → "mar"."""
    return MONTH_ABBREVIATIONS[month - 1]


def month_text(label: str) -> str:
    """A month as stored ("2026-03") in words: "marts 2026"."""
    return f"{month_name(int(label[5:7]))} {label[:4]}"


def month_short(label: str) -> str:
    """A month as stored ("2019-03") in a table's column: "mar 19"."""
    return f"{month_abbreviation(int(label[5:7]))} {label[2:4]}"
