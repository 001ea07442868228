"""The database tables of the arrival-card service (SQLAlchemy 2, typed ORM).

``ac_filings``            one row per traveller: the filing number, its group, the status,
                          the columns officers search by (nationality, keyed hash of the
                          passport number, arrival date and port) and the hash of the
                          filer's secret. No personal data in clear.
``ac_filing_versions``    every version of a filing (filed, amended, cancelled) with its
                          time; the card itself is an AES-GCM ciphertext.
``ac_idempotency``        a client's ``Idempotency-Key`` (hashed) -> the first answer
                          (encrypted: it holds the filer's secrets).
``ac_officers``           officer accounts: argon2 password hash, role.
``ac_officer_tokens``     officers' API tokens, stored as SHA-256 hashes, with expiry.
``ac_audit``              who looked up what, when, from which address, and what was
                          found; every log-in attempt; hash-chained and append-only.

The last three are the services' shared officer accounts and their audit log: their
columns are declared once in :mod:`churujing.services.common.models` and bound here to
the tables this service's migrations made (both services use them).

Times are UTC (timezone-aware columns).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from churujing.services.common.models import (
    AuditColumns,
    OfficerColumns,
    OfficerTokenColumns,
    metadata,
)

__all__ = ["Audit", "Base", "Filing", "FilingVersion", "Idempotency", "Officer", "OfficerToken"]


class Base(DeclarativeBase):
    metadata = metadata()


class Filing(Base):
    __tablename__ = "ac_filings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    group_id: Mapped[str | None] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(12))  # filed | cancelled | superseded
    nationality: Mapped[str] = mapped_column(String(2))
    passport_hash: Mapped[str] = mapped_column(String(64))
    hash_kid: Mapped[str] = mapped_column(String(40))
    arrival_date: Mapped[date] = mapped_column(Date, index=True)
    port: Mapped[str] = mapped_column(String(40))
    exemption: Mapped[str | None] = mapped_column(String(40))
    secret_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    versions: Mapped[list[FilingVersion]] = relationship(
        back_populates="filing", cascade="all, delete-orphan", passive_deletes=True,
        order_by="FilingVersion.version")

    __table_args__ = (
        Index("ix_ac_filings_passport_hash", "passport_hash"),
        # one valid filing per traveller and arrival (see ArrivalCardService._supersede)
        Index("uq_ac_filings_one_valid", "passport_hash", "nationality", "arrival_date",
              unique=True, sqlite_where=text("status = 'filed'"),
              postgresql_where=text("status = 'filed'")),
    )


class FilingVersion(Base):
    __tablename__ = "ac_filing_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    filing_id: Mapped[int] = mapped_column(ForeignKey("ac_filings.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # filed | amended | cancelled | superseded
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(40))
    kid: Mapped[str] = mapped_column(String(40))
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    filing: Mapped[Filing] = relationship(back_populates="versions")

    __table_args__ = (Unique("filing_id", "version", name="uq_ac_filing_versions_filing_version"),)


class Idempotency(Base):
    __tablename__ = "ac_idempotency"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    kid: Mapped[str] = mapped_column(String(40))
    response: Mapped[bytes] = mapped_column(LargeBinary)


class Officer(OfficerColumns, Base):
    __tablename__ = "ac_officers"


class OfficerToken(OfficerTokenColumns, Base):
    __tablename__ = "ac_officer_tokens"

    officer_id: Mapped[int] = mapped_column(ForeignKey("ac_officers.id", ondelete="CASCADE"),
                                            index=True)


class Audit(AuditColumns, Base):
    __tablename__ = "ac_audit"

    __table_args__ = (Index("ix_ac_audit_username_at", "username", "at"),)
