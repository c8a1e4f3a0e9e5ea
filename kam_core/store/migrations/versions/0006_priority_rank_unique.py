"""A priority's rank once per account: existing duplicates renumbered, then a unique index.

Ranks were checked only against the rows a save submitted, before the write: two people adding a
priority at once could both store rank 6, and from then on every save of the section was refused
("duplicate rank"). Saves now renumber the section inside their write (ranks are positions,
``kam_core.account.sections.positions``) and the database holds each rank once per account.

Before the constraint, each account's priorities are renumbered 1..n in the order they showed
(rank, then id): a rank two rows shared becomes two neighbouring places, gaps close. A renumbered
row's version moves on (an editor who read it before the migration reloads before saving it).
The downgrade drops the constraint and keeps the ranks as renumbered.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def renumber_priorities(connection) -> int:
    """Renumber each account's priorities 1..n by (rank, id); returns how many rows changed."""
    rows = connection.execute(sa.text("SELECT id, account_id, rank FROM priority ORDER BY account_id, rank, id")).all()
    changes, account, position = [], None, 0
    for identifier, account_id, rank in rows:
        position = position + 1 if account_id == account else 1
        account = account_id
        if rank != position:
            changes.append({"id": identifier, "rank": position})
    if changes:
        connection.execute(
            sa.text("UPDATE priority SET rank = :rank, version = version + 1 WHERE id = :id"), changes
        )
    return len(changes)


def upgrade() -> None:
    renumber_priorities(op.get_bind())
    # a unique index, not a table constraint: SQLite adds it in place, where a constraint would copy
    # the table (batch mode), and would write its other constraints in an order that varies by run
    op.create_index("uq_priority_rank", "priority", ["account_id", "rank"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_priority_rank", table_name="priority")
