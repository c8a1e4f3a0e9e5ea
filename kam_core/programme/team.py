"""Our KAM team and our offers: the programme's own reference tables.

Two tables for the whole programme, edited like our executives through the roster engine
(``kam_core.programme.roster``): validated whole, saved in one transaction, stale rows refused, and never
deleted: a row left out is made inactive.

- Our KAMs own accounts (``Account.kam_id``), so an account's KAM is a choice (``kam_choices``),
  not free text. A KAM made inactive stays the owner of their accounts. Each KAM's row shows how
  many accounts they carry (archived ones left out) and how many of those sit in the strategic
  quadrant of the programme's current period; more strategic accounts than the programme's
  ``accounts_per_kam`` is ``over_limit``.
- Our offers are the white space's rows and what value propositions bring; each row shows how
  many white space cells and value propositions name it (``used``).

| table  | rule (error code {params})                                                          |
| ------ | ----------------------------------------------------------------------------------- |
| KAMs   | e-mail required, looks like one (email_format {row, value}) and is unique ignoring  |
|        | case, also against KAMs the save leaves out (duplicate_email {row, value})          |
| offers | names unique ignoring case and accents, also against offers the save leaves out     |
|        | (duplicate_name {row, value})                                                       |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kam_core.common.cells import Column
from kam_core.common.text import fold_name
from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
from kam_core.programme.roster import RosterSpec, Unique, load_roster, save_roster
from kam_core.store.models import Account, Kam, Offer, ValueProposition, WhiteSpaceCell

KAM_COLUMNS = (
    Column("name", "text", required=True, max_length=120),
    Column("email", "text", required=True, max_length=254),
    Column("region", "text", max_length=80),
    Column("active", "bool"),
)
KAMS = RosterSpec(
    Kam, KAM_COLUMNS, "kam", ("-active", "name"), unique=(Unique("email", str.casefold, "duplicate_email"),)
)

OFFER_COLUMNS = (
    Column("name", "text", required=True, max_length=120),
    Column("family", "text", required=True, max_length=80),
    Column("active", "bool"),
)
OFFERS = RosterSpec(
    Offer, OFFER_COLUMNS, "offer", ("-active", "family", "name"), unique=(Unique("name", fold_name, "duplicate_name"),)
)


# --- our KAMs -------------------------------------------------------------------------------------


def load_kams(session: Session, today_period: str | None = None) -> pd.DataFrame:
    """Every KAM, active ones first, by name: ``id``, ``version``, KAM_COLUMNS, then
    ``accounts`` (their accounts, archived ones left out), ``strategic`` (those of them in the
    strategic quadrant of ``today_period``, by default the programme's current period, at the
    programme's thresholds) and ``over_limit`` (strategic above the programme's accounts_per_kam)."""
    table = load_roster(session, KAMS)
    programme = load_programme(session)
    period = today_period or programme.current_period
    quadrants = segments(session, period, Thresholds(programme.attractiveness_threshold, programme.strength_threshold))
    strategic_ids = {
        int(identifier) for identifier in quadrants.loc[quadrants["quadrant"] == "strategic", "account_id"]
    }
    owned = (
        session.connection()
        .execute(select(Account.id, Account.kam_id).where(Account.status != "archived", Account.kam_id.is_not(None)))
        .all()
    )
    accounts = Counter(kam_id for _, kam_id in owned)
    strategic = Counter(kam_id for account_id, kam_id in owned if account_id in strategic_ids)
    table["accounts"] = [accounts[identifier] for identifier in table["id"]]
    table["strategic"] = [strategic[identifier] for identifier in table["id"]]
    table["over_limit"] = [count > programme.accounts_per_kam for count in table["strategic"]]
    return table.astype({"accounts": int, "strategic": int, "over_limit": bool})


def save_kams(engine: Engine, rows: list[dict], read_ids: Iterable[int]) -> int:
    """Save the KAM table as the user left it (see ``roster.save_roster``); a KAM the user read
    and left out is made inactive, never deleted, and stays the owner of their accounts.
    Returns the number of rows changed; columns other than KAM_COLUMNS are ignored."""
    return save_roster(engine, KAMS, rows, read_ids)


def kam_choices(session: Session, current: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active KAMs, by name, and of ``current`` (the account's KAM) even when
    inactive, so it keeps its label. Two KAMs sharing a name are told apart by their e-mail."""
    wanted = Kam.active.is_(True) if current is None else or_(Kam.active.is_(True), Kam.id == current)
    rows = session.execute(select(Kam.id, Kam.name, Kam.email).where(wanted).order_by(Kam.name, Kam.id)).all()
    shared = Counter(name for _, name, _ in rows)
    return [(identifier, name if shared[name] == 1 else f"{name} ({email})") for identifier, name, email in rows]


# --- our offers -----------------------------------------------------------------------------------


def load_offers(session: Session) -> pd.DataFrame:
    """Every offer, active ones first, by family then name: ``id``, ``version``, OFFER_COLUMNS,
    then ``used`` (white space cells plus value propositions naming the offer)."""
    table = load_roster(session, OFFERS)
    used = Counter()
    for model in (WhiteSpaceCell, ValueProposition):
        used.update(
            dict(
                session.execute(
                    select(model.offer_id, func.count()).where(model.offer_id.is_not(None)).group_by(model.offer_id)
                ).all()
            )
        )
    table["used"] = [used[identifier] for identifier in table["id"]]
    return table.astype({"used": int})


def save_offers(engine: Engine, rows: list[dict], read_ids: Iterable[int]) -> int:
    """Save the offer table as the user left it (see ``roster.save_roster``); an offer the user
    read and left out is made inactive, never deleted (white space cells name it). Returns the
    number of rows changed; columns other than OFFER_COLUMNS are ignored."""
    return save_roster(engine, OFFERS, rows, read_ids)
