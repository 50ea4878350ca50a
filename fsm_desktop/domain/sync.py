"""Laptop copies coming home: the three-way rules of a merge, without any file or database.

A change is one row of one table as the laptop copy had it when it was taken along (``base``)
and as it has it now (``new``); the team copy's row of the same key is ``team``. The rules
(issue 20, docs/sync.md):

- a row only the laptop added is added; the same row added on both sides with the same values
  is nothing to do;
- a row both sides changed conflicts only in the fields both changed to different values;
  every other field takes the side that changed it, except in a group of fields that must
  agree (:data:`TOGETHER`: a period's start and end), which is one conflict when both sides
  changed it differently (its field is the group's names joined by "+", its values lists);
- columns that only stamp a change (a citizen's ``updated_at``, a placement's ``since``)
  follow the fields they stamp and never conflict on their own;
- a row deleted on one side and changed on the other is a conflict;
- applying a change whose result is already in the team copy changes nothing (so a file
  applied twice, or the same edit made on two laptops, is no conflict) but the stamp, which
  becomes the later of the two sides' (so the order in which laptops are merged does not
  matter); a change of nothing but a stamp changes nothing, not even in a row the team
  deleted.

Values compare as SQLite stores them (text, integers, reals, NULL)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from fsm_desktop.domain.danish import date_dots
from fsm_desktop.domain.model import BOARD_LABELS, PERIOD_LABELS, BoardColumn, PeriodKind

Op = Literal["insert", "update", "delete"]
Side = Literal["team", "laptop"]
ConflictKind = Literal["field", "deleted_on_team", "deleted_on_laptop"]

#: Columns that only say when the row's other fields changed.
STAMPS: dict[str, tuple[str, ...]] = {"citizen": ("updated_at",), "placement": ("since",)}
#: Columns whose values must agree with each other (a period's end not before its start, an
#: exit date with its reason): when both sides changed the group differently, they are one
#: decision, never taken field by field into a row neither side wrote.
TOGETHER: dict[str, tuple[tuple[str, ...], ...]] = {
    "citizen": (("entry_date", "exit_date", "exit_reason"),),
    "period": (("start", "end"),),
    "assignment": (("start", "end"),),
    "stepup_marking": (("start", "end"),),
}


@dataclass(frozen=True)
class Change:
    """One row the laptop added (``base`` None), changed, or deleted (``new`` None)."""

    table: str
    key: tuple[object, ...]
    base: Mapping[str, object] | None
    new: Mapping[str, object] | None

    @property
    def op(self) -> Op:
        if self.base is None:
            return "insert"
        if self.new is None:
            return "delete"
        return "update"

    @property
    def row(self) -> Mapping[str, object]:
        """The row's values as the laptop last saw them (the base of a deleted row)."""
        return self.new if self.new is not None else self.base  # type: ignore[return-value]


@dataclass(frozen=True)
class Conflict:
    """One decision for the project leader: a field both sides changed differently, or a row
    one side deleted while the other changed it. ``team`` is None for a row the team copy no
    longer has; ``laptop`` is None for a row the laptop deleted."""

    table: str
    key: tuple[object, ...]
    kind: ConflictKind
    field: str = ""
    base: object = None
    team: object = None
    laptop: object = None
    citizen_id: str | None = None
    team_at: str | None = None
    laptop_at: str | None = None

    @property
    def id(self) -> str:
        """Stable across previews of the same file, for the decisions."""
        return f"{self.table}:{json.dumps(list(self.key), ensure_ascii=False)}:{self.field}"


