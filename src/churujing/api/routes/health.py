"""``/healthz``: the process is up, with its version and its data's version (liveness).
``/readyz``: every installed service can do its work now (readiness): each service
package that exposes ``ready(app)`` says so (the arrival-card service commits a write
that changes nothing); 503 with ``Retry-After`` while one is not, and 200 again as soon
as it is, without a restart."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from churujing import __version__
from churujing.api.schemas import HealthOut
from churujing.measures import MEASURES
from churujing.policy import load_policy

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness, versions, measures loaded")
async def healthz() -> HealthOut:
    # no dependencies: a liveness probe should cost as little as the framework allows
    return HealthOut(status="ok", version=__version__, data_version=load_policy().version,
                     measures=list(MEASURES))


@router.get("/readyz", summary="Readiness: the services' storage is writable",
            responses={503: {"description": "Not ready (the reason per service)"}})
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, Any] = {}
    for name in getattr(request.app.state, "services", []):
        ready = getattr(import_module(name), "ready", None)
        if ready is not None:
            checks.update(await run_in_threadpool(ready, request.app))
    ok = all(v in ("ok", "writable") for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks},
                        status_code=200 if ok else 503,
                        headers=None if ok else {"Retry-After": "5"})
