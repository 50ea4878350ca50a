"""domain.stepup, by hand: when a citizen is due for a step-up meeting (the ressourceforløb rule
and its repetition, the user's marking, both exemptions; seeds/002 §18-19, seeds/000 §2-3), the
plan's follow-up and outcomes (§20), the missing-role warnings (§20-21) and the monthly counts;
then properties of the rules on random histories. Every expected date is worked out in a comment.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fsm_desktop.domain.model import Barrier, ParticipantRole, PeriodKind
from fsm_desktop.domain.stepup import (
    DueReason,
    HealthFunction,
    LineStatus,
    Marking,
    MarkingKind,
    MeetingRecord,
    Outcome,
    PlannedOffer,
    StepUpCase,
    add_months,
    assess,
    days_over,
    due_list,
    due_since,
    follow_up,
    granted_on,
    latest_mark,
    missing_roles,
    monthly_counts,
    outcome,
)

D = dt.date


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2020, 1, 31), 1, D(2020, 2, 29)),
        (D(2020, 8, 31), 6, D(2021, 2, 28)),
        (D(2020, 3, 15), 6, D(2020, 9, 15)),
        (D(2020, 3, 15), -6, D(2019, 9, 15)),
        (D(2019, 12, 1), 12, D(2020, 12, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_the_marks_every_six_months():
    granted = D(2020, 1, 15)
    assert latest_mark(granted, D(2020, 7, 14)) is None
    assert latest_mark(granted, D(2020, 7, 15)) == D(2020, 7, 15)
    assert latest_mark(granted, D(2021, 1, 14)) == D(2020, 7, 15)
    assert latest_mark(granted, D(2021, 1, 15)) == D(2021, 1, 15)


def test_no_company_directed_offer_within_six_months_makes_the_citizen_due():
    granted = D(2020, 1, 15)
    assert due_since(granted, [], [], D(2020, 7, 14)) is None  # not yet six months
    assert due_since(granted, [], [], D(2020, 7, 15)) == D(2020, 7, 15)
    # A praktik in the window: not passive.
    assert due_since(granted, [(D(2020, 5, 1), D(2020, 5, 31))], [], D(2020, 8, 1)) is None
    # A praktik that ended before the window does not help.
    assert due_since(granted, [(D(2019, 11, 1), D(2019, 12, 31))], [], D(2020, 8, 1)) == D(
        2020, 7, 15
    )
    # One started after the mark: no longer passive.
    assert due_since(granted, [(D(2020, 7, 20), None)], [], D(2020, 8, 1)) is None


def test_a_meeting_after_the_mark_settles_it_until_the_next_mark():
    granted = D(2020, 1, 15)
    meeting = [D(2020, 8, 3)]
    assert due_since(granted, [], meeting, D(2020, 9, 1)) is None
    # A meeting before the mark does not count for it.
    assert due_since(granted, [], [D(2020, 6, 1)], D(2020, 9, 1)) == D(2020, 7, 15)
    # The rule repeats: passive for six more months → due again at the next mark.
    assert due_since(granted, [], meeting, D(2021, 1, 15)) == D(2021, 1, 15)
    # … unless an offer touched those six months.
    assert due_since(granted, [(D(2020, 10, 1), D(2020, 10, 31))], meeting, D(2021, 2, 1)) is None


# --- assess: the whole rule set on one citizen ---------------------------------------------------

K = PeriodKind
R = ParticipantRole
F = HealthFunction
JAN15 = D(2020, 1, 15)  # the usual grant: marks 15 Jul 2020, 15 Jan 2021, 15 Jul 2021 …


def rf(granted=JAN15, end=None, *, name="Anna", cid="c1", **kw) -> StepUpCase:
    """A citizen in one ressourceforløb from ``granted``."""
    return StepUpCase(cid, name, ressourceforloeb=[(granted, end)], **kw)


def meeting(day, *plan, mid="", roles=(), barriers=()) -> MeetingRecord:
    return MeetingRecord(day, tuple(roles), tuple(barriers), tuple(plan), mid)


def line(offer, start) -> PlannedOffer:
    return PlannedOffer(offer, start)


def due(case, today):
    """(reason, due since, days overdue) or None."""
    a = assess(case, today)
    return (a.reason, a.due, a.days_overdue) if a.is_due else None


# --- the ressourceforløb rule --------------------------------------------------------------------
def test_first_mark_is_six_months_after_the_grant_with_the_month_end_clamp():
    # Granted 31 Aug 2020: 31 Feb 2021 does not exist → the mark is 28 Feb 2021.
    case = rf(D(2020, 8, 31))
    assert due(case, D(2021, 2, 27)) is None
    assert due(case, D(2021, 2, 28)) == (DueReason.RESSOURCEFORLOEB, D(2021, 2, 28), 0)
    # The next mark is counted from the grant again, not from 28 Feb: 31 Aug 2021, not 28 Aug.
    met = rf(D(2020, 8, 31), meetings=[meeting(D(2021, 3, 1))])
    assert due(met, D(2021, 8, 30)) is None
    assert due(met, D(2021, 8, 31)) == (DueReason.RESSOURCEFORLOEB, D(2021, 8, 31), 0)
    # Granted 31 Aug 2019: the mark is the leap day 29 Feb 2020.
    assert latest_mark(D(2019, 8, 31), D(2020, 2, 29)) == D(2020, 2, 29)
    assert latest_mark(D(2019, 8, 31), D(2020, 2, 28)) is None


def test_the_rule_repeats_every_six_months_while_passive():
    # Granted 15 Jan 2020, meeting 3 Aug 2020 (after the 15 Jul mark) → settled until 15 Jan 2021.
    case = rf(meetings=[meeting(D(2020, 8, 3))])
    assert due(case, D(2020, 8, 3)) is None
    assert due(case, D(2021, 1, 14)) is None
    assert due(case, D(2021, 1, 15)) == (DueReason.RESSOURCEFORLOEB, D(2021, 1, 15), 0)
    # 15 Jan → 1 Feb 2021 = 17 days.
    assert due(case, D(2021, 2, 1)) == (DueReason.RESSOURCEFORLOEB, D(2021, 1, 15), 17)
    # A meeting on 20 Jan 2021 settles the 15 Jan mark; due again at 15 Jul 2021.
    case.meetings.append(meeting(D(2021, 1, 20)))
    assert due(case, D(2021, 7, 14)) is None
    assert due(case, D(2021, 7, 15)) == (DueReason.RESSOURCEFORLOEB, D(2021, 7, 15), 0)


def test_a_citizen_never_met_is_due_since_the_first_missed_mark():
    # Granted 15 Jan 2020, passive, never met. Due since 15 Jul 2020 – the 15 Jan 2021 mark
    # does not restart the count. 15 Jul 2020 → 1 Feb 2021: 16 (rest of July) + 31 + 30 + 31 + 30
    # + 31 + 31 (Aug–Jan) + 1 = 201 days.
    assert due(rf(), D(2021, 2, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 201)
    assert due_since(JAN15, [], [], D(2021, 2, 1)) == D(2020, 7, 15)
    # Met on 1 Aug 2020 and passive since: due since the next mark, 15 Jan 2021 (17 days).
    assert due(rf(meetings=[meeting(D(2020, 8, 1))]), D(2021, 2, 1)) == (
        DueReason.RESSOURCEFORLOEB,
        D(2021, 1, 15),
        17,
    )
    # A praktik in Sep 2020 (inside the window 15 Jul 2020 – 15 Jan 2021) makes the 15 Jan mark
    # not due either; the 15 Jul 2021 mark's window (15 Jan – 15 Jul 2021) is passive → due.
    praktik = rf(periods={K.VIRKSOMHEDSPRAKTIK.value: [(D(2020, 9, 1), D(2020, 9, 30))]})
    assert due(praktik, D(2021, 2, 1)) is None
    assert due(praktik, D(2021, 7, 15)) == (DueReason.RESSOURCEFORLOEB, D(2021, 7, 15), 0)


@pytest.mark.parametrize(
    "kind", [K.VIRKSOMHEDSPRAKTIK, K.LOENTILSKUD, K.FLEKSJOB, K.ORDINAER_BESKAEFTIGELSE]
)
def test_a_company_directed_activity_in_the_window_prevents_it(kind):
    # Window of the 15 Jul 2020 mark: 15 Jan – 15 Jul 2020. March is inside it.
    case = rf(periods={kind.value: [(D(2020, 3, 1), D(2020, 3, 31))]})
    assert due(case, D(2020, 8, 1)) is None
    # The same activity in December 2019 (before the window) does not.
    before = rf(periods={kind.value: [(D(2019, 12, 1), D(2019, 12, 31))]})
    assert due(before, D(2020, 8, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 17)
    # One that ends on the window's first day still touches it.
    edge = rf(periods={kind.value: [(D(2019, 12, 1), D(2020, 1, 15))]})
    assert due(edge, D(2020, 8, 1)) is None
    # One that starts after the mark: the citizen is no longer passive.
    after = rf(periods={kind.value: [(D(2020, 7, 20), None)]})
    assert due(after, D(2020, 7, 19)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 4)
    assert due(after, D(2020, 7, 20)) is None


def test_a_month_with_paid_hours_is_company_directed():
    # Paid hours in April 2020 (1–30 Apr, inside the window) → not passive.
    assert due(rf(paid_months=[D(2020, 4, 1)]), D(2020, 8, 1)) is None
    # Paid hours in December 2019 only → passive.
    assert due(rf(paid_months=[D(2019, 12, 1)]), D(2020, 8, 1)) == (
        DueReason.RESSOURCEFORLOEB,
        D(2020, 7, 15),
        17,
    )


@pytest.mark.parametrize("kind", [K.MENTOR, K.ANDET_AKTIVT_TILBUD, K.UDDANNELSE_SU])
def test_offers_that_are_not_company_directed_do_not_prevent_it(kind):
    case = rf(periods={kind.value: [(D(2020, 2, 1), None)]})
    assert due(case, D(2020, 8, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 17)


def test_chained_ressourceforloeb_periods_keep_the_grant_date():
    # 15 Jan – 30 Apr 2020, then from 1 May (the next day): one course granted 15 Jan.
    chained = StepUpCase(
        "c1", "Anna", ressourceforloeb=[(D(2020, 5, 1), None), (JAN15, D(2020, 4, 30))]
    )
    assert granted_on(chained.ressourceforloeb, D(2020, 8, 1)) == JAN15
    assert due(chained, D(2020, 7, 15)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 0)
    # Overlapping periods chain too.
    overlap = StepUpCase(
        "c1", "Anna", ressourceforloeb=[(JAN15, D(2020, 6, 30)), (D(2020, 6, 1), None)]
    )
    assert granted_on(overlap.ressourceforloeb, D(2020, 8, 1)) == JAN15
    # A gap of one day (1 May is not covered) starts a new course on 2 May: mark 2 Nov 2020.
    gap = StepUpCase(
        "c1", "Anna", ressourceforloeb=[(JAN15, D(2020, 4, 30)), (D(2020, 5, 2), None)]
    )
    assert granted_on(gap.ressourceforloeb, D(2020, 8, 1)) == D(2020, 5, 2)
    assert due(gap, D(2020, 8, 1)) is None
    assert due(gap, D(2020, 11, 2)) == (DueReason.RESSOURCEFORLOEB, D(2020, 11, 2), 0)
    # Two rows with the same start, one open and one closed (a duplicate import), chain.
    twin = [(JAN15, None), (JAN15, D(2020, 3, 31))]
    assert granted_on(twin, D(2020, 8, 1)) == JAN15


def test_not_in_ressourceforloeb_today_means_not_due_by_that_rule():
    ended = rf(end=D(2020, 7, 31))
    assert due(ended, D(2020, 7, 31)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 16)
    assert due(ended, D(2020, 8, 1)) is None  # the course ended yesterday
    assert granted_on([(D(2020, 9, 1), None)], D(2020, 8, 1)) is None  # not yet begun


def test_a_citizen_who_left_is_never_due():
    case = rf(exit_date=D(2020, 8, 1), markings=[Marking(MarkingKind.MARKED, D(2020, 3, 1))])
    assert due(case, D(2020, 7, 31)) == (
        DueReason.MARKED,
        D(2020, 3, 1),
        152,
    )  # 1 Mar → 31 Jul: 30+30+31+30+31
    assert due(case, D(2020, 8, 1)) is None
    assert due(case, D(2021, 1, 1)) is None


def test_a_course_granted_before_the_project_is_due_from_the_entry_at_the_earliest():
    # Granted 15 Jan 2019, passive ever since; joined the project on 1 Feb 2020. Without the entry
    # day the citizen would be due since 15 Jul 2019. 1 Feb → 1 Mar 2020: 29 days (leap year).
    case = rf(D(2019, 1, 15), entry_date=D(2020, 2, 1))
    assert due(case, D(2020, 3, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 2, 1), 29)
    assert due(rf(D(2019, 1, 15)), D(2020, 3, 1))[1] == D(2019, 7, 15)
    # Not yet in the project: not due at all (not by a marking either).
    case.markings.append(Marking(MarkingKind.MARKED, D(2020, 1, 10)))
    assert due(case, D(2020, 1, 31)) is None
    # An entry before the mark changes nothing.
    assert due(rf(entry_date=D(2020, 1, 1)), D(2020, 8, 1)) == (
        DueReason.RESSOURCEFORLOEB,
        D(2020, 7, 15),
        17,
    )


# --- exemptions --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", [MarkingKind.REHAB_RECOMMENDATION, MarkingKind.OFFER_AGREED])
def test_an_exemption_over_the_due_day_moves_it_to_the_day_after_it_ends(kind):
    # Mark 15 Jul 2020 lies inside the exemption 1 Jun – 31 Aug 2020.
    exemption = Marking(kind, D(2020, 6, 1), D(2020, 8, 31))
    case = rf(markings=[exemption])
    held = assess(case, D(2020, 8, 1))
    assert (held.is_due, held.exempt_until, held.exemption) == (False, D(2020, 8, 31), exemption)
    assert assess(case, D(2020, 8, 31)).exempt_until == D(2020, 8, 31)
    assert due(case, D(2020, 9, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 9, 1), 0)
    assert due(case, D(2020, 9, 10)) == (DueReason.RESSOURCEFORLOEB, D(2020, 9, 1), 9)
    # … unless the rule no longer holds by then: a praktik from 20 Aug.
    case.periods[K.VIRKSOMHEDSPRAKTIK.value] = [(D(2020, 8, 20), None)]
    assert due(case, D(2020, 9, 10)) is None
    assert assess(case, D(2020, 9, 10)).exempt_until is None


def test_chained_exemptions_postpone_to_the_end_of_the_last():
    # Rehab 1 Jun – 31 Jul, then offer agreed 1 Aug – 30 Sep 2020: due 1 Oct 2020.
    second = Marking(MarkingKind.OFFER_AGREED, D(2020, 8, 1), D(2020, 9, 30))
    case = rf(
        markings=[Marking(MarkingKind.REHAB_RECOMMENDATION, D(2020, 6, 1), D(2020, 7, 31)), second]
    )
    held = assess(case, D(2020, 7, 20))
    assert (held.is_due, held.exempt_until, held.exemption) == (False, D(2020, 9, 30), second)
    assert due(case, D(2020, 10, 1)) == (DueReason.RESSOURCEFORLOEB, D(2020, 10, 1), 0)


def test_an_exemption_before_the_mark_has_no_effect():
    # Rehab 15 Jan – 14 Jul 2020 ends the day before the 15 Jul mark.
    case = rf(markings=[Marking(MarkingKind.REHAB_RECOMMENDATION, JAN15, D(2020, 7, 14))])
    assert due(case, D(2020, 7, 15)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 0)


def test_an_offer_agreed_after_the_due_day_holds_the_citizen_off():
    # seeds/002 §18: the team leader and the job broker review the case after the 15 Jul mark and
    # agree a concrete praktik on 1 Aug (exemption 1 Aug – 31 Oct): no step-up meeting now.
    case = rf(markings=[Marking(MarkingKind.OFFER_AGREED, D(2020, 8, 1), D(2020, 10, 31))])
    assert due(case, D(2020, 7, 31)) == (DueReason.RESSOURCEFORLOEB, D(2020, 7, 15), 16)
    held = assess(case, D(2020, 8, 15))
    assert (held.is_due, held.exempt_until) == (False, D(2020, 10, 31))
    # The offer never started and the agreement ran out: due again the day after, 1 Nov 2020.
    assert due(case, D(2020, 11, 5)) == (DueReason.RESSOURCEFORLOEB, D(2020, 11, 1), 4)


def test_due_list_puts_the_exempt_after_the_due_only_when_asked():
    exempt = rf(
        name="Eva",
        cid="e",
        markings=[Marking(MarkingKind.OFFER_AGREED, D(2020, 7, 1), D(2020, 9, 30))],
    )
    anna = rf(name="Anna", cid="a")
    assert [a.case.citizen_id for a in due_list([exempt, anna], D(2020, 8, 1))] == ["a"]
    listed = due_list([exempt, anna], D(2020, 8, 1), include_exempt=True)
    assert [(a.case.citizen_id, a.is_due, a.exempt_until) for a in listed] == [
        ("a", True, None),
        ("e", False, D(2020, 9, 30)),
    ]


# --- the user's marking -----------------------------------------------------------------------------
def test_a_marked_citizen_is_due_until_a_meeting_on_or_after_the_marking():
    # FSM2: no ressourceforløb; marked 1 Mar 2020.
    case = StepUpCase("c1", "Anna", markings=[Marking(MarkingKind.MARKED, D(2020, 3, 1))])
    assert due(case, D(2020, 2, 29)) is None  # not marked yet
    assert due(case, D(2020, 3, 1)) == (DueReason.MARKED, D(2020, 3, 1), 0)
    assert due(case, D(2020, 3, 11)) == (DueReason.MARKED, D(2020, 3, 1), 10)
    # A meeting the day before the marking does not settle it.
    case.meetings.append(meeting(D(2020, 2, 29)))
    assert due(case, D(2020, 3, 11)) == (DueReason.MARKED, D(2020, 3, 1), 10)
    # A meeting on the marking's first day does.
    case.meetings.append(meeting(D(2020, 3, 1)))
    assert due(case, D(2020, 3, 11)) is None


def test_a_marking_before_the_entry_is_due_from_the_entry():
    """Marked before the citizen joined the project (the storage gives the entry, at least the
    project's first day): due from the entry, as a ressourceforløb granted before it."""
    case = StepUpCase(
        "c1",
        "Anna",
        entry_date=D(2020, 6, 1),
        markings=[Marking(MarkingKind.MARKED, D(2020, 3, 1))],
    )
    assert due(case, D(2020, 5, 31)) is None  # not in the project yet
    assert due(case, D(2020, 6, 10)) == (DueReason.MARKED, D(2020, 6, 1), 9)
    # A meeting between the marking and the entry settles it.
    case.meetings.append(meeting(D(2020, 4, 15)))
    assert due(case, D(2020, 6, 10)) is None


def test_an_ended_marking_is_not_due():
    case = StepUpCase(
        "c1", "Anna", markings=[Marking(MarkingKind.MARKED, D(2020, 3, 1), D(2020, 3, 5))]
    )
    assert due(case, D(2020, 3, 5)) == (DueReason.MARKED, D(2020, 3, 1), 4)
    assert due(case, D(2020, 3, 6)) is None


# --- follow-up ------------------------------------------------------------------------------------
MAR1 = D(2020, 3, 1)


def fsm2(*meetings, periods=None, paid_months=()) -> StepUpCase:
    return StepUpCase(
        "c1", "Anna", meetings=list(meetings), periods=periods or {}, paid_months=list(paid_months)
    )


def statuses(case, today, index=-1):
    m = sorted(case.meetings, key=lambda m: m.date)[index]
    return [(f.status, f.started, f.days_overdue) for f in follow_up(case, m, today)]


def test_a_plan_line_started_after_the_meeting():
    # Praktik planned 15 Mar, started 20 Mar (late, but started).
    case = fsm2(
        meeting(MAR1, line(K.VIRKSOMHEDSPRAKTIK, D(2020, 3, 15))),
        periods={K.VIRKSOMHEDSPRAKTIK.value: [(D(2020, 3, 20), D(2020, 4, 30))]},
    )
    assert statuses(case, D(2020, 4, 1)) == [(LineStatus.STARTED, D(2020, 3, 20), 0)]
    assert due(case, D(2020, 4, 1)) is None
    # Before 20 Mar it is overdue: 15 Mar → 19 Mar = 4 days.
    assert statuses(case, D(2020, 3, 19)) == [(LineStatus.OVERDUE, None, 4)]


def test_a_plan_line_already_running_at_the_meeting_counts_as_started():
    running = fsm2(
        meeting(MAR1, line(K.MENTOR, D(2020, 3, 1))),
        periods={K.MENTOR.value: [(D(2020, 2, 1), None)]},
    )
    assert statuses(running, D(2020, 4, 1)) == [(LineStatus.STARTED, MAR1, 0)]
    # One that ended the day before the meeting does not.
    ended = fsm2(
        meeting(MAR1, line(K.MENTOR, D(2020, 3, 1))),
        periods={K.MENTOR.value: [(D(2020, 2, 1), D(2020, 2, 29))]},
    )
    assert statuses(ended, D(2020, 4, 1)) == [(LineStatus.OVERDUE, None, 31)]


def test_paid_hours_start_a_planned_ordinary_job():
    case = fsm2(
        meeting(MAR1, line(K.ORDINAER_BESKAEFTIGELSE, D(2020, 4, 1))), paid_months=[D(2020, 4, 1)]
    )
    assert statuses(case, D(2020, 4, 10)) == [(LineStatus.STARTED, D(2020, 4, 1), 0)]


def test_pending_on_the_planned_day_overdue_the_day_after():
    case = fsm2(meeting(MAR1, line(K.LOENTILSKUD, D(2020, 3, 15))))
    assert statuses(case, D(2020, 3, 15)) == [(LineStatus.PENDING, None, 0)]
    assert due(case, D(2020, 3, 15)) is None
    assert statuses(case, D(2020, 3, 16)) == [(LineStatus.OVERDUE, None, 1)]
    # Due since the planned start, 15 Mar: on 20 Mar 5 days over, the same as the line.
    a = assess(case, D(2020, 3, 20))
    assert (a.reason, a.due, a.days_overdue) == (DueReason.FOLLOW_UP, D(2020, 3, 15), 5)
    assert [(f.line.offer, f.days_overdue) for f in a.overdue_lines] == [(K.LOENTILSKUD, 5)]
    # A period that starts after today does not count yet.
    case.periods[K.LOENTILSKUD.value] = [(D(2020, 3, 25), None)]
    assert statuses(case, D(2020, 3, 20)) == [(LineStatus.OVERDUE, None, 5)]
    assert statuses(case, D(2020, 3, 25)) == [(LineStatus.STARTED, D(2020, 3, 25), 0)]


def test_only_the_latest_meetings_plan_puts_the_citizen_on_the_list():
    first = meeting(MAR1, line(K.VIRKSOMHEDSPRAKTIK, D(2020, 3, 15)), mid="m1")
    second = meeting(D(2020, 4, 1), line(K.LOENTILSKUD, D(2020, 5, 1)), mid="m2")
    case = fsm2(first, second)
    assert due(case, D(2020, 4, 10)) is None  # the latest plan is pending
    # The first meeting's plan is still broken, for its outcome.
    assert outcome(follow_up(case, first, D(2020, 4, 10))) is Outcome.OVERDUE
    # Seen on 20 Mar (before the second meeting), the first plan is the latest and overdue:
    # due since its planned start, 15 Mar, 5 days over.
    assert due(case, D(2020, 3, 20)) == (DueReason.FOLLOW_UP, D(2020, 3, 15), 5)
    # On 2 May the second plan (1 May) is overdue: due since 1 May, 1 day over.
    assert due(case, D(2020, 5, 2)) == (DueReason.FOLLOW_UP, D(2020, 5, 1), 1)


# --- days over: one count for the table, the detail and the command line ---------------------
@pytest.mark.parametrize(
    "due_day, today, expected",
    [
        (D(2020, 3, 20), D(2020, 3, 20), 0),  # due today
        (D(2020, 3, 19), D(2020, 3, 20), 1),  # due yesterday
        (D(2020, 2, 28), D(2020, 3, 1), 2),  # 29 Feb, 1 Mar (2020 is a leap year)
        (D(2019, 12, 31), D(2020, 12, 31), 366),
        (D(2020, 3, 21), D(2020, 3, 20), 0),  # not due yet: nothing over
    ],
)
def test_days_over_counts_the_days_after_the_due_day(due_day, today, expected):
    assert days_over(due_day, today) == expected


def test_days_over_on_the_boundaries_for_each_reason():
    today = D(2020, 7, 15)
    # Granted 15 Jan: the first mark is today → due today, 0 days over; tomorrow 1.
    assert due(rf(JAN15), today) == (DueReason.RESSOURCEFORLOEB, today, 0)
    assert due(rf(JAN15), D(2020, 7, 16)) == (DueReason.RESSOURCEFORLOEB, today, 1)
    # Marked yesterday (14 Jul) → due since yesterday, 1 day over.
    marked = StepUpCase("m", "Mia", markings=[Marking(MarkingKind.MARKED, D(2020, 7, 14))])
    assert due(marked, today) == (DueReason.MARKED, D(2020, 7, 14), 1)
    # A plan line whose start (14 Jul) passed yesterday: pending on 14 Jul, overdue today by
    # 1 day; the citizen is due since 14 Jul, 1 day over — the line's count, not 0.
    plan = fsm2(meeting(D(2020, 7, 1), line(K.MENTOR, D(2020, 7, 14))))
    assert due(plan, D(2020, 7, 14)) is None
    assert statuses(plan, today) == [(LineStatus.OVERDUE, None, 1)]
    a = assess(plan, today)
    assert (a.reason, a.due, a.days_overdue) == (DueReason.FOLLOW_UP, D(2020, 7, 14), 1)
    assert [f.days_overdue for f in a.overdue_lines] == [1]


def test_a_follow_up_is_over_by_its_most_overdue_line():
    # Praktik planned 10 Jul, løntilskud 12 Jul, neither started; on 20 Jul the lines are 10
    # and 8 days over, and the citizen, due since 10 Jul, 10 days.
    case = fsm2(
        meeting(
            D(2020, 7, 1),
            line(K.VIRKSOMHEDSPRAKTIK, D(2020, 7, 10)),
            line(K.LOENTILSKUD, D(2020, 7, 12)),
        )
    )
    a = assess(case, D(2020, 7, 20))
    assert (a.reason, a.due, a.days_overdue) == (DueReason.FOLLOW_UP, D(2020, 7, 10), 10)
    assert [f.days_overdue for f in a.overdue_lines] == [10, 8]
    assert a.days_overdue == max(f.days_overdue for f in a.overdue_lines)


@pytest.mark.parametrize(
    "started, expected",
    [
        ((), Outcome.OVERDUE),  # praktik 15 Mar overdue on 1 Apr, løntilskud 1 May pending
        ((K.VIRKSOMHEDSPRAKTIK,), Outcome.PENDING),  # praktik started, løntilskud pending
        ((K.VIRKSOMHEDSPRAKTIK, K.LOENTILSKUD), Outcome.KEPT),
    ],
)
def test_outcomes(started, expected):
    plan = (line(K.VIRKSOMHEDSPRAKTIK, D(2020, 3, 15)), line(K.LOENTILSKUD, D(2020, 5, 1)))
    case = fsm2(meeting(MAR1, *plan), periods={k.value: [(D(2020, 3, 10), None)] for k in started})
    assert outcome(follow_up(case, case.meetings[0], D(2020, 4, 1))) is expected


def test_a_meeting_without_a_plan_has_no_plan_outcome():
    case = fsm2(meeting(MAR1))
    assert follow_up(case, case.meetings[0], D(2020, 4, 1)) == []
    assert outcome([]) is Outcome.NO_PLAN


# --- the due list ---------------------------------------------------------------------------------
def test_due_list_most_overdue_first_then_by_name():
    today = D(2020, 8, 1)
    cases = [
        rf(D(2020, 1, 20), name="Bo", cid="b"),  # mark 20 Jul → 12 days
        rf(JAN15, name="Cia", cid="c"),  # mark 15 Jul → 17 days
        rf(JAN15, name="Ada", cid="a"),  # 17 days; Ada before Cia
        StepUpCase("d", "Dan", markings=[Marking(MarkingKind.MARKED, D(2020, 6, 1))]),  # 61 days
        rf(D(2020, 3, 1), name="Eva", cid="e"),  # mark 1 Sep: not due
    ]
    listed = due_list(cases, today)
    assert [(a.case.citizen_id, a.days_overdue) for a in listed] == [
        ("d", 61),
        ("a", 17),
        ("c", 17),
        ("b", 12),
    ]


# --- missing roles ----------------------------------------------------------------------------------
ALWAYS = (R.CITIZEN, R.CASEWORKER, R.JOB_BROKER, R.LEADER)


def present(*roles, health=None):
    out = [(r, F.NONE) for r in roles]
    if health is not None:
        out.append((R.HEALTH, health))
    return out


def warned(roles, barriers=(), rf=False, wish=False):
    return [(w.role, w.required) for w in missing_roles(roles, barriers, rf, wish)]


def test_all_four_always_required_roles_missing():
    assert warned([]) == [(r, True) for r in ALWAYS]
    assert warned(present(*ALWAYS)) == []


@pytest.mark.parametrize("missing", ALWAYS)
def test_each_always_required_role(missing):
    roles = present(*(r for r in ALWAYS if r is not missing))
    assert warned(roles) == [(missing, True)]
    assert "skal deltage" in missing_roles(roles, (), False)[0].message


def test_health_barrier_needs_a_health_professional():
    assert warned(present(*ALWAYS), [Barrier.HEALTH]) == [(R.HEALTH, True)]
    assert (
        warned(present(*ALWAYS, health=F.OTHER), [Barrier.HEALTH]) == []
    )  # FSM2: in the broad sense
    assert warned(present(*ALWAYS, health=F.OTHER), []) == []  # no health barrier: nothing asked


@pytest.mark.parametrize(
    "function, expected", [(F.OTHER, [(R.HEALTH, True)]), (F.COORDINATOR, []), (F.GP, [])]
)
def test_ressourceforloeb_only_the_coordinator_or_the_gp(function, expected):
    assert warned(present(*ALWAYS, health=function), [Barrier.HEALTH], rf=True) == expected


def test_ressourceforloeb_warning_text_names_coordinator_and_gp():
    (w,) = missing_roles(present(*ALWAYS, health=F.OTHER), [Barrier.HEALTH], True)
    assert "sundhedskoordinatoren" in w.message and "egen læge" in w.message


def test_social_and_family_barriers_are_recommendations():
    assert warned(present(*ALWAYS), [Barrier.SOCIAL, Barrier.FAMILY]) == [
        (R.SOCIAL, False),
        (R.FAMILY, False),
    ]
    assert warned(present(*ALWAYS, R.SOCIAL, R.FAMILY), [Barrier.SOCIAL, Barrier.FAMILY]) == []
    assert warned(present(*ALWAYS), [Barrier.OTHER]) == []


def test_the_network_when_the_citizen_wishes_it():
    assert warned(present(*ALWAYS), wish=True) == [(R.NETWORK, False)]
    assert warned(present(*ALWAYS, R.NETWORK), wish=True) == []
    assert warned(present(*ALWAYS), wish=False) == []


# --- monthly counts ---------------------------------------------------------------------------------
def test_monthly_counts_per_month_cumulative_and_by_outcome():
    today = D(2020, 4, 20)
    a = fsm2(
        meeting(
            D(2019, 12, 10), line(K.MENTOR, D(2019, 12, 15))
        ),  # before the start (1 Jan): not counted
        meeting(
            D(2020, 1, 10), line(K.VIRKSOMHEDSPRAKTIK, D(2020, 1, 20))
        ),  # started 20 Jan → kept
        periods={K.VIRKSOMHEDSPRAKTIK.value: [(D(2020, 1, 20), D(2020, 2, 20))]},
    )
    b = StepUpCase(
        "c2",
        "Bo",
        meetings=[
            meeting(D(2020, 1, 31)),  # no plan
            meeting(
                D(2020, 3, 2), line(K.LOENTILSKUD, D(2020, 4, 1))
            ),  # not started by 20 Apr → overdue
            meeting(D(2020, 3, 31), line(K.MENTOR, D(2020, 4, 20))),  # planned today → pending
        ],
    )
    counts = monthly_counts([a, b], D(2020, 1, 1), D(2020, 4, 30), today)
    assert [(c.month, c.held, c.cumulative) for c in counts] == [
        ("2020-01", 2, 2),
        ("2020-02", 0, 2),
        ("2020-03", 2, 4),
        ("2020-04", 0, 4),
    ]
    assert counts[0].by_outcome == {
        Outcome.KEPT: 1,
        Outcome.PENDING: 0,
        Outcome.OVERDUE: 0,
        Outcome.NO_PLAN: 1,
    }
    assert counts[2].by_outcome == {
        Outcome.KEPT: 0,
        Outcome.PENDING: 1,
        Outcome.OVERDUE: 1,
        Outcome.NO_PLAN: 0,
    }
    assert counts[1].by_outcome == dict.fromkeys(Outcome, 0)


def test_monthly_counts_leave_out_meetings_after_today():
    # Seen on 15 Mar 2020 (fsm-desktop stepup --date), the meeting of 20 Mar is not held yet.
    case = fsm2(meeting(D(2020, 3, 2)), meeting(D(2020, 3, 20)))
    counts = monthly_counts([case], D(2020, 3, 1), D(2020, 3, 31), D(2020, 3, 15))
    assert [(c.month, c.held, c.cumulative) for c in counts] == [("2020-03", 1, 1)]


def test_monthly_counts_across_a_year_end():
    case = fsm2(meeting(D(2020, 12, 31)), meeting(D(2021, 1, 1)))
    counts = monthly_counts([case], D(2020, 11, 15), D(2021, 2, 1), D(2021, 2, 1))
    assert [(c.month, c.held, c.cumulative) for c in counts] == [
        ("2020-11", 0, 0),
        ("2020-12", 1, 1),
        ("2021-01", 1, 2),
        ("2021-02", 0, 2),
    ]


# --- properties -------------------------------------------------------------------------------------
START = D(2019, 6, 1)
days = st.integers(0, 900).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def spans(draw, max_size=3):
    out = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(days)
        end = draw(st.none() | st.integers(0, 200).map(lambda n, s=start: s + dt.timedelta(days=n)))
        out.append((start, end))
    return out


@st.composite
def cases(draw):
    markings = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(list(MarkingKind)))
        start = draw(days)
        end = start + dt.timedelta(days=draw(st.integers(0, 200)))
        if kind is MarkingKind.MARKED and draw(st.booleans()):
            end = None
        markings.append(Marking(kind, start, end))
    meetings = []
    for i in range(draw(st.integers(0, 3))):
        day = draw(days)
        plan = tuple(
            PlannedOffer(
                draw(st.sampled_from([K.VIRKSOMHEDSPRAKTIK, K.LOENTILSKUD, K.MENTOR])),
                day + dt.timedelta(days=draw(st.integers(0, 90))),
            )
            for _ in range(draw(st.integers(0, 2)))
        )
        meetings.append(MeetingRecord(day, (), (), plan, f"m{i}"))
    periods = {
        k.value: draw(spans()) for k in (K.VIRKSOMHEDSPRAKTIK, K.LOENTILSKUD, K.MENTOR, K.FLEKSJOB)
    }
    return StepUpCase(
        "c1",
        "Anna",
        entry_date=draw(st.none() | days),
        exit_date=draw(st.none() | days),
        ressourceforloeb=draw(spans(2)),
        periods=periods,
        paid_months=draw(st.lists(days.map(lambda d: d.replace(day=1)), max_size=3)),
        meetings=meetings,
        markings=markings,
    )


