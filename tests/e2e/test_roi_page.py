"""The Return on investment page in real Chromium, on a copy of the demo portfolio as it is (its own
business case: a programme started in 2024, account plans for the coming years; what a user sees on
``make run``), served by its own streamlit server: at the two projector sizes (1920x1080 and 1280x720; and in French
at 1280x720) the three headline figures are on screen at once, large and not cut, the J curve and the
contributions are drawn, and the slide for the executive committee downloads as a one-slide deck.
Screenshots: ``23-roi.png`` (1920x1080), ``23-roi-720p.png``, ``23-roi-fr-720p.png`` and
``23-roi-full.png`` (the whole page, for a reader)."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.conftest import running_server, shoot, wait_idle

pytestmark = pytest.mark.e2e

VIEWPORTS = {"23-roi": (1920, 1080, "en"), "23-roi-720p": (1280, 720, "en"), "23-roi-fr-720p": (1280, 720, "fr")}
TITLES = {"en": "Return on investment", "fr": "Retour sur investissement"}
FIGURE_MIN_PX = 40  # the headline figures' type: read from the back of a room


@pytest.fixture(scope="module")
def roi_server(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_roi")
    url = databases.copy("demo", folder, "kam.db")
    with running_server(url, folder) as address:
        yield address


def _open(page: Page, address: str, width: int, height: int, language: str = "en") -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{address}/roi?lang={language}", wait_until="domcontentloaded")
    wait_idle(page, 60_000)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    expect(main.get_by_role("heading", name=TITLES[language])).to_be_visible(timeout=60_000)
    for chart in main.locator('[data-testid="stVegaLiteChart"]').all():
        chart.locator("canvas, svg").first.wait_for(state="attached", timeout=30_000)
    assert not page.locator('[data-testid="stException"]').count()


def _figures(page: Page):
    return page.locator('[data-testid="stMainBlockContainer"] [style*="3.4rem"]')


@pytest.mark.parametrize("name", list(VIEWPORTS))
def test_the_headline_figures_are_large_whole_and_on_screen_at_both_projector_sizes(page: Page, roi_server, name):
    width, height, language = VIEWPORTS[name]
    _open(page, roi_server, width, height, language)
    figures = _figures(page)
    expect(figures).to_have_count(3)
    for index in range(3):
        figure = figures.nth(index)
        box = figure.bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, (name, index, box)  # above the fold
        size = figure.evaluate("node => parseFloat(getComputedStyle(node).fontSize)")
        assert size >= FIGURE_MIN_PX, (name, size)
        cut = figure.evaluate("node => node.scrollWidth > node.clientWidth + 1")
        assert not cut, (name, figure.inner_text())
    assert page.locator('[data-testid="stMainBlockContainer"] [data-testid="stVegaLiteChart"]').count() == 2
    shoot(page, name)


def test_the_slide_downloads_as_one_slide_and_the_whole_page_is_shot(page: Page, roi_server):
    _open(page, roi_server, 1440, 4200)
    shoot(page, "23-roi-full")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Slide for the executive committee").click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pptx")
    deck = Presentation(io.BytesIO(path.read_bytes()))
    assert len(deck.slides) == 1
    assert deck.slides[0].shapes.title.text == "Key account programme: return on investment"
