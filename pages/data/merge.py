"""Duplicates and merge: find the accounts that are the same customer (typical after an import)
and merge them, choosing which values win and settling every conflict, without losing a row."""

import pandas as pd
import streamlit as st

from kam_core.account import merge
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.portfolio.directory import selector_options
from kam_core.programme.countries import country_name
from kam_core.ui import auth, frame, readers, state
from kam_core.ui.i18n import label, language, t
from kam_core.ui.saving import save, saved_message
from kam_core.ui.store import engine
from kam_core.ui.tables import percent_format

KEEP_KEY = "merge_keep"
OTHER_KEY = "merge_other"
PICKED_PAIR_KEY = "merge_pair_applied"
TABLE_GENERATION_KEY = "merge_table_generation"  # a new table after a merge: no pair left picked


def header() -> None:
    st.title(t("page.merge"))
    st.caption(t("merge.caption"))
    saved_message()


def likely_duplicates(directory) -> list:
    """Pairs that look like one customer; picking one fills the two choices below."""
    st.subheader(t("merge.duplicates"))
    pairs = readers.likely_duplicates()
    if not pairs:
        st.info(t("merge.no_duplicates"))
        return pairs
    table = pd.DataFrame(
        [
            {
                "first": pair.first_name,
                "second": pair.second_name,
                "similarity": 100 * pair.similarity,
                "reasons": ", ".join(t(f"merge.reason.{reason}") for reason in pair.reasons),
            }
            for pair in pairs
        ]
    )
    picked = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"merge_duplicates_{st.session_state.get(TABLE_GENERATION_KEY, 0)}",
        column_config={
            "first": st.column_config.TextColumn(t("merge.first")),
            "second": st.column_config.TextColumn(t("merge.second")),
            "similarity": st.column_config.ProgressColumn(
                t("merge.similarity"), format=percent_format(language()), min_value=0, max_value=100
            ),
            "reasons": st.column_config.TextColumn(t("merge.reasons")),
        },
    )
    rows = picked.selection.rows if picked else []
    choice = (pairs[rows[0]].first_id, pairs[rows[0]].second_id) if rows and rows[0] < len(pairs) else None
    if choice and st.session_state.get(PICKED_PAIR_KEY) != choice and all(i in directory for i in choice):
        st.session_state[PICKED_PAIR_KEY] = choice
        st.session_state[KEEP_KEY], st.session_state[OTHER_KEY] = choice
        st.rerun()
    return pairs


def choose_accounts(directory, pairs) -> tuple[int | None, int | None]:
    st.subheader(t("merge.choose"))
    query = ""
    if len(directory) > frame.SELECTOR_LIMIT:  # a large programme: find the two accounts by name
        query = st.text_input(t("merge.find"), key="merge_search", placeholder=t("merge.find_placeholder"))
    likely = [account_id for pair in pairs for account_id in (pair.first_id, pair.second_id)]
    left, right = st.columns(2)
    keep = account_choice(left, directory, KEEP_KEY, "keep", query, likely)
    other = account_choice(right, directory, OTHER_KEY, "other", query, likely)
    if keep is not None and keep == other:
        st.warning(t("merge.same_account"))
        return None, None
    return keep, other


def account_choice(where, directory, key: str, side: str, query: str, likely: list[int]) -> int | None:
    """One of the two accounts: every account of a small programme; in a large one those the search
    finds, else the likely duplicates; the account already chosen is always listed."""
    chosen = st.session_state.get(key)
    if chosen is not None and chosen not in directory:
        st.session_state[key] = chosen = None  # merged or deleted meanwhile
    options = selector_options(directory, selected=chosen, recent=likely, query=query, limit=frame.SELECTOR_LIMIT)
    archived = label("account_status", "archived")
    return where.selectbox(
        t(f"merge.{side}"),
        options.ids,
        index=None,
        key=key,
        placeholder=t("merge.pick"),
        help=t(f"merge.{side}_help"),
        format_func=lambda i: f"{directory.names[i]} ({archived})" if i in directory.archived else directory.names[i],
    )


