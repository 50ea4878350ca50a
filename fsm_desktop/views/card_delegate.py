"""The board card: a painting delegate over an item model (conventions.md §6).

One ``CardData`` per citizen lives in the model under ``CARD_ROLE``; the delegate paints it
and gives a fixed size hint, so a list of 20,000 cards costs only the visible ones."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

CARD_ROLE = Qt.ItemDataRole.UserRole + 1

#: After this many days without contact the card shows it (BIR asks for weekly contact).
CONTACT_WARNING_DAYS = 7


@dataclass(frozen=True, slots=True)
class CardData:
    citizen_id: str
    name: str
    masked_cpr: str
    job_broker: str = ""  # initials
    days_in_column: int | None = None
    days_since_contact: int | None = None
    hours_last_month: float | None = None
    hours_change: float | None = None
    stepup_due: bool = False
    no_cv: bool = False
    no_job_goal: bool = False
    absent: bool = False
    changed_since_meeting: bool = False


def _t(text: str) -> str:
    return QCoreApplication.translate("CardDelegate", text)


class CardDelegate(QStyledItemDelegate):
    BASE_SIZE = QSize(250, 92)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.zoom = 1.0

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return QSize(round(self.BASE_SIZE.width() * self.zoom), round(self.BASE_SIZE.height() * self.zoom))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        card = index.data(CARD_ROLE)
        if not isinstance(card, CardData):
            super().paint(painter, option, index)
            return
        painter.save()
        try:
            self._paint_card(painter, option, card)
        finally:
            painter.restore()

    def _paint_card(self, painter: QPainter, option: QStyleOptionViewItem, card: CardData) -> None:
        z = self.zoom
        rect = QRectF(option.rect).adjusted(3 * z, 3 * z, -3 * z, -3 * z)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        background = QColor("#fff8d6") if card.changed_since_meeting else QColor("#ffffff")
        if selected:
            background = QColor("#dbe8fb")
        painter.setPen(QPen(QColor("#2f6fca") if (selected or focused) else QColor("#c9ced6"), 2 if focused else 1))
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 6 * z, 6 * z)

        pad = 8 * z
        inner = rect.adjusted(pad, pad * 0.75, -pad, -pad * 0.75).toRect()
        base = QFont(option.font)
        base.setPointSizeF(max(6.0, base.pointSizeF() * z))
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.9)

        # Line 1: name, job broker's initials at the right.
        fm_bold = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(QColor("#1d2430"))
        initials_width = fm_bold.horizontalAdvance(card.job_broker) + 4 if card.job_broker else 0
        name_rect = QRect(inner.left(), inner.top(), inner.width() - initials_width, fm_bold.height())
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm_bold.elidedText(card.name, Qt.TextElideMode.ElideRight, name_rect.width()),
        )
        if card.job_broker:
            painter.setPen(QColor("#2f6fca"))
            painter.drawText(
                QRect(inner.right() - initials_width, inner.top(), initials_width, fm_bold.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                card.job_broker,
            )

        # Line 2: masked CPR and days in the column; line 3: contact and paid hours.
        fm = QFontMetrics(small)
        painter.setFont(small)
        y = inner.top() + fm_bold.height() + round(2 * z)
        line2 = card.masked_cpr
        if card.days_in_column is not None:
            line2 += "  ·  " + _t("{n} d. i kolonnen").format(n=card.days_in_column)
        painter.setPen(QColor("#4a5361"))
        painter.drawText(
            QRect(inner.left(), y, inner.width(), fm.height()),
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(line2, Qt.TextElideMode.ElideRight, inner.width()),
        )
        y += fm.height()
        if card.days_since_contact is None:
            contact = _t("ingen kontakt")
        else:
            contact = _t("kontakt for {n} d.").format(n=card.days_since_contact)
        late = card.days_since_contact is None or card.days_since_contact > CONTACT_WARNING_DAYS
        painter.setPen(QColor("#b3261e") if late else QColor("#4a5361"))
        contact_width = fm.horizontalAdvance(contact)
        painter.drawText(QRect(inner.left(), y, contact_width + 2, fm.height()), Qt.AlignmentFlag.AlignLeft, contact)
        if card.hours_last_month is not None:
            hours = _t("{h:g} t.").format(h=card.hours_last_month)
            if card.hours_change:
                hours += " ({sign}{d:g})".format(sign="+" if card.hours_change > 0 else "−", d=abs(card.hours_change))
            painter.setPen(QColor("#1b6e3a"))
            painter.drawText(
                QRect(inner.left(), y, inner.width(), fm.height()), Qt.AlignmentFlag.AlignRight, hours
            )
        y += fm.height() + round(3 * z)

        # Line 4: flags as small badges.
        flags = []
        if card.stepup_due:
            flags.append((_t("Step-up"), "#8a3ffc"))
        if card.no_cv:
            flags.append((_t("Intet CV"), "#b3261e"))
        if card.no_job_goal:
            flags.append((_t("Intet jobmål"), "#b3261e"))
        if card.absent:
            flags.append((_t("Fravær"), "#6b7280"))
        x = inner.left()
        for text, color in flags:
            width = fm.horizontalAdvance(text) + round(8 * z)
            if x + width > inner.right():
                break
            badge = QRectF(x, y, width, fm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(badge, 3 * z, 3 * z)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            x += width + round(4 * z)
