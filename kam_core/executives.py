"""Our executives: the people who sponsor strategic accounts and meet the customers' leaders.

One table for the whole programme (not per account), edited like a canvas section: validated
whole with the shared cell normaliser, saved in one transaction, stale rows refused. An
executive is never deleted (their pairings and meetings are history): they are made inactive.
"""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kam_core.db import session_scope
from kam_core.errors import ConflictError, FieldError, ValidationError
from kam_core.models import Executive
from kam_core.sections import Column, Refused, is_empty, normalise
from kam_core.text import fold_name

COLUMNS = (
    Column("name", "text", required=True, max_length=120),
    Column("title", "text", required=True, max_length=120),
    Column("function", "text", required=True, max_length=80),
    Column("email", "text", max_length=254),
    Column("max_accounts", "int", required=True, minimum=1, maximum=20),
    Column("active", "bool"),
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def load_executives(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Executive).order_by(Executive.active.desc(), Executive.name)).scalars().all()
    return pd.DataFrame([{"id": row.id, "version": row.version, **{c.name: getattr(row, c.name) for c in COLUMNS}}
                         for row in rows], columns=["id", "version", *(c.name for c in COLUMNS)])


def _validate(rows: list[dict]) -> tuple[list[dict], list[FieldError]]:
    cleaned, errors, seen = [], [], {}
    for number, row in enumerate(rows, start=1):
        if all(is_empty(row.get(c.name)) for c in COLUMNS) and is_empty(row.get("id")):
            continue  # a blank new row
        values = {}
        for column in COLUMNS:
            raw = row.get(column.name)
            try:
                values[column.name] = normalise(column, raw)
            except Refused as refused:
                errors.append(FieldError(column.name, refused.code, {"row": number, "value": raw, **refused.params}))
        if values.get("active") is None:
            values["active"] = True
        email = values.get("email")
        if email and not _EMAIL.match(email):
            errors.append(FieldError("email", "email_format", {"row": number, "value": email}))
        name = values.get("name")
        if name:
            key = fold_name(name)
            if key in seen:
                errors.append(FieldError("name", "duplicate_name", {"row": number, "value": name}))
            seen[key] = number
        cleaned.append({"id": None if is_empty(row.get("id")) else int(row["id"]),
                        "version": None if is_empty(row.get("version")) else int(row["version"]), **values})
    return cleaned, errors


def save_executives(engine: Engine, rows: list[dict], read_ids: set[int]) -> int:
    """Save the table as the user left it; a row the user read and left out is made inactive,
    never deleted; executives someone else added since the read are left alone."""
    cleaned, errors = _validate(rows)
    if errors:
        raise ValidationError(errors)
    changes = 0
    with session_scope(engine) as session:
        stored = {row.id: row for row in session.execute(select(Executive)).scalars()}
        kept = set()
        for row in cleaned:
            values = {c.name: row[c.name] for c in COLUMNS}
            if row["id"] is None:
                session.add(Executive(**values))
                changes += 1
                continue
            record = stored.get(row["id"])
            if record is None or record.version != row["version"]:
                raise ConflictError("executive", record.updated_at if record else None)
            kept.add(record.id)
            if any(getattr(record, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(record, name, value)
                changes += 1
        for record_id in read_ids - kept:
            record = stored.get(record_id)
            if record is not None and record.active:
                record.active = False
                changes += 1
        session.flush()
    return changes
