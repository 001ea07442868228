"""Notifications: e-mail over real SMTP, SMS through a provider interface.

The platform writes every notification into the durable outbox (``ap_outbox``) in the same
transaction as the change it tells of; :meth:`ApplicationService.deliver
<churujing.services.applications.service.ApplicationService.deliver>` sends what is due,
marks it sent, and retries failures with a growing delay: a notice is sent at least once,
even across a crash.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

__all__ = ["LogSms", "Mailer", "SmsProvider"]

_log = logging.getLogger("churujing.applications.sms")


class SmsProvider(Protocol):
    name: str

    def send(self, phone: str, text: str) -> None: ...


class LogSms:
    """The built-in SMS provider: one line per message in a log file (and the logger)."""

    name = "log"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    def send(self, phone: str, text: str) -> None:
        line = f"{phone}\t{text}".replace("\n", " ")
        _log.info("sms %s", line)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")


class Mailer:
    """E-mail over SMTP to ``host:port`` (STARTTLS when the server offers it)."""

    def __init__(self, host: str, port: int, sender: str, *, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    @property
    def configured(self) -> bool:
        return bool(self.host)

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            smtp.send_message(msg)
