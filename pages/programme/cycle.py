"""Yearly cycle and budget: the programme's steps placed against the company's strategic plan and budget,
what each account in the programme has late or due next (each line opens the page that fixes it), and the
sum of the plans' ambitions against the key-account budget line."""

import pandas as pd
import pyarrow as pa
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.documents.cycle_chart import cycle_chart
from kam_core.programme import budget, cycle
from kam_core.ui import auth, readers, routes
from kam_core.ui.i18n import language, quarter, t
from kam_core.ui.memo import draw_chart, remember, while_shown
from kam_core.ui.saving import attempt
from kam_core.ui.store import engine
from kam_core.ui.tables import number_column, percent_format, shown_numbers, whole_height
from kam_core.ui.widgets import link_to_page, open_account

LINES_SHOWN = 10  # lines a list shows as buttons; the table below it has them all
NAMES_SHOWN = 12  # accounts named where an ambition is missing
PAGES = {route.url_path: route for route in routes.ROUTES}  # a line's page (cycle.FIX_PAGES) as its Route
CALENDAR_FORM, BUDGET_FORM = "cycle_calendar_form", "cycle_budget_form"


def header() -> None:
    st.title(t("page.cycle"))
    st.caption(t("cycle.caption"))


# --- the calendar ---------------------------------------------------------------------------------


def chart_labels() -> dict[str, str]:
    words = {name: t(f"cycle.step.{name}") for name in (*cycle.COMPANY_DATES, *cycle.STEPS)}
    words |= {f"kind.{kind}": t(f"cycle.kind.{kind}") for kind in ("company", "programme", "qbr")}
    words |= {key: t(f"cycle.chart.{key}") for key in ("date", "step", "kind", "quarter", "today")}
    return words


def calendar_section(calendar: cycle.Calendar) -> None:
    st.subheader(t("cycle.calendar"))
    missing = calendar.missing()
    if missing:
        st.warning(
            t("cycle.missing_dates", dates=", ".join(t(f"cycle.step.{name}") for name in missing)),
            icon=":material/event_busy:",
        )
    day = today()
    milestones = cycle.milestones(calendar, day)
    words = chart_labels()
    words |= {f"quarter.{m.period}": quarter(m.period) for m in milestones if m.period}
    draw_chart(
        "cycle_timeline",
        (calendar, day),
        lambda: cycle_chart(milestones, labels=words, today=day),
        width="stretch",
    )
    st.caption(t("cycle.calendar_help"))


# --- what is late, what is due next ------------------------------------------------------------------


def item_text(row) -> str:
    """What a line says: the item and its state, with its date."""
    lang = language()
    if row.item == "plan":
        if row.status == "late":
            since = fmt.day(row.since, lang) if row.since is not None else t("cycle.never")
            return t("cycle.line.plan_late", since=since)
        return t("cycle.line.plan_due", date=fmt.day(row.due_on, lang))
    if row.item == "handshake":
        key = "cycle.line.handshake_late" if row.status == "late" else "cycle.line.handshake_due"
        return t(key, date=fmt.day(row.due_on, lang))
    if row.status == "late":
        return t("cycle.line.qbr_late", quarter=quarter(row.period))
    text = t("cycle.line.qbr_due", quarter=quarter(row.period), date=fmt.day(row.due_on, lang))
    if row.planned_on is not None:
        text += " · " + t("cycle.line.qbr_planned", date=fmt.day(row.planned_on, lang))
    return text


def line_buttons(chosen: pd.DataFrame, kind: str) -> list[tuple[int, str, str, str, str]]:
    """The first LINES_SHOWN lines: (account, what the line says, button key, page path, page icon)."""
    buttons = []
    for row in chosen.head(LINES_SHOWN).itertuples():
        when = t("cycle.days_late", days=int(row.days_late)) if kind == "late" else ""
        text = (f":red[**{when}**] · " if when else "") + f"**{md(row.name)}** · {item_text(row)}"
        key = f"{kind}_{row.item}_{row.period or ''}_{row.account_id}"
        page = PAGES[row.fix]
        buttons.append((int(row.account_id), text + " → " + t(page.title), key, page.path, page.icon))
    return buttons


def figures(lines: pd.DataFrame) -> None:
    """How many accounts have each item done, of those followed."""
    found = {(c.item, c.period): c for c in remember("cycle_counts", None, lambda: cycle.counts(lines), source=lines)}
    before, current = cycle.followed_quarters(today())
    shown = [
        ("plan", None, t("cycle.figure.plan")),
        ("handshake", None, t("cycle.figure.handshake")),
        ("qbr", current, t("cycle.figure.qbr", quarter=quarter(current))),
        ("qbr", before, t("cycle.figure.qbr", quarter=quarter(before))),
    ]
    for (item, period, title), column in zip(shown, st.columns(len(shown))):
        count = found.get((item, period))
        with column.container(border=True):
            if count is None:
                st.metric(title, fmt.MISSING, help=t("cycle.figure.not_placed"))
                continue
            st.metric(title, f"{count.done} / {count.total}", help=t(f"cycle.figure.{item}_help"))
            st.caption(t("cycle.figure.late_due", late=count.late, due=count.due))


