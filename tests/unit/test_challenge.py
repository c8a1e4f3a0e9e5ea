"""Challenge sessions (kam_core.account.challenge): the close waits for every recommendation, a
rejection needs its reason, an action lands in the account's action plan, stale versions and roles are
refused, and the summary reaches the account's history and the internal QBR pack, never the customer's."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from pptx import Presentation
from sqlalchemy import select
from sqlmodel import Session

from kam_core.account import challenge
from kam_core.account.sections import load_section
from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.documents.qbr import build_qbr
from kam_core.governance import access
from kam_core.governance.audit import account_history, history_lines
from kam_core.i18n import translate
from kam_core.store.models import Action, ChallengeItem, ChallengeSession
from tests.conftest import TODAY
from tests.unit.hostile import ACCOUNT, OTHER

VIEWER = access.Actor("vera@example.com", "viewer", signed_in=True)
EDITOR = access.Actor("ed@example.com", "editor", signed_in=True)
DUE = TODAY + timedelta(days=30)


def _codes(raised) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


def _view(engine, session_id: int) -> challenge.SessionView:
    with Session(engine) as session:
        return challenge.read_session(session, session_id)


@pytest.fixture
def room(small_engine):
    """An open session of ACCOUNT with a question, a challenge and two recommendations."""
    opened = challenge.open_session(small_engine, ACCOUNT, "Plan review Q4")
    raised = {
        name: challenge.add_item(small_engine, opened.id, kind, text, "Bea")
        for name, kind, text in (
            ("question", "question", "Why is the share of wallet flat?"),
            ("challenge", "challenge", "The ambition ignores the new plant"),
            ("train", "recommendation", "Train the buyers on our new service"),
            ("price", "recommendation", "Cut the price by 10%"),
        )
    }
    return small_engine, opened.id, raised


def test_close_is_refused_while_a_recommendation_is_open_and_names_it(room):
    engine, session_id, raised = room
    view = _view(engine, session_id)
    with pytest.raises(ValidationError) as refused:
        challenge.close_session(engine, session_id, view.version)
    assert _codes(refused) == [("recommendations", "open_recommendations")]
    params = refused.value.errors[0].params
    assert params["count"] == 2
    assert "Train the buyers" in params["items"] and "Cut the price" in params["items"]
    assert _view(engine, session_id).is_open  # nothing written

    item = raised["train"]
    decided = challenge.make_action(
        engine, item.id, title=item.text, owner="Ann", due_date=DUE, expected_version=item.version, today=TODAY
    )
    assert decided.outcome == "action"
    with pytest.raises(ValidationError) as still:
        challenge.close_session(engine, session_id, _view(engine, session_id).version)
    assert still.value.errors[0].params["count"] == 1
    assert "Cut the price" in still.value.errors[0].params["items"]
    assert "Train the buyers" not in still.value.errors[0].params["items"]


def test_a_rejection_needs_a_reason(room):
    engine, _session_id, raised = room
    item = raised["price"]
    for blank in ("", "   ", None):
        with pytest.raises(ValidationError) as refused:
            challenge.reject(engine, item.id, blank, item.version)
        assert _codes(refused) == [("reason", "required")]
    with Session(engine) as session:
        assert session.get(ChallengeItem, item.id).outcome is None
    rejected = challenge.reject(engine, item.id, "Our margin cannot take it", item.version)
    assert (rejected.outcome, rejected.reason) == ("rejected", "Our margin cannot take it")


def test_a_recommendation_becomes_an_action_of_the_account_with_its_owner_and_due_date(room):
    engine, _session_id, raised = room
    item = raised["train"]
    decided = challenge.make_action(
        engine,
        item.id,
        title="Train the buyers",
        owner="Ann Martin",
        due_date=DUE,
        expected_version=item.version,
        today=TODAY,
    )
    with Session(engine) as session:
        action = session.get(Action, decided.action_id)
        assert (action.account_id, action.title, action.owner, action.due_date, action.status) == (
            ACCOUNT,
            "Train the buyers",
            "Ann Martin",
            DUE,
            "open",
        )
        plan = load_section(session, "actions", ACCOUNT)  # where the canvas's action plan reads its rows
    assert "Train the buyers" in plan["title"].tolist()
    assert (decided.owner, decided.due_date) == ("Ann Martin", DUE)


def test_a_bad_action_or_item_names_each_field_and_writes_nothing(room):
    engine, session_id, raised = room
    item = raised["train"]
    with pytest.raises(ValidationError) as refused:
        challenge.make_action(
            engine,
            item.id,
            title="x" * 201,
            owner=" ",
            due_date=TODAY - timedelta(days=1),
            expected_version=item.version,
            today=TODAY,
        )
    assert _codes(refused) == [("action_title", "text_length"), ("owner", "required"), ("due_date", "date_in_past")]
    with pytest.raises(ValidationError) as bad_item:
        challenge.add_item(engine, session_id, "opinion", "", "x" * 121)
    assert _codes(bad_item) == [("kind", "choice"), ("text", "required"), ("author", "text_length")]
    with pytest.raises(ValidationError) as not_a_recommendation:
        question = raised["question"]
        challenge.reject(engine, question.id, "no", question.version)
    assert _codes(not_a_recommendation) == [("item", "not_a_recommendation")]
    with Session(engine) as session:
        assert session.scalars(select(Action).where(Action.account_id == ACCOUNT)).all() == []
        assert len(session.scalars(select(ChallengeItem)).all()) == 4


def test_a_stale_version_is_refused_and_nothing_is_overwritten(room):
    engine, session_id, raised = room
    read = _view(engine, session_id)
    challenge.add_item(engine, session_id, "question", "And the new plant?", "Cid")  # someone adds meanwhile
    train, price = raised["train"], raised["price"]
    # two reviewers deciding two recommendations at once: neither blocks the other
    challenge.make_action(
        engine, train.id, title=train.text, owner="Ann", due_date=DUE, expected_version=train.version, today=TODAY
    )
    challenge.reject(engine, price.id, "Too costly", price.version)
    with pytest.raises(ConflictError):  # the close carries the version read before all that
        challenge.close_session(engine, session_id, read.version)
    assert _view(engine, session_id).is_open
    with pytest.raises(ConflictError):  # two people deciding the same recommendation: the second is refused
        challenge.reject(engine, train.id, "Changed my mind", train.version)
    with Session(engine) as session:
        assert session.get(ChallengeItem, train.id).outcome == "action"
    closed = challenge.close_session(engine, session_id, _view(engine, session_id).version)
    assert closed.summary.questions == 2


def test_reviewers_and_the_close_need_an_editor(room):
    engine, session_id, raised = room
    item = raised["price"]
    with access.acting_as(VIEWER):
        for write in (
            lambda: challenge.open_session(engine, OTHER, "Review"),
            lambda: challenge.add_item(engine, session_id, "question", "Why?", "Vera"),
            lambda: challenge.reject(engine, item.id, "No", item.version),
            lambda: challenge.close_session(engine, session_id, _view(engine, session_id).version),
        ):
            with pytest.raises(PermissionDenied) as denied:
                write()
            assert (denied.value.needed, denied.value.role) == ("editor", "viewer")
    with Session(engine) as session:
        assert session.get(ChallengeItem, item.id).outcome is None
        assert len(session.scalars(select(ChallengeSession)).all()) == 1
    with access.acting_as(EDITOR):
        challenge.add_item(engine, session_id, "question", "Who owns the plant?", "Ed")
        opened = challenge.open_session(engine, OTHER, "Review")
    assert opened.opened_by == EDITOR.name


def test_one_open_session_per_account_and_a_closed_one_never_changes(room):
    engine, session_id, raised = room
    with pytest.raises(ValidationError) as twice:
        challenge.open_session(engine, ACCOUNT, "Another")
    assert _codes(twice) == [("session", "challenge_open_already")]
    for name in ("train", "price"):
        challenge.reject(engine, raised[name].id, "Not now", raised[name].version)
    challenge.close_session(engine, session_id, _view(engine, session_id).version)
    with pytest.raises(ValidationError) as closed:
        challenge.add_item(engine, session_id, "question", "Late?", "Bea")
    assert _codes(closed) == [("session", "challenge_closed")]
    question = raised["question"]
    with pytest.raises(ValidationError):
        challenge.answer(engine, question.id, "Because", question.version)
    assert challenge.open_session(engine, ACCOUNT, "Next quarter").is_open  # a new one may start


def _close_the_room(engine, session_id, raised) -> challenge.ClosedSession:
    train, price, question = raised["train"], raised["price"], raised["question"]
    challenge.answer(engine, question.id, "Flat spend in our categories", question.version)
    challenge.make_action(
        engine,
        train.id,
        title=train.text,
        owner="Ann Martin",
        due_date=DUE,
        expected_version=train.version,
        today=TODAY,
    )
    challenge.reject(engine, price.id, "Our margin cannot take it", price.version)
    with access.acting_as(EDITOR):
        return challenge.close_session(engine, session_id, _view(engine, session_id).version)


def test_the_summary_is_written_where_the_account_history_reads(room):
    engine, session_id, raised = room
    closed = _close_the_room(engine, session_id, raised)
    assert (closed.summary.questions, closed.summary.challenges, closed.summary.recommendations) == (1, 1, 2)
    assert (closed.summary.actions, closed.summary.rejected) == (1, 1)
    with Session(engine) as session:
        lines = history_lines(account_history(session, ACCOUNT))
    newest = [line for line in lines if line.table == "challenge_session" and line.field == "summary"]
    assert len(newest) == 1 and newest[0].actor == EDITOR.name
    stored = challenge.Summary.from_json(newest[0].new)
    assert stored == closed.summary
    assert [(outcome.outcome, outcome.owner, outcome.due_date, outcome.reason) for outcome in stored.outcomes] == [
        ("action", "Ann Martin", DUE, None),
        ("rejected", None, None, "Our margin cannot take it"),
    ]
    text = challenge.summary_text(stored, "en")
    assert text.startswith("Questions: 1 · Challenges: 1 · Recommendations: 2 (actions: 1, rejected: 1)")
    assert "“Train the buyers on our new service” → action: Ann Martin, due 26 Dec 2026" in text
    assert "“Cut the price by 10%” → rejected: Our margin cannot take it" in text
    assert "« Cut the price by 10% » → rejetée : Our margin cannot take it" in challenge.summary_text(stored, "fr")
    # the action it created is in the history too, under the account
    assert any(line.table == "action" and line.action == "create" for line in lines)
    json.loads(newest[0].new)  # stored as JSON: the history page puts it in words (kam_core.ui.history)


def _texts(pack) -> str:
    deck = Presentation(io.BytesIO(pack.data))
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_latest_summary_is_in_the_internal_qbr_pack_and_not_in_the_customers(room):
    engine, session_id, raised = room
    with Session(engine) as session:
        before = build_qbr(session, ACCOUNT, TODAY, internal=True)
    assert translate("qbr.slide.challenge", "en") not in before.slides  # no closed session: no slide
    _close_the_room(engine, session_id, raised)
    with Session(engine) as session:
        internal = build_qbr(session, ACCOUNT, TODAY, internal=True)
        french = build_qbr(session, ACCOUNT, TODAY, language="fr", internal=True)
        customer = build_qbr(session, ACCOUNT, TODAY, internal=False)
    assert internal.slides[-1] == translate("qbr.slide.challenge", "en")
    text = _texts(internal)
    assert "Questions: 1 · Challenges: 1 · Recommendations: 2 (actions: 1, rejected: 1)" in text
    assert "Train the buyers on our new service" in text and "Ann Martin" in text
    assert "Our margin cannot take it" in text and "Plan review Q4" in text
    assert french.slides[-1] == translate("qbr.slide.challenge", "fr")
    assert "Questions : 1" in _texts(french)
    assert translate("qbr.slide.challenge", "en") not in customer.slides
    shown = _texts(customer)
    assert "Our margin cannot take it" not in shown and "Plan review Q4" not in shown
    assert "Cut the price" not in shown


def test_a_newer_closed_session_replaces_the_older_in_the_pack(room):
    engine, session_id, raised = room
    _close_the_room(engine, session_id, raised)
    second = challenge.open_session(engine, ACCOUNT, "Second review")
    challenge.add_item(engine, second.id, "challenge", "Still no sponsor", "Bea")
    challenge.close_session(engine, second.id, _view(engine, second.id).version)
    with Session(engine) as session:
        latest = challenge.latest_closed(session, ACCOUNT)
        text = _texts(build_qbr(session, ACCOUNT, TODAY, internal=True))
    assert latest.title == "Second review"
    assert "Second review" in text and "Plan review Q4" not in text
    assert translate("qbr.no_recommendations", "en") in text


def test_the_challenge_slide_keeps_to_the_decks_rules_with_many_long_recommendations(small_engine):
    from kam_core.documents.qbr_layout import MIN_PT
    from tests.unit.test_qbr import FOOTER_TOP, MAX_ROWS, _assert_no_overlap, _runs, _tables

    opened = challenge.open_session(small_engine, ACCOUNT, "Revue très détaillée " * 8)
    for number in range(11):
        text = f"Recommandation {number} : " + "revoir la couverture des sites de production européens " * 6
        item = challenge.add_item(small_engine, opened.id, "recommendation", text, "Bea")
        if number % 2:
            challenge.reject(small_engine, item.id, "Hors du périmètre de l'année " * 10, item.version)
        else:
            challenge.make_action(
                small_engine,
                item.id,
                title=text[:200],
                owner="Marie-Hélène de La Tour d'Auvergne",
                due_date=DUE,
                expected_version=item.version,
                today=TODAY,
            )
    challenge.close_session(small_engine, opened.id, _view(small_engine, opened.id).version)
    with Session(small_engine) as session:
        pack = build_qbr(session, ACCOUNT, TODAY, language="fr", internal=True)
    _assert_no_overlap(pack)
    heading = translate("qbr.slide.challenge", "fr")
    slides = [
        slide
        for slide in Presentation(io.BytesIO(pack.data)).slides
        if slide.shapes.title.text in (heading, translate("qbr.continued", "fr", title=heading))
    ]
    assert slides[0].shapes.title.text == heading and len(slides) >= 2  # continued, nothing left out
    tables = [table for slide in slides for table in _tables(slide)]
    assert all(1 <= len(table.rows) - 1 <= MAX_ROWS for table in tables)
    assert sum(len(table.rows) - 1 for table in tables) == 11
    assert "…" not in _texts(pack) and "de plus" not in _texts(pack)
    for slide in slides:
        for shape in slide.shapes:
            for run in _runs(shape):
                if run.text.strip() and shape != slide.shapes.title and shape.top < FOOTER_TOP:
                    assert run.font.size.pt >= MIN_PT, run.text


def test_a_merge_keeps_the_other_accounts_sessions_under_the_surviving_account(room):
    from kam_core.account.merge import merge_accounts, merge_plan

    engine, session_id, _raised = room
    other_session = challenge.open_session(engine, OTHER, "Globex review")
    with Session(engine) as session:
        plan = merge_plan(session, OTHER, ACCOUNT)
    resolutions = {conflict.key: "keep" for conflict in plan.conflicts}
    merge_accounts(engine, OTHER, ACCOUNT, {}, resolutions, (plan.keep_version, plan.other_version), backup=False)
    with Session(engine) as session:
        kept = challenge.sessions_of(session, OTHER)
    assert {view.id for view in kept} == {session_id, other_session.id}
    assert sum(view.is_open for view in kept) == 2  # both stay open: either can be closed
