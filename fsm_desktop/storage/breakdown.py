"""What a breakdown of the measures by group needs of every citizen: gender, origin and birth
date (domain/breakdown.py). Read only when the user first asks for a group, not with the
measures: the Mål page opens without it."""

from __future__ import annotations

from fsm_desktop.domain.breakdown import Person, people_from_rows
from fsm_desktop.storage.project import Project


def load_people(project: Project) -> dict[str, Person]:
    """Citizen id → Person, for every citizen of the project."""
    return people_from_rows(
        project.db.execute("SELECT id, gender, origin, birth_date FROM citizen")
    )
