"""`fsm-desktop measures`, run as a user runs it: in a subprocess, on small project files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

import pytest
from cli_run import isolated_env, run

from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import BUILTIN, builtin_template
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository

MEASURE = "fsm2.paid_hours_or_education"
CSV_HEADER = "measure,period_start,period_end,numerator,denominator,share,threshold,met"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """An environment whose settings and data folders are inside a temporary folder."""
    return isolated_env(tmp_path_factory.mktemp("home"))


def measures(env, *args, timeout=120):
    return run(env, "measures", *args, timeout=timeout)


def _add(
    project: Project, n: int, name: str, group: int | None, entry: str, *, periods=(), hours=None
) -> None:
    person = Citizen(
        cpr=f"0101{70 + n:02d}{n:04d}",
        name=name,
        group=group,
        entry_date=dt.date.fromisoformat(entry),
    )
    CitizenRepository(project).add(person)
    with project.db.atomic():
        for kind, start, end in periods:
            project.db["period"].insert(
                {
                    "id": str(uuid.uuid4()),
                    "citizen_id": person.id,
                    "kind": kind,
                    "start": start,
                    "end": end,
                    "note": "",
                }
            )
        for month, value in (hours or {}).items():
            project.db["paid_hours"].insert(
                {"citizen_id": person.id, "month": month, "hours": value}
            )


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    """An FSM2 project with six citizens, counted by hand in the tests below."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.fsm"
    project = Project.create(
        path, builtin_template("fsm2"), municipality="Testkommune", grant_amount=1_000_000
    )
    try:
        _add(project, 1, "Anna", 1, "2019-12-01", hours={"2020-01": 10.0, "2020-03": 0.0})
        _add(
            project,
            2,
            "Bent",
            1,
            "2019-12-01",
            periods=[("uddannelse_su", "2020-01-15", "2020-02-10")],
        )
        _add(
            project,
            3,
            "Carl",
            1,
            "2019-12-01",
            periods=[("loentilskud", "2020-01-01", "2020-03-31")],
        )
        _add(
            project,
            4,
            "Dina",
            1,
            "2019-12-01",
            periods=[("fritagelse", "2020-02-01", "2020-02-29")],
        )
        _add(project, 5, "Erik", 2, "2019-12-01", hours={"2020-01": 10.0})
        _add(project, 6, "Frida", 1, "2020-02-15")
    finally:
        project.close()
    return str(path)


# Hand count for January–March 2020 (group 1 = Anna, Bent, Carl, Dina, Frida; Erik is group 2):
#   Jan: denominator Anna Bent Carl Dina = 4 (Frida enters 15 Feb); numerator Anna (10 paid
#        hours) + Bent (education from 15 Jan) = 2 → 0.5 ≥ 0.15, met. Carl's løntilskud does not count.
#   Feb: denominator Anna Bent Carl Frida = 4 (Dina exempt all February); numerator Bent (until
#        10 Feb) = 1 → 0.25, met.
#   Mar: denominator Anna Bent Carl Dina Frida = 5; numerator 0 (Anna's March has 0 hours) → 0.0,
#        not met.
EXPECTED = [
    ("2020-01", 2, 4, 0.5, True),
    ("2020-02", 1, 4, 0.25, True),
    ("2020-03", 0, 5, 0.0, False),
]


