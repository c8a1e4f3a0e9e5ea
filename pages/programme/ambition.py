"""Ambition and targets: the company's ambition for its key accounts and the final ambition (value
co-creation), then the programme's targets, each with its baseline, its target, its latest actual,
its status against the straight line from baseline to target, and its trend per year."""

import pandas as pd
import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.documents.target_charts import trend_chart
from kam_core.programme import targets
from kam_core.ui import auth, presentation, readers
from kam_core.ui.i18n import language, t
from kam_core.ui.memo import draw_chart, while_shown
from kam_core.ui.roster_editor import roster_editor
from kam_core.ui.saving import attempt, save, saved_message
from kam_core.ui.store import engine

STATUS_BADGES = {
    "achieved": ("green", ":material/emoji_events:"),
    "on_track": ("blue", ":material/trending_up:"),
    "behind": ("red", ":material/warning:"),
    "no_actual": ("gray", ":material/hourglass_empty:"),
}
ADD_GENERATION = "ambition_add_generation"  # a target added: the add forms start blank again
DELETED = "target_deleted"  # a target was deleted: said once, at the top


def field_label(name: str) -> str:
    return t(f"targets.field.{name}")


def shown(value, unit: str) -> str:
    return md(targets.format_value(value, unit, language()))


def header() -> None:
    st.title(t("page.ambition"))
    saved_message()
    if st.session_state.pop(DELETED, False):
        st.success(t("targets.deleted"), icon=":material/check:")
    if presentation.editing() and not auth.can("admin"):
        st.caption(t("access.admin_only"))


def badge(status: str, text: str | None = None) -> str:
    """A status in its colour on a light ground (Markdown), as large as the heading it sits in."""
    colour, icon = STATUS_BADGES[status]
    return f":{colour}-background[:{colour}[{icon} {text or t(f'targets.status.{status}')}]]"


# --- the ambition -------------------------------------------------------------------------------


def ambition() -> None:
    texts = readers.ambition_texts()
    with st.container(border=True):
        left, right = st.columns(2, gap="large")
        for column, name, title, help_key in (
            (left, "ambition", "ambition.title", "ambition.ambition_help"),
            (right, "final_ambition", "ambition.final_title", "ambition.final_help"),
        ):
            column.markdown(f"**{t(title)}**", help=t(help_key))
            lines = [line for line in (texts[name] or "").splitlines() if line.strip()]
            for line in lines:  # a few lines, each as large as a heading: read from the back of the room
                column.markdown(f"#### {md(line)}")
            if not lines:
                column.markdown(t("ambition.none"))
    if presentation.editing():
        ambition_form(texts)


def ambition_form(texts: dict) -> None:
    with st.expander(
        t("ambition.edit"), icon=":material/edit:", expanded=not any(texts[n] for n in ("ambition", "final_ambition"))
    ):
        shown_texts = while_shown("ambition_form", "ambition_text", lambda: texts)  # the version drawn
        with st.form("ambition_form", border=False, enter_to_submit=False):
            values = {
                "ambition": st.text_area(
                    t("ambition.field.ambition"),
                    value=shown_texts["ambition"] or "",
                    max_chars=targets.AMBITION_MAX,
                    help=t("ambition.ambition_help"),
                    key="ambition_text",
                ),
                "final_ambition": st.text_area(
                    t("ambition.field.final_ambition"),
                    value=shown_texts["final_ambition"] or "",
                    max_chars=targets.AMBITION_MAX,
                    help=t("ambition.final_help"),
                    key="ambition_final_text",
                ),
            }
            submitted = st.form_submit_button(
                t("ambition.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
            )
        if submitted:
            save(
                lambda: targets.save_ambition(engine(), values, shown_texts["version"]),
                field_label=lambda name: t(f"ambition.field.{name}"),
                success=t("ambition.saved"),
            )


# --- the targets --------------------------------------------------------------------------------


def summary(board) -> None:
    counts = {code: count for code, count in board.counts().items() if count}
    badges = " ".join(
        badge(code, t("targets.count", status=t(f"targets.status.{code}"), count=count))
        for code, count in counts.items()
    )
    st.subheader(f"{t('targets.title')} {badges}", anchor=False, help=t("targets.rule_help"))
    st.caption(t("targets.members", count=board.members))
    if not board.targets:
        st.info(t("targets.none"), icon=":material/flag:")


def formula(board, metric: str) -> str:
    if metric == targets.CUSTOM:
        return t("targets.custom_formula")
    return t(
        f"targets.formula.{metric}",
        organic=fmt.percent(board.organic_growth_pct, language(), digits=1),
        norm=board.accounts_per_kam,
    )


def card(board, target) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 2], gap="large")
        with left:
            heading(target)
            figures(board, target)
        with right:
            trend(target)
        if presentation.editing():
            edit(target)
            if target.metric == targets.CUSTOM:
                actuals(target)


