"""Measures by group (domain/breakdown.py): hand-counted on a small FSM2 history, and checked
against the engine run on the group's citizens alone for every initiative's demo."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain import breakdown as bd
from fsm_desktop.domain.breakdown import Person, breakdown, restrict, restrict_report
from fsm_desktop.domain.measures import CitizenFacts, FactRows, Facts, Month, Span, compute
from fsm_desktop.domain.program import builtin_template

FSM2 = builtin_template("fsm2")
D = dt.date.fromisoformat


def _citizen(cid: str, group: int = 1, periods=(), hours=None) -> CitizenFacts:
    return CitizenFacts(
        cid, f"Borger {cid}", group, periods=list(periods), paid_hours=dict(hours or {})
    )


#: A: woman, non-western, 34 in March 2020, paid hours in March        → numerator
#: B: woman, non-western, 50, nothing                                   → denominator only
#: C: man, Danish, turns 30 on 31 March 2020, SU education in March      → numerator
#: D: woman, Danish, exempt 10–20 March 2020                            → out of March
#: E: man, western, group 2                                              → never counts
#: F: woman, origin not recorded, 60, løntilskud in March (not FSM2)     → denominator only
#: G: gender not recorded, Danish, 24, ordinary employment in March     → numerator
CITIZENS = [
    _citizen("A", hours={"2020-03": 10}),
    _citizen("B"),
    _citizen("C", periods=[Span("uddannelse_su", D("2020-03-02"), D("2020-03-31"))]),
    _citizen("D", periods=[Span("fritagelse", D("2020-03-10"), D("2020-03-20"))]),
    _citizen("E", group=2, hours={"2020-03": 30}),
    _citizen("F", periods=[Span("loentilskud", D("2020-03-01"), D("2020-03-31"))]),
    _citizen("G", periods=[Span("ordinaer_beskaeftigelse", D("2020-03-16"), None)]),
]
PEOPLE = {
    p.citizen_id: p
    for p in (
        Person("A", "K", "ikke_vestlig", D("1985-04-15")),
        Person("B", "K", "ikke_vestlig", D("1970-01-01")),
        Person("C", "M", "dansk", D("1990-03-31")),
        Person("D", "K", "dansk", D("1980-06-01")),
        Person("E", "M", "vestlig", D("1975-05-05")),
        Person("F", "K", None, D("1960-02-02")),
        Person("G", None, "dansk", D("1995-12-01")),
    )
}


@pytest.fixture(scope="module")
def report():
    return compute(FSM2, Facts(CITIZENS), Month(2020, 2), Month(2020, 3))


def _result(report, month: str):
    (result,) = [r for r in report.results if str(r.period_start) == month]
    return result


def test_the_whole_group_by_hand(report):
    march = _result(report, "2020-03")
    assert (march.numerator, march.denominator) == (3, 5)  # A, C, G of A, B, C, F, G


def test_breakdown_of_march_by_hand(report):
    rows = {
        row.group.key: (row.numerator, row.denominator)
        for row in breakdown(_result(report, "2020-03"), PEOPLE)
    }
    assert rows == {
        "alle": (3, 5),
        "kvinder": (1, 3),  # A of A, B, F
        "maend": (1, 1),  # C
        "dansk": (2, 2),  # C, G (D is exempt in March)
        "vestlig": (0, 0),  # E is in group 2
        "ikke_vestlig": (1, 2),  # A of A, B
        "ikke_vestlige_kvinder": (1, 2),
        "under_30": (1, 1),  # G, 24 (C turned 30 on 31 March)
        "30_39": (2, 2),  # A 34, C 30
        "40_49": (0, 0),
        "50_plus": (0, 2),  # B 50, F 60
        "koen_uoplyst": (1, 1),  # G: the genders add up to 5
        "herkomst_uoplyst": (0, 1),  # F: the origins add up to 5
    }


def test_breakdown_marks_thresholds_per_group(report):
    rows = {row.group.key: row for row in breakdown(_result(report, "2020-03"), PEOPLE)}
    assert rows["kvinder"].met == (True, True)  # 1/3 ≥ 15 % and ≥ 20 %
    assert rows["50_plus"].met == (False, False)
    assert rows["vestlig"].met == (False, False) and rows["vestlig"].share is None


def test_age_is_counted_at_the_end_of_each_period(report):
    """C is 29 on 29 February and 30 on 31 March 2020."""
    under_30 = bd.group("under_30")
    feb = restrict(_result(report, "2020-02"), under_30, PEOPLE)
    march = restrict(_result(report, "2020-03"), under_30, PEOPLE)
    assert (feb.numerator, feb.denominator) == (0, 2)  # C and G, nobody active in February
    assert (march.numerator, march.denominator) == (1, 1)  # G
    assert {m.citizen_id for m in feb.members()[1]} == {"C", "G"}


def test_a_group_restricts_numerator_denominator_and_drill_down(report):
    women = restrict(_result(report, "2020-03"), bd.WOMEN, PEOPLE)
    assert (women.numerator, women.denominator, women.share) == (1, 3, pytest.approx(1 / 3))
    assert [t.met for t in women.thresholds] == [True, True]
    numerator, denominator = women.members()
    assert [m.citizen_id for m in numerator] == ["A"]
    assert sorted(m.citizen_id for m in denominator) == ["A", "B", "F"]
    assert all(m.reason for m in numerator + denominator)
    non_western = restrict(_result(report, "2020-02"), bd.NON_WESTERN, PEOPLE)
    assert (
        non_western.numerator,
        non_western.denominator,
        [t.met for t in non_western.thresholds],
    ) == (0, 2, [False, False])


def test_all_and_unknown_people(report):
    march = _result(report, "2020-03")
    assert restrict(march, bd.ALL, PEOPLE) is march
    # A citizen the breakdown knows nothing about is in no group but "Alle".
    nobody = restrict(march, bd.WOMEN, {})
    assert (nobody.numerator, nobody.denominator) == (0, 0)


def test_restrict_report_keeps_the_whole_groups_payouts(report):
    women = restrict_report(report, bd.WOMEN, PEOPLE)
    assert [(r.numerator, r.denominator) for r in women.results] == [
        (0, 4),
        (1, 3),
    ]  # Feb: A, B, D, F (D is exempt in March only)
    assert women.payouts is report.payouts


def test_caseload_is_never_restricted():
    from fsm_desktop.domain.measures import StaffFacts
    from fsm_desktop.domain.model import StaffRole

    hir = builtin_template("hir")
    staff = {"s": StaffFacts("s", "SB", StaffRole.CASEWORKER, 37.0)}
    citizens = [
        CitizenFacts("A", "A", 1, assignments=[Span("sagsbehandler", D("2018-01-01"), None, "s")]),
        CitizenFacts("B", "B", 1, assignments=[Span("sagsbehandler", D("2018-01-01"), None, "s")]),
    ]
    report = compute(hir, Facts(citizens, staff), Month(2018, 3), Month(2018, 3))
    (caseload,) = report.for_measure("hir.caseload")
    assert restrict(caseload, bd.WOMEN, {"A": Person("A", "K")}) is caseload
    assert breakdown(caseload, {}) == []


def test_people_from_rows():
    people = bd.people_from_rows([("a", "K", "dansk", "1980-02-29"), ("b", None, "", None)])
    assert people == {"a": Person("a", "K", "dansk", D("1980-02-29")), "b": Person("b")}
    assert bd.age_on(D("1980-02-29"), D("2021-02-28")) == 40
    assert bd.age_on(D("1980-02-29"), D("2021-03-01")) == 41


def _only(rows: FactRows, ids: set[str]) -> FactRows:
    """The engine's facts of the given citizens only."""
    return FactRows(
        citizens=[r for r in rows.citizens if r[0] in ids],
        periods=[r for r in rows.periods if r[0] in ids],
        paid_hours=[r for r in rows.paid_hours if r[0] in ids],
        assignments=[r for r in rows.assignments if r[0] in ids],
        staff=rows.staff,
    )


