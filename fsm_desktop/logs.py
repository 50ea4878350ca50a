"""The log file, and what may not be in it: no CPR number, no name.

The user is asked to send the log (and a program error's report) to support, so neither may
hold personal data. The rule for our code is that it never logs a CPR number or a name; what
this module cleans is what others write: SQLite quotes a damaged value ("Could not decode to
UTF-8 column 'name' with text '…'"), Python and libraries quote the value they complain about
in an exception's message ("invalid literal for int() with base 10: '…'"), and a traceback
may be of code that holds a number. The cleaning, applied to every record the log handler
writes (its message, its traceback and its stack, each fully formatted first):

- a CPR number anywhere — 10 digits, or 6 + 4 with a hyphen (or a space, after a date), no
  digit on either side (so a timestamp such as 20261207-101500 is kept) — becomes «cpr»;
- what follows "with text " to the end of the line (SQLite's decode error; the column name
  before it stays) and the quoted value after "value" become «…»;
- in the message of every exception of the record (its traceback's exceptions, and those
  passed as arguments), every quoted string — '…', "…", »…«, «…» — becomes '…' (a type name
  in "'NoneType' object" stays). Names cannot be found by a pattern: an unquoted name in a
  message survives, which is why our own messages never contain one.

Cleaning is on the handler (a filter), so it cannot be bypassed by a logger; a record that
cannot be cleaned is replaced by a line saying so, never written as it was. The file is the
user's own (mode 0600). The window calls :func:`setup`; the command line :func:`setup_later`,
which finds the folder (with Qt) only when a record comes."""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

LOG_NAME = "fsm-desktop.log"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOGGER = "fsm_desktop"

#: 10 digits, or 6 + 4 with a hyphen; with a space only where the 6 are a date (ddmmåå), as
#: "101500 2026" (a time, then a year) is no CPR number.
_CPR = re.compile(
    r"(?<![0-9])(?:[0-9]{6}-?[0-9]{4}|(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2} [0-9]{4})(?![0-9])"
)
_WITH_TEXT = re.compile(r"(\bwith text )(?!«…»)[^\n]+")
#: A quoted string: opened where no letter is before (so "can't" opens nothing), and an
#: apostrophe between letters inside it ('O'Brien') does not close it.
_QUOTED = (
    r"(?<!\w)'(?:[^'\n]|(?<=\w)'(?=\w))*'(?!\w)"
    r'|(?<!\w)"(?:[^"\n]|(?<=\w)"(?=\w))*"(?!\w)'
    r"|»[^»«\n]*«|«[^«»\n]*»"
)
_VALUE = re.compile(rf"(\bvalues?\b[ :=]*)(?:{_QUOTED})")
#: In an exception's own message: SQLite's decode error up to its end (the value may hold a
#: line break), else any quoted string.
_IN_MESSAGE = re.compile(
    rf"(?P<text>(?:\bcolumn '[^'\n]*' )?\bwith text ).+|(?P<quoted>{_QUOTED})", re.DOTALL
)


def scrub(text: str) -> str:
    """``text`` without CPR numbers and SQLite's quoted values: for any text that may quote
    what a citizen's record holds."""
    text = _WITH_TEXT.sub(r"\1«…»", text)
    text = _VALUE.sub(r"\1«…»", text)
    return _CPR.sub("«cpr»", text)


def scrub_message(message: str) -> str:
    """An exception's message: besides :func:`scrub`, every quoted string is left out, as that
    is where messages put the value they complain about."""

    def blank(match: re.Match[str]) -> str:
        if match["text"]:
            return match["text"] + "«…»"
        quoted = match["quoted"]
        if quoted[1:-1].isidentifier() and match.string.startswith(" object", match.end()):
            return quoted  # "'NoneType' object has no attribute …": a type's name
        return quoted[0] + "…" + quoted[-1]

    return scrub(_IN_MESSAGE.sub(blank, message))


def _text(value: object) -> str:
    try:
        return str(value)
    except Exception:  # a broken __str__ says nothing, and quotes nothing
        return ""


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and an exception group's members."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [current.__cause__, current.__context__, *getattr(current, "exceptions", ())]


