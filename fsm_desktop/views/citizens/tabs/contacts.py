"""The Kontakter tab: the jobcentre's contacts with the citizen."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import validate_contact
from fsm_desktop.domain.model import Contact, ContactKind
from fsm_desktop.views.citizens.labels import CONTACT_LABELS, ERROR_STYLE
from fsm_desktop.views.citizens.tabs.base import CitizenTab, EnterAdds, PendingEntry
from fsm_desktop.views.kit.dates import DateField
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class ContactsTab(CitizenTab):
    """Mixed into CitizenWindow: the Kontakter tab: the jobcentre's contacts with the citizen."""

    def _build_contacts(self) -> None:
        page = QWidget(self.tabs)
        self.contacts_page = page
        layout = QVBoxLayout(page)
        self.contact_check_label = QLabel(page)
        self.contact_check_label.setWordWrap(True)
        layout.addWidget(self.contact_check_label)
        self.contact_table = widget_table(page, [_t("Dato"), _t("Form"), _t("Af"), _t("Note")], 3)
        layout.addWidget(self.contact_table, 1)
        entry = QHBoxLayout()
        self.contact_date = DateField(self.today, optional=False, parent=page)
        self.contact_kind = QComboBox(page)
        for kind, label in CONTACT_LABELS.items():
            self.contact_kind.addItem(_t(label), kind.value)
        self.contact_staff = QComboBox(page)
        self.contact_staff.setAccessibleName(_t("Af"))
        self.contact_note = QLineEdit(page)
        self.contact_note.setPlaceholderText(_t("Note"))
        add = QPushButton(_t("Tilføj kontakt"), page)
        remove = QPushButton(_t("Slet"), page)
        add.clicked.connect(self.add_contact)
        remove.clicked.connect(self.delete_contact)
        EnterAdds(self.contact_note, self.add_contact)
        self.contact_note.textChanged.connect(lambda _=None: self._changed())
        for widget in (self.contact_date, self.contact_kind, self.contact_staff):
            entry.addWidget(widget)
        entry.addWidget(self.contact_note, 1)
        entry.addWidget(add)
        entry.addWidget(remove)
        layout.addLayout(entry)
        self.contact_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.contact_error)
        self.tabs.addTab(page, _t("Kontakter"))

    # --- contacts ------------------------------------------------------------------------------------
    def _pending_contacts(self) -> list[PendingEntry]:
        """A contact whose note is typed and not yet added."""
        if not self.contact_note.text().strip():
            return []
        return [PendingEntry(self.contacts_page, self.contact_note, self.add_contact)]

    def add_contact(self) -> bool:
        try:
            day = self.contact_date.date()
        except ValueError:
            show_error(
                self.contact_error,
                _t("»{text}« er ikke en dato (dd-mm-åååå).").format(text=self.contact_date.text()),
            )
            return False
        if day is None:
            show_error(self.contact_error, _t("Datoen skal udfyldes."))
            return False
        contact = Contact(
            self.citizen_id,
            day,
            ContactKind(self.contact_kind.currentData()),
            self.contact_staff.currentData() or None,
            self.contact_note.text().strip(),
        )
        problems = validate_contact(contact, self.real_today)
        if problems:
            show_error(self.contact_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.contact_error, None)
        self.contacts.append(contact)
        self.changes.contacts_added.append(contact)
        self.contact_note.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_contact(self) -> bool:
        contact_id = self._selected_key(self.contact_table)
        if contact_id is None:
            return False
        self.contacts = [c for c in self.contacts if c.id != contact_id]
        self.changes.contacts_added = [c for c in self.changes.contacts_added if c.id != contact_id]
        if any(c.id == contact_id for c in self.loaded.contacts):
            self.changes.contacts_deleted.append(contact_id)
        self._refresh_lists()
        self._changed()
        return True
