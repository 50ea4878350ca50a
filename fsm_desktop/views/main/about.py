"""Hjælp → Om FSM Desktop: the version, where the program keeps its data, settings and log,
and the licences of everything it bundles (resources/licenses, read through
importlib.resources)."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths, Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop import __version__
from fsm_desktop.logs import LOG_NAME
from fsm_desktop.views.kit.header import title_label

LICENCE_PACKAGE = "fsm_desktop.resources.licenses"


def _t(text: str) -> str:
    return QCoreApplication.translate("AboutDialog", text)


@dataclass(frozen=True)
class Licence:
    """One bundled library's notice: its name, what the program uses it for, its licence and
    the file with the text."""

    name: str
    used_for: str
    licence: str
    file: str

    def text(self) -> str:
        return resources.files(LICENCE_PACKAGE).joinpath(self.file).read_text("utf-8")


@cache
def licences() -> tuple[Licence, ...]:
    """The notices, in the order of resources/licenses/licenses.json."""
    index = resources.files(LICENCE_PACKAGE).joinpath("licenses.json").read_text("utf-8")
    return tuple(Licence(**entry) for entry in json.loads(index))


def data_folder() -> Path:
    """The user's data folder (QStandardPaths.AppDataLocation): the log and the demo project.
    The application's organisation and name are set first (app.create_application)."""
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file manager (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def _selectable(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class AboutDialog(QDialog):
    """The version, the folders, and the licences (a click on one shows its text)."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Om FSM Desktop"))
        self.folder = data_folder()
        self.log_file = self.folder / LOG_NAME
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(_t("FSM Desktop {version}").format(version=__version__), self))
        intro = _selectable(
            _t(
                "Følg en beskæftigelsesindsats måned for måned: tavlen, step-up, resultatkravene "
                "og statusskemaet – også uden netværk."
            ),
            self,
        )
        layout.addWidget(intro)
        layout.addLayout(self._facts(settings))
        layout.addWidget(QLabel(_t("Programmet indeholder disse biblioteker:"), self))
        layout.addWidget(self._licence_views(), 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_t("Luk"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 640)

    def _facts(self, settings: QSettings) -> QFormLayout:
        form = QFormLayout()
        self.version_label = _selectable(__version__, self)
        form.addRow(_t("Version:"), self.version_label)
        form.addRow(
            _t("Bygget med:"),
            _selectable(
                "Python {python} · Qt {qt} · PySide6 {pyside}".format(
                    python=platform.python_version(), qt=qVersion(), pyside=PySide6.__version__
                ),
                self,
            ),
        )
        self.log_label = _selectable(str(self.log_file), self)
        log_row = QHBoxLayout()
        log_row.addWidget(self.log_label, 1)
        self.open_log_button = QPushButton(_t("Åbn mappen"), self)
        self.open_log_button.setToolTip(_t("Vis mappen med logfilen"))
        self.open_log_button.clicked.connect(lambda: open_folder(self.folder))
        log_row.addWidget(self.open_log_button)
        form.addRow(_t("Logfil:"), log_row)
        self.folder_label = _selectable(str(self.folder), self)
        form.addRow(_t("Datamappe:"), self.folder_label)
        form.addRow(_t("Indstillinger:"), _selectable(settings.fileName(), self))
        return form

    def _licence_views(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.licence_list = QTreeWidget(splitter)
        self.licence_list.setHeaderLabels([_t("Bibliotek"), _t("Bruges til"), _t("Licens")])
        self.licence_list.setRootIsDecorated(False)
        for licence in licences():
            item = QTreeWidgetItem(
                self.licence_list, [licence.name, licence.used_for, licence.licence]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, licence.file)
        for column in range(3):
            self.licence_list.resizeColumnToContents(column)
        self.licence_text = QPlainTextEdit(splitter)
        self.licence_text.setReadOnly(True)
        self.licence_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_text.setPlaceholderText(_t("Vælg et bibliotek for at se licensteksten."))
        self.licence_list.currentItemChanged.connect(self._show_licence)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        return splitter

    def _show_licence(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            self.licence_text.clear()
            return
        file = item.data(0, Qt.ItemDataRole.UserRole)
        licence = next(entry for entry in licences() if entry.file == file)
        self.licence_text.setPlainText(licence.text())
