"""Home: the key account programme at a glance."""

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.ui import readers, routes
from kam_core.ui.i18n import language, quarter, t
from kam_core.ui.widgets import figure, link_to_accounts, link_to_page, open_account, segment_tile

# Quadrants laid out as on the matrix: attractiveness up, our strength to the right.
MATRIX_LAYOUT = (("develop", "strategic"), ("opportunistic", "maintain"))


def header(figures, settings) -> None:
    st.title(md(settings.name))
    period = quarter(settings.current_period)
    st.caption(t("home.subtitle", period=period, accounts=figures.accounts, year=figures.revenue_year))


def strategic_figures(figures, settings) -> None:
    lang = language()
    strategic = figures.segment_counts["strategic"]
    columns = st.columns(4)
    with columns[0].container(border=True):
        figure(
            t("home.strategic_accounts"),
            f"{strategic} / {figures.strategic_capacity}",
            t("home.strategic_accounts_help"),
        )
        if figures.over_capacity:
            st.warning(t("home.over_capacity", over=strategic - figures.strategic_capacity))
        link_to_accounts("strategic", t("home.see_accounts"), "link_strategic")
    with columns[1].container(border=True):
        figure(
            t("home.strategic_revenue", year=figures.revenue_year),
            fmt.money(figures.strategic_revenue, settings.currency, lang),
            t("home.strategic_revenue_help"),
            t(
                "home.share_of_total",
                share=fmt.ratio(figures.strategic_revenue_share, lang),
                total=fmt.money(figures.total_revenue, settings.currency, lang),
            ),
        )
        link_to_accounts("strategic", t("home.see_accounts"), "link_strategic_revenue")
    with columns[2].container(border=True):
        coverage_figure(figures.handshake_coverage, "handshake", "strategic_without_handshake")
        link_to_page(routes.HANDSHAKES.path, t("home.handshake_board"), "link_handshake_board", "tertiary")
    with columns[3].container(border=True):
        coverage_figure(figures.sponsor_coverage, "sponsor", "strategic_without_sponsor")


def coverage_figure(coverage, name: str, gap_view: str) -> None:
    """Share of strategic accounts covered (handshake agreed, sponsor named), and a link to the gaps."""
    figure(
        t(f"home.{name}_coverage"),
        fmt.ratio(coverage.share, language()),
        t(f"home.{name}_coverage_help"),
        t("home.covered_of", covered=coverage.covered, total=coverage.total),
    )
    link_to_accounts(gap_view, t(f"home.without_{name}", count=coverage.total - coverage.covered), f"link_{name}")


def follow_up_figures(figures) -> None:
    lang = language()
    columns = st.columns(4)
    with columns[0].container(border=True):
        figure(
            t("home.average_completeness"),
            fmt.percent(figures.average_completeness, lang),
            t("home.average_completeness_help"),
        )
        link_to_accounts("all", t("home.see_accounts"), "link_completeness")
    with columns[1].container(border=True):
        figure(t("home.overdue_actions"), str(figures.overdue_actions), t("home.overdue_actions_help"))
        link_to_accounts(
            "with_overdue_items",
            t("home.accounts_with_overdue", count=figures.accounts_with_overdue),
            "link_overdue_actions",
        )
    with columns[2].container(border=True):
        total = figures.overdue_commitments_ours + figures.overdue_commitments_theirs
        figure(
            t("home.overdue_commitments"),
            str(total),
            t("home.overdue_commitments_help"),
            t("home.ours_theirs", ours=figures.overdue_commitments_ours, theirs=figures.overdue_commitments_theirs),
        )
        link_to_accounts(
            "with_overdue_items",
            t("home.accounts_with_overdue", count=figures.accounts_with_overdue),
            "link_overdue_commitments",
        )
    with columns[3].container(border=True):
        figure(t("home.unscored"), str(figures.segment_counts["unscored"]), t("home.unscored_help"))
        link_to_accounts("unscored", t("home.see_accounts"), "link_unscored")


def segment_grid(figures, settings) -> None:
    st.subheader(t("home.segments"))
    st.caption(t("home.segments_caption"))
    lang = language()
    for row in MATRIX_LAYOUT:
        for column, segment in zip(st.columns(2), row):
            with column.container(border=True):
                segment_tile(
                    segment,
                    figures.segment_counts[segment],
                    fmt.money(figures.segment_revenue[segment], settings.currency, lang),
                )
                st.caption(t(f"posture.{segment}"))
                link_to_accounts(segment, t("home.see_accounts"), f"link_segment_{segment}")


def next_engagements() -> None:
    st.subheader(t("home.next_engagements"))
    upcoming = readers.upcoming(days=30, limit=8)
    if not upcoming:
        st.info(t("home.no_engagements"))
        return
    lang = language()
    for item in upcoming:
        with st.container(border=True):
            st.markdown(f"**{fmt.day(item.on_date, lang)}** · {t(f'enum.engagement_kind.{item.kind}')}")
            open_account(item.account_id, md(item.account), f"open_engagement_{item.engagement_id}")
            st.markdown(md(item.objective))
            if item.executives:
                st.caption(
                    t("home.who_meets", ours=md(", ".join(item.executives)), theirs=md(", ".join(item.stakeholders)))
                )


settings = readers.programme_settings()
figures = readers.portfolio_figures()
header(figures, settings)
strategic_figures(figures, settings)
follow_up_figures(figures)
left, right = st.columns([3, 2], gap="large")
with left:
    segment_grid(figures, settings)
with right:
    next_engagements()
