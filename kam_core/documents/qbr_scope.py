"""What the QBR pack reads about one account and about the portfolio around it, at a cost that does not
grow with the portfolio.

``overview.account_table`` and ``portfolio.segments`` read every account (plan sections, handshakes,
overdue items, every score as an ORM row into wide frames): right for the portfolio pages, far too
much to draw one account's deck. Here:

- ``account_figures`` gives the account's row of the account table the deck shows (revenue of the
  last closed year, growth, share of wallet) from that account's two ``account_year`` rows, with the
  same arithmetic as ``overview.account_table``;
- ``matrix_others`` gives where the *other* accounts of the programme stand on the current quarter's
  matrix (axis scores and revenue only, the deck draws them as anonymous grey bubbles): one
  aggregate query per axis score (sums per account and axis, computed by the database, with the rule of
  ``portfolio.axis_scores``: an axis with any active criterion unscored has no score) and one compact
  read of (id, name, revenue) tuples, in the account table's order (by name).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Integer, and_, case, cast, func, select
from sqlmodel import Session

from kam_core.portfolio.segmentation import axis_sums
from kam_core.store.models import AXES, Account, AccountYear, Criterion, Score


@dataclass(frozen=True)
class AccountFigures:
    """The account's figures of ``overview.account_table`` that the deck shows (None when missing)."""

    revenue_year: int
    revenue: float | None
    growth_pct: float | None
    share_of_wallet_pct: float | None


def _round(value: float, digits: int) -> float:
    """As pandas ``Series.round`` rounds (numpy's rounding, not Python's)."""
    return float(np.round(np.float64(value), digits))