@pytest.mark.parametrize("program", ["fsm2", "frontrunner", "bir", "hir"])
def test_a_group_equals_the_engine_on_the_groups_facts(tmp_path, program):
    """Restricting the whole result to a group gives the same numbers as counting the measure
    over that group's citizens alone (gender and origin do not change over time)."""
    from fsm_desktop.storage.breakdown import load_people
    from fsm_desktop.storage.demo import write_demo
    from fsm_desktop.storage.facts import load_facts
    from fsm_desktop.storage.project import Project

    path = tmp_path / f"{program}.fsm"
    write_demo(path, program=program, citizens=250, seed=3)
    with Project.open(path) as project:
        facts = load_facts(project)
        people = load_people(project)
        template = project.template
    whole = compute(template, facts)
    checked = 0
    for g in (bd.WOMEN, bd.MEN, bd.NON_WESTERN, bd.NON_WESTERN_WOMEN, bd.DANISH):
        ids = {cid for cid, p in people.items() if g.includes(p, dt.date.today())}
        alone = compute(template, _only(facts, ids))
        restricted = restrict_report(whole, g, people)
        for mine, theirs in zip(restricted.results, alone.results, strict=True):
            assert (mine.measure, mine.period_start) == (theirs.measure, theirs.period_start)
            if mine.spec.kind == "caseload":
                continue
            assert (mine.numerator, mine.denominator) == (theirs.numerator, theirs.denominator), (
                g.key,
                mine.label,
            )
            assert [t.met for t in mine.thresholds] == [t.met for t in theirs.thresholds]
            checked += mine.denominator > 0
    assert checked > 0


