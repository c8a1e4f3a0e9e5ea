"""Import of accounts, contacts (stakeholders) and revenue lines from CSV and XLSX files, as CRMs
(Salesforce, HubSpot, Dynamics) and Excel really export them.

Four steps, plain data throughout (no Streamlit):

1. ``read_table(data, filename)`` reads the file into a ``RawTable``: headers and rows of raw
   cells. An XLSX workbook is recognised by its content (a zip) or its extension, and its first
   sheet is read (cells as Excel holds them: numbers, datetimes, text; formulas are never
   evaluated, their last computed value is read). A CSV file's encoding is detected (a UTF-8
   byte order mark gives ``utf-8-sig``, a UTF-16 one ``utf-16``; text valid as UTF-8 is
   ``utf-8``; anything else is read as Windows-1252), and so is its separator (``;`` ``,``
   TAB or ``|``, whichever splits the first lines, quotes respected, into the same number of
   columns as the header). The header is the first non-empty row; empty rows and columns at the
   end are dropped; rows keep their number in the file (the header's row is 1 when it is the
   first line). A file that cannot be read raises ``ImportFileError(code, params)``.
2. ``propose_mapping(headers, kind)`` proposes which column feeds which target field, from the
   synonym table of ``kam_core.import_synonyms``; the caller may edit it
   (``load_mapping`` reads and checks one given as JSON).
3. ``preview_import(session, table, kind, mapping, today)`` reads every row as it will be
   stored, matches it with what the database holds and lists every problem per row
   (``ImportProblem``: the row number as in the file, the column's header, the cell, a code and
   its params). Nothing is written.
4. ``run_import(engine, ...)`` does the same reading again inside one transaction and writes:
   the valid rows (``only_valid=True``), or nothing at all when any row is rejected
   (``only_valid=False`` raises ``ImportRefused``). With a SQLite file a copy of the database is
   made first (``db.backup_sqlite(path, "before-import")``). Any failure while writing rolls
   the whole import back.

Reading cells. Empty cells and placeholders ("", "n/a", "N/A", "#N/A", "-", "—"; for numbers,
dates and yes/no also "na", "nan", "null", "none") are empty, and **an empty cell never erases
stored data**: an update only overwrites the fields that are mapped and filled in the file.
Numbers accept a decimal comma or point, thousands separated by spaces (also U+00A0 and U+202F),
apostrophes, points or commas ("1 250,5", "1.250,50", "1,250.50"), a currency sign or code
("€ 1 200", "1200 EUR"), a percent sign where a percentage is expected ("12.5%"), an
exponent ("1.2E+06") and accounting negatives ("(1 200)", then refused wherever a negative is not
allowed). A value such as "1,250" or "1.250" is ambiguous: the column decides, from its other
values (a value like "3,5" shows a decimal comma, "1,250,000" a point), else from the file (a
";"-separated file uses a decimal comma). A percentage column whose values all lie between 0 and
1 (Excel's percent cells, HubSpot's deal probability) is read as fractions: 0.25 is 25 %.
Dates: ISO (2026-03-31, with or without a time), 2026/03/31, 31/03/2026, 31.03.2026, 31-03-26,
and 03/31/2026 when the column shows a value above 12 in second position (day-first by default;
a column holding both orders refuses the values it cannot decide, ambiguous_date), and Excel
date cells. Texts are stripped and kept as they are: a text starting with = + - @ is plain
text, never evaluated. A text longer than its field allows refuses the row (text_length
{min, max}); nothing is ever truncated.

Matching and updating (importing the same file again updates, never duplicates):

| kind     | matched on                                                   | in-file duplicates   |
| -------- | ------------------------------------------------------------ | -------------------- |
| accounts | the CRM id, else the name folded (``Account.name_key``)      | same CRM id or name  |
| contacts | the CRM id, else the e-mail within the account, else the     | same CRM id, e-mail  |
|          | name folded within the account                               | or name in account   |
| revenue  | the CRM id, else (account, kind, date, amount, label)        | same CRM id or key   |

A row matching an existing record is an "update" (its version only moves when a value changes);
a second row of the file for the same record is refused (duplicate_in_file {first_row}). The
mapping must feed the ``REQUIRED`` fields (missing_required otherwise); in a row, they are
required for a new record only: an update matched on its CRM id keeps its stored account, name,
amount or date when the cell is empty.

Rules per kind, beyond each field's limits (problem code, severity; errors refuse the row,
warnings never do):

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
| contacts | the account by CRM id, else by name; none -> unknown_account error. Name: the name,   |
|          | else first and last name. E-mail not like one -> email_format warning, not stored.    |
|          | Role: a buying role (decision maker, approver, influencer, user, buyer, gatekeeper,   |
|          | champion, also CRM and French words); else choice warning, influencer on create.      |
| revenue  | the account as for contacts (unknown_account error: the line is reported, never       |
|          | dropped). Kind from the kind column, else IsWon, the stage, IsClosed: won ("Closed    |
|          | Won", "Gagné"), invoice ("Facture"), opportunity (any open stage), lost ("Closed      |
|          | Lost", "Perdu": lost_deal warning, not imported; a line already stored for it is      |
|          | deleted, action "remove"); undecidable -> kind_unknown error (or the ``default_kind``  |
|          | given). Amount >= 0; date 1990 to 2100 (date_range); probability 0 to 100.            |

After the lines are written, for every account and year the file touched, the AccountYear's
revenue is **set** to the sum of that account's won and invoice lines of that year (lines are
then the source of truth; the row is created when missing), and the result gives each touched
account's open pipeline: the sum of its open opportunity amounts and that sum weighted by
probability (a line without probability weighs 0).

Codes, for the catalogs. File errors (``ImportFileError``, params in braces): empty_file,
header_only, duplicate_headers {headers}, not_text (binary, NUL bytes, or bytes no encoding
reads), xls_format (the old binary .xls), unreadable_xlsx {reason}, no_sheet, bad_csv {line,
reason}, missing_required {fields, groups}, bad_mapping {targets, headers, reason}. Row problems
(``ImportProblem``; params always hold ``value``, the cell as read): required, text_length {min,
max}, number_format, number_range {min, max}, integer_range {min, max}, not_a_date,
ambiguous_date, date_range {min, max}, choice {choices}, country_code, unknown_kam,
inactive_kam, default_sector {sector}, unknown_account, unknown_parent {parent_row},
parent_archived, own_parent, parent_cycle, duplicate_in_file {first_row}, email_format,
lost_deal, kind_unknown {choices}, crm_id_mismatch {stored}, and validate_account's
account_name_taken {other} and crm_id_taken {other}.

Performance: lookups are loaded once into dicts (no query per row for contacts and revenue
lines), revenue lines are written with bulk statements in batches of ``BATCH_SIZE``, and
``progress`` is called about every 2 %. Accounts go through ``validate_account`` row by row (a
few queries each), which is the price of the form's rules: thousands of accounts, not millions.
"""

from __future__ import annotations

import csv
import gettext
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

