"""Measure 1's free trade zones by area (片区): every listed division, both ways.

M01.1: "…以及全国所有自由贸易试验区实施往来港澳人才签注政策。在上述区域工作的…人才…". A zone is its
areas; each area lies in the GB/T 2260 divisions of ``m01.free_trade_zones``.
"""

from __future__ import annotations

from typing import Any

import pytest

from churujing import get_measure, load_policy

POLICY = load_policy()
MEASURE = get_measure("talent-endorsement")
ZONES = list(POLICY.table("m01.free_trade_zones"))
MEMBERS = {item.key for item in POLICY.table("m01.regions")}


def _check(work_city: str, claim: bool | None, day: str = "2025-11-10") -> dict[str, Any]:
    facts: dict[str, Any] = {"work_city": work_city, "talent_category": "research",
                             "talent_certificate": True, "date": day}
    if claim is not None:
        facts["in_free_trade_zone"] = claim
    out: dict[str, Any] = MEASURE.check(facts).to_dict()
    return out


def _work_place(out: dict[str, Any]) -> dict[str, Any]:
    (condition,) = (c for c in out["conditions"] if c["code"] == "work_place")
    return condition


def _outside_regions(code: str) -> bool:
    """Neither the division, its prefecture nor its province is a member region."""
    return not {code, code[:4] + "00", code[:2] + "0000"} & MEMBERS


LISTED = sorted({(code, zone.key) for zone in ZONES for area in zone["areas"]
                 for code in area["lies_in"]})


@pytest.mark.parametrize(("code", "zone"), LISTED)
def test_every_listed_division_qualifies_on_the_statement(code: str, zone: str) -> None:
    out = _check(code, True)
    assert _work_place(out)["met"], (code, zone, _work_place(out)["en"])
    assert out["details"]["zone_fit"] in ("inside", "partly")
    assert not out["warnings"], out["warnings"]


@pytest.mark.parametrize(("code", "zone"), [(c, z) for c, z in LISTED if _outside_regions(c)])
def test_outside_the_regions_a_listed_division_needs_the_statement(code: str, zone: str) -> None:
    covered = {c for z in ZONES for a in z["areas"] for c in a.get("covers", {})}
    out = _check(code, False)
    assert _work_place(out)["met"] is (code in covered), (code, zone)
    assert not _work_place(_check(code, True, "2025-11-04"))["met"], "zones join 2025-11-05"


def test_a_district_beside_the_areas_is_refused_with_where_they_lie() -> None:
    out = _check("350203", True)  # 思明区, Xiamen: the Xiamen area is in 海沧 and 湖里
    condition = _work_place(out)
    assert not condition["met"]
    assert out["details"]["zone_fit"] == "outside"
    assert "Haicang District, Huli District" in condition["en"]
    assert "思明区" in condition["zh"]


def test_every_zone_names_each_province_once() -> None:
    provinces = [zone["province"] for zone in ZONES]
    assert len(provinces) == len(set(provinces)) == 22
