"""exchange.xlsx, the fast cell reader: it must give exactly what openpyxl's read-only mode
gives (data_only) — on random workbooks written by openpyxl (shared strings and inline strings),
and on hand-made packages with what other programs write (prefixed XML, cells without a
reference, rich text, phonetic hints, errors, ISO dates, the 1904 calendar, formulas)."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fsm_desktop.exchange import spreadsheet, xlsx
from fsm_desktop.exchange.spreadsheet import ImportFileError


def _openpyxl_rows(path: Path) -> dict[str, list[tuple[int, tuple]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no default style" in a hand-made package
        workbook = load_workbook(path, read_only=True, data_only=True)
    out = {}
    for ws in workbook.worksheets:
        ws.reset_dimensions()
        rows = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            row = tuple(row)
            while row and row[-1] is None:
                row = row[:-1]
            if row:
                rows.append((number, row))
        out[ws.title] = rows
    workbook.close()
    return out


def _fast_rows(path: Path) -> dict[str, list[tuple[int, tuple]]]:
    workbook = xlsx.Workbook(str(path))
    try:
        out = {}
        for title, part in workbook.sheets:
            rows = []
            for number, cells in workbook.rows(part):
                row = tuple(cells)
                while row and row[-1] is None:
                    row = row[:-1]
                if row:
                    rows.append((number, row))
            out[title] = rows
        return out
    finally:
        workbook.close()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(grid=st.lists(st.lists(_CELL, max_size=7), max_size=8), write_only=st.booleans())
def test_the_fast_reader_gives_what_openpyxl_gives(tmp_path, grid, write_only):
    workbook = Workbook(write_only=write_only)
    ws = workbook.create_sheet("Ark") if write_only else workbook.active
    for row in grid:
        ws.append(row)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    assert _fast_rows(path) == _openpyxl_rows(path)


def _package(
    tmp_path: Path,
    sheet_xml: str,
    shared: str | None = None,
    styles: str | None = None,
    workbook_pr: str = "",
    prefix: str = "",
) -> Path:
    """A minimal .xlsx written by hand, as other programs write them."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rels_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared
                else ""
            )
            + (
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                if styles
                else ""
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><{p}workbook {ns} {rels_ns}>{workbook_pr}<{p}sheets>'
            f'<{p}sheet name="Udtræk" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            + (
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                if shared
                else ""
            )
            + (
                '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                if styles
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><{p}worksheet {ns}><{p}sheetData>{sheet_xml}</{p}sheetData></{p}worksheet>',
    }
    if shared:
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0"?><sst {ns.replace(":" + prefix, "") if prefix else ns}>{shared}</sst>'
        )
    if styles:
        parts["xl/styles.xml"] = (
            f'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{styles}</styleSheet>'
        )
    path = tmp_path / "haand.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


STYLES = (
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd\\-mm\\-yyyy"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
)


def test_what_other_programs_write(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
        # No cell references (some generators leave them out); a gap row; rich inline text with a
        # phonetic hint; an error; a boolean; an ISO date; a formula with its cached value.
        '<row><c t="inlineStr"><is><r><t>Ærø </t></r><r><t>&amp; Co</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>'
        '<c t="e"><v>#N/A</v></c><c t="b"><v>1</v></c></row>'
        '<row r="5"><c r="B5" t="d"><v>2020-03-16T00:00:00</v></c><c r="C5"><f>1+1</f><v>2</v></c>'
        '<c r="D5" s="1"><v>43906</v></c><c r="E5" s="2"><v>43906.5</v></c><c r="F5" t="str"><v>tekst</v></c>'
        '<c r="G5"><v></v></c><c r="H5" s="0"><v>1.5E2</v></c></row>'
    )
    shared = (
        '<si><t xml:space="preserve"> cpr </t></si><si><r><t>na</t></r><r><rPr/><t>vn</t></r></si>'
    )
    path = _package(tmp_path, sheet, shared, STYLES)
    fast = _fast_rows(path)
    assert fast == _openpyxl_rows(path)
    assert fast["Udtræk"] == [
        (1, (" cpr ", None, "navn")),
        (2, ("Ærø & Co", "#N/A", True)),
        (
            5,
            (
                None,
                dt.datetime(2020, 3, 16),
                2,
                dt.datetime(2020, 3, 16),
                dt.datetime(2020, 3, 16, 12),
                "tekst",
                None,
                150.0,
            ),
        ),
    ]


def test_a_prefixed_namespace_and_the_1904_calendar(tmp_path):
    sheet = '<x:row r="1"><x:c r="A1" s="1"><x:v>1</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Bo</x:t></x:is></x:c></x:row>'
    path = _package(
        tmp_path, sheet, styles=STYLES, workbook_pr='<x:workbookPr date1904="1"/>', prefix="x"
    )
    assert _fast_rows(path) == {"Udtræk": [(1, (dt.datetime(1904, 1, 2), "Bo"))]}
    assert _fast_rows(path) == _openpyxl_rows(path)


def test_a_package_the_fast_reader_does_not_expect_goes_to_openpyxl(tmp_path, monkeypatch):
    path = tmp_path / "skabelon.xlsx"
    workbook = Workbook()
    workbook.active.title = "Borgere"
    workbook.active.append(["cpr", "navn"])
    workbook.active.append(["0101801234", "Anna"])
    workbook.save(path)
    calls = []
    original = spreadsheet._read_xlsx_openpyxl

    def through_openpyxl(*args):
        calls.append(args[0])
        return original(*args)

    monkeypatch.setattr(spreadsheet, "_read_xlsx_openpyxl", through_openpyxl)

    def unexpected(self):
        raise xlsx.Unsupported("a layout of its own")

    monkeypatch.setattr(xlsx.Workbook, "_read_structure", unexpected)
    (table,) = spreadsheet.read_source(path)
    assert calls == [path] and table.rows == [(2, ("0101801234", "Anna"))]


def test_broken_xml_inside_a_valid_zip(tmp_path):
    path = _package(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]  # cut off
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError, match="beskadiget"):
        spreadsheet.read_source(path)


def test_a_shared_string_index_that_does_not_exist(tmp_path):
    path = _package(
        tmp_path, '<row r="1"><c r="A1" t="s"><v>7</v></c></row>', shared="<si><t>a</t></si>"
    )
    with pytest.raises(ImportFileError, match="beskadiget"):
        spreadsheet.read_source(path)
