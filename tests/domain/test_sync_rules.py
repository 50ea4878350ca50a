"""The three-way rules of merging a laptop copy's changes (domain/sync.py, issue 20 item 4), one
hand-written case per rule, the preview's and the conflicts' words, and property tests of
:func:`merge_row` over random small rows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.sync import (
    CHOICE_WORDS,
    Change,
    Conflict,
    conflict_line,
    count_changes,
    merge_row,
    summary_line,
)

T0 = "2026-03-01T08:00:00"  # when the laptop copy was taken
T_LAPTOP = "2026-03-12T09:30:00"
T_TEAM = "2026-03-14T10:15:00"


def citizen(**values) -> dict:
    row = {
        "id": "c1",
        "cpr": "0101801234",
        "name": "Anna Hansen",
        "grp": 1,
        "note": "",
        "network_consent": 0,
        "updated_at": T0,
    }
    row.update(values)
    return row


def placement(column: str, since: str) -> dict:
    return {"citizen_id": "c1", "board_column": column, "since": since}


def update(table: str, key: tuple, base: dict, new: dict) -> Change:
    return Change(table, key, base, new)


def apply(team: dict | None, op: str, values: dict) -> dict | None:
    """The team's row after the write ``result`` returned."""
    if op == "none":
        return team
    if op == "delete":
        return None
    if op == "insert":
        return dict(values)
    return {**(team or {}), **values}


# --- different fields, the same field, the same change ------------------------------------------------
def test_different_fields_of_one_citizen_merge_without_asking():
    base = citizen()
    team = citizen(note="Ringet op", updated_at=T_TEAM)
    laptop = citizen(name="Anna Holm Hansen", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.conflicts == []
    assert merge.take == {"name": "Anna Holm Hansen"}
    assert not merge.already
    op, values = merge.result({})
    # Both sides' changes stay in the row: its stamp is the later of the two (the team's here).
    assert (op, values) == ("update", {"name": "Anna Holm Hansen"})
    assert apply(team, op, values) == citizen(
        name="Anna Holm Hansen", note="Ringet op", updated_at=T_TEAM
    )
    earlier = citizen(note="Ringet op", updated_at="2026-03-10T07:00:00")
    merge = merge_row(update("citizen", ("c1",), base, laptop), earlier, "c1")
    assert merge.result({}) == ("update", {"name": "Anna Holm Hansen", "updated_at": T_LAPTOP})


def test_only_the_laptop_changed_the_row_so_the_row_becomes_the_laptops():
    base = citizen()
    laptop = citizen(name="Anna Holm", note="Mødt op", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), dict(base), "c1")
    op, values = merge.result({})
    assert (op, values) == (
        "update",
        {"name": "Anna Holm", "note": "Mødt op", "updated_at": T_LAPTOP},
    )
    assert apply(dict(base), op, values) == laptop


