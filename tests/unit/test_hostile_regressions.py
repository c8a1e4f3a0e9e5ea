"""One test per bug the hostile-input properties (tests/unit/test_hostile_*.py) found, each naming
the input that broke the service before its fix."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from kam_core.account import accounts, sections
from kam_core.common.cells import INTEGER_MAX
from kam_core.common.errors import FieldError, ValidationError
from kam_core.store.models import Account
from tests.conftest import TODAY
from tests.unit.hostile import ACCOUNT


def _codes(error: ValidationError) -> list[tuple[str, str]]:
    return [(problem.field, problem.code) for problem in error.errors]


def test_a_reference_beyond_the_integer_columns_is_an_unknown_choice_not_an_overflow(small_engine):
    # 10**30 as a parent id raised OverflowError ("Python int too large to convert to SQLite INTEGER")
    with pytest.raises(ValidationError) as refused:
        accounts.create_account(
            small_engine, {"name": "Initech", "sector": "IT", "status": "active", "parent_id": 10**30}
        )
    assert _codes(refused.value) == [("parent_id", "unknown_ref")]


def test_a_rank_beyond_the_integer_columns_is_refused_with_its_range(small_engine):
    # a priority ranked 10**30 (or 2**63) reached the database and overflowed
    for rank in (10**30, 2**63, "99999999999999999999"):
        with pytest.raises(ValidationError) as refused:
            sections.save_section(
                small_engine, "priorities", ACCOUNT, [{"rank": rank, "title": "Grow more"}], today=TODAY
            )
        assert refused.value.errors == [
            FieldError("rank", "integer_range", {"row": 1, "value": rank, "min": 1, "max": INTEGER_MAX})
        ]


@pytest.mark.parametrize("period", [2026, None, "2026-Q4\n", "٢٠٢٦-Q4", " 2026-Q4"])
def test_only_an_exact_period_code_is_a_period(small_engine, period):
    # start_period(2026) raised TypeError; "2026-Q4\n" passed the check and broke the database's
    # CHECK on the programme's period (an IntegrityError, not a message)
    from kam_core.portfolio import scoring
    from kam_core.programme import settings
    from kam_core.programme.periods import is_period

    assert not is_period(period)
    with pytest.raises(ValidationError) as refused:
        scoring.start_period(small_engine, period if period is not None else 7, None)
    assert _codes(refused.value) == [("period", "period_format")]
    with Session(small_engine) as session:
        current = settings.read_settings(session)
    with pytest.raises(ValidationError) as refused:
        settings.save_settings(small_engine, {**settings.as_dict(current), "current_period": period}, current.version)
    assert _codes(refused.value) == [("current_period", "period_format")]


@pytest.mark.parametrize("executive", ["", "abc", True, 10**30, TODAY, 1.5, float("nan")])
def test_a_sponsor_that_is_no_executive_id_is_an_unknown_choice(small_engine, executive):
    # set_sponsor(... "abc" / 10**30 / a date / True) raised ValueError, OverflowError, TypeError
    # or SQLAlchemy's ArgumentError; "" and NaN mean nobody, as None does
    from kam_core.account import engagement

    with Session(small_engine) as session:
        version = session.get(Account, ACCOUNT).version
    if executive == "" or executive != executive:
        engagement.set_sponsor(small_engine, ACCOUNT, executive, version)
        with Session(small_engine) as session:
            assert session.get(Account, ACCOUNT).sponsor_id is None
        return
    with pytest.raises(ValidationError) as refused:
        engagement.set_sponsor(small_engine, ACCOUNT, executive, version)
    assert _codes(refused.value) == [("sponsor_id", "unknown_ref")]


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("name", None, "text_length"),
        ("name", 42, "text_length"),
        ("currency", None, "currency_code"),
        ("currency", "ÉÉÉ", "currency_code"),
    ],
)
def test_programme_settings_refuse_a_name_or_currency_that_is_no_text(small_engine, field, value, code):
    # a name of None raised AttributeError ('NoneType' object has no attribute 'strip'); "ÉÉÉ" was
    # taken for a currency code (upper-case letters, but no ISO code)
    from kam_core.programme import settings

    with Session(small_engine) as session:
        current = settings.read_settings(session)
    with pytest.raises(ValidationError) as refused:
        settings.save_settings(small_engine, {**settings.as_dict(current), field: value}, current.version)
    assert _codes(refused.value) == [(field, code)]


def test_an_integer_too_large_for_a_float_is_refused_everywhere_a_number_is_typed(small_engine):
    # 10**400 raised OverflowError ("int too large to convert to float") in the shared normaliser,
    # the account form, the criteria weights and the score parser
    from kam_core.portfolio import scoring

    huge = 10**400
    with pytest.raises(ValidationError) as refused:
        sections.save_key_figures(small_engine, ACCOUNT, huge, None, 1)
    assert _codes(refused.value) == [("potential_3y", "number_range")]
    with pytest.raises(ValidationError) as refused:
        accounts.create_account(
            small_engine, {"name": "Initech", "sector": "IT", "status": "active", "margin_pct": huge}
        )
    assert _codes(refused.value) == [("margin_pct", "number_format")]
    assert not scoring._is_number(huge)
    with pytest.raises(ValueError):
        scoring.parse_score(huge)
    with pytest.raises(ValidationError) as refused:
        sections.save_section(
            small_engine, "stakeholders", ACCOUNT, [{"name": "Sam", "role": "user", "influence": huge}], today=TODAY
        )
    assert _codes(refused.value) == [("influence", "integer_range")]


def test_starting_a_period_needs_a_period(small_engine):
    # start_period(None) reached the database as "period = NULL" (SQLAlchemy ArgumentError)
    from kam_core.portfolio import scoring

    with pytest.raises(ValidationError) as refused:
        scoring.start_period(small_engine, None)
    assert _codes(refused.value) == [("period", "period_format")]


@pytest.mark.parametrize("name", ["\x00Initech", "Initech\x00", "Ini\x00tech"])
def test_a_nul_character_in_text_is_refused_with_its_own_message(small_engine, name):
    # "\x00Initech" reached the database, whose length(trim(name)) stops at the NUL: the CHECK on
    # a blank name failed and the user read "someone else saved" (ConflictError)
    with pytest.raises(ValidationError) as refused:
        accounts.create_account(small_engine, {"name": name, "sector": "IT", "status": "active"})
    assert _codes(refused.value) == [("name", "text_nul")]
    with pytest.raises(ValidationError) as refused:
        sections.save_section(small_engine, "stakeholders", ACCOUNT, [{"name": name, "role": "user"}], today=TODAY)
    assert _codes(refused.value) == [("name", "text_nul")]


def test_utf16_text_holding_nul_characters_is_not_text():
    from kam_core.exchange.importing import ImportFileError, read_table

    with pytest.raises(ImportFileError) as refused:
        read_table("Name,Industry\r\nAc\x00me,IT\r\n".encode("utf-16"), "accounts.csv")
    assert refused.value.code == "not_text"


@pytest.mark.parametrize("cell", [10**30, "99999999999999999999", "1e400", "inf", "nan"])
def test_a_restored_workbook_refuses_numbers_no_column_holds(small_engine, empty_url, cell):
    # a whole number of 10**30 in the workbook's rank column raised OverflowError (sqlite3), and
    # "1e400" or "inf" in a figure reached the database as infinity
    import io

    from openpyxl import load_workbook

    from kam_core.exchange import workbook
    from kam_core.store import db

    with Session(small_engine) as session:
        data = workbook.export_workbook(session)
    book = load_workbook(io.BytesIO(data))
    sheet = (
        book["priority"]
        if "priority" in book.sheetnames
        else book[workbook.sheet_name(next(table for table in workbook.tables() if table.name == "priority"))]
    )
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("rank" if isinstance(cell, int) or cell.isdigit() else "id") + 1
    if not (isinstance(cell, int) or cell.isdigit()):
        sheet = book[workbook.sheet_name(next(table for table in workbook.tables() if table.name == "joint_objective"))]
        headers = [value.value for value in sheet[1]]
        column = headers.index("target") + 1
    sheet.cell(row=2, column=column).value = cell
    buffer = io.BytesIO()
    book.save(buffer)
    target = db.get_engine(empty_url)
    with pytest.raises(ValidationError) as refused:
        workbook.restore_workbook(target, buffer.getvalue())
    assert {problem.field for problem in refused.value.errors} == {"file"}


def test_a_nul_character_is_refused_in_criteria_scores_and_settings(small_engine):
    # criteria, score rationales and the programme's name took "\x00" as typed (PostgreSQL refuses it)
    from dataclasses import replace

    from kam_core.portfolio import scoring
    from kam_core.programme import settings

    with Session(small_engine) as session:
        criteria = scoring.list_criteria(session, "attractiveness")
        current = settings.read_settings(session)
    with pytest.raises(ValidationError) as refused:
        scoring.save_criteria(small_engine, "attractiveness", [replace(criteria[0], name="Size\x00"), *criteria[1:]])
    assert _codes(refused.value) == [("criterion_name", "text_nul")]
    with pytest.raises(ValidationError) as refused:
        scoring.save_criteria(
            small_engine, "attractiveness", [replace(criteria[0], description="a\x00b"), *criteria[1:]]
        )
    assert _codes(refused.value) == [("criterion_description", "text_nul")]
    with pytest.raises(ValidationError) as refused:
        scoring.save_scores(small_engine, "2026-Q4", [scoring.ScoreEdit(ACCOUNT, criteria[0].id, 5, "why\x00")])
    assert _codes(refused.value) == [("rationale", "text_nul")]
    with pytest.raises(ValidationError) as refused:
        settings.save_settings(small_engine, {**settings.as_dict(current), "name": "KAM\x00"}, current.version)
    assert _codes(refused.value) == [("name", "text_nul")]


def test_pandas_na_as_a_status_or_a_stage_is_refused(small_engine):
    # set_status(pd.NA) and move_stage(pd.NA) raised TypeError ("boolean value of NA is ambiguous")
    import pandas as pd

    from kam_core.account import handshake

    with Session(small_engine) as session:
        version = session.get(Account, ACCOUNT).version
        stage_version = handshake.read_handshake(session, ACCOUNT).version
    with pytest.raises(ValidationError) as refused:
        accounts.set_status(small_engine, ACCOUNT, pd.NA, version)
    assert refused.value.errors == [
        FieldError("status", "choice", {"value": None, "choices": ["prospect", "active", "archived"]})
    ]
    with pytest.raises(ValidationError) as refused:
        handshake.move_stage(small_engine, ACCOUNT, pd.NA, TODAY, stage_version, today=TODAY)
    assert _codes(refused.value) == [("stage", "choice")]


@pytest.mark.parametrize("unit_id", [0, -7])
def test_a_restored_id_below_one_still_leaves_the_next_id_free(small_engine, empty_url, unit_id):
    # a workbook whose only customer unit had id 0 failed on PostgreSQL after its rows were in:
    # "setval: value 0 is out of bounds" (the sequence was set to the largest id, 0)
    import io

    from openpyxl import load_workbook
    from sqlalchemy import select

    from kam_core.exchange import workbook
    from kam_core.store import db
    from kam_core.store.models import CustomerUnit

    with Session(small_engine) as session:
        data = workbook.export_workbook(session)
    book = load_workbook(io.BytesIO(data))
    units = book[workbook.sheet_name(CustomerUnit.__table__)]
    units.delete_rows(3, units.max_row)  # one unit left, and nothing in the white space refers to it
    cells = book[workbook.sheet_name(next(t for t in workbook.tables() if t.name == "white_space_cell"))]
    cells.delete_rows(2, cells.max_row)
    units.cell(row=2, column=[cell.value for cell in units[1]].index("id") + 1).value = unit_id
    buffer = io.BytesIO()
    book.save(buffer)
    target = db.get_engine(empty_url)
    workbook.restore_workbook(target, buffer.getvalue())
    with Session(target) as session:
        session.add(CustomerUnit(account_id=ACCOUNT, name="A unit added after the restore", kind="site"))
        session.commit()
        ids = sorted(session.scalars(select(CustomerUnit.id)).all())
    assert len(ids) == 2 and ids[0] == unit_id  # SQLite goes on from the largest id, PostgreSQL from 1
