"""The whole database as one Excel workbook, and back: a backup anyone can open.

``export_workbook`` writes a first sheet "About" (programme, export time, schema revision, rows
per sheet, how text was escaped), then one sheet per table of ``SQLModel.metadata``, in
dependency order (link tables and the programme row included): header row = column names (bold,
frozen), one row per record ordered by primary key, every column (ids, version, created_at and
updated_at included).

How values are written, so that ``restore_workbook`` reads back exactly what was exported:

| column type | cell                                                                                 |
| ----------- | ------------------------------------------------------------------------------------ |
| None        | an empty cell                                                                        |
| int         | a number (text when 15 digits or more: a spreadsheet keeps only about 15)            |
| float       | a number when its 16 significant digits give it back exactly, else its repr as text  |
|             | (also nan, inf and -0.0)                                                             |
| bool        | TRUE / FALSE                                                                         |
| date        | a real Excel date (before 1900-03-01, where Excel's calendar is wrong: ISO text)     |
| datetime    | ISO 8601 text with its offset (2026-11-26T09:30:00.123456+00:00)                     |
| text        | text, escaped as below                                                               |

Text escaping. A text starting with ``= + - @``, a tab, a carriage return or ``'`` gets a leading
``'``, so no spreadsheet runs it as a formula ("=1+1" shows as "'=1+1"; an original leading quote
is doubled and so survives); an empty text (which a workbook cannot tell from an empty cell) is a
lone ``'``. Restoring removes one leading ``'`` from every text cell. Characters XML cannot hold
(control characters, a carriage return, which XML turns into a line feed) are written the OOXML
way, ``_x000b_`` (Excel shows the character itself); a literal ``_x1234_`` in a text gets its
underscore escaped (``_x005f_``) the same way. Excel's limit of 32,767 characters a cell is
checked: a longer text refuses the export (``cell_too_long``) rather than cut it.

``restore_workbook`` restores such a workbook into an *empty* database (no account: the
programme row and default criteria every new database has are deleted first), in one
transaction, rows inserted with their ids, versions and timestamps as exported (Core inserts:
no ORM version or onupdate handling; foreign keys stay on, the dependency order satisfies
them; a self-reference such as ``account.parent_id`` is inserted empty, then set). On
PostgreSQL the id sequences are moved past the restored ids. Everything is checked before
anything is written, and every problem is reported at once (``ValidationError`` of
``FieldError("file", code, params)``):

| code                  | params                          | when                                          |
| --------------------- | ------------------------------- | --------------------------------------------- |
| not_a_workbook        |                                 | the bytes are not an Excel workbook           |
| not_our_workbook      |                                 | no "About" sheet of ours (another workbook)   |
| schema_mismatch       | file, database                  | exported under another schema revision        |
|                       |                                 | (one a later revision only added tables to,   |
|                       |                                 | ``ADDED_TABLES``, restores: those stay empty; |
|                       |                                 | or columns to, ``ADDED_COLUMNS``: each row    |
|                       |                                 | takes the column's default, as migrated)      |
| missing_sheet         | sheet                           | a table's sheet is missing                    |
| missing_column        | sheet, column                   | a column is missing from a sheet's header     |
| unexpected_column     | sheet, column                   | a header names no column of the table         |
| duplicate_column      | sheet, column                   | a column appears twice in a header            |
| bad_cell              | sheet, row, column, value       | a cell cannot be read as its column's type    |
| empty_cell            | sheet, row, column              | a required column's cell is empty             |
| row_count_mismatch    | sheet, expected, found          | a sheet has not the rows "About" announces    |
| too_many_errors       | count                           | more cell errors than listed (first 100 kept) |
| partial_workbook      | sheets                          | exported below admin: roles, trail left out   |
| database_not_empty    | accounts                        | the database has accounts                     |
| rejected_by_database  | sheet, reason                   | the database refused a row (constraint)       |

What an export holds depends on who asks: an admin's is the whole database (the restorable
backup); below admin it leaves out the tables only an admin may take whole
(``access.ADMIN_READ_TABLES``: the role grants and the audit trail), says so on "About"
("Left out", and a title that does not claim the whole database), and restores nowhere:
``restore_workbook`` refuses it as ``partial_workbook`` (sheets) rather than list its missing sheets.

``export_workbook`` itself refuses with ``cell_too_long`` (sheet, row, column, length), one per
text over 32,767 characters. ``row`` is always the spreadsheet row number (the header is row 1).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, String, Table, bindparam, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import kam_core.store.models  # noqa: F401 - registers every table on SQLModel.metadata
from kam_core.common.errors import FieldError, ValidationError
from kam_core.governance import access
from kam_core.store import db
from kam_core.store.models import Account, Programme

ABOUT_SHEET = "About"
FORMAT = "kam-workbook/1"
MAX_CELL_CHARS = 32_767  # Excel's limit
MAX_CELL_ERRORS = 100  # cell errors listed; beyond, one too_many_errors
FORMULA_STARTS = frozenset("=+-@\t\r'")
FIRST_EXCEL_DATE = date(1900, 3, 1)  # before it, Excel's 1900 calendar is off by one day
MAX_EXACT_INT = 10**15  # a spreadsheet keeps 15 significant digits

# Revisions that changed indexes or constraints only: a workbook exported under the revision before one
# of them holds the very same tables and columns, and restores as it is (0006: a priority's rank once per
# account; an older workbook's duplicate ranks are renumbered as the migration does, ``_ranks_once``).
SAME_TABLES_AS = {"0003": "0002", "0005": "0004", "0006": "0005"}
# Revisions that only added tables: revision -> (the one before, the tables it added). A workbook exported
# before one of them has every other table as it is, and restores with the added tables left empty
# (0007: the challenge sessions of account plans; 0008: the workshops).
ADDED_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "0007": ("0006", ("challenge_session", "challenge_item")),
    "0008": (
        "0007",
        ("workshop_session", "workshop_participant", "workshop_item", "workshop_vote", "workshop_action"),
    ),
    "0009": ("0008", ("revenue_ambition", "programme_target", "target_actual")),
}
# Columns those revisions added to tables that were there before: revision -> {table: columns}. A workbook
# exported before one of them lacks these columns in those sheets, and restores with each at its default,
# the value the migration gives an existing row (0009: the programme as a business case; a KAM's own cost
# and share; an account's entry year into the programme).
ADDED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "0009": {
        "programme": (
            "ambition",
            "final_ambition",
            "start_year",
            "horizon_years",
            "organic_growth_pct",
            "default_margin_pct",
            "kam_yearly_cost",
            "kam_share_pct",
            "executive_hour_cost",
            "meeting_hours",
            "tools_cost",
            "training_cost",
            "events_cost",
            "budget_year",
            "budget_amount",
            "strategic_plan_on",
            "budget_on",
            "cycle_offsets",
        ),
        "kam": ("yearly_cost", "programme_share_pct"),
        "account": ("programme_since",),
    },
}

# About sheet labels (column A); the restore finds the values by them
LABEL_FORMAT = "Format"
LABEL_PROGRAMME = "Programme"
LABEL_EXPORTED_AT = "Exported at (UTC)"
LABEL_REVISION = "Schema revision"
LABEL_SHEET = "Sheet"
LABEL_ROWS = "Rows"
LABEL_LEFT_OUT = "Left out"
TITLE_WHOLE = "Key account programme: the whole database"
TITLE_SHARE = "Key account programme: what the role {role} may take (not restorable)"
ESCAPING_NOTE = (
    "Text cells starting with = + - @ ' (or a tab or a carriage return) were prefixed with ' so that "
    "no spreadsheet runs them as formulas; an empty text is a lone '. Importing the workbook removes "
    "that first ' again. Edit nothing here if you mean to restore this workbook."
)

Progress = Callable[[int, int, str], None]


# --- tables and columns -------------------------------------------------------------------------


def tables() -> list[Table]:
    """Every table of the schema, parents before children (alembic_version is not in the metadata)."""
    return [table for table in SQLModel.metadata.sorted_tables if table.name != "alembic_version"]


def sheet_name(table: Table) -> str:
    return table.name[:31]  # Excel's limit on a sheet name


# Checked in this order (a TypeDecorator such as sqlmodel's UTCDateTime by the type it wraps).
_KINDS = (
    (Boolean, "bool"),
    (Integer, "int"),
    (Float, "float"),
    (Numeric, "float"),
    (DateTime, "datetime"),
    (Date, "date"),
    (String, "str"),
)


def _kind(column) -> str:
    """bool, int, float, datetime, date or str: how a column's values are written and read back."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    for sql_type, kind in _KINDS:
        if isinstance(column_type, sql_type):
            return kind
    raise TypeError(f"{column.table.name}.{column.name}: no workbook form for {column_type!r}")


