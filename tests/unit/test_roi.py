"""The programme's return on investment: who is in the programme, and the ROI model against a worked
example computed by hand (the same one docs/method.md writes out), with properties of the model."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest import approx

from kam_core.programme.membership import programme_account_ids, programme_accounts
from kam_core.programme.roi import (
    OTHER_COSTS,
    AccountInputs,
    KamCost,
    MissingInput,
    RoiInputs,
    compute_roi,
)

# --- membership ---------------------------------------------------------------------------------


def _table(rows):
    return pd.DataFrame(rows, columns=["account_id", "segment", "status", "programme_since"]).astype(
        {"programme_since": "Int64"}
    )


def test_strategic_active_accounts_and_those_entered_by_hand_are_in_the_programme():
    table = _table(
        [
            (1, "strategic", "active", None),  # strategic today: in, from the start year
            (2, "develop", "active", None),  # not strategic, not entered: out
            (3, "develop", "active", 2025),  # entered by hand: in, from 2025
            (4, "strategic", "archived", None),  # archived: out
            (5, "strategic", "archived", 2024),  # archived, even entered by hand: out
            (6, "strategic", "prospect", None),  # a prospect is not in by its segment
            (7, "unscored", "prospect", 2026),  # ... but is when entered by hand
            (8, "strategic", "active", 2026),  # strategic and entered later than the start: its own year
        ]
    )
    members = programme_accounts(table, 2024)
    assert list(members["account_id"]) == [1, 3, 7, 8]
    assert list(members["entry_year"]) == [2024, 2025, 2026, 2026]
    assert programme_account_ids(table, 2024) == [1, 3, 7, 8]


def test_with_no_start_year_the_entry_year_is_missing_unless_entered_by_hand():
    members = programme_accounts(_table([(1, "strategic", "active", None), (2, "develop", "active", 2025)]), None)
    assert list(members["account_id"]) == [1, 2]
    assert members["entry_year"].isna().tolist() == [True, False]
    assert int(members["entry_year"].iloc[1]) == 2025


def test_the_table_given_is_not_changed():
    table = _table([(1, "strategic", "active", None)])
    before = table.copy()
    programme_accounts(table, 2024)
    pd.testing.assert_frame_equal(table, before)


# --- the worked example (docs/method.md writes out the same figures) ----------------------------

ALPHA = AccountInputs(
    account_id=1,
    name="Alpha",
    segment="strategic",
    entry_year=2024,  # entered with the programme: base year 2023
    revenue={2023: 1_000_000, 2024: 1_200_000, 2025: 1_400_000, 2026: 1_300_000},  # 2026: to date
    ambition={2026: 1_600_000},
    margin_pct=20.0,
    kam_id=7,
    meetings={2024: {"meeting": 2}, 2025: {"meeting": 1, "visit": 1}, 2026: {"meeting": 2}},
)
BETA = AccountInputs(
    account_id=2,
    name="Beta",
    segment="develop",
    entry_year=2025,  # entered by hand a year later: base year 2024
    revenue={2023: 480_000, 2024: 500_000, 2025: 600_000},
    ambition={},  # no plan for 2026: the baseline, named
    margin_pct=None,  # the programme's default margin, named
    kam_id=7,
    meetings={2024: {"meeting": 1}, 2025: {"visit": 1}, 2026: {"meeting": 1}},  # 2024: before its entry
)
EXAMPLE = RoiInputs(
    currency="EUR",
    start_year=2024,
    horizon_years=3,
    current_year=2026,
    organic_growth_pct=5.0,
    default_margin_pct=25.0,
    executive_hour_cost=200.0,
    meeting_hours={"meeting": 3, "visit": 8, "call": 1, "event": 6, "qbr": 4},
    other_costs={"tools_cost": 5_000, "training_cost": 3_000, "events_cost": 2_000},
    kams=(KamCost(kam_id=7, name="Kim", yearly_cost=100_000, share_pct=50, own_cost=True),),
    accounts=(ALPHA, BETA),
)


def test_worked_example_year_by_year():
    result = compute_roi(EXAMPLE)
    assert [row.year for row in result.years] == [2023, 2024, 2025, 2026]
    y2023, y2024, y2025, y2026 = result.years
    # baselines: Alpha 1,000,000 × 1.05^n from 2023; Beta 500,000 × 1.05^n from 2024 (its base year)
    assert y2023.baseline == approx(1_000_000)
    assert y2024.baseline == approx(1_050_000 + 500_000)
    assert y2025.baseline == approx(1_102_500 + 525_000)
    assert y2026.baseline == approx(1_157_625 + 551_250)
    # revenue as counted: recorded up to 2025; 2026 Alpha's plan (not the 1,300,000 to date), Beta's
    # baseline (no plan)
    assert y2023.revenue == approx(1_000_000)
    assert y2024.revenue == approx(1_200_000 + 500_000)
    assert y2025.revenue == approx(1_400_000 + 600_000)
    assert y2026.revenue == approx(1_600_000 + 551_250)
    # incremental revenue: Alpha 150,000 / 297,500 / 442,375; Beta 75,000 in 2025 (0 in 2026)
    assert [row.incremental_revenue for row in result.years] == approx([0, 150_000, 372_500, 442_375])
    # incremental margin: Alpha at 20 %, Beta at the default 25 %
    assert y2024.incremental_margin == approx(30_000)
    assert y2025.incremental_margin == approx(59_500 + 18_750)
    assert y2026.incremental_margin == approx(88_475)
    # costs: the KAM 100,000 × 50 %; executives' hours × 200; tools + training + events = 10,000
    assert [row.kam_cost for row in result.years] == approx([0, 50_000, 50_000, 50_000])
    # 2024: Alpha 2 meetings × 3 h (Beta's meeting is before its entry); 2025: Alpha 3 + 8 h, Beta 8 h;
    # 2026: Alpha 2 × 3 h, Beta 3 h
    assert [row.executive_cost for row in result.years] == approx([0, 1_200, 3_800, 1_800])
    assert [row.other_cost for row in result.years] == approx([0, 10_000, 10_000, 10_000])
    assert [row.cost for row in result.years] == approx([0, 61_200, 63_800, 61_800])
    assert [row.cumulative_cost for row in result.years] == approx([0, 61_200, 125_000, 186_800])
    assert [row.cumulative_margin for row in result.years] == approx([0, 30_000, 108_250, 196_725])
    assert y2023.roi is None and y2023.cumulative_roi is None
    assert y2024.roi == approx((30_000 - 61_200) / 61_200)  # -51.0 %
    assert y2025.roi == approx((78_250 - 63_800) / 63_800)  # 22.6 %
    assert y2026.roi == approx((88_475 - 61_800) / 61_800)  # 43.2 %
    assert y2025.cumulative_roi == approx(-16_750 / 125_000)  # -13.4 %
    assert y2026.cumulative_roi == approx(9_925 / 186_800)  # 5.3 %
    assert [row.forecast for row in result.years] == [False, False, False, True]


def test_worked_example_headline_accounts_and_missing():
    result = compute_roi(EXAMPLE)
    assert result.payback_year == 2026  # 196,725 ≥ 186,800; 2025: 108,250 < 125,000
    assert result.so_far is result.year(2025)  # returned so far: through the last closed year
    assert result.at_horizon is result.year(2026)
    alpha, beta = result.accounts
    assert (alpha.entry_year, alpha.base_revenue) == (2024, 1_000_000)
    assert alpha.incremental_revenue == approx(889_875)
    assert alpha.incremental_margin == approx(177_975)
    assert alpha.kam_cost == approx(75_000)  # 50,000 a year shared by its KAM's 2 accounts, 3 years
    assert alpha.executive_cost == approx(4_600)
    assert alpha.net == approx(98_375)  # carries the return
    assert (beta.entry_year, beta.base_revenue) == (2025, 500_000)
    assert beta.incremental_revenue == approx(75_000)
    assert beta.incremental_margin == approx(18_750)
    assert beta.kam_cost == approx(75_000)
    assert beta.executive_cost == approx(2_200)
    assert beta.net == approx(-58_450)  # costs more than it brings
    # the accounts' net, less the other costs (not allocated), is the programme's net
    assert alpha.net + beta.net - 30_000 == approx(
        result.at_horizon.cumulative_margin - result.at_horizon.cumulative_cost
    )
    assert result.missing == (
        MissingInput("plan", 2, "Beta", 2026),
        MissingInput("margin", 2, "Beta"),
    )


def test_worked_example_sensitivity():
    result = compute_roi(EXAMPLE)
    cases = {(case.growth_shift_pts, case.margin_shift_pts): case for case in result.sensitivity}
    assert [(c.growth_shift_pts, c.margin_shift_pts) for c in result.sensitivity][0] == (0, 0)
    assert set(cases) == {(0, 0), (-2, 0), (2, 0), (0, -5), (0, 5)}
    assert cases[0, 0].cumulative_roi == approx(9_925 / 186_800) and cases[0, 0].payback_year == 2026
    # growth 3 %: Alpha's increments 170,000 + 339,100 + 507,273 at 20 %, Beta's 85,000 at 25 %
    assert cases[-2, 0].cumulative_roi == approx((224_524.6 - 186_800) / 186_800)
    assert cases[-2, 0].payback_year == 2026  # 2025: 123,070 < 125,000
    # growth 7 %: Alpha's 130,000 + 255,100 + 374,957 at 20 %, Beta's 65,000 at 25 %
    assert cases[2, 0].cumulative_roi == approx((168_261.4 - 186_800) / 186_800)
    assert cases[2, 0].payback_year is None  # not within the horizon
    # margins 15 % and 20 %
    assert cases[0, -5].cumulative_roi == approx((148_481.25 - 186_800) / 186_800)
    assert cases[0, -5].payback_year is None
    # margins 25 % and 30 %: 2025 already pays back (134,375 ≥ 125,000)
    assert cases[0, 5].cumulative_roi == approx((244_968.75 - 186_800) / 186_800)
    assert cases[0, 5].payback_year == 2025


# --- missing inputs are named -------------------------------------------------------------------


def test_no_start_year_is_named_and_nothing_is_computed():
    result = compute_roi(replace(EXAMPLE, start_year=None))
    assert result.missing == (MissingInput("start_year"),)
    assert result.years == () and result.accounts == () and result.sensitivity == ()
    assert result.payback_year is None and result.so_far is None and result.at_horizon is None


def test_a_missing_base_revenue_is_named_and_the_account_counts_no_increment_but_its_costs():
    beta = replace(BETA, revenue={2025: 600_000})  # no 2024: its base year
    result = compute_roi(replace(EXAMPLE, accounts=(ALPHA, beta)))
    assert MissingInput("baseline_revenue", 2, "Beta", 2024) in result.missing
    contribution = result.accounts[1]
    assert contribution.base_revenue is None
    assert contribution.incremental_revenue == 0 and contribution.incremental_margin == 0
    assert contribution.kam_cost == approx(75_000) and contribution.executive_cost == approx(2_200)
    assert result.year(2025).revenue == approx(1_400_000)  # Beta is left out of the sums
    assert result.year(2025).cost == approx(63_800)


def test_a_missing_past_revenue_is_named_and_counts_no_increment():
    alpha = replace(ALPHA, revenue={2023: 1_000_000, 2025: 1_400_000})  # 2024 not recorded
    result = compute_roi(replace(EXAMPLE, accounts=(alpha, BETA)))
    assert MissingInput("past_revenue", 1, "Alpha", 2024) in result.missing
    assert result.year(2024).incremental_revenue == 0
    assert result.year(2024).revenue == approx(result.year(2024).baseline)


def test_defaults_applied_are_named_kam_cost_hours_and_no_kam():
    kams = (KamCost(7, "Kim", 150_000, 80, own_cost=False), KamCost(8, "Lou", 90_000, 50, own_cost=True))
    alpha = replace(ALPHA, meetings={2025: {"workshop": 2, "meeting": 1}})
    gamma = replace(BETA, account_id=3, name="Gamma", kam_id=None, margin_pct=10.0, ambition={2026: 1.0})
    result = compute_roi(replace(EXAMPLE, kams=kams, accounts=(alpha, gamma)))
    assert MissingInput("kam_cost", kam_id=7, kam="Kim") in result.missing
    assert MissingInput("no_kam", 3, "Gamma") in result.missing
    assert MissingInput("meeting_hours", kind="workshop") in result.missing
    assert not any(item.kam == "Lou" for item in result.missing)  # Lou has no account in the programme
    assert result.year(2024).kam_cost == approx(120_000)  # Kim only: Lou manages no programme account
    assert result.accounts[1].kam_cost == 0
    assert result.year(2025).executive_cost == approx(3 * 200 + 8 * 200)  # the workshop counts no hours


def test_an_entry_year_before_the_start_counts_as_the_start_year():
    result = compute_roi(replace(EXAMPLE, accounts=(replace(ALPHA, entry_year=2019),)))
    assert result.accounts[0].entry_year == 2024
    assert result.accounts[0].base_revenue == 1_000_000


# --- properties -----------------------------------------------------------------------------------

# no deadline and no "too slow" check: no timed assertion in the tests (a loaded machine is not a failure)
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = ("meeting", "visit", "call", "event", "qbr", "workshop")  # "workshop": no hours set


@st.composite
def roi_inputs(draw, non_negative_margins: bool = False):
    low = 0 if non_negative_margins else -50
    margins = st.one_of(st.none(), st.floats(low, 60))
    start = draw(st.integers(2020, 2026))
    horizon = draw(st.integers(3, 6))
    current = draw(st.integers(2022, 2030))
    years = range(start - 2, start + horizon)
    # amounts in thousands (integers): far less to draw than floats, the same cases for the model
    amounts = st.integers(0, 5_000).map(lambda thousands: thousands * 1_000.0)
    closed_or_current = [y for y in years if y <= current]
    planned = [y for y in years if y >= current - 1]
    counts = st.dictionaries(st.sampled_from(KINDS), st.integers(1, 3), max_size=2)
    accounts = []
    for number in range(draw(st.integers(1, 3))):
        accounts.append(
            AccountInputs(
                account_id=number + 1,
                name=f"Account {number + 1}",
                segment="strategic",
                entry_year=start + draw(st.integers(-1, 2)),
                revenue=draw(st.dictionaries(st.sampled_from(closed_or_current), amounts)) if closed_or_current else {},
                ambition=draw(st.dictionaries(st.sampled_from(planned), amounts)) if planned else {},
                margin_pct=draw(margins),
                kam_id=draw(st.sampled_from((1, 2, None))),
                meetings=draw(st.dictionaries(st.sampled_from(list(years)), counts, max_size=4)),
            )
        )
    kams = tuple(
        KamCost(kam_id, f"KAM {kam_id}", draw(st.floats(0, 300_000)), draw(st.floats(0, 100)), draw(st.booleans()))
        for kam_id in (1, 2)
    )
    return RoiInputs(
        currency="EUR",
        start_year=start,
        horizon_years=horizon,
        current_year=current,
        organic_growth_pct=draw(st.floats(-20, 30)),
        default_margin_pct=draw(st.floats(low, 60)),
        executive_hour_cost=draw(st.floats(0, 1_000)),
        meeting_hours={"meeting": 3, "visit": 8, "call": 1, "event": 6, "qbr": 4},
        other_costs={name: draw(st.floats(0, 100_000)) for name in OTHER_COSTS},
        kams=kams,
        accounts=tuple(accounts),
    )


@PROPERTY
@given(roi_inputs(non_negative_margins=True), st.floats(0.1, 20))
def test_raising_organic_growth_never_raises_incremental_margin(inputs, raise_by):
    # with margins of zero or more (a negative margin turns a lost increment into a saving)
    lower = compute_roi(inputs)
    higher = compute_roi(replace(inputs, organic_growth_pct=inputs.organic_growth_pct + raise_by))
    for low, high in zip(lower.years, higher.years, strict=True):
        assert high.incremental_margin <= low.incremental_margin + 1e-6 * max(1.0, abs(low.incremental_margin))
        assert high.cumulative_margin <= low.cumulative_margin + 1e-6 * max(1.0, abs(low.cumulative_margin))
    for low, high in zip(lower.accounts, higher.accounts, strict=True):
        assert high.incremental_margin <= low.incremental_margin + 1e-6 * max(1.0, abs(low.incremental_margin))


@PROPERTY
@given(roi_inputs())
def test_doubling_every_cost_halves_roi_plus_one(inputs):
    doubled = replace(
        inputs,
        executive_hour_cost=2 * inputs.executive_hour_cost,
        other_costs={name: 2 * amount for name, amount in inputs.other_costs.items()},
        kams=tuple(replace(kam, yearly_cost=2 * kam.yearly_cost) for kam in inputs.kams),
    )
    before, after = compute_roi(inputs), compute_roi(doubled)
    for one, two in zip(before.years, after.years, strict=True):
        assert two.cost == approx(2 * one.cost)
        if one.cost > 1e-9:
            assert two.roi + 1 == approx((one.roi + 1) / 2, rel=1e-9, abs=1e-9)
        if one.cumulative_cost > 1e-9:
            assert two.cumulative_roi + 1 == approx((one.cumulative_roi + 1) / 2, rel=1e-9, abs=1e-9)


@PROPERTY
@given(roi_inputs())
def test_payback_is_the_first_year_cumulative_margin_reaches_cumulative_cost(inputs):
    result = compute_roi(inputs)
    margin = cost = 0.0
    expected = None
    for row in result.years:  # the cumulative figures are the running sums of the years'
        margin += row.incremental_margin
        cost += row.cost
        assert row.cumulative_margin == approx(margin, abs=1e-6)
        assert row.cumulative_cost == approx(cost, abs=1e-6)
        if expected is None and row.year >= inputs.start_year and row.cumulative_margin >= row.cumulative_cost:
            expected = row.year
    assert result.payback_year == expected
    assert result.sensitivity[0].payback_year == expected
    assert result.sensitivity[0].cumulative_roi == result.at_horizon.cumulative_roi


@PROPERTY
@given(roi_inputs())
def test_missing_inputs_are_named_never_a_silent_zero(inputs):
    result = compute_roi(inputs)
    start, current = inputs.start_year, inputs.current_year
    horizon = range(start - 1, start + inputs.horizon_years)
    expected = set()
    for account in inputs.accounts:
        entry = max(account.entry_year, start)
        base = entry - 1
        who = (account.account_id, account.name)
        if base not in (account.revenue if base < current else account.ambition):
            expected.add(MissingInput("baseline_revenue", *who, base))
        for year in horizon:
            if year >= entry and year < current and year not in account.revenue:
                expected.add(MissingInput("past_revenue", *who, year))
            if year >= entry and year >= current and year not in account.ambition:
                expected.add(MissingInput("plan", *who, year))
            if year >= entry and account.meetings.get(year, {}).get("workshop"):
                expected.add(MissingInput("meeting_hours", kind="workshop"))
        if account.margin_pct is None:
            expected.add(MissingInput("margin", *who))
        if account.kam_id is None:
            expected.add(MissingInput("no_kam", *who))
    for kam in inputs.kams:
        if not kam.own_cost and any(account.kam_id == kam.kam_id for account in inputs.accounts):
            expected.add(MissingInput("kam_cost", kam_id=kam.kam_id, kam=kam.name))
    for year in horizon:  # a closed year without any executive meeting: its executive time is named, not zero
        met = sum(sum(account.meetings.get(year, {}).values()) for account in inputs.accounts)
        if inputs.accounts and start <= year < current and not met:
            expected.add(MissingInput("no_meetings", year=year))
    assert set(result.missing) == expected
    assert len(result.missing) == len(expected)  # each named once
    # an account whose base revenue is missing counts no increment: never a made-up zero baseline
    for contribution in result.accounts:
        if contribution.base_revenue is None:
            assert contribution.incremental_revenue == 0
