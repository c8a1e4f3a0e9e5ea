"""Query results as DataFrames."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd


def rows_frame(rows: Iterable[Sequence], columns: list[str]) -> pd.DataFrame:
    """A DataFrame of query rows. SQLAlchemy's Row is not a tuple: pandas takes the slow path for
    it (a check per row and cell), about five times slower than for the same rows as tuples."""
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)
