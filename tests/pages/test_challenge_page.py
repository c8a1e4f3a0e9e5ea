"""The Challenge session page under AppTest, with real writes: open a session on a demo account, add
items, turn a recommendation into an action, reject one (the reason is asked for), the close disabled
with its reason until none is open, then closed; the summary in the account's history; a viewer sees
every control disabled with the reason; presentation mode draws the same page."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from kam_core.account import challenge
from kam_core.governance import access, roles
from kam_core.store import db
from kam_core.store.models import Account, Action
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, open_app, texts
from tests.pages.test_access_pages import AUTH

PAGE = "pages/account/challenge.py"
HISTORY = "pages/account/history.py"
ACCOUNT_NAME = "Aerivon Aerostructures"


def _account_id(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Account.id).where(Account.name == ACCOUNT_NAME)).one()


def _sessions(url: str, account_id: int) -> list[challenge.SessionView]:
    with Session(db.get_engine(url)) as session:
        return challenge.sessions_of(session, account_id)


def _submit(app, form_key_part: str):
    next(button for button in app.button if form_key_part in str(button.key)).click().run()
    no_exception(app)
    return app


def _add(app, kind: str, text: str, author: str = "Bea") -> None:
    app.radio(key="challenge_kind").set_value(kind)
    next(area for area in app.text_area if str(area.key).startswith("challenge_text_")).input(text)
    app.text_input(key="challenge_author").input(author)
    _submit(app, "challenge_add_")


def test_a_whole_challenge_session_with_real_writes(demo_app, demo_url):
    account_id = _account_id(demo_url)
    app = demo_app(PAGE, account=str(account_id))
    no_exception(app)
    shown = texts(app)
    assert "Challenge session: Aerivon Aerostructures" in shown
    assert "Plan filled" in shown and any(expander.label == "The plan in brief" for expander in app.expander)
    assert "No challenge session is open for this account." in shown

    _submit(app, "challenge_open_")
    assert "The challenge session is open." in texts(app)
    (opened,) = _sessions(demo_url, account_id)
    assert opened.is_open and opened.title.startswith("Account plan challenge")

    _add(app, "question", "Why is the share of wallet flat?")
    _add(app, "challenge", "The ambition ignores the new plant")
    _add(app, "recommendation", "Train the buyers on our new service")
    _add(app, "recommendation", "Cut the price by 10%")
    view = _sessions(demo_url, account_id)[0]
    assert [(item.kind, item.author) for item in view.items] == [
        ("question", "Bea"),
        ("challenge", "Bea"),
        ("recommendation", "Bea"),
        ("recommendation", "Bea"),
    ]
    # the next item's text box starts empty; the author stays for the next one
    assert all(not area.value for area in app.text_area if str(area.key).startswith("challenge_text_"))
    assert app.text_input(key="challenge_author").value == "Bea"

    close = app.button(key=f"close_{view.id}")
    assert close.disabled
    assert "2 recommendation(s) still to decide" in close.help and "Train the buyers" in close.help
    assert "2 recommendation(s) still to decide" in texts(app)  # said on the page too, not only on hover

    train, price = view.items[2], view.items[3]
    app.text_input(key=f"owner_{train.id}").input("Ann Martin")
    app.date_input(key=f"due_{train.id}").set_value(TODAY + timedelta(days=30))
    _submit(app, f"action_form_{train.id}")
    assert "Action created for Ann Martin" in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        action = session.exec(
            select(Action).where(Action.account_id == account_id, Action.title == "Train the buyers on our new service")
        ).one()
    assert (action.owner, action.due_date, action.status) == ("Ann Martin", TODAY + timedelta(days=30), "open")

    _submit(app, f"reject_form_{price.id}")  # no reason: refused, named
    assert "Reason: a value is required." in texts(app)
    assert _sessions(demo_url, account_id)[0].items[3].outcome is None
    app.text_area(key=f"reason_{price.id}").input("Our margin cannot take it")
    _submit(app, f"reject_form_{price.id}")
    assert "Recommendation rejected." in texts(app)

    view = _sessions(demo_url, account_id)[0]
    close = app.button(key=f"close_{view.id}")
    assert not close.disabled
    close.click().run()
    no_exception(app)
    assert "The session is closed" in texts(app)
    (closed,) = _sessions(demo_url, account_id)
    assert not closed.is_open and closed.closed_by == access.local_actor().name
    assert "No challenge session is open for this account." in texts(app)
    assert any("closed" in str(expander.label) for expander in app.expander)  # listed under Past sessions

    history = app.switch_page(HISTORY).run()
    no_exception(history)
    table = history.dataframe[0].value
    summary = table[table["field"] == "Summary"]["after"].tolist()
    assert len(summary) == 1
    assert summary[0].startswith("Questions: 1 · Challenges: 1 · Recommendations: 2 (actions: 1, rejected: 1)")
    assert "→ action: Ann Martin" in summary[0] and "→ rejected: Our margin cannot take it" in summary[0]


def test_a_viewer_sees_the_controls_disabled_with_the_reason(demo_url, monkeypatch):
    account_id = _account_id(demo_url)
    engine = db.get_engine(demo_url)
    opened = challenge.open_session(engine, account_id, "Peer review")
    challenge.add_item(engine, opened.id, "recommendation", "Name a sponsor", "Bea")
    with access.acting_as(access.SYSTEM):
        roles.save_grants(
            engine,
            [{"email": "vera@example.com", "role": "viewer"}, {"email": "ada@example.com", "role": "admin"}],
        )
    user = {"is_logged_in": True, "email": "vera@example.com", "email_verified": True}
    app = open_app(demo_url, monkeypatch, PAGE, secrets={"auth": AUTH}, user=user, account=str(account_id))
    no_exception(app)
    item = _sessions(demo_url, account_id)[0].items[0]
    for key_part in ("challenge_add_", f"action_form_{item.id}", f"reject_form_{item.id}"):
        button = next(button for button in app.button if key_part in str(button.key))
        assert button.disabled and "Your role (Viewer) reads only" in button.help
    assert app.button(key=f"close_{opened.id}").disabled


def test_the_page_draws_in_presentation_mode_and_in_french(demo_app, demo_url):
    account_id = _account_id(demo_url)
    engine = db.get_engine(demo_url)
    opened = challenge.open_session(engine, account_id, "Revue du plan")
    challenge.add_item(engine, opened.id, "question", "Pourquoi ?", "Bea")
    app = demo_app(PAGE, account=str(account_id), present="1")
    no_exception(app)
    assert "Revue du plan" in texts(app)
    app.session_state["language"] = "fr"
    app.run()
    no_exception(app)
