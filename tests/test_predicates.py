"""The shared predicates (churujing.predicates): third country or region, foreign national
or Chinese citizen, area allowed; and the measures, the batch and the views agree with
them."""

from __future__ import annotations

from datetime import date

import pytest

from churujing import places
from churujing.measures.m06_visa_free_transit import rules_on
from churujing.policy import load_policy
from churujing.predicates import (
    area_allowed,
    chinese_citizen,
    foreign_national,
    outside_mainland,
    third_country,
)
from churujing.views import cities

DAY = date(2025, 12, 1)


def _country(code: str) -> places.Country:
    found = places.country(code).value
    assert found is not None, code
    return found


def _division(name: str) -> places.Division:
    found = places.division(name).value
    assert found is not None, name
    return found


@pytest.mark.parametrize(("origin", "destination", "expected"), [
    ("US", "JP", True),
    ("HK", "MO", True),  # two regions, each outside the mainland
    ("TW", "US", True),
    ("US", "US", False),  # back where it came from
    ("HK", "HK", False),
    ("CN", "JP", False),  # from the mainland
    ("KR", "CN", False),  # to the mainland
])
def test_a_third_country_or_region_is_outside_the_mainland_and_not_the_origin(
        origin: str, destination: str, expected: bool) -> None:
    assert third_country(_country(origin), _country(destination)) is expected


@pytest.mark.parametrize(("code", "chinese"), [
    ("CN", True), ("HK", True), ("MO", True), ("TW", True), ("DE", False), ("SG", False),
])
def test_a_nationality_of_china_includes_hong_kong_macao_and_taiwan(code: str,
                                                                   chinese: bool) -> None:
    country = _country(code)
    assert chinese_citizen(country) is chinese
    assert foreign_national(country) is not chinese
    assert outside_mainland(country) is (code != "CN")


@pytest.mark.parametrize(("name", "allowed"), [
    ("上海", True),      # a whole municipality
    ("浦东", True),      # a district of it, through the municipality
    ("苏州", True),      # a city of a whole province (Jiangsu)
    ("江阴", True),      # a county-level city, through its prefecture and province
    ("成都", True),      # a listed city of a province only partly open (Sichuan)
    ("都江堰", True),    # a county of that listed city
    ("四川", False),     # the partly open province itself
    ("拉萨", False),     # a city outside every stay area
])
def test_a_place_is_allowed_through_its_prefecture_or_its_province(name: str,
                                                                   allowed: bool) -> None:
    rules = rules_on(load_policy(), DAY)
    place = _division(name)
    assert area_allowed(place, rules.areas.listed) is allowed
    assert rules.area_allowed(place) is allowed


def test_a_county_is_inside_a_listed_prefecture_even_when_its_province_is_not() -> None:
    listed = {"510100"}  # only Chengdu
    assert area_allowed(_division("都江堰"), listed)
    assert not area_allowed(_division("绵阳"), listed)
    assert not area_allowed(_division("四川"), listed)


def test_the_cities_view_and_measure_6_agree_on_every_division() -> None:
    policy = load_policy()
    rules = rules_on(policy, DAY)
    rows = cities(policy, DAY)
    assert rows
    for row in rows:
        place = places.division(row.code).value
        assert place is not None
        assert row.in_stay_area is rules.area_allowed(place), row.code
