"""Alembic migrations of the arrival-card service (run through ``db.Database.migrate``)."""
