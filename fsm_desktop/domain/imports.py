"""The plan of what an import of an extract (Momentum, Fasit, jobindsats.dk) would do, and its
rules (docs/import.md).

Pure Python, and no file format: ``exchange.import_binding`` reads a file's sheets into typed
rows (:class:`ExtractRows`: each table's rows with their values already read, the sheet and
Excel row each came from, and what was wrong with a cell); :func:`plan_import` compares the
rows with what the project already holds (:class:`Existing`) and returns an
:class:`ImportPlan`: the new, changed and unchanged records, the errors with sheet, Excel row,
column and message, the rejected rows, and the citizens missing from the extract. Storage
writes a plan in one transaction (storage.imports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fsm_desktop.domain import cpr as cpr_rules
from fsm_desktop.domain.caseload import FULL_TIME_HOURS
from fsm_desktop.domain.citizen_edit import plan_handover
from fsm_desktop.domain.danish import count, date_text, number
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    Assignment,
    AssignmentRole,
    Citizen,
    IdPool,
    PaidHours,
    Period,
    Staff,
    StaffRole,
    StatusEntry,
    StatusKind,
)


class ImportCancelled(Exception):
    """The user cancelled while the file was read; nothing was written."""


# --- the rows of an extract ---------------------------------------------------------------------

#: The tables of an extract and the fields of each, in order: a row's values come in this order.
#: The names are the standard template's (exchange.import_format spells each table as a sheet,
#: and each field as a column with its header aliases).
CITIZENS = "borgere"
PERIODS = "forloeb"
PAID_HOURS = "loentimer"
STAFF = "medarbejdere"
FIELDS: dict[str, tuple[str, ...]] = {
    CITIZENS: (
        "cpr",
        "navn",
        "gruppe",
        "køn",
        "herkomst",
        "indgang",
        "afgang",
        "afgangsårsag",
        "jobformidler",
        "sagsbehandler",
        "cv_jobnet",
        "jobmål",
        "jobformidler_fra",
        "sagsbehandler_fra",
        "cv_jobnet_fra",
        "jobmål_fra",
    ),
    PERIODS: ("cpr", "type", "fra", "til", "note"),
    PAID_HOURS: ("cpr", "måned", "timer"),
    STAFF: ("initialer", "navn", "rolle", "timer_pr_uge"),
}
_FIELD_INDEX = {table: {key: i for i, key in enumerate(keys)} for table, keys in FIELDS.items()}


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong, where: sheet, Excel row number, column (letter and header), message."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        column = f", kolonne {self.column}" if self.column else ""
        return f"{self.sheet}, række {self.row}{column}: {self.message}"


@dataclass(slots=True)
class ImportTable:
    """One table of an extract as read: its key in FIELDS, the sheet it came from with the
    sheet's headers, how an error names each field's column ("C (Navn)", or the field's name
    when the sheet lacks it), and its rows."""

    key: str
    sheet: str
    headers: list[str]
    columns: dict[str, str]
    rows: list[ImportRow] = field(default_factory=list)


class ImportRow:
    """One row of a table: its Excel row number, its cells as they were, its values (in the
    order of the table's FIELDS; None for an empty or unreadable cell) and what is wrong
    with it."""

    __slots__ = ("problems", "raw", "row", "table", "values")

    def __init__(
        self, table: ImportTable, row: int, raw: tuple[object, ...], values: Sequence[Any]
    ) -> None:
        self.table = table
        self.row = row
        self.raw = raw
        self.values = values
        #: (the column as an error names it, or ""; message)
        self.problems: list[tuple[str, str]] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[_FIELD_INDEX[self.table.key][key]]

    def get(self, key: str) -> Any:
        return self.values[_FIELD_INDEX[self.table.key][key]]

    def error(self, key: str, message: str) -> None:
        """What is wrong with the field ``key``."""
        self.problem(self.table.columns.get(key, key), message)

    def problem(self, column: str, message: str) -> None:
        """What is wrong with the column (as an error names it)."""
        if self.problems is None:
            self.problems = []
        self.problems.append((column, message))


@dataclass(slots=True)
class RejectedSheet:
    """A sheet whose rows are all rejected with one message (a second sheet with a table
    already read): its rows as (Excel row number, cells)."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, tuple[object, ...]]]
    message: str


@dataclass(slots=True)
class ExtractRows:
    """An extract read into typed rows, for :func:`plan_import`: its tables (each at most
    once), the errors about a sheet rather than a row (a mapped column missing …), the sheets
    not read, and the sheets rejected whole."""

    tables: list[ImportTable] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    rejected_sheets: list[RejectedSheet] = field(default_factory=list)


# --- what the project holds, and the plan ------------------------------------------------------


@dataclass(slots=True)
class Existing:
    """What the project holds, for comparing (storage.imports.load_existing)."""

    group_ids: frozenset[int] = frozenset()
    citizens: dict[str, Citizen] = field(default_factory=dict)  # by CPR
    staff: dict[str, Staff] = field(default_factory=dict)  # by initials in upper case
    periods: dict[tuple[str, str, str], Period] = field(
        default_factory=dict
    )  # (citizen id, kind, start ISO)
    paid_hours: dict[tuple[str, str], float] = field(default_factory=dict)  # (citizen id, month)
    #: The newest assignment (latest start; open or ended), by (citizen id, role).
    assignments: dict[tuple[str, str], Assignment] = field(default_factory=dict)
    #: Every assignment by (citizen id, role), in start order (missing: only the newest).
    assignment_history: dict[tuple[str, str], list[Assignment]] = field(default_factory=dict)
    #: Every registration, by (citizen id, kind): (date, value) by date, in entry order.
    status: dict[tuple[str, str], list[tuple[dt.date, str]]] = field(default_factory=dict)


@dataclass(slots=True)
class RejectedRow:
    sheet: str
    row: int
    headers: list[str]
    values: tuple[object, ...]
    messages: list[str]


@dataclass(slots=True)
class CitizenUpdate:
    old: Citizen
    new: Citizen
    fields: list[str]  # the changed fields' template names


@dataclass(frozen=True, slots=True)
class OlderFact:
    """A job broker or caseworker in the extract that the project's history contradicts on the
    extract's date, which is older than the stored one: not written (the newer state stands)."""

    citizen: Citizen
    what: str  # "jobformidler" or "sagsbehandler" (Danish, as in the template)
    initials: str  # the extract's
    day: dt.date  # what the extract says it holds from
    stored: str  # the stored person's initials
    stored_day: dt.date  # when the stored one began

    def __str__(self) -> str:
        return "{what} {initials} pr. {day} er ældre end den gemte ({stored} fra {stored_day}): ikke ændret".format(
            what=self.what,
            initials=self.initials,
            day=_dk(self.day),
            stored=self.stored,
            stored_day=_dk(self.stored_day),
        )


@dataclass(slots=True)
class ImportPlan:
    """What an import would do. Nothing in it is written until storage applies it."""

    errors: list[RowError] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    staff_new: list[Staff] = field(default_factory=list)
    staff_updated: list[tuple[Staff, Staff]] = field(default_factory=list)
    staff_unchanged: int = 0
    citizens_new: list[Citizen] = field(default_factory=list)
    citizens_updated: list[CitizenUpdate] = field(default_factory=list)
    citizens_unchanged: int = 0
    #: Citizens this import takes out of the target group (a leaving exit, newly set).
    leaving: list[Citizen] = field(default_factory=list)
    #: In the project, not left, but not in the file's Borgere sheet: for the user to end.
    missing: list[Citizen] = field(default_factory=list)
    assignments_new: list[Assignment] = field(default_factory=list)
    assignments_ended: list[tuple[Assignment, dt.date]] = field(default_factory=list)
    #: An assignment that began today, given to someone else (old, new).
    assignments_moved: list[tuple[Assignment, Assignment]] = field(default_factory=list)
    #: An assignment the extract shows began earlier (same person, older extract): (old, new).
    assignments_restarted: list[tuple[Assignment, Assignment]] = field(default_factory=list)
    status_new: list[StatusEntry] = field(default_factory=list)
    #: Of status_new: dated before a newer registration of the citizen's (added as history).
    status_history: int = 0
    #: Facts of an older extract that the project's newer state contradicts: reported, not written.
    older: list[OlderFact] = field(default_factory=list)
    #: The day the extract's facts hold from ("Udtræk pr."), unless a *_fra column says otherwise.
    as_of: dt.date | None = None
    periods_new: list[Period] = field(default_factory=list)
    periods_updated: list[tuple[Period, Period]] = field(default_factory=list)
    periods_unchanged: int = 0
    hours_new: list[PaidHours] = field(default_factory=list)
    hours_updated: list[tuple[PaidHours, float]] = field(default_factory=list)  # new, old hours
    hours_unchanged: int = 0
    has_citizen_sheet: bool = False

    @property
    def changes(self) -> int:
        return (
            len(self.staff_new)
            + len(self.staff_updated)
            + len(self.citizens_new)
            + len(self.citizens_updated)
            + len(self.assignments_new)
            + len(self.assignments_ended)
            + len(self.assignments_moved)
            + len(self.assignments_restarted)
            + len(self.status_new)
            + len(self.periods_new)
            + len(self.periods_updated)
            + len(self.hours_new)
            + len(self.hours_updated)
        )

    def counts(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "rejected_rows": len(self.rejected),
            "errors": len(self.errors),
            "citizens_new": len(self.citizens_new),
            "citizens_updated": len(self.citizens_updated),
            "citizens_unchanged": self.citizens_unchanged,
            "leaving": len(self.leaving),
            "missing": len(self.missing),
            "periods_new": len(self.periods_new),
            "periods_updated": len(self.periods_updated),
            "periods_unchanged": self.periods_unchanged,
            "hours_new": len(self.hours_new),
            "hours_updated": len(self.hours_updated),
            "hours_unchanged": self.hours_unchanged,
            "staff_new": len(self.staff_new),
            "staff_updated": len(self.staff_updated),
            "staff_unchanged": self.staff_unchanged,
            "assignments_new": len(self.assignments_new),
            "assignments_ended": len(self.assignments_ended),
            "assignments_moved": len(self.assignments_moved),
            "assignments_restarted": len(self.assignments_restarted),
            "status_new": len(self.status_new),
            "status_history": self.status_history,
            "older": len(self.older),
        }

    def summary(self) -> str:
        """One Danish line."""
        c = self.counts()

        def new_changed(new: str, changed: str) -> str:
            return f"{count(c[new], 'ny', 'nye')}, {count(c[changed], 'ændret', 'ændrede')}"

        parts = [
            "borgere: {}, {}".format(
                new_changed("citizens_new", "citizens_updated"),
                count(c["citizens_unchanged"], "uændret", "uændrede"),
            ),
            "forløb: " + new_changed("periods_new", "periods_updated"),
            "løntimer: " + new_changed("hours_new", "hours_updated"),
            "medarbejdere: " + new_changed("staff_new", "staff_updated"),
        ]
        if c[
            "status_new"
        ]:  # a new CV-on-Jobnet or job-goal value (the citizen row may be unchanged)
            text = "cv/jobmål: " + count(c["status_new"], "ny registrering", "nye registreringer")
            if c["status_history"]:
                text += " ({} før en nyere, som fortsat gælder)".format(number(c["status_history"]))
            parts.append(text)
        if c["assignments_restarted"]:
            parts.append(
                "{}: samme medarbejder fra en tidligere dato".format(
                    count(c["assignments_restarted"], "tilknytning", "tilknytninger")
                )
            )
        if c["older"]:
            parts.append(
                "{} ældre end det gemte (ikke ændret)".format(
                    count(c["older"], "tilknytning", "tilknytninger")
                )
            )
        if c["leaving"]:
            parts.append("{} går ud af målgruppen".format(number(c["leaving"])))
        if c["rejected_rows"]:
            parts.append(count(c["rejected_rows"], "afvist række", "afviste rækker"))
        if c["missing"]:
            parts.append(count(c["missing"], "borger", "borgere") + " mangler i udtrækket")
        return "; ".join(parts)


# --- the plan -----------------------------------------------------------------------------------


def plan_import(
    rows: ExtractRows,
    existing: Existing,
    as_of: dt.date,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPlan:
    """Validate every row and work out what an import would write (see docs/import.md).
    ``as_of``: the extract's date ("Udtræk pr."): the day its job brokers, caseworkers, CV and
    job-goal values hold from, unless a row's *_fra column says otherwise. The rows' own
    problems (a cell that could not be read) are reported with the rest."""
    return _Planner(rows, existing, as_of, cancelled).plan()


#: A snapshot fact of the Borgere sheet → the column dating it.
_DATED_BY = {
    "jobformidler": "jobformidler_fra",
    "sagsbehandler": "sagsbehandler_fra",
    "cv_jobnet": "cv_jobnet_fra",
    "jobmål": "jobmål_fra",
}


class _Planner:
    def __init__(
        self,
        rows: ExtractRows,
        existing: Existing,
        as_of: dt.date,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.rows = rows
        self.existing = existing
        self.as_of = as_of
        self.cancelled = cancelled or (lambda: False)
        self.result = ImportPlan(
            errors=list(rows.errors), ignored_sheets=list(rows.ignored_sheets), as_of=as_of
        )
        #: Initials (CPR numbers) of a rejected Medarbejdere (Borgere) row → its row number.
        self._rejected_initials: dict[str, int] = {}
        self._rejected_cpr: dict[str, int] = {}
        #: The new rows' ids, made in batches (100,000s of rows).
        self.new_id = IdPool()

    def _check(self) -> None:
        if self.cancelled():
            raise ImportCancelled()

    def plan(self) -> ImportPlan:
        parsed = {table.key: table.rows for table in self.rows.tables}
        self.result.rows_read = sum(len(rows) for rows in parsed.values())
        for sheet in self.rows.rejected_sheets:
            self._reject_sheet(sheet)
        self.result.has_citizen_sheet = CITIZENS in parsed
        staff = self._staff(parsed.get(STAFF, []))
        citizens = self._citizens(parsed.get(CITIZENS, []), staff)
        self._check()
        self._periods(parsed.get(PERIODS, []), citizens)
        self._check()
        self._paid_hours(parsed.get(PAID_HOURS, []), citizens)
        for rows in parsed.values():
            for row in rows:
                if row.problems:
                    self._reject(row, row.problems)
        self.result.errors.sort(key=lambda e: (e.sheet, e.row))
        return self.result

    def _reject_sheet(self, sheet: RejectedSheet) -> None:
        self.result.rows_read += len(sheet.rows)
        for number_, raw in sheet.rows:
            self.result.errors.append(RowError(sheet.sheet, number_, "", sheet.message))
            self.result.rejected.append(
                RejectedRow(sheet.sheet, number_, list(sheet.headers), raw, [sheet.message])
            )

    def _reject(self, row: ImportRow, problems: list[tuple[str, str]]) -> None:
        table = row.table
        messages = []
        for column, message in problems:
            self.result.errors.append(RowError(table.sheet, row.row, column, message))
            messages.append(f"{column}: {message}" if column else message)
        self.result.rejected.append(
            RejectedRow(table.sheet, row.row, list(table.headers), row.raw, messages)
        )

    def _duplicates(
        self,
        rows: list[ImportRow],
        key: Callable[[ImportRow], tuple[Hashable, ...]],
        what: str,
        column: str,
    ) -> None:
        first_seen: dict[tuple[Hashable, ...], int] = {}
        for row in rows:
            value = key(row)
            if None in value:
                continue  # already reported as missing or unreadable
            if value in first_seen:
                row.error(column, f"{what} står også i række {first_seen[value]}")
            else:
                first_seen[value] = row.row

    # --- staff ----------------------------------------------------------------------------------
    def _staff(self, rows: list[ImportRow]) -> dict[str, Staff]:
        """Initials (upper case) → Staff, for every valid row of the sheet."""
        self._duplicates(rows, lambda r: (r["initialer"],), "Initialerne", "initialer")
        found: dict[str, Staff] = {}
        for row in rows:
            # The register's rule (docs/caseload.md): a pseudo-caseworker has 0 hours a week, so
            # the citizens parked there count in nobody's caseload.
            if (
                not row.problems
                and row["rolle"] is StaffRole.PSEUDO
                and row.get("timer_pr_uge") not in (None, 0)
            ):
                row.error(
                    "timer_pr_uge",
                    "en pseudo-sagsbehandler har 0 timer om ugen (borgerne hos den tæller ikke "
                    "med i nogens sagsstamme)",
                )
        self._rejected_initials = {
            r["initialer"]: r.row for r in rows if r.problems and r["initialer"]
        }
        for row in rows:
            if row.problems:
                continue
            v = row
            initials = v["initialer"]
            old = self.existing.staff.get(initials)
            if old is None:
                hours = v.get("timer_pr_uge")
                if hours is None:  # empty: a full week, a pseudo-caseworker none
                    hours = 0.0 if v["rolle"] is StaffRole.PSEUDO else FULL_TIME_HOURS
                staff = Staff(initials, v["navn"], v["rolle"], hours)
                self.result.staff_new.append(staff)
            else:
                hours = v.get("timer_pr_uge")
                if hours is None:  # empty: unchanged (a pseudo-caseworker has none)
                    hours = 0.0 if v["rolle"] is StaffRole.PSEUDO else old.hours_per_week
                staff = replace(old, name=v["navn"], role=v["rolle"], hours_per_week=hours)
                if (staff.name, staff.role, staff.hours_per_week) != (
                    old.name,
                    old.role,
                    old.hours_per_week,
                ):
                    self.result.staff_updated.append((old, staff))
                else:
                    self.result.staff_unchanged += 1
            found[initials] = staff
        return found

    # --- citizens -------------------------------------------------------------------------------
    def _citizens(self, rows: list[ImportRow], staff: dict[str, Staff]) -> dict[str, Citizen]:
        """CPR → Citizen, for the valid rows of the Borgere sheet and everyone in the project."""
        existing = self.existing
        self._duplicates(rows, lambda r: (r["cpr"],), "CPR-nummeret", "cpr")
        for row in rows:
            self._check_citizen_row(row, staff)
        known: dict[str, Citizen] = dict(existing.citizens)
        in_file: set[str] = set()
        for row in rows:
            if row.problems:
                # Still "in the file": not listed as missing, and its periods say why they fail.
                if row["cpr"]:
                    in_file.add(row["cpr"])
                continue
            v = row
            cpr = v["cpr"]
            in_file.add(cpr)
            old = existing.citizens.get(cpr)
            citizen = self._merge_citizen(old, v)
            known[cpr] = citizen
            if old is None:
                self.result.citizens_new.append(citizen)
            else:
                changed = _changed_fields(old, citizen)
                if changed:
                    self.result.citizens_updated.append(CitizenUpdate(old, citizen, changed))
                else:
                    self.result.citizens_unchanged += 1
            if citizen.exit_reason in LEAVING_REASONS and (
                old is None
                or (old.exit_date, old.exit_reason) != (citizen.exit_date, citizen.exit_reason)
            ):
                self.result.leaving.append(citizen)
            self._assignments(citizen, v, staff, new=old is None)
            self._status(citizen, v)
        if rows:
            self.result.missing = sorted(
                (
                    c
                    for cpr, c in existing.citizens.items()
                    if cpr not in in_file and c.exit_date is None
                ),
                key=lambda c: c.name,
            )
        self._rejected_cpr = {r["cpr"]: r.row for r in rows if r.problems and r["cpr"]}
        return known

    def _check_citizen_row(self, row: ImportRow, staff: dict[str, Staff]) -> None:
        old = self.existing.citizens.get(row["cpr"]) if row["cpr"] else None
        self._check_group(row)
        self._check_entry_and_exit(row, old)
        self._check_dated_facts(row)
        self._check_staff(row, staff)

    def _check_group(self, row: ImportRow) -> None:
        group = row.get("gruppe")
        if group is None:
            return
        if not self.existing.group_ids:
            row.error("gruppe", "indsatsen har ingen grupper; lad cellen være tom")
        elif group not in self.existing.group_ids:
            row.error(
                "gruppe",
                "gruppe {} findes ikke (brug {})".format(
                    group, " eller ".join(str(g) for g in sorted(self.existing.group_ids))
                ),
            )

    @staticmethod
    def _check_entry_and_exit(v: ImportRow, old: Citizen | None) -> None:
        """An exit needs a reason and a reason an exit date, the row's or the stored one; an
        exit is not before the entry."""
        entry = (
            v.get("indgang") if v.get("indgang") is not None else (old.entry_date if old else None)
        )
        exit_date = (
            v.get("afgang") if v.get("afgang") is not None else (old.exit_date if old else None)
        )
        reason = (
            v.get("afgangsårsag")
            if v.get("afgangsårsag") is not None
            else (old.exit_reason if old else None)
        )
        if v.get("afgang") is not None and reason is None:
            v.error("afgangsårsag", "en afgang kræver en afgangsårsag")
        if v.get("afgangsårsag") is not None and exit_date is None:
            v.error("afgang", "en afgangsårsag kræver en afgangsdato")
        if entry is not None and exit_date is not None and exit_date < entry:
            v.error(
                "afgang", "afgangen {} ligger før indgangen {}".format(_dk(exit_date), _dk(entry))
            )

    def _check_dated_facts(self, row: ImportRow) -> None:
        """A *_fra date dates a fact of the same row, on or before the extract's date."""
        for fact, dated_by in _DATED_BY.items():
            day = row.get(dated_by)
            if day is None:
                continue
            if row.get(fact) is None:
                row.error(
                    dated_by, f"en dato uden {fact} i samme række; udfyld {fact} eller slet datoen"
                )
            elif day > self.as_of:
                row.error(
                    dated_by,
                    "datoen {} ligger efter udtrækkets dato {}".format(_dk(day), _dk(self.as_of)),
                )

    def _check_staff(self, row: ImportRow, staff: dict[str, Staff]) -> None:
        """The job broker and the caseworker are in Medarbejdere or in the project."""
        for key in ("jobformidler", "sagsbehandler"):
            initials = row.get(key)
            if initials is None or initials in staff or initials in self.existing.staff:
                continue
            rejected = self._rejected_initials.get(initials)
            if rejected is not None:
                row.error(
                    key, f"medarbejderen »{initials}« er afvist i Medarbejdere række {rejected}"
                )
            else:
                row.error(
                    key,
                    f"ukendte initialer »{initials}« (hverken i Medarbejdere eller i projektet)",
                )

    def _merge_citizen(self, old: Citizen | None, v: ImportRow) -> Citizen:
        """An empty cell or a missing column changes nothing (docs/import.md)."""
        updates = {"name": v["navn"]}
        for key, attribute in _CITIZEN_FIELDS.items():
            value = v.get(key)
            if value is not None:
                updates[attribute] = value
        if old is None:
            return Citizen(cpr=v["cpr"], id=self.new_id(), **updates)
        return replace(old, **updates)

    def _assignments(
        self, citizen: Citizen, v: ImportRow, staff: dict[str, Staff], new: bool
    ) -> None:
        """A job broker or caseworker in the row holds from its day: the row's *_fra date, else
        the extract's date (docs/import.md, "Dated extracts"). A citizen's first starts on the
        entry date (unless *_fra says otherwise). Against the newest stored assignment: the same
        person changes nothing; another person from a later day ends it the day before (or
        takes it over when it began that day). An older day than the stored newest never
        changes the newer state: the same person (and no earlier assignment) moves the start
        back; another person is reported (ImportPlan.older)."""
        for key, role in (
            ("jobformidler", AssignmentRole.JOB_BROKER),
            ("sagsbehandler", AssignmentRole.CASEWORKER),
        ):
            initials = v.get(key)
            if initials is None:
                continue
            member = staff.get(initials) or self.existing.staff[initials]
            explicit = v.get(_DATED_BY[key])
            day = explicit or self.as_of
            newest = None if new else self.existing.assignments.get((citizen.id, role.value))
            if newest is None:
                start = day
                if (
                    explicit is None
                    and citizen.entry_date is not None
                    and citizen.entry_date <= day
                ):
                    start = citizen.entry_date  # a citizen's first: from the entry date
                self.result.assignments_new.append(
                    Assignment(citizen.id, member.id, role, start, id=self.new_id())
                )
            elif day < newest.start or (newest.end is not None and day <= newest.end):
                self._older_assignment(citizen, (key, role), initials, member, day, newest)
            else:
                self._later_assignment(citizen, role, member, day, newest)

    def _older_assignment(
        self,
        citizen: Citizen,
        fact: tuple[str, AssignmentRole],
        initials: str,
        member: Staff,
        day: dt.date,
        newest: Assignment,
    ) -> None:
        """The extract is older than the stored state: it never changes it. ``fact``: the
        column ("jobformidler" or "sagsbehandler") and its role."""
        key, role = fact
        history = self.existing.assignment_history.get((citizen.id, role.value)) or [newest]
        covering = None
        for a in history:
            if a.start <= day and (a.end is None or day <= a.end):
                covering = a
        if covering is not None and covering.staff_id == member.id:
            return  # the history agrees
        if newest.staff_id == member.id and covering is None and len(history) == 1:
            # The only assignment, the same person: the older extract shows it began earlier.
            self.result.assignments_restarted.append((newest, replace(newest, start=day)))
            return
        stored = covering or newest
        self.result.older.append(
            OlderFact(citizen, key, initials, day, self._initials(stored.staff_id), stored.start)
        )

    def _later_assignment(
        self,
        citizen: Citizen,
        role: AssignmentRole,
        member: Staff,
        day: dt.date,
        newest: Assignment,
    ) -> None:
        """The extract's day is after the newest stored assignment (or on its first day)."""
        result = self.result
        if newest.end is not None:
            # Ended before the day: the citizen has someone again.
            result.assignments_new.append(
                Assignment(citizen.id, member.id, role, day, id=self.new_id())
            )
            return
        plan = plan_handover((newest.id, newest.staff_id, newest.start), member.id, day)
        if plan is None:
            return
        if plan.take_over_id is not None:
            # Began that very day: the other person takes it over; nothing to end.
            result.assignments_moved.append((newest, replace(newest, staff_id=member.id)))
            return
        result.assignments_ended.append((newest, day - dt.timedelta(days=1)))
        result.assignments_new.append(
            Assignment(citizen.id, member.id, role, day, id=self.new_id())
        )

    def _initials(self, staff_id: str) -> str:
        for member in self.existing.staff.values():
            if member.id == staff_id:
                return member.initials
        return "?"

    def _status(self, citizen: Citizen, v: ImportRow) -> None:
        """A CV or job-goal value is what the extract saw on its day: registered on that day
        unless the value in effect then is the same. An older extract adds its value to the
        history; a newer registration still holds from its own date."""
        for key, kind in (("cv_jobnet", StatusKind.CV_JOBNET), ("jobmål", StatusKind.JOB_GOAL)):
            value = v.get(key)
            if value is None:
                continue
            day = v.get(_DATED_BY[key]) or self.as_of
            history = self.existing.status.get((citizen.id, kind.value), ())
            in_effect = None
            newer = False
            for date, stored in history:
                if date <= day:
                    in_effect = stored
                else:
                    newer = True
                    break
            if in_effect != value:
                self.result.status_new.append(
                    StatusEntry(citizen.id, kind, day, value, id=self.new_id())
                )
                if newer:
                    self.result.status_history += 1

    # --- periods and paid hours -----------------------------------------------------------------
    def _citizen_for(
        self, row: ImportRow, cpr: str | None, citizens: dict[str, Citizen]
    ) -> Citizen | None:
        if cpr is None:
            return None
        citizen = citizens.get(cpr)
        if citizen is None:
            rejected = self._rejected_cpr.get(cpr)
            if rejected is not None:
                row.error("cpr", f"borgeren er afvist i Borgere række {rejected}")
            else:
                row.error(
                    "cpr",
                    "CPR-nummeret {} findes hverken i Borgere eller i projektet".format(
                        cpr_rules.mask(cpr)
                    ),
                )
        return citizen

    def _periods(self, rows: list[ImportRow], citizens: dict[str, Citizen]) -> None:
        """One pass (100,000s of rows): a row's own checks (an end before its start, the same
        period in an earlier row, its citizen), then what it changes."""
        existing = self.existing.periods
        new, updated = self.result.periods_new, self.result.periods_updated
        new_id = self.new_id
        first_seen: dict[tuple[str, str, dt.date], int] = {}
        unchanged = 0
        for row in rows:
            cpr, kind, start, end, note = row.values  # the order of FIELDS[PERIODS]
            if end is not None and start is not None and end < start:
                row.error(
                    "til", "slutdatoen {} ligger før startdatoen {}".format(_dk(end), _dk(start))
                )
            if cpr is not None and kind is not None and start is not None:
                key = (cpr, kind._value_, start)
                first = first_seen.get(key)
                if first is None:
                    first_seen[key] = row.row
                else:
                    row.error("fra", f"Samme forløb (CPR, type og fra) står også i række {first}")
            citizen = citizens.get(cpr) if cpr is not None else None
            if citizen is None:
                self._citizen_for(row, cpr, citizens)  # says why
                continue
            if row.problems:
                continue
            note = note or ""
            old = existing.get((citizen.id, kind._value_, start.isoformat())) if existing else None
            if old is None:
                new.append(Period(citizen.id, kind, start, end, note, id=new_id()))
            elif (old.end, old.note) != (end, note):
                updated.append((old, replace(old, end=end, note=note)))
            else:
                unchanged += 1
        self.result.periods_unchanged += unchanged

    def _paid_hours(self, rows: list[ImportRow], citizens: dict[str, Citizen]) -> None:
        """One pass, as :meth:`_periods`."""
        existing = self.existing.paid_hours
        new, updated = self.result.hours_new, self.result.hours_updated
        first_seen: dict[tuple[str, str], int] = {}
        unchanged = 0
        for row in rows:
            cpr, month, hours = row.values  # the order of FIELDS[PAID_HOURS]
            if cpr is not None and month is not None:
                key = (cpr, month)
                first = first_seen.get(key)
                if first is None:
                    first_seen[key] = row.row
                else:
                    row.error("måned", f"Samme borger og måned står også i række {first}")
            citizen = citizens.get(cpr) if cpr is not None else None
            if citizen is None:
                self._citizen_for(row, cpr, citizens)  # says why
                continue
            if row.problems:
                continue
            cid = citizen.id
            old = existing.get((cid, month)) if existing else None
            if old is None:
                new.append(PaidHours(cid, month, hours))
            elif old != hours:
                updated.append((PaidHours(cid, month, hours), old))
            else:
                unchanged += 1
        self.result.hours_unchanged += unchanged


#: Borgere columns → Citizen attributes (besides cpr and navn).
_CITIZEN_FIELDS = {
    "gruppe": "group",
    "køn": "gender",
    "herkomst": "origin",
    "indgang": "entry_date",
    "afgang": "exit_date",
    "afgangsårsag": "exit_reason",
}
_ATTRIBUTE_NAMES = {
    "name": "navn",
    **{attribute: key for key, attribute in _CITIZEN_FIELDS.items()},
}


def _changed_fields(old: Citizen, new: Citizen) -> list[str]:
    return [
        name
        for attribute, name in _ATTRIBUTE_NAMES.items()
        if getattr(old, attribute) != getattr(new, attribute)
    ]


def _dk(day: dt.date) -> str:
    return date_text(day)
