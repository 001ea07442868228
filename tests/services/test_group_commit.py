"""Group commit of filings (issue 12): concurrent filings of one process in one transaction,
each acknowledged only once that transaction has committed, one failure never failing the
others, the one-valid-filing rule exact inside a batch; and the SQLite writers of several
processes queued on a lock file. On SQLite and on PostgreSQL (every service test runs on
both); the writer's own tests use the service's real database and a table of their own.

A batch is made deterministic by a gate: the first transaction waits until the test has
queued the others behind it, and the next leader takes them all in one batch.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from churujing.services.arrival_card.records import Receipt
from churujing.services.arrival_card.service import ArrivalCardService
from churujing.services.common.db import Database
from churujing.services.common.writer import GroupCommit

Card = Callable[..., dict[str, Any]]

_META = MetaData()
_ROWS = Table("test_group_commit_rows", _META, Column("k", String(20), primary_key=True))


class Gated:
    """A database whose first transaction waits for ``opened`` (set by the test), once its
    leader has taken its batch (``entered``)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.first = True

    def session(self) -> AbstractContextManager[Session]:
        if self.first:
            self.first = False
            self.entered.set()
            assert self.opened.wait(30)
        return self.db.session()


@pytest.fixture
def db(service: ArrivalCardService) -> Iterator[Database]:
    _META.create_all(service.db.engine)
    yield service.db
    _META.drop_all(service.db.engine)


def _insert_rows(s: Session, keys: Sequence[str]) -> None:
    s.execute(insert(_ROWS), [{"k": k} for k in keys])


def _stored(db: Database) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(_ROWS.c.k)))


def _queued(writer: GroupCommit[Any], n: int) -> None:
    """Wait until ``n`` writes wait behind the gated first one."""
    deadline = time.monotonic() + 30
    while len(writer._waiting) < n:
        assert time.monotonic() < deadline, "the writes did not queue"
        time.sleep(0.005)


class Writers:
    """Threads each submitting one write: the first leads and waits at the gate, then the
    others queue behind it, in order; ``outcome`` is each one's error (``None``: committed)."""

    def __init__(self, writer: GroupCommit[Any], gated: Gated,
                 items: Sequence[tuple[str, Any]]) -> None:
        self.outcome: dict[str, BaseException | None] = {}
        self.threads = []
        for n, (name, item) in enumerate(items):
            t = threading.Thread(target=self._one, args=(writer, name, item))
            t.start()
            self.threads.append(t)
            if n == 0:
                assert gated.entered.wait(30)
            else:
                _queued(writer, n)

    def _one(self, writer: GroupCommit[Any], name: str, item: Any) -> None:
        try:
            writer.submit(item)
        except BaseException as exc:
            self.outcome[name] = exc
        else:
            self.outcome[name] = None

    def join(self) -> dict[str, BaseException | None]:
        for t in self.threads:
            t.join(30)
        return self.outcome


# --------------------------------------------------------------------------- the writer


def test_writes_waiting_during_a_commit_are_committed_together(db: Database) -> None:
    gated = Gated(db)
    writer: GroupCommit[str] = GroupCommit(gated, _insert_rows)
    keys = [f"k{i}" for i in range(9)]
    writers = Writers(writer, gated, [(k, k) for k in keys])
    gated.opened.set()
    assert writers.join() == dict.fromkeys(keys)
    assert _stored(db) == set(keys)
    assert (writer.stats.batches, writer.stats.items, writer.stats.largest) == (2, 9, 8)


def test_one_failing_write_does_not_fail_the_others_of_its_batch(db: Database) -> None:
    with db.session() as s:
        _insert_rows(s, ["taken"])
    gated = Gated(db)
    writer: GroupCommit[str] = GroupCommit(gated, _insert_rows)
    writers = Writers(writer, gated, [(k, k) for k in ("first", "a", "taken", "b")])
    gated.opened.set()
    result = writers.join()
    assert isinstance(result.pop("taken"), IntegrityError)
    assert result == {"first": None, "a": None, "b": None}
    assert _stored(db) == {"taken", "first", "a", "b"}
    assert writer.stats.alone == 2  # a and b, written again on their own


