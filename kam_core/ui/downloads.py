"""Files built when the user clicks a download button (Streamlit runs the builder then, on its own
thread), so that a rerun never pays for a workbook or a deck nobody asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from kam_core.common.clock import today
from kam_core.exchange import workbook
from kam_core.store import backups
from kam_core.store.db import database_url, get_engine


def workbook_name() -> str:
    return f"kam-export-{today().isoformat()}.xlsx"


def workbook_builder() -> Callable[[], bytes]:
    url = database_url()

    def build() -> bytes:
        with Session(get_engine(url)) as session:
            return workbook.export_workbook(session)

    return build


def backup_name() -> str:
    from datetime import datetime

    return f"kam-backup-{datetime.now():%Y%m%d-%H%M%S}.db"


def backup_builder(path: Path) -> Callable[[], bytes]:
    """A fresh online copy of the SQLite file ``path``, made when the button is clicked."""

    def build() -> bytes:
        return backups.snapshot_bytes(path)

    return build
