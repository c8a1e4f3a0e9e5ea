"""kam_core.ui.readers._kept: a read is kept until the next write, and the cyclic collector does not
walk the objects a read is building (it is back on once the read ends, even when the read fails)."""

from __future__ import annotations

import gc

import pytest

from kam_core.ui import readers


def test_a_read_is_kept_until_a_write_and_runs_without_collector_pauses():
    seen = []

    @readers._kept
    def read(number):
        seen.append((number, gc.isenabled()))
        return [number]

    assert gc.isenabled()
    first = read(1)
    assert read(1) is first and seen == [(1, False)]  # kept: the second call reads nothing
    assert gc.isenabled()  # back on once the read ended
    readers.clear()
    assert read(1) is not first and seen == [(1, False), (1, False)]


def test_a_failing_read_turns_the_collector_back_on():
    @readers._kept
    def broken():
        raise RuntimeError("the store is gone")

    with pytest.raises(RuntimeError):
        broken()
    assert gc.isenabled()


def test_a_reader_is_keyed_by_the_database_and_its_dependencies_with_defaults_filled(monkeypatch):
    from datetime import date

    seen = []

    @readers.reader(depends_on=("day",))
    def read(url, day, number=1):
        seen.append((url, day, number))
        return [number]

    monkeypatch.setattr(readers, "database_url", lambda: "sqlite:///one.db")
    monkeypatch.setattr(readers, "today", lambda: date(2026, 1, 1))
    first = read()
    assert read(1) is first and read(number=1) is first  # one value, one key
    assert read.at("sqlite:///one.db", date(2026, 1, 1), 1) is first
    monkeypatch.setattr(readers, "today", lambda: date(2026, 1, 2))
    assert read() is not first  # another day, another value
    monkeypatch.setattr(readers, "database_url", lambda: "sqlite:///two.db")
    read()
    assert seen == [
        ("sqlite:///one.db", date(2026, 1, 1), 1),
        ("sqlite:///one.db", date(2026, 1, 2), 1),
        ("sqlite:///two.db", date(2026, 1, 2), 1),
    ]
    readers.clear()
    read()
    assert len(seen) == 4  # read again after a write


def test_a_reader_states_what_it_reads_from():
    with pytest.raises(ValueError):
        readers.reader(depends_on=("moon",))
    with pytest.raises(TypeError):

        @readers.reader(depends_on=("day",))
        def wrong(session, number):
            return number


def test_the_kept_reads_are_emptied_when_another_engine_wrote_and_only_then(demo_url, on):
    from sqlmodel import Session

    from kam_core.account.accounts import load_account, update_account
    from kam_core.store import db

    on(demo_url)
    readers.follow_store()  # the process's first look
    first = readers.account_directory()
    assert readers.follow_store() is False and readers.account_directory() is first  # nothing written
    other = db.make_engine(demo_url)  # another server on the same database
    try:
        with Session(other) as session:
            record = load_account(session, 3)
        update_account(other, 3, {**record.values(), "name": "Renamed Elsewhere"}, record.version)
    finally:
        other.dispose()
    assert readers.account_directory() is first  # kept until the next run looks
    assert readers.follow_store() is True
    assert readers.account_directory().names[3] == "Renamed Elsewhere"
    assert readers.follow_store() is False
    kept = readers.account_directory()
    readers.written()  # a save of this process: emptied once, at once
    assert readers.account_directory() is not kept
    again = readers.account_directory()
    assert readers.follow_store() is False and readers.account_directory() is again  # not a second time


def _rename(engine, account_id: int, name: str) -> None:
    from sqlmodel import Session

    from kam_core.account.accounts import load_account, update_account

    with Session(engine) as session:
        record = load_account(session, account_id)
    update_account(engine, account_id, {**record.values(), "name": name}, record.version)


@pytest.mark.sqlite_only("a restore of a copy of the SQLite file")
def test_a_restore_is_read_at_the_next_run(demo_url, on):
    """Issue 22: after ``restore-backup`` the app is to show the restored data at its next page."""
    from kam_core.store import backups, db

    on(demo_url)
    path = db.sqlite_path(demo_url)
    saved = backups.backup_sqlite(path, "manual")
    original = readers.account_directory().names[3]
    _rename(db.get_engine(demo_url), 3, "Renamed Before The Restore")
    readers.written()
    assert readers.account_directory().names[3] == "Renamed Before The Restore"
    backups.restore(path, saved)  # what the command does, in place through SQLite's backup API
    assert readers.follow_store() is True
    assert readers.account_directory().names[3] == original


@pytest.mark.sqlite_only("another SQLite file put at the database's path")
def test_a_database_file_replaced_at_its_path_is_read_at_the_next_run(demo_url, on, tmp_path):
    """Issue 22: the pooled connections still read the file that was replaced, in every new session
    too: the store notices another file at the path (``db.follow_file``) and opens it anew."""
    import os

    from sqlalchemy import text

    from kam_core.store import backups, db

    on(demo_url)
    path = db.sqlite_path(demo_url)
    readers.follow_store()
    original = readers.account_directory().names[3]
    copy = backups.copy_sqlite(path, tmp_path / "copy.db")
    other = db.make_engine(f"sqlite:///{copy}")
    try:
        _rename(other, 3, "Renamed In The Copy")
    finally:
        other.dispose()  # the last connection checkpoints the copy's log into it
    with db.get_engine(demo_url).connect() as connection:  # the live file's log emptied: a clean swap
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    os.replace(copy, path)
    assert readers.follow_store() is True
    assert readers.account_directory().names[3] == "Renamed In The Copy" != original
    assert readers.follow_store() is False
