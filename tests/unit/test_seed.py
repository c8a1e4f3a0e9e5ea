"""The demo portfolio: complete, deterministic, coherent, and within every constraint."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import Date, String, event
from sqlmodel import Session, SQLModel, create_engine, select

from kam_core.common.text import fold_name
from kam_core.demo.seed import SeedError, seed_demo
from kam_core.programme.defaults import DEFAULT_CRITERIA, install_defaults
from kam_core.programme.periods import period_of, shift_period
from kam_core.store import models as m

TODAY = date(2026, 5, 13)  # a Wednesday, mid-quarter
ALL_TABLES = [*m.EDITABLE_TABLES, m.EngagementPairing]
TIMESTAMPS = {"created_at", "updated_at"}


def _engine(url: str):
    engine = create_engine(url)

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _foreign_keys_on(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    SQLModel.metadata.create_all(engine)
    return engine


@pytest.fixture
def make_session(tmp_path, databases):
    """Factory of sessions, each on its own fresh database of the test backend, foreign keys enforced."""
    sessions = []

    def make(name: str = "kam") -> Session:
        url = databases.new(tmp_path, f"{name}.db")
        session = Session(_engine(url))
        sessions.append((session, url))
        return session

    yield make
    for session, url in sessions:
        session.close()
        session.get_bind().dispose()
        databases.drop(url)


@pytest.fixture
def seeded(make_session) -> Session:
    session = make_session()
    seed_demo(session, today=TODAY)
    session.commit()
    return session


def _primary_key(table):
    return [getattr(table, c.name) for c in table.__table__.primary_key.columns]


def _dump(session: Session) -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order, without the timestamps."""
    return {
        table.__tablename__: [
            {k: v for k, v in row.model_dump().items() if k not in TIMESTAMPS}
            for row in session.exec(select(table).order_by(*_primary_key(table))).all()
        ]
        for table in ALL_TABLES
    }


def _weighted_means(session: Session, period: str) -> dict[int, dict[str, float | None]]:
    """account id -> axis -> weighted mean of the scores present in that period."""
    criteria = {c.id: c for c in session.exec(select(m.Criterion)).all()}
    sums: dict[int, dict[str, list[float]]] = defaultdict(lambda: {axis: [0.0, 0.0] for axis in m.AXES})
    counts: Counter = Counter()
    for score in session.exec(select(m.Score).where(m.Score.period == period)).all():
        criterion = criteria[score.criterion_id]
        sums[score.account_id][criterion.axis][0] += criterion.weight * score.value
        sums[score.account_id][criterion.axis][1] += criterion.weight
        counts[score.account_id] += 1
    return {
        account_id: {axis: (total / weight if weight else None) for axis, (total, weight) in axes.items()}
        | {"complete": counts[account_id] == len(criteria)}
        for account_id, axes in sums.items()
    }


def _is_strategic(means) -> bool:
    return bool(means["complete"] and means["attractiveness"] >= 5 and means["strength"] >= 5)


# --- completeness and determinism ------------------------------------------------------------


def test_every_table_has_rows_and_counts_are_reported(make_session):
    session = make_session()
    counts = seed_demo(session, today=TODAY)
    session.commit()
    for table in ALL_TABLES:
        actual = len(session.exec(select(table)).all())
        assert actual > 0, table.__tablename__
        assert counts[table.__tablename__] == actual, table.__tablename__


def test_same_seed_and_day_give_identical_rows(make_session):
    first, second = make_session("first"), make_session("second")
    seed_demo(first, today=TODAY)
    seed_demo(second, today=TODAY)
    first.commit()
    second.commit()
    assert _dump(first) == _dump(second)


def test_another_seed_gives_other_rows(make_session):
    first, second = make_session("first"), make_session("second")
    seed_demo(first, today=TODAY)
    seed_demo(second, today=TODAY, rng_seed=7)
    assert _dump(first)["stakeholder"] != _dump(second)["stakeholder"]


