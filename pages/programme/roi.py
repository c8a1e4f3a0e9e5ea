"""Return on investment: is the key account programme worth what it costs? The headline figures
(returned so far, cumulative ROI, payback year), the J curve, each account's contribution, the
sensitivity, the missing inputs named with where to give them, every input with its value and one
click to where it is changed, and the files for the executive committee."""

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.documents import roi_charts, roi_exports
from kam_core.ui import downloads, memo, readers, routes
from kam_core.ui.i18n import language, t
from kam_core.ui.tables import number_column, shown_numbers, whole_height
from kam_core.ui.widgets import link_to_page, open_account

INPUTS = routes.INPUTS
# The Programme inputs page's section where each box of inputs is changed (routes.INPUT_SECTIONS)
SECTION_OF_BOX = {"horizon": "start", "growth": "growth", "costs": "executive-time", "kams": "kam-costs"}
# Where each missing input is given: the Programme inputs page, or the account's record (its revenue, its KAM)
GIVEN_ON_RECORD = ("baseline_revenue", "past_revenue", "no_kam")
MILLIONS = ("net", "incremental_margin", "cost")  # the contributions table's amounts, in millions
MISSING_WITH_BUTTONS = 20  # missing inputs listed one by one with their button; the rest in a table
FIGURE_STYLE = "font-size:3.4rem;font-weight:700;color:#0B4F8A;line-height:1.1"


def header() -> None:
    st.title(t("page.roi"))
    st.caption(t("roi.caption"))


def big_figure(label: str, value: str, caption: str, help_text: str) -> None:
    """A figure read from the back of the room: its label, its value large, a line under it; the ⓘ
    gives its formula."""
    st.markdown(f"**{label}**", help=help_text)
    st.markdown(f'<div style="{FIGURE_STYLE}">{md(value)}</div>', unsafe_allow_html=True)
    st.caption(caption)


def headline(result, currency: str) -> None:
    lang, figures = language(), roi_exports.headline(result)
    columns = st.columns(3)
    with columns[0].container(border=True):
        so_far = figures.last_closed_year
        big_figure(
            t("roi.headline.returned", year=so_far) if so_far else t("roi.headline.returned_none"),
            fmt.money(figures.returned_margin, currency, lang),
            t(
                "roi.headline.returned_sub",
                cost=fmt.money(figures.returned_cost, currency, lang),
                net=fmt.money(figures.returned_margin - figures.returned_cost, currency, lang),
            )
            if so_far
            else t("roi.headline.nothing_closed"),
            t("roi.help.returned"),
        )
    with columns[1].container(border=True):
        big_figure(
            t("roi.headline.roi_end", year=figures.end_year),
            roi_exports.roi_text(figures.roi_at_end, lang),
            t("roi.headline.roi_so_far", roi=roi_exports.roi_text(figures.roi_so_far, lang)),
            t("roi.help.roi", current=result.current_year),
        )
    with columns[2].container(border=True):
        big_figure(
            t("roi.headline.payback"),
            roi_exports.payback_text(figures.payback_year, lang),
            t("roi.headline.payback_sub"),
            t("roi.help.payback"),
        )


def exports(result, inputs, programme: str) -> None:
    lang, day = language(), today()
    left, right, _ = st.columns([1, 1.5, 1])
    for column, kind, mime, icon in (
        (left, "xlsx", downloads.XLSX, ":material/table_view:"),
        (right, "pptx", downloads.PPTX, ":material/slideshow:"),
    ):
        column.download_button(
            t(f"roi.download.{kind}"),
            data=downloads.roi_builder(result, inputs, lang, kind, programme),
            file_name=roi_exports.roi_filename(lang, day, kind),
            mime=mime,
            icon=icon,
            key=f"roi_download_{kind}",
            on_click="ignore",
            width="stretch",
        )


