"""Presentation mode: the app drawn for a projector in a workshop room (``?present=1`` in the URL).

This module is the one place that says whether the run is in presentation mode; pages and widgets ask
``active()`` and draw for the room (no sidebar, larger type, no edit controls unless asked: ``editing()``).

The mode lives in the session and in the URL, as the selected account does (``kam_core.ui.state``): a
page switch drops the URL's parameters, and ``keep_in_url`` writes it back at the start of every run,
so the facilitator's link opens in it and it stays on from page to page until *Leave* is pressed.
In the mode the frame draws no sidebar; ``compact_header`` gives the room's controls in one line: the
account with previous / next (keys ← and →), the page, the matrix (key M), the Edit switch and Leave.
"""

from __future__ import annotations

import streamlit as st

from kam_core.common.text import md
from kam_core.portfolio.directory import neighbour
from kam_core.ui import readers, routes, state
from kam_core.ui.i18n import t

URL_PARAM = "present"
_ON_KEY = "presenting"  # the session's word; the URL follows it
EDIT_KEY = "presentation_editing"  # the compact header's Edit switch
PAGE_KEY = "presentation_page"
_PAGE_REQUEST = "presentation_page_requested"
PREVIOUS_KEY, NEXT_KEY, MATRIX_KEY, LEAVE_KEY, ENTER_KEY = (
    "present_previous",
    "present_next",
    "present_matrix",
    "present_leave",
    "present_enter",
)
# Pages that are forms from top to bottom: in the room they open only once Edit is on.
EDITING_PAGES = (routes.RECORD, routes.EXCHANGE, routes.TEAM, routes.MERGE, routes.SETTINGS, routes.INPUTS)

# Every run, both modes: content from the top of the window (Streamlit keeps 6rem above it for a
# header this app leaves empty), narrower side margins, key figures that shrink with their card
# rather than being cut ("€219…"), and their labels on two lines rather than cut; the canvas's jump bar
# stays at the top of the window, and a heading jumped to lands under it.
FRAME_CSS = """
[data-testid="stMainBlockContainer"] {
  padding-top: 1.5rem; padding-left: 2rem; padding-right: 2rem; padding-bottom: 3rem;
}
[data-testid="stHeader"] { pointer-events: none; background: transparent; }
[data-testid="stHeader"] * { pointer-events: auto; }
[data-testid="stApp"]:has([data-testid="stSidebar"][data-collapsed="true"]) [data-testid="stMainBlockContainer"] {
  padding-top: 3.5rem;
}
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: min(2.6rem, 19cqi); }
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p { white-space: normal; }
[data-testid="stLayoutWrapper"]:has(> .st-key-canvas_sections) {
  position: sticky; top: 0; z-index: 5; background: #FFFFFF; padding: 0.3rem 0; border-bottom: 1px solid #C7D0DB;
}
.st-key-canvas_sections [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
.st-key-canvas_sections p { font-size: 0.85rem; margin: 0; }
h2, h3 { scroll-margin-top: 4rem; }
"""

# Presentation mode: type for the back of the room (body 21 px, headings larger), no sidebar and no
# header strip, the page right under the compact header.
PRESENT_CSS = """
html { font-size: 21px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] {
  padding-top: 0.4rem; padding-left: 1.5rem; padding-right: 1.5rem; max-width: none;
}
h1 { font-size: 1.75rem !important; padding-top: 0.2rem !important; padding-bottom: 0.3rem !important; }
h2 { font-size: 1.45rem !important; }
h3 { font-size: 1.2rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 20px; }
.st-key-presentation_header {
  border-bottom: 1px solid #C7D0DB; padding-bottom: 0.3rem; margin-bottom: 0.2rem;
}
.st-key-presentation_header p, .st-key-presentation_header button, .st-key-presentation_header input,
.st-key-presentation_header [data-baseweb="select"] div { font-size: 20px; }
.st-key-presentation_header button { padding-left: 0.4rem; padding-right: 0.4rem; min-height: 2.2rem; }
.st-key-presentation_header [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
.st-key-presentation_header [data-testid="stMarkdownContainer"] p {
  max-width: 24rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; margin: 0;
}
"""


def active() -> bool:
    """True when the URL asks for presentation mode (``?present=1``)."""
    return st.query_params.get(URL_PARAM) == "1"


