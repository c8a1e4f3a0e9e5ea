"""Migrations: from empty, from the previous revision with data kept, backups, no drift."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from kam_core.store import db
from tests.conftest import POSTGRES


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(db._alembic_config(None))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def test_upgrade_from_empty_creates_every_table(new_url):
    engine = db.make_engine(new_url)
    assert db.migrate(engine) is None  # a new database needs no backup
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert db.current_revision(engine) == db.head_revision()


def test_models_and_migrations_agree(new_url):
    engine = db.make_engine(new_url)
    db.migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []


def test_upgrade_from_the_previous_revision_keeps_the_data(new_url, tmp_path):
    revisions = _revisions()
    assert len(revisions) >= 2
    engine = db.make_engine(new_url)
    db.migrate(engine, revisions[-2])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO account (id, version, created_at, updated_at, name, name_key, sector, status) "
                "VALUES (1, 3, '2026-01-01 00:00:00', '2026-01-02 00:00:00', 'Acme Énergie', 'acme energie', "
                "'Energy', 'active')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO account_year (account_id, version, created_at, updated_at, year, revenue) "
                "VALUES (1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 2025, 1250000)"
            )
        )

    backup = db.migrate(engine)

    assert db.current_revision(engine) == revisions[-1]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name, version FROM account")).all() == [("Acme Énergie", 3)]
        assert connection.execute(text("SELECT revenue FROM account_year")).scalar() == 1250000
    if POSTGRES:  # copies are of SQLite files only
        assert backup is None
        return
    # a copy of the file as it was before the migration is kept, and it is a readable database
    assert backup is not None and backup.parent == tmp_path / "backups"
    copy = sqlite3.connect(backup)
    try:
        assert copy.execute("SELECT name FROM account").fetchall() == [("Acme Énergie",)]
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (revisions[-2],)
    finally:
        copy.close()


def test_every_revision_downgrades_and_upgrades_again(new_url):
    engine = db.make_engine(new_url)
    db.migrate(engine)
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.migrate(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_prepare_installs_programme_defaults_once(new_url):
    engine = db.get_engine(new_url)
    db.prepare(engine)  # a second start changes nothing
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM programme")).scalar() == 1
        weights = dict(connection.execute(text("SELECT axis, sum(weight) FROM criterion GROUP BY axis")).all())
    assert weights == {"attractiveness": 100, "strength": 100}


def test_0006_renumbers_duplicate_ranks_then_holds_each_rank_once(new_url):
    # issue 20: two concurrent additions stored rank 2 twice; the migration repairs, then constrains
    engine = db.make_engine(new_url)
    db.migrate(engine, "0005")
    stored = {1: [(10, 1), (11, 2), (12, 2), (13, 5)], 2: [(20, 3), (21, 3)], 3: [(30, 1), (31, 2)]}
    with engine.begin() as connection:
        for account, priorities in stored.items():
            connection.execute(
                text(
                    "INSERT INTO account (id, version, created_at, updated_at, name, name_key, sector, status) "
                    "VALUES (:id, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', :name, :name, 'Energy', 'active')"
                ),
                {"id": account, "name": f"account {account}"},
            )
            for identifier, rank in reversed(priorities):  # stored out of order: the id decides ties
                connection.execute(
                    text(
                        "INSERT INTO priority (id, version, created_at, updated_at, account_id, rank, title) "
                        "VALUES (:id, 4, '2026-01-01 00:00:00', '2026-01-01 00:00:00', :account, :rank, 'P')"
                    ),
                    {"id": identifier, "account": account, "rank": rank},
                )

    db.migrate(engine)

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, rank, version FROM priority ORDER BY id")).all()
    assert rows == [
        (10, 1, 4), (11, 2, 4), (12, 3, 5), (13, 4, 5),  # by rank, then id; gaps close; a moved row: version + 1
        (20, 1, 5), (21, 2, 5),
        (30, 1, 4), (31, 2, 4),  # nothing to repair: untouched
    ]  # fmt: skip
    unique = {
        index["name"]: index["column_names"] for index in inspect(engine).get_indexes("priority") if index["unique"]
    }
    assert unique["uq_priority_rank"] == ["account_id", "rank"]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE priority SET rank = 1 WHERE id = 11"))
