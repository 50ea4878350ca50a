"""The board's filter with its search text read as domain.search reads it (the same meaning as
the register's and step-up's search boxes): BoardFilter picks by the other fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from fsm_desktop.domain.board import BoardCard, BoardFilter
from fsm_desktop.domain.search import Query, fold, parse

Select = Callable[[list[BoardCard]], list[BoardCard]]


def _searcher(query: Query) -> Select:
    """The cards ``query`` finds, in order; the tests of Query.matches inline (one word or
    the CPR digits alone are the common case while typing, over thousands of cards)."""
    if query.is_cpr:
        if query.finds_no_one:
            return lambda cards: []
        digits = query.digits
        if query.whole:
            return lambda cards: [c for c in cards if c.cpr == digits]
        return lambda cards: [c for c in cards if c.cpr.startswith(digits)]
    words = query.words
    if len(words) == 1:
        (word,) = words
        return lambda cards: [c for c in cards if word in fold(c.name)]
    return lambda cards: [c for c in cards if all(w in fold(c.name) for w in words)]


def card_selector(
    board_filter: BoardFilter, today: dt.date, has_meeting: bool = True
) -> Select | None:
    """What picks the cards ``board_filter`` lets through (BoardFilter.selector), its text
    searched as domain.search says; None when nothing is filtered."""
    query = parse(board_filter.text)
    rest = replace(board_filter, text="").selector(today, has_meeting)
    if query is None:
        return rest
    search = _searcher(query)
    if rest is None:
        return search
    return lambda cards: rest(search(cards))
