"""What the command line and the window's start both read from the program's arguments and
environment: the project password (FSM_PASSWORD or --password-file), and the error for an
argument that cannot be used."""

from __future__ import annotations

import argparse


class UsageError(Exception):
    """An argument that cannot be used: one line on stderr, exit code 2."""


PASSWORD_ENV = "FSM_PASSWORD"


def given_password(args: argparse.Namespace) -> str | None:
    """The password from FSM_PASSWORD or --password-file (its first line), or None."""
    import os

    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    path = getattr(args, "password_file", None)
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                line = fh.readline()
        except (OSError, UnicodeDecodeError) as exc:
            from fsm_desktop.domain.danish import os_reason

            reason = os_reason(exc) if isinstance(exc, OSError) else "filen er ikke UTF-8-tekst"
            raise UsageError(f"--password-file {path} kunne ikke læses: {reason}") from None
        line = line.rstrip("\r\n")
        if not line:
            raise UsageError(f"--password-file {path} er tom")
        return line
    return None
