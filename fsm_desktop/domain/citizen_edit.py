"""Editing a citizen: the rules a change must keep, each with a Danish message for the field it
concerns (the citizen's page shows it next to the field), and the weekly-contact check.

Pure Python; storage.citizen_edit writes a checked set of changes in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from fsm_desktop.domain.model import (
    Citizen,
    Contact,
    NetworkPerson,
    PaidHours,
    Period,
    PeriodCategory,
    PeriodKind,
    StatusEntry,
)

#: After this many days without contact the page warns (BIR: weekly contact, seeds/002 §13-14).
CONTACT_DAYS = 7
MAX_NAME = 200
MAX_NOTE = 2000


def _dk(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "i gang"


def validate_master(citizen: Citizen, group_ids: Iterable[int]) -> dict[str, str]:
    """Field → message for what is wrong with the master data (empty: all is well)."""
    problems: dict[str, str] = {}
    if not citizen.name.strip():
        problems["name"] = "Navnet skal udfyldes."
    elif len(citizen.name) > MAX_NAME:
        problems["name"] = f"Navnet er for langt (højst {MAX_NAME} tegn)."
    groups = set(group_ids)
    if citizen.group is not None and citizen.group not in groups:
        problems["group"] = "Indsatsen har ikke gruppe {g}.".format(g=citizen.group)
    if citizen.exit_date is not None and citizen.exit_reason is None:
        problems["exit_reason"] = "Vælg en afgangsårsag."
    if citizen.exit_reason is not None and citizen.exit_date is None:
        problems["exit_date"] = "En afgangsårsag kræver en afgangsdato."
    if citizen.entry_date and citizen.exit_date and citizen.exit_date < citizen.entry_date:
        problems["exit_date"] = "Afgangen {a} ligger før indgangen {b}.".format(a=_dk(citizen.exit_date), b=_dk(citizen.entry_date))
    if len(citizen.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    return problems


def _overlaps(a: Period, b: Period) -> bool:
    a_end = a.end or dt.date.max
    b_end = b.end or dt.date.max
    return a.start <= b_end and b.start <= a_end


def validate_period(period: Period, others: Sequence[Period], today: dt.date | None = None) -> dict[str, str]:
    """What is wrong with a period among the citizen's other periods.

    Overlaps that cannot be: two periods of the same kind at the same time (a kind is one
    stretch), and two benefits at the same time (a citizen receives one benefit at a time).
    Offers, outcomes and markings may overlap each other and a benefit (a praktik during
    kontanthjælp, a fritagelse during ressourceforløb)."""
    problems: dict[str, str] = {}
    if period.end is not None and period.end < period.start:
        problems["end"] = "Slutdatoen {a} ligger før startdatoen {b}.".format(a=_dk(period.end), b=_dk(period.start))
        return problems
    if len(period.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    if period.kind is PeriodKind.FRITAGELSE and not period.note.strip():
        problems["note"] = "Skriv fritagelsens art i noten (fx barsel)."
    benefit = period.kind.category is PeriodCategory.BENEFIT
    for other in others:
        if other.id == period.id or not _overlaps(period, other):
            continue
        if other.kind is period.kind:
            problems["start"] = "Overlapper et andet forløb af samme type ({a} – {b}).".format(a=_dk(other.start), b=_dk(other.end))
            break
        if benefit and other.kind.category is PeriodCategory.BENEFIT:
            problems["start"] = "Overlapper ydelsen {kind} ({a} – {b}); en borger har én ydelse ad gangen.".format(
                kind=other.kind.label, a=_dk(other.start), b=_dk(other.end)
            )
            break
    return problems


def validate_hours(hours: PaidHours) -> dict[str, str]:
    if not 0 <= hours.hours <= 744:
        return {"hours": "Timerne i en måned skal ligge mellem 0 og 744."}
    return {}


def validate_contact(contact: Contact, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if contact.date > today:
        problems["date"] = "Datoen ligger i fremtiden."
    if len(contact.note) > MAX_NOTE:
        problems["note"] = f"Noten er for lang (højst {MAX_NOTE} tegn)."
    return problems


def validate_status(entry: StatusEntry, today: dt.date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if entry.date > today:
        problems["date"] = "Datoen ligger i fremtiden."
    if entry.kind.value == "cv_jobnet" and entry.value not in ("ja", "nej"):
        problems["value"] = "Vælg ja eller nej."
    if len(entry.value) > 500:
        problems["value"] = "Teksten er for lang (højst 500 tegn)."
    return problems


def validate_network(person: NetworkPerson) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not person.name.strip():
        problems["name"] = "Navnet skal udfyldes."
    if len(person.phone) > 40:
        problems["phone"] = "Telefonnummeret er for langt."
    return problems


@dataclass(frozen=True, slots=True)
class ContactCheck:
    last: dt.date | None
    days: int | None
    late: bool  # no contact, or more than CONTACT_DAYS days since

    def text(self) -> str:
        if self.last is None:
            return "Ingen kontakt registreret – der skal være kontakt mindst én gang om ugen."
        if self.late:
            return "Seneste kontakt for {n} dage siden ({d}) – der skal være kontakt mindst én gang om ugen.".format(
                n=self.days, d=_dk(self.last)
            )
        return "Seneste kontakt for {n} dage siden ({d}).".format(n=self.days, d=_dk(self.last))


def contact_check(contacts: Iterable[Contact], today: dt.date) -> ContactCheck:
    dates = [c.date for c in contacts if c.date <= today]
    if not dates:
        return ContactCheck(None, None, True)
    last = max(dates)
    days = (today - last).days
    return ContactCheck(last, days, days > CONTACT_DAYS)


@dataclass(slots=True)
class Handover:
    """A change of job broker or caseworker on a day (seeds/003 registration §3): the open
    assignment ends the day before and a new one starts; one that began on the day is taken
    over instead (it cannot end before it began)."""

    end_id: str | None = None  # the assignment ended the day before
    take_over_id: str | None = None  # the assignment (begun on the day) given to the new person
    start: bool = False  # a new assignment starts on the day


def plan_handover(open_assignment: tuple[str, str, dt.date] | None, staff_id: str, day: dt.date) -> Handover | None:
    """``open_assignment``: (id, staff id, start) of the one open on the day, or None. None
    back: nothing to change (the same person)."""
    if open_assignment is None:
        return Handover(start=True)
    assignment_id, current_staff, start = open_assignment
    if current_staff == staff_id:
        return None
    if start >= day:
        return Handover(take_over_id=assignment_id)
    return Handover(end_id=assignment_id, start=True)


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
            self.citizen is not None or self.network_consent is not None or self.periods_saved or self.periods_deleted
            or self.hours_saved or self.hours_deleted or self.contacts_added or self.contacts_deleted
            or self.status_added or self.network_saved or self.network_deleted or self.handovers
        )
