"""Portfolio matrix: where each key account stands (attractiveness x our strength), where it
moved since an earlier quarter, and what each quadrant holds."""

import pyarrow as pa
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.documents.charts import MATRIX_SELECTION, matrix_chart
from kam_core.exchange import exports
from kam_core.portfolio.matrix import (
    COLOUR_MEASURES,
    SIZE_MEASURES,
    incomplete_accounts,
    movements,
    quadrant_summary,
    strategic_capacity,
)
from kam_core.portfolio.overview import AccountFilter, filter_accounts
from kam_core.programme.periods import shift_period
from kam_core.ui import presentation, readers, routes, state
from kam_core.ui.i18n import label, language, quarter, quarter_names, t
from kam_core.ui.labels import matrix_labels, quadrant_name, quadrant_names
from kam_core.ui.memo import draw_chart, remember
from kam_core.ui.tables import number_column, percent_format, shown_numbers, signed_score
from kam_core.ui.widgets import SEGMENT_COLOURS, link_to_page


def header(settings) -> None:
    st.title(t("page.matrix"))
    st.caption(
        t(
            "matrix.caption",
            attractiveness=fmt.score(settings.attractiveness_threshold, language()),
            strength=fmt.score(settings.strength_threshold, language()),
        )
    )


def choices(settings):
    periods = readers.period_choices()
    top = st.columns([1, 1, 2, 2], vertical_alignment="bottom")
    period = top[0].selectbox(t("matrix.period"), periods, key="matrix_period", format_func=quarter_names())
    earlier = [p for p in periods if p < period]
    default = shift_period(period, -1)
    period_name, no_comparison = quarter_names(), t("matrix.no_comparison")
    compare = top[1].selectbox(
        t("matrix.compare_with"),
        [None, *earlier],
        key="matrix_compare",
        index=1 + earlier.index(default) if default in earlier else 0,
        format_func=lambda p: no_comparison if p is None else period_name(p),
    )
    size_by = (
        top[2].segmented_control(
            t("matrix.size_by"),
            SIZE_MEASURES,
            default="revenue",
            key="matrix_size",
            format_func=lambda code: t(f"matrix.size.{code}"),
        )
        or "revenue"
    )
    colour_by = (
        top[3].segmented_control(
            t("matrix.colour_by"),
            COLOUR_MEASURES,
            default="quadrant",
            key="matrix_colour",
            format_func=lambda code: t(f"matrix.colour.{code}"),
        )
        or "quadrant"
    )
    return period, compare, size_by, colour_by


def filters(table, where=None) -> AccountFilter:
    with where if where is not None else st.expander(t("accounts.filters")):
        row = st.columns([2, 1, 1, 1, 1, 1])
        search = row[0].text_input(
            t("accounts.search"), placeholder=t("accounts.search_placeholder"), key="matrix_search"
        )
        options = remember(
            "matrix_filter_options",
            None,
            lambda: {
                column: sorted(table[column].dropna().unique()) for column in ("sector", "country", "kam", "group")
            },
            source=table,
        )
        sectors = row[1].multiselect(t("column.sector"), options["sector"], key="matrix_sectors")
        countries = row[2].multiselect(t("column.country"), options["country"], key="matrix_countries")
        kams = row[3].multiselect(t("column.kam"), options["kam"], key="matrix_kams")
        groups = row[4].multiselect(t("column.group"), options["group"], key="matrix_groups")
        statuses = row[5].multiselect(
            t("column.status"),
            ("prospect", "active"),
            key="matrix_statuses",
            format_func=lambda code: label("account_status", code),
        )
    return AccountFilter(search, tuple(sectors), tuple(countries), tuple(kams), tuple(statuses), tuple(groups))


def capacity_notice(table, settings) -> None:
    capacity = remember(
        "matrix_capacity",
        None,
        lambda: strategic_capacity(
            table, settings.strategic_capacity, readers.active_kam_count(), settings.accounts_per_kam
        ),
        source=table,
    )
    text = t(
        "matrix.capacity",
        strategic=capacity.strategic,
        programme=capacity.programme_capacity,
        kams=capacity.kams,
        per_kam=capacity.accounts_per_kam,
        kam_capacity=capacity.kam_capacity,
    )
    if capacity.over_by:
        st.warning(t("matrix.over_capacity", over=capacity.over_by) + " " + text, icon=":material/warning:")
    else:
        st.caption(text)


