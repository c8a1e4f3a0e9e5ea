"""The programme's accounts as the global account selector needs them, and which of them it offers.

A programme of a few hundred accounts is offered whole. A larger one would make the selector send
every name to the browser at every click, so the selector then offers a shortlist - the selected
account, the ones opened lately and the largest by revenue - and a search that finds any account
by part of its name (case and accents ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.text import fold_name
from kam_core.store.models import Account, AccountYear


@dataclass(frozen=True)
class AccountDirectory:
    """The accounts in the programme (archived ones are not)."""

    ids: tuple[int, ...]  # by name
    names: dict[int, str]
    keys: dict[int, str]  # folded names, for the search
    by_revenue: tuple[int, ...]  # the latest year's revenue with us, largest first
    position: dict[int, int] = field(default_factory=dict)  # id -> place in ``ids``
    archived: frozenset[int] = frozenset()  # when read with the archived accounts

    def __post_init__(self):
        if not self.position:
            object.__setattr__(self, "position", {account_id: place for place, account_id in enumerate(self.ids)})

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, account_id) -> bool:
        return account_id in self.names


def account_directory(session: Session, *, with_archived: bool = False) -> AccountDirectory:
    """The programme's accounts (``with_archived``: the archived ones too, marked in ``archived``)."""
    latest = (
        select(AccountYear.revenue)
        .where(AccountYear.account_id == Account.id)
        .order_by(AccountYear.year.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(Account.id, Account.name, Account.name_key, latest, Account.status)
    if not with_archived:
        query = query.where(Account.status != "archived")
    rows = session.execute(query.order_by(Account.name_key, Account.id)).all()
    by_revenue = sorted(rows, key=lambda row: (-(row[3] or 0.0), row[2], row[0]))
    return AccountDirectory(
        ids=tuple(row[0] for row in rows),
        names={row[0]: row[1] for row in rows},
        keys={row[0]: row[2] or fold_name(row[1]) for row in rows},
        by_revenue=tuple(row[0] for row in by_revenue),
        archived=frozenset(row[0] for row in rows if row[4] == "archived"),
    )


def without_archived(directory: AccountDirectory) -> AccountDirectory:
    """The directory read ``with_archived``, less its archived accounts: what ``account_directory``
    reads without them, without reading the store twice."""
    if not directory.archived:
        return directory
    gone = directory.archived
    return AccountDirectory(
        ids=tuple(i for i in directory.ids if i not in gone),
        names={i: name for i, name in directory.names.items() if i not in gone},
        keys={i: key for i, key in directory.keys.items() if i not in gone},
        by_revenue=tuple(i for i in directory.by_revenue if i not in gone),
    )


def neighbour(directory: AccountDirectory, account_id: int | None, step: int) -> int | None:
    """The account ``step`` places after ``account_id`` (before, when negative) in the selector's
    order (by name), going round at either end: what the presentation mode's previous and next
    buttons open. The first account when ``account_id`` is not in the directory; None when empty."""
    if not directory.ids:
        return None
    place = directory.position.get(account_id) if account_id is not None else None
    if place is None:
        return directory.ids[0]
    return directory.ids[(place + step) % len(directory.ids)]


@dataclass(frozen=True)
class SelectorOptions:
    ids: list[int]  # what the selector lists, by name
    matched: int  # accounts the search matched (every account when there is no search)
    searched: bool


def selector_options(
    directory: AccountDirectory,
    *,
    selected: int | None = None,
    recent: Sequence[int] = (),
    query: str = "",
    limit: int = 100,
) -> SelectorOptions:
    """The accounts the selector lists: every account when there are at most ``limit``; else, with a
    ``query``, the first ``limit`` whose name contains it; without one, the ``recent`` accounts and
    the largest by revenue up to ``limit``. The ``selected`` account is always listed."""
    folded = fold_name(query or "")
    if folded:
        matches = [account_id for account_id in directory.ids if folded in directory.keys[account_id]]
        chosen, matched = matches[:limit], len(matches)
    elif len(directory) <= limit:
        chosen, matched = list(directory.ids), len(directory)
    else:
        picked: dict[int, None] = {}
        for account_id in recent:
            if len(picked) >= limit:
                break
            if account_id in directory:
                picked.setdefault(account_id)
        for account_id in directory.by_revenue:
            if len(picked) >= limit:
                break
            picked.setdefault(account_id)
        chosen, matched = list(picked), len(directory)
    if selected is not None and selected in directory and selected not in chosen:
        chosen.append(selected)
    chosen.sort(key=directory.position.__getitem__)
    return SelectorOptions(chosen, matched, bool(folded))


def group_head_options(
    directory: AccountDirectory,
    *,
    excluded: frozenset[int] = frozenset(),
    current: tuple[int, str] | None = None,
    heads: Sequence[int] = (),
    query: str = "",
    limit: int = 100,
    typed: int | None = None,
) -> SelectorOptions:
    """The accounts an account's group head may be chosen from, as ``selector_options`` lists them
    (the accounts that head a group come first in a large programme), without the account and its
    subsidiaries (``excluded``); the ``current`` head is always listed, first when it is archived,
    and so is the head ``typed`` in a form not saved yet."""
    current_id = current[0] if current else None
    options = selector_options(directory, selected=current_id, recent=heads, query=query, limit=limit)
    ids = [account_id for account_id in options.ids if account_id not in excluded]
    if typed is not None and typed in directory and typed not in excluded and typed not in ids:
        ids.append(typed)
        ids.sort(key=directory.position.__getitem__)
    if current_id is not None and current_id not in directory:
        ids.insert(0, current_id)
    return SelectorOptions(ids, options.matched, options.searched)
