"""The editable parts of one account's plan (docs/method.md, section 2): list sections edited as
tables, the narrative texts and the key figures.

Every list section is described once in ``SECTIONS`` (``kam_core.account.section_specs``: its
model, its columns, their kind and limits, its order) and goes through one engine:

- ``load_section`` reads the account's rows as a table (``id``, ``version``, then the columns);
- ``ref_choices`` gives, for each column that points at another row, the rows it may point at;
- ``save_section`` takes the complete list as the user left the table: a row with an id is an
  existing row and carries the version read, a row without id is new, an existing row left out
  is deleted (with ``read_versions``: only if it was read, and nobody saved it since). Every
  cell goes through one normaliser (``normalise``, ``kam_core.common.cells``), every row through
  one validator loop, then the section's own rules (``_RULES``); all errors are reported at once
  and nothing is written.
  Then one transaction: deletes, updates (only rows whose values changed), inserts. A changed
  or deleted row that someone saved since it was read raises ``ConflictError``, and nothing is
  written.

Ranks are positions (docs/method.md, section 2). A rank is not checked against the submitted rows
before the write: ``positions`` renumbers the whole section 1..n inside the write transaction,
counting the rows someone else stored meanwhile (so two people adding a row at once both get a
place), and the database holds each rank once per account (``uq_priority_rank``, migration 0006).
A rank two rows share is no refusal: a row someone else stored since the read keeps its place,
the row this save adds or moves up comes before a row left where it was, a row moved down after
it, and rows left where they were keep their order (rank, then id; duplicates stored before
migration 0006 were renumbered by it).

Names a section holds once per account ignoring case and accents (competitors, units) are
refused only on a row the save adds or renames, so two rows stored before (by an import, or by
two people at once before the check below) never block the table; and they are checked again
inside the write against the rows stored since the read (``_check_names``: ConflictError). Writes
queue one after another (``session_scope``: SQLite's write lock, PostgreSQL's advisory lock), so
that check sees every row stored before it. The database holds the exact name once per account; a
column holding the folded name would make every workbook exported before it unrestorable.

Rules of the sections, beyond each column's kind and limits:

| section            | rule (error code)                                                        |
| ------------------ | ------------------------------------------------------------------------ |
| years              | one row per year (duplicate_year); category spend >= revenue             |
|                    | (spend_below_revenue)                                                    |
| priorities         | ranks are positions: renumbered 1..n inside the write (``positions``),   |
|                    | never refused for a rank two rows share                                  |
| value_propositions | only for the account's own priorities (unknown_ref)                      |
| competitors        | names unique, ignoring case and accents (duplicate_name, on a row added  |
|                    | or renamed; checked again in the write); shares add up to 100 at most    |
|                    | (shares_over_100)                                                        |
| stakeholders       | e-mail looks like one (email_format); reports to someone else            |
|                    | (reports_to_self), with no cycle (reports_to_cycle), kept in this save   |
|                    | (unknown_ref); last contact not in the future (date_in_future)           |
| units              | names unique, ignoring case and accents, as competitors                  |
| white_space        | one cell per unit x offer (duplicate_pair)                               |
| actions            | done_on not in the future (date_in_future); an action that becomes done  |
|                    | without a date is done today                                             |
| joint_objectives   | target differs from the baseline (target_equals_baseline)                |
| commitments        | objective only one of the handshake's joint objectives (unknown_ref);    |
|                    | done_on not in the future (date_in_future); a commitment that becomes    |
|                    | done without a date is done today                                        |

The handshake's lists (``joint_objectives``, ``commitments``; docs/method.md, section 3) go
through the same engine and are listed apart in ``HANDSHAKE_SECTIONS`` (``SECTIONS`` stays the
canvas lists; ``ALL_SECTIONS`` holds both). They belong to the account through its handshake
(one per account): an account without a handshake has no rows, and saving rows for it is
refused (no_handshake, on the field "handshake").

The executive engagement lists (docs/method.md, section 4) are listed apart in
``ENGAGEMENT_SECTIONS`` (also in ``ALL_SECTIONS``):

| section     | rule (error code)                                                               |
| ----------- | ------------------------------------------------------------------------------- |
| pairings    | owned through the stakeholder (Stakeholder.account_id); executive: an active    |
|             | one, or the one the row already names (unknown_ref); stakeholder: one of the    |
|             | account's (unknown_ref); one row per executive x stakeholder (duplicate_pairing |
|             | on stakeholder_id)                                                              |
| engagements | "held" not after today (held_in_future, {today}); "held" needs an outcome       |
|             | (outcome_required); "planned" not before today (planned_in_past, {today}),      |
|             | checked only on new rows and rows whose status or date changes, so a plan       |
|             | that simply went by does not block the table                                    |

The engagements' ``pairing_id`` is no column of Engagement: it is one link of the
EngagementPairing table, the lowest pairing id linked (an engagement may serve several
pairings; the table shows one). Saving another pairing replaces that one link only, and
clearing it removes that one link: the engagement's other links are left untouched (so after
clearing, the next one linked, if any, shows). A link change alone counts as an update: the
engagement's version moves on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.account.section_specs import SectionSpec, spec_of
from kam_core.common.cells import EMAIL, Column, Refused, _integer, is_empty, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.store.db import session_scope
from kam_core.store.models import (
    Account,
    AccountPlan,
    Commitment,
    CustomerUnit,
    EngagementPairing,
    Executive,
    Handshake,
    JointObjective,
    Objective,
    Offer,
    Pairing,
    Priority,
    Stakeholder,
    ValueProposition,
    utcnow,
)
from kam_core.store.records import account_at_version, assign_changed

PLAN_TEXT_FIELDS = ("business", "markets", "recent_events", "ambition")
PLAN_TEXT_MAX = 4000
SHARES_MAX = 100.0


# (section, column) stored in a link table: (link model, its column naming the row, its column holding the value)
_LINKED: dict[tuple[str, str], tuple[type, str, str]] = {
    ("engagements", "pairing_id"): (EngagementPairing, "engagement_id", "pairing_id"),
}
_THROUGH_HANDSHAKE = (JointObjective, Commitment)


# --- which rows belong to the account ----------------------------------------------------------


def _scoped(query, spec: SectionSpec, account_id: int):
    """``query`` restricted to the account's rows of ``spec``; value propositions belong to the
    account through their priority, joint objectives and commitments through its handshake."""
    if spec.model is ValueProposition:
        return query.join(Priority, Priority.id == ValueProposition.priority_id).where(
            Priority.account_id == account_id
        )
    if spec.model in _THROUGH_HANDSHAKE:
        return query.join(Handshake, Handshake.id == spec.model.handshake_id).where(Handshake.account_id == account_id)
    if spec.model is Pairing:
        return query.join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id).where(
            Stakeholder.account_id == account_id
        )
    return query.where(spec.model.account_id == account_id)


def _handshake_id(session: Session, account_id: int) -> int | None:
    return session.scalar(select(Handshake.id).where(Handshake.account_id == account_id))


def _ordering(spec: SectionSpec) -> list:
    order = []
    for name in (*spec.order_by, "id"):
        attribute = getattr(spec.model, name.lstrip("-"))
        order.append(attribute.desc() if name.startswith("-") else attribute.asc())
    return order


def _owner_values(session: Session, spec: SectionSpec, account_id: int) -> dict:
    if spec.model in (ValueProposition, Pairing):
        return {}
    if spec.model in _THROUGH_HANDSHAKE:
        return {"handshake_id": _handshake_id(session, account_id)}
    return {"account_id": account_id}


# --- reading ------------------------------------------------------------------------------------

_DTYPES = {"int": "Int64", "ref": "Int64", "float": "float64", "bool": "boolean"}


def load_section(session: Session, section: str, account_id: int) -> pd.DataFrame:
    """The account's rows of ``section``: ``id``, ``version``, then the section's columns, in
    the section's order. Whole numbers and references may be missing (pandas ``Int64``); dates
    are ``datetime.date``; empty text is None."""
    spec = spec_of(section)
    model = spec.model
    stored = _stored_names(spec)
    query = select(model.id, model.version, *(getattr(model, name) for name in stored))
    rows = session.execute(_scoped(query, spec, account_id).order_by(*_ordering(spec))).all()
    frame = pd.DataFrame([tuple(row) for row in rows], columns=["id", "version", *stored])
    for name in spec.column_names:
        if name not in stored:
            linked = _linked_values(session, spec, name, frame["id"].tolist())
            frame[name] = [linked.get(identifier) for identifier in frame["id"]]
    frame = frame[["id", "version", *spec.column_names]]
    frame = frame.astype({"id": "int64", "version": "int64"})
    for column in spec.columns:
        values = frame[column.name]
        frame[column.name] = (
            values.astype(_DTYPES[column.kind])
            if column.kind in _DTYPES
            else values.astype(object).where(values.notna(), None)
        )
    return frame


def _stored_names(spec: SectionSpec) -> list[str]:
    """The section's columns that are columns of its model (not held in a link table)."""
    return [name for name in spec.column_names if (spec.name, name) not in _LINKED]


