"""The initiative editor's building blocks: a field with its message under it, a list of
choices that keeps the order they were ticked in, and the Danish names of a template's
choices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.model import PAID_HOURS, PERIOD_LABELS, PeriodKind
from fsm_desktop.views.citizens.labels import EXIT_LABELS
from fsm_desktop.views.kit.dates import date_edit, pydate, qdate


def _t(text: str) -> str:
    return QCoreApplication.translate("InitiativeEditor", text)


def measure_kind_words() -> dict[str, str]:
    return {"share": _t("Andel"), "passive_share": _t("Passivandel"), "caseload": _t("Sagsstamme")}


def unit_words() -> dict[str, str]:
    return {
        "month": _t("Måned"),
        "rolling_quarter": _t("Rullende kvartal"),
        "period": _t("Hele perioden (eller vinduet)"),
    }


def aggregate_words() -> dict[str, str]:
    return {"any": _t("Nået i mindst én periode"), "last": _t("Den seneste periode tæller")}


def direction_words() -> dict[str, str]:
    return {"at_least": _t("Mindst tærsklen"), "at_most": _t("Højst tærsklen")}


def rule_words() -> dict[str, str]:
    return {
        "target_group": _t("Målgruppen (evt. kun nogle grupper)"),
        "bir_rolling_quarter": _t("I ressourceforløb i kvartalet (BIR)"),
        "seniority_one_year": _t("Mindst 1 års anciennitet (HIR)"),
        "caseload": _t("Sager pr. koordinerende sagsbehandler"),
    }


def entry_words() -> dict[str, str]:
    return {
        "benefit_in_period": _t("Har ydelsen i projektperioden"),
        "benefit_since_baseline": _t("Har haft ydelsen siden 0-punktet"),
    }


def leaving_words() -> dict[str, str]:
    """The exit reasons as the citizen page names them."""
    return {reason.value: label for reason, label in EXIT_LABELS.items()}


def goal_unit_words() -> dict[str, str]:
    return {"share": _t("Andel (%)"), "count": _t("Antal")}


def own_kinds(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The template's own kinds of period as its data holds them (the well-formed ones)."""
    found = data.get("period_kinds") or []
    return [k for k in found if isinstance(k, dict) and isinstance(k.get("key"), str)]


