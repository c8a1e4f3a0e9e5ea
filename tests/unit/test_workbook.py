"""The whole database as one Excel workbook and back: layout of the export, an exact round trip of
the demo (every table, every column, then the same workbook again), text a spreadsheet would run
as a formula escaped, awkward values (unicode, long texts, control characters, floats, old dates)
kept exactly, and every refusal of a restore named, with nothing written."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import Column, MetaData, Table, func, inspect, select, text, update
from sqlmodel import SQLModel

from kam_core.common.errors import FieldError, ValidationError
from kam_core.exchange import workbook as workbook_module
from kam_core.exchange.workbook import (
    ABOUT_SHEET,
    ADDED_COLUMNS,
    ADDED_TABLES,
    MAX_CELL_CHARS,
    absent_columns,
    absent_tables,
    column_default,
    escape_text,
    export_workbook,
    restore_workbook,
    sheet_name,
    tables,
    unescape_text,
)
from kam_core.store import db
from kam_core.store.models import Account, AccountPlan, AccountYear, Kam, Programme, Stakeholder
from tests.conftest import POSTGRES

FORMULA_TEXTS = ["=cmd|' /C calc'!A0", "+33 1 23 45 67 89", "-5", "@SUM(A1)", "'quoted", "\tTab"]
ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00")


# --- helpers ------------------------------------------------------------------------------------


def _export(engine) -> bytes:
    with db.session_scope(engine) as session:
        return export_workbook(session)


def _dump(engine) -> dict[str, list[list[tuple[str, object]]]]:
    """Every table, rows ordered by primary key, each value with its type (so 1, 1.0 and True differ;
    a float also by its bits)."""
    content = {}
    with engine.connect() as connection:
        for table in tables():
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            content[table.name] = [
                [(type(value).__name__, value.hex() if isinstance(value, float) else value) for value in row]
                for row in rows
            ]
    return content


def _cells(data: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    finally:
        book.close()


def _edit(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _codes(excinfo) -> list[tuple[str, str, dict]]:
    return [(error.field, error.code, error.params) for error in excinfo.value.errors]


def _column(book, sheet: str, name: str) -> int:
    """The 1-based position of a column in a sheet's header."""
    return [cell.value for cell in book[sheet][1]].index(name) + 1


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory, databases) -> bytes:
    """The demo's workbook, exported once for the tests that only spoil it (from a copy)."""
    url = databases.demo(tmp_path_factory.mktemp("workbook"))
    engine = db.make_engine(url)
    try:
        return _export(engine)
    finally:
        engine.dispose()
        databases.drop(url)


@pytest.fixture
def empty_engine(empty_url):
    return db.get_engine(empty_url)


# --- the export ---------------------------------------------------------------------------------


def test_every_table_has_a_sheet_and_every_column_a_form():
    names = {table.name for table in tables()}
    assert names == set(SQLModel.metadata.tables) - {"alembic_version"}
    assert {"engagement_pairing", "programme", "account", "score"} <= names
    sheets = [sheet_name(table) for table in tables()]
    assert all(len(name) <= 31 for name in sheets) and len(set(sheets)) == len(sheets)
    assert ABOUT_SHEET.lower() not in sheets
    for table in tables():  # an unknown column type would raise TypeError here
        assert [workbook_module._kind(column) for column in table.columns]
    # parents before children
    order = [table.name for table in tables()]
    for table in tables():
        for key in table.foreign_keys:
            if key.column.table is not table:
                assert order.index(key.column.table.name) < order.index(table.name)


