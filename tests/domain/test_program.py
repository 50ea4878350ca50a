"""Initiative templates: the four shipped ones, and validation with a message naming the field."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from fsm_desktop.domain.errors import KnownError, ValidationError
from fsm_desktop.domain.model import ExitReason, PeriodKind
from fsm_desktop.domain.program import (
    BUILTIN,
    builtin_template,
    builtin_templates,
    parse_template,
    parse_template_json,
)

# --- the shipped templates -----------------------------------------------------------------


def test_all_four_builtin_templates_load():
    templates = builtin_templates()
    assert [t.key for t in templates] == ["fsm2", "frontrunner", "bir", "hir"]
    assert BUILTIN == ("fsm2", "frontrunner", "bir", "hir")
    for template in templates:
        assert template.name
        assert template.start <= template.end
        assert template.measures
        # the stored JSON parses back to the same template
        again = parse_template_json(template.to_json())
        assert again.measures == template.measures
        assert again.goals == template.goals
        assert again.target_group == template.target_group


def test_fsm2():
    t = builtin_template("fsm2")
    assert t.key == "fsm2"
    assert (t.start, t.end) == (dt.date(2019, 11, 1), dt.date(2021, 10, 31))
    assert t.target_group.benefits == (
        PeriodKind.KONTANTHJAELP_AP,
        PeriodKind.INTEGRATIONSYDELSE_AP,
    )
    assert t.target_group.min_age == 30
    assert set(t.target_group.leaving_reasons) == {
        ExitReason.MOVED_AWAY,
        ExitReason.RETIRED,
        ExitReason.DIED,
    }
    assert ExitReason.OTHER not in t.target_group.leaving_reasons  # a closed case stays in
    assert [g.id for g in t.groups] == [1, 2]

    (m,) = t.measures
    assert m.kind == "share"
    assert m.unit == "month"
    assert m.aggregate == "any"
    assert m.direction == "at_least"
    assert [(th.value, th.payout_share) for th in m.thresholds] == [(0.15, 0.40), (0.20, 0.10)]
    assert m.population.rule == "target_group"
    assert m.population.groups == (1,)
    assert m.population.exclude_markings == (PeriodKind.FRITAGELSE,)
    assert set(m.qualifying) == {"loentimer", "ordinaer_beskaeftigelse", "uddannelse_su"}
    assert "loentilskud" not in m.qualifying
    assert "fleksjob" not in m.qualifying
    assert m.window is None


def test_fsm2_goals_from_the_status_sheet():
    t = builtin_template("fsm2")
    goals = {g.measure: g for g in t.goals}
    assert goals["paid_hours"].targets == {"2020-10": 0.20, "2021-10": 0.25}
    assert goals["company_directed"].targets == {"2020-10": 0.40, "2021-10": 0.45}
    assert goals["stepup_meetings"].unit == "count"
    assert goals["stepup_meetings"].targets == {"2020-10": 10.0, "2021-10": 20.0}
    assert goals["loentilskud"].targets == {}


def test_frontrunner():
    t = builtin_template("frontrunner")
    assert (t.start, t.end) == (dt.date(2018, 12, 1), dt.date(2019, 12, 31))
    broker = t.measure("frontrunner.job_broker")
    assert [(th.value, th.payout_share) for th in broker.thresholds] == [(0.85, 0.30)]
    assert broker.population.groups == (1,)
    assert broker.qualifying == ("jobformidler",)
    assert broker.window == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))

    company = t.measure("frontrunner.company_directed")
    assert [(th.value, th.payout_share) for th in company.thresholds] == [(0.40, 0.40)]
    assert company.window == (dt.date(2019, 10, 1), dt.date(2019, 12, 31))  # Q4 2019
    assert company.population.groups == (1,)
    assert set(company.qualifying) == {
        "ordinaer_beskaeftigelse",
        "loentimer",
        "fleksjob",
        "uddannelse_su",
        "virksomhedspraktik",
        "loentilskud",
    }


def test_bir():
    t = builtin_template("bir")
    assert (t.start, t.end) == (dt.date(2019, 12, 15), dt.date(2021, 12, 31))
    assert t.groups == ()
    assert t.target_group.benefits == (PeriodKind.RESSOURCEFORLOEB,)
    assert t.target_group.entry == "benefit_since_baseline"

    m1 = t.measure("bir.measure1")
    m2 = t.measure("bir.measure2")
    for m in (m1, m2):
        assert m.unit == "rolling_quarter"
        assert m.population.rule == "bir_rolling_quarter"
        assert m.never_qualifying == (PeriodKind.REVALIDERING,)
        assert "fleksjob" in m.qualifying
        assert "loentimer" in m.qualifying
        assert "uddannelse_su" in m.qualifying
        assert "ordinaer_beskaeftigelse" in m.qualifying
    assert [(th.value, th.payout_share) for th in m1.thresholds] == [(0.35, 0.125)]
    assert [(th.value, th.payout_share) for th in m2.thresholds] == [(0.15, 0.125)]
    assert {"virksomhedspraktik", "loentilskud"} <= set(m1.qualifying)
    assert "virksomhedspraktik" not in m2.qualifying
    assert "loentilskud" not in m2.qualifying
    assert set(m1.qualifying) - set(m2.qualifying) == {"virksomhedspraktik", "loentilskud"}


def test_hir():
    t = builtin_template("hir")
    caseload = t.measure("hir.caseload")
    assert caseload.kind == "caseload"
    assert caseload.direction == "at_most"
    assert [th.value for th in caseload.thresholds] == [30.0, 35.0]
    assert all(th.payout_share is None for th in caseload.thresholds)

    passive = t.measure("hir.passive_share")
    assert passive.kind == "passive_share"
    assert passive.direction == "at_most"
    assert passive.population.rule == "seniority_one_year"
    assert "mentor" in passive.qualifying  # mentor alone counts as active


def test_measure_lookup_of_unknown_id_raises_key_error():
    with pytest.raises(KeyError):
        builtin_template("hir").measure("nope")


def test_thresholds_are_sorted_by_value(template_data):
    template_data["measures"][0]["thresholds"].reverse()
    m = parse_template(template_data).measures[0]
    assert [th.value for th in m.thresholds] == [0.15, 0.20]


def test_unknown_builtin_key():
    with pytest.raises(ValidationError) as info:
        builtin_template("fsm3")
    assert "fsm3" in info.value.message
    assert "fsm2, frontrunner, bir, hir" in info.value.message


# --- a user's copy -------------------------------------------------------------------------


def test_a_users_copy_with_other_thresholds_and_dates_parses(template_data):
    template_data["key"] = "fsm2_hedensted-2024"
    template_data["name"] = "FSM2, Hedensteds kopi"
    template_data["period"] = {"start": "2024-01-01", "end": "2025-12-31"}
    template_data["baseline_date"] = "2024-01-01"
    template_data["measures"][0]["thresholds"][0]["value"] = 0.25
    template_data["measures"][0]["thresholds"][1]["value"] = 0.3
    template_data["goals"][0]["targets"] = {"2025-12": 1}

    t = parse_template_json(json.dumps(template_data))
    assert t.key == "fsm2_hedensted-2024"
    assert (t.start, t.end, t.baseline_date) == (
        dt.date(2024, 1, 1),
        dt.date(2025, 12, 31),
        dt.date(2024, 1, 1),
    )
    assert [th.value for th in t.measures[0].thresholds] == [0.25, 0.30]
    assert t.goals[0].targets == {"2025-12": 1.0}
    assert json.loads(t.to_json()) == template_data


# --- validation: each error names the field ------------------------------------------------


def _expect_error(data, where: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        parse_template(data)
    err = info.value
    assert err.params["where"] == where
    assert f"»{where}«" in err.message
    return err


def test_missing_key(template_data):
    del template_data["name"]
    err = _expect_error(template_data, "(rod).name")
    assert "mangler" in err.message


def test_missing_nested_key(template_data):
    del template_data["measures"][0]["population"]["groups"]
    _expect_error(template_data, "measures[0].population.groups")


def test_wrong_type(template_data):
    template_data["measures"][0]["thresholds"][0]["value"] = "15 %"
    err = _expect_error(template_data, "measures[0].thresholds[0].value")
    assert "forkert type" in err.message


def test_boolean_is_not_a_number(template_data):
    template_data["format"] = True
    _expect_error(template_data, "(rod).format")


def test_bad_date(template_data):
    template_data["period"]["start"] = "2019-13-01"
    err = _expect_error(template_data, "period.start")
    assert "2019-13-01" in err.message


def test_end_before_start(template_data):
    template_data["period"] = {"start": "2020-01-01", "end": "2019-12-31"}
    err = _expect_error(template_data, "period")
    assert "før startdatoen" in err.message


def test_window_end_before_start(template_data):
    template_data["measures"][0]["window"] = {"start": "2020-12-31", "end": "2020-10-01"}
    _expect_error(template_data, "measures[0].window")


def test_payout_window(template_data):
    template_data["measures"][0]["payout_window"] = {"start": "2021-01-01", "end": "2021-12-31"}
    assert parse_template(template_data).measures[0].payout_window == (
        dt.date(2021, 1, 1),
        dt.date(2021, 12, 31),
    )
    template_data["measures"][0]["payout_window"] = {"start": "2021-12-31", "end": "2021-01-01"}
    _expect_error(template_data, "measures[0].payout_window")
    template_data["measures"][0]["payout_window"] = {"start": "2021-13-01", "end": "2021-12-31"}
    _expect_error(template_data, "measures[0].payout_window.start")


def test_bir_pays_for_quarters_in_2021_only():
    # Seeds 001 and 002 §5: "… i et kvartal i 2021".
    t = builtin_template("bir")
    for measure in ("bir.measure1", "bir.measure2"):
        assert t.measure(measure).payout_window == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))


def test_unknown_period_kind_in_qualifying(template_data):
    template_data["measures"][0]["qualifying"].append("selvforsoergelse")
    err = _expect_error(template_data, "measures[0].qualifying[3]")
    assert "selvforsoergelse" in err.message


def test_unknown_period_kind_in_target_group(template_data):
    template_data["target_group"]["benefits"] = ["kontanthjaelp_ap", "dagpenge"]
    _expect_error(template_data, "target_group.benefits[1]")


def test_unknown_leaving_reason(template_data):
    template_data["target_group"]["leaving_reasons"].append("afsluttet")
    _expect_error(template_data, "target_group.leaving_reasons[3]")


def test_unknown_unit(template_data):
    template_data["measures"][0]["unit"] = "week"
    err = _expect_error(template_data, "measures[0].unit")
    assert "week" in err.message
    assert "rolling_quarter" in err.message


def test_share_threshold_above_one(template_data):
    template_data["measures"][0]["thresholds"][1]["value"] = 20  # meant 20 %, written as 20
    err = _expect_error(template_data, "measures[0].thresholds")
    assert "mellem 0 og 1" in err.message


def test_caseload_threshold_above_one_is_fine():
    data = json.loads(builtin_template("hir").to_json())
    data["measures"][1]["thresholds"][0]["value"] = 28
    assert parse_template(data).measure("hir.caseload").thresholds[0].value == 28.0


def test_payout_share_above_one(template_data):
    template_data["measures"][0]["thresholds"][0]["payout_share"] = 40
    _expect_error(template_data, "measures[0].thresholds[0]")


def test_unknown_group_in_population(template_data):
    template_data["measures"][0]["population"]["groups"] = [1, 3]
    err = _expect_error(template_data, "measures[0].population.groups")
    assert "gruppe 3" in err.message


def test_duplicate_group_id(template_data):
    template_data["groups"][1]["id"] = 1
    _expect_error(template_data, "groups")


def test_duplicate_measure_id(template_data):
    template_data["measures"].append(copy.deepcopy(template_data["measures"][0]))
    err = _expect_error(template_data, "measures")
    assert "samme id" in err.message


def test_bad_goal_month(template_data):
    template_data["goals"][0]["targets"] = {"2020-13": 1.0}
    _expect_error(template_data, "goals[0].targets")


def test_newer_format(template_data):
    template_data["format"] = 2
    err = _expect_error(template_data, "format")
    assert "nyere" in err.message


def test_key_with_odd_characters(template_data):
    template_data["key"] = "fsm2/../x"
    _expect_error(template_data, "key")


def test_not_an_object():
    with pytest.raises(ValidationError):
        parse_template([1, 2, 3])


def test_invalid_json_text_gives_line_and_column():
    text = '{\n  "format": 1,\n  oops\n}'
    with pytest.raises(ValidationError) as info:
        parse_template_json(text)
    err = info.value
    assert (err.params["line"], err.params["col"]) == (3, 3)
    assert "linje 3, kolonne 3" in err.message


def test_known_error_translated_formats_after_translation():
    err = ValidationError("Ukendt indsats »{key}«.", key="x")
    assert isinstance(err, KnownError)
    assert err.message == "Ukendt indsats »x«."
    assert str(err) == "Ukendt indsats »x«."
    assert err.translated(
        lambda template: template.replace("Ukendt indsats", "Unknown initiative")
    ) == ("Unknown initiative »x«.")