def heading(target) -> None:
    st.subheader(f"{md(target.name)} {badge(target.status)}", anchor=False)
    metric = t(f"targets.metric.{target.metric}")
    if metric != target.name:  # what it measures, unless its name says it already
        st.caption(metric)


def figures(board, target) -> None:
    line, latest = target.line, target.latest
    baseline, goal, actual = st.columns(3)
    baseline.metric(t("targets.baseline", year=line.baseline_year), shown(line.baseline_value, target.unit))
    goal.metric(t("targets.target", year=line.target_year), shown(line.target_value, target.unit))
    actual.metric(
        t("targets.actual", year=latest[0]) if latest else t("targets.actual_none"),
        shown(latest[1] if latest else None, target.unit),
        help=formula(board, target.metric),
    )
    if latest:
        st.caption(t("targets.expected", value=shown(target.expected, target.unit), year=latest[0]))


def trend(target) -> None:
    labels = {key: t(f"targets.chart.{key}") for key in ("line", "actual", "year", "value")}
    draw_chart(
        f"target_trend_{target.id}",
        (target.line, target.actuals),
        lambda: trend_chart(target.line, target.actuals, labels=labels, height=210),
        width="stretch",
    )


def edit(target) -> None:
    with st.expander(t("targets.edit"), icon=":material/edit:"):
        read = while_shown(f"target_{target.id}", f"target_name_{target.id}", lambda: target)  # the version shown
        with st.form(f"target_form_{target.id}", border=False, enter_to_submit=False):
            values = target_fields(
                f"target_{target.id}", read.name, read.unit, read.line, custom=read.metric == "custom"
            )
            submitted = st.form_submit_button(
                t("targets.save"), type="primary", icon=":material/save:", **auth.permit("admin").control()
            )
        if submitted:
            save(
                lambda: targets.update_target(engine(), read.id, values, read.version),
                field_label=field_label,
                success=t("targets.saved"),
            )
        delete(read)


def target_fields(prefix: str, name: str, unit: str, line, *, custom: bool, metric: str | None = None) -> dict:
    """The form's fields (values typed as text, so that a mistyped number is named, not swallowed)."""
    lang = language()
    values = {
        "metric": metric,
        "name": st.text_input(field_label("name"), value=name, max_chars=120, key=f"{prefix}_name"),
    }
    if custom:
        values["unit"] = st.text_input(
            field_label("unit"),
            value=unit,
            max_chars=targets.UNIT_MAX,
            help=t("targets.unit_help"),
            key=f"{prefix}_unit",
        )
    value_help = t("targets.percent_help") if unit == "%" else t("targets.value_help")
    columns = st.columns(4)
    for column, key, value in (
        (columns[0], "baseline_value", line.baseline_value),
        (columns[2], "target_value", line.target_value),
    ):
        values[key] = column.text_input(
            field_label(key), value=fmt.typed(value, lang), help=value_help, key=f"{prefix}_{key}"
        )
    for column, key, year in (
        (columns[1], "baseline_year", line.baseline_year),
        (columns[3], "target_year", line.target_year),
    ):
        values[key] = column.number_input(
            field_label(key), value=year, min_value=1990, max_value=2100, step=1, key=f"{prefix}_{key}"
        )
    return values


