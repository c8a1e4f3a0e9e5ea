"""Workshops: a session (title, quarter, facilitator, join code, the step the room is on), its agenda
(accounts in order with a time box, what the room committed and decided), the participants who joined
with the code, their votes (one row per participant, account and criterion) and the actions decided.

New tables only: existing rows are not touched. The votes and the participants are written by any role
(``kam_core.governance.access.VOTER_TABLES``) and stay out of the audit trail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshop_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("facilitator", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("join_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("step_started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "length(period) = 7 AND substr(period, 5, 2) = '-Q' AND substr(period, 7, 1) IN ('1', '2', '3', '4')",
            name="ck_workshop_session_period",
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_workshop_session_status"),
        sa.CheckConstraint("length(join_code) = 6", name="ck_workshop_session_code"),
        sa.CheckConstraint("length(trim(title)) > 0", name="ck_workshop_session_title"),
        sa.CheckConstraint("position IS NULL OR position >= 0", name="ck_workshop_session_position"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_session")),
        sa.UniqueConstraint("join_code", name=op.f("uq_workshop_session_join_code")),
    )
    op.create_table(
        "workshop_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("joined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_workshop_participant_name"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_workshop_participant_session_id_workshop_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_participant")),
        sa.UniqueConstraint("session_id", "name_key", name="uq_workshop_participant_name"),
        sa.UniqueConstraint("token", name=op.f("uq_workshop_participant_token")),
    )
    op.create_index(op.f("ix_workshop_participant_session_id"), "workshop_participant", ["session_id"], unique=False)
    op.create_table(
        "workshop_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("seconds_spent", sa.Float(), nullable=False),
        sa.Column("attractiveness_before", sa.Float(), nullable=True),
        sa.Column("strength_before", sa.Float(), nullable=True),
        sa.Column("segment_before", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("committed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("committed_scores", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("segment_after", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('confirmed', 'changed')", name="ck_workshop_item_decision"
        ),
        sa.CheckConstraint(
            "segment_after IS NULL OR segment_after IN ('strategic', 'develop', 'maintain', 'opportunistic')",
            name="ck_workshop_item_after",
        ),
        sa.CheckConstraint(
            "segment_before IS NULL OR segment_before IN ('strategic', 'develop', 'maintain', 'opportunistic')",
            name="ck_workshop_item_before",
        ),
        sa.CheckConstraint("minutes >= 1 AND minutes <= 120", name="ck_workshop_item_minutes"),
        sa.CheckConstraint("position >= 0", name="ck_workshop_item_position"),
        sa.CheckConstraint("seconds_spent >= 0", name="ck_workshop_item_seconds"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_workshop_item_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_workshop_item_session_id_workshop_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_item")),
        sa.UniqueConstraint("session_id", "account_id", name="uq_workshop_item_account"),
    )
    op.create_index(op.f("ix_workshop_item_account_id"), "workshop_item", ["account_id"], unique=False)
    op.create_index(op.f("ix_workshop_item_session_id"), "workshop_item", ["session_id"], unique=False)
    op.create_table(
        "workshop_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("voted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("value >= 0 AND value <= 10", name="ck_workshop_vote_value"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_workshop_vote_account_id_account"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_workshop_vote_criterion_id_criterion"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["workshop_participant.id"],
            name=op.f("fk_workshop_vote_participant_id_workshop_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_workshop_vote_session_id_workshop_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_vote")),
        sa.UniqueConstraint("session_id", "account_id", "criterion_id", "participant_id", name="uq_workshop_vote"),
    )
    op.create_index(op.f("ix_workshop_vote_participant_id"), "workshop_vote", ["participant_id"], unique=False)
    op.create_index(op.f("ix_workshop_vote_session_id"), "workshop_vote", ["session_id"], unique=False)
    op.create_table(
        "workshop_action",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_workshop_action_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["workshop_item.id"], name=op.f("fk_workshop_action_item_id_workshop_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("item_id", "action_id", name=op.f("pk_workshop_action")),
    )
    op.create_index(op.f("ix_workshop_action_action_id"), "workshop_action", ["action_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_workshop_action_action_id"), table_name="workshop_action")
    op.drop_table("workshop_action")
    op.drop_index(op.f("ix_workshop_vote_session_id"), table_name="workshop_vote")
    op.drop_index(op.f("ix_workshop_vote_participant_id"), table_name="workshop_vote")
    op.drop_table("workshop_vote")
    op.drop_index(op.f("ix_workshop_item_session_id"), table_name="workshop_item")
    op.drop_index(op.f("ix_workshop_item_account_id"), table_name="workshop_item")
    op.drop_table("workshop_item")
    op.drop_index(op.f("ix_workshop_participant_session_id"), table_name="workshop_participant")
    op.drop_table("workshop_participant")
    op.drop_table("workshop_session")