def _linked_values(session: Session, spec: SectionSpec, name: str, ids: list[int]) -> dict[int, int]:
    """{row id: the lowest value linked to it} of a column held in a link table."""
    link, owner, value = _LINKED[(spec.name, name)]
    if not ids:
        return {}
    rows = session.execute(
        select(getattr(link, owner), func.min(getattr(link, value)))
        .where(getattr(link, owner).in_([int(i) for i in ids]))
        .group_by(getattr(link, owner))
    )
    return {int(row_id): int(linked) for row_id, linked in rows}


def versions(frame: pd.DataFrame) -> dict[int, int]:
    """{id: version} of a table as ``load_section`` read it (for ``save_section(read_versions=)``)."""
    return {int(identifier): int(version) for identifier, version in zip(frame["id"], frame["version"])}


def _unique_labels(pairs: Iterable[tuple[int, str]]) -> dict[int, str]:
    """{id: label}; labels that two rows share get the row's id (" #12") so each stays unique."""
    pairs = list(pairs)
    seen: dict[str, int] = {}
    for _, label in pairs:
        seen[label] = seen.get(label, 0) + 1
    return {identifier: label if seen[label] == 1 else f"{label} #{identifier}" for identifier, label in pairs}


def _priority_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Priority.id, Priority.rank, Priority.title)
        .where(Priority.account_id == account_id)
        .order_by(Priority.rank, Priority.id)
    )
    return _unique_labels((identifier, f"{rank}. {title}") for identifier, rank, title in rows)


