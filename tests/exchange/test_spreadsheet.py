"""exchange.spreadsheet: Excel and CSV in the forms Danish users have them, and files that are
not spreadsheets at all — each refused with a clear Danish message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import string
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fsm_desktop.domain.imports import ImportCancelled
from fsm_desktop.exchange.spreadsheet import ImportFileError, read_source
from fsm_desktop.exchange.template import write_template

ROWS = [
    ["cpr", "navn", "gruppe", "indgang", "timer"],
    ["010180-1234", "Ærlige Øjvind Åberg", "1", "16-03-2020", "12,5"],
    ["0202802345", "Bo", "2", "2020-03-16", "7"],
]


def _csv(path, rows, sep=";", encoding="utf-8", newline="\r\n"):
    """As Excel writes it: a field with the separator in it ("12,5" in a comma file) is quoted."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_dialects_and_encodings(tmp_path, sep, encoding):
    path = _csv(tmp_path / "udtraek.csv", ROWS, sep, encoding)
    (table,) = read_source(path)
    assert table.sheet == "udtraek"
    assert table.headers == ROWS[0]
    assert table.rows == [(2, tuple(ROWS[1])), (3, tuple(ROWS[2]))]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_csv_that_mixes_utf8_and_windows_1252_is_refused_with_its_line(tmp_path, bom):
    """Read as Windows-1252 the UTF-8 names would come out as "SÃ¸s"; read as UTF-8 the other
    line fails: the file is refused, naming the line that is not UTF-8."""
    path = tmp_path / "blandet.csv"
    path.write_bytes(
        bom + "cpr;navn\n0101801234;Søs Ærø\n".encode() + "0202802345;Åse\n".encode("cp1252")
    )
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert "blander to tegnkodninger: linje 3 er ikke UTF-8" in caught.value.message
    assert "CSV UTF-8" in caught.value.message


