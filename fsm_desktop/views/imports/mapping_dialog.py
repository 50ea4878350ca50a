"""The dialog that maps an extract's columns to the program's fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.model import ExitReason
from fsm_desktop.exchange.cells import DATE_FORMATS, DECIMALS, norm
from fsm_desktop.exchange.import_format import GUIDE_SHEETS, TABLES, Mapping, SheetMapping

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object


def _t(text: str) -> str:
    return QCoreApplication.translate("ImportPage", text)


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


def _show(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.date):
        return date_text(value)
    return str(getattr(value, "value", value))


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
