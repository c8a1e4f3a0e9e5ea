"""Executive engagement across the portfolio: sponsors and their load, which executive
relationships are late against their cadence, and the twelve months of meetings."""

from datetime import timedelta

import pandas as pd
import pyarrow as pa
import streamlit as st

from kam_core.account import engagement
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.programme import executives
from kam_core.ui import readers, routes, state
from kam_core.ui.i18n import language, t
from kam_core.ui.labels import CADENCE_COLOURS, timeline_labels
from kam_core.ui.memo import draw_chart, remember
from kam_core.ui.roster_editor import roster_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import link_to_accounts

TIMELINE_ACCOUNTS = 25  # a line per account: what a projector reads


def header(grid) -> None:
    st.title(t("page.executives"))
    st.caption(t("executives.caption"))
    counts = grid["status"].value_counts()
    columns = st.columns(4)
    for column, status in zip(columns, ("late", "due", "never", "on_track")):
        column.metric(
            t(f"enum.cadence.{status}"),
            int(counts.get(status, 0)),
            border=True,
            help=t(f"executives.cadence_help.{status}"),
        )


def sponsors() -> None:
    st.subheader(t("executives.sponsors"))
    figures = readers.portfolio_figures()
    missing = figures.sponsor_coverage.total - figures.sponsor_coverage.covered
    if missing:
        st.warning(t("executives.without_sponsor", count=missing), icon=":material/person_off:")
        link_to_accounts("strategic_without_sponsor", t("home.see_accounts"), "executives_without_sponsor")
    load = readers.sponsor_load()
    over = load[load["over_limit"]]
    for row in over.itertuples():
        st.error(
            t("executives.over_limit", name=md(row.executive), sponsored=row.sponsored, limit=row.max_accounts),
            icon=":material/warning:",
        )


