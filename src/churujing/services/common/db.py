"""The services' database: engine, sessions, migrations, "unavailable" (shared layer).

SQLite (the embedded default) runs in WAL mode with ``synchronous=FULL`` (a committed
filing survives a killed process and a power loss), a busy timeout, foreign keys on, and
every writing transaction ``BEGIN IMMEDIATE`` so that concurrent writers queue on the
busy timeout instead of failing on a lock upgrade; reading ones (:meth:`Database.read`)
a deferred ``BEGIN``, so that they never hold the write lock; within one process the
writers queue on a lock first (in order, instead of SQLite's sleeping busy handler: the
tail latency of concurrent filings fell from seconds), and the writers of several
processes (``serve --workers N``) on an advisory ``flock`` of a lock file beside the
database (``NAME-writer.lock``, mode 0600): a waiting process is woken as soon as the
lock is free, where SQLite's busy handler sleeps 1, 2, 5… 100 ms between tries while the
other process takes the lock again and again (a p99 of seconds at 32 clients; issue 12).
PostgreSQL is reached
through psycopg 3 (``postgresql+psycopg://…``; a plain ``postgresql://`` URL is read the
same way).

Migrations are Alembic's, run programmatically (no ``alembic.ini``): :meth:`Database.migrate`.
Each service gives its own migrations and version table (``ac_alembic_version`` for the
arrival card, ``ap_alembic_version`` for the applications platform), so that they share one
database, and its own error for "unavailable" (its 503). Extracted from the arrival card's
``db.py`` (issue 12), which is now a thin subclass.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "normalise_url", "private_file", "run_migrations"]

_log = logging.getLogger("churujing.services")

#: the execution option that marks a read-only session (a deferred BEGIN on SQLite)
_READ_ONLY = "churujing_read_only"



def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; a SQLite file's folder is created
    (mode 0700) and the file itself with mode 0600 (SQLite gives its WAL and shared-memory
    files the database file's mode): the data are readable by the service's user only."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        private_file(Path(parsed.database))
    return url


def private_file(path: Path) -> None:
    """Create ``path`` (and its folder) readable by this user only, or make it so."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            if p.stat().st_mode & 0o077:
                p.chmod(0o600)


