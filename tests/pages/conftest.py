"""AppTest helpers: the real app.py, pointed at a temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from kam_core.ui import readers
from tests.conftest import POSTGRES, sqlite_url

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(
    url: str, monkeypatch, page: str | None = None, *, secrets: dict | None = None, user: dict | None = None, **query
) -> AppTest:
    """The app on ``url``; ``secrets`` and ``user`` as the run reads them (``st.secrets``, ``st.user``)."""
    monkeypatch.setenv("KAM_DATABASE_URL", url)
    readers.clear()
    app = AppTest.from_file(APP, default_timeout=30)
    app.secrets.update(secrets or {})
    if user is not None:
        app.user = user
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    return app


LARGE_ACCOUNTS = 300  # over the sidebar's shortlist of 100: searches and capped lists show


@pytest.fixture(scope="session")
def large_template(tmp_path_factory, databases):
    """A generated programme of LARGE_ACCOUNTS accounts (the benchmark's generator), built once: a
    SQLite file, or (PostgreSQL) a template database holding the same rows."""
    from bench.generate import generate

    path = tmp_path_factory.mktemp("large") / "large.db"
    generate(path, LARGE_ACCOUNTS)
    if not POSTGRES:
        return path
    url = databases.new(tmp_path_factory.mktemp("large_pg"))
    _copy_rows(sqlite_url(path), url)
    return make_url(url).database


def _copy_rows(source_url: str, target_url: str) -> None:
    """Every row of the SQLite file into a new PostgreSQL database migrated to head (the workbook
    restore's own inserts: self-references set after, id sequences moved past the copied ids)."""
    from sqlalchemy import select

    from kam_core.exchange import workbook
    from kam_core.store import db

    source, target = db.make_engine(source_url), db.make_engine(target_url)
    try:
        db.migrate(target)
        with source.connect() as reading, target.begin() as writing:
            for table in workbook.tables():
                records = [dict(row) for row in reading.execute(select(table)).mappings()]
                if records:
                    workbook._insert(writing, table, records)
            workbook._reset_sequences(writing, workbook.tables())
    finally:
        source.dispose()
        target.dispose()  # a template is copied only while nobody is connected to it


@pytest.fixture
def large_programme(large_template, databases, tmp_path, monkeypatch):
    """(url, directory) of a copy of the large programme, KAM_TODAY on the generator's day."""
    import shutil

    from sqlmodel import Session

    from kam_core.portfolio.directory import account_directory
    from kam_core.store import db

    if POSTGRES:
        url = databases.server.url(databases.server.create_database(template=large_template))
    else:
        path = tmp_path / "large.db"
        shutil.copy(large_template, path)
        url = sqlite_url(path)
    monkeypatch.setenv("KAM_TODAY", "2026-11-26")
    with Session(db.get_engine(url)) as session:
        directory = account_directory(session)
    yield url, directory
    db.dispose_all()
    databases.drop(url)


@pytest.fixture
def demo_app(demo_url, monkeypatch):
    def _open(page: str | None = None, **query) -> AppTest:
        return open_app(demo_url, monkeypatch, page, **query)

    return _open


def no_exception(app: AppTest) -> None:
    assert not app.exception, [element.value for element in app.exception]


def texts(app: AppTest) -> str:
    """Every piece of text the run drew, to search in."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(element.value) for element in getattr(app, kind)]
    parts += [f"{metric.label} {metric.value}" for metric in app.metric]
    return "\n".join(parts)
