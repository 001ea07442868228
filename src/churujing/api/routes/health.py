"""``/healthz``: the service is up, with its version and its data's version."""

from __future__ import annotations

from fastapi import APIRouter

from churujing import __version__
from churujing.api.routes._common import PolicyDep
from churujing.api.schemas import HealthOut
from churujing.measures import MEASURES

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness, versions, measures loaded")
async def healthz(policy: PolicyDep) -> HealthOut:
    return HealthOut(status="ok", version=__version__, data_version=policy.version,
                     measures=list(MEASURES))