def _offer_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    """Active offers, and the inactive ones the section's rows already name (so they keep their label)."""
    used = _scoped(select(spec.model.offer_id), spec, account_id)
    rows = session.execute(
        select(Offer.id, Offer.name)
        .where(or_(Offer.active.is_(True), Offer.id.in_(used)))
        .order_by(Offer.name, Offer.id)
    )
    return _unique_labels((identifier, name) for identifier, name in rows)


def _unit_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    rows = session.execute(
        select(CustomerUnit.id, CustomerUnit.name)
        .where(CustomerUnit.account_id == account_id)
        .order_by(CustomerUnit.name, CustomerUnit.id)
    )
    return _unique_labels((identifier, name) for identifier, name in rows)


def _stakeholder_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Stakeholder.id, Stakeholder.name, Stakeholder.title)
        .where(Stakeholder.account_id == account_id)
        .order_by(Stakeholder.name, Stakeholder.id)
    )
    return _unique_labels((identifier, f"{name} — {title}" if title else name) for identifier, name, title in rows)


def _objective_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Objective.id, Objective.title)
        .where(Objective.account_id == account_id)
        .order_by(Objective.due_date, Objective.id)
    )
    return _unique_labels((identifier, title) for identifier, title in rows)


def _joint_objective_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    """The joint objectives of the account's handshake (none while it has no handshake)."""
    rows = session.execute(
        select(JointObjective.id, JointObjective.title)
        .join(Handshake, Handshake.id == JointObjective.handshake_id)
        .where(Handshake.account_id == account_id)
        .order_by(JointObjective.due_date, JointObjective.id)
    )
    return _unique_labels((identifier, title) for identifier, title in rows)


def _executive_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    """Active executives "name — title", and the inactive ones the account's pairings already name."""
    used = _scoped(select(Pairing.executive_id), spec, account_id)
    rows = session.execute(
        select(Executive.id, Executive.name, Executive.title)
        .where(or_(Executive.active.is_(True), Executive.id.in_(used)))
        .order_by(Executive.name, Executive.id)
    )
    return _unique_labels((identifier, f"{name} — {title}" if title else name) for identifier, name, title in rows)


def _pairing_choices(session: Session, spec: SectionSpec, account_id: int) -> dict[int, str]:
    """The account's pairings, "executive ↔ stakeholder"."""
    rows = session.execute(
        select(Pairing.id, Executive.name, Stakeholder.name)
        .join(Executive, Executive.id == Pairing.executive_id)
        .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
        .where(Stakeholder.account_id == account_id)
        .order_by(Executive.name, Stakeholder.name, Pairing.id)
    )
    return _unique_labels((identifier, f"{ours} ↔ {theirs}") for identifier, ours, theirs in rows)


_REF_SOURCES: dict[tuple[str, str], Callable[[Session, SectionSpec, int], dict[int, str]]] = {
    ("value_propositions", "priority_id"): _priority_choices,
    ("value_propositions", "offer_id"): _offer_choices,
    ("white_space", "unit_id"): _unit_choices,
    ("white_space", "offer_id"): _offer_choices,
    ("stakeholders", "reports_to_id"): _stakeholder_choices,
    ("actions", "objective_id"): _objective_choices,
    ("commitments", "objective_id"): _joint_objective_choices,
    ("pairings", "executive_id"): _executive_choices,
    ("pairings", "stakeholder_id"): _stakeholder_choices,
    ("engagements", "pairing_id"): _pairing_choices,
}