# pixels of the plot (width, height) the names are placed for: the page's chart column at 1280 x 720
# with the sidebar holds a plot of 465 px; a wider column draws the names placed for its width
# (charts.STRETCH_WIDTHS); the presentation mode's plot is lower, to keep the axis above the fold
MATRIX_SIZE = {"page": (440, 560), "present": (440, 480)}


def chart(points, settings, shown: tuple, size_by, colour_by):
    """The matrix; returns how to build it again (for the PNG and SVG downloads)."""
    period, compare, _ = shown
    show_movement = compare is not None and st.toggle(
        t("matrix.show_movement", period=quarter(compare)), value=True, key="matrix_movement"
    )
    selected = state.selected_account_id()
    # the names are placed for this plot size; the column may draw it wider, never narrower
    width, height = MATRIX_SIZE["present" if presentation.active() else "page"]

    def build():
        return matrix_chart(
            points,
            attractiveness_threshold=settings.attractiveness_threshold,
            strength_threshold=settings.strength_threshold,
            labels=matrix_labels(),
            size_by=size_by,
            colour_by=colour_by,
            colours=SEGMENT_COLOURS,
            show_movement=show_movement,
            selected_id=selected,
            width=width,
            height=height,
            stretch=True,
        )

    event = draw_chart(
        "matrix",
        (shown, size_by, colour_by, show_movement, selected, width, height),
        build,
        on_select="rerun",
        key="matrix_chart",
        width="stretch",
    )
    state.apply_chart_pick(event.selection.get(MATRIX_SELECTION, []) if event else [])
    st.caption(t("matrix.click_hint"))
    return build


def summary(points, currency: str, shown: tuple) -> None:
    st.subheader(t("matrix.summary"))
    lang = language()
    for row in remember("matrix_summary", shown, lambda: list(quadrant_summary(points).itertuples()), source=points):
        if row.quadrant == "unscored" and not row.accounts:
            continue
        with st.container(border=True):
            st.markdown(
                f"<b style='color:{SEGMENT_COLOURS[row.quadrant]};font-size:1.25rem'>"
                f"{quadrant_name(row.quadrant)}</b> — **{row.accounts}** {t('home.accounts_unit')}",
                unsafe_allow_html=True,
            )
            st.markdown(
                t(
                    "matrix.quadrant_figures",
                    revenue=fmt.money(row.revenue, currency, lang),
                    share=fmt.percent(row.revenue_share_pct, lang),
                    potential=fmt.money(row.potential, currency, lang),
                )
            )
            if row.quadrant != "unscored":
                st.caption(t(f"posture.{row.quadrant}"))


def incomplete(points, shown: tuple) -> None:
    missing = remember("matrix_incomplete", shown, lambda: incomplete_accounts(points), source=points)
    if missing.empty:
        return
    names = ", ".join(f"{md(row.name)} ({t('matrix.missing', count=row.missing)})" for row in missing.itertuples())
    st.warning(t("matrix.incomplete", count=len(missing), names=names), icon=":material/pending_actions:")
    link_to_page(routes.SCORING.path, t("matrix.go_score"), "matrix_go_score")


def moved(points, compare, shown: tuple) -> None:
    if compare is None:
        return
    changes = remember("matrix_moved", shown, lambda: movements(points), source=points)
    if changes.empty:
        return
    lines = [
        f"- **{md(row.name)}**: {quadrant_name(row.prev_quadrant)} → {quadrant_name(row.quadrant)}"
        for row in changes.itertuples()
    ]
    st.markdown(t("matrix.moved", period=quarter(compare)) + "\n" + "\n".join(lines))


