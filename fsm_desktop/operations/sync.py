"""Laptop copies: taking one along, handing its changes back, and merging a change file into
the team copy (the plan is read first and shown; :func:`merge` writes it)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from fsm_desktop.domain.sync import Side
from fsm_desktop.operations.changes import Changes, Done
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sync import (
    Checkout,
    Handin,
    MergePlan,
    MergeResult,
    apply_merge,
    checkout,
    handin,
)

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


def take_along(
    team: Project, out: str | os.PathLike[str], job_broker: str | None = None
) -> Done[Checkout]:
    """An encrypted laptop copy of the team copy at ``out`` (a new file, whole or not at all).
    The team copy's own data does not change."""
    return Done(checkout(team, out, job_broker=job_broker))


def hand_back(
    laptop: Project, out: str | os.PathLike[str], keep_working: bool = False
) -> Done[Handin]:
    """The laptop copy's changes written to the change file ``out``; the copy is then read-only
    (handed back), or with ``keep_working`` goes on from here. Its data does not change."""
    return Done(handin(laptop, out, keep_working=keep_working))
