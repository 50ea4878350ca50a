"""The window's exports of personal data (Borgere → Eksportér, Import → Eksportér projektet til
skabelonen): the save dialog says the file holds personal data, the export is recorded in the
audit log (who, when, what, how many citizens, where), and a project open read-only offers
neither (the log cannot be written) and refuses them with a Danish message. The empty
template is no personal data: its dialog is the ordinary one, and nothing is recorded."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from fsm_desktop.exchange.template import REGISTER, TEMPLATE_WITH_DATA
from fsm_desktop.storage.project import Project
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.main.window import MainWindow


def exports(project: Project) -> list[tuple]:
    return project.db.execute(
        "SELECT user, action, entity, entity_id, field, new FROM audit_log WHERE action = 'export' ORDER BY rowid"
    ).fetchall()


@pytest.fixture
def save_dialog(monkeypatch):
    """The save dialogs shown: (title, notice) each; the dialog "chooses" ``save_dialog.target``
    (or is cancelled when it is None) instead of waiting for a user."""
    shown = []

    def exec_(dialog):
        notice = dialog.findChild(QLabel, "personalDataNotice")
        shown.append(
            (
                dialog.windowTitle(),
                notice.text() if notice is not None and not notice.isHidden() else None,
            )
        )
        if shown.target is None:
            return QFileDialog.DialogCode.Rejected
        dialog.selectFile(str(shown.target))
        return QFileDialog.DialogCode.Accepted

    class Shown(list):
        target = None

    shown = Shown()
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    return shown


def page_of(win: MainWindow, key: str):
    win.show_page_key(key)
    page = win.stack.currentWidget()
    assert page.key == key
    return page


def test_the_register_export_says_personal_data_and_is_recorded(
    open_window, small_project_path, save_dialog, tmp_path
):
    win = open_window(small_project_path, "borgere")
    page = page_of(win, "borgere")
    assert page.export_button.isVisible()
    assert "personoplysninger" in page.export_button.toolTip()
    save_dialog.target = tmp_path / "borgere.xlsx"
    page.export_button.click()
    ((title, notice),) = save_dialog
    assert title == "Eksportér borgere – filen indeholder personoplysninger"
    assert notice.startswith(
        "Filen indeholder personoplysninger (navne og fødselsdatoer). Gem den kun et sikkert sted"
    )
    assert "projektets log" in notice
    rows = list(
        load_workbook(tmp_path / "borgere.xlsx").active.iter_rows(min_row=5, values_only=True)
    )
    assert len(rows) == 3  # those who have not left
    assert exports(win.project) == [
        (win.project.user, "export", "file", str(tmp_path / "borgere.xlsx"), REGISTER, "3")
    ]
    assert "3 borgere eksporteret" in win.statusBar().currentMessage()


def test_every_export_asks_and_is_recorded(open_window, small_project_path, save_dialog, tmp_path):
    win = open_window(small_project_path, "borgere")
    page = page_of(win, "borgere")
    page.search.setText("hans")
    for name in ("a.xlsx", "b.xlsx"):
        save_dialog.target = tmp_path / name
        page.export_dialog()
    assert len(save_dialog) == 2
    assert [(e[3], e[5]) for e in exports(win.project)] == [
        (str(tmp_path / "a.xlsx"), "1"),
        (str(tmp_path / "b.xlsx"), "1"),
    ]


def test_a_cancelled_dialog_exports_and_records_nothing(
    open_window, small_project_path, save_dialog, tmp_path
):
    win = open_window(small_project_path, "borgere")
    page_of(win, "borgere").export_dialog()
    assert len(save_dialog) == 1 and exports(win.project) == []
    assert list(tmp_path.glob("*.xlsx")) == []


def test_the_project_export_says_personal_data_and_is_recorded(
    open_window, small_project_path, save_dialog, tmp_path
):
    win = open_window(small_project_path, "import")
    page = page_of(win, "import")
    assert "personoplysninger (CPR-numre og navne)" in page.export_button.toolTip()
    save_dialog.target = tmp_path / "eksport"
    page.export_button.click()
    ((title, notice),) = save_dialog
    assert title == "Eksportér projektet – filen indeholder personoplysninger"
    assert notice == (
        "Filen indeholder personoplysninger (CPR-numre og navne). Gem den kun et sikkert sted, og slet den, når du "
        "ikke skal bruge den mere. Eksporten skrives i projektets log."
    )
    path = tmp_path / "eksport.xlsx"  # the .xlsx is added
    assert load_workbook(path)["Borgere"].max_row == 5  # the heading and four citizens
    assert exports(win.project) == [
        (win.project.user, "export", "file", str(path), TEMPLATE_WITH_DATA, "4")
    ]


def test_the_empty_template_is_no_personal_data(
    open_window, small_project_path, monkeypatch, tmp_path
):
    win = open_window(small_project_path, "import")
    captions = []
    monkeypatch.setattr(
        file_dialogs,
        "get_save_file_name",
        lambda parent, caption, *a: (captions.append(caption), (str(tmp_path / "s.xlsx"), ""))[1],
    )
    page_of(win, "import").template_button.click()
    assert captions == ["Gem importskabelon"]
    assert (tmp_path / "s.xlsx").exists() and exports(win.project) == []


@pytest.fixture
def read_only_window(app, qtbot, settings, small_project_path):
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.open_project(small_project_path, read_only=True)
    assert win.project.read_only
    yield win
    if win.project is not None:
        win.project.close()


def test_a_read_only_project_offers_no_personal_data_export(
    read_only_window, save_dialog, monkeypatch, tmp_path
):
    win = read_only_window
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text: warnings.append((title, text))
    )
    register, imports = page_of(win, "borgere"), page_of(win, "import")
    win.show_page_key("borgere")
    assert not register.export_button.isVisible()
    win.show_page_key("import")
    assert not imports.export_button.isVisible()
    assert imports.template_button.isVisible(), "the empty template holds no personal data"
    # Reached all the same (a shortcut, a page shown before the project turned read-only):
    # refused before a file is chosen, saying why.
    save_dialog.target = tmp_path / "x.xlsx"
    register.export_dialog()
    imports.export_project()
    assert save_dialog == []
    assert [title for title, _ in warnings] == [
        "Borgerne kan ikke eksporteres",
        "Projektet kan ikke eksporteres",
    ]
    assert all("personoplysninger og skal skrives i projektets log" in text for _, text in warnings)
    assert register.export(tmp_path / "borgere.xlsx") is None
    assert warnings[-1][0] == "Eksporten mislykkedes"
    assert list(tmp_path.glob("*.xlsx")) == []
