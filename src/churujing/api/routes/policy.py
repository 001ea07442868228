"""The policy data as of any date: ports, nationalities, stay areas, cities, airports.

Generic over the data files: a *port table* is any table keyed by ``port`` (its
measure is the clause prefix of its name: ``m06.entry_ports`` belongs to ``M06``), a
*country list* any table keyed by ``country``. Tables landing later just appear.
The functions here (``ports``, ``stay_areas``…) also feed the web pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from churujing.api.routes._common import AsOfDep, PolicyDep
from churujing.api.schemas import (
    AirportOut,
    CitiesOut,
    CityOut,
    HTTPErrorOut,
    ListOut,
    NationalitiesOut,
    NationalityOut,
    PortOut,
    PortsOut,
    StayAreaOut,
    StayAreasOut,
    ValidationErrorOut,
)
from churujing.decision import Text
from churujing.errors import FactsError
from churujing.measures import MEASURES
from churujing.policy import Policy
from churujing.policy.loader import Item, Table
from churujing.predicates import area_allowed

__all__ = [
    "PORTS",
    "STAY_AREAS",
    "cities",
    "country_lists",
    "division_index",
    "item_label",
    "measure_tables",
    "nationalities",
    "port_dict",
    "port_tables",
    "ports",
    "router",
    "stay_areas",
]

router = APIRouter(prefix="/v1", tags=["policy data"])

PORTS = "ports"  # the ports registry
STAY_AREAS = "m06.stay_areas"
ENTRY_PORTS = "m06.entry_ports"
NATIONALITIES = "m06.nationalities"
DIRECT_TRANSIT_AIRPORTS = "m05.airports"

Kind = Literal["air", "sea", "land", "rail"]
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "invalid parameters"}}


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in s if not unicodedata.combining(c) and not c.isspace())


def _table(policy: Policy, name: str) -> Table | None:
    return policy.tables.get(name)


def _invalid(field: str, message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", field], "msg": message, "type": "value_error"}])


# --------------------------------------------------------------------------- places


@cache
def division_index() -> dict[str, Any]:
    """GB/T 2260 code -> ``places.Division`` (empty if places is unavailable)."""
    try:
        from churujing.places import divisions
    except ImportError:  # pragma: no cover - places.py is part of the build
        return {}
    return {d.code: d for d in divisions()}


def _division_text(code: str) -> Text | None:
    d = division_index().get(code)
    return Text(d.zh, d.en) if d is not None else None


def _resolve_province(query: str) -> str:
    from churujing.places import division

    try:
        found = division(query, level="province")
    except FactsError as exc:
        raise _invalid("province", exc.message) from None
    if found.value is None:
        hint = f"; did you mean {', '.join(found.suggestions)}?" if found.suggestions else ""
        raise _invalid("province", f"expected a province (GB/T 2260 code or name){hint}")
    code: str = found.value.province
    return code


# --------------------------------------------------------------------------- tables


def port_tables(policy: Policy) -> tuple[Table, ...]:
    """Every measure table whose items are ports (keyed by ``port``)."""
    return tuple(t for t in policy.tables.values() if t.key_field == "port")


def country_lists(policy: Policy) -> tuple[Table, ...]:
    return tuple(t for t in policy.tables.values() if t.key_field == "country")


def measure_tables(policy: Policy, measure: str) -> tuple[Table, ...]:
    """The port tables of a measure named by its id (``visa-free-transit-240h``) or clause."""
    clause = MEASURES[measure].clause if measure in MEASURES else measure
    prefix = clause.lower() + "."
    return tuple(t for t in port_tables(policy) if t.name.startswith(prefix))


def _ref(ref: Any) -> dict[str, Any]:
    return {"clause": ref.clause, "source": ref.source, "confidence": ref.confidence,
            "note": ref.note, "secondary": ref.secondary}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def port_dict(item: Item, policy: Policy, day: date) -> dict[str, Any]:
    """A registry port with its places and the measure tables listing it on ``day``."""
    a = item.attrs
    province, division = str(a.get("province") or ""), str(a.get("division") or "")
    d = division_index().get(division) or division_index().get(province)
    memberships = []
    for t in port_tables(policy):
        p = t.period(item.key, day)
        if p is not None:
            memberships.append({"table": t.name, "title": t.title.to_dict(),
                                "since": _iso(p.start), "until": _iso(p.end),
                                "ref": _ref(p.ref)})
    pt, dt = _division_text(province), _division_text(division)
    return {
        "id": item.key, "zh": str(a.get("zh") or ""), "en": str(a.get("en") or ""),
        "kind": str(a.get("kind") or ""), "iata": a.get("iata"),
        "province": province, "province_name": pt.to_dict() if pt else None,
        "division": division, "division_name": dt.to_dict() if dt else None,
        "lon": d.lon if d else None, "lat": d.lat if d else None,
        "memberships": memberships,
    }


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
          q: str | None = None) -> list[dict[str, Any]]:
    """Registry ports open on ``day``, filtered; with ``measure``, those its tables list."""
    registry = _table(policy, PORTS)
    if registry is None:
        return []
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
    return [port_dict(i, policy, day) for i in items]


def item_label(table: Table, item: Item, policy: Policy) -> Text | None:
    """A human name for a table item: its own zh/en, else the port, division or country."""
    a = item.attrs
    if isinstance(a.get("zh"), str) and isinstance(a.get("en"), str):
        return Text(a["zh"], a["en"])
    registry = _table(policy, PORTS)
    if table.key_field == "port" and registry is not None:
        p = registry.get(item.key)
        if p is not None:
            return Text(str(p.get("zh") or p.key), str(p.get("en") or p.key))
    found = _division_text(item.key)
    if found is not None:
        return found
    if table.key_field == "country":
        try:
            from churujing.places import country

            c = country(item.key).value
        except (ImportError, FactsError):
            c = None
        if c is not None:
            return Text(c.zh, c.en)
    if isinstance(a.get("zh"), str):
        return Text(a["zh"], a["zh"])
    return None


def nationalities(policy: Policy, day: date, table: str = NATIONALITIES) -> list[dict[str, Any]]:
    t = _table(policy, table)
    if t is None:
        return []
    out = []
    for item in t.active(day):
        label = item_label(t, item, policy) or Text(item.key, item.key)
        p = item.period(day)
        assert p is not None
        out.append({"country": item.key, "zh": label.zh, "en": label.en,
                    "since": _iso(p.start), "ref": _ref(p.ref),
                    "attrs": {k: v for k, v in item.attrs.items() if k not in ("zh", "en")}})
    return out


def stay_areas(policy: Policy, day: date) -> list[dict[str, Any]]:
    t = _table(policy, STAY_AREAS)
    if t is None:
        return []
    entry = _table(policy, ENTRY_PORTS)
    registry = _table(policy, PORTS)
    entry_keys = entry.keys(day) if entry is not None else frozenset()
    out = []
    for item in t.active(day):
        p = item.period(day)
        assert p is not None
        name = _division_text(item.key) or Text(str(item.get("zh") or item.key), item.key)
        areas = []
        for code in item.get("areas") or []:
            dt = _division_text(str(code)) or Text(str(code), str(code))
            areas.append({"code": str(code), "zh": dt.zh, "en": dt.en})
        ports_here = sorted(
            k for k in entry_keys
            if registry is not None and (r := registry.get(k)) is not None
            and str(r.get("province")) == item.key
        )
        out.append({"province": item.key, "zh": name.zh, "en": name.en, "areas": areas,
                    "entry_ports": ports_here, "since": _iso(p.start), "ref": _ref(p.ref),
                    "attrs": {k: v for k, v in item.attrs.items()
                              if k not in ("zh", "en", "areas", "areas_zh")}})
    return out


def _stay_codes(policy: Policy, day: date) -> frozenset[str]:
    t = _table(policy, STAY_AREAS)
    if t is None:
        return frozenset()
    return frozenset(str(c) for i in t.active(day) for c in (i.get("areas") or []))


def cities(policy: Policy, day: date, *, province: str | None = None,
           level: str | None = None, q: str | None = None) -> list[dict[str, Any]]:
    codes = _stay_codes(policy, day)
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
        out.append({"code": d.code, "zh": d.zh, "short_zh": d.short_zh, "en": d.en,
                    "short_en": d.short_en, "level": d.level, "province": d.province,
                    "lon": d.lon, "lat": d.lat,
                    "in_stay_area": area_allowed(d, codes)})
    return out


def _list(policy: Policy, day: date, items: list[Any], model: type[ListOut] = ListOut,
          ) -> Any:
    return model(data_version=policy.version, as_of=day.isoformat(), count=len(items),
                 items=items)


# --------------------------------------------------------------------------- routes


@router.get("/ports", response_model=PortsOut, responses=_INVALID,
            summary="Ports as of a date, filtered by measure, province, kind or text",
            )
def get_ports(
    policy: PolicyDep,
    day: AsOfDep,
    measure: Annotated[str | None, Query(
        description="a measure id (visa-free-transit-240h, direct-transit-24h, "
                    "taiwan-one-time-permit, smart-clearance…) or its clause (M06)")] = None,
    province: Annotated[str | None, Query(
        description="province: GB/T 2260 code or name (广东, Guangdong)")] = None,
    kind: Annotated[Kind | None, Query(description="air, sea, land or rail")] = None,
    q: Annotated[str | None, Query(description="text in the port's names, id or IATA code",
                                   max_length=100)] = None,
) -> Any:
    if measure is not None and not measure_tables(policy, measure):
        known = sorted({m.id for m in MEASURES.values() if measure_tables(policy, m.id)})
        clauses = sorted({t.name.split(".")[0].upper() for t in port_tables(policy)})
        raise _invalid("measure", "expected a measure with ports: "
                       + ", ".join(known + clauses))
    code = _resolve_province(province) if province else None
    items = ports(policy, day, measure=measure, province=code, kind=kind, q=q)
    return _list(policy, day, [PortOut.model_validate(p) for p in items], PortsOut)


@router.get("/nationalities", response_model=NationalitiesOut, responses=_INVALID,
            summary="Countries of a list as of a date (default: the 240-hour transit list)",
            )
def get_nationalities(
    policy: PolicyDep,
    day: AsOfDep,
    list_: Annotated[str, Query(alias="list", description="a country table: "
                                "m06.nationalities, visa_free_30d.countries…")] = NATIONALITIES,
) -> Any:
    names = [t.name for t in country_lists(policy)]
    if list_ not in names:
        raise _invalid("list", "expected one of " + ", ".join(names))
    items = [NationalityOut.model_validate(n) for n in nationalities(policy, day, list_)]
    return _list(policy, day, items, NationalitiesOut)


@router.get("/stay-areas", response_model=StayAreasOut, responses=_INVALID,
            summary="240-hour stay areas by province as of a date",
            )
def get_stay_areas(policy: PolicyDep, day: AsOfDep) -> Any:
    return _list(policy, day, [StayAreaOut.model_validate(s) for s in stay_areas(policy, day)],
                 StayAreasOut)


@router.get("/cities", response_model=CitiesOut, responses=_INVALID,
            summary="Provinces and prefecture-level divisions (GB/T 2260) with lon/lat",
            description="`in_stay_area` is as of the date.")
def get_cities(
    policy: PolicyDep,
    day: AsOfDep,
    province: Annotated[str | None, Query(description="GB/T 2260 code or name")] = None,
    level: Annotated[Literal["province", "prefecture"] | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Any:
    code = _resolve_province(province) if province else None
    items = [CityOut.model_validate(c)
             for c in cities(policy, day, province=code, level=level, q=q)]
    return _list(policy, day, items, CitiesOut)


@router.get("/airports", response_model=PortsOut, responses=_INVALID,
            summary="Airports with 24-hour direct transit without border inspection",
            )
def get_airports(policy: PolicyDep, day: AsOfDep) -> Any:
    t, registry = _table(policy, DIRECT_TRANSIT_AIRPORTS), _table(policy, PORTS)
    items = []
    if t is not None and registry is not None:
        for i in t.active(day):
            r = registry.get(i.key)
            if r is not None:
                items.append(PortOut.model_validate(port_dict(r, policy, day)))
    return _list(policy, day, items, PortsOut)


@router.get("/airports/{iata}", response_model=AirportOut,
            responses={**_INVALID, 404: {"model": HTTPErrorOut, "description": "unknown IATA"}},
            summary="Any airport by IATA code, and whether it is a 24-hour airport on the date")
def get_airport(
    policy: PolicyDep,
    day: AsOfDep,
    iata: Annotated[str, Path(pattern="^[A-Za-z]{3}$", description="IATA code, e.g. LXA")],
) -> AirportOut:
    from churujing.places import airport

    code = iata.upper()
    row = airport(code) or {}
    registry = _table(policy, PORTS)
    reg = None
    if registry is not None:
        reg = registry.get(code.lower()) or next(
            (i for i in registry if str(i.get("iata") or "").upper() == code), None)
    if not row and reg is None:
        raise HTTPException(404, f"no airport with IATA code {code!r}")
    port = port_dict(reg, policy, day) if reg is not None else None
    memberships = port["memberships"] if port else []
    listed = any(m["table"] == DIRECT_TRANSIT_AIRPORTS for m in memberships)
    return AirportOut(
        iata=code, name=str(row.get("name") or (port["en"] if port else code)),
        city=row.get("city"), country=row.get("country"),
        lat=row.get("lat"), lon=row.get("lon"),
        registry_port=reg.key if reg is not None else None, listed=listed,
        memberships=memberships, as_of=day.isoformat(),
        data_version=policy.version,
    )
