"""The demo's programme as a business case (``seed_demo``'s last step): a programme started two years
ago, so that its return on investment has a past (the J curve) and a future.

Everything is computed from ``today`` and the rows the seed made before, without drawing from the seed's
random source (the other tables stay exactly as they were):

- the programme: ``start_year`` = today.year − 2 (its year 0, today.year − 3, is the first year the demo
  has revenue for), a five-year horizon, the company's ambition and final ambition (value co-creation),
  the ROI's inputs (``ROI_INPUTS``: organic growth 4 %, half the strategic accounts' growth; costs of a
  programme of this size, so that its first year costs more than it returns and it pays back in its
  second: a J curve), the key-account budget line for next year a little above the sum
  of the strategic accounts' ambitions (``BUDGET_ABOVE_AMBITIONS``), the strategic plan and budget dates
  in the coming weeks (the plans already due, next year's budget frozen before it starts);
- the six ready-made targets and one custom target (joint innovation projects, with its actuals typed
  for the years already closed), baseline in year 0, target at the horizon's end;
- each strategic account's revenue ambition for today.year .. today.year + 2 (``RevenueAmbition``): from
  its last closed year's revenue to its revenue objective's target by that objective's due year, then on
  at the account's own growth; an account without such an objective grows at its own growth;
- ``LATE_ENTRANTS`` strategic accounts entered the programme a year after its start (``programme_since``);
- two KAMs have their own yearly cost and share of time (the others take the programme's);
- the history of ``STALE_PLANS``' plans is dated ``STALE_PLAN_DAYS`` back: the demo is written in one go,
  a real programme's plans over the years, and the yearly cycle reads "plan not updated since the last
  cycle" from that history — without it no demo plan could ever be late.

A programme row that already has a start year (a database whose director set it) keeps its settings.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import select, update

from kam_core.demo import data, data_fr
from kam_core.demo.context import _money, _quadrant, _Seed, _workday
from kam_core.programme.cycle import PLAN_TABLES
from kam_core.store import models as m

HORIZON_YEARS = 5
AMBITION_YEARS = 3  # today.year .. today.year + 2
BUDGET_ABOVE_AMBITIONS = 1.04  # the budget line asks 4 % more than the plans add up to
STRATEGIC_PLAN_IN_DAYS = 10  # the account plans were due 35 days ago (45 days before it, by default)
BUDGET_IN_DAYS = 21  # next year's budget frozen before that year starts; handshakes were due 9 days ago
LATE_ENTRANTS = 3
# The programme's ROI inputs (the others keep their defaults: margin 25 %, KAMs' share 80 %, meeting hours)
ROI_INPUTS = {
    "organic_growth_pct": 4.0,
    "kam_yearly_cost": 180_000.0,
    "executive_hour_cost": 400.0,
    "tools_cost": 150_000.0,
    "training_cost": 250_000.0,
    "events_cost": 400_000.0,
}
# KAM key -> (yearly cost, share of time on the programme %)
KAM_COSTS = {"okafor": (185_000.0, 100.0), "whitfield": (140_000.0, 60.0)}
# metric -> (baseline, target); the strategic revenue share's baseline is computed from the data
TARGET_VALUES = {
    "strategic_growth_ratio": (1.0, 2.0),
    "handshake_coverage": (10.0, 80.0),
    "sponsor_coverage": (60.0, 100.0),
    "plans_filled": (40.0, 100.0),
    "strategic_per_kam": (1.5, 3.0),
    "custom": (1.0, 8.0),
}
SYMBOL_UNITS = {
    "strategic_revenue_share": "%",
    "strategic_growth_ratio": "×",
    "handshake_coverage": "%",
    "sponsor_coverage": "%",
    "plans_filled": "%",
}
SHARE_TARGET_POINTS = 5.0  # the strategic revenue share's target: its baseline + 5 points
STALE_PLANS = ("voltera", "medivance")  # strategic accounts whose plan was last touched over a year ago
STALE_PLAN_DAYS = 400
CUSTOM_ACTUALS = (1.0, 2.0, 4.0)  # joint innovation projects in year 0, then each closed year since


def strategic_keys(ctx: _Seed) -> list[str]:
    """The demo accounts planned as Strategic today (active, current scores in the Strategic quadrant)."""
    return [spec.key for spec in data.ACCOUNTS if spec.status == "active" and _quadrant(*spec.cur) == "strategic"]


def seed_programme_case(ctx: _Seed) -> None:
    programme = ctx.session.get(m.Programme, 1)
    strategic = strategic_keys(ctx)
    ambitions = _ambitions(ctx, strategic)
    ctx.add(ambitions)
    for key in _late_entrants(strategic):
        ctx.accounts[key].programme_since = ctx.today.year - 1
    for key, (cost, share) in KAM_COSTS.items():
        kam = ctx.kams[key]
        if kam.yearly_cost is None and kam.programme_share_pct is None:
            kam.yearly_cost, kam.programme_share_pct = cost, share
    if programme.start_year is None:
        _programme(ctx, programme, ambitions)
        ctx.add(_targets(ctx, strategic))
    ctx.flush()
    _date_back_stale_plans(ctx)


def _date_back_stale_plans(ctx: _Seed) -> None:
    """The history of the plans of ``STALE_PLANS`` (written by the flushes above) dated a year and more back."""
    written = datetime.combine(ctx.today - timedelta(days=STALE_PLAN_DAYS), time(9, 30), tzinfo=UTC)
    ids = [ctx.accounts[key].id for key in STALE_PLANS]
    ctx.session.execute(
        update(m.AuditEntry)
        .where(m.AuditEntry.account_id.in_(ids), m.AuditEntry.table_name.in_(PLAN_TABLES))
        .values(at=written)
    )


def _programme(ctx: _Seed, programme: m.Programme, ambitions: list[m.RevenueAmbition]) -> None:
    texts = data_fr if ctx.language == "fr" else data
    budget_year = ctx.today.year + 1
    planned = sum(row.amount for row in ambitions if row.year == budget_year)
    programme.ambition = texts.PROGRAMME_AMBITION
    programme.final_ambition = texts.PROGRAMME_FINAL_AMBITION
    programme.start_year = ctx.today.year - 2
    programme.horizon_years = HORIZON_YEARS
    for name, value in ROI_INPUTS.items():
        setattr(programme, name, value)
    programme.budget_year = budget_year
    programme.budget_amount = _money(planned * BUDGET_ABOVE_AMBITIONS, 100_000)
    programme.strategic_plan_on = _workday(ctx.today + timedelta(days=STRATEGIC_PLAN_IN_DAYS))
    programme.budget_on = _workday(ctx.today + timedelta(days=BUDGET_IN_DAYS))


def _late_entrants(strategic: list[str]) -> list[str]:
    """The strategic accounts that entered a year after the start: those that were not Strategic last
    quarter first, then the smallest by spend."""
    specs = {spec.key: spec for spec in data.ACCOUNTS}

    def newcomer_first(key: str) -> tuple[bool, float, str]:
        spec = specs[key]
        return (_quadrant(*(spec.prev or spec.cur)) == "strategic", spec.spend, key)

    return sorted(strategic, key=newcomer_first)[:LATE_ENTRANTS]


def _ambitions(ctx: _Seed, strategic: list[str]) -> list[m.RevenueAmbition]:
    closed = ctx.today.year - 1
    rows = []
    for key in strategic:
        revenue, own_growth = ctx.revenue[key], ctx.specs[key].growth
        goal = ctx.revenue_goals.get(key)
        if goal is not None and revenue > 0:
            target, due_year = goal
            steps = max(1, due_year - closed)
            growth = (target / revenue) ** (1 / steps) - 1
        else:
            due_year, growth = closed, own_growth
        for year in range(ctx.today.year, ctx.today.year + AMBITION_YEARS):
            towards_goal = min(year, due_year) - closed
            after_goal = year - closed - towards_goal
            amount = revenue * (1 + growth) ** towards_goal * (1 + own_growth) ** after_goal
            rows.append(m.RevenueAmbition(account_id=ctx.accounts[key].id, year=year, amount=_money(amount, 10_000)))
    return rows


def _strategic_share(ctx: _Seed, strategic: list[str], year: int) -> float:
    """The strategic accounts' share of the revenue recorded for ``year``, in %, whole."""
    ids = {ctx.accounts[key].id for key in strategic}
    years = ctx.session.exec(select(m.AccountYear).where(m.AccountYear.year == year)).all()
    total = sum(row.revenue for row in years)
    mine = sum(row.revenue for row in years if row.account_id in ids)
    return float(round(100 * mine / total)) if total else 0.0


def _targets(ctx: _Seed, strategic: list[str]) -> list:
    texts = data_fr if ctx.language == "fr" else data
    baseline_year = ctx.today.year - 3
    target_year = baseline_year + HORIZON_YEARS
    share = _strategic_share(ctx, strategic, baseline_year)
    values = {"strategic_revenue_share": (share, share + SHARE_TARGET_POINTS), **TARGET_VALUES}
    targets = []
    for position, metric in enumerate(m.TARGET_METRICS):
        name, unit = texts.TARGET_NAMES[metric], texts.TARGET_UNITS.get(metric, SYMBOL_UNITS.get(metric, ""))
        baseline, target = values[metric]
        targets.append(
            m.ProgrammeTarget(
                metric=metric,
                name=name,
                unit=unit,
                baseline_value=baseline,
                baseline_year=baseline_year,
                target_value=target,
                target_year=target_year,
                position=position,
            )
        )
    ctx.add(targets)
    ctx.flush()
    custom = targets[m.TARGET_METRICS.index("custom")]
    return [
        m.TargetActual(target_id=custom.id, year=baseline_year + back, value=value)
        for back, value in enumerate(CUSTOM_ACTUALS)
    ]
