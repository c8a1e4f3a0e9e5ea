"""The budget reconciliation (docs/method.md, "The yearly cycle and the budget"): before the budget is
frozen, the sum of the revenue ambitions the account plans give for the budget year, against the
key-account budget line the director enters.

- **Sum of ambitions** = Σ ``RevenueAmbition.amount`` of the accounts in the programme for
  ``budget_year`` (``membership.programme_accounts``). An account with no ambition for that year is
  not counted as zero: it is named, with the others that lack one.
- **Gap** = sum of ambitions − budget line: positive, the plans promise more than the budget counts on;
  negative, the budget counts on revenue no plan carries yet. **Coverage** = sum ÷ budget line (none
  when the budget line is zero).
- **The accounts that make it up**: each account's ambition, its share of the sum, and the growth it
  implies on the last closed year's revenue (ambition ÷ that revenue − 1; none without that revenue).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.errors import FieldError
from kam_core.programme.settings import read_programme_fields, save_programme_fields
from kam_core.store.models import RevenueAmbition

BUDGET_FIELDS = ("budget_year", "budget_amount")
YEAR_RANGE = (1990, 2100)  # the store's check (ck_programme_budget_year)
ACCOUNT_COLUMNS = ["account_id", "name", "kam", "ambition", "share", "revenue", "growth"]
MISSING_COLUMNS = ["account_id", "name", "kam"]


@dataclass(frozen=True)
class BudgetLine:
    year: int | None
    amount: float | None
    version: int = 0


@dataclass(frozen=True)
class Reconciliation:
    year: int | None  # the budget year (None: not given, nothing to reconcile)
    budget_amount: float | None  # the budget line (None: not entered)
    total: float  # the sum of the ambitions given for that year
    accounts: pd.DataFrame  # ACCOUNT_COLUMNS: the accounts with an ambition for the year, the largest first
    missing: pd.DataFrame  # MISSING_COLUMNS: the accounts in the programme with no ambition for the year
    revenue_year: int | None = None  # the year of the ``revenue`` column (the last closed year)

    @property
    def gap(self) -> float | None:
        """Sum of ambitions − budget line (None without a budget line)."""
        return None if self.budget_amount is None else self.total - self.budget_amount

    @property
    def coverage(self) -> float | None:
        """Sum of ambitions ÷ budget line, as a share (None without a budget line, or a zero one)."""
        return None if not self.budget_amount else self.total / self.budget_amount


def read_budget_line(session: Session) -> BudgetLine:
    values = read_programme_fields(session, BUDGET_FIELDS)
    return BudgetLine(values["budget_year"], values["budget_amount"], values["version"])


def read_ambitions(session: Session, year: int) -> dict[int, float]:
    """Every account's revenue ambition for ``year`` ({account_id: amount}); the caller keeps its accounts."""
    rows = session.execute(
        select(RevenueAmbition.account_id, RevenueAmbition.amount).where(RevenueAmbition.year == year)
    ).all()
    return {int(account_id): float(amount) for account_id, amount in rows}


def reconcile(
    accounts: pd.DataFrame,
    ambitions: dict[int, float],
    year: int | None,
    budget_amount: float | None,
    revenue_year: int | None = None,
) -> Reconciliation:
    """The reconciliation of ``accounts`` (the programme's: account_id, name, kam and, when known,
    ``revenue`` of ``revenue_year``) with their ``ambitions`` for ``year``, against ``budget_amount``."""
    empty = pd.DataFrame(columns=ACCOUNT_COLUMNS)
    if year is None:
        return Reconciliation(None, budget_amount, 0.0, empty, pd.DataFrame(columns=MISSING_COLUMNS), revenue_year)
    frame = accounts.reset_index(drop=True)
    revenue = frame["revenue"] if "revenue" in frame else pd.Series(float("nan"), index=frame.index)
    ambition = frame["account_id"].astype(int).map(ambitions)
    has = ambition.notna()
    total = float(ambition[has].sum())
    shown = pd.DataFrame(
        {
            "account_id": frame["account_id"].astype(int),
            "name": frame["name"],
            "kam": frame["kam"],
            "ambition": ambition.astype(float),
            "share": ambition.astype(float) / total if total else float("nan"),
            "revenue": pd.to_numeric(revenue, errors="coerce").astype(float),
        }
    )[has]
    with_revenue = shown["revenue"].notna() & (shown["revenue"] > 0)
    shown["growth"] = (shown["ambition"] / shown["revenue"] - 1).where(with_revenue)
    shown = shown.sort_values(["ambition", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    missing = frame.loc[~has, MISSING_COLUMNS].sort_values("name", kind="stable").reset_index(drop=True)
    missing["account_id"] = missing["account_id"].astype(int)
    return Reconciliation(int(year), budget_amount, total, shown[ACCOUNT_COLUMNS], missing, revenue_year)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate_budget_line(values: dict) -> list[FieldError]:
    """The budget year (a whole year from 1990 to 2100, or none) and the budget line (a number ≥ 0, or
    none; a budget line needs its year), each error naming its field."""
    errors = []
    year, amount = values.get("budget_year"), values.get("budget_amount")
    low, high = YEAR_RANGE
    if year is not None and not (isinstance(year, int) and not isinstance(year, bool) and low <= year <= high):
        errors.append(FieldError("budget_year", "integer_range", {"value": year, "min": low, "max": high}))
    if amount is not None:
        if not _number(amount):
            errors.append(FieldError("budget_amount", "number_format", {"value": amount}))
        elif amount < 0:
            errors.append(FieldError("budget_amount", "number_min", {"value": amount, "min": 0}))
        elif year is None:
            errors.append(FieldError("budget_year", "required", {}))
    return errors


def save_budget_line(engine, year: int | None, amount: float | None, expected_version: int) -> BudgetLine:
    """Validate, then save the budget year and line whole or not at all (version checked, audited)."""
    saved = save_programme_fields(
        engine, {"budget_year": year, "budget_amount": amount}, expected_version, validate_budget_line
    )
    return BudgetLine(saved["budget_year"], saved["budget_amount"], saved["version"])


def next_year(today: date) -> int:
    """The budget year proposed when none is given: the year after today's."""
    return today.year + 1