def test_a_windows_1252_csv_alone_is_read_as_such(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes("cpr;navn\n0101801234;Søs Ærø\n".encode("cp1252"))
    (table,) = read_source(path)
    assert table.rows == [(2, ("0101801234", "Søs Ærø"))]


def test_a_csv_file_is_marked_as_one(tmp_path):
    (table,) = read_source(_csv(tmp_path / "a.csv", ROWS))
    assert table.csv
    assert not any(t.csv for t in read_source(write_template(tmp_path / "s.xlsx")))


def test_csv_with_quoted_separators_line_breaks_and_empty_lines(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text(
        'cpr;navn;note\n\n0101801234;"Hansen; Anna";"to\nlinjer"\n;;\n0202802345;Bo;\n',
        encoding="utf-8",
    )
    (table,) = read_source(path)
    # Row numbers as a spreadsheet shows them: the blank record (line 2) and the empty row are skipped.
    assert table.rows == [
        (3, ("0101801234", "Hansen; Anna", "to\nlinjer")),
        (5, ("0202802345", "Bo")),
    ]


def test_a_1_mb_field_in_a_csv_is_read_and_left_to_validation(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("cpr;navn\n0101801234;" + "x" * 1_048_576 + "\n", encoding="utf-8")
    (table,) = read_source(path)
    assert len(table.rows[0][1][1]) == 1_048_576


def test_xlsx_template_with_dates_numbers_and_gaps(tmp_path):
    path = write_template(tmp_path / "skabelon.xlsx")
    workbook = load_workbook(path)
    ws = workbook["Borgere"]
    ws.append(["010180-1234", "Anna", 1, "K", "dansk", dt.datetime(2019, 11, 1)])
    ws.append([])
    ws.append([101801234, "Bo", 2.0])
    workbook.save(path)
    tables = {t.sheet: t for t in read_source(path)}
    assert set(tables) == {"Vejledning", "Lister", "Borgere", "Forløb", "Løntimer", "Medarbejdere"}
    borgere = tables["Borgere"]
    assert borgere.headers[:3] == ["cpr", "navn", "gruppe"]
    assert borgere.rows == [
        (2, ("010180-1234", "Anna", 1, "K", "dansk", dt.datetime(2019, 11, 1))),
        (4, (101801234, "Bo", 2)),
    ]
    assert tables["Forløb"].rows == []


def test_a_sheet_with_a_wrong_dimension_and_1000_columns(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Borgere"
    ws.append(["cpr", "navn"] + [f"kolonne {i}" for i in range(998)])
    ws.append(["0101801234", "Anna"] + ["x"] * 998)
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    # Claim the sheet runs to the last cell Excel has (XFD1048576): only real cells are read.
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "claims.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(
                    b'<dimension ref="A1:ALL2" />', b'<dimension ref="A1:XFD1048576" />'
                )
                assert b"XFD1048576" in data
            target.writestr(item, data)
    (table,) = read_source(tmp_path / "claims.xlsx")
    assert len(table.headers) == 1000 and [n for n, _ in table.rows] == [2]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "tom.xlsx", "er tom"),
        # The old container's signature and nothing after it.
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "gammel.xls", "beskadiget"),
        (bytes(range(256)) * 20, "tilfaeldig.xlsx", "hedder .xlsx, men er ikke et regneark"),
        (bytes(range(256)) * 20, "tilfaeldig.csv", "binære data"),
        (b"PK\x03\x04" + b"\x00" * 100, "kaput.xlsx", "ikke et regneark"),
        (b"<!DOCTYPE html><html><table><tr><td>cpr</td></tr></table>", "web.xls", "webside"),
    ],
)
def test_files_that_are_not_spreadsheets(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_source(path)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("size", [200, 4096, 100_000])
def test_random_bytes_without_nul_are_not_a_spreadsheet(tmp_path, seed, size):
    """Without a NUL byte, random bytes decode as Windows-1252: refused by their control
    characters, not read as a sheet whose headers are not recognised."""
    data = random.Random(seed).randbytes(size).replace(b"\x00", b"")
    path = tmp_path / "tilfaeldig.csv"
    path.write_bytes(data)
    with pytest.raises(
        ImportFileError, match=r"hverken et Excel-regneark eller en CSV-fil|ikke en CSV-fil"
    ):
        read_source(path)


@pytest.mark.parametrize(
    "text",
    [
        "Kære kollega\nHer er udtrækket, som du bad om.\nMvh. Jonna\n",
        "010180-1234\n020280-2345\n",
        "   \n\nen linje",
    ],
)
def test_text_without_separated_headers_is_not_a_csv_file(tmp_path, text):
    path = tmp_path / "brev.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError, match="ikke en CSV-fil"):
        read_source(path)


def test_a_stray_control_character_in_a_cell_is_left_to_validation(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("cpr;navn\r\n0101801234;Bo\x01\r\n0202802345;Åse\r\n".encode("cp1252"))
    (table,) = read_source(path)
    assert table.rows == [(2, ("0101801234", "Bo\x01")), (3, ("0202802345", "Åse"))]


def test_a_truncated_and_a_corrupt_xlsx(tmp_path):
    good = write_template(tmp_path / "god.xlsx")
    data = good.read_bytes()
    truncated = tmp_path / "afkortet.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFileError, match=r"ikke et Excel-regneark|beskadiget"):
        read_source(truncated)
    # A valid zip whose sheet part is not XML.
    corrupt = tmp_path / "forkert.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(corrupt, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99"
            target.writestr(item, content)
    with pytest.raises(ImportFileError, match="beskadiget"):
        read_source(corrupt)


def test_a_missing_file_and_a_folder(tmp_path):
    with pytest.raises(ImportFileError, match="findes ikke"):
        read_source(tmp_path / "nej.xlsx")
    with pytest.raises(ImportFileError, match="er en mappe"):
        read_source(tmp_path)


def test_reading_reports_progress_and_stops_when_cancelled(tmp_path):
    path = _csv(tmp_path / "lang.csv", [ROWS[0]] + [ROWS[1]] * 5000)
    seen = []
    read_source(path, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (5000, 5000) and len(seen) >= 3
    with pytest.raises(ImportCancelled):
        read_source(path, cancelled=lambda: True)


_CELL = st.text(alphabet=string.printable + 'æøåÆØÅ;"', max_size=30)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_CELL, max_size=8), max_size=12))
def test_any_malformed_csv_is_read_or_refused_with_a_message(tmp_path, rows):
    path = tmp_path / "x.csv"
    path.write_text("\n".join(";".join(row) for row in rows), encoding="utf-8")
    try:
        tables = read_source(path)
    except ImportFileError as exc:
        assert exc.message and str(path) in exc.message
        return
    (table,) = tables
    for number, row in table.rows:
        assert number >= 2 and isinstance(row, tuple)


def test_a_quote_never_closed_is_refused_naming_its_row(tmp_path):
    """Read on, the quote would swallow the following rows into one name: three citizens in
    the file, two imported (and exit 0)."""
    path = tmp_path / "citat.csv"
    path.write_text('cpr;navn\n0101801234;"Anna\n0202802345;Bo\n0303803456;Cai\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    message = caught.value.message
    assert "række 2 (linje 2)" in message and "anførselstegn" in message and str(path) in message
    # Also when a later quote closes it, far below.
    path.write_text(
        'cpr;navn\n0101801234;"Anna\n0202802345;Bo\n0303803456;"Cai"\n', encoding="utf-8"
    )
    with pytest.raises(ImportFileError, match=r"række 2 \(linje 2\)"):
        read_source(path)


def test_a_quoted_cell_on_two_lines_is_still_read(tmp_path):
    path = tmp_path / "note.csv"
    path.write_text(
        'cpr;note\n0101801234;"første linje\nanden linje"\n0202802345;x\n', encoding="utf-8"
    )
    (table,) = read_source(path)
    assert table.rows == [
        (2, ("0101801234", "første linje\nanden linje")),
        (3, ("0202802345", "x")),
    ]