def ref_choices(session: Session, section: str, account_id: int) -> dict[str, dict[int, str]]:
    """For each "ref" column of ``section``: {id: label} of the rows it may point at."""
    spec = spec_of(section)
    return {
        column.name: _REF_SOURCES[(section, column.name)](session, spec, account_id)
        for column in spec.columns
        if column.kind == "ref"
    }


# --- one normaliser -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One row as the user left it, normalised: ``values`` hold None where a cell was refused."""

    number: int  # 1-based position in the rows handed to the save (save_section, save_roster)
    id: int | None
    version: int | None
    values: dict


@dataclass(frozen=True)
class _Context:
    refs: dict[str, dict[int, str]]
    today: date
    removed: frozenset[int] = field(default_factory=frozenset)  # ids this save deletes
    stored: Mapping[int, dict] = field(default_factory=dict)  # {id: stored values}, for the sections that compare


def _key(raw, section: str) -> int | None:
    """A row's id or version: None when empty; anything else that is no whole number is a row
    this account does not have."""
    if is_empty(raw):
        return None
    try:
        return _integer(raw)
    except (TypeError, ValueError):
        raise ConflictError(section) from None


def _read_rows(
    spec: SectionSpec, rows: list[dict], refs: dict[str, dict[int, str]]
) -> tuple[list[TableRow], list[FieldError]]:
    """Every cell through ``normalise``. A new row left entirely blank is skipped."""
    read, errors = [], []
    for number, row in enumerate(rows, start=1):
        identifier = _key(row.get("id"), spec.name)
        if identifier is None and all(is_empty(row.get(name)) for name in spec.column_names):
            continue
        values = {}
        for column in spec.columns:
            raw = row.get(column.name)
            try:
                values[column.name] = normalise(column, raw, refs.get(column.name, {}))
            except Refused as refused:
                errors.append(
                    FieldError(column.name, refused.code, {"row": number, "value": plain(raw), **refused.params})
                )
                values[column.name] = None
        read.append(TableRow(number, identifier, _key(row.get("version"), spec.name), values))
    return read, errors


def _error(row: TableRow, field_name: str, code: str, **params) -> FieldError:
    return FieldError(field_name, code, {"row": row.number, "value": row.values.get(field_name), **params})


def _duplicates(
    rows: list[TableRow], field_name: str, code: str, key: Callable = lambda value: value
) -> list[FieldError]:
    """One error on each row repeating a value an earlier row holds."""
    seen, errors = set(), []
    for row in rows:
        value = row.values[field_name]
        if value is None:
            continue
        if key(value) in seen:
            errors.append(_error(row, field_name, code))
        seen.add(key(value))
    return errors


def _not_in_future(rows: list[TableRow], field_name: str, today: date) -> list[FieldError]:
    return [
        _error(row, field_name, "date_in_future", today=today)
        for row in rows
        if row.values[field_name] is not None and row.values[field_name] > today
    ]


def _year_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    errors = _duplicates(rows, "year", "duplicate_year")
    for row in rows:
        spend, revenue = row.values["category_spend"], row.values["revenue"]
        if spend is not None and revenue is not None and spend < revenue:
            errors.append(_error(row, "category_spend", "spend_below_revenue", revenue=revenue))
    return errors


def _touched(row: TableRow, field_name: str, context: _Context) -> bool:
    """The save adds the row, or changes its value of ``field_name``."""
    return row.id is None or context.stored.get(row.id, {}).get(field_name) != row.values[field_name]


def _names_once(rows: list[TableRow], context: _Context) -> list[FieldError]:
    """Names unique, ignoring case and accents, refused only on a row the save adds or renames:
    two rows left as they are that share a name (stored before the check was made in the write,
    or by an import) never block the table. Of rows all renamed or added, the first keeps it."""
    groups: dict[str, list[TableRow]] = {}
    for row in rows:
        if row.values["name"] is not None:
            groups.setdefault(fold_name(row.values["name"]), []).append(row)
    errors = []
    for group in groups.values():
        touched = [row for row in group if _touched(row, "name", context)]
        if len(group) > 1 and touched:
            errors += [
                _error(row, "name", "duplicate_name") for row in (touched if len(touched) < len(group) else group[1:])
            ]
    return errors


def _competitor_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    """Names unique; the shares add up to 100 at most (reported on the row that goes over)."""
    errors = _names_once(rows, context)
    total, over = 0.0, None
    for row in rows:
        share = row.values["share_pct"]
        if share is not None:
            total += share
            if over is None and total > SHARES_MAX + 1e-9:
                over = row
    if over is not None:
        errors.append(_error(over, "share_pct", "shares_over_100", sum=round(total, 1)))
    return errors