def test_a_later_day_shifts_the_dates(make_session):
    delta = 14  # two weeks: same weekdays, same quarter
    first, second = make_session("first"), make_session("second")
    seed_demo(first, today=TODAY)
    seed_demo(second, today=TODAY + timedelta(days=delta))
    before, after = _dump(first), _dump(second)
    shifts = []
    for table in ALL_TABLES:
        date_columns = [c.name for c in table.__table__.columns if isinstance(c.type, Date)]
        for old, new in zip(before[table.__tablename__], after[table.__tablename__], strict=True):
            shifts += [(new[c] - old[c]).days for c in date_columns if old[c] is not None]
    assert shifts
    # dates move with today; only the few that fall on year-end holidays are pushed a little further
    assert all(delta - 12 <= shift <= delta + 12 for shift in shifts)
    assert sum(shift == delta for shift in shifts) >= 0.9 * len(shifts)
    assert {s["period"] for s in before["score"]} == {s["period"] for s in after["score"]}


def test_seeding_twice_raises(seeded):
    with pytest.raises(SeedError):
        seed_demo(seeded, today=TODAY)


def test_seeding_is_refused_when_an_account_exists(make_session):
    session = make_session()
    session.add(m.Account(name="Real Customer", name_key=fold_name("Real Customer"), sector="Energy"))
    session.commit()
    with pytest.raises(SeedError):
        seed_demo(session, today=TODAY)


# --- content ---------------------------------------------------------------------------------


def test_about_thirty_accounts_mostly_active(seeded):
    accounts = seeded.exec(select(m.Account)).all()
    assert 28 <= len(accounts) <= 32
    statuses = Counter(a.status for a in accounts)
    assert 2 <= statuses["prospect"] <= 3
    assert statuses["archived"] == 1
    assert all(a.name_key == fold_name(a.name) for a in accounts)
    children = [a for a in accounts if a.parent_id is not None]
    assert children and all(a.group_name for a in children)
    assert len({a.country for a in accounts}) >= 10


def test_kams_and_sponsors(seeded):
    accounts = seeded.exec(select(m.Account)).all()
    per_kam = Counter(a.kam_id for a in accounts)
    assert all(4 <= n <= 7 for n in per_kam.values())
    executives = seeded.exec(select(m.Executive)).all()
    load = Counter(a.sponsor_id for a in accounts if a.sponsor_id and a.status != "archived")
    assert any(load[e.id] > e.max_accounts for e in executives), "one executive should be over their limit"


def test_every_stakeholder_reports_within_the_same_account(seeded):
    people = {p.id: p for p in seeded.exec(select(m.Stakeholder)).all()}
    per_account = Counter(p.account_id for p in people.values())
    assert all(6 <= n <= 15 for n in per_account.values())
    for person in people.values():
        if person.reports_to_id is not None:
            assert people[person.reports_to_id].account_id == person.account_id
    roots = Counter(p.account_id for p in people.values() if p.reports_to_id is None)
    assert all(roots[account_id] == 1 for account_id in per_account)
    assert {p.role for p in people.values()} == set(m.BUYING_ROLES)


def test_latest_quarter_has_a_short_strategic_list_and_movement(seeded):
    current = period_of(TODAY)
    now, before = _weighted_means(seeded, current), _weighted_means(seeded, shift_period(current, -1))
    strategic = {a for a, means in now.items() if _is_strategic(means)}
    assert 10 <= len(strategic) <= 12
    assert any(not means["complete"] for means in now.values()), "a prospect should be scored incompletely"
    moved = [a for a in strategic ^ {a for a, means in before.items() if _is_strategic(means)} if a in before]
    assert moved, "some accounts should cross a quadrant line"
    accounts = {a.id: a for a in seeded.exec(select(m.Account)).all()}
    assert any(accounts[a].sponsor_id is None for a in strategic), "a strategic account should lack a sponsor"


