"""A fact several measures (and the trip) ask for is declared once (issue 11: the duplicates
criterion): wherever it is asked, its schema says the same of it, from ``churujing.facts``."""

from __future__ import annotations

from typing import Any

import pytest

from churujing import facts as shared
from churujing.measures import MEASURES
from churujing.trips.facts import TripFacts

MODELS: dict[str, Any] = {m.id: m.facts for m in MEASURES.values()} | {"trip": TripFacts}

#: fact -> its one declaration in churujing.facts
SHARED = {
    "nationality": shared.Nationality,
    "passport_expiry": shared.PassportExpiry,
    "origin": shared.Origin,
    "destination": shared.Destination,
    "origin_airport": shared.OriginAirport,
    "destination_airport": shared.DestinationAirport,
    "departure_time": shared.Departure,
    "visit_areas": shared.VisitAreas,
}


def _description(annotated: Any) -> str:
    return next(m.description for m in annotated.__metadata__ if hasattr(m, "description"))


def _askers(fact: str) -> list[str]:
    return [name for name, model in MODELS.items() if fact in model.model_fields]


@pytest.mark.parametrize("fact", sorted(SHARED))
def test_a_shared_fact_says_the_same_in_every_model(fact: str) -> None:
    askers = _askers(fact)
    assert len(askers) >= 2, f"{fact} is asked by {askers} only: it needs no shared type"
    for name in askers:
        prop = MODELS[name].model_json_schema()["properties"][fact]
        assert prop.get("description") == _description(SHARED[fact]), (
            f"{name}.{fact} declares its own description: use churujing.facts")


def test_the_check_fails_on_a_fact_declared_in_its_own_words() -> None:
    """The check can fail: a model that declares nationality in its own words differs."""
    from pydantic import Field

    from churujing.facts import FactsModel
    from churujing.refs import CountryName

    class Own(FactsModel):
        nationality: CountryName = Field(description="the traveller's country")

    assert (Own.model_json_schema()["properties"]["nationality"]["description"]
            != _description(shared.Nationality))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_time_of_day_fact_says_how_it_is_read(name: str) -> None:
    """Every instant a model asks for says it is ISO 8601, Beijing time without an offset
    (churujing.facts.instant_of / day_of_event), in the same words."""
    for fact, prop in MODELS[name].model_json_schema()["properties"].items():
        if prop.get("format") == "date-time" or fact.endswith("_time"):
            assert str(prop.get("description", "")).endswith(
                "(Beijing time when no offset is given)"), f"{name}.{fact}"
