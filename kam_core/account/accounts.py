"""Accounts themselves: create, edit, archive, restore and delete one.

Reads take a Session and return plain data (``AccountRecord``, lists of ids and names), never
ORM objects. Writes take an Engine and run in one transaction: everything is validated first,
every error is reported at once, and nothing is written when one is found. A write given the
version the user read raises ``ConflictError`` when someone saved the account since, and
``NotFoundError`` when it was deleted meanwhile.

Rules of an account's fields (``validate_account``; each error names the field and a code):

| field        | rule (error code)                                                               |
| ------------ | ------------------------------------------------------------------------------- |
| name         | required, 1 to 160 characters (required, text_length); no other account of the  |
|              | same name, capitals, accents and spaces not counting (account_name_taken)       |
| crm_id       | optional, up to 64 characters (text_length); no other account with the same id  |
|              | (crm_id_taken)                                                                  |
| sector       | required, 1 to 80 characters (required, text_length)                            |
| country      | optional ISO 3166-1 alpha-2 code, any case (country_code)                       |
| kam_id       | optional; an active KAM, or the account's current one (unknown_ref)             |
| status       | required, one of ``ACCOUNT_STATUSES`` (required, choice)                        |
| potential_3y | optional number, 0 to 1e13 (number_format, number_range)                        |
| margin_pct   | optional number, -100 to 100 (number_format, number_range)                      |
| parent_id    | optional; an existing account, not archived unless it is the current parent     |
|              | (unknown_ref); not the account itself (own_parent); not one of its descendants, |
|              | which would make a circle of group heads (group_cycle)                          |
| group_name   | optional, up to 160 characters (text_length); stored empty when the account has |
|              | a parent: its group is then the parent's                                        |
| notes        | optional, up to 5000 characters (text_length)                                   |

Numbers may be typed with a decimal comma ("12,5"); blank text is stored as None.

Archiving keeps the account and everything it holds, but takes it off the matrix, the boards
and the counts (``status = "archived"``); restoring sets it back to active (or prospect).

Deleting is for good: the user confirms by typing the account's name (capitals and accents do
not count; confirmation_mismatch otherwise). On a SQLite file a copy of the database is made
first (``backups.backup_sqlite``). The database's ON DELETE CASCADE then removes every row the
account owns (``DELETION_KINDS``, counted beforehand by ``deletion_impact``), the rows owned
by its handshake and its stakeholders included; the accounts it headed are unlinked
(``parent_id`` cleared), not deleted. The delete checks that nothing of the account is left
before it commits.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.cells import Column, Refused, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.common.text import fold_name
from kam_core.governance import access
from kam_core.programme.countries import is_country
from kam_core.programme.team import kam_choices
from kam_core.store import backups, db
from kam_core.store.db import session_scope
from kam_core.store.models import (
    ACCOUNT_STATUSES,
    Account,
    AccountPlan,
    AccountYear,
    Action,
    Commitment,
    Competitor,
    CustomerUnit,
    Engagement,
    Handshake,
    HandshakeReview,
    HandshakeStageEvent,
    JointObjective,
    Kam,
    KpiReading,
    Objective,
    Pairing,
    Priority,
    RevenueAmbition,
    RevenueLine,
    Score,
    Stakeholder,
    SwotItem,
    ValueProposition,
    WhiteSpaceCell,
)
from kam_core.store.records import account_at_version, account_or_missing, assign_changed

FIELDS = (
    "name",
    "crm_id",
    "parent_id",
    "group_name",
    "sector",
    "country",
    "kam_id",
    "status",
    "potential_3y",
    "margin_pct",
    "notes",
)

NAME_MAX = 160
CRM_ID_MAX = 64
SECTOR_MAX = 80
GROUP_NAME_MAX = 160
NOTES_MAX = 5000
POTENTIAL_MAX = 10_000_000_000_000  # 1e13, in the programme's currency
MARGIN_MIN, MARGIN_MAX = -100, 100

_TEXTS = {
    "name": Column("name", "text", required=True, max_length=NAME_MAX),
    "crm_id": Column("crm_id", "text", max_length=CRM_ID_MAX),
    "sector": Column("sector", "text", required=True, max_length=SECTOR_MAX),
    "group_name": Column("group_name", "text", max_length=GROUP_NAME_MAX),
    "notes": Column("notes", "text", max_length=NOTES_MAX),
    "country": Column("country", "text"),
}
_STATUS = Column("status", "choice", required=True, choices=ACCOUNT_STATUSES)
_REF = Column("ref", "int")  # reads a reference (an id) as a whole number; what it may name is checked apart
_NUMBERS = {"potential_3y": (0, POTENTIAL_MAX), "margin_pct": (MARGIN_MIN, MARGIN_MAX)}
_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRecord:
    """One account's basics, as the form shows them."""

    id: int
    version: int
    name: str
    crm_id: str | None
    parent_id: int | None
    group_name: str | None
    sector: str
    country: str | None
    kam_id: int | None
    status: str
    potential_3y: float | None
    margin_pct: float | None
    notes: str | None
    updated_at: datetime | None

    def values(self) -> dict:
        """The editable fields (``FIELDS``) as a dict, as ``validate_account`` takes them."""
        return {name: getattr(self, name) for name in FIELDS}


