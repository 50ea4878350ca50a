"""No data before the first registration of a snapshot fact, in what the program writes: the
`measures` output (table, JSON, CSV; and `fsm-desktop measures` run as a user runs it) and the
status sheet's workbook (Statusskema, Resultatkrav, Data). docs/measures.md and
docs/status_sheet.md, "No data before the first registration"."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from fsm_desktop.domain.measures import CitizenFacts, Facts, Month, Span, compute
from fsm_desktop.domain.model import Citizen, Staff, StaffRole, new_id
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.status_sheet import CV, JOB_BROKER
from fsm_desktop.exchange.measures_output import render
from fsm_desktop.exchange.status_export import FIRST_COLUMN, HEADER_ROW, write_status_workbook
from fsm_desktop.operations.status import status_sheet
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository

D = dt.date
FRONTRUNNER = builtin_template("frontrunner")
BROKER_MEASURE = "frontrunner.job_broker"
PRINTED = D(2026, 12, 1)


def _people() -> Facts:
    """Group 1 from December 2018: A with the project's first broker from 10 March 2019, B
    without one, C with one from 1 May 2019."""

    def person(cid: str, *brokers: str) -> CitizenFacts:
        return CitizenFacts(
            cid,
            cid,
            1,
            D(2018, 12, 1),
            assignments=[Span("jobformidler", D.fromisoformat(b), None, "jf") for b in brokers],
        )

    return Facts([person("A", "2019-03-10"), person("B"), person("C", "2019-05-01")])


# --- exchange.measures_output ------------------------------------------------------------------------


def test_json_marks_a_period_without_data_and_keeps_its_counts():
    early = compute(FRONTRUNNER, _people(), Month(2018, 12), Month(2019, 2))
    rows = json.loads(render(early, "json"))
    broker = next(r for r in rows if r["measure"] == BROKER_MEASURE)
    # January–February 2019 ends before 10 March: 0 of 3 as counted, but no share and no verdict.
    assert (
        broker["period_start"],
        broker["period_end"],
        broker["numerator"],
        broker["denominator"],
    ) == ("2019-01", "2019-02", 0, 3)
    assert (broker["share"], broker["met"], broker["no_data"]) == (None, None, True)
    assert [t["met"] for t in broker["thresholds"]] == [None]
    # Counted as always from the first registration on: the key is left out.
    later = json.loads(
        render(compute(FRONTRUNNER, _people(), Month(2018, 12), Month(2019, 3)), "json")
    )
    broker = next(r for r in later if r["measure"] == BROKER_MEASURE)
    assert "no_data" not in broker
    assert (broker["numerator"], broker["denominator"], broker["met"]) == (1, 3, False)
    assert all("no_data" not in r for r in later)


def test_csv_leaves_share_and_met_empty_for_a_period_without_data():
    text = render(compute(FRONTRUNNER, _people(), Month(2018, 12), Month(2019, 2)), "csv")
    assert (
        text.splitlines()[0]
        == "measure,period_start,period_end,numerator,denominator,share,threshold,met"
    )
    (broker,) = [r for r in csv.DictReader(io.StringIO(text)) if r["measure"] == BROKER_MEASURE]
    assert (broker["numerator"], broker["denominator"], broker["share"], broker["met"]) == (
        "0",
        "3",
        "",
        "",
    )


def test_table_says_ingen_data_instead_of_the_share_and_why():
    text = render(
        compute(FRONTRUNNER, _people(), Month(2018, 12), Month(2019, 2), 1_000_000), "table", "Test"
    )
    line = next(line for line in text.splitlines() if line.startswith("2019-01 – 2019-02"))
    assert line.split() == ["2019-01", "–", "2019-02", "0", "3", "ingen", "data", "85,0", "%", "–"]
    assert "første registrering af en jobformidler (10.03.2019)" in text
    assert "ikke et »nej«" in text
    # The forecast: no period yet (not "missing 3 citizens").
    assert "- 85 % udløser 30 % af tilsagnet: ikke opfyldt endnu; beløb 300.000 kr.\n" in text


def _frontrunner_project(path) -> str:
    with Project.create(
        path, FRONTRUNNER, municipality="Testrup Kommune", grant_amount=1_000_000
    ) as project:
        jf = Staff("JF", "Jonna Formidler", StaffRole.JOB_BROKER)
        StaffRepository(project).add(jf)
        starts = {"Anna": "2019-03-10", "Bo": None, "Cai": "2019-05-01"}
        for n, (name, start) in enumerate(starts.items()):
            citizen = Citizen(
                cpr=f"0101{80 + n}1234", name=name, group=1, entry_date=D(2018, 12, 1)
            )
            CitizenRepository(project).add(citizen)
            if start:
                with project.db.atomic():
                    project.db["assignment"].insert(
                        {
                            "id": new_id(),
                            "citizen_id": citizen.id,
                            "staff_id": jf.id,
                            "role": "jobformidler",
                            "start": start,
                            "end": None,
                        }
                    )
    return str(path)


def test_the_command_line_json_shows_no_data(tmp_path):
    db = _frontrunner_project(tmp_path / "fr.fsm")
    env = dict(
        os.environ,
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )

    def measures(*args: str) -> list[dict]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "fsm_desktop",
                "measures",
                "--db",
                db,
                *args,
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0 and result.stderr == "", result.stderr
        return [r for r in json.loads(result.stdout) if r["measure"] == BROKER_MEASURE]

    (early,) = measures("--from", "2019-01", "--to", "2019-02")
    assert (
        early["numerator"],
        early["denominator"],
        early["share"],
        early["met"],
        early["no_data"],
    ) == (0, 3, None, None, True)
    (year,) = measures()
    assert "no_data" not in year
    assert (year["numerator"], year["denominator"], year["met"]) == (2, 3, False)


# --- exchange.status_export ------------------------------------------------------------------------------


@pytest.fixture
def fsm2_with_a_first_cv_in_march(tmp_path):
    """FSM2, two citizens of group 1 from 1 November 2019; the project's first CV entry is of 15
    March 2020 ("ja"), the second of 2 April."""
    path = tmp_path / "cv.fsm"
    with Project.create(path, builtin_template("fsm2"), municipality="Testrup Kommune") as project:
        people = [
            Citizen(cpr=f"0101{80 + n}1234", name=f"Borger {n}", group=1, entry_date=D(2019, 11, 1))
            for n in range(2)
        ]
        for citizen, day in zip(people, ("2020-03-15", "2020-04-02")):
            CitizenRepository(project).add(citizen)
            with project.db.atomic():
                project.db["status_entry"].insert(
                    {
                        "id": new_id(),
                        "citizen_id": citizen.id,
                        "kind": "cv_jobnet",
                        "date": day,
                        "value": "ja",
                    }
                )
    return path


def test_the_workbook_says_ingen_data_before_the_first_cv_and_never_0(
    fsm2_with_a_first_cv_in_march, tmp_path
):
    with Project.open(fsm2_with_a_first_cv_in_march) as project:
        sheet = status_sheet(project, Month(2020, 4), D(2020, 4, 30))
        out = write_status_workbook(tmp_path / "s.xlsx", sheet, project.initiative, PRINTED)
    row = sheet.row(CV)
    # Columns: 0-punkt, Nov, Dec, Jan, Feb, Mar, Apr (k = 0…6); no data before March.
    assert row.no_data_columns == frozenset(range(5))
    workbook = load_workbook(out)
    ws = workbook["Statusskema"]
    i = next(i for i, r in enumerate(sheet.rows) if r.id == CV)
    top, bottom = HEADER_ROW + 1 + 2 * i, HEADER_ROW + 2 + 2 * i
    feb, mar = FIRST_COLUMN + 4, FIRST_COLUMN + 5
    assert ws.cell(row=top, column=feb).value == "ingen data"
    assert ws.cell(row=bottom, column=feb).value is None
    assert any(
        str(rng)
        == f"{ws.cell(row=top, column=feb).coordinate}:{ws.cell(row=bottom, column=feb).coordinate}"
        for rng in ws.merged_cells.ranges
    )
    # Neutral: no green or red fill, no ✓/✗ mark.
    assert ws.cell(row=top, column=feb).fill.fill_type is None
    assert not ws.cell(row=bottom, column=feb).number_format.startswith(('"✓', '"✗'))
    assert [ws.cell(row=top, column=FIRST_COLUMN + k).value for k in range(5)] == ["ingen data"] * 5
    # March: 1 of 2 (A's "ja" of 15 March), as a number with its share.
    assert (ws.cell(row=top, column=mar).value, ws.cell(row=bottom, column=mar).value) == (1, 0.5)
    # Data: "ingen data" on the count's line, nothing on the others — never a 0.
    data = {
        (line[0], line[1]): line[2:9]
        for line in workbook["Data"].iter_rows(min_row=2, values_only=True)
    }
    assert list(data[(row.label, "antal")]) == ["ingen data"] * 5 + [1, 2]
    assert list(data[(row.label, "nævner")]) == [None] * 5 + [2, 2]
    assert list(data[(row.label, "andel")]) == [None] * 5 + [0.5, 1]


def test_the_workbooks_measures_sheet_leaves_the_share_empty_and_says_why(tmp_path):
    db = _frontrunner_project(tmp_path / "fr.fsm")
    with Project.open(db) as project:
        sheet = status_sheet(project, Month(2019, 2), D(2019, 2, 28))
        out = write_status_workbook(tmp_path / "fr.xlsx", sheet, project.initiative, PRINTED)
    workbook = load_workbook(out)
    ws = workbook["Resultatkrav"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "Periode")
    assert list(header[:6]) == [
        "Periode",
        "Tæller",
        "Nævner",
        "Andel",
        "Tærskel 85 %",
        "Bemærkning",
    ]
    period = next(r for r in rows if r[0] == "2019-01 – 2019-02")
    assert period[1:5] == (0, 3, None, 0.85)
    assert period[5].startswith(
        "Ingen data: perioden slutter før projektets første registrering af en jobformidler"
    )
    # The payout forecast has no best period and needs no one.
    payout = next(r for r in rows if r[0] == "85 % udløser 30 % af tilsagnet")
    assert payout[1:5] == ("nej", None, None, 0)
    # On the status sheet: the engine's row and the sheet's own job-broker row say so too.
    status = workbook["Statusskema"]
    for row_id in (BROKER_MEASURE, JOB_BROKER):
        i = next(i for i, r in enumerate(sheet.rows) if r.id == row_id)
        feb = status.cell(row=HEADER_ROW + 1 + 2 * i, column=FIRST_COLUMN + 3)
        assert feb.value == "ingen data", row_id
