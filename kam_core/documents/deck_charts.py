"""The QBR deck's KPI charts as native PowerPoint charts (python-pptx chart objects) the KAM can edit
in PowerPoint: one line chart per joint objective (its title), the readings as a line with markers,
the target and the baseline as series of their own (flat lines), the value axis titled with the KPI's
unit, the readings' months on the category axis in the deck's language, every text at 12 pt or more.

``add_kpi_chart`` is the one function the deck's handshake slide calls; ``add_revenue_chart`` draws
the key figures' revenue by year as a native column chart (the value axis titled with the currency,
in millions, every text at 12 pt or more). The portfolio matrix stays a
picture (its collision-free labels come from ``label_layout``, which a native chart cannot place).
"""

from __future__ import annotations

import math

import pandas as pd
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Emu, Pt

from kam_core.common.formatting import currency_symbol, day, month
from kam_core.documents.charts import KPI_COLOURS
from kam_core.i18n import translate

CHART_PT = 14  # tick labels and legend
TITLE_PT = 16  # the chart's own title (the objective)
AXIS_TITLE_PT = 14
CHART_GAP = Emu(int(0.15 * 914400))  # between two stacked charts
SERIES = ("reading", "target", "baseline")  # in this order in every chart


def _categories(dates: list, language: str) -> list[str]:
    """The readings' months; their full days when two readings share a month."""
    months = [month(value, language) for value in dates]
    if len(set(months)) == len(months):
        return months
    return [day(value, language) for value in dates]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def kpi_chart_data(objective: pd.DataFrame, language: str) -> tuple[list[str], dict[str, list[float | None]]]:
    """One objective's rows of ``handshake.kpi_history`` as the chart's categories and series:
    {"reading": values, "target": the target at each category, "baseline": likewise}; a series
    without a level (no target, no baseline) is left out."""
    read = objective[objective["value"].notna() & objective["reading_date"].notna()]
    read = read.sort_values("reading_date", kind="stable")
    categories = _categories([stamp.date() for stamp in read["reading_date"]], language)
    first = objective.iloc[0]
    series: dict[str, list[float | None]] = {"reading": [float(value) for value in read["value"]]}
    for kind in ("target", "baseline"):
        if not _missing(first[kind]):
            series[kind] = [float(first[kind])] * len(categories)
    return categories, series


def value_scale(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """A round axis around [low, high]: (minimum, maximum, step), the step 1, 2 or 5 times a power of
    ten, about ``ticks`` steps; never below zero for values that are not."""
    span = (high - low) or abs(high) or 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    minimum = math.floor(low / step) * step
    maximum = math.ceil(high / step) * step
    if minimum == low and low > 0:
        minimum -= step
    if maximum == high:
        maximum += step
    if low >= 0:
        minimum = max(0.0, minimum)
    return round(minimum, 10), round(maximum, 10), round(step, 10)


def _axis_title(objective: pd.Series) -> str:
    """The value axis's title: the KPI's unit ("kWh"), or the KPI's name when it has no unit."""
    unit = str(objective["unit"] or "").strip()
    return unit or str(objective["kpi"] or "").strip()


def _font(font, size: int, bold: bool = False, colour: str = "111827") -> None:
    font.size, font.bold = Pt(size), bold
    font.color.rgb = RGBColor.from_string(colour)


def _titled(axis, text: str) -> None:
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            _font(run.font, AXIS_TITLE_PT)


def _style_series(chart) -> None:
    for plot in chart.plots:
        for series, kind in zip(plot.series, SERIES):
            colour = RGBColor.from_string(KPI_COLOURS[kind].lstrip("#"))
            series.smooth = False
            line = series.format.line
            line.color.rgb = colour
            line.width = Pt(3 if kind == "reading" else 2)
            if kind == "reading":
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 9
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
            else:
                series.marker.style = XL_MARKER_STYLE.NONE
                line.dash_style = MSO_LINE_DASH_STYLE.DASH if kind == "target" else MSO_LINE_DASH_STYLE.SOLID


def _one_chart(slide, left: int, top: int, width: int, height: int, objective: pd.DataFrame, language: str):
    categories, series = kpi_chart_data(objective, language)
    data = CategoryChartData()
    data.categories = categories
    for kind in SERIES:
        if kind in series:
            data.add_series(translate(f"handshake.kpi.{kind}", language), series[kind], number_format="General")
    shape = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, left, top, width, height, data)
    chart = shape.chart
    _font(chart.font, CHART_PT)
    chart.has_title = True
    chart.chart_title.text_frame.text = str(objective.iloc[0]["title"])
    for paragraph in chart.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            _font(run.font, TITLE_PT, bold=True)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    _font(chart.legend.font, CHART_PT)
    values = chart.value_axis
    _titled(values, _axis_title(objective.iloc[0]))
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor.from_string("E5E7EB")
    _font(values.tick_labels.font, CHART_PT)
    levels = [value for kind in series for value in series[kind]]
    if levels:  # the KPI's own range, not from zero: a 396 -> 372 kWh trend stays visible
        values.minimum_scale, values.maximum_scale, values.major_unit = value_scale(min(levels), max(levels))
    months = chart.category_axis
    months.has_title = False  # the months speak for themselves: a "Date" title is noise
    _font(months.tick_labels.font, CHART_PT)
    _style_series(chart)
    return shape


