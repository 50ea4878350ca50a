"""Danish CPR numbers: normalising, validating, the birth date, masking.

No modulus-11 check: CPR numbers without it have been issued since 2007 (CPR-kontoret), so a
valid number may fail it. The century follows the 7th digit (the CPR office's table)."""

from __future__ import annotations

import datetime as dt
import re

from fsm_desktop.domain.errors import ValidationError

#: ASCII digits only: ``\d`` alone would also accept e.g. full-width digits.
_CPR_RE = re.compile(r"^(\d{6})-?(\d{4})$", re.ASCII)


def normalize(text: str) -> str:
    """``"010190-1234"`` or ``" 0101901234 "`` → ``"0101901234"``; raises ValidationError."""
    cleaned = str(text).strip().replace(" ", "")
    match = _CPR_RE.match(cleaned)
    if not match:
        raise ValidationError(
            "CPR-nummeret »{cpr}« skal have 10 cifre (ddmmåå-xxxx).", cpr=str(text).strip()
        )
    number = match.group(1) + match.group(2)
    birth_date(number)  # validates the date
    return number


def _century(yy: int, seventh: int) -> int:
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    # 5, 6, 7, 8
    return 2000 if yy <= 57 else 1800


def birth_date(number: str) -> dt.date:
    """The birth date encoded in a 10-digit CPR number."""
    if len(number) != 10 or not (number.isascii() and number.isdigit()):
        raise ValidationError("CPR-nummeret »{cpr}« skal have 10 cifre (ddmmåå-xxxx).", cpr=number)
    day, month, yy = int(number[0:2]), int(number[2:4]), int(number[4:6])
    year = _century(yy, int(number[6])) + yy
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            "CPR-nummeret »{cpr}« indeholder ikke en gyldig fødselsdato.", cpr=format_cpr(number)
        ) from None


def format_cpr(number: str) -> str:
    """``"0101901234"`` → ``"010190-1234"``."""
    return f"{number[:6]}-{number[6:]}" if len(number) == 10 else number


def mask(number: str) -> str:
    """The form shown by default: ``"010190-xxxx"`` (the birth date, never the serial)."""
    return f"{number[:6]}-xxxx" if len(number) == 10 else "xxxxxx-xxxx"


def age_on(number: str, on: dt.date) -> int:
    born = birth_date(number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
