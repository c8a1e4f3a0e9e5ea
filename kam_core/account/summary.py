"""One account at a glance: identity, key figures, trajectory in the matrix, plan status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from kam_core.account.canvas import PLAN_SECTIONS, completeness, section_facts
from kam_core.account.handshake import rag_status
from kam_core.portfolio.segmentation import axis_scores, load_criteria, load_programme, quadrant_of
from kam_core.store.frames import rows_frame
from kam_core.store.models import (
    CLOSED_ACTION_STATUSES,
    CLOSED_COMMITMENT_STATUSES,
    Account,
    AccountYear,
    Action,
    Commitment,
    Engagement,
    Executive,
    Handshake,
    Kam,
    Score,
)

TRAJECTORY_PERIODS = 5


@dataclass(frozen=True)
class PeriodPosition:
    period: str
    attractiveness: float | None
    strength: float | None
    quadrant: str | None


@dataclass(frozen=True)
class FollowUp:
    """An action or a commitment still to be done."""

    kind: str  # "action", "ours" or "theirs"
    title: str
    owner: str
    due_date: date
    rag: str


@dataclass(frozen=True)
class AccountSummary:
    account_id: int
    name: str
    group: str | None
    sector: str
    country: str | None
    kam: str | None
    sponsor: str | None
    sponsor_id: int | None
    status: str
    revenue_by_year: pd.DataFrame  # year, revenue, category_spend
    potential_3y: float | None
    margin_pct: float | None
    trajectory: tuple[PeriodPosition, ...]
    current_period: str
    sections: dict[str, bool]
    completeness_pct: float
    handshake_stage: str | None
    handshake_since: date | None
    next_review_on: date | None
    follow_ups: tuple[FollowUp, ...]
    next_engagements: tuple[tuple[date, str, str], ...]  # date, kind, objective

    @property
    def segment(self) -> str:
        """The account's quadrant in the programme's current quarter, as on every other page."""
        now = [position for position in self.trajectory if position.period == self.current_period]
        return (now[0].quadrant if now else None) or "unscored"

    @property
    def latest_revenue(self) -> float | None:
        return None if self.revenue_by_year.empty else float(self.revenue_by_year["revenue"].iloc[-1])

    @property
    def share_of_wallet_pct(self) -> float | None:
        if self.revenue_by_year.empty:
            return None
        last = self.revenue_by_year.iloc[-1]
        spend = last["category_spend"]
        return None if pd.isna(spend) or spend <= 0 else round(100.0 * last["revenue"] / spend, 1)

    @property
    def growth_pct(self) -> float | None:
        if len(self.revenue_by_year) < 2:
            return None
        previous, last = self.revenue_by_year["revenue"].iloc[-2], self.revenue_by_year["revenue"].iloc[-1]
        return None if previous <= 0 else round(100.0 * (last / previous - 1.0), 1)


def _trajectory(
    session: Session, account_id: int, thresholds: tuple[float, float], current_period: str
) -> tuple[PeriodPosition, ...]:
    rows = session.execute(
        select(Score.period, Score.account_id, Score.criterion_id, Score.value).where(
            Score.account_id == account_id, Score.period <= current_period
        )
    ).all()
    scores = rows_frame(rows, ["period", "account_id", "criterion_id", "value"])
    criteria = load_criteria(session)
    positions = []
    for period in sorted(scores["period"].unique())[-TRAJECTORY_PERIODS:]:
        axes = axis_scores(scores[scores["period"] == period], criteria).iloc[0]
        attractiveness = None if pd.isna(axes["attractiveness"]) else float(axes["attractiveness"])
        strength = None if pd.isna(axes["strength"]) else float(axes["strength"])
        positions.append(
            PeriodPosition(period, attractiveness, strength, quadrant_of(attractiveness, strength, *thresholds))
        )
    return tuple(positions)


def _follow_ups(session: Session, account_id: int, today: date) -> tuple[FollowUp, ...]:
    actions = session.execute(
        select(Action.title, Action.owner, Action.due_date, Action.status).where(
            Action.account_id == account_id, Action.status.not_in(CLOSED_ACTION_STATUSES)
        )
    ).all()
    commitments = session.execute(
        select(Commitment.side, Commitment.description, Commitment.owner, Commitment.due_date, Commitment.status)
        .join(Handshake, Handshake.id == Commitment.handshake_id)
        .where(Handshake.account_id == account_id, Commitment.status.not_in(CLOSED_COMMITMENT_STATUSES))
    ).all()
    items = [
        FollowUp("action", title, owner, due, rag_status(status, due, today, CLOSED_ACTION_STATUSES))
        for title, owner, due, status in actions
    ]
    items += [
        FollowUp(side, description, owner, due, rag_status(status, due, today))
        for side, description, owner, due, status in commitments
    ]
    return tuple(sorted(items, key=lambda item: item.due_date))


def account_summary(session: Session, account_id: int, today: date) -> AccountSummary | None:
    """Everything the account overview shows, as plain data; None for an unknown account."""
    parent = aliased(Account)
    row = session.execute(
        select(Account, parent.name, Kam.name, Executive.name)
        .outerjoin(parent, parent.id == Account.parent_id)
        .outerjoin(Kam, Kam.id == Account.kam_id)
        .outerjoin(Executive, Executive.id == Account.sponsor_id)
        .where(Account.id == account_id)
    ).first()
    if row is None:
        return None
    account, parent_name, kam_name, sponsor_name = row
    programme = load_programme(session)
    years = session.execute(
        select(AccountYear.year, AccountYear.revenue, AccountYear.category_spend)
        .where(AccountYear.account_id == account_id)
        .order_by(AccountYear.year)
    ).all()
    done = completeness(section_facts(session, [account_id])).iloc[0]
    handshake = session.execute(
        select(Handshake.stage, Handshake.stage_since, Handshake.next_review_on).where(
            Handshake.account_id == account_id
        )
    ).first()
    engagements = session.execute(
        select(Engagement.on_date, Engagement.kind, Engagement.objective)
        .where(Engagement.account_id == account_id, Engagement.status == "planned", Engagement.on_date >= today)
        .order_by(Engagement.on_date)
        .limit(5)
    ).all()
    return AccountSummary(
        account_id=account.id,
        name=account.name,
        group=account.group_name or parent_name,
        sector=account.sector,
        country=account.country,
        kam=kam_name,
        sponsor=sponsor_name,
        sponsor_id=account.sponsor_id,
        status=account.status,
        revenue_by_year=pd.DataFrame(years, columns=["year", "revenue", "category_spend"]),
        potential_3y=account.potential_3y,
        margin_pct=account.margin_pct,
        trajectory=_trajectory(
            session,
            account_id,
            (programme.attractiveness_threshold, programme.strength_threshold),
            programme.current_period,
        ),
        current_period=programme.current_period,
        sections={section: bool(done[section]) for section in PLAN_SECTIONS},
        completeness_pct=float(done["pct"]),
        handshake_stage=handshake[0] if handshake else None,
        handshake_since=handshake[1] if handshake else None,
        next_review_on=handshake[2] if handshake else None,
        follow_ups=_follow_ups(session, account_id, today),
        next_engagements=tuple((on_date, kind, objective) for on_date, kind, objective in engagements),
    )
