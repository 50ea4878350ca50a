"""Is a project on a network drive? Then it gets ``journal_mode=DELETE`` instead of WAL.

SQLite: "All processes using a database must be on the same host computer; WAL does not work
over a network filesystem" (https://www.sqlite.org/wal.html; also
https://www.sqlite.org/useovernet.html). WAL's index (``-shm``) is shared memory, which
computers on a share cannot share.

Nothing here opens the project file: on Linux and macOS a process's POSIX locks on a file are
dropped when *any* descriptor on it is closed, so one ``open()``/``close()`` would unlock an open
project. The folder holding the file is examined instead: Linux reads ``/proc/self/mountinfo``
(and falls back to, or adds, ``statfs(2)`` on the folder), macOS calls ``statfs(2)`` on the
folder, Windows looks at the path (UNC) and at the drive type of the folder's root. Resolving the
path uses ``lstat``/``readlink``/``stat`` only.

When detection fails or does not know the answer, the project counts as local (WAL): that is
what the program did before and is tested with, and a detection hiccup should not take WAL's
readers-while-writing away from everyone on a local disk. Support can force the answer with
``FSM_NETWORK_DRIVE=1`` (network, DELETE) or ``FSM_NETWORK_DRIVE=0`` (local, WAL).
"""

from __future__ import annotations

import os
import re
import sys
from typing import Literal, NamedTuple

#: Environment variable that overrides detection: "1" network drive, "0" local; else ignored.
OVERRIDE_ENV = "FSM_NETWORK_DRIVE"

#: File system names (Linux mountinfo, macOS f_fstypename; Windows: the pseudo-names "unc" and
#: "remote") on which WAL is not used. Any Linux "fuse.<subtype>" counts too: sshfs, rclone, …
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smb",
        "smbfs",
        "ncpfs",
        "afs",
        "coda",
        "9p",
        "ceph",
        "glusterfs",
        "gfs2",
        "ocfs2",
        "lustre",
        "gpfs",
        "beegfs",
        "davfs",
        "webdav",
        "afpfs",
        "sshfs",
        "vboxsf",
        "vmhgfs",
        "prl_fs",
        "fuse",
        "fuseblk",
        "macfuse",
        "osxfuse",
        "unc",
        "remote",
    }
)

#: Linux statfs(2) f_type magic numbers (linux/magic.h and the file systems' sources).
_LINUX_MAGIC = {
    0x6969: "nfs",
    0xFF534D42: "cifs",
    0xFE534D42: "smb3",
    0x517B: "smb",
    0x564C: "ncpfs",
    0x5346414F: "afs",
    0x73757245: "coda",
    0x01021997: "9p",
    0x00C36400: "ceph",
    0x01161970: "gfs2",
    0x7461636F: "ocfs2",
    0x0BD00BD0: "lustre",
    0x47504653: "gpfs",
    0x19830326: "beegfs",
    0x65735546: "fuse",
    0x786F4256: "vboxsf",
    # local ones, only so that a fallback answer has a readable name
    0xEF53: "ext4",
    0x58465342: "xfs",
    0x9123683E: "btrfs",
    0x01021994: "tmpfs",
    0x794C7630: "overlay",
    0x2FC12FC1: "zfs",
    0xF2F52010: "f2fs",
    0x4D44: "vfat",
}

_OCTAL_ESCAPE = re.compile(rb"\\([0-7]{3})")


class Mount(NamedTuple):
    mount_point: str
    fs_type: str
    source: str


# --- pure functions (tested on any platform) ---------------------------------------------------


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as \\040 \\011 \\012 \\134; undone on the
    bytes, so that names come out exactly as ``os.path.realpath`` spells them (surrogateescape)."""
    raw = _OCTAL_ESCAPE.sub(lambda m: bytes([int(m.group(1), 8) & 0xFF]), os.fsencode(field))
    return os.fsdecode(raw)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts of a /proc/self/mountinfo text, in its order (proc(5): "id parent major:minor
    root mount-point options [optional fields] - fstype source super-options")."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(" "), right.split(" ")
        if sep and len(fields) >= 5 and len(tail) >= 2:
            mounts.append(Mount(_unescape(fields[4]), _unescape(tail[0]), _unescape(tail[1])))
    return mounts


def mount_fs_type(folder: str, mountinfo: str) -> str | None:
    """The fs type of the mount holding ``folder`` (absolute, symlinks resolved): the longest mount
    point that is a path prefix of it ("/mnt/team" is not one of "/mnt/teamdrive"); among mounts on
    the same point the later line, which covers the earlier. None if no mount matches."""
    best: str | None = None
    best_len = -1
    for mount in parse_mountinfo(mountinfo):
        point = mount.mount_point
        if folder == point or folder.startswith(point.rstrip("/") + "/"):
            if len(point) >= best_len:
                best, best_len = mount.fs_type, len(point)
    return best


def is_network_fs_type(fs_type: str | None) -> bool:
    """Whether WAL must not be used on a file system of this type (None, unknown: it may)."""
    if not fs_type:
        return False
    name = fs_type.lower()
    return name in NETWORK_FS_TYPES or name.startswith("fuse.")


def is_unc_path(path: str | os.PathLike[str]) -> bool:
    r"""A Windows UNC path: \\server\share\…, //server/share/…, \\?\UNC\server\… (not \\?\C:\…)."""
    p = os.fspath(path).replace("/", "\\")
    if p[:4] in ("\\\\?\\", "\\\\.\\"):
        return p[4:8].upper() == "UNC\\"
    return p.startswith("\\\\") and len(p) > 2 and p[2] != "\\"