@dataclass
class RowMerge:
    """What one change does to the team copy once the conflicts are decided."""

    change: Change
    team: Mapping[str, object] | None
    #: Fields the laptop's value goes into without a question.
    take: dict[str, object] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    #: The team copy has it already (added twice, the same edit on both sides, already merged).
    already: bool = False
    #: Conflicts decided elsewhere that this row follows: it is written only when each of them
    #: is decided for the laptop (a row under a parent the team deleted, which comes back only
    #: with the laptop's decision; a meeting's participants when both sides replaced them).
    requires: list[str] = field(default_factory=list)

    def result(
        self, decisions: Mapping[str, Side]
    ) -> tuple[Literal["insert", "update", "delete", "none"], dict[str, object]]:
        """The write, given a side for each conflict (a conflict without one keeps the team's).
        Returns the operation and the row's values (all columns for an insert, the changed ones
        for an update)."""
        change, team = self.change, self.team
        if any(decisions.get(required) != "laptop" for required in self.requires):
            return "none", {}
        if self.already and (change.op == "delete" or team is None):
            return "none", {}
        for conflict in self.conflicts:
            if conflict.kind == "deleted_on_team":
                if decisions.get(conflict.id) == "laptop":
                    return "insert", dict(change.new or {})
                return "none", {}
            if conflict.kind == "deleted_on_laptop":
                if decisions.get(conflict.id) == "laptop":
                    return "delete", {}
                return "none", {}
        if change.op == "delete":
            return ("delete", {}) if team is not None else ("none", {})
        if team is None:
            return "insert", dict(change.new or {})
        values = {} if self.already else dict(self.take)
        for conflict in self.conflicts:
            if decisions.get(conflict.id) == "laptop":
                laptop = conflict.laptop
                if "+" in conflict.field and isinstance(laptop, (list, tuple)):
                    # A group of fields (its values a list): all from the laptop.
                    values.update(zip(conflict.field.split("+"), laptop))
                else:
                    values[conflict.field] = conflict.laptop
        values = {name: value for name, value in values.items() if not _same(team.get(name), value)}
        stamps = STAMPS.get(change.table, ())
        if not values and stamps and change.new is not None and self._laptop_change_in(team):
            # Nothing to write but the laptop's change is in the row all the same (the same
            # edit on both sides): both sides' changes stay, so the stamp is the later of the
            # two, whichever copy was merged first.
            for stamp in stamps:
                later = max(str(change.new.get(stamp) or ""), str(team.get(stamp) or "")) or None
                if not _same(team.get(stamp), later):
                    values[stamp] = later
            return ("update", values) if values else ("none", {})
        if values and stamps and change.new is not None:
            # The stamp follows the fields: the laptop's when only its values changed the row,
            # the later of the two when both sides' changes stay in it.
            team_kept = any(
                name not in values
                and name not in stamps
                and change.base is not None
                and name in change.base
                and not _same(team.get(name), change.base.get(name))
                for name in team
            )
            for stamp in stamps:
                laptop_stamp = change.new.get(stamp)
                if team_kept:
                    laptop_stamp = max(str(laptop_stamp or ""), str(team.get(stamp) or "")) or None
                if not _same(team.get(stamp), laptop_stamp):
                    values[stamp] = laptop_stamp
        return ("update", values) if values else ("none", {})

    def _laptop_change_in(self, team: Mapping[str, object]) -> bool:
        """Whether a value the laptop changed (a stamp is no change) is the team row's value."""
        change = self.change
        if change.new is None:
            return False
        if change.base is None:
            return self.already  # added on both sides alike
        stamps = STAMPS.get(change.table, ())
        return any(
            name not in stamps
            and not _same(value, change.base.get(name))
            and _same(team.get(name), value)
            for name, value in change.new.items()
        )


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


def same_row(
    a: Mapping[str, object] | None, b: Mapping[str, object] | None, ignore: Iterable[str] = ()
) -> bool:
    if a is None or b is None:
        return a is b
    skip = set(ignore)
    names = (set(a) | set(b)) - skip
    return all(_same(a.get(name), b.get(name)) for name in names)


def merge_row(
    change: Change,
    team: Mapping[str, object] | None,
    citizen_id: str | None = None,
) -> RowMerge:
    """The three-way comparison of one row (the module's rules)."""
    stamps = STAMPS.get(change.table, ())
    merge = RowMerge(change, team)

    def conflict(
        kind: ConflictKind,
        name: str = "",
        base: object = None,
        team_value: object = None,
        laptop_value: object = None,
    ) -> None:
        merge.conflicts.append(
            Conflict(
                change.table,
                change.key,
                kind,
                name,
                base,
                team_value,
                laptop_value,
                citizen_id,
                team_at=_stamp(team, stamps),
                laptop_at=_stamp(change.new, stamps),
            )
        )

    if change.op == "delete":
        if team is None:
            merge.already = True
        elif not same_row(team, change.base, ignore=stamps):
            conflict("deleted_on_laptop")
        return merge
    assert change.new is not None
    if team is None:
        if change.op == "update" and same_row(change.base, change.new, ignore=stamps):
            merge.already = True  # only a stamp changed: the team's deletion stands
        elif change.op == "update":
            conflict("deleted_on_team")
        return merge
    if same_row(team, change.new, ignore=stamps):
        merge.already = True
        return merge
    base = change.base or {}
    for name, laptop_value in change.new.items():
        if name in stamps:
            continue
        team_value = team.get(name)
        if _same(team_value, laptop_value):
            continue
        if name in base and _same(laptop_value, base[name]):
            continue  # only the team changed it
        if name in base and _same(team_value, base[name]):
            merge.take[name] = laptop_value  # only the laptop changed it
            continue
        conflict("field", name, base.get(name), team_value, laptop_value)
    for group in TOGETHER.get(change.table, ()):
        names = [name for name in group if name in change.new]
        laptop_own = [
            name for name in names if name not in base or not _same(change.new[name], base[name])
        ]
        team_own = [
            name for name in names if name not in base or not _same(team.get(name), base[name])
        ]
        # Both sides' changes in the group, and neither side's already the other's.
        if any(not _same(team.get(name), change.new[name]) for name in laptop_own) and any(
            not _same(team.get(name), change.new[name]) for name in team_own
        ):
            for name in names:
                merge.take.pop(name, None)
            merge.conflicts = [c for c in merge.conflicts if c.field not in names]
            conflict(
                "field",
                "+".join(names),
                [base.get(name) for name in names],
                [team.get(name) for name in names],
                [change.new[name] for name in names],
            )
    if not merge.take and not merge.conflicts:
        merge.already = True
    return merge


