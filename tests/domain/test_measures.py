"""The measures engine, checked by hand: every rule of docs/measures.md on small histories.

Each test builds a few citizens, computes the measures and compares with numbers worked out in
the comments. Every report is also checked for its drill-down (``members()``): the citizens
behind each number, with a reason, match the counts; and against the day-by-day reference
implementation (measures_reference.py), so the hand counts check the reference too.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from measures_reference import full_time_equivalents, reference

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import (
    NEVER,
    CitizenFacts,
    Facts,
    Month,
    Report,
    Span,
    StaffFacts,
    compute,
    first_iso_week,
    last_iso_week,
    target_group_entries,
    turns_iso,
)
from fsm_desktop.domain.model import StaffRole, reaches
from fsm_desktop.domain.program import builtin_template, parse_template

FSM2 = builtin_template("fsm2")
FRONTRUNNER = builtin_template("frontrunner")
BIR = builtin_template("bir")
HIR = builtin_template("hir")

FSM2_ID = "fsm2.paid_hours_or_education"
JOB_BROKER = "frontrunner.job_broker"
COMPANY = "frontrunner.company_directed"
BIR1, BIR2 = "bir.measure1", "bir.measure2"
PASSIVE, CASELOAD = "hir.passive_share", "hir.caseload"


# --- helpers --------------------------------------------------------------------------------------


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def m(text: str) -> Month:
    return Month.parse(text)


def span(kind: str, start: str, end: str | None = "same", staff: str | None = None) -> Span:
    """A period (or an assignment); ``end`` defaults to the start day (one day), None = open."""
    return Span(kind, d(start), d(start if end == "same" else end) if end else None, staff)


def citizen(
    cid: str,
    group: int | None = 1,
    entry: str | None = None,
    exit: str | None = None,
    reason: str | None = None,
    periods: tuple[Span, ...] = (),
    hours: dict[str, float] | None = None,
    assignments: tuple[Span, ...] = (),
    born: str | None = None,
) -> CitizenFacts:
    return CitizenFacts(
        birth_date=d(born) if born else None,
        id=cid,
        name=f"Borger {cid}",
        group=group,
        entry_date=d(entry) if entry else None,
        exit_date=d(exit) if exit else None,
        exit_reason=reason,
        periods=list(periods),
        paid_hours=dict(hours or {}),
        assignments=list(assignments),
    )


def run(template, citizens, first=None, last=None, staff=None, grant=None) -> Report:
    facts = Facts(citizens=list(citizens), staff=staff or {})
    report = compute(template, facts, m(first) if first else None, m(last) if last else None, grant)
    check_drill_down(report)
    check_reference(report, template, facts)
    return report


def check_reference(report: Report, template, facts: Facts) -> None:
    """The same citizens as the day-by-day reference, period by period."""
    expected = reference(template, facts, report.first, report.last)
    assert {(r.measure, str(r.period_start), str(r.period_end)) for r in report.results} == set(
        expected
    )
    for result in report.results:
        numerator_ids, denominator_ids = expected[
            (result.measure, str(result.period_start), str(result.period_end))
        ]
        numerator, denominator = result.members()
        assert {x.citizen_id for x in numerator} == numerator_ids
        if result.spec.kind == "caseload":
            assert result.denominator == pytest.approx(
                float(full_time_equivalents(facts, denominator_ids)), abs=1e-4
            )
        else:
            assert {x.citizen_id for x in denominator} == denominator_ids


def check_drill_down(report: Report) -> None:
    """Every number's citizens, each with a reason; numerator inside denominator."""
    for result in report.results:
        numerator, denominator = result.members()
        assert all(member.reason for member in numerator + denominator), result
        assert len({x.citizen_id for x in numerator}) == len(numerator) == result.numerator
        if result.spec.kind == "caseload":
            assert denominator == []  # the denominator is full-time caseworkers, not citizens
            continue
        assert len({x.citizen_id for x in denominator}) == len(denominator) == result.denominator
        assert {x.citizen_id for x in numerator} <= {x.citizen_id for x in denominator}


def label(result) -> str:
    if result.period_start == result.period_end:
        return str(result.period_start)
    return f"{result.period_start}..{result.period_end}"


def counts(report: Report, measure: str) -> dict[str, tuple[float, float]]:
    """{"2020-03": (numerator, denominator)} or {"2020-01..2020-03": …} for quarters."""
    return {label(r): (r.numerator, r.denominator) for r in report.for_measure(measure)}


def ids(report: Report, measure: str, period: str) -> tuple[set[str], set[str]]:
    (result,) = [r for r in report.for_measure(measure) if label(r) == period]
    numerator, denominator = result.members()
    return {x.citizen_id for x in numerator}, {x.citizen_id for x in denominator}


def result_for(report: Report, measure: str, period: str):
    (result,) = [r for r in report.for_measure(measure) if label(r) == period]
    return result


# --- calendar -------------------------------------------------------------------------------------


def test_iso_weeks_belong_to_the_month_of_their_thursday():
    # 1 Jan 2020 is a Wednesday; Thursday 2 Jan → the week Mon 30 Dec 2019 – Sun 5 Jan 2020.
    assert first_iso_week(m("2020-01")) == (d("2019-12-30"), d("2020-01-05"))
    # 31 Mar 2020 is a Tuesday; that week's Thursday is 2 April → March's last week is 23–29.
    assert last_iso_week(m("2020-03")) == (d("2020-03-23"), d("2020-03-29"))
    # 1 Jan 2021 is a Friday; Thursday 31 Dec 2020 → the first week of January is 4–10 Jan.
    assert first_iso_week(m("2021-01")) == (d("2021-01-04"), d("2021-01-10"))
    # 30 Apr 2020 is a Thursday → April's last week runs into May: 27 Apr – 3 May.
    assert last_iso_week(m("2020-04")) == (d("2020-04-27"), d("2020-05-03"))


def test_a_range_holds_months_and_only_whole_rolling_quarters():
    # Jan–Mar 2020: 3 months → one quarter; Jan–Feb: no quarter; Jan–Apr: Jan–Mar and Feb–Apr.
    assert list(counts(run(BIR, [], "2020-01", "2020-03"), BIR1)) == ["2020-01..2020-03"]
    assert counts(run(BIR, [], "2020-01", "2020-02"), BIR1) == {}
    assert list(counts(run(BIR, [], "2020-01", "2020-04"), BIR1)) == [
        "2020-01..2020-03",
        "2020-02..2020-04",
    ]
    assert list(counts(run(FSM2, [], "2020-01", "2020-03"), FSM2_ID)) == [
        "2020-01",
        "2020-02",
        "2020-03",
    ]
    with pytest.raises(ValueError):
        compute(FSM2, Facts([]), m("2020-03"), m("2020-02"))


def test_the_default_range_is_the_initiatives_period():
    # FSM2 runs 1 Nov 2019 – 31 Oct 2021: 24 months.
    report = run(FSM2, [])
    assert (str(report.first), str(report.last)) == ("2019-11", "2021-10")
    assert len(report.for_measure(FSM2_ID)) == 24
    # BIR 15 Dec 2019 – 31 Dec 2021: 25 months → 23 rolling quarters, Dec–Feb … Oct–Dec.
    quarters = list(counts(run(BIR, []), BIR1))
    assert (
        len(quarters) == 23
        and quarters[0] == "2019-12..2020-02"
        and quarters[-1] == "2021-10..2021-12"
    )


