"""Crash-proof writes, kept so: a writer process (tests/crash_writer.py) writes through the real
storage functions in a loop (board moves, citizen edits, step-up meetings, imports), logs each
committed write, and is killed with SIGKILL at random moments, over and over, on one project.

After each kill: SQLite's integrity_check and foreign_key_check are clean, the program opens the
file (Project.open: the writer lock the kill released, quick_check, the board read), every write
logged as committed is there (an import with all its citizens, a meeting with all its participants
and plan lines), no rename or note has gone back to an older value, and, logged or not, nothing is
half written: each citizen, move, contact and meeting has its audit entry, each meeting its
participants and plan, each import its journal, each citizen's placement is its last move's column.

When the kill comes is chosen by a random.Random of the seed (FSM_CRASH_SEED, else a new one,
named in every failure): after a number of the writer's commits, or during an import, each with
a jitter of up to some milliseconds so that it lands inside transactions. The test waits on the
writer's lines, never on a fixed sleep; the jitter is the only sleep."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from crash_writer import SEED_ROUND, cpr_for

from fsm_desktop.domain.model import Citizen, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository, StaffRepository

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")

WRITER = Path(__file__).resolve().parents[1] / "crash_writer.py"
#: A writer that says nothing for this long is stuck (it writes hundreds of times a second).
LINE_TIMEOUT = 30.0


def _seed() -> int:
    value = os.environ.get("FSM_CRASH_SEED")
    return int(value) if value else random.SystemRandom().randrange(2**32)


class Lines:
    """The writer's stdout, line by line, each waited for with a timeout (select on the pipe)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.fd = proc.stdout.fileno()
        self.buffer = b""
        self.eof = False

    def next(self, timeout: float = LINE_TIMEOUT) -> str | None:
        """The next line; None at the end of the output (the writer is gone)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line from the writer in {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                chunk = os.read(self.fd, 65536)
                if chunk:
                    self.buffer += chunk
                else:
                    self.eof = True
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8")

    def rest(self) -> list[str]:
        """Every line left, once the writer is dead (a partial last line is dropped)."""
        lines = []
        while (line := self.next()) is not None:
            lines.append(line)
        return lines


@dataclasses.dataclass
class Committed:
    """Everything the writers logged as committed, over all rounds."""

    citizens: dict[str, str] = dataclasses.field(default_factory=dict)  # id → cpr
    moves: set[str] = dataclasses.field(default_factory=set)
    contacts: set[str] = dataclasses.field(default_factory=set)
    meetings: dict[str, tuple[int, int]] = dataclasses.field(
        default_factory=dict
    )  # id → (participants, plan lines)
    imports: dict[str, list[str]] = dataclasses.field(
        default_factory=dict
    )  # batch id → CPR numbers
    names: dict[str, int] = dataclasses.field(
        default_factory=dict
    )  # citizen id → last logged sequence number
    notes: dict[str, int] = dataclasses.field(default_factory=dict)
    renames: list[tuple[str, str, int]] = dataclasses.field(
        default_factory=list
    )  # (field, citizen id, seq)
    count: int = 0

    def add(self, entry: dict) -> None:
        self.count += 1
        kind = entry["kind"]
        if kind == "citizen":
            self.citizens[entry["id"]] = entry["cpr"]
        elif kind == "move":
            self.moves.update(entry["ids"])
        elif kind == "contact":
            self.contacts.add(entry["id"])
        elif kind == "meeting":
            self.meetings[entry["id"]] = (entry["participants"], entry["plan"])
        elif kind == "import":
            self.imports[entry["id"]] = entry["cprs"]
        elif kind in ("name", "note"):
            latest = self.names if kind == "name" else self.notes
            assert entry["seq"] > latest.get(entry["citizen"], 0), (
                f"sequence numbers go backwards: {entry}"
            )
            latest[entry["citizen"]] = entry["seq"]
            self.renames.append((kind, entry["citizen"], entry["seq"]))
        else:
            raise AssertionError(f"unknown log entry {entry}")


def read_log(path: Path) -> list[dict]:
    if not path.exists():
        return []
    text = path.read_text("utf-8")
    complete = text[: text.rfind("\n") + 1]  # a line cut by the kill was never logged
    return [json.loads(line) for line in complete.splitlines()]


def seed_project(path: Path) -> None:
    with Project.create(path, builtin_template("fsm2")) as project:
        for member in (
            Staff("AA", "Anna Ager", StaffRole.JOB_BROKER),
            Staff("BB", "Bent Bo", StaffRole.JOB_BROKER),
            Staff("CC", "Carla Cue", StaffRole.CASEWORKER),
        ):
            StaffRepository(project).add(member)
        for i in range(6):
            CitizenRepository(project).add(
                Citizen(
                    cpr=cpr_for(SEED_ROUND, i),
                    name=f"Borger {i}",
                    group=1 + i % 2,
                    entry_date=dt.date(2020, 1, 1),
                )
            )


def _ids(db, sql: str) -> set[str]:
    return {row[0] for row in db.execute(sql).fetchall()}


def _value(text: str, prefix: str) -> int | None:
    return (
        int(text[len(prefix) :])
        if text and text.startswith(prefix) and text[len(prefix) :].isdigit()
        else None
    )


def verify(path: Path, committed: Committed) -> list[str]:
    """What is wrong with the project after a kill ([] when nothing is)."""
    problems: list[str] = []
    try:
        project = Project.open(path)
    except Exception as exc:
        return [f"the program cannot open the file: {type(exc).__name__}: {exc}"]
    try:
        if project.read_only:
            problems.append(f"opened read-only: {project.read_only_reason}")
        if damage := project.integrity_check():
            problems.append(f"integrity_check: {damage}")
        if broken := project.db.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"foreign_key_check: {broken[:10]}")
        if problems:
            return problems
        db = project.db
        BoardRepository(project).cards(dt.date.today())  # the board reads it
        citizens = dict(db.execute("SELECT id, cpr FROM citizen").fetchall())
        audited = _ids(db, "SELECT entity_id FROM audit_log")
        for cid, cpr in committed.citizens.items():
            if citizens.get(cid) != cpr:
                problems.append(
                    f"citizen {cid} ({cpr}) logged as added is {'changed' if cid in citizens else 'missing'}"
                )
        for name, logged, table in (
            ("move", committed.moves, "board_move"),
            ("contact", committed.contacts, "contact"),
            ("meeting", set(committed.meetings), "stepup_meeting"),
        ):
            stored = _ids(db, f"SELECT id FROM {table}")
            problems += [
                f"{name} {i} logged as committed is missing" for i in sorted(logged - stored)
            ]
        # Each meeting whole, logged or not (the writer's have one participant and one plan line at least).
        sizes = {
            mid: (people, lines)
            for mid, people, lines in db.execute(
                "SELECT m.id, (SELECT count(*) FROM stepup_participant WHERE meeting_id = m.id), "
                "(SELECT count(*) FROM stepup_plan_line WHERE meeting_id = m.id) FROM stepup_meeting m"
            )
        }
        problems += [
            f"meeting {mid}: {size} participants and plan lines, {committed.meetings[mid]} logged"
            for mid, size in sizes.items()
            if mid in committed.meetings and size != committed.meetings[mid]
        ]
        problems += [
            f"meeting {mid} (not logged) is stored without participants or plan: {size}"
            for mid, size in sizes.items()
            if 0 in size
        ]
        # Every stored row a write makes with its audit entry has it, logged or not.
        for table in ("citizen", "board_move", "contact", "stepup_meeting"):
            problems += [
                f"{table} {i} is stored without its audit entry"
                for i in sorted(_ids(db, f"SELECT id FROM {table}") - audited)
            ]
        batches = _ids(db, "SELECT id FROM import_batch WHERE undone_at IS NULL")
        journaled = _ids(db, "SELECT batch_id FROM import_journal")
        by_cpr = {cpr: cid for cid, cpr in citizens.items()}
        problems += [
            f"import {batch} is stored without its journal" for batch in sorted(batches - journaled)
        ]
        for batch, cprs in committed.imports.items():
            if batch not in batches:
                problems.append(f"import {batch} logged as committed is missing")
            for cpr in cprs:
                if cpr not in by_cpr:
                    problems.append(f"import {batch}: citizen {cpr} is missing")
        stored_values = {
            cid: (name, note)
            for cid, name, note in db.execute("SELECT id, name, note FROM citizen")
        }
        for field, latest, prefix, index in (
            ("name", committed.names, "Borger ", 0),
            ("note", committed.notes, "note ", 1),
        ):
            for cid, seq in latest.items():
                value = stored_values.get(cid, (None, None))[index]
                number = _value(value, prefix)
                if number is None or number < seq:
                    problems.append(
                        f"citizen {cid}: {field} is {value!r}, but {prefix}{seq} was logged as committed"
                    )
        audited_values = set(
            db.execute(
                "SELECT field, entity_id, new FROM audit_log WHERE entity = 'citizen' AND action = 'update'"
            ).fetchall()
        )
        for field, cid, seq in committed.renames:
            label, prefix = ("navn", "Borger ") if field == "name" else ("note", "note ")
            if (label, cid, f"{prefix}{seq}") not in audited_values:
                problems.append(
                    f"citizen {cid}: the change of {field} to {prefix}{seq} has no audit entry"
                )
        # The placement is the column of the citizen's last move (the two are written together).
        stray = db.execute(
            "SELECT m.citizen_id, m.to_column, p.board_column FROM board_move m LEFT JOIN placement p USING (citizen_id) "
            "WHERE m.rowid = (SELECT max(rowid) FROM board_move WHERE citizen_id = m.citizen_id) "
            "AND p.board_column IS NOT m.to_column"
        ).fetchall()
        problems += [
            f"citizen {cid}: last move to {to}, placed in {placed}" for cid, to, placed in stray
        ]
    finally:
        project.close()
    return problems


@dataclasses.dataclass
class Kill:
    round: int
    aimed_at: str  # "commits" or "import"
    during: (
        str | None
    )  # the write it interrupted (its 'begin' line was the last), None: between writes
    commits: int  # log lines of this round


def kill_round(
    path: Path, work: Path, seed: int, round_: int, rng: random.Random
) -> tuple[Kill, list[dict]]:
    """Start a writer, let it commit, kill it with SIGKILL at a moment chosen by ``rng``."""
    log = work / f"log-{round_}.jsonl"
    stderr = work / f"stderr-{round_}.txt"
    aim = "import" if rng.random() < 0.3 else "commits"
    after = rng.choice(
        [0, 1, 2, rng.randrange(3, 40), rng.randrange(40, 300)]
    )  # commits to wait for
    jitter = rng.choice([0.0, rng.uniform(0, 0.002), rng.uniform(0, 0.02), rng.uniform(0, 0.05)])
    with open(stderr, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), str(path), str(log), str(seed), str(round_)],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=work,
        )
    lines = Lines(proc)
    try:

        def expect(prefix: str) -> None:
            while True:
                line = lines.next()
                if line is None:
                    raise AssertionError(
                        f"the writer ended by itself (exit {proc.wait()}): {stderr.read_text()[-3000:]}"
                    )
                if line.startswith(prefix):
                    return

        expect("ready")
        if aim == "import":
            expect("begin import")
        else:
            for _ in range(after):
                expect("done ")
        if jitter:
            time.sleep(jitter)  # the only sleep: where in the next write the kill lands
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=LINE_TIMEOUT) == -signal.SIGKILL, stderr.read_text()[-3000:]
        rest = lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    last = rest[-1] if rest else None
    if last is None:  # nothing after what was waited for: it was killed right after that line
        last = "begin import" if aim == "import" else "done"
    during = last.split(" ", 1)[1] if last.startswith("begin ") else None
    entries = read_log(log)
    return Kill(round_, aim, during, len(entries)), entries


@pytest.mark.parametrize("kills", [6, pytest.param(60, marks=pytest.mark.slow)])
def test_sigkill_during_writes_loses_and_damages_nothing(tmp_path, kills):
    seed = _seed()
    print(f"FSM_CRASH_SEED={seed}")
    rng = random.Random(seed)
    path = tmp_path / "crash.fsm"
    seed_project(path)
    committed = Committed()
    done: list[Kill] = []
    started = time.monotonic()
    for round_ in range(1, kills + 1):
        kill, entries = kill_round(path, tmp_path, seed, round_, rng)
        for entry in entries:
            committed.add(entry)
        done.append(kill)
        problems = verify(path, committed)
        if problems:
            pytest.fail(
                f"FSM_CRASH_SEED={seed}, kill {round_} of {kills} ({kill}): {len(problems)} problem(s):\n  "
                + "\n  ".join(problems[:30]),
                pytrace=False,
            )
    during = Counter(k.during for k in done if k.during)
    print(
        f"{kills} kills in {time.monotonic() - started:.1f} s, {committed.count} writes logged as committed; "
        f"killed during a write {sum(during.values())} times ({dict(during)}), between writes "
        f"{sum(1 for k in done if not k.during)} times"
    )
    assert len(done) == kills
    if kills >= 50:
        # Most kills must land inside a write, some inside an import, or the test proves little.
        assert sum(during.values()) >= kills // 2, f"FSM_CRASH_SEED={seed}: {dict(during)}"
        assert during["import"] >= 5, f"FSM_CRASH_SEED={seed}: {dict(during)}"