def test_a_batch_that_fails_otherwise_is_every_writers_error_and_nothing_is_kept(
    db: Database,
) -> None:
    def write(s: Session, keys: Sequence[str]) -> None:
        _insert_rows(s, keys)
        if "boom" in keys:
            raise RuntimeError("the commit did not happen")

    gated = Gated(db)
    writer: GroupCommit[str] = GroupCommit(gated, write)
    writers = Writers(writer, gated, [(k, k) for k in ("first", "a", "boom", "b")])
    gated.opened.set()
    result = writers.join()
    assert result.pop("first") is None
    assert all(isinstance(e, RuntimeError) for e in result.values()), result
    assert _stored(db) == {"first"}  # none of the failed batch was acknowledged or kept


def test_coroutines_writes_are_batched_without_blocking_the_event_loop(db: Database) -> None:
    gated = Gated(db)
    writer: GroupCommit[str] = GroupCommit(gated, _insert_rows)

    async def run() -> int:
        ticks = 0
        first = asyncio.ensure_future(writer.asubmit("c0"))
        while not gated.entered.is_set():  # the leader took c0 and waits at the gate
            await asyncio.sleep(0.001)
        rest = [asyncio.ensure_future(writer.asubmit(f"c{i}")) for i in range(1, 8)]
        while len(writer._waiting) < 7:
            await asyncio.sleep(0.001)
        gated.opened.set()
        pending = {first, *rest}
        while pending:  # the loop goes on running while the batches are written
            ticks += 1
            _, pending = await asyncio.wait(pending, timeout=0.001)
        return ticks

    ticks = asyncio.run(run())
    assert ticks > 0
    assert _stored(db) == {f"c{i}" for i in range(8)}
    assert (writer.stats.batches, writer.stats.largest) == (2, 7)


# --------------------------------------------------------------------------- filings


def _prepared(service: ArrivalCardService, data: dict[str, Any], key: str | None = None
              ) -> tuple[Any, list[Receipt]]:
    from churujing.services.arrival_card.filings import _request_hashes

    card = service.filings.validate(data)
    cards = [(card, service.filings.precheck(card))]
    key_hash, request_hash = _request_hashes(cards, key, "file")
    return service.filings._prepare(cards, key_hash, request_hash, "api", group=False)


def test_the_later_of_two_filings_of_one_traveller_in_one_batch_supersedes_the_earlier(
    service: ArrivalCardService, card: Card,
) -> None:
    old = service.filings.file(card(transport_number="CA900"))
    (p1, (r1,)), (p2, (r2,)) = (_prepared(service, card(transport_number="CA901")),
                                _prepared(service, card(transport_number="CA902")))
    other, (r3,) = _prepared(service, card(passport_number="E12345678"))
    with service.db.session() as s:
        service.filings._write_filings(s, [p1, other, p2])
    assert service.filings.view(old.number, old.secret or "").status == "superseded"
    first = service.filings.view(r1.number, r1.secret or "")
    assert first.status == "superseded" and first.history[-1]["kind"] == "superseded"
    assert service.filings.view(r2.number, r2.secret or "").status == "filed"
    assert service.filings.view(r3.number, r3.secret or "").status == "filed"
    assert service.filings.token_status(r1.token)["status"] == "superseded"
    assert service.filings.token_status(r2.token)["status"] == "current"


def test_an_idempotency_key_twice_in_one_batch_fails_only_the_second_which_then_replays(
    service: ArrivalCardService, card: Card,
) -> None:
    gated = Gated(service.db)
    writer = GroupCommit(gated, service.filings._write_filings)
    first, (r_first,) = _prepared(service, card(passport_number="F00000001"))
    twin_a, (r_a,) = _prepared(service, card(), key="same")
    twin_b, _ = _prepared(service, card(), key="same")
    other, (r_other,) = _prepared(service, card(passport_number="F00000002"))
    writers = Writers(writer, gated, [("first", first), ("a", twin_a), ("b", twin_b),
                                      ("other", other)])
    gated.opened.set()
    outcome = writers.join()
    assert isinstance(outcome.pop("b"), IntegrityError)
    assert outcome == {"first": None, "a": None, "other": None}
    for r in (r_first, r_a, r_other):
        assert service.filings.view(r.number, r.secret or "").status == "filed"
    # the caller of b retries as file() does: the first receipt comes back
    again = service.filings.file(card(), idempotency_key="same")
    assert again.replayed and again.number == r_a.number


