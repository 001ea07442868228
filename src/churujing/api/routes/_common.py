"""What every router shares: the language of a request, the as-of date, the policy data.

The library never reads the clock; the route layer does (``today()``, Beijing time) and
passes the date down. The dependencies are ``async``: they do not block, and a sync one
would cost a worker-thread hop per request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from churujing import jsonio
from churujing.decision import Lang
from churujing.facts import BEIJING
from churujing.policy import Policy, load_policy

__all__ = [
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

LANG_COOKIE = "lang"


def today() -> date:
    """Today in Beijing (the only place that reads the clock)."""
    return datetime.now(BEIJING).date()


def _accept_language(header: str) -> Lang | None:
    """The first of zh/en in an Accept-Language header, by quality then order."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if tag:
            ranked.append((-q, n, tag))
    for neg_q, _n, tag in sorted(ranked):
        if neg_q >= 0:
            break
        primary = tag.split("-")[0]
        if primary in ("zh", "en"):
            return "zh" if primary == "zh" else "en"
    return None


def lang_from(query: str | None, cookie: str | None, accept: str | None,
              default: Lang = "zh") -> Lang:
    """``?lang=`` > cookie > Accept-Language > ``default``."""
    for value in (query, cookie):
        if value in ("zh", "en"):
            return "zh" if value == "zh" else "en"
    if accept:
        found = _accept_language(accept)
        if found:
            return found
    return default


def request_lang(request: Request) -> Lang:
    default: Lang = getattr(request.app.state, "default_lang", "zh")
    return lang_from(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
        default,
    )


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
