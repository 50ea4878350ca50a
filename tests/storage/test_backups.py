"""Automatic dated backups (issue 5): one a day, encrypted with the project's key, pruned to
14 dailies and one a month for a year, listed with date, size and citizens, and restored after
the current state has been kept."""

from __future__ import annotations

import datetime as dt
import stat

import pytest

from fsm_desktop.domain.errors import KnownError, ProjectFileError
from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage import keys
from fsm_desktop.storage.backups import (
    backup_folder,
    daily_backup,
    list_backups,
    prune,
    restore_backup,
)
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository

PASSWORD = "en lang god kode"
CPR = "0101801234"
NAME = "Annalise Testesen"
DAY = dt.date(2025, 3, 15)
CITIZENS = [
    ("0101801234", NAME),
    ("0202802345", "Bent"),
    ("0303803456", "Carla"),
    ("0404804567", "Dorte"),
]


def _add(project: Project, index: int) -> None:
    cpr, name = CITIZENS[index]
    CitizenRepository(project).add(Citizen(cpr=cpr, name=name, group=1))


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "team.fsm"
    with Project.create(path, builtin_template("fsm2"), password=PASSWORD) as project:
        _add(project, 0)
    return path


@pytest.fixture
def key(project_path) -> keys.Key:
    return keys.derive(PASSWORD, keys.file_salt(project_path))


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _count(path, **opening) -> int:
    with Project.open(path, read_only=True, **opening) as project:
        return CitizenRepository(project).count()


def test_the_folder_is_beside_the_project_unless_chosen(tmp_path):
    assert backup_folder(tmp_path / "team.fsm") == tmp_path / "team-sikkerhedskopier"
    assert backup_folder(tmp_path / "team.fsm", tmp_path / "andet") == tmp_path / "andet"


def test_one_encrypted_private_backup_a_day(project_path, tmp_path):
    with Project.open(project_path, password=PASSWORD) as project:
        made = daily_backup(project, today=DAY)
        assert made == tmp_path / "team-sikkerhedskopier" / "team-2025-03-15.fsm"
        assert daily_backup(project, today=DAY) is None  # the second opening that day
        assert daily_backup(project, today=DAY + dt.timedelta(days=1)).name == "team-2025-03-16.fsm"
    folder = made.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "team-2025-03-15.fsm",
        "team-2025-03-16.fsm",
    ]  # no leftovers
    data = made.read_bytes()
    assert not data.startswith(keys.PLAIN_HEADER)
    for secret in (CPR, "010180-1234", NAME, "citizen", "CREATE TABLE"):
        assert secret.encode() not in data
    assert keys.file_salt(made) == keys.file_salt(project_path)  # the same password opens it
    assert _count(made, password=PASSWORD) == 1
    assert _mode(made) == 0o600
    assert _mode(folder) == 0o700


def test_a_read_only_project_is_backed_up_and_a_plain_one_stays_plain(project_path, tmp_path):
    with Project.open(project_path, read_only=True, password=PASSWORD) as project:
        assert daily_backup(project, today=DAY) is not None
    plain = tmp_path / "demo.fsm"
    with Project.create(plain, builtin_template("fsm2")) as project:
        _add(project, 0)
        made = daily_backup(project, today=DAY)
    assert made == tmp_path / "demo-sikkerhedskopier" / "demo-2025-03-15.fsm"
    assert _count(made) == 1
    assert [(b.day, b.citizens) for b in list_backups(plain, None)] == [(DAY, 1)]


def test_a_chosen_folder_is_used_and_never_created(project_path, tmp_path):
    chosen = tmp_path / "valgt"
    with Project.open(project_path, password=PASSWORD) as project:
        with pytest.raises(ProjectFileError, match="findes ikke"):
            daily_backup(project, chosen, today=DAY)
        assert not chosen.exists()
        chosen.mkdir()
        assert daily_backup(project, chosen, today=DAY) == chosen / "team-2025-03-15.fsm"


def test_a_damaged_project_is_not_backed_up(project_path):
    with Project.open(project_path, password=PASSWORD) as project:
        project.mark_damaged(["*** in database main ***"])
        with pytest.raises(KnownError, match="beskadiget"):
            daily_backup(project, today=DAY)
    assert not backup_folder(project_path).exists()