# --- FSM2 -----------------------------------------------------------------------------------------


def test_fsm2_numerator_paid_hours_ordinary_job_education_but_not_loentilskud_or_fleksjob():
    people = [
        citizen(
            "a", entry="2019-11-01", hours={"2020-01": 7.5, "2020-02": 0}
        ),  # Jan; Feb has 0 hours
        citizen(
            "b", entry="2019-11-01", periods=(span("ordinaer_beskaeftigelse", "2020-03-31"),)
        ),  # Mar
        citizen(
            "c", entry="2019-11-01", periods=(span("uddannelse_su", "2020-01-31", "2020-02-01"),)
        ),  # Jan+Feb
        citizen(
            "d", entry="2019-11-01", periods=(span("loentilskud", "2020-01-01", "2020-03-31"),)
        ),  # never
        citizen("e", entry="2019-11-01", periods=(span("fleksjob", "2020-01-01", None),)),  # never
        citizen(
            "f", group=2, entry="2019-11-01", hours={"2020-01": 10}
        ),  # group 2: in neither number
        citizen("g", group=None, entry="2019-11-01", hours={"2020-01": 10}),  # no group: neither
    ]
    report = run(FSM2, people, "2020-01", "2020-03")
    # denominator: a–e (group 1) = 5 every month.
    # Jan: a (7.5 h) + c (education 31 Jan) = 2; Feb: c (1 Feb) = 1; Mar: b (one day, 31 Mar) = 1.
    assert counts(report, FSM2_ID) == {"2020-01": (2, 5), "2020-02": (1, 5), "2020-03": (1, 5)}
    assert ids(report, FSM2_ID, "2020-01") == ({"a", "c"}, {"a", "b", "c", "d", "e"})
    assert ids(report, FSM2_ID, "2020-03")[0] == {"b"}


def test_fsm2_entries_and_exits_around_month_edges():
    people = [
        citizen("e1", entry="2020-01-31"),  # entered on January's last day: in January
        citizen("e2", entry="2020-02-01"),  # from February
        citizen(
            "x1", entry="2019-11-01", exit="2020-02-01", reason="fraflyttet"
        ),  # moved 1 Feb: in Feb
        citizen("x2", entry="2019-11-01", exit="2020-02-29", reason="doed"),  # died 29 Feb: in Feb
        citizen("x3", entry="2019-11-01", exit="2020-01-31", reason="folkepension"),  # Jan only
        citizen("x4", entry="2019-11-01", exit="2020-01-15", reason="andet"),  # closed case: stays
        citizen(
            "b1", periods=(span("kontanthjaelp_ap", "2020-03-15", None),)
        ),  # no entry date: benefit
        citizen(
            "b2", periods=(span("integrationsydelse_ap", "2019-06-01", None),)
        ),  # before the range
        citizen("n1"),  # neither entry date nor benefit: always in
        citizen(
            "r1", periods=(span("ressourceforloeb", "2020-03-15", None),)
        ),  # not an FSM2 benefit: always in
    ]
    report = run(FSM2, people, "2020-01", "2020-04")
    # Jan: e1 x1 x2 x3 x4 b2 n1 r1 = 8
    # Feb: e1 e2 x1 x2 x4 b2 n1 r1 = 8 (x3 left 31 Jan)
    # Mar: e1 e2 x4 b1 b2 n1 r1 = 7 (x1, x2 left in February)
    # Apr: the same 7
    assert counts(report, FSM2_ID) == {
        "2020-01": (0, 8),
        "2020-02": (0, 8),
        "2020-03": (0, 7),
        "2020-04": (0, 7),
    }
    assert ids(report, FSM2_ID, "2020-01")[1] == {"e1", "x1", "x2", "x3", "x4", "b2", "n1", "r1"}
    assert ids(report, FSM2_ID, "2020-03")[1] == {"e1", "e2", "x4", "b1", "b2", "n1", "r1"}


def test_a_benefit_that_ended_before_the_initiative_brings_no_one_in():
    """Without an entry date, the first target-group benefit that lasts into the initiative's
    start (FSM2: 1 Nov 2019) or begins later is the entry; someone whose benefit ended before
    the start received none of it in the initiative and never enters (seed 000 §1:
    recipients are the target group)."""
    people = [
        citizen(
            "o1",
            periods=(span("kontanthjaelp_ap", "2018-01-01", "2018-06-30"),),
            hours={"2020-01": 5},
        ),
        citizen(
            "o2", periods=(span("kontanthjaelp_ap", "2018-01-01", "2019-10-31"),)
        ),  # the day before
        citizen(
            "o3",
            periods=(
                span("kontanthjaelp_ap", "2018-01-01", "2019-10-31"),
                span("integrationsydelse_ap", "2020-02-10", None),
            ),
        ),  # back on 10 Feb
        citizen(
            "o4", periods=(span("kontanthjaelp_ap", "2019-01-01", "2019-11-01"),)
        ),  # ends on the start day
        citizen(
            "o5",
            entry="2019-11-01",
            periods=(span("kontanthjaelp_ap", "2018-01-01", "2018-06-30"),),
        ),
    ]
    report = run(FSM2, people, "2020-01", "2020-03")
    # o1, o2: never. o3: from 10 Feb. o4: in (its benefit reached 1 Nov 2019). o5: its entry date.
    assert counts(report, FSM2_ID) == {"2020-01": (0, 2), "2020-02": (0, 3), "2020-03": (0, 3)}
    assert ids(report, FSM2_ID, "2020-01")[1] == {"o4", "o5"}
    assert ids(report, FSM2_ID, "2020-02")[1] == {"o3", "o4", "o5"}


def test_the_entries_kept_on_the_rows_follow_the_initiatives_start():
    """The entries are kept once per rule on the rows; the start is part of the rule now."""
    import dataclasses

    from fsm_desktop.domain.measures import NEVER, target_group_entries

    rows = Facts(
        [citizen("o", periods=(span("kontanthjaelp_ap", "2019-01-01", "2019-06-30"),))], {}
    ).rows()
    assert target_group_entries(FSM2, rows) == [NEVER]  # ended before 1 Nov 2019
    earlier = dataclasses.replace(FSM2, start=d("2019-01-01"))
    assert target_group_entries(earlier, rows) == ["2019-01-01"]


def test_fsm2_counts_a_citizen_from_the_day_they_turn_30():
    """FSM2's target group is 30 and over (domain.md: "over 30"; kontanthjælp from 30, the
    younger get uddannelseshjælp): a citizen enters on the later of the entry date and the 30th
    birthday, and a month counts when that day falls in it."""
    people = [
        citizen(
            "o", entry="2019-11-01", born="1985-06-01", hours={"2020-01": 3}
        ),  # 34: from the start
        citizen(
            "t1", entry="2019-11-01", born="1990-01-31", hours={"2020-01": 3}
        ),  # 30 on 31 Jan: in Jan
        citizen(
            "t2", entry="2019-11-01", born="1990-02-01", hours={"2020-01": 3}
        ),  # 30 on 1 Feb: from Feb
        citizen("t3", entry="2020-03-10", born="1990-02-01"),  # 30 first, enters 10 Mar: from Mar
        citizen("y", entry="2019-11-01", born="1995-05-05", hours={"2020-02": 3}),  # 24: never
        citizen("g", entry="2019-11-01", born="1990-03-15", exit="2020-03-01", reason="fraflyttet"),
        citizen("u", entry="2019-11-01"),  # birth date unknown: not held back
    ]
    report = run(FSM2, people, "2020-01", "2020-04")
    # Jan: o t1 u (numerator: o, t1 with hours in Jan; t2's hours fall before his 30th birthday).
    # Feb: o t1 t2 u. Mar: o t1 t2 t3 u (g moved away on 1 Mar, before turning 30 on 15 Mar:
    # never in). Apr: the same 5.
    assert counts(report, FSM2_ID) == {
        "2020-01": (2, 3),
        "2020-02": (0, 4),
        "2020-03": (0, 5),
        "2020-04": (0, 5),
    }
    assert ids(report, FSM2_ID, "2020-01") == ({"o", "t1"}, {"o", "t1", "u"})
    assert ids(report, FSM2_ID, "2020-03")[1] == {"o", "t1", "t2", "t3", "u"}


