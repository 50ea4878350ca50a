"""Reading workbooks through calamine must give exactly what openpyxl's read-only mode gives
(data_only), as the hand-written reader before it did — on random workbooks written by openpyxl,
and on hand-made packages with what other programs write (prefixed XML, cells without a
reference, rich text, phonetic hints, errors, ISO dates, the 1904 calendar, formulas). Both are
compared as the import sees them: the sheets read_source makes (headers, rows, Excel row
numbers)."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fsm_desktop.exchange import spreadsheet
from fsm_desktop.exchange.import_format import SourceTable
from fsm_desktop.exchange.spreadsheet import ImportFileError, read_source


def _openpyxl_tables(path: Path) -> list[SourceTable]:
    """The sheets as openpyxl reads them, made into SourceTables the way read_source does."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no default style" in a hand-made package
        workbook = load_workbook(path, read_only=True, data_only=True)
    out = []
    for ws in workbook.worksheets:
        ws.reset_dimensions()
        out.append(spreadsheet._sheet(ws.title, enumerate(ws.iter_rows(values_only=True), 1)))
    workbook.close()
    return out


def _calamine_tables(path: Path) -> list[SourceTable]:
    tables = read_source(path)
    assert all(not t.csv for t in tables)
    return tables


def _typed(tables: list[SourceTable]) -> list:
    """The tables with each value's type beside it (1 == 1.0 == True in a plain comparison)."""
    return [
        (t.sheet, t.headers, t.header_row, [(n, [(type(v), v) for v in row]) for n, row in t.rows])
        for t in tables
    ]


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
def test_calamine_gives_what_openpyxl_gives(tmp_path, grid, write_only):
    workbook = Workbook(write_only=write_only)
    ws = workbook.create_sheet("Ark") if write_only else workbook.active
    for row in grid:
        ws.append(row)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    assert _typed(_calamine_tables(path)) == _typed(_openpyxl_tables(path))


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
        # phonetic hint; a boolean; an ISO date; a formula with its cached value. (A run's
        # space at its end is kept only under xml:space="preserve", as Excel writes it: calamine
        # drops it without, openpyxl keeps it.)
        '<row><c t="inlineStr"><is><r><t xml:space="preserve">Ærø </t></r><r><t>&amp; Co</t></r>'
        '<rPh sb="0" eb="1"><t>x</t></rPh></is></c><c t="b"><v>0</v></c><c t="b"><v>1</v></c></row>'
        '<row r="5"><c r="B5" t="d"><v>2020-03-16T00:00:00</v></c><c r="C5"><f>1+1</f><v>2</v></c>'
        '<c r="D5" s="1"><v>43906</v></c><c r="E5" s="2"><v>43906.5</v></c><c r="F5" t="str"><v>tekst</v></c>'
        '<c r="G5"><v></v></c><c r="H5" s="0"><v>1.5E2</v></c><c r="I5" s="1"><v>0.25</v></c>'
        '<c r="J5"><v>12.5</v></c><c r="K5"><v>-3</v></c></row>'
    )
    shared = (
        '<si><t xml:space="preserve"> cpr </t></si><si><r><t>na</t></r><r><rPr/><t>vn</t></r></si>'
    )
    path = _package(tmp_path, sheet, shared, STYLES)
    (table,) = _calamine_tables(path)
    # 150 where openpyxl has 150.0 ("1.5E2"): calamine gives a float for every number, and a
    # whole one is read as int (what openpyxl gives for "150", as Excel writes it).
    assert _typed([table]) == _typed(_openpyxl_tables(path)) or (
        [(n, r) for n, r in table.rows] == [(n, r) for n, r in _openpyxl_tables(path)[0].rows]
    )
    assert table.sheet == "Udtræk" and table.headers == ["cpr", "", "navn"]
    assert table.rows == [
        (2, ("Ærø & Co", False, True)),
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
                150,
                dt.time(6),
                12.5,
                -3,
            ),
        ),
    ]
    assert type(table.rows[1][1][2]) is int and type(table.rows[1][1][3]) is dt.datetime


def test_error_cells_keep_their_text(tmp_path):
    """calamine reads an error cell as empty: a "til" of #N/A would reopen a period. An .xlsx
    with error cells is read with openpyxl, which keeps "#N/A"."""
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>cpr</t></is></c><c r="B1" t="inlineStr"><is><t>til</t></is></c></row>'
        '<row r="2"><c r="A2"><v>101801234</v></c><c r="B2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c></row>'
        '<row r="3"><c r="A3"><v>202802345</v></c><c r="B3" t="e"><v>#DIV/0!</v></c></row>'
    )
    path = _package(tmp_path, sheet)
    (table,) = read_source(path)
    assert table.rows == [(2, (101801234, "#N/A")), (3, (202802345, "#DIV/0!"))]
    assert _typed([table]) == _typed(_openpyxl_tables(path))


def test_a_prefixed_namespace_and_the_1904_calendar(tmp_path):
    sheet = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>fra</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" s="1"><x:v>1</x:v></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Bo</x:t></x:is></x:c></x:row>'
    )
    path = _package(
        tmp_path, sheet, styles=STYLES, workbook_pr='<x:workbookPr date1904="1"/>', prefix="x"
    )
    (table,) = _calamine_tables(path)
    assert table.rows == [(2, (dt.datetime(1904, 1, 2), "Bo"))]
    assert _typed([table]) == _typed(_openpyxl_tables(path))


