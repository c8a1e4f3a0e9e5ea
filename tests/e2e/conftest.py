"""Browser tests: Debian's Chromium (through Playwright) against a real `streamlit run` server
started on a free port with its own copy of the demo database."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests import travel
from tests.browser import APP_IDLE, CHROMIUM_FLAGS, chromium_path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1600, "height": 1800}


def _chromium() -> str:
    found = chromium_path()
    if found:
        return found
    pytest.fail("Chromium is missing: `make test` installs Debian's chromium package (or set CHROMIUM=...).")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    """``streamlit run`` on a free port against ``database`` (a SQLite file, or a database URL);
    yields its URL, stops it after."""
    port = _free_port()
    database_url = database if isinstance(database, str) else f"sqlite:///{database}"
    command, clock = travel.server_command(
        "kam_core.ui.serve",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    )
    env = {**os.environ, **clock, "KAM_DATABASE_URL": database_url}
    log = (folder / "streamlit.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("streamlit did not start:\n" + (folder / "streamlit.log").read_text())
        time.sleep(0.2)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


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