def blank_values() -> dict:
    """The fields of a new account: active, everything else empty."""
    return {name: ("active" if name == "status" else None) for name in FIELDS}


def _record(account: Account) -> AccountRecord:
    return AccountRecord(
        id=account.id,
        version=account.version,
        updated_at=account.updated_at,
        **{name: getattr(account, name) for name in FIELDS},
    )


def load_account(session: Session, account_id: int) -> AccountRecord:
    """The account's basics; NotFoundError when there is no such account."""
    return _record(account_or_missing(session, account_id))


def _parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Account.id, Account.parent_id)).all())


def _descendants(parents: dict[int, int | None], account_id: int) -> set[int]:
    """Every account under ``account_id`` through parent links (the account itself not included)."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    waiting = list(children.get(account_id, ()))
    while waiting:
        child = waiting.pop()
        if child not in found and child != account_id:
            found.add(child)
            waiting.extend(children.get(child, ()))
    return found


@dataclass(frozen=True)
class ParentRules:
    """What limits an account's group head: never itself nor one of its subsidiaries (``excluded``);
    its ``current`` head (id, name) stays offered even archived; ``heads`` are the accounts that
    head a group today (in the programme, by name), offered first in a large programme."""

    excluded: frozenset[int]
    current: tuple[int, str] | None
    heads: tuple[int, ...]


def parent_rules(session: Session, account_id: int | None) -> ParentRules:
    parents = _parents(session)
    current, excluded = None, frozenset()
    if account_id is not None:
        head = session.get(Account, parents[account_id]) if parents.get(account_id) is not None else None
        if head is not None:  # a link to a row gone (foreign keys off at some point) is no head
            current = (head.id, head.name)
        excluded = frozenset(_descendants(parents, account_id) | {account_id})
    heads = session.execute(
        select(Account.id)
        .where(
            Account.id.in_(select(Account.parent_id).where(Account.parent_id.is_not(None)).scalar_subquery()),
            Account.status != "archived",
        )
        .order_by(Account.name_key, Account.id)
    ).scalars()
    return ParentRules(excluded, current, tuple(head for head in heads if head not in excluded))


def group_names(session: Session) -> list[str]:
    """The group names in use (accounts without a parent may name their group), sorted."""
    names = session.execute(select(Account.group_name).where(Account.group_name.is_not(None)).distinct()).scalars()
    return sorted({name for name in names if name.strip()}, key=lambda name: (fold_name(name), name))


def sector_names(session: Session) -> list[str]:
    """The sectors the accounts use, sorted."""
    names = session.execute(select(Account.sector).distinct()).scalars()
    return sorted({name for name in names if name and name.strip()}, key=lambda name: (fold_name(name), name))


@dataclass(frozen=True)
class FormChoices:
    """What the account form offers: possible group heads, group names and sectors in use, KAMs."""

    parents: ParentRules
    groups: list[str]
    kams: list[tuple[int, str]]
    sectors: list[str]


def form_choices(session: Session, account_id: int | None, current_kam_id: int | None = None) -> FormChoices:
    return FormChoices(
        parent_rules(session, account_id),
        group_names(session),
        kam_choices(session, current_kam_id),
        sector_names(session),
    )


# --- validating ---------------------------------------------------------------------------------


class _Unreadable(ValueError):
    pass


def _number(raw) -> float | None:
    """A finite number from a number or typed text ("12,5" and "12.5" both mean 12.5); None
    for nothing typed. Booleans, NaN, infinities and anything else raise _Unreadable."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, (bool, np.bool_)):
        raise _Unreadable(raw)
    if isinstance(raw, (numbers.Real, Decimal)):
        try:
            value = float(raw)
        except OverflowError:  # an integer too large for a float (10**400)
            raise _Unreadable(raw) from None
    elif isinstance(raw, str):
        text = raw.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not _NUMBER_TEXT.fullmatch(text):
            raise _Unreadable(raw)
        value = float(text)
    else:
        raise _Unreadable(raw)
    if not math.isfinite(value):
        raise _Unreadable(raw)
    return value


