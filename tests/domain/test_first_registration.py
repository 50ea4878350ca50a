"""No data before the first registration of a snapshot fact (docs/status_sheet.md, "No data
before the first registration"; docs/measures.md, the section of the same name): a missing
registration is not a "nej". Counted by hand on small histories, for the status sheet's own rows
(CV på Jobnet, Jobmål, Personlig jobformidler), the measures engine (Frontrunner's job broker,
HIR's caseload, a user's monthly copy) and the payout forecast."""

from __future__ import annotations

import copy
import datetime as dt

from fsm_desktop.domain.breakdown import WOMEN, Person, breakdown, restrict_report
from fsm_desktop.domain.measures import (
    CitizenFacts,
    Facts,
    Month,
    Span,
    StaffFacts,
    compute,
    first_registrations,
    no_data_reason,
    snapshot_facts,
)
from fsm_desktop.domain.model import Goal, StaffRole
from fsm_desktop.domain.program import builtin_template, parse_template
from fsm_desktop.domain.status_sheet import (
    CV,
    JOB_BROKER,
    JOB_GOAL,
    NO_DATA,
    OK,
    PAID,
    SheetFacts,
    build,
    first_recorded,
)

D = dt.date
FSM2 = builtin_template("fsm2")
FRONTRUNNER = builtin_template("frontrunner")
HIR = builtin_template("hir")
BROKER_MEASURE = "frontrunner.job_broker"
CASELOAD = "hir.caseload"


def person(
    cid: str, entry: str, *, group: int | None = 1, periods=(), assignments=(), hours=None
) -> CitizenFacts:
    return CitizenFacts(
        cid,
        f"Borger {cid}",
        group,
        D.fromisoformat(entry),
        periods=list(periods),
        assignments=list(assignments),
        paid_hours=dict(hours or {}),
    )


def broker(start: str, end: str | None = None) -> Span:
    return Span("jobformidler", D.fromisoformat(start), D.fromisoformat(end) if end else None, "jf")


def cells(sheet, row_id: str) -> list[tuple[float, float | None] | None]:
    return [None if c is None else (c.count, c.denominator) for c in sheet.row(row_id).cells]


# --- the status sheet's snapshot rows ------------------------------------------------------------


def test_a_first_cv_entry_mid_month_counts_that_month_and_not_the_one_before():
    """FSM2 up to April 2020 (columns: 0-punkt 1 Nov 2019, Nov, Dec, Jan, Feb, Mar, Apr). The
    project's first CV entry is A's "ja" of 15 March 2020: March's last day (31 March) is on or
    after it, so March is counted; February (last day 29 February) and everything before it
    say "ingen data" — not "0 of 2"."""
    citizens = [person("A", "2019-11-01", hours={"2019-12": 5.0}), person("B", "2019-11-01")]
    status = [("A", "cv_jobnet", "2020-03-15", "ja"), ("B", "cv_jobnet", "2020-04-02", "ja")]
    facts = SheetFacts(
        Facts(citizens).rows(), status=status, goals=[Goal(CV, "CV på Jobnet", {"2020-10": 0.5})]
    )
    sheet = build(FSM2, facts, Month(2020, 4), D(2020, 4, 30))
    assert [c.label for c in sheet.data_columns] == [
        "0-punkt 01.11.2019",
        "nov. 2019",
        "dec. 2019",
        "jan. 2020",
        "feb. 2020",
        "mar. 2020",
        "apr. 2020",
    ]
    row = sheet.row(CV)
    assert row.availability == OK
    # March: A's "ja" holds on 31 March (1 of 2); April: both (2 of 2).
    assert cells(sheet, CV) == [None, None, None, None, None, (1, 2), (2, 2)]
    assert row.no_data_columns == frozenset({0, 1, 2, 3, 4})
    assert [row.cell_note(k) for k in range(7)] == ["ingen data"] * 5 + ["", ""]
    # Not compared with the goal (50 %) where there is no data; 1 of 2 meets it in March.
    months = [c.month for c in sheet.data_columns]
    assert [row.met(k, month) for k, month in enumerate(months)] == [None] * 5 + [True, True]
    assert "15.03.2020" in row.no_data_reason and "ikke et »nej«" in row.no_data_reason
    # Paid hours are not a snapshot fact: the months before the first hours are counted as 0.
    assert cells(sheet, PAID)[1:3] == [(0, 2), (1, 2)]
    assert sheet.row(PAID).no_data_columns == frozenset()


