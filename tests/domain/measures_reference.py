"""A slow, obviously correct reference implementation of the measures (the rules of
docs/measures.md), written separately from the engine in fsm_desktop/domain/measures.py.

It shares only the engine's *input* types (CitizenFacts, Span, Facts, StaffFacts, Month) and
the template. Everything else is done the long way, one day at a time:

* a source touches a set of days when it touches at least one of them, and it touches a day
  when a period of its kind covers the day (paid hours: when the day's month has hours > 0;
  the job broker: when a "jobformidler" assignment covers the day);
* in the target group is a per-day predicate;
* ISO weeks come from ``date.isocalendar()`` / ``date.fromisocalendar()``.

``reference(template, facts, first, last)`` returns
``{(measure_id, "YYYY-MM", "YYYY-MM"): (numerator_ids, denominator_ids)}`` for the share
measures, and for the caseload measure ``(citizen_ids, caseworker_ids)``: the citizens counted
and the caseworkers whose hours make the denominator (:func:`full_time_equivalents`).

Nothing here is fast and nothing here is clever on purpose.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from fsm_desktop.domain.measures import CitizenFacts, Facts, Month, Span

ONE_DAY = dt.timedelta(days=1)
LEAVING = {"fraflyttet", "folkepension", "doed"}
FULL_TIME = 37


# --- calendar helpers, written from scratch -------------------------------------------------------


def first_day(month: Month) -> dt.date:
    return dt.date(month.year, month.month, 1)


def last_day(month: Month) -> dt.date:
    day = first_day(month)
    while (day + ONE_DAY).month == month.month:
        day += ONE_DAY
    return day


def next_month(month: Month) -> Month:
    return Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)


def previous_month(month: Month) -> Month:
    return Month(month.year - 1, 12) if month.month == 1 else Month(month.year, month.month - 1)


def months_from_to(first: Month, last: Month) -> list[Month]:
    out = []
    month = first
    while (month.year, month.month) <= (last.year, last.month):
        out.append(month)
        month = next_month(month)
    return out


def days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def iso_weeks_of(month: Month) -> list[tuple[dt.date, dt.date]]:
    """The ISO weeks belonging to the month: those whose Thursday lies in it (Monday–Sunday)."""
    weeks = []
    for day in days(first_day(month), last_day(month)):
        iso_year, iso_week, weekday = day.isocalendar()
        if weekday == 4:  # Thursday
            weeks.append(
                (
                    dt.date.fromisocalendar(iso_year, iso_week, 1),
                    dt.date.fromisocalendar(iso_year, iso_week, 7),
                )
            )
    return weeks


def first_anniversary(day: dt.date) -> dt.date:
    """The same date a year later; 29 February → 28 February."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year + 1, 2, 28)
    return dt.date(day.year + 1, day.month, day.day)


# --- per-day predicates ----------------------------------------------------------------------------


def covers(span: Span, day: dt.date) -> bool:
    return span.start <= day and (span.end is None or day <= span.end)


def touches_on(citizen: CitizenFacts, source: str, day: dt.date) -> bool:
    if source == "loentimer":
        return citizen.paid_hours.get(f"{day.year:04d}-{day.month:02d}", 0) > 0
    if source == "jobformidler":
        return any(a.kind == "jobformidler" and covers(a, day) for a in citizen.assignments)
    return any(p.kind == source and covers(p, day) for p in citizen.periods)


def touches(citizen: CitizenFacts, sources, first: dt.date, last: dt.date) -> bool:
    return any(touches_on(citizen, source, day) for day in days(first, last) for source in sources)


def has_left_by(citizen: CitizenFacts, day: dt.date) -> bool:
    """Moved away, retired or died on or before ``day`` ("andet" never counts as leaving)."""
    return (
        citizen.exit_date is not None
        and citizen.exit_reason is not None
        and str(citizen.exit_reason) in LEAVING
        and citizen.exit_date <= day
    )


def turns(birth_date: dt.date, years: int) -> dt.date:
    """The day someone turns ``years``: the birthday in that year (born 29 February: the day
    after 28 February, i.e. 1 March in a year without a leap day)."""
    return dt.date(birth_date.year + years, birth_date.month, 1) + (birth_date.day - 1) * ONE_DAY


