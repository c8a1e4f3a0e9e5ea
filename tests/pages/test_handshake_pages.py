"""Handshake pages under AppTest: moving through the stages, blocked moves, a quarterly review,
the portfolio board opening one account's handshake."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import Session, select

from kam_core.account.handshake import read_handshake
from kam_core.common.text import fold_name, md
from kam_core.store import db
from kam_core.store.models import (
    Account,
    Commitment,
    Handshake,
    HandshakeReview,
    JointObjective,
    KpiReading,
    Stakeholder,
)
from tests.conftest import TODAY
from tests.pages.conftest import no_exception, texts

HANDSHAKE = "pages/account/handshake.py"
BOARD = "pages/portfolio/handshakes.py"


def _new_account(url: str) -> int:
    """An account with a decision maker and no handshake yet."""
    with db.session_scope(db.get_engine(url)) as session:
        account = Account(name="Hydrelis Énergie", name_key=fold_name("Hydrelis Énergie"), sector="Energy")
        session.add(account)
        session.flush()
        session.add(
            Stakeholder(account_id=account.id, name="Claire Joubert", title="CEO", role="decision_maker", attitude=1)
        )
        return account.id


def _view(url: str, account_id: int):
    with Session(db.get_engine(url)) as session:
        return read_handshake(session, account_id)


def _move(app, stage: str):
    app.selectbox(key="move_target").set_value(stage)
    next(b for b in app.button if "move_" in str(b.key)).click().run()
    no_exception(app)
    return app


def test_moving_a_handshake_through_its_stages(demo_app, demo_url):
    account_id = _new_account(demo_url)
    app = demo_app(HANDSHAKE, account=str(account_id))
    no_exception(app)
    app.button(key="start_handshake").click().run()
    no_exception(app)
    assert _view(demo_url, account_id).stage == "draft"
    _move(app, "internally_reviewed")
    _move(app, "presented")
    assert _view(demo_url, account_id).stage == "presented"

    _move(app, "agreed")  # no signatory, no joint objective yet: blocked, and it says why
    shown = texts(app)
    assert "an agreed handshake needs a customer signatory" in shown
    assert "an agreed handshake needs at least one joint objective" in shown
    assert _view(demo_url, account_id).stage == "presented"

    signatory = next(iter(_signatories(demo_url, account_id)))
    app.selectbox(key=f"signatory_{account_id}").set_value(signatory)
    next(b for b in app.button if "details_" in str(b.key)).click().run()
    no_exception(app)
    assert "Nothing yet: switch on Edit to add it." in texts(app) and not app.data_editor
    app.toggle(key=f"edit_joint_objectives_{account_id}").set_value(True).run()
    app.session_state[f"editor_joint_objectives_{account_id}_0"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [
            {
                "title": "Cut energy per part",
                "kpi": "Energy per part",
                "unit": "kWh",
                "baseline": 400,
                "target": 320,
                "due_date": "2027-12-31",
            }
        ],
    }
    app.run()
    app.button(key=f"save_joint_objectives_{account_id}").click().run()
    no_exception(app)
    _move(app, "agreed")
    view = _view(demo_url, account_id)
    assert view.stage == "agreed" and view.reached_on("agreed") == TODAY

    _move(app, "presented")  # moving back asks first, naming both stages
    assert _view(demo_url, account_id).stage == "agreed"
    assert "Move the handshake back from **Agreed** to **Presented**?" in texts(app)
    app.button(key="confirm_move_back").click().run()
    no_exception(app)
    view = _view(demo_url, account_id)  # and keeps the history
    assert view.stage == "presented"
    assert [step.stage for step in view.history][-2:] == ["agreed", "presented"]


def test_the_move_preselects_the_next_stage_and_a_move_back_asks_first(demo_app, demo_url):
    """Issue 22: "Move to another stage" preselected Draft, so one click sent a handshake in quarterly
    review back to the start."""
    account_id = _new_account(demo_url)
    app = demo_app(HANDSHAKE, account=str(account_id))
    app.button(key="start_handshake").click().run()
    assert app.selectbox(key="move_target").value == "internally_reviewed"
    _move(app, "internally_reviewed")
    assert app.selectbox(key="move_target").value == "presented"

    with Session(db.get_engine(demo_url)) as session:
        reviewed = session.exec(select(Handshake.account_id).where(Handshake.stage == "in_review")).first()
    app = demo_app(HANDSHAKE, account=str(reviewed))
    no_exception(app)
    assert app.selectbox(key="move_target").value is None  # the last stage: nothing preselected
    next(b for b in app.button if "move_" in str(b.key)).click().run()  # one click moves nothing
    no_exception(app)
    assert _view(demo_url, reviewed).stage == "in_review"
    _move(app, "draft")
    assert _view(demo_url, reviewed).stage == "in_review"
    assert "Move the handshake back from **In quarterly review** to **Draft**?" in texts(app)
    app.button(key="cancel_move_back").click().run()
    no_exception(app)
    assert _view(demo_url, reviewed).stage == "in_review" and "Move the handshake back" not in texts(app)
    _move(app, "draft")
    app.button(key="confirm_move_back").click().run()
    no_exception(app)
    assert _view(demo_url, reviewed).stage == "draft"
    assert "The handshake is now at the stage Draft." in texts(app)


def test_objectives_and_commitments_read_as_tables_until_edit_is_switched_on(demo_app, demo_url):
    account_id = _with_handshake(demo_url)
    app = demo_app(HANDSHAKE, account=str(account_id))
    no_exception(app)
    assert not app.data_editor
    objectives = next(block.value for block in app.markdown if "| Joint objective | KPI |" in block.value)
    commitments = next(block.value for block in app.markdown if "| Side | Commitment |" in block.value)
    with Session(db.get_engine(demo_url)) as session:
        handshake_id = session.exec(select(Handshake.id).where(Handshake.account_id == account_id)).one()
        titles = session.exec(select(JointObjective.title).where(JointObjective.handshake_id == handshake_id)).all()
        promised = session.exec(select(Commitment.description).where(Commitment.handshake_id == handshake_id)).all()
    assert titles and all(md(title) in objectives for title in titles)
    assert promised and all(md(text) in commitments for text in promised)
    app.toggle(key=f"edit_commitments_{account_id}").set_value(True).run()
    no_exception(app)
    assert len(app.data_editor) == 1  # the commitments' table only
    app.session_state[f"editor_commitments_{account_id}_0"] = {
        "edited_rows": {0: {"owner": "Typed, not saved"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.toggle(key=f"edit_commitments_{account_id}").set_value(False).run()  # unsaved: it stays open
    assert app.toggle(key=f"edit_commitments_{account_id}").value is True
    assert "This table holds changes not saved" in texts(app)


def _with_handshake(url: str) -> int:
    """A demo account whose handshake has joint objectives and commitments."""
    with Session(db.get_engine(url)) as session:
        return session.exec(
            select(Handshake.account_id)
            .join(JointObjective, JointObjective.handshake_id == Handshake.id)
            .join(Commitment, Commitment.handshake_id == Handshake.id)
            .order_by(Handshake.account_id)
        ).first()


def _signatories(url: str, account_id: int) -> list[int]:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(Stakeholder.id).where(Stakeholder.account_id == account_id)).all()


def test_recording_a_quarterly_review(demo_app, demo_url):
    with Session(db.get_engine(demo_url)) as session:
        account_id = session.exec(select(Handshake.account_id).where(Handshake.stage == "agreed")).first()
    app = demo_app(HANDSHAKE, account=str(account_id))
    no_exception(app)
    readings = [box for box in app.text_input if str(box.key).startswith("reading_")]
    assert readings
    readings[0].input("12,5")
    app.date_input(key="review_next").set_value(TODAY.replace(year=TODAY.year + 1, month=2, day=26))
    app.text_area(key="review_notes").input("Good progress on the pilot sites.")
    next(b for b in app.button if "review_" in str(b.key)).click().run()
    no_exception(app)
    assert "Review recorded" in texts(app)
    with Session(db.get_engine(demo_url)) as session:
        review = session.exec(
            select(HandshakeReview)
            .join(Handshake)
            .where(Handshake.account_id == account_id)
            .order_by(HandshakeReview.id.desc())
        ).first()
        assert review.review_date == TODAY and review.notes == "Good progress on the pilot sites."
        assert session.exec(select(KpiReading.value).where(KpiReading.review_id == review.id)).all() == [12.5]
    view = _view(demo_url, account_id)
    assert view.stage == "in_review" and view.next_review_on.year == TODAY.year + 1


def test_a_review_with_a_bad_reading_saves_nothing_and_keeps_the_input(demo_app, demo_url):
    with Session(db.get_engine(demo_url)) as session:
        account_id = session.exec(select(Handshake.account_id).where(Handshake.stage == "in_review")).first()
    before = _view(demo_url, account_id)
    app = demo_app(HANDSHAKE, account=str(account_id))
    box = next(box for box in app.text_input if str(box.key).startswith("reading_"))
    box.input("a lot")
    app.date_input(key="review_next").set_value(TODAY.replace(year=TODAY.year + 1, month=1, day=15))
    next(b for b in app.button if "review_" in str(b.key)).click().run()
    no_exception(app)
    assert "“a lot” is not a number" in texts(app)
    assert next(b for b in app.text_input if b.key == box.key).value == "a lot"
    assert _view(demo_url, account_id).version == before.version


def test_the_board_opens_an_accounts_handshake(demo_app, demo_url):
    app = demo_app(BOARD)
    no_exception(app)
    assert "Stuck more than 90 days" in texts(app)
    card = next(b for b in app.button if str(b.key).startswith("board_"))
    account_id = int(str(card.key).split("_")[1])
    card.click().run()
    no_exception(app)
    with Session(db.get_engine(demo_url)) as session:
        name = session.get(Account, account_id).name
    assert app.title[0].value == f"Handshake — {name}"


def test_home_links_to_the_handshake_board(demo_app):
    app = demo_app()
    app.button(key="link_handshake_board").click().run()
    no_exception(app)
    assert app.title[0].value == "Handshakes"


def test_a_large_board_shows_the_cards_that_need_attention_first_and_every_handshake_in_a_table(
    large_programme, monkeypatch
):
    from tests.pages.conftest import open_app

    app = open_app(large_programme[0], monkeypatch, BOARD)
    no_exception(app)
    cards = [button for button in app.button if str(button.key).startswith("board_")]
    lanes = [text for text in (str(m.value) for m in app.markdown) if text.startswith("**") and "(" in text]
    counts = [int(text.rsplit("(", 1)[1].rstrip(")")) for text in lanes]
    assert sum(counts) > 6 * len(lanes) // 2  # a board too large to show card by card
    assert len(cards) == sum(min(count, 6) for count in counts)
    assert any("more at this stage, in the table below" in str(c.value) for c in app.caption)
    table = app.dataframe[0].value
    assert len(table) == sum(counts)  # every strategic account's handshake, in the table
    shown = {str(button.label) for button in cards}
    stuck_shown = int(table[table["stuck"]]["name"].isin(shown).sum())
    stuck_per_stage = table[table["stuck"]].groupby("stage").size()
    assert stuck_per_stage.sum() > 0
    assert stuck_shown == sum(min(count, 6) for count in stuck_per_stage)  # stuck handshakes come first


@pytest.mark.parametrize(("zone", "day"), [("Europe/Paris", date(2027, 1, 1)), ("UTC", date(2026, 12, 31))])
def test_the_day_offered_for_a_stage_is_the_programmes_day(demo_app, demo_url, monkeypatch, zone, day):
    # 23:30 UTC on 31 December: a Paris programme is already on New Year's Day, a UTC one is not
    account_id = _new_account(demo_url)
    monkeypatch.delenv("KAM_TODAY")
    monkeypatch.setenv("KAM_TIMEZONE", zone)
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        app = demo_app(HANDSHAKE, account=str(account_id))
        app.button(key="start_handshake").click().run()
        no_exception(app)
        assert app.date_input(key="move_date").value == day
