"""Issue 25.3: an initiative's own kinds of period in a project: the import template lists
them, an extract names them by label, they are stored as themselves, read back with their
label and category, counted by a measure, and exported and imported again unchanged. A file
from before own kinds (schema 10) is migrated with its rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from own_kinds_helpers import afklaring

from fsm_desktop.domain.model import PeriodCategory
from fsm_desktop.domain.template_schema import check_template
from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.exchange.template import export_template, write_template
from fsm_desktop.operations.measures import measures_report
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository

CITIZENS = [
    ("010180-1234", "Anna Hansen", None, "K", "dansk", dt.datetime(2026, 2, 1)),
    ("020280-2345", "Bo Berg", None, "M", "dansk", dt.datetime(2026, 2, 1)),
]
PERIODS = [
    ("010180-1234", "jobafklaringsforløb", dt.datetime(2026, 2, 1), None, None),
    ("020280-2345", "Jobafklaringsforløb", dt.datetime(2026, 2, 1), None, None),
    ("010180-1234", "IPS-forløb", dt.datetime(2026, 3, 2), dt.datetime(2026, 4, 30), None),
    ("020280-2345", "ips_forloeb", dt.datetime(2026, 4, 1), dt.datetime(2026, 4, 10), None),
]


@pytest.fixture
def own(tmp_path):
    project = Project.create(tmp_path / "afklaring.fsm", check_template(afklaring()))
    yield project
    project.close()


def _filled(path: Path, project: Project) -> Path:
    labels = [kind.label for kind in project.template.period_kinds]
    write_template(path, own_kinds=labels)
    workbook = load_workbook(path)
    for row in CITIZENS:
        workbook["Borgere"].append(list(row))
    for row in PERIODS:
        workbook["Forløb"].append(list(row))
    workbook.save(path)
    return path


def test_the_template_lists_the_initiatives_own_kinds(own, tmp_path):
    path = _filled(tmp_path / "skabelon.xlsx", own)
    workbook = load_workbook(path)
    listed = [row[0] for row in workbook["Lister"].iter_rows(min_row=2, values_only=True)]
    assert listed[-2:] == ["jobafklaringsforløb", "IPS-forløb"]
    guide = [row[1] for row in workbook["Vejledning"].iter_rows(values_only=True)]
    assert "IPS-forløb" in guide


def test_own_kinds_import_are_stored_as_themselves_and_counted(own, tmp_path):
    prepared = prepare(own, _filled(tmp_path / "udtraek.xlsx", own))
    assert prepared.plan.counts()["periods_new"] == 4, prepared.plan.counts()
    commit(own, prepared)
    stored = sorted(row[0] for row in own.db.execute("SELECT kind FROM period"))
    assert stored == ["ips_forloeb", "ips_forloeb", "jobafklaring", "jobafklaring"]
    anna = CitizenRepository(own).by_cpr("0101801234")
    record = CitizenEditor(own).load(anna.id)
    kinds = {p.kind.value: p.kind for p in record.periods}
    assert kinds["ips_forloeb"].label == "IPS-forløb"
    assert kinds["jobafklaring"].category is PeriodCategory.BENEFIT
    results = measures_report(own).for_measure("afklaret")
    # March: Anna in IPS of 2 on the benefit; April: both.
    assert [(r.label, r.numerator, r.denominator) for r in results] == [
        ("2026-02", 0, 2),
        ("2026-03", 1, 2),
        ("2026-04", 2, 2),
    ]


def test_an_export_with_own_kinds_imports_again_unchanged(own, tmp_path):
    commit(own, prepare(own, _filled(tmp_path / "udtraek.xlsx", own)))
    exported = export_template(own, tmp_path / "eksport.xlsx")
    labels = {
        row[1] for row in load_workbook(exported)["Forløb"].iter_rows(min_row=2, values_only=True)
    }
    assert labels == {"jobafklaringsforløb", "IPS-forløb"}
    again = prepare(own, exported)
    assert again.plan.counts()["periods_new"] == 0
    assert again.plan.counts()["periods_updated"] == 0


def test_an_unknown_kind_is_refused_naming_the_row(own, tmp_path):
    path = _filled(tmp_path / "udtraek.xlsx", own)
    workbook = load_workbook(path)
    workbook["Forløb"].append(["010180-1234", "dagpenge", dt.datetime(2026, 2, 1), None, None])
    workbook.save(path)
    prepared = prepare(own, path)
    (rejected,) = [r for r in prepared.plan.rejected if r.sheet == "Forløb"]
    assert rejected.row == 6
    assert any("»dagpenge« er ikke en kendt forløbstype" in m for m in rejected.messages)


def test_a_mapping_translates_a_case_systems_name_to_an_own_kind(own, tmp_path):
    """Another layout, CSV: its mapping translates the case system's "IPS" to the kind."""
    from fsm_desktop.exchange.import_format import Mapping, SheetMapping

    commit(own, prepare(own, _filled(tmp_path / "udtraek.xlsx", own)))
    csv = tmp_path / "forloeb.csv"
    csv.write_text("Cpr;Type;Fra\n0101801234;IPS;01.05.2026\n", encoding="utf-8")
    mapping = Mapping(
        "Forløb fra sagssystemet",
        {
            "*": SheetMapping(
                "forloeb",
                {"cpr": "Cpr", "type": "Type", "fra": "Fra"},
                values={"type": {"IPS": "ips_forloeb"}},
            )
        },
    )
    prepared = prepare(own, csv, mapping=mapping)
    assert prepared.plan.counts()["periods_new"] == 1, [str(e) for e in prepared.plan.errors]
    commit(own, prepared)
    kinds = own.db.execute("SELECT kind FROM period WHERE start = '2026-05-01'").fetchall()
    assert kinds == [("ips_forloeb",)]


def test_a_kind_the_template_no_longer_names_does_not_stop_an_import(own, tmp_path):
    """A file edited by hand holds a period of a kind its template dropped: the next import
    reads it as template.kind says (an unknown kind, a marking) instead of failing."""
    commit(own, prepare(own, _filled(tmp_path / "udtraek.xlsx", own)))
    anna = CitizenRepository(own).by_cpr("0101801234")
    own.db.execute(
        "INSERT INTO period (id, citizen_id, kind, start) VALUES ('p-gone', ?, 'forsvundet', '2026-01-05')",
        [anna.id],
    )
    again = prepare(own, _filled(tmp_path / "igen.xlsx", own))
    assert again.plan.counts()["periods_new"] == 0
    (gone,) = [p for p in again.existing.periods.values() if p.id == "p-gone"]
    assert (gone.kind, gone.kind.category) == ("forsvundet", PeriodCategory.MARKING)
