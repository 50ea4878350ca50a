"""The Mål page's charts: a measure's share per period against its thresholds, and the board
over time.

matplotlib is imported on the first chart, never at start-up (conventions.md §14); the page
starts that import on a worker while the measures are counted (:func:`preload`). A chart is a
``FigureCanvasQTAgg`` that follows the widget: a resize draws the figure again at the new
size, and at the screen's device pixel ratio (matplotlib's Qt canvas scales the figure's dpi by
it), so text stays sharp on a high-DPI screen. Every chart saves as PNG or PDF ("Gem diagram…"
in its context menu; :meth:`ChartView.save` does the writing, without a dialog)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QMessageBox, QToolTip, QVBoxLayout, QWidget

from fsm_desktop.domain.danish import kroner, number, percent
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.measures import MeasureResult, PayoutForecast
from fsm_desktop.domain.model import BoardColumn

SHARE_COLOUR = "#2f6fca"
BEST_COLOUR = "#c25e00"
THRESHOLD_COLOURS = ("#b3261e", "#1b6e3a", "#8a3ffc")
WINDOW_COLOUR = "#f1e7c6"
SELECTED_COLOUR = "#4a5361"
#: The board's columns in the chart, colour-blind safe (Okabe–Ito); None = not placed.
BOARD_SERIES: tuple[tuple[BoardColumn | None, str, str], ...] = (
    (BoardColumn.I_GANG, QT_TRANSLATE_NOOP("MeasuresChart", "I gang"), "#009e73"),
    (BoardColumn.PAA_SPRING, QT_TRANSLATE_NOOP("MeasuresChart", "På spring"), "#0072b2"),
    (BoardColumn.PAA_VEJ, QT_TRANSLATE_NOOP("MeasuresChart", "På vej"), "#e69f00"),
    (BoardColumn.PAA_LAENGERE_SIGT, QT_TRANSLATE_NOOP("MeasuresChart", "På længere sigt"), "#cc79a7"),
    (None, QT_TRANSLATE_NOOP("MeasuresChart", "Ikke placeret"), "#7f7f7f"),
)
FONT = 9  # points: the figure's dpi follows the screen's pixel ratio
_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
SAVE_FORMATS = {".png": "png", ".pdf": "pdf"}


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresChart", text)


_lock = threading.Lock()


def preload() -> None:
    """Import what a chart needs (about 0.6–1 s the first time). Safe on a worker thread: the
    modules create no Qt objects when imported. The first chart then finds them loaded."""
    with _lock:
        import matplotlib.backends.backend_qtagg  # noqa: F401
        import matplotlib.figure  # noqa: F401


# --- what the charts say, without matplotlib ------------------------------------------------------


def period_label(result: MeasureResult) -> str:
    """"mar 2020"; a quarter "jan–mar 2020", across a new year "nov 20–jan 21"."""
    start, end = result.period_start, result.period_end
    if start == end:
        return f"{_MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{_MONTHS[start.month - 1]}–{_MONTHS[end.month - 1]} {end.year}"
    return f"{_MONTHS[start.month - 1]} {start.year % 100:02d}–{_MONTHS[end.month - 1]} {end.year % 100:02d}"


def in_payout_window(result: MeasureResult) -> bool:
    window = result.spec.payout_window
    return window is None or (result.period_start.first >= window[0] and result.period_end.last <= window[1])


def best_index(rows: Sequence[MeasureResult]) -> int | None:
    """The best period so far: the highest share (lowest, for a measure where lower is better)
    among the periods that count for the payout (all, when the measure has no payout window);
    the first of equals. None when no period has a share."""
    candidates = [(k, r.share) for k, r in enumerate(rows) if r.share is not None and in_payout_window(r)]
    if not candidates:
        return None
    sign = 1 if rows[0].spec.direction == "at_least" else -1
    return max(candidates, key=lambda c: (sign * c[1], -c[0]))[0]


def threshold_text(result_or_spec_kind: str, value: float) -> str:
    return number(value) if result_or_spec_kind == "caseload" else percent(value, trim=True)


def payout_text(p: PayoutForecast) -> str:
    """One payout rule in a line: met or how many citizens short, and the amount."""
    if p.met:
        text = _t("opfyldt {period}").format(period=period_label(p.best)) if p.best else _t("opfyldt")
        if p.amount is not None:
            text += " – " + _t("udløser {amount}").format(amount=kroner(p.amount))
        return text
    if p.best is None:
        text = _t("ingen periode endnu")
    elif p.needed == 1:
        text = _t("mangler 1 borger i {period}").format(period=period_label(p.best))
    else:
        text = _t("mangler {n} borgere i {period}").format(n=number(p.needed), period=period_label(p.best))
    if p.amount is not None:
        text += " – " + _t("{amount} i spil").format(amount=kroner(p.amount))
    return text


def spread(values: Sequence[float], gap: float) -> list[float]:
    """Positions for labels at ``values``, at least ``gap`` apart: labels that would collide
    form a group centred on their values."""
    order = sorted(range(len(values)), key=values.__getitem__)
    groups: list[list[float]] = []  # [sum of the values, how many]
    for i in order:
        groups.append([values[i], 1])
        while len(groups) > 1:
            (total1, n1), (total2, n2) = groups[-2], groups[-1]
            top1 = total1 / n1 + (n1 - 1) * gap / 2
            bottom2 = total2 / n2 - (n2 - 1) * gap / 2
            if bottom2 - top1 >= gap:
                break
            groups[-2:] = [[total1 + total2, n1 + n2]]
    result = [0.0] * len(values)
    j = 0
    for total, n in groups:
        for m in range(int(n)):
            result[order[j]] = total / n + (m - (n - 1) / 2) * gap
            j += 1
    return result


# --- a chart widget ----------------------------------------------------------------------------------


class ChartView(QWidget):
    """A matplotlib figure that is made on first use and follows the widget's size."""

    drawn = Signal()  # after every draw of the figure (also the draws a resize makes)

    def __init__(self, file_stem: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.file_stem = file_stem
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = None
        self.figure = None
        self.empty_label = QLabel(self)
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self._layout.addWidget(self.empty_label)
        self.setMinimumSize(320, 240)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)

    # --- the canvas ---------------------------------------------------------------------------
    def ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        preload()
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(6, 3.4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setParent(self)
        # The size it is about to get: the first draw is then at the right size, not at the
        # figure's default and once more when the layout places it.
        self.canvas.resize(self.contentsRect().size())
        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(lambda pos: self._menu(self.canvas.mapTo(self, pos)))
        self.canvas.mpl_connect("draw_event", lambda _event: self.drawn.emit())
        self.canvas.mpl_connect("resize_event", lambda _event: self.resized())
        self._layout.addWidget(self.canvas, 1)

    def show_empty(self, text: str) -> None:
        """A sentence instead of a chart (no data yet): matplotlib is not needed for it."""
        self.empty_label.setText(text)
        self.empty_label.show()
        if self.canvas is not None:
            self.canvas.hide()

    def _show_canvas(self) -> None:
        self.ensure_canvas()
        self.empty_label.hide()
        self.canvas.show()

    @property
    def has_chart(self) -> bool:
        return self.canvas is not None and not self.canvas.isHidden()

    def pixel_size(self) -> tuple[int, int]:
        """The figure's size in device pixels (follows the widget × device pixel ratio)."""
        width, height = self.figure.canvas.get_width_height(physical=True)
        return int(width), int(height)

    def resized(self) -> None:
        """Called after the canvas took a new size, before it draws again (override)."""

    # --- saving -----------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the chart as PNG or PDF (by the suffix; none: PNG) at the size shown, PNG at
        twice the screen's resolution for print. Raises KnownError when the file cannot be
        written."""
        path = Path(path)
        if path.suffix.lower() not in SAVE_FORMATS:
            path = path.with_name(path.name + ".png")
        if not self.has_chart:
            raise KnownError("Der er intet diagram at gemme endnu.")
        fmt = SAVE_FORMATS[path.suffix.lower()]
        try:
            self.figure.savefig(path, format=fmt, dpi=200 if fmt == "png" else None, facecolor="white")
        except OSError as exc:
            raise KnownError(
                "Diagrammet kunne ikke gemmes i {path}: {reason}. Vælg en anden mappe eller et andet navn.",
                path=str(path),
                reason=exc.strerror or str(exc),
            ) from exc
        return path

    def save_as(self) -> Path | None:
        """"Gem diagram…": ask where, then :meth:`save`."""
        if not self.has_chart:
            return None
        png, pdf = _t("PNG-billede (*.png)"), _t("PDF-dokument (*.pdf)")
        path, chosen = QFileDialog.getSaveFileName(self, _t("Gem diagram"), self.file_stem + ".png", f"{png};;{pdf}")
        if not path:
            return None
        if Path(path).suffix.lower() not in SAVE_FORMATS:
            path += ".pdf" if chosen == pdf else ".png"
        try:
            return self.save(path)
        except KnownError as error:
            from fsm_desktop.views.messages import translate_error

            QMessageBox.warning(self, _t("Diagrammet blev ikke gemt"), translate_error(error))
            return None

    def _menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        action = menu.addAction(_t("Gem diagram …"))
        action.setEnabled(self.has_chart)
        action.triggered.connect(self.save_as)
        menu.popup(self.mapToGlobal(pos))

    # --- helpers for the subclasses ---------------------------------------------------------------
    def _axes_width_px(self, ax) -> float:
        return ax.get_window_extent().width if self.figure is not None else 600.0


class MeasureChart(ChartView):
    """One measure: the share per month or rolling quarter, the thresholds as labelled dashed
    lines (with the payout in kroner, when the grant is entered), the payout window shaded, the
    best period marked and the selected period behind it. A click on a period emits
    ``period_clicked`` with its index."""

    period_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("maal", parent)
        self.rows: list[MeasureResult] = []
        self.best: int | None = None
        self.ax = None
        self._labels: list[str] = []

    def plot(
        self,
        rows: Sequence[MeasureResult],
        payouts: Sequence[PayoutForecast] = (),
        title: str = "",
        selected: int | None = None,
    ) -> None:
        self._show_canvas()
        self.rows = list(rows)
        figure = self.figure
        figure.clear()
        ax = self.ax = figure.add_subplot()
        if not rows:
            ax.set_axis_off()
            ax.text(0.5, 0.5, _t("Ingen måleperioder i projektets periode"), ha="center", va="center", fontsize=FONT + 1)
            self.canvas.draw_idle()
            return
        spec = rows[0].spec
        caseload = spec.kind == "caseload"
        scale = 1 if caseload else 100
        xs = list(range(len(rows)))
        values = [float("nan") if r.share is None else r.share * scale for r in rows]
        self._labels = [period_label(r) for r in rows]
        if title:
            ax.set_title(title, fontsize=FONT + 2, loc="left", wrap=True)
        # The periods that count for the payout (BIR: the quarters of 2021).
        window = [k for k, r in enumerate(rows) if in_payout_window(r)]
        if spec.payout_window and window:
            ax.axvspan(window[0] - 0.5, window[-1] + 0.5, color=WINDOW_COLOUR, zorder=0,
                       label=_t("Perioder der tæller for udbetaling"))
        if selected is not None and 0 <= selected < len(rows):
            ax.axvline(selected, color=SELECTED_COLOUR, linewidth=1.5, linestyle=":", zorder=1,
                       label=_t("Valgt periode ({period})").format(period=period_label(rows[selected])))
        ax.plot(xs, values, marker="o", markersize=4, color=SHARE_COLOUR, linewidth=2, zorder=3,
                label=_t("Sager pr. fuldtid") if caseload else _t("Andel"), picker=True, pickradius=6)
        payout_by_value = {p.threshold.value: p for p in payouts}
        for i, threshold in enumerate(spec.thresholds):
            text = threshold_text(spec.kind, threshold.value)
            if caseload:
                label = _t("Højst {value} sager pr. fuldtid").format(value=text)
            else:
                label = _t("Krav {value}").format(value=text)
            p = payout_by_value.get(threshold.value)
            if p is not None:
                label += ": " + payout_text(p)
            colour = THRESHOLD_COLOURS[i % len(THRESHOLD_COLOURS)]
            value = threshold.value * scale
            ax.axhline(value, color=colour, linestyle="--", linewidth=1.3, zorder=2, label=label)
            # The value beside the line's end, outside the plot: never on top of the data.
            ax.annotate(text, xy=(1, value), xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=FONT, color=colour,
                        fontweight="bold", annotation_clip=False)
        # Caseload is a ceiling to stay under, not a result to reach: no "best" month.
        self.best = None if caseload else best_index(rows)
        if self.best is not None:
            b = self.best
            ax.plot([b], [values[b]], marker="o", markersize=11, markerfacecolor="none", markeredgecolor=BEST_COLOUR,
                    markeredgewidth=2, linestyle="none", zorder=4, label=_t("Bedste periode"))
            share = number(round(rows[b].share, 1)) if caseload else percent(rows[b].share)
            third = len(rows) / 3
            ha = "left" if b < third else "right" if b >= 2 * third else "center"
            ax.annotate(f"{self._labels[b]}\n{share}", xy=(b, values[b]), xytext=(0, 12), textcoords="offset points",
                        ha=ha, va="bottom", fontsize=FONT, color=BEST_COLOUR, fontweight="bold", zorder=5)
        finite = [v for v in values if v == v]
        top = max(finite + [t.value * scale for t in spec.thresholds] + [1])
        ax.set_ylim(0, top * 1.25 if caseload else min(top * 1.25, 112))  # a share stops at 100 %
        ax.set_xlim(-0.6, len(rows) - 0.4)
        if not caseload:
            from matplotlib.ticker import FuncFormatter

            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g} %".replace(".", ",")))
        ax.set_ylabel(_t("Sager pr. fuldtid") if caseload else _t("Andel af nævneren"), fontsize=FONT)
        ax.tick_params(labelsize=FONT)
        ax.grid(axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self._legend()
        self._ticks()
        self.canvas.draw_idle()

    def _ticks(self) -> None:
        """As many period labels as the width has room for (again after a resize)."""
        ax = self.ax
        if ax is None or not self.rows:
            return
        room = max(1, int(self._axes_width_px(ax) / (self.canvas.devicePixelRatioF() * 62)))
        step = max(1, -(-len(self.rows) // room))
        xs = list(range(len(self.rows)))[::step]
        ax.set_xticks(xs, [self._labels[x] for x in xs], rotation=30, ha="right", rotation_mode="anchor")

    def _legend(self) -> None:
        """Below the chart: in two columns when the chart is wide, else one."""
        figure = self.figure
        for legend in list(figure.legends):
            legend.remove()
        wide = figure.get_figwidth() * figure.dpi / self.canvas.devicePixelRatioF() >= 900
        figure.legend(loc="outside lower center", ncols=2 if wide else 1, fontsize=FONT, frameon=False)

    def resized(self) -> None:
        if self.ax is not None and self.rows:
            self._legend()
            self._ticks()

    # --- clicking and hovering ---------------------------------------------------------------------
    def ensure_canvas(self) -> None:
        fresh = self.canvas is None
        super().ensure_canvas()
        if fresh:
            self.canvas.mpl_connect("button_press_event", self._pressed)
            self.canvas.mpl_connect("motion_notify_event", self._moved)

    def period_at(self, xdata: float | None) -> int | None:
        """The period nearest to an x position in data coordinates (None: outside)."""
        if xdata is None or not self.rows:
            return None
        k = int(round(xdata))
        return k if 0 <= k < len(self.rows) and abs(xdata - k) <= 0.5 else None

    def _pressed(self, event) -> None:
        if event.button != 1 or event.inaxes is not self.ax:
            return
        k = self.period_at(event.xdata)
        if k is not None:
            self.period_clicked.emit(k)

    def _moved(self, event) -> None:
        k = self.period_at(event.xdata) if event.inaxes is self.ax else None
        if k is None:
            self.canvas.unsetCursor()
            QToolTip.hideText()
            return
        self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        r = self.rows[k]
        if r.spec.kind == "caseload":
            text = _t("{period}: {share} sager pr. fuldtid").format(
                period=r.label, share="–" if r.share is None else number(round(r.share, 1)))
        else:
            text = _t("{period}: {share} ({n} af {d})\nKlik for at se borgerne").format(
                period=r.label, share=percent(r.share), n=number(r.numerator), d=number(r.denominator))
        QToolTip.showText(QCursor.pos(), text, self.canvas)


class BoardHistoryChart(ChartView):
    """The board over time: how many citizens stood in each column at each team meeting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("tavlen-over-tid", parent)
        self.history: list[tuple[dt.date, dict]] = []

    def plot(self, history: Sequence[tuple[dt.date, dict[BoardColumn | None, int]]], title: str = "") -> None:
        self.history = list(history)
        if not history:
            self.show_empty(_t(
                "Der er ikke holdt tavlemøder endnu.\n\nNår et møde afsluttes på Tavlen (»Afslut møde …«), "
                "gemmes antallet i hver kolonne, og her vises udviklingen fra møde til møde."
            ))
            return
        self._show_canvas()
        figure = self.figure
        figure.clear()
        ax = figure.add_subplot()
        days = [day for day, _counts in history]
        latest = []
        for column, label, colour in BOARD_SERIES:
            counts = [c.get(column, 0) for _day, c in history]
            ax.plot(days, counts, marker="o", markersize=5, linewidth=2, color=colour, label=_t(label))
            latest.append((counts[-1], colour))
        top = max(max(c.values(), default=0) for _day, c in history)
        ax.set_ylim(0, max(top, 1) * 1.12)
        # The newest counts beside the lines' ends, pushed apart where two are close.
        from matplotlib.transforms import offset_copy

        beside = offset_copy(ax.transData, fig=figure, x=7, y=0, units="points")
        for (value, colour), y in zip(latest, spread([v for v, _c in latest], max(top, 1) * 0.05)):
            ax.annotate(number(value), xy=(days[-1], value), xytext=(days[-1], y), textcoords=beside,
                        va="center", ha="left", fontsize=FONT, color=colour, fontweight="bold",
                        annotation_clip=False)
        if title:
            ax.set_title(title, fontsize=FONT + 2, loc="left")
        ax.set_ylabel(_t("Borgere"), fontsize=FONT)
        ax.grid(axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=FONT)
        if len(days) == 1:
            ax.set_xlim(days[0] - dt.timedelta(days=20), days[0] + dt.timedelta(days=20))
        else:
            span = days[-1] - days[0]
            ax.set_xlim(days[0] - span * 0.04, days[-1] + span * 0.10)
        self._ax = ax
        self._ticks()
        figure.legend(loc="outside lower center", ncols=5, fontsize=FONT, frameon=False)
        self.canvas.draw_idle()

    def _ticks(self) -> None:
        if not self.history:
            return
        days = [day for day, _counts in self.history]
        room = max(1, int(self._axes_width_px(self._ax) / (self.canvas.devicePixelRatioF() * 80)))
        step = max(1, -(-len(days) // room))
        shown = days[::step]
        self._ax.set_xticks(shown, [d.strftime("%d.%m.%Y") for d in shown], rotation=30, ha="right",
                            rotation_mode="anchor")

    def resized(self) -> None:
        if self.history and self.figure is not None and self.figure.axes:
            self._ticks()