def field_winners(plan, generation: int) -> dict[str, str]:
    """One choice per field whose values differ; equal fields need none."""
    st.subheader(t("merge.fields"))
    differing = [choice for choice in plan.fields if choice.differs]
    if not differing:
        st.caption(t("merge.fields_equal"))
        return {}
    st.caption(t("merge.fields_help"))
    winners = {}
    columns = st.columns(2)
    for position, choice in enumerate(differing):
        sides = {
            "keep": _side(plan.keep_name, _value(choice.field, choice.keep_value, choice.keep_label)),
            "other": _side(plan.other_name, _value(choice.field, choice.other_value, choice.other_label)),
        }
        winners[choice.field] = columns[position % 2].radio(
            _field_label(choice.field),
            tuple(sides),
            index=tuple(sides).index(choice.suggested),
            format_func=sides.get,
            key=f"merge_field_{plan.keep_id}_{plan.other_id}_{choice.field}_{generation}",
        )
    return winners


def _value(field: str, value, shown: str) -> str:
    """A field's value as the rest of the app writes it (status names, countries, money, percent)."""
    if value is None:
        return ""
    lang = language()
    if field == "status":
        return label("account_status", value)
    if field == "country":
        return country_name(value, lang)
    if field == "potential_3y":
        return fmt.money(value, readers.programme_settings().currency, lang)
    if field == "margin_pct":
        return fmt.percent(value, lang)
    return shown


def _about(conflict) -> str:
    return t(f"field.{conflict.label}") if conflict.kind == "plan_text" else conflict.label


def _side(name: str, value: str) -> str:
    """A radio option: read as Markdown."""
    return t("merge.side", name=md(name), value=md(value) or t("merge.empty"))


def moves(plan) -> None:
    st.subheader(t("merge.moves"))
    lines = [
        t("record.delete_line", kind=t(f"record.kind.{kind}"), count=count)
        for kind, count in plan.moves.items()
        if count
    ]
    st.markdown(t("merge.moves_intro", other=md(plan.other_name), keep=md(plan.keep_name)))
    st.markdown("\n".join(lines) if lines else t("merge.nothing_moves"))


def conflicts(plan, generation: int) -> dict[str, str | None]:
    """Every conflict in one table; the user settles each one (a row at a time, or all at once with
    one side), and the merge waits until every row is settled."""
    st.subheader(t("merge.conflicts", count=len(plan.conflicts)))
    if not plan.conflicts:
        st.caption(t("merge.no_conflicts"))
        return {}
    st.caption(t("merge.conflicts_help"))
    options = {
        "keep": t("merge.option.keep", name=plan.keep_name),
        "other": t("merge.option.other", name=plan.other_name),
        "both": t("merge.option.both"),
    }
    shown = {
        "keep": t("merge.option.keep", name=md(plan.keep_name)),
        "other": t("merge.option.other", name=md(plan.other_name)),
    }
    fill = st.segmented_control(  # its options are read as Markdown; the table's are not
        t("merge.fill"),
        ("keep", "other"),
        format_func=shown.get,
        key=f"merge_fill_{plan.keep_id}_{plan.other_id}_{generation}",
    )
    table = pd.DataFrame(
        [
            {
                "kind": t(f"merge.kind.{conflict.kind}"),
                "label": _about(conflict),
                "keep_value": conflict.keep_value,
                "other_value": conflict.other_value,
                "choice": options[fill] if fill else None,
            }
            for conflict in plan.conflicts
        ]
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        disabled=("kind", "label", "keep_value", "other_value"),
        key=f"merge_conflicts_{plan.keep_id}_{plan.other_id}_{generation}_{fill}",
        column_config={
            "kind": st.column_config.TextColumn(t("merge.kind")),
            "label": st.column_config.TextColumn(t("merge.about"), width="medium"),
            "keep_value": st.column_config.TextColumn(plan.keep_name, width="medium"),
            "other_value": st.column_config.TextColumn(plan.other_name, width="medium"),
            "choice": st.column_config.SelectboxColumn(
                t("merge.choice"), required=True, options=list(options.values())
            ),
        },
    )
    back = {text: code for code, text in options.items()}
    return {
        conflict.key: back.get(choice) if isinstance(choice, str) else None
        for conflict, choice in zip(plan.conflicts, edited["choice"], strict=True)
    }


