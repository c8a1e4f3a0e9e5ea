"""Planning the rows: one pass over the file's rows, no writes. What every kind shares: the row
being planned, its cells, its problems, duplicates in the file and the match with stored
records by CRM id.

Matching and updating (importing the same file again updates, never duplicates):

| kind     | matched on                                                   | in-file duplicates   |
| -------- | ------------------------------------------------------------ | -------------------- |
| accounts | the CRM id, else the name folded (``Account.name_key``)      | same CRM id or name  |
| contacts | the CRM id, else the e-mail within the account, else the     | same CRM id, e-mail  |
|          | name folded within the account                               | or name in account   |
| revenue  | the CRM id, else (account, kind, date, amount, label), else  | same CRM id or key   |
|          | an open opportunity's (account, label) -- see revenue        |                      |

A row matching an existing record is an "update" (its version only moves when a value changes);
a second row of the file for the same record is refused (duplicate_in_file {first_row}). The
mapping must feed the ``REQUIRED`` fields (missing_required otherwise); in a row, they are
required for a new record only: an update matched on its CRM id keeps its stored account, name,
amount or date when the cell is empty.

Rules per kind, beyond each field's limits (problem code, severity; errors refuse the row,
warnings never do), are described in the module of each kind (``accounts``, ``contacts``,
``revenue``).

Salesforce ids: an 18-character id (with its valid case checksum) compares as its 15-character
form (``crm_key``), for accounts, contacts, lines and account references.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.text import fold_name
from kam_core.exchange.importing.cell_values import (
    _Bad,
    _bool_column,
    _date_column,
    _number_column,
    _shown,
    _text_column,
)
from kam_core.exchange.importing.model import ACTIONS, ImportPreview, ImportProblem, PreviewRow, RawTable
from kam_core.store.models import Account

_IN_CHUNK = 500  # ids per IN (...) list


# --- planning: one pass over the rows, no writes ------------------------------------------------


class _Row:
    """One data row while it is planned (a plain class with slots: there can be 100,000)."""

    __slots__ = ("number", "problems", "errors", "action", "values", "stored", "target_id", "before", "extra")

    def __init__(self, number: int) -> None:
        self.number = number  # in the file
        self.problems: list[ImportProblem] = []
        self.errors = 0  # how many of the problems are errors
        self.action = "create"
        self.values: dict = {}  # display values
        self.stored: dict = {}  # what will be written
        self.target_id: int | None = None  # the existing record updated
        self.before = None  # the stored record's values, where the writer needs them
        self.extra: dict | None = None  # what a kind's planner keeps for later steps

    @property
    def refused(self) -> bool:
        return self.errors > 0


@dataclass
class _Plan:
    kind: str
    rows: list[_Row]
    ignored: tuple[str, ...]
    year_totals: tuple = ()

    def preview(self) -> ImportPreview:
        counts = dict.fromkeys(ACTIONS, 0)
        rows = []
        for row in self.rows:
            action = "reject" if row.refused else row.action
            counts[action] += 1
            rows.append(PreviewRow(row.number, action, row.values, tuple(row.problems)))
        return ImportPreview(self.kind, tuple(rows), self.ignored, counts, tuple(self.year_totals))

    def summary(self) -> tuple[dict, tuple[ImportProblem, ...]]:
        """The preview's counts and problems, without its rows."""
        counts = dict.fromkeys(ACTIONS, 0)
        problems = []
        for row in self.rows:
            counts["reject" if row.errors > 0 else row.action] += 1
            if row.problems:
                problems.extend(row.problems)
        return counts, tuple(problems)