def test_a_first_entry_on_a_months_last_day_counts_that_month():
    # The first job goal on 29 February 2020 (a leap year's last day of February): February is
    # counted, January is not.
    citizens = [person("A", "2019-11-01"), person("B", "2019-11-01")]
    sheet = build(
        FSM2,
        SheetFacts(Facts(citizens).rows(), status=[("B", "jobmaal", "2020-02-29", "Lager")]),
        Month(2020, 3),
        D(2020, 3, 31),
    )
    assert cells(sheet, JOB_GOAL) == [None, None, None, None, (1, 2), (1, 2)]


def test_no_entry_of_a_kind_at_all_makes_the_whole_row_ingen_data():
    """As before the rule: without any CV entry the project holds nothing to count (storage says
    so in ``recorded``); the job-goal row beside it is counted from its first entry."""
    citizens = [person("A", "2019-11-01"), person("B", "2019-11-01")]
    facts = SheetFacts(
        Facts(citizens).rows(),
        status=[("A", "jobmaal", "2019-12-01", "Lager")],
        recorded=frozenset({"paid_hours", "jobmaal", "jobformidler"}),
    )
    assert first_recorded(facts) == {"jobmaal": "2019-12-01"}
    sheet = build(FSM2, facts, Month(2020, 1), D(2020, 1, 31))
    cv = sheet.row(CV)
    assert cv.availability == NO_DATA
    assert cv.note == "ingen data"
    assert cv.cells == [None] * 4
    assert [cv.cell_note(k) for k in range(4)] == ["ingen data"] * 4
    assert [cv.met(k, "2019-11") for k in range(4)] == [None] * 4
    assert cells(sheet, JOB_GOAL) == [None, None, (1, 2), (1, 2)]


def test_job_broker_first_assigned_on_the_first_of_a_month():
    """FSM2 up to January 2020: A's broker from 1 December 2019 is the project's first. The
    0-punkt (1 November) and November (last day 30 November) are before it: no data. Both group
    rows count of the gross target group (2)."""
    citizens = [
        person("A", "2019-11-01", assignments=[broker("2019-12-01")]),
        person("B", "2019-11-01"),
    ]
    sheet = build(FSM2, SheetFacts(Facts(citizens).rows()), Month(2020, 1), D(2020, 1, 31))
    assert cells(sheet, JOB_BROKER) == [None, None, (1, 2), (1, 2)]
    assert sheet.row(JOB_BROKER).no_data_columns == frozenset({0, 1})
    assert "01.12.2019" in sheet.row(JOB_BROKER).no_data_reason


def test_job_broker_first_assigned_on_the_last_day_of_the_month_before():
    # From 30 November 2019: November's last day is on it, so November is counted; the 0-punkt's
    # day (1 November) is still before it.
    citizens = [
        person("A", "2019-11-01", assignments=[broker("2019-11-30")]),
        person("B", "2019-11-01"),
    ]
    sheet = build(FSM2, SheetFacts(Facts(citizens).rows()), Month(2020, 1), D(2020, 1, 31))
    assert cells(sheet, JOB_BROKER) == [None, (1, 2), (1, 2), (1, 2)]
    assert sheet.row(JOB_BROKER).no_data_columns == frozenset({0})


