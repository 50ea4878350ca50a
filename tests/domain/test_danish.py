"""Numbers and counts the Danish way (domain.danish)."""

from __future__ import annotations

import pytest

from fsm_desktop.domain.danish import count, kroner, number, percent


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
