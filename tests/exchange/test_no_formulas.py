"""No formulas from data in any export: a name, a note, a project name, a municipality, a staff
name, a measure's name or id from a user's template that looks like a formula (``=cmd|…``,
``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a leading tab or carriage return) is written as the text
it is. Each export is read back with openpyxl (no cell is a formula, the value is as typed) and
its sheet XML is searched for a formula element; the CSV of ``measures`` gets OWASP's apostrophe."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from fsm_desktop.domain.imports import RejectedRow
from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.model import Citizen, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template, parse_template
from fsm_desktop.exchange import measures_output
from fsm_desktop.exchange.table_export import export_register, write_table
from fsm_desktop.exchange.template import export_template, write_error_report
from fsm_desktop.exchange.text_cells import all_text_as_text, csv_line, csv_text
from fsm_desktop.operations.status import export_status
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository

DANGEROUS = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)


def stored(value: str) -> str:
    """The value as a spreadsheet file can give it back: XML reads a carriage return in text as
    a line feed (Excel does the same), so "\\r=1" comes back as "\\n=1" — still text."""
    return value.replace("\r", "\n")


def formula_elements(path) -> dict[str, int]:
    """The <f> elements of each sheet of the file (none of the exports writes a formula)."""
    found = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                count = len(re.findall(rb"<(?:\w+:)?f[ >/]", archive.read(name)))
                if count:
                    found[name] = count
    return found


def text_cells(path) -> dict[object, object]:
    """Every cell holding text, by its value (the first one with that value)."""
    cells = {}
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells.setdefault(cell.value, cell)
    return cells


def assert_no_formulas(path, values=DANGEROUS) -> dict:
    assert formula_elements(path) == {}
    cells = text_cells(path)
    for value in values:
        cell = cells.get(stored(value))
        assert cell is not None, f"{value!r} is not in the file as typed"
        assert cell.data_type == "s", (value, cell.data_type)
        assert cell.quotePrefix, f"{value!r}: Excel must keep it text when the cell is edited"
    assert all(cell.data_type != "f" for cell in cells.values())
    return cells


# --- the helpers --------------------------------------------------------------------------------


def test_only_text_is_changed_numbers_and_dates_stay(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.append(["=1+1", -5, -2.5, dt.date(2021, 3, 4), "navn", None, "-", True])
    all_text_as_text(workbook)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    assert formula_elements(path) == {}
    row = [(c.value, c.data_type) for c in load_workbook(path).active[1]]
    assert row[:3] == [("=1+1", "s"), (-5, "n"), (-2.5, "n")]
    assert row[3][0] == dt.datetime(2021, 3, 4) and row[3][1] in ("n", "d")  # a date, as a date
    assert (
        row[4] == ("navn", "s")
        and row[5][0] is None
        and row[6] == ("-", "s")
        and row[7] == (True, "b")
    )
    ws2 = load_workbook(path).active
    assert ws2["A1"].quotePrefix and ws2["G1"].quotePrefix and not ws2["E1"].quotePrefix


def test_csv_text_follows_owasp():
    assert [csv_text(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert csv_text("Løntimer") == "Løntimer"
    assert csv_text(-1) == -1 and csv_text(2.5) == 2.5 and csv_text(None) is None
    assert csv_text("") == ""
    assert csv_line(["a", None, -1, 0.5, "=1", "x\ry", 'q"']) == 'a,,-1,0.5,\'=1,"x\ry","q"""\n'


# --- every export ---------------------------------------------------------------------------------


def test_the_register_export(project, tmp_path):
    rows = [[value, "010170-xxxx", -3, 12.5, dt.date(2021, 10, 29), value] for value in DANGEROUS]
    path = export_register(
        project,
        tmp_path / "borgere.xlsx",
        "Borgere",
        ["Navn", "CPR", "Tal", "Timer", "Dato", "Note"],
        rows,
        'Borgere – =HYPERLINK("http://x","y")',
    )
    assert_no_formulas(path)
    ws = load_workbook(path).active
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    assert [r[0] for r in data] == [stored(v) for v in DANGEROUS]
    assert data[0][2:4] == [-3, 12.5], "numbers stay numbers, a negative one too"
    assert data[0][4].date() == dt.date(2021, 10, 29)


def test_a_table_without_a_title_and_names_only(tmp_path):
    path = write_table(tmp_path / "t.xlsx", "Ark", ["Navn"], [[v] for v in DANGEROUS])
    assert_no_formulas(path)


