"""Free text that people type or import: what it may not hold.

Control characters (tab, line feed and carriage return excepted) are invisible, and a
spreadsheet cannot hold them (openpyxl refuses them, so an export would fail later, far from
where they came in); the marks that turn the direction of text are invisible too and can make
a name read as another. The import refuses a cell with one; the editing forms say so next to
the field. A name is one line: a line break or a tab in it is refused too."""

from __future__ import annotations

import re

#: Control characters, and the invisible marks that turn the direction of text (a right-to-left
#: override, U+202E, shows "Hansen" as "nesnaH" and can disguise a name: "Trojan Source").
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
DIRECTION_MARKS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: What breaks a line (or jumps to a column): not in a one-line field such as a name.
LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")


def control_character(text: str) -> str | None:
    """The first control character (or direction mark) of ``text`` as "U+0007", or None."""
    found = CONTROL_CHARACTERS.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def is_direction_mark(code: str) -> bool:
    """Whether a character named "U+202E" (as :func:`control_character` names it) turns the
    direction of text rather than being a control character proper."""
    return DIRECTION_MARKS.fullmatch(chr(int(code[2:], 16))) is not None


def control_problem(text: str) -> str | None:
    """A Danish message for a form field whose text holds a control character, or None."""
    code = control_character(text)
    if code is None:
        return None
    if is_direction_mark(code):
        return (
            f"Teksten indeholder et usynligt retningstegn ({code}), der kan vende teksten, fx "
            "fra en kopieret tekst; fjern det."
        )
    return (
        f"Teksten indeholder et usynligt kontroltegn ({code}), fx fra en kopieret tekst; fjern det."
    )


def line_break(text: str) -> str | None:
    """What breaks the line in a one-line text ("et linjeskift", "en tabulator"), or None."""
    found = LINE_BREAKS.search(text)
    if found is None:
        return None
    return "en tabulator" if found.group() == "\t" else "et linjeskift"


def name_problem(text: str) -> str | None:
    """A Danish message for a name (one line, no control characters or direction marks), or
    None: the import and the forms say the same."""
    found = line_break(text)
    if found is not None:
        return f"Navnet indeholder {found}; et navn står på én linje."
    return control_problem(text)
