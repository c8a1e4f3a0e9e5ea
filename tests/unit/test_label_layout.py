"""The matrix's account names (kam_core.documents.label_layout): no two overlap, none covers a bubble,
every account named or numbered in the legend — on the layout's own boxes, on random portfolios, and
on the chart as drawn (SVG rendered by vl-convert, text measured with the font it draws with) for the
demo portfolio and a generated one of 60 accounts, at every size the page, the files and the QBR pack
use."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import Session

from kam_core.documents import charts, qbr
from kam_core.documents.charts import SEGMENT_COLOURS, MatrixLabels, matrix_chart
from kam_core.documents.label_layout import MIN_RADIUS, Box, Point, place_labels, text_width
from kam_core.exchange import exports
from kam_core.portfolio.matrix import matrix_table
from kam_core.portfolio.overview import account_table
from kam_core.portfolio.segmentation import Thresholds, segments
from kam_core.store import db
from kam_core.store.models import Account
from tests import label_boxes
from tests.conftest import TODAY, sqlite_url

LABELS = MatrixLabels(
    "Account attractiveness",
    "Our relative strength",
    {"strategic": "Strategic", "develop": "Develop", "maintain": "Maintain", "opportunistic": "Opportunistic"},
    "Account",
    "Revenue",
    "Potential",
    "Share of wallet",
    "KAM",
    "Segment",
    "Sector",
    "Earlier segment",
    "Numbered on the chart",
)
# (width, height) of the plot: the page, the page in presentation mode, the files, the QBR slide
PAGE_SIZES = [(440, 560), (440, 480), (1000, 700), (760, 620)]


# --- the layout on its own ------------------------------------------------------------------------


def _check(layout, points: list[Point], width: float, height: float, max_named: int) -> None:
    boxes = layout.boxes()
    for i, a in enumerate(boxes):
        assert a.inside(width, height, 0)
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    for label in layout.labels:  # a name covers no bubble (each at least MIN_RADIUS wide)
        for point in points:
            assert not label.box.touches_circle(point.x, point.y, max(point.radius, MIN_RADIUS)), (label, point)
    named = [point.key for point in points if point.text.strip()][:max_named]
    shown = [label.key for label in layout.labels] + [number.key for number in layout.numbered]
    assert sorted(shown) == sorted(set(shown))  # nobody twice
    assert set(shown) <= set(named)
    assert set(named) - set(shown) <= set(layout.unnamed)
    assert [number.number for number in layout.numbered] == list(range(1, len(layout.numbered) + 1))


point_lists = st.lists(
    st.tuples(
        st.floats(0, 10),
        st.floats(0, 10),
        st.floats(6, 29),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéABCMW -", min_size=0, max_size=30),
    ),
    max_size=70,
)


@settings(max_examples=60, deadline=None)
@given(point_lists, st.sampled_from(PAGE_SIZES))
def test_on_random_portfolios_no_two_names_overlap_and_none_covers_a_bubble(rows, size):
    width, height = size
    points = [
        Point(key, x / 10 * width, (1 - y / 10) * height, radius, text) for key, (x, y, radius, text) in enumerate(rows)
    ]
    layout = place_labels(points, width, height, max_named=60)
    _check(layout, points, width, height, 60)
    assert place_labels(points, width, height, max_named=60) == layout  # deterministic


def test_a_name_with_room_is_written_beside_its_bubble_and_a_crowd_is_numbered():
    alone = place_labels([Point(1, 100, 100, 10, "Acme")], 400, 300)
    (label,) = alone.labels
    assert label.leader is None and label.box.x0 >= 100 + 10 and not alone.numbered
    crowd = [Point(i, 200 + (i % 5) * 3, 150 + (i // 5) * 3, 8, f"Account number {i}") for i in range(25)]
    layout = place_labels(crowd, 400, 300)
    assert layout.numbered and len(layout.labels) + len(layout.numbered) + len(layout.unnamed) == 25
    _check(layout, crowd, 400, 300, 60)


def test_obstacles_lines_and_the_plot_edge_are_kept_clear():
    quadrant = Box(0, 0, 120, 30)
    line = (0.0, 60.0, 400.0, 60.0)
    layout = place_labels(
        [Point(1, 30, 45, 10, "Near the corner"), Point(2, 395, 200, 10, "At the right edge")],
        400,
        300,
        obstacles=[quadrant],
        segments=[line],
    )
    for box in layout.boxes():
        assert not box.overlaps(quadrant) and box.inside(400, 300)
        assert not (box.y0 < 60 < box.y1)


def test_text_widths_hold_the_widest_font_drawn():
    from PIL import ImageFont

    font = ImageFont.truetype(label_boxes.FONTS["bold"], 16)
    for name in ("WWW MMM", "Veltara Énergie", "iiii llll", "Société Générale d'Électricité", "東京"):
        assert text_width(name, 16, bold=True) >= font.getlength(name)


# --- the chart as drawn -----------------------------------------------------------------------------


def _points(url: str):
    with Session(db.get_engine(url)) as session:
        accounts = account_table(session, TODAY)
        now, before = segments(session, "2026-Q4", Thresholds()), segments(session, "2026-Q3", Thresholds())
    return matrix_table(accounts, now, before)


@pytest.fixture(scope="module")
def generated_60(tmp_path_factory) -> str:
    """60 accounts of the benchmark's generator (SQLite, read only here)."""
    from bench.generate import generate

    path = Path(tmp_path_factory.mktemp("sixty")) / "sixty.db"
    generate(path, 60)
    return sqlite_url(path)


