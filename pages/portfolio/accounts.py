"""Accounts: every account of the programme, filtered to what a home-page figure stands for; a row
opens the account or its record, an archived one can be restored, and a new account starts here."""

import pyarrow as pa
import streamlit as st

from kam_core.account import accounts
from kam_core.account.accounts import ACCOUNT_STATUSES
from kam_core.account.handshake import HANDSHAKE_STAGES
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.portfolio.overview import (
    ACCOUNT_VIEWS,
    SEGMENTS,
    AccountFilter,
    account_view,
    filter_accounts,
    in_programme,
)
from kam_core.ui import auth, presentation, readers, routes, state
from kam_core.ui.i18n import label, labels, language, t
from kam_core.ui.memo import remember
from kam_core.ui.saving import save, saved_message
from kam_core.ui.store import engine
from kam_core.ui.tables import number_column, percent_format, shown_numbers
from kam_core.ui.widgets import SEGMENT_COLOURS, new_account_button, open_account

ROW_HEIGHT = 35
GRID_COLUMNS = [
    "name",
    "segment",
    "kam",
    "revenue_m",
    "share_of_wallet_pct",
    "completeness_pct",
    "handshake_stage",
    "sponsor",
    "overdue",
    "sector",
    "country",
    "group",
    "potential_m",
    "status",
]
MAX_GRID_HEIGHT = 1100


def header(count: int) -> None:
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    left.title(t("page.accounts"))
    with right:
        new_account_button("accounts_new_account")
    st.caption(t("accounts.caption", count=count))
    saved_message()


def programme_lists() -> tuple[int, dict[str, list[str]]]:
    """How many accounts are in the programme, and the values the filters offer."""
    table = readers.account_table()
    return len(in_programme(table)), {
        column: sorted(table[column].dropna().unique()) for column in ("sector", "country", "kam")
    }


def view_and_filters(options: dict[str, list[str]]) -> tuple[str, bool, AccountFilter]:
    st.session_state.setdefault(state.accounts_view_key(), "all")
    top = st.columns([2, 2, 1], vertical_alignment="bottom")
    view = top[0].selectbox(
        t("accounts.view"),
        ACCOUNT_VIEWS,
        key=state.accounts_view_key(),
        format_func=lambda code: t(f"accounts.view.{code}"),
    )
    search = top[1].text_input(t("accounts.search"), placeholder=t("accounts.search_placeholder"))
    include_archived = top[2].toggle(t("accounts.include_archived"))
    with st.expander(t("accounts.filters")):
        columns = st.columns(5)
        sectors = columns[0].multiselect(t("column.sector"), options["sector"])
        countries = columns[1].multiselect(t("column.country"), options["country"])
        kams = columns[2].multiselect(t("column.kam"), options["kam"])
        statuses = columns[3].multiselect(
            t("column.status"), ACCOUNT_STATUSES, format_func=lambda code: label("account_status", code)
        )
        segments = columns[4].multiselect(
            t("column.segment"), SEGMENTS, format_func=lambda code: label("segment", code), key="accounts_segments"
        )
    chosen = AccountFilter(
        search, tuple(sectors), tuple(countries), tuple(kams), tuple(statuses), segments=tuple(segments)
    )
    return view, include_archived or "archived" in statuses, chosen


def listed(view: str, include_archived: bool, chosen: AccountFilter):
    return filter_accounts(account_view(readers.account_table(), view, include_archived=include_archived), chosen)


def grid_table(rows, currency: str) -> pa.Table:
    """What the grid shows, as Arrow: built once per list and language, sent as it is at each rerun."""
    segments = labels("segment", SEGMENTS)
    shown = rows.assign(
        segment=[[code] if code in segments else [] for code in rows["segment"]],
        status=rows["status"].map(labels("account_status", ACCOUNT_STATUSES)),
        handshake_stage=rows["handshake_stage"].map(labels("stage", HANDSHAKE_STAGES)).fillna(""),
        revenue_m=rows["revenue"] / 1e6,
        potential_m=rows["potential_3y"] / 1e6,
        group=rows["group"].fillna(""),
        sponsor=rows["sponsor"].fillna(""),
    )
    shown = shown_numbers(shown, {"revenue_m": fmt.score, "potential_m": fmt.score}, language())
    return pa.Table.from_pandas(shown[GRID_COLUMNS], preserve_index=False)


