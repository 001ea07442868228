"""Group commit: the concurrent writes of one process in one transaction, one commit (one
fsync) for many (shared layer; issue 12, durable filings).

A request thread hands its prepared write to :meth:`GroupCommit.submit` and blocks. The
first thread to find no batch under way leads: it takes every write waiting (up to
``max_batch``, its own first), runs them in one transaction (:meth:`Database.session`:
the SQLite writer queue, ``BEGIN IMMEDIATE``, ``synchronous=FULL``; PostgreSQL with
``synchronous_commit=on``), commits, wakes each writer with its outcome, and hands the lead
to the oldest write still waiting. Nothing is acknowledged before the transaction holding
it has committed: :meth:`submit` returns only then, and raises otherwise.

There is no timer: a lone write is committed at once; writes arriving during a commit
are the next batch (the batch grows with the load, the latency does not).

One failing write does not fail the others: when the batch raises ``IntegrityError`` (a
filing number that collided, a concurrent filing of the same traveller in another
process, an ``Idempotency-Key`` twice in one batch), it is rolled back whole and every
write is run again on its own, each getting its own outcome (the callers retry theirs).
Any other error (the database unavailable, the disk full, the commit refused) is every
write's error: none of them was committed.

Two ways in: :meth:`GroupCommit.submit` from a request thread (the thread waits, and may
lead), and :meth:`GroupCommit.asubmit` from a coroutine on the event loop (no thread per
request: the batch is written by a thread of a small pool shared by every writer of the
process, which goes on leading while coroutines' writes are waiting, and hands the lead
to a waiting thread otherwise).

``stats`` counts the batches and the writes committed (filings per commit in
``bench/service.py``).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

__all__ = ["GroupCommit", "WriterStats"]

T = TypeVar("T")

#: the threads that write the batches of coroutines' writes (idle ones hold nothing)
_THREADS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="churujing-writer")


class Sessions(Protocol):
    """What the writer needs of a database: :meth:`Database.session`."""

    def session(self) -> AbstractContextManager[Session]: ...


@dataclass
class WriterStats:
    """What a writer has committed: ``items`` writes in ``batches`` transactions (``alone``
    of them on their own, after their batch failed), ``largest`` the largest batch."""

    batches: int = 0
    items: int = 0
    alone: int = 0
    largest: int = 0

    def per_commit(self) -> float:
        return self.items / self.batches if self.batches else 0.0


@dataclass(eq=False)
class _Job(Generic[T]):
    item: T
    woken: threading.Event = field(default_factory=threading.Event)
    lead: bool = False  # this job's thread writes the next batch
    finished: bool = False  # committed (error None) or failed (error set)
    error: BaseException | None = None
    future: asyncio.Future[None] | None = None  # a coroutine's write: settled on its loop

    def settle(self) -> None:
        self.finished = True
        if self.future is None:
            self.woken.set()
        else:
            self.future.get_loop().call_soon_threadsafe(_settle, self.future, self.error)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class GroupCommit(Generic[T]):
    """Writes of one kind, ``write(session, items)`` in one transaction, grouped."""

    def __init__(self, db: Sessions, write: Callable[[Session, Sequence[T]], None], *,
                 max_batch: int = 64) -> None:
        self._db = db
        self._write = write
        self._max = max_batch
        self._lock = threading.Lock()
        self._waiting: deque[_Job[T]] = deque()
        self._busy = False  # a thread is writing a batch
        self.stats = WriterStats()

    def submit(self, item: T) -> None:
        """Write ``item``; return once the transaction holding it has committed, raise its
        error otherwise (it was not committed then)."""
        job = _Job(item)
        with self._lock:
            self._waiting.append(job)
            if not self._busy:  # nobody is writing (then nobody else waits): lead
                self._busy = job.lead = True
        if not job.lead:
            job.woken.wait()  # written by a leader, or handed the lead
        if not job.finished:
            self._lead()
        if job.error is not None:
            raise job.error

    async def asubmit(self, item: T) -> None:
        """:meth:`submit` for a coroutine: the event loop is not blocked meanwhile."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        job = _Job(item, future=done)
        with self._lock:
            self._waiting.append(job)
            lead = not self._busy
            self._busy = self._busy or lead
        if lead:
            _THREADS.submit(self._lead, True)
        await done

    def _lead(self, pooled: bool = False) -> None:
        """Write a batch; then hand the lead to the oldest write still waiting (its thread,
        or for a coroutine's write a pool thread), or end the busy state. A pool thread
        (``pooled``) goes on writing while coroutines' writes wait; a caller's thread never
        does (its own write is done: it returns to its caller)."""
        while True:
            with self._lock:
                batch = [self._waiting.popleft()
                         for _ in range(min(self._max, len(self._waiting)))]
            try:
                self._commit(batch)
            finally:
                with self._lock:
                    nxt = self._waiting[0] if self._waiting else None
                    if nxt is None:
                        self._busy = False
                    elif nxt.future is None:
                        nxt.lead = True
                for job in batch:
                    job.settle()
                if nxt is not None and nxt.future is None:
                    nxt.woken.set()
            if nxt is None or nxt.future is None:
                return
            if not pooled:
                _THREADS.submit(self._lead, True)
                return

    def _commit(self, batch: list[_Job[T]]) -> None:
        try:
            with self._db.session() as s:
                self._write(s, [job.item for job in batch])
        except IntegrityError as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for job in batch:  # one of them failed: each on its own, with its own outcome
                try:
                    with self._db.session() as s:
                        self._write(s, [job.item])
                except Exception as alone:  # that caller's error, raised in his thread
                    job.error = alone
                else:
                    self._count(1, alone=True)
            return
        except BaseException as exc:  # nothing was committed: every caller's error
            for job in batch:
                job.error = exc
            if not isinstance(exc, Exception):
                raise
            return
        self._count(len(batch))

    def _count(self, n: int, *, alone: bool = False) -> None:
        with self._lock:
            self.stats.batches += 1
            self.stats.items += n
            self.stats.alone += n if alone else 0
            self.stats.largest = max(self.stats.largest, n)
