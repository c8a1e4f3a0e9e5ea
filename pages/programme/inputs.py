"""Programme inputs: what the programme's return on investment is computed from, besides the revenue
recorded: its start and horizon, growth and margin, its costs (KAMs, executives' time, other yearly
costs) and, per account in the programme, its entry year, margin and revenue ambitions. Each section
is a heading with a stable anchor (``routes.INPUT_SECTIONS``) the ROI page links to."""

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.programme import business_case as case
from kam_core.ui import auth, readers, routes, state, tables
from kam_core.ui.i18n import language, t
from kam_core.ui.input_tables import input_table, number_entry
from kam_core.ui.memo import while_shown
from kam_core.ui.saving import attempt
from kam_core.ui.sections import open_section
from kam_core.ui.store import engine


def field_label(field: str) -> str:
    if field.startswith("meeting_hours."):
        return t("inputs.field.meeting_hours_of", kind=t(f"enum.engagement_kind.{field.split('.', 1)[1]}"))
    if field.startswith("ambition_"):
        return t("inputs.field.ambition", year=field.removeprefix("ambition_"))
    return t(f"inputs.field.{field}")


def figures(values: dict) -> dict:
    """A refusal's numbers as they read: grouped from 10,000 on (a cost), never a year ("1990")."""
    lang = language()

    def shown(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        return fmt.number(value, lang) if abs(value) >= 10_000 else fmt.typed(value, lang)

    return {key: shown(value) for key, value in values.items()}


def percent(value: float) -> str:
    return fmt.percent(value, language(), 0 if float(value).is_integer() else 1)


def current(form: str, first_widget: str) -> case.BusinessCase:
    """The inputs as read when the form was first drawn (its save carries that version)."""
    return while_shown(f"inputs_{form}", first_widget, readers.programme_inputs)


def submit() -> bool:
    return st.form_submit_button(
        t("action.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
    )


def save_inputs(section: str, values: dict, version: int) -> None:
    if not attempt(
        lambda: case.save_business_case(engine(), values, version),
        field_label,
        conflict_key="inputs.conflict",
        params=figures,
    ).saved:
        return
    st.session_state[f"inputs_saved_{section}"] = True
    st.rerun()


def saved_note(section: str) -> None:
    if st.session_state.pop(f"inputs_saved_{section}", False):
        st.success(t("inputs.saved"), icon=":material/check:")


def money_input(column, field: str, value: float, **more):
    return column.number_input(
        t(f"inputs.field.{field}"), value=value, step=1000.0, format="%.0f", help=t(f"inputs.help.{field}"), **more
    )


def percent_input(column, field: str, value: float, **more):
    return column.number_input(
        t(f"inputs.field.{field}"), value=value, step=0.5, format="%.1f", help=t(f"inputs.help.{field}"), **more
    )


def start_and_horizon() -> None:
    st.subheader(t("inputs.section.start"), anchor="start")
    inputs = current("start", "inputs_start_year")
    if inputs.start_year is None:
        st.warning(t("inputs.start_missing"), icon=":material/warning:")
    with st.form("inputs_start", enter_to_submit=False):
        left, right = st.columns(2)
        start = left.number_input(
            t("inputs.field.start_year"),
            value=inputs.start_year,
            step=1,
            format="%d",
            placeholder=t("inputs.start_placeholder"),
            help=t("inputs.help.start_year"),
            key="inputs_start_year",
        )
        horizon = right.number_input(
            t("inputs.field.horizon_years"),
            value=inputs.horizon_years,
            step=1,
            format="%d",
            help=t("inputs.help.horizon_years"),
            key="inputs_horizon_years",
        )
        submitted = submit()
    if submitted:
        save_inputs("start", {"start_year": start, "horizon_years": horizon}, inputs.version)
    saved_note("start")


def growth_and_margin() -> None:
    st.subheader(t("inputs.section.growth"), anchor="growth")
    inputs = current("growth", "inputs_organic_growth_pct")
    with st.form("inputs_growth", enter_to_submit=False):
        left, right = st.columns(2)
        growth = percent_input(left, "organic_growth_pct", inputs.organic_growth_pct, key="inputs_organic_growth_pct")
        margin = percent_input(right, "default_margin_pct", inputs.default_margin_pct, key="inputs_default_margin_pct")
        submitted = submit()
    if submitted:
        save_inputs("growth", {"organic_growth_pct": growth, "default_margin_pct": margin}, inputs.version)
    saved_note("growth")


def kam_costs() -> None:
    st.subheader(t("inputs.section.kam_costs"), anchor="kam-costs")
    inputs = current("kams", "inputs_kam_yearly_cost")
    with st.form("inputs_kams", enter_to_submit=False):
        left, right = st.columns(2)
        cost = money_input(left, "kam_yearly_cost", inputs.kam_yearly_cost, key="inputs_kam_yearly_cost")
        share = percent_input(right, "kam_share_pct", inputs.kam_share_pct, key="inputs_kam_share_pct")
        submitted = submit()
    if submitted:
        save_inputs("kams", {"kam_yearly_cost": cost, "kam_share_pct": share}, inputs.version)
    saved_note("kams")
    lang = language()
    st.caption(
        t(
            "inputs.kams_caption",
            cost=fmt.amount(inputs.kam_yearly_cost, inputs.currency, lang),
            share=percent(inputs.kam_share_pct),
        )
    )
    input_table(
        "inputs_kam_table",
        readers.kam_costs(),
        {
            "name": st.column_config.TextColumn(t("inputs.col.kam"), width="medium"),
            "accounts": st.column_config.NumberColumn(
                t("inputs.col.programme_accounts"), format="%d", help=t("inputs.help.programme_accounts")
            ),
            "yearly_cost": number_entry(t("inputs.field.yearly_cost"), t("inputs.help.yearly_cost"), "localized"),
            "programme_share_pct": number_entry(
                t("inputs.field.programme_share_pct"), t("inputs.help.programme_share_pct"), "%.1f"
            ),
        },
        editable=("yearly_cost", "programme_share_pct"),
        decimals=("yearly_cost", "programme_share_pct"),
        save=lambda rows: case.save_kam_costs(engine(), rows),
        field_label=field_label,
    )


def executive_time() -> None:
    st.subheader(t("inputs.section.executive_time"), anchor="executive-time")
    st.caption(t("inputs.executive_caption"))
    inputs = current("executives", "inputs_executive_hour_cost")
    with st.form("inputs_executives", enter_to_submit=False):
        hour_cost = money_input(
            st.columns(3)[0], "executive_hour_cost", inputs.executive_hour_cost, key="inputs_executive_hour_cost"
        )
        hours = {}
        for column, (kind, value) in zip(st.columns(len(inputs.meeting_hours)), inputs.meeting_hours.items()):
            hours[kind] = column.number_input(
                t("inputs.field.meeting_hours_of", kind=t(f"enum.engagement_kind.{kind}")),
                value=float(value),
                step=0.5,
                format="%.1f",
                help=t("inputs.help.meeting_hours"),
                key=f"inputs_hours_{kind}",
            )
        submitted = submit()
    if submitted:
        save_inputs("executives", {"executive_hour_cost": hour_cost, "meeting_hours": hours}, inputs.version)
    saved_note("executives")


def other_costs() -> None:
    st.subheader(t("inputs.section.other_costs"), anchor="other-costs")
    inputs = current("other", "inputs_tools_cost")
    with st.form("inputs_other", enter_to_submit=False):
        columns = st.columns(3)
        values = {
            field: money_input(column, field, getattr(inputs, field), key=f"inputs_{field}")
            for column, field in zip(columns, ("tools_cost", "training_cost", "events_cost"))
        }
        submitted = submit()
    if submitted:
        save_inputs("other", values, inputs.version)
    saved_note("other")


def accounts() -> None:
    st.subheader(t("inputs.section.accounts"), anchor="accounts")
    inputs, lang = readers.programme_inputs(), language()
    table = readers.account_inputs()
    start = inputs.start_year if inputs.start_year is not None else fmt.MISSING
    st.caption(t("inputs.accounts_caption", start=start, margin=percent(inputs.default_margin_pct)))
    if table.empty:
        st.info(t("inputs.no_accounts"), icon=":material/info:")
    else:
        account_table(table, inputs.currency, lang)
    enter_selected(set(table["account_id"]))


def account_table(table, currency: str, lang: str) -> None:
    years = case.ambition_years(today())
    shown = tables.shown_numbers(
        table.assign(segment=[t(f"enum.segment.{code}") for code in table["segment"]]),
        {"revenue": lambda value, language: fmt.money(value, currency, language)},
        lang,
    )
    ambitions = tuple(case.ambition_column(year) for year in years)
    input_table(
        "inputs_account_table",
        shown,
        {
            "name": st.column_config.TextColumn(t("inputs.col.account"), width="medium"),
            "segment": st.column_config.TextColumn(t("inputs.col.segment")),
            "kam": st.column_config.TextColumn(t("inputs.col.kam")),
            "revenue": tables.number_column(
                t("inputs.col.revenue", year=years[0] - 1), lang, "localized", help=t("inputs.help.revenue")
            ),
            "programme_since": st.column_config.NumberColumn(
                t("inputs.field.programme_since"), format="%d", step=1, help=t("inputs.help.programme_since")
            ),
            "margin_pct": number_entry(t("inputs.field.margin_pct"), t("inputs.help.margin_pct"), "%.1f"),
            **{
                column: number_entry(
                    t("inputs.field.ambition", year=year), t("inputs.help.ambition", year=year), "localized"
                )
                for column, year in zip(ambitions, years)
            },
        },
        editable=("programme_since", "margin_pct", *ambitions),
        decimals=("margin_pct", *ambitions),
        save=lambda rows: case.save_account_inputs(engine(), rows, years),
        field_label=field_label,
        height=min(38 + 35 * len(shown), 600),
    )


def enter_selected(members: set[int]) -> None:
    """The account chosen in the sidebar, when it is not in the programme: enter it by hand."""
    entered = st.session_state.pop("inputs_entered", None)
    if entered:
        st.success(t("inputs.entered", name=md(entered)), icon=":material/check:")
    account_id = state.selected_account_id()
    record = readers.account_record(account_id) if account_id is not None and account_id not in members else None
    if record is None or record.status == "archived":
        return
    with st.form("inputs_enter", enter_to_submit=False):
        st.markdown(t("inputs.enter", name=md(record.name)))
        year = st.columns(3)[0].number_input(
            t("inputs.field.programme_since"),
            value=today().year,
            step=1,
            format="%d",
            help=t("inputs.help.enter"),
            key="inputs_enter_year",
        )
        submitted = st.form_submit_button(t("inputs.enter_button"), icon=":material/add:", **auth.permit().control())
    if (
        submitted
        and attempt(
            lambda: case.enter_programme(engine(), account_id, year), field_label, conflict_key="inputs.enter_conflict"
        ).saved
    ):
        st.session_state["inputs_entered"] = record.name
        st.rerun()


st.title(t("page.programme_inputs"))
st.caption(t("inputs.caption", currency=readers.programme_settings().currency))
if not auth.can("admin"):
    st.caption(t("inputs.admin_only"))
start_and_horizon()
growth_and_margin()
kam_costs()
executive_time()
other_costs()
accounts()
open_section(routes.INPUT_SECTIONS)  # a link from the ROI page: ?section=growth
