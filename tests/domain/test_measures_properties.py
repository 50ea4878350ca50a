"""Property tests of the measures engine on random small histories.

Random citizens (groups, entries, exits with every reason, periods of every kind, paid hours
including 0, assignments to job brokers, caseworkers and pseudo-caseworkers) around each
template's period, with the dates biased towards the edges that matter: first and last days of
months, ISO week boundaries, the baseline week, the measures' windows and the leap day, and
towards a few shared days per example so that entries, exits and periods coincide.

* numerator <= denominator, and the drill-down's numerator lies inside its denominator;
* one more qualifying day (a one-day ordinary job, an hour of paid hours) never lowers a
  numerator;
* the engine agrees exactly with the day-by-day reference (measures_reference.py) for all four
  builtin templates, three copies with other dates and copies with other target-group rules
  (BIR's baseline week counted month by month, FSM2 with it, the age limit at day precision,
  an age that leap-day births reach in the period): counts per period and the drill-down's citizen
  ids (caseload: the citizens, and the full-time equivalents).

A thorough run (a few minutes): FSM_MEASURES_EXAMPLES=3000 pytest tests/domain/test_measures_properties.py
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from measures_reference import full_time_equivalents, iso_weeks_of, reference

from fsm_desktop.domain.measures import CitizenFacts, Facts, Month, Span, StaffFacts, compute
from fsm_desktop.domain.model import ExitReason, PeriodKind, StaffRole
from fsm_desktop.domain.program import BUILTIN, builtin_template, parse_template

TEMPLATES = {key: builtin_template(key) for key in BUILTIN}


def _copy(
    key: str,
    new_key: str,
    start: str,
    end: str,
    baseline: str,
    window: dict | None = None,
    **first_measure,
):
    """A user's copy of a builtin template with other dates (the rules are the same)."""
    data = copy.deepcopy(TEMPLATES[key].raw)
    data.update(key=new_key, period={"start": start, "end": end}, baseline_date=baseline)
    if window:
        data["measures"][0]["window"] = window
    data["measures"][0].update(first_measure)
    return parse_template(data)


def _with_target_group_rule(key: str):
    data = copy.deepcopy(TEMPLATES[key].raw)
    data["key"] = key + "_target_group"
    for measure in data["measures"]:
        measure["population"] = {"rule": "target_group", "groups": [], "exclude_markings": []}
    return parse_template(data)


def _with_target_group(template, new_key: str, **rule):
    """A copy whose target group has another minimum age or entry rule."""
    data = copy.deepcopy(template.raw)
    data["key"] = new_key
    data["target_group"].update(rule)
    return parse_template(data)


#: The builtin templates, plus copies whose dates reach the leap day (HIR's seniority: the end
#: of February 2020 and 2021), another baseline week (BIR: 1 January 2021 is a Friday, so the
#: first ISO week of January 2021 is 4-10 January), and a job-broker window that starts and ends
#: mid-month (Frontrunner: day precision at the window's edges).
VARIANTS = {
    **TEMPLATES,
    "hir_leap": _copy("hir", "hir_leap", "2019-12-01", "2021-03-31", "2019-12-01"),
    "bir_2021": _copy("bir", "bir_2021", "2020-12-15", "2022-06-30", "2021-01-01"),
    # BIR's target group rule (the baseline week) counted by the target_group population rule
    # (as the status sheet does): a user's template with BIR's group and FSM2's counting.
    "bir_target_group": _with_target_group_rule("bir"),
    "frontrunner_mid": _copy(
        "frontrunner",
        "frontrunner_mid",
        "2018-12-01",
        "2019-12-31",
        "2019-01-01",
        window={"start": "2019-01-15", "end": "2019-12-15"},
    ),
    # The job broker counted from a day mid-month before the window (issue 18's project period,
    # moved): the day-by-day path for the numerator alone.
    "frontrunner_from_mid": _copy(
        "frontrunner",
        "frontrunner_from_mid",
        "2018-12-01",
        "2019-12-31",
        "2019-01-01",
        qualifying_from="2018-12-10",
    ),
}
# The target group's rules on the other paths: FSM2 with BIR's baseline week; an age limit at
# day precision (Frontrunner's window starting mid-month) and with BIR's week; and an age of 29,
# which people born on 29 February 1992 reach on 1 March 2021, inside FSM2's period.
VARIANTS.update(
    {
        "fsm2_since_baseline": _with_target_group(
            TEMPLATES["fsm2"], "fsm2_since_baseline", entry="benefit_since_baseline"
        ),
        "frontrunner_mid_30": _with_target_group(
            VARIANTS["frontrunner_mid"], "frontrunner_mid_30", min_age=30
        ),
        "bir_target_group_30": _with_target_group(
            VARIANTS["bir_target_group"], "bir_target_group_30", min_age=30
        ),
        "fsm2_29": _with_target_group(TEMPLATES["fsm2"], "fsm2_29", min_age=29),
    }
)
DAY = dt.timedelta(days=1)

