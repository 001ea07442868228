"""One valid filing per passport, nationality and arrival date: earlier duplicates are
marked superseded, then a partial unique index keeps it so.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Keep the latest of each duplicate set valid (the status only: their versions stay).
    op.execute(sa.text("""
        UPDATE ac_filings SET status = 'superseded'
        WHERE status = 'filed' AND EXISTS (
            SELECT 1 FROM ac_filings AS later
            WHERE later.status = 'filed' AND later.passport_hash = ac_filings.passport_hash
              AND later.nationality = ac_filings.nationality
              AND later.arrival_date = ac_filings.arrival_date AND later.id > ac_filings.id)
    """))
    op.create_index("uq_ac_filings_one_valid", "ac_filings",
                    ["passport_hash", "nationality", "arrival_date"], unique=True,
                    sqlite_where=sa.text("status = 'filed'"),
                    postgresql_where=sa.text("status = 'filed'"))


def downgrade() -> None:
    op.drop_index("uq_ac_filings_one_valid", table_name="ac_filings")
