"""The policy data as of a date, as the adapters show it: ports, nationalities, stay
areas, cities, airports, changes.

The API (``api/routes/policy.py``, ``api/routes/changes.py``) and the pages (``web/``)
both read these views; neither holds a data query of its own. A view is a frozen value
(tuples, not lists) with ``to_dict()`` giving the JSON of the API.

Generic over the data files: a *port table* is any table keyed by ``port`` (its measure
is the clause prefix of its name: ``m06.entry_ports`` belongs to ``M06``), a *country
list* any table keyed by ``country``. Tables landing later just appear.

Whether a city lies in the 240-hour stay areas is measure 6's own area test (A2), called
through :func:`_in_stay_area`; this module restates no rule. It sits above
``measures/`` (it reads their registry and rules) and below the adapters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

from churujing import places
from churujing.decision import jsonable
from churujing.errors import FactsError
from churujing.measures import MEASURES
from churujing.measures import m06_visa_free_transit as _m06
from churujing.policy import Policy
from churujing.policy.loader import Change, Item, Ref, Table
from churujing.text import Text

__all__ = [
    "DIRECT_TRANSIT_AIRPORTS",
    "ENTRY_PORTS",
    "NATIONALITIES",
    "PORTS",
    "STAY_AREAS",
    "Airport",
    "Area",
    "ChangeView",
    "City",
    "Membership",
    "Nationality",
    "Port",
    "StayArea",
    "airport",
    "airports",
    "changes",
    "cities",
    "country_lists",
    "division_index",
    "item_label",
    "listed_countries",
    "measure_tables",
    "nationalities",
    "parameter",
    "port",
    "port_tables",
    "ports",
    "stay_areas",
    "table_size",
]

PORTS = "ports"  # the ports registry
STAY_AREAS = "m06.stay_areas"
ENTRY_PORTS = "m06.entry_ports"
NATIONALITIES = "m06.nationalities"
DIRECT_TRANSIT_AIRPORTS = "m05.airports"


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in s if not unicodedata.combining(c) and not c.isspace())


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _ref(ref: Ref) -> dict[str, Any]:
    """A citation with every field (the API's ``RefOut``; ``Ref.to_dict`` drops empty ones)."""
    return {"clause": ref.clause, "source": ref.source, "confidence": ref.confidence,
            "note": ref.note, "secondary": ref.secondary}


def _frozen(attrs: Mapping[str, Any], leave_out: Iterable[str]) -> Mapping[str, Any]:
    drop = frozenset(leave_out)
    return MappingProxyType({k: v for k, v in attrs.items() if k not in drop})


# --------------------------------------------------------------------------- places


@cache
def division_index() -> Mapping[str, places.Division]:
    """GB/T 2260 code -> ``places.Division`` (provinces and prefecture-level divisions)."""
    return MappingProxyType({d.code: d for d in places.divisions()})


def _division_text(code: str) -> Text | None:
    d = division_index().get(code)
    return Text(d.zh, d.en) if d is not None else None


def _in_stay_area(policy: Policy, day: date) -> Callable[[places.Division], bool]:
    """Measure 6's own test of a place against the stay areas in force on ``day`` (A2):
    its rules of the day (``rules_on``), over the shared predicate
    (:func:`churujing.predicates.area_allowed`)."""
    return _m06.rules_on(policy, day).area_allowed


# --------------------------------------------------------------------------- tables


def port_tables(policy: Policy) -> tuple[Table, ...]:
    """Every measure table whose items are ports (keyed by ``port``)."""
    return tuple(t for t in policy.tables.values() if t.key_field == "port")


def country_lists(policy: Policy) -> tuple[Table, ...]:
    """Every table whose items are countries (keyed by ``country``)."""
    return tuple(t for t in policy.tables.values() if t.key_field == "country")


def measure_tables(policy: Policy, measure: str) -> tuple[Table, ...]:
    """The port tables of a measure named by its id (``visa-free-transit-240h``) or clause."""
    clause = MEASURES[measure].clause if measure in MEASURES else measure
    prefix = clause.lower() + "."
    return tuple(t for t in port_tables(policy) if t.name.startswith(prefix))


def listed_countries(policy: Policy, measure: str, day: date) -> frozenset[str]:
    """The countries the country lists of a measure (id or clause) hold on ``day``."""
    clause = MEASURES[measure].clause if measure in MEASURES else measure
    prefix = clause.lower() + "."
    return frozenset(k for t in country_lists(policy) if t.name.startswith(prefix)
                     for k in t.keys(day))


def table_size(policy: Policy, name: str, day: date) -> int | None:
    """How many items the table ``name`` holds on ``day`` (None: no such table)."""
    t = policy.tables.get(name)
    return len(t.active(day)) if t is not None else None


def parameter(policy: Policy, name: str, day: date) -> Any:
    """The value of the parameter ``name`` on ``day`` (None: no such parameter, or no
    value that day)."""
    p = policy.parameters.get(name)
    value = p.at(day) if p is not None else None
    return value.value if value is not None else None


def item_label(table: Table, item: Item, policy: Policy) -> Text | None:
    """A human name for a table item: its own zh/en, else the port, division or country."""
    a = item.attrs
    if isinstance(a.get("zh"), str) and isinstance(a.get("en"), str):
        return Text(a["zh"], a["en"])
    registry = policy.tables.get(PORTS)
    if table.key_field == "port" and registry is not None:
        p = registry.get(item.key)
        if p is not None:
            return Text(str(p.get("zh") or p.key), str(p.get("en") or p.key))
    found = _division_text(item.key)
    if found is not None:
        return found
    if table.key_field == "country":
        try:
            c = places.country(item.key).value
        except FactsError:
            c = None
        if c is not None:
            return Text(c.zh, c.en)
    if isinstance(a.get("zh"), str):
        return Text(a["zh"], a["zh"])
    return None


# --------------------------------------------------------------------------- ports


@dataclass(frozen=True, slots=True)
class Membership:
    """A port listed by a measure table on a day: since when, until when, on what citation."""

    table: str
    title: Text
    since: date | None
    until: date | None
    ref: Ref

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "title": self.title.to_dict(), "since": _iso(self.since),
                "until": _iso(self.until), "ref": _ref(self.ref)}


