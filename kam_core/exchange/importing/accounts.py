"""Planning and writing accounts.

| kind     | rule                                                                                  |
| -------- | ------------------------------------------------------------------------------------- |
| accounts | values checked by ``accounts.validate_account`` with the stored values merged in, so  |
|          | the rules are the form's (required, text_length, account_name_taken, crm_id_taken,    |
|          | number_range ...); a CRM id that differs from the one stored for the same name:       |
|          | crm_id_mismatch {stored}. Country: ISO alpha-2 or alpha-3 code, English or French     |
|          | name; unknown -> country_code warning, left empty (unchanged on update). KAM: an      |
|          | active KAM matched on e-mail or folded name; unknown or ambiguous -> unknown_kam      |
|          | warning, inactive -> inactive_kam warning (KAMs are never created). Status:           |
|          | prospect/active/archived or CRM words (Customer, Client -> active; Prospect, Lead ->   |
|          | prospect; Inactive, Former -> archived); else choice warning, active on create,       |
|          | unchanged on update. Sector missing on create: default_sector warning, "Unclassified";|
|          | a sector or group typed in other capitals takes the spelling already in use.          |
|          | Parent: by parent CRM id, else parent name, in the file first, then in the database;  |
|          | not found (or only a refused row) -> unknown_parent warning; archived ->              |
|          | parent_archived warning (parent left unchanged); itself -> own_parent error; a circle |
|          | of parents -> parent_cycle error on each row of the circle. Under a parent the group  |
|          | name is empty. Annual revenue with its year (default: last year) sets that            |
|          | AccountYear's revenue (created when missing).                                         |
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from kam_core.account.accounts import FIELDS as ACCOUNT_FIELDS
from kam_core.account.accounts import blank_values, spellings_in_use, validate_account
from kam_core.common.errors import ConflictError
from kam_core.common.text import fold_name
from kam_core.exchange.importing.cell_values import _shown, _status, country_code
from kam_core.exchange.importing.model import AMOUNT_MAX, DEFAULT_SECTOR, YEAR_MAX, YEAR_MIN, ImportProblem, RawTable
from kam_core.exchange.importing.rows import (
    _Cells,
    _chunks,
    _CrmDict,
    _duplicate,
    _number_in,
    _Plan,
    _problem,
    _Progress,
    _Row,
    _rows,
    _value,
    crm_key,
)
from kam_core.governance import audit
from kam_core.store.models import Account, AccountYear, Kam, utcnow
from kam_core.store.records import assign_changed

_ACCOUNT_TEXTS = ("name", "crm_id", "group_name", "sector", "notes")
_FIELD_TARGET = {"kam_id": "kam"}


def _kam_index(session: Session) -> tuple[dict[str, tuple[int, bool]], dict[str, list[tuple[int, bool]]], dict]:
    rows = session.execute(select(Kam.id, Kam.name, Kam.email, Kam.active)).all()
    by_email = {row.email.casefold(): (row.id, row.active) for row in rows if row.email}
    by_name: dict[str, list[tuple[int, bool]]] = {}
    for row in rows:
        by_name.setdefault(fold_name(row.name), []).append((row.id, row.active))
    return by_email, by_name, {row.id: row.name for row in rows}


def _plan_accounts(session: Session, table: RawTable, cells: _Cells, today: date, progress: _Progress) -> list[_Row]:
    accounts = {row.id: row for row in session.execute(select(Account)).scalars()}
    by_crm = _CrmDict((account.crm_id, account.id) for account in accounts.values() if account.crm_id is not None)
    by_key = {account.name_key: account.id for account in accounts.values()}
    by_email, by_name, kam_names = _kam_index(session)
    seen: dict = {}
    spellings: dict[tuple[str, str], str] = {}
    stored_spellings = spellings_in_use(session)  # read once, not once a row
    planned = []
    for position, row in _rows(table, progress):
        planned.append(row)
        row.extra = {"position": position}
        name = cells.get("name", position)  # required and its length: validate_account's rules
        crm = cells.get("crm_id", position)
        key = fold_name(name) if name is not None else None
        existing = by_crm.get(crm) if crm is not None else None
        if existing is None and key is not None:
            existing = by_key.get(key)
            if (
                existing is not None
                and crm is not None
                and crm_key(accounts[existing].crm_id) not in (None, crm_key(crm))
            ):
                _problem(row, cells, position, "crm_id", "crm_id_mismatch", stored=accounts[existing].crm_id)
        row.target_id = existing
        row.action = "update" if existing is not None else "create"
        if _duplicate(
            row,
            seen,
            [
                ("crm", crm_key(crm)) if crm else None,
                ("name", key) if key else None,
                ("id", existing) if existing else None,
            ],
            cells,
            position,
            "crm_id" if crm is not None and ("crm", crm_key(crm)) in seen else "name",
        ):
            row.values = {"name": name, "crm_id": crm}
            continue
        stored = accounts.get(existing) if existing is not None else None
        merged = {name_: getattr(stored, name_) for name_ in ACCOUNT_FIELDS} if stored is not None else blank_values()
        for target in ("crm_id", "group_name", "sector", "notes"):
            value = cells.get(target, position)
            if value is not None:
                merged[target] = value
        if name is not None:
            merged["name"] = name
        for target in ("potential_3y", "margin_pct"):
            value = _value(row, cells, position, target)
            if value is not None:
                merged[target] = value
        _account_words(row, cells, position, merged, stored, by_email, by_name)
        if stored is None and merged["sector"] is None:
            merged["sector"] = DEFAULT_SECTOR
            _problem(row, cells, position, "sector", "default_sector", "warning", sector=DEFAULT_SECTOR)
        parent_id = merged.pop("parent_id")
        cleaned, errors = validate_account(session, {**merged, "parent_id": None}, existing, spellings=stored_spellings)
        for error in errors:  # the form's rules, reported on the column the field comes from
            target = _FIELD_TARGET.get(error.field, error.field)
            raw = cells.raw(target, position)
            shown = _shown(raw) if raw is not None else _shown(error.params.get("value"))
            params = {key_: value for key_, value in error.params.items() if key_ != "value"}
            row.problems.append(
                ImportProblem(row.number, cells.header(target), shown, error.code, {"value": shown, **params})
            )
            row.errors += 1
        cleaned["parent_id"] = parent_id  # the stored parent; the file's is resolved once all rows are read
        for name_ in ("sector", "group_name"):  # as the form does against the database, within the file too
            if cleaned[name_]:
                cleaned[name_] = spellings.setdefault((name_, fold_name(cleaned[name_])), cleaned[name_])
        revenue = _number_in(row, cells, position, "revenue", 0, AMOUNT_MAX)
        year = _value(row, cells, position, "revenue_year")
        if year is not None and not (year.is_integer() and YEAR_MIN <= year <= YEAR_MAX):
            _problem(row, cells, position, "revenue_year", "integer_range", min=YEAR_MIN, max=YEAR_MAX)
            year = None
        if revenue is not None and year is None and cells.get("revenue_year", position) is None:
            year = today.year - 1
            _problem(row, cells, position, "revenue", "revenue_year_defaulted", "warning", year=year)
        row.stored = cleaned
        row.extra.update(
            revenue=revenue,
            year=int(year) if revenue is not None and year is not None else None,
            parent_crm=cells.get("parent_crm_id", position),
            parent_name=cells.get("parent_name", position),
            key=fold_name(cleaned["name"] or ""),
        )
        row.values = _account_display(cleaned, kam_names, revenue, row.extra["year"])
    _resolve_parents(planned, cells, accounts, by_crm, by_key)
    return planned


def _account_words(
    row: _Row, cells: _Cells, position: int, merged: dict, stored: Account | None, by_email: dict, by_name: dict
) -> None:
    """Country, KAM and status: words of the file turned into codes and ids, with warnings."""
    country = cells.get("country", position)
    if country is not None:
        code = country_code(country)
        if code is None:
            _problem(row, cells, position, "country", "country_code", "warning")
        else:
            merged["country"] = code
    kam = cells.get("kam", position)
    if kam is not None:
        if "@" in kam:
            candidates = [by_email[kam.casefold()]] if kam.casefold() in by_email else []
        else:
            candidates = by_name.get(fold_name(kam), [])
        current = stored.kam_id if stored is not None else None
        usable = [kam_id for kam_id, active in candidates if active or kam_id == current]
        if len(usable) == 1:
            merged["kam_id"] = usable[0]
        elif candidates and not usable:
            _problem(row, cells, position, "kam", "inactive_kam", "warning")
        else:
            _problem(row, cells, position, "kam", "unknown_kam", "warning")
    status = cells.get("status", position)
    if status is not None:
        code = _status(status)
        if code is None:
            _problem(row, cells, position, "status", "choice", "warning", choices=["prospect", "active", "archived"])
        else:
            merged["status"] = code


def _account_display(values: dict, kam_names: dict, revenue, year) -> dict:
    shown = {name: values.get(name) for name in ACCOUNT_FIELDS if name not in ("kam_id", "parent_id")}
    shown["kam"] = kam_names.get(values.get("kam_id"))
    shown["parent_name"] = None
    shown["revenue"] = revenue
    shown["revenue_year"] = year
    return shown


def _resolve_parents(
    planned: list[_Row], cells: _Cells, accounts: dict[int, Account], by_crm: dict, by_key: dict
) -> None:
    """Each row's parent (by CRM id, else name; in the file first, then in the database), with
    self-parents and circles refused and unknown parents reported."""
    valid = [row for row in planned if not row.refused]
    node_of = {id(row): ("a", row.target_id) if row.target_id is not None else ("r", row.number) for row in planned}
    file_crm = _CrmDict((row.stored["crm_id"], row) for row in valid if row.stored.get("crm_id"))
    file_key = {row.extra["key"]: row for row in valid if row.extra.get("key")}
    all_crm = _CrmDict((row.stored.get("crm_id"), row) for row in planned if row.stored.get("crm_id"))
    all_key = {row.extra.get("key"): row for row in planned if row.extra.get("key")}
    names = {("a", account_id): account.name for account_id, account in accounts.items()}
    names |= {node_of[id(row)]: row.stored["name"] for row in valid}
    links: dict[tuple, tuple | None] = {
        ("a", account_id): ("a", account.parent_id) if account.parent_id else None
        for account_id, account in accounts.items()
    }
    wanted: dict[int, tuple] = {}  # id(row) -> parent node
    for row in valid:
        crm, name = row.extra.get("parent_crm"), row.extra.get("parent_name")
        if crm is None and name is None:
            continue
        position = row.extra["position"]
        target = "parent_crm_id" if crm is not None else "parent_name"
        parent = None
        if crm is not None:
            parent = node_of[id(file_crm[crm])] if crm in file_crm else ("a", by_crm[crm]) if crm in by_crm else None
        if parent is None and name is not None:
            key = fold_name(name)
            parent = node_of[id(file_key[key])] if key in file_key else ("a", by_key[key]) if key in by_key else None
            target = "parent_name" if parent is not None else target
        if parent is None:
            refused = all_crm.get(crm) if crm is not None else None
            refused = refused or (all_key.get(fold_name(name)) if name is not None else None)
            _problem(
                row,
                cells,
                position,
                target,
                "unknown_parent",
                "warning",
                parent_row=refused.number if refused is not None else None,
            )
            continue
        if parent == node_of[id(row)]:
            _problem(row, cells, position, target, "own_parent")
            continue
        if parent[0] == "a" and accounts[parent[1]].status == "archived" and row.stored.get("parent_id") != parent[1]:
            _problem(row, cells, position, target, "parent_archived", "warning")
            continue
        wanted[id(row)] = parent
        row.extra["parent_target"] = target
        links[node_of[id(row)]] = parent
    in_cycle: set = set()
    for row in valid:
        if id(row) not in wanted or node_of[id(row)] in in_cycle:
            continue
        cycle = _cycle(node_of[id(row)], links)
        in_cycle |= cycle
    for row in valid:
        if id(row) in wanted and node_of[id(row)] in in_cycle:
            _problem(row, cells, row.extra["position"], row.extra["parent_target"], "parent_cycle")
            del wanted[id(row)]
    refused_new = {node_of[id(row)] for row in planned if row.refused and row.target_id is None}
    for row in valid:
        parent = wanted.get(id(row))
        if parent is None or row.refused:
            continue
        if parent in refused_new:  # its parent row is refused: the account is imported without it
            _problem(
                row,
                cells,
                row.extra["position"],
                row.extra["parent_target"],
                "unknown_parent",
                "warning",
                parent_row=parent[1],
            )
            continue
        row.extra["parent"] = parent
        row.stored["group_name"] = None  # the group is the parent's
        row.values["group_name"] = None
        row.values["parent_name"] = names.get(parent)
    for row in valid:
        if "parent" not in row.extra and row.stored.get("parent_id") is not None:
            row.values["parent_name"] = names.get(("a", row.stored["parent_id"]))


def _cycle(start: tuple, links: Mapping[tuple, tuple | None]) -> set:
    """The nodes of the circle of parents ``start`` is part of (empty when it is in none)."""
    path: list = []
    node = start
    while node is not None and node not in path:
        path.append(node)
        node = links.get(node)
    return set(path[path.index(node) :]) if node is not None and node == start else set()


def _write_accounts(session: Session, plan: _Plan, progress: _Progress) -> dict:
    rows = [row for row in plan.rows if not row.refused]
    created = updated = 0
    stored: dict[int, Account] = {}
    targets = [row.target_id for row in rows if row.target_id is not None]
    for chunk in _chunks(targets):
        stored |= {
            account.id: account for account in session.execute(select(Account).where(Account.id.in_(chunk))).scalars()
        }
    new_accounts: dict[int, Account] = {}  # row number -> the account it creates
    for done, row in enumerate(rows):
        progress.at(done)
        values = {name: row.stored[name] for name in ACCOUNT_FIELDS}
        values["name_key"] = fold_name(values["name"])
        parent = row.extra.get("parent")
        if parent is not None and parent[0] == "a":
            values["parent_id"] = parent[1]
        if row.target_id is None:
            account = new_accounts[row.number] = Account(**values)
            session.add(account)
            created += 1
        else:
            account = stored[row.target_id]
            assign_changed(account, values)
            updated += 1
    session.flush()
    later = [row for row in rows if row.extra.get("parent") is not None and row.extra["parent"][0] == "r"]
    for row in later:  # a parent created by this import: its id is known now
        account = stored[row.target_id] if row.target_id is not None else new_accounts[row.number]
        account.parent_id = new_accounts[row.extra["parent"][1]].id
    if later:
        session.flush()
    years = {}
    for row in rows:
        if row.extra.get("revenue") is not None and row.extra.get("year") is not None:
            account_id = row.target_id if row.target_id is not None else new_accounts[row.number].id
            years[(account_id, row.extra["year"])] = row.extra["revenue"]
    changed = _set_years(session, years)
    return {"created": created, "updated": updated, "years_updated": changed}


def _set_years(session: Session, revenues: Mapping[tuple[int, int], float], create_zero: bool = True) -> int:
    """Set AccountYear.revenue of each (account, year); a missing row is created (unless the revenue
    is 0 and ``create_zero`` is off). Returns how many rows were created or changed."""
    if not revenues:
        return 0
    accounts = sorted({account_id for account_id, _year in revenues})
    existing: dict[tuple[int, int], tuple[int, float, int]] = {}
    for chunk in _chunks(accounts):
        for row in session.execute(
            select(
                AccountYear.id, AccountYear.account_id, AccountYear.year, AccountYear.revenue, AccountYear.version
            ).where(AccountYear.account_id.in_(chunk))
        ):
            existing[(row.account_id, row.year)] = (row.id, row.revenue, row.version)
    now = utcnow()
    inserts, updates, trail = [], [], []
    for (account_id, year), revenue in revenues.items():
        found = existing.get((account_id, year))
        if found is None:
            if revenue or create_zero:
                inserts.append(
                    {
                        "account_id": account_id,
                        "year": year,
                        "revenue": revenue,
                        "category_spend": None,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                trail.append(
                    audit.entry(
                        "create",
                        "account_year",
                        None,
                        account_id,
                        {"year": (None, year), "revenue": (None, revenue)},
                        str(year),
                    )
                )
        elif abs(found[1] - revenue) > 1e-9:
            updates.append(
                {"b_id": found[0], "b_old": found[2], "b_revenue": revenue, "b_version": found[2] + 1, "b_now": now}
            )
            trail.append(
                audit.entry("update", "account_year", found[0], account_id, {"revenue": (found[1], revenue)}, str(year))
            )
    table = AccountYear.__table__
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_old"))
            .values(revenue=bindparam("b_revenue"), version=bindparam("b_version"), updated_at=bindparam("b_now"))
        )
        result = session.connection().execute(statement, updates)
        if result.rowcount != len(updates):
            raise ConflictError("account_year")
    audit.record(session.connection(), trail)
    return len(inserts) + len(updates)
