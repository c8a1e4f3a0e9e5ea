"""The programme's business case: the inputs its return on investment (``kam_core.programme.roi``)
reads besides the recorded data, validated and saved here for the Programme inputs page.

Three kinds of inputs, each saved whole or not at all, each refusing a save that comes after someone
else's (optimistic locking on the rows' versions), each audited by the store like every write:

- the programme's own (one row, saved through ``settings.save_programme_fields``): its start year and
  horizon, the company's organic growth, the default margin, a KAM's default loaded yearly cost and
  share of time on the programme, an executive's hourly cost and the hours each kind of meeting takes
  (stored as JSON text; read, checked and written here), the other yearly costs (tools, training,
  events);
- per KAM: their own loaded yearly cost and share of time (empty: the programme's default);
- per account in the programme: its entry year (``Account.programme_since``; empty: the programme's
  start year), its margin (empty: the programme's default) and the account plan's revenue ambition
  for the current year and the two after (``RevenueAmbition`` rows: a typed amount inserts or updates
  the year's row, an emptied cell deletes it).

| field                 | rule (error code {params})                                                     |
| --------------------- | ------------------------------------------------------------------------------ |
| start_year            | optional whole number, 1990 to 2100 (integer_range {min, max, value})          |
| horizon_years         | required whole number, 3 to 10 (required, integer_range)                       |
| organic_growth_pct    | required number, -50 to 100 (required, number_range {min, max, value})         |
| default_margin_pct    | required number, -100 to 100                                                   |
| kam_share_pct         | required number, 0 to 100                                                      |
| kam_yearly_cost, tools_cost, training_cost, events_cost | required number, 0 to COST_MAX               |
| executive_hour_cost   | required number, 0 to HOUR_COST_MAX                                            |
| meeting_hours.<kind>  | every engagement kind, a number of hours 0 to HOURS_MAX (required, number_range); |
|                       | a kind that is not an engagement kind (choice {value, choices})                |
| per KAM               | yearly_cost 0 to COST_MAX, programme_share_pct 0 to 100, both optional; errors |
|                       | carry the 1-based ``row`` and the ``value`` typed                              |
| per account           | programme_since 1990 to 2100, margin_pct -100 to 100, ambition_<year> 0 to     |
|                       | AMBITION_MAX, all optional; errors carry ``row`` and ``value``                 |

A table row whose values equal what is stored is not written (it keeps its version, and someone
else's save of it since the read is no conflict); a changed one must still be at the version read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.cells import Column, Refused, is_empty, normalise, plain
from kam_core.common.errors import ConflictError, FieldError, ValidationError
from kam_core.programme.settings import read_programme_fields, save_programme_fields
from kam_core.store.db import session_scope
from kam_core.store.models import DEFAULT_MEETING_HOURS, ENGAGEMENT_KINDS, Account, Kam, RevenueAmbition
from kam_core.store.records import assign_changed

YEAR_MIN, YEAR_MAX = 1990, 2100  # a programme year (the schema's checks say the same)
COST_MAX = 1_000_000_000  # a yearly cost, in the programme's currency
HOUR_COST_MAX = 100_000  # an executive's hour
HOURS_MAX = 1_000  # executive hours one meeting takes (an event of several days with several executives)
AMBITION_MAX = 10_000_000_000_000  # a year's revenue ambition for one account (as an account's potential)
AMBITION_YEARS = 3  # the current year and the two after

# The programme's inputs, each with what it allows (kam_core.common.cells reads and checks a value)
PROGRAMME_COLUMNS = {
    column.name: column
    for column in (
        Column("start_year", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
        Column("horizon_years", "int", required=True, minimum=3, maximum=10),
        Column("organic_growth_pct", "float", required=True, minimum=-50, maximum=100),
        Column("default_margin_pct", "float", required=True, minimum=-100, maximum=100),
        Column("kam_yearly_cost", "float", required=True, minimum=0, maximum=COST_MAX),
        Column("kam_share_pct", "float", required=True, minimum=0, maximum=100),
        Column("executive_hour_cost", "float", required=True, minimum=0, maximum=HOUR_COST_MAX),
        Column("tools_cost", "float", required=True, minimum=0, maximum=COST_MAX),
        Column("training_cost", "float", required=True, minimum=0, maximum=COST_MAX),
        Column("events_cost", "float", required=True, minimum=0, maximum=COST_MAX),
    )
}
HOURS = Column("hours", "float", required=True, minimum=0, maximum=HOURS_MAX)
FIELDS = (*PROGRAMME_COLUMNS, "meeting_hours")  # what save_business_case takes

KAM_COLUMNS = (
    Column("yearly_cost", "float", minimum=0, maximum=COST_MAX),
    Column("programme_share_pct", "float", minimum=0, maximum=100),
)
ACCOUNT_COLUMNS = (
    Column("programme_since", "int", minimum=YEAR_MIN, maximum=YEAR_MAX),
    Column("margin_pct", "float", minimum=-100, maximum=100),
)
AMBITION = Column("amount", "float", minimum=0, maximum=AMBITION_MAX)


# --- the programme's inputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCase:
    """The programme's inputs to its ROI, as stored (``meeting_hours`` read from its JSON text)."""

    currency: str
    start_year: int | None
    horizon_years: int
    organic_growth_pct: float
    default_margin_pct: float
    kam_yearly_cost: float
    kam_share_pct: float
    executive_hour_cost: float
    meeting_hours: Mapping[str, float]  # engagement kind -> executive hours per meeting, every kind
    tools_cost: float
    training_cost: float
    events_cost: float
    version: int