@dataclass(frozen=True, slots=True)
class Port:
    """A registry port with its places and the measure tables listing it on a day."""

    id: str
    zh: str
    en: str
    kind: str
    iata: str | None
    province: str
    province_name: Text | None
    division: str
    division_name: Text | None
    lon: float | None
    lat: float | None
    memberships: tuple[Membership, ...]

    def membership(self, table: str) -> Membership | None:
        return next((m for m in self.memberships if m.table == table), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "zh": self.zh, "en": self.en, "kind": self.kind, "iata": self.iata,
            "province": self.province,
            "province_name": self.province_name.to_dict() if self.province_name else None,
            "division": self.division,
            "division_name": self.division_name.to_dict() if self.division_name else None,
            "lon": self.lon, "lat": self.lat,
            "memberships": [m.to_dict() for m in self.memberships],
        }


def port(item: Item, policy: Policy, day: date) -> Port:
    """The registry item ``item`` as a :class:`Port` on ``day``."""
    a = item.attrs
    province, division = str(a.get("province") or ""), str(a.get("division") or "")
    d = division_index().get(division) or division_index().get(province)
    memberships = []
    for t in port_tables(policy):
        p = t.period(item.key, day)
        if p is not None:
            memberships.append(Membership(t.name, t.title, p.start, p.end, p.ref))
    return Port(
        id=item.key, zh=str(a.get("zh") or ""), en=str(a.get("en") or ""),
        kind=str(a.get("kind") or ""), iata=a.get("iata"),
        province=province, province_name=_division_text(province),
        division=division, division_name=_division_text(division),
        lon=d.lon if d else None, lat=d.lat if d else None,
        memberships=tuple(memberships),
    )


def _matches(item: Item, needle: str) -> bool:
    a = item.attrs
    hay: list[str] = [item.key, str(a.get("zh") or ""), str(a.get("en") or ""),
                      str(a.get("iata") or "")]
    for field in ("names_zh", "names_en"):
        v = a.get(field)
        if isinstance(v, list):
            hay.extend(str(x) for x in v)
    return any(needle in _fold(h) for h in hay)


