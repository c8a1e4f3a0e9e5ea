"""Properties of the segmentation rules (docs/method.md, section 1), for any criteria and scores:
an axis score is a weighted mean within 0-10, only relative weights matter, a missing score
never counts as zero, and a score equal to a threshold counts as high."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam_core.portfolio.segmentation import axis_scores, quadrant_of
from kam_core.store.models import AXES

PROPERTY = settings(max_examples=100, deadline=None)
ACCOUNT = 7

scores_0_10 = st.floats(min_value=0, max_value=10, allow_nan=False)
weights = st.floats(min_value=0.5, max_value=100, allow_nan=False)


@st.composite
def scored_account(draw):
    """Active criteria of both axes (1-6 each) and one complete account scored on all of them."""
    criteria, scores = [], []
    next_id = 1
    for axis in AXES:
        for _ in range(draw(st.integers(min_value=1, max_value=6))):
            criteria.append({"id": next_id, "axis": axis, "weight": draw(weights), "active": True})
            scores.append((ACCOUNT, next_id, draw(scores_0_10)))
            next_id += 1
    return pd.DataFrame(criteria), scores


def _frame(scores) -> pd.DataFrame:
    return pd.DataFrame(scores, columns=["account_id", "criterion_id", "value"])


def _row(scores, criteria) -> pd.Series:
    return axis_scores(_frame(scores), criteria).set_index("account_id").loc[ACCOUNT]


def _axis_values(scores, criteria, axis) -> list[float]:
    ids = set(criteria.loc[criteria["axis"] == axis, "id"])
    return [value for _, criterion_id, value in scores if criterion_id in ids]


@PROPERTY
@given(scored_account())
def test_axis_scores_stay_within_the_scores_given(case):
    criteria, scores = case
    row = _row(scores, criteria)
    for axis in AXES:
        values = _axis_values(scores, criteria, axis)
        assert 0 <= row[axis] <= 10
        assert min(values) - 1e-6 <= row[axis] <= max(values) + 1e-6  # axis scores are rounded to 6 decimals
        assert row[f"missing_{axis}"] == 0


@PROPERTY
@given(scored_account(), st.sampled_from(AXES), st.floats(min_value=0.01, max_value=1000, allow_nan=False))
def test_only_relative_weights_matter(case, axis, factor):
    criteria, scores = case
    scaled = criteria.copy()
    on_axis = scaled["axis"] == axis
    scaled.loc[on_axis, "weight"] = scaled.loc[on_axis, "weight"] * factor
    before, after = _row(scores, criteria), _row(scores, scaled)
    for each in AXES:
        assert after[each] == pytest.approx(before[each], abs=1e-6)


@PROPERTY
@given(scored_account(), st.data())
def test_a_missing_score_makes_its_axis_incomplete_never_zero(case, data):
    criteria, scores = case
    dropped = data.draw(st.integers(min_value=0, max_value=len(scores) - 1))
    axis = criteria.set_index("id").loc[scores[dropped][1], "axis"]
    other = next(each for each in AXES if each != axis)
    complete, incomplete = _row(scores, criteria), _row(scores[:dropped] + scores[dropped + 1 :], criteria)
    assert math.isnan(incomplete[axis])
    assert incomplete[f"missing_{axis}"] == 1
    assert incomplete[other] == pytest.approx(complete[other])
    assert incomplete[f"missing_{other}"] == 0


@PROPERTY
@given(scored_account(), st.lists(scores_0_10, min_size=1, max_size=3), st.sampled_from(AXES))
def test_inactive_criteria_change_nothing(case, inactive_scores, axis):
    criteria, scores = case
    first_id = int(criteria["id"].max()) + 1
    retired = [{"id": first_id + k, "axis": axis, "weight": 50.0, "active": False} for k in range(len(inactive_scores))]
    with_retired = pd.concat([criteria, pd.DataFrame(retired)], ignore_index=True)
    extra = [(ACCOUNT, first_id + k, value) for k, value in enumerate(inactive_scores)]
    before, after = _row(scores, criteria), _row(scores + extra, with_retired)
    for each in AXES:
        assert after[each] == pytest.approx(before[each])
        assert after[f"missing_{each}"] == 0


@PROPERTY
@given(scored_account(), st.permutations(range(12)))
def test_row_order_changes_nothing(case, order):
    criteria, scores = case
    shuffled = [scores[i] for i in order if i < len(scores)]
    before, after = _row(scores, criteria), _row(shuffled, criteria)
    for axis in AXES:
        assert after[axis] == pytest.approx(before[axis], rel=1e-12)


@PROPERTY
@given(scores_0_10, scores_0_10, scores_0_10, scores_0_10)
def test_a_score_at_or_above_its_threshold_counts_as_high(attractiveness, strength, attr_threshold, str_threshold):
    quadrant = quadrant_of(attractiveness, strength, attr_threshold, str_threshold)
    high_attractiveness = quadrant in ("strategic", "develop")
    high_strength = quadrant in ("strategic", "maintain")
    assert high_attractiveness == (attractiveness >= attr_threshold)
    assert high_strength == (strength >= str_threshold)


@PROPERTY
@given(scores_0_10, scores_0_10)
def test_a_score_equal_to_both_thresholds_is_strategic(attr_threshold, str_threshold):
    assert quadrant_of(attr_threshold, str_threshold, attr_threshold, str_threshold) == "strategic"


@PROPERTY
@given(st.one_of(st.none(), st.just(float("nan"))), scores_0_10, scores_0_10, scores_0_10)
def test_no_quadrant_without_both_axis_scores(missing, present, attr_threshold, str_threshold):
    assert quadrant_of(missing, present, attr_threshold, str_threshold) is None
    assert quadrant_of(present, missing, attr_threshold, str_threshold) is None
