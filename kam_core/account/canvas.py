"""The account plan (canvas): which sections are filled, per account.

A section counts as filled when it holds what a KAM would need to present it:

| section            | filled when                                                        |
| ------------------ | ------------------------------------------------------------------ |
| key_figures        | revenue recorded for at least one year and a 3-year potential      |
| customer           | the customer's business is described                               |
| priorities         | at least one customer priority                                     |
| value_proposition  | every priority has a value proposition (and there is one priority) |
| swot               | all four SWOT quadrants hold at least one item                     |
| competitors        | at least one competitor is named                                   |
| buying_centre      | at least 3 stakeholders, one of them a decision maker              |
| white_space        | at least one white-space cell                                      |
| ambition           | the 3-year ambition is written                                     |
| objectives         | at least one objective                                             |
| actions            | at least one action                                                |
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import and_, distinct, func, select
from sqlmodel import Session

from kam_core.store.frames import rows_frame
from kam_core.store.models import (
    Account,
    AccountPlan,
    AccountYear,
    Action,
    Competitor,
    Objective,
    Priority,
    Stakeholder,
    SwotItem,
    ValueProposition,
    WhiteSpaceCell,
)

PLAN_SECTIONS = (
    "key_figures",
    "customer",
    "priorities",
    "value_proposition",
    "swot",
    "competitors",
    "buying_centre",
    "white_space",
    "ambition",
    "objectives",
    "actions",
)
MIN_STAKEHOLDERS = 3


def _counts(session: Session, statement) -> dict[int, int]:
    # Core rows: over every account, the ORM's row processing costs more than the counting query
    return dict(session.connection().execute(statement).all())


def _filled_text(column):
    return and_(column.is_not(None), func.length(func.trim(column)) > 0)


def section_facts(session: Session, account_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Raw counts per account that the completeness rules read (one grouped query per fact)."""
    ids = None if account_ids is None else list(account_ids)

    def of(column):  # every account: no filter (an IN over every id costs a lookup per row)
        return [] if ids is None else [column.in_(ids)]

    def per_account(model, *where):
        statement = select(model.account_id, func.count(model.id)).where(*of(model.account_id), *where)
        return _counts(session, statement.group_by(model.account_id))

    priorities_with_vp = _counts(
        session,
        select(Priority.account_id, func.count(distinct(Priority.id)))
        .join(ValueProposition, ValueProposition.priority_id == Priority.id)
        .where(*of(Priority.account_id))
        .group_by(Priority.account_id),
    )
    swot_kinds = _counts(
        session,
        select(SwotItem.account_id, func.count(distinct(SwotItem.kind)))
        .where(*of(SwotItem.account_id))
        .group_by(SwotItem.account_id),
    )
    accounts = session.execute(
        select(Account.id, Account.potential_3y).where(*of(Account.id)).order_by(Account.id)
    ).all()
    facts = rows_frame(accounts, ["account_id", "potential_3y"]).set_index("account_id")
    series = {
        "revenue_years": per_account(AccountYear),
        "business": per_account(AccountPlan, _filled_text(AccountPlan.business)),
        "ambition": per_account(AccountPlan, _filled_text(AccountPlan.ambition)),
        "priorities": per_account(Priority),
        "priorities_with_vp": priorities_with_vp,
        "swot_kinds": swot_kinds,
        "competitors": per_account(Competitor),
        "stakeholders": per_account(Stakeholder),
        "decision_makers": per_account(Stakeholder, Stakeholder.role == "decision_maker"),
        "white_space_cells": per_account(WhiteSpaceCell),
        "objectives": per_account(Objective),
        "actions": per_account(Action),
    }
    for name, values in series.items():
        facts[name] = pd.Series(values, dtype="int64").reindex(facts.index).fillna(0).astype(int)
    return facts.reset_index()


def completeness(facts: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per plan section, ``filled`` (count) and ``pct`` (0-100), per account."""
    done = pd.DataFrame({"account_id": facts["account_id"]})
    done["key_figures"] = (facts["revenue_years"] > 0) & facts["potential_3y"].notna()
    done["customer"] = facts["business"] > 0
    done["priorities"] = facts["priorities"] > 0
    done["value_proposition"] = (facts["priorities"] > 0) & (facts["priorities_with_vp"] >= facts["priorities"])
    done["swot"] = facts["swot_kinds"] >= 4
    done["competitors"] = facts["competitors"] > 0
    done["buying_centre"] = (facts["stakeholders"] >= MIN_STAKEHOLDERS) & (facts["decision_makers"] > 0)
    done["white_space"] = facts["white_space_cells"] > 0
    done["ambition"] = facts["ambition"] > 0
    done["objectives"] = facts["objectives"] > 0
    done["actions"] = facts["actions"] > 0
    done["filled"] = done[list(PLAN_SECTIONS)].sum(axis=1).astype(int)
    done["pct"] = (100.0 * done["filled"] / len(PLAN_SECTIONS)).round(0)
    return done


def missing_sections(row: pd.Series) -> list[str]:
    """The sections of one completeness row that are still empty, in canvas order."""
    return [section for section in PLAN_SECTIONS if not bool(row[section])]
