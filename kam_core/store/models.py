"""The whole domain schema of the KAM programme, as SQLModel tables.

Every editable table carries ``id``, ``version`` (optimistic locking: a stale
update raises ``StaleDataError``), ``created_at`` and ``updated_at``.
Ranges, enumerations, uniqueness and foreign keys are enforced by the database
itself through constraints, not only by forms.

Enumerations are stored as short lowercase codes; their labels live in the
FR/EN catalogs (``kam_core/i18n``) under ``enum.<name>.<code>``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

# Every constraint and index gets a predictable name, so that migrations can alter them later
# (SQLite's batch mode needs named constraints).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- enumerations (codes) ---------------------------------------------------------------------

ACCOUNT_STATUSES = ("prospect", "active", "archived")
AXES = ("attractiveness", "strength")
SWOT_KINDS = ("strength", "weakness", "opportunity", "threat")
BUYING_ROLES = ("decision_maker", "approver", "influencer", "user", "buyer", "gatekeeper", "champion")
# attitude to us, -2 .. +2
ATTITUDES = {-2: "opponent", -1: "sceptic", 0: "neutral", 1: "supporter", 2: "champion"}
UNIT_KINDS = ("division", "site", "country")
WHITE_SPACE_STATUSES = ("sold", "open", "competitor", "not_relevant")
OBJECTIVE_KINDS = ("revenue", "share_of_wallet", "relationship", "co_innovation")
OBJECTIVE_STATUSES = ("not_started", "on_track", "at_risk", "achieved", "missed")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
HANDSHAKE_STAGES = ("draft", "internally_reviewed", "presented", "agreed", "in_review")
COMMITMENT_SIDES = ("ours", "theirs")
COMMITMENT_STATUSES = ("open", "in_progress", "done", "dropped")
ENGAGEMENT_KINDS = ("meeting", "visit", "call", "event", "qbr")
ENGAGEMENT_STATUSES = ("planned", "held", "cancelled")
CHALLENGE_ITEM_KINDS = ("question", "challenge", "recommendation")
CHALLENGE_OUTCOMES = ("action", "rejected")  # what a recommendation became
# The programme's meeting hours by engagement kind, as stored when nobody changed them (JSON text)
DEFAULT_MEETING_HOURS = '{"call": 1, "event": 6, "meeting": 3, "qbr": 4, "visit": 8}'

# Statuses that mean "nothing left to do" (for overdue computations).
CLOSED_ACTION_STATUSES = ("done", "cancelled")
CLOSED_COMMITMENT_STATUSES = ("done", "dropped")


def _in(column: str, values) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


def _between(column: str, low, high, nullable: bool = False) -> str:
    check = f"{column} >= {low} AND {column} <= {high}"
    return f"{column} IS NULL OR ({check})" if nullable else check


# Period codes look like 2026-Q3; written with substr/length so that SQLite and PostgreSQL agree.
PERIOD_CHECK = "length(period) = 7 AND substr(period, 5, 2) = '-Q' AND substr(period, 7, 1) IN ('1', '2', '3', '4')"


class Versioned(SQLModel):
    """Columns every editable table shares; ``version`` drives optimistic locking."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False, sa_column_kwargs={"onupdate": utcnow})

    @declared_attr
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy declared attribute
        return {"version_id_col": cls.__table__.c.version}


# --- programme and reference data -------------------------------------------------------------


