"""The minutes of a workshop: what the room reviewed and decided, as plain data.

``kam_core.workshop`` fills a ``WorkshopMinutes`` from the store; the renderers (Word and a slide)
turn it into files. Quadrant codes are those of ``kam_core.portfolio.segmentation.QUADRANTS``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class VoteSpread:
    """The room's votes on one criterion of one account, and the score committed."""

    criterion: str
    axis: str  # "attractiveness" or "strength"
    votes: int
    low: float | None
    median: float | None
    high: float | None
    outliers: tuple[str, ...] = ()  # the participants whose vote stood far from the others
    committed: float | None = None


@dataclass(frozen=True)
class MinutesAction:
    title: str
    owner: str
    due: date | None


@dataclass(frozen=True)
class ReviewedAccount:
    name: str
    segment_before: str | None  # quadrant code, None when the account was not placed
    segment_after: str | None
    attractiveness_before: float | None
    strength_before: float | None
    attractiveness_after: float | None
    strength_after: float | None
    decision: str  # "confirmed", "changed" or "" (no decision recorded)
    reason: str
    actions: tuple[MinutesAction, ...] = ()
    spreads: tuple[VoteSpread, ...] = ()
    minutes_spent: float | None = None


@dataclass(frozen=True)
class WorkshopMinutes:
    title: str
    held_on: date
    period: str
    facilitator: str
    participants: tuple[str, ...]
    accounts: tuple[ReviewedAccount, ...] = field(default_factory=tuple)
