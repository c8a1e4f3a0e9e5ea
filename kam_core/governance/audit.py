"""The audit trail: every change records who made it, when, which record, which fields, and
their old and new values.

Changes made through the ORM (every form, table and service) are recorded by a session hook,
in the same transaction as the change: a rolled-back write leaves no entry, and no write goes
unrecorded because a service forgot to. Bulk statements that bypass the ORM (the importers)
call ``record`` themselves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from kam_core.governance import access
from kam_core.store import models as m

SKIPPED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
UNAUDITED = frozenset({"audit_entry", "alembic_version", *access.VOTER_TABLES})  # votes: see access.VOTER_TABLES
LABEL_FIELDS = (
    "name",
    "title",
    "statement",
    "description",
    "text",
    "objective",
    "kpi",
    "email",
    "period",
    "on_date",
    "year",
)
TABLE = m.AuditEntry.__table__

# Records without an account_id of their own reach their account through a parent:
# table -> (parent model, foreign key column).
PARENTS: dict[str, tuple[type, str]] = {
    "value_proposition": (m.Priority, "priority_id"),
    "handshake_stage_event": (m.Handshake, "handshake_id"),
    "joint_objective": (m.Handshake, "handshake_id"),
    "handshake_review": (m.Handshake, "handshake_id"),
    "commitment": (m.Handshake, "handshake_id"),
    "kpi_reading": (m.JointObjective, "objective_id"),
    "pairing": (m.Stakeholder, "stakeholder_id"),
    "engagement_pairing": (m.Engagement, "engagement_id"),
    "challenge_item": (m.ChallengeSession, "session_id"),
    "workshop_action": (m.WorkshopItem, "item_id"),
}


def plain(value):
    """A value as JSON keeps it: dates as ISO text, decimals as numbers."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def label_of(values: dict) -> str | None:
    for name in LABEL_FIELDS:
        value = values.get(name)
        if value not in (None, ""):
            return str(value)[:300]
    return None


def utcnow() -> datetime:
    return datetime.now(UTC)


def entry(
    action: str,
    table: str,
    record_id,
    account_id,
    changes: dict,
    label: str | None = None,
    *,
    actor: str | None = None,
    at: datetime | None = None,
) -> dict:
    """One row of the trail, as ``record`` takes it."""
    return {
        "at": at or utcnow(),
        "actor": (actor or access.current().name)[:254],
        "action": action,
        "table_name": table,
        "record_id": record_id,
        "account_id": account_id,
        "label": label[:300] if label else None,
        "changes": json.dumps(
            {key: [plain(old), plain(new)] for key, (old, new) in changes.items()}, ensure_ascii=False
        ),
    }


def record(connection, entries: list[dict]) -> None:
    """Write entries built by ``entry`` in the caller's transaction (bulk writes use this)."""
    if entries:
        connection.execute(insert(TABLE), entries)


# --- the session hook ------------------------------------------------------------------------------


def _account_of(session: Session, obj, table: str):
    if table == "account":
        return obj.id
    if hasattr(obj, "account_id"):
        return obj.account_id
    link = PARENTS.get(table)
    if link is None:
        return None
    parent_model, column = link
    parent_id = getattr(obj, column, None)
    if parent_id is None:
        return None
    key = inspect(parent_model).identity_key_from_primary_key((parent_id,))
    parent = session.identity_map.get(key)
    if parent is None:
        with session.no_autoflush:
            parent = (
                session.connection()
                .execute(select(parent_model.__table__).where(parent_model.__table__.c.id == parent_id))
                .first()
            )
    return None if parent is None else _account_of(session, parent, parent_model.__tablename__)


def _values(obj) -> dict:
    state = inspect(obj)
    return {attr.key: state.dict.get(attr.key) for attr in state.mapper.column_attrs if attr.key not in SKIPPED_FIELDS}