def test_the_same_field_changed_differently_is_one_conflict_with_all_three_values():
    base = citizen(note="Første note")
    team = citizen(note="Teamets note", updated_at=T_TEAM)
    laptop = citizen(note="Bærbarens note", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.take == {}
    assert merge.conflicts == [
        Conflict(
            "citizen",
            ("c1",),
            "field",
            "note",
            "Første note",
            "Teamets note",
            "Bærbarens note",
            "c1",
            team_at=T_TEAM,
            laptop_at=T_LAPTOP,
        )
    ]
    (conflict,) = merge.conflicts
    assert conflict.id == 'citizen:["c1"]:note'
    # Without a decision the team's value stays; the decision "laptop" takes the laptop's value,
    # and the stamp follows the value (only the laptop's change is in the row).
    assert merge.result({}) == ("none", {})
    assert merge.result({conflict.id: "team"}) == ("none", {})
    assert merge.result({conflict.id: "laptop"}) == (
        "update",
        {"note": "Bærbarens note", "updated_at": T_LAPTOP},
    )


def test_a_conflict_decided_for_the_laptop_beside_a_kept_team_change_takes_the_later_stamp():
    base = citizen()
    team = citizen(name="Anna H.", note="Teamets", updated_at=T_TEAM)
    laptop = citizen(note="Bærbarens", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    (conflict,) = merge.conflicts
    assert conflict.field == "note"
    assert merge.result({conflict.id: "laptop"}) == (
        "update",
        {"note": "Bærbarens"},
    )  # the team's stamp is later


def test_two_conflicts_in_one_row_are_decided_one_by_one():
    base = citizen()
    team = citizen(name="Anna T", note="T", updated_at=T_TEAM)
    laptop = citizen(name="Anna L", note="L", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert [(c.field, c.base, c.team, c.laptop) for c in merge.conflicts] == [
        ("name", "Anna Hansen", "Anna T", "Anna L"),
        ("note", "", "T", "L"),
    ]
    name, note = merge.conflicts
    # The team's name stays beside the laptop's note: both sides' changes, the later stamp.
    assert merge.result({name.id: "team", note.id: "laptop"}) == ("update", {"note": "L"})
    assert merge.result({name.id: "laptop", note.id: "laptop"}) == (
        "update",
        {"name": "Anna L", "note": "L", "updated_at": T_LAPTOP},
    )


def test_the_same_change_on_both_sides_is_nothing_to_decide():
    base = citizen()
    team = citizen(note="Samme", updated_at=T_TEAM)
    laptop = citizen(note="Samme", updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.conflicts == [] and merge.take == {} and merge.already
    # Nothing but the stamp may move: to the later of the two (here the team's, so nothing).
    assert merge.result({}) == ("none", {})


def test_the_same_change_on_both_sides_moves_the_stamp_to_the_later_one():
    """Both sides' change is in the row: the stamp is the later of the two, so two laptops
    that made the same edit give the same row in either order."""
    base = citizen()
    team = citizen(note="Samme", updated_at=T_LAPTOP)
    laptop = citizen(note="Samme", updated_at=T_TEAM)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.already and merge.conflicts == []
    assert merge.result({}) == ("update", {"updated_at": T_TEAM})


# --- stamps -------------------------------------------------------------------------------------------
def test_a_stamp_never_conflicts_on_its_own():
    base = citizen()
    # The laptop saved the citizen without changing a value (only the stamp moved); the team
    # changed the note.
    team = citizen(note="Teamets", updated_at=T_TEAM)
    laptop = citizen(updated_at=T_LAPTOP)
    merge = merge_row(update("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.conflicts == [] and merge.already
    assert merge.result({}) == ("none", {})
    # Both stamps moved, no value changed.
    merge = merge_row(
        update("citizen", ("c1",), base, citizen(updated_at=T_LAPTOP)), citizen(updated_at=T_TEAM)
    )
    assert merge.conflicts == [] and merge.result({}) == ("none", {})


def test_a_placement_moved_away_and_back_is_no_change_to_a_moved_team_placement():
    """A placement's ``since`` is its stamp: the laptop moved the card and back (only ``since``
    changed) while the team moved it: the team's move stands, without a question."""
    base = placement("paa_vej", T0)
    laptop = placement("paa_vej", T_LAPTOP)
    team = placement("i_gang", T_TEAM)
    merge = merge_row(update("placement", ("c1",), base, laptop), team, "c1")
    assert merge.conflicts == []
    assert merge.result({}) == ("none", {})


def test_a_stamp_only_change_to_a_row_the_team_deleted_is_no_conflict():
    base = placement("paa_vej", T0)
    laptop = placement("paa_vej", T_LAPTOP)
    merge = merge_row(update("placement", ("c1",), base, laptop), None, "c1")
    assert merge.conflicts == []
    assert merge.result({}) == ("none", {})


def test_the_placements_since_follows_the_column():
    base = placement("paa_vej", T0)
    laptop = placement("i_gang", T_LAPTOP)
    merge = merge_row(update("placement", ("c1",), base, laptop), dict(base), "c1")
    assert merge.result({}) == ("update", {"board_column": "i_gang", "since": T_LAPTOP})
    # Both moved the card to different columns: a conflict on the column only, with the two
    # moves' times; the decision brings the since of the side that won.
    team = placement("paa_spring", T_TEAM)
    merge = merge_row(update("placement", ("c1",), base, laptop), team, "c1")
    (conflict,) = merge.conflicts
    assert (conflict.field, conflict.base, conflict.team, conflict.laptop) == (
        "board_column",
        "paa_vej",
        "paa_spring",
        "i_gang",
    )
    assert (conflict.team_at, conflict.laptop_at) == (T_TEAM, T_LAPTOP)
    assert merge.result({conflict.id: "laptop"}) == (
        "update",
        {"board_column": "i_gang", "since": T_LAPTOP},
    )
    assert merge.result({conflict.id: "team"}) == ("none", {})


# --- deleted on one side, changed on the other ---------------------------------------------------------
def hours(value: float) -> dict:
    return {"citizen_id": "c1", "month": "2026-02", "hours": value}


def test_deleted_on_the_laptop_and_changed_in_the_team_is_a_conflict():
    change = Change("paid_hours", ("c1", "2026-02"), hours(10.0), None)
    assert change.op == "delete"
    merge = merge_row(change, hours(12.0), "c1")
    (conflict,) = merge.conflicts
    assert (conflict.kind, conflict.table, conflict.key, conflict.citizen_id) == (
        "deleted_on_laptop",
        "paid_hours",
        ("c1", "2026-02"),
        "c1",
    )
    assert conflict.id == 'paid_hours:["c1", "2026-02"]:'
    assert merge.result({conflict.id: "laptop"}) == ("delete", {})
    assert merge.result({conflict.id: "team"}) == ("none", {})
    assert merge.result({}) == ("none", {})


def test_changed_on_the_laptop_and_deleted_in_the_team_is_a_conflict():
    change = Change("paid_hours", ("c1", "2026-02"), hours(10.0), hours(15.0))
    merge = merge_row(change, None, "c1")
    (conflict,) = merge.conflicts
    assert conflict.kind == "deleted_on_team"
    assert merge.result({conflict.id: "laptop"}) == ("insert", hours(15.0))
    assert merge.result({conflict.id: "team"}) == ("none", {})


def test_a_delete_of_a_row_nobody_else_changed_goes_through_and_a_double_delete_is_nothing():
    change = Change("contact", ("k1",), {"id": "k1", "citizen_id": "c1", "note": ""}, None)
    merge = merge_row(change, {"id": "k1", "citizen_id": "c1", "note": ""}, "c1")
    assert merge.conflicts == [] and merge.result({}) == ("delete", {})
    merge = merge_row(change, None, "c1")
    assert merge.already and merge.result({}) == ("none", {})


def test_a_delete_of_a_row_the_team_only_stamped_goes_through():
    change = Change("placement", ("c1",), placement("paa_vej", T0), None)
    merge = merge_row(change, placement("paa_vej", T_TEAM), "c1")
    assert merge.conflicts == [] and merge.result({}) == ("delete", {})


# --- added on both sides ---------------------------------------------------------------------------------
def test_a_row_only_the_laptop_added_is_added():
    row = {
        "id": "k1",
        "citizen_id": "c1",
        "date": "2026-03-12",
        "kind": "telefon",
        "staff_id": None,
        "note": "",
    }
    merge = merge_row(Change("contact", ("k1",), None, row), None, "c1")
    assert merge.conflicts == [] and merge.result({}) == ("insert", row)


def test_a_placement_added_on_both_sides_in_different_columns_is_a_conflict():
    team = placement("i_gang", T_TEAM)
    laptop = placement("paa_vej", T_LAPTOP)
    merge = merge_row(Change("placement", ("c1",), None, laptop), team, "c1")
    (conflict,) = merge.conflicts
    assert (conflict.kind, conflict.field, conflict.base, conflict.team, conflict.laptop) == (
        "field",
        "board_column",
        None,
        "i_gang",
        "paa_vej",
    )
    assert merge.result({conflict.id: "laptop"}) == (
        "update",
        {"board_column": "paa_vej", "since": T_LAPTOP},
    )
    assert merge.result({conflict.id: "team"}) == ("none", {})


def test_a_placement_added_on_both_sides_in_the_same_column_is_nothing_to_decide():
    merge = merge_row(
        Change("placement", ("c1",), None, placement("i_gang", T_LAPTOP)),
        placement("i_gang", T_TEAM),
    )
    assert merge.conflicts == [] and merge.already
    assert merge.result({}) == ("none", {})  # the team's since is the later


def test_values_compare_as_sqlite_stores_them():
    base = hours(10)
    merge = merge_row(Change("paid_hours", ("c1", "2026-02"), base, hours(10.0)), hours(10.0))
    assert merge.already
    merge = merge_row(
        update("citizen", ("c1",), citizen(network_consent=0), citizen(network_consent=1)),
        citizen(network_consent=1),
    )
    assert merge.already


# --- words ---------------------------------------------------------------------------------------------
def _changes() -> list[Change]:
    found: list[Change] = []
    found += [
        Change("board_move", (f"m{i}",), None, {"id": f"m{i}", "citizen_id": "c1"})
        for i in range(12)
    ]
    found += [
        Change("placement", (f"c{i}",), placement("paa_vej", T0), placement("i_gang", T_LAPTOP))
        for i in range(12)
    ]
    found += [
        Change("contact", (f"k{i}",), None, {"id": f"k{i}", "citizen_id": "c1"}) for i in range(29)
    ]
    found.append(
        Change("contact", ("k-old",), {"id": "k-old", "citizen_id": "c1"}, None)
    )  # a deleted one counts
    for meeting in ("s1", "s2"):
        found.append(
            Change("stepup_meeting", (meeting,), None, {"id": meeting, "citizen_id": "c1"})
        )
        found += [
            Change(
                "stepup_participant",
                (f"{meeting}p{i}",),
                None,
                {"id": f"{meeting}p{i}", "meeting_id": meeting},
            )
            for i in range(4)
        ]
        found.append(
            Change(
                "stepup_plan_line",
                (f"{meeting}l",),
                None,
                {"id": f"{meeting}l", "meeting_id": meeting},
            )
        )
    # A meeting saved again: only its participants changed; it counts once.
    found += [
        Change("stepup_participant", (f"s3p{i}",), None, {"id": f"s3p{i}", "meeting_id": "s3"})
        for i in range(2)
    ]
    found += [
        update("citizen", (f"c{i}",), citizen(id=f"c{i}"), citizen(id=f"c{i}", note="x"))
        for i in range(5)
    ]
    return found


def test_the_preview_counts_in_domain_words():
    counts = count_changes(_changes())
    assert counts == {
        "Flytninger på tavlen": 12,
        "Kontakter": 30,
        "Step-up-møder": 3,
        "Ændrede oplysninger": 5,
    }
    assert list(counts) == [
        "Flytninger på tavlen",
        "Kontakter",
        "Step-up-møder",
        "Ændrede oplysninger",
    ]
    assert (
        summary_line(counts)
        == "Flytninger på tavlen: 12, kontakter: 30, step-up-møder: 3, ændrede oplysninger: 5"
    )


def test_the_preview_in_the_issues_shape_and_every_heading_in_its_order():
    changes = [c for c in _changes() if c.row.get("meeting_id") != "s3"]
    assert summary_line(count_changes(changes)) == (
        "Flytninger på tavlen: 12, kontakter: 30, step-up-møder: 2, ændrede oplysninger: 5"
    )
    more = [
        Change("paid_hours", ("c1", "2026-02"), None, hours(3.0)),
        Change("status_entry", ("e1",), None, {"id": "e1", "citizen_id": "c1"}),
        Change("stepup_marking", ("mk",), None, {"id": "mk", "citizen_id": "c1"}),
        Change("network_person", ("n1",), None, {"id": "n1", "citizen_id": "c1"}),
        Change("period", ("p1",), None, {"id": "p1", "citizen_id": "c1"}),
        Change("assignment", ("a1",), None, {"id": "a1", "citizen_id": "c1"}),
    ]
    # An abbreviation keeps its capitals inside the line ("CV", not "cV").
    assert summary_line(count_changes(more)) == (
        "Step-up-markeringer: 1, CV og jobmål: 1, netværk: 1, forløb: 1, løntimer: 1, jobformidler og sagsbehandler: 1"
    )
    assert summary_line(count_changes(more[1:2])) == "CV og jobmål: 1"
    assert summary_line({}) == "Ingen ændringer"
    assert count_changes([Change("audit_log", ("x",), None, {"id": "x"})]) == {}


def test_a_conflict_in_words_of_the_board():
    conflict = Conflict(
        "placement",
        ("c1",),
        "field",
        "board_column",
        "paa_spring",
        "i_gang",
        "paa_vej",
        "c1",
        team_at="2026-03-14T10:15:00",
        laptop_at="2026-03-12T09:30:00",
    )
    line = conflict_line(conflict, "Anna Hansen", "bærbar JF3")
    assert line == "Anna Hansen: på vej (bærbar JF3, 12.03) / i gang (teamkopien, 14.03)"
    assert f"{line} — {CHOICE_WORDS['team']} / {CHOICE_WORDS['laptop']}" == (
        "Anna Hansen: på vej (bærbar JF3, 12.03) / i gang (teamkopien, 14.03) — behold teamkopiens / tag bærbarens"
    )


def test_a_conflict_in_words_of_the_citizens_page():
    note = Conflict(
        "citizen",
        ("c1",),
        "field",
        "note",
        "",
        "Teamets",
        "",
        "c1",
        team_at=T_TEAM,
        laptop_at=T_LAPTOP,
    )
    assert conflict_line(note, "Anna Hansen", "bærbar JF3") == (
        "Anna Hansen (note): (tom) (bærbar JF3, 12.03) / Teamets (teamkopien, 14.03)"
    )
    day = Conflict("citizen", ("c1",), "field", "exit_date", None, "2026-03-31", "2026-04-30", "c1")
    assert conflict_line(day, "Anna Hansen", "bærbar JF3") == (
        "Anna Hansen (afgang): 30.04.2026 (bærbar JF3) / 31.03.2026 (teamkopien)"
    )
    consent = Conflict("citizen", ("c1",), "field", "network_consent", 0, 0, 1, "c1")
    assert conflict_line(consent, "Anna Hansen", "bærbar JF3") == (
        "Anna Hansen (ønsker netværk inddraget): ja (bærbar JF3) / nej (teamkopien)"
    )
    staff = Conflict("assignment", ("a1",), "field", "staff_id", "s0", "s1", "s2", "c1")
    assert conflict_line(staff, "Anna Hansen", "bærbar JF3", {"s1": "LJ", "s2": "JP"}) == (
        "Anna Hansen (medarbejder): JP (bærbar JF3) / LJ (teamkopien)"
    )
    kind = Conflict("period", ("p1",), "field", "kind", "mentor", "mentor", "loentilskud", "c1")
    assert (
        conflict_line(kind, "Bo", "bærbar JF3")
        == "Bo (forløbets art): løntilskud (bærbar JF3) / mentor (teamkopien)"
    )


def test_deletions_in_words():
    gone = Conflict("paid_hours", ("c1", "2026-02"), "deleted_on_team", citizen_id="c1")
    assert conflict_line(gone, "Anna Hansen", "bærbar JF3") == (
        "Anna Hansen: løntimer er slettet i teamkopien, men ændret på bærbar JF3"
    )
    gone = Conflict("contact", ("k1",), "deleted_on_laptop", citizen_id="c1")
    assert conflict_line(gone, "Anna Hansen", "bærbar JF3") == (
        "Anna Hansen: en kontakt er slettet på bærbar JF3, men ændret i teamkopien"
    )


# --- properties ------------------------------------------------------------------------------------------
FIELDS = ("name", "note", "grp")
VALUES = st.sampled_from([None, 0, 1, "a", "b"])
STAMPS = st.sampled_from(["2026-03-01T08:00:00", "2026-03-05T08:00:00", "2026-03-09T08:00:00"])


@st.composite
def rows(draw) -> dict:
    row = {"id": "c1"}
    for name in FIELDS:
        row[name] = draw(VALUES)
    row["updated_at"] = draw(STAMPS)
    return row


@st.composite
def edited(draw, base: dict) -> dict:
    """``base`` with some fields (perhaps none) and perhaps the stamp changed."""
    row = dict(base)
    for name in FIELDS:
        if draw(st.booleans()):
            row[name] = draw(VALUES)
    if draw(st.booleans()):
        row["updated_at"] = draw(STAMPS)
    return row


@st.composite
def three_rows(draw) -> tuple[dict, dict, dict]:
    base = draw(rows())
    return base, draw(edited(base)), draw(edited(base))


def fields_of(row: dict | None) -> dict | None:
    return None if row is None else {k: v for k, v in row.items() if k != "updated_at"}


def changed_fields(base: dict, row: dict) -> set[str]:
    return {name for name in FIELDS if row[name] != base[name]}


SETTINGS = settings(max_examples=300, deadline=None)


@SETTINGS
@given(three_rows())
def test_a_team_row_that_did_not_change_becomes_the_laptops(rows3):
    base, _team, laptop = rows3
    team = dict(base)
    merge = merge_row(Change("citizen", ("c1",), base, laptop), team, "c1")
    assert merge.conflicts == []
    result = apply(team, *merge.result({}))
    assert fields_of(result) == fields_of(laptop)
    if changed_fields(base, laptop):
        assert result == laptop  # the stamp too: only the laptop's change is in the row
    else:
        assert result == team  # a stamp alone changes nothing


@SETTINGS
@given(three_rows())
def test_a_laptop_row_that_did_not_change_changes_nothing(rows3):
    base, team, _laptop = rows3
    merge = merge_row(Change("citizen", ("c1",), base, dict(base)), team, "c1")
    assert merge.conflicts == []
    assert merge.result({}) == ("none", {})


@SETTINGS
@given(three_rows())
def test_conflicts_are_symmetric_and_exactly_the_fields_both_changed_differently(rows3):
    base, team, laptop = rows3
    one = merge_row(Change("citizen", ("c1",), base, laptop), team, "c1")
    other = merge_row(Change("citizen", ("c1",), base, team), laptop, "c1")
    expected = {
        name
        for name in changed_fields(base, team) & changed_fields(base, laptop)
        if team[name] != laptop[name]
    }
    assert {c.field for c in one.conflicts} == expected
    assert [(c.field, c.base, c.team, c.laptop) for c in one.conflicts] == [
        (c.field, c.base, c.laptop, c.team) for c in other.conflicts
    ]
    # Deciding every conflict for the same copy gives the same row whichever side is "the team".
    for keep in ("team", "laptop"):
        mirrored = "laptop" if keep == "team" else "team"
        a = apply(team, *one.result({c.id: keep for c in one.conflicts}))
        b = apply(laptop, *other.result({c.id: mirrored for c in other.conflicts}))
        assert fields_of(a) == fields_of(b)
        for name in FIELDS:  # every field is one side's, and a change nobody disputed stays
            assert a[name] in (team[name], laptop[name])
            if name not in expected and name in changed_fields(base, laptop):
                assert a[name] == laptop[name]
            if name not in expected and name in changed_fields(base, team):
                assert a[name] == team[name]
        if changed_fields(base, team) | changed_fields(base, laptop):
            assert a == b  # the stamp too, once a value changed
            assert a["updated_at"] in (team["updated_at"], laptop["updated_at"])


@SETTINGS
@given(three_rows())
def test_applying_a_merged_change_again_changes_nothing(rows3):
    base, team, laptop = rows3
    merge = merge_row(Change("citizen", ("c1",), base, laptop), team, "c1")
    decisions = {c.id: "laptop" for c in merge.conflicts}
    once = apply(team, *merge.result(decisions))
    again = merge_row(Change("citizen", ("c1",), base, laptop), once, "c1")
    assert again.conflicts == []
    assert again.result({}) == ("none", {})


@SETTINGS
@given(
    st.sampled_from([None, "i_gang", "paa_vej"]),
    st.sampled_from([None, "i_gang", "paa_vej"]),
    st.sampled_from(["i_gang", "paa_vej", None]),
    STAMPS,
    STAMPS,
)
def test_a_placement_never_conflicts_over_its_since(
    base_col, team_col, laptop_col, team_at, laptop_at
):
    base = None if base_col is None else placement(base_col, T0)
    team = None if team_col is None else placement(team_col, team_at)
    laptop = None if laptop_col is None else placement(laptop_col, laptop_at)
    if base is None and laptop is None:
        return
    merge = merge_row(Change("placement", ("c1",), base, laptop), team, "c1")
    columns = {c.field for c in merge.conflicts if c.kind == "field"}
    assert columns <= {"board_column"}
    if team is not None and laptop is not None and team_col == laptop_col:
        assert merge.conflicts == []
    if base is not None and laptop is not None and base_col == laptop_col:
        assert merge.conflicts == []  # the laptop only moved the card away and back
        assert merge.result({}) == ("none", {})


def test_a_row_that_follows_another_decision_is_written_only_with_the_laptops():
    row = {"id": "k1", "citizen_id": "c1", "note": ""}
    merge = merge_row(Change("contact", ("k1",), None, row), None, "c1")
    merge.requires.append('citizen:["c1"]:')
    assert merge.result({}) == ("none", {})
    assert merge.result({'citizen:["c1"]:': "team"}) == ("none", {})
    assert merge.result({'citizen:["c1"]:': "laptop"}) == ("insert", row)


# --- fields that must agree ------------------------------------------------------------------------------
def period(start: str, end: str | None, note: str = "") -> dict:
    return {
        "id": "p1",
        "citizen_id": "c1",
        "kind": "mentor",
        "start": start,
        "end": end,
        "note": note,
    }


def test_a_periods_start_and_end_changed_on_each_side_are_one_decision():
    """Taken field by field, the laptop's later start and the team's earlier end would make a
    period that ends before it starts, which neither side wrote."""
    base = period("2021-01-01", "2021-12-31")
    laptop = period("2021-09-01", "2021-12-31")
    team = period("2021-01-01", "2021-06-30")
    merge = merge_row(Change("period", ("p1",), base, laptop), team, "c1")
    assert merge.take == {}
    (conflict,) = merge.conflicts
    assert (conflict.field, conflict.base, conflict.team, conflict.laptop) == (
        "start+end",
        ["2021-01-01", "2021-12-31"],
        ["2021-01-01", "2021-06-30"],
        ["2021-09-01", "2021-12-31"],
    )
    assert merge.result({conflict.id: "laptop"}) == (
        "update",
        {"start": "2021-09-01", "end": "2021-12-31"},
    )
    assert merge.result({conflict.id: "team"}) == ("none", {})
    assert conflict_line(conflict, "Bo", "bærbar JF3") == (
        "Bo (forløbets periode): 01.09.2021 – 31.12.2021 (bærbar JF3) / 01.01.2021 – 30.06.2021 (teamkopien)"
    )
    # Other fields of the row still merge without asking.
    merge = merge_row(Change("period", ("p1",), base, {**laptop, "note": "ny"}), team, "c1")
    assert merge.take == {"note": "ny"} and [c.field for c in merge.conflicts] == ["start+end"]


def test_a_group_changed_by_one_side_only_or_alike_merges_without_asking():
    base = period("2021-01-01", None)
    # Only the laptop changed the span (the team the note): taken.
    merge = merge_row(
        Change("period", ("p1",), base, period("2021-02-01", "2021-05-31")),
        period("2021-01-01", None, "team"),
        "c1",
    )
    assert merge.conflicts == [] and merge.take == {"start": "2021-02-01", "end": "2021-05-31"}
    # Both ended it on the same day; the team also moved the start: the team's span has the
    # laptop's change already.
    merge = merge_row(
        Change("period", ("p1",), base, period("2021-01-01", "2021-05-31")),
        period("2020-12-01", "2021-05-31"),
        "c1",
    )
    assert merge.conflicts == [] and merge.already
    # An exit with its reason belongs together with the entry.
    citizen_base = citizen(entry_date="2020-01-01", exit_date=None, exit_reason=None)
    merge = merge_row(
        Change(
            "citizen",
            ("c1",),
            citizen_base,
            {**citizen_base, "exit_reason": "andet", "exit_date": "2021-03-31"},
        ),
        {**citizen_base, "entry_date": "2020-02-01"},
        "c1",
    )
    (conflict,) = merge.conflicts
    assert conflict.field == "entry_date+exit_date+exit_reason"
    assert conflict_line(conflict, "Bo", "bærbar X") == (
        "Bo (indgang og afgang): 01.01.2020, 31.03.2021, andet (bærbar X, 01.03) / 01.02.2020, (tom), (tom) "
        "(teamkopien, 01.03)"
    )
