"""What the HTTP adapters share (the API, the pages, a service's pages): the language of a
request and today's date.

The library never reads the clock; the adapters do, here (``today()``, Beijing time), and
pass the date down. The API's dependencies (``api/routes/_common.py``) and the pages
(``web/``) both import this module, never each other.
"""

from __future__ import annotations

from datetime import date, datetime

from starlette.requests import Request

from churujing.facts import BEIJING
from churujing.text import Lang, lang_from

__all__ = ["LANG_COOKIE", "lang_from", "request_lang", "today"]

LANG_COOKIE = "lang"


def today() -> date:
    """Today in Beijing (the only place that reads the clock)."""
    return datetime.now(BEIJING).date()


def request_lang(request: Request) -> Lang:
    """The language of a request: ``?lang=`` > the ``lang`` cookie > Accept-Language > the
    app's default (``app.state.default_lang``, else zh)."""
    default: Lang = getattr(request.app.state, "default_lang", "zh")
    return lang_from(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        default,
    )

