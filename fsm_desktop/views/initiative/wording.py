"""Where a template's fault is, in the editor's words: »measures[0].thresholds[1].payout_share«
becomes »Resultatkrav »Løntimer …«: udbetaling ved tærskel 2«, and a share's limit is said in
percent, as the editor shows shares ("må højst være 100 %", not "1")."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("InitiativeEditor", text)


_PART = re.compile(r"([A-Za-z_()]+)|\[(\d+)\]")


def _parts(where: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _PART.findall(where)]


def _root_words() -> dict[str, str]:
    return {
        "name": _t("Navn"),
        "key": _t("Kort navn (nøgle)"),
        "source": _t("Kilde"),
        "period": _t("Projektperiode"),
        "baseline_date": _t("0-punkt"),
        "format": _t("Format"),
        "target_group": _t("Målgruppe"),
        "groups": _t("Grupper"),
        "measures": _t("Resultatkrav"),
        "goals": _t("Statusskema"),
        "period_kinds": _t("Forløbstyper"),
    }


def _measure_words() -> dict[str, str]:
    return {
        "id": _t("id"),
        "name": _t("navn"),
        "kind": _t("slags"),
        "unit": _t("måles pr."),
        "aggregate": _t("opfyldt når"),
        "population": _t("hvem tælles"),
        "rule": _t("hvem tælles"),
        "groups": _t("kun grupperne"),
        "exclude_markings": _t("markeringer, der tager ud"),
        "qualifying": _t("tæller som succes"),
        "never_qualifying": _t("tæller aldrig"),
        "direction": _t("retning"),
        "thresholds": _t("tærskler"),
        "window": _t("kun perioder i"),
        "payout_window": _t("udbetaling kun for perioder i"),
        "qualifying_from": _t("succes tæller fra"),
        "start": _t("start"),
        "end": _t("slut"),
    }


def place(where: str, data: dict[str, Any]) -> str:
    """Where the fault is, in the editor's words."""
    parts = _parts(where)
    if parts and parts[0] == "(rod)":
        parts = parts[1:]
    if not parts:
        return _t("Skabelonen")
    head = parts[0]
    words = _root_words()
    if head == "period" and len(parts) > 1:
        return _t("Projektperiodens start") if parts[1] == "start" else _t("Projektperiodens slut")
    if head == "target_group" and len(parts) > 1:
        field = {
            "description": _t("beskrivelse"),
            "benefits": _t("ydelser, der giver adgang"),
            "min_age": _t("mindstealder"),
            "entry": _t("indgang"),
            "leaving_reasons": _t("går ud ved"),
        }.get(str(parts[1]), str(parts[1]))
        return _t("Målgruppe: {field}").format(field=field)
    if head == "period_kinds" and len(parts) > 1 and isinstance(parts[1], int):
        field = {
            "key": _t("nøgle"),
            "label": _t("navn"),
            "category": _t("kategori"),
        }.get(str(parts[2]) if len(parts) > 2 else "", "")
        text = _t("Forløbstype {n}").format(n=parts[1] + 1)
        return f"{text}: {field}" if field else text
    if head == "groups" and len(parts) > 1 and isinstance(parts[1], int):
        return _t("Gruppe {n}").format(n=parts[1] + 1)
    if head == "measures" and len(parts) > 1 and isinstance(parts[1], int):
        measures = data.get("measures") or []
        measure = measures[parts[1]] if parts[1] < len(measures) else {}
        name = measure.get("name") or measure.get("id") or str(parts[1] + 1)
        rest = parts[2:]
        if rest[:1] == ["thresholds"] and len(rest) > 1 and isinstance(rest[1], int):
            n = rest[1] + 1
            field = {
                "value": _t("tærskel {n}"),
                "payout_share": _t("udbetaling ved tærskel {n}"),
                "label": _t("tekst ved tærskel {n}"),
            }.get(str(rest[2]) if len(rest) > 2 else "", _t("tærskel {n}")).format(n=n)
        else:
            measure_words = _measure_words()
            field = " ".join(measure_words.get(str(p), str(p)) for p in rest if isinstance(p, str))
        text = _t("Resultatkrav »{name}«").format(name=name)
        return f"{text}: {field}" if field else text
    if head == "goals" and len(parts) > 1 and isinstance(parts[1], int):
        goals = data.get("goals") or []
        goal = goals[parts[1]] if parts[1] < len(goals) else {}
        label = goal.get("label") or str(parts[1] + 1)
        field = {
            "measure": _t("måler"),
            "label": _t("række"),
            "unit": _t("enhed"),
            "targets": _t("mål pr. måned"),
        }.get(str(parts[2]) if len(parts) > 2 else "", "")
        text = _t("Statusskemaets række »{label}«").format(label=label)
        return f"{text}: {field}" if field else text
    return words.get(str(head), str(head))


def in_percent(where: str, problem: str, data: dict[str, Any]) -> str:
    """A share's limits as the editor shows shares: in percent; a goal's months as the editor
    takes them."""
    if where.endswith(".targets") and problem.startswith("har forkert type"):
        return _t("skriv måned og tal, fx »2021-10: 90 %; 2022-10: 95 %«")
    parts = _parts(where)
    share = where.endswith("payout_share")
    if not share and "thresholds" in parts and len(parts) > 1 and isinstance(parts[1], int):
        measures = data.get("measures") or []
        if parts[1] < len(measures):
            share = measures[parts[1]].get("kind") != "caseload"
    if not share:
        return problem
    return (
        problem.replace("må højst være 1", _t("må højst være 100 %"))
        .replace("mellem 0 og 1", _t("mellem 0 og 100 %"))
        .replace("(andel 0–1)", _t("(andel 0–100 %)"))
    )
