"""The Netværk tab: the citizen's network, with the consent it needs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.citizen_edit import validate_network
from fsm_desktop.domain.model import NetworkPerson
from fsm_desktop.views.citizens.labels import ERROR_STYLE
from fsm_desktop.views.citizens.tabs.base import CitizenTab, EnterAdds, PendingEntry
from fsm_desktop.views.kit.errors import error_label, show_error
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class NetworkTab(CitizenTab):
    """Mixed into CitizenWindow: the Netværk tab: the citizen's network, with the consent it
    needs."""

    def _build_network(self) -> None:
        page = QWidget(self.tabs)
        self.network_page = page
        layout = QVBoxLayout(page)
        self.consent_box = QCheckBox(_t("Borgeren ønsker, at netværket inddrages"), page)
        self.consent_box.toggled.connect(self._consent_toggled)
        self._withdrawn: list[
            NetworkPerson
        ] = []  # deleted with the consent; back if it is given again
        layout.addWidget(self.consent_box)
        hint = QLabel(_t("Netværket registreres kun, når borgeren ønsker det."), page)
        hint.setObjectName("dialogHint")
        layout.addWidget(hint)
        self.network_table = widget_table(page, [_t("Navn"), _t("Relation"), _t("Telefon")], 0)
        layout.addWidget(self.network_table, 1)
        entry = QHBoxLayout()
        self.network_name = QLineEdit(page)
        self.network_name.setPlaceholderText(_t("Navn"))
        self.network_relation = QLineEdit(page)
        self.network_relation.setPlaceholderText(_t("Relation, fx søster"))
        self.network_phone = QLineEdit(page)
        self.network_phone.setPlaceholderText(_t("Telefon"))
        self.network_add = QPushButton(_t("Tilføj"), page)
        self.network_remove = QPushButton(_t("Slet"), page)
        self.network_add.clicked.connect(self.add_network)
        self.network_remove.clicked.connect(self.delete_network)
        for field in (self.network_name, self.network_relation, self.network_phone):
            EnterAdds(field, self.add_network)
            field.textChanged.connect(lambda _=None: self._changed())
        for widget in (
            self.network_name,
            self.network_relation,
            self.network_phone,
            self.network_add,
            self.network_remove,
        ):
            entry.addWidget(widget)
        layout.addLayout(entry)
        self.network_error = error_label(page, ERROR_STYLE)
        layout.addWidget(self.network_error)
        self.tabs.addTab(page, _t("Netværk"))

    # --- network -------------------------------------------------------------------------------------
    def _pending_network(self) -> list[PendingEntry]:
        """A person typed and not yet added (only while the consent is given: without it the
        fields are closed and nothing is added)."""
        fields = (self.network_name, self.network_relation, self.network_phone)
        if not self.consent_box.isChecked() or not any(f.text().strip() for f in fields):
            return []
        return [PendingEntry(self.network_page, self.network_name, self.add_network)]

    def _enable_network(self, on: bool) -> None:
        for widget in (
            self.network_name,
            self.network_relation,
            self.network_phone,
            self.network_add,
        ):
            widget.setEnabled(on)

    def _consent_toggled(self, on: bool) -> None:
        """Withdrawing the consent asks whether the people registered go too (deleted when the
        page is saved, with the rest); giving it again before saving brings them back."""
        self._enable_network(on)
        if getattr(self, "_loading", True) or self.record is None:
            return
        self.changes.network_consent = on if on != self.loaded.network_consent else None
        if not on and self.network:
            answer = QMessageBox.question(
                self,
                _t("Netværket"),
                _t(
                    "Borgeren ønsker ikke længere, at netværket inddrages. Skal de {n} registrerede personer i netværket "
                    "slettes, når der gemmes?"
                ).format(n=len(self.network)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self._withdrawn = list(self.network)
                for person in self._withdrawn:
                    self._forget_network(person.id)
        elif on and self._withdrawn:
            stored = {p.id for p in self.loaded.network}
            for person in self._withdrawn:
                self.network.append(person)
                if person.id in stored:
                    self.changes.network_deleted.remove(person.id)
                else:
                    self.changes.network_saved.append(person)
            self._withdrawn = []
        self._refresh_lists()
        self._changed()

    def add_network(self) -> bool:
        person = NetworkPerson(
            self.citizen_id,
            self.network_name.text().strip(),
            self.network_relation.text().strip(),
            self.network_phone.text().strip(),
        )
        problems = validate_network(person)
        if problems:
            show_error(self.network_error, _t(next(iter(problems.values()))))
            return False
        show_error(self.network_error, None)
        self.network.append(person)
        self.changes.network_saved.append(person)
        for field in (self.network_name, self.network_relation, self.network_phone):
            field.clear()
        self._refresh_lists()
        self._changed()
        return True

    def delete_network(self) -> bool:
        person_id = self._selected_key(self.network_table)
        if person_id is None:
            return False
        self._forget_network(person_id)
        self._refresh_lists()
        self._changed()
        return True

    def _forget_network(self, person_id: str) -> None:
        self.network = [p for p in self.network if p.id != person_id]
        self.changes.network_saved = [p for p in self.changes.network_saved if p.id != person_id]
        if any(p.id == person_id for p in self.loaded.network):
            self.changes.network_deleted.append(person_id)
