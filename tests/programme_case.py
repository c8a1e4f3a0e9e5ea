"""The demo's business case taken back to a new programme's, for the tests that build their own.

The demo portfolio holds a programme business case (``kam_core/demo/programme_case.py``: a start year,
ROI inputs, revenue ambitions, targets, a budget line, the company's dates, late entrants, KAMs' own
costs). A test that sets up its own case, or that checks what a programme shows before anything is
given, starts from ``clear_business_case``: the rest of the demo (accounts, revenue, scores,
engagements, ...) stays as it is. The tests that can read the demo's own case as a user sees it on
``make run`` do not call it.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine

from kam_core.exchange.workbook import ADDED_COLUMNS
from kam_core.store import db
from kam_core.store.models import Account, Kam, Programme, ProgrammeTarget, RevenueAmbition, TargetActual

# The programme's columns of migration 0009 (the business case), all back to the model's defaults: the
# same list the workbook restore fills in for an older backup
CASE_FIELDS = ADDED_COLUMNS["0009"]["programme"]


def new_programme_defaults() -> dict:
    """The business case columns of a new programme (the model's defaults: no start year, no budget
    line, no company dates, no ambition text)."""
    return {name: Programme.model_fields[name].default for name in CASE_FIELDS}


def clear_business_case(target: str | Engine) -> None:
    """Take the business case of the database at ``target`` (a URL or an engine) back to a new
    programme's, in one transaction: the programme's business-case columns at their defaults, no
    revenue ambition, no target nor typed actual, no account entered by hand (``programme_since``),
    no KAM's own cost or share. The rows changed get a new version, as any write."""
    engine = db.get_engine(target) if isinstance(target, str) else target
    with db.session_scope(engine) as session:
        programme = session.get(Programme, 1)
        for name, value in new_programme_defaults().items():
            setattr(programme, name, value)
        session.execute(delete(TargetActual))
        session.execute(delete(ProgrammeTarget))
        session.execute(delete(RevenueAmbition))
        session.execute(
            update(Account)
            .where(Account.programme_since.is_not(None))
            .values(programme_since=None, version=Account.version + 1)
        )
        session.execute(
            update(Kam)
            .where(Kam.yearly_cost.is_not(None) | Kam.programme_share_pct.is_not(None))
            .values(yearly_cost=None, programme_share_pct=None, version=Kam.version + 1)
        )
