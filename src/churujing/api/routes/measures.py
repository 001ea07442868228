"""``/v1/measures``: the measures, their facts' schemas, and checking facts against them.

No rule logic here: facts go to ``Measure.check`` and the decision comes back as
``Decision.to_dict()``, with the text of the requested language added.

The request path is lean: the body is read once within the route's size limit (413
before any parsing), parsed by orjson with bounds on nesting and text
(:mod:`churujing.jsonio`, a 422 past them), off the event loop when it is large, and
the answer is serialised by orjson without a second validation (its shape is
``DecisionOut``, checked by the schemathesis test).

``?detail=compact`` (the default) gives the large, per-date lists of a decision by
reference: the 240-hour measure's ``allowed_areas`` (about 8 KB of names) becomes
``{"ref": "/v1/stay-areas?as_of=…", "count": N, "provinces": [codes]}``, the list the
stay-areas route gives for that date. ``?detail=full`` gives them inline, as the CLI does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import TypeAdapter, ValidationError

from churujing import jsonio
from churujing.api.routes._common import LangDep, PolicyDep, read_json, request_lang
from churujing.api.schemas import (
    CheckManyOut,
    DecisionOut,
    HTTPErrorOut,
    ItemErrorOut,
    MeasureOut,
    MeasuresOut,
    ValidationErrorOut,
)
from churujing.decision import Decision, Lang
from churujing.errors import ChurujingError, FactsError, UnknownMeasureError
from churujing.measures import MEASURES, Measure, get_measure
from churujing.policy import Policy, load_policy

__all__ = ["CHECK_BODY_LIMIT", "MANY_BODY_LIMIT", "decision_out", "measure_out", "router"]

CHECK_BODY_LIMIT = 64 * 1024  # one facts object: a few hundred bytes
MANY_BODY_LIMIT = 4 * 1024 * 1024  # check-many: up to the item limit (1,000 by default)

# Details given by reference in the compact form: key -> the route that lists them.
BY_REFERENCE = {"allowed_areas": "/v1/stay-areas"}

router = APIRouter(prefix="/v1/measures", tags=["measures"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": HTTPErrorOut, "description": "no measure of that id"}}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "invalid facts or parameters"}}

DetailQuery = Annotated[
    Literal["compact", "full"],
    Query(description="`compact`: long per-date lists (the stay areas) by reference to "
                      "their route; `full`: inline, as the CLI prints them"),
]

AsOfQuery = Annotated[
    date | None,
    Query(description="decide as of this date (YYYY-MM-DD); default: the date of the event "
                      "in the facts, as the CLI does"),
]


def measure_out(m: Measure, lang: Lang, version: str) -> MeasureOut:
    return MeasureOut(
        id=m.id, clause=m.clause, title=m.title.to_dict(), text=m.title.get(lang),
        facts_schema=m.schema(), check=f"/v1/measures/{m.id}/check", data_version=version,
    )


def compact(decision: Decision) -> Decision:
    """The decision with the details of :data:`BY_REFERENCE` replaced by a reference to
    the route that lists them for the decision's date (and their count)."""
    details = decision.details
    if not any(k in details for k in BY_REFERENCE):
        return decision
    short = dict(details)
    for key, route in BY_REFERENCE.items():
        value = short.get(key)
        if isinstance(value, list | tuple):
            short[key] = {
                "ref": f"{route}?as_of={decision.as_of.isoformat()}", "count": len(value),
                "provinces": [str(v.get("province", "")) for v in value
                              if isinstance(v, Mapping)],
            }
    return dataclasses.replace(decision, details=short)


def decision_out(decision: Decision, lang: Lang, version: str) -> dict[str, Any]:
    """``Decision.to_dict()`` with ``text`` on conditions and warnings and an explanation."""
    out = decision.to_dict()
    for c, cond in zip(out["conditions"], decision.conditions, strict=True):
        c["text"] = cond.text.get(lang)
    for w, warning in zip(out["warnings"], decision.warnings, strict=True):
        w["text"] = warning.get(lang)
    out["data_version"] = decision.data_version or version
    out["lang"] = lang
    out["explanation"] = decision.explain(lang)
    return out


