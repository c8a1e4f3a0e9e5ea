"""The programme's business case inputs (kam_core.programme.business_case): each refusal names the
field and what it allows, a save after someone else's is refused, a save is whole or nothing, and the
ambitions are inserted, updated and deleted in one transaction; on the tests' backend (SQLite, and
PostgreSQL with KAM_TEST_BACKEND=postgres). Each test starts from the demo portfolio with its business
case taken back to a new programme's (``tests.programme_case``): no start year, the inputs at their
defaults, no ambition, no KAM's own cost."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlmodel import Session

from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.governance import access
from kam_core.i18n import translate
from kam_core.portfolio.overview import account_table
from kam_core.programme import business_case as case
from kam_core.programme import membership
from kam_core.programme.settings import save_programme_fields
from kam_core.store import db
from kam_core.store.models import (
    DEFAULT_MEETING_HOURS,
    Account,
    AuditEntry,
    Kam,
    Programme,
    ProgrammeTarget,
    RevenueAmbition,
    TargetActual,
)
from tests.conftest import TODAY
from tests.programme_case import CASE_FIELDS, clear_business_case

YEARS = case.ambition_years(TODAY)


@pytest.fixture
def engine(demo_engine):
    """The demo portfolio with a new programme's business case (the demo's own is cleared)."""
    clear_business_case(demo_engine)
    return demo_engine


def _case(engine) -> case.BusinessCase:
    with Session(engine) as session:
        return case.read_business_case(session)


def _refused(call) -> list[tuple[str, str, dict]]:
    with pytest.raises(ValidationError) as refused:
        call()
    return [(error.field, error.code, error.params) for error in refused.value.errors]


# --- the programme's own inputs ---------------------------------------------------------------------


def test_the_demo_cleared_holds_a_new_programmes_business_case(engine, empty_url):
    """The tests' starting point (tests/programme_case.py) is what a new programme holds: every business
    case column of the programme as in a new database, and none of the demo's case rows left."""
    settings = {"id", "version", "created_at", "updated_at", "name", "currency", "current_period"}
    settings |= {"attractiveness_threshold", "strength_threshold", "strategic_capacity", "accounts_per_kam"}
    assert set(Programme.model_fields) - settings == set(CASE_FIELDS)  # a new column is cleared too

    def case_of(target) -> dict:
        with Session(target) as session:
            programme = session.get(Programme, 1)
            return {name: getattr(programme, name) for name in CASE_FIELDS}

    assert case_of(engine) == case_of(db.get_engine(empty_url))
    with Session(engine) as session:
        for table in (RevenueAmbition, ProgrammeTarget, TargetActual):
            assert session.scalars(select(table)).all() == [], table.__tablename__
        assert session.scalars(select(Account).where(Account.programme_since.is_not(None))).all() == []
        assert session.scalars(select(Kam).where(Kam.yearly_cost.is_not(None))).all() == []
        assert session.scalars(select(Kam).where(Kam.programme_share_pct.is_not(None))).all() == []


def test_the_defaults_read_back_with_every_kind_of_meeting(engine):
    inputs = _case(engine)
    assert inputs.start_year is None and inputs.horizon_years == 5
    assert inputs.meeting_hours == {kind: float(hours) for kind, hours in json.loads(DEFAULT_MEETING_HOURS).items()}
    assert list(inputs.meeting_hours) == ["meeting", "visit", "call", "event", "qbr"]  # ENGAGEMENT_KINDS' order


def test_a_save_writes_the_values_given_and_nothing_else(engine):
    before = _case(engine)
    hours = {**before.meeting_hours, "visit": 12.5}
    saved = case.save_business_case(
        engine,
        {"start_year": 2024, "organic_growth_pct": "2,5", "meeting_hours": hours, "tools_cost": 45000},
        before.version,
    )
    assert saved["version"] == before.version + 1 and saved["meeting_hours"]["visit"] == 12.5
    after = _case(engine)
    assert (after.start_year, after.organic_growth_pct, after.tools_cost) == (2024, 2.5, 45000.0)
    assert after.meeting_hours == hours
    assert (after.horizon_years, after.default_margin_pct, after.training_cost) == (
        before.horizon_years,
        before.default_margin_pct,
        before.training_cost,
    )
    case.save_business_case(engine, {"start_year": None}, after.version)  # the start may be unset again
    assert _case(engine).start_year is None


