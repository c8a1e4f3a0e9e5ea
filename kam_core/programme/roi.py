"""The programme's return on investment (the book, chapter 2: demonstrate the approach and calculate
its return), per calendar year of a horizon: year 0 is the year before the programme started, then
``horizon_years`` years from its start.

Plain data in, plain data out: ``RoiInputs`` is read from the store by
``kam_core.programme.roi_inputs``; the model itself touches no store and no streamlit, so it is
tested against hand-computed examples (docs/method.md writes one out with every figure).

The formulas (docs/method.md, "The programme's return on investment"):
- baseline(account, y) = revenue(account, entry year − 1) × (1 + organic growth)^(y − (entry year − 1))
- revenue(account, y) = for a closed year, the recorded revenue of y (none: a missing input, named, that
  counts no increment); from the current year on, the plan's revenue ambition for y, else the baseline
  (no increment; the missing plan named). A revenue recorded for the current year is to date (a CRM
  import sets it to the year's lines so far): a forecast year reads the plan, not it
- incremental revenue = revenue − baseline, for the years from the account's entry year on
- incremental margin = incremental revenue × the account's margin (the programme's default when none)
- cost = KAMs (loaded yearly cost × share of time on the programme) + executives' time (meetings × hours
  per kind × hourly cost) + other yearly costs (tools, training, events), from the start year on
- ROI = (incremental margin − cost) / cost, per year and cumulative; payback year = the first year the
  cumulative margin reaches the cumulative cost

The rules this module decides (docs/method.md states them too):
- The years: year 0 (``start_year − 1``), then ``start_year`` .. ``start_year + horizon_years − 1``. Costs
  count from the start year on; a year is a forecast from the current year on.
- An account's entry year before the programme's start counts as the start year. Its base year is the
  year before its entry year; from its base year on it is in the year's sums (in its base year with
  revenue = baseline: no increment); before its base year it is in none of them. Years before its entry
  year count no increment for it.
- Its base revenue is its revenue of its base year as above: recorded for a closed year, the plan's
  ambition when its base year is the current one or later (an account entering next year); with none,
  it is named ("baseline_revenue") and the account counts no increment in any year (it is left out of
  the year's baseline and revenue sums), its costs still count.
- KAM cost is counted for the KAMs with at least one account in the programme, every year from the start
  year on (today's KAMs and today's accounts: the store keeps no history of who managed what).
  In an account's contribution, its KAM's programme cost is shared equally among that KAM's accounts in
  the programme (so the accounts' KAM costs add up to the programme's); an account with no KAM is named
  ("no_kam") and bears none.
- Executives' time counts for an account from its entry year on: meetings of a year × hours of their kind
  × the hourly cost; a kind with no hours set is named ("meeting_hours") and counts no hours.
- Other costs (tools, training, events) are programme-level: not allocated to accounts.
- The payback year is the first year from the start year on whose cumulative margin is at least its
  cumulative cost; None: not within the horizon.
- "Returned so far" (``RoiResult.so_far``) is the cumulative through the last closed year
  (``current_year − 1``), or the horizon's last year when the horizon is over.
- Defaults are named too, so the director sees what was assumed: an account with no margin of its own
  ("margin": the programme's default applies), a KAM with no cost of their own ("kam_cost").
- Sensitivity: the base case, organic growth −2 and +2 points, every margin (own or default) −5 and +5
  points; each gives the cumulative ROI at the horizon's end and the payback year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Where a revenue figure of a year comes from
REVENUE_SOURCES = ("recorded", "plan", "baseline", "missing", "before_entry")
# Other yearly costs of the programme, in the order shown
OTHER_COSTS = ("tools_cost", "training_cost", "events_cost")
# What can be named as missing (or as a default that was applied), in the order they are named
MISSING_CODES = (
    "start_year",  # the programme's start year: nothing can be computed without it
    "baseline_revenue",  # an account's revenue in its base year (the year before it entered)
    "past_revenue",  # an account's revenue of a closed year of the horizon
    "plan",  # an account's revenue ambition for a year from the current one on (the baseline is used)
    "margin",  # an account with no margin of its own (the programme's default is used)
    "no_kam",  # an account in the programme with no KAM (no KAM cost for it)
    "kam_cost",  # a KAM with no yearly cost of their own (the programme's default is used)
    "meeting_hours",  # executive meetings of a kind with no hours set (counted no hours)
    "no_meetings",  # a closed year with no executive meeting recorded for any account (no executive time)
)
# The sensitivity cases: (organic growth shift, margin shift) in points, the base case first
SENSITIVITY_SHIFTS = ((0.0, 0.0), (-2.0, 0.0), (2.0, 0.0), (0.0, -5.0), (0.0, 5.0))


@dataclass(frozen=True)
class AccountInputs:
    """One account in the programme, as the model needs it."""

    account_id: int
    name: str
    segment: str  # today's segment (a code of kam_core.portfolio.segmentation)
    entry_year: int | None  # the year it entered the programme (its own, else the programme's start year)
    revenue: Mapping[int, float]  # recorded revenue per year
    ambition: Mapping[int, float]  # the account plan's revenue ambition per year
    margin_pct: float | None  # None: the programme's default margin applies (and is named as such)
    kam_id: int | None
    # year -> engagement kind -> number of executive meetings counted that year (held in past years,
    # held or planned in the current year, planned ahead)
    meetings: Mapping[int, Mapping[str, int]]


@dataclass(frozen=True)
class KamCost:
    kam_id: int
    name: str
    yearly_cost: float  # loaded yearly cost (the KAM's own, else the programme's default)
    share_pct: float  # share of their time on the programme (own, else default)
    own_cost: bool  # False when the programme's default was used (named in the inputs)


@dataclass(frozen=True)
class RoiInputs:
    currency: str
    start_year: int | None  # None: the ROI cannot be computed; named as the first missing input
    horizon_years: int
    current_year: int
    organic_growth_pct: float
    default_margin_pct: float
    executive_hour_cost: float
    meeting_hours: Mapping[str, float]  # engagement kind -> executive hours per meeting
    other_costs: Mapping[str, float]  # OTHER_COSTS -> yearly amount
    kams: tuple[KamCost, ...]
    accounts: tuple[AccountInputs, ...]


@dataclass(frozen=True)
class MissingInput:
    """An input the model needed and did not find: named on the page with where to give it."""

    code: str  # one of MISSING_CODES
    account_id: int | None = None
    account: str | None = None
    year: int | None = None
    kam_id: int | None = None  # "kam_cost": the KAM whose cost is the programme's default
    kam: str | None = None
    kind: str | None = None  # "meeting_hours": the engagement kind with no hours set


@dataclass(frozen=True)
class YearResult:
    year: int
    baseline: float  # sum of the accounts' baselines
    revenue: float  # sum of the accounts' revenue as the model counts it
    incremental_revenue: float
    incremental_margin: float
    kam_cost: float
    executive_cost: float
    other_cost: float
    cumulative_margin: float
    cumulative_cost: float
    forecast: bool  # True from the current year on (plans, not records)

    @property
    def cost(self) -> float:
        return self.kam_cost + self.executive_cost + self.other_cost

    @property
    def roi(self) -> float | None:
        return (self.incremental_margin - self.cost) / self.cost if self.cost else None

    @property
    def cumulative_roi(self) -> float | None:
        return (self.cumulative_margin - self.cumulative_cost) / self.cumulative_cost if self.cumulative_cost else None


@dataclass(frozen=True)
class AccountContribution:
    """What one account brought and cost over the horizon's years (other costs are not allocated)."""

    account_id: int
    name: str
    segment: str
    entry_year: int
    base_revenue: float | None  # its revenue in the year before it entered (None: missing)
    incremental_revenue: float
    incremental_margin: float
    kam_cost: float  # its KAM's programme cost shared equally among the KAM's programme accounts
    executive_cost: float

    @property
    def net(self) -> float:
        return self.incremental_margin - self.kam_cost - self.executive_cost


