"""The budget reconciliation (kam_core/programme/budget.py): the sum of the programme's ambitions for
the budget year against the budget line, the gap, the accounts that make it up and those without an
ambition, worked out by hand; the budget line validated and saved; the ambitions read from the store."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session

from kam_core.common.errors import ConflictError, ValidationError
from kam_core.common.text import fold_name
from kam_core.programme import budget
from kam_core.store import db
from kam_core.store.models import Account, RevenueAmbition
from tests.conftest import TODAY

ACCOUNTS = pd.DataFrame(
    {
        "account_id": [1, 2, 3, 4],
        "name": ["Delta", "Alpha", "Gamma", "Beta"],
        "kam": ["Ann", "Bob", "Ann", None],
        "revenue": [4_000_000.0, 2_000_000.0, None, 1_000_000.0],  # of the last closed year
    }
)
# For 2027: Delta 5.0 M, Alpha 2.5 M, Beta 1.5 M; Gamma has none (and account 9, not in the programme, does)
AMBITIONS = {1: 5_000_000.0, 2: 2_500_000.0, 4: 1_500_000.0, 9: 7_000_000.0}


def test_the_sum_of_ambitions_against_the_budget_line():
    result = budget.reconcile(ACCOUNTS, AMBITIONS, 2027, 10_000_000.0, revenue_year=2025)
    # 5.0 + 2.5 + 1.5 = 9.0 M; gap 9.0 − 10.0 = −1.0 M (the budget counts on a million no plan carries); 90 %
    assert result.total == 9_000_000.0
    assert result.gap == -1_000_000.0
    assert result.coverage == pytest.approx(0.9)
    assert (result.year, result.budget_amount, result.revenue_year) == (2027, 10_000_000.0, 2025)


def test_the_accounts_that_make_it_up_largest_first_with_share_and_implied_growth():
    accounts = budget.reconcile(ACCOUNTS, AMBITIONS, 2027, 10_000_000.0).accounts
    assert list(accounts.columns) == budget.ACCOUNT_COLUMNS
    assert list(accounts["name"]) == ["Delta", "Alpha", "Beta"]
    assert list(accounts["ambition"]) == [5_000_000.0, 2_500_000.0, 1_500_000.0]
    # shares of 9.0 M: 5/9, 2.5/9, 1.5/9
    assert list(accounts["share"]) == pytest.approx([5 / 9, 2.5 / 9, 1.5 / 9])
    # growth on the last closed year: 5.0/4.0 − 1 = 25 %, 2.5/2.0 − 1 = 25 %, 1.5/1.0 − 1 = 50 %
    assert list(accounts["growth"]) == pytest.approx([0.25, 0.25, 0.5])


def test_an_account_without_an_ambition_is_named_never_counted_as_zero():
    result = budget.reconcile(ACCOUNTS, AMBITIONS, 2027, 10_000_000.0)
    assert list(result.missing["name"]) == ["Gamma"] and list(result.missing["account_id"]) == [3]
    assert 3 not in set(result.accounts["account_id"])
    everyone = budget.reconcile(ACCOUNTS, {}, 2027, 10_000_000.0)
    assert everyone.total == 0 and everyone.accounts.empty
    assert list(everyone.missing["name"]) == ["Alpha", "Beta", "Delta", "Gamma"]  # by name


def test_without_a_budget_line_or_a_year():
    no_line = budget.reconcile(ACCOUNTS, AMBITIONS, 2027, None)
    assert no_line.total == 9_000_000.0 and no_line.gap is None and no_line.coverage is None
    zero_line = budget.reconcile(ACCOUNTS, AMBITIONS, 2027, 0.0)
    assert zero_line.gap == 9_000_000.0 and zero_line.coverage is None
    no_year = budget.reconcile(ACCOUNTS, AMBITIONS, None, 10_000_000.0)
    assert no_year.year is None and no_year.total == 0 and no_year.accounts.empty and no_year.missing.empty


def test_growth_is_none_without_last_years_revenue():
    frame = ACCOUNTS.drop(columns=["revenue"])
    accounts = budget.reconcile(frame, AMBITIONS, 2027, None).accounts
    assert accounts["growth"].isna().all() and accounts["revenue"].isna().all()
    zero = ACCOUNTS.assign(revenue=[0.0, 2_000_000.0, None, 1_000_000.0])
    growth = budget.reconcile(zero, AMBITIONS, 2027, None).accounts.set_index("name")["growth"]
    assert math.isnan(growth["Delta"]) and growth["Alpha"] == pytest.approx(0.25)


def _codes(values) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in budget.validate_budget_line(values)]


def test_the_budget_line_is_validated_naming_its_field():
    assert _codes({"budget_year": 2027, "budget_amount": 10_000_000.0}) == []
    assert _codes({"budget_year": None, "budget_amount": None}) == []
    assert _codes({"budget_year": 2027, "budget_amount": None}) == []
    assert _codes({"budget_year": 1980, "budget_amount": 1.0}) == [("budget_year", "integer_range")]
    assert _codes({"budget_year": 2027, "budget_amount": -5.0}) == [("budget_amount", "number_min")]
    assert _codes({"budget_year": 2027, "budget_amount": float("nan")}) == [("budget_amount", "number_format")]
    assert _codes({"budget_year": True, "budget_amount": 1.0}) == [("budget_year", "integer_range")]
    assert _codes({"budget_year": None, "budget_amount": 1.0}) == [("budget_year", "required")]


def test_next_year_is_the_year_after_today():
    assert budget.next_year(TODAY) == 2027


# --- through the store ------------------------------------------------------------------------------


def test_the_ambitions_of_a_year_and_the_budget_line_saved(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        ids = []
        for name in ("Alpha", "Beta"):
            account = Account(name=name, name_key=fold_name(name), sector="Energy")
            session.add(account)
            session.flush()
            ids.append(account.id)
        session.add_all(
            [
                RevenueAmbition(account_id=ids[0], year=2027, amount=2_500_000.0),
                RevenueAmbition(account_id=ids[0], year=2028, amount=3_000_000.0),
                RevenueAmbition(account_id=ids[1], year=2027, amount=1_500_000.0),
            ]
        )
    with Session(engine) as session:
        assert budget.read_ambitions(session, 2027) == {ids[0]: 2_500_000.0, ids[1]: 1_500_000.0}
        assert budget.read_ambitions(session, 2030) == {}
        before = budget.read_budget_line(session)
    assert (before.year, before.amount) == (None, None)
    with pytest.raises(ValidationError):
        budget.save_budget_line(engine, None, 4_000_000.0, before.version)
    saved = budget.save_budget_line(engine, 2027, 4_000_000.0, before.version)
    assert saved == budget.BudgetLine(2027, 4_000_000.0, before.version + 1)
    with Session(engine) as session:
        assert budget.read_budget_line(session) == saved
    with pytest.raises(ConflictError):
        budget.save_budget_line(engine, 2028, 1.0, before.version)


def test_a_date_is_not_a_budget_year():
    assert _codes({"budget_year": date(2027, 1, 1), "budget_amount": None}) == [("budget_year", "integer_range")]