def _stamp(row: Mapping[str, object] | None, stamps: tuple[str, ...]) -> str | None:
    if row is None or not stamps:
        return None
    value = row.get(stamps[0])
    return str(value) if value is not None else None


# --- words for the project leader ---------------------------------------------------------------

#: Each table's changes under one heading of the preview; rows of the same thing (a meeting's
#: participants) count with it.
HEADINGS: dict[str, str] = {
    "board_move": "Flytninger på tavlen",
    "contact": "Kontakter",
    "stepup_meeting": "Step-up-møder",
    "stepup_participant": "Step-up-møder",
    "stepup_plan_line": "Step-up-møder",
    "stepup_marking": "Step-up-markeringer",
    "status_entry": "CV og jobmål",
    "network_person": "Netværk",
    "citizen": "Ændrede oplysninger",
    "period": "Forløb",
    "paid_hours": "Løntimer",
    "assignment": "Jobformidler og sagsbehandler",
}
#: The order of the preview's headings.
HEADING_ORDER = (
    "Flytninger på tavlen",
    "Kontakter",
    "Step-up-møder",
    "Step-up-markeringer",
    "CV og jobmål",
    "Netværk",
    "Ændrede oplysninger",
    "Forløb",
    "Løntimer",
    "Jobformidler og sagsbehandler",
)

TABLE_WORDS: dict[str, str] = {
    "citizen": "borgeren",
    "placement": "pladsen på tavlen",
    "board_move": "en flytning på tavlen",
    "contact": "en kontakt",
    "status_entry": "CV/jobmål",
    "network_person": "en person i netværket",
    "stepup_meeting": "et step-up-møde",
    "stepup_participant": "en deltager i et step-up-møde",
    "stepup_plan_line": "en linje i et step-up-mødes plan",
    "stepup_marking": "en step-up-markering",
    "period": "et forløb",
    "paid_hours": "løntimer",
    "assignment": "jobformidler/sagsbehandler",
    "audit_log": "ændringsloggen",
}

FIELD_WORDS: dict[tuple[str, str], str] = {
    ("citizen", "name"): "navn",
    ("citizen", "cpr"): "CPR-nummer",
    ("citizen", "birth_date"): "fødselsdato",
    ("citizen", "gender"): "køn",
    ("citizen", "origin"): "herkomst",
    ("citizen", "grp"): "målgruppe",
    ("citizen", "entry_date"): "indgang",
    ("citizen", "exit_date"): "afgang",
    ("citizen", "exit_reason"): "afgangsårsag",
    ("citizen", "note"): "note",
    ("citizen", "network_consent"): "ønsker netværk inddraget",
    ("placement", "board_column"): "tavle",
    ("contact", "date"): "kontaktens dato",
    ("contact", "kind"): "kontaktform",
    ("contact", "note"): "kontaktens note",
    ("network_person", "name"): "netværkspersonens navn",
    ("network_person", "relation"): "relation",
    ("network_person", "phone"): "telefon",
    ("stepup_meeting", "date"): "mødedato",
    ("stepup_meeting", "barriers"): "barrierer",
    ("stepup_meeting", "note"): "mødets note",
    ("stepup_meeting", "deltagere"): "mødets deltagere",
    ("stepup_marking", "end"): "markeringens slut",
    ("stepup_marking", "note"): "markeringens note",
    ("period", "kind"): "forløbets art",
    ("period", "start"): "forløbets start",
    ("period", "end"): "forløbets slut",
    ("period", "note"): "forløbets note",
    ("paid_hours", "hours"): "løntimer",
    ("assignment", "staff_id"): "medarbejder",
    ("assignment", "start"): "start",
    ("assignment", "end"): "slut",
    ("citizen", "entry_date+exit_date+exit_reason"): "indgang og afgang",
    ("period", "start+end"): "forløbets periode",
    ("assignment", "start+end"): "periode",
    ("stepup_marking", "start+end"): "markeringens periode",
}


