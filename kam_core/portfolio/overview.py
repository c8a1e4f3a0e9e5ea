"""The portfolio at a glance: one row per account, and the programme's headline figures.

``account_table`` gathers what the other areas compute (segment, plan completeness, handshake
stage, overdue items) into one frame; ``portfolio_figures`` reads the home page's figures off it,
and ``account_view`` gives the subsets those figures link to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kam_core.account.canvas import completeness, section_facts
from kam_core.account.handshake import is_agreed, load_handshakes, overdue_commitments_per_account
from kam_core.common.text import fold_name
from kam_core.portfolio.segmentation import QUADRANTS, Thresholds, load_programme, segments
from kam_core.store.frames import rows_frame
from kam_core.store.models import CLOSED_ACTION_STATUSES, Account, AccountYear, Action, Engagement, Executive, Kam

UNSCORED = "unscored"
SEGMENTS = (*QUADRANTS, UNSCORED)
ACCOUNT_VIEWS = (
    "all",
    "strategic",
    "develop",
    "maintain",
    "opportunistic",
    UNSCORED,
    "strategic_without_sponsor",
    "strategic_without_handshake",
    "with_overdue_items",
)


def reference_year(today: date) -> int:
    """The last closed year: the revenue figures the portfolio compares."""
    return today.year - 1


def _accounts(session: Session) -> pd.DataFrame:
    parent = aliased(Account)
    rows = session.execute(
        select(
            Account.id,
            Account.name,
            func.coalesce(Account.group_name, parent.name),
            Account.sector,
            Account.country,
            Kam.name,
            Account.status,
            Account.sponsor_id,
            Executive.name,
            Account.potential_3y,
            Account.margin_pct,
        )
        .outerjoin(parent, parent.id == Account.parent_id)
        .outerjoin(Kam, Kam.id == Account.kam_id)
        .outerjoin(Executive, Executive.id == Account.sponsor_id)
        .order_by(Account.name)
    ).all()
    return rows_frame(
        rows,
        [
            "account_id",
            "name",
            "group",
            "sector",
            "country",
            "kam",
            "status",
            "sponsor_id",
            "sponsor",
            "potential_3y",
            "margin_pct",
        ],
    )


def _revenue(session: Session, year: int) -> pd.DataFrame:
    rows = session.execute(
        select(AccountYear.account_id, AccountYear.year, AccountYear.revenue, AccountYear.category_spend).where(
            AccountYear.year.in_([year - 1, year])
        )
    ).all()
    frame = rows_frame(rows, ["account_id", "year", "revenue", "category_spend"])
    current = frame[frame["year"] == year].set_index("account_id")
    previous = frame[frame["year"] == year - 1].set_index("account_id")
    result = pd.DataFrame(
        {
            "revenue": current["revenue"],
            "category_spend": current["category_spend"],
        }
    )
    result["revenue_previous"] = previous["revenue"].reindex(result.index)
    return result.rename_axis("account_id").reset_index()


def _overdue_actions(session: Session, today: date) -> pd.DataFrame:
    rows = session.execute(
        select(Action.account_id, func.count(Action.id))
        .where(Action.status.not_in(CLOSED_ACTION_STATUSES), Action.due_date < today)
        .group_by(Action.account_id)
    ).all()
    return rows_frame(rows, ["account_id", "overdue_actions"])


def _next_engagements(session: Session, today: date) -> pd.DataFrame:
    rows = session.execute(
        select(Engagement.account_id, func.min(Engagement.on_date))
        .where(Engagement.status == "planned", Engagement.on_date >= today)
        .group_by(Engagement.account_id)
    ).all()
    return rows_frame(rows, ["account_id", "next_engagement"])


def account_table(session: Session, today: date) -> pd.DataFrame:
    """Every account with its segment, key figures, plan completeness and follow-up status."""
    programme = load_programme(session)
    thresholds = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
    year = reference_year(today)
    table = _accounts(session)
    parts = [
        segments(session, programme.current_period, thresholds)[
            ["account_id", "attractiveness", "strength", "quadrant"]
        ],
        _revenue(session, year),
        completeness(section_facts(session))[["account_id", "pct"]].rename(columns={"pct": "completeness_pct"}),
        load_handshakes(session)[["account_id", "handshake_stage", "next_review_on"]],
        _overdue_actions(session, today),
        overdue_commitments_per_account(session, today),
        _next_engagements(session, today),
    ]
    for part in parts:
        table = table.merge(part, on="account_id", how="left")
    table["segment"] = table["quadrant"].astype(object).fillna(UNSCORED)
    table = table.drop(columns=["quadrant"])
    for column in ("overdue_actions", "overdue_ours", "overdue_theirs"):
        table[column] = table[column].fillna(0).astype(int)
    table["overdue"] = table["overdue_actions"] + table["overdue_ours"] + table["overdue_theirs"]
    spend = table["category_spend"].where(table["category_spend"] > 0)
    table["share_of_wallet_pct"] = (100.0 * table["revenue"] / spend).round(1)
    previous = table["revenue_previous"].where(table["revenue_previous"] > 0)
    table["growth_pct"] = (100.0 * (table["revenue"] / previous - 1.0)).round(1)
    table["handshake_agreed"] = table["handshake_stage"].map(is_agreed).astype(bool)
    table["revenue_year"] = year
    return table


def in_programme(table: pd.DataFrame) -> pd.DataFrame:
    """Archived accounts are kept but leave the matrix, the boards and the counts."""
    return table[table["status"] != "archived"]


@dataclass(frozen=True)
class Coverage:
    covered: int
    total: int

    @property
    def share(self) -> float | None:
        return self.covered / self.total if self.total else None


@dataclass(frozen=True)
class PortfolioFigures:
    accounts: int
    segment_counts: dict[str, int]
    segment_revenue: dict[str, float]
    revenue_year: int
    total_revenue: float
    strategic_revenue: float
    strategic_capacity: int
    average_completeness: float | None
    handshake_coverage: Coverage
    sponsor_coverage: Coverage
    overdue_actions: int
    overdue_commitments_ours: int
    overdue_commitments_theirs: int
    accounts_with_overdue: int
    over_capacity: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "over_capacity", self.segment_counts.get("strategic", 0) > self.strategic_capacity)

    @property
    def strategic_revenue_share(self) -> float | None:
        return self.strategic_revenue / self.total_revenue if self.total_revenue else None


def portfolio_figures(table: pd.DataFrame, strategic_capacity: int, year: int) -> PortfolioFigures:
    """The headline figures of the home page, from ``account_table``."""
    live = in_programme(table)
    strategic = live[live["segment"] == "strategic"]
    counts = live["segment"].value_counts()
    completeness_values = live["completeness_pct"].dropna()
    return PortfolioFigures(
        accounts=len(live),
        segment_counts={segment: int(counts.get(segment, 0)) for segment in SEGMENTS},
        segment_revenue={
            segment: float(live.loc[live["segment"] == segment, "revenue"].fillna(0).sum()) for segment in SEGMENTS
        },
        revenue_year=year,
        total_revenue=float(live["revenue"].fillna(0).sum()),
        strategic_revenue=float(strategic["revenue"].fillna(0).sum()),
        strategic_capacity=strategic_capacity,
        average_completeness=float(completeness_values.mean()) if len(completeness_values) else None,
        handshake_coverage=Coverage(int(strategic["handshake_agreed"].sum()), len(strategic)),
        sponsor_coverage=Coverage(int(strategic["sponsor_id"].notna().sum()), len(strategic)),
        overdue_actions=int(live["overdue_actions"].sum()),
        overdue_commitments_ours=int(live["overdue_ours"].sum()),
        overdue_commitments_theirs=int(live["overdue_theirs"].sum()),
        accounts_with_overdue=int(_has_overdue(live).sum()),
    )


def _has_overdue(table: pd.DataFrame) -> pd.Series:
    return table["overdue"] > 0


def account_view(table: pd.DataFrame, view: str, include_archived: bool = False) -> pd.DataFrame:
    """The subset of accounts a home-page figure stands for."""
    if view not in ACCOUNT_VIEWS:
        raise ValueError(f"unknown account view: {view!r}")
    rows = table if include_archived else in_programme(table)
    if view == "all":
        return rows
    if view in SEGMENTS:
        return rows[rows["segment"] == view]
    if view == "strategic_without_sponsor":
        return rows[(rows["segment"] == "strategic") & rows["sponsor_id"].isna()]
    if view == "strategic_without_handshake":
        return rows[(rows["segment"] == "strategic") & ~rows["handshake_agreed"]]
    return rows[_has_overdue(rows)]


@dataclass(frozen=True)
class AccountFilter:
    search: str = ""
    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kams: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()


def filter_accounts(table: pd.DataFrame, criteria: AccountFilter) -> pd.DataFrame:
    """Accounts matching every given criterion; the name search ignores case and accents."""
    rows = table
    if criteria.search.strip():
        needle = fold_name(criteria.search)
        rows = rows[rows["name"].map(fold_name).str.contains(needle, regex=False)]
    for column, wanted in (
        ("sector", criteria.sectors),
        ("country", criteria.countries),
        ("kam", criteria.kams),
        ("status", criteria.statuses),
        ("group", criteria.groups),
        ("segment", criteria.segments),
    ):
        if wanted:
            rows = rows[rows[column].isin(wanted)]
    return rows
