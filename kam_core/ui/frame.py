"""The frame around every page: language switch, store check, global account selector."""

from __future__ import annotations

import streamlit as st

from kam_core.i18n import LANGUAGES
from kam_core.ui import readers, state
from kam_core.ui.i18n import LANGUAGE_KEY, language, t
from kam_core.ui.store import engine


def language_switch() -> None:
    language()  # sets the default from the browser's locale on the first run
    st.sidebar.radio(t("frame.language"), LANGUAGES, key=LANGUAGE_KEY, horizontal=True,
                     format_func=lambda code: t(f"language.{code}"))


def open_store() -> None:
    """Stops the run with a clear message when the database cannot be used."""
    engine()


def account_selector() -> int | None:
    choices = readers.account_choices()
    ids = [account_id for account_id, _ in choices]
    names = dict(choices)
    if state.url_names_unknown_account(ids):
        st.sidebar.warning(t("frame.unknown_account", value=st.query_params.get("account")))
    selected = state.resolve_selection(ids)
    if selected is None:
        st.sidebar.info(t("frame.no_accounts"))
        state.remember_in_url(None)
        return None
    st.session_state[state.SELECTOR_KEY] = selected
    st.sidebar.selectbox(t("frame.account"), ids, key=state.SELECTOR_KEY, format_func=names.get,
                         help=t("frame.account_help"), on_change=state.stop_new_account)
    state.remember_in_url(selected)
    return selected


def programme_caption() -> None:
    settings = readers.programme_settings()
    st.sidebar.caption(t("frame.programme", name=settings.name, period=settings.current_period))


def end_new_account_elsewhere(page) -> None:
    """Leaving the account record ends the creation of a new account."""
    if page.url_path != state.RECORD_PATH:
        state.stop_new_account()
