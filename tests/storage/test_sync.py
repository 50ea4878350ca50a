"""Laptop copies end to end on fresh demo projects (issue 20): take along, work with the
program's own repositories, hand back, preview and merge; what is refused, and that every
write is all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sync_helpers import (
    PASSWORD,
    TODAY,
    add_contact,
    add_marking,
    add_meeting,
    add_status,
    another_column,
    citizen_ids,
    citizen_row,
    column_of,
    contact_ids,
    copy_of,
    delete_contact,
    delete_hours,
    demo_file,
    hours_of,
    move,
    placement_of,
    rows,
    set_citizen,
    set_hours,
    snapshot,
    synced_rows,
)

import fsm_desktop.storage.sync as sync_module
from fsm_desktop.domain.caseload import StaffRecord
from fsm_desktop.domain.errors import KnownError, ProjectFileError
from fsm_desktop.domain.imports import ImportPlan
from fsm_desktop.domain.model import Citizen, Staff, StaffRole
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.domain.sync import conflict_line
from fsm_desktop.operations.citizens import save_citizen
from fsm_desktop.storage import keys
from fsm_desktop.storage.board import BoardRepository
from fsm_desktop.storage.imports import ImportRepository
from fsm_desktop.storage.project import Project, ReadOnlyProject
from fsm_desktop.storage.schema import SCHEMA_VERSION
from fsm_desktop.storage.sqlite import dbapi
from fsm_desktop.storage.staff import StaffRegister
from fsm_desktop.storage.status_sheet import StatusSheetRepository
from fsm_desktop.storage.sync import (
    ChangeFilePassword,
    SyncError,
    UndecidedConflicts,
    apply_merge,
    checkout,
    handin,
    merges,
    plan_merge,
    read_change_file,
)
from fsm_desktop.storage.writer_lock import LOCK_SUFFIX, ProjectInUse

APPEND_ONLY = (
    "board_move",
    "contact",
    "status_entry",
    "stepup_meeting",
    "stepup_participant",
    "stepup_plan_line",
    "stepup_marking",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A plain 30-citizen FSM2 demo (a demo may stay unencrypted, also on a laptop)."""
    return demo_file(tmp_path_factory.mktemp("sync-demo") / "demo.fsm")


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory) -> tuple[Path, keys.Key]:
    path = demo_file(tmp_path_factory.mktemp("sync-demo-encrypted") / "demo.fsm", password=PASSWORD)
    return path, keys.derive(PASSWORD, keys.file_salt(path))


@pytest.fixture
def opened():
    """Projects opened by a test, closed at its end (also when it fails)."""
    projects: list[Project] = []
    yield projects
    for project in reversed(projects):
        project.close()


@pytest.fixture
def team(demo, tmp_path, opened) -> Project:
    project = Project.open(copy_of(demo, tmp_path / "team.fsm"))
    opened.append(project)
    return project


def take(
    team: Project, opened: list, name: str = "laptop", job_broker: str | None = None
) -> Project:
    result = checkout(team, team.path.with_name(f"{name}.fsm"), job_broker=job_broker)
    laptop = Project.open(result.path, key=team.key)
    opened.append(laptop)
    return laptop


def hand_back(laptop: Project, name: str = "aflevering", keep_working: bool = False) -> Path:
    return handin(laptop, laptop.path.with_name(name), keep_working=keep_working).path


def merge(team: Project, path: Path, **decide):
    plan = plan_merge(team, read_change_file(path, team.key))
    return plan, apply_merge(team, plan, **decide)


def files_in(folder: Path) -> list[str]:
    """The files in ``folder`` but an open project's journal and writer lock."""
    return sorted(
        p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm", LOCK_SUFFIX))
    )


def audit_ids(project: Project, after_rowid: int = 0) -> list[str]:
    return [
        r[0]
        for r in project.db.execute(
            "SELECT id FROM audit_log WHERE rowid > ? ORDER BY rowid", [after_rowid]
        )
    ]


