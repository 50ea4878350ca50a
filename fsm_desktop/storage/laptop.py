"""A laptop copy's record of where it came from (issue 20): read when any project opens, so
that a copy handed back opens read-only and team-only work is refused on a laptop copy."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from fsm_desktop.domain.danish import date_dots
from fsm_desktop.storage.sqlite import dbapi

LAPTOP_KEY = "laptop_copy"


@dataclass(frozen=True)
class LaptopCopy:
    """What a laptop copy knows of where it came from (``project_setting['laptop_copy']``)."""

    team_id: str
    laptop_id: str
    label: str
    taken_at: str
    taken_by: str
    team_path: str
    job_broker: str | None = None
    #: Hand-backs written so far.
    seq: int = 0
    audit_rowid: int = 0
    handed_back_at: str | None = None
    handed_back_to: str | None = None

    @property
    def taken(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.taken_at)

    def title(self, project_name: str) -> str:
        """The title bar's words: "bærbar kopi af NAVN, taget 12.03.2026 kl. 08.15"."""
        return (
            f"bærbar kopi af {project_name}, taget {date_dots(self.taken)} kl. {self.taken:%H.%M}"
        )

    def handed_back_sentence(self) -> str | None:
        if self.handed_back_at is None:
            return None
        at = dt.datetime.fromisoformat(self.handed_back_at)
        return (
            f"Kopien er afleveret {date_dots(at)} kl. {at:%H.%M} til {self.handed_back_to}, og kan kun læses. "
            "Tag en ny kopi med fra teamkopien for at arbejde videre."
        )


def read_laptop_copy(db) -> LaptopCopy | None:
    try:
        row = db.execute("SELECT value FROM project_setting WHERE key = ?", [LAPTOP_KEY]).fetchone()
    except dbapi.Error:
        return None
    if row is None:
        return None
    data = json.loads(row[0])
    return LaptopCopy(**{k: v for k, v in data.items() if k in LaptopCopy.__dataclass_fields__})


def write_laptop_copy(conn, copy: LaptopCopy) -> None:
    conn.execute(
        "INSERT INTO project_setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [LAPTOP_KEY, json.dumps(copy.__dict__, ensure_ascii=False)],
    )
