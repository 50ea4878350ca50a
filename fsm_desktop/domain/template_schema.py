"""A template that comes from outside — a file, the command line's ``--template``, the editor —
checked against its JSON Schema (resources/programs/template.schema.json, the format other
programs can check it by too) before the program's own checks (domain.program.parse_template),
which say what a schema cannot: that a group a measure names exists, that a window does not end
before it starts, that a date is in the calendar.

Both speak Danish and name the field the way a template is written ("measures[0].unit"); of
several faults the first in the file is named. jsonschema is imported only here, when a
template is checked: opening a project reads its own stored copy, checked when it was stored."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.program import ProgramTemplate, parse_template, template_json

#: The Danish words for JSON's types, for "skal være …".
_TYPES = {
    "string": "tekst",
    "integer": "et heltal",
    "number": "et tal",
    "array": "en liste",
    "object": "et objekt",
    "boolean": "sand eller falsk",
    "null": "tom (null)",
}


@cache
def schema() -> dict[str, Any]:
    """The template's JSON Schema, as shipped."""
    text = (
        resources.files("fsm_desktop.resources")
        .joinpath("programs", "template.schema.json")
        .read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


def check_template(data: Any) -> ProgramTemplate:
    """A template from outside: the schema first, then the program's own checks. Raises
    ValidationError naming the first wrong field."""
    errors = list(_validator().iter_errors(data))
    if errors:
        first = min(errors, key=lambda error: _document_order(data, error))
        where, problem = describe(first)
        raise ValidationError(
            "Skabelonen er ugyldig ved »{where}«: {problem}", where=where, problem=problem
        )
    return parse_template(data)


def check_template_json(text: str) -> ProgramTemplate:
    """A template file's text (JSON), checked as :func:`check_template`."""
    return check_template(template_json(text))


def field_path(path: Any) -> str:
    """A path into the template as a template is written: measures[0].thresholds[1].value."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(rod)"


def describe(error: Any) -> tuple[str, str]:
    """A jsonschema error as (where, the problem in Danish)."""
    where = field_path(error.absolute_path)
    value = error.instance
    kind = error.validator
    if kind == "required":
        missing = next((k for k in error.validator_value if k not in value), "")
        return f"{where}.{missing}" if error.absolute_path else f"(rod).{missing}", "mangler"
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in known) if isinstance(value, dict) else []
        return where, "»{}« er ikke et felt her".format("«, »".join(extra))
    if kind == "type":
        expected = error.validator_value
        words = [_TYPES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected)]
        return where, "har forkert type (skal være {})".format(" eller ".join(words))
    if kind == "enum":
        return where, "»{}« er ikke en af {}".format(
            value, ", ".join(map(str, error.validator_value))
        )
    if kind == "anyOf":
        return _any_of(error, where)
    if kind in ("pattern", "propertyNames") or error.schema.get("x-besked"):
        if kind == "propertyNames":
            return _describe_name(error, where)
        message = error.schema.get("x-besked", "har ikke den rette form")
        return where, f"»{value}« {message}"
    if kind == "minimum":
        return where, f"skal være mindst {error.validator_value}"
    if kind == "maximum":
        return where, f"må højst være {error.validator_value}"
    if kind == "minLength":
        return where, "må ikke være tom"
    if kind == "uniqueItems":
        return where, "nævner det samme to gange"
    return where, str(error.message)


def _describe_name(error: Any, where: str) -> tuple[str, str]:
    """A key of an object that is not what its names must be (a goal's month)."""
    inner = error.context[0] if error.context else None
    schema_ = inner.schema if inner is not None else {}
    name = inner.instance if inner is not None else error.instance
    return where, "»{}« {}".format(name, schema_.get("x-besked", "er ikke et gyldigt navn her"))


def _any_of(error: Any, where: str) -> tuple[str, str]:
    """A value none of the alternatives takes (a window, a date, or null): said by the
    alternative that came furthest (a window that is not null)."""
    deeper = [sub for sub in error.context if sub.validator != "type" or sub.relative_path]
    if deeper:
        return describe(max(deeper, key=lambda sub: len(sub.absolute_path)))
    return where, "har forkert type"


def _document_order(data: Any, error: Any) -> tuple[int, ...]:
    """Where an error's field stands in the file: the position of each key and index on its
    path, so that the first fault in the file is the one named."""
    order: list[int] = []
    node = data
    for part in error.absolute_path:
        if isinstance(node, dict):
            keys = list(node)
            order.append(keys.index(part) if part in keys else len(keys))
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int):
            order.append(part)
            node = node[part] if part < len(node) else None
        else:
            break
    # An error about the object itself (a field missing) after those inside it.
    order.append(1_000_000 if error.validator in ("required", "additionalProperties") else -1)
    return tuple(order)
