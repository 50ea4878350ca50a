"""The measures page's dialog of the citizens behind one result."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
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

from fsm_desktop.domain.breakdown import GroupResult
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.measures import MeasureResult
from fsm_desktop.views.measures.models import MembersModel


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


def measure_table(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return view


def _members_view(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    view = measure_table(model, parent)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class MembersDialog(QDialog):
    """The citizens behind one result: the numerator and the denominator, with reasons. A
    double-click or Enter on a citizen asks for their window (``citizen_chosen``)."""

    citizen_chosen = Signal(str)  # a citizen's id

    def __init__(self, result: MeasureResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = _t("{measure}: {period}").format(measure=result.spec.name, period=result.label)
        if isinstance(result, GroupResult):
            title += " – " + _t(result.group.label)
        self.setWindowTitle(title)
        numerator, denominator = result.members()
        layout = QVBoxLayout(self)
        summary = QLabel(
            _t("Tæller {n} af {d} borgere i nævneren.").format(
                n=number(result.numerator), d=number(result.denominator)
            ),
            self,
        )
        if result.spec.kind == "caseload":
            summary.setText(
                _t(
                    "{n} borgere hos koordinerende sagsbehandlere svarende til {d} fuldtidsstillinger."
                ).format(n=number(result.numerator), d=number(result.denominator))
            )
        layout.addWidget(summary)
        self.tabs = QTabWidget(self)
        self.numerator_model = MembersModel(numerator, self)
        self.denominator_model = MembersModel(denominator, self)
        label = _t("Passive ({n})") if result.spec.kind == "passive_share" else _t("Tæller ({n})")
        self.tabs.addTab(self._view(self.numerator_model), label.format(n=len(numerator)))
        if result.spec.kind != "caseload":
            self.tabs.addTab(
                self._view(self.denominator_model),
                _t("Nævner ({n})").format(n=len(denominator)),
            )
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

    def _view(self, model: QAbstractTableModel) -> QTableView:
        view = _members_view(model, self)
        view.setToolTip(_t("Dobbeltklik eller tryk Enter for at åbne borgeren."))
        # activated: a double-click, and Enter on the current row.
        view.activated.connect(self._choose)
        return view

    def _choose(self, index: QModelIndex) -> None:
        citizen_id = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        if citizen_id:
            self.citizen_chosen.emit(citizen_id)
