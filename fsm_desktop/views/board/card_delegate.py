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


#: The card's parts: what a line of the card holds, left to right (the last one at the right).
#: name: the citizen's name; broker: the job broker's initials; cpr: the masked CPR and the
#: caseworker; days: days in the column; contact: days since the last contact; hours: paid
#: hours last month and the change; flags: the badges.
Line = tuple[str, ...]
#: A part placed on a card's line: (part, text, x from the inner left edge, width).
Placed = tuple[str, str, int, int]

#: The board's card (normal zoom): three lines, the badges beside the contact, words shortened
#: where a narrow column needs it ("336 d.", "kontakt 2 d.", "÷CV"; the tooltip says it all).
COMPACT: tuple[Line, ...] = (("name", "broker"), ("cpr", "days"), ("contact", "flags", "hours"))
#: Meeting mode's card: every text in full words, on as few lines as the column's width allows
#: for the longest texts ("kontakt for 999 d.", "9999 d. i kolonnen", "999,5 t. (+99,5)").
ROOMY: tuple[tuple[Line, ...], ...] = (
    (("name", "broker"), ("cpr", "days"), ("contact", "hours"), ("flags",)),
    (("name", "broker"), ("cpr",), ("days", "hours"), ("contact",), ("flags",)),
    (("name", "broker"), ("cpr",), ("days",), ("contact",), ("hours",), ("flags",)),
)
#: The longest texts a line must hold whole in meeting mode (the caseworker's initials at
#: their usual length; a longer name or initials are shortened with "…").
WIDEST = {
    "cpr": "000000-xxxx  ·  sb. MMMM",
    "days": "9999 d. i kolonnen",
    "contact": "kontakt for 999 d.",
    "hours": "999,5 t. (+99,5)",
}


