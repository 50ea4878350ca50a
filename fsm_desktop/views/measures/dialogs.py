"""The measures page's tables, and the dialog of the citizens behind one result (the kit's)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from fsm_desktop.domain.breakdown import GroupResult
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.measures import MeasureResult
from fsm_desktop.views.kit.members import MembersDialog
from fsm_desktop.views.measures.chart import period_label


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


def members_dialog(result: MeasureResult, parent: QWidget | None = None) -> MembersDialog:
    """The citizens behind one result: the numerator and the denominator, with reasons (the
    kit's dialog; a caseload's denominator is full-time caseworkers: no list)."""
    title = _t("{measure}: {period}").format(
        measure=result.spec.name,
        period=period_label(result),
    )
    if isinstance(result, GroupResult):
        title += " – " + _t(result.group.label)
    numerator, denominator = result.members()
    if result.spec.kind == "caseload":
        summary = _t(
            "{n} borgere hos koordinerende sagsbehandlere svarende til {d} fuldtidsstillinger."
        ).format(n=number(result.numerator), d=number(result.denominator))
    else:
        summary = _t("Tæller {n} af {d} borgere i nævneren.").format(
            n=number(result.numerator), d=number(result.denominator)
        )
    label = _t("Passive ({n})") if result.spec.kind == "passive_share" else _t("Tæller ({n})")
    lists = [(label, numerator)]
    if result.spec.kind != "caseload":
        lists.append((_t("Nævner ({n})"), denominator))
    return MembersDialog(title, summary, lists, parent)
