"""Reads what the status sheet counts (domain.status_sheet.SheetFacts) in a few set-based
queries, and writes what the user edits on it: goals, coordination-group marks and the
"ordinary hours above x" setting, each in one transaction with an audit entry.

The sheet's own rows come from :meth:`StatusSheetRepository.facts`; the initiative's measures
(the Mål page's) from storage.facts.load_facts and the measures engine, so both pages show the
same numbers."""

from __future__ import annotations

import datetime as dt
import json

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.model import AuditEntry, ExemptionKind, StatusKind
from fsm_desktop.domain.status_sheet import (
    DEFAULT_HOURS_OVER,
    ROWS,
    SheetFacts,
    check_goal,
    check_hours_over,
    facts_needed_for_sheet,
)
from fsm_desktop.domain.stepup import MeetingRecord, StepUpCase
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.overview import OverviewRepository
from fsm_desktop.storage.project import Project, file_error
from fsm_desktop.storage.sqlite import dbapi

#: project_setting key of "ordinary hours above x hours a month".
HOURS_OVER_KEY = "status_sheet.hours_over"


class StatusSheetRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn: dbapi.Connection = project.db.conn

    # --- reading -----------------------------------------------------------------------------
    def facts(self) -> SheetFacts:
        """Everything the sheet's rows and the initiative's measures count, for every citizen:
        the engine's rows (storage.facts.load_facts, widened to what the sheet needs, so each
        row is read once) and the sheet's own few."""
        c = self.conn
        rows = load_facts(self.project, facts_needed_for_sheet(self.project.template))
        maternity = c.execute(
            "SELECT citizen_id, start, end FROM period WHERE kind = 'fritagelse' AND lower(trim(note)) = ?",
            [ExemptionKind.MATERNITY.value],
        ).fetchall()
        # In entry order (rowid): of two entries on one day, the later holds.
        status = c.execute(
            "SELECT citizen_id, kind, date, value FROM status_entry ORDER BY rowid"
        ).fetchall()
        recorded = {
            name
            for name, sql in (
                ("paid_hours", "SELECT 1 FROM paid_hours LIMIT 1"),
                (
                    StatusKind.CV_JOBNET.value,
                    "SELECT 1 FROM status_entry WHERE kind = 'cv_jobnet' LIMIT 1",
                ),
                (
                    StatusKind.JOB_GOAL.value,
                    "SELECT 1 FROM status_entry WHERE kind = 'jobmaal' LIMIT 1",
                ),
                ("jobformidler", "SELECT 1 FROM assignment WHERE role = 'jobformidler' LIMIT 1"),
            )
            if c.execute(sql).fetchone() is not None
        }
        # Step-up: the sheet counts meetings held (domain.stepup.monthly_counts), which needs
        # only their dates; the full cases (StepUpRepository.cases) read every period again.
        cases: dict[str, StepUpCase] = {}
        for meeting_id, cid, day in c.execute(
            "SELECT id, citizen_id, date FROM stepup_meeting ORDER BY date, id"
        ):
            cases.setdefault(cid, StepUpCase(cid)).meetings.append(
                MeetingRecord(dt.date.fromisoformat(day), id=meeting_id)
            )
        return SheetFacts(
            rows=rows,
            maternity=maternity,
            status=status,
            stepup=list(cases.values()),
            coordination=self.coordination(),
            goals=OverviewRepository(self.project).goals(),
            hours_over=self.hours_over(),
            recorded=frozenset(recorded),
        )

    def coordination(self) -> frozenset[str]:
        return frozenset(
            row[0] for row in self.conn.execute("SELECT month FROM coordination_meeting")
        )

    def hours_over(self) -> float:
        row = self.conn.execute(
            "SELECT value FROM project_setting WHERE key = ?", [HOURS_OVER_KEY]
        ).fetchone()
        if row is None:
            return DEFAULT_HOURS_OVER
        try:
            return check_hours_over(json.loads(row[0]))
        except (ValidationError, ValueError):
            return DEFAULT_HOURS_OVER  # a value written by hand that makes no sense: the default

    # --- writing -----------------------------------------------------------------------------
    def _write(self, entry: AuditEntry, work) -> None:
        try:
            with self.db.atomic():
                work()
                AuditLog(self.project).record([entry])
        except dbapi.Error as exc:
            raise file_error(exc, self.project.path) from None

    def _entry(
        self, action: str, entity: str, entity_id: str, field: str, old: str | None, new: str | None
    ) -> AuditEntry:
        now = dt.datetime.now().replace(microsecond=0)
        return AuditEntry(now, self.project.user, action, entity, entity_id, None, field, old, new)

    def set_goal(
        self, measure: str, month: str, value: float | None, label: str = "", unit: str = "share"
    ) -> None:
        """Set (or with None remove) the goal of ``measure`` for ``month`` (YYYY-MM): a share
        0–1 or a count ≥ 0, checked here again. A measure without a goal row gets one (label,
        unit). One transaction with its audit entry."""
        self.project.require_team_copy("Statusskemaets mål")
        try:
            Month.parse(month)
        except ValueError:
            raise ValidationError("»{month}« er ikke en måned (ÅÅÅÅ-MM).", month=month) from None
        row = self.conn.execute(
            "SELECT unit, targets FROM goal WHERE measure = ?", [measure]
        ).fetchone()
        if row is not None:
            unit = row[0]
        elif unit not in ("share", "count"):
            raise ValidationError("Ukendt målenhed »{unit}«.", unit=unit)
        if value is not None:
            value = check_goal(value, unit)
        targets: dict[str, float] = json.loads(row[1]) if row is not None else {}
        old = targets.get(month)
        if value is None:
            targets.pop(month, None)
        else:
            targets[month] = value
        text = json.dumps(dict(sorted(targets.items())))
        if row is None:
            labels = {spec.id: spec.label for spec in ROWS}
            label = label or labels.get(measure, measure)

            def work() -> None:
                self.conn.execute(
                    "INSERT INTO goal (measure, position, label, unit, targets) "
                    "VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM goal), ?, ?, ?)",
                    [measure, label, unit, text],
                )
        else:

            def work() -> None:
                self.conn.execute("UPDATE goal SET targets = ? WHERE measure = ?", [text, measure])

        self._write(
            self._entry(
                "update" if row is not None else "create",
                "goal",
                measure,
                month,
                None if old is None else str(old),
                None if value is None else str(value),
            ),
            work,
        )

    def set_coordination(self, month: str, held: bool, note: str = "") -> None:
        """Mark (or unmark) a month in which the coordination group met; one transaction."""
        self.project.require_team_copy("Statusskemaets koordinationsmøder")
        try:
            Month.parse(month)
        except ValueError:
            raise ValidationError("»{month}« er ikke en måned (ÅÅÅÅ-MM).", month=month) from None
        was = (
            self.conn.execute(
                "SELECT 1 FROM coordination_meeting WHERE month = ?", [month]
            ).fetchone()
            is not None
        )
        if was == held:
            return
        now = dt.datetime.now().replace(microsecond=0)
        if held:

            def work() -> None:
                self.conn.execute(
                    "INSERT INTO coordination_meeting (month, note, at, by_user) VALUES (?, ?, ?, ?)",
                    [month, note, now.isoformat(), self.project.user],
                )
        else:

            def work() -> None:
                self.conn.execute("DELETE FROM coordination_meeting WHERE month = ?", [month])

        self._write(
            self._entry(
                "create" if held else "delete",
                "coordination_meeting",
                month,
                "koordineringsgruppemøde",
                None if held else "x",
                "x" if held else None,
            ),
            work,
        )

    def set_hours_over(self, hours: float) -> None:
        """The x of "ordinary hours above x hours a month" (0–744); one transaction."""
        self.project.require_team_copy("Statusskemaets indstillinger")
        hours = check_hours_over(hours)
        old = self.hours_over()
        self._write(
            self._entry(
                "update", "project_setting", HOURS_OVER_KEY, "timegrænse", str(old), str(hours)
            ),
            lambda: self.conn.execute(
                "INSERT INTO project_setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [HOURS_OVER_KEY, json.dumps(hours)],
            ),
        )
