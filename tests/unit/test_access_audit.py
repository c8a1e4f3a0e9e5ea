"""Access (roles enforced by the store), the audit trail, the roles table, and concurrent edits."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, replace

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from kam_core.account import accounts, sections
from kam_core.common.errors import ConflictError, PermissionDenied, ValidationError
from kam_core.governance import access, audit, roles
from kam_core.portfolio import scoring
from kam_core.programme.settings import read_settings, save_settings
from kam_core.store import backups, db
from kam_core.store.models import Account, AuditEntry, Criterion, RoleGrant
from tests.conftest import TODAY

VIEWER = access.Actor("vera@example.com", "viewer", signed_in=True)
EDITOR = access.Actor("ed@example.com", "editor", signed_in=True)
ADMIN = access.Actor("ada@example.com", "admin", signed_in=True)
NOBODY = access.Actor("nobody@example.com", None, signed_in=True)


def _values(record) -> dict:
    return {name: getattr(record, name) for name in accounts.FIELDS}


def _account(engine, name="Acme"):
    values = {**accounts.blank_values(), "name": name, "sector": "Retail", "country": "FR"}
    return accounts.create_account(engine, values)


def _counts(engine) -> dict:
    """Rows per table: what a refused write must leave as it was."""
    from sqlmodel import SQLModel

    with Session(engine) as session:
        return {
            table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def _load(engine, account_id):
    with Session(engine) as session:
        return accounts.load_account(session, account_id)


# --- the store's guard -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement, needed",
    [
        ("SELECT * FROM account", None),
        ("WITH x AS (SELECT 1) SELECT * FROM x", None),
        ("select name from account where notes = 'update account set x'", None),
        ("PRAGMA cache_size", None),
        ("BEGIN IMMEDIATE", None),
        ("SAVEPOINT sa_1", None),
        ("INSERT INTO account (name) VALUES (?)", "editor"),
        ('INSERT INTO "role_grant" (email) VALUES (?)', "admin"),
        ("insert or replace into score values (1)", "editor"),
        ("  UPDATE programme SET name=?", "admin"),
        ("DELETE FROM criterion WHERE id=?", "admin"),
        ("INSERT INTO main.criterion VALUES (1)", "admin"),  # a schema-qualified name is the table's
        ("/* note */ INSERT INTO account VALUES (1)", "editor"),
        ("(INSERT INTO score VALUES (1))", "editor"),
        ("WITH x AS (SELECT 1) INSERT INTO programme SELECT * FROM x", "admin"),
        ("TRUNCATE account", "editor"),
        ("CREATE TABLE x (a int)", "editor"),  # not known to read: a write
        ("ATTACH 'other.db' AS other", "editor"),
        ("VACUUM INTO '/tmp/copy.db'", "editor"),
        ("PRAGMA foreign_keys=OFF", "editor"),
        ("UPDATE alembic_version SET version_num='0005'", None),
    ],
)
def test_the_guard_lets_reads_pass_and_names_the_role_a_write_needs(statement, needed):
    assert access.write_needs(statement) == needed


def test_a_viewer_writes_nothing_through_any_service(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _account(engine)
    record = _load(engine, account_id)
    before = _counts(engine)
    with access.acting_as(VIEWER):
        with pytest.raises(PermissionDenied) as refused:
            _account(engine, "Beta")
        assert (refused.value.role, refused.value.needed) == ("viewer", "editor")
        with pytest.raises(PermissionDenied):
            accounts.update_account(engine, account_id, {**_values(record), "notes": "viewer"}, record.version)
        with pytest.raises(PermissionDenied):
            sections.save_section(
                engine, "stakeholders", account_id, [{"name": "Eve Viewer", "role": "user"}], today=TODAY
            )
        with pytest.raises(PermissionDenied):
            with Session(engine) as session:
                settings = read_settings(session)
            save_settings(engine, {**asdict(settings), "name": "Hacked"}, settings.version)
        with pytest.raises(PermissionDenied):
            roles.save_grants(engine, [{"email": "vera@example.com", "role": "admin"}])
    assert _counts(engine) == before
    assert _load(engine, account_id).notes is None


def test_someone_signed_in_without_a_role_writes_nothing(empty_url):
    engine = db.get_engine(empty_url)
    before = _counts(engine)
    with access.acting_as(NOBODY), pytest.raises(PermissionDenied) as refused:
        _account(engine)
    assert refused.value.role is None
    assert _counts(engine) == before


def test_an_editor_changes_plans_but_not_criteria_settings_or_roles(empty_url):
    engine = db.get_engine(empty_url)
    with access.acting_as(EDITOR):
        account_id = _account(engine)
        assert (
            sections.save_section(
                engine, "stakeholders", account_id, [{"name": "Ann Buyer", "role": "buyer"}], today=TODAY
            )
            == 1
        )
        with Session(engine) as session:
            criteria = scoring.list_criteria(session, "attractiveness")
            settings = read_settings(session)
        before = _counts(engine)
        with pytest.raises(PermissionDenied) as refused:
            scoring.save_criteria(engine, "attractiveness", [replace(criteria[0], name="Renamed"), *criteria[1:]])
        assert refused.value.needed == "admin"
        with pytest.raises(PermissionDenied):
            save_settings(engine, {**asdict(settings), "name": "Renamed"}, settings.version)
        with pytest.raises(PermissionDenied):
            roles.save_grants(engine, [{"email": "ed@example.com", "role": "admin"}])
    assert _counts(engine) == before
    with Session(engine) as session:
        assert session.get(Criterion, criteria[0].id).name == criteria[0].name


def test_an_admin_changes_criteria_settings_and_roles(empty_url):
    engine = db.get_engine(empty_url)
    with access.acting_as(ADMIN):
        with Session(engine) as session:
            criteria = scoring.list_criteria(session, "attractiveness")
            settings = read_settings(session)
        scoring.save_criteria(engine, "attractiveness", [replace(criteria[0], name="Renamed"), *criteria[1:]])
        assert save_settings(engine, {**asdict(settings), "name": "Renamed"}, settings.version).name == "Renamed"
        saved = roles.save_grants(
            engine, [{"email": " Ada@Example.com ", "role": "admin"}, {"email": "vera@example.com", "role": "viewer"}]
        )
    assert [(grant.email, grant.role) for grant in saved] == [
        ("ada@example.com", "admin"),
        ("vera@example.com", "viewer"),
    ]


def test_the_command_line_and_open_mode_act_as_the_local_admin():
    actor = access.current()
    assert actor.role == "admin" and not actor.signed_in and actor.name == access.os_user()


# --- roles ---------------------------------------------------------------------------------------------


def test_role_of_reads_the_table_and_the_configured_admins(empty_url, monkeypatch):
    engine = db.get_engine(empty_url)
    roles.save_grants(
        engine, [{"email": "ada@example.com", "role": "admin"}, {"email": "ed@example.com", "role": "editor"}]
    )
    monkeypatch.setenv("KAM_ADMINS", "boss@example.com, other@example.com")
    with Session(engine) as session:
        assert roles.role_of(session, "ED@example.com ") == "editor"
        assert roles.role_of(session, "boss@example.com") == "admin"
        assert roles.role_of(session, "sec@example.com", admins=("Sec@example.com",)) == "admin"
        assert roles.role_of(session, "stranger@example.com") is None
        assert roles.role_of(session, "") is None


@pytest.mark.parametrize(
    "rows, field, code",
    [
        (
            [{"email": "not an address", "role": "viewer"}, {"email": "a@x.io", "role": "admin"}],
            "email",
            "email_format",
        ),
        ([{"email": "a@x.io", "role": "admin"}, {"email": "A@x.io", "role": "viewer"}], "email", "duplicate_grant"),
        ([{"email": "a@x.io", "role": "owner"}], "role", "choice"),
        ([{"email": "a@x.io", "role": "editor"}], "role", "no_admin"),
    ],
)
def test_a_bad_roles_table_is_refused_naming_the_row(empty_url, rows, field, code):
    engine = db.get_engine(empty_url)
    with pytest.raises(ValidationError) as refused:
        roles.save_grants(engine, rows)
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code)
    with Session(engine) as session:
        assert session.execute(select(func.count()).select_from(RoleGrant)).scalar_one() == 0


def test_no_admin_is_allowed_when_admins_are_configured_outside(empty_url):
    engine = db.get_engine(empty_url)
    assert roles.save_grants(engine, [{"email": "a@x.io", "role": "editor"}], admins=("boss@x.io",))


def test_roles_left_out_are_removed_and_a_stale_row_is_a_conflict(empty_url):
    engine = db.get_engine(empty_url)
    first = roles.save_grants(engine, [{"email": "a@x.io", "role": "admin"}, {"email": "b@x.io", "role": "viewer"}])
    kept = [asdict(first[0])]
    assert [grant.email for grant in roles.save_grants(engine, kept)] == ["a@x.io"]
    with pytest.raises(ConflictError):
        roles.save_grants(engine, [{**kept[0], "role": "admin", "email": "a@x.io", "version": 99}])


# --- the audit trail -----------------------------------------------------------------------------------


def _trail(engine, account_id=None):
    with Session(engine) as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if account_id is not None:
            query = query.where(AuditEntry.account_id == account_id)
        return session.execute(query).scalars().all()


def test_every_write_records_who_when_which_record_and_fields(empty_url):
    engine = db.get_engine(empty_url)
    with access.acting_as(EDITOR):
        account_id = _account(engine)
    record = _load(engine, account_id)
    with access.acting_as(ADMIN):
        accounts.update_account(
            engine, account_id, {**_values(record), "notes": "Key supplier", "margin_pct": 12.5}, record.version
        )
    entries = _trail(engine, account_id)
    assert [(e.actor, e.action, e.table_name, e.record_id) for e in entries] == [
        ("ed@example.com", "create", "account", account_id),
        ("ada@example.com", "update", "account", account_id),
    ]
    created = json.loads(entries[0].changes)
    assert created["name"] == [None, "Acme"] and created["sector"] == [None, "Retail"]
    assert json.loads(entries[1].changes) == {"notes": [None, "Key supplier"], "margin_pct": [None, 12.5]}
    assert entries[1].label == "Acme" and entries[1].at is not None


def test_children_of_a_plan_are_traced_to_their_account_and_deletes_keep_old_values(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _account(engine)
    sections.save_section(
        engine, "stakeholders", account_id, [{"name": "Ann Buyer", "title": "CPO", "role": "buyer"}], today=TODAY
    )
    sections.save_section(engine, "stakeholders", account_id, [], today=TODAY)
    kinds = [(e.action, e.table_name, e.label) for e in _trail(engine, account_id)]
    assert ("create", "stakeholder", "Ann Buyer") in kinds and ("delete", "stakeholder", "Ann Buyer") in kinds
    deleted = next(e for e in _trail(engine, account_id) if e.action == "delete")
    assert json.loads(deleted.changes)["title"] == ["CPO", None]


def test_a_refused_write_leaves_no_entry(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _account(engine)
    before = len(_trail(engine))
    record = _load(engine, account_id)
    with pytest.raises(ValidationError):
        accounts.update_account(engine, account_id, {**_values(record), "name": ""}, record.version)
    with pytest.raises(ConflictError):
        accounts.update_account(engine, account_id, {**_values(record), "notes": "late"}, record.version - 1)
    assert len(_trail(engine)) == before


def test_the_history_reads_newest_first_and_the_last_change_says_who(empty_url):
    engine = db.get_engine(empty_url)
    account_id = _account(engine)
    for note in ("one", "two"):
        record = _load(engine, account_id)
        with access.acting_as(access.Actor(f"{note}@example.com", "editor", True)):
            accounts.update_account(engine, account_id, {**_values(record), "notes": note}, record.version)
    with Session(engine) as session:
        history = audit.account_history(session, account_id)
        assert [change.changes.get("notes") for change in history[:2]] == [["one", "two"], [None, "one"]]
        assert audit.history_size(session, account_id) == 3
        assert audit.last_change(session, "account", account_id).actor == "two@example.com"
        assert audit.last_change(session, account_id=account_id).actor == "two@example.com"
    lines = audit.history_lines(history)
    assert lines[0].field == "notes" and (lines[0].old, lines[0].new) == ("one", "two")
    assert lines[-1].action == "create" and dict(lines[-1].values)["name"] == "Acme"


def test_a_conflict_names_the_record_so_the_page_can_say_who_saved(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        settings = read_settings(session)
    save_settings(engine, {**asdict(settings), "name": "First"}, settings.version)
    with pytest.raises(ConflictError) as refused:
        save_settings(engine, {**asdict(settings), "name": "Second"}, settings.version)
    assert (refused.value.table, refused.value.record_id) == ("programme", 1)


# --- concurrent edits ------------------------------------------------------------------------------------

THREADS, UPDATES, SHARED_ACCOUNTS = 8, 200, 4


def test_eight_people_saving_the_same_accounts_lose_nothing(empty_url):
    """8 threads x 200 saves through the real service, round the same 4 accounts. Each save
    appends its own token to the notes it read; a refused save (someone saved first) is re-read
    and tried again, as the page asks a person to do. No save may be lost or fail otherwise."""
    engine = db.get_engine(empty_url)
    ids = [_account(engine, f"Shared {n}") for n in range(SHARED_ACCOUNTS)]
    conflicts, failures = [0] * THREADS, []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        actor = access.Actor(f"kam{number}@example.com", "editor", True)
        try:
            with access.acting_as(actor):
                start.wait()
                for step in range(UPDATES):
                    account_id = ids[(number + step) % SHARED_ACCOUNTS]
                    while True:
                        record = _load(engine, account_id)
                        notes = f"{record.notes or ''}{number}.{step},"
                        try:
                            accounts.update_account(
                                engine, account_id, {**_values(record), "notes": notes}, record.version
                            )
                            break
                        except ConflictError:
                            conflicts[number] += 1
        except BaseException as exc:  # any other error is a failure of the test
            failures.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a save never finished"
    assert not failures, failures[:3]
    expected = {account_id: set() for account_id in ids}
    for number in range(THREADS):
        for step in range(UPDATES):
            expected[ids[(number + step) % SHARED_ACCOUNTS]].add(f"{number}.{step}")
    for account_id in ids:
        record = _load(engine, account_id)
        tokens = record.notes.strip(",").split(",")
        assert len(tokens) == len(set(tokens)) == THREADS * UPDATES // SHARED_ACCOUNTS  # nothing lost, nothing twice
        assert set(tokens) == expected[account_id]
        assert record.version == 1 + THREADS * UPDATES // SHARED_ACCOUNTS
    updates = [e for e in _trail(engine) if e.action == "update"]
    assert len(updates) == THREADS * UPDATES
    assert {e.actor for e in updates} == {f"kam{n}@example.com" for n in range(THREADS)}


def test_ids_in_a_history_are_named_by_what_they_stand_for(demo_url):
    from kam_core.store.models import Kam

    engine = db.get_engine(demo_url)
    with Session(engine) as session:
        account = session.execute(select(Account).where(Account.kam_id.is_not(None))).scalars().first()
        other = session.execute(select(Kam).where(Kam.id != account.kam_id)).scalars().first()
        record = accounts.load_account(session, account.id)
    accounts.update_account(engine, account.id, {**_values(record), "kam_id": other.id}, record.version)
    with Session(engine) as session:
        lines = audit.history_lines(audit.account_history(session, account.id, limit=1))
        labels = audit.reference_labels(session, lines)
    assert (lines[0].field, lines[0].new) == ("kam_id", other.id)
    assert labels[("kam", other.id)] == other.name
    assert audit.referred_table("account", "kam_id") == "kam" and audit.referred_table("account", "notes") is None


@pytest.mark.sqlite_only("copies of the SQLite file")
def test_a_refused_delete_merge_or_import_makes_no_copy_and_prunes_none(demo_url, tmp_path):
    """A viewer must not be able to push the kept backups out by trying writes they may not make."""
    from kam_core.account import merge
    from kam_core.exchange.importing import RawTable, propose_mapping, run_import

    engine = db.get_engine(demo_url)
    folder = backups.backup_folder(db.sqlite_path(demo_url))
    before = sorted(folder.glob("*")) if folder.exists() else []
    with Session(engine) as session:
        first, second = session.execute(select(Account).order_by(Account.id).limit(2)).scalars().all()
    table = RawTable(("Name", "Sector"), (("New Co", "Retail"),), "utf-8", ",", "csv")
    with access.acting_as(VIEWER):
        with pytest.raises(PermissionDenied):
            accounts.delete_account(engine, first.id, first.name, first.version)
        with pytest.raises(PermissionDenied):
            merge.merge_accounts(engine, first.id, second.id, {}, {}, (first.version, second.version))
        with pytest.raises(PermissionDenied):
            run_import(engine, table, "accounts", propose_mapping(table.headers, "accounts"), today=TODAY)
    assert (sorted(folder.glob("*")) if folder.exists() else []) == before


def test_a_unit_of_work_that_writes_waits_for_the_one_before_to_commit(empty_url):
    """On both databases writes queue (SQLite: BEGIN IMMEDIATE; PostgreSQL: the write lock), so
    a rule checked inside one (a version, a unique name, the last admin) holds until it commits:
    the second unit of work, started while the first is open, sees the first one's row."""
    engine = db.get_engine(empty_url)
    inside, seen = threading.Event(), []

    def first() -> None:
        with db.session_scope(engine) as session:
            session.add(Account(name="First", sector="Retail", name_key="first"))
            session.flush()
            inside.set()
            time.sleep(0.5)  # the second unit of work starts meanwhile: it must wait for this commit

    def second() -> None:
        inside.wait(10)
        with db.session_scope(engine) as session:
            seen.append(session.execute(select(Account.name).where(Account.name == "First")).scalar_one_or_none())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert seen == ["First"]
