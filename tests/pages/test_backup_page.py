"""Import and export, Backups section under AppTest: the download of a fresh copy is offered, the
copies kept are listed with why and when, with the folder and the keep limit; PostgreSQL is told
to use pg_dump."""

from __future__ import annotations

import pytest

from kam_core.common.text import md
from kam_core.store import backups, db
from tests.pages.conftest import no_exception, texts

EXCHANGE = "pages/data/exchange.py"


def _download_labels(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


@pytest.mark.sqlite_only("the copies of a SQLite file")
def test_the_backups_section_offers_a_download_and_lists_the_copies(demo_app, demo_url, monkeypatch):
    path = db.sqlite_path(demo_url)
    monkeypatch.setenv(backups.KEEP_VARIABLE, "7")
    made = backups.backup_sqlite(path, "before-import")
    backups.backup_sqlite(path, "before-migration-from-0002")
    app = demo_app(EXCHANGE)
    no_exception(app)
    shown = texts(app)
    assert "Backups of the database" in shown
    assert md(backups.backup_folder(path)) in shown and "the 7 newest are kept" in shown and "KAM_BACKUPS_KEEP" in shown
    assert "Download a copy of the database" in _download_labels(app)
    table = app.dataframe[-1].value
    assert list(table["File"])[1] == made.name
    assert list(table["Why"]) == ["before the schema was migrated from 0002", "before an import"]
    assert all(size.endswith(" MB") for size in table["Size"])


@pytest.mark.sqlite_only("the copies of a SQLite file")
def test_without_copies_the_section_says_so_in_french(demo_app):
    app = demo_app(EXCHANGE)
    app.radio(key="language").set_value("fr").run()
    no_exception(app)
    assert "Sauvegardes de la base" in texts(app) and "Aucune copie conservée pour l'instant." in texts(app)
    assert "Télécharger une copie de la base" in _download_labels(app)


def test_on_postgresql_the_section_points_to_pg_dump(demo_app, monkeypatch):
    monkeypatch.setattr(backups, "live_file", lambda: None)  # the store is not a SQLite file
    app = demo_app(EXCHANGE)
    no_exception(app)
    assert "pg_dump" in texts(app) and "Download a copy of the database" not in _download_labels(app)