def account_list(points, compare, shown: tuple):
    """The table of the accounts shown; built (and turned into Arrow) once per choice and language."""
    st.subheader(t("matrix.accounts"))
    columns = {
        "name": t("column.account"),
        "quadrant": t("column.segment"),
        "attractiveness": t("overview.attractiveness"),
        "strength": t("overview.strength"),
    }
    if compare is not None:
        columns |= {
            "prev_quadrant": t("matrix.previous", period=quarter(compare)),
            "delta_attractiveness": t("matrix.delta_attractiveness"),
            "delta_strength": t("matrix.delta_strength"),
        }
    columns |= {
        "revenue": t("column.revenue"),
        "share_of_wallet_pct": t("column.share_of_wallet"),
        "kam": t("column.kam"),
        "sector": t("column.sector"),
    }
    lang, currency = language(), readers.programme_settings().currency
    table, arrow = remember(
        "matrix_list",
        (shown, lang, currency),
        lambda: list_table(points, columns, compare, lang, currency),
        source=points,
    )
    st.dataframe(
        arrow,
        hide_index=True,
        width="stretch",
        column_config={
            columns["attractiveness"]: number_column(None, lang, "%.1f"),
            columns["strength"]: number_column(None, lang, "%.1f"),
            columns["revenue"]: number_column(None, lang, "localized"),
            columns["share_of_wallet_pct"]: st.column_config.NumberColumn(format=percent_format(lang)),
            **(
                {
                    columns["delta_attractiveness"]: number_column(None, lang, "%+.1f"),
                    columns["delta_strength"]: number_column(None, lang, "%+.1f"),
                }
                if compare
                else {}
            ),
        },
    )
    return table


def list_table(points, columns: dict[str, str], compare, lang: str, currency: str):
    """The table (numbers, for the CSV export) and what the page shows of it (as Arrow; in French its
    numbers written as ``kam_core.ui.tables`` says)."""
    names = quadrant_names()
    table = (
        points[list(columns)]
        .assign(
            quadrant=points["quadrant"].map(names),
            **({"prev_quadrant": points["prev_quadrant"].map(names).fillna("")} if compare is not None else {}),
        )
        .sort_values(["attractiveness", "strength"], ascending=False)
        .rename(columns=columns)
    )
    writers = {
        columns["attractiveness"]: fmt.score,
        columns["strength"]: fmt.score,
        columns["revenue"]: lambda value, language: fmt.amount(value, currency, language),
    }
    if compare is not None:
        writers |= {columns["delta_attractiveness"]: signed_score, columns["delta_strength"]: signed_score}
    return table, pa.Table.from_pandas(shown_numbers(table, writers, lang), preserve_index=False)


def downloads(build_figure, table, period) -> None:
    st.subheader(t("matrix.export"))
    name = f"portfolio-matrix-{period}"
    lang, currency = language(), readers.programme_settings().currency
    row = st.columns(4)
    row[0].download_button(
        t("matrix.export_png"),
        lambda: exports.chart_png(build_figure(), language=lang, currency=currency),
        f"{name}.png",
        "image/png",
        icon=":material/image:",
        on_click="ignore",
    )
    row[1].download_button(
        t("matrix.export_svg"),
        lambda: exports.chart_svg(build_figure(), language=lang, currency=currency),
        f"{name}.svg",
        "image/svg+xml",
        icon=":material/draw:",
        on_click="ignore",
    )
    row[2].download_button(
        t("matrix.export_csv"),
        lambda: exports.table_csv(table),
        f"{name}.csv",
        "text/csv",
        icon=":material/table:",
        on_click="ignore",
    )
    row[3].download_button(
        t("matrix.export_xlsx"),
        lambda: exports.table_xlsx(table, period),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:",
        on_click="ignore",
    )


def room_header(settings):
    """Presentation mode: the title, and the choices and filters in a pop-over beside it, so the chart
    comes right under the compact header."""
    row = st.container(horizontal=True, vertical_alignment="center")
    row.title(t("page.matrix"))
    with row.popover(t("matrix.display"), icon=":material/tune:"):
        period, compare, size_by, colour_by = choices(settings)
        everything = readers.matrix(period, compare)
        chosen = filters(everything, st.container())
    return period, compare, size_by, colour_by, everything, chosen


settings = readers.programme_settings()
if presentation.active():
    period, compare, size_by, colour_by, everything, chosen = room_header(settings)
else:
    header(settings)
    period, compare, size_by, colour_by = choices(settings)
    everything = readers.matrix(period, compare)
    chosen = filters(everything)
points = remember(
    "matrix_points", (period, compare, chosen), lambda: filter_accounts(everything, chosen), source=everything
)
if not presentation.active():
    capacity_notice(everything, settings)
left, right = st.columns([3, 1], gap="large")
with left:
    figure = chart(points, settings, (period, compare, chosen), size_by, colour_by)
with right:
    summary(points, settings.currency, (period, compare, chosen))
if presentation.active():  # under the chart in the room
    capacity_notice(everything, settings)
incomplete(points, (period, compare, chosen))
moved(points, compare, (period, compare, chosen))
table = account_list(points, compare, (period, compare, chosen))
downloads(figure, table, period)
