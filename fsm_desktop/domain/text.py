"""Free text that people type or import: what it may not hold.

Control characters (tab, line feed and carriage return excepted) are invisible, and a
spreadsheet cannot hold them (openpyxl refuses them, so an export would fail later, far from
where they came in). The import refuses a cell with one; the editing forms say so next to the
field."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(text: str) -> str | None:
    """The first control character of ``text`` as "U+0007", or None."""
    found = CONTROL_CHARACTERS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def control_problem(text: str) -> str | None:
    """A Danish message for a form field whose text holds a control character, or None."""
    code = control_character(text)
    if code is None:
        return None
    return (
        f"Teksten indeholder et usynligt kontroltegn ({code}), fx fra en kopieret tekst; fjern det."
    )
