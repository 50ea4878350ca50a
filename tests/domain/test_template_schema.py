"""Issue 25.4: a template file is checked against its JSON Schema
(resources/programs/template.schema.json), then by the program's own rules; every fault is
named in Danish by its field, the first in the file first, and nothing but ValidationError
comes out of any file."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from fsm_desktop.domain import program
from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import PAID_HOURS, ExitReason, PeriodCategory, PeriodKind
from fsm_desktop.domain.program import BUILTIN, builtin_template
from fsm_desktop.domain.template_schema import check_template, check_template_json, schema


def _fsm2() -> dict[str, Any]:
    return copy.deepcopy(builtin_template("fsm2").raw)


def test_the_schema_is_a_valid_2020_12_schema():
    Draft202012Validator.check_schema(schema())


@pytest.mark.parametrize("key", BUILTIN)
def test_every_shipped_template_passes_the_schema(key):
    template = check_template(copy.deepcopy(builtin_template(key).raw))
    assert template == builtin_template(key)


def test_the_schema_lists_what_the_program_knows():
    """The schema's choices are the program's own: a kind added to one is added to the other."""
    defs = schema()["$defs"]
    assert defs["period_kind"]["examples"] == [k.value for k in PeriodKind]
    measure = defs["measure"]["properties"]
    assert tuple(measure["kind"]["enum"]) == program.KINDS
    assert tuple(measure["unit"]["enum"]) == program.UNITS
    assert tuple(measure["aggregate"]["enum"]) == program.AGGREGATES
    assert tuple(measure["direction"]["enum"]) == program.DIRECTIONS
    assert tuple(measure["population"]["properties"]["rule"]["enum"]) == program.POPULATION_RULES
    assert measure["qualifying"]["items"]["$ref"] == "#/$defs/period_kind"
    assert {PAID_HOURS, "jobformidler"} <= set(program.EXTRA_SOURCES)
    categories = schema()["properties"]["period_kinds"]["items"]["properties"]["category"]
    assert categories["enum"] == [c.value for c in PeriodCategory]
    target_group = schema()["properties"]["target_group"]["properties"]
    assert tuple(target_group["entry"]["enum"]) == program.ENTRY_RULES
    assert target_group["leaving_reasons"]["items"]["enum"] == [r.value for r in ExitReason]


def _set(path: str, value: Any):
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "where", "problem"),
    [
        (_set("name", _DELETE), "(rod).name", "mangler"),
        (_set("format", "1"), "format", "har forkert type (skal være et heltal)"),
        (_set("format", 2), "format", "skabelonformat 2 er nyere end programmet kan læse (1)"),
        (_set("key", "a/b"), "key", "»a/b« må kun indeholde bogstaver (a–z), tal, - og _"),
        (_set("period/start", "1-1-2020"), "period.start", "»1-1-2020« er ikke en dato"),
        (_set("period/start", "2019-02-30"), "period.start", "»2019-02-30« er ikke en dato"),
        (_set("period/end", "2019-01-01"), "period", "slutdatoen ligger før startdatoen"),
        (_set("target_group/min_age", -3), "target_group.min_age", "skal være mindst 0"),
        (
            _set("target_group/benefits/1", "dagpenge"),
            "target_group.benefits[1]",
            "ukendt forløbstype »dagpenge«",
        ),
        (
            _set("target_group/leaving_reasons/0", "afsluttet"),
            "target_group.leaving_reasons[0]",
            "»afsluttet« er ikke en af fraflyttet, folkepension, doed, andet",
        ),
        (_set("groups/0/id", "1"), "groups[0].id", "har forkert type (skal være et heltal)"),
        (_set("groups/1/id", 1), "groups", "to grupper har samme id"),
        (_set("measures/0/unit", "week"), "measures[0].unit", "»week« er ikke en af month"),
        (
            _set("measures/0/qualifying/1", "selvforsoergelse"),
            "measures[0].qualifying[1]",
            "ukendt forløbstype »selvforsoergelse«",
        ),
        (_set("measures/0/window", {"start": "2020-01-01"}), "measures[0].window.end", "mangler"),
        (
            _set("measures/0/population/groups", [1, 3]),
            "measures[0].population.groups",
            "gruppe 3 findes ikke i skabelonen",
        ),
        (
            _set("measures/0/thresholds/0/payout_share", 1.5),
            "measures[0].thresholds[0].payout_share",
            "må højst være 1",
        ),
        (
            _set("measures/0/thresholds/0/value", 15),
            "measures[0].thresholds",
            "en andel skal ligge mellem 0 og 1",
        ),
        (
            _set("measures/0/thresholds/0/treshold", 0.2),
            "measures[0].thresholds[0]",
            "»treshold« er ikke et felt her",
        ),
        (_set("measures/0/qualifying", ["mentor", "mentor"]), "measures[0].qualifying", "to gange"),
        (_set("goals/0/targets", {"2020-13": 1}), "goals[0].targets", "»2020-13« er ikke en måned"),
        (_set("goals/0/unit", "procent"), "goals[0].unit", "»procent« er ikke en af share, count"),
        (_set("goals/0/label", ""), "goals[0].label", "må ikke være tom"),
    ],
)
def test_every_wrong_field_is_named_with_its_problem(change, where, problem):
    data = _fsm2()
    change(data)
    with pytest.raises(ValidationError) as caught:
        check_template(data)
    message = caught.value.message
    assert message.startswith(f"Skabelonen er ugyldig ved »{where}«: "), message
    assert problem in message


def test_of_several_faults_the_first_in_the_file_is_named():
    data = _fsm2()
    data["goals"][0]["unit"] = "procent"
    data["measures"][0]["unit"] = "week"
    data["period"]["start"] = "x"
    with pytest.raises(ValidationError, match=r"»period\.start«"):
        check_template(data)
    data["period"]["start"] = "2019-11-01"
    with pytest.raises(ValidationError, match=r"»measures\[0\].unit«"):
        check_template(data)


def test_a_file_that_is_not_json_says_where():
    with pytest.raises(ValidationError, match="linje 2, kolonne 3"):
        check_template_json('{"format": 1,\n  oops}')
    with pytest.raises(ValidationError, match="»\\(rod\\)«: har forkert type"):
        check_template_json("[1, 2]")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 40) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


@settings(max_examples=150, deadline=None)
@given(st.data(), st.sampled_from(BUILTIN), _JSON, st.booleans())
def test_any_damaged_template_gives_a_message_or_a_template(data, key, value, delete):
    """A field replaced by any JSON value, or taken away, anywhere in any shipped template:
    a template, or a ValidationError naming a field; never another exception."""
    template = copy.deepcopy(builtin_template(key).raw)
    path = data.draw(st.sampled_from(_paths(template)[1:]))
    node: Any = template
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    try:
        result = check_template(json.loads(json.dumps(template)))
    except ValidationError as exc:
        assert "»" in exc.message
    else:
        assert result.key == template["key"]
