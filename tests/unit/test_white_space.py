"""The white space: loading the cells, their totals, and the offers x units heatmap."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.account.white_space import (
    COLUMNS,
    STATUS_FILL,
    UNMAPPED,
    WhiteSpaceTotals,
    compact_value,
    load_white_space,
    white_space_chart,
    white_space_totals,
)
from kam_core.store import db
from kam_core.store.models import WHITE_SPACE_STATUSES, Account, WhiteSpaceCell

LABELS = {
    **{f"status.{code}": f"Status {code}" for code in WHITE_SPACE_STATUSES},
    "unmapped": "Not mapped",
    "offer": "Offer",
    "unit": "Unit",
    "status": "Status",
    "value": "Value",
    "competitor": "Competitor",
}


def _cell(id, unit, offer, status, value=None, competitor=None):
    return {
        "id": id,
        "unit_id": ord(unit[0]),
        "unit": unit,
        "offer_id": ord(offer[0]),
        "offer": offer,
        "family": "F",
        "status": status,
        "value": value,
        "competitor": competitor,
    }


CELLS = pd.DataFrame(
    [
        _cell(1, "North", "Audit", "open", 100_000.0),
        _cell(2, "North", "Build", "open", 250_000.0),
        _cell(3, "South", "Audit", "open", None),  # open without a value: counts, adds nothing
        _cell(4, "South", "Build", "sold", 1_200_000.0),
        _cell(5, "East", "Audit", "competitor", 300_000.0, "Rival"),
        _cell(6, "East", "Care", "open", 400_000.0),
    ],
    columns=COLUMNS,
)


def test_totals_of_a_crafted_white_space():
    totals = white_space_totals(CELLS)
    assert isinstance(totals, WhiteSpaceTotals)
    assert totals.open_value == pytest.approx(750_000.0)
    assert totals.open_cells == 4
    assert totals.sold_value == pytest.approx(1_200_000.0)
    assert totals.competitor_value == pytest.approx(300_000.0)
    assert totals.counts == {"sold": 1, "open": 4, "competitor": 1, "not_relevant": 0}
    assert totals.open_by_unit == {"East": 400_000.0, "North": 350_000.0, "South": 0.0}
    assert list(totals.open_by_unit) == ["East", "North", "South"]  # largest first
    assert totals.open_by_offer == {"Care": 400_000.0, "Build": 250_000.0, "Audit": 100_000.0}


def test_totals_of_an_empty_white_space():
    totals = white_space_totals(CELLS.iloc[0:0])
    assert (totals.open_value, totals.open_cells, totals.sold_value, totals.competitor_value) == (0, 0, 0, 0)
    assert totals.counts == dict.fromkeys(WHITE_SPACE_STATUSES, 0)
    assert totals.open_by_unit == {} and totals.open_by_offer == {}


def test_load_and_totals_of_a_demo_account(demo_url):
    with Session(db.get_engine(demo_url)) as session:
        account_id = session.execute(select(Account.id).order_by(Account.id)).scalars().first()
        cells = load_white_space(session, account_id)
        count = session.execute(
            select(func.count(WhiteSpaceCell.id)).where(WhiteSpaceCell.account_id == account_id)
        ).scalar_one()
        open_value = session.execute(
            select(func.coalesce(func.sum(WhiteSpaceCell.value), 0)).where(
                WhiteSpaceCell.account_id == account_id, WhiteSpaceCell.status == "open"
            )
        ).scalar_one()
        sold_value = session.execute(
            select(func.coalesce(func.sum(WhiteSpaceCell.value), 0)).where(
                WhiteSpaceCell.account_id == account_id, WhiteSpaceCell.status == "sold"
            )
        ).scalar_one()
        assert load_white_space(session, -1).empty
    assert list(cells.columns) == COLUMNS and len(cells) == count > 0
    assert cells["id"].is_unique and cells["status"].isin(WHITE_SPACE_STATUSES).all()
    assert not cells.duplicated(["unit_id", "offer_id"]).any()
    assert cells[["unit", "offer", "family"]].notna().all().all()
    totals = white_space_totals(cells)
    assert totals.open_value == pytest.approx(open_value) and totals.open_value > 0
    assert totals.sold_value == pytest.approx(sold_value)
    assert sum(totals.counts.values()) == len(cells)
    assert totals.open_cells == totals.counts["open"]
    assert sum(totals.open_by_unit.values()) == pytest.approx(totals.open_value)
    assert sum(totals.open_by_offer.values()) == pytest.approx(totals.open_value)


@pytest.mark.parametrize(
    ("value", "en", "fr"),
    [
        (None, "", ""),
        (math.nan, "", ""),
        (800, "€800", "800 €"),
        (1_234, "€1.2k", "1,2 k€"),
        (450_000, "€450k", "450 k€"),
        (999_960, "€1M", "1 M€"),
        (1_234_000, "€1.2M", "1,2 M€"),
        (2_500_000_000, "€2.5B", "2,5 Md€"),
    ],
)
def test_compact_value(value, en, fr):
    assert compact_value(value, "€") == en
    assert compact_value(value, "€", "fr") == fr


def _data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][(layer.get("data") or spec["data"])["name"]]


def test_white_space_chart_covers_every_pair():
    spec = white_space_chart(
        CELLS,
        units=["North", "South", "East", "West"],
        offers=["Audit", "Build", "Care"],
        labels=LABELS,
        currency_symbol="€",
    ).to_dict()
    squares = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    values = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    rows = _data(spec, squares)
    assert len(rows) == 4 * 3
    assert {(row["offer"], row["unit"]) for row in rows} == {
        (o, u) for o in ("Audit", "Build", "Care") for u in ("North", "South", "East", "West")
    }
    by_pair = {(row["offer"], row["unit"]): row for row in rows}
    assert by_pair[("Build", "South")]["status_label"] == "Status sold"
    assert by_pair[("Build", "South")]["value_text"] == "1.2M"
    assert by_pair[("Build", "South")]["value_tooltip"] == "€1.2M"
    assert by_pair[("Audit", "East")]["competitor"] == "Rival"
    assert by_pair[("Audit", "South")]["value_text"] == ""  # open, no value
    assert by_pair[("Care", "West")]["status"] == UNMAPPED
    assert by_pair[("Care", "West")]["status_label"] == "Not mapped"
    encoding = squares["encoding"]
    assert encoding["x"]["field"] == "unit" and encoding["x"]["sort"] == ["North", "South", "East", "West"]
    assert encoding["y"]["field"] == "offer" and encoding["y"]["sort"] == ["Audit", "Build", "Care"]
    colours = dict(zip(encoding["color"]["scale"]["domain"], encoding["color"]["scale"]["range"]))
    assert colours == {
        **{f"Status {code}": STATUS_FILL[code] for code in WHITE_SPACE_STATUSES},
        "Not mapped": STATUS_FILL[UNMAPPED],
    }
    assert [tip["title"] for tip in encoding["tooltip"]] == ["Offer", "Unit", "Status", "Value", "Competitor"]
    assert values["encoding"]["text"]["field"] == "value_text"
    assert values["mark"]["fontSize"] >= 14
    assert spec["height"] == 3 * 46


def test_white_space_chart_never_hides_a_cell():
    spec = white_space_chart(
        CELLS, units=["North"], offers=["Audit"], labels=LABELS, currency_symbol="€", language="fr"
    ).to_dict()
    squares = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    assert squares["encoding"]["x"]["sort"] == ["North", "South", "East"]
    assert squares["encoding"]["y"]["sort"] == ["Audit", "Build", "Care"]
    by_pair = {(row["offer"], row["unit"]): row for row in _data(spec, squares)}
    assert by_pair[("Build", "South")]["value_text"] == "1,2 M"


def test_white_space_chart_of_units_without_cells():
    spec = white_space_chart(
        CELLS.iloc[0:0], units=["North", "South"], offers=["Audit"], labels=LABELS, currency_symbol="€"
    ).to_dict()
    squares = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    rows = _data(spec, squares)
    assert [row["status"] for row in rows] == [UNMAPPED, UNMAPPED]
    assert "Competitor" not in [tip["title"] for tip in squares["encoding"]["tooltip"]]


def test_white_space_headers_wrap_instead_of_being_cut():
    """Issue 22: at 1920 px the units across the top read "Eindhoven paint & …" (a 150 px limit)."""
    import re

    import vl_convert

    units = ["Battery pack division", "Eindhoven paint & body shop", "Utrecht assembly plant"]
    offers = ["Medium-voltage switchgear & power distribution", "Audit"]
    chart = white_space_chart(
        CELLS.iloc[0:0], units=units, offers=offers, labels=LABELS, currency_symbol="€"
    ).properties(width=900)
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    drawn = " ".join(re.sub(r"<[^>]+>", " ", text) for text in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))
    drawn = " ".join(drawn.replace("&amp;", "&").split())
    assert "…" not in drawn
    for name in [*units, *offers]:
        assert name in drawn, name  # every word of every name, in order (its lines joined)
    spec = chart.to_dict()
    squares = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rect")
    for axis in ("x", "y"):  # Vega would hide every other name when one wraps onto two lines
        assert squares["encoding"][axis]["axis"]["labelOverlap"] is False