import pycountry
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core import db
from kam_core.accounts import (
    CRM_ID_MAX, FIELDS as ACCOUNT_FIELDS, POTENTIAL_MAX, blank_values, spellings_in_use, validate_account,
)
from kam_core.countries import COUNTRY_CODES, country_name
from kam_core.errors import ConflictError
from kam_core.import_synonyms import SYNONYMS, fold_header
from kam_core.models import BUYING_ROLES, Account, AccountYear, Kam, RevenueLine, Stakeholder, utcnow
from kam_core.sections import EMAIL
from kam_core.text import fold_name

KINDS = ("accounts", "contacts", "revenue")
TARGETS: dict[str, tuple[str, ...]] = {kind: tuple(SYNONYMS[kind]) for kind in KINDS}
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "accounts": (("name",),),
    "contacts": (("name", "last_name"), ("account_crm_id", "account_name")),
    "revenue": (("amount",), ("date",), ("account_crm_id", "account_name")),
}
LINE_KINDS = ("won", "invoice", "opportunity")
ACTIONS = ("create", "update", "reject", "skip", "remove")
DEFAULT_SECTOR = "Unclassified"
BATCH_SIZE = 5000
AMOUNT_MAX = POTENTIAL_MAX  # 1e13, as the account's figures
YEAR_MIN, YEAR_MAX = 1990, 2100
DATE_MIN, DATE_MAX = date(YEAR_MIN, 1, 1), date(YEAR_MAX, 12, 31)
CONTACT_TEXT_MAX = 120
EMAIL_MAX = 254
LABEL_MAX = 200
_IN_CHUNK = 500  # ids per IN (...) list


# --- errors and results -------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file (or the mapping) cannot be used at all; ``code`` names a catalog message."""

    def __init__(self, code: str, params: dict | None = None) -> None:
        super().__init__(f"{code}: {params or {}}")
        self.code = code
        self.params = dict(params or {})


@dataclass(frozen=True)
class ImportProblem:
    """One problem of one row. ``row`` is the row's number in the file (header = 1 when it is the
    first line), ``column`` the header of the column concerned (None when no column is),
    ``value`` the cell as read. Errors refuse the row; warnings never do."""

    row: int
    column: str | None
    value: str | None
    code: str
    params: dict = field(default_factory=dict)
    severity: str = "error"  # "error" | "warning"


class ImportRefused(Exception):
    """``only_valid=False`` and some rows are refused: nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem], rejected: int) -> None:
        super().__init__(f"{rejected} row(s) refused; nothing imported")
        self.problems = tuple(problems)
        self.rejected = rejected


@dataclass(frozen=True)
class RawTable:
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]  # cells: str | float | int | datetime | date | None
    encoding: str | None
    separator: str | None
    source: str  # "csv" | "xlsx"
    header_row: int = 1  # the header's row number in the file; data row i is header_row + 1 + i


@dataclass(frozen=True)
class PreviewRow:
    row: int
    action: str  # "create" | "update" | "reject" | "skip" (lost deal) | "remove" (lost deal stored before)
    values: dict  # as they will be stored, display-ready (names rather than ids)
    problems: tuple[ImportProblem, ...]


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    rows: tuple[PreviewRow, ...]
    ignored_columns: tuple[str, ...]
    counts: dict  # action -> rows, every action of ACTIONS present

    @property
    def problems(self) -> tuple[ImportProblem, ...]:
        return tuple(problem for row in self.rows for problem in row.problems)


@dataclass(frozen=True)
class ImportResult:
    kind: str
    read: int
    created: int
    updated: int
    rejected: int
    problems: tuple[ImportProblem, ...]
    backup: Path | None
    pipeline: dict  # account id -> (open opportunity amount, weighted by probability)
    years_updated: int
    skipped: int = 0  # lost deals not imported
    removed: int = 0  # lines stored before and now lost, deleted


# --- reading files ------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
_SEPARATORS = (";", ",", "\t", "|")
_SNIFF_CHARS = 65536
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\x1a"}

csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))


def read_table(data: bytes, filename: str) -> RawTable:
    """The table a CSV or XLSX file holds; ImportFileError when it holds none."""
    if not data or not data.strip():
        raise ImportFileError("empty_file")
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise ImportFileError("xls_format")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    if not data.startswith(_ZIP_MAGIC):
        raise ImportFileError("unreadable_xlsx", {"reason": "not a zip file"})
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors (InvalidFileException, ...)
        raise ImportFileError("unreadable_xlsx", {"reason": _reason(exc)}) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("no_sheet")
        sheet = workbook.worksheets[0]
        try:
            rows = [tuple(_xlsx_cell(value) for value in row) for row in sheet.iter_rows(values_only=True)]
        except ImportFileError:
            raise
        except Exception as exc:  # a damaged sheet
            raise ImportFileError("unreadable_xlsx", {"reason": _reason(exc)}) from None
    finally:
        workbook.close()
    return _table(rows, encoding=None, separator=None, source="xlsx")


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__


def _xlsx_cell(value):
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data:
        raise ImportFileError("not_text")
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportFileError("not_text") from None
    return text, encoding


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:_SNIFF_CHARS]
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS or ch == "\x7f")
    return controls > max(2, len(sample) // 200)


def _read_csv(data: bytes) -> RawTable:
    text, encoding = _decode(data)
    if _looks_binary(text):
        raise ImportFileError("not_text")
    if not text.strip():
        raise ImportFileError("empty_file")
    separator = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        rows = [tuple(cell if cell.strip() else None for cell in row) for row in reader]
    except csv.Error as exc:
        raise ImportFileError("bad_csv", {"line": reader.line_num, "reason": str(exc)}) from None
    return _table(rows, encoding=encoding, separator=separator, source="csv")


def _sniff(text: str) -> str:
    """The separator that splits the first lines, quotes respected, into as many columns as the
    header, the most columns winning a tie; "," when none splits anything."""
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    best, best_score = ",", (False, 0.0, 0)
    for separator in _SEPARATORS:
        try:
            rows = [row for row in csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
                    if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if truncated and len(rows) > 1:
            rows = rows[:-1]
        rows = rows[:50]
        if not rows:  # nothing but separators: the file holds no cell at all
            return separator
        width = len(rows[0])
        body = rows[1:] or rows
        consistent = sum(1 for row in body if len(row) == width) / len(body)
        score = (width > 1, consistent, width)
        if score > best_score:
            best, best_score = separator, score
    return best


def _table(rows: list[tuple], encoding: str | None, separator: str | None, source: str) -> RawTable:
    def filled(row) -> bool:
        return any(cell is not None for cell in row)

    start = next((index for index, row in enumerate(rows) if filled(row)), None)
    if start is None:
        raise ImportFileError("empty_file")
    end = max(index for index, row in enumerate(rows) if filled(row)) + 1
    header_cells, body = rows[start], rows[start + 1:end]
    if not any(filled(row) for row in body):
        raise ImportFileError("header_only")
    width = 0
    for row in (header_cells, *body):
        last = max((index for index, cell in enumerate(row) if cell is not None), default=-1)
        width = max(width, last + 1)
    headers = tuple(_header_text(cell) for cell in header_cells[:width]) + ("",) * max(0, width - len(header_cells))
    seen: dict[str, int] = {}
    for header in headers:
        if header:
            seen[header] = seen.get(header, 0) + 1
    duplicated = [header for header, count in seen.items() if count > 1]
    if duplicated:
        raise ImportFileError("duplicate_headers", {"headers": ", ".join(duplicated)})
    padded = tuple(tuple(row[:width]) + (None,) * (width - len(row)) if len(row) != width else tuple(row)
                   for row in body)
    return RawTable(headers=headers, rows=padded, encoding=encoding, separator=separator, source=source,
                    header_row=start + 1)


def _header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        cell = cell.date()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).replace("\ufeff", "")
    return " ".join(text.split())


# --- mapping ------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _synonym_ranks(kind: str) -> dict[str, tuple[int, int, str]]:
    """folded header -> (rank among the target's variants, target position, target)."""
    ranks: dict[str, tuple[int, int, str]] = {}
    for position, (target, headers) in enumerate(SYNONYMS[kind].items()):
        for rank, header in enumerate(headers):
            key = fold_header(header)
            if key and key not in ranks:
                ranks[key] = (rank, position, target)
    return ranks


def propose_mapping(headers: Sequence[str], kind: str) -> dict[str, str | None]:
    """target -> the header proposed for it (None when no header matches), every target of
    ``kind`` present. Best matches first; each header feeds one target at most."""
    _check_kind(kind)
    ranks = _synonym_ranks(kind)
    matches = []
    for index, header in enumerate(headers):
        if not header:
            continue
        found = ranks.get(fold_header(header))
        if found is not None:
            rank, position, target = found
            matches.append((rank, position, index, target, header))
    mapping: dict[str, str | None] = dict.fromkeys(TARGETS[kind])
    used: set[str] = set()
    for _rank, _position, _index, target, header in sorted(matches):
        if mapping[target] is None and header not in used:
            mapping[target] = header
            used.add(header)
    return mapping


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}; one of {KINDS}")


