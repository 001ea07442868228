"""Settings of the arrival-card service, from the environment (prefix ``CHURUJING_``).

=================================  ===========================================  ==========
variable                           meaning                                      default
=================================  ===========================================  ==========
``CHURUJING_DATA_DIR``             the service's folder: its SQLite database     ``~/.local/share/
                                   and key file, unless set otherwise; made      churujing``
                                   absolute once, at start
``CHURUJING_DATABASE_URL``         SQLAlchemy URL: ``sqlite:///path`` or         ``sqlite:///DATA_DIR/
                                   ``postgresql+psycopg://user@host:port/db``    churujing.sqlite3``
``CHURUJING_KEYS``                 the key ring as JSON (see ``common/crypto``); unset
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

from pydantic import Field

from churujing.services.common.settings import ServiceSettings

__all__ = ["Settings"]


class Settings(ServiceSettings):
    """The arrival card's settings: the services' shared ones (data folder, database, keys,
    busy timeout, migrations, production mode: :class:`ServiceSettings`) and its own; every
    field has an environment variable ``CHURUJING_<NAME>``."""

    purge_days: int = Field(30, ge=0)
    arrival_window_days: int = Field(30, ge=0)
    group_max: int = Field(10, ge=1)
    officer_token_hours: int = Field(12, ge=1)
    token_grace_hours: int = Field(12, ge=0, le=72)
    login_user_limit: str = "5 per 15 minutes"
    login_address_limit: str = "30 per minute"