def test_data_that_starts_below_and_right_of_a1_keeps_excel_s_row_numbers(tmp_path):
    sheet = (
        '<row r="3"><c r="C3" t="inlineStr"><is><t>cpr</t></is></c></row>'
        '<row r="7"><c r="C7" t="inlineStr"><is><t>0101801234</t></is></c><c r="E7"><v>4</v></c></row>'
    )
    path = _package(tmp_path, sheet)
    (table,) = _calamine_tables(path)
    assert table.header_row == 3 and table.headers == ["", "", "cpr"]
    assert table.rows == [(7, (None, None, "0101801234", None, 4))]
    assert _typed([table]) == _typed(_openpyxl_tables(path))


def test_broken_xml_inside_a_valid_zip(tmp_path):
    path = _package(tmp_path, '<row r="1"><c r="A1"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:-40]  # cut off
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError, match="beskadiget") as caught:
        read_source(path)
    assert "Udtræk" in caught.value.message and str(path) in caught.value.message


def test_a_shared_string_index_that_does_not_exist(tmp_path):
    path = _package(
        tmp_path, '<row r="1"><c r="A1" t="s"><v>7</v></c></row>', shared="<si><t>a</t></si>"
    )
    with pytest.raises(ImportFileError, match="beskadiget"):
        read_source(path)


@pytest.mark.parametrize("far", ["XFD1048576", "ZZ100000"])
def test_a_tiny_sheet_that_spans_millions_of_cells_is_refused(tmp_path, far):
    """calamine holds a sheet as the rectangle from A1 to its last cell: two cells at A1 and
    XFD1048576 (a file of 2 KB) would ask for 17 billion cells, and the allocator aborts the
    process. Refused from the references, before calamine reads the sheet."""
    column = far.rstrip("0123456789")
    row = far[len(column) :]
    sheet = f'<row r="1"><c r="A1"><v>1</v></c></row><row r="{row}"><c r="{far}"><v>2</v></c></row>'
    path = _package(tmp_path, sheet)
    assert path.stat().st_size < 3000
    with pytest.raises(ImportFileError, match="kolonner"):
        spreadsheet._check_xlsx(path)  # before calamine: after, the process is gone
    with pytest.raises(ImportFileError) as caught:
        read_source(path)
    assert "Udtræk" in caught.value.message and "kolonner" in caught.value.message


def test_a_sheet_stored_outside_the_worksheets_folder_is_checked_too(tmp_path):
    """The workbook's relationships may put a sheet anywhere in the package; calamine reads it
    from there, so the check before it looks there too."""
    sheet = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="900000"><c r="ZZ900000"><v>2</v></c></row>'
    )
    path = _package(tmp_path, sheet)
    with zipfile.ZipFile(path) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    parts["xl/data/udtraek.xml"] = parts.pop("xl/worksheets/sheet1.xml")
    for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
        parts[name] = parts[name].replace(b"worksheets/sheet1.xml", b"data/udtraek.xml")
    moved = tmp_path / "flyttet.xlsx"
    with zipfile.ZipFile(moved, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    with pytest.raises(ImportFileError, match=r"»Udtræk«.*900\.000 rækker og 702 kolonner"):
        spreadsheet._check_xlsx(moved)


@pytest.mark.parametrize("spelling", ["r='XFD1048576'", 'r = "XFD1048576"', '\nr="XFD1048576"'])
def test_a_far_reference_in_any_spelling_xml_allows_is_found(tmp_path, spelling):
    sheet = (
        f'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c {spelling}><v>2</v></c></row>'
    )
    path = _package(tmp_path, sheet)
    with pytest.raises(ImportFileError, match=r"1\.048\.576 rækker og 16\.384 kolonner"):
        spreadsheet._check_xlsx(path)


def test_error_cells_in_any_spelling_go_to_openpyxl(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>til</t></is></c></row>'
        "<row r='2'><c r='A2' t = 'e'><v>#N/A</v></c></row>"
    )
    path = _package(tmp_path, sheet)
    assert spreadsheet._check_xlsx(path)
    (table,) = read_source(path)
    assert table.rows == [(2, ("#N/A",))]


@pytest.mark.parametrize("searches", [0, 8])
def test_a_far_reference_in_the_middle_of_a_long_sheet_is_found(tmp_path, monkeypatch, searches):
    """The check reads a block's edges and then searches only for references beyond the
    furthest found; one far cell among thousands in order, or many out of order, is found."""
    monkeypatch.setattr(spreadsheet, "_EDGE", 200)
    monkeypatch.setattr(spreadsheet, "_SEARCHES", searches)
    rows = [
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="C{n}"><v>1</v></c></row>'
        for n in range(1, 3000)
    ]
    rows[1000] = '<row r="1001"><c r="A1001"><v>1</v></c><c r="XFD1001"><v>2</v></c></row>'
    rows[1500] = '<row r="900000"><c r="B900000"><v>1</v></c></row>'
    rows[1600] = '<row r="20"><c r="D20"><v>1</v></c></row>'
    path = _package(tmp_path, "".join(rows))
    with pytest.raises(ImportFileError, match=r"900\.000 rækker og 16\.384 kolonner"):
        spreadsheet._check_xlsx(path)