def entry_day(template, citizen: CitizenFacts) -> dt.date | None:
    """The day the citizen enters the target group; None: from the start; dt.date.max: never.
    BIR's rule (entry "benefit_since_baseline"): only the benefit periods decide: the first one
    reaching the baseline month's first ISO week (or beginning later) brings the citizen in;
    without one the citizen never enters (the entry date is not used). The others: the entry
    date; without one, the first benefit period that lasts into the initiative's start (all
    ended before it: never; none: from the start). FSM2's minimum age (30): not before the
    30th birthday."""
    target_group = template.target_group
    benefits = [
        p for p in citizen.periods if p.kind in {str(kind) for kind in target_group.benefits}
    ]
    if target_group.entry == "benefit_since_baseline":
        monday = iso_weeks_of(Month(template.baseline_date.year, template.baseline_date.month))[0][
            0
        ]
        reaching = [
            p
            for p in benefits
            if any(covers(p, day) for day in days(monday, monday + 6 * ONE_DAY)) or p.start > monday
        ]
        if not reaching:
            return dt.date.max
        entry = min(p.start for p in reaching)
    elif citizen.entry_date is not None:
        entry = citizen.entry_date
    elif benefits:  # the first benefit period lasting into the initiative (else: never)
        reaching = [p for p in benefits if p.end is None or p.end >= template.start]
        if not reaching:
            return dt.date.max
        entry = min(p.start for p in reaching)
    else:
        entry = None
    if target_group.min_age and citizen.birth_date is not None:
        birthday = turns(citizen.birth_date, target_group.min_age)
        if entry is None or birthday > entry:
            entry = birthday
    return entry


def in_target_group_on(template, citizen: CitizenFacts, day: dt.date) -> bool:
    """Entered by ``day`` and not left before it (the exit day itself is still inside)."""
    entry = entry_day(template, citizen)
    if entry is not None and entry > day:
        return False
    return not has_left_by(citizen, day - ONE_DAY)


# --- measurement periods ---------------------------------------------------------------------------


def measurement_periods(
    spec, first: Month, last: Month
) -> list[tuple[dt.date, dt.date, Month, Month]]:
    """(first day, last day, first month, last month) of every measurement period."""
    range_first, range_last = first_day(first), last_day(last)
    window_first, window_last = spec.window if spec.window else (range_first, range_last)
    months = [
        m
        for m in months_from_to(first, last)
        if first_day(m) <= window_last and last_day(m) >= window_first
    ]
    if spec.unit == "month":
        return [(first_day(m), last_day(m), m, m) for m in months]
    if spec.unit == "rolling_quarter":
        out = []
        for i in range(len(months) - 2):
            a, b, c = months[i], months[i + 1], months[i + 2]
            if next_month(a) == b and next_month(b) == c:
                out.append((first_day(a), last_day(c), a, c))
        return out
    lo, hi = max(range_first, window_first), min(range_last, window_last)
    if hi < lo:
        return []
    return [(lo, hi, Month(lo.year, lo.month), Month(hi.year, hi.month))]


# --- the measures ----------------------------------------------------------------------------------


def _target_group(
    template, spec, citizen: CitizenFacts, lo: dt.date, hi: dt.date
) -> tuple[bool, bool]:
    groups = spec.population.groups
    if groups and citizen.group not in groups:
        return False, False
    if not any(in_target_group_on(template, citizen, day) for day in days(lo, hi)):
        return False, False
    excluded = [str(k) for k in spec.population.exclude_markings]
    if touches(citizen, excluded, lo, hi):
        return False, False
    # A qualifying source counts from ``qualifying_from`` when the measure says so (Frontrunner's
    # job broker "i løbet af projektperioden"), else from the period's first day.
    since = min(lo, spec.qualifying_from) if spec.qualifying_from is not None else lo
    qualifying = touches(citizen, spec.qualifying, since, hi)
    never = touches(citizen, [str(k) for k in spec.never_qualifying], since, hi)
    return True, qualifying and not never