def _ref(raw, field_name: str, errors: list[FieldError]) -> int | None:
    try:
        return normalise(_REF, raw)
    except Refused:
        errors.append(FieldError(field_name, "unknown_ref", {"value": plain(raw)}))
        return None


def _texts(values: dict, cleaned: dict, errors: list[FieldError]) -> None:
    for name, column in _TEXTS.items():
        raw = values.get(name)
        try:
            cleaned[name] = normalise(column, raw)
        except Refused as refused:
            params = {"value": plain(raw), **refused.params} if refused.code == "text_length" else refused.params
            errors.append(FieldError(name, refused.code, params))
            cleaned[name] = None


def spellings_in_use(session: Session) -> dict[str, dict[str, str]]:
    """For "sector" and "group_name": folded spelling -> the spelling stored."""
    return {
        name: {fold_name(known): known for known in session.execute(select(column).distinct()).scalars() if known}
        for name, column in (("sector", Account.sector), ("group_name", Account.group_name))
    }


def _spelling_in_use(session: Session, cleaned: dict, spellings: dict[str, dict[str, str]] | None) -> None:
    """A sector or group typed as "energy" when "Energy" exists takes the existing spelling, so the
    matrix's colours and the filters never split one sector in two. An import passes ``spellings``
    read once, rather than once a row."""
    known = spellings if spellings is not None else spellings_in_use(session)
    for name in ("sector", "group_name"):
        typed = cleaned.get(name)
        if typed:
            cleaned[name] = known[name].get(fold_name(typed), typed)


def _name_rules(session: Session, cleaned: dict, account_id: int | None, errors: list[FieldError]) -> None:
    name = cleaned["name"]
    if name is None:
        return
    key = fold_name(name)
    if not key or len(key) > NAME_MAX:  # only combining marks, or a name that folds longer (ß -> ss)
        errors.append(FieldError("name", "text_length", {"min": 1, "max": NAME_MAX, "value": name}))
        return
    other = session.execute(select(Account.name).where(Account.name_key == key, _other(account_id))).scalar()
    if other is not None:
        errors.append(FieldError("name", "account_name_taken", {"value": name, "other": other}))


def _other(account_id: int | None):
    return Account.id != account_id if account_id is not None else Account.id.is_not(None)


def _crm_id_rules(session: Session, cleaned: dict, account_id: int | None, errors: list[FieldError]) -> None:
    crm_id = cleaned["crm_id"]
    if crm_id is None:
        return
    other = session.execute(select(Account.name).where(Account.crm_id == crm_id, _other(account_id))).scalar()
    if other is not None:
        errors.append(FieldError("crm_id", "crm_id_taken", {"value": crm_id, "other": other}))


