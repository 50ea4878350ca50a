"""The status sheet (domain.status_sheet): every row counted by hand on a small FSM2 history,
goals and their comparison, the rows BIR and HIR cannot have, the validation of edits, and
properties on random histories: shares in [0, 1], counts within their denominators, and the
target group equal to the measures engine's denominator (so the sheet agrees with the Mål page).

The hand-counted history (FSM2, start and baseline 1 Nov 2019, last month January 2020):

| citizen | group | in the target group | facts |
|---|---|---|---|
| A | 1 | entry 1 Nov 2019 | job broker from 1 Nov; praktik 15 Nov – 10 Dec; 12 paid hours in Jan; CV "ja" 1 Oct; job goal 20 Dec; step-up 1 Nov and 15 Dec |
| B | 1 | entry 5 Dec | CV "nej" 5 Dec, "ja" 31 Jan; fravær 2–5 Jan; ordinary job from 20 Jan |
| C | 2 | entry 1 Oct | nothing |
| D | 1 | entry 1 Oct, moved away 1 Dec | job broker 1 Oct – 30 Nov; løntilskud 1 Nov – 1 Mar; 5 paid hours in Nov; step-up 10 Oct |
| E | 1 | no entry date: kontanthjælp from 15 Dec | fritagelse (barsel) 20 Dec – 1 Feb |
| F | 1 | entry 1 Nov, exit "andet" 20 Nov (stays) | nothing |

Columns: 0-punkt (1 Nov 2019), Nov, Dec, Jan.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import CitizenFacts, Facts, Month, Span, compute
from fsm_desktop.domain.model import ExitReason, Goal, PeriodKind
from fsm_desktop.domain.program import MeasureSpec, Population, builtin_template
from fsm_desktop.domain.status_sheet import (
    ABSENCE,
    COMPANY,
    COORDINATION,
    CV,
    ENDED,
    EXEMPT_225,
    GROSS,
    HOURS_OVER,
    JOB_BROKER,
    JOB_GOAL,
    LOENTILSKUD,
    NO_DATA,
    NOT_RELEVANT,
    OK,
    PAID,
    PASSIVE,
    PRAKTIK,
    REHAB,
    ROWS,
    STEPUP,
    Cell,
    Row,
    SheetFacts,
    build,
    check_goal,
    check_month,
    parse_goal,
    parse_hours_over,
)
from fsm_desktop.domain.stepup import MeetingRecord, StepUpCase

D = dt.date
FSM2 = builtin_template("fsm2")


def _span(kind: PeriodKind | str, start: dt.date, end: dt.date | None = None) -> Span:
    return Span(kind.value if isinstance(kind, PeriodKind) else kind, start, end)


def hand_facts(**changes) -> SheetFacts:
    citizens = [
        CitizenFacts(
            "A",
            "A",
            1,
            D(2019, 11, 1),
            periods=[_span(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2019, 11, 15), D(2019, 12, 10))],
            paid_hours={"2020-01": 12.0},
            assignments=[_span("jobformidler", D(2019, 11, 1))],
        ),
        CitizenFacts(
            "B",
            "B",
            1,
            D(2019, 12, 5),
            periods=[
                _span(PeriodKind.FRAVAER, D(2020, 1, 2), D(2020, 1, 5)),
                _span(PeriodKind.ORDINAER_BESKAEFTIGELSE, D(2020, 1, 20)),
            ],
        ),
        CitizenFacts("C", "C", 2, D(2019, 10, 1)),
        CitizenFacts(
            "D",
            "D",
            1,
            D(2019, 10, 1),
            D(2019, 12, 1),
            ExitReason.MOVED_AWAY,
            periods=[_span(PeriodKind.LOENTILSKUD, D(2019, 11, 1), D(2020, 3, 1))],
            paid_hours={"2019-11": 5.0},
            assignments=[_span("jobformidler", D(2019, 10, 1), D(2019, 11, 30))],
        ),
        CitizenFacts(
            "E",
            "E",
            1,
            None,
            periods=[
                _span(PeriodKind.KONTANTHJAELP_AP, D(2019, 12, 15)),
                _span(PeriodKind.FRITAGELSE, D(2019, 12, 20), D(2020, 2, 1)),
            ],
        ),
        CitizenFacts("F", "F", 1, D(2019, 11, 1), D(2019, 11, 20), ExitReason.OTHER),
    ]
    facts = {
        "rows": Facts(citizens).rows(),
        "maternity": [("E", "2019-12-20", "2020-02-01")],
        "status": [
            ("A", "cv_jobnet", "2019-10-01", "ja"),
            ("A", "jobmaal", "2019-12-20", "Lager"),
            ("B", "cv_jobnet", "2019-12-05", "nej"),
            ("B", "cv_jobnet", "2020-01-31", " Ja "),
        ],
        "stepup": [
            StepUpCase(
                "A", meetings=[MeetingRecord(D(2019, 11, 1)), MeetingRecord(D(2019, 12, 15))]
            ),
            StepUpCase("D", meetings=[MeetingRecord(D(2019, 10, 10))]),
        ],
        "coordination": frozenset({"2019-12"}),
        "goals": FSM2.goals,
    }
    facts.update(changes)
    return SheetFacts(**facts)


def hand_sheet(template=FSM2, **changes):
    return build(template, hand_facts(**changes), Month(2020, 1), D(2020, 1, 31))


def counts(sheet, row_id: str) -> list[tuple[float, float | None] | None]:
    """(count, denominator) per data column; None: no number (no data in that column)."""
    return [None if c is None else (c.count, c.denominator) for c in sheet.row(row_id).cells]


def test_ended_counts_outcomes_begun_while_in_the_target_group():
    """ "Borgere afsluttet til job, fleksjob, uddannelse": an outcome that began while the
    citizen was in the target group, from the project's start or their entry to their exit day;
    a job taken after moving away, or begun before the citizen entered, is not the project's."""
    citizens = [
        CitizenFacts(
            "G",
            "G",
            1,
            D(2019, 11, 1),
            D(2019, 12, 1),
            ExitReason.MOVED_AWAY,
            periods=[_span(PeriodKind.ORDINAER_BESKAEFTIGELSE, D(2019, 12, 10))],
        ),  # after moving
        CitizenFacts(
            "H",
            "H",
            1,
            D(2019, 11, 1),
            D(2019, 12, 10),
            ExitReason.MOVED_AWAY,
            periods=[_span(PeriodKind.FLEKSJOB, D(2019, 12, 10))],
        ),  # on the exit day: counts
        CitizenFacts(
            "I", "I", 1, D(2019, 12, 15), periods=[_span(PeriodKind.UDDANNELSE_SU, D(2019, 12, 1))]
        ),  # before the entry
        CitizenFacts(
            "J", "J", 1, D(2019, 11, 1), periods=[_span(PeriodKind.UDDANNELSE_SU, D(2019, 11, 20))]
        ),
        CitizenFacts(
            "K",
            "K",
            1,
            D(2019, 11, 1),
            D(2020, 1, 31),
            ExitReason.DIED,
            periods=[_span(PeriodKind.ORDINAER_BESKAEFTIGELSE, D(2019, 10, 1))],
        ),  # before the start
    ]
    sheet = hand_sheet(rows=Facts(citizens).rows(), maternity=[], status=[], stepup=[])
    # Denominator (everyone in group 1 since the start): baseline G H J K; Nov G H J K; then I too.
    # Numerator: J from November (20 Nov), H from December (its exit day).
    assert counts(sheet, ENDED) == [(0, 4), (1, 4), (2, 5), (2, 5)]


