"""What the arrival card's routes (:mod:`.api`) and pages (:mod:`.pages`) both depend on,
as the FastAPI template's ``deps.py``: the service of an app and its readiness, the
typed dependencies (``ServiceDep``, ``OfficerDep``, ``SecretDep``, ``IdemDep``,
``BearerDep``), the client's address, the officer cookie, and :class:`ErrorRoute`, the
services' one route class that turns their errors into responses
(:mod:`churujing.services.common.routes`). The
routes and the pages import this module, never each other."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from churujing.services.common.accounts import OFFICER_COOKIE
from churujing.services.common.errors import ServiceError
from churujing.services.common.routes import ErrorRoute
from churujing.services.common.state import on_app

from .service import ArrivalCardService, OfficerIdentity

__all__ = ["OFFICER_COOKIE", "AsyncServiceDep", "BearerDep", "ErrorRoute", "IdemDep",
           "OfficerDep", "SecretDep", "ServiceDep", "bearer", "client_address", "get_service",
           "get_service_async", "install", "officer", "ready"]




def install(app: Any, service: ArrivalCardService) -> None:
    """Use ``service`` for ``app`` (tests, embedding); otherwise one is built from the
    environment on the first request."""
    app.state.arrival_card = service


def _service(app: Any) -> ArrivalCardService:
    return on_app(app, "arrival_card", ArrivalCardService.from_settings)


def get_service(request: Request) -> ArrivalCardService:
    return _service(request.app)


async def get_service_async(request: Request) -> ArrivalCardService:
    """:func:`get_service` for a coroutine route: no worker thread once the service is
    built (building it, the first time, runs in one)."""
    found: ArrivalCardService | None = getattr(request.app.state, "arrival_card", None)
    return found if found is not None else await run_in_threadpool(_service, request.app)


def ready(app: Any) -> dict[str, str]:
    """Readiness of the service for ``/readyz``: ``{"arrival_card_database": "writable"}``,
    or the reason it is not (the service cannot start, the database cannot be reached or
    written). Blocking: call it in a worker thread."""
    try:
        _service(app).db.check_writable()
    except ServiceError as exc:
        return {"arrival_card_database": f"not ready: {exc.text.en}"}
    return {"arrival_card_database": "writable"}


def client_address(request: Request) -> str:
    """The client's address (the proxy's, unless uvicorn trusts its X-Forwarded-For)."""
    return request.client.host if request.client else ""


# --------------------------------------------------------------------------- dependencies

ServiceDep = Annotated[ArrivalCardService, Depends(get_service)]
AsyncServiceDep = Annotated[ArrivalCardService, Depends(get_service_async)]
bearer = OAuth2PasswordBearer(tokenUrl="/v1/officers/token", auto_error=False,
                              description="An officer's API token (POST /v1/officers/token)")
BearerDep = Annotated[str | None, Depends(bearer)]
SecretDep = Annotated[str, Header(alias="X-Filing-Secret", max_length=64,
                                  description="The filer's secret, returned once at filing")]
IdemDep = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                       description="Retries with the same key return the "
                                                   "first receipt")]


def officer(service: ServiceDep, token: BearerDep) -> OfficerIdentity:
    return service.officers.authenticate(token)


OfficerDep = Annotated[OfficerIdentity, Depends(officer)]
