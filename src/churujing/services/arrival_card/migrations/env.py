"""Alembic environment of the arrival-card service, run programmatically (see ``db.py``).

The caller passes an open connection in ``config.attributes["connection"]``; offline
(SQL script) mode is not used.
"""

from __future__ import annotations

from alembic import context

from churujing.services.arrival_card.db import VERSION_TABLE
from churujing.services.arrival_card.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached through Database.migrate()
    raise RuntimeError("run migrations through churujing.services.arrival_card.db.Database")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
