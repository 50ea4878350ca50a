"""The import's file format: the standard template's sheets and columns with the header
aliases other layouts use, the values its drop-down lists offer, a file's sheets as read
(:class:`SourceTable`), a saved mapping of another layout (:class:`Mapping`, stored as JSON),
a layout's signature, and the date an extract's file name gives.

``exchange.cells`` reads a cell; ``exchange.import_binding`` finds which table a sheet holds
and reads its rows into ``domain.imports``' typed rows. Each table's fields are the domain's
(``domain.imports.FIELDS``); this module says how a file spells them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from fsm_desktop.domain import imports as plan
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import PERIOD_LABELS, PeriodKind
from fsm_desktop.exchange.cells import DATE_FORMATS, DECIMALS, ReadOptions, norm

# --- the extract's date ----------------------------------------------------------------------

#: A date in a file name: 2024-03-15, 2024_03_15, 20240315, 15-03-2024, 15.03.2024 (not a
#: month alone: "momentum-2024-03" says which month, not which day).
_NAME_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-_.](?P<m>\d\d)[-_.](?P<d>\d\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d\d)[-_.](?P<m>\d\d)[-_.](?P<y>(?:19|20)\d\d)(?!\d)"),
)


#: Where an extract's date came from → how the dialog and the command line say it.
EXTRACT_DATE_SOURCES = {
    "name": "datoen i filnavnet",
    "modified": "filens ændringsdato",
    "given": "valgt",
}


def date_in_name(name: str, today: dt.date) -> dt.date | None:
    """The extract's date as its file name gives it, or None (none, or one after today: a
    number that only looks like a date)."""
    for form in _NAME_DATES:
        for match in form.finditer(name):
            try:
                day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            if day <= today:
                return day
    return None


# --- the standard template --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str  # the header in the standard template
    kind: str  # how a cell is read: see _READERS
    required: bool = False
    help: str = ""  # for the template's guide sheet and docs/import.md
    aliases: tuple[str, ...] = ()
    max_length: int = 0
    #: A name: one line (a line break or a tab is refused, as in the forms).
    one_line: bool = False

    def matches(self, header: str) -> bool:
        target = norm(header)
        return target == norm(self.key) or any(target == norm(alias) for alias in self.aliases)


@dataclass(frozen=True, slots=True)
class TableSpec:
    key: str
    sheet: str  # the sheet's name in the standard template
    fields: tuple[FieldSpec, ...]
    help: str = ""

    def field(self, key: str) -> FieldSpec:
        for spec in self.fields:
            if spec.key == key:
                return spec
        raise KeyError(key)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.required)


def _cpr(help_text: str) -> FieldSpec:
    return FieldSpec(
        "cpr", "cpr", True, help_text, ("cpr nr", "cprnr", "cpr nummer", "personnummer")
    )


CITIZENS = TableSpec(
    plan.CITIZENS,
    "Borgere",
    (
        _cpr("CPR-nummer, med eller uden bindestreg"),
        FieldSpec(
            "navn",
            "text",
            True,
            "Borgerens navn",
            ("borger", "borgernavn", "fulde navn"),
            200,
            one_line=True,
        ),
        FieldSpec(
            "gruppe",
            "group",
            help="1 (indsatsgruppe) eller 2 (målgruppe for rehab); tom for indsatser uden grupper",
        ),
        FieldSpec("køn", "gender", help="K eller M", aliases=("koen", "kon")),
        FieldSpec(
            "herkomst", "origin", help="dansk, vestlig eller ikke-vestlig", aliases=("oprindelse",)
        ),
        FieldSpec(
            "indgang",
            "date",
            help="Dato for indgang i målgruppen",
            aliases=("indgangsdato", "startdato"),
        ),
        FieldSpec(
            "afgang",
            "date",
            help="Dato for afgang; kræver en afgangsårsag",
            aliases=("afgangsdato", "slutdato"),
        ),
        FieldSpec(
            "afgangsårsag",
            "exit_reason",
            help="fraflyttet, folkepension, død eller andet",
            aliases=("aarsag",),
        ),
        FieldSpec("jobformidler", "initials", help="Jobformidlerens initialer (fra Medarbejdere)"),
        FieldSpec(
            "sagsbehandler",
            "initials",
            help="Sagsbehandlerens initialer (fra Medarbejdere)",
            aliases=("myndighedssagsbehandler", "koordinerende sagsbehandler"),
        ),
        FieldSpec(
            "cv_jobnet",
            "yes_no",
            help="ja eller nej: CV på Jobnet",
            aliases=("cv paa jobnet", "cv"),
        ),
        FieldSpec("jobmål", "text", help="Borgerens jobmål", aliases=("jobmaal",), max_length=500),
        # The date a snapshot fact holds from (docs/import.md, "Dated extracts"); empty: the
        # extract's date ("Udtræk pr.").
        FieldSpec(
            "jobformidler_fra",
            "date",
            help="Jobformidleren er tilknyttet fra (tom = udtrækkets dato)",
            aliases=("jobformidler fra dato", "jobformidler startdato"),
        ),
        FieldSpec(
            "sagsbehandler_fra",
            "date",
            help="Sagsbehandleren er tilknyttet fra (tom = udtrækkets dato)",
            aliases=("sagsbehandler fra dato", "sagsbehandler startdato"),
        ),
        FieldSpec(
            "cv_jobnet_fra",
            "date",
            help="CV-oplysningen gælder fra (tom = udtrækkets dato)",
            aliases=("cv fra", "cv paa jobnet fra"),
        ),
        FieldSpec(
            "jobmål_fra",
            "date",
            help="Jobmålet gælder fra (tom = udtrækkets dato)",
            aliases=("jobmaal fra",),
        ),
    ),
    "Én række pr. borger i målgruppen.",
)
PERIODS = TableSpec(
    plan.PERIODS,
    "Forløb",
    (
        _cpr("Borgerens CPR-nummer (i Borgere eller allerede i projektet)"),
        FieldSpec(
            "type",
            "period_type",
            True,
            "Forløbets type (se listen)",
            ("forloebstype", "ydelse", "tilbud"),
        ),
        FieldSpec("fra", "date", True, "Første dag", ("startdato", "fra dato", "start")),
        FieldSpec(
            "til", "date", help="Sidste dag; tom = i gang", aliases=("slutdato", "til dato", "slut")
        ),
        FieldSpec(
            "note",
            "text",
            help="Fx fritagelsens art (barsel …)",
            aliases=("bemaerkning",),
            max_length=2000,
        ),
    ),
    "Én række pr. ydelse, tilbud, resultat eller markering med datoer.",
)
PAID_HOURS = TableSpec(
    plan.PAID_HOURS,
    "Løntimer",
    (
        _cpr("Borgerens CPR-nummer"),
        FieldSpec("måned", "month", True, "Måneden som ÅÅÅÅ-MM", ("maaned", "periode")),
        FieldSpec(
            "timer",
            "hours",
            True,
            "Ordinære løntimer i måneden (decimalkomma er fint)",
            ("loentimer", "antal timer"),
        ),
    ),
    "Én række pr. borger pr. måned med løntimer.",
)
STAFF = TableSpec(
    plan.STAFF,
    "Medarbejdere",
    (
        FieldSpec("initialer", "staff_initials", True, "Unikke initialer", ("init",)),
        FieldSpec("navn", "text", True, "Medarbejderens navn", (), 200, one_line=True),
        FieldSpec(
            "rolle", "role", True, "jobformidler, sagsbehandler, leder eller pseudo", ("funktion",)
        ),
        FieldSpec(
            "timer_pr_uge",
            "week_hours",
            help="Timer om ugen (tom = 37; pseudo: 0)",
            aliases=("timer", "ugentlige timer"),
        ),
    ),
    "Én række pr. medarbejder; pseudo-sagsbehandlere (Barsel/fængsel …) har 0 timer.",
)
TABLES: tuple[TableSpec, ...] = (CITIZENS, PERIODS, PAID_HOURS, STAFF)
TABLES_BY_KEY = {t.key: t for t in TABLES}

# The template spells the domain's fields, in the domain's order (a row's values are by position).
for _table in TABLES:
    assert tuple(f.key for f in _table.fields) == plan.FIELDS[_table.key], _table.key

#: The values a user may write, for the template's drop-down lists and messages.
CHOICES = {
    "period_type": [PERIOD_LABELS[k] for k in PeriodKind],
    "gender": ["K", "M"],
    "origin": ["dansk", "vestlig", "ikke-vestlig"],
    "exit_reason": ["fraflyttet", "folkepension", "død", "andet"],
    "role": ["jobformidler", "sagsbehandler", "leder", "pseudo"],
    "yes_no": ["ja", "nej"],
}

#: Sheets of our own that hold no data (the template's guide).
GUIDE_SHEETS = {norm("Vejledning"), norm("Lister")}


# --- a file's sheets, and a mapping of another layout ------------------------------------------


@dataclass(slots=True)
class SourceTable:
    """A sheet of the source file (a CSV file is one sheet): its headers and its rows, each
    with its row number as Excel shows it."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, tuple[object, ...]]]
    header_row: int = 1
    #: Read from a CSV file: the sheet's name is the file's, and a row's cells can shift (an
    #: unquoted separator), so a cell beyond the headers is an error, not an unknown column.
    csv: bool = False


