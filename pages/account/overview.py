"""Account overview: the selected account at a glance, and what its plan still lacks."""

import pandas as pd
import streamlit as st

from kam_core.account.handshake import HANDSHAKE_STAGES, stage_index
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.documents import charts
from kam_core.ui import readers
from kam_core.ui.i18n import label, language, quarter, t
from kam_core.ui.memo import draw_chart
from kam_core.ui.widgets import SEGMENT_COLOURS, rag_badge, segment_badge, selected_account_or_stop


def header(summary) -> None:
    st.title(md(summary.name))
    identity = " · ".join(
        part
        for part in (summary.group, summary.sector, summary.country, label("account_status", summary.status))
        if part
    )
    st.markdown(f"{segment_badge(summary.segment)} &nbsp; {md(identity)}", unsafe_allow_html=True)
    st.markdown(
        t(
            "overview.people",
            kam=md(summary.kam) or t("overview.nobody"),
            sponsor=md(summary.sponsor) or t("overview.no_sponsor"),
        )
    )


def key_figures(summary, currency: str) -> None:
    lang = language()
    year = int(summary.revenue_by_year["year"].iloc[-1]) if not summary.revenue_by_year.empty else None
    columns = st.columns(4)
    growth = summary.growth_pct
    columns[0].metric(
        t("overview.revenue", year=year or "–"),
        fmt.money(summary.latest_revenue, currency, lang),
        delta=None if growth is None else fmt.percent(growth, lang, 1),
        border=True,
        help=t("overview.revenue_help"),
    )
    columns[1].metric(
        t("overview.share_of_wallet"),
        fmt.percent(summary.share_of_wallet_pct, lang),
        border=True,
        help=t("overview.share_of_wallet_help"),
    )
    columns[2].metric(
        t("overview.potential"),
        fmt.money(summary.potential_3y, currency, lang),
        border=True,
        help=t("overview.potential_help"),
    )
    columns[3].metric(t("overview.margin"), fmt.percent(summary.margin_pct, lang), border=True)


def revenue_chart(summary) -> None:
    st.subheader(t("overview.revenue_by_year"))
    if summary.revenue_by_year.empty:
        st.info(t("overview.no_revenue"))
        return
    draw_chart(
        "overview_revenue",
        summary.account_id,
        lambda: charts.revenue_chart(
            summary.revenue_by_year, revenue_label=t("overview.revenue_axis"), year_label=t("overview.year")
        ),
        width="stretch",
    )


def trajectory(summary) -> None:
    st.subheader(t("overview.trajectory"))
    if not summary.trajectory:
        st.info(t("overview.not_scored"))
        return
    lang = language()
    rows = pd.DataFrame(
        [
            {
                t("overview.period"): quarter(position.period),
                t("overview.attractiveness"): fmt.score(position.attractiveness, lang),
                t("overview.strength"): fmt.score(position.strength, lang),
                t("overview.segment"): label("segment", position.quadrant or "unscored"),
            }
            for position in reversed(summary.trajectory)
        ]
    )
    segment_column = t("overview.segment")
    colours = {label("segment", code): colour for code, colour in SEGMENT_COLOURS.items()}
    styled = rows.style.map(
        lambda value: f"color:{colours.get(value, 'inherit')};font-weight:600", subset=[segment_column]
    )
    st.dataframe(styled, hide_index=True, width="stretch")


def plan_status(summary) -> None:
    st.subheader(t("overview.plan"))
    st.progress(
        int(summary.completeness_pct),
        text=t("overview.plan_filled", pct=fmt.percent(summary.completeness_pct, language())),
    )
    done = [section for section, filled in summary.sections.items() if filled]
    missing = [section for section, filled in summary.sections.items() if not filled]
    left, right = st.columns(2)
    left.markdown("\n".join(f"- :green[✓] {t(f'section.{section}')}" for section in done) or t("overview.nothing"))
    right.markdown(
        "\n".join(f"- :red[✗] **{t(f'section.{section}')}** — {t(f'section_rule.{section}')}" for section in missing)
        or t("overview.plan_complete")
    )


def handshake(summary) -> None:
    st.subheader(t("overview.handshake"))
    if summary.handshake_stage is None:
        st.info(t("overview.no_handshake"))
        return
    reached = stage_index(summary.handshake_stage)
    steps = [
        f"**:green[{label('stage', stage)}]**" if index <= reached else f":gray[{label('stage', stage)}]"
        for index, stage in enumerate(HANDSHAKE_STAGES)
    ]
    st.markdown("  →  ".join(steps))
    lang = language()
    st.caption(
        t(
            "overview.stage_since",
            date=fmt.day(summary.handshake_since, lang),
            review=fmt.day(summary.next_review_on, lang),
        )
    )


def follow_ups(summary) -> None:
    st.subheader(t("overview.follow_ups"))
    if not summary.follow_ups:
        st.success(t("overview.no_follow_ups"))
        return
    lang = language()
    lines = [
        f"- {rag_badge(item.rag)} **{fmt.day(item.due_date, lang)}** · {label('follow_up', item.kind)} · "
        f"{md(item.title)} — *{md(item.owner)}*"
        for item in summary.follow_ups[:10]
    ]
    st.markdown("\n".join(lines))
    if len(summary.follow_ups) > 10:
        st.caption(t("overview.more", count=len(summary.follow_ups) - 10))


def next_engagements(summary) -> None:
    st.subheader(t("overview.next_engagements"))
    if not summary.next_engagements:
        st.info(t("overview.no_engagements"))
        return
    lang = language()
    st.markdown(
        "\n".join(
            f"- **{fmt.day(on_date, lang)}** · {label('engagement_kind', kind)} — {md(objective)}"
            for on_date, kind, objective in summary.next_engagements
        )
    )


summary = selected_account_or_stop("page.account_overview")
account_id = summary.account_id
header(summary)
key_figures(summary, readers.programme_settings().currency)
left, right = st.columns(2, gap="large")
with left:
    revenue_chart(summary)
    trajectory(summary)
with right:
    plan_status(summary)
    handshake(summary)
follow_left, follow_right = st.columns(2, gap="large")
with follow_left:
    follow_ups(summary)
with follow_right:
    next_engagements(summary)
