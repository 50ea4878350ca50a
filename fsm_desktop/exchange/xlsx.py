"""A fast reader for the cells of an .xlsx file: values only, as openpyxl's read-only mode with
``data_only=True`` gives them (the same numbers, dates, shared and inline strings, booleans and
error texts, the same date detection by number format).

Why not openpyxl alone: it makes a dictionary and a cell object per cell and spends about 20 µs
on each; an extract of 20,000 citizens with their periods and paid hours has over a million
cells. This reader streams each sheet's XML through expat and turns a cell into its value in a
few callbacks, five to ten times faster. The meaning of a cell is openpyxl's: its number-format
rules (``is_date_format``, the built-in formats) and its date conversion (``from_excel``) are
used as they are, and tests compare both readers on the same files. A file whose structure this
reader does not expect is read with openpyxl instead (:class:`Unsupported`)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat

#: Bytes of sheet XML fed to expat at a time (between progress reports and cancel checks).
CHUNK = 1 << 18

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


class Unsupported(Exception):
    """The package is not laid out as this reader expects (read it with openpyxl)."""


class Cancelled(Exception):
    pass


def _local(name: str) -> str:
    """An element's name without its namespace (expat gives "namespace name")."""
    return name.rpartition(" ")[2]


def _parse_small(
    data: bytes, start: Callable, end: Callable | None = None, text: Callable | None = None
) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
        parser.buffer_text = True
    parser.Parse(data, True)


def _resolve(base_folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base_folder, target))


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in archive.NameToInfo:
        return {}
    found: dict[str, str] = {}

    def start(name: str, attrs: dict) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            found[attrs["Id"]] = _resolve(folder, attrs["Target"])

    _parse_small(archive.read(rels_name), start)
    return found


