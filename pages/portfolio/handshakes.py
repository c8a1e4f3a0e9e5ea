"""Handshakes across the portfolio: where every strategic account's handshake stands, what is
stuck, what is late on either side, and which reviews come next."""

import pandas as pd
import pyarrow as pa
import streamlit as st

from kam_core.account.handshake import HANDSHAKE_STAGES, STUCK_AFTER_DAYS, attention_first
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.ui import readers, routes, state
from kam_core.ui.i18n import label, labels, language, t
from kam_core.ui.memo import remember

NO_HANDSHAKE = "none"
CARDS_PER_LANE = 6  # what a lane shows on a projector; the table below has every handshake
REVIEWS_LISTED = 10


def counts(board, overdue) -> dict[str, int]:
    return {
        "agreed": int(board["stage"].isin(["agreed", "in_review"]).sum()),
        "total": len(board),
        "stuck": int(board["stuck"].sum()),
        "overdue": len(overdue),
        "ours": int((overdue["side"] == "ours").sum()) if len(overdue) else 0,
        "theirs": int((overdue["side"] == "theirs").sum()) if len(overdue) else 0,
        "reviews_due": int(board["review_due"].sum()),
    }


def header(board, overdue) -> None:
    st.title(t("page.handshakes"))
    st.caption(t("handshakes.caption"))
    count = remember("handshake_counts", None, lambda: counts(board, overdue), source=board)
    agreed, total = count["agreed"], count["total"]
    columns = st.columns(4)
    columns[0].metric(
        t("home.handshake_coverage"),
        fmt.ratio(agreed / total if total else None, language()),
        border=True,
        help=t("home.handshake_coverage_help"),
    )
    columns[0].caption(t("home.covered_of", covered=agreed, total=total))
    columns[1].metric(t("handshakes.stuck", days=STUCK_AFTER_DAYS), count["stuck"], border=True)
    columns[2].metric(
        t("handshakes.overdue_metric"), count["overdue"], border=True, help=t("handshakes.overdue_metric_help")
    )
    columns[2].caption(t("home.ours_theirs", ours=count["ours"], theirs=count["theirs"]))
    columns[3].metric(t("handshakes.reviews_due"), count["reviews_due"], border=True)


def open_handshake(account_id: int, text: str, key: str, kind: str = "tertiary") -> None:
    if st.button(text, key=key, type=kind, icon=":material/open_in_new:"):
        state.request_account(account_id)
        st.switch_page(routes.HANDSHAKE.path)


def lanes(board) -> list[tuple[str, int, list]]:
    """Per lane (no handshake, then each stage): how many cards, and the first CARDS_PER_LANE of them."""
    found = []
    for lane in (NO_HANDSHAKE, *HANDSHAKE_STAGES):
        cards = board[board["stage"].isna()] if lane == NO_HANDSHAKE else board[board["stage"] == lane]
        found.append((lane, len(cards), list(attention_first(cards).head(CARDS_PER_LANE).itertuples())))
    return found


def lanes_of(board) -> list[tuple[str, int, list]]:
    return remember("handshake_lanes", None, lambda: lanes(board), source=board)


def stage_board(board) -> None:
    """A lane per stage; in each, the cards that need attention first (stuck, longest at the stage),
    at most CARDS_PER_LANE: a board of hundreds of cards reads from nowhere, the table below has them all."""
    st.subheader(t("handshakes.board"))
    lang = language()
    board_lanes = lanes_of(board)
    for (lane, total, rows), column in zip(board_lanes, st.columns(len(board_lanes))):
        column.markdown(
            f"**{t('handshakes.no_handshake') if lane == NO_HANDSHAKE else label('stage', lane)}** ({total})"
        )
        for row in rows:
            with column.container(border=True):
                open_handshake(int(row.account_id), md(row.name), f"board_{row.account_id}")
                facts = []  # one caption a card: fewer elements, the same words
                if lane != NO_HANDSHAKE:
                    badge = f" :red-badge[{t('handshakes.stuck_badge')}]" if row.stuck else ""
                    facts.append(t("handshakes.days_in_stage", days=int(row.days_in_stage)) + badge)
                if row.review_due:
                    facts.append(t("handshakes.review_on", date=fmt.day(row.next_review_on, lang)))
                if facts:
                    st.caption("  \n".join(facts))
        if total > CARDS_PER_LANE:
            column.caption(t("handshakes.more_in_lane", count=total - CARDS_PER_LANE))


