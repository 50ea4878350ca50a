"""A table as shown on screen, written to an Excel file: the visible rows and columns, a bold
frozen header, an auto-filter, sensible widths (openpyxl, imported when first used). Text is
written as text, never as a formula; the register (names) is recorded in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fsm_desktop.domain.danish import datetime_text
from fsm_desktop.exchange.template import REGISTER, PersonalData, _cell, _save, require_audit

if TYPE_CHECKING:
    from fsm_desktop.storage.project import Project


def write_table(
    path: str | Path,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str = "",
    personal: PersonalData | None = None,
) -> Path:
    """``personal``: the rows hold personal data, and the export is recorded (:func:`export_register`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet, a worksheet
    ws.title = sheet[:31]
    start = 1
    if title:
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([f"Udskrevet {datetime_text(dt.datetime.now())}"])
        ws.append([])
        start = 4
    ws.append(list(headers))
    for cell in ws[start]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9ECF1")
    widths = [len(str(h)) for h in headers]
    count = 0
    for row in rows:
        values = [_cell(value) for value in row]
        ws.append(values)
        count += 1
        for i, value in enumerate(values):
            if isinstance(value, (dt.date, dt.datetime)):
                ws.cell(row=start + count, column=i + 1).number_format = "dd-mm-yyyy"
                text = 10
            else:
                text = len(str(value)) if value is not None else 0
            if i < len(widths):
                widths[i] = max(widths[i], min(text, 50))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width + 2
    ws.freeze_panes = ws.cell(row=start + 1, column=1).coordinate
    if count:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(headers))}{start + count}"
    return _save(workbook, Path(path), personal=personal)


def export_register(
    project: Project,
    path: str | Path,
    sheet: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    title: str = "",
) -> Path:
    """The register's rows (Borgere → Eksportér): names, so personal data. Refused from a
    project that cannot record it, and recorded in its audit log with the number of rows."""
    require_audit(project)
    return write_table(
        path, sheet, headers, rows, title, PersonalData(project, REGISTER, len(rows))
    )
