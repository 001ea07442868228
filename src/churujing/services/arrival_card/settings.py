"""Settings of the arrival-card service, from the environment (prefix ``CHURUJING_``).

=================================  ===========================================  ==========
variable                           meaning                                      default
=================================  ===========================================  ==========
``CHURUJING_DATABASE_URL``         SQLAlchemy URL: ``sqlite:///path`` or         ``sqlite:///var/churujing.sqlite3``
                                   ``postgresql+psycopg://user@host:port/db``
``CHURUJING_KEYS``                 the key ring as JSON (see :mod:`.crypto`);    unset
                                   takes precedence over the key file
``CHURUJING_KEY_FILE``             the key ring file, created with fresh random  ``var/keys.json``
                                   keys and mode 0600 when absent
``CHURUJING_PURGE_DAYS``           filings are purged this many days after the  ``30``
                                   arrival date
``CHURUJING_ARRIVAL_WINDOW_DAYS``  how many days ahead an arrival may be filed   ``30``
``CHURUJING_GROUP_MAX``            travellers in one group filing, at most       ``10``
``CHURUJING_OFFICER_TOKEN_HOURS``  lifetime of an officer's API token            ``12``
``CHURUJING_LOGIN_USER_LIMIT``     failed log-ins per username before lockout    ``5 per 15
                                                                                 minutes``
``CHURUJING_LOGIN_ADDRESS_LIMIT``  log-in attempts per client address           ``30 per minute``
``CHURUJING_BUSY_TIMEOUT_MS``      SQLite busy timeout                           ``10000``
``CHURUJING_AUTO_MIGRATE``         run migrations when the service starts        ``true``
=================================  ===========================================  ==========
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """The service's settings; every field has an environment variable ``CHURUJING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CHURUJING_", extra="ignore")

    database_url: str = "sqlite:///var/churujing.sqlite3"
    keys: SecretStr | None = None
    key_file: Path = Path("var/keys.json")
    purge_days: int = Field(30, ge=0)
    arrival_window_days: int = Field(30, ge=0)
    group_max: int = Field(10, ge=1)
    officer_token_hours: int = Field(12, ge=1)
    login_user_limit: str = "5 per 15 minutes"
    login_address_limit: str = "30 per minute"
    busy_timeout_ms: int = Field(10000, ge=0)
    auto_migrate: bool = True
