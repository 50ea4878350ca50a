"""The Import page and dialog under pytest-qt: save the template, import with a preview,
errors with sheet/row/column, valid rows only, cancel, mapping another layout, ending missing
citizens, undo — and every model checked with QAbstractItemModelTester."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from import_helpers import fill_template
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog

from fsm_desktop.storage.imports import ImportRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.views.imports.import_dialog import ImportDialog
from fsm_desktop.views.imports.mapping_dialog import MappingDialog
from fsm_desktop.views.imports.page import ImportPage

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def window(open_window, small_project_path):
    return open_window(small_project_path, "import")


@pytest.fixture
def page(window) -> ImportPage:
    current = window.stack.currentWidget()
    assert isinstance(current, ImportPage)
    return current


def _filled(tmp_path, citizens=(), periods=(), hours=(), staff=()):
    return fill_template(tmp_path / "udtraek.xlsx", citizens, periods, hours, staff)


NEW = [
    (
        "050580-5678",
        "Eva Eriksen",
        1,
        "K",
        "ikke-vestlig",
        dt.datetime(2020, 1, 1),
        None,
        None,
        "AB",
        "CD",
        "ja",
        "Butik",
    ),
    ("060680-6789", "Finn Friis", 2, "M", "dansk", dt.datetime(2020, 2, 1)),
]
PERIODS = [("050580-5678", "virksomhedspraktik", dt.datetime(2020, 3, 1), dt.datetime(2020, 5, 31))]
HOURS = [("050580-5678", "2020-06", 12.5)]


def test_the_page_without_imports_and_its_models(page):
    QAbstractItemModelTester(page.model, FATAL)
    assert page.model.rowCount() == 0
    assert page.empty_label.isVisible() and not page.view.isVisible()
    assert not page.undo_button.isEnabled()
    assert [page.import_button.text(), page.template_button.text()] == [
        "Importér fil …",
        "Gem skabelon …",
    ]


def test_save_the_template(page, tmp_path):
    assert page.write_template(tmp_path / "skabelon")  # the .xlsx is added
    workbook = load_workbook(tmp_path / "skabelon.xlsx")
    assert [name for name in workbook.sheetnames if name != "Lister"] == [
        "Vejledning",
        "Borgere",
        "Forløb",
        "Løntimer",
        "Medarbejdere",
    ]
    assert [c.value for c in workbook["Borgere"][1]][:3] == ["cpr", "navn", "gruppe"]


def test_import_with_preview_then_write(window, page, qtbot, tmp_path):
    source = _filled(tmp_path, NEW, PERIODS, HOURS)
    dialog = page.import_file(source)
    QAbstractItemModelTester(dialog.errors_model, FATAL)
    QAbstractItemModelTester(dialog.changes_model, FATAL)
    QAbstractItemModelTester(dialog.missing_model, FATAL)
    assert dialog.stack.currentIndex() == ImportDialog.PREVIEW
    assert dialog.count_labels["citizens_new"].text() == "2"
    assert dialog.count_labels["periods_new"].text() == "1"
    assert dialog.count_labels["hours_new"].text() == "1"
    assert dialog.import_button.isVisible() and dialog.import_button.isEnabled()
    assert not dialog.valid_button.isVisible()
    # Nothing is written by the preview.
    assert CitizenRepository(window.project).count() == 4
    # The small project's citizens are not in the extract: listed, not deleted.
    assert dialog.missing_model.rowCount() == 4 - 1  # Bo Nielsen has already left
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    assert dialog.stack.currentIndex() == ImportDialog.DONE
    assert "Importeret: borgere: 2 nye" in dialog.done_label.text()
    assert CitizenRepository(window.project).count() == 6
    assert window.status_label.text().startswith("5 borgere")  # the window refreshed
    assert page.model.rowCount() == 1 and page.undo_button.isEnabled()
    assert page.model.index(0, 1).data() == "udtraek.xlsx"


def test_the_written_import_leaves_qdialogs_result_code_alone(window, page, qtbot, tmp_path):
    """The import's outcome is kept apart from QDialog.result(), the code the dialog closed with
    (it was stored as ``result``, which made ``dialog.result()`` call the outcome)."""
    dialog = page.import_file(_filled(tmp_path, NEW))
    with qtbot.waitSignal(dialog.imported) as written:
        dialog.import_button.click()
    dialog.close_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.committed is written.args[0]


def test_errors_are_listed_with_sheet_row_and_column(page, tmp_path):
    bad = [NEW[0], ("060680-6789", "Finn", 9)]
    dialog = page.import_file(
        _filled(tmp_path, bad, [("050580-5678", "ferie", dt.datetime(2020, 1, 1))])
    )
    model = dialog.errors_model
    rows = [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]
    assert rows == [
        ["Borgere", "3", "C (gruppe)", "gruppe 9 findes ikke (brug 1 eller 2)"],
        ["Forløb", "2", "B (type)", "»ferie« er ikke en kendt forløbstype (se arket Vejledning)"],
    ]
    assert dialog.tabs.tabText(0) == "Fejl (2)" and dialog.tabs.currentIndex() == 0
    assert not dialog.import_button.isEnabled()
    assert dialog.valid_button.isVisible()


def test_valid_rows_only(window, page, qtbot, tmp_path):
    dialog = page.import_file(_filled(tmp_path, [NEW[0], ("060680-6789", "Finn", 9)]))
    with qtbot.waitSignal(dialog.imported):
        dialog.valid_button.click()
    assert CitizenRepository(window.project).by_cpr("0505805678") is not None
    assert CitizenRepository(window.project).by_cpr("0606806789") is None
    assert "De afviste rækker står i" in dialog.done_label.text()
    assert list(tmp_path.glob("udtraek-fejl-*.xlsx"))


def test_valid_rows_only_is_offered_only_when_valid_rows_change_something(
    window, page, qtbot, tmp_path
):
    first = page.import_file(_filled(tmp_path, NEW, hours=HOURS))
    with qtbot.waitSignal(first.imported):
        first.import_button.click()
    bad_hours = [("050580-5678", "2020-13", 1)]
    unchanged = page.import_file(fill_template(tmp_path / "timer.xlsx", hours=HOURS + bad_hours))
    assert unchanged.errors_model.rowCount() == 1
    assert not unchanged.valid_button.isVisible() and not unchanged.import_button.isEnabled()
    # With citizens missing from the extract there is something to do: ending them. Without
    # any marked, the import is refused, and no error report is written (no import happened).
    missing = page.import_file(
        fill_template(tmp_path / "borgere.xlsx", NEW, hours=HOURS + bad_hours)
    )
    assert missing.valid_button.isVisible()
    missing.valid_button.click()
    text = missing.done_label.text()
    assert "ingen gyldige rækker, der ændrer noget" in text and text.count("Intet er skrevet") == 1
    assert list(tmp_path.glob("borgere-fejl-*")) == []
    assert len(ImportRepository(window.project).batches()) == 1


def test_closing_while_writing_is_ignored_and_the_result_shown(window, page, qtbot, tmp_path):
    dialog = page.import_file(_filled(tmp_path, NEW))
    shown = dialog._write_step
    closed = []

    def close_while_writing(step):
        closed.append(
            dialog.close()
        )  # Esc, or the window's close button, while the import is written
        shown(step)

    dialog._write_step = close_while_writing
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    assert closed and not any(closed)
    assert dialog.isVisible() and dialog.stack.currentIndex() == ImportDialog.DONE
    assert "Importeret: borgere: 2 nye" in dialog.done_label.text()
    assert page.model.rowCount() == 1
    dialog.close_button.click()  # once written, the dialog closes as usual
    assert not dialog.isVisible()


def test_cancelling_while_reading_writes_nothing(window, page, tmp_path):
    rows = [(f"0101{80 + i // 1000:02d}{1000 + i % 1000:04d}", f"Borger {i}") for i in range(2500)]
    dialog = ImportDialog(window.project, _filled(tmp_path, rows), page)
    shown = dialog._progress

    def press_cancel_at_the_first_report(value):
        shown(value)
        dialog.cancel()  # "Annullér" while the file is being read

    dialog._progress = press_cancel_at_the_first_report
    dialog.start()
    assert dialog.stack.currentIndex() == ImportDialog.DONE
    assert dialog.done_label.text() == "Importen er annulleret. Intet er skrevet."
    assert CitizenRepository(window.project).count() == 4
    assert ImportRepository(window.project).batches() == []


def test_cancel_button_while_reading_sets_the_flag(window, page, tmp_path):
    dialog = ImportDialog(window.project, _filled(tmp_path, NEW), page)
    assert (
        dialog.stack.currentIndex() == ImportDialog.PROGRESS and not dialog.cancel_button.isHidden()
    )
    dialog.cancel_button.click()
    assert dialog.cancel_event.is_set()
    assert dialog.progress_label.text() == "Annullerer …"


def test_a_file_that_is_not_a_spreadsheet(window, page, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"noget helt andet" * 50)
    dialog = page.import_file(junk)
    assert dialog.stack.currentIndex() == ImportDialog.DONE
    assert (
        "hedder .xlsx, men er ikke et regneark" in dialog.done_label.text()
        and "Intet er skrevet." in dialog.done_label.text()
    )
    assert dialog.close_button.isVisible() and not dialog.import_button.isVisible()


def test_mapping_another_layout_is_saved_and_used_again(window, page, qtbot, tmp_path):
    csv = tmp_path / "fasit.csv"
    csv.write_text("Personnr;Fulde navn;Målgruppe\n0505805678;Eva;1\n", encoding="cp1252")
    dialog = page.import_file(csv)
    assert "fasit" in dialog.notes_label.text()  # the sheet was not recognised
    mapping_dialog = dialog.edit_mapping()
    assert isinstance(mapping_dialog, MappingDialog)
    (_name, table_box, _host, state) = mapping_dialog.sheets[0]
    table_box.setCurrentIndex(table_box.findData("borgere"))
    fields = state["fields"]
    fields["cpr"].setCurrentIndex(fields["cpr"].findData("Personnr"))
    fields["navn"].setCurrentIndex(fields["navn"].findData("Fulde navn"))
    fields["gruppe"].setCurrentIndex(fields["gruppe"].findData("Målgruppe"))
    mapping_dialog.accept()  # no name yet: refused with a message
    assert "Giv tilknytningen et navn" in mapping_dialog.error_label.text()
    mapping_dialog.name_edit.setText("Fasit borgere")
    mapping_dialog.accept()
    assert dialog.stack.currentIndex() == ImportDialog.PREVIEW
    assert dialog.count_labels["citizens_new"].text() == "1"
    assert ImportRepository(window.project).mapping_names() == ["Fasit borgere"]
    # The next file in the same layout is read with it at once, also under another name.
    renamed = tmp_path / "fasit-2024-02.csv"
    renamed.write_text("Personnr;Fulde navn;Målgruppe\n0606806789;Finn;2\n", encoding="cp1252")
    second = page.import_file(renamed)
    assert second.mapping is not None and second.mapping.name == "Fasit borgere"
    assert "»Fasit borgere«" in second.notes_label.text()
    assert second.count_labels["citizens_new"].text() == "1" and second.errors_model.rowCount() == 0


def test_ending_missing_citizens_with_the_import(window, page, qtbot, tmp_path):
    dialog = page.import_file(_filled(tmp_path, NEW))
    model = dialog.missing_model
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    row = names.index("Grete Jensen")
    assert model.setData(
        model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert model.index(row, 2).data() == "020280-xxxx"  # CPR masked
    dialog.end_date.setDate(QDate(2021, 6, 30))
    dialog.end_reason.setCurrentIndex(dialog.end_reason.findData("folkepension"))
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    grete = CitizenRepository(window.project).by_cpr("0202802345")
    assert (grete.exit_date, grete.exit_reason.value) == (dt.date(2021, 6, 30), "folkepension")
    assert "1 borger er afsluttet" in dialog.done_label.text()


def test_select_all_missing(page, tmp_path):
    dialog = page.import_file(_filled(tmp_path, NEW))
    dialog.select_all.setChecked(True)
    assert len(dialog.missing_model.checked()) == dialog.missing_model.rowCount() == 3
    dialog.select_all.setChecked(False)
    assert dialog.missing_model.checked() == []
    assert not dialog.missing_model.setData(
        QModelIndex(), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )


def test_the_preview_opens_on_what_the_file_adds(page, tmp_path):
    """New citizens and citizens missing from the extract: the preview opens on the new ones,
    not on the list of missing citizens (and no missing citizen is marked to be ended)."""
    dialog = page.import_file(_filled(tmp_path, NEW))
    assert dialog.missing_model.rowCount() == 3
    assert dialog.tabs.currentIndex() == 1
    assert dialog.tabs.tabText(1) == "Nye og ændrede borgere (2)"
    rows = [
        [dialog.changes_model.index(r, c).data() for c in (0, 2)]
        for r in range(dialog.changes_model.rowCount())
    ]
    assert rows == [["Eva Eriksen", "ny borger"], ["Finn Friis", "ny borger"]]
    dialog.close()


def test_nothing_is_marked_to_end_and_marking_many_asks(page, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog = page.import_file(_filled(tmp_path, NEW))
    model = dialog.missing_model
    assert not dialog.select_all.isChecked() and model.checked() == []
    assert all(
        model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
        for r in range(model.rowCount())
    )
    monkeypatch.setattr(
        dialog, "ASK_ABOVE", 2, raising=False
    )  # the small project has 3 missing citizens
    asked: list[str] = []
    answer = QMessageBox.StandardButton.No

    def question(parent, title, text, *args):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.select_all.setChecked(True)
    assert asked == [
        "Markér alle 3 borgere, der mangler i udtrækket? De afsluttes alle sammen med importen."
    ]
    assert not dialog.select_all.isChecked() and model.checked() == []
    answer = QMessageBox.StandardButton.Yes
    dialog.select_all.setChecked(True)
    assert dialog.select_all.isChecked() and len(model.checked()) == 3
    dialog.close()


def test_undo_asks_and_says_what_it_undoes(window, page, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog = page.import_file(_filled(tmp_path, NEW, PERIODS, HOURS))
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    asked: list[str] = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not page.undo_latest()
    assert CitizenRepository(window.project).count() == 6  # answered no: nothing undone
    (text,) = asked
    assert text.startswith("Fortryd importen af udtraek.xlsx fra ")
    assert (
        "Importen tilføjede og ændrede:\nBorgere: 2 nye, 0 ændrede\nForløb: 1 ny, 0 ændrede\n"
        "Løntimer (måneder): 1 ny, 0 ændrede\nMedarbejdere: 0 nye, 0 ændrede"
    ) in text


def test_undo_the_latest_import(window, page, qtbot, tmp_path):
    dialog = page.import_file(_filled(tmp_path, NEW, PERIODS, HOURS))
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    assert CitizenRepository(window.project).count() == 6
    assert page.undo_latest(confirm=False)
    assert CitizenRepository(window.project).count() == 4
    assert page.model.index(0, 8).data().startswith("fortrudt")
    assert not page.undo_button.isEnabled()
    assert window.status_label.text().startswith("3 borgere")


def test_the_preview_says_when_nothing_would_change(window, page, qtbot, tmp_path):
    source = _filled(tmp_path, NEW)
    first = page.import_file(source)
    with qtbot.waitSignal(first.imported):
        first.import_button.click()
    second = page.import_file(source)
    assert "projektet har allerede alt i filen" in second.preview_title.text()
    assert second.count_labels["citizens_unchanged"].text() == "2"


def test_another_connection_sees_the_import(window, page, qtbot, tmp_path):
    """The import is written on its own connection and committed: any reader sees it."""
    dialog = page.import_file(_filled(tmp_path, NEW))
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    with Project.open(window.project.path, read_only=True) as other:
        assert CitizenRepository(other).by_cpr("0606806789").name == "Finn Friis"


def test_the_extract_date_is_shown_and_a_new_one_checked_before_writing(
    window, page, qtbot, tmp_path
):
    source = fill_template(tmp_path / "momentum 2024-03-15.xlsx", NEW[:1])
    dialog = page.import_file(source)
    assert dialog.as_of_edit.date() == QDate(2024, 3, 15)
    assert dialog.as_of_hint.text() == "(datoen i filnavnet)"
    assert dialog.prepared.plan.status_new[0].date == dt.date(2024, 3, 15)
    assert not dialog.recheck_button.isVisibleTo(dialog) and dialog.import_button.isEnabled()
    # A new date: the preview is of the old one, so the import waits for a new check.
    dialog.as_of_edit.setDate(QDate(2024, 2, 29))
    assert dialog.recheck_button.isVisibleTo(dialog) and not dialog.import_button.isEnabled()
    dialog.recheck_button.click()
    assert dialog.prepared.as_of == dt.date(2024, 2, 29) and dialog.as_of_hint.text() == "(valgt)"
    assert [s.date for s in dialog.prepared.plan.status_new] == [dt.date(2024, 2, 29)] * 2
    assert not dialog.recheck_button.isVisibleTo(dialog) and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    dates = window.project.db.execute(
        "SELECT DISTINCT date FROM status_entry s JOIN citizen c ON c.id = s.citizen_id "
        "WHERE c.cpr = '0505805678'"
    ).fetchall()
    assert dates == [("2024-02-29",)]
    dialog.close()


def test_an_older_extract_is_listed_and_not_written(window, page, qtbot, tmp_path):
    # AB from 1 May 2024 (the jobformidler_fra column; the entry date would give 2020).
    newer = fill_template(
        tmp_path / "udtraek 2024-05-01.xlsx", [NEW[0] + (dt.datetime(2024, 5, 1),)]
    )
    dialog = page.import_file(newer)
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    dialog.close()
    row = (
        "050580-5678",
        "Eva Eriksen",
        1,
        "K",
        "ikke-vestlig",
        dt.datetime(2020, 1, 1),
        None,
        None,
        "EF",
        None,
        None,
        None,
    )
    older = fill_template(
        tmp_path / "udtraek 2024-03-15.xlsx", [row], staff=[("EF", "Eva Frost", "jobformidler", 37)]
    )
    dialog = page.import_file(older)
    QAbstractItemModelTester(dialog.changes_model, FATAL)
    assert (
        "1 tilknytning i udtrækket er ældre end det, projektet har, og ændres ikke"
        in dialog.notes_label.text()
    )
    texts = [
        dialog.changes_model.data(dialog.changes_model.index(r, 2))
        for r in range(dialog.changes_model.rowCount())
    ]
    assert (
        "jobformidler EF pr. 15-03-2024 er ældre end den gemte (AB fra 01-05-2024): ikke ændret"
        in texts
    )
    dialog.close()


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_an_xls_or_ods_extract_imports_and_undoes_like_an_xlsx(window, page, qtbot, tmp_path, fmt):
    source = tmp_path / f"udtraek.{fmt}"
    shutil.copy(Path(__file__).parent.parent / "exchange" / "fixtures" / source.name, source)
    before = CitizenRepository(window.project).count()
    dialog = page.import_file(source)
    assert dialog.stack.currentIndex() == ImportDialog.PREVIEW
    assert dialog.errors_model.rowCount() == 0
    counts = {key: int(label.text()) for key, label in dialog.count_labels.items()}
    # The fixture's three citizens (one of them already in the small project), four periods
    # and three months of hours.
    assert (counts["citizens_new"], counts["citizens_updated"]) == (2, 1)
    assert (counts["periods_new"], counts["hours_new"]) == (4, 3)
    with qtbot.waitSignal(dialog.imported):
        dialog.import_button.click()
    assert CitizenRepository(window.project).count() == before + 2
    assert page.model.index(0, 1).data() == source.name
    assert page.undo_latest(confirm=False)
    assert CitizenRepository(window.project).count() == before


def test_without_imports_the_words_stay_by_the_buttons(window, page, qtbot):
    """Before, the hidden list left its room to be shared out: the heading stood 150 px below
    the buttons and the empty-state words 300 px further down."""
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: page.empty_label.isVisible())
    buttons_bottom = page.import_button.mapTo(page, page.import_button.rect().bottomLeft()).y()
    heading_top = page.list_heading.mapTo(page, page.list_heading.rect().topLeft()).y()
    words_top = page.empty_label.mapTo(page, page.empty_label.rect().topLeft()).y()
    assert 0 < heading_top - buttons_bottom < 40
    assert 0 < words_top - heading_top < 60
