"""The officers' audit log: an append-only, hash-chained table (:mod:`.chain`) of who did
what, when, from which address, and what was found, over a table the service gives
(:class:`~.models.AuditColumns`; the arrival card's ``ac_audit``).

``row_hash = SHA-256(prev_hash || canonical JSON of the row's fields)`` where the fields
are the time (UTC, ISO 8601 with microseconds), the officer's id and username, the
action, the query (no personal data in clear: its keyed hash), what was found, the
channel and the client's address; the first row's ``prev_hash`` is 64 zeros.

Appends are serialised: on SQLite by its single writer (every writing transaction is
``BEGIN IMMEDIATE``), on PostgreSQL by a transaction-level advisory lock (``lock_id``)
taken before the last hash is read. Rows cannot be changed: the service's migration adds
triggers that refuse ``UPDATE`` and ``DELETE`` (and ``TRUNCATE`` on PostgreSQL).

Limitations:
    A superuser of the database can drop the triggers and rewrite the whole chain
    consistently; the chain proves the log unchanged only against a head hash kept
    elsewhere (``audit verify`` prints it, for an operator to record).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from . import chain
from .clock import Clock, now, utc
from .db import Database
from .models import AuditColumns

__all__ = ["GENESIS", "AuditTrail", "row_hash", "verify_chain"]

GENESIS = chain.GENESIS


def row_hash(prev_hash: str, *, at: datetime, officer_id: int | None, username: str,
             action: str, query: str, found: str, via: str, address: str) -> str:
    """The row's hash: :func:`.chain.link` over its fields."""
    return chain.link(prev_hash, {"at": chain.iso(at), "officer_id": officer_id,
                                  "username": username, "action": action, "query": query,
                                  "found": found, "via": via, "address": address})


def _fields(row: Any) -> dict[str, Any]:
    return {"at": chain.iso(row.at), "officer_id": row.officer_id, "username": row.username,
            "action": row.action, "query": row.query, "found": row.found, "via": row.via,
            "address": row.address}


def verify_chain(rows: Iterable[Any]) -> chain.Report:
    """Check rows (in id order, each with the audit columns) against the chain."""
    return chain.verify(rows, _fields)


@dataclass
class AuditTrail:
    """Appends to, verifies and reads one audit table."""

    db: Database
    table: type[AuditColumns]
    lock_id: int  # the PostgreSQL advisory lock of appends
    clock: Clock

    def append(self, s: Session, officer_id: int | None, username: str, action: str,
               query: str, found: Sequence[str], via: str, address: str = "") -> None:
        """Append one row in the session's transaction, chained to the last one."""
        if self.db.backend == "postgresql":  # one appender at a time: no fork in the chain
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self.lock_id})
        t = self.table
        prev = s.scalar(select(t.row_hash).order_by(t.id.desc()).limit(1))
        row = t(at=now(self.clock), officer_id=officer_id, username=username[:64],
                action=action[:40], query=query[:500], found=",".join(found),
                via=via[:20], address=address[:64], prev_hash=prev or GENESIS)
        row.row_hash = row_hash(
            row.prev_hash, at=row.at, officer_id=row.officer_id, username=row.username,
            action=row.action, query=row.query, found=row.found, via=row.via,
            address=row.address)
        s.add(row)
        s.flush()

    def verify(self) -> chain.Report:
        """Walk the log's hash chain."""
        with self.db.read() as s:
            return verify_chain(s.scalars(select(self.table).order_by(self.table.id)))

    def recent(self, limit: int = 100) -> list[dict[str, Any]]:
        """The last ``limit`` rows, the newest first."""
        t = self.table
        with self.db.session() as s:
            rows = s.scalars(select(t).order_by(t.id.desc()).limit(limit))
            return [{"at": utc(a.at).isoformat(), "username": a.username, "action": a.action,
                     "query": a.query, "found": a.found.split(",") if a.found else [],
                     "via": a.via} for a in rows]
