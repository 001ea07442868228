"""The services' one error-route class, and per-route body limits read when the request comes.

:class:`ErrorRoute` turns any service's error (:class:`~.errors.ServiceError`) into its HTTP
status, whatever app includes the router: the error's JSON body and headers
(:meth:`~.errors.ServiceError.body`, :meth:`~.errors.ServiceError.headers`) for the API; a
pages' router uses a subclass whose :meth:`ErrorRoute.respond` renders an error page.

**Body limits.** The application limits every request body before it is read
(``CHURUJING_MAX_BODY_BYTES``: the global body middleware, FastAPI's ``max_body_size``).
A route says "less or more" in one of two ways, both through that one middleware:

* a fixed number: the route's ``max_body_size=`` (FastAPI);
* a number from settings, read per request: :func:`body_limit` on the endpoint (an
  upload's limit is a service setting, ``CHURUJING_APPLICATIONS_UPLOAD_MAX_BYTES``). The
  route then runs inside Starlette's ``RequestBodyLimitMiddleware`` with that number; nested
  in the global one, it sets the global counter's limit for this request. A declared
  ``Content-Length`` over it is a 413 before any byte is read; a body that runs over it
  while streaming is a 413 at that byte.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import ServiceError

__all__ = ["ErrorRoute", "body_limit"]

F = TypeVar("F", bound=Callable[..., Any])

#: the endpoint attribute :func:`body_limit` sets
_LIMIT_ATTR = "__churujing_body_limit__"


def body_limit(limit: Callable[[Any], int]) -> Callable[[F], F]:
    """Mark an endpoint: its request body may be at most ``limit(app)`` bytes, ``app`` being
    the ASGI application that serves the request (read per request, from its settings)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, _LIMIT_ATTR, limit)
        return endpoint

    return mark


class _PerRequestLimit:
    """The route's app inside a body limit computed for each request."""

    def __init__(self, app: ASGIApp, limit: Callable[[Any], int]) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limited = RequestBodyLimitMiddleware(self.app, self.limit(scope["app"]))
        await limited(scope, receive, send)


class ErrorRoute(APIRoute):
    """A service's errors as their HTTP status; see the module docstring."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        limit = getattr(endpoint, _LIMIT_ATTR, None)
        if limit is not None:
            self.app = _PerRequestLimit(self.app, limit)

    def respond(self, request: Request, exc: ServiceError) -> Response:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers())

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except ServiceError as exc:
                return self.respond(request, exc)

        return route
