"""Charts as specs: built once, drawn at every rerun (kam_core.documents.charts.chart_spec)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pyarrow as pa

from kam_core.documents.charts import MatrixLabels, chart_spec, matrix_chart

LABELS = MatrixLabels(
    attractiveness="Attractiveness",
    strength="Our strength",
    quadrants={
        "strategic": "Strategic",
        "develop": "Develop",
        "maintain": "Maintain",
        "opportunistic": "Opportunistic",
    },
    name="Account",
    revenue="Revenue",
    potential="Potential",
    share_of_wallet="Share",
    kam="KAM",
    quadrant="Segment",
    sector="Sector",
    previous="Before",
)


def _points(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": range(1, count + 1),
            "name": [f"Account {i}" for i in range(count)],
            "strength": [i % 10 + 0.5 for i in range(count)],
            "attractiveness": [(i * 7) % 10 + 0.2 for i in range(count)],
            "quadrant": ["strategic"] * count,
            "revenue": [1000.0 * i for i in range(count)],
            "potential_3y": [2000.0] * count,
            "share_of_wallet_pct": [30.0] * count,
            "kam": ["Ana"] * count,
            "sector": ["Banking"] * count,
            "scored": [True] * count,
            "notes": ["confidential"] * count,
            "country": ["FR"] * count,
        }
    )


def test_a_spec_keeps_its_tables_as_arrow_tables_named_in_the_spec():
    data = pd.DataFrame({"x": [1, 2, 3], "y": [4, 5, 6]})
    spec = chart_spec(alt.Chart(data).mark_point().encode(x="x:Q", y="y:Q"))
    ((name, table),) = spec["datasets"].items()
    assert spec["data"] == {"name": name}
    assert isinstance(table, pa.Table) and table.column("y").to_pylist() == [4, 5, 6]
    assert "config" not in spec or "view" not in spec["config"]  # no 300 x 300 view of Altair's default theme


def test_the_matrix_spec_sends_the_browser_only_the_columns_it_draws_and_has_no_row_limit():
    spec = chart_spec(
        matrix_chart(_points(6000), attractiveness_threshold=5, strength_threshold=5, labels=LABELS, selected_id=3)
    )
    bubbles = [table for table in spec["datasets"].values() if "area" in table.column_names]
    assert max(table.num_rows for table in bubbles) == 6000  # more than Altair's 5,000-row default
    assert all("notes" not in table.column_names and "country" not in table.column_names for table in bubbles)
    text = json.dumps({key: value for key, value in spec.items() if key != "datasets"})
    assert "Our strength" in text and '"pick"' in text  # the axis title, the click selection


def test_specs_for_pages_and_files_leave_altairs_global_settings_as_they_found_them():
    from concurrent.futures import ThreadPoolExecutor

    from kam_core.documents.charts import chart_dict

    before = alt.data_transformers.active
    big = matrix_chart(_points(6000), attractiveness_threshold=5, strength_threshold=5, labels=LABELS)

    def both(_):
        page, file = chart_spec(big), chart_dict(big)
        return len(page["datasets"]), sum(len(rows) for rows in file["datasets"].values())

    with ThreadPoolExecutor(4) as pool:  # sessions exporting while others draw
        results = list(pool.map(both, range(8)))
    assert all(tables > 0 and rows >= 6000 for tables, rows in results)  # inline data, no 5,000-row limit
    assert alt.data_transformers.active == before
