"""One writer per project, by name, and nothing but SQLite opens an open project (issue 17).

The lock tests look in ``/proc/locks`` (Linux): SQLite's own POSIX locks on the ``.fsm`` must
survive everything the program does around an open project."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from damage_helpers import damage_an_index, held_locks

import fsm_desktop.storage.project as project_module
from fsm_desktop.domain.errors import ProjectFileError
from fsm_desktop.domain.model import Citizen
from fsm_desktop.domain.program import builtin_template
from fsm_desktop.storage.project import Project, ReadOnlyProject
from fsm_desktop.storage.repositories import CitizenRepository
from fsm_desktop.storage.sqlite import dbapi as sqlite3
from fsm_desktop.storage.writer_lock import Holder, ProjectInUse, WriterLock, lock_path, read_holder

LINUX = Path("/proc/locks").exists()
needs_proc_locks = pytest.mark.skipif(not LINUX, reason="/proc/locks is Linux's")


@pytest.fixture
def path(tmp_path):
    Project.create(tmp_path / "p.fsm", builtin_template("fsm2")).close()
    return tmp_path / "p.fsm"


def assert_sqlite_holds_its_locks(path: Path) -> None:
    locks = held_locks(path)
    assert "POSIX" in locks.get(path.name, set()), locks
    assert "POSIX" in locks.get(path.name + "-shm", set()), locks
    assert "FLOCK" in locks.get(lock_path(path).name, set()), locks


# --- the lock and who holds it ------------------------------------------------------------------------
def test_the_lock_names_user_computer_and_time_and_goes_with_the_project(path):
    before = dt.datetime.now().replace(microsecond=0)
    with Project.open(path) as project:
        holder = read_holder(path)
        assert holder is not None
        assert holder.user == project.user
        assert holder.computer == socket.gethostname()
        assert holder.pid == os.getpid()
        assert before <= holder.since <= dt.datetime.now()
        assert json.loads(lock_path(path).read_text("utf-8"))["user"] == project.user
    assert not lock_path(path).exists()


def test_a_second_opening_is_told_who_has_it_and_can_read(path):
    with Project.open(path) as first:
        CitizenRepository(first).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
        with pytest.raises(ProjectInUse) as refused:
            Project.open(path)
        holder = refused.value.holder
        assert refused.value.message == (
            f"Projektet er åbent hos {first.user} på {socket.gethostname()} siden kl. "
            f"{holder.since:%H.%M}. Det kan åbnes skrivebeskyttet."
        )
        with Project.open(path, read_only=True) as second:
            assert second.read_only
            assert CitizenRepository(second).by_cpr("0101701234").name == "Hans Hansen"
            with pytest.raises(ReadOnlyProject):
                CitizenRepository(second).add(
                    Citizen(cpr="0202802345", name="Grete Jensen", group=1)
                )
            # Below the repositories SQLite itself refuses: the connection is read-only.
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                second.db.execute("DELETE FROM citizen")
    with Project.open(path) as again:  # the first closed: free again
        assert not again.read_only


def test_the_sentence_gives_the_date_when_the_lock_is_older_than_today():
    holder = Holder("mette", "JC-PC-17", dt.datetime(2026, 12, 4, 9, 12), 4242)
    assert (
        holder.sentence(today=dt.date(2026, 12, 4))
        == "Projektet er åbent hos mette på JC-PC-17 siden kl. 09.12"
    )
    assert (
        holder.sentence(today=dt.date(2026, 12, 7))
        == "Projektet er åbent hos mette på JC-PC-17 siden 4.12.2026 kl. 09.12"
    )


def test_stale_means_the_process_is_gone_here_or_a_day_old():
    now = dt.datetime(2026, 12, 7, 10, 0)
    here = socket.gethostname()
    alive = Holder("a", here, now - dt.timedelta(hours=1), os.getpid())
    assert not alive.is_stale(now)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = Holder("a", here, now - dt.timedelta(hours=1), int(dead.stdout))
    assert gone.is_stale(now)
    elsewhere = Holder("a", "another-pc", now - dt.timedelta(hours=23, minutes=59), 1)
    assert not elsewhere.is_stale(now)
    assert Holder("a", "another-pc", now - dt.timedelta(days=1, minutes=1), 1).is_stale(now)


HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from fsm_desktop.storage.project import Project
    project = Project.open(sys.argv[1])
    print("open", flush=True)
    sys.stdin.readline()
    project.close()
""")


