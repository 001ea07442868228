"""Settings of the applications platform, from the environment.

The database, the data folder and the key ring are the services' shared ones
(``CHURUJING_DATABASE_URL``, ``CHURUJING_DATA_DIR``, ``CHURUJING_KEYS`` /
``CHURUJING_KEY_FILE``: see :mod:`churujing.services.arrival_card.settings`). The
platform's own have the prefix ``CHURUJING_APPLICATIONS_``:

* ``UPLOAD_MAX_BYTES``: the largest upload accepted (2 MiB);
* ``PAYMENT_SECRET``: the local payment provider's HMAC secret, hex, 16 bytes or more
  (default: derived from the key ring);
* ``SMTP_HOST``, ``SMTP_PORT``: where e-mail is sent (SMTP, STARTTLS when offered; unset:
  e-mail stays in the outbox);
* ``MAIL_FROM``: the e-mails' sender;
* ``SMS_LOG``: the file the built-in SMS provider writes to (DATA_DIR/sms.log);
* ``TICK_SECONDS``: how often the server's scheduler runs (60; 0: never);
* ``RECOVERY_MINUTES``: how long a recovery code sent to the phone is valid (15);
* ``RECOVERY_LIMIT``: codes sent per identity number (``3 per hour``);
* ``CODE_ATTEMPT_LIMIT``: codes tried per application (``5 per 15 minutes``: a 6-digit code
  cannot be guessed). Both windows live in each server process's memory (``limits``).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApplicationSettings"]


class ApplicationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHURUJING_APPLICATIONS_", extra="ignore")

    upload_max_bytes: int = Field(2 * 1024 * 1024, ge=1024)
    payment_secret: SecretStr | None = None
    smtp_host: str = ""
    smtp_port: int = Field(25, ge=1, le=65535)
    mail_from: str = "noreply@churujing.invalid"
    sms_log: Path | None = None
    tick_seconds: float = Field(60.0, ge=0)
    recovery_minutes: int = Field(15, ge=1)
    recovery_limit: str = "3 per hour"
    code_attempt_limit: str = "5 per 15 minutes"