def test_the_export_has_an_about_sheet_then_a_sheet_per_table(demo_export, demo_engine):
    book = load_workbook(io.BytesIO(demo_export))
    assert book.sheetnames == [ABOUT_SHEET] + [table.name for table in tables()]

    about = {row[0]: row[1:] for row in book[ABOUT_SHEET].iter_rows(values_only=True) if row[0]}
    assert about["Programme"][0] == "Key Account Programme"
    assert about["Schema revision"][0] == db.head_revision() == db.current_revision(demo_engine)
    exported_at = datetime.fromisoformat(about["Exported at (UTC)"][0])
    assert exported_at.utcoffset().total_seconds() == 0
    dump = _dump(demo_engine)
    for table in tables():
        assert about[table.name][0] == len(dump[table.name])
    assert about["account"][0] == 30
    note = [label for label in about if label.startswith("Text cells")]
    assert note and "= + - @ '" in note[0] and "prefixed with '" in note[0]

    sheet = book["account"]
    header = [cell.value for cell in sheet[1]]
    assert header == [column.name for column in Account.__table__.columns]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(8 <= width <= 60 for width in widths)
    ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ids == sorted(ids) and len(ids) == 30

    created = sheet.cell(row=2, column=header.index("created_at") + 1)
    assert created.data_type == "s" and ISO_DATETIME.fullmatch(created.value)
    line_date = book["revenue_line"].cell(row=2, column=_column(book, "revenue_line", "line_date"))
    assert line_date.is_date and line_date.number_format == "yyyy-mm-dd"
    active = book["kam"].cell(row=2, column=_column(book, "kam", "active"))
    assert active.data_type == "b" and active.value is True
    # None is an empty cell: the demo has accounts without a parent
    parents = [row[header.index("parent_id")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert None in parents and any(isinstance(parent, int) for parent in parents)
    links = book["engagement_pairing"]
    assert [cell.value for cell in links[1]] == ["engagement_id", "pairing_id"] and links.max_row > 1


# --- the round trip -----------------------------------------------------------------------------


def test_the_demo_round_trips_exactly(demo_engine, empty_url):
    first = _export(demo_engine)
    restored_engine = db.get_engine(empty_url)
    steps = []
    counts = restore_workbook(restored_engine, first, progress=lambda done, total, sheet: steps.append((done, total)))

    original = _dump(demo_engine)
    restored = _dump(restored_engine)
    assert counts == {name: len(rows) for name, rows in original.items()}
    for table in tables():
        assert restored[table.name] == original[table.name], table.name
    assert [done for done, _total in steps] == sorted(done for done, _total in steps)
    assert steps[-1][0] == steps[-1][1] == 2 * len(tables())

    # the same workbook again, but for the time of the export
    first_cells, second_cells = _cells(first), _cells(_export(restored_engine))
    assert first_cells.keys() == second_cells.keys()
    for name in first_cells:
        if name == ABOUT_SHEET:
            strip = lambda rows: [row for row in rows if row and row[0] != "Exported at (UTC)"]  # noqa: E731
            assert strip(first_cells[name]) == strip(second_cells[name])
        else:
            assert first_cells[name] == second_cells[name], name


def test_the_restored_database_goes_on_as_usual(demo_export, empty_engine):
    restore_workbook(empty_engine, demo_export)
    with db.session_scope(empty_engine) as session:
        largest = session.execute(select(func.max(Kam.id))).scalar_one()
        kam = Kam(name="New KAM", email="new.kam@example.com")
        session.add(kam)
        session.flush()
        assert kam.id == largest + 1
        account = session.get(Account, 1)
        version = account.version
        account.notes = "changed after the restore"
    with db.session_scope(empty_engine) as session:
        assert session.get(Account, 1).version == version + 1


AWKWARD_TEXTS = {
    "accents": "Société Générale — Ærø, Łódź, São Paulo, Ünïcödé",
    "emoji": "Growth 🚀📈 with 👩🏽‍💼 leads",
    "rtl": "شركة الاتصالات السعودية — מחלקת רכש",
    "long": ("Ab€ 😀 ש " * 1250)[:10_000],
    "empty": "",
    "line_ends": "one\r\ntwo\rthree\nfour",
    # PostgreSQL's text holds no NUL character (SQLite's does)
    "controls": "bell\x07 vertical\x0b form\x0c escape\x1b " + ("" if POSTGRES else "nul\x00 ") + "end",
    "ooxml_lookalikes": "_x000D_ and _x005F_x0041_ and x005F_ and _x12_ and x005F\x0b",
    "spaces": "  leading and trailing  ",
    "newline_first": "\nstarts with a newline",
}


def test_awkward_values_round_trip_exactly(demo_engine, empty_engine):
    utc = UTC
    with db.session_scope(demo_engine) as session:
        stakeholder = Stakeholder.__table__
        session.execute(
            update(stakeholder)
            .where(stakeholder.c.id == 1)
            .values(
                name=FORMULA_TEXTS[0],
                title=FORMULA_TEXTS[1],
                unit=FORMULA_TEXTS[2],
                email=FORMULA_TEXTS[3],
                owner=FORMULA_TEXTS[4],
                last_contact=date(1899, 12, 31),
            )
        )
        session.execute(update(stakeholder).where(stakeholder.c.id == 2).values(last_contact=date(1900, 2, 28)))
        session.execute(update(stakeholder).where(stakeholder.c.id == 3).values(last_contact=date(9999, 12, 31)))
        account = Account.__table__
        session.execute(
            update(account)
            .where(account.c.id == 1)
            .values(
                notes=FORMULA_TEXTS[5],
                name=AWKWARD_TEXTS["accents"],
                group_name=AWKWARD_TEXTS["empty"],
                margin_pct=0.1 + 0.2,
                potential_3y=5e-324,
                version=2**31 - 1 if POSTGRES else 2**53 + 1,  # beyond a float's 53 bits where the column holds it
                created_at=datetime(2020, 1, 1, tzinfo=utc),
                updated_at=datetime(2021, 6, 30, 23, 59, 59, 999999, tzinfo=utc),
            )
        )
        session.execute(
            update(account)
            .where(account.c.id == 2)
            .values(
                notes=AWKWARD_TEXTS["long"],
                name=AWKWARD_TEXTS["emoji"],
                margin_pct=1 / 3,
                potential_3y=1.7976931348623157e308,
            )
        )
        session.execute(
            update(account)
            .where(account.c.id == 3)
            .values(
                notes=AWKWARD_TEXTS["rtl"],
                name=AWKWARD_TEXTS["rtl"],
                margin_pct=-99.99999999999999,
            )
        )
        plan = AccountPlan.__table__
        session.execute(
            update(plan)
            .where(plan.c.account_id == 1)
            .values(
                business=AWKWARD_TEXTS["line_ends"],
                markets=AWKWARD_TEXTS["controls"],
                recent_events=AWKWARD_TEXTS["ooxml_lookalikes"],
                ambition=AWKWARD_TEXTS["spaces"],
            )
        )
        session.execute(update(plan).where(plan.c.account_id == 2).values(business=AWKWARD_TEXTS["newline_first"]))
        year = AccountYear.__table__
        session.execute(update(year).where(year.c.id == 1).values(revenue=123456789.12345679, category_spend=None))
        session.execute(update(Kam.__table__).where(Kam.__table__.c.id == 1).values(active=False))
        # self-references pointing forward, and a cycle: restored all the same
        session.execute(update(account).where(account.c.id == 4).values(parent_id=30))
        session.execute(update(account).where(account.c.id == 5).values(parent_id=6))
        session.execute(update(account).where(account.c.id == 6).values(parent_id=5))
        last = session.execute(select(func.max(stakeholder.c.id))).scalar_one()
        session.execute(update(stakeholder).where(stakeholder.c.id == 1).values(reports_to_id=last))
        programme = Programme.__table__
        session.execute(update(programme).values(name='=HYPERLINK("http://x")'))

    data = _export(demo_engine)

    book = load_workbook(io.BytesIO(data))
    assert not [cell.coordinate for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    names = {cell.value: cell for cell in book["stakeholder"][1]}
    first = {name: book["stakeholder"].cell(row=2, column=cell.column).value for name, cell in names.items()}
    assert [first["name"], first["title"], first["unit"], first["email"], first["owner"]] == [
        "'" + text for text in FORMULA_TEXTS[:5]
    ]
    assert book["account"].cell(row=2, column=_column(book, "account", "notes")).value == "'\tTab"
    about = {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True) if row[0]}
    assert about["Programme"] == '\'=HYPERLINK("http://x")'

    restore_workbook(empty_engine, data)
    original, restored = _dump(demo_engine), _dump(empty_engine)
    for table in tables():
        assert restored[table.name] == original[table.name], table.name
    with db.session_scope(empty_engine) as session:
        assert [session.get(Stakeholder, 1).name, session.get(Stakeholder, 1).owner] == [FORMULA_TEXTS[0], "'quoted"]
        assert session.get(Account, 1).notes == "\tTab" and session.get(Account, 1).group_name == ""
        assert session.get(Account, 2).notes == AWKWARD_TEXTS["long"] and len(AWKWARD_TEXTS["long"]) == 10_000
        assert session.get(Account, 3).name == AWKWARD_TEXTS["rtl"]


def test_a_text_longer_than_a_cell_refuses_the_export(demo_engine):
    account = Account.__table__
    with db.session_scope(demo_engine) as session:
        session.execute(update(account).where(account.c.id == 1).values(notes="x" * MAX_CELL_CHARS))
    assert _export(demo_engine)  # at the limit: written
    with db.session_scope(demo_engine) as session:
        # the leading quote a formula-like text gets counts too
        session.execute(update(account).where(account.c.id == 1).values(notes="=" + "x" * (MAX_CELL_CHARS - 1)))
        session.execute(update(account).where(account.c.id == 3).values(notes="y" * 40_000))
    with pytest.raises(ValidationError) as excinfo:
        _export(demo_engine)
    assert _codes(excinfo) == [
        ("file", "cell_too_long", {"sheet": "account", "row": 2, "column": "notes", "length": MAX_CELL_CHARS + 1}),
        ("file", "cell_too_long", {"sheet": "account", "row": 4, "column": "notes", "length": 40_000}),
    ]


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33", "'+33"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),
        ("", "'"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("\r", "'_x000d_"),
        ("nul\x00", "nul_x0000_"),
        ("_x0041_", "_x005f_x0041_"),
    ],
)
def test_escape_text(text, cell):
    assert escape_text(text) == cell
    assert unescape_text(cell) == text


TRICKY = st.text(alphabet=st.sampled_from(list("_x005Fabf1'=+-@ \t\r\n\x00\x0b\x1f\ufffeé😀")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.lists(TRICKY, min_size=1, max_size=20))
def test_any_text_survives_a_real_workbook(texts):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    for value in texts:
        sheet.append([escape_text(value)])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    cells = [row[0] for row in read["t"].iter_rows(values_only=True)]
    read.close()
    assert [unescape_text(cell) for cell in cells] == texts


# --- refusals -----------------------------------------------------------------------------------


def test_a_database_with_accounts_is_refused_and_left_alone(demo_export, demo_engine):
    before = _dump(demo_engine)
    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(demo_engine, demo_export)
    assert _codes(excinfo) == [("file", "database_not_empty", {"accounts": 30})]
    assert _dump(demo_engine) == before


def test_a_damaged_workbook_is_refused_naming_every_problem(demo_export, empty_engine):
    before = _dump(empty_engine)
    assert before["programme"] and before["criterion"]  # the defaults of a new database

    def spoil(book):
        del book["score"]
        book["kam"].delete_cols(_column(book, "kam", "email"))
        account = book["account"]
        account.cell(row=2, column=_column(book, "account", "version"), value="abc")
        account.cell(row=3, column=_column(book, "account", "potential_3y"), value="lots")
        account.cell(row=4, column=_column(book, "account", "sector")).value = None
        account.cell(row=5, column=_column(book, "account", "notes"), value="=1+1")  # a formula
        year = book["account_year"]
        year.cell(row=2, column=_column(book, "account_year", "year"), value=2024.5)
        book["revenue_line"].cell(row=2, column=_column(book, "revenue_line", "line_date"), value="31/12/2025")
        book["offer"].cell(row=1, column=book["offer"].max_column + 1, value="comment")
        book["priority"].delete_rows(3)

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, spoil))
    # sheets and columns first, then cells, each in the sheets' order
    assert _codes(excinfo) == [
        ("file", "missing_column", {"sheet": "kam", "column": "email"}),
        ("file", "unexpected_column", {"sheet": "offer", "column": "comment"}),
        ("file", "row_count_mismatch", {"sheet": "priority", "expected": 88, "found": 87}),
        ("file", "missing_sheet", {"sheet": "score"}),
        ("file", "bad_cell", {"sheet": "account", "row": 2, "column": "version", "value": "abc"}),
        ("file", "bad_cell", {"sheet": "account", "row": 3, "column": "potential_3y", "value": "lots"}),
        ("file", "empty_cell", {"sheet": "account", "row": 4, "column": "sector"}),
        ("file", "bad_cell", {"sheet": "account", "row": 5, "column": "notes", "value": "=1+1"}),
        ("file", "bad_cell", {"sheet": "account_year", "row": 2, "column": "year", "value": "2024.5"}),
        ("file", "bad_cell", {"sheet": "revenue_line", "row": 2, "column": "line_date", "value": "31/12/2025"}),
    ]
    assert _dump(empty_engine) == before


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda book: book.remove(book["engagement_pairing"]),
            ("file", "missing_sheet", {"sheet": "engagement_pairing"}),
        ),
        (
            lambda book: book["stakeholder"].delete_cols(_column(book, "stakeholder", "reports_to_id")),
            ("file", "missing_column", {"sheet": "stakeholder", "column": "reports_to_id"}),
        ),
        (
            lambda book: book["kam"].cell(row=2, column=1, value="one"),
            ("file", "bad_cell", {"sheet": "kam", "row": 2, "column": "id", "value": "one"}),
        ),
        (
            lambda book: book["kam"].cell(row=1, column=2, value="id"),
            ("file", "duplicate_column", {"sheet": "kam", "column": "id"}),
        ),
    ],
    ids=["sheet", "column", "cell", "duplicate"],
)
def test_each_single_problem_is_named(demo_export, empty_engine, spoil, expected):
    before = _dump(empty_engine)
    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, spoil))
    assert expected in _codes(excinfo)
    assert _dump(empty_engine) == before