def load_mapping(path_or_dict, kind: str | None = None, headers: Sequence[str] | None = None) -> dict:
    """A mapping {"target": "Header", ...} from a JSON file (path) or a dict, checked: targets of
    ``kind`` (of any kind when None), headers among ``headers`` when given; null or "" leaves a
    target unmapped. ImportFileError("bad_mapping", {targets, headers, reason}) otherwise."""
    if isinstance(path_or_dict, Mapping):
        raw = dict(path_or_dict)
    else:
        try:
            raw = json.loads(Path(path_or_dict).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ImportFileError("bad_mapping", {"targets": "", "headers": "", "reason": _reason(exc)}) from None
    if not isinstance(raw, dict) or not all(isinstance(key, str) for key in raw):
        raise ImportFileError("bad_mapping", {"targets": "", "headers": "", "reason": "not an object"})
    allowed = set(TARGETS[kind]) if kind is not None else {target for kind_ in KINDS for target in TARGETS[kind_]}
    bad_targets = [target for target in raw if target not in allowed]
    mapping = {target: (value.strip() if isinstance(value, str) and value.strip() else None)
               for target, value in raw.items()}
    bad_values = [str(value) for value in raw.values() if value is not None and not isinstance(value, str)]
    known = set(headers) if headers is not None else None
    bad_headers = bad_values + [value for value in mapping.values()
                                if value is not None and known is not None and value not in known]
    if bad_targets or bad_headers:
        raise ImportFileError("bad_mapping", {"targets": ", ".join(bad_targets), "headers": ", ".join(bad_headers),
                                              "reason": "unknown"})
    return mapping


def _checked_mapping(table: RawTable, kind: str, mapping: Mapping[str, str | None]) -> dict[str, int]:
    """target -> column index, for the targets mapped; ImportFileError when the mapping names a
    target or header that does not exist, or leaves a required group unmapped."""
    _check_kind(kind)
    clean = load_mapping({target: header for target, header in mapping.items()}, kind, table.headers)
    columns = {target: table.headers.index(header) for target, header in clean.items() if header is not None}
    missing = [group for group in REQUIRED[kind] if not any(target in columns for target in group)]
    if missing:
        raise ImportFileError("missing_required", {"fields": ", ".join(" / ".join(group) for group in missing),
                                                   "groups": [list(group) for group in missing]})
    return columns


# --- reading cells ------------------------------------------------------------------------------


class _Bad:
    """A cell that cannot be read for its target: the problem's code and params."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params) -> None:
        self.code = code
        self.params = params


_TEXT_PLACEHOLDERS = frozenset({"n/a", "#n/a", "-", "--", "—", "–"})
_VALUE_PLACEHOLDERS = _TEXT_PLACEHOLDERS | frozenset({"na", "nan", "null", "none", "n.a.", "#na"})


def _text(raw) -> str | None:
    """A cell as text, stripped; None when empty or a placeholder."""
    if raw is None:
        return None
    if isinstance(raw, str):
        text = raw.strip()
        return None if not text or text.casefold() in _TEXT_PLACEHOLDERS else text
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return None
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip() or None


def _text_column(cells: Sequence) -> list:
    """``_text`` of every cell, with a fast path for text cells."""
    values = []
    append = values.append
    for cell in cells:
        if cell.__class__ is str:
            text = cell.strip()
            append(text if text and (len(text) > 4 or text.casefold() not in _TEXT_PLACEHOLDERS) else None)
        else:
            append(_text(cell))
    return values


def _shown(raw) -> str | None:
    """A cell as the problem reports it."""
    if raw is None:
        return None
    return raw if isinstance(raw, str) else _text(raw)


def _is_placeholder(text: str) -> bool:
    return text.casefold() in _VALUE_PLACEHOLDERS


_NUMBER_FAST = re.compile(r"-?\d+(?:\.(?:\d{1,2}|\d{4,}))?")
# 1 250,5 and 12,50: French Excel's numbers, as unambiguous as the fast path (spaces group thousands)
_NUMBER_FRENCH = re.compile(r"-?(?:\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:,\d+)?|\d+,(?:\d{1,2}|\d{4,}))")
_FRENCH_TO_POINT = str.maketrans({" ": None, "\u00a0": None, "\u202f": None, "\u2009": None, ",": "."})
_NUMBER_BODY = re.compile(r"\d[\d.,]*|[.,]\d+")
_EXPONENT = re.compile(r"\d+(?:[.,]\d+)?[eE][+-]?\d+")
_CURRENCIES = "EUR|USD|GBP|CHF|CAD|AUD|JPY|CNY|SEK|NOK|DKK|PLN|CZK|HUF"
_CURRENCY_START = re.compile(rf"^(?:[€$£¥]|(?:{_CURRENCIES})(?![A-Za-z]))\s*", re.IGNORECASE)
_CURRENCY_END = re.compile(rf"\s*(?:[€$£¥]|(?<![A-Za-z])(?:{_CURRENCIES}))$", re.IGNORECASE)
_DIGIT_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009\u2007\u2008'’\t")
_MINUS = ("-", "−", "–")


class _Ambiguous:
    """"1,250" or "1.250": a decimal or a thousands separator, as the column decides."""

    __slots__ = ("whole", "digits", "separator", "sign")

    def __init__(self, whole: str, digits: str, separator: str, sign: float) -> None:
        self.whole, self.digits, self.separator, self.sign = whole, digits, separator, sign

    def value(self, decimal: str) -> float:
        text = f"{self.whole}.{self.digits}" if self.separator == decimal else self.whole + self.digits
        return self.sign * float(text)


def _grouped(text: str, separator: str) -> bool:
    return re.fullmatch(rf"\d{{1,3}}(?:{re.escape(separator)}\d{{3}})+", text) is not None


def _read_number(text: str):
    """(value, decimal seen: "," "." or None, had a percent sign), an _Ambiguous, a _Bad or None."""
    text = text.strip()
    if _NUMBER_FAST.fullmatch(text):
        return float(text), ("." if "." in text else None), False
    if not text or _is_placeholder(text):
        return None
    sign, percent = 1.0, False
    body = text
    if body.startswith("(") and body.endswith(")"):
        sign, body = -1.0, body[1:-1].strip()
    if body.endswith("%"):
        percent, body = True, body[:-1].strip()
    for _ in range(2):
        body = _CURRENCY_END.sub("", _CURRENCY_START.sub("", body))
        if body.startswith(_MINUS):
            sign, body = -sign, body[1:].strip()
        elif body.startswith("+"):
            body = body[1:].strip()
        elif body.endswith("-"):  # 1200- (accounting exports)
            sign, body = -sign, body[:-1].strip()
    body = body.translate(_DIGIT_GROUPING)
    if _EXPONENT.fullmatch(body):
        return sign * float(body.replace(",", ".")), None, percent
    if not _NUMBER_BODY.fullmatch(body):
        return _Bad("number_format")
    commas, points = body.count(","), body.count(".")
    if commas and points:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        whole, _, digits = body.rpartition(decimal)
        if digits and not digits.isdigit() or not (_grouped(whole, grouping) or whole.isdigit()):
            return _Bad("number_format")
        return sign * float(whole.replace(grouping, "") + "." + digits), decimal, percent
    separator = "," if commas else "." if points else None
    if separator is None:
        return sign * float(body), None, percent
    count = commas or points
    if count > 1:
        if not _grouped(body, separator):
            return _Bad("number_format")
        return sign * float(body.replace(separator, "")), ("." if separator == "," else ","), percent
    whole, _, digits = body.partition(separator)
    if len(digits) == 3 and whole and len(whole) <= 3 and whole != "0" and not percent:
        return _Ambiguous(whole, digits, separator, sign)
    return sign * float(f"{whole or '0'}.{digits or '0'}"), separator, percent


def _number_column(cells: Sequence, default_decimal: str, percent: bool) -> list:
    """Every cell of a number column read: float, None or _Bad. "12.5%" only where a percentage
    is expected; a percentage column of fractions (all within 0..1) is scaled to 0..100."""
    values: list = []
    votes = {",": 0, ".": 0}
    ambiguous: list[int] = []
    percent_signs = False
    fast, french = _NUMBER_FAST.fullmatch, _NUMBER_FRENCH.fullmatch
    for cell in cells:
        if cell.__class__ is str and fast(cell):
            values.append(float(cell))
            if "." in cell:
                votes["."] += 1
        elif cell.__class__ is str and french(cell):
            values.append(float(cell.translate(_FRENCH_TO_POINT)))
            if "," in cell:
                votes[","] += 1
        elif cell is None:
            values.append(None)
        elif isinstance(cell, bool):
            values.append(_Bad("number_format"))
        elif isinstance(cell, (int, float)):
            values.append(float(cell) if math.isfinite(cell) else _Bad("number_format"))
        elif isinstance(cell, str):
            read = _read_number(cell)
            if isinstance(read, tuple):
                value, decimal, had_percent = read
                if had_percent and not percent:
                    values.append(_Bad("number_format"))
                    continue
                percent_signs = percent_signs or had_percent
                if decimal is not None:
                    votes[decimal] += 1
                values.append(value if math.isfinite(value) else _Bad("number_format"))
            else:
                if isinstance(read, _Ambiguous):
                    ambiguous.append(len(values))
                values.append(read)
        else:
            values.append(_Bad("number_format"))
    if ambiguous:
        decimal = "," if votes[","] > votes["."] else "." if votes["."] > votes[","] else default_decimal
        for index in ambiguous:
            values[index] = values[index].value(decimal)
    if percent and not percent_signs:
        numbers = [value for value in values if isinstance(value, float)]
        if numbers and all(0 <= value <= 1 for value in numbers) and any(0 < value < 1 for value in numbers):
            values = [value * 100 if isinstance(value, float) else value for value in values]
    return values


_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_DAY_OR_MONTH_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int):
    try:
        value = date(year, month, day)
    except ValueError:
        return _Bad("not_a_date")
    if not DATE_MIN <= value <= DATE_MAX:
        return _Bad("date_range", min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
    return value


def _date_column(cells: Sequence) -> list:
    """Every cell of a date column read: date, None or _Bad. a/b/yyyy is day-first unless the
    column shows a month above 12 in first position (then month-first); a column showing both
    refuses the values it cannot decide (ambiguous_date)."""
    values: list = []
    pending: list[tuple[int, int, int, int, str]] = []
    day_first_seen = month_first_seen = False
    cache: dict[str, object] = {}
    for cell in cells:
        if cell is None:
            values.append(None)
        elif isinstance(cell, datetime):
            values.append(_make_date(cell.year, cell.month, cell.day))
        elif isinstance(cell, date):
            values.append(_make_date(cell.year, cell.month, cell.day))
        elif isinstance(cell, str):
            text = cell.strip()
            known = cache.get(text)
            if known is not None:
                if isinstance(known, tuple):
                    pending.append((len(values), *known))
                    values.append(None)
                else:
                    values.append(known)
                continue
            if not text or _is_placeholder(text):
                values.append(None)
                continue
            match = _YEAR_FIRST.fullmatch(text)
            if match:
                read = _make_date(int(match[1]), int(match[3]), int(match[4]))
                cache[text] = read
                values.append(read)
                continue
            match = _DAY_OR_MONTH_FIRST.fullmatch(text)
            if match is None:
                cache[text] = _Bad("not_a_date")
                values.append(cache[text])
                continue
            first, second, year = int(match[1]), int(match[3]), _year(match[4])
            day_first_seen = day_first_seen or first > 12 or match[2] == "."
            month_first_seen = month_first_seen or second > 12
            cache[text] = (first, second, year, text)
            pending.append((len(values), first, second, year, text))
            values.append(None)
        else:
            values.append(_Bad("not_a_date"))
    order = "mdy" if month_first_seen and not day_first_seen else "dmy" if not month_first_seen else "mixed"
    for index, first, second, year, _text_value in pending:
        if order == "mixed" and first <= 12 and second <= 12 and first != second:
            values[index] = _Bad("ambiguous_date")
        elif order == "mdy" or (order == "mixed" and second > 12):
            values[index] = _make_date(year, first, second)
        else:
            values[index] = _make_date(year, second, first)
    return values


_TRUE = frozenset({"true", "yes", "y", "1", "x", "oui", "o", "vrai", "won", "closed", "wahr", "ja"})
_FALSE = frozenset({"false", "no", "n", "0", "non", "faux", "open", "falsch", "nein"})


def _bool_column(cells: Sequence) -> list:
    values: list = []
    for cell in cells:
        if cell is None:
            values.append(None)
        elif isinstance(cell, bool):
            values.append(cell)
        elif isinstance(cell, (int, float)) and cell in (0, 1):
            values.append(bool(cell))
        elif isinstance(cell, str):
            text = cell.strip().casefold()
            if not text or text in _VALUE_PLACEHOLDERS:
                values.append(None)
            elif text in _TRUE:
                values.append(True)
            elif text in _FALSE:
                values.append(False)
            else:
                values.append(_Bad("choice", choices=["true", "false"]))
        else:
            values.append(_Bad("choice", choices=["true", "false"]))
    return values


# --- words: countries, statuses, roles, kinds of lines ------------------------------------------

_COUNTRY_ALIASES = {
    "uk": "GB", "greatbritain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "northernireland": "GB",
    "angleterre": "GB", "grandebretagne": "GB", "ecosse": "GB", "paysdegalles": "GB", "america": "US",
    "unitedstatesofamerica": "US", "etatsunisdamerique": "US", "russia": "RU", "russie": "RU", "turkey": "TR",
    "turquie": "TR", "ivorycoast": "CI", "holland": "NL", "hollande": "NL", "czechrepublic": "CZ",
    "republiquetcheque": "CZ", "uae": "AE", "eau": "AE", "southkorea": "KR", "korea": "KR", "coree": "KR",
    "vietnam": "VN", "laos": "LA", "syria": "SY", "syrie": "SY", "iran": "IR", "bolivie": "BO",
    "venezuela": "VE", "tanzania": "TZ", "tanzanie": "TZ", "moldova": "MD", "moldavie": "MD",
}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    names: dict[str, str] = {}
    for code in COUNTRY_CODES:
        country = pycountry.countries.get(alpha_2=code)
        variants = {country_name(code, "en"), country_name(code, "fr"), country.name}
        for attribute in ("official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                variants |= {value, french.gettext(value)}
        variants.add(french.gettext(country.name))
        for variant in variants:
            names.setdefault(fold_header(variant), code)
        names.setdefault(fold_header(country.alpha_3), code)
    for alias, code in _COUNTRY_ALIASES.items():
        names.setdefault(alias, code)
    return names


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code of a country given as an alpha-2 or alpha-3 code or an English or
    French name (capitals, accents and punctuation not counting); None when unknown."""
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.upper() in COUNTRY_CODES:
        return cleaned.upper()
    code = _country_names().get(fold_header(cleaned))
    if code is not None:
        return code
    try:
        return pycountry.countries.lookup(cleaned).alpha_2
    except LookupError:
        return None


@lru_cache(maxsize=1024)
def _status(text: str) -> str | None:
    key = fold_header(text)
    if key in ("prospect", "active", "archived"):
        return key
    if key.startswith(("customer", "client", "actif", "active", "current", "existingcustomer")):
        return "active"
    if key.startswith(("prospect", "lead", "suspect", "subscriber", "marketingqualified", "salesqualified",
                       "opportunit")) or key in ("mql", "sql", "piste"):
        return "prospect"
    if key.startswith(("inactive", "inactif", "former", "ancien", "exclient", "excustomer", "archiv", "churn",
                       "lost", "perdu", "closed", "ferme", "dormant")):
        return "archived"
    return None


_ROLES = {
    "decision_maker": ("decisionmaker", "decideur", "decisionnaire", "economicdecisionmaker", "dm"),
    "approver": ("approver", "approbateur", "validateur", "budgetholder", "economicbuyer", "executivesponsor",
                 "signataire", "signatory"),
    "influencer": ("influencer", "influenceur", "prescripteur", "evaluator", "evaluateur", "technicalbuyer",
                   "technicalevaluator", "expert"),
    "user": ("user", "enduser", "businessuser", "utilisateur", "utilisateurfinal"),
    "buyer": ("buyer", "purchaser", "procurement", "acheteur", "achats", "purchasing", "acheteuse"),
    "gatekeeper": ("gatekeeper", "filtre", "barrage", "legalandcompliance", "legal", "juridique"),
    "champion": ("champion", "coach", "mentor", "allie", "ally"),
}
_ROLE_WORDS = {word: role for role, words in _ROLES.items() for word in words} | {
    fold_header(role): role for role in BUYING_ROLES}

_WON = frozenset({"won", "closedwon", "gagne", "gagnee", "signe", "signee", "signed", "win", "booked"})
_LOST = frozenset({"lost", "closedlost", "perdu", "perdue", "canceled", "cancelled", "outsold", "annule", "annulee",
                   "abandonne", "abandonnee"})
_INVOICE = frozenset({"invoice", "invoiced", "facture", "facturee", "billed", "invoices", "factures"})
_OPEN = frozenset({"opportunity", "opportunite", "open", "ouvert", "ouverte", "pipeline", "opp", "encours",
                   "forecast", "prevision"})


@lru_cache(maxsize=1024)
def _line_kind(text: str | None) -> str | None:
    """won / invoice / opportunity / lost from a kind or stage text; None when it says none of them."""
    if text is None:
        return None
    key = fold_header(text)
    if key in _WON or key.startswith("closedwon"):
        return "won"
    if key in _LOST or key.startswith("closedlost"):
        return "lost"
    if key in _INVOICE:
        return "invoice"
    if key in _OPEN:
        return "opportunity"
    return None


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

    def preview(self) -> ImportPreview:
        counts = dict.fromkeys(ACTIONS, 0)
        rows = []
        for row in self.rows:
            action = "reject" if row.refused else row.action
            counts[action] += 1
            rows.append(PreviewRow(row.number, action, row.values, tuple(row.problems)))
        return ImportPreview(self.kind, tuple(rows), self.ignored, counts)


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

    def __init__(self, table: RawTable, columns: dict[str, int]) -> None:
        self.table = table
        self.columns = columns
        default_decimal = "," if table.separator == ";" else "."
        self.read: dict[str, list] = {}
        transposed = list(zip(*table.rows)) if table.rows else []
        for target, index in columns.items():
            cells = transposed[index] if transposed else ()
            if target in self.NUMBERS:
                self.read[target] = _number_column(cells, default_decimal, target in self.PERCENTS)
            elif target in self.DATES:
                self.read[target] = _date_column(cells)
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


def _problem(row: _Row, cells: _Cells, position: int, target: str | None, code: str, severity: str = "error",
             value=None, **params) -> None:
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
        yield items[start:start + size]


@dataclass(frozen=True)
class _AccountIndex:
    by_crm: dict[str, int]
    by_key: dict[str, int]
    names: dict[int, str]


def _account_index(session: Session) -> _AccountIndex:
    rows = session.execute(select(Account.id, Account.name, Account.name_key, Account.crm_id)).all()
    return _AccountIndex({row.crm_id: row.id for row in rows if row.crm_id is not None},
                         {row.name_key: row.id for row in rows}, {row.id: row.name for row in rows})


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


# --- accounts -----------------------------------------------------------------------------------

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
    by_crm = {account.crm_id: account.id for account in accounts.values() if account.crm_id is not None}
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
            if existing is not None and crm is not None and accounts[existing].crm_id not in (None, crm):
                _problem(row, cells, position, "crm_id", "crm_id_mismatch", stored=accounts[existing].crm_id)
        row.target_id = existing
        row.action = "update" if existing is not None else "create"
        if _duplicate(row, seen, [("crm", crm) if crm else None, ("name", key) if key else None,
                                  ("id", existing) if existing else None],
                      cells, position, "crm_id" if crm is not None and ("crm", crm) in seen else "name"):
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
        cleaned, errors = validate_account(session, {**merged, "parent_id": None}, existing,
                                           spellings=stored_spellings)
        for error in errors:  # the form's rules, reported on the column the field comes from
            target = _FIELD_TARGET.get(error.field, error.field)
            raw = cells.raw(target, position)
            shown = _shown(raw) if raw is not None else _shown(error.params.get("value"))
            params = {key_: value for key_, value in error.params.items() if key_ != "value"}
            row.problems.append(ImportProblem(row.number, cells.header(target), shown, error.code,
                                              {"value": shown, **params}))
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
        row.stored = cleaned
        row.extra.update(revenue=revenue, year=int(year) if revenue is not None and year is not None else None,
                         parent_crm=cells.get("parent_crm_id", position),
                         parent_name=cells.get("parent_name", position), key=fold_name(cleaned["name"] or ""))
        row.values = _account_display(cleaned, kam_names, revenue, row.extra["year"])
    _resolve_parents(planned, cells, accounts, by_crm, by_key)
    return planned


def _account_words(row: _Row, cells: _Cells, position: int, merged: dict, stored: Account | None,
                   by_email: dict, by_name: dict) -> None:
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
    shown["parent"] = None
    shown["revenue"] = revenue
    shown["revenue_year"] = year
    return shown


def _resolve_parents(planned: list[_Row], cells: _Cells, accounts: dict[int, Account], by_crm: dict,
                     by_key: dict) -> None:
    """Each row's parent (by CRM id, else name; in the file first, then in the database), with
    self-parents and circles refused and unknown parents reported."""
    valid = [row for row in planned if not row.refused]
    node_of = {id(row): ("a", row.target_id) if row.target_id is not None else ("r", row.number) for row in planned}
    file_crm = {row.stored["crm_id"]: row for row in valid if row.stored.get("crm_id")}
    file_key = {row.extra["key"]: row for row in valid if row.extra.get("key")}
    all_crm = {row.stored.get("crm_id"): row for row in planned if row.stored.get("crm_id")}
    all_key = {row.extra.get("key"): row for row in planned if row.extra.get("key")}
    names = {("a", account_id): account.name for account_id, account in accounts.items()}
    names |= {node_of[id(row)]: row.stored["name"] for row in valid}
    links: dict[tuple, tuple | None] = {("a", account_id): ("a", account.parent_id) if account.parent_id else None
                                        for account_id, account in accounts.items()}
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
            _problem(row, cells, position, target, "unknown_parent", "warning",
                     parent_row=refused.number if refused is not None else None)
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
            _problem(row, cells, row.extra["position"], row.extra["parent_target"], "unknown_parent", "warning",
                     parent_row=parent[1])
            continue
        row.extra["parent"] = parent
        row.stored["group_name"] = None  # the group is the parent's
        row.values["group_name"] = None
        row.values["parent"] = names.get(parent)
    for row in valid:
        if "parent" not in row.extra and row.stored.get("parent_id") is not None:
            row.values["parent"] = names.get(("a", row.stored["parent_id"]))


def _cycle(start: tuple, links: Mapping[tuple, tuple | None]) -> set:
    """The nodes of the circle of parents ``start`` is part of (empty when it is in none)."""
    path: list = []
    node = start
    while node is not None and node not in path:
        path.append(node)
        node = links.get(node)
    return set(path[path.index(node):]) if node is not None and node == start else set()


def _write_accounts(session: Session, plan: _Plan, progress: _Progress) -> dict:
    rows = [row for row in plan.rows if not row.refused]
    created = updated = 0
    stored: dict[int, Account] = {}
    targets = [row.target_id for row in rows if row.target_id is not None]
    for chunk in _chunks(targets):
        stored |= {account.id: account for account in
                   session.execute(select(Account).where(Account.id.in_(chunk))).scalars()}
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
            for name, value in values.items():
                if getattr(account, name) != value:
                    setattr(account, name, value)
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
        for row in session.execute(select(AccountYear.id, AccountYear.account_id, AccountYear.year,
                                          AccountYear.revenue, AccountYear.version)
                                   .where(AccountYear.account_id.in_(chunk))):
            existing[(row.account_id, row.year)] = (row.id, row.revenue, row.version)
    now = utcnow()
    inserts, updates = [], []
    for (account_id, year), revenue in revenues.items():
        found = existing.get((account_id, year))
        if found is None:
            if revenue or create_zero:
                inserts.append({"account_id": account_id, "year": year, "revenue": revenue, "category_spend": None,
                                "version": 1, "created_at": now, "updated_at": now})
        elif abs(found[1] - revenue) > 1e-9:
            updates.append({"b_id": found[0], "b_old": found[2], "b_revenue": revenue, "b_version": found[2] + 1,
                            "b_now": now})
    table = AccountYear.__table__
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_old"))
                     .values(revenue=bindparam("b_revenue"), version=bindparam("b_version"),
                             updated_at=bindparam("b_now")))
        result = session.connection().execute(statement, updates)
        if result.rowcount != len(updates):
            raise ConflictError("account_year")
    return len(inserts) + len(updates)


