"""Alembic environment of the applications platform, run programmatically
(:meth:`churujing.services.common.db.Database.migrate`). The caller passes an open
connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from churujing.services.applications.models import Base

VERSION_TABLE = "ap_alembic_version"

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached through Database.migrate()
    raise RuntimeError("run migrations through churujing.services.common.db.Database")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