def test_a_hundred_cell_errors_are_listed_then_counted(demo_export, empty_engine):
    def spoil(book):
        column = _column(book, "score", "value")
        for row in range(2, 2 + 150):
            book["score"].cell(row=row, column=column, value="high")

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, spoil))
    codes = _codes(excinfo)
    assert len(codes) == workbook_module.MAX_CELL_ERRORS + 1
    assert codes[0] == ("file", "bad_cell", {"sheet": "score", "row": 2, "column": "value", "value": "high"})
    assert codes[-1] == ("file", "too_many_errors", {"count": 150})


def test_a_row_the_database_refuses_writes_nothing(demo_export, empty_engine):
    before = _dump(empty_engine)

    def spoil(book):
        book["score"].cell(row=2, column=_column(book, "score", "value"), value=11.0)  # scores are 0-10

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, spoil))
    [(field, code, params)] = _codes(excinfo)
    assert (field, code, params["sheet"]) == ("file", "rejected_by_database", "score")
    assert "ck_score_value" in params["reason"] or "CHECK" in params["reason"]
    assert _dump(empty_engine) == before  # the defaults deleted first are back


def test_another_schema_revision_is_refused(demo_export, empty_engine):
    def older(book):
        for row in book[ABOUT_SHEET].iter_rows():
            if row[0].value == "Schema revision":
                row[1].value = "0001"

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, older))
    assert _codes(excinfo) == [("file", "schema_mismatch", {"file": "0001", "database": db.head_revision()})]


