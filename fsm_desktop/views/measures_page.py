"""Mål: the initiative's measures as STAR counts them, period by period, with the payout
forecast and a drill-down to the citizens behind every number."""

from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.danish import kroner, number, percent
from fsm_desktop.domain.measures import Member, MeasureResult, Report, compute
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.project import Project
from fsm_desktop.views.measures_chart import MeasuresChart
from fsm_desktop.views.pages import Page
from fsm_desktop.views.tasks import run_in_background

MET_COLOR = QColor("#1b6e3a")
NOT_MET_COLOR = QColor("#8a1c14")


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresPage", text)


class ResultsModel(QAbstractTableModel):
    PERIOD, NUMERATOR, DENOMINATOR, SHARE, THRESHOLD, MET = range(6)
    HEADERS = (
        QT_TRANSLATE_NOOP("MeasuresPage", "Periode"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Tæller"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Nævner"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Andel"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Tærskel"),
        QT_TRANSLATE_NOOP("MeasuresPage", "Opfyldt"),
    )
    RESULT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[MeasureResult] = []

    def set_results(self, rows: list[MeasureResult]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            if section == self.SHARE and self._rows and self._rows[0].spec.kind == "caseload":
                return _t("Sager pr. fuldtid")
            return _t(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        column = index.column()
        caseload = r.spec.kind == "caseload"
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.PERIOD:
                return r.label
            if column == self.NUMERATOR:
                return number(r.numerator)
            if column == self.DENOMINATOR:
                return number(r.denominator)
            if column == self.SHARE:
                if caseload:
                    return "–" if r.share is None else number(round(r.share, 1))
                return percent(r.share)
            if column == self.THRESHOLD:
                values = [number(t.threshold.value) if caseload else percent(t.threshold.value) for t in r.thresholds]
                return " / ".join(values) or _t("sættes lokalt")
            if column == self.MET:
                return " / ".join(_t("ja") if t.met else _t("nej") for t in r.thresholds) or "–"
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.PERIOD:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.SHARE, self.MET) and r.met is not None:
            return MET_COLOR if r.met else NOT_MET_COLOR
        if role == self.RESULT_ROLE:
            return r
        return None


class MembersModel(QAbstractTableModel):
    NAME, REASON = range(2)
    HEADERS = (QT_TRANSLATE_NOOP("MeasuresPage", "Borger"), QT_TRANSLATE_NOOP("MeasuresPage", "Tæller med, fordi"))

    def __init__(self, members: list[Member], parent=None) -> None:
        super().__init__(parent)
        self._members = list(members)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._members)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 2:
            return _t(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._members):
            return None
        member = self._members[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return member.name if index.column() == self.NAME else member.reason
        if role == Qt.ItemDataRole.UserRole:
            return member.citizen_id
        return None


def _members_view(model: QAbstractTableModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class MembersDialog(QDialog):
    """The citizens behind one result: the numerator and the denominator, with reasons."""

    def __init__(self, result: MeasureResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_t("{measure}: {period}").format(measure=result.spec.name, period=result.label))
        numerator, denominator = result.members()
        layout = QVBoxLayout(self)
        summary = QLabel(
            _t("Tæller {n} af {d} borgere i nævneren.").format(n=number(result.numerator), d=number(result.denominator)),
            self,
        )
        if result.spec.kind == "caseload":
            summary.setText(
                _t("{n} borgere hos koordinerende sagsbehandlere svarende til {d} fuldtidsstillinger.").format(
                    n=number(result.numerator), d=number(result.denominator)
                )
            )
        layout.addWidget(summary)
        self.tabs = QTabWidget(self)
        self.numerator_model = MembersModel(numerator, self)
        self.denominator_model = MembersModel(denominator, self)
        label = _t("Passive ({n})") if result.spec.kind == "passive_share" else _t("Tæller ({n})")
        self.tabs.addTab(_members_view(self.numerator_model, self), label.format(n=len(numerator)))
        if result.spec.kind != "caseload":
            self.tabs.addTab(_members_view(self.denominator_model, self), _t("Nævner ({n})").format(n=len(denominator)))
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_t("Luk"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 560)


class MeasuresPage(Page):
    key = "maal"
    results_ready = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Mål"),
            self.tr(
                "Resultatkravene opgjort som STAR opgør dem, måned for måned eller i rullende "
                "kvartaler. Dobbeltklik på en periode for at se borgerne bag tallene."
            ),
            parent,
        )
        self.report: Report | None = None
        self._generation = 0  # a result for an earlier project or load is dropped
        top = QHBoxLayout()
        self.measure_box = QComboBox(self)
        self.measure_box.setAccessibleName(self.tr("Resultatkrav"))
        self.measure_box.setMinimumWidth(420)
        self.measure_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(QLabel(self.tr("Resultatkrav:"), self))
        top.addWidget(self.measure_box)
        top.addStretch(1)
        self.body.addLayout(top)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("factLine")
        self.body.addWidget(self.status_label)
        self.model = ResultsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(self.open_members)
        self.chart = MeasuresChart(self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self.view)
        split.addWidget(self.chart)
        self.view.setMaximumWidth(780)  # the rest goes to the chart on a wide screen
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        self.body.addWidget(split, 1)
        self.payout_heading = QLabel(self.tr("Udbetalingsprognose"), self)
        self.payout_heading.setObjectName("comingHeading")
        self.payout_label = QLabel(self)
        self.payout_label.setWordWrap(True)
        self.payout_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.payout_heading)
        self.body.addWidget(self.payout_label)
        self.payout_heading.hide()
        self.payout_label.hide()
        self.measure_box.currentIndexChanged.connect(self._show_measure)

    def load(self, project: Project) -> None:
        self.status_label.setText(self.tr("Beregner …"))
        self.measure_box.blockSignals(True)
        self.measure_box.clear()
        for spec in project.template.measures:
            self.measure_box.addItem(spec.name, spec.id)
        self.measure_box.blockSignals(False)
        facts = load_facts(project)  # SQLite stays on the GUI thread; the counting does not
        template = project.template
        grant = project.initiative.grant_amount
        self._generation += 1
        generation = self._generation
        run_in_background(
            lambda: compute(template, facts, grant=grant),
            lambda report: self._computed(report, generation),
            self._failed,
            self,
        )

    def set_project(self, project: Project | None) -> None:
        self._generation += 1
        self.report = None
        self.model.set_results([])
        super().set_project(project)

    def _computed(self, report: Report, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        self.report = report
        self._show_measure()
        self._show_payouts()
        self.results_ready.emit()

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("Målene kunne ikke beregnes."))
        raise exc

    def _show_measure(self) -> None:
        if self.report is None:
            return
        measure_id = self.measure_box.currentData()
        rows = self.report.for_measure(measure_id) if measure_id else []
        self.model.set_results(rows)
        self.chart.plot(rows)
        if not rows:
            self.status_label.setText(self.tr("Ingen måleperioder i projektets periode."))
            return
        spec = rows[0].spec
        if spec.kind == "caseload":
            text = self.tr("Sager pr. fuldtids koordinerende sagsbehandler på månedens sidste dag.")
        elif spec.kind == "passive_share":
            text = self.tr("Andel passive: mindst 1 år i ressourceforløb og hverken aktivt tilbud eller mentor de seneste 12 måneder. Lavere er bedre.")
        else:
            met = sum(1 for r in rows if r.met)
            text = self.tr("Opfyldt i {met} af {n} perioder.").format(met=met, n=len(rows))
        self.status_label.setText(text)

    def _show_payouts(self) -> None:
        assert self.report is not None
        lines = []
        for p in self.report.payouts:
            line = "{label}: {status}".format(
                label=p.threshold.label, status=self.tr("opfyldt") if p.met else self.tr("ikke opfyldt endnu")
            )
            if p.best is not None:
                best = "{period} ({share})".format(period=p.best.label, share=percent(p.best.share))
                if p.met:
                    line += self.tr(" – første gang {best}").format(best=best)
                else:
                    if p.needed == 1:
                        line += self.tr(" – bedste periode {best} manglede 1 borger").format(best=best)
                    else:
                        line += self.tr(" – bedste periode {best} manglede {n} borgere").format(best=best, n=p.needed)
            if p.spec.payout_window:
                start, end = p.spec.payout_window
                line += self.tr(" – kun perioder {start} – {end} tæller").format(
                    start=start.strftime("%d.%m.%Y"), end=end.strftime("%d.%m.%Y")
                )
                if p.best is None:
                    line += self.tr(" (ingen i det viste interval)")
            if p.amount is not None:
                line += " – " + kroner(p.amount)
            lines.append("•  " + line)
        self.payout_heading.setVisible(bool(lines))
        self.payout_label.setVisible(bool(lines))
        self.payout_label.setText("\n".join(lines))

    def open_members(self, index: QModelIndex) -> MembersDialog | None:
        result = index.data(ResultsModel.RESULT_ROLE) if index.isValid() else None
        if result is None:
            return None
        dialog = MembersDialog(result, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