def _float(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def account_figures(session: Session, account_id: int, year: int) -> AccountFigures:
    """Revenue of ``year`` (the last closed year), growth on the year before and share of wallet,
    computed as ``overview.account_table`` computes them, from this account's rows only."""
    rows = session.execute(
        select(AccountYear.year, AccountYear.revenue, AccountYear.category_spend).where(
            AccountYear.account_id == account_id, AccountYear.year.in_([year - 1, year])
        )
    ).all()
    by_year = {row[0]: (_float(row[1]), _float(row[2])) for row in rows}
    revenue, spend = by_year.get(year, (None, None))
    previous = by_year.get(year - 1, (None, None))[0]
    share = None if revenue is None or spend is None or not spend > 0 else _round(100.0 * revenue / spend, 1)
    growth = (
        None
        if revenue is None or previous is None or not previous > 0
        else _round(100.0 * (revenue / previous - 1.0), 1)
    )
    return AccountFigures(year, revenue, growth, share)


def axis_positions(session: Session, period: str, exclude: int | None = None) -> dict[int, tuple[float, float]]:
    """(attractiveness, strength) of every account fully scored on both axes in ``period``, exactly as
    ``portfolio.segments`` gives them (same arithmetic and rounding), from per-account sums the
    database computes."""
    expected = dict(
        session.execute(
            select(Criterion.axis, func.count(Criterion.id)).where(Criterion.active).group_by(Criterion.axis)
        ).all()
    )
    statement = axis_sums(period)
    if exclude is not None:
        statement = statement.where(Score.account_id != exclude)
    rows = session.execute(statement).all()
    if not rows:
        return {}
    ids, axes, weighted, weight, scored = zip(*rows)
    weighted, weight = np.asarray(weighted, dtype=float), np.asarray(weight, dtype=float)
    wanted = np.asarray([int(expected.get(axis, 0)) for axis in axes])
    complete = (np.asarray(scored) == wanted) & (wanted > 0) & (weight > 0)
    means = np.round(np.divide(weighted, weight, out=np.full(len(rows), np.nan), where=weight > 0), 6)
    found: dict[int, dict[str, float]] = {}
    for account_id, axis, ok, mean in zip(ids, axes, complete.tolist(), means.tolist()):
        if ok:
            found.setdefault(account_id, {})[axis] = mean
    return {
        account_id: (values["attractiveness"], values["strength"])
        for account_id, values in found.items()
        if len(values) == len(AXES)
    }


def matrix_others(session: Session, period: str, year: int, account_id: int) -> pd.DataFrame:
    """The programme's other accounts placed on the matrix of ``period`` (archived ones left out, as
    ``matrix.matrix_table`` does), in the account table's order (by name): account_id,
    attractiveness, strength and revenue of ``year``, the only columns the deck's anonymous bubbles
    need."""
    positions = axis_positions(session, period, exclude=account_id)
    columns = ["account_id", "attractiveness", "strength", "revenue"]
    if not positions:
        return pd.DataFrame(columns=columns)
    rows = session.execute(
        select(Account.id, AccountYear.revenue)
        .outerjoin(AccountYear, and_(AccountYear.account_id == Account.id, AccountYear.year == year))
        .where(Account.status != "archived", Account.id != account_id)
        .order_by(Account.name)
    ).all()
    placed = [(other, *positions[other], revenue) for other, revenue in rows if other in positions]
    return pd.DataFrame(placed, columns=columns)


def _bin(position, last: int, dialect: str):
    """The whole part of a position (never negative), at most ``last``. CAST to an integer truncates in
    SQLite but rounds in PostgreSQL, and a two-argument min() is SQLite's alone."""
    whole = cast(func.trunc(position) if dialect == "postgresql" else position, Integer)
    return case((whole > last, last), else_=whole)


def binned_others(session: Session, period: str, year: int, account_id: int, step: float) -> tuple[pd.DataFrame, int]:
    """The programme's other placed accounts (as ``matrix_others``) gathered by the database into
    square bins ``step`` score points wide, and how many accounts they hold in all.

    One row per bin that holds any, by position: the mean position of its accounts, the largest
    revenue of ``year`` among them (so the bubble drawn for a bin is as big as its biggest account's
    and the matrix's size scale, from 0 to the largest revenue, is unchanged) and ``accounts``. The
    answer has at most (10 / step)² rows whatever the size of the portfolio."""
    columns = ["account_id", "attractiveness", "strength", "revenue", "accounts"]
    cells = max(1, int(round(10.0 / step)))
    sums = axis_sums(period).where(Score.account_id != account_id).subquery()
    expected = (
        select(Criterion.axis.label("axis"), func.count(Criterion.id).label("wanted"))
        .where(Criterion.active)
        .group_by(Criterion.axis)
        .subquery()
    )
    # round(x * 1e6) / 1e6: PostgreSQL has no round(double precision, digits)
    mean = func.round(sums.c.weighted * 1.0 / sums.c.weight * 1e6) / 1e6
    positions = (
        select(
            sums.c.account_id,
            func.max(case((sums.c.axis == "attractiveness", mean))).label("attractiveness"),
            func.max(case((sums.c.axis == "strength", mean))).label("strength"),
        )
        .join(expected, expected.c.axis == sums.c.axis)
        .where(sums.c.scored == expected.c.wanted, expected.c.wanted > 0, sums.c.weight > 0)
        .group_by(sums.c.account_id)
        .having(func.count() == len(AXES))
        .subquery()
    )
    bin_a = _bin(positions.c.attractiveness / step, cells - 1, session.get_bind().dialect.name)
    bin_s = _bin(positions.c.strength / step, cells - 1, session.get_bind().dialect.name)
    rows = session.execute(
        select(
            bin_a.label("bin_a"),
            bin_s.label("bin_s"),
            func.avg(positions.c.attractiveness),
            func.avg(positions.c.strength),
            func.max(AccountYear.revenue),
            func.count(),
        )
        .select_from(positions)
        .join(Account, Account.id == positions.c.account_id)
        .outerjoin(AccountYear, and_(AccountYear.account_id == Account.id, AccountYear.year == year))
        .where(Account.status != "archived")
        .group_by("bin_a", "bin_s")
        .order_by("bin_a", "bin_s")
    ).all()
    bins = pd.DataFrame(
        [
            (-1 - index, _round(a, 6), _round(s, 6), revenue, count)
            for index, (_, _, a, s, revenue, count) in enumerate(rows)
        ],
        columns=columns,
    )
    bins["revenue"] = bins["revenue"].astype(float)
    return bins, int(bins["accounts"].sum())