# --- what merges without a question ---------------------------------------------------------------------
def test_rows_only_ever_added_never_conflict(team, opened):
    laptop = take(team, opened, job_broker="JP")
    assert laptop.laptop.label == "bærbar JP"
    c = citizen_ids(team)
    laptop_audit_start = laptop.laptop.audit_rowid
    # Both sides add to the same citizen: a contact, a CV entry, a step-up meeting, a marking;
    # each moves another citizen on the board.
    for project in (team, laptop):
        add_contact(project, c[0], note=f"fra {project.path.stem}")
        add_status(project, c[0], "ja")
        add_meeting(project, c[0], note=f"møde på {project.path.stem}")
        add_marking(project, c[0])
    move(team, c[1], another_column(team, c[1]))
    move(laptop, c[2], another_column(laptop, c[2]))
    team_rows = {t: set(rows(team, t)) for t in APPEND_ONLY}
    laptop_rows = {t: set(rows(laptop, t)) for t in APPEND_ONLY}
    laptop_entries = audit_ids(laptop, laptop_audit_start)
    assert len(laptop_entries) == 5  # contact, status, meeting, marking, move
    laptop_placement = placement_of(laptop, c[2])
    team_audit = len(audit_ids(team))

    plan, result = merge(team, hand_back(laptop))

    assert plan.conflicts == [] and plan.skipped == []
    assert plan.counts == {
        "Flytninger på tavlen": 1,
        "Kontakter": 1,
        "Step-up-møder": 1,
        "Step-up-markeringer": 1,
        "CV og jobmål": 1,
    }
    for table in APPEND_ONLY:
        assert set(rows(team, table)) == team_rows[table] | laptop_rows[table], table
        assert len(team_rows[table] | laptop_rows[table]) > len(team_rows[table]), table
    assert placement_of(team, c[2]) == laptop_placement
    # The laptop's own audit entries come along, marked with the copy they came from; every
    # change the merge wrote has an entry of its own naming the copy.
    entries = {r[0]: r[1] for r in team.db.execute("SELECT id, source FROM audit_log")}
    assert [entries[e] for e in laptop_entries] == ["bærbar JP"] * 5
    written = team.db.execute(
        "SELECT entity, entity_id, source FROM audit_log WHERE action LIKE 'merge_%'"
    ).fetchall()
    applied = [m.change for m in plan.rows if m.result({})[0] != "none"]
    assert (
        len(applied) == result.applied == 9
    )  # contact, status, meeting (+2 participants, 1 line), marking, move
    assert {(e, i) for e, i, _ in written} == {(ch.table, str(ch.key[0])) for ch in applied} | {
        ("placement", c[2])
    }
    assert {source for *_, source in written} == {"bærbar JP"}
    assert result.audit_entries == 5
    assert len(audit_ids(team)) == team_audit + 5 + len(written)
    (record,) = merges(team)
    assert (record.label, record.seq, record.file_id) == ("bærbar JP", 1, plan.file.file_id)
    assert (
        record.counts["konflikter"] == 0
        and record.counts["anvendt"] == result.applied == plan.to_apply
    )


def test_different_fields_of_one_citizen_merge_and_the_stamp_is_the_later(team, opened):
    laptop = take(team, opened)
    cid = citizen_ids(team)[3]
    before = citizen_row(team, cid)
    set_citizen(team, cid, name="Navn Fra Teamet")
    set_citizen(laptop, cid, note="Note fra bærbaren")
    # The laptop's edit was the later one (the clock has only seconds; set it apart).
    laptop.db.execute("UPDATE citizen SET updated_at = '2099-01-01T08:00:00' WHERE id = ?", [cid])
    plan, _ = merge(team, hand_back(laptop))
    assert plan.conflicts == []
    after = citizen_row(team, cid)
    assert (after["name"], after["note"], after["updated_at"]) == (
        "Navn Fra Teamet",
        "Note fra bærbaren",
        "2099-01-01T08:00:00",
    )
    assert {k: v for k, v in after.items() if k not in ("name", "note", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("name", "note", "updated_at")
    }
    assert plan.counts == {"Ændrede oplysninger": 1}


# --- conflicts ---------------------------------------------------------------------------------------------
def test_a_real_conflict_is_reported_with_citizen_field_and_all_three_values(team, opened):
    laptop = take(team, opened, job_broker="LJ")
    c = citizen_ids(team)
    base_note = citizen_row(team, c[4])["note"]
    name = citizen_row(team, c[4])["name"]
    set_citizen(team, c[4], note="Teamets note")
    set_citizen(laptop, c[4], note="Bærbarens note")
    base_column = column_of(team, c[5])
    team_column = another_column(team, c[5])
    laptop_column = another_column(team, c[5], skip=(team_column,))
    move(team, c[5], team_column)
    move(laptop, c[5], laptop_column)
    team.db.execute(
        "UPDATE placement SET since = '2026-03-14T10:15:00' WHERE citizen_id = ?", [c[5]]
    )
    laptop.db.execute(
        "UPDATE placement SET since = '2026-03-12T09:30:00' WHERE citizen_id = ?", [c[5]]
    )
    path = hand_back(laptop)
    before = snapshot(team)

    plan = plan_merge(team, read_change_file(path, team.key))
    by_table = {c.table: c for c in plan.conflicts}
    assert sorted(by_table) == ["citizen", "placement"] and len(plan.conflicts) == 2
    note = by_table["citizen"]
    assert (
        note.key,
        note.kind,
        note.field,
        note.base,
        note.team,
        note.laptop,
        note.citizen_id,
    ) == ((c[4],), "field", "note", base_note, "Teamets note", "Bærbarens note", c[4])
    assert plan.names[c[4]] == name
    board = by_table["placement"]
    assert (board.field, board.base, board.team, board.laptop) == (
        "board_column",
        base_column,
        team_column.value,
        laptop_column.value,
    )
    board_name = plan.names[c[5]]
    assert conflict_line(board, board_name, plan.file.label) == (
        f"{board_name}: {laptop_column.label} (bærbar LJ, 12.03) / {team_column.label} (teamkopien, 14.03)"
    )
    # Undecided: nothing is written.
    with pytest.raises(UndecidedConflicts, match="2 konflikter skal afgøres"):
        apply_merge(team, plan)
    assert snapshot(team) == before
    with pytest.raises(UndecidedConflicts, match=r"^1 konflikt skal afgøres"):  # one: singular
        apply_merge(team, plan, decisions={note.id: "laptop"})
    assert snapshot(team) == before
    result = apply_merge(team, plan, decisions={note.id: "laptop", board.id: "team"})
    assert citizen_row(team, c[4])["note"] == "Bærbarens note"
    assert placement_of(team, c[5]) == (team_column.value, "2026-03-14T10:15:00")
    assert result.record.decisions == {note.id: "laptop", board.id: "team"}
    assert merges(team)[0].decisions == {note.id: "laptop", board.id: "team"}


@pytest.mark.parametrize("decision", ["team", "laptop"])
def test_deleted_on_the_laptop_and_changed_in_the_team(team, opened, decision):
    laptop = take(team, opened)
    cid, month = team.db.execute(
        "SELECT citizen_id, month FROM paid_hours ORDER BY citizen_id, month"
    ).fetchone()
    delete_hours(laptop, cid, month)
    set_hours(team, cid, month, 99.5)
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    (conflict,) = plan.conflicts
    assert (conflict.table, conflict.key, conflict.kind, conflict.citizen_id) == (
        "paid_hours",
        (cid, month),
        "deleted_on_laptop",
        cid,
    )
    apply_merge(team, plan, decisions={conflict.id: decision})
    assert hours_of(team, cid, month) == (99.5 if decision == "team" else None)


@pytest.mark.parametrize("decision", ["team", "laptop"])
def test_changed_on_the_laptop_and_deleted_in_the_team(team, opened, decision):
    laptop = take(team, opened)
    cid, month = team.db.execute(
        "SELECT citizen_id, month FROM paid_hours ORDER BY citizen_id, month"
    ).fetchone()
    set_hours(laptop, cid, month, 77.0)
    delete_hours(team, cid, month)
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    (conflict,) = plan.conflicts
    assert (conflict.kind, conflict.key) == ("deleted_on_team", (cid, month))
    apply_merge(team, plan, prefer=decision)
    assert hours_of(team, cid, month) == (77.0 if decision == "laptop" else None)


def test_a_delete_nobody_else_touched_goes_through(team, opened):
    laptop = take(team, opened)
    cid = team.db.execute(
        "SELECT citizen_id FROM contact GROUP BY citizen_id HAVING count(*) >= 2"
    ).fetchone()[0]
    gone, kept = contact_ids(team, cid)[:2]
    delete_contact(laptop, cid, gone)
    plan, _result = merge(team, hand_back(laptop))
    assert plan.conflicts == [] and plan.counts == {"Kontakter": 1}
    assert gone not in contact_ids(team, cid) and kept in contact_ids(team, cid)
    assert (
        team.db.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'merge_delete' AND entity_id = ?", [gone]
        ).fetchone()[0]
        == 1
    )


