"""The citizens behind a number (Mål's results, Statusskema's cells): a dialog with a tab per
list (the numerator, the denominator), each citizen with the reason they count; a double-click
or Enter on a citizen asks for their window."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP as _QT_TRANSLATE_NOOP
from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.measures import Member
from fsm_desktop.views.kit.rows import RowTableModel

#: Typed as what it returns, its text (the calls keep the name pyside6-lupdate looks for).
QT_TRANSLATE_NOOP: Callable[[str, str], str] = _QT_TRANSLATE_NOOP  # type: ignore[assignment]  # PySide6's stubs say it returns object


def _t(text: str) -> str:
    return QCoreApplication.translate("MembersDialog", text)


class MembersModel(RowTableModel):
    """Citizens with the reason they count; the citizen's id under ``UserRole``."""

    CONTEXT = "MembersDialog"
    NAME, REASON = range(2)
    HEADERS = (
        QT_TRANSLATE_NOOP("MembersDialog", "Borger"),
        QT_TRANSLATE_NOOP("MembersDialog", "Tæller med, fordi"),
    )

    def __init__(self, members: Sequence[Member], parent=None) -> None:
        super().__init__(parent, members)

    def text(self, row: Member, column: int) -> str:
        return row.name if column == self.NAME else row.reason

    def role_data(self, row: Member, column: int, role: int):
        if role == Qt.ItemDataRole.UserRole:
            return row.citizen_id
        return super().role_data(row, column, role)


class MembersDialog(QDialog):
    """The citizens behind one number: a summary line and a tab per list (``lists``: the tab's
    label with ``{n}`` for its length, and the citizens). The first list is
    :attr:`numerator_model`, the second (if any) :attr:`denominator_model`. A double-click or
    Enter on a citizen asks for their window (``citizen_chosen``)."""

    citizen_chosen = Signal(str)  # a citizen's id

    def __init__(
        self,
        title: str,
        summary: str,
        lists: Sequence[tuple[str, Sequence[Member]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.summary = QLabel(summary, self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget(self)
        self.models = [MembersModel(members, self) for _label, members in lists]
        for (label, members), model in zip(lists, self.models, strict=True):
            self.tabs.addTab(self._view(model), label.format(n=len(members)))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_t("Luk"))
        # Enter in the list opens the citizen; it does not press "Luk" (Esc still closes).
        close.setAutoDefault(False)
        close.setDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 560)

    @property
    def numerator_model(self) -> MembersModel:
        return self.models[0]

    @property
    def denominator_model(self) -> MembersModel | None:
        return self.models[1] if len(self.models) > 1 else None

    def _view(self, model: MembersModel) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.verticalHeader().setVisible(False)
        view.setAlternatingRowColors(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        view.setToolTip(_t("Dobbeltklik eller tryk Enter for at åbne borgeren."))
        # activated: a double-click, and Enter on the current row.
        view.activated.connect(self._choose)
        return view

    def _choose(self, index: QModelIndex) -> None:
        citizen_id = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        if citizen_id:
            self.citizen_chosen.emit(citizen_id)
