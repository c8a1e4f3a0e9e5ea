"""Planning and writing revenue lines.

| kind     | rule                                                                                  |
| -------- | ------------------------------------------------------------------------------------- |
| revenue  | the account as for contacts (unknown_account error: the line is reported, never       |
|          | dropped). Kind from the kind column, else IsWon, the stage, IsClosed: won ("Closed    |
|          | Won", "Gagné"), invoice ("Facture"), opportunity (any open stage), lost ("Closed      |
|          | Lost", "Perdu": lost_deal warning, not imported; a line already stored for it is      |
|          | deleted, action "remove"); undecidable -> kind_unknown error (or the ``default_kind``  |
|          | given). Amount >= 0; date 1990 to 2100 (date_range); probability 0 to 100.            |

For every account and year a revenue file touches, the preview and the result give
``year_totals`` (``YearTotal``: the AccountYear.revenue stored and the sum of the account's won
and invoice lines of that year once imported). The yearly revenue itself is **left as it is**
(a partial file must not cut it) unless ``run_import(set_yearly_revenue=True)``: then it is set to
that sum (the row is created when missing; ``years_updated`` counts them). A negative amount on
an invoice line is a credit note, refused (credit_note). Revenue matching: a CRM id not found
falls back on the natural key among the lines stored without a CRM id (the id is then stored);
an open, won or lost deal not matched otherwise matches the one stored open opportunity of the
same account and label (folded), so a changed date, amount or stage updates it. The result also
gives each touched account's open pipeline: the sum of its open opportunity amounts and that sum
weighted by probability (a line without probability weighs 0).
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlmodel import Session

from kam_core.account.accounts import CRM_ID_MAX
from kam_core.common.errors import ConflictError
from kam_core.common.text import fold_name
from kam_core.exchange.importing.accounts import _set_years
from kam_core.exchange.importing.cell_values import _Bad, _line_kind
from kam_core.exchange.importing.model import (
    AMOUNT_MAX,
    BATCH_SIZE,
    LABEL_MAX,
    LINE_KINDS,
    PROBABILITY_MAX,
    PROBABILITY_MIN,
    RawTable,
    YearTotal,
)
from kam_core.exchange.importing.rows import (
    _account_index,
    _Cells,
    _chunks,
    _CrmDict,
    _find_account,
    _number_in,
    _Plan,
    _problem,
    _Progress,
    _Row,
    _sf_suffix,
    _text_value,
    _value,
    crm_key,
)
from kam_core.governance import audit
from kam_core.store.models import Account, AccountYear, RevenueLine, utcnow

_LINE_COLUMNS = (
    RevenueLine.id,
    RevenueLine.account_id,
    RevenueLine.crm_id,
    RevenueLine.kind,
    RevenueLine.label,
    RevenueLine.amount,
    RevenueLine.line_date,
    RevenueLine.probability_pct,
    RevenueLine.version,
)


def _crm_forms(value: str) -> tuple[str, ...]:
    """The stored CRM ids ``crm_key`` compares equal to ``value``: its key, and the key's
    18-character Salesforce form when the key is a 15-character id."""
    key = value if len(value) != 18 else crm_key(value)  # crm_key's own shortcut: its cache is left alone
    if len(key) == 15 and key.isascii() and key.isalnum():
        return key, key + _sf_suffix(key)
    return (key,)


def _select_in(connection, columns, column, values, *criteria) -> list:
    """The rows whose ``column`` is one of ``values``, asked in chunks of ``_IN_CHUNK``."""
    statement = select(*columns).where(column.in_(bindparam("_values", expanding=True)), *criteria)
    found = []
    for chunk in _chunks(sorted(values)):
        found.extend(connection.execute(statement, {"_values": chunk}).all())
    return found


def _lines_by_crm(connection, crms) -> list:
    """The stored lines whose CRM id compares equal (``crm_key``) to one of ``crms``."""
    forms = set()
    for crm in crms:
        forms.update(_crm_forms(crm))
    return _select_in(connection, _LINE_COLUMNS, RevenueLine.crm_id, forms)


_BARE = RevenueLine.crm_id.is_(None) | (RevenueLine.crm_id == "")  # a line stored without a CRM id
_KEY_ACCOUNTS, _KEY_DATES = 100, 400  # per query of the natural-key lookup (at most 500 parameters)


def _lines_by_keys(connection, keys, bare: bool) -> list:
    """The stored lines whose (account, date) is one of the natural ``keys``' (only those without a
    CRM id when ``bare``): a superset of the lines the keys match, bounded by the file's size."""
    dates_of: dict[int, set] = {}
    for key in keys:
        dates_of.setdefault(key[0], set()).add(key[2])
    criteria = [RevenueLine.line_date.in_(bindparam("_dates", expanding=True))]
    if bare:
        criteria.append(_BARE)
    statement = select(*_LINE_COLUMNS).where(
        RevenueLine.account_id.in_(bindparam("_accounts", expanding=True)), *criteria
    )
    found = []
    for accounts in _chunks(sorted(dates_of), _KEY_ACCOUNTS):
        dates = sorted(set().union(*(dates_of[account_id] for account_id in accounts)))
        for chunk in _chunks(dates, _KEY_DATES):
            found.extend(connection.execute(statement, {"_accounts": accounts, "_dates": chunk}).all())
    return found