@pytest.mark.parametrize(
    ("field", "typed", "code", "allowed"),
    [
        ("start_year", 1989, "integer_range", (1990, 2100)),
        ("start_year", 2024.5, "integer_range", (1990, 2100)),
        ("horizon_years", 2, "integer_range", (3, 10)),
        ("horizon_years", 11, "integer_range", (3, 10)),
        ("organic_growth_pct", -50.5, "number_range", (-50, 100)),
        ("organic_growth_pct", "fast", "number_range", (-50, 100)),
        ("default_margin_pct", 101, "number_range", (-100, 100)),
        ("kam_yearly_cost", -1, "number_range", (0, case.COST_MAX)),
        ("kam_share_pct", 100.5, "number_range", (0, 100)),
        ("executive_hour_cost", -10, "number_range", (0, case.HOUR_COST_MAX)),
        ("tools_cost", case.COST_MAX + 1, "number_range", (0, case.COST_MAX)),
        ("training_cost", float("inf"), "number_range", (0, case.COST_MAX)),
        ("events_cost", -0.01, "number_range", (0, case.COST_MAX)),
    ],
)
def test_a_value_out_of_its_range_is_refused_naming_the_field_what_was_typed_and_what_is_allowed(
    engine, field, typed, code, allowed
):
    before = _case(engine)
    errors = _refused(lambda: case.save_business_case(engine, {field: typed}, before.version))
    assert [(name, found) for name, found, _ in errors] == [(field, code)]
    params = errors[0][2]
    assert (params["min"], params["max"]) == allowed
    shown = params["value"]
    assert shown == typed
    message = translate(f"error.{code}", "en", **params)
    assert str(allowed[0]) in message and str(allowed[1]) in message
    assert translate(f"inputs.field.{field}", "en") != f"inputs.field.{field}"  # the page names the field
    assert _case(engine) == before


def test_a_required_input_left_empty_is_refused(engine):
    before = _case(engine)
    errors = _refused(lambda: case.save_business_case(engine, {"horizon_years": None}, before.version))
    assert errors == [("horizon_years", "required", {"value": None})]


def test_meeting_hours_name_the_kind_refused_and_every_kind_is_needed(engine):
    before = _case(engine)
    hours = {**before.meeting_hours, "visit": -1, "dinner": 3}
    del hours["call"]
    errors = _refused(
        lambda: case.save_business_case(engine, {"meeting_hours": hours, "tools_cost": 1}, before.version)
    )
    assert [(field, code) for field, code, _ in errors] == [
        ("meeting_hours", "choice"),
        ("meeting_hours.visit", "number_range"),
        ("meeting_hours.call", "required"),
    ]
    assert errors[0][2]["value"] == "dinner" and errors[1][2]["max"] == case.HOURS_MAX
    assert _case(engine) == before  # the good value given with them is not saved either


def test_every_error_of_a_save_is_reported_at_once_and_nothing_is_written(engine):
    before = _case(engine)
    errors = _refused(
        lambda: case.save_business_case(
            engine, {"start_year": 2024, "horizon_years": 1, "kam_share_pct": 120}, before.version
        )
    )
    assert [field for field, _, _ in errors] == ["horizon_years", "kam_share_pct"]
    assert _case(engine) == before


def test_an_input_the_business_case_does_not_have_is_a_programming_error(engine):
    with pytest.raises(ValueError, match="name"):
        case.save_business_case(engine, {"name": "Other"}, _case(engine).version)


def test_a_save_after_someone_elses_is_refused_and_theirs_kept(engine):
    read = _case(engine)
    case.save_business_case(engine, {"organic_growth_pct": 4}, read.version)  # a colleague
    with pytest.raises(ConflictError):
        case.save_business_case(engine, {"organic_growth_pct": 6}, read.version)
    assert _case(engine).organic_growth_pct == 4
    # another page's save of another part of the programme row moves the version on too
    now = _case(engine)
    save_programme_fields(engine, {"ambition": "Grow with our key accounts"}, now.version, lambda _: [])
    with pytest.raises(ConflictError):
        case.save_business_case(engine, {"organic_growth_pct": 6}, now.version)


