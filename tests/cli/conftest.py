"""Fixtures for the command-line tests."""

from __future__ import annotations

import pytest
from cli_run import isolated_env


@pytest.fixture
def env(tmp_path):
    """An environment whose settings and data folders are inside tmp_path."""
    return isolated_env(tmp_path)
