"""An import from start to end, shared by the command line and the window: read the file,
recognise its layout (or use a mapping), validate every row against the project, and — when
the user says so — write it in one transaction.

    prepared = prepare(project, "udtraek.xlsx")      # reads and validates; writes nothing
    prepared.plan.errors, prepared.plan.summary()
    result = commit(project, prepared)                 # all or nothing

Reading and validating may run on a worker thread: they report progress and stop when asked
(:class:`domain.imports.ImportCancelled`), and they write nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import Existing, ImportCancelled, ImportPlan, RowError, plan_import
from fsm_desktop.exchange.cells import own_kinds
from fsm_desktop.exchange.import_binding import Binding, bind, read_rows
from fsm_desktop.exchange.import_format import (
    EXTRACT_DATE_SOURCES,
    Mapping,
    SourceTable,
    date_in_name,
    layout_signature,
)
from fsm_desktop.exchange.spreadsheet import read_source
from fsm_desktop.exchange.template import error_report_path, write_error_report
from fsm_desktop.storage.imports import Ending, ImportRecord, ImportRepository
from fsm_desktop.storage.project import Project

#: progress(fraction 0–1, what is being done, in Danish)
Progress = Callable[[float, str], None]
#: Reading the file is most of the time; validating the rest.
_READ_SHARE = 0.8


class ImportRefused(KnownError):
    """The file has errors and the user did not ask to import only the valid rows, or no
    valid row would change anything. Nothing is written; ``error_report``: the rejected rows."""

    def __init__(
        self,
        template: str,
        error_report: Path | None = None,
        for_errors: bool = False,
        **params: object,
    ) -> None:
        super().__init__(template, **params)
        self.error_report = error_report
        #: Refused for the file's errors (the user may import only the valid rows instead).
        self.for_errors = for_errors


@dataclass(slots=True)
class Prepared:
    path: Path
    sha256: str
    signature: str
    mapping: Mapping | None
    #: The sheets as read, their rows let go (kept for the mapping dialog's headers).
    sheets: list[SourceTable]
    binding: Binding
    plan: ImportPlan
    #: The project's rows the plan was made from: the commit writes only if they are unchanged.
    existing: Existing | None = None
    #: The extract's date ("Udtræk pr.") and where it came from (ExtractDate.source).
    as_of: dt.date | None = None
    as_of_source: str = ""


@dataclass(frozen=True, slots=True)
class ExtractDate:
    day: dt.date
    #: "name": the date in the file's name; "modified": the file's modification date;
    #: "given": chosen by the user (the dialog, --as-of).
    source: str

    @property
    def explanation(self) -> str:
        """Danish, for the dialog and the command line."""
        return EXTRACT_DATE_SOURCES[self.source]


def extract_date(path: str | Path, today: dt.date | None = None) -> ExtractDate:
    """The default "Udtræk pr.": the date in the file's name if there is one, else the day
    the file was last modified (never after today)."""
    today = today or dt.date.today()
    path = Path(path)
    day = date_in_name(path.name, today)
    if day is not None:
        return ExtractDate(day, "name")
    try:
        modified = dt.date.fromtimestamp(path.stat().st_mtime)
    except (OSError, ValueError, OverflowError):
        modified = today
    return ExtractDate(min(modified, today), "modified")


class ImportReportError(KnownError):
    """A committed import whose error report could not be written (the import stands)."""


@dataclass(frozen=True, slots=True)
class Committed:
    record: ImportRecord
    error_report: Path | None
    #: Why there is no error report although rows were rejected (the import is written).
    report_error: KnownError | None = None


def saved_mapping(project: Project, name: str) -> Mapping | None:
    """The mapping saved in the project as ``name``, or None."""
    saved = ImportRepository(project).mapping_json(name)
    return Mapping.from_json(saved) if saved is not None else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sheets(
    path: str | Path, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
) -> list[SourceTable]:
    def reading(done: int, expected: int) -> None:
        if progress is not None:
            fraction = min(done / expected, 1.0) if expected else 0.0
            progress(_READ_SHARE * fraction, "Læser filen …")

    return read_source(path, reading, cancelled)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an import makes its 100,000s of objects (rows,
    values, plans), which are acyclic garbage or all alive until the import is done: each of
    its passes over every object alive costs and frees nothing (about a third of the time
    after reading, measured on the 20,000-citizen template file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(
    project: Project,
    path: str | Path,
    mapping: Mapping | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    sheets: list[SourceTable] | None = None,
) -> Prepared:
    """Read and validate; writes nothing. Without ``mapping``, a mapping saved for the file's
    layout is used, else the standard template's headers. ``as_of``: the extract's date
    (default: :func:`extract_date`). ``sheets``: already read (their rows are used up: the
    plan holds what it needs)."""
    with _collector_paused():
        return _prepare(project, Path(path), mapping, as_of, progress, cancelled, sheets)


def _prepare(
    project: Project,
    path: Path,
    mapping: Mapping | None,
    as_of: dt.date | None,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    sheets: list[SourceTable] | None,
) -> Prepared:
    dated = ExtractDate(as_of, "given") if as_of is not None else extract_date(path)
    _refuse_the_project_itself(project, path)
    project.require_whole()  # a damaged file's rows would make a plan of nonsense
    sources = sheets if sheets is not None else read_sheets(path, progress, cancelled)
    sha256 = file_sha256(path)
    signature = layout_signature(sources)
    repository = ImportRepository(project)
    if mapping is None:
        saved = repository.mapping_json_for(signature)
        mapping = Mapping.from_json(saved) if saved is not None else None
    binding = bind(sources, mapping)
    total = sum(len(t.source.rows) for t in binding.tables) or 1
    done = 0

    def validating(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(
                _READ_SHARE + (1 - _READ_SHARE) * min(done / total, 1.0), "Kontrollerer rækkerne …"
            )

    existing = repository.existing()
    rows = read_rows(binding, validating, cancelled, own_kinds(project.template.period_kinds))
    plan = plan_import(rows, existing, dated.day, cancelled)
    _whole_file_errors(plan, binding, sources, path)
    # The rows are in the plan now (rejected rows keep their cells): the sheets' rows are let
    # go, which halves the memory an import of 300,000 rows needs while it writes. So are the
    # typed rows, at once: each refers to its table, a cycle that only the cycle collector
    # would free, after a pass over everything the import made.
    for source in sources:
        source.rows = []
    for table in rows.tables:
        table.rows = []
    return Prepared(
        path,
        sha256,
        signature,
        mapping,
        list(sources),
        binding,
        plan,
        existing,
        dated.day,
        dated.source,
    )


def _refuse_the_project_itself(project: Project, path: Path) -> None:
    """The project file, its -wal, -shm or lock chosen as the extract ("Alle filer"): refused
    by its identity on disk, before anything opens it (a Python open and close of the project
    would drop SQLite's locks on it)."""
    try:
        chosen = path.stat()
    except OSError:
        return  # reading it says what is wrong
    for own in (
        project.path,
        Path(f"{project.path}-wal"),
        Path(f"{project.path}-shm"),
        Path(f"{project.path}.lock"),
    ):
        try:
            mine = own.stat()
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (chosen.st_dev, chosen.st_ino):
            raise ImportRefused(
                "{file} er selve projektfilen (eller en af dens hjælpefiler), ikke et udtræk. Vælg "
                "regnearket eller CSV-filen fra fagsystemet.",
                file=path.name,
            )


def _whole_file_errors(
    plan: ImportPlan, binding: Binding, sources: Sequence[SourceTable], path: Path
) -> None:
    """A file with nothing to import is an error too, with a message that says why."""
    if not binding.tables and not binding.errors:
        names = ", ".join(f"»{s}«" for s in binding.ignored) or "ingen ark med indhold"
        plan.errors.insert(
            0,
            RowError(
                path.name,
                1,
                "",
                "ingen ark kunne genkendes som Borgere, Forløb, Løntimer eller Medarbejdere ({names}); "
                "brug skabelonens overskrifter eller en tilknytning af kolonnerne".format(
                    names=names
                ),
            ),
        )
    elif binding.tables and plan.rows_read == 0:
        plan.errors.insert(
            0,
            RowError(
                binding.tables[0].source.sheet,
                binding.tables[0].source.header_row + 1,
                "",
                "filen har kun overskrifter, ingen rækker med data",
            ),
        )


def commit(
    project: Project,
    prepared: Prepared,
    valid_rows_only: bool = False,
    endings: Sequence[Ending] = (),
    progress: Callable[[str], None] | None = None,
) -> Committed:
    """Write the prepared import in one transaction. With errors, only when ``valid_rows_only``
    and the valid rows (or ``endings``) change something: then the rejected rows are written to
    an error report next to the source file once the transaction has committed. The report
    holds full CPR numbers, so it exists only for an import that happened: never for one that
    is refused or fails, and an import stopped midway (even killed) has written none."""
    plan = prepared.plan
    # The plan was made after an integrity_check (prepare); the write itself re-reads the rows it
    # planned on, and a write on an unchecked connection runs quick_check first.
    project.require_writable()
    if plan.errors and not valid_rows_only:
        raise ImportRefused(
            "Importen er stoppet: {n} fejl i filen {file}. Intet er skrevet.",
            for_errors=True,
            n=len(plan.errors),
            file=prepared.path.name,
        )
    if plan.errors and not plan.changes and not endings:
        # Recording an import that changes nothing would only hide that nothing was imported.
        # No report either: nothing was imported (the rows and their errors were shown).
        if not plan.rejected:
            raise ImportRefused(
                "Filen {file} har ingen gyldige rækker at importere. Intet er skrevet.",
                file=prepared.path.name,
            )
        raise ImportRefused(
            "Filen {file} har ingen gyldige rækker, der ændrer noget i projektet ({n} afviste rækker). "
            "Intet er skrevet.",
            file=prepared.path.name,
            n=len(plan.rejected),
        )
    with _collector_paused():
        record = ImportRepository(project).apply(
            plan,
            prepared.path.name,
            prepared.sha256,
            endings,
            progress,
            planned_on=prepared.existing,
        )
    if not plan.rejected:
        return Committed(record, None)
    report, problem = _write_report(prepared.path, plan)
    return Committed(record, report, problem)


def _write_report(source: Path, plan: ImportPlan) -> tuple[Path | None, KnownError | None]:
    """The rejected rows of a committed import: the report, or why it is missing. The import
    stands either way, so a failure here is told, not raised. The report is saved under a
    temporary name (mode 0600) in the same folder and then moved into place (template._save):
    never half a report under its real name."""
    path = error_report_path(source)
    try:
        return write_error_report(path, plan.rejected), None
    except KnownError as exc:  # disk full, no permission, …: the reason in Danish
        reason = exc
    except Exception:  # a program error: its details (cleaned) in the log
        logging.getLogger("fsm_desktop").exception(
            "The error report of an import could not be written"
        )
        reason = None
    return None, ImportReportError(
        "Importen er skrevet, men rapporten over de afviste rækker kunne ikke gemmes. {why} De afviste rækker "
        "er ikke importeret: ret dem i filen, og importér den igen.",
        why=reason.message
        if reason is not None
        else "Det skyldes en fejl i programmet; detaljerne står i loggen.",
    )


__all__ = [
    "Committed",
    "ExtractDate",
    "ImportCancelled",
    "ImportRefused",
    "ImportReportError",
    "Prepared",
    "commit",
    "extract_date",
    "prepare",
    "read_sheets",
    "saved_mapping",
]