def test_a_save_is_audited_with_the_old_and_new_values(engine):
    read = _case(engine)
    case.save_business_case(engine, {"default_margin_pct": 30}, read.version)
    with Session(engine) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "programme").order_by(AuditEntry.id.desc())
        ).first()
    assert json.loads(entry.changes)["default_margin_pct"] == [25.0, 30.0]


def test_the_programme_inputs_need_an_admin(engine):
    read = _case(engine)
    with (
        access.acting_as(access.Actor("editor@example.com", "editor", signed_in=True)),
        pytest.raises(PermissionDenied),
    ):
        case.save_business_case(engine, {"default_margin_pct": 30}, read.version)
    assert _case(engine) == read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, {}),
        ("not json", {}),
        ("[1, 2]", {}),
        ('{"visit": 2, "call": "long", "qbr": -3, "dinner": 9}', {"visit": 2.0}),
    ],
)
def test_stored_meeting_hours_read_whatever_the_text_holds(text, expected):
    defaults = {kind: float(hours) for kind, hours in json.loads(DEFAULT_MEETING_HOURS).items()}
    assert case.meeting_hours(text) == {
        kind: expected.get(kind, defaults[kind]) for kind in ("meeting", "visit", "call", "event", "qbr")
    }


# --- per KAM -----------------------------------------------------------------------------------------


def _kams(engine) -> list[dict]:
    with Session(engine) as session:
        return case.kam_costs(session).to_dict("records")


def _kam(engine, kam_id: int) -> Kam:
    with Session(engine) as session:
        return session.get(Kam, kam_id)


def test_a_kams_own_cost_and_share_are_saved_and_emptied(engine):
    rows = _kams(engine)
    assert rows and all(row["yearly_cost"] is None and row["programme_share_pct"] is None for row in rows)
    rows[0] |= {"yearly_cost": "182000", "programme_share_pct": "62,5"}
    assert case.save_kam_costs(engine, rows) == 1
    first = _kam(engine, rows[0]["id"])
    assert (first.yearly_cost, first.programme_share_pct) == (182000.0, 62.5)
    assert _kam(engine, rows[1]["id"]).version == rows[1]["version"]  # unchanged: not written
    again = _kams(engine)
    again[0] |= {"yearly_cost": None, "programme_share_pct": ""}
    assert case.save_kam_costs(engine, again) == 1
    first = _kam(engine, rows[0]["id"])
    assert (first.yearly_cost, first.programme_share_pct) == (None, None)


def test_bad_kam_cells_are_all_named_with_their_row_and_nothing_is_saved(engine):
    rows = _kams(engine)
    rows[0] |= {"yearly_cost": 90000}
    rows[1] |= {"yearly_cost": -5, "programme_share_pct": "half"}
    errors = _refused(lambda: case.save_kam_costs(engine, rows))
    assert [(field, code, params["row"]) for field, code, params in errors] == [
        ("yearly_cost", "number_range", 2),
        ("programme_share_pct", "number_range", 2),
    ]
    assert errors[1][2]["value"] == "half" and (errors[1][2]["min"], errors[1][2]["max"]) == (0, 100)
    assert _kam(engine, rows[0]["id"]).yearly_cost is None


def test_a_kam_saved_by_someone_else_since_the_read_is_a_conflict_and_nothing_is_saved(engine):
    rows = _kams(engine)
    colleague = [dict(row) for row in rows]
    colleague[1] |= {"programme_share_pct": 50}
    case.save_kam_costs(engine, colleague)
    rows[0] |= {"yearly_cost": 120000}
    rows[1] |= {"programme_share_pct": 70}
    with pytest.raises(ConflictError) as conflict:
        case.save_kam_costs(engine, rows)
    assert (conflict.value.table, conflict.value.record_id) == ("kam", rows[1]["id"])
    assert _kam(engine, rows[0]["id"]).yearly_cost is None  # the first row, valid, was not saved either
    assert _kam(engine, rows[1]["id"]).programme_share_pct == 50
    rows[1] |= {"programme_share_pct": 50}  # the same value as theirs: nothing to replace, no conflict
    assert case.save_kam_costs(engine, rows) == 1