def test_a_change_for_a_citizen_the_team_no_longer_has_is_shown_and_not_applied(team, opened):
    laptop = take(team, opened)
    c = citizen_ids(team)
    add_contact(laptop, c[6])
    add_contact(laptop, c[7])
    with team.db.atomic():
        team.db.execute("DELETE FROM citizen WHERE id = ?", [c[6]])
    plan, result = merge(team, hand_back(laptop))
    ((change, reason),) = plan.skipped
    assert (change.table, change.row["citizen_id"], reason) == (
        "contact",
        c[6],
        "borgeren findes ikke længere i teamkopien",
    )
    assert (
        team.db.execute("SELECT count(*) FROM contact WHERE citizen_id = ?", [c[6]]).fetchone()[0]
        == 0
    )
    assert result.record.counts["ikke anvendt"] == 1 and result.applied == 1


# --- the same file twice, several laptops, several hand-backs -----------------------------------------------
def test_applying_the_same_file_twice_changes_nothing_and_says_so(team, opened):
    laptop = take(team, opened)
    c = citizen_ids(team)
    move(laptop, c[0], another_column(laptop, c[0]))
    add_contact(laptop, c[0])
    path = hand_back(laptop)
    _, first = merge(team, path)
    assert first.applied == 3 and not first.already_merged
    after_first = snapshot(team)
    plan = plan_merge(team, read_change_file(path, team.key))
    assert plan.already_merged is not None
    assert (plan.already_merged.id, plan.already_merged.file_id) == (
        first.record.id,
        plan.file.file_id,
    )
    again = apply_merge(team, plan)
    assert (again.already_merged, again.applied, again.audit_entries) == (True, 0, 0)
    assert snapshot(team) == after_first
    # A copy of the file under another name is the same file.
    copied = shutil.copy(path, path.with_name("kopi.fsmchanges"))
    assert plan_merge(team, read_change_file(copied, team.key)).already_merged is not None


