"""domain.caseload: the arithmetic, who counts, history month by month, limits, IPS bands and the
reassignment and spread plans — worked out by hand, and as properties (hypothesis): the counts
agree with a day-by-day reference and with the HIR measure; a reassignment conserves the total."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.caseload import (
    FULL_TIME_HOURS,
    AssignmentRows,
    Band,
    CaseloadSettings,
    Limit,
    OpenCase,
    StaffRecord,
    Status,
    caseload_report,
    count_caseloads,
    count_day,
    counts_in_caseload,
    default_settings,
    fte,
    ips_band,
    judge,
    month_days,
    per_fte,
    plan_reassignment,
    plan_spread,
    role_change_problem,
    settings_from_json,
    shown,
    spread_receivers,
    validate_staff,
    warnings,
)
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import CitizenFacts, Facts, Month, Span, StaffFacts, compute
from fsm_desktop.domain.model import AssignmentRole, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template

D = dt.date
CW, JF = AssignmentRole.CASEWORKER, AssignmentRole.JOB_BROKER


def person(
    sid: str, role: StaffRole, hours: float = 37.0, active_from=None, active_to=None, initials=None
) -> StaffRecord:
    return StaffRecord(
        Staff(initials or sid.upper(), f"Person {sid}", role, hours, id=sid), active_from, active_to
    )


# --- the arithmetic ---------------------------------------------------------------------------------
def test_full_time_equivalents_by_hand():
    assert FULL_TIME_HOURS == 37
    assert fte(37) == 1
    assert fte(18.5) == 0.5
    assert fte(0) == 0
    # 28 citizens on 30 hours: 28 × 37 / 30 = 34.53 per full-time equivalent.
    assert per_fte(28, 30) == Fraction(1036, 30)
    assert float(per_fte(28, 30)) == pytest.approx(34.5333, abs=1e-4)
    assert per_fte(35, 37) == 35
    assert per_fte(0, 37) == 0
    assert per_fte(5, 0) is None  # nobody to divide by


@given(st.integers(0, 500), st.integers(1, 96).map(lambda half_hours: half_hours / 2))
def test_per_fte_times_fte_gives_the_citizens_back(citizens, hours):
    load = per_fte(citizens, hours)
    assert load * Fraction(fte(hours)).limit_denominator(10**9) == pytest.approx(citizens)
    assert load * Fraction(hours) / 37 == citizens  # exact
    if citizens:
        assert (load >= citizens) == (hours <= 37)  # part-time: more per full-time equivalent


def test_who_counts_in_a_caseload():
    assert counts_in_caseload(StaffRole.CASEWORKER, 37)
    assert counts_in_caseload(StaffRole.JOB_BROKER, 10)
    assert not counts_in_caseload(StaffRole.PSEUDO, 0)  # "Barsel/fængsel"
    assert not counts_in_caseload(StaffRole.PSEUDO, 37)  # role pseudo, whatever the hours
    assert not counts_in_caseload(StaffRole.CASEWORKER, 0)  # 0 hours
    assert not counts_in_caseload(StaffRole.LEADER, 37)


# --- counting by hand ---------------------------------------------------------------------------------
STAFF = {
    "ab": person("ab", StaffRole.CASEWORKER, 37),
    "cd": person("cd", StaffRole.CASEWORKER, 30),
    "ef": person("ef", StaffRole.JOB_BROKER, 37),
    "bf": person("bf", StaffRole.PSEUDO, 0),
    "gh": person("gh", StaffRole.CASEWORKER, 0),
    "ll": person("ll", StaffRole.LEADER, 37),
}
ROWS = AssignmentRows(
    assignments=[
        ("c1", "ab", "sagsbehandler", "2020-01-01", None),
        ("c1", "ef", "jobformidler", "2020-01-01", None),
        ("c2", "ab", "sagsbehandler", "2020-01-15", "2020-02-10"),
        ("c2", "cd", "sagsbehandler", "2020-02-11", None),
        ("c3", "cd", "sagsbehandler", "2020-01-01", None),  # moves away 10 March
        ("c4", "ab", "sagsbehandler", "2020-01-01", "2020-01-31"),
        ("c4", "bf", "sagsbehandler", "2020-02-01", None),  # parked from February
        ("c4", "ef", "jobformidler", "2020-01-01", None),
        ("c5", "cd", "sagsbehandler", "2020-03-31", None),  # begins on March's last day
        ("c6", "gh", "sagsbehandler", "2020-01-01", None),  # a caseworker with 0 hours: parked too
        (
            "c7",
            "ab",
            "jobformidler",
            "2020-01-01",
            None,
        ),  # a caseworker as job broker: not her caseload
    ],
    left={"c3": "2020-03-10"},
)
DAYS = [D(2020, 1, 31), D(2020, 2, 29), D(2020, 3, 31)]


def test_counts_month_by_month_by_hand():
    history = count_caseloads(ROWS, STAFF, DAYS)
    # AB: Jan c1 c2 c4; Feb c1 (c2 ended 10 Feb, c4 parked); Mar c1.
    assert history.citizens["ab"] == [3, 1, 1]
    # CD: Jan c3; Feb c2 c3; Mar c2 c5 (c3 left 10 March).
    assert history.citizens["cd"] == [1, 2, 2]
    # EF (job broker): c1 and c4; c4 parked from February counts in nobody's caseload.
    assert history.citizens["ef"] == [2, 1, 1]
    assert history.parked["ef"] == [0, 1, 1]
    # The pseudo-caseworker and the 0-hour caseworker: no caseload, their citizens parked.
    assert history.citizens["bf"] == [0, 0, 0]
    assert history.parked["bf"] == [0, 1, 1]
    assert history.citizens["gh"] == [0, 0, 0]
    assert history.parked["gh"] == [1, 1, 1]
    assert history.citizens["ll"] == [0, 0, 0]
    # Caseworkers as a whole: Jan c1 c2 c3 c4 on AB + CD (67 hours); Feb c1 c2 c3; Mar c1 c2 c5.
    assert history.team[StaffRole.CASEWORKER] == [(4, 67.0), (3, 67.0), (3, 67.0)]
    assert history.team[StaffRole.JOB_BROKER] == [(2, 37.0), (1, 37.0), (1, 37.0)]


def test_a_day_before_anything_and_one_day_assignments():
    rows = AssignmentRows([("c1", "ab", "sagsbehandler", "2020-02-29", "2020-02-29")])
    history = count_caseloads(rows, STAFF, [D(2020, 2, 28), D(2020, 2, 29), D(2020, 3, 1)])
    assert history.citizens["ab"] == [0, 1, 0]


def test_a_citizen_leaving_on_the_day_is_out_that_day():
    rows = AssignmentRows(
        [("c1", "ab", "sagsbehandler", "2020-01-01", None)], left={"c1": "2020-02-29"}
    )
    history = count_caseloads(rows, STAFF, [D(2020, 2, 28), D(2020, 2, 29)])
    assert history.citizens["ab"] == [1, 0]


def test_days_must_ascend():
    with pytest.raises(ValueError):
        count_caseloads(ROWS, STAFF, [D(2020, 2, 1), D(2020, 1, 1)])


def test_month_days_use_the_last_day_and_today_in_todays_month():
    assert month_days(D(2019, 11, 15), D(2020, 2, 10)) == [
        ("2019-11", D(2019, 11, 30)),
        ("2019-12", D(2019, 12, 31)),
        ("2020-01", D(2020, 1, 31)),
        ("2020-02", D(2020, 2, 10)),
    ]
    assert month_days(D(2020, 3, 1), D(2020, 2, 10)) == [
        ("2020-02", D(2020, 2, 10))
    ]  # not begun yet
    assert count_day(D(2020, 2, 1), D(2021, 1, 1)) == D(2020, 2, 29)
    assert count_day(D(2020, 12, 1), D(2020, 12, 24)) == D(2020, 12, 24)


# --- limits, bands, warnings --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("load", "status"),
    [
        (Fraction(30), Status.OK),
        (Fraction(61, 2), Status.IN_RANGE),
        (Fraction(35), Status.IN_RANGE),
        (Fraction(3501, 100), Status.OVER),
        (None, Status.NOT_COUNTED),
    ],
)
def test_hir_limits_30_to_35(load, status):
    assert judge(load, Limit(35, 30)) is status


def test_no_limit_and_a_single_limit():
    assert judge(Fraction(99), None) is Status.NO_LIMIT
    assert judge(Fraction(40), Limit(40)) is Status.OK
    assert judge(Fraction(81, 2), Limit(40)) is Status.OVER


@pytest.mark.parametrize(
    ("load", "band"),
    [
        (0, Band.FIVE),
        (20, Band.FIVE),
        (Fraction(41, 2), Band.FOUR),
        (25, Band.FOUR),
        (26, Band.THREE),
        (30, Band.THREE),
        (31, Band.TWO),
        (40, Band.TWO),
        (Fraction(81, 2), Band.ONE),
        (41, Band.ONE),
        (None, None),
    ],
)
def test_ips_fidelity_bands(load, band):
    assert ips_band(load) is band


def test_ips_scores():
    assert [b.score for b in Band] == [5, 4, 3, 2, 1]


def test_default_limits_follow_the_initiative():
    hir = default_settings(builtin_template("hir"))
    assert hir.limit(StaffRole.CASEWORKER) == Limit(35, 30)  # seeds/003: 30-35
    assert hir.limit(StaffRole.JOB_BROKER) == Limit(40)  # seeds/004: about 40
    fsm2 = default_settings(builtin_template("fsm2"))
    assert fsm2.limit(StaffRole.CASEWORKER) is None
    assert fsm2.limit(StaffRole.JOB_BROKER) == Limit(40)
    assert hir.ips is False


def test_stored_settings_over_the_defaults():
    defaults = default_settings(builtin_template("hir"))
    stored = CaseloadSettings(
        {StaffRole.CASEWORKER: Limit(32, None), StaffRole.JOB_BROKER: None}, ips=True
    )
    assert settings_from_json(stored.to_json(), defaults) == stored
    # Unreadable parts keep their defaults.
    odd = {
        "limits": {"sagsbehandler": {"high": "mange"}, "jobformidler": {"high": 20, "low": 30}},
        "ips": "ja",
    }
    assert settings_from_json(odd, defaults) == defaults
    assert settings_from_json(None, defaults) == defaults


def test_report_people_and_warnings():
    settings_ = CaseloadSettings(
        {StaffRole.CASEWORKER: Limit(1.5, 1), StaffRole.JOB_BROKER: Limit(40)}
    )
    left = person("cd", StaffRole.CASEWORKER, 30, active_to=D(2020, 2, 15))
    staff = [STAFF["ab"], left, STAFF["ef"], STAFF["bf"], STAFF["gh"], STAFF["ll"]]
    report = caseload_report(staff, ROWS, settings_, [("2020-01", DAYS[0]), ("2020-02", DAYS[1])])
    jan = {p.record.id: p for p in report.people(0)}
    assert jan["ab"].per_fte == 3 and jan["ab"].status is Status.OVER
    assert jan["cd"].per_fte == Fraction(37, 30) and jan["cd"].status is Status.IN_RANGE
    assert jan["bf"].per_fte is None and jan["bf"].status is Status.NOT_COUNTED
    assert not shown(jan["ll"])  # a leader without citizens
    feb = {p.record.id: p for p in report.people(1)}
    assert feb["cd"].gone_with_citizens  # left 15 February with 2 citizens
    assert report.warnings(1) == [
        "Sagsbehandlere har i alt 1,7 borgere pr. fuldtid – over grænsen på 1,5.",
        "CD (Person cd) har 2,5 borgere pr. fuldtid – over grænsen på 1,5.",
        "CD (Person cd) er fratrådt 15-02-2020, men har 2 borgere – fordel sagsstammen.",
        "GH (Person gh) har 0 timer om ugen; borgeren tæller ikke med i nogens sagsstamme.",
    ]
    assert warnings([]) == []


# --- the register's rules ---------------------------------------------------------------------------
def test_staff_validation_in_danish():
    anna = person("a", StaffRole.CASEWORKER, initials="AB")
    assert validate_staff(anna, [anna]) == {}
    clash = person("b", StaffRole.JOB_BROKER, initials="ab")
    assert validate_staff(clash, [anna]) == {
        "initials": "Initialerne AB bruges allerede af Person a."
    }
    bad = StaffRecord(Staff(" ", "", StaffRole.PSEUDO, 5, id="x"), D(2020, 2, 1), D(2020, 1, 1))
    assert validate_staff(bad, []) == {
        "name": "Navnet skal udfyldes.",
        "initials": "Initialerne skal udfyldes.",
        "hours": "En pseudo-sagsbehandler registreres med 0 timer pr. uge, så borgerne ikke tæller med i nogens sagsstamme.",
        "active_to": "»Aktiv til« 01-01-2020 ligger før »aktiv fra« 01-02-2020.",
    }
    assert "hours" in validate_staff(person("n", StaffRole.CASEWORKER, -1), [])
    bell = StaffRecord(Staff("KL", "Karen\x1bLund", StaffRole.CASEWORKER, 37, id="k"))
    assert validate_staff(bell, []) == {
        "name": "Teksten indeholder et usynligt kontroltegn (U+001B), fx fra en kopieret tekst; fjern det."
    }
    assert "hours" in validate_staff(person("n", StaffRole.CASEWORKER, float("nan")), [])
    assert "hours" in validate_staff(person("n", StaffRole.CASEWORKER, 49), [])
    assert "initials" in validate_staff(person("n", StaffRole.CASEWORKER, initials="A B"), [])


def test_a_role_that_cannot_hold_the_open_cases_is_refused():
    assert role_change_problem(StaffRole.JOB_BROKER, {CW: 3}) == (
        "Medarbejderen har 3 borgere som sagsbehandler; en jobformidler kan ikke have dem. Omfordel borgerne først."
    )
    assert role_change_problem(StaffRole.JOB_BROKER, {CW: 1}) == (
        "Medarbejderen har 1 borger som sagsbehandler; en jobformidler kan ikke have borgeren. Omfordel borgeren først."
    )
    assert role_change_problem(StaffRole.PSEUDO, {CW: 3}) is None
    assert role_change_problem(StaffRole.LEADER, {CW: 0}) is None


# --- plans ---------------------------------------------------------------------------------------------
def case(
    cid: str,
    staff: str = "ab",
    start=D(2020, 1, 1),
    end=None,
    role=CW,
    later=None,
    left=None,
    name=None,
) -> OpenCase:
    return OpenCase(f"a-{cid}", cid, name or f"Borger {cid}", staff, role, start, end, later, left)


def test_reassignment_plan_by_hand():
    day = D(2020, 3, 1)
    cases = [
        case("c2", name="Bo"),
        case("c1", name="Anne"),
        case("c3", start=day, name="Carl"),  # began on the day: cannot end the day before
        case("c4", later=D(2020, 4, 1), name="Dorte"),  # a later assignment exists
        case("c5", left=D(2020, 2, 20), name="Erik"),  # left before the day
        case("c6", staff="cd", name="Finn"),  # already with the receiver
        case("c7", end=D(2020, 6, 30), name="Gert"),  # ends in June: the new one keeps the end
    ]
    plan = plan_reassignment(cases, "cd", day, CW)
    assert [m.case.name for m in plan.moves] == ["Anne", "Bo", "Gert"]
    assert plan.ends_on == D(2020, 2, 29)
    assert {c.name: reason for c, reason in plan.skipped} == {
        "Carl": "Tilknytningen begyndte 01-03-2020; et skift skal ligge efter den dag (ret den på borgersiden).",
        "Dorte": "Borgeren har en senere tilknytning fra 01-04-2020; ret den på borgersiden.",
        "Erik": "Borgeren gik ud 20-02-2020; et skift kan ikke ligge efter afgangen.",
        "Finn": "Borgeren har allerede den medarbejder.",
    }
    assert plan.change() == {"ab": -3, "cd": 3}
    assert plan.after({"ab": 10, "cd": 4}) == {"ab": 7, "cd": 7}


def test_spread_by_hand_is_even_per_full_time_equivalent():
    leaving = person("x", StaffRole.CASEWORKER, 37, active_to=D(2020, 2, 29))
    staff = [
        leaving,
        person("a", StaffRole.CASEWORKER, 37, initials="AA"),
        person("b", StaffRole.CASEWORKER, 18.5, initials="BB"),  # half time
        person("c", StaffRole.CASEWORKER, 37, initials="CC", active_to=D(2020, 1, 31)),  # gone
        person("d", StaffRole.JOB_BROKER, 37, initials="DD"),  # another role
        person("e", StaffRole.PSEUDO, 0, initials="EE"),
    ]
    day = D(2020, 3, 1)
    receivers = spread_receivers(staff, leaving, day)
    assert [r.initials for r in receivers] == ["AA", "BB"]
    cases = [case(f"c{i}", staff="x", name=f"Borger {i:02d}") for i in range(9)]
    plan = plan_spread(cases, receivers, {"a": 10, "b": 4}, day, CW)
    # Loads after receiving, AA (n+1)/37 against BB (n+1)/18.5, ties to the one with fewer now:
    # BB 5; AA 11; tie 12/37 = 6/18.5 → BB 6; AA 12; AA 13; tie → BB 7; AA 14; AA 15; tie → BB 8.
    assert [m.to_staff_id for m in plan.moves] == ["b", "a", "b", "a", "a", "b", "a", "a", "b"]
    assert [m.case.name for m in plan.moves] == [f"Borger {i:02d}" for i in range(9)]
    assert plan.after({"a": 10, "b": 4, "x": 9}) == {"a": 15, "b": 8, "x": 0}
    # per FTE: AA 15, BB 16 — as even as whole citizens allow
    assert (per_fte(15, 37), per_fte(8, 18.5)) == (15, 16)
    with pytest.raises(ValidationError, match="ingen aktive kolleger"):
        plan_spread(cases, [], {}, day, CW)


@st.composite
def spread_inputs(draw):
    n_receivers = draw(st.integers(1, 5))
    receivers = [
        person(
            f"r{i}",
            StaffRole.CASEWORKER,
            draw(st.sampled_from([37.0, 30.0, 18.5])),
            initials=f"R{i}",
        )
        for i in range(n_receivers)
    ]
    loads = {r.id: draw(st.integers(0, 40)) for r in receivers}
    cases = [
        case(f"c{i}", staff="x", name=draw(st.sampled_from(["Ane", "Bo", "Cai", "Dan"])))
        for i in range(draw(st.integers(0, 30)))
    ]
    return receivers, loads, cases


@settings(max_examples=150, deadline=None)
@given(spread_inputs(), st.randoms())
def test_spread_is_deterministic_and_gives_everyone_away(inputs, rnd):
    receivers, loads, cases = inputs
    day = D(2020, 3, 1)
    plan = plan_spread(cases, receivers, loads, day, CW)
    shuffled_cases, shuffled_receivers = list(cases), list(receivers)
    rnd.shuffle(shuffled_cases)
    rnd.shuffle(shuffled_receivers)
    again = plan_spread(shuffled_cases, shuffled_receivers, loads, day, CW)
    assert [(m.case.citizen_id, m.to_staff_id) for m in plan.moves] == [
        (m.case.citizen_id, m.to_staff_id) for m in again.moves
    ]
    assert len(plan.moves) == len(cases) and not plan.skipped
    after = plan.after({**loads, "x": len(cases)})
    assert after["x"] == 0
    assert sum(after.values()) == sum(loads.values()) + len(cases)  # conserved
    # Even: whoever received a citizen had, before that one, the lowest load after receiving.
    for r in receivers:
        if after[r.id] > loads[r.id]:
            last = Fraction(after[r.id]) / Fraction(r.hours)
            assert all(last <= Fraction(after[o.id] + 1) / Fraction(o.hours) for o in receivers)


# --- properties: counting agrees with a day-by-day reference and with the HIR measure ------------------
POOL = [D(2018, 3, 1) + dt.timedelta(days=k) for k in range(0, 400, 7)] + [
    D(2018, 4, 30),
    D(2018, 5, 31),
    D(2018, 6, 1),
]
PROP_STAFF = {
    "full": person("full", StaffRole.CASEWORKER, 37),
    "part": person("part", StaffRole.CASEWORKER, 30),
    "zero": person("zero", StaffRole.CASEWORKER, 0),
    "bf": person("bf", StaffRole.PSEUDO, 0),
    "jf": person("jf", StaffRole.JOB_BROKER, 37),
    "jf2": person("jf2", StaffRole.JOB_BROKER, 20),
}


@st.composite
def assignment_rows(draw):
    rows, left = [], {}
    for c in range(draw(st.integers(0, 8))):
        cid = f"c{c}"
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.sampled_from(POOL))
            end = draw(st.one_of(st.none(), st.sampled_from([d for d in POOL if d >= start])))
            sid = draw(st.sampled_from(sorted(PROP_STAFF)))
            role = draw(st.sampled_from(["sagsbehandler", "jobformidler"]))
            rows.append((cid, sid, role, start.isoformat(), end.isoformat() if end else None))
        if draw(st.booleans()) and draw(st.booleans()):
            left[cid] = draw(st.sampled_from(POOL)).isoformat()
    return AssignmentRows(rows, left)


def reference_count(rows: AssignmentRows, staff, day: dt.date) -> dict[str, int]:
    """Day by day, citizen by citizen, the rule as docs/caseload.md words it."""
    iso = day.isoformat()

    def open_on(r):
        return r[3] <= iso and (r[4] is None or r[4] >= iso)

    gone = {cid for cid, when in rows.left.items() if when <= iso}
    parked = set()
    for cid in {r[0] for r in rows.assignments}:
        caseworkers = [
            staff[r[1]]
            for r in rows.assignments
            if r[0] == cid and r[2] == "sagsbehandler" and open_on(r)
        ]
        if caseworkers and not any(s.counted for s in caseworkers):
            parked.add(cid)
    holds = {StaffRole.JOB_BROKER: "jobformidler", StaffRole.CASEWORKER: "sagsbehandler"}
    out = {}
    for sid, s in staff.items():
        cids = {
            r[0]
            for r in rows.assignments
            if r[1] == sid and r[2] == holds.get(s.role) and open_on(r)
        }
        out[sid] = len(cids - gone - parked) if s.counted else 0
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assignment_rows())
def test_counts_agree_with_the_day_by_day_reference(rows):
    days = [d for _, d in month_days(D(2018, 3, 1), D(2019, 3, 31))]
    history = count_caseloads(rows, PROP_STAFF, days)
    for k, day in enumerate(days):
        assert {sid: counts[k] for sid, counts in history.citizens.items()} == reference_count(
            rows, PROP_STAFF, day
        )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assignment_rows())
def test_caseworkers_as_a_whole_are_the_hir_measure(rows):
    """The team figure is hir.caseload: the same citizens and the same full-time equivalents."""
    template = builtin_template("hir")
    citizens = {}
    for cid, sid, role, start, end in rows.assignments:
        citizens.setdefault(cid, []).append(
            Span(role, D.fromisoformat(start), D.fromisoformat(end) if end else None, sid)
        )
    # HIR registers a caseworker only while the citizen is in ressourceforløb: every other
    # citizen in it all along, the rest from mid-June to the end of November 2018 (a benefit
    # change on a month's last day), or never.
    courses = {}
    for n, cid in enumerate(sorted(citizens)):
        courses[cid] = [[("2018-01-01", None)], [("2018-06-15", "2018-11-30")], []][n % 3]
    facts = Facts(
        citizens=[
            CitizenFacts(
                id=cid,
                name=cid,
                group=None,
                entry_date=None,
                exit_date=D.fromisoformat(rows.left[cid]) if cid in rows.left else None,
                exit_reason="fraflyttet" if cid in rows.left else None,
                periods=[
                    Span("ressourceforloeb", D.fromisoformat(a), D.fromisoformat(b) if b else None)
                    for a, b in courses[cid]
                ],
                paid_hours={},
                assignments=spans,
            )
            for cid, spans in citizens.items()
        ],
        staff={sid: StaffFacts(sid, s.initials, s.role, s.hours) for sid, s in PROP_STAFF.items()},
    )
    report = compute(template, facts, Month(2018, 3), Month(2019, 3))
    measured = {
        str(r.period_start): (r.numerator, r.denominator)
        for r in report.results
        if r.measure == "hir.caseload"
    }
    days = month_days(D(2018, 3, 1), D(2019, 3, 31))
    registered = AssignmentRows(rows.assignments, rows.left, courses)
    history = count_caseloads(registered, PROP_STAFF, [d for _, d in days])
    for k, (label, _day) in enumerate(days):
        citizens_, hours = history.team[StaffRole.CASEWORKER][k]
        assert measured[label] == (citizens_, pytest.approx(hours / 37))


@st.composite
def handover_chains(draw):
    """Histories as the program writes them: per citizen and role, rows one after the other (a
    change ends one row the day before the next begins), the last one open or ended."""
    rows, left = [], {}
    holders = {"sagsbehandler": ["full", "part", "zero", "bf"], "jobformidler": ["jf", "jf2"]}
    for c in range(draw(st.integers(0, 8))):
        cid = f"c{c}"
        for role, staff in holders.items():
            starts = sorted(draw(st.sets(st.sampled_from(POOL), max_size=3)))
            for i, start in enumerate(starts):
                if i + 1 < len(starts):
                    end = starts[i + 1] - dt.timedelta(days=1)
                else:
                    end = draw(
                        st.one_of(st.none(), st.sampled_from([d for d in POOL if d >= start]))
                    )
                rows.append(
                    (
                        cid,
                        draw(st.sampled_from(staff)),
                        role,
                        start.isoformat(),
                        end.isoformat() if end else None,
                    )
                )
        if draw(st.integers(0, 3)) == 0:
            left[cid] = draw(st.sampled_from(POOL)).isoformat()
    return AssignmentRows(rows, left)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(handover_chains(), st.sampled_from(POOL), st.sampled_from(["full", "part"]), st.data())
def test_a_reassignment_conserves_the_total_caseload(rows, day, receiver, data):
    """Apply a plan to the rows as storage does (end the day before, start on the day with the
    old end): before the day nothing changes; from the day on the caseworkers' total, one by one
    and as a whole, is the same; on the day the giver has lost and the receiver gained the plan's
    citizens exactly."""
    giver = "part" if receiver == "full" else "full"
    iso = day.isoformat()
    cases = []
    for i, (cid, sid, role, start, end) in enumerate(rows.assignments):
        later = [r[3] for r in rows.assignments if r[0] == cid and r[2] == role and r[3] > start]
        if (
            role == "sagsbehandler"
            and sid == giver
            and start <= iso
            and (end is None or end >= iso)
            and (cid not in rows.left or rows.left[cid] > iso)
        ):
            cases.append(
                OpenCase(
                    str(i),
                    cid,
                    cid,
                    sid,
                    CW,
                    D.fromisoformat(start),
                    D.fromisoformat(end) if end else None,
                    D.fromisoformat(min(later)) if later else None,
                    D.fromisoformat(rows.left[cid]) if cid in rows.left else None,
                )
            )
    chosen = data.draw(st.lists(st.sampled_from(cases), unique=True) if cases else st.just([]))
    plan = plan_reassignment(chosen, receiver, day, CW)
    after = list(rows.assignments)
    for move in plan.moves:
        i = int(move.case.assignment_id)
        cid, sid, role, start, end = after[i]
        after[i] = (cid, sid, role, start, plan.ends_on.isoformat())
        after.append((cid, receiver, role, iso, end))
    days = sorted(
        {d for _, d in month_days(D(2018, 3, 1), D(2019, 3, 31))}
        | {day, day - dt.timedelta(days=1)}
    )
    before_h = count_caseloads(rows, PROP_STAFF, days)
    after_h = count_caseloads(AssignmentRows(after, rows.left), PROP_STAFF, days)
    for k, d in enumerate(days):
        if d < day:
            assert {s: c[k] for s, c in after_h.citizens.items()} == {
                s: c[k] for s, c in before_h.citizens.items()
            }
        else:
            assert (
                after_h.citizens["full"][k] + after_h.citizens["part"][k]
                == before_h.citizens["full"][k] + before_h.citizens["part"][k]
            )
            assert after_h.citizens["jf"][k] == before_h.citizens["jf"][k]
        assert after_h.team[StaffRole.CASEWORKER][k][0] == before_h.team[StaffRole.CASEWORKER][k][0]
    k = days.index(day)
    assert {s: after_h.citizens[s][k] for s in ("full", "part")} == plan.after(
        {s: before_h.citizens[s][k] for s in ("full", "part")}
    )
    assert len(plan.moves) == sum(1 for c in chosen if c.later_start is None and c.start < day)
