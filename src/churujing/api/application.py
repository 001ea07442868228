"""The ASGI application: the HTTP API (``/v1``) and the web pages, over the same library.

``create_app(settings)`` builds it; ``churujing.api:app`` is one built with the settings
from the environment (``CHURUJING_*``). Routers are thin: one per resource in
``api/routes``; the pages are in ``churujing.web``. Services (the arrival-card service…)
plug in their own ``router`` and ``web_router`` when their package is installed.

Every response carries the policy data's version (header ``X-Churujing-Data-Version``,
and ``data_version`` in JSON bodies). Invalid input is a 422 whose ``detail`` lists
``{"loc", "msg", "type"}`` (FastAPI's shape); a facts error's ``loc`` ends with the fact's
field. An unknown measure or clause is a 404.

One pure ASGI middleware (:class:`ServiceHeadersMiddleware`) adds the headers every
response carries: the data version; ``X-Content-Type-Options: nosniff``;
``Referrer-Policy: no-referrer``; a Content-Security-Policy with no inline script or
style (``default-src 'self'``, ``frame-ancestors 'none'``); HSTS when the request came
over https (behind a proxy: ``--proxy-headers`` and ``--forwarded-allow-ips``); and
``Cache-Control: no-store`` on the routes that carry personal data or secrets (the
arrival-card service's API and pages) unless the route set its own. Request bodies are
limited before they are read: ``CHURUJING_MAX_BODY_BYTES`` for any route (256 KiB by
default), less or more where a route says so (FastAPI's ``max_body_size``); past it, 413.
"""

from __future__ import annotations

import hashlib
from importlib import import_module
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from churujing import __version__
from churujing.api.routes import changes, clauses, docs, health, measures, trips
from churujing.api.routes import policy as policy_routes
from churujing.api.routes._common import request_lang
from churujing.errors import AmbiguousName, ChurujingError, FactsError, UnknownMeasureError
from churujing.facts import error_text
from churujing.policy import load_policy

__all__ = [
    "CSP",
    "PRIVATE_PREFIXES",
    "SERVICES",
    "DataVersionMiddleware",
    "ServiceHeadersMiddleware",
    "Settings",
    "create_app",
]

DATA_VERSION_HEADER = "X-Churujing-Data-Version"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=63072000; includeSubDomains"
# Paths whose answers carry personal data or secrets: never stored by a cache.
PRIVATE_PREFIXES = ("/v1/arrival-cards", "/v1/officers", "/v1/operator", "/arrival-card",
                    "/officer")

# Service packages that bring their own routers: each names its API module (``router``,
# and ``ready`` for /readyz); the ``pages`` module beside it brings ``web_router``.
SERVICES = ("churujing.services.arrival_card.api", "churujing.services.applications.api")


class Settings(BaseSettings):
    """Service settings, from ``CHURUJING_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="CHURUJING_")

    check_many_limit: int = 1000
    default_lang: Literal["zh", "en"] = "zh"
    services: bool = True  # include the service routers that are installed
    max_body_bytes: int = Field(256 * 1024, ge=0)  # any route; some routes allow less or more
    telemetry: bool = False  # FastAPI's OpenTelemetry (off: a per-request check saved)


class ServiceHeadersMiddleware:
    """Adds the data version and the security headers (module docstring) to every HTTP
    response, in one pass over the start message; the headers are encoded once."""

    def __init__(self, app: ASGIApp, version: str) -> None:
        self.app = app
        self.common = [
            (DATA_VERSION_HEADER.lower().encode(), version.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
        ]
        self.hsts = (b"strict-transport-security", HSTS.encode())
        self.no_store = (b"cache-control", b"no-store")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(self.common)
        if scope.get("scheme") == "https":
            extra.append(self.hsts)
        private = str(scope.get("path", "")).startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if private and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append(self.no_store)
                # a page that sets its own policy keeps it (the API docs' pages: their UIs
                # set styles from script); two policies would both be enforced
                own = {k.lower() for k, _ in headers}
                message["headers"] = headers + [h for h in extra if h[0] not in own]
            await send(message)

        await self.app(scope, receive, send_with_headers)


DataVersionMiddleware = ServiceHeadersMiddleware  # the name it had before the headers

#: the data lists: public, the same for everyone until the data change (issue 13 §4)
DATA_LISTS = ("/v1/ports", "/v1/nationalities", "/v1/stay-areas", "/v1/cities",
              "/v1/airports", "/v1/changes", "/v1/clauses")
DATA_LIST_MAX_AGE = 3600


class DataListCacheMiddleware:
    """``ETag`` (a hash of the answer) and ``Cache-Control: public`` on the data lists'
    successful GETs; a request whose ``If-None-Match`` holds the same tag gets 304 and no
    body. The answers are small (tens of KB), so each is hashed whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (scope["type"] != "http" or scope.get("method") != "GET"
                or not path.startswith(DATA_LISTS)):
            await self.app(scope, receive, send)
            return
        asked = next((v.decode("latin-1") for k, v in scope.get("headers", ())
                      if k == b"if-none-match"), "")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start["status"] != 200:
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers = [(k, v) for k, v in start.get("headers", ())
                       if k.lower() not in (b"content-length", b"etag", b"cache-control")]
            headers += [(b"etag", tag.encode()),
                        (b"cache-control", f"public, max-age={DATA_LIST_MAX_AGE}".encode())]
            if tag in {t.strip() for t in asked.split(",")}:
                await send({**start, "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/v1", "/openapi", "/healthz")) and (
        "text/html" in request.headers.get("accept", "")
    )


