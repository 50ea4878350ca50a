"""The Medarbejdere page: the staff register, caseloads per person and per full-time equivalent
on a chosen month against the initiative's limits, month by month back in time, a bar chart
with the limit lines (and the IPS bands when chosen), and moving citizens: "Omfordel …",
"Fordel sagsstamme …" for a leaving employee, "Fortryd seneste omfordeling".

Every rule is in domain.caseload (docs/caseload.md); storage.staff writes. The data is read off
the GUI thread; the chart imports matplotlib only when it is first drawn."""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fsm_desktop.domain.caseload import (
    CASELOAD_ROLE,
    COUNTED_ROLES,
    HOLDERS,
    ROLE_PLURAL,
    AssignmentRows,
    CaseloadReport,
    CaseloadSettings,
    Limit,
    OpenCase,
    PersonLoad,
    ReassignmentPlan,
    StaffRecord,
    Status,
    caseload_report,
    count_caseloads,
    default_settings,
    judge,
    limit_problem,
    month_days,
    per_fte,
    plan_reassignment,
    plan_spread,
    shown,
    spread_receivers,
)
from fsm_desktop.domain.danish import number
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import Staff, StaffRole
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.staff import CaseloadRepository, ReassignmentRecord, StaffRegister
from fsm_desktop.views.kit.messages import translate_error
from fsm_desktop.views.kit.page import Page
from fsm_desktop.views.kit.tasks import run_in_background
from fsm_desktop.views.kit.wording import citizens_text
from fsm_desktop.views.measures.chart import preload
from fsm_desktop.views.staff.models import (
    OVER_BACKGROUND,
    ROLE_LABELS,
    HistoryModel,
    StaffTableModel,
    load_text,
    loads_for,
    status_words,
)

ERROR_STYLE = "color: #a2191f;"
WARNING_STYLE = "background: #fff8e1; border: 1px solid #c98a00; padding: 6px; color: #3d2a00;"
NOTICE_STYLE = "color: #1b4d2e;"
#: Okabe–Ito colours: blue (under the limit), orange (inside the range), vermillion (over).
BAR_COLORS = {
    Status.OK: "#0072B2",
    Status.NO_LIMIT: "#0072B2",
    Status.IN_RANGE: "#E69F00",
    Status.OVER: "#D55E00",
}
BAR_HATCH = {Status.IN_RANGE: "//", Status.OVER: "xx"}
#: The chart shows at most this many people (the highest loads) so that initials stay legible.
MAX_BARS = 60
MONTH_NAMES = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


