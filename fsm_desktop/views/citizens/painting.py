"""The citizen window's painting widgets: the timeline of the citizen's periods and the sparkline
of wage hours."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import Period
from fsm_desktop.views.citizens.labels import CATEGORY_COLORS, CATEGORY_LABELS


def _t(text: str) -> str:
    return QCoreApplication.translate("CitizenPage", text)


class Timeline(QWidget):
    """A strip per category (ydelser, tilbud, resultater, markeringer) over the citizen's time."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.periods: list[Period] = []
        self.today = dt.date.today()
        self.setMinimumHeight(130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_t("Tidslinje over forløb"))

    def set_periods(self, periods: list[Period], today: dt.date) -> None:
        self.periods = list(periods)
        self.today = today
        self.setToolTip(
            "\n".join(
                f"{p.kind.label}: {date_text(p.start)} – {date_text(p.end) or _t('i gang')}"
                for p in self.periods
            )
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 130)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = self.rect().adjusted(90, 6, -8, -18)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if not self.periods:
            painter.setPen(QColor("#6b7280"))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, _t("Ingen forløb registreret")
            )
            return
        first = min(p.start for p in self.periods)
        last = max([self.today, *(p.end or self.today for p in self.periods)])
        span = max((last - first).days, 1)

        def x(day: dt.date) -> float:
            return rect.left() + rect.width() * (day - first).days / span

        categories = list(CATEGORY_LABELS)
        lane = rect.height() / len(categories)
        for i, category in enumerate(categories):
            y = rect.top() + i * lane
            painter.setPen(QColor("#4a5361"))
            painter.drawText(
                QRectF(4, y, 84, lane), Qt.AlignmentFlag.AlignVCenter, _t(CATEGORY_LABELS[category])
            )
            rows = stack_rows([p for p in self.periods if p.kind.category is category])
            height = (lane - 4) / max(len(rows), 1)
            for r, row in enumerate(rows):
                for p in row:
                    left, right = x(p.start), x(min(p.end or self.today, last))
                    bar = QRectF(left, y + 2 + r * height, max(right - left, 3), height - 1)
                    painter.setPen(QPen(QColor("#ffffff"), 1))
                    painter.setBrush(CATEGORY_COLORS[category])
                    painter.drawRoundedRect(bar, 3, 3)
                    label = p.kind.label
                    if (
                        bar.width() > painter.fontMetrics().horizontalAdvance(label) + 8
                        and height >= 12
                    ):
                        painter.setPen(QColor("#ffffff"))
                        painter.drawText(
                            bar.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, label
                        )
        painter.setPen(QPen(QColor("#b3261e"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x(self.today), rect.top()), QPointF(x(self.today), rect.bottom()))
        painter.setPen(QColor("#4a5361"))
        painter.drawText(
            QRectF(rect.left(), rect.bottom() + 2, 120, 14),
            Qt.AlignmentFlag.AlignLeft,
            date_text(first),
        )
        painter.drawText(
            QRectF(rect.right() - 120, rect.bottom() + 2, 120, 14),
            Qt.AlignmentFlag.AlignRight,
            date_text(last),
        )


def stack_rows(periods: list[Period]) -> list[list[Period]]:
    """Periods in rows so that none overlaps another in its row (first fit, by start)."""
    rows: list[list[Period]] = []
    ends: list[dt.date] = []
    for p in sorted(periods, key=lambda p: (p.start, p.end or dt.date.max)):
        for r, end in enumerate(ends):
            if p.start > end:
                rows[r].append(p)
                ends[r] = p.end or dt.date.max
                break
        else:
            rows.append([p])
            ends.append(p.end or dt.date.max)
    return rows


class Sparkline(QWidget):
    """Paid hours in the last twelve months (a month without hours is 0), as a small line with
    the first and last month and the highest value written beside it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.months: list[str] = []
        self.values: list[float] = []
        self.setMinimumSize(260, 70)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_t("Løntimer måned for måned"))

    def set_months(self, months: list[str], values: list[float]) -> None:
        self.months = list(months)
        self.values = list(values)
        self.setToolTip("\n".join(f"{m}: {number(v, 1)}" for m, v in zip(months, values)))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, 70)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(6, 6, -70, -18)
        painter.setPen(QColor("#d5d9e0"))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if not any(self.values):
            painter.setPen(QColor("#6b7280"))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                _t("Ingen løntimer de seneste 12 måneder"),
            )
            return
        top = max(self.values)
        step = rect.width() / max(len(self.values) - 1, 1)
        points = [
            QPointF(rect.left() + i * step, rect.bottom() - rect.height() * v / top)
            for i, v in enumerate(self.values)
        ]
        painter.setPen(QPen(QColor("#1b6e3a"), 2))
        for a, b in itertools.pairwise(points):
            painter.drawLine(a, b)
        painter.setBrush(QColor("#1b6e3a"))
        for point, value in zip(points, self.values):
            if value > 0:
                painter.drawEllipse(point, 2.5, 2.5)
        painter.setPen(QColor("#4a5361"))
        painter.drawText(
            QRectF(rect.left(), rect.bottom() + 2, 80, 14),
            Qt.AlignmentFlag.AlignLeft,
            self.months[0],
        )
        painter.drawText(
            QRectF(rect.right() - 80, rect.bottom() + 2, 80, 14),
            Qt.AlignmentFlag.AlignRight,
            self.months[-1],
        )
        painter.drawText(
            QRectF(rect.right() + 6, rect.top() - 4, 64, 16),
            Qt.AlignmentFlag.AlignLeft,
            _t("højst {n}").format(n=number(max(self.values), 1)),
        )


def last_months(month: str, n: int = 12) -> list[str]:
    """The ``n`` months up to and including ``month`` (YYYY-MM), oldest first."""
    year, m = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(n):
        out.append(f"{year:04d}-{m:02d}")
        m -= 1
        if m == 0:
            year, m = year - 1, 12
    return list(reversed(out))
