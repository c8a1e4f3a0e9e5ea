"""Accounts themselves: create, edit, archive, restore, delete; every rule refused by name."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest
from sqlalchemy import event, func, select, text, update
from sqlmodel import Session

from kam_core.account.accounts import (
    DELETION_KINDS,
    FIELDS,
    AccountRecord,
    blank_values,
    create_account,
    delete_account,
    deletion_impact,
    group_names,
    kam_choices,
    load_account,
    parent_rules,
    sector_names,
    set_status,
    update_account,
    validate_account,
)
from kam_core.common.errors import ConflictError, NotFoundError, ValidationError
from kam_core.common.text import fold_name
from kam_core.portfolio.directory import account_directory, group_head_options
from kam_core.portfolio.matrix import matrix_table
from kam_core.portfolio.overview import account_table, portfolio_figures
from kam_core.portfolio.segmentation import Thresholds, load_programme, segments
from kam_core.store import db
from kam_core.store.models import Account, Kam
from tests.conftest import POSTGRES, TODAY

GROUP = 1  # Veltara Motors Group: holds rows of every kind and heads two subsidiaries


def _new(**changes) -> dict:
    return {**blank_values(), "name": "Acme Industries", "sector": "Energy", **changes}


def _account_count(engine) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(Account)).scalar_one()


def _load(engine, account_id: int) -> AccountRecord:
    with Session(engine) as session:
        return load_account(session, account_id)


def _errors(raised) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in raised.value.errors]


# --- create and load ------------------------------------------------------------------------


def test_create_then_load_gives_the_cleaned_values(demo_engine):
    values = _new(
        name="  Acme Industries ",
        crm_id=" CRM-9 ",
        sector=" Energy ",
        country=" de",
        kam_id="2",
        status="prospect",
        potential_3y="1200000",
        margin_pct="12,5",
        group_name="Acme Group",
        notes=" first contact ",
        unknown_key="ignored",
    )
    account_id = create_account(demo_engine, values)
    record = _load(demo_engine, account_id)
    assert record.id == account_id and record.version == 1 and record.updated_at is not None
    assert record.values() == {
        "name": "Acme Industries",
        "crm_id": "CRM-9",
        "parent_id": None,
        "group_name": "Acme Group",
        "sector": "Energy",
        "country": "DE",
        "kam_id": 2,
        "status": "prospect",
        "potential_3y": 1_200_000.0,
        "margin_pct": 12.5,
        "notes": "first contact",
    }
    with Session(demo_engine) as session:
        assert session.get(Account, account_id).name_key == "acme industries"


def test_blank_values_are_an_active_account_with_nothing_else():
    values = blank_values()
    assert tuple(values) == FIELDS
    assert values["status"] == "active"
    assert all(value is None for name, value in values.items() if name != "status")


def test_missing_keys_count_as_empty(demo_engine):
    account_id = create_account(demo_engine, {"name": "Bare", "sector": "Energy", "status": "active"})
    record = _load(demo_engine, account_id)
    assert (record.crm_id, record.country, record.kam_id, record.potential_3y, record.notes) == (None,) * 5


def test_a_missing_account_is_not_found(demo_engine):
    with Session(demo_engine) as session, pytest.raises(NotFoundError):
        load_account(session, 9999)


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, code",
    [
        ({"name": None}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "x" * 161}, "name", "text_length"),
        ({"crm_id": "c" * 65}, "crm_id", "text_length"),
        ({"sector": ""}, "sector", "required"),
        ({"sector": "s" * 81}, "sector", "text_length"),
        ({"country": "ZZ"}, "country", "country_code"),
        ({"country": "DEU"}, "country", "country_code"),
        ({"kam_id": 9999}, "kam_id", "unknown_ref"),
        ({"kam_id": "Claire"}, "kam_id", "unknown_ref"),
        ({"status": "closed"}, "status", "choice"),
        ({"status": ""}, "status", "required"),
        ({"potential_3y": -1}, "potential_3y", "number_range"),
        ({"potential_3y": 2e13}, "potential_3y", "number_range"),
        ({"potential_3y": "a lot"}, "potential_3y", "number_format"),
        ({"potential_3y": True}, "potential_3y", "number_format"),
        ({"potential_3y": float("nan")}, "potential_3y", "number_format"),
        ({"potential_3y": float("inf")}, "potential_3y", "number_format"),
        ({"potential_3y": "1_000"}, "potential_3y", "number_format"),
        ({"margin_pct": 100.5}, "margin_pct", "number_range"),
        ({"margin_pct": "-101"}, "margin_pct", "number_range"),
        ({"margin_pct": "12,5,0"}, "margin_pct", "number_format"),
        ({"parent_id": 9999}, "parent_id", "unknown_ref"),
        ({"parent_id": "Veltara"}, "parent_id", "unknown_ref"),
        ({"parent_id": 24}, "parent_id", "unknown_ref"),  # Crestmont Bank plc is archived
        ({"group_name": "g" * 161}, "group_name", "text_length"),
        ({"notes": "n" * 5001}, "notes", "text_length"),
    ],
)
def test_each_rule_is_refused_naming_the_field_and_nothing_is_written(demo_engine, changes, field, code):
    before = _account_count(demo_engine)
    with pytest.raises(ValidationError) as raised:
        create_account(demo_engine, _new(**changes))
    assert _errors(raised) == [(field, code)]
    assert _account_count(demo_engine) == before


def test_limits_themselves_are_allowed(demo_engine):
    account_id = create_account(
        demo_engine,
        _new(name="x" * 160, sector="s" * 80, notes="n" * 5000, potential_3y=0, margin_pct="-100", country="sg"),
    )
    record = _load(demo_engine, account_id)
    assert (record.potential_3y, record.margin_pct, record.country) == (0.0, -100.0, "SG")


def test_every_error_is_reported_at_once(demo_engine):
    with pytest.raises(ValidationError) as raised:
        create_account(demo_engine, _new(name="", sector="", country="ZZ", status="gone", margin_pct="x"))
    assert _errors(raised) == [
        ("name", "required"),
        ("sector", "required"),
        ("country", "country_code"),
        ("status", "choice"),
        ("margin_pct", "number_format"),
    ]


def test_error_params_carry_what_the_messages_need(demo_engine):
    with Session(demo_engine) as session:
        _, errors = validate_account(
            session,
            _new(name="KESSLER-autowerke  ag", crm_id="ACC-00005", country="zz", potential_3y=-5, margin_pct="abc"),
            None,
        )
    params = {error.field: error.params for error in errors}
    assert params["name"] == {"value": "KESSLER-autowerke  ag", "other": "Kessler-Autowerke AG"}
    assert params["crm_id"] == {"value": "ACC-00005", "other": "Nordhavn Automotive AB"}
    assert params["country"] == {"value": "zz"}
    assert params["potential_3y"]["min"] == 0 and params["potential_3y"]["value"] == -5.0
    assert params["margin_pct"] == {"value": "abc"}


def test_names_are_unique_ignoring_case_accents_and_spaces(demo_engine):
    create_account(demo_engine, _new(name="ACMÉ corp"))
    before = _account_count(demo_engine)
    with pytest.raises(ValidationError) as raised:
        create_account(demo_engine, _new(name="acme  Corp"))
    assert _errors(raised) == [("name", "account_name_taken")]
    assert raised.value.errors[0].params == {"value": "acme  Corp", "other": "ACMÉ corp"}
    assert _account_count(demo_engine) == before


def test_an_account_may_keep_its_own_name_in_another_spelling(demo_engine):
    record = _load(demo_engine, 2)
    saved = update_account(demo_engine, 2, {**record.values(), "name": "KESSLER-AUTOWERKE AG"}, record.version)
    assert saved.name == "KESSLER-AUTOWERKE AG" and saved.version == record.version + 1


def test_crm_ids_are_unique(demo_engine):
    before = _account_count(demo_engine)
    with pytest.raises(ValidationError) as raised:
        create_account(demo_engine, _new(crm_id=" ACC-00004 "))
    assert _errors(raised) == [("crm_id", "crm_id_taken")]
    assert raised.value.errors[0].params["other"] == "Kessler-Autowerke AG"
    assert _account_count(demo_engine) == before
    record = _load(demo_engine, 2)  # its own CRM id is no clash
    assert update_account(demo_engine, 2, record.values(), record.version).crm_id == "ACC-00004"


def test_an_inactive_kam_only_for_the_account_that_has_it(demo_engine):
    record = _load(demo_engine, 2)
    with db.session_scope(demo_engine) as session:
        session.execute(update(Kam).where(Kam.id == record.kam_id).values(active=False))
    with pytest.raises(ValidationError) as raised:
        create_account(demo_engine, _new(kam_id=record.kam_id))
    assert _errors(raised) == [("kam_id", "unknown_ref")]
    saved = update_account(demo_engine, 2, {**record.values(), "notes": "kept"}, record.version)
    assert saved.kam_id == record.kam_id and saved.notes == "kept"
    with Session(demo_engine) as session:
        assert record.kam_id not in dict(kam_choices(session))
        assert record.kam_id in dict(kam_choices(session, record.kam_id))


def test_a_parent_clears_the_group_name(demo_engine):
    account_id = create_account(demo_engine, _new(parent_id=GROUP, group_name="Some group"))
    record = _load(demo_engine, account_id)
    assert (record.parent_id, record.group_name) == (GROUP, None)


def test_an_account_cannot_head_itself(demo_engine):
    record = _load(demo_engine, 2)
    with pytest.raises(ValidationError) as raised:
        update_account(demo_engine, 2, {**record.values(), "parent_id": 2}, record.version)
    assert _errors(raised) == [("parent_id", "own_parent")]
    assert _load(demo_engine, 2) == record


def test_a_circle_of_group_heads_is_refused(demo_engine):
    c = create_account(demo_engine, _new(name="C"))
    b = create_account(demo_engine, _new(name="B", parent_id=c))
    a = create_account(demo_engine, _new(name="A", parent_id=b))  # A -> B -> C
    record = _load(demo_engine, c)
    with pytest.raises(ValidationError) as raised:
        update_account(demo_engine, c, {**record.values(), "parent_id": a}, record.version)
    assert _errors(raised) == [("parent_id", "group_cycle")]
    assert raised.value.errors[0].params == {"value": "A"}
    assert _load(demo_engine, c) == record
    # the other way round is a plain move
    record_a = _load(demo_engine, a)
    assert update_account(demo_engine, a, {**record_a.values(), "parent_id": c}, record_a.version).parent_id == c


# --- update -----------------------------------------------------------------------------------


def test_update_saves_and_moves_the_version_on(demo_engine):
    record = _load(demo_engine, 3)
    saved = update_account(demo_engine, 3, {**record.values(), "sector": "Trucks", "country": "no"}, record.version)
    assert (saved.sector, saved.country, saved.version) == ("Trucks", "NO", record.version + 1)
    assert _load(demo_engine, 3) == saved


def test_an_unchanged_save_keeps_the_version(demo_engine):
    record = _load(demo_engine, 3)
    assert update_account(demo_engine, 3, record.values(), record.version).version == record.version


def test_a_stale_update_is_refused_and_changes_nothing(demo_engine):
    record = _load(demo_engine, 3)
    first = update_account(demo_engine, 3, {**record.values(), "notes": "theirs"}, record.version)
    with pytest.raises(ConflictError) as raised:
        update_account(demo_engine, 3, {**record.values(), "notes": "mine", "sector": "Mine"}, record.version)
    assert raised.value.record == "account" and raised.value.updated_at == first.updated_at
    assert _load(demo_engine, 3) == first


def test_updating_a_deleted_account_is_not_found(demo_engine):
    record = _load(demo_engine, 26)
    delete_account(demo_engine, 26, record.name, record.version, backup=False)
    with pytest.raises(NotFoundError):
        update_account(demo_engine, 26, record.values(), record.version)


# --- choices ------------------------------------------------------------------------------------


def _group_heads(session, account_id, **options) -> list[int]:
    rules = parent_rules(session, account_id)
    return group_head_options(
        account_directory(session), excluded=rules.excluded, current=rules.current, heads=rules.heads, **options
    ).ids


def test_group_heads_leave_out_the_account_its_descendants_and_archived_ones(demo_engine):
    child = create_account(demo_engine, _new(name="Veltara Grandchild", parent_id=27))  # 27's parent is 1
    with Session(demo_engine) as session:
        ids = _group_heads(session, GROUP)
        for_new = _group_heads(session, None)
        keys = [session.get(Account, identifier).name_key for identifier in ids]
    assert not {GROUP, 27, 28, child} & set(ids)
    assert 24 not in ids  # archived
    assert {2, 13, 29} <= set(ids)
    assert keys == sorted(keys)
    assert {GROUP, 27, 28, child} <= set(for_new)
    assert 24 not in for_new


def test_group_heads_keep_an_archived_current_head(demo_engine):
    child = create_account(demo_engine, _new(parent_id=2))
    record = _load(demo_engine, 2)
    set_status(demo_engine, 2, "archived", record.version)
    with Session(demo_engine) as session:
        assert _group_heads(session, child)[0] == 2
        assert parent_rules(session, child).current[0] == 2
        assert 2 not in _group_heads(session, None)
    mine = _load(demo_engine, child)
    assert update_account(demo_engine, child, {**mine.values(), "notes": "x"}, mine.version).parent_id == 2


def test_in_a_large_programme_the_group_heads_come_first_and_a_search_finds_the_others(demo_engine):
    with Session(demo_engine) as session:
        rules = parent_rules(session, 28)
        shortlist = _group_heads(session, 28, limit=3)
        found = _group_heads(session, 28, query="aeri", limit=3)
        names = {i: session.get(Account, i).name for i in found}
    assert set(rules.heads) == {GROUP, 4, 13}  # the demo's three groups
    assert set(shortlist) == {GROUP, 4, 13}  # a list of three: the heads first
    assert all("aeri" in fold_name(name) for identifier, name in names.items() if identifier != rules.current[0])


def test_group_sector_and_kam_lists(demo_engine):
    create_account(demo_engine, _new(name="Zed", group_name="alpha Holdings", sector="aviation"))
    with Session(demo_engine) as session:
        groups, sectors, kams = group_names(session), sector_names(session), kam_choices(session)
    assert groups == ["alpha Holdings", "Medivance Group", "Postavia Group", "Veltara Motors Group"]
    assert sectors[:3] == ["Aerospace", "Animal health purchasing", "Automotive"]
    assert "aviation" in sectors and sectors.index("aviation") == 3 and len(sectors) == len(set(sectors))
    names = [name for _, name in kams]
    assert names == sorted(names) and len(names) == 6


# --- archive and restore ------------------------------------------------------------------------


def _figures_and_matrix(engine):
    with Session(engine) as session:
        table = account_table(session, TODAY)
        programme = load_programme(session)
        current = segments(
            session,
            programme.current_period,
            Thresholds(programme.attractiveness_threshold, programme.strength_threshold),
        )
        choices = account_directory(session).names
    figures = portfolio_figures(table, programme.strategic_capacity, TODAY.year - 1)
    return table, figures, matrix_table(table, current), choices


def test_archive_takes_the_account_off_the_matrix_and_counts_and_restore_brings_it_back(demo_engine):
    table, figures, matrix, choices = _figures_and_matrix(demo_engine)
    strategic = int(
        table.loc[(table["segment"] == "strategic") & (table["status"] != "archived"), "account_id"].iloc[0]
    )
    assert strategic in set(matrix["account_id"]) and strategic in choices
    record = _load(demo_engine, strategic)
    archived = set_status(demo_engine, strategic, "archived", record.version)
    assert archived.status == "archived" and archived.version == record.version + 1
    assert archived.values() == {**record.values(), "status": "archived"}
    _, gone, matrix_gone, choices_gone = _figures_and_matrix(demo_engine)
    assert strategic not in set(matrix_gone["account_id"]) and strategic not in choices_gone
    assert gone.accounts == figures.accounts - 1
    assert gone.segment_counts["strategic"] == figures.segment_counts["strategic"] - 1
    restored = set_status(demo_engine, strategic, "active", archived.version)
    assert restored.status == "active"
    _, back, matrix_back, _ = _figures_and_matrix(demo_engine)
    assert back == figures and strategic in set(matrix_back["account_id"])


def test_set_status_refuses_an_unknown_status_and_a_stale_version(demo_engine):
    record = _load(demo_engine, 5)
    with pytest.raises(ValidationError) as raised:
        set_status(demo_engine, 5, "deleted", record.version)
    assert _errors(raised) == [("status", "choice")]
    with pytest.raises(ConflictError):
        set_status(demo_engine, 5, "archived", record.version - 1)
    assert _load(demo_engine, 5) == record
    with pytest.raises(NotFoundError):
        set_status(demo_engine, 9999, "archived", 1)


# --- delete -------------------------------------------------------------------------------------

# Every table an account owns rows in, and how each row leads back to its account (written
# independently of kam_core.account.accounts, so that the two can disagree).
OWNED = {
    "stakeholders": "SELECT account_id FROM stakeholder",
    "scores": "SELECT account_id FROM score",
    "plan": "SELECT account_id FROM account_plan",
    "priorities": "SELECT account_id FROM priority",
    "value_propositions": "SELECT p.account_id FROM value_proposition v JOIN priority p ON p.id = v.priority_id",
    "swot_items": "SELECT account_id FROM swot_item",
    "competitors": "SELECT account_id FROM competitor",
    "customer_units": "SELECT account_id FROM customer_unit",
    "white_space_cells": "SELECT u.account_id FROM white_space_cell w JOIN customer_unit u ON u.id = w.unit_id",
    "objectives": "SELECT account_id FROM objective",
    "actions": "SELECT account_id FROM action",
    "handshake": "SELECT account_id FROM handshake",
    "stage_events": "SELECT h.account_id FROM handshake_stage_event e JOIN handshake h ON h.id = e.handshake_id",
    "joint_objectives": "SELECT h.account_id FROM joint_objective j JOIN handshake h ON h.id = j.handshake_id",
    "commitments": "SELECT h.account_id FROM commitment c JOIN handshake h ON h.id = c.handshake_id",
    "reviews": "SELECT h.account_id FROM handshake_review r JOIN handshake h ON h.id = r.handshake_id",
    "kpi_readings": "SELECT h.account_id FROM kpi_reading k JOIN joint_objective j ON j.id = k.objective_id "
    "JOIN handshake h ON h.id = j.handshake_id",
    "pairings": "SELECT s.account_id FROM pairing p JOIN stakeholder s ON s.id = p.stakeholder_id",
    "engagements": "SELECT account_id FROM engagement",
    "revenue_lines": "SELECT account_id FROM revenue_line",
    "years": "SELECT account_id FROM account_year",
    "ambitions": "SELECT account_id FROM revenue_ambition",
}
LINKS = {
    "engagement_links": "SELECT e.account_id FROM engagement_pairing l JOIN engagement e ON e.id = l.engagement_id"
}


def _rows_per_account(engine) -> dict[str, Counter]:
    with engine.connect() as connection:
        return {kind: Counter(connection.execute(text(query)).scalars()) for kind, query in {**OWNED, **LINKS}.items()}


def _orphans(engine) -> dict[str, int]:
    """Rows whose account (or owner) no longer exists: a cascade that did not happen."""
    with engine.connect() as connection:
        return {
            kind: connection.execute(
                text(f"SELECT count(*) FROM ({query}) AS owned WHERE account_id NOT IN (SELECT id FROM account)")
            ).scalar_one()
            for kind, query in OWNED.items()
        }


def test_the_deletion_kinds_are_every_kind_an_account_owns():
    assert set(DELETION_KINDS) == set(OWNED) and len(DELETION_KINDS) == len(set(DELETION_KINDS))


def test_deletion_impact_counts_match_the_tables(demo_engine):
    rows = _rows_per_account(demo_engine)
    with Session(demo_engine) as session:
        impact = deletion_impact(session, GROUP)
        empty = deletion_impact(session, create_account(demo_engine, _new()))
    assert list(impact) == [*DELETION_KINDS, "child_accounts"]
    assert impact == {**{kind: rows[kind][GROUP] for kind in DELETION_KINDS}, "child_accounts": 2}
    assert all(impact[kind] > 0 for kind in DELETION_KINDS)
    assert empty == {**{kind: 0 for kind in DELETION_KINDS}, "child_accounts": 0}


def test_a_wrong_confirmation_deletes_nothing(demo_engine, tmp_path):
    record = _load(demo_engine, GROUP)
    before = _rows_per_account(demo_engine)
    with pytest.raises(ValidationError) as raised:
        delete_account(demo_engine, GROUP, "Veltara Motors", record.version)
    assert [(e.field, e.code, e.params) for e in raised.value.errors] == [
        ("confirmation", "confirmation_mismatch", {"name": "Veltara Motors Group"})
    ]
    assert _load(demo_engine, GROUP) == record and _rows_per_account(demo_engine) == before
    assert not (tmp_path / "backups").exists()  # no copy for a refused delete


def test_a_stale_delete_is_refused(demo_engine):
    record = _load(demo_engine, GROUP)
    update_account(demo_engine, GROUP, {**record.values(), "notes": "changed"}, record.version)
    with pytest.raises(ConflictError):
        delete_account(demo_engine, GROUP, record.name, record.version)
    assert _load(demo_engine, GROUP).notes == "changed"
    with pytest.raises(NotFoundError):
        delete_account(demo_engine, 9999, "x", 1)


def test_delete_removes_every_owned_row_unlinks_children_and_keeps_a_copy(demo_engine, tmp_path):
    record = _load(demo_engine, GROUP)
    record = update_account(demo_engine, GROUP, {**record.values(), "name": "Veltara Motörs Group"}, record.version)
    children = {identifier: _load(demo_engine, identifier) for identifier in (27, 28)}
    assert all(child.parent_id == GROUP for child in children.values())
    before = _rows_per_account(demo_engine)
    assert all(before[kind][GROUP] > 0 for kind in before)
    accounts_before = _account_count(demo_engine)

    copy = delete_account(demo_engine, GROUP, "  VELTARA motors   group ", record.version)

    after = _rows_per_account(demo_engine)
    for kind in before:
        assert after[kind][GROUP] == 0, kind
        assert after[kind] == before[kind] - Counter({GROUP: before[kind][GROUP]}), kind  # others untouched
    assert _orphans(demo_engine) == {kind: 0 for kind in OWNED}
    assert _account_count(demo_engine) == accounts_before - 1
    with Session(demo_engine) as session, pytest.raises(NotFoundError):
        load_account(session, GROUP)
    for identifier, child in children.items():
        unlinked = _load(demo_engine, identifier)
        assert unlinked.parent_id is None and unlinked.version == child.version + 1
        assert unlinked.values() == {**child.values(), "parent_id": None}

    if POSTGRES:  # copies are of SQLite files only
        assert copy is None
        return
    assert copy is not None and copy.parent == tmp_path / "backups" and "before-delete" in copy.name
    connection = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT name FROM account WHERE id = ?", (GROUP,)).fetchone() == (
            "Veltara Motörs Group",
        )
        assert connection.execute("SELECT count(*) FROM score WHERE account_id = ?", (GROUP,)).fetchone()[0] == 60
    finally:
        connection.close()


def test_delete_without_backup_makes_no_copy(demo_engine, tmp_path):
    record = _load(demo_engine, 20)  # Voltera Énergie
    assert delete_account(demo_engine, 20, "voltera energie", record.version, backup=False) is None
    assert not (tmp_path / "backups").exists()
    assert _account_count(demo_engine) == 29


@pytest.mark.sqlite_only("an in-memory SQLite database")
def test_delete_on_a_database_in_memory_makes_no_copy():
    engine = db.get_engine("sqlite://")
    account_id = create_account(engine, _new())
    assert delete_account(engine, account_id, "acme industries", 1) is None
    assert _account_count(engine) == 0


def test_a_database_that_does_not_cascade_keeps_everything(demo_engine):
    """Foreign keys off (no ON DELETE CASCADE): the delete would leave orphans, so it writes nothing."""
    record = _load(demo_engine, GROUP)
    before = _rows_per_account(demo_engine)
    demo_engine.dispose()
    event.listen(demo_engine, "connect", _foreign_keys_off)
    with pytest.raises(RuntimeError, match="left rows behind"):
        delete_account(demo_engine, GROUP, record.name, record.version, backup=False)
    assert _load(demo_engine, GROUP) == record and _rows_per_account(demo_engine) == before


def _foreign_keys_off(dbapi_connection, _record) -> None:
    # PostgreSQL: foreign keys (and their ON DELETE CASCADE) are triggers, off in replica mode
    dbapi_connection.execute("SET session_replication_role = replica" if POSTGRES else "PRAGMA foreign_keys=OFF")


def test_a_sector_or_group_typed_in_other_capitals_takes_the_existing_spelling(demo_engine):
    account_id = create_account(
        demo_engine, _new(name="Spelling Test", sector="  energy ", group_name="postavia GROUP")
    )
    with Session(demo_engine) as session:
        record = load_account(session, account_id)
    assert (record.sector, record.group_name) == ("Energy", "Postavia Group")


def test_deleting_a_group_head_keeps_its_subsidiaries_in_a_named_group(demo_engine):
    head = create_account(demo_engine, _new(name="Head Co", sector="Energy"))
    child = create_account(demo_engine, _new(name="Child Co", sector="Energy", parent_id=head))
    with Session(demo_engine) as session:
        version = load_account(session, head).version
    delete_account(demo_engine, head, "head co", version, backup=False)
    with Session(demo_engine) as session:
        record = load_account(session, child)
    assert (record.parent_id, record.group_name) == (None, "Head Co")
