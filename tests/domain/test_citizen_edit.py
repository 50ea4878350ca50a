"""The rules of editing a citizen (hand-worked cases) and the assignment history rule of
seeds/003 registration §3 (a property test over sequences of changes)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fsm_desktop.domain.citizen_edit import (
    EXEMPTION_KINDS,
    CitizenChanges,
    contact_check,
    ends_at_exit,
    exemption_code,
    exemption_label,
    handover_problem,
    leaving_date,
    newest_assignment,
    plan_change,
    plan_handover,
    validate_contact,
    validate_exit,
    validate_hours,
    validate_master,
    validate_network,
    validate_period,
    validate_status,
)
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    Assignment,
    AssignmentRole,
    Citizen,
    Contact,
    ContactKind,
    ExitReason,
    NetworkPerson,
    PaidHours,
    Period,
    PeriodKind,
    StatusEntry,
    StatusKind,
)

D = dt.date
CID = "c1"


def period(kind: PeriodKind, start: D, end: D | None = None, note: str = "") -> Period:
    return Period(CID, kind, start, end, note)


# --- master data ------------------------------------------------------------------------------------
def test_good_master_data_has_no_problems():
    citizen = Citizen(
        cpr="0101801234",
        name="Anna",
        group=1,
        entry_date=D(2020, 1, 1),
        exit_date=D(2021, 1, 31),
        exit_reason=ExitReason.MOVED_AWAY,
    )
    assert validate_master(citizen, [1, 2]) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Navnet skal udfyldes."),
        ({"name": "x" * 201}, "name", "Navnet er for langt (højst 200 tegn)."),
        ({"group": 3}, "group", "Indsatsen har ikke gruppe 3."),
        ({"exit_date": D(2021, 1, 31)}, "exit_reason", "Vælg en afgangsårsag."),
        ({"exit_reason": ExitReason.DIED}, "exit_date", "En afgangsårsag kræver en afgangsdato."),
        (
            {"exit_date": D(2019, 12, 31), "exit_reason": ExitReason.RETIRED},
            "exit_date",
            "Afgangen 31-12-2019 ligger før indgangen 01-01-2020.",
        ),
        ({"note": "n" * 2001}, "note", "Noten er for lang (højst 2000 tegn)."),
    ],
)
def test_each_master_rule_names_its_field(changes, field, message):
    values = {
        "cpr": "0101801234",
        "name": "Anna",
        "group": 1,
        "entry_date": D(2020, 1, 1),
    } | changes
    assert validate_master(Citizen(**values), [1, 2]) == {field: message}


def test_exit_on_the_entry_day_is_allowed():
    citizen = Citizen(
        cpr="0101801234",
        name="A",
        entry_date=D(2020, 1, 1),
        exit_date=D(2020, 1, 1),
        exit_reason=ExitReason.OTHER,
    )
    assert validate_master(citizen, []) == {}


# --- periods ------------------------------------------------------------------------------------------
def test_end_before_start():
    p = period(PeriodKind.MENTOR, D(2020, 3, 1), D(2020, 2, 29))
    assert validate_period(p, []) == {
        "end": "Slutdatoen 29-02-2020 ligger før startdatoen 01-03-2020."
    }


def test_one_day_period_is_fine():
    assert validate_period(period(PeriodKind.FLEKSJOB, D(2020, 3, 1), D(2020, 3, 1)), []) == {}


def test_two_of_the_same_kind_cannot_overlap_but_may_touch_end_to_start():
    first = period(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2020, 1, 1), D(2020, 1, 31))
    overlapping = period(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2020, 1, 31), D(2020, 2, 28))
    after = period(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2020, 2, 1), None)
    assert validate_period(overlapping, [first]) == {
        "start": "Overlapper et andet forløb af samme type (01-01-2020 – 31-01-2020)."
    }
    assert validate_period(after, [first]) == {}


def test_an_ongoing_period_overlaps_everything_after_it():
    ongoing = period(PeriodKind.MENTOR, D(2020, 1, 1))
    later = period(PeriodKind.MENTOR, D(2025, 6, 1), D(2025, 6, 30))
    assert "start" in validate_period(later, [ongoing])
    assert validate_period(later, [ongoing])["start"].endswith("(01-01-2020 – i gang).")


def test_two_benefits_cannot_overlap_but_an_offer_during_a_benefit_can():
    benefit = period(PeriodKind.KONTANTHJAELP_AP, D(2020, 1, 1), D(2020, 12, 31))
    second = period(PeriodKind.RESSOURCEFORLOEB, D(2020, 6, 1))
    assert validate_period(second, [benefit]) == {
        "start": "Overlapper ydelsen kontanthjælp aktivitetsparat (01-01-2020 – 31-12-2020); en borger har én ydelse ad gangen."
    }
    praktik = period(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2020, 6, 1), D(2020, 6, 30))
    exemption = period(PeriodKind.FRITAGELSE, D(2020, 6, 1), D(2020, 8, 31), "barsel")
    assert validate_period(praktik, [benefit, exemption]) == {}
    assert validate_period(exemption, [benefit, praktik]) == {}


def test_editing_a_period_is_not_an_overlap_with_itself():
    p = period(PeriodKind.MENTOR, D(2020, 1, 1), D(2020, 3, 31))
    changed = Period(CID, PeriodKind.MENTOR, D(2020, 1, 1), D(2020, 4, 30), id=p.id)
    assert validate_period(changed, [p]) == {}


def test_an_exemption_names_one_of_the_fixed_kinds():
    assert validate_period(period(PeriodKind.FRITAGELSE, D(2020, 1, 1)), []) == {
        "exemption": "Vælg fritagelsens art."
    }
    assert validate_period(period(PeriodKind.FRITAGELSE, D(2020, 1, 1), note="ferie"), []) == {
        "exemption": "»ferie« er ikke en af fritagelsens arter; vælg en på listen."
    }
    for code in EXEMPTION_KINDS:
        assert validate_period(period(PeriodKind.FRITAGELSE, D(2020, 1, 1), note=code), []) == {}
    # Another kind of period keeps its free note.
    assert validate_period(period(PeriodKind.MENTOR, D(2020, 1, 1), note="ferie"), []) == {}


def test_the_exemption_kinds_are_the_fsm2_ones_and_read_by_code_or_label():
    assert list(EXEMPTION_KINDS.values()) == [
        "barsel",
        "sygdom forværret af aktivering",
        "på vej til pension",
        "job inden for 6 uger",
        "dom til behandling",
        "andet",
    ]
    assert (
        exemption_code("Sygdom forværret af aktivering")
        == exemption_code("sygdom_forvaerret")
        == "sygdom_forvaerret"
    )
    assert exemption_label("behandlingsdom") == "dom til behandling"
    # The demo's combined kind is still read, though no longer offered.
    assert (
        exemption_label("pension_eller_job_6_uger")
        == "på vej til pension eller job inden for 6 uger"
    )
    assert exemption_code("noget andet") is None and exemption_label("noget andet") == "noget andet"


# --- hours, contacts, status, network ------------------------------------------------------------
@pytest.mark.parametrize(
    ("hours", "ok"), [(0, True), (0.5, True), (744, True), (744.5, False), (-1, False)]
)
def test_hours_in_a_month(hours, ok):
    assert (validate_hours(PaidHours(CID, "2020-03", hours)) == {}) is ok


@pytest.mark.parametrize("month", ["2020-13", "2020-3", "marts", ""])
def test_hours_need_a_month(month):
    assert validate_hours(PaidHours(CID, month, 10)) == {
        "month": f"»{month}« er ikke en måned (åååå-mm)."
    }


def test_a_contact_cannot_lie_in_the_future():
    today = D(2021, 5, 10)
    assert validate_contact(Contact(CID, today, ContactKind.PHONE), today) == {}
    assert validate_contact(Contact(CID, D(2021, 5, 11), ContactKind.PHONE), today) == {
        "date": "Datoen ligger i fremtiden."
    }


def test_status_entries():
    today = D(2021, 5, 10)
    assert validate_status(StatusEntry(CID, StatusKind.CV_JOBNET, today, "ja"), today) == {}
    assert validate_status(StatusEntry(CID, StatusKind.CV_JOBNET, today, "måske"), today) == {
        "value": "Vælg ja eller nej."
    }
    assert validate_status(
        StatusEntry(CID, StatusKind.JOB_GOAL, D(2021, 6, 1), "lager"), today
    ) == {"date": "Datoen ligger i fremtiden."}


@pytest.mark.parametrize("text", ["", "   "])
def test_a_job_goal_needs_its_text(text):
    today = D(2021, 5, 10)
    assert validate_status(StatusEntry(CID, StatusKind.JOB_GOAL, today, text), today) == {
        "value": "Skriv jobmålet (fx lagermedarbejder)."
    }


def test_network_person_needs_a_name():
    assert validate_network(NetworkPerson(CID, " ", "søster", "12345678")) == {
        "name": "Navnet skal udfyldes."
    }
    assert validate_network(NetworkPerson(CID, "Lis", "søster", "1" * 41)) == {
        "phone": "Telefonnummeret er for langt."
    }


BELL = "\x07"
MESSAGE = (
    "Teksten indeholder et usynligt kontroltegn (U+0007), fx fra en kopieret tekst; fjern det."
)


def test_a_control_character_in_any_text_field_is_that_fields_problem():
    """Refused where it is typed, not later by the Excel export (tab and line ends are fine)."""
    today = D(2021, 5, 10)
    good = Citizen("0101901234", "Anna Hansen", group=1, id=CID)
    assert validate_master(good, [1, 2]) == {}
    assert validate_master(Citizen("0101901234", f"Anna{BELL}", group=1, id=CID), [1, 2]) == {
        "name": MESSAGE
    }
    assert validate_master(
        Citizen("0101901234", "Anna", group=1, note=f"a{BELL}b", id=CID), [1, 2]
    ) == {"note": MESSAGE}
    assert (
        validate_master(
            Citizen("0101901234", "Anna", group=1, note="linje 1\n\tlinje 2", id=CID), [1, 2]
        )
        == {}
    )
    assert validate_period(
        period(PeriodKind.VIRKSOMHEDSPRAKTIK, D(2021, 1, 1), note=f"Netto{BELL}"), []
    ) == {"note": MESSAGE}
    assert validate_contact(Contact(CID, today, ContactKind.PHONE, note=f"ring{BELL}"), today) == {
        "note": MESSAGE
    }
    assert validate_status(StatusEntry(CID, StatusKind.JOB_GOAL, today, f"lager{BELL}"), today) == {
        "value": MESSAGE
    }
    assert validate_network(NetworkPerson(CID, "Lis", f"søster{BELL}", "")) == {"relation": MESSAGE}
    assert validate_network(NetworkPerson(CID, "Lis", "søster", f"12{BELL}")) == {"phone": MESSAGE}
    assert validate_network(NetworkPerson(CID, f"Lis{BELL}", "søster", "")) == {"name": MESSAGE}
    # The first problem of a field stays the one shown: an empty name is said as such.
    assert validate_network(NetworkPerson(CID, " ", "", "")) == {"name": "Navnet skal udfyldes."}


# --- the weekly contact check ----------------------------------------------------------------------
def test_contact_check_counts_days_since_the_newest_contact():
    today = D(2021, 3, 15)
    contacts = [
        Contact(CID, D(2021, 3, 8), ContactKind.PHONE),
        Contact(CID, D(2021, 2, 1), ContactKind.IN_PERSON),
    ]
    check = contact_check(contacts, today)
    assert (check.last, check.days, check.late) == (D(2021, 3, 8), 7, False)
    assert check.text() == "Seneste kontakt for 7 dage siden (08-03-2021)."
    late = contact_check(contacts, D(2021, 3, 16))
    assert (late.days, late.late) == (8, True)
    assert late.text().endswith("der skal være kontakt mindst én gang om ugen.")
    # Today and yesterday are said in words, not "0 dage siden" and "1 dage siden".
    today_check = contact_check(contacts, D(2021, 3, 8))
    assert today_check.text() == "Seneste kontakt i dag (08-03-2021)."
    assert contact_check(contacts, D(2021, 3, 9)).text() == "Seneste kontakt i går (08-03-2021)."


def test_no_contact_is_late_and_a_future_contact_does_not_count():
    today = D(2021, 3, 15)
    assert contact_check([], today).late
    check = contact_check([Contact(CID, D(2021, 3, 20), ContactKind.PHONE)], today)
    assert check.last is None and check.late
    assert check.text().startswith("Ingen kontakt registreret")


# --- the assignment history rule -------------------------------------------------------------------
def test_handover_plans():
    day = D(2021, 3, 1)
    assert plan_handover(None, "B", day).start
    assert plan_handover(("a1", "B", D(2020, 1, 1)), "B", day) is None
    plan = plan_handover(("a1", "A", D(2020, 1, 1)), "B", day)
    assert (plan.end_id, plan.take_over_id, plan.start) == ("a1", None, True)
    same_day = plan_handover(("a1", "A", day), "B", day)
    assert (same_day.end_id, same_day.take_over_id, same_day.start) == (None, "a1", False)


def apply(history: list[list], staff: str, day: D) -> None:
    """Apply a handover to a history of [id, staff, start, end] the way storage does."""
    open_rows = [a for a in history if a[2] <= day and (a[3] is None or a[3] >= day)]
    current = open_rows[-1] if open_rows else None
    plan = plan_handover((current[0], current[1], current[2]) if current else None, staff, day)
    if plan is None:
        return
    if plan.take_over_id is not None:
        next(a for a in history if a[0] == plan.take_over_id)[1] = staff
        return
    if plan.end_id is not None:
        next(a for a in history if a[0] == plan.end_id)[3] = day - dt.timedelta(days=1)
    history.append([f"a{len(history)}", staff, day, None])


@given(st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 30)), min_size=1, max_size=12))
def test_a_history_of_handovers_never_overlaps_and_ends_with_the_last_person(changes):
    """Changes in date order: every day has at most one person, and from each change's day the
    person changed to is the one in charge until the next change."""
    history: list[list] = []
    start = D(2021, 1, 1)
    days = sorted((start + dt.timedelta(days=offset), staff) for staff, offset in changes)
    # The last change on a day wins.
    for day, staff in days:
        apply(history, staff, day)
    for a in history:
        assert a[3] is None or a[3] >= a[2], "an assignment never ends before it starts"
    for offset in range(32):
        day = start + dt.timedelta(days=offset)
        in_charge = [a for a in history if a[2] <= day and (a[3] is None or a[3] >= day)]
        assert len(in_charge) <= 1
        expected = [staff for d, staff in days if d <= day]
        if expected:
            assert in_charge and in_charge[0][1] == expected[-1]
        else:
            assert not in_charge


def row(
    staff: str, start: D, end: D | None = None, role: AssignmentRole = AssignmentRole.JOB_BROKER
) -> Assignment:
    return Assignment(CID, staff, role, start, end, id=f"{staff}{start.isoformat()}")


def test_a_change_before_the_newest_assignment_began_is_refused():
    """The audit's case: AA 2020, BB from 2021 (open); a change to CC on 1 June 2020 would end AA
    and leave BB open beside CC."""
    history = [row("AA", D(2020, 1, 1), D(2020, 12, 31)), row("BB", D(2021, 1, 1))]
    message = "Datoen ligger før den seneste tilknytning, der begyndte 01-01-2021; et skift kan tidligst gælde fra den dag."
    assert handover_problem(history, "CC", D(2020, 6, 1)) == message
    with pytest.raises(ValidationError, match="før den seneste tilknytning"):
        plan_change(history, "CC", D(2020, 6, 1))
    # On the day BB began, CC takes that row over; later, BB's row ends the day before.
    assert plan_change(history, "CC", D(2021, 1, 1)).take_over_id == "BB2021-01-01"
    later = plan_change(history, "CC", D(2021, 3, 1))
    assert (later.end_id, later.start, later.end) == ("BB2021-01-01", True, None)
    assert (
        handover_problem(history, "BB", D(2021, 3, 1))
        == "Medarbejderen er allerede tilknyttet fra den dato."
    )
    assert plan_change(history, "BB", D(2021, 3, 1)) is None


def test_a_change_inside_a_closed_newest_row_keeps_its_end_and_after_it_starts_anew():
    history = [row("AA", D(2020, 1, 1), D(2020, 12, 31))]
    inside = plan_change(history, "BB", D(2020, 6, 1))
    assert (inside.end_id, inside.start, inside.end) == ("AA2020-01-01", True, D(2020, 12, 31))
    after = plan_change(history, "AA", D(2021, 2, 1))
    assert (after.end_id, after.take_over_id, after.start, after.end) == (None, None, True, None)


def test_no_change_after_the_citizen_left():
    history = [row("AA", D(2020, 1, 1), D(2021, 4, 30))]
    assert handover_problem(history, "BB", D(2021, 5, 1), left_on=D(2021, 4, 30)) == (
        "Borgeren gik ud 30-04-2021; et skift kan ikke ligge efter afgangen."
    )
    assert handover_problem(history, "BB", D(2021, 4, 30), left_on=D(2021, 4, 30)) is None
    with pytest.raises(ValidationError):
        plan_change(history, "BB", D(2021, 5, 1), left_on=D(2021, 4, 30))


def test_newest_assignment_and_leaving_date():
    assert newest_assignment([]) is None
    a, b = row("AA", D(2020, 1, 1), D(2020, 12, 31)), row("BB", D(2021, 1, 1))
    assert newest_assignment([b, a]) is b
    moved = Citizen(
        cpr="0101801234", name="A", exit_date=D(2021, 4, 30), exit_reason=ExitReason.MOVED_AWAY
    )
    closed = Citizen(
        cpr="0101801234", name="A", exit_date=D(2021, 4, 30), exit_reason=ExitReason.OTHER
    )
    assert leaving_date(moved) == D(2021, 4, 30)
    assert leaving_date(closed) is None, "a closed case stays in the target group"


def test_an_exit_may_not_lie_before_an_assignment_began():
    moved = Citizen(
        cpr="0101801234", name="A", exit_date=D(2021, 4, 30), exit_reason=ExitReason.DIED
    )
    assert (
        validate_exit(
            moved,
            [row("AA", D(2020, 1, 1)), row("BB", D(2021, 4, 30), role=AssignmentRole.CASEWORKER)],
        )
        == {}
    )
    assert validate_exit(moved, [row("AA", D(2021, 5, 1))]) == {
        "exit_date": "Afgangen 30-04-2021 ligger før en tilknytning, der begynder 01-05-2021; ret afgangsdatoen."
    }


def test_an_exit_ends_the_open_assignments_and_a_changed_exit_moves_the_end():
    broker_old = row("AA", D(2020, 1, 1), D(2020, 12, 31))
    broker = row("BB", D(2021, 1, 1))
    caseworker = row("CC", D(2020, 1, 1), role=AssignmentRole.CASEWORKER)
    ends = ends_at_exit([broker_old, broker, caseworker], None, D(2021, 4, 30))
    assert {(a.staff_id, end) for a, end in ends} == {
        ("BB", D(2021, 4, 30)),
        ("CC", D(2021, 4, 30)),
    }
    # The exit moved to 31 May: the ends it gave follow; a row ended earlier stays.
    moved = [
        broker_old,
        row("BB", D(2021, 1, 1), D(2021, 4, 30)),
        row("CC", D(2020, 1, 1), D(2021, 4, 30), AssignmentRole.CASEWORKER),
    ]
    assert {
        (a.staff_id, end) for a, end in ends_at_exit(moved, D(2021, 4, 30), D(2021, 5, 31))
    } == {("BB", D(2021, 5, 31)), ("CC", D(2021, 5, 31))}
    # The exit taken back: open again.
    assert {(a.staff_id, end) for a, end in ends_at_exit(moved, D(2021, 4, 30), None)} == {
        ("BB", None),
        ("CC", None),
    }
    # Unchanged and already ended: nothing to do.
    assert ends_at_exit(moved, D(2021, 4, 30), D(2021, 4, 30)) == []


def apply_change(history: list[Assignment], staff: str, day: D) -> bool:
    """Apply a change to a role's history the way storage does; False when it is refused or
    changes nothing (the same person)."""
    try:
        plan = plan_change(history, staff, day)
    except ValidationError:
        return False
    if plan is None:
        return False
    if plan.take_over_id is not None:
        next(a for a in history if a.id == plan.take_over_id).staff_id = staff
        return True
    if plan.end_id is not None:
        next(a for a in history if a.id == plan.end_id).end = day - dt.timedelta(days=1)
    history.append(
        Assignment(CID, staff, AssignmentRole.JOB_BROKER, day, plan.end, id=f"a{len(history)}")
    )
    return True


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=3),
    st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 60)), min_size=1, max_size=12),
)
def test_changes_in_any_order_never_overlap_nor_leave_two_open(closed, changes):
    """Changes in random order on a history that may begin with closed rows: at most one row is
    open, no two rows share a day, none ends before it starts; the changes that took effect
    come in date order, and from each one's day its person is in charge until the next."""
    start = D(2021, 1, 1)
    history: list[Assignment] = []
    day = start
    for gap, length in closed:  # earlier closed rows, one after the other
        first = day + dt.timedelta(days=gap)
        history.append(
            Assignment(
                CID,
                "Z",
                AssignmentRole.JOB_BROKER,
                first,
                first + dt.timedelta(days=length),
                id=f"z{len(history)}",
            )
        )
        day = first + dt.timedelta(days=length + 1)
    accepted = []
    for staff, offset in changes:
        when = start + dt.timedelta(days=offset)
        if apply_change(history, staff, when):
            accepted.append((when, staff))
    assert sum(1 for a in history if a.end is None) <= 1
    for a in history:
        assert a.end is None or a.end >= a.start, "an assignment never ends before it starts"
    for i, a in enumerate(history):
        for b in history[i + 1 :]:
            assert (a.end or D.max) < b.start or (b.end or D.max) < a.start, f"{a} overlaps {b}"
    assert [d for d, _ in accepted] == sorted(d for d, _ in accepted)
    for (when, staff), nxt in zip(accepted, [*accepted[1:], None]):
        last = (nxt[0] - dt.timedelta(days=1)) if nxt else when + dt.timedelta(days=90)
        for offset in range(0, (last - when).days + 1, 7):
            on = when + dt.timedelta(days=offset)
            in_charge = [
                a.staff_id for a in history if a.start <= on and (a.end is None or a.end >= on)
            ]
            assert len(in_charge) <= 1
            if (nxt is None or nxt[0] > on) and in_charge:
                assert in_charge == [staff]


def test_changes_know_when_they_are_empty():
    changes = CitizenChanges()
    assert changes.empty
    changes.hours_deleted.append("2020-01")
    assert not changes.empty
