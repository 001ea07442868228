"""The tables of the applications platform (SQLAlchemy 2, typed ORM; prefix ``ap_``).

``ap_applications``   one row per application: number, measure, status, the columns the
                      queue sorts and filters by (due date, claimed by, pay-by date), the
                      hash of the applicant's secret, a keyed hash of the identity number
                      (for recovery) and the application itself (applicant, facts,
                      delivery) as an AES-GCM ciphertext. No personal data in clear.
``ap_documents``      the uploads, one per kind (a re-upload replaces it): encrypted bytes,
                      their SHA-256, size, type, and the photo check's results.
``ap_transitions``    every step of the workflow with who, when and why; hash-chained over
                      the whole table (:mod:`churujing.services.common.chain`).
``ap_payments``       payments started and their provider's references; the provider's
                      callback event ids, so that a repeated callback changes nothing.
``ap_idempotency``    a client's ``Idempotency-Key`` (hashed) -> the first answer (encrypted).
``ap_outbox``         notifications to send (encrypted: address and text), sent at least
                      once by the scheduler: the durable outbox.
``ap_recovery``       recovery codes sent to the applicant's phone (hashed), with expiry.

Times are UTC (timezone-aware columns).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from churujing.services.common.models import metadata

__all__ = ["Application", "Audit", "Base", "Document", "Idempotency", "Outbox", "Payment",
           "Recovery", "TransitionRow"]


class Base(DeclarativeBase):
    metadata = metadata()


class Application(Base):
    __tablename__ = "ap_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    measure: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(24), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    hash_kid: Mapped[str] = mapped_column(String(40))
    kid: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    document: Mapped[str] = mapped_column(String(20))
    hukou_code: Mapped[str] = mapped_column(String(6))
    delivery: Mapped[str] = mapped_column(String(10))
    identity_status: Mapped[str] = mapped_column(String(12))
    fee: Mapped[int] = mapped_column(Integer)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    pay_by: Mapped[date | None] = mapped_column(Date, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Document(Base):
    __tablename__ = "ap_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("ap_applications.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[bool] = mapped_column(Boolean)
    checks: Mapped[str] = mapped_column(Text)  # JSON: the checks (no personal data)
    kid: Mapped[str] = mapped_column(String(40))
    blob: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("application_id", "kind",
                                       name="uq_ap_documents_application_kind"),)


class TransitionRow(Base):
    __tablename__ = "ap_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("ap_applications.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(24))
    target: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(12))
    who: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reasons: Mapped[str] = mapped_column(Text)  # JSON list
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))


class Payment(Base):
    __tablename__ = "ap_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("ap_applications.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))  # pending | paid | failed
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Idempotency(Base):
    __tablename__ = "ap_idempotency"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kid: Mapped[str] = mapped_column(String(40))
    response: Mapped[bytes] = mapped_column(LargeBinary)


class Outbox(Base):
    __tablename__ = "ap_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("ap_applications.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    kid: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (Index("ix_ap_outbox_pending", "sent_at", "next_at"),)


class Recovery(Base):
    __tablename__ = "ap_recovery"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("ap_applications.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Audit(Base):
    """Officers' actions that change no state (views, claims, document reads), hash-chained."""

    __tablename__ = "ap_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    who: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
