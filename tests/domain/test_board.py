"""domain.board: what a card says, every filter, and the swimlane layout — after any moves,
the rows the views hold (changes applied one by one) equal a layout built afresh."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.board import (
    COLUMNS,
    FLAGS,
    NOT_AT_MEETING,
    BoardCard,
    BoardFilter,
    BoardLayout,
    Slot,
    Summary,
    apply_changes,
    filter_groups,
    group_cards,
    move_in_groups,
)
from fsm_desktop.domain.model import BoardColumn

TODAY = dt.date(2026, 11, 25)
I, S, V, L = (
    BoardColumn.I_GANG,
    BoardColumn.PAA_SPRING,
    BoardColumn.PAA_VEJ,
    BoardColumn.PAA_LAENGERE_SIGT,
)


def card(cid: str, name: str, column=V, cw="", jf="", **fields) -> BoardCard:
    return BoardCard(
        cid,
        name,
        fields.pop("cpr", "0101801234"),
        column=column,
        caseworker_id=cw,
        caseworker=cw.upper(),
        job_broker_id=jf,
        job_broker=jf.upper(),
        **fields,
    )


# --- a card -----------------------------------------------------------------------------------


def test_what_a_card_says():
    c = card(
        "a",
        "Anna",
        since=dt.datetime(2026, 11, 1, 9, 30),
        last_contact=dt.date(2026, 11, 16),
        hours_last_month=12.5,
        hours_month_before=10,
        cpr="0101801234",
    )
    assert c.masked_cpr == "010180-xxxx"
    assert c.days_in_column(TODAY) == 24
    assert c.days_since_contact(TODAY) == 9
    assert (c.hours_change, c.hours_up) == (2.5, True)
    assert card("b", "Bo").days_in_column(TODAY) is None
    assert card("c", "Cai", hours_last_month=4).hours_change == 4  # no hours the month before
    assert not card("d", "Dan", hours_last_month=4, hours_month_before=4).hours_up


def test_changed_since_the_last_meeting():
    assert not card("a", "A", column=V, meeting_column=V).changed_since_meeting
    assert card("a", "A", column=S, meeting_column=V).changed_since_meeting
    assert card(
        "a", "A", column=V, meeting_column=V, moved_since_meeting=True
    ).changed_since_meeting  # and back
    assert card(
        "a", "A", column=V, meeting_column=NOT_AT_MEETING
    ).changed_since_meeting  # new on the board
    assert not card("a", "A", column=None, meeting_column=None).changed_since_meeting


# --- filters ----------------------------------------------------------------------------------

CARDS = [
    card(
        "1",
        "Anna Hansen",
        I,
        "cw1",
        "jf1",
        group=1,
        cpr="0101801234",
        stepup_due=True,
        hours_last_month=10,
        hours_month_before=5,
        since=dt.datetime(2026, 10, 1),
        meeting_column=S,
    ),
    card(
        "2",
        "Bo Berg",
        S,
        "cw2",
        "jf1",
        group=2,
        cpr="0202802345",
        no_cv=True,
        since=dt.datetime(2026, 11, 20),
        meeting_column=S,
    ),
    card(
        "3",
        "Cai Hansen",
        V,
        "cw1",
        "jf2",
        group=1,
        cpr="0303803456",
        absent=True,
        hours_last_month=8,
        hours_month_before=9,
        since=dt.datetime(2026, 11, 1),
        meeting_column=V,
        moved_since_meeting=True,
    ),
    card(
        "4",
        "Dorte Dahl",
        None,
        "",
        "",
        group=1,
        cpr="0404804567",
        no_job_goal=True,
        stepup_overdue=True,
        meeting_column=None,
    ),
]


def shown(f: BoardFilter, has_meeting: bool = True) -> list[str]:
    return [c.citizen_id for c in f.apply(CARDS, TODAY, has_meeting)]


@pytest.mark.parametrize(
    "f, expected",
    [
        (BoardFilter(), ["1", "2", "3", "4"]),
        (BoardFilter(text="hansen"), ["1", "3"]),
        (BoardFilter(text="anna hans"), ["1"]),
        (BoardFilter(text="0202"), ["2"]),
        (BoardFilter(text="020280-2345"), ["2"]),
        (BoardFilter(job_broker_id="jf1"), ["1", "2"]),
        (BoardFilter(caseworker_id="cw1"), ["1", "3"]),
        (BoardFilter(group=2), ["2"]),
        (BoardFilter(flag="stepup_due"), ["1"]),
        (BoardFilter(flag="no_cv"), ["2"]),
        (BoardFilter(flag="no_job_goal"), ["4"]),
        (BoardFilter(flag="absent"), ["3"]),
        (BoardFilter(flag="stepup_overdue"), ["4"]),
        (BoardFilter(mine="jf2"), ["3"]),
        (BoardFilter(mine="cw2"), ["2"]),
        (BoardFilter(changed_since_meeting=True), ["1", "3"]),
        (
            BoardFilter(min_days_in_column=20),
            ["1", "3"],
        ),  # Anna 55 days, Cai 24; Bo 5; Dorte not placed
        (BoardFilter(min_days_in_column=24), ["1"]),  # more than 24
        (BoardFilter(min_days_in_column=23), ["1", "3"]),
        (BoardFilter(hours_up=True), ["1"]),
        (BoardFilter(text="hansen", caseworker_id="cw1", hours_up=True), ["1"]),
    ],
)
def test_every_filter(f, expected):
    assert shown(f) == expected
    assert f.active == (f != BoardFilter())


def test_every_flag_is_a_field_a_filter_can_test():
    assert FLAGS == ("stepup_due", "no_cv", "no_job_goal", "absent", "stepup_overdue")
    for flag in FLAGS:
        assert getattr(card("x", "X"), flag) is False
        assert shown(BoardFilter(flag=flag)) == [c.citizen_id for c in CARDS if getattr(c, flag)]


def test_changed_since_meeting_without_any_meeting_shows_nobody():
    assert shown(BoardFilter(changed_since_meeting=True), has_meeting=False) == []


# --- the layout -------------------------------------------------------------------------------


def rows_of(layout: BoardLayout) -> dict:
    return {column: layout.entries(column) for column in COLUMNS}


def test_lanes_line_up_across_columns():
    cards = [
        card("a", "A", I, "x"),
        card("b", "B", I, "x"),
        card("c", "C", V, "x"),
        card("d", "D", S, "y"),
    ]
    layout = BoardLayout(cards, "sagsbehandler", {"x": "Xenia", "y": "Yrsa"})
    assert [lane.key for lane in layout.lanes] == ["x", "y"]
    assert layout.rows == 3  # lane x: two rows (i gang has two), lane y: one
    columns = rows_of(layout)
    assert [getattr(e, "name", "·") for e in columns[I]] == ["A", "B", "·"]
    assert [getattr(e, "name", "·") for e in columns[V]] == ["C", "·", "·"]
    assert [getattr(e, "name", "·") for e in columns[S]] == ["·", "·", "D"]
    assert columns[None] == [Slot("x"), Slot("x"), Slot("y")]
    assert layout.lane_at(2).key == "y" and layout.offset("y") == 2
    assert layout.position(cards[1]) == ("x", 1)


def test_citizens_without_a_caseworker_come_last_and_a_collapsed_lane_is_one_row():
    cards = [card("a", "A", I, ""), card("b", "B", I, "x"), card("c", "C", I, "x")]
    layout = BoardLayout(cards, "sagsbehandler", {"x": "X"}, collapsed={"x"})
    assert [lane.key for lane in layout.lanes] == ["x", ""]
    assert layout.entries(I) == [Summary("x", 2), cards[0]]
    assert layout.position(cards[1]) is None


def test_without_lanes_cards_are_in_name_order():
    cards = [card("b", "bo"), card("a", "Anna"), card("c", "Cai")]
    layout = BoardLayout(cards)
    assert [c.name for c in layout.entries(V)] == ["Anna", "bo", "Cai"]


def test_a_move_changes_few_rows():
    cards = [card(str(i), f"N{i:02d}", V) for i in range(50)]
    layout = BoardLayout(cards)
    changes = layout.move(cards[10], S)
    # Out of "på vej" (a slot at its end), into "på spring" (its last slot goes); the lane now
    # needs 49 rows, not 50, so every column's last row goes.
    assert changes[V] == [("remove", 10, None), ("insert", 49, Slot("")), ("remove", 49, None)]
    assert changes[S] == [("insert", 0, cards[10]), ("remove", 50, None), ("remove", 49, None)]
    assert all(changes[c] == [("remove", 49, None)] for c in (I, L, None))
    # Within a full cell: one row out, one row in.
    second = layout.move(cards[11], S)
    assert second[V] == [("remove", 10, None), ("insert", 48, Slot("")), ("remove", 48, None)]


def _fresh(layout: BoardLayout, cards: list[BoardCard], collapsed: set[str]) -> BoardLayout:
    return BoardLayout(
        cards, layout.lane_by, {lane.key: lane.label for lane in layout.lanes}, collapsed
    )


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_moves_keep_the_views_equal_to_a_fresh_layout(data):
    lane_by = data.draw(st.sampled_from(["", "sagsbehandler"]), label="lanes")
    staff = ["s1", "s2", "s3", ""]
    n = data.draw(st.integers(1, 14), label="cards")
    cards = [
        card(
            str(i),
            data.draw(st.sampled_from(["Anna", "Bo", "Cai", "Dorte", "Eva"])) + str(i),
            data.draw(st.sampled_from(COLUMNS)),
            data.draw(st.sampled_from(staff)),
        )
        for i in range(n)
    ]
    collapsed = (
        set(data.draw(st.sets(st.sampled_from(staff), max_size=2), label="collapsed"))
        if lane_by
        else set()
    )
    layout = BoardLayout(cards, lane_by, {k: k.upper() for k in staff}, collapsed)
    views = {column: list(layout.entries(column)) for column in COLUMNS}
    for _ in range(data.draw(st.integers(1, 12), label="moves")):
        movable = [c for c in cards if layout.position(c) is not None]
        if not movable:
            break
        moving = data.draw(st.sampled_from(movable), label="card")
        to = data.draw(st.sampled_from(COLUMNS), label="to")
        lanes = [lane.key for lane in layout.lanes]
        to_lane = data.draw(st.sampled_from(lanes), label="to lane") if lane_by else None
        changes = layout.move(moving, to, to_lane)
        for column, column_changes in changes.items():
            apply_changes(views[column], column_changes)
        moving.column = to
        if lane_by and to_lane is not None:
            moving.caseworker_id = to_lane
        expected = _fresh(layout, cards, collapsed)
        for column in COLUMNS:
            assert views[column] == layout.entries(column) == expected.entries(column), column
        assert len({len(v) for v in views.values()}) == 1, "every column has the same rows"


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_grouped_cards_kept_in_step_with_moves_equal_grouping_afresh(data):
    """The page groups the cards once and keeps the groups in step with moves (a filter then
    only picks from them): after any moves and lane changes, the groups, filtered or not, and
    the layouts made from them equal what grouping afresh gives."""
    lane_by = data.draw(st.sampled_from(["", "sagsbehandler", "jobformidler"]), label="lanes")
    staff = ["s1", "s2", ""]
    names = ["Anna", "Bo", "Cai", "Anna"]  # the same name (and CPR) twice: the very card moves
    cards = sorted(
        (
            card(
                str(i),
                data.draw(st.sampled_from(names)),
                data.draw(st.sampled_from(COLUMNS)),
                data.draw(st.sampled_from(staff)),
                data.draw(st.sampled_from(staff)),
            )
            for i in range(data.draw(st.integers(1, 12), label="cards"))
        ),
        key=lambda c: c.key,
    )
    groups = group_cards(cards, lane_by)
    for _ in range(data.draw(st.integers(1, 10), label="moves")):
        moving = data.draw(st.sampled_from(cards), label="card")
        was = (moving.lane(lane_by), moving.column)
        moving.column = data.draw(st.sampled_from(COLUMNS), label="to")
        if data.draw(st.booleans(), label="other lane"):
            moving.caseworker_id = data.draw(st.sampled_from(staff))
            moving.job_broker_id = data.draw(st.sampled_from(staff))
        move_in_groups(groups, moving, lane_by, was)
        cards.sort(key=lambda c: c.key)
        fresh = group_cards(cards, lane_by)
        assert _shape(groups) == _shape(fresh)
        f = BoardFilter(text="anna")
        assert _shape(filter_groups(groups, f.selector(TODAY))) == _shape(
            group_cards(f.apply(cards, TODAY), lane_by)
        )
        layout = BoardLayout((), lane_by, groups=filter_groups(groups, None))
        expected = BoardLayout(cards, lane_by)
        by_key = lambda lay: [[getattr(e, "key", e) for e in lay.entries(c)] for c in COLUMNS]  # noqa: E731
        assert by_key(layout) == by_key(expected)


def _shape(groups) -> dict:
    """Each cell's cards: their order by name and CPR, and which cards (cards with the same
    name and CPR may stand in either order)."""
    return {
        key: {
            column: ([c.key for c in cards], {id(c) for c in cards})
            for column, cards in cells.items()
        }
        for key, cells in groups.items()
    }


def test_moving_within_the_same_cell_changes_nothing():
    cards = [card("a", "A", V)]
    layout = BoardLayout(cards)
    assert all(not change for change in layout.move(cards[0], V).values())
