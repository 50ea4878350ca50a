"""Caseloads as text: a terminal table (Danish labels) or JSON, for ``fsm-desktop caseload``.
The numbers and rules are domain.caseload's (docs/caseload.md)."""

from __future__ import annotations

import datetime as dt
import io
import json

from fsm_desktop.domain.caseload import (
    ROLE_PLURAL,
    CaseloadReport,
    PersonLoad,
    Status,
    fte,
    shown,
    status_text,
)
from fsm_desktop.domain.danish import count, date_text, number

ROLE_WORDS = {
    "jobformidler": "jobformidler",
    "sagsbehandler": "sagsbehandler",
    "leder": "leder",
    "pseudo": "pseudo",
}


def person_dict(p: PersonLoad) -> dict:
    """One person: ``citizens`` is the caseload; for a pseudo-caseworker (and anyone with 0 hours)
    the citizens parked with them, who count in nobody's caseload (``per_fte`` null)."""
    r = p.record
    out = {
        "initials": r.initials,
        "name": r.name,
        "role": r.role.value,
        "hours_per_week": r.hours,
        "fte": round(p.fte, 4),
        "citizens": p.citizens if r.counted else p.parked,
        "per_fte": None if p.per_fte is None else round(float(p.per_fte), 2),
        "limit": None if p.limit is None else p.limit.high,
        "over_limit": p.over_limit,
        "band": None if p.band is None else p.band.value,
    }
    if p.other:
        # HIR: the caseworker's cases outside the target group that month, and the whole
        # caseload per full-time equivalent, which the limit is judged on (seed 003, pool §3)
        out["other_cases"] = p.other
        # Set for anyone counted (other cases are only read for them): null as per_fte is.
        w = p.whole_per_fte
        out["whole_per_fte"] = None if w is None else round(float(w), 2)
    return out


def as_dicts(report: CaseloadReport, k: int) -> list[dict]:
    return [person_dict(p) for p in report.people(k) if shown(p)]


def _table(headers: list[str], rows: list[list[str]], right: range) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    lines = []
    for row in [headers, *rows]:
        cells = [
            text.rjust(w) if c in right else text.ljust(w)
            for c, (text, w) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def render(report: CaseloadReport, k: int, fmt: str, title: str) -> str:
    if fmt == "json":
        return json.dumps(as_dicts(report, k), ensure_ascii=False, indent=2) + "\n"
    day: dt.date = report.history.days[k]
    out = io.StringIO()
    out.write("Sagsstammer pr. {d} – {title}\n\n".format(d=date_text(day), title=title))
    people = [p for p in report.people(k) if shown(p)]
    if not people:
        out.write("Projektet har ingen medarbejdere med sagsstamme.\n")
        return out.getvalue()
    headers = [
        "Initialer",
        "Navn",
        "Rolle",
        "Timer",
        "Fuldtid",
        "Borgere",
        "Pr. fuldtid",
        "Grænse",
        "Status",
    ]
    if report.settings.ips:
        headers.append("IPS")
    rows = []
    for p in people:
        r = p.record
        if r.counted:
            status = status_text(p.status, p.limit)
            if p.status is Status.OVER:
                assert p.limit is not None  # judge() says OVER only against a limit
                status = "OVER GRÆNSEN ({limit})".format(limit=p.limit.label())
            citizens = number(p.citizens) + (f" (+{number(p.parked)} parkeret)" if p.parked else "")
        else:
            status = "parkerede borgere, tæller ikke med" if p.parked else "tæller ikke med"
            citizens = number(p.parked)
        row = [
            r.initials,
            r.name,
            ROLE_WORDS[r.role.value],
            number(r.hours, 1),
            number(p.fte, 2),
            citizens,
            "–" if p.per_fte is None else number(float(p.per_fte), 1),
            p.limit.label() if p.limit else "–",
            status,
        ]
        if report.settings.ips:
            row.append(p.band.value if p.band else "–")
        rows.append(row)
    out.write(_table(headers, rows, range(3, 8)))
    teams = report.teams(k)
    if teams:
        out.write("\n")
        for t in teams:
            out.write(
                "{role} i alt: {n} på {fte} fuldtid = {load} pr. fuldtid{limit}\n".format(
                    role=ROLE_PLURAL[t.role],
                    n=count(t.citizens, "borger", "borgere"),
                    fte=number(fte(t.hours), 2),
                    load="–" if t.per_fte is None else number(float(t.per_fte), 1),
                    limit=f" (grænse {t.limit.label()})" if t.limit else "",
                )
            )
    found = report.warnings(k)
    if found:
        out.write("\nAdvarsler:\n")
        for text in found:
            out.write(f"  {text}\n")
    return out.getvalue()
