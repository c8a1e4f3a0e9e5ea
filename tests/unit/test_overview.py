"""The home page's figures, the account views they link to, and plan completeness."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import Session, select

from kam_core.account.canvas import PLAN_SECTIONS, completeness, missing_sections, section_facts
from kam_core.common.text import fold_name
from kam_core.portfolio.overview import (
    AccountFilter,
    account_table,
    account_view,
    filter_accounts,
    portfolio_figures,
)
from kam_core.store import db
from kam_core.store.models import (
    Account,
    AccountPlan,
    AccountYear,
    Action,
    Commitment,
    Competitor,
    Criterion,
    Executive,
    Handshake,
    Objective,
    Priority,
    Score,
    Stakeholder,
    SwotItem,
    ValueProposition,
)

TODAY = date(2026, 11, 26)


def _row(
    account_id,
    segment,
    revenue,
    *,
    status="active",
    sponsor_id=None,
    agreed=False,
    overdue=0,
    completeness_pct=50.0,
    name=None,
    sector="Energy",
):
    return {
        "account_id": account_id,
        "name": name or f"Account {account_id}",
        "status": status,
        "segment": segment,
        "revenue": revenue,
        "sponsor_id": sponsor_id,
        "handshake_agreed": agreed,
        "overdue_actions": overdue,
        "overdue_ours": 0,
        "overdue_theirs": 0,
        "overdue": overdue,
        "completeness_pct": completeness_pct,
        "sector": sector,
        "country": "FR",
        "kam": "A",
    }


TABLE = pd.DataFrame(
    [
        _row(1, "strategic", 10.0, sponsor_id=7, agreed=True, completeness_pct=100.0),
        _row(2, "strategic", 30.0, overdue=2, completeness_pct=20.0, name="Société Générale d'Énergie"),
        _row(3, "develop", 40.0, completeness_pct=60.0),
        _row(4, "unscored", None, status="prospect", completeness_pct=0.0),
        _row(5, "strategic", 99.0, status="archived", sponsor_id=None),
    ]
)


def test_portfolio_figures_leave_archived_accounts_out():
    figures = portfolio_figures(TABLE, strategic_capacity=1, year=2025)
    assert figures.accounts == 4
    assert figures.segment_counts == {"strategic": 2, "develop": 1, "maintain": 0, "opportunistic": 0, "unscored": 1}
    assert figures.segment_revenue["strategic"] == 40.0 and figures.segment_revenue["unscored"] == 0.0
    assert figures.total_revenue == 80.0
    assert figures.strategic_revenue == 40.0
    assert figures.strategic_revenue_share == pytest.approx(0.5)
    assert (figures.handshake_coverage.covered, figures.handshake_coverage.total) == (1, 2)
    assert figures.sponsor_coverage.share == pytest.approx(0.5)
    assert figures.average_completeness == pytest.approx(45.0)
    assert figures.overdue_actions == 2 and figures.accounts_with_overdue == 1
    assert figures.over_capacity


def test_figures_of_an_empty_portfolio_have_no_shares():
    figures = portfolio_figures(TABLE.iloc[0:0], strategic_capacity=10, year=2025)
    assert figures.accounts == 0
    assert figures.strategic_revenue_share is None
    assert figures.handshake_coverage.share is None
    assert figures.average_completeness is None


@pytest.mark.parametrize(
    "view, expected",
    [
        ("all", [1, 2, 3, 4]),
        ("strategic", [1, 2]),
        ("unscored", [4]),
        ("strategic_without_sponsor", [2]),
        ("strategic_without_handshake", [2]),
        ("with_overdue_items", [2]),
    ],
)
def test_account_views(view, expected):
    assert account_view(TABLE, view)["account_id"].tolist() == expected


def test_archived_accounts_show_on_request():
    assert account_view(TABLE, "strategic", include_archived=True)["account_id"].tolist() == [1, 2, 5]
    with pytest.raises(ValueError):
        account_view(TABLE, "nonsense")


def test_filters_combine_and_search_ignores_case_and_accents():
    assert filter_accounts(TABLE, AccountFilter(search="generale D'ENERGIE"))["account_id"].tolist() == [2]
    assert filter_accounts(TABLE, AccountFilter(statuses=("prospect",)))["account_id"].tolist() == [4]
    assert filter_accounts(TABLE, AccountFilter(sectors=("Banking",))).empty


# --- against a real database ------------------------------------------------------------------


def _plan(session, complete: bool) -> int:
    account = Account(
        name="Acme" if complete else "Bare",
        name_key=fold_name("Acme" if complete else "Bare"),
        sector="Energy",
        potential_3y=9e6 if complete else None,
    )
    session.add(account)
    session.flush()
    if not complete:
        return account.id
    session.add(AccountYear(account_id=account.id, year=2025, revenue=2e6, category_spend=5e6))
    session.add(AccountPlan(account_id=account.id, business="Utilities", ambition="Be their partner"))
    priority = Priority(account_id=account.id, rank=1, title="Decarbonise")
    session.add(priority)
    session.flush()
    session.add(ValueProposition(priority_id=priority.id, what_we_bring="Audits", customer_value="-10% energy"))
    session.add_all(
        [
            SwotItem(account_id=account.id, kind=kind, text=kind)
            for kind in ("strength", "weakness", "opportunity", "threat")
        ]
    )
    session.add(Competitor(account_id=account.id, name="Rival"))
    session.add_all(
        [
            Stakeholder(account_id=account.id, name=f"P{i}", role=role)
            for i, role in enumerate(("decision_maker", "user", "buyer"))
        ]
    )
    objective = Objective(
        account_id=account.id, kind="revenue", title="Grow", target="+20%", owner="Me", due_date=date(2027, 6, 30)
    )
    session.add(objective)
    session.flush()
    session.add(
        Action(account_id=account.id, objective_id=objective.id, title="Call", owner="Me", due_date=date(2026, 11, 1))
    )
    from kam_core.store.models import CustomerUnit, Offer, WhiteSpaceCell

    unit, offer = CustomerUnit(account_id=account.id, name="North"), Offer(name="Audit", family="Services")
    session.add_all([unit, offer])
    session.flush()
    session.add(WhiteSpaceCell(account_id=account.id, unit_id=unit.id, offer_id=offer.id, status="open"))
    return account.id


def test_completeness_counts_each_section(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        full, bare = _plan(session, True), _plan(session, False)
    with Session(engine) as session:
        done = completeness(section_facts(session)).set_index("account_id")
    assert done.loc[full, "pct"] == 100 and missing_sections(done.loc[full]) == []
    assert done.loc[bare, "pct"] == 0 and missing_sections(done.loc[bare]) == list(PLAN_SECTIONS)


def test_a_priority_without_value_proposition_leaves_that_section_open(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        full = _plan(session, True)
        session.add(Priority(account_id=full, rank=2, title="Cut costs"))
    with Session(engine) as session:
        row = completeness(section_facts(session, [full])).iloc[0]
    assert missing_sections(row) == ["value_proposition"]


def test_account_table_joins_segment_revenue_and_follow_ups(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        account_id = _plan(session, True)
        sponsor = Executive(name="Claire Dubois", title="CEO", function="General management")
        session.add(sponsor)
        session.flush()
        session.get(Account, account_id).sponsor_id = sponsor.id
        criteria = session.exec(select(Criterion).where(Criterion.active)).all()
        session.add_all(
            [Score(account_id=account_id, criterion_id=c.id, period="2026-Q4", value=8.0) for c in criteria]
        )
        handshake = Handshake(account_id=account_id, stage="agreed", stage_since=date(2026, 10, 1))
        session.add(handshake)
        session.flush()
        session.add(
            Commitment(
                handshake_id=handshake.id,
                side="theirs",
                description="Share data",
                owner="CPO",
                due_date=date(2026, 11, 20),
            )
        )
    with Session(engine) as session:
        table = account_table(session, TODAY).set_index("account_id")
    row = table.loc[account_id]
    assert row["segment"] == "strategic"
    assert row["attractiveness"] == pytest.approx(8.0)
    assert row["revenue"] == 2e6 and row["share_of_wallet_pct"] == 40.0
    assert row["handshake_agreed"] and row["sponsor"] == "Claire Dubois"
    assert row["overdue_actions"] == 1 and row["overdue_theirs"] == 1 and row["overdue_ours"] == 0
    assert row["completeness_pct"] == 100