def _self_references(table: Table) -> list[str]:
    """Columns of ``table`` that point at ``table`` itself (account.parent_id)."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _primary_key(table: Table) -> list:
    return list(table.primary_key.columns)


# --- text escaping ------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold, plus the carriage return (XML reads it back as a line feed).
_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff"
# A literal "_" starting what would read as an escape (_x + 4 hex + "_"), counting the "_" an
# escape written right after would start; an "x" that would leave "x005F_" in the file (openpyxl
# deletes that string wherever it reads it); and the unsafe characters.
_ESCAPE_RE = re.compile(
    rf"_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_UNSAFE}]|x005F(?:_|[{_UNSAFE}])))"
    rf"|x(?=005F(?:_|[{_UNSAFE}]))"
    rf"|[{_UNSAFE}]"
)
_UNESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xml_escape(value: str) -> str:
    return _ESCAPE_RE.sub(lambda match: f"_x{ord(match.group(0)):04x}_", value)


def _xml_unescape(value: str) -> str:
    if "_x" not in value:
        return value
    return _UNESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), value)


def escape_text(value: str) -> str:
    """The text as written in a cell: formula-safe (leading ``'``) and XML-safe."""
    if value == "" or value[0] in FORMULA_STARTS:
        value = "'" + value
    return _xml_escape(value)


def unescape_text(value: str) -> str:
    """The text a cell written by ``escape_text`` holds (one leading ``'`` removed)."""
    value = _xml_unescape(value)
    return value[1:] if value.startswith("'") else value


# --- export -------------------------------------------------------------------------------------


def _float_is_exact(value: float) -> bool:
    """True when openpyxl's 16 significant digits give ``value`` back."""
    if not math.isfinite(value) or (value == 0 and math.copysign(1.0, value) < 0):
        return False
    return float(f"{value:.16g}") == value


def _cell_value(kind: str, value: Any) -> tuple[Any, str | None]:
    """(the value to write, the text before XML escaping when it is text)."""
    if value is None:
        return None, None
    if kind == "bool":
        return bool(value), None
    if kind == "int" and not isinstance(value, bool) and isinstance(value, int):
        return (value, None) if abs(value) < MAX_EXACT_INT else _text_cell(str(value))
    if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
        return (value, None) if _float_is_exact(value) else _text_cell(repr(value))
    if kind == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return (value, None) if value >= FIRST_EXCEL_DATE else _text_cell(value.isoformat())
    if kind == "datetime" and isinstance(value, datetime):
        return _text_cell(value.isoformat())
    return _text_cell(value if isinstance(value, str) else str(value))


def _text_cell(value: str) -> tuple[str, str]:
    prefixed = "'" + value if value == "" or value[0] in FORMULA_STARTS else value
    return _xml_escape(prefixed), prefixed


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 11
    if isinstance(value, bool):
        return 6
    if isinstance(value, float):
        return min(len(repr(value)), 18)
    return len(str(value).split("\n", 1)[0])


def exported_tables() -> list[Table]:
    """The tables the person acting may take: every table for an admin; below, all but the role
    grants and the audit trail (``access.ADMIN_READ_TABLES``)."""
    if access.current().may("admin"):
        return tables()
    return [table for table in tables() if table.name not in access.ADMIN_READ_TABLES]


def export_workbook(session) -> bytes:
    """The database as an .xlsx file, as much of it as the person acting may take (see the
    module's docstring): the whole of it for an admin."""
    actor = access.current()
    if actor.role is None:  # signed in without a role: may not even read
        access.require("viewer")
    shared = exported_tables()
    left_out = [sheet_name(table) for table in tables() if table not in shared]
    engine = session.get_bind()
    revision = db.current_revision(engine)
    exported_at = datetime.now(UTC).isoformat(timespec="seconds")
    # the name alone (Core: the columns the programme row had at the database's revision do not matter)
    programme_name = session.execute(select(Programme.__table__.c.name).where(Programme.__table__.c.id == 1)).scalar()

    errors: list[FieldError] = []
    sheets: list[tuple[Table, list[list[Any]], list[int]]] = []
    for table in shared:
        columns = list(table.columns)
        kinds = [_kind(column) for column in columns]
        widths = [len(column.name) for column in columns]
        rows = []
        records = session.execute(select(table).order_by(*_primary_key(table))).all()
        for index, record in enumerate(records):
            row = []
            for position, (column, kind, value) in enumerate(zip(columns, kinds, record)):
                cell, prefixed = _cell_value(kind, value)
                if prefixed is not None and len(prefixed) > MAX_CELL_CHARS:
                    errors.append(
                        FieldError(
                            "file",
                            "cell_too_long",
                            {
                                "sheet": sheet_name(table),
                                "row": index + 2,
                                "column": column.name,
                                "length": len(prefixed),
                            },
                        )
                    )
                row.append(cell)
                if index < 500:  # widths from the first rows are enough
                    widths[position] = max(widths[position], _width(cell))
            rows.append(row)
        sheets.append((table, rows, widths))
    if errors:
        raise ValidationError(errors)

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def bold_cell(sheet, value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = bold
        return cell

    about = workbook.create_sheet(ABOUT_SHEET)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 40
    title = TITLE_SHARE.format(role=actor.role) if left_out else TITLE_WHOLE
    about.append([bold_cell(about, title)])
    about.append([])
    about.append([LABEL_FORMAT, FORMAT])
    about.append([LABEL_PROGRAMME, escape_text(programme_name) if programme_name is not None else None])
    about.append([LABEL_EXPORTED_AT, exported_at])
    about.append([LABEL_REVISION, revision])
    if left_out:
        about.append([LABEL_LEFT_OUT, ", ".join(left_out)])
    about.append([])
    about.append([bold_cell(about, LABEL_SHEET), bold_cell(about, LABEL_ROWS)])
    for table, rows, _widths in sheets:
        about.append([sheet_name(table), len(rows)])
    about.append([])
    about.append([ESCAPING_NOTE])

    for table, rows, widths in sheets:
        sheet = workbook.create_sheet(sheet_name(table))
        sheet.freeze_panes = "A2"
        for position, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = min(max(width + 2, 8), 60)
        sheet.append([bold_cell(sheet, column.name) for column in table.columns])
        for row in rows:
            sheet.append(row)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- restore: reading ---------------------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?\d+")
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False}


_INT64_MAX = 2**63 - 1


class _BadCell(Exception):
    pass


def _parse(kind: str, value: Any, data_type: str | None) -> Any:
    """The Python value of one non-empty cell for a column of ``kind``; _BadCell when unreadable,
    a whole number beyond what a database INTEGER holds (64 bits: what a database of ours can have
    exported; a version of 2**53 + 1 included) or a number
    that is not finite."""
    try:
        parsed = _parse_any(kind, value, data_type)
    except OverflowError:  # an integer too large for a float
        raise _BadCell from None
    if kind == "int" and not -_INT64_MAX - 1 <= parsed <= _INT64_MAX:
        raise _BadCell
    if kind == "float" and not math.isfinite(parsed):  # "inf", "nan", "1e400": no figure of ours
        raise _BadCell
    return parsed


def _parse_any(kind: str, value: Any, data_type: str | None) -> Any:
    if data_type in ("f", "e"):  # a formula or an error (#N/A) is never data of ours
        raise _BadCell
    if isinstance(value, str):
        return _parse_text(kind, unescape_text(value))
    if isinstance(value, bool):
        if kind == "bool":
            return value
        raise _BadCell
    if isinstance(value, (int, float)):
        if kind == "float":
            return float(value)
        if kind == "int" and (isinstance(value, int) or value.is_integer()):
            return int(value)
        if kind == "bool" and value in (0, 1):
            return bool(value)
        if kind == "str" and isinstance(value, int):
            return str(value)
        raise _BadCell
    if isinstance(value, datetime):
        if kind == "date" and value.time() == datetime.min.time() and value.tzinfo is None:
            return value.date()
        raise _BadCell
    if isinstance(value, date) and kind == "date":
        return value
    raise _BadCell


def _parse_text(kind: str, value: str) -> Any:
    if kind == "str":
        return value
    try:
        if kind == "int" and _INT_RE.fullmatch(value.strip()):
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool" and value.strip().lower() in _BOOL_TEXT:
            return _BOOL_TEXT[value.strip().lower()]
        if kind == "date":
            return date.fromisoformat(value.strip())
        if kind == "datetime":
            parsed = datetime.fromisoformat(value.strip())
            if parsed.utcoffset() is not None:
                return parsed
    except ValueError:
        pass
    raise _BadCell


def _shown(value: Any) -> str:
    text_value = str(value)
    return text_value if len(text_value) <= 60 else text_value[:57] + "..."


def _open(data: bytes):
    if not isinstance(data, (bytes, bytearray)) or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValidationError([FieldError("file", "not_a_workbook")])
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # a zip that is no workbook, or a damaged one: openpyxl and lxml raise many kinds
        raise ValidationError([FieldError("file", "not_a_workbook")]) from exc


def _read_about(workbook) -> dict:
    if ABOUT_SHEET not in workbook.sheetnames:
        raise ValidationError([FieldError("file", "not_our_workbook")])
    values: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    in_counts = False
    for row in workbook[ABOUT_SHEET].iter_rows(values_only=True):
        label = row[0] if row else None
        value = row[1] if len(row) > 1 else None
        if label is None:
            in_counts = False
            continue
        if in_counts:
            counts[str(label)] = value
        elif label == LABEL_SHEET and value == LABEL_ROWS:
            in_counts = True
        else:
            values[str(label)] = value
    if values.get(LABEL_FORMAT) != FORMAT:
        raise ValidationError([FieldError("file", "not_our_workbook")])
    return {"revision": values.get(LABEL_REVISION), "counts": counts, "left_out": values.get(LABEL_LEFT_OUT)}


def _read_sheet(
    sheet,
    table: Table,
    errors: list[FieldError],
    cell_errors: list[FieldError],
    added: frozenset[str] = frozenset(),
) -> list[dict]:
    """The sheet's rows, as records of the table's columns; a column of ``added`` (one a later revision
    added) may be missing from the header: each row then takes its default (``column_default``)."""
    name = sheet_name(table)
    rows = sheet.iter_rows()
    header_cells = next(rows, ())
    header = [cell.value for cell in header_cells]
    columns = {column.name: column for column in table.columns}
    positions: dict[str, int] = {}
    for position, label in enumerate(header):
        if label is None:
            continue
        label = str(label)
        if label in positions:
            errors.append(FieldError("file", "duplicate_column", {"sheet": name, "column": label}))
        elif label not in columns:
            errors.append(FieldError("file", "unexpected_column", {"sheet": name, "column": label}))
        else:
            positions[label] = position
    missing = [column for column in columns if column not in positions and column not in added]
    for column in missing:
        errors.append(FieldError("file", "missing_column", {"sheet": name, "column": column}))
    if missing:
        return []

    readers = [(column, positions[column.name], _kind(column)) for column in table.columns if column.name in positions]
    defaults = {column.name: column_default(column) for column in table.columns if column.name not in positions}
    records = []
    for row_number, cells in enumerate(rows, start=2):
        if all(getattr(cell, "value", None) is None for cell in cells):
            continue  # an empty row (a spreadsheet may leave some at the end)
        record = dict(defaults)
        for column, position, kind in readers:
            cell = cells[position] if position < len(cells) else None
            value = getattr(cell, "value", None)
            if value is None:
                if not column.nullable:
                    cell_errors.append(
                        FieldError(
                            "file",
                            "empty_cell",
                            {
                                "sheet": name,
                                "row": row_number,
                                "column": column.name,
                            },
                        )
                    )
                record[column.name] = None
                continue
            try:
                record[column.name] = _parse(kind, value, getattr(cell, "data_type", None))
            except _BadCell:
                cell_errors.append(
                    FieldError(
                        "file",
                        "bad_cell",
                        {
                            "sheet": name,
                            "row": row_number,
                            "column": column.name,
                            "value": _shown(value),
                        },
                    )
                )
        records.append(record)
    return records


def _tables_revision(revision: str | None) -> str | None:
    """The revision whose tables and columns ``revision`` has (itself, unless it changed indexes only)."""
    while revision in SAME_TABLES_AS:
        revision = SAME_TABLES_AS[revision]
    return revision


def _later_revisions(file_revision: str | None, database_revision: str | None) -> list[str] | None:
    """The revisions that added tables or columns between a workbook's and the database's, newest first
    (none when both have the same tables and columns); None when the workbook cannot be restored there
    (newer than the database, or older than a revision that changed a table otherwise)."""
    wanted, revision, later = _tables_revision(file_revision), _tables_revision(database_revision), []
    while revision != wanted:
        if revision not in ADDED_TABLES:
            return None
        later.append(revision)
        revision = _tables_revision(ADDED_TABLES[revision][0])
    return later


def absent_tables(file_revision: str | None, database_revision: str | None) -> frozenset[str] | None:
    """The tables a workbook exported under ``file_revision`` may lack to restore into a database at
    ``database_revision``: none when both have the same tables, those later revisions added
    (``ADDED_TABLES``) when the workbook is older; None when it cannot be restored there."""
    later = _later_revisions(file_revision, database_revision)
    if later is None:
        return None
    return frozenset(table for revision in later for table in ADDED_TABLES[revision][1])


def absent_columns(file_revision: str | None, database_revision: str | None) -> dict[str, frozenset[str]] | None:
    """The columns (per table) a workbook exported under ``file_revision`` may lack in its sheets to restore
    into a database at ``database_revision``: those later revisions added to existing tables
    (``ADDED_COLUMNS``); None when it cannot be restored there."""
    later = _later_revisions(file_revision, database_revision)
    if later is None:
        return None
    absent: dict[str, set[str]] = {}
    for revision in later:
        for table, columns in ADDED_COLUMNS.get(revision, {}).items():
            absent.setdefault(table, set()).update(columns)
    return {table: frozenset(columns) for table, columns in absent.items()}


def column_default(column) -> Any:
    """The value a column added by a later revision takes in a row restored from an older workbook: the
    model's default (the migration's server default gives an existing row the same), else None."""
    default = column.default
    if default is not None and default.is_scalar:
        return default.arg
    return None


def read_workbook(
    engine: Engine, data: bytes, progress: Progress | None = None, total_steps: int | None = None
) -> dict[str, list[dict]]:
    """Every table's rows from a workbook of ours, checked; ValidationError listing every problem
    (the database having accounts among them)."""
    workbook = _open(data)
    try:
        about = _read_about(workbook)
        if about["left_out"]:  # a role's share, not a backup: its roles and trail are missing
            raise ValidationError([FieldError("file", "partial_workbook", {"sheets": str(about["left_out"])})])
        database_revision = db.current_revision(engine)
        absent = absent_tables(about["revision"], database_revision)
        columns = absent_columns(about["revision"], database_revision)
        if absent is None or columns is None:
            raise ValidationError(
                [
                    FieldError(
                        "file",
                        "schema_mismatch",
                        {
                            "file": about["revision"],
                            "database": database_revision,
                        },
                    )
                ]
            )
        errors: list[FieldError] = []
        cell_errors: list[FieldError] = []
        content = _read_sheets(workbook, about["counts"], errors, cell_errors, progress, total_steps, absent, columns)
    except (zipfile.BadZipFile, EOFError, SyntaxError) as exc:  # a damaged part (XML parse errors are SyntaxErrors)
        raise ValidationError([FieldError("file", "not_a_workbook")]) from exc
    finally:
        workbook.close()
    if len(cell_errors) > MAX_CELL_ERRORS:
        cell_errors = cell_errors[:MAX_CELL_ERRORS] + [
            FieldError("file", "too_many_errors", {"count": len(cell_errors)})
        ]
    errors += cell_errors
    accounts = _count_accounts(engine)
    if accounts:
        errors.append(FieldError("file", "database_not_empty", {"accounts": accounts}))
    if errors:
        raise ValidationError(errors)
    return content


def _read_sheets(
    workbook,
    counts: dict,
    errors: list[FieldError],
    cell_errors: list[FieldError],
    progress: Progress | None,
    total_steps: int | None,
    absent: frozenset[str] = frozenset(),
    absent_columns: dict[str, frozenset[str]] | None = None,
) -> dict[str, list[dict]]:
    content: dict[str, list[dict]] = {}
    all_tables = tables()
    total = total_steps or len(all_tables)
    for step, table in enumerate(all_tables):
        name = sheet_name(table)
        if progress is not None:
            progress(step, total, name)
        if name not in workbook.sheetnames:
            if table.name in absent:  # added after the workbook's revision: restored empty
                content[table.name] = []
            else:
                errors.append(FieldError("file", "missing_sheet", {"sheet": name}))
            continue
        errors_before = len(errors) + len(cell_errors)
        added = (absent_columns or {}).get(table.name, frozenset())
        records = _read_sheet(workbook[name], table, errors, cell_errors, added)
        content[table.name] = records
        # rows lost or added: only worth saying when the sheet itself could be read
        if len(errors) + len(cell_errors) == errors_before and counts.get(name) != len(records):
            errors.append(
                FieldError(
                    "file",
                    "row_count_mismatch",
                    {
                        "sheet": name,
                        "expected": counts.get(name),
                        "found": len(records),
                    },
                )
            )
    return content


def _count_accounts(connectable) -> int:
    statement = select(func.count()).select_from(Account.__table__)
    if isinstance(connectable, Engine):
        with connectable.connect() as connection:
            return connection.execute(statement).scalar_one()
    return connectable.execute(statement).scalar_one()


# --- restore: writing ---------------------------------------------------------------------------


def restore_workbook(engine: Engine, data: bytes, *, progress: Progress | None = None) -> dict[str, int]:
    """Restore a workbook of ``export_workbook`` into an empty database; rows restored per table.

    ``progress(done, total, sheet)`` is called as sheets are read, then written (total = twice
    the number of tables). Nothing is written when anything is refused. Only an admin restores
    (it replaces the criteria, the settings and the roles too).
    """
    access.require("admin")
    all_tables = tables()
    total = 2 * len(all_tables)
    content = read_workbook(engine, data, progress, total)
    content["priority"] = _ranks_once(content.get("priority", []))
    restored: dict[str, int] = {}
    with db.writer(engine).begin() as connection:  # SQLite: BEGIN IMMEDIATE, so the check holds
        if connection.dialect.name == "postgresql":  # nobody adds an account between check and write
            connection.exec_driver_sql("LOCK TABLE account IN EXCLUSIVE MODE")
        accounts = _count_accounts(connection)  # again, inside the transaction
        if accounts:
            raise ValidationError([FieldError("file", "database_not_empty", {"accounts": accounts})])
        for table in reversed(all_tables):  # the defaults a new database has (programme, criteria)
            connection.execute(table.delete())
        for step, table in enumerate(all_tables):
            if progress is not None:
                progress(len(all_tables) + step, total, sheet_name(table))
            records = content[table.name]
            restored[table.name] = len(records)
            if records:
                _insert(connection, table, records)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, all_tables)
    if progress is not None:
        progress(total, total, "")
    return restored


