"""The Programme inputs page in Chromium, on its own server and copy of the demo portfolio: its
sections reached by their anchors (the ROI page links to them), an input saved through the browser
and read back from the database, a bad value refused naming the field with what was typed kept, and
screenshots at 1920×1080 and 1280×720 (``23-inputs*.png``: the top, the costs, the accounts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from kam_core.programme import business_case as case
from kam_core.store import db
from kam_core.ui import routes
from tests.e2e.conftest import running_server, shoot, wait_idle

pytestmark = pytest.mark.e2e

FULL_HD = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1280, "height": 720}
PATH = f"/{routes.INPUTS.url_path}"
LOADED_MACHINE_MS = 30_000


@pytest.fixture(scope="module")
def inputs_server(databases, tmp_path_factory):
    """A server of its own (the page writes), on a demo copy as it is (its programme started in 2024,
    its own inputs, KAMs' costs and plans)."""
    folder = tmp_path_factory.mktemp("e2e_inputs")
    url = databases.copy("demo", folder, "kam.db")
    with running_server(url, folder) as address:
        yield address, url
    db.dispose_all()


def _read(url: str) -> case.BusinessCase:
    with Session(db.get_engine(url)) as session:
        return case.read_business_case(session)


def _open(page: Page, address: str, size: dict, query: str = "") -> None:
    page.set_viewport_size(size)
    page.goto(f"{address}{PATH}{query}")
    wait_idle(page)
    expect(page.locator('[data-testid="stDataFrame"], [data-testid="stDataFrameResizable"]').last).to_be_visible(
        timeout=LOADED_MACHINE_MS
    )
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_every_section_has_its_anchor_and_a_link_to_one_opens_there(page: Page, inputs_server):
    address, _ = inputs_server
    _open(page, address, FULL_HD)
    for anchor in routes.INPUT_SECTIONS:
        expect(page.locator(f"[id='{anchor}']")).to_have_count(1)
    expect(page.locator("[id='accounts']")).not_to_be_in_viewport()
    _open(page, address, FULL_HD, f"?{routes.SECTION_PARAM}=accounts")
    expect(page.locator("[id='accounts']")).to_be_in_viewport(timeout=LOADED_MACHINE_MS)
    expect(page.locator("[id='start']")).not_to_be_in_viewport()
    assert f"{routes.SECTION_PARAM}=" not in page.url  # a later run stays where the user scrolls


def test_an_input_saved_in_the_browser_is_written_and_a_bad_one_named_and_kept(page: Page, inputs_server):
    address, url = inputs_server
    _open(page, address, FULL_HD)
    growth = page.get_by_role("spinbutton", name="Organic growth (% a year)")
    growth.fill("2.5")
    page.locator('[data-testid="stForm"]').nth(1).get_by_role("button", name="Save").click()
    wait_idle(page)
    expect(page.get_by_text("Saved: the ROI is computed with these inputs from now on.")).to_be_visible()
    assert _read(url).organic_growth_pct == 2.5

    horizon = page.get_by_role("spinbutton", name="Horizon (years)")
    horizon.fill("12")
    page.locator('[data-testid="stForm"]').first.get_by_role("button", name="Save").click()
    wait_idle(page)
    expect(page.get_by_text("Horizon (years): 12 is not allowed: a whole number from 3 to 10.")).to_be_visible()
    expect(horizon).to_have_value("12")
    assert _read(url).horizon_years == 5


@pytest.mark.parametrize(("size", "name"), [(FULL_HD, "23-inputs"), (LAPTOP, "23-inputs-1280")])
def test_the_page_screenshot(page: Page, inputs_server, size, name):
    address, _ = inputs_server
    _open(page, address, size)
    expect(page.get_by_role("heading", name="Programme inputs")).to_be_visible()
    shoot(page, name)
    _open(page, address, size, f"?{routes.SECTION_PARAM}=kam-costs")
    expect(page.locator("[id='kam-costs']")).to_be_in_viewport(timeout=LOADED_MACHINE_MS)
    shoot(page, f"{name}-costs")
    _open(page, address, size, f"?{routes.SECTION_PARAM}=accounts")
    expect(page.locator("[id='accounts']")).to_be_in_viewport(timeout=LOADED_MACHINE_MS)
    shoot(page, f"{name}-accounts")
