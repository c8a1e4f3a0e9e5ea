"""Start the app: ``python -m kam_core.ui.serve [streamlit options]`` = ``streamlit run app.py``,
with Streamlit's older folder-based page discovery switched off from the first run.

Streamlit (1.67) decides at its first session whether a ``pages/`` folder beside app.py means
"older multipage mode"; in that mode the very first run of a server process ignores app.py's
``st.navigation`` and shows a "page not found" notice for a link to any of our pages. The app
routes only with ``st.navigation``, so the flag is set before the server starts.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

import kam_core
from kam_core.store.memory import freeze_long_lived, limit_malloc_arenas

APP = Path(__file__).resolve().parents[2] / "app.py"


def preload() -> None:
    """Imports every module of the app but ``kam_core.ui`` (and so the libraries they use: Altair,
    python-pptx, openpyxl ...) before the first session, then freezes what lives for good out of the
    garbage collector's way (``kam_core.store.memory.freeze_long_lived``).

    ``kam_core.ui`` (a few tenths of a second) is imported by the first run, inside Streamlit's
    runtime: imported before it, its ``st.cache_data`` readers would each log "No runtime found", and
    reading Streamlit's config that early makes the command line's own flags log "An update to the
    [server] config option section was detected ... please restart streamlit" (``make run`` starts
    without a warning: tests/e2e/test_clean_start.py)."""
    for module in pkgutil.walk_packages(kam_core.__path__, prefix="kam_core."):
        if not module.name.startswith(UI):
            importlib.import_module(module.name)
    freeze_long_lived()


UI = "kam_core.ui"


def main(argv: list[str]) -> None:
    limit_malloc_arenas()  # before the server's threads start
    preload()
    PagesManager.uses_pages_directory = False
    cli.main(args=["run", str(APP), *argv], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