def _ranks_once(records: list[dict]) -> list[dict]:
    """The priorities with each account's ranks renumbered 1..n by (rank, id) where the account
    holds a rank twice (a workbook of a database from before migration 0006, which does the same);
    other accounts' ranks are kept as they are."""
    ranks: dict[object, list[int]] = {}
    for record in records:
        ranks.setdefault(record["account_id"], []).append(record["rank"])
    twice = {account for account, held in ranks.items() if len(set(held)) < len(held)}
    if not twice:
        return records
    renumbered: dict[object, int] = {}
    for account in twice:
        mine = sorted((r for r in records if r["account_id"] == account), key=lambda r: (r["rank"], r["id"]))
        renumbered.update({id(record): position for position, record in enumerate(mine, start=1)})
    return [{**record, "rank": renumbered[id(record)]} if id(record) in renumbered else record for record in records]


def _insert(connection, table: Table, records: list[dict]) -> None:
    self_references = _self_references(table)
    try:
        if not self_references:
            connection.execute(table.insert(), records)
            return
        # inserted without the self-references, then set (their target may come later, or be a cycle)
        connection.execute(table.insert(), [{**record, **dict.fromkeys(self_references)} for record in records])
        key = _primary_key(table)
        # every column the update names is given, so no onupdate (updated_at) fires
        update_columns = self_references + [column.name for column in table.columns if column.onupdate is not None]
        statement = (
            table.update()
            .where(*[column == bindparam(f"key_{column.name}") for column in key])
            .values({name: bindparam(f"new_{name}") for name in update_columns})
        )
        updates = [
            {
                **{f"key_{column.name}": record[column.name] for column in key},
                **{f"new_{name}": record[name] for name in update_columns},
            }
            for record in records
            if any(record[name] is not None for name in self_references)
        ]
        if updates:
            connection.execute(statement, updates)
    except DBAPIError as exc:
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        raise ValidationError(
            [
                FieldError(
                    "file",
                    "rejected_by_database",
                    {
                        "sheet": sheet_name(table),
                        "reason": reason.splitlines()[0] if reason else type(exc).__name__,
                    },
                )
            ]
        ) from exc


def _reset_sequences(connection, all_tables: list[Table]) -> None:
    """PostgreSQL: each serial id's sequence continues after the largest restored id (from 1 when
    no id is 1 or more: a hand-edited id of 0 or below is a valid key, but not a sequence value)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in all_tables:
        key = _primary_key(table)
        if len(key) != 1 or _kind(key[0]) != "int" or key[0].foreign_keys:
            continue
        table_name, column_name = quote(table.name), quote(key[0].name)
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f"GREATEST(COALESCE(MAX({column_name}), 1), 1), COALESCE(MAX({column_name}) >= 1, FALSE)) "
                f"FROM {table_name}"
            ),
            {"table": table_name, "column": key[0].name},
        )