def _open_deals(connection, pairs) -> list:
    """The stored open opportunities of the ``pairs``' accounts whose label folds as one of the
    pairs' (account, label folded): the labels in use are read first (a few per account), then only
    the lines bearing a label that can match."""
    folds_of: dict[int, set] = {}
    for account_id, text in pairs:
        folds_of.setdefault(account_id, set()).add(text)
    accounts_in = RevenueLine.account_id.in_(bindparam("_accounts", expanding=True))
    in_use = (
        select(RevenueLine.label)
        .distinct()
        .where(accounts_in, RevenueLine.kind == "opportunity", RevenueLine.label.is_not(None))
    )
    lines = select(*_LINE_COLUMNS).where(
        accounts_in, RevenueLine.kind == "opportunity", RevenueLine.label.in_(bindparam("_labels", expanding=True))
    )
    folds: dict[str, str] = {}  # stored label -> folded (stored labels repeat)

    def folded(label: str) -> str:
        text = folds.get(label)
        if text is None:
            text = folds[label] = _fold(label)
        return text

    found = []
    for accounts in _chunks(sorted(folds_of)):
        wanted = set().union(*(folds_of[account_id] for account_id in accounts))
        labels = sorted(
            label
            for label in connection.execute(in_use, {"_accounts": accounts}).scalars()
            if label and folded(label) in wanted
        )
        for chunk in _chunks(labels):
            found.extend(
                line
                for line in connection.execute(lines, {"_accounts": accounts, "_labels": chunk}).all()
                if (line.account_id, folded(line.label)) in pairs
            )
    return found


def _fold(text: str) -> str:
    """``fold_name``, with a fast path for ASCII text (its NFKD form is itself, casefold is lower)."""
    return " ".join(text.lower().split()) if text.isascii() else fold_name(text)


