"""User text is never HTML (issue #9, item 6): stakeholders, an account, a KAM, an executive, a
note and a meeting objective hold <script> and <img onerror> markup, written into the database
before the server starts. Every page that shows them, in real Chromium: nothing of it runs (no
window.__xss, no dialog), no <img src="x"> reaches the DOM (grids' iframes included), and the
literal text is shown as text."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from kam_core.common.text import fold_name
from kam_core.store import db
from kam_core.store.models import (
    Account,
    Engagement,
    EngagementPairing,
    Executive,
    Handshake,
    Kam,
    Pairing,
    Stakeholder,
)
from kam_core.ui.state import RECORD_PATH
from tests.conftest import TODAY
from tests.e2e.conftest import running_server, shoot, wait_idle

pytestmark = pytest.mark.e2e

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
ACCOUNT_NAME = '<img src=x onerror="window.__xss=3"> Hostile Corp'
KAM_NAME = '<img src=x onerror="window.__xss=4">'
EXECUTIVE_NAME = "<script>window.__xss=5</script> Exec"
NOTE = '[click](javascript:window.__xss=6) ![x](http://evil/x.png) **bold** <img src=x onerror="window.__xss=6">'
OBJECTIVE = '<img src=x onerror="window.__xss=7"> review'


@pytest.fixture(scope="module")
def hostile(demo_template, tmp_path_factory):
    """The demo portfolio with hostile text on one account that has a handshake; yields (url, account id)."""
    folder = tmp_path_factory.mktemp("hostile-e2e")
    database = folder / "kam.db"
    shutil.copy(demo_template, database)
    engine = db.make_engine(f"sqlite:///{database}")
    with db.session_scope(engine) as session:
        account_id = session.scalars(select(Handshake.account_id).order_by(Handshake.account_id)).first()
        account = session.get(Account, account_id)
        kam = Kam(name=KAM_NAME, email="hostile.kam@example.com")
        executive = Executive(name=EXECUTIVE_NAME, title="COO", function="Operations")
        session.add_all([kam, executive])
        session.flush()
        account.name, account.name_key, account.notes = ACCOUNT_NAME, fold_name(ACCOUNT_NAME), NOTE
        account.kam_id, account.sponsor_id = kam.id, executive.id
        first = Stakeholder(
            account_id=account_id,
            name=SCRIPT,
            role="decision_maker",
            influence=5,
            attitude=2,
            last_contact=TODAY - timedelta(days=10),
        )
        second = Stakeholder(
            account_id=account_id,
            name=IMG,
            role="influencer",
            influence=4,
            attitude=-1,
            last_contact=TODAY - timedelta(days=400),
        )
        session.add_all([first, second])
        session.flush()
        session.scalars(select(Handshake).where(Handshake.account_id == account_id)).one().signatory_id = first.id
        pairing = Pairing(executive_id=executive.id, stakeholder_id=second.id, cadence_days=30)
        meeting = Engagement(
            account_id=account_id,
            kind="meeting",
            status="planned",
            on_date=TODAY + timedelta(days=3),
            objective=OBJECTIVE,
            attendees=SCRIPT,
        )
        session.add_all([pairing, meeting])
        session.flush()
        session.add(EngagementPairing(engagement_id=meeting.id, pairing_id=pairing.id))
    engine.dispose()
    with running_server(database, folder) as url:
        yield url, account_id


# (path, screenshot, literal texts the page must show as text)
PAGES = [
    ("/canvas", "07a-hostile-canvas", [ACCOUNT_NAME, KAM_NAME]),
    ("/account_overview", "07b-hostile-overview", [ACCOUNT_NAME, KAM_NAME, OBJECTIVE]),
    ("/handshake", "07c-hostile-handshake", [ACCOUNT_NAME, SCRIPT]),
    ("/executive_plan", "07d-hostile-executive-plan", [ACCOUNT_NAME]),
    ("/qbr", "07e-hostile-qbr", [ACCOUNT_NAME]),
    ("/account", "07f-hostile-record", []),
    ("/accounts", "07g-hostile-accounts", []),
    ("/executives", "07h-hostile-executives", [IMG]),
    ("/home", "07i-hostile-home", [OBJECTIVE]),
    ("/handshakes", "07j-hostile-handshakes", []),
    ("/merge", "07k-hostile-merge", []),
]


LOADED_MACHINE_MS = 20_000  # what a page's last table may take to appear while other tests load the machine


def _nothing_ran(page: Page, dialogs: list) -> None:
    assert dialogs == [], f"a dialog opened: {dialogs}"
    for frame in page.frames:  # the page and every iframe (AgGrid, components)
        if frame.is_detached():
            continue
        assert frame.evaluate("() => window.__xss") is None, f"markup ran in {frame.url}"
        assert frame.locator('img[src="x"]').count() == 0, f'an <img src="x"> in {frame.url}'
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def _path_of(page_path: str) -> str:
    url_paths = {"/account_overview": "account", "/executive_plan": "executive-plan", "/account": RECORD_PATH}
    return url_paths.get(page_path, page_path.lstrip("/"))


@pytest.mark.parametrize("path, name, literals", PAGES, ids=[name for _, name, _ in PAGES])
def test_hostile_text_is_shown_never_run(page: Page, hostile, path, name, literals):
    url, account_id = hostile
    dialogs: list = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{url}/{_path_of(path)}?account={account_id}")
    wait_idle(page)
    page.wait_for_timeout(800)  # grids and charts draw a moment after the run
    for literal in literals:
        found = page.get_by_text(literal, exact=False).first
        expect(found).to_be_attached(timeout=LOADED_MACHINE_MS)  # a table drawn late on a busy machine
        if found.get_attribute("role") != "gridcell":  # a grid draws on a canvas; its cells' text is for screen readers
            expect(found).to_be_visible(timeout=LOADED_MACHINE_MS)
    _nothing_ran(page, dialogs)
    shoot(page, name)
