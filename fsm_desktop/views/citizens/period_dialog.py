"""The dialog that adds or changes one of a citizen's periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
)

from fsm_desktop.domain.citizen_edit import (
    EXEMPTION_KINDS,
    exemption_code,
    exemption_label,
    validate_period,
)
from fsm_desktop.domain.model import Kind, Period, PeriodKind
from fsm_desktop.views.citizens.labels import ERROR_STYLE
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


def _period_note(period: Period) -> str:
    """A period's note as shown: a fritagelse's kind by its label."""
    if period.kind is PeriodKind.FRITAGELSE:
        return _t(exemption_label(period.note))
    return period.note


class PeriodDialog(QDialog):
    """Add or edit one period; checked against the citizen's other periods before it is taken,
    each message under its own field. A fritagelse names its kind from a fixed list (kept in the
    period's note, as the import and the demo keep it); other periods have a free note."""

    def __init__(
        self,
        period: Period | None,
        others: list[Period],
        citizen_id: str,
        today: dt.date,
        parent=None,
        kinds: Sequence[Kind] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("Forløb") if period is None else _t("Redigér forløb"))
        #: The kinds a period can have: the program's and the initiative's own (``kinds``).
        self.kinds = {kind.value: kind for kind in (kinds if kinds is not None else PeriodKind)}
        self.others = others
        self.citizen_id = citizen_id
        self.today = today
        self.original = period
        layout = QVBoxLayout(self)
        self.form = form = QFormLayout()
        self.kind_box = QComboBox(self)
        for kind in self.kinds.values():
            self.kind_box.addItem(kind.label, kind.value)
        self.start_field = DateField(period.start if period else today, optional=False, parent=self)
        self.end_field = DateField(period.end if period else None, parent=self)
        self.end_field.setPlaceholderText(_t("tom = i gang"))
        self.exemption_box = QComboBox(self)
        self.exemption_box.setAccessibleName(_t("Fritagelsens art"))
        self.exemption_box.setPlaceholderText(_t("vælg fritagelsens art"))
        for code, label in EXEMPTION_KINDS.items():
            self.exemption_box.addItem(_t(label), code)
        self.note_field = QLineEdit(self)
        self.note_field.setPlaceholderText(_t("fx arbejdsstedet"))
        self.start_error, self.end_error, self.exemption_error, self.note_error = (
            error_label(self, ERROR_STYLE) for _ in range(4)
        )
        if period is not None:
            self.kind_box.setCurrentIndex(self.kind_box.findData(period.kind.value))
            self._set_note(period)
        else:
            self.exemption_box.setCurrentIndex(-1)
        form.addRow(_t("Type"), self.kind_box)
        form.addRow(_t("Fra"), self.start_field)
        form.addRow("", self.start_error)
        form.addRow(_t("Til"), self.end_field)
        form.addRow("", self.end_error)
        form.addRow(_t("Art"), self.exemption_box)
        form.addRow("", self.exemption_error)
        form.addRow(_t("Note"), self.note_field)
        form.addRow("", self.note_error)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _set_note(self, period: Period) -> None:
        if period.kind is not PeriodKind.FRITAGELSE:
            self.note_field.setText(period.note)
            return
        code = exemption_code(period.note)
        if code is not None and self.exemption_box.findData(code) < 0:
            self.exemption_box.addItem(_t(exemption_label(code)), code)  # a kind no longer offered
        elif code is None and period.note.strip():
            self.exemption_box.addItem(
                period.note, period.note
            )  # not a kind: shown, refused when taken
        self.exemption_box.setCurrentIndex(self.exemption_box.findData(code or period.note))

    @property
    def is_exemption(self) -> bool:
        return self.kind_box.currentData() == PeriodKind.FRITAGELSE.value

    def _kind_changed(self, _=None) -> None:
        """A fritagelse shows the choice of its kind; the others the free note."""
        exemption = self.is_exemption
        self.form.setRowVisible(self.exemption_box, exemption)
        self.form.setRowVisible(self.note_field, not exemption)
        if not exemption:
            show_error(self.exemption_error, None)
        if exemption:
            show_error(self.note_error, None)

    def _show(self, problems: dict[str, str]) -> None:
        for key, label in (
            ("start", self.start_error),
            ("end", self.end_error),
            ("exemption", self.exemption_error),
            ("note", self.note_error),
        ):
            show_error(label, problems.get(key))

    def period(self) -> Period | None:
        """The period as entered, or None (and the messages shown by their fields) when it cannot be."""
        problems: dict[str, str] = {}
        dates: dict[str, dt.date | None] = {}
        for key, name, date_field in (
            ("start", _t("Fra"), self.start_field),
            ("end", _t("Til"), self.end_field),
        ):
            try:
                dates[key] = date_field.date()
            except ValueError:
                problems[key] = _t("»{text}« i {field} er ikke en dato (dd-mm-åååå).").format(
                    text=date_field.text(), field=name
                )
                dates[key] = None
        start = dates["start"]
        if start is None and "start" not in problems:
            problems["start"] = _t("Fra skal udfyldes.")
        if problems or start is None:
            self._show(problems)
            return None
        kind = self.kinds[self.kind_box.currentData()]
        if self.is_exemption:
            note = self.exemption_box.currentData() or ""
        else:
            note = self.note_field.text().strip()
        period = Period(self.citizen_id, kind, start, dates["end"], note)
        if self.original is not None:
            period.id = self.original.id
        problems = {
            key: _t(message)
            for key, message in validate_period(period, self.others, self.today).items()
        }
        self._show(problems)
        return None if problems else period

    def accept(self) -> None:
        if self.period() is not None:
            super().accept()
