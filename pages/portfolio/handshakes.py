"""Handshakes across the portfolio: where every strategic account's handshake stands, what is
stuck, what is late on either side, and which reviews come next."""

import streamlit as st

from kam_core import formatting as fmt
from kam_core.handshake import STUCK_AFTER_DAYS
from kam_core.models import HANDSHAKE_STAGES
from kam_core.ui import readers, state
from kam_core.ui.i18n import label, language, t

HANDSHAKE_PAGE = "pages/account/handshake.py"
NO_HANDSHAKE = "none"


def header(board, overdue) -> None:
    st.title(t("page.handshakes"))
    st.caption(t("handshakes.caption"))
    agreed = int(board["stage"].isin(["agreed", "in_review"]).sum())
    total = len(board)
    columns = st.columns(4)
    columns[0].metric(t("home.handshake_coverage"), fmt.ratio(agreed / total if total else None, language()),
                      border=True, help=t("home.handshake_coverage_help"))
    columns[0].caption(t("home.covered_of", covered=agreed, total=total))
    columns[1].metric(t("handshakes.stuck", days=STUCK_AFTER_DAYS), int(board["stuck"].sum()), border=True)
    columns[2].metric(t("handshakes.overdue_metric"), len(overdue), border=True,
                      help=t("handshakes.overdue_metric_help"))
    columns[2].caption(t("home.ours_theirs", ours=int((overdue["side"] == "ours").sum()) if len(overdue) else 0,
                         theirs=int((overdue["side"] == "theirs").sum()) if len(overdue) else 0))
    columns[3].metric(t("handshakes.reviews_due"), int(board["review_due"].sum()), border=True)


def open_handshake(account_id: int, text: str, key: str) -> None:
    if st.button(text, key=key, type="tertiary", icon=":material/open_in_new:"):
        state.request_account(account_id)
        st.switch_page(HANDSHAKE_PAGE)


def stage_board(board) -> None:
    st.subheader(t("handshakes.board"))
    lang = language()
    lanes = [NO_HANDSHAKE, *HANDSHAKE_STAGES]
    for lane, column in zip(lanes, st.columns(len(lanes))):
        cards = board[board["stage"].isna()] if lane == NO_HANDSHAKE else board[board["stage"] == lane]
        column.markdown(f"**{t('handshakes.no_handshake') if lane == NO_HANDSHAKE else label('stage', lane)}** "
                        f"({len(cards)})")
        for row in cards.itertuples():
            with column.container(border=True):
                open_handshake(int(row.account_id), row.name, f"board_{row.account_id}")
                if lane != NO_HANDSHAKE:
                    badge = f" :red-badge[{t('handshakes.stuck_badge')}]" if row.stuck else ""
                    st.caption(t("handshakes.days_in_stage", days=int(row.days_in_stage)) + badge)
                if row.review_due:
                    st.caption(t("handshakes.review_on", date=fmt.day(row.next_review_on, lang)))


def late_commitments(overdue) -> None:
    st.subheader(t("handshakes.overdue"))
    if overdue.empty:
        st.success(t("handshakes.nothing_overdue"))
        return
    lang = language()
    st.dataframe(overdue.assign(side=overdue["side"].map(lambda side: label("follow_up", side)),
                                due_date=overdue["due_date"].map(lambda day: fmt.day(day, lang)))
                 [["account", "side", "description", "owner", "due_date", "days_late"]]
                 .rename(columns={"account": t("column.account"), "side": t("handshakes.side"),
                                  "description": t("col.commitments.description"),
                                  "owner": t("col.commitments.owner"), "due_date": t("col.commitments.due_date"),
                                  "days_late": t("handshakes.days_late")}),
                 hide_index=True, width="stretch")


def reviews_due(board) -> None:
    st.subheader(t("handshakes.reviews_due"))
    due = board[board["review_due"]].sort_values("next_review_on")
    if due.empty:
        st.caption(t("handshakes.no_reviews_due"))
        return
    lang = language()
    for row in due.itertuples():
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.markdown(f"**{fmt.day(row.next_review_on, lang)}**")
        with right:
            open_handshake(int(row.account_id), row.name, f"review_{row.account_id}")


board, overdue = readers.handshake_board()
header(board, overdue)
stage_board(board)
left, right = st.columns([2, 1], gap="large")
with left:
    late_commitments(overdue)
with right:
    reviews_due(board)
