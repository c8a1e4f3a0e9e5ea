"""The programme as a business case: its ambition and targets, the inputs of its return on investment
(organic growth, margins, KAMs' and executives' costs, other yearly costs), the key-account budget line
and the company's yearly calendar; per account, the year it entered the programme and its revenue
ambition per year.

Existing rows keep their values: every added column is nullable or has a server default (the
programme's defaults below), so a user's database upgrades in place. New tables start empty.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MEETING_HOURS = '{"call": 1, "event": 6, "meeting": 3, "qbr": 4, "visit": 8}'
METRICS = (
    "strategic_revenue_share",
    "strategic_growth_ratio",
    "handshake_coverage",
    "sponsor_coverage",
    "plans_filled",
    "strategic_per_kam",
    "custom",
)


def _text(name: str, default: str | None = None, length: int | None = None) -> sa.Column:
    kind = sqlmodel.sql.sqltypes.AutoString(length=length) if length else sqlmodel.sql.sqltypes.AutoString()
    return sa.Column(name, kind, nullable=default is None, server_default=default)


def _number(name: str, default: float) -> sa.Column:
    return sa.Column(name, sa.Float(), nullable=False, server_default=sa.text(repr(float(default))))


def _versioned() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(_text("ambition"))
        batch_op.add_column(_text("final_ambition"))
        batch_op.add_column(sa.Column("start_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("horizon_years", sa.Integer(), nullable=False, server_default=sa.text("5")))
        batch_op.add_column(_number("organic_growth_pct", 3.0))
        batch_op.add_column(_number("default_margin_pct", 25.0))
        batch_op.add_column(_number("kam_yearly_cost", 150000.0))
        batch_op.add_column(_number("kam_share_pct", 80.0))
        batch_op.add_column(_number("executive_hour_cost", 250.0))
        batch_op.add_column(_text("meeting_hours", MEETING_HOURS))
        batch_op.add_column(_number("tools_cost", 30000.0))
        batch_op.add_column(_number("training_cost", 40000.0))
        batch_op.add_column(_number("events_cost", 60000.0))
        batch_op.add_column(sa.Column("budget_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("budget_amount", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("strategic_plan_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("budget_on", sa.Date(), nullable=True))
        batch_op.add_column(_text("cycle_offsets", "{}"))
        batch_op.create_check_constraint(
            "ck_programme_start_year", "start_year IS NULL OR (start_year >= 1990 AND start_year <= 2100)"
        )
        batch_op.create_check_constraint("ck_programme_horizon", "horizon_years >= 3 AND horizon_years <= 10")
        batch_op.create_check_constraint(
            "ck_programme_organic_growth", "organic_growth_pct >= -50 AND organic_growth_pct <= 100"
        )
        batch_op.create_check_constraint(
            "ck_programme_default_margin", "default_margin_pct >= -100 AND default_margin_pct <= 100"
        )
        batch_op.create_check_constraint("ck_programme_kam_cost", "kam_yearly_cost >= 0")
        batch_op.create_check_constraint("ck_programme_kam_share", "kam_share_pct >= 0 AND kam_share_pct <= 100")
        batch_op.create_check_constraint("ck_programme_executive_hour_cost", "executive_hour_cost >= 0")
        batch_op.create_check_constraint(
            "ck_programme_costs", "tools_cost >= 0 AND training_cost >= 0 AND events_cost >= 0"
        )
        batch_op.create_check_constraint(
            "ck_programme_budget_year", "budget_year IS NULL OR (budget_year >= 1990 AND budget_year <= 2100)"
        )
        batch_op.create_check_constraint("ck_programme_budget_amount", "budget_amount IS NULL OR budget_amount >= 0")
    with op.batch_alter_table("kam", schema=None) as batch_op:
        batch_op.add_column(sa.Column("yearly_cost", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("programme_share_pct", sa.Float(), nullable=True))
        batch_op.create_check_constraint("ck_kam_yearly_cost", "yearly_cost IS NULL OR yearly_cost >= 0")
        batch_op.create_check_constraint(
            "ck_kam_programme_share",
            "programme_share_pct IS NULL OR (programme_share_pct >= 0 AND programme_share_pct <= 100)",
        )
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_since", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "ck_account_programme_since",
            "programme_since IS NULL OR (programme_since >= 1990 AND programme_since <= 2100)",
        )
    op.create_table(
        "revenue_ambition",
        *_versioned(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.CheckConstraint("year >= 1990 AND year <= 2100", name="ck_revenue_ambition_year"),
        sa.CheckConstraint("amount >= 0", name="ck_revenue_ambition_amount"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_revenue_ambition_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revenue_ambition")),
        sa.UniqueConstraint("account_id", "year", name="uq_revenue_ambition"),
    )
    op.create_index(op.f("ix_revenue_ambition_account_id"), "revenue_ambition", ["account_id"], unique=False)
    op.create_table(
        "programme_target",
        *_versioned(),
        sa.Column("metric", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "metric IN (" + ", ".join(f"'{metric}'" for metric in METRICS) + ")", name="ck_programme_target_metric"
        ),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_programme_target_name"),
        sa.CheckConstraint(
            "baseline_year >= 1990 AND baseline_year <= 2100", name="ck_programme_target_baseline_year"
        ),
        sa.CheckConstraint("target_year > baseline_year AND target_year <= 2100", name="ck_programme_target_years"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_target")),
    )
    op.create_table(
        "target_actual",
        *_versioned(),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.CheckConstraint("year >= 1990 AND year <= 2100", name="ck_target_actual_year"),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["programme_target.id"],
            name=op.f("fk_target_actual_target_id_programme_target"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_actual")),
        sa.UniqueConstraint("target_id", "year", name="uq_target_actual"),
    )
    op.create_index(op.f("ix_target_actual_target_id"), "target_actual", ["target_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_target_actual_target_id"), table_name="target_actual")
    op.drop_table("target_actual")
    op.drop_table("programme_target")
    op.drop_index(op.f("ix_revenue_ambition_account_id"), table_name="revenue_ambition")
    op.drop_table("revenue_ambition")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint("ck_account_programme_since", type_="check")
        batch_op.drop_column("programme_since")
    with op.batch_alter_table("kam", schema=None) as batch_op:
        batch_op.drop_constraint("ck_kam_programme_share", type_="check")
        batch_op.drop_constraint("ck_kam_yearly_cost", type_="check")
        batch_op.drop_column("programme_share_pct")
        batch_op.drop_column("yearly_cost")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        for name in (
            "ck_programme_budget_amount",
            "ck_programme_budget_year",
            "ck_programme_costs",
            "ck_programme_executive_hour_cost",
            "ck_programme_kam_share",
            "ck_programme_kam_cost",
            "ck_programme_default_margin",
            "ck_programme_organic_growth",
            "ck_programme_horizon",
            "ck_programme_start_year",
        ):
            batch_op.drop_constraint(name, type_="check")
        for name in (
            "cycle_offsets",
            "budget_on",
            "strategic_plan_on",
            "budget_amount",
            "budget_year",
            "events_cost",
            "training_cost",
            "tools_cost",
            "meeting_hours",
            "executive_hour_cost",
            "kam_share_pct",
            "kam_yearly_cost",
            "default_margin_pct",
            "organic_growth_pct",
            "horizon_years",
            "start_year",
            "final_ambition",
            "ambition",
        ):
            batch_op.drop_column(name)
