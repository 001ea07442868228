"""The database of the services: engine, sessions, migrations, "unavailable".

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` (a committed row
survives a killed process), a busy timeout, foreign keys on, and every transaction
``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing on a lock upgrade.
PostgreSQL is reached through psycopg 3 (``postgresql+psycopg://…``; ``postgresql://`` and
``postgres://`` are read the same way).

Each service has its own Alembic migrations and version table (``ac_alembic_version``,
``ap_alembic_version``) so that they share one database. This generalises the arrival
card's ``db.py``: the same engine settings, with the migrations and the error to raise
given by the service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "normalise_url"]

_log = logging.getLogger("churujing.services")


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; a SQLite file's folder is created."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return url


class Database:
    """An engine and a session factory for one URL and one service's migrations.

    ``unavailable`` makes the service's own error (its 503) from the driver's; the cause's
    first line goes to the log, never to the client.
    """

    def __init__(self, url: str, *, migrations: Path, version_table: str,
                 unavailable: Callable[[str], Exception], busy_timeout_ms: int = 10000,
                 echo: bool = False) -> None:
        self.url = normalise_url(url)
        self.backend = make_url(self.url).get_backend_name()
        self.migrations = migrations
        self.version_table = version_table
        self._unavailable = unavailable
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000,
                                      "check_same_thread": False}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=10,
                          connect_args={"connect_timeout": 5})
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            _sqlite_pragmas(self.engine, busy_timeout_ms)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def unavailable(self, exc: Exception) -> Exception:
        detail = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0][:300]
        _log.warning("database unavailable: %s", detail)
        return self._unavailable(detail)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        try:
            with self.sessions.begin() as s:
                yield s
        except (OperationalError, PoolTimeout) as exc:
            raise self.unavailable(exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise self.unavailable(exc) from exc
            raise

    def migrate(self) -> None:
        """Upgrade the service's tables to its latest migration."""
        from alembic import command
        from alembic.config import Config

        try:
            with self.engine.begin() as conn:
                cfg = Config()
                cfg.set_main_option("script_location", str(self.migrations))
                cfg.set_main_option("version_table", self.version_table)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise self.unavailable(exc) from exc

    def ping(self) -> None:
        with self.session() as s:
            s.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
