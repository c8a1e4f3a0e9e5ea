"""Backups: the copies kept in data/backups/ (how many, which), restoring one (exactly what was
saved, refusing what is not one of ours), and the command line around them."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kam_core.__main__ import main
from kam_core.account.accounts import (
    blank_values,
    create_account,
    delete_account,
    load_account,
    set_status,
    update_account,
)
from kam_core.governance import access
from kam_core.store import backups, db
from kam_core.store.models import Account
from tests.unit.snapshots import integrity, snapshot

pytestmark = pytest.mark.sqlite_only("copies of the SQLite file (PostgreSQL is backed up with pg_dump)")


def _path(url: str) -> Path:
    return db.sqlite_path(url)


def _fake(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(b"not opened by prune: " + name.encode())
    return folder / name


def _new(name: str) -> dict:
    return {**blank_values(), "name": name, "sector": "Energy"}


def _load(engine, account_id: int):
    with Session(engine) as session:
        return load_account(session, account_id)


def assert_restored(path: Path, expected: dict, source: Path, actor: str) -> None:
    """The live database holds exactly ``expected`` plus one line of the audit trail: who restored
    which file (written with the restored content, as one write)."""
    now = snapshot(path)
    added = [row for row in now["audit_entry"] if row not in expected["audit_entry"]]
    assert {**now, "audit_entry": expected["audit_entry"]} == expected
    assert len(now["audit_entry"]) == len(expected["audit_entry"]) + 1 and len(added) == 1
    _id, _at, who, action, table, record_id, account_id, label, changes = added[0]
    assert (who, action, table, record_id, account_id, label) == (actor, "update", "database", None, None, source.name)
    assert source.name in changes


# --- how many are kept, and which ---------------------------------------------------------------


def test_keep_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(backups.KEEP_VARIABLE, raising=False)
    assert backups.keep_limit() == backups.KEEP_DEFAULT == 20
    monkeypatch.setenv(backups.KEEP_VARIABLE, " 5 ")
    assert backups.keep_limit() == 5
    for bad in ("0", "-3", "many", "2.5"):
        monkeypatch.setenv(backups.KEEP_VARIABLE, bad)
        assert backups.keep_limit() == 20, bad


def test_retention_keeps_exactly_the_newest_and_touches_nothing_else(empty_url, monkeypatch):
    path = _path(empty_url)
    folder = backups.backup_folder(path)
    ours = [_fake(folder, f"empty-2025010{day}-101500-00000{day}-before-import.db") for day in range(1, 7)]
    others = [
        _fake(folder, "other-20240101-101500-000000-before-import.db"),  # another database's copy
        _fake(folder, "empty-copy-20240101-101500-000000-manual.db"),  # the stem of a database "empty-copy"
        _fake(folder, "empty-manual.db"),  # made by hand, under another name
        _fake(folder, "empty-20240101-101500-000000-before-import.db.part"),  # a copy never finished
        _fake(folder, "empty-20240101-101500-000000-before-import.db-wal"),
        _fake(folder, "notes.txt"),
    ]
    monkeypatch.setenv(backups.KEEP_VARIABLE, "3")
    made = backups.backup_sqlite(path, "manual")
    assert made.exists() and integrity(made) == "ok"
    kept = backups.list_backups(path)
    assert [backup.path for backup in kept] == [made, ours[5], ours[4]]
    assert [path for path in ours if path.exists()] == [ours[4], ours[5]]
    assert all(other.exists() for other in others)
    assert (
        kept[0].label == "manual"
        and kept[1].label == "before-import"
        and kept[1].made == datetime(2025, 1, 6, 10, 15, 0, 6)
    )
    assert kept[0].size_bytes == made.stat().st_size


def test_the_copy_just_made_is_never_deleted(empty_url, monkeypatch):
    path = _path(empty_url)
    later = _fake(backups.backup_folder(path), "empty-29991231-235959-000000-before-merge.db")  # a clock set ahead
    monkeypatch.setenv(backups.KEEP_VARIABLE, "1")
    made = backups.backup_sqlite(path, "before-delete")
    assert made.exists() and later.exists()
    again = backups.backup_sqlite(path, "before-delete")
    assert again.exists() and later.exists() and not made.exists()


def test_every_kind_of_copy_the_app_makes_is_counted(demo_engine, demo_url, monkeypatch):
    monkeypatch.setenv(backups.KEEP_VARIABLE, "2")
    path = _path(demo_url)
    for _ in range(3):
        backups.backup_sqlite(path, "before-import")
    record = _load(demo_engine, 20)
    deleted = delete_account(demo_engine, 20, record.name, record.version)
    assert [backup.path for backup in backups.list_backups(path)][0] == deleted
    assert len(backups.list_backups(path)) == 2


# --- restoring ----------------------------------------------------------------------------------


def test_a_restore_gives_back_exactly_what_was_saved(demo_engine, demo_url):
    path = _path(demo_url)
    first = create_account(demo_engine, _new("Saved Before The Backup"))
    record = _load(demo_engine, 3)
    update_account(demo_engine, 3, {**record.values(), "notes": "kept in the backup"}, record.version)
    saved = backups.backup_sqlite(path, "manual")
    expected = snapshot(path)
    assert snapshot(saved) == expected

    # more changes after the copy, through the same services: new, changed, archived, deleted
    create_account(demo_engine, _new("Made After The Backup"))
    record = _load(demo_engine, 3)
    update_account(demo_engine, 3, {**record.values(), "notes": "changed after"}, record.version)
    set_status(demo_engine, first, "archived", _load(demo_engine, first).version)
    doomed = _load(demo_engine, 20)
    delete_account(demo_engine, 20, doomed.name, doomed.version, backup=False)
    changed = snapshot(path)
    assert changed != expected

    restored = backups.restore(path, saved)  # the app's engine stays open, as a running server's would
    assert_restored(path, expected, saved, access.current().name)
    assert integrity(path) == "ok"
    assert restored.safety_copy is not None and restored.safety_copy.name.endswith("-before-restore.db")
    assert snapshot(restored.safety_copy) == changed  # what the restore replaced is kept
    assert restored.revision == db.head_revision() and restored.migrated_to is None
    # the open engine reads the restored content
    with Session(demo_engine) as session:
        assert session.exec(select(Account.name).where(Account.id == 20)).one() == doomed.name
        assert not session.exec(select(Account).where(Account.name == "Made After The Backup")).all()


def test_an_older_copy_is_migrated_to_head_once_restored(tmp_path, empty_url):
    old = tmp_path / "old.db"
    engine = db.make_engine(f"sqlite:///{old}")
    db.migrate(engine, "0002")
    engine.dispose()
    restored = backups.restore(_path(empty_url), old)
    assert restored.revision == "0002" and restored.migrated_to == db.head_revision()
    engine = db.make_engine(empty_url)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


def _refused(live: Path, source: Path, code: str) -> None:
    before = snapshot(live)
    with pytest.raises(backups.NotABackup) as refused:
        backups.restore(live, source)
    assert refused.value.code == code and refused.value.path == source and str(source) in str(refused.value)
    assert snapshot(live) == before
    assert not backups.list_backups(live)  # refused before anything: not even a before-restore copy


def test_a_file_that_is_not_a_database_of_this_app_is_refused(empty_url, tmp_path):
    live = _path(empty_url)
    text = tmp_path / "notes.db"
    text.write_text("hello, not a database\n" * 10)
    _refused(live, text, "not_sqlite")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("create table things (x)")
    _refused(live, foreign, "not_kam")
    newer = tmp_path / "newer.db"
    backups.copy_sqlite(live, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("update alembic_version set version_num = '9999'")
    _refused(live, newer, "unknown_revision")
    _refused(live, tmp_path / "missing.db", "not_found")
    _refused(live, live, "same_file")


def test_a_download_is_a_fresh_whole_copy(demo_engine, demo_url):
    create_account(demo_engine, _new("Just Saved"))
    data = backups.snapshot_bytes(_path(demo_url))
    assert data[:16] == backups.SQLITE_HEADER
    copy = _path(demo_url).parent / "downloaded.db"
    copy.write_bytes(data)
    assert snapshot(copy) == snapshot(_path(demo_url))
    assert not backups.list_backups(_path(demo_url))  # a download is not one of the copies kept


# --- the command line ---------------------------------------------------------------------------


def test_cli_backup_list_and_restore(on, demo_url, capsys):
    on(demo_url)
    path = _path(demo_url)
    assert main(["backup"]) == 0
    made = backups.list_backups(path)[0].path
    assert str(made) in capsys.readouterr().out and made.name.endswith("-manual.db")
    expected = snapshot(path)
    create_account(db.get_engine(demo_url), _new("After The Copy"))
    assert main(["backups"]) == 0
    listed = capsys.readouterr().out
    assert "1 kept (at most 20, KAM_BACKUPS_KEEP)" in listed and made.name in listed and "manual" in listed
    assert main(["restore-backup", made.name]) == 0  # a name as `backups` lists it
    out = capsys.readouterr().out
    assert f"Restored {made} into {path}" in out and "before-restore" in out
    assert_restored(path, expected, made, access.os_user())  # the command line acts as the local admin


def test_cli_refuses_a_file_that_is_not_a_backup_and_names_it(on, demo_url, tmp_path, capsys):
    on(demo_url)
    before = snapshot(_path(demo_url))
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    assert main(["restore-backup", str(junk)]) == 1
    err = capsys.readouterr().err
    assert str(junk) in err and "not a SQLite database" in err and "Nothing was restored" in err
    assert snapshot(_path(demo_url)) == before


def test_cli_on_postgresql_points_to_pg_dump(on, capsys):
    on("postgresql://kam@db.invalid/kam")
    for command in (["backups"], ["restore-backup", "x.db"]):
        assert main(command) == 1
        assert "pg_dump" in capsys.readouterr().err


def test_cli_help_documents_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["restore-backup", "--help"])
    out = capsys.readouterr().out
    assert "before-restore" in out and "pg_restore" in out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "restore-backup FILE" in out and "KAM_BACKUPS_KEEP" in out


def test_an_import_prunes_only_once_its_copy_is_kept(on, demo_url, tmp_path, monkeypatch, capsys):
    from tests.unit.fixtures_import import write_csv

    on(demo_url)
    path = _path(demo_url)
    monkeypatch.setenv(backups.KEEP_VARIABLE, "2")
    older = [_fake(backups.backup_folder(path), f"demo-2025010{day}-101500-000000-before-merge.db") for day in (1, 2)]
    source = write_csv(tmp_path, "accounts.csv", [["Name", "Industry"], ["Brand New Customer", "Energy"]])
    assert main(["import", "accounts", str(source)]) == 0
    kept = backups.list_backups(path)
    assert [backup.label for backup in kept] == ["before-import", "before-merge"] and not older[0].exists()
    # a file whose every row is refused writes nothing: its copy is discarded, no older copy goes for it
    refused = write_csv(tmp_path, "refused.csv", [["Name", "Industry"], ["", "Energy"]])
    assert main(["import", "accounts", str(refused)]) == 1
    capsys.readouterr()
    assert backups.list_backups(path) == kept


def test_a_database_in_a_folder_named_with_a_hash_is_copied_whole(tmp_path):
    """An unescaped file: URI cuts the name at '#': the copy was of another, empty file."""
    folder = tmp_path / "KAM #2"
    folder.mkdir()
    db.get_engine(f"sqlite:///{folder / 'kam.db'}")
    copy = backups.backup_sqlite(folder / "kam.db", "manual")
    assert backups.check_backup(copy) == db.head_revision()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["KAM #2"]  # no stray empty file beside it
