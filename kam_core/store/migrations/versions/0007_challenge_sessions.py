"""Challenge sessions: the peer reviews of an account plan and what the reviewers raised.

``challenge_session`` holds one review of one account (who opened it and when, when it was closed
and by whom, the summary written at the close); ``challenge_item`` its questions, challenges and
recommendations, a recommendation ending as an action of the account or rejected with a reason.
Both are new tables: existing rows are not touched (kam_core.account.challenge).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _versioned() -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "challenge_session",
        *_versioned(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("opened_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("opened_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.CheckConstraint("closed_at IS NULL OR closed_by IS NOT NULL", name="ck_challenge_session_closed_by"),
        sa.CheckConstraint("length(trim(title)) > 0", name="ck_challenge_session_title"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name="fk_challenge_session_account_id_account", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_challenge_session"),
    )
    op.create_index("ix_challenge_session_account_id", "challenge_session", ["account_id"], unique=False)
    op.create_table(
        "challenge_item",
        *_versioned(),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint("kind IN ('question', 'challenge', 'recommendation')", name="ck_challenge_item_kind"),
        sa.CheckConstraint(
            "outcome IS NULL OR (kind = 'recommendation' AND outcome IN ('action', 'rejected'))",
            name="ck_challenge_item_outcome",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome <> 'action' OR (owner IS NOT NULL AND due_date IS NOT NULL)",
            name="ck_challenge_item_action",
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome <> 'rejected' OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
            name="ck_challenge_item_reason",
        ),
        sa.CheckConstraint("length(trim(text)) > 0", name="ck_challenge_item_text"),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name="fk_challenge_item_action_id_action", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["challenge_session.id"],
            name="fk_challenge_item_session_id_challenge_session",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_challenge_item"),
    )
    op.create_index("ix_challenge_item_session_id", "challenge_item", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_challenge_item_session_id", table_name="challenge_item")
    op.drop_table("challenge_item")
    op.drop_index("ix_challenge_session_account_id", table_name="challenge_session")
    op.drop_table("challenge_session")
