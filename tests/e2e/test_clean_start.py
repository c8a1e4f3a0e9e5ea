"""``make run`` starts cleanly (issue 22): the server, started as the Makefile starts it
(``python -m kam_core.ui.serve``), logs no warning and never asks to restart Streamlit, from its
start through a first page drawn in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import running_server, wait_idle

pytestmark = pytest.mark.e2e

NOISE = re.compile(r"warning|restart|deprecat|traceback|error", re.IGNORECASE)


def test_the_app_starts_and_draws_its_first_page_without_a_warning(browser: Browser, databases, tmp_path):
    with running_server(databases.copy("demo", tmp_path, "kam.db"), tmp_path) as url:
        page = browser.new_page()  # not the session's server (``page`` would start it): this one only
        try:
            page.goto(url)
            wait_idle(page, timeout=60_000)
            page.get_by_role("heading").first.wait_for()
        finally:
            page.close()
        log = (tmp_path / "streamlit.log").read_text()
    assert "You can now view your Streamlit app" in log
    assert [line for line in log.splitlines() if NOISE.search(line)] == []
