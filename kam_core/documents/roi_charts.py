"""The programme's return on investment as Altair charts (``kam_core.programme.roi``'s ``RoiResult``),
for the ROI page: sizes for a projector, words in English or French (catalog keys ``roi.chart.*``),
money written by the language's Vega locale (the page draws them through ``memo.draw_chart``).

- ``j_curve_chart``: the "J curve", the cumulative incremental margin against the cumulative cost per
  year of the horizon. The recorded years are solid lines with filled points; the forecast years (from
  the current year on: the account plans, not records) sit on a grey band titled "Forecast", their
  lines dashed and their points hollow; the payback year (the first year the cumulative margin reaches
  the cumulative cost) is a green rule named at its top.
- ``contribution_chart``: each account's net contribution over the horizon (its incremental margin
  less its KAM's and its executives' cost; the other programme costs are not allocated), one bar an
  account sorted from the largest down: green for the accounts that carry the return, red for those
  that cost more than they bring, the amount written at the bar's end. At most ``MAX_BARS`` bars: the
  largest and the smallest half each (``shown_contributions`` says how many are left out; the page
  lists them all in a table below).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from kam_core.common.formatting import money
from kam_core.i18n import translate
from kam_core.programme.roi import AccountContribution, RoiResult

MARGIN_COLOUR = "#0B4F8A"  # the app's primary colour
COST_COLOUR = "#C2410C"
CARRIES_COLOUR = "#15803D"
COSTS_COLOUR = "#B91C1C"
PAYBACK_COLOUR = "#15803D"
FORECAST_FILL = "#EEF2F7"
MONEY_AXIS = "$,.3~s"  # d3: "€1.2M" / "1,2M €" in the language's Vega locale
MAX_BARS = 30
BAR_HEIGHT = 30  # pixels per account
AXIS = {"labelFontSize": 16, "titleFontSize": 16}
CHART_FRAME = 120  # pixels of the contribution chart's legend, axis and axis title, above and below the bars


def _t(key: str, language: str, **params) -> str:
    return translate(key, language, **params)


def j_curve_frame(result: RoiResult, language: str, currency: str) -> pd.DataFrame:
    """One row per series, year and phase: the cumulative margin and the cumulative cost, the recorded
    years in phase "recorded", the forecast years in phase "forecast" with the last recorded year
    repeated at their start (the dashed line then starts where the solid one ends)."""
    series = {
        "margin": _t("roi.chart.cumulative_margin", language),
        "cost": _t("roi.chart.cumulative_cost", language),
    }
    phases = {"recorded": _t("roi.chart.recorded", language), "forecast": _t("roi.chart.forecast", language)}
    rows = []
    years = list(result.years)
    first_forecast = next((index for index, row in enumerate(years) if row.forecast), None)
    for index, row in enumerate(years):
        phase_codes = ["forecast" if row.forecast else "recorded"]
        if first_forecast is not None and index == first_forecast - 1:
            phase_codes.append("forecast")  # the joint: the dashed line starts here
        for code in phase_codes:
            for kind, value in (("margin", row.cumulative_margin), ("cost", row.cumulative_cost)):
                rows.append(
                    {
                        "year": row.year,
                        "kind": kind,
                        "series": series[kind],
                        "phase": phases[code],
                        "forecast": bool(row.forecast),
                        "value": float(value),
                        "text": money(value, currency, language),
                    }
                )
    return pd.DataFrame(rows, columns=["year", "kind", "series", "phase", "forecast", "value", "text"]).astype(
        {"year": int, "value": float}
    )


def j_curve_chart(result: RoiResult, language: str, currency: str, height: int = 520) -> alt.LayerChart:
    """See the module's docstring. ``result`` must hold at least one year. ``height``: the whole chart's,
    its legend and axes included (a page fits the chart into it)."""
    data = j_curve_frame(result, language, currency)
    years = [row.year for row in result.years]
    low, high = min(years) - 0.5, max(years) + 0.5
    word_series = [_t("roi.chart.cumulative_margin", language), _t("roi.chart.cumulative_cost", language)]
    word_phase = [_t("roi.chart.recorded", language), _t("roi.chart.forecast", language)]
    scale = alt.Scale(domain=[low, high], nice=False, zero=False)
    x = alt.X(
        "year:Q",
        title=None,
        scale=scale,
        axis=alt.Axis(format="d", values=years, labelAngle=0, grid=False, **AXIS),
    )
    y = alt.Y("value:Q", title=_t("roi.chart.money_axis", language), axis=alt.Axis(format=MONEY_AXIS, **AXIS))
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=word_series, range=[MARGIN_COLOUR, COST_COLOUR]),
        legend=alt.Legend(
            title=None, orient="top", labelFontSize=18, symbolSize=300, symbolStrokeWidth=4, labelLimit=0
        ),
    )
    dash = alt.StrokeDash(
        "phase:N",
        scale=alt.Scale(domain=word_phase, range=[[1, 0], [10, 6]]),
        legend=alt.Legend(
            title=None, orient="top", labelFontSize=18, symbolStrokeWidth=4, symbolSize=400, labelLimit=0
        ),
    )
    tooltip = [
        alt.Tooltip("year:Q", title=_t("roi.col.year", language), format="d"),
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("text:N", title=_t("roi.chart.amount", language)),
        alt.Tooltip("phase:N", title=_t("roi.chart.phase", language)),
    ]
    layers = []
    forecast_years = [row.year for row in result.years if row.forecast]
    if forecast_years:
        band = pd.DataFrame(
            {"start": [min(forecast_years) - 0.5], "end": [high], "label": [_t("roi.chart.forecast_band", language)]}
        )
        layers.append(
            alt.Chart(band).mark_rect(color=FORECAST_FILL).encode(x=alt.X("start:Q", scale=scale), x2="end:Q")
        )
        layers.append(
            alt.Chart(band)
            .mark_text(align="left", baseline="top", dx=8, dy=8, fontSize=18, fontWeight="bold", color="#4B5563")
            .encode(x=alt.X("start:Q", scale=scale), y=alt.value(0), text="label:N")
        )
    lines = alt.Chart(data).mark_line(strokeWidth=4).encode(x=x, y=y, color=colour, strokeDash=dash)
    points = (
        alt.Chart(data)
        .transform_filter(~((alt.datum.phase == word_phase[1]) & ~alt.datum.forecast))  # the joint once, solid
        .mark_point(size=140, strokeWidth=3, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            fill=alt.condition(alt.datum.forecast, alt.value("white"), colour),
            tooltip=tooltip,
        )
    )
    layers += [lines, points]
    if result.payback_year is not None:
        payback = pd.DataFrame(
            {"year": [result.payback_year], "label": [_t("roi.chart.payback", language, year=result.payback_year)]}
        )
        layers.append(
            alt.Chart(payback)
            .mark_rule(color=PAYBACK_COLOUR, strokeWidth=3, strokeDash=[4, 4])
            .encode(x=alt.X("year:Q", scale=scale))
        )
        layers.append(
            alt.Chart(payback)
            .mark_text(
                align="right", baseline="top", dx=-8, dy=40, fontSize=18, fontWeight="bold", color=PAYBACK_COLOUR
            )
            .encode(x=alt.X("year:Q", scale=scale), y=alt.value(0), text="label:N")
        )
    return alt.layer(*layers).properties(height=height).configure_view(stroke="#D1D5DB")


def shown_contributions(result: RoiResult, limit: int = MAX_BARS) -> tuple[list[AccountContribution], int]:
    """The accounts the bar chart draws, sorted by net contribution from the largest down (ties by
    name), and how many are left out: all of them up to ``limit``, else the ``limit // 2`` largest
    and the ``limit - limit // 2`` smallest."""
    ranked = sorted(result.accounts, key=lambda row: (-row.net, row.name.casefold(), row.account_id))
    if len(ranked) <= limit:
        return ranked, 0
    top = limit // 2
    return [*ranked[:top], *ranked[len(ranked) - (limit - top) :]], len(ranked) - limit


