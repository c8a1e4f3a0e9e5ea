"""Fixtures shared by every test layer: temporary databases, empty or with the demo portfolio.

The store and page tests run on SQLite by default, and on a throw-away PostgreSQL server when
``KAM_TEST_BACKEND=postgres`` (``make test`` runs both; ``tests/postgres_server.py``). Tests about
SQLite files only are marked ``sqlite_only`` and skipped on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# The property tests draw the same examples at every run, so a run on a clean clone (CI, with no
# example database to replay from) fails or passes as it did here. HYPOTHESIS_PROFILE=explore draws
# new examples at every run (with HOSTILE_EXAMPLES=500, a deeper search before a release).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# make test-calendar moves the clock (tests/travel.py): before anything reads the time
from tests import travel  # noqa: E402

travel.start_from_environment()

# Every test sees the same "today", so figures computed from dates are stable.
TODAY = date(2026, 11, 26)
os.environ["KAM_TODAY"] = TODAY.isoformat()
os.environ.pop("KAM_DATABASE_URL", None)
os.environ.pop("KAM_LANGUAGE", None)  # programmes and the demo are created in English unless a test asks

from kam_core.documents import charts  # noqa: E402
from kam_core.governance import access  # noqa: E402
from kam_core.store import db  # noqa: E402

# The app skips validating chart specs against the Vega-Lite schema (it costs more than drawing);
# the tests validate every spec a page draws or a file holds, so a broken chart fails here.
charts.VALIDATE_SPECS = True

BACKEND = os.environ.get("KAM_TEST_BACKEND", "").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"KAM_TEST_BACKEND must be 'sqlite' or 'postgres', not {BACKEND!r}")
POSTGRES = BACKEND == "postgres"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def pytest_report_header(config):
    moment = travel.moment_from_environment()
    clock = f"; clock moved to {moment.isoformat()} ({moment.tzname()})" if moment else ""
    return f"database backend: {BACKEND}{clock}"


def pytest_collection_modifyitems(config, items):
    """On the PostgreSQL pass: skip what is about SQLite files (``sqlite_only``), and what uses no
    database of the backend at all (no ``databases`` fixture, which every database of the tests comes
    from): the SQLite pass runs those, and running them twice would prove nothing more."""
    if not POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "about SQLite files"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        elif "databases" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.skip(reason="uses no database: run by the SQLite pass"))


class Databases:
    """New databases of the test backend: ``empty()``, ``demo()``; ``drop(url)`` when done."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp = tmp_path_factory
        self._server = None
        self._templates: dict[str, object] = {}
        self._builders: dict[str, object] = {}

    # PostgreSQL: one server per session; templates built once, copied per test by CREATE DATABASE
    @property
    def server(self):
        """The session's PostgreSQL server (started on first use)."""
        if self._server is None:
            from tests.postgres_server import PostgresServer

            self._server = PostgresServer().start()
        return self._server

    def _template(self, kind: str):
        if kind not in self._templates:
            if POSTGRES:
                name = self.server.create_database(prefix=f"template_{kind}")
                url = self.server.url(name)
            else:
                name = self.tmp.mktemp(f"template_{kind}") / f"{kind}.db"
                url = sqlite_url(name)
            engine = db.make_engine(url)
            try:
                db.prepare(engine)
                if kind == "demo":
                    from kam_core.demo.seed import seed_demo

                    with db.session_scope(engine) as session:
                        seed_demo(session, today=TODAY)
                elif kind in self._builders:
                    self._builders[kind](engine)
            finally:
                engine.dispose()  # a PostgreSQL template is copied only while nobody is connected to it
            self._templates[kind] = name
        return self._templates[kind]

    def template(self, kind: str, build=None):
        """The template itself: a file (SQLite) or a database name (PostgreSQL). Never write to it.
        ``build(engine)`` fills a template of a kind of its own once, after the migrations."""
        if build is not None:
            self._builders.setdefault(kind, build)
        return self._template(kind)

    def copy(self, kind: str, folder: Path, name: str | None = None) -> str:
        """The URL of a new database holding a copy of the ``kind`` template."""
        template = self._template(kind)
        if POSTGRES:
            with access.acting_as(access.SYSTEM):
                return self.server.url(self.server.create_database(template=template))
        path = Path(folder) / (name or f"{kind}.db")
        shutil.copy(template, path)
        return sqlite_url(path)

    def empty(self, folder: Path) -> str:
        return self.copy("empty", folder)

    def demo(self, folder: Path) -> str:
        return self.copy("demo", folder)

    def new(self, folder: Path, name: str = "new.db") -> str:
        """A URL naming a database that does not exist yet in SQLite / exists and is blank in PostgreSQL."""
        if POSTGRES:
            return self.server.url(self.server.create_database())
        return sqlite_url(Path(folder) / name)

    def drop(self, url: str) -> None:
        """Forget a database made by ``copy``/``new`` (PostgreSQL: dropped; SQLite: pytest removes the file)."""
        if POSTGRES and self._server is not None:
            from sqlalchemy.engine import make_url

            with access.acting_as(access.SYSTEM):  # whoever the last app run left as the process default
                self._server.drop_database(make_url(url).database)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    manager = Databases(tmp_path_factory)
    try:
        yield manager
    finally:
        manager.close()


@pytest.fixture
def empty_url(tmp_path, databases) -> str:
    """A new database migrated to head, with the programme defaults and no account."""
    url = databases.empty(tmp_path)
    db.get_engine(url)
    yield url
    db.dispose_all()
    databases.drop(url)


@pytest.fixture
def new_url(tmp_path, databases) -> str:
    """A database with no table yet: a file not yet created (SQLite), a blank database (PostgreSQL)."""
    url = databases.new(tmp_path)
    yield url
    db.dispose_all()
    databases.drop(url)


@pytest.fixture(scope="session")
def demo_template(databases):
    """The demo portfolio, built once per test run; tests get copies of it (``databases.demo``).
    A SQLite file, or the name of a PostgreSQL template database."""
    return databases.template("demo")


@pytest.fixture
def demo_url(tmp_path, databases, demo_template) -> str:
    url = databases.demo(tmp_path)
    yield url
    db.dispose_all()
    databases.drop(url)


@pytest.fixture
def demo_engine(demo_url):
    return db.get_engine(demo_url)


@pytest.fixture(autouse=True)
def _close_engines():
    yield
    db.dispose_all()
    access.set_default(None)  # an app run with sign-in on makes "nobody" the process default


@pytest.fixture
def on(monkeypatch):
    """``on(url)`` points KAM_DATABASE_URL at ``url`` for the test (as the command line reads it)."""

    def point_at(url: str) -> str:
        monkeypatch.setenv("KAM_DATABASE_URL", url)
        return url

    return point_at
