"""``/v1/clauses``: the announcement, clause by clause (zh verbatim, en translation)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from churujing.api.routes._common import PolicyDep
from churujing.api.schemas import ClauseOut, ClausesOut, ClauseSummary, HTTPErrorOut, TextOut
from churujing.law import Clause, children, clause, clauses

__all__ = ["children", "clause_out", "router"]

router = APIRouter(prefix="/v1/clauses", tags=["clauses"])


def clause_out(c: Clause, version: str) -> dict[str, Any]:
    out = c.to_dict()
    out["children"] = list(children(c.id))
    out["data_version"] = version
    return out


@router.get("", response_model=ClausesOut, summary="Every clause ID, in document order")
def list_clauses(policy: PolicyDep) -> ClausesOut:
    return ClausesOut(
        data_version=policy.version,
        clauses=[
            ClauseSummary(id=c.id, parent=c.parent,
                          title=TextOut(**c.title.to_dict()) if c.title else None)
            for c in clauses()
        ],
    )


@router.get("/{clause_id}", response_model=ClauseOut,
            responses={404: {"model": HTTPErrorOut, "description": "no clause of that ID"}},
            summary="One clause: Chinese, English, parent and children")
def one_clause(clause_id: str, policy: PolicyDep) -> dict[str, Any]:
    try:
        c = clause(clause_id)
    except KeyError:
        raise HTTPException(404, f"unknown clause {clause_id!r} (IDs such as M06, M06.2, "
                                 "A2.44: see GET /v1/clauses)") from None
    return clause_out(c, policy.version)