class Programme(Versioned, table=True):
    """Programme settings: a single row (id = 1)."""

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_programme_single_row"),
        CheckConstraint(_between("attractiveness_threshold", 0, 10), name="ck_programme_attr_threshold"),
        CheckConstraint(_between("strength_threshold", 0, 10), name="ck_programme_strength_threshold"),
        CheckConstraint(_between("strategic_capacity", 1, 500), name="ck_programme_capacity"),
        CheckConstraint(_between("accounts_per_kam", 1, 50), name="ck_programme_accounts_per_kam"),
        CheckConstraint(PERIOD_CHECK.replace("period", "current_period"), name="ck_programme_period"),
        CheckConstraint("length(currency) = 3", name="ck_programme_currency"),
        CheckConstraint(_between("start_year", 1990, 2100, nullable=True), name="ck_programme_start_year"),
        CheckConstraint(_between("horizon_years", 3, 10), name="ck_programme_horizon"),
        CheckConstraint(_between("organic_growth_pct", -50, 100), name="ck_programme_organic_growth"),
        CheckConstraint(_between("default_margin_pct", -100, 100), name="ck_programme_default_margin"),
        CheckConstraint("kam_yearly_cost >= 0", name="ck_programme_kam_cost"),
        CheckConstraint(_between("kam_share_pct", 0, 100), name="ck_programme_kam_share"),
        CheckConstraint("executive_hour_cost >= 0", name="ck_programme_executive_hour_cost"),
        CheckConstraint("tools_cost >= 0 AND training_cost >= 0 AND events_cost >= 0", name="ck_programme_costs"),
        CheckConstraint(_between("budget_year", 1990, 2100, nullable=True), name="ck_programme_budget_year"),
        CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="ck_programme_budget_amount"),
    )

    name: str = Field(max_length=120)
    currency: str = Field(default="EUR", max_length=3)
    current_period: str = Field(max_length=7)
    attractiveness_threshold: float = Field(default=5.0)
    strength_threshold: float = Field(default=5.0)
    strategic_capacity: int = Field(default=35)
    accounts_per_kam: int = Field(default=4)
    # --- the programme as a business case (migration 0009): ambition, ROI inputs, budget, yearly cycle ---
    ambition: str | None = None  # the company's ambition for its key accounts, a few lines
    final_ambition: str | None = None  # value co-creation: the relationship aimed at, beyond selling more
    start_year: int | None = None  # the programme's first year; its ROI's year 0 is the year before
    horizon_years: int = Field(default=5)  # years of the ROI from start_year on (3-10)
    organic_growth_pct: float = Field(default=3.0)  # the company's organic growth, % a year
    default_margin_pct: float = Field(default=25.0)  # an account's margin when it has none
    kam_yearly_cost: float = Field(default=150000.0)  # a KAM's loaded yearly cost, unless the KAM has one
    kam_share_pct: float = Field(default=80.0)  # share of a KAM's time on the programme, unless the KAM has one
    executive_hour_cost: float = Field(default=250.0)  # an executive's hour
    meeting_hours: str = Field(default=DEFAULT_MEETING_HOURS)  # JSON {engagement kind: executive hours}
    tools_cost: float = Field(default=30000.0)  # yearly
    training_cost: float = Field(default=40000.0)  # yearly
    events_cost: float = Field(default=60000.0)  # yearly
    budget_year: int | None = None  # the year of the key-account budget line
    budget_amount: float | None = None  # the key-account budget line (revenue) for budget_year
    strategic_plan_on: date | None = None  # the company's strategic plan date (this cycle)
    budget_on: date | None = None  # the company's budget freeze date (this cycle)
    cycle_offsets: str = Field(default="{}")  # JSON {cycle step: days from its anchor}; missing = default


class Kam(Versioned, table=True):
    """A key account manager of ours."""

    __tablename__ = "kam"
    __table_args__ = (
        CheckConstraint("yearly_cost IS NULL OR yearly_cost >= 0", name="ck_kam_yearly_cost"),
        CheckConstraint(_between("programme_share_pct", 0, 100, nullable=True), name="ck_kam_programme_share"),
    )
    name: str = Field(max_length=120)
    email: str = Field(max_length=254, unique=True)
    region: str | None = Field(default=None, max_length=80)
    active: bool = Field(default=True)
    yearly_cost: float | None = None  # loaded yearly cost; None = the programme's kam_yearly_cost
    programme_share_pct: float | None = None  # share of time on the programme; None = the programme's


class Executive(Versioned, table=True):
    """One of our executives, who may sponsor a few strategic accounts."""

    __tablename__ = "executive"
    __table_args__ = (CheckConstraint(_between("max_accounts", 1, 20), name="ck_executive_max_accounts"),)

    name: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=120)
    function: str = Field(max_length=80)
    email: str | None = Field(default=None, max_length=254)
    max_accounts: int = Field(default=3)
    active: bool = Field(default=True)


class Offer(Versioned, table=True):
    """One of our offer lines (used by the white space)."""

    __tablename__ = "offer"
    name: str = Field(max_length=120, unique=True)
    family: str = Field(max_length=80)
    active: bool = Field(default=True)


# --- accounts ---------------------------------------------------------------------------------