def _plan_revenue(
    session: Session,
    table: RawTable,
    cells: _Cells,
    today: date,
    progress: _Progress,
    default_kind: str | None = None,
    shown: bool = True,
) -> list[_Row]:
    """The hot loop of large imports: columns are read once, lookups are dicts, helpers only run
    for rows with a problem. Only the stored lines the file can match are read (by the file's
    CRM ids, then by the natural keys and the open deals of the accounts it names), so the time
    depends on the file's size, not the database's."""
    index = _account_index(session)
    connection = session.connection()
    crms, labels = cells.column("crm_id"), cells.column("label")
    stored_of: dict = {}  # id -> the stored line (a Row in _LINE_COLUMNS order)
    for line in _lines_by_crm(connection, {crm for crm in crms if crm is not None}):
        stored_of[line.id] = line
    by_crm = _CrmDict((stored_of[id_].crm_id, id_) for id_ in sorted(stored_of) if stored_of[id_].crm_id)
    amounts, dates, probabilities = cells.column("amount"), cells.column("date"), cells.column("probability_pct")
    account_crms, account_names = cells.column("account_crm_id"), cells.column("account_name")
    accounts_by_crm, accounts_by_key, account_names_of = index.by_crm, index.by_key, index.names
    folded: dict[str, str] = {}  # account name as typed -> folded (files repeat the same few names)
    guessed_dates = cells.guessed.get("date", set())
    kind_column, stage_column = cells.read.get("kind"), cells.read.get("stage")
    won_column, closed_column = cells.read.get("is_won"), cells.read.get("is_closed")
    # first pass: each row read, its account found and matched on its CRM id; what is still unmatched
    # collects the natural keys and the open deals' labels to look up
    pending = []
    keys_any, keys_bare = set(), set()  # natural keys of rows without, and with, a CRM id
    label_pairs: set[tuple[int, str]] = set()  # (account, label folded) a row may match an open deal on
    first_number, table_rows = table.header_row + 1, table.rows
    for position in range(len(table_rows)):  # _rows, inline
        if position >= progress.next:
            progress.at(position)
        if table_rows[position].count(None) == len(table_rows[position]):
            continue
        row = _Row(first_number + position)
        account_crm, account_name = account_crms[position], account_names[position]
        crm, label = crms[position], labels[position]
        account_id = accounts_by_crm.get(account_crm) if account_crm is not None else None
        if account_id is None:
            if account_name is not None:
                key_ = folded.get(account_name)
                if key_ is None:
                    key_ = folded[account_name] = fold_name(account_name)
                account_id = accounts_by_key.get(key_)
            if account_id is None:
                if account_crm is None and account_name is None and crm in by_crm:
                    account_id = stored_of[by_crm[crm]].account_id  # an update keeps its account
                else:
                    _find_account(row, cells, position, index)
        if crm is not None and len(crm) > CRM_ID_MAX:
            crm = _text_value(row, cells, position, "crm_id", CRM_ID_MAX)
        if label is not None and len(label) > LABEL_MAX:
            label = _text_value(row, cells, position, "label", LABEL_MAX)
        amount = amounts[position]
        given = kind_column[position] if kind_column is not None else None
        kind = _line_kind(given) if given is not None else None
        if kind is None:  # _revenue_kind's rules, inline; it reports the row's problems itself
            won = won_column[position] if won_column is not None else None
            closed = closed_column[position] if closed_column is not None else None
            stage = stage_column[position] if stage_column is not None else None
            staged = _line_kind(stage) if stage is not None else None
            if won.__class__ is _Bad or closed.__class__ is _Bad:
                kind = _revenue_kind(row, cells, position, default_kind)
            elif won:
                kind = "won"
            elif staged is not None:
                kind = staged
            elif closed and won is False:
                kind = "lost"
            elif closed is False or (stage is not None and not closed):
                kind = "opportunity"
            else:
                kind = default_kind if default_kind is not None else _revenue_kind(row, cells, position, None)
        if amount is not None and (amount.__class__ is not float or not 0 <= amount <= AMOUNT_MAX):
            if amount.__class__ is float and amount < 0 and kind == "invoice":
                _problem(row, cells, position, "amount", "credit_note")  # a negative invoice: not imported
                amount = None
            else:
                amount = _number_in(row, cells, position, "amount", 0, AMOUNT_MAX)
        line_date = dates[position]
        if line_date is not None and isinstance(line_date, _Bad):
            line_date = _value(row, cells, position, "date")
        elif line_date is not None and position in guessed_dates:
            _problem(row, cells, position, "date", "date_order_guessed", "warning", order="mdy")
        probability = probabilities[position]
        if probability is not None and (
            probability.__class__ is not float or not PROBABILITY_MIN <= probability <= PROBABILITY_MAX
        ):
            probability = _number_in(row, cells, position, "probability_pct", PROBABILITY_MIN, PROBABILITY_MAX)
        same = crm if crm is None or len(crm) != 18 else crm_key(crm)  # the CRM id as ids compare
        existing = dict.get(by_crm, same) if same is not None else None
        key = None
        if account_id is not None and kind is not None and line_date is not None and amount is not None:
            key = (account_id, kind, line_date, round(amount, 2), label or "")
            if existing is None:  # a CRM id not found falls back on the lines stored without one
                (keys_any if crm is None else keys_bare).add(key)
        pair = None
        if existing is None and label and account_id is not None and kind in ("opportunity", "won", "lost"):
            pair = (account_id, _fold(label))
            label_pairs.add(pair)
        pending.append(
            (position, row, account_id, crm, label, amount, kind, line_date, probability, existing, key, pair, same)
        )
    # the stored lines those rows can match, in the order of their ids (the first one stored wins)
    by_key: dict = {}  # (account, kind, date, amount, label) -> id
    by_key_bare: dict = {}  # the same, of the lines stored without a CRM id
    if keys_bare and connection.execute(select(RevenueLine.id).where(_BARE).limit(1)).first() is None:
        keys_bare = set()  # no line is stored without a CRM id (the CRM id's index says so at once)
    for keys, bare in ((keys_any, False), (keys_bare, True)):
        if not keys:
            continue
        for line in sorted(_lines_by_keys(connection, keys, bare), key=lambda line: line.id):
            natural = (line.account_id, line.kind, line.line_date, round(line.amount, 2), line.label or "")
            if natural in keys:
                stored_of.setdefault(line.id, line)
                if not bare:
                    by_key.setdefault(natural, line.id)
                if not line.crm_id:
                    by_key_bare.setdefault(natural, line.id)
    open_by_label: dict = {}  # (account, label folded) -> id of the one open opportunity, else None
    for line in sorted(_open_deals(connection, label_pairs), key=lambda line: line.id):
        stored_of.setdefault(line.id, line)  # an open deal: its date, amount and stage change, it stays one line
        pair = (line.account_id, _fold(line.label))
        open_by_label[pair] = None if pair in open_by_label else line.id  # None: ambiguous
    # second pass: the row's match, its action and what will be written
    seen: dict = {}
    planned = []
    del keys_any, keys_bare, label_pairs
    for index_ in range(len(pending)):
        position, row, account_id, crm, label, amount, kind, line_date, probability, existing, key, pair, same = (
            pending[index_]
        )
        pending[index_] = None  # released as the rows are planned: a large file's memory
        planned.append(row)
        if existing is None and key is not None:
            existing = (by_key if crm is None else by_key_bare).get(key)
        if existing is None and pair is not None:
            candidate = open_by_label.get(pair) if open_by_label else None
            if candidate is not None and (crm is None or not stored_of[candidate].crm_id):
                existing = candidate
        row.target_id = existing
        before = row.before = stored_of.get(existing) if existing is not None else None
        if before is None and kind != "lost":  # a new line needs them; an update keeps what is stored
            if amounts[position] is None:
                _problem(row, cells, position, "amount", "required")
            if dates[position] is None:
                _problem(row, cells, position, "date", "required")
        if shown:
            row.values = {
                "account_name": account_names_of.get(account_id),
                "crm_id": crm,
                "kind": kind,
                "label": label,
                "amount": amount,
                "date": line_date,
                "probability_pct": probability,
            }
        if shown and before is not None:  # as it will be stored: an empty cell keeps the stored value
            for name, stored in (
                ("crm_id", before.crm_id),
                ("label", before.label),
                ("amount", before.amount),
                ("date", before.line_date),
                ("probability_pct", before.probability_pct),
            ):
                if row.values[name] is None:
                    row.values[name] = stored
        if kind == "lost":  # not imported: what else the row holds does not matter
            row.action = "remove" if existing is not None else "skip"
            said = (
                "kind"
                if _line_kind(cells.get("kind", position)) == "lost"
                else "stage"
                if _line_kind(cells.get("stage", position)) == "lost"
                else "is_won"
                if "is_won" in cells.columns
                else "is_closed"
            )
            row.problems, row.errors = [], 0
            _problem(row, cells, position, said, "lost_deal", "warning")
            continue
        if existing is not None:
            row.action = "update"
        if crm is None:
            same = key  # a CRM id (text) or a natural key (tuple): never equal
        if same is not None:
            first = seen.get(same) or (seen.get(existing) if existing is not None else None)
            if first is not None:
                _problem(
                    row, cells, position, "crm_id" if crm is not None else "label", "duplicate_in_file", first_row=first
                )
            else:
                seen[same] = row.number
                if existing is not None:
                    seen[existing] = row.number  # an id (int): never equal to a text or a tuple
        row.stored = (account_id, crm, kind, label, amount, line_date, probability)  # in _LINE_FIELDS order
    return planned


