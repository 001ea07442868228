"""Measures 3, 5, 9 and 10 (smart clearance, direct transit, the one-time permit, the arrival
card): what the YAML scenarios cannot express.

The public facts schema of each measure, the 24-hour property of measure 5, the
alternatives it offers, the channels of measure 10, purity, and that the rules read their
numbers and lists from the policy data rather than from the code.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from churujing import FactsError, get_measure, load_policy
from churujing.facts import BEIJING
from churujing.law import clause
from churujing.policy.loader import Parameter, Value

LOCALE = Path(__file__).parents[1] / "src" / "churujing" / "locale" / "en" / "LC_MESSAGES"

DOCUMENTED = {
    "smart-clearance": (
        "port", "date", "age", "traveller", "document", "endorsement", "biometric_consent",
        "full_legal_capacity", "lives_on_own_labour_income", "guardian_present",
    ),
    "direct-transit-24h": (
        "airport", "arrival_time", "departure_time", "origin", "destination",
        "connecting_ticket", "leaves_restricted_area", "nationality", "origin_airport",
        "destination_airport",
    ),
    "taiwan-one-time-permit": ("port", "date", "taiwan_resident", "holds_valid_permit"),
    "arrival-card": ("nationality", "entry_date", "document", "entry_mode"),
}

TRANSIT: dict[str, Any] = {
    "airport": "NKG",
    "arrival_time": "2025-11-10T08:00:00",
    "departure_time": "2025-11-10T20:00:00",
    "origin": "JP",
    "destination": "US",
    "connecting_ticket": True,
    "leaves_restricted_area": False,
}


# --------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("measure", sorted(DOCUMENTED))
def test_schema_has_every_documented_fact_with_a_description(measure: str) -> None:
    schema = get_measure(measure).schema()
    props = schema["properties"]
    assert set(DOCUMENTED[measure]) == set(props)
    for name, prop in props.items():
        assert prop.get("description"), f"{measure}.{name} has no description"


@pytest.mark.parametrize("measure", sorted(DOCUMENTED))
def test_measure_module_contract(measure: str) -> None:
    m = get_measure(measure)
    clause(m.clause)
    assert m.title.zh != m.title.en
    assert m.module.decide.__doc__.lstrip()[0] == "自"  # the clause, in Chinese, comes first
    assert "Limitations:" in m.module.decide.__doc__


def test_smart_clearance_schema_lists_both_spellings_of_the_home_return_permit() -> None:
    enum = get_measure("smart-clearance").schema()["properties"]["document"]["enum"]
    assert {"hk_macau_home_return_permit", "hk_macau_resident_permit"} <= set(enum)


def test_endorsement_schema_lists_the_seven_types() -> None:
    schema = get_measure("smart-clearance").schema()
    types = schema["$defs"]["Endorsement"]["properties"]["type"]["enum"]
    assert set(types) == {"stay", "family", "business", "talent", "other", "tourism",
                          "group_tour"}


@pytest.mark.parametrize("measure", ["smart-clearance", "arrival-card"])
def test_the_alias_is_normalised_to_the_glossary_id(measure: str) -> None:
    m = get_measure(measure)
    base: dict[str, Any] = (
        {"port": "罗湖", "date": "2025-11-20", "age": 30, "traveller": "hk_macau",
         "biometric_consent": True}
        if measure == "smart-clearance"
        else {"nationality": "PK", "entry_date": "2025-11-20"}
    )
    alias, _ = m.parse({**base, "document": "hk_macau_resident_permit"})
    canonical, _ = m.parse({**base, "document": "hk_macau_home_return_permit"})
    assert alias == canonical
    assert alias.document == "hk_macau_home_return_permit"  # type: ignore[attr-defined]
    assert m.check({**base, "document": "hk_macau_resident_permit"}).eligible


# --------------------------------------------------------------------------- measure 5


@settings(max_examples=200, deadline=None)
@given(minutes=st.integers(min_value=0, max_value=24 * 60))
def test_a_connection_of_at_most_24_hours_with_all_else_met_is_eligible(minutes: int) -> None:
    arrival = datetime(2025, 11, 10, 8, 0, tzinfo=BEIJING)
    facts = {**TRANSIT, "departure_time": (arrival + timedelta(minutes=minutes)).isoformat()}
    d = get_measure("direct-transit-24h").check(facts)
    assert d.eligible, d.explain("en")


@settings(max_examples=200, deadline=None)
@given(seconds=st.integers(min_value=1, max_value=30 * 24 * 3600))
def test_any_connection_over_24_hours_is_refused(seconds: int) -> None:
    arrival = datetime(2025, 11, 10, 8, 0, tzinfo=BEIJING)
    departure = arrival + timedelta(hours=24, seconds=seconds)
    d = get_measure("direct-transit-24h").check(
        {**TRANSIT, "departure_time": departure.isoformat()})
    assert not d.eligible
    assert [c.code for c in d.unmet] == ["within_stay"]


def test_the_24_hours_come_from_the_policy_data() -> None:
    policy = load_policy()
    old = policy.param("m05.max_hours")
    ref = old.values[-1].ref
    longer = Parameter(old.name, old.title, old.unit,
                       (Value(date(2024, 1, 11), None, 48, ref),), old.path)
    patched = dataclasses.replace(
        policy, parameters={**policy.parameters, "m05.max_hours": longer})
    facts = {**TRANSIT, "departure_time": "2025-11-12T07:00:00"}  # 47 hours
    m = get_measure("direct-transit-24h")
    assert not m.check(facts).eligible
    assert m.check(facts, policy=patched).eligible


def test_alternatives_when_refused_at_an_unlisted_airport() -> None:
    d = get_measure("direct-transit-24h").check(
        {**TRANSIT, "airport": "LXA", "nationality": "DE"})
    codes = [a["code"] for a in d.details["alternatives"]]
    assert codes == ["transit_without_visa_art22", "visa_free_transit_240h"]
    assert all(a["zh"] and a["en"] and a["zh"] != a["en"] for a in d.details["alternatives"])


def test_alternatives_for_leaving_the_airport() -> None:
    d = get_measure("direct-transit-24h").check(
        {**TRANSIT, "leaves_restricted_area": True, "nationality": "IN"})
    codes = [a["code"] for a in d.details["alternatives"]]
    assert codes == ["temporary_entry_permit"]  # India is not a 240-hour country


def test_a_return_to_the_origin_has_only_the_visa_left() -> None:
    d = get_measure("direct-transit-24h").check({**TRANSIT, "destination": "JP"})
    assert [a["code"] for a in d.details["alternatives"]] == ["visa"]


def test_no_alternatives_when_eligible() -> None:
    assert get_measure("direct-transit-24h").check(TRANSIT).details["alternatives"] == []


def test_an_ambiguous_name_is_reported_on_its_field(monkeypatch: pytest.MonkeyPatch) -> None:
    from churujing import places

    real = places.port

    def ambiguous(query: str, *args: Any, **kwargs: Any) -> Any:
        if query in ("NKG", "x"):
            raise FactsError(f"{query!r} is ambiguous: it may mean A; B")
        return real(query, *args, **kwargs)

    monkeypatch.setattr(places, "port", ambiguous)
    with pytest.raises(FactsError) as info:
        get_measure("direct-transit-24h").check(TRANSIT)
    assert info.value.field == "airport"
    with pytest.raises(FactsError) as info:
        get_measure("taiwan-one-time-permit").check(
            {"port": "x", "date": "2025-11-20", "taiwan_resident": True,
             "holds_valid_permit": False})
    assert info.value.field == "port"


# --------------------------------------------------------------------------- measure 9


def test_the_permit_ports_grow_from_58_to_100_on_20_november_2025() -> None:
    m = get_measure("taiwan-one-time-permit")
    facts = {"port": "PEK", "taiwan_resident": True, "holds_valid_permit": False}
    before = m.check({**facts, "date": "2025-11-19"})
    after = m.check({**facts, "date": "2025-11-20"})
    assert (before.details["port_count"], after.details["port_count"]) == (58, 100)


def test_province_ports_exclude_the_port_itself_and_follow_the_date() -> None:
    m = get_measure("taiwan-one-time-permit")
    facts = {"port": "SZX", "taiwan_resident": True, "holds_valid_permit": False}
    before = {p["id"] for p in m.check({**facts, "date": "2025-11-19"}).details["province_ports"]}
    after = {p["id"] for p in m.check({**facts, "date": "2025-11-20"}).details["province_ports"]}
    assert "szx" not in before | after
    assert before == {"can"}
    assert {"huanggang", "luohu", "hengqin", "swa"} <= after


# --------------------------------------------------------------------------- measure 10


def test_channels_on_each_side_of_20_november_2025() -> None:
    m = get_measure("arrival-card")
    before = m.check({"nationality": "US", "entry_date": "2025-11-19"}).details["channels"]
    after = m.check({"nationality": "US", "entry_date": "2025-11-20"}).details["channels"]
    assert [c["code"] for c in before] == ["paper_card"]
    assert len(after) == 9
    assert {c["code"] for c in after if c["stage"] == "before_travel"} == {
        "nia_website", "nia_service_platform", "nia_12367_app", "wechat_mini_program",
        "alipay_mini_program", "filing_code_scan"}
    assert all(set(c) == {"code", "zh", "en", "stage", "online", "url"} for c in after)
    website = next(c for c in after if c["code"] == "nia_website")
    assert website["url"].startswith("https://s.nia.gov.cn/")


def test_an_exempt_traveller_may_still_file_online() -> None:
    d = get_measure("arrival-card").check(
        {"nationality": "FR", "entry_date": "2025-12-01", "entry_mode": "fast_track"})
    assert d.eligible
    assert d.details["required"] is False
    assert d.details["exemption"]["clause"] == "M10.3.6"
    assert any(c["online"] for c in d.details["channels"])


# --------------------------------------------------------------------------- all four


CASES = [
    ("smart-clearance", {"port": "皇岗", "date": "2025-11-10", "age": 30,
                         "traveller": "mainland", "document": "eep_hk_macau",
                         "endorsement": {"type": "stay", "multiple": True},
                         "biometric_consent": True}),
    ("direct-transit-24h", TRANSIT),
    ("taiwan-one-time-permit", {"port": "天津港", "date": "2025-11-20",
                                "taiwan_resident": True, "holds_valid_permit": False}),
    ("arrival-card", {"nationality": "US", "entry_date": "2025-11-20"}),
]


@pytest.mark.parametrize(("measure", "facts"), CASES)
def test_pure_same_facts_same_answer(measure: str, facts: dict[str, Any]) -> None:
    m = get_measure(measure)
    first, second = m.check(facts).to_dict(), m.check(dict(facts)).to_dict()
    assert first == second
    assert first["eligible"] is True
    assert first["data_version"] == load_policy().version


@pytest.mark.parametrize(("measure", "facts"), CASES)
def test_as_of_overrides_the_day_of_the_event(measure: str, facts: dict[str, Any]) -> None:
    d = get_measure(measure).check(facts, date(2024, 1, 1))
    assert d.as_of == date(2024, 1, 1)


@pytest.mark.parametrize("domain", ["m03", "m05", "m09", "m10"])
def test_catalogue_is_complete(domain: str) -> None:
    with (LOCALE / f"{domain}.po").open("rb") as fh:
        catalogue = read_po(fh, locale="en")
    untranslated = [m.id for m in catalogue if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []
