"""Issue 25.3: a template adds kinds of period the program does not know (a 2026 benefit, a
new offer) with their category; a period is recorded as itself and a measure counts it."""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import pytest
from own_kinds_helpers import OWN, afklaring

from fsm_desktop.domain.errors import ValidationError
from fsm_desktop.domain.measures import CitizenFacts, Facts, Span, compute
from fsm_desktop.domain.model import CustomKind, PeriodCategory, PeriodKind
from fsm_desktop.domain.template_schema import check_template


def test_a_template_adds_kinds_with_their_label_and_category():
    template = check_template(afklaring())
    benefit, offer = template.period_kinds
    assert benefit == "jobafklaring" and benefit.label == "jobafklaringsforløb"
    assert benefit.category is PeriodCategory.BENEFIT and offer.category is PeriodCategory.OFFER
    assert template.target_group.benefits == (benefit,)
    assert template.kind("ips_forloeb") is offer
    assert template.kind("mentor") is PeriodKind.MENTOR
    assert template.kinds()[-2:] == [benefit, offer] and len(template.kinds()) == 15
    # A key the rows hold that the template no longer names: shown by its key, a marking.
    gone = template.kind("forsvundet")
    assert (gone, gone.label, gone.category) == ("forsvundet", "forsvundet", PeriodCategory.MARKING)


def test_an_own_kind_survives_copies_and_pickling():
    kind = CustomKind("ips_forloeb", "IPS-forløb", PeriodCategory.OFFER)
    for again in (copy.deepcopy(kind), pickle.loads(pickle.dumps(kind))):
        assert again == kind and again.label == "IPS-forløb"
        assert again.category is PeriodCategory.OFFER
    assert {kind: 1}["ips_forloeb"] == 1  # a key like the stored text


def test_a_measure_counts_an_own_kind():
    """Three months, four citizens on jobafklaring; in March three of them in an IPS-forløb or
    a job: 75 %, not 80 %; in April all four: 100 %. By hand."""

    def person(n: int, *spans: Span) -> CitizenFacts:
        benefit = Span("jobafklaring", dt.date(2026, 2, 1), dt.date(2026, 4, 30))
        return CitizenFacts(
            id=f"c{n}", name=f"B{n}", entry_date=dt.date(2026, 2, 1), periods=[benefit, *spans]
        )

    facts = Facts(
        citizens=[
            person(1, Span("ips_forloeb", dt.date(2026, 3, 1), dt.date(2026, 4, 30))),
            person(2, Span("ips_forloeb", dt.date(2026, 3, 20), dt.date(2026, 4, 2))),
            person(3, Span("ordinaer_beskaeftigelse", dt.date(2026, 3, 31), None)),
            person(4, Span("ips_forloeb", dt.date(2026, 4, 15), dt.date(2026, 4, 15))),
        ]
    )
    report = compute(check_template(afklaring()), facts)
    results = report.for_measure("afklaret")
    assert [(r.label, r.numerator, r.denominator) for r in results] == [
        ("2026-02", 0, 4),
        ("2026-03", 3, 4),
        ("2026-04", 4, 4),
    ]
    assert [r.met for r in results] == [False, False, True]
    numerator, _ = results[1].members()
    assert {m.reason for m in numerator} >= {"IPS-forløb 01-03-2026 – 30-04-2026"}


@pytest.mark.parametrize(
    ("kinds", "where", "problem"),
    [
        (
            [{"key": "Jobafklaring", "label": "x", "category": "ydelse"}],
            "period_kinds[0].key",
            "er ikke navnet",
        ),
        (
            [{"key": "mentor", "label": "mentor 2", "category": "tilbud"}],
            "period_kinds[0].key",
            "findes allerede",
        ),
        ([OWN[0], {**OWN[1], "key": "jobafklaring"}], "period_kinds[1].key", "findes allerede"),
        ([{**OWN[1], "label": "Mentor"}], "period_kinds[0].label", "hedder allerede »Mentor«"),
        ([{**OWN[1], "label": "  "}], "period_kinds[0].label", "mangler"),
        (
            [{**OWN[1], "category": "ydelser"}],
            "period_kinds[0].category",
            "»ydelser« er ikke en af",
        ),
        ([{"key": "ips_forloeb", "label": "IPS"}], "period_kinds[0].category", "mangler"),
    ],
)
def test_a_wrong_own_kind_is_named(kinds, where, problem):
    data = afklaring()
    data["period_kinds"] = kinds
    data["target_group"]["benefits"] = []
    data["measures"][0]["qualifying"] = []
    with pytest.raises(ValidationError) as caught:
        check_template(data)
    assert f"»{where}«" in caught.value.message and problem in caught.value.message


def test_a_kind_the_template_does_not_name_is_refused():
    data = afklaring()
    data["period_kinds"] = OWN[:1]
    with pytest.raises(
        ValidationError, match=r"»measures\[0\].qualifying\[0\]«: ukendt forløbstype »ips_forloeb«"
    ):
        check_template(data)