def test_the_baseline_is_judged_by_its_own_day_not_its_place():
    """Frontrunner's first month (December 2018) comes before its 0-punkt (1 January 2019): a
    first broker on 1 January 2019 leaves December without data while the 0-punkt is counted."""
    citizens = [
        person("A", "2018-12-01", assignments=[broker("2019-01-01")]),
        person("B", "2018-12-01"),
    ]
    sheet = build(FRONTRUNNER, SheetFacts(Facts(citizens).rows()), Month(2019, 2), D(2019, 2, 28))
    assert [c.label for c in sheet.data_columns] == [
        "0-punkt 01.01.2019",
        "dec. 2018",
        "jan. 2019",
        "feb. 2019",
    ]
    assert cells(sheet, JOB_BROKER) == [(1, 2), None, (1, 2), (1, 2)]
    assert sheet.row(JOB_BROKER).no_data_columns == frozenset({1})


def test_the_first_registration_is_the_projects_not_the_citizens():
    # B's own first entry (1 April) does not matter: the project registered CVs from 15 March,
    # so B counts as "no CV" in March (a registration of the kind existed then).
    citizens = [person("A", "2019-11-01"), person("B", "2019-11-01")]
    status = [("B", "cv_jobnet", "2020-04-01", "ja"), ("A", "cv_jobnet", "2020-03-15", "nej")]
    sheet = build(
        FSM2, SheetFacts(Facts(citizens).rows(), status=status), Month(2020, 4), D(2020, 4, 30)
    )
    assert cells(sheet, CV)[5:] == [(0, 2), (1, 2)]
    assert first_recorded(SheetFacts(Facts(citizens).rows(), status=status)) == {
        "cv_jobnet": "2020-03-15"
    }


# --- the measures engine ---------------------------------------------------------------------------


def _frontrunner_people() -> list[CitizenFacts]:
    """Three citizens of group 1 in the target group from December 2018: A with a broker from
    10 March 2019 (the project's first), B without, C with one from 1 May 2019."""
    return [
        person("A", "2018-12-01", assignments=[broker("2019-03-10")]),
        person("B", "2018-12-01"),
        person("C", "2018-12-01", assignments=[broker("2019-05-01")]),
    ]


def test_frontrunners_job_broker_period_ending_before_the_first_broker_has_no_data():
    facts = Facts(_frontrunner_people())
    assert snapshot_facts(FRONTRUNNER.measures[0]) == ("jobformidler",)
    # Up to February 2019 the window so far (January–February) ends on 28 February, before
    # 10 March: no data. Numerator and denominator stay as counted (0 of 3).
    report = compute(FRONTRUNNER, facts, Month(2018, 12), Month(2019, 2), grant=1_000_000)
    assert report.first_registrations == {"jobformidler": "2019-03-10"}
    (early,) = report.for_measure(BROKER_MEASURE)
    assert (str(early.period_start), str(early.period_end)) == ("2019-01", "2019-02")
    assert (early.no_data, early.numerator, early.denominator, early.share, early.met) == (
        True,
        0,
        3,
        None,
        None,
    )
    assert [t.met for t in early.thresholds] == [None]
    # The forecast has no period yet: not met, nothing "missing", nothing the best.
    (payout,) = [p for p in report.payouts if p.measure == BROKER_MEASURE]
    assert (payout.met, payout.best, payout.needed, payout.amount) == (False, None, 0, 300_000)
    # Up to March (last day 31 March, after 10 March): counted as before, 1 of 3.
    (march,) = compute(FRONTRUNNER, facts, Month(2018, 12), Month(2019, 3)).for_measure(
        BROKER_MEASURE
    )
    assert (march.no_data, march.numerator, march.denominator, march.met) == (False, 1, 3, False)
    assert march.share == 1 / 3
    # The whole year: A and C, 2 of 3; ⌈0.85 × 3⌉ − 2 = 1 more needed.
    report = compute(FRONTRUNNER, facts, grant=1_000_000)
    (year,) = report.for_measure(BROKER_MEASURE)
    assert (year.no_data, year.numerator, year.denominator) == (False, 2, 3)
    (payout,) = [p for p in report.payouts if p.measure == BROKER_MEASURE]
    assert (payout.best is year, payout.needed) == (True, 1)
    # A measure that does not count brokers is not touched (company-directed, Q4 2019).
    assert not any(r.no_data for r in report.for_measure("frontrunner.company_directed"))


