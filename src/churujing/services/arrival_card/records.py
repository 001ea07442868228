"""What the arrival card's parts share: the stored filings as they are read and sealed.

:class:`Records` holds the database, the live key ring
(:class:`~churujing.services.common.crypto.LiveKeys`), the settings, the clock and the
policy, and reads a filing's current version, its view and its receipt token. The parts
of the service (:mod:`.filings`, :mod:`.officers`, :mod:`.maintenance`) build on it;
:mod:`.service` composes them. Also here: the results (:class:`Receipt`,
:class:`FilingView`) and the filing numbers.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from churujing.facts import BEIJING
from churujing.policy import Policy
from churujing.services.common.clock import now as _now
from churujing.services.common.clock import utc as _utc
from churujing.services.common.crypto import KeyRing, LiveKeys

from . import card as card_mod
from .card import Card, Clock
from .db import Database
from .models import Filing, FilingVersion
from .settings import Settings
from .tokens import verify_token

__all__ = ["IMMUTABLE", "MEASURE_ID", "FilingView", "Receipt", "Records", "new_number",
           "normalise_number"]

MEASURE_ID = "arrival-card"

IMMUTABLE = ("nationality", "document", "passport_number")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = str.maketrans("OILU", "011V")


def new_number() -> str:
    """A filing number: ``AC`` and ten Crockford base-32 characters (50 random bits)."""
    return "AC" + "".join(secrets.choice(_CROCKFORD) for _ in range(10))


def normalise_number(text: str) -> str:
    """A filing number as typed (any case, spaces, hyphens, O for 0, I/L for 1) -> canonical."""
    s = text.strip().upper().replace("-", "").replace(" ", "")
    head, tail = s[:2], s[2:]
    tail = tail.translate(_CROCKFORD_ALIASES)
    return head + tail


def _aad(number: str, version: int) -> bytes:
    return f"filing:{number}:{version}".encode()


def _passport_key(nationality: str, passport_number: str) -> str:
    return f"{nationality}:{passport_number}"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Receipt:
    """What a filer gets back: the number, the signed token of the QR code, and (once,
    at filing) the secret that lets him see, amend or cancel the filing."""

    number: str
    group_id: str | None
    version: int
    status: str
    nationality: str
    arrival_date: date
    arrival_port: str
    token: str
    required: bool
    exemption: Mapping[str, Any] | None
    created_at: datetime
    secret: str | None = None
    replayed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "group_id": self.group_id,
            "version": self.version,
            "status": self.status,
            "nationality": self.nationality,
            "arrival_date": self.arrival_date.isoformat(),
            "arrival_port": self.arrival_port,
            "token": self.token,
            "required": self.required,
            "exemption": dict(self.exemption) if self.exemption else None,
            "created_at": self.created_at.isoformat(),
            "secret": self.secret,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, replayed: bool = False) -> Receipt:
        return cls(
            number=d["number"], group_id=d["group_id"], version=d["version"],
            status=d["status"], nationality=d["nationality"],
            arrival_date=date.fromisoformat(d["arrival_date"]),
            arrival_port=d["arrival_port"], token=d["token"], required=d["required"],
            exemption=d["exemption"], created_at=datetime.fromisoformat(d["created_at"]),
            secret=d.get("secret"), replayed=replayed,
        )


@dataclass(frozen=True)
class FilingView:
    """A filing as its filer or an officer sees it: the current card and the history."""

    number: str
    group_id: str | None
    status: str
    version: int
    card: Card
    token: str
    required: bool
    exemption: Mapping[str, Any] | None
    history: tuple[Mapping[str, Any], ...]
    created_at: datetime
    updated_at: datetime
    token_claims: Mapping[str, Any] | None = None
    group: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "number": self.number,
            "group_id": self.group_id,
            "status": self.status,
            "version": self.version,
            "card": self.card.public(),
            "token": self.token,
            "required": self.required,
            "exemption": dict(self.exemption) if self.exemption else None,
            "history": [dict(h) for h in self.history],
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "group": list(self.group),
        }
        if self.token_claims is not None:
            out["token_claims"] = dict(self.token_claims)
        return out


# --------------------------------------------------------------------------- the records


@dataclass(kw_only=True)
class Records:
    """The stored filings as every part of the service reads and seals them; thread-safe."""

    db: Database
    ring: LiveKeys
    settings: Settings = field(default_factory=Settings)
    clock: Clock = card_mod.system_clock
    policy: Policy

    @property
    def keys(self) -> KeyRing:
        """The key ring as last loaded (:meth:`refresh_keys` reloads a changed file)."""
        return self.ring.ring

    def today(self) -> date:
        return card_mod.today(self.clock)

    def refresh_keys(self) -> KeyRing:
        """The ring, reloaded when its file changed since it was read (``rotate-keys`` run
        by another process): :meth:`churujing.services.common.crypto.LiveKeys.refresh`."""
        return self.ring.refresh()

    def _decrypt(self, kid: str, blob: bytes, aad: bytes) -> Any:
        return self.ring.decrypt_json(kid, blob, aad)

    def token_expiry(self, arrival_date: date) -> datetime:
        """When a receipt token stops being valid: the end of the arrival day, Beijing
        time, plus ``CHURUJING_TOKEN_GRACE_HOURS`` (a flight delayed past midnight)."""
        end_of_day = datetime.combine(arrival_date + timedelta(days=1), datetime.min.time(),
                                      BEIJING)
        return (end_of_day + timedelta(hours=self.settings.token_grace_hours)).astimezone(UTC)

    def _token(self, number: str, version: int, card: Card, group_id: str | None) -> str:
        """The signed receipt token of one version of a filing (never of a cancelled or
        superseded one: the callers give ``""`` then)."""
        claims: dict[str, Any] = {
            "n": number, "ver": version, "nat": card.nationality,
            "arr": card.arrival_date.isoformat(), "port": card.arrival_port,
            "pp": card.passport_number[-3:], "iat": int(_now(self.clock).timestamp()),
            "exp": int(self.token_expiry(card.arrival_date).timestamp()),
        }
        if group_id:
            claims["g"] = group_id
        return self.keys.sign_token(claims)

    def _current(self, filing: Filing) -> tuple[FilingVersion, Card]:
        latest = max(filing.versions, key=lambda v: v.version)
        data = self._decrypt(latest.kid, latest.payload, _aad(filing.number, latest.version))
        return latest, Card.model_validate(data)

    def _view(self, s: Session, filing: Filing, *,
              claims: Mapping[str, Any] | None = None) -> FilingView:
        _, card = self._current(filing)
        group: tuple[str, ...] = ()
        if filing.group_id:
            group = tuple(s.scalars(select(Filing.number).where(
                Filing.group_id == filing.group_id).order_by(Filing.id)))
        exemption = None
        if filing.exemption:
            item = self.policy.table("m10.exemptions").get(filing.exemption)
            exemption = {"code": filing.exemption,
                         "clause": str(item.get("clause") or item.ref.clause) if item else "",
                         "zh": str(item.get("zh")) if item else filing.exemption,
                         "en": str(item.get("en")) if item else filing.exemption}
        return FilingView(
            number=filing.number, group_id=filing.group_id, status=filing.status,
            version=filing.version, card=card,
            token=(self._token(filing.number, filing.version, card, filing.group_id)
                   if filing.status == "filed" else ""),
            required=filing.exemption is None, exemption=exemption,
            history=tuple({"version": v.version, "kind": v.kind,
                           "at": _utc(v.created_at).isoformat(), "channel": v.channel}
                          for v in sorted(filing.versions, key=lambda v: v.version)),
            created_at=_utc(filing.created_at), updated_at=_utc(filing.updated_at),
            token_claims=claims, group=group,
        )

    def verify(self, token: str, *, check_expiry: bool = True) -> dict[str, Any]:
        """The claims of a receipt token, checked offline (public keys only)."""
        return verify_token(token, self.refresh_keys().public_keys(), now=_now(self.clock),
                            check_expiry=check_expiry)