@dataclass(frozen=True)
class Sensitivity:
    growth_shift_pts: float  # organic growth moved by this many points
    margin_shift_pts: float  # every margin moved by this many points
    cumulative_roi: float | None  # at the horizon's end
    payback_year: int | None


@dataclass(frozen=True)
class RoiResult:
    years: tuple[YearResult, ...]
    accounts: tuple[AccountContribution, ...]
    payback_year: int | None  # None: not within the horizon
    sensitivity: tuple[Sensitivity, ...]  # the base case first, then growth ±2 points and margin ±5 points
    missing: tuple[MissingInput, ...]
    start_year: int | None = None
    current_year: int | None = None
    currency: str = ""

    def year(self, year: int) -> YearResult | None:
        return next((row for row in self.years if row.year == year), None)

    @property
    def last_closed_year(self) -> int | None:
        return self.current_year - 1 if self.current_year is not None else None

    @property
    def so_far(self) -> YearResult | None:
        """The cumulative figures returned so far: the row of the last closed year (the horizon's last
        when the horizon is over); None when no year of the programme is closed yet."""
        if self.start_year is None or self.current_year is None:
            return None
        closed = [row for row in self.years if self.start_year <= row.year < self.current_year]
        return closed[-1] if closed else None

    @property
    def at_horizon(self) -> YearResult | None:
        """The horizon's last year: its cumulative figures are the programme's over the whole horizon."""
        return self.years[-1] if self.years else None


