"""Small pieces every measure uses: its answer, the policy data, the ends of a journey. The
facts several measures ask for are declared once, with their descriptions, in
:mod:`churujing.facts`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol, TypeVar

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from churujing.decision import Condition, Decision, Text
from churujing.errors import DataError
from churujing.facts import FactsModel
from churujing.i18n import T
from churujing.places import Country, Resolved
from churujing.policy import Policy, load_policy

__all__ = ["JourneyFacts", "answer", "journey_end", "journey_ends", "journey_missing",
           "not_recognised", "policy_or_default", "required", "required_or_first"]


def answer(measure: str, day: date, conditions: Iterable[Condition],
           details: Mapping[str, Any], warnings: Iterable[Text], policy: Policy) -> Decision:
    """A measure's answer on ``day``: its conditions in order, its details and warnings, and
    the version of the data it was decided on."""
    return Decision(measure=measure, as_of=day, conditions=tuple(conditions), details=details,
                    warnings=tuple(warnings), data_version=policy.version)


def policy_or_default(policy: Policy | None) -> Policy:
    """The given policy data, or the packaged one."""
    return policy if policy is not None else load_policy()


def required(policy: Policy, name: str, day: date) -> Any:
    """The value of parameter ``name`` on ``day``, which the rule cannot do without: the data
    must give it (a :class:`DataError` otherwise), for no value of policy has a default in
    Python."""
    value = policy.value(name, day)
    if value is None:
        raise DataError(f"policy parameter {name!r} has no value on {day.isoformat()}")
    return value


def required_or_first(policy: Policy, name: str, day: date) -> Any:
    """The value of parameter ``name`` on ``day``; before its first value, that first value
    (a rule answered before its scheme began still says what else it would need: the data
    gives that value too, never Python). A :class:`DataError` when the data gives none."""
    param = policy.param(name)
    found = param.at(day) or (param.values[0] if param.values else None)
    value = found.value if found is not None else None
    if value is None:
        raise DataError(f"policy parameter {name!r} has no value on {day.isoformat()}")
    return value


def not_recognised(what: Text, resolved: Resolved[Any]) -> Text:
    """The warning for a name that matched nothing known, with close matches if any."""
    warning = resolved.warning(what)
    if warning is None:
        raise ValueError(f"{resolved.query!r} was recognised; there is nothing to warn about")
    return warning


def journey_end(place: Resolved[Country] | None,
                airport: Resolved[Country] | None) -> Resolved[Country]:
    """The country or region at one end of a journey: the airport's when its code is given
    (and recognised), else the place's (the facts' validator requires one of them)."""
    if airport is not None and (airport.value is not None or place is None):
        return airport
    assert place is not None
    return place


class _Journey(Protocol):
    origin: Resolved[Country] | None
    destination: Resolved[Country] | None
    origin_airport: Resolved[Country] | None
    destination_airport: Resolved[Country] | None


J = TypeVar("J", bound=_Journey)


def _missing_end(end: str) -> Text:
    return T("缺少必需的事实：请填写{end}或{end}_airport", end=end)


def journey_missing(data: dict[str, Any]) -> list[tuple[str, Text]]:
    """The ends of the journey ``data`` gives neither as a place nor as an airport."""
    return [(end, _missing_end(end)) for end in ("origin", "destination")
            if data.get(end) is None and data.get(f"{end}_airport") is None]


def journey_ends(facts: J) -> J:
    """Each end of the journey is given, as a place or an airport code, and the two agree
    when both are given (a facts model's after-validator)."""
    for end in ("origin", "destination"):
        place, airport = getattr(facts, end), getattr(facts, f"{end}_airport")
        if place is None and airport is None:
            text = _missing_end(end)
            raise PydanticCustomError("missing", "{message}",
                                      {"message": text.en, "text": text, "field": end})
        if (place is not None and airport is not None and place.value is not None
                and airport.value is not None and place.value != airport.value):
            text = T("{end}_airport 的机场{code}位于{airport_country}，但{end}为{country}",
                     end=end, code=airport.via, airport_country=airport.value.text,
                     country=place.value.text)
            raise PydanticCustomError("ends_disagree", "{message}",
                                      {"message": text.en, "text": text,
                                       "field": f"{end}_airport"})
    return facts


class JourneyFacts(FactsModel):
    """Base of the facts of a journey whose two ends (fields ``origin``, ``destination``,
    ``origin_airport``, ``destination_airport``, which each measure declares in its own order
    with the types of :mod:`churujing.facts`: ``Origin``, ``Destination``, ``OriginAirport``,
    ``DestinationAirport``) are checked by :func:`journey_ends` and, before it runs,
    :func:`journey_missing`."""

    _ends = model_validator(mode="after")(journey_ends)

    @classmethod
    def missing_together(cls, data: dict[str, Any]) -> list[tuple[str, Text]]:
        return journey_missing(data)
