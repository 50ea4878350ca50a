"""Reads what the measures engine needs (domain.measures.Facts) in five plain queries."""

from __future__ import annotations

import datetime as dt

from fsm_desktop.domain.measures import CitizenFacts, Facts, Span, StaffFacts, no_gc_pauses
from fsm_desktop.domain.model import ExitReason, StaffRole
from fsm_desktop.storage.project import Project

def load_facts(project: Project) -> Facts:
    with no_gc_pauses():
        return _load_facts(project)


def _load_facts(project: Project) -> Facts:
    db = project.db
    # A project has a few thousand distinct dates among 100,000s of rows: parse each once.
    dates: dict[str, dt.date] = {}

    def _date(text: str) -> dt.date:
        day = dates.get(text)
        if day is None:
            day = dates[text] = dt.date.fromisoformat(text)
        return day

    citizens: dict[str, CitizenFacts] = {}
    for cid, name, grp, entry, exit_date, reason in db.execute(
        "SELECT id, name, grp, entry_date, exit_date, exit_reason FROM citizen ORDER BY rowid"
    ):
        citizens[cid] = CitizenFacts(
            id=cid,
            name=name,
            group=grp,
            entry_date=_date(entry) if entry else None,
            exit_date=_date(exit_date) if exit_date else None,
            exit_reason=ExitReason(reason) if reason else None,
        )
    for cid, kind, start, end in db.execute("SELECT citizen_id, kind, start, end FROM period"):
        citizens[cid].periods.append(Span(kind, _date(start), _date(end) if end else None))
    for cid, month, hours in db.execute("SELECT citizen_id, month, hours FROM paid_hours"):
        citizens[cid].paid_hours[month] = hours
    for cid, staff_id, role, start, end in db.execute(
        "SELECT citizen_id, staff_id, role, start, end FROM assignment"
    ):
        citizens[cid].assignments.append(Span(role, _date(start), _date(end) if end else None, staff_id))
    staff = {
        sid: StaffFacts(sid, initials, StaffRole(role), hours)
        for sid, initials, role, hours in db.execute("SELECT id, initials, role, hours_per_week FROM staff")
    }
    return Facts(citizens=list(citizens.values()), staff=staff)


def read_rows(project: Project) -> int:
    """The same rows as load_facts, merely fetched (the benchmark's floor). Returns a count."""
    db = project.db
    total = 0
    for sql in (
        "SELECT id, name, grp, entry_date, exit_date, exit_reason FROM citizen ORDER BY rowid",
        "SELECT citizen_id, kind, start, end FROM period",
        "SELECT citizen_id, month, hours FROM paid_hours",
        "SELECT citizen_id, staff_id, role, start, end FROM assignment",
        "SELECT id, initials, role, hours_per_week FROM staff",
    ):
        total += len(db.execute(sql).fetchall())
    return total
