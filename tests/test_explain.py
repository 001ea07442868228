"""An explanation knows no measure's detail keys: a detail that needs its own wording says
itself (``decision.Plain``), as measure 6's stay areas do."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

from churujing import decision
from churujing.decision import Condition, Decision, Text
from churujing.measures import MEASURES
from churujing.measures.m06_visa_free_transit import StayArea

TRIP = {"nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
        "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
        "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism"}


class _Said:
    def plain(self, lang: str) -> str:
        return "说" if lang == "zh" else "said"


def test_a_plain_detail_says_itself() -> None:
    d = Decision("x", date(2025, 11, 10), (Condition("c", "M01", True, Text("好", "ok")),),
                 {"thing": _Said()})
    assert "  · thing: said" in d.explain("en").splitlines()
    assert "  · thing: 说" in d.explain("zh").splitlines()


def test_a_partly_open_province_lists_its_areas_and_a_whole_one_does_not() -> None:
    """A2: Shanxi's stay area is two of its cities; Shanghai's is the whole city."""
    d = MEASURES["visa-free-transit-240h"].check(TRIP)
    areas = {a["province"]: a for a in d.details["allowed_areas"]}
    shanxi, sh = areas["140000"], areas["310000"]
    assert isinstance(shanxi, StayArea)
    assert shanxi.plain("zh") == "山西省 (太原市, 大同市)"
    assert sh.plain("en") == sh["name"].en
    line = next(x for x in d.explain("zh").splitlines() if x.startswith("  · allowed_areas"))
    assert shanxi.plain("zh") in line and sh.plain("zh") in line


def test_a_stay_area_is_read_only_and_its_json_is_a_plain_mappings() -> None:
    d = MEASURES["visa-free-transit-240h"].check(TRIP)
    area = d.details["allowed_areas"][0]
    with pytest.raises(TypeError):
        area["name"] = "x"  # type: ignore[index]
    assert d.to_dict()["details"]["allowed_areas"][0] == decision.jsonable(dict(area))


def test_decision_names_no_measures_detail_keys() -> None:
    source = inspect.getsource(decision)
    for key in ("whole_province", "allowed_areas", "stay_deadline", '"areas"'):
        assert key not in source, key
