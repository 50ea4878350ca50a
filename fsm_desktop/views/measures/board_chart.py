"""The chart of the board over time: how many citizens stood in each column, month by month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from fsm_desktop.domain.danish import date_dots, number
from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.views.measures.chart import BOARD_SERIES, FONT, ChartView, spread

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresChart", text)


class BoardHistoryChart(ChartView):
    """The board over time: how many citizens stood in each column at each team meeting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("tavlen-over-tid", parent)
        self.history: list[tuple[dt.date, dict[BoardColumn | None, int]]] = []
        self._ax: Axes | None = None

    def plot(
        self, history: Sequence[tuple[dt.date, dict[BoardColumn | None, int]]], title: str = ""
    ) -> None:
        self.history = list(history)
        if not history:
            self.show_empty(
                _t(
                    "Der er ikke holdt tavlemøder endnu.\n\nNår et møde afsluttes på Tavlen (»Afslut møde …«), "
                    "gemmes antallet i hver kolonne, og her vises udviklingen fra møde til møde."
                )
            )
            return
        figure, canvas = self._show_canvas()
        figure.clear()
        ax = figure.add_subplot()
        days = [day for day, _counts in history]
        latest = []
        for column, label, colour in BOARD_SERIES:
            counts = [c.get(column, 0) for _day, c in history]
            ax.plot(
                [_x(d) for d in days],
                counts,
                marker="o",
                markersize=5,
                linewidth=2,
                color=colour,
                label=_t(label),
            )
            latest.append((counts[-1], colour))
        top = max(max(c.values(), default=0) for _day, c in history)
        ax.set_ylim(0, max(top, 1) * 1.12)
        _label_line_ends(ax, figure, days[-1], latest, top)
        if title:
            ax.set_title(title, fontsize=FONT + 2, loc="left")
        ax.set_ylabel(_t("Borgere"), fontsize=FONT)
        ax.grid(axis="y", alpha=0.3)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(labelsize=FONT)
        if len(days) == 1:
            ax.set_xlim(_x(days[0] - dt.timedelta(days=20)), _x(days[0] + dt.timedelta(days=20)))
        else:
            span = days[-1] - days[0]
            ax.set_xlim(_x(days[0] - span * 0.04), _x(days[-1] + span * 0.10))
        self._ax = ax
        self._ticks()
        figure.legend(loc="outside lower center", ncols=5, fontsize=FONT, frameon=False)
        canvas.draw_idle()

    def _ticks(self) -> None:
        ax, canvas = self._ax, self.canvas
        if not self.history or ax is None or canvas is None:
            return
        days = [day for day, _counts in self.history]
        room = max(1, int(self._axes_width_px(ax) / (canvas.devicePixelRatioF() * 80)))
        step = max(1, -(-len(days) // room))
        shown = days[::step]
        ax.set_xticks(
            [_x(d) for d in shown],
            [date_dots(d) for d in shown],
            rotation=30,
            ha="right",
            rotation_mode="anchor",
        )

    def resized(self) -> None:
        if self.history and self.figure is not None and self.figure.axes:
            self._ticks()


def _x(day: dt.date) -> float:
    """A day as an x coordinate: the day itself, which matplotlib's date converter places."""
    return day  # type: ignore[return-value]  # matplotlib's stubs take only numbers for x, not dates


def _label_line_ends(
    ax: Axes, figure: Figure, last: dt.date, latest: list[tuple[int, str]], top: int
) -> None:
    """The newest counts beside the lines' ends, pushed apart where two are close."""
    from matplotlib.transforms import offset_copy

    beside = offset_copy(ax.transData, fig=figure, x=7, y=0, units="points")
    for (value, colour), y in zip(latest, spread([v for v, _c in latest], max(top, 1) * 0.05)):
        ax.annotate(
            number(value),
            xy=(_x(last), value),
            xytext=(_x(last), y),
            textcoords=beside,
            va="center",
            ha="left",
            fontsize=FONT,
            color=colour,
            fontweight="bold",
            annotation_clip=False,
        )
