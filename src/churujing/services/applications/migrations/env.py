"""Alembic environment of the applications platform, run programmatically
(:meth:`churujing.services.common.db.Database.migrate`): the shared
:func:`~churujing.services.common.db.run_migrations` with this service's tables and
version table."""

from __future__ import annotations

from churujing.services.applications.models import Base
from churujing.services.common.db import run_migrations

VERSION_TABLE = "ap_alembic_version"

run_migrations(Base.metadata, VERSION_TABLE)
