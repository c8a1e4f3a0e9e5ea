"""A target's small trend chart (page Ambition and targets): its actual per year against the straight
line from its baseline to its target (``kam_core.programme.targets``), sized to read on a projector."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kam_core.programme.targets import Line

TREND_COLOURS = {"line": "#6B7280", "actual": "#0B4F8A"}


def trend_frame(line: Line, actuals: tuple[tuple[int, float], ...], labels: dict[str, str]) -> pd.DataFrame:
    """The chart's rows: the line's two ends, then each actual (``kind``, ``series`` as shown, ``year``, ``value``)."""
    rows = [("line", line.baseline_year, line.baseline_value), ("line", line.target_year, line.target_value)]
    rows += [("actual", year, value) for year, value in actuals]
    frame = pd.DataFrame(rows, columns=["kind", "year", "value"])
    frame["series"] = frame["kind"].map(lambda kind: labels.get(kind, kind))
    return frame.astype({"year": int, "value": float})


def trend_chart(
    line: Line, actuals: tuple[tuple[int, float], ...], *, labels: dict[str, str], height: int = 170
) -> alt.LayerChart:
    """The straight line dashed in grey from baseline to target, the actuals as a blue line with
    points; years on the axis as whole years. ``labels``: "line", "actual", "year", "value" (shown)."""
    data = trend_frame(line, actuals, labels)
    first, last = int(data["year"].min()), int(data["year"].max())
    word = {key: labels.get(key, key) for key in ("line", "actual", "year", "value")}
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=[word["line"], word["actual"]], range=list(TREND_COLOURS.values())),
        legend=alt.Legend(title=None, orient="bottom", labelFontSize=14, symbolStrokeWidth=3),
    )
    x = alt.X(
        "year:Q",
        title=None,
        scale=alt.Scale(domain=[first, last], nice=False),
        axis=alt.Axis(format="d", tickMinStep=1, labelFontSize=14, labelFlush=True),
    )
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False, nice=True), axis=alt.Axis(labelFontSize=14))
    tooltip = [
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("year:Q", title=word["year"], format="d"),
        alt.Tooltip("value:Q", title=word["value"], format=",.4~r"),
    ]
    base = alt.Chart(data)
    expected = (
        base.transform_filter(alt.datum.kind == "line")
        .mark_line(strokeDash=[8, 5], strokeWidth=2.5)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    actual = base.transform_filter(alt.datum.kind == "actual")
    return (
        alt.layer(
            expected,
            actual.mark_line(strokeWidth=3).encode(x=x, y=y, color=colour),
            actual.mark_point(filled=True, size=120, opacity=1).encode(x=x, y=y, color=colour, tooltip=tooltip),
        )
        .properties(height=height)
        .configure_view(strokeWidth=0)
    )