def test_the_kams_listed_are_the_active_ones_and_those_owning_a_programme_account(engine):
    with Session(engine) as session:
        owner = session.scalars(select(Account).where(Account.kam_id.is_not(None))).first()
        listed = case.kam_costs(session, [owner.id])
    assert listed.loc[listed["id"] == owner.kam_id, "accounts"].item() == 1
    assert listed["active"].all()
    with Session(engine) as session:  # made inactive, the KAM stays listed while they own one
        kam = session.get(Kam, owner.kam_id)
        kam.active = False
        session.commit()
        assert owner.kam_id in set(case.kam_costs(session, [owner.id])["id"])
        assert owner.kam_id not in set(case.kam_costs(session, [])["id"])


# --- per account in the programme -----------------------------------------------------------------


def _members(engine):
    with Session(engine) as session:
        table = membership.with_programme_since(session, account_table(session, TODAY))
    return membership.programme_accounts(table, None)


def _accounts(engine) -> list[dict]:
    with Session(engine) as session:
        return case.account_inputs(session, _members(engine), YEARS).to_dict("records")


def _ambitions(engine, account_id: int) -> dict[int, float]:
    with Session(engine) as session:
        rows = session.scalars(select(RevenueAmbition).where(RevenueAmbition.account_id == account_id)).all()
        return {row.year: row.amount for row in rows}


def _account(engine, account_id: int) -> Account:
    with Session(engine) as session:
        return session.get(Account, account_id)


def test_a_programme_with_no_account_yet_has_an_empty_accounts_table_with_its_columns(empty_url):
    # regression: the filter of the accounts gone meanwhile was a list, and an empty list selects no column
    with Session(db.get_engine(empty_url)) as session:
        members = membership.programme_accounts(
            membership.with_programme_since(session, account_table(session, TODAY)), None
        )
        table = case.account_inputs(session, members, YEARS)
    assert table.empty
    assert {"account_id", "name", "version", "programme_since", "margin_pct", "ambition_2026"} <= set(table.columns)


def test_the_accounts_table_holds_the_programmes_accounts_with_their_inputs(engine):
    members = _members(engine)
    rows = _accounts(engine)
    assert sorted(row["account_id"] for row in rows) == sorted(members["account_id"])
    assert [row["name"] for row in rows] == sorted(row["name"] for row in rows)
    assert {f"ambition_{year}" for year in YEARS} <= set(rows[0]) and YEARS == (2026, 2027, 2028)


def test_entry_year_margin_and_ambitions_are_inserted_updated_and_deleted_in_one_save(engine):
    rows = _accounts(engine)
    first, second = rows[0], rows[1]
    first |= {"programme_since": 2025, "margin_pct": "18,5", "ambition_2026": 1_200_000, "ambition_2027": "1300000"}
    assert case.save_account_inputs(engine, rows, YEARS) == 3  # the account, two ambitions
    account = _account(engine, first["account_id"])
    assert (account.programme_since, account.margin_pct) == (2025, 18.5)
    assert account.version == first["version"] + 1
    assert _ambitions(engine, first["account_id"]) == {2026: 1_200_000.0, 2027: 1_300_000.0}
    assert _account(engine, second["account_id"]).version == second["version"]  # unchanged: not written

    rows = _accounts(engine)
    rows[0] |= {"ambition_2026": None, "ambition_2027": 1_400_000, "ambition_2028": 1_500_000}
    assert case.save_account_inputs(engine, rows, YEARS) == 3
    assert _ambitions(engine, first["account_id"]) == {2027: 1_400_000.0, 2028: 1_500_000.0}
    assert _account(engine, first["account_id"]).version == first["version"] + 1  # its own cells unchanged


def test_bad_account_cells_are_all_named_with_their_row_and_nothing_is_saved(engine):
    rows = _accounts(engine)
    rows[0] |= {"ambition_2026": 1_000_000}  # valid, and not saved
    rows[2] |= {"programme_since": 1989, "margin_pct": 150, "ambition_2027": -1, "ambition_2028": "a lot"}
    errors = _refused(lambda: case.save_account_inputs(engine, rows, YEARS))
    assert [(field, code, params["row"]) for field, code, params in errors] == [
        ("programme_since", "integer_range", 3),
        ("margin_pct", "number_range", 3),
        ("ambition_2027", "number_range", 3),
        ("ambition_2028", "number_range", 3),
    ]
    assert (errors[0][2]["min"], errors[0][2]["max"], errors[0][2]["value"]) == (1990, 2100, 1989)
    assert _ambitions(engine, rows[0]["account_id"]) == {}


