"""The program's file dialogs: Qt's own dialog, which never reads the files it lists.

Qt's default icon provider guesses the type of a file with an unknown suffix (``.fsm``, its
``-wal`` and ``-shm``, the lock) by reading its first bytes, and GTK's and macOS's native dialogs
do the same inside the process. On Linux and macOS closing any descriptor on a file drops all of
the process's POSIX locks on it, SQLite's included: listing the project's folder would leave the
open project unlocked, and another program could then checkpoint and delete the WAL that this
window is still writing into ("How To Corrupt An SQLite Database File", 2.2). The provider here
gives icons and types by name only. On Windows, where locks belong to the handle, the native
dialog is kept.

Qt's dialog speaks Danish through qtbase_da (installed by fsm_desktop.app), except for two labels
that translation lacks, set here, and its dates, which Qt writes in the system's locale (on a
machine set to English "12/7/26"): the date column here writes them as the program does."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QFileInfo,
    QModelIndex,
    QPersistentModelIndex,
    QStandardPaths,
)
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import (
    QFileDialog,
    QFileIconProvider,
    QFileSystemModel,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from fsm_desktop.domain.danish import datetime_text

_provider: NameOnlyIconProvider | None = None


class NameOnlyIconProvider(QFileIconProvider):
    """A folder or a file icon, and a type from the suffix: nothing is opened."""

    def icon(self, what):
        if isinstance(what, QFileInfo):
            kind = (
                QAbstractFileIconProvider.IconType.Folder
                if what.isDir()
                else QAbstractFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return QCoreApplication.translate("FileDialogs", "Mappe")
        suffix = info.suffix()
        if not suffix:
            return QCoreApplication.translate("FileDialogs", "Fil")
        return QCoreApplication.translate("FileDialogs", "{suffix}-fil").format(
            suffix=suffix.upper()
        )


def name_only_provider() -> NameOnlyIconProvider:
    global _provider
    if _provider is None:
        _provider = NameOnlyIconProvider()
    return _provider


_DATE_COLUMN = 3  # QFileSystemModel's "Ændringsdato"


class DanishDateDelegate(QStyledItemDelegate):
    """The file list's modification dates as the program writes dates (07-12-2026 15:32)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        model = index.model()
        if (
            isinstance(model, QFileSystemModel)
            and isinstance(index, QModelIndex)
            and index.column() == _DATE_COLUMN
        ):
            moment = model.lastModified(index).toPython()
            if isinstance(moment, dt.datetime):
                option.text = datetime_text(moment)


def _danish_labels(dialog: QFileDialog) -> None:
    """The labels qtbase_da does not translate (its texts lack the mnemonics Qt asks for)."""
    dialog.setLabelText(
        QFileDialog.DialogLabel.LookIn, QCoreApplication.translate("FileDialogs", "Kig &i:")
    )
    dialog.setLabelText(
        QFileDialog.DialogLabel.FileType, QCoreApplication.translate("FileDialogs", "Fil&type:")
    )
    tree = dialog.findChild(QTreeView, "treeView")
    if tree is not None:
        tree.setItemDelegateForColumn(_DATE_COLUMN, DanishDateDelegate(tree))


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where there is none)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def start_path(folder: str) -> str:
    """Where a dialog opens: ``folder``, or a name in it; no folder (or a bare name) means the
    Documents folder, not the folder the program happened to be started from."""
    if not folder:
        return str(documents_folder())
    if not Path(folder).is_absolute():
        return str(documents_folder() / folder)
    return folder


def make_dialog(parent: QWidget | None, caption: str, folder: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, caption, start_path(folder), filters)
    if sys.platform != "win32":
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(name_only_provider())
        _danish_labels(dialog)
    return dialog


def _run(dialog: QFileDialog) -> tuple[str, str]:
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return "", ""
        return dialog.selectedFiles()[0], dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()


def get_open_file_name(
    parent: QWidget | None, caption: str, folder: str = "", filters: str = ""
) -> tuple[str, str]:
    """Like ``QFileDialog.getOpenFileName``: (path, chosen filter), or ("", "") when cancelled."""
    dialog = make_dialog(parent, caption, folder, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _run(dialog)


def get_save_file_name(
    parent: QWidget | None, caption: str, folder: str = "", filters: str = ""
) -> tuple[str, str]:
    """Like ``QFileDialog.getSaveFileName`` (it asks before replacing a file)."""
    dialog = make_dialog(parent, caption, folder, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    return _run(dialog)


def get_existing_directory(parent: QWidget | None, caption: str, folder: str = "") -> str:
    """Like ``QFileDialog.getExistingDirectory``: the folder, or "" when cancelled."""
    dialog = make_dialog(parent, caption, folder, "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _run(dialog)[0]
