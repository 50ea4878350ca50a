"""The Revisionslog tab: who changed what in the citizen's record."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fsm_desktop.views.citizens.tabs.base import CitizenTab
from fsm_desktop.views.kit.tables import widget_table


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class AuditTab(CitizenTab):
    """Mixed into CitizenWindow: the Revisionslog tab: who changed what in the citizen's
    record."""

    def _build_audit(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.audit_table = widget_table(
            page,
            [_t("Tidspunkt"), _t("Bruger"), _t("Handling"), _t("Felt"), _t("Før"), _t("Efter")],
            5,
        )
        layout.addWidget(self.audit_table, 1)
        self.tabs.addTab(page, _t("Revisionslog"))