@dataclass(frozen=True, slots=True)
class SheetMapping:
    """How one sheet of another layout is read: which table, which source column is which
    field, the date format, the decimal sign, and values to translate (e.g. a case system's
    "Praktik" → "virksomhedspraktik")."""

    table: str  # a TableSpec key, or "" = ignore the sheet
    columns: dict[str, str]  # field key → source header
    date_format: str = "auto"
    decimal: str = "auto"
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {source: value}

    def options(self) -> ReadOptions:
        return ReadOptions(
            self.date_format,
            self.decimal,
            {
                key: {norm(src): dst for src, dst in pairs.items()}
                for key, pairs in self.values.items()
            },
        )


@dataclass(frozen=True, slots=True)
class Mapping:
    """A saved mapping, remembered for a file layout (its signature); sheets by normalised
    sheet name, or "*" for any sheet (a CSV file)."""

    name: str
    sheets: dict[str, SheetMapping]
    signature: str = ""

    def for_sheet(self, sheet: str) -> SheetMapping | None:
        return self.sheets.get(norm(sheet)) or self.sheets.get("*")

    def for_source(self, source: SourceTable) -> SheetMapping | None:
        """The sheet's mapping; a CSV file is named by its file, so a renamed extract
        (momentum-2024-02.csv) takes the one sheet of a mapping saved for another name."""
        found = self.for_sheet(source.sheet)
        if found is None and source.csv and len(self.sheets) == 1:
            found = next(iter(self.sheets.values()))
        return found

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": 1,
                "name": self.name,
                "signature": self.signature,
                "sheets": {
                    key: {
                        "table": m.table,
                        "columns": m.columns,
                        "date_format": m.date_format,
                        "decimal": m.decimal,
                        "values": m.values,
                    }
                    for key, m in self.sheets.items()
                },
            },
            ensure_ascii=False,
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """Raises ValidationError naming what is wrong."""
        try:
            data = json.loads(text)
        except (ValueError, TypeError):
            raise ValidationError("Tilknytningen er ikke gyldig JSON.") from None
        if not isinstance(data, dict) or not isinstance(data.get("sheets"), dict):
            raise ValidationError("Tilknytningen mangler »sheets«.")
        sheets = {key: _sheet_from_json(key, raw) for key, raw in data["sheets"].items()}
        return cls(str(data.get("name", "")), sheets, str(data.get("signature", "")))