@pytest.fixture
def other_process(path):
    """Another program holding the project open for writing until the test ends."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout.readline().strip() == "open"
        yield process
        if process.poll() is None:
            process.stdin.write("\n")
            process.stdin.flush()
            process.wait(timeout=30)


def test_another_process_is_refused_and_a_stale_lock_can_be_taken_over(
    path, other_process, monkeypatch
):
    with pytest.raises(ProjectInUse) as refused:
        Project.open(path)
    assert refused.value.holder.pid == other_process.pid
    assert not refused.value.stale
    # Its process judged gone (as after a crash on a network drive): the lock can be taken over.
    monkeypatch.setattr("fsm_desktop.storage.writer_lock._process_alive", lambda pid: False)
    assert ProjectInUse(path, read_holder(path)).stale
    with Project.open(path, take_over=True) as taken:
        assert read_holder(path).pid == os.getpid()
        CitizenRepository(taken).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))


@contextlib.contextmanager
def taken_over_by_a_colleague(path: Path):
    """Another window takes the lock over (here: in this process, which flock allows to test)."""
    taker = WriterLock(path, "kollega")
    taker.acquire(take_over=True)
    try:
        yield taker
    finally:
        taker.release()


def test_the_window_whose_lock_was_taken_over_writes_nothing_more(path):
    first = Project.open(path)
    try:
        with taken_over_by_a_colleague(path):
            with pytest.raises(ReadOnlyProject, match="overtaget af kollega"):
                CitizenRepository(first).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
            assert first.read_only
            assert lock_path(path).exists()  # the old holder did not remove the new lock
    finally:
        first.close()
    with Project.open(path, read_only=True) as check:
        assert CitizenRepository(check).by_cpr("0101701234") is None


def test_replacing_a_project_that_is_open_is_refused(path):
    with Project.open(path) as project:
        CitizenRepository(project).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
        with pytest.raises(ProjectInUse):
            Project.create(path, builtin_template("bir"), overwrite=True)
        from fsm_desktop.storage.demo import write_demo

        with pytest.raises(ProjectInUse):
            write_demo(path, citizens=5, overwrite=True)
        assert CitizenRepository(project).by_cpr("0101701234") is not None
    assert Project.open(path, read_only=True).initiative.program == "fsm2"


def test_a_folder_that_cannot_be_written_opens_read_only(path, monkeypatch):
    # Tests run as root here, where every folder can be written: the checks are replaced.
    monkeypatch.setattr(project_module, "_writable", lambda p: False)
    with Project.open(path) as project:
        assert project.read_only
        assert "du kan ikke skrive i filen eller dens mappe" in project.read_only_reason.message
        assert not lock_path(path).exists()
        assert project.initiative.program == "fsm2"
    # Read-only media: no -shm can be made beside it, so SQLite reads the file as immutable.
    for leftover in ("p.fsm-wal", "p.fsm-shm"):  # a read-only connection cannot remove its own
        (path.parent / leftover).unlink(missing_ok=True)
    monkeypatch.setattr(project_module, "_folder_writable", lambda p: False)
    with Project.open(path) as project:
        assert project.read_only and project.initiative.program == "fsm2"
        assert project.db.execute("SELECT count(*) FROM citizen").fetchone()[0] == 0
    assert sorted(p.name for p in path.parent.iterdir()) == ["p.fsm"]  # nothing made beside it


# --- nothing but SQLite opens the project ----------------------------------------------------------------
@needs_proc_locks
def test_what_the_program_does_around_an_open_project_keeps_its_locks(path, tmp_path):
    with Project.open(path) as project:
        project.db.execute("SELECT count(*) FROM citizen").fetchall()
        assert_sqlite_holds_its_locks(path)
        # A page loader's connection, opened and closed on a worker.
        with project.connector()() as own:
            own.db.execute("SELECT count(*) FROM citizen").fetchall()
        assert_sqlite_holds_its_locks(path)
        # A second opening (refused), and a read-only one, opened and closed.
        with pytest.raises(ProjectInUse):
            Project.open(path)
        Project.open(path, read_only=True).close()
        assert_sqlite_holds_its_locks(path)
        # A backup, and the checks.
        project.backup_to(tmp_path / "kopi.fsm")
        project.quick_check()
        project.integrity_check()
        assert_sqlite_holds_its_locks(path)
        # And it still writes.
        CitizenRepository(project).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
        assert_sqlite_holds_its_locks(path)


# --- a damaged file ----------------------------------------------------------------------------------
@pytest.fixture
def damaged(path):
    with Project.open(path) as project:
        CitizenRepository(project).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
    damage_an_index(path)
    return path


def test_index_damage_is_found_before_an_import_and_a_backup_and_nothing_is_written(
    damaged, tmp_path
):
    with Project.open(damaged) as project:
        before = project.db.execute("SELECT count(*) FROM citizen").fetchone()[0]
        with pytest.raises(ProjectFileError, match="beskadiget"):
            project.backup_to(tmp_path / "kopi.fsm")
        assert project.read_only and project.damage
        assert not (tmp_path / "kopi.fsm").exists()
        with pytest.raises(ReadOnlyProject):
            CitizenRepository(project).add(Citizen(cpr="0202802345", name="Grete Jensen", group=1))
        assert project.db.execute("SELECT count(*) FROM citizen").fetchone()[0] == before
        # The copy kept before a repair is still possible.
        project.backup_to(tmp_path / "før-reparation.fsm", damaged_too=True)


def test_structural_damage_is_found_on_opening(path):
    """Bytes flipped inside a table's page: quick_check on opening finds it; it opens read-only."""
    with Project.open(path) as project:
        citizens = CitizenRepository(project)
        for n in range(200):
            citizens.add(
                Citizen(cpr=f"0101{70 + n % 30:02d}{1000 + n:04d}", name=f"Borger {n}", group=1)
            )
        root = project.db.execute(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'audit_log'"
        ).fetchone()[0]
        size = project.db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    offset = (root - 1) * size
    data[offset + 3 : offset + 5] = b"\xff\xff"  # the page's cell count
    path.write_bytes(bytes(data))
    try:
        project = Project.open(path)
    except ProjectFileError as error:  # damaged beyond reading: refused, never written
        assert "beskadiget" in error.message
        return
    with project:
        assert project.read_only and project.damage
        assert "beskadiget" in project.read_only_reason.message