def ports(policy: Policy, day: date, *, measure: str | None = None,
          province: str | None = None, kind: str | None = None,
          q: str | None = None) -> tuple[Port, ...]:
    """Registry ports open on ``day``, filtered; with ``measure`` (id or clause), those its
    tables list; ``province`` is a GB/T 2260 province code; ``q`` text in any of the
    port's names, its id or IATA code."""
    registry = policy.tables.get(PORTS)
    if registry is None:
        return ()
    items: Iterable[Item] = registry.active(day)
    if measure:
        listed = {i.key for t in measure_tables(policy, measure) for i in t.active(day)}
        items = [i for i in items if i.key in listed]
    if province:
        items = [i for i in items if str(i.get("province")) == province]
    if kind:
        items = [i for i in items if i.get("kind") == kind]
    if q:
        needle = _fold(q)
        items = [i for i in items if _matches(i, needle)]
    return tuple(port(i, policy, day) for i in items)


# --------------------------------------------------------------------------- countries


@dataclass(frozen=True, slots=True)
class Nationality:
    """A country on a country list on a day."""

    country: str
    zh: str
    en: str
    since: date | None
    ref: Ref
    attrs: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"country": self.country, "zh": self.zh, "en": self.en,
                "since": _iso(self.since), "ref": _ref(self.ref), "attrs": dict(self.attrs)}


def nationalities(policy: Policy, day: date, table: str = NATIONALITIES,
                  ) -> tuple[Nationality, ...]:
    """The countries of the list ``table`` on ``day`` (default: the 240-hour transit list)."""
    t = policy.tables.get(table)
    if t is None:
        return ()
    out = []
    for item in t.active(day):
        label = item_label(t, item, policy) or Text(item.key, item.key)
        p = item.period(day)
        assert p is not None
        out.append(Nationality(item.key, label.zh, label.en, p.start, p.ref,
                               _frozen(item.attrs, ("zh", "en"))))
    return tuple(out)


# --------------------------------------------------------------------------- stay areas


@dataclass(frozen=True, slots=True)
class Area:
    """A division named as (part of) a stay area."""

    code: str
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class StayArea:
    """A province's 240-hour stay area on a day: its areas and its entry ports."""

    province: str
    zh: str
    en: str
    areas: tuple[Area, ...]
    entry_ports: tuple[str, ...]
    since: date | None
    ref: Ref
    attrs: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"province": self.province, "zh": self.zh, "en": self.en,
                "areas": [a.to_dict() for a in self.areas],
                "entry_ports": list(self.entry_ports), "since": _iso(self.since),
                "ref": _ref(self.ref), "attrs": dict(self.attrs)}


def stay_areas(policy: Policy, day: date) -> tuple[StayArea, ...]:
    """The stay areas of 240-hour transit on ``day``, province by province (A2)."""
    t = policy.tables.get(STAY_AREAS)
    if t is None:
        return ()
    entry = policy.tables.get(ENTRY_PORTS)
    registry = policy.tables.get(PORTS)
    entry_keys = entry.keys(day) if entry is not None else frozenset()
    out = []
    for item in t.active(day):
        p = item.period(day)
        assert p is not None
        name = _division_text(item.key) or Text(str(item.get("zh") or item.key), item.key)
        areas = []
        for code in item.get("areas") or []:
            dt = _division_text(str(code)) or Text(str(code), str(code))
            areas.append(Area(str(code), dt.zh, dt.en))
        here = sorted(
            k for k in entry_keys
            if registry is not None and (r := registry.get(k)) is not None
            and str(r.get("province")) == item.key
        )
        out.append(StayArea(item.key, name.zh, name.en, tuple(areas), tuple(here), p.start,
                            p.ref, _frozen(item.attrs, ("zh", "en", "areas", "areas_zh"))))
    return tuple(out)


# --------------------------------------------------------------------------- cities


@dataclass(frozen=True, slots=True)
class City:
    """A province or prefecture-level division, and whether it lies in a stay area."""

    code: str
    zh: str
    short_zh: str
    en: str
    short_en: str
    level: str
    province: str
    lon: float | None
    lat: float | None
    in_stay_area: bool

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "zh": self.zh, "short_zh": self.short_zh, "en": self.en,
                "short_en": self.short_en, "level": self.level, "province": self.province,
                "lon": self.lon, "lat": self.lat, "in_stay_area": self.in_stay_area}


