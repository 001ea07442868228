"""The arrival-card workflows: file, file a group, view, amend, cancel, look up, purge, rotate.

Every workflow is one database transaction. The rule of measure 10 runs before a card is
accepted: an exempt traveller is told so (the exemption's code and clause come back in
the receipt) and the card is filed all the same, since M10.3 says exempt travellers *may*
skip filing ("可免于填报"), not that they may not file.

Readings (see ``docs/arrival-card.md``):

* amend and cancel are open until the end of the arrival day (Beijing time); the
  nationality, the document and its number identify the traveller and cannot be amended
  (cancel and file again);
* every version is kept (filed, amended…, cancelled) with its time, until the purge;
* filings are purged ``purge_days`` after the arrival date.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from anyio import to_thread
from pydantic_core import PydanticCustomError
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from churujing.decision import Decision, Text
from churujing.errors import FactsError
from churujing.facts import BEIJING
from churujing.i18n import T
from churujing.policy import Policy, load_policy
from churujing.services.common.writer import GroupCommit

from . import audit as audit_mod
from . import card as card_mod
from . import store
from .card import Card, Clock, parse_card, system_clock
from .crypto import KeyRing, load_keyring, save_keyring, sha256_hex, verify_token
from .db import Database
from .errors import (
    ArrivalCardError,
    CardInvalid,
    Conflict,
    FieldError,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
)
from .models import Audit, Filing, FilingVersion, Idempotency, Officer, OfficerToken
from .roles import ROLES
from .settings import Settings
from .throttle import LoginThrottle

__all__ = [
    "ROLES",
    "ArrivalCardService",
    "FilingView",
    "OfficerIdentity",
    "Receipt",
    "normalise_number",
]

MEASURE_ID = "arrival-card"

IMMUTABLE = ("nationality", "document", "passport_number")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CROCKFORD_ALIASES = str.maketrans("OILU", "011V")
_RETRIES = 5


def _now(clock: Clock) -> datetime:
    return clock().astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def new_number() -> str:
    """A filing number: ``AC`` and ten Crockford base-32 characters (50 random bits)."""
    return "AC" + "".join(secrets.choice(_CROCKFORD) for _ in range(10))


def normalise_number(text: str) -> str:
    """A filing number as typed (any case, spaces, hyphens, O for 0, I/L for 1) -> canonical."""
    s = text.strip().upper().replace("-", "").replace(" ", "")
    head, tail = s[:2], s[2:]
    tail = tail.translate(_CROCKFORD_ALIASES)
    return head + tail


def _aad(number: str, version: int) -> bytes:
    return f"filing:{number}:{version}".encode()


def _passport_key(nationality: str, passport_number: str) -> str:
    return f"{nationality}:{passport_number}"


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Receipt:
    """What a filer gets back: the number, the signed token of the QR code, and (once,
    at filing) the secret that lets him see, amend or cancel the filing."""

    number: str
    group_id: str | None
    version: int
    status: str
    nationality: str
    arrival_date: date
    arrival_port: str
    token: str
    required: bool
    exemption: Mapping[str, Any] | None
    created_at: datetime
    secret: str | None = None
    replayed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "group_id": self.group_id,
            "version": self.version,
            "status": self.status,
            "nationality": self.nationality,
            "arrival_date": self.arrival_date.isoformat(),
            "arrival_port": self.arrival_port,
            "token": self.token,
            "required": self.required,
            "exemption": dict(self.exemption) if self.exemption else None,
            "created_at": self.created_at.isoformat(),
            "secret": self.secret,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, replayed: bool = False) -> Receipt:
        return cls(
            number=d["number"], group_id=d["group_id"], version=d["version"],
            status=d["status"], nationality=d["nationality"],
            arrival_date=date.fromisoformat(d["arrival_date"]),
            arrival_port=d["arrival_port"], token=d["token"], required=d["required"],
            exemption=d["exemption"], created_at=datetime.fromisoformat(d["created_at"]),
            secret=d.get("secret"), replayed=replayed,
        )


@dataclass(frozen=True)
class FilingView:
    """A filing as its filer or an officer sees it: the current card and the history."""

    number: str
    group_id: str | None
    status: str
    version: int
    card: Card
    token: str
    required: bool
    exemption: Mapping[str, Any] | None
    history: tuple[Mapping[str, Any], ...]
    created_at: datetime
    updated_at: datetime
    token_claims: Mapping[str, Any] | None = None
    group: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "number": self.number,
            "group_id": self.group_id,
            "status": self.status,
            "version": self.version,
            "card": self.card.public(),
            "token": self.token,
            "required": self.required,
            "exemption": dict(self.exemption) if self.exemption else None,
            "history": [dict(h) for h in self.history],
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "group": list(self.group),
        }
        if self.token_claims is not None:
            out["token_claims"] = dict(self.token_claims)
        return out


@dataclass(frozen=True)
class OfficerIdentity:
    id: int
    username: str
    role: str


# --------------------------------------------------------------------------- the service


@dataclass
class ArrivalCardService:
    """The workflows over one database and one key ring; thread-safe."""

    db: Database
    keys: KeyRing
    settings: Settings = field(default_factory=Settings)
    clock: Clock = system_clock
    policy: Policy = field(default_factory=load_policy)
    key_file: Path | None = None
    _keys_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    throttle: LoginThrottle = field(init=False, repr=False)
    _key_file_seen: tuple[int, int, int] | None = field(default=None, init=False, repr=False)
    filings_writer: GroupCommit[store.Pending] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.refresh_keys()  # remember the file as loaded
        self.filings_writer = GroupCommit(self.db, self._write_filings)
        self.throttle = LoginThrottle(self.settings.login_user_limit,
                                      self.settings.login_address_limit)

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

    # ------------------------------------------------------------------ helpers

    def today(self) -> date:
        return card_mod.today(self.clock)

    def refresh_keys(self) -> KeyRing:
        """The ring, reloaded when its file changed since it was read (``rotate-keys`` run
        by another process): a running server decrypts, hashes and signs with the new
        keys without a restart. One ``stat`` per call."""
        if self.key_file is None:
            return self.keys
        try:
            st = self.key_file.stat()
        except FileNotFoundError:
            return self.keys
        seen = (st.st_mtime_ns, st.st_size, st.st_ino)
        if seen != self._key_file_seen:
            with self._keys_lock:
                if seen != self._key_file_seen:
                    if self._key_file_seen is not None:
                        self.keys = load_keyring(env_json=None, key_file=self.key_file)
                    self._key_file_seen = seen
        return self.keys

    def _decrypt(self, kid: str, blob: bytes, aad: bytes) -> Any:
        if kid not in self.keys.keys:
            self.refresh_keys()
        return self.keys.decrypt_json(kid, blob, aad)

    def validate(self, data: Mapping[str, Any] | Card) -> Card:
        return parse_card(data, today=self.today(), policy=self.policy,
                          window_days=self.settings.arrival_window_days)

    def precheck(self, card: Card) -> Decision:
        """The measure-10 decision for this traveller (must he file? through which channels?)."""
        from churujing.measures import get_measure

        facts = {"nationality": card.nationality, "entry_date": card.arrival_date.isoformat(),
                 "document": card.document, "entry_mode": card.entry_mode}
        try:
            decision = get_measure(MEASURE_ID).check(facts, card.arrival_date,
                                                     policy=self.policy)
        except FactsError as exc:
            name = {"entry_date": "arrival_date"}.get(exc.field, exc.field)
            raise CardInvalid([FieldError((name,) if name else (),
                                          Text(exc.message, exc.message))]) from None
        if not decision.eligible:
            unmet = Text.join((c.text for c in decision.unmet), zh_sep="；", en_sep="; ")
            raise CardInvalid([FieldError((), T("不能网上填报入境卡：{why}", why=unmet))])
        return decision

    def _exemption(self, decision: Decision) -> tuple[bool, dict[str, Any] | None]:
        details = decision.details
        required = bool(details.get("required", True))
        raw = details.get("exemption")
        if not raw:
            return required, None
        if isinstance(raw, Mapping):
            code = str(raw.get("code", ""))
            clause = str(raw.get("clause", ""))
        else:
            code, clause = str(raw), ""
        item = self.policy.table("m10.exemptions").get(code)
        zh = str(item.get("zh", code)) if item is not None else code
        en = str(item.get("en", code)) if item is not None else code
        if not clause and item is not None:
            clause = str(item.get("clause") or item.ref.clause or "M10.3")
        note = T("您属于免于填报入境卡的情形（{clause}：{what}），仍可自愿填报。",
                 clause=clause, what=Text(zh, en))
        return required, {"code": code, "clause": clause, "zh": zh, "en": en,
                          "note": note.to_dict()}

    def token_expiry(self, arrival_date: date) -> datetime:
        """When a receipt token stops being valid: the end of the arrival day, Beijing
        time, plus ``CHURUJING_TOKEN_GRACE_HOURS`` (a flight delayed past midnight)."""
        end_of_day = datetime.combine(arrival_date + timedelta(days=1), datetime.min.time(),
                                      BEIJING)
        return (end_of_day + timedelta(hours=self.settings.token_grace_hours)).astimezone(UTC)

    def _token(self, number: str, version: int, card: Card, group_id: str | None) -> str:
        """The signed receipt token of one version of a filing (never of a cancelled or
        superseded one: the callers give ``""`` then)."""
        claims: dict[str, Any] = {
            "n": number, "ver": version, "nat": card.nationality,
            "arr": card.arrival_date.isoformat(), "port": card.arrival_port,
            "pp": card.passport_number[-3:], "iat": int(_now(self.clock).timestamp()),
            "exp": int(self.token_expiry(card.arrival_date).timestamp()),
        }
        if group_id:
            claims["g"] = group_id
        return self.keys.sign_token(claims)

    # ------------------------------------------------------------------ filing

    def file(self, data: Mapping[str, Any] | Card, *, idempotency_key: str | None = None,
             channel: str = "nia_website") -> Receipt:
        """File one traveller's card. A retry with the same ``idempotency_key`` (and the
        same card) returns the first receipt; with another card, :class:`Conflict`."""
        card = self.validate(data)
        decision = self.precheck(card)
        self.refresh_keys()
        receipts = self._file_many([(card, decision)], idempotency_key, "file", channel,
                                   group=False)
        return receipts[0]

    def file_group(self, travellers: Sequence[Mapping[str, Any] | Card], *,
                   idempotency_key: str | None = None,
                   channel: str = "nia_website") -> list[Receipt]:
        """File for several travellers at once (a filer with accompanying children, elderly
        people…): one group id, each traveller his own number, token and secret."""
        if not travellers:
            raise CardInvalid([FieldError(("travellers",), T("至少填写一名旅客"))])
        if len(travellers) > self.settings.group_max:
            raise CardInvalid([FieldError(("travellers",), T(
                "一次最多为{n}名旅客填报", n=self.settings.group_max))])
        checked: list[tuple[Card, Decision]] = []
        errors: list[FieldError] = []
        for i, data in enumerate(travellers):
            try:
                c = self.validate(data)
                checked.append((c, self.precheck(c)))
            except CardInvalid as exc:
                errors.extend(exc.prefixed("travellers", i).errors)
        seen: dict[tuple[str, str, date], int] = {}
        for i, (c, _) in enumerate(checked):
            key = (c.nationality, c.passport_number, c.arrival_date)
            if key in seen:
                errors.append(FieldError(("travellers", i, "passport_number"), T(
                    "与第{n}名旅客的护照相同", n=seen[key] + 1)))
            seen.setdefault(key, i)
        if errors:
            raise CardInvalid(errors)
        self.refresh_keys()
        return self._file_many(checked, idempotency_key, "group", channel, group=True)

    def _file_many(self, cards: Sequence[tuple[Card, Decision]], idempotency_key: str | None,
                   scope: str, channel: str, *, group: bool) -> list[Receipt]:
        key_hash, request_hash = _request_hashes(cards, idempotency_key, scope)
        for _attempt in range(_RETRIES):
            if key_hash is not None:
                replay = self._replay(key_hash, request_hash)
                if replay is not None:
                    return replay
            try:
                return self._insert(cards, key_hash, request_hash, channel, group=group)
            except IntegrityError:
                continue  # a concurrent retry of the same key won, or a number collided
        raise Conflict(T("并发提交冲突，请重试"))

    async def file_async(self, data: Mapping[str, Any] | Card, *,
                         idempotency_key: str | None = None,
                         channel: str = "nia_website") -> Receipt:
        """:meth:`file` from a coroutine, without a thread per request: the card is checked
        on the event loop (CPU only; a card is bounded by its route's body limit), an
        idempotency record is read in a worker thread, and the filing is written by the
        group-commit writer (:meth:`GroupCommit.asubmit`); the receipt comes back once the
        transaction holding it has committed."""
        card = self.validate(data)
        decision = self.precheck(card)
        self.refresh_keys()
        cards = [(card, decision)]
        key_hash, request_hash = _request_hashes(cards, idempotency_key, "file")
        for _attempt in range(_RETRIES):
            if key_hash is not None:
                replay = await to_thread.run_sync(self._replay, key_hash, request_hash)
                if replay is not None:
                    return replay[0]
            pending, receipts = self._prepare(cards, key_hash, request_hash, channel,
                                              group=False)
            try:
                await self.filings_writer.asubmit(pending)
            except IntegrityError:
                continue  # as in _file_many
            return receipts[0]
        raise Conflict(T("并发提交冲突，请重试"))

    def _replay(self, key_hash: str, request_hash: str) -> list[Receipt] | None:
        with self.db.read() as s:  # no write lock: a concurrent twin collides at the insert
            row = s.get(Idempotency, key_hash)
            if row is None:
                return None
            if not hmac.compare_digest(row.request_hash, request_hash):
                raise Conflict(T("该 Idempotency-Key 已用于另一份不同的填报"))
            stored = self._decrypt(row.kid, row.response, f"idem:{key_hash}".encode())
        return [Receipt.from_dict(d, replayed=True) for d in stored]

    def _insert(self, cards: Sequence[tuple[Card, Decision]], key_hash: str | None,
                request_hash: str, channel: str, *, group: bool) -> list[Receipt]:
        """Prepare the filings outside any transaction, then write them through the
        group-commit writer (:mod:`.store`): the receipts are returned once the
        transaction holding them has committed."""
        pending, receipts = self._prepare(cards, key_hash, request_hash, channel, group=group)
        self.filings_writer.submit(pending)
        return receipts

    def _prepare(self, cards: Sequence[tuple[Card, Decision]], key_hash: str | None,
                 request_hash: str, channel: str, *,
                 group: bool) -> tuple[store.Pending, list[Receipt]]:
        """The rows of new filings and their receipts (numbers, secrets, ciphertexts,
        keyed hashes, tokens, the encrypted idempotency record): CPU only, no database."""
        keys = self.keys
        now = _now(self.clock)
        group_id = "G" + new_number()[2:] if group else None
        receipts: list[Receipt] = []
        filings: list[store.NewFiling] = []
        for card, decision in cards:
            required, exemption = self._exemption(decision)
            number = new_number()
            secret = secrets.token_urlsafe(16)
            kid, blob = keys.encrypt_json(card.public(), _aad(number, 1))
            traveller = _passport_key(card.nationality, card.passport_number)
            filings.append(store.NewFiling(
                filing={"number": number, "group_id": group_id, "status": "filed",
                        "nationality": card.nationality,
                        "passport_hash": keys.lookup_hash(traveller),
                        "hash_kid": keys.active_kid, "arrival_date": card.arrival_date,
                        "port": card.arrival_port,
                        "exemption": exemption["code"] if exemption else None,
                        "secret_hash": sha256_hex(secret), "version": 1, "created_at": now,
                        "updated_at": now},
                version={"version": 1, "kind": "filed", "created_at": now, "channel": channel,
                         "kid": kid, "payload": blob},
                hashes=keys.lookup_hashes(traveller)))
            receipts.append(Receipt(
                number=number, group_id=group_id, version=1, status="filed",
                nationality=card.nationality, arrival_date=card.arrival_date,
                arrival_port=card.arrival_port,
                token=self._token(number, 1, card, group_id),
                required=required, exemption=exemption, created_at=now, secret=secret))
        idempotency = None
        if key_hash is not None:
            kid, blob = keys.encrypt_json([r.to_dict() for r in receipts],
                                          f"idem:{key_hash}".encode())
            idempotency = {"key_hash": key_hash, "request_hash": request_hash,
                           "created_at": now, "kid": kid, "response": blob}
        return store.Pending(tuple(filings), idempotency, now), receipts

    def _write_filings(self, s: Session, batch: Sequence[store.Pending]) -> None:
        store.write(s, batch, backend=self.db.backend, supersede=self._supersede)

    def _supersede(self, s: Session, ids: Sequence[int], now: datetime) -> None:
        """Mark superseded the valid filings ``ids`` (found by :func:`.store.write` for the
        same passport, nationality and arrival date as a new filing): one valid filing per
        traveller and arrival (a last version of kind ``superseded``; its token stops being
        valid). The partial unique index makes two concurrent filings of the same
        traveller collide: the loser is written again and supersedes the winner. On
        PostgreSQL they first queue on an advisory lock of the traveller and arrival date
        (taken by :func:`.store.write`), so that many at once do not exhaust the retries."""
        stmt = select(Filing).where(Filing.id.in_(ids))
        if self.db.backend != "sqlite":
            stmt = stmt.with_for_update()
        for old in s.scalars(stmt):
            _, current = self._current(old)
            version = old.version + 1
            kid, blob = self.keys.encrypt_json(current.public(), _aad(old.number, version))
            old.versions.append(FilingVersion(version=version, kind="superseded",
                                              created_at=now, channel="system", kid=kid,
                                              payload=blob))
            old.version = version
            old.status = "superseded"
            old.updated_at = now
        s.flush()

    def token_status(self, token: str) -> dict[str, Any]:
        """What ``/verify`` says of a token: its claims (signature and expiry checked
        offline first) and the state of its filing now: ``current``, ``superseded`` (a
        later version or a later filing replaced it), ``cancelled``, or ``unknown``
        (purged, or never filed here)."""
        claims = self.verify(token)
        with self.db.read() as s:
            filing = s.scalars(select(Filing).where(
                Filing.number == str(claims.get("n", "")))).first()
            if filing is None:
                status = "unknown"
            elif filing.status == "cancelled":
                status = "cancelled"
            elif filing.status == "superseded" or filing.version != claims.get("ver"):
                status = "superseded"
            else:
                status = "current"
        return {"valid": status == "current", "status": status, "claims": claims}

    # ------------------------------------------------------------------ the filer's own

    def _own(self, s: Session, number: str, secret: str, *, lock: bool = False) -> Filing:
        stmt = select(Filing).where(Filing.number == normalise_number(number))
        if lock and self.db.backend != "sqlite":
            stmt = stmt.with_for_update()
        filing = s.scalars(stmt).first()
        if filing is None or not secret or not hmac.compare_digest(
                filing.secret_hash, sha256_hex(secret)):
            # the same answer for a wrong number and a wrong secret: no oracle
            raise NotFound(T("未找到该填报，或填报密钥不正确"))
        return filing

    def _current(self, filing: Filing) -> tuple[FilingVersion, Card]:
        latest = max(filing.versions, key=lambda v: v.version)
        data = self._decrypt(latest.kid, latest.payload, _aad(filing.number, latest.version))
        return latest, Card.model_validate(data)

    def _view(self, s: Session, filing: Filing, *,
              claims: Mapping[str, Any] | None = None) -> FilingView:
        _, card = self._current(filing)
        group: tuple[str, ...] = ()
        if filing.group_id:
            group = tuple(s.scalars(select(Filing.number).where(
                Filing.group_id == filing.group_id).order_by(Filing.id)))
        exemption = None
        if filing.exemption:
            item = self.policy.table("m10.exemptions").get(filing.exemption)
            exemption = {"code": filing.exemption,
                         "clause": str(item.get("clause") or item.ref.clause) if item else "",
                         "zh": str(item.get("zh")) if item else filing.exemption,
                         "en": str(item.get("en")) if item else filing.exemption}
        return FilingView(
            number=filing.number, group_id=filing.group_id, status=filing.status,
            version=filing.version, card=card,
            token=(self._token(filing.number, filing.version, card, filing.group_id)
                   if filing.status == "filed" else ""),
            required=filing.exemption is None, exemption=exemption,
            history=tuple({"version": v.version, "kind": v.kind,
                           "at": _utc(v.created_at).isoformat(), "channel": v.channel}
                          for v in sorted(filing.versions, key=lambda v: v.version)),
            created_at=_utc(filing.created_at), updated_at=_utc(filing.updated_at),
            token_claims=claims, group=group,
        )

    def view(self, number: str, secret: str) -> FilingView:
        """The filer's view of his filing (needs the secret given at filing)."""
        with self.db.session() as s:
            return self._view(s, self._own(s, number, secret))

    def _open_for_change(self, filing: Filing) -> None:
        if filing.status == "cancelled":
            raise Conflict(T("该填报已取消"))
        if filing.status == "superseded":
            raise Conflict(T("该填报已被同一旅客同一入境日期的新填报取代"))
        if self.today() > filing.arrival_date:
            raise Conflict(T("入境日期（{day}）已过，不能再修改或取消",
                             day=filing.arrival_date.isoformat()))

    def amend(self, number: str, secret: str, changes: Mapping[str, Any], *,
              channel: str = "nia_website") -> Receipt:
        """Amend a filing before arrival: a new version (the old ones are kept) and a new
        receipt token. Amending nothing returns the current receipt without a new version."""
        bad = [FieldError((k,), T("不能修改；如有误请取消后重新填报")) for k in IMMUTABLE
               if k in changes]
        if bad:
            raise CardInvalid(bad)
        for _attempt in range(_RETRIES):
            try:
                return self._amend(number, secret, changes, channel)
            except IntegrityError:
                continue  # a concurrent amendment took this version number: re-read
        raise Conflict(T("并发修改冲突，请重试"))

    def _amend(self, number: str, secret: str, changes: Mapping[str, Any],
               channel: str) -> Receipt:
        now = _now(self.clock)
        with self.db.session() as s:
            filing = self._own(s, number, secret, lock=True)
            self._open_for_change(filing)
            _, current = self._current(filing)
            merged = {**current.public(), **dict(changes)}
            card = self.validate(merged)
            decision = self.precheck(card)
            required, exemption = self._exemption(decision)
            if card == current:
                version = filing.version
            else:
                version = filing.version + 1
                kid, blob = self.keys.encrypt_json(card.public(), _aad(filing.number, version))
                s.add(FilingVersion(filing_id=filing.id, version=version, kind="amended",
                                    created_at=now, channel=channel, kid=kid, payload=blob))
                filing.version = version
                filing.arrival_date = card.arrival_date
                filing.port = card.arrival_port
                filing.exemption = exemption["code"] if exemption else None
                filing.updated_at = now
            return Receipt(
                number=filing.number, group_id=filing.group_id, version=version,
                status=filing.status, nationality=card.nationality,
                arrival_date=card.arrival_date, arrival_port=card.arrival_port,
                token=self._token(filing.number, version, card, filing.group_id),
                required=required, exemption=exemption, created_at=_utc(filing.created_at))

    def cancel(self, number: str, secret: str, *, channel: str = "nia_website") -> FilingView:
        """Cancel a filing before arrival (a last version of kind ``cancelled``)."""
        for _attempt in range(_RETRIES):
            try:
                return self._cancel(number, secret, channel)
            except IntegrityError:
                continue
        raise Conflict(T("并发修改冲突，请重试"))

    def _cancel(self, number: str, secret: str, channel: str) -> FilingView:
        now = _now(self.clock)
        with self.db.session() as s:
            filing = self._own(s, number, secret, lock=True)
            self._open_for_change(filing)
            _, current = self._current(filing)
            version = filing.version + 1
            kid, blob = self.keys.encrypt_json(current.public(), _aad(filing.number, version))
            filing.versions.append(FilingVersion(version=version, kind="cancelled",
                                                 created_at=now, channel=channel, kid=kid,
                                                 payload=blob))
            filing.version = version
            filing.status = "cancelled"
            filing.updated_at = now
            s.flush()
            return self._view(s, filing)

    # ------------------------------------------------------------------ officers

    def add_officer(self, username: str, password: str, role: str = "officer") -> None:
        from argon2 import PasswordHasher

        if role not in ROLES:
            raise ArrivalCardError(T("角色应为以下之一：{roles}", roles=", ".join(ROLES)))
        if len(password) < 12:
            raise ArrivalCardError(T("密码至少12个字符"))
        if not 1 <= len(username) <= 64:
            raise ArrivalCardError(T("用户名应为1至64个字符"))
        hashed = PasswordHasher().hash(password)  # outside the transaction
        with self.db.session() as s:
            if s.scalars(select(Officer).where(Officer.username == username)).first():
                raise Conflict(T("用户名 {name} 已存在", name=username))
            s.add(Officer(username=username, password_hash=hashed,
                          role=role, active=True, created_at=_now(self.clock)))

    def officers(self) -> list[dict[str, Any]]:
        with self.db.session() as s:
            return [{"username": o.username, "role": o.role, "active": o.active,
                     "created_at": _utc(o.created_at).isoformat()}
                    for o in s.scalars(select(Officer).order_by(Officer.username))]

    # ------------------------------------------------------------------ administration

    def _officer_row(self, s: Session, username: str) -> Officer:
        officer = s.scalars(select(Officer).where(Officer.username == username)).first()
        if officer is None:
            raise NotFound(T("没有名为 {name} 的官员账户", name=username))
        return officer

    def _revoke(self, s: Session, officer: Officer) -> int:
        return _rowcount(s.execute(delete(OfficerToken).where(
            OfficerToken.officer_id == officer.id)))

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
            raise ArrivalCardError(T("密码至少12个字符"))
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

    def _issue(self, s: Session, officer: Officer, label: str,
               hours: int | None = None) -> tuple[str, datetime]:
        token = "aco_" + secrets.token_urlsafe(32)
        now = _now(self.clock)
        lifetime = self.settings.officer_token_hours if hours is None else hours
        if not 1 <= lifetime <= 24 * 90:
            raise ArrivalCardError(T("令牌有效期应为1至2160小时"))
        expires = now + timedelta(hours=lifetime)
        s.add(OfficerToken(officer_id=officer.id, token_hash=sha256_hex(token), created_at=now,
                           expires_at=expires, label=label[:60]))
        return token, expires

    def login(self, username: str, password: str, *, via: str = "api",
              address: str = "") -> tuple[str, datetime]:
        """An API token for an officer whose password matches. Throttled per address and
        per username (:mod:`.throttle`: 429 past the limits); the password is checked
        outside any transaction (argon2 takes tens of milliseconds: no write lock is held
        meanwhile); every attempt, refused or throttled too, is audited with ``address``."""
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        username = username[:64]
        try:
            self.throttle.check(username, address or "-")
        except TooManyAttempts:
            with self.db.session() as s:
                self._audit(s, None, username, "login_throttled", "", [], via, address)
            raise
        with self.db.read() as s:
            locked_for = self._locked_for(s, username)
            found = s.scalars(select(Officer).where(Officer.username == username)).first()
            officer = (found.id, found.password_hash, found.active) if found else None
        if locked_for:
            with self.db.session() as s:
                self._audit(s, None, username, "login_throttled", "", [], via, address)
            raise TooManyAttempts(T("登录失败次数过多，账户已暂时锁定，请稍后再试"),
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
                row = s.get(Officer, officer[0])
                if row is None or not row.active:  # disabled meanwhile
                    ok = False
                else:
                    token, expires = self._issue(s, row, f"login via {via}")
        if not ok:
            self.throttle.failed(username)
            raise NotAuthenticated(T("用户名或密码不正确"))
        self.throttle.succeeded(username)
        return token, expires

    def _locked_for(self, s: Session, username: str) -> int:
        """Seconds the username stays locked, from the audit log (0: not locked): the
        failures since the window began and since the last success, against the limit
        (``CHURUJING_LOGIN_USER_LIMIT``). Read from the database, the lockout holds
        across every worker process, unlike the in-memory windows of :mod:`.throttle`."""
        from sqlalchemy import func

        limit = self.throttle.user_item
        window = timedelta(seconds=limit.get_expiry())
        now = _now(self.clock)
        since = now - window
        last_ok = s.scalar(select(func.max(Audit.at)).where(
            Audit.username == username, Audit.action == "login"))
        if last_ok is not None and _utc(last_ok) > since:
            since = _utc(last_ok)
        failures = list(s.scalars(select(Audit.at).where(
            Audit.username == username, Audit.action == "login_failed", Audit.at > since)
            .order_by(Audit.at.desc()).limit(limit.amount)))
        if len(failures) < limit.amount:
            return 0
        return max(1, int((_utc(failures[-1]) + window - now).total_seconds()) + 1)

    def issue_token(self, username: str, *, label: str = "cli",
                    hours: int | None = None) -> tuple[str, datetime]:
        """An API token for an officer, issued by an operator at the command line, valid
        ``hours`` (default ``CHURUJING_OFFICER_TOKEN_HOURS``)."""
        with self.db.session() as s:
            officer = s.scalars(select(Officer).where(Officer.username == username)).first()
            if officer is None or not officer.active:
                raise NotFound(T("没有名为 {name} 的在职官员", name=username))
            self._audit(s, officer.id, username, "token_issued", label, [], "cli")
            return self._issue(s, officer, label, hours)

    def authenticate(self, token: str | None) -> OfficerIdentity:
        if not token:
            raise NotAuthenticated(T("需要边检官员身份认证"))
        with self.db.read() as s:
            row = s.execute(
                select(OfficerToken, Officer).join(Officer, Officer.id == OfficerToken.officer_id)
                .where(OfficerToken.token_hash == sha256_hex(token))).first()
            if row is None:
                raise NotAuthenticated(T("令牌无效"))
            tok, officer = row
            if _utc(tok.expires_at) <= _now(self.clock) or not officer.active:
                raise NotAuthenticated(T("令牌已过期，请重新登录"))
            return OfficerIdentity(officer.id, officer.username, officer.role)

    def logout(self, token: str, *, via: str = "web", address: str = "") -> bool:
        """Revoke one token (log out); audited. False when it was not a live token."""
        with self.db.session() as s:
            row = s.execute(select(OfficerToken, Officer).join(
                Officer, Officer.id == OfficerToken.officer_id).where(
                OfficerToken.token_hash == sha256_hex(token))).first()
            if row is None:
                return False
            tok, officer = row
            s.delete(tok)
            self._audit(s, officer.id, officer.username, "logout", "", [], via, address)
            return True

    @staticmethod
    def require(who: OfficerIdentity, role: str) -> None:
        if who.role != role:
            raise NotAllowed(T("角色 {have} 无权执行此操作（需要 {need}）", have=who.role,
                               need=role))

    def _audit(self, s: Session, officer_id: int | None, username: str, action: str,
               query: str, found: Sequence[str], via: str, address: str = "") -> None:
        """Append one row to the audit log, chained to the last one (:mod:`.audit`)."""
        from sqlalchemy import text

        if self.db.backend == "postgresql":  # one appender at a time: no fork in the chain
            s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": audit_mod.LOCK_ID})
        prev = s.scalar(select(Audit.row_hash).order_by(Audit.id.desc()).limit(1))
        row = Audit(at=_now(self.clock), officer_id=officer_id, username=username[:64],
                    action=action[:40], query=query[:500], found=",".join(found),
                    via=via[:20], address=address[:64], prev_hash=prev or audit_mod.GENESIS)
        row.row_hash = audit_mod.row_hash(
            row.prev_hash, at=row.at, officer_id=row.officer_id, username=row.username,
            action=row.action, query=row.query, found=row.found, via=row.via,
            address=row.address)
        s.add(row)
        s.flush()

    def audit_refused(self, who: OfficerIdentity | None, action: str, query: str,
                      exc: ArrivalCardError, *, via: str, address: str = "") -> None:
        """Audit an attempt that was refused (401, 403, 400, 422…), with its reason."""
        with contextlib.suppress(ArrivalCardError), self.db.session() as s:
            self._audit(s, who.id if who else None, who.username if who else "",
                        f"{action}_refused", f"{query} status={exc.status} {exc.text.en}"[:500],
                        [], via, address)

    def verify_audit(self) -> audit_mod.ChainReport:
        """Walk the audit log's hash chain (:func:`.audit.verify_chain`)."""
        with self.db.read() as s:
            return audit_mod.verify_chain(s.scalars(select(Audit).order_by(Audit.id)))

    def audit_log(self, who: OfficerIdentity, limit: int = 100) -> list[dict[str, Any]]:
        self.require(who, "operator")
        with self.db.session() as s:
            rows = s.scalars(select(Audit).order_by(Audit.id.desc()).limit(limit))
            return [{"at": _utc(a.at).isoformat(), "username": a.username, "action": a.action,
                     "query": a.query, "found": a.found.split(",") if a.found else [],
                     "via": a.via} for a in rows]

    # ------------------------------------------------------------------ look-ups

    def lookup_number(self, who: OfficerIdentity, number: str, *,
                     via: str = "api", address: str = "") -> list[FilingView]:
        self.require(who, "officer")
        n = normalise_number(number)
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(Filing.number == n)))
            views = [self._view(s, f) for f in filings]
            self._audit(s, who.id, who.username, "lookup_number", f"number={n}",
                        [v.number for v in views], via, address)
            return views

    def verify(self, token: str, *, check_expiry: bool = True) -> dict[str, Any]:
        """The claims of a receipt token, checked offline (public keys only)."""
        return verify_token(token, self.refresh_keys().public_keys(), now=_now(self.clock),
                            check_expiry=check_expiry)

    def lookup_token(self, who: OfficerIdentity, token: str, *,
                     via: str = "api", address: str = "") -> list[FilingView]:
        """Verify the QR token's signature (a forged or tampered one is refused before the
        database is read), then find its filing; ``token_claims`` says which version the
        traveller's QR code shows."""
        self.require(who, "officer")
        claims = self.verify(token, check_expiry=False)
        claims["expired"] = claims["exp"] <= int(_now(self.clock).timestamp())
        n = str(claims.get("n", ""))
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(Filing.number == n)))
            views = [self._view(s, f, claims=claims) for f in filings]
            self._audit(s, who.id, who.username, "lookup_token", f"number={n}",
                        [v.number for v in views], via, address)
            return views

    def lookup_passport(self, who: OfficerIdentity, nationality: str, passport_number: str,
                        *, via: str = "api", address: str = "") -> list[FilingView]:
        """Filings of a nationality + passport number (exact, through the keyed hash)."""
        self.require(who, "officer")
        try:
            nat = card_mod.normalise_nationality(nationality)
            pp = card_mod.normalise_passport(passport_number)
        except PydanticCustomError as exc:
            ctx = exc.context or {}
            raise CardInvalid([FieldError((), Text(str(ctx.get("zh", exc)),
                                                   str(ctx.get("en", exc))))]) from None
        hashes = self.refresh_keys().lookup_hashes(_passport_key(nat, pp))  # every key
        with self.db.session() as s:
            filings = list(s.scalars(select(Filing).where(
                or_(*(Filing.passport_hash == h for h in hashes)),
                Filing.nationality == nat).order_by(Filing.arrival_date, Filing.id)))
            views = [self._view(s, f) for f in filings]
            self._audit(s, who.id, who.username, "lookup_passport",
                        f"nationality={nat} passport_hmac={hashes[0][:16]}",
                        [v.number for v in views], via, address)
            return views

    # ------------------------------------------------------------------ operations

    def purge(self, days: int | None = None) -> dict[str, int]:
        """Delete filings (with every version) whose arrival date is more than ``days``
        days ago, idempotency records older than that, and expired officer tokens."""
        keep = self.settings.purge_days if days is None else days
        cutoff = self.today() - timedelta(days=keep)
        now = _now(self.clock)
        with self.db.session() as s:
            ids = list(s.scalars(select(Filing.id).where(Filing.arrival_date < cutoff)))
            if ids:
                s.execute(delete(FilingVersion).where(FilingVersion.filing_id.in_(ids)))
                s.execute(delete(Filing).where(Filing.id.in_(ids)))
            idem = s.execute(delete(Idempotency).where(
                Idempotency.created_at < now - timedelta(days=max(keep, 1))))
            toks = s.execute(delete(OfficerToken).where(OfficerToken.expires_at < now))
            self._audit(s, None, "system", "purge", f"arrival_before={cutoff.isoformat()}",
                        [], "cli")
        return {"filings": len(ids), "idempotency": _rowcount(idem),
                "officer_tokens": _rowcount(toks)}

    def rotate_keys(self, *, batch: int = 500,
                    progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Make a new key set active and re-encrypt (and re-hash) every stored record under
        it. The ring is saved (old sets kept) before any row changes, so that a crash
        half-way leaves every row readable; running it again finishes the job."""
        if self.key_file is None:
            raise ArrivalCardError(T(
                "密钥来自环境变量 CHURUJING_KEYS：请用 KeyRing.rotated() 生成新密钥环并更新该变量"))
        self.refresh_keys()  # rotate the newest ring, never drop a key another process added
        with self._keys_lock:
            self.keys = self.keys.rotated()
            save_keyring(self.keys, self.key_file)
        n_filings = n_versions = n_idem = 0
        last = 0
        while True:
            with self.db.session() as s:
                filings = list(s.scalars(select(Filing).where(Filing.id > last)
                                         .order_by(Filing.id).limit(batch)))
                if not filings:
                    break
                for f in filings:
                    for v in f.versions:
                        if v.kid != self.keys.active_kid:
                            aad = _aad(f.number, v.version)
                            v.kid, v.payload = self.keys.encrypt_json(
                                self._decrypt(v.kid, v.payload, aad), aad)
                            n_versions += 1
                    if f.hash_kid != self.keys.active_kid:
                        _, card = self._current(f)
                        f.passport_hash = self.keys.lookup_hash(
                            _passport_key(card.nationality, card.passport_number))
                        f.hash_kid = self.keys.active_kid
                    n_filings += 1
                    last = f.id
            if progress is not None:
                progress(n_filings)
        with self.db.session() as s:
            for row in s.scalars(select(Idempotency).where(
                    Idempotency.kid != self.keys.active_kid)):
                aad = f"idem:{row.key_hash}".encode()
                row.kid, row.response = self.keys.encrypt_json(
                    self._decrypt(row.kid, row.response, aad), aad)
                n_idem += 1
        return {"active": self.keys.active_kid, "filings": n_filings, "versions": n_versions,
                "idempotency": n_idem}

    def stats(self) -> dict[str, int]:
        from sqlalchemy import func

        with self.db.session() as s:
            return {
                "filings": s.scalar(select(func.count()).select_from(Filing)) or 0,
                "versions": s.scalar(select(func.count()).select_from(FilingVersion)) or 0,
                "officers": s.scalar(select(func.count()).select_from(Officer)) or 0,
            }


def _request_hashes(cards: Sequence[tuple[Card, Decision]], idempotency_key: str | None,
                    scope: str) -> tuple[str | None, str]:
    """The idempotency key's hash (in its scope: a card or a group) and the request's."""
    key_hash = sha256_hex(f"{scope}:{idempotency_key}") if idempotency_key else None
    return key_hash, sha256_hex(json.dumps([c.public() for c, _ in cards], sort_keys=True))


def stored_key_ids(db: Database) -> set[str]:
    """The key ids under which the database holds data (empty before the first migration)."""
    from sqlalchemy import inspect, union

    with db.read() as s:
        if not inspect(s.connection()).has_table(Filing.__tablename__):
            return set()
        q = union(select(FilingVersion.kid), select(Filing.hash_kid), select(Idempotency.kid))
        return {str(k) for k in s.scalars(q)}


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class _Dummy:
    """An argon2 hash of a random password, made once, for constant-time failed logins."""

    _hash: str | None = None

    def get(self, hasher: Any) -> str:
        if self._hash is None:
            self._hash = str(hasher.hash(secrets.token_urlsafe(16)))
        return self._hash


_DUMMY_HASH = _Dummy()
