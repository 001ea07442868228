"""The arrival card's receipt tokens, verified offline with the ring's public keys.

The format (``ACR1.<payload>.<signature>``, its one canonical encoding) is described in
:mod:`churujing.services.common.crypto`, whose key ring signs them
(:meth:`~churujing.services.common.crypto.KeyRing.sign_token`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from churujing.i18n import T
from churujing.services.common.crypto import TOKEN_PREFIX, b64d, canonical_b64, claims_json

from .errors import TokenInvalid

__all__ = ["verify_token"]


def verify_token(token: str, public_keys: Mapping[str, str | bytes], *,
                 now: datetime | None = None, check_expiry: bool = True) -> dict[str, Any]:
    """The claims of a receipt token, verified with public keys only (no network, no DB).

    Raises :class:`TokenInvalid` when the token is malformed or not in its one canonical
    encoding, signed by an unknown key, its signature does not match (tampered or
    forged), or it has expired (``exp`` before ``now``, default the current time; not
    checked with ``check_expiry=False``, for an officer's look-up, which says so).
    """
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise TokenInvalid(T("不是入境卡回执令牌（应为 ACR1.… 格式）"))
    try:
        payload = canonical_b64(parts[1])
        signature = canonical_b64(parts[2])
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        raise TokenInvalid(T("回执令牌格式错误")) from None
    if not isinstance(claims, dict) or claims.get("v") != 1 or claims_json(claims) != payload:
        raise TokenInvalid(T("回执令牌格式错误"))
    raw = public_keys.get(str(claims.get("kid")))
    if raw is None:
        raise TokenInvalid(T("回执令牌的签名密钥未知（伪造的回执？）"))
    key = Ed25519PublicKey.from_public_bytes(raw if isinstance(raw, bytes) else b64d(raw))
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        raise TokenInvalid(T("回执令牌签名无效（已被篡改或伪造）")) from None
    exp = claims.get("exp")
    moment = (now or datetime.now(UTC)).timestamp()
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise TokenInvalid(T("回执令牌格式错误"))
    if check_expiry and exp <= moment:
        raise TokenInvalid(T("回执令牌已过期"))
    return claims