def meeting_hours(text: str | None) -> dict[str, float]:
    """The hours per engagement kind the JSON text ``text`` holds, for every kind: a kind missing, or
    a value that is no number of hours from 0 to HOURS_MAX, reads as its default
    (``models.DEFAULT_MEETING_HOURS``); kinds that are not engagement kinds are left out."""
    defaults = json.loads(DEFAULT_MEETING_HOURS)
    try:
        stored = json.loads(text) if text else {}
    except ValueError:
        stored = {}
    if not isinstance(stored, dict):
        stored = {}
    hours = {}
    for kind in ENGAGEMENT_KINDS:
        try:
            hours[kind] = normalise(HOURS, stored.get(kind))
        except Refused:
            hours[kind] = float(defaults[kind])
    return hours


def meeting_hours_text(hours: Mapping[str, float]) -> str:
    """The JSON text stored for ``hours`` (kinds sorted, as ``models.DEFAULT_MEETING_HOURS``)."""
    return json.dumps({kind: hours[kind] for kind in sorted(hours)})


def read_business_case(session: Session) -> BusinessCase:
    values = read_programme_fields(session, ("currency", *FIELDS))
    return BusinessCase(**{**values, "meeting_hours": meeting_hours(values["meeting_hours"])})


def _field_error(field: str, refused: Refused, raw, **more) -> FieldError:
    return FieldError(field, refused.code, {**more, "value": plain(raw), **refused.params})