def _dk(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _date_edit(parent: QWidget, day: dt.date) -> QDateEdit:
    edit = QDateEdit(_qdate(day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit


def _month_name(label: str) -> str:
    return f"{MONTH_NAMES[int(label[5:]) - 1]} {label[:4]}"


def fit_columns(view: QTableView, model, caps: dict[int, int]) -> None:
    """Each column as wide as its widest text or header (at most ``caps[column]``)."""
    metrics = view.fontMetrics()
    bold = view.horizontalHeader().font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    header_metrics = QFontMetrics(bold)
    rows = model.rowCount()
    for column in range(model.columnCount()):
        width = (
            header_metrics.horizontalAdvance(
                str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            )
            + 20
        )
        for row in range(min(rows, 400)):
            index = model.index(row, column)
            text = model.data(index)
            if text:
                font = model.data(index, Qt.ItemDataRole.FontRole)
                measure = header_metrics if font is not None and font.bold() else metrics
                width = max(width, measure.horizontalAdvance(str(text)) + 14)
        view.horizontalHeader().resizeSection(column, min(width, caps.get(column, 10_000)))


# --- the data ------------------------------------------------------------------------------------------
@dataclasses.dataclass
class StaffData:
    """What the page shows, read off the GUI thread."""

    report: CaseloadReport
    rows: AssignmentRows
    latest: ReassignmentRecord | None
    today: dt.date


# --- the chart -----------------------------------------------------------------------------------------
class CaseloadChart(QWidget):
    """Bars per person with the limit lines of their role (matplotlib, imported when first drawn)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = None
        self.figure = None
        self.bars: list[tuple[str, float, Status]] = []  # what was drawn: initials, value, status
        self.setMinimumSize(320, 260)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        preload()  # matplotlib as every chart of the program imports it
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(5.5, 4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setParent(self)
        self._layout.addWidget(self.canvas)

    def plot(
        self, loads: list[PersonLoad], settings: CaseloadSettings, per_fte_mode: bool, day: dt.date
    ) -> None:
        self._ensure_canvas()
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        figure = self.figure
        figure.clear()
        ax = figure.add_subplot()
        people = [p for p in loads if p.record.counted and (p.citizens or p.record.active_on(day))]
        self.bars = []
        if not people:
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                _t("Ingen medarbejdere med sagsstamme {d}").format(d=_dk(day)),
                ha="center",
                va="center",
            )
            self.canvas.draw_idle()
            return
        note = ""
        if len(people) > MAX_BARS:
            note = _t(" – de {n} højeste af {total}").format(n=MAX_BARS, total=len(people))
            people = sorted(
                people, key=lambda p: -(float(p.per_fte) if per_fte_mode else p.citizens)
            )[:MAX_BARS]
        order = {role: i for i, role in enumerate(COUNTED_ROLES)}
        people.sort(key=lambda p: (order[p.record.role], p.record.initials.casefold()))
        # Per full-time: the whole caseload (HIR: with other cases), which the limit judges.
        values = [
            float(p.whole_per_fte if p.whole_per_fte is not None else p.per_fte)
            if per_fte_mode
            else float(p.citizens)
            for p in people
        ]
        # A gap of one bar between the roles, each group named over its bars.
        xs, x, previous = [], 0, None
        for p in people:
            if previous is not None and p.record.role is not previous:
                x += 1
            xs.append(x)
            previous = p.record.role
            x += 1
        for x, p, value in zip(xs, people, values):
            ax.bar(
                x,
                value,
                color=BAR_COLORS.get(p.status, "#0072B2"),
                hatch=BAR_HATCH.get(p.status),
                edgecolor="#1f1f1f" if p.status in BAR_HATCH else "none",
                linewidth=0.6,
            )
            self.bars.append((p.record.initials, value, p.status))
        if len(people) <= 16:
            for x, value in zip(xs, values):
                ax.text(x, value, number(value, 1), ha="center", va="bottom", fontsize=7)
        top = max([*values, 1.0])
        limit_handles = []
        groups = []
        for role in COUNTED_ROLES:
            span = [x for x, p in zip(xs, people) if p.record.role is role]
            if span:
                groups.append((role, span[0] - 0.45, span[-1] + 0.45))
        if per_fte_mode:
            for role, lo, hi in groups:
                limit = settings.limit(role)
                if limit is None:
                    continue
                ax.hlines(limit.high, lo, hi, colors="#D55E00", linestyles="--", linewidth=1.4)
                top = max(top, limit.high)
                if limit.low is not None:
                    ax.hlines(limit.low, lo, hi, colors="#8a5a00", linestyles=":", linewidth=1.4)
                limit_handles.append(
                    Line2D(
                        [],
                        [],
                        color="#D55E00",
                        linestyle="--",
                        linewidth=1.4,
                        label=_t("grænse {role} {v}").format(
                            role=ROLE_PLURAL[role].lower(), v=limit.label()
                        ),
                    )
                )
            if settings.ips:
                for low, high, label in ((0, 20, "5"), (20, 25, "4"), (25, 30, "3"), (30, 40, "2")):
                    ax.axhspan(
                        low,
                        high,
                        color="#000000",
                        alpha=0.03 + 0.025 * (5 - int(label)),
                        linewidth=0,
                    )
                    ax.text(
                        xs[-1] + 0.7,
                        (low + high) / 2,
                        "IPS " + label,
                        fontsize=6,
                        color="#444444",
                        va="center",
                        ha="left",
                    )
                top = max(top, 42)
        ax.set_ylim(0, top * 1.15)
        if len(groups) > 1:
            for role, lo, hi in groups:
                ax.text(
                    (lo + hi) / 2,
                    top * 1.13,
                    ROLE_PLURAL[role],
                    ha="center",
                    va="top",
                    fontsize=7,
                    color="#333333",
                )
        ax.set_xticks(
            xs,
            [p.record.initials for p in people],
            rotation=90 if len(people) > 14 else 0,
            fontsize=8 if len(people) <= 30 else 6,
        )
        ax.set_xlim(-0.8, xs[-1] + (2.2 if per_fte_mode and settings.ips else 0.8))
        ax.set_ylabel(_t("Borgere pr. fuldtid") if per_fte_mode else _t("Borgere"))
        ax.set_title(_t("Sagsstammer {d}").format(d=_dk(day)) + note, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        handles = [Patch(facecolor=BAR_COLORS[Status.OK], label=_t("under grænsen"))]
        if any(p.status is Status.IN_RANGE for p in people):
            handles.append(
                Patch(
                    facecolor=BAR_COLORS[Status.IN_RANGE],
                    hatch="//",
                    edgecolor="#1f1f1f",
                    label=_t("inden for intervallet"),
                )
            )
        if any(p.status is Status.OVER for p in people):
            handles.append(
                Patch(
                    facecolor=BAR_COLORS[Status.OVER],
                    hatch="xx",
                    edgecolor="#1f1f1f",
                    label=_t("over grænsen"),
                )
            )
        ax.legend(
            handles=handles + limit_handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14 if len(people) > 14 else -0.08),
            ncols=2,
            fontsize=7,
            frameon=False,
        )
        self.canvas.draw_idle()


# --- dialogs -------------------------------------------------------------------------------------------
def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _attempt(label: QLabel, write):
    """Run a write; a known error (a rule, a locked file) is shown in ``label`` and None returned."""
    try:
        return write()
    except KnownError as error:
        label.setText(translate_error(error))
        label.show()
        return None


class StaffDialog(QDialog):
    """Add or change a person in the register; the rules' messages stand next to the fields."""

    def __init__(
        self,
        project: Project,
        record: StaffRecord | None,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.today = today
        self.record = record
        self.saved: StaffRecord | None = None
        self.setWindowTitle(_t("Ny medarbejder") if record is None else _t("Redigér medarbejder"))
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.initials = QLineEdit(self)
        self.initials.setMaxLength(8)
        self.role = QComboBox(self)
        for role in StaffRole:
            self.role.addItem(
                QCoreApplication.translate("StaffModel", ROLE_LABELS[role]), role.value
            )
        self.hours = QDoubleSpinBox(self)
        self.hours.setRange(0, 48)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setSuffix(_t(" timer"))
        self.from_box = QCheckBox(_t("fra"), self)
        self.from_date = _date_edit(self, today)
        self.to_box = QCheckBox(_t("til"), self)
        self.to_date = _date_edit(self, today)
        self.errors = {
            key: _error_label(self) for key in ("name", "initials", "role", "hours", "active_to")
        }
        active = QGridLayout()
        active.addWidget(self.from_box, 0, 0)
        active.addWidget(self.from_date, 0, 1)
        active.addWidget(self.to_box, 1, 0)
        active.addWidget(self.to_date, 1, 1)
        active.setColumnStretch(2, 1)
        for label, widget, key in (
            (_t("Navn"), self.name, "name"),
            (_t("Initialer"), self.initials, "initials"),
            (_t("Rolle"), self.role, "role"),
            (_t("Timer pr. uge"), self.hours, "hours"),
            (_t("Aktiv i projektet"), active, "active_to"),
        ):
            form.addRow(label, widget)
            form.addRow("", self.errors[key])
        hint = QLabel(
            _t(
                "Pseudo-sagsbehandlere (fx »Barsel/fængsel« og »Sag overdraget til pensionsnævnet«) har 0 timer; "
                "deres borgere tæller ikke med i nogens sagsstamme. Sagsbehandlere med mødelederfunktion "
                "registreres med det nedsatte timetal."
            ),
            self,
        )
        hint.setObjectName("dialogHint")
        hint.setWordWrap(True)
        self.general_error = _error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_t("Gem"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.from_box.toggled.connect(self.from_date.setEnabled)
        self.to_box.toggled.connect(self.to_date.setEnabled)
        if record is not None:
            self.name.setText(record.name)
            self.initials.setText(record.initials)
            self.role.setCurrentIndex(self.role.findData(record.role.value))
            self.hours.setValue(record.hours)
            if record.active_from:
                self.from_box.setChecked(True)
                self.from_date.setDate(_qdate(record.active_from))
            if record.active_to:
                self.to_box.setChecked(True)
                self.to_date.setDate(_qdate(record.active_to))
        else:
            self.role.setCurrentIndex(self.role.findData(StaffRole.CASEWORKER.value))
            self.hours.setValue(37)
        self.from_date.setEnabled(self.from_box.isChecked())
        self.to_date.setEnabled(self.to_box.isChecked())
        self._role_changed()
        self.setMinimumWidth(520)

    def _role_changed(self) -> None:
        pseudo = self.role.currentData() == StaffRole.PSEUDO.value
        if pseudo:
            self.hours.setValue(0)
        self.hours.setEnabled(not pseudo)

    def current(self) -> StaffRecord:
        staff_id = self.record.id if self.record is not None else None
        staff = Staff(
            self.initials.text(),
            self.name.text(),
            StaffRole(self.role.currentData()),
            self.hours.value(),
        )
        if staff_id is not None:
            staff.id = staff_id
        return StaffRecord(
            staff,
            _pydate(self.from_date.date()) if self.from_box.isChecked() else None,
            _pydate(self.to_date.date()) if self.to_box.isChecked() else None,
        )

    def save(self) -> None:
        register = StaffRegister(self.project)
        record = self.current()
        problems = register.problems(record, self.today)
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        self.general_error.hide()
        if problems:
            return
        self.saved = _attempt(self.general_error, lambda: register.save(record, self.today))
        if self.saved is not None:
            self.accept()


class LimitsDialog(QDialog):
    """The caseload limits per role (per full-time equivalent), stored in the project."""

    def __init__(
        self, project: Project, settings: CaseloadSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.settings = settings
        self.setWindowTitle(_t("Grænser for sagsstammer"))
        grid = QGridLayout()
        grid.addWidget(QLabel(_t("Borgere pr. fuldtid (37 timer)"), self), 0, 0, 1, 5)
        self.rows: dict[StaffRole, tuple[QCheckBox, QDoubleSpinBox, QCheckBox, QDoubleSpinBox]] = {}
        for r, role in enumerate(COUNTED_ROLES, start=1):
            on = QCheckBox(ROLE_PLURAL[role], self)
            high = QDoubleSpinBox(self)
            high.setRange(1, 1000)
            high.setDecimals(1)
            low_on = QCheckBox(_t("nedre grænse"), self)
            low = QDoubleSpinBox(self)
            low.setRange(1, 1000)
            low.setDecimals(1)
            grid.addWidget(on, r, 0)
            grid.addWidget(QLabel(_t("højst"), self), r, 1)
            grid.addWidget(high, r, 2)
            grid.addWidget(low_on, r, 3)
            grid.addWidget(low, r, 4)
            self.rows[role] = (on, high, low_on, low)
            on.toggled.connect(lambda checked, role=role: self._enable(role))
            low_on.toggled.connect(lambda checked, role=role: self._enable(role))
        self._show(settings)
        hint = QLabel(
            _t(
                "HIR: højst 30–35 sager pr. koordinerende sagsbehandler (STAR's spørgsmål og svar til puljen). "
                "Jobformidlere: Hedensted planlægger ca. 40 sager hver (ansøgningen til Flere skal med 2). "
                "Over den øvre grænse er over grænsen; mellem de to er inden for intervallet."
            ),
            self,
        )
        hint.setObjectName("dialogHint")
        hint.setWordWrap(True)
        self.error = _error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_t("Gem"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.defaults_button = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setText(_t("Indsatsens standard"))
        self.defaults_button.clicked.connect(lambda: self._show(default_settings(project.template)))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _show(self, settings: CaseloadSettings) -> None:
        for role, (on, high, low_on, low) in self.rows.items():
            limit = settings.limit(role)
            on.setChecked(limit is not None)
            high.setValue(limit.high if limit else 35)
            low_on.setChecked(bool(limit and limit.low is not None))
            low.setValue(limit.low if limit and limit.low is not None else 30)
            self._enable(role)

    def _enable(self, role: StaffRole) -> None:
        on, high, low_on, low = self.rows[role]
        high.setEnabled(on.isChecked())
        low_on.setEnabled(on.isChecked())
        low.setEnabled(on.isChecked() and low_on.isChecked())

    def chosen(self) -> CaseloadSettings:
        limits: dict[StaffRole, Limit | None] = {}
        for role, (on, high, low_on, low) in self.rows.items():
            limits[role] = (
                Limit(high.value(), low.value() if low_on.isChecked() else None)
                if on.isChecked()
                else None
            )
        return CaseloadSettings(limits, self.settings.ips)

    def save(self) -> None:
        chosen = self.chosen()
        for limit in chosen.limits.values():
            problem = limit and limit_problem(limit.high, limit.low)
            if problem:
                self.error.setText(_t(problem))
                self.error.show()
                return
        if _attempt(self.error, lambda: StaffRegister(self.project).save_settings(chosen) or True):
            self.settings = chosen
            self.accept()


class _PlanDialog(QDialog):
    """What a reassignment and a spread share: the day, the loads on it, the preview, applying."""

    def __init__(self, page: StaffPage, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page)
        self.page = page
        self.project = page.project
        self.record = record
        self.role = CASELOAD_ROLE[record.role]
        self.settings = page.data.report.settings
        self.staff = {r.id: r for r in page.data.report.staff}
        self.rows = page.data.rows
        self.plan: ReassignmentPlan | None = None
        self.applied = None
        self._loads: dict[dt.date, dict[str, int]] = {}
        self._cases: dict[dt.date, list[OpenCase]] = {}
        self.date_edit = _date_edit(self, day)
        self.preview = QTableWidget(0, 4, self)
        self.preview.setHorizontalHeaderLabels(
            [_t("Medarbejder"), _t("Borgere"), _t("Pr. fuldtid"), _t("Status efter")]
        )
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.preview.horizontalHeader().setStretchLastSection(True)
        self.preview.setAccessibleName(_t("Forhåndsvisning"))
        self.skipped = QLabel(self)
        self.skipped.setWordWrap(True)
        self.skipped.setObjectName("dialogHint")
        self.error = _error_label(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_t("Annullér"))
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.date_edit.dateChanged.connect(lambda _: self.refresh())

    @property
    def day(self) -> dt.date:
        return _pydate(self.date_edit.date())

    def loads(self, day: dt.date) -> dict[str, int]:
        """Citizens per person on the day (from the rows the page read; cached per day)."""
        if day not in self._loads:
            history = count_caseloads(self.rows, self.staff, [day])
            self._loads[day] = {sid: counts[0] for sid, counts in history.citizens.items()}
        return self._loads[day]

    def cases(self, day: dt.date) -> list[OpenCase]:
        if day not in self._cases:
            self._cases[day] = CaseloadRepository(self.project).open_cases(
                self.record.id, self.role, day
            )
        return self._cases[day]

    def who(self, sid: str) -> str:
        return self.staff[sid].initials

    def load_words(self, sid: str, citizens: int) -> tuple[str, str]:
        """(per full-time equivalent, status) of a person with ``citizens``."""
        record = self.staff[sid]
        if not record.counted:
            return "–", _t("tæller ikke med")
        load = per_fte(citizens, record.hours)
        limit = self.settings.limit(record.role)
        status = judge(load, limit)
        words = status_words(status, limit)
        return load_text(load), ("▲ " + words if status is Status.OVER else words)

    def show_preview(self, plan: ReassignmentPlan | None) -> None:
        self.plan = plan
        self.preview.setRowCount(0)
        self.error.hide()
        if plan is None:
            self.apply_button.setEnabled(False)
            return
        before = self.loads(plan.day)
        after = plan.after(before)
        people = sorted(
            plan.change(),
            key=lambda sid: (sid != self.record.id, self.staff[sid].initials.casefold()),
        )
        self.preview.setRowCount(len(people))
        for r, sid in enumerate(people):
            old_load, _ = self.load_words(sid, before.get(sid, 0))
            new_load, status = self.load_words(sid, after.get(sid, 0))
            cells = [
                self.who(sid),
                f"{number(before.get(sid, 0))} → {number(after.get(sid, 0))}",
                f"{old_load} → {new_load}",
                status,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(self.staff[sid].name)
                if status.startswith("▲") and c >= 2:
                    item.setBackground(OVER_BACKGROUND)
                self.preview.setItem(r, c, item)
        if plan.skipped:
            lines = [
                _t("1 borger flyttes ikke:")
                if len(plan.skipped) == 1
                else _t("{n} borgere flyttes ikke:").format(n=len(plan.skipped))
            ]
            lines += [f"• {case.name}: {_t(reason)}" for case, reason in plan.skipped[:6]]
            if len(plan.skipped) > 6:
                lines.append(_t("… og {n} flere").format(n=len(plan.skipped) - 6))
            self.skipped.setText("\n".join(lines))
        else:
            self.skipped.setText("")
        self.skipped.setVisible(bool(plan.skipped))
        self.apply_button.setEnabled(bool(plan.moves))

    def note(self) -> str:
        return ""

    def apply(self) -> None:
        if self.plan is None or not self.plan.moves:
            return
        self.applied = _attempt(
            self.error, lambda: CaseloadRepository(self.project).apply(self.plan, self.note())
        )
        if self.applied is not None:
            self.accept()


class ReassignDialog(_PlanDialog):
    """Move chosen citizens of one person to another from a day (seeds/003 registration §3)."""

    def __init__(self, page: StaffPage, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page, record, day)
        self.setWindowTitle(_t("Omfordel borgere fra {who}").format(who=record.initials))
        self.citizens = QListWidget(self)
        self.citizens.setAccessibleName(_t("Borgere"))
        self.receiver = QComboBox(self)
        self.receiver.setAccessibleName(_t("Modtager"))
        self.receiver.setMinimumWidth(320)
        all_button = QPushButton(_t("Vælg alle"), self)
        none_button = QPushButton(_t("Fravælg alle"), self)
        all_button.clicked.connect(lambda: self._check_all(True))
        none_button.clicked.connect(lambda: self._check_all(False))
        self.count_label = QLabel(self)
        form = QFormLayout()
        form.addRow(_t("Skift pr."), self.date_edit)
        form.addRow(_t("Til"), self.receiver)
        picks = QHBoxLayout()
        picks.addWidget(all_button)
        picks.addWidget(none_button)
        picks.addStretch(1)
        picks.addWidget(self.count_label)
        heading = QLabel(
            _t(
                "{who}s borgere pr. dagen – den nuværende tilknytning slutter dagen før, og en ny begynder på dagen:"
            ).format(who=f"{record.initials} ({record.name})"),
            self,
        )
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(heading)
        layout.addWidget(self.citizens, 2)
        layout.addLayout(picks)
        layout.addWidget(QLabel(_t("Forhåndsvisning"), self))
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.skipped)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.citizens.itemChanged.connect(lambda _: self.refresh_plan())
        self.receiver.currentIndexChanged.connect(lambda _: self.refresh_plan())
        self.resize(720, 640)
        self.refresh()

    def _check_all(self, on: bool) -> None:
        self.citizens.blockSignals(True)
        for i in range(self.citizens.count()):
            self.citizens.item(i).setCheckState(
                Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
            )
        self.citizens.blockSignals(False)
        self.refresh_plan()

    def checked(self) -> set[str]:
        return {
            self.citizens.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.citizens.count())
            if self.citizens.item(i).checkState() == Qt.CheckState.Checked
        }

    def refresh(self) -> None:
        """A new day: the person's citizens and the receivers on it."""
        day = self.day
        keep = self.checked()
        self.citizens.blockSignals(True)
        self.citizens.clear()
        for case in self.cases(day):
            text = "{name}  (fra {d})".format(name=case.name, d=_dk(case.start))
            item = QListWidgetItem(text, self.citizens)
            item.setData(Qt.ItemDataRole.UserRole, case.citizen_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if case.citizen_id in keep else Qt.CheckState.Unchecked
            )
        self.citizens.blockSignals(False)
        chosen = self.receiver.currentData()
        loads = self.loads(day)
        self.receiver.blockSignals(True)
        self.receiver.clear()
        for record in sorted(
            self.staff.values(), key=lambda s: (s.role is StaffRole.PSEUDO, s.initials.casefold())
        ):
            if (
                record.id == self.record.id
                or record.role not in HOLDERS[self.role]
                or not record.active_on(day)
            ):
                continue
            load, _ = self.load_words(record.id, loads.get(record.id, 0))
            extra = (
                _t("{citizens} · {load} pr. fuldtid").format(
                    citizens=citizens_text(loads.get(record.id, 0)), load=load
                )
                if record.counted
                else _t("parkering")
            )
            self.receiver.addItem(f"{record.initials} – {record.name} ({extra})", record.id)
        if chosen is not None and self.receiver.findData(chosen) >= 0:
            self.receiver.setCurrentIndex(self.receiver.findData(chosen))
        self.receiver.blockSignals(False)
        if not self.cases(day):
            self.count_label.setText(_t("Ingen borgere pr. {d}").format(d=_dk(day)))
        self.refresh_plan()

    def refresh_plan(self) -> None:
        chosen = self.checked()
        self.count_label.setText(
            _t("{n} af {total} valgt").format(n=len(chosen), total=self.citizens.count())
            if self.citizens.count()
            else _t("Ingen borgere pr. {d}").format(d=_dk(self.day))
        )
        receiver = self.receiver.currentData()
        if receiver is None or not chosen:
            self.show_preview(None)
            self.apply_button.setText(_t("Flyt"))
            return
        plan = plan_reassignment(
            [c for c in self.cases(self.day) if c.citizen_id in chosen],
            receiver,
            self.day,
            self.role,
        )
        self.show_preview(plan)
        self.apply_button.setText(
            _t("Flyt 1 borger")
            if len(plan.moves) == 1
            else _t("Flyt {n} borgere").format(n=len(plan.moves))
        )

    def note(self) -> str:
        return _t("Omfordelt fra {who}").format(who=self.record.initials)


class SpreadDialog(_PlanDialog):
    """Spread a leaving employee's whole caseload evenly over the active colleagues of the role."""

    def __init__(self, page: StaffPage, record: StaffRecord, day: dt.date) -> None:
        super().__init__(page, record, day)
        self.setWindowTitle(_t("Fordel sagsstammen fra {who}").format(who=record.initials))
        self.receivers = QListWidget(self)
        self.receivers.setAccessibleName(_t("Modtagere"))
        self.receivers.setMaximumHeight(150)
        self.moves = QTableWidget(0, 2, self)
        self.moves.setHorizontalHeaderLabels([_t("Borger"), _t("Til")])
        self.moves.verticalHeader().setVisible(False)
        self.moves.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.moves.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        form = QFormLayout()
        form.addRow(_t("Fordel pr."), self.date_edit)
        intro = QLabel(
            _t(
                "Borgerne fordeles jævnt på de valgte kolleger med samme rolle: én ad gangen, i navneorden, til den, "
                "der efter at have fået borgeren har færrest borgere pr. fuldtid."
            ),
            self,
        )
        intro.setWordWrap(True)
        intro.setObjectName("dialogHint")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(_t("Modtagere"), self))
        layout.addWidget(self.receivers)
        split = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(_t("Forhåndsvisning"), self))
        left.addWidget(self.preview)
        right = QVBoxLayout()
        right.addWidget(QLabel(_t("Borgerne"), self))
        right.addWidget(self.moves)
        split.addLayout(left, 2)
        split.addLayout(right, 1)
        layout.addLayout(split, 1)
        layout.addWidget(self.skipped)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.receivers.itemChanged.connect(lambda _: self.refresh_plan())
        self.resize(860, 640)
        self.refresh()

    def refresh(self) -> None:
        day = self.day
        unticked = {
            self.receivers.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.receivers.count())
            if self.receivers.item(i).checkState() != Qt.CheckState.Checked
        }
        loads = self.loads(day)
        self.receivers.blockSignals(True)
        self.receivers.clear()
        for record in spread_receivers(self.staff.values(), self.record, day):
            load, _ = self.load_words(record.id, loads.get(record.id, 0))
            item = QListWidgetItem(
                f"{record.initials} – {record.name} ({number(loads.get(record.id, 0))} borgere · {load} pr. fuldtid)",
                self.receivers,
            )
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Unchecked if record.id in unticked else Qt.CheckState.Checked
            )
        self.receivers.blockSignals(False)
        self.refresh_plan()

    def refresh_plan(self) -> None:
        chosen = [
            self.staff[self.receivers.item(i).data(Qt.ItemDataRole.UserRole)]
            for i in range(self.receivers.count())
            if self.receivers.item(i).checkState() == Qt.CheckState.Checked
        ]
        cases = self.cases(self.day)
        self.moves.setRowCount(0)
        if not cases:
            self.show_preview(None)
            self.skipped.setText(
                _t("{who} har ingen borgere pr. {d}.").format(
                    who=self.record.initials, d=_dk(self.day)
                )
            )
            self.skipped.show()
            self.apply_button.setText(_t("Fordel"))
            return
        try:
            plan = plan_spread(cases, chosen, self.loads(self.day), self.day, self.role)
        except KnownError as error:
            self.show_preview(None)
            self.error.setText(translate_error(error))
            self.error.show()
            self.apply_button.setText(_t("Fordel"))
            return
        self.show_preview(plan)
        self.moves.setRowCount(len(plan.moves))
        for r, move in enumerate(plan.moves):
            self.moves.setItem(r, 0, QTableWidgetItem(move.case.name))
            self.moves.setItem(r, 1, QTableWidgetItem(self.staff[move.to_staff_id].initials))
        self.apply_button.setText(
            _t("Fordel 1 borger")
            if len(plan.moves) == 1
            else _t("Fordel {n} borgere").format(n=len(plan.moves))
        )

    def note(self) -> str:
        return _t("Sagsstammen fra {who} fordelt").format(who=self.record.initials)


# --- the page --------------------------------------------------------------------------------------------
class StaffPage(Page):
    key = "medarbejdere"
    #: emitted when the page shows fresh data (tests and screenshots wait for it)
    data_ready = Signal()
    #: the page wrote to the project (a reassignment, an undo, the register): every page reloads
    data_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Medarbejdere"),
            self.tr(
                "Registret over medarbejdere og deres sagsstammer: borgere pr. medarbejder og pr. fuldtid (37 timer) "
                "mod indsatsens grænser, i dag og måned for måned. Pseudo-sagsbehandlere og deres borgere tæller ikke med."
            ),
            parent,
        )
        self.data: StaffData | None = None
        self.today = dt.date.today()
        self._generation = 0
        self._chart_dirty = False

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Opgjort pr."), self))
        self.month_box = QComboBox(self)
        self.month_box.setAccessibleName(self.tr("Måned"))
        self.month_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_box.setMinimumWidth(150)
        top.addWidget(self.month_box)
        top.addSpacing(12)
        self.fte_radio = QRadioButton(self.tr("pr. fuldtid"), self)
        self.count_radio = QRadioButton(self.tr("antal borgere"), self)
        self.fte_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.fte_radio)
        group.addButton(self.count_radio)
        top.addWidget(QLabel(self.tr("Vis:"), self))
        top.addWidget(self.fte_radio)
        top.addWidget(self.count_radio)
        self.ips_box = QCheckBox(self.tr("IPS-bånd"), self)
        self.ips_box.setToolTip(
            self.tr(
                "IPS' troskabsskala for sagsstammer pr. fuldtids-specialist: ≤ 20, 21–25, 26–30, 31–40, ≥ 41"
            )
        )
        top.addSpacing(12)
        top.addWidget(self.ips_box)
        top.addStretch(1)
        self.new_button = QPushButton(self.tr("Ny medarbejder …"), self)
        self.edit_button = QPushButton(self.tr("Redigér …"), self)
        self.limits_button = QPushButton(self.tr("Grænser …"), self)
        for button in (self.new_button, self.edit_button, self.limits_button):
            top.addWidget(button)
        self.writes(self.ips_box, self.new_button, self.edit_button, self.limits_button)
        self.team_only("Medarbejderlisten", self.new_button, self.edit_button)
        self.team_only("Sagsstammens grænser", self.ips_box, self.limits_button)
        self.body.addLayout(top)

        self.summary = QLabel(self)
        self.summary.setObjectName("factLine")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.summary)
        self.warning_box = QLabel(self)
        self.warning_box.setStyleSheet(WARNING_STYLE)
        self.warning_box.setWordWrap(True)
        self.warning_box.setTextFormat(Qt.TextFormat.PlainText)
        self.warning_box.hide()
        self.body.addWidget(self.warning_box)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.body.addWidget(self.notice)

        self.empty_label = QLabel(
            self.tr(
                "Projektet har endnu ingen medarbejdere. Opret dem med »Ny medarbejder …«, "
                "eller importér dem på siden Import."
            ),
            self,
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.body.addWidget(self.empty_label)

        self.tabs = QTabWidget(self)
        overview = QWidget(self.tabs)
        overview_layout = QVBoxLayout(overview)
        overview_layout.setContentsMargins(0, 6, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, overview)
        self.model = StaffTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(StaffTableModel.SORT_ROLE)
        self.view = QTableView(self.splitter)
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(self.tr("Medarbejdere og sagsstammer"))
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Only "Andre sager" (HIR) can be edited in place: double-click or F2.
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.model.other_cases_entered.connect(self.save_other_cases)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.view.setColumnHidden(StaffTableModel.BAND, True)
        self.view.setColumnHidden(StaffTableModel.OTHER, True)
        # "Andre sager" (HIR) beside "Borgere nu", though it is the model's last column.
        header.moveSection(
            header.visualIndex(StaffTableModel.OTHER),
            header.visualIndex(StaffTableModel.CITIZENS) + 1,
        )
        self.chart = CaseloadChart(self.splitter)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.chart)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        overview_layout.addWidget(self.splitter)
        self.tabs.addTab(overview, self.tr("Sagsstammer"))

        history = QWidget(self.tabs)
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 6, 0, 0)
        self.history_model = HistoryModel(self)
        self.history_view = QTableView(history)
        self.history_view.setModel(self.history_model)
        self.history_view.setAccessibleName(self.tr("Sagsstammer måned for måned"))
        self.history_view.verticalHeader().setVisible(False)
        self.history_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.history_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history_view.setAlternatingRowColors(True)
        self.history_view.setWordWrap(False)
        self.history_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        history_layout.addWidget(self.history_view, 1)
        legend = QLabel(
            self.tr(
                "▲ og rød baggrund: over grænsen · gul baggrund: inden for intervallet (fx HIR's 30–35). "
                "Hver måned er opgjort på månedens sidste dag, indeværende måned i dag."
            ),
            history,
        )
        legend.setObjectName("dialogHint")
        legend.setWordWrap(True)
        history_layout.addWidget(legend)
        self.tabs.addTab(history, self.tr("Måned for måned"))
        self.body.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.reassign_button = QPushButton(self.tr("Omfordel …"), self)
        self.reassign_button.setToolTip(
            self.tr("Flyt valgte borgere fra den valgte medarbejder til en anden pr. en dato")
        )
        self.spread_button = QPushButton(self.tr("Fordel sagsstamme …"), self)
        self.spread_button.setToolTip(
            self.tr(
                "Fordel en fratrædende medarbejders borgere jævnt på kollegerne med samme rolle"
            )
        )
        self.undo_button = QPushButton(self.tr("Fortryd seneste omfordeling"), self)
        for button in (self.reassign_button, self.spread_button, self.undo_button):
            bottom.addWidget(button)
        self.writes(self.reassign_button, self.spread_button, self.undo_button)
        self.team_only(
            "Omfordeling af borgere", self.reassign_button, self.spread_button, self.undo_button
        )
        bottom.addStretch(1)
        self.body.addLayout(bottom)

        self.month_box.currentIndexChanged.connect(lambda _: self.show_month())
        self.fte_radio.toggled.connect(lambda _: self._mode_changed())
        self.ips_box.toggled.connect(self._ips_toggled)
        self.new_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_staff)
        self.limits_button.clicked.connect(self.edit_limits)
        self.reassign_button.clicked.connect(self.reassign)
        self.spread_button.clicked.connect(self.spread)
        self.undo_button.clicked.connect(self.undo_latest)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.tabs.currentChanged.connect(lambda _: self._draw_chart_if_visible())
        self._update_buttons()

    # --- loading -------------------------------------------------------------------------------------
    def load(self, project: Project) -> None:
        initiative = project.initiative
        self.today = min(dt.date.today(), initiative.end)
        self._generation += 1
        generation, connect, today, first = (
            self._generation,
            project.connector(),
            self.today,
            initiative.start,
        )

        def work() -> StaffData:
            with connect() as own:
                register = StaffRegister(own)
                repository = CaseloadRepository(own)
                rows = repository.rows()
                report = caseload_report(
                    register.records(),
                    rows,
                    register.settings(),
                    month_days(first, today),
                    register.other_cases(),
                )
                return StaffData(report, rows, repository.latest(), today)

        run_in_background(
            work, lambda data: self._data_loaded(data, generation), self._failed, self
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.tell(translate_error(exc), error=True)
            return
        raise exc

    def _data_loaded(self, data: StaffData, generation: int) -> None:
        if generation != self._generation:
            return
        keep = self.month_box.currentData()
        was_latest = self.month_box.currentIndex() in (-1, self.month_box.count() - 1)
        self.data = data
        report = data.report
        self.month_box.blockSignals(True)
        self.month_box.clear()
        for k, (label, day) in enumerate(zip(report.labels, report.history.days)):
            text = _month_name(label)
            if day == dt.date.today():
                text = self.tr("{month} (i dag)").format(month=text)
            self.month_box.addItem(text, k)
        latest = self.month_box.count() - 1
        self.month_box.setCurrentIndex(
            latest if was_latest or keep is None or keep > latest else keep
        )
        self.month_box.blockSignals(False)
        self.ips_box.blockSignals(True)
        self.ips_box.setChecked(report.settings.ips)
        self.ips_box.blockSignals(False)
        self.view.setColumnHidden(StaffTableModel.BAND, not report.settings.ips)
        hir = self.project is not None and self.project.template.counts_caseload
        self.view.setColumnHidden(StaffTableModel.OTHER, not hir)
        self.model.other_editable = hir and not self.read_only and not self.laptop_copy
        self.history_model.set_report(report)
        self.history_model.set_per_fte(self.fte_radio.isChecked())
        self._fit_history()
        has_staff = bool(report.staff)
        self.empty_label.setVisible(not has_staff)
        self.tabs.setVisible(has_staff)
        latest_record = data.latest
        if latest_record is not None:
            self.undo_button.setText(
                self.tr("Fortryd seneste omfordeling ({citizens} pr. {d})").format(
                    citizens=citizens_text(latest_record.citizens), d=_dk(latest_record.day)
                )
            )
        else:
            self.undo_button.setText(self.tr("Fortryd seneste omfordeling"))
        self.show_month()
        self.data_ready.emit()

    def _fit_history(self) -> None:
        fit_columns(self.history_view, self.history_model, {HistoryModel.NAME: 160})

    # --- the chosen month ----------------------------------------------------------------------------
    @property
    def k(self) -> int:
        value = self.month_box.currentData()
        return value if value is not None else 0

    def show_month(self) -> None:
        if self.data is None:
            return
        report = self.data.report
        k = self.k
        if not report.history.days:
            return
        day = report.history.days[k]
        selected = self.selected_record()
        self.model.set_loads(loads_for(report, k), today=k == len(report.history.days) - 1)
        self._fit_table()
        row = self.model.row_of(selected.id) if selected is not None else -1
        if self.model.rowCount():
            self.view.selectRow(self.proxy.mapFromSource(self.model.index(max(row, 0), 0)).row())
        parts = []
        for team in report.teams(k):
            limit = (
                self.tr(" (grænse {limit})").format(limit=team.limit.label()) if team.limit else ""
            )
            mark = "▲ " if team.status is Status.OVER else ""
            parts.append(
                self.tr(
                    "{mark}{role}: {citizens} på {fte} fuldtid = {load} pr. fuldtid{limit}"
                ).format(
                    mark=mark,
                    role=ROLE_PLURAL[team.role],
                    citizens=citizens_text(team.citizens),
                    fte=number(team.hours / 37, 2),
                    load=load_text(team.per_fte),
                    limit=limit,
                )
            )
        people = [p for p in report.people(k) if shown(p)]
        over = [p.record.initials for p in people if p.status is Status.OVER]
        if over:
            parts.append(self.tr("Over grænsen: {who}").format(who=", ".join(over)))
        elif people:
            parts.append(self.tr("Ingen over grænsen"))
        when = self.tr("Pr. {d}").format(d=_dk(day))
        self.summary.setText(when + " · " + "   ·   ".join(parts) if parts else when)
        found = report.warnings(k)
        shown_lines = found[:3]
        if len(found) > 3:
            shown_lines.append(
                self.tr(
                    "… og {n} advarsler mere (se tabellen; hold musen over feltet for alle)"
                ).format(n=len(found) - 3)
            )
        self.warning_box.setText("\n".join("⚠ " + line for line in shown_lines))
        self.warning_box.setToolTip("\n".join(found))
        self.warning_box.setVisible(bool(found))
        self._chart_dirty = True
        self._draw_chart_if_visible()
        self._update_buttons()

    def _fit_table(self) -> None:
        """Columns as wide as their texts (the header's sort-indicator room left out, so that the
        register and the chart fit beside each other at 1366 pixels)."""
        fit_columns(
            self.view,
            self.model,
            {StaffTableModel.NAME: 150, StaffTableModel.ROLE: 120, StaffTableModel.ACTIVE: 190},
        )
        # With "Andre" (HIR) the register may not fit in its two thirds (1366 pixels): names and
        # roles elide sooner, so that Status stays in sight.
        if (
            not self.view.isColumnHidden(StaffTableModel.OTHER)
            and self._needed_width() > self.splitter.width() * 2 // 3
        ):
            fit_columns(
                self.view,
                self.model,
                {StaffTableModel.NAME: 112, StaffTableModel.ROLE: 105, StaffTableModel.ACTIVE: 190},
            )
        self._balance()

    def _needed_width(self) -> int:
        return (
            self.view.horizontalHeader().length()
            + self.view.verticalScrollBar().sizeHint().width()
            + 2 * self.view.frameWidth()
            + 2
        )

    def _balance(self) -> None:
        """The register as wide as its columns when there is room, the chart the rest (at
        least a third)."""
        total = self.splitter.width()
        if total <= 0:
            return
        table = min(self._needed_width(), total * 2 // 3)
        self.splitter.setSizes([table, total - table - self.splitter.handleWidth()])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.view.isColumnHidden(StaffTableModel.OTHER):
            self._balance()
        else:
            self._fit_table()  # the names' room depends on the width

    def _draw_chart_if_visible(self) -> None:
        if (
            not self._chart_dirty
            or self.data is None
            or not self.chart.isVisibleTo(self)
            or not self.isVisible()
        ):
            return
        self._chart_dirty = False
        report = self.data.report
        k = self.k
        self.chart.plot(
            loads_for(report, k),
            report.settings,
            self.fte_radio.isChecked(),
            report.history.days[k],
        )

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._draw_chart_if_visible()

    def _mode_changed(self) -> None:
        self.history_model.set_per_fte(self.fte_radio.isChecked())
        self._fit_history()
        self._chart_dirty = True
        self._draw_chart_if_visible()

    def _ips_toggled(self, on: bool) -> None:
        if self.data is None or self.project is None:
            return
        settings = dataclasses.replace(self.data.report.settings, ips=on)
        try:
            StaffRegister(self.project).save_settings(settings)
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return
        self.data.report = dataclasses.replace(self.data.report, settings=settings)
        self.view.setColumnHidden(StaffTableModel.BAND, not on)
        self.show_month()

    # --- selection and buttons --------------------------------------------------------------------------
    def selected_record(self) -> StaffRecord | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            return None
        return self.proxy.data(rows[0], StaffTableModel.RECORD_ROLE)

    def select_staff(self, staff_id: str) -> bool:
        row = self.model.row_of(staff_id)
        if row < 0:
            return False
        self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        return True

    def _update_buttons(self) -> None:
        record = self.selected_record()
        # Staff, limits and reassignments belong to the team copy (disabled on a laptop copy,
        # the reason in the tooltip: Page.team_only).
        ready = self.data is not None and self.project is not None and not self.laptop_copy
        self.new_button.setEnabled(self.project is not None and not self.laptop_copy)
        self.limits_button.setEnabled(ready)
        self.edit_button.setEnabled(ready and record is not None)
        holds = record is not None and record.role in CASELOAD_ROLE
        self.reassign_button.setEnabled(ready and holds)
        self.spread_button.setEnabled(ready and holds and record.role in COUNTED_ROLES)
        self.undo_button.setEnabled(ready and self.data.latest is not None)

    def apply_read_only(self) -> None:
        super().apply_read_only()
        if self.read_only:
            self.model.other_editable = False

    def _double_clicked(self, index) -> None:
        if (
            index.column() == StaffTableModel.OTHER
            and self.proxy.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return  # the cell is being edited
        self.edit_staff()

    def save_other_cases(self, staff_id: str, month: str, cases: int) -> bool:
        """HIR: a caseworker's cases outside the target group in the month shown."""
        if self.project is None or self.refuse_if_read_only():
            return False
        try:
            StaffRegister(self.project).set_other_cases(staff_id, month, cases)
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return False
        record = StaffRegister(self.project).get(staff_id)
        who = record.initials if record else ""
        self.tell(
            self.tr(
                "{who} har {cases} andre sager i {month}; grænsen gælder hele sagsstammen."
            ).format(who=who, cases=number(cases), month=_month_name(month))
        )
        self._changed()
        return True

    def tell(self, text: str, error: bool = False) -> None:
        self.notice.setStyleSheet(ERROR_STYLE if error else NOTICE_STYLE)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _changed(self) -> None:
        """The page wrote: every page shows fresh data (the main window reloads them all; alone,
        the page reloads itself)."""
        generation = self._generation
        self.data_changed.emit()
        if self._generation == generation:
            self.reload()

    # --- actions ---------------------------------------------------------------------------------------------
    def _run(self, dialog: QDialog) -> bool:
        """Show a dialog (tests replace this to drive it)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_staff(self) -> None:
        if self.project is None or self.refuse_if_team_only("Medarbejderlisten"):
            return
        dialog = StaffDialog(self.project, None, self.today, self)
        if self._run(dialog) and dialog.saved is not None:
            self.tell(
                self.tr("{who} er oprettet.").format(
                    who=f"{dialog.saved.initials} ({dialog.saved.name})"
                )
            )
            self._after_staff(dialog.saved.id)

    def edit_staff(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or record is None
            or self.refuse_if_read_only()
            or self.refuse_if_team_only("Medarbejderlisten")
        ):
            return
        dialog = StaffDialog(self.project, record, self.today, self)
        if self._run(dialog) and dialog.saved is not None:
            self.tell(
                self.tr("{who} er gemt.").format(
                    who=f"{dialog.saved.initials} ({dialog.saved.name})"
                )
            )
            self._after_staff(dialog.saved.id)

    def _after_staff(self, staff_id: str) -> None:
        self._changed()
        self.select_staff(staff_id)

    def edit_limits(self) -> None:
        if self.project is None or self.data is None:
            return
        dialog = LimitsDialog(self.project, self.data.report.settings, self)
        if self._run(dialog):
            self.tell(self.tr("Grænserne er gemt."))
            self.reload()

    def reassign(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or self.data is None
            or record is None
            or record.role not in CASELOAD_ROLE
        ):
            return
        dialog = ReassignDialog(self, record, self.today)
        if self._run(dialog) and dialog.applied is not None:
            done = dialog.applied
            self.tell(
                self.tr("{citizens} er flyttet fra {who} pr. {d}.").format(
                    citizens=citizens_text(done.citizens), who=record.initials, d=_dk(done.day)
                )
            )
            self._changed()
            self.select_staff(record.id)

    def spread_day(self, record: StaffRecord) -> dt.date:
        """The day a leaving employee's caseload is spread from: the day after »aktiv til«, or today."""
        if record.active_to is not None and record.active_to < self.today:
            return record.active_to + dt.timedelta(days=1)
        return self.today

    def spread(self) -> None:
        record = self.selected_record()
        if (
            self.project is None
            or self.data is None
            or record is None
            or record.role not in COUNTED_ROLES
        ):
            return
        dialog = SpreadDialog(self, record, self.spread_day(record))
        if self._run(dialog) and dialog.applied is not None:
            done = dialog.applied
            self.tell(
                self.tr("{who}s {citizens} er fordelt pr. {d}.").format(
                    who=record.initials, citizens=citizens_text(done.citizens), d=_dk(done.day)
                )
            )
            self._changed()
            self.select_staff(record.id)

    def undo_latest(self) -> None:
        if self.project is None:
            return
        try:
            undone = CaseloadRepository(self.project).undo_latest()
        except KnownError as error:
            self.tell(translate_error(error), error=True)
            return
        self.tell(
            self.tr("Omfordelingen pr. {d} ({citizens}) er fortrudt.").format(
                d=_dk(undone.day), citizens=citizens_text(undone.citizens)
            )
        )
        self._changed()


__all__ = [
    "CaseloadChart",
    "LimitsDialog",
    "ReassignDialog",
    "SpreadDialog",
    "StaffDialog",
    "StaffPage",
]
