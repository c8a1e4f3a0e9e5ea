"""Account strategy canvas: the account plan of the selected account on one screen, read as the
room sees it; a section's Edit switch opens its tables and forms, each section saved on its own."""

import streamlit as st

from kam_core.account import sections
from kam_core.account.buying_centre import (
    BUYING_ROLES,
    influence_attitude_chart,
    map_status,
    org_chart_dot,
    stale_contacts,
)
from kam_core.account.canvas import PLAN_SECTIONS
from kam_core.account.white_space import WHITE_SPACE_STATUSES, white_space_chart, white_space_totals
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.documents import charts
from kam_core.ui import auth, readers
from kam_core.ui.i18n import label, language, t
from kam_core.ui.memo import draw_chart, remember, while_shown
from kam_core.ui.saving import save, saved_message
from kam_core.ui.section_editor import editable_heading, section_editor, section_table, table_or_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import RAG_COLOURS, segment_badge, selected_account_or_stop

# The editable tables under each heading (the customer's texts and the ambition are forms).
TABLES = {
    "key_figures": ("years",),
    "priorities": ("priorities",),
    "value_proposition": ("value_propositions",),
    "swot": ("swot",),
    "competitors": ("competitors",),
    "buying_centre": ("stakeholders",),
    "white_space": ("units", "white_space"),
    "objectives": ("objectives",),
    "actions": ("actions",),
}
# The sections in the order of the page (the plan's order), each with its heading's anchor: the jump bar's links.
SECTIONS = PLAN_SECTIONS
STAKEHOLDER_COLUMNS = ("name", "role", "influence", "attitude", "relationship", "owner", "last_contact")


def anchor(section: str) -> str:
    return f"plan-{section.replace('_', '-')}"


def header(summary) -> None:
    st.title(md(summary.name))
    st.markdown(
        f"{segment_badge(summary.segment)} &nbsp; "
        + t("canvas.subtitle", kam=md(summary.kam) or "–", sponsor=md(summary.sponsor) or "–"),
        unsafe_allow_html=True,
    )


def completeness(summary) -> None:
    with st.container(border=True):
        st.progress(
            int(summary.completeness_pct),
            text=t("overview.plan_filled", pct=fmt.percent(summary.completeness_pct, language())),
        )
        missing = [section for section, filled in summary.sections.items() if not filled]
        if not missing:
            st.markdown(t("overview.plan_complete"))
            return
        st.markdown(
            t("canvas.missing")
            + " "
            + " · ".join(f"[{t(f'section.{section}')}](#{anchor(section)})" for section in missing)
        )


def jump_bar() -> None:
    """A link to every section, kept at the top of the window while the canvas scrolls (it is
    several screens long): the room jumps to the section under discussion."""
    with st.container(key="canvas_sections"):
        st.markdown(f"**{t('canvas.jump')}** " + " · ".join(f"[{t(f'section.{s}')}](#{anchor(s)})" for s in SECTIONS))


def section_title(section: str, account_id: int) -> bool:
    """The section's heading with its Edit switch: True while the section is open for editing."""
    return editable_heading(
        section, account_id, t(f"section.{section}"), anchor=anchor(section), tables=TABLES.get(section, ())
    )


