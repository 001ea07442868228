"""``/v1/ports``, ``/v1/nationalities``, ``/v1/stay-areas``, ``/v1/cities``, ``/v1/airports``:
the policy data as of any date, through the library's views (:mod:`churujing.views`).

Thin: each route reads its query, asks a view and validates the answer into its schema.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from churujing import views
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
from churujing.errors import FactsError
from churujing.measures import MEASURES
from churujing.places import division
from churujing.policy import Policy
from churujing.views import NATIONALITIES, country_lists, measure_tables, port_tables

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["policy data"])

Kind = Literal["air", "sea", "land", "rail"]
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "invalid parameters"}}


def _invalid(field: str, message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _resolve_province(query: str) -> str:
    try:
        found = division(query, level="province")
    except FactsError as exc:
        raise _invalid("province", exc.message) from None
    if found.value is None:
        hint = f"; did you mean {', '.join(found.suggestions)}?" if found.suggestions else ""
        raise _invalid("province", f"expected a province (GB/T 2260 code or name){hint}")
    code: str = found.value.province
    return code


def _list(policy: Policy, day: date, items: list[Any], model: type[ListOut] = ListOut) -> Any:
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
    items = views.ports(policy, day, measure=measure, province=code, kind=kind, q=q)
    return _list(policy, day, [PortOut.model_validate(p.to_dict()) for p in items], PortsOut)


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
    items = [NationalityOut.model_validate(n.to_dict())
             for n in views.nationalities(policy, day, list_)]
    return _list(policy, day, items, NationalitiesOut)


@router.get("/stay-areas", response_model=StayAreasOut, responses=_INVALID,
            summary="240-hour stay areas by province as of a date",
            )
def get_stay_areas(policy: PolicyDep, day: AsOfDep) -> Any:
    items = [StayAreaOut.model_validate(s.to_dict()) for s in views.stay_areas(policy, day)]
    return _list(policy, day, items, StayAreasOut)


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
    items = [CityOut.model_validate(c.to_dict())
             for c in views.cities(policy, day, province=code, level=level, q=q)]
    return _list(policy, day, items, CitiesOut)


@router.get("/airports", response_model=PortsOut, responses=_INVALID,
            summary="Airports with 24-hour direct transit without border inspection",
            )
def get_airports(policy: PolicyDep, day: AsOfDep) -> Any:
    items = [PortOut.model_validate(p.to_dict()) for p in views.airports(policy, day)]
    return _list(policy, day, items, PortsOut)


@router.get("/airports/{iata}", response_model=AirportOut,
            responses={**_INVALID, 404: {"model": HTTPErrorOut, "description": "unknown IATA"}},
            summary="Any airport by IATA code, and whether it is a 24-hour airport on the date")
def get_airport(
    policy: PolicyDep,
    day: AsOfDep,
    iata: Annotated[str, Path(pattern="^[A-Za-z]{3}$", description="IATA code, e.g. LXA")],
) -> AirportOut:
    found = views.airport(policy, day, iata)
    if found is None:
        raise HTTPException(404, f"no airport with IATA code {iata.upper()!r}")
    return AirportOut(**found.to_dict(), as_of=day.isoformat(), data_version=policy.version)