def test_columns_are_the_baseline_the_months_and_the_goal_dates():
    sheet = hand_sheet()
    assert [(c.kind, c.month) for c in sheet.columns] == [
        ("baseline", "2019-11"),
        ("month", "2019-11"),
        ("month", "2019-12"),
        ("month", "2020-01"),
        ("goal", "2020-10"),
        ("goal", "2021-10"),
    ]
    assert [c.label for c in sheet.columns] == [
        "0-punkt 01.11.2019",
        "nov. 2019",
        "dec. 2019",
        "jan. 2020",
        "Mål okt. 2020",
        "Mål okt. 2021",
    ]
    assert [row.id for row in sheet.rows][: len(ROWS)] == [spec.id for spec in ROWS]


def test_every_row_counted_by_hand():
    sheet = hand_sheet()
    # In the target group: baseline A C D F; Nov the same; Dec all six (D moved away on 1 Dec:
    # still in December); Jan A B C E F.
    assert counts(sheet, GROSS) == [(4, 4), (4, 4), (6, 6), (5, 5)]
    # Group 1 with a job broker: A always; D until 30 Nov. Of the gross target group (issue 18:
    # both group rows share its denominator, as their goals 90 % + 10 % share its 100 %).
    assert counts(sheet, JOB_BROKER) == [(2, 4), (2, 4), (1, 6), (1, 5)]
    assert counts(sheet, REHAB) == [(1, 4), (1, 4), (1, 6), (1, 5)]
    assert [d for _, d in counts(sheet, JOB_BROKER)] == [d for _, d in counts(sheet, GROSS)]
    # Fravær (B in Jan) and fritagelse of kind barsel (E, Dec and Jan).
    assert counts(sheet, ABSENCE) == [(0, 3), (0, 3), (1, 5), (2, 4)]
    # Passive: baseline A (praktik from 15 Nov) and F; D has løntilskud and paid hours in Nov.
    assert counts(sheet, PASSIVE) == [(2, 3), (1, 3), (3, 5), (2, 4)]
    # CV "ja" at the column's last day: A from 1 Oct; B's "ja" of 31 Jan counts in January.
    assert counts(sheet, CV) == [(1, 3), (1, 3), (1, 5), (2, 4)]
    # The project's first job goal is A's of 20 Dec 2019: the 0-punkt and November have no data
    # (docs/status_sheet.md: a missing registration is not a "nej").
    assert counts(sheet, JOB_GOAL) == [None, None, (1, 5), (1, 4)]
    assert counts(sheet, PAID) == [(1, 3), (1, 3), (0, 5), (1, 4)]
    assert counts(sheet, PRAKTIK) == [(0, 3), (1, 3), (1, 5), (0, 4)]
    assert counts(sheet, LOENTILSKUD) == [(1, 3), (1, 3), (1, 5), (0, 4)]
    assert counts(sheet, COMPANY) == [(1, 3), (2, 3), (2, 5), (2, 4)]
    # Above 10 hours: A's 12 in January; D's 5 are not.
    assert counts(sheet, HOURS_OVER) == [(0, 3), (0, 3), (0, 5), (1, 4)]
    # Cumulative: everyone in group 1 since the start (D stays counted after moving away);
    # B's ordinary job began 20 Jan.
    assert counts(sheet, ENDED) == [(0, 3), (0, 3), (0, 5), (1, 5)]
    # Step-up since the project's start (1 Nov): D's meeting of 10 Oct is not the project's.
    stepup = sheet.row(STEPUP).cells
    assert [(c.count, c.cumulative) for c in stepup] == [(1, 1), (1, 1), (1, 2), (0, 2)]
    assert [None if c is None else c.count for c in sheet.row(COORDINATION).cells] == [
        None,
        0,
        1,
        0,
    ]
    assert sheet.row(EXEMPT_225).availability == NO_DATA
    assert sheet.row(EXEMPT_225).cells == [None] * 4
    assert sheet.row(EXEMPT_225).note == "ingen data"


