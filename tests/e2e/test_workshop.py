"""A workshop in real Chromium: an agenda of three accounts, two participants voting from their own
browser contexts (their phones), the facilitator committing the room's median and recording a decision
for each account; the stored scores and decisions are checked, and the facilitator's actions per
account counted (printed); once ended, the minutes download as a Word file that opens. The facilitator's
page in presentation mode at 1280x720 and 1920x1080 holds its essentials above the fold, and the
participants' page at 390x844 has score buttons big enough for a thumb."""

from __future__ import annotations

import re
import statistics
from datetime import date

import docx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlmodel import Session

from kam_core.portfolio import scoring
from kam_core.store import db
from kam_core.store.models import Score
from kam_core.workshop import agenda, sessions, votes
from tests.e2e.conftest import running_server, shoot, wait_idle

pytestmark = pytest.mark.e2e

PERIOD = "2026-Q4"
FACILITATOR_VIEWPORT = {"width": 1920, "height": 1080}
PHONE_VIEWPORT = {"width": 390, "height": 844}
VOTES = {"Ana": (6, 7), "Bob": (8, 3)}  # per participant: their vote on the first two criteria


@pytest.fixture(scope="module")
def workshop_server(databases, tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e_workshop")
    url = databases.copy("demo", folder, "kam.db")
    with running_server(url, folder) as address:
        yield address, url
    db.dispose_all()


def _agenda(url: str):
    engine = db.get_engine(url)
    view = sessions.create_session(engine, "Q4 review", PERIOD, "facilitator")
    with Session(engine) as session:
        table, thresholds = agenda.portfolio_table(session, PERIOD, date(2026, 11, 26))
        criteria = scoring.list_criteria(session, include_inactive=False)
    accounts = [int(a) for a in table[table["scored"]].sort_values("name")["account_id"][:3]]
    view = sessions.set_agenda(engine, view.id, [(a, 5) for a in accounts], view.version)
    return engine, view, accounts, criteria


class Counter:
    """The facilitator's clicks and changes."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1


def _join(context, base: str, code: str, name: str) -> Page:
    phone = context.new_page()
    phone.goto(f"{base}/join?code={code}")
    wait_idle(phone)
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join").click()
    wait_idle(phone)
    return phone


def _vote(phone: Page, account: str, values) -> None:
    expect(phone.get_by_role("heading", name=account)).to_be_visible(timeout=30_000)
    groups = phone.get_by_test_id("stButtonGroup")
    expect(groups.first).to_be_attached(timeout=30_000)
    for index, value in enumerate(values):
        groups.nth(index).get_by_role("radio", name=str(value), exact=True).click()
        wait_idle(phone)


def test_a_workshop_of_three_accounts_with_two_voters(workshop_server, browser):
    base, url = workshop_server
    engine, view, accounts, criteria = _agenda(url)
    names = {item.account_id: item.name for item in view.items}
    facilitator = browser.new_context(viewport=FACILITATOR_VIEWPORT, locale="en-GB").new_page()
    facilitator.goto(f"{base}/workshop?session={view.id}")
    wait_idle(facilitator)
    phones = {
        name: _join(browser.new_context(viewport=PHONE_VIEWPORT, locale="en-GB"), base, view.join_code, name)
        for name in VOTES
    }
    clicks = Counter()
    clicks.click(facilitator.get_by_role("button", name="Start", exact=True))
    wait_idle(facilitator)
    per_account = []
    for step, account_id in enumerate(accounts):
        before = clicks.count
        for name, phone in phones.items():
            _vote(phone, names[account_id], VOTES[name])
        # the facilitator's screen follows the votes by itself (every 2 s): the room's caption and sliders
        expect(facilitator.get_by_text("The room: 2 joined")).to_be_visible(timeout=60_000)
        first_median = statistics.median(v[0] for v in VOTES.values())
        slider = facilitator.get_by_test_id("stSlider").first
        expect(slider).to_contain_text(f"{first_median:g}", timeout=60_000)  # a loaded machine
        shoot(facilitator, f"workshop-{step + 1}-facilitator")
        if step == 0:
            shoot(phones["Ana"], "workshop-phone")
        clicks.click(facilitator.get_by_role("button", name="Commit the scores"))
        wait_idle(facilitator)
        expect(facilitator.get_by_text("Scores committed")).to_be_visible()
        clicks.click(facilitator.get_by_role("button", name="Decision", exact=True))
        changed = facilitator.get_by_role("radio", name="Segment changed")
        expect(changed).to_be_attached(timeout=30_000)
        if changed.is_checked():  # the committed scores moved the account: the change is proposed, with its reason
            reason = facilitator.get_by_label("Reason (required when the segment changes)")
            reason.fill("The room's scores moved it")
            clicks.count += 1
        clicks.click(facilitator.get_by_role("button", name="Record the decision"))
        wait_idle(facilitator)
        expect(facilitator.get_by_text("Decision recorded")).to_be_visible()
        if step < len(accounts) - 1:
            clicks.click(facilitator.get_by_role("button", name="Next", exact=True))
            wait_idle(facilitator)
        per_account.append(clicks.count - before)
        expect(facilitator.locator('[data-testid="stException"]')).to_have_count(0)
    print(f"\nfacilitator actions per account: {per_account} (plus 1 to start)")
    with Session(engine) as session:
        stored = sessions.read_session(session, view.id)
        for account_id in accounts:
            for index, criterion in enumerate(criteria[:2]):
                score = session.execute(
                    select(Score).where(
                        Score.account_id == account_id, Score.criterion_id == criterion.id, Score.period == PERIOD
                    )
                ).scalar_one()
                expected = statistics.median(v[index] for v in VOTES.values())
                assert score.value == expected
                assert "2 votes" in score.rationale
    # a decision says what the scores did: "changed" exactly when the account left its segment before
    assert [item.decision for item in stored.items] == [
        "confirmed" if item.segment_after == item.segment_before else "changed" for item in stored.items
    ]
    confirmed = sum(item.decision == "confirmed" for item in stored.items)
    assert all(item.committed_at is not None for item in stored.items)
    assert max(per_account) <= 5  # Commit, Decision, (the reason of a change), Record, Next
    facilitator.get_by_role("button", name="End", exact=True).click()
    wait_idle(facilitator)
    expect(facilitator.get_by_role("heading", name="Minutes")).to_be_visible(timeout=30_000)
    shoot(facilitator, "workshop-ended")
    with facilitator.expect_download(timeout=60_000) as download:
        facilitator.get_by_role("button", name="Minutes (Word)").click()
    assert download.value.suggested_filename.endswith(".docx")
    minutes = docx.Document(download.value.path())
    written = "\n".join(p.text for p in minutes.paragraphs)
    assert all(name in written for name in names.values())
    assert "3 accounts reviewed" in written and written.count("Segment confirmed") == confirmed


def _running_session(url: str, voters=("Ana",)):
    """An agenda of three started, the room having voted on the first criteria of the first account."""
    engine, view, accounts, criteria = _agenda(url)
    view = sessions.move_to(engine, view.id, 0, None)
    for offset, name in enumerate(voters):
        person = votes.join_session(engine, view.id, name)
        votes.cast_votes(engine, person.token, accounts[0], {c.id: 5 + offset for c in criteria[:3]})
    return view, criteria


PROJECTORS = {"720p": {"width": 1280, "height": 720}, "1080p": {"width": 1920, "height": 1080}}


@pytest.mark.parametrize("size", list(PROJECTORS))
def test_the_facilitators_essentials_fit_a_projector_without_scrolling(workshop_server, browser, size):
    base, url = workshop_server
    view, criteria = _running_session(url, voters=("Ana", "Bob"))
    viewport = PROJECTORS[size]
    page = browser.new_context(viewport=viewport, locale="en-GB").new_page()
    page.goto(f"{base}/workshop?session={view.id}&present=1")
    wait_idle(page)
    main = page.locator('[data-testid="stMainBlockContainer"]')
    sliders = main.get_by_test_id("stSlider")
    expect(sliders).to_have_count(len(criteria), timeout=30_000)
    chart = main.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for(state="attached")
    expect(main.get_by_text("2 votes").first).to_be_visible(timeout=30_000)  # the room's spread beside a slider
    essentials = {
        **{f"slider {i + 1}": sliders.nth(i) for i in range(len(criteria))},
        "position chart": chart,
        "step": main.get_by_text("Account 1 of 3"),
        "timer": main.get_by_text(re.compile(r"\d+:\d\d")).first,
        "commit": main.get_by_role("button", name="Commit the scores"),
        "decision": main.get_by_role("button", name="Decision", exact=True),
        "next": main.get_by_role("button", name="Next", exact=True),
    }
    shoot(page, f"workshop-present-{size}")
    assert page.evaluate("window.scrollY") == 0
    below = {}
    for name, element in essentials.items():
        box = element.bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > viewport["height"]:
            below[name] = box
    assert not below, f"below the fold at {size}: {below}"
    texts = main.locator('[class*="st-key-ws_crit_"] [data-testid="stMarkdownContainer"] p')  # names, spreads
    sizes = texts.evaluate_all("ps => ps.map(p => parseFloat(getComputedStyle(p).fontSize))")
    assert len(sizes) >= 2 * len(criteria) and min(sizes) >= 16, sizes
    page.context.close()


def test_a_participants_phone_has_buttons_for_a_thumb_and_reads_the_anchors(workshop_server, browser):
    base, url = workshop_server
    view, criteria = _running_session(url, voters=())
    phone = _join(browser.new_context(viewport=PHONE_VIEWPORT, locale="en-GB"), base, view.join_code, "Dana")
    expect(phone.get_by_role("heading", name=view.items[0].name)).to_be_visible(timeout=30_000)
    main = phone.locator('[data-testid="stMainBlockContainer"]')
    expect(main.get_by_text(criteria[0].anchor_high, exact=False).first).to_be_visible(timeout=30_000)
    shoot(phone, "workshop-phone-390")
    buttons = main.get_by_test_id("stButtonGroup").locator("button")
    boxes = buttons.evaluate_all("bs => bs.map(b => {const r = b.getBoundingClientRect(); return [r.width, r.height]})")
    assert len(boxes) == 11 * len(criteria)
    assert min(w for w, _ in boxes) >= 44 and min(h for _, h in boxes) >= 44, min(boxes)
    widths = main.evaluate("m => [m.scrollWidth, m.clientWidth]")
    assert widths[0] <= widths[1]  # nothing wider than the phone
    heading = phone.get_by_role("heading", name=view.items[0].name)
    anchor = main.get_by_text(criteria[0].anchor_high, exact=False).first
    for element in (heading, anchor):
        assert element.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    phone.context.close()