# --- two processes ------------------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys
    from fsm_desktop.domain.model import Citizen
    from fsm_desktop.storage.project import Project
    from fsm_desktop.storage.repositories import CitizenRepository
    path, count = sys.argv[1], int(sys.argv[2])
    with Project.open(path) as project:
        print("open", flush=True)
        citizens = CitizenRepository(project)
        for n in range(count):
            citizens.add(Citizen(cpr=f"01017{n // 10000}{n % 10000:04d}", name=f"Borger {n}", group=1))
            if n % 10 == 0:  # what the window does around its project: loaders, a second look
                with project.connector()() as own:
                    own.db.execute("SELECT count(*) FROM citizen").fetchone()
                Project.open(path, read_only=True).close()
        print("done", flush=True)
        sys.stdin.readline()  # the lock is held until the reader has finished
""")

READER = textwrap.dedent("""
    import sys
    from fsm_desktop.storage.project import Project
    from fsm_desktop.storage.writer_lock import ProjectInUse
    path, rounds = sys.argv[1], int(sys.argv[2])
    refused = seen = 0
    for _ in range(rounds):
        try:
            Project.open(path).close()
        except ProjectInUse:
            refused += 1
        with Project.open(path, read_only=True) as project:
            seen = max(seen, project.db.execute("SELECT count(*) FROM citizen").fetchone()[0])
        # What broke the locks before: a plain open and close of the project file.
        with open(path, "rb") as fh:
            fh.read(100)
    print(refused, seen, flush=True)