def test_a_workbook_exported_before_an_index_only_revision_restores(demo_export, empty_engine):
    def before_the_index(book):
        for row in book[ABOUT_SHEET].iter_rows():
            if row[0].value == "Schema revision":
                row[1].value = "0004"  # 0005 added an index on revenue lines: same tables, same columns

    # from 0004 up to the head, revisions changed indexes only or only added tables (ADDED_TABLES): a
    # revision that changes a table or a column joins no such chain, and this workbook would be refused
    assert absent_tables("0004", db.head_revision()) == {
        table for _before, added in ADDED_TABLES.values() for table in added
    }
    restored = restore_workbook(empty_engine, _edit(demo_export, before_the_index))
    assert restored["account"] > 0 and restored["revenue_line"] > 0


def test_a_workbook_from_before_a_revision_that_added_tables_restores_them_empty(demo_export, empty_engine):
    # 0007 added the challenge sessions' tables: a workbook of 0006 has every other sheet, none of theirs
    added = ADDED_TABLES["0007"][1]

    def before_0007(book):
        for row in book[ABOUT_SHEET].iter_rows():
            if row[0].value == "Schema revision":
                row[1].value = "0006"
        for name in added:
            del book[name]

    restored = restore_workbook(empty_engine, _edit(demo_export, before_0007))
    assert restored["account"] > 0 and all(restored[name] == 0 for name in added)
    assert absent_tables("0007", "0006") is None  # a newer workbook never goes into an older database
    assert absent_tables("0006", "0006") == frozenset()

    def missing_other(book):  # any other sheet missing is still refused
        before_0007(book)
        del book["priority"]

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, missing_other))
    assert ("file", "missing_sheet", {"sheet": "priority"}) in _codes(excinfo)