def account_grid(rows, grid: pa.Table, currency: str):
    segments = labels("segment", SEGMENTS)
    year = int(rows["revenue_year"].max())
    lang = language()
    columns = {
        "name": st.column_config.TextColumn(t("column.account"), width="medium", pinned=True),
        # a coloured label per segment, without a pandas Styler (which renders every cell at every rerun)
        "segment": st.column_config.MultiselectColumn(
            t("column.segment"),
            options=list(segments),
            color=[SEGMENT_COLOURS[code] for code in segments],
            format_func=segments.get,
        ),
        "kam": st.column_config.TextColumn(t("column.kam")),
        "revenue_m": number_column(
            t("column.revenue_m", currency=fmt.currency_symbol(currency), year=year), lang, "%.1f"
        ),
        "share_of_wallet_pct": st.column_config.NumberColumn(t("column.share_of_wallet"), format=percent_format(lang)),
        "completeness_pct": st.column_config.ProgressColumn(
            t("column.completeness"), format=percent_format(lang), min_value=0, max_value=100
        ),
        "handshake_stage": st.column_config.TextColumn(t("column.handshake")),
        "sponsor": st.column_config.TextColumn(t("column.sponsor")),
        "overdue": st.column_config.NumberColumn(t("column.overdue"), format="%d", help=t("accounts.overdue_help")),
        "sector": st.column_config.TextColumn(t("column.sector")),
        "country": st.column_config.TextColumn(t("column.country"), width="small"),
        "group": st.column_config.TextColumn(t("column.group")),
        "potential_m": number_column(t("column.potential_m", currency=fmt.currency_symbol(currency)), lang, "%.1f"),
        "status": st.column_config.TextColumn(t("column.status")),
    }
    # the key follows the rows shown, so a ticked row never points at another account after filtering
    key = f"accounts_grid_{hash(tuple(rows['account_id']))}"
    return st.dataframe(
        grid,
        column_config=columns,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=key,
        height=min(ROW_HEIGHT * (len(rows) + 1) + 3, MAX_GRID_HEIGHT),
    )


def open_selected(rows, selection) -> None:
    picked = selection.selection.rows if selection else []
    if not picked:
        st.caption(t("accounts.pick_hint"))
        return
    if picked[0] >= len(rows):  # a tick left over from before the filters changed
        st.caption(t("accounts.pick_hint"))
        return
    row = rows.iloc[picked[0]]
    account_id = int(row["account_id"])
    if row["status"] == "archived":
        restore(account_id, row["name"])
        return
    left, right = st.columns(2)
    with left:
        open_account(account_id, t("accounts.open", name=md(row["name"])), "open_selected_account", "primary")
    with right:
        open_account(
            account_id,
            t("accounts.edit", name=md(row["name"])),
            "edit_selected_account",
            "secondary",
            page=routes.RECORD.path,
            icon=":material/edit:",
        )


def restore(account_id: int, name: str) -> None:
    """An archived account is out of the programme: it can be put back, then opened."""
    st.info(t("accounts.archived", name=md(name)))
    if presentation.editing() and st.button(
        t("accounts.restore", name=md(name)),
        key="restore_selected_account",
        icon=":material/unarchive:",
        **auth.permit("editor").control(),
    ):

        def action():
            record = readers.account_record(account_id)
            accounts.set_status(engine(), account_id, "active", record.version)
            state.request_account(account_id)

        save(
            action,
            field_label=lambda field: t(f"account.field.{field}", currency=""),
            success=t("accounts.restored", name=md(name)),
        )


count, options = remember("accounts_lists", (), programme_lists)
header(count)
shown = view_and_filters(options)
rows = remember("accounts_rows", shown, lambda: listed(*shown))
if rows.empty:
    st.info(t("accounts.none"))
else:
    currency = readers.programme_settings().currency
    grid = remember("accounts_grid", (shown, currency, language()), lambda: grid_table(rows, currency))
    selection = account_grid(rows, grid, currency)
    open_selected(rows, selection)
