"""Numbers, counts, dates and months the Danish way (domain.danish)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsm_desktop.domain.danish import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    count,
    date_dots,
    date_text,
    datetime_text,
    kroner,
    month_abbreviation,
    month_name,
    month_short,
    month_text,
    number,
    percent,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 borgere"), (1, "1 borger"), (2, "2 borgere"), (1530, "1.530 borgere")],
)
def test_a_count_takes_the_singular_only_for_one(n, expected):
    assert count(n, "borger", "borgere") == expected


def test_numbers_percent_and_kroner():
    assert number(1949) == "1.949" and number(17.8649) == "17,86" and number(30.0) == "30"
    assert percent(0.15) == "15,0 %" and percent(0.15, trim=True) == "15 %" and percent(None) == "–"
    assert kroner(1_530_000.4) == "1.530.000 kr."


def test_dates_day_first_with_dashes_or_dots():
    day = dt.date(2026, 12, 7)
    assert date_text(day) == "07-12-2026"
    assert date_text(dt.date(2020, 3, 16)) == "16-03-2020"
    assert date_text(None) == "" and date_text(None, empty="i gang") == "i gang"
    assert datetime_text(dt.datetime(2026, 12, 7, 14, 5, 59)) == "07-12-2026 14:05"
    assert date_dots(day) == "07.12.2026"


def test_month_names():
    assert MONTH_NAMES[0] == "januar" and MONTH_NAMES[11] == "december" and len(MONTH_NAMES) == 12
    assert MONTH_ABBREVIATIONS == (
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"
    )  # fmt: skip
    assert month_name(3) == "marts" and month_abbreviation(5) == "maj"
    assert month_text("2026-03") == "marts 2026"
    assert month_short("2019-03") == "mar 19" and month_short("2020-12") == "dec 20"


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_a_date_text_reads_back_as_the_same_day(day):
    text = date_text(day)
    assert dt.datetime.strptime(text, "%d-%m-%Y").date() == day
    assert date_dots(day) == text.replace("-", ".")
    assert month_text(day.isoformat()[:7]) == f"{month_name(day.month)} {day.year}"
