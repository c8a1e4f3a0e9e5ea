"""The programme's return on investment as files for the executive committee, in English or French
(catalog keys ``roi.*``), from a computed ``RoiResult`` and the ``RoiInputs`` it was computed from:

- ``roi_xlsx``: an Excel workbook — sheet "ROI": the table per year (baseline, revenue, incremental
  revenue and margin, the costs, ROI of the year, cumulative margin, cost and ROI; each year recorded or
  forecast), the payback year, and a native Excel line chart of the J curve (cumulative margin against
  cumulative cost, the forecast years' segments dashed); "Accounts": each account's net contribution,
  the largest first; "Sensitivity": the base case, organic growth ±2 points, margin ±5 points;
  "Inputs": every input with its value, then the missing inputs named (which input, which account,
  which year). Money cells are numbers in the programme's currency (a currency number format), ROI
  cells percentages; user text that a spreadsheet would run as a formula is written as text.
- ``roi_pptx``: one 16:9 slide in the QBR deck's look and machinery (``qbr_layout._Deck``: its fonts,
  colours, tiles, table, footer and speaker notes naming the source): three large tiles (returned so
  far, cumulative ROI, payback year), the J curve as a native PowerPoint line chart (forecast segments
  dashed, the years of the forecast named under it) and the accounts that carry the return (at most
  ``SLIDE_ACCOUNTS``, the largest net contributions, as many as fit: nothing is cut, the slide stays one).

``headline`` gives the three figures the page, the workbook and the slide share; ``input_lines`` the
inputs as lines of label and value, the page's and the workbook's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kam_core.common.formatting import MISSING, currency_symbol, money, number, percent
from kam_core.documents.qbr_layout import (
    ACCENT,
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    MARGIN,
    MUTED,
    RAG_INK,
    _Cell,
    _Deck,
    _Line,
    _measured_row_height,
    _text_height,
)
from kam_core.exchange.exports import FORMULA_STARTS
from kam_core.i18n import translate
from kam_core.programme.roi import OTHER_COSTS, RoiInputs, RoiResult

SLIDE_ACCOUNTS = 5  # accounts named on the slide, at most


def _t(key: str, language: str, **params) -> str:
    return translate(key, language, **params)


# --- what the page, the workbook and the slide share ------------------------------------------------


@dataclass(frozen=True)
class Headline:
    last_closed_year: int | None  # the last closed year of the programme counted so far (None: none yet)
    returned_margin: float  # the cumulative incremental margin up to that year
    returned_cost: float  # the cumulative cost up to that year
    roi_so_far: float | None  # the cumulative ROI up to that year (a ratio: 0.25 is 25 %)
    end_year: int | None  # the horizon's last year
    roi_at_end: float | None  # the cumulative ROI at the horizon's end (forecast)
    payback_year: int | None  # None: not within the horizon


def headline(result: RoiResult) -> Headline:
    """Returned so far is ``RoiResult.so_far``: the cumulative figures through the last closed year
    (the horizon's last once it is over); nothing returned yet before a first year of the programme
    closed."""
    so_far, end = result.so_far, result.at_horizon
    return Headline(
        last_closed_year=so_far.year if so_far else None,
        returned_margin=so_far.cumulative_margin if so_far else 0.0,
        returned_cost=so_far.cumulative_cost if so_far else 0.0,
        roi_so_far=so_far.cumulative_roi if so_far else None,
        end_year=end.year if end else None,
        roi_at_end=end.cumulative_roi if end else None,
        payback_year=result.payback_year,
    )


def roi_text(value: float | None, language: str) -> str:
    """A ROI given as a ratio, as a percentage: 0.254 -> '25%', -0.4 -> '-40%'; '–' when there is no
    cost to divide by."""
    return MISSING if value is None else percent(100.0 * value, language)


def payback_text(year: int | None, language: str) -> str:
    return str(year) if year is not None else _t("roi.payback_none", language)


def sensitivity_label(growth_shift: float, margin_shift: float, language: str) -> str:
    """'Base case', 'Organic growth +2 points', 'Margin -5 points'."""
    if not growth_shift and not margin_shift:
        return _t("roi.sensitivity.base", language)
    parts = []
    for key, shift in (("roi.sensitivity.growth", growth_shift), ("roi.sensitivity.margin", margin_shift)):
        if shift:
            sign = "+" if shift > 0 else "-"
            parts.append(_t(key, language, shift=f"{sign}{number(abs(shift), language)}"))
    return " · ".join(parts)


@dataclass(frozen=True)
class InputLine:
    section: str  # "horizon", "growth", "costs", "kams": where on the Programme inputs page it is given
    label: str
    value: str


def input_lines(inputs: RoiInputs, language: str) -> list[InputLine]:
    """Every programme-level input of the ROI with its value, as the page and the workbook show them."""
    currency = inputs.currency

    def cash(value: float) -> str:
        return money(value, currency, language)

    lines = [
        InputLine(
            "horizon",
            _t("roi.input.start_year", language),
            str(inputs.start_year) if inputs.start_year is not None else _t("roi.input.not_given", language),
        ),
        InputLine("horizon", _t("roi.input.horizon_years", language), str(inputs.horizon_years)),
        InputLine(
            "growth", _t("roi.input.organic_growth_pct", language), percent(inputs.organic_growth_pct, language, 1)
        ),
        InputLine(
            "growth", _t("roi.input.default_margin_pct", language), percent(inputs.default_margin_pct, language, 1)
        ),
        InputLine("costs", _t("roi.input.executive_hour_cost", language), cash(inputs.executive_hour_cost)),
    ]
    for kind, hours in sorted(inputs.meeting_hours.items()):
        lines.append(
            InputLine(
                "costs",
                _t("roi.input.meeting_hours", language, kind=_t(f"enum.engagement_kind.{kind}", language)),
                _t("roi.input.hours", language, hours=number(hours, language)),
            )
        )
    for name in OTHER_COSTS:
        lines.append(InputLine("costs", _t(f"roi.input.{name}", language), cash(inputs.other_costs.get(name, 0.0))))
    for kam in inputs.kams:
        key = "roi.input.kam_cost" if kam.own_cost else "roi.input.kam_cost_default"
        lines.append(
            InputLine(
                "kams",
                kam.name,
                _t(key, language, cost=cash(kam.yearly_cost), share=percent(kam.share_pct, language)),
            )
        )
    return lines


def account_input_rows(inputs: RoiInputs, result: RoiResult, language: str) -> list[dict]:
    """Per account in the programme: its entry year, its margin (or the default's, said so), its base
    revenue (the year before it entered) and the years its plan gives an ambition for."""
    base = {row.account_id: row.base_revenue for row in result.accounts}
    rows = []
    for account in sorted(inputs.accounts, key=lambda row: (row.name.casefold(), row.account_id)):
        margin = (
            percent(account.margin_pct, language, 1)
            if account.margin_pct is not None
            else _t("roi.input.margin_default", language, margin=percent(inputs.default_margin_pct, language, 1))
        )
        planned = sorted(year for year, value in account.ambition.items() if value is not None)
        rows.append(
            {
                "account_id": account.account_id,
                "account": account.name,
                "entry_year": account.entry_year,
                "margin": margin,
                "base_year": account.entry_year - 1,
                "base_revenue": base.get(account.account_id),
                "plan_years": ", ".join(str(year) for year in planned) or MISSING,
            }
        )
    return rows


def account_inputs_table(inputs: RoiInputs, result: RoiResult, language: str) -> pd.DataFrame:
    """``account_input_rows`` as a table."""
    columns = ["account_id", "account", "entry_year", "margin", "base_year", "base_revenue", "plan_years"]
    return pd.DataFrame(account_input_rows(inputs, result, language), columns=columns)


def missing_text(item, language: str) -> str:
    """One missing input (or a default applied) as a sentence: which input, which account or KAM,
    which year."""
    params = {
        "account": item.account or "",
        "year": item.year if item.year is not None else "",
        "kam": item.kam or "",
        "kind": _t(f"enum.engagement_kind.{item.kind}", language) if item.kind else "",
    }
    return _t(f"roi.missing.{item.code}", language, **params)


def roi_filename(language: str, day: date, extension: str) -> str:
    """'programme-roi-2026-11-26.xlsx' / 'programme-roi-2026-11-26.pptx'."""
    return f"{_t('roi.file', language)}-{day.isoformat()}.{extension}"


# --- Excel --------------------------------------------------------------------------------------------


def _safe(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _money_format(currency: str, language: str) -> str:
    symbol = currency_symbol(currency).replace('"', "")
    if language == "fr":
        return f'#,##0\\ "{symbol}";-#,##0\\ "{symbol}"'
    return f'"{symbol}"#,##0;-"{symbol}"#,##0'


PERCENT_FORMAT = "0%"


# The ROI per year, as the workbook's first sheet and the page's table have it
YEAR_COLUMNS = (
    "year",
    "phase",
    "baseline",
    "revenue",
    "incremental_revenue",
    "incremental_margin",
    "kam_cost",
    "executive_cost",
    "other_cost",
    "cost",
    "roi",
    "cumulative_margin",
    "cumulative_cost",
    "cumulative_roi",
)


def year_rows(result: RoiResult, language: str) -> list[list]:
    """One row a year of the horizon, its values in ``YEAR_COLUMNS``' order (amounts in the currency,
    ratios as fractions, None where a ratio has no cost to divide by)."""
    return [
        [
            row.year,
            _t("roi.chart.forecast" if row.forecast else "roi.chart.recorded", language),
            row.baseline,
            row.revenue,
            row.incremental_revenue,
            row.incremental_margin,
            row.kam_cost,
            row.executive_cost,
            row.other_cost,
            row.cost,
            row.roi,
            row.cumulative_margin,
            row.cumulative_cost,
            row.cumulative_roi,
        ]
        for row in result.years
    ]


def roi_xlsx(result: RoiResult, inputs: RoiInputs, language: str) -> bytes:
    """The workbook described in the module's docstring."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.chart.marker import DataPoint
    from openpyxl.styles import Alignment, Font, PatternFill

    money_format = _money_format(inputs.currency, language)
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=ACCENT)
    book = Workbook()

    def table(sheet, top: int, header: list[str], rows: list[list], formats: dict[int, str]) -> int:
        """``rows`` under a coloured ``header`` from row ``top``; returns the next free row."""
        for column, text in enumerate(header, start=1):
            cell = sheet.cell(row=top, column=column, value=text)
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for index, values in enumerate(rows, start=top + 1):
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=index, column=column, value=_safe(value))
                if column in formats and isinstance(value, int | float):
                    cell.number_format = formats[column]
        return top + len(rows) + 1

    def widths(sheet, sizes: list[int]) -> None:
        for column, size in enumerate(sizes, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = size

    # ROI per year, and the J curve
    sheet = book.active
    sheet.title = _t("roi.sheet.years", language)[:31]
    columns = YEAR_COLUMNS
    rows = year_rows(result, language)
    formats = {index: money_format for index in (3, 4, 5, 6, 7, 8, 9, 10, 12, 13)} | {
        11: PERCENT_FORMAT,
        14: PERCENT_FORMAT,
    }
    end = table(sheet, 1, [_t(f"roi.col.{name}", language) for name in columns], rows, formats)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 45
    widths(sheet, [9, 12, *([16] * 12)])
    note = end + 1
    sheet.cell(row=note, column=1, value=_t("roi.payback_year", language)).font = Font(bold=True)
    sheet.cell(row=note, column=3, value=payback_text(result.payback_year, language))
    sheet.cell(row=note + 1, column=1, value=_t("roi.formula.roi", language))
    sheet.cell(row=note + 2, column=1, value=_t("roi.formula.payback", language))
    if rows:
        chart = LineChart()
        chart.title = _t("roi.chart.title_file", language)
        chart.y_axis.title = _t("roi.chart.money_axis", language)
        chart.y_axis.numFmt = money_format
        chart.x_axis.title = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 10, 22
        for column, colour in ((12, ACCENT), (13, "C2410C")):
            values = Reference(sheet, min_col=column, min_row=1, max_row=len(rows) + 1)
            chart.add_data(values, titles_from_data=True)
            series = chart.series[-1]
            series.smooth = False
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 38100  # 3 pt
            series.marker.symbol = "circle"
            series.marker.size = 7
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
            for index, row in enumerate(result.years):
                if row.forecast:  # the segment that ends on a forecast year is dashed
                    point = DataPoint(idx=index)
                    point.graphicalProperties.line.solidFill = colour
                    point.graphicalProperties.line.width = 38100
                    point.graphicalProperties.line.prstDash = "dash"
                    series.dPt.append(point)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
        sheet.add_chart(chart, f"A{note + 4}")

    # Accounts
    sheet = book.create_sheet(_t("roi.sheet.accounts", language)[:31])
    ranked = sorted(result.accounts, key=lambda row: (-row.net, row.name.casefold(), row.account_id))
    columns = (
        "account",
        "entry_year",
        "base_revenue",
        "incremental_revenue",
        "incremental_margin",
        "kam_cost",
        "executive_cost",
        "net",
        "verdict",
    )
    rows = [
        [
            row.name,
            row.entry_year,
            row.base_revenue,
            row.incremental_revenue,
            row.incremental_margin,
            row.kam_cost,
            row.executive_cost,
            row.net,
            _t("roi.chart.carries" if row.net >= 0 else "roi.chart.costs", language),
        ]
        for row in ranked
    ]
    table(
        sheet,
        1,
        [_t(f"roi.col.{name}", language) for name in columns],
        rows,
        {index: money_format for index in (3, 4, 5, 6, 7, 8)},
    )
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 45
    widths(sheet, [36, 10, 16, 16, 16, 16, 16, 16, 30])

    # Sensitivity
    sheet = book.create_sheet(_t("roi.sheet.sensitivity", language)[:31])
    rows = [
        [
            sensitivity_label(case.growth_shift_pts, case.margin_shift_pts, language),
            case.cumulative_roi,
            payback_text(case.payback_year, language),
        ]
        for case in result.sensitivity
    ]
    table(
        sheet,
        1,
        [_t(f"roi.col.{name}", language) for name in ("case", "cumulative_roi_end", "payback_year")],
        rows,
        {2: PERCENT_FORMAT},
    )
    widths(sheet, [40, 20, 24])

    # Inputs, and what is missing
    sheet = book.create_sheet(_t("roi.sheet.inputs", language)[:31])
    lines = input_lines(inputs, language)
    end = table(
        sheet,
        1,
        [_t(f"roi.col.{name}", language) for name in ("input", "value", "section")],
        [[line.label, line.value, _t(f"roi.section.{line.section}", language)] for line in lines],
        {},
    )
    accounts = account_input_rows(inputs, result, language)
    end = table(
        sheet,
        end + 1,
        [
            _t(f"roi.col.{name}", language)
            for name in ("account", "entry_year", "margin", "base_year", "base_revenue", "plan_years")
        ],
        [
            [row["account"], row["entry_year"], row["margin"], row["base_year"], row["base_revenue"], row["plan_years"]]
            for row in accounts
        ],
        {5: money_format},
    )
    missing = [[missing_text(item, language)] for item in result.missing] or [[_t("roi.missing.none", language)]]
    table(sheet, end + 1, [_t("roi.missing.title", language)], missing, {})
    widths(sheet, [44, 26, 30, 12, 16, 20])

    book.properties.title = _t("roi.title", language)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the slide ------------------------------------------------------------------------------------------

TILE_HEIGHT = 1.45
TILE_GAP = 0.2
CHART_WIDTH = 7.4
SIDE_GAP = 0.3


def _tiles(deck: _Deck, slide, result: RoiResult, currency: str) -> None:
    language, figures = deck.language, headline(result)
    so_far = figures.last_closed_year
    tiles = [
        (
            _t("roi.headline.returned", language, year=so_far)
            if so_far
            else _t("roi.headline.returned_none", language),
            money(figures.returned_margin, currency, language),
            _t(
                "roi.headline.returned_sub",
                language,
                cost=money(figures.returned_cost, currency, language),
                net=money(figures.returned_margin - figures.returned_cost, currency, language),
            ),
        ),
        (
            _t("roi.headline.roi_end", language, year=figures.end_year or ""),
            roi_text(figures.roi_at_end, language),
            _t("roi.headline.roi_so_far", language, roi=roi_text(figures.roi_so_far, language)),
        ),
        (
            _t("roi.headline.payback", language),
            payback_text(figures.payback_year, language),
            _t("roi.headline.payback_sub", language),
        ),
    ]
    width = (CONTENT_WIDTH - TILE_GAP * (len(tiles) - 1)) / len(tiles)
    for index, (label, value, sub) in enumerate(tiles):
        deck.tile(
            slide,
            MARGIN + index * (width + TILE_GAP),
            BODY_TOP,
            width,
            TILE_HEIGHT,
            [
                _Line(label, 16, ink=MUTED, space_after=2),
                _Line(value, 36, bold=True, ink=ACCENT, space_after=2),
                _Line(sub, 13, ink=MUTED, space_after=0),
            ],
        )


def _j_curve(
    slide, left: float, top: float, width: float, height: float, result: RoiResult, currency: str, language: str
):
    """The J curve as a native line chart (editable in PowerPoint): cumulative margin and cumulative
    cost per year, in millions, the segments that end on a forecast year dashed."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    from kam_core.documents.deck_charts import CHART_PT, _font, _titled, placed_chart

    data = CategoryChartData()
    data.categories = [str(row.year) for row in result.years]
    data.add_series(
        _t("roi.chart.cumulative_margin", language),
        [round(row.cumulative_margin / 1e6, 3) for row in result.years],
        number_format="#,##0.0",
    )
    data.add_series(
        _t("roi.chart.cumulative_cost", language),
        [round(row.cumulative_cost / 1e6, 3) for row in result.years],
        number_format="#,##0.0",
    )
    shape = placed_chart(slide, XL_CHART_TYPE.LINE_MARKERS, data, left, top, width, height)
    chart = shape.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    _font(chart.legend.font, CHART_PT)
    values = chart.value_axis
    _titled(values, _t("roi.chart.millions_axis", language, currency=currency_symbol(currency)))
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor.from_string("E5E7EB")
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = "#,##0.0", False
    _font(values.tick_labels.font, CHART_PT)
    years = chart.category_axis
    years.has_title = False
    _font(years.tick_labels.font, CHART_PT)
    for series, colour in zip(chart.plots[0].series, (ACCENT, "C2410C")):
        rgb = RGBColor.from_string(colour)
        series.smooth = False
        series.format.line.color.rgb = rgb
        series.format.line.width = Pt(3.5)
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 9
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb
        series.marker.format.line.color.rgb = rgb
        for index, row in enumerate(result.years):
            if row.forecast:
                point = series.points[index]
                point.format.line.color.rgb = rgb
                point.format.line.width = Pt(3.5)
                point.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                point.marker.style = XL_MARKER_STYLE.CIRCLE
                point.marker.size = 9
                point.marker.format.fill.solid()
                point.marker.format.fill.fore_color.rgb = RGBColor.from_string("FFFFFF")
                point.marker.format.line.color.rgb = rgb
    return shape


def _carriers(deck: _Deck, slide, left: float, top: float, width: float, result: RoiResult, currency: str) -> None:
    """The accounts that carry the return (positive net contribution), the largest first, as many of
    ``SLIDE_ACCOUNTS`` as fit in the room left (each row as high as its measured lines)."""
    language = deck.language
    carriers = sorted(
        (row for row in result.accounts if row.net > 0), key=lambda row: (-row.net, row.name.casefold(), row.account_id)
    )
    heading = _t("roi.slide.carriers", language)
    used, _ = deck.text(slide, left, top, width, 0.8, [_Line(heading, 20, bold=True, space_after=0)])
    top += used + 0.05
    if not carriers:
        deck.text(
            slide,
            left,
            top,
            width,
            BODY_BOTTOM - top,
            [_Line(_t("roi.slide.no_carriers", language), 16, italic=True, ink=MUTED)],
        )
        return
    widths = [width - 1.6, 1.6]
    header = [_t("roi.col.account", language), _t("roi.col.net", language)]
    rows = [
        [
            _Cell(" ".join(row.name.split()), bold=True),
            _Cell(money(row.net, currency, language), ink=RAG_INK["green"], bold=True, align="center"),
        ]
        for row in carriers[:SLIDE_ACCOUNTS]
    ]
    header_cells = [_Cell(text, bold=True) for text in header]
    while (
        len(rows) > 1
        and sum(_measured_row_height(cells, widths, 0.45, 16) for cells in [header_cells, *rows]) > BODY_BOTTOM - top
    ):
        rows = rows[:-1]  # the smallest contributions give way: the slide stays one
    deck.table(slide, left, top, widths, header, rows, bottom=BODY_BOTTOM, fill=False, largest=16)
    left_out = len(carriers) - len(rows)
    if left_out:
        deck.note(slide, _t("roi.slide.more_carriers", language, count=left_out))


def roi_pptx(result: RoiResult, inputs: RoiInputs, language: str, day: date, programme: str) -> bytes:
    """The one slide described in the module's docstring; ``programme`` names the programme in the
    footer, ``day`` dates it."""
    from kam_core.common.formatting import day as day_text

    currency = inputs.currency
    deck = _Deck(language)
    slide = deck.slide(_t("roi.slide.title", language), (_t("page.roi", language),))
    _tiles(deck, slide, result, currency)
    top = BODY_TOP + TILE_HEIGHT + 0.2
    forecast = [row.year for row in result.years if row.forecast]
    caption = (
        _t("roi.slide.forecast_from", language, year=forecast[0]) if forecast else _t("roi.slide.no_forecast", language)
    )
    caption_line = _Line(caption, 13, italic=True, ink=MUTED, space_after=0)
    caption_height = _text_height([caption_line], CHART_WIDTH) + 0.02  # measured: the whole sentence shows
    if result.years:
        _j_curve(slide, MARGIN, top, CHART_WIDTH, BODY_BOTTOM - top - caption_height, result, currency, language)
    deck.text(slide, MARGIN, BODY_BOTTOM - caption_height, CHART_WIDTH, caption_height, [caption_line])
    side = MARGIN + CHART_WIDTH + SIDE_GAP
    _carriers(deck, slide, side, top, CONTENT_WIDTH - CHART_WIDTH - SIDE_GAP, result, currency)
    for line in (_t("roi.formula.roi", language), _t("roi.formula.payback", language)):
        deck.note(slide, line)
    if result.missing:
        deck.note(slide, _t("roi.slide.missing_note", language, count=len(result.missing)))
    footer = _t("roi.slide.footer", language, programme=programme, day=day_text(day, language))
    return deck.finish(footer)


# --- tables a page shows --------------------------------------------------------------------------------


def contributions_table(result: RoiResult) -> pd.DataFrame:
    """Every account's contribution, the largest net first: account_id, account, net, incremental
    margin, its cost (its KAM's share and its executives' time) and whether it carries the return."""
    ranked = sorted(result.accounts, key=lambda row: (-row.net, row.name.casefold(), row.account_id))
    return pd.DataFrame(
        {
            "account_id": [row.account_id for row in ranked],
            "account": [row.name for row in ranked],
            "net": [float(row.net) for row in ranked],
            "incremental_margin": [float(row.incremental_margin) for row in ranked],
            "cost": [float(row.kam_cost + row.executive_cost) for row in ranked],
            "carries": [row.net >= 0 for row in ranked],
        },
        columns=["account_id", "account", "net", "incremental_margin", "cost", "carries"],
    )


def sensitivity_table(result: RoiResult, language: str) -> pd.DataFrame:
    """The sensitivity cases as text: the case, the cumulative ROI at the horizon's end, its difference
    from the base case in points, the payback year."""
    base = result.sensitivity[0].cumulative_roi if result.sensitivity else None
    rows = []
    for case in result.sensitivity:
        shifted = bool(case.growth_shift_pts or case.margin_shift_pts)
        delta = MISSING
        if shifted and case.cumulative_roi is not None and base is not None:
            points = round(100.0 * (case.cumulative_roi - base))
            sign = "+" if points >= 0 else "-"
            delta = _t("roi.sensitivity.delta", language, delta=f"{sign}{number(abs(points), language)}")
        rows.append(
            {
                "case": sensitivity_label(case.growth_shift_pts, case.margin_shift_pts, language),
                "roi": roi_text(case.cumulative_roi, language),
                "delta": delta,
                "payback": payback_text(case.payback_year, language),
            }
        )
    return pd.DataFrame(rows, columns=["case", "roi", "delta", "payback"])
