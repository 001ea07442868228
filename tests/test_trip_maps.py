"""The map of the allowed area: drawn from the boundaries package, the allowed divisions
filled (the 240-hour areas city by city), the port marked, small enough for a phone."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from churujing.trips import check_trip
from churujing.trips.maps import DATA_VERSION, area_svg, boundary

SVG = "{http://www.w3.org/2000/svg}"


def _trip(nationality: str, origin: str, airside: bool = False,
          depart: str = "2026-12-15T12:00") -> dict[str, Any]:
    return {"nationality": nationality, "passport_expiry": "2030-01-01", "onward_ticket": True,
            "stays_airside": airside,
            "legs": [{"from": origin, "to": "PVG", "depart": "2026-12-10T08:00+09:00",
                      "arrive": "2026-12-10T09:30"},
                     {"from": "PVG", "to": "LAX", "depart": depart,
                      "arrive": "2026-12-15T08:00-08:00"}]}


def _filled(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {p.get("data-code", "") for p in root.iter(f"{SVG}path")
            if p.get("class") == "allowed"}


def test_the_240_hour_map_fills_the_open_cities_not_their_whole_provinces() -> None:
    entry = check_trip(_trip("US", "ICN")).entries[0]
    assert entry.best.regime == "visa-free-transit-240h"
    svg = area_svg(entry, "en")
    filled = _filled(svg)
    assert {"510100", "530100", "320000", "110000"} <= filled  # Chengdu, Kunming, Jiangsu
    assert "510000" not in filled and "540000" not in filled  # not all Sichuan; not Tibet
    root = ET.fromstring(svg)
    assert root.get("viewBox") == "0 0 640 470"
    assert len(list(root.iter(f"{SVG}circle"))) == 1  # the port of entry
    assert len(svg) < 150_000


def test_the_30_day_map_fills_the_whole_mainland_and_not_the_regions() -> None:
    entry = check_trip(_trip("DE", "FRA")).entries[0]
    assert entry.best.regime == "visa-free-30d"
    filled = _filled(area_svg(entry, "zh"))
    assert len(filled) == 31 and not filled & {"710000", "810000", "820000"}


def test_an_airside_transit_fills_nothing_and_marks_the_port() -> None:
    entry = check_trip(_trip("IN", "ICN", airside=True, depart="2026-12-10T20:00")).entries[0]
    assert entry.best.regime == "direct-transit-24h"
    svg = area_svg(entry, "en")
    assert not _filled(svg) and 'data-kind="port_restricted_area"' in svg


def test_the_boundaries_come_from_the_pinned_package() -> None:
    assert DATA_VERSION == "1.1.2"
    assert len(boundary("510100")) >= 1  # Chengdu's polygons
