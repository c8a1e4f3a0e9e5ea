"""Issue 22: a French room saw 36 English month names ("Jul 2026") on the axes of the charts of the
executive, handshake and executive-plan pages. Each page is run in French under AppTest on the
demo portfolio; its texts and what its charts draw (the spec the browser gets, its tables put back
and rendered to SVG by vl-convert) must hold no English month name, and the quarters read "T4 2026"."""

from __future__ import annotations

import pytest

from tests.drawn import FRENCH_SHORT_MONTHS, page_chart_specs, svg_texts
from tests.french import english_months_in
from tests.pages.conftest import no_exception, texts

PAGES = {
    "executives": "pages/portfolio/executives.py",
    "handshakes": "pages/portfolio/handshakes.py",
    "handshake": "pages/account/handshake.py",
    "executive plan": "pages/account/executive_plan.py",
}
DATED = ("executives", "handshake", "executive plan")  # pages with a chart across time


def _in_french(demo_app, page: str):
    app = demo_app(page)
    app.session_state["language"] = "fr"
    app.run()
    no_exception(app)
    return app


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_french_page_shows_no_english_month(demo_app, name):
    app = _in_french(demo_app, PAGES[name])
    drawn = [" | ".join(svg_texts(spec)) for spec in page_chart_specs(app)]
    shown = "\n".join([texts(app), *drawn])
    assert not english_months_in(shown), [line for line in shown.splitlines() if english_months_in(line)]
    if name in DATED:
        assert drawn, "the page drew no chart"
        assert any(month in " ".join(drawn) for month in FRENCH_SHORT_MONTHS), drawn


def test_the_same_page_in_english_shows_english_months(demo_app):
    """The check is not blind: in English the executive plan's timeline reads "Jul 2026"."""
    app = demo_app(PAGES["executive plan"])
    no_exception(app)
    assert english_months_in(" | ".join(svg_texts(page_chart_specs(app)[0])))


def test_quarters_read_the_french_way_and_the_period_keeps_its_code(demo_app):
    app = _in_french(demo_app, "pages/portfolio/matrix.py")
    sidebar = " ".join(caption.value for caption in app.sidebar.caption)
    assert "T4 2026" in sidebar and "2026-Q4" not in sidebar, sidebar
    period = app.selectbox(key="matrix_period")
    assert period.value == "2026-Q4" and "T4 2026" in period.options and "2026-Q4" not in period.options
