"""An import end to end on a fresh project per test: template round trip, all or nothing,
valid rows only with an error report, re-import, undo to the exact previous state, saved
mappings, cancelling, and ending citizens missing from the extract."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import fill_template
from openpyxl import load_workbook

from fsm_desktop.domain.imports import ImportCancelled
from fsm_desktop.domain.model import Citizen, ExitReason
from fsm_desktop.exchange.import_format import Mapping, SheetMapping
from fsm_desktop.exchange.importer import ImportRefused, commit, prepare
from fsm_desktop.exchange.spreadsheet import ImportFileError, read_source
from fsm_desktop.exchange.template import write_template
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.imports import Ending, ImportRepository, ImportUndoError
from fsm_desktop.storage.repositories import CitizenRepository

#: The tables an import may touch; the audit log and the import record only grow.
DATA_TABLES = ("staff", "citizen", "assignment", "status_entry", "period", "paid_hours")

STAFF = [
    ("JF", "Jonna Formidler", "jobformidler", 37),
    ("SB", "Sara Sagsbehandler", "sagsbehandler", 30.5),
    ("BF", "Barsel/fængsel", "pseudo", 0),
]
CITIZENS = [
    (
        "010180-1234",
        "Anna Hansen",
        1,
        "K",
        "dansk",
        dt.datetime(2019, 11, 1),
        None,
        None,
        "JF",
        "SB",
        "ja",
        "Lager",
    ),
    (
        "020280-2345",
        "Bo Berg",
        2,
        "M",
        "ikke-vestlig",
        dt.datetime(2019, 11, 1),
        None,
        None,
        None,
        "SB",
        "nej",
        None,
    ),
    (
        "030380-3456",
        "Cai Dahl",
        1,
        "M",
        "vestlig",
        dt.datetime(2020, 1, 15),
        dt.datetime(2021, 3, 31),
        "fraflyttet",
        "JF",
        None,
        None,
        None,
    ),
]
PERIODS = [
    ("010180-1234", "kontanthjælp aktivitetsparat", dt.datetime(2019, 1, 1), None, None),
    ("010180-1234", "virksomhedspraktik", dt.datetime(2020, 2, 1), dt.datetime(2020, 4, 30), None),
    ("020280-2345", "fritagelse", dt.datetime(2020, 5, 1), dt.datetime(2020, 8, 31), "barsel"),
    ("030380-3456", "uddannelse SU", dt.datetime(2020, 9, 1), None, None),
]
HOURS = [
    ("010180-1234", "2020-05", 12.5),
    ("010180-1234", "2020-06", 30),
    ("030380-3456", "2020-06", 4),
]


def _fill(path, citizens=CITIZENS, periods=PERIODS, hours=HOURS, staff=STAFF):
    return fill_template(path, citizens, periods, hours, staff)


def dump(project) -> dict[str, list[tuple]]:
    """Every data table, row for row, in a fixed order."""
    return {
        table: sorted(
            tuple(row) for row in project.db.execute(f'SELECT * FROM "{table}"').fetchall()
        )
        for table in DATA_TABLES
    }


def _import(project, path, **options):
    return commit(project, prepare(project, path), **options)


def test_template_round_trip(project, tmp_path):
    source = _fill(tmp_path / "udfyldt.xlsx")
    result = _import(project, source)
    assert result.record.counts["citizens_new"] == 3 and result.error_report is None
    # Export the project in the same form and read both files back: the same rows.
    exported = write_template(tmp_path / "eksport.xlsx", ImportRepository(project).template_rows())

    def rows(path):
        out = {}
        for table in read_source(path):
            if table.sheet in ("Borgere", "Forløb", "Løntimer", "Medarbejdere"):
                out[table.sheet] = sorted(_plain(row) for _, row in table.rows)
        return out

    exported_rows = rows(exported)
    # The export dates the snapshot facts (the *_fra columns): the first job broker and
    # caseworker from the entry date, CV and job goal from the extract's date (the file's).
    made = dt.date.fromtimestamp(source.stat().st_mtime)
    anna = next(row for row in exported_rows["Borgere"] if row[0] == "010180-1234")
    assert anna[12:] == (dt.date(2019, 11, 1), dt.date(2019, 11, 1), made, made)
    exported_rows["Borgere"] = sorted(_plain(row[:12]) for row in exported_rows["Borgere"])
    assert exported_rows == rows(source)
    # And importing the export into the same project changes nothing.
    again = prepare(project, exported)
    assert (again.plan.errors, again.plan.changes) == ([], 0)


def _plain(row: tuple) -> tuple:
    """Cells compared as a user reads them: 1 == 1.0, a date cell == its date, trailing blanks dropped."""
    out = []
    for cell in row:
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        out.append(cell)
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


def test_the_import_writes_everything_with_audit_entries(project, tmp_path):
    _import(project, _fill(tmp_path / "a.xlsx"))
    db = project.db
    anna = CitizenRepository(project).by_cpr("0101801234")
    assert (anna.name, anna.group, anna.entry_date) == ("Anna Hansen", 1, dt.date(2019, 11, 1))
    cai = CitizenRepository(project).by_cpr("0303803456")
    assert (cai.exit_date, cai.exit_reason) == (dt.date(2021, 3, 31), ExitReason.MOVED_AWAY)
    assert db.execute("SELECT count(*) FROM period").fetchone()[0] == 4
    assert db.execute("SELECT note FROM period WHERE kind = 'fritagelse'").fetchone()[0] == "barsel"
    assert db.execute("SELECT hours FROM paid_hours WHERE month = '2020-05'").fetchone()[0] == 12.5
    assert (
        db.execute("SELECT hours_per_week FROM staff WHERE initials = 'SB'").fetchone()[0] == 30.5
    )
    # First assignments start on the entry date.
    assert db.execute(
        "SELECT s.initials, a.role, a.start, a.end FROM assignment a JOIN staff s ON s.id = a.staff_id "
        "WHERE a.citizen_id = ? ORDER BY a.role",
        [anna.id],
    ).fetchall() == [
        ("JF", "jobformidler", "2019-11-01", None),
        ("SB", "sagsbehandler", "2019-11-01", None),
    ]
    entries = AuditLog(project).for_citizen(anna.id)
    assert {e.action for e in entries} == {"import"}
    assert {e.entity for e in entries} == {
        "citizen",
        "assignment",
        "status_entry",
        "period",
        "paid_hours",
    }
    (hours,) = [e for e in entries if e.entity == "paid_hours"]
    assert hours.new == "2020-05: 12,5; 2020-06: 30"


def test_an_error_stops_everything(project, tmp_path):
    before = dump(project)
    bad = [
        *list(CITIZENS),
        ("0404804567", "Dorte", 7, None, None, None, None, None, None, None, None, None),
    ]
    prepared = prepare(project, _fill(tmp_path / "fejl.xlsx", citizens=bad))
    assert [str(e) for e in prepared.plan.errors] == [
        "Borgere, række 5, kolonne C (gruppe): gruppe 7 findes ikke (brug 1 eller 2)"
    ]
    with pytest.raises(ImportRefused, match="1 fejl"):
        commit(project, prepared)
    assert dump(project) == before
    assert ImportRepository(project).batches() == []


def test_valid_rows_only_writes_an_error_report_next_to_the_source(project, tmp_path):
    bad_hours = [*list(HOURS), ("0101801234", "2020-13", 5), ("0909809999", "2020-05", 5)]
    source = _fill(tmp_path / "delvis.xlsx", hours=bad_hours)
    result = _import(project, source, valid_rows_only=True)
    assert result.error_report.parent == tmp_path and result.error_report.name.startswith(
        "delvis-fejl-"
    )
    assert project.db.execute("SELECT count(*) FROM paid_hours").fetchone()[0] == 3
    report = load_workbook(result.error_report)
    ws = report["Løntimer"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Række", "Fejl", "cpr", "måned", "timer")
    assert rows[1] == (
        5,
        "B (måned): »2020-13« er ikke en måned (ÅÅÅÅ-MM)",
        "0101801234",
        "2020-13",
        5,
    )
    assert rows[2][0] == 6 and "findes hverken i Borgere eller i projektet" in rows[2][1]


def test_the_error_report_takes_cells_with_control_characters(project, tmp_path):
    source = tmp_path / "styr.csv"
    source.write_bytes(b"cpr;navn;no\x02te\n010180-1234;Anna;\nabc;Bo\x01;x\x1fy\n")
    result = _import(project, source, valid_rows_only=True)
    rows = list(load_workbook(result.error_report)["styr"].iter_rows(values_only=True))
    assert rows[0] == ("Række", "Fejl", "cpr", "navn", "note")
    assert rows[1][0] == 3 and rows[1][2:] == ("abc", "Bo", "xy")
    assert CitizenRepository(project).count() == 1


def test_formulas_in_the_error_report_and_the_export_stay_text(project, tmp_path):
    source = tmp_path / "formler.csv"
    source.write_text(
        'cpr;navn;note\n010180-1234;=2+3;\n=1+1;Bo;"=HYPERLINK(""http://x.dk"";""klik"")"\n',
        encoding="utf-8",
    )
    result = _import(project, source, valid_rows_only=True)
    ws = load_workbook(result.error_report)["formler"]
    assert [(c.value, c.data_type) for c in ws[2]][2:] == [
        ("=1+1", "s"),
        ("Bo", "s"),
        ('=HYPERLINK("http://x.dk";"klik")', "s"),
    ]
    # A name that looks like a formula is exported as the text it is, and reads back the same.
    exported = write_template(tmp_path / "eksport.xlsx", ImportRepository(project).template_rows())
    cell = load_workbook(exported)["Borgere"]["B2"]
    assert (cell.value, cell.data_type) == ("=2+3", "s")
    again = prepare(project, exported)
    assert (again.plan.errors, again.plan.changes) == ([], 0)


def test_valid_rows_only_refuses_when_no_valid_row_changes_anything(project, tmp_path):
    _import(project, _fill(tmp_path / "a.xlsx"))
    before = dump(project)
    batches = ImportRepository(project).batches()
    # Every row rejected; then the valid rows already in the project and one row rejected.
    for name, hours in (
        ("alle-fejl.xlsx", [("0101801234", "2020-13", 5)]),
        ("uaendret.xlsx", [*HOURS, ("x", "2020-01", 1)]),
    ):
        prepared = prepare(
            project, _fill(tmp_path / name, citizens=(), periods=(), staff=(), hours=hours)
        )
        with pytest.raises(
            ImportRefused, match="ingen gyldige rækker, der ændrer noget"
        ) as refused:
            commit(project, prepared, valid_rows_only=True)
        # No import happened, so no error report (its rows and errors were shown instead).
        assert refused.value.error_report is None and "Intet er skrevet." in refused.value.message
        assert list(tmp_path.glob(name[:-5] + "-fejl-*")) == []
    assert dump(project) == before
    assert ImportRepository(project).batches() == batches
    # Ending a citizen missing from the extract is a change: then the valid rows are imported.
    CitizenRepository(project).add(Citizen(cpr="0909809999", name="Gammel Borger", group=1))
    prepared = prepare(project, _fill(tmp_path / "b.xlsx", hours=[*HOURS, ("x", "2020-01", 1)]))
    (old,) = prepared.plan.missing
    result = commit(
        project,
        prepared,
        valid_rows_only=True,
        endings=[Ending(old.id, dt.date(2020, 12, 31), ExitReason.OTHER)],
    )
    assert result.record.counts["ended"] == 1 and result.error_report is not None


def test_a_second_sheet_of_citizens_goes_to_the_error_report(project, tmp_path):
    source = _fill(tmp_path / "to-ark.xlsx")
    workbook = load_workbook(source)
    extra = workbook.create_sheet("Flere borgere")
    extra.append(["cpr", "navn"])
    extra.append(["050580-5678", "Eva"])
    workbook.save(source)
    prepared = prepare(project, source)
    assert [str(e) for e in prepared.plan.errors] == [
        "Flere borgere, række 2: arket indeholder Borgere ligesom arket »Borgere«; kun det første læses"
    ]
    result = commit(project, prepared, valid_rows_only=True)
    assert (
        result.record.counts["citizens_new"] == 3
        and CitizenRepository(project).by_cpr("0505805678") is None
    )
    rows = list(load_workbook(result.error_report)["Flere borgere"].iter_rows(values_only=True))
    assert rows[1] == (
        2,
        "arket indeholder Borgere ligesom arket »Borgere«; kun det første læses",
        "050580-5678",
        "Eva",
    )


def test_no_error_report_when_the_transaction_fails(project, tmp_path, monkeypatch):
    source = _fill(tmp_path / "delvis.xlsx", hours=[*HOURS, ("0101801234", "2020-13", 5)])
    prepared = prepare(project, source)
    before = dump(project)

    def failing(*args, **kwargs):
        raise ImportUndoError("Disken er fuld.")  # any error while writing

    monkeypatch.setattr(ImportRepository, "apply", failing)
    with pytest.raises(ImportUndoError):
        commit(project, prepared, valid_rows_only=True)
    assert list(tmp_path.glob("delvis-fejl-*")) == [] and dump(project) == before


def test_error_reports_in_the_same_second_do_not_overwrite_each_other(tmp_path):
    from fsm_desktop.domain.imports import RejectedRow
    from fsm_desktop.exchange.template import write_error_report

    path = tmp_path / "udtraek-fejl-20260101-120000.xlsx"
    first = write_error_report(path, [RejectedRow("Ark", 2, ["cpr"], ("a",), ["fejl a"])])
    second = write_error_report(path, [RejectedRow("Ark", 2, ["cpr"], ("b",), ["fejl b"])])
    assert first == path and second == tmp_path / "udtraek-fejl-20260101-120000-2.xlsx"
    assert [load_workbook(p)["Ark"]["C2"].value for p in (first, second)] == ["a", "b"]
    assert {p.name for p in tmp_path.iterdir()} == {first.name, second.name}  # no temporary left


def test_undo_refuses_when_staff_it_would_revert_were_changed_since(project, tmp_path):
    first = _import(project, _fill(tmp_path / "a.xlsx")).record
    staff = [
        ("JF", "Jonna Formidler", "jobformidler", 37),
        ("SB", "Sara Sagsbehandler", "sagsbehandler", 20),
        *STAFF[2:],
    ]
    second = _import(project, _fill(tmp_path / "b.xlsx", staff=staff)).record
    assert second.counts["staff_updated"] == 1
    repository = ImportRepository(project)
    with project.db.atomic():
        project.db.execute(
            "UPDATE staff SET name = 'Sara Berg' WHERE initials = 'SB'"
        )  # edited after the import
    before = dump(project)
    with pytest.raises(
        ImportUndoError, match=r"medarbejderen SB \(Sara Sagsbehandler\) er ændret efter importen"
    ):
        repository.undo(second.id)
    assert dump(project) == before
    with project.db.atomic():
        project.db.execute("UPDATE staff SET name = 'Sara Sagsbehandler' WHERE initials = 'SB'")
    repository.undo(second.id)
    # A staff member the import added, changed since: undoing would delete the change.
    with project.db.atomic():
        project.db.execute("DELETE FROM assignment")  # (so that only the change stands in the way)
        project.db.execute("UPDATE staff SET hours_per_week = 25 WHERE initials = 'BF'")
    with pytest.raises(
        ImportUndoError, match=r"medarbejderen BF \(Barsel/fængsel\) er ændret efter importen"
    ):
        repository.undo(first.id)


def test_reimporting_the_same_file_changes_nothing(project, tmp_path):
    source = _fill(tmp_path / "a.xlsx")
    _import(project, source)
    before = dump(project)
    second = _import(project, source)
    assert dump(project) == before
    assert second.record.counts["citizens_unchanged"] == 3
    assert len(ImportRepository(project).batches()) == 2  # every import is recorded


def test_undo_restores_the_exact_previous_state(project, tmp_path):
    _import(project, _fill(tmp_path / "a.xlsx"))
    before = dump(project)
    # A later extract: Anna renamed and with a new job broker, Bo's exemption ended earlier,
    # new hours and a changed month, a new citizen, a new staff member.
    staff = [*STAFF, ("NY", "Ny Formidler", "jobformidler", 37)]
    citizens = [
        (
            "010180-1234",
            "Anna Hansen Berg",
            1,
            None,
            None,
            None,
            None,
            None,
            "NY",
            None,
            "ja",
            "Lager og logistik",
        ),
        *CITIZENS[1:],
        (
            "050580-5678",
            "Eva",
            1,
            "K",
            "dansk",
            dt.datetime(2020, 6, 1),
            None,
            None,
            "NY",
            None,
            None,
            None,
        ),
    ]
    periods = [
        *PERIODS[:2],
        ("020280-2345", "fritagelse", dt.datetime(2020, 5, 1), dt.datetime(2020, 6, 30), "barsel"),
        *PERIODS[3:],
    ]
    hours = [("010180-1234", "2020-05", 14), ("050580-5678", "2020-07", 20)]
    second = _import(project, _fill(tmp_path / "b.xlsx", citizens, periods, hours, staff))
    counts = second.record.counts
    assert (
        counts["citizens_new"],
        counts["citizens_updated"],
        counts["periods_updated"],
        counts["hours_updated"],
    ) == (1, 1, 1, 1)
    assert dump(project) != before
    audit_rows = AuditLog(project).count()
    ImportRepository(project).undo(second.record.id)
    assert dump(project) == before
    assert AuditLog(project).count() > audit_rows  # the undo is in the log too
    (latest, first) = ImportRepository(project).batches()
    assert latest.undone and not first.undone


def test_undo_only_the_newest_and_not_after_later_changes(project, tmp_path):
    first = _import(project, _fill(tmp_path / "a.xlsx")).record
    second = _import(
        project, _fill(tmp_path / "b.xlsx", hours=[*HOURS, ("010180-1234", "2020-07", 3)])
    ).record
    repository = ImportRepository(project)
    with pytest.raises(ImportUndoError, match=r"Fortryd først den nyere import af b.xlsx"):
        repository.undo(first.id)
    # Someone edits Anna after the import: the import can no longer be undone blindly.
    anna = CitizenRepository(project).by_cpr("0101801234")
    from fsm_desktop.domain.model import AuditEntry

    with project.db.atomic():
        AuditLog(project).record(
            [
                AuditEntry(
                    dt.datetime.now(),
                    "bruger",
                    "update",
                    "citizen",
                    anna.id,
                    anna.id,
                    "navn",
                    "Anna",
                    "Anne",
                )
            ]
        )
    before = dump(project)
    with pytest.raises(ImportUndoError, match="Anna Hansen er ændret efter importen"):
        repository.undo(second.id)
    assert dump(project) == before
    with pytest.raises(ImportUndoError, match="findes ikke"):
        repository.undo("nope")


def test_an_undone_import_cannot_be_undone_again(project, tmp_path):
    record = _import(project, _fill(tmp_path / "a.xlsx")).record
    repository = ImportRepository(project)
    repository.undo(record.id)
    assert CitizenRepository(project).count() == 0
    with pytest.raises(ImportUndoError, match="allerede fortrudt"):
        repository.undo(record.id)


def test_bad_files_write_nothing(project, tmp_path):
    before = dump(project)
    for name, content in (
        ("tom.xlsx", b""),
        ("støj.xlsx", bytes(range(256)) * 10),
        ("støj.csv", b"\x00\x01\x02" * 100),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportFileError):
            prepare(project, path)
    header_only = write_template(tmp_path / "kun-overskrifter.xlsx")
    prepared = prepare(project, header_only)
    assert [str(e) for e in prepared.plan.errors] == [
        "Borgere, række 2: filen har kun overskrifter, ingen rækker med data"
    ]
    with pytest.raises(ImportRefused):
        commit(project, prepared)
    unknown = tmp_path / "noget.csv"
    unknown.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    prepared = prepare(project, unknown)
    assert "ingen ark kunne genkendes" in str(prepared.plan.errors[0])
    assert dump(project) == before


def test_cancelling_while_reading_or_checking_writes_nothing(project, tmp_path):
    source = _fill(
        tmp_path / "a.xlsx",
        hours=[("010180-1234", f"{2000 + i // 12}-{i % 12 + 1:02d}", 1) for i in range(2500)],
    )
    before = dump(project)
    with pytest.raises(ImportCancelled):
        prepare(project, source, cancelled=lambda: True)
    calls = []

    def cancel_when_checking() -> bool:
        calls.append(1)
        return len(calls) > 2  # let reading pass, stop while checking the rows

    with pytest.raises(ImportCancelled):
        prepare(project, source, cancelled=cancel_when_checking)
    assert dump(project) == before


def test_a_saved_mapping_is_remembered_for_the_layout(project, tmp_path):
    csv = tmp_path / "momentum.csv"
    csv.write_text(
        "Personnummer;Borgers navn;Målgr.;Start\n0101801234;Anna;Indsats;16.03.2020\n0202802345;Bo;Rehab;01.04.2020\n",
        encoding="cp1252",
    )
    first = prepare(project, csv)
    assert first.mapping is None and first.plan.ignored_sheets == ["momentum"]
    mapping = Mapping(
        "Momentum borgere",
        {
            "*": SheetMapping(
                "borgere",
                {
                    "cpr": "Personnummer",
                    "navn": "Borgers navn",
                    "gruppe": "Målgr.",
                    "indgang": "Start",
                },
                values={"gruppe": {"Indsats": "1", "Rehab": "2"}},
            )
        },
        first.signature,
    )
    repository = ImportRepository(project)
    repository.save_mapping(mapping)
    assert repository.mapping_names() == ["Momentum borgere"]
    again = prepare(project, csv)  # no mapping given: the layout's own is used
    assert again.mapping == mapping and [str(e) for e in again.plan.errors] == []
    commit(project, again)
    bo = CitizenRepository(project).by_cpr("0202802345")
    assert (bo.group, bo.entry_date) == (2, dt.date(2020, 4, 1))
    # Next month's extract, under its own name: the same layout.
    renamed = tmp_path / "momentum-2024-02.csv"
    renamed.write_text(
        "Personnummer;Borgers navn;Målgr.;Start\n0303803456;Cai;Indsats;01.05.2020\n",
        encoding="cp1252",
    )
    february = prepare(project, renamed)
    assert february.signature == first.signature and february.mapping == mapping
    assert [str(e) for e in february.plan.errors] == [] and [
        c.name for c in february.plan.citizens_new
    ] == ["Cai"]


def test_citizens_missing_from_the_extract_can_be_ended_with_the_import(project, tmp_path):
    CitizenRepository(project).add(Citizen(cpr="0909809999", name="Gammel Borger", group=1))
    prepared = prepare(project, _fill(tmp_path / "a.xlsx"))
    assert [c.name for c in prepared.plan.missing] == ["Gammel Borger"]
    old = prepared.plan.missing[0]
    result = commit(
        project, prepared, endings=[Ending(old.id, dt.date(2020, 12, 31), ExitReason.RETIRED)]
    )
    ended = CitizenRepository(project).get(old.id)
    assert (ended.exit_date, ended.exit_reason) == (dt.date(2020, 12, 31), ExitReason.RETIRED)
    assert result.record.counts["ended"] == 1
    assert [
        (e.field_name, e.new) for e in AuditLog(project).for_citizen(old.id) if e.action == "import"
    ] == [("afgang", "2020-12-31"), ("afgangsårsag", "folkepension")]
    ImportRepository(project).undo(result.record.id)
    assert CitizenRepository(project).get(old.id).exit_date is None


def test_a_sheet_with_1000_unknown_columns_and_a_1_mb_cell_write_nothing(project, tmp_path):
    before = dump(project)
    wide = tmp_path / "bred.csv"
    wide.write_text(
        ";".join(f"kolonne {i}" for i in range(1000))
        + "\n"
        + ";".join("x" * 3 for _ in range(1000))
        + "\n",
        encoding="utf-8",
    )
    prepared = prepare(project, wide)
    assert "ingen ark kunne genkendes" in str(prepared.plan.errors[0])
    with pytest.raises(ImportRefused):
        commit(project, prepared)
    huge = tmp_path / "stor.csv"
    huge.write_text("cpr;navn\n0101801234;" + "x" * 1_048_576 + "\n", encoding="utf-8")
    prepared = prepare(project, huge)
    assert [str(e) for e in prepared.plan.errors] == [
        "stor, række 2, kolonne B (navn): cellen er for lang (1.048.576 tegn)"
    ]
    with pytest.raises(ImportRefused):
        commit(project, prepared)
    assert dump(project) == before


_TEXT = st.text(alphabet='0123456789-;.,aæøå KM\n"', max_size=24)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(
        ["cpr;navn;gruppe;indgang", "cpr;type;fra;til", "cpr;måned;timer", "initialer;navn;rolle"]
    ),
    rows=st.lists(_TEXT, max_size=8),
)
def test_any_malformed_rows_give_messages_never_a_crash_and_errors_write_nothing(
    project, tmp_path, header, rows
):
    path = tmp_path / "tilfaeldig.csv"
    path.write_text(header + "\n" + "\n".join(rows), encoding="utf-8")
    before = dump(project)
    try:
        prepared = prepare(project, path)
    except ImportFileError as exc:
        assert exc.message
        assert dump(project) == before
        return
    plan = prepared.plan
    for error in plan.errors:
        assert error.sheet and error.row >= 1 and error.message
    if plan.errors:
        with pytest.raises(ImportRefused):
            commit(project, prepared)
        assert dump(project) == before
    else:
        commit(project, prepared)
        again = prepare(project, path)
        assert again.plan.changes == 0  # a second import of the same rows changes nothing
