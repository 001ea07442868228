"""The arrival card's officers and audit: the services' shared accounts (log-in, lockout,
tokens: :mod:`churujing.services.common.accounts`) over this service's tables, the
look-ups of filings (by number, QR token, nationality and passport number), each audited,
and the audit log (``ac_audit``, hash-chained: :mod:`.audit`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy import or_, select

from churujing.decision import Text
from churujing.services.common.accounts import Accounts, OfficerIdentity
from churujing.services.common.chain import Report
from churujing.services.common.clock import now as _now
from churujing.services.common.errors import ServiceError

from . import card as card_mod
from . import errors
from .errors import CardInvalid, FieldError
from .models import Filing
from .records import FilingView, Records, _passport_key, normalise_number

__all__ = ["OfficerIdentity", "Officers"]


@dataclass(kw_only=True)
class Officers(Accounts):
    """Officer accounts and log-in (shared), look-ups and the audit log; thread-safe."""

    Invalid = errors.ArrivalCardError
    NotFound = errors.NotFound
    Conflict = errors.Conflict
    NotAuthenticated = errors.NotAuthenticated
    NotAllowed = errors.NotAllowed
    TooManyAttempts = errors.TooManyAttempts

    records: Records

    def audit_refused(self, who: OfficerIdentity | None, action: str, query: str,
                      exc: ServiceError, *, via: str, address: str = "") -> None:
        """Audit an attempt that was refused (401, 403, 400, 422…), with its reason."""
        with contextlib.suppress(ServiceError), self.db.session() as s:
            self.audit.append(s, who.id if who else None, who.username if who else "",
                              f"{action}_refused",
                              f"{query} status={exc.status} {exc.text.en}"[:500], [], via,
                              address)

    def verify_audit(self) -> Report:
        """Walk the audit log's hash chain (:func:`.audit.verify_chain`)."""
        return self.audit.verify()

    def audit_log(self, who: OfficerIdentity, limit: int = 100) -> list[dict[str, Any]]:
        self.require(who, "operator")
        return self.audit.recent(limit)

    # ------------------------------------------------------------------ look-ups

    def lookup_number(self, who: OfficerIdentity, number: str, *,
                     via: str = "api", address: str = "") -> list[FilingView]:
        self.require(who, "officer")
        n = normalise_number(number)
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(Filing.number == n)))
            views = [self.records._view(s, f) for f in filings]
            self._audit(s, who.id, who.username, "lookup_number", f"number={n}",
                        [v.number for v in views], via, address)
            return views

    def lookup_token(self, who: OfficerIdentity, token: str, *,
                     via: str = "api", address: str = "") -> list[FilingView]:
        """Verify the QR token's signature (a forged or tampered one is refused before the
        database is read), then find its filing; ``token_claims`` says which version the
        traveller's QR code shows."""
        self.require(who, "officer")
        claims = self.records.verify(token, check_expiry=False)
        claims["expired"] = claims["exp"] <= int(_now(self.clock).timestamp())
        n = str(claims.get("n", ""))
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(Filing.number == n)))
            views = [self.records._view(s, f, claims=claims) for f in filings]
            self._audit(s, who.id, who.username, "lookup_token", f"number={n}",
                        [v.number for v in views], via, address)
            return views

    def lookup_passport(self, who: OfficerIdentity, nationality: str, passport_number: str,
                        *, via: str = "api", address: str = "") -> list[FilingView]:
        """Filings of a nationality + passport number (exact, through the keyed hash)."""
        self.require(who, "officer")
        try:
            nat = card_mod.normalise_nationality(nationality)
            pp = card_mod.normalise_passport(passport_number)
        except PydanticCustomError as exc:
            ctx = exc.context or {}
            raise CardInvalid([FieldError((), Text(str(ctx.get("zh", exc)),
                                                   str(ctx.get("en", exc))))]) from None
        hashes = self.records.refresh_keys().lookup_hashes(_passport_key(nat, pp))  # every key
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(
                or_(*(Filing.passport_hash == h for h in hashes)),
                Filing.nationality == nat).order_by(Filing.arrival_date, Filing.id)))
            views = [self.records._view(s, f) for f in filings]
            self._audit(s, who.id, who.username, "lookup_passport",
                        f"nationality={nat} passport_hmac={hashes[0][:16]}",
                        [v.number for v in views], via, address)
            return views