def test_two_laptops_merged_in_either_order_give_the_same_rows(demo, tmp_path, opened):
    first_team = Project.open(copy_of(demo, tmp_path / "team.fsm"))
    opened.append(first_team)
    a = take(first_team, opened, "a", job_broker="JP")
    b = take(first_team, opened, "b", job_broker="LJ")
    c = citizen_ids(first_team)
    # Overlapping citizens, different fields; the same edit on both; the team works meanwhile.
    set_citizen(a, c[0], note="A's note")
    set_citizen(b, c[0], name="B Navn")
    set_citizen(a, c[1], note="Samme")
    set_citizen(b, c[1], note="Samme")
    a.db.execute("UPDATE citizen SET updated_at = '2099-01-01T00:00:00' WHERE id = ?", [c[1]])
    move(a, c[2], another_column(a, c[2]))
    move(b, c[3], another_column(b, c[3]))
    add_contact(a, c[4], note="A")
    add_contact(b, c[4], note="B")
    set_hours(a, c[5], "2021-09", 12.0)
    set_hours(b, c[5], "2021-10", 8.0)
    add_status(b, c[6], "ja")
    set_citizen(first_team, c[7], note="Teamets")
    move(first_team, c[8], another_column(first_team, c[8]))
    a_file, b_file = hand_back(a, "a"), hand_back(b, "b")
    names = list(citizen_row(first_team, c[0]))
    first_team.close()
    opened.remove(first_team)
    shutil.copyfile(tmp_path / "team.fsm", tmp_path / "team2.fsm")
    results = []
    for name, order in (("team.fsm", (a_file, b_file)), ("team2.fsm", (b_file, a_file))):
        with Project.open(tmp_path / name) as team:
            for path in order:
                plan, _ = merge(team, path)
                assert plan.conflicts == []
            results.append(synced_rows(team))
    assert results[0] == results[1]
    merged = results[0]
    row = {r[0]: r for r in merged["citizen"]}
    as_dict = lambda cid: dict(zip(names, row[cid]))  # noqa: E731
    assert (as_dict(c[0])["note"], as_dict(c[0])["name"]) == ("A's note", "B Navn")
    assert (as_dict(c[1])["note"], as_dict(c[1])["updated_at"]) == ("Samme", "2099-01-01T00:00:00")
    assert as_dict(c[7])["note"] == "Teamets"
    hours = {(r[0], r[1]): r[2] for r in merged["paid_hours"]}
    assert (hours[(c[5], "2021-09")], hours[(c[5], "2021-10")]) == (12.0, 8.0)
    assert {r[5] for r in merged["contact"] if r[1] == c[4]} >= {"A", "B"}


def test_a_second_hand_back_carries_only_what_changed_since_the_first(team, opened):
    laptop = take(team, opened)
    c = citizen_ids(team)
    set_citizen(laptop, c[0], note="første")
    add_contact(laptop, c[1])
    first = handin(laptop, laptop.path.with_name("første"), keep_working=True)
    assert (first.seq, first.changes, first.keep_working) == (1, 2, True)
    assert not laptop.read_only and laptop.laptop.seq == 1
    set_citizen(laptop, c[2], note="anden")
    second_path = hand_back(laptop, "anden")
    second = read_change_file(second_path, team.key)
    assert second.seq == 2
    assert [(ch.table, ch.key) for ch in second.changes] == [("citizen", (c[2],))]
    assert [e["entity_id"] for e in second.audit] == [c[2]]
    assert laptop.read_only
    before = snapshot(team)
    with pytest.raises(SyncError) as refused:
        plan_merge(team, second)
    assert refused.value.message == (
        "anden.fsmchanges er aflevering nr. 2 fra bærbar "
        + team.user
        + " og bygger på aflevering nr. 1, som ikke er "
        "indlæst. Indlæs den først."
    )
    assert snapshot(team) == before
    merge(team, first.path)
    merge(team, second_path)
    assert [citizen_row(team, cid)["note"] for cid in c[:3:2]] == ["første", "anden"]
    assert [r.seq for r in merges(team)] == [1, 2]


def test_a_conflict_the_team_kept_does_not_come_back_with_the_next_hand_back(team, opened):
    laptop = take(team, opened)
    cid = citizen_ids(team)[0]
    set_citizen(team, cid, note="Teamets")
    set_citizen(laptop, cid, note="Bærbarens")
    merge(team, handin(laptop, laptop.path.with_name("1"), keep_working=True).path, prefer="team")
    set_citizen(laptop, cid, name="Nyt Navn")
    plan, _ = merge(team, hand_back(laptop, "2"))
    assert plan.conflicts == []
    assert (citizen_row(team, cid)["note"], citizen_row(team, cid)["name"]) == (
        "Teamets",
        "Nyt Navn",
    )


# --- files that are refused ------------------------------------------------------------------------------
def test_a_file_from_another_project_is_refused(demo, tmp_path, opened):
    team = Project.open(copy_of(demo, tmp_path / "team.fsm"))
    other = Project.open(copy_of(demo, tmp_path / "other.fsm"))
    opened += [team, other]
    take(team, opened, "mine")  # the team copy has an identity of its own now
    laptop = take(other, opened, "theirs")
    set_citizen(laptop, citizen_ids(other)[0], note="x")
    path = hand_back(laptop)
    before = snapshot(team)
    with pytest.raises(SyncError) as refused:
        plan_merge(team, read_change_file(path, team.key))
    assert refused.value.message == (
        "Ændringsfilen aflevering.fsmchanges kommer fra en kopi af et andet projekt end team.fsm. Indlæs den i det "
        "projekt, den bærbare kopi blev taget fra."
    )
    assert snapshot(team) == before
    # A project no copy was ever taken from has no identity: refused the same way.
    never = Project.open(copy_of(demo, tmp_path / "never.fsm"))
    opened.append(never)
    with pytest.raises(SyncError, match="et andet projekt"):
        plan_merge(never, read_change_file(path, None))


