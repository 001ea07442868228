"""What every router shares: the language of a request, the as-of date, the policy data.

The library never reads the clock; the adapters do (``churujing.http.today()``, Beijing
time, re-exported here with ``request_lang`` and ``lang_from``) and pass the date down.
The dependencies are ``async``: they do not block, and a sync one would cost a
worker-thread hop per request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from churujing import jsonio
from churujing.http import LANG_COOKIE, lang_from, request_lang, today
from churujing.policy import Policy, load_policy
from churujing.text import Lang

__all__ = [
    "LANG_COOKIE",
    "AsOfDep",
    "LangDep",
    "PolicyDep",
    "lang_from",
    "policy",
    "read_json",
    "request_lang",
    "today",
]

THREAD_ABOVE = 32 * 1024  # bodies larger than this are parsed in a worker thread


async def read_json(request: Request) -> Any:
    """The body read as JSON whatever its Content-Type (``curl -d`` sends form-encoded),
    within the bounds of :mod:`churujing.jsonio` (a 422 naming where, past them), and
    within the route's body limit (a 413 before any byte is parsed). A large body is
    parsed in a worker thread, so that one client's body does not stall the others."""
    raw = await request.body()
    try:
        if len(raw) > THREAD_ABOVE:
            return await run_in_threadpool(jsonio.loads, raw)
        return jsonio.loads(raw)
    except jsonio.JSONLimitError as exc:
        raise RequestValidationError([{"loc": ("body", *exc.loc), "type": exc.kind,
                                       "msg": exc.message}]) from None


def policy() -> Policy:
    return load_policy()


async def _policy() -> Policy:  # async: no worker thread for a cached value
    return load_policy()


async def _as_of(
    as_of: Annotated[
        date | None,
        Query(description="the date the answer is for (YYYY-MM-DD); default: today in Beijing"),
    ] = None,
) -> date:
    return as_of if as_of is not None else today()


async def _lang(
    request: Request,
    lang: Annotated[
        Literal["zh", "en"] | None,
        Query(description="language of the primary text (else Accept-Language; default zh)"),
    ] = None,
) -> Lang:
    return lang if lang is not None else request_lang(request)


LangDep = Annotated[Lang, Depends(_lang)]
PolicyDep = Annotated[Policy, Depends(_policy)]
AsOfDep = Annotated[date, Depends(_as_of)]
