"""``fsm-desktop checkout / handin / merge``, run as a user runs them (issue 20 item 7): exit 0
merged (or nothing to do), 1 conflicts that need a decision (nothing written), 2 a file that
cannot be used (one Danish line)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_run import run
from sync_helpers import (
    PASSWORD,
    another_column,
    citizen_ids,
    citizen_row,
    copy_of,
    demo_file,
    move,
    placement_of,
    set_citizen,
    snapshot,
)

from fsm_desktop.storage import keys
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.sync import checkout, handin


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return demo_file(tmp_path_factory.mktemp("cli-sync-demo") / "demo.fsm")


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory) -> Path:
    return demo_file(
        tmp_path_factory.mktemp("cli-sync-demo-encrypted") / "demo.fsm", password=PASSWORD
    )


@pytest.fixture
def team_path(demo, tmp_path) -> Path:
    return copy_of(demo, tmp_path / "team.fsm")


def state(path: Path, key=None) -> dict:
    with Project.open(path, read_only=True, key=key) as project:
        return snapshot(project)


def one_danish_line(result) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fsm-desktop: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def laptop_with_conflicts(team_path: Path) -> tuple[Path, dict]:
    """A laptop copy and the team copy both change one citizen's note and one card's column;
    the laptop also adds a contact-free edit of another citizen. Returns the change file and
    what each side wrote."""
    with Project.open(team_path) as team:
        laptop_path = checkout(team, team_path.with_name("laptop.fsm")).path
        c = citizen_ids(team)
        team_column = another_column(team, c[1])
        with Project.open(laptop_path) as laptop:
            laptop_column = another_column(laptop, c[1], skip=(team_column,))
            set_citizen(laptop, c[0], note="Bærbarens note")
            move(laptop, c[1], laptop_column)
            set_citizen(laptop, c[2], name="Ny Navnesen")
            base = {"note": citizen_row(team, c[0])["note"], "column": placement_of(team, c[1])}
            path = handin(laptop, team_path.with_name("aflevering")).path
        set_citizen(team, c[0], note="Teamets note")
        move(team, c[1], team_column)
        names = {cid: citizen_row(team, cid)["name"] for cid in c[:3]}
    return path, {
        "ids": c[:3],
        "names": names,
        "base": base,
        "team_column": team_column.value,
        "laptop_column": laptop_column.value,
    }


# --- the round trip ------------------------------------------------------------------------------------
def test_checkout_handin_merge_and_merge_again(env, team_path, tmp_path):
    laptop_path = tmp_path / "laptop.fsm"
    taken = run(env, "checkout", "--db", team_path, "--out", laptop_path, "--job-broker", "jp")
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.startswith(f"Skrev den bærbare kopi {laptop_path} (30 borgere; ")
    assert "er JPs; taget " in taken.stdout
    with Project.open(laptop_path) as laptop:
        assert laptop.laptop.label == "bærbar JP"
        cid = citizen_ids(laptop)[0]
        set_citizen(laptop, cid, note="Ringet op")
        move(laptop, cid, another_column(laptop, cid))
        column = placement_of(laptop, cid)
    handed = run(env, "handin", "--db", laptop_path, "--out", tmp_path / "aflevering")
    assert handed.returncode == 0, handed.stderr
    assert handed.stdout.strip() == (
        f"Skrev {tmp_path / 'aflevering.fsmchanges'} (aflevering nr. 1): Flytninger på tavlen: 1, ændrede "
        "oplysninger: 1. Kopien er nu skrivebeskyttet; tag en ny med for at arbejde videre."
    )
    again = run(env, "handin", "--db", laptop_path, "--out", tmp_path / "igen")
    assert one_danish_line(again).startswith("fsm-desktop: Kopien er afleveret ")

    merged = run(env, "merge", "--db", team_path, tmp_path / "aflevering.fsmchanges")
    assert merged.returncode == 0, merged.stderr
    assert merged.stdout.splitlines() == [
        "Fra bærbar JP (aflevering nr. 1): Flytninger på tavlen: 1, ændrede oplysninger: 1.",
        "Indlæst i team.fsm: 3 ændringer og 2 poster i ændringsloggen.",
    ]
    with Project.open(team_path, read_only=True) as team:
        assert citizen_row(team, cid)["note"] == "Ringet op"
        assert placement_of(team, cid) == column
    after = state(team_path)
    twice = run(env, "merge", "--db", team_path, tmp_path / "aflevering.fsmchanges")
    assert twice.returncode == 0, twice.stderr
    assert (
        "aflevering.fsmchanges er allerede indlæst " in twice.stdout
        and twice.stdout.strip().endswith("Intet er ændret.")
    )
    as_json = run(
        env, "merge", "--db", team_path, tmp_path / "aflevering.fsmchanges", "--format", "json"
    )
    assert as_json.returncode == 0
    report = json.loads(as_json.stdout)
    assert (report["already_merged"], report["merged"], report["conflicts"]) == (True, False, [])
    assert "allerede indlæst" in report["message"]
    assert state(team_path) == after


# --- conflicts ---------------------------------------------------------------------------------------------
def test_conflicts_exit_1_list_every_value_and_write_nothing(env, team_path):
    path, made = laptop_with_conflicts(team_path)
    before = state(team_path)
    result = run(env, "merge", "--db", team_path, path, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["merged"], report["already_merged"]) == (False, False)
    assert report["summary"] == "Flytninger på tavlen: 1, ændrede oplysninger: 2"
    found = {c["table"]: c for c in report["conflicts"]}
    assert len(report["conflicts"]) == 2 and set(found) == {"citizen", "placement"}
    cid, card = made["ids"][0], made["ids"][1]
    assert {
        k: found["citizen"][k] for k in ("citizen", "citizen_id", "field", "base", "team", "laptop")
    } == {
        "citizen": made["names"][cid],
        "citizen_id": cid,
        "field": "note",
        "base": made["base"]["note"],
        "team": "Teamets note",
        "laptop": "Bærbarens note",
    }
    assert {k: found["placement"][k] for k in ("citizen", "field", "base", "team", "laptop")} == {
        "citizen": made["names"][card],
        "field": "board_column",
        "base": made["base"]["column"][0] if made["base"]["column"] else None,
        "team": made["team_column"],
        "laptop": made["laptop_column"],
    }
    assert state(team_path) == before
    table = run(env, "merge", "--db", team_path, path)
    assert table.returncode == 1
    lines = table.stdout.splitlines()
    assert lines[0].startswith("Fra bærbar ") and lines[0].endswith(
        " (aflevering nr. 1): Flytninger på tavlen: 1, ændrede oplysninger: 2."
    )
    assert f"  Konflikt: {made['names'][cid]} (note): Bærbarens note (" in table.stdout
    assert lines[-1] == (
        "2 konflikter skal afgøres: kør igen med --prefer team eller --prefer laptop, eller indlæs "
        "filen i programmets vindue. Intet er ændret."
    )
    assert state(team_path) == before


def test_a_dry_run_writes_nothing(env, team_path):
    path, _ = laptop_with_conflicts(team_path)
    before = state(team_path)
    result = run(env, "merge", "--db", team_path, path, "--dry-run", "--prefer", "laptop")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("→ tag bærbarens") == 2
    assert result.stdout.splitlines()[-1] == "Prøvekørsel: intet er ændret."
    assert state(team_path) == before


@pytest.mark.parametrize("prefer", ["team", "laptop"])
def test_prefer_decides_every_conflict(env, team_path, prefer):
    path, made = laptop_with_conflicts(team_path)
    result = run(env, "merge", "--db", team_path, path, "--prefer", prefer)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.count(f"→ {'behold teamkopiens' if prefer == 'team' else 'tag bærbarens'}")
        == 2
    )
    cid, card, renamed = made["ids"]
    with Project.open(team_path, read_only=True) as team:
        assert citizen_row(team, cid)["note"] == (
            "Teamets note" if prefer == "team" else "Bærbarens note"
        )
        assert placement_of(team, card)[0] == made[f"{prefer}_column"]
        assert citizen_row(team, renamed)["name"] == "Ny Navnesen"  # no conflict: merged either way
        (decisions,) = team.db.execute("SELECT decisions FROM sync_merge").fetchone()
    assert sorted(json.loads(decisions).values()) == [prefer, prefer]


# --- files that cannot be used ---------------------------------------------------------------------------
def test_a_file_that_is_no_change_file_exits_2(env, team_path, tmp_path):
    text = tmp_path / "noter.txt"
    text.write_text("hej\n", "utf-8")
    before = state(team_path)
    assert one_danish_line(run(env, "merge", "--db", team_path, text)) == (
        f"fsm-desktop: Filen {text} er ikke en ændringsfil fra en bærbar kopi, eller den er beskadiget."
    )
    assert one_danish_line(
        run(env, "merge", "--db", team_path, tmp_path / "mangler.fsmchanges")
    ) == (f"fsm-desktop: Ændringsfilen {tmp_path / 'mangler.fsmchanges'} findes ikke.")
    assert state(team_path) == before


def test_a_file_from_another_project_exits_2(env, demo, team_path, tmp_path):
    with Project.open(team_path) as team:
        checkout(team, tmp_path / "egen.fsm")
    other = copy_of(demo, tmp_path / "andet.fsm")
    with Project.open(other) as project:
        with Project.open(checkout(project, tmp_path / "fremmed.fsm").path) as laptop:
            path = handin(laptop, tmp_path / "fremmed").path
    before = state(team_path)
    assert one_danish_line(run(env, "merge", "--db", team_path, path)) == (
        "fsm-desktop: Ændringsfilen fremmed.fsmchanges kommer fra en kopi af et andet projekt end team.fsm. Indlæs "
        "den i det projekt, den bærbare kopi blev taget fra."
    )
    assert state(team_path) == before


def test_a_change_file_with_another_password_exits_2(env, encrypted_demo, tmp_path):
    team_path = copy_of(encrypted_demo, tmp_path / "team.fsm")
    key = keys.derive(PASSWORD, keys.file_salt(team_path))
    with Project.open(team_path, key=key) as team:
        with Project.open(checkout(team, tmp_path / "laptop.fsm").path, key=key) as laptop:
            set_citizen(laptop, citizen_ids(laptop)[0], note="hemmeligt")
            path = handin(laptop, tmp_path / "aflevering").path
        team.change_password("nyt-kodeord-til-teamet")
        new_key = team.key
    before = state(team_path, new_key)
    with_new = {**env, "FSM_PASSWORD": "nyt-kodeord-til-teamet"}
    assert one_danish_line(run(with_new, "merge", "--db", team_path, path)) == (
        "fsm-desktop: Forkert adgangskode til ændringsfilen aflevering.fsmchanges. Intet er ændret."
    )
    assert state(team_path, new_key) == before
    # Without the team's password nothing is opened at all (and nothing is asked: no terminal).
    asked = subprocess.run(
        [sys.executable, "-m", "fsm_desktop", "merge", "--db", str(team_path), str(path)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "Angiv adgangskoden" in one_danish_line(asked)


def test_checkout_of_a_plain_project_exits_2(env, tmp_path):
    plain = tmp_path / "rigtig.fsm"
    assert run(env, "init", "--db", plain, "--program", "fsm2", "--unencrypted").returncode == 0
    assert one_danish_line(run(env, "checkout", "--db", plain, "--out", tmp_path / "ud.fsm")) == (
        "fsm-desktop: Projektet er ikke krypteret, og en bærbar kopi forlader bygningen. Vælg Filer → Krypter "
        "projektet først."
    )
    assert not (tmp_path / "ud.fsm").exists()


HOLD = textwrap.dedent("""
    import sys
    from fsm_desktop.storage.project import Project
    project = Project.open(sys.argv[1])
    print("open", flush=True)
    sys.stdin.readline()
    project.close()
""")


def test_merge_into_a_team_copy_someone_writes_exits_2(env, team_path):
    path, _ = laptop_with_conflicts(team_path)
    before = state(team_path)
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(team_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as holder:
        try:
            assert holder.stdout.readline().strip() == "open"
            line = one_danish_line(run(env, "merge", "--db", team_path, path, "--prefer", "laptop"))
            assert line.startswith("fsm-desktop: Projektet er åbent hos ")
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
    assert state(team_path) == before
