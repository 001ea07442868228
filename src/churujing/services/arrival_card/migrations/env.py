"""Alembic environment of the arrival-card service, run programmatically (see ``db.py``):
the shared :func:`~churujing.services.common.db.run_migrations` with this service's
tables and version table."""

from __future__ import annotations

from churujing.services.arrival_card.db import VERSION_TABLE
from churujing.services.arrival_card.models import Base
from churujing.services.common.db import run_migrations

run_migrations(Base.metadata, VERSION_TABLE)
