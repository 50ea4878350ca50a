"""The measures as text: a terminal table (Danish labels), JSON or CSV."""

from __future__ import annotations

import io
import json

from fsm_desktop.domain.danish import date_dots, kroner, number, percent
from fsm_desktop.domain.measures import MeasureResult, Report, no_data_reason
from fsm_desktop.exchange.text_cells import csv_line

UNIT_LABELS = {
    "month": "pr. måned",
    "rolling_quarter": "rullende kvartal",
    "period": "hele perioden",
}


def as_dict(result: MeasureResult) -> dict:
    """One result as JSON. A period without data (before the project's first registration of a
    fact the measure counts) keeps its numerator and denominator as counted, has share and met
    null and carries ``"no_data": true``; the key is left out otherwise."""
    out = {
        "measure": result.measure,
        "name": result.spec.name,
        "unit": result.spec.unit,
        "period_start": str(result.period_start),
        "period_end": str(result.period_end),
        "numerator": result.numerator,
        "denominator": round(result.denominator, 4)
        if isinstance(result.denominator, float)
        else result.denominator,
        "share": None if result.share is None else round(result.share, 6),
        "threshold": result.threshold,
        "met": result.met,
        "thresholds": [
            {
                "value": t.threshold.value,
                "met": t.met,
                "payout_share": t.threshold.payout_share,
                "label": t.threshold.label,
            }
            for t in result.thresholds
        ],
    }
    if result.no_data:
        out["no_data"] = True
    return out


def render_table(report: Report, title: str = "", finished: bool = False) -> str:
    out = io.StringIO()
    if title:
        out.write(f"{title}: resultatkrav {report.first} – {report.last}\n")
    measure_ids = list(dict.fromkeys(r.measure for r in report.results))
    if not report.results:
        out.write("Ingen måleperioder i det valgte tidsrum.\n")
    for measure_id in measure_ids:
        rows = report.for_measure(measure_id)
        spec = rows[0].spec
        caseload = spec.kind == "caseload"
        out.write(f"\n{spec.name} [{spec.id}, {UNIT_LABELS[spec.unit]}]\n")
        headers = [
            "Periode",
            "Tæller",
            "Nævner",
            "Sager pr. fuldtid" if caseload else "Andel",
            "Tærskel",
            "Opfyldt",
        ]
        table = []
        for r in rows:
            # Every threshold, in order, with whether it is met: "15,0 % / 20,0 %", "ja / nej".
            threshold = (
                " / ".join(
                    number(t.threshold.value) if caseload else percent(t.threshold.value)
                    for t in r.thresholds
                )
                or "–"
            )
            share = (
                ("–" if r.share is None else number(round(r.share, 1)))
                if caseload
                else percent(r.share)
            )
            met = " / ".join("ja" if t.met else "nej" for t in r.thresholds) or "–"
            if r.no_data:  # before the first registration of what the measure counts: not a "nej"
                share, met = "ingen data", "–"
            denominator = number(round(r.denominator, 2)) if caseload else number(r.denominator)
            table.append([r.label, number(r.numerator), denominator, share, threshold, met])
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
        out.write(
            "  ".join(
                h.ljust(w) if i == 0 else h.rjust(w)
                for i, (h, w) in enumerate(zip(headers, widths))
            )
            + "\n"
        )
        for row in table:
            out.write(
                "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths))
                )
                + "\n"
            )
        if any(r.no_data for r in rows):
            out.write(no_data_reason(spec, report.first_registrations) + "\n")
    if report.payouts:
        out.write("\nUdbetalingsprognose\n")
        for p in report.payouts:
            status = "opfyldt" if p.met else ("ikke opfyldt" if finished else "ikke opfyldt endnu")
            line = f"- {p.threshold.label}: {status}"
            if p.best is not None:
                best = f"{p.best.label} ({percent(p.best.share)}, {number(p.best.numerator)} af {number(p.best.denominator)})"
                line += f"; {'første periode' if p.met else 'bedste periode'} {best}"
                if not p.met:
                    line += f"; manglede {p.needed} borger{'e' if p.needed != 1 else ''}"
            if p.spec.payout_window:
                start, end = p.spec.payout_window
                line += f"; kun perioder {date_dots(start)} – {date_dots(end)} tæller"
                if p.best is None:
                    line += " (ingen i det valgte interval)"
            if p.amount is not None:
                line += f"; beløb {kroner(p.amount)}"
            out.write(line + "\n")
    return out.getvalue()


def render(report: Report, fmt: str, title: str = "", finished: bool = False) -> str:
    """``finished``: the initiative has ended (a rule not met is then not met, not "not yet")."""
    if fmt == "json":
        return json.dumps([as_dict(r) for r in report.results], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        # A measure's id comes from the template (a user's own, too): never a formula in the
        # spreadsheet that opens the output (csv_line).
        fields = [
            "measure",
            "period_start",
            "period_end",
            "numerator",
            "denominator",
            "share",
            "threshold",
            "met",
        ]
        lines = [csv_line(fields)]
        for r in report.results:
            row = as_dict(r)
            # As in the JSON: true/false, and an empty cell for "no value".
            row["met"] = "" if row["met"] is None else str(row["met"]).lower()
            lines.append(csv_line(row[key] for key in fields))
        return "".join(lines)
    return render_table(report, title, finished)
