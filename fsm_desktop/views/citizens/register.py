"""Borgere: the target group as a table (model/view with a QSortFilterProxyModel): type to
filter, choose the columns, sort, export the visible rows to Excel, open a citizen's page."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.operations.board import board_cards
from fsm_desktop.operations.changes import Changes
from fsm_desktop.storage.project import Project
from fsm_desktop.views.citizens.cell_delegate import CellDelegate
from fsm_desktop.views.citizens.register_model import (
    _KEY,
    CitizenFilter,
    CitizenRows,
    CitizensModel,
)
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.shortcuts import describe
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.kit.wording import citizens_text

if TYPE_CHECKING:
    from fsm_desktop.views.citizens.window import CitizenWindow


@lru_cache(maxsize=256)
def _t(text: str) -> str:
    """The Danish text of the register (kept: the table asks for the same few per cell)."""
    return QCoreApplication.translate("CitizensPage", text)


def get_personal_data_file_name(
    parent: QWidget | None, caption: str, folder: str, filters: str, notice: str
) -> str:
    """The save dialog for a file that holds personal data (the register, the project's data
    in the template), or "" when cancelled. Its title says so (all that Windows' own dialog
    shows), and Qt's dialog (Linux, macOS) has ``notice`` under the file list. Otherwise
    :func:`file_dialogs.get_save_file_name`: it asks before replacing a file."""
    title = QCoreApplication.translate(
        "PersonalData", "{caption} – filen indeholder personoplysninger"
    ).format(caption=caption)
    dialog = file_dialogs.make_dialog(parent, title, folder, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    label = QLabel(notice, dialog)
    label.setObjectName("personalDataNotice")
    label.setWordWrap(True)
    layout = dialog.layout()
    if isinstance(layout, QGridLayout):
        layout.addWidget(label, layout.rowCount(), 0, 1, layout.columnCount())
    else:  # a native dialog: its title says it
        label.hide()
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return ""
        return dialog.selectedFiles()[0]
    finally:
        dialog.deleteLater()


class CitizensPage(Page):
    key = "borgere"
    #: The register shows its rows (loaded or filtered).
    table_ready = Signal()
    #: The rows: who, their group, board column, job broker and caseworker, exit.
    shows = Changes(citizens=True, board=True, staff=True)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Borgere"),
            self.tr(
                "Målgruppen: skriv for at søge på navn eller CPR, klik på en overskrift for at sortere, højreklik "
                "på overskrifterne for at vælge kolonner. Dobbeltklik eller Enter åbner borgerens side."
            ),
            parent,
        )
        row = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Søg navn eller CPR"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Søg navn eller CPR"))
        self.search.setMinimumWidth(260)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("dialogHint")
        self.export_button = QPushButton(self.tr("Eksportér …"), self)
        self.export_button.setToolTip(
            self.tr(
                "De viste rækker og kolonner til Excel (CPR-numre skjult). Filen indeholder personoplysninger, "
                "og eksporten skrives i projektets log."
            )
        )
        self.left_box = QCheckBox(self.tr("Vis også dem, der er gået ud"), self)
        self.left_box.setToolTip(
            self.tr("Borgere, der er fraflyttet, gået på folkepension eller døde")
        )
        row.addWidget(self.search)
        row.addWidget(self.left_box)
        row.addWidget(self.count_label, 1)
        row.addWidget(self.export_button)
        # Personal data: every export is written to the audit log, which a project open
        # read-only cannot write (as "Vis CPR" on the citizen's page).
        self.writes(self.export_button)
        self.body.addLayout(row)
        self.model = CitizensModel(self)
        self.proxy = CitizenFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = _TypeToFilterTable(self.search, self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(CellDelegate(self.model, self.view))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        # Every row the same height: the header need not keep 20,000 sizes after a filter.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        widths = (180, 95, 50, 60, 90, 100, 110, 90, 150, 120, 110, 140, 80, 160)
        self._widths = widths
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)
        self.body.addWidget(self.view, 1)
        self.search.textChanged.connect(self._filter)
        self.left_box.toggled.connect(self._show_left)
        self.export_button.clicked.connect(self.export_dialog)
        self.view.activated.connect(self.open_citizen)
        self.search.returnPressed.connect(self._open_first)
        find = QShortcut(
            QKeySequence.StandardKey.Find,
            self,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        find.activated.connect(self.focus_search)
        describe(find, self.tr("Søg efter en borger (navn eller CPR)"))
        self._generation = 0
        self.today = dt.date.today()
        self.citizen_window: CitizenWindow | None = None

    # --- loading -----------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        self.today = project.as_of()
        self._apply_hidden_columns()
        self.view.setColumnHidden(
            CitizensModel.GROUP, not project.template.groups or self._hidden(CitizensModel.GROUP)
        )
        self.view.setColumnHidden(
            CitizensModel.EXIT, not self.left_box.isChecked() or self._hidden(CitizensModel.EXIT)
        )
        self._generation += 1
        generation, connect, today = self._generation, project.connector(), self.today
        self.count_label.setText(self.tr("Henter borgerne …"))

        def work() -> CitizenRows:
            with connect() as own:
                cards = board_cards(own, today, include_left=True)
            cards.sort(key=_KEY)
            return CitizenRows(cards)

        run_in_background(
            work, lambda rows: self._cards_loaded(rows, generation), self._load_failed, self
        )

    def _fit_headers(self) -> None:
        """Each column at least as wide as its heading (with the style sheet's font, known once
        the page is shown)."""
        header = self.view.horizontalHeader()
        for column, width in enumerate(self._widths):
            header.resizeSection(column, max(width, header.sectionSizeHint(column) + 6))

    def _cards_loaded(self, rows: CitizenRows, generation: int) -> None:
        if generation != self._generation:
            return
        # The order the heading shows stays (a reload after a save keeps the user's sort).
        header = self.view.horizontalHeader()
        self.model.set_cards(
            rows, self.today, header.sortIndicatorSection(), header.sortIndicatorOrder()
        )
        self._fit_headers()
        self._update_count()
        empty = not rows.cards
        self.empty_label.setVisible(empty)
        self.view.setVisible(not empty)
        self.empty_label.setText(
            self.tr("Projektet har endnu ingen borgere. Importér målgruppen på siden Import.")
        )
        self.table_ready.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.count_label.setText(translate_error(exc))
            return
        raise exc

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()
        self.table_ready.emit()

    def _show_left(self, on: bool) -> None:
        self.proxy.set_show_left(on)
        self.view.setColumnHidden(CitizensModel.EXIT, not on or self._hidden(CitizensModel.EXIT))
        self._update_count()
        self.table_ready.emit()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.total
        text = self.tr("{shown} af {total} borgere").format(
            shown=number(shown), total=number(total)
        )
        if self.project is not None and self.today < self.project.today():
            text += self.tr(" · pr. {date} (indsatsens slutdato)").format(
                date=date_text(self.today)
            )
        self.count_label.setText(text)

    # --- columns -----------------------------------------------------------------------------------
    def _settings_key(self) -> str:
        return "citizens/hidden_columns"

    def _hidden(self, column: int) -> bool:
        hidden = QSettings().value(self._settings_key(), "") or ""
        return str(column) in str(hidden).split(",")

    def _apply_hidden_columns(self) -> None:
        for column in range(self.model.columnCount()):
            self.view.setColumnHidden(column, self._hidden(column))

    def set_column_visible(self, column: int, visible: bool) -> None:
        self.view.setColumnHidden(column, not visible)
        hidden = [str(c) for c in range(self.model.columnCount()) if self.view.isColumnHidden(c)]
        QSettings().setValue(self._settings_key(), ",".join(hidden))

    def _column_menu(self, point) -> None:
        menu = QMenu(self)
        for column in range(self.model.columnCount()):
            action = menu.addAction(self.model.headerData(column, Qt.Orientation.Horizontal))
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(column))
            action.setEnabled(column != CitizensModel.NAME)
            action.toggled.connect(lambda on, c=column: self.set_column_visible(c, on))
        menu.popup(self.view.horizontalHeader().mapToGlobal(point))
        self._menu = menu

    # --- export ------------------------------------------------------------------------------------
    def visible_table(self) -> tuple[list[str], list[list[object]]]:
        columns = [c for c in range(self.model.columnCount()) if not self.view.isColumnHidden(c)]
        headers = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in columns]
        rows = []
        for r in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            rows.append([self.model.value(source, c) for c in columns])
        return headers, rows

    def export_dialog(self) -> None:
        from fsm_desktop.exchange.template import require_audit

        if self.project is None:
            return
        try:
            require_audit(self.project)  # before the user picks a file, not after
        except KnownError as error:
            QMessageBox.warning(
                self, self.tr("Borgerne kan ikke eksporteres"), translate_error(error)
            )
            return
        folder = str(self.project.path.parent)
        path = get_personal_data_file_name(
            self,
            self.tr("Eksportér borgere"),
            str(Path(folder) / self.tr("borgere.xlsx")),
            self.tr("Excel-projektmappe (*.xlsx)"),
            self.tr(
                "Filen indeholder personoplysninger (navne og fødselsdatoer). Gem den kun et sikkert sted, "
                "og slet den, når du ikke skal bruge den mere. Eksporten skrives i projektets log."
            ),
        )
        if path:
            self.export(path)

    def export(self, path: str | Path) -> Path | None:
        """The visible rows to ``path`` (personal data: recorded in the project's audit log)."""
        from fsm_desktop.exchange.table_export import export_register

        if self.project is None:
            return None
        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        headers, rows = self.visible_table()
        title = self.tr("Borgere – {name}").format(name=self.project.initiative.name)
        try:
            path = export_register(self.project, path, self.tr("Borgere"), headers, rows, title)
        except KnownError as error:
            QMessageBox.warning(self, self.tr("Eksporten mislykkedes"), translate_error(error))
            return None
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(
                self.tr("{citizens} eksporteret til {path}").format(
                    citizens=citizens_text(len(rows)), path=str(path)
                ),
                8000,
            )
        return path

    # --- the citizen's page -------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_first(self) -> None:
        """Enter in the search opens the first citizen shown (the search is the way in)."""
        if self.proxy.rowCount():
            first = self.proxy.index(0, 0)
            self.view.setCurrentIndex(first)
            self.open_citizen(first)

    def open_citizen(self, index: QModelIndex | None = None) -> None:
        index = index if index is not None and index.isValid() else self.view.currentIndex()
        if not index.isValid() or self.project is None:
            return
        card = self.proxy.data(index, CitizensModel.CARD_ROLE)
        self.open_citizen_id(card.citizen_id)

    def open_citizen_id(self, citizen_id: str):
        from fsm_desktop.views.citizens.window import CitizenWindow

        return CitizenWindow.open_beside(self, citizen_id)


class _TypeToFilterTable(QTableView):
    """Typing a letter in the table starts the search (type to filter)."""

    def __init__(self, search: QLineEdit, parent=None) -> None:
        super().__init__(parent)
        self.search = search

    def keyPressEvent(self, event) -> None:
        text = event.text()
        if (
            text
            and text.isprintable()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self.search.setFocus()
            self.search.setText(self.search.text() + text)
            return
        super().keyPressEvent(event)
