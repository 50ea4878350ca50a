"""Import: save the template, import an extract (read and checked off the GUI thread, with a
progress bar and a cancel button; a preview before anything is written), map the columns of
other layouts, end citizens missing from the extract, and undo an import as a whole."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.imports import ImportCancelled, ImportPlan, RowError
from fsm_desktop.domain.model import Citizen, ExitReason
from fsm_desktop.exchange.cells import DATE_FORMATS, DECIMALS, norm
from fsm_desktop.exchange.import_format import (
    EXTRACT_DATE_SOURCES,
    GUIDE_SHEETS,
    TABLES,
    Mapping,
    SheetMapping,
)
from fsm_desktop.storage.imports import Ending, ImportRecord, ImportRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.views import file_dialogs
from fsm_desktop.views.messages import translate_error
from fsm_desktop.views.pages import Page
from fsm_desktop.views.tables import read_only_table
from fsm_desktop.views.tasks import run_in_background


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


def _table_view(parent: QWidget, model: QAbstractTableModel, stretch: int) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    return read_only_table(view, stretch)


class _ListModel(QAbstractTableModel):
    """A read-only table of rows, one text per column (subclasses say which)."""

    HEADERS: tuple[str, ...] = ()
    RIGHT: tuple[int, ...] = ()
    ROW_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return _t(self.HEADERS[section])
        return None

    def text(self, row, column: int) -> str:
        raise NotImplementedError

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ROW_ROLE:
            return row
        return None


class ImportsModel(_ListModel):
    """The project's imports, newest first."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Tidspunkt"),
        QT_TRANSLATE_NOOP("ImportPage", "Fil"),
        QT_TRANSLATE_NOOP("ImportPage", "Bruger"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye borgere"),
        QT_TRANSLATE_NOOP("ImportPage", "Ændrede borgere"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye forløb"),
        QT_TRANSLATE_NOOP("ImportPage", "Nye løntimer"),
        QT_TRANSLATE_NOOP("ImportPage", "Afviste rækker"),
        QT_TRANSLATE_NOOP("ImportPage", "Status"),
    )
    RIGHT = (3, 4, 5, 6, 7)

    def text(self, row: ImportRecord, column: int) -> str:
        c = row.counts
        if column == 0:
            return row.at.strftime("%d-%m-%Y %H:%M")
        if column == 1:
            return row.file
        if column == 2:
            return row.user
        if column in self.RIGHT:
            key = ("citizens_new", "citizens_updated", "periods_new", "hours_new", "rejected_rows")[
                column - 3
            ]
            return number(c.get(key, 0))
        if row.undone:
            return _t("fortrudt {when}").format(when=row.undone_at.strftime("%d-%m-%Y %H:%M"))
        return _t("importeret")


class ErrorsModel(_ListModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Ark"),
        QT_TRANSLATE_NOOP("ImportPage", "Række"),
        QT_TRANSLATE_NOOP("ImportPage", "Kolonne"),
        QT_TRANSLATE_NOOP("ImportPage", "Fejl"),
    )
    RIGHT = (1,)

    def text(self, row: RowError, column: int) -> str:
        return (row.sheet, str(row.row), row.column, row.message)[column]


class ChangesModel(_ListModel):
    """Citizens the import changes: (citizen, what)."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Borger"),
        QT_TRANSLATE_NOOP("ImportPage", "CPR"),
        QT_TRANSLATE_NOOP("ImportPage", "Ændring"),
    )

    def text(self, row: tuple[Citizen, str], column: int) -> str:
        citizen, what = row
        return (citizen.name, mask(citizen.cpr), what)[column]


class MissingModel(_ListModel):
    """Citizens missing from the extract, each with a box: end them with the import."""

    HEADERS = (
        QT_TRANSLATE_NOOP("ImportPage", "Afslut"),
        QT_TRANSLATE_NOOP("ImportPage", "Borger"),
        QT_TRANSLATE_NOOP("ImportPage", "CPR"),
        QT_TRANSLATE_NOOP("ImportPage", "Gruppe"),
        QT_TRANSLATE_NOOP("ImportPage", "Indgang"),
    )

    def set_rows(self, rows) -> None:
        self._checked: set[int] = set()
        super().set_rows(rows)

    def text(self, row: Citizen, column: int) -> str:
        if column == 0:
            return ""
        if column == 1:
            return row.name
        if column == 2:
            return mask(row.cpr)
        if column == 3:
            return str(row.group) if row.group else "–"
        return row.entry_date.strftime("%d-%m-%Y") if row.entry_date else "–"

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if (
            role == Qt.ItemDataRole.CheckStateRole
            and index.isValid()
            and index.column() == 0
            and index.row() < len(self._rows)
        ):
            return (
                Qt.CheckState.Checked if index.row() in self._checked else Qt.CheckState.Unchecked
            )
        return super().data(index, role)

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(index.row())
        else:
            self._checked.discard(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, checked: bool) -> None:
        self._checked = set(range(len(self._rows))) if checked else set()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.CheckStateRole],
            )

    def checked(self) -> list[Citizen]:
        return [self._rows[i] for i in sorted(self._checked)]


_REASONS = (
    (ExitReason.MOVED_AWAY, QT_TRANSLATE_NOOP("ImportPage", "fraflyttet")),
    (ExitReason.RETIRED, QT_TRANSLATE_NOOP("ImportPage", "folkepension")),
    (ExitReason.DIED, QT_TRANSLATE_NOOP("ImportPage", "død")),
    (
        ExitReason.OTHER,
        QT_TRANSLATE_NOOP("ImportPage", "andet (sagen er lukket; bliver i målgruppen)"),
    ),
)
_FIELD_NAMES = {
    "navn": "navn",
    "gruppe": "gruppe",
    "køn": "køn",
    "herkomst": "herkomst",
    "indgang": "indgang",
    "afgang": "afgang",
    "afgangsårsag": "afgangsårsag",
}


def _changes(plan: ImportPlan) -> list[tuple[Citizen, str]]:
    rows: list[tuple[Citizen, str]] = []
    leaving = {c.id for c in plan.leaving}
    for update in plan.citizens_updated:
        parts = []
        for name in update.fields:
            attribute = {
                "navn": "name",
                "gruppe": "group",
                "køn": "gender",
                "herkomst": "origin",
                "indgang": "entry_date",
                "afgang": "exit_date",
                "afgangsårsag": "exit_reason",
            }[name]
            parts.append(
                "{field}: {old} → {new}".format(
                    field=_FIELD_NAMES[name],
                    old=_show(getattr(update.old, attribute)),
                    new=_show(getattr(update.new, attribute)),
                )
            )
        rows.append((update.new, "; ".join(parts)))
    for citizen in plan.citizens_new:
        if citizen.id in leaving:
            rows.append(
                (
                    citizen,
                    _t("ny, men går ud af målgruppen {date} ({reason})").format(
                        date=citizen.exit_date.strftime("%d-%m-%Y"),
                        reason=citizen.exit_reason.value,
                    ),
                )
            )
    for fact in plan.older:
        rows.append(
            (
                fact.citizen,
                _t(
                    "{what} {initials} pr. {day} er ældre end den gemte ({stored} fra {stored_day}): "
                    "ikke ændret"
                ).format(
                    what=fact.what,
                    initials=fact.initials,
                    day=fact.day.strftime("%d-%m-%Y"),
                    stored=fact.stored,
                    stored_day=fact.stored_day.strftime("%d-%m-%Y"),
                ),
            )
        )
    return rows


def _show(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(getattr(value, "value", value))


# --- the mapping dialog ------------------------------------------------------------------------


class MappingDialog(QDialog):
    """For a file in another layout: which table each sheet holds, which column is which field,
    how dates and decimals are written; saved under a name and used again for the same layout."""

    NOT_IN_FILE = QT_TRANSLATE_NOOP("ImportPage", "— ikke i filen —")

    def __init__(
        self, sheets, signature: str, current: Mapping | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tilknyt kolonner"))
        self.setObjectName("mappingDialog")
        self.signature = signature
        self.resize(760, 620)
        outer = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "Vælg for hvert ark, hvad det indeholder, og hvilken kolonne der svarer til hvert felt. "
                "Felter markeret * skal udfyldes. Tilknytningen gemmes og bruges igen, når en fil med "
                "de samme overskrifter importeres."
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setObjectName("dialogHint")
        outer.addWidget(hint)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        self.sheet_layout = QVBoxLayout(inner)
        scroll.setWidget(inner)
        outer.addWidget(scroll, 1)
        self.sheets: list[tuple[str, QComboBox, QWidget, dict]] = []
        for sheet in sheets:
            if norm(sheet.sheet) in GUIDE_SHEETS:
                continue  # the template's own guide and lists hold no data
            self._add_sheet(inner, sheet, current.for_source(sheet) if current else None)
        self.sheet_layout.addStretch(1)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel(self.tr("Gem som:"), self))
        self.name_edit = QLineEdit(current.name if current and current.name else "", self)
        self.name_edit.setPlaceholderText(self.tr("fx Momentum – borgere"))
        name_row.addWidget(self.name_edit, 1)
        outer.addLayout(name_row)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color: #8a1c14;")
        self.error_label.setWordWrap(True)
        outer.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Brug tilknytningen"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def _add_sheet(self, parent: QWidget, sheet, current: SheetMapping | None) -> None:
        box = QGroupBox(self.tr("Arket »{name}«").format(name=sheet.sheet), parent)
        layout = QVBoxLayout(box)
        table_box = QComboBox(box)
        table_box.setAccessibleName(self.tr("Arket »{name}« indeholder").format(name=sheet.sheet))
        table_box.addItem(self.tr("Ignorér arket"), "")
        for spec in TABLES:
            table_box.addItem(QCoreApplication.translate("ImportPage", spec.sheet), spec.key)
        layout.addWidget(table_box)
        self.sheet_layout.addWidget(box)
        state: dict = {
            "sheet": sheet,
            "fields": {},
            "date": None,
            "decimal": None,
            "host": None,
            "box": box,
        }
        self.sheets.append((sheet.sheet, table_box, box, state))
        key = current.table if current else (_guess_table(sheet.headers) or "")
        table_box.setCurrentIndex(max(0, table_box.findData(key)))
        self._fields_for(state, table_box.currentData(), current)
        table_box.currentIndexChanged.connect(
            lambda _=0, s=state, b=table_box: self._fields_for(s, b.currentData(), None)
        )

    def _fields_for(self, state: dict, table_key: str, current: SheetMapping | None) -> None:
        """The sheet's field rows for the chosen table, in a fresh widget (the old one goes)."""
        old = state["host"]
        if old is not None:
            old.hide()
            old.setParent(None)
            old.deleteLater()
        state["fields"] = {}
        state["host"] = None
        if not table_key:
            return
        host = QWidget(state["box"])
        state["box"].layout().addWidget(host)
        state["host"] = host
        form = QFormLayout(host)
        spec = next(t for t in TABLES if t.key == table_key)
        headers = [h for h in state["sheet"].headers if str(h).strip()]
        for f in spec.fields:
            combo = QComboBox(host)
            combo.addItem(_t(self.NOT_IN_FILE), "")
            for header in headers:
                combo.addItem(str(header), str(header))
            chosen = current.columns.get(f.key) if current else None
            if chosen is None:
                chosen = next((h for h in headers if f.matches(str(h))), None)
            if chosen is not None:
                combo.setCurrentIndex(max(0, combo.findData(str(chosen))))
            label = f.key + (" *" if f.required else "")
            combo.setAccessibleName(label)
            combo.setToolTip(f.help)
            form.addRow(label, combo)
            state["fields"][f.key] = combo
        date_box = QComboBox(host)
        for key, label in DATE_FORMATS.items():
            date_box.addItem(label, key)
        date_box.setCurrentIndex(
            max(0, date_box.findData(current.date_format if current else "auto"))
        )
        decimal_box = QComboBox(host)
        for key, label in DECIMALS.items():
            decimal_box.addItem(label, key)
        decimal_box.setCurrentIndex(
            max(0, decimal_box.findData(current.decimal if current else "auto"))
        )
        form.addRow(self.tr("Datoformat"), date_box)
        form.addRow(self.tr("Decimaltegn"), decimal_box)
        state["date"], state["decimal"], state["values"] = (
            date_box,
            decimal_box,
            (current.values if current else {}),
        )

    def mapping(self) -> Mapping:
        sheets: dict[str, SheetMapping] = {}
        for name, table_box, _host, state in self.sheets:
            table_key = table_box.currentData()
            columns = {
                key: combo.currentData()
                for key, combo in state["fields"].items()
                if combo.currentData()
            }
            # A CSV file's sheet is named by the file: "*", so that a renamed extract matches.
            sheets["*" if state["sheet"].csv else norm(name)] = SheetMapping(
                table_key or "",
                columns if table_key else {},
                state["date"].currentData() if table_key else "auto",
                state["decimal"].currentData() if table_key else "auto",
                dict(state.get("values") or {}) if table_key else {},
            )
        return Mapping(self.name_edit.text().strip(), sheets, self.signature)

    def accept(self) -> None:
        mapping = self.mapping()
        if not mapping.name:
            self.error_label.setText(self.tr("Giv tilknytningen et navn, så den kan bruges igen."))
            return
        missing = []
        for name, table_box, _host, state in self.sheets:
            if not table_box.currentData():
                continue
            spec = next(t for t in TABLES if t.key == table_box.currentData())
            for key in spec.required:
                if not state["fields"][key].currentData():
                    missing.append(f"{name}: {key}")
        if missing:
            self.error_label.setText(
                self.tr("Vælg en kolonne til de krævede felter: {fields}.").format(
                    fields=", ".join(missing)
                )
            )
            return
        super().accept()


def _guess_table(headers) -> str | None:
    """The table whose fields most headers match (the user confirms it)."""
    best, best_score = None, 0
    for spec in TABLES:
        score = sum(1 for f in spec.fields if any(f.matches(str(h)) for h in headers if h))
        if score > best_score:
            best, best_score = spec.key, score
    return best


# --- the import dialog -----------------------------------------------------------------------


class ImportDialog(QDialog):
    """Read and check the file (worker thread, progress, cancel), preview, write (worker thread)."""

    imported = Signal(object)  # Committed

    PROGRESS, PREVIEW, DONE = range(3)

    def __init__(self, project: Project, source: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.project = project
        self.source = Path(source)
        self.mapping: Mapping | None = None
        #: The extract's date the user chose ("Udtræk pr."); None: the file's (name, else modified).
        self.as_of: dt.date | None = None
        self.prepared = None
        #: The last write found the project changed since preparing: the preview says so.
        self.prepared_again = False
        self.result = None
        #: The import is being written (a transaction on a worker): the dialog cannot be closed.
        self.writing = False
        self.cancel_event = threading.Event()
        self.setWindowTitle(self.tr("Importér {file}").format(file=self.source.name))
        self.resize(980, 640)
        outer = QVBoxLayout(self)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack, 1)
        self._build_progress()
        self._build_preview()
        self._build_done()
        self.buttons = QDialogButtonBox(self)
        self.mapping_button = self.buttons.addButton(
            self.tr("Tilknyt kolonner …"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.valid_button = self.buttons.addButton(
            self.tr("Importér kun gyldige rækker"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button = self.buttons.addButton(
            self.tr("Importér"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("Annullér"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.close_button = self.buttons.addButton(
            self.tr("Luk"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.mapping_button.clicked.connect(self.edit_mapping)
        self.valid_button.clicked.connect(lambda: self.write(valid_rows_only=True))
        self.import_button.clicked.connect(lambda: self.write(valid_rows_only=False))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        outer.addWidget(self.buttons)
        self._show(self.PROGRESS)

    # --- pages ------------------------------------------------------------------------------------
    def _build_progress(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.progress_label = QLabel(self.tr("Læser filen …"), page)
        self.progress_label.setObjectName("factLine")
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setAccessibleName(self.tr("Fremdrift"))
        self.progress_note = QLabel(
            self.tr("Intet skrives, før du har set, hvad importen vil gøre."), page
        )
        self.progress_note.setObjectName("dialogHint")
        self.progress_note.setWordWrap(True)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_note)
        layout.addStretch(2)
        self.stack.addWidget(page)

    def _build_preview(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        self.preview_title = QLabel(page)
        self.preview_title.setObjectName("factLine")
        self.preview_title.setWordWrap(True)
        layout.addWidget(self.preview_title)
        # The day the extract's job brokers, caseworkers, CV and job goals hold from.
        as_of_row = QHBoxLayout()
        as_of_label = QLabel(self.tr("Udtræk pr.:"), page)
        self.as_of_edit = QDateEdit(QDate.currentDate(), page)
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("dd-MM-yyyy")
        self.as_of_edit.setMaximumDate(QDate.currentDate())
        self.as_of_edit.setAccessibleName(self.tr("Udtræk pr."))
        self.as_of_edit.setToolTip(
            self.tr(
                "Den dag, udtrækket blev lavet. Jobformidler, sagsbehandler, CV og jobmål i filen gælder fra den dag "
                "(kolonnerne jobformidler_fra, sagsbehandler_fra, cv_jobnet_fra og jobmål_fra går forud)."
            )
        )
        as_of_label.setBuddy(self.as_of_edit)
        self.as_of_hint = QLabel(page)
        self.as_of_hint.setObjectName("dialogHint")
        self.recheck_button = QPushButton(self.tr("Kontrollér med den nye dato"), page)
        self.recheck_button.setAutoDefault(False)
        self.recheck_button.clicked.connect(self.recheck)
        self.recheck_button.setVisible(False)
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        as_of_row.addWidget(as_of_label)
        as_of_row.addWidget(self.as_of_edit)
        as_of_row.addWidget(self.as_of_hint)
        as_of_row.addWidget(self.recheck_button)
        as_of_row.addStretch(1)
        layout.addLayout(as_of_row)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.count_labels: dict[str, QLabel] = {}
        rows = [
            ("citizens", self.tr("Borgere")),
            ("periods", self.tr("Forløb")),
            ("hours", self.tr("Løntimer (måneder)")),
            ("staff", self.tr("Medarbejdere")),
        ]
        for column, caption in enumerate(
            (self.tr("nye"), self.tr("ændrede"), self.tr("uændrede")), start=1
        ):
            label = QLabel(caption, page)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            label.setObjectName("dialogHint")
            grid.addWidget(label, 0, column)
        for r, (key, caption) in enumerate(rows, start=1):
            grid.addWidget(QLabel(caption, page), r, 0)
            for column, kind in enumerate(("new", "updated", "unchanged"), start=1):
                value = QLabel("–", page)
                value.setAlignment(Qt.AlignmentFlag.AlignRight)
                grid.addWidget(value, r, column)
                self.count_labels[f"{key}_{kind}"] = value
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)
        self.notes_label = QLabel(page)
        self.notes_label.setWordWrap(True)
        layout.addWidget(self.notes_label)
        self.tabs = QTabWidget(page)
        self.errors_model = ErrorsModel(self)
        self.errors_view = _table_view(self.tabs, self.errors_model, 3)
        self.changes_model = ChangesModel(self)
        self.changes_view = _table_view(self.tabs, self.changes_model, 2)
        self.missing_model = MissingModel(self)
        missing_page = QWidget(self.tabs)
        missing_layout = QVBoxLayout(missing_page)
        missing_hint = QLabel(
            self.tr(
                "Borgerne står i projektet, men ikke i udtrækket. De slettes aldrig. Markér dem, der er "
                "gået ud, og vælg dato og årsag – så afsluttes de sammen med importen."
            ),
            missing_page,
        )
        missing_hint.setWordWrap(True)
        missing_hint.setObjectName("dialogHint")
        missing_layout.addWidget(missing_hint)
        self.missing_view = _table_view(missing_page, self.missing_model, 1)
        self.missing_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        missing_layout.addWidget(self.missing_view, 1)
        end_row = QHBoxLayout()
        self.select_all = QCheckBox(self.tr("Markér alle"), missing_page)
        self.select_all.toggled.connect(self.missing_model.set_all)
        end_row.addWidget(self.select_all)
        end_row.addStretch(1)
        end_row.addWidget(QLabel(self.tr("Afgangsdato:"), missing_page))
        self.end_date = QDateEdit(QDate.currentDate(), missing_page)
        self.end_date.setCalendarPopup(True)
        self.end_date.setDisplayFormat("dd-MM-yyyy")
        self.end_date.setAccessibleName(self.tr("Afgangsdato"))
        end_row.addWidget(self.end_date)
        end_row.addWidget(QLabel(self.tr("Årsag:"), missing_page))
        self.end_reason = QComboBox(missing_page)
        for reason, label in _REASONS:
            self.end_reason.addItem(_t(label), reason.value)
        self.end_reason.setAccessibleName(self.tr("Afgangsårsag"))
        end_row.addWidget(self.end_reason)
        missing_layout.addLayout(end_row)
        self.tabs.addTab(self.errors_view, self.tr("Fejl"))
        self.tabs.addTab(self.changes_view, self.tr("Ændrede borgere"))
        self.tabs.addTab(missing_page, self.tr("Mangler i udtrækket"))
        layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)

    def _build_done(self) -> None:
        page = QWidget(self.stack)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.done_label = QLabel(page)
        self.done_label.setObjectName("factLine")
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.done_label)
        layout.addStretch(2)
        self.stack.addWidget(page)

    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        plan = self.prepared.plan if self.prepared is not None else None
        preview = index == self.PREVIEW and plan is not None
        # A new extract date waits for a new check: the preview shows the old date's import.
        stale = preview and self.recheck_button.isVisible()
        self.mapping_button.setVisible(preview)
        self.import_button.setVisible(preview)
        # Only the valid rows: when they change something, or there are citizens to end.
        self.valid_button.setVisible(
            preview and bool(plan.errors) and bool(plan.changes or plan.missing)
        )
        self.valid_button.setEnabled(not stale)
        self.import_button.setEnabled(preview and not plan.errors and not stale)
        for button in (
            self.mapping_button,
            self.valid_button,
            self.cancel_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
        self.import_button.setDefault(preview and not plan.errors)
        self.close_button.setDefault(index == self.DONE)
        self.cancel_button.setVisible(index != self.DONE)
        self.close_button.setVisible(index == self.DONE)

    # --- reading and checking (worker thread) -----------------------------------------------------
    def start(self) -> None:
        """Read and check the file on a worker thread with its own connection."""
        self.cancel_event.clear()
        self.prepared = None
        self.progress_bar.setValue(0)
        self.progress_label.setText(self.tr("Læser filen …"))
        self._show(self.PROGRESS)
        connect, source, mapping, cancelled = (
            self.project.connector(),
            self.source,
            self.mapping,
            self.cancel_event.is_set,
        )
        as_of = self.as_of

        def work(report):
            from fsm_desktop.exchange.importer import prepare

            with connect() as project:
                return prepare(
                    project,
                    source,
                    mapping,
                    as_of,
                    progress=lambda f, text: report((f, text)),
                    cancelled=cancelled,
                )

        run_in_background(work, self._prepared, self._failed, self, self._progress)

    def _progress(self, value: tuple[float, str]) -> None:
        fraction, text = value
        self.progress_bar.setValue(int(fraction * 1000))
        self.progress_label.setText(QCoreApplication.translate("ImportPage", text))

    # --- the extract's date ---------------------------------------------------------------------
    def _as_of_changed(self, _date: QDate) -> None:
        """A new date is not used until the file is checked again with it: until then the
        import buttons wait (the preview shows what the old date would do)."""
        changed = (
            self.prepared is not None and self.as_of_edit.date().toPython() != self.prepared.as_of
        )
        self.recheck_button.setVisible(changed)
        self._show(self.stack.currentIndex())

    def recheck(self) -> None:
        self.as_of = self.as_of_edit.date().toPython()
        self.start()

    def _prepared(self, prepared) -> None:
        self.prepared = prepared
        self.mapping = prepared.mapping
        plan = prepared.plan
        self.as_of_edit.blockSignals(True)
        self.as_of_edit.setDate(QDate(prepared.as_of))
        self.as_of_edit.blockSignals(False)
        self.recheck_button.setVisible(False)
        why = EXTRACT_DATE_SOURCES.get(prepared.as_of_source, "")
        self.as_of_hint.setText(
            self.tr("({why})").format(why=QCoreApplication.translate("ImportPage", why))
        )
        self.preview_title.setText(self._title(plan))
        c = plan.counts()
        values = {
            "citizens_new": c["citizens_new"],
            "citizens_updated": c["citizens_updated"],
            "citizens_unchanged": c["citizens_unchanged"],
            "periods_new": c["periods_new"],
            "periods_updated": c["periods_updated"],
            "periods_unchanged": c["periods_unchanged"],
            "hours_new": c["hours_new"],
            "hours_updated": c["hours_updated"],
            "hours_unchanged": c["hours_unchanged"],
            "staff_new": c["staff_new"],
            "staff_updated": c["staff_updated"],
            "staff_unchanged": c["staff_unchanged"],
        }
        for key, value in values.items():
            self.count_labels[key].setText(number(value))
        notes = []
        if self.prepared_again:
            self.prepared_again = False
            notes.append(
                self.tr(
                    "Projektet blev ændret, mens importen ventede, så intet blev skrevet. Forhåndsvisningen "
                    "er lavet igen ud fra det, der er gemt nu: tjek den, og importér igen."
                )
            )
        if plan.leaving:
            n = len(plan.leaving)
            text = (
                self.tr("1 borger går ud af målgruppen")
                if n == 1
                else self.tr("{n} borgere går ud af målgruppen").format(n=number(n))
            )
            notes.append(text + self.tr(" (fraflyttet, folkepension eller død)."))
        if plan.older:
            n = len(plan.older)
            text = (
                self.tr("1 tilknytning i udtrækket er ældre")
                if n == 1
                else self.tr("{n} tilknytninger i udtrækket er ældre").format(n=number(n))
            )
            notes.append(
                text
                + self.tr(" end det, projektet har, og ændres ikke – se fanen Ændrede borgere.")
            )
        if plan.status_history:
            notes.append(
                self.tr(
                    "{n} CV- og jobmålsregistreringer ligger før nyere registreringer: de gemmes som "
                    "historik, og de nyere gælder fortsat."
                ).format(n=number(plan.status_history))
            )
        if plan.rejected:
            n = len(plan.rejected)
            text = (
                self.tr("1 række afvises")
                if n == 1
                else self.tr("{n} rækker afvises").format(n=number(n))
            )
            notes.append(text + self.tr(" – se fanen Fejl."))
        if plan.ignored_sheets:
            notes.append(
                self.tr(
                    "Ark, der ikke blev genkendt, og som ignoreres: {sheets}. Brug »Tilknyt kolonner«, hvis de skal med."
                ).format(sheets=", ".join(f"»{s}«" for s in plan.ignored_sheets))
            )
        if self.mapping is not None and self.mapping.name:
            notes.append(
                self.tr("Kolonnerne er tilknyttet med »{name}«.").format(name=self.mapping.name)
            )
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self.errors_model.set_rows(plan.errors)
        self.changes_model.set_rows(_changes(plan))
        self.missing_model.set_rows(plan.missing)
        self.select_all.setChecked(False)
        self.tabs.setTabText(0, self.tr("Fejl ({n})").format(n=number(len(plan.errors))))
        self.tabs.setTabText(
            1, self.tr("Ændrede borgere ({n})").format(n=number(self.changes_model.rowCount()))
        )
        self.tabs.setTabText(
            2, self.tr("Mangler i udtrækket ({n})").format(n=number(len(plan.missing)))
        )
        self.tabs.setCurrentIndex(
            0 if plan.errors else (1 if self.changes_model.rowCount() else 2 if plan.missing else 0)
        )
        self._show(self.PREVIEW)

    def _title(self, plan: ImportPlan) -> str:
        if plan.errors:
            return self.tr(
                "{file}: {n} fejl. Intet importeres, før fejlene er rettet – eller importér kun de gyldige rækker."
            ).format(file=self.source.name, n=number(len(plan.errors)))
        if not plan.changes:
            return self.tr(
                "{file}: projektet har allerede alt i filen. En import ændrer intet."
            ).format(file=self.source.name)
        return self.tr("{file} er kontrolleret. Sådan vil importen ændre projektet:").format(
            file=self.source.name
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportCancelled):
            self.done_label.setText(self.tr("Importen er annulleret. Intet er skrevet."))
        elif isinstance(exc, KnownError):
            self.done_label.setText(translate_error(exc) + "\n\n" + self.tr("Intet er skrevet."))
        else:
            self.done_label.setText(self.tr("Importen mislykkedes. Intet er skrevet."))
            self._show(self.DONE)
            raise exc
        self._show(self.DONE)

    def cancel(self) -> None:
        if (
            self.stack.currentIndex() == self.PROGRESS
            and self.prepared is None
            and self.result is None
        ):
            self.cancel_event.set()
            self.progress_label.setText(self.tr("Annullerer …"))
            return
        self.reject()

    def reject(self) -> None:
        if self.writing:
            # The transaction runs to its end; closing now would lose what it did.
            return
        self.cancel_event.set()
        super().reject()

    # --- mapping -------------------------------------------------------------------------------------
    def edit_mapping(self) -> MappingDialog | None:
        if self.prepared is None:
            return None
        dialog = MappingDialog(self.prepared.sheets, self.prepared.signature, self.mapping, self)
        dialog.accepted.connect(lambda: self._use_mapping(dialog.mapping()))
        dialog.open()
        return dialog

    def _use_mapping(self, mapping: Mapping) -> None:
        ImportRepository(self.project).save_mapping(mapping)
        self.mapping = mapping
        self.start()

    # --- writing (worker thread) ------------------------------------------------------------------
    def endings(self) -> list[Ending]:
        day = self.end_date.date().toPython()
        reason = ExitReason(self.end_reason.currentData())
        return [Ending(c.id, day, reason) for c in self.missing_model.checked()]

    def write(self, valid_rows_only: bool) -> None:
        if self.prepared is None:
            return
        endings = self.endings()
        for ending in endings:
            citizen = next(c for c in self.missing_model.checked() if c.id == ending.citizen_id)
            if citizen.entry_date is not None and ending.exit_date < citizen.entry_date:
                QMessageBox.warning(
                    self,
                    self.windowTitle(),
                    self.tr(
                        "Afgangsdatoen {date} ligger før {name}s indgang {entry}. Vælg en senere dato."
                    ).format(
                        date=ending.exit_date.strftime("%d-%m-%Y"),
                        name=citizen.name,
                        entry=citizen.entry_date.strftime("%d-%m-%Y"),
                    ),
                )
                return
        prepared, connect = self.prepared, self.project.connector()
        self.progress_bar.setRange(0, 0)  # busy: one transaction, no steps to count
        self.progress_label.setText(self.tr("Skriver i projektet …"))
        self.progress_note.setText(
            self.tr("Alt skrives i én transaktion: enten det hele eller intet.")
        )
        self._show(self.PROGRESS)
        self.cancel_button.setEnabled(False)
        self.writing = True

        def work(report):
            from fsm_desktop.exchange.importer import commit

            with connect() as project:
                return commit(
                    project, prepared, valid_rows_only, endings, progress=lambda step: report(step)
                )

        run_in_background(work, self._written, self._write_failed, self, self._write_step)

    def _write_step(self, step: str) -> None:
        self.progress_label.setText(
            self.tr("Skriver {what} …").format(what=QCoreApplication.translate("ImportPage", step))
        )

    def _written(self, result) -> None:
        self.writing = False
        self.result = result
        self.progress_bar.setRange(0, 1000)
        self.cancel_button.setEnabled(True)
        plan = self.prepared.plan
        text = self.tr("Importeret: {summary}.").format(summary=plan.summary())
        ended = result.record.counts.get("ended", 0)
        if ended:
            text += "\n" + (
                self.tr("1 borger er afsluttet.")
                if ended == 1
                else self.tr("{n} borgere er afsluttet.").format(n=number(ended))
            )
        if result.error_report is not None:
            text += "\n\n" + self.tr("De afviste rækker står i {path}.").format(
                path=str(result.error_report)
            )
        elif result.report_error is not None:  # the import stands; only its report is missing
            text += "\n\n" + translate_error(result.report_error)
        text += "\n\n" + self.tr("Importen kan fortrydes som helhed på siden Import.")
        self.done_label.setText(text)
        self._show(self.DONE)
        self.imported.emit(result)

    def _write_failed(self, exc: BaseException) -> None:
        from fsm_desktop.exchange.importer import ImportRefused
        from fsm_desktop.storage.imports import ImportConflict

        self.writing = False
        self.progress_bar.setRange(0, 1000)
        self.cancel_button.setEnabled(True)
        if isinstance(exc, ImportConflict):  # prepared on rows that changed since: again
            self.prepared_again = True
            self.start()
            return
        if isinstance(exc, ImportRefused):  # its message says that nothing is written
            self.done_label.setText(translate_error(exc))
            self._show(self.DONE)
            return
        if isinstance(exc, KnownError):
            self.done_label.setText(translate_error(exc) + "\n\n" + self.tr("Intet er skrevet."))
            self._show(self.DONE)
            return
        self.done_label.setText(self.tr("Importen mislykkedes. Intet er skrevet."))
        self._show(self.DONE)
        raise exc


# --- the page ---------------------------------------------------------------------------------------


class ImportPage(Page):
    key = "import"
    #: The project's data changed (an import or an undo): other pages must reload.
    data_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Import"),
            self.tr(
                "Indlæs målgruppen og dens historik fra udtræk fra Momentum, Fasit og jobindsats.dk "
                "(Excel eller CSV). Filen kontrolleres, før noget skrives, og hver import kan fortrydes."
            ),
            parent,
        )
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Importér fil …"), self)
        self.import_button.setDefault(True)
        self.template_button = QPushButton(self.tr("Gem skabelon …"), self)
        self.export_button = QPushButton(self.tr("Eksportér projektet til skabelonen …"), self)
        self.undo_button = QPushButton(self.tr("Fortryd seneste import"), self)
        for button in (self.import_button, self.template_button, self.export_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        # The export holds personal data and is written to the audit log, which a project open
        # read-only cannot write: hidden then, as what writes.
        self.writes(self.import_button, self.export_button, self.undo_button)
        self.team_only("Import", self.import_button, self.undo_button)
        self.export_button.setToolTip(
            self.tr(
                "Projektets borgere, forløb, løntimer og medarbejdere i skabelonen. Filen indeholder "
                "personoplysninger (CPR-numre og navne), og eksporten skrives i projektets log."
            )
        )
        self.body.addLayout(buttons)
        self.import_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.export_button.clicked.connect(self.export_project)
        self.undo_button.clicked.connect(self.undo_latest)
        heading = QLabel(self.tr("Tidligere importer"), self)
        heading.setObjectName("comingHeading")
        self.body.addWidget(heading)
        self.model = ImportsModel(self)
        self.view = _table_view(self, self.model, 1)
        self.empty_label = QLabel(
            self.tr(
                "Ingen importer endnu. Gem skabelonen, udfyld den med et udtræk (eller brug udtrækket, "
                "som det er, og tilknyt kolonnerne), og importér filen."
            ),
            self,
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.body.addWidget(self.empty_label)
        self.body.addWidget(self.view, 1)
        self.dialog: ImportDialog | None = None

    def load(self, project: Project) -> None:
        records = ImportRepository(project).batches()
        self.model.set_rows(records)
        self.empty_label.setVisible(not records)
        self.view.setVisible(bool(records))
        latest = next((r for r in records if not r.undone), None)
        laptop = self.team_only_reason("Import")  # imports belong to the team copy
        self.undo_button.setEnabled(latest is not None and laptop is None)
        self.undo_button.setToolTip(
            laptop
            if laptop is not None
            else self.tr("Fortryd importen af {file} fra {at}").format(
                file=latest.file, at=latest.at.strftime("%d-%m-%Y %H:%M")
            )
            if latest
            else self.tr("Ingen import at fortryde")
        )

    # --- actions --------------------------------------------------------------------------------------
    def _tell(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 8000)

    def _folder(self) -> str:
        return str(self.project.path.parent) if self.project is not None else ""

    def choose_file(self) -> None:
        if self.project is None or self.refuse_if_team_only("Import"):
            return
        path, _ = file_dialogs.get_open_file_name(
            self,
            self.tr("Importér udtræk"),
            self._folder(),
            self.tr("Regneark (*.xlsx *.xlsm *.csv *.txt);;Alle filer (*)"),
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> ImportDialog:
        assert self.project is not None
        self.dialog = ImportDialog(self.project, path, self)
        self.dialog.imported.connect(self._imported)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog.open()
        self.dialog.start()
        return self.dialog

    def _imported(self, _result) -> None:
        if self.project is not None:
            self.load(self.project)
        self.data_changed.emit()

    def save_template(self) -> None:
        path, _ = file_dialogs.get_save_file_name(
            self,
            self.tr("Gem importskabelon"),
            str(Path(self._folder()) / self.tr("FSM-importskabelon.xlsx")),
            self.tr("Excel-projektmappe (*.xlsx)"),
        )
        if path:
            self.write_template(path)

    def write_template(self, path: str | Path, with_data: bool = False) -> bool:
        """The template, empty or ``with_data`` (the project's rows: personal data, recorded in
        its audit log by :func:`export_template`)."""
        from fsm_desktop.exchange.template import export_template, write_template

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        try:
            if with_data and self.project is not None:
                path = export_template(self.project, path)
            else:
                write_template(path)
        except KnownError as error:
            QMessageBox.warning(
                self, self.tr("Skabelonen kunne ikke gemmes"), translate_error(error)
            )
            return False
        self._tell(self.tr("Gemt: {path}").format(path=str(path)))
        return True

    def export_project(self) -> None:
        from fsm_desktop.exchange.template import require_audit
        from fsm_desktop.views.citizens_page import get_personal_data_file_name

        if self.project is None:
            return
        try:
            require_audit(self.project)  # before the user picks a file, not after
        except KnownError as error:
            QMessageBox.warning(
                self, self.tr("Projektet kan ikke eksporteres"), translate_error(error)
            )
            return
        path = get_personal_data_file_name(
            self,
            self.tr("Eksportér projektet"),
            str(Path(self._folder()) / f"{self.project.path.stem}-eksport.xlsx"),
            self.tr("Excel-projektmappe (*.xlsx)"),
            self.tr(
                "Filen indeholder personoplysninger (CPR-numre og navne). Gem den kun et sikkert sted, og slet "
                "den, når du ikke skal bruge den mere. Eksporten skrives i projektets log."
            ),
        )
        if path:
            self.write_template(path, with_data=True)

    def undo_latest(self, confirm: bool = True) -> bool:
        if self.project is None:
            return False
        latest = ImportRepository(self.project).latest_undoable()
        if latest is None:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Fortryd import"),
                self.tr(
                    "Fortryd importen af {file} fra {at}?\n\nDe borgere, forløb, løntimer og medarbejdere, "
                    "importen tilføjede, fjernes, og det, den ændrede, får sine tidligere værdier."
                ).format(file=latest.file, at=latest.at.strftime("%d-%m-%Y %H:%M")),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        connect = self.project.connector()
        self.undo_button.setEnabled(False)

        def work():
            with connect() as project:
                return ImportRepository(project).undo(latest.id)

        run_in_background(work, self._undone, self._undo_failed, self)
        return True

    def _undone(self, record: ImportRecord) -> None:
        if self.project is not None:
            self.load(self.project)
        self._tell(self.tr("Importen af {file} er fortrudt.").format(file=record.file))
        self.data_changed.emit()

    def _undo_failed(self, exc: BaseException) -> None:
        if self.project is not None:
            self.load(self.project)
        if isinstance(exc, KnownError):
            QMessageBox.warning(
                self, self.tr("Importen kunne ikke fortrydes"), translate_error(exc)
            )
            return
        raise exc
