"""Initial schema of the arrival-card service (see models.py).

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ac_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("found", sa.Text(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ac_audit")),
    )
    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ac_audit_at"), ["at"], unique=False)

    op.create_table(
        "ac_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("group_id", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("passport_hash", sa.String(length=64), nullable=False),
        sa.Column("hash_kid", sa.String(length=40), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=False),
        sa.Column("port", sa.String(length=40), nullable=False),
        sa.Column("exemption", sa.String(length=40), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ac_filings")),
        sa.UniqueConstraint("number", name=op.f("uq_ac_filings_number")),
    )
    with op.batch_alter_table("ac_filings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ac_filings_arrival_date"), ["arrival_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ac_filings_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_ac_filings_passport_hash", ["passport_hash"], unique=False)

    op.create_table(
        "ac_idempotency",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kid", sa.String(length=40), nullable=False),
        sa.Column("response", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_ac_idempotency")),
    )
    with op.batch_alter_table("ac_idempotency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ac_idempotency_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "ac_officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ac_officers")),
        sa.UniqueConstraint("username", name=op.f("uq_ac_officers_username")),
    )
    op.create_table(
        "ac_filing_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("kid", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["ac_filings.id"],
            name=op.f("fk_ac_filing_versions_filing_id_ac_filings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ac_filing_versions")),
        sa.UniqueConstraint("filing_id", "version", name="uq_ac_filing_versions_filing_version"),
    )
    op.create_table(
        "ac_officer_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["ac_officers.id"],
            name=op.f("fk_ac_officer_tokens_officer_id_ac_officers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ac_officer_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ac_officer_tokens_token_hash")),
    )
    with op.batch_alter_table("ac_officer_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ac_officer_tokens_officer_id"), ["officer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ac_officer_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ac_officer_tokens_officer_id"))

    op.drop_table("ac_officer_tokens")
    op.drop_table("ac_filing_versions")
    op.drop_table("ac_officers")
    with op.batch_alter_table("ac_idempotency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ac_idempotency_created_at"))

    op.drop_table("ac_idempotency")
    with op.batch_alter_table("ac_filings", schema=None) as batch_op:
        batch_op.drop_index("ix_ac_filings_passport_hash")
        batch_op.drop_index(batch_op.f("ix_ac_filings_group_id"))
        batch_op.drop_index(batch_op.f("ix_ac_filings_arrival_date"))

    op.drop_table("ac_filings")
    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ac_audit_at"))

    op.drop_table("ac_audit")
