"""Moving windows of attempts (the ``limits`` library), in this process's memory: the
services' one way to say "too often" (log-ins, recovery codes sent and tried).

:meth:`Windows.hit` counts an attempt and raises the caller's :class:`~.errors.TooManyAttempts`
(with ``retry_after``, the seconds until the window lets one more through) when it is full.

Limitations:
    Each server process keeps its own windows (``limits``' memory storage): with
    ``serve --workers N`` a key gets up to N times its limit. A shared storage (``limits``
    supports Redis, Memcached…) would make them global.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from churujing.decision import Text

from .errors import TooManyAttempts

__all__ = ["Windows", "item"]


@lru_cache(maxsize=64)
def item(setting: str) -> RateLimitItem:
    """A limit as written in settings (``"5 per 15 minutes"``); parsed once."""
    return parse(setting)


@dataclass
class Windows:
    """Moving windows keyed by any strings; ``error`` is the class raised when one is full."""

    error: type[TooManyAttempts] = TooManyAttempts
    _limiter: MovingWindowRateLimiter = field(
        default_factory=lambda: MovingWindowRateLimiter(MemoryStorage()), repr=False)

    def retry_after(self, limit: RateLimitItem, *key: str) -> int:
        reset = self._limiter.get_window_stats(limit, *key).reset_time
        return max(1, int(reset - time.time()) + 1)

    def hit(self, limit: RateLimitItem, *key: str, refused: Text) -> None:
        """Count one attempt; ``error(refused)`` when the window was already full."""
        if not self._limiter.hit(limit, *key):
            raise self.error(refused, retry_after=self.retry_after(limit, *key))

    def check(self, limit: RateLimitItem, *key: str, refused: Text) -> None:
        """Refuse (as :meth:`hit`) when the window is full, without counting."""
        if not self._limiter.test(limit, *key):
            raise self.error(refused, retry_after=self.retry_after(limit, *key))

    def count(self, limit: RateLimitItem, *key: str) -> None:
        """Count one attempt without refusing."""
        self._limiter.hit(limit, *key)

    def clear(self, limit: RateLimitItem, *key: str) -> None:
        self._limiter.clear(limit, *key)
