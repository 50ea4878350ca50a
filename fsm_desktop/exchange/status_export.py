"""The monthly status sheet as an Excel workbook to send as it is (openpyxl, imported when first
used): three sheets, each set up to print readable (:data:`SCALE`: no text under 8 pt on paper).

- **Statusskema**: the sheet as on the page, formatted for printing: A4 landscape at 85 %, the
  months split over pages by manual breaks (a year a page), the headings and the measure names
  repeated on every page and frozen on screen, counts and percentages as numbers with their
  formats, every cell compared with its goal filled green (met, marked ✓) or red (not met,
  marked ✗) — the marks keep it readable without colour — and the initiative, the municipality
  and the period in the page header.
- **Resultatkrav**: the initiative's measures over time as the measures engine counts them
  (the Mål page), each with a native Excel line chart whose threshold lines are extra series,
  and the payout forecast: an amount where it is released, "ikke udløst" where it is not.
- **Data**: every number of the status sheet, a line per measure and kind of number and a column
  per month, under Danish headings: the months as dates, the shares as percentages.

Every number is written as the domain computed it (tests/exchange/test_status_export.py opens
the file again and compares). Text from data (the project's name, the municipality, a user's
template's measure names and labels) is written as text, never as a formula (``_save``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fsm_desktop import __version__
from fsm_desktop.domain.danish import count, date_dots, kroner, number, percent
from fsm_desktop.domain.measures import (
    MeasureResult,
    Month,
    PayoutForecast,
    Report,
    no_data_reason,
)
from fsm_desktop.domain.model import Initiative
from fsm_desktop.domain.program import MeasureSpec
from fsm_desktop.domain.status_sheet import (
    COUNT,
    MARK,
    OK,
    RATIO,
    SHARE,
    Row,
    StatusSheet,
    month_label,
)
from fsm_desktop.exchange.template import _save

if TYPE_CHECKING:  # openpyxl is imported when first used
    from openpyxl.styles import Font, PatternFill

SHEET = "Statusskema"
MEASURES_SHEET = "Resultatkrav"
DATA_SHEET = "Data"

#: The first row of the table (after the title lines) and the first data column (after the
#: measure's name and the kind of number).
HEADER_ROW = 4
FIRST_COLUMN = 3

_MET_FILL, _NOT_MET_FILL = "C6EFCE", "FFC7CE"  # Excel's own "good" and "bad" fills
_MET_FONT, _NOT_MET_FONT = "006100", "9C0006"
_HEADER_FILL, _GOAL_FILL, _GREY = "1F3A5F", "FFF2CC", "808080"
_PERCENT, _COUNT, _RATIO = "0.0%", "#,##0", "0.0"
#: The Data sheet's percentages ("12,5 %" in a Danish Excel) and dates.
_DATA_PERCENT, _DAY = "0.0 %", "dd-mm-yyyy"
_MONTH = "[$-406]mmm yyyy"  # a month as a date, its name in Danish whatever the machine's language

#: Printing. Every sheet prints on A4 landscape at 85 %, so the smallest text (9.5 pt) prints at
#: 8.1 pt and the numbers (10 pt) at 8.5 pt; a sheet wider or longer than a page is split by
#: manual breaks, the row titles and the headings repeated on every page. (A4, not A3: most
#: offices print on A4, and an A3 page printed on A4 shrinks to 71 %, back to 6 pt.) At 85 % a
#: page holds the 0-punkt and twelve months, or twelve months and the goals.
SCALE = 85
_SMALL = 9.5  # the smallest text: the kinds of number, "ingen data", the legend
_SIDE_MARGIN, _END_MARGIN = 0.3, 0.6  # inches; the header and footer sit in the end margins
#: What a page holds at SCALE, in column width units and in points of row height. A width unit
#: is a digit of Calibri 11: 5.25 pt in Excel (7 pixels at 96 dpi), 5.6 pt in LibreOffice (the
#: digit's own width), so the wider; 2 % kept free besides.
_POINTS_PER_WIDTH = 5.6
_PAGE_WIDTH = (841.89 - 2 * 72 * _SIDE_MARGIN) / (SCALE / 100) / _POINTS_PER_WIDTH * 0.98
#: Resultatkrav: the columns' widths (the periods and payout rules, the numbers, a period's
#: note why it has no data) and the charts' width in cm.
_MEASURES_FIRST, _MEASURES_OTHER, _NOTE_WIDTH = 30.0, 11.0, 40.0
_CHART_WIDTH = 13  # cm
_PAGE_HEIGHT = (595.28 - 2 * 72 * _END_MARGIN) / (SCALE / 100) * 0.98


def _font(**parts):
    """A font of Calibri, the workbook's own (a font without a name is drawn in whatever the
    spreadsheet chooses, and a wider one breaks the page layout)."""
    from openpyxl.styles import Font

    return Font(name="Calibri", **parts)


def _marked(fmt: str, met: bool | None) -> str:
    """A number format with the ✓ / ✗ mark before the number (the value stays a number)."""
    if met is None:
        return fmt
    return ('"✓ "' if met else '"✗ "') + fmt


def _escape(text: str) -> str:
    """Text for a page header or footer (& starts a code there)."""
    return text.replace("&", "&&")


def _sub_labels(row: Row) -> tuple[str, str]:
    if row.unit == COUNT:
        return "i måneden", "i alt"
    if row.unit == RATIO:
        return "borgere", "pr. fuldtid"
    if row.unit == MARK:
        return "møde", ""
    return "antal", "andel"


def write_status_workbook(
    path: str | Path,
    sheet: StatusSheet,
    initiative: Initiative,
    printed: dt.date | None = None,
    program_name: str = "",
) -> Path:
    """Write the workbook (under a temporary name, then moved into place); returns the path.
    ``program_name``: the initiative's own name (the template's, e.g. "Flere skal med 2"),
    added to the project's name in the headers when that does not already say it."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    printed = printed or dt.date.today()
    if program_name and program_name.casefold() not in initiative.name.casefold():
        initiative = dataclasses.replace(initiative, name=f"{initiative.name} ({program_name})")
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook has one sheet, a worksheet
    ws.title = SHEET
    _status(ws, sheet, initiative, printed)
    _measures(workbook.create_sheet(MEASURES_SHEET), sheet, initiative, printed)
    _data(workbook.create_sheet(DATA_SHEET), sheet, initiative, printed)
    return _save(workbook, Path(path))


