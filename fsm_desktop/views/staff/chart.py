"""The staff page's caseload chart: each person's caseload as a bar against the limits (matplotlib,
imported when first drawn)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fsm_desktop.domain.caseload import (
    COUNTED_ROLES,
    ROLE_PLURAL,
    CaseloadSettings,
    PersonLoad,
    Status,
)
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import StaffRole
from fsm_desktop.views.measures.chart import preload

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D


def _t(text: str) -> str:
    return QCoreApplication.translate("StaffPage", text)


#: Okabe–Ito colours: blue (under the limit), orange (inside the range), vermillion (over).
BAR_COLORS = {
    Status.OK: "#0072B2",
    Status.NO_LIMIT: "#9a9a9a",
    Status.IN_RANGE: "#E69F00",
    Status.OVER: "#D55E00",
}


BAR_HATCH = {Status.IN_RANGE: "//", Status.OVER: "xx"}


#: The chart shows at most this many people so that initials stay legible: those over their
#: limit first, then those inside the range, then the highest loads.
MAX_BARS = 60
_PRIORITY = {Status.OVER: 0, Status.IN_RANGE: 1}


class CaseloadChart(QWidget):
    """Bars per person with the limit lines of their role (matplotlib, imported when first drawn)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: FigureCanvasQTAgg | None = None
        self.figure: Figure | None = None
        self.bars: list[tuple[str, float, Status]] = []  # what was drawn: initials, value, status
        self.setMinimumSize(320, 260)

    def _ensure_canvas(self) -> tuple[Figure, FigureCanvasQTAgg]:
        if self.figure is None or self.canvas is None:
            preload()  # matplotlib as every chart of the program imports it
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure

            self.figure = Figure(figsize=(5.5, 4), layout="constrained")
            self.canvas = FigureCanvasQTAgg(self.figure)
            self.canvas.setParent(self)
            self._layout.addWidget(self.canvas)
        return self.figure, self.canvas

    def plot(
        self, loads: list[PersonLoad], settings: CaseloadSettings, per_fte_mode: bool, day: dt.date
    ) -> None:
        figure, canvas = self._ensure_canvas()
        figure.clear()
        ax = figure.add_subplot()
        people = [p for p in loads if p.record.counted and (p.citizens or p.record.active_on(day))]
        self.bars = []
        if not people:
            ax.set_axis_off()
            ax.text(
                0.5,
                0.5,
                _t("Ingen medarbejdere med sagsstamme {d}").format(d=date_text(day)),
                ha="center",
                va="center",
            )
            canvas.draw_idle()
            return
        note = ""
        if len(people) > MAX_BARS:
            note = "\n" + _t("{n} af {total}: over grænsen først, så de højeste").format(
                n=MAX_BARS, total=number(len(people))
            )
            people = sorted(
                people,
                key=lambda p: (_PRIORITY.get(p.status, 2), -_bar_value(p, per_fte_mode)),
            )[:MAX_BARS]
        order = {role: i for i, role in enumerate(COUNTED_ROLES)}
        people.sort(key=lambda p: (order[p.record.role], p.record.initials.casefold()))
        values = [_bar_value(p, per_fte_mode, whole=True) for p in people]
        xs = _bar_positions(people)
        self._draw_bars(ax, xs, people, values)
        groups = _role_groups(xs, people)
        top = max([*values, 1.0])
        limit_handles: list[Line2D] = []
        if per_fte_mode:
            top, limit_handles = _draw_limits(ax, groups, settings, top)
            if settings.ips:
                top = _draw_ips_bands(ax, xs, top)
        ax.set_ylim(0, top * 1.15)
        _draw_labels(ax, xs, people, groups, top)
        ax.set_xlim(-0.8, xs[-1] + (2.2 if per_fte_mode and settings.ips else 0.8))
        ax.set_ylabel(_t("Borgere pr. fuldtid") if per_fte_mode else _t("Borgere"))
        ax.set_title(_t("Sagsstammer {d}").format(d=date_text(day)) + note, fontsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        _draw_legend(ax, people, limit_handles)
        canvas.draw_idle()

    def _draw_bars(
        self, ax: Axes, xs: list[int], people: list[PersonLoad], values: list[float]
    ) -> None:
        """A bar per person in the colour (and hatch) of their status, the values on top when
        there is room for them."""
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


def _bar_value(p: PersonLoad, per_fte_mode: bool, whole: bool = False) -> float:
    """The height of a person's bar: citizens, or per full-time (``whole``: the whole caseload,
    HIR's with other cases, which the limit judges)."""
    if not per_fte_mode:
        return float(p.citizens)
    load = p.whole_per_fte if whole and p.whole_per_fte is not None else p.per_fte
    # The chart shows counted persons only, and they have hours (domain.caseload.counts_in_caseload).
    assert load is not None, "a counted person has a caseload per full-time"
    return float(load)


def _bar_positions(people: list[PersonLoad]) -> list[int]:
    """A gap of one bar between the roles, each group named over its bars."""
    xs: list[int] = []
    x, previous = 0, None
    for p in people:
        if previous is not None and p.record.role is not previous:
            x += 1
        xs.append(x)
        previous = p.record.role
        x += 1
    return xs


def _role_groups(xs: list[int], people: list[PersonLoad]) -> list[tuple[StaffRole, float, float]]:
    """Each role with people in the chart and the span of its bars."""
    groups = []
    for role in COUNTED_ROLES:
        span = [x for x, p in zip(xs, people) if p.record.role is role]
        if span:
            groups.append((role, span[0] - 0.45, span[-1] + 0.45))
    return groups


def _draw_limits(
    ax: Axes,
    groups: list[tuple[StaffRole, float, float]],
    settings: CaseloadSettings,
    top: float,
) -> tuple[float, list[Line2D]]:
    """The limit lines of each role over its bars; the new top of the chart and the legend's
    handles for the lines."""
    from matplotlib.lines import Line2D

    handles = []
    for role, lo, hi in groups:
        limit = settings.limit(role)
        if limit is None:
            continue
        ax.hlines(limit.high, lo, hi, colors="#D55E00", linestyles="--", linewidth=1.4)
        top = max(top, limit.high)
        if limit.low is not None:
            ax.hlines(limit.low, lo, hi, colors="#8a5a00", linestyles=":", linewidth=1.4)
        handles.append(
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
    return top, handles


def _draw_ips_bands(ax: Axes, xs: list[int], top: float) -> float:
    """IPS' fidelity bands behind the bars, named right of them; the new top of the chart."""
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
    return max(top, 42)


def _draw_labels(
    ax: Axes,
    xs: list[int],
    people: list[PersonLoad],
    groups: list[tuple[StaffRole, float, float]],
    top: float,
) -> None:
    """The roles over their groups (when there are more) and the initials under the bars."""
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


def _draw_legend(ax: Axes, people: list[PersonLoad], limit_handles: list[Line2D]) -> None:
    """The bars' statuses in the chart, then the limit lines, under the chart."""
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    if any(p.status is Status.OK for p in people):
        handles.append(Patch(facecolor=BAR_COLORS[Status.OK], label=_t("under grænsen")))
    if any(p.status is Status.NO_LIMIT for p in people):
        handles.append(Patch(facecolor=BAR_COLORS[Status.NO_LIMIT], label=_t("ingen grænse")))
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
        handles=[*handles, *limit_handles],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14 if len(people) > 14 else -0.08),
        ncols=2,
        fontsize=7,
        frameon=False,
    )