def key_figures(summary, account_id: int, currency: str) -> None:
    editing = section_title("key_figures", account_id)
    lang = language()
    columns = st.columns(4)
    columns[0].metric(
        t(
            "overview.revenue",
            year=int(summary.revenue_by_year["year"].iloc[-1]) if not summary.revenue_by_year.empty else "–",
        ),
        fmt.money(summary.latest_revenue, currency, lang),
        delta=None if summary.growth_pct is None else fmt.percent(summary.growth_pct, lang, 1),
        border=True,
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
    left, right = st.columns([2, 3], gap="large")
    if not summary.revenue_by_year.empty:
        with left:
            draw_chart(
                "canvas_revenue",
                account_id,
                lambda: charts.revenue_chart(
                    summary.revenue_by_year,
                    revenue_label=t("overview.revenue_axis"),
                    year_label=t("overview.year"),
                    height=200,
                ),
                width="stretch",
            )
    with right:
        if not editing:
            section_table("years", account_id)
            return
        st.caption(t("canvas.years_help"))
        section_editor("years", account_id)
        potential_and_margin(account_id)


def potential_and_margin(account_id: int) -> None:
    figures = while_shown(
        f"key_figures_{account_id}", f"potential_{account_id}", lambda: readers.key_figures(account_id)
    )
    with st.form(f"key_figures_{account_id}", border=False):
        left, middle = st.columns(2, vertical_alignment="bottom")
        potential = left.number_input(
            t("canvas.potential_input"),
            min_value=0.0,
            step=100_000.0,
            format="%.0f",
            value=figures.potential_3y,
            key=f"potential_{account_id}",
        )
        margin = middle.number_input(
            t("canvas.margin_input"),
            min_value=-100.0,
            max_value=100.0,
            step=0.5,
            value=figures.margin_pct,
            key=f"margin_{account_id}",
        )
        if st.form_submit_button(t("canvas.save"), icon=":material/save:", **auth.permit("editor").control()):
            write(lambda: sections.save_key_figures(engine(), account_id, potential, margin, figures.version))


def write(action) -> None:
    save(action, field_label=lambda field: t(f"field.{field}"))


def plan_text_form(account_id: int, fields: tuple[str, ...], form: str) -> None:
    text = while_shown(f"{form}_{account_id}", f"{fields[0]}_{account_id}", lambda: readers.plan_text(account_id))
    with st.form(f"{form}_{account_id}", border=False):
        values = {
            field: st.text_area(
                t(f"field.{field}"),
                value=getattr(text, field) or "",
                max_chars=4000,
                key=f"{field}_{account_id}",
                height=110,
                placeholder=t(f"canvas.placeholder.{field}"),
            )
            for field in fields
        }
        if st.form_submit_button(t("canvas.save"), icon=":material/save:", **auth.permit("editor").control()):
            current = {field: getattr(text, field) for field in ("business", "markets", "recent_events", "ambition")}
            write(lambda: sections.save_plan_text(engine(), account_id, {**current, **values}, text.version))


def plan_text(account_id: int, fields: tuple[str, ...], form: str) -> None:
    if section_title(form, account_id):
        plan_text_form(account_id, fields, form)
        return
    text = readers.plan_text(account_id)
    for field, column in zip(fields, st.columns(len(fields), gap="large")):
        lines = [md(line) for line in (getattr(text, field) or "").splitlines() if line.strip()]
        column.markdown(f"**{t(f'field.{field}')}**  \n" + ("  \n".join(lines) or t("canvas.empty_edit")))


def customer(account_id: int) -> None:
    plan_text(account_id, ("business", "markets", "recent_events"), "customer")
    editing = section_title("priorities", account_id)
    if editing:
        st.caption(t("canvas.priorities_help"))
    table_or_editor("priorities", account_id, editing)


def value_proposition(account_id: int) -> None:
    editing = section_title("value_proposition", account_id)
    if editing:
        st.caption(t("canvas.value_help"))
    table_or_editor("value_propositions", account_id, editing)


def position(account_id: int) -> None:
    editing = section_title("swot", account_id)
    swot = readers.section_frame("swot", account_id)
    grid = st.columns(2)
    for index, kind in enumerate(("strength", "weakness", "opportunity", "threat")):
        items = swot[swot["kind"] == kind]["text"].tolist()
        with grid[index % 2].container(border=True):
            st.markdown(f"**{label('swot', kind)}**")
            st.markdown("\n".join(f"- {md(item)}" for item in items) or t("canvas.empty"))
    if editing:
        section_editor("swot", account_id)
    table_or_editor("competitors", account_id, section_title("competitors", account_id))


def buying_centre(account_id: int) -> None:
    editing = section_title("buying_centre", account_id)
    people = readers.stakeholders(account_id)
    status = map_status(people)
    st.markdown(f":{RAG_COLOURS[status]}-badge[{t(f'canvas.map_badge.{status}')}] {t(f'canvas.map_status.{status}')}")
    stale = people[stale_contacts(people, today())]
    if not stale.empty:
        st.warning(t("canvas.stale", names=md(", ".join(stale["name"]))), icon=":material/schedule:")
    if not people.empty:
        labels = buying_centre_labels()
        draw_chart(
            "influence_attitude",
            (account_id, today()),
            lambda: influence_attitude_chart(people, labels=labels, today=today()),
            width="stretch",
        )
        st.graphviz_chart(
            remember(
                "org_chart",
                (account_id, language(), today()),
                lambda: org_chart_dot(people, labels=labels, today=today()),
                source=people,
            ),
            width="content",  # its own size (text of 16 px and more), shrunk only when wider than the page
        )
    table_or_editor("stakeholders", account_id, editing, STAKEHOLDER_COLUMNS)


def buying_centre_labels() -> dict[str, str]:
    labels = {f"role.{role}": label("role", role) for role in BUYING_ROLES}
    labels |= {f"attitude.{value}": label("attitude", value) for value in range(-2, 3)}
    labels |= {"axis.attitude": t("canvas.axis_attitude"), "axis.influence": t("canvas.axis_influence")}
    labels |= {
        key: t(f"canvas.tooltip.{key}")
        for key in (
            "name",
            "title",
            "role",
            "influence",
            "attitude",
            "relationship",
            "last_contact",
            "never",
            "zone.key_supporters",
        )
    }
    return labels


def white_space(account_id: int, currency: str) -> None:
    editing = section_title("white_space", account_id)
    cells = readers.white_space_cells(account_id)
    totals = remember("white_space_totals", account_id, lambda: white_space_totals(cells), source=cells)
    lang = language()
    columns = st.columns(3)
    columns[0].metric(
        t("canvas.open_white_space"),
        fmt.money(totals.open_value, currency, lang),
        border=True,
        help=t("canvas.open_white_space_help"),
    )
    columns[1].metric(t("canvas.sold"), fmt.money(totals.sold_value, currency, lang), border=True)
    columns[2].metric(t("canvas.competitor_held"), fmt.money(totals.competitor_value, currency, lang), border=True)
    units = readers.section_frame("units", account_id)["name"].tolist()
    offers = sorted(readers.section_refs("white_space", account_id).get("offer_id", {}).values())
    if units and offers:
        labels = {f"status.{code}": label("white_space", code) for code in WHITE_SPACE_STATUSES}
        labels |= {
            "unmapped": t("canvas.unmapped"),
            "offer": t("col.white_space.offer_id"),
            "unit": t("col.white_space.unit_id"),
            "value": t("col.white_space.value"),
            "status": t("col.white_space.status"),
            "competitor": t("col.white_space.competitor"),
        }
        draw_chart(
            "white_space",
            (account_id, currency),
            lambda: white_space_chart(
                cells,
                units=units,
                offers=offers,
                labels=labels,
                currency_symbol=fmt.currency_symbol(currency),
                language=lang,
            ),
            width="stretch",
        )
    if not editing:
        if not (units and offers):
            st.markdown(t("canvas.empty_edit"))
        return
    left, right = st.columns([1, 2], gap="large")
    with left:
        st.markdown(f"**{t('canvas.units')}**")
        section_editor("units", account_id)
    with right:
        st.markdown(f"**{t('canvas.cells')}**")
        section_editor("white_space", account_id)


def ambition_and_objectives(account_id: int) -> None:
    plan_text(account_id, ("ambition",), "ambition")
    table_or_editor("objectives", account_id, section_title("objectives", account_id))


def action_plan(summary, account_id: int) -> None:
    editing = section_title("actions", account_id)
    late = [item for item in summary.follow_ups if item.kind == "action" and item.rag == "red"]
    if late:
        lang = language()
        st.error(
            t("canvas.overdue_actions", count=len(late))
            + "\n"
            + "\n".join(
                f"- **{fmt.day(item.due_date, lang)}** · {md(item.title)} — *{md(item.owner)}*" for item in late
            )
        )
    table_or_editor("actions", account_id, editing)


summary = selected_account_or_stop("page.canvas")
account_id = summary.account_id
currency = readers.programme_settings().currency
header(summary)
jump_bar()
saved_message()
completeness(summary)
key_figures(summary, account_id, currency)
customer(account_id)
value_proposition(account_id)
position(account_id)
buying_centre(account_id)
white_space(account_id, currency)
ambition_and_objectives(account_id)
action_plan(summary, account_id)
