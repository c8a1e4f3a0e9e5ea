"""Hostile files into the importers (issue #9, item 6): CSV bytes in any encoding, with or without
a byte order mark, any separator and quoting, huge fields, binary junk; XLSX sheets holding any
cell; random bytes; and workbooks of ours with damaged cells to restore. Each is read and
imported, or refused with a catalogued message -- and a refused import writes nothing."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlmodel import Session

from kam_core.common.errors import ConflictError
from kam_core.exchange import workbook
from kam_core.exchange.importing import (
    KINDS,
    ImportFileError,
    ImportRefused,
    propose_mapping,
    read_table,
    run_import,
)
from kam_core.i18n import LANGUAGES, catalog, translate
from kam_core.store import db
from tests.conftest import TODAY
from tests.unit.hostile import HOSTILE, attempt, hostile_text, hostile_value, numeric_text, snapshot

HEADERS = {
    "accounts": [
        "Account Name",
        "Account ID",
        "Industry",
        "Billing Country",
        "Parent Account ID",
        "Type",
        "Account Owner",
        "Annual Revenue",
        "Description",
        "Margin %",
    ],
    "contacts": ["First Name", "Last Name", "Email", "Title", "Account Name", "Contact ID", "Role"],
    "revenue": [
        "Opportunity ID",
        "Account Name",
        "Amount",
        "Close Date",
        "Stage",
        "Probability (%)",
        "Opportunity Name",
    ],
}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]


def _message(prefix: str, code: str, params: dict) -> None:
    for language in LANGUAGES:
        key = f"{prefix}.{code}"
        assert key in catalog(language), f"{key} missing from {language}.json"
        translate(
            key,
            language,
            **{
                name: ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else value
                for name, value in params.items()
            },
        )


def _import(engine, data: bytes, filename: str, kind: str, only_valid: bool) -> None:
    """Read and import; every refusal names a catalogued message and leaves the database as it was."""
    before = snapshot(engine)
    try:
        table = read_table(data, filename)
        mapping = propose_mapping(table.headers, kind)
        result = run_import(engine, table, kind, mapping, today=TODAY, only_valid=only_valid, backup=False)
    except ImportFileError as error:
        _message("import.error", error.code, error.params)
    except ImportRefused as refused:
        assert refused.rejected > 0
        for problem in refused.problems:
            _message("import.problem", problem.code, problem.params)
    except ConflictError:
        raise AssertionError("ConflictError without anyone else writing: a constraint the import let through") from None
    else:
        for problem in result.problems:
            _message("import.problem", problem.code, problem.params)
        assert result.created + result.updated + result.rejected + result.skipped + result.removed <= result.read
        if result.created + result.updated + result.removed == 0:
            assert snapshot(engine) == before, "an import that wrote nothing changed the database"
        return
    assert snapshot(engine) == before, "a refused import changed the database"


def _csv_bytes(rows: list[list], separator: str, quoting: int, encoding: str, line_end: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=separator, quoting=quoting, lineterminator=line_end, escapechar="\\")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue().encode(encoding, errors="replace")


@st.composite
def csv_files(draw, kind: str):
    headers = HEADERS[kind]
    rows = [headers] + draw(
        st.lists(st.lists(hostile_value, min_size=len(headers) - 2, max_size=len(headers) + 2), min_size=0, max_size=4)
    )
    data = _csv_bytes(
        rows,
        draw(st.sampled_from([",", ";", "\t", "|"])),
        draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])),
        draw(st.sampled_from(ENCODINGS)),
        draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    junk = draw(st.one_of(st.just(b""), st.binary(max_size=40)))
    at = draw(st.integers(min_value=0, max_value=len(data)))
    return data[:at] + junk + data[at:]


def _kind_test(kind: str):
    @HOSTILE
    @given(data=csv_files(kind), only_valid=st.booleans())
    def test(small_engine, data, only_valid):
        _import(small_engine, data, f"{kind}.csv", kind, only_valid)

    test.__name__ = f"test_a_hostile_{kind}_csv_is_imported_or_refused_whole"
    return test


for _kind in KINDS:
    globals()[f"test_a_hostile_{_kind}_csv_is_imported_or_refused_whole"] = _kind_test(_kind)


@HOSTILE
@given(st.binary(max_size=300), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt", ""]), st.sampled_from(KINDS))
def test_random_bytes_are_refused_or_read(small_engine, data, filename, kind):
    _import(small_engine, data, filename, kind, True)


@HOSTILE
@given(st.sampled_from(KINDS), st.integers(min_value=100_000, max_value=400_000))
def test_a_huge_field_is_refused_or_read(small_engine, kind, size):
    headers = HEADERS[kind]
    data = _csv_bytes([headers, ["A" * size] + ["x"] * (len(headers) - 1)], ",", csv.QUOTE_MINIMAL, "utf-8", "\n")
    _import(small_engine, data, "big.csv", kind, False)


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
xlsx_cell = st.one_of(
    st.none(),
    hostile_text.map(lambda text: _ILLEGAL_XML.sub("", text)[:32_000]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.booleans(),
    numeric_text,
)


@HOSTILE
@given(
    st.sampled_from(KINDS), st.lists(st.lists(xlsx_cell, min_size=5, max_size=9), min_size=0, max_size=4), st.booleans()
)
def test_a_hostile_xlsx_is_imported_or_refused_whole(small_engine, kind, rows, only_valid):
    book = Workbook()
    sheet = book.active
    for row in [HEADERS[kind]] + rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    _import(small_engine, buffer.getvalue(), f"{kind}.xlsx", kind, only_valid)


# --- restoring a workbook of ours ------------------------------------------------------------------------


def _exported(engine) -> bytes:
    with Session(engine) as session:
        return workbook.export_workbook(session)


@HOSTILE
@given(st.data())
def test_a_workbook_with_damaged_cells_is_restored_or_refused_whole(small_engine, empty_url, data):
    book = load_workbook(io.BytesIO(_exported(small_engine)))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        sheet = book[data.draw(st.sampled_from([name for name in book.sheetnames if book[name].max_row > 1]))]
        row = data.draw(st.integers(min_value=2, max_value=sheet.max_row))
        column = data.draw(st.integers(min_value=1, max_value=sheet.max_column))
        sheet.cell(row=row, column=column).value = data.draw(xlsx_cell)
    buffer = io.BytesIO()
    book.save(buffer)
    target = db.get_engine(empty_url)
    with target.begin() as connection:  # an earlier example may have restored: empty again
        for table in reversed(workbook.tables()):
            connection.execute(table.delete())
    attempt(target, lambda: workbook.restore_workbook(target, buffer.getvalue()))


@HOSTILE
@given(st.binary(max_size=200))
def test_random_bytes_are_no_workbook(empty_url, data):
    target = db.get_engine(empty_url)
    attempt(target, lambda: workbook.restore_workbook(target, data))