def test_handshakes_cover_every_stage_in_order(seeded):
    handshakes = seeded.exec(select(m.Handshake)).all()
    assert {h.stage for h in handshakes} == set(m.HANDSHAKE_STAGES)
    assert any((TODAY - h.stage_since).days > 90 and h.stage != "in_review" for h in handshakes)
    people = {p.id: p for p in seeded.exec(select(m.Stakeholder)).all()}
    for handshake in handshakes:
        events = seeded.exec(
            select(m.HandshakeStageEvent)
            .where(m.HandshakeStageEvent.handshake_id == handshake.id)
            .order_by(m.HandshakeStageEvent.reached_on)
        ).all()
        reached = m.HANDSHAKE_STAGES[: m.HANDSHAKE_STAGES.index(handshake.stage) + 1]
        assert [e.stage for e in events] == list(reached)
        assert events[-1].reached_on == handshake.stage_since
        if handshake.stage in ("agreed", "in_review"):
            signatory = people[handshake.signatory_id]
            assert signatory.account_id == handshake.account_id and signatory.role == "decision_maker"
            assert handshake.next_review_on is not None


def test_rows_stay_within_their_account(seeded):
    units = {u.id: u for u in seeded.exec(select(m.CustomerUnit)).all()}
    assert all(units[c.unit_id].account_id == c.account_id for c in seeded.exec(select(m.WhiteSpaceCell)).all())
    objectives = {o.id: o for o in seeded.exec(select(m.Objective)).all()}
    for action in seeded.exec(select(m.Action)).all():
        assert action.objective_id is not None and objectives[action.objective_id].account_id == action.account_id
    people = {p.id: p for p in seeded.exec(select(m.Stakeholder)).all()}
    pairings = {p.id: p for p in seeded.exec(select(m.Pairing)).all()}
    engagements = {e.id: e for e in seeded.exec(select(m.Engagement)).all()}
    for link in seeded.exec(select(m.EngagementPairing)).all():
        person = people[pairings[link.pairing_id].stakeholder_id]
        assert person.account_id == engagements[link.engagement_id].account_id


def test_figures_are_coherent(seeded):
    for year in seeded.exec(select(m.AccountYear)).all():
        assert year.category_spend and year.revenue < year.category_spend
        assert TODAY.year - 3 <= year.year <= TODAY.year - 1
    actions = seeded.exec(select(m.Action)).all()
    assert any(a.due_date < TODAY and a.status not in m.CLOSED_ACTION_STATUSES for a in actions)
    commitments = seeded.exec(select(m.Commitment)).all()
    assert {c.side for c in commitments} == set(m.COMMITMENT_SIDES)
    assert any(c.due_date < TODAY and c.status not in m.CLOSED_COMMITMENT_STATUSES for c in commitments)
    assert {e.status for e in seeded.exec(select(m.Engagement)).all()} == set(m.ENGAGEMENT_STATUSES)
    crm_ids = [r.crm_id for r in seeded.exec(select(m.RevenueLine)).all()]
    assert all(crm_ids) and len(set(crm_ids)) == len(crm_ids)


def test_strings_fit_their_columns(seeded):
    """SQLite ignores VARCHAR lengths; PostgreSQL would not."""
    for table in ALL_TABLES:
        for column in table.__table__.columns:
            if isinstance(column.type, String) and column.type.length:
                for value in seeded.exec(select(getattr(table, column.name))).all():
                    assert value is None or len(value) <= column.type.length, (table.__tablename__, column.name, value)


# --- defaults --------------------------------------------------------------------------------


def test_install_defaults_alone_is_complete_and_idempotent(make_session):
    session = make_session()
    install_defaults(session, today=TODAY)
    session.commit()
    install_defaults(session, today=TODAY + timedelta(days=200))
    session.commit()

    programme = session.exec(select(m.Programme)).one()
    assert programme.id == 1 and programme.current_period == period_of(TODAY)
    assert programme.version == 1
    criteria = session.exec(select(m.Criterion)).all()
    assert len(criteria) == len(DEFAULT_CRITERIA)
    for axis in m.AXES:
        on_axis = [c for c in criteria if c.axis == axis]
        assert len(on_axis) >= 5
        assert sum(c.weight for c in on_axis) == 100
        assert all(c.anchor_low and c.anchor_mid and c.anchor_high for c in on_axis)
    assert session.exec(select(m.Account)).first() is None