def _stakeholder_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    errors = []
    manager_of = {row.id: row.values["reports_to_id"] for row in rows if row.id is not None}
    in_cycle: set[int] = set()
    for row in rows:
        email = row.values["email"]
        if email is not None and not EMAIL.match(email):
            errors.append(_error(row, "email", "email_format"))
        manager = row.values["reports_to_id"]
        if manager is None:
            continue
        if manager == row.id:
            errors.append(_error(row, "reports_to_id", "reports_to_self"))
        elif manager in context.removed:
            errors.append(_error(row, "reports_to_id", "unknown_ref"))
        elif row.id is not None and row.id not in in_cycle:
            cycle = _cycle_through(row.id, manager_of)
            if cycle:
                in_cycle |= cycle
                errors.append(_error(row, "reports_to_id", "reports_to_cycle"))
    return errors + _not_in_future(rows, "last_contact", context.today)


def _cycle_through(start: int, manager_of: Mapping[int, int | None]) -> set[int]:
    """The people of the reporting cycle ``start`` is part of (empty when it is in none)."""
    path, node = [], start
    while node is not None and node not in path:
        path.append(node)
        node = manager_of.get(node)
    return set(path) if node == start else set()


def _unit_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    return _names_once(rows, context)


def _white_space_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    seen, errors = set(), []
    units, offers = context.refs.get("unit_id", {}), context.refs.get("offer_id", {})
    for row in rows:
        pair = (row.values["unit_id"], row.values["offer_id"])
        if None in pair:
            continue
        if pair in seen:
            errors.append(_error(row, "offer_id", "duplicate_pair", unit=units.get(pair[0]), offer=offers.get(pair[1])))
        seen.add(pair)
    return errors


def _action_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    return _not_in_future(rows, "done_on", context.today)


def _joint_objective_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    """A KPI that is to stay where it is is no objective: the target differs from the baseline."""
    return [
        _error(row, "target", "target_equals_baseline", baseline=row.values["baseline"])
        for row in rows
        if row.values["target"] is not None and row.values["target"] == row.values["baseline"]
    ]


def _commitment_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    return _not_in_future(rows, "done_on", context.today)


def _pairing_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    seen, errors = set(), []
    for row in rows:
        pair = (row.values["executive_id"], row.values["stakeholder_id"])
        if None in pair:
            continue
        if pair in seen:
            errors.append(_error(row, "stakeholder_id", "duplicate_pairing"))
        seen.add(pair)
    return errors


def _engagement_rules(rows: list[TableRow], context: _Context) -> list[FieldError]:
    """Held: not in the future, with an outcome. Planned: not in the past, checked only when the
    row is new or its status or date changes (a plan that simply went by does not block saving)."""
    errors = []
    for row in rows:
        status, on_date = row.values["status"], row.values["on_date"]
        if status == "held" and on_date is not None and on_date > context.today:
            errors.append(_error(row, "on_date", "held_in_future", today=context.today))
        if status == "held" and row.values["outcome"] is None:
            errors.append(_error(row, "outcome", "outcome_required"))
        before = context.stored.get(row.id) if row.id is not None else None
        changed = before is None or before["status"] != status or before["on_date"] != on_date
        if status == "planned" and on_date is not None and on_date < context.today and changed:
            errors.append(_error(row, "on_date", "planned_in_past", today=context.today))
    return errors


_RULES: dict[str, Callable[[list[TableRow], _Context], list[FieldError]]] = {
    "years": _year_rules,
    "competitors": _competitor_rules,
    "stakeholders": _stakeholder_rules,
    "units": _unit_rules,
    "white_space": _white_space_rules,
    "actions": _action_rules,
    "joint_objectives": _joint_objective_rules,
    "commitments": _commitment_rules,
    "pairings": _pairing_rules,
    "engagements": _engagement_rules,
}
# Sections whose rules compare a row with what is stored (``_Context.stored``): a plan gone by, a name kept.
_COMPARES_STORED = ("engagements", "competitors", "units")


def _stamp_done_on(values: dict, stored, today: date) -> dict:
    """An action (or a commitment) that becomes done without a date was done today."""
    becomes_done = values["status"] == "done" and (stored is None or stored.status != "done")
    return {**values, "done_on": today} if becomes_done and values["done_on"] is None else values


# What a section derives from the values before they are written (stored row or None, today).
_DERIVED: dict[str, Callable[[dict, object, date], dict]] = {"actions": _stamp_done_on, "commitments": _stamp_done_on}


