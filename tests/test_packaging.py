"""pyproject.toml installs every resource: each folder of resources/ with files is a listed
package, and its package data takes each of its files. A folder left out makes setuptools warn
("Package would be ignored") on every install, and its files go missing from a wheel once
setuptools stops including them. Nothing is built: the lists are read and compared."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setuptools() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["setuptools"]


def _resource_folders() -> dict[str, list[Path]]:
    """The package name of each folder under resources/ that holds files, with those files."""
    base = ROOT / _setuptools()["package-dir"]["fsm_desktop.resources"]
    folders: dict[str, list[Path]] = {}
    for path in sorted(base.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        parts = path.parent.relative_to(base).parts
        folders.setdefault(".".join(("fsm_desktop.resources", *parts)), []).append(path)
    return folders


def test_every_resource_folder_is_a_listed_package():
    folders = _resource_folders()
    assert "fsm_desktop.resources.programs" in folders  # the walk finds the folders
    missing = sorted(set(folders) - set(_setuptools()["packages"]))
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_resource_file_is_package_data():
    package_data = _setuptools()["package-data"]
    left_out = [
        str(path.relative_to(ROOT))
        for package, files in _resource_folders().items()
        for path in files
        if path.suffix != ".py"
        and not any(
            fnmatch.fnmatch(path.name, pattern) for pattern in package_data.get(package, [])
        )
    ]
    assert not left_out, f"not in [tool.setuptools.package-data]: {left_out}"