class Database:
    """An engine and a session factory for one URL and one service's migrations.

    ``unavailable`` makes the service's own error (its 503) from the cause's first line
    (``detail``), which goes to the log and never to the client.
    """

    def __init__(self, url: str, *, migrations: Path, version_table: str,
                 unavailable: Callable[[str], Exception], busy_timeout_ms: int = 10000,
                 echo: bool = False) -> None:
        self.migrations = migrations
        self.version_table = version_table
        self._make_unavailable = unavailable
        self.url = normalise_url(url)
        self.backend = make_url(self.url).get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000,
                                      "check_same_thread": False}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_timeout=10,
                          connect_args={"connect_timeout": 5})
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            _sqlite_pragmas(self.engine, busy_timeout_ms)
        else:
            _ping_when_idle(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = threading.Lock() if self.backend == "sqlite" else None
        database = make_url(self.url).database if self.backend == "sqlite" else None
        self._lock_path = (Path(database).with_name(Path(database).name + "-writer.lock")
                           if database not in (None, "", ":memory:") else None)
        self._lock_fd: tuple[int, int] | None = None  # (pid, fd): opened once per process
        self._busy_timeout_s = busy_timeout_ms / 1000
        self.read_sessions = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False)

    def unavailable(self, exc: Exception) -> Exception:
        """The service's public error for ``exc`` (no host, port or driver text in it)."""
        detail = (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0][:300]
        _log.warning("database unavailable (%s): %s", self.version_table, detail)
        error = self._make_unavailable(detail)
        if not getattr(error, "detail", ""):
            error.detail = detail  # type: ignore[attr-defined]
        return error

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error;
        a database that cannot be reached, or that refuses writes, raises
        the service's "unavailable" error (and the pool is emptied when the storage was
        read-only, so that the next session opens connections anew and recovers)."""
        locked = False
        if self._writer is not None:  # SQLite: this process's writers queue here, in order,
            # rather than in SQLite's busy handler, which sleeps and retries (long tails)
            locked = self._writer.acquire(timeout=self._busy_timeout_s)
            if not locked:
                raise self.unavailable(OperationalError("writer queue", {}, Exception(
                    "database is locked (waited for this process's writers)")))
        fd = self._process_lock() if locked else None
        try:
            with self.sessions.begin() as s:
                yield s
        except (OperationalError, PoolTimeout) as exc:
            self._recover(exc)
            raise self.unavailable(exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated or _read_only(exc):
                self._recover(exc)
                raise self.unavailable(exc) from exc
            raise
        finally:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            if locked and self._writer is not None:
                self._writer.release()

    def _process_lock(self) -> int | None:
        """Take the SQLite writers' lock between processes (the caller holds this process's
        writer lock, so one thread per process waits here, the GIL released); ``None``
        for an in-memory database, or when the lock file cannot be opened (read-only
        storage: the write fails on its own, as before)."""
        if self._lock_path is None:
            return None
        pid = os.getpid()
        if self._lock_fd is None or self._lock_fd[0] != pid:  # a forked child opens its own
            try:
                fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                return None
            self._lock_fd = (pid, fd)
        fd = self._lock_fd[1]
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _recover(self, exc: Exception) -> None:
        """Drop pooled connections that may stay broken: a SQLite connection opened while
        its file was read-only stays read-only; so does a PostgreSQL session opened while
        ``default_transaction_read_only`` was on."""
        if _read_only(exc) or isinstance(exc, OperationalError):
            self.engine.dispose()

    def check_writable(self) -> None:
        """Commit a write that changes nothing (the schema version set to itself):
        the service's "unavailable" error when the database cannot be reached or written."""
        with self.session() as s:
            s.execute(text(f"UPDATE {self.version_table} SET version_num = version_num"))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only: on SQLite a deferred ``BEGIN`` (WAL readers do not
        wait for the writer, and take no write lock), elsewhere as :meth:`session`."""
        try:
            with self.read_sessions.begin() as s:
                yield s
        except (OperationalError, PoolTimeout) as exc:
            raise self.unavailable(exc) from exc
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise self.unavailable(exc) from exc
            raise

    def migrate(self) -> None:
        """Upgrade the schema to the latest migration."""
        from alembic import command

        try:
            with self.engine.begin() as conn:
                command.upgrade(self.alembic_config(conn), "head")
        except OperationalError as exc:
            raise self.unavailable(exc) from exc

    def alembic_config(self, connection: Any = None) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(self.migrations))
        cfg.set_main_option("version_table", self.version_table)
        cfg.attributes["connection"] = connection
        return cfg

    def ping(self) -> None:
        with self.session() as s:
            s.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock_fd is not None and self._lock_fd[0] == os.getpid():
            with contextlib.suppress(OSError):
                os.close(self._lock_fd[1])
        self._lock_fd = None


def run_migrations(metadata: Any, version_table: str) -> None:
    """The body of a service's Alembic ``env.py``: run its migrations on the connection that
    :meth:`Database.migrate` passed (``config.attributes["connection"]``), with its own
    version table; offline (SQL script) mode is not used."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only reached through Database.migrate()
        raise RuntimeError("run migrations through churujing.services.common.db.Database")
    context.configure(connection=connection, target_metadata=metadata,
                      version_table=version_table,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def _read_only(exc: Exception) -> bool:
    text_ = str(getattr(exc, "orig", exc)).lower()
    return "readonly" in text_ or "read-only" in text_ or "read only" in text_


#: a pooled connection idle longer than this is pinged before use (seconds)
IDLE_PING_S = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping``, for connections that have been idle: a connection
    back in the pool for more than :data:`IDLE_PING_S` is pinged when checked out, and a
    dead one replaced before any statement is sent (``DisconnectionError``: the pool
    opens a new one). Under load a connection is back in use within milliseconds, and a
    ping per transaction was one round trip of the seven of a batch of filings (issue 12);
    a connection that died less than that second ago fails its first statement instead,
    which is the service's 503 (retried with its Idempotency-Key), and the pool is
    emptied (:meth:`Database._recover`), as when the database stops under load."""
    from sqlalchemy.exc import DisconnectionError

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return  # just opened, or back from use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("the connection did not answer a ping")


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
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
