"""Programme-wide tables edited whole, like a canvas section: our executives, our KAMs, our offers.

A roster is one table for the whole programme (not per account) whose rows are never deleted:
accounts, pairings, meetings and white space cells keep pointing at them, so a row is retired by
making it inactive. Each roster is described once by a ``RosterSpec`` (its model, its columns,
the record name its conflicts carry, its order, its unique columns) and goes through one engine:

- ``load_roster`` reads the whole table (``id``, ``version``, then the columns) in the spec's order;
- ``save_roster`` takes the complete table as the user left it, whole or not at all.

Rules of every roster, beyond each column's kind and limits (``cells.normalise``):

| rule                                                                   | error code (params)         |
| ---------------------------------------------------------------------- | --------------------------- |
| a new row left entirely blank is skipped; an empty "active" is True    |                             |
| a column named "email", when set, looks like an e-mail address         | email_format {row, value}   |
| a unique column (``Unique``), folded, holds each value once: within    | the Unique's code, e.g.     |
| the save, and against the stored rows the save does not list (a row   | duplicate_name,             |
| left out, inactive or not, or one someone else added since the read), | duplicate_email             |
| so a save never ends on the database's unique constraint               | {row, value}                |

Every cell error carries the 1-based ``row`` (its position in the rows handed over, blank rows
included) and the ``value`` typed; all of them are reported at once (ValidationError) and nothing
is written. The stored rows are read and checked inside the saving transaction.

Then, in that transaction: rows whose values changed are updated (a changed row saved by someone
else since it was read raises ConflictError, and nothing is written; an unchanged row is not
written and keeps its version), new rows are inserted, and rows the user read (``read_ids``) and
left out are made inactive. Rows someone else added since the read are left alone. Two rows may
trade a unique value in one save (A takes B's name, B takes A's): the row giving its value up
passes through a placeholder first, so its version moves on by two.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.sections import TableRow
from kam_core.common.cells import EMAIL, Column, Refused, is_empty, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.store.db import session_scope
from kam_core.store.records import assign_changed


class Unique(NamedTuple):
    """A column whose values, folded by ``fold``, appear once in the roster (else ``code``)."""

    column: str
    fold: Callable[[str], str]
    code: str


@dataclass(frozen=True)
class RosterSpec:
    model: type  # a Versioned table with an ``active`` flag
    columns: tuple[Column, ...]  # the editable columns; one of them is the bool "active"
    record: str  # what a ConflictError names
    order_by: tuple[str, ...]  # model attributes; a leading "-" sorts descending; id breaks ties
    unique: tuple[Unique, ...] = ()

    def __post_init__(self) -> None:
        names = self.column_names
        if "active" not in names:
            raise ValueError(f"{self.record}: a roster needs an 'active' column")
        if any(unique.column not in names for unique in self.unique):
            raise ValueError(f"{self.record}: a unique column is not one of the columns")

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def load_roster(session: Session, spec: RosterSpec) -> pd.DataFrame:
    """Every row of the roster, inactive ones included: ``id``, ``version``, then the columns."""
    names = spec.column_names
    ordering = [
        getattr(spec.model, name[1:]).desc() if name.startswith("-") else getattr(spec.model, name)
        for name in spec.order_by
    ]
    records = session.scalars(select(spec.model).order_by(*ordering, spec.model.id)).all()
    return pd.DataFrame(
        [
            {"id": record.id, "version": record.version, **{name: getattr(record, name) for name in names}}
            for record in records
        ],
        columns=["id", "version", *names],
    )


def _key(raw, record: str) -> int | None:
    """A row's id or version: None when empty; anything that is no whole number is a row the
    roster does not have."""
    if is_empty(raw):
        return None
    try:
        value = float(plain(raw))
    except (TypeError, ValueError):
        raise ConflictError(record) from None
    if not value.is_integer():
        raise ConflictError(record)
    return int(value)


def _read_rows(spec: RosterSpec, rows: list[dict]) -> tuple[list[TableRow], list[FieldError]]:
    """Every cell through ``normalise``, and the e-mail format. A new row left blank is skipped
    (its tick boxes do not count: the table ticks "active" on every new row)."""
    read, errors = [], []
    for number, row in enumerate(rows, start=1):
        identifier = _key(row.get("id"), spec.record)
        if identifier is None and all(
            is_empty(row.get(column.name)) for column in spec.columns if column.kind != "bool"
        ):
            continue
        values = {}
        for column in spec.columns:
            raw = row.get(column.name)
            try:
                values[column.name] = normalise(column, raw)
            except Refused as refused:
                errors.append(
                    FieldError(column.name, refused.code, {"row": number, "value": plain(raw), **refused.params})
                )
                values[column.name] = None
        if values.get("active") is None:
            values["active"] = True
        email = values.get("email")
        if email and not EMAIL.match(email):
            errors.append(FieldError("email", "email_format", {"row": number, "value": email}))
        read.append(TableRow(number, identifier, _key(row.get("version"), spec.record), values))
    return read, errors


def _unique_errors(spec: RosterSpec, rows: list[TableRow], stored: dict) -> list[FieldError]:
    """One error on each row whose unique value an earlier row of the save, or a stored row the
    save does not list, already holds."""
    listed = {row.id for row in rows}
    others = [record for identifier, record in stored.items() if identifier not in listed]
    errors = []
    for unique in spec.unique:
        taken = {
            unique.fold(value) for value in (getattr(record, unique.column) for record in others) if value is not None
        }
        for row in rows:
            value = row.values[unique.column]
            if value is None:
                continue
            key = unique.fold(value)
            if key in taken:
                errors.append(FieldError(unique.column, unique.code, {"row": row.number, "value": value}))
            taken.add(key)
    return errors


def save_roster(engine: Engine, spec: RosterSpec, rows: list[dict], read_ids: Iterable[int]) -> int:
    """Save the roster as the user left it, whole or not at all; returns the number of rows
    inserted, updated (values changed) or made inactive.

    A row with an ``id`` is an existing row and carries the ``version`` read; a row without id is
    new. A row whose id is in ``read_ids`` (the ids of the table as loaded) and that is left out
    of ``rows`` is made inactive, never deleted; rows someone else added since the read are left
    alone.

    Raises ValidationError (every FieldError at once; params hold the 1-based ``row`` and the
    ``value``), ConflictError (a changed row saved by someone else since it was read, a row id
    the roster does not have, or a concurrent save breaking a constraint), and nothing is written.
    """
    read_ids = {int(identifier) for identifier in read_ids if not is_empty(identifier)}
    read, errors = _read_rows(spec, rows)
    ids = [row.id for row in read if row.id is not None]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{spec.record}: a row is listed twice")
    try:
        with session_scope(engine) as session:
            stored = {record.id: record for record in session.scalars(select(spec.model))}
            errors = sorted(errors + _unique_errors(spec, read, stored), key=lambda error: error.params["row"])
            if errors:
                raise ValidationError(errors)
            return _write(session, spec, read, stored, read_ids)
    except (StaleDataError, IntegrityError) as exc:  # validated already: only a concurrent save gets here
        raise ConflictError(spec.record) from exc


def _write(session: Session, spec: RosterSpec, rows: list[TableRow], stored: dict, read_ids: set[int]) -> int:
    changed = []
    for row in rows:
        if row.id is None:
            continue
        record = stored.get(row.id)
        if record is None:
            raise ConflictError(spec.record)
        if all(getattr(record, name) == value for name, value in row.values.items()):
            continue
        if record.version != row.version:
            raise ConflictError.of(spec.record, record)
        changed.append((record, row.values))
    listed = {row.id for row in rows}
    retired = [
        stored[identifier]
        for identifier in sorted(read_ids - listed)
        if identifier in stored and stored[identifier].active
    ]
    new = [spec.model(**row.values) for row in rows if row.id is None]

    _free_traded_values(session, spec, changed)
    for record, values in changed:
        assign_changed(record, values)
    for record in retired:
        record.active = False
    session.flush()
    session.add_all(new)
    session.flush()
    return len(changed) + len(retired) + len(new)


def _free_traded_values(session: Session, spec: RosterSpec, changed: list[tuple[object, dict]]) -> None:
    """A changed row giving up a unique value another changed row takes holds a placeholder
    first, so the updates pass the database's unique constraint whatever their order."""
    placeholders = False
    for unique in spec.unique:
        wanted = {values[unique.column] for _, values in changed}
        for record, values in changed:
            before = getattr(record, unique.column)
            if before != values[unique.column] and before in wanted:
                setattr(record, unique.column, f"~{uuid.uuid4().hex}")
                placeholders = True
    if placeholders:
        session.flush()
