"""Network drive detection (storage/netfs.py): the mountinfo table, UNC paths, the override, and
the real machine. No mounts are made: network cases use synthetic mountinfo text."""

from __future__ import annotations

import builtins
import io
import os
import sys

import pytest

from fsm_desktop.storage import netfs

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux mountinfo")

SAMPLE = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw
40 27 0:40 / /mnt/team rw,relatime shared:5 master:1 - nfs4 fs01:/export/team rw,vers=4.2
41 27 0:41 / /mnt/teamdrive rw,relatime - ext4 /dev/sdb1 rw
42 27 0:42 /sub /media/Fælles\040drev rw,nosuid - cifs //srv/Faelles\040drev rw,vers=3.1.1
43 27 0:43 / /home/u/remote rw,nosuid,nodev - fuse.sshfs u@host:/ rw,user_id=0
44 43 0:44 / /home/u/remote/local rw - ext4 /dev/sdc1 rw
45 27 0:45 / /run/media/u/USB rw - fuseblk /dev/sdd1 rw
46 27 0:46 / /srv/back\134slash rw - nfs srv:/b rw
"""


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    monkeypatch.delenv(netfs.OVERRIDE_ENV, raising=False)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("/work", "ext4"),
        ("/", "ext4"),
        ("/proc/self", "proc"),
        ("/mnt/team", "nfs4"),
        ("/mnt/team/sub/dir", "nfs4"),
        ("/mnt/teamdrive", "ext4"),  # "/mnt/team" is a prefix by characters, not a parent
        ("/mnt/teamdrive/x", "ext4"),
        ("/media/Fælles drev/projekter", "cifs"),  # \040 is a space, æ is read as it is
        ("/home/u/remote/a/b", "fuse.sshfs"),
        ("/home/u/remote/local/b", "ext4"),  # a local mount inside a network mount
        ("/home/u/remotely", "ext4"),
        ("/run/media/u/USB", "fuseblk"),
        ("/srv/back\\slash", "nfs"),  # \134 is a backslash
    ],
)
def test_the_longest_mount_point_that_is_a_parent_decides(folder, expected):
    assert netfs.mount_fs_type(folder, SAMPLE) == expected


def test_stacked_mounts_the_later_line_wins():
    stacked = SAMPLE + "50 25 0:50 / /dev/shm rw - nfs srv:/x rw\n"
    assert netfs.mount_fs_type("/dev/shm/a", stacked) == "nfs"
    assert netfs.mount_fs_type("/dev/shm/a", SAMPLE) == "tmpfs"


def test_parse_mountinfo_reads_fields_after_the_separator_and_skips_junk():
    mounts = netfs.parse_mountinfo(SAMPLE + "garbage\n\n1 2 3 - \n")
    assert len(mounts) == 10
    assert mounts[3] == netfs.Mount("/mnt/team", "nfs4", "fs01:/export/team")
    assert mounts[5].source == "//srv/Faelles drev"


def test_no_matching_mount_is_unknown():
    assert netfs.mount_fs_type("/x", "") is None
    assert netfs.mount_fs_type("/x", "40 27 0:40 / /mnt rw - nfs s:/ rw\n") is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX byte names")
def test_a_name_that_is_not_utf8_matches_realpath_spelling():
    text = os.fsdecode(b"40 27 0:40 / /mnt/F\xe6lles\\040drev rw - cifs //s/f rw\n")
    assert netfs.mount_fs_type(os.fsdecode(b"/mnt/F\xe6lles drev/p"), text) == "cifs"


@pytest.mark.parametrize(
    "fs_type",
    [
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afpfs",
        "webdav",
        "9p",
        "vboxsf",
        "fuse",
        "fuseblk",
        "fuse.sshfs",
        "fuse.rclone",
        "macfuse",
        "unc",
        "remote",
        "NFS",
    ],
)
def test_network_types(fs_type):
    assert netfs.is_network_fs_type(fs_type)


@pytest.mark.parametrize(
    "fs_type",
    [
        "ext4",
        "xfs",
        "btrfs",
        "tmpfs",
        "overlay",
        "apfs",
        "hfs",
        "fixed",
        "removable",
        "0xabc",
        "",
        None,
    ],
)
def test_local_and_unknown_types(fs_type):
    assert not netfs.is_network_fs_type(fs_type)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (r"\\server\share\projekt.fsm", True),
        ("//server/share/projekt.fsm", True),
        (r"\\?\UNC\server\share\p.fsm", True),
        (r"\\?\unc\server\share\p.fsm", True),
        (r"\\.\UNC\server\share", True),
        (r"\\?\C:\Users\p.fsm", False),
        (r"\\.\PhysicalDrive0", False),
        (r"C:\Users\p.fsm", False),
        ("Z:\\Fælles drev\\p.fsm", False),  # a mapped drive: told by GetDriveTypeW, not the name
        ("/home/u/p.fsm", False),
        ("\\\\", False),
        ("", False),
    ],
)
def test_unc_paths(path, expected):
    assert netfs.is_unc_path(path) is expected


def test_a_unc_folder_is_network_without_asking_windows():
    assert netfs._windows_fs_type(r"\\srv\share\team") == "unc"
    assert netfs.is_network_fs_type(netfs._windows_fs_type(r"\\?\UNC\srv\share"))


@pytest.mark.parametrize("path", ["/", "/tmp"])
@linux_only
def test_the_real_root_and_tmp_are_local(path):
    fs_type = netfs.file_system_type(path)
    assert fs_type is not None
    assert not netfs.is_network_path(path)
    assert netfs.journal_mode_for(os.path.join(path, "p.fsm")) == "wal"


@linux_only
def test_statfs_on_the_real_root_has_a_local_type():
    fs_type = netfs._linux_statfs_type("/")
    assert fs_type is not None and not netfs.is_network_fs_type(fs_type)


@linux_only
def test_the_folder_of_a_new_file_in_new_folders_is_its_nearest_existing_parent(tmp_path):
    shared = tmp_path / "Fælles drev"
    shared.mkdir()
    escaped = str(shared).replace(" ", "\\040")
    table = f"27 1 254:0 / / rw - ext4 /dev/vda rw\n40 27 0:40 / {escaped} rw - cifs //srv/f rw\n"
    assert netfs.file_system_type(shared / "ny" / "mappe" / "p.fsm", mountinfo=table) == "cifs"
    assert netfs.file_system_type(shared, mountinfo=table) == "cifs"
    assert netfs.file_system_type(tmp_path / "p.fsm", mountinfo=table) == "ext4"


@linux_only
def test_a_symlinked_project_is_judged_where_it_really_lies(tmp_path):
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "p.fsm").write_bytes(b"")
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "p.fsm").symlink_to(tmp_path / "share" / "p.fsm")
    table = f"27 1 254:0 / / rw - ext4 /dev/vda rw\n40 27 0:40 / {tmp_path / 'share'} rw - nfs4 s:/ rw\n"
    assert netfs.file_system_type(tmp_path / "home" / "p.fsm", mountinfo=table) == "nfs4"


@linux_only
def test_statfs_saying_network_wins_over_a_local_table_entry(monkeypatch):
    monkeypatch.setattr(netfs, "_linux_statfs_type", lambda folder: "nfs")
    assert netfs.file_system_type("/") == "nfs"
    monkeypatch.setattr(netfs, "_linux_statfs_type", lambda folder: "0x1234")
    assert netfs.file_system_type("/") not in (None, "0x1234")  # the table's name stays


def test_the_project_file_is_never_opened(tmp_path, monkeypatch):
    project = tmp_path / "p.fsm"
    project.write_bytes(b"")
    opened = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        opened.append(os.fspath(file) if not isinstance(file, int) else file)
        return real_open(file, *args, **kwargs)

    def spy_os_open(file, *args, **kwargs):
        opened.append(os.fspath(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(io, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    netfs.file_system_type(project)
    netfs.journal_mode_for(project)
    assert not [f for f in opened if isinstance(f, str) and os.path.basename(f) == "p.fsm"]
    if sys.platform.startswith("linux"):  # not vacuous: the spies see what is opened
        assert "/proc/self/mountinfo" in opened


def test_failed_detection_is_unknown_and_counts_as_local(monkeypatch, tmp_path):
    def broken(path):
        raise OSError("no")

    monkeypatch.setattr(netfs, "_folder_of", broken)
    assert netfs.file_system_type(tmp_path) is None
    assert not netfs.is_network_path(tmp_path)
    assert netfs.journal_mode_for(tmp_path / "p.fsm") == "wal"


def test_the_environment_overrides_detection(monkeypatch, tmp_path):
    project = tmp_path / "p.fsm"
    monkeypatch.setenv(netfs.OVERRIDE_ENV, "1")
    assert netfs.is_network_path(project)
    assert netfs.journal_mode_for(project) == "delete"
    monkeypatch.setattr(netfs, "file_system_type", lambda path, **kw: "nfs4")
    monkeypatch.setenv(netfs.OVERRIDE_ENV, "0")
    assert not netfs.is_network_path(project)
    assert netfs.journal_mode_for(project) == "wal"
    monkeypatch.setenv(netfs.OVERRIDE_ENV, "ja")  # anything else: detection decides
    assert netfs.journal_mode_for(project) == "delete"
    monkeypatch.delenv(netfs.OVERRIDE_ENV)
    assert netfs.journal_mode_for(project) == "delete"
