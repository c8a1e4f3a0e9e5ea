"""Every page in French in Chromium (opened with ``?lang=fr``, as a reload keeps it): no label cut by
an ellipsis (metric labels, tabs, buttons, widget labels, select boxes), a screenshot of each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from kam_core.ui import routes
from tests.e2e.conftest import shoot, wait_idle

pytestmark = pytest.mark.e2e

# Every element drawn with a CSS ellipsis whose text is wider than its box: a label the reader sees cut.
CUT_LABELS = """
() => {
  const cut = [];
  for (const element of document.querySelectorAll('[data-testid="stMain"] *, [data-testid="stSidebar"] *')) {
    if (!element.offsetParent || !element.innerText || element.clientWidth === 0) continue;
    const style = getComputedStyle(element);
    if (style.textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth + 1) {
      const kind = element.closest('[data-testid]')?.getAttribute('data-testid') || element.tagName;
      cut.push(`${kind}: ${element.innerText.trim().replace(/\\s+/g, ' ')}`);
    }
  }
  return [...new Set(cut)];
}
"""


def _cut_labels(page: Page) -> list[str]:
    return page.evaluate(CUT_LABELS)


@pytest.mark.parametrize("route", routes.ROUTES, ids=lambda route: route.url_path)
def test_no_label_is_cut_on_a_french_page(page: Page, route):
    page.goto(f"/{'' if route.default else route.url_path}?lang=fr")
    wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    shoot(page, f"fr-{route.url_path}")
    cut = _cut_labels(page)
    assert not cut, "\n".join(cut)