def test_hours_over_follows_the_setting_and_its_label_says_so():
    sheet = hand_sheet(hours_over=4.5)
    assert counts(sheet, HOURS_OVER) == [(1, 3), (1, 3), (0, 5), (1, 4)]
    assert sheet.row(HOURS_OVER).label == "Borgere med ordinære timer over 4,5 timer pr. md."


def test_a_second_entry_on_the_same_day_replaces_the_first():
    # The project's first CV entries are of 1 Dec 2019: the 0-punkt and November have no data.
    status = [("A", "cv_jobnet", "2019-12-01", "ja"), ("A", "cv_jobnet", "2019-12-01", "nej")]
    assert counts(hand_sheet(status=status), CV) == [None, None, (0, 5), (0, 4)]
    status.reverse()
    assert counts(hand_sheet(status=status), CV) == [None, None, (1, 5), (1, 4)]


def test_rows_without_data_say_so_instead_of_zero():
    sheet = hand_sheet(recorded=frozenset())
    for row_id in (PAID, HOURS_OVER, CV, JOB_GOAL, JOB_BROKER, EXEMPT_225):
        row = sheet.row(row_id)
        assert row.availability == NO_DATA, row_id
        assert row.cells == [None] * 4
        assert row.met(1, "2019-11") is None
    assert sheet.row(PRAKTIK).availability == OK


