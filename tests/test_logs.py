"""The log holds no personal data (issue: "No personal data where it does not belong"): a
citizen is written, errors that quote the citizen's data are provoked and logged through the
program's log handler, and the log file is searched for the CPR number and the name. Also the
cleaning rules one by one, and the log file's mode."""

from __future__ import annotations

import logging
import os
import stat
import sys

import pytest

from fsm_desktop import logs
from fsm_desktop.domain.model import Citizen
from fsm_desktop.storage.project import file_error
from fsm_desktop.storage.repositories import CitizenRepository

CPR = "0101801234"
NAME = "Annalise Testesen"
#: Every form in which the citizen could show up in the log.
FORBIDDEN = (CPR, "010180-1234", "010180 1234", "Annalise", "Testesen")


@pytest.fixture
def log_file(tmp_path):
    """The program's log handler on a file of its own; removed again after the test."""
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    path = logs.setup(tmp_path / "data")
    yield path
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()


def _flush() -> None:
    for handler in logging.getLogger(logs.LOGGER).handlers:
        handler.flush()


def test_a_citizens_cpr_and_name_never_reach_the_log(project, log_file):
    log = logging.getLogger("fsm_desktop")
    CitizenRepository(project).add(Citizen(cpr=CPR, name=NAME, group=1))
    # A damaged name (not UTF-8): SQLite's error quotes it, and a CPR number after it.
    damaged = f"{NAME} \xff {CPR}".encode("latin-1")
    project.db.execute("UPDATE citizen SET name = CAST(? AS TEXT)", [damaged])
    try:
        CitizenRepository(project).by_cpr(CPR)
    except Exception as exc:
        file_error(exc, project.path)  # logs SQLite's text as a warning
        log.exception("Program error")
    else:
        pytest.fail("the damaged name was read")
    # An unexpected error whose message quotes the row, and one whose cause does.
    row = (CPR, NAME, f"{CPR[:6]}-{CPR[6:]}")
    try:
        try:
            raise KeyError(NAME)
        except KeyError as inner:
            raise ValueError(f"unexpected row {row!r} for {CPR}") from inner
    except ValueError:
        log.exception("Program error")
    log.error("Failed: %s", ValueError(f"invalid literal for int() with base 10: {NAME!r}"))
    log.warning("Stack", stack_info=True)
    _flush()

    text = log_file.read_text("utf-8")
    for value in FORBIDDEN:
        assert value not in text
    # What support needs is still there: the error's kind, where it happened, SQLite's column.
    assert "Could not decode to UTF-8 column 'name' with text «…»" in text
    assert (
        "OperationalError" in text
        and "ValueError: unexpected row ('…', '…', '…') for «cpr»" in text
    )
    assert "KeyError: '…'" in text and "test_logs.py" in text


def test_the_program_error_report_shown_to_the_user_is_cleaned():
    try:
        raise RuntimeError(f"could not save {(CPR, NAME)!r}")
    except RuntimeError:
        report = logs.format_exception(*sys.exc_info())
    assert "RuntimeError: could not save ('…', '…')" in report
    assert all(value not in report for value in FORBIDDEN)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("0101801234 010180-1234 010180 1234", "«cpr» «cpr» «cpr»"),
        ("x0101801234y", "x«cpr»y"),
        # Not CPR numbers: timestamps, longer or shorter digit runs.
        ("20261207-101500 2026-12-07 10:15:00,123", "20261207-101500 2026-12-07 10:15:00,123"),
        ("at 101500 2026", "at 101500 2026"),
        ("12345678901 123456789 010180-12345", "12345678901 123456789 010180-12345"),
        (
            "Could not decode to UTF-8 column 'cpr' with text '01018O-1234'",
            "Could not decode to UTF-8 column 'cpr' with text «…»",
        ),
        ("invalid value 'Anna' for column", "invalid value «…» for column"),
    ],
)
def test_scrub(text, cleaned):
    assert logs.scrub(text) == cleaned


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        (
            "invalid literal for int() with base 10: 'Anna'",
            "invalid literal for int() with base 10: '…'",
        ),
        ("can't find 'Anna' in 'O'Brien' or \"O'Hara\"", "can't find '…' in '…' or \"…\""),
        ("CPR-nummeret »01018012345« skal have 10 cifre", "CPR-nummeret »…« skal have 10 cifre"),
        ("'NoneType' object has no attribute 'name'", "'NoneType' object has no attribute '…'"),
        (
            "Could not decode to UTF-8 column 'name' with text 'Anna\nHansen'",
            "Could not decode to UTF-8 column 'name' with text «…»",
        ),
        ("nothing quoted", "nothing quoted"),
    ],
)
def test_scrub_message(message, cleaned):
    assert logs.scrub_message(message) == cleaned
    assert logs.scrub_message(cleaned) == cleaned  # cleaning twice changes nothing


def test_a_record_that_cannot_be_cleaned_is_left_out(log_file):
    class Broken:
        def __str__(self):
            raise RuntimeError("no")

    logging.getLogger("fsm_desktop").error("value %s and %d", Broken(), CPR)  # %d of a str: fails
    _flush()
    text = log_file.read_text("utf-8")
    assert "could not be cleaned" in text and CPR not in text


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_log_file_is_the_users_own(tmp_path, log_file):
    assert log_file == tmp_path / "data" / "fsm-desktop.log"
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    # A log made by an earlier version (0644) is narrowed.
    log_file.chmod(0o644)
    assert logs.setup(tmp_path / "data") == log_file
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_setup_again_writes_each_line_once(tmp_path, log_file):
    assert logs.setup(tmp_path / "data") == log_file
    logging.getLogger("fsm_desktop").error("once")
    _flush()
    assert log_file.read_text("utf-8").count("once") == 1


def test_without_a_log_file_the_log_goes_to_stderr_cleaned(tmp_path, capsys):
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    try:
        assert logs.setup(blocked / "data") is None  # a folder cannot be made in a file
        logger.error("for %s", CPR)
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
    err = capsys.readouterr().err
    assert "for «cpr»" in err and CPR not in err


def test_setup_later_finds_the_folder_at_the_first_record(tmp_path):
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    asked = []

    def locate():
        asked.append(True)
        return tmp_path / "later"

    try:
        logs.setup_later(locate)
        assert asked == [] and not (tmp_path / "later").exists()  # nothing logged, nothing done
        logger.warning("first %s", CPR)
        logger.warning("second")
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()
    text = (tmp_path / "later" / logs.LOG_NAME).read_text("utf-8")
    assert asked == [True] and "first «cpr»" in text and "second" in text and CPR not in text
