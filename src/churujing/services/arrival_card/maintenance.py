"""The arrival card's maintenance: the purge, key rotation and counts.

* filings are purged ``purge_days`` after the arrival date (with every version), and with
  them old idempotency records and expired officer tokens;
* ``rotate-keys`` makes a new key set active and re-encrypts (and re-hashes) every stored
  record under it, the ring saved first, so that a crash half-way leaves every row readable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, inspect, select, union

from churujing.i18n import T
from churujing.services.common.clock import now as _now

from .db import Database
from .models import Filing, FilingVersion, Idempotency, Officer
from .officers import Officers
from .records import Records, _aad, _passport_key

__all__ = ["Maintenance", "stored_key_ids"]


@dataclass(kw_only=True)
class Maintenance(Records):
    """The operator's jobs over the stored filings (``churujing arrival-card …``)."""

    officers: Officers

    def purge(self, days: int | None = None) -> dict[str, int]:
        """Delete filings (with every version) whose arrival date is more than ``days``
        days ago, idempotency records older than that, and expired officer tokens."""
        keep = self.settings.purge_days if days is None else days
        cutoff = self.today() - timedelta(days=keep)
        now = _now(self.clock)
        with self.db.session() as s:
            ids = list(s.scalars(select(Filing.id).where(Filing.arrival_date < cutoff)))
            if ids:
                s.execute(delete(FilingVersion).where(FilingVersion.filing_id.in_(ids)))
                s.execute(delete(Filing).where(Filing.id.in_(ids)))
            idem = s.execute(delete(Idempotency).where(
                Idempotency.created_at < now - timedelta(days=max(keep, 1))))
            toks = self.officers.purge_tokens(s)
            self.officers.audit.append(s, None, "system", "purge",
                                       f"arrival_before={cutoff.isoformat()}", [], "cli")
        return {"filings": len(ids), "idempotency": _rowcount(idem), "officer_tokens": toks}

    def rotate_keys(self, *, batch: int = 500,
                    progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Make a new key set active and re-encrypt (and re-hash) every stored record under
        it. The ring is saved (old sets kept) before any row changes, so that a crash
        half-way leaves every row readable; running it again finishes the job."""
        self.ring.rotate(T(
            "密钥来自环境变量 CHURUJING_KEYS：请用 KeyRing.rotated() 生成新密钥环并更新该变量"))
        n_filings = n_versions = n_idem = 0
        last = 0
        while True:
            with self.db.session() as s:
                filings = list(s.scalars(select(Filing).where(Filing.id > last)
                                         .order_by(Filing.id).limit(batch)))
                if not filings:
                    break
                for f in filings:
                    for v in f.versions:
                        if v.kid != self.keys.active_kid:
                            aad = _aad(f.number, v.version)
                            v.kid, v.payload = self.keys.encrypt_json(
                                self._decrypt(v.kid, v.payload, aad), aad)
                            n_versions += 1
                    if f.hash_kid != self.keys.active_kid:
                        _, card = self._current(f)
                        f.passport_hash = self.keys.lookup_hash(
                            _passport_key(card.nationality, card.passport_number))
                        f.hash_kid = self.keys.active_kid
                    n_filings += 1
                    last = f.id
            if progress is not None:
                progress(n_filings)
        with self.db.session() as s:
            for row in s.scalars(select(Idempotency).where(
                    Idempotency.kid != self.keys.active_kid)):
                aad = f"idem:{row.key_hash}".encode()
                row.kid, row.response = self.keys.encrypt_json(
                    self._decrypt(row.kid, row.response, aad), aad)
                n_idem += 1
        return {"active": self.keys.active_kid, "filings": n_filings, "versions": n_versions,
                "idempotency": n_idem}

    def stats(self) -> dict[str, int]:
        with self.db.session() as s:
            return {
                "filings": s.scalar(select(func.count()).select_from(Filing)) or 0,
                "versions": s.scalar(select(func.count()).select_from(FilingVersion)) or 0,
                "officers": s.scalar(select(func.count()).select_from(Officer)) or 0,
            }


def stored_key_ids(db: Database) -> set[str]:
    """The key ids under which the database holds data (empty before the first migration)."""
    with db.read() as s:
        if not inspect(s.connection()).has_table(Filing.__tablename__):
            return set()
        q = union(select(FilingVersion.kid), select(Filing.hash_kid), select(Idempotency.kid))
        return {str(k) for k in s.scalars(q)}


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