def _revenue_year_totals(session: Session, planned: Sequence[_Row], summed: bool = True) -> tuple[YearTotal, ...]:
    """Every account-year the planned rows touch (a won or invoice line added, changed or removed),
    with the AccountYear.revenue stored and the sum of won and invoice lines once the rows are
    written (an empty cell keeps the stored value, as the writer does). Only the touched
    accounts' sums are read (summed by the database); not ``summed``, the stored lines are not
    read at all (the writer sums every touched account-year once written)."""
    changes: list[tuple[tuple[int, int], float]] = []  # (account, year), amount added (or taken off)
    touched: set[tuple[int, int]] = set()
    for row in planned:
        if row.refused or row.action == "skip":
            continue
        before = row.before
        if before is not None and before.kind in ("won", "invoice"):
            pair = (before.account_id, before.line_date.year)
            changes.append((pair, -before.amount))
            touched.add(pair)
        if row.action == "remove":
            continue
        account_id, _crm, kind, _label, amount, line_date, _probability = row.stored
        if before is not None:  # an empty cell keeps the stored value
            kind = kind if kind is not None else before.kind
            account_id = account_id if account_id is not None else before.account_id
            amount = amount if amount is not None else before.amount
            line_date = line_date if line_date is not None else before.line_date
        if kind in ("won", "invoice") and account_id is not None and amount is not None and line_date is not None:
            pair = (account_id, line_date.year)
            changes.append((pair, amount))
            touched.add(pair)
    totals = _won_sums(session, sorted({account_id for account_id, _year in touched})) if summed else {}
    for pair, amount in changes:  # the stored sum first, then the rows in order, as once written
        totals[pair] = totals.get(pair, 0.0) + amount
    if not touched:
        return ()
    accounts = sorted({account_id for account_id, _year in touched})
    years = sorted({year for _account_id, year in touched})
    stored: dict[tuple[int, int], float] = {}
    names: dict[int, str] = {}
    for chunk in _chunks(accounts):
        for account_id, year, revenue in session.execute(
            select(AccountYear.account_id, AccountYear.year, AccountYear.revenue).where(
                AccountYear.account_id.in_(chunk), AccountYear.year.in_(years)
            )
        ):
            stored[(account_id, year)] = revenue
        names |= dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(chunk))).all())
    folded = {account_id: fold_name(name) for account_id, name in names.items()}
    return tuple(
        sorted(
            (
                YearTotal(
                    account_id,
                    names.get(account_id, ""),
                    year,
                    stored.get((account_id, year)),
                    round(totals.get((account_id, year), 0.0), 6),
                )
                for account_id, year in touched
            ),
            key=lambda total: (folded.get(total.account_id, ""), total.account_id, total.year),
        )
    )


