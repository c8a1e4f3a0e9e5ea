"""The store: pragmas, constraints enforced by the database, optimistic locking, bad databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from kam_core.common.text import fold_name
from kam_core.store import backups, db
from kam_core.store.models import Account, AccountYear, Criterion, Score, Stakeholder
from tests.conftest import POSTGRES


def _account(name: str, **fields) -> Account:
    return Account(name=name, name_key=fold_name(name), sector="Energy", **fields)


@pytest.mark.sqlite_only("SQLite's PRAGMAs")
def test_sqlite_pragmas_are_active(empty_url):
    with db.get_engine(empty_url).connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == db.busy_wait_ms()


def test_foreign_keys_are_enforced(empty_url):
    with Session(db.get_engine(empty_url)) as session:
        session.add(AccountYear(account_id=999, year=2025, revenue=1.0))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.mark.parametrize(
    "model, fields",
    [
        (Account, {"margin_pct": 150.0}),
        (Account, {"status": "dormant"}),
        (Account, {"potential_3y": -1.0}),
        (Account, {"country": "FRA"}),
    ],
)
def test_out_of_range_account_values_are_refused_by_the_database(empty_url, model, fields):
    with Session(db.get_engine(empty_url)) as session:
        session.add(_account("Acme", **fields))
        # PostgreSQL refuses a text longer than its VARCHAR as a DataError (SQLite through a CHECK)
        with pytest.raises((IntegrityError, DataError) if POSTGRES else IntegrityError):
            session.commit()


def test_score_range_and_period_format_are_enforced(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        account = _account("Acme")
        session.add(account)
        session.commit()
        criterion_id = session.exec(Criterion.__table__.select().limit(1)).first().id
        for bad in (
            {"value": 11.0, "period": "2026-Q1"},
            {"value": 5.0, "period": "2026-Q5"},
            {"value": -0.5, "period": "2026-Q1"},
            {"value": 5.0, "period": "26-Q1"},
        ):
            session.add(Score(account_id=account.id, criterion_id=criterion_id, **bad))
            with pytest.raises(IntegrityError):
                session.commit()
            session.rollback()


def test_account_names_are_unique_ignoring_case_and_accents(empty_url):
    with Session(db.get_engine(empty_url)) as session:
        session.add(_account("Société Générale d'Énergie"))
        session.commit()
        session.add(_account("SOCIETE  generale d'energie"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_stakeholder_influence_must_be_between_1_and_5(empty_url):
    with Session(db.get_engine(empty_url)) as session:
        account = _account("Acme")
        session.add(account)
        session.commit()
        session.add(Stakeholder(account_id=account.id, name="A. Person", influence=6))
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_stale_update_is_refused(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as first:
        account = _account("Acme")
        first.add(account)
        first.commit()
        account_id = account.id
    with Session(engine) as alice, Session(engine) as bob:
        mine = alice.get(Account, account_id)
        theirs = bob.get(Account, account_id)
        mine.notes = "Alice was here"
        alice.commit()
        theirs.notes = "Bob overwrites"
        with pytest.raises(StaleDataError):
            bob.commit()
    with Session(engine) as check:
        saved = check.get(Account, account_id)
        assert saved.notes == "Alice was here"
        assert saved.version == 2


def test_timestamps_are_set_and_updated(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        account = _account("Acme")
        session.add(account)
        session.commit()
        created = account.created_at
        account.notes = "changed"
        session.commit()
        assert account.updated_at >= created


def test_deleting_an_account_removes_its_plan_rows(empty_url):
    engine = db.get_engine(empty_url)
    with Session(engine) as session:
        account = _account("Acme")
        session.add(account)
        session.commit()
        session.add(AccountYear(account_id=account.id, year=2025, revenue=10.0))
        session.commit()
        session.delete(account)
        session.commit()
        assert session.exec(AccountYear.__table__.select()).all() == []


@pytest.mark.sqlite_only("a file that is not a database")
def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "kam.db"
    path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(db.StoreError) as raised:
        db.get_engine(f"sqlite:///{path}")
    assert raised.value.code == "store.not_a_database"
    assert raised.value.params["path"] == str(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


@pytest.mark.sqlite_only("a directory in place of the .db file")
def test_a_directory_in_place_of_the_file_is_refused(tmp_path):
    (tmp_path / "kam.db").mkdir()
    with pytest.raises(db.StoreError) as raised:
        db.get_engine(f"sqlite:///{tmp_path / 'kam.db'}")
    assert raised.value.code == "store.not_a_database"


@pytest.mark.parametrize(
    "url, code",
    [
        ("not a url", "store.bad_url"),
        ("mysqlx://user:secret@host/db", "store.bad_url"),
    ],
)
def test_an_invalid_database_url_gives_a_clear_error(url, code):
    with pytest.raises(db.StoreError) as raised:
        db.get_engine(url)
    assert raised.value.code == code
    assert "secret" not in str(raised.value.params)


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_postgresql_server_that_does_not_answer_is_named_without_its_password():
    port = _closed_port()
    with pytest.raises(db.StoreError) as raised:
        db.get_engine(f"postgresql+psycopg://kam:secret@127.0.0.1:{port}/kam")
    assert raised.value.code == "store.unreachable"
    assert f"127.0.0.1:{port}/kam" in raised.value.params["path"] and "refused" in raised.value.params["reason"]
    assert "secret" not in str(raised.value.params)


@pytest.mark.skipif(not POSTGRES, reason="needs the tests' PostgreSQL server (KAM_TEST_BACKEND=postgres)")
def test_a_database_missing_on_the_server_is_named(databases):
    url = databases.server.url("no_such_database")
    with pytest.raises(db.StoreError) as raised:
        db.get_engine(url)
    assert raised.value.code == "store.unreachable"
    assert raised.value.params["path"].endswith("/no_such_database")
    assert 'database "no_such_database" does not exist' in raised.value.params["reason"]


def test_the_default_database_lives_in_data(monkeypatch):
    monkeypatch.delenv("KAM_DATABASE_URL", raising=False)
    assert db.sqlite_path(db.database_url()) == db.DEFAULT_DB_PATH
    monkeypatch.setenv("KAM_DATABASE_URL", "postgresql+psycopg://kam:pw@db.example/kam")
    assert db.database_url().startswith("postgresql")
    assert "pw" not in db.describe(db.database_url())


def test_a_unit_of_work_commits_whole_or_not_at_all(empty_url):
    engine = db.get_engine(empty_url)
    with pytest.raises(IntegrityError), db.session_scope(engine) as session:
        session.add(_account("First"))
        session.flush()
        session.add(_account("first"))  # same folded name
        session.flush()
    with Session(engine) as session:
        assert session.exec(Account.__table__.select()).all() == []


def test_dates_round_trip(empty_url):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        account = _account("Acme")
        session.add(account)
        session.flush()
        session.add(Stakeholder(account_id=account.id, name="A. Person", last_contact=date(2026, 1, 31)))
    with Session(engine) as session:
        assert session.exec(Stakeholder.__table__.select()).first().last_contact == date(2026, 1, 31)


@pytest.mark.sqlite_only("the copy of the .db file")
def test_a_copy_interrupted_midway_leaves_no_file_that_looks_like_a_backup(tmp_path, monkeypatch):
    import sqlite3 as real
    from types import SimpleNamespace

    source = tmp_path / "kam.db"
    db.get_engine(f"sqlite:///{source}")
    target = tmp_path / "copy.db"

    class Stopped(Exception):
        pass

    class Source:  # the real file, whose copy stops half way (the process killed)
        def __init__(self, *args, **kwargs):
            self.connection = real.connect(*args, **kwargs)

        def backup(self, destination):
            destination.execute("create table half_copied (x)")
            destination.commit()
            raise Stopped()

        def close(self):
            self.connection.close()

    def connect(name, *args, **kwargs):
        return Source(name, *args, **kwargs) if str(name).startswith("file:") else real.connect(name, *args, **kwargs)

    monkeypatch.setattr(backups, "sqlite3", SimpleNamespace(connect=connect))
    with pytest.raises(Stopped):
        backups.copy_sqlite(source, target)
    assert not target.exists() and not list(tmp_path.glob("*.part"))
