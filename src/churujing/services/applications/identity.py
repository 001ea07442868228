"""Identity verification: the provider interface and the built-in provider.

The real provider is the national identity-authentication service (实人认证: a face
compared with the state's record; facts §11), reached by the NIA platform; it is not
reachable from here. The built-in provider, :class:`RecordedClaim`, records the claimed
identity and marks it for an officer to confirm: it never reports "verified" by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from churujing.decision import Text
from churujing.i18n import T

__all__ = ["IdentityClaim", "IdentityProvider", "IdentityResult", "RecordedClaim", "Status"]

#: ``verified``: the provider confirmed the person; ``to_confirm``: an officer must confirm;
#: ``failed``: the provider refused the match.
Status = Literal["verified", "to_confirm", "failed"]


@dataclass(frozen=True, slots=True)
class IdentityClaim:
    name: str
    id_number: str
    at: datetime


@dataclass(frozen=True, slots=True)
class IdentityResult:
    provider: str
    status: Status
    text: Text
    reference: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "status": self.status, "zh": self.text.zh,
                "en": self.text.en, "reference": self.reference}


class IdentityProvider(Protocol):
    """Checks that the applicant is the person the identity number names."""

    name: str

    def verify(self, claim: IdentityClaim) -> IdentityResult: ...


class RecordedClaim:
    """The built-in provider: the claim is recorded, and an officer confirms it."""

    name = "recorded"

    def verify(self, claim: IdentityClaim) -> IdentityResult:
        return IdentityResult(self.name, "to_confirm",
                              T("已记录申请人声明的身份，须由审核民警核实"))
