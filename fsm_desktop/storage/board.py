"""The four-way board in the project file: the cards (one query per fact, for 20,000 citizens
at once), moves with their log, undoing them, handing a citizen to another caseworker or job
broker from the board, and meeting snapshots.

A move writes, in one transaction: a row in the move log (``board_move``: who, when, from,
to, reason), the citizen's current column (``placement``), and an audit entry. Undoing a move
deletes the log rows it wrote and puts the placement back as it was (days in a column are
counted from the log, so a mistaken drag must leave no trace there); the audit log keeps both."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fsm_desktop.domain.board import NOT_AT_MEETING, BoardCard
from fsm_desktop.domain.citizen_edit import plan_handover
from fsm_desktop.domain.danish import date_text
from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.model import (
    BOARD_LABELS,
    AssignmentRole,
    BoardColumn,
    IsoDates,
    PeriodCategory,
    new_id,
)
from fsm_desktop.storage.audit import AuditLog
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import NOT_LEFT_SQL


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _column(value: str | None) -> BoardColumn | None:
    return BoardColumn(value) if value else None


def _label(column: BoardColumn | None) -> str:
    return BOARD_LABELS[column] if column else "ikke placeret"


class MovedSince(KnownError):
    """An undo of a board move refused: the card was moved again since (by anyone)."""


@dataclass(frozen=True, slots=True)
class MoveRecord:
    """One citizen's move as written: enough to undo it exactly."""

    citizen_id: str
    move_id: str
    from_column: BoardColumn | None
    to_column: BoardColumn | None
    previous_since: str | None  # the placement's "since" before the move (None: not placed)
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reassignment:
    """A citizen handed to another caseworker or job broker from the board (undoable)."""

    citizen_id: str
    role: AssignmentRole
    new_id: str | None  # the assignment started (None: an assignment of today taken over)
    ended_id: str | None  # the assignment ended (or taken over)
    ended_old_end: str | None
    taken_over_from: str | None  # staff id, when an assignment of today was taken over


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    date: dt.date
    at: dt.datetime
    by_user: str
    attendees: list[str]
    note: str
    counts: dict[BoardColumn | None, int]