class Account(Versioned, table=True):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(_in("status", ACCOUNT_STATUSES), name="ck_account_status"),
        CheckConstraint("potential_3y IS NULL OR potential_3y >= 0", name="ck_account_potential"),
        CheckConstraint(_between("margin_pct", -100, 100, nullable=True), name="ck_account_margin"),
        CheckConstraint(_between("programme_since", 1990, 2100, nullable=True), name="ck_account_programme_since"),
        CheckConstraint("country IS NULL OR length(country) = 2", name="ck_account_country"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="ck_account_not_own_parent"),
        CheckConstraint("length(trim(name)) > 0", name="ck_account_name_not_blank"),
    )

    name: str = Field(max_length=160)
    # name folded for case and accents; unique so "Acme" and "ACMÉ" cannot both exist
    name_key: str = Field(max_length=160, unique=True)
    crm_id: str | None = Field(default=None, max_length=64, unique=True)
    parent_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL", index=True)
    group_name: str | None = Field(default=None, max_length=160)
    sector: str = Field(max_length=80)
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2
    kam_id: int | None = Field(default=None, foreign_key="kam.id", ondelete="SET NULL", index=True)
    sponsor_id: int | None = Field(default=None, foreign_key="executive.id", ondelete="SET NULL", index=True)
    status: str = Field(default="active", max_length=16)
    potential_3y: float | None = None  # customer's 3-year spend in our categories, any supplier
    margin_pct: float | None = None
    notes: str | None = None
    programme_since: int | None = None  # the year it entered the programme; None = the programme's start


