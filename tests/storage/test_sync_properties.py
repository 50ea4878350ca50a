"""The property of issue 20 (item 8): one team copy and three laptop copies, random
interleavings of edits on all four (board moves, citizen notes and names, paid hours changed
and deleted, contacts added and deleted, CV entries), hand-backs (some keeping on working, some
followed by a fresh copy) and merges in random order with random decisions.

A model of the team copy follows every edit and merge field by field (the three-way rule on
each field: the laptop's change goes in where the team has the laptop's starting value, is
nothing where the team has the laptop's value, and is a conflict otherwise). After every merge
the team copy must equal the model and the merge must have reported exactly the model's
conflicts: so every edit is in the team copy or was reported as a conflict and decided, and
none is lost silently. At the end merging every file again changes nothing, and the measures
of the merged team copy equal those of a copy of the starting file into which the model's
final rows were written by hand.

A thorough run: FSM_SYNC_EXAMPLES=500 pytest tests/storage/test_sync_properties.py"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sync_helpers import (
    add_contact,
    add_status,
    citizen_ids,
    copy_of,
    delete_contact,
    delete_hours,
    demo_file,
    move,
    rows,
    set_citizen,
    set_hours,
    snapshot,
)

from fsm_desktop.domain.measures import compute
from fsm_desktop.domain.model import BoardColumn
from fsm_desktop.storage.facts import load_facts
from fsm_desktop.storage.laptop import read_laptop_copy
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sqlite import dbapi
from fsm_desktop.storage.sync import apply_merge, checkout, handin, plan_merge, read_change_file

EXAMPLES = int(os.environ.get("FSM_SYNC_EXAMPLES", "20"))
NOTES = ("ringet op", "i praktik", "")
NAMES = ("Anna Hansen", "Bo Berg")
MONTHS = ("2021-08", "2021-09")
HOURS = (0.0, 12.0, 160.0)
COLUMNS = tuple(c.value for c in BoardColumn)
LAPTOPS = 3


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, list[str]]:
    """The starting team file, and four citizens everybody edits (two on the board, two not
    yet placed: both sides may place the same one)."""
    path = demo_file(tmp_path_factory.mktemp("sync-property") / "demo.fsm", citizens=30)
    with Project.open(path, read_only=True) as project:
        placed = {r[0] for r in project.db.execute("SELECT citizen_id FROM placement")}
        ids = citizen_ids(project)
    pool = [c for c in ids if c in placed][:2] + [c for c in ids if c not in placed][:2]
    assert len(pool) == 4
    with Project.open(path) as project, project.db.atomic():
        for cid in pool[:3]:  # hours to change and to delete from the start
            for month in MONTHS:
                project.db.execute(
                    "INSERT OR REPLACE INTO paid_hours VALUES (?, ?, 37.0)", [cid, month]
                )
    return path, pool


# --- what the model knows of a copy -------------------------------------------------------------------------
Cell = tuple  # ("citizen", id, field) | ("placement", id) | ("paid_hours", id, month)


@dataclass
class State:
    cells: dict[Cell, object]
    since: dict[str, str | None]  # a placement's since, by citizen
    contacts: set[str]
    status: set[str]
    moves: set[str]


def read_state(project: Project, pool: list[str]) -> State:
    db = project.db
    cells: dict[Cell, object] = {}
    since: dict[str, str | None] = {}
    for cid in pool:
        name, note = db.execute("SELECT name, note FROM citizen WHERE id = ?", [cid]).fetchone()
        cells[("citizen", cid, "name")], cells[("citizen", cid, "note")] = name, note
        placed = db.execute(
            "SELECT board_column, since FROM placement WHERE citizen_id = ?", [cid]
        ).fetchone()
        cells[("placement", cid)], since[cid] = placed if placed else (None, None)
        for month in MONTHS:
            found = db.execute(
                "SELECT hours FROM paid_hours WHERE citizen_id = ? AND month = ?", [cid, month]
            ).fetchone()
            cells[("paid_hours", cid, month)] = found[0] if found else None
    ids = lambda table: {r[0] for r in db.execute(f"SELECT id FROM {table}")}  # noqa: E731
    return State(cells, since, ids("contact"), ids("status_entry"), ids("board_move"))


@dataclass
class ChangeFileSeen:
    """A hand-back as the model sees it: the laptop copy's state at its start and end."""

    path: Path
    copy: int
    base: State
    new: State
    audit: list[str]


