"""The HTTP API and web pages as an ASGI application: ``churujing.api:app``.

``uvicorn churujing.api:app`` (or ``churujing serve``) serves it; ``create_app(settings)``
builds another one (tests, other settings). The default ``app`` is built on first use, so
that importing the package (the CLI does, to register ``serve``) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from churujing.api.application import Settings, create_app

__all__ = ["Settings", "app", "create_app"]

_app: FastAPI | None = None


def __getattr__(name: str) -> Any:
    global _app
    if name == "app":
        if _app is None:
            from churujing.api.application import create_app

            _app = create_app()
        return _app
    if name in ("Settings", "create_app"):
        from churujing.api import application as module

        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
