"""Files built when the user clicks a download button (Streamlit runs the builder then, on its own
thread), so that a rerun never pays for a workbook or a deck nobody asked for.

That thread is not the run's: it does not know who signed in (``access.current()`` there is the
process default, nobody under sign-in). So each builder takes the person acting when the page is
drawn and builds as them: the workbook holds that person's share, the copy of the database needs
that person to be an admin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from kam_core.common.clock import today
from kam_core.documents import minutes_docs, roi_exports
from kam_core.exchange import workbook
from kam_core.governance import access
from kam_core.store import backups
from kam_core.store.db import database_url, get_engine
from kam_core.workshop import minutes


def workbook_name() -> str:
    return f"kam-export-{today().isoformat()}.xlsx"


def workbook_builder() -> Callable[[], bytes]:
    url = database_url()
    actor = access.current()

    def build() -> bytes:
        with access.acting_as(actor), Session(get_engine(url)) as session:
            return workbook.export_workbook(session)

    return build


def backup_name() -> str:
    from datetime import datetime

    return f"kam-backup-{datetime.now():%Y%m%d-%H%M%S}.db"


def backup_builder(path: Path) -> Callable[[], bytes]:
    """A fresh online copy of the SQLite file ``path``, made when the button is clicked."""
    actor = access.current()

    def build() -> bytes:
        with access.acting_as(actor):
            return backups.snapshot_bytes(path)

    return build


def minutes_builder(session_id: int, language: str, kind: str) -> Callable[[], bytes]:
    """The minutes of workshop ``session_id`` as Word (``kind`` "docx") or as a slide ("pptx"), read
    and built when the button is clicked: what the room committed and decided up to that moment."""
    url = database_url()
    actor = access.current()
    render = {"docx": minutes_docs.minutes_docx, "pptx": minutes_docs.minutes_pptx}[kind]

    def build() -> bytes:
        with access.acting_as(actor):
            return render(minutes.of_session(get_engine(url), session_id), language)

    return build


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def roi_builder(result, inputs, language: str, kind: str, programme: str) -> Callable[[], bytes]:
    """The programme's ROI as a workbook (``kind`` "xlsx") or as one slide for the executive committee
    ("pptx"), built when the button is clicked from the figures the page shows (``result`` computed
    from ``inputs``): the file says what the screen said."""
    day = today()

    def build() -> bytes:
        if kind == "xlsx":
            return roi_exports.roi_xlsx(result, inputs, language)
        return roi_exports.roi_pptx(result, inputs, language, day, programme)

    return build