def _country_rules(cleaned: dict, errors: list[FieldError]) -> None:
    country = cleaned["country"]
    if country is None:
        return
    cleaned["country"] = country.upper()
    if not is_country(cleaned["country"]):
        errors.append(FieldError("country", "country_code", {"value": country}))


def _kam_rules(session: Session, values: dict, cleaned: dict, stored: Account | None, errors: list[FieldError]) -> None:
    before = len(errors)
    kam_id = _ref(values.get("kam_id"), "kam_id", errors)
    cleaned["kam_id"] = kam_id
    if kam_id is None or len(errors) > before:
        return
    kam = session.get(Kam, kam_id)
    if kam is None or not (kam.active or (stored is not None and stored.kam_id == kam_id)):
        errors.append(FieldError("kam_id", "unknown_ref", {"value": kam_id}))


def _status_rules(values: dict, cleaned: dict, errors: list[FieldError]) -> None:
    raw = values.get("status")
    try:
        cleaned["status"] = normalise(_STATUS, raw)
    except Refused as refused:
        params = {"value": plain(raw), **refused.params} if refused.code == "choice" else refused.params
        errors.append(FieldError("status", refused.code, params))
        cleaned["status"] = None


def _number_rules(values: dict, cleaned: dict, errors: list[FieldError]) -> None:
    for name, (low, high) in _NUMBERS.items():
        raw = values.get(name)
        try:
            value = _number(raw)
        except _Unreadable:
            errors.append(FieldError(name, "number_format", {"value": raw if isinstance(raw, str) else str(raw)}))
            cleaned[name] = None
            continue
        if value is not None and not low <= value <= high:
            errors.append(FieldError(name, "number_range", {"min": low, "max": high, "value": value}))
        cleaned[name] = value


def _parent_rules(
    session: Session,
    values: dict,
    cleaned: dict,
    account_id: int | None,
    stored: Account | None,
    errors: list[FieldError],
) -> None:
    before = len(errors)
    parent_id = _ref(values.get("parent_id"), "parent_id", errors)
    cleaned["parent_id"] = parent_id
    if parent_id is None or len(errors) > before:
        return
    if account_id is not None and parent_id == account_id:
        errors.append(FieldError("parent_id", "own_parent", {"value": parent_id}))
        return
    parent = session.get(Account, parent_id)
    if parent is None or (parent.status == "archived" and (stored is None or stored.parent_id != parent_id)):
        errors.append(FieldError("parent_id", "unknown_ref", {"value": parent_id}))
        return
    if account_id is not None and _reaches(_parents(session), parent_id, account_id):
        errors.append(FieldError("parent_id", "group_cycle", {"value": parent.name}))


def _reaches(parents: dict[int, int | None], start: int, target: int) -> bool:
    """Whether walking up the parent chain from ``start`` reaches ``target``."""
    seen: set[int] = set()
    current: int | None = start
    while current is not None and current not in seen:
        if current == target:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def validate_account(
    session: Session, values: dict, account_id: int | None, *, spellings: dict[str, dict[str, str]] | None = None
) -> tuple[dict, list[FieldError]]:
    """The values as they will be stored (``FIELDS`` only: text stripped, blank text None, numbers
    as float, the country in capitals, no group name under a parent) and every error found.
    ``account_id`` is None for a new account. Keys outside ``FIELDS`` are ignored; a missing key
    counts as None."""
    stored = session.get(Account, account_id) if account_id is not None else None
    cleaned: dict = {}
    errors: list[FieldError] = []
    _texts(values, cleaned, errors)
    _spelling_in_use(session, cleaned, spellings)
    _name_rules(session, cleaned, account_id, errors)
    _crm_id_rules(session, cleaned, account_id, errors)
    _country_rules(cleaned, errors)
    _parent_rules(session, values, cleaned, account_id, stored, errors)
    _kam_rules(session, values, cleaned, stored, errors)
    _status_rules(values, cleaned, errors)
    _number_rules(values, cleaned, errors)
    if cleaned["parent_id"] is not None:
        cleaned["group_name"] = None  # the group is the parent's
    order = {name: index for index, name in enumerate(FIELDS)}
    errors.sort(key=lambda error: order.get(error.field, len(FIELDS)))
    return {name: cleaned[name] for name in FIELDS}, errors


