"""A busy database: a write waits for another write's lock BUSY_WAIT_MS at most, in all (5 s at
most; one wait, never retried), then refuses with ``StoreError("store.busy")``, nothing written.
Reads never take the lock. On SQLite the lock is held by another process (``tests/locks.py``); on
PostgreSQL by another connection holding the programme's write lock (``db.WRITE_LOCK_KEY``)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, func, select

from kam_core.common.text import fold_name
from kam_core.store import db
from kam_core.store.models import Account
from tests.conftest import POSTGRES
from tests.locks import write_lock_held_by_another_process

SHORT_WAIT_MS = 300
PROMISED_MS = 5000  # the promise: a few seconds at most


@pytest.fixture
def short_wait(monkeypatch):
    db.dispose_all()
    monkeypatch.setenv(db.BUSY_WAIT_VARIABLE, str(SHORT_WAIT_MS))
    yield
    db.dispose_all()


@contextmanager
def write_lock(url: str):
    """Another save in progress holds the write lock of the database ``url``."""
    if not POSTGRES:
        with write_lock_held_by_another_process(db.sqlite_path(url)):
            yield
        return
    other = db.make_engine(url)
    try:
        with other.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": db.WRITE_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": db.WRITE_LOCK_KEY})
                connection.commit()
    finally:
        other.dispose()


def _accounts(url: str) -> int:
    with Session(db.get_engine(url)) as session:
        return session.exec(select(func.count()).select_from(Account)).one()


def test_the_longest_wait_is_stated_once_and_is_a_few_seconds(monkeypatch):
    monkeypatch.delenv(db.BUSY_WAIT_VARIABLE, raising=False)
    assert db.busy_wait_ms() == db.BUSY_WAIT_MS <= PROMISED_MS
    for asked, used in [("300", 300), ("0", 0), ("60000", db.BUSY_WAIT_MS), ("soon", db.BUSY_WAIT_MS)]:
        monkeypatch.setenv(db.BUSY_WAIT_VARIABLE, asked)
        assert db.busy_wait_ms() == used, asked  # shorter for the tests, never longer


@pytest.mark.sqlite_only("SQLite's busy timeout")
def test_sqlite_waits_the_busy_wait_itself(empty_url, short_wait):
    with db.get_engine(empty_url).connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SHORT_WAIT_MS


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL's lock_timeout")
def test_postgresql_waits_the_busy_wait_for_a_write_and_reads_take_no_lock(empty_url, short_wait):
    engine = db.get_engine(empty_url)
    with db.session_scope(engine) as session:
        assert session.execute(text("SHOW lock_timeout")).scalar() == f"{SHORT_WAIT_MS}ms"
    with Session(engine) as session:
        assert session.execute(text("SHOW lock_timeout")).scalar() == "0"  # a read: no limit set, no lock taken


def test_a_write_while_another_save_holds_the_lock_waits_once_then_says_busy(empty_url, short_wait):
    engine = db.get_engine(empty_url)
    begins = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(_connection, _cursor, statement, *_args):
        if statement.startswith(("BEGIN IMMEDIATE", "SELECT pg_advisory_xact_lock")):
            begins.append(statement)

    before = _accounts(empty_url)
    with (
        write_lock(empty_url),
        pytest.raises(db.StoreError) as refused,  # never the driver's OperationalError
        db.session_scope(engine) as session,
    ):
        session.add(Account(name="Busy Co", name_key=fold_name("Busy Co"), sector="Energy"))
    assert refused.value.code == "store.busy"
    assert refused.value.params["path"] == db.describe(empty_url)
    assert len(begins) == 1, begins  # one wait for the lock: the busy wait is the whole of it
    assert _accounts(empty_url) == before
    # the lock released, the same write goes through
    with db.session_scope(engine) as session:
        session.add(Account(name="Busy Co", name_key=fold_name("Busy Co"), sector="Energy"))
    assert _accounts(empty_url) == before + 1


def test_reads_and_a_starting_process_do_not_wait_for_the_lock(demo_url, monkeypatch):
    """A process that starts while another saves (its engine made: migrations checked, defaults
    looked for) reads at once, whatever the wait: nothing of that takes the write lock."""
    before = _accounts(demo_url)
    db.dispose_all()
    monkeypatch.setenv(db.BUSY_WAIT_VARIABLE, str(db.BUSY_WAIT_MS))  # were the lock waited for, "busy" would follow
    try:
        with write_lock(demo_url):
            engine = db.get_engine(demo_url)
            assert db.current_revision(engine) == db.head_revision()
            assert _accounts(demo_url) == before
    finally:
        db.dispose_all()
