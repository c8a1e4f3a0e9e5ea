"""Which accounts are in the programme, and since which year (docs/method.md, "The programme's return
on investment"): one rule, shared by the ROI, the targets and the yearly cycle.

An account is in the programme when it is
- active (not archived, not a prospect) and Strategic today (the current period's segment), or
- entered by hand: its ``programme_since`` is set, whatever its segment or whether it is still a
  prospect; an archived account has left the programme, even with ``programme_since`` set.

Its entry year is its ``programme_since``, else the programme's ``start_year`` (None when neither is
set: the ROI names the start year as missing).

``programme_accounts`` is pure: it works on ``overview.account_table``'s frame (``account_id``,
``segment``, ``status``) with the ``programme_since`` column added by ``with_programme_since`` (that
column is not in the account table, which every page reads, so it is read here, in one query).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from kam_core.store.frames import rows_frame
from kam_core.store.models import Account

STRATEGIC = "strategic"
ACTIVE = "active"
ARCHIVED = "archived"


def read_programme_since(session: Session) -> pd.DataFrame:
    """``account_id``, ``programme_since`` of the accounts entered by hand (the others have none)."""
    rows = session.execute(
        select(Account.id, Account.programme_since).where(Account.programme_since.is_not(None))
    ).all()
    return rows_frame(rows, ["account_id", "programme_since"])


def with_programme_since(session: Session, table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``overview.account_table``'s frame with the ``programme_since`` column (nullable int)."""
    since = read_programme_since(session)
    result = table.drop(columns=["programme_since"], errors="ignore").merge(since, on="account_id", how="left")
    result["programme_since"] = result["programme_since"].astype("Int64")
    return result


def programme_accounts(table: pd.DataFrame, start_year: int | None) -> pd.DataFrame:
    """The accounts in the programme: the rows of ``table`` (which has ``account_id``, ``segment``,
    ``status`` and ``programme_since``) that are in it, with an ``entry_year`` column (nullable int:
    ``programme_since``, else ``start_year``; missing when both are). Order of ``table`` kept."""
    since = table["programme_since"].astype("Int64")
    strategic_today = (table["status"] == ACTIVE) & (table["segment"] == STRATEGIC)
    entered_by_hand = since.notna() & (table["status"] != ARCHIVED)
    members = table[strategic_today | entered_by_hand.fillna(False).astype(bool)].copy()
    entry = since[members.index]
    if start_year is not None:
        entry = entry.fillna(int(start_year))
    members["entry_year"] = entry.astype("Int64")
    return members


def programme_account_ids(table: pd.DataFrame, start_year: int | None) -> list[int]:
    """The ids of ``programme_accounts(table, start_year)``, in the order of ``table``."""
    return [int(i) for i in programme_accounts(table, start_year)["account_id"]]
