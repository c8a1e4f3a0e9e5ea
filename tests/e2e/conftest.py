"""Browser tests: Debian's Chromium (through Playwright) against a real `streamlit run` server
started on a free port with its own copy of the demo database."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import travel
from tests.browser import APP_IDLE, CHROMIUM_FLAGS, ServerDidNotStart, chromium_path, streamlit_server

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1600, "height": 1800}


def _chromium() -> str:
    found = chromium_path()
    if found:
        return found
    pytest.fail("Chromium is missing: `make test` installs Debian's chromium package (or set CHROMIUM=...).")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": _chromium(),
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB"}


@contextlib.contextmanager
def running_server(database: Path | str, folder: Path):
    """``streamlit run`` on a free port against ``database`` (a SQLite file, or a database URL), on the
    tests' clock; yields its URL, stops it after."""
    database_url = database if isinstance(database, str) else f"sqlite:///{database}"
    command, clock = travel.server_command("kam_core.ui.serve")
    try:
        with streamlit_server(
            command, folder / "streamlit.log", env={**clock, "KAM_DATABASE_URL": database_url}
        ) as url:
            yield url
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def server(databases, tmp_path_factory):
    """A real streamlit server on a free port, with its own copy of the demo portfolio (of the tests'
    database backend)."""
    for old in SCREENSHOTS.glob("*.png"):  # this run's screenshots only
        old.unlink()
    folder = tmp_path_factory.mktemp("e2e")
    with running_server(databases.copy("demo", folder, "kam.db"), folder) as url:
        yield url


@pytest.fixture(scope="session")
def base_url(server):
    return server


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the script run is over (a run may start a moment after the click)."""
    page.wait_for_timeout(150)
    page.wait_for_selector(APP_IDLE, timeout=timeout)


def shoot(page, name: str) -> Path:
    """The page as a user sees it, saved as ``name``.png: once the widgets a loaded machine still shows
    as grey placeholders (Streamlit's skeletons) are drawn, or after 10 s whatever is there."""
    SCREENSHOTS.mkdir(exist_ok=True)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=10_000)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
