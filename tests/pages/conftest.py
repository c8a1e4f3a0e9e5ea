"""AppTest helpers: the real app.py, pointed at a temporary database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pathlib import Path

from kam_core.ui import readers

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(url: str, monkeypatch, page: str | None = None, **query) -> AppTest:
    monkeypatch.setenv("KAM_DATABASE_URL", url)
    readers.clear()
    app = AppTest.from_file(APP, default_timeout=30)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(page).run()
    return app


LARGE_ACCOUNTS = 300  # over the sidebar's shortlist of 100: searches and capped lists show


@pytest.fixture(scope="session")
def large_template(tmp_path_factory) -> Path:
    """A generated programme of LARGE_ACCOUNTS accounts (the benchmark's generator), built once."""
    from bench.generate import generate

    path = tmp_path_factory.mktemp("large") / "large.db"
    generate(path, LARGE_ACCOUNTS)
    return path


@pytest.fixture
def large_programme(large_template, tmp_path, monkeypatch):
    """(url, directory) of a copy of the large programme, KAM_TODAY on the generator's day."""
    import shutil

    from sqlmodel import Session

    from kam_core import db
    from kam_core.directory import account_directory

    path = tmp_path / "large.db"
    shutil.copy(large_template, path)
    monkeypatch.setenv("KAM_TODAY", "2026-11-26")
    url = f"sqlite:///{path}"
    with Session(db.get_engine(url)) as session:
        return url, account_directory(session)


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
