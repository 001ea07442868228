"""Access logs without personal data: query strings are scrubbed before they are written.

uvicorn's access log writes each request's path *with its query string*. A passport
number, a receipt token or a filer's secret must never reach a log file, whatever a
client puts in a URL, so :class:`ScrubFilter` rewrites the logged path: on the routes
that carry personal data (:data:`churujing.api.application.PRIVATE_PREFIXES`) every
query value becomes ``-``; elsewhere the values of the parameters named in
:data:`SENSITIVE` do. :func:`log_config` is uvicorn's logging configuration with the
filter on the access logger (it is passed by name, so that every worker process has it).
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["SENSITIVE", "ScrubFilter", "log_config", "scrub_path"]

SENSITIVE = frozenset({"passport", "passport_number", "token", "secret", "password",
                       "access_token", "number", "csrf_token"})
_PRIVATE = ("/v1/arrival-cards", "/v1/officers", "/v1/operator", "/arrival-card",
            "/officer")
_MASK = "-"


def scrub_path(path: str) -> str:
    """``path?query`` with the values that may identify a person replaced by ``-``."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    private = base.startswith(_PRIVATE)
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, _MASK if private or k.lower() in SENSITIVE else v) for k, v in pairs]
    return f"{base}?{urlencode(kept, safe=_MASK)}"


class ScrubFilter(logging.Filter):
    """Scrubs the path argument of uvicorn's access-log records (see the module)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], scrub_path(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with :class:`ScrubFilter` on access logs."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["scrub"] = {"()": "churujing.api.logs.ScrubFilter"}
    config["handlers"]["access"]["filters"] = ["scrub"]
    return config
