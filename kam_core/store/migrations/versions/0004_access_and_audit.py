"""Access and audit: the roles given to e-mail addresses, and the trail of every change.

``role_grant`` holds who may read, edit or administer once sign-in is on; ``audit_entry`` holds
one row per changed record (who, when, which fields, old and new values), written in the same
transaction as the change. Both are new tables: existing rows are not touched.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="ck_role_grant_role"),
        sa.PrimaryKeyConstraint("id", name="pk_role_grant"),
        sa.UniqueConstraint("email", name="uq_role_grant_email"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("changes", sa.String(), nullable=False),
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="ck_audit_entry_action"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_account_at", "audit_entry", ["account_id", "at"], unique=False)
    op.create_index("ix_audit_entry_record", "audit_entry", ["table_name", "record_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_entry_record", table_name="audit_entry")
    op.drop_index("ix_audit_entry_account_at", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_table("role_grant")