#: A thorough run: FSM_STEPUP_EXAMPLES=3000 pytest tests/domain/test_stepup.py
PROPERTY = settings(
    max_examples=int(os.environ.get("FSM_STEPUP_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(cases(), days)
def test_a_due_day_is_never_after_today(case, today):
    a = assess(case, today)
    if a.is_due:
        assert a.due <= today and a.days_overdue >= 0 and a.reason is not None
    if a.exempt_until is not None:
        assert not a.is_due and a.exempt_until >= today


@PROPERTY
@given(cases(), days)
def test_a_follow_up_citizen_is_over_by_as_many_days_as_the_most_overdue_line(case, today):
    a = assess(case, today)
    if a.reason is DueReason.FOLLOW_UP:
        assert a.days_overdue == max(f.days_overdue for f in a.overdue_lines) >= 1
    if a.is_due:
        assert a.days_overdue == days_over(a.due, today)


@PROPERTY
@given(cases(), days, st.integers(0, 60))
def test_a_meeting_today_with_a_plan_settles_the_citizen(case, today, ahead):
    was_due = assess(case, today).is_due
    plan = (PlannedOffer(K.MENTOR, today + dt.timedelta(days=ahead)),)
    case.meetings.append(MeetingRecord(today, (), (), plan, "zz"))
    after = assess(case, today)
    assert not after.is_due, (was_due, after)


@PROPERTY
@given(cases(), days)
def test_company_directed_activity_from_the_grant_to_today_means_not_due_by_the_rule(case, today):
    granted = granted_on(case.ressourceforloeb, today)
    if granted is not None:
        case.periods.setdefault(K.LOENTILSKUD.value, []).append((granted, today))
    assert assess(case, today).reason is not DueReason.RESSOURCEFORLOEB


@PROPERTY
@given(st.lists(cases(), max_size=3), days, st.integers(1, 24))
def test_monthly_cumulative_never_falls_and_ends_at_the_meeting_count(cs, first, months):
    last = add_months(first, months)
    end = START + dt.timedelta(days=900)
    counts = monthly_counts(cs, first, max(last, end), end)
    totals = [c.cumulative for c in counts]
    assert totals == sorted(totals)
    assert totals[-1] == sum(1 for c in cs for m in c.meetings if m.date >= first)
    assert all(c.held == sum(c.by_outcome.values()) for c in counts)
