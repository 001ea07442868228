"""CSRF protection of the arrival card's forms: the services' shared double-submit token
(:mod:`churujing.services.common.csrf`), refused with the arrival card's 403."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request

from churujing.services.common.csrf import CSRF_COOKIE, CSRF_FIELD, problem, remember, token_for

from .errors import NotAllowed

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "check", "remember", "token_for"]


def check(request: Request, form: Mapping[str, object]) -> None:
    """Refuse (403) a form whose token does not match the cookie, or from another origin."""
    text = problem(request, form)
    if text is not None:
        raise NotAllowed(text)
