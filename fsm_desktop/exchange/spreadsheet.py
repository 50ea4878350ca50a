"""Reading a source file into sheets (exchange.import_format.SourceTable): spreadsheets —
.xlsx, .xlsm, .xlsb, .xls and .ods — through python-calamine, and CSV separated by ";", ","
or tab, in UTF-8 (with or without BOM), UTF-16 or Windows-1252 (what Danish Excel writes).

The content decides how a file is read, not its name: an .xls that is really an .xlsx, or a
.csv that is really a workbook, is read as what it is. A file that is not a spreadsheet at all
— empty, random bytes, a broken or truncated workbook, a web page saved as .xls, a workbook
protected with a password — raises ImportFileError with a Danish message; nothing else
escapes.

The values are those openpyxl gives (data_only), which the reader before calamine gave and the
import's cells are read from (exchange.cells): a whole number as int, a date cell as a datetime
(by its number format, in Excel's 1900 or 1904 date system), a time as a time, a duration as a
timedelta, text as str, a boolean as bool, an empty cell as None; the row numbers are Excel's.
Where calamine differs it is converted (:func:`_value`); an .xlsx with error cells (#N/A,
#DIV/0! …), which calamine reads as empty, is read with openpyxl, which keeps their text."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat
from xml.sax.saxutils import unescape

from fsm_desktop.domain.danish import number, os_reason
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import ImportCancelled
from fsm_desktop.exchange.import_format import SourceTable

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

#: The largest CSV field read (a bigger one is a broken file, not data).
CSV_FIELD_LIMIT = 16 * 1024 * 1024
#: Rows between progress reports and checks for "cancel".
STEP = 1000
#: The most a zipped Excel workbook (.xlsx, .xlsm, .xlsb) may unpack to; three times as much
#: for an .ods. The template filled with 20,000 citizens, 100,000 periods and 200,000
#: paid-hours rows unpacks to 67 MB as .xlsx and to 196 MB as .ods (LibreOffice writes more
#: per cell); about four times that still reads in seconds. A file that unpacks to far more is
#: not an extract but a "zip bomb" (300 KB that unpacks to 300 MB kept the old reader busy for
#: minutes).
MAX_UNPACKED = 256 * 1024 * 1024
#: The most cells a sheet's rectangle (from A1 to its last row and column) may hold: calamine
#: holds a sheet as that rectangle, so two cells at A1 and XFD1048576 would ask for 17 billion
#: (the process is aborted by the allocator, not refused). The 20,000-citizen template's
#: largest sheet has 0.6 million.
MAX_CELLS = 10_000_000
#: File name endings of the spreadsheet formats read (the dialog's filter, the messages).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")

Progress = Callable[[int, int], None]  # (rows read so far, rows expected or 0)


class ImportFileError(KnownError):
    """The file is not a spreadsheet at all (or cannot be read): the command exits with 2."""


class _NotCsv(ImportFileError):
    """Not text in columns at all (binary data, no separators): for a file named as a
    workbook, the message says it is neither."""


def _is_blank(row: tuple) -> bool:
    for cell in row:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def _trim(row: tuple) -> tuple:
    """Without the empty cells at the end (Excel pads rows to the sheet's width)."""
    end = len(row)
    while end and (
        row[end - 1] is None or (isinstance(row[end - 1], str) and not row[end - 1].strip())
    ):
        end -= 1
    return row[:end] if end != len(row) else row


def _sheet(title: str, numbered: Iterable[tuple[int, Sequence]]) -> SourceTable:
    """A sheet from its (row number, cells): the first row with a value is the header; blank
    rows are skipped, and empty cells at the end of a row dropped."""
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, tuple]] = []
    for number_, cells in numbered:
        row = tuple(cells)
        if not row:
            continue
        last = row[-1]
        if header is not None and last is not None and (type(last) is not str or last.strip()):
            rows.append((number_, row))  # neither blank nor with empty cells at its end
            continue
        if _is_blank(row):
            continue
        if header is None:
            header = ["" if cell is None else str(cell).strip() for cell in _trim(row)]
            header_row = number_
            continue
        rows.append((number_, _trim(row)))
    return SourceTable(title, header or [], rows, header_row)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_source(
    path: str | Path,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[SourceTable]:
    path = Path(path)
    cancelled = cancelled or (lambda: False)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ImportFileError("Filen {path} findes ikke.", path=str(path)) from None
    except IsADirectoryError:
        raise ImportFileError("{path} er en mappe, ikke en fil.", path=str(path)) from None
    except PermissionError:
        raise ImportFileError("Du har ikke adgang til at læse {path}.", path=str(path)) from None
    except OSError as exc:
        raise ImportFileError(
            "Filen {path} kunne ikke læses: {reason}.", path=str(path), reason=os_reason(exc)
        ) from None
    if not head:
        raise ImportFileError("Filen {path} er tom.", path=str(path))
    if head.startswith(_OLE[:4]):
        # An .xls (Excel 97–2003), or an .xlsx/.xlsb encrypted with a password (Office keeps
        # those in the same container).
        return _read_workbook(path, "xls", progress, cancelled)
    if head.startswith(b"PK"):
        return _read_workbook(path, _zip_kind(path), progress, cancelled)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        _not_a_workbook(path, suffix)
        try:
            # A CSV file saved under a workbook's name (some systems do): read as what it is.
            # (A CSV file's own faults, an unclosed quote or two encodings, are said as such.)
            return [_read_csv(path, progress, cancelled)]
        except _NotCsv:
            raise ImportFileError(
                "Filen {path} hedder {suffix}, men er ikke et regneark, og heller ikke en "
                "CSV-fil (den er beskadiget eller af en anden type).",
                path=str(path),
                suffix=suffix,
            ) from None
    return [_read_csv(path, progress, cancelled)]


# --- workbooks -----------------------------------------------------------------------------------


def _broken(path: Path, reason: str) -> ImportFileError:
    return ImportFileError(
        "Filen {path} kunne ikke læses som regneark; den er beskadiget eller ufuldstændig ({reason}).",
        path=str(path),
        reason=reason,
    )


def _protected(path: Path) -> ImportFileError:
    if path.suffix.lower() == ".ods":  # LibreOffice's own format: its way of removing it
        return ImportFileError(
            "Filen {path} er beskyttet med adgangskode. Åbn den i LibreOffice, vælg Filer → Gem "
            "som, fjern fluebenet ved »Gem med adgangskode«, gem den, og importér den igen.",
            path=str(path),
        )
    return ImportFileError(
        "Filen {path} er beskyttet med adgangskode. Åbn den i Excel, fjern adgangskoden (Filer → "
        "Oplysninger → Beskyt projektmappe → Krypter med adgangskode: tom), gem den, og importér "
        "den igen.",
        path=str(path),
    )


def _not_a_workbook(path: Path, suffix: str) -> None:
    """A file named as a workbook whose content is none: a CSV file is read as one (the content
    decides); anything else is refused, saying what it is where that can be told."""
    try:
        with path.open("rb") as fh:
            start = fh.read(512)
    except OSError:
        start = b""
    text = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<workbook")):
        raise ImportFileError(
            "Filen {path} hedder {suffix}, men er ikke et regneark: den er en webside eller et "
            "XML-dokument (som nogle systemer gemmer under navnet {suffix}). Åbn den i Excel, gem "
            "den som Excel-projektmappe (.xlsx), og importér den igen.",
            path=str(path),
            suffix=suffix,
        )
    if b"\x00" in start or not start:
        raise ImportFileError(
            "Filen {path} hedder {suffix}, men er ikke et regneark (den er beskadiget eller af en "
            "anden type).",
            path=str(path),
            suffix=suffix,
        )


#: What zipfile raises for a broken zip: its own errors, a bad deflate stream (zlib.error), a
#: member compressed with a method it lacks (NotImplementedError) or encrypted (RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _zip_kind(path: Path) -> str:
    """Which zipped workbook a file is, from its parts; refuses a zip that is none, and one
    that unpacks to more than MAX_UNPACKED (three times that for an .ods)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except _ZIP_ERRORS as exc:
        raise ImportFileError(
            "Filen {path} er ikke et regneark, den er beskadiget eller ufuldstændig ({reason}).",
            path=str(path),
            reason=type(exc).__name__,
        ) from None
    if "xl/workbook.bin" in names:
        kind = "xlsb"
    elif any(name.startswith("xl/") and name.endswith(".xml") for name in names):
        kind = "xlsx"
    elif b"opendocument.spreadsheet" in mimetype or ("content.xml" in names and not mimetype):
        kind = "ods"
    elif mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise ImportFileError(
            "Filen {path} er et OpenDocument-dokument, men ikke et regneark (.ods).", path=str(path)
        )
    else:
        raise ImportFileError(
            "Filen {path} er en zip-fil, men ikke et regneark (som .xlsx eller .ods): måske et "
            "Word-dokument eller en mappe pakket som zip.",
            path=str(path),
        )
    unpacked = sum(info.file_size for info in infos)
    limit = MAX_UNPACKED * (3 if kind == "ods" else 1)
    if unpacked > limit:
        raise ImportFileError(
            "Filen {path} fylder {size} MB udpakket (et regneark må højst fylde {limit} MB "
            "udpakket): den er enten langt større end et udtræk eller bygget til at fylde "
            "hukommelsen op. Del udtrækket i flere filer, eller gem det som CSV.",
            path=str(path),
            size=number(unpacked // (1024 * 1024)),
            limit=number(limit // (1024 * 1024)),
        )
    return kind


#: A cell's column in its reference (r="AB12"), and a cell's or a row's row number (r="12").
#: As every writer spells them (r="A1"), found fast by their literal start; any other
#: spelling XML allows (r='A1', r = "A1") goes to the slower pair. Line breaks and tabs are
#: made spaces first, so that a reference after one is found by the fast pair too.
_FAST_REF = rb' r="'
_ANY_REF = rb"""\sr\s*=\s*["']"""
_COLUMN_REF = re.compile(_FAST_REF + rb"([A-Z]{1,3})[0-9]")
_ROW_REF = re.compile(_FAST_REF + rb'[A-Z]{0,3}([0-9]{1,7})"')
_ANY_COLUMN_REF = re.compile(_ANY_REF + rb"([A-Z]{1,3})[0-9]")
_ANY_ROW_REF = re.compile(_ANY_REF + rb"""[A-Z]{0,3}([0-9]{1,7})["']""")
_ANY_ERROR = re.compile(rb"""\st\s*=\s*["']e["']""")
_SPACES = bytes.maketrans(b"\t\r\n", b"   ")
#: Bytes of a sheet's XML looked at at a time by the check before calamine reads it.
_CHUNK = 1 << 23
#: Where a block's widest and furthest references are looked for first: its start (a
#: header row is often the widest) and its end (rows come in order).
_EDGE = 1 << 16
#: Searches for a reference beyond the largest found so far, per block, before the block's
#: references are all read (a sheet whose cells are out of order).
_SEARCHES = 8


def _column_number(letters: bytes) -> int:
    found = 0
    for ch in letters:
        found = found * 26 + ch - 64
    return found


def _column_letters(number_: int) -> bytes:
    letters = b""
    while number_:
        number_, rest = divmod(number_ - 1, 26)
        letters = bytes((65 + rest,)) + letters
    return letters


def _above(value: bytes, low: int, high: int, longest: int) -> bytes:
    """A pattern for a run of the characters low…high, at most ``longest`` long, that is more
    than ``value`` (digits without leading zeros, or column letters): longer, or as long and
    higher at its first difference. It may match more (a number with leading zeros), never
    less: a reference it misses is not more than ``value``."""
    any_ = b"[%c-%c]" % (low, high)
    choices = [any_ + b"{%d,%d}" % (len(value) + 1, longest)] if len(value) < longest else []
    for at, ch in enumerate(value):
        if ch < high:
            rest = len(value) - at - 1
            choices.append(re.escape(value[:at]) + b"[%c-%c]" % (ch + 1, high) + (any_ * rest))
    return b"(?:" + b"|".join(choices) + b")" if choices else b"(?!)"


def _furthest(data: bytes, odd: bool, rows: int, columns: int) -> tuple[int, int]:
    """The largest row number and column in ``data``'s references, at least rows and columns.
    Found without reading every reference: the largest at the block's edges, then a search
    for any beyond them (none, for a sheet in order); only a block whose references are out
    of order past _SEARCHES finds is read reference by reference."""
    column_ref, row_ref = (_ANY_COLUMN_REF, _ANY_ROW_REF) if odd else (_COLUMN_REF, _ROW_REF)
    prefix = _ANY_REF if odd else _FAST_REF
    quote = rb"""["']""" if odd else b'"'
    for edge in (data[:_EDGE], data[-_EDGE:]):
        letters = column_ref.findall(edge)
        if letters:
            columns = max(columns, _column_number(max(letters, key=lambda c: (len(c), c))))
        numbers = row_ref.findall(edge)
        if numbers:
            rows = max(rows, max(map(int, numbers)))
    searches = 0
    at = 0
    while True:
        beyond = re.compile(
            prefix + b"(" + _above(_column_letters(columns), 65, 90, 3) + b")[0-9]"
        ).search(data, at)
        if beyond is None:
            break
        searches += 1
        if searches > _SEARCHES:
            every = set(column_ref.findall(data))
            columns = max(columns, _column_number(max(every, key=lambda c: (len(c), c))))
            break
        columns = max(columns, _column_number(beyond.group(1)))
        at = beyond.end()
    searches = 0
    at = 0
    while True:
        beyond = re.compile(
            prefix + b"[A-Z]{0,3}(" + _above(str(rows).encode(), 48, 57, 7) + b")" + quote
        ).search(data, at)
        if beyond is None:
            break
        searches += 1
        if searches > _SEARCHES:
            rows = max(rows, max(map(int, set(row_ref.findall(data)))))
            break
        rows = max(rows, int(beyond.group(1)))
        at = beyond.end()
    return rows, columns


def _check_xlsx(path: Path, checked: Callable[[str], None] | None = None) -> bool:
    """Before calamine reads an .xlsx: refuses a sheet whose rectangle exceeds MAX_CELLS (from
    its cells' references), and says whether any sheet has error cells (t="e"). Checks every
    part under xl/worksheets/ and every part the workbook names as a sheet; ``checked`` is told
    each sheet's name as soon as its part has passed (calamine may read it from then on)."""
    errors = False
    with zipfile.ZipFile(path) as archive:
        sheets = _xlsx_sheet_parts(archive)
        for info in archive.infolist():
            name = info.filename
            if name not in sheets and not (
                name.startswith("xl/worksheets/") and name.endswith(".xml")
            ):
                continue
            rows = columns = 0
            tail = b""
            with archive.open(info) as fh:
                while block := fh.read(_CHUNK):
                    # A reference cut by the block's end is found whole in the next one.
                    data = tail + block
                    if b"\n" in data or b"\r" in data or b"\t" in data:
                        data = data.translate(_SPACES)
                    tail = data[-40:]
                    # Any "=" not followed by '"' (r='A1', r= "A1"), or one after a space.
                    odd = data.count(b"=") != data.count(b'="') or b" =" in data
                    errors = errors or (
                        _ANY_ERROR.search(data) is not None if odd else b' t="e"' in data
                    )
                    rows, columns = _furthest(data, odd, rows, columns)
            if rows * columns > MAX_CELLS:
                raise _too_many_cells(path, sheets.get(name, name), rows, columns)
            if checked is not None and name in sheets:
                checked(sheets[name])
    return errors


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's part in an .xlsx → the sheet's name, from the workbook (xl/workbook.xml)
    and its relationships; {} where those cannot be read (calamine then says what is wrong).
    Matched by local name, so that a Strict Open XML workbook's other namespaces count too."""
    import xml.etree.ElementTree as ET

    try:
        relationships = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, ET.ParseError, *_ZIP_ERRORS):
        return {}
    targets: dict[str, str] = {}
    for relationship in relationships:
        target = relationship.get("Target") or ""
        part = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
        targets[relationship.get("Id") or ""] = part
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), None)
        name = element.get("name")
        if rid in targets and name:
            parts[targets[rid]] = name
    return parts


