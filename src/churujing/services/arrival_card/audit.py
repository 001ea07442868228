"""The audit log's hash chain: each row carries the hash of the one before.

``row_hash = SHA-256(prev_hash || canonical JSON of the row's fields)`` where the
fields are the time (UTC, ISO 8601 with microseconds), the officer's id and username,
the action, the query (no passport number in clear: its keyed hash), the filings found,
the channel and the client's address; the first row's ``prev_hash`` is 64 zeros.
:func:`verify_chain` walks the log in order and names the first row whose hash does not
follow: a row changed, removed or inserted out of order breaks the chain from there on.

Appends are serialised: on SQLite by its single writer (every writing transaction is
``BEGIN IMMEDIATE``), on PostgreSQL by a transaction-level advisory lock taken before
the last hash is read. Rows cannot be changed: triggers refuse ``UPDATE`` and
``DELETE`` on ``ac_audit`` (and ``TRUNCATE`` on PostgreSQL, where ``UPDATE``,
``DELETE`` and ``TRUNCATE`` are also revoked from ``PUBLIC``); see migration 0004.

Limitations:
    A superuser of the database can drop the triggers and rewrite the whole chain
    consistently; the chain proves the log unchanged only against a head hash kept
    elsewhere (``audit verify`` prints it, for an operator to record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from churujing.services.common import chain

__all__ = ["GENESIS", "LOCK_ID", "ChainReport", "row_hash", "verify_chain"]

GENESIS = chain.GENESIS
LOCK_ID = 0x61635F6175646974  # "ac_audit": the PostgreSQL advisory lock of appends


def row_hash(prev_hash: str, *, at: datetime, officer_id: int | None, username: str,
             action: str, query: str, found: str, via: str, address: str) -> str:
    """The row's hash: :func:`churujing.services.common.chain.link` over its fields (the
    shared chain, byte for byte the arrival card's scheme)."""
    return chain.link(prev_hash, {"at": chain.iso(at), "officer_id": officer_id,
                                  "username": username, "action": action, "query": query,
                                  "found": found, "via": via, "address": address})


ChainReport = chain.Report  # the shared chain's report


def _fields(row: Any) -> dict[str, Any]:
    return {"at": chain.iso(row.at), "officer_id": row.officer_id, "username": row.username,
            "action": row.action, "query": row.query, "found": row.found, "via": row.via,
            "address": row.address}


def verify_chain(rows: Iterable[Any]) -> ChainReport:
    """Check rows (in id order, each with the audit columns) against the chain."""
    return chain.verify(rows, _fields)