@given(st.dates(dt.date(1900, 1, 1), dt.date(2050, 12, 31)), st.integers(0, 80))
def test_turning_an_age_on_iso_text_is_reaches(born, years):
    assert turns_iso(born.isoformat(), years) == reaches(born, years).isoformat()


def test_turning_30_from_a_leap_day():
    assert turns_iso("1992-02-29", 30) == "2022-03-01"
    assert turns_iso("1992-02-29", 28) == "2020-02-29"
    assert turns_iso("1990-01-31", 30) == "2020-01-31"


def test_target_group_entries_of_bir_start_at_the_baseline_week():
    """BIR's target group (domain.md): in ressourceforløb in the first week of January 2020
    (ISO week 1: Monday 30 December 2019 – Sunday 5 January), plus everyone entering later."""
    people = [
        citizen(
            "old", periods=(span("ressourceforloeb", "2018-05-01", "2019-12-29"),)
        ),  # ended the Sunday before
        citizen(
            "edge", periods=(span("ressourceforloeb", "2018-05-01", "2019-12-30"),)
        ),  # its Monday: in
        citizen(
            "late",
            periods=(
                span("ressourceforloeb", "2019-01-01", "2019-06-30"),
                span("ressourceforloeb", "2020-06-01", None),
            ),
        ),  # again from June
        citizen(
            "dated",
            entry="2018-05-01",
            periods=(span("ressourceforloeb", "2018-05-01", "2019-06-30"),),
        ),
        # The entry date is not used: the course reaching the week decides (as BIR's measures).
        citizen(
            "again",
            entry="2018-05-01",
            periods=(
                span("ressourceforloeb", "2018-05-01", "2019-06-30"),
                span("ressourceforloeb", "2020-06-01", None),
            ),
        ),
        citizen("none", entry="2020-02-03"),  # no course registered: never
        citizen("free"),
    ]
    rows = Facts(citizens=people).rows()
    assert target_group_entries(BIR, rows) == [
        NEVER,
        "2018-05-01",
        "2020-06-01",
        NEVER,
        "2020-06-01",
        NEVER,
        NEVER,
    ]
    # FSM2's rule for the same facts: the entry date, else the first benefit (none of FSM2's here).
    assert target_group_entries(FSM2, rows) == [
        None,
        None,
        None,
        "2018-05-01",
        "2018-05-01",
        "2020-02-03",
        None,
    ]


def test_fsm2_a_citizen_who_left_before_entering_is_never_counted():
    # No entry date; the benefit (the entry) starts 2 March, but the citizen moved away on
    # 1 March: never in the target group on any day, so in no month's denominator.
    gone = citizen(
        "g",
        exit="2020-03-01",
        reason="fraflyttet",
        periods=(span("kontanthjaelp_ap", "2020-03-02", None),),
    )
    same_day = citizen(
        "s",
        exit="2020-03-02",
        reason="fraflyttet",
        periods=(span("kontanthjaelp_ap", "2020-03-02", None),),
    )
    report = run(FSM2, [gone, same_day], "2020-02", "2020-04")
    # s entered and left on 2 March: in March only.
    assert counts(report, FSM2_ID) == {"2020-02": (0, 0), "2020-03": (0, 1), "2020-04": (0, 0)}


def test_fsm2_an_exemption_touching_a_month_by_one_day_removes_the_citizen_from_it():
    people = [
        # fritagelse 15 Jan – 1 Feb: out of Jan and Feb (one day); back in Mar and Apr.
        citizen(
            "f1",
            entry="2019-11-01",
            periods=(span("fritagelse", "2020-01-15", "2020-02-01"),),
            hours={"2020-02": 20, "2020-03": 20},
        ),
        citizen(
            "f2", entry="2019-11-01", periods=(span("fritagelse", "2020-03-31"),)
        ),  # out of March only
        citizen(
            "f3", entry="2019-11-01", periods=(span("fravaer", "2020-01-01", "2020-04-30"),)
        ),  # fravær: not an exemption
    ]
    report = run(FSM2, people, "2020-01", "2020-04")
    # Jan: f2 f3 = 2; Feb: f2 f3 = 2 (f1's paid hours do not count: not in the denominator);
    # Mar: f1 f3 = 2, numerator f1 (paid hours) = 1; Apr: f1 f2 f3 = 3.
    assert counts(report, FSM2_ID) == {
        "2020-01": (0, 2),
        "2020-02": (0, 2),
        "2020-03": (1, 2),
        "2020-04": (0, 3),
    }


def test_fsm2_met_exactly_at_the_threshold_and_the_payout_forecast():
    # 20 citizens in group 1. January: 3 with paid hours = 3/20 = 15 % exactly → meets 15 %
    # (exact fractions), not 20 %. February: 2/20 = 10 %. March: 0.
    people = [
        citizen(
            f"c{i:02d}",
            entry="2019-11-01",
            hours={"2020-01": 5.0} if i < 3 else ({"2020-02": 5.0} if i < 5 else {}),
        )
        for i in range(20)
    ]
    report = run(FSM2, people, "2020-01", "2020-03", grant=2_000_000)
    assert counts(report, FSM2_ID) == {"2020-01": (3, 20), "2020-02": (2, 20), "2020-03": (0, 20)}
    january = result_for(report, FSM2_ID, "2020-01")
    assert [(t.threshold.value, t.met) for t in january.thresholds] == [(0.15, True), (0.20, False)]
    assert (january.share, january.threshold, january.met) == (
        0.15,
        0.15,
        True,
    )  # primary: the lowest
    assert result_for(report, FSM2_ID, "2020-02").met is False

    first, second = report.payouts
    # 15 % → 40 % of 2,000,000 = 800,000; met in January (the first month that met it).
    assert (first.threshold.value, first.met, label(first.best), first.needed, first.amount) == (
        0.15,
        True,
        "2020-01",
        0,
        800_000,
    )
    # 20 % → 10 % = 200,000; not met. Needed per month: ⌈0.20 × 20⌉ = 4, minus numerator:
    # Jan 4 − 3 = 1, Feb 4 − 2 = 2, Mar 4 − 0 = 4 → best January, 1 more citizen.
    assert (
        second.threshold.value,
        second.met,
        label(second.best),
        second.needed,
        second.amount,
    ) == (0.20, False, "2020-01", 1, 200_000)