def _workbook_part(archive: zipfile.ZipFile) -> str:
    found: list[str] = []

    def start(name: str, attrs: dict) -> None:
        if _local(name) == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
            found.append(attrs["Target"].lstrip("/"))

    if "_rels/.rels" not in archive.NameToInfo:
        raise Unsupported("no package relationships")
    _parse_small(archive.read("_rels/.rels"), start)
    if not found or found[0] not in archive.NameToInfo:
        raise Unsupported("no workbook part")
    return found[0]


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    """The shared strings; a rich-text string is its runs' text, phonetic hints left out."""
    if part is None or part not in archive.NameToInfo:
        return []
    strings: list[str] = []
    pieces: list[str] = []
    state = {"in_t": False, "phonetic": 0}

    def start(name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "si":
            pieces.clear()
        elif local == "t" and not state["phonetic"]:
            state["in_t"] = True
        elif local == "rPh":
            state["phonetic"] += 1

    def end(name: str) -> None:
        local = _local(name)
        if local == "si":
            strings.append("".join(pieces))
        elif local == "t":
            state["in_t"] = False
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["in_t"]:
            pieces.append(data)

    with archive.open(part) as fh:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        parser.buffer_text = True
        parser.ParseFile(fh)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> tuple[set[int], set[int]]:
    """The cell styles (indexes into cellXfs) whose number format is a date, and a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    if part is None or part not in archive.NameToInfo:
        return set(), set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    state = {"cell_xfs": False}

    def start(name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "numFmt":
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            state["cell_xfs"] = True
        elif local == "xf" and state["cell_xfs"]:
            formats.append(int(attrs.get("numFmtId", 0)))

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            state["cell_xfs"] = False

    _parse_small(archive.read(part), start, end)
    dates, durations = set(), set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id, BUILTIN_FORMATS.get(format_id))
        if code and is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return dates, durations


class Workbook:
    """The sheets of an .xlsx file: ``sheets`` is [(title, part)]; :meth:`rows` streams one."""

    def __init__(self, path: str) -> None:
        self.archive = zipfile.ZipFile(path)
        try:
            self._read_structure()
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def _read_structure(self) -> None:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        archive = self.archive
        workbook = _workbook_part(archive)
        rels = _rels(archive, workbook)
        sheets: list[tuple[str, str]] = []
        state = {"date1904": False}

        def start(name: str, attrs: dict) -> None:
            local = _local(name)
            if local == "sheet":
                rid = attrs.get(f"{_REL} id")
                if rid is None or rid not in rels:
                    raise Unsupported("a sheet without a part")
                sheets.append((attrs.get("name", ""), rels[rid]))
            elif local == "workbookPr":
                state["date1904"] = attrs.get("date1904", "false").lower() in ("1", "true")

        _parse_small(archive.read(workbook), start)
        self.epoch = CALENDAR_MAC_1904 if state["date1904"] else CALENDAR_WINDOWS_1900
        # Worksheets only (chartsheets have no cells); the parts named by the relationships.
        types = self._content_types()
        self.sheets = [
            (title, part) for title, part in sheets if types.get(part, "worksheet") == "worksheet"
        ]
        for _, part in self.sheets:
            if part not in archive.NameToInfo:
                raise Unsupported(f"missing {part}")
        strings_part = styles_part = None
        for target in rels.values():
            if target.endswith("sharedStrings.xml"):
                strings_part = target
            elif target.endswith("styles.xml"):
                styles_part = target
        self.shared_strings = _shared_strings(archive, strings_part)
        self.date_styles, self.duration_styles = _date_styles(archive, styles_part)

    def _content_types(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if "[Content_Types].xml" not in self.archive.NameToInfo:
            return found

        def start(name: str, attrs: dict) -> None:
            if _local(name) == "Override":
                kind = attrs.get("ContentType", "")
                part = attrs.get("PartName", "").lstrip("/")
                if "worksheet" in kind:
                    found[part] = "worksheet"
                elif "chartsheet" in kind or "dialogsheet" in kind:
                    found[part] = "other"

        _parse_small(self.archive.read("[Content_Types].xml"), start)
        return found

    def size(self, part: str) -> int:
        return self.archive.getinfo(part).file_size

    def rows(
        self,
        part: str,
        progress: Callable[[int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, list[object]]]:
        """(row number, values) for each row with a cell, in order; values from column A."""
        sheet = _SheetParser(self)
        out = sheet.out
        done = 0
        with self.archive.open(part) as fh:
            while True:
                block = fh.read(CHUNK)
                if cancelled is not None and cancelled():
                    raise Cancelled()
                sheet.parser.Parse(block, not block)
                done += len(block)
                if progress is not None:
                    progress(done)
                if out:
                    yield from out
                    out.clear()
                if not block:
                    break


class _SheetParser:
    """One sheet's XML as expat streams it: each row with a cell is appended to ``out`` as
    (row number, values from column A). The handlers run once per element (millions of
    times), so the state is kept in slots and each handler does as little as it can."""

    __slots__ = (
        "cells",
        "col",
        "collect",
        "columns",
        "date_styles",
        "dates",
        "duration_styles",
        "epoch",
        "from_excel",
        "from_iso",
        "inline",
        "inline_text",
        "kind",
        "names",
        "out",
        "parser",
        "row_number",
        "strings",
        "style",
        "text",
    )

    def __init__(self, workbook: Workbook) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.from_excel, self.from_iso = from_excel, from_ISO8601
        self.strings = workbook.shared_strings
        self.date_styles, self.duration_styles = workbook.date_styles, workbook.duration_styles
        self.epoch = workbook.epoch
        self.out: list[tuple[int, list[object]]] = []
        self.columns: dict[str, int] = {}  # column letters → index
        self.dates: dict[tuple[int, float], object] = {}  # (style, serial) → value: dates repeat
        #: Element name (as written, with or without a prefix) → the local name acted on.
        self.names: dict[str, str] = {}
        self.row_number = 0
        self.col = -1
        self.kind = "n"
        self.style = 0
        self.text: str | None = None  # the cell's value as written; None: no value
        self.collect = False  # in a <v>, or a <t> of an inline string
        self.inline = False  # in an inline string (<is>), not in its phonetic hint
        self.inline_text: list[str] = []
        self.cells: list[object] = []
        # Without namespace processing (a sheet uses one namespace; a prefix, as in "x:c", is
        # cut off by _local_name): expat then does not build "namespace name" strings.
        parser = expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.buffer_text = True
        self.parser = parser

    def _local_name(self, name: str) -> str:
        found = self.names[name] = name.rpartition(":")[2]
        return found

    def _column_of(self, ref: str) -> int:
        letters = ref.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isupper():
                raise Unsupported(f"cell reference {ref}")
            index = 0
            for ch in letters:
                index = index * 26 + ord(ch) - 64
            index -= 1
            self.columns[letters] = index
        return index

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = self.names.get(name) or self._local_name(name)
        if local == "c":
            ref = attrs.get("r")
            self.col = self._column_of(ref) if ref else self.col + 1
            self.kind = attrs.get("t", "n")
            s = attrs.get("s")
            self.style = int(s) if s else 0
            self.text = None
        elif local == "v":
            self.text = ""
            self.collect = True
        elif local == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number else self.row_number + 1
            self.col = -1
            self.cells = []
        elif local == "t" and self.inline:
            self.inline_text.append("")
            self.collect = True
        elif local == "is":
            self.inline = True
            self.inline_text = []
        elif local == "rPh":
            self.inline = False  # a phonetic hint is not the text

    def end(self, name: str) -> None:
        local = self.names.get(name) or self._local_name(name)
        if local == "c":
            text = self.text
            if text is None or (text == "" and self.kind != "inlineStr"):
                return
            cells, col = self.cells, self.col
            if col >= len(cells):
                cells.extend([None] * (col + 1 - len(cells)))
            cells[col] = self._value(text)
        elif local == "v":
            self.collect = False
        elif local == "row":
            if self.cells:
                self.out.append((self.row_number, self.cells))
        elif local == "t":
            self.collect = False
        elif local == "is":
            self.inline = False
            self.text = "".join(self.inline_text)
        elif local == "rPh":
            self.inline = True

    def characters(self, data: str) -> None:
        if self.collect:
            if self.inline:
                self.inline_text[-1] += data
            else:
                self.text = (self.text or "") + data

    def _value(self, text: str) -> object:
        """The cell's value as openpyxl gives it, from its type, style and text."""
        kind = self.kind
        if kind == "n":
            number = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
            return self._date(number) if self.style in self.date_styles else number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return self.from_iso(text)
        return text  # "str" (a formula's text), "inlineStr", "e" (an error such as #N/A)

    def _date(self, serial: float) -> object:
        """A number in a date style: the date (or duration) it stands for, "#VALUE!" if none."""
        key = (self.style, serial)
        converted = self.dates.get(key)
        if converted is None:
            try:
                converted = self.from_excel(
                    serial, self.epoch, timedelta=self.style in self.duration_styles
                )
            except (OverflowError, ValueError):
                converted = "#VALUE!"
            self.dates[key] = converted
        return converted
