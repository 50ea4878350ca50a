"""What the citizen window's tab mixins share: the window's state they read and change, declared
once here (CitizenWindow sets it), and the helpers every tab uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.model import (
    Citizen,
    Contact,
    NetworkPerson,
    Period,
    StatusEntry,
)
from fsm_desktop.storage.citizen_edit import CitizenRecord
from fsm_desktop.storage.project import Project

if TYPE_CHECKING:
    # The tabs are mixed into CitizenWindow, a QDialog: to the type checker they are one.
    _Window = QDialog
else:
    _Window = object


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """Text typed into a tab's entry row and not yet added with its button: an unsaved change,
    which "Gem" adds first (``add`` is the button's slot: False when the entry is not valid, the
    message then stands next to it)."""

    page: QWidget  # the tab the entry is on
    field: QLineEdit  # the field to put the cursor in when it is not valid
    add: Callable[[], bool]


class EnterAdds(QObject):
    """Enter in an entry field adds the entry, as its button does, and goes no further: it
    does not also press the window's default button ("Gem"). A read-only field (a project open
    read-only) adds nothing."""

    def __init__(self, field: QLineEdit, add: Callable[[], object]) -> None:
        super().__init__(field)
        self.field = field
        self.add = add
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            if not self.field.isReadOnly():
                self.add()
            return True
        return super().eventFilter(watched, event)


class CitizenTab(_Window):
    """The base of the tab mixins of CitizenWindow."""

    # Set by CitizenWindow.__init__.
    project: Project
    citizen_id: str
    today: dt.date  # the day the window shows the citizen as of
    real_today: dt.date
    group_ids: list[int]
    # Set by CitizenWindow._build.
    tabs: QTabWidget
    column_box: QComboBox
    state_label: QLabel
    save_button: QPushButton
    # Set by CitizenWindow.reload: the citizen as loaded, and the edits not yet saved.
    record: CitizenRecord | None
    changes: CitizenChanges
    periods: list[Period]
    hours: dict[str, float]  # by month
    contacts: list[Contact]
    status: list[StatusEntry]
    network: list[NetworkPerson]
    handovers: list[tuple[str, str, dt.date]]  # (role, staff id, day), not yet saved
    # Set by NetworkTab._build_network.
    consent_box: QCheckBox

    if TYPE_CHECKING:
        # Defined by CitizenWindow and the other tabs.
        def _refresh_lists(self) -> None: ...
        def _changed(self) -> None: ...
        def master(self) -> tuple[Citizen, dict[str, str]]: ...
        def pending_entries(self) -> list[PendingEntry]: ...

    @property
    def loaded(self) -> CitizenRecord:
        """The citizen as loaded: the tabs are disabled while there is none."""
        assert self.record is not None, "the tabs are disabled when the citizen is gone"
        return self.record

    def _selected_key(self, table: QTableWidget) -> Any:
        """The key (the first cell's user data) of the table's current row; None: none."""
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
