"""Smoke test of the frozen program (dist/fsm-desktop/), not of the source: runs the built
executable as a user or IT would, and checks what it gives.

    python packaging/smoke_test.py dist/fsm-desktop [--out build/smoke]

Run by packaging/build_dist.py (`make dist`) with the build environment's Python, whose
openpyxl, Pillow and PySide6 read what the program wrote; the program itself runs only from
the folder. Checks, in order:

1. ``--version`` prints the package's version;
2. ``demo --db X`` makes a demo project;
3. the window on each page, offscreen, saved with ``--screenshot``: pictures of the window's
   size, with text drawn (many colours), the navigation bar, the board's cards and the Mål
   chart (matplotlib, numpy) in their colours; Qt's translator looked in the folder's own
   translations, where qtbase_da.qm is;
4. ``measures --format json`` gives JSON with a row per measure; a demo written with a
   password (SQLCipher) is encrypted, read with it and refused without it;
5. ``export`` writes the status sheet, which openpyxl opens; ``initiative`` writes the
   demo's template as a file, ``init --template`` makes a project of it (jsonschema and its
   schemas in the bundle), and a damaged one is refused with exit 2;
6. Qt's own buttons are Danish: the bundled qtbase_da.qm translates "Cancel" to "Annuller";
7. the resources are there (templates, style sheet, icons) and licenses/ holds the notices:
   each of the project's notice files and, per bundled Python package, its licence files;
8. the program logged no error in all this.

Each step prints one line; the first failure stops with exit code 1. Personal data: none, the
demo is invented."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "fsm-desktop"
SIZE = (1366, 768)
#: The navigation bar's background: a window without its style sheet has none of it.
NAV = ("the navigation bar", (0x1F, 0x2A, 0x3A), SIZE[0] * SIZE[1] // 20)
#: What each page screenshotted must show, in pixels of exact colours (name, RGB, at least):
#: the board's cards (one changed since the last meeting, a late contact's text); the Mål
#: page's chart (the share's line, the best period's ring), drawn by matplotlib with numpy.
#: The other pages are opened too: what fails there is in the log, which must have no error.
PAGES: dict[str, tuple[tuple[str, tuple[int, int, int], int], ...]] = {
    "tavle": (
        NAV,
        ("a card changed since the meeting", (0xFF, 0xF8, 0xD6), 200),
        ("a late contact", (0xB3, 0x26, 0x1E), 200),
    ),
    "maal": (
        NAV,
        ("the chart's share line", (0x2F, 0x6F, 0xCA), 400),
        ("the chart's best period", (0xC2, 0x5E, 0x00), 100),
    ),
    **dict.fromkeys(("borgere", "stepup", "statusskema", "medarbejdere", "import"), (NAV,)),
}


class Failed(Exception):
    pass


def executable(folder: Path) -> Path:
    return folder / (NAME + ".exe" if sys.platform == "win32" else NAME)


def internal(folder: Path) -> Path:
    """Where PyInstaller puts everything but the executable (its contents directory)."""
    return folder / "_internal"


def _environment(home: Path) -> dict[str, str]:
    """The program's settings, log and data in ``home``: the smoke test touches nothing of the
    user's. Offscreen, so no display is needed. Qt's translator says where it looks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FSM_"))}
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),
        APPDATA=str(home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(home / "AppData" / "Local"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        QT_LOGGING_RULES="qt.core.qtranslator.debug=true",
    )
    return env


def _run(folder: Path, env: dict[str, str], *args: str, timeout: int = 120):
    started = time.monotonic()
    result = subprocess.run(
        [str(executable(folder)), *args],
        env=env,
        stdin=subprocess.DEVNULL,  # never a password prompt
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise Failed(
            f"{NAME} {' '.join(args)}: exit code {result.returncode}\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result, seconds


def check_version(folder: Path, env: dict[str, str]) -> str:
    from importlib.metadata import version

    result, seconds = _run(folder, env, "--version")
    expected = version("fsm-desktop")
    if expected not in result.stdout:
        raise Failed(f"--version printed {result.stdout!r}, not {expected}")
    return f"--version: {result.stdout.strip()} ({seconds:.1f} s)"


def check_demo(folder: Path, env: dict[str, str], db: Path) -> str:
    result, seconds = _run(folder, env, "demo", "--db", str(db), "--force")
    if not db.is_file():
        raise Failed(f"demo wrote no {db}")
    return f"demo: {result.stdout.strip()} ({seconds:.1f} s)"


def check_screenshot(folder: Path, env: dict[str, str], db: Path, png: Path, page: str) -> str:
    size = "{}x{}".format(*SIZE)
    result, seconds = _run(
        folder, env, "--db", str(db), "--page", page, "--size", size, "--screenshot", str(png)
    )
    if not png.is_file():
        raise Failed(f"--screenshot wrote no {png}")
    colours = judge_picture(png, SIZE, page)
    _check_translator_folder(folder, result.stderr)
    return f"screenshot of {page}: {png} {size}, {colours} colours, as it should ({seconds:.1f} s)"


def judge_picture(png: Path, size: tuple[int, int], page: str) -> int:
    """Whether ``png`` is the main window showing ``page`` as it should: the window's size,
    text drawn (many colours), and the colours of :data:`PAGES`. Its colour count."""
    from PIL import Image

    with Image.open(png) as image:
        picture = image.convert("RGB")
    if picture.size != size:
        raise Failed(f"the screenshot is {picture.size}, not the window's {size}")
    pixels = size[0] * size[1]
    counts = {rgb: n for n, rgb in picture.getcolors(pixels) or []}
    if len(counts) < 500:
        raise Failed(f"the screenshot has {len(counts)} colours: no text drawn? ({png})")
    for what, rgb, least in PAGES[page]:
        if counts.get(rgb, 0) < least:
            raise Failed(
                "the screenshot of {} lacks {} (#{:02x}{:02x}{:02x}: {} pixels, not {}) "
                "({})".format(page, what, *rgb, counts.get(rgb, 0), least, png)
            )
    return len(counts)


def _check_translator_folder(folder: Path, stderr: str) -> None:
    """Qt's own log (qt.core.qtranslator) names the folder where the program looked for
    qtbase_da: it must be the bundle's, and hold the file."""
    searched = [
        line.rsplit(" in ", 1)[1].strip()
        for line in stderr.splitlines()
        if "Searching translation for qtbase_" in line and " in " in line
    ]
    if not searched:
        raise Failed(f"the program looked for no Qt translation:\n{stderr[-2000:]}")
    where = Path(searched[0]).resolve()
    if not where.is_relative_to(folder.resolve()):
        raise Failed(f"the program looked for Qt's translations outside its folder: {where}")
    if not (where / "qtbase_da.qm").is_file():
        raise Failed(f"no qtbase_da.qm in {where}, where the program looks")
    if "were not found" in stderr:
        raise Failed(f"the program did not load Qt's Danish texts:\n{stderr[-2000:]}")


def _refused(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The program run with ``args`` that it should refuse: its exit code and message."""
    return subprocess.run(
        [str(executable(folder)), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )


def check_encrypted(folder: Path, env: dict[str, str], db: Path) -> str:
    """SQLCipher (and the OpenSSL inside sqlcipher3) in the bundle: a demo written with a
    password is not readable as SQLite, opens with the password and is refused without it."""
    keyed = {**env, "FSM_PASSWORD": "røgtest med fire ord"}
    _, seconds = _run(folder, keyed, "demo", "--db", str(db), "--citizens", "50", "--force")
    if db.read_bytes()[:16] == b"SQLite format 3\x00":
        raise Failed(f"demo with FSM_PASSWORD wrote a plain SQLite file: {db}")
    result, _ = _run(folder, keyed, "measures", "--db", str(db), "--format", "json")
    json.loads(result.stdout)
    refused = _refused(folder, env, "measures", "--db", str(db))
    if refused.returncode != 2 or not refused.stderr.strip():
        raise Failed(
            f"an encrypted project opened without its password: exit {refused.returncode}, "
            f"{refused.stderr.strip()!r}"
        )
    return (
        f"encrypted: demo with a password, measures read it, refused without one "
        f"({refused.stderr.strip()[:80]}) ({seconds:.1f} s)"
    )


def check_measures(folder: Path, env: dict[str, str], db: Path) -> str:
    result, seconds = _run(folder, env, "measures", "--db", str(db), "--format", "json")
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise Failed(f"measures --format json is not JSON: {error}") from error
    if not data:
        raise Failed("measures --format json gave nothing")
    return f"measures --format json: {len(data)} {type(data).__name__} entries ({seconds:.1f} s)"


def check_export(folder: Path, env: dict[str, str], db: Path, xlsx: Path) -> str:
    from openpyxl import load_workbook

    _, seconds = _run(folder, env, "export", "--db", str(db), "--out", str(xlsx))
    workbook = load_workbook(xlsx, read_only=True)
    try:
        sheets = workbook.sheetnames
        cells = sum(
            1
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value not in (None, "")
        )
    finally:
        workbook.close()
    if cells < 20:
        raise Failed(f"the exported {xlsx} has only {cells} cells with values")
    return f"export: {xlsx.name}, sheets {sheets}, {cells} cells with values ({seconds:.1f} s)"


def check_template_file(folder: Path, env: dict[str, str], db: Path, home: Path) -> str:
    """A template travels as a file: written from the demo, a project made of it; one with a
    wrong field refused by the schema check (jsonschema's own schemas must be bundled)."""
    template = home / "indsats.json"
    _, seconds = _run(folder, env, "initiative", "--db", str(db), "--out", str(template))
    data = json.loads(template.read_text("utf-8"))
    made = home / "fra-skabelon.fsm"
    _run(folder, env, "init", "--db", str(made), "--template", str(template), "--unencrypted")
    data["measures"][0]["unit"] = "uge"
    broken = home / "forkert.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    refused = _refused(
        folder,
        env,
        "init",
        "--db",
        str(home / "nej.fsm"),
        "--template",
        str(broken),
        "--unencrypted",
    )
    if refused.returncode != 2 or "measures[0].unit" not in refused.stderr:
        raise Failed(
            f"a wrong template was not refused: exit {refused.returncode}, {refused.stderr!r}"
        )
    return f"template file: written, a project made of it, a wrong one refused ({seconds:.1f} s)"


def check_qt_danish(folder: Path) -> str:
    from PySide6.QtCore import QTranslator

    qm = internal(folder) / "PySide6" / "Qt" / "translations" / "qtbase_da.qm"
    if not qm.is_file():
        raise Failed(f"no {qm.relative_to(folder)}")
    translator = QTranslator()
    if not translator.load(str(qm)):
        raise Failed(f"{qm} does not load")
    texts = {
        source: translator.translate("QPlatformTheme", source)
        for source in ("Cancel", "&Yes", "&No", "Close")
    }
    if texts["Cancel"] != "Annuller":
        raise Failed(f"the bundled qtbase_da.qm translates Cancel as {texts['Cancel']!r}")
    others = sorted(p.name for p in qm.parent.glob("*.qm") if not p.name.endswith("_da.qm"))
    if others:
        raise Failed(f"translations other than Danish are bundled: {others[:5]} …")
    shown = ", ".join(f"{k} → {v}" for k, v in texts.items())
    return f"Qt's own buttons: {shown} ({qm.relative_to(folder)})"


def check_contents(folder: Path) -> str:
    package = internal(folder) / "fsm_desktop" / "resources"
    source = ROOT / "resources"
    missing = [
        str(path.relative_to(source))
        for path in source.rglob("*")
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and not (package / path.relative_to(source)).is_file()
    ]
    if missing:
        raise Failed(f"resources missing from the bundle: {missing}")
    licences = folder / "licenses"
    notices = ROOT / "resources" / "licenses"
    if not notices.is_dir():
        notices = ROOT / "packaging" / "licenses"
    expected = [p for p in notices.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
    lacking = [path.name for path in expected if not (licences / path.name).is_file()]
    if lacking:
        raise Failed(f"notices missing from licenses/: {lacking}")
    index = (licences / "packages" / "INDEX.txt").read_text("utf-8")
    for wanted in ("PySide6_Essentials", "sqlcipher3", "matplotlib", "openpyxl", "numpy", "pillow"):
        if wanted.lower() not in index.lower():
            raise Failed(f"licenses/packages/INDEX.txt does not name {wanted}")
    empty = [
        p.name
        for p in (licences / "packages").iterdir()
        if p.is_dir() and not any(p.rglob("*")) and not p.name.startswith(("pyside6", "shiboken6"))
    ]
    if empty:
        raise Failed(f"bundled packages without their licence files: {empty}")
    packages = sum(1 for p in (licences / "packages").iterdir() if p.is_dir())
    return (
        f"contents: all of resources/, licenses/ with {len(expected)} notices "
        f"and {packages} packages' licences"
    )


def check_log(home: Path) -> str:
    """The program's log (in the user's data folder, here the scratch home) has no error: a
    page that failed (a library that would not load) says "could not" on screen and logs why."""
    logs = sorted(home.rglob("fsm-desktop.log"))
    text = "\n".join(log.read_text("utf-8", errors="replace") for log in logs)
    if " ERROR " in text or " CRITICAL " in text or "Traceback" in text:
        raise Failed(f"the program logged errors:\n{text[-4000:]}")
    return f"log: no errors ({len(logs)} file(s), {len(text)} characters)"


def size_of(folder: Path) -> tuple[int, int]:
    """Bytes and files in ``folder``."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def run(folder: Path, out: Path) -> None:
    folder = folder.resolve()
    if not executable(folder).is_file():
        raise Failed(f"no {executable(folder)}: build it first (make dist)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fsm-smoke-") as scratch:
        home = Path(scratch)
        env = _environment(home)
        db = home / "demo.fsm"
        steps = (
            lambda: check_version(folder, env),
            lambda: check_demo(folder, env, db),
            *(
                lambda page=page: check_screenshot(folder, env, db, out / f"{page}.png", page)
                for page in PAGES
            ),
            lambda: check_measures(folder, env, db),
            lambda: check_encrypted(folder, env, home / "krypteret.fsm"),
            lambda: check_export(folder, env, db, out / "status.xlsx"),
            lambda: check_template_file(folder, env, db, home),
            lambda: check_qt_danish(folder),
            lambda: check_contents(folder),
            lambda: check_log(home),
        )
        for step in steps:  # each line as soon as its step passed
            print(f"  ok  {step()}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=ROOT / "dist" / NAME)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "smoke")
    args = parser.parse_args(argv)
    print(f"Smoke test of {args.folder}:", flush=True)
    try:
        run(args.folder, args.out)
    except (Failed, subprocess.TimeoutExpired, OSError) as error:
        print(f"  FAILED  {error}", file=sys.stderr)
        return 1
    total, files = size_of(args.folder)
    print(f"Smoke test passed. {args.folder}: {total / 2**20:.0f} MiB in {files} files.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