def test_fsm2_forecast_needed_is_exact_and_skips_empty_months():
    # November and December 2019 have no citizens (all enter 1 Jan 2020): share "–", and a
    # month without citizens can never be met, so it is not the "best" month.
    # January: 2 of 20. 15 %: ⌈0.15 × 20⌉ = ⌈3⌉ = 3 (exactly; in floats 0.15 × 20 is
    # 3.0000000000000004, whose ceiling would wrongly be 4) → needs 3 − 2 = 1.
    people = [
        citizen(f"c{i:02d}", entry="2020-01-01", hours={"2020-01": 1.0} if i < 2 else {})
        for i in range(20)
    ]
    report = run(FSM2, people, "2019-11", "2020-01")
    assert counts(report, FSM2_ID) == {"2019-11": (0, 0), "2019-12": (0, 0), "2020-01": (2, 20)}
    assert result_for(report, FSM2_ID, "2019-11").share is None
    assert result_for(report, FSM2_ID, "2019-11").met is False
    fifteen, twenty = report.payouts
    assert (label(fifteen.best), fifteen.needed, fifteen.met, fifteen.amount) == (
        "2020-01",
        1,
        False,
        None,
    )
    # 20 %: ⌈4⌉ − 2 = 2.
    assert (label(twenty.best), twenty.needed) == ("2020-01", 2)


# --- FSM Frontrunner ------------------------------------------------------------------------------


def broker(start: str, end: str | None = "same") -> Span:
    return span("jobformidler", start, end, "jf")


def test_frontrunner_job_broker_over_the_window_2019():
    """Seed 000: "85 pct. af indsatsgruppen har fået tildelt en jobformidler i løbet af
    projektperioden", 1 December 2018 – 31 December 2019; the indsatsgruppe is gruppe 1 of the
    citizen-directed year 2019 (issue 18)."""
    people = [
        citizen(
            "j1", entry="2018-06-01", assignments=(broker("2018-10-01", "2018-12-31"),)
        ),  # ended before 2019
        citizen(
            "j1b", entry="2018-06-01", assignments=(broker("2018-10-01", "2018-11-30"),)
        ),  # ended 30 Nov 2018
        citizen(
            "j1c", entry="2018-06-01", assignments=(broker("2018-12-01", "2018-12-01"),)
        ),  # 1 Dec 2018 only
        citizen(
            "j2", entry="2018-06-01", assignments=(broker("2019-12-31", None),)
        ),  # from the last day
        citizen("j3", entry="2019-12-31"),  # entered on the window's last day, no broker
        citizen(
            "j4", entry="2020-01-01", assignments=(broker("2019-12-01", None),)
        ),  # entered after the window
        citizen(
            "j5",
            entry="2018-06-01",
            exit="2018-12-31",
            reason="fraflyttet",
            assignments=(broker("2018-12-01", None),),
        ),
        citizen(
            "j6",
            entry="2018-06-01",
            exit="2019-01-01",
            reason="doed",
            assignments=(broker("2019-01-01"),),
        ),
        citizen(
            "j7", group=2, entry="2018-06-01", assignments=(broker("2019-03-01", None),)
        ),  # group 2
        citizen(
            "j8", entry="2018-06-01", assignments=(span("sagsbehandler", "2019-03-01", None, "sb"),)
        ),  # caseworker only
    ]
    report = run(FRONTRUNNER, people)
    # One measurement, 2019-01..2019-12. Denominator: the 2019 target group's gruppe 1: j1 j1b
    # j1c j2 j3 j6 j8 = 7 (j4 entered 2020, j5 left 31 Dec 2018, j7 is group 2; j6 died on the
    # window's first day: still in). Numerator: a broker on any day of the project period
    # 1 Dec 2018 – 31 Dec 2019: j1 (Oct–Dec 2018), j1c (1 Dec 2018), j2 (from 31 Dec 2019), j6
    # (1 Jan 2019) = 4; not j1b (ended 30 Nov 2018), not j5 (not in the 2019 target group).
    assert counts(report, JOB_BROKER) == {"2019-01..2019-12": (4, 7)}
    assert ids(report, JOB_BROKER, "2019-01..2019-12") == (
        {"j1", "j1c", "j2", "j6"},
        {"j1", "j1b", "j1c", "j2", "j3", "j6", "j8"},
    )
    # 4/7 = 57 % < 85 %: needs ⌈0.85 × 7⌉ = ⌈5.95⌉ = 6, minus 4 = 2.
    payout = next(p for p in report.payouts if p.measure == JOB_BROKER)
    assert (payout.met, payout.needed) == (False, 2)
    reasons = {
        m.citizen_id: m.reason for m in next(iter(report.for_measure(JOB_BROKER))).members()[0]
    }
    assert (
        reasons["j1"] == "jobformidler fra 01-10-2018"
        and reasons["j1c"] == "jobformidler fra 01-12-2018"
    )


def test_frontrunner_job_broker_window_within_a_shorter_range():
    people = [
        citizen(
            "a", entry="2019-01-01", assignments=(broker("2019-01-01", "2019-05-31"),)
        ),  # before June
        citizen(
            "b", entry="2019-01-01", assignments=(broker("2019-08-31", None),)
        ),  # on the last day
        citizen("c", entry="2019-09-01"),  # enters after the range
    ]
    # Range June–August 2019: the one measurement is 1 Jun – 31 Aug 2019 (window ∩ range); a
    # broker counts from the project's start (1 Dec 2018) to the range's end: a and b.
    report = run(FRONTRUNNER, people, "2019-06", "2019-08")
    assert counts(report, JOB_BROKER) == {"2019-06..2019-08": (2, 2)}
    # The company-directed measure only exists in Q4 2019: no months in June–August.
    assert counts(report, COMPANY) == {}
    # A range after the window: no job-broker measurement at all.
    assert counts(run(FRONTRUNNER, people, "2020-01", "2020-03"), JOB_BROKER) == {}


def test_frontrunner_company_directed_in_q4_2019_only_with_its_window_edges():
    people = [
        citizen(
            "p1",
            entry="2019-01-01",
            periods=(span("virksomhedspraktik", "2019-07-01", "2019-09-30"),),
        ),  # ends 30 Sep
        citizen(
            "p2",
            entry="2019-01-01",
            periods=(span("virksomhedspraktik", "2019-12-31", "2020-01-31"),),
        ),  # Dec
        citizen(
            "p3", entry="2019-01-01", periods=(span("loentilskud", "2019-10-15", "2019-11-01"),)
        ),  # Oct, Nov
        citizen("p4", entry="2019-01-01", periods=(span("fleksjob", "2019-11-30"),)),  # Nov
        citizen("p5", entry="2019-01-01", hours={"2019-10": 0, "2019-12": 3}),  # Dec (Oct: 0 hours)
        citizen(
            "p6", entry="2019-01-01", periods=(span("mentor", "2019-10-01", "2019-12-31"),)
        ),  # mentor: no
    ]
    report = run(FRONTRUNNER, people, grant=1_000_000)
    # Only October–December 2019 although the range is Dec 2018 – Dec 2019. Denominator 6.
    # Oct: p3 = 1; Nov: p3, p4 = 2; Dec: p2, p5 = 2.
    assert counts(report, COMPANY) == {"2019-10": (1, 6), "2019-11": (2, 6), "2019-12": (2, 6)}
    payout = next(p for p in report.payouts if p.measure == COMPANY)
    # 40 %: ⌈0.4 × 6⌉ = ⌈2.4⌉ = 3; Nov and Dec need 1 each (tie: the earliest, November).
    # 40 % of the grant = 400,000.
    assert (payout.met, label(payout.best), payout.needed, payout.amount) == (
        False,
        "2019-11",
        1,
        400_000,
    )