def _drawn(points, *, size=None, selected=None, movement=True) -> label_boxes.Drawn:
    options = {"width": size[0], "height": size[1]} if size else {}
    chart = matrix_chart(
        points,
        attractiveness_threshold=5,
        strength_threshold=5,
        labels=LABELS,
        colours=SEGMENT_COLOURS,
        show_movement=movement,
        selected_id=selected,
        **options,
    )
    names = set(points.loc[points["scored"], "name"])
    return label_boxes.from_svg(exports.chart_svg(chart).decode(), names)


def _assert_readable(points, drawn: label_boxes.Drawn) -> None:
    found = label_boxes.problems(drawn)
    assert found == {"overlapping": [], "over_a_bubble": []}, found
    scored = set(points.loc[points["scored"], "name"])
    named = {text.text for text in drawn.names}
    in_legend = {entry.split("  ", 1)[1] for entry in drawn.legend if "  " in entry}
    assert scored == named | in_legend and not named & in_legend
    assert [int(number.text) for number in drawn.numbers] == list(range(1, len(drawn.numbers) + 1))
    assert min(text.size for text in drawn.names + drawn.numbers) >= 16


def test_the_exported_demo_matrix_has_no_overlapping_name(demo_url):
    """As the page's PNG/SVG download draws it (the chart's own size): fails on the chart of fixed
    offsets, where 17 of the 27 names overlap another or a bubble."""
    points = _points(demo_url)
    _assert_readable(points, _drawn(points))


@pytest.mark.parametrize("size", PAGE_SIZES)
@pytest.mark.parametrize("movement", [True, False])
def test_the_demo_matrix_has_no_overlapping_name_at_each_size(demo_url, size, movement):
    points = _points(demo_url)
    selected = int(points.loc[points["scored"], "account_id"].iloc[-1])
    drawn = _drawn(points, size=size, selected=selected, movement=movement)
    _assert_readable(points, drawn)
    selected_name = points.loc[points["account_id"] == selected, "name"].item()
    assert selected_name in {text.text for text in drawn.names}  # the selected account is always named


@pytest.mark.parametrize("size", PAGE_SIZES)
def test_a_matrix_of_60_accounts_has_no_overlapping_name(generated_60, size):
    points = _points(generated_60)
    assert points["scored"].sum() >= 50
    _assert_readable(points, _drawn(points, size=size))


