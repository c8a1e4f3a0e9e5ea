"""Typed access to the session state the frame and the pages share.

The selected account lives in the session and in the URL (``?account=<id>``), so a shared
link opens the same account. A page asks for another account with ``request_account``; the
frame applies the request at the start of the next run, before the selector is drawn.
"""

from __future__ import annotations

from collections.abc import Container

import streamlit as st

from kam_core.ui import routes

SELECTOR_KEY = "account_selector"
NEW_ACCOUNT_KEY = "creating_account"  # the account record page shows the form for a new account
RECORD_PATH = routes.RECORD.url_path
_PENDING_KEY = "account_requested"
_VIEW_KEY = "accounts_view"
_CHART_PICK_KEY = "matrix_pick_applied"
_RECENT_KEY = "accounts_recent"
RECENT_KEPT = 10
SEARCH_KEY = "account_search"


def request_account(account_id: int) -> None:
    st.session_state[_PENDING_KEY] = int(account_id)


def start_new_account() -> None:
    st.session_state[NEW_ACCOUNT_KEY] = True


def creating_account() -> bool:
    return bool(st.session_state.get(NEW_ACCOUNT_KEY))


def stop_new_account() -> None:
    """Creating an account lasts while the record page is open: any other page, or another account
    chosen in the sidebar, ends it."""
    st.session_state.pop(NEW_ACCOUNT_KEY, None)


def selected_account_id() -> int | None:
    value = st.session_state.get(SELECTOR_KEY)
    return int(value) if value is not None else None


def resolve_selection(known: Container[int], first: int | None) -> int | None:
    """The account to select this run: a page's request, else the current one, else the URL's,
    else ``first``; always one ``known`` (None when there is none)."""
    candidates = [st.session_state.pop(_PENDING_KEY, None), st.session_state.get(SELECTOR_KEY), _from_url()]
    for candidate in candidates:
        if candidate is not None and candidate in known:
            return candidate
    return first


def recent_accounts(selected: int | None) -> list[int]:
    """The accounts selected lately in this session, the latest first (``selected`` included)."""
    recent = [account_id for account_id in st.session_state.get(_RECENT_KEY, []) if account_id != selected]
    recent = ([selected] if selected is not None else []) + recent
    st.session_state[_RECENT_KEY] = recent[:RECENT_KEPT]
    return st.session_state[_RECENT_KEY]


def _from_url() -> int | None:
    raw = st.query_params.get("account")
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def url_names_unknown_account(known: Container[int]) -> bool:
    raw = st.query_params.get("account")
    return raw is not None and _from_url() not in known


def remember_in_url(account_id: int | None) -> None:
    if account_id is None:
        st.query_params.pop("account", None)
    elif st.query_params.get("account") != str(account_id):
        st.query_params["account"] = str(account_id)


def set_accounts_view(view: str) -> None:
    st.session_state[_VIEW_KEY] = view


def accounts_view_key() -> str:
    return _VIEW_KEY


def apply_chart_pick(picks: list[dict]) -> None:
    """Make the account clicked on a chart the selected one. The chart keeps its selection across
    reruns, so only a new click counts: choosing another account in the sidebar afterwards wins."""
    picked = next((int(pick["account_id"]) for pick in picks if "account_id" in pick), None)
    if picked is None or st.session_state.get(_CHART_PICK_KEY) == picked:
        st.session_state[_CHART_PICK_KEY] = picked
        return
    st.session_state[_CHART_PICK_KEY] = picked
    if picked != selected_account_id():
        request_account(picked)
        st.rerun()