def bir_weeks(template, f: Month, l: Month) -> tuple[dt.date, dt.date, dt.date]:
    """For the quarter F..L: the baseline week's Monday, the last day a ressourceforløb brings a
    citizen in (the Sunday of F−1's last ISO week, at the earliest the baseline week's Sunday),
    and the Sunday of L's last ISO week (leaving by then takes a citizen out)."""
    baseline = iso_weeks_of(Month(template.baseline_date.year, template.baseline_date.month))[0]
    week_before = iso_weeks_of(previous_month(f))[-1]
    last_week = iso_weeks_of(l)[-1]
    return baseline[0], max(week_before[1], baseline[1]), last_week[1]


def _bir(
    spec, citizen: CitizenFacts, lo: dt.date, hi: dt.date, weeks: tuple[dt.date, dt.date, dt.date]
) -> tuple[bool, bool]:
    since, until, last_sunday = weeks
    in_rf = any(touches_on(citizen, "ressourceforloeb", day) for day in days(since, until))
    if not in_rf or has_left_by(citizen, last_sunday):
        return False, False
    qualifying = touches(citizen, spec.qualifying, lo, hi)
    never = touches(citizen, [str(k) for k in spec.never_qualifying], lo, hi)
    return True, qualifying and not never


def _passive(spec, citizen: CitizenFacts, hi: dt.date) -> tuple[bool, bool]:
    if has_left_by(citizen, hi):
        return False, False
    # At least a year's seniority on D: the course's first anniversary is on or before D. (For a
    # month's last day D this is "began on or before the same date a year earlier", except that
    # a course begun on 29 February has its anniversary on 28 February: docs/measures.md.)
    senior = any(
        p.kind == "ressourceforloeb" and covers(p, hi) and first_anniversary(p.start) <= hi
        for p in citizen.periods
    )
    if not senior:
        return False, False
    month = Month(hi.year, hi.month)
    for _ in range(11):
        month = previous_month(month)
    active = touches(citizen, spec.qualifying, first_day(month), hi)
    return True, not active


def _caseload(facts: Facts, day: dt.date) -> tuple[set[str], set[str]]:
    """HIR: on the month's last day, citizens in ressourceforløb with a coordinating caseworker
    (the registration ends when the citizen changes benefit: seed 003, registration §3)."""
    citizens, caseworkers = set(), set()
    for citizen in facts.citizens:
        if has_left_by(citizen, day):
            continue
        if not touches_on(citizen, "ressourceforloeb", day):
            continue
        for a in citizen.assignments:
            staff = facts.staff.get(a.staff_id)
            if (
                a.kind == "sagsbehandler"
                and covers(a, day)
                and staff is not None
                and str(staff.role) == "sagsbehandler"
                and staff.hours_per_week > 0
            ):
                citizens.add(citizen.id)
                caseworkers.add(staff.id)
    return citizens, caseworkers


def full_time_equivalents(facts: Facts, caseworkers: set[str]) -> Fraction:
    return (
        sum((Fraction(str(facts.staff[s].hours_per_week)) for s in caseworkers), Fraction(0))
        / FULL_TIME
    )


def reference(
    template, facts: Facts, first: Month | None = None, last: Month | None = None
) -> dict:
    first = first or Month(template.start.year, template.start.month)
    last = last or Month(template.end.year, template.end.month)
    out: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for spec in template.measures:
        for lo, hi, f, l in measurement_periods(spec, first, last):
            key = (spec.id, str(f), str(l))
            if spec.kind == "caseload":
                out[key] = _caseload(facts, hi)
                continue
            numerator, denominator = set(), set()
            rule = spec.population.rule
            weeks = bir_weeks(template, f, l) if rule == "bir_rolling_quarter" else None
            for citizen in facts.citizens:
                if weeks is not None:
                    den, num = _bir(spec, citizen, lo, hi, weeks)
                elif rule == "seniority_one_year":
                    den, num = _passive(spec, citizen, hi)
                else:
                    den, num = _target_group(template, spec, citizen, lo, hi)
                if den:
                    denominator.add(citizen.id)
                    if num:
                        numerator.add(citizen.id)
            out[key] = (numerator, denominator)
    return out