def test_goals_are_compared_with_the_next_goal_and_with_direction():
    sheet = hand_sheet(
        goals=[
            Goal(JOB_BROKER, "Jobformidler", {"2019-11": 0.5, "2020-01": 0.2}),
            Goal(PASSIVE, "Passiv", {"2019-12": 0.5}),
            Goal(STEPUP, "Step-up", {"2019-12": 2}, unit="count"),
        ]
    )
    broker = sheet.row(JOB_BROKER)
    # 2/4 ≥ 50 % (baseline and Nov against Nov's goal), 1/6 < 20 % (Dec against Jan's), 1/5 ≥ 20 %.
    assert [broker.met(k, c.month) for k, c in enumerate(sheet.data_columns)] == [
        True,
        True,
        False,
        True,
    ]
    passive = sheet.row(
        PASSIVE
    )  # at most 50 %: 2/3 no, 1/3 yes, 3/5 no, 2/4 yes (after the last goal: the last)
    assert [passive.met(k, c.month) for k, c in enumerate(sheet.data_columns)] == [
        False,
        True,
        False,
        True,
    ]
    stepup = sheet.row(STEPUP)  # the running total (1, 1, 2, 2) against 2
    assert [stepup.met(k, c.month) for k, c in enumerate(sheet.data_columns)] == [
        False,
        False,
        True,
        True,
    ]
    assert sheet.row(PRAKTIK).met(1, "2019-11") is None  # no goal
    assert [c.month for c in sheet.goal_columns] == ["2019-11", "2019-12", "2020-01"]


def test_met_is_exact():
    row = Row(
        "x", "x", "share", "", goals={"2020-10": 0.15}, cells=[Cell(3, 20), Cell(2, 20), Cell(0, 0)]
    )
    assert row.met(0, "2020-01") is True  # 3 of 20 is exactly 15 %
    assert row.met(1, "2020-01") is False
    assert row.met(2, "2020-01") is None  # nobody in the denominator


def test_initiatives_without_groups_have_no_group_rows_and_count_everyone():
    bir = builtin_template("bir")
    # BIR's target group is decided by ressourceforløb: each hand citizen gets one from the
    # entry (E from its kontanthjælp's start).
    people = [
        dataclasses.replace(
            c,
            periods=[
                *c.periods,
                _span(PeriodKind.RESSOURCEFORLOEB, c.entry_date or D(2019, 12, 15)),
            ],
        )
        for c in hand_facts().rows.citizen_facts().values()
    ]
    facts = hand_facts(goals=bir.goals, rows=Facts(people).rows())
    sheet = build(bir, facts, Month(2020, 1), D(2020, 1, 31))
    for row_id in (JOB_BROKER, REHAB):
        row = sheet.row(row_id)
        assert row.availability == NOT_RELEVANT
        assert row.note == "ikke relevant for indsatsen"
        assert not row.goal_editable
    # BIR's period starts 15 Dec 2019 (first month December), baseline 1 Jan 2020. December: all
    # six (D moved away on 1 Dec, E's course began 15 Dec); the 0-punkt and January: D has left.
    assert [c.label for c in sheet.data_columns] == ["0-punkt 01.01.2020", "dec. 2019", "jan. 2020"]
    assert counts(sheet, GROSS) == [(5, 5), (6, 6), (5, 5)]
    # Without groups the denominators are the whole target group.
    assert counts(sheet, PRAKTIK) == [(0, 5), (1, 6), (0, 5)]