def _tables_before(revision: str) -> list[Table]:
    """The tables as they were before ``revision``: without the tables and the columns it added (what the
    export of that time wrote), in the same order."""
    added_tables, added_columns, metadata = ADDED_TABLES[revision][1], ADDED_COLUMNS.get(revision, {}), MetaData()
    return [
        Table(
            table.name,
            metadata,
            *[
                Column(column.name, column.type, primary_key=column.primary_key, nullable=column.nullable)
                for column in table.columns
                if column.name not in added_columns.get(table.name, ())
            ],
        )
        for table in tables()
        if table.name not in added_tables
    ]


def test_a_workbook_exported_at_0008_restores_at_0009_as_the_migration_would(
    tmp_path, databases, empty_engine, monkeypatch
):
    # a real 0008 workbook: the demo's database taken down to 0008, exported with the tables of that time
    url = databases.demo(tmp_path)
    engine = db.make_engine(url)
    try:
        db.downgrade(engine, "0008")
        assert db.current_revision(engine) == "0008"
        before = _tables_before("0009")
        reflected = inspect(engine)
        in_database = {
            name: {column["name"] for column in reflected.get_columns(name)}
            for name in reflected.get_table_names()
            if name != "alembic_version"
        }
        assert {table.name: {column.name for column in table.columns} for table in before} == in_database
        with monkeypatch.context() as patched:
            patched.setattr(workbook_module, "tables", lambda: before)
            old = _export(engine)
        cells = _cells(old)
        assert ("Schema revision", "0008") in cells[ABOUT_SHEET]
        assert "revenue_ambition" not in cells and "start_year" not in cells["programme"][0]
        assert "programme_since" not in cells["account"][0] and "yearly_cost" not in cells["kam"][0]

        restored = restore_workbook(empty_engine, old)
        assert restored["account"] > 0 and restored["programme"] == 1
        assert all(restored[name] == 0 for name in ADDED_TABLES["0009"][1])
        # the same database as the 0008 one migrated to 0009: every new column at the migration's default
        db.migrate(engine)
        assert _dump(empty_engine) == _dump(engine)
        with empty_engine.connect() as connection:
            programme = connection.execute(select(Programme.__table__)).mappings().one()
        assert programme["start_year"] is None and programme["horizon_years"] == 5
        assert programme["meeting_hours"] == Programme.model_fields["meeting_hours"].default
    finally:
        engine.dispose()
        databases.drop(url)
    assert absent_columns("0008", "0009") == {t: frozenset(c) for t, c in ADDED_COLUMNS["0009"].items()}
    assert absent_columns("0009", "0009") == {} and absent_columns("0009", "0008") is None
    assert column_default(Programme.__table__.c.kam_share_pct) == 80.0


