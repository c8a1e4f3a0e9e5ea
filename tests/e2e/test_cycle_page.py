"""Yearly cycle and budget in real Chromium, on a demo copy of its own, its business case cleared
(tests/programme_case.py) then given the company's dates (the
strategic plan on 31 Mar 2027, the budget frozen on 20 Dec 2026: handshakes due on 20 Nov, before the
pinned 26 Nov 2026), a budget line for 2027 and a few accounts' ambitions: the timeline, the late lines,
the reconciliation; screenshots at 1920x1080 and 1280x720 for a person to look at; a late line opens
the handshake of its account; a bad offset typed in the browser is refused naming its field."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from kam_core.portfolio import overview
from kam_core.programme import budget, cycle, membership
from kam_core.store import db
from kam_core.store.models import Account, RevenueAmbition
from tests.e2e.conftest import running_server, shoot, wait_idle
from tests.programme_case import clear_business_case

pytestmark = pytest.mark.e2e

VIEWPORTS = {"1080p": {"width": 1920, "height": 1080}, "720p": {"width": 1280, "height": 720}}
SCREENSHOT = {"1080p": "23-cycle", "720p": "23-cycle-720p"}


def _prepare(url: str) -> None:
    """The company's dates; for 8 of the 12 accounts in the programme an ambition for 2027 of their 2025
    revenue grown by 4 to 11 %; a budget line 3 % above their sum (the demo's own case cleared first:
    the late handshakes and the accounts with no ambition need dates and plans of the test's own)."""
    clear_business_case(url)
    engine = db.get_engine(url)
    with Session(engine) as session:
        calendar, line = cycle.read_calendar(session), budget.read_budget_line(session)
        table = membership.with_programme_since(session, overview.account_table(session, date(2026, 11, 26)))
        members = membership.programme_accounts(table, None)
    cycle.save_calendar(engine, date(2027, 3, 31), date(2026, 12, 20), {}, calendar.version)
    ambitions = {
        int(row.account_id): round(row.revenue * (1.04 + 0.01 * index), -4)
        for index, row in enumerate(members.head(8).itertuples())
    }
    with db.session_scope(engine) as session:
        session.add_all(RevenueAmbition(account_id=i, year=2027, amount=a) for i, a in ambitions.items())
    budget_line = round(sum(ambitions.values()) * 1.03, -5)
    budget.save_budget_line(engine, 2027, budget_line, line.version + 1)  # the calendar moved the row on
    db.dispose_all()


@pytest.fixture(scope="module")
def cycle_server(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_cycle")
    url = databases.copy("demo", folder, "cycle.db")
    _prepare(url)
    with running_server(url, folder) as server_url:
        yield server_url, url


@pytest.fixture(params=list(VIEWPORTS))
def sized(request, browser, cycle_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="en-GB", base_url=cycle_server[0])
    yield request.param, context.new_page()
    context.close()


def _open(page: Page) -> None:
    page.goto("/cycle")
    wait_idle(page, timeout=60_000)
    page.get_by_role("heading", name="Yearly cycle and budget").wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(state="attached")
    page.wait_for_timeout(400)


def test_the_page_at_the_two_screen_sizes(sized):
    size, page = sized
    _open(page)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert not page.locator('[data-testid="stException"]').count()
    expect(main.get_by_role("heading", name="The calendar")).to_be_visible()
    expect(main.get_by_text("No handshake presented by 20 Nov 2026").first).to_be_attached()
    expect(main.get_by_text("Sum of the plans' ambitions 2027")).to_be_attached()
    shoot(page, SCREENSHOT[size])
    if size == "1080p":  # the reconciliation and the forms, below the fold
        heading = main.get_by_role("heading", name="Budget reconciliation")
        heading.scroll_into_view_if_needed()
        page.mouse.wheel(0, -120)  # the heading a little below the top
        page.wait_for_timeout(400)
        shoot(page, "23-cycle-budget")
        page.get_by_text("Change the dates, the offsets and the budget line").click()
        wait_idle(page, timeout=60_000)
        save = main.locator('[data-testid="stFormSubmitButton"]').last
        save.scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        shoot(page, "23-cycle-forms")


def test_a_late_line_opens_the_handshake_of_its_account(browser, cycle_server):
    context = browser.new_context(viewport=VIEWPORTS["1080p"], locale="en-GB", base_url=cycle_server[0])
    page = context.new_page()
    try:
        _open(page)
        line = page.locator('[data-testid="stHorizontalBlock"]', has_text="No handshake presented by").last
        said = line.locator('[data-testid="stMarkdownContainer"]').first.inner_text()
        name = said.split(" · ")[1].strip()  # "N days late · <account> · No handshake presented by …"
        line.get_by_role("button", name="Open").click()
        wait_idle(page, timeout=60_000)
        expect(page.get_by_role("heading", name=f"Handshake — {name}")).to_be_visible(timeout=30_000)
        assert urlparse(page.url).path.endswith("/handshake")
        account = parse_qs(urlparse(page.url).query)["account"][0]
        with Session(db.get_engine(cycle_server[1])) as session:
            assert session.get(Account, int(account)).name == name
    finally:
        context.close()


def test_a_bad_offset_typed_in_the_browser_is_refused_naming_its_field(browser, cycle_server):
    context = browser.new_context(viewport=VIEWPORTS["1080p"], locale="en-GB", base_url=cycle_server[0])
    page = context.new_page()
    try:
        _open(page)
        page.get_by_text("Change the dates, the offsets and the budget line").click()  # the forms, when asked
        wait_idle(page, timeout=60_000)
        field = page.get_by_role("spinbutton", name="Account plans due: days from the strategic plan")
        field.scroll_into_view_if_needed()
        field.fill("400")
        page.locator('[data-testid="stFormSubmitButton"] button').first.click()
        wait_idle(page, timeout=60_000)
        expect(
            page.get_by_text(
                "Account plans due: days from the strategic plan: 400 is not allowed: a whole number from -365 to 365."
            )
        ).to_be_visible(timeout=30_000)
        expect(field).to_have_value("400")
    finally:
        context.close()
