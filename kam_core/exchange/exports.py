"""Files out: charts as PNG and SVG (rendered offline by vl-convert), tables as CSV and Excel."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import vl_convert

from kam_core.documents.charts import chart_dict

PNG_SCALE = 2  # sharp enough for a slide


DEFAULT_WIDTH = 1100  # pixels, for a chart that states no width of its own


def chart_png(chart: alt.TopLevelMixin, width: int | None = None, language: str = "en", currency: str = "EUR") -> bytes:
    """The chart as PNG, its months and numbers in ``language`` (``charts.localized``)."""
    return vl_convert.vegalite_to_png(_spec(chart, width, language, currency), scale=PNG_SCALE)


def chart_svg(chart: alt.TopLevelMixin, width: int | None = None, language: str = "en", currency: str = "EUR") -> bytes:
    return vl_convert.vegalite_to_svg(_spec(chart, width, language, currency)).encode("utf-8")


def _spec(chart: alt.TopLevelMixin, width: int | None, language: str = "en", currency: str = "EUR") -> dict:
    """The chart's spec for a file: at ``width``, else at the width the chart states (the matrix
    places its names for it), else ``DEFAULT_WIDTH``; never fitted to a container (a page's chart
    may fit its column, a file has none: the plot keeps the width its names were placed for)."""
    spec = chart_dict(chart, language, currency)
    if width is not None or not isinstance(spec.get("width"), int | float):
        spec["width"] = width or DEFAULT_WIDTH  # "container" width means nothing outside a page
    spec.pop("autosize", None)
    spec.pop("usermeta", None)
    spec.pop("params", None)
    for layer in spec.get("layer", []):
        layer.pop("params", None)  # a click selection has no meaning in a file
    return spec


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(table: pd.DataFrame) -> pd.DataFrame:
    """Text a spreadsheet would run as a formula (``=cmd|...``, ``+``, ``-``, ``@``) gets a leading
    ``'``, so that it shows as text and never runs (imported names and notes may hold anything)."""

    def cell(value):
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    text_columns = [
        name for name in table.columns if table[name].dtype == object or pd.api.types.is_string_dtype(table[name])
    ]
    return table.assign(**{name: table[name].map(cell) for name in text_columns})


def table_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents right; formula-like text made safe."""
    return safe_text(table).to_csv(index=False).encode("utf-8-sig")


def table_xlsx(table: pd.DataFrame, sheet: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_text(table).to_excel(writer, index=False, sheet_name=sheet[:31])
        worksheet = writer.sheets[sheet[:31]]
        for column in worksheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            worksheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 50)
    return buffer.getvalue()
