"""The application under test, through the ASGI client, and a stand-in measure."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Literal

import pytest

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

from churujing.api import Settings, create_app  # noqa: E402
from churujing.decision import Condition, Decision, Text  # noqa: E402
from churujing.facts import FactsModel  # noqa: E402
from churujing.measures import MEASURES, Measure  # noqa: E402

ROUTE_240H = "visa-free-transit-240h"
GERMAN_TOURIST = {
    "nationality": "DE", "passport_expiry": "2027-06-30", "entry_port": "PVG",
    "entry_time": "2025-11-10T14:30:00", "origin": "US", "destination": "JP",
    "departure_time": "2025-11-18T10:00:00", "onward_ticket": True, "purpose": "tourism",
}


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(check_many_limit=5))) as c:
        yield c


@pytest.fixture
def fresh_client() -> Iterator[TestClient]:
    """A client without cookies from earlier tests."""
    with TestClient(create_app(Settings(check_many_limit=5))) as c:
        yield c


@pytest.fixture
def trip() -> dict[str, object]:
    """The 240-hour measure's worked example (issue 2): eligible until 2025-11-21 00:00."""
    if ROUTE_240H not in MEASURES:
        pytest.skip(f"measure {ROUTE_240H} is not in the registry yet")
    return dict(GERMAN_TOURIST)


class _Facts(FactsModel):
    """Facts of the stand-in measure: one of each kind a form must handle."""

    colour: Literal["red", "green"]
    day: date
    count: int = 1
    sure: bool = False
    tags: list[str] | None = None


def _decide(facts: _Facts, as_of: date | None = None, *, policy: object = None) -> Decision:
    ok = Condition("colour", "M06.1", facts.colour == "green",
                   Text("须为绿色", "must be green"))
    return Decision("stand-in", as_of or facts.day, (ok,),
                    {"count": facts.count, "tags": facts.tags or []})


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Measure:
    """A measure registered for one test: the adapters are generic over the registry."""
    m = Measure("stand-in", "M06", Text("替身", "Stand-in"), _Facts, _decide,
                ModuleType("stand_in"))
    monkeypatch.setitem(MEASURES, m.id, m)
    return m