class RevenueAmbition(Versioned, table=True):
    """The account plan's revenue ambition for a future year (the figure the budget reconciles with)."""

    __tablename__ = "revenue_ambition"
    __table_args__ = (
        UniqueConstraint("account_id", "year", name="uq_revenue_ambition"),
        CheckConstraint(_between("year", 1990, 2100), name="ck_revenue_ambition_year"),
        CheckConstraint("amount >= 0", name="ck_revenue_ambition_amount"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    year: int
    amount: float


class AccountYear(Versioned, table=True):
    """Revenue with us and the customer's spend in our categories, per year."""

    __tablename__ = "account_year"
    __table_args__ = (
        UniqueConstraint("account_id", "year", name="uq_account_year"),
        CheckConstraint(_between("year", 1990, 2100), name="ck_account_year_year"),
        CheckConstraint("revenue >= 0", name="ck_account_year_revenue"),
        CheckConstraint("category_spend IS NULL OR category_spend >= 0", name="ck_account_year_spend"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    year: int
    revenue: float = 0.0
    category_spend: float | None = None


class RevenueLine(Versioned, table=True):
    """A won deal, an invoice or an open opportunity, as imported from a CRM."""

    __tablename__ = "revenue_line"
    __table_args__ = (
        CheckConstraint(_in("kind", ("won", "invoice", "opportunity")), name="ck_revenue_line_kind"),
        CheckConstraint("amount >= 0", name="ck_revenue_line_amount"),
        CheckConstraint(_between("probability_pct", 0, 100, nullable=True), name="ck_revenue_line_probability"),
        # an account's lines by kind, with what their sums read: answered from the index alone (migration 0005)
        Index("ix_revenue_line_account_kind", "account_id", "kind", "line_date", "amount", "probability_pct"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    crm_id: str | None = Field(default=None, max_length=64, unique=True)
    kind: str = Field(max_length=16)
    label: str | None = Field(default=None, max_length=200)
    amount: float
    line_date: date
    probability_pct: float | None = None


class CustomerUnit(Versioned, table=True):
    """A division, site or country of the customer (the white space's columns)."""

    __tablename__ = "customer_unit"
    __table_args__ = (
        UniqueConstraint("account_id", "name", name="uq_customer_unit_name"),
        CheckConstraint(_in("kind", UNIT_KINDS), name="ck_customer_unit_kind"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(default="division", max_length=16)


# --- portfolio scoring ------------------------------------------------------------------------


class Criterion(Versioned, table=True):
    """A scoring criterion of one axis, with its weight and anchored scale."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("axis", "name", name="uq_criterion_axis_name"),
        CheckConstraint(_in("axis", AXES), name="ck_criterion_axis"),
        CheckConstraint(_between("weight", 0, 100), name="ck_criterion_weight"),
    )

    axis: str = Field(max_length=16)
    name: str = Field(max_length=120)
    description: str | None = None
    weight: float
    position: int = 0
    anchor_low: str = Field(max_length=300)  # what a 0-2 means
    anchor_mid: str = Field(max_length=300)  # what a 5 means
    anchor_high: str = Field(max_length=300)  # what an 8-10 means
    active: bool = Field(default=True)


class Score(Versioned, table=True):
    """One account's score (0-10) on one criterion for one quarter."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("account_id", "criterion_id", "period", name="uq_score"),
        CheckConstraint(_between("value", 0, 10), name="ck_score_value"),
        CheckConstraint(PERIOD_CHECK, name="ck_score_period"),
        # what a quarter's segments read, from the index alone (migration 0003)
        Index("ix_score_period_account", "period", "account_id", "criterion_id", "value"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", ondelete="CASCADE", index=True)
    period: str = Field(max_length=7)
    value: float
    rationale: str | None = Field(default=None, max_length=500)


# --- account strategy canvas ------------------------------------------------------------------


class AccountPlan(Versioned, table=True):
    """The narrative parts of one account's plan (one row per account)."""

    __tablename__ = "account_plan"
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", unique=True)
    business: str | None = None
    markets: str | None = None
    recent_events: str | None = None
    ambition: str | None = None  # the 3-year ambition, one paragraph


class Priority(Versioned, table=True):
    """A strategic priority of the customer, in its own words, ranked."""

    __tablename__ = "priority"
    __table_args__ = (
        # a rank is a position: once per account (migration 0006; kam_core.account.sections.positions)
        Index("uq_priority_rank", "account_id", "rank", unique=True),
        CheckConstraint("rank >= 1", name="ck_priority_rank"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    rank: int
    title: str = Field(max_length=200)
    description: str | None = None


class ValueProposition(Versioned, table=True):
    """What we bring to one priority, and its value for the customer."""

    __tablename__ = "value_proposition"
    __table_args__ = (CheckConstraint("value_amount IS NULL OR value_amount >= 0", name="ck_value_prop_amount"),)

    priority_id: int = Field(foreign_key="priority.id", ondelete="CASCADE", index=True)
    offer_id: int | None = Field(default=None, foreign_key="offer.id", ondelete="SET NULL")
    what_we_bring: str
    customer_value: str
    value_amount: float | None = None


class SwotItem(Versioned, table=True):
    __tablename__ = "swot_item"
    __table_args__ = (CheckConstraint(_in("kind", SWOT_KINDS), name="ck_swot_kind"),)

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    text: str = Field(max_length=300)
    position: int = 0


class Competitor(Versioned, table=True):
    __tablename__ = "competitor"
    __table_args__ = (
        UniqueConstraint("account_id", "name", name="uq_competitor_name"),
        CheckConstraint(_between("share_pct", 0, 100, nullable=True), name="ck_competitor_share"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    share_pct: float | None = None
    strengths: str | None = Field(default=None, max_length=300)


class Stakeholder(Versioned, table=True):
    """A member of the customer's buying centre."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        CheckConstraint(_in("role", BUYING_ROLES), name="ck_stakeholder_role"),
        CheckConstraint(_between("influence", 1, 5), name="ck_stakeholder_influence"),
        CheckConstraint(_between("attitude", -2, 2), name="ck_stakeholder_attitude"),
        CheckConstraint(_between("relationship", 1, 5), name="ck_stakeholder_relationship"),
        CheckConstraint("reports_to_id IS NULL OR reports_to_id <> id", name="ck_stakeholder_not_own_manager"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    crm_id: str | None = Field(default=None, max_length=64, unique=True)
    name: str = Field(max_length=120)
    title: str | None = Field(default=None, max_length=120)
    unit: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    reports_to_id: int | None = Field(default=None, foreign_key="stakeholder.id", ondelete="SET NULL")
    role: str = Field(default="influencer", max_length=16)
    influence: int = 3  # 1-5
    attitude: int = 0  # -2 opponent .. +2 champion
    relationship: int = 2  # 1-5
    owner: str | None = Field(default=None, max_length=120)  # who on our side owns the relationship
    last_contact: date | None = None


class WhiteSpaceCell(Versioned, table=True):
    """One offer x one customer unit: sold, open, held by a competitor or not relevant."""

    __tablename__ = "white_space_cell"
    __table_args__ = (
        UniqueConstraint("unit_id", "offer_id", name="uq_white_space_cell"),
        CheckConstraint(_in("status", WHITE_SPACE_STATUSES), name="ck_white_space_status"),
        CheckConstraint("value IS NULL OR value >= 0", name="ck_white_space_value"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    unit_id: int = Field(foreign_key="customer_unit.id", ondelete="CASCADE")
    offer_id: int = Field(foreign_key="offer.id", ondelete="CASCADE")
    status: str = Field(max_length=16)
    value: float | None = None
    competitor: str | None = Field(default=None, max_length=120)


class Objective(Versioned, table=True):
    """A measurable objective of the account plan."""

    __tablename__ = "objective"
    __table_args__ = (
        CheckConstraint(_in("kind", OBJECTIVE_KINDS), name="ck_objective_kind"),
        CheckConstraint(_in("status", OBJECTIVE_STATUSES), name="ck_objective_status"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    target: str = Field(max_length=120)
    owner: str = Field(max_length=120)
    due_date: date
    status: str = Field(default="not_started", max_length=16)


class Action(Versioned, table=True):
    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="ck_action_status"),
        Index("ix_action_open_due", "status", "due_date"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    objective_id: int | None = Field(default=None, foreign_key="objective.id", ondelete="SET NULL")
    title: str = Field(max_length=200)
    owner: str = Field(max_length=120)
    due_date: date
    status: str = Field(default="open", max_length=16)
    done_on: date | None = None


# --- handshake ----------------------------------------------------------------------------------


class Handshake(Versioned, table=True):
    """The account plan agreed with the customer (one per account)."""

    __tablename__ = "handshake"
    __table_args__ = (CheckConstraint(_in("stage", HANDSHAKE_STAGES), name="ck_handshake_stage"),)

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", unique=True)
    stage: str = Field(default="draft", max_length=24)
    stage_since: date
    vision: str | None = None
    signatory_id: int | None = Field(default=None, foreign_key="stakeholder.id", ondelete="SET NULL")
    sponsor_id: int | None = Field(default=None, foreign_key="executive.id", ondelete="SET NULL")
    kam_id: int | None = Field(default=None, foreign_key="kam.id", ondelete="SET NULL")
    next_review_on: date | None = None


class HandshakeStageEvent(Versioned, table=True):
    """History of stage moves: the date each stage was reached (and left, when moved back)."""

    __tablename__ = "handshake_stage_event"
    __table_args__ = (CheckConstraint(_in("stage", HANDSHAKE_STAGES), name="ck_handshake_event_stage"),)

    handshake_id: int = Field(foreign_key="handshake.id", ondelete="CASCADE", index=True)
    stage: str = Field(max_length=24)
    reached_on: date
    note: str | None = Field(default=None, max_length=300)


class JointObjective(Versioned, table=True):
    __tablename__ = "joint_objective"
    __table_args__ = (CheckConstraint("target <> baseline", name="ck_joint_objective_target_differs"),)

    handshake_id: int = Field(foreign_key="handshake.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    kpi: str = Field(max_length=120)
    unit: str = Field(max_length=24)
    baseline: float
    target: float
    due_date: date


class HandshakeReview(Versioned, table=True):
    __tablename__ = "handshake_review"
    __table_args__ = (
        CheckConstraint("next_review_on IS NULL OR next_review_on > review_date", name="ck_review_next_after"),
    )

    handshake_id: int = Field(foreign_key="handshake.id", ondelete="CASCADE", index=True)
    review_date: date
    notes: str | None = None
    decisions: str | None = None
    next_review_on: date | None = None


class KpiReading(Versioned, table=True):
    __tablename__ = "kpi_reading"
    __table_args__ = (UniqueConstraint("objective_id", "reading_date", name="uq_kpi_reading_date"),)

    objective_id: int = Field(foreign_key="joint_objective.id", ondelete="CASCADE", index=True)
    review_id: int | None = Field(default=None, foreign_key="handshake_review.id", ondelete="SET NULL")
    reading_date: date
    value: float


class Commitment(Versioned, table=True):
    """What one side (ours or theirs) commits to under the handshake."""

    __tablename__ = "commitment"
    __table_args__ = (
        CheckConstraint(_in("side", COMMITMENT_SIDES), name="ck_commitment_side"),
        CheckConstraint(_in("status", COMMITMENT_STATUSES), name="ck_commitment_status"),
        CheckConstraint("length(trim(owner)) > 0", name="ck_commitment_owner"),
    )

    handshake_id: int = Field(foreign_key="handshake.id", ondelete="CASCADE", index=True)
    objective_id: int | None = Field(default=None, foreign_key="joint_objective.id", ondelete="SET NULL")
    side: str = Field(max_length=8)
    description: str = Field(max_length=300)
    owner: str = Field(max_length=120)
    due_date: date
    status: str = Field(default="open", max_length=16)
    done_on: date | None = None


# --- executive engagement ---------------------------------------------------------------------


class Pairing(Versioned, table=True):
    """One of our executives paired with one of the customer's, on a target cadence."""

    __tablename__ = "pairing"
    __table_args__ = (
        UniqueConstraint("executive_id", "stakeholder_id", name="uq_pairing"),
        CheckConstraint(_between("cadence_days", 1, 730), name="ck_pairing_cadence"),
        CheckConstraint(_between("strength", 1, 5), name="ck_pairing_strength"),
    )

    executive_id: int = Field(foreign_key="executive.id", ondelete="CASCADE", index=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", ondelete="CASCADE", index=True)
    cadence_days: int = 90
    strength: int = 2


class Engagement(Versioned, table=True):
    """A meeting, visit, call, event or QBR with the customer, planned or held."""

    __tablename__ = "engagement"
    __table_args__ = (
        CheckConstraint(_in("kind", ENGAGEMENT_KINDS), name="ck_engagement_kind"),
        CheckConstraint(_in("status", ENGAGEMENT_STATUSES), name="ck_engagement_status"),
        Index("ix_engagement_status_date", "status", "on_date"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    status: str = Field(default="planned", max_length=16)
    on_date: date
    objective: str = Field(max_length=300)
    attendees: str | None = Field(default=None, max_length=500)
    ask: str | None = Field(default=None, max_length=500)  # what the KAM asks the executive to obtain
    outcome: str | None = None
    next_step: str | None = Field(default=None, max_length=300)


class EngagementPairing(SQLModel, table=True):
    """Which pairings an engagement serves (link table)."""

    __tablename__ = "engagement_pairing"
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE", primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", ondelete="CASCADE", primary_key=True, index=True)


# --- challenge sessions (account-plan peer review) ---------------------------------------------


class ChallengeSession(Versioned, table=True):
    """A peer review of one account's plan: the KAM presents it, reviewers challenge it
    (``kam_core.account.challenge``). Open while ``closed_at`` is None; ``summary`` is the JSON
    written at the close (counts and each recommendation's outcome)."""

    __tablename__ = "challenge_session"
    __table_args__ = (
        CheckConstraint("length(trim(title)) > 0", name="ck_challenge_session_title"),
        CheckConstraint("closed_at IS NULL OR closed_by IS NOT NULL", name="ck_challenge_session_closed_by"),
    )

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    opened_by: str = Field(max_length=254)
    opened_at: datetime
    closed_at: datetime | None = None
    closed_by: str | None = Field(default=None, max_length=254)
    summary: str | None = None


class ChallengeItem(Versioned, table=True):
    """A question, challenge or recommendation raised in a challenge session. A recommendation ends
    as an action of the account (``action_id``, its owner and due date) or rejected with a reason."""

    __tablename__ = "challenge_item"
    __table_args__ = (
        CheckConstraint(_in("kind", CHALLENGE_ITEM_KINDS), name="ck_challenge_item_kind"),
        CheckConstraint(
            "outcome IS NULL OR (kind = 'recommendation' AND " + _in("outcome", CHALLENGE_OUTCOMES) + ")",
            name="ck_challenge_item_outcome",
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome <> 'rejected' OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
            name="ck_challenge_item_reason",
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome <> 'action' OR (owner IS NOT NULL AND due_date IS NOT NULL)",
            name="ck_challenge_item_action",
        ),
        CheckConstraint("length(trim(text)) > 0", name="ck_challenge_item_text"),
    )

    session_id: int = Field(foreign_key="challenge_session.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=16)
    text: str = Field(max_length=1000)
    author: str = Field(max_length=120)
    answer: str | None = Field(default=None, max_length=2000)  # a question's answer, if given
    outcome: str | None = Field(default=None, max_length=16)
    action_id: int | None = Field(default=None, foreign_key="action.id", ondelete="SET NULL")
    owner: str | None = Field(default=None, max_length=120)
    due_date: date | None = None
    reason: str | None = Field(default=None, max_length=500)


# --- access and audit -------------------------------------------------------------------------

ROLES = ("viewer", "editor", "admin")
AUDIT_ACTIONS = ("create", "update", "delete")


class RoleGrant(Versioned, table=True):
    """Who may do what once sign-in is on: a role given to an e-mail address (stored lower case)."""

    __tablename__ = "role_grant"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="ck_role_grant_role"),)

    email: str = Field(max_length=254, unique=True)
    role: str = Field(max_length=16)


class AuditEntry(SQLModel, table=True):
    """One change to one record: who made it, when, and each changed field's old and new value.

    Written in the same transaction as the change itself, so the trail has no gap and no entry
    for a change that was rolled back. ``changes`` is JSON: ``{field: [old, new]}``."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        CheckConstraint(_in("action", AUDIT_ACTIONS), name="ck_audit_entry_action"),
        Index("ix_audit_entry_account_at", "account_id", "at"),
        Index("ix_audit_entry_record", "table_name", "record_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    actor: str = Field(max_length=254)
    action: str = Field(max_length=8)
    table_name: str = Field(max_length=64)
    record_id: int | None = None
    account_id: int | None = None  # no foreign key: the trail outlives a deleted account
    label: str | None = Field(default=None, max_length=300)  # the record's name when it was written
    changes: str = "{}"


# --- workshops (migration 0007) -----------------------------------------------------------------

WORKSHOP_STATUSES = ("open", "closed")
WORKSHOP_DECISIONS = ("confirmed", "changed")
QUADRANT_CODES = ("strategic", "develop", "maintain", "opportunistic")  # segmentation.QUADRANTS
JOIN_CODE_LENGTH = 6


class WorkshopSession(Versioned, table=True):
    """A scoring workshop: a room reviewing an agenda of accounts for one quarter.

    ``position`` is the agenda step the room is on (None before the start) and ``step_started_at``
    when the room reached it: the timer is computed from these stored times, never from a client's
    clock. ``join_code`` is what participants type (or open as ``?code=``): unique."""

    __tablename__ = "workshop_session"
    __table_args__ = (
        CheckConstraint(_in("status", WORKSHOP_STATUSES), name="ck_workshop_session_status"),
        CheckConstraint(PERIOD_CHECK, name="ck_workshop_session_period"),
        CheckConstraint(f"length(join_code) = {JOIN_CODE_LENGTH}", name="ck_workshop_session_code"),
        CheckConstraint("length(trim(title)) > 0", name="ck_workshop_session_title"),
        CheckConstraint("position IS NULL OR position >= 0", name="ck_workshop_session_position"),
    )

    title: str = Field(max_length=200)
    period: str = Field(max_length=7)
    facilitator: str = Field(max_length=254)
    join_code: str = Field(max_length=JOIN_CODE_LENGTH, unique=True)
    status: str = Field(default="open", max_length=8)
    closed_at: datetime | None = None
    position: int | None = None
    step_started_at: datetime | None = None


class WorkshopItem(Versioned, table=True):
    """One account on a workshop's agenda: its place, its time box, what the room committed and decided."""

    __tablename__ = "workshop_item"
    __table_args__ = (
        UniqueConstraint("session_id", "account_id", name="uq_workshop_item_account"),
        CheckConstraint("position >= 0", name="ck_workshop_item_position"),
        CheckConstraint(_between("minutes", 1, 120), name="ck_workshop_item_minutes"),
        CheckConstraint("seconds_spent >= 0", name="ck_workshop_item_seconds"),
        CheckConstraint("decision IS NULL OR " + _in("decision", WORKSHOP_DECISIONS), name="ck_workshop_item_decision"),
        CheckConstraint(
            "segment_before IS NULL OR " + _in("segment_before", QUADRANT_CODES), name="ck_workshop_item_before"
        ),
        CheckConstraint(
            "segment_after IS NULL OR " + _in("segment_after", QUADRANT_CODES), name="ck_workshop_item_after"
        ),
    )

    session_id: int = Field(foreign_key="workshop_session.id", ondelete="CASCADE", index=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    position: int
    minutes: int = 5
    seconds_spent: float = 0.0
    # where the account stood before the room touched it (the session's quarter, else the one before)
    attractiveness_before: float | None = None
    strength_before: float | None = None
    segment_before: str | None = Field(default=None, max_length=16)
    committed_at: datetime | None = None
    committed_scores: str | None = None  # JSON {criterion_id: value} as committed
    decision: str | None = Field(default=None, max_length=16)
    segment_after: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    decided_at: datetime | None = None


class WorkshopParticipant(SQLModel, table=True):
    """Someone in the room who joined with the code: their name (or signed-in e-mail), once per session.

    Not part of the audit trail (as the votes): a viewer may join and vote (``access.VOTER_TABLES``)."""

    __tablename__ = "workshop_participant"
    __table_args__ = (
        UniqueConstraint("session_id", "name_key", name="uq_workshop_participant_name"),
        CheckConstraint("length(trim(name)) > 0", name="ck_workshop_participant_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="workshop_session.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120)
    token: str = Field(max_length=32, unique=True)  # kept by the participant's browser (``?p=``) to rejoin
    joined_at: datetime = Field(default_factory=utcnow, nullable=False)


class WorkshopVote(SQLModel, table=True):
    """One participant's score of one criterion of one account in a workshop: one row each, upserted,
    so concurrent voters never overwrite each other."""

    __tablename__ = "workshop_vote"
    __table_args__ = (
        UniqueConstraint("session_id", "account_id", "criterion_id", "participant_id", name="uq_workshop_vote"),
        CheckConstraint(_between("value", 0, 10), name="ck_workshop_vote_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="workshop_session.id", ondelete="CASCADE", index=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id", ondelete="CASCADE")
    participant_id: int = Field(foreign_key="workshop_participant.id", ondelete="CASCADE", index=True)
    value: float
    voted_at: datetime = Field(default_factory=utcnow, nullable=False)


class WorkshopAction(SQLModel, table=True):
    """An action the room decided for an agenda item (the action itself lives on the account)."""

    __tablename__ = "workshop_action"
    item_id: int = Field(foreign_key="workshop_item.id", ondelete="CASCADE", primary_key=True)
    action_id: int = Field(foreign_key="action.id", ondelete="CASCADE", primary_key=True, index=True)


EDITABLE_TABLES = [
    Programme,
    Kam,
    Executive,
    Offer,
    Account,
    AccountYear,
    RevenueLine,
    CustomerUnit,
    Criterion,
    Score,
    AccountPlan,
    Priority,
    ValueProposition,
    SwotItem,
    Competitor,
    Stakeholder,
    WhiteSpaceCell,
    Objective,
    Action,
    Handshake,
    HandshakeStageEvent,
    JointObjective,
    HandshakeReview,
    KpiReading,
    Commitment,
    Pairing,
    Engagement,
]  # the programme's data (RoleGrant, who may do what, is not part of it)


# --- the programme's targets (migration 0009) ---------------------------------------------------

# A target's metric: one computed from the data (kam_core.programme.targets), or "custom" with actuals typed
TARGET_METRICS = (
    "strategic_revenue_share",
    "strategic_growth_ratio",
    "handshake_coverage",
    "sponsor_coverage",
    "plans_filled",
    "strategic_per_kam",
    "custom",
)


class ProgrammeTarget(Versioned, table=True):
    """One of the programme's targets: a baseline (value, year), a target (value, year)."""

    __tablename__ = "programme_target"
    __table_args__ = (
        CheckConstraint(_in("metric", TARGET_METRICS), name="ck_programme_target_metric"),
        CheckConstraint("length(trim(name)) > 0", name="ck_programme_target_name"),
        CheckConstraint(_between("baseline_year", 1990, 2100), name="ck_programme_target_baseline_year"),
        CheckConstraint("target_year > baseline_year AND target_year <= 2100", name="ck_programme_target_years"),
    )

    metric: str = Field(max_length=32)
    name: str = Field(max_length=120)
    unit: str = Field(default="", max_length=24)
    baseline_value: float
    baseline_year: int
    target_value: float
    target_year: int
    position: int = 0


class TargetActual(Versioned, table=True):
    """A custom target's actual for a year, as typed by the programme director."""

    __tablename__ = "target_actual"
    __table_args__ = (
        UniqueConstraint("target_id", "year", name="uq_target_actual"),
        CheckConstraint(_between("year", 1990, 2100), name="ck_target_actual_year"),
    )

    target_id: int = Field(foreign_key="programme_target.id", ondelete="CASCADE", index=True)
    year: int
    value: float


# the programme's data added by migration 0009 (defined after EDITABLE_TABLES' other members)
EDITABLE_TABLES += [RevenueAmbition, ProgrammeTarget, TargetActual]