def test_json_fields_against_a_hand_count(env, tiny):
    result = measures(env, "--db", tiny, "--from", "2020-01", "--to", "2020-03", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [
        (r["period_start"], r["numerator"], r["denominator"], r["share"], r["met"]) for r in rows
    ] == EXPECTED
    for row in rows:
        assert row["measure"] == MEASURE
        assert row["period_end"] == row["period_start"]  # a month
        assert row["threshold"] == 0.15  # the lower of 15 % and 20 %: the one that decides "met"
        assert [(t["value"], t["met"]) for t in row["thresholds"]] == [
            (0.15, row["share"] >= 0.15),
            (0.20, row["share"] >= 0.20),
        ]


def test_share_is_null_when_the_denominator_is_0(env, tiny):
    # November 2019: everyone enters 1 December → no citizens, share null, not met.
    rows = json.loads(
        measures(
            env, "--db", tiny, "--from", "2019-11", "--to", "2019-11", "--format", "json"
        ).stdout
    )
    assert [
        (r["period_start"], r["period_end"], r["numerator"], r["denominator"], r["share"], r["met"])
        for r in rows
    ] == [("2019-11", "2019-11", 0, 0, None, False)]


def test_the_range_defaults_to_the_initiatives_period_and_from_to_restrict_it(env, tiny):
    everything = json.loads(measures(env, "--db", tiny, "--format", "json").stdout)
    # FSM2 runs November 2019 – October 2021: 24 months.
    assert next(r["period_start"] for r in everything) == "2019-11"
    assert [r["period_start"] for r in everything][-1] == "2021-10"
    assert len(everything) == 24
    only_february = json.loads(
        measures(
            env, "--db", tiny, "--from", "2020-02", "--to", "2020-02", "--format", "json"
        ).stdout
    )
    assert [(r["period_start"], r["numerator"], r["denominator"]) for r in only_february] == [
        ("2020-02", 1, 4)
    ]
    # --from alone: to the initiative's end.
    tail = json.loads(measures(env, "--db", tiny, "--from", "2021-09", "--format", "json").stdout)
    assert [r["period_start"] for r in tail] == ["2021-09", "2021-10"]


def test_csv_header_and_rows(env, tiny):
    result = measures(env, "--db", tiny, "--from", "2020-01", "--to", "2020-03", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["period_start"], r["numerator"], r["denominator"], r["met"]) for r in rows] == [
        ("2020-01", "2", "4", "true"),
        ("2020-02", "1", "4", "true"),
        ("2020-03", "0", "5", "false"),
    ]


def test_table_in_danish_with_the_payout_forecast(env, tiny):
    result = measures(env, "--db", tiny, "--from", "2020-01", "--to", "2020-03")
    assert result.returncode == 0, result.stderr
    for word in ("Periode", "Tæller", "Nævner", "Andel", "Udbetalingsprognose"):
        assert word in result.stdout
    # January: 50 %; the 15 % payout (40 % of 1,000,000 kr.) is met in January.
    assert "50,0 %" in result.stdout
    assert "400.000 kr." in result.stdout and "100.000 kr." in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2020-13"],
        ["--from", "januar"],
        ["--to", "2020"],
        ["--from", "2020-03", "--to", "2020-02"],  # --to before --from
        ["--format", "xml"],
        ["--from", "0001-01", "--to", "0001-06"],  # outside the initiative: nothing to count
        ["--from", "9999-10", "--to", "9999-12"],
        ["--to", "2022-01"],  # after FSM2's last month: a payout is met only in the project
        ["--from", "2019-10"],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(env, tiny, args):
    result = measures(env, "--db", tiny, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_month_outside_the_initiative_is_named(env, tiny):
    result = measures(env, "--db", tiny, "--to", "2022-01")
    assert result.stderr.splitlines() == [
        "fsm-desktop: Måneden 2022-01 ligger uden for indsatsens periode (2019-11 – 2021-10)."
    ]


def test_a_missing_project_file_is_exit_2(env, tmp_path):
    result = measures(env, "--db", str(tmp_path / "findes-ikke.fsm"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "findes ikke" in result.stderr
    assert not (tmp_path / "findes-ikke.fsm").exists()


@pytest.fixture(scope="module")
def demos(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("demos")
    return {
        key: str(write_demo(folder / f"{key}.fsm", program=key, citizens=60, seed=1).path)
        for key in BUILTIN
    }


@pytest.mark.parametrize("key", BUILTIN)
def test_every_builtin_demo_in_all_three_formats(env, demos, key):
    template = builtin_template(key)
    measure_ids = [spec.id for spec in template.measures]
    kinds = {spec.id: spec.kind for spec in template.measures}

    result = measures(env, "--db", demos[key], "--format", "json")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    rows = json.loads(result.stdout)
    assert sorted({r["measure"] for r in rows}) == sorted(measure_ids)
    for row in rows:
        assert (
            len(row["period_start"]) == len(row["period_end"]) == 7
            and row["period_start"] <= row["period_end"]
        )
        if row["denominator"] == 0:
            assert row["share"] is None
        elif kinds[row["measure"]] != "caseload":  # caseload: citizens per full-time caseworker
            assert 0 <= row["numerator"] <= row["denominator"] and 0 <= row["share"] <= 1

    result = measures(env, "--db", demos[key], "--format", "csv")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.splitlines()[0] == CSV_HEADER
    assert len(result.stdout.splitlines()) == len(rows) + 1

    result = measures(env, "--db", demos[key], "--format", "table")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "Periode" in result.stdout and "Tæller" in result.stdout and "Nævner" in result.stdout
    for measure_id in measure_ids:
        assert measure_id in result.stdout
