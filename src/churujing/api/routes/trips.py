"""``/v1/trips``: the traveller's whole trip — every entry into mainland China, every regime
for it with why it fits or not, the best one and the arrival card under it.

No rule logic here: the body goes to :func:`churujing.trips.check_trip`. The answer is JSON
by default; ``Accept: application/pdf`` gives the bilingual boarding kit and
``Accept: text/calendar`` the leave-by deadline as an iCalendar event (when those
libraries are installed). ``GET /v1/keys`` gives the public key that verifies a kit's
signed answer.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from churujing.api.routes._common import LangDep, PolicyDep
from churujing.api.routes.measures import _body_doc, _facts_body
from churujing.api.schemas import ValidationErrorOut
from churujing.trips import TripFacts, check_trip
from churujing.web.kit import ICS, PDF, calendar_response, kit_response

__all__ = ["router", "trip_schema"]

router = APIRouter(prefix="/v1", tags=["trips"])




def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` written in place (OpenAPI has no ``$defs``)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.removeprefix("#/$defs/")]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out: dict[str, Any] = walk(schema)
    return out


def trip_schema() -> dict[str, Any]:
    """The JSON Schema of a trip, self-contained."""
    return _inline(TripFacts.model_json_schema())


_EXAMPLE = {
    "nationality": "DE", "passport_expiry": "2029-06-30", "purpose": "tourism",
    "onward_ticket": True, "stays_airside": False, "visit_areas": ["苏州"],
    "legs": [{"from": "FRA", "to": "PVG", "depart": "2025-12-09T20:00:00+01:00",
              "arrive": "2025-12-10T14:30:00"},
             {"from": "PVG", "to": "NRT", "depart": "2025-12-18T10:00:00",
              "arrive": "2025-12-18T14:00:00+09:00"}],
}


@router.post(
    "/trips/check",
    responses={422: {"model": ValidationErrorOut, "description": "invalid trip"},
               200: {"content": {"application/json": {}, PDF: {}, ICS: {}},
                     "description": "the answer (JSON); with `Accept: application/pdf` the "
                     "bilingual boarding kit, with `Accept: text/calendar` the leave-by "
                     "deadline as an iCalendar event"}},
    summary="Answer a whole trip: each entry into mainland China, every regime, the best",
    description=(
        "Places are airports by IATA code, ports by name or code, or cities; times are ISO "
        "8601, Beijing time when no offset is given; the first leg's `depart` (when it leaves "
        "from abroad) and the last leg's `arrive` (when it arrives abroad) may be left out, "
        "every other time is required. Stay areas are given by reference to "
        "`/v1/stay-areas?as_of=` unless `areas=full`."
    ),
    openapi_extra=_body_doc({**trip_schema(), "example": _EXAMPLE}, "the trip"),
)
def check(
    request: Request,
    trip: Annotated[dict[str, Any], Depends(_facts_body)],
    lang: LangDep,
    policy: PolicyDep,
    as_of: Annotated[date | None, Query(
        description="decide as of this date; default: each entry's day of arrival")] = None,
    areas: Annotated[Literal["ref", "full"], Query(
        description="ref: stay areas by reference (default); full: listed")] = "ref",
) -> Response:
    answer = check_trip(trip, as_of, policy=policy)  # a FactsError becomes a 422
    kind = wanted(request.headers.get("accept", ""))
    if kind == PDF:
        return kit_response(answer, str(request.base_url))
    if kind == ICS:
        return calendar_response(answer)
    body = answer.to_dict(areas=areas)
    body["lang"] = lang
    return JSONResponse(body)


def wanted(accept: str) -> str:
    """The kind of answer an Accept header asks for: PDF, iCalendar, else JSON."""
    for kind in (PDF, ICS):
        if kind in accept.lower():
            return kind
    return "application/json"


@router.get("/keys", summary="The public keys that verify a boarding kit's signed answer")
def keys(policy: PolicyDep) -> dict[str, Any]:
    from churujing.trips.signing import public_keys

    return {"keys": public_keys(), "alg": "Ed25519",
            "token": "CJ1.<base64url payload>.<base64url Ed25519 signature of the payload>",
            "data_version": policy.version}


@router.get("/trips/schema", summary="The JSON Schema of a trip")
def schema(policy: PolicyDep) -> dict[str, Any]:
    return {"schema": trip_schema(), "data_version": policy.version}
