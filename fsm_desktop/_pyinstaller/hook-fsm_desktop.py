"""The package's metadata goes into the frozen program: ``fsm_desktop.__version__`` reads the
version from it (pyproject.toml's number), for --version, Hjælp → Om and the status sheet."""

from PyInstaller.utils.hooks import copy_metadata

datas = copy_metadata("fsm-desktop")
