"""The agenda builders: which accounts a workshop should look at, read off the portfolio matrix
(``portfolio.matrix.matrix_table`` of the session's quarter against the one before).

- movers: accounts whose quadrant changed since the previous quarter (``matrix.movements``);
- candidates for Strategic: accounts placed outside Strategic whose two axis scores each stand at
  most ``CANDIDATE_MARGIN`` points below their threshold (so a push on both axes would place them
  there), nearest the Strategic corner first;
- incomplete: accounts in the programme with an active criterion not scored this quarter (they
  have no place on the matrix), most criteria missing first.
By hand: any account, in the order the facilitator picks them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.portfolio import matrix, overview
from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
from kam_core.programme.periods import shift_period
from kam_core.store.models import Criterion

KINDS = ("movers", "candidates", "incomplete")
CANDIDATE_MARGIN = 1.5  # points below a threshold, on each axis


def portfolio_table(session: Session, period: str, today: date) -> tuple[pd.DataFrame, Thresholds]:
    """The matrix table of ``period`` compared with the quarter before, and the programme's thresholds."""
    programme = load_programme(session)
    thresholds = Thresholds(programme.attractiveness_threshold, programme.strength_threshold)
    active = session.execute(select(func.count(Criterion.id)).where(Criterion.active.is_(True))).scalar_one()
    table = matrix.matrix_table(
        overview.account_table(session, today),
        segments(session, period, thresholds),
        segments(session, shift_period(period, -1), thresholds),
        active_criteria=active,
    )
    return table, thresholds


def movers(table: pd.DataFrame) -> list[int]:
    return [int(a) for a in matrix.movements(table).sort_values("name")["account_id"]]


def strategic_candidates(table: pd.DataFrame, thresholds: Thresholds, margin: float = CANDIDATE_MARGIN) -> list[int]:
    placed = table[table["scored"] & (table["quadrant"] != "strategic")].copy()
    short_a = (thresholds.attractiveness - placed["attractiveness"]).clip(lower=0)
    short_s = (thresholds.strength - placed["strength"]).clip(lower=0)
    placed["distance"] = short_a + short_s
    near = placed[(short_a <= margin) & (short_s <= margin)]
    return [int(a) for a in near.sort_values(["distance", "name"])["account_id"]]


def incomplete(table: pd.DataFrame) -> list[int]:
    missing = matrix.incomplete_accounts(table)
    return [int(a) for a in missing.sort_values(["missing", "name"], ascending=[False, True])["account_id"]]


def suggest(table: pd.DataFrame, thresholds: Thresholds, kind: str) -> list[int]:
    """The accounts a builder proposes, in agenda order."""
    if kind == "movers":
        return movers(table)
    if kind == "candidates":
        return strategic_candidates(table, thresholds)
    if kind == "incomplete":
        return incomplete(table)
    raise ValueError(f"unknown agenda builder: {kind!r}")
