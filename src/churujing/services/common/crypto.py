"""Keys, encryption at rest, keyed hashes and signed tokens: the services' one key ring.

Shared by the arrival card and the applications platform (issue 14: one services layer);
extracted from ``arrival_card/crypto.py``, byte for byte the same formats, so that data
written before keep reading. The verification of the arrival card's receipt tokens, whose
errors are the arrival card's, is :func:`churujing.services.arrival_card.tokens.verify_token`.

The key ring
    A JSON document ``{"active": KID, "keys": {KID: {"aead", "mac", "sign", "created"}}}``
    whose values are base64url: ``aead`` a 256-bit AES-GCM key, ``mac`` a 256-bit HMAC key,
    ``sign`` a 32-byte Ed25519 private seed. It comes from ``CHURUJING_KEYS`` or from the
    key file (``CHURUJING_KEY_FILE``), which is created with fresh random keys and mode
    0600 when absent. No key is ever in the code. :meth:`KeyRing.rotated` adds a new key
    set and makes it active; old sets stay so that older ciphertexts and receipts remain
    readable until the service re-encrypts (``churujing arrival-card rotate-keys``).

Encryption at rest
    AES-256-GCM, a random 96-bit nonce per message, the associated data binding the
    ciphertext to its row (a filing number and version). A stored blob is
    ``nonce || ciphertext+tag``; the key id is stored next to it.

Keyed hashes
    HMAC-SHA256 under the ``mac`` key, hex, for exact look-ups (nationality + passport
    number) without storing the number in clear. :meth:`KeyRing.lookup_hashes` gives the
    hash under every key of the ring, so a look-up finds rows not yet re-hashed.

Receipt tokens
    ``ACR1.<payload>.<signature>``: ``payload`` the base64url of compact JSON claims
    (``v``, ``kid``, ``n`` number, ``ver`` version, ``nat``, ``arr`` arrival date, ``port``,
    ``pp`` the last three characters of the passport number, ``iat``, ``exp`` the end of
    its validity in Unix seconds), ``signature`` the base64url Ed25519 signature of the
    ASCII text ``ACR1.<payload>``. Verifying needs only the public keys
    (:meth:`KeyRing.public_keys`): an officer's device verifies a receipt offline, and
    refuses it after ``exp``. One encoding only is accepted: unpadded base64url, and a
    payload that is exactly the compact, key-sorted JSON of its claims (a token
    re-encoded any other way, padded, with other characters or other JSON spacing, is
    refused), so that a token has one text and can be compared as text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from churujing.decision import Text
from churujing.i18n import T

from .errors import ServiceError

__all__ = [
    "TOKEN_PREFIX",
    "KeyRing",
    "KeyRingError",
    "KeySet",
    "LiveKeys",
    "b64d",
    "b64e",
    "canonical_b64",
    "claims_json",
    "load_keyring",
    "save_keyring",
    "sha256_hex",
]

TOKEN_PREFIX = "ACR1"
_NONCE = 12
_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class KeyRingError(ServiceError):
    """A key ring that cannot be read, a key it lacks, a ciphertext that does not verify."""


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sha256_hex(text: str) -> str:
    """Plain SHA-256 (for high-entropy secrets: filer secrets, officer API tokens)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeySet:
    kid: str
    aead: bytes
    mac: bytes
    sign: Ed25519PrivateKey
    created: str

    @classmethod
    def generate(cls, kid: str | None = None) -> KeySet:
        now = datetime.now(UTC).replace(microsecond=0)
        return cls(kid or f"k{now:%Y%m%d%H%M%S}{secrets.token_hex(2)}",
                   AESGCM.generate_key(bit_length=256), secrets.token_bytes(32),
                   Ed25519PrivateKey.generate(), now.isoformat())

    def public_key(self) -> bytes:
        return self.sign.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def to_dict(self) -> dict[str, str]:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self.sign.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return {"aead": b64e(self.aead), "mac": b64e(self.mac), "sign": b64e(seed),
                "created": self.created}


