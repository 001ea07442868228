"""The places a trip's legs go from and to: a port or city of mainland China, or a country
or region abroad (Hong Kong, Macau and Taiwan are regions of their own).

A leg names its ends as people do: an airport by IATA code (PVG, FRA, HKG), a port by name
or code (罗湖, Pazhou), or a city (苏州, Tokyo). The names are resolved through
:mod:`churujing.places`, the same resolvers every measure's facts use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from churujing import places
from churujing.decision import Text
from churujing.errors import AmbiguousName
from churujing.i18n import T
from churujing.predicates import MAINLAND, outside_mainland

if TYPE_CHECKING:
    from churujing.policy.loader import Table

__all__ = ["MAINLAND", "Stop", "UnknownStop", "resolve_stop"]

_REGION_OF = {"710000": "TW", "810000": "HK", "820000": "MO"}


class UnknownStop(ValueError):
    """A name that is no port, airport, city, country or region the project knows."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True, slots=True)
class Stop:
    """One end of a leg: in mainland China (a port, or a city whose port is not named) or
    abroad (a country or region)."""

    query: str
    mainland: bool
    country: places.Country | None = None  # abroad: where
    port: places.Port | None = None  # mainland: the port, when the name is one
    city: places.Division | None = None  # mainland: the city, when the name is one
    via: str = ""  # the airport code or city the country was read from

    @property
    def text(self) -> Text:
        if self.port is not None:
            return self.port.text
        if self.city is not None:
            return self.city.text
        if self.country is not None:
            return self.country.text
        return Text(self.query, self.query)

    def resolved_country(self) -> places.Resolved[places.Country]:
        """The country or region abroad, as a measure's ``origin`` / ``destination`` fact."""
        return places.Resolved(self.query, self.country, (), None, self.via)

    def resolved_port(self) -> places.Resolved[places.Port]:
        """The port, as a measure's port fact (unrecognised when only a city was named)."""
        return places.Resolved(self.query, self.port, ())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"query": self.query, "mainland": self.mainland,
                               **self.text.to_dict()}
        if self.port is not None:
            out["port"] = self.port.id
        if self.city is not None:
            out["city"] = self.city.code
        if self.country is not None:
            out["country"] = self.country.code
            out["region"] = self.country.is_region
        return out


def _abroad(country: places.Country, query: str, via: str = "") -> Stop:
    return Stop(query, False, country=country, via=via)


def resolve_stop(query: str, ports: Table) -> Stop:
    """The place ``query`` names. Raises :class:`~churujing.errors.AmbiguousName` when it
    names several ports or places, :class:`UnknownStop` when it names none.

    Order: a three-letter IATA code is an airport (FRA is Frankfurt here: a leg flies
    between airports); then a country, region or city abroad; then a port of the registry
    (or an airport by name, also without "International Airport"); then a division of
    China (a city whose port is not named) — one in Taiwan, Hong Kong or Macau is that
    region; then the place ports of the registry lie at (磨憨, Mohan).
    """
    q = query.strip()
    code = q.upper()
    if len(code) == 3 and code.isascii() and code.isalpha() and places.airport(code):
        country = places.by_iata_country(code)
        if country is not None and outside_mainland(country):
            return _abroad(country, q, code)
        found = places.port(code, ports)
        if found.value is not None:
            return Stop(q, True, port=found.value)
    abroad = places.place_abroad(q)
    if abroad.value is not None and outside_mainland(abroad.value):
        return _abroad(abroad.value, q, abroad.via)
    # a port by its own name (or an airport's): a city's name is the city, below
    port = places.port(q, ports, by_place=False)  # may raise AmbiguousName
    if port.value is not None:
        p = port.value
        if p.listed or p.province:
            return Stop(q, True, port=p)
        country = places.by_iata_country(p.iata or "")
        if country is not None and outside_mainland(country):
            return _abroad(country, q, p.iata or "")
    for suffix in (" International Airport", " Airport"):  # "Kunming Changshui"
        if q.isascii() and not q.lower().endswith("airport"):
            longer = places.port(q + suffix, ports)
            if longer.value is not None and longer.value.listed:
                return Stop(q, True, port=longer.value)
    division = places.division(q)
    if division.value is not None:
        region = _REGION_OF.get(division.value.province)
        if region is not None:  # a place in Taiwan, Hong Kong or Macau (GB/T 2260 71, 81, 82)
            country = places.country(region).value
            if country is not None:
                return _abroad(country, q, q)
        return Stop(q, True, city=division.value)
    if abroad.value is not None:  # China itself
        return Stop(q, True)
    # the place ports lie at that is no division (磨憨: its rail and road ports)
    at_place = places.port(q, ports)  # may raise AmbiguousName
    if at_place.value is not None and at_place.value.listed:
        return Stop(q, True, port=at_place.value)
    suggestions = (*port.suggestions, *division.suggestions, *abroad.suggestions)[:3]
    if suggestions:
        raise UnknownStop(T("未能识别地点“{query}”；您是否指：{suggestions}？", query=q,
                            suggestions=Text.join(Text(s, s) for s in suggestions)))
    raise UnknownStop(T("未能识别地点“{query}”：请填写机场代码（如PVG）、口岸名称或城市。",
                        query=q))


def ambiguous(exc: AmbiguousName) -> Text:
    """The ambiguity's own text (it lists each candidate with where it lies)."""
    return exc.message_text or Text(exc.message, exc.message)
