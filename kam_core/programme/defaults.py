"""Default programme settings and scoring criteria, installed in every new database.

The criteria follow the classic key-account portfolio matrix: attractiveness of the
account to us (vertical axis) and our relative strength as the customer sees it
(horizontal axis). Weights on each axis sum to 100; each criterion carries an anchored
scale (what a 0-2, a 5 and an 8-10 mean) so that scores from different KAMs compare.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from kam_core.programme.periods import period_of
from kam_core.store.models import Criterion, Programme

# current_period is not here: install_defaults computes it from today.
DEFAULT_PROGRAMME: dict = {
    "name": "Key Account Programme",
    "currency": "EUR",
    "attractiveness_threshold": 5.0,
    "strength_threshold": 5.0,
    "strategic_capacity": 12,  # a 30-account demo programme: the strategic list must stay short
    "accounts_per_kam": 4,
}


def _criterion(axis, position, name, weight, description, low, mid, high) -> dict:
    return {
        "axis": axis,
        "name": name,
        "description": description,
        "weight": float(weight),
        "position": position,
        "anchor_low": low,
        "anchor_mid": mid,
        "anchor_high": high,
    }


DEFAULT_CRITERIA: list[dict] = [
    # --- attractiveness of the account to us, over a 3-year horizon (weights sum to 100)
    _criterion(
        "attractiveness",
        1,
        "Available spend (size)",
        25,
        "The customer's yearly spend in our categories, with any supplier.",
        "< 1 M EUR a year spent in our categories",
        "About 5 M EUR a year spent in our categories",
        "> 20 M EUR a year spent in our categories, on many sites",
    ),
    _criterion(
        "attractiveness",
        2,
        "Growth",
        15,
        "How fast the customer's spend in our categories grows over the next 3 years.",
        "Spend flat or shrinking; sites closing or being consolidated",
        "Spend growing 3-5% a year, in line with its market",
        "Spend growing > 10% a year: new sites, capacity, acquisitions",
    ),
    _criterion(
        "attractiveness",
        3,
        "Profitability & cost to serve",
        20,
        "The margin we can make once tenders, penalties, logistics and service are paid.",
        "Margin < 10%, or a heavy cost to serve (tenders, penalties, rework)",
        "Margin around 20% with a standard cost to serve",
        "Margin > 30%, low cost to serve, few formal tenders",
    ),
    _criterion(
        "attractiveness",
        4,
        "Strategic fit",
        15,
        "How well the account matches our ambition: target segments and offers we invest in.",
        "Outside our target segments; buys what we are stepping away from",
        "In a target segment; buys part of our core offer",
        "Core target segment; needs our whole portfolio, digital services included",
    ),
    _criterion(
        "attractiveness",
        5,
        "Openness to co-innovation",
        10,
        "Will the customer build new solutions with us: pilots, shared data, joint road maps?",
        "Buys on specification and price only; no pilots",
        "Open to a pilot when we bring the idea and the funding",
        "Proposes joint projects, shares its data and road map",
    ),
    _criterion(
        "attractiveness",
        6,
        "Access to decision makers",
        15,
        "How easily we reach the people who decide, above procurement.",
        "We only meet procurement; the C-level is out of reach",
        "Regular access to one division or site head",
        "Regular C-level access; an executive pairing in place",
    ),
    # --- our relative strength, as the customer sees it (weights sum to 100)
    _criterion(
        "strength",
        1,
        "Share of wallet",
        25,
        "Our revenue divided by the customer's total spend in our categories.",
        "< 10% of its spend in our categories",
        "About 30% of its spend in our categories",
        "> 50% of its spend: we are its first supplier",
    ),
    _criterion(
        "strength",
        2,
        "Relationship depth",
        20,
        "From exploratory and basic (one buyer, one seller) to cooperative, interdependent, integrated.",
        "Exploratory or basic: one buyer-seller contact",
        "Cooperative: several contacts on both sides, preferred supplier",
        "Interdependent or integrated: joint teams, shared plans and data",
    ),
    _criterion(
        "strength",
        3,
        "Offer fit",
        20,
        "How much of the customer's needs our standard offers cover, without heavy adaptation.",
        "Our offers cover < 25% of its needs, or need heavy adaptation",
        "Standard offers cover about half of its needs",
        "We cover most needs; some offers were built with this customer",
    ),
    _criterion(
        "strength",
        4,
        "Competitive position",
        15,
        "Where we stand against the competitors present at the account.",
        "A competitor is incumbent and holds the framework agreement",
        "One of two or three qualified suppliers",
        "Sole or framework supplier; competitors marginal",
    ),
    _criterion(
        "strength",
        5,
        "Reputation & track record",
        10,
        "What the customer's people say about our delivery at this account.",
        "Recent quality issues or an open dispute",
        "Delivered as promised; no notable reference",
        "Flagship reference; the customer promotes us to peers",
    ),
    _criterion(
        "strength",
        6,
        "Perceived value",
        10,
        "Does the customer's leadership see value beyond price in working with us?",
        "Seen as a commodity vendor; price is the only topic",
        "Value acknowledged on projects, not at group level",
        "Value measured and recognised by its leadership",
    ),
]


def defaults_missing(session: Session) -> bool:
    """Whether ``install_defaults`` has anything to insert (a read: no write lock needed to know)."""
    return session.get(Programme, 1) is None or session.exec(select(Criterion.id).limit(1)).first() is None


def install_defaults(session: Session, *, today: date) -> None:
    """Insert the programme row (id 1) and the default criteria when they are missing.

    Idempotent: an existing programme row is left untouched, and criteria are only
    installed when the criterion table is empty (so edited criteria are never duplicated).
    """
    if session.get(Programme, 1) is None:
        session.add(Programme(id=1, current_period=period_of(today), **DEFAULT_PROGRAMME))
    if session.exec(select(Criterion.id).limit(1)).first() is None:
        session.add_all(Criterion(**criterion) for criterion in DEFAULT_CRITERIA)
    session.flush()
