"""What the services' tables share (SQLAlchemy 2, typed ORM).

Each service keeps its own tables, prefix (``ac_``, ``ap_``), metadata and migrations:
:func:`metadata` gives each its naming convention. The tables of the shared officer
accounts and their audit log are declared here as mixins (columns only): a service binds
them to its table names and metadata (the arrival card's ``ac_officers``,
``ac_officer_tokens`` and ``ac_audit``, which its migrations made), so that the shared
code (:mod:`.accounts`, :mod:`.audit`) works over the tables it is given and existing
databases keep their schema unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["NAMING", "AuditColumns", "OfficerColumns", "OfficerTokenColumns", "metadata"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def metadata() -> MetaData:
    """A service's metadata, with the services' naming convention."""
    return MetaData(naming_convention=NAMING)


class _Row:
    if TYPE_CHECKING:  # the declarative constructor of the concrete class
        def __init__(self, **kwargs: Any) -> None: ...


class OfficerColumns(_Row):
    """An officer account: argon2 password hash, role (:data:`.roles.ROLES`)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # officer | operator | reviewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OfficerTokenColumns(_Row):
    """An officer's API token (or web session), stored as its SHA-256, with expiry. The
    concrete class adds ``officer_id``, the foreign key to its officers' table."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    if TYPE_CHECKING:
        officer_id: Mapped[int]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(60), default="")


class AuditColumns(_Row):
    """One row of the officers' audit log: who did what, when, from which address, and
    what was found; hash-chained (:mod:`.audit`)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    officer_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(Text)  # no personal data in clear: its keyed hash
    found: Mapped[str] = mapped_column(Text)  # record numbers, comma-separated
    via: Mapped[str] = mapped_column(String(20))  # api | web | cli
    address: Mapped[str] = mapped_column(String(64), default="")  # the client's address
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")
