"""A trip's answer, signed with Ed25519, short enough for a QR code, checked offline.

A token is ``CJ1.<payload>.<signature>``: the payload is the answer's summary as compact
JSON (who, each entry's port, arrival, regime, eligibility and deadline, the data version
and when it was issued), the signature is Ed25519 over the payload's bytes; both are
base64url without padding. The payload names the key (``kid``: the first 8 bytes of the
SHA-256 of the raw public key, in hex), so a device holding the public keys from
``GET /v1/keys`` can check a token without asking anyone.

The signing key: ``CHURUJING_SIGNING_KEY`` (a PEM private key, or the path of a file holding
one), else a key kept in ``CHURUJING_KEY_DIR`` (default ``~/.local/share/churujing``),
made on first use. Changing the payload by one byte makes the signature fail.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from churujing.facts import BEIJING
from churujing.trips.engine import TripAnswer, deadline_of

__all__ = ["PREFIX", "BadToken", "Keys", "key_id", "key_path", "load_keys", "payload_of",
           "public_keys", "sign", "verify"]

PREFIX = "CJ1"
KEY_FILE = "trip-signing-ed25519.pem"


class BadToken(ValueError):
    """A token that is malformed, signed by an unknown key, or whose signature fails."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise BadToken(f"not base64url: {exc}") from None


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


@dataclass(frozen=True)
class Keys:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def kid(self) -> str:
        return key_id(self.public)


def _key_dir() -> Path:
    return Path(os.environ.get("CHURUJING_KEY_DIR")
                or Path.home() / ".local" / "share" / "churujing")


def key_path() -> Path:
    """The file of the signing key when ``CHURUJING_SIGNING_KEY`` does not give it."""
    return _key_dir() / KEY_FILE


def _from_pem(data: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("CHURUJING_SIGNING_KEY is not an Ed25519 private key")
    return key


@cache
def load_keys() -> Keys:
    """The signing key (see the module's docstring)."""
    configured = os.environ.get("CHURUJING_SIGNING_KEY", "").strip()
    if configured:
        data = (configured.encode() if configured.startswith("-----")
                else Path(configured).read_bytes())
        return Keys(_from_pem(data))
    path = key_path()
    if path.exists():
        return Keys(_from_pem(path.read_bytes()))
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return Keys(key)


def public_keys(keys: Keys | None = None) -> list[dict[str, str]]:
    """The public keys a verifier needs (``GET /v1/keys``)."""
    keys = keys or load_keys()
    pem = keys.public.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return [{"kid": keys.kid, "alg": "Ed25519", "x": _b64(_raw(keys.public)), "pem": pem}]


def payload_of(answer: TripAnswer, issued: datetime) -> dict[str, Any]:
    """What the token says: enough for an agent to match the passenger and the trip."""
    facts = answer.facts
    nationality = facts.nationality.value if facts is not None else None
    entries = []
    for e in answer.entries:
        deadline = deadline_of(e)
        entries.append({
            "port": e.entry.port.port.id if e.entry.port.port else e.entry.port.query,
            "arrive": e.entry.arrive.isoformat(timespec="minutes"),
            "regime": e.best.regime,
            "ok": e.best.eligible and e.best.regime != "visa-required",
            "until": deadline.isoformat(timespec="minutes") if deadline else None,
            "card": bool(e.arrival_card.details.get("required")),
        })
    return {
        "v": 1,
        "nat": nationality.code if nationality else None,
        "exp": (facts.passport_expiry.isoformat()
                if facts is not None and facts.passport_expiry is not None else None),
        "entries": entries,
        "data": answer.data_version,
        "iat": issued.astimezone(BEIJING).isoformat(timespec="seconds"),
    }


def sign(payload: dict[str, Any], keys: Keys | None = None) -> str:
    keys = keys or load_keys()
    body = json.dumps({**payload, "kid": keys.kid}, ensure_ascii=False,
                      separators=(",", ":"), sort_keys=True).encode()
    return f"{PREFIX}.{_b64(body)}.{_b64(keys.private.sign(body))}"


def verify(token: str, public: list[Ed25519PublicKey] | None = None) -> dict[str, Any]:
    """The payload of a valid token; raises :class:`BadToken` otherwise. ``public``: the
    keys to trust (default: this installation's own)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise BadToken(f"expected {PREFIX}.<payload>.<signature>")
    body, signature = _unb64(parts[1]), _unb64(parts[2])
    try:
        payload = json.loads(body)
    except ValueError:
        raise BadToken("the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise BadToken("the payload is not a JSON object")
    trusted = public if public is not None else [load_keys().public]
    key = next((k for k in trusted if key_id(k) == payload.get("kid")), None)
    if key is None:
        raise BadToken(f"signed by an unknown key {payload.get('kid')!r}")
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise BadToken("the signature does not match: the answer was changed") from None
    return payload


def public_key_from(text: str) -> Ed25519PublicKey:
    """A public key from ``GET /v1/keys``: its ``x`` (base64url, raw) or its PEM, or a file
    holding either."""
    value = text.strip()
    if not value.startswith("-----") and Path(value).is_file():
        value = Path(value).read_text().strip()
    if value.startswith("-----"):
        key = serialization.load_pem_public_key(value.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise BadToken("not an Ed25519 public key")
        return key
    if value.startswith("{"):  # the JSON of GET /v1/keys
        doc = json.loads(value)
        entries = doc.get("keys", [doc])
        return Ed25519PublicKey.from_public_bytes(_unb64(entries[0]["x"]))
    return Ed25519PublicKey.from_public_bytes(_unb64(value))