def _changes(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if history.added or history.deleted:
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[attr.key] = (old, new)
    return changes


def _after_flush(session: Session, _context) -> None:
    rows = []
    for obj in session.new:
        table = getattr(obj, "__tablename__", None)
        if table and table not in UNAUDITED:
            values = {key: value for key, value in _values(obj).items() if value not in (None, "")}
            rows.append(
                entry(
                    "create",
                    table,
                    getattr(obj, "id", None),
                    _account_of(session, obj, table),
                    {key: (None, value) for key, value in values.items()},
                    label_of(values),
                )
            )
    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if table and table not in UNAUDITED and session.is_modified(obj, include_collections=False):
            changes = _changes(obj)
            if changes:
                rows.append(
                    entry(
                        "update",
                        table,
                        getattr(obj, "id", None),
                        _account_of(session, obj, table),
                        changes,
                        label_of(_values(obj)),
                    )
                )
    for obj in session.deleted:
        table = getattr(obj, "__tablename__", None)
        if table and table not in UNAUDITED:
            values = {key: value for key, value in _values(obj).items() if value not in (None, "")}
            rows.append(
                entry(
                    "delete",
                    table,
                    getattr(obj, "id", None),
                    _account_of(session, obj, table),
                    {key: (value, None) for key, value in values.items()},
                    label_of(values),
                )
            )
    if rows:
        record(session.connection(), rows)


_installed = False


def install() -> None:
    """Record every ORM write of every session of the process (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "after_flush", _after_flush)
        _installed = True


# --- the store's stamp ------------------------------------------------------------------------------


def store_stamp(connection) -> tuple | None:
    """The newest line of the trail, (id, at), or None when the trail is empty: what changes at every
    committed write of any process (a page's server compares it at each run, ``kam_core.ui.readers``).

    The rule: every write reaches the trail in its own transaction (this module's session hook, the
    importers' summary lines, the file restore's line, the workbook restore's trail put back whole),
    and writes queue one after another (SQLite's write lock, PostgreSQL's advisory lock: ``db``), so
    the newest id of a later commit is larger, or, after a restore puts an older trail back, the
    newest line is another line. The stamp is compared for inequality, never for order, and holds
    the time as well as the id: a file restore whose own line takes the id of the line it removed
    still differs by its time. One read of the primary key's index (the last row), however long the
    trail. Migrations are outside the rule: they run before a server of their version starts."""
    row = connection.execute(_NEWEST).first()
    return None if row is None else (row[0], row[1])


_NEWEST = select(TABLE.c.id, TABLE.c.at).order_by(TABLE.c.id.desc()).limit(1)  # built once: read at every run


# --- reading the trail ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime
    actor: str
    action: str
    table: str
    record_id: int | None
    label: str | None
    changes: dict  # field -> [old, new]


def _change(row) -> Change:
    return Change(
        at=row.at,
        actor=row.actor,
        action=row.action,
        table=row.table_name,
        record_id=row.record_id,
        label=row.label,
        changes=json.loads(row.changes or "{}"),
    )


def account_history(session: Session, account_id: int, limit: int = 500) -> list[Change]:
    """The account's changes, newest first (its own record and every record of its plan)."""
    rows = session.execute(
        select(TABLE)
        .where(TABLE.c.account_id == account_id)
        .order_by(TABLE.c.at.desc(), TABLE.c.id.desc())
        .limit(limit)
    ).all()
    return [_change(row) for row in rows]


def history_size(session: Session, account_id: int) -> int:
    return session.execute(select(func.count()).select_from(TABLE).where(TABLE.c.account_id == account_id)).scalar_one()


def last_change(
    session: Session, table: str | None = None, record_id: int | None = None, account_id: int | None = None
) -> Change | None:
    """The newest change of a record (table and id), else of a table, else of an account."""
    query = select(TABLE)
    if table and record_id is not None:
        query = query.where(TABLE.c.table_name == table, TABLE.c.record_id == record_id)
    elif table:
        query = query.where(TABLE.c.table_name == table)
    elif account_id is not None:
        query = query.where(TABLE.c.account_id == account_id)
    else:
        return None
    row = session.execute(query.order_by(TABLE.c.at.desc(), TABLE.c.id.desc()).limit(1)).first()
    return _change(row) if row else None


@dataclass(frozen=True)
class HistoryLine:
    """One line of an account's history: a field changed, or a record created or deleted
    (``field`` None; ``values`` then holds the record's fields)."""

    at: datetime
    actor: str
    action: str
    table: str
    label: str | None
    field: str | None
    old: object = None
    new: object = None
    values: tuple = ()


def history_lines(changes: list[Change]) -> list[HistoryLine]:
    """The changes as lines to read: one per changed field of an update, one per created or
    deleted record."""
    lines = []
    for change in changes:
        if change.action == "update":
            for field, (old, new) in change.changes.items():
                lines.append(
                    HistoryLine(change.at, change.actor, "update", change.table, change.label, field, old, new)
                )
        else:
            side = 1 if change.action == "create" else 0
            values = tuple((field, pair[side]) for field, pair in change.changes.items())
            lines.append(
                HistoryLine(change.at, change.actor, change.action, change.table, change.label, None, values=values)
            )
    return lines


def referred_table(table: str, field: str) -> str | None:
    """The table a field points to (a foreign key), else None."""
    known = SQLModel.metadata.tables.get(table)
    if known is None or field not in known.c or not known.c[field].foreign_keys:
        return None
    return next(iter(known.c[field].foreign_keys)).column.table.name


def reference_labels(session: Session, lines: list[HistoryLine]) -> dict[tuple[str, int], str]:
    """What the ids in ``lines`` stand for, (table, id) -> name as stored now (a person, an offer, a
    meeting...), so that a history says "Stakeholder: Ann Buyer", not "Stakeholder: 194"."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        pairs = [(line.field, line.old), (line.field, line.new)] if line.field else list(line.values)
        for field, value in pairs:
            target = referred_table(line.table, field) if field else None
            if target and isinstance(value, int):
                wanted[target].add(value)
    labels: dict[tuple[str, int], str] = {}
    for target, ids in wanted.items():
        table = SQLModel.metadata.tables[target]
        columns = [table.c[name] for name in LABEL_FIELDS if name in table.c]
        if not columns:
            continue
        for chunk in _chunks(sorted(ids)):
            for row in session.execute(select(table.c.id, *columns).where(table.c.id.in_(chunk))):
                label = label_of(dict(zip((column.name for column in columns), row[1:])))
                if label:
                    labels[(target, row[0])] = label
    return labels


def _chunks(ids: list[int], size: int = 500):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
