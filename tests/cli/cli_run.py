"""Running the command line as a user runs it: in a subprocess, with its settings and data
folders inside the test's temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys


def isolated_env(folder) -> dict[str, str]:
    values = dict(os.environ)
    values["HOME"] = str(folder / "home")
    values["XDG_CONFIG_HOME"] = str(folder / "config")
    values["XDG_DATA_HOME"] = str(folder / "data")
    values["QT_QPA_PLATFORM"] = "offscreen"
    return values


def run(env, *args, timeout=120):
    """``python -m fsm_desktop ARGS`` → the finished process (stdout and stderr as text)."""
    return subprocess.run(
        [sys.executable, "-m", "fsm_desktop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