# --- contacts -----------------------------------------------------------------------------------

_CONTACT_FIELDS = ("crm_id", "name", "title", "unit", "email", "role", "owner")


def _plan_contacts(session: Session, table: RawTable, cells: _Cells, today: date, progress: _Progress) -> list[_Row]:
    index = _account_index(session)
    people = session.execute(select(Stakeholder.id, Stakeholder.account_id, Stakeholder.crm_id, Stakeholder.name,
                                    Stakeholder.title, Stakeholder.unit, Stakeholder.email, Stakeholder.role,
                                    Stakeholder.owner)).all()
    stored_of = {person.id: person for person in people}
    by_crm = {person.crm_id: person.id for person in people if person.crm_id}
    by_email = {(person.account_id, person.email.casefold()): person.id for person in people if person.email}
    by_name: dict = {}
    for person in people:
        by_name.setdefault((person.account_id, fold_name(person.name)), person.id)
    seen: dict = {}
    planned = []
    for position, row in _rows(table, progress):
        planned.append(row)
        crm = _text_value(row, cells, position, "crm_id", CRM_ID_MAX)
        if crm in by_crm and cells.get("account_crm_id", position) is None and cells.get("account_name", position) \
                is None:
            account_id = stored_of[by_crm[crm]].account_id  # an update keeps its account
        else:
            account_id = _find_account(row, cells, position, index)
        name = cells.get("name", position)
        name_target = "name"
        if name is None:
            parts = [part for part in (cells.get("first_name", position), cells.get("last_name", position)) if part]
            name = " ".join(parts) if parts else None
            name_target = "last_name" if "last_name" in cells.columns else "first_name"
        if name is not None and len(name) > CONTACT_TEXT_MAX:
            _problem(row, cells, position, name_target, "text_length", value=name, min=1, max=CONTACT_TEXT_MAX)
        texts = {target: _text_value(row, cells, position, target, CONTACT_TEXT_MAX)
                 for target in ("title", "unit", "owner")}
        email = _text_value(row, cells, position, "email", EMAIL_MAX)
        if email is not None and not EMAIL.match(email):
            _problem(row, cells, position, "email", "email_format", "warning")
            email = None
        role_text = cells.get("role", position)
        role = _ROLE_WORDS.get(fold_header(role_text)) if role_text is not None else None
        if role_text is not None and role is None:
            _problem(row, cells, position, "role", "choice", "warning", choices=list(BUYING_ROLES))
        existing = by_crm.get(crm) if crm else None
        if existing is None and account_id is not None:
            existing = by_email.get((account_id, email.casefold())) if email else None
            if existing is None and name is not None:
                existing = by_name.get((account_id, fold_name(name)))
        if name is None and existing is None:  # a new person needs a name; an update keeps the stored one
            _problem(row, cells, position, "name" if "name" in cells.columns else "last_name", "required")
        row.target_id = existing
        row.action = "update" if existing is not None else "create"
        keys = [("crm", crm) if crm else None, ("id", existing) if existing else None]
        if account_id is not None:
            keys.append(("email", account_id, email.casefold()) if email else None)
            keys.append(("name", account_id, fold_name(name)) if name and not email else None)
        _duplicate(row, seen, keys, cells, position, "crm_id" if crm else "email" if email else name_target)
        stored = stored_of.get(existing)
        merged = {name_: getattr(stored, name_) for name_ in _CONTACT_FIELDS} if stored is not None else {
            "crm_id": None, "name": None, "title": None, "unit": None, "email": None, "role": "influencer",
            "owner": None}
        updates = {"crm_id": crm, "name": name, "email": email, "role": role, **texts}
        merged.update({key: value for key, value in updates.items() if value is not None})
        merged["account_id"] = account_id if account_id is not None else (stored.account_id if stored else None)
        row.stored = merged
        row.values = {"account": index.names.get(merged["account_id"]),
                      **{key: merged[key] for key in _CONTACT_FIELDS}}
    return planned


