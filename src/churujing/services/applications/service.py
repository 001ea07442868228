"""The platform's workflows over one database and one key ring.

Every change is one transaction: the application's row, its transition (hash-chained, with
who, when and why) and the notifications it causes (the outbox) commit together or not at
all. A step the workflow does not allow is a 409 (:func:`.workflow.fire`).

Limitations:
    * The due date is 7 working days (``m07.processing_working_days``) on the mainland
      calendar from the day of submission, counted again from a resubmission (our reading:
      the commitment runs while the case is with the officers).
    * The payment deadline is ``m07.payment_days`` (7) calendar days from the day of approval:
      the application lapses on the first scheduler run after the last day to pay.
    * A payment callback for an application that can no longer be paid (lapsed, withdrawn)
      is recorded and answered, and changes nothing; a refund is outside the platform.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from churujing.calendar import calendar
from churujing.decision import Text
from churujing.errors import FactsError
from churujing.facts import BEIJING
from churujing.i18n import T
from churujing.measures._common import required
from churujing.policy import Policy, load_policy
from churujing.services.common import chain
from churujing.services.common.clock import Clock, system_clock
from churujing.services.common.crypto import KeyRing, LiveKeys, load_keyring
from churujing.services.common.db import Database
from churujing.services.common.limits import Windows
from churujing.services.common.limits import item as limit_item
from churujing.services.common.settings import ServiceSettings

from . import gate, workflow
from .documents import KINDS, REQUIRED, check_document
from .errors import (
    ApplicationError,
    ApplicationInvalid,
    Conflict,
    DatabaseUnavailable,
    DocumentsMissing,
    NotAllowed,
    NotFound,
    ProviderUnknown,
    Refused,
    TooManyAttempts,
)
from .fees import fee
from .identity import IdentityClaim, IdentityProvider, RecordedClaim
from .models import (
    Application,
    Audit,
    Document,
    Idempotency,
    Outbox,
    Payment,
    Recovery,
    TransitionRow,
)
from .notify import LogSms, Mailer, SmsProvider
from .payment import LocalProvider, PaymentProvider, Started
from .settings import ApplicationSettings

__all__ = ["MIGRATIONS", "VERSION_TABLE", "ApplicationService", "Officer"]

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "ap_alembic_version"
_PHONE = re.compile(r"^1[3-9]\d{9}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_REVIEW_STATES = ("submitted", "resubmitted", "correction_requested")


def payment_deadline(policy: Policy, approved_on: date) -> date:
    """The last day to pay: ``m07.payment_days`` calendar days from the day of approval (the
    data must give it: no policy default in Python)."""
    return approved_on + timedelta(days=int(required(policy, "m07.payment_days", approved_on)))


@dataclass(frozen=True, slots=True)
class Officer:
    """Who acts on the officers' side: a username and a role (``reviewer``, ``officer``,
    ``operator``), as the services' shared log-in says."""

    username: str
    role: str


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _field_error(field_name: str, text: Text) -> FactsError:
    return FactsError(text.en, field=field_name, text=text)


def _number() -> str:
    return "M07" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(10))


