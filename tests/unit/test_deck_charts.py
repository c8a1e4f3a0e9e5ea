"""The QBR deck's KPI charts are native PowerPoint charts (editable): one per joint objective with
readings, its value axis titled with the KPI's unit, the months in the deck's language, the target
as a series of its own, the data equal to the stored readings, no text under 12 pt."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from sqlalchemy import select
from sqlmodel import Session

from kam_core.account.handshake import kpi_history
from kam_core.documents.deck_charts import value_scale
from kam_core.documents.qbr import build_qbr
from kam_core.i18n import translate
from kam_core.store import db
from kam_core.store.models import Account
from tests.conftest import TODAY

RICH = "Aerivon Aerostructures"  # handshake in quarterly review, two objectives with readings
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@pytest.fixture(scope="module")
def decks(tmp_path_factory, databases):
    url = databases.demo(tmp_path_factory.mktemp("deck_charts"))
    with Session(db.get_engine(url)) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == RICH))
        history = kpi_history(session, account_id)
        built = {
            "en": build_qbr(session, account_id, TODAY),
            "fr": build_qbr(session, account_id, TODAY, language="fr"),
            "customer": build_qbr(session, account_id, TODAY, internal=False),
        }
    yield {"history": history, "decks": {key: Presentation(io.BytesIO(pack.data)) for key, pack in built.items()}}
    db.dispose_all()
    databases.drop(url)


def _handshake_slide(deck, language: str):
    title = translate("qbr.slide.handshake", language)
    return next(slide for slide in deck.slides if slide.shapes.title.text == title)


def _charts(slide):
    return [shape.chart for shape in slide.shapes if shape.has_chart]


@pytest.mark.parametrize("which", ["en", "fr", "customer"])
def test_the_kpi_charts_are_native_line_charts_not_pictures(decks, which):
    language = "fr" if which == "fr" else "en"
    slide = _handshake_slide(decks["decks"][which], language)
    charts = _charts(slide)
    read = decks["history"].dropna(subset=["value"])
    assert len(charts) == read["objective_id"].nunique() == 2
    for chart in charts:  # a line chart (python-pptx names it LINE once a series draws no marker)
        assert chart.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
        assert chart.plots[0].series[0].marker.style == XL_MARKER_STYLE.CIRCLE  # the readings, with markers
    assert not [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_each_chart_holds_the_stored_readings_and_the_target_as_its_own_series(decks):
    history = decks["history"]
    charts = _charts(_handshake_slide(decks["decks"]["en"], "en"))
    objectives = list(dict.fromkeys(history.dropna(subset=["value"])["objective_id"]))
    assert len(charts) == len(objectives) == 2
    for chart, identifier in zip(charts, objectives):
        rows = history[history["objective_id"] == identifier].sort_values("reading_date")
        series = {one.name: list(one.values) for one in chart.plots[0].series}
        assert series[translate("handshake.kpi.reading", "en")] == list(rows["value"])
        assert series[translate("handshake.kpi.target", "en")] == [rows["target"].iloc[0]] * len(rows)
        assert series[translate("handshake.kpi.baseline", "en")] == [rows["baseline"].iloc[0]] * len(rows)
        assert chart.chart_title.text_frame.text == rows["title"].iloc[0]
        assert len(list(chart.plots[0].categories)) == len(rows)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_value_axis_names_the_unit_and_the_months_are_in_the_decks_language(decks, language):
    history = decks["history"]
    charts = _charts(_handshake_slide(decks["decks"][language], language))
    units = list(dict.fromkeys(history.dropna(subset=["value"])["unit"]))
    assert len(charts) == len(units) == 2
    for chart, unit in zip(charts, units):
        title = chart.value_axis.axis_title.text_frame.text
        assert unit in title and translate("handshake.kpi.value", language) not in title
        assert not chart.category_axis.has_title  # the months speak for themselves: no "Date" title
        categories = [str(category) for category in chart.plots[0].categories]
        if language == "fr":  # April, July, October 2026
            assert categories == ["avr. 2026", "juil. 2026", "oct. 2026"]
            assert not any(month in category for category in categories for month in ENGLISH_MONTHS)
        else:
            assert categories == ["Apr 2026", "Jul 2026", "Oct 2026"]


def test_no_chart_text_is_under_12_pt(decks):
    charts = _charts(_handshake_slide(decks["decks"]["en"], "en"))
    assert charts
    for chart in charts:
        sizes = [
            chart.font.size,
            chart.legend.font.size,
            chart.value_axis.tick_labels.font.size,
            chart.category_axis.tick_labels.font.size,
        ]
        for frame in (
            chart.chart_title.text_frame,
            chart.value_axis.axis_title.text_frame,
        ):
            sizes += [run.font.size for paragraph in frame.paragraphs for run in paragraph.runs]
        assert all(size is not None and size.pt >= 12 for size in sizes), sizes


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (326.0, 396.0, (320, 400, 20)),  # energy per part: the trend stays visible, not squashed at zero
        (6.1, 14.9, (6, 16, 2)),
        (5.0, 5.0, (4, 6, 1)),  # one level: a band around it
        (-3.0, 4.0, (-4, 6, 2)),
    ],
)
def test_the_value_axis_is_round_around_the_readings_and_the_target(low, high, expected):
    assert value_scale(low, high) == expected


def _figures_slide(deck, language: str):
    title = translate("section.key_figures", language)
    return next(slide for slide in deck.slides if slide.shapes.title.text == title)


@pytest.mark.parametrize(("which", "symbol"), [("en", "€"), ("fr", "€"), ("customer", "€")])
def test_the_revenue_chart_is_a_native_column_chart_with_the_currency_and_readable_text(decks, which, symbol):
    language = "fr" if which == "fr" else "en"
    slide = _figures_slide(decks["decks"][which], language)
    assert not [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    (chart,) = _charts(slide)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    title = chart.value_axis.axis_title.text_frame.text
    assert symbol in title and translate("qbr.chart.revenue", language) in title
    categories = [str(category) for category in chart.plots[0].categories]
    assert categories and all(category.isdigit() for category in categories)
    assert all(value > 0 for value in chart.plots[0].series[0].values)
    sizes = [
        chart.font.size,
        chart.value_axis.tick_labels.font.size,
        chart.category_axis.tick_labels.font.size,
        chart.plots[0].data_labels.font.size,
    ]
    sizes += [
        run.font.size for paragraph in chart.value_axis.axis_title.text_frame.paragraphs for run in paragraph.runs
    ]
    assert all(size is not None and size.pt >= 12 for size in sizes), sizes