def _write_contacts(session: Session, plan: _Plan, progress: _Progress) -> dict:
    rows = [row for row in plan.rows if not row.refused]
    created = updated = 0
    targets = [row.target_id for row in rows if row.target_id is not None]
    people = {}
    for chunk in _chunks(targets):
        people |= {person.id: person for person in
                   session.execute(select(Stakeholder).where(Stakeholder.id.in_(chunk))).scalars()}
    for done, row in enumerate(rows):
        progress.at(done)
        values = {key: row.stored[key] for key in (*_CONTACT_FIELDS, "account_id")}
        if row.target_id is None:
            session.add(Stakeholder(**values))
            created += 1
        else:
            person = people[row.target_id]
            for key, value in values.items():
                if getattr(person, key) != value:
                    setattr(person, key, value)
            updated += 1
        if done % BATCH_SIZE == BATCH_SIZE - 1:
            session.flush()
    session.flush()
    return {"created": created, "updated": updated, "years_updated": 0}


# --- revenue lines ------------------------------------------------------------------------------


def _plan_revenue(session: Session, table: RawTable, cells: _Cells, today: date, progress: _Progress,
                  default_kind: str | None = None) -> list[_Row]:
    """The hot loop of large imports: columns are read once, lookups are dicts, helpers only run
    for rows with a problem."""
    index = _account_index(session)
    line_columns = (RevenueLine.id, RevenueLine.account_id, RevenueLine.crm_id, RevenueLine.kind, RevenueLine.label,
                    RevenueLine.amount, RevenueLine.line_date, RevenueLine.probability_pct, RevenueLine.version)
    lines = session.connection().execute(select(*line_columns)).all()
    stored_of = {line.id: line for line in lines}
    by_crm = {line.crm_id: line.id for line in lines if line.crm_id}
    by_key: dict | None = None  # (account, kind, date, amount, label) -> id, built when a row has no CRM id
    crms, labels = cells.column("crm_id"), cells.column("label")
    amounts, dates, probabilities = cells.column("amount"), cells.column("date"), cells.column("probability_pct")
    account_crms, account_names = cells.column("account_crm_id"), cells.column("account_name")
    accounts_by_crm, accounts_by_key, account_names_of = index.by_crm, index.by_key, index.names
    folded: dict[str, str] = {}  # account name as typed -> folded (files repeat the same few names)
    seen: dict = {}
    planned = []
    for position, row in _rows(table, progress):
        planned.append(row)
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
        if amount is not None and (amount.__class__ is not float or not 0 <= amount <= AMOUNT_MAX):
            amount = _number_in(row, cells, position, "amount", 0, AMOUNT_MAX)
        line_date = dates[position]
        if line_date is not None and isinstance(line_date, _Bad):
            line_date = _value(row, cells, position, "date")
        probability = probabilities[position]
        if probability is not None and (probability.__class__ is not float or not 0 <= probability <= 100):
            probability = _number_in(row, cells, position, "probability_pct", 0, 100)
        kind = _revenue_kind(row, cells, position, default_kind)
        existing = by_crm.get(crm) if crm is not None else None
        key = None
        if account_id is not None and kind is not None and line_date is not None and amount is not None:
            key = (account_id, kind, line_date, round(amount, 2), label or "")
            if existing is None and crm is None:
                if by_key is None:
                    by_key = {(line.account_id, line.kind, line.line_date, round(line.amount, 2), line.label or ""):
                              line.id for line in lines}
                existing = by_key.get(key)
        row.target_id = existing
        before = row.before = stored_of.get(existing) if existing is not None else None
        if before is None and kind != "lost":  # a new line needs them; an update keeps what is stored
            if amounts[position] is None:
                _problem(row, cells, position, "amount", "required")
            if dates[position] is None:
                _problem(row, cells, position, "date", "required")
        row.values = {"account": account_names_of.get(account_id), "crm_id": crm, "kind": kind, "label": label,
                      "amount": amount, "date": line_date, "probability_pct": probability}
        if before is not None:  # as it will be stored: an empty cell keeps the stored value
            for name, stored in (("crm_id", before.crm_id), ("label", before.label), ("amount", before.amount),
                                 ("date", before.line_date), ("probability_pct", before.probability_pct)):
                if row.values[name] is None:
                    row.values[name] = stored
        if kind == "lost":  # not imported: what else the row holds does not matter
            row.action = "remove" if existing is not None else "skip"
            said = "kind" if _line_kind(cells.get("kind", position)) == "lost" else \
                "stage" if _line_kind(cells.get("stage", position)) == "lost" else \
                "is_won" if "is_won" in cells.columns else "is_closed"
            row.problems, row.errors = [], 0
            _problem(row, cells, position, said, "lost_deal", "warning")
            continue
        if existing is not None:
            row.action = "update"
        same = crm if crm is not None else key  # a CRM id (text) or a natural key (tuple): never equal
        if same is not None:
            first = seen.get(same) or (seen.get(existing) if existing is not None else None)
            if first is not None:
                _problem(row, cells, position, "crm_id" if crm is not None else "label", "duplicate_in_file",
                         first_row=first)
            else:
                seen[same] = row.number
                if existing is not None:
                    seen[existing] = row.number  # an id (int): never equal to a text or a tuple
        row.stored = {"account_id": account_id, "crm_id": crm, "kind": kind, "label": label, "amount": amount,
                      "line_date": line_date, "probability_pct": probability}
    return planned


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
    """One bulk statement (executemany) in the import's transaction."""
    return session.connection().execute(statement, rows)


