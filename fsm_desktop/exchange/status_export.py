"""The monthly status sheet as an Excel workbook to send as it is (openpyxl, imported when first
used): three sheets.

- **Statusskema**: the sheet as on the page, formatted for printing: A4 landscape, fitted to
  the page width, headings and measure names repeated on every page and frozen on screen, counts
  and percentages as numbers with their formats, every cell compared with its goal filled green
  (met, marked ✓) or red (not met, marked ✗) — the marks keep it readable without colour — and
  the initiative, the municipality and the date in the page header.
- **Resultatkrav**: the initiative's measures over time as the measures engine counts them
  (the Mål page), each with a native Excel line chart whose threshold lines are extra series,
  and the payout forecast.
- **Data**: every number of the status sheet in long form, one row per measure and column.

Every number is written as the domain computed it (tests/exchange/test_status_export.py opens
the file again and compares)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fsm_desktop.domain.danish import number, percent
from fsm_desktop.domain.measures import MeasureResult, Month
from fsm_desktop.domain.model import Initiative
from fsm_desktop.domain.status_sheet import COUNT, MARK, OK, RATIO, SHARE, Row, StatusSheet, month_label
from fsm_desktop.exchange.template import _save
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.status_sheet import StatusSheetRepository

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


def write_status_workbook(path: str | Path, sheet: StatusSheet, initiative: Initiative,
                          printed: dt.date | None = None) -> Path:
    """Write the workbook (under a temporary name, then moved into place); returns the path."""
    from openpyxl import Workbook

    printed = printed or dt.date.today()
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET
    _status(ws, sheet, initiative, printed)
    _measures(workbook.create_sheet(MEASURES_SHEET), sheet, initiative, printed)
    _data(workbook.create_sheet(DATA_SHEET), sheet, initiative, printed)
    return _save(workbook, Path(path))


def _page(ws, initiative: Initiative, sheet: StatusSheet, printed: dt.date, landscape: bool = True) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    for header in (ws.oddHeader, ws.evenHeader):
        header.left.text = _escape(initiative.name)
        header.center.text = _escape(initiative.municipality)
        header.right.text = _escape(f"Til og med {month_label(str(sheet.last))} · udskrevet {printed:%d.%m.%Y}")
        for part in (header.left, header.center, header.right):
            part.size = 9
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.left.text = _escape(ws.title)
        footer.right.text = "Side &P af &N"
        footer.left.size = footer.right.size = 8


def _title(ws, text: str, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    from openpyxl.styles import Font

    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    place = f"{initiative.municipality} · " if initiative.municipality else ""
    ws["A2"] = (
        f"{place}{initiative.name} · {month_label(f'{initiative.start:%Y-%m}')} – {month_label(str(sheet.last))}"
        f" · udskrevet {printed:%d.%m.%Y}"
    )
    ws["A2"].font = Font(size=10, color="404040")


def _status(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    _title(ws, "Målopfølgning – statusskema", sheet, initiative, printed)
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(bold=True, color="FFFFFF", size=10)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    goal_fill = PatternFill("solid", fgColor=_GOAL_FILL)
    fills = {True: PatternFill("solid", fgColor=_MET_FILL), False: PatternFill("solid", fgColor=_NOT_MET_FILL)}
    fonts = {True: Font(color=_MET_FONT, size=10), False: Font(color=_NOT_MET_FONT, size=10), None: Font(size=10)}
    grey = Font(italic=True, color=_GREY, size=9)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    right = Alignment(horizontal="right", vertical="center")
    columns = sheet.columns
    data_count = len(sheet.data_columns)

    heading = ["Mål / status (antal borgere / pct.)", ""] + [c.label.replace("0-punkt ", "0-punkt\n") for c in columns]
    for j, text in enumerate(heading, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=text)
        cell.font, cell.fill, cell.alignment, cell.border = header_font, header_fill, center, box
    ws.cell(row=HEADER_ROW, column=1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 30

    r = HEADER_ROW + 1
    for row in sheet.rows:
        first_label, second_label = _sub_labels(row)
        ws.cell(row=r, column=1, value=row.label).alignment = Alignment(vertical="center", wrap_text=True)
        ws.cell(row=r, column=1).font = Font(bold=True, size=10)
        ws.merge_cells(start_row=r, start_column=1, end_row=r + 1, end_column=1)
        ws.cell(row=r, column=2, value=first_label).font = grey
        ws.cell(row=r + 1, column=2, value=second_label).font = grey
        if row.availability != OK:
            ws.cell(row=r, column=FIRST_COLUMN, value=row.note).font = grey
            ws.cell(row=r, column=FIRST_COLUMN).alignment = Alignment(vertical="center")
            ws.merge_cells(start_row=r, start_column=FIRST_COLUMN, end_row=r + 1, end_column=FIRST_COLUMN + data_count - 1)
        else:
            for k, column in enumerate(sheet.data_columns):
                _status_cell(ws, r, FIRST_COLUMN + k, row, k, column.month, fills, fonts, right)
        for g, column in enumerate(sheet.goal_columns):
            j = FIRST_COLUMN + data_count + g
            target = row.goals.get(column.month)
            for rr in (r, r + 1):
                ws.cell(row=rr, column=j).fill = goal_fill
            if target is not None:
                share_goal = row.goal_unit == SHARE
                cell = ws.cell(row=r + 1 if share_goal else r, column=j, value=target)
                cell.number_format = _PERCENT if share_goal else (_RATIO if row.unit == RATIO else _COUNT)
                cell.font = Font(bold=True, size=10)
                cell.alignment = right
        for rr in (r, r + 1):
            for j in range(1, FIRST_COLUMN + len(columns)):
                ws.cell(row=rr, column=j).border = box
        r += 2

    legend = r + 1
    ws.cell(row=legend, column=1, value=(
        "✓ grøn: målet er nået · ✗ rød: målet er ikke nået (hver måned sammenlignes med det næste mål; "
        "fravær og passivandel: højst målet) · gul: mål, sat lokalt · 0-punkt: status på dagen."
    )).font = Font(size=8, color="404040")
    ws.cell(row=legend + 1, column=1, value="Sådan tælles hver række (indsatsgruppen: gruppe 1 i målgruppen, i en "
            "indsats uden grupper hele målgruppen; se også docs/status_sheet.md):").font = Font(
        size=8, bold=True, color="404040")
    end = legend + 1
    for row in sheet.rows:
        end += 1
        ws.cell(row=end, column=1, value=f"{row.label}: {row.definition}").font = Font(size=8, color="404040")

    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 9
    for j in range(FIRST_COLUMN, FIRST_COLUMN + len(columns)):
        ws.column_dimensions[get_column_letter(j)].width = 11 if j >= FIRST_COLUMN + data_count else 9.5
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=FIRST_COLUMN)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_title_cols = "A:B"
    ws.print_area = f"A1:{get_column_letter(FIRST_COLUMN + len(columns) - 1)}{end}"
    _page(ws, initiative, sheet, printed)


def _status_cell(ws, r: int, j: int, row: Row, k: int, month: str, fills, fonts, right) -> None:
    cell_value = row.cells[k]
    if cell_value is None:
        return
    met = row.met(k, month)
    top, bottom = ws.cell(row=r, column=j), ws.cell(row=r + 1, column=j)
    if row.unit == MARK:
        top.value = "x" if cell_value.count else None
        top.alignment = right
        return
    top.value = cell_value.count
    top.number_format = _COUNT
    if row.unit == COUNT:
        bottom.value = cell_value.cumulative
        bottom.number_format = _marked(_COUNT, met)
    elif row.unit == RATIO:
        share = cell_value.share
        bottom.value = None if share is None else share
        bottom.number_format = _marked(_RATIO, met)
    else:
        bottom.value = cell_value.share
        bottom.number_format = _marked(_PERCENT, met)
    for cell in (top, bottom):
        cell.alignment = right
        cell.font = fonts[met]
        if met is not None:
            cell.fill = fills[met]


def _measures(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    _title(ws, "Resultatkrav som STAR opgør dem", sheet, initiative, printed)
    report = sheet.report
    header_font = Font(bold=True, color="FFFFFF", size=10)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    r = HEADER_ROW
    if report is None or not report.results:
        ws.cell(row=r, column=1, value="Ingen resultatkrav i den valgte periode.")
        _page(ws, initiative, sheet, printed, landscape=False)
        return
    specs = []
    for result in report.results:
        if result.spec not in specs:
            specs.append(result.spec)
    for spec in specs:
        results = report.for_measure(spec.id)
        caseload = spec.kind == "caseload"
        ws.cell(row=r, column=1, value=spec.name).font = Font(bold=True, size=12)
        r += 1
        headers = ["Periode", "Tæller", "Nævner", "Sager pr. fuldtid" if caseload else "Andel"]
        headers += [f"Tærskel {number(t.value) if caseload else percent(t.value, trim=True)}"
                    for t in spec.thresholds]
        top = r
        for j, text in enumerate(headers, start=1):
            cell = ws.cell(row=r, column=j, value=text)
            cell.font, cell.fill = header_font, header_fill
        for result in results:
            r += 1
            _measure_row(ws, r, result, caseload)
        if results:
            chart = LineChart()
            chart.height, chart.width = 9, 18
            values = [x for res in results for x in (res.share, *(t.threshold.value for t in res.thresholds))
                      if x is not None]
            chart.y_axis.scaling.min = 0
            chart.y_axis.scaling.max = _axis_top(max(values, default=1), caseload)
            chart.y_axis.title = "Sager pr. fuldtid" if caseload else "Andel"
            chart.y_axis.number_format = "0" if caseload else "0%"
            chart.x_axis.title = "Periode"
            # openpyxl hides both axes unless told otherwise (delete=True by default).
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.legend.position = "b"
            data = Reference(ws, min_col=4, max_col=4 + len(spec.thresholds), min_row=top, max_row=r)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=r))
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
            ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}{top}")
        # Leave room for the chart (about 15 rows) before the next measure.
        r = max(r, top + 15) + 2
    payouts = report.payouts
    if payouts:
        ws.cell(row=r, column=1, value="Udbetalingsprognose").font = Font(bold=True, size=12)
        r += 1
        for j, text in enumerate(("Udbetalingsregel", "Opfyldt", "Bedste periode", "Andel", "Manglede borgere", "Beløb"), 1):
            cell = ws.cell(row=r, column=j, value=text)
            cell.font, cell.fill = header_font, header_fill
        for p in payouts:
            r += 1
            ws.cell(row=r, column=1, value=p.threshold.label)
            ws.cell(row=r, column=2, value="ja" if p.met else "nej")
            if p.best is not None:
                ws.cell(row=r, column=3, value=p.best.label)
                share = ws.cell(row=r, column=4, value=p.best.share)
                share.number_format = _PERCENT
            ws.cell(row=r, column=5, value=p.needed)
            if p.amount is not None:
                amount = ws.cell(row=r, column=6, value=p.amount)
                amount.number_format = '#,##0 "kr."'
    ws.column_dimensions["A"].width = 34
    for letter in "BCDEFG":
        ws.column_dimensions[letter].width = 15
    ws.freeze_panes = "A4"
    _page(ws, initiative, sheet, printed)


def _axis_top(highest: float, caseload: bool) -> float:
    """A round top for the value axis a little above the highest value or threshold."""
    step = 5 if caseload else 0.05
    return max(step, (int(highest * 1.15 / step) + 1) * step)


def _measure_row(ws, r: int, result: MeasureResult, caseload: bool) -> None:
    ws.cell(row=r, column=1, value=result.label)
    ws.cell(row=r, column=2, value=result.numerator).number_format = _COUNT
    ws.cell(row=r, column=3, value=result.denominator).number_format = _RATIO if caseload else _COUNT
    ws.cell(row=r, column=4, value=result.share).number_format = _RATIO if caseload else _PERCENT
    for j, threshold in enumerate(result.thresholds, start=5):
        ws.cell(row=r, column=j, value=threshold.threshold.value).number_format = _RATIO if caseload else _PERCENT


DATA_HEADERS = ("Række", "Mål", "Kolonne", "Måned", "Antal", "Nævner", "Andel", "I alt", "Mål for kolonnen",
                "Opfyldt", "Status")


def _data(ws, sheet: StatusSheet, initiative: Initiative, printed: dt.date) -> None:
    """Every number of the status sheet, one row per measure and data column."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(list(DATA_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in sheet.rows:
        for k, column in enumerate(sheet.data_columns):
            cell = row.cells[k] if k < len(row.cells) else None
            met = row.met(k, column.month)
            ws.append([
                row.id,
                row.label,
                column.label,
                column.month,
                None if cell is None else cell.count,
                None if cell is None else cell.denominator,
                None if cell is None or row.unit not in (SHARE, RATIO) else cell.share,
                None if cell is None else cell.cumulative,
                row.goal_for(column.month),
                None if met is None else ("ja" if met else "nej"),
                row.note or "ok",
            ])
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=7).number_format = "0.0000%"
    widths = (22, 44, 18, 9, 9, 9, 10, 8, 14, 8, 24)
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(DATA_HEADERS))}{ws.max_row}"
    ws.print_title_rows = "1:1"
    _page(ws, initiative, sheet, printed)


def export_status(project: Project, last: Month, path: str | Path, today: dt.date | None = None) -> tuple[Path, StatusSheet]:
    """The project's status sheet up to ``last`` written to ``path`` (the command line and the
    page's button). ``today``: step-up meetings after it are not counted (default: today, at
    most the initiative's last day)."""
    initiative = project.initiative
    today = today or min(dt.date.today(), initiative.end)
    sheet = StatusSheetRepository(project).sheet(last, today)
    return write_status_workbook(path, sheet, initiative), sheet


def summary(path: Path, sheet: StatusSheet, initiative: Initiative) -> str:
    """The command line's one line after writing."""
    months = len(sheet.data_columns) - 1
    return (
        f"Skrev {path}: statusskema for {initiative.name}, "
        f"{month_label(f'{initiative.start:%Y-%m}')} – {month_label(str(sheet.last))} "
        f"({number(len(sheet.rows))} mål, {number(months)} måneder), resultatkrav og data."
    )

