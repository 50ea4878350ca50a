"""The writer that tests/storage/test_crash_kills.py kills with SIGKILL.

    python tests/crash_writer.py PROJECT LOGFILE SEED [ROUND]

Opens PROJECT once (Project.open: the writer lock, quick_check) and writes through the real
storage functions until it is killed, choosing at random (random.Random of SEED and ROUND) among
a board move, a citizen edit (a new citizen, a rename, a note, a contact), a step-up meeting and,
now and then, a small import (prepare + commit of a generated CSV extract with new CPR numbers).

Each write is one transaction. Only after it has returned is one JSON line appended to LOGFILE
with what it committed (the ids, and for a rename or a note the sequence number it wrote), and
the line flushed and fsync'ed: a logged write must be in the database, whenever the kill came.

On stdout, one line per event, flushed, for the test to wait on: ``ready`` once the project is
open, ``begin KIND`` before a write and ``done KIND`` after its log line is on disk.

ROUND (1, 2, …; one per writer started on the same project) keeps what each writer makes unique
across writers: CPR numbers and the sequence numbers of renames and notes (ROUND * 1,000,000 + a
counter, so a later writer's values are always larger)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import sys
from pathlib import Path

from fsm_desktop.domain.citizen_edit import CitizenChanges
from fsm_desktop.domain.model import (
    Barrier,
    BoardColumn,
    Citizen,
    Contact,
    ContactKind,
    ParticipantRole,
    PeriodKind,
)
from fsm_desktop.domain.stepup import Meeting, Participant, PlannedOffer
from fsm_desktop.exchange.importer import commit, prepare
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.stepup import StepUpRepository

#: The sequence numbers of one round (renames, notes) lie in [ROUND * SPAN, (ROUND + 1) * SPAN).
SPAN = 1_000_000
#: Round 0 is the test's own seeding.
SEED_ROUND = 0
#: The kinds of write and how often each is chosen; an import is the slow one.
WEIGHTS = {
    "move": 30,
    "new_citizen": 12,
    "rename": 14,
    "note": 14,
    "contact": 12,
    "meeting": 12,
    "import": 6,
}

_ROLES = [ParticipantRole.CASEWORKER, ParticipantRole.JOB_BROKER, ParticipantRole.LEADER]
_OFFERS = [PeriodKind.VIRKSOMHEDSPRAKTIK, PeriodKind.MENTOR]


def cpr_for(round_: int, counter: int) -> str:
    """A valid CPR number (born 1960–1999; 7th digit 0–3: the 1900s), different for each
    (round, counter) with counter below 40,000 and round below 1,300."""
    if not (0 <= counter < 40_000 and 0 <= round_ < 1_300):
        raise ValueError("out of CPR numbers")
    day_index, serial = round_ * 10 + counter // 4000, counter % 4000
    day, month, year = 1 + day_index % 28, 1 + (day_index // 28) % 12, 60 + day_index // 336
    return f"{day:02d}{month:02d}{year:02d}{serial:04d}"


class Writer:
    def __init__(
        self, project: Project, log_path: Path, rng: random.Random, round_: int, work_dir: Path
    ) -> None:
        self.project = project
        self.log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open until the kill
        self.rng = rng
        self.round = round_
        self.work_dir = work_dir
        self.counter = 0  # this round's sequence numbers
        self.cprs = 0  # this round's CPR numbers
        self.today = dt.date.today()
        self.citizens = [
            row[0] for row in project.db.execute("SELECT id FROM citizen ORDER BY id").fetchall()
        ]
        self.staff = [
            row[0] for row in project.db.execute("SELECT id FROM staff ORDER BY id").fetchall()
        ]

    # --- what is written ----------------------------------------------------------------------------
    def next_seq(self) -> int:
        self.counter += 1
        if self.counter >= SPAN:
            raise SystemExit("a round ran out of sequence numbers")
        return self.round * SPAN + self.counter

    def next_cpr(self) -> str:
        self.cprs += 1
        return cpr_for(self.round, self.cprs)

    def citizen(self) -> str:
        return self.rng.choice(self.citizens)

    def move(self) -> dict | None:
        cid = self.citizen()
        to = self.rng.choice(list(BoardColumn))
        records = BoardRepository(self.project).move(
            [cid], to, reason=self.rng.choice(["", "klar", "syg"])
        )
        if not records:
            return None  # already in that column: nothing written
        return {"kind": "move", "citizen": cid, "ids": [r.move_id for r in records], "to": to.value}

    def new_citizen(self) -> dict:
        citizen = Citizen(
            cpr=self.next_cpr(),
            name=f"Ny Borger {self.round}-{self.cprs}",
            group=self.rng.choice([1, 2]),
            entry_date=self.today - dt.timedelta(days=self.rng.randrange(1, 400)),
        )
        CitizenRepository(self.project).add(citizen)
        self.citizens.append(citizen.id)
        return {"kind": "citizen", "id": citizen.id, "cpr": citizen.cpr}

    def edit(self, field: str) -> dict:
        cid = self.citizen()
        seq = self.next_seq()
        stored = CitizenRepository(self.project).get(cid)
        value = f"Borger {seq}" if field == "name" else f"note {seq}"
        changed = dataclasses.replace(stored, **{field: value})
        save_citizen(self.project, cid, CitizenChanges(citizen=changed), today=self.today)
        return {"kind": field, "citizen": cid, "seq": seq}

    def contact(self) -> dict:
        cid = self.citizen()
        contact = Contact(
            cid,
            self.today - dt.timedelta(days=self.rng.randrange(0, 60)),
            self.rng.choice(list(ContactKind)),
            self.rng.choice([None, *self.staff]),
            note=f"kontakt {self.round}",
        )
        save_citizen(self.project, cid, CitizenChanges(contacts_added=[contact]), today=self.today)
        return {"kind": "contact", "citizen": cid, "id": contact.id}

    def meeting(self) -> dict:
        cid = self.citizen()
        participants = [Participant(ParticipantRole.CITIZEN, "Borgeren")] + [
            Participant(role, f"Deltager {i}")
            for i, role in enumerate(self.rng.sample(_ROLES, self.rng.randrange(0, 4)))
        ]
        plan = [
            PlannedOffer(
                self.rng.choice(_OFFERS),
                self.today + dt.timedelta(days=self.rng.randrange(0, 60)),
                "CC",
            )
            for _ in range(self.rng.randrange(1, 4))
        ]
        barriers = self.rng.sample(list(Barrier), self.rng.randrange(0, 3))
        meeting = Meeting(cid, self.today, participants, barriers, plan, note=f"møde {self.round}")
        mid = StepUpRepository(self.project).save_meeting(meeting)
        return {
            "kind": "meeting",
            "citizen": cid,
            "id": mid,
            "participants": len(participants),
            "plan": len(plan),
        }

    def import_(self) -> dict:
        cprs = [self.next_cpr() for _ in range(self.rng.randrange(2, 6))]
        source = self.work_dir / f"udtraek-{self.round}-{self.cprs}.csv"
        lines = ["cpr;navn;gruppe;køn;indgang"] + [
            f"{cpr[:6]}-{cpr[6:]};Importeret {cpr};{self.rng.choice([1, 2])};{self.rng.choice('KM')};01-11-2019"
            for cpr in cprs
        ]
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        committed = commit(self.project, prepare(self.project, source))
        self.citizens.extend(
            row[0]
            for row in self.project.db.execute(
                f"SELECT id FROM citizen WHERE cpr IN ({', '.join('?' * len(cprs))})", cprs
            ).fetchall()
        )
        return {"kind": "import", "id": committed.record.id, "cprs": cprs}

    # --- the loop ---------------------------------------------------------------------------------------
    def logged(self, entry: dict) -> None:
        """After the transaction has returned: the log line, on disk before anything else happens."""
        self.log.write(json.dumps(entry) + "\n")
        self.log.flush()
        os.fsync(self.log.fileno())

    def run(self) -> None:
        actions = {
            "move": self.move,
            "new_citizen": self.new_citizen,
            "rename": lambda: self.edit("name"),
            "note": lambda: self.edit("note"),
            "contact": self.contact,
            "meeting": self.meeting,
            "import": self.import_,
        }
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        say("ready")
        while True:
            kind = self.rng.choices(kinds, weights)[0]
            say(f"begin {kind}")
            entry = actions[kind]()
            if entry is not None:
                self.logged(entry)
            say(f"done {kind}")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        sys.stderr.write(__doc__)
        return 2
    project_path, log_path, seed = Path(argv[0]), Path(argv[1]), int(argv[2])
    round_ = int(argv[3]) if len(argv) == 4 else 1
    if round_ <= SEED_ROUND:
        sys.stderr.write("ROUND must be 1 or more (round 0 is the test's seeding)\n")
        return 2
    rng = random.Random(f"{seed}:{round_}")
    project = Project.open(project_path)
    Writer(project, log_path, rng, round_, log_path.parent).run()
    return 0  # never reached: the loop ends with the kill


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
