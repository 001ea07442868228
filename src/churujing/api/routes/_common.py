"""What every router shares: the language of a request, the as-of date, the policy data.

The library never reads the clock; the adapters do (``churujing.http.today()``, Beijing
time, re-exported here with ``request_lang`` and ``lang_from``) and pass the date down.
The dependencies are ``async``: they do not block, and a sync one would cost a
worker-thread hop per request.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

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
    "request_lang",
    "today",
]


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
