"""Fixtures of the arrival-card service tests: every service test runs against SQLite and
against a real PostgreSQL 15 started for the session (skipped, saying why, when the
PostgreSQL binaries are absent). See ``ac_helpers.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ac_helpers import Clock, PgServer, Server, free_port, make_card, start_postgres, stop_postgres

from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.arrival_card.settings import Settings


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | str]:
    """The session's PostgreSQL server, or the reason why there is none (a str)."""
    try:
        server = start_postgres()
    except RuntimeError as exc:
        yield str(exc)
        return
    try:
        yield server
    finally:
        stop_postgres(server)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'arrival.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    if isinstance(server, str):
        pytest.skip(f"PostgreSQL tests skipped: {server}")
    return server.url(server.create_database())


# --------------------------------------------------------------------------- the service


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, key_file=tmp_path / "keys.json")


@pytest.fixture
def service(settings: Settings, clock: Clock) -> Iterator[ArrivalCardService]:
    svc = ArrivalCardService.from_settings(settings, clock=clock)
    yield svc
    svc.db.dispose()


@pytest.fixture
def card() -> Callable[..., dict[str, Any]]:
    return make_card


# --------------------------------------------------------------------------- a server


@pytest.fixture
def server_factory() -> Iterator[Callable[[dict[str, str]], Server]]:
    started: list[Server] = []

    def make(env: dict[str, str]) -> Server:
        s = Server(free_port(), env)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


