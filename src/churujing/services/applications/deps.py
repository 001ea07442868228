"""What the platform's routes (:mod:`.api`) and pages (:mod:`.pages`) both depend on, as the
FastAPI template's ``deps.py``: the service of an app, the typed dependencies
(``ServiceDep``, ``OfficerDep``, ``SecretDep``, ``IdemDep``, ``NumberPath``), the officer
behind a Bearer token or the shared officer cookie (the services' shared log-in: the
arrival card's officer accounts), and :class:`ErrorRoute`, the one route class that turns
the platform's errors (:mod:`.errors`) into responses. The routes and the pages import
this module, never each other."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer

from churujing.services.arrival_card.deps import OFFICER_COOKIE
from churujing.services.arrival_card.deps import get_service as accounts
from churujing.services.arrival_card.errors import ArrivalCardError
from churujing.services.common.state import on_app

from .errors import (
    ApplicationError,
    ApplicationInvalid,
    DatabaseUnavailable,
    DocumentsMissing,
    NotAuthenticated,
    Refused,
    TooManyAttempts,
    TransitionNotAllowed,
)
from .service import ApplicationService, Officer

__all__ = ["ErrorRoute", "IdemDep", "NumberPath", "OfficerDep", "SecretDep", "ServiceDep",
           "app_service", "error_body", "error_headers", "get_service", "install", "officer",
           "officer_from_cookie"]



def install(app: Any, service: ApplicationService) -> None:
    """Use ``service`` for ``app`` (tests, embedding); otherwise one is built from the
    environment on first use."""
    app.state.applications = service


def app_service(app: Any) -> ApplicationService:
    """The service of ``app`` (built from the environment on first use)."""
    return on_app(app, "applications", ApplicationService.from_settings)


def get_service(request: Request) -> ApplicationService:
    return app_service(request.app)


# --------------------------------------------------------------------------- dependencies

ServiceDep = Annotated[ApplicationService, Depends(get_service)]
SecretDep = Annotated[str, Header(alias="X-Application-Secret", max_length=100,
                                  description="The applicant's secret, returned at creation")]
IdemDep = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                       description="Retries with the same key return the "
                                                   "first answer")]
NumberPath = Annotated[str, Path(pattern=r"^M07[0-9A-Z]{10}$", description="application number")]
_bearer = OAuth2PasswordBearer(tokenUrl="/v1/officers/token", auto_error=False)


def officer(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> Officer:
    """The officer behind a Bearer token, by the services' shared log-in (the arrival
    card's officer accounts)."""
    try:
        who = accounts(request).authenticate(token)
    except ArrivalCardError as exc:
        raise NotAuthenticated(exc.text) from None
    return Officer(who.username, who.role)


OfficerDep = Annotated[Officer, Depends(officer)]


def officer_from_cookie(request: Request) -> Officer | None:
    """The officer of the pages (the shared officer cookie), or None when not logged in."""
    token = request.cookies.get(OFFICER_COOKIE)
    if not token:
        return None
    try:
        who = accounts(request).authenticate(token)
    except ArrivalCardError:
        return None
    return Officer(who.username, who.role)


# --------------------------------------------------------------------------- errors


def error_body(exc: ApplicationError) -> dict[str, Any]:
    if isinstance(exc, ApplicationInvalid):
        return {"detail": [{"loc": ["body", *[p for p in e.field.split(".") if p]],
                            "msg": e.message_in("en"), "zh": e.message_in("zh"),
                            "type": "value_error"} for e in exc.invalid_fields]}
    out: dict[str, Any] = {"detail": exc.text.en, "zh": exc.text.zh, "en": exc.text.en,
                           "code": exc.code}
    if isinstance(exc, Refused):
        out.update(measure=exc.measure, clause="M07",
                   unmet=[c.to_dict() for c in exc.unmet])
    elif isinstance(exc, DocumentsMissing):
        out["missing"] = list(exc.kinds)
    elif isinstance(exc, TransitionNotAllowed):
        out["allowed"] = list(exc.allowed)
    field = getattr(exc, "field", None)
    if field:
        out["field"] = field
    return out


def error_headers(exc: ApplicationError) -> dict[str, str]:
    headers = {"Retry-After": "5"} if isinstance(exc, DatabaseUnavailable) else {}
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers


class ErrorRoute(APIRoute):
    """The platform's errors as their HTTP status, whatever app includes the router: JSON
    (:func:`error_body`, :func:`error_headers`) for the API; the pages' router uses a
    subclass whose :meth:`respond` renders an error page instead."""

    def respond(self, request: Request, exc: ApplicationError) -> Response:
        return JSONResponse(error_body(exc), status_code=exc.status, headers=error_headers(exc))

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except ApplicationError as exc:
                return self.respond(request, exc)

        return route
