"""A project on a network drive runs with the rollback journal, not WAL (storage/netfs.py;
docs/architecture.md "Shared drives"): WAL's shared memory does not work across computers."""

from __future__ import annotations

from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.netfs import OVERRIDE_ENV
from fsm_desktop.storage.project import Project
from fsm_desktop.storage.repositories import CitizenRepository


def _mode(project: Project) -> str:
    return project.db.execute("PRAGMA journal_mode").fetchone()[0]


def test_on_a_network_drive_the_journal_is_delete_and_back_to_wal_locally(tmp_path, monkeypatch):
    path = tmp_path / "team.fsm"
    monkeypatch.setenv(OVERRIDE_ENV, "1")
    with Project.create(path, builtin_template("fsm2")) as project:
        assert _mode(project) == "delete"
        CitizenRepository(project).add(Citizen(cpr="0101801234", name="Anna", group=1))
        assert not (tmp_path / "team.fsm-wal").exists() and not (tmp_path / "team.fsm-shm").exists()
    monkeypatch.setenv(OVERRIDE_ENV, "0")
    with Project.open(path) as project:  # copied to a laptop: WAL again
        assert _mode(project) == "wal"
    monkeypatch.setenv(OVERRIDE_ENV, "1")
    with Project.open(
        path
    ) as project:  # and back on the share: the mode stored in the file is not kept
        assert _mode(project) == "delete" and CitizenRepository(project).count() == 1
        worker = project.connector()()
        try:
            assert _mode(worker) == "delete" and CitizenRepository(worker).count() == 1
        finally:
            worker.close()