def test_the_target_group_follows_fsm2s_age_and_birs_baseline_week():
    """FSM2: 30 and over, counted from the 30th birthday (a birthday on the baseline day counts
    there). BIR: in ressourceforløb in the first ISO week of January 2020 (30 Dec 2019 – 5 Jan
    2020) or later; a citizen whose ressourceforløb ended before that week never enters, even
    with an entry date."""
    born = {"o": D(1980, 1, 1), "t": D(1989, 12, 15), "b": D(1989, 11, 1), "y": D(1995, 1, 1)}
    fsm2 = [CitizenFacts(cid, cid, 1, D(2019, 11, 1), birth_date=day) for cid, day in born.items()]
    sheet = build(FSM2, SheetFacts(Facts(fsm2).rows()), Month(2020, 1), D(2020, 1, 31))
    # 0-punkt 1 Nov: o b; Nov: o b; Dec: o b t (30 on 15 Dec); Jan: the same three; y never.
    assert counts(sheet, GROSS) == [(2, 2), (2, 2), (3, 3), (3, 3)]

    bir = builtin_template("bir")
    rf = PeriodKind.RESSOURCEFORLOEB
    people = [
        CitizenFacts(
            "old", "old", None, periods=[_span(rf, D(2019, 3, 1), D(2019, 12, 29))]
        ),  # the Sunday before
        CitizenFacts(
            "edge", "edge", None, periods=[_span(rf, D(2019, 3, 1), D(2019, 12, 30))]
        ),  # its Monday
        CitizenFacts("new", "new", None, periods=[_span(rf, D(2020, 1, 20))]),
        CitizenFacts(
            "dated",
            "dated",
            None,
            D(2019, 6, 1),
            periods=[_span(rf, D(2019, 6, 1), D(2019, 8, 31))],
        ),
    ]
    sheet = build(
        bir, SheetFacts(Facts(people).rows(), goals=bir.goals), Month(2020, 1), D(2020, 1, 31)
    )
    # Columns: 0-punkt 1 Jan 2020, Dec 2019, Jan 2020. "edge" from the start of its course;
    # "new" from 20 January; "old" and "dated" never.
    assert counts(sheet, GROSS) == [(1, 1), (1, 1), (2, 2)]


def test_engine_measures_are_rows_with_the_engine_numbers():
    facts = hand_facts()
    report = compute(FSM2, facts.rows, Month(2019, 11), Month(2020, 1))
    sheet = build(FSM2, facts, Month(2020, 1), D(2020, 1, 31), report)
    row = sheet.row("fsm2.paid_hours_or_education")
    assert row.engine and row.cells[0] is None
    expected = [(r.numerator, r.denominator) for r in report.for_measure(row.id)]
    assert [(c.count, c.denominator) for c in row.cells[1:]] == expected
    assert row.goal_for("2019-11") == 0.15  # no goal on the sheet: the lowest payout threshold


def test_goals_of_unknown_measures_are_kept_as_rows_without_data():
    sheet = hand_sheet(goals=[*FSM2.goals, Goal("egen", "Eget mål", {"2020-06": 0.5})])
    row = sheet.row("egen")
    assert row.availability == NO_DATA and row.goals == {"2020-06": 0.5}


def test_the_month_must_lie_in_the_initiative():
    with pytest.raises(ValidationError, match="uden for indsatsens periode"):
        check_month(FSM2, Month(2019, 10))
    with pytest.raises(ValidationError):
        build(FSM2, hand_facts(), Month(2021, 11), D(2021, 11, 30))
    check_month(FSM2, Month(2021, 10))


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("15", "share", 0.15),
        ("15 %", "share", 0.15),
        ("12,5", "share", 0.125),
        ("100", "share", 1.0),
        ("0", "share", 0.0),
        ("", "share", None),
        ("10", "count", 10.0),
        ("1.234,5", "count", 1234.5),
    ],
)
def test_parse_goal(text, unit, value):
    assert parse_goal(text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("101", "share", "mellem 0 og 100"),
        ("-1", "share", "mellem 0 og 100"),
        ("abc", "share", "ikke et tal"),
        ("-2", "count", "mindst 0"),
        ("nan", "count", "ikke et tal"),
    ],
)
def test_parse_goal_refuses(text, unit, message):
    with pytest.raises(ValidationError, match=message):
        parse_goal(text, unit)


def test_check_goal_and_hours():
    with pytest.raises(ValidationError):
        check_goal(1.5, "share")
    with pytest.raises(ValidationError):
        check_goal(float("inf"), "count")
    assert parse_hours_over("7,5") == 7.5
    with pytest.raises(ValidationError, match="744"):
        parse_hours_over("800")


# --- properties -------------------------------------------------------------------------------------

_DAYS = [D(2019, 9, 1) + dt.timedelta(days=n) for n in range(0, 330, 7)] + [
    D(2019, 10, 31),
    D(2019, 11, 1),
    D(2019, 11, 30),
    D(2019, 12, 1),
    D(2019, 12, 30),
    D(2020, 1, 31),
    D(2020, 2, 29),
]
_KINDS = [
    PeriodKind.VIRKSOMHEDSPRAKTIK,
    PeriodKind.LOENTILSKUD,
    PeriodKind.MENTOR,
    PeriodKind.ORDINAER_BESKAEFTIGELSE,
    PeriodKind.FLEKSJOB,
    PeriodKind.UDDANNELSE_SU,
    PeriodKind.FRAVAER,
    PeriodKind.FRITAGELSE,
    PeriodKind.KONTANTHJAELP_AP,
    PeriodKind.RESSOURCEFORLOEB,
]
day = st.sampled_from(_DAYS)
#: Around FSM2's 30th birthdays in the sheet's months, and long before.
_BIRTHS = [
    None,
    D(1970, 5, 5),
    D(1989, 11, 1),
    D(1989, 12, 31),
    D(1990, 1, 1),
    D(1990, 3, 14),
    D(1995, 1, 1),
]