def _write_revenue(session: Session, plan: _Plan, progress: _Progress) -> dict:
    table = RevenueLine.__table__
    rows = [row for row in plan.rows if not row.refused]
    now = utcnow()
    inserts, updates, removals = [], [], []
    touched_years: set[tuple[int, int]] = set()
    touched_accounts: set[int] = set()
    counts = {"created": 0, "updated": 0, "skipped": 0, "removed": 0}
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
            continue
        touched_accounts.add(values["account_id"])
        if values["kind"] in ("won", "invoice"):
            touched_years.add((values["account_id"], values["line_date"].year))
        if row.target_id is None:
            inserts.append({**values, "version": 1, "created_at": now, "updated_at": now})
            counts["created"] += 1
            continue
        counts["updated"] += 1
        old = tuple(before)[1:8]  # the stored values, in _LINE_FIELDS order
        new = tuple(value if value is not None else stored
                    for value, stored in zip((values[key] for key in _LINE_FIELDS), old))  # empty never erases
        if new != old:
            updates.append({**{f"b_{key}": value for key, value in zip(_LINE_FIELDS, new)}, "b_id": before.id,
                            "b_old": before.version, "b_version": before.version + 1, "b_now": now})
    done = 0
    for chunk in _chunks(inserts, BATCH_SIZE):
        _execute_batch(session, insert(table), chunk)
        done += len(chunk)
        progress.at(done)
    if updates:
        statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_old"))
                     .values(**{key: bindparam(f"b_{key}") for key in _LINE_FIELDS}, version=bindparam("b_version"),
                             updated_at=bindparam("b_now")))
        for chunk in _chunks(updates, BATCH_SIZE):
            result = _execute_batch(session, statement, chunk)
            if result.rowcount != len(chunk):
                raise ConflictError("revenue_line")
            done += len(chunk)
            progress.at(done)
    for chunk in _chunks(removals):
        session.execute(delete(table).where(table.c.id.in_(chunk)))
    sums = _won_sums(session, sorted({account_id for account_id, _year in touched_years}))
    years = {pair: sums.get(pair, 0.0) for pair in touched_years}
    counts["years_updated"] = _set_years(session, years, create_zero=False)
    counts["pipeline"] = _pipeline(session, sorted(touched_accounts))
    return counts