def _revenue_kind(row: _Row, cells: _Cells, position: int, default_kind: str | None) -> str | None:
    """won / invoice / opportunity / lost, from the kind column, else IsWon, the stage, IsClosed."""
    given = cells.get("kind", position)
    kind = _line_kind(given) if given is not None else None
    if kind is not None:
        return kind
    won, closed = _value(row, cells, position, "is_won"), _value(row, cells, position, "is_closed")
    stage = cells.get("stage", position)
    staged = _line_kind(stage) if stage is not None else None
    if won:
        return "won"
    if staged is not None:
        return staged
    if closed and won is False:
        return "lost"
    if closed is False:
        return "opportunity"
    if stage is not None and not closed:
        return "opportunity"
    if default_kind is not None:
        return default_kind
    target = "kind" if given is not None or "stage" not in cells.columns else "stage"
    _problem(row, cells, position, target, "kind_unknown", choices=list(LINE_KINDS))
    return None


_LINE_FIELDS = ("account_id", "crm_id", "kind", "label", "amount", "line_date", "probability_pct")


def _execute_batch(session: Session, statement, rows: list[dict]):
    """One bulk statement (executemany) in the import's transaction: a statement with dicts, or the
    driver's SQL text with tuples."""
    if isinstance(statement, str):
        return session.connection().exec_driver_sql(statement, rows)
    return session.connection().execute(statement, rows)


