"""Laptop copies: merging a change file into the team copy (the plan is read first and shown;
this writes it)."""

from __future__ import annotations

from collections.abc import Mapping

from fsm_desktop.domain.sync import Side
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sync import MergePlan, MergeResult, apply_merge

#: What a laptop copy may change: a job broker's own work on their citizens.
LAPTOP_WORK = Changes(citizens=True, board=True, stepup=True, staff=True)


def merge(
    team: Project,
    plan: MergePlan,
    decisions: Mapping[str, Side] | None = None,
    prefer: Side | None = None,
) -> Done[MergeResult]:
    """Write a change file's plan into the team copy: everything or nothing (every conflict
    needs a decision, else :class:`~fsm_desktop.storage.sync.UndecidedConflicts`)."""
    result = apply_merge(team, plan, decisions, prefer)
    return Done(result, Changes() if result.already_merged or not result.applied else LAPTOP_WORK)