_json = read_json


async def _facts_body(body: Annotated[Any, Depends(_json)]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise RequestValidationError([{"loc": ("body",), "type": "dict_type",
                                       "msg": "expected a JSON object of facts"}])
    return body


async def _items_body(body: Annotated[Any, Depends(_json)]) -> list[Any]:
    if not isinstance(body, list):
        raise RequestValidationError([{"loc": ("body",), "type": "list_type",
                                       "msg": "expected a JSON array of facts objects"}])
    return body


def facts_components() -> dict[str, Any]:
    """Each measure's facts schema as an OpenAPI component (``Facts.<measure id>``), with the
    schemas it refers to beside it: the request bodies of the carriers' API, typed."""
    out: dict[str, Any] = {}
    for mid, m in MEASURES.items():
        schema = m.facts.model_json_schema(ref_template="#/components/schemas/Facts.{model}")
        for name, sub in schema.pop("$defs", {}).items():
            out[f"Facts.{name}"] = sub
        out[f"Facts.{mid}"] = schema
    return out


#: the check body: one measure's facts (the path says which)
FACTS_BODY: dict[str, Any] = {
    "oneOf": [{"$ref": f"#/components/schemas/Facts.{mid}"} for mid in MEASURES]}


def _body_doc(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": schema}}}}


def _measure(measure: str) -> Measure:
    try:
        return get_measure(measure)
    except UnknownMeasureError as exc:
        from fastapi import HTTPException

        raise HTTPException(404, str(exc)) from None


@router.get("", response_model=MeasuresOut, summary="The measures, with their facts' schemas")
def list_measures(lang: LangDep, policy: PolicyDep) -> MeasuresOut:
    return MeasuresOut(
        data_version=policy.version,
        measures=[measure_out(m, lang, policy.version) for m in MEASURES.values()],
    )


@router.get("/{measure}", response_model=MeasureOut, responses=_NOT_FOUND,
            summary="One measure, with its clause and its facts' JSON Schema")
def one_measure(measure: str, lang: LangDep, policy: PolicyDep) -> MeasureOut:
    return measure_out(_measure(measure), lang, policy.version)


_LANG_DOC = "language of the primary text (else Accept-Language; default zh)"
_AS_OF_DOC = ("decide as of this date (YYYY-MM-DD); default: the date of the event in the "
              "facts, as the CLI does")
_DETAIL_DOC = ("`compact`: long per-date lists (the stay areas) by reference to their route; "
               "`full`: inline, as the CLI prints them")
_CHECK_PARAMETERS = [
    {"name": "lang", "in": "query", "required": False, "description": _LANG_DOC,
     "schema": {"anyOf": [{"enum": ["zh", "en"], "type": "string"}, {"type": "null"}]}},
    {"name": "as_of", "in": "query", "required": False, "description": _AS_OF_DOC,
     "schema": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]}},
    {"name": "detail", "in": "query", "required": False, "description": _DETAIL_DOC,
     "schema": {"enum": ["compact", "full"], "type": "string", "default": "compact"}},
]
_DATE: TypeAdapter[date] = TypeAdapter(date)


def check_query(request: Request) -> tuple[Lang, date | None, str]:
    """``lang``, ``as_of`` and ``detail`` read from the query string by hand, with the
    errors FastAPI would give (a 422 listing each): resolving declared parameters costs
    a few hundred microseconds per request, more than the decision itself."""
    q = request.query_params
    errors: list[dict[str, Any]] = []
    lang = q.get("lang")
    if lang is not None and lang not in ("zh", "en"):
        errors.append({"loc": ("query", "lang"), "type": "literal_error",
                       "msg": "Input should be 'zh' or 'en'", "input": lang})
    as_of: date | None = None
    raw = q.get("as_of")
    if raw is not None:
        try:
            as_of = _DATE.validate_python(raw)
        except ValidationError as exc:
            errors += [{**e, "loc": ("query", "as_of")} for e in exc.errors()]
    detail = q.get("detail", "compact")
    if detail not in ("compact", "full"):
        errors.append({"loc": ("query", "detail"), "type": "literal_error",
                       "msg": "Input should be 'compact' or 'full'", "input": detail})
    if errors:
        raise RequestValidationError(errors)
    language: Lang = ("zh" if lang == "zh" else "en") if lang else request_lang(request)
    return language, as_of, detail


