"""Log-in throttling: a rate limit per client address and a lockout per username.

Two moving windows (the ``limits`` library):

* **per address**, every attempt counts (``CHURUJING_LOGIN_ADDRESS_LIMIT``, default
  30 per minute): one client cannot try many passwords, for one account or many;
* **per username**, failed attempts count (``CHURUJING_LOGIN_USER_LIMIT``, default 5 per
  15 minutes): past it the account is locked for the rest of the window, and even the
  right password gets 429, so that guessing from many addresses gains nothing. A
  successful log-in clears the username's failures.

A refused attempt raises the service's :class:`~.errors.TooManyAttempts` with ``retry_after``, the
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

from dataclasses import dataclass, field

from limits import RateLimitItem

from churujing.i18n import T

from .errors import TooManyAttempts
from .limits import Windows, item

__all__ = ["LoginThrottle"]


@dataclass
class LoginThrottle:
    """The two windows of the module docstring, in this process's memory; ``error`` is the
    service's :class:`~.errors.TooManyAttempts` class."""

    per_user: str = "5 per 15 minutes"
    per_address: str = "30 per minute"
    error: type[TooManyAttempts] = TooManyAttempts
    _windows: Windows = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._windows = Windows(self.error)

    @property
    def user_item(self) -> RateLimitItem:
        """The per-username limit (its ``amount`` and ``get_expiry()`` seconds)."""
        return item(self.per_user)

    def check(self, username: str, address: str) -> None:
        """Count this attempt against the address; refuse it when the address or the
        username is over its limit."""
        self._windows.hit(item(self.per_address), "address", address,
                          refused=T("登录尝试过于频繁，请稍后再试"))
        self._windows.check(self.user_item, "user", username.casefold(),
                            refused=T("登录失败次数过多，账户已暂时锁定，请稍后再试"))

    def failed(self, username: str) -> None:
        self._windows.count(self.user_item, "user", username.casefold())

    def succeeded(self, username: str) -> None:
        self._windows.clear(self.user_item, "user", username.casefold())
