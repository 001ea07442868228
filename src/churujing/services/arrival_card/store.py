"""New filings written in bulk: one transaction, a few Core statements, for a batch of
filing requests (issue 12: durable filings at the targets).

:meth:`ArrivalCardService._insert` prepares each request outside any transaction (the
filing number, the secret, the encrypted card, the keyed hashes, the receipt tokens, the
encrypted idempotency record) as a :class:`Pending`, and hands it to the service's
:class:`~churujing.services.common.writer.GroupCommit`, whose leader calls :func:`write`
with every request waiting. In that one transaction:

1. on PostgreSQL, one statement takes the advisory lock of every traveller and arrival
   date of the batch, in ascending order (two batches never wait on each other in a
   cycle): filings of one traveller from several worker processes queue, not collide;
2. the filings are written in *layers*: the first filing of each traveller in the batch,
   then the second (a traveller filing twice in one batch), and so on; for each layer
   one statement finds the valid filings of its travellers (any key's passport hash),
   ``supersede`` marks them superseded (the ORM path of
   :meth:`ArrivalCardService._supersede`, rare), then one multi-row ``INSERT … RETURNING``
   writes the filings and one the first versions: the later filing of a traveller
   supersedes the earlier, in the batch as across batches;
3. one multi-row ``INSERT`` writes the idempotency records.

The partial unique index ``uq_ac_filings_one_valid`` stays the last guard: a collision is
an ``IntegrityError``, the batch is written again one request at a time and the request
that collided is retried by its caller (``_file_many``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, text
from sqlalchemy.orm import Session

from churujing.services.common.crypto import sha256_hex

from .models import Filing, FilingVersion, Idempotency

__all__ = ["NewFiling", "Pending", "lock_key", "write"]

_FILINGS: Table = Filing.__table__  # type: ignore[assignment]
_VERSIONS: Table = FilingVersion.__table__  # type: ignore[assignment]
_IDEMPOTENCY: Table = Idempotency.__table__  # type: ignore[assignment]

#: the valid filings among some passport hashes (one cached statement, any number of them)
_VALID = select(_FILINGS.c.id, _FILINGS.c.passport_hash, _FILINGS.c.nationality,
                _FILINGS.c.arrival_date).where(
    _FILINGS.c.passport_hash.in_(bindparam("hashes", expanding=True)),
    _FILINGS.c.status == "filed")
_INSERT_FILINGS = insert(_FILINGS).returning(_FILINGS.c.id, sort_by_parameter_order=True)
_INSERT_VERSIONS = insert(_VERSIONS)
_INSERT_IDEMPOTENCY = insert(_IDEMPOTENCY)
#: advisory locks in the order given (the array is sorted): one round trip for a batch
_LOCK_ALL = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")


@dataclass(frozen=True)
class NewFiling:
    """One traveller's new filing: its ``ac_filings`` row, its first version's row (without
    ``filing_id``), and the traveller's passport hash under every key of the ring."""

    filing: dict[str, Any]
    version: dict[str, Any]
    hashes: tuple[str, ...]

    @property
    def traveller(self) -> tuple[str, str, date]:
        """Nationality, passport hash (active key), arrival date: one valid filing each."""
        f = self.filing
        return f["nationality"], f["passport_hash"], f["arrival_date"]


@dataclass(frozen=True)
class Pending:
    """One filing request (a card or a group) ready to write, at ``now``."""

    filings: tuple[NewFiling, ...]
    idempotency: dict[str, Any] | None
    now: datetime


def lock_key(passport_hash: str, arrival: date) -> int:
    """The PostgreSQL advisory lock of a traveller and an arrival date (60 bits)."""
    return int(sha256_hex(f"{passport_hash}:{arrival}")[:15], 16)


def write(s: Session, batch: Sequence[Pending], *, backend: str,
          supersede: Callable[[Session, Sequence[int], datetime], None]) -> None:
    """Write every request of ``batch`` in the session's transaction (see the module)."""
    conn = s.connection()
    layers: list[list[tuple[NewFiling, datetime]]] = []
    seen: dict[tuple[str, str, date], int] = {}
    for pending in batch:
        for new in pending.filings:
            n = seen.get(new.traveller, 0)
            seen[new.traveller] = n + 1
            if n == len(layers):
                layers.append([])
            layers[n].append((new, pending.now))
    if backend == "postgresql":
        keys = sorted({lock_key(h, day) for _, h, day in seen})
        conn.execute(_LOCK_ALL, {"keys": keys})
    for layer in layers:
        wanted = {h for new, _ in layer for h in new.hashes}
        valid: dict[tuple[str, date, str], list[int]] = {}
        for row in conn.execute(_VALID, {"hashes": sorted(wanted)}):
            valid.setdefault((row.nationality, row.arrival_date, row.passport_hash),
                             []).append(row.id)
        if valid:
            for new, now in layer:
                nat, _, day = new.traveller
                old = [i for h in new.hashes for i in valid.get((nat, day, h), ())]
                if old:
                    supersede(s, old, now)
        ids = conn.execute(_INSERT_FILINGS, [new.filing for new, _ in layer]).scalars().all()
        conn.execute(_INSERT_VERSIONS, [{**new.version, "filing_id": filing_id}
                                        for (new, _), filing_id in zip(layer, ids, strict=True)])
    records = [p.idempotency for p in batch if p.idempotency is not None]
    if records:
        conn.execute(_INSERT_IDEMPOTENCY, records)
