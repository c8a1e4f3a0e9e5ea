"""QBR pack: the selected account's quarterly business review as a PowerPoint deck, built from the
plan, the handshake and the engagement data, in either language, for internal preparation or to
show the customer; its slides previewed as thumbnails before the download."""

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


def build(account_id: int, deck_language: str, internal: bool, overdue_as_new_date: bool):
    """The deck is built on request (about a second), then offered for download; the deck, or None."""
    request = (account_id, deck_language, internal, overdue_as_new_date)
    if st.button(t("qbr_page.build"), key=f"qbr_build_{account_id}", type="primary", icon=":material/slideshow:"):
        st.session_state["qbr_request"] = request
    if st.session_state.get("qbr_request") != request:
        st.caption(t("qbr_page.not_built"))
        return None
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
    return pack


def preview(request: tuple[int, str, bool, bool], titles: list[str], per_row: int = 3) -> None:
    """Every slide as a thumbnail, three a row, captioned "n. title" (drawn once, cached with the deck)."""
    st.subheader(t("qbr_page.preview"))
    st.caption(t("qbr_page.preview_caption"))
    with st.spinner(t("qbr_page.previewing")):
        images = readers.qbr_previews(*request)
    captions = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    for start in range(0, len(images), per_row):
        for column, image, caption in zip(st.columns(per_row), images[start:], captions[start:]):
            column.image(image, caption=md(caption), alt=caption, width="stretch", output_format="PNG")


summary = selected_account_or_stop("page.qbr")
header(summary)
request = (summary.account_id, *options(summary.account_id))
pack = build(*request)
if pack is not None:
    preview(request, pack.slides)