def test_age_bands_over_many_periods_equal_counting_each_period(tmp_path):
    """The age bands' period masks (a run of periods between two birthdays) give the same
    counts as asking every citizen's age at every period's end."""
    from fsm_desktop.storage.breakdown import load_people
    from fsm_desktop.storage.demo import write_demo
    from fsm_desktop.storage.facts import load_facts
    from fsm_desktop.storage.project import Project

    path = tmp_path / "bir.fsm"
    write_demo(path, program="bir", citizens=250, seed=5)
    with Project.open(path) as project:
        facts = load_facts(project)
        people = load_people(project)
        template = project.template
    whole = compute(template, facts)
    for g in bd.AGE_BANDS:
        for mine, result in zip(
            restrict_report(whole, g, people).results, whole.results, strict=True
        ):
            numerator, denominator = result.members()
            on = result.period_end.last
            expected = (
                sum(1 for m in numerator if g.includes(people[m.citizen_id], on)),
                sum(1 for m in denominator if g.includes(people[m.citizen_id], on)),
            )
            assert (mine.numerator, mine.denominator) == expected, (g.key, result.label)


def test_period_mask_of_an_age_band():
    ends = [D("2020-01-31"), D("2020-02-29"), D("2020-03-31"), D("2021-02-28"), D("2021-03-31")]
    leap = Person("x", "K", "dansk", D("1992-02-29"))  # 28 on 29 Feb 2020; 29 on 1 March 2021
    assert [bd.age_on(leap.birth_date, day) for day in ends] == [27, 28, 28, 28, 29]
    assert bd.CitizenGroup("t", "t", min_age=28, max_age=28).period_mask(leap, ends) == 0b01110
    assert bd.CitizenGroup("t", "t", min_age=29).period_mask(leap, ends) == 0b10000
    assert bd.CitizenGroup("t", "t", max_age=27).period_mask(leap, ends) == 0b00001
    assert bd.group("under_30").period_mask(leap, ends) == 0b11111
    assert bd.group("30_39").period_mask(leap, ends) == 0
    assert bd.WOMEN.period_mask(leap, ends) == 0b11111
    assert bd.MEN.period_mask(leap, ends) == 0
    assert bd.WOMEN.period_mask(None, ends) == 0 and bd.ALL.period_mask(None, ends) == 0b11111
    assert bd.reaches(D("1992-02-29"), 29) == D("2021-03-01")
