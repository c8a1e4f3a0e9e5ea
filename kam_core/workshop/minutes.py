"""A workshop session as its minutes (``kam_core.documents.minutes.WorkshopMinutes``): the accounts the
room reviewed in agenda order, where each stood before and after, the decision and its reason, the
actions created, the spread of the votes per criterion with the score committed, and the time spent.

An account the room committed nothing for kept its stored scores: its "after" is its "before". Its
"before", when nothing was committed or decided for it (the moment the store keeps one), is read as
the commit would have kept it: the session's quarter, else the quarter before."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kam_core.common import clock
from kam_core.documents.minutes import MinutesAction, ReviewedAccount, VoteSpread, WorkshopMinutes
from kam_core.portfolio.scoring import list_criteria
from kam_core.portfolio.segmentation import Thresholds, segments
from kam_core.programme.periods import shift_period
from kam_core.store.models import Action, WorkshopAction
from kam_core.workshop.consensus import Position, thresholds_of
from kam_core.workshop.sessions import elapsed_seconds, read_session
from kam_core.workshop.votes import participants, room_spreads


def of_session(engine: Engine, session_id: int) -> WorkshopMinutes:
    with Session(engine) as session:
        view = read_session(session, session_id)
        thresholds = thresholds_of(session)
        criteria = {criterion.id: criterion for criterion in list_criteria(session)}
        placed = _positions(session, thresholds)
        accounts = []
        for item in view.items:
            committed = dict(item.committed)
            spreads = room_spreads(session, view.id, item.account_id)
            shown = sorted(
                set(spreads) | set(committed),
                key=lambda cid: (
                    (
                        criteria[cid].axis != "attractiveness",
                        criteria[cid].position,
                        cid,
                    )
                    if cid in criteria
                    else (True, 10**9, cid)
                ),
            )
            if item.committed_at is not None or item.decision:
                before = Position(item.attractiveness_before, item.strength_before, item.segment_before)
            else:
                before = placed(item.account_id, view.period)
                if before.quadrant is None:
                    before = placed(item.account_id, shift_period(view.period, -1))
            after = placed(item.account_id, view.period) if item.committed_at is not None else before
            spent = item.seconds_spent + (
                elapsed_seconds(view) if view.current is not None and view.current.id == item.id else 0.0
            )
            accounts.append(
                ReviewedAccount(
                    name=item.name,
                    segment_before=before.quadrant,
                    segment_after=item.segment_after or after.quadrant,
                    attractiveness_before=before.attractiveness,
                    strength_before=before.strength,
                    attractiveness_after=after.attractiveness,
                    strength_after=after.strength,
                    decision=item.decision or "",
                    reason=item.reason or "",
                    actions=_actions(session, item.id),
                    spreads=tuple(
                        VoteSpread(
                            criterion=criteria[cid].name if cid in criteria else str(cid),
                            axis=criteria[cid].axis if cid in criteria else "",
                            votes=spreads[cid].votes if cid in spreads else 0,
                            low=spreads[cid].low if cid in spreads else None,
                            median=spreads[cid].median if cid in spreads else None,
                            high=spreads[cid].high if cid in spreads else None,
                            outliers=spreads[cid].outliers if cid in spreads else (),
                            committed=committed.get(cid),
                        )
                        for cid in shown
                    ),
                    minutes_spent=round(spent / 60, 1) if spent else None,
                )
            )
        return WorkshopMinutes(
            title=view.title,
            held_on=clock.today(view.created_at),
            period=view.period,
            facilitator=view.facilitator,
            participants=tuple(participants(session, view.id)),
            accounts=tuple(accounts),
        )


def _positions(session: Session, thresholds: Thresholds):
    """Where an account stands in a quarter (its stored scores), each quarter's portfolio read once."""
    tables = {}

    def placed(account_id: int, period: str) -> Position:
        if period not in tables:
            tables[period] = segments(session, period, thresholds).set_index("account_id")
        table = tables[period]
        if account_id not in table.index:
            return Position(None, None, None)
        row = table.loc[account_id]
        return Position(
            None if pd.isna(row["attractiveness"]) else float(row["attractiveness"]),
            None if pd.isna(row["strength"]) else float(row["strength"]),
            row["quadrant"],
        )

    return placed


def _actions(session: Session, item_id: int) -> tuple[MinutesAction, ...]:
    rows = session.execute(
        select(Action.title, Action.owner, Action.due_date)
        .join(WorkshopAction, WorkshopAction.action_id == Action.id)
        .where(WorkshopAction.item_id == item_id)
        .order_by(Action.due_date, Action.id)
    ).all()
    return tuple(MinutesAction(title, owner, due) for title, owner, due in rows)
