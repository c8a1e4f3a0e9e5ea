"""The frame around every page: language switch, store check, global account selector."""

from __future__ import annotations

import streamlit as st

from kam_core.common import clock
from kam_core.common.formatting import grouped, quoted
from kam_core.common.text import md
from kam_core.i18n import LANGUAGES
from kam_core.portfolio.directory import selector_options
from kam_core.ui import presentation, readers, state
from kam_core.ui.i18n import LANGUAGE_KEY, keep_in_url, language, quarter, t
from kam_core.ui.store import engine

SELECTOR_LIMIT = 100  # accounts the sidebar lists at once; a larger programme is searched


def language_switch() -> None:
    code = language()  # sets the default from the browser's locale on the first run
    if presentation.active():  # no sidebar: the language chosen stays, without its switch
        st.session_state[LANGUAGE_KEY] = code
    else:
        st.sidebar.radio(
            t("frame.language"),
            LANGUAGES,
            key=LANGUAGE_KEY,
            horizontal=True,
            format_func=lambda code: t(f"language.{code}"),
        )
    keep_in_url()  # ?lang= follows the choice: a reload keeps it


def open_store() -> None:
    """Stops the run with a clear message when the database or the clock settings cannot be used;
    then empties the kept reads when another process wrote since the last run (``readers.follow_store``)."""
    check_clock()
    engine()
    readers.follow_store()


def check_clock() -> None:
    """A KAM_TODAY or KAM_TIMEZONE that is not a date or a time zone: say so on the page, and stop."""
    try:
        clock.check_settings()
    except clock.ClockSettingError as error:
        st.error(t(f"error.clock.{error.variable}", value=md(error.value)), icon=":material/schedule:")
        st.stop()


def account_selector() -> int | None:
    directory = readers.account_directory()
    if state.url_names_unknown_account(directory):
        st.sidebar.warning(t("frame.unknown_account", value=md(quoted(st.query_params.get("account")))))
    selected = state.resolve_selection(directory, directory.ids[0] if directory.ids else None)
    if presentation.active():  # no sidebar: the selection is kept without its selector (the header steps it)
        st.session_state[state.SELECTOR_KEY] = selected
        state.remember_in_url(selected)
        return selected
    if selected is None:
        st.sidebar.info(t("frame.no_accounts"))
        state.remember_in_url(None)
        return None
    query = ""
    if len(directory) > SELECTOR_LIMIT:  # a large programme: a shortlist, and a search for any other account
        query = st.sidebar.text_input(
            t("frame.find_account"),
            key=state.SEARCH_KEY,
            placeholder=t("frame.find_account_placeholder", count=grouped(len(directory), language())),
        )
    options = selector_options(
        directory, selected=selected, recent=state.recent_accounts(selected), query=query, limit=SELECTOR_LIMIT
    )
    st.session_state[state.SELECTOR_KEY] = selected
    st.sidebar.selectbox(
        t("frame.account"),
        options.ids,
        key=state.SELECTOR_KEY,
        format_func=directory.names.get,
        help=t("frame.account_help"),
        on_change=state.stop_new_account,
    )
    shortlist_caption(options, len(directory), query)
    state.remember_in_url(selected)
    return selected


def shortlist_caption(options, total: int, query: str) -> None:
    if options.searched:
        key = (
            "frame.no_match"
            if not options.matched
            else ("frame.matches_more" if options.matched > SELECTOR_LIMIT else "frame.matches")
        )
        st.sidebar.caption(t(key, count=grouped(options.matched, language()), shown=SELECTOR_LIMIT, query=query))
    elif total > SELECTOR_LIMIT:
        st.sidebar.caption(t("frame.shortlist", shown=len(options.ids), total=grouped(total, language())))


def programme_caption() -> None:
    settings = readers.programme_settings()
    st.sidebar.caption(t("frame.programme", name=md(settings.name), period=quarter(settings.current_period)))


def end_new_account_elsewhere(page) -> None:
    """Leaving the account record ends the creation of a new account."""
    if page.url_path != state.RECORD_PATH:
        state.stop_new_account()