def add_kpi_chart(slide, left: float, top: float, width: float, height: float, kpi_series: pd.DataFrame, language: str):
    """One native line chart per joint objective of ``kpi_series`` (rows of ``handshake.kpi_history``:
    the readings of the objectives to chart), stacked in the box (inches) in the objectives' order.
    Objectives without a reading are left out. Returns the chart shapes."""
    read = kpi_series[kpi_series["value"].notna() & kpi_series["reading_date"].notna()]
    objectives = list(dict.fromkeys(read["objective_id"]))
    if not objectives:
        return []
    inch = 914400
    gap = CHART_GAP if len(objectives) > 1 else 0
    each = (int(height * inch) - gap * (len(objectives) - 1)) // len(objectives)
    shapes = []
    for index, identifier in enumerate(objectives):
        shapes.append(
            _one_chart(
                slide,
                Emu(int(left * inch)),
                Emu(int(top * inch) + index * (each + gap)),
                Emu(int(width * inch)),
                Emu(each),
                kpi_series[kpi_series["objective_id"] == identifier],
                language,
            )
        )
    return shapes


REVENUE_COLOUR = "1F4E79"


def placed_chart(slide, kind, data, left: float, top: float, width: float, height: float):
    """The shape of a native chart of ``kind`` drawing ``data`` in the box (inches), in the deck's chart
    type size, without a title (the slide's heading says what it is)."""
    inch = 914400
    box = (Emu(int(left * inch)), Emu(int(top * inch)), Emu(int(width * inch)), Emu(int(height * inch)))
    shape = slide.shapes.add_chart(kind, *box, data)
    _font(shape.chart.font, CHART_PT)
    shape.chart.has_title = False
    return shape


def add_revenue_chart(
    slide, left: float, top: float, width: float, height: float, years: pd.DataFrame, currency: str, language: str
):
    """The revenue with us by year (``years``: columns ``year`` and ``revenue``) as a native column
    chart in the box (inches): one column a year, its value written on it, the value axis titled
    "Revenue (€ million)"."""
    data = CategoryChartData()
    data.categories = [str(int(year)) for year in years["year"]]
    millions = [round(float(value) / 1e6, 2) for value in years["revenue"].fillna(0)]
    data.add_series(translate("qbr.chart.revenue", language), millions, number_format="#,##0.0")
    shape = placed_chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, data, left, top, width, height)
    chart = shape.chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = "#,##0.0", False
    _font(labels.font, CHART_PT, bold=True)
    series = plot.series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = RGBColor.from_string(REVENUE_COLOUR)
    values = chart.value_axis
    _titled(values, translate("qbr.chart.revenue_axis", language, currency=currency_symbol(currency)))
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor.from_string("E5E7EB")
    values.minimum_scale = 0
    _font(values.tick_labels.font, CHART_PT)
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = "#,##0", False
    years_axis = chart.category_axis
    years_axis.has_title = False
    _font(years_axis.tick_labels.font, CHART_PT)
    return shape