def delete(target) -> None:
    asking = f"confirm_delete_{target.id}"
    if not st.session_state.get(asking):
        if st.button(
            t("targets.delete"), key=f"delete_{target.id}", icon=":material/delete:", **auth.permit("admin").control()
        ):
            st.session_state[asking] = True
            st.rerun()
        return
    st.warning(t("targets.delete_confirm", name=md(target.name)), icon=":material/delete:")
    yes, no = st.columns(2)
    if no.button(t("targets.cancel"), key=f"delete_no_{target.id}"):
        st.session_state.pop(asking, None)
        st.rerun()
    if yes.button(t("targets.delete_yes"), key=f"delete_yes_{target.id}", type="primary", icon=":material/delete:"):
        outcome = attempt(
            lambda: targets.delete_target(engine(), target.id, target.version),
            field_label,
            conflict_key="targets.conflict",
        )
        st.session_state.pop(asking, None)
        if outcome.saved:
            st.session_state[DELETED] = True
            st.rerun()


def actuals(target) -> None:
    st.markdown(f"**{t('targets.actuals')}**", help=t("targets.actuals_help"))
    table = pd.DataFrame(
        [{"id": row.id, "version": row.version, "year": row.year, "value": row.value} for row in target.rows],
        columns=["id", "version", "year", "value"],
    ).astype({"year": "Int64", "value": "Float64"})
    roster_editor(
        f"actuals_{target.id}",
        table,
        {
            "year": st.column_config.NumberColumn(
                field_label("year"), min_value=1990, max_value=2100, step=1, format="%d", required=True
            ),
            "value": st.column_config.NumberColumn(field_label("value"), required=True),
        },
        save=lambda rows, read: targets.save_actuals(engine(), target.id, rows, read),
        field_label=field_label,
    )


# --- adding a target ----------------------------------------------------------------------------


def add(board) -> None:
    st.subheader(t("targets.add_title"), anchor=False)
    ready, custom = st.tabs([t("targets.add_ready"), t("targets.add_custom")])
    generation = st.session_state.setdefault(ADD_GENERATION, 0)
    with ready:
        add_ready_made(board, generation)
    with custom:
        add_custom(board, generation)


def add_ready_made(board, generation: int) -> None:
    metric = st.selectbox(
        t("targets.choose_metric"),
        targets.READY_MADE,
        format_func=lambda code: t(f"targets.metric.{code}"),
        key="add_metric",
    )
    st.caption(formula(board, metric))
    proposal = targets.propose(board, metric)
    unit = targets.UNITS[metric]
    if proposal.baseline_value is None:
        st.warning(t("targets.no_data"), icon=":material/help:")
    else:
        st.info(
            t("targets.proposed", value=shown(proposal.baseline_value, unit), year=proposal.baseline_year),
            icon=":material/auto_awesome:",
        )
    for existing in board.targets:
        if existing.metric == metric:
            st.caption(t("targets.already", name=md(existing.name)))
    line = targets.Line(proposal.baseline_value, proposal.baseline_year, proposal.target_value, proposal.target_year)
    prefix = f"add_{metric}_{generation}"
    with st.form(prefix, border=False, enter_to_submit=False):
        values = target_fields(prefix, t(f"targets.metric.{metric}"), unit, line, custom=False, metric=metric)
        submitted = st.form_submit_button(
            t("targets.add"), type="primary", icon=":material/add:", **auth.permit("admin").control()
        )
    if submitted:
        create(values)


def add_custom(board, generation: int) -> None:
    st.caption(t("targets.custom_intro"))
    prefix = f"add_custom_{generation}"
    line = targets.Line(None, board.year - 1, None, board.year + 2)
    with st.form(prefix, border=False, enter_to_submit=False):
        values = target_fields(prefix, "", "", line, custom=True, metric=targets.CUSTOM)
        submitted = st.form_submit_button(
            t("targets.add"), type="primary", icon=":material/add:", **auth.permit("admin").control()
        )
    if submitted:
        create(values)


def create(values: dict) -> None:
    def added(_) -> str:
        st.session_state[ADD_GENERATION] = st.session_state.get(ADD_GENERATION, 0) + 1
        return t("targets.added")

    save(lambda: targets.create_target(engine(), values), field_label=field_label, success=added)


board = readers.target_board()
header()
ambition()
summary(board)
for target in board.targets:
    card(board, target)
if presentation.editing():
    st.divider()
    add(board)
