"""Step-up as text: the due list and the meetings with their follow-up, as a terminal table
(Danish labels) or JSON. CPR numbers are masked."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence, Set

from fsm_desktop.domain.cpr import mask
from fsm_desktop.domain.danish import date_text, number
from fsm_desktop.domain.model import Barrier, ParticipantRole
from fsm_desktop.domain.stepup import (
    BARRIER_LABELS,
    DUE_LABELS,
    MARKING_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    Assessment,
    MonthCount,
    Outcome,
    StepUpCase,
    follow_up,
    missing_roles,
    outcome,
)


def _d(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def due_as_dict(a: Assessment) -> dict:
    c = a.case
    return {
        "citizen_id": c.citizen_id,
        "name": c.name,
        "cpr": mask(c.cpr),
        "job_broker": c.job_broker,
        "caseworker": c.caseworker,
        "status": "due" if a.is_due else "exempt",
        "reason": a.reason.value if a.reason else None,
        "reason_text": DUE_LABELS[a.reason]
        if a.reason
        else MARKING_LABELS[a.exemption.kind]
        if a.exemption
        else "",
        "due_since": _d(a.due),
        "days_overdue": a.days_overdue,
        "exempt_until": _d(a.exempt_until),
        "overdue_plan": [
            {
                "offer": f.line.offer.value,
                "planned_start": _d(f.line.planned_start),
                "days_overdue": f.days_overdue,
            }
            for f in a.overdue_lines
        ],
    }


def meetings_as_dicts(cases: Sequence[StepUpCase], today: dt.date) -> list[dict]:
    """Every meeting held on or before ``today``, oldest first, with its plan's follow-up."""
    out = []
    for case in cases:
        for m in sorted(
            (m for m in case.meetings if m.date <= today), key=lambda m: (m.date, m.id)
        ):
            lines = follow_up(case, m, today)
            warnings = missing_roles(
                m.roles, m.barriers, case.in_ressourceforloeb(m.date), case.network_wish
            )
            out.append(
                {
                    "meeting_id": m.id,
                    "citizen_id": case.citizen_id,
                    "name": case.name,
                    "cpr": mask(case.cpr),
                    "date": _d(m.date),
                    "barriers": [b.value for b in m.barriers],
                    "participants": [r.value for r, _ in m.roles],
                    "missing_roles": [
                        {"role": w.role.value, "required": w.required, "message": w.message}
                        for w in warnings
                    ],
                    "plan": [
                        {
                            "offer": f.line.offer.value,
                            "planned_start": _d(f.line.planned_start),
                            "responsible": f.line.responsible,
                            "status": f.status.value,
                            "started": _d(f.started),
                            "days_overdue": f.days_overdue,
                        }
                        for f in lines
                    ],
                    "outcome": outcome(lines).value,
                }
            )
    out.sort(key=lambda d: (d["date"], d["name"]))
    return out


def counts_as_dicts(counts: Sequence[MonthCount]) -> list[dict]:
    return [
        {
            "month": c.month,
            "held": c.held,
            "cumulative": c.cumulative,
            "by_outcome": {o.value: n for o, n in c.by_outcome.items()},
        }
        for c in counts
    ]


def render_due(due: Sequence[Assessment], today: dt.date, fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps(
                {"as_of": today.isoformat(), "due": [due_as_dict(a) for a in due]},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    out = io.StringIO()
    now_due = [a for a in due if a.is_due]
    citizens = "borger" if len(now_due) == 1 else "borgere"
    out.write(
        f"Step-up pr. {date_text(today)}: {number(len(now_due))} {citizens} skal have et møde\n\n"
    )
    if not due:
        out.write("Ingen borgere skal have et step-up-møde.\n")
        return out.getvalue()
    headers = ("Borger", "CPR", "JF", "SB", "Skal holdes siden", "Dage", "Hvorfor")
    rows = []
    for a in due:
        d = due_as_dict(a)
        why = d["reason_text"]
        if a.overdue_lines:
            why += (
                " ("
                + ", ".join(
                    f"{f.line.offer.label} planlagt {date_text(f.line.planned_start)}"
                    for f in a.overdue_lines
                )
                + ")"
            )
        if not a.is_due:
            since, days = (
                f"fritaget til {date_text(a.exempt_until)}" if a.exempt_until else "fritaget",
                "",
            )
        else:
            since, days = date_text(a.due), number(a.days_overdue)
        rows.append((a.case.name, d["cpr"], a.case.job_broker, a.case.caseworker, since, days, why))
    _table(out, headers, rows, right={5})
    return out.getvalue()


def render_overview(
    cases: Sequence[StepUpCase], counts: Sequence[MonthCount], today: dt.date, fmt: str
) -> str:
    meetings = meetings_as_dicts(cases, today)
    # The offers' names, the initiative's own kinds' included (a plan line holds its kind).
    labels = {
        line.offer.value: line.offer.label
        for case in cases
        for meeting in case.meetings
        for line in meeting.plan
    }
    if fmt == "json":
        data = {"as_of": today.isoformat(), "months": counts_as_dicts(counts), "meetings": meetings}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    total = counts[-1].cumulative if counts else len(meetings)
    out.write(f"Step-up-møder pr. {date_text(today)}: {number(total)} i alt\n\n")
    rows = [
        (c.month, number(c.held), number(c.cumulative), *(number(n) for n in c.by_outcome.values()))
        for c in counts
    ]
    outcome_heads = tuple(OUTCOME_LABELS[o] for o in (counts[0].by_outcome if counts else {}))
    _table(
        out,
        ("Måned", "Holdt", "I alt", *outcome_heads),
        rows,
        right=set(range(1, 3 + len(outcome_heads))),
    )
    out.write("\n")
    if not meetings:
        out.write("Ingen step-up-møder er registreret.\n")
        return out.getvalue()
    mrows = []
    for m in meetings:
        plan = "; ".join(
            f"{labels.get(p['offer'], p['offer'])} {date_text(dt.date.fromisoformat(p['planned_start']))}: {p['status']}"
            for p in m["plan"]
        )
        barriers = ", ".join(BARRIER_LABELS[Barrier(b)] for b in m["barriers"])
        missing = (
            ", ".join(ROLE_LABELS[ParticipantRole(w["role"])] for w in m["missing_roles"]) or "–"
        )
        mrows.append(
            (
                date_text(dt.date.fromisoformat(m["date"])),
                m["name"],
                m["cpr"],
                barriers,
                OUTCOME_LABELS[Outcome(m["outcome"])],
                missing,
                plan,
            )
        )
    _table(out, ("Dato", "Borger", "CPR", "Barrierer", "Udfald", "Mangler", "Plan"), mrows)
    return out.getvalue()


def _table(
    out: io.StringIO,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Set[int] = frozenset(),
) -> None:
    widths = [
        max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]

    def line(cells):
        parts = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths))
        ]
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(headers))
    out.write(line("-" * w for w in widths))
    for r in rows:
        out.write(line(r))