def contribution_frame(result: RoiResult, language: str, currency: str, limit: int = MAX_BARS) -> pd.DataFrame:
    rows, _ = shown_contributions(result, limit)
    names = [row.name for row in rows]
    repeated = {name for name in names if names.count(name) > 1}
    kinds = {True: _t("roi.chart.carries", language), False: _t("roi.chart.costs", language)}
    return pd.DataFrame(
        {
            "account_id": [row.account_id for row in rows],
            "label": [f"{row.name} #{row.account_id}" if row.name in repeated else row.name for row in rows],
            "net": [float(row.net) for row in rows],
            "carries": [row.net >= 0 for row in rows],
            "kind": [kinds[row.net >= 0] for row in rows],
            "text": [money(row.net, currency, language) for row in rows],
            "margin": [money(row.incremental_margin, currency, language) for row in rows],
            "cost": [money(row.kam_cost + row.executive_cost, currency, language) for row in rows],
        },
        columns=["account_id", "label", "net", "carries", "kind", "text", "margin", "cost"],
    )


def contribution_chart(result: RoiResult, language: str, currency: str, limit: int = MAX_BARS) -> alt.LayerChart:
    """See the module's docstring."""
    data = contribution_frame(result, language, currency, limit)
    kinds = [_t("roi.chart.carries", language), _t("roi.chart.costs", language)]
    y = alt.Y(
        "label:N",
        title=None,
        sort=list(data["label"]),
        scale=alt.Scale(paddingInner=0.25),
        axis=alt.Axis(labelFontSize=16, labelLimit=320, ticks=False, domain=False),
    )
    low, high = min(0.0, *data["net"]), max(0.0, *data["net"])
    room = 0.2 * ((high - low) or 1.0)  # the amounts written beyond the bars' ends stay inside the plot
    x = alt.X(
        "net:Q",
        title=_t("roi.chart.net_axis", language),
        scale=alt.Scale(domain=[low - room if low < 0 else 0.0, high + room if high > 0 else 0.0]),
        axis=alt.Axis(format=MONEY_AXIS, **AXIS),
    )
    tooltip = [
        alt.Tooltip("label:N", title=_t("roi.col.account", language)),
        alt.Tooltip("text:N", title=_t("roi.col.net", language)),
        alt.Tooltip("margin:N", title=_t("roi.col.incremental_margin", language)),
        alt.Tooltip("cost:N", title=_t("roi.col.account_cost", language)),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[CARRIES_COLOUR, COSTS_COLOUR]),
                legend=alt.Legend(title=None, orient="top", labelFontSize=18, symbolSize=300, labelLimit=0),
            ),
            tooltip=tooltip,
        )
    )
    zero = alt.Chart(pd.DataFrame({"net": [0.0]})).mark_rule(color="#111827", strokeWidth=1.5).encode(x="net:Q")
    plus = (
        alt.Chart(data)
        .transform_filter(alt.datum.carries)
        .mark_text(align="left", dx=6, fontSize=15, fontWeight="bold", color="#111827")
        .encode(x=x, y=y, text="text:N")
    )
    minus = (
        alt.Chart(data)
        .transform_filter(~alt.datum.carries)
        .mark_text(align="right", dx=-6, fontSize=15, fontWeight="bold", color="#111827")
        .encode(x=x, y=y, text="text:N")
    )
    height = BAR_HEIGHT * len(data) + CHART_FRAME  # the whole chart: a page fits legend and axes into it
    return alt.layer(bars, zero, plus, minus).properties(height=height).configure_view(stroke=None)