def _sheet_from_json(key: str, raw: object) -> SheetMapping:
    """One sheet of a mapping's JSON; raises ValidationError naming what is wrong."""
    where = f"sheets.{key}"
    if not isinstance(raw, dict):
        raise ValidationError("Tilknytningen er ugyldig ved »{where}«.", where=where)
    table = raw.get("table", "")
    if table and table not in TABLES_BY_KEY:
        raise ValidationError("Tilknytningen nævner en ukendt tabel »{table}«.", table=str(table))
    columns = raw.get("columns", {})
    values = raw.get("values", {})
    date_format = raw.get("date_format", "auto")
    decimal = raw.get("decimal", "auto")
    if (
        not isinstance(columns, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items())
        or not isinstance(values, dict)
        or not all(isinstance(v, dict) for v in values.values())
    ):
        raise ValidationError("Tilknytningen er ugyldig ved »{where}«.", where=where)
    if date_format not in DATE_FORMATS:
        raise ValidationError(
            "Tilknytningen har et ukendt datoformat »{fmt}«.", fmt=str(date_format)
        )
    if decimal not in DECIMALS:
        raise ValidationError(
            "Tilknytningen har et ukendt decimaltegn »{sign}«.", sign=str(decimal)
        )
    if table:
        unknown = sorted(set(columns) - {f.key for f in TABLES_BY_KEY[table].fields})
        if unknown:
            raise ValidationError(
                "Tilknytningen nævner ukendte felter for {table}: {fields}.",
                table=TABLES_BY_KEY[table].sheet,
                fields=", ".join(unknown),
            )
    return SheetMapping(
        table, dict(columns), date_format, decimal, {k: dict(v) for k, v in values.items()}
    )


def layout_signature(tables: Sequence[SourceTable]) -> str:
    """The same sheets with the same headers give the same signature (a file layout). A CSV
    file's one sheet is named by the file, which changes with every extract: its name is left out."""
    text = "\n".join(
        ("" if t.csv else norm(t.sheet))
        + ":"
        + "|".join(sorted(norm(h) for h in t.headers if str(h).strip()))
        for t in tables
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
