"""Initiative templates as data (resources/programs/*.json): parsing and validation.

A template is the general mechanism of domain.md ("A changing field"): a target group, groups
and markings, typed periods, and measures counted per month, rolling quarter or the whole period
against thresholds. A user's copy with other dates and thresholds is the same JSON, stored in the
project database, so a new initiative needs no new release. The measures themselves are
computed elsewhere (the measures engine); here a template is only read and checked, with a
Danish message naming the field that is wrong."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.model import (
    PAID_HOURS,
    PERIOD_LABELS,
    CustomKind,
    ExitReason,
    Goal,
    Kind,
    PeriodCategory,
    PeriodKind,
    unknown_kind,
)

FORMAT = 1
BUILTIN = ("fsm2", "frontrunner", "bir", "hir")

UNITS = ("month", "rolling_quarter", "period")
KINDS = ("share", "passive_share", "caseload")
AGGREGATES = ("any", "last")
DIRECTIONS = ("at_least", "at_most")
POPULATION_RULES = ("target_group", "bir_rolling_quarter", "seniority_one_year", "caseload")
ENTRY_RULES = ("benefit_in_period", "benefit_since_baseline")
#: Sources a measure may count besides period kinds: paid hours, and "had a job broker".
EXTRA_SOURCES = (PAID_HOURS, "jobformidler")


@dataclass(frozen=True, slots=True)
class Threshold:
    value: float  # a share 0–1, or a count for caseload
    payout_share: float | None  # share of the grant it releases; None = no payout tied to it
    label: str


@dataclass(frozen=True, slots=True)
class Population:
    rule: str
    groups: tuple[int, ...]
    exclude_markings: tuple[Kind, ...]


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    id: str
    name: str
    kind: str
    unit: str
    aggregate: str
    population: Population
    qualifying: tuple[str, ...]
    never_qualifying: tuple[Kind, ...]
    direction: str
    thresholds: tuple[Threshold, ...]
    window: tuple[dt.date, dt.date] | None = None
    #: The periods that release a payout, when not all do (BIR: "i et kvartal i 2021").
    payout_window: tuple[dt.date, dt.date] | None = None
    #: A "period" measure whose numerator counts qualifying sources from an earlier day than its
    #: window: Frontrunner's job broker "i løbet af projektperioden" (from 1 December 2018), for
    #: the target group of the citizen-directed year 2019 (seed 000).
    qualifying_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class GroupSpec:
    id: int
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class TargetGroupSpec:
    description: str
    benefits: tuple[Kind, ...]
    min_age: int | None
    entry: str
    leaving_reasons: tuple[ExitReason, ...]


@dataclass(frozen=True, slots=True)
class ProgramTemplate:
    key: str
    name: str
    source: str
    start: dt.date
    end: dt.date
    baseline_date: dt.date
    target_group: TargetGroupSpec
    groups: tuple[GroupSpec, ...]
    measures: tuple[MeasureSpec, ...]
    goals: tuple[Goal, ...]
    raw: dict[str, Any]
    #: Kinds of period the template adds to the program's (a 2026 benefit, a new offer).
    period_kinds: tuple[CustomKind, ...] = ()

    def kind(self, key: str) -> Kind:
        """The kind a stored key names: the program's, the template's own, or (a key its rows
        hold that the template no longer names) :func:`unknown_kind`."""
        try:
            return PeriodKind(key)
        except ValueError:
            pass
        for kind in self.period_kinds:
            if kind == key:
                return kind
        return unknown_kind(key)

    def kinds(self) -> list[Kind]:
        """Every kind a period can have in this initiative: the program's, then its own."""
        return [*PeriodKind, *self.period_kinds]

    @property
    def counts_caseload(self) -> bool:
        """HIR: a caseworker caseload is a measure. Then a caseworker's registration lasts only
        while the citizen is in ressourceforløb, and other cases count towards its limit."""
        return any(spec.kind == "caseload" for spec in self.measures)

    def measure(self, measure_id: str) -> MeasureSpec:
        for spec in self.measures:
            if spec.id == measure_id:
                return spec
        raise KeyError(measure_id)

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=2)


def _err(where: str, problem: str) -> ValidationError:
    return ValidationError(
        "Skabelonen er ugyldig ved »{where}«: {problem}", where=where, problem=problem
    )