def test_a_0008_workbook_missing_another_column_is_still_refused(demo_export, empty_engine):
    def before_0009_but_no_name(book):
        for row in book[ABOUT_SHEET].iter_rows():
            if row[0].value == "Schema revision":
                row[1].value = "0008"
        for name in ADDED_TABLES["0009"][1]:
            del book[name]
        for sheet, columns in ADDED_COLUMNS["0009"].items():
            for column in sorted((_column(book, sheet, name) for name in columns), reverse=True):
                book[sheet].delete_cols(column)
        book["kam"].delete_cols(_column(book, "kam", "region"))  # 0008 had it

    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, _edit(demo_export, before_0009_but_no_name))
    assert _codes(excinfo) == [("file", "missing_column", {"sheet": "kam", "column": "region"})]


def test_a_workbook_from_before_0006_with_a_rank_twice_restores_renumbered(demo_export, empty_engine):
    # 0006 holds a priority's rank once per account; a workbook of an older database may hold one twice
    def rank_twice(book):
        for row in book[ABOUT_SHEET].iter_rows():
            if row[0].value == "Schema revision":
                row[1].value = "0005"
        sheet = book["priority"]
        account, rank, ident = (_column(book, "priority", name) for name in ("account_id", "rank", "id"))
        first = sheet.cell(row=2, column=account).value
        rows = [row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=account).value == first]
        assert len(rows) >= 3
        sheet.cell(row=rows[2], column=rank, value=sheet.cell(row=rows[0], column=rank).value)  # third = first's
        return first, {sheet.cell(row=row, column=ident).value: sheet.cell(row=row, column=rank).value for row in rows}

    changed = {}
    restored = restore_workbook(empty_engine, _edit(demo_export, lambda book: changed.update(ids=rank_twice(book))))
    assert restored["priority"] > 0
    account, typed = changed["ids"]
    with empty_engine.connect() as connection:
        query = text("SELECT id, rank FROM priority WHERE account_id = :account")
        ranks = dict(connection.execute(query, {"account": account}).all())
    # renumbered 1..n by rank, then id, as migration 0006 does
    assert sorted(ranks, key=ranks.get) == sorted(typed, key=lambda identifier: (typed[identifier], identifier))
    assert sorted(ranks.values()) == list(range(1, len(typed) + 1))


