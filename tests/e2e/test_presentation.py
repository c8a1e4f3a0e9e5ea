"""Presentation mode in real Chromium, at the two projector sizes of a workshop room (1280x720 and
1920x1080): no sidebar, each room page's key content above the fold, body text >= 20 px, key figures
not cut, ← / → step through the accounts and M opens the matrix; and outside presentation mode, the
room problems of issue 21 (blank space at the top, key figures cut at 720p, no way to jump to a
section of the canvas)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shoot, wait_idle

pytestmark = pytest.mark.e2e

VIEWPORTS = {"720p": {"width": 1280, "height": 720}, "1080p": {"width": 1920, "height": 1080}}


def _key_content(page: Page, url_path: str) -> list[tuple[object, bool]]:
    """The page's key content: (locator, whole) — whole: the element must be entirely on screen;
    else its top must be (a chart or table that continues below)."""
    main = page.locator('[data-testid="stMainBlockContainer"]')
    metrics = [(main.locator('[data-testid="stMetric"]').nth(i), True) for i in range(4)]  # the first row
    return {
        "": metrics,
        "matrix": [(main.locator('[data-testid="stVegaLiteChart"]').first, False)],
        "canvas": metrics,
        "scoring": [
            (main.get_by_text(re.compile(r"^Now: ")).first, True),
            (main.locator('[data-testid="stMarkdown"] table').first, False),
        ],
        "handshake": [
            (main.locator('[data-testid="stMarkdown"]', has_text="→").first, True),
            (main.get_by_role("heading", name="Joint objectives and their KPIs"), False),
        ],
        "executive-plan": [
            (main.get_by_role("heading", name="Executive sponsor"), True),
            (main.get_by_role("heading", name="Pairings and cadence"), False),
        ],
    }[url_path]


ROOM_PAGES = ["", "matrix", "canvas", "scoring", "handshake", "executive-plan"]


@pytest.fixture(params=list(VIEWPORTS))
def room(request, browser, base_url):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-GB", base_url=base_url)
    page = context.new_page()
    yield request.param, page
    context.close()


def _account(page: Page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("account", [None])[0]


def _present(page: Page) -> str | None:
    return parse_qs(urlparse(page.url).query).get("present", [None])[0]


def _drawn(page: Page) -> None:
    for chart in page.locator('[data-testid="stMainBlockContainer"] [data-testid="stVegaLiteChart"]').all()[:2]:
        chart.locator("canvas, svg").first.wait_for(state="attached")
    page.wait_for_timeout(300)


def _body_font_px(page: Page) -> float:
    """The computed size of the page's body text (Markdown paragraphs, captions aside)."""
    return page.locator('[data-testid="stMainBlockContainer"] [data-testid="stMarkdown"] p').first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)"
    )


def _cut_metrics(page: Page) -> list[str]:
    """The key figures whose value is cut (ellipsis): wider than the box that shows it."""
    return page.locator('[data-testid="stMetricValue"]').evaluate_all(
        "values => values.map(v => v.firstElementChild || v)"
        ".filter(d => d.scrollWidth > d.clientWidth).map(d => d.innerText)"
    )


@pytest.mark.parametrize("url_path", ROOM_PAGES)
def test_room_pages_in_presentation_mode(room, url_path):
    size, page = room
    height = VIEWPORTS[size]["height"]
    page.goto(f"/{url_path}?present=1")
    wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    for element, _whole in _key_content(page, url_path):
        element.wait_for(state="visible")
    _drawn(page)
    shoot(page, f"present-{size}-{url_path or 'home'}")
    expect(page.locator('[data-testid="stSidebar"]')).not_to_be_visible()
    for element, whole in _key_content(page, url_path):
        box = element.bounding_box()
        assert box is not None and box["y"] >= 0, url_path
        assert (box["y"] + box["height"] if whole else box["y"] + 40) <= height, (url_path, size, box)
    assert _body_font_px(page) >= 20
    assert not _cut_metrics(page), url_path
    before = _account(page)
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect(page).not_to_have_url(re.compile(rf"account={before}(&|$)"), timeout=20_000)
    assert _present(page) == "1"


def test_m_opens_the_matrix_and_the_mode_stays_across_pages(page: Page):
    page.set_viewport_size(VIEWPORTS["720p"])
    page.goto("/canvas?present=1")
    wait_idle(page)
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")  # the page is drawn, its keys live
    account = _account(page)
    page.keyboard.press("m")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/matrix\?"), timeout=20_000)
    assert _present(page) == "1" and _account(page) == account
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(state="visible")
    page.keyboard.press("ArrowLeft")
    wait_idle(page)
    expect(page).not_to_have_url(re.compile(rf"account={account}(&|$)"), timeout=20_000)
    page.get_by_role("button", name="Leave").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    assert _present(page) is None


def test_outside_presentation_mode_the_page_starts_at_the_top_and_the_key_figures_fit(page: Page):
    page.set_viewport_size(VIEWPORTS["720p"])
    page.goto("/")
    wait_idle(page)
    page.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for(state="visible")
    page.wait_for_function(  # Streamlit's own padding puts the title at 108 px
        "() => document.querySelector('[data-testid=\"stMainBlockContainer\"] h1').getBoundingClientRect().top <= 50",
        timeout=10_000,
    )
    assert not _cut_metrics(page)  # "€219…" at 1280x720 with the sidebar open
    shoot(page, "present-normal-720p-home")


def test_the_canvas_jumps_to_a_section(page: Page):
    page.set_viewport_size(VIEWPORTS["720p"])
    page.goto("/canvas")
    wait_idle(page)
    heading = page.get_by_role("heading", name="Action plan")
    assert heading.bounding_box()["y"] > 720  # far below the fold
    page.locator(".st-key-canvas_sections").get_by_role("link", name="Action plan").click()
    page.wait_for_function(
        "() => { const h = [...document.querySelectorAll('h3')].find(e => e.innerText.startsWith('Action plan'));"
        " const y = h && h.getBoundingClientRect().top; return y !== undefined && y >= 0 && y < 720; }",
        timeout=10_000,
    )
    # the jump bar stays in sight (polled: on a loaded machine the page may still be drawing its last widgets)
    page.wait_for_function(
        "() => { const bar = document.querySelector('.st-key-canvas_sections');"
        " const y = bar && bar.getBoundingClientRect().top; return y !== undefined && y >= 0 && y < 100; }",
        timeout=20_000,
    )
    shoot(page, "present-normal-720p-canvas-jump")