def sponsor_table() -> None:
    load = readers.sponsor_load()
    st.dataframe(
        load[
            [
                "executive",
                "title",
                "sponsored",
                "max_accounts",
                "sponsored_strategic",
                "pairings",
                "engagements_this_quarter",
            ]
        ].rename(
            columns={
                "executive": t("executives.executive"),
                "title": t("executives.title"),
                "sponsored": t("executives.sponsored"),
                "max_accounts": t("executives.max_accounts"),
                "sponsored_strategic": t("executives.sponsored_strategic"),
                "pairings": t("executives.pairings"),
                "engagements_this_quarter": t("executives.this_quarter"),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def executives_editor() -> None:
    st.subheader(t("executives.ours"))
    st.caption(t("executives.ours_help"))
    roster_editor(
        "executives",
        readers.executives_table(),
        {
            "name": st.column_config.TextColumn(t("executives.executive"), required=True, max_chars=120),
            "title": st.column_config.TextColumn(t("executives.title"), required=True, max_chars=120),
            "function": st.column_config.TextColumn(t("executives.function"), required=True, max_chars=80),
            "email": st.column_config.TextColumn(t("executives.email"), max_chars=254),
            "max_accounts": st.column_config.NumberColumn(
                t("executives.max_accounts"), min_value=1, max_value=20, step=1, required=True
            ),
            "active": st.column_config.CheckboxColumn(t("executives.active"), default=True),
        },
        save=lambda rows, read: executives.save_executives(engine(), rows, read),
        field_label=lambda field: t(f"executives.field.{field}"),
    )


def cadence_grid(grid) -> None:
    """Every relationship of the chosen statuses in one table (late first); a ticked row opens the
    account's executive plan."""
    st.subheader(t("executives.cadence"))
    statuses = st.segmented_control(
        t("executives.show"),
        list(CADENCE_COLOURS),
        default=["late", "due", "never"],
        selection_mode="multi",
        key="cadence_filter",
        format_func=lambda code: t(f"enum.cadence.{code}"),
    )
    chosen = tuple(statuses or CADENCE_COLOURS)
    table, accounts, rows_key = remember(
        "cadence_table", (language(), chosen), lambda: cadence_table(grid, chosen), source=grid
    )
    if not accounts:
        st.caption(t("executives.no_pairings"))
        return
    status_names = {code: t(f"enum.cadence.{code}") for code in CADENCE_COLOURS}
    # the key follows the rows: a ticked row never points at another account after the filter changes
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"cadence_table_{rows_key}",
        height=min(35 * (len(accounts) + 1) + 3, 600),
        column_config={
            # not pinned: a pinned column is drawn grey, as an index, and this table is never wider than the page
            "account": st.column_config.TextColumn(t("column.account")),
            "pairing": st.column_config.TextColumn(t("executives.pairing")),
            # a coloured label per status, without a pandas Styler
            "status": st.column_config.MultiselectColumn(
                t("executives.status"),
                options=list(status_names),
                color=list(CADENCE_COLOURS.values()),
                format_func=status_names.get,
            ),
            "cadence_days": st.column_config.NumberColumn(t("executives.cadence_days"), format="%d"),
            "last_held": st.column_config.TextColumn(t("executives.last_held")),
        },
    )
    rows = picked.selection.rows if picked else []
    if rows and rows[0] < len(accounts):
        account_id, account = accounts[rows[0]]
        if st.button(
            t("executives.open_plan", name=md(account)),
            key="cadence_open",
            type="primary",
            icon=":material/open_in_new:",
        ):
            state.request_account(account_id)
            st.switch_page(routes.EXECUTIVE_PLAN.path)
    else:
        st.caption(t("executives.pick_hint"))


def cadence_table(grid, statuses: tuple[str, ...]) -> tuple[pa.Table, list[tuple[int, str]], int]:
    """The relationships of ``statuses`` as the table shows them (Arrow, sent as it is at each rerun),
    their accounts (id, name) in the same order, and a key that changes with the rows."""
    shown = grid[grid["status"].isin(statuses)]
    lang = language()
    table = pd.DataFrame(
        {
            "account": shown["account"],
            "pairing": [
                f"{executive} ↔ {stakeholder}"
                for executive, stakeholder in zip(shown["executive"], shown["stakeholder"])
            ],
            "status": [[code] for code in shown["status"]],
            "cadence_days": shown["cadence_days"],
            "last_held": [
                t("executives.never_met")
                if day is None
                else t("executives.met_ago", date=fmt.day(day, lang), days=days)
                for day, days in zip(shown["last_held"], shown["days_since"])
            ],
        }
    )
    accounts = list(zip(shown["account_id"].astype(int).tolist(), shown["account"].tolist()))
    return pa.Table.from_pandas(table, preserve_index=False), accounts, hash(tuple(shown["pairing_id"]))


def timeline() -> None:
    st.subheader(t("executives.timeline"))
    start, end = today() - timedelta(days=183), today() + timedelta(days=183)
    view = readers.portfolio_timeline(start, end, TIMELINE_ACCOUNTS)
    if not view.accounts:
        st.info(t("home.no_engagements"))
        return
    if view.shown < view.accounts:
        st.caption(t("executives.timeline_first", shown=view.shown, total=fmt.grouped(view.accounts, language())))
    draw_chart(
        "engagement_timeline",
        (start, end, today()),
        lambda: engagement.timeline_chart(view.rows, labels=timeline_labels(), today=today()),
        width="stretch",
    )
    st.download_button(
        t("executives.ics", count=view.planned),
        lambda: calendar(start, end),
        "kam-engagements.ics",
        "text/calendar",
        icon=":material/calendar_month:",
        on_click="ignore",
        disabled=not view.planned,
    )


def calendar(start, end) -> bytes:
    """Every planned engagement of the programme in the window, read when the file is asked for."""
    rows = readers.engagements(start, end)
    return engagement.engagements_ics(rows[rows["status"] == "planned"], calendar_name=t("executives.calendar_name"))


grid = readers.cadence()
header(grid)
cadence_grid(grid)
sponsors()
sponsor_table()
timeline()
executives_editor()
