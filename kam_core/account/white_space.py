"""The white space of one account: our offers x the customer's units, each cell sold, open
opportunity, held by a competitor or not relevant, with a value; its totals and its heatmap.

The chart takes every word it shows in ``labels``, already translated: ``status.<code>`` for each
code of ``WHITE_SPACE_STATUSES``, ``unmapped`` (a pair with no cell yet), and the tooltip titles
``offer``, ``unit``, ``status``, ``value`` and, optionally, ``competitor``. A missing key falls
back to the code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from kam_core.store.models import WHITE_SPACE_STATUSES, CustomerUnit, Offer, WhiteSpaceCell

COLUMNS = ["id", "unit_id", "unit", "offer_id", "offer", "family", "status", "value", "competitor"]
UNMAPPED = "unmapped"
STATUS_FILL = {
    "sold": "#8FD19E",
    "open": "#F6C86B",
    "competitor": "#F09A8F",
    "not_relevant": "#E5E7EB",
    UNMAPPED: "#FFFFFF",
}
TEXT_COLOUR = "#111827"


def load_white_space(session: Session, account_id: int) -> pd.DataFrame:
    """One row per white-space cell of the account (cell ``id``), with its unit's and offer's names,
    ordered by unit then offer; ``value`` is a float (NaN when not given)."""
    rows = session.execute(
        select(
            WhiteSpaceCell.id,
            WhiteSpaceCell.unit_id,
            CustomerUnit.name,
            WhiteSpaceCell.offer_id,
            Offer.name,
            Offer.family,
            WhiteSpaceCell.status,
            WhiteSpaceCell.value,
            WhiteSpaceCell.competitor,
        )
        .join(CustomerUnit, CustomerUnit.id == WhiteSpaceCell.unit_id)
        .join(Offer, Offer.id == WhiteSpaceCell.offer_id)
        .where(WhiteSpaceCell.account_id == account_id)
        .order_by(CustomerUnit.name, Offer.name)
    ).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=COLUMNS)
    for column in ("id", "unit_id", "offer_id"):
        frame[column] = frame[column].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


@dataclass(frozen=True)
class WhiteSpaceTotals:
    open_value: float  # sum of the values of the open cells
    open_cells: int
    sold_value: float
    competitor_value: float
    counts: dict[str, int] = field(default_factory=dict)  # status -> cells, every status present
    open_by_unit: dict[str, float] = field(default_factory=dict)  # unit -> open value, largest first
    open_by_offer: dict[str, float] = field(default_factory=dict)  # offer -> open value, largest first


def _by(cells: pd.DataFrame, column: str) -> dict[str, float]:
    sums = cells.groupby(column, sort=False)["value"].sum().sort_values(ascending=False, kind="stable")
    return {str(name): float(total) for name, total in sums.items()}


def white_space_totals(cells: pd.DataFrame) -> WhiteSpaceTotals:
    """Values per status (a cell without a value counts 0) and where the open value lies."""
    cells = cells.assign(value=pd.to_numeric(cells["value"], errors="coerce").fillna(0.0))

    def total(status: str) -> float:
        return float(cells.loc[cells["status"] == status, "value"].sum())

    open_cells = cells[cells["status"] == "open"]
    counts = {status: int((cells["status"] == status).sum()) for status in WHITE_SPACE_STATUSES}
    return WhiteSpaceTotals(
        open_value=total("open"),
        open_cells=len(open_cells),
        sold_value=total("sold"),
        competitor_value=total("competitor"),
        counts=counts,
        open_by_unit=_by(open_cells, "unit"),
        open_by_offer=_by(open_cells, "offer"),
    )


def compact_value(value: float | None, currency_symbol: str = "", language: str = "en") -> str:
    """1_234_000 -> '1.2M' ('1,2 M' in French), 450_000 -> '450k', 800 -> '800'; '' when missing.
    With a symbol: '€1.2M' (en) or '1,2 M€' (fr)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number, suffix = f"{value:.0f}", ""
    for threshold, suffix_en, suffix_fr in ((1e3, "k", "k"), (1e6, "M", "M"), (1e9, "B", "Md")):
        scaled = value / threshold
        if abs(float(number)) < 1000 and suffix:
            break  # the previous unit reads well ("999.9k" would round to "1000k": move up a unit)
        if abs(value) < threshold * 0.9995:
            break
        number = f"{scaled:.1f}" if abs(scaled) < 99.95 else f"{scaled:.0f}"
        number = number[:-2] if number.endswith(".0") else number
        suffix = suffix_fr if language == "fr" else suffix_en
    if language == "fr":
        number = number.replace(".", ",")
        return f"{number} {suffix}{currency_symbol}".strip() if suffix or currency_symbol else number
    return f"{currency_symbol}{number}{suffix}"


