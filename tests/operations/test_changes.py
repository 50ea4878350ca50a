"""operations.changes: the kinds of data an operation changed, and which pages they touch."""

from __future__ import annotations

from dataclasses import fields

from hypothesis import given
from hypothesis import strategies as st

from fsm_desktop.operations.changes import NOTHING, Changes, Done

KINDS = [f.name for f in fields(Changes)]
changes = st.builds(Changes, **{kind: st.booleans() for kind in KINDS})


def test_nothing_is_falsy_and_touches_nothing():
    assert not NOTHING
    assert not NOTHING.touches(Changes.everything())
    assert NOTHING.kinds() == []


def test_a_board_move_touches_a_page_showing_the_board_only():
    move = Changes(board=True)
    register = Changes(citizens=True, board=True, staff=True)
    goals_page = Changes(goals=True)
    assert move.touches(register)
    assert not move.touches(goals_page)
    assert move.kinds() == ["board"]


def test_everything_names_every_kind():
    assert Changes.everything().kinds() == KINDS


def test_done_carries_its_value_and_defaults_to_no_change():
    assert Done(3).changes == NOTHING
    assert Done("x", Changes(stepup=True)).changes.stepup


@given(changes, changes, changes)
def test_a_union_touches_a_page_exactly_when_one_of_its_parts_does(a, b, shown):
    assert (a | b).touches(shown) == (a.touches(shown) or b.touches(shown))
    assert set((a | b).kinds()) == set(a.kinds()) | set(b.kinds())


@given(changes, changes)
def test_touching_is_symmetric_and_empty_only_without_a_shared_kind(a, b):
    assert a.touches(b) == b.touches(a)
    assert a.touches(b) == bool(set(a.kinds()) & set(b.kinds()))
