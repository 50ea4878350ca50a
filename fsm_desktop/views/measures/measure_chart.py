"""The chart of one measure: its share per period against the thresholds, the payout window and the
best period marked, a period chosen by a click."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip, QWidget

from fsm_desktop.domain.danish import number, percent
from fsm_desktop.domain.measures import MeasureResult, PayoutForecast
from fsm_desktop.views.measures.chart import (
    BEST_COLOUR,
    FONT,
    SELECTED_COLOUR,
    SHARE_COLOUR,
    THRESHOLD_COLOURS,
    WINDOW_COLOUR,
    ChartView,
    best_index,
    in_payout_window,
    payout_text,
    period_label,
    threshold_text,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import MouseEvent
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresChart", text)


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
        self.ax: Axes | None = None
        self._labels: list[str] = []

    def plot(
        self,
        rows: Sequence[MeasureResult],
        payouts: Sequence[PayoutForecast] = (),
        title: str = "",
        selected: int | None = None,
        finished: bool = False,
    ) -> None:
        """``finished``: the initiative has ended (the payouts' wording, :func:`payout_text`)."""
        figure, canvas = self._show_canvas()
        self.rows = list(rows)
        figure.clear()
        ax = self.ax = figure.add_subplot()
        if not rows:
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                _t("Ingen måleperioder i projektets periode"),
                ha="center",
                va="center",
                fontsize=FONT + 1,
            )
            canvas.draw_idle()
            return
        spec = rows[0].spec
        caseload = spec.kind == "caseload"
        scale = 1 if caseload else 100
        # No share (nobody in the denominator, or no data: MeasureResult.no_data): no point.
        values = [float("nan") if r.share is None else r.share * scale for r in rows]
        self._labels = [period_label(r) for r in rows]
        if title:
            ax.set_title(title, fontsize=FONT + 2, loc="left", wrap=True)
        _draw_window_and_selection(ax, rows, selected)
        _draw_share(ax, values, caseload)
        _draw_thresholds(ax, rows, payouts, scale, finished)
        # Caseload is a ceiling to stay under, not a result to reach: no "best" month.
        self.best = None if caseload else best_index(rows)
        if self.best is not None:
            self._mark_best(ax, self.best, values)
        _set_axes(ax, rows, values, scale)
        self._legend()
        self._ticks()
        canvas.draw_idle()

    def _mark_best(self, ax: Axes, b: int, values: list[float]) -> None:
        """A ring round the best period, its label and share over it."""
        rows = self.rows
        ax.plot(
            [b],
            [values[b]],
            marker="o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor=BEST_COLOUR,
            markeredgewidth=2,
            linestyle="none",
            zorder=4,
            label=_t("Bedste periode"),
        )
        # Only a share has a best period (not a caseload), and the best has a share.
        share = percent(rows[b].share)
        third = len(rows) / 3
        ha = "left" if b < third else "right" if b >= 2 * third else "center"
        ax.annotate(
            f"{self._labels[b]}\n{share}",
            xy=(b, values[b]),
            xytext=(0, 12),
            textcoords="offset points",
            ha=ha,
            va="bottom",
            fontsize=FONT,
            color=BEST_COLOUR,
            fontweight="bold",
            zorder=5,
        )

    def _ticks(self) -> None:
        """As many period labels as the width has room for (again after a resize)."""
        ax = self.ax
        if ax is None or not self.rows:
            return
        canvas = self.canvas
        assert canvas is not None, "the axes are drawn on the canvas"
        room = max(1, int(self._axes_width_px(ax) / (canvas.devicePixelRatioF() * 62)))
        step = max(1, -(-len(self.rows) // room))
        xs = list(range(len(self.rows)))[::step]
        ax.set_xticks(
            xs, [self._labels[x] for x in xs], rotation=30, ha="right", rotation_mode="anchor"
        )

    def _legend(self) -> None:
        """Below the chart: in two columns when the chart is wide, else one."""
        figure, canvas = self.figure, self.canvas
        assert figure is not None and canvas is not None, "called once the chart is drawn"
        for legend in list(figure.legends):
            legend.remove()
        wide = figure.get_figwidth() * figure.dpi / canvas.devicePixelRatioF() >= 900
        figure.legend(
            loc="outside lower center", ncols=2 if wide else 1, fontsize=FONT, frameon=False
        )

    def resized(self) -> None:
        if self.ax is not None and self.rows:
            self._legend()
            self._ticks()

    # --- clicking and hovering ---------------------------------------------------------------------
    def ensure_canvas(self) -> tuple[Figure, FigureCanvasQTAgg]:
        fresh = self.canvas is None
        figure, canvas = super().ensure_canvas()
        if fresh:
            canvas.mpl_connect("button_press_event", self._pressed)  # type: ignore[arg-type]  # matplotlib's stubs: callbacks take Event, not MouseEvent
            canvas.mpl_connect("motion_notify_event", self._moved)  # type: ignore[arg-type]  # matplotlib's stubs: callbacks take Event, not MouseEvent
        return figure, canvas

    def period_at(self, xdata: float | None) -> int | None:
        """The period nearest to an x position in data coordinates (None: outside)."""
        if xdata is None or not self.rows:
            return None
        k = round(xdata)
        return k if 0 <= k < len(self.rows) and abs(xdata - k) <= 0.5 else None

    def _pressed(self, event: MouseEvent) -> None:
        if event.button != 1 or event.inaxes is not self.ax:
            return
        k = self.period_at(event.xdata)
        if k is not None:
            self.period_clicked.emit(k)

    def _moved(self, event: MouseEvent) -> None:
        canvas = self.canvas
        assert canvas is not None, "the canvas sends the event"
        k = self.period_at(event.xdata) if event.inaxes is self.ax else None
        if k is None:
            canvas.unsetCursor()
            QToolTip.hideText()
            return
        canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        r = self.rows[k]
        period = period_label(r)
        if r.no_data:  # no point drawn: the fact was not registered yet
            text = _t("{period}: ingen data").format(period=period)
        elif r.spec.kind == "caseload":
            text = _t("{period}: {share} sager pr. fuldtid").format(
                period=period, share="–" if r.share is None else number(round(r.share, 1))
            )
        else:
            text = _t("{period}: {share} ({n} af {d})\nKlik for at se borgerne").format(
                period=period,
                share=percent(r.share),
                n=number(r.numerator),
                d=number(r.denominator),
            )
        QToolTip.showText(QCursor.pos(), text, canvas)


def _draw_window_and_selection(
    ax: Axes, rows: Sequence[MeasureResult], selected: int | None
) -> None:
    """The periods that count for the payout shaded (BIR: the quarters of 2021), the selected
    period as a dotted line."""
    window = [k for k, r in enumerate(rows) if in_payout_window(r)]
    if rows[0].spec.payout_window and window:
        ax.axvspan(
            window[0] - 0.5,
            window[-1] + 0.5,
            color=WINDOW_COLOUR,
            zorder=0,
            label=_t("Perioder der tæller for udbetaling"),
        )
    if selected is not None and 0 <= selected < len(rows):
        ax.axvline(
            selected,
            color=SELECTED_COLOUR,
            linewidth=1.5,
            linestyle=":",
            zorder=1,
            label=_t("Valgt periode ({period})").format(period=period_label(rows[selected])),
        )


def _draw_share(ax: Axes, values: list[float], caseload: bool) -> None:
    """The share (or caseload) per period: a line with a point per period, clickable."""
    ax.plot(
        list(range(len(values))),
        values,
        marker="o",
        markersize=4,
        color=SHARE_COLOUR,
        linewidth=2,
        zorder=3,
        label=_t("Sager pr. fuldtid") if caseload else _t("Andel"),
        picker=True,
        pickradius=6,
    )


def _draw_thresholds(
    ax: Axes,
    rows: Sequence[MeasureResult],
    payouts: Sequence[PayoutForecast],
    scale: int,
    finished: bool,
) -> None:
    """Each threshold a dashed line, labelled in the legend (with its payout) and by its value
    beside the line's end."""
    spec = rows[0].spec
    caseload = spec.kind == "caseload"
    payout_by_value = {p.threshold.value: p for p in payouts}
    for i, threshold in enumerate(spec.thresholds):
        text = threshold_text(spec.kind, threshold.value)
        if caseload:
            label = _t("Højst {value} sager pr. fuldtid").format(value=text)
        else:
            label = _t("Krav {value}").format(value=text)
        p = payout_by_value.get(threshold.value)
        if p is not None:
            label += ": " + payout_text(p, finished)
        colour = THRESHOLD_COLOURS[i % len(THRESHOLD_COLOURS)]
        value = threshold.value * scale
        ax.axhline(value, color=colour, linestyle="--", linewidth=1.3, zorder=2, label=label)
        # The value beside the line's end, outside the plot: never on top of the data.
        ax.annotate(
            text,
            xy=(1, value),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=FONT,
            color=colour,
            fontweight="bold",
            annotation_clip=False,
        )


def _set_axes(ax: Axes, rows: Sequence[MeasureResult], values: list[float], scale: int) -> None:
    """The limits (room over the highest point or threshold), the y axis' unit, the grid."""
    spec = rows[0].spec
    caseload = spec.kind == "caseload"
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
