"""Every dialog the program opens speaks Danish: Qt's own texts come from qtbase_da (installed
by create_application, as the session's application is made), the labels it lacks are set on
the program's file dialogs, and dates are Danish both where Qt asks the default locale and in
the file list, where Qt asks the system's (on a machine set to English: "12/7/26")."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDate, QLocale, QStandardPaths
from PySide6.QtWidgets import (
    QFileDialog,
    QFileSystemModel,
    QListView,
    QMessageBox,
    QStyleOptionViewItem,
    QTreeView,
)

from fsm_desktop.views.kit import file_dialogs

ENGLISH = {"Look in:", "File name:", "Files of type:", "Open", "Save", "Cancel", "Choose"}
EXPECTED = {
    "open": ["Kig i:", "Filnavn:", "Filtype:", "Åbn", "Annuller"],
    "save": ["Kig i:", "Filnavn:", "Filtype:", "Gem", "Annuller"],
}


def _labels(dialog: QFileDialog) -> list[str]:
    return [dialog.labelText(label).replace("&", "") for label in QFileDialog.DialogLabel]


@pytest.mark.parametrize("mode", ["open", "save"])
def test_the_file_dialogs_labels_are_danish(qtbot, mode):
    dialog = file_dialogs.make_dialog(None, "Vælg", "", "Alle filer (*)")
    qtbot.addWidget(dialog)
    dialog.setAcceptMode(
        QFileDialog.AcceptMode.AcceptOpen if mode == "open" else QFileDialog.AcceptMode.AcceptSave
    )
    labels = _labels(dialog)
    assert not ENGLISH & set(labels)
    assert labels == EXPECTED[mode]


def test_the_file_list_is_danish_folders_dates_and_the_computer(qtbot, tmp_path):
    (tmp_path / "mappe").mkdir()
    (tmp_path / "projekt.fsm").write_bytes(b"")
    moment = dt.datetime(2026, 12, 7, 9, 5).timestamp()
    os.utime(tmp_path / "projekt.fsm", (moment, moment))
    dialog = file_dialogs.make_dialog(None, "Åbn projekt", str(tmp_path), "Alle filer (*)")
    qtbot.addWidget(dialog)
    model = dialog.findChild(QFileSystemModel)
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.show()
    folder, file = model.index(str(tmp_path / "mappe")), model.index(str(tmp_path / "projekt.fsm"))
    qtbot.waitUntil(lambda: model.type(folder) != "" and model.type(file) != "")
    assert (model.type(folder), model.type(file)) == ("Mappe", "FSM-fil")
    # The date column shows the program's date format, whatever the system's locale says.
    tree = dialog.findChild(QTreeView, "treeView")
    date = file.siblingAtColumn(3)
    option = QStyleOptionViewItem()
    tree.itemDelegateForColumn(3).initStyleOption(option, date)
    assert option.text == "07-12-2026 09:05"
    # The top of the folder list (the sidebar's first place).
    sidebar = dialog.findChild(QListView, "sidebar")
    places = [sidebar.model().index(row, 0).data() for row in range(sidebar.model().rowCount())]
    assert "Computer" not in places and "Denne computer" in places
    dialog.close()


def test_qts_own_file_types_are_danish(app):
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder") == "Mappe"
    assert QCoreApplication.translate("QFileSystemModel", "Computer") == "Denne computer"
    # The other texts are qtbase_da's (asked after the program's short list).
    assert QCoreApplication.translate("QFileDialog", "&Open") == "&Åbn"
    assert QCoreApplication.translate("MainWindow", "Åbn projekt") == "Åbn projekt"


def test_a_question_box_says_ja_nej_annuller(qtbot):
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Spørgsmål",
        "Vil du gemme?",
        buttons.Yes | buttons.No | buttons.Cancel,
    )
    qtbot.addWidget(box)
    texts = [
        box.button(b).text().replace("&", "") for b in (buttons.Yes, buttons.No, buttons.Cancel)
    ]
    assert texts == ["Ja", "Nej", "Annuller"]


def test_dates_are_danish(app):
    locale = QLocale()
    assert (locale.language(), locale.territory()) == (
        QLocale.Language.Danish,
        QLocale.Country.Denmark,
    )
    assert locale.toString(QDate(2026, 12, 7), QLocale.FormatType.ShortFormat) == "07.12.2026"
    assert locale.toString(QDate(2026, 12, 7), "d. MMMM yyyy") == "7. december 2026"
    assert locale.dayName(1) == "mandag"


def test_a_dialog_without_a_folder_opens_in_documents_not_the_working_folder(
    qtbot, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    expected = documents if documents and os.path.isdir(documents) else os.path.expanduser("~")
    assert file_dialogs.documents_folder() == Path(expected)
    for folder in ("", "diagram.png"):  # nothing, or just a file's name
        dialog = file_dialogs.make_dialog(None, "Gem", folder, "Alle filer (*)")
        qtbot.addWidget(dialog)
        assert dialog.directory().absolutePath() == str(file_dialogs.documents_folder())
        assert dialog.directory().absolutePath() != str(tmp_path)
    assert file_dialogs.start_path("diagram.png") == str(
        file_dialogs.documents_folder() / "diagram.png"
    )
    assert file_dialogs.start_path(str(tmp_path / "x.png")) == str(tmp_path / "x.png")


def test_the_name_only_provider_still_reads_nothing(qtbot):
    # The delegate and labels come with the program's provider, never instead of it.
    dialog = file_dialogs.make_dialog(None, "Åbn", "", "")
    qtbot.addWidget(dialog)
    assert isinstance(dialog.iconProvider(), file_dialogs.NameOnlyIconProvider)
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