def test_a_workbook_not_made_here_is_refused(empty_engine):
    other = Workbook()
    other.active.append(["name", "revenue"])
    other.active.append(["Acme", 1000])
    buffer = io.BytesIO()
    other.save(buffer)
    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, buffer.getvalue())
    assert _codes(excinfo) == [("file", "not_our_workbook", {})]

    other.active.title = ABOUT_SHEET  # an "About" sheet that is not ours
    buffer = io.BytesIO()
    other.save(buffer)
    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, buffer.getvalue())
    assert _codes(excinfo) == [("file", "not_our_workbook", {})]


def _damaged(data: bytes) -> bytes:
    """The workbook with one sheet's XML replaced by garbage."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            damaged = item.filename == "xl/worksheets/sheet3.xml"
            target.writestr(item, b"<worksheet><oops" if damaged else source.read(item))
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["text", "empty", "zip", "truncated", "damaged"])
def test_bytes_that_are_no_workbook_are_refused(demo_export, empty_engine, kind):
    if kind == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        data = buffer.getvalue()
    elif kind == "truncated":
        data = demo_export[: len(demo_export) // 2]
    elif kind == "damaged":
        data = _damaged(demo_export)
    else:
        data = b"" if kind == "empty" else b"name;revenue\nAcme;1000\n"
    before = _dump(empty_engine)
    with pytest.raises(ValidationError) as excinfo:
        restore_workbook(empty_engine, data)
    assert excinfo.value.errors == [FieldError("file", "not_a_workbook")]
    assert _dump(empty_engine) == before


# --- ids after a restore ------------------------------------------------------------------------


def test_new_rows_after_a_restore_get_the_next_ids(demo_export, demo_engine, empty_engine):
    """PostgreSQL's id sequences go on after the restored ids (SQLite takes the largest id + 1)."""
    restore_workbook(empty_engine, demo_export)
    assert _dump(empty_engine) == _dump(demo_engine)
    with db.session_scope(empty_engine) as session:
        kam = Kam(name="New KAM", email="new.kam@example.com")
        session.add(kam)
        session.flush()
        assert kam.id == 1 + session.execute(select(func.max(Kam.id)).where(Kam.id != kam.id)).scalar_one()
