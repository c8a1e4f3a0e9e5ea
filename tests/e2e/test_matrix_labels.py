"""The Portfolio matrix read from the back of a room, in real Chromium: at 1920 x 1080 and 1280 x 720,
on the page and in presentation mode (``?present=1``), on the demo portfolio and on a generated one of
60 accounts, the boxes the browser gives the account names and numbers drawn on the chart never
overlap, no name covers a bubble, every bubble is named or numbered, and names are 16 px or more on
screen. A screenshot of each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests import label_boxes
from tests.e2e.conftest import running_server, shoot, wait_idle

pytestmark = pytest.mark.e2e

VIEWPORTS = [(1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def sixty_server(tmp_path_factory):
    """A server on 60 accounts of the benchmark's generator."""
    from bench.generate import generate

    folder = tmp_path_factory.mktemp("e2e_sixty")
    path = folder / "kam.db"
    generate(path, 60)
    with running_server(path, folder) as url:
        yield url


def _chart_as_drawn(page: Page) -> label_boxes.Drawn:
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        'document.querySelector(\'[data-testid="stVegaLiteChart"] svg.marks g[class*="bubbles_marks"] path\')',
        timeout=60_000,
    )
    found = chart.evaluate(label_boxes.BROWSER_SCRIPT)
    assert found is not None, "the matrix is not drawn as SVG"
    assert found["scale"] == pytest.approx(1, abs=0.01)  # drawn at its own size, not shrunk
    return label_boxes.from_browser(found)


@pytest.mark.parametrize("portfolio", ["demo", "sixty"])
@pytest.mark.parametrize("present", [False, True], ids=["page", "present"])
@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_no_two_names_overlap_on_the_matrix(page: Page, request, portfolio, present, viewport):
    url = request.getfixturevalue("server" if portfolio == "demo" else "sixty_server")
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(f"{url}/matrix" + ("?present=1" if present else ""))
    wait_idle(page, 60_000)
    exception = page.locator('[data-testid="stException"]')
    assert exception.count() == 0, exception.first.inner_text()
    drawn = _chart_as_drawn(page)
    mode = "present" if present else "page"
    shoot(page, f"matrix-labels-{portfolio}-{viewport[0]}x{viewport[1]}-{mode}")
    assert label_boxes.problems(drawn) == {"overlapping": [], "over_a_bubble": []}
    assert len(drawn.names) + len(drawn.numbers) == len(drawn.bubbles)  # every account named or numbered
    numbered = [entry for entry in drawn.legend if entry.split("  ", 1)[0].isdigit()]
    assert len(numbered) == len(drawn.numbers)
    assert min(text.size for text in drawn.names + drawn.numbers) >= 16
    print(
        f"{portfolio} {viewport} {mode}: {len(drawn.names)} named, {len(drawn.numbers)} numbered, "
        f"smallest {min(text.size for text in drawn.names + drawn.numbers)} px"
    )
