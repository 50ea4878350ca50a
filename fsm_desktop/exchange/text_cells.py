"""Text that stays text in every file an export writes: :func:`all_text_as_text` (run by every
save of a workbook) and :func:`csv_line` (every CSV line). A name, a note or a project name such
as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` comes from data, and must never become a formula
in the file of whoever opens it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

#: How a spreadsheet formula (or its DDE cousin) can start: text beginning so is the risk (OWASP
#: "CSV injection"). A negative number is a number, not text, and no risk.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell) -> None:
    """An openpyxl cell holding a str written as the text it is, never as a formula: openpyxl
    makes any str starting with "=" a formula unless its data type is set after the value.
    Text that a spreadsheet would read as a formula when the cell is edited also gets Excel's
    quote prefix (kept text on F2 + Enter; the value and what is shown are unchanged)."""
    value = cell.value
    if not isinstance(value, str):
        return
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def all_text_as_text(workbook) -> None:
    """Every text cell of every sheet as text (:func:`as_text`). No export writes a formula of
    its own, so every str is text; done once before saving, it covers every cell however it
    was written (``append``, ``cell()``, a dict row), and no export can forget one. Only the
    cells that exist are visited (iterating the rows would create the empty ones)."""
    for ws in workbook.worksheets:
        for cell in getattr(ws, "_cells", {}).values():
            if type(cell._value) is str:
                as_text(cell)


def csv_text(value: object) -> object:
    """A CSV field that no spreadsheet runs: text starting as a formula gets a leading
    apostrophe (OWASP's rule); numbers, dates and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(values: Iterable[object]) -> str:
    """One CSV line, ended by a line feed, of ``values`` (each through :func:`csv_text`). A field
    with a line break of either kind is quoted: Python's writer quotes only the characters of its
    own line terminator, and a bare carriage return would end the row in a spreadsheet, the
    rest of the field read as the start of a new row (and of a formula)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([csv_text(value) for value in values])
    return out.getvalue()[:-2] + "\n"