def test_a_file_of_another_schema_version_is_refused(encrypted_demo, tmp_path, opened):
    template, key = encrypted_demo
    team = Project.open(copy_of(template, tmp_path / "team.fsm"), key=key)
    opened.append(team)
    laptop = take(team, opened)
    set_citizen(laptop, citizen_ids(laptop)[0], note="x")
    path = hand_back(laptop)
    newer = Path(shutil.copy(path, tmp_path / "nyere.fsmchanges"))
    conn = dbapi.connect(str(newer))
    keys.apply(conn, key)
    with conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            [json.dumps(SCHEMA_VERSION + 1)],
        )
    conn.close()
    before = snapshot(team)
    with pytest.raises(SyncError) as refused:
        plan_merge(team, read_change_file(newer, team.key))
    assert refused.value.message == (
        f"Ændringsfilen nyere.fsmchanges er skrevet af en anden version af FSM Desktop (databaseversion "
        f"{SCHEMA_VERSION + 1}; teamkopien har {SCHEMA_VERSION}). Brug samme version på den bærbare og på teamkopien: "
        "opdatér den ældste, åbn den bærbare kopi, og aflever igen."
    )
    # Another format of the change file itself is refused when it is read.
    conn = dbapi.connect(str(newer))
    keys.apply(conn, key)
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(SyncError, match="skrevet af en anden version af FSM Desktop"):
        read_change_file(newer, team.key)
    assert snapshot(team) == before
    # The original is fine.
    plan, _ = merge(team, path)
    assert plan.counts == {"Ændrede oplysninger": 1}


def test_a_change_file_needs_its_own_password_once_the_teams_was_changed(
    encrypted_demo, tmp_path, opened
):
    template, key = encrypted_demo
    team = Project.open(copy_of(template, tmp_path / "team.fsm"), key=key)
    opened.append(team)
    laptop = take(team, opened)
    cid = citizen_ids(laptop)[0]
    set_citizen(laptop, cid, note="fra bærbaren")
    path = hand_back(laptop)
    team.change_password("et-helt-nyt-kodeord")
    with pytest.raises(
        ChangeFilePassword, match="Angiv den adgangskode, den bærbare kopi blev taget med"
    ):
        read_change_file(path, team.key)
    with pytest.raises(SyncError) as wrong:
        read_change_file(path, team.key, password="forkert-kodeord")
    assert (
        wrong.value.message
        == "Forkert adgangskode til ændringsfilen aflevering.fsmchanges. Intet er ændret."
    )
    changes = read_change_file(path, team.key, password=PASSWORD)
    apply_merge(team, plan_merge(team, changes))
    assert citizen_row(team, cid)["note"] == "fra bærbaren"


def test_a_file_that_is_no_change_file_is_refused(team, tmp_path):
    text = tmp_path / "noget.fsmchanges"
    text.write_text("ikke en ændringsfil\n", "utf-8")
    for path in (text, team.path):
        with pytest.raises(SyncError) as refused:
            read_change_file(path, team.key)
        assert (
            refused.value.message
            == f"Filen {path} er ikke en ændringsfil fra en bærbar kopi, eller den er beskadiget."
        )
    with pytest.raises(SyncError, match="findes ikke"):
        read_change_file(tmp_path / "mangler.fsmchanges", team.key)


# --- the laptop copy -----------------------------------------------------------------------------------------
def test_a_handed_back_copy_is_read_only_with_when_and_where(team, opened):
    laptop = take(team, opened)
    cid = citizen_ids(laptop)[0]
    result = handin(
        laptop, laptop.path.with_name("aflevering"), now=dt.datetime(2026, 3, 12, 16, 5)
    )
    sentence = (
        f"Kopien er afleveret 12.03.2026 kl. 16.05 til {result.path}, og kan kun læses. Tag en ny kopi med "
        "fra teamkopien for at arbejde videre."
    )
    # The copy still open is handed back too: nothing more can be saved in it …
    assert laptop.read_only and laptop.read_only_reason.message == sentence
    with pytest.raises(ReadOnlyProject):
        move(laptop, cid, another_column(laptop, cid))
    with pytest.raises(SyncError) as again:
        handin(laptop, laptop.path.with_name("igen"))
    assert again.value.message == sentence
    laptop.close()
    opened.remove(laptop)
    # … and it opens read-only, saying when and where to.
    with Project.open(team.path.with_name("laptop.fsm")) as reopened:
        assert reopened.read_only and reopened.read_only_reason.message == sentence
        assert (
            reopened.laptop.title("Demo")
            == f"bærbar kopi af Demo, taget {reopened.laptop.taken:%d.%m.%Y} kl. {reopened.laptop.taken:%H.%M}"
        )
    # Taking along again gives a fresh copy.
    fresh = take(team, opened, "ny")
    assert not fresh.read_only and fresh.laptop.seq == 0