def _error(request: Request, status: int, detail: Any) -> Response:
    if _wants_html(request):
        from churujing.web import render

        return render(request, "error.html", {"status": status, "detail": detail},
                      status_code=status)
    body = {"detail": jsonable_encoder(detail), "data_version": load_policy().version}
    return JSONResponse(body, status_code=status)


def _message(error: Any, lang: str) -> str:
    """An invalid parameter's or body's message in the asker's language: pydantic's own in
    English, its words from :func:`churujing.facts.error_text` in Chinese."""
    if lang == "en":
        return str(error.get("msg", "invalid"))
    return error_text(error).zh


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    lang = request_lang(request)
    detail = [{"loc": list(e.get("loc", ())), "msg": _message(e, lang),
               "type": str(e.get("type", "value_error"))} for e in exc.errors()]
    return _error(request, 422, detail)


async def _facts_error(request: Request, exc: Exception) -> Response:
    """Invalid facts: one entry per invalid field, its message in the asker's language."""
    assert isinstance(exc, FactsError)
    lang = request_lang(request)
    detail = []
    for e in exc.invalid_fields:
        loc: list[str | int] = ["body"]
        if e.field:
            loc += [int(p) if p.isdigit() else p for p in e.field.split(".")]
        entry: dict[str, Any] = {"loc": loc, "msg": e.message_in(lang),
                                 "type": "ambiguous_name" if isinstance(e, AmbiguousName)
                                 else "facts_error", "field": e.field}
        if isinstance(e, AmbiguousName):
            entry["candidates"] = [c.get(lang) for c in e.candidates]
        detail.append(entry)
    return _error(request, 422, detail)


async def _cannot_answer(request: Request, exc: Exception) -> Response:
    """Any other library error (e.g. a date the data do not cover): the facts cannot be
    answered as given — a 422 that says why, never a 500."""
    detail = [{"loc": ["body"], "msg": str(exc), "type": "cannot_answer"}]
    return _error(request, 422, detail)


async def _unknown_measure(request: Request, exc: Exception) -> Response:
    return _error(request, 404, str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI could not read the body (not UTF-8, not JSON…)
        error = {"msg": f"expected a JSON body in UTF-8 ({exc.detail})",
                 "type": "body_invalid"}
        detail = [{"loc": ["body"], "msg": _message(error, request_lang(request)),
                   "type": "body_invalid"}]
        return _error(request, 422, detail)
    response = _error(request, exc.status_code, exc.detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _include_services(app: FastAPI) -> list[str]:
    """Include the routers of the service packages that are importable."""
    found = []
    for name in SERVICES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue  # that service is not part of this build
            raise
        pages = import_module(name.rpartition(".")[0] + ".pages")
        for router in (getattr(module, "router", None), getattr(pages, "web_router", None)):
            if router is not None:
                app.include_router(router)
        found.append(name)
    return found


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application (API, pages, static files, installed services)."""
    from churujing.web import STATIC_DIR
    from churujing.web import routes as web_routes

    settings = settings or Settings()
    policy = load_policy()
    app = FastAPI(
        title="churujing 出入境",
        version=__version__,
        summary="NIA Announcement 2025 No. 4, executable: the ten exit-entry measures.",
        description=(
            "Exact, explained answers with the clause behind them, in Chinese and English, "
            "as of any date. Every response carries the data version "
            f"(`{DATA_VERSION_HEADER}`)."
        ),
        max_body_size=settings.max_body_bytes,
        telemetry=None if settings.telemetry else {"tracing": False, "metrics": False,
                                                   "logs": False},
        docs_url=None, redoc_url=None,  # served from the package (api/routes/docs.py)
    )
    docs.install(app)
    app.state.settings = settings
    app.state.default_lang = settings.default_lang
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FactsError, _facts_error)
    app.add_exception_handler(UnknownMeasureError, _unknown_measure)
    app.add_exception_handler(ChurujingError, _cannot_answer)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for module in (health, measures, clauses, policy_routes, changes, trips):
        app.include_router(module.router)
    app.state.services = _include_services(app) if settings.services else []
    app.include_router(web_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    base_openapi = app.openapi

    def openapi() -> dict[str, Any]:  # the measures' facts schemas as components
        schema = base_openapi()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if not any(name.startswith("Facts.") for name in components):
            components.update(measures.facts_components())
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(DataListCacheMiddleware)
    app.add_middleware(ServiceHeadersMiddleware, version=policy.version)
    return app