# --- the model ------------------------------------------------------------------------------------


@dataclass
class _Run:
    years: tuple[YearResult, ...]
    accounts: tuple[AccountContribution, ...]
    payback_year: int | None


@dataclass
class _AccountFacts:
    """What does not move with the sensitivity's shifts, worked out once per account."""

    account: AccountInputs
    entry: int
    base_year: int
    base_revenue: float | None
    margin_pct: float  # its own, else the programme's default
    revenue: dict[int, float | None]  # year (after the base year) -> revenue read; None: the baseline
    kam_cost: float  # a year's share of its KAM's programme cost
    executive: dict[int, float]  # year (from the entry year) -> executives' time


@dataclass
class _Facts:
    years: list[int]
    accounts: list[_AccountFacts]
    kam_cost: float  # a year's, from the start year on
    other_cost: float  # a year's, from the start year on
    missing: tuple[MissingInput, ...]


def compute_roi(inputs: RoiInputs) -> RoiResult:
    """The programme's return on investment over its horizon (the module's docstring gives the rules)."""
    if inputs.start_year is None:
        return RoiResult(
            years=(),
            accounts=(),
            payback_year=None,
            sensitivity=(),
            missing=(MissingInput("start_year"),),
            start_year=None,
            current_year=inputs.current_year,
            currency=inputs.currency,
        )
    facts = _facts(inputs)
    base = _run(inputs, facts, 0.0, 0.0)
    sensitivity = []
    for growth_shift, margin_shift in SENSITIVITY_SHIFTS:
        run = base if (growth_shift, margin_shift) == (0.0, 0.0) else _run(inputs, facts, growth_shift, margin_shift)
        sensitivity.append(Sensitivity(growth_shift, margin_shift, run.years[-1].cumulative_roi, run.payback_year))
    return RoiResult(
        years=base.years,
        accounts=base.accounts,
        payback_year=base.payback_year,
        sensitivity=tuple(sensitivity),
        missing=facts.missing,
        start_year=inputs.start_year,
        current_year=inputs.current_year,
        currency=inputs.currency,
    )


def _revenue_of(account: AccountInputs, year: int, current_year: int) -> tuple[float | None, str]:
    """An account's revenue of a year and where it comes from: a closed year's is recorded ("missing"
    when it is not); from the current year on, the plan's ("baseline" when there is none: the caller uses
    the baseline and names the plan missing). A figure recorded for the current year is to date, not the
    year's: not read."""
    if year < current_year:
        recorded = account.revenue.get(year)
        return (None, "missing") if recorded is None else (float(recorded), "recorded")
    planned = account.ambition.get(year)
    return (None, "baseline") if planned is None else (float(planned), "plan")


def _facts(inputs: RoiInputs) -> _Facts:
    start = int(inputs.start_year)
    years = list(range(start - 1, start + inputs.horizon_years))
    current = inputs.current_year
    missing: list[MissingInput] = []

    kams = {kam.kam_id: kam for kam in inputs.kams}
    accounts_of_kam: dict[int, int] = {}
    for account in inputs.accounts:
        if account.kam_id is not None and account.kam_id in kams:
            accounts_of_kam[account.kam_id] = accounts_of_kam.get(account.kam_id, 0) + 1
    kam_yearly = {kam_id: kams[kam_id].yearly_cost * kams[kam_id].share_pct / 100.0 for kam_id in accounts_of_kam}

    accounts = []
    for account in inputs.accounts:
        entry = max(int(account.entry_year if account.entry_year is not None else start), start)
        base_year = entry - 1
        if account.margin_pct is None:
            missing.append(MissingInput("margin", account.account_id, account.name))
        base_revenue, _ = _revenue_of(account, base_year, current)
        if base_revenue is None:
            missing.append(MissingInput("baseline_revenue", account.account_id, account.name, base_year))
        if account.kam_id is None or account.kam_id not in kam_yearly:
            missing.append(MissingInput("no_kam", account.account_id, account.name))
            kam_cost = 0.0
        else:
            kam_cost = kam_yearly[account.kam_id] / accounts_of_kam[account.kam_id]
        revenue: dict[int, float | None] = {}
        executive: dict[int, float] = {}
        for year in years:
            if year >= entry:
                executive[year] = _executive_cost(inputs, account.meetings.get(year, {}), missing)
            if year > base_year:
                revenue[year], source = _revenue_of(account, year, current)
                if revenue[year] is None:
                    code = "plan" if source == "baseline" else "past_revenue"
                    missing.append(MissingInput(code, account.account_id, account.name, year))
        own = account.margin_pct
        accounts.append(
            _AccountFacts(
                account=account,
                entry=entry,
                base_year=base_year,
                base_revenue=base_revenue,
                margin_pct=float(own if own is not None else inputs.default_margin_pct),
                revenue=revenue,
                kam_cost=kam_cost,
                executive=executive,
            )
        )

    for year in years:
        if start <= year < current and inputs.accounts:
            met = sum(sum(account.meetings.get(year, {}).values()) for account in inputs.accounts)
            if not met:  # a closed year with no meeting: executives' time counts nothing, and is named
                missing.append(MissingInput("no_meetings", year=year))
    for kam_id in sorted(accounts_of_kam, key=lambda kam_id: kams[kam_id].name):
        if not kams[kam_id].own_cost:
            missing.append(MissingInput("kam_cost", kam_id=kam_id, kam=kams[kam_id].name))
    order = {code: position for position, code in enumerate(MISSING_CODES)}
    named = sorted(dict.fromkeys(missing), key=lambda item: order[item.code])  # stable: accounts' order kept
    return _Facts(
        years=years,
        accounts=accounts,
        kam_cost=sum(kam_yearly.values()),
        other_cost=sum(float(inputs.other_costs.get(name) or 0.0) for name in OTHER_COSTS),
        missing=tuple(named),
    )


