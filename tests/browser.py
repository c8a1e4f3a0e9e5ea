"""Chromium as the browser tests and the benchmark drive it (Debian's build, through Playwright): where
it is, the flags it needs here, and what a finished script run looks like; and a ``streamlit run``
server started on a free loopback port (the browser tests, the load test and the workshop bench)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Without the networking flags Chromium tries to reach Google (no internet here); no sandbox as root.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The script run is over and the page connected (stStatusWidget never shows on fast reruns).
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
START_TIMEOUT_S = 60.0


def chromium_path() -> str | None:
    """``CHROMIUM``, else the chromium on the PATH, else Debian's; None when there is none."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    """The server exited, or did not answer its health check in time; the message ends with its log."""


@contextlib.contextmanager
def streamlit_server(
    command: list[str], log_path: Path, *, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[str]:
    """``command`` (what starts streamlit: ``[python, -m, kam_core.ui.serve]``, ``[python, -m, streamlit,
    run, app.py]``...) with the server's flags (headless, a free loopback port, no file watcher, no usage
    statistics), its output in ``log_path``; yields its URL once it answers, stops it after."""
    port = free_port()
    flags = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
    flags += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*command, *flags], cwd=cwd, env={**os.environ, **(env or {})}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode() == "ok":
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise ServerDidNotStart("streamlit did not start:\n" + log_path.read_text()[-2000:])
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