def test_frontrunner_payouts_met_in_any_month_and_in_the_last_period():
    people = [
        citizen(
            f"c{i}", entry="2019-01-01", assignments=(broker("2019-05-01", None),) if i < 6 else ()
        )
        for i in range(7)
    ]
    # job broker: c0–c5 = 6 of 7 = 85.7 % ≥ 85 % → met; 30 % of 500,000 = 150,000.
    # company-directed: c0, c1 in a job in November, c2 in praktik in October.
    for i in (0, 1):
        people[i].periods.append(span("ordinaer_beskaeftigelse", "2019-11-10", "2019-11-20"))
    people[2].periods.append(span("virksomhedspraktik", "2019-10-01", "2019-10-31"))
    report = run(FRONTRUNNER, people, grant=500_000)
    # company-directed: denominator 7; Oct: c2 = 1 (14 %); Nov: c0 c1 = 2 (28.6 %)
    assert counts(report, COMPANY) == {"2019-10": (1, 7), "2019-11": (2, 7), "2019-12": (0, 7)}
    broker_payout, company_payout = report.payouts
    assert (
        broker_payout.met,
        label(broker_payout.best),
        broker_payout.needed,
        broker_payout.amount,
    ) == (True, "2019-01..2019-12", 0, 150_000)
    # ⌈0.4 × 7⌉ = ⌈2.8⌉ = 3: November needs 1 more, October 2, December 3.
    assert (
        company_payout.met,
        label(company_payout.best),
        company_payout.needed,
        company_payout.amount,
    ) == (False, "2019-11", 1, 200_000)
    people[3].periods.append(span("uddannelse_su", "2019-11-30", "2020-06-30"))
    report = run(FRONTRUNNER, people, grant=500_000)
    # Now November 3 of 7 = 42.9 % ≥ 40 % → met; December c3 = 1.
    assert counts(report, COMPANY)["2019-11"] == (3, 7)
    assert (report.payouts[1].met, label(report.payouts[1].best), report.payouts[1].needed) == (
        True,
        "2019-11",
        0,
    )


# --- BIR ------------------------------------------------------------------------------------------


def rf(start: str, end: str | None = None) -> Span:
    return span("ressourceforloeb", start, end)


def test_bir_seed_002_section_10_one_day_of_fleksjob_in_march_2020():
    # "hvis en borger fx kun har været fleksjob én dag i marts 2020, vil borgeren tælle positivt
    # med i ... Januar-marts 2020, Februar-april 2020, Marts-maj 2020" — and in no other quarter.
    person = citizen("r", group=None, periods=(rf("2019-06-01"), span("fleksjob", "2020-03-15")))
    report = run(BIR, [person], "2019-12", "2020-06")
    expected = {
        "2019-12..2020-02": (0, 1),
        "2020-01..2020-03": (1, 1),
        "2020-02..2020-04": (1, 1),
        "2020-03..2020-05": (1, 1),
        "2020-04..2020-06": (0, 1),
    }
    assert counts(report, BIR1) == expected
    assert counts(report, BIR2) == expected  # fleksjob counts for both measures
    (member,), _ = result_for(report, BIR1, "2020-01..2020-03").members()
    assert "fleksjob" in member.reason


def test_bir_denominator_baseline_week_and_the_week_before_each_quarter():
    people = [
        citizen(
            "b1", group=None, periods=(rf("2019-06-01", "2019-12-30"),)
        ),  # ends Mon of the baseline week
        citizen(
            "b2", group=None, periods=(rf("2019-06-01", "2019-12-29"),)
        ),  # ends the Sunday before: never
        citizen(
            "b3", group=None, periods=(rf("2020-01-05", "2020-01-05"),)
        ),  # Sunday of the baseline week
        citizen("b4", group=None, periods=(rf("2020-01-06"),)),  # Monday after the baseline week
        citizen("b5", group=None, periods=(rf("2020-03-29"),)),  # Sunday of March's last ISO week
        citizen(
            "b6", group=None, periods=(rf("2020-03-30"),)
        ),  # Monday after it (April's first week)
    ]
    report = run(BIR, people, "2019-12", "2020-07")
    # Baseline week 30 Dec 2019 – 5 Jan 2020. A citizen is in quarter Q when in ressourceforløb
    # some day from 30 Dec 2019 to max(end of the last ISO week of the month before Q, 5 Jan):
    #   Dec–Feb: last week of Nov 2019 ends 1 Dec → until 5 Jan: b1 b3            = 2
    #   Jan–Mar: last week of Dec 2019 ends 29 Dec → until 5 Jan: b1 b3           = 2
    #   Feb–Apr: last week of Jan 2020 (27 Jan – 2 Feb) → until 2 Feb: + b4       = 3
    #   Mar–May: last week of Feb 2020 (24 Feb – 1 Mar) → until 1 Mar             = 3
    #   Apr–Jun: last week of Mar 2020 (23–29 Mar) → until 29 Mar: + b5           = 4
    #   May–Jul: last week of Apr 2020 (27 Apr – 3 May) → until 3 May: + b6       = 5
    assert counts(report, BIR1) == {
        "2019-12..2020-02": (0, 2),
        "2020-01..2020-03": (0, 2),
        "2020-02..2020-04": (0, 3),
        "2020-03..2020-05": (0, 3),
        "2020-04..2020-06": (0, 4),
        "2020-05..2020-07": (0, 5),
    }
    assert ids(report, BIR1, "2020-04..2020-06")[1] == {"b1", "b3", "b4", "b5"}
    _, denominator = result_for(report, BIR1, "2020-01..2020-03").members()
    assert all("første uge af januar 2020" in x.reason for x in denominator)


def test_bir_leaving_by_the_end_of_the_quarters_last_iso_week():
    people = [
        citizen(
            "x1", group=None, exit="2020-06-28", reason="fraflyttet", periods=(rf("2019-01-01"),)
        ),  # Sun, last week of June
        citizen(
            "x2", group=None, exit="2020-06-29", reason="fraflyttet", periods=(rf("2019-01-01"),)
        ),  # the Monday after
        citizen(
            "x3", group=None, exit="2020-06-22", reason="doed", periods=(rf("2019-01-01"),)
        ),  # Mon, last week of June
        citizen(
            "x4", group=None, exit="2020-02-01", reason="andet", periods=(rf("2019-01-01"),)
        ),  # closed case: stays
        citizen(
            "x5", group=None, exit="2020-03-30", reason="folkepension", periods=(rf("2019-01-01"),)
        ),  # after 23–29 Mar
    ]
    report = run(BIR, people, "2020-01", "2020-07")
    # Last ISO weeks: March 23–29, April 27 Apr – 3 May, May 25–31, June 22–28, July 27 Jul – 2 Aug.
    #   Jan–Mar (until 29 Mar): nobody left → 5
    #   Feb–Apr (until 3 May): x5 left 30 Mar → 4
    #   Mar–May (until 31 May): 4
    #   Apr–Jun (until 28 Jun): x1 (28 Jun), x3 (22 Jun) left; x2 (29 Jun) still in → x2 x4 = 2
    #   May–Jul (until 2 Aug): x2 left too → x4 = 1
    assert counts(report, BIR1) == {
        "2020-01..2020-03": (0, 5),
        "2020-02..2020-04": (0, 4),
        "2020-03..2020-05": (0, 4),
        "2020-04..2020-06": (0, 2),
        "2020-05..2020-07": (0, 1),
    }
    assert ids(report, BIR1, "2020-04..2020-06")[1] == {"x2", "x4"}


