"""The page's way to the store: the engine, or a clear message naming the database."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from kam_core.store.db import StoreError, database_url, get_engine
from kam_core.ui.i18n import t


def engine() -> Engine:
    """The process-wide engine; on a store error, say what is wrong on the page and stop."""
    try:
        return get_engine(database_url())
    except StoreError as error:
        show_store_error(error)
        st.stop()


def store_message(error: StoreError) -> str:
    """The catalog's message of a store error (busy, unreachable, not a database...), naming the database."""
    return t(f"error.{error.code}", **error.params)


def show_store_error(error: StoreError) -> None:
    st.error(store_message(error), icon=":material/database:")
    st.info(t("error.store.what_to_do"))