class _Progress:
    """Calls ``callback`` with a fraction from ``start`` to ``end``, about every 2 %."""

    def __init__(self, callback: Callable[[float], None] | None, start: float, end: float, total: int) -> None:
        self.callback, self.start, self.end = callback, start, end
        self.total = max(total, 1)
        self.step = max(1, self.total // 50)
        self.next = 0 if callback is not None else math.inf

    def at(self, done: int) -> None:
        if self.callback is not None and (done >= self.next or done >= self.total):
            self.callback(self.start + (self.end - self.start) * min(done, self.total) / self.total)
            self.next = done + self.step


class _Cells:
    """The mapped columns of the table, each read once for its target (numbers, dates, ...)."""

    NUMBERS = {"revenue", "revenue_year", "potential_3y", "margin_pct", "amount", "probability_pct"}
    PERCENTS = {"margin_pct", "probability_pct"}
    DATES = {"date"}
    BOOLS = {"is_won", "is_closed"}

    def __init__(self, table: RawTable, columns: dict[str, int], fallbacks: Mapping[str, int] | None = None) -> None:
        self.table = table
        self.columns = columns
        default_decimal = "," if table.separator == ";" else "."
        self.read: dict[str, list] = {}
        transposed = list(zip(*table.rows)) if table.rows else []
        self.guessed: dict[str, set] = {}  # date target -> positions read month-first on a guess
        decimals: dict[str, int] = {}
        numbers_first = sorted(columns.items(), key=lambda item: item[0] not in self.NUMBERS)
        for target, index in numbers_first:
            cells = transposed[index] if transposed else ()
            fallback = (fallbacks or {}).get(target)
            if fallback is not None and transposed:  # an empty cell takes the fallback column's
                cells = tuple(cell if cell is not None else other for cell, other in zip(cells, transposed[fallback]))
            if target in self.NUMBERS:
                self.read[target] = _number_column(cells, default_decimal, target in self.PERCENTS, decimals)
            elif target in self.DATES:
                us_file = table.separator == "," and decimals.get(".", 0) > 0 and not decimals.get(",", 0)
                self.guessed[target] = set()
                self.read[target] = _date_column(cells, us_file, self.guessed[target])
            elif target in self.BOOLS:
                self.read[target] = _bool_column(cells)
            else:
                self.read[target] = _text_column(cells)

    def header(self, target: str) -> str | None:
        index = self.columns.get(target)
        return self.table.headers[index] if index is not None else None

    def raw(self, target: str, position: int):
        index = self.columns.get(target)
        return self.table.rows[position][index] if index is not None else None

    def get(self, target: str, position: int):
        values = self.read.get(target)
        return values[position] if values is not None else None

    def column(self, target: str) -> list:
        """The column's values, one per row (all None when the target is not mapped)."""
        values = self.read.get(target)
        if values is None:
            values = self.read[target] = [None] * len(self.table.rows)
        return values


def _problem(
    row: _Row,
    cells: _Cells,
    position: int,
    target: str | None,
    code: str,
    severity: str = "error",
    value=None,
    **params,
) -> None:
    shown = _shown(cells.raw(target, position)) if target is not None and value is None else value
    column = cells.header(target) if target is not None else None
    row.problems.append(ImportProblem(row.number, column, shown, code, {"value": shown, **params}, severity))
    if severity == "error":
        row.errors += 1


def _value(row: _Row, cells: _Cells, position: int, target: str):
    """The cell's value for ``target``; a _Bad cell is reported on the row and gives None."""
    value = cells.get(target, position)
    if isinstance(value, _Bad):
        _problem(row, cells, position, target, value.code, **value.params)
        return None
    return value


def _text_value(row: _Row, cells: _Cells, position: int, target: str, max_length: int) -> str | None:
    value = cells.get(target, position)
    if value is not None and len(value) > max_length:
        _problem(row, cells, position, target, "text_length", min=0, max=max_length)
        return None
    return value


def _number_in(row: _Row, cells: _Cells, position: int, target: str, low: float, high: float) -> float | None:
    value = _value(row, cells, position, target)
    if value is not None and not low <= value <= high:
        _problem(row, cells, position, target, "number_range", min=low, max=high)
        return None
    return value


def _rows(table: RawTable, progress: _Progress) -> Iterator[tuple[int, _Row]]:
    """(position, row) of every non-empty data row, progress reported as the planner takes them."""
    first = table.header_row + 1
    for position, cells in enumerate(table.rows):
        if position >= progress.next:
            progress.at(position)
        if cells.count(None) < len(cells):
            yield position, _Row(first + position)


def _duplicate(row: _Row, seen: dict, keys: Sequence, cells: _Cells, position: int, target: str | None) -> bool:
    """Whether an earlier row of the file had one of ``keys``; the keys are remembered either way."""
    keys = [key for key in keys if key is not None]
    first = next((seen[key] for key in keys if key in seen), None)
    for key in keys:
        seen.setdefault(key, row.number)
    if first is not None:
        _problem(row, cells, position, target, "duplicate_in_file", first_row=first)
        return True
    return False


def _chunks(items: Sequence, size: int = _IN_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


_SF_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


@lru_cache(maxsize=65536)
def crm_key(value: str | None) -> str | None:
    """A CRM id as ids are compared: a Salesforce 18-character id (15 letters and digits and the
    3-character case checksum Salesforce computes from them) compares as its first 15 characters,
    so the 15- and 18-character ids of one record match (case-sensitive). Any other id is itself."""
    if value is None or len(value) != 18 or not (value.isascii() and value.isalnum()):
        return value
    return value[:15] if value[15:] == _sf_suffix(value) else value


def _sf_suffix(value: str) -> str:
    """The 3-character case checksum Salesforce computes from an id's first 15 characters."""
    return "".join(
        _SF_SUFFIX[sum(1 << bit for bit, ch in enumerate(value[start : start + 5]) if "A" <= ch <= "Z")]
        for start in (0, 5, 10)
    )


class _CrmDict(dict):
    """A dict keyed by CRM ids as ``crm_key`` compares them."""

    def __init__(self, pairs=()) -> None:
        super().__init__((crm_key(key), value) for key, value in pairs)

    def __contains__(self, key) -> bool:
        return super().__contains__(crm_key(key))

    def __getitem__(self, key):
        return super().__getitem__(crm_key(key))

    def __setitem__(self, key, value) -> None:
        super().__setitem__(crm_key(key), value)

    def get(self, key, default=None):
        return super().get(crm_key(key), default)


@dataclass(frozen=True)
class _AccountIndex:
    by_crm: dict[str, int]
    by_key: dict[str, int]
    names: dict[int, str]


def _account_index(session: Session) -> _AccountIndex:
    rows = session.execute(select(Account.id, Account.name, Account.name_key, Account.crm_id)).all()
    return _AccountIndex(
        _CrmDict((row.crm_id, row.id) for row in rows if row.crm_id is not None),
        {row.name_key: row.id for row in rows},
        {row.id: row.name for row in rows},
    )


def _find_account(row: _Row, cells: _Cells, position: int, index: _AccountIndex) -> int | None:
    """The account a contact or a line belongs to: by CRM id, else by name; reported when none."""
    crm = cells.get("account_crm_id", position)
    name = cells.get("account_name", position)
    if crm is not None and crm in index.by_crm:
        return index.by_crm[crm]
    if name is not None and fold_name(name) in index.by_key:
        return index.by_key[fold_name(name)]
    if crm is None and name is None:
        target = "account_crm_id" if "account_crm_id" in cells.columns else "account_name"
        _problem(row, cells, position, target, "required")
    else:
        target = "account_crm_id" if crm is not None else "account_name"
        _problem(row, cells, position, target, "unknown_account")
    return None
