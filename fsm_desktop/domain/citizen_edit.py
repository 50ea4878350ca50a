"""Editing a citizen: the rules a change must keep, each with a Danish message for the field it
concerns (the citizen's page shows it next to the field), and the weekly-contact check.

Pure Python; storage.citizen_edit writes a checked set of changes in one transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    LEAVING_REASONS,
    Assignment,
    AssignmentRole,
    Citizen,
    Contact,
    ExemptionKind,
    NetworkPerson,
    PaidHours,
    Period,
    PeriodCategory,
    PeriodKind,
    Staff,
    StatusEntry,
    StatusKind,
)
from fsm_desktop.domain.text import control_problem, name_problem

#: After this many days without contact the page warns (BIR: weekly contact, seeds/002 §13-14).
CONTACT_DAYS = 7
MAX_NAME = 200
MAX_NOTE = 2000
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

#: The kinds of fritagelse the FSM2 rules name (domain.md; STAR's FAQ): code → label. A
#: fritagelse keeps its kind's code in the period's note, as the demo and the import write it.
EXEMPTION_KINDS: dict[str, str] = {
    ExemptionKind.MATERNITY.value: "barsel",
    ExemptionKind.ILLNESS.value: "sygdom forværret af aktivering",
    "paa_vej_til_pension": "på vej til pension",
    "job_inden_6_uger": "job inden for 6 uger",
    ExemptionKind.TREATMENT.value: "dom til behandling",
    "andet": "andet",
}
#: Kinds still read but no longer offered (the demo's combined kind).
_FORMER_EXEMPTION_KINDS = {
    ExemptionKind.PENSION_OR_JOB.value: "på vej til pension eller job inden for 6 uger"
}


def exemption_code(note: str) -> str | None:
    """The kind a fritagelse's note names, by its code or its label (any case); None: none of them."""
    text = note.strip().lower()
    for kinds in (EXEMPTION_KINDS, _FORMER_EXEMPTION_KINDS):
        for code, label in kinds.items():
            if text in (code, label):
                return code
    return None


def exemption_label(note: str) -> str:
    """How a fritagelse's kind reads (the note as it is when it names none of them)."""
    code = exemption_code(note)
    if code is None:
        return note
    return EXEMPTION_KINDS.get(code) or _FORMER_EXEMPTION_KINDS[code]


def _dk(day: dt.date | None) -> str:
    return date_text(day, "i gang")


def _text_fields(problems: dict[str, str], **fields: str) -> None:
    """A control character in a text field is that field's problem (unless it has one)."""
    for name, text in fields.items():
        if name not in problems:
            problem = control_problem(text)
            if problem is not None:
                problems[name] = problem


