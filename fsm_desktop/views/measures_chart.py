"""The measure's share per period against its thresholds (matplotlib, imported lazily: the
first chart costs the import, start-up does not)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from fsm_desktop.domain.danish import number, percent
from fsm_desktop.domain.measures import MeasureResult


def _t(text: str) -> str:
    return QCoreApplication.translate("MeasuresChart", text)


class MeasuresChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas = None
        self.figure = None
        self.setMinimumSize(360, 260)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(6, 3.4), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setParent(self)
        self._layout.addWidget(self.canvas)

    def plot(self, rows: list[MeasureResult]) -> None:
        self._ensure_canvas()
        figure = self.figure
        figure.clear()
        ax = figure.add_subplot()
        if not rows:
            ax.set_axis_off()
            ax.text(0.5, 0.5, _t("Ingen måleperioder"), ha="center", va="center")
            self.canvas.draw_idle()
            return
        spec = rows[0].spec
        caseload = spec.kind == "caseload"
        scale = 1 if caseload else 100
        labels = [
            str(r.period_start) if r.period_start == r.period_end else f"{r.period_start}–{str(r.period_end)[5:]}"
            for r in rows
        ]
        values = [None if r.share is None else r.share * scale for r in rows]
        xs = list(range(len(rows)))
        ax.plot(xs, [v if v is not None else float("nan") for v in values], marker="o", markersize=3,
                color="#2f6fca", linewidth=2, label=_t("Sager pr. fuldtid") if caseload else _t("Andel"))
        colors = ("#b3261e", "#1b6e3a", "#8a3ffc")
        for i, threshold in enumerate(spec.thresholds):
            value = threshold.value * scale
            text = number(threshold.value) if caseload else percent(threshold.value, trim=True)
            ax.axhline(value, color=colors[i % len(colors)], linestyle="--", linewidth=1.2,
                       label=_t("Tærskel {value}").format(value=text))
        step = max(1, len(xs) // 8)
        ax.set_xticks(xs[::step], labels[::step], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(_t("Sager pr. fuldtid") if caseload else _t("Andel i %"))
        top = max([v for v in values if v is not None] + [t.value * scale for t in spec.thresholds] + [1])
        ax.set_ylim(0, top * 1.15)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower right", fontsize=8, frameon=False)
        self.canvas.draw_idle()