def test_team_work_is_refused_on_a_laptop_copy_before_anything_is_written(team, opened):
    laptop = take(team, opened)
    plan = ImportPlan(citizens_new=[Citizen(cpr="0101901234", name="Ny Importeret", group=1)])
    staff = StaffRecord(Staff("ZZ", "Zenia Zahle", StaffRole.JOB_BROKER), active_from=TODAY)
    measure = team.template.goals[0].measure
    attempts = {
        "Import": lambda p: ImportRepository(p).apply(plan, "udtræk.xlsx", "0" * 64),
        "Medarbejderlisten": lambda p: StaffRegister(p).save(staff, today=TODAY),
        "Statusskemaets mål": lambda p: StatusSheetRepository(p).set_goal(measure, "2021-06", 0.37),
        "Tavlemødet (Afslut møde)": lambda p: BoardRepository(p).finish_meeting(
            TODAY, ["JP"], today=TODAY
        ),
    }
    tables = (
        "citizen",
        "import_batch",
        "staff",
        "goal",
        "board_meeting",
        "board_snapshot",
        "audit_log",
    )
    before = {t: rows(laptop, t) for t in tables}
    for what, attempt in attempts.items():
        with pytest.raises(KnownError) as refused:
            attempt(laptop)
        assert refused.value.message == (
            f"{what} hører til teamkopien og kan ikke ændres på en bærbar kopi. Gør det i teamkopien, når dine ændringer "
            "er afleveret."
        )
    assert {t: rows(laptop, t) for t in tables} == before
    # The same work is done on the team copy (so the refusal above is the laptop's).
    team_before = {t: rows(team, t) for t in tables}
    for attempt in attempts.values():
        attempt(team)
    assert all(
        rows(team, t) != team_before[t]
        for t in ("citizen", "import_batch", "staff", "goal", "board_meeting")
    )


def test_checkout_is_refused_for_a_plain_project_from_a_laptop_copy_and_onto_a_file(
    team, tmp_path, opened
):
    plain = Project.create(tmp_path / "rigtig.fsm", builtin_template("fsm2"))
    opened.append(plain)
    with pytest.raises(
        SyncError, match="Projektet er ikke krypteret, og en bærbar kopi forlader bygningen"
    ):
        checkout(plain, tmp_path / "ud.fsm")
    assert not (tmp_path / "ud.fsm").exists()
    assert rows(plain, "sync_checkout") == [] and rows(plain, "project_setting") == []
    laptop = take(team, opened)
    with pytest.raises(SyncError) as refused:
        checkout(laptop, tmp_path / "videre.fsm")
    assert refused.value.message == (
        "Dette er en bærbar kopi. En bærbar kopi tages med fra teamkopien, ikke fra en anden bærbar kopi."
    )
    with pytest.raises(SyncError, match="findes allerede"):
        checkout(team, laptop.path)
    with pytest.raises(SyncError, match="projektfil"):
        checkout(team, tmp_path / "ud.txt")
    with pytest.raises(SyncError, match="ingen medarbejder med initialerne »QQ«"):
        checkout(team, tmp_path / "ud.fsm", job_broker="QQ")
    with pytest.raises(SyncError, match="teamkopien"):
        handin(team, tmp_path / "ud")
    with pytest.raises(SyncError, match="Ændringer indlæses i teamkopien"):
        plan_merge(laptop, read_change_file(hand_back(laptop), None))
    assert len(rows(team, "sync_checkout")) == 1
    assert files_in(tmp_path) == ["aflevering.fsmchanges", "laptop.fsm", "rigtig.fsm", "team.fsm"]


def test_a_checkout_that_cannot_write_its_file_says_so_and_leaves_nothing(
    team, tmp_path, monkeypatch
):
    """The copy was once written through the backup function, whose failure spoke of a
    "Sikkerhedskopien" under a temporary name: a full disk now names the laptop copy."""
    import fsm_desktop.storage.project as project_module

    def full(path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_module, "private_file", full)
    with pytest.raises(SyncError) as refused:
        checkout(team, tmp_path / "ud.fsm")
    assert refused.value.message.startswith(
        f"Den bærbare kopi {tmp_path / 'ud.fsm'} kunne ikke skrives:"
    )
    assert "Sikkerhedskopien" not in refused.value.message
    assert rows(team, "sync_checkout") == []
    assert files_in(tmp_path) == ["team.fsm"]


def test_the_copy_and_the_change_file_are_encrypted_without_a_cpr_number_in_the_clear(
    encrypted_demo, tmp_path, opened
):
    template, key = encrypted_demo
    team = Project.open(copy_of(template, tmp_path / "team.fsm"), key=key)
    opened.append(team)
    cprs = [r[0] for r in team.db.execute("SELECT cpr FROM citizen")]
    result = checkout(team, tmp_path / "laptop.fsm", job_broker="JP")
    assert result.citizens == 30 and result.own_citizens is not None
    with pytest.raises(KnownError):
        Project.open(result.path)  # the team's password opens it, nothing else
    with Project.open(result.path, password=PASSWORD) as laptop:
        for cid in citizen_ids(laptop)[:5]:
            set_citizen(laptop, cid, note="besøgt")
            add_contact(laptop, cid)
        change_file = hand_back(laptop)
    team.close()
    opened.remove(team)
    for path in (result.path, change_file):
        assert keys.is_encrypted(path)
        data = path.read_bytes()
        assert len(data) > 0 and not any(cpr.encode() in data for cpr in cprs)
        assert b"Skovbjerg" not in data
    assert files_in(tmp_path) == ["aflevering.fsmchanges", "laptop.fsm", "team.fsm"]


