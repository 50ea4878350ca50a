"""Issue 23.5: what slipped through the import is refused there, naming the row, by the same
rule as the forms: names on one line without direction marks (U+202E turns "Hansen" into
"nesnaH" on screen), staff initials of 1 to 8 letters or digits."""

from __future__ import annotations

import datetime as dt

import pytest
from import_helpers import fill_template

from fsm_desktop.domain.caseload import StaffRecord, validate_staff
from fsm_desktop.domain.citizen_edit import validate_master
from fsm_desktop.domain.model import Citizen, Staff, StaffRole
from fsm_desktop.exchange.importer import prepare

STAFF = [("JF", "Jonna Formidler", "jobformidler", 37)]


def _citizen(name: str) -> tuple:
    return ("010180-1234", name, 1, "K", "dansk", dt.datetime(2019, 11, 1), None, None, "JF")


def _errors(project, path) -> list[str]:
    return [f"{e.sheet}, række {e.row}: {e.message}" for e in prepare(project, path).plan.errors]


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Anna\nHansen", "navnet indeholder et linjeskift"),
        ("Anna\tHansen", "navnet indeholder en tabulator"),
        ("Anna \u202enesnaH", "usynligt retningstegn (U+202E)"),
        ("Anna \u2067Hansen\u2069", "usynligt retningstegn (U+2067)"),
        ("Anna \u200fHansen", "usynligt retningstegn (U+200F)"),
    ],
)
def test_a_citizens_name_on_two_lines_or_turned_is_refused_naming_the_row(
    project, tmp_path, name, says
):
    path = fill_template(tmp_path / "udtraek.xlsx", citizens=[_citizen(name)], staff=STAFF)
    errors = _errors(project, path)
    assert len(errors) == 1
    assert errors[0].startswith("Borgere, række 2:") and says in errors[0]


def test_a_staff_name_with_a_line_break_is_refused(project, tmp_path):
    staff = [("JF", "Jonna\r\nFormidler", "jobformidler", 37)]
    path = fill_template(tmp_path / "udtraek.xlsx", staff=staff)
    errors = _errors(project, path)
    assert errors and "Medarbejdere, række 2:" in errors[0] and "linjeskift" in errors[0]


def test_a_note_may_still_hold_a_line_break(project, tmp_path):
    """Only names are one line: a job goal over two lines is what the user wrote."""
    row = (*_citizen("Anna Hansen"), None, "ja", "Lager\nog transport")
    path = fill_template(tmp_path / "udtraek.xlsx", citizens=[row], staff=STAFF)
    assert _errors(project, path) == []


@pytest.mark.parametrize(
    ("initials", "accepted"),
    [("ABCDEFGH", True), ("ABCDEFGHI", False), ("A.B", False), ("JØ-1", False), ("ÆØÅ1", True)],
)
def test_staff_initials_follow_the_registers_rule(project, tmp_path, initials, accepted):
    path = fill_template(
        tmp_path / "udtraek.xlsx", staff=[(initials, "Jonna Formidler", "jobformidler", 37)]
    )
    errors = _errors(project, path)
    register = validate_staff(
        StaffRecord(Staff(initials, "Jonna Formidler", StaffRole.JOB_BROKER)), []
    )
    assert (errors == []) is accepted
    assert ("initials" not in register) is accepted  # the staff page says the same
    if not accepted:
        assert "1 til 8 bogstaver eller tal, uden mellemrum" in errors[0]


@pytest.mark.parametrize("name", ["Anna\nHansen", "Anna \u202enesnaH"])
def test_the_forms_refuse_the_same_names(name):
    citizen = Citizen(cpr="0101801234", name=name, group=1)
    assert "name" in validate_master(citizen, [1, 2])
    staff = validate_staff(StaffRecord(Staff("JF", name, StaffRole.JOB_BROKER)), [])
    assert "name" in staff


def _with_number_text(path, number: str, text: str) -> None:
    """The workbook with the number cell ``number`` stored as ``text`` (NaN, INF): what a
    program other than Excel may write in a number cell."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    changed = 0
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and f"<v>{number}</v>".encode() in data:
            parts[name] = data.replace(f"<v>{number}</v>".encode(), f"<v>{text}</v>".encode())
            changed += 1
    assert changed == 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


@pytest.mark.parametrize("text", ["NaN", "INF", "-inf"])
def test_nan_or_infinity_in_a_number_cell_is_refused_as_in_a_csv(project, tmp_path, text):
    """NaN or inf in an xlsx number cell became an empty cell (37 hours, no group); the same
    in a CSV is refused: one rule for both, naming the row."""
    path = fill_template(
        tmp_path / "udtraek.xlsx",
        citizens=[_citizen("Anna Hansen")],
        hours=[("010180-1234", "2020-05", 12.25)],
        staff=STAFF,
    )
    _with_number_text(path, "12.25", text)
    errors = _errors(project, path)
    assert len(errors) == 1 and errors[0].startswith("Løntimer, række 2:")
    assert "er ikke et tal" in errors[0]
    csv = tmp_path / "loentimer.csv"
    csv.write_text(f"cpr;måned;timer\n010180-1234;2020-05;{text}\n", encoding="utf-8")
    assert "er ikke et tal" in " ".join(_errors(project, csv))