@dataclass
class Laptop:
    project: Project
    number: int  # which copy (a fresh copy after a hand-back is a new one)
    base: State
    files: list[ChangeFileSeen] = field(default_factory=list)
    done: bool = False


def conflict_cell(conflict) -> Cell:
    if conflict.table == "citizen":
        return ("citizen", conflict.key[0], conflict.field)
    if conflict.table == "placement":
        assert conflict.field in ("", "board_column"), conflict
        return ("placement", conflict.key[0])
    assert conflict.table == "paid_hours", conflict
    return ("paid_hours", *conflict.key)


class World:
    def __init__(self, folder: Path, template: Path, pool: list[str], data) -> None:
        self.folder, self.pool, self.data = folder, pool, data
        self.start = copy_of(template, folder / "start.fsm")
        self.team = Project.open(copy_of(template, folder / "team.fsm"))
        self.model = read_state(self.team, pool)
        self.copies = 0
        self.laptops: list[Laptop] = [self.take() for _ in range(LAPTOPS)]
        self.files: list[ChangeFileSeen] = []  # every hand-back, for merging again
        self.pending: dict[int, list[ChangeFileSeen]] = {}  # per copy, in order
        self.laptop_audit: set[str] = set()

    def take(self) -> Laptop:
        self.copies += 1
        result = checkout(self.team, self.folder / f"laptop{self.copies}.fsm")
        project = Project.open(result.path)
        return Laptop(project, self.copies, read_state(project, self.pool))

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.project.close()
        self.team.close()

    # --- edits -------------------------------------------------------------------------------------------
    def edit(self, where: int, kind: str, cid: str, value) -> None:
        """An edit on the team copy (``where`` 0) or a laptop copy (1–3)."""
        if where > 0 and self.laptops[where - 1].done:
            self.laptops[where - 1].project.close()
            self.laptops[where - 1] = self.take()  # "Tag med" again: a fresh copy
        project = self.team if where == 0 else self.laptops[where - 1].project
        model = self.model if where == 0 else None
        if kind == "note" or kind == "name":
            set_citizen(project, cid, **{kind: value})
            if model:
                model.cells[("citizen", cid, kind)] = value
        elif kind == "move":
            current = project.db.execute(
                "SELECT board_column FROM placement WHERE citizen_id = ?", [cid]
            ).fetchone()
            if current and current[0] == value:
                return
            move(project, cid, value)
            if model:
                model.cells[("placement", cid)] = value
                model.since[cid] = project.db.execute(
                    "SELECT since FROM placement WHERE citizen_id = ?", [cid]
                ).fetchone()[0]
                model.moves.add(
                    project.db.execute(
                        "SELECT id FROM board_move ORDER BY rowid DESC LIMIT 1"
                    ).fetchone()[0]
                )
        elif kind == "hours":
            month, hours = value
            set_hours(project, cid, month, hours)
            if model:
                model.cells[("paid_hours", cid, month)] = hours
        elif kind == "delete_hours":
            if project.db.execute(
                "SELECT 1 FROM paid_hours WHERE citizen_id = ? AND month = ?", [cid, value]
            ).fetchone():
                delete_hours(project, cid, value)
                if model:
                    model.cells[("paid_hours", cid, value)] = None
        elif kind == "contact":
            new = add_contact(project, cid, note=str(value))
            if model:
                model.contacts.add(new)
        elif kind == "delete_contact":
            ids = [
                r[0]
                for r in project.db.execute(
                    "SELECT id FROM contact WHERE citizen_id = ? ORDER BY id", [cid]
                )
            ]
            if ids:
                gone = ids[value % len(ids)]
                delete_contact(project, cid, gone)
                if model:
                    model.contacts.discard(gone)
        elif kind == "status":
            new = add_status(project, cid, value)
            if model:
                model.status.add(new)

    # --- hand-backs and merges ----------------------------------------------------------------------------
    def hand_back(self, which: int, keep_working: bool) -> None:
        laptop = self.laptops[which]
        if laptop.done:
            return
        start = read_laptop_copy(laptop.project.db).audit_rowid
        audit = [
            r[0]
            for r in laptop.project.db.execute("SELECT id FROM audit_log WHERE rowid > ?", [start])
        ]
        new = read_state(laptop.project, self.pool)
        seq = len(laptop.files) + 1
        result = handin(
            laptop.project, self.folder / f"copy{laptop.number}-{seq}", keep_working=keep_working
        )
        assert result.seq == seq and result.audit_entries == len(audit)
        seen = ChangeFileSeen(result.path, laptop.number, laptop.base, new, audit)
        laptop.files.append(seen)
        self.files.append(seen)
        self.pending.setdefault(laptop.number, []).append(seen)
        self.laptop_audit.update(audit)
        laptop.base = new
        laptop.done = not keep_working

    def merge_next(self, copy: int) -> None:
        seen = self.pending[copy].pop(0)
        plan = plan_merge(self.team, read_change_file(seen.path, self.team.key))
        assert plan.already_merged is None and plan.skipped == []
        expected = self._expected_conflicts(seen)
        reported = {conflict_cell(c): c for c in plan.conflicts}
        assert len(reported) == len(plan.conflicts)
        # Every conflict the model sees is reported (none decided silently) and no other.
        assert set(reported) == set(expected), (
            sorted(map(str, reported)),
            sorted(map(str, expected)),
        )
        for cell, conflict in reported.items():
            base, team, laptop = expected[cell]
            if conflict.kind == "field":
                assert (conflict.base, conflict.team, conflict.laptop) == (base, team, laptop)
            else:
                assert conflict.kind == (
                    "deleted_on_laptop" if laptop is None else "deleted_on_team"
                )
        for conflict in plan.conflicts:
            event(f"conflict: {conflict.table} {conflict.kind}")
        mode = self.data.draw(st.sampled_from(["team", "laptop", "each"]), label="decisions")
        if mode == "each":
            decisions = {
                c.id: self.data.draw(st.sampled_from(["team", "laptop"]), label=f"decide {cell}")
                for cell, c in reported.items()
            }
            result = apply_merge(self.team, plan, decisions=decisions)
        else:
            decisions = {c.id: mode for c in plan.conflicts}
            result = apply_merge(self.team, plan, prefer=mode)
        assert result.record.decisions == decisions
        self._follow(seen, {cell: decisions[c.id] for cell, c in reported.items()})
        self.check()

    def _expected_conflicts(self, seen: ChangeFileSeen) -> dict[Cell, tuple]:
        found = {}
        for cell, new in seen.new.cells.items():
            base, team = seen.base.cells[cell], self.model.cells[cell]
            if new != base and team != new and team != base:
                found[cell] = (base, team, new)
        return found

    def _follow(self, seen: ChangeFileSeen, decided: dict[Cell, str]) -> None:
        """The model's merge: field by field, then the rows only ever added (or deleted)."""
        model = self.model
        for cell, new in seen.new.cells.items():
            base, team = seen.base.cells[cell], model.cells[cell]
            if new == base:
                continue
            laptop_since = seen.new.since.get(cell[1]) if cell[0] == "placement" else None
            if team == new:
                if cell[0] == "placement":  # the same move on both sides: the later since
                    model.since[cell[1]] = (
                        max(model.since[cell[1]] or "", laptop_since or "") or None
                    )
                continue
            if team == base or decided.get(cell) == "laptop":
                model.cells[cell] = new
                if cell[0] == "placement":
                    model.since[cell[1]] = laptop_since
        model.contacts |= seen.new.contacts - seen.base.contacts
        model.contacts -= seen.base.contacts - seen.new.contacts
        model.status |= seen.new.status - seen.base.status
        model.moves |= seen.new.moves - seen.base.moves

    def check(self) -> None:
        actual = read_state(self.team, self.pool)
        assert actual.cells == self.model.cells
        assert actual.since == self.model.since
        assert actual.contacts == self.model.contacts
        assert actual.status == self.model.status
        assert actual.moves == self.model.moves


