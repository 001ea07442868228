"""A hash chain over the rows of an append-only log.

``row_hash = SHA-256(prev_hash || canonical JSON of the row's fields)``; the first row's
``prev_hash`` is 64 zeros. A row changed, removed or inserted out of order breaks the chain
from there on; :func:`verify` names the first row that does not follow. This is the scheme
of the arrival card's audit log (``arrival_card/audit.py`` on the service-grade branch),
over any fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["GENESIS", "Report", "iso", "link", "verify"]

GENESIS = "0" * 64


def iso(moment: datetime) -> str:
    """UTC, ISO 8601 with microseconds: the one spelling of a time in a hashed row."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def link(prev_hash: str, fields: Mapping[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Report:
    rows: int
    head: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "head": self.head,
                "broken_at": self.broken_at, "reason": self.reason}


def verify(rows: Iterable[Any], fields: Callable[[Any], Mapping[str, Any]]) -> Report:
    """Check ``rows`` (in order, each with ``id``, ``prev_hash``, ``row_hash``)."""
    prev = GENESIS
    n = 0
    for row in rows:
        n += 1
        if row.prev_hash != prev:
            return Report(n, prev, row.id, "prev_hash is not the previous row's hash "
                                           "(a row removed or inserted)")
        if row.row_hash != link(prev, fields(row)):
            return Report(n, prev, row.id, "row_hash does not match the row (it was changed)")
        prev = row.row_hash
    return Report(n, prev)
