"""``/v1/measures``: the measures, their facts' schemas, and checking facts against them.

No rule logic here: facts go to ``Measure.check`` and the decision comes back as
``Decision.to_dict()``, with the text of the requested language added.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from churujing.api.routes._common import LangDep, PolicyDep
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
from churujing.policy import Policy

__all__ = ["decision_out", "measure_out", "router"]

router = APIRouter(prefix="/v1/measures", tags=["measures"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": HTTPErrorOut, "description": "no measure of that id"}}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationErrorOut, "description": "invalid facts or parameters"}}

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


async def _json(request: Request) -> Any:
    """The body read as JSON whatever its Content-Type (``curl -d`` sends form-encoded)."""
    raw = await request.body()
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestValidationError([{"loc": ("body",), "type": "json_invalid",
                                       "msg": f"expected a JSON document ({exc})"}]) from None


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


@router.post(
    "/{measure}/check",
    response_model=DecisionOut,
    responses={**_NOT_FOUND, **_INVALID},
    summary="Decide a measure for facts (the CLI's keys); the decision as the CLI prints it",
    description="The body is read as JSON whatever its Content-Type.",
    openapi_extra=_body_doc({"type": "object", "additionalProperties": True},
                            "the facts: see the measure's `facts_schema` (GET /v1/measures)"),
)
async def check(
    measure: str,
    facts: Annotated[dict[str, Any], Depends(_facts_body)],
    lang: LangDep,
    policy: PolicyDep,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    m = _measure(measure)
    # async: one decision is well under a millisecond, cheaper than a worker-thread hop;
    # check-many (up to the limit) stays sync and runs in the thread pool.
    decision = m.check(facts, as_of)  # a FactsError becomes a 422 (app.py)
    return decision_out(decision, lang, policy.version)


def _decide_many(m: Measure, items: list[Any], as_of: date | None, lang: Lang,
                 policy: Policy) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise FactsError("expected a JSON object of facts", field="")
            results.append(decision_out(m.check(item, as_of), lang, policy.version))
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
        "others. At most `CHURUJING_CHECK_MANY_LIMIT` items (1000 by default); more is 413. "
        "For larger files use the batch command."
    ),
    openapi_extra=_body_doc({"type": "array", "items": {}}, "facts objects"),
)
def check_many(
    request: Request,
    measure: str,
    items: Annotated[list[Any], Depends(_items_body)],
    lang: LangDep,
    policy: PolicyDep,
    as_of: AsOfQuery = None,
) -> JSONResponse:
    from fastapi import HTTPException

    m = _measure(measure)
    limit: int = request.app.state.settings.check_many_limit
    if len(items) > limit:
        raise HTTPException(413, f"at most {limit} items per request, got {len(items)}")
    results = _decide_many(m, items, as_of, lang, policy)
    invalid = sum(1 for r in results if "error" in r)
    # Returned as is (the shape is CheckManyOut, checked by the schemathesis test): validating
    # a thousand decisions again would double the time of the request.
    return JSONResponse({"data_version": policy.version, "count": len(results),
                         "invalid": invalid, "results": results})
