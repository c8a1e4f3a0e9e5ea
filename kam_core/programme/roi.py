"""The programme's return on investment (the book, chapter 2: demonstrate the approach and calculate
its return), per calendar year of a horizon: year 0 is the year before the programme started, then
``horizon_years`` years from its start.

Plain data in, plain data out: ``RoiInputs`` is read from the store by
``kam_core.programme.roi_inputs``; the model itself touches no store and no streamlit, so it is
tested against hand-computed examples (docs/method.md writes one out with every figure).

The formulas (docs/method.md, "The programme's return on investment"):
- baseline(account, y) = revenue(account, entry year − 1) × (1 + organic growth)^(y − (entry year − 1))
- revenue(account, y) = the recorded revenue of y when there is one; for a year with none that is not
  past, the plan's revenue ambition for y, else the baseline (no increment); a past year with none is a
  missing input, named, and counts no increment
- incremental revenue = revenue − baseline, for the years from the account's entry year on
- incremental margin = incremental revenue × the account's margin (the programme's default when none)
- cost = KAMs (loaded yearly cost × share of time on the programme) + executives' time (meetings × hours
  per kind × hourly cost) + other yearly costs (tools, training, events), from the start year on
- ROI = (incremental margin − cost) / cost, per year and cumulative; payback year = the first year the
  cumulative margin reaches the cumulative cost
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Where a revenue figure of a year comes from
REVENUE_SOURCES = ("recorded", "plan", "baseline", "missing", "before_entry")
# Other yearly costs of the programme, in the order shown
OTHER_COSTS = ("tools_cost", "training_cost", "events_cost")


@dataclass(frozen=True)
class AccountInputs:
    """One account in the programme, as the model needs it."""

    account_id: int
    name: str
    segment: str  # today's segment (a code of kam_core.portfolio.segmentation)
    entry_year: int  # the year it entered the programme (its own, else the programme's start year)
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

    code: str  # e.g. "start_year", "baseline_revenue", "past_revenue", "plan", "margin", "kam_cost"
    account_id: int | None = None
    account: str | None = None
    year: int | None = None


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

    def year(self, year: int) -> YearResult | None:
        return next((row for row in self.years if row.year == year), None)
