"""exchange.status_export: the workbook opened again with openpyxl holds exactly the numbers of
the status sheet and of the measures engine (computed here independently, as the Mål page and
`fsm-desktop measures` do), for all four initiatives; it is set up for printing; and, when
LibreOffice is installed, it converts to PDF without a repair."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from fsm_desktop.domain.measures import Month, compute
from fsm_desktop.domain.status_sheet import COUNT, EXEMPT_225, MARK, OK, STEPUP
from fsm_desktop.exchange.status_export import (
    DATA_HEADERS,
    FIRST_COLUMN,
    HEADER_ROW,
    summary,
    write_status_workbook,
)
from fsm_desktop.operations.status import export_status, status_sheet
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.project import Project

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    """One small demo project per initiative (read only here)."""
    folder = tmp_path_factory.mktemp("demos")
    paths = {}
    for program in ("fsm2", "frontrunner", "bir", "hir"):
        paths[program] = folder / f"{program}.fsm"
        write_demo(paths[program], program=program, citizens=120, seed=3)
    return paths


def _export(path, tmp_path, last: Month | None = None):
    with Project.open(path) as project:
        last = last or Month.of(project.initiative.end)
        today = min(TODAY, project.initiative.end)
        sheet = status_sheet(project, last, today)
        out = write_status_workbook(tmp_path / "status.xlsx", sheet, project.initiative, TODAY)
        report = compute(
            project.template, load_facts(project), Month.of(project.initiative.start), last
        )
        return out, sheet, report, project.initiative


@pytest.mark.parametrize("program", ["fsm2", "frontrunner", "bir", "hir"])
def test_every_number_equals_the_sheet_and_the_engine(demos, tmp_path, program):
    out, sheet, report, _initiative = _export(demos[program], tmp_path)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Statusskema", "Resultatkrav", "Data"]

    # Statusskema: two lines per measure (the count, then the share / running total / ratio).
    ws = workbook["Statusskema"]
    headings = [
        ws.cell(row=HEADER_ROW, column=FIRST_COLUMN + j).value for j in range(len(sheet.columns))
    ]
    assert headings == [c.label.replace("0-punkt ", "0-punkt\n") for c in sheet.columns]
    data_count = len(sheet.data_columns)
    checked = 0
    for i, row in enumerate(sheet.rows):
        r = HEADER_ROW + 1 + 2 * i
        assert ws.cell(row=r, column=1).value == row.label
        for k, cell in enumerate(row.cells):
            top = ws.cell(row=r, column=FIRST_COLUMN + k)
            bottom = ws.cell(row=r + 1, column=FIRST_COLUMN + k)
            if row.availability != OK:
                continue
            if cell is None:
                assert top.value is None and bottom.value is None
            elif row.unit == MARK:
                assert top.value == ("x" if cell.count else None)
            else:
                assert top.value == cell.count
                expected = cell.cumulative if row.unit == COUNT else cell.share
                # Counts exactly; shares to Excel's 15 significant digits (openpyxl writes floats so).
                assert bottom.value == (
                    expected if expected is None else pytest.approx(expected, rel=1e-14)
                ), (row.id, k)
                checked += 1
        if row.availability != OK:
            assert ws.cell(row=r, column=FIRST_COLUMN).value == row.note
        for g, column in enumerate(sheet.goal_columns):
            j = FIRST_COLUMN + data_count + g
            values = [ws.cell(row=r, column=j).value, ws.cell(row=r + 1, column=j).value]
            target = row.goals.get(column.month)
            assert (target in values) if target is not None else values == [None, None]
    assert checked > 0

    # Resultatkrav: every period of every measure, as the engine counts it.
    ws = workbook["Resultatkrav"]
    values = {}
    for row in ws.iter_rows(min_row=HEADER_ROW, values_only=True):
        values.setdefault(row[0], []).append(row[1:4])
    assert report.results
    for result in report.results:
        numerator, denominator, share = values[result.label].pop(0)
        assert (numerator, denominator) == (result.numerator, result.denominator)
        assert share == (None if result.share is None else pytest.approx(result.share, rel=1e-14))
    assert len(ws._charts) == len(project_measures := {r.spec.id for r in report.results})
    for chart, spec_id in zip(ws._charts, dict.fromkeys(r.spec.id for r in report.results)):
        spec = next(r.spec for r in report.results if r.spec.id == spec_id)
        assert len(chart.series) == 1 + len(
            spec.thresholds
        )  # the measure and one line per threshold
    assert project_measures

    # Data: per measure a line for each number, one column per sheet column.
    ws = workbook["Data"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == DATA_HEADERS == ("Mål", "Tal")
    assert len(rows[0]) == 2 + len(sheet.columns)
    lines = {(line[0], line[1]): line[2:] for line in rows[1:]}
    approx = lambda v: v if v is None or isinstance(v, int) else pytest.approx(v, rel=1e-14)  # noqa: E731
    for row in sheet.rows:
        if row.availability != OK:
            assert (row.label, row.note) in lines
            continue
        if row.unit == MARK:
            assert list(lines[(row.label, "møde")][:data_count]) == [
                None if c is None else c.count for c in row.cells
            ]
            continue
        assert list(lines[(row.label, "antal")][:data_count]) == [
            None if c is None else c.count for c in row.cells
        ]
        if row.unit == COUNT:
            expected = {"i alt": [None if c is None else c.cumulative for c in row.cells]}
        else:
            expected = {
                "nævner": [None if c is None else approx(c.denominator) for c in row.cells],
                ("andel" if row.unit == "share" else "pr. fuldtid"): [
                    None if c is None else approx(c.share) for c in row.cells
                ],
            }
        for what, values in expected.items():
            assert list(lines[(row.label, what)][:data_count]) == values, (row.id, what)
        last = lines[(row.label, list(expected)[-1])]
        assert [last[data_count + g] for g in range(len(sheet.goal_columns))] == [
            row.goals.get(c.month) for c in sheet.goal_columns
        ]


def test_printing_and_colours(demos, tmp_path):
    out, sheet, _, initiative = _export(demos["fsm2"], tmp_path, Month(2020, 10))
    ws = load_workbook(out)["Statusskema"]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    # A fixed scale (a fitted sheet shrinks to unreadable), the months split by manual breaks.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) == 85
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$4:$4" and ws.print_title_cols == "$A:$B"
    assert ws.oddHeader.left.text == initiative.name
    assert ws.oddHeader.center.text == initiative.municipality
    assert "okt. 2020" in ws.oddHeader.right.text and "01.12.2026" in ws.oddHeader.right.text
    # Every compared cell: filled and marked by whether its goal is met.
    seen = set()
    for i, row in enumerate(sheet.rows):
        r = HEADER_ROW + 2 + 2 * i
        for k, column in enumerate(sheet.data_columns):
            met = row.met(k, column.month)
            cell = ws.cell(row=r, column=FIRST_COLUMN + k)
            if met is None:
                assert not cell.number_format.startswith(('"✓', '"✗'))
                continue
            seen.add(met)
            assert cell.fill.fgColor.rgb.endswith("C6EFCE" if met else "FFC7CE")
            assert cell.number_format.startswith('"✓ "' if met else '"✗ "')
            if row.unit == "share":
                assert cell.number_format.endswith("0.0%")
    assert seen == {True, False}


def test_headers_name_the_initiative_and_goals_sit_beside_what_they_judge(demos, tmp_path):
    with Project.open(demos["fsm2"]) as project:
        sheet = status_sheet(project, Month(2020, 10), dt.date(2020, 10, 31))
        team = dataclasses.replace(project.initiative, name="Team Nord")
        out = write_status_workbook(
            tmp_path / "s.xlsx", sheet, team, TODAY, program_name="Flere skal med 2"
        )
    workbook = load_workbook(out)
    ws = workbook["Statusskema"]
    # A project named by the team still says which initiative it is.
    assert ws.oddHeader.left.text == "Team Nord (Flere skal med 2)"
    assert "Team Nord (Flere skal med 2)" in ws["A2"].value
    # Step-up's goals (10 and 20, cumulative) beside the running total ("i alt"), not the month.
    i = next(i for i, row in enumerate(sheet.rows) if row.id == STEPUP)
    first_line, total_line = HEADER_ROW + 1 + 2 * i, HEADER_ROW + 2 + 2 * i
    goal_columns = range(FIRST_COLUMN + len(sheet.data_columns), FIRST_COLUMN + len(sheet.columns))
    assert ws.cell(row=total_line, column=2).value == "i alt"
    assert [ws.cell(row=total_line, column=j).value for j in goal_columns] == [10, 20]
    assert [ws.cell(row=first_line, column=j).value for j in goal_columns] == [None, None]
    # Data: a row without data keeps its share goals as percentages.
    data = workbook["Data"]
    label = sheet.row(EXEMPT_225).label
    line = next(r for r in data.iter_rows(min_row=2) if r[0].value == label)
    goals = [
        cell
        for cell in line[len(DATA_HEADERS) + len(sheet.data_columns) :]
        if cell.value is not None
    ]
    assert [g.value for g in goals] == [0.25, 0.25] and all(
        g.number_format.endswith("%") for g in goals
    )


def test_export_status_and_summary(demos, tmp_path):
    with Project.open(demos["bir"]) as project:
        path, sheet = export_status(
            project, Month(2020, 6), tmp_path / "bir.xlsx", dt.date(2020, 6, 30)
        )
        line = summary(path, sheet, project.initiative)
    assert path.exists()
    assert line.startswith(f"Skrev {path}: statusskema for ")
    assert "dec. 2019 – jun. 2020" in line and "7 måneder" in line


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbook_without_repair(demos, tmp_path):
    out, *_ = _export(demos["fsm2"], tmp_path)
    result = subprocess.run(
        [
            "libreoffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "status.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert "repair" not in (result.stdout + result.stderr).lower()


# --- printed as the recipient prints it --------------------------------------------------------

#: Paper sizes (Excel's paperSize codes) in points, short side × long side.
PAPER = {9: (595.28, 841.89), 8: (841.89, 1190.55)}  # A4, A3
#: A column width unit printed: a digit of Calibri 11, the workbook's default font (5.6 pt in
#: LibreOffice, which draws it wider than Excel's 5.25 pt).
POINTS_PER_WIDTH = 5.6
DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_FONT = 9.140625, 15.0, 11.0
EMU_PER_POINT = 12700


def _span(spec: str | None) -> tuple[int, int] | None:
    """ "$A:$B" → (1, 2); "$4:$4" → (4, 4)."""
    from openpyxl.utils import column_index_from_string

    if not spec:
        return None
    first, last = (part.strip("$") for part in spec.split(":"))
    if first.isdigit():
        return int(first), int(last)
    return column_index_from_string(first), column_index_from_string(last)


def _printing(ws) -> dict:
    """How ``ws`` prints: the scale, the pages across and down, and the smallest text in points
    as printed, computed from the paper, the margins, the column widths and row heights, the
    fonts and the fit or scale settings. Asserts that every page's columns and rows fit on the
    paper at that scale (else the program would break the page somewhere of its own choosing)."""
    from openpyxl.utils import get_column_letter, range_boundaries

    setup, margins = ws.page_setup, ws.page_margins
    short, long = PAPER[int(setup.paperSize)]
    paper_w, paper_h = (long, short) if setup.orientation == "landscape" else (short, long)
    printable_w = paper_w - (margins.left + margins.right) * 72
    printable_h = paper_h - (margins.top + margins.bottom) * 72
    if ws.print_area:
        min_col, min_row, max_col, max_row = range_boundaries(
            ws.print_area.split("!")[-1].replace("$", "")
        )
    else:
        min_col, min_row, max_col, max_row = 1, 1, ws.max_column, ws.max_row

    def width(j: int) -> float:
        w = ws.column_dimensions[get_column_letter(j)].width
        return (w if w else DEFAULT_WIDTH) * POINTS_PER_WIDTH

    def height(r: int) -> float:
        h = ws.row_dimensions[r].height
        return h if h else DEFAULT_HEIGHT

    right = sum(width(j) for j in range(min_col, max_col + 1))
    for chart in ws._charts:  # a chart beside the table widens what is printed
        corner = chart.anchor._from
        left = sum(width(j) for j in range(min_col, corner.col + 1))
        right = max(right, left + chart.anchor.ext.cx / EMU_PER_POINT)
    title_cols = _span(ws.print_title_cols)
    title_rows = _span(ws.print_title_rows)
    title_w = sum(width(j) for j in range(title_cols[0], title_cols[1] + 1)) if title_cols else 0
    title_h = sum(height(r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        scale = min(1.0, (setup.fitToWidth or 1) * printable_w / right)
        if setup.fitToHeight:
            total_h = sum(height(r) for r in range(min_row, max_row + 1))
            scale = min(scale, setup.fitToHeight * printable_h / total_h)
        across = setup.fitToWidth or 1
        down = None
    else:
        scale = (setup.scale or 100) / 100
        # Columns: the pages between the manual breaks, each with the repeated row titles.
        breaks = [b.id for b in ws.col_breaks.brk] + [max_col]
        start = min_col
        for n, end in enumerate(breaks):
            page = sum(width(j) for j in range(start, end + 1))
            if n == len(breaks) - 1:  # a chart beside the table is on the last page
                page = right - sum(width(j) for j in range(min_col, start))
            if start > min_col:
                page += title_w
            assert page <= printable_w / scale, (ws.title, start, end, page, printable_w / scale)
            start = end + 1
        across = len(breaks)
        breaks = [b.id for b in ws.row_breaks.brk] + [max_row]
        start = min_row
        for end in breaks:
            page = sum(height(r) for r in range(start, end + 1))
            if start > min_row:
                page += title_h
            assert page <= printable_h / scale, (ws.title, start, end, page, printable_h / scale)
            start = end + 1
        down = len(breaks)
    sizes = [
        cell.font.sz or DEFAULT_FONT
        for row in ws.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col)
        for cell in row
        if cell.value is not None
    ]
    sizes += [10.0] * len(ws._charts)  # a chart's text: 10 pt unless told otherwise
    head = [
        part.size or DEFAULT_FONT
        for hf in (ws.oddHeader, ws.oddFooter)
        for part in (hf.left, hf.center, hf.right)
        if part.text
    ]
    scale_head = ws.HeaderFooter.scaleWithDoc is not False
    printed = min([s * scale for s in sizes] + [s * (scale if scale_head else 1) for s in head])
    return {"scale": scale, "across": across, "down": down, "smallest": printed}


@pytest.mark.parametrize("program", ["fsm2", "frontrunner", "bir", "hir"])
def test_every_sheet_prints_at_least_8_pt(demos, tmp_path, program):
    """The whole initiative (FSM2: 0-punkt and 24 months) printed as set up in the file: no text
    smaller than 8 pt on paper, the row titles and the headings on every page."""
    out, *_ = _export(demos[program], tmp_path)
    workbook = load_workbook(out)
    for name in ("Statusskema", "Resultatkrav", "Data"):
        ws = workbook[name]
        printing = _printing(ws)
        assert printing["smallest"] >= 8, (name, printing)
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        if printing["across"] > 1:
            assert ws.print_title_cols and ws.print_title_rows, name
    status = workbook["Statusskema"]
    assert status.print_title_cols == "$A:$B" and status.print_title_rows == "$4:$4"
    assert status.oddFooter.right.text == "Side &P af &N"


def test_data_sheet_has_danish_headings_dates_and_percentages(demos, tmp_path):
    out, sheet, _, _ = _export(demos["fsm2"], tmp_path, Month(2020, 10))
    ws = load_workbook(out)["Data"]
    heading = list(ws[1])
    assert [c.value for c in heading[:2]] == ["Mål", "Tal"]
    # No keys of the program (snake_case, English) anywhere a reader looks.
    titles = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert set(titles) == {row.label for row in sheet.rows}
    # The columns' headings are real dates, shown as Danish dates and months.
    baseline, *months = heading[2 : 2 + len(sheet.data_columns)]
    goals = heading[2 + len(sheet.data_columns) :]
    assert baseline.value == dt.datetime(2019, 11, 1) and baseline.number_format.endswith(
        "dd-mm-yyyy"
    )
    assert [(m.value.year, m.value.month) for m in months] == [
        (int(c.month[:4]), int(c.month[5:])) for c in sheet.data_columns[1:]
    ]
    assert all(m.number_format == "[$-406]mmm yyyy" for m in months)
    assert [g.value for g in goals] == [dt.datetime(2020, 10, 1), dt.datetime(2021, 10, 1)]
    assert all(g.number_format == '[$-406]"Mål "mmm yyyy' for g in goals)
    # A share is a number, shown as a percentage with one decimal ("12,5 %" in Danish).
    shares = [
        cell
        for line in ws.iter_rows(min_row=2)
        if line[1].value == "andel"
        for cell in line[2:]
        if isinstance(cell.value, float)
    ]
    assert shares and all(c.number_format == "0.0 %" for c in shares)


def _payout_rows(out) -> list[tuple]:
    rows = list(load_workbook(out)["Resultatkrav"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Udbetalingsregel")
    assert rows[start][5] == "Beløb"
    return [(*r, None)[:7] for r in rows[start + 1 :] if r[1] in ("ja", "nej")]


def test_payout_says_ikke_udlost_where_money_was_not_released(demos, tmp_path):
    # The whole initiative (the demo's grant is entered): a rule not met is lost.
    out, *_ = _export(demos["frontrunner"], tmp_path)
    payouts = _payout_rows(out)
    assert {p[1] for p in payouts} == {"ja", "nej"}, payouts
    for rule, met, *_, amount, note in payouts:
        if met == "ja":
            assert isinstance(amount, (int, float)) and amount > 0, rule
        else:  # never a bare amount on a "nej" row
            assert amount == "ikke udløst", rule
        assert note is None
    # Half way: still within reach; what is at stake is said in words beside it.
    out, *_ = _export(demos["fsm2"], tmp_path, Month(2020, 10))
    payouts = _payout_rows(out)
    assert "nej" in {p[1] for p in payouts}, payouts
    for _rule, met, *_, amount, note in payouts:
        if met == "nej":
            assert amount == "ikke udløst"
            assert note.endswith(" kr. i spil, til indsatsen slutter"), note


def test_every_printed_page_names_the_program_and_its_version(demos, tmp_path):
    """The footer's middle says which version wrote the sheet (pyproject.toml's number)."""
    from version_helpers import pyproject_version

    out, *_ = _export(demos["fsm2"], tmp_path)
    workbook = load_workbook(out)
    for ws in workbook.worksheets:
        for footer in (ws.oddFooter, ws.evenFooter):
            assert footer.center.text == f"FSM Desktop {pyproject_version()}", ws.title
            assert footer.right.text == "Side &P af &N"