@dataclass(frozen=True)
class KeyRing:
    """Every key set, the active one first in use; see the module docstring."""

    active_kid: str
    keys: Mapping[str, KeySet] = field(default_factory=dict)

    # ------------------------------------------------------------------ (de)serialisation

    @classmethod
    def generate(cls) -> KeyRing:
        k = KeySet.generate()
        return cls(k.kid, {k.kid: k})

    @classmethod
    def from_json(cls, text: str) -> KeyRing:
        try:
            doc = json.loads(text)
            keys = {}
            for kid, raw in doc["keys"].items():
                aead, mac = b64d(raw["aead"]), b64d(raw["mac"])
                if len(aead) != 32 or len(mac) != 32:
                    raise ValueError("aead and mac keys must be 32 bytes")
                sign = Ed25519PrivateKey.from_private_bytes(b64d(raw["sign"]))
                keys[str(kid)] = KeySet(str(kid), aead, mac, sign, str(raw.get("created", "")))
            active = str(doc["active"])
            if active not in keys:
                raise ValueError(f"active key {active!r} is not in keys")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise KeyRingError(T("密钥环格式错误：{error}", error=str(exc))) from None
        return cls(active, keys)

    def to_json(self) -> str:
        return json.dumps({"active": self.active_kid,
                           "keys": {k: v.to_dict() for k, v in self.keys.items()}}, indent=2)

    def rotated(self) -> KeyRing:
        """A ring with a new active key set; the old sets are kept for reading."""
        k = KeySet.generate()
        return KeyRing(k.kid, {**self.keys, k.kid: k})

    @property
    def active(self) -> KeySet:
        return self.keys[self.active_kid]

    # ------------------------------------------------------------------ encryption

    def encrypt(self, plaintext: bytes, aad: bytes) -> tuple[str, bytes]:
        """(key id, nonce || ciphertext) under the active key."""
        nonce = os.urandom(_NONCE)
        return self.active_kid, nonce + AESGCM(self.active.aead).encrypt(nonce, plaintext, aad)

    def decrypt(self, kid: str, blob: bytes, aad: bytes) -> bytes:
        key = self.keys.get(kid)
        if key is None:
            raise KeyRingError(T("缺少密钥 {kid}，无法解密", kid=kid))
        try:
            return AESGCM(key.aead).decrypt(blob[:_NONCE], blob[_NONCE:], aad)
        except InvalidTag:
            raise KeyRingError(T("密文校验失败（数据被篡改或密钥不符）")) from None

    def encrypt_json(self, value: Any, aad: bytes) -> tuple[str, bytes]:
        return self.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True).encode(), aad)

    def decrypt_json(self, kid: str, blob: bytes, aad: bytes) -> Any:
        return json.loads(self.decrypt(kid, blob, aad))

    # ------------------------------------------------------------------ keyed hashes

    def lookup_hash(self, value: str, kid: str | None = None) -> str:
        key = self.keys[kid or self.active_kid]
        return hmac.new(key.mac, value.encode("utf-8"), hashlib.sha256).hexdigest()

    def lookup_hashes(self, value: str) -> tuple[str, ...]:
        return tuple(self.lookup_hash(value, kid) for kid in self.keys)

    # ------------------------------------------------------------------ tokens

    def public_keys(self) -> dict[str, str]:
        """Key id -> base64url raw Ed25519 public key: all an offline verifier needs."""
        return {kid: b64e(k.public_key()) for kid, k in self.keys.items()}

    def sign_token(self, claims: Mapping[str, Any]) -> str:
        body = {"v": 1, "kid": self.active_kid, **claims}
        payload = b64e(claims_json(body))
        signed = f"{TOKEN_PREFIX}.{payload}"
        return f"{signed}.{b64e(self.active.sign.sign(signed.encode('ascii')))}"


def canonical_b64(text: str) -> bytes:
    """Unpadded base64url only (no ``=``, no other alphabet, no trailing bits set)."""
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    data = b64d(text)
    if b64e(data) != text:
        raise ValueError("not the canonical encoding")
    return data


def claims_json(claims: Mapping[str, Any]) -> bytes:
    return json.dumps(claims, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def load_keyring(*, env_json: str | None, key_file: Path) -> KeyRing:
    """The key ring from ``env_json`` (``CHURUJING_KEYS``), else from ``key_file``,
    which is created with fresh random keys and mode 0600 when it does not exist."""
    if env_json:
        return KeyRing.from_json(env_json)
    if key_file.exists():
        return KeyRing.from_json(key_file.read_text(encoding="utf-8"))
    ring = KeyRing.generate()
    save_keyring(ring, key_file, create=True)
    return load_keyring(env_json=None, key_file=key_file)


def save_keyring(ring: KeyRing, key_file: Path, *, create: bool = False) -> None:
    """Write the ring to ``key_file`` (mode 0600) atomically; with ``create``, only if absent
    (a concurrent creator wins and its keys are kept)."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if create:
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(ring.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        return
    tmp = key_file.with_name(key_file.name + f".{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, key_file)


@dataclass
class LiveKeys:
    """The ring a running service uses, reloaded when its file changed since it was read
    (``rotate-keys`` run by another process): a running server decrypts, hashes and signs
    with the new keys without a restart. One ``stat`` per :meth:`refresh`. Without a file
    (keys from ``CHURUJING_KEYS``) the ring never changes but by :meth:`rotate`."""

    ring: KeyRing
    key_file: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _seen: tuple[int, int, int] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.refresh()  # remember the file as loaded

    def refresh(self) -> KeyRing:
        if self.key_file is None:
            return self.ring
        try:
            st = self.key_file.stat()
        except FileNotFoundError:
            return self.ring
        seen = (st.st_mtime_ns, st.st_size, st.st_ino)
        if seen != self._seen:
            with self._lock:
                if seen != self._seen:
                    if self._seen is not None:
                        self.ring = load_keyring(env_json=None, key_file=self.key_file)
                    self._seen = seen
        return self.ring

    def decrypt_json(self, kid: str, blob: bytes, aad: bytes) -> Any:
        """Decrypt, reloading the ring first when it lacks ``kid`` (a key added elsewhere)."""
        if kid not in self.ring.keys:
            self.refresh()
        return self.ring.decrypt_json(kid, blob, aad)

    def rotate(self, refused: Text) -> KeyRing:
        """Make a new key set active and save the ring (old sets kept) before any row
        changes; ``refused`` is the error's text when the keys come from the environment."""
        if self.key_file is None:
            raise KeyRingError(refused)
        self.refresh()  # rotate the newest ring, never drop a key another process added
        with self._lock:
            self.ring = self.ring.rotated()
            save_keyring(self.ring, self.key_file)
        return self.ring
