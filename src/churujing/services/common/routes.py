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
  route's handler then runs inside Starlette's ``RequestBodyLimitMiddleware`` with that
  number; nested in the application's, it sets the limit of the application's counter for
  this request, as FastAPI's own per-route limit does. A declared ``Content-Length`` over
  it is a 413 before any byte is read; a body that runs over it while streaming is a 413
  at that byte.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.routing import APIRoute
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware
from starlette.types import Message, Receive, Scope, Send

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


async def _limited(handler: Callable[[Request], Coroutine[Any, Any, Response]],
                   request: Request, limit: int) -> Response:
    """Run ``handler`` with the request body limited to ``limit`` bytes, through the
    application's body limit (Starlette's ``RequestBodyLimitMiddleware``, nested: it sets the
    limit of the counter that the application's middleware put on the request)."""
    if MAX_BODY_SIZE_SCOPE_KEY not in request.scope:  # an app without a global body limit
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return PlainTextResponse("Content Too Large", status_code=413)
    out: list[Response] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        out.append(await handler(request))

    async def no_send(message: Message) -> None:  # the nested limit sends nothing itself
        raise RuntimeError("the route's body limit sent a response of its own")

    await RequestBodyLimitMiddleware(inner, limit)(request.scope, request.receive, no_send)
    return out[0]


class ErrorRoute(APIRoute):
    """A service's errors as their HTTP status; see the module docstring."""

    def respond(self, request: Request, exc: ServiceError) -> Response:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers())

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        limit_of: Callable[[Any], int] | None = getattr(self.endpoint, _LIMIT_ATTR, None)

        async def route(request: Request) -> Response:
            try:
                if limit_of is not None:
                    return await _limited(handler, request, limit_of(request.app))
                return await handler(request)
            except ServiceError as exc:
                return self.respond(request, exc)

        return route