def line_list(lines: pd.DataFrame, kind: str) -> None:
    """The late lines (longest late first) or each account's next line due (soonest first)."""
    st.subheader(t(f"cycle.{kind}"))
    chosen = remember(
        f"cycle_{kind}", None, lambda: cycle.late(lines) if kind == "late" else cycle.due_next(lines), source=lines
    )
    if chosen.empty:
        st.success(t(f"cycle.nothing_{kind}"), icon=":material/check:")
        return
    st.caption(t(f"cycle.{kind}_help"))
    for account_id, text, key, path, icon in remember(
        f"cycle_{kind}_buttons", language(), lambda: line_buttons(chosen, kind), source=chosen
    ):  # the line wraps as long as it needs; its button selects the account and opens the page that fixes it
        said, button = st.columns([4, 1], vertical_alignment="center")
        said.markdown(text)
        with button:
            open_account(account_id, t("cycle.open"), key, kind="secondary", page=path, icon=icon)
    if len(chosen) > LINES_SHOWN:
        st.caption(t("cycle.more_lines", count=fmt.grouped(len(chosen) - LINES_SHOWN, language())))
    with st.expander(t("cycle.every_line", count=fmt.grouped(len(chosen), language()))):
        st.dataframe(
            remember(f"cycle_{kind}_table", language(), lambda: line_table(chosen), source=chosen),
            hide_index=True,
            width="stretch",
            height=whole_height(len(chosen)),
            column_config={"days_late": st.column_config.NumberColumn(t("cycle.column.days_late"), format="%d")},
        )


def line_table(chosen: pd.DataFrame) -> pa.Table:
    shown = pd.DataFrame(
        {
            t("column.account"): chosen["name"],
            t("cycle.column.item"): [item_text(row) for row in chosen.itertuples()],
            t("cycle.column.due_on"): [day.isoformat() for day in chosen["due_on"]],  # sorts
            "days_late": chosen["days_late"],
            t("column.kam"): chosen["kam"].fillna(""),
        }
    )
    return pa.Table.from_pandas(shown, preserve_index=False)


# --- the budget reconciliation -----------------------------------------------------------------------


def reconciliation(result: budget.Reconciliation) -> None:
    st.subheader(t("budget.title"))
    if result.year is None:
        st.info(t("budget.no_year"), icon=":material/account_balance:")
        return
    st.caption(t("budget.caption", year=result.year))
    lang, currency = language(), readers.programme_settings().currency
    columns = st.columns(4)
    columns[0].metric(
        t("budget.total", year=result.year),
        fmt.money(result.total, currency, lang),
        border=True,
        help=t("budget.total_help"),
    )
    columns[1].metric(
        t("budget.line", year=result.year),
        fmt.money(result.budget_amount, currency, lang) if result.budget_amount is not None else t("budget.no_line"),
        border=True,
    )
    gap = result.gap
    columns[2].metric(
        t("budget.gap"),
        fmt.money(gap, currency, lang) if gap is not None else fmt.MISSING,
        delta=None if not gap else (t("budget.over") if gap > 0 else t("budget.short")),
        delta_color="normal" if gap is None or gap >= 0 else "inverse",
        delta_arrow="off",
        border=True,
        help=t("budget.gap_help"),
    )
    columns[3].metric(
        t("budget.coverage"), fmt.ratio(result.coverage, lang), border=True, help=t("budget.coverage_help")
    )
    missing_ambitions(result)
    if not result.accounts.empty:
        st.dataframe(
            remember("budget_table", lang, lambda: budget_table(result, currency), source=result),
            hide_index=True,
            width="stretch",
            height=whole_height(len(result.accounts)),
            column_config={
                "ambition": number_column(t("budget.column.ambition", year=result.year), lang, "%,.0f"),
                "share": st.column_config.NumberColumn(t("budget.column.share"), format=percent_format(lang)),
                "revenue": number_column(t("budget.column.revenue", year=result.revenue_year), lang, "%,.0f"),
                "growth": st.column_config.NumberColumn(
                    t("budget.column.growth", year=result.revenue_year), format=percent_format(lang)
                ),
            },
        )


def budget_table(result: budget.Reconciliation, currency: str) -> pd.DataFrame:
    accounts = result.accounts
    shown = pd.DataFrame(
        {
            t("column.account"): accounts["name"],
            t("column.kam"): accounts["kam"].fillna(""),
            "ambition": accounts["ambition"],
            "share": accounts["share"] * 100,
            "revenue": accounts["revenue"],
            "growth": accounts["growth"] * 100,
        }
    )
    return shown_numbers(shown, {"ambition": fmt.grouped, "revenue": fmt.grouped}, language())