def kind_words(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Every kind of period: the program's, then the template's own (key → Danish name)."""
    words = {kind.value: PERIOD_LABELS[kind] for kind in PeriodKind}
    for kind in own_kinds(data or {}):
        words.setdefault(kind["key"], str(kind.get("label") or kind["key"]))
    return words


def source_words(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Every source a measure can count: the kinds of period, paid hours and a job broker."""
    words = kind_words(data)
    words[PAID_HOURS] = _t("løntimer (en måned med løntimer)")
    words["jobformidler"] = _t("jobformidler tilknyttet")
    return words


def kinds_of(category: str, data: dict[str, Any] | None = None) -> dict[str, str]:
    """The kinds of one category (PeriodCategory's value), the template's own included."""
    words = {k.value: PERIOD_LABELS[k] for k in PeriodKind if k.category.value == category}
    for kind in own_kinds(data or {}):
        if kind.get("category") == category:
            words.setdefault(kind["key"], str(kind.get("label") or kind["key"]))
    return words


def category_words() -> dict[str, str]:
    return {
        "ydelse": _t("ydelse"),
        "tilbud": _t("tilbud"),
        "resultat": _t("resultat (job, uddannelse)"),
        "markering": _t("markering"),
    }


class Field(QWidget):
    """A field with the template's message under it when the field is wrong."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None, grow: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.editor = editor
        layout.addWidget(editor)
        self.message = QLabel(self)
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        # A table takes the page's height; anything else only what it needs.
        vertical = QSizePolicy.Policy.Expanding if grow else QSizePolicy.Policy.Maximum
        self.setSizePolicy(QSizePolicy.Policy.Preferred, vertical)

    def show_problem(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))
        self.editor.setProperty("invalid", bool(text))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)


class ChoiceList(QListWidget):
    """Choices to tick. :meth:`values` gives the ticked ones in the order they were ticked
    (a template's lists keep their order: a file made again in the editor is the same file)."""

    edited = Signal()

    def __init__(self, words: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._order: list[str] = []
        self._loading = False
        self.itemChanged.connect(self._ticked)
        self.set_choices(words)

    def set_choices(self, words: dict[str, str]) -> None:
        """The choices (value → word shown); what is ticked stays ticked, in its order."""
        self._loading = True
        self.clear()
        for value, word in words.items():
            item = QListWidgetItem(word, self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if value in self._order else Qt.CheckState.Unchecked
            )
            item.setToolTip(value)
        self._loading = False
        self.fit(len(words))

    def fit(self, rows: int) -> None:
        """As tall as ``rows`` choices: every choice in sight, ticked or not."""
        row = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height() + 4
        self.setFixedHeight(max(rows, 1) * row + 2 * self.frameWidth() + 4)

    def set_values(self, values: Iterable[str]) -> None:
        self._loading = True
        self._order = list(values)
        for row in range(self.count()):
            item = self.item(row)
            value = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(
                Qt.CheckState.Checked if value in self._order else Qt.CheckState.Unchecked
            )
        self._loading = False

    def values(self) -> list[str]:
        return list(self._order)

    def tick(self, value: str, on: bool = True) -> None:
        """Ticks (or unticks) a choice as a click does."""
        for row in range(self.count()):
            item = self.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == value:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return
        raise KeyError(value)

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        value = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked and value not in self._order:
            self._order.append(value)
        elif item.checkState() != Qt.CheckState.Checked and value in self._order:
            self._order.remove(value)
        self.edited.emit()


def fill_combo(combo, words: dict[str, str], values: Sequence[str] | None = None) -> None:
    """Items with the Danish word shown and the template's value as data."""
    for value in values or list(words):
        combo.addItem(words.get(value, value), value)


def page_form(page: QWidget, stretch: bool = True) -> QFormLayout:
    """A form at the top of its page: labels beside the top of their fields, the fields as
    tall as they need, the rest of the page empty below."""
    outer = QVBoxLayout(page)
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    outer.addLayout(form, 0 if stretch else 1)
    if stretch:
        outer.addStretch(1)
    return form


def cell_text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def qdate_of(text: Any) -> QDate:
    try:
        return qdate(dt.date.fromisoformat(str(text)))
    except ValueError:
        return qdate(dt.date.today())


def select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def share_text(value: float) -> str:
    return f"{round(value * 100, 6):g}".replace(".", ",")


def parse_number(text: str) -> float | None:
    text = text.strip().replace(" ", "").replace("%", "").replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def plain_number(value: float) -> float | int:
    """A whole number as written in a template (30, not 30.0) where it is one."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


class _OptionalDates(QWidget):
    """Dates that may be left out: a box to tick, then the dates (one, or a start and an end)."""

    edited = Signal()

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox(self.tr("Ja:"), self)
        row.addWidget(self.box)
        self.dates: list[QDateEdit] = []
        for index in range(count):
            if index:
                row.addWidget(QLabel("–", self))
            edit = date_edit(self, dt.date.today())
            edit.dateChanged.connect(self._changed)
            self.dates.append(edit)
            row.addWidget(edit)
        row.addStretch(1)
        self._loading = False
        self.box.toggled.connect(self._changed)

    def _show(self, days: list[Any] | None, default: dt.date) -> None:
        self._loading = True
        self.box.setChecked(days is not None)
        for index, edit in enumerate(self.dates):
            edit.setDate(qdate_of(days[index]) if days is not None else qdate(default))
            edit.setEnabled(days is not None)
        self._loading = False

    def _days(self) -> list[str] | None:
        if not self.box.isChecked():
            return None
        return [pydate(edit.date()).isoformat() for edit in self.dates]

    def _changed(self, *_args) -> None:
        for edit in self.dates:
            edit.setEnabled(self.box.isChecked())
        if not self._loading:
            self.edited.emit()


class OptionalWindow(_OptionalDates):
    """A {start, end} that may be left out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(2, parent)
        self.start, self.end = self.dates

    def set_value(self, window: Any, default: dt.date) -> None:
        on = isinstance(window, dict)
        self._show([window.get("start"), window.get("end")] if on else None, default)

    def value(self) -> dict[str, str] | None:
        days = self._days()
        return None if days is None else {"start": days[0], "end": days[1]}


class OptionalDate(_OptionalDates):
    """A date that may be left out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(1, parent)
        self.day = self.dates[0]

    def set_value(self, text: Any, default: dt.date) -> None:
        self._show(None if text is None else [text], default)

    def value(self) -> str | None:
        days = self._days()
        return None if days is None else days[0]
