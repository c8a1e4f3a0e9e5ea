"""Every page in French in Chromium (opened with ``?lang=fr``, as a reload keeps it): no label cut by
an ellipsis (metric labels, tabs, buttons, widget labels, select boxes), a screenshot of each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kam_core.ui import routes
from tests.e2e.conftest import SCREENSHOTS, shoot, wait_idle

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


# Glide's comparison of two cells of a text column when a header is clicked (Streamlit 1.67's "smart"
# sort): numbers where the text reads as one, else ``localeCompare`` in the browser's language.
GLIDE_ORDER = """
(texts) => {
  const value = (text) => { const number = Number(text); return text.length > 0 && !isNaN(number) ? number : text; };
  const compare = (a, b) => {
    a = value(a); b = value(b);
    if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
    return a === b ? 0 : a > b ? 1 : -1;
  };
  return [...texts].sort(compare);
}
"""


def test_french_numbers_written_as_text_sort_as_numbers_in_chromium(page: Page):
    """A French number column is padded text (``kam_core.ui.tables``): sorted by Glide in an English
    browser, it still sorts as the numbers do."""
    from kam_core.common import formatting as fmt
    from kam_core.ui.tables import french_numbers

    page.goto("/?lang=fr")
    wait_idle(page)
    for values, write in (
        ([9.1, 12.5, 100.2, 0.0, 10.0, 7.25, None], fmt.score),
        ([950_000, 28_226_000, 1_000_000, 20_030_000, 4_320, None], lambda v, lang: fmt.amount(v, "EUR", lang)),
    ):
        texts = french_numbers(values, write)
        by_number = [
            text for _, text in sorted(zip(values, texts), key=lambda pair: (pair[0] is not None, pair[0] or 0))
        ]
        assert page.evaluate(GLIDE_ORDER, texts) == by_number


def test_the_french_matrix_list_shows_french_numbers_in_chromium(page: Page):
    """The cells Glide draws (its accessible table) on the matrix page opened with ?lang=fr in an en-GB
    browser: scores with a decimal comma, revenue "20 030 000 €"; and a picture of the list
    (``fr-matrix-list.png``). The accessible table gives a number column's raw value ("18.2" for the
    share of wallet drawn "18 %"), so only the text columns are read here."""
    page.goto(f"/{routes.MATRIX.url_path}?lang=fr")
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    expect(grid.locator("table td").first).to_be_attached(timeout=30_000)
    grid.screenshot(path=str(SCREENSHOTS / "fr-matrix-list.png"))
    cells = grid.locator("table td").all_inner_texts()
    (SCREENSHOTS / "fr-matrix-list.txt").write_text("\n".join(cells))
    assert any(re.fullmatch(r"\u2007*\d+,\d", cell) for cell in cells), cells[:40]
    assert any(re.fullmatch(r"\u2007*\d{1,3}(\u202f\d{3})+\u00a0€", cell) for cell in cells), cells[:40]