def merge_button(plan, winners: dict[str, str], resolutions: dict[str, str | None]) -> None:
    st.divider()
    open_conflicts = sum(1 for choice in resolutions.values() if choice is None)
    if open_conflicts:
        st.warning(t("merge.unsettled", count=open_conflicts), icon=":material/rule:")
    st.markdown(t("merge.warning", other=md(plan.other_name), keep=md(plan.keep_name)))
    sure = st.checkbox(t("merge.confirm", other=md(plan.other_name)), key=f"merge_sure_{plan.keep_id}_{plan.other_id}")
    if st.button(
        t("merge.go"),
        key="merge_go",
        type="primary",
        icon=":material/merge:",
        disabled=auth.permit("editor").disabled or not sure or bool(open_conflicts),
        help=auth.permit("editor").help(),
    ):

        def action():
            # the versions the user reviewed: if either account changed since, the merge is refused
            result = merge.merge_accounts(
                engine(), plan.keep_id, plan.other_id, winners, resolutions, (plan.keep_version, plan.other_version)
            )
            state.request_account(result.keep_id)
            _forget_review(plan)
            for key in (KEEP_KEY, OTHER_KEY, PICKED_PAIR_KEY):
                st.session_state.pop(key, None)
            st.session_state[TABLE_GENERATION_KEY] = st.session_state.get(TABLE_GENERATION_KEY, 0) + 1
            return result

        save(
            action,
            field_label=_field_label,
            on_conflict=lambda: _review_again(plan),
            success=lambda result: t(
                "merge.done",
                other=md(plan.other_name),
                keep=md(plan.keep_name),
                count=sum(result.moved.values()),
                backup=md(result.backup) or "–",
            ),
        )


def reviewed_plan(keep_id: int, other_id: int) -> tuple[object, int]:
    """The plan as the user first read it, and a generation for the widgets showing it: choices
    made on it stay while the user works, even if a colleague saves one of the accounts meanwhile
    (the merge is then refused, and the plan read again)."""
    review = st.session_state.setdefault(f"merge_review_{keep_id}_{other_id}", {"generation": 0, "plan": None})
    if review["plan"] is None:
        review["plan"] = readers.merge_plan(keep_id, other_id, language())
    return review["plan"], review["generation"]


def _review_again(plan) -> None:
    review = st.session_state[f"merge_review_{plan.keep_id}_{plan.other_id}"]
    review["plan"], review["generation"] = None, review["generation"] + 1
    st.session_state[f"merge_reviewed_again_{plan.keep_id}_{plan.other_id}"] = True


def _forget_review(plan) -> None:
    st.session_state.pop(f"merge_review_{plan.keep_id}_{plan.other_id}", None)


def _field_label(field: str) -> str:
    return t(f"account.field.{field}", currency=readers.programme_settings().currency)


directory = readers.account_directory(with_archived=True)
header()
pairs = likely_duplicates(directory)
keep_id, other_id = choose_accounts(directory, pairs)
if keep_id is not None and other_id is not None:
    plan, generation = reviewed_plan(keep_id, other_id)
    if st.session_state.pop(f"merge_reviewed_again_{keep_id}_{other_id}", False):
        st.info(t("merge.reviewed_again"), icon=":material/sync_problem:")
    winners = field_winners(plan, generation)
    moves(plan)
    resolutions = conflicts(plan, generation)
    merge_button(plan, winners, resolutions)