def _won_sums(session: Session, accounts: Sequence[int]) -> dict[tuple[int, int], float]:
    year = func.extract("year", RevenueLine.line_date)
    sums: dict[tuple[int, int], float] = {}
    for chunk in _chunks(accounts):
        query = (select(RevenueLine.account_id, year.label("year"), func.sum(RevenueLine.amount))
                 .where(RevenueLine.account_id.in_(chunk), RevenueLine.kind.in_(("won", "invoice")))
                 .group_by(RevenueLine.account_id, year))
        for account_id, line_year, amount in session.execute(query):
            sums[(account_id, int(line_year))] = float(amount or 0.0)
    return sums


def _pipeline(session: Session, accounts: Sequence[int]) -> dict[int, tuple[float, float]]:
    pipeline = dict.fromkeys(accounts, (0.0, 0.0))
    weighted = RevenueLine.amount * func.coalesce(RevenueLine.probability_pct, 0) / 100.0
    for chunk in _chunks(list(accounts)):
        query = (select(RevenueLine.account_id, func.sum(RevenueLine.amount), func.sum(weighted))
                 .where(RevenueLine.account_id.in_(chunk), RevenueLine.kind == "opportunity")
                 .group_by(RevenueLine.account_id))
        for account_id, amount, weight in session.execute(query):
            pipeline[account_id] = (round(float(amount or 0.0), 6), round(float(weight or 0.0), 6))
    return pipeline


