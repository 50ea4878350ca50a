"""Counts for the status bar and the pages' summaries: cheap aggregate queries only."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from fsm_desktop.domain.model import Goal
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import NOT_LEFT_SQL


@dataclass(frozen=True, slots=True)
class Summary:
    citizens: int  # all citizens ever in the project
    active: int  # not left the target group (moved away, retired, died) by the date
    group1: int  # active, group 1
    group2: int  # active, group 2
    left: int  # left the target group by the date
    staff: int
    periods: int
    paid_hour_months: int
    contacts: int
    stepup_meetings: int
    moves: int


class OverviewRepository:
    def __init__(self, project: Project) -> None:
        self.db = project.db

    def summary(self, on: dt.date | None = None) -> Summary:
        day = (on or dt.date.today()).isoformat()
        row = self.db.execute(
            "SELECT count(*), "
            f"sum(CASE WHEN {NOT_LEFT_SQL} THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {NOT_LEFT_SQL} AND c.grp = 1 THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN {NOT_LEFT_SQL} AND c.grp = 2 THEN 1 ELSE 0 END) "
            "FROM citizen c",
            [day] * 3,
        ).fetchone()
        total = row[0]
        active = row[1] or 0

        def count(table: str) -> int:
            return self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        return Summary(
            citizens=total,
            active=active,
            group1=row[2] or 0,
            group2=row[3] or 0,
            left=total - active,
            staff=count("staff"),
            periods=count("period"),
            paid_hour_months=count("paid_hours"),
            contacts=count("contact"),
            stepup_meetings=count("stepup_meeting"),
            moves=count("board_move"),
        )

    def goals(self) -> list[Goal]:
        """The project's editable status-sheet goals, in the template's order."""
        rows = self.db.execute(
            "SELECT measure, label, unit, targets FROM goal ORDER BY position"
        ).fetchall()
        return [
            Goal(measure=measure, label=label, targets=json.loads(targets), unit=unit)
            for measure, label, unit, targets in rows
        ]
