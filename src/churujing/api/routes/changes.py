"""``/v1/changes``: what the policy data changed between two dates, item by item.

Straight from ``Policy.changes``: items that entered or left a table, and parameters
that took a new value, on a day in ``(from, to]``, each with its citation and clause.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from churujing.api.routes._common import PolicyDep
from churujing.api.routes.policy import item_label
from churujing.api.schemas import ChangeOut, ChangesOut, ValidationErrorOut
from churujing.decision import jsonable
from churujing.policy import Policy
from churujing.policy.loader import Change

__all__ = ["changes", "router"]

router = APIRouter(prefix="/v1", tags=["policy data"])


def _ref(ref: Any) -> dict[str, Any]:
    return {"clause": ref.clause, "source": ref.source, "confidence": ref.confidence,
            "note": ref.note, "secondary": ref.secondary}


def changes(policy: Policy, start: date, end: date) -> list[dict[str, Any]]:
    """The changes on a day in ``(start, end]``, in date order, then table order."""
    out: list[dict[str, Any]] = []
    for change in policy.changes(start, end):
        if isinstance(change, Change):
            table = policy.tables[change.table]
            label = item_label(table, change.item, policy)
            out.append({
                "kind": "table", "name": change.table, "title": table.title.to_dict(),
                "on": change.on.isoformat(), "change": change.change, "key": change.key,
                "item": jsonable(dict(change.item.attrs)),
                "label": label.to_dict() if label else None,
                "clause": change.ref.clause, "ref": _ref(change.ref),
            })
        else:
            name, value = change
            param = policy.parameters[name]
            assert value.start is not None
            before = param.at(value.start - timedelta(days=1))
            out.append({
                "kind": "parameter", "name": name, "title": param.title.to_dict(),
                "on": value.start.isoformat(), "change": "value",
                "value": jsonable(value.value),
                "previous": jsonable(before.value) if before is not None else None,
                "clause": value.ref.clause, "ref": _ref(value.ref),
            })
    out.sort(key=lambda c: c["on"])  # stable: keeps table order within a day
    return out


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
    items = [ChangeOut.model_validate(c) for c in changes(policy, start, end)]
    return ChangesOut(data_version=policy.version, start=start.isoformat(),
                      end=end.isoformat(), count=len(items), changes=items)
