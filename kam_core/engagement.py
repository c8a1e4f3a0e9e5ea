"""Executive engagement: sponsors and the engagements to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from kam_core.models import Account, Engagement, EngagementPairing, Executive, Pairing, Stakeholder


@dataclass(frozen=True)
class UpcomingEngagement:
    engagement_id: int
    account_id: int
    account: str
    on_date: date
    kind: str
    objective: str
    executives: tuple[str, ...]
    stakeholders: tuple[str, ...]


def upcoming_engagements(session: Session, today: date, days: int = 30, limit: int = 8) -> list[UpcomingEngagement]:
    """Planned engagements from today to ``days`` ahead, soonest first, with who meets whom."""
    rows = session.execute(
        select(Engagement.id, Engagement.account_id, Account.name, Engagement.on_date, Engagement.kind,
               Engagement.objective)
        .join(Account, Account.id == Engagement.account_id)
        .where(Engagement.status == "planned", Engagement.on_date >= today,
               Engagement.on_date <= today + timedelta(days=days), Account.status != "archived")
        .order_by(Engagement.on_date, Account.name).limit(limit)).all()
    ids = [row[0] for row in rows]
    people: dict[int, tuple[list[str], list[str]]] = {engagement_id: ([], []) for engagement_id in ids}
    if ids:
        pairs = session.execute(
            select(EngagementPairing.engagement_id, Executive.name, Stakeholder.name)
            .join(Pairing, Pairing.id == EngagementPairing.pairing_id)
            .join(Executive, Executive.id == Pairing.executive_id)
            .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
            .where(EngagementPairing.engagement_id.in_(ids))
            .order_by(Executive.name, Stakeholder.name)).all()
        for engagement_id, executive, stakeholder in pairs:
            ours, theirs = people[engagement_id]
            if executive not in ours:
                ours.append(executive)
            if stakeholder not in theirs:
                theirs.append(stakeholder)
    return [
        UpcomingEngagement(engagement_id=row[0], account_id=row[1], account=row[2], on_date=row[3], kind=row[4],
                           objective=row[5], executives=tuple(people[row[0]][0]),
                           stakeholders=tuple(people[row[0]][1]))
        for row in rows
    ]
