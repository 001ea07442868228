"""The decision letter: a PDF in Chinese with an English translation; a refusal states its
reasons and the review rights with their time limits (facts §11)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from apps_helpers import REVIEWER, body, documents, service, start_clock

from churujing.services.applications.errors import Conflict
from churujing.services.applications.service import ApplicationService


@pytest.fixture
def svc(tmp_path: Path) -> ApplicationService:
    return service(f"sqlite:///{tmp_path / 'ap.sqlite3'}", start_clock())


def _text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _submitted(svc: ApplicationService) -> dict[str, str]:
    made = svc.create(body())
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    return made


def test_no_letter_before_a_decision(svc: ApplicationService) -> None:
    made = _submitted(svc)
    with pytest.raises(Conflict):
        svc.letter(made["number"], made["secret"])


def test_a_refusal_letter_states_reasons_and_review_rights(svc: ApplicationService,
                                                           tmp_path: Path) -> None:
    made = _submitted(svc)
    svc.decide(REVIEWER, made["number"], "refuse", ["证件照片与本人不符"])
    pdf = svc.letter(made["number"], made["secret"])
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf, tmp_path)
    for words in ("不予批准决定书", "Decision not to approve", "证件照片与本人不符",
                  "六十日内", "行政复议法》第二十条", "六个月内", "行政诉讼法》第四十六条",
                  "within sixty days", "within six months", made["number"]):
        assert words in text, words


def test_an_approval_letter_states_the_fee_and_the_day_to_pay(svc: ApplicationService,
                                                              tmp_path: Path) -> None:
    made = _submitted(svc)
    svc.decide(REVIEWER, made["number"], "approve")
    text = _text(svc.letter(made["number"], made["secret"]), tmp_path)
    assert "审核通过通知书" in text and "120" in text and "2025-12-08" in text
    assert "行政复议" not in text
