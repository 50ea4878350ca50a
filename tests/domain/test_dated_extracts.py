"""An extract is a snapshot with a date (issue: dated extracts; docs/import.md, "Dated
extracts"). Hand-computed cases: what the planner writes for a job broker, a caseworker, a CV
value and a job goal given the extract's date ("Udtræk pr."), the *_fra columns, and what the
project already holds, including an extract dated mid-month and one older than the stored
state."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.imports import Existing, plan_import
from fsm_desktop.domain.model import Assignment, AssignmentRole, Citizen, Staff, StaffRole
from fsm_desktop.exchange.import_binding import bind, read_rows
from fsm_desktop.exchange.import_format import SourceTable

D = dt.date
AS_OF = D(2024, 3, 15)  # a mid-month extract
HEADERS = [
    "cpr",
    "navn",
    "gruppe",
    "indgang",
    "jobformidler",
    "jobformidler_fra",
    "sagsbehandler",
    "sagsbehandler_fra",
    "cv_jobnet",
    "cv_jobnet_fra",
    "jobmål",
    "jobmål_fra",
]
AB = Staff("AB", "Anne", StaffRole.JOB_BROKER)
CD = Staff("CD", "Carl", StaffRole.JOB_BROKER)
SB = Staff("SB", "Sara", StaffRole.CASEWORKER)


def row(
    indgang=None,
    jf=None,
    jf_fra=None,
    sb=None,
    sb_fra=None,
    cv=None,
    cv_fra=None,
    goal=None,
    goal_fra=None,
):
    return ("010180-1234", "Anna", 1, indgang, jf, jf_fra, sb, sb_fra, cv, cv_fra, goal, goal_fra)


def plan(*rows, existing: Existing | None = None, as_of: dt.date = AS_OF):
    source = SourceTable("Borgere", list(HEADERS), [(i, r) for i, r in enumerate(rows, start=2)])
    existing = existing or Existing(
        group_ids=frozenset({1, 2}), staff={"AB": AB, "CD": CD, "SB": SB}
    )
    return plan_import(read_rows(bind([source])), existing, as_of)


def with_anna(
    *assignments: Assignment, status=None, entry: dt.date | None = None
) -> tuple[Existing, Citizen]:
    """A project holding Anna, the staff, her assignments (in start order) and registrations."""
    anna = Citizen(cpr="0101801234", name="Anna", group=1, entry_date=entry)
    existing = Existing(
        group_ids=frozenset({1, 2}), citizens={anna.cpr: anna}, staff={"AB": AB, "CD": CD, "SB": SB}
    )
    for a in assignments:
        a.citizen_id = anna.id
        key = (anna.id, a.role.value)
        existing.assignments[key] = a  # the last given is the newest
        existing.assignment_history.setdefault(key, []).append(a)
    for kind, history in (status or {}).items():
        existing.status[(anna.id, kind)] = history
    return existing, anna


def broker(staff: Staff, start: dt.date, end: dt.date | None = None) -> Assignment:
    return Assignment("", staff.id, AssignmentRole.JOB_BROKER, start, end)


# --- a new citizen ------------------------------------------------------------------------------


def test_a_new_citizen_without_entry_date_has_the_facts_from_the_extract_date():
    result = plan(row(jf="AB", sb="SB", cv="ja", goal="Lager"))
    assert [(a.role.value, a.start) for a in result.assignments_new] == [
        ("jobformidler", AS_OF),
        ("sagsbehandler", AS_OF),
    ]
    assert sorted((s.kind.value, s.date, s.value) for s in result.status_new) == [
        ("cv_jobnet", AS_OF, "ja"),
        ("jobmaal", AS_OF, "Lager"),
    ]
    assert result.as_of == AS_OF


def test_a_citizens_first_broker_starts_on_the_entry_date_not_the_extract_date():
    result = plan(row(indgang="10-01-2024", jf="AB", cv="ja"))
    assert [a.start for a in result.assignments_new] == [D(2024, 1, 10)]
    assert [s.date for s in result.status_new] == [AS_OF]  # CV is what the extract saw on its day


def test_an_entry_after_the_extract_date_does_not_move_the_broker_later():
    (assignment,) = plan(row(indgang="01-04-2024", jf="AB")).assignments_new
    assert assignment.start == AS_OF


def test_the_fra_columns_win():
    result = plan(
        row(
            indgang="10-01-2024",
            jf="AB",
            jf_fra="01-02-2024",
            sb="SB",
            sb_fra="29-02-2024",
            cv="nej",
            cv_fra="01-12-2023",
            goal="Lager",
            goal_fra="15-03-2024",
        )
    )
    assert [(a.role.value, a.start) for a in result.assignments_new] == [
        ("jobformidler", D(2024, 2, 1)),
        ("sagsbehandler", D(2024, 2, 29)),
    ]
    assert sorted((s.kind.value, s.date) for s in result.status_new) == [
        ("cv_jobnet", D(2023, 12, 1)),
        ("jobmaal", D(2024, 3, 15)),
    ]


def test_a_fra_date_without_its_fact_or_after_the_extract_is_refused():
    result = plan(row(jf_fra="01-02-2024", cv="ja", cv_fra="16-03-2024"))
    assert [str(e) for e in result.errors] == [
        "Borgere, række 2, kolonne F (jobformidler_fra): en dato uden jobformidler i samme række; udfyld "
        "jobformidler eller slet datoen",
        "Borgere, række 2, kolonne J (cv_jobnet_fra): datoen 16-03-2024 ligger efter udtrækkets dato 15-03-2024",
    ]
    assert result.changes == 0


# --- against what is stored --------------------------------------------------------------------


def test_a_change_of_broker_in_a_mid_month_extract_ends_the_old_the_day_before():
    current = broker(AB, D(2024, 1, 1))
    existing, _ = with_anna(current)
    result = plan(row(jf="CD"), existing=existing)
    assert result.assignments_ended == [(current, D(2024, 3, 14))]
    assert [(a.staff_id, a.start) for a in result.assignments_new] == [(CD.id, AS_OF)]


def test_a_change_dated_by_its_column_ends_the_old_the_day_before_that():
    current = broker(AB, D(2024, 1, 1))
    existing, _ = with_anna(current)
    result = plan(row(jf="CD", jf_fra="01-03-2024"), existing=existing)
    assert result.assignments_ended == [(current, D(2024, 2, 29))]
    assert [a.start for a in result.assignments_new] == [D(2024, 3, 1)]


def test_a_later_extract_with_the_same_broker_changes_nothing():
    existing, _ = with_anna(broker(AB, D(2024, 1, 1)))
    result = plan(row(jf="AB"), existing=existing, as_of=D(2024, 6, 30))
    assert result.changes == 0 and result.older == []


def test_an_older_extract_does_not_overwrite_a_newer_broker_and_says_so():
    earlier, newer = broker(AB, D(2024, 1, 1), D(2024, 4, 30)), broker(CD, D(2024, 5, 1))
    existing, anna = with_anna(earlier, newer)
    # 15 March: AB, as the stored history says too.
    assert (
        plan(row(jf="AB"), existing=existing).changes,
        plan(row(jf="AB"), existing=existing).older,
    ) == (0, [])
    # 15 March: CD, but AB had her then: the history is not rewritten.
    result = plan(row(jf="CD"), existing=existing)
    assert result.changes == 0
    assert [str(f) for f in result.older] == [
        "jobformidler CD pr. 15-03-2024 er ældre end den gemte (AB fra 01-01-2024): ikke ændret"
    ]
    assert result.older[0].citizen.id == anna.id
    assert result.summary().endswith("; 1 tilknytning ældre end det gemte (ikke ændret)")
    # 1 February 2023, before anything stored, someone else: reported against the newest.
    result = plan(row(jf="AB", jf_fra="01-02-2023"), existing=existing)
    assert result.changes == 0 and [(f.stored, f.stored_day) for f in result.older] == [
        ("CD", D(2024, 5, 1))
    ]


def test_an_older_extract_with_the_same_broker_moves_the_only_assignment_back():
    """A project imported before extracts were dated has its brokers from the import day; the
    older extract shows the same person had the citizen already."""
    stored = broker(AB, D(2024, 5, 2))
    existing, _ = with_anna(stored)
    result = plan(row(jf="AB"), existing=existing)
    ((old, new),) = result.assignments_restarted
    assert (old, new.id, new.start, new.staff_id, new.end) == (
        stored,
        stored.id,
        AS_OF,
        AB.id,
        None,
    )
    assert result.assignments_new == [] and result.assignments_ended == []
    assert "1 tilknytning: samme medarbejder fra en tidligere dato" in result.summary()


def test_a_broker_after_an_ended_assignment_starts_on_the_extract_date():
    ended = broker(AB, D(2024, 1, 1), D(2024, 2, 29))
    existing, _ = with_anna(ended)
    result = plan(row(jf="CD"), existing=existing)
    assert [(a.staff_id, a.start) for a in result.assignments_new] == [(CD.id, AS_OF)]
    assert result.assignments_ended == []
    # An extract from inside the ended assignment that names someone else: older, reported.
    inside = plan(row(jf="CD"), existing=existing, as_of=D(2024, 2, 1))
    assert inside.changes == 0 and [f.stored for f in inside.older] == ["AB"]


def test_an_assignment_begun_on_the_extract_date_is_taken_over():
    current = broker(AB, AS_OF)
    existing, _ = with_anna(current)
    result = plan(row(jf="CD"), existing=existing)
    ((_old, new),) = result.assignments_moved
    assert (new.id, new.staff_id, new.start) == (current.id, CD.id, AS_OF)


# --- CV and job goal ----------------------------------------------------------------------------


def test_a_value_is_registered_on_the_extract_date_unless_it_is_already_in_effect():
    existing, _ = with_anna(status={"cv_jobnet": [(D(2024, 1, 1), "nej")]})
    assert plan(row(cv="nej"), existing=existing).changes == 0
    (entry,) = plan(row(cv="ja"), existing=existing).status_new
    assert (entry.date, entry.value) == (AS_OF, "ja")


def test_an_older_extract_adds_history_and_the_newer_registration_still_holds():
    existing, _ = with_anna(
        status={"cv_jobnet": [(D(2024, 5, 1), "ja")], "jobmaal": [(D(2024, 1, 1), "Lager")]}
    )
    result = plan(row(cv="nej", goal="Lager"), existing=existing)
    assert [(s.kind.value, s.date, s.value) for s in result.status_new] == [
        ("cv_jobnet", AS_OF, "nej")
    ]
    assert result.status_history == 1
    assert "cv/jobmål: 1 ny registrering (1 før en nyere, som fortsat gælder)" in result.summary()


def test_an_older_extract_with_the_same_value_dates_the_first_registration_earlier():
    """Before the first registration the sheet says "ingen data": the older extract's "ja"
    is what was true then."""
    existing, _ = with_anna(status={"cv_jobnet": [(D(2024, 5, 1), "ja")]})
    (entry,) = plan(row(cv="ja"), existing=existing).status_new
    assert (entry.date, entry.value) == (AS_OF, "ja")