# --- the two entry points -----------------------------------------------------------------------


def _plan(session: Session, table: RawTable, kind: str, mapping: Mapping[str, str | None], today: date,
          progress: _Progress, default_kind: str | None) -> _Plan:
    columns = _checked_mapping(table, kind, mapping)
    if default_kind is not None and default_kind not in LINE_KINDS:
        raise ValueError(f"default_kind must be one of {LINE_KINDS}")
    used = set(columns.values())
    ignored = tuple(header for index, header in enumerate(table.headers) if header and index not in used)
    cells = _Cells(table, columns)
    if kind == "accounts":
        rows = _plan_accounts(session, table, cells, today, progress)
    elif kind == "contacts":
        rows = _plan_contacts(session, table, cells, today, progress)
    else:
        rows = _plan_revenue(session, table, cells, today, progress, default_kind)
    return _Plan(kind, rows, ignored)


def preview_import(session: Session, table: RawTable, kind: str, mapping: Mapping[str, str | None], today: date,
                   default_kind: str | None = None) -> ImportPreview:
    """Every row as it would be stored and its problems; nothing is written. ImportFileError
    (bad_mapping, missing_required) when the mapping cannot be used."""
    with session.no_autoflush:
        return _plan(session, table, kind, mapping, today, _Progress(None, 0, 0, 0), default_kind).preview()


_WRITERS = {"accounts": _write_accounts, "contacts": _write_contacts, "revenue": _write_revenue}


def run_import(engine: Engine, table: RawTable, kind: str, mapping: Mapping[str, str | None], *, today: date,
               only_valid: bool = True, progress: Callable[[float], None] | None = None, backup: bool = True,
               default_kind: str | None = None) -> ImportResult:
    """Import the table in one transaction (see the module's docstring). ``only_valid``: write
    the valid rows and report the others; off, any refused row raises ImportRefused and nothing
    is written. ``default_kind`` (revenue) is the kind of lines whose row does not say it. With a
    SQLite file and ``backup``, a copy of the database is made before writing."""
    copy = None
    try:
        with db.session_scope(engine) as session:
            with session.no_autoflush:
                plan = _plan(session, table, kind, mapping, today, _Progress(progress, 0.0, 0.5, len(table.rows)),
                             default_kind)
            preview = plan.preview()
            problems = preview.problems
            rejected = preview.counts["reject"]
            if rejected and not only_valid:
                raise ImportRefused(problems, rejected)
            writes = sum(preview.counts[action] for action in ("create", "update", "remove"))
            if writes and backup:
                path = db.sqlite_path(str(engine.url))
                if path is not None and path.exists():
                    copy = db.backup_sqlite(path, "before-import")
            written = {"created": 0, "updated": 0, "years_updated": 0}
            if writes:
                written = _WRITERS[kind](session, plan, _Progress(progress, 0.5, 1.0, writes))
    except (StaleDataError, IntegrityError) as exc:  # someone wrote the same records meanwhile
        raise ConflictError(kind) from exc
    if progress is not None:
        progress(1.0)
    return ImportResult(kind=kind, read=len(plan.rows), created=written["created"], updated=written["updated"],
                        rejected=rejected, problems=problems, backup=copy, pipeline=written.get("pipeline", {}),
                        years_updated=written["years_updated"], skipped=preview.counts["skip"],
                        removed=preview.counts["remove"])