def _get(
    obj: Any, key: str, where: str, kind: type | tuple[type, ...], optional: bool = False
) -> Any:
    if not isinstance(obj, dict):
        raise _err(where, "forventede et objekt")
    if key not in obj or obj[key] is None:
        if optional:
            return None
        raise _err(f"{where}.{key}", "mangler")
    value = obj[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _err(f"{where}.{key}", "har forkert type")
    return value


def _date(obj: Any, key: str, where: str) -> dt.date:
    text = _get(obj, key, where, str)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _err(f"{where}.{key}", f"»{text}« er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _choice(value: str, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise _err(where, "»{}« er ikke en af {}".format(value, ", ".join(allowed)))
    return value


def _period_kind(value: Any, where: str, custom: dict[str, CustomKind]) -> Kind:
    """A kind the program knows, or one the template adds in ``period_kinds``."""
    if isinstance(value, str) and value in custom:
        return custom[value]
    try:
        return PeriodKind(value)
    except ValueError:
        raise _err(where, f"ukendt forløbstype »{value}«") from None


#: A kind's key: what is stored for each period (lower case letters, digits and _).
_KIND_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _custom_kinds(items: list[Any]) -> list[CustomKind]:
    """The kinds of period the template adds: a key none of the program's kinds has, a Danish
    label no other kind has (an extract names a kind by its label), and a category."""
    categories = {c.value: c for c in PeriodCategory}
    labels = {label.casefold() for label in PERIOD_LABELS.values()}
    kinds: list[CustomKind] = []
    for i, item in enumerate(items):
        where = f"period_kinds[{i}]"
        key = _get(item, "key", where, str)
        if not _KIND_KEY.match(key):
            raise _err(f"{where}.key", "må kun indeholde små bogstaver (a–z), tal og _ (2–40 tegn)")
        if key in {k.value for k in PeriodKind} or key in {k.value for k in kinds}:
            raise _err(f"{where}.key", f"forløbstypen »{key}« findes allerede")
        label = _get(item, "label", where, str).strip()
        if not label:
            raise _err(f"{where}.label", "mangler")
        if label.casefold() in labels:
            raise _err(f"{where}.label", f"en anden forløbstype hedder allerede »{label}«")
        labels.add(label.casefold())
        category = _get(item, "category", where, str)
        if category not in categories:
            raise _err(
                f"{where}.category",
                "»{}« er ikke en af {}".format(category, ", ".join(categories)),
            )
        kinds.append(CustomKind(key, label, categories[category]))
    return kinds


def _month_key(value: str, where: str) -> str:
    try:
        dt.date.fromisoformat(value + "-01")
    except (TypeError, ValueError):
        raise _err(where, f"»{value}« er ikke en måned (ÅÅÅÅ-MM)") from None
    return value


def _window(obj: dict[str, Any], key: str, where: str) -> tuple[dt.date, dt.date] | None:
    """An optional {start, end} of ISO dates."""
    if obj.get(key) is None:
        return None
    w = _get(obj, key, where, dict)
    window = (_date(w, "start", f"{where}.{key}"), _date(w, "end", f"{where}.{key}"))
    if window[1] < window[0]:
        raise _err(f"{where}.{key}", "slutdatoen ligger før startdatoen")
    return window


def parse_template(data: Any) -> ProgramTemplate:
    """Check a template (parsed JSON) and return it; raises ValidationError naming the field.
    The parts are checked in the order of the template, so the first error found is named."""
    if not isinstance(data, dict):
        raise _err("(rod)", "forventede et objekt")
    key = _template_key(data)
    name = _get(data, "name", "(rod)", str)
    start, end = _template_period(data)
    baseline = _date(data, "baseline_date", "(rod)")
    custom = _custom_kinds(_get(data, "period_kinds", "(rod)", list, optional=True) or [])
    kinds = {kind.value: kind for kind in custom}
    target_group = _target_group(_get(data, "target_group", "(rod)", dict), kinds)
    groups = _groups(_get(data, "groups", "(rod)", list))
    measures = _measures(_get(data, "measures", "(rod)", list), {g.id for g in groups}, kinds)
    goals = [_goal(g, f"goals[{i}]") for i, g in enumerate(_get(data, "goals", "(rod)", list))]
    return ProgramTemplate(
        key=key,
        name=name,
        source=_get(data, "source", "(rod)", str, optional=True) or "",
        start=start,
        end=end,
        baseline_date=baseline,
        target_group=target_group,
        groups=tuple(groups),
        measures=tuple(measures),
        goals=tuple(goals),
        raw=data,
        period_kinds=tuple(custom),
    )


def _template_key(data: dict[str, Any]) -> str:
    """The template's format (one this program reads) and its key."""
    fmt = _get(data, "format", "(rod)", int)
    if fmt > FORMAT:
        raise _err("format", f"skabelonformat {fmt} er nyere end programmet kan læse ({FORMAT})")
    key: str = _get(data, "key", "(rod)", str)
    if not key or not key.replace("_", "").replace("-", "").isalnum():
        raise _err("key", "må kun indeholde bogstaver, tal, - og _")
    return key


def _template_period(data: dict[str, Any]) -> tuple[dt.date, dt.date]:
    period = _get(data, "period", "(rod)", dict)
    start = _date(period, "start", "period")
    end = _date(period, "end", "period")
    if end < start:
        raise _err("period", "slutdatoen ligger før startdatoen")
    return start, end


def _target_group(tg: dict[str, Any], kinds: dict[str, CustomKind]) -> TargetGroupSpec:
    benefits = tuple(
        _period_kind(b, f"target_group.benefits[{i}]", kinds)
        for i, b in enumerate(_get(tg, "benefits", "target_group", list))
    )
    min_age = _get(tg, "min_age", "target_group", int, optional=True)
    leaving = []
    for i, reason in enumerate(_get(tg, "leaving_reasons", "target_group", list)):
        try:
            leaving.append(ExitReason(reason))
        except ValueError:
            raise _err(
                f"target_group.leaving_reasons[{i}]", f"ukendt afgangsårsag »{reason}«"
            ) from None
    return TargetGroupSpec(
        description=_get(tg, "description", "target_group", str),
        benefits=benefits,
        min_age=min_age,
        entry=_choice(_get(tg, "entry", "target_group", str), ENTRY_RULES, "target_group.entry"),
        leaving_reasons=tuple(leaving),
    )


def _groups(items: list[Any]) -> list[GroupSpec]:
    groups = []
    for i, g in enumerate(items):
        where = f"groups[{i}]"
        groups.append(
            GroupSpec(
                id=_get(g, "id", where, int),
                name=_get(g, "name", where, str),
                description=_get(g, "description", where, str, optional=True) or "",
            )
        )
    if len({g.id for g in groups}) != len(groups):
        raise _err("groups", "to grupper har samme id")
    return groups


def _measures(
    items: list[Any], group_ids: set[int], kinds: dict[str, CustomKind]
) -> list[MeasureSpec]:
    measures = [_measure(m, f"measures[{i}]", group_ids, kinds) for i, m in enumerate(items)]
    ids = [m.id for m in measures]
    if len(set(ids)) != len(ids):
        raise _err("measures", "to mål har samme id")
    return measures


def _measure(m: Any, where: str, group_ids: set[int], kinds: dict[str, CustomKind]) -> MeasureSpec:
    """One measure. Its parts are checked in this order (the first error found is named)."""
    pop = _get(m, "population", where, dict)
    pop_groups = _population_groups(pop, where, group_ids)
    qualifying = _qualifying(m, where, kinds)
    thresholds = _thresholds(m, where)
    kind = _choice(_get(m, "kind", where, str), KINDS, f"{where}.kind")
    if kind == "share" and any(t.value > 1 for t in thresholds):
        raise _err(f"{where}.thresholds", "en andel skal ligge mellem 0 og 1")
    window = _window(m, "window", where)
    payout_window = _window(m, "payout_window", where)
    qualifying_from = _qualifying_from(m, where, window)
    return MeasureSpec(
        id=_get(m, "id", where, str),
        name=_get(m, "name", where, str),
        kind=kind,
        unit=_choice(_get(m, "unit", where, str), UNITS, f"{where}.unit"),
        aggregate=_choice(_get(m, "aggregate", where, str), AGGREGATES, f"{where}.aggregate"),
        population=_population(pop, where, pop_groups, kinds),
        qualifying=tuple(qualifying),
        never_qualifying=tuple(
            _period_kind(k, f"{where}.never_qualifying[{j}]", kinds)
            for j, k in enumerate(_get(m, "never_qualifying", where, list))
        ),
        direction=_choice(_get(m, "direction", where, str), DIRECTIONS, f"{where}.direction"),
        thresholds=tuple(sorted(thresholds, key=lambda t: t.value)),
        window=window,
        payout_window=payout_window,
        qualifying_from=qualifying_from,
    )


def _population_groups(pop: dict[str, Any], where: str, group_ids: set[int]) -> tuple[int, ...]:
    pop_groups = tuple(_get(pop, "groups", f"{where}.population", list))
    for g in pop_groups:
        if g not in group_ids:
            raise _err(f"{where}.population.groups", f"gruppe {g} findes ikke i skabelonen")
    return pop_groups


def _population(
    pop: dict[str, Any], where: str, groups: tuple[int, ...], kinds: dict[str, CustomKind]
) -> Population:
    return Population(
        rule=_choice(
            _get(pop, "rule", f"{where}.population", str),
            POPULATION_RULES,
            f"{where}.population.rule",
        ),
        groups=groups,
        exclude_markings=tuple(
            _period_kind(k, f"{where}.population.exclude_markings[{j}]", kinds)
            for j, k in enumerate(_get(pop, "exclude_markings", f"{where}.population", list))
        ),
    )


def _qualifying(m: dict[str, Any], where: str, kinds: dict[str, CustomKind]) -> list[str]:
    """The sources that count: period kinds, paid hours or a job broker."""
    qualifying = []
    for j, q in enumerate(_get(m, "qualifying", where, list)):
        if q not in EXTRA_SOURCES:
            _period_kind(q, f"{where}.qualifying[{j}]", kinds)
        qualifying.append(q)
    return qualifying


def _thresholds(m: dict[str, Any], where: str) -> list[Threshold]:
    thresholds = []
    for j, t in enumerate(_get(m, "thresholds", where, list)):
        twhere = f"{where}.thresholds[{j}]"
        value = _get(t, "value", twhere, float)
        payout = _get(t, "payout_share", twhere, float, optional=True)
        if value < 0 or (payout is not None and not 0 <= payout <= 1):
            raise _err(twhere, "tærskel og udbetalingsandel skal være positive (andel 0–1)")
        thresholds.append(Threshold(value, payout, _get(t, "label", twhere, str)))
    return thresholds


def _qualifying_from(
    m: dict[str, Any], where: str, window: tuple[dt.date, dt.date] | None
) -> dt.date | None:
    if m.get("qualifying_from") is None:
        return None
    qualifying_from = _date(m, "qualifying_from", where)
    if m.get("unit") != "period":
        raise _err(f"{where}.qualifying_from", "bruges kun med enheden »period«")
    if window is not None and qualifying_from > window[0]:
        raise _err(f"{where}.qualifying_from", "skal ligge på eller før vinduets start")
    return qualifying_from


def _goal(g: Any, where: str) -> Goal:
    targets = _get(g, "targets", where, dict)
    clean: dict[str, float] = {}
    for month, value in targets.items():
        _month_key(month, f"{where}.targets")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _err(f"{where}.targets.{month}", "skal være et tal")
        clean[month] = float(value)
    return Goal(
        measure=_get(g, "measure", where, str),
        label=_get(g, "label", where, str),
        targets=clean,
        unit=_choice(_get(g, "unit", where, str), ("share", "count"), f"{where}.unit"),
    )


def template_json(text: str) -> Any:
    """A template's text as data; a ValidationError with the line and column where it is not
    JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            "Skabelonen er ikke gyldig JSON (linje {line}, kolonne {col}).",
            line=exc.lineno,
            col=exc.colno,
        ) from None


def parse_template_json(text: str) -> ProgramTemplate:
    return parse_template(template_json(text))


def builtin_template(key: str) -> ProgramTemplate:
    """One of the shipped templates: fsm2, frontrunner, bir, hir."""
    if key not in BUILTIN:
        raise ValidationError(
            "Ukendt indsats »{key}«. Vælg en af: {choices}.", key=key, choices=", ".join(BUILTIN)
        )
    text = (
        resources.files("fsm_desktop.resources")
        .joinpath("programs", f"{key}.json")
        .read_text("utf-8")
    )
    return parse_template_json(text)


def builtin_templates() -> list[ProgramTemplate]:
    return [builtin_template(key) for key in BUILTIN]
