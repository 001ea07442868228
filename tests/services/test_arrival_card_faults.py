"""Storage faults under a stream of filings, through the real server (issue 12, item 11):
a full disk on SQLite and a stopped PostgreSQL. While storage fails the service answers 503
with ``Retry-After`` (never 500, never an acknowledgement it cannot keep); when storage
comes back the same server process files again without a restart; afterwards every
acknowledged filing is there (acknowledged but lost = 0) and retrying every request sent,
acknowledged or not, with its ``Idempotency-Key`` creates no duplicate (duplicates = 0)."""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from ac_helpers import (
    PgServer,
    Server,
    _as_postgres,
    make_card,
    real_today,
    server_env,
    start_postgres,
    stop_postgres,
)

pytestmark = pytest.mark.slow


class Stream:
    """Four clients filing different travellers as fast as the server answers."""

    def __init__(self, base: str, arrival: str, prefix: str) -> None:
        self.base, self.arrival, self.prefix = base, arrival, prefix
        self.acked: dict[str, dict[str, Any]] = {}
        self.sent: list[str] = []
        self.refused: list[httpx.Response] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(w,)) for w in range(4)]

    def card(self, key: str) -> dict[str, Any]:
        return make_card(passport_number=f"{self.prefix}{key.replace('-', '')[1:]:0>8}",
                         arrival_date=self.arrival, passport_expiry="2040-01-01")

    def _run(self, worker: int) -> None:
        with httpx.Client(base_url=self.base, timeout=20) as client:
            i = 0
            while not self.stop.is_set():
                key = f"w{worker}-{i}"
                i += 1
                with self.lock:
                    self.sent.append(key)
                try:
                    r = client.post("/v1/arrival-cards", json=self.card(key),
                                    headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    time.sleep(0.05)
                    continue
                with self.lock:
                    if r.status_code in (200, 201):
                        self.acked[key] = r.json()
                    else:
                        self.refused.append(r)

    def __enter__(self) -> Stream:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)

    def wait(self, what: Callable[[], bool], seconds: float) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            with self.lock:
                if what():
                    return True
            time.sleep(0.05)
        return False


def _all_there_and_no_duplicates(base: str, stream: Stream) -> None:
    with httpx.Client(base_url=base, timeout=20) as client:
        for key, receipt in stream.acked.items():
            r = client.get(f"/v1/arrival-cards/{receipt['number']}",
                           headers={"X-Filing-Secret": receipt["secret"]})
            assert r.status_code == 200, (key, r.text)  # acknowledged, not lost
        numbers = set()
        for key in stream.sent:
            r = client.post("/v1/arrival-cards", json=stream.card(key),
                            headers={"Idempotency-Key": key})
            assert r.status_code in (200, 201), r.text
            if key in stream.acked:  # the retry replays the first receipt
                assert r.status_code == 200 and r.json()["number"] == stream.acked[key]["number"]
            numbers.add(r.json()["number"])
        assert len(numbers) == len(stream.sent)  # one filing per request: no duplicate


def _refusals_are_503_with_retry_after(stream: Stream) -> None:
    assert stream.refused, "storage never failed"
    codes = {r.status_code for r in stream.refused}
    assert codes == {503}, [(r.status_code, r.text[:200]) for r in stream.refused
                            if r.status_code != 503][:3]
    assert all(r.headers.get("Retry-After") for r in stream.refused)


def test_a_full_disk_loses_no_acknowledged_filing_and_the_server_recovers_by_itself(
        tmp_path: Path, server_factory: Callable[[dict[str, str]], Server]) -> None:
    """SQLite with the server's file-size limit (RLIMIT_FSIZE, what a full disk does to a
    write) a few hundred kilobytes above the database: filings are refused with 503 once
    the database or its WAL cannot grow; the limit lifted on the running process, filing
    works again at once."""
    db = tmp_path / "arrival.sqlite3"
    env = server_env(f"sqlite:///{db}", tmp_path / "keys.json")
    first = server_factory(env)
    first.start()  # creates and migrates the database
    first.stop()
    room = sum(p.stat().st_size for p in tmp_path.glob("arrival.sqlite3*")) + 400_000

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.RLIM_INFINITY))  # soft

    server = server_factory(env)
    server.preexec = limited
    server.start()
    arrival = (real_today() + timedelta(days=3)).isoformat()
    with Stream(server.base, arrival, "D") as stream:
        full = stream.wait(lambda: len(stream.refused) >= 20, 90)
        assert full, f"the disk never filled: {len(stream.acked)} filed"
        assert server.process is not None
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))  # space again
        before = len(stream.acked)
        assert stream.wait(lambda: len(stream.acked) >= before + 20, 30), \
            "the server did not recover by itself"
    assert len(stream.acked) >= 20
    _refusals_are_503_with_retry_after(stream)
    server.stop()
    again = server_factory(env)
    again.start()
    _all_there_and_no_duplicates(again.base, stream)


@contextmanager
def _own_postgres() -> Iterator[PgServer]:
    try:
        pg = start_postgres()
    except RuntimeError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield pg
    finally:
        stop_postgres(pg)


def _pg_ctl(pg: PgServer, *args: str) -> None:
    opts = f"-p {pg.port} -k {pg.folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    run = subprocess.run(_as_postgres([str(pg.bin / "pg_ctl"), "-D", str(pg.folder / "data"),
                                       "-o", opts, "-l", str(pg.folder / "log"), "-w",
                                       "-t", "60", *args]),
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.postgres
def test_a_stopped_database_loses_no_acknowledged_filing_and_the_server_recovers_by_itself(
        tmp_path: Path, server_factory: Callable[[dict[str, str]], Server]) -> None:
    """PostgreSQL stopped (fast shutdown: open transactions are cut) for a few seconds in the
    middle of the stream, then started again: 503 while it is down, filing again without
    a restart of the service once it is back."""
    with _own_postgres() as pg:
        env = server_env(pg.url(pg.create_database()), tmp_path / "keys.json")
        server = server_factory(env)
        server.start()
        arrival = (real_today() + timedelta(days=3)).isoformat()
        with Stream(server.base, arrival, "P") as stream:
            assert stream.wait(lambda: len(stream.acked) >= 30, 60)
            _pg_ctl(pg, "-m", "fast", "stop")
            assert stream.wait(lambda: len(stream.refused) >= 20, 30)
            time.sleep(2)
            _pg_ctl(pg, "start")
            before = len(stream.acked)
            assert stream.wait(lambda: len(stream.acked) >= before + 30, 30), \
                "the server did not recover by itself"
        _refusals_are_503_with_retry_after(stream)
        _all_there_and_no_duplicates(server.base, stream)
        server.stop()
