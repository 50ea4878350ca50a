"""Importing extracts (Momentum, Fasit, jobindsats.dk): the standard template's sheets and
columns, reading a cell, the mapping of other layouts, and the plan of what an import would do.

Pure Python. ``exchange.spreadsheet`` turns a file into :class:`SourceTable` objects (a sheet's
header and its rows, with Excel row numbers); :func:`bind` finds which of the template's tables
a sheet holds and which column is which field (by the headers, or by a saved :class:`Mapping`);
:func:`parse` reads every cell into a value or a Danish message; :func:`plan_import` compares
the rows with what the project already holds (:class:`Existing`) and returns an
:class:`ImportPlan`: the new, changed and unchanged records, the errors with sheet, Excel row,
column and message, the rejected rows, and the citizens missing from the extract. Storage
writes a plan in one transaction (storage.imports). The rules are in docs/import.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from fsm_desktop.domain import cpr as cpr_rules
from fsm_desktop.domain.caseload import FULL_TIME_HOURS, MAX_HOURS
from fsm_desktop.domain.citizen_edit import plan_handover
from fsm_desktop.domain.danish import count, number
from fsm_desktop.domain.errors import KnownError, ValidationError
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    PERIOD_LABELS,
    Assignment,
    AssignmentRole,
    Citizen,
    ExitReason,
    Gender,
    Origin,
    PaidHours,
    Period,
    PeriodKind,
    Staff,
    StaffRole,
    StatusEntry,
    StatusKind,
)
from fsm_desktop.domain.text import control_character


class ImportFileError(KnownError):
    """The file is not a spreadsheet at all (or cannot be read): the command exits with 2."""


class ImportCancelled(Exception):
    """The user cancelled while the file was read; nothing was written."""


# --- names ------------------------------------------------------------------------------------

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e"})
_SEPARATORS = re.compile(r"[\s_\-/.:]+")


def norm(text: object) -> str:
    """A header or a value as compared: lower case, æøå spelled out, separators as one space.
    "Timer pr. uge" and "timer_pr_uge" are the same; so are "Løntimer" and "loentimer"."""
    return _SEPARATORS.sub(" ", str(text).lower().translate(_DANISH)).strip()


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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
    "borgere",
    "Borgere",
    (
        _cpr("CPR-nummer, med eller uden bindestreg"),
        FieldSpec(
            "navn", "text", True, "Borgerens navn", ("borger", "borgernavn", "fulde navn"), 200
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
    "forloeb",
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
    "loentimer",
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
    "medarbejdere",
    "Medarbejdere",
    (
        FieldSpec("initialer", "staff_initials", True, "Unikke initialer", ("init",)),
        FieldSpec("navn", "text", True, "Medarbejderens navn", (), 200),
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

#: The Danish type names of the template (PERIOD_LABELS), with the stored values as aliases.
PERIOD_TYPES: dict[str, PeriodKind] = {}
for _kind, _label in PERIOD_LABELS.items():
    PERIOD_TYPES[norm(_label)] = _kind
    PERIOD_TYPES[norm(_kind.value)] = _kind
# "praktik" alone is a virksomhedspraktik in the case systems. Plain "uddannelse" is no alias:
# only SU-eligible education counts for the measures, and an AMU course is education too.
PERIOD_TYPES[norm("praktik")] = PeriodKind.VIRKSOMHEDSPRAKTIK

GENDERS = {"k": Gender.FEMALE, "kvinde": Gender.FEMALE, "m": Gender.MALE, "mand": Gender.MALE}
ORIGINS = {
    "dansk": Origin.DANISH,
    "vestlig": Origin.WESTERN,
    "ikke vestlig": Origin.NON_WESTERN,
    "ikkevestlig": Origin.NON_WESTERN,
}
EXIT_REASONS = {
    "fraflyttet": ExitReason.MOVED_AWAY,
    "folkepension": ExitReason.RETIRED,
    "doed": ExitReason.DIED,
    "andet": ExitReason.OTHER,
}
ROLES = {
    "jobformidler": StaffRole.JOB_BROKER,
    "sagsbehandler": StaffRole.CASEWORKER,
    "leder": StaffRole.LEADER,
    "pseudo": StaffRole.PSEUDO,
    "pseudosagsbehandler": StaffRole.PSEUDO,
}
YES_NO = {
    "ja": "ja",
    "j": "ja",
    "x": "ja",
    "1": "ja",
    "true": "ja",
    "sand": "ja",
    "nej": "nej",
    "n": "nej",
    "0": "nej",
    "false": "nej",
    "falsk": "nej",
}
#: The values a user may write, for the template's drop-down lists and messages.
CHOICES = {
    "period_type": [PERIOD_LABELS[k] for k in PeriodKind],
    "gender": ["K", "M"],
    "origin": ["dansk", "vestlig", "ikke-vestlig"],
    "exit_reason": ["fraflyttet", "folkepension", "død", "andet"],
    "role": ["jobformidler", "sagsbehandler", "leder", "pseudo"],
    "yes_no": ["ja", "nej"],
}

#: Date formats a mapping may name; "auto" reads ISO and the Danish day-month-year forms.
DATE_FORMATS = {
    "auto": "automatisk (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ, DD.MM.ÅÅÅÅ, DD/MM/ÅÅÅÅ)",
    "%Y-%m-%d": "ÅÅÅÅ-MM-DD",
    "%d-%m-%Y": "DD-MM-ÅÅÅÅ",
    "%d.%m.%Y": "DD.MM.ÅÅÅÅ",
    "%d/%m/%Y": "DD/MM/ÅÅÅÅ",
    "%m/%d/%Y": "MM/DD/ÅÅÅÅ (amerikansk)",
    "%d-%m-%y": "DD-MM-ÅÅ",
    "%d.%m.%y": "DD.MM.ÅÅ",
    "%Y%m%d": "ÅÅÅÅMMDD",
}
DECIMALS = {"auto": "automatisk", ",": "komma (12,5)", ".": "punktum (12.5)"}

MAX_CELL_TEXT = 2000  # longer text anywhere is refused (a 1 MB cell is a broken file)


# --- reading one cell -------------------------------------------------------------------------


class CellProblem(Exception):
    """A cell that cannot be read; the message is Danish and says what was expected."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    date_format: str = "auto"
    decimal: str = "auto"
    #: field key → {normalised source value → the value to read instead}
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def _show(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def read_date(value: object, options: ReadOptions = ReadOptions()) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellProblem(f"»{_show(value)}« er ikke en dato")
    if isinstance(value, (int, float)):
        # A date cell formatted as a number in Excel: the serial day number.
        if not math.isfinite(value) or value != int(value) or not 1 <= value <= 2_958_465:
            raise CellProblem(f"»{_show(value)}« er ikke en dato")
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 40:
        raise CellProblem(f"»{_show(text)}« er ikke en dato")
    fmt = options.date_format
    try:
        if fmt == "auto":
            match = _ISO_DATE.match(text)
            if match:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            match = _DMY.match(text)
            if match:
                return dt.date(int(match[3]), int(match[2]), int(match[1]))
        else:
            return dt.datetime.strptime(text, fmt).date()
    except ValueError:
        pass
    expected = "ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ" if fmt == "auto" else DATE_FORMATS.get(fmt, fmt)
    raise CellProblem(f"»{_show(text)}« er ikke en dato ({expected})")


_MONTH_FORMS = (
    re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$"),
    re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
)


def read_month(value: object, options: ReadOptions = ReadOptions()) -> str | None:
    """ "2020-03", "03-2020", "2020/3", "202003", or a date (its month) → "2020-03"."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text:
        return None
    for form in _MONTH_FORMS:
        match = form.match(text)
        if match and 1 <= int(match["m"]) <= 12 and 1900 <= int(match["y"]) <= 2999:
            return f"{int(match['y']):04d}-{int(match['m']):02d}"
    try:
        day = read_date(text, options)
    except CellProblem:
        day = None
    if day is not None:
        return f"{day.year:04d}-{day.month:02d}"
    raise CellProblem(f"»{_show(text)}« er ikke en måned (ÅÅÅÅ-MM)")


def read_number(value: object, options: ReadOptions = ReadOptions()) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(f"»{_show(value)}« er ikke et tal")
    if isinstance(value, (int, float)):
        number_value = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if not text:
            return None
        decimal = options.decimal
        if decimal == "auto":
            # "12,5" and "12.5"; with both, the last one is the decimal sign ("1.234,5").
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
        try:
            number_value = float(text)
        except ValueError:
            raise CellProblem(f"»{_show(value)}« er ikke et tal") from None
    if not math.isfinite(number_value):
        raise CellProblem(f"»{_show(value)}« er ikke et tal")
    return number_value


def read_text(value: object, max_length: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()[:10]
    text = str(value).strip()
    if not text:
        return None
    limit = max_length or MAX_CELL_TEXT
    if len(text) > limit:
        raise CellProblem(f"teksten er for lang ({number(len(text))} tegn; højst {number(limit)})")
    control = control_character(text)
    if control is not None:
        raise CellProblem(f"teksten indeholder et kontroltegn ({control}); ret cellen")
    return text


def read_cpr(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # Excel drops the leading zero of a CPR number typed as a number (0101801234).
        text = f"{value:010d}" if 0 <= value < 10**10 else str(value)
    else:
        text = str(value).strip()
    if not text:
        return None
    if len(text) > 20:
        raise CellProblem(f"»{_show(text)}« er ikke et CPR-nummer")
    try:
        return cpr_rules.normalize(text)
    except ValidationError as exc:
        raise CellProblem(exc.message) from None


def _choice(
    vocabulary: dict[str, Any], what: str, choices: str
) -> Callable[[object, ReadOptions, str], Any]:
    def read(value: object, options: ReadOptions, key: str) -> Any:
        text = read_text(value, 100)
        if text is None:
            return None
        found = vocabulary.get(norm(text))
        if found is None:
            raise CellProblem(f"»{_show(text)}« er ikke {what} ({choices})")
        return found

    return read


def _group(value: object, options: ReadOptions, key: str) -> int | None:
    found = read_number(value, options)
    if found is None:
        return None
    if not found.is_integer():
        raise CellProblem(f"»{_show(value)}« er ikke en gruppe (1 eller 2)")
    return int(found)


def _hours(value: object, options: ReadOptions, key: str) -> float | None:
    found = read_number(value, options)
    if found is not None and not 0 <= found <= 744:  # a month has at most 744 hours
        raise CellProblem(f"{number(found)} timer i en måned er ikke muligt (0–744)")
    return found


def _week_hours(value: object, options: ReadOptions, key: str) -> float | None:
    found = read_number(value, options)
    if found is not None and not 0 <= found <= MAX_HOURS:  # the staff register's limit
        raise CellProblem(f"{number(found)} timer om ugen er ikke muligt (0–{number(MAX_HOURS)})")
    return found


def _initials(value: object, options: ReadOptions, key: str) -> str | None:
    text = read_text(value, 20)
    if text is not None and not re.fullmatch(r"[\wÆØÅæøå.\-]+", text):
        raise CellProblem(f"»{_show(text)}« er ikke initialer (bogstaver og tal, uden mellemrum)")
    return text.upper() if text is not None else None


_READERS: dict[str, Callable[[object, ReadOptions, str], Any]] = {
    "cpr": lambda v, o, k: read_cpr(v),
    "date": lambda v, o, k: read_date(v, o),
    "month": lambda v, o, k: read_month(v, o),
    "hours": _hours,
    "week_hours": _week_hours,
    "group": _group,
    "initials": _initials,
    "staff_initials": _initials,
    "gender": _choice(GENDERS, "et køn", "K eller M"),
    "origin": _choice(ORIGINS, "en herkomst", "dansk, vestlig eller ikke-vestlig"),
    "exit_reason": _choice(
        EXIT_REASONS, "en afgangsårsag", "fraflyttet, folkepension, død eller andet"
    ),
    "role": _choice(ROLES, "en rolle", "jobformidler, sagsbehandler, leder eller pseudo"),
    "yes_no": _choice(YES_NO, "ja eller nej", "ja eller nej"),
    "period_type": _choice(PERIOD_TYPES, "en kendt forløbstype", "se arket Vejledning"),
}


def reader(spec: FieldSpec, options: ReadOptions = ReadOptions()) -> Callable[[object], Any]:
    """The function that reads a non-empty cell for the field; it raises CellProblem."""
    translated = options.values.get(spec.key)
    if spec.kind == "text":
        limit = spec.max_length

        def read(value: object) -> Any:
            return read_text(value, limit)

    else:
        kind_reader, key = _READERS[spec.kind], spec.key

        def read(value: object) -> Any:
            return kind_reader(value, options, key)

    def checked(value: object) -> Any:
        if isinstance(value, str):
            if len(value) > MAX_CELL_TEXT * 4:
                raise CellProblem(f"cellen er for lang ({number(len(value))} tegn)")
            if translated:
                value = translated.get(norm(value), value)
        return read(value)

    return checked


def read_cell(spec: FieldSpec, value: object, options: ReadOptions = ReadOptions()) -> Any:
    """The cell's value for the field, None for an empty cell; raises CellProblem."""
    if value is None:
        return None
    return reader(spec, options)(value)


# --- a file's tables, and which columns are which fields -------------------------------------


@dataclass(slots=True)
class SourceTable:
    """A sheet of the source file (a CSV file is one sheet): its headers and its rows, each
    with its row number as Excel shows it."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, tuple]]
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
        sheets = {}
        for key, raw in data["sheets"].items():
            where = f"sheets.{key}"
            if not isinstance(raw, dict):
                raise ValidationError("Tilknytningen er ugyldig ved »{where}«.", where=where)
            table = raw.get("table", "")
            if table and table not in TABLES_BY_KEY:
                raise ValidationError(
                    "Tilknytningen nævner en ukendt tabel »{table}«.", table=str(table)
                )
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
                known = {f.key for f in TABLES_BY_KEY[table].fields}
                unknown = sorted(set(columns) - known)
                if unknown:
                    raise ValidationError(
                        "Tilknytningen nævner ukendte felter for {table}: {fields}.",
                        table=TABLES_BY_KEY[table].sheet,
                        fields=", ".join(unknown),
                    )
            sheets[key] = SheetMapping(
                table, dict(columns), date_format, decimal, {k: dict(v) for k, v in values.items()}
            )
        return cls(str(data.get("name", "")), sheets, str(data.get("signature", "")))


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


@dataclass(slots=True)
class BoundTable:
    """A source sheet read as one of the template's tables: field key → column index."""

    source: SourceTable
    spec: TableSpec
    columns: dict[str, int]
    options: ReadOptions = field(default_factory=ReadOptions)


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


def _column_name(source: SourceTable, index: int | None, fallback: str = "") -> str:
    if index is None:
        return fallback
    header = source.headers[index] if index < len(source.headers) else ""
    return (
        f"{column_letter(index)} ({_show(header, 30)})"
        if str(header).strip()
        else column_letter(index)
    )


def _auto_bind(source: SourceTable) -> tuple[TableSpec, dict[str, int]] | None:
    """The template table whose required columns the sheet has (the sheet's name breaks a tie)."""
    best = None
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


@dataclass(slots=True)
class Binding:
    tables: list[BoundTable]
    errors: list[RowError]
    ignored: list[str]  # sheets not read (not recognised, or the mapping says ignore)
    #: A second sheet with a table already found, with the message: its rows are rejected.
    duplicates: list[tuple[SourceTable, str]] = field(default_factory=list)


#: Sheets of our own that hold no data (the template's guide).
GUIDE_SHEETS = {norm("Vejledning"), norm("Lister")}


def bind(sources: Sequence[SourceTable], mapping: Mapping | None = None) -> Binding:
    """Which table each sheet holds and which column is which field: from the mapping when it
    names the sheet, else from the headers (the standard template, headers in any case, extra
    columns ignored). A mapped column missing is an error; so is a table found twice: the
    second sheet's rows are rejected (Binding.duplicates), each with the reason."""
    bound: list[BoundTable] = []
    errors: list[RowError] = []
    ignored: list[str] = []
    duplicates: list[tuple[SourceTable, str]] = []
    seen: dict[str, str] = {}
    for source in sources:
        sheet_mapping = mapping.for_source(source) if mapping else None
        if sheet_mapping is not None:
            if not sheet_mapping.table:
                ignored.append(source.sheet)
                continue
            spec = TABLES_BY_KEY[sheet_mapping.table]
            headers = {
                norm(h): i for i, h in enumerate(source.headers) if h is not None and str(h).strip()
            }
            columns: dict[str, int] = {}
            for key, header in sheet_mapping.columns.items():
                index = headers.get(norm(header))
                if index is None:
                    errors.append(
                        RowError(
                            source.sheet,
                            source.header_row,
                            "",
                            f"kolonnen »{_show(header)}« (til {key}) findes ikke i arket",
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
            options = sheet_mapping.options()
        else:
            if norm(source.sheet) in GUIDE_SHEETS:
                continue
            found = _auto_bind(source)
            if found is None:
                if source.rows or any(h is not None and str(h).strip() for h in source.headers):
                    ignored.append(source.sheet)
                continue
            spec, columns = found
            options = ReadOptions()
        if spec.key in seen:
            message = f"arket indeholder {spec.sheet} ligesom arket »{seen[spec.key]}«; kun det første læses"
            if source.rows:
                duplicates.append((source, message))  # every row rejected with the message
            else:
                errors.append(RowError(source.sheet, source.header_row, "", message))
            continue
        seen[spec.key] = source.sheet
        bound.append(BoundTable(source, spec, columns, options))
    return Binding(bound, errors, ignored, duplicates)


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
    values: tuple
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


# --- parsing rows -------------------------------------------------------------------------------


class _Row:
    """One source row: its cells, the values read from them (in the order of the table's
    fields) and what is wrong with it."""

    __slots__ = ("problems", "raw", "row", "table", "values")

    def __init__(self, table: BoundTable, row: int, raw: tuple, values: list) -> None:
        self.table = table
        self.row = row
        self.raw = raw
        self.values = values
        #: (field key, or the index of a column that is no field, or None; message)
        self.problems: list[tuple[str | int | None, str]] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[_FIELD_INDEX[self.table.spec.key][key]]

    def get(self, key: str) -> Any:
        return self.values[_FIELD_INDEX[self.table.spec.key][key]]

    def error(self, key: str | int | None, message: str) -> None:
        if self.problems is None:
            self.problems = []
        self.problems.append((key, message))


_FIELD_INDEX = {t.key: {f.key: i for i, f in enumerate(t.fields)} for t in TABLES}
assert [f.key for f in PERIODS.fields] == ["cpr", "type", "fra", "til", "note"]
assert [f.key for f in PAID_HOURS.fields] == ["cpr", "måned", "timer"]


_MISSING = object()


def _parse_table(table: BoundTable, progress: Callable[[int], None] | None) -> list[_Row]:
    """Every row's cells read into values. A value seen before in the column is not read again
    (a CPR number, a date or a type repeats thousands of times in an extract)."""
    spec, source = table.spec, table.source
    readers = []
    for i, f in enumerate(spec.fields):
        if f.key in table.columns:
            cache: dict | None = None if f.kind == "text" else {}
            readers.append(
                (i, f.key, f.required, table.columns[f.key], reader(f, table.options), cache)
            )
    missing = [f.key for f in spec.fields if f.required and f.key not in table.columns]
    width = len(spec.fields)
    # Rows come without their empty cells at the end: a longer row has a cell beyond the headers.
    headed = len(source.headers) if source.csv else None
    rows = []
    for seen, (number_, raw) in enumerate(source.rows, start=1):
        if progress is not None and seen % 2000 == 0:
            progress(2000)
        values = [None] * width
        row = _Row(table, number_, raw, values)
        size = len(raw)
        if headed is not None and size > headed:
            extra = next(i for i in range(headed, size) if raw[i] is not None)
            row.error(
                extra,
                f"rækken har flere celler end overskrifter (»{_show(raw[extra])}«); "
                "står der et skilletegn, fx et decimalkomma, i en celle uden anførselstegn?",
            )
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
        for key in missing:
            row.error(key, "kolonnen mangler i arket")
        rows.append(row)
    if progress is not None:
        progress(len(rows) % 2000)
    return rows


# --- the plan -----------------------------------------------------------------------------------


def plan_import(
    binding: Binding,
    existing: Existing,
    as_of: dt.date,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportPlan:
    """Validate every row and work out what an import would write (see docs/import.md).
    ``as_of``: the extract's date ("Udtræk pr."): the day its job brokers, caseworkers, CV and
    job-goal values hold from, unless a row's *_fra column says otherwise."""
    return _Planner(binding, existing, as_of, progress, cancelled).plan()


#: A snapshot fact of the Borgere sheet → the column dating it.
_DATED_BY = {
    "jobformidler": "jobformidler_fra",
    "sagsbehandler": "sagsbehandler_fra",
    "cv_jobnet": "cv_jobnet_fra",
    "jobmål": "jobmål_fra",
}


class _Planner:
    def __init__(self, binding, existing, as_of, progress, cancelled) -> None:
        self.binding = binding
        self.existing = existing
        self.as_of = as_of
        self.progress = progress
        self.cancelled = cancelled or (lambda: False)
        self.result = ImportPlan(
            errors=list(binding.errors), ignored_sheets=list(binding.ignored), as_of=as_of
        )

    def _check(self) -> None:
        if self.cancelled():
            raise ImportCancelled()

    def _tick(self, rows: int) -> None:
        self._check()
        if self.progress is not None:
            self.progress(rows)

    def plan(self) -> ImportPlan:
        tables = {t.spec.key: t for t in self.binding.tables}
        parsed = {key: _parse_table(table, self._tick) for key, table in tables.items()}
        self.result.rows_read = sum(len(rows) for rows in parsed.values())
        for source, message in self.binding.duplicates:
            self.result.rows_read += len(source.rows)
            for number_, raw in source.rows:
                self.result.errors.append(RowError(source.sheet, number_, "", message))
                self.result.rejected.append(
                    RejectedRow(source.sheet, number_, list(source.headers), raw, [message])
                )
        self.result.has_citizen_sheet = CITIZENS.key in parsed
        staff = self._staff(parsed.get(STAFF.key, []))
        citizens = self._citizens(parsed.get(CITIZENS.key, []), staff)
        self._check()
        self._periods(parsed.get(PERIODS.key, []), citizens)
        self._check()
        self._paid_hours(parsed.get(PAID_HOURS.key, []), citizens)
        for rows in parsed.values():
            for row in rows:
                if row.problems:
                    self._reject(row)
        self.result.errors.sort(key=lambda e: (e.sheet, e.row))
        return self.result

    def _reject(self, row: _Row) -> None:
        source = row.table.source
        messages = []
        for key, message in row.problems:
            index = key if type(key) is int else row.table.columns.get(key) if key else None
            column = _column_name(source, index, key if type(key) is str else "")
            self.result.errors.append(RowError(source.sheet, row.row, column, message))
            messages.append(f"{column}: {message}" if column else message)
        self.result.rejected.append(
            RejectedRow(source.sheet, row.row, list(source.headers), row.raw, messages)
        )

    def _duplicates(
        self, rows: list[_Row], key: Callable[[_Row], tuple], what: str, column: str
    ) -> None:
        first_seen: dict[Any, int] = {}
        for row in rows:
            value = key(row)
            if None in value:
                continue  # already reported as missing or unreadable
            if value in first_seen:
                row.error(column, f"{what} står også i række {first_seen[value]}")
            else:
                first_seen[value] = row.row

    # --- staff ----------------------------------------------------------------------------------
    def _staff(self, rows: list[_Row]) -> dict[str, Staff]:
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
    def _citizens(self, rows: list[_Row], staff: dict[str, Staff]) -> dict[str, Citizen]:
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

    def _check_citizen_row(self, row: _Row, staff: dict[str, Staff]) -> None:
        v = row
        old = self.existing.citizens.get(v["cpr"]) if v["cpr"] else None
        group = v.get("gruppe")
        if group is not None:
            if not self.existing.group_ids:
                row.error("gruppe", "indsatsen har ingen grupper; lad cellen være tom")
            elif group not in self.existing.group_ids:
                row.error(
                    "gruppe",
                    "gruppe {} findes ikke (brug {})".format(
                        group, " eller ".join(str(g) for g in sorted(self.existing.group_ids))
                    ),
                )
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
            row.error("afgangsårsag", "en afgang kræver en afgangsårsag")
        if v.get("afgangsårsag") is not None and exit_date is None:
            row.error("afgang", "en afgangsårsag kræver en afgangsdato")
        if entry is not None and exit_date is not None and exit_date < entry:
            row.error(
                "afgang", "afgangen {} ligger før indgangen {}".format(_dk(exit_date), _dk(entry))
            )
        for fact, dated_by in _DATED_BY.items():
            day = v.get(dated_by)
            if day is None:
                continue
            if v.get(fact) is None:
                row.error(
                    dated_by, f"en dato uden {fact} i samme række; udfyld {fact} eller slet datoen"
                )
            elif day > self.as_of:
                row.error(
                    dated_by,
                    "datoen {} ligger efter udtrækkets dato {}".format(_dk(day), _dk(self.as_of)),
                )
        for key in ("jobformidler", "sagsbehandler"):
            initials = v.get(key)
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

    def _merge_citizen(self, old: Citizen | None, v: _Row) -> Citizen:
        """An empty cell or a missing column changes nothing (docs/import.md)."""
        base = old or Citizen(cpr=v["cpr"], name=v["navn"])
        updates = {"name": v["navn"]}
        for key, attribute in _CITIZEN_FIELDS.items():
            value = v.get(key)
            if value is not None:
                updates[attribute] = value
        return replace(base, **updates)

    def _assignments(self, citizen: Citizen, v: _Row, staff: dict[str, Staff], new: bool) -> None:
        """A job broker or caseworker in the row holds from its day: the row's *_fra date, else
        the extract's date (docs/import.md, "Dated extracts"). A citizen's first starts on the
        entry date (unless *_fra says otherwise). Against the newest stored assignment: the same
        person changes nothing; another person from a later day ends it the day before (or
        takes it over when it began that day). An older day than the stored newest never
        changes the newer state: the same person (and no earlier assignment) moves the start
        back; another person is reported (ImportPlan.older)."""
        result = self.result
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
                result.assignments_new.append(Assignment(citizen.id, member.id, role, start))
                continue
            same = newest.staff_id == member.id
            if day < newest.start or (newest.end is not None and day <= newest.end):
                # The extract is older than the stored state: it never changes it.
                history = self.existing.assignment_history.get((citizen.id, role.value)) or [newest]
                covering = None
                for a in history:
                    if a.start <= day and (a.end is None or day <= a.end):
                        covering = a
                if covering is not None and covering.staff_id == member.id:
                    continue  # the history agrees
                if same and covering is None and len(history) == 1:
                    # The only assignment, the same person: the older extract shows it began earlier.
                    result.assignments_restarted.append((newest, replace(newest, start=day)))
                    continue
                stored = covering or newest
                result.older.append(
                    OlderFact(
                        citizen, key, initials, day, self._initials(stored.staff_id), stored.start
                    )
                )
                continue
            if newest.end is not None:
                # Ended before the day: the citizen has someone again.
                result.assignments_new.append(Assignment(citizen.id, member.id, role, day))
                continue
            plan = plan_handover((newest.id, newest.staff_id, newest.start), member.id, day)
            if plan is None:
                continue
            if plan.take_over_id is not None:
                # Began that very day: the other person takes it over; nothing to end.
                result.assignments_moved.append((newest, replace(newest, staff_id=member.id)))
                continue
            result.assignments_ended.append((newest, day - dt.timedelta(days=1)))
            result.assignments_new.append(Assignment(citizen.id, member.id, role, day))

    def _initials(self, staff_id: str) -> str:
        for member in self.existing.staff.values():
            if member.id == staff_id:
                return member.initials
        return "?"

    def _status(self, citizen: Citizen, v: _Row) -> None:
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
                self.result.status_new.append(StatusEntry(citizen.id, kind, day, value))
                if newer:
                    self.result.status_history += 1

    # --- periods and paid hours -----------------------------------------------------------------
    def _citizen_for(
        self, row: _Row, cpr: str | None, citizens: dict[str, Citizen]
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

    def _periods(self, rows: list[_Row], citizens: dict[str, Citizen]) -> None:
        # Hot loops (100,000s of rows): the values by position, in the order of PERIODS.fields.
        cpr_at, type_at, from_at, to_at, note_at = range(5)
        for row in rows:
            values = row.values
            start, end = values[from_at], values[to_at]
            if end is not None and start is not None and end < start:
                row.error(
                    "til", "slutdatoen {} ligger før startdatoen {}".format(_dk(end), _dk(start))
                )
        self._duplicates(
            rows,
            lambda r: (r.values[cpr_at], r.values[type_at], r.values[from_at]),
            "Samme forløb (CPR, type og fra)",
            "fra",
        )
        existing = self.existing.periods
        new, updated = self.result.periods_new, self.result.periods_updated
        unchanged = 0
        for row in rows:
            values = row.values
            citizen = self._citizen_for(row, values[cpr_at], citizens)
            if citizen is None or row.problems:
                continue
            kind: PeriodKind = values[type_at]
            start, end, note = values[from_at], values[to_at], values[note_at] or ""
            old = existing.get((citizen.id, kind.value, start.isoformat())) if existing else None
            if old is None:
                new.append(Period(citizen.id, kind, start, end, note))
            elif (old.end, old.note) != (end, note):
                updated.append((old, replace(old, end=end, note=note)))
            else:
                unchanged += 1
        self.result.periods_unchanged += unchanged

    def _paid_hours(self, rows: list[_Row], citizens: dict[str, Citizen]) -> None:
        cpr_at, month_at, hours_at = range(3)  # the order of PAID_HOURS.fields
        self._duplicates(
            rows, lambda r: (r.values[cpr_at], r.values[month_at]), "Samme borger og måned", "måned"
        )
        existing = self.existing.paid_hours
        new, updated = self.result.hours_new, self.result.hours_updated
        unchanged = 0
        for row in rows:
            values = row.values
            citizen = self._citizen_for(row, values[cpr_at], citizens)
            if citizen is None or row.problems:
                continue
            month, hours = values[month_at], values[hours_at]
            old = existing.get((citizen.id, month)) if existing else None
            if old is None:
                new.append(PaidHours(citizen.id, month, hours))
            elif old != hours:
                updated.append((PaidHours(citizen.id, month, hours), old))
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
    return day.strftime("%d-%m-%Y")