@router.post(
    "/{measure}/check",
    response_model=DecisionOut,
    responses={**_NOT_FOUND, **_INVALID},
    summary="Decide a measure for facts (the CLI's keys); the decision as the CLI prints it",
    description="The body is read as JSON whatever its Content-Type.",
    openapi_extra={**_body_doc(FACTS_BODY,
                               "the facts of the measure named in the path: one of the "
                               "measures' facts schemas (components `Facts.<measure>`)"),
                   "parameters": _CHECK_PARAMETERS},
    max_body_size=CHECK_BODY_LIMIT,
)
async def check(request: Request, measure: str) -> Response:
    # The query is read by hand (check_query) and the body here; async: one decision is
    # well under a millisecond, cheaper than a worker-thread hop. check-many stays sync.
    m = _measure(measure)
    language, as_of, detail = check_query(request)
    facts = await _facts_body(await read_json(request))
    decision = m.check(facts, as_of)  # a FactsError becomes a 422 (app.py)
    if detail == "compact":
        decision = compact(decision)
    return Response(jsonio.dumps(decision_out(decision, language, load_policy().version)),
                    media_type="application/json")


def _decide_many(m: Measure, items: list[Any], as_of: date | None, lang: Lang,
                 policy: Policy, detail: str = "compact") -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise FactsError("expected a JSON object of facts", field="")
            decision = m.check(item, as_of)
            if detail == "compact":
                decision = compact(decision)
            results.append(decision_out(decision, lang, policy.version))
        except ChurujingError as exc:  # invalid facts, or facts the data cannot answer
            field = exc.field if isinstance(exc, FactsError) else ""
            message = exc.message_in(lang) if isinstance(exc, FactsError) else str(exc)
            each = (exc.all_dicts(lang) if isinstance(exc, FactsError)
                    else [{"field": field, "message": message}])
            err = ItemErrorOut.model_validate(
                {"error": {"field": field, "message": message, "index": index}, "errors": each}
            )
            results.append(err.model_dump())
    return results


@router.post(
    "/{measure}/check-many",
    response_model=CheckManyOut,
    responses={
        **_NOT_FOUND,
        **_INVALID,
        413: {"model": HTTPErrorOut, "description": "more items than the documented limit"},
    },
    summary="Decide a measure for many facts at once",
    description=(
        "A JSON array of facts objects in; the decisions out, in order. An invalid item is "
        'answered with `{"error": {"field", "message", "index"}}` and does not fail the '
        "others. An empty array is a 422. At most `CHURUJING_CHECK_MANY_LIMIT` items (1000 "
        "by default); more is 413. "
        "For larger files use the batch command."
    ),
    openapi_extra=_body_doc({"type": "array", "items": {}, "minItems": 1}, "facts objects"),
    max_body_size=MANY_BODY_LIMIT,
)
def check_many(
    request: Request,
    measure: str,
    items: Annotated[list[Any], Depends(_items_body)],
    lang: LangDep,
    policy: PolicyDep,
    as_of: AsOfQuery = None,
    detail: DetailQuery = "compact",
) -> Response:
    from fastapi import HTTPException

    m = _measure(measure)
    if not items:  # nothing to answer is a mistake, as empty input is to the CLI
        raise RequestValidationError([{
            "loc": ("body",), "type": "too_short", "ctx": {"min_length": 1},
            "msg": "no input: expected a non-empty JSON array of facts objects"}])
    limit: int = request.app.state.settings.check_many_limit
    if len(items) > limit:
        raise HTTPException(413, f"at most {limit} items per request, got {len(items)}")
    results = _decide_many(m, items, as_of, lang, policy, detail)
    invalid = sum(1 for r in results if "error" in r)
    # Returned as is (the shape is CheckManyOut, checked by the schemathesis test): validating
    # a thousand decisions again would double the time of the request.
    body = {"data_version": policy.version, "count": len(results), "invalid": invalid,
            "results": results}
    return Response(jsonio.dumps(body), media_type="application/json")
