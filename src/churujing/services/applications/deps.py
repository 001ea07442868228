"""What the platform's routes (:mod:`.api`) and pages (:mod:`.pages`) both depend on, as the
FastAPI template's ``deps.py``: the service of an app, the typed dependencies
(``ServiceDep``, ``OfficerDep``, ``SecretDep``, ``IdemDep``, ``NumberPath``), the officer
behind a Bearer token or the shared officer cookie (the services' shared log-in: the
officer accounts of :mod:`churujing.services.common.accounts`, whose tables the arrival
card's migrations hold), and :class:`ErrorRoute`, the services' one route class that turns
their errors into responses (:mod:`churujing.services.common.routes`). The routes and the
pages import
this module, never each other."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request
from fastapi.security import OAuth2PasswordBearer

from churujing.services.arrival_card.deps import get_service as _card_service
from churujing.services.common.accounts import OFFICER_COOKIE, Accounts
from churujing.services.common.errors import ServiceError
from churujing.services.common.routes import ErrorRoute
from churujing.services.common.state import on_app

from .documents import KINDS
from .errors import NotAuthenticated
from .service import ApplicationService, Officer

__all__ = ["ErrorRoute", "IdemDep", "NumberPath", "OfficerDep", "SecretDep", "ServiceDep",
           "accounts", "app_service", "form_upload_limit", "get_service", "install", "officer",
           "officer_from_cookie", "upload_limit"]



def install(app: Any, service: ApplicationService) -> None:
    """Use ``service`` for ``app`` (tests, embedding); otherwise one is built from the
    environment on first use."""
    app.state.applications = service


def app_service(app: Any) -> ApplicationService:
    """The service of ``app`` (built from the environment on first use)."""
    return on_app(app, "applications", ApplicationService.from_settings)


def get_service(request: Request) -> ApplicationService:
    return app_service(request.app)


def upload_limit(app: Any) -> int:
    """The body limit of a document upload (``CHURUJING_APPLICATIONS_UPLOAD_MAX_BYTES``)."""
    return app_service(app).settings.upload_max_bytes


def form_upload_limit(app: Any) -> int:
    """The body limit of the pages' upload form: every document kind at its limit, and the
    form's fields and multipart framing (64 KiB)."""
    return len(KINDS) * upload_limit(app) + 64 * 1024


# --------------------------------------------------------------------------- dependencies

ServiceDep = Annotated[ApplicationService, Depends(get_service)]
SecretDep = Annotated[str, Header(alias="X-Application-Secret", max_length=100,
                                  description="The applicant's secret, returned at creation")]
IdemDep = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                       description="Retries with the same key return the "
                                                   "first answer")]
NumberPath = Annotated[str, Path(pattern=r"^M07[0-9A-Z]{10}$", description="application number")]
_bearer = OAuth2PasswordBearer(tokenUrl="/v1/officers/token", auto_error=False)


def accounts(request: Request) -> Accounts:
    """The services' shared officer accounts (held by the arrival card's service, whose
    migrations made their tables)."""
    return _card_service(request).officers


def officer(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> Officer:
    """The officer behind a Bearer token, by the services' shared log-in (the arrival
    card's officer accounts)."""
    try:
        who = accounts(request).authenticate(token)
    except ServiceError as exc:
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
    except ServiceError:
        return None
    return Officer(who.username, who.role)
