"""The deck's preview: one PNG per slide drawn with Pillow from the deck read back (no office suite),
at the slide's aspect ratio, each text drawn inside its own shape, fills, tables, pictures and charts
drawn where the deck puts them."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Inches, Pt
from sqlalchemy import select
from sqlmodel import Session

from kam_core.documents.charts import KPI_COLOURS
from kam_core.documents.deck_preview import FONTS, render_slides
from kam_core.documents.qbr import build_qbr
from kam_core.store import db
from kam_core.store.models import Account
from tests.conftest import TODAY

WHITE = (255, 255, 255)


def _deck(width=None, height=None):
    deck = Presentation()
    deck.slide_width, deck.slide_height = width or Inches(13.333), height or Inches(7.5)
    blank = next(layout for layout in deck.slide_layouts if layout.name == "Blank")
    return deck, deck.slides.add_slide(blank)


def _bytes(deck) -> bytes:
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _inked(image: Image.Image, background=WHITE) -> list[tuple[int, int]]:
    """Every pixel that is not the background's colour."""
    width, height = image.size
    data = image.load()
    return [(x, y) for y in range(height) for x in range(width) if data[x, y] != background]


def _px(emu, image: Image.Image, deck) -> float:
    return emu * image.width / deck.slide_width


def test_the_fonts_the_preview_measures_with_are_shipped():
    assert {path.name for path in FONTS.glob("*.ttf")} >= {"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"}


@pytest.mark.parametrize(("width", "height"), [(Inches(13.333), Inches(7.5)), (Inches(10), Inches(7.5))])
def test_a_slide_is_drawn_at_its_aspect_ratio_one_png_per_slide(width, height):
    deck, _ = _deck(width, height)
    deck.slides.add_slide(deck.slide_layouts[6])
    pngs = render_slides(_bytes(deck), width=600)
    assert len(pngs) == 2
    for png in pngs:
        image = _image(png)
        assert image.width == 600
        assert abs(image.height - 600 * height / width) <= 1


def test_the_text_of_a_text_box_is_drawn_wrapped_inside_its_box():
    deck, slide = _deck()
    box = slide.shapes.add_textbox(Inches(2), Inches(2), Inches(3), Inches(3))
    frame = box.text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = "A long sentence that must wrap several times inside a narrow box of three inches " * 2
    run.font.size, run.font.bold = Pt(20), True
    run.font.color.rgb = RGBColor(0x0B, 0x4F, 0x8A)
    image = _image(render_slides(_bytes(deck), width=1000)[0])
    inked = _inked(image)
    assert len(inked) > 2000  # the text is there
    left, top = _px(box.left, image, deck), _px(box.top, image, deck)
    right, bottom = _px(box.left + box.width, image, deck), _px(box.top + box.height, image, deck)
    assert all(left <= x <= right and top <= y <= bottom for x, y in inked)
    rows = sorted({y for _, y in inked})
    assert rows[-1] - rows[0] > 3 * Pt(20) * image.width / deck.slide_width  # wrapped on several lines


def test_a_centred_paragraph_is_drawn_around_the_middle_of_its_box():
    from pptx.enum.text import PP_ALIGN

    deck, slide = _deck()
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    paragraph.add_run().text = "Centred"
    image = _image(render_slides(_bytes(deck), width=1000)[0])
    xs = [x for x, _ in _inked(image)]
    middle = _px(box.left + box.width / 2, image, deck)
    assert abs((min(xs) + max(xs)) / 2 - middle) < 5


def test_a_filled_rectangle_a_table_a_picture_and_a_chart_are_drawn_in_their_boxes():
    deck, slide = _deck()
    tile = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.5), Inches(0.5), Inches(2), Inches(1))
    tile.fill.solid()
    tile.fill.fore_color.rgb = RGBColor(0xEE, 0xF2, 0xF7)
    tile.line.fill.background()
    table = slide.shapes.add_table(2, 2, Inches(3), Inches(0.5), Inches(4), Inches(1)).table
    header = table.cell(0, 0)
    header.text = "Header"
    header.fill.solid()
    header.fill.fore_color.rgb = RGBColor(0x0B, 0x4F, 0x8A)
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(picture, format="PNG")
    slide.shapes.add_picture(io.BytesIO(picture.getvalue()), Inches(8), Inches(0.5), Inches(2), Inches(1))
    data = CategoryChartData()
    data.categories = ["Apr 2026", "Jul 2026", "Oct 2026"]
    data.add_series("Reading", (396, 388, 372))
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Inches(1), Inches(3), Inches(6), Inches(4), data)
    image = _image(render_slides(_bytes(deck), width=1333)[0])  # 100 pixels an inch
    pixels = image.load()
    assert pixels[150, 100] == (0xEE, 0xF2, 0xF7)  # inside the tile
    assert pixels[900, 100] == (200, 0, 0)  # inside the picture, scaled
    assert pixels[490, 55] == (0x0B, 0x4F, 0x8A)  # the table's first cell, filled (its text starts at the left)
    inside_chart = [(x, y) for x, y in _inked(image) if 100 <= x <= 700 and 300 <= y <= 700]
    assert len(inside_chart) > 500  # axes, labels and the line
    assert not [(x, y) for x, y in _inked(image) if y > 705]  # nothing below the chart's box
    assert chart.has_chart


