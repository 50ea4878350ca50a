"""``python -m bench [--runs N] [--citizens N]``: named figures, each against a floor measured
in the same run (timed tests are flaky on shared machines; ratios and differences are not).

Figures:
- demo.write_20000: writing the 20,000-citizen demo database (issue limit: 30 s).
- startup.*: process start → main window shown on the 20,000-citizen database, against a bare
  QApplication + empty QMainWindow in the same run (issue limit: at most 0.5 s slower).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"

BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Keep the user's settings untouched and the runs comparable.
    env["XDG_CONFIG_HOME"] = str(CACHE / "config")
    env["XDG_DATA_HOME"] = str(CACHE / "data")
    return env


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{result.stderr}")
    return elapsed


def demo_database(citizens: int) -> tuple[Path, float | None]:
    """The cached demo database (written once; the time is reported when it is written)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{citizens}-seed1.fsm"
    if path.exists():
        return path, None
    from fsm_desktop.storage.demo import write_demo

    started = time.perf_counter()
    write_demo(path, program="fsm2", citizens=citizens, seed=1)
    return path, time.perf_counter() - started


def figure(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<34} {value:>9.3f} {unit:<3} {note}")


def bench_startup(db: Path, runs: int) -> None:
    env = _env()
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [sys.executable, "-m", "fsm_desktop", "--db", str(db), "--exit-after-show"]
    # One warm-up each (file cache, font cache), then alternate so drift hits both alike.
    _time(bare_cmd, env)
    _time(app_cmd, env)
    bare, app = [], []
    for _ in range(runs):
        bare.append(_time(bare_cmd, env))
        app.append(_time(app_cmd, env))
    floor, ours = statistics.median(bare), statistics.median(app)
    figure("startup.bare_qt_window", floor, "s", f"(median of {runs}; the floor)")
    figure("startup.main_window_20000", ours, "s", f"(median of {runs})")
    figure("startup.overhead", ours - floor, "s", "(limit 0.5 s)")
    figure("startup.ratio", ours / floor, "x")


def bench_measures(runs: int, citizens: int) -> None:
    """All measures of each initiative over 36 months on a demo database, against merely
    reading the same rows from SQLite (issue limits: ≤ 0.5 s and ≤ 3× the read).

    "The same rows" are the queries the load runs (storage.facts: the rows the template's
    measures need), fetched and thrown away. Each repetition times the read, the load and the
    computation back to back, so a slow moment of the machine hits all three; the ratio is
    taken per repetition and the median reported, with the fastest repetition beside it."""
    from fsm_desktop.domain.measures import Month, compute
    from fsm_desktop.storage.demo import write_demo
    from fsm_desktop.storage.facts import load_facts, read_rows
    from fsm_desktop.storage.project import Project

    CACHE.mkdir(parents=True, exist_ok=True)
    for program in ("fsm2", "frontrunner", "bir", "hir"):
        path = CACHE / f"demo-{program}-{citizens}-seed1.fsm"
        if not path.exists():
            write_demo(path, program=program, citizens=citizens, seed=1)
        reads, loads, calcs = [], [], []
        with Project.open(path) as project:
            template = project.template
            first = Month.of(template.start)
            last = first + 35
            read_rows(project)  # warm the file cache
            for _ in range(runs):
                facts = None  # only the newest copy lives, as in the program; not during the read
                gc.collect()
                started = time.perf_counter()
                read_rows(project)
                reads.append(time.perf_counter() - started)
                started = time.perf_counter()
                facts = load_facts(project)
                loads.append(time.perf_counter() - started)
                started = time.perf_counter()
                compute(template, facts, first, last)
                calcs.append(time.perf_counter() - started)
        totals = [load + calc for load, calc in zip(loads, calcs)]
        ratios = [total / read for total, read in zip(totals, reads)]
        fastest = min(range(runs), key=totals.__getitem__)
        figure(f"measures.{program}.read_rows", statistics.median(reads), "s", "(the floor; median)")
        figure(
            f"measures.{program}.load_and_compute",
            statistics.median(totals),
            "s",
            f"(limit 0.5 s; median of {runs}: load {statistics.median(loads):.3f} + compute "
            f"{statistics.median(calcs):.3f}; fastest {totals[fastest]:.3f})",
        )
        figure(
            f"measures.{program}.ratio",
            statistics.median(ratios),
            "x",
            f"(limit 3x; median; range {min(ratios):.2f}-{max(ratios):.2f})",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--citizens", type=int, default=20_000)
    parser.add_argument("--only", choices=("startup", "measures"), help="run one group of figures")
    args = parser.parse_args(argv)
    if args.only in (None, "startup"):
        db, written = demo_database(args.citizens)
        if written is not None:
            figure(f"demo.write_{args.citizens}", written, "s", "(limit 30 s)")
        else:
            print(f"(using cached {db.name}; delete bench/.cache to time writing it)")
        bench_startup(db, args.runs)
    if args.only in (None, "measures"):
        bench_measures(args.runs, args.citizens)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
