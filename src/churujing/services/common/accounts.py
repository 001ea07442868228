"""The services' officer accounts: roles, passwords, log-in, lockout, tokens (shared layer).

One set of accounts serves the arrival card and the applications platform (roles
:data:`.roles.ROLES`). :class:`Accounts` works over the tables it is given
(:class:`~.models.OfficerColumns`, :class:`~.models.OfficerTokenColumns`) and audits
every attempt and change in an :class:`~.audit.AuditTrail`; the arrival card's
:class:`~churujing.services.arrival_card.officers.Officers` binds it to ``ac_officers``,
``ac_officer_tokens`` and ``ac_audit`` and adds its look-ups.

* passwords are argon2 hashes, made and checked outside any transaction (tens of
  milliseconds: no write lock is held meanwhile); an unknown username spends the same time;
* log-ins are throttled per address and per username (:mod:`.throttle`); the username's
  lockout is read from the audit log, so that it holds across worker processes;
* tokens (``aco_…``) are stored as SHA-256 hashes with an expiry; disabling an account or
  resetting its password revokes them.

The errors raised are the class attributes (:attr:`Accounts.NotFound` …), which a service
sets to its own classes; by default the shared ones of :mod:`.errors`.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from churujing.i18n import T

from . import errors
from .audit import AuditTrail
from .clock import Clock, now, system_clock, utc
from .crypto import sha256_hex
from .db import Database
from .models import OfficerColumns, OfficerTokenColumns
from .roles import ROLES
from .throttle import LoginThrottle

__all__ = ["OFFICER_COOKIE", "Accounts", "OfficerIdentity"]

#: The officer's session cookie of the pages (shared by the services' officer pages).
OFFICER_COOKIE = "ac_officer"


@dataclass(frozen=True)
class OfficerIdentity:
    id: int
    username: str
    role: str


@dataclass(kw_only=True)
class Accounts:
    """Officer accounts over ``officers`` and ``tokens``, audited in ``audit``."""

    Invalid: ClassVar[type[errors.ServiceError]] = errors.ServiceError
    NotFound: ClassVar[type[errors.ServiceError]] = errors.NotFound
    Conflict: ClassVar[type[errors.ServiceError]] = errors.Conflict
    NotAuthenticated: ClassVar[type[errors.ServiceError]] = errors.NotAuthenticated
    NotAllowed: ClassVar[type[errors.ServiceError]] = errors.NotAllowed
    TooManyAttempts: ClassVar[type[errors.TooManyAttempts]] = errors.TooManyAttempts

    db: Database
    officers_table: type[OfficerColumns]
    tokens_table: type[OfficerTokenColumns]
    audit: AuditTrail
    clock: Clock = system_clock
    token_hours: int = 12
    login_user_limit: str = "5 per 15 minutes"
    login_address_limit: str = "30 per minute"
    throttle: LoginThrottle = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.throttle = LoginThrottle(self.login_user_limit, self.login_address_limit,
                                      self.TooManyAttempts)

    def _audit(self, s: Session, officer_id: int | None, username: str, action: str,
               query: str, found: list[str], via: str, address: str = "") -> None:
        self.audit.append(s, officer_id, username, action, query, found, via, address)

    # ------------------------------------------------------------------ accounts

    def add_officer(self, username: str, password: str, role: str = "officer") -> None:
        from argon2 import PasswordHasher

        if role not in ROLES:
            raise self.Invalid(T("角色应为以下之一：{roles}", roles=", ".join(ROLES)))
        if len(password) < 12:
            raise self.Invalid(T("密码至少12个字符"))
        if not 1 <= len(username) <= 64:
            raise self.Invalid(T("用户名应为1至64个字符"))
        hashed = PasswordHasher().hash(password)  # outside the transaction
        o = self.officers_table
        with self.db.session() as s:
            if s.scalars(select(o).where(o.username == username)).first():
                raise self.Conflict(T("用户名 {name} 已存在", name=username))
            s.add(o(username=username, password_hash=hashed, role=role, active=True,
                    created_at=now(self.clock)))

    def officers(self) -> list[dict[str, Any]]:
        o = self.officers_table
        with self.db.session() as s:
            return [{"username": r.username, "role": r.role, "active": r.active,
                     "created_at": utc(r.created_at).isoformat()}
                    for r in s.scalars(select(o).order_by(o.username))]

    def _officer_row(self, s: Session, username: str) -> OfficerColumns:
        o = self.officers_table
        officer = s.scalars(select(o).where(o.username == username)).first()
        if officer is None:
            raise self.NotFound(T("没有名为 {name} 的官员账户", name=username))
        return officer

    def _revoke(self, s: Session, officer: OfficerColumns) -> int:
        t = self.tokens_table
        result: Any = s.execute(delete(t).where(t.officer_id == officer.id))
        return int(getattr(result, "rowcount", 0) or 0)

    def set_active(self, username: str, active: bool, *, by: str = "cli",
                   via: str = "cli", address: str = "") -> dict[str, Any]:
        """Disable (every token revoked: the officer is out at once) or re-enable an
        account; audited with who did it."""
        with self.db.session() as s:
            officer = self._officer_row(s, username)
            officer.active = active
            revoked = 0 if active else self._revoke(s, officer)
            self._audit(s, None, by, "officer_enabled" if active else "officer_disabled",
                        f"officer={username}", [], via, address)
        return {"username": username, "active": active, "tokens_revoked": revoked}

    def reset_password(self, username: str, password: str, *, by: str = "cli",
                       via: str = "cli", address: str = "") -> dict[str, Any]:
        """A new password (argon2, hashed outside the transaction); every token revoked."""
        from argon2 import PasswordHasher

        if len(password) < 12:
            raise self.Invalid(T("密码至少12个字符"))
        hashed = PasswordHasher().hash(password)
        with self.db.session() as s:
            officer = self._officer_row(s, username)
            officer.password_hash = hashed
            revoked = self._revoke(s, officer)
            self._audit(s, None, by, "password_reset", f"officer={username}", [], via,
                        address)
        self.throttle.succeeded(username)  # the lockout ends with a new password
        return {"username": username, "tokens_revoked": revoked}

    def revoke_tokens(self, username: str, *, by: str = "cli", via: str = "cli",
                      address: str = "") -> dict[str, Any]:
        """Revoke every API token (and web session) of an officer."""
        with self.db.session() as s:
            officer = self._officer_row(s, username)
            revoked = self._revoke(s, officer)
            self._audit(s, None, by, "tokens_revoked", f"officer={username}", [], via,
                        address)
        return {"username": username, "tokens_revoked": revoked}

    # ------------------------------------------------------------------ tokens and log-in

    def _issue(self, s: Session, officer: OfficerColumns, label: str,
               hours: int | None = None) -> tuple[str, datetime]:
        token = "aco_" + secrets.token_urlsafe(32)
        moment = now(self.clock)
        lifetime = self.token_hours if hours is None else hours
        if not 1 <= lifetime <= 24 * 90:
            raise self.Invalid(T("令牌有效期应为1至2160小时"))
        expires = moment + timedelta(hours=lifetime)
        s.add(self.tokens_table(officer_id=officer.id, token_hash=sha256_hex(token),
                                created_at=moment, expires_at=expires, label=label[:60]))
        return token, expires

    def login(self, username: str, password: str, *, via: str = "api",
              address: str = "") -> tuple[str, datetime]:
        """An API token for an officer whose password matches. Throttled per address and
        per username (:mod:`.throttle`: 429 past the limits); the password is checked
        outside any transaction; every attempt, refused or throttled too, is audited with
        ``address``."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        username = username[:64]
        try:
            self.throttle.check(username, address or "-")
        except errors.TooManyAttempts:
            with self.db.session() as s:
                self._audit(s, None, username, "login_throttled", "", [], via, address)
            raise
        o = self.officers_table
        with self.db.read() as s:
            locked_for = self._locked_for(s, username)
            found = s.scalars(select(o).where(o.username == username)).first()
            officer = (found.id, found.password_hash, found.active) if found else None
        if locked_for:
            with self.db.session() as s:
                self._audit(s, None, username, "login_throttled", "", [], via, address)
            raise self.TooManyAttempts(T("登录失败次数过多，账户已暂时锁定，请稍后再试"),
                                       retry_after=locked_for)
        hasher = PasswordHasher()
        ok = False
        if officer is not None and officer[2]:
            try:
                ok = hasher.verify(officer[1], password)
            except (VerificationError, InvalidHashError):
                ok = False
        else:  # spend the same time as a real verification
            with contextlib.suppress(VerificationError, InvalidHashError):
                hasher.verify(_DUMMY_HASH.get(hasher), password)
        with self.db.session() as s:
            self._audit(s, officer[0] if officer and ok else None, username,
                        "login" if ok else "login_failed", "", [], via, address)
            if ok and officer is not None:
                row = s.get(o, officer[0])
                if row is None or not row.active:  # disabled meanwhile
                    ok = False
                else:
                    token, expires = self._issue(s, row, f"login via {via}")
        if not ok:
            self.throttle.failed(username)
            raise self.NotAuthenticated(T("用户名或密码不正确"))
        self.throttle.succeeded(username)
        return token, expires

    def _locked_for(self, s: Session, username: str) -> int:
        """Seconds the username stays locked, from the audit log (0: not locked): the
        failures since the window began and since the last success, against the limit
        (``CHURUJING_LOGIN_USER_LIMIT``). Read from the database, the lockout holds
        across every worker process, unlike the in-memory windows of :mod:`.throttle`."""
        a = self.audit.table
        limit = self.throttle.user_item
        window = timedelta(seconds=limit.get_expiry())
        moment = now(self.clock)
        since = moment - window
        last_ok = s.scalar(select(func.max(a.at)).where(
            a.username == username, a.action == "login"))
        if last_ok is not None and utc(last_ok) > since:
            since = utc(last_ok)
        failures = list(s.scalars(select(a.at).where(
            a.username == username, a.action == "login_failed", a.at > since)
            .order_by(a.at.desc()).limit(limit.amount)))
        if len(failures) < limit.amount:
            return 0
        return max(1, int((utc(failures[-1]) + window - moment).total_seconds()) + 1)

    def issue_token(self, username: str, *, label: str = "cli",
                    hours: int | None = None) -> tuple[str, datetime]:
        """An API token for an officer, issued by an operator at the command line, valid
        ``hours`` (default ``token_hours``)."""
        o = self.officers_table
        with self.db.session() as s:
            officer = s.scalars(select(o).where(o.username == username)).first()
            if officer is None or not officer.active:
                raise self.NotFound(T("没有名为 {name} 的在职官员", name=username))
            self._audit(s, officer.id, username, "token_issued", label, [], "cli")
            return self._issue(s, officer, label, hours)

    def _token_row(self, s: Session, token: str) -> Any:
        o, t = self.officers_table, self.tokens_table
        return s.execute(select(t, o).join(o, o.id == t.officer_id)
                         .where(t.token_hash == sha256_hex(token))).first()

    def authenticate(self, token: str | None) -> OfficerIdentity:
        if not token:
            raise self.NotAuthenticated(T("需要边检官员身份认证"))
        with self.db.read() as s:
            row = self._token_row(s, token)
            if row is None:
                raise self.NotAuthenticated(T("令牌无效"))
            tok, officer = row
            if utc(tok.expires_at) <= now(self.clock) or not officer.active:
                raise self.NotAuthenticated(T("令牌已过期，请重新登录"))
            return OfficerIdentity(officer.id, officer.username, officer.role)

    def logout(self, token: str, *, via: str = "web", address: str = "") -> bool:
        """Revoke one token (log out); audited. False when it was not a live token."""
        with self.db.session() as s:
            row = self._token_row(s, token)
            if row is None:
                return False
            tok, officer = row
            s.delete(tok)
            self._audit(s, officer.id, officer.username, "logout", "", [], via, address)
            return True

    def require(self, who: OfficerIdentity, role: str) -> None:
        if who.role != role:
            raise self.NotAllowed(T("角色 {have} 无权执行此操作（需要 {need}）",
                                    have=who.role, need=role))

    def purge_tokens(self, s: Session) -> int:
        """Delete expired tokens (in the caller's transaction); how many."""
        t = self.tokens_table
        result: Any = s.execute(delete(t).where(t.expires_at < now(self.clock)))
        return int(getattr(result, "rowcount", 0) or 0)


class _Dummy:
    """An argon2 hash of a random password, made once, for constant-time failed logins."""

    _hash: str | None = None

    def get(self, hasher: Any) -> str:
        if self._hash is None:
            self._hash = str(hasher.hash(secrets.token_urlsafe(16)))
        return self._hash


_DUMMY_HASH = _Dummy()
