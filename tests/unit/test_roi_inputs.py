"""The ROI's inputs read from a small store built here (on SQLite, and on PostgreSQL in the
``KAM_TEST_BACKEND=postgres`` pass): the same accounts as the worked example of test_roi.py, whose
figures the model then gives back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from kam_core.common.text import fold_name
from kam_core.portfolio.overview import account_table
from kam_core.programme.membership import programme_accounts, with_programme_since
from kam_core.programme.roi import MissingInput, compute_roi
from kam_core.programme.roi_inputs import meeting_hours, read_roi_inputs
from kam_core.store import db
from kam_core.store.models import (
    Account,
    AccountYear,
    Criterion,
    Engagement,
    Kam,
    Programme,
    RevenueAmbition,
    Score,
)

TODAY = date(2026, 11, 26)


def _account(session, name, *, kam=None, margin=None, since=None, status="active") -> int:
    account = Account(
        name=name,
        name_key=fold_name(name),
        sector="Energy",
        kam_id=kam,
        margin_pct=margin,
        programme_since=since,
        status=status,
    )
    session.add(account)
    session.flush()
    return account.id


def _strategic(session, account_id):
    period = session.get(Programme, 1).current_period
    criteria = session.exec(select(Criterion).where(Criterion.active)).all()
    session.add_all([Score(account_id=account_id, criterion_id=c.id, period=period, value=8.0) for c in criteria])


def _meet(session, account_id, kind, status, on_date):
    session.add(Engagement(account_id=account_id, kind=kind, status=status, on_date=on_date, objective="Review"))


def _build(engine) -> dict[str, int]:
    with db.session_scope(engine) as session:
        programme = session.get(Programme, 1)
        programme.start_year, programme.horizon_years = 2024, 3
        programme.organic_growth_pct, programme.default_margin_pct = 5.0, 25.0
        programme.executive_hour_cost = 200.0
        programme.tools_cost, programme.training_cost, programme.events_cost = 5_000.0, 3_000.0, 2_000.0
        programme.kam_yearly_cost, programme.kam_share_pct = 150_000.0, 80.0
        kim = Kam(name="Kim", email="kim@example.com", yearly_cost=100_000.0, programme_share_pct=50.0)
        lou = Kam(name="Lou", email="lou@example.com")  # the programme's default cost and share
        session.add_all([kim, lou])
        session.flush()
        alpha = _account(session, "Alpha", kam=kim.id, margin=20.0)
        _strategic(session, alpha)
        beta = _account(session, "Beta", kam=kim.id, since=2025)  # entered by hand, not strategic
        gamma = _account(session, "Gamma", kam=lou.id, status="archived")  # strategic but archived: out
        _strategic(session, gamma)
        delta = _account(session, "Delta", kam=lou.id)  # neither strategic nor entered: out
        for account_id, revenues in (
            # 2026: the year to date, as a CRM import sets it (the ROI reads the plan for the current year)
            (alpha, {2022: 900_000, 2023: 1_000_000, 2024: 1_200_000, 2025: 1_400_000, 2026: 1_300_000}),
            (beta, {2023: 480_000, 2024: 500_000, 2025: 600_000}),
            (gamma, {2024: 1.0}),
            (delta, {2024: 1.0}),
        ):
            session.add_all([AccountYear(account_id=account_id, year=y, revenue=r) for y, r in revenues.items()])
        session.add_all(
            [
                RevenueAmbition(account_id=alpha, year=2026, amount=1_600_000),
                RevenueAmbition(account_id=alpha, year=2027, amount=1_800_000),  # beyond the horizon
                RevenueAmbition(account_id=delta, year=2026, amount=1.0),
            ]
        )
        _meet(session, alpha, "meeting", "held", date(2024, 3, 1))
        _meet(session, alpha, "meeting", "held", date(2024, 9, 1))
        _meet(session, alpha, "visit", "planned", date(2024, 10, 1))  # planned in a past year, never held
        _meet(session, alpha, "meeting", "held", date(2025, 2, 1))
        _meet(session, alpha, "visit", "held", date(2025, 6, 1))
        _meet(session, alpha, "qbr", "cancelled", date(2025, 7, 1))  # cancelled: never
        _meet(session, alpha, "meeting", "held", date(2026, 1, 10))  # the current year: held ...
        _meet(session, alpha, "meeting", "planned", date(2026, 12, 10))  # ... and planned
        _meet(session, alpha, "meeting", "planned", date(2027, 2, 1))  # beyond the horizon
        _meet(session, beta, "meeting", "held", date(2024, 5, 1))  # before its entry: read, not counted
        _meet(session, beta, "visit", "held", date(2025, 5, 1))
        _meet(session, beta, "meeting", "planned", date(2026, 12, 1))
        _meet(session, delta, "meeting", "held", date(2025, 5, 1))
    return {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta, "kim": kim.id, "lou": lou.id}


@pytest.fixture
def store(empty_url):
    engine = db.get_engine(empty_url)
    return engine, _build(engine)


def test_membership_reads_programme_since_from_the_store(store):
    engine, ids = store
    with Session(engine) as session:
        table = with_programme_since(session, account_table(session, TODAY))
    members = programme_accounts(table, 2024)
    assert dict(zip(members["account_id"], members["entry_year"], strict=True)) == {
        ids["alpha"]: 2024,
        ids["beta"]: 2025,
    }


def test_inputs_are_read_from_the_store(store):
    engine, ids = store
    with Session(engine) as session:
        inputs = read_roi_inputs(session, TODAY)
    assert (inputs.currency, inputs.start_year, inputs.horizon_years, inputs.current_year) == ("EUR", 2024, 3, 2026)
    assert (inputs.organic_growth_pct, inputs.default_margin_pct, inputs.executive_hour_cost) == (5, 25, 200)
    assert inputs.meeting_hours == {"call": 1, "event": 6, "meeting": 3, "qbr": 4, "visit": 8}
    assert inputs.other_costs == {"tools_cost": 5_000, "training_cost": 3_000, "events_cost": 2_000}
    (kim,) = inputs.kams  # Lou manages no account in the programme
    assert (kim.kam_id, kim.name, kim.yearly_cost, kim.share_pct, kim.own_cost) == (ids["kim"], "Kim", 1e5, 50, True)
    alpha, beta = sorted(inputs.accounts, key=lambda account: account.name)
    assert (alpha.account_id, alpha.segment, alpha.entry_year, alpha.margin_pct, alpha.kam_id) == (
        ids["alpha"],
        "strategic",
        2024,
        20.0,
        ids["kim"],
    )
    assert alpha.revenue == {2023: 1_000_000, 2024: 1_200_000, 2025: 1_400_000, 2026: 1_300_000}  # the horizon's
    assert alpha.ambition == {2026: 1_600_000}
    assert alpha.meetings == {2024: {"meeting": 2}, 2025: {"meeting": 1, "visit": 1}, 2026: {"meeting": 2}}
    assert (beta.account_id, beta.segment, beta.entry_year, beta.margin_pct) == (ids["beta"], "unscored", 2025, None)
    assert beta.revenue == {2023: 480_000, 2024: 500_000, 2025: 600_000} and beta.ambition == {}
    assert beta.meetings == {2024: {"meeting": 1}, 2025: {"visit": 1}, 2026: {"meeting": 1}}


def test_the_store_gives_the_worked_example_back(store):
    engine, ids = store
    with Session(engine) as session:
        result = compute_roi(read_roi_inputs(session, TODAY, account_table(session, TODAY)))
    assert [row.year for row in result.years] == [2023, 2024, 2025, 2026]
    assert [row.cumulative_margin for row in result.years] == pytest.approx([0, 30_000, 108_250, 196_725])
    assert [row.cumulative_cost for row in result.years] == pytest.approx([0, 61_200, 125_000, 186_800])
    assert result.payback_year == 2026
    assert result.so_far.year == 2025
    assert set(result.missing) == {
        MissingInput("plan", ids["beta"], "Beta", 2026),
        MissingInput("margin", ids["beta"], "Beta"),
    }


def test_a_kam_with_no_cost_of_their_own_gets_the_programme_default_and_is_named(store):
    engine, ids = store
    with db.session_scope(engine) as session:
        session.get(Account, ids["beta"]).kam_id = ids["lou"]
    with Session(engine) as session:
        inputs = read_roi_inputs(session, TODAY)
    lou = next(kam for kam in inputs.kams if kam.kam_id == ids["lou"])
    assert (lou.yearly_cost, lou.share_pct, lou.own_cost) == (150_000, 80, False)
    result = compute_roi(inputs)
    assert MissingInput("kam_cost", kam_id=ids["lou"], kam="Lou") in result.missing
    assert result.year(2024).kam_cost == pytest.approx(50_000 + 120_000)


def test_no_start_year_reads_no_account_and_names_it(store):
    engine, _ = store
    with db.session_scope(engine) as session:
        session.get(Programme, 1).start_year = None
    with Session(engine) as session:
        inputs = read_roi_inputs(session, TODAY)
    assert inputs.start_year is None and inputs.accounts == () and inputs.kams == ()
    assert compute_roi(inputs).missing == (MissingInput("start_year"),)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ('{"meeting": 3, "visit": 8.5}', {"meeting": 3.0, "visit": 8.5}),
        ('{"meeting": -1, "visit": "x", "call": true, "qbr": 4}', {"qbr": 4.0}),  # unreadable kinds left out
        ("not json", {}),
        ("[1, 2]", {}),
        (None, {}),
    ],
)
def test_meeting_hours_keeps_only_readable_hours(text, hours):
    assert meeting_hours(text) == hours


def test_the_reader_keeps_the_result_until_a_write(store, monkeypatch, empty_url):
    from kam_core.ui import readers

    engine, ids = store
    monkeypatch.setenv("KAM_DATABASE_URL", empty_url)
    readers.clear()
    first = readers.roi_result()
    assert first.payback_year == 2026 and first.start_year == 2024
    assert readers.roi_result() is first  # kept: a rerun computes nothing
    assert readers.roi_inputs().start_year == 2024
    members = readers.programme_members()
    assert dict(zip(members["account_id"], members["entry_year"], strict=True)) == {
        ids["alpha"]: 2024,
        ids["beta"]: 2025,
    }
    with db.session_scope(engine) as session:
        session.get(Account, ids["beta"]).margin_pct = 30.0
    readers.written()  # what a save of the app does after writing
    second = readers.roi_result()
    assert second is not first
    assert MissingInput("margin", ids["beta"], "Beta") not in second.missing
    assert second.year(2025).incremental_margin == pytest.approx(59_500 + 75_000 * 0.30)