def test_prune_keeps_14_dailies_and_the_newest_of_each_month_for_a_year(tmp_path):
    today = DAY
    for offset in range(400):
        (tmp_path / f"team-{today - dt.timedelta(days=offset)}.fsm").write_bytes(b"x")
    others = [
        "team-2024-01-01.fsm.txt",
        "andet-2024-01-01.fsm",
        "team-kopi.fsm",
        "team-2024-02-30.fsm",
        "team-2024-01-01-101010-foer-gendannelse.fsm",
        "team.fsm",
        "xteam-2024-01-01.fsm",
    ]
    for name in others:
        (tmp_path / name).write_bytes(b"x")
    deleted = prune(tmp_path, "team", today)
    dailies = [f"team-2025-03-{day:02d}.fsm" for day in range(2, 16)]
    monthly = [
        "team-2024-04-30.fsm",
        "team-2024-05-31.fsm",
        "team-2024-06-30.fsm",
        "team-2024-07-31.fsm",
        "team-2024-08-31.fsm",
        "team-2024-09-30.fsm",
        "team-2024-10-31.fsm",
        "team-2024-11-30.fsm",
        "team-2024-12-31.fsm",
        "team-2025-01-31.fsm",
        "team-2025-02-28.fsm",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(dailies + monthly + others)
    assert len(deleted) == 400 - 14 - 11
    assert prune(tmp_path, "team", today) == []


def test_the_daily_backup_prunes(project_path):
    folder = backup_folder(project_path)
    folder.mkdir()
    old = [folder / f"team-{DAY - dt.timedelta(days=offset)}.fsm" for offset in range(1, 20)]
    for path in old:
        path.write_bytes(b"x")
    with Project.open(project_path, password=PASSWORD) as project:
        daily_backup(project, today=DAY)
    kept = sorted(p.name for p in folder.iterdir())
    # 03-02 … 03-15 and February's newest; 02-24 … 02-27 deleted.
    assert kept == ["team-2025-02-28.fsm"] + [f"team-2025-03-{day:02d}.fsm" for day in range(2, 16)]


def test_list_backups_newest_first_with_size_and_citizens(project_path, key, tmp_path):
    with Project.open(project_path, password=PASSWORD) as project:
        project.backup_to(
            project_path.with_name("team.fsm.bak-v3-20250101-120000")
        )  # before a migration
        for index in range(3):
            daily_backup(project, today=DAY + dt.timedelta(days=index))
            _add(project, index + 1)
    folder = backup_folder(project_path)
    (folder / "team-2025-03-10.fsm").write_bytes(b"\0" * 4096)  # not a database
    (folder / "noter.txt").write_text("ikke en kopi")
    with Project.create(tmp_path / "other.fsm", builtin_template("fsm2"), password="en anden kode"):
        pass
    (tmp_path / "other.fsm").replace(folder / "team-2025-03-11.fsm")  # another key
    found = list_backups(project_path, key)
    assert [(b.path.name, b.day, b.citizens, b.kind) for b in found] == [
        ("team-2025-03-17.fsm", dt.date(2025, 3, 17), 3, "daily"),
        ("team-2025-03-16.fsm", dt.date(2025, 3, 16), 2, "daily"),
        ("team-2025-03-15.fsm", dt.date(2025, 3, 15), 1, "daily"),
        ("team-2025-03-11.fsm", dt.date(2025, 3, 11), None, "daily"),
        ("team-2025-03-10.fsm", dt.date(2025, 3, 10), None, "daily"),
        ("team.fsm.bak-v3-20250101-120000", dt.date(2025, 1, 1), 1, "before_upgrade"),
    ]
    assert all(b.size == b.path.stat().st_size > 0 for b in found)
    assert [b.citizens for b in list_backups(project_path, None)] == [
        None
    ] * 6  # no key: unreadable
    assert list_backups(tmp_path / "ingen.fsm", None) == []


def test_restore_keeps_the_current_state_first(project_path, key):
    with Project.open(project_path, password=PASSWORD) as project:
        backup = daily_backup(project, today=DAY)
        _add(project, 1)
        _add(project, 2)
    assert _count(project_path, password=PASSWORD) == 3
    before = restore_backup(project_path, backup, key)
    assert before.parent == backup.parent
    assert before.name.startswith("team-") and before.name.endswith("-foer-gendannelse.fsm")
    assert _count(project_path, password=PASSWORD) == 1
    assert _count(before, password=PASSWORD) == 3
    assert keys.file_salt(project_path) == keys.file_salt(before) == keys.file_salt(backup)
    assert CPR.encode() not in before.read_bytes() and CPR.encode() not in project_path.read_bytes()
    assert _mode(project_path) == _mode(before) == 0o600
    assert not project_path.with_name("team.fsm-wal").exists()
    listed = list_backups(project_path, key)
    assert [(b.path, b.citizens, b.kind) for b in listed] == [
        (before, 3, "before_restore"),
        (backup, 1, "daily"),
    ]
    # ... and the restore can be undone from the same list.
    restore_backup(project_path, before, key)
    assert _count(project_path, password=PASSWORD) == 3
    with Project.open(project_path, password=PASSWORD) as project:  # writable again
        _add(project, 3)


def test_restore_refuses_without_changing_anything(project_path, key, tmp_path):
    with Project.open(project_path, password=PASSWORD) as project:
        backup = daily_backup(project, today=DAY)
        _add(project, 1)
        # Open for writing (here, or by someone else): the writer lock refuses.
        with pytest.raises(KnownError):
            restore_backup(project_path, backup, key)
    other = tmp_path / "anden.fsm"
    with Project.create(other, builtin_template("fsm2"), password=PASSWORD) as project:
        strange = daily_backup(project, today=DAY)  # the same password, another salt
    with pytest.raises(ProjectFileError, match="anden nøgle"):
        restore_backup(project_path, strange, key)
    with pytest.raises(ProjectFileError, match="anden nøgle"):
        restore_backup(project_path, backup, keys.derive(PASSWORD, keys.file_salt(strange)))
    plain = tmp_path / "plain.fsm"
    Project.create(plain, builtin_template("fsm2")).close()
    with pytest.raises(ProjectFileError, match="ikke krypteret"):
        restore_backup(project_path, plain, key)
    with pytest.raises(ProjectFileError, match="selve projektfilen"):
        restore_backup(project_path, project_path, key)
    assert _count(project_path, password=PASSWORD) == 2
    assert [b.path for b in list_backups(project_path, key)] == [backup]  # no "before" copies made


def test_a_plain_project_is_restored_from_its_own_initiative_only(tmp_path, key):
    path = tmp_path / "demo.fsm"
    with Project.create(path, builtin_template("fsm2")) as project:
        backup = daily_backup(project, today=DAY)
        _add(project, 0)
    with Project.create(tmp_path / "bir.fsm", builtin_template("bir")) as project:
        bir = daily_backup(project, today=DAY)
    with pytest.raises(ProjectFileError, match="anden indsats"):
        restore_backup(path, bir, None)
    with pytest.raises(ProjectFileError, match="ikke krypteret"):
        restore_backup(path, backup, key)  # a key that is not the plain project's
    assert _count(path) == 1
    before = restore_backup(path, backup, None)
    assert _count(path) == 0 and _count(before) == 1


def test_a_failed_backup_says_where_in_danish(project_path, monkeypatch):
    def full(*_args):
        raise ProjectFileError(
            "Sikkerhedskopien {path} kunne ikke gemmes: {reason}.",
            path="x",
            reason="disken er fuld",
        )

    monkeypatch.setattr("fsm_desktop.storage.backups.copy_database", full)
    with Project.open(project_path, password=PASSWORD) as project:
        with pytest.raises(ProjectFileError) as error:
            daily_backup(project, today=DAY)
    folder = backup_folder(project_path)
    assert error.value.message == f"Sikkerhedskopien kunne ikke gemmes i {folder}: disken er fuld."


def test_a_damaged_project_is_kept_byte_for_byte_before_a_restore(project_path, key):
    with Project.open(project_path, password=PASSWORD) as project:
        backup = daily_backup(project, today=DAY)
    data = bytearray(project_path.read_bytes())
    for offset in range(3 * 4096 + 100, 3 * 4096 + 108):
        data[offset] ^= 0xFF
    project_path.write_bytes(bytes(data))
    before = restore_backup(project_path, backup, key)
    assert before.read_bytes() == bytes(data)
    assert _mode(before) == 0o600
    assert _count(project_path, password=PASSWORD) == 1
