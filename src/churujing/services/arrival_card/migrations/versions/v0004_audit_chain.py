"""The audit log hash-chained and append-only (see ``audit.py``).

Existing rows are chained in id order; then triggers refuse UPDATE and DELETE of audit
rows (SQLite and PostgreSQL; TRUNCATE too on PostgreSQL, where the privileges to update,
delete and truncate are also revoked from PUBLIC).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ac_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ac_audit is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    from churujing.services.arrival_card.audit import GENESIS, row_hash

    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=False,
                                      server_default=""))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, at, officer_id, username, action, query, found, via, address "
        "FROM ac_audit ORDER BY id")).fetchall()
    prev = GENESIS
    for r in rows:
        moment = datetime.fromisoformat(r.at) if isinstance(r.at, str) else r.at  # SQLite: text
        h = row_hash(prev, at=moment, officer_id=r.officer_id, username=r.username,
                     action=r.action, query=r.query, found=r.found, via=r.via,
                     address=r.address)
        bind.execute(sa.text("UPDATE ac_audit SET prev_hash = :p, row_hash = :h WHERE id = :i"),
                     {"p": prev, "h": h, "i": r.id})
        prev = h
    if bind.dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER ac_audit_no_change BEFORE UPDATE OR DELETE ON ac_audit "
                   "FOR EACH ROW EXECUTE FUNCTION ac_audit_append_only()")
        op.execute("CREATE TRIGGER ac_audit_no_truncate BEFORE TRUNCATE ON ac_audit "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ac_audit_append_only()")
        op.execute("REVOKE UPDATE, DELETE, TRUNCATE ON ac_audit FROM PUBLIC")
    else:
        op.execute("CREATE TRIGGER ac_audit_no_update BEFORE UPDATE ON ac_audit "
                   "BEGIN SELECT RAISE(ABORT, 'ac_audit is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER ac_audit_no_delete BEFORE DELETE ON ac_audit "
                   "BEGIN SELECT RAISE(ABORT, 'ac_audit is append-only: DELETE refused'); END")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ac_audit_no_change ON ac_audit")
        op.execute("DROP TRIGGER IF EXISTS ac_audit_no_truncate ON ac_audit")
        op.execute("DROP FUNCTION IF EXISTS ac_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ac_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS ac_audit_no_delete")
    with op.batch_alter_table("ac_audit", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
