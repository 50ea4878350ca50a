"""Reading one cell of an extract: a date (Danish forms and Excel's serial day numbers), a
month, a number with either decimal sign, text, a CPR number, and the words a user may write
for a choice ("K", "ikke-vestlig", "folkepension" …). A cell that cannot be read raises
:class:`CellProblem` with a Danish message saying what was expected.

How a file spells its values is the exchange's business; the values read are the domain's
(``domain.model``'s enums, dates, floats and str), and ``domain.imports`` plans with them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fsm_desktop.domain import cpr as cpr_rules
from fsm_desktop.domain.caseload import INITIALS, INITIALS_RULE, MAX_HOURS
from fsm_desktop.domain.danish import month_name, number
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    PERIOD_LABELS,
    CustomKind,
    ExitReason,
    Gender,
    Kind,
    Origin,
    PeriodKind,
    StaffRole,
)
from fsm_desktop.domain.text import control_character, is_direction_mark, line_break

if TYPE_CHECKING:
    from fsm_desktop.exchange.import_format import FieldSpec

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


def show(value: object, limit: int = 40) -> str:
    """A cell's value as a message quotes it: cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the words of a choice --------------------------------------------------------------------

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
    #: The initiative's own kinds of period, by normalised label and key (period_kinds).
    kinds: dict[str, Kind] = field(default_factory=dict)


def own_kinds(kinds: Iterable[CustomKind]) -> dict[str, Kind]:
    """An initiative's own kinds of period (its template's period_kinds) as the import reads
    them: by label and by key."""
    found: dict[str, Kind] = {}
    for kind in kinds:
        found[norm(kind.label)] = kind
        found[norm(kind.value)] = kind
    return found


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
        raise CellProblem(f"»{show(value)}« er ikke en dato")
    if isinstance(value, (int, float)):
        return _excel_date(value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) > 40:
        raise CellProblem(f"»{show(text)}« er ikke en dato")
    return _text_date(text, options.date_format)


def _excel_date(value: float) -> dt.date:
    """A date cell formatted as a number in Excel: the serial day number."""
    if not math.isfinite(value) or value != int(value) or not 1 <= value <= 2_958_465:
        raise CellProblem(f"»{show(value)}« er ikke en dato")
    return _EXCEL_EPOCH + dt.timedelta(days=int(value))


def _text_date(text: str, fmt: str) -> dt.date:
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
    missing_day = _missing_day(text, fmt)
    if missing_day is not None:
        raise CellProblem(missing_day)
    expected = "ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ" if fmt == "auto" else DATE_FORMATS.get(fmt, fmt)
    raise CellProblem(f"»{show(text)}« er ikke en dato ({expected})")


def _missing_day(text: str, fmt: str) -> str | None:
    """A date written as the format wants it, with a day its month does not have ("31-02-2021"):
    what to say instead of calling it unreadable. None when the text is not such a date."""
    if fmt == "auto":
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = int(match[1]), int(match[2]), int(match[3])
        else:
            match = _DMY.match(text)
            if not match:
                return None
            year, month, day = int(match[3]), int(match[2]), int(match[1])
    else:
        pattern = re.escape(fmt)
        for code, name in (("%Y", "y"), ("%m", "m"), ("%d", "d")):
            pattern = pattern.replace(re.escape(code), rf"(?P<{name}>\d{{1,4}})", 1)
        match = re.fullmatch(pattern, text)
        if not match or set(match.groupdict()) != {"y", "m", "d"}:
            return None
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
    if not (dt.MINYEAR <= year <= dt.MAXYEAR and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    days = calendar.monthrange(year, month)[1]
    if day <= days:
        return None
    return f"»{show(text)}« findes ikke: {month_name(month)} {year} har kun {days} dage"


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
    raise CellProblem(f"»{show(text)}« er ikke en måned (ÅÅÅÅ-MM)")


def read_number(value: object, options: ReadOptions = ReadOptions()) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem(f"»{show(value)}« er ikke et tal")
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
            raise CellProblem(f"»{show(value)}« er ikke et tal") from None
    if not math.isfinite(number_value):
        raise CellProblem(f"»{show(value)}« er ikke et tal")
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
        if is_direction_mark(control):
            raise CellProblem(
                f"teksten indeholder et usynligt retningstegn ({control}), der kan vende "
                "teksten; ret cellen"
            )
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
        raise CellProblem(f"»{show(text)}« er ikke et CPR-nummer")
    try:
        return cpr_rules.normalize(text)
    except ValidationError as exc:
        raise CellProblem(exc.message) from None


#: How a cell of a kind is read: (value, options, field key) → the value; raises CellProblem.
KindReader = Callable[[object, ReadOptions, str], Any]


def _choice(vocabulary: dict[str, Any], what: str, choices: str) -> KindReader:
    def read(value: object, options: ReadOptions, key: str) -> Any:
        text = read_text(value, 100)
        if text is None:
            return None
        found = vocabulary.get(norm(text))
        if found is None:
            raise CellProblem(f"»{show(text)}« er ikke {what} ({choices})")
        return found

    return read


def _period_type(value: object, options: ReadOptions, key: str) -> Kind | None:
    """A kind of period by its Danish name or key: the program's, or the initiative's own."""
    text = read_text(value, 100)
    if text is None:
        return None
    found = PERIOD_TYPES.get(norm(text)) or options.kinds.get(norm(text))
    if found is None:
        raise CellProblem(f"»{show(text)}« er ikke en kendt forløbstype (se arket Vejledning)")
    return found


def _group(value: object, options: ReadOptions, key: str) -> int | None:
    found = read_number(value, options)
    if found is None:
        return None
    if not found.is_integer():
        raise CellProblem(f"»{show(value)}« er ikke en gruppe (1 eller 2)")
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
    """Initials by the staff register's rule (domain.caseload.INITIALS): the same for both."""
    text = read_text(value, 20)
    if text is not None and not INITIALS.fullmatch(text):
        raise CellProblem(f"»{show(text)}« er ikke initialer ({INITIALS_RULE})")
    return text.upper() if text is not None else None


_READERS: dict[str, KindReader] = {
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
    "period_type": _period_type,
}


def reader(spec: FieldSpec, options: ReadOptions = ReadOptions()) -> Callable[[object], Any]:
    """The function that reads a non-empty cell for the field; it raises CellProblem."""
    translated = options.values.get(spec.key)
    read: Callable[[object], Any]
    if spec.kind == "text":
        limit, one_line = spec.max_length, spec.one_line

        def read(value: object) -> Any:
            text = read_text(value, limit)
            if one_line and text is not None and (found := line_break(text)) is not None:
                raise CellProblem(f"navnet indeholder {found}; et navn står på én linje")
            return text

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
