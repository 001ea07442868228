"""Answers are values (issue 11 §5): what one caller does to its answer never changes the
next caller's. Every scenario's answer is vandalised — every mutable container in it is
emptied or overwritten where it can be — and the same question asked again must give
exactly the first answer."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from churujing import get_measure
from churujing.decision import freeze

SCENARIOS = Path(__file__).parent / "scenarios"
TRIP = {
    "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
    "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
    "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism",
}


def _vandalise(value: Any) -> None:
    """Change everything that lets itself be changed, depth first."""
    if isinstance(value, dict):
        for v in list(value.values()):
            _vandalise(v)
        value.clear()
        value["vandalised"] = True
    elif isinstance(value, list):
        for v in value:
            _vandalise(v)
        value.clear()
        value.append("vandalised")
    elif hasattr(value, "items"):  # a read-only mapping: try, and go down
        with contextlib.suppress(TypeError):
            value["vandalised"] = True  # type: ignore[index]
        for v in list(value.values()):
            _vandalise(v)
    elif isinstance(value, tuple):
        for v in value:
            _vandalise(v)


def _cases() -> list[Any]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            if "error" not in case["expect"]:
                out.append(pytest.param(doc["measure"], case, id=f"{path.stem}: {case['name']}"))
    return out


@pytest.mark.parametrize(("measure", "case"), _cases())
def test_changing_an_answer_leaves_the_next_unchanged(measure: str, case: Any) -> None:
    m = get_measure(measure)
    as_of = date.fromisoformat(str(case["as_of"])) if case.get("as_of") else None
    first = m.check(case["facts"], as_of)
    expected = first.to_dict()
    _vandalise(first.details)
    assert m.check(case["facts"], as_of).to_dict() == expected


def test_the_stay_areas_one_answer_shares_with_the_next_are_read_only() -> None:
    """The issue's own finding: changing ``details["allowed_areas"][0]`` of one decision
    changed the next traveller's answer."""
    m = get_measure("visa-free-transit-240h")
    d = m.check(TRIP)
    with pytest.raises(TypeError):
        d.details["allowed_areas"][0]["province"] = "changed"  # type: ignore[index]
    with pytest.raises(TypeError):
        d.details["stay_deadline"] = "changed"  # type: ignore[index]
    assert m.check(TRIP).details["allowed_areas"][0]["province"] == "110000"


def test_freeze_makes_every_level_read_only() -> None:
    frozen = freeze({"a": [1, {"b": [2]}], "c": {3}})
    with pytest.raises(TypeError):
        frozen["a"] = 0
    assert frozen["a"] == (1, frozen["a"][1]) and frozen["a"][1]["b"] == (2,)
    assert frozen["c"] == frozenset({3})