def _validate(
    spec: SectionSpec,
    rows: list[dict],
    refs: dict[str, dict[int, str]],
    today: date,
    removed: Iterable[int] = (),
    stored: Mapping[int, dict] | None = None,
) -> tuple[list[TableRow], list[FieldError]]:
    """The rows normalised, and every reason they cannot be saved (in row order)."""
    read, errors = _read_rows(spec, rows, refs)
    rule = _RULES.get(spec.name)
    if rule is not None:
        errors += rule(read, _Context(refs, today, frozenset(removed), stored or {}))
    errors.sort(key=lambda error: error.params.get("row", 0))
    return read, errors


# --- saving a section ---------------------------------------------------------------------------


def save_section(
    engine: Engine,
    section: str,
    account_id: int,
    rows: list[dict],
    *,
    today: date,
    read_versions: Mapping[int, int] | None = None,
) -> int:
    """Save the complete list of ``section`` as the user left it, whole or not at all; returns
    the number of rows inserted, updated (values changed) or deleted.

    A row with an ``id`` is an existing row and carries the ``version`` read; a row without id
    is new; an existing row of the account left out of ``rows`` is deleted. ``read_versions``
    ({id: version} of the table as loaded, see ``versions``) makes deletes safe: a row left out
    is deleted only if it was read, and only if nobody saved it since (else ConflictError); rows
    someone added after the read are kept. Without it every row left out is deleted, unchecked.

    Raises ValidationError (every FieldError at once; params hold the 1-based ``row`` and the
    ``value``; for a handshake list of an account without handshake, the one FieldError
    ("handshake", "no_handshake") unless there is no row to save), ConflictError (a changed or deleted
    row saved by someone else since it was read,
    a row id that is not one of the account's rows of the section, or a concurrent save breaking
    a constraint), and nothing is written.
    """
    spec = spec_of(section)
    with Session(engine) as session:
        refs = ref_choices(session, section, account_id)
        stored_ids = set(session.scalars(_scoped(select(spec.model.id), spec, account_id)))
        owned_through_handshake = spec.model in _THROUGH_HANDSHAKE
        no_handshake = owned_through_handshake and _handshake_id(session, account_id) is None
        stored_values = {}
        if section in _COMPARES_STORED:
            names = _stored_names(spec)
            query = select(spec.model.id, *(getattr(spec.model, name) for name in names))
            stored_values = {
                row[0]: dict(zip(names, row[1:])) for row in session.execute(_scoped(query, spec, account_id))
            }
    listed = {_key(row.get("id"), section) for row in rows} - {None}
    if listed - stored_ids:  # deleted by someone else since it was read, or never the account's
        raise ConflictError(section)
    removed = _deletable(stored_ids, read_versions) - listed
    read, errors = _validate(spec, rows, refs, today, removed, stored_values)
    if no_handshake and read:
        raise ValidationError([FieldError("handshake", "no_handshake", {})])
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            if owned_through_handshake and read and _handshake_id(session, account_id) is None:
                raise ConflictError("handshake")  # removed since it was read
            stored = {record.id: record for record in session.scalars(_scoped(select(spec.model), spec, account_id))}
            return _write(session, spec, account_id, read, stored, read_versions, today)
    except (StaleDataError, IntegrityError) as exc:  # validated already: only a concurrent save gets here
        raise ConflictError(section) from exc


def _deletable(stored_ids: Iterable[int], read_versions: Mapping[int, int] | None) -> set[int]:
    stored_ids = set(stored_ids)
    return stored_ids if read_versions is None else stored_ids & set(read_versions)