def test_an_ambition_saved_by_someone_else_since_the_read_is_a_conflict_and_nothing_is_saved(engine):
    rows = _accounts(engine)
    colleague = [dict(row) for row in rows]
    colleague[1] |= {"ambition_2027": 900_000}
    case.save_account_inputs(engine, colleague, YEARS)  # added since my read
    rows[0] |= {"margin_pct": 20}
    rows[1] |= {"ambition_2027": 950_000}
    with pytest.raises(ConflictError):
        case.save_account_inputs(engine, rows, YEARS)
    assert _account(engine, rows[0]["account_id"]).margin_pct != 20  # the first row rolled back with it
    assert _ambitions(engine, rows[1]["account_id"]) == {2027: 900_000.0}

    rows = _accounts(engine)
    colleague = [dict(row) for row in rows]
    colleague[1] |= {"ambition_2027": None}  # deleted since my read
    case.save_account_inputs(engine, colleague, YEARS)
    rows[1] |= {"ambition_2027": 990_000}
    with pytest.raises(ConflictError):
        case.save_account_inputs(engine, rows, YEARS)
    assert _ambitions(engine, rows[1]["account_id"]) == {}


def test_an_account_saved_elsewhere_since_the_read_is_a_conflict_unless_its_inputs_are_unchanged(engine):
    rows = _accounts(engine)
    with Session(engine) as session:  # the account's record page saves its notes meanwhile
        account = session.get(Account, rows[0]["account_id"])
        account.notes = "Changed on the record page"
        session.commit()
    rows[0] |= {"ambition_2026": 2_000_000}  # its ambition: no conflict with the record's save
    assert case.save_account_inputs(engine, rows, YEARS) == 1
    rows[0] |= {"margin_pct": 12}  # its margin: the account itself, read at an older version
    with pytest.raises(ConflictError) as conflict:
        case.save_account_inputs(engine, rows, YEARS)
    assert (conflict.value.table, conflict.value.record_id) == ("account", rows[0]["account_id"])


def test_an_account_gone_since_the_read_is_a_conflict(engine):
    rows = _accounts(engine)
    rows[0] |= {"account_id": 10**6}
    with pytest.raises(ConflictError):
        case.save_account_inputs(engine, rows, YEARS)


def test_a_viewer_changes_no_account_input(engine):
    rows = _accounts(engine)
    rows[0] |= {"ambition_2026": 1}
    with (
        access.acting_as(access.Actor("viewer@example.com", "viewer", signed_in=True)),
        pytest.raises(PermissionDenied),
    ):
        case.save_account_inputs(engine, rows, YEARS)
    assert _ambitions(engine, rows[0]["account_id"]) == {}


def test_an_account_entered_by_hand_joins_the_programme_and_leaves_it_when_its_year_is_emptied(engine):
    members = _members(engine)
    with Session(engine) as session:
        outside = session.scalars(
            select(Account).where(
                Account.status == "active", Account.id.not_in([int(i) for i in members["account_id"]])
            )
        ).first()
    errors = _refused(lambda: case.enter_programme(engine, outside.id, 1800))
    assert errors == [("programme_since", "integer_range", {"value": 1800, "min": 1990, "max": 2100})]
    case.enter_programme(engine, outside.id, 2025)
    rows = _accounts(engine)
    row = next(row for row in rows if row["account_id"] == outside.id)
    assert row["programme_since"] == 2025 and row["segment"] != "strategic"
    with pytest.raises(ConflictError):  # entered already (by someone else, in another tab)
        case.enter_programme(engine, outside.id, 2026)
    row |= {"programme_since": None}
    assert case.save_account_inputs(engine, rows, YEARS) == 1
    assert outside.id not in set(_members(engine)["account_id"])


def test_an_archived_account_is_not_entered(engine):
    with Session(engine) as session:
        account = session.scalars(select(Account)).first()
        account.status = "archived"
        session.commit()
        account_id = account.id
    with pytest.raises(ConflictError):
        case.enter_programme(engine, account_id, 2025)
    assert _account(engine, account_id).programme_since is None
