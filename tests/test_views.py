"""The library's views of the data (``churujing.views``): frozen values, and no rule of
their own (a city's ``in_stay_area`` is measure 6's answer for a visit there)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from churujing import views
from churujing.measures import MEASURES
from churujing.policy import load_policy

DAY = date(2025, 11, 10)
TRIP = {"nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
        "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
        "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism"}


def test_a_city_is_in_a_stay_area_exactly_when_measure_6_lets_a_traveller_visit_it() -> None:
    """A1.4 / A2: the cities view and the rule give one answer for every province and
    prefecture-level city, partial provinces (Guangdong: some cities) included."""
    m06 = MEASURES["visa-free-transit-240h"]
    policy = load_policy()
    found = views.cities(policy, DAY)
    assert len(found) > 300
    for city in found:
        decision = m06.check({**TRIP, "visit_areas": [city.code]}, DAY)
        assert city.in_stay_area is decision.condition("visit_areas").met, city
    by_name = {c.zh: c.in_stay_area for c in found}
    assert by_name["苏州市"] and by_name["广州市"] and not by_name["四川省"]


def test_views_are_frozen_values() -> None:
    policy = load_policy()
    port = views.ports(policy, DAY, measure="M06")[0]
    area = views.stay_areas(policy, DAY)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        port.zh = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        area.attrs["x"] = 1  # type: ignore[index]
    assert isinstance(port.memberships, tuple) and isinstance(area.areas, tuple)
    with pytest.raises(TypeError):
        views.division_index()["x"] = None  # type: ignore[index]


def test_a_measure_is_named_by_its_id_or_its_clause() -> None:
    policy = load_policy()
    by_id = views.ports(policy, DAY, measure="visa-free-transit-240h")
    assert by_id == views.ports(policy, DAY, measure="M06")
    assert len(by_id) == 65  # annex 2's 65 ports on 2025-11-10 (M06.2)
    assert all(p.membership(views.ENTRY_PORTS) is not None for p in by_id)


def test_an_unknown_airport_is_none_and_a_known_one_says_whether_it_is_listed() -> None:
    policy = load_policy()
    assert views.airport(policy, DAY, "ZZZ") is None
    pvg = views.airport(policy, DAY, "pvg")
    assert pvg is not None and pvg.iata == "PVG" and pvg.registry_port == "pvg"