# --- all or nothing ----------------------------------------------------------------------------------------
def test_a_merge_that_fails_midway_writes_nothing(team, opened, monkeypatch):
    laptop = take(team, opened)
    c = citizen_ids(team)
    for cid in c[:4]:
        set_citizen(laptop, cid, note="ny")
        add_contact(laptop, cid)
    path = hand_back(laptop)
    plan = plan_merge(team, read_change_file(path, team.key))
    before = snapshot(team)
    calls = []
    real = sync_module._citizen_id

    def failing(change):
        calls.append(change)
        if len(calls) == 5:
            raise dbapi.OperationalError("disk I/O error")
        return real(change)

    monkeypatch.setattr(sync_module, "_citizen_id", failing)
    with pytest.raises(ProjectFileError) as failed:
        apply_merge(team, plan)
    assert (
        len(calls) == 5
        and "disken er fuld eller utilgængelig. Intet er gemt" in failed.value.message
    )
    assert snapshot(team) == before
    monkeypatch.setattr(sync_module, "_citizen_id", real)
    result = apply_merge(team, plan_merge(team, read_change_file(path, team.key)))
    assert result.applied == 8 and [citizen_row(team, cid)["note"] for cid in c[:4]] == ["ny"] * 4


def test_a_preview_the_team_copy_has_moved_past_is_not_written(team, opened):
    laptop = take(team, opened)
    cid = citizen_ids(team)[0]
    set_citizen(laptop, cid, note="bærbar")
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    assert plan.conflicts == []
    set_citizen(team, cid, note="teamet, imens")  # saved while the preview was shown
    before = snapshot(team)
    with pytest.raises(
        SyncError, match=r"Teamkopien er ændret, siden ændringerne fra bærbar .* blev vist"
    ):
        apply_merge(team, plan)
    assert snapshot(team) == before
    # The same file again: now the conflict shows.
    again = plan_merge(team, read_change_file(plan.file.path, team.key))
    assert [(c.field, c.team, c.laptop) for c in again.conflicts] == [
        ("note", "teamet, imens", "bærbar")
    ]


HOLD = textwrap.dedent("""
    import sys
    from fsm_desktop.storage.project import Project
    project = Project.open(sys.argv[1])
    print("open", flush=True)
    sys.stdin.readline()
    project.close()
""")


def test_a_team_copy_another_program_writes_is_not_merged_into(demo, tmp_path, opened):
    team = Project.open(copy_of(demo, tmp_path / "team.fsm"))
    laptop = take(team, opened)
    set_citizen(laptop, citizen_ids(laptop)[0], note="bærbar")
    path = hand_back(laptop)
    team.close()
    before_bytes = None
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "team.fsm")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "open"
            with pytest.raises(ProjectInUse) as refused:
                Project.open(tmp_path / "team.fsm")
            assert refused.value.message.startswith("Projektet er åbent hos ")
            assert refused.value.message.endswith("Det kan åbnes skrivebeskyttet.")
            with Project.open(tmp_path / "team.fsm", read_only=True) as reader:
                before_bytes = snapshot(reader)
                plan = plan_merge(reader, read_change_file(path, None))  # the preview can be read
                assert plan.counts == {"Ændrede oplysninger": 1}
                with pytest.raises(ReadOnlyProject) as written:
                    apply_merge(reader, plan)
                assert written.value.message.startswith("Projektet er åbent hos ")
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
    assert holder.returncode == 0
    with Project.open(tmp_path / "team.fsm") as after:
        assert snapshot(after) == before_bytes
        assert merges(after) == []
        apply_merge(after, plan_merge(after, read_change_file(path, None)))
        assert citizen_row(after, citizen_ids(after)[0])["note"] == "bærbar"


# --- rows that belong together --------------------------------------------------------------------------
def _meeting(project: Project):
    from fsm_desktop.storage.stepup import StepUpRepository

    mid, cid = project.db.execute(
        "SELECT id, citizen_id FROM stepup_meeting ORDER BY id"
    ).fetchone()
    repo = StepUpRepository(project)
    return repo, next(m for m in repo.meetings(cid) if m.id == mid)


def _people(project: Project, meeting_id: str) -> list[tuple]:
    return sorted(
        project.db.execute(
            "SELECT role, name FROM stepup_participant WHERE meeting_id = ?", [meeting_id]
        )
    )


def test_a_meeting_saved_on_both_sides_keeps_one_list_of_participants(team, opened):
    laptop = take(team, opened)
    for project, note in ((team, "Teamets referat"), (laptop, "Bærbarens referat")):
        repo, meeting = _meeting(project)
        meeting.note = note
        repo.save_meeting(meeting)
    people = _people(team, meeting.id)
    assert len(people) == 5
    plan, _ = merge(team, hand_back(laptop), prefer="laptop")
    assert [(c.table, c.field) for c in plan.conflicts] == [("stepup_meeting", "note")]
    assert _people(team, meeting.id) == people  # not each person twice
    assert team.db.execute("SELECT note FROM stepup_meeting WHERE id = ?", [meeting.id]).fetchone()[
        0
    ] == ("Bærbarens referat")