def cities(policy: Policy, day: date, *, province: str | None = None,
           level: str | None = None, q: str | None = None) -> tuple[City, ...]:
    """Provinces and prefecture-level divisions (GB/T 2260), filtered; ``in_stay_area`` by
    measure 6's own area test on ``day``."""
    inside = _in_stay_area(policy, day)
    needle = _fold(q) if q else None
    out = []
    for d in division_index().values():
        if province and d.province != province:
            continue
        if level and d.level != level:
            continue
        if needle and not any(needle in _fold(s)
                              for s in (d.code, d.zh, d.short_zh, d.en, d.short_en)):
            continue
        out.append(City(d.code, d.zh, d.short_zh, d.en, d.short_en, d.level, d.province,
                        d.lon, d.lat, inside(d)))
    return tuple(out)


# --------------------------------------------------------------------------- airports


@dataclass(frozen=True, slots=True)
class Airport:
    """Any airport by IATA code: the airports table's row, the registry port if any, and
    whether it is a 24-hour direct-transit airport on the day."""

    iata: str
    name: str
    city: str | None
    country: str | None
    lat: float | None
    lon: float | None
    registry_port: str | None
    listed: bool
    memberships: tuple[Membership, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"iata": self.iata, "name": self.name, "city": self.city,
                "country": self.country, "lat": self.lat, "lon": self.lon,
                "registry_port": self.registry_port, "listed": self.listed,
                "memberships": [m.to_dict() for m in self.memberships]}


def airports(policy: Policy, day: date) -> tuple[Port, ...]:
    """The airports of 24-hour direct transit without border inspection on ``day`` (M05)."""
    t, registry = policy.tables.get(DIRECT_TRANSIT_AIRPORTS), policy.tables.get(PORTS)
    if t is None or registry is None:
        return ()
    found = (registry.get(i.key) for i in t.active(day))
    return tuple(port(r, policy, day) for r in found if r is not None)


def airport(policy: Policy, day: date, iata: str) -> Airport | None:
    """Any airport by IATA code on ``day``; None when neither the airports table nor the
    ports registry knows the code."""
    code = iata.upper()
    row = places.airport(code) or {}
    registry = policy.tables.get(PORTS)
    reg = None
    if registry is not None:
        reg = registry.get(code.lower()) or next(
            (i for i in registry if str(i.get("iata") or "").upper() == code), None)
    if not row and reg is None:
        return None
    p = port(reg, policy, day) if reg is not None else None
    memberships = p.memberships if p else ()
    return Airport(
        iata=code, name=str(row.get("name") or (p.en if p else code)),
        city=row.get("city"), country=row.get("country"),
        lat=row.get("lat"), lon=row.get("lon"),
        registry_port=reg.key if reg is not None else None,
        listed=any(m.table == DIRECT_TRANSIT_AIRPORTS for m in memberships),
        memberships=memberships,
    )


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True, slots=True)
class ChangeView:
    """An item that entered or left a table (``kind="table"``), or a parameter that took a
    new value (``kind="parameter"``), on a day, with its citation."""

    kind: Literal["table", "parameter"]
    name: str
    title: Text
    on: date
    change: str
    ref: Ref
    key: str | None = None
    item: Any = None
    label: Text | None = None
    value: Any = None
    previous: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name,
                               "title": self.title.to_dict(), "on": self.on.isoformat(),
                               "change": self.change}
        if self.kind == "table":
            out.update({"key": self.key, "item": jsonable(self.item),
                        "label": self.label.to_dict() if self.label else None})
        else:
            out.update({"value": jsonable(self.value), "previous": jsonable(self.previous)})
        out.update({"clause": self.ref.clause, "ref": _ref(self.ref)})
        return out


def changes(policy: Policy, start: date, end: date) -> tuple[ChangeView, ...]:
    """The changes on a day in ``(start, end]``, in date order, then table order."""
    out: list[ChangeView] = []
    for change in policy.changes(start, end):
        if isinstance(change, Change):
            table = policy.tables[change.table]
            out.append(ChangeView(
                "table", change.table, table.title, change.on, change.change, change.ref,
                key=change.key, item=MappingProxyType(dict(change.item.attrs)),
                label=item_label(table, change.item, policy)))
        else:
            name, value = change
            param = policy.parameters[name]
            assert value.start is not None
            before = param.at(value.start - timedelta(days=1))
            out.append(ChangeView(
                "parameter", name, param.title, value.start, "value", value.ref,
                value=value.value, previous=before.value if before is not None else None))
    out.sort(key=lambda c: c.on)  # stable: keeps table order within a day
    return tuple(out)
