"""Step-up meetings: when a citizen in ressourceforløb is due (seeds/002 §18-19).

"Hvis der ikke er igangsat en virksomhedsrettet indsats senest 6 måneder efter, at
ressourceforløbet er bevilget, skal sagen i step-up; reglen gentages hver 6. måned for passive
forløb." The board shows the result as a flag; the Step-up page (issue 7) builds on it.

Decisions (docs/measures.md has none of these; they are stated here and tested):
- *Granted* is the start of the ressourceforløb the citizen is in today.
- A *company-directed offer* is virksomhedspraktik or løntilskud (virksomhedsrettet tilbud).
- The marks are 6, 12, 18 … months after the grant (the same day of the month, or the month's
  last day). At the newest mark that has come, the citizen is due when no company-directed
  offer touched the 6 months before it, none has touched the time since, and no step-up
  meeting has been held since the mark."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from fsm_desktop.domain.model import PeriodKind

COMPANY_DIRECTED = frozenset({PeriodKind.VIRKSOMHEDSPRAKTIK.value, PeriodKind.LOENTILSKUD.value})
INTERVAL_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def latest_mark(granted: dt.date, today: dt.date) -> dt.date | None:
    """The newest 6-month mark after the grant that is not after today."""
    k = ((today.year - granted.year) * 12 + today.month - granted.month) // INTERVAL_MONTHS + 1
    while k >= 1:
        mark = add_months(granted, INTERVAL_MONTHS * k)
        if mark <= today:
            return mark
        k -= 1
    return None


def due_since(
    granted: dt.date,
    offers: Iterable[tuple[dt.date, dt.date | None]],
    meetings: Iterable[dt.date],
    today: dt.date,
) -> dt.date | None:
    """The mark since which a citizen in ressourceforløb is due for a step-up meeting, or None.
    ``offers``: the company-directed offers (start, end or None = ongoing)."""
    mark = latest_mark(granted, today)
    if mark is None:
        return None
    window_start = add_months(mark, -INTERVAL_MONTHS)
    for start, end in offers:
        if start <= today and (end is None or end >= window_start):
            return None  # not passive: an offer in the window or since
    if any(mark <= day <= today for day in meetings):
        return None
    return mark