def _write(
    session: Session,
    spec: SectionSpec,
    account_id: int,
    rows: list[TableRow],
    stored: dict,
    read_versions: Mapping[int, int] | None,
    today: date,
) -> int:
    """Deletes, then updates, then inserts (each flushed, so a new row may take the unique
    value a deleted or updated row gave up)."""
    existing = [row for row in rows if row.id is not None]
    ids = [row.id for row in existing]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{spec.name}: a row is listed twice")
    if any(identifier not in stored for identifier in ids):
        raise ConflictError(spec.name)
    derive = _DERIVED.get(spec.name, lambda values, _stored, _today: values)
    linked_names = [name for name in spec.column_names if (spec.name, name) in _LINKED]
    linked_before = {name: _linked_values(session, spec, name, ids) for name in linked_names}

    deleted = [stored[identifier] for identifier in sorted(_deletable(stored, read_versions) - set(ids))]
    for record in deleted:
        if read_versions is not None and record.version != read_versions[record.id]:
            raise ConflictError.of(spec.name, record)
        session.delete(record)
    session.flush()

    updated = 0
    gone = {record.id for record in deleted}
    if spec.name in _NAMED:
        _check_names(spec, rows, stored, {identifier for identifier in stored if identifier not in {*ids, *gone}})
    column = _POSITIONS.get(spec.name)
    if column is not None:
        kept = {identifier: record for identifier, record in stored.items() if identifier not in gone}
        rows, renumbered = _place(session, spec, column, rows, kept)
        existing = [row for row in rows if row.id is not None]
        updated += renumbered
    for row in existing:
        record = stored[row.id]
        values = derive(row.values, record, today)
        changes = {
            name: value for name, value in values.items() if name not in linked_names and getattr(record, name) != value
        }
        links = {
            name: (linked_before[name].get(row.id), values[name])
            for name in linked_names
            if linked_before[name].get(row.id) != values[name]
        }
        if not changes and not links:
            continue
        if record.version != row.version:
            raise ConflictError.of(spec.name, record)
        for name, value in changes.items():
            setattr(record, name, value)
        if links and not changes:
            record.updated_at = utcnow()  # a link change alone still moves the row's version on
        for name, (old, value) in links.items():
            _relink(session, spec, name, row.id, old, value)
        updated += 1
    session.flush()

    new = [row for row in rows if row.id is None]
    owner = _owner_values(session, spec, account_id) if new else {}
    records = [
        spec.model(
            **owner,
            **{name: value for name, value in derive(row.values, None, today).items() if name not in linked_names},
        )
        for row in new
    ]
    session.add_all(records)
    session.flush()
    for row, record in zip(new, records):
        for name in linked_names:
            if row.values[name] is not None:
                _relink(session, spec, name, record.id, None, row.values[name])
    session.flush()
    return len(deleted) + updated + len(new)


# Sections whose names are unique per account, ignoring case and accents (the database holds the exact name once).
_NAMED = ("competitors", "units")


def _check_names(spec: SectionSpec, rows: list[TableRow], stored: Mapping[int, object], unlisted: set[int]) -> None:
    """Inside the write: a name the save adds or changes that a row it does not list holds
    (someone else stored it since the read, writes queuing one after another) is someone else's
    save: ConflictError, and the user reloads to see it. Validation checked the listed rows."""
    taken = {fold_name(stored[identifier].name) for identifier in unlisted}
    written = [row.values["name"] for row in rows if row.id is None or stored[row.id].name != row.values["name"]]
    if any(fold_name(name) in taken for name in written):
        raise ConflictError(spec.name)


# Sections whose column is a position (docs/method.md, section 2): renumbered 1..n by every save.
_POSITIONS: dict[str, str] = {"priorities": "rank"}


@dataclass(frozen=True)
class Placed:
    """One row of a ranked section as a save leaves it: the rank asked for, the rank stored
    (None for a new row), its id (None for a new row) and its place in the save (None for a row
    of the account the save does not list)."""

    key: object
    rank: int
    before: int | None
    id: int | None = None
    number: int | None = None


def positions(rows: Iterable[Placed]) -> dict[object, int]:
    """{key: position 1..n}: the rows in the order of the ranks asked for. Where two rows ask for
    the same rank, a row the save does not list (stored by someone else since the read: the user
    never saw it, so cannot have meant to move it) comes first, then a row added or moved up,
    then the rows left where they were, then a row moved down; rows of one kind keep their order
    (in the save, else by id). Nothing is refused: ranks are positions, not identifiers."""

    def order(row: Placed) -> tuple:
        if row.number is None:
            return (row.rank, -2, 0, row.id)
        if row.before == row.rank:
            return (row.rank, 0, 0, row.id)
        moved = 1 if row.before is not None and row.rank > row.before else -1
        return (row.rank, moved, row.number, 0)

    return {row.key: number for number, row in enumerate(sorted(rows, key=order), start=1)}