#: Records of an .xlsb sheet: a row's header (its row number), and the cells (their column
#: first): BrtCellBlank … BrtFmlaError, BrtCellRString ([MS-XLSB] 2.3.2).
_XLSB_ROW = 0
_XLSB_CELLS = frozenset((*range(1, 12), 62))


#: Error cells by sheet, row and column (from 0): their text, such as "#N/A".
ErrorCells = dict[str, dict[int, dict[int, str]]]
#: The most error cells kept per file (a repeated error cell counts once per cell it covers).
_MAX_ERROR_CELLS = 100_000


def _xlsb_records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """An .xlsb part's records as (type, start of data, size): each a type and a size, both
    variable-length numbers ([MS-XLSB] 2.1.4), then the data."""
    pos, end = 0, len(data)
    while pos < end:
        kind = data[pos] & 0x7F
        if data[pos] & 0x80:
            pos += 1
            kind |= (data[pos] & 0x7F) << 7
        pos += 1
        size = shift = 0
        for _ in range(4):
            byte = data[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, pos, size
        pos += size


#: BrtCellError and BrtFmlaError: a cell holding an error; its code → Excel's text.
_XLSB_ERROR_CELLS = frozenset((3, 11))
_XLSB_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
    0x2B: "#GETTING_DATA",
}