#: Examples per template for the comparison with the reference; the engine-only properties
#: get half as many (they are implied by the comparison, and cheap to state on their own).
EXAMPLES = int(os.environ.get("FSM_MEASURES_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- strategies ----------------------------------------------------------------------------------


def _bounds(template) -> tuple[dt.date, dt.date]:
    # HIR's seniority looks a year back and its passive window 11 months more: start early.
    return template.start - dt.timedelta(days=450), template.end + dt.timedelta(days=60)


def _edge_days(template) -> tuple[list[dt.date], list[dt.date]]:
    """Days where the rules change their mind: (calendar, rare). Calendar: every month's first
    and last day, the Sunday of its last ISO week and the Monday after. Rare, drawn on their
    own: the windows' and the baseline week's edges (± one day), the leap day, and for rolling
    quarters the ends of each month's last ISO week again (the BIR exit edge)."""
    lo, hi = _bounds(template)
    calendar: list[dt.date] = []
    quarter_edges: list[dt.date] = []
    month = Month(lo.year, lo.month)
    while month.first <= hi:
        _, sunday = iso_weeks_of(month)[-1]
        calendar += [month.first, month.last, sunday, sunday + DAY]
        quarter_edges += [sunday, sunday + DAY, month.last]
        month = month + 1
    rare: list[dt.date] = []
    for spec in template.measures:
        if spec.window:
            rare += [spec.window[0] - DAY, spec.window[0], spec.window[1], spec.window[1] + DAY]
    baseline = iso_weeks_of(Month.of(template.baseline_date))[0]
    rare += [baseline[0] - DAY, baseline[0], baseline[1], baseline[1] + DAY]
    rare += [dt.date(2019, 2, 28), dt.date(2019, 3, 1), dt.date(2020, 2, 28), dt.date(2020, 2, 29)]
    if any(spec.unit == "rolling_quarter" for spec in template.measures):
        rare += quarter_edges

    def inside(days: list[dt.date]) -> list[dt.date]:
        return sorted(d for d in set(days) if lo <= d <= hi)

    return inside(calendar), inside(rare)


# The generator draws small integers and picks from plain lists: building strategies per draw
# (one_of, sampled_from of a drawn list, composite spans) made it the slowest part of the file.
_CHOICE = st.integers(0, 255)
_KINDS = [k.value for k in PeriodKind]


def _pick(draw, seq):
    return seq[draw(_CHOICE) % len(seq)]


class _Days:
    """How one template's examples draw days (and period kinds)."""

    def __init__(self, template) -> None:
        self.lo, self.hi = _bounds(template)
        calendar, self.rare = _edge_days(template)
        self.special = calendar + self.rare
        self.any = st.dates(self.lo, self.hi)
        # Period kinds: the template's own (benefits, qualifying, excluded, never-qualifying)
        # three times as often as the others, so that most examples have something to count.
        relevant = {k.value for k in template.target_group.benefits}
        for spec in template.measures:
            relevant |= {q for q in spec.qualifying if q in _KINDS}
            relevant |= {k.value for k in spec.never_qualifying + spec.population.exclude_markings}
        self.kinds = _KINDS + 3 * sorted(relevant)
        self.benefits = [k.value for k in template.target_group.benefits]

    def fresh(self, draw) -> dt.date:
        return _pick(draw, self.special) if draw(st.booleans()) else draw(self.any)

    def edge(self, draw, pool: list[dt.date]) -> dt.date:
        """For entries and exits: a third of the time a rare day, else :meth:`near`."""
        return _pick(draw, self.rare) if draw(_CHOICE) % 3 == 0 else self.near(draw, pool)

    def near(self, draw, pool: list[dt.date]) -> dt.date:
        """Mostly one of the example's few pool days or a day or a week off one (so that
        entries, exits, periods and weeks coincide often), sometimes a rare or a fresh day."""
        mode = draw(_CHOICE) % 5
        if mode == 3:
            return self.fresh(draw)
        if mode == 4:
            return _pick(draw, self.rare)
        day = _pick(draw, pool)
        if mode == 2:
            day += dt.timedelta(days=_pick(draw, (-7, -1, 1, 2, 7)))
        return min(self.hi, max(self.lo, day))


_DAYS: dict[str, _Days] = {}


def _days(template) -> _Days:
    if template.key not in _DAYS:
        _DAYS[template.key] = _Days(template)
    return _DAYS[template.key]


_LENGTHS = (None, None, 0, 1, 2, 6, 30, 31, 92, 200, 400, 800)
_HOURS = (0.0, 0.5, 12.0, 37.0)
_ROLES = (StaffRole.CASEWORKER, StaffRole.CASEWORKER, StaffRole.PSEUDO, StaffRole.JOB_BROKER)


def _span(draw, days: _Days, pool, kinds, staff_ids=None) -> Span:
    start = days.near(draw, pool)
    length = _pick(draw, _LENGTHS)
    end = None if length is None else start + dt.timedelta(days=length)
    if end is not None and draw(st.booleans()):  # often end on a pool or special day
        end = max(start, days.near(draw, pool))
    staff = _pick(draw, staff_ids) if staff_ids else None
    return Span(_pick(draw, kinds), start, end, staff)


@st.composite
def facts_for(draw, template, max_citizens=6):
    """Up to ``max_citizens`` citizens and 1-4 staff (caseworkers, pseudo-caseworkers, job
    brokers; 0, 10, 18.5 or 37 hours)."""
    days = _days(template)
    staff: dict[str, StaffFacts] = {}
    for i in range(1 + draw(_CHOICE) % 4):
        staff[f"s{i}"] = StaffFacts(
            f"s{i}", f"S{i}", _pick(draw, _ROLES), _pick(draw, (0.0, 10.0, 18.5, 37.0))
        )
    staff_ids = sorted(staff)
    pool = [days.fresh(draw) for _ in range(1 + draw(_CHOICE) % 4)]
    months = sorted({f"{d.year:04d}-{d.month:02d}" for d in pool})
    citizens = []
    for i in range(draw(st.integers(0, max_citizens))):
        entry = days.edge(draw, pool) if draw(st.booleans()) else None
        exit_date = days.edge(draw, pool) if draw(st.booleans()) else None
        reason = None
        if exit_date is not None:
            reason = _pick(draw, list(ExitReason))
            if entry is not None and exit_date < entry:  # the schema's CHECK
                entry, exit_date = exit_date, entry
        periods = [_span(draw, days, pool, days.kinds) for _ in range(draw(_CHOICE) % 7)]
        if draw(st.booleans()):  # half the citizens get the template's benefit, often long
            periods.append(_span(draw, days, pool, days.benefits))
        paid = {}
        for _ in range(draw(_CHOICE) % 4):
            day = days.near(draw, pool)
            paid[
                _pick(draw, months) if draw(st.booleans()) else f"{day.year:04d}-{day.month:02d}"
            ] = _pick(draw, _HOURS)
        assignments = [
            _span(draw, days, pool, ["jobformidler", "sagsbehandler"], staff_ids)
            for _ in range(draw(_CHOICE) % 4)
        ]
        birth = None
        age = template.target_group.min_age or 30
        kind = draw(_CHOICE) % 8
        if kind == 7:  # born on a leap day: the birthday falls on 1 March in other years
            years = [
                y
                for y in range(days.lo.year - age - 3, days.hi.year - age + 1)
                if calendar.isleap(y)
            ]
            birth = dt.date(_pick(draw, years), 2, 29)
        elif kind > 1:  # around the day of the target group's minimum age, or long before
            day = days.near(draw, pool)
            years = age + _pick(draw, (0, 0, 0, 10))
            birth = dt.date(
                day.year - years, day.month, 28 if (day.month, day.day) == (2, 29) else day.day
            )
            birth += dt.timedelta(days=_pick(draw, (-1, 0, 0, 1, 40)))
        citizens.append(
            CitizenFacts(
                birth_date=birth,
                id=f"c{i}",
                name=f"Borger {i}",
                group=_pick(draw, (1, 1, 2, None)),
                entry_date=entry,
                exit_date=exit_date,
                exit_reason=reason,
                periods=periods,
                paid_hours=paid,
                assignments=assignments,
            )
        )
    return Facts(citizens=citizens, staff=staff)


def _months(first: Month, last: Month) -> list[Month]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = month + 1
    return out


@st.composite
def range_for(draw, template):
    """The template's own period (half the time) or a random range around it."""
    default = (Month.of(template.start), Month.of(template.end))
    if draw(st.booleans()):
        return default
    months = _months(default[0] - 3, default[1] + 3)
    a = draw(st.sampled_from(months))
    b = draw(st.sampled_from(months))
    return (min(a, b), max(a, b))


# --- properties ----------------------------------------------------------------------------------


def _key(result) -> tuple[str, str, str]:
    return (result.measure, str(result.period_start), str(result.period_end))


#: The variants whose facts are largest (BIR's baseline-week target group counted per measure):
#: a tenth of the suite's time at full count, so half as many examples (still 50 each).
HEAVY = ("bir_target_group", "bir_target_group_30")


@pytest.mark.parametrize("key", [key for key in VARIANTS if key not in HEAVY])
@SETTINGS
@given(data=st.data())
def test_engine_agrees_with_the_day_by_day_reference(key, data):
    _agrees_with_the_reference(key, data)


@pytest.mark.parametrize("key", HEAVY)
@settings(SETTINGS, max_examples=max(10, EXAMPLES // 2))
@given(data=st.data())
def test_engine_agrees_with_the_reference_on_the_largest_target_groups(key, data):
    _agrees_with_the_reference(key, data)


def _agrees_with_the_reference(key, data) -> None:
    template = VARIANTS[key]
    facts = data.draw(facts_for(template), label="facts")
    first, last = data.draw(range_for(template), label="range")
    # As objects (how tests state a history), or as the plain rows storage hands over, from
    # which the drill-down builds its own objects.
    as_rows = data.draw(st.booleans(), label="as rows")
    rows = facts.rows()
    rows.objects = None
    report = compute(template, rows if as_rows else facts, first, last)
    expected = reference(template, facts, first, last)
    assert sorted(_key(r) for r in report.results) == sorted(expected), (
        "the same measurement periods"
    )
    for result in report.results:
        numerator_ids, denominator_ids = expected[_key(result)]
        numerator, denominator = result.members()
        if result.spec.kind == "caseload":
            # numerator: citizens; denominator: full-time caseworkers (engine rounds to 4 places)
            assert result.numerator == len(numerator_ids), _key(result)
            assert result.denominator == pytest.approx(
                float(full_time_equivalents(facts, denominator_ids)), abs=1e-4
            )
            assert {m.citizen_id for m in numerator} == numerator_ids
            continue
        assert (result.numerator, result.denominator) == (
            len(numerator_ids),
            len(denominator_ids),
        ), _key(result)
        assert {m.citizen_id for m in numerator} == numerator_ids, _key(result)
        assert {m.citizen_id for m in denominator} == denominator_ids, _key(result)


@pytest.mark.parametrize("key", BUILTIN)
@settings(
    max_examples=max(10, EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_numerator_never_exceeds_denominator(key, data):
    template = TEMPLATES[key]
    facts = data.draw(facts_for(template, max_citizens=10), label="facts")
    for result in compute(template, facts).results:
        if result.spec.kind == "caseload":
            continue
        assert 0 <= result.numerator <= result.denominator
        numerator, denominator = result.members()
        assert len(numerator) == result.numerator and len(denominator) == result.denominator
        assert {m.citizen_id for m in numerator} <= {m.citizen_id for m in denominator}
        assert all(m.reason for m in numerator + denominator)
        if result.share is not None:
            assert 0 <= result.share <= 1


@pytest.mark.parametrize("key", BUILTIN)
@settings(
    max_examples=max(10, EXAMPLES // 2), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_one_more_qualifying_day_never_lowers_a_numerator(key, data):
    template = TEMPLATES[key]
    facts = data.draw(facts_for(template), label="facts")
    if not facts.citizens:
        return
    before = {_key(r): r.numerator for r in compute(template, facts).results}
    more = copy.deepcopy(facts)
    citizen = data.draw(st.sampled_from(more.citizens), label="citizen")
    day = _days(template).edge(
        data.draw, [citizen.periods[0].start] if citizen.periods else [template.start]
    )
    if data.draw(st.booleans(), label="paid hours instead"):
        month = f"{day.year:04d}-{day.month:02d}"
        citizen.paid_hours[month] = (
            citizen.paid_hours.get(month, 0.0) + 1.0
        )  # 0 hours → 1 hour counts
    else:
        citizen.periods.append(Span(PeriodKind.ORDINAER_BESKAEFTIGELSE.value, day, day))
    after = {_key(r): r.numerator for r in compute(template, more).results}
    assert after.keys() == before.keys()
    for k in before:
        assert after[k] >= before[k], k


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=80).flatmap(
        lambda width: st.tuples(
            st.just(width), st.lists(st.integers(min_value=0, max_value=2**width - 1), max_size=60)
        )
    )
)
def test_counting_bits_side_by_side_equals_counting_them_one_by_one(case):
    from fsm_desktop.domain.measures import _column_counts

    width, masks = case
    expected = [sum(1 for mask in masks if mask >> i & 1) for i in range(width)]
    assert _column_counts(masks, width) == expected
    assert _column_counts(iter(masks), width) == expected  # any iterable, read once
