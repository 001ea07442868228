"""Alembic revisions of the arrival-card service."""