def test_concurrent_filings_share_commits_and_each_is_acknowledged_committed(
    service: ArrivalCardService, card: Card,
) -> None:
    receipts: list[Receipt] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        r = service.filings.file(card(passport_number=f"G{i:08d}"))
        with lock:
            receipts.append(r)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(receipts) == 24
    for r in receipts:  # every acknowledged filing is there, filed
        assert service.filings.view(r.number, r.secret or "").status == "filed"
    assert service.filings.filings_writer.stats.items == 24  # all through the group commit


def test_file_async_acknowledges_after_the_commit(service: ArrivalCardService,
                                                  card: Card) -> None:
    async def run() -> list[Receipt]:
        return list(await asyncio.gather(*(
            service.filings.file_async(card(passport_number=f"H{i:08d}"), channel="api")
            for i in range(8))))

    receipts = asyncio.run(run())
    assert len({r.number for r in receipts}) == 8
    for r in receipts:
        assert service.filings.view(r.number, r.secret or "").status == "filed"
    again = asyncio.run(service.filings.file_async(card(passport_number="H00000000"),
                                           idempotency_key="k"))
    replay = asyncio.run(service.filings.file_async(card(passport_number="H00000000"),
                                            idempotency_key="k"))
    assert replay.replayed and replay.number == again.number


# --------------------------------------------------------------------------- SQLite


_HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_sqlite_writers_of_another_process_wait_on_the_lock_file(
    service: ArrivalCardService, card: Card,
) -> None:
    import stat

    if service.db.backend != "sqlite":
        pytest.skip("a SQLite matter: PostgreSQL has its own locks")
    service.filings.file(card(passport_number="J00000001"))
    lock = Path(str(service.db._lock_path))
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(lock), "0.6"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        start = time.monotonic()
        r = service.filings.file(card(passport_number="J00000002"))
        waited = time.monotonic() - start
    finally:
        holder.wait(10)
    assert waited >= 0.4, waited  # it waited for the other process's transaction
    assert service.filings.view(r.number, r.secret or "").status == "filed"


def test_a_threads_write_returns_after_its_batch_coroutines_writes_go_to_a_pool_thread(
    db: Database,
) -> None:
    writers: dict[str, str] = {}

    def write(s: Session, keys: Sequence[str]) -> None:
        _insert_rows(s, keys)
        for k in keys:
            writers[k] = threading.current_thread().name

    gated = Gated(db)
    writer: GroupCommit[str] = GroupCommit(gated, write)

    async def run() -> None:
        lead = threading.Thread(target=writer.submit, args=("t0",), name="caller")
        lead.start()
        while not gated.entered.is_set():
            await asyncio.sleep(0.001)
        rest = [asyncio.ensure_future(writer.asubmit(f"c{i}")) for i in range(3)]
        while len(writer._waiting) < 3:
            await asyncio.sleep(0.001)
        gated.opened.set()
        await asyncio.gather(*rest)
        lead.join(30)

    asyncio.run(run())
    assert writers["t0"] == "caller"
    assert {writers[f"c{i}"] for i in range(3)} != {"caller"}  # not kept by the caller
    assert all(writers[f"c{i}"].startswith("churujing-writer") for i in range(3))


# --------------------------------------------------------------------------- PostgreSQL


def _round_trips(trace: str) -> int:
    """The client's round trips in a libpq trace: each ``Sync`` (the extended protocol, a
    pipeline's end) and each simple ``Query`` waits for the server once."""
    sent = [line.split("\t") for line in trace.splitlines() if line.startswith("F\t")]
    return sum(1 for f in sent if len(f) > 2 and f[2].split(" ")[0] in ("Sync", "Query"))


