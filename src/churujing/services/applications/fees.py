"""The fee of a document, as cited data (``m07.fee.<document>``; facts §11).

References:
    国家发展改革委 发改价格〔2017〕1186号, 〔2019〕914号 (ordinary passport 120 元,
    往来港澳通行证 60 元; MED). The 往来台湾通行证 fee is not verified (LOW): the payment
    page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from churujing.policy import Policy, Ref, load_policy

__all__ = ["Fee", "fee"]


@dataclass(frozen=True, slots=True)
class Fee:
    document: str
    amount: int  # yuan
    ref: Ref

    @property
    def confirmed(self) -> bool:
        """False while the fee rests on a low-confidence source."""
        return self.ref.confidence != "low"

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "amount": self.amount, "currency": "CNY",
                "confirmed": self.confirmed, "ref": self.ref.to_dict()}


def fee(document: str, day: date, *, policy: Policy | None = None) -> Fee:
    """The fee for ``document`` in force on ``day`` (its first value before the data begins)."""
    param = (policy or load_policy()).param(f"m07.fee.{document}")
    value = param.at(day) or param.values[0]
    return Fee(document, int(value.value), value.ref)