@pytest.mark.parametrize("value", DANGEROUS)
def test_the_status_sheet_with_a_dangerous_project_name_municipality_and_measure_names(
    tmp_path, template_data, value
):
    for measure in template_data["measures"]:
        measure["name"] = value + " " + measure["name"]
        for threshold in measure["thresholds"]:
            threshold["label"] = value
    template = parse_template(template_data)
    with Project.create(
        tmp_path / "p.fsm", template, name=value, municipality=value, grant_amount=1_000_000
    ) as project:
        CitizenRepository(project).add(Citizen(cpr="0101701234", name=value, group=1))
        path, _sheet = export_status(
            project,
            Month.of(project.initiative.start),
            tmp_path / "status.xlsx",
            today=project.initiative.start,
        )
    assert formula_elements(path) == {}
    workbook = load_workbook(path)
    texts = [
        cell
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert all(cell.data_type == "s" for cell in texts)
    for sheet in ("Statusskema", "Resultatkrav"):
        title = workbook[sheet]["A2"]
        assert title.value.startswith(f"{stored(value)} · {stored(value)}"), title.value
        assert title.data_type == "s" and title.quotePrefix
    names = [c for c in texts if c.value.startswith(stored(value) + " ")]
    assert names and all(c.quotePrefix for c in names), "the measures' names from the template"
    labels = [c for c in texts if c.value == stored(value)]
    assert labels and all(c.quotePrefix for c in labels), "the payout rules' labels"


def _project_with_dangerous_rows(project: Project) -> None:
    citizens = CitizenRepository(project)
    staff = StaffRepository(project)
    for i, value in enumerate(DANGEROUS):
        citizen = Citizen(cpr=f"01017012{i:02d}", name=value, group=1)
        citizens.add(citizen)
        with project.db.atomic():
            project.db["period"].insert(
                {
                    "id": new_id(),
                    "citizen_id": citizen.id,
                    "kind": "virksomhedspraktik",
                    "start": "2021-10-01",
                    "end": None,
                    "note": value,
                }
            )
        staff.add(Staff(initials=f"A{chr(65 + i)}", name=value, role=StaffRole.JOB_BROKER))


def test_the_template_with_the_projects_data(project, tmp_path):
    _project_with_dangerous_rows(project)
    path = export_template(project, tmp_path / "eksport.xlsx")
    assert_no_formulas(path)
    workbook = load_workbook(path)
    names = [c.value for c in workbook["Borgere"]["B"][1:]]
    assert sorted(names) == sorted(stored(v) for v in DANGEROUS)
    notes = [row[-1] for row in workbook["Forløb"].iter_rows(min_row=2, values_only=True)]
    assert sorted(notes) == sorted(stored(v) for v in DANGEROUS)
    staff = [row[1] for row in workbook["Medarbejdere"].iter_rows(min_row=2, values_only=True)]
    assert sorted(staff) == sorted(stored(v) for v in DANGEROUS)
    hours = workbook["Borgere"].cell(row=2, column=1)
    assert hours.data_type == "s" and not hours.quotePrefix  # a CPR number: text, nothing else


def test_the_error_report_of_an_import(tmp_path):
    rejected = [
        RejectedRow("Borgere", i + 2, ["cpr", "navn", "note"], (value, value, -1), [value])
        for i, value in enumerate(DANGEROUS)
    ]
    path = write_error_report(tmp_path / "fejl.xlsx", rejected)
    assert_no_formulas(path)
    rows = list(load_workbook(path)["Borgere"].iter_rows(min_row=2, values_only=True))
    assert [r[2:] for r in rows] == [(stored(v), stored(v), -1) for v in DANGEROUS]


def test_the_measures_csv_of_the_command_line():
    spec = builtin_template("fsm2").measures[0]
    results = [
        SimpleNamespace(
            measure=value,
            spec=dataclasses.replace(spec, id=value),
            period_start=Month(2021, 1),
            period_end=Month(2021, 1),
            numerator=-1,
            denominator=4,
            share=-0.25,
            threshold=0.15,
            met=False,
            thresholds=(),
            no_data=False,
        )
        for value in DANGEROUS
    ]
    text = measures_output.render(SimpleNamespace(results=results), "csv")
    assert (
        text.splitlines()[0]
        == "measure,period_start,period_end,numerator,denominator,share,threshold,met"
    )
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # One row each: the carriage return is inside a quoted field, not the end of a row whose
    # next one would start "=1".
    assert [r["measure"] for r in rows] == ["'" + v for v in DANGEROUS]
    assert '"\'\r=1"' in text
    assert {(r["numerator"], r["share"]) for r in rows} == {("-1", "-0.25")}, (
        "numbers are left alone"
    )