def test_bir_measures_and_revalidering():
    base = rf("2019-01-01")
    people = [
        citizen(
            "v1", group=None, periods=(base, span("virksomhedspraktik", "2020-02-10", "2020-02-20"))
        ),
        citizen("v2", group=None, periods=(base, span("loentilskud", "2020-05-01", None))),
        # ordinary job all half-year, but one day of revalidering on 31 March 2020
        citizen(
            "r1",
            group=None,
            periods=(
                base,
                span("ordinaer_beskaeftigelse", "2020-01-01", "2020-06-30"),
                span("revalidering", "2020-03-31"),
            ),
        ),
        citizen("h0", group=None, periods=(base,), hours={"2020-02": 0, "2020-05": 4}),
        citizen("ed", group=None, periods=(base, span("uddannelse_su", "2020-01-01"))),
    ]
    report = run(BIR, people, "2020-01", "2020-06")
    # Denominator 5 in every quarter (r1's revalidering keeps them in it).
    # Measure 1: Jan–Mar v1 ed = 2; Feb–Apr v1 = 1; Mar–May v2 h0 (May hours) = 2;
    #            Apr–Jun v2 r1 h0 = 3 (r1 only here: revalidering touches the other three).
    assert counts(report, BIR1) == {
        "2020-01..2020-03": (2, 5),
        "2020-02..2020-04": (1, 5),
        "2020-03..2020-05": (2, 5),
        "2020-04..2020-06": (3, 5),
    }
    # Measure 2 (no praktik, no løntilskud): Jan–Mar ed = 1; Feb–Apr 0; Mar–May h0 = 1;
    #            Apr–Jun r1 h0 = 2.
    assert counts(report, BIR2) == {
        "2020-01..2020-03": (1, 5),
        "2020-02..2020-04": (0, 5),
        "2020-03..2020-05": (1, 5),
        "2020-04..2020-06": (2, 5),
    }
    assert ids(report, BIR1, "2020-04..2020-06") == (
        {"v2", "r1", "h0"},
        {"v1", "v2", "r1", "h0", "ed"},
    )
    assert "r1" in ids(report, BIR1, "2020-01..2020-03")[1]  # in the denominator, not the numerator


def _bir_people(months: str) -> list:
    """20 citizens in ressourceforløb; in the quarter starting with ``months`` ("2021-01"):
    6 in praktik in its second month (measure 1: 30 % < 35 %), 3 of those in a job in its third
    month too (measure 2: 15 % ≥ 15 %)."""
    first = m(months)
    people = [citizen(f"c{i:02d}", group=None, periods=[rf("2019-01-01")]) for i in range(20)]
    for i in range(6):
        people[i].periods.append(
            span("virksomhedspraktik", str((first + 1).first), str((first + 1).last))
        )
    for i in range(3):
        people[i].periods.append(
            span("ordinaer_beskaeftigelse", str((first + 2).first), str((first + 2).last))
        )
    return people


def test_bir_payout_forecast():
    report = run(BIR, _bir_people("2021-01"), "2021-01", "2021-03", grant=800_000)
    assert counts(report, BIR1) == {"2021-01..2021-03": (6, 20)}
    assert counts(report, BIR2) == {"2021-01..2021-03": (3, 20)}
    one, two = report.payouts
    # Measure 1: ⌈0.35 × 20⌉ = 7, 7 − 6 = 1 more; 12.5 % of 800,000 = 100,000.
    assert (one.measure, one.met, one.needed, one.amount) == (BIR1, False, 1, 100_000)
    assert one.best.label == "2021-01 – 2021-03"
    # Measure 2: 3/20 = 15 % exactly → met.
    assert (two.measure, two.met, two.needed, two.amount) == (BIR2, True, 0, 100_000)


def test_bir_payout_counts_only_quarters_in_2021():
    # Seeds 001 and 002 §5: "… i et kvartal i 2021". The same 15 % in Jan–Mar 2020 is shown
    # as met for that quarter, but releases no payout; nor does Nov 2020 – Jan 2021, which
    # reaches into 2021 but is not a quarter in 2021.
    for start, last in (("2020-01", "2020-03"), ("2020-11", "2021-01")):
        report = run(BIR, _bir_people(start), start, last, grant=800_000)
        (result,) = report.for_measure(BIR2)
        assert (result.numerator, result.denominator, result.met) == (3, 20, True)
        _one, two = report.payouts
        assert (two.measure, two.met, two.best, two.needed) == (BIR2, False, None, 0), start
    # Over the whole project period the 2021 quarter pays.
    report = run(BIR, _bir_people("2021-10"), None, None, grant=800_000)
    two = report.payouts[1]
    assert (two.met, two.best.label) == (True, "2021-10 – 2021-12")


# --- HIR ------------------------------------------------------------------------------------------


def test_hir_passive_share_seniority_of_one_year():
    people = [
        citizen(
            "s1", group=None, periods=(rf("2018-03-31"),)
        ),  # exactly one year before 31 Mar 2019
        citizen("s2", group=None, periods=(rf("2018-04-01"),)),  # one day later: not yet
        citizen("s3", group=None, periods=(rf("2017-01-01", "2019-03-30"),)),  # does not cover D
        citizen(
            "s4", group=None, periods=(rf("2017-01-01", "2019-03-31"),)
        ),  # ends on D: covers it
        citizen(
            "s5", group=None, exit="2019-03-31", reason="fraflyttet", periods=(rf("2017-01-01"),)
        ),  # left by D
        citizen(
            "s6", group=None, exit="2019-04-01", reason="fraflyttet", periods=(rf("2017-01-01"),)
        ),  # left after D
        citizen(
            "s7", group=None, exit="2019-01-01", reason="andet", periods=(rf("2017-01-01"),)
        ),  # "andet": stays
    ]
    report = run(HIR, people, "2019-03", "2019-03")
    # D = 31 Mar 2019; a year earlier 31 Mar 2018. Denominator s1 s4 s6 s7 = 4; nobody active → 4 passive.
    assert counts(report, PASSIVE) == {"2019-03": (4, 4)}
    assert ids(report, PASSIVE, "2019-03")[1] == {"s1", "s4", "s6", "s7"}
    result = result_for(report, PASSIVE, "2019-03")
    # A local goal: no threshold, so neither met nor a payout; lower is better.
    assert (result.threshold, result.met, result.spec.direction) == (None, None, "at_most")
    assert report.payouts == []


def test_hir_seniority_at_the_end_of_february():
    people = [
        citizen("l1", group=None, periods=(rf("2019-02-28"),)),
        citizen("l2", group=None, periods=(rf("2019-03-01"),)),
        citizen("l3", group=None, periods=(rf("2020-02-28"),)),
        citizen("l4", group=None, periods=(rf("2020-02-29"),)),
        citizen("l5", group=None, periods=(rf("2020-03-01"),)),
    ]
    report = run(HIR, people, "2020-02", "2021-02")
    # D = 29 Feb 2020 → one year earlier 28 Feb 2019: l1 yes, l2 (1 Mar 2019) no.
    assert ids(report, PASSIVE, "2020-02")[1] == {"l1"}
    # D = 28 Feb 2021: l1, l2, l3 yes; l4 (29 Feb 2020) has its first anniversary on 28 Feb
    # 2021 (docs/measures.md: seniority in whole months, the end of the same month a year
    # earlier); l5 (1 Mar 2020) not yet.
    assert ids(report, PASSIVE, "2021-02")[1] == {"l1", "l2", "l3", "l4"}


