"""Notices go out over real SMTP (to a local aiosmtpd server) and through the SMS log; a
failed send stays in the durable outbox and is sent on a later run."""

from __future__ import annotations

import email
import email.header
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from ac_helpers import free_port
from aiosmtpd.controller import Controller
from apps_helpers import body, documents, service, start_clock
from sqlalchemy import select

from churujing.services.applications.models import Outbox


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_every_change_is_mailed_over_smtp(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    svc = service(f"sqlite:///{tmp_path / 'ap.sqlite3'}", start_clock(), smtp_host="127.0.0.1",
                  smtp_port=port, sms_log=tmp_path / "sms.log")
    made = svc.create(body())
    for kind, data in documents().items():
        svc.put_document(made["number"], made["secret"], kind, data)
    svc.submit(made["number"], made["secret"])
    assert svc.deliver() == {"sent": 4, "failed": 0}
    assert [m["To"] for m in inbox.messages] == ["zhang@example.com"] * 2
    last = inbox.messages[-1]
    subject = str(email.header.make_header(email.header.decode_header(last["Subject"])))
    assert made["number"] in subject and "已提交" in subject and "Submitted" in subject
    assert svc.deliver() == {"sent": 0, "failed": 0}      # sent once, not again


def test_a_failed_send_is_kept_and_retried(tmp_path: Path) -> None:
    clock = start_clock()
    svc = service(f"sqlite:///{tmp_path / 'ap.sqlite3'}", clock, smtp_host="127.0.0.1",
                  smtp_port=free_port(), sms_log=tmp_path / "sms.log")
    svc.create(body())
    assert svc.deliver() == {"sent": 1, "failed": 1}      # SMS sent, e-mail refused
    with svc.db.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.channel == "email")).one()
        assert row.sent_at is None and row.attempts == 1 and "Connection" in row.last_error
    assert svc.deliver() == {"sent": 0, "failed": 0}      # not yet due again
    clock.advance(minutes=2)
    assert svc.deliver() == {"sent": 0, "failed": 1}      # tried again, still refused
