"""The decision letter: a PDF (WeasyPrint), in Chinese with an English translation.

An approval states the fee and the last day to pay; a refusal states the reasons and the
review rights with their time limits (``m07.review_rights``: administrative
reconsideration within 60 days, 行政复议法 art. 20; litigation within 6 months,
行政诉讼法 art. 46; facts §11).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from churujing.policy import Policy, load_policy

__all__ = ["letter_html", "letter_pdf"]

_DOCUMENTS = {
    "passport": {"zh": "普通护照换发补发", "en": "Renewal or replacement of an ordinary passport"},
    "eep_hk_macau": {"zh": "往来港澳通行证换发补发",
                     "en": "Renewal or replacement of an Exit-Entry Permit for HK and Macau"},
    "eep_taiwan": {"zh": "往来台湾通行证换发补发",
                   "en": "Renewal or replacement of an Exit-Entry Permit for Taiwan"},
}


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=select_autoescape(["html"]))


def letter_html(*, number: str, name: str, id_masked: str, document: str, decided_on: date,
                refused: bool, reasons: Sequence[str] = (), fee: int = 0,
                fee_confirmed: bool = True, pay_by: date | None = None,
                policy: Policy | None = None) -> str:
    pol = policy or load_policy()
    rights: Mapping[str, Any] = pol.value("m07.review_rights", decided_on) or \
        pol.param("m07.review_rights").values[0].value
    title = ({"zh": "不予批准决定书", "en": "Decision not to approve"} if refused
             else {"zh": "审核通过通知书", "en": "Notice of approval"})
    return _env().get_template("letter.html").render(
        title=title, number=number, name=name, id_masked=id_masked,
        document=_DOCUMENTS.get(document, {"zh": document, "en": document}),
        decided_on=decided_on.isoformat(), refused=refused, reasons=list(reasons),
        fee=fee, fee_confirmed=fee_confirmed,
        pay_by=pay_by.isoformat() if pay_by else "", rights=rights)


def letter_pdf(**kwargs: Any) -> bytes:
    """The letter as PDF bytes (fonts: WenQuanYi Micro Hei or Noto Sans CJK)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=letter_html(**kwargs)).write_pdf()
    return pdf
