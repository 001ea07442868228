"""The services' clock: the current instant (UTC) from a function the tests can replace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from churujing.facts import BEIJING

__all__ = ["Clock", "now", "system_clock", "today", "utc"]

Clock = Callable[[], datetime]
"""A clock: returns the current instant as an aware datetime."""


def system_clock() -> datetime:
    """The system clock (UTC)."""
    return datetime.now(UTC)


def now(clock: Clock) -> datetime:
    """The clock's instant, in UTC."""
    return clock().astimezone(UTC)


def utc(moment: datetime) -> datetime:
    """A stored time in UTC (SQLite returns naive datetimes: they are UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def today(clock: Clock) -> date:
    """Today's date in Beijing by ``clock``."""
    return clock().astimezone(BEIJING).date()