def _place(
    session: Session, spec: SectionSpec, column: str, rows: list[TableRow], kept: Mapping[int, object]
) -> tuple[list[TableRow], int]:
    """Inside the write: the rows with their final position in ``column``, counting the account's
    rows the save does not list (stored by someone else since the read), which are renumbered here;
    returns the rows and how many unlisted rows were renumbered.

    Every stored row whose position changes is first moved above every final position (one
    statement each, outside the ORM: no version, no audit entry), so no statement meets the unique
    constraint on the way, whatever the permutation (SQLite and PostgreSQL check it row by row)."""
    listed = {row.id for row in rows if row.id is not None}
    entries = [
        Placed(
            ("row", row.number),
            row.values[column],
            getattr(kept[row.id], column) if row.id is not None else None,
            row.id,
            row.number,
        )
        for row in rows
    ]
    entries += [
        Placed(("id", identifier), getattr(record, column), getattr(record, column), identifier)
        for identifier, record in kept.items()
        if identifier not in listed
    ]
    final = positions(entries)
    by_row = {row.id: final[("row", row.number)] for row in rows if row.id is not None}
    unlisted = {identifier: final[("id", identifier)] for identifier in kept if identifier not in listed}
    moving = sorted(
        identifier
        for identifier, record in kept.items()
        if getattr(record, column) != by_row.get(identifier, unlisted.get(identifier))
    )
    if moving:
        table = spec.model.__table__
        above = max([len(final), *(getattr(record, column) for record in kept.values())])
        for step, identifier in enumerate(moving, start=1):
            session.execute(update(table).where(table.c.id == identifier).values({column: above + step}))
    renumbered = 0
    for identifier, position in unlisted.items():
        if getattr(kept[identifier], column) != position:
            setattr(kept[identifier], column, position)
            renumbered += 1
    placed = [
        row
        if row.values[column] == final[("row", row.number)]
        else TableRow(row.number, row.id, row.version, {**row.values, column: final[("row", row.number)]})
        for row in rows
    ]
    return placed, renumbered


def _relink(session: Session, spec: SectionSpec, name: str, row_id: int, old: int | None, new: int | None) -> None:
    """Replace the link ``old`` of the row by ``new`` (either may be None); other links stay."""
    link, owner, value = _LINKED[(spec.name, name)]
    if old is not None:
        record = session.get(link, {owner: row_id, value: old})
        if record is not None:
            session.delete(record)
    if new is not None and session.get(link, {owner: row_id, value: new}) is None:
        session.add(link(**{owner: row_id, value: new}))


# --- the narrative texts ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanText:
    business: str | None
    markets: str | None
    recent_events: str | None
    ambition: str | None
    version: int | None  # None while the account has no AccountPlan row


def _plan_of(session: Session, account_id: int) -> AccountPlan | None:
    return session.scalars(select(AccountPlan).where(AccountPlan.account_id == account_id)).first()


def read_plan_text(session: Session, account_id: int) -> PlanText:
    plan = _plan_of(session, account_id)
    if plan is None:
        return PlanText(None, None, None, None, None)
    return PlanText(*(getattr(plan, name) for name in PLAN_TEXT_FIELDS), version=plan.version)


def save_plan_text(engine: Engine, account_id: int, values: dict, expected_version: int | None) -> PlanText:
    """Write the texts given in ``values`` (keys of PLAN_TEXT_FIELDS; a key left out keeps its
    text; blank text is stored as None). ``expected_version`` is the version read (None when
    there was no plan yet): a different stored one raises ConflictError. A plan is created on
    the first save that has something to say."""
    cleaned, errors = {}, []
    for name in PLAN_TEXT_FIELDS:
        if name not in values:
            continue
        try:
            cleaned[name] = normalise(Column(name, "text", max_length=PLAN_TEXT_MAX), values[name])
        except Refused as refused:
            errors.append(FieldError(name, refused.code, refused.params))
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            if session.get(Account, account_id) is None:
                raise NotFoundError(f"account {account_id}")
            plan = _plan_of(session, account_id)
            if (plan.version if plan is not None else None) != expected_version:
                raise ConflictError.of("account_plan", plan)
            if plan is None and any(value is not None for value in cleaned.values()):
                session.add(AccountPlan(account_id=account_id, **cleaned))
            elif plan is not None:
                assign_changed(plan, cleaned)
            session.flush()
            return read_plan_text(session, account_id)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("account_plan") from exc


# --- key figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigures:
    potential_3y: float | None
    margin_pct: float | None
    version: int  # the account's


KEY_FIGURES = (Column("potential_3y", "float", minimum=0), Column("margin_pct", "float", minimum=-100, maximum=100))


def read_key_figures(session: Session, account_id: int) -> KeyFigures:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"account {account_id}")
    return KeyFigures(account.potential_3y, account.margin_pct, account.version)


def save_key_figures(engine: Engine, account_id: int, potential_3y, margin_pct, expected_version: int) -> KeyFigures:
    """The account's 3-year potential (>= 0) and margin (-100..100), None clearing them; a stale
    ``expected_version`` (the account's) raises ConflictError."""
    cleaned, errors = {}, []
    for column, raw in zip(KEY_FIGURES, (potential_3y, margin_pct)):
        try:
            cleaned[column.name] = normalise(column, raw)
        except Refused as refused:
            errors.append(FieldError(column.name, refused.code, {"value": plain(raw), **refused.params}))
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            account = account_at_version(session, account_id, expected_version)
            assign_changed(account, cleaned)
            session.flush()
            return read_key_figures(session, account_id)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("account") from exc
