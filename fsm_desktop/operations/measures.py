"""The initiative's measures, counted as the state agency counts them (the Mål page, the
command line's ``measures``)."""

from __future__ import annotations

from dataclasses import dataclass

from fsm_desktop.domain.measures import FactRows, Month, Report, check_in_period, compute
from fsm_desktop.domain.program import ProgramTemplate
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.project import Project


@dataclass(frozen=True)
class Counting:
    """The rows the measures count, read from a project; :meth:`count` needs no connection,
    so the page reads on its thread and counts on a worker."""

    template: ProgramTemplate
    facts: FactRows
    grant: float | None
    first: Month | None = None
    last: Month | None = None

    def count(self) -> Report:
        return compute(self.template, self.facts, self.first, self.last, self.grant)


def read_for_counting(
    project: Project, first: Month | None = None, last: Month | None = None
) -> Counting:
    """Read what the measures count, for the months ``first``..``last`` (default: the
    initiative's period; a month outside it is refused with a Danish message)."""
    start, end = Month.of(project.initiative.start), Month.of(project.initiative.end)
    for month in (first, last):
        if month is not None:
            check_in_period(month, start, end)
    return Counting(
        project.template, load_facts(project), project.initiative.grant_amount, first, last
    )


def measures_report(
    project: Project, first: Month | None = None, last: Month | None = None
) -> Report:
    """Every measure for every measurement period from ``first`` to ``last``."""
    return read_for_counting(project, first, last).count()