def _page(
    ws, initiative: Initiative, sheet: StatusSheet, printed: dt.date, title: str = ""
) -> None:
    """A4 landscape at :data:`SCALE` (not fitted: a fitted 25-month sheet prints at 48 %), the
    initiative and the period in the page header, the sheet's ``title`` (its name), the program's
    version and the page number in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = SCALE
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = _SIDE_MARGIN
    ws.page_margins.top = ws.page_margins.bottom = _END_MARGIN
    ws.page_margins.header = ws.page_margins.footer = 0.25
    for header in (ws.oddHeader, ws.evenHeader):
        header.left.text = _escape(initiative.name)
        header.center.text = _escape(initiative.municipality)
        header.right.text = _escape(
            f"{month_label(f'{initiative.start:%Y-%m}')} – {month_label(str(sheet.last))}"
            f" · udskrevet {date_dots(printed)}"
        )
        for part in (header.left, header.center, header.right):
            part.size = 9
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.left.text = _escape(title or ws.title)
        # Which program wrote the sheet: a question about a figure starts from its version.
        footer.center.text = _escape(f"FSM Desktop {__version__}")
        footer.right.text = "Side &P af &N"
        footer.left.size = footer.center.size = footer.right.size = 9
    # Excel scales the header and footer with the sheet unless told not to: 9 pt stays 9 pt.
    ws.HeaderFooter.scaleWithDoc = False


def _page_columns(widths: Sequence[float], room: float) -> list[int]:
    """How many of the columns ``widths`` (in Excel's width units) go on each page when a page
    holds ``room`` units: as few pages as will do, the columns shared out evenly (the odd ones on
    the last pages, where the goals are)."""
    n = len(widths)
    if n == 0:
        return [0]
    for pages in range(1, n + 1):
        sizes = [n // pages + (1 if p >= pages - n % pages else 0) for p in range(pages)]
        start = 0
        for size in sizes:
            if sum(widths[start : start + size]) > room:
                break
            start += size
        else:
            return sizes
    return [1] * n


def _height(ws, r: int) -> float:
    return ws.row_dimensions[r].height or 15.0


def _break_rows(ws, blocks: Sequence[tuple[int, int]], used: float, title: float = 0.0) -> None:
    """Manual page breaks between the ``blocks`` of rows (first, last) that should stay on one
    page: before a block that would not fit on the page (``used`` points of which are taken
    above the first block); a block longer than a page is broken where it must. ``title``: the
    height of the heading rows repeated on every page."""
    from openpyxl.worksheet.pagebreak import Break

    started = False  # something is on the page besides its headings
    for first, last in blocks:
        height = sum(_height(ws, r) for r in range(first, last + 1))
        if used + height > _PAGE_HEIGHT and started:
            ws.row_breaks.append(Break(id=first - 1))
            used = title
        for r in range(first, last + 1):
            if used + _height(ws, r) > _PAGE_HEIGHT and r > first:
                ws.row_breaks.append(Break(id=r - 1))
                used = title
            used += _height(ws, r)
        started = True


def _break_columns(ws, first: int, sizes: Sequence[int]) -> None:
    """Manual page breaks after each page's columns (from column ``first``)."""
    from openpyxl.worksheet.pagebreak import Break

    end = first - 1
    for size in sizes[:-1]:
        end += size
        ws.col_breaks.append(Break(id=end))


def _title(ws, text: str, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    ws["A1"] = text
    ws["A1"].font = _font(bold=True, size=14)
    place = f"{initiative.municipality} · " if initiative.municipality else ""
    ws["A2"] = (
        f"{place}{initiative.name} · {month_label(f'{initiative.start:%Y-%m}')} – {month_label(str(sheet.last))}"
        f" · udskrevet {date_dots(printed)}"
    )
    ws["A2"].font = _font(size=10, color="404040")


class _Styles:
    """The status sheet's looks as named styles, each made once: one style per cell is set by
    name, which costs openpyxl far less than setting font, fill, border and format one by one
    (a 24-month sheet has about a thousand cells)."""

    def __init__(self, workbook) -> None:
        from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

        self.workbook = workbook
        self._made: set[str] = set()
        self._NamedStyle = NamedStyle
        thin = Side(style="thin", color="BFBFBF")
        self.box = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.Font, self.PatternFill, self.Alignment = Font, PatternFill, Alignment

    def name(self, key: str, **parts) -> str:
        """The style ``key`` (made from ``parts`` the first time: font, fill, alignment, number_format)."""
        name = f"FSM {key}"
        if name not in self._made:
            style = self._NamedStyle(name=name, border=self.box, **parts)
            self.workbook.add_named_style(style)
            self._made.add(name)
        return name

    def header(self, left: bool = False) -> str:
        return self.name(
            "overskrift venstre" if left else "overskrift",
            font=_font(bold=True, color="FFFFFF", size=10),
            fill=self.PatternFill("solid", fgColor=_HEADER_FILL),
            alignment=self.Alignment(
                horizontal="left" if left else "center", vertical="center", wrap_text=True
            ),
        )

    def label(self) -> str:
        return self.name(
            "mål",
            font=_font(bold=True, size=10),
            alignment=self.Alignment(vertical="center", wrap_text=True),
        )

    def grey(self) -> str:
        return self.name(
            "forklaring",
            font=_font(italic=True, color=_GREY, size=_SMALL),
            alignment=self.Alignment(vertical="center"),
        )

    def number(self, fmt: str, met: bool | None, mark: bool = True) -> str:
        """A number, filled (and with ``mark`` marked ✓ / ✗) by whether its goal is met."""
        key = {None: "", True: " nået", False: " ikke nået"}[met] + (
            "" if mark or met is None else " uden mærke"
        )
        fill = None if met is None else _MET_FILL if met else _NOT_MET_FILL
        color = None if met is None else _MET_FONT if met else _NOT_MET_FONT
        return self.name(
            f"tal {fmt}{key}",
            font=_font(size=10, color=color),
            fill=self.PatternFill("solid", fgColor=fill) if fill else self.PatternFill(),
            alignment=self.Alignment(horizontal="right", vertical="center"),
            number_format=_marked(fmt, met) if mark else fmt,
        )

    def goal(self, fmt: str | None) -> str:
        return self.name(
            f"mål {fmt or 'tomt'}",
            font=_font(bold=True, size=10),
            fill=self.PatternFill("solid", fgColor=_GOAL_FILL),
            alignment=self.Alignment(horizontal="right", vertical="center"),
            number_format=fmt or "General",
        )

    def empty(self) -> str:
        return self.name("tom", font=_font(size=10))

    def no_data(self) -> str:
        """A column before the first registration of the row's fact: neutral, no fill, the words
        in grey (not a number, so never read as 0)."""
        return self.name(
            "ingen data",
            font=_font(italic=True, color=_GREY, size=_SMALL),
            alignment=self.Alignment(horizontal="center", vertical="center", wrap_text=True),
        )


def _status(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    _title(ws, "Målopfølgning – statusskema", sheet, initiative, printed)
    styles = _Styles(ws.parent)
    _status_heading(ws, sheet, styles)
    r = HEADER_ROW + 1
    for row in sheet.rows:
        _status_row(ws, r, row, sheet, styles)
        r += 2
    sizes = _status_layout(ws, sheet)
    end = _status_legend(ws, r + 1, sheet, sizes[0])
    _status_pages(ws, sheet, r + 1, end)
    _page(ws, initiative, sheet, printed, "Målopfølgning – statusskema")


def _status_heading(ws, sheet: StatusSheet, styles: _Styles) -> None:
    heading = ["Mål / status (antal borgere / pct.)", ""] + [
        c.label.replace("0-punkt ", "0-punkt\n") for c in sheet.columns
    ]
    for j, text in enumerate(heading, start=1):
        ws.cell(row=HEADER_ROW, column=j, value=text).style = styles.header(left=j == 1)
    ws.row_dimensions[HEADER_ROW].height = 30


def _status_row(ws, r: int, row: Row, sheet: StatusSheet, styles: _Styles) -> None:
    """A measure's two lines (rows ``r`` and ``r + 1``): its name, the kinds of number, the
    months (or the note why there are none) and the goals."""
    first_label, second_label = _sub_labels(row)
    ws.cell(row=r, column=1, value=row.label).style = styles.label()
    ws.cell(row=r + 1, column=1).style = styles.label()
    ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
    ws.cell(row=r, column=2, value=first_label).style = styles.grey()
    ws.cell(row=r + 1, column=2, value=second_label).style = styles.grey()
    data_count = len(sheet.data_columns)
    if row.availability != OK:
        for rr in (r, r + 1):
            for j in range(FIRST_COLUMN, FIRST_COLUMN + data_count):
                ws.cell(row=rr, column=j).style = styles.grey()
        ws.cell(row=r, column=FIRST_COLUMN, value=row.note)
        ws.merge_cells(
            start_row=r,
            start_column=FIRST_COLUMN,
            end_row=r + 1,
            end_column=FIRST_COLUMN + data_count - 1,
        )
    else:
        for k, column in enumerate(sheet.data_columns):
            _status_cell(ws, r, FIRST_COLUMN + k, row, k, column.month, styles)
    _status_goals(ws, r, row, sheet, styles)


def _status_goals(ws, r: int, row: Row, sheet: StatusSheet, styles: _Styles) -> None:
    """The goal columns of a measure's two lines, the goal beside the number it is compared
    with: the share, the ratio, the running total."""
    data_count = len(sheet.data_columns)
    for g, column in enumerate(sheet.goal_columns):
        j = FIRST_COLUMN + data_count + g
        target = row.goals.get(column.month)
        share_goal = row.goal_unit == SHARE
        fmt = _PERCENT if share_goal else (_RATIO if row.unit == RATIO else _COUNT)
        at = r + 1 if share_goal or row.unit in (RATIO, COUNT) else r
        for rr in (r, r + 1):
            cell = ws.cell(row=rr, column=j)
            cell.style = styles.goal(fmt if rr == at and target is not None else None)
        if target is not None:
            ws.cell(row=at, column=j, value=target)


def _status_legend(ws, legend: int, sheet: StatusSheet, across: int) -> int:
    """The colours' legend and each row's definition from row ``legend``, each in a wrapped
    cell across the first page's month columns (under the months: on the next pages the
    repeated row titles beside it stay empty); returns the last row."""
    from openpyxl.styles import Alignment

    texts = [
        (
            "✓ grøn: målet er nået · ✗ rød: målet er ikke nået (hver måned sammenlignes med det "
            "næste mål; fravær og passivandel: højst målet) · gul: mål, sat lokalt · 0-punkt: "
            "status på dagen · ingen data: projektet har ikke registreret det, der tælles (før "
            "første registrering; en manglende registrering er ikke et »nej«).",
            False,
        ),
        (
            "Sådan tælles hver række (indsatsgruppen: gruppe 1 i målgruppen, i en indsats uden "
            "grupper hele målgruppen):",
            True,
        ),
    ]
    texts += [(f"{row.label}: {row.definition}", False) for row in sheet.rows]
    last = FIRST_COLUMN + max(1, across) - 1
    width = sum(_status_widths(sheet)[FIRST_COLUMN - 1 : last])
    # About 1.3 characters of 9.5 pt text per width unit (a unit is a digit of 11 pt).
    per_line = max(20, int(width * 1.3))
    r = legend - 1
    for text, bold in texts:
        r += 1
        cell = ws.cell(row=r, column=FIRST_COLUMN, value=text)
        cell.font = _font(size=_SMALL, bold=bold, color="404040")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=FIRST_COLUMN, end_row=r, end_column=last)
        ws.row_dimensions[r].height = 12.0 * (-(-len(text) // per_line)) + 1
    return r


def _status_widths(sheet: StatusSheet) -> list[float]:
    """The columns' widths: the measure, the kind of number, the months, the goals."""
    data_count = len(sheet.data_columns)
    return [26.0, 8.0] + [9.0] * data_count + [10.0] * len(sheet.goal_columns)


def _status_layout(ws, sheet: StatusSheet) -> list[int]:
    """Column widths, frozen panes, the print titles and the pages across (manual breaks):
    returns how many month and goal columns each page holds."""
    from openpyxl.utils import get_column_letter

    widths = _status_widths(sheet)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=FIRST_COLUMN)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_title_cols = "A:B"
    sizes = _page_columns(widths[FIRST_COLUMN - 1 :], _PAGE_WIDTH - sum(widths[: FIRST_COLUMN - 1]))
    _break_columns(ws, FIRST_COLUMN, sizes)
    return sizes


def _status_pages(ws, sheet: StatusSheet, legend: int, end: int) -> None:
    """Row heights, the print area down to row ``end`` and a manual page break wherever the next
    measure (or the legend, from row ``legend``) would not fit on the page: a measure's two
    lines are never parted."""
    from openpyxl.utils import get_column_letter

    for r, height in ((1, 20.0), (2, 15.0), (3, 6.0), (HEADER_ROW, 30.0)):
        ws.row_dimensions[r].height = height
    blocks = []
    for i, row in enumerate(sheet.rows):
        r = HEADER_ROW + 1 + 2 * i
        # The measure's name wraps in its two lines: about 24 characters of 10 pt bold a line.
        lines = max(2, -(-len(row.label) // 24))
        height = max(13.5, 12.5 * lines / 2 + 1)
        ws.row_dimensions[r].height = ws.row_dimensions[r + 1].height = height
        blocks.append((r, r + 1))
    blocks.append((legend, end))
    _break_rows(ws, blocks, _height(ws, HEADER_ROW), _height(ws, HEADER_ROW))
    # From the heading row: the title lines above it run across the month columns and would be
    # cut on the next pages beside the repeated row titles; the page header and footer say it.
    ws.print_area = f"A{HEADER_ROW}:{get_column_letter(FIRST_COLUMN + len(sheet.columns) - 1)}{end}"


def _status_cell(ws, r: int, j: int, row: Row, k: int, month: str, styles: _Styles) -> None:
    cell_value = row.cells[k]
    top, bottom = ws.cell(row=r, column=j), ws.cell(row=r + 1, column=j)
    note = row.cell_note(k)
    if note:  # before the first registration of the row's fact: words, not 0
        top.value = note
        top.style = bottom.style = styles.no_data()
        ws.merge_cells(start_row=r, start_column=j, end_row=r + 1, end_column=j)
        return
    if cell_value is None:
        top.style = bottom.style = styles.empty()
        return
    met = row.met(k, month)
    if row.unit == MARK:
        top.value = "x" if cell_value.count else None
        top.style = bottom.style = styles.number(_COUNT, None)
        return
    top.value = cell_value.count
    top.style = styles.number(_COUNT, met, mark=False)
    if row.unit == COUNT:
        bottom.value = cell_value.cumulative
        bottom.style = styles.number(_COUNT, met)
    else:
        bottom.value = cell_value.share
        bottom.style = styles.number(_RATIO if row.unit == RATIO else _PERCENT, met)


def _measures(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    from openpyxl.styles import PatternFill

    _title(ws, "Resultatkrav som STAR opgør dem", sheet, initiative, printed)
    report = sheet.report
    header = (_font(bold=True, color="FFFFFF", size=10), PatternFill("solid", fgColor=_HEADER_FILL))
    r = HEADER_ROW
    if report is None or not report.results:
        ws.cell(row=r, column=1, value="Ingen resultatkrav i den valgte periode.")
        _page(ws, initiative, sheet, printed)
        return
    specs = []
    for result in report.results:
        if result.spec not in specs:
            specs.append(result.spec)
    ws.column_dimensions["A"].width = _MEASURES_FIRST
    for letter in "BCDEFGH":
        ws.column_dimensions[letter].width = _MEASURES_OTHER
    blocks = []
    for spec in specs:
        top = r
        r = _measure_block(ws, r, spec, report, header)
        blocks.append((top, r - 1))
    if report.payouts:
        top = r
        r = _payouts(ws, r, report.payouts, header, finished=sheet.last >= Month.of(initiative.end))
        blocks.append((top, r))
    ws.freeze_panes = "A4"
    _break_rows(ws, blocks, sum(_height(ws, r) for r in range(1, HEADER_ROW)))
    _page(ws, initiative, sheet, printed)


def _header_cells(ws, r: int, headers: Sequence[str], header: tuple[Font, PatternFill]) -> None:
    for j, text in enumerate(headers, start=1):
        cell = ws.cell(row=r, column=j, value=text)
        cell.font, cell.fill = header


def _measure_block(
    ws, r: int, spec: MeasureSpec, report: Report, header: tuple[Font, PatternFill]
) -> int:
    """A measure from row ``r``: its name, its periods' table and its chart; returns the row
    where the next block begins."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    results = report.for_measure(spec.id)
    caseload = spec.kind == "caseload"
    ws.cell(row=r, column=1, value=spec.name).font = _font(bold=True, size=12)
    r += 1
    headers = ["Periode", "Tæller", "Nævner", "Sager pr. fuldtid" if caseload else "Andel"]
    headers += [
        f"Tærskel {number(t.value) if caseload else percent(t.value, trim=True)}"
        for t in spec.thresholds
    ]
    # A period without data has no share (a gap in the chart) and says why, after the
    # thresholds (outside the chart's series).
    note_column = len(headers) + 1 if any(res.no_data for res in results) else None
    if note_column is not None:
        headers.append("Bemærkning")
    reason = no_data_reason(spec, report.first_registrations) if note_column is not None else ""
    top = r
    _header_cells(ws, r, headers, header)
    for result in results:
        r += 1
        _measure_row(ws, r, result, caseload)
        if result.no_data and note_column is not None:
            cell = ws.cell(row=r, column=note_column, value=reason)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            # The reason wraps in its column: about 1.1 characters a width unit.
            lines = -(-len(reason) // int(_NOTE_WIDTH * 1.1))
            ws.row_dimensions[r].height = 15.0 * lines
    if note_column is not None:
        ws.column_dimensions[get_column_letter(note_column)].width = _NOTE_WIDTH
    if not results:
        return r + 2
    # The chart beside the table where it fits on the page at full size, else under it.
    column = len(headers) + 2
    beside = _PAGE_WIDTH - sum(
        ws.column_dimensions[get_column_letter(j)].width or 9.14 for j in range(1, column)
    )
    if beside * _POINTS_PER_WIDTH >= _CHART_WIDTH * 72 / 2.54:
        _measure_chart(ws, spec, results, top, r, f"{get_column_letter(column)}{top}")
        # Leave room for the chart (about 17 rows) before the next measure.
        return max(r, top + 17) + 2
    _measure_chart(ws, spec, results, top, r, f"A{r + 2}")
    return r + 2 + 17 + 2


def _measure_chart(
    ws, spec: MeasureSpec, results: list[MeasureResult], top: int, bottom: int, corner: str
) -> None:
    """The line chart of the table in rows ``top`` to ``bottom``, its top left corner in cell
    ``corner``: the share and, dashed, the thresholds."""
    from openpyxl.chart import LineChart, Reference

    caseload = spec.kind == "caseload"
    chart = LineChart()
    chart.height, chart.width = 9, _CHART_WIDTH
    values = [
        x
        for res in results
        for x in (res.share, *(t.threshold.value for t in res.thresholds))
        if x is not None
    ]
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = _axis_top(max(values, default=1), caseload)
    chart.y_axis.title = "Sager pr. fuldtid" if caseload else "Andel"
    chart.y_axis.number_format = "0" if caseload else "0%"
    chart.x_axis.title = "Periode"
    # openpyxl hides both axes unless told otherwise (delete=True by default).
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    assert chart.legend is not None  # a new chart has one
    chart.legend.position = "b"
    data = Reference(ws, min_col=4, max_col=4 + len(spec.thresholds), min_row=top, max_row=bottom)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
    for s, series in enumerate(chart.series):
        series.smooth = False
        if s == 0:
            series.graphicalProperties.line.solidFill = "1F3A5F"
            series.graphicalProperties.line.width = 28575
            series.marker.symbol = "circle" if len(results) < 40 else "none"
        else:
            series.graphicalProperties.line.solidFill = ("C00000", "E46C0A", "7F7F7F")[(s - 1) % 3]
            series.graphicalProperties.line.dashStyle = "dash"
            series.graphicalProperties.line.width = 15875
            series.marker.symbol = "none"
    ws.add_chart(chart, corner)


def _payouts(
    ws, r: int, payouts: list[PayoutForecast], header: tuple[Font, PatternFill], finished: bool
) -> int:
    """The payout forecast from row ``r``: one line per payout rule; returns its last row. The
    amount only where the rule is met (the money is released); a rule not met says
    "ikke udløst" (and, while the initiative runs, in a note what is still at stake)."""
    from openpyxl.styles import Alignment

    ws.cell(row=r, column=1, value="Udbetalingsprognose").font = _font(bold=True, size=12)
    r += 1
    _header_cells(
        ws,
        r,
        ("Udbetalingsregel", "Opfyldt", "Bedste periode", "Andel", "Manglede borgere", "Beløb")
        + (("Bemærkning",) if not finished and any(not p.met for p in payouts) else ()),
        header,
    )
    for cell in ws[r]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[r].height = 30.0
    for p in payouts:
        r += 1
        ws.cell(row=r, column=1, value=p.threshold.label).alignment = Alignment(wrap_text=True)
        if len(p.threshold.label) > _MEASURES_FIRST * 1.1:
            ws.row_dimensions[r].height = 30.0
        ws.cell(row=r, column=2, value="ja" if p.met else "nej")
        if p.best is not None:
            # A period of several months ("2019-01 – 2019-12") wraps at its dash.
            best = ws.cell(row=r, column=3, value=p.best.label)
            best.alignment = Alignment(wrap_text=True)
            if len(p.best.label) > _MEASURES_OTHER:
                ws.row_dimensions[r].height = 30.0
            share = ws.cell(row=r, column=4, value=p.best.share)
            share.number_format = _PERCENT
        # Centred: a right-aligned count would run into the amount beside it.
        ws.cell(row=r, column=5, value=p.needed).alignment = Alignment(horizontal="center")
        amount = ws.cell(row=r, column=6)
        if not p.met:
            amount.value = "ikke udløst"
            amount.alignment = Alignment(horizontal="right")
            if p.amount is not None and not finished:
                note = f"{kroner(p.amount)} i spil, til indsatsen slutter"
                ws.cell(row=r, column=7, value=note).alignment = Alignment(indent=1)
        elif p.amount is not None:
            amount.value = p.amount
            amount.number_format = '#,##0 "kr."'
        else:
            amount.value = "udløst"
    return r


def _axis_top(highest: float, caseload: bool) -> float:
    """A round top for the value axis a little above the highest value or threshold."""
    step = 5 if caseload else 0.05
    return max(step, (int(highest * 1.15 / step) + 1) * step)


def _measure_row(ws, r: int, result: MeasureResult, caseload: bool) -> None:
    ws.cell(row=r, column=1, value=result.label)
    ws.cell(row=r, column=2, value=result.numerator).number_format = _COUNT
    ws.cell(row=r, column=3, value=result.denominator).number_format = (
        _RATIO if caseload else _COUNT
    )
    # None (an empty cell, a gap in the chart) without a denominator or without data.
    ws.cell(row=r, column=4, value=result.share).number_format = _RATIO if caseload else _PERCENT
    for j, threshold in enumerate(result.thresholds, start=5):
        ws.cell(row=r, column=j, value=threshold.threshold.value).number_format = (
            _RATIO if caseload else _PERCENT
        )


DATA_HEADERS = ("Mål", "Tal")


def _data(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    """Every number of the status sheet as plain numbers: per measure a line each for the count,
    the denominator, the share and (step-up) the running total, one column per sheet column.
    The column headings are dates, shown in Danish: the 0-punkt's day ("0-punkt 01-11-2019"),
    each month's first day ("nov 2019") and the goals' months ("Mål okt 2020")."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    data_columns = sheet.data_columns
    ws.append(list(DATA_HEADERS))
    first = len(DATA_HEADERS) + 1
    for j, c in enumerate(sheet.columns, start=first):
        if c.kind == "baseline" and c.day is not None:
            day, fmt = c.day, f'"0-punkt "{_DAY}'
        else:
            day = dt.date(int(c.month[:4]), int(c.month[5:7]), 1)
            fmt = '[$-406]"Mål "mmm yyyy' if c.kind == "goal" else _MONTH
        cell = ws.cell(row=1, column=j, value=day)
        cell.number_format = fmt
    for cell in ws[1]:
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="left" if cell.column < first else "right")
    goal_first = first + len(data_columns)
    r = 1
    blocks = []
    for row in sheet.rows:
        lines: list[tuple[str, list]] = []
        if row.availability != OK:
            lines.append((row.note, []))
        elif row.unit == MARK:
            lines.append(("møde", [None if c is None else c.count for c in row.cells]))
        else:
            lines.append(("antal", [None if c is None else c.count for c in row.cells]))
            if row.unit == COUNT:
                lines.append(("i alt", [None if c is None else c.cumulative for c in row.cells]))
            else:
                lines.append(("nævner", [None if c is None else c.denominator for c in row.cells]))
                lines.append(
                    (
                        "andel" if row.unit == SHARE else "pr. fuldtid",
                        [None if c is None else c.share for c in row.cells],
                    )
                )
        if row.no_data_columns and row.availability == OK:
            # Before the first registration of the row's fact: said in words on the first line
            # (the other lines stay empty), never a 0.
            first_line = list(lines[0][1])
            for k in row.no_data_columns:
                first_line[k] = row.cell_note(k)
            lines[0] = (lines[0][0], first_line)
        blocks.append((r + 1, r + len(lines)))
        for n, (what, values) in enumerate(lines):
            r += 1
            line: dict[int, object] = {1: row.label, 2: what}
            line.update({first + k: v for k, v in enumerate(values) if v is not None})
            if n == len(lines) - 1:  # the goals beside the share (or the count)
                line.update(
                    {
                        goal_first + g: row.goals[c.month]
                        for g, c in enumerate(sheet.goal_columns)
                        if c.month in row.goals
                    }
                )
            ws.append(line)
            if what == "andel":
                for j in range(first, first + len(sheet.columns)):
                    ws.cell(row=r, column=j).number_format = _DATA_PERCENT
            elif (
                n == len(lines) - 1 and row.goal_unit == SHARE
            ):  # a share goal beside a count or a note
                for j in range(goal_first, first + len(sheet.columns)):
                    ws.cell(row=r, column=j).number_format = _DATA_PERCENT
    # The 0-punkt's and the goals' headings are wider ("0-punkt 01-11-2019", "Mål okt 2020").
    wide = {"baseline": 17.0, "goal": 14.0}
    widths = [44.0, 10.0] + [wide.get(c.kind, 11.0) for c in sheet.columns]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(row=2, column=first)
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:B"
    titles = sum(widths[: first - 1])
    _break_columns(ws, first, _page_columns(widths[first - 1 :], _PAGE_WIDTH - titles))
    _break_rows(ws, blocks, _height(ws, 1), _height(ws, 1))
    _page(ws, initiative, sheet, printed)


def summary(path: Path, sheet: StatusSheet, initiative: Initiative) -> str:
    """The command line's one line after writing."""
    months = len(sheet.data_columns) - 1
    return (
        f"Skrev {path}: statusskema for {initiative.name}, "
        f"{month_label(f'{initiative.start:%Y-%m}')} – {month_label(str(sheet.last))} "
        f"({number(len(sheet.rows))} mål, {count(months, 'måned', 'måneder')}), resultatkrav og data."
    )
