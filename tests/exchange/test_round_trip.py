"""Issue 23.5: a project's own export (``template --db``) imports back into it cleanly and
changes nothing, and the demo makes no duplicate periods (an extract has none: the import
refuses them)."""

from __future__ import annotations

import sqlite3

import pytest

from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.exchange.template import export_template
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project

#: What an import records of itself: the only table an import that changes nothing writes.
OWN_RECORD = {"import_batch"}


def _dump(project: Project) -> dict[str, list[tuple]]:
    """Every table's rows, through the project's own connection (no second SQLite library may
    open a file the project has open: closing it would drop the project's locks)."""
    db = project.db
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


@pytest.mark.parametrize(("program", "seed"), [("fsm2", 1), ("fsm2", 7), ("bir", 2), ("hir", 3)])
def test_the_export_of_a_project_imports_back_and_changes_nothing(tmp_path, program, seed):
    path = tmp_path / "projekt.fsm"
    write_demo(path, program=program, citizens=150, seed=seed)
    export = tmp_path / "eksport.xlsx"
    with Project.open(path) as project:
        export_template(project, export)  # audited: a personal-data export
        before = _dump(project)
        prepared = prepare(project, export)
        plan = prepared.plan
        assert plan.errors == [], [e.message for e in plan.errors[:3]]
        counts = plan.counts()
        changed = {
            key: value
            for key, value in counts.items()
            if value and not key.endswith("unchanged") and key != "rows_read"
        }
        assert changed == {}
        assert counts["citizens_unchanged"] == 150
        commit(project, prepared)
        after = _dump(project)
    differing = {t for t in before if before[t] != after[t]}
    assert differing <= OWN_RECORD


def test_the_demo_makes_no_duplicate_periods(tmp_path):
    """One offer of a kind per citizen and start day (the import's rule for an extract), also
    where the demo draws two other offers for one citizen."""
    path = tmp_path / "demo.fsm"
    write_demo(path, citizens=3000, seed=2)  # two duplicates before the fix
    with sqlite3.connect(path) as db:
        duplicates = db.execute(
            "SELECT citizen_id, kind, start, count(*) FROM period "
            "GROUP BY citizen_id, kind, start HAVING count(*) > 1"
        ).fetchall()
    assert duplicates == []