def _run(inputs: RoiInputs, facts: _Facts, growth_shift: float, margin_shift: float) -> _Run:
    start = int(inputs.start_year)
    years = facts.years
    growth = 1.0 + (inputs.organic_growth_pct + growth_shift) / 100.0
    costed_years = sum(1 for year in years if year >= start)
    sums = {year: [0.0, 0.0, 0.0, 0.0, 0.0] for year in years}  # baseline, revenue, increment, margin, executive
    contributions: list[AccountContribution] = []
    for fact in facts.accounts:
        margin = (fact.margin_pct + margin_shift) / 100.0
        for year, executive in fact.executive.items():
            sums[year][4] += executive
        increment_total = 0.0
        base_revenue = fact.base_revenue
        if base_revenue is not None:  # with none: no increment, and in none of the year's sums
            for year in years:
                if year < fact.base_year:
                    continue  # before its base year it is in none of the year's sums
                baseline = base_revenue * growth ** (year - fact.base_year)
                revenue = fact.revenue.get(year)
                if revenue is None:  # its base year, or no revenue read: the baseline, no increment
                    revenue = baseline
                increment = revenue - baseline
                row = sums[year]
                row[0] += baseline
                row[1] += revenue
                row[2] += increment
                row[3] += increment * margin
                increment_total += increment
        contributions.append(
            AccountContribution(
                account_id=fact.account.account_id,
                name=fact.account.name,
                segment=fact.account.segment,
                entry_year=fact.entry,
                base_revenue=base_revenue,
                incremental_revenue=increment_total,
                incremental_margin=increment_total * margin,
                kam_cost=fact.kam_cost * costed_years,
                executive_cost=sum(fact.executive.values()),
            )
        )

    rows: list[YearResult] = []
    cumulative_margin = cumulative_cost = 0.0
    payback_year = None
    for year in years:
        counted = year >= start
        kam_cost = facts.kam_cost if counted else 0.0
        other_cost = facts.other_cost if counted else 0.0
        baseline, revenue, increment, margin, executive_cost = sums[year]
        cumulative_margin += margin
        cumulative_cost += kam_cost + executive_cost + other_cost
        rows.append(
            YearResult(
                year=year,
                baseline=baseline,
                revenue=revenue,
                incremental_revenue=increment,
                incremental_margin=margin,
                kam_cost=kam_cost,
                executive_cost=executive_cost,
                other_cost=other_cost,
                cumulative_margin=cumulative_margin,
                cumulative_cost=cumulative_cost,
                forecast=year >= inputs.current_year,
            )
        )
        if payback_year is None and counted and cumulative_margin >= cumulative_cost:
            payback_year = year
    return _Run(tuple(rows), tuple(contributions), payback_year)


def _executive_cost(inputs: RoiInputs, meetings: Mapping[str, int], missing: list[MissingInput]) -> float:
    hours = 0.0
    for kind, count in meetings.items():
        if not count:
            continue
        per_meeting = inputs.meeting_hours.get(kind)
        if per_meeting is None:
            missing.append(MissingInput("meeting_hours", kind=kind))
            continue
        hours += count * float(per_meeting)
    return hours * inputs.executive_hour_cost
