"""The Help menu's dialogs: every keyboard shortcut (read off the window, its pages and the
citizen page's declared shortcuts) and the short guide (resources/guide/vejledning.html)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.shortcuts import KeyHelp, help_rows, keys_text, shortcuts_in


def _t(text: str) -> str:
    return QCoreApplication.translate("HelpDialogs", text)


def guide_html() -> str:
    """The guide's text (HTML), from the package's resources."""
    guide = resources.files("fsm_desktop.resources.guide") / "vejledning.html"
    return guide.read_text(encoding="utf-8")


def citizen_page_help() -> list[KeyHelp]:
    """The citizen page's shortcuts, as it declares them (no citizen need be open)."""
    from fsm_desktop.views.citizens.window import SHORTCUTS

    return [
        KeyHelp(
            keys_text(QKeySequence.keyBindings(key)),
            QCoreApplication.translate("CitizenWindow", text),
        )
        for key, text, _slot in SHORTCUTS
    ]


def shortcut_areas(window: QWidget, pages: list[Page]) -> list[tuple[str, list[KeyHelp]]]:
    """Every shortcut of ``window``, grouped by where it works: the whole program (the
    window's own actions), each page that has any, and the citizen page."""
    page_shortcuts: dict[int, list[QObject]] = {id(page): [] for page in pages}
    everywhere: list[QObject] = []
    for shortcut in shortcuts_in(window):
        owner: QObject | None = shortcut.parent()
        while owner is not None and id(owner) not in page_shortcuts:
            owner = owner.parent()
        (everywhere if owner is None else page_shortcuts[id(owner)]).append(shortcut)
    areas = [(_t("Hele programmet"), help_rows(everywhere))]
    for page in pages:
        rows = help_rows(page_shortcuts[id(page)]) + list(page.key_help())
        if rows:
            areas.append((page.title_label.text(), rows))
    areas.append((_t("Borgersiden"), citizen_page_help()))
    return areas


class ShortcutsDialog(QDialog):
    """Hjælp → Tastaturgenveje: the keys, grouped by where they work."""

    def __init__(self, areas: list[tuple[str, list[KeyHelp]]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_t("Tastaturgenveje"))
        self.areas = areas
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([_t("Taster"), _t("Hvad de gør")])
        self.tree.setRootIsDecorated(False)
        for area, rows in areas:
            group = QTreeWidgetItem(self.tree, [area])
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for row in rows:
                QTreeWidgetItem(group, [row.keys, row.description])
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        layout.addWidget(self.tree)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_t("Luk"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 560)


class GuideDialog(QDialog):
    """Hjælp → Vejledning: the short guide to the month's work."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Vejledning"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html())
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_t("Luk"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(680, 620)
