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
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
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
