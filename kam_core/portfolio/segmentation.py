"""Portfolio segmentation: axis scores from weighted criteria, quadrants, capacity.

Rules (docs/method.md, section 1):
- an axis score is the weighted mean (0-10) of the account's scores on that axis's active
  criteria for one period;
- a missing score never counts as zero: an account missing any active criterion of an axis has
  no score on that axis and is listed as incomplete;
- quadrants split at configurable thresholds (default 5/5); a score equal to a threshold counts
  as high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.store.frames import rows_frame
from kam_core.store.models import AXES, Criterion, Programme, Score

QUADRANTS = ("strategic", "develop", "maintain", "opportunistic")


def quadrant_of(
    attractiveness: float | None,
    strength: float | None,
    attractiveness_threshold: float = 5.0,
    strength_threshold: float = 5.0,
) -> str | None:
    """The quadrant of one account, or None when an axis score is missing."""
    if attractiveness is None or strength is None or _isnan(attractiveness) or _isnan(strength):
        return None
    high_attractiveness = attractiveness >= attractiveness_threshold
    high_strength = strength >= strength_threshold
    if high_attractiveness and high_strength:
        return "strategic"
    if high_attractiveness:
        return "develop"
    if high_strength:
        return "maintain"
    return "opportunistic"


def _isnan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def placed(quadrant) -> str | None:
    """A quadrant's code, or None when the account has no place in the matrix (None, NaN, "unscored")."""
    return quadrant if isinstance(quadrant, str) and quadrant in QUADRANTS else None


@dataclass(frozen=True)
class SegmentChange:
    """What a save did to an account's segment: ``before`` is None on its first full scoring."""

    before: str | None
    after: str


def segment_change(before, after) -> SegmentChange | None:
    """The account's move between two positions (quadrant codes, None or NaN when not placed), or None
    when it has no place after the save or stays where it was."""
    before, after = placed(before), placed(after)
    if after is None or before == after:
        return None
    return SegmentChange(before, after)


def axis_scores(scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean per account and axis.

    ``scores``: columns account_id, criterion_id, value (one period).
    ``criteria``: columns id, axis, weight, active.
    Returns one row per account present in ``scores`` with columns ``attractiveness``,
    ``strength`` (NaN when incomplete) and ``missing_attractiveness``, ``missing_strength``
    (how many active criteria of that axis have no score).
    """
    active = criteria[criteria["active"].astype(bool)]
    columns = ["account_id", *AXES, *(f"missing_{axis}" for axis in AXES)]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    merged = scores.merge(active[["id", "axis", "weight"]], left_on="criterion_id", right_on="id", how="inner")
    merged["weighted"] = merged["value"] * merged["weight"]
    grouped = merged.groupby(["account_id", "axis"]).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), count=("value", "size")
    )
    result = pd.DataFrame(index=pd.Index(sorted(scores["account_id"].unique()), name="account_id"))
    for axis in AXES:
        expected = int((active["axis"] == axis).sum())
        try:
            part = grouped.xs(axis, level="axis")
        except KeyError:
            part = pd.DataFrame(columns=["weighted", "weight", "count"])
        count = part["count"].reindex(result.index).fillna(0).astype(int)
        mean = (part["weighted"] / part["weight"].where(part["weight"] > 0)).reindex(result.index)
        result[f"missing_{axis}"] = expected - count
        # rounded so that a weighted mean that is 5 on paper is not 4.999999999999999 at a threshold
        result[axis] = mean.where((count == expected) & (expected > 0)).astype(float).round(6)
    return result.reset_index()[columns]


@dataclass(frozen=True)
class Thresholds:
    attractiveness: float = 5.0
    strength: float = 5.0


def load_programme(session: Session) -> Programme:
    programme = session.get(Programme, 1)
    if programme is None:
        raise LookupError("programme settings are missing")
    return programme


def load_criteria(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Criterion.id, Criterion.axis, Criterion.name, Criterion.weight, Criterion.position, Criterion.active
        ).order_by(Criterion.axis, Criterion.position)
    ).all()
    return rows_frame(rows, ["id", "axis", "name", "weight", "position", "active"])


def axis_sums(period: str):
    """Per account and axis of ``period``: the weighted sum of the active criteria's scores, the sum of
    their weights and how many there are (``axis_scores``'s inner join on active criteria), summed
    by the database."""
    return (
        select(
            Score.account_id.label("account_id"),
            Criterion.axis.label("axis"),
            func.coalesce(func.sum(Score.value * Criterion.weight), 0.0).label("weighted"),
            func.coalesce(func.sum(Criterion.weight), 0.0).label("weight"),
            func.count().label("scored"),
        )
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.period == period, Criterion.active)
        .group_by(Score.account_id, Criterion.axis)
    )


def programme_axis_scores(session: Session, period: str) -> pd.DataFrame:
    """``axis_scores`` of every account scored in ``period``, from per-account sums the database
    computes: a programme's scores (10,000 accounts x 12 criteria) never travel row by row."""
    core = session.connection()  # plain rows: the ORM's row processing costs more than the query here
    expected = dict(
        core.execute(
            select(Criterion.axis, func.count(Criterion.id)).where(Criterion.active).group_by(Criterion.axis)
        ).all()
    )
    present = sorted(core.execute(select(Score.account_id).where(Score.period == period).distinct()).scalars())
    columns = ["account_id", *AXES, *(f"missing_{axis}" for axis in AXES)]
    if not present:
        return pd.DataFrame(columns=columns)
    sums = rows_frame(core.execute(axis_sums(period)).all(), ["account_id", "axis", "weighted", "weight", "scored"])
    table = pd.DataFrame({"account_id": present})
    for axis in AXES:
        part = sums[sums["axis"] == axis].set_index("account_id").reindex(present)
        count = part["scored"].fillna(0).astype(int).to_numpy()
        wanted = int(expected.get(axis, 0))
        weight = part["weight"].astype(float)
        mean = (part["weighted"].astype(float) / weight.where(weight > 0)).to_numpy()
        table[f"missing_{axis}"] = wanted - count
        # rounded so that a weighted mean that is 5 on paper is not 4.999999999999999 at a threshold
        table[axis] = pd.Series(mean).where((count == wanted) & (wanted > 0)).astype(float).round(6).to_numpy()
    return table[columns]


def segments(session: Session, period: str, thresholds: Thresholds) -> pd.DataFrame:
    """Axis scores and quadrant of every scored account for ``period``."""
    table = programme_axis_scores(session, period)
    table["quadrant"] = [
        quadrant_of(a, s, thresholds.attractiveness, thresholds.strength)
        for a, s in zip(table["attractiveness"], table["strength"])
    ]
    return table


@dataclass(frozen=True)
class Capacity:
    strategic: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.strategic > self.capacity
