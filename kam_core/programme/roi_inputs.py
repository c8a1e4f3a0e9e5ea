"""What the programme's ROI (``kam_core.programme.roi``) needs, read from the store.

- The programme's settings: start year, horizon, organic growth, default margin, a KAM's default cost and
  share, an executive's hourly cost, hours per kind of meeting, other yearly costs, the currency.
- The accounts in the programme (``membership.programme_accounts``) with their entry year, today's
  segment, margin (None: the default applies), KAM, recorded revenue (``AccountYear``) and revenue
  ambition (``RevenueAmbition``) per year of the horizon (from the year before the start on), and their
  executive meetings per year and kind: held in past years, held or planned in the current year,
  planned in later years, cancelled never.
- The KAMs of those accounts, each with their own yearly cost and share of time, else the programme's
  (``own_cost`` says which).

With no start year the ROI cannot be computed: the settings are read, the accounts are not.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from kam_core.portfolio import overview
from kam_core.portfolio.segmentation import load_programme
from kam_core.programme.membership import programme_accounts, with_programme_since
from kam_core.programme.roi import OTHER_COSTS, AccountInputs, KamCost, RoiInputs
from kam_core.store.models import Account, AccountYear, Engagement, Kam, RevenueAmbition

# Executive meetings the ROI counts as a cost, by where their year stands against the current year
COUNTED_STATUSES = {"past": ("held",), "current": ("held", "planned"), "later": ("planned",)}


def meeting_hours(text: str | None) -> dict[str, float]:
    """The programme's hours per kind of meeting (JSON text); a kind whose hours cannot be read is left
    out, so the ROI names it as missing rather than counting it at zero."""
    try:
        values = json.loads(text or "{}")
    except ValueError:
        return {}
    if not isinstance(values, dict):
        return {}
    hours = {}
    for kind, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            hours[str(kind)] = float(value)
    return hours


def read_roi_inputs(session: Session, today: date, table: pd.DataFrame | None = None) -> RoiInputs:
    """The ROI's inputs as the store holds them today. ``table`` is ``overview.account_table(session,
    today)`` when the caller has it already (the app's reader keeps it), else it is read here."""
    programme = load_programme(session)
    start = programme.start_year
    current = today.year
    accounts: tuple[AccountInputs, ...] = ()
    kams: tuple[KamCost, ...] = ()
    if start is not None:
        if table is None:
            table = overview.account_table(session, today)
        members = programme_accounts(with_programme_since(session, table), start)
        first, last = start - 1, start + programme.horizon_years - 1
        accounts = _accounts(session, members, first, last, current)
        kams = _kams(session, programme, {account.kam_id for account in accounts if account.kam_id is not None})
    return RoiInputs(
        currency=programme.currency,
        start_year=start,
        horizon_years=programme.horizon_years,
        current_year=current,
        organic_growth_pct=float(programme.organic_growth_pct),
        default_margin_pct=float(programme.default_margin_pct),
        executive_hour_cost=float(programme.executive_hour_cost),
        meeting_hours=meeting_hours(programme.meeting_hours),
        other_costs={name: float(getattr(programme, name) or 0.0) for name in OTHER_COSTS},
        kams=kams,
        accounts=accounts,
    )


CHUNK = 500  # account ids per query: well under every backend's limit of bound parameters


def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _accounts(session: Session, members: pd.DataFrame, first: int, last: int, current: int) -> tuple:
    # the programme's accounts are a few hundred at most (its strategic capacity and those entered by
    # hand): read by their ids, through the indexes on account_id, not the whole portfolio's rows
    ids = {int(i) for i in members["account_id"]}
    details: dict[int, tuple] = {}
    revenue: dict[int, dict[int, float]] = {}
    ambition: dict[int, dict[int, float]] = {}
    for chunk in _chunks(ids):
        for account_id, kam_id, margin in session.execute(
            select(Account.id, Account.kam_id, Account.margin_pct).where(Account.id.in_(chunk))
        ):
            details[account_id] = (kam_id, margin)
        for model, into in ((AccountYear, revenue), (RevenueAmbition, ambition)):
            amount = model.revenue if model is AccountYear else model.amount
            for account_id, year, value in session.execute(
                select(model.account_id, model.year, amount).where(
                    model.account_id.in_(chunk), model.year.between(first, last)
                )
            ):
                into.setdefault(account_id, {})[int(year)] = float(value)
    meetings = _meetings(session, ids, first, last, current)
    result = []
    for row in members.itertuples(index=False):
        account_id = int(row.account_id)
        kam_id, margin = details.get(account_id, (None, None))
        result.append(
            AccountInputs(
                account_id=account_id,
                name=str(row.name),
                segment=str(row.segment),
                entry_year=int(row.entry_year),
                revenue=revenue.get(account_id, {}),
                ambition=ambition.get(account_id, {}),
                margin_pct=None if margin is None else float(margin),
                kam_id=None if kam_id is None else int(kam_id),
                meetings=meetings.get(account_id, {}),
            )
        )
    return tuple(result)


def _meetings(session: Session, ids: set[int], first: int, last: int, current: int) -> dict:
    """account -> year -> kind -> executive meetings counted (``COUNTED_STATUSES``)."""
    counted: dict[int, dict[int, dict[str, int]]] = {}
    for chunk in _chunks(ids):
        query = select(Engagement.account_id, Engagement.on_date, Engagement.kind, Engagement.status).where(
            Engagement.account_id.in_(chunk),
            Engagement.status != "cancelled",
            Engagement.on_date >= date(first, 1, 1),
            Engagement.on_date <= date(last, 12, 31),
        )
        for account_id, on_date, kind, status in session.execute(query):
            year = on_date.year
            when = "past" if year < current else "current" if year == current else "later"
            if status not in COUNTED_STATUSES[when]:
                continue
            kinds = counted.setdefault(account_id, {}).setdefault(year, {})
            kinds[kind] = kinds.get(kind, 0) + 1
    return counted


def _kams(session: Session, programme, kam_ids: set[int]) -> tuple[KamCost, ...]:
    if not kam_ids:
        return ()
    rows = session.execute(
        select(Kam.id, Kam.name, Kam.yearly_cost, Kam.programme_share_pct).where(Kam.id.in_(sorted(kam_ids)))
    ).all()
    return tuple(
        KamCost(
            kam_id=int(kam_id),
            name=name,
            yearly_cost=float(programme.kam_yearly_cost if cost is None else cost),
            share_pct=float(programme.kam_share_pct if share is None else share),
            own_cost=cost is not None,
        )
        for kam_id, name, cost, share in sorted(rows, key=lambda row: (row[1], row[0]))
    )
