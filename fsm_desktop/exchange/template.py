"""The standard import template as an Excel file, the project exported in the same form, and
the error report of rejected rows (openpyxl, imported when first used)."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import RejectedRow
from fsm_desktop.exchange.import_format import CHOICES, TABLES, TableSpec
from fsm_desktop.exchange.text_cells import all_text_as_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from fsm_desktop.storage.project import Project

DATE_FORMAT = "dd-mm-yyyy"
_HEADER_FILL = "1F3A5F"
_WIDTHS = {
    "cpr": 14,
    "navn": 28,
    "type": 32,
    "note": 30,
    "jobmål": 28,
    "afgangsårsag": 15,
    "timer_pr_uge": 14,
    "jobformidler_fra": 17,
    "sagsbehandler_fra": 18,
    "cv_jobnet_fra": 15,
    "jobmål_fra": 14,
}
_KIND_OF_CHOICE = {
    "period_type": "period_type",
    "gender": "gender",
    "origin": "origin",
    "exit_reason": "exit_reason",
    "role": "role",
    "yes_no": "yes_no",
}


class ExportError(KnownError):
    """A file that cannot be written (folder missing, no permission, disk full, file open)."""


#: What an export of personal data is, as the audit log names it (``field`` of its entry).
REGISTER, TEMPLATE_WITH_DATA = "borgerliste", "importskabelon med data"


@dataclass(frozen=True)
class PersonalData:
    """An export that holds personal data (names, CPR numbers): ``kind`` is what it is
    (:data:`REGISTER`, :data:`TEMPLATE_WITH_DATA`), ``citizens`` how many it holds. It is
    recorded in the project's audit log (who, when, what, how many, where) in the transaction
    that puts the file in place: no record, no file."""

    project: Project
    kind: str
    citizens: int


def require_audit(project: Project) -> None:
    """Refuse an export of personal data from a project that cannot record it: one opened
    read-only (another window writes it, a file this user may not write, a damaged file)."""
    reason = project.read_only_reason
    if reason is not None:
        raise ExportError(
            "Eksporten indeholder personoplysninger og skal skrives i projektets log, men projektet "
            "kan ikke skrives i nu: {reason} Eksportér, når projektet er åbnet, så der kan skrives i det.",
            reason=reason.message,
        )


def _publish(temporary: str, path: Path, personal: PersonalData) -> None:
    """The file moved into place and its audit entry written, both or neither: the move is the
    last step of the transaction (a failed move rolls the entry back), and a file whose entry
    could not be committed is removed again."""
    from fsm_desktop.storage.audit import AuditLog

    project = personal.project
    moved = False
    try:
        with project.db.atomic():
            AuditLog(project).record_export(personal.kind, personal.citizens, path)
            os.replace(temporary, path)
            moved = True
    except BaseException:
        if moved:
            path.unlink(missing_ok=True)
        raise


def _save(
    workbook, path: Path, new_name: bool = False, personal: PersonalData | None = None
) -> Path:
    """Save under a temporary name, then move into place: never half a file. With
    ``new_name``, an existing file is never replaced: the name gets "-2", "-3" … instead.
    Every text cell is written as text, never as a formula (whatever the data says). With
    ``personal``, the export is recorded in the audit log as the file is put in place."""
    path = Path(path)
    if personal is not None:
        require_audit(personal.project)
        path = path.absolute()
    all_text_as_text(workbook)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise ExportError(
            "Filen {path} kunne ikke gemmes: {reason}.", path=str(path), reason=os_reason(exc)
        ) from None
    try:
        workbook.save(temporary)
        if new_name:
            path = _move_to_new_name(temporary, path)
        elif personal is not None:
            _publish(temporary, path, personal)
        else:
            os.replace(temporary, path)
    except OSError as exc:
        raise ExportError(
            "Filen {path} kunne ikke gemmes (er den åben i Excel?): {reason}.",
            path=str(path),
            reason=os_reason(exc),
        ) from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _move_to_new_name(temporary: str, path: Path) -> Path:
    """The complete file under ``path``, or the first free "NAME-2", "NAME-3" …: a hard link
    is made only where no file is (two imports in one second, even in two processes, keep
    both reports). Where the disk has no hard links, the name is checked first instead."""
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            os.link(temporary, candidate)
            return candidate
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some network and FAT drives)
            if candidate.exists():
                continue
            os.replace(temporary, candidate)
            return candidate
    raise FileExistsError(f"{path} (and 999 more)")


def _sheet(
    workbook,
    spec: TableSpec,
    rows: Sequence[tuple],
    lists_sheet: str | None,
    choices: Mapping[str, Sequence[str]],
):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = workbook.create_sheet(spec.sheet)
    ws.append([f.key for f in spec.fields])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    ws.freeze_panes = "A2"
    for row in rows:
        _append(ws, row)
    last_row = max(ws.max_row, 1000)
    for index, f in enumerate(spec.fields, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = _WIDTHS.get(f.key, 14)
        number_format = None
        if f.kind == "date":
            number_format = DATE_FORMAT
        elif f.kind in ("cpr", "month", "initials", "staff_initials"):
            # Text, so that Excel keeps a CPR number's leading zero and "2020-03" as written.
            number_format = "@"
        if number_format:
            ws.column_dimensions[letter].number_format = number_format  # for the rows a user adds
            for (cell,) in ws.iter_rows(
                min_row=2, max_row=ws.max_row, min_col=index, max_col=index
            ):
                cell.number_format = number_format
        choice = _KIND_OF_CHOICE.get(f.kind)
        if choice and lists_sheet:
            column = list(_KIND_OF_CHOICE).index(choice) + 1
            values = choices[choice]
            source = f"'{lists_sheet}'!${get_column_letter(column)}$2:${get_column_letter(column)}${len(values) + 1}"
            validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
            validation.error = "Vælg en værdi fra listen (se arket Vejledning)."
            validation.errorTitle = "Ukendt værdi"
            validation.showErrorMessage = True
            ws.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    return ws


def _guide(workbook, choices: Mapping[str, Sequence[str]]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = workbook.create_sheet("Vejledning", 0)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 80
    ws.append(["FSM Desktop – importskabelon"])
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        "Udfyld arkene Borgere, Forløb, Løntimer og Medarbejdere, og importér filen i FSM Desktop (Import → Importér fil).",
        "Overskrifterne i første række skal blive stående; store og små bogstaver er ligegyldige, og ekstra kolonner ignoreres.",
        "Datoer: Excel-datoer, 2020-03-16, 16-03-2020 eller 16.03.2020. CPR-numre med eller uden bindestreg.",
        "En tom celle ændrer intet ved en borger, der allerede findes i projektet. Borgere slettes aldrig af en import.",
    ]
    for line in lines:
        ws.append([line])
    ws.append([])
    ws.append(["Ark", "Kolonne", "Krævet", "Indhold"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for spec in TABLES:
        for f in spec.fields:
            ws.append([spec.sheet, f.key, "ja" if f.required else "", f.help])
    ws.append([])
    ws.append(["Forløbstyper"])
    ws[ws.max_row][0].font = Font(bold=True)
    for value in choices["period_type"]:
        ws.append(["", value])
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=False, vertical="top")


def _lists(workbook, choices: Mapping[str, Sequence[str]]) -> str:
    """The allowed values, for the drop-down lists (a hidden sheet)."""
    ws = workbook.create_sheet("Lister")
    for column, choice in enumerate(_KIND_OF_CHOICE, start=1):
        ws.cell(row=1, column=column, value=choice)
        for row, value in enumerate(choices[choice], start=2):
            ws.cell(row=row, column=column, value=value)
    ws.sheet_state = "hidden"
    return ws.title


def write_template(
    path: str | Path,
    rows: Mapping[str, Sequence[tuple[object, ...]]] | None = None,
    personal: PersonalData | None = None,
    own_kinds: Sequence[str] = (),
) -> Path:
    """The standard template (empty, or with ``rows`` per table key: the export). ``personal``:
    the rows are a project's (:func:`export_template` says so). ``own_kinds``: the labels of
    the initiative's own kinds of period, listed after the program's."""
    from openpyxl import Workbook

    if personal is not None:
        require_audit(personal.project)  # before the work, not after it
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook has one sheet
    choices = {**CHOICES, "period_type": [*CHOICES["period_type"], *own_kinds]}
    lists = _lists(workbook, choices)
    for spec in TABLES:
        _sheet(workbook, spec, (rows or {}).get(spec.key, ()), lists, choices)
    _guide(workbook, choices)
    workbook.active = 1
    return _save(workbook, Path(path), personal=personal)


def export_template(project: Project, path: str | Path) -> Path:
    """The project's rows in the template (``template --db`` and Import → Eksportér projektet):
    personal data, so the export is recorded in the audit log, and refused from a project that
    cannot record it (:func:`require_audit`)."""
    from fsm_desktop.storage.imports import ImportRepository

    require_audit(project)
    rows = ImportRepository(project).template_rows()
    citizens = len(rows.get("borgere", ()))
    return write_template(
        path,
        rows,
        PersonalData(project, TEMPLATE_WITH_DATA, citizens),
        [kind.label for kind in project.template.period_kinds],
    )


def error_report_path(source: str | Path) -> Path:
    source = Path(source)
    return source.with_name(f"{source.stem}-fejl-{dt.datetime.now():%Y%m%d-%H%M%S}.xlsx")


def write_error_report(path: str | Path, rejected: Sequence[RejectedRow]) -> Path:
    """The rejected rows as they were in the source, with the row number and what was wrong.
    Returns the file written: ``path``, or "NAME-2" … where ``path`` exists already."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook has one sheet
    sheets: dict[str, Worksheet] = {}
    for row in rejected:
        ws = sheets.get(row.sheet)
        if ws is None:
            ws = workbook.create_sheet(_safe_title(row.sheet, sheets))
            _append(ws, ["Række", "Fejl", *row.headers])
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="F4CCCC")
            ws.freeze_panes = "C2"
            ws.column_dimensions["B"].width = 60
            sheets[row.sheet] = ws
        _append(ws, [row.row, "; ".join(row.messages), *row.values])
    if not sheets:
        workbook.create_sheet("Fejl").append(["Ingen afviste rækker"])
    return _save(workbook, Path(path), new_name=True)


def _safe_title(title: str, taken: dict[str, Worksheet]) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in _text(str(title)))[:31] or "Ark"
    name, n = cleaned, 2
    existing = {getattr(ws, "title", "") for ws in taken.values()}
    while name in existing:
        name = f"{cleaned[:28]} {n}"
        n += 1
    return name


def _append(ws, values: Sequence) -> None:
    """A row of values, each as the text or value it is (text that starts with "=" stays text,
    not a formula: :func:`_save` sees to that for every cell, so a rejected cell
    "=HYPERLINK(…)" shows as it was, and runs nothing)."""
    ws.append([_cell(value) for value in values])


def _cell(value: object) -> object:
    """A value as a sheet can hold it: without the control characters a worksheet cannot
    hold (openpyxl refuses them), and within Excel's 32,767 characters."""
    return _text(value) if isinstance(value, str) else value


def _text(value: str) -> str:
    """Text as a cell can hold it (:func:`_cell`)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text[:32_000] + " …" if len(text) > 32_000 else text
