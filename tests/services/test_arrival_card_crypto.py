"""Keys, encryption at rest (the services' shared key ring), the arrival card's receipt
tokens."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from churujing.services.arrival_card.errors import TokenInvalid
from churujing.services.arrival_card.tokens import verify_token
from churujing.services.common.crypto import KeyRing, KeyRingError, b64d, b64e, load_keyring


def test_key_file_is_created_with_fresh_keys_and_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keys.json"
    ring = load_keyring(env_json=None, key_file=path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    again = load_keyring(env_json=None, key_file=path)
    assert again.public_keys() == ring.public_keys()
    other = load_keyring(env_json=None, key_file=tmp_path / "other.json")
    assert other.public_keys() != ring.public_keys()  # random, never from the code


def test_environment_keys_take_precedence(tmp_path: Path) -> None:
    ring = KeyRing.generate()
    loaded = load_keyring(env_json=ring.to_json(), key_file=tmp_path / "keys.json")
    assert loaded.public_keys() == ring.public_keys()
    assert not (tmp_path / "keys.json").exists()


def test_malformed_key_ring_is_an_error() -> None:
    with pytest.raises(KeyRingError):
        KeyRing.from_json('{"active": "a", "keys": {"a": {"aead": "x", "mac": "y"}}}')


def test_aes_gcm_round_trip_and_tamper_detection() -> None:
    ring = KeyRing.generate()
    kid, blob = ring.encrypt(b"C01X00T47", b"filing:AC1:1")
    assert b"C01X00T47" not in blob
    assert ring.decrypt(kid, blob, b"filing:AC1:1") == b"C01X00T47"
    with pytest.raises(KeyRingError):
        ring.decrypt(kid, blob, b"filing:AC2:1")  # moved to another row
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(KeyRingError):
        ring.decrypt(kid, flipped, b"filing:AC1:1")


def test_keyed_hash_depends_on_the_key() -> None:
    a, b = KeyRing.generate(), KeyRing.generate()
    assert a.lookup_hash("DE:C01X00T47") == a.lookup_hash("DE:C01X00T47")
    assert a.lookup_hash("DE:C01X00T47") != b.lookup_hash("DE:C01X00T47")
    rotated = a.rotated()
    assert a.lookup_hash("DE:C01X00T47") in rotated.lookup_hashes("DE:C01X00T47")


EXP = 4102444800  # 2100-01-01


def _token(ring: KeyRing, exp: int = EXP) -> str:
    return ring.sign_token({"n": "AC0123456789", "ver": 1, "nat": "DE", "arr": "2025-12-01",
                            "exp": exp})


def test_a_token_verifies_with_the_public_key_only() -> None:
    ring = KeyRing.generate()
    public = json.loads(json.dumps(ring.public_keys()))  # what a device downloads
    claims = verify_token(_token(ring), public)
    assert claims["n"] == "AC0123456789" and claims["kid"] == ring.active_kid


def test_a_tampered_token_is_rejected() -> None:
    ring = KeyRing.generate()
    prefix, payload, sig = _token(ring).split(".")
    claims = json.loads(b64d(payload))
    claims["arr"] = "2025-12-31"
    forged_payload = b64e(json.dumps(claims, separators=(",", ":")).encode())
    with pytest.raises(TokenInvalid, match="tampered"):
        verify_token(f"{prefix}.{forged_payload}.{sig}", ring.public_keys())


def test_a_token_signed_by_another_key_is_rejected() -> None:
    ring, forger = KeyRing.generate(), KeyRing.generate()
    # the forger claims the real key id
    forged = KeyRing(ring.active_kid, {ring.active_kid: forger.active})
    with pytest.raises(TokenInvalid):
        verify_token(_token(forged), ring.public_keys())
    with pytest.raises(TokenInvalid, match="unknown key"):
        verify_token(_token(forger), ring.public_keys())


@pytest.mark.parametrize("junk", ["", "hello", "ACR1.x.y", "ACR2.a.b", "ACR1..", "ACR1.e30.AAAA"])
def test_malformed_tokens_are_rejected(junk: str) -> None:
    with pytest.raises(TokenInvalid):
        verify_token(junk, KeyRing.generate().public_keys())


def test_old_tokens_verify_after_rotation() -> None:
    ring = KeyRing.generate()
    token = _token(ring)
    assert verify_token(token, ring.rotated().public_keys())["n"] == "AC0123456789"


def test_an_expired_token_is_rejected_offline() -> None:
    from datetime import UTC, datetime

    ring = KeyRing.generate()
    token = _token(ring, exp=1764633600)  # 2025-12-02 00:00 UTC
    before = datetime(2025, 12, 1, 23, 59, tzinfo=UTC)
    assert verify_token(token, ring.public_keys(), now=before)["n"] == "AC0123456789"
    with pytest.raises(TokenInvalid, match="expired"):
        verify_token(token, ring.public_keys(), now=datetime(2025, 12, 2, tzinfo=UTC))
    no_exp = ring.sign_token({"n": "AC0123456789", "ver": 1})
    with pytest.raises(TokenInvalid):
        verify_token(no_exp, ring.public_keys())


def test_only_the_canonical_encoding_of_a_token_is_accepted() -> None:
    import base64

    ring = KeyRing.generate()
    token = _token(ring)
    prefix, payload, sig = token.split(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    padded = payload + "=" * (-len(payload) % 4)
    spaced = base64.urlsafe_b64encode(
        json.dumps(json.loads(raw), indent=1, sort_keys=True).encode()).decode().rstrip("=")
    variants = [f"{prefix}.{padded}.{sig}" if padded != payload else f"{prefix}.{payload}=.{sig}",
                f"{prefix}.{payload}.{sig}=", f"{prefix}.{payload[:5]}!{payload[5:]}.{sig}",
                f"{prefix}.{payload.replace('-', '+')}.{sig}" if "-" in payload
                else f"{prefix}.{payload}.{sig}+",
                f"{prefix}.{spaced}.{sig}"]
    for variant in variants:
        with pytest.raises(TokenInvalid):
            verify_token(variant, ring.public_keys())
    assert verify_token(token, ring.public_keys())["n"] == "AC0123456789"