def test_hir_passive_means_no_active_offer_and_no_mentor_in_twelve_months():
    base = rf("2017-01-01")
    people = [
        citizen(
            "a1", group=None, periods=(base, span("virksomhedspraktik", "2018-01-01", "2018-03-31"))
        ),  # ends the day before
        citizen(
            "a2", group=None, periods=(base, span("virksomhedspraktik", "2018-01-01", "2018-04-01"))
        ),  # touches 1 Apr 2018
        citizen(
            "a3", group=None, periods=(base, span("mentor", "2019-03-31"))
        ),  # mentor alone = active
        citizen(
            "a4",
            group=None,
            periods=(base, span("andet_aktivt_tilbud", "2018-10-01", "2018-10-31")),
        ),
        citizen(
            "a5", group=None, periods=(base, span("loentilskud", "2019-04-01", None))
        ),  # after D
        citizen(
            "a6",
            group=None,
            periods=(base, span("ordinaer_beskaeftigelse", "2018-06-01", None)),
            hours={"2018-06": 30},
        ),
        citizen("a7", group=None, periods=(base,)),
    ]
    report = run(HIR, people, "2019-03", "2019-03")
    # D = 31 Mar 2019; the 12 months: 1 Apr 2018 – 31 Mar 2019. Denominator 7.
    # Active: a2 (praktik on 1 Apr 2018), a3 (mentor), a4 (andet aktivt tilbud).
    # Passive: a1, a5, a6 (a job and paid hours are not offers), a7 = 4 → 4/7.
    assert counts(report, PASSIVE) == {"2019-03": (4, 7)}
    assert ids(report, PASSIVE, "2019-03")[0] == {"a1", "a5", "a6", "a7"}
    # One month earlier (D = 28 Feb 2019, from 1 Mar 2018): a1's praktik counts as active.
    report = run(HIR, people, "2019-02", "2019-02")
    # Feb: a3's mentor (31 Mar 2019) is later; active a1 a2 a4 → passive a3 a5 a6 a7 = 4/7.
    assert ids(report, PASSIVE, "2019-02")[0] == {"a3", "a5", "a6", "a7"}


CASEWORKERS = {
    "half": StaffFacts("half", "HA", StaffRole.CASEWORKER, 18.5),
    "full": StaffFacts("full", "FU", StaffRole.CASEWORKER, 37.0),
    "bf": StaffFacts("bf", "BF", StaffRole.PSEUDO, 0.0),  # "Barsel/fængsel"
    "pn": StaffFacts(
        "pn", "PN", StaffRole.PSEUDO, 37.0
    ),  # a pseudo-caseworker given hours by mistake
    "zero": StaffFacts("zero", "ZE", StaffRole.CASEWORKER, 0.0),
    "jf": StaffFacts("jf", "JF", StaffRole.JOB_BROKER, 37.0),
}


def case(
    staff: str, start: str = "2019-01-01", end: str | None = None, kind: str = "sagsbehandler"
) -> Span:
    return span(kind, start, end, staff)


def in_rf(cid: str, **kwargs) -> CitizenFacts:
    """A HIR citizen in ressourceforløb all along (the caseworker's registration lasts while the
    citizen is in it: seed 003, registration §3)."""
    periods = (span("ressourceforloeb", "2018-01-01", None), *kwargs.pop("periods", ()))
    return citizen(cid, periods=periods, **kwargs)


def test_hir_caseload_part_time_caseworker():
    # 3 citizens on an 18.5-hour caseworker: 18.5 / 37 = 0.5 full-time → 3 / 0.5 = 6.
    people = [in_rf(f"h{i}", group=None, assignments=(case("half"),)) for i in range(3)]
    report = run(HIR, people, "2019-03", "2019-03", staff=CASEWORKERS)
    result = result_for(report, CASELOAD, "2019-03")
    assert (result.numerator, result.denominator, result.share) == (3, 0.5, 6.0)
    assert result.met is True  # 6 ≤ 35


def test_hir_caseload_who_counts():
    people = [
        in_rf("h1", group=None, assignments=(case("half"),)),
        in_rf("h2", group=None, assignments=(case("half"),)),
        in_rf(
            "f1", group=None, assignments=(case("full", "2019-03-31", "2019-03-31"),)
        ),  # covers D only
        in_rf(
            "f2", group=None, assignments=(case("full", "2019-01-01", "2019-03-30"),)
        ),  # ended before D
        in_rf("f3", group=None, assignments=(case("full", "2019-04-01"),)),  # starts after D
        in_rf(
            "f4", group=None, exit="2019-03-31", reason="fraflyttet", assignments=(case("full"),)
        ),  # left by D
        in_rf(
            "f5", group=None, exit="2019-02-01", reason="andet", assignments=(case("full"),)
        ),  # "andet": counts
        in_rf("p1", group=None, assignments=(case("bf"),)),  # pseudo-caseworker
        in_rf("p2", group=None, assignments=(case("pn"),)),  # role pseudo, whatever the hours
        in_rf("z1", group=None, assignments=(case("zero"),)),  # a caseworker with 0 hours
        in_rf(
            "j1", group=None, assignments=(case("jf"), case("full", kind="jobformidler"))
        ),  # job brokers
        in_rf(
            "d1", group=None, assignments=(case("half"), case("full"))
        ),  # two caseworkers: counts once
    ]
    report = run(HIR, people, "2019-03", "2019-03", staff=CASEWORKERS)
    # D = 31 Mar 2019. Citizens: h1 h2 f1 f5 d1 = 5. Caseworkers with at least one of them:
    # half (18.5 h) and full (37 h) → (18.5 + 37) / 37 = 1.5 full-time → 5 / 1.5 = 3.33.
    result = result_for(report, CASELOAD, "2019-03")
    assert (result.numerator, result.denominator) == (5, 1.5)
    assert result.share == pytest.approx(10 / 3)
    numerator, _ = result.members()
    assert {x.citizen_id for x in numerator} == {"h1", "h2", "f1", "f5", "d1"}
    assert all("sagsbehandler" in x.reason for x in numerator)


def test_hir_caseload_counts_both_caseworkers_on_a_change_day():
    # A change of caseworker on 31 March: the old row ends on D, the new one starts on D. The
    # citizen counts once; both caseworkers have the citizen on D, so both count:
    # (37 + 18.5) / 37 = 1.5 → 1 / 1.5.
    person = in_rf(
        "c",
        group=None,
        assignments=(case("full", "2019-01-01", "2019-03-31"), case("half", "2019-03-31")),
    )
    report = run(HIR, [person], "2019-03", "2019-04", staff=CASEWORKERS)
    assert counts(report, CASELOAD) == {"2019-03": (1, 1.5), "2019-04": (1, 0.5)}


@pytest.mark.parametrize(
    ("citizens", "share", "met", "met_30"),
    [(35, 35.0, True, False), (36, 36.0, False, False), (30, 30.0, True, True)],
)
def test_hir_caseload_met_exactly_at_35(citizens, share, met, met_30):
    # One full-time caseworker: share = citizens / 1. At most 35 (the lenient limit decides).
    people = [in_rf(f"c{i:02d}", group=None, assignments=(case("full"),)) for i in range(citizens)]
    result = result_for(
        run(HIR, people, "2019-03", "2019-03", staff=CASEWORKERS), CASELOAD, "2019-03"
    )
    assert (result.share, result.threshold, result.met) == (share, 35, met)
    assert [(t.threshold.value, t.met) for t in result.thresholds] == [(30, met_30), (35, met)]


