"""The portfolio matrix: where each account stands this period, where it came from, and what
the quadrants hold (docs/method.md, section 1).

Everything here works on plain frames: ``matrix_table`` joins the account table (identity,
revenue, share of wallet) with the segments of two periods; the summary, the movement and the
capacity check read off it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.portfolio.overview import UNSCORED, in_programme
from kam_core.portfolio.segmentation import QUADRANTS
from kam_core.store.models import Kam

ACCOUNT_COLUMNS = [
    "account_id",
    "name",
    "group",
    "sector",
    "country",
    "kam",
    "status",
    "revenue",
    "potential_3y",
    "share_of_wallet_pct",
]
SIZE_MEASURES = ("revenue", "potential_3y")
COLOUR_MEASURES = ("quadrant", "sector", "kam")


def matrix_table(
    accounts: pd.DataFrame, current: pd.DataFrame, previous: pd.DataFrame | None = None, active_criteria: int = 0
) -> pd.DataFrame:
    """One row per account in the programme: axis scores and quadrant of the period, and of the
    earlier period when given (``prev_*`` columns), with ``moved`` when the quadrant changed.

    ``accounts`` is ``overview.account_table``; ``current``/``previous`` are ``portfolio.segments``;
    an account with no score at all in the period misses all ``active_criteria``.
    """
    table = in_programme(accounts)[ACCOUNT_COLUMNS].merge(
        current[["account_id", "attractiveness", "strength", "quadrant", "missing_attractiveness", "missing_strength"]],
        on="account_id",
        how="left",
    )
    unscored = table["missing_attractiveness"].isna() & table["missing_strength"].isna()
    table["missing"] = (table["missing_attractiveness"].fillna(0) + table["missing_strength"].fillna(0)).astype(int)
    table.loc[unscored, "missing"] = active_criteria
    table["scored"] = table["quadrant"].notna()
    table["quadrant"] = table["quadrant"].astype(object).fillna(UNSCORED)
    if previous is not None:
        before = previous[["account_id", "attractiveness", "strength", "quadrant"]].rename(
            columns={"attractiveness": "prev_attractiveness", "strength": "prev_strength", "quadrant": "prev_quadrant"}
        )
        table = table.merge(before, on="account_id", how="left")
        table["delta_attractiveness"] = (table["attractiveness"] - table["prev_attractiveness"]).round(1)
        table["delta_strength"] = (table["strength"] - table["prev_strength"]).round(1)
        table["moved"] = (
            table["scored"] & table["prev_quadrant"].notna() & (table["quadrant"] != table["prev_quadrant"])
        )
    return table.drop(columns=["missing_attractiveness", "missing_strength"])


def incomplete_accounts(table: pd.DataFrame) -> pd.DataFrame:
    """Accounts without a place in the matrix: at least one active criterion not scored."""
    return table[~table["scored"]][["account_id", "name", "missing"]]


def quadrant_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per quadrant (then the not fully scored): accounts, revenue, share of revenue, potential."""
    total = table["revenue"].fillna(0).sum()
    rows = []
    for quadrant in (*QUADRANTS, UNSCORED):
        part = table[table["quadrant"] == quadrant]
        revenue = float(part["revenue"].fillna(0).sum())
        rows.append(
            {
                "quadrant": quadrant,
                "accounts": len(part),
                "revenue": revenue,
                "revenue_share_pct": round(100.0 * revenue / total, 1) if total else None,
                "potential": float(part["potential_3y"].fillna(0).sum()),
            }
        )
    return pd.DataFrame(rows)


def movements(table: pd.DataFrame) -> pd.DataFrame:
    """Accounts whose quadrant changed since the earlier period."""
    if "moved" not in table:
        return table.iloc[0:0]
    return table[table["moved"]][["account_id", "name", "prev_quadrant", "quadrant"]]


@dataclass(frozen=True)
class StrategicCapacity:
    """How many strategic accounts the programme can truly serve, two ways: the programme's own
    cap, and its KAMs times the strategic accounts each can carry."""

    strategic: int
    programme_capacity: int
    kams: int
    accounts_per_kam: int

    @property
    def kam_capacity(self) -> int:
        return self.kams * self.accounts_per_kam

    @property
    def limit(self) -> int:
        return min(self.programme_capacity, self.kam_capacity)

    @property
    def over_by(self) -> int:
        return max(0, self.strategic - self.limit)


def active_kams(session: Session) -> int:
    return session.execute(select(func.count(Kam.id)).where(Kam.active)).scalar_one()


def strategic_capacity(
    table: pd.DataFrame, programme_capacity: int, kams: int, accounts_per_kam: int
) -> StrategicCapacity:
    return StrategicCapacity(int((table["quadrant"] == "strategic").sum()), programme_capacity, kams, accounts_per_kam)