@pytest.mark.parametrize("decision", ["team", "laptop"])
def test_a_meeting_given_other_participants_on_both_sides_is_one_decision(team, opened, decision):
    from fsm_desktop.domain.model import ParticipantRole
    from fsm_desktop.domain.stepup import Participant

    laptop = take(team, opened)
    for project, name in ((team, "Lis Leder"), (laptop, "Mona Mentor")):
        repo, meeting = _meeting(project)
        meeting.participants = [
            *meeting.participants[:2],
            Participant(ParticipantRole.LEADER, name),
        ]
        repo.save_meeting(meeting)
    team_people, laptop_people = _people(team, meeting.id), _people(laptop, meeting.id)
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    (conflict,) = plan.conflicts
    assert (conflict.table, conflict.key, conflict.field) == (
        "stepup_meeting",
        (meeting.id,),
        "deltagere",
    )
    assert "leder Lis Leder" in conflict.team and "leder Mona Mentor" in conflict.laptop
    assert "Mona" not in conflict.team and "Lis" not in conflict.laptop
    assert conflict.citizen_id == meeting.citizen_id
    assert conflict_line(conflict, "Bo", "bærbar X").startswith(
        f"Bo (mødets deltagere): {conflict.laptop} (bærbar X)"
    )
    apply_merge(team, plan, decisions={conflict.id: decision})
    assert _people(team, meeting.id) == (team_people if decision == "team" else laptop_people)


@pytest.mark.parametrize("decision", ["team", "laptop"])
def test_rows_under_a_citizen_the_team_deleted_follow_the_citizens_decision(team, opened, decision):
    laptop = take(team, opened)
    cid = citizen_ids(team)[8]
    set_citizen(laptop, cid, note="Stadig i gang")
    contact = add_contact(laptop, cid)
    meeting = add_meeting(laptop, cid)
    with team.db.atomic():
        team.db.execute("DELETE FROM citizen WHERE id = ?", [cid])
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    (conflict,) = plan.conflicts
    assert (conflict.table, conflict.kind) == ("citizen", "deleted_on_team")
    result = apply_merge(team, plan, prefer=decision)
    assert result.record is not None
    found = {
        t: team.db.execute(f"SELECT count(*) FROM {t} WHERE id = ?", [i]).fetchone()[0]
        for t, i in (("citizen", cid), ("contact", contact), ("stepup_meeting", meeting))
    }
    assert found == {t: int(decision == "laptop") for t in found}
    assert team.db.execute("PRAGMA foreign_key_check").fetchall() == []
    if decision == "laptop":
        assert citizen_row(team, cid)["note"] == "Stadig i gang"
        assert (
            team.db.execute(
                "SELECT count(*) FROM stepup_participant p JOIN stepup_meeting m ON m.id = p.meeting_id "
                "WHERE m.citizen_id = ?",
                [cid],
            ).fetchone()[0]
            == 2
        )


@pytest.mark.parametrize("decision", ["team", "laptop"])
def test_a_periods_start_and_end_changed_on_each_side_are_one_decision(team, opened, decision):
    """Field by field the laptop's later start and the team's earlier end would make a period
    that ends before it starts: the project refuses such a row, so the merge would never go in."""
    from fsm_desktop.domain.citizen_edit import CitizenChanges
    from fsm_desktop.domain.model import Period, PeriodKind

    laptop = take(team, opened)
    pid, cid, kind, start, end, note = team.db.execute(
        "SELECT id, citizen_id, kind, start, end, note FROM period WHERE end IS NOT NULL AND julianday(end) - "
        "julianday(start) > 60 ORDER BY id"
    ).fetchone()
    day = dt.date.fromisoformat
    later_start = day(start) + dt.timedelta(days=40)
    earlier_end = day(start) + dt.timedelta(days=20)
    for project, span in ((laptop, (later_start, day(end))), (team, (day(start), earlier_end))):
        changed = Period(cid, PeriodKind(kind), *span, note, id=pid)
        save_citizen(project, cid, CitizenChanges(periods_saved=[changed]), today=TODAY)
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    (conflict,) = plan.conflicts
    assert (conflict.table, conflict.field) == ("period", "start+end")
    assert (conflict.team, conflict.laptop) == (
        [start, earlier_end.isoformat()],
        [later_start.isoformat(), end],
    )
    apply_merge(team, plan, prefer=decision)
    expected = conflict.team if decision == "team" else conflict.laptop
    assert (
        list(team.db.execute("SELECT start, end FROM period WHERE id = ?", [pid]).fetchone())
        == expected
    )


def test_a_row_the_project_refuses_stops_the_merge_with_whose_it_is(team, opened):
    from fsm_desktop.storage.repositories import CitizenRepository

    laptop = take(team, opened)
    cid = citizen_ids(team)[5]
    CitizenRepository(laptop).add(Citizen(cpr="0101901234", name="Ny Fra Bærbaren", group=1))
    CitizenRepository(team).add(Citizen(cpr="0101901234", name="Ny Fra Importen", group=1))
    set_citizen(laptop, cid, note="også dette")
    plan = plan_merge(team, read_change_file(hand_back(laptop), team.key))
    before = snapshot(team)
    with pytest.raises(SyncError) as refused:
        apply_merge(team, plan)
    assert refused.value.message.startswith(
        f"Ændringerne fra {plan.file.label} kan ikke indlæses: oplysningerne for Ny Fra Bærbaren ville stride mod "
        "projektets regler"
    )
    assert refused.value.message.endswith("Intet er ændret.")
    assert snapshot(team) == before
