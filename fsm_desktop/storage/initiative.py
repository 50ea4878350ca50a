"""The project's initiative as a template (issue 25): what it is now, changing it, and undoing
the change.

A project keeps its own copy of its template (``initiative.template_json``) with the period and
the 0-punkt beside it, and the status sheet's goals in ``goal``, where the Statusskema page
edits them. The project's template is all of that together: :meth:`InitiativeRepository.current`.

A change replaces all of it in one transaction, with one audit entry (entity "initiative",
action "template") that holds the template before and after, whole, as JSON. Undoing a change
writes the newest such entry's "before" back, as a change of its own (action
"undo_template"), so the log tells what happened, and an undo can itself be undone."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from fsm_desktop.domain.danish import number
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import AuditEntry
from fsm_desktop.domain.program import ProgramTemplate, parse_template
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project, file_error
from fsm_desktop.storage.sqlite import dbapi

#: The audit log's entity and actions for a change of the template.
ENTITY = "initiative"
CHANGED = "template"
UNDONE = "undo_template"


@dataclass(frozen=True)
class TemplateChange:
    """A change of the project's template, as the audit log holds it."""

    at: dt.datetime
    user: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def name_before(self) -> str:
        return str(self.before.get("name", ""))


class InitiativeRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn = project.db.conn

    def current(self) -> dict[str, Any]:
        """The project's template as data, its goals as the Statusskema page has them (in their
        order, with their labels, units and targets)."""
        row = self.conn.execute("SELECT template_json FROM initiative WHERE id = 1").fetchone()
        data: dict[str, Any] = json.loads(row[0])
        data["goals"] = [
            {"measure": measure, "label": label, "unit": unit, "targets": json.loads(targets)}
            for measure, label, unit, targets in self.conn.execute(
                "SELECT measure, label, unit, targets FROM goal ORDER BY position"
            )
        ]
        return data

    def current_template(self) -> ProgramTemplate:
        return parse_template(self.current())

    def change(self, template: ProgramTemplate) -> bool:
        """Make ``template`` the project's (checked by the caller: it is a ProgramTemplate);
        False when it is the one the project has. One transaction with its audit entry."""
        self.project.require_team_copy("Indsatsen")
        before = self.current()
        after = json.loads(template.to_json())
        if after == before:
            return False
        self._refuse_removing_kinds_in_use(template)
        self._write(before, after, CHANGED)
        return True

    def _refuse_removing_kinds_in_use(self, template: ProgramTemplate) -> None:
        """A kind of period the project's periods have stays in the template (its periods
        would lose their name and category)."""
        kept = {kind.value for kind in template.kinds()}
        for kind, count in self.conn.execute("SELECT kind, count(*) FROM period GROUP BY kind"):
            if kind not in kept:
                label = self.project.template.kind(kind).label
                raise ValidationError(
                    "Forløbstypen »{label}« kan ikke fjernes fra indsatsen: {count} forløb i "
                    "projektet har den. Ret eller slet dem først.",
                    label=label,
                    count=number(count),
                )

    def last_change(self) -> TemplateChange | None:
        """The newest change or undo of the template, if any."""
        row = self.conn.execute(
            "SELECT at, user, action, old, new FROM audit_log WHERE entity = ? AND action IN (?, ?) "
            "ORDER BY rowid DESC LIMIT 1",
            [ENTITY, CHANGED, UNDONE],
        ).fetchone()
        if row is None:
            return None
        return TemplateChange(
            dt.datetime.fromisoformat(row[0]),
            row[1],
            row[2],
            json.loads(row[3]),
            json.loads(row[4]),
        )

    def undo(self) -> TemplateChange:
        """Put the template back as it was before the newest change (or undo). Refused when the
        project's template is no longer the one that change made (goals changed since on the
        Statusskema page): that would lose them silently."""
        self.project.require_team_copy("Indsatsen")
        last = self.last_change()
        if last is None:
            raise ValidationError(
                "Indsatsen er ikke ændret i dette projekt; der er intet at fortryde."
            )
        if self.current() != last.after:
            raise ValidationError(
                "Indsatsen er ændret siden (fx statusskemaets mål), så ændringen kan ikke fortrydes "
                "uden at miste det. Ret den i Indsats → Indstillinger i stedet."
            )
        # A stored template that no longer parses is not restored, nor one without a kind the
        # project's periods have got since.
        self._refuse_removing_kinds_in_use(parse_template(last.before))
        self._write(last.after, last.before, UNDONE)
        return last

    def _write(self, before: dict[str, Any], after: dict[str, Any], action: str) -> None:
        template = parse_template(after)
        at = dt.datetime.now().replace(microsecond=0)
        entry = AuditEntry(
            at,
            self.project.user,
            action,
            ENTITY,
            "1",
            None,
            "skabelon",
            json.dumps(before, ensure_ascii=False),
            json.dumps(after, ensure_ascii=False),
        )
        try:
            with self.db.atomic():
                self.conn.execute(
                    "UPDATE initiative SET program = ?, start = ?, end = ?, baseline_date = ?, "
                    "template_json = ? WHERE id = 1",
                    [
                        template.key,
                        template.start.isoformat(),
                        template.end.isoformat(),
                        template.baseline_date.isoformat(),
                        json.dumps(after, ensure_ascii=False, indent=2),
                    ],
                )
                self.conn.execute("DELETE FROM goal")
                self.conn.executemany(
                    "INSERT INTO goal (measure, position, label, unit, targets) VALUES (?, ?, ?, ?, ?)",
                    [
                        (
                            goal.measure,
                            position,
                            goal.label,
                            goal.unit,
                            json.dumps(goal.targets, sort_keys=True),
                        )
                        for position, goal in enumerate(template.goals)
                    ],
                )
                AuditLog(self.project).record([entry])
        except dbapi.Error as exc:
            raise file_error(exc, self.project.path) from None
        finally:
            self.project.forget_initiative()
