"""fsm-desktop import / imports / template, run as a user runs them: in a subprocess."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run

from fsm_desktop.exchange.import_format import Mapping, SheetMapping


@pytest.fixture
def db(env, tmp_path):
    path = tmp_path / "p.fsm"
    assert run(env, "init", "--db", path, "--program", "fsm2", "--unencrypted").returncode == 0
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _csvs(tmp_path):
    staff = tmp_path / "medarbejdere.csv"
    staff.write_text(
        "initialer;navn;rolle;timer_pr_uge\nJF;Jonna;jobformidler;37\n", encoding="utf-8"
    )
    citizens = tmp_path / "borgere.csv"
    citizens.write_text(
        "cpr;navn;gruppe;indgang;jobformidler\n010180-1234;Anna;1;01-11-2019;JF\n0202802345;Bo;2;01.11.2019;\n",
        encoding="utf-8-sig",
    )
    return staff, citizens


def test_import_prints_one_line_and_exits_0(env, db, tmp_path):
    staff, citizens = _csvs(tmp_path)
    assert run(env, "import", "--db", db, staff).returncode == 0
    result = run(env, "import", "--db", db, citizens)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith(
        "Importerede borgere.csv: borgere: 2 nye, 0 ændrede, 0 uændrede;"
    )
    again = run(env, "import", "--db", db, citizens)
    assert "borgere: 0 nye, 0 ændrede, 2 uændrede" in again.stdout


def test_validation_errors_exit_1_with_sheet_row_and_column_and_write_nothing(env, db, tmp_path):
    bad = tmp_path / "fejl.csv"
    bad.write_text(
        "cpr;navn;gruppe;indgang\n010180-1234;Anna;1;31-02-2020\n0202802345;;3;\n", encoding="utf-8"
    )
    before = _sha(db)
    result = run(env, "import", "--db", db, bad)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "fsm-desktop: fejl, række 2, kolonne D (indgang): »31-02-2020« findes ikke: februar 2020 har kun 29 dage",
        "fsm-desktop: fejl, række 3, kolonne B (navn): skal udfyldes",
        "fsm-desktop: fejl, række 3, kolonne C (gruppe): gruppe 3 findes ikke (brug 1 eller 2)",
    ]
    assert "Intet er skrevet" in lines[-1]
    assert "Traceback" not in result.stderr
    assert _sha(db) == before


def test_dry_run_writes_nothing(env, db, tmp_path):
    staff, _ = _csvs(tmp_path)
    before = _sha(db)
    result = run(env, "import", "--db", db, staff, "--dry-run")
    assert result.returncode == 0
    assert result.stdout.startswith("Prøvekørsel af medarbejdere.csv (intet er skrevet):")
    assert "medarbejdere: 1 ny" in result.stdout
    assert _sha(db) == before


def test_valid_rows_only(env, db, tmp_path):
    _staff, _ = _csvs(tmp_path)
    mixed = tmp_path / "blandet.csv"
    mixed.write_text("cpr;navn\n010180-1234;Anna\nabc;Bo\n", encoding="utf-8")
    result = run(env, "import", "--db", db, mixed, "--valid-rows-only")
    assert result.returncode == 0, result.stderr
    assert "1 afvist række" in result.stdout and "Afviste rækker:" in result.stdout
    reports = list(tmp_path.glob("blandet-fejl-*.xlsx"))
    assert len(reports) == 1
    assert "fsm-desktop: blandet, række 3, kolonne A (cpr)" in result.stderr


def test_a_control_character_in_a_rejected_row_is_no_traceback(env, db, tmp_path):
    path = tmp_path / "styr.csv"
    path.write_bytes(b"cpr;navn\nabc;Bo\x01\n")
    result = run(env, "import", "--db", db, path, "--valid-rows-only")
    assert "Traceback" not in result.stderr and result.returncode == 1
    assert (
        "styr, række 2, kolonne B (navn): teksten indeholder et kontroltegn (U+0001)"
        in result.stderr
    )


@pytest.mark.parametrize("valid_rows_only", [[], ["--valid-rows-only"]])
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("overskrifter.csv", "cpr;navn\n", "filen har kun overskrifter"),
        ("ukendt.csv", "a;b\n1;2\n", "ingen ark kunne genkendes"),
    ],
)
def test_a_spreadsheet_with_nothing_to_import_exits_1_with_either_flag(
    env, db, tmp_path, valid_rows_only, name, content, message
):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = _sha(db)
    result = run(env, "import", "--db", db, path, *valid_rows_only)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr and "Intet er skrevet" in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert _sha(db) == before


def test_only_rejected_rows_with_valid_rows_only_exits_1_and_records_nothing(env, db, tmp_path):
    path = tmp_path / "alle-fejl.csv"
    path.write_text("cpr;navn\nabc;Bo\n0101801234;\n", encoding="utf-8")
    before = _sha(db)
    result = run(env, "import", "--db", db, path, "--valid-rows-only")
    assert result.returncode == 1, result.stderr
    assert list(tmp_path.glob("alle-fejl-fejl-*")) == []  # no import, so no error report
    last = result.stderr.splitlines()[-1]
    assert "ingen gyldige rækker" in last and "Intet er skrevet" in last
    assert _sha(db) == before
    assert run(env, "imports", "--db", db).stdout == ""


def test_citizens_missing_from_the_extract_are_listed_masked_at_most_20(env, db, tmp_path):
    everyone = tmp_path / "alle.csv"
    everyone.write_text(
        "cpr;navn\n" + "".join(f"{d:02d}0180-{1000 + d};Borger {d:02d}\n" for d in range(1, 24)),
        encoding="utf-8",
    )
    assert run(env, "import", "--db", db, everyone).returncode == 0
    one = tmp_path / "en.csv"
    one.write_text("cpr;navn\n2401801024;Borger 24\n", encoding="utf-8")
    for extra in ([], ["--dry-run"]):
        result = run(env, "import", "--db", db, one, *extra)
        assert result.returncode == 0, result.stderr
        assert result.stdout.count("\n") == 1 and "23 borgere mangler i udtrækket" in result.stdout
        lines = result.stderr.splitlines()
        assert lines[0].startswith("fsm-desktop: 23 borgere står i projektet, men ikke i udtrækket")
        assert lines[1:] == [
            f"fsm-desktop:   {d:02d}0180-xxxx Borger {d:02d}" for d in range(1, 21)
        ] + ["fsm-desktop:   og 3 flere"]


def test_a_program_error_is_one_line_that_names_the_log_and_exits_2(env, db, tmp_path):
    staff, _ = _csvs(tmp_path)
    code = (
        "import sys\n"
        "import fsm_desktop.exchange.importer as importer\n"
        "def broken(*args, **kwargs):\n"
        "    raise RuntimeError('en fejl i programmet')\n"
        "importer.commit = broken\n"
        "from fsm_desktop.cli import main\n"
        f"raise SystemExit(main(['import', '--db', {str(db)!r}, {str(staff)!r}]))\n"
    )
    before = _sha(db)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "fejl i programmet" in result.stderr and "Intet er skrevet" in result.stderr
    (log,) = (tmp_path / "data").rglob("fsm-desktop.log")
    assert str(log) in result.stderr
    assert "RuntimeError: en fejl i programmet" in log.read_text(encoding="utf-8")
    assert _sha(db) == before


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "tom.xlsx", "er tom"),
        (bytes(range(256)) * 8, "stoej.xlsx", "hedder .xlsx, men er ikke et regneark"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "gammel.xls", "beskadiget"),
        (
            random.Random(1).randbytes(5000).replace(b"\x00", b""),
            "stoej.csv",
            "hverken et Excel-regneark eller en CSV-fil",
        ),
        (
            random.Random(2).randbytes(5000).replace(b"\x00", b""),
            "stoej",
            "hverken et Excel-regneark eller en CSV-fil",
        ),
        (b"Hej\nHer er filen.\n", "brev.txt", "ikke en CSV-fil"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_exits_2(env, db, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = _sha(db)
    result = run(env, "import", "--db", db, path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert _sha(db) == before


@pytest.mark.parametrize(
    "args", [["import", "--db"], ["import", "x.csv"], ["import", "--db", "p.fsm", "a", "b"]]
)
def test_usage_errors_exit_2(env, tmp_path, args):
    result = run(env, *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_mapping_by_name_or_file(env, db, tmp_path):
    csv = tmp_path / "fasit.csv"
    csv.write_text("Personnummer;Fulde navn\n0101801234;Anna\n", encoding="utf-8")
    unknown = run(env, "import", "--db", db, csv, "--mapping", "Fasit")
    assert unknown.returncode == 2 and "ukendt tilknytning »Fasit«" in unknown.stderr
    mapping = Mapping(
        "Fasit", {"*": SheetMapping("borgere", {"cpr": "Personnummer", "navn": "Fulde navn"})}
    )
    path = tmp_path / "fasit.json"
    path.write_text(mapping.to_json(), encoding="utf-8")
    result = run(env, "import", "--db", db, csv, "--mapping", path)
    assert result.returncode == 0, result.stderr
    assert "borgere: 1 ny," in result.stdout


def test_imports_lists_and_undoes(env, db, tmp_path):
    staff, citizens = _csvs(tmp_path)
    run(env, "import", "--db", db, staff)
    run(env, "import", "--db", db, citizens)
    listing = run(env, "imports", "--db", db)
    assert listing.returncode == 0
    assert [line.split("  ")[1] for line in listing.stdout.splitlines()] == [
        "borgere.csv",
        "medarbejdere.csv",
    ]
    undo = run(env, "imports", "--db", db, "--undo")
    assert undo.returncode == 0 and undo.stdout.startswith("Fortrød importen af borgere.csv")
    assert "(fortrudt" in run(env, "imports", "--db", db).stdout.splitlines()[0]


def test_template_empty_and_with_the_project(env, db, tmp_path):
    empty = run(env, "template", "--out", tmp_path / "skabelon.xlsx")
    assert empty.returncode == 0 and (tmp_path / "skabelon.xlsx").stat().st_size > 1000
    staff, citizens = _csvs(tmp_path)
    run(env, "import", "--db", db, staff)
    run(env, "import", "--db", db, citizens)
    full = run(env, "template", "--out", tmp_path / "eksport.xlsx", "--db", db)
    assert full.returncode == 0
    reimport = run(env, "import", "--db", db, tmp_path / "eksport.xlsx", "--dry-run")
    assert reimport.returncode == 0, reimport.stderr
    assert "borgere: 0 nye, 0 ændrede, 2 uændrede" in reimport.stdout


def test_the_extract_date_is_the_names_or_as_of_and_ends_the_line(env, db, tmp_path):
    staff, _citizens = _csvs(tmp_path)
    assert run(env, "import", "--db", db, staff).returncode == 0
    named = tmp_path / "borgere 2024-03-15.csv"
    named.write_text(
        "cpr;navn;gruppe;jobformidler;cv_jobnet\n010180-1234;Anna;1;JF;ja\n", encoding="utf-8"
    )
    result = run(env, "import", "--db", db, named, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.rstrip().endswith("; udtræk pr. 15-03-2024 (datoen i filnavnet).")
    result = run(env, "import", "--db", db, named, "--as-of", "2024-02-29")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("; udtræk pr. 29-02-2024 (valgt).")
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT start FROM assignment").fetchall() == [("2024-02-29",)]
        assert conn.execute("SELECT date, value FROM status_entry").fetchall() == [
            ("2024-02-29", "ja")
        ]
    conn.close()


def test_an_older_extract_is_reported_masked_and_a_future_date_refused(env, db, tmp_path):
    staff = tmp_path / "medarbejdere.csv"
    staff.write_text(
        "initialer;navn;rolle\nJF;Jonna;jobformidler\nKL;Karl;jobformidler\n", encoding="utf-8"
    )
    assert run(env, "import", "--db", db, staff).returncode == 0
    newer = tmp_path / "n.csv"
    newer.write_text("cpr;navn;gruppe;jobformidler\n010180-1234;Anna;1;JF\n", encoding="utf-8")
    assert run(env, "import", "--db", db, newer, "--as-of", "2024-05-01").returncode == 0
    older = tmp_path / "o.csv"
    older.write_text("cpr;navn;gruppe;jobformidler\n010180-1234;Anna;1;KL\n", encoding="utf-8")
    result = run(env, "import", "--db", db, older, "--as-of", "2024-03-15", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "1 tilknytning ældre end det gemte (ikke ændret)" in result.stdout
    assert (
        "010180-xxxx jobformidler KL pr. 15-03-2024 er ældre end den gemte (JF fra 01-05-2024): ikke ændret"
        in result.stderr
    )
    assert "1234" not in result.stderr and "Anna" not in result.stderr
    refused = run(env, "import", "--db", db, older, "--as-of", "2099-01-01")
    assert refused.returncode == 2 and "ligger efter i dag" in refused.stderr
    bad = run(env, "import", "--db", db, older, "--as-of", "15-03-2024")
    assert bad.returncode == 2 and "er ikke en dato (ÅÅÅÅ-MM-DD)" in bad.stderr


FIXTURES = Path(__file__).parent.parent / "exchange" / "fixtures"


@pytest.mark.parametrize("fmt", ["xls", "xlsb", "ods"])
def test_an_xls_xlsb_or_ods_extract_imports_and_undoes_on_the_command_line(env, db, tmp_path, fmt):
    source = tmp_path / f"udtraek.{fmt}"
    shutil.copy(FIXTURES / source.name, source)
    result = run(env, "import", "--db", db, source)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Importerede udtraek.{fmt}: borgere: 3 nye, 0 ændrede")
    undo = run(env, "imports", "--db", db, "--undo")
    assert undo.returncode == 0 and undo.stdout.startswith(f"Fortrød importen af udtraek.{fmt}")


@pytest.mark.parametrize("fmt", ["xls", "xlsb", "ods"])
def test_a_broken_or_protected_workbook_exits_2_and_writes_nothing(env, db, tmp_path, fmt):
    truncated = tmp_path / f"afkortet.{fmt}"
    truncated.write_bytes((FIXTURES / f"udtraek.{fmt}").read_bytes()[:3000])
    protected = tmp_path / f"hemmelig.{fmt}"
    shutil.copy(FIXTURES / f"calamine-password.{fmt}", protected)
    before = _sha(db)
    for path, message in ((truncated, "ikke"), (protected, "beskyttet med adgangskode")):
        result = run(env, "import", "--db", db, path)
        assert result.returncode == 2, result.stdout
        assert message in result.stderr and str(path) in result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert _sha(db) == before
