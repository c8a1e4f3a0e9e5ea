"""Each role gets only its share (issue 20, item 4): the workbook a role exports holds what that role
may see (no role grants, no audit trail below admin; an admin's stays the whole, restorable backup);
restoring and copying the database need an admin in kam_core itself, checked before anything is read
or written; the command line acts as the local admin, said once; the copy before a migration is
still made at start under sign-in; a missing ``email_verified`` claim is unverified unless the
provider is trusted."""

from __future__ import annotations

import io
import threading

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from kam_core.__main__ import main
from kam_core.common.errors import PermissionDenied, ValidationError
from kam_core.exchange.workbook import ABOUT_SHEET, export_workbook, restore_workbook, tables
from kam_core.governance import access, roles
from kam_core.governance.audit import last_change
from kam_core.store import backups, db
from kam_core.ui import downloads
from tests.unit.snapshots import snapshot

VIEWER = access.Actor("vera@viewer.example.com", "viewer", signed_in=True)
EDITOR = access.Actor("ed@editor.example.com", "editor", signed_in=True)
ADMIN = access.Actor("ada@admin.example.com", "admin", signed_in=True)
NOBODY = access.Actor("nobody", None)
ADMIN_ONLY = {"role_grant", "audit_entry"}
SQLITE_ONLY = pytest.mark.sqlite_only("copies of the SQLite file (PostgreSQL is backed up with pg_dump)")


def _export(engine, actor: access.Actor) -> bytes:
    with access.acting_as(actor), Session(engine) as session:
        return export_workbook(session)


def _sheets(data: bytes) -> tuple[list[str], dict]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        about = {
            row[0]: (row[1] if len(row) > 1 else None)
            for row in book[ABOUT_SHEET].iter_rows(values_only=True)
            if row and row[0]
        }
        return list(book.sheetnames), about
    finally:
        book.close()


@pytest.fixture
def granted(demo_engine):
    """The demo with a role table, so that the role grants are there to be left out."""
    with access.acting_as(ADMIN):
        roles.save_grants(
            demo_engine,
            [
                {"email": ADMIN.name, "role": "admin"},
                {"email": EDITOR.name, "role": "editor"},
                {"email": VIEWER.name, "role": "viewer"},
            ],
        )
    return demo_engine


# --- the export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [VIEWER, EDITOR], ids=["viewer", "editor"])
def test_below_admin_the_export_leaves_out_the_roles_and_the_audit_trail(granted, actor):
    names, about = _sheets(_export(granted, actor))
    assert not ADMIN_ONLY & set(names)
    assert set(names) == {ABOUT_SHEET} | {table.name for table in tables()} - ADMIN_ONLY
    assert about["Left out"] == "audit_entry, role_grant"
    title = next(label for label in about if str(label).startswith("Key account programme"))
    assert "whole database" not in title and actor.role in title
    assert "role_grant" not in about and "audit_entry" not in about  # nor their row counts


def test_the_admins_export_is_the_whole_database_and_restores(granted, empty_url):
    data = _export(granted, ADMIN)
    names, about = _sheets(data)
    assert set(names) == {ABOUT_SHEET} | {table.name for table in tables()}
    assert "Left out" not in about and about["role_grant"] == 3 and about["audit_entry"] > 0
    with access.acting_as(ADMIN):
        counts = restore_workbook(db.get_engine(empty_url), data)
    assert counts["role_grant"] == 3 and counts["audit_entry"] == about["audit_entry"]


def test_a_roles_share_is_not_a_backup_and_restores_nowhere(granted, empty_url):
    engine = db.get_engine(empty_url)
    data = _export(granted, EDITOR)
    before = snapshot(db.sqlite_path(empty_url)) if db.sqlite_path(empty_url) else None
    with access.acting_as(ADMIN), pytest.raises(ValidationError) as refused:
        restore_workbook(engine, data)
    assert [(error.code, error.params) for error in refused.value.errors] == [
        ("partial_workbook", {"sheets": "audit_entry, role_grant"})
    ]
    if before is not None:
        assert snapshot(db.sqlite_path(empty_url)) == before