""")


def test_two_processes_one_writing_one_opening_and_closing_leave_a_whole_file(path):
    """A writer adds 300 citizens (300 transactions, each with its audit row) while another
    process opens and closes the project 60 times (for writing: refused; read-only: reads) and
    reads the file with a plain open() as the old header check did. Every write is there and
    integrity_check is clean."""
    count, rounds = 300, 60
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        assert writer.stdout.readline().strip() == "open"
        reader = subprocess.run(
            [sys.executable, "-c", READER, str(path), str(rounds)],
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert reader.returncode == 0, reader.stderr
        assert writer.stdout.readline().strip() == "done"
        writer.stdin.write("stop\n")
        writer.stdin.flush()
        writer.wait(timeout=240)
    assert writer.returncode == 0
    refused, seen = map(int, reader.stdout.split())
    # The writer held the project while the reader came and went (it keeps the lock until the
    # reader is done, however fast it wrote on a busy machine).
    assert refused == rounds
    assert 0 <= seen <= count
    with Project.open(path) as project:
        assert project.integrity_check() == []
        assert project.db.execute("SELECT count(*) FROM citizen").fetchone()[0] == count
        assert project.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] >= count


def test_reading_a_project_nobody_writes_leaves_nothing_beside_it_and_cannot_write(path):
    with Project.open(path, read_only=True) as project:
        assert project.read_only
        with pytest.raises(sqlite3.OperationalError, match="readonly"):  # SQLite's query_only
            project.db.execute("DELETE FROM citizen")
        assert not lock_path(path).exists()  # looking did not make a lock file
    assert sorted(p.name for p in path.parent.iterdir()) == ["p.fsm"]


# --- found in review ------------------------------------------------------------------------------
def test_a_workers_connection_writes_nothing_after_a_take_over(path):
    with Project.open(path) as window:
        worker = window.connector()()
        try:
            with taken_over_by_a_colleague(path):
                with pytest.raises(ReadOnlyProject, match="overtaget af kollega"):
                    CitizenRepository(worker).add(
                        Citizen(cpr="0101701234", name="Hans Hansen", group=1)
                    )
                assert window.lock is not None  # the worker did not release the window's lock
        finally:
            worker.close()


def test_a_lock_file_that_cannot_be_written_leaves_no_lock_behind(path, monkeypatch):
    def full(fd, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("fsm_desktop.storage.writer_lock.os.write", full)
    with pytest.raises(ProjectFileError, match="kan ikke låses til skrivning"):
        Project.open(path)
    monkeypatch.undo()
    with Project.open(path) as project:  # not "in use" by this very process
        assert not project.read_only


def test_a_take_over_refuses_when_someone_else_holds_it_by_now(path):
    shown = Holder("gammel", "pc-1", dt.datetime(2026, 1, 1, 8, 0), 1)
    with Project.open(path):  # someone opened it after the question was shown
        with pytest.raises(ProjectInUse):
            Project.open(path, take_over=True, holder_shown=shown)


def test_the_idle_checkpoint_does_not_wait_for_readers(path):
    with Project.open(path) as project:
        CitizenRepository(project).add(Citizen(cpr="0101701234", name="Hans Hansen", group=1))
        reader = sqlite3.connect(path)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM citizen").fetchone()  # a read snapshot held open
        try:
            assert project.checkpoint(wait=False) is False
            assert project.db.execute("PRAGMA busy_timeout").fetchone()[0] == 3000
        finally:
            reader.rollback()
            reader.close()
        assert project.checkpoint(wait=False) is True


def test_a_look_at_the_lock_in_the_same_moment_does_not_make_it_in_use(path, monkeypatch):
    """A reading command's look (writer_lock_held) holds the flock for a moment: opening for
    writing tries again a few times before saying the project is in use."""
    import fsm_desktop.storage.writer_lock as writer_lock

    lock_path(path).write_text("", "utf-8")  # a lock file left by a program that ended
    real, calls = writer_lock._try_lock, []

    def busy_once(fd):
        calls.append(fd)
        return len(calls) > 1 and real(fd)

    monkeypatch.setattr(writer_lock, "_try_lock", busy_once)
    monkeypatch.setattr(writer_lock.time, "sleep", lambda seconds: None)
    with Project.open(path) as project:
        assert not project.read_only and len(calls) == 2
