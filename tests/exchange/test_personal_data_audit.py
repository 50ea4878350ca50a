"""Exports that hold personal data (the register, the template with the project's data: what
`fsm-desktop template --db` and Import → Eksportér projektet write) are recorded in the audit
log: who, when, what, how many citizens and where, in the transaction that puts the file in
place. A project that cannot record it (opened read-only) exports nothing; a file that cannot
be written is not recorded. The empty template and the status sheet hold none and are not."""

from __future__ import annotations

import datetime as dt

import pytest

from fsm_desktop.domain.measures import Month
from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.exchange.table_export import export_register
from fsm_desktop.exchange.template import (
    REGISTER,
    TEMPLATE_WITH_DATA,
    ExportError,
    export_template,
    write_template,
)
from fsm_desktop.operations.status import export_status
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository

HEADERS = ["Navn", "CPR"]


def exports(project: Project) -> list[tuple]:
    return project.db.execute(
        "SELECT at, user, action, entity, entity_id, citizen_id, field, old, new FROM audit_log "
        "WHERE action = 'export' ORDER BY rowid"
    ).fetchall()


def _citizens(project: Project, n: int = 3) -> None:
    for i in range(n):
        CitizenRepository(project).add(Citizen(cpr=f"01017012{i:02d}", name=f"Borger {i}", group=1))


def test_the_template_with_data_is_recorded(project, tmp_path):
    _citizens(project)
    before = dt.datetime.now().replace(microsecond=0)
    path = export_template(project, tmp_path / "eksport.xlsx")
    assert path == (tmp_path / "eksport.xlsx").absolute() and path.exists()
    ((at, user, action, entity, entity_id, citizen_id, field, old, new),) = exports(project)
    assert (user, action, entity, citizen_id, field, old, new) == (
        project.user,
        "export",
        "file",
        None,
        TEMPLATE_WITH_DATA,
        None,
        "3",
    )
    assert entity_id == str(path)
    assert before <= dt.datetime.fromisoformat(at) <= dt.datetime.now()


def test_the_register_is_recorded_with_its_rows(project, tmp_path):
    rows = [["Hans Hansen", "010170-xxxx"], ["Grete Jensen", "020280-xxxx"]]
    path = export_register(project, tmp_path / "borgere.xlsx", "Borgere", HEADERS, rows)
    assert exports(project)[0][2:] == ("export", "file", str(path), None, REGISTER, None, "2")
    export_register(project, tmp_path / "igen.xlsx", "Borgere", HEADERS, rows[:1])
    assert [e[-1] for e in exports(project)] == ["2", "1"], "one entry per export"


def test_the_empty_template_and_the_status_sheet_hold_no_personal_data(project, tmp_path):
    _citizens(project)
    write_template(tmp_path / "skabelon.xlsx")
    export_status(
        project,
        Month.of(project.initiative.start),
        tmp_path / "status.xlsx",
        today=project.initiative.start,
    )
    assert exports(project) == []


@pytest.fixture
def read_only(tmp_path):
    path = tmp_path / "laest.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        _citizens(project)
    with Project.open(path, read_only=True) as project:
        assert project.read_only
        yield project


@pytest.mark.parametrize(
    "export",
    [
        lambda project, path: export_template(project, path),
        lambda project, path: export_register(
            project, path, "Borgere", HEADERS, [["Hans Hansen", "010170-xxxx"]]
        ),
    ],
    ids=["template", "register"],
)
def test_a_read_only_project_exports_no_personal_data(read_only, tmp_path, export):
    target = tmp_path / "ud" / "eksport.xlsx"
    target.parent.mkdir()
    with pytest.raises(ExportError, match="personoplysninger og skal skrives i projektets log"):
        export(read_only, target)
    assert list(target.parent.iterdir()) == [], "no file, no temporary file"
    assert exports(read_only) == []


def test_a_file_that_cannot_be_written_is_not_recorded(project, tmp_path):
    _citizens(project)
    with pytest.raises(ExportError, match="findes-ikke"):
        export_template(project, tmp_path / "findes-ikke" / "eksport.xlsx")
    folder = tmp_path / "en-mappe.xlsx"
    folder.mkdir()  # the move into place fails: the entry is rolled back with it
    with pytest.raises(ExportError):
        export_register(project, folder, "Borgere", HEADERS, [["Hans Hansen", "010170-xxxx"]])
    assert exports(project) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~")] == []
