"""A template file chosen in a dialog and read, or written where the user says: for the
editor, Nyt projekt and the Indsats menu alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from fsm_desktop.domain.errors import KnownError
from fsm_desktop.domain.program import ProgramTemplate
from fsm_desktop.views.kit import file_dialogs
from fsm_desktop.views.kit.messages import show_known_error


def _t(text: str) -> str:
    return QCoreApplication.translate("InitiativeEditor", text)


def open_template_file(parent: QWidget) -> ProgramTemplate | None:
    """A template file the user chooses, checked; None when cancelled or refused (with the
    message naming the file and the field)."""
    from fsm_desktop.exchange.template_file import read_template_file

    path, _ = file_dialogs.get_open_file_name(
        parent, _t("Åbn skabelon"), "", _t("Skabeloner (*.json);;Alle filer (*)")
    )
    if not path:
        return None
    try:
        return read_template_file(path)
    except KnownError as error:
        show_known_error(parent, _t("Skabelonen kunne ikke åbnes"), error)
        return None


def save_template_file(
    parent: QWidget, template: ProgramTemplate | dict[str, Any], title: str
) -> Path | None:
    """The template written where the user chooses (.json added); None when cancelled or it
    could not be written (said)."""
    from fsm_desktop.exchange.template_file import write_template_file

    key = template.key if isinstance(template, ProgramTemplate) else template.get("key")
    path, _ = file_dialogs.get_save_file_name(
        parent, title, f"{key or 'indsats'}.json", _t("Skabeloner (*.json)")
    )
    if not path:
        return None
    if not path.lower().endswith(".json"):
        path += ".json"
    try:
        return write_template_file(template, path)
    except KnownError as error:
        show_known_error(parent, _t("Skabelonen kunne ikke gemmes"), error)
        return None