def _insert_lines(session: Session, inserts: list[tuple], now: datetime, progress: _Progress) -> int:
    """The new lines (tuples in _LINE_FIELDS order), in batches of ``BATCH_SIZE`` (executemany).
    With a "?" driver (SQLite) the rows go to the driver as tuples, each value converted by its
    column type's own bind processor (the values SQLAlchemy would send), which spares its per-row
    work; else through ``insert``."""
    table = RevenueLine.__table__
    connection = session.connection()
    dialect = connection.dialect
    done = 0
    if dialect.paramstyle != "qmark":
        statement = insert(table).values(version=1, created_at=now, updated_at=now)
        for chunk in _chunks(inserts, BATCH_SIZE):
            _execute_batch(session, statement, [dict(zip(_LINE_FIELDS, values)) for values in chunk])
            done += len(chunk)
            progress.at(done)
        return done
    constants = {"version": 1, "created_at": now, "updated_at": now}
    names = (*_LINE_FIELDS, *constants)
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join('?' * len(names))})"
    )
    processors = {name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names}
    fixed = tuple(processors[name](value) if processors[name] else value for name, value in constants.items())
    converted = [(index, processors[name]) for index, name in enumerate(_LINE_FIELDS) if processors[name]]
    for chunk in _chunks(inserts, BATCH_SIZE):
        rows = []
        for values in chunk:
            row = list(values)
            for index, process in converted:
                row[index] = process(row[index])
            rows.append((*row, *fixed))
        _execute_batch(session, sql, rows)
        done += len(chunk)
        progress.at(done)
    return done


_WRITE_CACHE_KIB = 8192  # SQLite page cache while many lines are written


@contextlib.contextmanager
def _sqlite_cache(session: Session, writes: int):
    """A larger SQLite page cache while many lines are written (``_WRITE_CACHE_KIB``, when the
    connection's is smaller), then the connection's own again. Each new line goes into the
    account's index at a random place: with the default 2 MB cache those pages would be read
    again and again, and changed pages written to the log before the commit."""
    connection = session.connection()
    if connection.dialect.name != "sqlite" or writes < BATCH_SIZE:
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    if previous is None or (previous < 0 and -previous >= _WRITE_CACHE_KIB):
        yield
        return
    connection.exec_driver_sql(f"PRAGMA cache_size=-{_WRITE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")


