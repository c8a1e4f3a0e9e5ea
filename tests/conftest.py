"""Fixtures shared by every test layer: temporary databases, empty or with the demo portfolio."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

# Every test sees the same "today", so figures computed from dates are stable.
TODAY = date(2026, 11, 26)
os.environ["KAM_TODAY"] = TODAY.isoformat()
os.environ.pop("KAM_DATABASE_URL", None)

from kam_core import access, charts, db  # noqa: E402

# The app skips validating chart specs against the Vega-Lite schema (it costs more than drawing);
# the tests validate every spec a page draws or a file holds, so a broken chart fails here.
charts.VALIDATE_SPECS = True


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def empty_url(tmp_path) -> str:
    """A new database migrated to head, with the programme defaults and no account."""
    url = sqlite_url(tmp_path / "empty.db")
    db.get_engine(url)
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo portfolio, built once per test run; tests get copies of it."""
    from kam_core.seed import seed_demo

    path = tmp_path_factory.mktemp("template") / "demo.db"
    engine = db.make_engine(sqlite_url(path))
    db.prepare(engine)
    with db.session_scope(engine) as session:
        seed_demo(session, today=TODAY)
    engine.dispose()
    return path


@pytest.fixture
def demo_url(tmp_path, demo_template) -> str:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    return sqlite_url(path)


@pytest.fixture
def demo_engine(demo_url):
    return db.get_engine(demo_url)


@pytest.fixture(autouse=True)
def _close_engines():
    yield
    db.dispose_all()
    access.set_default(None)  # an app run with sign-in on makes "nobody" the process default