def test_someone_without_a_role_exports_nothing(granted):
    with pytest.raises(PermissionDenied):
        _export(granted, NOBODY)


# --- restore and copies of the database ---------------------------------------------------------


@SQLITE_ONLY
@pytest.mark.parametrize("actor", [VIEWER, EDITOR, NOBODY], ids=["viewer", "editor", "nobody"])
def test_only_an_admin_restores_a_copy_and_a_refusal_changes_nothing(demo_url, tmp_path, actor):
    live = db.sqlite_path(demo_url)
    copy = backups.copy_sqlite(live, tmp_path / "copy.db")  # as the local admin
    db.get_engine(demo_url)  # the app's engine is open, as on a server
    before = snapshot(live)
    with access.acting_as(actor), pytest.raises(PermissionDenied):
        backups.restore(live, copy)
    assert snapshot(live) == before
    assert not backups.list_backups(live)  # not even the before-restore copy


@SQLITE_ONLY
@pytest.mark.parametrize("actor", [VIEWER, EDITOR], ids=["viewer", "editor"])
def test_only_an_admin_asks_for_a_copy_of_the_database(demo_url, tmp_path, actor):
    live = db.sqlite_path(demo_url)
    with access.acting_as(actor):
        with pytest.raises(PermissionDenied):
            backups.backup_sqlite(live, backups.MANUAL)
        with pytest.raises(PermissionDenied):
            backups.copy_sqlite(live, tmp_path / "mine.db")
        with pytest.raises(PermissionDenied):
            backups.snapshot_bytes(live)
    assert not backups.list_backups(live) and not (tmp_path / "mine.db").exists()
    with access.acting_as(ADMIN):
        assert backups.backup_sqlite(live, backups.MANUAL).exists()


@SQLITE_ONLY
def test_the_copy_kept_before_a_write_needs_the_role_of_that_write(demo_url):
    live = db.sqlite_path(demo_url)
    with access.acting_as(VIEWER), pytest.raises(PermissionDenied):
        backups.backup_sqlite(live, "before-import")
    with access.acting_as(EDITOR):
        assert backups.backup_sqlite(live, "before-import").exists()


@SQLITE_ONLY
def test_an_admins_restore_is_recorded_in_the_trail(demo_url, tmp_path):
    live = db.sqlite_path(demo_url)
    copy = backups.copy_sqlite(live, tmp_path / "monday.db")
    with access.acting_as(ADMIN):
        backups.restore(live, copy)
    with Session(db.get_engine(demo_url)) as session:
        line = last_change(session, table=backups.RESTORED_TABLE)
    assert (line.actor, line.action, line.label) == (ADMIN.name, "update", "monday.db")
    assert line.changes["restored_from"] == [None, "monday.db"]


@SQLITE_ONLY
def test_the_copy_before_a_migration_is_still_made_at_start_under_sign_in(tmp_path):
    old = tmp_path / "old.db"
    engine = db.make_engine(f"sqlite:///{old}")
    db.migrate(engine, "0002")
    engine.dispose()
    access.set_default(NOBODY)  # what the app sets with sign-in on; the start itself runs as SYSTEM
    with access.acting_as(NOBODY):
        db.get_engine(f"sqlite:///{old}")
    kept = backups.list_backups(old)
    assert [backup.label for backup in kept] == ["before-migration-from-0002"]


# --- the command line ---------------------------------------------------------------------------


@SQLITE_ONLY
def test_the_command_line_acts_as_the_local_admin_whatever_the_process_default(on, demo_url, tmp_path, capsys):
    on(demo_url)
    access.set_default(NOBODY)  # even a process where nobody is the default: the command says who acts
    assert main(["backup"]) == 0
    made = backups.list_backups(db.sqlite_path(demo_url))[0].path
    assert main(["backup", str(tmp_path / "copy.db")]) == 0
    assert main(["export", str(tmp_path / "all.xlsx")]) == 0
    names, _about = _sheets((tmp_path / "all.xlsx").read_bytes())
    assert set(names) >= ADMIN_ONLY  # the local admin's export is the whole database
    assert main(["restore-backup", made.name]) == 0
    assert "Restored" in capsys.readouterr().out
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Name,Sector\nMade On The Command Line,Energy\n", encoding="utf-8")
    assert main(["import", "accounts", str(accounts)]) == 0  # a write through the store's guard
    with Session(db.get_engine(demo_url)) as session:
        line = last_change(session, table="account")
    assert (line.actor, line.label) == (access.os_user(), "Made On The Command Line")