def test_on_postgresql_a_batch_is_four_round_trips_whatever_its_size(
    service: ArrivalCardService, card: Card, tmp_path: Path,
) -> None:
    """BEGIN, the lock and the search (one pipeline), the filings with their versions and
    the idempotency records (another), COMMIT: a batch of one and a batch of six, with
    and without Idempotency-Keys, cost the same four waits on the server (seven before)."""
    if service.db.backend != "postgresql":
        pytest.skip("a PostgreSQL matter: SQLite runs in the process")
    from psycopg.pq import Trace

    def trips(n: int, key: str | None) -> int:
        batch = [_prepared(service, card(passport_number=f"H{n}{i}{key or 'x'}00000"),
                           key=f"{key}-{n}-{i}" if key else None)[0] for i in range(n)]
        path = tmp_path / f"trace-{n}-{key}"
        with path.open("w") as out:
            with service.db.session() as s:
                raw = s.connection().connection.driver_connection
                assert raw is not None
                raw.pgconn.trace(out.fileno())
                raw.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS | Trace.REGRESS_MODE)
                service.filings._write_filings(s, batch)
            raw.pgconn.untrace()
        return _round_trips(path.read_text(encoding="utf-8"))

    assert [trips(1, None), trips(6, None), trips(1, "k"), trips(6, "k")] == [4, 4, 4, 4]
    with service.db.read() as s:  # and they were written
        assert service.filings.filings_writer.stats.items == 0  # (not through the writer)
        from churujing.services.arrival_card.models import Filing, FilingVersion

        assert s.scalar(select(func.count()).select_from(Filing)) == 14
        assert s.scalar(select(func.count()).select_from(FilingVersion)) == 14


def test_a_pooled_connection_is_pinged_only_after_it_has_been_idle(
    service: ArrivalCardService, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No ping on a connection back in use at once (one round trip saved per transaction);
    after IDLE_PING_S one ping, and a connection that died meanwhile is replaced before the
    transaction starts: the caller never sees it."""
    if service.db.backend != "postgresql":
        pytest.skip("a PostgreSQL matter: SQLite's connections are files")
    from churujing.services.common import db as dbmod

    engine = service.db.engine
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(conn: Any) -> bool:
        pings.append(1)
        return bool(real(conn))

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    monkeypatch.setattr(dbmod, "IDLE_PING_S", 0.2)

    def backend() -> int:
        with service.db.session() as s:
            return int(s.execute(text("SELECT pg_backend_pid()")).scalar_one())

    first = backend()
    assert backend() == first and pings == []  # the same connection, at once: no ping
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(service.db.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (first,))  # while it sits in the pool
    time.sleep(0.3)
    assert backend() != first  # replaced, without an error
    assert len(pings) >= 1


def test_on_postgresql_without_pipelines_the_core_statements_keep_the_same_rules(
    service: ArrivalCardService, card: Card, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another PostgreSQL driver, or a libpq before 14 (no pipeline mode), takes the Core
    statements one by one, with the advisory lock first: the later filing of a traveller
    still supersedes the earlier, in the batch and across batches."""
    if service.db.backend != "postgresql":
        pytest.skip("a PostgreSQL matter: SQLite always takes the Core statements")
    from churujing.services.arrival_card import store

    monkeypatch.setattr(store, "_pipelines", lambda conn: False)
    old = service.filings.file(card(passport_number="J00000001"))
    (p1, (r1,)), (p2, (r2,)) = (_prepared(service, card(passport_number="J00000001")),
                                _prepared(service, card(passport_number="J00000001")))
    with service.db.session() as s:
        locks = s.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND pid = pg_backend_pid()")).scalar_one()
        assert locks == 0
        service.filings._write_filings(s, [p1, p2])
        locks = s.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND pid = pg_backend_pid()")).scalar_one()
        assert locks == 1  # the traveller's lock, held to the commit
    assert service.filings.view(old.number, old.secret or "").status == "superseded"
    assert service.filings.view(r1.number, r1.secret or "").status == "superseded"
    assert service.filings.view(r2.number, r2.secret or "").status == "filed"