def count_changes(changes: Iterable[Change]) -> dict[str, int]:
    """{heading: how many}: one per row, except a meeting's participants and plan lines, which
    count as their meeting (once), and the board's placement, which a move explains."""
    counts: dict[str, int] = {}
    meetings: set[object] = set()
    for change in changes:
        heading = HEADINGS.get(change.table)
        if heading is None:
            continue
        if change.table.startswith("stepup_") and change.table != "stepup_marking":
            meeting = (
                change.row.get("meeting_id") if change.table != "stepup_meeting" else change.key[0]
            )
            if meeting in meetings:
                continue
            meetings.add(meeting)
        counts[heading] = counts.get(heading, 0) + 1
    return {heading: counts[heading] for heading in HEADING_ORDER if heading in counts}


def summary_line(counts: Mapping[str, int]) -> str:
    """ "Flytninger på tavlen: 12, kontakter: 30, step-up-møder: 2, ændrede oplysninger: 5"."""
    if not counts:
        return "Ingen ændringer"
    parts = [
        f"{heading if i == 0 else _lower_first(heading)}: {n}"
        for i, (heading, n) in enumerate(counts.items())
    ]
    return ", ".join(parts)


def _lower_first(heading: str) -> str:
    """A heading inside the line: "Kontakter" → "kontakter", but an abbreviation keeps its
    capitals ("CV og jobmål")."""
    if len(heading) > 1 and heading[1].isupper():
        return heading
    return heading[0].lower() + heading[1:]


def value_words(table: str, name: str, value: object) -> str:
    """A stored value as the user knows it (a group of fields' values together: a period as
    "01.02.2021 – 30.04.2021")."""
    if isinstance(value, (list, tuple)) and "+" in name:
        parts = [value_words(table, part, item) for part, item in zip(name.split("+"), value)]
        if name.endswith("start+end"):
            return " – ".join(
                "i gang" if item is None else text for item, text in zip(value, parts)
            )
        return ", ".join(parts)
    if value is None or value == "":
        return "(tom)"
    if name == "board_column":
        try:
            return BOARD_LABELS[BoardColumn(str(value))]
        except ValueError:
            return str(value)
    if table == "period" and name == "kind":
        try:
            return PERIOD_LABELS[PeriodKind(str(value))]
        except ValueError:
            return str(value)
    if name == "network_consent":
        return "ja" if value else "nej"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date_dots(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def field_words(table: str, name: str) -> str:
    return FIELD_WORDS.get((table, name), name.replace("_", " "))


def _when(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%d.%m")
    except ValueError:
        return ""


def conflict_line(
    conflict: Conflict, who: str, laptop: str, value_names: Mapping[str, str] | None = None
) -> str:
    """ "Anna Hansen: på vej (bærbar JF3, 12.03) / i gang (teamkopien, 14.03)": ``who`` is the
    citizen's name, ``laptop`` the copy's label ("bærbar JF3"). ``value_names`` turns ids into
    words (a staff id into initials)."""
    names = value_names or {}

    def words(value: object) -> str:
        if isinstance(value, str) and value in names:
            return names[value]
        return value_words(conflict.table, conflict.field, value)

    def side(text: str, where: str, stamp: str | None) -> str:
        when = _when(stamp)
        return f"{text} ({where}{', ' + when if when else ''})"

    if conflict.kind == "deleted_on_team":
        return (
            f"{who}: {TABLE_WORDS.get(conflict.table, conflict.table)} er slettet i teamkopien, men ændret på "
            f"{laptop}"
        )
    if conflict.kind == "deleted_on_laptop":
        return (
            f"{who}: {TABLE_WORDS.get(conflict.table, conflict.table)} er slettet på {laptop}, men ændret i "
            "teamkopien"
        )
    what = (
        "" if conflict.table == "placement" else f" ({field_words(conflict.table, conflict.field)})"
    )
    return (
        f"{who}{what}: {side(words(conflict.laptop), laptop, conflict.laptop_at)} / "
        f"{side(words(conflict.team), 'teamkopien', conflict.team_at)}"
    )


#: The two choices, as the conflict dialog and the command line say them.
CHOICE_WORDS: dict[Side, str] = {"team": "behold teamkopiens", "laptop": "tag bærbarens"}