def _without_messages(text: str, errors: Iterable[BaseException]) -> str:
    """``text`` with each exception's message (and notes) as :func:`scrub_message` leaves it,
    then :func:`scrub`: the message is found as the exact text it is, line breaks and all."""
    for exc in errors:
        for part in (_text(exc), *(_text(note) for note in getattr(exc, "__notes__", None) or ())):
            if part:
                text = text.replace(part, scrub_message(part))
    return scrub(text)


def format_exception(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> str:
    """A traceback as :func:`traceback.format_exception` gives it, cleaned: for a program
    error's report that the user sees and copies."""
    return _without_messages(
        "".join(traceback.format_exception(exc_type, exc, tb)), list(_chain(exc))
    )


class Scrubber(logging.Filter):
    """Cleans a record in place before its handler formats it (see the module's docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            _clean(record)
        except Exception:  # never the record as it was
            record.msg, record.args = (
                "A log record was left out: it could not be cleaned of personal data.",
                None,
            )
            record.exc_info = record.exc_text = record.stack_info = None
        return True


def _clean(record: logging.LogRecord) -> None:
    args = record.args
    values = list(args.values()) if isinstance(args, dict) else list(args or ())
    errors = [value for value in [record.msg, *values] if isinstance(value, BaseException)]
    record.msg, record.args = (
        _without_messages(record.getMessage(), [e for x in errors for e in _chain(x)]),
        None,
    )
    exc = record.exc_info[1] if record.exc_info else None
    if exc is not None and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)  # type: ignore[arg-type]
    if record.exc_text:
        record.exc_text = _without_messages(record.exc_text, list(_chain(exc)))
    if record.stack_info:
        record.stack_info = scrub(record.stack_info)


def _open_private(path: Path) -> None:
    """The log file exists, readable and writable by the user only (0600 where the system has
    POSIX modes): it is created so, and one made earlier is narrowed."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    except OSError:  # a drive without modes (FAT, some network drives): the log all the same
        pass
    finally:
        os.close(fd)


def _handler(folder: str | Path | None) -> tuple[logging.Handler, Path | None]:
    """The cleaning handler on ``folder``/fsm-desktop.log, or on stderr where there is none."""
    path = None if folder is None else Path(folder) / LOG_NAME
    handler: logging.Handler | None = None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _open_private(path)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError:
            path = None
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Scrubber())
    return handler, path


def _install(handler: logging.Handler) -> None:
    """``handler`` on the program's logger, instead of one installed here before (a second
    set-up writes no line twice)."""
    handler._fsm_desktop_log = True  # type: ignore[attr-defined]
    logger = logging.getLogger(LOGGER)
    for old in [h for h in logger.handlers if getattr(h, "_fsm_desktop_log", False)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)


def setup(folder: str | Path | None) -> Path | None:
    """Log the program's records (logger ``fsm_desktop``) to ``folder``/fsm-desktop.log, cleaned
    of personal data; returns the file. Where the file cannot be made (or ``folder`` is None),
    to stderr, cleaned too, and None."""
    handler, path = _handler(folder)
    _install(handler)
    return path


class _Later(logging.Handler):
    """:func:`setup` done at the first record: finding the folder may be slow (the command line
    imports Qt for it), and most runs log nothing."""

    def __init__(self, locate: Callable[[], str | Path | None]) -> None:
        super().__init__()
        self.locate = locate
        self.target: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.target is None:
            try:
                folder = self.locate()
            except Exception:  # no folder: stderr, cleaned
                folder = None
            self.target, _ = _handler(folder)
        self.target.handle(record)

    def close(self) -> None:
        if self.target is not None:
            self.target.close()
        super().close()


def setup_later(locate: Callable[[], str | Path | None]) -> None:
    """As :func:`setup` in ``locate()``, done when the first record comes. Until then no record
    reaches Python's last-resort handler, which would print it uncleaned on stderr."""
    _install(_Later(locate))


__all__ = [
    "FORMAT",
    "LOG_NAME",
    "Scrubber",
    "format_exception",
    "scrub",
    "scrub_message",
    "setup",
    "setup_later",
]
