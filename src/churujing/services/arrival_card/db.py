"""The arrival card's database: the services' shared :class:`~churujing.services.common.db.Database`
with the arrival card's migrations, version table (``ac_alembic_version``) and its
:class:`~.errors.DatabaseUnavailable` (503).

The engine's settings (SQLite WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE`` for writers and
a deferred ``BEGIN`` for readers, the in-process writer queue, private files, recovery from
a read-only database; PostgreSQL through psycopg 3) live in the shared layer.
"""

from __future__ import annotations

from pathlib import Path

from churujing.i18n import T
from churujing.services.common.db import Database as _SharedDatabase
from churujing.services.common.db import normalise_url, private_file

from .errors import DatabaseUnavailable

__all__ = ["MIGRATIONS", "VERSION_TABLE", "Database", "normalise_url", "private_file",
           "unavailable"]

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "ac_alembic_version"


def _error(detail: str) -> DatabaseUnavailable:
    error = DatabaseUnavailable(T("数据库暂时不可用，请稍后重试"))
    error.detail = detail
    return error


class Database(_SharedDatabase):
    """The shared database with the arrival card's migrations and error."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 10000, echo: bool = False) -> None:
        super().__init__(url, migrations=MIGRATIONS, version_table=VERSION_TABLE,
                         unavailable=_error, busy_timeout_ms=busy_timeout_ms, echo=echo)


def unavailable(exc: Exception) -> DatabaseUnavailable:
    """The public error (no host, port or driver text in it); the cause goes to the log."""
    detail = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0][:300]
    return _error(detail)
