"""Segmentation rules: weighted axis scores, missing scores, quadrants."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kam_core.portfolio.segmentation import axis_scores, quadrant_of

CRITERIA = pd.DataFrame(
    [
        {"id": 1, "axis": "attractiveness", "weight": 60, "active": True},
        {"id": 2, "axis": "attractiveness", "weight": 40, "active": True},
        {"id": 3, "axis": "strength", "weight": 100, "active": True},
        {"id": 4, "axis": "strength", "weight": 50, "active": False},
    ]
)


def _scores(rows):
    return pd.DataFrame(rows, columns=["account_id", "criterion_id", "value"])


def test_axis_score_is_the_weighted_mean_of_active_criteria():
    result = axis_scores(_scores([(7, 1, 8.0), (7, 2, 3.0), (7, 3, 6.0), (7, 4, 0.0)]), CRITERIA)
    row = result.set_index("account_id").loc[7]
    assert row["attractiveness"] == pytest.approx(8 * 0.6 + 3 * 0.4)
    assert row["strength"] == pytest.approx(6.0)  # the inactive criterion is ignored
    assert row["missing_attractiveness"] == 0


def test_a_missing_score_never_counts_as_zero():
    result = axis_scores(_scores([(7, 1, 9.0), (7, 3, 6.0)]), CRITERIA).set_index("account_id").loc[7]
    assert math.isnan(result["attractiveness"])
    assert result["missing_attractiveness"] == 1
    assert result["strength"] == pytest.approx(6.0)


def test_no_scores_give_an_empty_table():
    assert axis_scores(_scores([]), CRITERIA).empty


@pytest.mark.parametrize(
    "attractiveness, strength, expected",
    [
        (8, 8, "strategic"),
        (5, 5, "strategic"),
        (8, 2, "develop"),
        (2, 8, "maintain"),
        (4.9, 4.9, "opportunistic"),
        (None, 8, None),
        (float("nan"), 8, None),
    ],
)
def test_quadrants_split_at_the_thresholds(attractiveness, strength, expected):
    assert quadrant_of(attractiveness, strength, 5, 5) == expected


def test_thresholds_are_configurable():
    assert quadrant_of(6, 6, attractiveness_threshold=7, strength_threshold=5) == "maintain"


def test_a_mean_equal_to_the_threshold_counts_as_high():
    criteria = pd.DataFrame(
        [
            {"id": 1, "axis": "attractiveness", "weight": 10, "active": True},
            {"id": 2, "axis": "attractiveness", "weight": 90, "active": True},
            {"id": 3, "axis": "strength", "weight": 100, "active": True},
        ]
    )
    row = axis_scores(_scores([(1, 1, 4.1), (1, 2, 5.1), (1, 3, 5.0)]), criteria).iloc[0]
    assert row["attractiveness"] == 5.0  # 0.41 + 4.59, not 4.999999999999999
    assert quadrant_of(row["attractiveness"], row["strength"]) == "strategic"


def test_the_programme_axis_scores_summed_by_the_database_equal_the_scores_read_row_by_row(demo_engine):
    from sqlalchemy import select
    from sqlmodel import Session

    from kam_core.portfolio.scoring import scored_periods
    from kam_core.portfolio.segmentation import load_criteria, programme_axis_scores
    from kam_core.store.frames import rows_frame
    from kam_core.store.models import Score

    def load_scores(session, period):  # the scores row by row, as segments read them before
        rows = session.execute(
            select(Score.account_id, Score.criterion_id, Score.value).where(Score.period == period)
        ).all()
        return rows_frame(rows, ["account_id", "criterion_id", "value"])

    with Session(demo_engine) as session:
        periods = scored_periods(session)
        assert len(periods) > 1
        for period in periods:
            fast = programme_axis_scores(session, period)
            slow = axis_scores(load_scores(session, period), load_criteria(session))
            pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True), check_dtype=False)
