"""The page's way to the store: the engine, or a clear message naming the database."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from kam_core.store import backups
from kam_core.store.db import StoreError, database_url, get_engine
from kam_core.ui.i18n import language, t


def engine() -> Engine:
    """The process-wide engine; on a store error, say what is wrong on the page and stop. A database
    the app creates gets its programme in the first visitor's language (unless KAM_LANGUAGE says)."""
    try:
        return get_engine(database_url(), creator_language=language())
    except StoreError as error:
        show_store_error(error)
        st.stop()


def store_message(error: StoreError) -> str:
    """The catalog's message of a store error (busy, unreachable, not a database...), naming the database."""
    return t(f"error.{error.code}", **error.params)


def show_store_error(error: StoreError) -> None:
    st.error(store_message(error), icon=":material/database:")
    st.info(t("error.store.what_to_do"))


# What the pages show of the kept copies (a page never imports kam_core.store itself). Each looks
# kam_core.store.backups up at the call, as the page did.
BACKUPS_KEEP_VARIABLE = backups.KEEP_VARIABLE


def live_file() -> Path | None:
    """The SQLite file in use, or None when the store is not a SQLite file."""
    return backups.live_file()


def backup_folder(path: Path) -> Path:
    """Where the copies of the SQLite file ``path`` are kept."""
    return backups.backup_folder(path)


def backups_keep_limit() -> int:
    return backups.keep_limit()


def list_backups(path: Path) -> list[backups.Backup]:
    return backups.list_backups(path)
