"""Reading a source file into sheets (exchange.import_format.SourceTable): Excel (.xlsx, .xlsm) through
the fast cell reader of exchange.xlsx (openpyxl's read-only mode for a package it does not
expect), and CSV separated by ";", "," or tab, in UTF-8 (with or without
BOM), UTF-16 or Windows-1252 (what Danish Excel writes).

A file that is not a spreadsheet at all — empty, random bytes, a broken or truncated .xlsx,
the old .xls format — raises ImportFileError with a Danish message; nothing else escapes."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import ImportCancelled
from fsm_desktop.exchange.import_format import SourceTable

#: The largest CSV field read (a bigger one is a broken file, not data).
CSV_FIELD_LIMIT = 16 * 1024 * 1024
#: Rows between progress reports and checks for "cancel".
STEP = 2000

Progress = Callable[[int, int], None]  # (rows read so far, rows expected or 0)


class ImportFileError(KnownError):
    """The file is not a spreadsheet at all (or cannot be read): the command exits with 2."""


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
    for number, cells in numbered:
        row = tuple(cells)
        if not row or _is_blank(row):
            continue
        if header is None:
            header = ["" if cell is None else str(cell).strip() for cell in _trim(row)]
            header_row = number
            continue
        rows.append((number, _trim(row)))
    return SourceTable(title, header or [], rows, header_row)


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
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Filen {path} er i det gamle Excel-format (.xls) eller beskyttet med adgangskode. "
            "Åbn den i Excel og gem den som Excel-projektmappe (.xlsx) eller CSV.",
            path=str(path),
        )
    if head.startswith(b"PK"):
        return _read_xlsx(path, progress, cancelled)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportFileError(
            "Filen {path} er ikke et Excel-regneark (den er beskadiget eller af en anden type).",
            path=str(path),
        )
    return [_read_csv(path, progress, cancelled)]


# --- Excel ---------------------------------------------------------------------------------------


def _broken(path: Path, exc: BaseException) -> ImportFileError:
    return ImportFileError(
        "Filen {path} kunne ikke læses som Excel-regneark; den er beskadiget eller ufuldstændig ({reason}).",
        path=str(path),
        reason=type(exc).__name__,
    )


def _read_xlsx(
    path: Path, progress: Progress | None, cancelled: Callable[[], bool]
) -> list[SourceTable]:
    """The fast reader (exchange.xlsx); a package it does not expect goes to openpyxl."""
    from xml.parsers import expat

    from fsm_desktop.exchange import xlsx

    try:
        if not zipfile.is_zipfile(path):
            raise ImportFileError(
                "Filen {path} er ikke et Excel-regneark (den er beskadiget).", path=str(path)
            )
        workbook = xlsx.Workbook(str(path))
    except ImportFileError:
        raise
    except xlsx.Unsupported:
        return _read_xlsx_openpyxl(path, progress, cancelled)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        expat.ExpatError,
        KeyError,
        ValueError,
        IndexError,
        EOFError,
        OSError,
    ) as exc:
        raise _broken(path, exc) from None
    try:
        expected = sum(workbook.size(part) for _, part in workbook.sheets) or 1
        done_bytes = 0
        tables = []
        for title, part in workbook.sheets:
            base = done_bytes

            def report(done: int, base: int = base) -> None:
                if progress is not None:
                    # Bytes of XML, as rows: a sheet's rows are not counted before they are read.
                    progress(base + done, expected)

            tables.append(_sheet(title, workbook.rows(part, report, cancelled)))
            done_bytes += workbook.size(part)
        if progress is not None:
            progress(expected, expected)
        return tables
    except xlsx.Cancelled:
        raise ImportCancelled() from None
    except xlsx.Unsupported:
        return _read_xlsx_openpyxl(path, progress, cancelled)
    except (
        zipfile.BadZipFile,
        expat.ExpatError,
        KeyError,
        ValueError,
        IndexError,
        EOFError,
        OSError,
        TypeError,
        OverflowError,
    ) as exc:
        raise _broken(path, exc) from None
    finally:
        workbook.close()


def _read_xlsx_openpyxl(
    path: Path, progress: Progress | None, cancelled: Callable[[], bool]
) -> list[SourceTable]:
    from openpyxl import load_workbook  # imported when a file is first read (start-up stays fast)

    try:
        if not zipfile.is_zipfile(path):
            raise ImportFileError(
                "Filen {path} er ikke et Excel-regneark (den er beskadiget).", path=str(path)
            )
        with warnings.catch_warnings():
            # openpyxl warns of what it does not keep ("Data Validation extension is not
            # supported …"); only the values are read, so that is no news for the user.
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken file (zip, XML, KeyError …)
        raise _broken(path, exc) from None
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
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if number % STEP == 0:
                    if cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(done + number, expected)
                yield number, row

        for ws in sheets:
            # The stored dimension can be wrong (A1:XFD1048576); read the cells that exist.
            ws.reset_dimensions()
            table = _sheet(ws.title, numbered(ws))
            done += len(table.rows) + 1
            tables.append(table)
        if progress is not None:
            progress(done, done)
        return tables
    except (ImportCancelled, ImportFileError):
        raise
    except Exception as exc:  # a truncated or corrupt sheet part shows only while reading
        raise _broken(path, exc) from None
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
            raise ImportFileError(
                "Filen {path} kunne ikke læses som UTF-16-tekst.", path=str(path)
            ) from None
    if b"\x00" in data:
        raise ImportFileError(
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
        raise ImportFileError(
            "Filen {path} er hverken et Excel-regneark eller en CSV-fil (den indeholder binære data).",
            path=str(path),
        )
    first = _first_line(text)
    counts = {sep: first.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: (counts[sep], sep == ";"))
    if not counts[best]:
        raise ImportFileError(
            "Filen {path} er ikke en CSV-fil: den første linje har ingen overskrifter adskilt af semikolon, "
            "komma eller tabulator.",
            path=str(path),
        )
    return best


def _read_csv(path: Path, progress: Progress | None, cancelled: Callable[[], bool]) -> SourceTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            "Filen {path} kunne ikke læses: {reason}.", path=str(path), reason=os_reason(exc)
        ) from None
    text = _decode(data, path)
    if not text.strip():
        raise ImportFileError("Filen {path} indeholder ingen tekst.", path=str(path))
    delimiter = _check_text(text, path)
    previous = csv.field_size_limit()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        expected = text.count("\n") + 1

        def numbered() -> Iterator[tuple[int, tuple]]:
            for number, record in enumerate(reader, start=1):
                if number % STEP == 0:
                    if cancelled():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(number, expected)
                yield number, tuple(cell if cell.strip() else None for cell in record)

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
