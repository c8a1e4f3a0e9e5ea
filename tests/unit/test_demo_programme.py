"""The demo's programme as a business case (kam_core.demo.programme_case): a programme started two years
ago (its year 0 the demo's first year of revenue), its ambition, the six ready-made targets and a custom
one with its actuals, each strategic account's revenue ambition for the next three years consistent with
its revenue objective, a few late entrants, KAMs with their own cost, a budget line a little above the
ambitions, the company's dates in the coming months — in English and in French, computed from today."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from kam_core.demo import data
from kam_core.demo.programme_case import BUDGET_ABOVE_AMBITIONS, LATE_ENTRANTS, STALE_PLANS
from kam_core.demo.seed import seed_demo
from kam_core.portfolio import overview
from kam_core.programme import cycle, membership
from kam_core.store import db
from kam_core.store import models as m
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory, databases):
    url = databases.demo(tmp_path_factory.mktemp("demo_programme"))
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        table = overview.account_table(session, TODAY)
        yield session, table
    engine.dispose()
    databases.drop(url)


def _strategic_ids(table) -> set[int]:
    return {int(i) for i in table[(table.segment == "strategic") & (table.status == "active")].account_id}


def test_the_programme_started_two_years_ago_with_a_year_of_revenue_before(demo):
    session, _table = demo
    programme = session.get(m.Programme, 1)
    assert programme.start_year == TODAY.year - 2
    years = set(session.exec(select(m.AccountYear.year)).all())
    assert years == {TODAY.year - 3, TODAY.year - 2, TODAY.year - 1}  # the ROI's year 0 has revenue
    assert programme.start_year - 1 in years and programme.horizon_years == 5
    assert (programme.organic_growth_pct, programme.kam_yearly_cost, programme.events_cost) == (4.0, 180_000, 400_000)
    assert len(programme.ambition) > 80 and len(programme.final_ambition) > 80
    assert "co-creat" not in programme.ambition and "value" in programme.final_ambition.lower()


def test_six_ready_made_targets_and_a_custom_one_with_past_actuals(demo):
    session, table = demo
    targets = session.exec(select(m.ProgrammeTarget).order_by(m.ProgrammeTarget.position)).all()
    assert [target.metric for target in targets] == list(m.TARGET_METRICS)
    for target in targets:
        assert (target.baseline_year, target.target_year) == (TODAY.year - 3, TODAY.year + 2)
        assert target.target_value > target.baseline_value and target.name and target.unit
    # the strategic revenue share's baseline is the data's: the strategic accounts' share in year 0
    share = targets[0]
    revenue = session.exec(select(m.AccountYear).where(m.AccountYear.year == share.baseline_year)).all()
    strategic = _strategic_ids(table)
    expected = 100 * sum(r.revenue for r in revenue if r.account_id in strategic) / sum(r.revenue for r in revenue)
    assert share.baseline_value == round(expected)
    custom = targets[-1]
    actuals = session.exec(select(m.TargetActual).order_by(m.TargetActual.year)).all()
    assert {actual.target_id for actual in actuals} == {custom.id}
    assert [actual.year for actual in actuals] == list(range(custom.baseline_year, TODAY.year))  # closed years
    assert actuals[0].value == custom.baseline_value and actuals[-1].value > actuals[0].value


def test_every_strategic_account_has_its_ambition_for_the_next_three_years(demo):
    session, table = demo
    ambitions: dict[int, dict[int, float]] = {}
    for row in session.exec(select(m.RevenueAmbition)).all():
        ambitions.setdefault(row.account_id, {})[row.year] = row.amount
    strategic = _strategic_ids(table)
    assert 10 <= len(strategic) <= 12 and set(ambitions) == strategic
    last = {r.account_id: r.revenue for r in session.exec(select(m.AccountYear)) if r.year == TODAY.year - 1}
    checked = 0
    for account_id, years in ambitions.items():
        assert sorted(years) == [TODAY.year, TODAY.year + 1, TODAY.year + 2]
        plan = [last[account_id]] + [years[year] for year in sorted(years)]
        assert all(later > earlier for earlier, later in zip(plan, plan[1:])), plan  # growing every year
        objective = session.exec(
            select(m.Objective).where(m.Objective.account_id == account_id, m.Objective.kind == "revenue")
        ).first()
        target = re.match(r"(\d+(?:[.,]\d)?) M", objective.target) if objective is not None else None
        if target is not None and objective.due_date.year in years:
            # the revenue objective's target ("24.2 M EUR a year") is the ambition of its due year
            goal = float(target.group(1).replace(",", ".")) * 1e6
            assert abs(years[objective.due_date.year] - goal) <= 5_000  # the ambition is rounded to 10,000
            checked += 1
    assert checked >= 5


def test_late_entrants_own_costs_budget_and_dates(demo):
    session, table = demo
    programme = session.get(m.Programme, 1)
    accounts = session.exec(select(m.Account)).all()
    late = [a.id for a in accounts if a.programme_since is not None]
    assert len(late) == LATE_ENTRANTS and set(late) <= _strategic_ids(table)
    assert {a.programme_since for a in accounts} == {None, programme.start_year + 1}
    kams = session.exec(select(m.Kam)).all()
    own = [k for k in kams if k.yearly_cost is not None]
    assert 1 <= len(own) < len(kams) and all(k.programme_share_pct is not None for k in own)
    assert programme.budget_year == TODAY.year + 1
    planned = sum(
        session.exec(select(m.RevenueAmbition.amount).where(m.RevenueAmbition.year == programme.budget_year)).all()
    )
    assert planned < programme.budget_amount <= planned * BUDGET_ABOVE_AMBITIONS + 100_000
    assert TODAY < programme.strategic_plan_on < programme.budget_on <= TODAY + timedelta(days=183)


def test_the_french_demo_names_its_ambition_and_targets_in_french(tmp_path, databases):
    url = databases.empty(tmp_path)
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            seed_demo(session, today=TODAY, language="fr")
        with db.session_scope(engine) as session:
            programme = session.get(m.Programme, 1)
            names = session.exec(select(m.ProgrammeTarget.name).order_by(m.ProgrammeTarget.position)).all()
        assert "clients" in programme.ambition and "valeur" in programme.final_ambition
        assert names[0].startswith("Chiffre d'affaires") and names[-1] == "Projets d'innovation conjoints"
    finally:
        engine.dispose()
        databases.drop(url)


def test_two_plans_were_last_touched_before_the_last_cycle_and_are_late(demo):
    """The demo is written in one go; the yearly cycle reads a plan's last change from the history, so the
    history of two strategic plans is dated back a year and more: they, and only they, are late."""
    session, table = demo
    members = membership.programme_accounts(membership.with_programme_since(session, table), TODAY.year - 2)
    lines = cycle.account_lines(members, cycle.read_cycle_facts(session, TODAY), cycle.read_calendar(session), TODAY)
    plans = lines[lines["item"] == "plan"]
    names = {spec.key: spec.name for spec in data.ACCOUNTS}
    assert set(plans.loc[plans["status"] == "late", "name"]) == {names[key] for key in STALE_PLANS}
    assert set(plans["status"]) == {"done", "late"}
