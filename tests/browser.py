"""Chromium as the browser tests and the benchmark's load test drive it (Debian's build, through
Playwright): where it is, the flags it needs here, and what a finished script run looks like."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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


def chromium_path() -> str | None:
    """``CHROMIUM``, else the chromium on the PATH, else Debian's; None when there is none."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None
