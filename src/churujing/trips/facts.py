"""The question a traveller asks: who travels, why, and the legs of the trip.

The facts are validated like every measure's (:func:`churujing.facts.parse_facts`): an
invalid field raises :class:`~churujing.errors.FactsError` naming it (``legs.1.to``), with
every invalid field of the object listed.

The times of the legs: only the instants in China and the times between two legs are
needed to answer. The first leg's departure may be left out when it leaves from abroad, and
the last leg's arrival when it arrives abroad; every other leg's ``depart`` and ``arrive``
is required (an error on that leg's field, every missing one listed at once).
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

from churujing.decision import Text
from churujing.errors import AmbiguousName
from churujing.facts import (
    BeijingDateTime,
    FactsModel,
    MaybePassportExpiry,
    Nationality,
    VisitAreas,
    in_order,
)
from churujing.i18n import T
from churujing.refs import AMBIGUOUS
from churujing.trips.stops import Stop, UnknownStop, ambiguous, resolve_stop

__all__ = ["PURPOSES", "Leg", "Purpose", "TripFacts", "missing_times"]

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
    depart: BeijingDateTime | None = Field(default=None, description=(
        "departure of the leg: an ISO 8601 date-time (Beijing time when no offset is given); "
        "required, except on the first leg when it leaves from abroad"))
    arrive: BeijingDateTime | None = Field(default=None, description=(
        "arrival of the leg: an ISO 8601 date-time (Beijing time when no offset is given); "
        "required, except on the last leg when it arrives abroad"))

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

    @classmethod
    def missing_together(cls, data: dict[str, Any]) -> list[tuple[str, Text]]:
        """The legs' missing times (:func:`missing_times`), read from the raw legs: listed
        beside the other fields' errors."""
        legs = data.get("legs")
        if not isinstance(legs, list):
            return []
        raw = [leg if isinstance(leg, dict) else {} for leg in legs]
        return missing_times([(_mainland(leg.get("from")), _mainland(leg.get("to")),
                               leg.get("depart") is not None, leg.get("arrive") is not None)
                              for leg in raw])

    @model_validator(mode="after")
    def _in_order(self) -> TripFacts:
        missing = missing_times([(leg.from_.mainland, leg.to.mainland, leg.depart is not None,
                                  leg.arrive is not None) for leg in self.legs])
        if missing:
            field, text = missing[0]
            raise PydanticCustomError("missing", "{message}",
                                      {"message": text.en, "text": text, "field": field})
        for n in range(1, len(self.legs)):
            before, leg = self.legs[n - 1], self.legs[n]
            assert leg.depart is not None and before.arrive is not None  # missing_times
            if leg.depart < before.arrive:
                text = T("第{n}段行程的出发时间早于上一段的到达时间", n=n + 1)
                raise PydanticCustomError("legs_order", "{message}",
                                          {"message": text.en, "text": text,
                                           "field": f"legs.{n}.depart"})
        return self


def _mainland(value: Any) -> bool | None:
    """Whether a raw stop names a place in mainland China (None: not known from it)."""
    if not isinstance(value, str) or not value.strip():
        return None
    from churujing.policy import load_policy

    try:
        return resolve_stop(value, load_policy().table("ports")).mainland
    except (AmbiguousName, UnknownStop):
        return None


def missing_times(legs: list[tuple[bool | None, bool | None, bool, bool]]
                  ) -> list[tuple[str, Text]]:
    """The times a trip needs and lacks, as (field, message), in order; each leg given as
    (leaves from the mainland, arrives in the mainland, has ``depart``, has ``arrive``), the
    first two None when not known. A leg's departure is needed unless it is the first leg
    and leaves from abroad; its arrival unless it is the last and arrives abroad."""
    out: list[tuple[str, Text]] = []
    last = len(legs) - 1
    for n, (from_mainland, to_mainland, has_depart, has_arrive) in enumerate(legs):
        if not has_depart and (n > 0 or from_mainland):
            out.append((f"legs.{n}.depart", T(
                "缺少出发时间：只有从境外出发的第一段行程可以不填")))
        if not has_arrive and (n < last or to_mainland):
            out.append((f"legs.{n}.arrive", T(
                "缺少到达时间：只有到达境外的最后一段行程可以不填")))
    return out
