"""domain.stepup: when a citizen in ressourceforløb is due for a step-up meeting (seeds/002
§18-19), by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain.stepup import add_months, due_since, latest_mark

D = dt.date


@pytest.mark.parametrize(
    "day, months, expected",
    [(D(2020, 1, 31), 1, D(2020, 2, 29)), (D(2020, 8, 31), 6, D(2021, 2, 28)), (D(2020, 3, 15), 6, D(2020, 9, 15)),
     (D(2020, 3, 15), -6, D(2019, 9, 15)), (D(2019, 12, 1), 12, D(2020, 12, 1))],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_marks_every_six_months():
    granted = D(2020, 1, 15)
    assert latest_mark(granted, D(2020, 7, 14)) is None
    assert latest_mark(granted, D(2020, 7, 15)) == D(2020, 7, 15)
    assert latest_mark(granted, D(2021, 1, 14)) == D(2020, 7, 15)
    assert latest_mark(granted, D(2021, 1, 15)) == D(2021, 1, 15)


def test_no_company_directed_offer_within_six_months_makes_the_citizen_due():
    granted = D(2020, 1, 15)
    assert due_since(granted, [], [], D(2020, 7, 14)) is None  # not yet six months
    assert due_since(granted, [], [], D(2020, 7, 15)) == D(2020, 7, 15)
    # A praktik in the window: not passive.
    assert due_since(granted, [(D(2020, 5, 1), D(2020, 5, 31))], [], D(2020, 8, 1)) is None
    # A praktik that ended before the window does not help.
    assert due_since(granted, [(D(2019, 11, 1), D(2019, 12, 31))], [], D(2020, 8, 1)) == D(2020, 7, 15)
    # One started after the mark: no longer passive.
    assert due_since(granted, [(D(2020, 7, 20), None)], [], D(2020, 8, 1)) is None


def test_a_meeting_after_the_mark_settles_it_until_the_next_mark():
    granted = D(2020, 1, 15)
    meeting = [D(2020, 8, 3)]
    assert due_since(granted, [], meeting, D(2020, 9, 1)) is None
    # A meeting before the mark does not count for it.
    assert due_since(granted, [], [D(2020, 6, 1)], D(2020, 9, 1)) == D(2020, 7, 15)
    # The rule repeats: passive for six more months → due again at the next mark.
    assert due_since(granted, [], meeting, D(2021, 1, 15)) == D(2021, 1, 15)
    # … unless an offer touched those six months.
    assert due_since(granted, [(D(2020, 10, 1), D(2020, 10, 31))], meeting, D(2021, 2, 1)) is None
