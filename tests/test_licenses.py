"""The licence notices the program carries (resources/licenses, shown in Hjælp → Om): every
file is listed, every listed file exists and is a licence text, and every distribution the
program runs on, directly or through another, has its notice."""

from __future__ import annotations

import json
import re
from importlib import metadata, resources

import pytest

from fsm_desktop.views.main.about import LICENCE_PACKAGE, licences

#: Distributions whose notice is under another name: the Qt wheels share one.
SAME_NOTICE = {"pyside6-essentials": "Qt", "shiboken6": "Qt", "python-calamine": "python-calamine"}


def _files() -> set[str]:
    folder = resources.files(LICENCE_PACKAGE)
    return {entry.name for entry in folder.iterdir() if entry.name.endswith(".txt")}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_distributions() -> set[str]:
    """fsm-desktop's dependencies and theirs, without the test tools (an extra)."""
    seen: set[str] = set()
    todo = ["fsm-desktop"]
    while todo:
        name = _normal(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue
            if ";" in requirement and "platform_system" in requirement:
                continue  # e.g. colorama on Windows only: not installed here
            todo.append(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0])
    # pip: sqlite-utils' own command line installs its plugins with it; the program imports
    # neither, and the build leaves pip out.
    return seen - {"fsm-desktop", "pip"}


def test_every_file_is_listed_and_every_listed_file_exists():
    listed = {entry.file for entry in licences()}
    assert listed == _files()
    raw = json.loads(resources.files(LICENCE_PACKAGE).joinpath("licenses.json").read_text("utf-8"))
    assert len(raw) == len(listed), "a file is listed twice"


@pytest.mark.parametrize(
    ("name", "licence"),
    [
        ("Qt", "LGPL-3.0"),
        ("matplotlib", "PSF"),
        ("openpyxl", "MIT"),
        ("NumPy", "BSD-3-Clause"),
        ("Pillow", "MIT-CMU"),
        ("sqlite-utils", "Apache-2.0"),
        ("SQLCipher", "BSD-3-Clause"),
        ("OpenSSL", "Apache-2.0"),
        ("python-calamine", "MIT"),
        ("Python", "PSF-2.0"),
    ],
)
def test_each_bundled_library_has_its_notice(name, licence):
    entry = next((e for e in licences() if e.name.split()[0] == name.split()[0]), None)
    assert entry is not None, f"no notice for {name}"
    assert licence in entry.licence
    assert len(entry.text()) > 500  # the text itself, not a pointer to it


def test_every_runtime_dependency_has_a_notice():
    names = {_normal(e.name.split()[0]) for e in licences()}
    missing = sorted(
        d
        for d in _runtime_distributions()
        if _normal(SAME_NOTICE.get(d, d)) not in names and d not in names
    )
    assert not missing, f"add their licence to resources/licenses: {missing}"


def test_the_qt_notice_says_how_to_replace_qt():
    text = next(e for e in licences() if e.name.startswith("Qt")).text()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text
    assert "udskifte" in text
