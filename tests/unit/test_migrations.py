"""Migrations: from empty, from the previous revision with data kept, backups, no drift."""

from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
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