def _read_programme(values: Mapping) -> tuple[dict, list[FieldError]]:
    """The values as they will be stored (``meeting_hours`` as its JSON text) and every problem."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"not an input of the business case: {sorted(unknown)}")
    read, errors = {}, []
    for name, column in PROGRAMME_COLUMNS.items():
        if name not in values:
            continue
        try:
            read[name] = normalise(column, values[name])
        except Refused as refused:
            errors.append(_field_error(name, refused, values[name]))
    if "meeting_hours" in values:
        hours, problems = _read_hours(values["meeting_hours"])
        errors += problems
        if not problems:
            read["meeting_hours"] = meeting_hours_text(hours)
    return read, errors


def _read_hours(given) -> tuple[dict[str, float], list[FieldError]]:
    if not isinstance(given, Mapping):
        return {}, [FieldError("meeting_hours", "required", {})]
    hours, errors = {}, []
    for kind in sorted(set(given) - set(ENGAGEMENT_KINDS), key=str):
        errors.append(FieldError("meeting_hours", "choice", {"value": kind, "choices": list(ENGAGEMENT_KINDS)}))
    for kind in ENGAGEMENT_KINDS:
        raw = given.get(kind)
        try:
            hours[kind] = normalise(HOURS, raw)
        except Refused as refused:
            errors.append(_field_error(f"meeting_hours.{kind}", refused, raw))
    return hours, errors


def validate(values: Mapping) -> list[FieldError]:
    """Every problem of ``values`` (some of ``FIELDS``; ``meeting_hours`` as {kind: hours})."""
    return _read_programme(values)[1]


def save_business_case(engine: Engine, values: Mapping, expected_version: int) -> dict:
    """Save some of the programme's inputs (the keys of ``values``, among ``FIELDS``), validated
    first, whole or not at all; a stale ``expected_version`` raises ConflictError. Returns the
    saved values and the programme's new ``version`` (``meeting_hours`` as {kind: hours})."""
    stored, errors = _read_programme(values)
    saved = save_programme_fields(engine, stored, expected_version, lambda _stored: errors)
    if "meeting_hours" in saved:
        saved["meeting_hours"] = meeting_hours(saved["meeting_hours"])
    return saved


# --- per KAM: their own cost and share of time ------------------------------------------------------


def kam_costs(session: Session, programme_account_ids: Iterable[int] = ()) -> pd.DataFrame:
    """The KAMs whose cost the programme may carry: the active ones, and any other that owns an
    account of the programme. ``id``, ``version``, ``name``, ``active``, ``accounts`` (the
    programme's accounts they own), then KAM_COLUMNS (None: the programme's default); active first,
    by name."""
    ids = {int(identifier) for identifier in programme_account_ids}
    owners = session.execute(select(Account.kam_id).where(Account.id.in_(ids), Account.kam_id.is_not(None))).all()
    owned: dict[int, int] = {}
    for (kam_id,) in owners:
        owned[kam_id] = owned.get(kam_id, 0) + 1
    records = session.scalars(select(Kam).order_by(Kam.active.desc(), Kam.name, Kam.id)).all()
    columns = ["id", "version", "name", "active", "accounts", *(column.name for column in KAM_COLUMNS)]
    return pd.DataFrame(
        [
            {
                "id": record.id,
                "version": record.version,
                "name": record.name,
                "active": record.active,
                "accounts": owned.get(record.id, 0),
                **{column.name: getattr(record, column.name) for column in KAM_COLUMNS},
            }
            for record in records
            if record.active or record.id in owned
        ],
        columns=columns,
    ).astype({"accounts": int})


@dataclass(frozen=True)
class _Row:
    number: int  # 1-based, as the user sees the table
    id: int
    version: int | None
    values: dict


def _key(raw, record: str) -> int | None:
    """A row's id or a version read: None when empty; anything else that is no whole number is a row
    the table never had (someone's hand, not a typing mistake)."""
    if is_empty(raw):
        return None
    try:
        value = float(plain(raw))
    except (TypeError, ValueError):
        raise ConflictError(record) from None
    if not value.is_integer():
        raise ConflictError(record)
    return int(value)


def _read_cells(row: Mapping, number: int, columns: Iterable[tuple[str, Column]]) -> tuple[dict, list[FieldError]]:
    values, errors = {}, []
    for field, column in columns:
        raw = row.get(field)
        try:
            values[field] = normalise(column, raw)
        except Refused as refused:
            errors.append(_field_error(field, refused, raw, row=number))
            values[field] = None
    return values, errors