def every_handshake(board) -> None:
    """The whole board as a table: sortable, and a ticked row opens the handshake."""
    crowded = any(total > CARDS_PER_LANE for _, total, _ in lanes_of(board))
    with st.expander(t("handshakes.all", count=len(board)), expanded=bool(crowded)):  # open when a lane is cut
        st.caption(t("handshakes.all_help"))
        shown, rows_key = remember("handshake_table", language(), lambda: handshake_table(board), source=board)
        # the key follows the rows: a ticked row never points at another account after a save changes the board
        picked = st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            on_select="rerun",
            key=f"handshakes_table_{rows_key}",
            selection_mode="single-row",
            column_config={
                "name": st.column_config.TextColumn(t("column.account"), pinned=True),
                "stage": t("handshakes.column.stage"),
                "days": st.column_config.NumberColumn(t("handshakes.column.days"), format="%d"),
                "stuck": st.column_config.CheckboxColumn(t("handshakes.column.stuck")),
                "next_review": st.column_config.TextColumn(t("handshakes.column.next_review")),
                "late_ours": st.column_config.NumberColumn(t("handshakes.column.late_ours")),
                "late_theirs": st.column_config.NumberColumn(t("handshakes.column.late_theirs")),
                "kam": t("column.kam"),
            },
        )
        rows = picked.selection.rows if picked else []
        if rows and rows[0] < len(board):
            row = board.iloc[rows[0]]
            open_handshake(int(row["account_id"]), t("handshakes.open", name=md(row["name"])), "table_open", "primary")


def handshake_table(board) -> tuple[pa.Table, int]:
    """The board as the table shows it (as Arrow: converted once, not at each rerun), and a key that
    changes with its rows."""
    stages = labels("stage", HANDSHAKE_STAGES)
    shown = pd.DataFrame(
        {
            "name": board["name"],
            "stage": board["stage"].map(stages).fillna(t("handshakes.no_handshake")),
            "days": board["days_in_stage"],
            "stuck": board["stuck"],
            "next_review": [day.isoformat() if day is not None else "" for day in board["next_review_on"]],  # sorts
            "late_ours": board["overdue_ours"],
            "late_theirs": board["overdue_theirs"],
            "kam": board["kam"],
        }
    )
    return pa.Table.from_pandas(shown, preserve_index=False), hash(tuple(board["account_id"]))


def late_commitments(overdue) -> None:
    st.subheader(t("handshakes.overdue"))
    if overdue.empty:
        st.success(t("handshakes.nothing_overdue"))
        return
    st.dataframe(
        remember("late_commitments", language(), lambda: late_table(overdue), source=overdue),
        hide_index=True,
        width="stretch",
    )


def late_table(overdue) -> pa.Table:
    """The late commitments as the table shows them (as Arrow: converted once, not at each rerun)."""
    lang = language()
    shown = overdue.assign(
        side=overdue["side"].map(labels("follow_up", ("ours", "theirs"))),
        due_date=overdue["due_date"].map(lambda day: fmt.day(day, lang)),
    )[["account", "side", "description", "owner", "due_date", "days_late"]].rename(
        columns={
            "account": t("column.account"),
            "side": t("handshakes.side"),
            "description": t("col.commitments.description"),
            "owner": t("col.commitments.owner"),
            "due_date": t("col.commitments.due_date"),
            "days_late": t("handshakes.days_late"),
        }
    )
    return pa.Table.from_pandas(shown, preserve_index=False)


def reviews_due(board) -> None:
    st.subheader(t("handshakes.reviews_due"))
    total, first = remember("reviews_due", None, lambda: next_reviews(board), source=board)
    if not total:
        st.caption(t("handshakes.no_reviews_due"))
        return
    lang = language()
    for row in first:  # one button a review, its date first
        open_handshake(
            int(row.account_id), f"**{fmt.day(row.next_review_on, lang)}** · {md(row.name)}", f"review_{row.account_id}"
        )
    if total > REVIEWS_LISTED:
        st.caption(t("handshakes.reviews_more", count=total - REVIEWS_LISTED))


def next_reviews(board) -> tuple[int, list]:
    """How many reviews are due, and the first REVIEWS_LISTED of them by date."""
    due = board[board["review_due"]].sort_values("next_review_on")
    return len(due), list(due.head(REVIEWS_LISTED).itertuples())


board, overdue = readers.handshake_board()
header(board, overdue)
stage_board(board)
every_handshake(board)
left, right = st.columns([2, 1], gap="large")
with left:
    late_commitments(overdue)
with right:
    reviews_due(board)