def missing_ambitions(result: budget.Reconciliation) -> None:
    """The accounts with no ambition for the year, named: the sum leaves them out, never counts a zero."""
    if result.missing.empty:
        return
    names = list(result.missing["name"])
    listed = ", ".join(md(name) for name in names[:NAMES_SHOWN])
    more = t("budget.and_more", count=len(names) - NAMES_SHOWN) if len(names) > NAMES_SHOWN else ""
    st.warning(
        t("budget.missing", count=len(names), year=result.year, names=listed + more), icon=":material/help_outline:"
    )
    link_to_page(routes.INPUTS.path, t("budget.give_ambitions"), "budget_to_inputs", "tertiary", "accounts")


# --- the forms -----------------------------------------------------------------------------------------


def field_label(name: str) -> str:
    if name.startswith("offset."):
        return offset_label(name.removeprefix("offset."))
    return t(f"cycle.field.{name}")


def offset_label(step: str) -> str:
    return t("cycle.offset_label", step=t(f"cycle.step.{step}"), anchor=t(f"cycle.anchor.{cycle.ANCHORS[step]}"))


def calendar_form() -> None:
    st.markdown(f"**{t('cycle.form.calendar')}**")
    current = while_shown(CALENDAR_FORM, "cycle_strategic_plan_on", readers.cycle_calendar)  # the version shown
    with st.form(CALENDAR_FORM, enter_to_submit=False):
        left, right = st.columns(2)
        strategic_plan_on = left.date_input(
            t("cycle.field.strategic_plan_on"),
            value=current.strategic_plan_on,
            format="YYYY-MM-DD",
            key="cycle_strategic_plan_on",
            help=t("cycle.field.strategic_plan_on_help"),
        )
        budget_on = right.date_input(
            t("cycle.field.budget_on"),
            value=current.budget_on,
            format="YYYY-MM-DD",
            key="cycle_budget_on",
            help=t("cycle.field.budget_on_help"),
        )
        offsets = {}
        columns = st.columns(len(cycle.STEPS))
        for step, column in zip(cycle.STEPS, columns):
            offsets[step] = column.number_input(
                offset_label(step),
                value=current.offsets[step],
                step=1,
                key=f"cycle_offset_{step}",
                help=t("cycle.offset_help", default=cycle.DEFAULT_OFFSETS[step]),
            )
        submitted = st.form_submit_button(
            t("action.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
        )
    if (
        submitted
        and attempt(
            lambda: cycle.save_calendar(engine(), strategic_plan_on, budget_on, offsets, current.version),
            field_label,
            conflict_key="cycle.conflict",
        ).saved
    ):
        st.session_state["cycle_saved"] = True
        st.rerun()


def budget_form() -> None:
    st.markdown(f"**{t('budget.form')}**")
    current = while_shown(BUDGET_FORM, "budget_year", readers.budget_line)  # the version shown
    with st.form(BUDGET_FORM, enter_to_submit=False):
        left, right = st.columns(2)
        year = left.number_input(
            t("cycle.field.budget_year"),
            value=current.year,
            step=1,
            placeholder=str(budget.next_year(today())),
            key="budget_year",
            help=t("cycle.field.budget_year_help"),
        )
        amount = right.number_input(
            t("cycle.field.budget_amount", currency=readers.programme_settings().currency),
            value=current.amount,
            step=100000.0,
            format="%.0f",
            key="budget_amount",
            help=t("cycle.field.budget_amount_help"),
        )
        submitted = st.form_submit_button(
            t("action.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
        )
    if submitted:
        typed_year = int(year) if year is not None and float(year).is_integer() else year
        if attempt(
            lambda: budget.save_budget_line(engine(), typed_year, amount, current.version),
            field_label,
            conflict_key="cycle.conflict",
        ).saved:
            st.session_state["budget_saved"] = True
            st.rerun()


def settings_section(calendar: cycle.Calendar) -> None:
    """The forms, shown when asked (they cost a rerun's time at every click), or while a date is missing."""
    st.subheader(t("cycle.settings"))
    for saved, message in (("cycle_saved", "cycle.saved"), ("budget_saved", "budget.saved")):
        if st.session_state.pop(saved, False):
            st.success(t(message), icon=":material/check:")
    if not st.toggle(t("cycle.change"), value=bool(calendar.missing()), key="cycle_change"):
        return
    if not auth.can("admin"):
        st.caption(t("access.admin_only"))
    left, right = st.columns([3, 2], gap="large")
    with left:
        calendar_form()
    with right:
        budget_form()


header()
calendar = readers.cycle_calendar()
calendar_section(calendar)
lines = readers.cycle_lines()
figures(lines)
late_column, due_column = st.columns(2, gap="large")
with late_column:
    line_list(lines, "late")
with due_column:
    line_list(lines, "due")
st.divider()
reconciliation(readers.budget_reconciliation())
st.divider()
settings_section(calendar)
