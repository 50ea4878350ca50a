"""`fsm-desktop export`, run as a user runs it: in a subprocess, on a small demo project."""

from __future__ import annotations

import pytest
from cli_run import isolated_env, run
from openpyxl import load_workbook

from fsm_desktop.storage.demo import write_demo


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return isolated_env(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("demo") / "demo.fsm"
    write_demo(path, program="fsm2", citizens=80, seed=2)
    return str(path)


def test_writes_the_workbook_with_one_line(env, demo, tmp_path):
    out = tmp_path / "status.xlsx"
    result = run(env, "export", "--db", demo, "--month", "2020-10", "--out", out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"Skrev {out}: statusskema for Flere skal med 2 (demo), nov. 2019 – okt. 2020 (17 mål, 12 måneder), "
        "resultatkrav og data."
    ]
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["Statusskema", "Resultatkrav", "Data"]
    assert workbook["Statusskema"].cell(row=4, column=3 + 12).value == "okt. 2020"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--month", "2022-01"],
            "fsm-desktop: Måneden 2022-01 ligger uden for indsatsens periode (2019-11 – 2021-10).",
        ),
        (
            ["--month", "2019-10"],
            "fsm-desktop: Måneden 2019-10 ligger uden for indsatsens periode (2019-11 – 2021-10).",
        ),
        (["--month", "okt-20"], "fsm-desktop: fejl: --month: »okt-20« er ikke en måned (ÅÅÅÅ-MM)"),
        (
            ["--month", "2020-10", "--out", "status.csv"],
            "fsm-desktop: fejl: --out skal være en Excel-fil (.xlsx), ikke »status.csv«",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_danish_line(env, demo, tmp_path, args, message):
    out = tmp_path / "status.xlsx"
    if "--out" not in args:
        args = [*args, "--out", out]
    result = run(env, "export", "--db", demo, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [message]
    assert not out.exists()


def test_missing_files_and_folders(env, demo, tmp_path):
    result = run(env, "export", "--db", tmp_path / "findes-ikke.fsm", "--out", tmp_path / "x.xlsx")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "findes ikke" in result.stderr
    result = run(env, "export", "--db", demo, "--out", tmp_path / "mappe" / "x.xlsx")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"fsm-desktop: fejl: --out: mappen {tmp_path / 'mappe'} findes ikke"
    ]
    result = run(env, "export", "--out", tmp_path / "x.xlsx")
    assert (result.returncode, result.stderr.splitlines()) == (
        2,
        ["fsm-desktop: fejl: mangler: --db"],
    )
    assert "Traceback" not in result.stderr
    # A folder where the file should go: the reason in Danish, the folder untouched.
    folder = tmp_path / "status.xlsx"
    folder.mkdir()
    result = run(env, "export", "--db", demo, "--month", "2020-10", "--out", folder)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"fsm-desktop: Filen {folder} kunne ikke gemmes (er den åben i Excel?): der er en mappe med det navn."
    ]
    assert folder.is_dir() and not any(folder.iterdir())
