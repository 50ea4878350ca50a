"""Which of the template's tables each sheet of a file holds and which column is which field
(:func:`bind`, by the headers or by a saved mapping), and every cell of the bound sheets read
into ``domain.imports``' typed rows (:func:`read_rows`) for ``domain.imports.plan_import``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from typing import Any

from fsm_desktop.domain.imports import (
    ExtractRows,
    ImportCancelled,
    ImportRow,
    ImportTable,
    RejectedSheet,
    RowError,
)
from fsm_desktop.domain.model import Kind
from fsm_desktop.exchange.cells import CellProblem, ReadOptions, column_letter, norm, reader, show
from fsm_desktop.exchange.import_format import (
    GUIDE_SHEETS,
    TABLES,
    TABLES_BY_KEY,
    Mapping,
    SheetMapping,
    SourceTable,
    TableSpec,
)


@dataclass(slots=True)
class BoundTable:
    """A source sheet read as one of the template's tables: field key → column index."""

    source: SourceTable
    spec: TableSpec
    columns: dict[str, int]
    options: ReadOptions = field(default_factory=ReadOptions)


@dataclass(slots=True)
class Binding:
    tables: list[BoundTable]
    errors: list[RowError]
    ignored: list[str]  # sheets not read (not recognised, or the mapping says ignore)
    #: A second sheet with a table already found, with the message: its rows are rejected.
    duplicates: list[tuple[SourceTable, str]] = field(default_factory=list)


def column_name(source: SourceTable, index: int | None, fallback: str = "") -> str:
    """A column as an error names it: its letter and its header ("C (Navn)")."""
    if index is None:
        return fallback
    header = source.headers[index] if index < len(source.headers) else ""
    return (
        f"{column_letter(index)} ({show(header, 30)})"
        if str(header).strip()
        else column_letter(index)
    )


def _auto_bind(source: SourceTable) -> tuple[TableSpec, dict[str, int]] | None:
    """The template table whose required columns the sheet has (the sheet's name breaks a tie)."""
    best: tuple[tuple[bool, int], TableSpec, dict[str, int]] | None = None
    for spec in TABLES:
        columns: dict[str, int] = {}
        for index, header in enumerate(source.headers):
            if header is None or not str(header).strip():
                continue
            for f in spec.fields:
                if f.key not in columns and f.matches(str(header)):
                    columns[f.key] = index
                    break
        if not all(key in columns for key in spec.required):
            continue
        score = (norm(source.sheet) == norm(spec.sheet), len(columns))
        if best is None or score > best[0]:
            best = (score, spec, columns)
    return (best[1], best[2]) if best else None


def _mapped_columns(
    source: SourceTable, sheet_mapping: SheetMapping, errors: list[RowError]
) -> dict[str, int]:
    """Field key → column index as the mapping names them; a column missing from the sheet,
    and a required field the mapping leaves out, are errors."""
    spec = TABLES_BY_KEY[sheet_mapping.table]
    headers = {norm(h): i for i, h in enumerate(source.headers) if h is not None and str(h).strip()}
    columns: dict[str, int] = {}
    for key, header in sheet_mapping.columns.items():
        index = headers.get(norm(header))
        if index is None:
            errors.append(
                RowError(
                    source.sheet,
                    source.header_row,
                    "",
                    f"kolonnen »{show(header)}« (til {key}) findes ikke i arket",
                )
            )
        else:
            columns[key] = index
    missing = [key for key in spec.required if key not in sheet_mapping.columns]
    if missing:
        errors.append(
            RowError(
                source.sheet,
                source.header_row,
                "",
                "tilknytningen mangler de krævede felter {}".format(", ".join(missing)),
            )
        )
    return columns


def bind(sources: Sequence[SourceTable], mapping: Mapping | None = None) -> Binding:
    """Which table each sheet holds and which column is which field: from the mapping when it
    names the sheet, else from the headers (the standard template, headers in any case, extra
    columns ignored). A mapped column missing is an error; so is a table found twice: the
    second sheet's rows are rejected (Binding.duplicates), each with the reason."""
    binding = Binding([], [], [])
    seen: dict[str, str] = {}
    for source in sources:
        found = _bind_one(source, mapping, binding)
        if found is None:
            continue
        spec = found.spec
        if spec.key in seen:
            message = f"arket indeholder {spec.sheet} ligesom arket »{seen[spec.key]}«; kun det første læses"
            if source.rows:
                binding.duplicates.append((source, message))  # every row rejected with it
            else:
                binding.errors.append(RowError(source.sheet, source.header_row, "", message))
            continue
        seen[spec.key] = source.sheet
        binding.tables.append(found)
    return binding