def _write_revenue(session: Session, plan: _Plan, progress: _Progress, set_yearly_revenue: bool = False) -> dict:
    table = RevenueLine.__table__
    rows = [row for row in plan.rows if not row.refused]
    now = utcnow()
    inserts, updates, removals = [], [], []
    touched_years: set[tuple[int, int]] = set()
    touched_accounts: set[int] = set()
    counts = {"created": 0, "updated": 0, "skipped": 0, "removed": 0}
    per_account: dict[int, Counter] = defaultdict(Counter)  # the audit trail's summary, per account
    for row in rows:
        values, before = row.stored, row.before
        if before is not None:
            touched_accounts.add(before.account_id)
            if before.kind in ("won", "invoice"):
                touched_years.add((before.account_id, before.line_date.year))
        if row.action == "skip":
            counts["skipped"] += 1
            continue
        if row.action == "remove":
            removals.append(row.target_id)
            counts["removed"] += 1
            per_account[before.account_id]["lines_removed"] += 1
            continue
        old = tuple(before)[1:8] if row.target_id is not None else None  # the stored values, in _LINE_FIELDS order
        new = (
            values
            if old is None
            else tuple(value if value is not None else stored for value, stored in zip(values, old))
        )  # empty never erases
        account_id, kind, line_date = new[0], new[2], new[5]  # see _LINE_FIELDS; an empty date keeps the stored one
        touched_accounts.add(account_id)
        if kind in ("won", "invoice"):
            touched_years.add((account_id, line_date.year))
        if old is None:
            inserts.append(values)
            counts["created"] += 1
            per_account[account_id]["lines_created"] += 1
            continue
        counts["updated"] += 1
        if new != old:
            per_account[account_id]["lines_updated"] += 1
            updates.append(
                {
                    **{f"b_{key}": value for key, value in zip(_LINE_FIELDS, new)},
                    "b_id": before.id,
                    "b_old": before.version,
                    "b_version": before.version + 1,
                    "b_now": now,
                }
            )
    done = _insert_lines(session, inserts, now, progress)
    if updates:
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_old"))
            .values(
                **{key: bindparam(f"b_{key}") for key in _LINE_FIELDS},
                version=bindparam("b_version"),
                updated_at=bindparam("b_now"),
            )
        )
        for chunk in _chunks(updates, BATCH_SIZE):
            result = _execute_batch(session, statement, chunk)
            if result.rowcount != len(chunk):
                raise ConflictError("revenue_line")
            done += len(chunk)
            progress.at(done)
    for chunk in _chunks(removals):
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    # One audit entry per account (lines written in bulk, not one by one): how many lines the import
    # created, changed and removed there.
    audit.record(
        session.connection(),
        [
            audit.entry(
                "update",
                "revenue_line",
                None,
                account_id,
                {name: (None, count) for name, count in sorted(changed.items())},
            )
            for account_id, changed in sorted(per_account.items())
            if changed
        ],
    )
    sums = _won_sums(session, sorted({account_id for account_id, _year in touched_years}))
    years = {pair: round(sums.get(pair, 0.0), 6) for pair in touched_years}
    counts["lines_totals"] = years
    counts["years_updated"] = _set_years(session, years, create_zero=False) if set_yearly_revenue else 0
    counts["pipeline"] = _pipeline(session, sorted(touched_accounts))
    return counts


def _won_sums(session: Session, accounts: Sequence[int]) -> dict[tuple[int, int], float]:
    year = func.extract("year", RevenueLine.line_date)
    sums: dict[tuple[int, int], float] = {}
    for chunk in _chunks(accounts):
        query = (
            select(RevenueLine.account_id, year.label("year"), func.sum(RevenueLine.amount))
            .where(RevenueLine.account_id.in_(chunk), RevenueLine.kind.in_(("won", "invoice")))
            .group_by(RevenueLine.account_id, year)
        )
        for account_id, line_year, amount in session.execute(query):
            sums[(account_id, int(line_year))] = float(amount or 0.0)
    return sums


def _pipeline(session: Session, accounts: Sequence[int]) -> dict[int, tuple[float, float]]:
    pipeline = dict.fromkeys(accounts, (0.0, 0.0))
    weighted = RevenueLine.amount * func.coalesce(RevenueLine.probability_pct, 0) / 100.0
    for chunk in _chunks(list(accounts)):
        query = (
            select(RevenueLine.account_id, func.sum(RevenueLine.amount), func.sum(weighted))
            .where(RevenueLine.account_id.in_(chunk), RevenueLine.kind == "opportunity")
            .group_by(RevenueLine.account_id)
        )
        for account_id, amount, weight in session.execute(query):
            pipeline[account_id] = (round(float(amount or 0.0), 6), round(float(weight or 0.0), 6))
    return pipeline
