"""The question a traveller asks: who travels, why, and the legs of the trip.

The facts are validated like every measure's (:func:`churujing.facts.parse_facts`): an
invalid field raises :class:`~churujing.errors.FactsError` naming it (``legs.1.to``), with
every invalid field of the object listed.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from churujing.errors import AmbiguousName
from churujing.facts import (
    BeijingDateTime,
    FactsModel,
    MaybePassportExpiry,
    Nationality,
    VisitAreas,
    in_order,
    instant_of,
)
from churujing.i18n import T
from churujing.refs import AMBIGUOUS
from churujing.trips.stops import Stop, UnknownStop, ambiguous, resolve_stop

__all__ = ["PURPOSES", "Leg", "Purpose", "TripFacts"]

Purpose = Literal["tourism", "business", "visit", "family", "transit", "work", "study",
                  "journalism", "other"]
PURPOSES: tuple[str, ...] = get_args(Purpose)


def _stop(value: Any, info: ValidationInfo) -> Stop:
    if isinstance(value, Stop):
        return value
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("name_type", "expected a name or code (a string)")
    from churujing.policy import load_policy

    context = info.context if isinstance(info.context, dict) else {}
    policy = context.get("policy") or load_policy()
    try:
        return resolve_stop(value, policy.table("ports"))
    except AmbiguousName as exc:
        raise PydanticCustomError(AMBIGUOUS, "{message}",
                                  {"message": exc.message, "text": ambiguous(exc),
                                   "candidates": exc.candidates}) from None
    except UnknownStop as exc:
        raise PydanticCustomError("unknown_place", "{message}",
                                  {"message": exc.text.en, "text": exc.text}) from None


StopName = Annotated[Stop, PlainValidator(_stop), WithJsonSchema({"type": "string",
                                                                   "minLength": 1})]


class Leg(FactsModel):
    """One leg of the trip: a flight, ship, train or road crossing."""

    from_: StopName = Field(
        alias="from",
        description="where the leg starts: an airport by IATA code (FRA), a port by name or "
        "code (罗湖, Pazhou) or a city (Tokyo, 苏州); Hong Kong, Macau and Taiwan are regions",
    )
    to: StopName = Field(description="where the leg ends, named as from is")
    depart: BeijingDateTime = instant_of("departure of the leg")
    arrive: BeijingDateTime = instant_of("arrival of the leg")

    model_config: ClassVar[ConfigDict] = ConfigDict(**FactsModel.model_config,
                                                     populate_by_name=True)

    _arrival_not_before_departure = in_order("arrive", "depart",
                                             "expected an arrival not before the departure")


class TripFacts(FactsModel):
    """The whole trip: the traveller, the purpose and the legs in order. The 240-hour
    transit needs the passport's expiry date."""

    nationality: Nationality
    passport_expiry: MaybePassportExpiry = None
    purpose: Purpose = Field(
        default="tourism",
        description="tourism, business, visit, family, transit, work, study, journalism "
        "or other")
    onward_ticket: bool | None = Field(
        default=None,
        description="holds, before entry, a confirmed ticket with a fixed date out of "
        "mainland China (for a connection: the onward flight); when not given, a leg that "
        "leaves the mainland is taken as that ticket, with a warning")
    stays_airside: bool = Field(
        default=False,
        description="at a connection, stays in the port's restricted area (airside) and does "
        "not enter China")
    visit_areas: VisitAreas = None
    legs: list[Leg] = Field(min_length=1, description="the legs of the trip, in order")

    @model_validator(mode="after")
    def _in_order(self) -> TripFacts:
        for n in range(1, len(self.legs)):
            before, leg = self.legs[n - 1], self.legs[n]
            if leg.depart < before.arrive:
                text = T("第{n}段行程的出发时间早于上一段的到达时间", n=n + 1)
                raise PydanticCustomError("legs_order", "{message}",
                                          {"message": text.en, "text": text,
                                           "field": f"legs.{n}.depart"})
        return self
