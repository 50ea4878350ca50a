"""FSM Desktop: follow a state-funded employment initiative month by month, offline."""

from __future__ import annotations

from pathlib import Path

DISTRIBUTION = "fsm-desktop"


def _version() -> str:
    """The one version number, `version` in pyproject.toml. In a source checkout it is read
    from there: an editable install's metadata keeps the number it had when pip last ran. An
    installed copy (a wheel, the PyInstaller build, which must carry the metadata) reads the
    package's metadata, written from pyproject.toml when it was built."""
    source = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if source.is_file():
        import tomllib

        try:
            with source.open("rb") as file:
                project = tomllib.load(file).get("project", {})
        except (OSError, tomllib.TOMLDecodeError):
            project = {}
        if project.get("name") == DISTRIBUTION and isinstance(project.get("version"), str):
            return project["version"]
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+ukendt"


__version__ = _version()
