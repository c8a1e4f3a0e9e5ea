"""Every page in real Chromium: opened from the navigation, no exception, a screenshot each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shoot, wait_idle

pytestmark = pytest.mark.e2e

NAVIGATION = [  # (link text in the sidebar, screenshot name, a text the page must show)
    ("Home", "01-home", "Strategic accounts / capacity"),
    ("Portfolio matrix", "02-matrix", "Per segment"),
    ("Score accounts", "03-scoring", "Workshop: one account"),
    ("Handshakes", "03b-handshakes", "Strategic accounts by stage"),
    ("Executive engagement", "03c-executives", "Relationships against their cadence"),
    ("Accounts", "04-accounts", "accounts in the programme"),
    ("Account strategy canvas", "05-canvas", "Key figures"),
    ("Challenge session", "05h-challenge", "The plan in brief"),
    ("Handshake", "05b-handshake", "Commitments of both sides"),
    ("Executive plan", "05c-executive-plan", "Executive brief"),
    ("Account overview", "05d-account-overview", "Account plan"),
    ("QBR pack", "05f-qbr", "Build the deck"),
    ("Account record", "05e-account-record", "Identity and figures"),
    ("Account history", "05g-history", "The changes to this account and its plan"),
    ("Import and export", "06c-exchange", "Export the whole database"),
    ("Team and offers", "06a-team", "Our KAM team"),
    ("Duplicates and merge", "06b-merge", "Likely duplicates"),
    ("Settings", "06-settings", "Where the data lives"),
]


def _open(page: Page, path: str = "/") -> None:
    page.goto(path)
    wait_idle(page)


def _nav(page: Page, text: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=re.compile(rf"{re.escape(text)}$")).click()
    wait_idle(page)


def _no_exception(page: Page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_every_page_from_the_navigation(page: Page):
    _open(page)
    for link, name, must_show in NAVIGATION:
        _nav(page, link)
        expect(page.get_by_text(must_show).first).to_be_visible()
        _no_exception(page)
        _charts_and_grids_drawn(page)
        shoot(page, name)


def _charts_and_grids_drawn(page: Page) -> None:
    """Grids and charts draw on canvases a moment after the run ends: wait for them before a screenshot."""
    for grid in page.locator('[data-testid="stDataFrame"]').all():
        if not grid.is_visible():  # inside a closed expander
            continue
        grid.scroll_into_view_if_needed()  # grids below the fold are drawn only when seen
        grid.locator("canvas").first.wait_for(state="attached")
    for chart in page.locator('[data-testid="stVegaLiteChart"]').all():
        chart.scroll_into_view_if_needed()
        chart.locator("canvas, svg").first.wait_for(state="attached")
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.wait_for_timeout(400)


def test_home_figure_opens_the_filtered_account_list(page: Page):
    _open(page)
    page.get_by_role("button", name=re.compile("without a sponsor")).click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/accounts"))
    expect(page.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input').first).to_have_value(
        "Strategic without a sponsor"
    )
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    _no_exception(page)


def test_the_selected_account_is_in_the_link(page: Page, base_url):
    _open(page, "/account")
    select = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]')
    select.click()
    page.get_by_role("option").nth(5).click()
    wait_idle(page)
    chosen = page.locator("h1").first.inner_text()
    match = re.search(r"account=(\d+)", page.url)
    assert match, page.url
    # a colleague opening the same link sees the same account
    other = page.context.new_page()
    other.goto(f"{base_url}/account?account={match.group(1)}")
    wait_idle(other)
    expect(other.locator("h1").first).to_have_text(chosen)
    _no_exception(other)
    other.close()


def test_french_pages(page: Page):
    _open(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Français").click()
    wait_idle(page)
    expect(page.get_by_text("Stratégiques / capacité")).to_be_visible()
    _no_exception(page)
    shoot(page, "07-home-fr")
    _nav(page, "Synthèse du compte")
    _no_exception(page)
    _charts_and_grids_drawn(page)
    shoot(page, "08-account-overview-fr")


def test_clicking_a_bubble_selects_that_account(page: Page):
    _open(page, "/matrix")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    # Vega draws the matrix in SVG; each bubble carries its tooltip fields as an aria-label
    bubbles = chart.locator('path[aria-roledescription="circle"][aria-label*="Segment: Develop"]')
    bubbles.first.wait_for()
    label = bubbles.first.get_attribute("aria-label")
    name = re.search(r"Account: ([^;]+);", label).group(1)
    before = re.search(r"account=(\d+)", page.url).group(1)
    bubbles.first.click(force=True)
    wait_idle(page)
    page.wait_for_timeout(300)
    wait_idle(page)
    selector = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first
    expect(selector).to_have_value(name)
    assert re.search(r"account=(\d+)", page.url).group(1) != before
    _no_exception(page)
    shoot(page, "09-matrix-after-click")


def test_the_whole_canvas_of_a_demo_account(page: Page):
    page.set_viewport_size({"width": 1600, "height": 5600})
    _open(page, "/canvas")
    expect(page.get_by_role("heading", name="Buying centre")).to_be_visible()
    expect(page.locator('[data-testid="stGraphVizChart"] svg').first).to_be_attached(timeout=20_000)
    _charts_and_grids_drawn(page)
    _no_exception(page)
    shoot(page, "10-canvas-whole")


def test_a_canvas_section_switched_to_edit_shows_its_table(page: Page):
    page.set_viewport_size({"width": 1600, "height": 1800})
    _open(page, "/canvas")
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)  # read as the room sees it
    expect(page.get_by_role("cell", name="Qualify new plants fast", exact=True)).to_be_visible()
    heading = (
        page.locator('[data-testid="stHorizontalBlock"], [data-testid="stLayoutWrapper"]')
        .filter(has=page.get_by_role("heading", name="Customer priorities"))
        .last
    )
    heading.locator('[data-testid="stCheckbox"]').click()  # the section's Edit switch
    wait_idle(page)
    grid = page.locator('[data-testid="stDataFrame"]')
    expect(grid).to_have_count(1)
    grid.scroll_into_view_if_needed()
    grid.locator("canvas").first.wait_for(state="attached")
    expect(page.get_by_role("button", name="Save")).to_have_count(1)
    _no_exception(page)
    shoot(page, "10b-canvas-priorities-editing")


def _create_account(page: Page, name: str, sector: str) -> None:
    """From the account list: New account, a name and a sector typed as a user would, Create."""
    page.get_by_role("button", name="New account").click()
    wait_idle(page)
    expect(page.get_by_text("Name and sector are enough to start")).to_be_visible()
    page.get_by_label("Account name").fill(name)
    page.locator('[data-testid="stSelectbox"]', has_text="Sector").click()
    page.keyboard.type(sector)
    page.keyboard.press("Enter")


def test_a_new_account_created_from_the_list_joins_it(page: Page):
    _open(page, "/accounts")
    count = int(
        re.search(
            r"(\d+) accounts in the programme", page.get_by_text("accounts in the programme").first.inner_text()
        ).group(1)
    )
    _create_account(page, "Brightwater Utilities", "Water utilities")
    shoot(page, "11-new-account-form")
    page.get_by_role("button", name="Create the account").click()
    wait_idle(page)
    expect(page.get_by_text("Brightwater Utilities created")).to_be_visible()
    expect(page.get_by_text("not on the portfolio matrix yet")).to_be_visible()
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first).to_have_value(
        "Brightwater Utilities"
    )
    _no_exception(page)
    _charts_and_grids_drawn(page)
    shoot(page, "12-new-account-created")
    _nav(page, "Accounts")
    expect(page.get_by_text(f"{count + 1} accounts in the programme")).to_be_visible()


def test_a_duplicate_is_listed_and_merged(page: Page):
    _open(page, "/accounts")
    _create_account(page, "Kessler Autowerke GmbH", "Automotive")
    page.get_by_role("button", name="Create the account").click()
    wait_idle(page)
    expect(page.get_by_text("Kessler Autowerke GmbH created")).to_be_visible()
    _nav(page, "Duplicates and merge")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.locator("canvas").first.wait_for(state="attached")
    page.get_by_role("combobox", name="Account that stays").click()
    page.keyboard.type("Kessler-")
    page.get_by_role("option", name="Kessler-Autowerke AG").click()
    wait_idle(page)
    page.get_by_role("combobox", name="Account merged into it, then removed").click()
    page.keyboard.type("Kessler Autowerke G")
    page.get_by_role("option", name="Kessler Autowerke GmbH").click()
    wait_idle(page)
    expect(page.get_by_text("What moves")).to_be_visible()
    _no_exception(page)
    shoot(page, "13-merge-preview")
    page.get_by_text("I understand that Kessler Autowerke GmbH will be removed").click()
    wait_idle(page)
    page.get_by_role("button", name="Merge", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Kessler Autowerke GmbH was merged into Kessler-Autowerke AG")).to_be_visible()
    _no_exception(page)


def test_a_french_excel_export_is_previewed_and_imported(page: Page, tmp_path):
    source = tmp_path / "comptes.csv"
    source.write_bytes(
        "Raison sociale;Secteur;Pays;Chiffre d'affaires\n"
        "Société Générale d'Éclairage;Énergie;France;1 250 000,50\n"
        "Brasserie Cévenole;Agroalimentaire;Belgique;n/a\n".encode("cp1252")
    )
    _open(page, "/import-export")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(source))
    wait_idle(page)
    expect(page.get_by_text("2 rows and 4 columns read")).to_be_visible()
    expect(page.get_by_text("separator semicolon")).to_be_visible()
    _no_exception(page)
    _charts_and_grids_drawn(page)
    shoot(page, "14-import-preview")
    page.get_by_role("button", name="Import the 2 valid rows").click()
    wait_idle(page)
    expect(page.get_by_text("Import done: 2 rows read, 2 created")).to_be_visible()
    _no_exception(page)


def test_the_qbr_deck_is_built_and_offered(page: Page):
    _open(page, "/qbr")
    page.get_by_role("button", name="Build the deck").click()
    wait_idle(page)
    expect(page.get_by_text("The deck is ready")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name=re.compile(r"Download QBR-.*\.pptx"))).to_be_visible()
    _no_exception(page)
    shoot(page, "15-qbr-ready")
    thumbnails = page.locator('[data-testid="stImage"] img')  # the slides, previewed before the download
    ready = page.get_by_text(re.compile(r"The deck is ready: \d+ slides")).inner_text()
    count = int(re.search(r"(\d+) slides", ready).group(1))  # "(continued)" slides make it vary by account
    assert count >= 9
    expect(thumbnails).to_have_count(count)
    expect(
        page.get_by_role("img", name=re.compile(r"^\d+\. Our joint plan: objectives and KPI trends"))
    ).to_be_visible()
    page.wait_for_function(
        "[...document.querySelectorAll('[data-testid=\"stImage\"] img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    assert all(box["width"] > 300 for box in (image.bounding_box() for image in thumbnails.all()))  # 3 a row
    page.get_by_text("The slides", exact=True).scroll_into_view_if_needed()
    shoot(page, "15b-qbr-preview")


def test_a_challenge_session_from_open_to_close(page: Page):
    """Open a session, raise a question and two recommendations, turn one into an action and reject
    the other (the close stays disabled until then), close; then the page in presentation mode at 720p."""
    _open(page, "/challenge")
    page.get_by_role("button", name="Open the session").click()
    wait_idle(page)
    expect(page.get_by_text("The challenge session is open.")).to_be_visible()
    for kind, text in (
        ("Question", "Why is the share of wallet flat?"),
        ("Recommendation", "Train the buyers on our new service"),
        ("Recommendation", "Name an executive sponsor"),
    ):
        page.locator('[data-testid="stMain"] [data-testid="stRadio"]').get_by_text(kind, exact=True).first.click()
        raised = page.get_by_placeholder("A question, a challenge of the plan, or a recommendation")
        # under load the form of the run before can linger beside the new one for a moment: wait for one
        expect(raised).to_have_count(1, timeout=30_000)
        raised.fill(text)
        page.get_by_label("Raised by").fill("Bea Reviewer")
        page.get_by_role("button", name="Add", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text(text).first).to_be_visible()
    close = page.get_by_role("button", name="Close the session")
    expect(close).to_be_disabled()
    expect(page.get_by_text("2 recommendation(s) still to decide").first).to_be_visible()
    _no_exception(page)
    shoot(page, "05i-challenge-raised")

    page.get_by_label("Owner").first.fill("Ann Martin")
    # the date field is made of segments (year, month, day): typed one after the other
    page.get_by_label("Due date").first.locator('[role="spinbutton"]').first.click()
    page.keyboard.type("20261231")
    page.get_by_role("button", name="Create the action").first.click()
    wait_idle(page)
    expect(page.get_by_text("Action created for Ann Martin")).to_be_visible()
    page.get_by_label("Reason").first.fill("The customer chose its sponsor already")
    page.get_by_role("button", name="Reject the recommendation").first.click()
    wait_idle(page)
    expect(page.get_by_text("Recommendation rejected.")).to_be_visible()
    expect(close).to_be_enabled()
    close.click()
    wait_idle(page)
    expect(page.get_by_text("The session is closed")).to_be_visible()
    _no_exception(page)
    shoot(page, "05j-challenge-closed")
    _nav(page, "Account history")  # the summary, in words, at the top of the account's history
    expect(page.get_by_text("The changes to this account and its plan")).to_be_visible()
    _no_exception(page)
    _charts_and_grids_drawn(page)
    shoot(page, "05l-challenge-in-history")

    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, "/challenge?present=1")
    expect(page.get_by_text("The plan in brief")).to_be_visible()
    _no_exception(page)
    _charts_and_grids_drawn(page)
    shoot(page, "05k-challenge-present-720p")
