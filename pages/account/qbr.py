"""QBR pack: the selected account's quarterly business review as a PowerPoint deck, built from the
plan, the handshake and the engagement data, in either language, for internal preparation or to
show the customer."""

import streamlit as st

from kam_core.common.text import md
from kam_core.i18n import LANGUAGES
from kam_core.ui import readers
from kam_core.ui.i18n import language, t
from kam_core.ui.widgets import selected_account_or_stop

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def header(summary) -> None:
    st.title(t("qbr_page.title", name=md(summary.name)))
    st.caption(t("qbr_page.caption"))


def options(account_id: int) -> tuple[str, bool, bool]:
    left, right = st.columns(2)
    deck_language = left.radio(
        t("qbr_page.language"),
        LANGUAGES,
        index=LANGUAGES.index(language()),
        format_func=lambda code: t(f"language.{code}"),
        horizontal=True,
        key=f"qbr_language_{account_id}",
    )
    audience = right.radio(
        t("qbr_page.audience"),
        ("internal", "customer"),
        format_func=lambda code: t(f"qbr_page.audience.{code}"),
        key=f"qbr_audience_{account_id}",
        help=t("qbr_page.audience_help"),
    )
    overdue_as_new_date = audience == "customer" and right.checkbox(  # shown for the customer's version only
        t("qbr_page.overdue_as_new_date"),
        key=f"qbr_overdue_as_new_date_{account_id}",
        help=t("qbr_page.overdue_as_new_date_help"),
    )
    return deck_language, audience == "internal", overdue_as_new_date


def build(account_id: int, deck_language: str, internal: bool, overdue_as_new_date: bool) -> None:
    """The deck is built on request (about a second), then offered for download with its slide list."""
    request = (account_id, deck_language, internal, overdue_as_new_date)
    if st.button(t("qbr_page.build"), key=f"qbr_build_{account_id}", type="primary", icon=":material/slideshow:"):
        st.session_state["qbr_request"] = request
    if st.session_state.get("qbr_request") != request:
        st.caption(t("qbr_page.not_built"))
        return
    with st.spinner(t("qbr_page.building")):
        pack = readers.qbr_pack(*request)  # cached until the next save, which may change the deck
    st.success(t("qbr_page.ready", count=len(pack.slides)), icon=":material/check:")
    st.download_button(
        t("qbr_page.download", file=pack.filename),
        data=pack.data,
        file_name=pack.filename,
        mime=PPTX,
        icon=":material/download:",
        key=f"qbr_download_{account_id}",
        type="primary",
        on_click="ignore",
    )
    st.markdown("\n".join(f"{number}. {title}" for number, title in enumerate(pack.slides, start=1)))


summary = selected_account_or_stop("page.qbr")
header(summary)
deck_language, internal, overdue_as_new_date = options(summary.account_id)
build(summary.account_id, deck_language, internal, overdue_as_new_date)
