"""Shared by the HIR caseload tests (storage, command line, Medarbejdere page)."""

from __future__ import annotations


def in_ressourceforloeb_all_along(project, start: str = "2018-01-01") -> None:
    """Every citizen of a HIR project in ressourceforløb from ``start``, open: HIR registers a
    caseworker only while the citizen is in one (seed 003, registration §3)."""
    with project.db.atomic():
        project.db.execute(
            "INSERT INTO period (id, citizen_id, kind, start) "
            "SELECT lower(hex(randomblob(16))), id, 'ressourceforloeb', ? FROM citizen",
            [start],
        )