def save_kam_costs(engine: Engine, rows: list[dict]) -> int:
    """Save each KAM's own yearly cost and share of time, as the table was left (``id``, ``version``
    read, then KAM_COLUMNS; other columns ignored), whole or not at all. Returns the number of KAMs
    changed. Raises ValidationError (every problem, with its ``row``), ConflictError (a changed KAM
    saved by someone else since it was read, or one that is gone)."""
    read, errors = [], []
    for number, row in enumerate(rows, start=1):
        identifier = _key(row.get("id"), "kam")
        if identifier is None:
            raise ConflictError("kam")
        values, problems = _read_cells(row, number, ((column.name, column) for column in KAM_COLUMNS))
        errors += problems
        read.append(_Row(number, identifier, _key(row.get("version"), "kam"), values))
    if errors:
        raise ValidationError(errors)
    try:
        with session_scope(engine) as session:
            wanted = [row.id for row in read]
            stored = {record.id: record for record in session.scalars(select(Kam).where(Kam.id.in_(wanted)))}
            changed = 0
            for row in read:
                record = stored.get(row.id)
                if record is None:
                    raise ConflictError("kam")
                if all(getattr(record, name) == value for name, value in row.values.items()):
                    continue
                if record.version != row.version:
                    raise ConflictError.of("kam", record)
                assign_changed(record, row.values)
                changed += 1
            session.flush()
            return changed
    except StaleDataError as exc:
        raise ConflictError("kam") from exc


# --- per account in the programme: entry year, margin, revenue ambitions -----------------------------


def ambition_years(today: date) -> tuple[int, ...]:
    """The years whose revenue ambition the inputs take: the current year and the two after."""
    return tuple(today.year + offset for offset in range(AMBITION_YEARS))


def ambition_column(year: int) -> str:
    return f"ambition_{year}"


def ambition_version_column(year: int) -> str:
    return f"ambition_{year}_version"


