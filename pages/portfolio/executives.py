"""Executive engagement across the portfolio: sponsors and their load, which executive
relationships are late against their cadence, and the twelve months of meetings."""

from datetime import timedelta

import streamlit as st

from kam_core import engagement, executives, formatting as fmt
from kam_core.clock import today
from kam_core.ui import readers, state
from kam_core.ui.i18n import language, t
from kam_core.ui.labels import CADENCE_COLOURS, timeline_labels
from kam_core.ui.roster_editor import roster_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import link_to_accounts
from kam_core.ui.memo import draw_chart
from kam_core.text import md

EXECUTIVE_PLAN = "pages/account/executive_plan.py"
CADENCE_ROWS = 25  # a list a room can read; beyond it a row of widgets per pairing only slows the page
TIMELINE_ACCOUNTS = 25  # a line per account: what a projector reads


def header(grid) -> None:
    st.title(t("page.executives"))
    st.caption(t("executives.caption"))
    counts = grid["status"].value_counts()
    columns = st.columns(4)
    for column, status in zip(columns, ("late", "due", "never", "on_track")):
        column.metric(t(f"enum.cadence.{status}"), int(counts.get(status, 0)), border=True,
                      help=t(f"executives.cadence_help.{status}"))


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
        st.error(t("executives.over_limit", name=md(row.executive), sponsored=row.sponsored, limit=row.max_accounts),
                 icon=":material/warning:")


def sponsor_table() -> None:
    load = readers.sponsor_load()
    st.dataframe(load[["executive", "title", "sponsored", "max_accounts", "sponsored_strategic", "pairings",
                       "engagements_this_quarter"]].rename(columns={
                           "executive": t("executives.executive"), "title": t("executives.title"),
                           "sponsored": t("executives.sponsored"), "max_accounts": t("executives.max_accounts"),
                           "sponsored_strategic": t("executives.sponsored_strategic"),
                           "pairings": t("executives.pairings"),
                           "engagements_this_quarter": t("executives.this_quarter")}),
                 hide_index=True, width="stretch")


def executives_editor() -> None:
    st.subheader(t("executives.ours"))
    st.caption(t("executives.ours_help"))
    roster_editor("executives", readers.executives_table(), {
        "name": st.column_config.TextColumn(t("executives.executive"), required=True, max_chars=120),
        "title": st.column_config.TextColumn(t("executives.title"), required=True, max_chars=120),
        "function": st.column_config.TextColumn(t("executives.function"), required=True, max_chars=80),
        "email": st.column_config.TextColumn(t("executives.email"), max_chars=254),
        "max_accounts": st.column_config.NumberColumn(t("executives.max_accounts"), min_value=1, max_value=20,
                                                      step=1, required=True),
        "active": st.column_config.CheckboxColumn(t("executives.active"), default=True),
    }, save=lambda rows, read: executives.save_executives(engine(), rows, read),
        field_label=lambda field: t(f"executives.field.{field}"))


def cadence_grid(grid) -> None:
    st.subheader(t("executives.cadence"))
    statuses = st.segmented_control(t("executives.show"), list(CADENCE_COLOURS), default=["late", "due", "never"],
                                    selection_mode="multi", key="cadence_filter",
                                    format_func=lambda code: t(f"enum.cadence.{code}"))
    shown = grid[grid["status"].isin(statuses or list(CADENCE_COLOURS))]
    lang = language()
    for row in shown.head(CADENCE_ROWS).itertuples():
        left, middle, right = st.columns([3, 3, 3], vertical_alignment="center")
        with left:
            if st.button(row.account, key=f"cadence_{row.pairing_id}", type="tertiary",
                         icon=":material/open_in_new:"):
                state.request_account(int(row.account_id))
                st.switch_page(EXECUTIVE_PLAN)
        middle.markdown(f"**{md(row.executive)}** ↔ {md(row.stakeholder)}")
        since = t("executives.never_met") if row.last_held is None else t(
            "executives.since", days=row.days_since, date=fmt.day(row.last_held, lang))
        right.markdown(f":{CADENCE_COLOURS[row.status]}-badge[{t(f'enum.cadence.{row.status}')}] "
                       + t("executives.every", days=row.cadence_days) + f" · {since}")
    if len(shown) > CADENCE_ROWS:
        st.caption(t("executives.more_pairings", shown=CADENCE_ROWS, total=len(shown)))


def timeline() -> None:
    st.subheader(t("executives.timeline"))
    start, end = today() - timedelta(days=183), today() + timedelta(days=183)
    view = readers.portfolio_timeline(start, end, TIMELINE_ACCOUNTS)
    if not view.accounts:
        st.info(t("home.no_engagements"))
        return
    if view.shown < view.accounts:
        st.caption(t("executives.timeline_first", shown=view.shown, total=fmt.grouped(view.accounts, language())))
    draw_chart("engagement_timeline", (start, end, today()),
               lambda: engagement.timeline_chart(view.rows, labels=timeline_labels(), today=today()), width="stretch")
    st.download_button(t("executives.ics", count=view.planned), lambda: calendar(start, end),
                       "kam-engagements.ics", "text/calendar", icon=":material/calendar_month:", on_click="ignore",
                       disabled=not view.planned)


def calendar(start, end) -> bytes:
    """Every planned engagement of the programme in the window, read when the file is asked for."""
    rows = readers.engagements(start, end)
    return engagement.engagements_ics(rows[rows["status"] == "planned"],
                                      calendar_name=t("executives.calendar_name"))


grid = readers.cadence()
header(grid)
left, right = st.columns([3, 2], gap="large")
with left:
    cadence_grid(grid)
with right:
    sponsors()
sponsor_table()
timeline()
executives_editor()
