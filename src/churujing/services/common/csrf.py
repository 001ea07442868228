"""CSRF protection of the services' forms: a token per browser, in a cookie and a field.

Every page a service renders has ``csrf_token`` in its context and every ``POST`` form
carries it as a hidden field (``csrf_token``); the same value is in an
HttpOnly, ``SameSite=Strict`` cookie (``ac_csrf``), set the first time a page is shown.
A form posted without the field, or with one that differs from the cookie, is refused
with 403 (the double-submit pattern: another origin can make a browser post a form, but
can neither read the cookie nor set it). An ``Origin`` header naming another host is
refused too. The log-in form is protected like every other (log-in CSRF: an attacker
logging a victim's browser into the attacker's account).

Shared layer: one cookie for the arrival card's and the applications' pages;
:func:`problem` says what is wrong, and each service raises its own 403 error
(``arrival_card/csrf.py`` keeps its ``check``).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from churujing.decision import Text
from churujing.i18n import T

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "problem", "remember", "token_for"]

CSRF_COOKIE = "ac_csrf"
CSRF_FIELD = "csrf_token"
_LENGTH = 32  # characters of token_urlsafe(24)


def token_for(request: Request) -> tuple[str, bool]:
    """The browser's token and whether it is new (then :func:`remember` sets the cookie)."""
    have = request.cookies.get(CSRF_COOKIE, "")
    if len(have) == _LENGTH and have.replace("-", "").replace("_", "").isalnum():
        return have, False
    return secrets.token_urlsafe(24), True


def remember(request: Request, response: Response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def problem(request: Request, form: Mapping[str, object]) -> Text | None:
    """Why a form must be refused (its token does not match the cookie, or it comes from
    another origin), or None when it may be accepted."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            return T("拒绝来自其他网站的表单提交")
    sent = str(form.get(CSRF_FIELD, ""))
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not sent or not cookie or not hmac.compare_digest(sent, cookie):
        return T("表单已过期，请刷新页面后重新提交")
    return None
