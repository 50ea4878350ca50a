"""An initiative with kinds of period of its own (issue 25.3), for the tests of several
layers: an afklaringspulje on the 2026 jobafklaringsforløb, counting a new IPS-forløb."""

from __future__ import annotations

import copy
import json

from fsm_desktop.domain.program import builtin_template

#: The 2026 reform's jobafklaringsforløb as a benefit, and a new offer.
OWN = [
    {"key": "jobafklaring", "label": "jobafklaringsforløb", "category": "ydelse"},
    {"key": "ips_forloeb", "label": "IPS-forløb", "category": "tilbud"},
]


def afklaring() -> dict:
    """An afklaringspulje on the new benefit: 80 % with the new offer or a job in one month."""
    data = json.loads(builtin_template("bir").to_json())
    data.update(key="afklaring", name="Afklaringspulje", period_kinds=copy.deepcopy(OWN))
    data["period"] = {"start": "2026-02-01", "end": "2026-04-30"}
    data["baseline_date"] = "2026-02-01"
    data["target_group"]["benefits"] = ["jobafklaring"]
    data["target_group"]["entry"] = "benefit_in_period"
    measure = data["measures"][0]
    measure.update(
        id="afklaret",
        name="Afklaret i en måned",
        unit="month",
        population={"rule": "target_group", "groups": [], "exclude_markings": []},
        qualifying=["ips_forloeb", "ordinaer_beskaeftigelse"],
        never_qualifying=[],
        thresholds=[{"value": 0.8, "payout_share": 1.0, "label": "80 %"}],
    )
    measure.pop("payout_window")
    data["measures"] = [measure]
    data["goals"] = []
    return data