def _monthly_copy(**changes):
    """A user's copy of Frontrunner whose job-broker measure is counted month by month."""
    data = copy.deepcopy(FRONTRUNNER.raw)
    data["key"] = "frontrunner_kopi"
    data["measures"][0].update(unit="month", aggregate="any", qualifying_from=None, **changes)
    return parse_template(data)


def test_monthly_periods_before_the_first_broker_have_no_data_later_ones_are_counted():
    report = compute(_monthly_copy(), Facts(_frontrunner_people()), Month(2019, 1), Month(2019, 6))
    results = report.for_measure(BROKER_MEASURE)
    # Jan, Feb end before 10 March: no data. Mar, Apr: A (1 of 3); May, Jun: A and C (2 of 3).
    assert [
        (str(r.period_start), r.no_data, r.numerator, r.denominator, r.met) for r in results
    ] == [
        ("2019-01", True, 0, 3, None),
        ("2019-02", True, 0, 3, None),
        ("2019-03", False, 1, 3, False),
        ("2019-04", False, 1, 3, False),
        ("2019-05", False, 2, 3, False),
        ("2019-06", False, 2, 3, False),
    ]


def test_the_forecast_counts_no_period_without_data_neither_as_met_nor_as_missed():
    """A copy counting a broker or a praktik, met at 50 %: A and B were in praktik in January
    (2 of 3, which would meet it), but January ends before the project's first broker: the
    first period met with data is May (A's broker, C's broker: 2 of 3)."""
    template = _monthly_copy(
        qualifying=["jobformidler", "virksomhedspraktik"],
        thresholds=[{"value": 0.5, "payout_share": 0.3, "label": "50 %"}],
    )
    people = _frontrunner_people()
    praktik = Span("virksomhedspraktik", D(2019, 1, 5), D(2019, 1, 20))
    people[0].periods.append(praktik)
    people[1].periods.append(praktik)
    report = compute(template, Facts(people), Month(2019, 1), Month(2019, 6), grant=1_000_000)
    first = report.for_measure(BROKER_MEASURE)[0]
    assert (first.no_data, first.numerator, first.denominator, first.met) == (True, 2, 3, None)
    (payout,) = [p for p in report.payouts if p.measure == BROKER_MEASURE]
    assert payout.met and str(payout.best.period_start) == "2019-05" and payout.needed == 0


def test_hir_caseload_before_the_first_caseworker_has_no_data():
    """HIR: the first caseworker assignment starts 15 May 2018. March and April end before it
    (no data: not "0 cases"); May is counted (1 citizen on 31 May, one full-time caseworker)."""
    rf = Span("ressourceforloeb", D(2018, 1, 1), None)
    people = [
        person(
            "A",
            "2018-01-01",
            group=None,
            periods=[rf],
            assignments=[Span("sagsbehandler", D(2018, 5, 15), None, "full")],
        ),
        person(
            "B",
            "2018-01-01",
            group=None,
            periods=[rf],
            assignments=[Span("sagsbehandler", D(2018, 6, 1), None, "full")],
        ),
    ]
    staff = {"full": StaffFacts("full", "FU", StaffRole.CASEWORKER, 37.0)}
    report = compute(HIR, Facts(people, staff), Month(2018, 3), Month(2018, 6))
    assert report.first_registrations == {"sagsbehandler": "2018-05-15"}
    assert [
        (str(r.period_start), r.no_data, r.numerator, r.denominator, r.share, r.met)
        for r in report.for_measure(CASELOAD)
    ] == [
        ("2018-03", True, 0, 0.0, None, None),
        ("2018-04", True, 0, 0.0, None, None),
        ("2018-05", False, 1, 1.0, 1.0, True),
        ("2018-06", False, 2, 1.0, 2.0, True),
    ]
    # The passive share counts no assignment: untouched.
    assert not any(r.no_data for r in report.for_measure("hir.passive_share"))
    assert "15.05.2018" in no_data_reason(HIR.measures[1], report.first_registrations)


