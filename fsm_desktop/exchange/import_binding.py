"""Which of the template's tables each sheet of a file holds and which column is which field
(:func:`bind`, by the headers or by a saved mapping), and every cell of the bound sheets read
into ``domain.imports``' typed rows (:func:`read_rows`) for ``domain.imports.plan_import``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fsm_desktop.domain.imports import (
    ExtractRows,
    ImportCancelled,
    ImportRow,
    ImportTable,
    RejectedSheet,
    RowError,
)
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
) -> ExtractRows:
    """Every cell of the bound sheets read into a value, or a problem of its row; progress
    is told the rows read (every 2,000), and a cancel raises ImportCancelled."""

    def tick(rows: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled()
        if progress is not None:
            progress(rows)

    return ExtractRows(
        [_read_table(table, tick) for table in binding.tables],
        list(binding.errors),
        list(binding.ignored),
        [
            RejectedSheet(source.sheet, list(source.headers), source.rows, message)
            for source, message in binding.duplicates
        ],
    )


_MISSING = object()

#: (position in the row's values, field key, required, column index, reader, cache)
_Reader = tuple[int, str, bool, int, Callable[[object], Any], "dict[object, Any] | None"]


def _readers(table: BoundTable) -> list[_Reader]:
    """How each field the sheet has is read. A value seen before in the column is not read
    again (a CPR number, a date or a type repeats thousands of times in an extract)."""
    found: list[_Reader] = []
    for i, f in enumerate(table.spec.fields):
        if f.key in table.columns:
            cache: dict[object, Any] | None = None if f.kind == "text" else {}
            found.append(
                (i, f.key, f.required, table.columns[f.key], reader(f, table.options), cache)
            )
    return found


def _read_table(table: BoundTable, tick: Callable[[int], None]) -> ImportTable:
    """Every row's cells read into values, in the order of the table's fields."""
    spec, source = table.spec, table.source
    result = ImportTable(
        spec.key,
        source.sheet,
        list(source.headers),
        {f.key: column_name(source, table.columns.get(f.key), f.key) for f in spec.fields},
    )
    readers = _readers(table)
    missing = [f.key for f in spec.fields if f.required and f.key not in table.columns]
    width = len(spec.fields)
    # Rows come without their empty cells at the end: a longer row has a cell beyond the headers.
    headed = len(source.headers) if source.csv else None
    rows = result.rows
    for seen, (number_, raw) in enumerate(source.rows, start=1):
        if seen % 2000 == 0:
            tick(2000)
        row = ImportRow(result, number_, raw, [None] * width)
        if headed is not None and len(raw) > headed:
            _beyond_the_headers(row, source, headed)
        _read_cells(row, readers)
        for key in missing:
            row.error(key, "kolonnen mangler i arket")
        rows.append(row)
    tick(len(rows) % 2000)
    return result


def _beyond_the_headers(row: ImportRow, source: SourceTable, headed: int) -> None:
    raw = row.raw
    extra = next(i for i in range(headed, len(raw)) if raw[i] is not None)
    row.problem(
        column_name(source, extra),
        f"rækken har flere celler end overskrifter (»{show(raw[extra])}«); "
        "står der et skilletegn, fx et decimalkomma, i en celle uden anførselstegn?",
    )


def _read_cells(row: ImportRow, readers: list[_Reader]) -> None:
    raw, values = row.raw, row.values
    size = len(raw)
    for i, key, required, index, read, cache in readers:
        cell = raw[index] if index < size else None
        if cell is None:
            if required:
                row.error(key, "skal udfyldes")
            continue
        if cache is None:
            try:
                value = read(cell)
            except CellProblem as exc:
                value = exc
        else:
            # 1, 1.0 and True are equal keys but different cells.
            cache_key = cell if type(cell) is str else (type(cell), cell)
            value = cache.get(cache_key, _MISSING)
            if value is _MISSING:
                try:
                    value = read(cell)
                except CellProblem as exc:
                    value = exc
                cache[cache_key] = value
        if type(value) is CellProblem:
            row.error(key, str(value))
        elif value is None:
            if required:
                row.error(key, "skal udfyldes")
        else:
            values[i] = value
