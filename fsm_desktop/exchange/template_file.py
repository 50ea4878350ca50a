"""Initiative templates as files (issue 25.4): a template travels as JSON, in the format of
docs/templates.md, checked against resources/programs/template.schema.json when read. What a
neighbouring municipality's program writes, this one opens unchanged, and the other way round."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fsm_desktop.domain.danish import os_reason
from fsm_desktop.domain.errors import KnownError, ValidationError
from fsm_desktop.domain.program import ProgramTemplate
from fsm_desktop.domain.template_schema import check_template_json

#: A template is a few kilobytes; a file of more is something else.
MAX_BYTES = 5 * 1024 * 1024
#: What a template file is called, for the file dialogs.
SUFFIX = ".json"


class TemplateFileError(KnownError):
    """The file cannot be read or written (the command exits with 2)."""


def read_template_file(path: str | os.PathLike) -> ProgramTemplate:
    """A template from a file; a ValidationError (naming the file and the field) or a
    TemplateFileError for anything that is not a good template."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise TemplateFileError("Skabelonfilen {path} findes ikke.", path=str(path)) from None
    except IsADirectoryError:
        raise TemplateFileError("{path} er en mappe, ikke en fil.", path=str(path)) from None
    except OSError as exc:
        raise TemplateFileError(
            "Skabelonfilen {path} kunne ikke læses: {reason}.",
            path=str(path),
            reason=os_reason(exc),
        ) from None
    if len(data) > MAX_BYTES:
        raise TemplateFileError("Filen {path} er over 5 MB og er ikke en skabelon.", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateFileError(
            "Filen {path} er ikke en skabelon: den er ikke tekst i UTF-8.", path=str(path)
        ) from None
    try:
        return check_template_json(text)
    except ValidationError as exc:
        raise ValidationError("{file}: {problem}", file=path.name, problem=exc.message) from None


def template_text(template: ProgramTemplate | dict) -> str:
    """A template as its file holds it: JSON, UTF-8, indented, the fields in their order."""
    raw = template.raw if isinstance(template, ProgramTemplate) else template
    return json.dumps(raw, ensure_ascii=False, indent=2) + "\n"


def write_template_file(template: ProgramTemplate | dict, path: str | os.PathLike) -> Path:
    """Writes the template to ``path`` whole or not at all (a temporary file moved into
    place)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(template_text(template), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TemplateFileError(
            "Skabelonen kunne ikke gemmes i {path}: {reason}.",
            path=str(path),
            reason=os_reason(exc),
        ) from None
    return path
