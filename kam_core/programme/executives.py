"""Our executives: the people who sponsor strategic accounts and meet the customers' leaders.

One table for the whole programme (not per account), edited like a canvas section through the
roster engine (``kam_core.programme.roster``): validated whole with the shared cell normaliser, saved in
one transaction, stale rows refused. Names are unique, ignoring case and accents
(duplicate_name), also against executives the save leaves out; an e-mail, when given, looks like
one (email_format). An executive is never deleted (their pairings and meetings are history):
they are made inactive.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kam_core.common.cells import Column
from kam_core.common.text import fold_name
from kam_core.programme.roster import RosterSpec, Unique, load_roster, save_roster
from kam_core.store.models import Executive

COLUMNS = (
    Column("name", "text", required=True, max_length=120),
    Column("title", "text", required=True, max_length=120),
    Column("function", "text", required=True, max_length=80),
    Column("email", "text", max_length=254),
    Column("max_accounts", "int", required=True, minimum=1, maximum=20),
    Column("active", "bool"),
)
EXECUTIVES = RosterSpec(
    Executive, COLUMNS, "executive", ("-active", "name"), unique=(Unique("name", fold_name, "duplicate_name"),)
)


def load_executives(session: Session) -> pd.DataFrame:
    """Every executive, active ones first, by name: ``id``, ``version``, then COLUMNS."""
    return load_roster(session, EXECUTIVES)


def save_executives(engine: Engine, rows: list[dict], read_ids: Iterable[int]) -> int:
    """Save the table as the user left it; a row the user read and left out is made inactive,
    never deleted; executives someone else added since the read are left alone. Returns the
    number of rows changed; raises ValidationError or ConflictError (see ``save_roster``)."""
    return save_roster(engine, EXECUTIVES, rows, read_ids)
