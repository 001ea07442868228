"""The arrival card's audit log (``ac_audit``): the services' shared hash-chained audit
(:mod:`churujing.services.common.audit`, which describes the chain), with this table's
advisory lock. Migration 0004 reads :data:`GENESIS` and :func:`row_hash` from here.
"""

from __future__ import annotations

from churujing.services.common import chain
from churujing.services.common.audit import GENESIS, row_hash, verify_chain

__all__ = ["GENESIS", "LOCK_ID", "ChainReport", "row_hash", "verify_chain"]

LOCK_ID = 0x61635F6175646974  # "ac_audit": the PostgreSQL advisory lock of appends

ChainReport = chain.Report  # the shared chain's report
