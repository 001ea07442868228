"""Log-in throttling: a rate limit per client address and a lockout per username.

Two moving windows (the ``limits`` library):

* **per address**, every attempt counts (``CHURUJING_LOGIN_ADDRESS_LIMIT``, default
  30 per minute): one client cannot try many passwords, for one account or many;
* **per username**, failed attempts count (``CHURUJING_LOGIN_USER_LIMIT``, default 5 per
  15 minutes): past it the account is locked for the rest of the window, and even the
  right password gets 429, so that guessing from many addresses gains nothing. A
  successful log-in clears the username's failures.

A refused attempt raises :class:`~.errors.TooManyAttempts` with ``retry_after``, the
seconds until the window lets one more attempt through (``Retry-After``).

The username's lockout is also read from the audit log (every failed attempt is a row
there), so that it holds across the worker processes of ``serve --workers N``.

Limitations:
    The per-address window lives in the memory of each server process (``limits``'
    memory storage): with ``serve --workers N`` one address gets up to N times its limit
    before every worker refuses it. A shared storage (``limits`` supports Redis,
    Memcached…) would make it global; the audit log records every attempt either way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from churujing.i18n import T

from .errors import TooManyAttempts

__all__ = ["LoginThrottle"]


@dataclass
class LoginThrottle:
    """The two windows of the module docstring, in this process's memory."""

    per_user: str = "5 per 15 minutes"
    per_address: str = "30 per minute"
    _user: RateLimitItem = field(init=False, repr=False)
    _address: RateLimitItem = field(init=False, repr=False)
    _limiter: MovingWindowRateLimiter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._user = parse(self.per_user)
        self._address = parse(self.per_address)
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)

    @property
    def user_item(self) -> RateLimitItem:
        """The per-username limit (its ``amount`` and ``get_expiry()`` seconds)."""
        return self._user

    def _retry_after(self, item: RateLimitItem, *key: str) -> int:
        stats = self._limiter.get_window_stats(item, *key)
        return int(stats.reset_time - time.time()) + 1

    def check(self, username: str, address: str) -> None:
        """Count this attempt against the address; refuse it when the address or the
        username is over its limit."""
        user_key = username.casefold()
        if not self._limiter.hit(self._address, "address", address):
            raise TooManyAttempts(T("登录尝试过于频繁，请稍后再试"),
                                  retry_after=self._retry_after(self._address, "address", address))
        if not self._limiter.test(self._user, "user", user_key):
            raise TooManyAttempts(T("登录失败次数过多，账户已暂时锁定，请稍后再试"),
                                  retry_after=self._retry_after(self._user, "user", user_key))

    def failed(self, username: str) -> None:
        self._limiter.hit(self._user, "user", username.casefold())

    def succeeded(self, username: str) -> None:
        self._limiter.clear(self._user, "user", username.casefold())