def test_hir_caseload_without_caseworkers_has_no_data():
    # No caseworker assignment in the project at all: no data, neither met nor missed (a
    # missing registration is not a "nej"; docs/measures.md).
    result = result_for(run(HIR, [], "2019-03", "2019-03", staff=CASEWORKERS), CASELOAD, "2019-03")
    assert (result.numerator, result.denominator, result.share, result.met) == (0, 0, None, None)
    assert result.no_data


def test_hir_caseload_counts_a_citizen_only_while_in_ressourceforloeb():
    """Seed 003 (registration §3): the registration with a caseworker ends "hver gang borgeren
    afsluttes hos en sagsbehandler, skifter ydelse eller flytter kommune" — whatever the exit
    reason, the citizen leaves the caseworker's registered caseload the day the ressourceforløb
    ends. Counted on the month's last day."""
    rf = lambda start, end=None: (span("ressourceforloeb", start, end),)  # noqa: E731
    people = [
        citizen(
            "last_day",
            group=None,
            periods=rf("2018-06-01", "2019-03-31"),
            assignments=(case("full"),),
        ),
        citizen(
            "day_before",
            group=None,
            periods=rf("2018-06-01", "2019-03-30"),
            assignments=(case("full"),),
        ),
        citizen("from_april", group=None, periods=rf("2019-04-01"), assignments=(case("full"),)),
        citizen(
            "changed_1st",
            group=None,
            periods=(*rf("2018-06-01", "2019-02-28"), span("kontanthjaelp_ap", "2019-03-01")),
            assignments=(case("full"),),
        ),
        citizen("never", group=None, assignments=(case("full"),)),
    ]
    report = run(HIR, people, "2019-02", "2019-04", staff=CASEWORKERS)
    # February (D = 28 Feb): last_day, day_before, changed_1st. March (31 Mar): last_day only.
    # April: from_april only. One full-time caseworker each month.
    assert counts(report, CASELOAD) == {
        "2019-02": (3, 1.0),
        "2019-03": (1, 1.0),
        "2019-04": (1, 1.0),
    }
    assert ids(report, CASELOAD, "2019-03")[0] == {"last_day"}


# --- a user's copy of a template (other thresholds, windows, aggregation) -------------------------


def user_copy(template, **measure_changes):
    """The template with the first measure changed, as a user's copy in the project would be."""
    data = copy.deepcopy(template.raw)
    data["key"] = template.key + "_kopi"
    data["measures"][0].update(measure_changes)
    return parse_template(data)


def test_needed_citizens_are_counted_exactly_for_any_threshold():
    # A local 7 % goal with a payout: 6 of 100 citizens in January. ⌈0.07 × 100⌉ = 7 exactly, so
    # 1 more citizen is needed (in floats 0.07 × 100 = 7.000000000000001 would give 8 − 6 = 2).
    template = user_copy(FSM2, thresholds=[{"value": 0.07, "payout_share": 0.5, "label": "7 %"}])
    people = [
        citizen(f"c{i:03d}", entry="2019-11-01", hours={"2020-01": 2.0} if i < 6 else {})
        for i in range(100)
    ]
    report = run(template, people, "2020-01", "2020-01")
    (payout,) = report.payouts
    assert (payout.met, payout.needed) == (False, 1)
    people[6].paid_hours["2020-01"] = 1.0
    report = run(template, people, "2020-01", "2020-01")
    # 7/100 = 7 % exactly: met.
    assert (report.results[0].met, report.payouts[0].met, report.payouts[0].needed) == (
        True,
        True,
        0,
    )


def test_aggregate_last_looks_only_at_the_last_period():
    # FSM2 copied with aggregate "last": January 3/10 meets 15 %, March 1/10 does not. Only
    # March decides: not met; March needs ⌈0.15 × 10⌉ − 1 = 2 − 1 = 1 more.
    template = user_copy(FSM2, aggregate="last")
    people = [
        citizen(f"c{i}", entry="2019-11-01", hours={"2020-01": 1.0} if i < 3 else {})
        for i in range(10)
    ]
    people[0].paid_hours["2020-03"] = 1.0
    report = run(template, people, "2020-01", "2020-03")
    assert counts(report, FSM2_ID) == {"2020-01": (3, 10), "2020-02": (0, 10), "2020-03": (1, 10)}
    fifteen = report.payouts[0]
    assert (fifteen.met, label(fifteen.best), fifteen.needed) == (False, "2020-03", 1)
    # The builtin (aggregate "any") is met in January.
    assert run(FSM2, people, "2020-01", "2020-03").payouts[0].met is True


def test_a_period_measure_counts_at_day_precision_within_a_mid_month_window():
    # Frontrunner's job-broker measure copied with the window 15 Jan – 15 Dec 2019, counting a
    # broker inside the window only (no earlier qualifying_from).
    template = user_copy(
        FRONTRUNNER, window={"start": "2019-01-15", "end": "2019-12-15"}, qualifying_from=None
    )
    people = [
        citizen(
            "early", entry="2018-06-01", assignments=(broker("2019-01-01", "2019-01-14"),)
        ),  # before 15 Jan
        citizen(
            "first", entry="2018-06-01", assignments=(broker("2019-01-15"),)
        ),  # on the first day
        citizen(
            "last", entry="2018-06-01", assignments=(broker("2019-12-15", None),)
        ),  # on the last day
        citizen("late", entry="2018-06-01", assignments=(broker("2019-12-16", None),)),  # after it
        citizen(
            "gone", entry="2018-06-01", exit="2019-01-14", reason="fraflyttet"
        ),  # left the day before
        citizen("new", entry="2019-12-16"),  # entered the day after
    ]
    report = run(template, people)
    # One period, named by its months: 2019-01..2019-12. Denominator early first last late = 4;
    # numerator first, last = 2.
    assert counts(report, JOB_BROKER) == {"2019-01..2019-12": (2, 4)}
    assert ids(report, JOB_BROKER, "2019-01..2019-12")[0] == {"first", "last"}


def test_qualifying_from_at_day_precision_and_its_refusals():
    """A copy whose job broker counts from 15 Nov 2018 (mid-month: the day-by-day path)."""
    template = user_copy(FRONTRUNNER, qualifying_from="2018-11-15")
    people = [
        citizen(
            "before", entry="2018-06-01", assignments=(broker("2018-11-01", "2018-11-14"),)
        ),  # ends the day before
        citizen(
            "on", entry="2018-06-01", assignments=(broker("2018-11-01", "2018-11-15"),)
        ),  # ends on it
        citizen("none", entry="2018-06-01"),
    ]
    report = run(template, people)
    assert counts(report, JOB_BROKER) == {"2019-01..2019-12": (1, 3)}
    assert ids(report, JOB_BROKER, "2019-01..2019-12")[0] == {"on"}
    with pytest.raises(ValidationError, match=r"qualifying_from.*på eller før vinduets start"):
        user_copy(FRONTRUNNER, qualifying_from="2019-02-01")
    with pytest.raises(ValidationError, match=r"qualifying_from.*kun med enheden »period«"):
        user_copy(FRONTRUNNER, unit="month", qualifying_from="2018-12-01")
