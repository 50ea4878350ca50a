"""The data model: period overlap, leaving the target group, categories and labels."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest

from fsm_desktop.domain import model
from fsm_desktop.domain.model import (
    BOARD_LABELS,
    LEAVING_REASONS,
    PERIOD_LABELS,
    Assignment,
    AssignmentRole,
    AuditEntry,
    BoardColumn,
    BoardMove,
    Citizen,
    Contact,
    ContactKind,
    ExitReason,
    NetworkPerson,
    Participant,
    ParticipantRole,
    Period,
    PeriodCategory,
    PeriodKind,
    PlanLine,
    Staff,
    StaffRole,
    StatusEntry,
    StatusKind,
    StepUpMeeting,
)

D = dt.date

# --- Period.overlaps -----------------------------------------------------------------------

MARCH = Period("c", PeriodKind.LOENTILSKUD, D(2020, 3, 1), D(2020, 3, 31))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (D(2020, 3, 31), D(2020, 4, 30), True),  # last day of the period = first of the window
        (D(2020, 2, 1), D(2020, 3, 1), True),  # first day of the period = last of the window
        (D(2020, 4, 1), D(2020, 4, 30), False),  # the day after
        (D(2020, 2, 1), D(2020, 2, 29), False),  # the day before
        (D(2020, 3, 10), D(2020, 3, 10), True),  # a one-day window inside
        (D(2020, 1, 1), D(2020, 12, 31), True),  # the window covers it
    ],
)
def test_overlaps_at_the_edges(first, last, expected):
    assert MARCH.overlaps(first, last) is expected


def test_open_ended_period_overlaps_everything_from_its_start():
    ongoing = Period("c", PeriodKind.MENTOR, D(2020, 3, 1))
    assert ongoing.overlaps(D(2030, 1, 1), D(2030, 1, 31))
    assert ongoing.overlaps(D(2020, 2, 1), D(2020, 3, 1))
    assert not ongoing.overlaps(D(2020, 2, 1), D(2020, 2, 29))


def test_one_day_period():
    day = Period("c", PeriodKind.FLEKSJOB, D(2020, 3, 15), D(2020, 3, 15))
    assert day.overlaps(D(2020, 3, 1), D(2020, 3, 31))
    assert day.overlaps(D(2020, 3, 15), D(2020, 3, 15))
    assert not day.overlaps(D(2020, 3, 16), D(2020, 3, 31))
    assert not day.overlaps(D(2020, 3, 1), D(2020, 3, 14))


# --- Citizen.has_left ----------------------------------------------------------------------


def _citizen(exit_date=None, exit_reason=None) -> Citizen:
    return Citizen("0101901234", "Test Testesen", exit_date=exit_date, exit_reason=exit_reason)


@pytest.mark.parametrize("reason", [ExitReason.MOVED_AWAY, ExitReason.RETIRED, ExitReason.DIED])
def test_has_left_from_the_exit_date_for_leaving_reasons(reason):
    c = _citizen(D(2020, 6, 15), reason)
    assert not c.has_left(D(2020, 6, 14))
    assert c.has_left(D(2020, 6, 15))
    assert c.has_left(D(2021, 1, 1))


def test_a_closed_case_does_not_leave_the_target_group():
    c = _citizen(D(2020, 6, 15), ExitReason.OTHER)
    assert not c.has_left(D(2020, 6, 15))
    assert not c.has_left(D(2030, 1, 1))


def test_no_exit():
    assert not _citizen().has_left(D(2030, 1, 1))
    # a reason without a date is not an exit
    assert not _citizen(None, ExitReason.DIED).has_left(D(2030, 1, 1))


def test_leaving_reasons():
    assert {"fraflyttet", "folkepension", "doed"} == LEAVING_REASONS


def test_citizen_birth_date_comes_from_the_cpr():
    assert Citizen("1505604234", "x").birth_date == D(1960, 5, 15)
    assert Citizen("1505054234", "x").birth_date == D(2005, 5, 15)


# --- kinds, categories, labels -------------------------------------------------------------

EXPECTED_CATEGORY = {
    "kontanthjaelp_ap": "ydelse",
    "integrationsydelse_ap": "ydelse",
    "ressourceforloeb": "ydelse",
    "revalidering": "ydelse",
    "virksomhedspraktik": "tilbud",
    "loentilskud": "tilbud",
    "mentor": "tilbud",
    "andet_aktivt_tilbud": "tilbud",
    "ordinaer_beskaeftigelse": "resultat",
    "fleksjob": "resultat",
    "uddannelse_su": "resultat",
    "fritagelse": "markering",
    "fravaer": "markering",
}


def test_every_period_kind_has_its_category():
    assert {kind.value for kind in PeriodKind} == set(EXPECTED_CATEGORY)
    for kind in PeriodKind:
        assert isinstance(kind.category, PeriodCategory)
        assert kind.category.value == EXPECTED_CATEGORY[kind.value], kind


def test_every_period_kind_has_a_label():
    assert set(PERIOD_LABELS) == set(PeriodKind)
    for kind in PeriodKind:
        assert kind.label.strip()
    assert PeriodKind.LOENTILSKUD.label == "løntilskud"
    assert PeriodKind.RESSOURCEFORLOEB.label == "ressourceforløb"
    assert len(set(PERIOD_LABELS.values())) == len(PERIOD_LABELS)


def test_every_board_column_has_a_label():
    assert [c.value for c in BoardColumn] == [
        "i_gang",
        "paa_spring",
        "paa_vej",
        "paa_laengere_sigt",
    ]
    assert set(BOARD_LABELS) == set(BoardColumn)
    assert [c.label for c in BoardColumn] == ["i gang", "på spring", "på vej", "på længere sigt"]


def test_paid_hours_source_is_not_a_period_kind():
    assert model.PAID_HOURS == "loentimer"
    assert model.PAID_HOURS not in {k.value for k in PeriodKind}


# --- ids -----------------------------------------------------------------------------------


def test_new_id_is_a_time_ordered_uuid():
    before = int(time.time() * 1000)
    ids = [model.new_id() for _ in range(5000)]
    after = int(time.time() * 1000)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids), "ids made one after the other sort in that order"
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == text
    # The first 48 bits are the time in milliseconds (a burst may borrow a few from the future).
    first, last = (uuid.UUID(ids[0]).int >> 80, uuid.UUID(ids[-1]).int >> 80)
    assert before <= first <= last <= after + 10
    # 62 random bits: the last 12 hex digits differ from id to id.
    assert len({text[-12:] for text in ids}) == len(ids)


def test_new_ids_in_bulk_are_the_same_kind_of_ids_in_order():
    before = int(time.time() * 1000)
    first = model.new_id()
    bulk = model.new_ids(10_000)  # more than one millisecond's 4,096 sequence numbers
    pool = model.IdPool()
    pooled = [pool() for _ in range(5000)]  # more than one batch
    last = model.new_id()
    after = int(time.time() * 1000)
    ids = [first, *bulk, *pooled, last]
    assert len(bulk) == 10_000 and model.new_ids(0) == []
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids), "one after the other, in that order, across calls"
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert str(parsed) == text
    stamps = [uuid.UUID(text).int >> 80 for text in ids]
    assert before <= stamps[0] <= stamps[-1] <= after + 10
    assert len({text[-12:] for text in ids}) == len(ids)
    # Every variant bit pattern of the random part is 0b10, whatever the random byte was.
    assert {text[19] for text in bulk} <= set("89ab") and len({text[19] for text in bulk}) == 4


def test_rows_made_on_several_machines_get_uuid_ids():
    now = dt.datetime(2020, 1, 1, 12, 0)
    objects = [
        Citizen("0101901234", "x"),
        Period("c", PeriodKind.MENTOR, D(2020, 1, 1)),
        Staff("AB", "x", StaffRole.JOB_BROKER),
        Assignment("c", "s", AssignmentRole.CASEWORKER, D(2020, 1, 1)),
        BoardMove("c", BoardColumn.PAA_VEJ, now, "user"),
        Contact("c", D(2020, 1, 1), ContactKind.PHONE),
        StatusEntry("c", StatusKind.CV_JOBNET, D(2020, 1, 1), "ja"),
        NetworkPerson("c", "x"),
        StepUpMeeting("c", D(2020, 1, 1)),
        Participant(ParticipantRole.CITIZEN),
        PlanLine(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2020, 2, 1)),
        AuditEntry(now, "user", "create", "citizen", "c"),
    ]
    ids = [obj.id for obj in objects]
    assert len(set(ids)) == len(ids)
    for obj in objects:
        assert uuid.UUID(obj.id).version == 7, type(obj).__name__