@st.composite
def histories(draw):
    citizens = []
    for n in range(draw(st.integers(0, 12))):
        entry = draw(st.none() | day)
        exit_date = draw(st.none() | day)
        reason = draw(st.sampled_from(list(ExitReason))) if exit_date else None
        if exit_date and entry and exit_date < entry:
            exit_date, entry = entry, exit_date
        periods = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(day)
            end = draw(st.none() | day)
            if end is not None and end < start:
                start, end = end, start
            periods.append(_span(draw(st.sampled_from(_KINDS)), start, end))
        hours = {
            f"{m.year:04d}-{m.month:02d}": draw(st.sampled_from([0.0, 3.0, 10.0, 25.0]))
            for m in draw(st.lists(day, max_size=3))
        }
        brokers = [
            _span("jobformidler", draw(day), draw(st.none() | st.just(D(2020, 6, 30))))
            for _ in range(draw(st.integers(0, 1)))
        ]
        citizens.append(
            CitizenFacts(
                f"c{n}",
                "",
                draw(st.sampled_from([1, 2, None])),
                entry,
                exit_date,
                reason,
                periods=periods,
                paid_hours=hours,
                assignments=brokers,
                birth_date=draw(st.sampled_from(_BIRTHS)),
            )
        )
    status = [
        (
            f"c{draw(st.integers(0, 11))}",
            draw(st.sampled_from(["cv_jobnet", "jobmaal"])),
            draw(day).isoformat(),
            draw(st.sampled_from(["ja", "nej", "", "Lager"])),
        )
        for _ in range(draw(st.integers(0, 10)))
    ]
    return Facts(citizens), status


def _spec(groups, qualifying) -> MeasureSpec:
    return MeasureSpec(
        "p",
        "p",
        "share",
        "month",
        "any",
        Population("target_group", groups, ()),
        tuple(qualifying),
        (),
        "at_least",
        (),
    )


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(histories(), st.sampled_from(["fsm2", "bir"]))
def test_shares_lie_in_0_1_and_counts_within_denominators(history, key):
    facts, status = history
    template = builtin_template(key)
    last = Month.of(template.start) + 5
    sheet = build(
        template, SheetFacts(facts.rows(), status=status, goals=template.goals), last, last.last
    )
    for row in sheet.rows:
        for cell in row.cells:
            if cell is None or row.unit != "share":
                continue
            assert 0 <= cell.count <= cell.denominator or cell.denominator == 0 == cell.count
            if cell.share is not None:
                assert 0 <= cell.share <= 1


@PROPERTY
@given(histories(), st.sampled_from(["fsm2", "bir"]))
def test_the_target_group_is_the_engines(history, key):
    """The sheet's target group per month and its company-directed row are the measures engine's
    denominator and numerator for the same rule (the Mål page's FSM2 and Frontrunner measures),
    with FSM2's minimum age and BIR's baseline week."""
    facts, _ = history
    sources = [
        "virksomhedspraktik",
        "loentilskud",
        "loentimer",
        "ordinaer_beskaeftigelse",
        "fleksjob",
        "uddannelse_su",
    ]
    initiative = builtin_template(key)
    groups = (1,) if initiative.groups else ()
    template = dataclasses.replace(initiative, measures=(_spec((), []), _spec(groups, sources)))
    first = Month.of(initiative.start)
    last = first + 7
    report = compute(template, facts.rows(), first, last)
    everyone, group1 = (report.results[:8], report.results[8:])
    sheet = build(initiative, SheetFacts(facts.rows()), last, last.last)
    assert [c.count for c in sheet.row(GROSS).cells[1:]] == [r.denominator for r in everyone]
    assert [(c.count, c.denominator) for c in sheet.row(COMPANY).cells[1:]] == [
        (r.numerator, r.denominator) for r in group1
    ]
