"""The measures for a group of citizens: women, men, by origin, by age band.

The initiatives require that non-western immigrants, women especially, get the same steps and
paid hours as everyone else (domain.md), so the project leader needs every measure for a group
as well as for the whole target group. A group's numerator and denominator are the citizens of
the whole measure's numerator and denominator who belong to the group — both restricted to it.
That equals counting the measure over the group's citizens alone, because every share measure
counts each citizen on their own facts (tests/domain/test_breakdown.py checks this against the
engine run on the group's facts only). The caseload measure is citizens per full-time
caseworker: a group of citizens has no caseworkers of its own, so it is never restricted.

Age is the age on the last day of the measurement period (a month, a rolling quarter), so a
citizen moves from one age band to the next in the period of their birthday.

Pure Python, like the engine: no Qt, no SQL (storage hands over :class:`Person` rows).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The engine's exact threshold test and bit counting, so a group is judged as the whole is.
from fsm_desktop.domain.measures import (
    MeasureResult,
    Member,
    Report,
    ThresholdResult,
    _column_counts,
    _meets,
)
from fsm_desktop.domain.model import age_on, reaches


@dataclass(frozen=True, slots=True)
class Person:
    """What a breakdown needs of a citizen. Values as stored: gender "K"/"M", origin
    "dansk"/"vestlig"/"ikke_vestlig"; None when not recorded."""

    citizen_id: str
    gender: str | None = None
    origin: str | None = None
    birth_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CitizenGroup:
    """A group of citizens by gender, origin and age (each None: any). ``missing`` names an
    attribute ("gender", "origin") whose value is not recorded: the group of the unknown."""

    key: str
    label: str  # Danish, for the user
    gender: str | None = None
    origin: str | None = None
    min_age: int | None = None  # inclusive
    max_age: int | None = None  # inclusive
    missing: str = ""

    @property
    def is_all(self) -> bool:
        return not (self.gender or self.origin or self.missing) and not self.by_age

    @property
    def by_age(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def _attributes(self, gender: str | None, origin: str | None) -> bool:
        if self.missing:
            return (gender if self.missing == "gender" else origin) is None
        return (self.gender is None or gender == self.gender) and (
            self.origin is None or origin == self.origin
        )

    def matches(self, gender: str | None, origin: str | None, age: int | None) -> bool:
        """Whether a citizen of this gender, origin and age belongs to the group."""
        if not self._attributes(gender, origin):
            return False
        if self.by_age:
            if age is None:
                return False
            if self.min_age is not None and age < self.min_age:
                return False
            if self.max_age is not None and age > self.max_age:
                return False
        return True

    def includes(self, person: Person | None, on: dt.date) -> bool:
        """Whether the citizen belongs to the group on the day ``on`` (age is counted then).
        A citizen the breakdown knows nothing about belongs only to "Alle"."""
        if self.is_all:
            return True
        if person is None:
            return False
        age = age_on(person.birth_date, on) if person.birth_date is not None else None
        return self.matches(person.gender, person.origin, age)

    def period_mask(self, person: Person | None, ends: Sequence[dt.date]) -> int:
        """Bit k set when the citizen belongs to the group on ``ends[k]`` (ascending)."""
        everything = (1 << len(ends)) - 1
        if self.is_all:
            return everything
        if person is None or not self._attributes(person.gender, person.origin):
            return 0
        if not self.by_age:
            return everything
        if person.birth_date is None:
            return 0
        # The band's ages last from one birthday to another: a run of consecutive periods.
        born = person.birth_date
        first = 0 if self.min_age is None else bisect.bisect_left(ends, reaches(born, self.min_age))
        stop = (
            len(ends)
            if self.max_age is None
            else bisect.bisect_left(ends, reaches(born, self.max_age + 1))
        )
        return ((1 << stop) - 1) & ~((1 << first) - 1) if stop > first else 0


ALL = CitizenGroup("alle", "Alle")
WOMEN = CitizenGroup("kvinder", "Kvinder", gender="K")
MEN = CitizenGroup("maend", "Mænd", gender="M")
DANISH = CitizenGroup("dansk", "Dansk", origin="dansk")
WESTERN = CitizenGroup("vestlig", "Vestlig", origin="vestlig")
NON_WESTERN = CitizenGroup("ikke_vestlig", "Ikke-vestlig", origin="ikke_vestlig")
NON_WESTERN_WOMEN = CitizenGroup(
    "ikke_vestlige_kvinder", "Ikke-vestlige kvinder", gender="K", origin="ikke_vestlig"
)
AGE_BANDS = (
    CitizenGroup("under_30", "Under 30 år", max_age=29),
    CitizenGroup("30_39", "30–39 år", min_age=30, max_age=39),
    CitizenGroup("40_49", "40–49 år", min_age=40, max_age=49),
    CitizenGroup("50_plus", "50 år og derover", min_age=50),
)
#: The groups the Mål page offers ("Vis for"), in that order.
GROUPS: tuple[CitizenGroup, ...] = (
    ALL,
    WOMEN,
    MEN,
    DANISH,
    WESTERN,
    NON_WESTERN,
    NON_WESTERN_WOMEN,
    *AGE_BANDS,
)
#: Citizens without a recorded gender or origin: shown in a breakdown when there are any, so
#: that the groups of each kind add up to the whole.
GENDER_UNKNOWN = CitizenGroup("koen_uoplyst", "Køn ikke oplyst", missing="gender")
ORIGIN_UNKNOWN = CitizenGroup("herkomst_uoplyst", "Herkomst ikke oplyst", missing="origin")


def group(key: str) -> CitizenGroup:
    for g in (*GROUPS, GENDER_UNKNOWN, ORIGIN_UNKNOWN):
        if g.key == key:
            return g
    raise KeyError(key)


def restricts(result: MeasureResult) -> bool:
    """Whether a group filter applies to the measure (not to caseload: see the module)."""
    return result.spec.kind != "caseload"


@dataclass(slots=True)
class GroupResult(MeasureResult):
    """A measure's result for one group: the numbers restricted to the group's citizens; the
    drill-down lists only them."""

    group: CitizenGroup = ALL
    people: Mapping[str, Person] = field(default_factory=dict, repr=False, compare=False)

    def members(self) -> tuple[list[Member], list[Member]]:
        numerator, denominator = MeasureResult.members(self)
        on, group, people = self.period_end.last, self.group, self.people
        return (
            [m for m in numerator if group.includes(people.get(m.citizen_id), on)],
            [m for m in denominator if group.includes(people.get(m.citizen_id), on)],
        )


def _group_result(
    result: MeasureResult, group: CitizenGroup, people: Mapping[str, Person], num: int, den: int
) -> GroupResult:
    spec = result.spec
    return GroupResult(
        spec=spec,
        period_start=result.period_start,
        period_end=result.period_end,
        numerator=num,
        denominator=den,
        thresholds=tuple(
            ThresholdResult(t, None if result.no_data else _meets(spec, num, den, t.value))
            for t in spec.thresholds
        ),
        no_data=result.no_data,  # no data for the whole target group: none for a group of it
        _run=result._run,
        _position=result._position,
        group=group,
        people=people,
    )


def restrict_measure(
    results: Sequence[MeasureResult], group: CitizenGroup, people: Mapping[str, Person]
) -> list[MeasureResult]:
    """All the results of one measure (in period order) for the group's citizens: numerator
    and denominator both restricted. The results themselves for "Alle" and for caseload."""
    if not results or group.is_all or not restricts(results[0]):
        return list(results)
    rows, nums, dens, _k = results[0].bits()
    width = max(r.bits()[3] for r in results) + 1
    ends = [dt.date.max] * width
    for r in results:
        ends[r.bits()[3]] = r.period_end.last
    in_num, in_den = [], []
    mask_of = group.period_mask
    get = people.get
    for row, num, den in zip(rows, nums, dens):
        if den:
            inside = mask_of(get(row[0]), ends)  # bits < width
            if inside & den:
                in_den.append(den & inside)
                if num & inside:
                    in_num.append(num & inside)
    numerators, denominators = _column_counts(in_num, width), _column_counts(in_den, width)
    out: list[MeasureResult] = []
    for r in results:
        k = r.bits()[3]
        out.append(_group_result(r, group, people, numerators[k], denominators[k]))
    return out


def restrict(
    result: MeasureResult, group: CitizenGroup, people: Mapping[str, Person]
) -> MeasureResult:
    """One result for the group's citizens (see :func:`restrict_measure`)."""
    return restrict_measure([result], group, people)[0]