class BoardRepository:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.db = project.db
        self.conn = project.db.conn

    # --- reading ------------------------------------------------------------------------------
    def counts(self, today: dt.date | None = None) -> dict[BoardColumn | None, int]:
        """Citizens per board column; ``None`` = not placed. Citizens who left the target group
        are not on the board; a closed case ("andet") stays (domain.md)."""
        day = (today or dt.date.today()).isoformat()
        rows = self.conn.execute(
            "SELECT p.board_column, count(*) FROM citizen c "
            "LEFT JOIN placement p ON p.citizen_id = c.id "
            f"WHERE {NOT_LEFT_SQL} GROUP BY p.board_column",
            [day],
        ).fetchall()
        counts: dict[BoardColumn | None, int] = dict.fromkeys(BoardColumn, 0)
        counts[None] = 0
        for column, n in rows:
            counts[_column(column)] = n
        return counts

    def cards(self, today: dt.date, include_left: bool = False) -> list[BoardCard]:
        """Every citizen on the board today (not left the target group), with what a card says;
        with ``include_left`` (the citizen register) also those who left, with exit date and
        reason. Step-up is the operation's to judge (operations.board.board_cards)."""
        day = today.isoformat()
        cards = self._citizen_cards(day, include_left)
        self._placed_since(cards)
        self._assignments(cards, day)
        self._last_contacts(cards, day)
        self._paid_hours(cards, today)
        self._status(cards, day)
        self._offers(cards, day)
        self._absence(cards, day)
        self._meeting(cards)
        return list(cards.values())

    def _citizen_cards(self, day: str, include_left: bool) -> dict[str, BoardCard]:
        """A card per citizen on the board (with ``include_left`` every citizen), by id."""
        cards: dict[str, BoardCard] = {}
        dates = IsoDates()
        left = f"NOT ({NOT_LEFT_SQL})"
        for cid, name, cpr, grp, column, entry, gone, exit_date, reason in self.conn.execute(
            f"SELECT c.id, c.name, c.cpr, c.grp, p.board_column, c.entry_date, {left}, c.exit_date, c.exit_reason "
            "FROM citizen c LEFT JOIN placement p ON p.citizen_id = c.id"
            + ("" if include_left else f" WHERE {NOT_LEFT_SQL}"),
            [day] if include_left else [day, day],
        ):
            card = cards[cid] = BoardCard(
                cid, name, cpr, grp, _column(column), entry_date=dates.of(entry)
            )
            if gone:
                card.exit_date, card.exit_reason = dates.of(exit_date), reason or ""
        return cards

    def _placed_since(self, cards: dict[str, BoardCard]) -> None:
        """When each placed citizen came into the current column: the newest move in the log —
        by time, then by the order written (two moves in one second have the same time). One
        index look-up per citizen (faster than a window over the whole log)."""
        for cid, at, to in self.conn.execute(
            "SELECT p.citizen_id, m.at, m.to_column FROM placement p JOIN board_move m ON m.rowid = "
            "(SELECT rowid FROM board_move WHERE citizen_id = p.citizen_id ORDER BY at DESC, rowid DESC LIMIT 1)"
        ):
            card = cards.get(cid)
            if card is not None and card.column is not None and to == card.column.value:
                card.since = dt.datetime.fromisoformat(at)

    def _assignments(self, cards: dict[str, BoardCard], day: str) -> None:
        """The caseworker and the job broker assigned today (the newest start per role)."""
        for cid, role, staff_id, initials, _start in self.conn.execute(
            "SELECT a.citizen_id, a.role, a.staff_id, s.initials, max(a.start) FROM assignment a "
            "JOIN staff s ON s.id = a.staff_id WHERE a.start <= ? AND (a.end IS NULL OR a.end >= ?) "
            "GROUP BY a.citizen_id, a.role",
            [day, day],
        ):
            card = cards.get(cid)
            if card is None:
                continue
            if role == "jobformidler":
                card.job_broker_id, card.job_broker = staff_id, initials
            else:
                card.caseworker_id, card.caseworker = staff_id, initials

    def _last_contacts(self, cards: dict[str, BoardCard], day: str) -> None:
        for cid, last in self.conn.execute(
            "SELECT citizen_id, max(date) FROM contact WHERE date <= ? GROUP BY citizen_id", [day]
        ):
            card = cards.get(cid)
            if card is not None:
                card.last_contact = dt.date.fromisoformat(last)

    def _paid_hours(self, cards: dict[str, BoardCard], today: dt.date) -> None:
        """Paid hours of last month and the month before."""
        first_of_month = today.replace(day=1)
        last_month = (first_of_month - dt.timedelta(days=1)).strftime("%Y-%m")
        month_before = (first_of_month - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)
        month_before_key = month_before.strftime("%Y-%m")
        for cid, month, hours in self.conn.execute(
            "SELECT citizen_id, month, hours FROM paid_hours WHERE month IN (?, ?)",
            [last_month, month_before_key],
        ):
            card = cards.get(cid)
            if card is not None:
                if month == last_month:
                    card.hours_last_month = hours
                else:
                    card.hours_month_before = hours

    def _status(self, cards: dict[str, BoardCard], day: str) -> None:
        """No CV on Jobnet, no job goal: from the newest status entries up to today."""
        status: dict[tuple[str, str], str] = {}
        for cid, kind, value in self.conn.execute(
            "SELECT citizen_id, kind, value FROM status_entry WHERE date <= ? ORDER BY date, rowid",
            [day],
        ):
            status[(cid, kind)] = value
        for cid, card in cards.items():
            card.no_cv = status.get((cid, "cv_jobnet"), "nej").lower() != "ja"
            card.no_job_goal = not status.get((cid, "jobmaal"), "").strip()

    def _offers(self, cards: dict[str, BoardCard], day: str) -> None:
        """The offer running today (the latest started)."""
        offers = [
            kind.value
            for kind in self.project.template.kinds()
            if kind.category is PeriodCategory.OFFER
        ]
        marks = ", ".join("?" * len(offers))
        for cid, kind in self.conn.execute(
            f"SELECT citizen_id, kind FROM period WHERE kind IN ({marks}) AND start <= ? AND (end IS NULL OR end >= ?) "
            "ORDER BY start",
            [*offers, day, day],
        ):
            card = cards.get(cid)
            if card is not None:
                card.current_offer = kind

    def _absence(self, cards: dict[str, BoardCard], day: str) -> None:
        """Absent or exempted today."""
        for (cid,) in self.conn.execute(
            "SELECT DISTINCT citizen_id FROM period WHERE kind IN ('fravaer', 'fritagelse') "
            "AND start <= ? AND (end IS NULL OR end >= ?)",
            [day, day],
        ):
            card = cards.get(cid)
            if card is not None:
                card.absent = True

    def _meeting(self, cards: dict[str, BoardCard]) -> None:
        card: BoardCard | None  # looked up by id below: a citizen may be missing
        meeting = self.conn.execute(
            "SELECT id, at, move_rowid FROM board_meeting ORDER BY at DESC, rowid DESC LIMIT 1"
        ).fetchone()
        if meeting is None:
            for card in cards.values():
                card.meeting_column = card.column  # nothing to compare with: nothing changed
            return
        meeting_id, at, move_rowid = meeting
        for cid, column in self.conn.execute(
            "SELECT citizen_id, board_column FROM board_snapshot WHERE meeting_id = ?", [meeting_id]
        ):
            card = cards.get(cid)
            if card is not None:
                card.meeting_column = _column(column)
        # Later than the meeting; in the meeting's own second, written after it (the clock has
        # only seconds). By time first: moves merged from a laptop keep their own times.
        for (cid,) in self.conn.execute(
            "SELECT DISTINCT citizen_id FROM board_move WHERE at > ? OR (at = ? AND rowid > ?)",
            [at, at, move_rowid],
        ):
            card = cards.get(cid)
            if card is not None:
                card.moved_since_meeting = True

    def has_meeting(self) -> bool:
        return self.conn.execute("SELECT 1 FROM board_meeting LIMIT 1").fetchone() is not None

    def moves(
        self, citizen_id: str
    ) -> list[tuple[dt.datetime, str, BoardColumn | None, BoardColumn, str]]:
        """A citizen's move log: (when, who, from, to, reason), oldest first."""
        return [
            (dt.datetime.fromisoformat(at), by, _column(f), BoardColumn(t), reason)
            for at, by, f, t, reason in self.conn.execute(
                "SELECT at, by_user, from_column, to_column, reason FROM board_move WHERE citizen_id = ? ORDER BY at, rowid",
                [citizen_id],
            )
        ]

    # --- moving ---------------------------------------------------------------------------------
    def move(
        self,
        citizen_ids: Sequence[str],
        to: BoardColumn,
        reason: str = "",
        at: dt.datetime | None = None,
    ) -> list[MoveRecord]:
        """Move citizens to a column in one transaction: the move log, the placement, the audit
        log. A citizen already in the column is left alone (no log row)."""
        at = at or _now()
        stamp = at.isoformat()
        user = self.project.user
        records: list[MoveRecord] = []
        with self.db.atomic():
            current = self._placements(citizen_ids)  # read under the write lock: current
            for cid in citizen_ids:
                column, since = current.get(cid, (None, None))
                if column == to:
                    continue
                move_id = new_id()
                self.conn.execute(
                    "INSERT INTO board_move (id, citizen_id, at, by_user, from_column, to_column, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [move_id, cid, stamp, user, column.value if column else None, to.value, reason],
                )
                self.conn.execute(
                    "INSERT INTO placement (citizen_id, board_column, since) VALUES (?, ?, ?) "
                    "ON CONFLICT(citizen_id) DO UPDATE SET board_column = excluded.board_column, since = excluded.since",
                    [cid, to.value, stamp],
                )
                self._audit(
                    cid,
                    "move",
                    "board_move",
                    move_id,
                    "kolonne",
                    _label(column),
                    _label(to) + (f" ({reason})" if reason else ""),
                    stamp,
                )
                records.append(MoveRecord(cid, move_id, column, to, since, at))
        return records

    def undo_moves(self, records: Iterable[MoveRecord]) -> None:
        """Put the placements back as they were and take the moves out of the log. Refused
        (nothing written) when a card was moved since, by anyone: its placement is no longer
        the move being undone, and putting it back would undo a colleague's later move."""
        stamp = _now().isoformat()
        records = list(records)
        with self.db.atomic():
            self._refuse_if_moved_since(records)
            for r in records:
                self.conn.execute("DELETE FROM board_move WHERE id = ?", [r.move_id])
                if r.from_column is None:
                    self.conn.execute("DELETE FROM placement WHERE citizen_id = ?", [r.citizen_id])
                else:
                    self.conn.execute(
                        "UPDATE placement SET board_column = ?, since = ? WHERE citizen_id = ?",
                        [r.from_column.value, r.previous_since, r.citizen_id],
                    )
                self._audit(
                    r.citizen_id,
                    "undo_move",
                    "board_move",
                    r.move_id,
                    "kolonne",
                    _label(r.to_column),
                    _label(r.from_column),
                    stamp,
                )

    def _refuse_if_moved_since(self, records: Sequence[MoveRecord]) -> None:
        for r in records:
            newest = self.conn.execute(
                "SELECT m.id, m.by_user, m.at, c.name FROM board_move m JOIN citizen c ON c.id = m.citizen_id "
                "WHERE m.citizen_id = ? ORDER BY m.at DESC, m.rowid DESC LIMIT 1",
                [r.citizen_id],
            ).fetchone()
            placed = self._placements([r.citizen_id]).get(r.citizen_id, (None, None))[0]
            if newest is None or newest[0] != r.move_id or placed != r.to_column:
                name = newest[3] if newest else self._name(r.citizen_id)
                if newest is not None and newest[0] != r.move_id:
                    at = dt.datetime.fromisoformat(newest[2])
                    raise MovedSince(
                        "{name} er flyttet igen siden (af {user} den {date} kl. {clock}). Flytningen kan ikke "
                        "fortrydes; flyt kortet, hvis det skal et andet sted hen.",
                        name=name,
                        user=newest[1],
                        date=date_text(at),
                        clock=at.strftime("%H.%M"),
                    )
                raise MovedSince(
                    "{name} står ikke længere, hvor flytningen satte kortet. Flytningen kan ikke fortrydes.",
                    name=name,
                )

    def _name(self, citizen_id: str) -> str:
        row = self.conn.execute("SELECT name FROM citizen WHERE id = ?", [citizen_id]).fetchone()
        return row[0] if row else "Borgeren"

    def _placements(
        self, citizen_ids: Sequence[str]
    ) -> dict[str, tuple[BoardColumn | None, str | None]]:
        found = {}
        for start in range(0, len(citizen_ids), 900):
            chunk = list(citizen_ids[start : start + 900])
            marks = ", ".join("?" * len(chunk))
            for cid, column, since in self.conn.execute(
                f"SELECT citizen_id, board_column, since FROM placement WHERE citizen_id IN ({marks})",
                chunk,
            ):
                found[cid] = (_column(column), since)
        return found

    def _audit(
        self,
        citizen_id: str,
        action: str,
        entity: str,
        entity_id: str | None,
        field: str,
        old: str | None,
        new: str | None,
        at: str,
    ) -> None:
        AuditLog(self.project).change(action, entity, entity_id, citizen_id, field, old, new, at)

    # --- handing over from the board ----------------------------------------------------------
    def move_and_hand_over(
        self,
        citizen_ids: Sequence[str],
        to: BoardColumn,
        role: AssignmentRole,
        staff_id: str,
        day: dt.date,
        reason: str = "",
        at: dt.datetime | None = None,
    ) -> tuple[list[MoveRecord], list[Reassignment]]:
        """A drop in another lane: move the citizens to a column and hand them to ``staff_id``
        as ``role`` from ``day`` — in one transaction, so both are written or neither."""
        with self.db.atomic():
            records = self.move(citizen_ids, to, reason, at)
            changes = [self.reassign(cid, role, staff_id, day) for cid in citizen_ids]
        return records, [change for change in changes if change is not None]

    def undo_move_and_hand_over(
        self, records: Iterable[MoveRecord], changes: Sequence[Reassignment]
    ) -> None:
        """Take back a move and its hand-overs in one transaction."""
        with self.db.atomic():
            for change in reversed(changes):
                self.undo_reassign(change)
            self.undo_moves(records)

    def reassign(
        self, citizen_id: str, role: AssignmentRole, staff_id: str, day: dt.date
    ) -> Reassignment | None:
        """From ``day`` the citizen has ``staff_id`` as caseworker / job broker: the open
        assignment ends the day before and a new one starts (seeds/003 registration §3); one
        that began on ``day`` is taken over instead. None when nothing changes."""
        stamp = _now().isoformat()
        open_row = self.conn.execute(
            "SELECT id, staff_id, start, end FROM assignment WHERE citizen_id = ? AND role = ? AND start <= ? "
            "AND (end IS NULL OR end >= ?) ORDER BY start DESC, rowid DESC LIMIT 1",
            [citizen_id, role.value, day.isoformat(), day.isoformat()],
        ).fetchone()
        initials = dict(self.conn.execute("SELECT id, initials FROM staff"))
        current = (
            (open_row[0], open_row[1], dt.date.fromisoformat(open_row[2])) if open_row else None
        )
        plan = plan_handover(current, staff_id, day)
        if plan is None:
            return None
        with self.db.atomic():
            if plan.take_over_id is not None:
                aid, old_staff, _start, end = open_row
                self.conn.execute(
                    "UPDATE assignment SET staff_id = ? WHERE id = ?", [staff_id, aid]
                )
                self._audit(
                    citizen_id,
                    "reassign",
                    "assignment",
                    aid,
                    role.value,
                    initials.get(old_staff),
                    initials.get(staff_id),
                    stamp,
                )
                return Reassignment(citizen_id, role, None, aid, end, old_staff)
            if plan.end_id is not None:
                previous = (day - dt.timedelta(days=1)).isoformat()
                self.conn.execute(
                    "UPDATE assignment SET end = ? WHERE id = ?", [previous, plan.end_id]
                )
            new = new_id()
            self.conn.execute(
                "INSERT INTO assignment (id, citizen_id, staff_id, role, start, end) VALUES (?, ?, ?, ?, ?, NULL)",
                [new, citizen_id, staff_id, role.value, day.isoformat()],
            )
            old_initials = initials.get(open_row[1]) if open_row else None
            self._audit(
                citizen_id,
                "reassign",
                "assignment",
                new,
                role.value,
                old_initials,
                f"{initials.get(staff_id)} fra {day.isoformat()}",
                stamp,
            )
        return Reassignment(
            citizen_id,
            role,
            new,
            open_row[0] if open_row else None,
            open_row[3] if open_row else None,
            None,
        )

    def undo_reassign(self, change: Reassignment) -> None:
        stamp = _now().isoformat()
        with self.db.atomic():
            if change.taken_over_from is not None:
                self.conn.execute(
                    "UPDATE assignment SET staff_id = ? WHERE id = ?",
                    [change.taken_over_from, change.ended_id],
                )
            else:
                self.conn.execute("DELETE FROM assignment WHERE id = ?", [change.new_id])
                if change.ended_id is not None:
                    self.conn.execute(
                        "UPDATE assignment SET end = ? WHERE id = ?",
                        [change.ended_old_end, change.ended_id],
                    )
            self._audit(
                change.citizen_id,
                "undo_reassign",
                "assignment",
                change.new_id or change.ended_id or "",
                change.role.value,
                None,
                None,
                stamp,
            )

    # --- meetings -------------------------------------------------------------------------------
    def finish_meeting(
        self, day: dt.date, attendees: Sequence[str], note: str = "", today: dt.date | None = None
    ) -> Meeting:
        """Record the meeting and every placement of the citizens on the board now."""
        self.project.require_team_copy("Tavlemødet (Afslut møde)")
        at = _now()
        meeting_id = new_id()
        with self.db.atomic():
            self.conn.execute(
                "INSERT INTO board_meeting (id, date, at, by_user, attendees, note, move_rowid) "
                "VALUES (?, ?, ?, ?, ?, ?, (SELECT ifnull(max(rowid), 0) FROM board_move))",
                [
                    meeting_id,
                    day.isoformat(),
                    at.isoformat(),
                    self.project.user,
                    json.dumps(list(attendees), ensure_ascii=False),
                    note,
                ],
            )
            self.conn.execute(
                "INSERT INTO board_snapshot (meeting_id, citizen_id, board_column) "
                "SELECT ?, c.id, p.board_column FROM citizen c LEFT JOIN placement p ON p.citizen_id = c.id "
                f"WHERE {NOT_LEFT_SQL}",
                [meeting_id, (today or day).isoformat()],
            )
        return next(m for m in self.meetings() if m.id == meeting_id)

    def meetings(self) -> list[Meeting]:
        """Every meeting, newest first, with its counts per column (the board's history)."""
        counts: dict[str, dict[BoardColumn | None, int]] = {}
        for mid, column, n in self.conn.execute(
            "SELECT meeting_id, board_column, count(*) FROM board_snapshot GROUP BY meeting_id, board_column"
        ):
            counts.setdefault(mid, {})[_column(column)] = n
        return [
            Meeting(
                mid,
                dt.date.fromisoformat(date),
                dt.datetime.fromisoformat(at),
                by,
                json.loads(attendees),
                note,
                {c: counts.get(mid, {}).get(c, 0) for c in (*BoardColumn, None)},
            )
            for mid, date, at, by, attendees, note in self.conn.execute(
                "SELECT id, date, at, by_user, attendees, note FROM board_meeting ORDER BY at DESC, rowid DESC"
            )
        ]

    def history(self) -> list[tuple[dt.date, dict[BoardColumn | None, int]]]:
        """The board's history for a chart (the Mål page, issue 8): per meeting date, oldest
        first, how many citizens stood in each column (None: not placed). Two meetings on one
        date: the one recorded last."""
        by_date = {}
        for meeting in reversed(self.meetings()):  # oldest first: a later one replaces
            by_date[meeting.date] = meeting.counts
        return sorted(by_date.items())


__all__ = ["NOT_AT_MEETING", "BoardRepository", "Meeting", "MoveRecord", "Reassignment"]
