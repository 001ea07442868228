"""``/v1/changes``: what the policy data changed between two dates, item by item.

Straight from the library's view (:func:`churujing.views.changes`, over
``Policy.changes``): items that entered or left a table, and parameters that took a new
value, on a day in ``(from, to]``, each with its citation and clause.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from churujing.api.routes._common import PolicyDep
from churujing.api.schemas import ChangeOut, ChangesOut, ValidationErrorOut
from churujing.views import changes

__all__ = ["changes", "router"]  # changes: re-exported from churujing.views

router = APIRouter(prefix="/v1", tags=["policy data"])


@router.get(
    "/changes", response_model=ChangesOut, response_model_by_alias=True,
    responses={422: {"model": ValidationErrorOut, "description": "invalid dates"}},
    summary="What changed between two dates, item by item, each with its clause",
    description="Changes taking effect on a day after `from` and on or before `to`.",
)
def get_changes(
    policy: PolicyDep,
    start: Annotated[date, Query(alias="from", description="YYYY-MM-DD (exclusive)")],
    end: Annotated[date, Query(alias="to", description="YYYY-MM-DD (inclusive)")],
) -> ChangesOut:
    if end < start:
        raise HTTPException(422, [{"loc": ["query", "to"], "type": "value_error",
                                   "msg": "expected a date on or after `from`"}])
    items = [ChangeOut.model_validate(c.to_dict()) for c in changes(policy, start, end)]
    return ChangesOut(data_version=policy.version, start=start.isoformat(),
                      end=end.isoformat(), count=len(items), changes=items)