def restrict_report(report: Report, group: CitizenGroup, people: Mapping[str, Person]) -> Report:
    """Every result of the report for the group. The payout forecast stays the whole target
    group's: the grant is paid on the whole group's numbers, never on a subset."""
    by_measure: dict[str, list[MeasureResult]] = {}
    for r in report.results:
        by_measure.setdefault(r.spec.id, []).append(r)
    restricted = {key: iter(restrict_measure(rs, group, people)) for key, rs in by_measure.items()}
    return Report(
        report.first,
        report.last,
        [next(restricted[r.spec.id]) for r in report.results],
        report.payouts,
        report.first_registrations,
    )


#: A kind of citizen as a breakdown counts them: (gender, origin, age on the period's last day).
_Kind = tuple[str | None, str | None, int | None]


@dataclass(frozen=True, slots=True)
class GroupCount:
    group: CitizenGroup
    numerator: int
    denominator: int
    #: per threshold of the measure, whether the group's share reaches it
    met: tuple[bool, ...] = ()

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def breakdown(
    result: MeasureResult, people: Mapping[str, Person], groups: Sequence[CitizenGroup] = GROUPS
) -> list[GroupCount]:
    """The result of one period for each group, side by side; "Køn ikke oplyst" and
    "Herkomst ikke oplyst" are added when some citizen of the denominator lacks them. Empty for
    caseload (see the module) and for a period without data (:attr:`MeasureResult.no_data`)."""
    if not restricts(result) or result.no_data:
        return []
    rows, nums, dens, k = result.bits()
    on = result.period_end.last
    # Citizens counted by (gender, origin, age): a few hundred kinds, whatever the project size.
    in_den: Counter[_Kind | None] = Counter()
    in_num: Counter[_Kind | None] = Counter()
    get = people.get
    for row, num, den in zip(rows, nums, dens):
        if den >> k & 1:
            person = get(row[0])
            if person is None:
                kind = None
            else:
                born = person.birth_date
                kind = (person.gender, person.origin, None if born is None else age_on(born, on))
            in_den[kind] += 1
            if num >> k & 1:
                in_num[kind] += 1
    extra = [
        unknown
        for unknown in (GENDER_UNKNOWN, ORIGIN_UNKNOWN)
        if unknown not in groups
        and any(kind is not None and unknown.matches(*kind) for kind in in_den)
    ]
    spec = result.spec
    out = []
    for g in (*groups, *extra):

        def inside(kind: _Kind | None, g: CitizenGroup = g) -> bool:
            return g.is_all or (kind is not None and g.matches(*kind))

        num = sum(n for kind, n in in_num.items() if inside(kind))
        den = sum(n for kind, n in in_den.items() if inside(kind))
        out.append(
            GroupCount(g, num, den, tuple(_meets(spec, num, den, t.value) for t in spec.thresholds))
        )
    return out


def people_from_rows(rows: Iterable[tuple[Any, ...]]) -> dict[str, Person]:
    """(id, gender, origin, birth date as ISO text or None) rows → citizen id → Person."""
    dates: dict[str, dt.date] = {}
    people = {}
    for cid, gender, origin, birth in rows:
        day = None
        if birth:
            day = dates.get(birth)
            if day is None:
                day = dates[birth] = dt.date.fromisoformat(birth)
        people[cid] = Person(cid, gender or None, origin or None, day)
    return people