def _label(labels: dict[str, str], key: str) -> str:
    return labels.get(key) or key.split(".", 1)[-1]


UNIT_LINE = 22  # characters of a unit's name per line, five units or fewer
NARROW_UNIT_LINE = 14  # more units: narrower columns
OFFER_LINE = 48  # an offer on two lines crowds the next row: wrap only the longest


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` on lines of about ``width`` characters, cut between words only (a longer word keeps its line)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def _wrapped_labels(names: list[str], width: int) -> str:
    """A Vega ``labelExpr`` writing each name on lines of ``width`` characters (a label given as a list
    of lines is drawn on several lines): a header is never cut with "…" (issue 22), whatever the width."""
    lines = {name: wrap_words(name, width) for name in names if len(str(name)) > width}
    return f"{json.dumps(lines, ensure_ascii=False)}[datum.label] || datum.label" if lines else "datum.label"


def white_space_chart(
    cells: pd.DataFrame,
    *,
    units: list[str],
    offers: list[str],
    labels: dict[str, str],
    currency_symbol: str,
    language: str = "en",
    row_height: int = 46,
) -> alt.LayerChart:
    """A heatmap, offers down and units across, one square per pair (a pair with no cell shows as
    "not mapped", white), coloured by status, with the compact value written in it.

    Units and offers keep the order given; any unit or offer found in ``cells`` but not in the lists
    is appended, so no cell is hidden."""
    units = list(dict.fromkeys([*units, *cells["unit"].tolist()]))
    offers = list(dict.fromkeys([*offers, *cells["offer"].tolist()]))
    grid = pd.DataFrame([(offer, unit) for offer in offers for unit in units], columns=["offer", "unit"])
    known = cells[["offer", "unit", "status", "value", "competitor"]].drop_duplicates(["offer", "unit"])
    data = grid.merge(known, on=["offer", "unit"], how="left")
    data["status"] = data["status"].fillna(UNMAPPED).astype(str)
    codes = [*WHITE_SPACE_STATUSES, UNMAPPED]
    status_labels = {code: _label(labels, UNMAPPED if code == UNMAPPED else f"status.{code}") for code in codes}
    data["status_label"] = data["status"].map(status_labels)
    data["value_text"] = [compact_value(v, language=language) if v else "" for v in data["value"]]
    data["value_tooltip"] = [compact_value(v, currency_symbol, language) if v else "" for v in data["value"]]
    data["competitor"] = data["competitor"].fillna("").astype(str)
    data = data[["offer", "unit", "status", "status_label", "value_text", "value_tooltip", "competitor"]]

    x = alt.X(
        "unit:N",
        sort=units,
        title=None,
        axis=alt.Axis(
            orient="top",
            labelFontSize=16,
            labelAngle=0 if len(units) <= 8 else -30,
            labelLimit=0,  # never cut: long names wrap onto lines (labelExpr) instead
            labelExpr=_wrapped_labels(units, UNIT_LINE if len(units) <= 5 else NARROW_UNIT_LINE),
            labelOverlap=False,
            labelFontWeight="bold",
            ticks=False,
            domain=False,
        ),
    )
    y = alt.Y(
        "offer:N",
        sort=offers,
        title=None,
        axis=alt.Axis(
            labelFontSize=16,
            labelLimit=0,
            labelExpr=_wrapped_labels(offers, OFFER_LINE),
            labelOverlap=False,  # a two-line name must not make Vega hide every other offer
            ticks=False,
            domain=False,
        ),
    )
    tooltip = [
        alt.Tooltip("offer:N", title=_label(labels, "offer")),
        alt.Tooltip("unit:N", title=_label(labels, "unit")),
        alt.Tooltip("status_label:N", title=_label(labels, "status")),
        alt.Tooltip("value_tooltip:N", title=_label(labels, "value")),
    ]
    if (data["competitor"] != "").any():
        tooltip.append(alt.Tooltip("competitor:N", title=_label(labels, "competitor")))
    base = alt.Chart(data)
    squares = base.mark_rect(stroke="#9CA3AF", strokeWidth=1).encode(
        x=x,
        y=y,
        color=alt.Color(
            "status_label:N",
            scale=alt.Scale(domain=[status_labels[c] for c in codes], range=[STATUS_FILL[c] for c in codes]),
            legend=alt.Legend(
                title=None,
                orient="bottom",
                labelFontSize=15,
                symbolSize=260,
                symbolType="square",
                symbolStrokeColor="#9CA3AF",
                columns=5,
                labelLimit=260,
            ),
        ),
        tooltip=tooltip,
    )
    values = base.mark_text(fontSize=15, fontWeight="bold", color=TEXT_COLOUR).encode(
        x=x, y=y, text="value_text:N", tooltip=tooltip
    )
    return alt.layer(squares, values).properties(height=max(1, len(offers)) * row_height).configure_view(stroke=None)