class CardDelegate(QStyledItemDelegate):
    #: The width a card is laid out for until the board says how wide its columns are.
    BASE_WIDTH = 250
    #: Outer margin, padding across and down, and the gap between lines (at zoom 1).
    MARGIN, PAD_X, PAD_Y, LINE_GAP = 2, 6, 3, 1
    #: How many drawn cards are kept as pixmaps: a repaint (scrolling, the selection, the
    #: projector's window) copies them instead of laying out their text again.
    CACHE_SIZE = 240

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        #: Meeting mode: every text in full words (:data:`ROOMY`), else :data:`COMPACT`.
        self.roomy = False
        #: The columns' width (the board sets it as they resize); None: :attr:`BASE_WIDTH`.
        self.card_width: int | None = None
        self._drawn: OrderedDict[tuple, QPixmap] = OrderedDict()
        self._fonts: dict[tuple, tuple[QFont, QFont, QFontMetrics, QFontMetrics]] = {}
        #: The font the cards are drawn in (the view's, from the last size hint).
        self._font = QFont()

    # --- the layout ----------------------------------------------------------------------------
    def width(self) -> int:
        return self.card_width if self.card_width else round(self.BASE_WIDTH * self.zoom)

    def inner_width(self, width: int | None = None) -> int:
        z = self.zoom
        return (width or self.width()) - 2 * round(self.MARGIN * z) - 2 * round(self.PAD_X * z)

    def lines(self) -> tuple[Line, ...]:
        """The card's lines at the columns' width and this zoom: :data:`COMPACT`, or in
        meeting mode the first of :data:`ROOMY` whose lines hold the longest texts whole."""
        if not self.roomy:
            return COMPACT
        _, _, _, fm = self._text_fonts(self._font)
        room = self.inner_width()
        gap = round(12 * self.zoom)
        for lines in ROOMY:
            if all(
                sum(fm.horizontalAdvance(_t(WIDEST[part])) for part in line) + gap * (len(line) - 1)
                <= room
                for line in lines
                if all(part in WIDEST for part in line)
            ):
                return lines
        return ROOMY[-1]

    def card_height(self, lines: tuple[Line, ...] | None = None) -> int:
        z = self.zoom
        _, _, fm_bold, fm = self._text_fonts(self._font)
        lines = lines or self.lines()
        rest = len(lines) - 1
        return (
            2 * round(self.MARGIN * z)
            + 2 * round(self.PAD_Y * z)
            + fm_bold.height()
            + rest * (fm.height() + round(self.LINE_GAP * z))
        )

    def sizeHint(
        self, option: QStyleOptionViewItem | None, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        if option is not None:
            self._font = QFont(option.font)
        return QSize(self.width(), self.card_height())

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
        look depends only on its data, size, zoom, layout, font and state)."""
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
            self.roomy,
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

    # --- what a card says --------------------------------------------------------------------
    def texts(self, card: CardData, font: QFont | None = None, width: int | None = None):
        """What the card shows, line by line: a list of lines, each a list of
        ``(part, text, x, width)`` — x from the inner left edge, ``text`` drawn in ``width``
        pixels; for "flags" the text is the badges' texts joined by spaces. The drawing and
        the tests read the same list."""
        font = font or self._font
        _, _, fm_bold, fm = self._text_fonts(font)
        room = self.inner_width(width)
        laid_out: list[list[Placed]] = []
        lines = self.lines()
        if lines == COMPACT:
            return [self._name_line(card, fm_bold, room), *self._compact_lines(card, fm, room)]
        for line in lines:
            if line == ("name", "broker"):
                laid_out.append(self._name_line(card, fm_bold, room))
            elif line == ("cpr", "days"):
                laid_out.append(self._cpr_days_line(card, fm, room))
            else:
                laid_out.append(self._parts_line(card, fm, room, line))
        return laid_out

    @staticmethod
    def _hours_text(card: CardData) -> str:
        if card.hours_last_month is None:
            return ""
        hours = _t("{h} t.").format(h=number(card.hours_last_month, 1))
        if card.hours_change:
            hours += " ({sign}{d})".format(
                sign="+" if card.hours_change > 0 else "−", d=number(abs(card.hours_change), 1)
            )
        return hours

    @staticmethod
    def _contact_text(card: CardData, short: bool = False) -> str:
        if card.days_since_contact is None:
            return _t("ingen kontakt")
        if short:
            return _t("kontakt {n} d.").format(n=card.days_since_contact)
        return _t("kontakt for {n} d.").format(n=card.days_since_contact)

    @staticmethod
    def _days_text(card: CardData, short: bool = False) -> str:
        if card.days_in_column is None:
            return ""
        if short:
            return _t("{n} d.").format(n=card.days_in_column)
        return _t("{n} d. i kolonnen").format(n=card.days_in_column)

    @staticmethod
    def _cpr_text(card: CardData) -> str:
        if not card.caseworker:
            return card.masked_cpr
        return card.masked_cpr + "  ·  " + _t("sb. {initials}").format(initials=card.caseworker)

    @staticmethod
    def _name_line(card: CardData, fm_bold: QFontMetrics, room: int):
        """The name, the job broker's initials at the right."""
        initials = fm_bold.horizontalAdvance(card.job_broker) + 4 if card.job_broker else 0
        line = [("name", card.name, 0, room - initials)]
        if card.job_broker:
            line.append(("broker", card.job_broker, room - initials, initials))
        return line

    def _cpr_days_line(self, card: CardData, fm: QFontMetrics, room: int):
        """The masked CPR and caseworker, the days in the column at the right. What fits: the
        caseworker and the words "i kolonnen" go first on a narrow card (not in meeting mode,
        whose lines are chosen to hold them)."""
        days = self._days_text(card)
        cpr = self._cpr_text(card)
        if not self.roomy:
            if days and fm.horizontalAdvance(card.masked_cpr + days) + 12 > room:
                days = self._days_text(card, short=True)
            days_width = fm.horizontalAdvance(days) + 4 if days else 0
            if fm.horizontalAdvance(cpr) + days_width + 8 > room:
                cpr = card.masked_cpr
        days_width = fm.horizontalAdvance(days) + 4 if days else 0
        line = [("cpr", cpr, 0, room - days_width)]
        if days:
            line.append(("days", days, room - days_width, days_width))
        return line

    def _compact_lines(self, card: CardData, fm: QFontMetrics, room: int):
        """The compact card's second and third lines. The hours sit at the right of the
        contact; where the badges then do not all fit, the hours move up beside the days (in
        short words) if that leaves the contact's line room for every badge."""
        second = self._cpr_days_line(card, fm, room)
        third, whole = self._contact_flags_hours_line(card, fm, room, with_hours=True)
        hours = self._hours_text(card)
        if whole or not hours:
            return second, third
        days = self._days_text(card, short=True)
        hours_width = fm.horizontalAdvance(hours) + 4
        days_width = fm.horizontalAdvance(days) + round(10 * self.zoom) if days else 0
        if fm.horizontalAdvance(card.masked_cpr) + days_width + hours_width + 6 > room:
            return second, third
        moved, whole = self._contact_flags_hours_line(card, fm, room, with_hours=False)
        if not whole:
            return second, third
        second = [("cpr", card.masked_cpr, 0, room - days_width - hours_width)]
        if days:
            second.append(("days", days, room - days_width - hours_width, days_width))
        second.append(("hours", hours, room - hours_width, hours_width))
        return second, moved

    def _contact_flags_hours_line(
        self, card: CardData, fm: QFontMetrics, room: int, with_hours: bool
    ):
        """The contact at the left, the paid hours at the right (``with_hours``), the badges
        between (in short words or "+n" where they do not fit; the contact in short words
        first). Returns the line and whether every badge is shown (no "+n")."""
        hours = self._hours_text(card) if with_hours else ""
        hours_width = fm.horizontalAdvance(hours) + 6 if hours else 0
        gap = round(6 * self.zoom)
        best = None
        for short in (False, True):
            contact = self._contact_text(card, short)
            contact_width = min(fm.horizontalAdvance(contact) + 2, room - hours_width)
            flags_room = room - hours_width - contact_width - gap
            badges = self.badges(card, fm, flags_room)
            shown = sum(int(t[1:]) if t.startswith("+") else 1 for t, _ in badges)
            whole = not any(t.startswith("+") for t, _ in badges)
            if best is None or (whole and not best[0]) or shown > best[1]:
                best = (whole, shown, contact, contact_width, flags_room, badges)
            if whole and not any(t.startswith("÷") for t, _ in badges):
                break
        assert best is not None
        whole, _, contact, contact_width, flags_room, badges = best
        line = [("contact", contact, 0, contact_width)]
        if badges:
            line.append(
                ("flags", " ".join(t for t, _ in badges), contact_width + gap, max(flags_room, 0))
            )
        if hours:
            line.append(("hours", hours, room - hours_width, hours_width))
        return line, whole

    def _parts_line(self, card: CardData, fm: QFontMetrics, room: int, line: Line):
        """A meeting-mode line: its parts whole, the first at the left, the last at the right."""
        texts = {
            "cpr": self._cpr_text(card),
            "days": self._days_text(card),
            "contact": self._contact_text(card),
            "hours": self._hours_text(card),
        }
        if line == ("flags",):
            badges = self.badges(card, fm, room)
            return [("flags", " ".join(t for t, _ in badges), 0, room)] if badges else []
        parts = [(part, texts[part]) for part in line if texts[part]]
        laid_out: list[Placed] = []
        if not parts:
            return laid_out
        first, *rest = parts
        right = [(p, t, fm.horizontalAdvance(t) + 4) for p, t in rest]
        right_width = sum(w for *_, w in right)
        laid_out.append((first[0], first[1], 0, room - right_width))
        x = room - right_width
        for part, text, width in right:
            laid_out.append((part, text, x, width))
            x += width
        return laid_out

    # --- drawing ------------------------------------------------------------------------------
    def _draw_card(
        self,
        painter: QPainter,
        frame: QRect,
        font: QFont,
        card: CardData,
        selected: bool,
        focused: bool,
    ) -> None:
        """The card's layers: the frame, then its lines (:meth:`texts`); an empty line leaves
        its room at the bottom of the card."""
        z = self.zoom
        inner = self._draw_frame(painter, frame, card, selected, focused)
        bold, small, fm_bold, fm = self._text_fonts(font)
        y = inner.top()
        late = card.days_since_contact is None or card.days_since_contact > CONTACT_WARNING_DAYS
        colours = {
            "name": QColor("#1d2430"),
            "broker": QColor("#2f6fca"),
            "cpr": QColor("#4a5361"),
            "days": QColor("#4a5361"),
            "contact": QColor("#b3261e") if late else QColor("#4a5361"),
            "hours": QColor("#1b6e3a"),
        }
        for number_, line in enumerate(self.texts(card, font, frame.width())):
            if not line:  # nothing to say there (no paid hours): the next line moves up
                continue
            metrics = fm_bold if number_ == 0 else fm
            painter.setFont(bold if number_ == 0 else small)
            for part, text, x, width in line:
                if part == "flags":
                    badges = QRect(inner.left() + x, y, width, fm.height())
                    self._draw_flags(painter, badges, fm, card)
                    continue
                align = Qt.AlignmentFlag.AlignLeft if x == 0 else Qt.AlignmentFlag.AlignRight
                painter.setPen(colours[part])
                painter.drawText(
                    QRect(inner.left() + x, y, width, metrics.height()),
                    align | Qt.AlignmentFlag.AlignVCenter,
                    metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0)),
                )
            y += metrics.height() + round(self.LINE_GAP * z)

    def _draw_frame(
        self, painter: QPainter, frame: QRect, card: CardData, selected: bool, focused: bool
    ) -> QRect:
        """The rounded card in its state's colours; returns the room inside its padding."""
        z = self.zoom
        margin = round(self.MARGIN * z)
        rect = QRectF(frame).adjusted(margin, margin, -margin, -margin)
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
        painter.drawRoundedRect(rect, 5 * z, 5 * z)
        pad_x, pad_y = round(self.PAD_X * z), round(self.PAD_Y * z)
        return rect.adjusted(pad_x, pad_y, -pad_x, -pad_y).toRect()

    def _draw_flags(self, painter: QPainter, room: QRect, fm: QFontMetrics, card: CardData) -> None:
        """The flags as small badges, from the left of ``room``."""
        z = self.zoom
        x = room.left()
        for text, color in self.badges(card, fm, room.width()):
            width = fm.horizontalAdvance(text) + round(8 * z)
            badge = QRectF(x, room.top(), width, fm.height())
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