def account_inputs(session: Session, members: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """The inputs of the accounts in ``members`` (a frame of ``overview.account_table``'s rows: its
    ``account_id``, ``name``, ``segment``, ``kam``, ``revenue`` are kept), by name: ``version`` (the
    account's), ``programme_since``, ``margin_pct``, then for each of ``years`` the ambition
    (``ambition_<year>``: None when there is none) and its row's version (``ambition_<year>_version``)."""
    years = tuple(years)
    kept = [column for column in ("account_id", "name", "segment", "kam", "revenue") if column in members.columns]
    table = members[kept].sort_values(["name", "account_id"]).reset_index(drop=True)
    ids = [int(identifier) for identifier in table["account_id"]]
    accounts = {
        identifier: (version, since, margin)
        for identifier, version, since, margin in session.execute(
            select(Account.id, Account.version, Account.programme_since, Account.margin_pct).where(Account.id.in_(ids))
        ).all()
    }
    ambitions = {
        (account_id, year): (amount, version)
        for account_id, year, amount, version in session.execute(
            select(
                RevenueAmbition.account_id, RevenueAmbition.year, RevenueAmbition.amount, RevenueAmbition.version
            ).where(RevenueAmbition.account_id.in_(ids), RevenueAmbition.year.in_(years))
        ).all()
    }
    # gone meanwhile; a boolean Series, not a list: an empty list would select no column
    table = table[pd.Series([i in accounts for i in ids], index=table.index, dtype=bool)].reset_index(drop=True)
    ids = [int(identifier) for identifier in table["account_id"]]
    table["version"] = pd.array([accounts[i][0] for i in ids], dtype="Int64")
    table["programme_since"] = pd.array([accounts[i][1] for i in ids], dtype="Int64")
    table["margin_pct"] = pd.array([accounts[i][2] for i in ids], dtype="Float64")
    for year in years:
        found = [ambitions.get((i, year), (None, None)) for i in ids]
        table[ambition_column(year)] = pd.array([amount for amount, _ in found], dtype="Float64")
        table[ambition_version_column(year)] = pd.array([version for _, version in found], dtype="Int64")
    return table


def save_account_inputs(engine: Engine, rows: list[dict], years: Iterable[int]) -> int:
    """Save the accounts' inputs as the table was left (``account_id``, ``version`` read,
    ACCOUNT_COLUMNS, and for each of ``years`` ``ambition_<year>`` with ``ambition_<year>_version``
    read; other columns ignored), whole or not at all, in one transaction: an account's entry year
    and margin; per year an amount typed inserts or updates the year's ambition, an emptied cell
    deletes it. Returns the number of accounts and ambitions changed. Raises ValidationError (every
    problem, with its ``row``) or ConflictError (a changed account or ambition saved by someone
    else since it was read, or an account gone), and nothing is written."""
    years = tuple(years)
    cells = [(column.name, column) for column in ACCOUNT_COLUMNS] + [(ambition_column(y), AMBITION) for y in years]
    read, errors = [], []
    for number, row in enumerate(rows, start=1):
        identifier = _key(row.get("account_id"), "account")
        if identifier is None:
            raise ConflictError("account")
        values, problems = _read_cells(row, number, cells)
        errors += problems
        versions = {year: _key(row.get(ambition_version_column(year)), "revenue_ambition") for year in years}
        read.append(_Row(number, identifier, _key(row.get("version"), "account"), {**values, "_versions": versions}))
    if errors:
        raise ValidationError(errors)
    ids = [row.id for row in read]
    if len(ids) != len(set(ids)):
        raise ValueError("an account is listed twice")
    try:
        with session_scope(engine) as session:
            accounts = {record.id: record for record in session.scalars(select(Account).where(Account.id.in_(ids)))}
            stored = {
                (record.account_id, record.year): record
                for record in session.scalars(
                    select(RevenueAmbition).where(RevenueAmbition.account_id.in_(ids), RevenueAmbition.year.in_(years))
                )
            }
            changed = 0
            for row in read:
                account = accounts.get(row.id)
                if account is None:
                    raise ConflictError("account")
                changed += _write_account(account, row)
                for year in years:
                    changed += _write_ambition(session, row, year, stored.get((row.id, year)))
            session.flush()
            return changed
    except (StaleDataError, IntegrityError) as exc:  # validated already: only a concurrent save gets here
        raise ConflictError("revenue_ambition") from exc


def _write_account(account: Account, row: _Row) -> int:
    values = {column.name: row.values[column.name] for column in ACCOUNT_COLUMNS}
    if all(getattr(account, name) == value for name, value in values.items()):
        return 0
    if account.version != row.version:
        raise ConflictError.of("account", account)
    assign_changed(account, values)
    return 1


def _write_ambition(session: Session, row: _Row, year: int, record: RevenueAmbition | None) -> int:
    amount = row.values[ambition_column(year)]
    if amount == (record.amount if record is not None else None):
        return 0
    if (record.version if record is not None else None) != row.values["_versions"][year]:
        raise ConflictError.of("revenue_ambition", record)  # saved, added or deleted by someone else
    if amount is None:
        session.delete(record)
    elif record is None:
        session.add(RevenueAmbition(account_id=row.id, year=year, amount=amount))
    else:
        record.amount = amount
    return 1


def enter_programme(engine: Engine, account_id: int, year) -> None:
    """Enter an account in the programme by hand from ``year`` (its ``programme_since``; see
    ``membership``: an account so entered is in the programme whatever its segment). Refused:
    a year that is no whole number from 1990 to 2100 (ValidationError on ``programme_since``); an
    account gone or archived, or entered by someone else since it was read (ConflictError)."""
    try:
        year = normalise(Column("programme_since", "int", required=True, minimum=YEAR_MIN, maximum=YEAR_MAX), year)
    except Refused as refused:
        raise ValidationError([_field_error("programme_since", refused, year)]) from None
    try:
        with session_scope(engine) as session:
            account = session.get(Account, account_id)
            if account is None or account.status == "archived" or account.programme_since is not None:
                raise ConflictError.of("account", account)
            account.programme_since = year
    except StaleDataError as exc:
        raise ConflictError("account") from exc
