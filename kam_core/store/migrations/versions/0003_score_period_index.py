"""Scores by quarter: an index that holds what the segments of a quarter read.

The segments of a quarter (every account's weighted axis scores) read each score of the quarter:
with the index on ``period`` alone, one lookup into the table per score (120,000 at 10,000
accounts). This index holds period, account, criterion and value, so the database answers from
the index alone, in account order (the grouping's order). It replaces ``ix_score_period``, which
it starts with.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index("ix_score_period_account", ["period", "account_id", "criterion_id", "value"],
                              unique=False)
        batch_op.drop_index("ix_score_period")


def downgrade() -> None:
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index("ix_score_period", ["period"], unique=False)
        batch_op.drop_index("ix_score_period_account")
