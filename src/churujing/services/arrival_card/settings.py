"""Settings of the arrival-card service, from the environment (prefix ``CHURUJING_``).

=================================  ===========================================  ==========
variable                           meaning                                      default
=================================  ===========================================  ==========
``CHURUJING_DATA_DIR``             the service's folder: its SQLite database     ``~/.local/share/
                                   and key file, unless set otherwise; made      churujing``
                                   absolute once, at start
``CHURUJING_DATABASE_URL``         SQLAlchemy URL: ``sqlite:///path`` or         ``sqlite:///DATA_DIR/
                                   ``postgresql+psycopg://user@host:port/db``    churujing.sqlite3``
``CHURUJING_KEYS``                 the key ring as JSON (see :mod:`.crypto`);    unset
                                   takes precedence over the key file
``CHURUJING_KEY_FILE``             the key ring file (mode 0600), created with   ``DATA_DIR/
                                   fresh keys when absent and the database holds  keys.json``
                                   nothing encrypted; else the service refuses
``CHURUJING_PURGE_DAYS``           filings are purged this many days after the  ``30``
                                   arrival date
``CHURUJING_ARRIVAL_WINDOW_DAYS``  how many days ahead an arrival may be filed   ``30``
``CHURUJING_GROUP_MAX``            travellers in one group filing, at most       ``10``
``CHURUJING_OFFICER_TOKEN_HOURS``  lifetime of an officer's API token            ``12``
``CHURUJING_TOKEN_GRACE_HOURS``    a receipt token is valid until the end of     ``12``
                                   the arrival day (Beijing) plus these hours
``CHURUJING_LOGIN_USER_LIMIT``     failed log-ins per username before lockout    ``5 per 15
                                                                                 minutes``
``CHURUJING_LOGIN_ADDRESS_LIMIT``  log-in attempts per client address           ``30 per minute``
``CHURUJING_BUSY_TIMEOUT_MS``      SQLite busy timeout                           ``10000``
``CHURUJING_AUTO_MIGRATE``         run migrations when the service starts        ``true``
``CHURUJING_PRODUCTION``           refuse to start without ``CHURUJING_KEYS``    ``false``
                                   or an explicit ``CHURUJING_KEY_FILE``, and
                                   never create keys (``init-keys`` does)
=================================  ===========================================  ==========
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """The service's settings; every field has an environment variable ``CHURUJING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CHURUJING_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: _default_data_dir())
    database_url: str = ""
    keys: SecretStr | None = None
    key_file: Path = Path()
    purge_days: int = Field(30, ge=0)
    arrival_window_days: int = Field(30, ge=0)
    group_max: int = Field(10, ge=1)
    officer_token_hours: int = Field(12, ge=1)
    token_grace_hours: int = Field(12, ge=0, le=72)
    login_user_limit: str = "5 per 15 minutes"
    login_address_limit: str = "30 per minute"
    busy_timeout_ms: int = Field(10000, ge=0)
    auto_migrate: bool = True
    production: bool = False  # keys must then be given explicitly and never made here
    key_file_explicit: bool = Field(False, exclude=True)  # set by the validator

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, values: Any) -> Any:
        """The data folder made absolute once; the database and key file in it by default
        (no path is left relative to the working directory)."""
        if not isinstance(values, dict):
            return values
        data = Path(values.get("data_dir") or _default_data_dir()).expanduser().resolve()
        values["data_dir"] = data
        if not values.get("database_url"):
            values["database_url"] = f"sqlite:///{data / 'churujing.sqlite3'}"
        key_file = values.get("key_file")
        values["key_file_explicit"] = bool(key_file)
        values["key_file"] = (Path(key_file).expanduser().resolve() if key_file
                              else data / "keys.json")
        return values


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "churujing"