def j_curve(result) -> None:
    st.subheader(t("roi.j_curve"))
    st.caption(t("roi.j_curve_caption", current=result.current_year))
    lang, currency = language(), result.currency
    memo.draw_chart(
        "roi_j_curve",
        result,
        lambda: roi_charts.j_curve_chart(result, lang, currency),
        width="stretch",
        key="roi_j_curve",
    )


def year_table(result) -> None:
    """Every figure of every year, as the workbook's first sheet has them (amounts in millions)."""
    lang, currency = language(), result.currency
    with st.expander(t("roi.year_table", count=len(result.years))):
        rows = roi_exports.year_rows(result, lang)
        shown = {}
        for index, name in enumerate(roi_exports.YEAR_COLUMNS):
            values = [row[index] for row in rows]
            if name in ("roi", "cumulative_roi"):
                values = [roi_exports.roi_text(value, lang) for value in values]
            elif name not in ("year", "phase"):
                values = [fmt.money(value, currency, lang) for value in values]
            shown[t(f"roi.col.{name}")] = [str(value) for value in values]
        st.dataframe(shown, hide_index=True, height=whole_height(len(rows)))


def contributions(result) -> None:
    st.subheader(t("roi.contributions"))
    st.caption(t("roi.contributions_caption"))
    if not result.accounts:
        st.info(t("roi.no_accounts"))
        return
    lang, currency = language(), result.currency
    symbol = fmt.currency_symbol(currency)
    memo.draw_chart(
        "roi_contributions",
        result,
        lambda: roi_charts.contribution_chart(result, lang, currency),
        width="stretch",
        key="roi_contributions",
    )
    _, left_out = roi_charts.shown_contributions(result)
    if left_out:
        st.caption(t("roi.contributions_left_out", count=left_out, limit=roi_charts.MAX_BARS))
    with st.expander(t("roi.contributions_table", count=len(result.accounts))):
        table = roi_exports.contributions_table(result)
        table["carries"] = table["carries"].map({True: t("roi.chart.carries"), False: t("roi.chart.costs")})
        table[list(MILLIONS)] = table[list(MILLIONS)] / 1e6
        write = dict.fromkeys(MILLIONS, fmt.score)
        st.dataframe(
            shown_numbers(table, write, lang),
            hide_index=True,
            height=whole_height(len(table)),
            column_order=("account", "net", "incremental_margin", "cost", "carries"),
            column_config={
                "account": st.column_config.TextColumn(t("roi.col.account"), width="large"),
                **{name: number_column(t(f"roi.col.{name}_m", currency=symbol), lang, "%.1f") for name in MILLIONS},
                "carries": st.column_config.TextColumn(t("roi.col.verdict")),
            },
        )


def sensitivity(result) -> None:
    st.subheader(t("roi.sensitivity.title"))
    st.caption(t("roi.sensitivity.caption"))
    st.dataframe(
        roi_exports.sensitivity_table(result, language()),
        hide_index=True,
        column_config={
            "case": st.column_config.TextColumn(t("roi.col.case"), width="medium"),
            "roi": st.column_config.TextColumn(t("roi.col.cumulative_roi_end"), alignment="right"),
            "delta": st.column_config.TextColumn(t("roi.col.delta"), alignment="right"),
            "payback": st.column_config.TextColumn(t("roi.col.payback_year"), alignment="right"),
        },
    )


def missing_inputs(result) -> None:
    st.subheader(t("roi.missing.title"))
    if not result.missing:
        st.success(t("roi.missing.none"), icon=":material/check:")
        return
    st.caption(t("roi.missing.caption", count=len(result.missing)))
    lang = language()
    for index, item in enumerate(result.missing[:MISSING_WITH_BUTTONS]):
        text, button = st.columns([2, 1], vertical_alignment="center")
        text.markdown(md(roi_exports.missing_text(item, lang)))
        with button:
            if item.code == "no_meetings":  # meetings are recorded on the executive plans, listed here
                link_to_page(routes.EXECUTIVES.path, t("roi.give_on_executives"), f"roi_missing_{index}")
            elif item.code in GIVEN_ON_RECORD and item.account_id is not None:
                open_account(
                    item.account_id, t("roi.give_on_record"), f"roi_missing_{index}", "secondary", routes.RECORD.path
                )
            elif item.account_id is not None:
                open_account(
                    item.account_id,
                    t("roi.give_on_inputs"),
                    f"roi_missing_{index}",
                    "secondary",
                    INPUTS.path,
                    section=routes.input_anchor(item.code),
                )
            else:
                link_to_page(
                    INPUTS.path, t("roi.give_on_inputs"), f"roi_missing_{index}", section=routes.input_anchor(item.code)
                )
    rest = result.missing[MISSING_WITH_BUTTONS:]
    if rest:
        st.caption(t("roi.missing.more", count=len(rest)))
        st.dataframe(
            {t("roi.missing.title"): [roi_exports.missing_text(item, lang) for item in rest]},
            hide_index=True,
        )


