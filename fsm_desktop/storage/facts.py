"""Reads what the measures engine needs (domain.measures.FactRows), and nothing else.

The template's measures say what they read (:func:`domain.measures.facts_needed`): which period
kinds, whether paid hours, which assignment roles. The rows go to the engine as SQLite returns
them; building an object per row would cost as much again as reading them. The same queries,
merely fetched, are the benchmark's floor (:func:`read_rows`), so "≤ 3× the read" compares like
with like."""

from __future__ import annotations

from fsm_desktop.domain.measures import FactRows, FactsNeeded, StaffFacts, facts_needed
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.storage.project import Project

_CITIZENS = "SELECT id, name, grp, entry_date, exit_date, exit_reason FROM citizen ORDER BY rowid"
_STAFF = "SELECT id, initials, role, hours_per_week FROM staff"
_BIRTHS = "SELECT id, birth_date FROM citizen"


def _in(values: frozenset[str]) -> tuple[str, list[str]]:
    ordered = sorted(values)
    return ", ".join("?" * len(ordered)), ordered


def _queries(needed: FactsNeeded, entry_missing: bool) -> dict[str, tuple[str, list]]:
    """name → (SQL, parameters) of the rows besides citizens and staff; a part the template
    does not need is left out. ``entry_missing``: some citizen has no entry date."""
    queries: dict[str, tuple[str, list]] = {}
    kinds = set(needed.period_kinds)
    if entry_missing and needed.entry_benefits:
        # The benefits only count for citizens without an entry date, but they are few rows
        # of one or two kinds: read them with the rest.
        kinds |= needed.entry_benefits
    if kinds:
        marks, params = _in(frozenset(kinds))
        queries["periods"] = (
            f"SELECT citizen_id, kind, start, end FROM period WHERE kind IN ({marks})",
            params,
        )
    if needed.paid_hours:
        # A month with 0 hours is not touched; the engine checks it too.
        queries["paid_hours"] = (
            "SELECT citizen_id, month, hours FROM paid_hours WHERE hours > 0",
            [],
        )
    if needed.births:
        queries["births"] = (_BIRTHS, [])
    if needed.assignment_roles:
        marks, params = _in(needed.assignment_roles)
        queries["assignments"] = (
            f"SELECT citizen_id, staff_id, role, start, end FROM assignment WHERE role IN ({marks})",
            params,
        )
    return queries


def load_facts(project: Project, needed: FactsNeeded | None = None) -> FactRows:
    """The rows the project's measures need (``needed``: default, the project's template)."""
    db = project.db
    needed = needed or facts_needed(project.template)
    citizens = db.execute(_CITIZENS).fetchall()
    entry_missing = any(row[3] is None for row in citizens)
    rows = {
        name: db.execute(sql, params).fetchall()
        for name, (sql, params) in _queries(needed, entry_missing).items()
    }
    births = rows.get("births")
    staff = {
        sid: StaffFacts(sid, initials, StaffRole(role), hours)
        for sid, initials, role, hours in db.execute(_STAFF)
    }
    # A part the template does not need was not read: FactRows' default stands for it.
    return FactRows(
        citizens=citizens,
        periods=rows.get("periods", ()),
        paid_hours=rows.get("paid_hours", ()),
        assignments=rows.get("assignments", ()),
        staff=staff,
        births=None if births is None else dict(births),
    )


def read_rows(project: Project, needed: FactsNeeded | None = None) -> int:
    """The same rows as :func:`load_facts`, merely fetched (the benchmark's floor). Returns a
    count."""
    db = project.db
    citizens = db.execute(_CITIZENS).fetchall()
    entry_missing = any(row[3] is None for row in citizens)
    total = len(citizens) + len(db.execute(_STAFF).fetchall())
    for sql, params in _queries(needed or facts_needed(project.template), entry_missing).values():
        total += len(db.execute(sql, params).fetchall())
    return total