EDIT = st.tuples(
    st.just("edit"),
    st.integers(0, LAPTOPS),
    st.sampled_from(
        [
            "note",
            "note",
            "name",
            "move",
            "move",
            "hours",
            "hours",
            "delete_hours",
            "contact",
            "delete_contact",
            "status",
        ]
    ),
    st.sampled_from([0, 0, 0, 1, 1, 2, 3]),
    st.integers(0, 100),
)
#: Two copies change the same thing of the same citizen, one after the other.
BOTH = st.tuples(
    st.just("both"),
    st.lists(st.integers(0, LAPTOPS), min_size=2, max_size=2, unique=True),
    st.sampled_from(["note", "name", "move", "hours", "delete_hours"]),
    st.sampled_from([0, 0, 1, 2, 3]),
    st.integers(0, 100),
    st.integers(0, 100),
)
#: Mostly edits, on four citizens: the sides often change the same fields.
STEP = st.one_of(
    EDIT,
    EDIT,
    EDIT,
    BOTH,
    BOTH,
    st.tuples(st.just("handin"), st.integers(0, LAPTOPS - 1), st.booleans()),
    st.tuples(st.just("merge"), st.integers(0, LAPTOPS - 1)),
)


def value_for(kind: str, n: int):
    return {
        "note": NOTES[n % len(NOTES)],
        "name": NAMES[n % len(NAMES)],
        "move": COLUMNS[n % len(COLUMNS)],
        "hours": (MONTHS[n % 2], HOURS[(n // 2) % len(HOURS)]),
        "delete_hours": MONTHS[n % 2],
        "contact": f"kontakt {n}",
        "delete_contact": n,
        "status": ("ja", "nej")[n % 2],
    }[kind]


def measures(project: Project):
    return compute(project.template, load_facts(project))


def write_by_hand(path: Path, model: State) -> None:
    """The model's final rows of the citizens, the board and the paid hours, by plain SQL."""
    conn = dbapi.connect(str(path))
    try:
        with conn:
            for cell, value in model.cells.items():
                if cell[0] == "citizen":
                    conn.execute(f"UPDATE citizen SET {cell[2]} = ? WHERE id = ?", [value, cell[1]])
                elif cell[0] == "placement":
                    conn.execute("DELETE FROM placement WHERE citizen_id = ?", [cell[1]])
                    if value is not None:
                        conn.execute(
                            "INSERT INTO placement VALUES (?, ?, ?)",
                            [cell[1], value, model.since[cell[1]]],
                        )
                else:
                    conn.execute(
                        "DELETE FROM paid_hours WHERE citizen_id = ? AND month = ?",
                        [cell[1], cell[2]],
                    )
                    if value is not None:
                        conn.execute(
                            "INSERT INTO paid_hours VALUES (?, ?, ?)", [cell[1], cell[2], value]
                        )
    finally:
        conn.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=16, max_size=40), data=st.data())
def test_every_edit_is_merged_or_reported_and_merging_again_changes_nothing(template, steps, data):
    path, pool = template
    with tempfile.TemporaryDirectory(prefix="fsm-sync-property-") as folder:
        world = World(Path(folder), path, pool, data)
        try:
            for step in steps:
                if step[0] == "edit":
                    _, where, kind, person, n = step
                    world.edit(where, kind, pool[person], value_for(kind, n))
                elif step[0] == "both":
                    _, sites, kind, person, n, m = step
                    for where, k in zip(sites, (n, m)):
                        world.edit(where, kind, pool[person], value_for(kind, k))
                elif step[0] == "handin":
                    world.hand_back(step[1], keep_working=step[2])
                else:
                    waiting = sorted(c for c, files in world.pending.items() if files)
                    if waiting:
                        world.merge_next(waiting[step[1] % len(waiting)])
            for which in range(LAPTOPS):
                world.hand_back(which, keep_working=False)
            # Every remaining file, in a random order that keeps each copy's own order.
            while any(world.pending.values()):
                copy = data.draw(
                    st.sampled_from(sorted(c for c, files in world.pending.items() if files)),
                    label="merge next",
                )
                world.merge_next(copy)
            world.check()
            team = world.team
            merged_audit = {r[0] for r in team.db.execute("SELECT id FROM audit_log")}
            assert world.laptop_audit <= merged_audit

            # Merging every file again changes nothing and says so.
            before = snapshot(team)
            for seen in world.files:
                plan = plan_merge(team, read_change_file(seen.path, team.key))
                assert plan.already_merged is not None
                assert apply_merge(team, plan).already_merged
            assert snapshot(team) == before

            # The measures equal those of the starting file with the model's rows written in.
            write_by_hand(world.start, world.model)
            with Project.open(world.start, read_only=True) as by_hand:
                assert measures(team) == measures(by_hand)
                for table in ("paid_hours", "placement"):
                    assert rows(team, table) == rows(by_hand, table)
                columns = "id, cpr, name, birth_date, gender, origin, grp, entry_date, exit_date, exit_reason, note"
                assert team.db.execute(f"SELECT {columns} FROM citizen ORDER BY id").fetchall() == (
                    by_hand.db.execute(f"SELECT {columns} FROM citizen ORDER BY id").fetchall()
                )
        finally:
            world.close()
        shutil.rmtree(folder, ignore_errors=True)