@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory, databases):
    url = databases.demo(tmp_path_factory.mktemp("deck_preview"))
    with Session(db.get_engine(url)) as session:
        account_id = session.scalar(select(Account.id).where(Account.name == "Aerivon Aerostructures"))
        pack = build_qbr(session, account_id, TODAY, language="fr")
    yield pack
    db.dispose_all()
    databases.drop(url)


def test_every_slide_of_a_demo_deck_is_previewed_with_its_title_drawn(demo_deck):
    pngs = render_slides(demo_deck.data, width=480, workers=2)
    assert len(pngs) == len(demo_deck.slides)
    for png in pngs:
        image = _image(png)
        assert image.size == (480, 270)
        title_band = image.crop((0, 0, 480, 60))  # the slide's title, in the deck's accent colour
        assert any(colour[2] > colour[0] + 40 for _, colour in title_band.getcolors(480 * 60))
    assert render_slides(demo_deck.data, width=480) == pngs  # the same drawing, in threads or not


def test_a_chart_without_axes_is_drawn_as_a_placeholder_box():
    deck, slide = _deck()
    data = CategoryChartData()
    data.categories = ["Won", "Open"]
    data.add_series("Share", (0.6, 0.4))
    slide.shapes.add_chart(XL_CHART_TYPE.PIE, Inches(1), Inches(1), Inches(2), Inches(2), data)
    image = _image(render_slides(_bytes(deck), width=1333)[0])
    assert image.load()[200, 200] != WHITE


def _kpi_chart_deck():
    """A slide with one KPI chart as the deck draws it (deck_charts): 14 pt text, a 16 pt title, the
    target dashed."""
    import pandas as pd

    from kam_core.documents.deck_charts import add_kpi_chart

    deck, slide = _deck()
    history = pd.DataFrame(
        {
            "objective_id": [1, 1, 1],
            "title": ["Energy per part"] * 3,
            "kpi": ["Energy"] * 3,
            "unit": ["kWh"] * 3,
            "baseline": [None] * 3,
            "target": [300.0] * 3,
            "value": [390.0, 370.0, 350.0],
            "reading_date": pd.to_datetime(["2026-04-01", "2026-07-01", "2026-10-01"]),
        }
    )
    (shape,) = add_kpi_chart(slide, 0.5, 0.5, 12.0, 6.0, history, "en")
    return deck, shape.chart


def test_the_preview_draws_a_charts_text_at_the_sizes_its_xml_gives():
    from kam_core.documents.deck_preview import chart_sizes

    _, chart = _kpi_chart_deck()
    sizes = chart_sizes(chart)
    assert sizes["title"] == 16 and sizes["ticks"] == sizes["legend"] == sizes["category_ticks"] == 14
    assert sizes["value_title"] == 14


def test_the_preview_draws_the_dashed_target_dashed():
    from kam_core.documents.deck_preview import series_dashed

    deck, chart = _kpi_chart_deck()
    reading, target = chart.plots[0].series
    assert series_dashed(target) and not series_dashed(reading)
    image = _image(render_slides(_bytes(deck))[0])
    colour = tuple(int(KPI_COLOURS["target"].lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    data = image.load()
    rows = {}
    for y in range(image.height):
        xs = [x for x in range(image.width) if sum(abs(a - b) for a, b in zip(data[x, y], colour)) < 30]
        if xs:
            rows[y] = xs
    y, xs = max(rows.items(), key=lambda item: len(item[1]))  # the target's row
    span = range(min(xs), max(xs) + 1)
    assert len(xs) < 0.8 * len(span)  # gaps between the dashes: not one solid line


def test_a_long_chart_title_is_wrapped_inside_the_chart_as_powerpoint_does():
    from kam_core.documents.deck_preview import _font, _title_lines

    font = _font(20, True)
    title = "Raccourcir les réparations des bancs d'essai et des autoclaves"
    lines = _title_lines(title, font, 250)
    assert len(lines) > 1 and " ".join(lines) == title
    assert all(font.getlength(line) <= 250 for line in lines)
    assert _title_lines("", font, 250) == []
