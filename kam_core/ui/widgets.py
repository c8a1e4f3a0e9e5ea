"""Small pieces several pages draw the same way."""

from __future__ import annotations

import streamlit as st

from kam_core.documents.charts import SEGMENT_COLOURS  # noqa: F401 (the pages take it from here)
from kam_core.ui import routes, state
from kam_core.ui.i18n import t

RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green", "done": "gray"}


def link_to_accounts(view: str, text: str, key: str) -> None:
    """A button that opens the account list on the subset a figure stands for."""
    if st.button(text, key=key, icon=":material/arrow_forward:", type="tertiary"):
        state.set_accounts_view(view)
        st.switch_page(routes.ACCOUNTS.path)


def link_to_page(page: str, text: str, key: str, kind: str = "secondary", section: str | None = None) -> None:
    """A button that opens ``page`` (at its heading anchored ``section``, for a page that takes one:
    ``kam_core.ui.sections``)."""
    if st.button(text, key=key, icon=":material/arrow_forward:", type=kind):
        st.switch_page(page, query_params=_at(section))


def _at(section: str | None) -> dict:
    return {routes.SECTION_PARAM: section} if section else {}


def open_account(
    account_id: int,
    text: str,
    key: str,
    kind: str = "tertiary",
    page: str = routes.ACCOUNT.path,
    icon: str = ":material/open_in_new:",
    section: str | None = None,
) -> None:
    """A button that makes ``account_id`` the selected account and opens its overview (or ``page``, at
    its heading anchored ``section``)."""
    if st.button(text, key=key, icon=icon, type=kind):
        state.request_account(account_id)
        st.switch_page(page, query_params=_at(section))


def new_account_button(key: str) -> None:
    """A button that opens the account record on the form for a new account."""
    from kam_core.ui import auth, presentation  # auth reads the store through readers; widgets stays light

    if not presentation.editing():  # the room sees no edit control until the facilitator asks
        return
    if st.button(t("record.new"), key=key, icon=":material/add_business:", **auth.permit("editor").control()):
        state.start_new_account()
        st.switch_page(routes.RECORD.path)


def figure(label: str, value: str, help_text: str, caption: str | None = None) -> None:
    st.metric(label, value, help=help_text)
    if caption:
        st.caption(caption)


def segment_badge(segment: str) -> str:
    colour = SEGMENT_COLOURS.get(segment, "#6B7280")
    return (
        f'<span style="background:{colour};color:white;padding:0.15rem 0.6rem;border-radius:0.4rem;'
        f'font-weight:600">{t(f"enum.segment.{segment}")}</span>'
    )


def segment_tile(segment: str, count: int, revenue: str) -> None:
    """A quadrant of the home page: its colour, name, account count and revenue, large enough
    to read from the back of a workshop room."""
    st.markdown(
        f'<div style="border-left:0.5rem solid {SEGMENT_COLOURS[segment]};padding-left:0.8rem">'
        f'<b style="font-size:1.4rem">{t(f"enum.segment.{segment}")}</b><br>'
        f'<span style="font-size:2.4rem;font-weight:700">{count}</span> {t("home.accounts_unit")} · {revenue}'
        f"</div>",
        unsafe_allow_html=True,
    )


def rag_badge(rag: str) -> str:
    """A coloured word (Overdue, Due soon, On track, Done) that reads on a projector, not a dot."""
    return f":{RAG_COLOURS[rag]}-badge[{t(f'rag.{rag}')}]"


def selected_account_or_stop(page_title_key: str):
    """The selected account's summary; with no account to show, say so under the page title and stop."""
    from kam_core.ui import readers  # readers imports the domain modules; widgets stays light to import

    account_id = state.selected_account_id()
    summary = readers.account_summary_of(account_id) if account_id is not None else None
    if summary is None:
        st.title(t(page_title_key))
        st.info(t("overview.pick_account"))
        st.stop()
    return summary