def test_the_qbr_matrix_image_names_its_account_clear_of_every_bubble(demo_url, monkeypatch):
    drawn_charts = []
    real = qbr.matrix_chart

    def keep(*args, **kwargs):
        drawn_charts.append(real(*args, **kwargs))
        return drawn_charts[-1]

    monkeypatch.setattr(qbr, "matrix_chart", keep)
    with Session(db.get_engine(demo_url)) as session:
        account_id, name = session.execute(
            select(Account.id, Account.name).where(Account.name == "Veltara Motors Group")
        ).one()
        qbr.build_qbr(session, account_id, TODAY)
    (chart,) = drawn_charts
    drawn = label_boxes.from_svg(exports.chart_svg(chart).decode(), {name})
    assert [text.text for text in drawn.names] == [name] and not drawn.numbers
    assert label_boxes.problems(drawn) == {"overlapping": [], "over_a_bubble": []}
    assert drawn.names[0].size >= 16
    assert chart.to_dict()["width"] == qbr.MATRIX_IMAGE[0]


def test_a_page_chart_stretches_only_wider_and_says_how_it_is_drawn():
    points = matrix_table(*_tiny())
    spec = matrix_chart(
        points, attractiveness_threshold=5, strength_threshold=5, labels=LABELS, width=600, height=500, stretch=True
    ).to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    file_spec = exports._spec(
        matrix_chart(
            points, attractiveness_threshold=5, strength_threshold=5, labels=LABELS, width=600, height=500, stretch=True
        ),
        None,
    )
    assert file_spec["width"] == 600 and "autosize" not in file_spec  # a file draws the plot the names were placed for


def _tiny():
    import pandas as pd

    accounts = pd.DataFrame(
        [
            {
                "account_id": 1,
                "name": "A",
                "group": None,
                "sector": "S",
                "country": "FR",
                "kam": "K",
                "status": "active",
                "revenue": 1.0,
                "potential_3y": 1.0,
                "share_of_wallet_pct": 1.0,
            }
        ]
    )
    now = pd.DataFrame(
        [(1, 7.0, 7.0, "strategic", 0, 0)],
        columns=["account_id", "attractiveness", "strength", "quadrant", "missing_attractiveness", "missing_strength"],
    )
    return accounts, now


def test_bubbles_are_drawn_as_large_as_the_layout_thinks():
    """The bubble's area is computed in kam_core (not by a Vega scale): the names are placed around the
    bubbles drawn."""
    points = matrix_table(*_tiny())
    drawn = label_boxes.from_svg(
        exports.chart_svg(
            matrix_chart(points, attractiveness_threshold=5, strength_threshold=5, labels=LABELS)
        ).decode(),
        {"A"},
    )
    ((_, _, radius),) = drawn.bubbles
    assert radius == pytest.approx(math.sqrt(charts.BUBBLE_AREA[1]) / 2, abs=0.01)


@pytest.mark.parametrize("portfolio", ["demo", "sixty"])
def test_a_page_chart_stretched_wider_names_more_and_never_overlaps(portfolio, demo_url, request):
    """The page's chart fits its column (Vega's fit-x): names are placed again for wider plots, and the
    layout drawn is the widest that fits (Vega's ``width`` signal)."""
    import vl_convert

    url = demo_url if portfolio == "demo" else request.getfixturevalue("generated_60")
    points = _points(url)
    chart = matrix_chart(
        points,
        attractiveness_threshold=5,
        strength_threshold=5,
        labels=LABELS,
        colours=SEGMENT_COLOURS,
        show_movement=True,
        width=440,
        height=560,
        stretch=True,
    )
    named = []
    for total in (520, 640, 800, 1000, 1300, 1800):  # the chart's whole width, as a page column gives it
        spec = chart.to_dict()
        spec["width"] = total
        drawn = label_boxes.from_svg(vl_convert.vegalite_to_svg(spec), set(points.loc[points["scored"], "name"]))
        _assert_readable(points, drawn)
        named.append(len(drawn.names))
    assert named[-1] > named[0]  # a wider column names more accounts
