"""Issue 25.2: changing an open project's initiative is one transaction with an audit entry, and
can be undone; the project's template is its stored copy with the Statusskema page's goals."""

from __future__ import annotations

import copy
import json

import pytest

from fsm_desktop.domain.errors import ProjectFileError, ValidationError
from fsm_desktop.domain.program import builtin_template, parse_template
from fsm_desktop.operations.changes import Changes
from fsm_desktop.operations.initiative import change_template, undo_template_change
from fsm_desktop.storage.initiative import InitiativeRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.status_sheet import StatusSheetRepository


def _edited(project: Project, **changes) -> dict:
    data = copy.deepcopy(InitiativeRepository(project).current())
    data.update(changes)
    return data


def test_the_current_template_has_the_status_sheets_goals(project):
    StatusSheetRepository(project).set_goal("praktik", "2021-10", 0.3)
    data = InitiativeRepository(project).current()
    praktik = next(g for g in data["goals"] if g["measure"] == "praktik")
    assert praktik["targets"] == {"2020-10": 0.2, "2021-10": 0.3}
    assert [g["measure"] for g in data["goals"]] == [g.measure for g in project.template.goals]


def test_a_change_writes_the_template_period_and_goals_with_one_audit_entry(project):
    data = _edited(project, period={"start": "2020-01-01", "end": "2022-06-30"})
    data["measures"][0]["thresholds"][0]["value"] = 0.25
    data["goals"] = data["goals"][:2]
    done = change_template(project, parse_template(data))
    assert done.value is True and done.changes == Changes.everything()
    # Read again, as another window or the next start would.
    with Project.open(project.path, read_only=True) as again:
        assert (again.initiative.start.isoformat(), again.initiative.end.isoformat()) == (
            "2020-01-01",
            "2022-06-30",
        )
        assert [t.value for t in again.template.measures[0].thresholds] == [0.2, 0.25]
        assert [g.measure for g in again.template.goals] == [
            "gross_target_group",
            "job_broker_group1",
        ]
        assert InitiativeRepository(again).current() == data
    # The project's own objects know at once.
    assert project.initiative.end.isoformat() == "2022-06-30"
    rows = project.db.execute(
        "SELECT action, entity, field, old, new FROM audit_log WHERE entity = 'initiative'"
    ).fetchall()
    assert len(rows) == 1
    action, entity, field, old, new = rows[0]
    assert (action, entity, field) == ("template", "initiative", "skabelon")
    assert json.loads(old)["period"]["start"] == "2019-11-01"
    assert json.loads(new) == data


def test_the_same_template_again_changes_nothing(project):
    done = change_template(project, parse_template(InitiativeRepository(project).current()))
    assert done.value is False and not done.changes
    assert project.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_undo_puts_the_template_back_and_can_itself_be_undone(project):
    before = InitiativeRepository(project).current()
    after = _edited(project, name="Flere skal med 2 – Testrup")
    change_template(project, parse_template(after))
    undone = undo_template_change(project)
    assert undone.value.after == after and undone.value.before == before
    assert InitiativeRepository(project).current() == before
    assert project.template.name == "Flere skal med 2"
    undo_template_change(project)  # the undo undone: the change again
    assert InitiativeRepository(project).current() == after
    actions = [
        row[0]
        for row in project.db.execute(
            "SELECT action FROM audit_log WHERE entity = 'initiative' ORDER BY rowid"
        )
    ]
    assert actions == ["template", "undo_template", "undo_template"]


def test_undo_is_refused_when_nothing_was_changed_or_goals_changed_since(project):
    with pytest.raises(ValidationError, match="intet at fortryde"):
        undo_template_change(project)
    change_template(project, parse_template(_edited(project, name="Ny")))
    StatusSheetRepository(project).set_goal("praktik", "2021-10", 0.3)
    with pytest.raises(ValidationError, match="ændret siden"):
        undo_template_change(project)
    assert project.template.name == "Ny"


def test_a_failed_write_changes_nothing(project, monkeypatch):
    from fsm_desktop.storage import initiative

    def broken(self, entries):
        raise initiative.dbapi.OperationalError("disk I/O error")

    monkeypatch.setattr(initiative.AuditLog, "record", broken)
    before = InitiativeRepository(project).current()
    with pytest.raises(ProjectFileError):
        change_template(project, builtin_template("bir"))
    assert InitiativeRepository(project).current() == before
    assert project.template.key == "fsm2"


def test_a_kind_of_period_in_use_stays_in_the_template(project):
    """An own kind (issue 25.3) that periods have cannot be taken out, by a change or an undo."""
    from fsm_desktop.domain.model import Citizen
    from fsm_desktop.storage.repositories import CitizenRepository

    data = InitiativeRepository(project).current()
    data["period_kinds"] = [{"key": "ips_forloeb", "label": "IPS-forløb", "category": "tilbud"}]
    change_template(project, parse_template(data))
    CitizenRepository(project).add(Citizen(cpr="0101801234", name="Anna", group=1))
    anna = CitizenRepository(project).by_cpr("0101801234")
    project.db.execute(
        "INSERT INTO period (id, citizen_id, kind, start, end) VALUES ('p1', ?, ?, ?, ?)",
        [anna.id, "ips_forloeb", "2020-03-01", "2020-04-30"],
    )
    without = copy.deepcopy(data)
    del without["period_kinds"]
    with pytest.raises(
        ValidationError, match="»IPS-forløb« kan ikke fjernes fra indsatsen: 1 forløb"
    ):
        change_template(project, parse_template(without))
    with pytest.raises(ValidationError, match="»IPS-forløb« kan ikke fjernes"):
        undo_template_change(project)
    assert project.template.kind("ips_forloeb").label == "IPS-forløb"