def keep_in_url() -> None:
    """At the start of every run, before anything asks ``active()``: the first run of a session takes
    the mode from the URL (the facilitator's link); later runs write the session's mode back into the
    URL, which a page switch empties."""
    if _ON_KEY not in st.session_state:
        st.session_state[_ON_KEY] = st.query_params.get(URL_PARAM) == "1"
    if st.session_state[_ON_KEY]:
        if st.query_params.get(URL_PARAM) != "1":
            st.query_params[URL_PARAM] = "1"
    else:
        st.query_params.pop(URL_PARAM, None)


def enter() -> None:
    st.session_state[_ON_KEY] = True
    st.query_params[URL_PARAM] = "1"


def leave() -> None:
    st.session_state[_ON_KEY] = False
    st.query_params.pop(URL_PARAM, None)
    st.session_state.pop(EDIT_KEY, None)


def editing() -> bool:
    """Whether edit controls (Edit switches, editable tables, forms, Save buttons) are drawn: always
    outside presentation mode; in it, while the facilitator's Edit switch is on."""
    return not active() or bool(st.session_state.get(EDIT_KEY))


def style() -> None:
    """The frame's CSS, and the room's when presenting (style tags only: they take no room on the page)."""
    st.html(f"<style>{FRAME_CSS}{PRESENT_CSS if active() else ''}</style>")


def enter_button() -> None:
    """The sidebar's switch into presentation mode."""
    st.sidebar.button(
        t("present.enter"),
        key=ENTER_KEY,
        icon=":material/present_to_all:",
        on_click=enter,
        help=t("present.enter_help"),
        width="stretch",
    )


def route_of(page) -> routes.Route | None:
    """The route of the page ``st.navigation`` is about to run (the default page's url path is empty)."""
    return next(
        (route for route in routes.ROUTES if route.url_path == page.url_path or (route.default and not page.url_path)),
        None,
    )


def compact_header(page, selected: int | None) -> None:
    """One line at the top of every page for the room: ◀ account ▶, the page, the matrix, Edit, Leave."""
    current = route_of(page)
    requested = st.session_state.pop(_PAGE_REQUEST, None)
    if requested is not None and current is not None and requested != current.url_path:
        target = next((route for route in routes.ROUTES if route.url_path == requested), None)
        if target is not None:
            st.switch_page(target.path)
    directory = readers.account_directory()
    with st.container(horizontal=True, vertical_alignment="center", key="presentation_header", gap="small"):
        _account_step(PREVIOUS_KEY, "present.previous", ":material/chevron_left:", "Left", directory, selected, -1)
        st.markdown(f"**{md(directory.names.get(selected, ''))}**" if selected is not None else t("frame.no_accounts"))
        _account_step(NEXT_KEY, "present.next", ":material/chevron_right:", "Right", directory, selected, 1)
        if current is not None:
            st.session_state[PAGE_KEY] = current.url_path
            titles = {route.url_path: t(route.title) for route in routes.ROUTES}
            st.selectbox(
                t("present.page"),
                list(titles),
                key=PAGE_KEY,
                format_func=titles.get,
                label_visibility="collapsed",
                on_change=_request_page,
                width=310,
            )
        if st.button(
            t("present.matrix"),
            key=MATRIX_KEY,
            icon=":material/bubble_chart:",
            shortcut="M",
            type="tertiary",
            help=t("page.matrix"),
        ):
            st.switch_page(routes.MATRIX.path)
        st.toggle(t("present.edit"), key=EDIT_KEY)
        st.button(
            t("present.leave"), key=LEAVE_KEY, icon=":material/close_fullscreen:", on_click=leave, type="tertiary"
        )


def _account_step(key, label, icon, shortcut, directory, selected, step) -> None:
    target = neighbour(directory, selected, step)
    st.button(
        "",  # the arrow and its key say it; the name of the account beside it is what the room reads
        help=t(label),
        key=key,
        icon=icon,
        shortcut=shortcut,
        on_click=_open_account,
        args=(target,),
        disabled=target is None or target == selected,
        type="tertiary",
    )


def _open_account(account_id: int | None) -> None:
    if account_id is not None:
        state.stop_new_account()
        state.request_account(account_id)


def _request_page() -> None:
    st.session_state[_PAGE_REQUEST] = st.session_state[PAGE_KEY]


def editing_page_notice(page) -> None:
    """A page that is only forms, opened in the room with Edit off: say so and draw nothing else."""
    route = route_of(page)
    if route in EDITING_PAGES and not editing():
        st.title(t(route.title))
        st.info(t("present.editing_page"), icon=":material/edit_off:")
        st.stop()
