"""The matrix table, its summary, movements, capacity; the chart and the files it exports to."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlmodel import Session

from kam_core.documents.charts import MATRIX_SELECTION, MatrixLabels, matrix_chart
from kam_core.exchange import exports
from kam_core.portfolio.matrix import (
    StrategicCapacity,
    incomplete_accounts,
    matrix_table,
    movements,
    quadrant_summary,
    strategic_capacity,
)
from kam_core.portfolio.overview import account_table
from kam_core.portfolio.segmentation import Thresholds, segments
from kam_core.store import db
from tests.conftest import TODAY

ACCOUNTS = pd.DataFrame(
    [
        {
            "account_id": i,
            "name": f"A{i}",
            "group": None,
            "sector": "Energy",
            "country": "FR",
            "kam": "K",
            "status": status,
            "revenue": revenue,
            "potential_3y": 10.0 * revenue,
            "share_of_wallet_pct": 20.0,
        }
        for i, status, revenue in [
            (1, "active", 50.0),
            (2, "active", 30.0),
            (3, "prospect", 20.0),
            (4, "archived", 99.0),
        ]
    ]
)


def _segments(rows):
    return pd.DataFrame(
        rows,
        columns=["account_id", "attractiveness", "strength", "quadrant", "missing_attractiveness", "missing_strength"],
    )


NOW = _segments(
    [
        (1, 8.0, 8.0, "strategic", 0, 0),
        (2, 7.0, 3.0, "develop", 0, 0),
        (3, float("nan"), 6.0, None, 2, 0),
        (4, 9.0, 9.0, "strategic", 0, 0),
    ]
)
BEFORE = _segments([(1, 7.5, 4.0, "develop", 0, 0), (2, 7.0, 3.5, "develop", 0, 0)])


def test_an_account_without_any_score_misses_every_criterion():
    table = matrix_table(ACCOUNTS, NOW[NOW["account_id"] != 3], active_criteria=12).set_index("account_id")
    assert table.loc[3, "missing"] == 12 and table.loc[3, "quadrant"] == "unscored"


def test_matrix_table_leaves_archived_out_and_marks_incomplete():
    table = matrix_table(ACCOUNTS, NOW)
    assert table["account_id"].tolist() == [1, 2, 3]
    assert table.set_index("account_id").loc[3, "quadrant"] == "unscored"
    assert incomplete_accounts(table).to_dict("records") == [{"account_id": 3, "name": "A3", "missing": 2}]


def test_movement_since_an_earlier_period():
    table = matrix_table(ACCOUNTS, NOW, BEFORE).set_index("account_id")
    assert table.loc[1, "moved"] and not table.loc[2, "moved"] and not table.loc[3, "moved"]
    assert table.loc[1, "delta_strength"] == 4.0
    assert movements(table.reset_index())[["name", "prev_quadrant", "quadrant"]].values.tolist() == [
        ["A1", "develop", "strategic"]
    ]
    assert movements(matrix_table(ACCOUNTS, NOW)).empty


def test_quadrant_summary():
    summary = quadrant_summary(matrix_table(ACCOUNTS, NOW)).set_index("quadrant")
    assert summary.loc["strategic", "accounts"] == 1 and summary.loc["strategic", "revenue"] == 50.0
    assert summary.loc["strategic", "revenue_share_pct"] == 50.0
    assert summary.loc["develop", "potential"] == 300.0
    assert summary.loc["unscored", "accounts"] == 1 and summary.loc["maintain", "accounts"] == 0


@pytest.mark.parametrize(
    "strategic, programme, kams, per_kam, over",
    [(12, 12, 6, 4, 0), (12, 10, 6, 4, 2), (12, 35, 2, 4, 4), (3, 35, 0, 4, 3)],
)
def test_capacity_is_the_smaller_of_programme_cap_and_kam_capacity(strategic, programme, kams, per_kam, over):
    assert StrategicCapacity(strategic, programme, kams, per_kam).over_by == over


def test_capacity_counts_strategic_accounts_of_the_table():
    assert strategic_capacity(matrix_table(ACCOUNTS, NOW), 10, 2, 3).strategic == 1


LABELS = MatrixLabels(
    "Attractiveness",
    "Strength",
    {q: q.title() for q in ("strategic", "develop", "maintain", "opportunistic")},
    "Account",
    "Revenue",
    "Potential",
    "SoW",
    "KAM",
    "Segment",
    "Sector",
    "Before",
)


def _chart(**options):
    return matrix_chart(
        matrix_table(ACCOUNTS, NOW, BEFORE), attractiveness_threshold=5, strength_threshold=5, labels=LABELS, **options
    )


def test_the_chart_is_clickable_and_shows_movement_only_when_asked():
    spec = _chart(show_movement=True, selected_id=1).to_dict()
    assert spec["params"][0]["name"] == MATRIX_SELECTION
    marks = [
        layer.get("mark", {}).get("type") if isinstance(layer.get("mark"), dict) else layer.get("mark")
        for layer in spec["layer"]
    ]
    assert "rule" in marks and marks.count("point") >= 2  # arrows, earlier positions, selected ring
    without = _chart(show_movement=False).to_dict()
    assert len(without["layer"]) < len(spec["layer"])


def test_exports_are_real_files():
    chart = _chart()
    assert exports.chart_png(chart)[:8] == b"\x89PNG\r\n\x1a\n"
    svg = exports.chart_svg(chart).decode()
    assert svg.lstrip().startswith("<svg") and "Strategic" in svg
    table = pd.DataFrame({"Account": ["Société Énergie"], "Score": [7.5]})
    assert exports.table_csv(table).startswith(b"\xef\xbb\xbf")
    assert pd.read_excel(io.BytesIO(exports.table_xlsx(table, "2026-Q4"))).equals(table)


def test_on_the_demo_portfolio_every_scored_account_has_a_place(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        accounts = account_table(session, TODAY)
        now, before = segments(session, "2026-Q4", Thresholds()), segments(session, "2026-Q3", Thresholds())
    table = matrix_table(accounts, now, before)
    assert table["scored"].sum() == now["quadrant"].notna().sum()
    assert table["moved"].any()  # the demo shows movement since last quarter
    assert 1 <= len(incomplete_accounts(table)) <= 3
