"""Handshake rules: stages, coverage, RAG status of commitments."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.models import CLOSED_COMMITMENT_STATUSES, HANDSHAKE_STAGES, Commitment, Handshake

AGREED_STAGES = ("agreed", "in_review")
AMBER_WINDOW_DAYS = 14


def is_agreed(stage: str | None) -> bool:
    """A handshake counts as agreed from the 'agreed' stage on (quarterly reviews included)."""
    return stage in AGREED_STAGES


def stage_index(stage: str) -> int:
    return HANDSHAKE_STAGES.index(stage)


def rag_status(status: str, due: date, today: date, closed_statuses=CLOSED_COMMITMENT_STATUSES) -> str:
    """'done' when closed; 'red' when overdue; 'amber' when due within 14 days; else 'green'."""
    if status in closed_statuses:
        return "done"
    days_left = (due - today).days
    if days_left < 0:
        return "red"
    if days_left <= AMBER_WINDOW_DAYS:
        return "amber"
    return "green"


def load_handshakes(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Handshake.account_id, Handshake.stage, Handshake.stage_since,
                                  Handshake.next_review_on)).all()
    return pd.DataFrame(rows, columns=["account_id", "handshake_stage", "stage_since", "next_review_on"])


def overdue_commitments_per_account(session: Session, today: date) -> pd.DataFrame:
    rows = session.execute(
        select(Handshake.account_id, Commitment.side, func.count(Commitment.id))
        .join(Handshake, Handshake.id == Commitment.handshake_id)
        .where(Commitment.status.not_in(CLOSED_COMMITMENT_STATUSES), Commitment.due_date < today)
        .group_by(Handshake.account_id, Commitment.side)).all()
    frame = pd.DataFrame(rows, columns=["account_id", "side", "count"])
    wide = frame.pivot_table(index="account_id", columns="side", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["ours", "theirs"], fill_value=0)
    wide.columns = ["overdue_ours", "overdue_theirs"]
    return wide.reset_index()