def _bind_one(source: SourceTable, mapping: Mapping | None, binding: Binding) -> BoundTable | None:
    """The sheet as a table, or None (ignored: listed in ``binding.ignored`` unless it is
    empty or the template's guide); the mapping's errors go to ``binding.errors``."""
    sheet_mapping = mapping.for_source(source) if mapping else None
    if sheet_mapping is not None:
        if not sheet_mapping.table:
            binding.ignored.append(source.sheet)
            return None
        columns = _mapped_columns(source, sheet_mapping, binding.errors)
        spec = TABLES_BY_KEY[sheet_mapping.table]
        return BoundTable(source, spec, columns, sheet_mapping.options())
    if norm(source.sheet) in GUIDE_SHEETS:
        return None
    found = _auto_bind(source)
    if found is None:
        if source.rows or any(h is not None and str(h).strip() for h in source.headers):
            binding.ignored.append(source.sheet)
        return None
    spec, columns = found
    return BoundTable(source, spec, columns, ReadOptions())


# --- reading the rows ------------------------------------------------------------------------


def read_rows(
    binding: Binding,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    kinds: dict[str, Kind] | None = None,
) -> ExtractRows:
    """Every cell of the bound sheets read into a value, or a problem of its row; progress
    is told the rows read (every 2,000), and a cancel raises ImportCancelled. ``kinds``: the
    initiative's own kinds of period (cells.own_kinds), read as the program's are."""
    if kinds:
        for table in binding.tables:
            table.options = replace(table.options, kinds=kinds)

    def tick(rows: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(rows)

    caches: dict[Hashable, dict[type, dict[object, Any]]] = {}
    return ExtractRows(
        [_read_table(table, tick, caches) for table in binding.tables],
        list(binding.errors),
        list(binding.ignored),
        [
            RejectedSheet(source.sheet, list(source.headers), source.rows, message)
            for source, message in binding.duplicates
        ],
    )


#: Rows read at a time: a column of a block is read as one list (and progress told per block).
_BLOCK = 2000

#: (position in the row's values, field key, required, column index, reader, cache)
_Reader = tuple[
    int, str, bool, int, Callable[[object], Any], "dict[type, dict[object, Any]] | None"
]


def _readers(
    table: BoundTable, caches: dict[Hashable, dict[type, dict[object, Any]]]
) -> list[_Reader]:
    """How each field the sheet has is read. A value seen before is not read again (a CPR
    number, a date or a type repeats thousands of times in an extract): each kind of field
    read the same way has one cache, shared by the sheets (the CPR numbers of Forløb and
    Løntimer are those of Borgere). Text is read every time (names are seldom repeated)."""
    found: list[_Reader] = []
    options = table.options
    for i, f in enumerate(table.spec.fields):
        if f.key in table.columns:
            cache: dict[type, dict[object, Any]] | None = None
            if f.kind != "text":
                translated = options.values.get(f.key) or {}
                way = (
                    f.kind,
                    options.date_format,
                    options.decimal,
                    tuple(translated.items()),
                    tuple(options.kinds) if f.kind == "period_type" else (),
                )
                cache = caches.setdefault(way, {})
            found.append((i, f.key, f.required, table.columns[f.key], reader(f, options), cache))
    return found


def _read_table(
    table: BoundTable,
    tick: Callable[[int], None],
    caches: dict[Hashable, dict[type, dict[object, Any]]],
) -> ImportTable:
    """Every row's cells read into values, in the order of the table's fields: a block of
    rows at a time, column by column."""
    spec, source = table.spec, table.source
    result = ImportTable(
        spec.key,
        source.sheet,
        list(source.headers),
        {f.key: column_name(source, table.columns.get(f.key), f.key) for f in spec.fields},
    )
    readers = _readers(table, caches)
    missing = [f.key for f in spec.fields if f.required and f.key not in table.columns]
    width = len(spec.fields)
    rows, source_rows = result.rows, source.rows
    for start in range(0, len(source_rows), _BLOCK):
        block = source_rows[start : start + _BLOCK]
        rows += _read_block(result, block, readers, width, source, missing)
        tick(len(block))
    if not source_rows:
        tick(0)
    return result


def _read_block(
    result: ImportTable,
    block: Sequence[tuple[int, tuple[object, ...]]],
    readers: list[_Reader],
    width: int,
    source: SourceTable,
    missing: list[str],
) -> list[ImportRow]:
    raws = [raw for _, raw in block]
    count = len(raws)
    shortest = min(map(len, raws))
    columns: list[Sequence[Any]] = [[None] * count] * width  # a field the sheet lacks
    #: What is wrong, in the order each row is told: (row in the block, field key, message).
    problems: list[tuple[int, str, str]] = []
    for i, key, required, index, read, cache in readers:
        if index < shortest:
            cells: list[object] = list(map(itemgetter(index), raws))
        else:
            cells = [raw[index] if index < len(raw) else None for raw in raws]
        columns[i] = _read_column(cells, key, required, read, cache, problems)
    rows = [
        ImportRow(result, number_, raw, values)
        for (number_, raw), values in zip(block, zip(*columns))
    ]
    if source.csv:
        # Rows come without their empty cells at the end: a longer row has a cell beyond the
        # headers.
        headed = len(source.headers)
        for row in rows:
            if len(row.raw) > headed:
                _beyond_the_headers(row, source, headed)
    for at, key, message in problems:
        rows[at].error(key, message)
    for key in missing:
        for row in rows:
            row.error(key, "kolonnen mangler i arket")
    return rows


def _read_column(
    cells: list[object],
    key: str,
    required: bool,
    read: Callable[[object], Any],
    cache: dict[type, dict[object, Any]] | None,
    problems: list[tuple[int, str, str]],
) -> list[Any]:
    """A column's cells read into values (None for an empty or unreadable cell); what is
    wrong goes to ``problems``. ``cache``: the values read before, by the cell's type (1, 1.0
    and True are equal keys but different cells), or None to read every cell."""
    if cache is None:
        values: list[Any] = []
        for cell in cells:
            try:
                values.append(None if cell is None else read(cell))
            except CellProblem as exc:
                values.append(exc)
        distinct: Collection[Any] = values
    else:
        types = set(map(type, cells))
        types.discard(_NONE)
        if len(types) == 1:  # as a column usually is: one lookup per cell, in C
            known = cache.setdefault(types.pop(), {None: None})
            seen = set(cells)
            for cell in seen - known.keys():
                try:
                    known[cell] = read(cell)
                except CellProblem as exc:
                    known[cell] = exc
            values = list(map(known.__getitem__, cells))
            distinct = [known[cell] for cell in seen]
        else:  # cells of several types (hours as 4 and 7.5): keyed by (type, cell)
            known = cache.setdefault(_MIXED, {(_NONE, None): None})
            keys: list[tuple[type, object]] = list(zip(map(type, cells), cells))
            typed = set(keys)
            for kind, cell in typed - known.keys():
                try:
                    known[kind, cell] = read(cell)
                except CellProblem as exc:
                    known[kind, cell] = exc
            values = list(map(known.__getitem__, keys))
            distinct = [known[k] for k in typed]
    if not ((required and None in distinct) or CellProblem in set(map(type, distinct))):
        return values
    for at, value in enumerate(values):
        if value is None:
            if required:
                problems.append((at, key, "skal udfyldes"))
        elif type(value) is CellProblem:
            problems.append((at, key, str(value)))
            values[at] = None
    return values


_NONE = type(None)
#: The cache of a column with cells of several types (no cell is a tuple).
_MIXED = tuple


def _beyond_the_headers(row: ImportRow, source: SourceTable, headed: int) -> None:
    raw = row.raw
    extra = next(i for i in range(headed, len(raw)) if raw[i] is not None)
    row.problem(
        column_name(source, extra),
        f"rækken har flere celler end overskrifter (»{show(raw[extra])}«); "
        "står der et skilletegn, fx et decimalkomma, i en celle uden anførselstegn?",
    )