def test_first_registrations_are_the_earliest_start_per_role():
    rows = Facts(
        [
            person(
                "A",
                "2019-01-01",
                assignments=[broker("2019-04-01"), Span("sagsbehandler", D(2019, 2, 1))],
            ),
            person("B", "2019-01-01", assignments=[broker("2019-03-31", "2019-04-30")]),
        ]
    ).rows()
    assert first_registrations(rows, ["jobformidler", "sagsbehandler"]) == {
        "jobformidler": "2019-03-31",
        "sagsbehandler": "2019-02-01",
    }
    assert first_registrations(Facts([person("C", "2019-01-01")]).rows(), ["jobformidler"]) == {
        "jobformidler": None
    }


def test_a_group_of_a_period_without_data_has_no_data_either():
    report = compute(FRONTRUNNER, Facts(_frontrunner_people()), Month(2018, 12), Month(2019, 2))
    (result,) = report.for_measure(BROKER_MEASURE)
    people = {cid: Person(cid, gender="K") for cid in ("A", "B", "C")}
    (women,) = restrict_report(report, WOMEN, people).for_measure(BROKER_MEASURE)
    assert (women.no_data, women.share, women.met, women.denominator) == (True, None, None, 3)
    assert breakdown(result, people) == []
    assert restrict_report(report, WOMEN, people).first_registrations == {
        "jobformidler": "2019-03-10"
    }


# --- the engine's measures on the status sheet -------------------------------------------------------


def test_the_sheets_engine_rows_say_ingen_data_for_periods_without_data():
    rows = Facts(_frontrunner_people()).rows()
    report = compute(FRONTRUNNER, rows, Month(2018, 12), Month(2019, 2))
    sheet = build(FRONTRUNNER, SheetFacts(rows), Month(2019, 2), D(2019, 2, 28), report)
    row = sheet.row(BROKER_MEASURE)
    # Columns: 0-punkt, Dec 2018, Jan 2019, Feb 2019; the window so far ends in February.
    assert row.availability == OK
    assert row.cells == [None] * 4
    assert row.no_data_columns == frozenset({3})
    assert [row.cell_note(k) for k in range(4)] == ["", "", "", "ingen data"]
    assert row.met(3, "2019-02") is None
    assert "10.03.2019" in row.no_data_reason
    # The sheet's own job-broker row: no data before 10 March either (the 0-punkt, Dec–Feb).
    assert sheet.row(JOB_BROKER).no_data_columns == frozenset({0, 1, 2, 3})


def test_a_measure_whose_fact_was_never_registered_is_a_row_without_data():
    # HIR without any caseworker assignment: the caseload row says "ingen data", as the
    # sheet's own rows do without any registration.
    people = [
        person(
            "A", "2018-01-01", group=None, periods=[Span("ressourceforloeb", D(2018, 1, 1), None)]
        )
    ]
    rows = Facts(people).rows()
    report = compute(HIR, rows, Month(2018, 3), Month(2018, 4))
    assert report.first_registrations == {"sagsbehandler": None}
    assert all(r.no_data for r in report.for_measure(CASELOAD))
    sheet = build(HIR, SheetFacts(rows), Month(2018, 4), D(2018, 4, 30), report)
    row = sheet.row(CASELOAD)
    assert (row.availability, row.note, row.cells) == (NO_DATA, "ingen data", [None] * 3)
    assert "ingen registrering af en sagsbehandler" in row.no_data_reason