def _check_xlsb(path: Path) -> ErrorCells:
    """Before calamine reads an .xlsb: refuses a sheet whose rectangle exceeds MAX_CELLS, from
    its row headers and cells' columns. Returns the error cells (#N/A …), which calamine reads
    as empty."""
    errors: ErrorCells = {}
    count = 0
    with zipfile.ZipFile(path) as archive:
        names = _xlsb_sheet_names(archive)
        for info in archive.infolist():
            part = info.filename
            if not (part.startswith("xl/worksheets/") and part.endswith(".bin")):
                continue
            data = archive.read(info)
            rows = columns = row = 0
            found: dict[int, dict[int, str]] = {}
            for kind, pos, _size in _xlsb_records(data):
                if kind == _XLSB_ROW:
                    row = int.from_bytes(data[pos : pos + 4], "little")
                    rows = max(rows, row + 1)
                elif kind in _XLSB_CELLS:
                    column = int.from_bytes(data[pos : pos + 4], "little")
                    columns = max(columns, column + 1)
                    if kind in _XLSB_ERROR_CELLS and count < _MAX_ERROR_CELLS:
                        text = _XLSB_ERRORS.get(data[pos + 8], "#VALUE!")
                        found.setdefault(row, {})[column] = text
                        count += 1
            if rows * columns > MAX_CELLS:
                raise _too_many_cells(path, names.get(part, part), rows, columns)
            if found and part in names:
                errors[names[part]] = found
    return errors