def programme_inputs(inputs) -> None:
    st.subheader(t("roi.inputs.title"))
    st.caption(t("roi.inputs.caption"))
    lines = roi_exports.input_lines(inputs, language())
    sections = ("horizon", "growth", "costs", "kams")
    for row in (sections[:2], sections[2:]):
        for column, section in zip(st.columns(2), row):
            with column.container(border=True):
                st.markdown(f"**{t(f'roi.section.{section}')}**")
                shown = [line for line in lines if line.section == section]
                if not shown:
                    st.caption(t("roi.inputs.none"))
                for line in shown:
                    st.markdown(t("roi.input.line", label=md(line.label), value=md(line.value)))
                link_to_page(
                    INPUTS.path, t("roi.change_on_inputs"), f"roi_inputs_{section}", "tertiary", SECTION_OF_BOX[section]
                )


def account_inputs(inputs, result) -> None:
    st.markdown(f"**{t('roi.section.accounts')}**")
    if not inputs.accounts:
        st.caption(t("roi.no_accounts"))
        link_to_page(INPUTS.path, t("roi.change_on_inputs"), "roi_inputs_accounts", "tertiary", "accounts")
        return
    st.caption(t("roi.inputs.accounts_caption"))
    lang = language()
    table = roi_exports.account_inputs_table(inputs, result, lang)
    table["record"] = [f"{routes.RECORD.url_path}?account={key}&lang={lang}" for key in table["account_id"]]
    table["base_revenue"] = table["base_revenue"] / 1e6
    table = shown_numbers(table, {"base_revenue": fmt.score}, lang)
    st.dataframe(
        table,
        hide_index=True,
        height=whole_height(len(table)),
        column_order=("account", "entry_year", "margin", "base_year", "base_revenue", "plan_years", "record"),
        column_config={
            "account": st.column_config.TextColumn(t("roi.col.account"), width="medium"),
            "entry_year": st.column_config.NumberColumn(t("roi.col.entry_year"), format="%d"),
            "margin": st.column_config.TextColumn(t("roi.col.margin")),
            "base_year": st.column_config.NumberColumn(t("roi.col.base_year"), format="%d"),
            "base_revenue": number_column(
                t("roi.col.base_revenue_m", currency=fmt.currency_symbol(inputs.currency)), lang, "%.1f"
            ),
            "plan_years": st.column_config.TextColumn(t("roi.col.plan_years")),
            "record": st.column_config.LinkColumn(t("roi.col.revenue_link"), display_text=t("roi.open_record")),
        },
    )
    link_to_page(INPUTS.path, t("roi.change_on_inputs_accounts"), "roi_inputs_accounts", "tertiary", "accounts")


settings = readers.programme_settings()
roi_inputs = readers.roi_inputs()
roi = readers.roi_result()
header()
if roi.start_year is None:
    missing_inputs(roi)
    programme_inputs(roi_inputs)
    st.stop()
headline(roi, roi_inputs.currency)
exports(roi, roi_inputs, settings.name)
j_curve(roi)
year_table(roi)
contributions(roi)
sensitivity(roi)
missing_inputs(roi)
programme_inputs(roi_inputs)
account_inputs(roi_inputs, roi)
