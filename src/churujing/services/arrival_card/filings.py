"""The arrival card's filings: file, file a group, view, amend, cancel, token status.

Every workflow is one database transaction. The rule of measure 10 runs before a card is
accepted: an exempt traveller is told so (the exemption's code and clause come back in
the receipt) and the card is filed all the same, since M10.3 says exempt travellers *may*
skip filing ("可免于填报"), not that they may not file.

Readings (see ``docs/arrival-card.md``):

* amend and cancel are open until the end of the arrival day (Beijing time); the
  nationality, the document and its number identify the traveller and cannot be amended
  (cancel and file again);
* every version is kept (filed, amended…, cancelled) with its time, until the purge;
* one valid filing per passport, nationality and arrival date: a new one supersedes it.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from churujing.decision import Decision, Text
from churujing.errors import FactsError
from churujing.i18n import T
from churujing.services.common.clock import now as _now
from churujing.services.common.clock import utc as _utc
from churujing.services.common.crypto import sha256_hex
from churujing.services.common.writer import GroupCommit

from . import store
from .card import Card, parse_card
from .errors import CardInvalid, Conflict, FieldError, NotFound
from .models import Filing, FilingVersion, Idempotency
from .records import (
    IMMUTABLE,
    MEASURE_ID,
    FilingView,
    Receipt,
    Records,
    _aad,
    _passport_key,
    new_number,
    normalise_number,
)

__all__ = ["Filings"]

_RETRIES = 5


@dataclass(kw_only=True)
class Filings(Records):
    """A traveller's filings, from filing to cancellation; thread-safe. New filings are
    written by ``filings_writer``, the process's group commit (:mod:`.store`)."""

    filings_writer: GroupCommit[store.Pending] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.filings_writer = GroupCommit(self.db, self._write_filings)

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


def _request_hashes(cards: Sequence[tuple[Card, Decision]], idempotency_key: str | None,
                    scope: str) -> tuple[str | None, str]:
    """The idempotency key's hash (in its scope: a card or a group) and the request's (only
    kept with a key: without one, ``""``)."""
    if not idempotency_key:
        return None, ""
    return (sha256_hex(f"{scope}:{idempotency_key}"),
            sha256_hex(json.dumps([c.public() for c, _ in cards], sort_keys=True)))