def _xlsb_sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet part's sheet name: the workbook's BrtBundleSh records (a relationship id and
    a name, as strings of UTF-16 with their length first) and its relationships."""
    import xml.etree.ElementTree as ET

    try:
        targets = {
            rel.get("Id"): "xl/" + (rel.get("Target") or "").lstrip("/").removeprefix("xl/")
            for rel in ET.fromstring(archive.read("xl/_rels/workbook.bin.rels"))
        }
        data = archive.read("xl/workbook.bin")
    except (KeyError, ET.ParseError):
        return {}
    names = {}
    for kind, pos, size in _xlsb_records(data):
        if kind != 156:  # BrtBundleSh
            continue
        strings, at = [], pos + 8
        for _ in range(2):
            length = int.from_bytes(data[at : at + 4], "little")
            strings.append(data[at + 4 : at + 4 + 2 * length].decode("utf-16-le", "replace"))
            at += 4 + 2 * length
        if at <= pos + size and strings[0] in targets:
            names[targets[strings[0]]] = strings[1]
    return names


def _check_ods(path: Path) -> ErrorCells:
    """Before calamine reads an .ods: refuses a sheet whose rectangle exceeds MAX_CELLS. An
    .ods repeats a row or a cell by a count (number-rows-repeated="1048000"), so 20 KB can
    hold 48 million cells; the rectangle runs to the last cell with a value or content. Names
    are compared as written, with the "table:" prefix, as calamine compares them (it reads no
    sheet from a file with another prefix). Returns the error cells (#N/A, #DIV/0! …), which
    calamine reads as empty: LibreOffice writes them as text with the error in the cell's
    paragraph and an empty value."""
    with zipfile.ZipFile(path) as archive:
        if "content.xml" not in archive.NameToInfo:
            return {}  # calamine says what is missing
        manifest = "META-INF/manifest.xml"
        if manifest in archive.NameToInfo and b"encryption-data" in archive.read(manifest):
            raise _protected(path)  # its content.xml is encrypted
        data = _read_whole(archive, "content.xml")
    if _ods_rectangles(data, path):
        return {}
    parser = expat.ParserCreate()
    extent = _OdsExtent(path, parser)
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    parser.Parse(data, True)
    return extent.errors


def _read_whole(archive: zipfile.ZipFile, part: str) -> bytearray:
    """A part unpacked into one buffer of its size, a block at a time (ZipFile.read joins
    pieces: twice the size for a moment, 400 MB for the .ods of 20,000 citizens)."""
    info = archive.getinfo(part)
    data = bytearray(info.file_size)
    view = memoryview(data)
    done = 0
    with archive.open(info) as fh:
        while done < len(data) and (block := fh.read(min(_CHUNK, len(data) - done))):
            view[done : done + len(block)] = block
            done += len(block)
    view.release()
    if done < len(data):
        raise EOFError(f"{part} is shorter than its directory says")
    return data


_ODS_SHEET = re.compile(rb"<table:table[\s>]")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="([0-9]+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="([0-9]+)"')
#: The empty cells LibreOffice ends every row with, up to column 16,384.
_ODS_PADDING = re.compile(rb'<table:table-cell table:number-columns-repeated="[0-9]+"/>$')


def _ods_rectangles(data: bytes | bytearray, path: Path) -> bool:
    """The check of :func:`_check_ods` row by row with bytes' own searches, four times faster
    than expat's call per element (a row's width is counted up to its last cell, LibreOffice's
    padding left out: never less than calamine's). Refuses as that does; False when the content
    holds what only the check element by element handles: error cells, a table inside a cell,
    repeats spelled otherwise."""
    if (
        b'calcext:value-type="error"' in data
        or b"repeated='" in data
        or b"repeated =" in data
        or b"repeated= " in data
    ):
        return False
    sheets = [match.start() for match in _ODS_SHEET.finditer(data)]
    for index, start in enumerate(sheets):
        end = data.find(b"</table:table>", start)
        if end < 0 or (index + 1 < len(sheets) and sheets[index + 1] < end):
            return False
        found = _ODS_NAME.search(data, start, data.find(b">", start))
        name = unescape(found[1].decode("utf-8", "replace"), {"&quot;": '"'}) if found else ""
        row = rows = columns = 0
        covered = data.find(b"<table:covered-table-cell", start, end) >= 0
        pos = start
        while (pos := data.find(b"<table:table-row", pos, end)) >= 0:
            tag_end = data.find(b">", pos, end)
            if tag_end < 0:
                return False
            if data[pos + 16 : pos + 17] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
                pos += 16  # <table:table-rows>, <table:table-row-group>
                continue
            repeat = 1
            if data.find(b"repeated", pos, tag_end) >= 0:
                found = _ODS_ROWS_REPEATED.search(data, pos, tag_end)
                repeat = max(int(found[1]), 1) if found else 1
            if data[tag_end - 1 : tag_end] == b"/":
                row += repeat  # an empty row written as one element
                pos = tag_end
                continue
            close = data.find(b"</table:table-row>", tag_end, end)
            if close < 0:
                return False
            if (
                data.find(b"value-type", tag_end, close) >= 0
                or data.find(b"<text:", tag_end, close) >= 0
            ):
                width = data.count(b"<table:table-cell", tag_end, close)
                if covered:
                    width += data.count(b"<table:covered-table-cell", tag_end, close)
                first = data.find(b"repeated", tag_end, close)
                if first >= 0:
                    last = data.rfind(b"<table:table-cell", tag_end, close)
                    if (
                        first > last
                        and data[close - 2 : close] == b"/>"
                        and data.find(b"value-type", last, close) < 0
                    ):
                        width -= 1  # only the empty cells that end the row repeat
                    else:
                        body = data[tag_end + 1 : close]
                        padding = _ODS_PADDING.search(body)
                        if padding is not None:
                            body = body[: padding.start()]
                            width -= 1
                        width += sum(
                            int(count) - 1 for count in _ODS_COLUMNS_REPEATED.findall(body)
                        )
                rows = row + repeat
                columns = max(columns, width)
                if rows * columns > MAX_CELLS:
                    raise _too_many_cells(path, name, rows, columns)
            row += repeat
            pos = close
    return True


_ODS_CELLS = frozenset(("table:table-cell", "table:covered-table-cell"))


#: What an .ods table inside a cell sets aside of the table around it, and gets back after it.
_ODS_TABLE_STATE = ("sheet", "row", "column", "rows", "columns", "row_repeat", "cells")


class _OdsExtent:
    """The rows and columns of each sheet of an .ods's content.xml, up to its last cell with a
    value, as expat streams it (3 million elements for 20,000 citizens: little per element)."""

    def __init__(self, path: Path, parser) -> None:
        self.path = path
        self.parser = parser
        self.errors: ErrorCells = {}
        self.error_count = 0
        self.error_text: list[str] | None = None  # the text of the error cell being read
        self.sheet = ""
        self.row = self.column = self.rows = self.columns = 0
        self.row_repeat = 1
        self.cells: list[int] = []  # the open cells' repeats (a cell may hold a table)
        self.content = False  # the innermost open cell has a value or content
        self.tables: list[tuple[object, ...]] = []  # outer tables (_ODS_TABLE_STATE)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in _ODS_CELLS:
            repeat = attrs.get("table:number-columns-repeated")
            self.cells.append(_count(repeat) if repeat else 1)
            self.content = "office:value-type" in attrs
            if self.content:
                self._extend()
                if attrs.get("calcext:value-type") == "error" and not self.tables[1:]:
                    self.error_text = []
                    self.parser.CharacterDataHandler = self.error_text.append
        elif name == "table:table-row":
            self.column = 0
            repeat = attrs.get("table:number-rows-repeated")
            self.row_repeat = _count(repeat) if repeat else 1
        elif name == "table:table":
            self.tables.append(tuple(getattr(self, field) for field in _ODS_TABLE_STATE))
            self.sheet = attrs.get("table:name", "")
            self.row = self.column = self.rows = self.columns = 0
            self.row_repeat, self.cells, self.content = 1, [], False
        elif self.cells and not self.content:
            self.content = True  # text without a value type (older writers)
            self._extend()

    def _error(self, text: str) -> None:
        self.parser.CharacterDataHandler = None
        self.error_text = None
        sheet = self.errors.setdefault(self.sheet, {})
        for row in range(self.row, self.row + self.row_repeat):
            for column in range(self.column, self.column + self.cells[-1]):
                if self.error_count >= _MAX_ERROR_CELLS:
                    return
                sheet.setdefault(row, {})[column] = text or "#VALUE!"
                self.error_count += 1

    def _extend(self) -> None:
        self.rows = max(self.rows, self.row + self.row_repeat)
        self.columns = max(self.columns, self.column + self.cells[-1])
        if self.rows * self.columns > MAX_CELLS:
            raise _too_many_cells(self.path, self.sheet, self.rows, self.columns)

    def end(self, name: str) -> None:
        if name in _ODS_CELLS:
            if self.error_text is not None:
                self._error("".join(self.error_text).strip())
            if self.cells:
                self.column += self.cells.pop()
            self.content = False
        elif name == "table:table-row":
            self.row += self.row_repeat
        elif name == "table:table" and self.tables:
            for field, value in zip(_ODS_TABLE_STATE, self.tables.pop(), strict=True):
                setattr(self, field, value)
            self.content = True  # a cell holding a table has content


def _count(text: str | None) -> int:
    """A repeat count as written (1 when absent or not a number)."""
    if text is None:
        return 1
    try:
        return max(int(text), 1)
    except ValueError:
        return 1


def _too_many_cells(path: Path, sheet: str, rows: int, columns: int) -> ImportFileError:
    return ImportFileError(
        "Arket »{sheet}« i filen {path} spænder over {rows} rækker og {columns} kolonner — over "
        "{limit} celler, langt mere end et udtræk. Slet de tomme rækker og kolonner under og til "
        "højre for dataene (eller gem arket som CSV), og importér filen igen.",
        path=str(path),
        sheet=sheet,
        rows=number(rows),
        columns=number(columns),
        limit=number(MAX_CELLS),
    )


def _read_workbook(
    path: Path, kind: str, progress: Progress | None, cancelled: Callable[[], bool]
) -> list[SourceTable]:
    """A workbook through calamine (an .xlsx with error cells through openpyxl)."""
    from python_calamine import CalamineWorkbook

    def open_workbook() -> CalamineWorkbook:
        if path.suffix.lower() in _SUFFIXES[kind]:
            return CalamineWorkbook.from_path(str(path))
        # calamine picks the format by the name's ending (an .xls that is an .xlsx would fail);
        # a file named otherwise is read from its bytes, which it tells by content.
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(fh)

    loads = _SheetLoads(open_workbook)
    try:
        return _read_sheets(path, kind, loads, progress, cancelled)
    finally:
        loads.close()


def _read_sheets(
    path: Path,
    kind: str,
    loads: _SheetLoads,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> list[SourceTable]:
    from python_calamine import PasswordError

    errors: ErrorCells = {}
    try:
        if kind == "xlsx" and _check_xlsx(path, loads.checked):
            return _read_xlsx_openpyxl(path, progress, cancelled)
        if kind == "xlsb":
            errors = _check_xlsb(path)
        elif kind == "ods":
            errors = _check_ods(path)
    except (*_ZIP_ERRORS, IndexError) as exc:  # IndexError: an .xlsb record cut short
        raise _broken(path, type(exc).__name__) from None
    except expat.ExpatError as exc:
        raise _broken(path, f"XML: {exc}") from None
    try:
        names = loads.names()
    except PasswordError:
        raise _protected(path) from None
    except OSError as exc:
        raise ImportFileError(
            "Filen {path} kunne ikke læses: {reason}.", path=str(path), reason=os_reason(exc)
        ) from None
    except BaseException as exc:
        # CalamineError, and the Rust side's panic on some broken files (a BaseException).
        if not _calamine_failure(exc):
            raise
        if kind == "xls" and _encrypted_ooxml(path):
            raise _protected(path) from None
        raise _broken(path, _reason(exc)) from None
    tables = []
    # Each sheet an equal share of the progress (its rows are known once calamine has read it),
    # in thousandths: (sheets done × 1000 + the share of this one's rows, sheets × 1000).
    expected = len(names) * 1000
    for index, name in enumerate(names):
        if cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(index * 1000, expected)
        try:
            sheet = loads.sheet(name)
            end = sheet.end
            if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_CELLS:
                raise _too_many_cells(path, name, end[0] + 1, end[1] + 1)
            height = end[0] + 1 if end is not None else 0
            # Rows come from row 1, but cells from the sheet's first column with one.
            pad = [None] * (sheet.start[1] if sheet.start is not None else 0)

            def numbered(
                sheet=sheet,
                base=index * 1000,
                height=height,
                pad=pad,
                fixes=errors.get(name, {}),
            ) -> Iterator[tuple[int, Sequence]]:
                number_ = 0
                for batch in _batches(sheet.iter_rows(), len(pad)):
                    for values in batch:
                        number_ += 1
                        if number_ % STEP == 0:
                            if cancelled():
                                raise ImportCancelled()
                            if progress is not None:
                                progress(base + 1000 * number_ // height, expected)
                        fix = fixes.get(number_ - 1) if fixes else None
                        if fix:
                            values = _with_errors(values, fix)
                        yield number_, values

            tables.append(_sheet(name, numbered()))
            del sheet  # its cells, held by calamine, are not needed again
        except BaseException as exc:
            if not _calamine_failure(exc):
                raise
            raise ImportFileError(
                "Arket »{sheet}« i filen {path} kunne ikke læses; filen er beskadiget eller "
                "ufuldstændig ({reason}).",
                path=str(path),
                sheet=name,
                reason=_reason(exc),
            ) from None
    if progress is not None:
        progress(expected, expected)
    return tables


class _SheetLoads:
    """calamine opening a workbook and reading its sheets on a second thread, each sheet as
    soon as the check before it has passed (``checked``): calamine lets go of the interpreter
    while it reads, so a sheet is read while the next is checked and the one before converted.
    Every call into the workbook is made on that thread (calamine refuses a second caller while
    it reads); what is not asked for on the way is read when it is needed. Errors come where
    they would without the thread: from :meth:`names` and :meth:`sheet`."""

    def __init__(self, opener: Callable[[], CalamineWorkbook]) -> None:
        self._opener = opener
        self._pool: ThreadPoolExecutor | None = None
        self._opened: Future[tuple[CalamineWorkbook, list[str]]] | None = None
        self._sheets: dict[str, Future[CalamineSheet]] = {}

    def _open(self) -> tuple[CalamineWorkbook, list[str]]:
        from python_calamine import SheetTypeEnum

        workbook = self._opener()
        names = [
            sheet.name
            for sheet in workbook.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet  # chart and dialog sheets have no cells
        ]
        return workbook, names

    def _opening(self) -> Future[tuple[CalamineWorkbook, list[str]]]:
        if self._opened is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="calamine")
            self._opened = self._pool.submit(self._open)
        return self._opened

    def _load(self, name: str) -> Future[CalamineSheet]:
        opened = self._opening()
        assert self._pool is not None
        return self._pool.submit(lambda: opened.result()[0].get_sheet_by_name(name))

    def checked(self, name: str) -> None:
        self._sheets[name] = self._load(name)

    def names(self) -> list[str]:
        """The work sheets' names (the workbook opened)."""
        return self._opening().result()[1]

    def sheet(self, name: str) -> CalamineSheet:
        future = self._sheets.pop(name, None) or self._load(name)
        return future.result()

    def close(self) -> None:
        """Waits for the thread (a sheet being read is finished, the rest not begun), then
        closes the workbook if it was opened."""
        if self._pool is None or self._opened is None:
            return
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._sheets.clear()
        opened = self._opened
        if not opened.cancelled() and opened.exception() is None:
            opened.result()[0].close()


#: The name endings calamine reads each kind of workbook by.
_SUFFIXES = {
    "xlsx": (".xlsx", ".xlsm"),
    "xlsb": (".xlsb",),
    "xls": (".xls",),
    "ods": (".ods",),
}


def _calamine_failure(exc: BaseException) -> bool:
    """Whether calamine failed on the file: its errors, what Python raises for what it gives
    back, and a panic of the Rust code ("range end index 64 out of range" on a truncated
    .xlsb), which pyo3 raises as a BaseException."""
    from python_calamine import CalamineError

    if isinstance(exc, (CalamineError, OSError, ValueError, OverflowError, TypeError)):
        return True
    return type(exc).__name__ == "PanicException"


def _reason(exc: BaseException) -> str:
    """What calamine says, short (for the end of a message)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _encrypted_ooxml(path: Path) -> bool:
    """An .xlsx or .xlsb saved with a password: Office wraps it in the old container with an
    "EncryptionInfo" stream (whose name is in the container's directory, in UTF-16)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(1 << 20)
    except OSError:
        return False
    return "EncryptionInfo".encode("utf-16-le") in data


def _values(row: Sequence) -> list:
    """A row's cells as openpyxl gives them (and the reader before calamine did): calamine
    gives "" for an empty cell (None), a float for every number of an .xlsx (an int when whole,
    as openpyxl reads "2"), and a date for a date cell without a time (a datetime at
    midnight). Inline, per cell: a sheet of extracts has millions."""
    return [
        None
        if cell == ""
        else _whole(cell)
        if type(cell) is float
        else dt.datetime(cell.year, cell.month, cell.day)
        if type(cell) is dt.date
        else cell
        for cell in row
    ]


class _Cells(dict[object, object]):
    """Cells as openpyxl gives them, by calamine's value: each distinct value converted once
    (a date or a number of hours repeats thousands of times in an extract)."""

    def __missing__(self, cell: object) -> object:
        self[cell] = value = _values((cell,))[0]
        return value


#: The types of calamine's values that no value of another type equals: a column of only
#: these is converted through _Cells (True == 1 == 1.0, and 10**16 == 1e16, are converted
#: differently, so a column with a bool or an int is converted cell by cell).
_DISTINCT = frozenset((str, float, dt.date, dt.datetime, dt.time, dt.timedelta))
#: Rows converted at a time, column by column.
_BATCH = 2000


def _batches(rows: Iterator[list], pad: int) -> Iterator[Iterable[Sequence]]:
    """calamine's rows as openpyxl gives them (:func:`_values`), in batches, each row after
    ``pad`` empty cells: converted column by column, a column of text without an empty cell
    not at all, and a column empty in every row of the batch left off at the row's end (as
    :func:`_trim` would)."""
    cells = _Cells()
    while batch := list(itertools.islice(rows, _BATCH)):
        if len({len(row) for row in batch}) != 1:
            yield ([None] * pad + _values(row) for row in batch)
            continue
        columns: list[Sequence] = []
        for column in zip(*batch):
            kinds = set(map(type, column))
            if kinds == {str} and "" not in column:
                columns.append(column)
            elif kinds <= _DISTINCT:
                columns.append(list(map(cells.__getitem__, column)))
            else:
                columns.append(_values(column))
        while columns and columns[-1].count(None) == len(batch):
            columns.pop()
        if pad:
            columns[:0] = [(None,) * len(batch)] * pad
        yield zip(*columns) if columns else [()] * len(batch)


def _with_errors(values: Sequence, errors: dict[int, str]) -> list:
    """A row with its error cells' text where calamine gave an empty cell."""
    values = list(values)
    for column, text in errors.items():
        if column >= len(values):
            values.extend([None] * (column + 1 - len(values)))
        if values[column] is None:
            values[column] = text
    return values


def _whole(value: float) -> float | int:
    """An int for a whole number below 10¹⁶, which a workbook stores without a decimal point or
    an exponent ("150", read as int by openpyxl); a float for the rest, as stored ("1e+16")."""
    return int(value) if value.is_integer() and abs(value) < 1e16 else value


def _read_xlsx_openpyxl(
    path: Path, progress: Progress | None, cancelled: Callable[[], bool]
) -> list[SourceTable]:
    """An .xlsx with error cells: openpyxl keeps their text ("#N/A"), which calamine reads as an
    empty cell (a "til" read as empty would reopen a period)."""
    from openpyxl import load_workbook  # imported when a file is first read (start-up stays fast)

    try:
        with warnings.catch_warnings():
            # openpyxl warns of what it does not keep ("Data Validation extension is not
            # supported …"); only the values are read, so that is no news for the user.
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file (zip, XML, KeyError …)
        raise _broken(path, type(exc).__name__) from None
    try:
        sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
        expected = 0
        for ws in sheets:
            try:
                expected += min(ws.max_row or 0, 2_000_000)
            except Exception:  # a missing or odd dimension: progress without a total
                pass
        tables = []
        done = 0

        def numbered(ws) -> Iterator[tuple[int, tuple]]:
            for number_, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if number_ % STEP == 0:
                    if cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(done + number_, expected)
                yield number_, row

        for ws in sheets:
            if cancelled():
                raise ImportCancelled()
            # The stored dimension can be wrong (A1:XFD1048576); read the cells that exist.
            ws.reset_dimensions()
            table = _sheet(ws.title, numbered(ws))
            done += len(table.rows) + 1
            tables.append(table)
            if progress is not None:
                progress(done, max(expected, done))
        if progress is not None:
            progress(done, done)
        return tables
    except (ImportCancelled, ImportFileError):
        raise
    except Exception as exc:  # a truncated or corrupt sheet part shows only while reading
        raise _broken(path, type(exc).__name__) from None
    finally:
        workbook.close()


# --- CSV -------------------------------------------------------------------------------------------


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise _mixed(data, exc.start + len(codecs.BOM_UTF8), path) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _NotCsv(
                "Filen {path} kunne ikke læses som UTF-16-tekst.", path=str(path)
            ) from None
    if b"\x00" in data:
        raise _NotCsv(
            "Filen {path} er hverken et Excel-regneark eller en CSV-fil (den indeholder binære data).",
            path=str(path),
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Danish Excel saves "CSV (semikolonsepareret)" in Windows-1252.
        text = data.decode("cp1252", errors="replace")
        if _UTF8_DANISH.search(data) and not _NOISE.search(text, 0, _SAMPLE):
            # Text with "ø" as UTF-8 elsewhere in it: read as Windows-1252 that would be "Ã¸".
            # (Binary data is refused by its control characters afterwards.)
            raise _mixed(data, exc.start, path) from None
        return text


#: A Danish or accented letter written as UTF-8 (Ã¦ Ã¸ Ã¥ Ã© … read as Windows-1252).
_UTF8_DANISH = re.compile(rb"\xc3[\x80-\xbf]")


def _mixed(data: bytes, position: int, path: Path) -> ImportFileError:
    """A file that is UTF-8 in part and another encoding elsewhere: read either way some names
    would come out wrong, so it is refused with the line that breaks it."""
    line = data.count(b"\n", 0, position) + 1
    return ImportFileError(
        "Filen {path} blander to tegnkodninger: linje {line} er ikke UTF-8, men resten af filen er. "
        "Gem filen igen som »CSV UTF-8« (i Excel: Gem som → CSV UTF-8), og importér den igen.",
        path=str(path),
        line=line,
    )


#: Characters no text file of a spreadsheet holds: control characters (tab and line ends
#: excepted) and the replacement for bytes that are no character at all.
_NOISE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
#: How much of a file's start is looked at to tell text from binary data.
_SAMPLE = 65_536


def _first_line(text: str) -> str:
    """The first line with something on it: the header, as the CSV reader sees lines."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        if line.strip():
            return line
        if end < 0:
            break
        start = end + 1
    return ""


def _check_text(text: str, path: Path) -> str:
    """The delimiter of a text that looks like a CSV file; raises ImportFileError for binary
    data (random bytes without a NUL decode as Windows-1252) and for text without headers
    separated by ";", "," or tab (a letter, a list of numbers): not a spreadsheet at all."""
    # A stray control character in a cell is the cell's problem (validation names it);
    # random bytes have one in every eight characters.
    noise = len(_NOISE.findall(text, 0, _SAMPLE))
    if noise >= 8 and noise * 100 > min(len(text), _SAMPLE):
        raise _NotCsv(
            "Filen {path} er hverken et Excel-regneark eller en CSV-fil (den indeholder binære data).",
            path=str(path),
        )
    first = _first_line(text)
    counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ";"))
    if not counts[best]:
        raise _NotCsv(
            "Filen {path} er ikke en CSV-fil: den første linje har ingen overskrifter adskilt af semikolon, "
            "komma eller tabulator.",
            path=str(path),
        )
    return best


def _check_open_quote(
    path: Path, record: list[str], delimiter: str, row: int, first: int, last: int
) -> None:
    """A record over several lines is a quoted cell with line breaks, as Excel writes a note on
    two lines; but a cell whose later lines hold the separator is a quote never closed, which
    swallowed the rows after it (three citizens in the file, two imported): refused."""
    for cell in record:
        broken = cell.find("\n")
        if broken >= 0 and delimiter in cell[broken:]:
            raise ImportFileError(
                'Filen {path} har i række {row} (linje {first}) et anførselstegn (") der aldrig '
                "afsluttes: linje {first}–{last} ville blive læst som én celle, og rækkerne i dem "
                "ville mangle. Ret anførselstegnet i linje {first}, og importér filen igen.",
                path=str(path),
                row=row,
                first=first,
                last=last,
            )


def _read_csv(path: Path, progress: Progress | None, cancelled: Callable[[], bool]) -> SourceTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            "Filen {path} kunne ikke læses: {reason}.", path=str(path), reason=os_reason(exc)
        ) from None
    text = _decode(data, path)
    if not text.strip():
        raise _NotCsv("Filen {path} indeholder ingen tekst.", path=str(path))
    delimiter = _check_text(text, path)
    previous = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        expected = text.count("\n") + 1

        def numbered() -> Iterator[tuple[int, tuple]]:
            line = 0  # the last line of the previous record
            for number_, record in enumerate(reader, start=1):
                if number_ % STEP == 0:
                    if cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(number_, expected)
                if reader.line_num > line + 1:
                    _check_open_quote(path, record, delimiter, number_, line + 1, reader.line_num)
                line = reader.line_num
                yield number_, tuple(cell if cell.strip() else None for cell in record)

        table = _sheet(path.stem, numbered())
        table.csv = True
    except csv.Error as exc:
        raise ImportFileError(
            "Filen {path} er ikke en gyldig CSV-fil (række {row}: {reason}).",
            path=str(path),
            row=reader.line_num,
            reason=str(exc),
        ) from None
    finally:
        csv.field_size_limit(previous)
    if progress is not None:
        progress(len(table.rows), len(table.rows))
    return table