def _override() -> bool | None:
    value = os.environ.get(OVERRIDE_ENV, "").strip()
    return {"1": True, "0": False}.get(value)


# --- the machine -------------------------------------------------------------------------------


def _folder_of(path: str | os.PathLike[str]) -> str:
    """The folder that holds ``path`` (itself if it is a folder), symlinks resolved, or its nearest
    existing parent for a file that does not exist yet. Never opens the path: on POSIX realpath is
    lstat/readlink; on Windows realpath opens a handle, so only the folder is resolved there."""
    p = os.path.abspath(os.fspath(path))
    if os.name != "nt":
        p = os.path.realpath(p)
    if not os.path.isdir(p):
        p = os.path.dirname(p)
    while not os.path.isdir(p) and os.path.dirname(p) != p:
        p = os.path.dirname(p)
    if os.name == "nt":
        try:
            p = os.path.realpath(p)  # a mapped drive may resolve to \\?\UNC\… or \\server\…
        except OSError:
            pass
    return p


def _linux_statfs_type(folder: str) -> str | None:
    """statfs(2) f_type of the folder: the first field of struct statfs, a C long (on s390x an
    unsigned int; the masked value then matches nothing, which reads as "unknown")."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)  # libc is already loaded; find_library would fork
    buf = ctypes.create_string_buffer(512)  # sizeof(struct statfs) is 120 on 64-bit Linux
    if libc.statfs(os.fsencode(folder), buf) != 0:
        return None
    magic = ctypes.c_long.from_buffer(buf).value & 0xFFFFFFFF
    return _LINUX_MAGIC.get(magic, f"0x{magic:x}")


def _linux_fs_type(folder: str, mountinfo: str | None) -> str | None:
    if mountinfo is not None:  # given (tests): the table is the whole answer
        return mount_fs_type(folder, mountinfo)
    try:
        with open("/proc/self/mountinfo", "rb") as fh:
            by_table = mount_fs_type(folder, os.fsdecode(fh.read()))
    except OSError:
        by_table = None
    try:  # statfs sees the mount actually reached (also one hidden by a later mount on a parent)
        by_statfs = _linux_statfs_type(folder)
    except Exception:
        by_statfs = None
    if by_table is None or (is_network_fs_type(by_statfs) and not is_network_fs_type(by_table)):
        return by_statfs
    return by_table


def _macos_fs_type(folder: str) -> str | None:
    """f_fstypename from statfs(2): "apfs", "hfs", "smbfs", "nfs", "afpfs", "webdav", "macfuse"…"""
    import ctypes
    import ctypes.util

    class Statfs(ctypes.Structure):  # <sys/mount.h>, 64-bit inodes
        _fields_ = [
            ("f_bsize", ctypes.c_uint32),
            ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64),
            ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64),
            ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32),
            ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024),
            ("f_flags_ext", ctypes.c_uint32),
            ("f_reserved", ctypes.c_uint32 * 7),
            ("_spare", ctypes.c_char * 2048),
        ]

    libc = ctypes.CDLL(
        ctypes.util.find_library("c") or "/usr/lib/libSystem.B.dylib", use_errno=True
    )
    try:  # x86_64: the 64-bit-inode layout is "statfs$INODE64"; arm64 has only plain "statfs"
        statfs = getattr(libc, "statfs$INODE64")
    except AttributeError:
        statfs = libc.statfs
    st = Statfs()
    if statfs(os.fsencode(folder), ctypes.byref(st)) != 0:
        return None
    return st.f_fstypename.decode("ascii", "replace") or None


def _windows_fs_type(folder: str) -> str | None:
    """ "unc" for a UNC path, else the drive type of its root: "remote" (a mapped network drive),
    "fixed", "removable", "cdrom", "ramdisk"; None if unknown."""
    if is_unc_path(folder):
        return "unc"
    import ctypes

    drive = os.path.splitdrive(folder.removeprefix("\\\\?\\"))[0]
    if not drive:
        return None
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.GetDriveTypeW.argtypes = [ctypes.c_wchar_p]
    kernel32.GetDriveTypeW.restype = ctypes.c_uint
    kind = kernel32.GetDriveTypeW(drive + "\\")  # 0 unknown, 1 no root, 4 DRIVE_REMOTE
    return {2: "removable", 3: "fixed", 4: "remote", 5: "cdrom", 6: "ramdisk"}.get(kind)


def file_system_type(path: str | os.PathLike[str], *, mountinfo: str | None = None) -> str | None:
    """The type of the file system holding ``path``'s folder ("ext4", "nfs4", "fuse.sshfs", "smbfs",
    on Windows "unc"/"remote"/"fixed"…), or None when it cannot be told. ``mountinfo`` (Linux, for
    tests) replaces /proc/self/mountinfo and statfs. Ignores the override; never raises."""
    try:
        folder = _folder_of(path)
        if sys.platform.startswith("linux"):
            return _linux_fs_type(folder, mountinfo)
        if sys.platform == "darwin":
            return _macos_fs_type(folder)
        if sys.platform == "win32":
            return _windows_fs_type(folder)
    except Exception:
        pass
    return None


def is_network_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` lies on a network file system, so that WAL must not be used there.
    ``FSM_NETWORK_DRIVE=1``/``0`` decides instead of detection; unknown counts as local."""
    forced = _override()
    if forced is not None:
        return forced
    return is_network_fs_type(file_system_type(path))


def journal_mode_for(path: str | os.PathLike[str]) -> Literal["wal", "delete"]:
    """The journal mode for a project at ``path``: "delete" on a network drive, else "wal"."""
    return "delete" if is_network_path(path) else "wal"
