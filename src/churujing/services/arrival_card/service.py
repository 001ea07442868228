"""The arrival-card service: its parts, composed over one database and one key ring.

The workflows are split by concern, each part its own module and class:

* :class:`~.filings.Filings` (``service.filings``): file, file a group, view, amend,
  cancel, token status;
* :class:`~.officers.Officers` (``service.officers``): the services' shared officer
  accounts (log-in, lockout, tokens: :mod:`churujing.services.common.accounts`), the
  look-ups, the audit log;
* :class:`~.maintenance.Maintenance` (``service.maintenance``): purge, key rotation, stats.

They share :class:`~.records.Records` (the database, the live key ring, the settings, the
clock and the policy). :class:`ArrivalCardService` is the composition root that the routes
(:mod:`.api`), pages (:mod:`.pages`), command line (:mod:`.cli`) and :mod:`.deps` use.
"""

from __future__ import annotations

from pathlib import Path

from churujing.i18n import T
from churujing.policy import Policy, load_policy
from churujing.services.common.audit import AuditTrail
from churujing.services.common.crypto import KeyRing, LiveKeys, load_keyring

from . import audit as audit_mod
from .card import Clock, system_clock
from .db import Database
from .errors import ArrivalCardError
from .filings import Filings
from .maintenance import Maintenance, stored_key_ids
from .models import Audit, Officer, OfficerToken
from .officers import OfficerIdentity, Officers
from .records import FilingView, Receipt, normalise_number
from .settings import Settings

__all__ = ["ArrivalCardService", "FilingView", "OfficerIdentity", "Receipt",
           "normalise_number", "stored_key_ids"]


class ArrivalCardService:
    """The service's parts over one database and one key ring; thread-safe."""

    def __init__(self, db: Database, keys: KeyRing, settings: Settings | None = None,
                 clock: Clock = system_clock, policy: Policy | None = None, *,
                 key_file: Path | None = None) -> None:
        self.db = db
        self.settings = settings or Settings()
        self.clock = clock
        self.policy = policy or load_policy()
        self.ring = LiveKeys(keys, key_file)
        s = self.settings
        self.filings = Filings(db=db, ring=self.ring, settings=s, clock=clock,
                               policy=self.policy)
        self.officers = Officers(
            db=db, officers_table=Officer, tokens_table=OfficerToken,
            audit=AuditTrail(db, Audit, audit_mod.LOCK_ID, clock), clock=clock,
            token_hours=s.officer_token_hours, login_user_limit=s.login_user_limit,
            login_address_limit=s.login_address_limit, records=self.filings)
        self.maintenance = Maintenance(db=db, ring=self.ring, settings=s, clock=clock,
                                       policy=self.policy, officers=self.officers)

    @property
    def keys(self) -> KeyRing:
        """The key ring as last loaded (``filings.refresh_keys()`` reloads a changed file)."""
        return self.ring.ring

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, clock: Clock = system_clock,
                      migrate: bool | None = None,
                      create_keys: bool | None = None) -> ArrivalCardService:
        """The service as configured by the environment (database, keys); migrates the
        schema when ``CHURUJING_AUTO_MIGRATE`` is on (or ``migrate`` says so).

        Refuses (:class:`ArrivalCardError`) to start over a database holding data under
        key ids that the ring lacks (another key file than the one they were written
        with), in production mode without keys given explicitly, and to create a key file
        when the database already holds encrypted data. Keys are created only when
        ``create_keys`` (``init-keys``, ``bootstrap``) or, outside production, when the
        database holds nothing yet."""
        s = settings or Settings()
        env = s.keys.get_secret_value() if s.keys is not None else None
        if s.production and not env and not s.key_file_explicit:
            raise ArrivalCardError(T(
                "生产模式下须明确指定密钥（CHURUJING_KEYS 或 CHURUJING_KEY_FILE）"))
        db = Database(s.database_url, busy_timeout_ms=s.busy_timeout_ms)
        if s.auto_migrate if migrate is None else migrate:
            db.migrate()
        stored = stored_key_ids(db)
        if not env and not s.key_file.exists():
            allowed = create_keys if create_keys is not None else not s.production
            if stored or not allowed:
                db.dispose()
                raise ArrivalCardError(T(
                    "密钥文件 {path} 不存在：{why}", path=str(s.key_file),
                    why=T("数据库中已有用其他密钥加密的数据，请指向原来的密钥文件") if stored
                    else T("请先运行 churujing arrival-card init-keys")))
        keys = load_keyring(env_json=env, key_file=s.key_file)
        missing = sorted(stored - set(keys.keys))
        if missing:
            db.dispose()
            raise ArrivalCardError(T("密钥环缺少数据库中数据所用的密钥：{kids}",
                                     kids=", ".join(missing)))
        return cls(db, keys, s, clock, key_file=None if env else s.key_file)