def validate_master(citizen: Citizen, group_ids: Iterable[int]) -> dict[str, str]:
    """Field → message for what is wrong with the master data (empty: all is well)."""
    problems: dict[str, str] = {}
    if not citizen.name.strip():
        problems["name"] = "Navnet skal udfyldes."
    elif len(citizen.name) > MAX_NAME:
        problems["name"] = f"Navnet er for langt (højst {MAX_NAME} tegn)."
    elif (problem := name_problem(citizen.name)) is not None:
        problems["name"] = problem
    groups = set(group_ids)
    if citizen.group is not None and citizen.group not in groups:
        problems["group"] = "Indsatsen har ikke gruppe {g}.".format(g=citizen.group)
    if citizen.exit_date is not None and citizen.exit_reason is None:
        problems["exit_reason"] = "Vælg en afgangsårsag."
    if citizen.exit_reason is not None and citizen.exit_date is None:
        problems["exit_date"] = "En afgangsårsag kræver en afgangsdato."
    if citizen.entry_date and citizen.exit_date and citizen.exit_date < citizen.entry_date:
        problems["exit_date"] = "Afgangen {a} ligger før indgangen {b}.".format(
            a=_dk(citizen.exit_date), b=_dk(citizen.entry_date)
        )
    if len(citizen.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    _text_fields(problems, name=citizen.name, note=citizen.note)
    return problems


def _overlaps(a: Period, b: Period) -> bool:
    a_end = a.end or dt.date.max
    b_end = b.end or dt.date.max
    return a.start <= b_end and b.start <= a_end


def validate_period(
    period: Period, others: Sequence[Period], today: dt.date | None = None
) -> dict[str, str]:
    """What is wrong with a period among the citizen's other periods.

    Overlaps that cannot be: two periods of the same kind at the same time (a kind is one
    stretch), and two benefits at the same time (a citizen receives one benefit at a time).
    Offers, outcomes and markings may overlap each other and a benefit (a praktik during
    kontanthjælp, a fritagelse during ressourceforløb)."""
    problems: dict[str, str] = {}
    if period.end is not None and period.end < period.start:
        problems["end"] = "Slutdatoen {a} ligger før startdatoen {b}.".format(
            a=_dk(period.end), b=_dk(period.start)
        )
        return problems
    if len(period.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    _text_fields(problems, note=period.note)
    if period.kind is PeriodKind.FRITAGELSE and exemption_code(period.note) is None:
        if period.note.strip():
            problems["exemption"] = (
                "»{note}« er ikke en af fritagelsens arter; vælg en på listen.".format(
                    note=period.note.strip()
                )
            )
        else:
            problems["exemption"] = "Vælg fritagelsens art."
    benefit = period.kind.category is PeriodCategory.BENEFIT
    for other in others:
        if other.id == period.id or not _overlaps(period, other):
            continue
        if other.kind is period.kind:
            problems["start"] = "Overlapper et andet forløb af samme type ({a} – {b}).".format(
                a=_dk(other.start), b=_dk(other.end)
            )
            break
        if benefit and other.kind.category is PeriodCategory.BENEFIT:
            problems["start"] = (
                "Overlapper ydelsen {kind} ({a} – {b}); en borger har én ydelse ad gangen.".format(
                    kind=other.kind.label, a=_dk(other.start), b=_dk(other.end)
                )
            )
            break
    return problems


def validate_hours(hours: PaidHours) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not _MONTH.fullmatch(hours.month):
        problems["month"] = "»{month}« er ikke en måned (åååå-mm).".format(month=hours.month)
    if not 0 <= hours.hours <= 744:
        problems["hours"] = "Timerne i en måned skal ligge mellem 0 og 744."
    return problems


def validate_contact(contact: Contact, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if contact.date > today:
        problems["date"] = "Datoen ligger i fremtiden."
    if len(contact.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    _text_fields(problems, note=contact.note)
    return problems


def validate_status(entry: StatusEntry, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if entry.date > today:
        problems["date"] = "Datoen ligger i fremtiden."
    if entry.kind is StatusKind.CV_JOBNET and entry.value not in ("ja", "nej"):
        problems["value"] = "Vælg ja eller nej."
    if entry.kind is StatusKind.JOB_GOAL and not entry.value.strip():
        problems["value"] = "Skriv jobmålet (fx lagermedarbejder)."
    if len(entry.value) > 500:
        problems["value"] = "Teksten er for lang (højst 500 tegn)."
    _text_fields(problems, value=entry.value)
    return problems


def validate_network(person: NetworkPerson) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not person.name.strip():
        problems["name"] = "Navnet skal udfyldes."
    if len(person.phone) > 40:
        problems["phone"] = "Telefonnummeret er for langt."
    _text_fields(problems, name=person.name, relation=person.relation, phone=person.phone)
    return problems


@dataclass(frozen=True, slots=True)
class ContactCheck:
    last: dt.date | None
    days: int | None
    late: bool  # no contact, or more than CONTACT_DAYS days since

    def text(self) -> str:
        if self.last is None:
            return "Ingen kontakt registreret – der skal være kontakt mindst én gang om ugen."
        when = {0: "i dag", 1: "i går"}.get(self.days or 0, f"for {self.days} dage siden")
        if self.late:
            return "Seneste kontakt {when} ({d}) – der skal være kontakt mindst én gang om ugen.".format(
                when=when, d=_dk(self.last)
            )
        return "Seneste kontakt {when} ({d}).".format(when=when, d=_dk(self.last))


def contact_check(contacts: Iterable[Contact], today: dt.date) -> ContactCheck:
    dates = [c.date for c in contacts if c.date <= today]
    if not dates:
        return ContactCheck(None, None, True)
    last = max(dates)
    days = (today - last).days
    return ContactCheck(last, days, days > CONTACT_DAYS)


# --- the assignment history (seeds/003 registration §3) ------------------------------------------
def leaving_date(citizen: Citizen) -> dt.date | None:
    """The day the citizen left the target group (moved away, folkepension, died), or None."""
    return citizen.exit_date if citizen.exit_reason in LEAVING_REASONS else None


def newest_assignment(history: Iterable[Assignment]) -> Assignment | None:
    """The assignment that began last (of equal starts, the last given)."""
    newest = None
    for a in history:
        if newest is None or a.start >= newest.start:
            newest = a
    return newest


@dataclass(slots=True)
class Handover:
    """A change of job broker or caseworker on a day (seeds/003 registration §3): the current
    assignment ends the day before and a new one starts; one that began on the day is taken
    over instead (it cannot end before it began)."""

    end_id: str | None = None  # the assignment ended the day before
    take_over_id: str | None = None  # the assignment (begun on the day) given to the new person
    start: bool = False  # a new assignment starts on the day
    end: dt.date | None = None  # the new assignment's end: that of the one it follows (None: open)


def _plan(newest: Assignment | None, staff_id: str, day: dt.date) -> Handover | None:
    if newest is None or (newest.end is not None and newest.end < day):
        return Handover(start=True)  # none, or the last one ended before the day
    if newest.staff_id == staff_id:
        return None
    if newest.start >= day:
        return Handover(take_over_id=newest.id)
    return Handover(end_id=newest.id, start=True, end=newest.end)


def plan_handover(
    open_assignment: tuple[str, str, dt.date] | None, staff_id: str, day: dt.date
) -> Handover | None:
    """``open_assignment``: (id, staff id, start) of the one open on the day, or None. None
    back: nothing to change (the same person). Knows only that row: :func:`plan_change`, which
    sees the whole history, also refuses a day before a later assignment began."""
    if open_assignment is None:
        return _plan(None, staff_id, day)
    assignment_id, current_staff, start = open_assignment
    return _plan(
        Assignment("", current_staff, AssignmentRole.JOB_BROKER, start, id=assignment_id),
        staff_id,
        day,
    )


def _refusal(newest: Assignment | None, day: dt.date, left_on: dt.date | None) -> str | None:
    if left_on is not None and day > left_on:
        return "Borgeren gik ud {d}; et skift kan ikke ligge efter afgangen.".format(d=_dk(left_on))
    if newest is not None and day < newest.start:
        return "Datoen ligger før den seneste tilknytning, der begyndte {d}; et skift kan tidligst gælde fra den dag.".format(
            d=_dk(newest.start)
        )
    return None


def handover_problem(
    history: Sequence[Assignment], staff_id: str, day: dt.date, left_on: dt.date | None = None
) -> str | None:
    """What stands in the way of a change to ``staff_id`` on ``day`` (``history``: the role's
    assignments; ``left_on``: the citizen's leaving date), or None."""
    newest = newest_assignment(history)
    refusal = _refusal(newest, day, left_on)
    if refusal is not None:
        return refusal
    if _plan(newest, staff_id, day) is None:
        return "Medarbejderen er allerede tilknyttet fra den dato."
    return None


def plan_change(
    history: Sequence[Assignment], staff_id: str, day: dt.date, left_on: dt.date | None = None
) -> Handover | None:
    """The change to ``staff_id`` on ``day`` against the role's whole history: a day before the
    newest assignment began (it would leave that one open beside the new one) or after the
    citizen left is refused with ValidationError. A change inside the newest assignment ends it
    the day before and the new one takes over its end; after it ended, a new one starts. None:
    nothing to change (the same person)."""
    newest = newest_assignment(history)
    refusal = _refusal(newest, day, left_on)
    if refusal is not None:
        raise ValidationError(refusal)
    return _plan(newest, staff_id, day)


def validate_exit(citizen: Citizen, assignments: Iterable[Assignment]) -> dict[str, str]:
    """A leaving date ends the open assignments (storage does it): none may begin after it."""
    left_on = leaving_date(citizen)
    if left_on is None:
        return {}
    later = [a.start for a in assignments if a.start > left_on]
    if later:
        return {
            "exit_date": "Afgangen {a} ligger før en tilknytning, der begynder {b}; ret afgangsdatoen.".format(
                a=_dk(left_on), b=_dk(min(later))
            )
        }
    return {}


def ends_at_exit(
    history: Iterable[Assignment], before: dt.date | None, after: dt.date | None
) -> list[tuple[Assignment, dt.date | None]]:
    """The assignments whose end follows the citizen's leaving date, as (assignment, new end).

    ``before``/``after``: the leaving date before and after the change (None: not left). Open
    assignments that began by the leaving date end on it (seeds/003: a move gives an end date);
    the newest of a role that ended on the former leaving date follows it to the new one, or is
    open again when the exit is taken back."""
    rows = list(history)
    changes: list[tuple[Assignment, dt.date | None]] = []
    for role in AssignmentRole:
        newest = newest_assignment(a for a in rows if a.role is role)
        for a in rows:
            if a.role is not role:
                continue
            if after is not None and a.end is None and a.start <= after:
                changes.append((a, after))
            elif a is newest and before is not None and a.end == before and after != before:
                if after is None:
                    changes.append((a, None))
                elif a.start <= after:
                    changes.append((a, after))
    return changes


@dataclass(slots=True)
class CitizenChanges:
    """What the citizen's page saves in one go (one transaction)."""

    citizen: Citizen | None = None  # new master data
    network_consent: bool | None = None
    periods_saved: list[Period] = field(default_factory=list)  # new or changed
    periods_deleted: list[str] = field(default_factory=list)
    hours_saved: list[PaidHours] = field(default_factory=list)
    hours_deleted: list[str] = field(default_factory=list)  # months
    contacts_added: list[Contact] = field(default_factory=list)
    contacts_deleted: list[str] = field(default_factory=list)
    status_added: list[StatusEntry] = field(default_factory=list)
    network_saved: list[NetworkPerson] = field(default_factory=list)
    network_deleted: list[str] = field(default_factory=list)
    handovers: list[tuple[str, str, dt.date]] = field(default_factory=list)  # (role, staff id, day)

    @property
    def empty(self) -> bool:
        return not (
            self.citizen is not None
            or self.network_consent is not None
            or self.periods_saved
            or self.periods_deleted
            or self.hours_saved
            or self.hours_deleted
            or self.contacts_added
            or self.contacts_deleted
            or self.status_added
            or self.network_saved
            or self.network_deleted
            or self.handovers
        )


class StoredCitizen(Protocol):
    """What the rules read of a citizen as stored (storage's CitizenRecord)."""

    @property
    def citizen(self) -> Citizen: ...
    @property
    def network_consent(self) -> bool: ...
    @property
    def periods(self) -> Sequence[Period]: ...
    @property
    def assignments(self) -> Sequence[Assignment]: ...
    @property
    def staff(self) -> Mapping[str, Staff]: ...


CHANGE_PARTS = {
    "citizen": "stamdata",
    "period": "forløb",
    "hours": "løntimer",
    "contact": "kontakt",
    "status": "CV og jobmål",
    "network": "netværk",
    "assignment": "jobformidler og sagsbehandler",
}


def check_changes(
    before: StoredCitizen, changes: CitizenChanges, group_ids: Iterable[int], today: dt.date
) -> None:
    """The citizen window's rules on what would be stored, read in the saving transaction
    (another window may have changed the citizen since the page was filled): the first
    broken one stops the save (ValidationError naming the part), and nothing is written."""
    problems: list[tuple[str, dict[str, str]]] = []
    if changes.citizen is not None:
        problems.append(("citizen", validate_master(changes.citizen, group_ids)))
        old, new = before.citizen, changes.citizen
        if (old.exit_date, old.exit_reason) != (new.exit_date, new.exit_reason):
            problems.append(("citizen", validate_exit(new, before.assignments)))
    deleted = set(changes.periods_deleted)
    saved = {p.id: p for p in changes.periods_saved}
    periods = [p for p in before.periods if p.id not in deleted and p.id not in saved] + list(
        saved.values()
    )
    problems.extend(("period", validate_period(p, periods)) for p in saved.values())
    problems.extend(("hours", validate_hours(h)) for h in changes.hours_saved)
    problems.extend(("contact", validate_contact(c, today)) for c in changes.contacts_added)
    problems.extend(("status", validate_status(e, today)) for e in changes.status_added)
    problems.extend(("network", validate_network(n)) for n in changes.network_saved)
    consent = before.network_consent if changes.network_consent is None else changes.network_consent
    if changes.network_saved and not consent:
        problems.append(
            ("network", {"consent": "Netværket registreres kun, når borgeren ønsker det."})
        )
    roles = {r.value for r in AssignmentRole}
    for role, staff_id, _day in changes.handovers:
        if role not in roles or staff_id not in before.staff:
            problems.append(
                ("assignment", {"staff": "Vælg en medarbejder, der findes i projektet."})
            )
    for part, found in problems:
        if found:
            raise ValidationError(
                "Ændringerne er ikke gemt – {part}: {problem}",
                part=CHANGE_PARTS[part],
                problem=next(iter(found.values())),
            )