# --- sign-in: is the address verified? ------------------------------------------------------------


@pytest.mark.parametrize(
    "claims, trusted, expected",
    [
        ({"email": "Ada@Example.com", "email_verified": True}, False, "ada@example.com"),
        ({"email": "ada@example.com", "email_verified": "true"}, False, "ada@example.com"),
        ({"email": "ada@example.com"}, False, ""),  # no claim at all: unverified
        ({"email": "ada@example.com", "email_verified": None}, False, ""),
        ({"email": "ada@example.com"}, True, "ada@example.com"),  # a provider configured as trusted
        ({"email": "ada@example.com", "email_verified": False}, True, ""),  # it said no: never
        ({"email": "ada@example.com", "email_verified": "false"}, False, ""),
        ({"email_verified": True}, True, ""),
        ({"email": 42, "email_verified": True}, True, ""),
        ({"email": "  ", "email_verified": True}, False, ""),
    ],
)
def test_a_missing_email_verified_claim_means_unverified_unless_the_provider_is_trusted(claims, trusted, expected):
    assert access.verified_email(claims, trusted) == expected


def test_the_admin_only_tables_are_tables_of_the_schema():
    assert access.ADMIN_READ_TABLES == ADMIN_ONLY <= {table.name for table in tables()}


@SQLITE_ONLY
def test_an_editors_import_keeps_its_copy_under_sign_in(demo_engine, demo_url):
    """The import copies the database in a thread of its own: made as the editor importing (whose
    role allows the copy kept before a write), not as the process default (nobody, under sign-in)."""
    from kam_core.common.clock import today
    from kam_core.exchange import importing

    table = importing.read_table(b"Name,Sector\nImported By An Editor,Energy\n", "accounts.csv")
    access.set_default(NOBODY)
    with access.acting_as(EDITOR):
        result = importing.run_import(
            demo_engine, table, "accounts", importing.propose_mapping(table.headers, "accounts"), today=today()
        )
    assert result.created == 1 and result.backup is not None and result.backup.exists()
    assert [backup.label for backup in backups.list_backups(db.sqlite_path(demo_url))] == ["before-import"]


def _in_another_thread(build):
    """What a download builder returns when Streamlit runs it on a thread of its own."""
    result: dict = {}

    def run():
        try:
            result["data"] = build()
        except Exception as error:  # handed back to the test
            result["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in result:
        raise result["error"]
    return result["data"]


def test_a_download_is_built_as_the_person_who_was_shown_the_button(on, demo_url, granted):
    """Streamlit builds a download on a thread of its own, where nobody is acting under sign-in: the
    builder takes the person the page was drawn for."""
    on(demo_url)
    access.set_default(NOBODY)
    with access.acting_as(VIEWER):
        viewers = downloads.workbook_builder()
    with access.acting_as(ADMIN):
        admins = downloads.workbook_builder()
    assert not ADMIN_ONLY & set(_sheets(_in_another_thread(viewers))[0])
    assert set(_sheets(_in_another_thread(admins))[0]) >= ADMIN_ONLY


@SQLITE_ONLY
def test_an_admins_copy_of_the_database_is_built_as_the_admin(on, demo_url):
    on(demo_url)
    access.set_default(NOBODY)
    live = db.sqlite_path(demo_url)
    with access.acting_as(ADMIN):
        copy = downloads.backup_builder(live)
    assert _in_another_thread(copy)[:16] == backups.SQLITE_HEADER
    with access.acting_as(VIEWER):
        refused = downloads.backup_builder(live)
    with pytest.raises(PermissionDenied):
        _in_another_thread(refused)
