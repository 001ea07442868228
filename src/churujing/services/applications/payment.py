"""Payment: the provider interface and the built-in local provider.

A provider starts a payment (a reference and the address of its payment page) and later
calls the platform back; the platform verifies the callback and records the payment once,
however often the callback comes (:meth:`ApplicationService.payment_callback
<churujing.services.applications.service.ApplicationService.payment_callback>`).

The built-in provider, :class:`LocalProvider`, runs inside the platform: its payment page
is ``/v1/payments/local/{reference}``, and paying there sends the callback a provider
would send, a JSON body signed with HMAC-SHA256 under the provider's secret in the header
``X-Payment-Signature`` (``sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from churujing.i18n import T

from .errors import SignatureInvalid

__all__ = ["SIGNATURE_HEADER", "Callback", "LocalProvider", "PaymentProvider", "Started"]

SIGNATURE_HEADER = "X-Payment-Signature"


@dataclass(frozen=True, slots=True)
class Started:
    reference: str
    url: str


@dataclass(frozen=True, slots=True)
class Callback:
    """A verified callback: the provider's event id (for idempotency), the payment
    reference, the amount in yuan and what happened."""

    event_id: str
    reference: str
    amount: int
    status: str  # paid | failed


class PaymentProvider(Protocol):
    name: str

    def start(self, number: str, amount: int) -> Started: ...

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Callback: ...


class LocalProvider:
    """The built-in provider: a local payment page and HMAC-signed callbacks."""

    name = "local"

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the local payment provider's secret needs 16 bytes or more")
        self._secret = secret

    def start(self, number: str, amount: int) -> Started:
        reference = f"LP{secrets.token_hex(8).upper()}"
        return Started(reference, f"/v1/payments/{self.name}/{reference}")

    def sign(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()

    def callback(self, reference: str, amount: int, status: str = "paid",
                 event_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the callback for a payment made on the local page."""
        body = json.dumps({"event_id": event_id or f"EV{secrets.token_hex(8).upper()}",
                           "reference": reference, "amount": amount, "status": status},
                          sort_keys=True, separators=(",", ":")).encode()
        return body, {SIGNATURE_HEADER: self.sign(body)}

    def verify(self, body: bytes, headers: Mapping[str, str]) -> Callback:
        given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()),
                     "")
        if not hmac.compare_digest(given.encode(), self.sign(body).encode()):
            raise SignatureInvalid(T("支付回调的签名无效"))
        try:
            data: Any = json.loads(body)
            return Callback(str(data["event_id"]), str(data["reference"]), int(data["amount"]),
                            str(data["status"]))
        except (ValueError, KeyError, TypeError):
            raise SignatureInvalid(T("支付回调的内容无效")) from None
