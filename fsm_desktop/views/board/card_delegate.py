"""The board card: a painting delegate over an item model (conventions.md §6).

One ``CardData`` per citizen lives in the model under ``CARD_ROLE``; the delegate paints it
and gives a fixed size hint, so a list of 20,000 cards costs only the visible ones. A row
without a card is an empty place in a swimlane (``SLOT_ROLE``: a faint line where a new lane
begins) or a collapsed lane's cell (``SUMMARY_ROLE``: "12 borgere")."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from fsm_desktop.domain.danish import number
from fsm_desktop.views.kit.wording import citizens_text

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
#: On an empty row: True when it is the first row of its lane (a line is drawn above it).
SLOT_ROLE = Qt.ItemDataRole.UserRole + 2
#: On a collapsed lane's row: how many cards the cell holds.
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 3
#: True on every row that begins a lane (cards too).
LANE_START_ROLE = Qt.ItemDataRole.UserRole + 4

#: After this many days without contact the card shows it (BIR asks for weekly contact).
CONTACT_WARNING_DAYS = 7


@dataclass(frozen=True, slots=True)
class CardData:
    citizen_id: str
    name: str
    masked_cpr: str
    job_broker: str = ""  # initials
    caseworker: str = ""  # initials
    days_in_column: int | None = None
    days_since_contact: int | None = None
    hours_last_month: float | None = None
    hours_change: float | None = None
    stepup_due: bool = False
    no_cv: bool = False
    no_job_goal: bool = False
    absent: bool = False
    changed_since_meeting: bool = False
    stepup_overdue: bool = False


#: The flag badges in the order drawn: (CardData field, badge, short badge, colour). The short
#: badges are used when the full ones do not all fit; what still does not fit is a "+n" badge
#: (the tooltip and the accessible text name every flag).
FLAG_BADGES = (
    ("stepup_due", "Step-up", "Step-up", "#8a3ffc"),
    ("no_cv", "Intet CV", "÷CV", "#b3261e"),
    ("no_job_goal", "Intet jobmål", "÷Jobmål", "#b3261e"),
    ("absent", "Fravær", "Fravær", "#6b7280"),
    ("stepup_overdue", "Opfølgning", "Opf.", "#a15c00"),
)
MORE_COLOUR = "#4a5361"


def _t(text: str) -> str:
    return QCoreApplication.translate("CardDelegate", text)


class CardDelegate(QStyledItemDelegate):
    BASE_SIZE = QSize(250, 92)
    #: How many drawn cards are kept as pixmaps: a repaint (scrolling, the selection, the
    #: projector's window) copies them instead of laying out their text again.
    CACHE_SIZE = 240

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self._drawn: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._fonts: dict[tuple, tuple[QFont, QFont, QFontMetrics, QFontMetrics]] = {}

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(
            round(self.BASE_SIZE.width() * self.zoom), round(self.BASE_SIZE.height() * self.zoom)
        )

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CARD_ROLE)
        painter.save()
        try:
            if index.data(LANE_START_ROLE) and index.row() > 0:
                painter.setPen(QPen(QColor("#aab3c0"), 1))
                painter.drawLine(option.rect.topLeft(), option.rect.topRight())
            if isinstance(card, CardData):
                self._paint_card(painter, option, card)
            else:
                count = index.data(SUMMARY_ROLE)
                if count is not None:
                    self._paint_summary(painter, option, count)
        finally:
            painter.restore()

    def _paint_summary(self, painter: QPainter, option: QStyleOptionViewItem, count: int) -> None:
        z = self.zoom
        rect = QRectF(option.rect).adjusted(3 * z, 3 * z, -3 * z, -3 * z)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor("#c9ced6"), 1, Qt.PenStyle.DashLine))
        painter.setBrush(QColor("#eef1f5"))
        painter.drawRoundedRect(rect, 6 * z, 6 * z)
        font = QFont(option.font)
        font.setPointSizeF(max(6.0, font.pointSizeF() * z))
        painter.setFont(font)
        painter.setPen(QColor("#4a5361"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, citizens_text(count))

    def _paint_card(self, painter: QPainter, option: QStyleOptionViewItem, card: CardData) -> None:
        """The card from the cache of drawn cards, drawn first when it is not there (a card's
        look depends only on its data, size, zoom, font and state)."""
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        size = option.rect.size()
        ratio = painter.device().devicePixelRatioF()
        key = (
            card,
            size.width(),
            size.height(),
            selected,
            focused,
            self.zoom,
            option.font.key(),
            ratio,
        )
        pixmap = self._drawn.get(key)
        if pixmap is None:
            pixmap = QPixmap(size * ratio)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            own = QPainter(pixmap)
            try:
                self._draw_card(
                    own, QRect(QPoint(0, 0), size), option.font, card, selected, focused
                )
            finally:
                own.end()
            self._drawn[key] = pixmap
            if len(self._drawn) > self.CACHE_SIZE:
                self._drawn.popitem(last=False)  # the one drawn longest ago
        else:
            self._drawn.move_to_end(key)
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def _text_fonts(self, font: QFont) -> tuple[QFont, QFont, QFontMetrics, QFontMetrics]:
        """The name's bold font and the small one at this zoom, with their metrics."""
        key = (font.key(), self.zoom)
        found = self._fonts.get(key)
        if found is None:
            base = QFont(font)
            base.setPointSizeF(max(6.0, base.pointSizeF() * self.zoom))
            bold = QFont(base)
            bold.setBold(True)
            small = QFont(base)
            small.setPointSizeF(base.pointSizeF() * 0.9)
            found = self._fonts[key] = (bold, small, QFontMetrics(bold), QFontMetrics(small))
        return found

    def _draw_card(
        self,
        painter: QPainter,
        frame: QRect,
        font: QFont,
        card: CardData,
        selected: bool,
        focused: bool,
    ) -> None:
        """The card's layers: the frame, the name and initials, two lines of text, the flags."""
        z = self.zoom
        inner = self._draw_frame(painter, frame, card, selected, focused)
        bold, small, fm_bold, fm = self._text_fonts(font)
        self._draw_name(painter, inner, bold, fm_bold, card)
        painter.setFont(small)
        y = inner.top() + fm_bold.height() + round(2 * z)
        self._draw_cpr_line(painter, inner, y, fm, card)
        y += fm.height()
        self._draw_contact_line(painter, inner, y, fm, card)
        y += fm.height() + round(3 * z)
        self._draw_flags(painter, inner, y, fm, card)

    def _draw_frame(
        self, painter: QPainter, frame: QRect, card: CardData, selected: bool, focused: bool
    ) -> QRect:
        """The rounded card in its state's colours; returns the room inside its padding."""
        z = self.zoom
        rect = QRectF(frame).adjusted(3 * z, 3 * z, -3 * z, -3 * z)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        background = QColor("#fff8d6") if card.changed_since_meeting else QColor("#ffffff")
        if selected:
            background = QColor("#dbe8fb")
        painter.setPen(
            QPen(
                QColor("#2f6fca") if (selected or focused) else QColor("#c9ced6"),
                2 if focused else 1,
            )
        )
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 6 * z, 6 * z)
        pad = 8 * z
        return rect.adjusted(pad, pad * 0.75, -pad, -pad * 0.75).toRect()

    @staticmethod
    def _draw_name(
        painter: QPainter, inner: QRect, bold: QFont, fm_bold: QFontMetrics, card: CardData
    ) -> None:
        """Line 1: the name, the job broker's initials at the right."""
        painter.setFont(bold)
        painter.setPen(QColor("#1d2430"))
        initials_width = fm_bold.horizontalAdvance(card.job_broker) + 4 if card.job_broker else 0
        name_rect = QRect(
            inner.left(), inner.top(), inner.width() - initials_width, fm_bold.height()
        )
        painter.drawText(
            name_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm_bold.elidedText(card.name, Qt.TextElideMode.ElideRight, name_rect.width()),
        )
        if card.job_broker:
            painter.setPen(QColor("#2f6fca"))
            painter.drawText(
                QRect(
                    inner.right() - initials_width, inner.top(), initials_width, fm_bold.height()
                ),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                card.job_broker,
            )

    @staticmethod
    def _draw_cpr_line(
        painter: QPainter, inner: QRect, y: int, fm: QFontMetrics, card: CardData
    ) -> None:
        """Line 2: masked CPR and caseworker; days in the column at the right. What fits: the
        caseworker and the words "i kolonnen" go first on a narrow card."""
        line2 = card.masked_cpr
        days = ""
        if card.days_in_column is not None:
            days = _t("{n} d. i kolonnen").format(n=card.days_in_column)
            if fm.horizontalAdvance(line2 + days) + 12 > inner.width():
                days = _t("{n} d.").format(n=card.days_in_column)
        days_width = fm.horizontalAdvance(days) + 4 if days else 0
        if card.caseworker:
            with_caseworker = (
                line2 + "  ·  " + _t("sb. {initials}").format(initials=card.caseworker)
            )
            if fm.horizontalAdvance(with_caseworker) + days_width + 8 <= inner.width():
                line2 = with_caseworker
        painter.setPen(QColor("#4a5361"))
        painter.drawText(
            QRect(inner.left(), y, inner.width() - days_width, fm.height()),
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(line2, Qt.TextElideMode.ElideRight, inner.width() - days_width),
        )
        if days:
            painter.drawText(
                QRect(inner.right() - days_width, y, days_width, fm.height()),
                Qt.AlignmentFlag.AlignRight,
                days,
            )

    @staticmethod
    def _draw_contact_line(
        painter: QPainter, inner: QRect, y: int, fm: QFontMetrics, card: CardData
    ) -> None:
        """Line 3: paid hours at the right first; the contact takes the room that is left."""
        hours = ""
        if card.hours_last_month is not None:
            hours = _t("{h} t.").format(h=number(card.hours_last_month, 1))
            if card.hours_change:
                hours += " ({sign}{d})".format(
                    sign="+" if card.hours_change > 0 else "−", d=number(abs(card.hours_change), 1)
                )
        hours_width = fm.horizontalAdvance(hours) + 6 if hours else 0
        room = inner.width() - hours_width
        if card.days_since_contact is None:
            contact = _t("ingen kontakt")
        else:
            contact = _t("kontakt for {n} d.").format(n=card.days_since_contact)
            if fm.horizontalAdvance(contact) > room:
                contact = _t("kontakt {n} d.").format(n=card.days_since_contact)
        late = card.days_since_contact is None or card.days_since_contact > CONTACT_WARNING_DAYS
        painter.setPen(QColor("#b3261e") if late else QColor("#4a5361"))
        painter.drawText(
            QRect(inner.left(), y, room, fm.height()),
            Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(contact, Qt.TextElideMode.ElideRight, room),
        )
        if hours:
            painter.setPen(QColor("#1b6e3a"))
            painter.drawText(
                QRect(inner.right() - hours_width, y, hours_width, fm.height()),
                Qt.AlignmentFlag.AlignRight,
                hours,
            )

    def _draw_flags(
        self, painter: QPainter, inner: QRect, y: int, fm: QFontMetrics, card: CardData
    ) -> None:
        """Line 4: the flags as small badges."""
        z = self.zoom
        x = inner.left()
        for text, color in self.badges(card, fm, inner.width()):
            width = fm.horizontalAdvance(text) + round(8 * z)
            badge = QRectF(x, y, width, fm.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
            painter.drawRoundedRect(badge, 3 * z, 3 * z)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            x += width + round(4 * z)

    def badges(self, card: CardData, fm: QFontMetrics, room: int) -> list[tuple[str, str]]:
        """The flag badges (text, colour) that fit in ``room`` pixels: every flag in full words,
        or else in short ones, or else as many short ones as fit and "+n" for the rest."""
        flags = [
            (_t(text), _t(short), color)
            for field, text, short, color in FLAG_BADGES
            if getattr(card, field)
        ]
        pad, gap = round(8 * self.zoom), round(4 * self.zoom)

        def width(texts: list[str]) -> int:
            return sum(fm.horizontalAdvance(t) + pad for t in texts) + gap * max(0, len(texts) - 1)

        colors = [color for *_, color in flags]
        for texts in ([text for text, _, _ in flags], [short for _, short, _ in flags]):
            if width(texts) <= room:
                return list(zip(texts, colors))
        shorts = [short for _, short, _ in flags]
        for shown in range(len(flags) - 1, -1, -1):
            more = f"+{len(flags) - shown}"
            if width([*shorts[:shown], more]) <= room:
                return [*zip(shorts[:shown], colors[:shown]), (more, MORE_COLOUR)]
        return []