# --- writing ------------------------------------------------------------------------------------


def create_account(engine: Engine, values: dict) -> int:
    """A new account from ``values`` (see ``FIELDS``); ValidationError lists every problem."""
    try:
        with session_scope(engine) as session:
            cleaned, errors = validate_account(session, values, None)
            if errors:
                raise ValidationError(errors)
            account = Account(**cleaned, name_key=fold_name(cleaned["name"]))
            session.add(account)
            session.flush()
            return account.id
    except IntegrityError as exc:  # someone took the name or CRM id between our check and the insert
        raise ConflictError("account") from exc


def update_account(engine: Engine, account_id: int, values: dict, expected_version: int) -> AccountRecord:
    """Save the account's basics; ``expected_version`` is the version read. NotFoundError when
    it was deleted meanwhile, ConflictError when someone saved it since, ValidationError for
    bad values; nothing is written in any of these cases."""
    try:
        with session_scope(engine) as session:
            account = account_at_version(session, account_id, expected_version)
            cleaned, errors = validate_account(session, values, account_id)
            if errors:
                raise ValidationError(errors)
            assign_changed(account, {**cleaned, "name_key": fold_name(cleaned["name"])})
            session.flush()
            return _record(account)
    except (StaleDataError, IntegrityError) as exc:
        raise ConflictError("account") from exc


def set_status(engine: Engine, account_id: int, status: str, expected_version: int) -> AccountRecord:
    """Archive (``"archived"``), restore (``"active"``) or mark as prospect; the rest unchanged."""
    if not isinstance(status, str) or status not in ACCOUNT_STATUSES:  # pandas' NA cannot even be compared
        raise ValidationError(
            [FieldError("status", "choice", {"value": plain(status), "choices": list(ACCOUNT_STATUSES)})]
        )
    try:
        with session_scope(engine) as session:
            account = account_at_version(session, account_id, expected_version)
            assign_changed(account, {"status": status})
            session.flush()
            return _record(account)
    except StaleDataError as exc:
        raise ConflictError("account") from exc


# --- deleting -----------------------------------------------------------------------------------

# What deleting an account removes with it, in the order the confirmation lists them.
DELETION_KINDS: tuple[str, ...] = (
    "stakeholders",
    "scores",
    "plan",
    "priorities",
    "value_propositions",
    "swot_items",
    "competitors",
    "customer_units",
    "white_space_cells",
    "objectives",
    "actions",
    "handshake",
    "stage_events",
    "joint_objectives",
    "commitments",
    "reviews",
    "kpi_readings",
    "pairings",
    "engagements",
    "revenue_lines",
    "years",
    "ambitions",
)


def _owned(model, account_id: int):
    return select(func.count()).select_from(model).where(model.account_id == account_id)


def _through_handshake(model, account_id: int):
    return (
        select(func.count())
        .select_from(model)
        .join(Handshake, Handshake.id == model.handshake_id)
        .where(Handshake.account_id == account_id)
    )


