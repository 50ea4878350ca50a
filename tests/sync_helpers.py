"""Laptop copies in tests (issue 20): demo team copies, edits made the way the program makes
them (the repositories the windows use), and the rows of the tables a laptop copy may change."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.model import (
    Barrier,
    BoardColumn,
    Contact,
    ContactKind,
    PaidHours,
    ParticipantRole,
    PeriodKind,
    StatusEntry,
    StatusKind,
)
from fsm_desktop.domain.stepup import Marking, MarkingKind, Meeting, Participant, PlannedOffer
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.citizen_edit import CitizenEditor
from fsm_desktop.storage.demo import write_demo
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.stepup import StepUpRepository
from fsm_desktop.storage.sync import SYNCED_TABLES

PASSWORD = "bærbar-test-1"
#: The FSM2 demo's today: the initiative ended on 31 October 2021.
TODAY = dt.date(2021, 10, 31)
COLUMNS = tuple(BoardColumn)


def demo_file(path: Path, citizens: int = 30, password: str | None = None) -> Path:
    write_demo(path, program="fsm2", citizens=citizens, seed=1, password=password, today=TODAY)
    return path


def copy_of(template: Path, path: Path) -> Path:
    shutil.copyfile(template, path)
    return path


# --- reading ------------------------------------------------------------------------------------------
def citizen_ids(project: Project) -> list[str]:
    return [row[0] for row in project.db.execute("SELECT id FROM citizen ORDER BY cpr")]


def citizen_row(project: Project, citizen_id: str) -> dict:
    cursor = project.db.execute("SELECT * FROM citizen WHERE id = ?", [citizen_id])
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))


def column_of(project: Project, citizen_id: str) -> str | None:
    row = project.db.execute(
        "SELECT board_column FROM placement WHERE citizen_id = ?", [citizen_id]
    ).fetchone()
    return row[0] if row else None


def placement_of(project: Project, citizen_id: str) -> tuple | None:
    return project.db.execute(
        "SELECT board_column, since FROM placement WHERE citizen_id = ?", [citizen_id]
    ).fetchone()


def hours_of(project: Project, citizen_id: str, month: str) -> float | None:
    row = project.db.execute(
        "SELECT hours FROM paid_hours WHERE citizen_id = ? AND month = ?", [citizen_id, month]
    ).fetchone()
    return row[0] if row else None


def rows(project: Project, table: str) -> list[tuple]:
    """Every row of ``table``, in a stable order (None sorts first)."""
    found = project.db.execute(f"SELECT * FROM {table}").fetchall()
    return sorted(found, key=lambda row: [(value is not None, str(value)) for value in row])


def synced_rows(project: Project) -> dict[str, list[tuple]]:
    return {table: rows(project, table) for table in SYNCED_TABLES}


def snapshot(project: Project) -> dict[str, list[tuple]]:
    """Everything a merge may write: the synced tables, the audit log and the merge records."""
    return {
        **synced_rows(project),
        **{t: rows(project, t) for t in ("audit_log", "sync_merge", "sync_checkout")},
    }


# --- edits, as the windows make them ------------------------------------------------------------------
def set_citizen(project: Project, citizen_id: str, **fields) -> None:
    """Master data (``name``, ``note`` …) through the citizen's page."""
    editor = CitizenEditor(project)
    record = editor.load(citizen_id)
    save_citizen(
        project,
        citizen_id,
        CitizenChanges(citizen=dataclasses.replace(record.citizen, **fields)),
        today=TODAY,
    )


def add_contact(project: Project, citizen_id: str, day: dt.date = TODAY, note: str = "") -> str:
    contact = Contact(citizen_id, day, ContactKind.PHONE, None, note)
    save_citizen(project, citizen_id, CitizenChanges(contacts_added=[contact]), today=TODAY)
    return contact.id


def delete_contact(project: Project, citizen_id: str, contact_id: str) -> None:
    save_citizen(project, citizen_id, CitizenChanges(contacts_deleted=[contact_id]), today=TODAY)


def contact_ids(project: Project, citizen_id: str) -> list[str]:
    return [
        r[0]
        for r in project.db.execute(
            "SELECT id FROM contact WHERE citizen_id = ? ORDER BY id", [citizen_id]
        )
    ]


def add_status(
    project: Project,
    citizen_id: str,
    value: str = "ja",
    kind: StatusKind = StatusKind.CV_JOBNET,
    day: dt.date = TODAY,
) -> str:
    entry = StatusEntry(citizen_id, kind, day, value)
    save_citizen(project, citizen_id, CitizenChanges(status_added=[entry]), today=TODAY)
    return entry.id


def set_hours(project: Project, citizen_id: str, month: str, hours: float) -> None:
    save_citizen(
        project,
        citizen_id,
        CitizenChanges(hours_saved=[PaidHours(citizen_id, month, hours)]),
        today=TODAY,
    )


def delete_hours(project: Project, citizen_id: str, month: str) -> None:
    save_citizen(project, citizen_id, CitizenChanges(hours_deleted=[month]), today=TODAY)


def move(project: Project, citizen_id: str, column: BoardColumn | str) -> None:
    BoardRepository(project).move([citizen_id], BoardColumn(column))


def another_column(project: Project, citizen_id: str, skip: tuple = ()) -> BoardColumn:
    current = column_of(project, citizen_id)
    return next(c for c in COLUMNS if c.value != current and c not in skip)


def add_meeting(project: Project, citizen_id: str, note: str = "") -> str:
    meeting = Meeting(
        citizen_id,
        TODAY,
        [
            Participant(ParticipantRole.CITIZEN, "Borgeren"),
            Participant(ParticipantRole.JOB_BROKER, "JP"),
        ],
        [Barrier.HEALTH],
        [PlannedOffer(PeriodKind.MENTOR, TODAY, "JP")],
        note=note,
    )
    return StepUpRepository(project).save_meeting(meeting)


def add_marking(project: Project, citizen_id: str) -> str:
    return StepUpRepository(project).add_marking(
        citizen_id, Marking(MarkingKind.MARKED, TODAY, note="stå stille")
    )