@dataclass
class ApplicationService:
    db: Database
    ring: LiveKeys  # reloaded when another process rotated the key file
    settings: ApplicationSettings = field(default_factory=ApplicationSettings)
    clock: Clock = system_clock
    policy: Policy = field(default_factory=load_policy)
    identity: IdentityProvider = field(default_factory=RecordedClaim)
    payments: dict[str, PaymentProvider] = field(default_factory=dict)
    mailer: Mailer | None = None
    sms: SmsProvider = field(default_factory=LogSms)
    _chain_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _windows: Windows = field(default_factory=lambda: Windows(TooManyAttempts), repr=False)

    def _limit(self, setting: str, *key: str) -> None:
        """Count a hit in the moving window ``setting``; 429 when it is full."""
        self._windows.hit(limit_item(setting), *key, refused=T("尝试过于频繁，请稍后再试"))

    @classmethod
    def from_settings(cls, shared: ServiceSettings | None = None,
                      settings: ApplicationSettings | None = None, *,
                      clock: Clock = system_clock, migrate: bool = True) -> ApplicationService:
        s = shared or ServiceSettings()
        a = settings or ApplicationSettings()
        env = s.keys.get_secret_value() if s.keys is not None else None
        keys = LiveKeys(load_keyring(env_json=env, key_file=s.key_file),
                        s.key_file if env is None else None)
        db = Database(s.database_url, migrations=MIGRATIONS, version_table=VERSION_TABLE,
                      unavailable=lambda _d: DatabaseUnavailable(
                          T("数据库暂时不可用，请稍后重试")),
                      busy_timeout_ms=s.busy_timeout_ms)
        if migrate:
            db.migrate()
        return cls.build(db, keys, a, clock=clock, data_dir=s.data_dir)

    @classmethod
    def build(cls, db: Database, keys: KeyRing | LiveKeys, settings: ApplicationSettings, *,
              clock: Clock = system_clock, data_dir: Path | None = None) -> ApplicationService:
        ring = keys if isinstance(keys, LiveKeys) else LiveKeys(keys)
        keys = ring.ring
        secret = (bytes.fromhex(settings.payment_secret.get_secret_value())
                  if settings.payment_secret is not None
                  else hashlib.sha256(b"churujing local payment provider" +
                                      keys.lookup_hash("payment-provider").encode()).digest())
        mailer = (Mailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
                  if settings.smtp_host else None)
        sms_log = settings.sms_log or (data_dir / "sms.log" if data_dir else None)
        return cls(db, ring, settings, clock, payments={"local": LocalProvider(secret)},
                   mailer=mailer, sms=LogSms(sms_log))

    # ------------------------------------------------------------------ helpers

    @property
    def keys(self) -> KeyRing:
        """The key ring, reloaded when its file changed since it was read (``rotate-keys``
        run by another process): new sealing and hashing use the new active key."""
        return self.ring.refresh()

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def today(self) -> date:
        return self.clock().astimezone(BEIJING).date()

    def _seal(self, value: Any, aad: str) -> tuple[str, bytes]:
        return self.keys.encrypt_json(value, aad.encode())

    def _open(self, kid: str, blob: bytes, aad: str) -> Any:
        return self.ring.decrypt_json(kid, blob, aad.encode())

    def _own(self, s: Session, number: str, secret: str, *, lock: bool = True) -> Application:
        stmt = select(Application).where(Application.number == number)
        if lock:
            stmt = stmt.with_for_update()
        app = s.scalars(stmt).one_or_none()
        if app is None or not secrets.compare_digest(app.secret_hash, _sha(secret or "")):
            raise NotFound(T("没有这个申请，或申请密钥不符"))
        return app

    def _by_number(self, s: Session, number: str, *, lock: bool = True) -> Application:
        stmt = select(Application).where(Application.number == number)
        if lock:
            stmt = stmt.with_for_update()
        app = s.scalars(stmt).one_or_none()
        if app is None:
            raise NotFound(T("没有这个申请"))
        return app

    def _chain_head(self, s: Session, table: type[TransitionRow] | type[Audit]) -> str:
        if self.db.backend == "postgresql":
            s.execute(select(_advisory_lock()))
        last = s.scalars(select(table.row_hash).order_by(table.id.desc()).limit(1)).first()
        return last or chain.GENESIS

    def _step(self, s: Session, app: Application, event: str, actor: workflow.Actor,
              who: str, reasons: Sequence[str] = ()) -> TransitionRow:
        """Fire ``event`` on ``app``, record the transition (chained) and queue the notices."""
        if actor not in workflow.ACTORS[event] and event in workflow.ACTORS:
            raise NotAllowed(T("无权执行此操作"))
        source = app.status
        target = workflow.fire(source, event)
        now = self.now()
        app.status, app.updated_at, app.version = target, now, app.version + 1
        row = self._transition(s, app, event, source, target, actor, who, reasons, now)
        self._notify(s, app, target, reasons)
        return row

    def _transition(self, s: Session, app: Application, event: str, source: str, target: str,
                    actor: str, who: str, reasons: Sequence[str], now: datetime
                    ) -> TransitionRow:
        prev = self._chain_head(s, TransitionRow)
        fields = {"number": app.number, "event": event, "source": source, "target": target,
                  "actor": actor, "who": who, "at": chain.iso(now),
                  "reasons": json.dumps(list(reasons), ensure_ascii=False)}
        row = TransitionRow(application_id=app.id, number=app.number, event=event,
                            source=source, target=target, actor=actor, who=who, at=now,
                            reasons=fields["reasons"], prev_hash=prev,
                            row_hash=chain.link(prev, fields))
        s.add(row)
        s.flush()
        return row

    def _audit(self, s: Session, who: Officer, action: str, number: str,
               detail: str = "") -> None:
        prev = self._chain_head(s, Audit)
        now = self.now()
        fields = {"at": chain.iso(now), "who": who.username, "role": who.role,
                  "action": action, "number": number, "detail": detail}
        s.add(Audit(at=now, who=who.username, role=who.role, action=action, number=number,
                    detail=detail, prev_hash=prev, row_hash=chain.link(prev, fields)))
        s.flush()

    def _payload(self, app: Application) -> dict[str, Any]:
        data: dict[str, Any] = self._open(app.kid, app.payload, app.number)
        return data

    def _notify(self, s: Session, app: Application, status: str,
                reasons: Sequence[str] = ()) -> None:
        data = self._payload(app)
        label = workflow.STATES[status]
        text = T("您的出入境证件网上申请{number}：{status}", number=app.number, status=label)
        extra = ""
        if status == "approved" and app.pay_by is not None:
            extra = T("请于{day}前缴费{fee}元，逾期申请失效", day=app.pay_by.isoformat(),
                      fee=app.fee).zh
        elif status == "dispatched" and app.tracking_number:
            extra = T("EMS邮件号：{tracking}", tracking=app.tracking_number).zh
        elif reasons:
            extra = "；".join(reasons)
        now = self.now()
        messages: list[tuple[str, dict[str, str]]] = [
            ("sms", {"to": data["applicant"]["phone"],
                     "text": f"{text.zh}。{extra}".rstrip("。")})]
        if data["applicant"].get("email"):
            body = f"{text.zh}。{extra}\n\n{text.en}.\n\n" + T(
                "查询进度：申请编号{number}", number=app.number).zh
            messages.append(("email", {"to": data["applicant"]["email"],
                                       "subject": f"{text.zh} / {text.en}", "text": body}))
        for channel, message in messages:
            kid, blob = self._seal(message, f"outbox:{app.number}")
            s.add(Outbox(application_id=app.id, channel=channel, kid=kid, payload=blob,
                         created_at=now, next_at=now, attempts=0, last_error=""))

    # ------------------------------------------------------------------ applicants

    def precheck(self, facts: Mapping[str, Any], id_number: object) -> dict[str, Any]:
        """The measure-7 rule before the form: the decision (never an error for a refusal)."""
        g = gate.check(facts, id_number, self.today(), policy=self.policy)
        return {"eligible": g.decision.eligible, "decision": g.decision.to_dict(),
                "fee": fee(g.facts.document, g.day, policy=self.policy).to_dict()}

    def _validate(self, body: Mapping[str, Any]) -> tuple[dict[str, Any], gate.Gate]:
        if not isinstance(body, Mapping):
            raise ApplicationInvalid([_field_error("", T("应为JSON对象"))])
        errors: list[FactsError] = []
        applicant = body.get("applicant")
        delivery = body.get("delivery")
        if not isinstance(applicant, Mapping):
            errors.append(_field_error("applicant", T("缺少申请人信息")))
            applicant = {}
        name = applicant.get("name")
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 64:
            errors.append(_field_error("applicant.name", T("姓名须为1–64个字符")))
        phone = applicant.get("phone")
        phone_s = re.sub(r"[\s-]", "", phone).removeprefix("+86") if isinstance(
            phone, str) else ""
        if not _PHONE.match(phone_s):
            errors.append(_field_error("applicant.phone", T("手机号码须为11位中国大陆手机号")))
        email = applicant.get("email")
        if email not in (None, "") and not (isinstance(email, str) and _EMAIL.match(email)):
            errors.append(_field_error("applicant.email", T("电子邮箱地址无效")))
        if not isinstance(delivery, Mapping) or delivery.get("method") not in ("ems",
                                                                              "collect"):
            errors.append(_field_error("delivery.method",
                                       T("领取方式须为ems（邮寄）或collect（自取）")))
            delivery = {}
        address = delivery.get("address")
        if delivery.get("method") == "ems" and not (
                isinstance(address, str) and 4 <= len(address.strip()) <= 200):
            errors.append(_field_error("delivery.address",
                                       T("邮寄须填写收件地址（4–200个字符）")))
        g: gate.Gate | None = None
        try:
            g = gate.check(body.get("facts", {}), applicant.get("id_number"), self.today(),
                           policy=self.policy)
        except ApplicationInvalid as exc:
            errors.extend(exc.invalid_fields)
        if errors:
            raise ApplicationInvalid(errors)
        assert g is not None and isinstance(name, str)
        clean = {"applicant": {"name": name.strip(), "id_number": g.identity.number,
                               "phone": phone_s, "email": email or None},
                 "facts": dict(body.get("facts", {})),
                 "delivery": {"method": delivery["method"],
                              "address": address.strip() if isinstance(address, str) else None}}
        return clean, g

    def create(self, body: Mapping[str, Any], *, idempotency_key: str | None = None
               ) -> dict[str, Any]:
        """A draft, after the gate (422 :class:`Refused` when the rule refuses)."""
        request_hash = _sha(json.dumps(body, sort_keys=True, default=str))
        key_hash = self.keys.lookup_hash(f"idem:{idempotency_key}") if idempotency_key else None
        if key_hash is not None:
            replay = self._replay(key_hash, request_hash)
            if replay is not None:
                return replay
        clean, g = self._validate(body)
        if not g.decision.eligible:
            raise Refused(gate.MEASURE, g.decision.unmet)
        now = self.now()
        ident = self.identity.verify(IdentityClaim(clean["applicant"]["name"],
                                                   g.identity.number, now))
        clean["identity"] = ident.to_dict()
        price = fee(g.facts.document, g.day, policy=self.policy)
        secret = secrets.token_urlsafe(18)
        for _ in range(5):
            number = _number()
            kid, blob = self._seal(clean, number)
            app = Application(number=number, measure=gate.MEASURE, status="draft",
                              secret_hash=_sha(secret),
                              id_hash=self.keys.lookup_hash(g.identity.number),
                              hash_kid=self.keys.active_kid, kid=kid, payload=blob,
                              document=g.facts.document, hukou_code=g.hukou_code,
                              delivery=clean["delivery"]["method"],
                              identity_status=ident.status, fee=price.amount, version=1,
                              created_at=now, updated_at=now)
            out = {"number": number, "secret": secret, "status": "draft",
                   "fee": price.to_dict(), "identity": ident.to_dict(),
                   "decision": g.decision.to_dict(),
                   "documents_required": list(REQUIRED)}
            try:
                with self.db.session() as s:
                    s.add(app)
                    s.flush()
                    self._transition(s, app, "create", "", "draft", "applicant",
                                     "applicant", (), now)
                    self._notify(s, app, "draft")
                    if key_hash is not None:
                        rkid, rblob = self._seal({"request": request_hash, "response": out},
                                                 f"idem:{key_hash}")
                        s.add(Idempotency(key_hash=key_hash, request_hash=request_hash,
                                          created_at=now, kid=rkid, response=rblob))
                return out
            except IntegrityError:
                if key_hash is not None:
                    replay = self._replay(key_hash, request_hash)
                    if replay is not None:
                        return replay
                continue  # a number drawn twice: draw again
        raise ApplicationError(T("无法生成申请编号，请重试"))  # pragma: no cover

    def _replay(self, key_hash: str, request_hash: str) -> dict[str, Any] | None:
        with self.db.session() as s:
            row = s.get(Idempotency, key_hash)
            if row is None:
                return None
            if row.request_hash != request_hash:
                raise Conflict(T("该Idempotency-Key已用于另一个请求"))
            data: dict[str, Any] = self._open(row.kid, row.response, f"idem:{key_hash}")
            return {**data["response"], "replayed": True}

    def put_document(self, number: str, secret: str, kind: str, data: bytes) -> dict[str, Any]:
        """Store an upload (encrypted) with its checks; documents change only in a draft or
        while a correction is requested."""
        ctype, report = check_document(kind, data, self.today(),
                                       max_bytes=self.settings.upload_max_bytes,
                                       policy=self.policy)
        checks = [c.to_dict() for c in report.checks]
        with self.db.session() as s:
            app = self._own(s, number, secret)
            if app.status not in ("draft", "correction_requested"):
                raise Conflict(T("申请处于“{state}”状态，不能更改材料",
                                 state=workflow.STATES[app.status]))
            kid, blob = self.keys.encrypt(data, f"{number}:{kind}".encode())
            row = s.scalars(select(Document).where(Document.application_id == app.id,
                                                   Document.kind == kind)).one_or_none()
            if row is None:
                row = Document(application_id=app.id, kind=kind)
                s.add(row)
            row.content_type, row.size, row.sha256 = ctype, len(data), hashlib.sha256(
                data).hexdigest()
            row.accepted, row.checks = report.accepted, json.dumps(checks, ensure_ascii=False)
            row.kid, row.blob, row.created_at = kid, blob, self.now()
            app.updated_at = self.now()
        return {"kind": kind, "accepted": report.accepted,
                "checks": [{k: c[k] for k in ("code", "passed", "zh", "en", "threshold",
                                             "source")} for c in checks]}

    def submit(self, number: str, secret: str) -> dict[str, Any]:
        """Submit a draft or resubmit a correction: documents present, the rule again."""
        with self.db.session() as s:
            app = self._own(s, number, secret)
            event = "resubmit" if app.status == "correction_requested" else "submit"
            if event not in workflow.allowed(app.status):
                workflow.fire(app.status, event)  # raises the 409
            have = {d.kind: d for d in s.scalars(select(Document).where(
                Document.application_id == app.id))}
            missing = [k for k in REQUIRED if k not in have]
            unreadable = [k for k, d in have.items() if not _readable(d)]
            if missing or unreadable:
                raise DocumentsMissing(missing + unreadable)
            data = self._payload(app)
            gate.require(data["facts"], data["applicant"]["id_number"], self.today(),
                         policy=self.policy)
            today = self.today()
            days = int(required(self.policy, "m07.processing_working_days", today))
            app.submitted_on = today
            app.due = calendar("CN").add_working_days(today, days)
            app.claimed_by = None
            self._step(s, app, event, "applicant", "applicant")
            return {"number": number, "status": app.status, "due": app.due.isoformat()}

    def withdraw(self, number: str, secret: str) -> dict[str, Any]:
        with self.db.session() as s:
            app = self._own(s, number, secret)
            self._step(s, app, "withdraw", "applicant", "applicant")
            return {"number": number, "status": app.status}

    def view(self, number: str, secret: str) -> dict[str, Any]:
        with self.db.session() as s:
            app = self._own(s, number, secret, lock=False)
            return self._view(s, app, officer=False)

    def _view(self, s: Session, app: Application, *, officer: bool) -> dict[str, Any]:
        data = self._payload(app)
        docs = s.scalars(select(Document).where(Document.application_id == app.id)).all()
        history = s.scalars(select(TransitionRow).where(
            TransitionRow.application_id == app.id).order_by(TransitionRow.id)).all()
        label = workflow.STATES[app.status]
        out: dict[str, Any] = {
            "number": app.number, "measure": app.measure, "status": app.status,
            "status_text": label.to_dict(), "document": app.document,
            "hukou_city": app.hukou_code, "delivery": data["delivery"]["method"],
            "fee": app.fee, "due": app.due.isoformat() if app.due else None,
            "pay_by": app.pay_by.isoformat() if app.pay_by else None,
            "tracking_number": app.tracking_number,
            "identity": data.get("identity"),
            "documents": [{"kind": d.kind, "kind_text": KINDS[d.kind].to_dict(),
                           "accepted": d.accepted, "size": d.size,
                           "checks": json.loads(d.checks)} for d in docs],
            "documents_missing": [k for k in REQUIRED if k not in {d.kind for d in docs}],
            "history": [{"event": h.event, "from": h.source, "to": h.target,
                         "to_text": workflow.STATES[h.target].to_dict(), "at": h.at.isoformat(),
                         "by": h.who if officer else h.actor,
                         "reasons": json.loads(h.reasons)} for h in history],
            "allowed": workflow.allowed(app.status),
        }
        if officer:
            out["applicant"] = data["applicant"]
            out["address"] = data["delivery"].get("address")
            out["facts"] = data["facts"]
            out["claimed_by"] = app.claimed_by
            out["overdue"] = bool(app.due and app.due < self.today()
                                  and app.status in _REVIEW_STATES)
        else:
            ident = data["applicant"]["id_number"]
            out["applicant"] = {"name": data["applicant"]["name"],
                                "id_number": f"{ident[:6]}********{ident[14:]}"}
        return out

    def letter(self, number: str, secret: str) -> bytes:
        """The decision letter (PDF): approval, or refusal with reasons and review rights."""
        from .letter import letter_pdf

        with self.db.session() as s:
            app = self._own(s, number, secret, lock=False)
            decided = s.scalars(select(TransitionRow).where(
                TransitionRow.application_id == app.id,
                TransitionRow.event.in_(("approve", "refuse"))).order_by(
                TransitionRow.id.desc()).limit(1)).first()
            if decided is None:
                raise Conflict(T("申请尚未作出决定"))
            data = self._payload(app)
            price = fee(app.document, decided.at.astimezone(BEIJING).date(),
                        policy=self.policy)
            ident = data["applicant"]["id_number"]
            kwargs: dict[str, Any] = dict(
                number=number, name=data["applicant"]["name"],
                id_masked=f"{ident[:6]}********{ident[14:]}", document=app.document,
                decided_on=decided.at.astimezone(BEIJING).date(),
                refused=decided.event == "refuse", reasons=json.loads(decided.reasons),
                fee=app.fee, fee_confirmed=price.confirmed, pay_by=app.pay_by,
                policy=self.policy)
        return letter_pdf(**kwargs)

    # ------------------------------------------------------------------ recovery

    def recover_start(self, id_number: str) -> dict[str, Any]:
        """Send a code to the phone of each open application under ``id_number``. The answer
        is the same whether or not one exists (it reveals nothing)."""
        now = self.now()
        sent = 0
        self._limit(self.settings.recovery_limit, "recover",
                    self.keys.lookup_hash(str(id_number).strip().upper()))
        with self.db.session() as s:
            hashes = self.keys.lookup_hashes(str(id_number).strip().upper())
            apps = s.scalars(select(Application).where(Application.id_hash.in_(hashes))).all()
            for app in apps:
                code = f"{secrets.randbelow(10**6):06d}"
                s.add(Recovery(application_id=app.id, code_hash=_sha(f"{app.number}:{code}"),
                               expires_at=now + timedelta(
                                   minutes=self.settings.recovery_minutes), used=False))
                phone = self._payload(app)["applicant"]["phone"]
                kid, blob = self._seal({"to": phone, "text": T(
                    "申请{number}的找回验证码：{code}（{minutes}分钟内有效）", number=app.number,
                    code=code, minutes=self.settings.recovery_minutes).zh},
                    f"outbox:{app.number}")
                s.add(Outbox(application_id=app.id, channel="sms", kid=kid, payload=blob,
                             created_at=now, next_at=now, attempts=0, last_error=""))
                sent += 1
        return {"sent": True}

    def recover_finish(self, number: str, code: str) -> dict[str, Any]:
        """A valid code gives a new secret (the old one stops working)."""
        self._limit(self.settings.code_attempt_limit, "code", number)
        now = self.now()
        with self.db.session() as s:
            app = self._by_number(s, number)
            rows = s.scalars(select(Recovery).where(Recovery.application_id == app.id,
                                                    Recovery.used.is_(False))).all()
            want = _sha(f"{number}:{code}")
            match = next((r for r in rows if secrets.compare_digest(r.code_hash, want)
                          and _aware(r.expires_at) > now), None)
            if match is None:
                raise NotFound(T("验证码无效或已过期"))
            match.used = True
            secret = secrets.token_urlsafe(18)
            app.secret_hash = _sha(secret)
            return {"number": number, "secret": secret}

    # ------------------------------------------------------------------ payment

    def start_payment(self, number: str, secret: str, provider: str = "local"
                      ) -> dict[str, Any]:
        prov = self._provider(provider)
        with self.db.session() as s:
            app = self._own(s, number, secret)
            if "pay" not in workflow.allowed(app.status):
                workflow.fire(app.status, "pay")  # the 409
            pending = s.scalars(select(Payment).where(
                Payment.application_id == app.id, Payment.provider == prov.name,
                Payment.status == "pending")).first()
            if pending is not None:  # asked again: the same payment, not a second one
                started = Started(pending.reference,
                                  f"/v1/payments/{prov.name}/{pending.reference}")
            else:
                started = prov.start(number, app.fee)
                s.add(Payment(application_id=app.id, provider=prov.name,
                              reference=started.reference, amount=app.fee, status="pending",
                              created_at=self.now()))
            price = fee(app.document, self.today(), policy=self.policy)
            return {"number": number, "provider": prov.name, "reference": started.reference,
                    "amount": app.fee, "currency": "CNY", "url": started.url,
                    "pay_by": app.pay_by.isoformat() if app.pay_by else None,
                    "fee": price.to_dict()}

    def _provider(self, name: str) -> PaymentProvider:
        prov = self.payments.get(name)
        if prov is None:
            raise ProviderUnknown(T("没有这个支付服务：{name}", name=name))
        return prov

    def payment(self, provider: str, reference: str) -> dict[str, Any]:
        """A payment's public state (for the local provider's payment page)."""
        self._provider(provider)
        with self.db.session() as s:
            pay = s.scalars(select(Payment).where(Payment.reference == reference,
                                                  Payment.provider == provider)).one_or_none()
            if pay is None:
                raise NotFound(T("没有这笔支付"))
            app = s.get(Application, pay.application_id)
            assert app is not None
            return {"reference": reference, "amount": pay.amount, "status": pay.status,
                    "number": app.number, "application_status": app.status}

    def payment_callback(self, provider: str, body: bytes, headers: Mapping[str, str]
                         ) -> dict[str, Any]:
        """A provider's callback: verified, applied once (a repeat answers the same)."""
        prov = self._provider(provider)
        cb = prov.verify(body, headers)
        with self.db.session() as s:
            pay = s.scalars(select(Payment).where(Payment.reference == cb.reference,
                                                  Payment.provider == prov.name)
                            .with_for_update()).one_or_none()
            if pay is None:
                raise NotFound(T("没有这笔支付"))
            app = s.scalars(select(Application).where(Application.id == pay.application_id)
                            .with_for_update()).one()
            if pay.event_id is not None or pay.status != "pending":
                return {"reference": cb.reference, "status": pay.status,
                        "application_status": app.status, "replayed": True}
            if cb.status != "paid":
                pay.status, pay.event_id = "failed", cb.event_id
                return {"reference": cb.reference, "status": "failed",
                        "application_status": app.status}
            if cb.amount != pay.amount:
                raise Conflict(T("支付金额{got}元与应缴{want}元不符", got=cb.amount,
                                 want=pay.amount))
            pay.status, pay.event_id, pay.paid_at = "paid", cb.event_id, self.now()
            if "pay" in workflow.allowed(app.status):
                self._step(s, app, "pay", "system", f"payment:{prov.name}")
                self._step(s, app, "produce", "system", "production")
                applied = True
            else:
                applied = False
            return {"reference": cb.reference, "status": "paid",
                    "application_status": app.status, "applied": applied}

    # ------------------------------------------------------------------ officers

    def _require(self, who: Officer, *roles: str) -> None:
        if who.role not in roles:
            raise NotAllowed(T("无权执行此操作：需要{roles}角色", roles="/".join(roles)))

    def queue(self, who: Officer, *, stage: Literal["review", "production", "all"] = "review"
              ) -> list[dict[str, Any]]:
        """Cases by due date (the earliest first), overdue ones flagged."""
        self._require(who, "reviewer", "officer", "operator")
        states = {"review": _REVIEW_STATES,
                  "production": ("in_production", "ready_for_collection"),
                  "all": tuple(workflow.STATES)}[stage]
        today = self.today()
        with self.db.session() as s:
            rows = s.scalars(select(Application).where(Application.status.in_(states))
                             .order_by(Application.due.is_(None), Application.due,
                                       Application.id)).all()
            self._audit(s, who, "queue", "", stage)
            return [{"number": a.number, "status": a.status,
                     "status_text": workflow.STATES[a.status].to_dict(),
                     "document": a.document, "hukou_city": a.hukou_code,
                     "submitted_on": a.submitted_on.isoformat() if a.submitted_on else None,
                     "due": a.due.isoformat() if a.due else None,
                     "overdue": bool(a.due and a.due < today and a.status in _REVIEW_STATES),
                     "claimed_by": a.claimed_by, "identity": a.identity_status,
                     "delivery": a.delivery} for a in rows]

    def officer_view(self, who: Officer, number: str) -> dict[str, Any]:
        self._require(who, "reviewer", "officer", "operator")
        with self.db.session() as s:
            app = self._by_number(s, number, lock=False)
            self._audit(s, who, "view", number)
            return self._view(s, app, officer=True)

    def officer_document(self, who: Officer, number: str, kind: str) -> tuple[str, bytes]:
        self._require(who, "reviewer", "officer")
        with self.db.session() as s:
            app = self._by_number(s, number, lock=False)
            doc = s.scalars(select(Document).where(Document.application_id == app.id,
                                                   Document.kind == kind)).one_or_none()
            if doc is None:
                raise NotFound(T("没有这份材料"))
            self._audit(s, who, "document", number, kind)
            return doc.content_type, self.keys.decrypt(doc.kid, doc.blob,
                                                       f"{number}:{kind}".encode())

    def claim(self, who: Officer, number: str) -> dict[str, Any]:
        self._require(who, "reviewer")
        with self.db.session() as s:
            app = self._by_number(s, number)
            if app.status not in _REVIEW_STATES:
                raise Conflict(T("申请处于“{state}”状态，无须审核",
                                 state=workflow.STATES[app.status]))
            if app.claimed_by not in (None, who.username):
                raise Conflict(T("该申请已由{who}认领", who=app.claimed_by))
            app.claimed_by = who.username
            self._audit(s, who, "claim", number)
            return {"number": number, "claimed_by": who.username}

    def decide(self, who: Officer, number: str, decision: str,
               reasons: Sequence[str] = ()) -> dict[str, Any]:
        """``approve``, ``request_correction`` or ``refuse`` (the last two with reasons)."""
        self._require(who, "reviewer")
        if decision not in ("approve", "request_correction", "refuse"):
            raise ApplicationInvalid([_field_error("decision", T(
                "决定须为approve、request_correction或refuse"))])
        clean = [r.strip() for r in reasons if isinstance(r, str) and r.strip()]
        if decision != "approve" and not clean:
            raise ApplicationInvalid([_field_error("reasons", T("要求补正或不予批准须说明理由"))])
        if any(len(r) > 500 for r in clean) or len(clean) > 20:
            raise ApplicationInvalid([_field_error("reasons", T("理由最多20条，每条最多500字"))])
        with self.db.session() as s:
            app = self._by_number(s, number)
            if app.claimed_by not in (None, who.username):
                raise Conflict(T("该申请已由{who}认领", who=app.claimed_by))
            if decision == "approve" and decision in workflow.allowed(app.status):
                app.pay_by = payment_deadline(self.policy, self.today())
            self._step(s, app, decision, "reviewer", who.username, clean)
            app.claimed_by = who.username
            return {"number": number, "status": app.status,
                    "pay_by": app.pay_by.isoformat() if app.pay_by else None}

    def dispatch(self, who: Officer, number: str, tracking_number: str | None = None
                 ) -> dict[str, Any]:
        """Post the document by EMS (a tracking number) or mark it ready for collection,
        by the delivery the applicant chose."""
        self._require(who, "officer", "operator")
        with self.db.session() as s:
            app = self._by_number(s, number)
            if app.delivery == "ems":
                t = (tracking_number or "").strip().upper()
                if not re.fullmatch(r"[A-Z0-9]{9,20}", t):
                    raise ApplicationInvalid([_field_error("tracking_number", T(
                        "邮寄须填写EMS邮件号（9–20位字母或数字）"))])
                if "dispatch" in workflow.allowed(app.status):
                    app.tracking_number = t
                self._step(s, app, "dispatch", "officer", who.username)
            else:
                self._step(s, app, "ready", "officer", who.username)
            return {"number": number, "status": app.status,
                    "tracking_number": app.tracking_number}

    def collect(self, who: Officer, number: str) -> dict[str, Any]:
        self._require(who, "officer", "operator")
        with self.db.session() as s:
            app = self._by_number(s, number)
            self._step(s, app, "collect", "officer", who.username)
            return {"number": number, "status": app.status}

    # ------------------------------------------------------------------ scheduler

    def tick(self) -> dict[str, int]:
        """The scheduler's run: lapse what was not paid in time, send the due notices."""
        return {"lapsed": self.lapse_overdue(), **self.deliver()}

    def lapse_overdue(self) -> int:
        today = self.today()
        with self.db.session() as s:
            numbers = s.scalars(select(Application.number).where(
                Application.status == "approved", Application.pay_by < today)).all()
        lapsed = 0
        for number in numbers:
            with self.db.session() as s:  # one transaction per transition
                app = self._by_number(s, number)
                if app.status == "approved" and app.pay_by is not None and app.pay_by < today:
                    self._step(s, app, "lapse", "system", "scheduler")
                    lapsed += 1
        return lapsed

    def deliver(self, limit: int = 100) -> dict[str, int]:
        now = self.now()
        sent = failed = 0
        with self.db.session() as s:
            rows = s.scalars(select(Outbox).where(Outbox.sent_at.is_(None),
                                                  Outbox.next_at <= now)
                             .order_by(Outbox.id).limit(limit)).all()
            items = [(r.id, r.channel, r.kid, r.payload, r.application_id) for r in rows]
            numbers = {a.id: a.number for a in s.scalars(select(Application).where(
                Application.id.in_({i[4] for i in items})))}
        for oid, channel, kid, blob, app_id in items:
            error = ""
            try:
                msg = self._open(kid, blob, f"outbox:{numbers[app_id]}")
                if channel == "email":
                    if self.mailer is None:
                        raise RuntimeError("no SMTP server configured")
                    self.mailer.send(msg["to"], msg["subject"], msg["text"])
                else:
                    self.sms.send(msg["to"], msg["text"])
            except Exception as exc:  # a failed send is retried later, never lost
                error = f"{type(exc).__name__}: {exc}"[:300]
            with self.db.session() as s:
                row = s.get(Outbox, oid)
                assert row is not None
                row.attempts += 1
                if error:
                    row.last_error = error
                    row.next_at = self.now() + timedelta(
                        seconds=min(3600, 30 * 2 ** row.attempts))
                    failed += 1
                else:
                    row.sent_at = self.now()
                    sent += 1
        return {"sent": sent, "failed": failed}

    def verify_chains(self) -> dict[str, Any]:
        with self.db.session() as s:
            t = chain.verify(s.scalars(select(TransitionRow).order_by(TransitionRow.id)),
                             _transition_fields)
            a = chain.verify(s.scalars(select(Audit).order_by(Audit.id)), _audit_fields)
        return {"transitions": t.to_dict(), "audit": a.to_dict()}


def _transition_fields(r: TransitionRow) -> dict[str, Any]:
    return {"number": r.number, "event": r.event, "source": r.source, "target": r.target,
            "actor": r.actor, "who": r.who, "at": chain.iso(r.at), "reasons": r.reasons}


def _audit_fields(r: Audit) -> dict[str, Any]:
    return {"at": chain.iso(r.at), "who": r.who, "role": r.role, "action": r.action,
            "number": r.number, "detail": r.detail}


def _readable(doc: Document) -> bool:
    checks = json.loads(doc.checks)
    return any(c["code"] == "file_type" and c["passed"] for c in checks)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _advisory_lock() -> Any:
    from sqlalchemy import func

    return func.pg_advisory_xact_lock(0x61705F6C6F67)  # "ap_log"