def _kind_counts(account_id: int) -> dict:
    return {
        "stakeholders": _owned(Stakeholder, account_id),
        "scores": _owned(Score, account_id),
        "plan": _owned(AccountPlan, account_id),
        "priorities": _owned(Priority, account_id),
        "value_propositions": select(func.count())
        .select_from(ValueProposition)
        .join(Priority, Priority.id == ValueProposition.priority_id)
        .where(Priority.account_id == account_id),
        "swot_items": _owned(SwotItem, account_id),
        "competitors": _owned(Competitor, account_id),
        "customer_units": _owned(CustomerUnit, account_id),
        "white_space_cells": _owned(WhiteSpaceCell, account_id),
        "objectives": _owned(Objective, account_id),
        "actions": _owned(Action, account_id),
        "handshake": _owned(Handshake, account_id),
        "stage_events": _through_handshake(HandshakeStageEvent, account_id),
        "joint_objectives": _through_handshake(JointObjective, account_id),
        "commitments": _through_handshake(Commitment, account_id),
        "reviews": _through_handshake(HandshakeReview, account_id),
        "kpi_readings": select(func.count())
        .select_from(KpiReading)
        .join(JointObjective, JointObjective.id == KpiReading.objective_id)
        .join(Handshake, Handshake.id == JointObjective.handshake_id)
        .where(Handshake.account_id == account_id),
        "pairings": select(func.count())
        .select_from(Pairing)
        .join(Stakeholder, Stakeholder.id == Pairing.stakeholder_id)
        .where(Stakeholder.account_id == account_id),
        "engagements": _owned(Engagement, account_id),
        "revenue_lines": _owned(RevenueLine, account_id),
        "years": _owned(AccountYear, account_id),
        "ambitions": _owned(RevenueAmbition, account_id),
    }


def _counts(session: Session, account_id: int) -> dict[str, int]:
    queries = _kind_counts(account_id)
    return {kind: int(session.execute(queries[kind]).scalar_one()) for kind in DELETION_KINDS}


def _children(session: Session, account_id: int) -> list[Account]:
    return list(session.execute(select(Account).where(Account.parent_id == account_id).order_by(Account.id)).scalars())


def deletion_impact(session: Session, account_id: int) -> dict[str, int]:
    """How many rows of each kind (``DELETION_KINDS``, zeros included) deleting the account
    removes, and ``child_accounts``: how many accounts it heads (they are unlinked, not deleted).
    NotFoundError when there is no such account."""
    account_or_missing(session, account_id)
    counts = _counts(session, account_id)
    counts["child_accounts"] = int(
        session.execute(select(func.count()).select_from(Account).where(Account.parent_id == account_id)).scalar_one()
    )
    return counts


def delete_account(
    engine: Engine, account_id: int, confirmation: str, expected_version: int, backup: bool = True
) -> Path | None:
    """Delete the account and everything it owns, for good; returns the copy of the database
    made first (None when none was made: ``backup`` off, or not a SQLite file).

    ``confirmation`` is the account's name as the user typed it (capitals and accents do not
    count). NotFoundError when the account is gone, ConflictError when someone saved it since
    it was read, ValidationError (field "confirmation") when the name does not match: nothing
    is deleted, and no copy made, in any of these cases. PermissionDenied, before anything (the
    copy included), unless the person acting may edit."""
    access.require("editor")
    try:
        with session_scope(engine) as session:
            account = account_at_version(session, account_id, expected_version)
            typed = confirmation if isinstance(confirmation, str) else ""
            if fold_name(typed) != fold_name(account.name):
                raise ValidationError([FieldError("confirmation", "confirmation_mismatch", {"name": account.name})])
            path = db.sqlite_path(str(engine.url)) if backup else None
            copy = backups.backup_sqlite(path, "before-delete") if path is not None else None
            group = account.group_name or account.name
            for child in _children(session, account_id):
                child.parent_id = None  # through the ORM, so that their versions move on
                child.group_name = child.group_name or group  # still one group, named, without its head
            session.flush()
            session.delete(account)
            session.flush()
            left = {kind: count for kind, count in _counts(session, account_id).items() if count}
            if left:  # the database did not cascade (foreign keys off?): write nothing
                raise RuntimeError(f"deleting account {account_id} left rows behind: {left}")
            return copy
    except StaleDataError as exc:
        raise ConflictError("account") from exc
