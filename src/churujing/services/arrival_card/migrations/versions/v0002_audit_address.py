"""The client's address in the audit log; an index for the log-in lockout.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.create_index("ix_ac_audit_username_at", ["username", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_ac_audit_username_at")
        batch_op.drop_column("address")
