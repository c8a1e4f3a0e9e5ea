"""Workshop sessions (kam_core.workshop): join codes, the agenda and its builders, the step and its timer,
concurrent votes, the spread, the consensus committed as scores, the decision and its actions, the minutes."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.common import clock
from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.documents import minutes_docs
from kam_core.governance import access
from kam_core.portfolio import scoring
from kam_core.portfolio.segmentation import Thresholds
from kam_core.store.models import Account, Action, AuditEntry, Score, WorkshopVote
from kam_core.workshop import agenda, consensus, minutes, sessions, votes
from kam_core.workshop.consensus import NewAction

PERIOD = "2026-Q4"


def _accounts(engine, count=3) -> list[int]:
    with Session(engine) as session:
        return list(session.execute(select(Account.id).order_by(Account.id).limit(count)).scalars())


def _criteria(engine):
    with Session(engine) as session:
        return scoring.list_criteria(session, include_inactive=False)


def _started(engine, count=3):
    view = sessions.create_session(engine, "Q4 review", PERIOD, "facilitator@example.com")
    accounts = _accounts(engine, count)
    view = sessions.set_agenda(engine, view.id, [(a, 5) for a in accounts], view.version)
    view = sessions.move_to(engine, view.id, 0, None)
    return view, accounts


# --- join codes -----------------------------------------------------------------------------------


def test_a_join_code_is_six_characters_without_look_alikes():
    for _ in range(200):
        code = sessions.new_code()
        assert len(code) == 6 and not set(code) & set("0O1IL")
    assert sessions.normalise_code(" ab3-k7q ") == "AB3K7Q"
    assert sessions.is_code("ab3k7q") and not sessions.is_code("AB3K70") and not sessions.is_code("AB3K7")


def test_two_sessions_never_share_a_code_even_when_the_same_code_is_drawn(demo_engine):
    draws = iter("AAAAAA" + "AAAAAA" + "BBBBBB")
    first = sessions.create_session(demo_engine, "One", PERIOD, "f", choose=lambda _: next(draws))
    second = sessions.create_session(demo_engine, "Two", PERIOD, "f", choose=lambda _: next(draws))
    assert (first.join_code, second.join_code) == ("AAAAAA", "BBBBBB")
    with Session(demo_engine) as session:
        assert sessions.find_open(session, "aaa-aaa").id == first.id
        assert sessions.find_open(session, "ZZZZZZ") is None


def test_a_session_needs_a_title_and_a_quarter(demo_engine):
    with pytest.raises(ValidationError) as refused:
        sessions.create_session(demo_engine, "  ", "2026-Q5", "f")
    assert {e.field for e in refused.value.errors} == {"workshop_title", "period"}


# --- agenda ----------------------------------------------------------------------------------------


def test_the_agenda_keeps_the_order_and_time_boxes_and_refuses_bad_ones(demo_engine):
    view = sessions.create_session(demo_engine, "Q4", PERIOD, "f")
    a, b, c = _accounts(demo_engine)
    view = sessions.set_agenda(demo_engine, view.id, [(c, 3), (a, 10), (b, 5)], view.version)
    assert [(i.account_id, i.minutes) for i in view.items] == [(c, 3), (a, 10), (b, 5)]
    with pytest.raises(ValidationError) as refused:
        sessions.set_agenda(demo_engine, view.id, [(a, 0), (a, 5), (b, 2.5)], view.version)
    assert [e.code for e in refused.value.errors] == ["integer_range", "duplicate_account", "integer_range"]
    with pytest.raises(ConflictError):  # another screen saved the agenda since
        sessions.set_agenda(demo_engine, view.id, [(a, 5)], view.version - 1)


def test_the_builders_propose_movers_candidates_and_incomplete_accounts(demo_engine):
    with Session(demo_engine) as session:
        table, thresholds = agenda.portfolio_table(session, PERIOD, date(2026, 11, 26))
    movers = agenda.suggest(table, thresholds, "movers")
    assert movers and set(movers) == set(table[table["moved"]]["account_id"])
    candidates = agenda.suggest(table, thresholds, "candidates")
    rows = table.set_index("account_id").loc[candidates]
    assert (rows["quadrant"] != "strategic").all()
    assert (rows["attractiveness"] >= thresholds.attractiveness - agenda.CANDIDATE_MARGIN).all()
    assert (rows["strength"] >= thresholds.strength - agenda.CANDIDATE_MARGIN).all()
    incomplete = agenda.suggest(table, thresholds, "incomplete")
    assert set(incomplete) == set(table[~table["scored"]]["account_id"])


def test_candidates_are_near_both_thresholds_nearest_first():
    import pandas as pd

    table = pd.DataFrame(
        {
            "account_id": [1, 2, 3, 4, 5],
            "name": ["a", "b", "c", "d", "e"],
            "scored": [True, True, True, True, False],
            "quadrant": ["develop", "maintain", "strategic", "opportunistic", "unscored"],
            "attractiveness": [6.0, 4.0, 8.0, 2.0, None],
            "strength": [4.5, 6.0, 8.0, 4.9, None],
        }
    )
    assert agenda.strategic_candidates(table, Thresholds(5, 5)) == [1, 2]


# --- the step and its timer -----------------------------------------------------------------------


def test_the_timer_runs_from_the_stored_start_and_a_move_books_the_time(demo_engine, monkeypatch):
    start = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: start)
    view, accounts = _started(demo_engine)
    assert view.current.account_id == accounts[0]
    later = start + timedelta(minutes=7)
    assert sessions.elapsed_seconds(view, later) == 420
    assert sessions.remaining_seconds(view, later) == -120  # two minutes over the time box of 5
    monkeypatch.setattr(clock, "now", lambda: later)
    view = sessions.move_to(demo_engine, view.id, 1, 0)
    assert view.items[0].seconds_spent == 420 and view.current.account_id == accounts[1]
    with pytest.raises(ConflictError):  # a second "next" from a screen that still showed step 0
        sessions.move_to(demo_engine, view.id, 1, 0)
    with pytest.raises(ValidationError):
        sessions.move_to(demo_engine, view.id, 3, 1)


# --- votes -------------------------------------------------------------------------------------------


def test_the_spread_names_votes_more_than_two_points_from_the_median():
    spread = votes.spread_of(7, [("Ana", 6), ("Bob", 7), ("Chloé", 6.5), ("Dan", 2), ("Eve", 9)])
    assert (spread.votes, spread.low, spread.median, spread.high) == (5, 2.0, 6.5, 9.0)
    assert spread.outliers == ("Dan", "Eve")  # 4.5 and 2.5 away; farthest first
    assert votes.spread_of(7, [("Ana", 4), ("Bob", 6)]).outliers == ()  # 1 away each: no outlier
    assert votes.spread_of(7, []).votes == 0


def test_concurrent_voters_each_write_their_own_rows_without_loss(demo_engine):
    view, accounts = _started(demo_engine)
    criteria = [c.id for c in _criteria(demo_engine)]
    people = [votes.join_session(demo_engine, view.id, f"Voter {n}") for n in range(8)]
    barrier = threading.Barrier(len(people))
    failures = []

    def vote(person, offset):
        try:
            barrier.wait(timeout=30)
            for round_ in range(3):  # each re-votes: the upsert replaces only their own rows
                values = {cid: (offset + round_ + index) % 11 for index, cid in enumerate(criteria)}
                votes.cast_votes(demo_engine, person.token, accounts[0], values)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=vote, args=(p, n)) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    with Session(demo_engine) as session:
        assert session.execute(select(func.count(WorkshopVote.id))).scalar_one() == len(people) * len(criteria)
        found = votes.room_votes(session, view.id, accounts[0])
    for index, cid in enumerate(criteria):
        expected = {f"Voter {n}": float((n + 2 + index) % 11) for n in range(len(people))}
        assert dict(found[cid]) == expected


def test_a_vote_is_for_the_account_on_screen_in_an_open_session_and_in_range(demo_engine):
    view, accounts = _started(demo_engine)
    cid = _criteria(demo_engine)[0].id
    ana = votes.join_session(demo_engine, view.id, "Ana")
    with pytest.raises(ValidationError) as refused:
        votes.cast_votes(demo_engine, ana.token, accounts[1], {cid: 5})
    assert refused.value.errors[0].code == "workshop_moved_on"
    with pytest.raises(ValidationError):
        votes.cast_votes(demo_engine, ana.token, accounts[0], {cid: 11})
    with pytest.raises(ValidationError) as taken:
        votes.join_session(demo_engine, view.id, " ANA ")
    assert taken.value.errors[0].code == "name_taken"
    sessions.close_session(demo_engine, view.id)
    with pytest.raises(ValidationError):
        votes.cast_votes(demo_engine, ana.token, accounts[0], {cid: 5})


def test_a_viewer_may_vote_but_not_facilitate_and_votes_stay_out_of_the_trail(demo_engine):
    view, accounts = _started(demo_engine)
    cid = _criteria(demo_engine)[0].id
    viewer = access.Actor("viewer@example.com", "viewer", signed_in=True)
    with Session(demo_engine) as session:
        trail = session.execute(select(func.count(AuditEntry.id))).scalar_one()
    with access.acting_as(viewer):
        me = votes.join_session(demo_engine, view.id, "ignored: the signed-in address is the name")
        assert me.name == "viewer@example.com"
        assert votes.join_session(demo_engine, view.id, "again").id == me.id  # the same person coming back
        assert votes.cast_votes(demo_engine, me.token, accounts[0], {cid: 8}) == 1
        with pytest.raises(PermissionDenied):
            sessions.move_to(demo_engine, view.id, 1, 0)
    stranger = access.Actor("stranger@example.com", None, signed_in=True)
    with access.acting_as(stranger), pytest.raises(PermissionDenied):
        votes.cast_votes(demo_engine, me.token, accounts[0], {cid: 2})
    with Session(demo_engine) as session:
        assert session.execute(select(func.count(AuditEntry.id))).scalar_one() == trail


# --- consensus and decision ------------------------------------------------------------------------


def _vote_room(engine, view, account_id):
    criteria = _criteria(engine)
    first = criteria[0].id
    for name, value in (("Ana", 6), ("Bob", 7), ("Chloé", 2)):
        person = votes.join_session(engine, view.id, name)
        votes.cast_votes(engine, person.token, account_id, {first: value})
    with Session(engine) as session:
        return criteria, session, votes.room_spreads(session, view.id, account_id)


def test_the_consensus_is_written_as_scores_with_the_spread_in_the_rationale(demo_engine):
    view, accounts = _started(demo_engine)
    account = accounts[0]
    criteria, _, spreads = _vote_room(demo_engine, view, account)
    with Session(demo_engine) as session:
        read = scoring.account_scores(session, account, PERIOD)
    values = consensus.proposal(read, spreads)
    first = criteria[0].id
    assert values[first] == 6.0  # the median of 6, 7 and 2
    versions = {s.criterion.id: s.version for s in read}
    changed = consensus.commit_consensus(
        demo_engine, view.id, account, {first: values[first]}, versions, spreads, day=date(2026, 11, 26)
    )
    assert changed in (0, 1)
    with Session(demo_engine) as session:
        score = session.execute(
            select(Score).where(Score.account_id == account, Score.criterion_id == first, Score.period == PERIOD)
        ).scalar_one()
        item = sessions.read_session(session, view.id).items[0]
    assert score.value == 6.0
    assert score.rationale == ("Workshop Q4 review (2026-11-26): 3 votes, min 2, median 6, max 7; outliers: Chloé (2)")
    assert dict(item.committed) == {first: 6.0} and item.committed_at is not None
    # a score saved by someone else since the read: nothing is written
    with pytest.raises(ConflictError):
        consensus.commit_consensus(demo_engine, view.id, account, {first: 9}, versions, spreads, day=date(2026, 11, 26))
    with Session(demo_engine) as session:
        assert scoring.account_scores(session, account, PERIOD)[0].value == 6.0


def test_a_changed_segment_needs_a_reason_and_actions_land_on_the_account(demo_engine):
    view, accounts = _started(demo_engine)
    account = accounts[0]
    item = view.items[0]
    with pytest.raises(ValidationError) as refused:
        consensus.record_decision(
            demo_engine,
            view.id,
            account,
            "changed",
            "strategic",
            "  ",
            [NewAction("Plan a top-to-top", "", "2027-01-15")],
            item.version,
        )
    assert {(e.field, e.code) for e in refused.value.errors} == {("reason", "reason_required"), ("owner", "required")}
    with Session(demo_engine) as session:
        before = session.execute(select(func.count(Action.id)).where(Action.account_id == account)).scalar_one()
    with Session(demo_engine) as session:
        segment_before = consensus.stored_position(session, account, PERIOD, consensus.thresholds_of(session)).quadrant
    target = "develop" if segment_before != "develop" else "maintain"
    created = consensus.record_decision(
        demo_engine,
        view.id,
        account,
        "changed",
        target,
        "New CEO, budget doubled",
        [NewAction("Plan a top-to-top", "Marie", "2027-01-15"), NewAction("", "", None)],
        item.version,
    )
    assert created == 1
    with Session(demo_engine) as session:
        actions = session.execute(select(Action).where(Action.account_id == account)).scalars().all()
        item = sessions.read_session(session, view.id).items[0]
    assert len(actions) == before + 1
    new = [a for a in actions if a.title == "Plan a top-to-top"][0]
    assert (new.owner, new.due_date, new.status) == ("Marie", date(2027, 1, 15), "open")
    assert (item.decision, item.segment_after, item.reason) == ("changed", target, "New CEO, budget doubled")
    with pytest.raises(ConflictError):  # the item moved on since this version was read
        consensus.record_decision(demo_engine, view.id, account, "confirmed", None, "", [], item.version - 1)


def test_the_live_position_uses_the_matrix_formula():
    criteria = [
        scoring.CriterionRow(1, "attractiveness", "A1", None, 60, 1, "l", "m", "h", True),
        scoring.CriterionRow(2, "attractiveness", "A2", None, 40, 2, "l", "m", "h", True),
        scoring.CriterionRow(3, "strength", "S1", None, 100, 1, "l", "m", "h", True),
    ]
    place = consensus.live_position(criteria, {1: 8, 2: 3, 3: 5}, Thresholds(5, 5))
    assert (place.attractiveness, place.strength, place.quadrant) == (6.0, 5.0, "strategic")
    assert consensus.live_position(criteria, {1: 8, 3: 5}, Thresholds(5, 5)).quadrant is None


# --- minutes -----------------------------------------------------------------------------------------


def test_the_minutes_hold_the_accounts_spreads_decisions_and_actions(demo_engine):
    view, accounts = _started(demo_engine)
    account = accounts[0]
    criteria, _, spreads = _vote_room(demo_engine, view, account)
    first = criteria[0]
    with Session(demo_engine) as session:
        read = scoring.account_scores(session, account, PERIOD)
    consensus.commit_consensus(
        demo_engine,
        view.id,
        account,
        {first.id: 6.5},
        {s.criterion.id: s.version for s in read},
        spreads,
        day=date(2026, 11, 26),
    )
    with Session(demo_engine) as session:
        item = sessions.read_session(session, view.id).items[0]
    consensus.record_decision(
        demo_engine,
        view.id,
        account,
        "confirmed",
        item.segment_before,
        "",
        [NewAction("Send the plan", "Marie", date(2027, 1, 10))],
        item.version,
    )
    result = minutes.of_session(demo_engine, view.id)
    assert (result.title, result.period, result.facilitator) == ("Q4 review", PERIOD, "facilitator@example.com")
    assert result.participants == ("Ana", "Bob", "Chloé")
    assert len(result.accounts) == 3
    reviewed = result.accounts[0]
    assert reviewed.decision == "confirmed" and reviewed.segment_before == item.segment_before
    assert [(a.title, a.owner, a.due) for a in reviewed.actions] == [("Send the plan", "Marie", date(2027, 1, 10))]
    spread = reviewed.spreads[0]
    assert (spread.criterion, spread.votes, spread.low, spread.median, spread.high) == (first.name, 3, 2, 6, 7)
    assert spread.outliers == ("Chloé",) and spread.committed == 6.5
    assert reviewed.attractiveness_after is not None or reviewed.segment_after is None
    assert result.accounts[1].decision == "" and result.accounts[1].spreads == ()


def test_an_account_nothing_was_committed_for_keeps_its_stored_position_in_the_minutes(demo_engine):
    """Reviewed without a commit (the room moved on, or only confirmed the segment): the minutes say where
    it stood and that it stayed there, never "not fully scored", and count no segment change for it."""
    view, accounts = _started(demo_engine)
    with Session(demo_engine) as session:
        thresholds = consensus.thresholds_of(session)
        stored = {a: consensus.stored_position(session, a, PERIOD, thresholds) for a in accounts}
    assert all(place.quadrant is not None for place in stored.values())  # the demo scores these for the quarter
    with Session(demo_engine) as session:
        third = sessions.read_session(session, view.id).items[2]
    consensus.record_decision(
        demo_engine, view.id, accounts[2], "confirmed", stored[accounts[2]].quadrant, "", [], third.version
    )
    result = minutes.of_session(demo_engine, view.id)
    for reviewed, account in zip(result.accounts, accounts):
        place = stored[account]
        assert (reviewed.segment_before, reviewed.segment_after) == (place.quadrant, place.quadrant)
        assert (reviewed.attractiveness_before, reviewed.attractiveness_after) == (place.attractiveness,) * 2
        assert (reviewed.strength_before, reviewed.strength_after) == (place.strength,) * 2
    assert [a.decision for a in result.accounts] == ["", "", "confirmed"]
    assert minutes_docs.minutes_counts(result).segment_changes == 0


def test_confirming_a_segment_the_committed_scores_moved_is_refused_and_changed_is_proposed(demo_engine):
    view, accounts = _started(demo_engine)
    with Session(demo_engine) as session:
        thresholds = consensus.thresholds_of(session)
        placed = {a: consensus.stored_position(session, a, PERIOD, thresholds).quadrant for a in accounts}
        account = next(a for a, quadrant in placed.items() if quadrant not in (None, "opportunistic"))
        read = scoring.account_scores(session, account, PERIOD)
    item = next(i for i in view.items if i.account_id == account)
    consensus.commit_consensus(  # every criterion at 0: the account lands in Opportunistic
        demo_engine,
        view.id,
        account,
        {s.criterion.id: 0.0 for s in read},
        {s.criterion.id: s.version for s in read},
        {},
        day=date(2026, 11, 26),
    )
    with Session(demo_engine) as session:
        item = next(i for i in sessions.read_session(session, view.id).items if i.account_id == account)
    assert item.segment_before == placed[account]
    assert consensus.proposed_decision(item.segment_before, "opportunistic") == "changed"
    assert consensus.proposed_decision(item.segment_before, item.segment_before) == "confirmed"
    with pytest.raises(ValidationError) as refused:
        consensus.record_decision(demo_engine, view.id, account, "confirmed", "opportunistic", "", [], item.version)
    assert {(e.field, e.code) for e in refused.value.errors} == {("decision", "segment_moved")}
    consensus.record_decision(
        demo_engine, view.id, account, "changed", "opportunistic", "Budget cut by half", [], item.version
    )
