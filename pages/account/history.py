"""Account history: every change to the account and its plan, newest first: who, when, which
record, which field, before and after."""

import streamlit as st

from kam_core.common.text import md
from kam_core.ui import readers
from kam_core.ui.history import history_table
from kam_core.ui.i18n import t
from kam_core.ui.widgets import selected_account_or_stop

LINES_READ = 500  # the newest changes read; the page says when there are more


def header(summary) -> None:
    st.title(t("history.title", name=md(summary.name)))
    st.caption(t("history.caption"))


def filters(table):
    left, right = st.columns(2)
    kinds = left.multiselect(
        t("history.filter_record"),
        sorted(table["record_kind"].unique()),
        placeholder=t("history.filter_all"),
        key="history_kinds",
    )
    people = right.multiselect(
        t("history.filter_who"),
        sorted(table["who"].unique()),
        placeholder=t("history.filter_all"),
        key="history_people",
    )
    if kinds:
        table = table[table["record_kind"].isin(kinds)]
    if people:
        table = table[table["who"].isin(people)]
    return table


def changes_table(account_id: int) -> None:
    lines, refs, total = readers.account_history(account_id, LINES_READ)
    if not lines:
        st.info(t("history.empty"))
        return
    table = history_table(lines, refs)
    shown = filters(table)
    widths = {"when": 165, "who": 160, "action": 80, "record": 190, "field": 100, "before": 170, "after": 200}
    columns = {key: st.column_config.TextColumn(t(f"history.col.{key}"), width=width) for key, width in widths.items()}
    st.dataframe(
        shown.drop(columns=["record_kind"]),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(shown) + 1) + 3, 720),
        column_config=columns,
    )
    if total > LINES_READ:
        st.caption(t("history.more", shown=LINES_READ, total=total))


summary = selected_account_or_stop("history.page")
header(summary)
changes_table(summary.account_id)
