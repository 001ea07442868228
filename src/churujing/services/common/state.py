"""A service held on the web application's state: given (tests, embedding) or built from the
environment on first use, once, whichever thread asks first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["on_app"]

S = TypeVar("S")
_lock = threading.Lock()


def on_app(app: Any, attr: str, build: Callable[[], S]) -> S:
    """``app.state.<attr>``, built by ``build()`` the first time it is asked for."""
    found: S | None = getattr(app.state, attr, None)
    if found is None:
        with _lock:
            found = getattr(app.state, attr, None)
            if found is None:
                found = build()
                setattr(app.state, attr, found)
    return found
