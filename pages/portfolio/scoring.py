"""Score accounts: one account on a shared screen (workshop), or many accounts in a grid."""

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.portfolio import scoring
from kam_core.portfolio.scoring import AXES
from kam_core.portfolio.segmentation import placed, segment_change
from kam_core.ui import auth, grid, presentation, readers, state
from kam_core.ui.i18n import language, quarter, quarter_names, t
from kam_core.ui.labels import quadrant_name
from kam_core.ui.memo import OWN_SAVES, kept_while
from kam_core.ui.saving import attempt
from kam_core.ui.store import engine

NOT_SCORED = "–"
HALF_STEPS = [step / 2 for step in range(0, 21)]
TABS = ("workshop", "grid")
TAB_KEY = "scoring_tab"
OPEN_TAB_KEY = "scoring_open_tab"
GRID_PENDING_KEY = "grid_pending"


def slider_steps(current: float | None) -> list:
    """Half points for a room to agree on, plus the current score when it is finer than that."""
    steps = sorted(set(HALF_STEPS) | ({current} if current is not None else set()))
    return [NOT_SCORED, *steps]


def header() -> str:
    periods = readers.period_choices()
    if presentation.active():  # the room: the quarter beside the title, the scores higher on the screen
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.title(t("page.scoring"))
        names = quarter_names()
        period = row.selectbox(t("matrix.period"), periods, key="scoring_period", width=220, format_func=names)
        if presentation.editing():
            with row:
                start_period_button(period)
        return period
    st.title(t("page.scoring"))
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    period = left.selectbox(t("matrix.period"), periods, key="scoring_period", format_func=quarter_names())
    if presentation.editing():
        with right:
            start_period_button(period)
    return period


def start_period_button(period: str) -> None:
    """Offered for the current quarter only, while it has no score at all yet."""
    previous = scoring.previous_scored_period(readers.scored_periods(), period)
    if period != readers.programme_settings().current_period or period in readers.scored_periods() or not previous:
        return
    if st.button(
        t("scoring.start_period", period=quarter(period), previous=quarter(previous)),
        icon=":material/content_copy:",
        key="start_period",
        **auth.permit("editor").control(t("scoring.start_period_help")),
    ):
        outcome = attempt(
            lambda: scoring.start_period(engine(), period, previous),
            on_conflict=say_scores_changed,
            on_invalid=say_scores_changed,
        )
        if not outcome.saved:
            readers.clear()
            return
        copied = outcome.result
        st.toast(t("scoring.started", count=copied), icon=":material/check:")


def position_of(account_id: int, period: str):
    row = readers.segments_of(period)
    row = row[row["account_id"] == account_id]
    return None if row.empty else row.iloc[0]


def workshop(account_id: int | None, period: str) -> None:
    if account_id is None:
        st.info(t("overview.pick_account"))
        return
    name = readers.account_directory().names.get(account_id, "")
    before = position_of(account_id, period)
    st.subheader(t("scoring.workshop_title", name=md(name), period=quarter(period)))
    show_position(before)
    scores = kept_while(  # the scores (and versions) the sliders were drawn with, until this session saves
        f"workshop_{account_id}_{period}",
        st.session_state.get(OWN_SAVES, 0),
        any(str(key).startswith(f"score_{account_id}_{period}_") for key in st.session_state),
        lambda: readers.account_scores_of(account_id, period),
    )
    with st.form(f"workshop_{account_id}_{period}", enter_to_submit=False, border=False):
        columns = st.columns(2, gap="large")
        entered = {}
        for column, axis in zip(columns, AXES):
            with column:
                st.markdown(f"### {t(f'matrix.axis_{axis}')}")
                for score in [s for s in scores if s.criterion.axis == axis]:
                    entered[score.criterion.id] = criterion_input(score, account_id, period)
        submitted = st.form_submit_button(
            t("scoring.save_scores"),
            type="primary",
            icon=":material/save:",
            width="stretch",
            **auth.permit("editor").control(),
        )
    if submitted:
        save_workshop(account_id, period, scores, entered, before)
    report_last_save("workshop")


def workshop_scores(account_id: int | None, period: str) -> None:
    """In the room until the facilitator switches Edit on: the account's scores, every criterion of
    both axes on one screen, read-only."""
    if account_id is None:
        st.info(t("overview.pick_account"))
        return
    name = readers.account_directory().names.get(account_id, "")
    st.subheader(t("scoring.workshop_title", name=md(name), period=quarter(period)))
    show_position(position_of(account_id, period))
    scores = readers.account_scores_of(account_id, period)
    lang = language()
    for column, axis in zip(st.columns(2, gap="large"), AXES):
        lines = [
            f"| {t(f'matrix.axis_{axis}')} | {t('scoring.score')} | {t('scoring.rationale')} |",
            "| --- | ---: | --- |",
        ]
        lines += [
            f"| {md(score.criterion.name)} · {t('scoring.weight', weight=fmt.number(score.criterion.weight, lang))} "
            f"| **{fmt.score(score.value, lang)}** | {md(score.rationale or '')} |"
            for score in scores
            if score.criterion.axis == axis
        ]
        column.markdown("\n".join(lines))


def show_position(position) -> None:
    lang = language()
    if position is None or placed(position["quadrant"]) is None:
        st.info(t("scoring.not_placed"))
        return
    st.markdown(
        t(
            "scoring.position",
            quadrant=quadrant_name(position["quadrant"]),
            attractiveness=fmt.score(position["attractiveness"], lang),
            strength=fmt.score(position["strength"], lang),
        )
    )


def criterion_input(score, account_id: int, period: str):
    criterion = score.criterion
    key = f"score_{account_id}_{period}_{criterion.id}"
    lang = language()
    with st.container(border=True):
        st.markdown(f"**{md(criterion.name)}** · {t('scoring.weight', weight=fmt.number(criterion.weight, lang))}")
        value = st.select_slider(
            md(criterion.name),
            slider_steps(score.value),
            key=key,
            label_visibility="collapsed",
            value=NOT_SCORED if score.value is None else score.value,
            format_func=lambda v: v if v == NOT_SCORED else fmt.score(v, lang),
        )
        st.caption(
            t(
                "scoring.anchors",
                low=md(criterion.anchor_low),
                mid=md(criterion.anchor_mid),
                high=md(criterion.anchor_high),
            )
        )
        rationale = st.text_input(
            t("scoring.rationale"),
            value=score.rationale or "",
            key=f"{key}_why",
            placeholder=t("scoring.rationale_placeholder"),
            max_chars=500,
        )
    return value, rationale


def save_workshop(account_id: int, period: str, scores, entered: dict, before) -> None:
    edits = scoring.workshop_edits(
        account_id,
        scores,
        {
            criterion_id: (None if value == NOT_SCORED else value, rationale)
            for criterion_id, (value, rationale) in entered.items()
        },
    )
    if not edits:
        st.info(t("scoring.nothing_changed"))
        return
    if save(period, edits, "workshop"):
        after = position_of(account_id, period)
        st.session_state["workshop_saved"] = (len(edits), _quadrant(before), _quadrant(after))
        st.rerun()


def _quadrant(position):
    return None if position is None else position["quadrant"]


def report_last_save(tab: str) -> None:
    if st.session_state.pop(f"{tab}_conflict", False):
        st.error(t("scoring.conflict"))
    saved = st.session_state.pop(f"{tab}_saved", None)
    if not saved:
        return
    count, before, after = saved
    st.success(t("scoring.saved", count=count), icon=":material/check:")
    change = segment_change(before, after)
    if change is None:
        return
    after = quadrant_name(change.after)
    st.success(
        t("scoring.moved", before=quadrant_name(change.before), after=after)
        if change.before
        else t("scoring.now_in", after=after),
        icon=":material/trending_flat:",
    )


def say_scores_changed(_error) -> None:
    st.error(t("scoring.conflict"))


def save(period: str, edits, tab: str) -> bool:
    """Save a batch whole or not at all; say what is wrong, naming the account and criterion."""

    def show_stored_scores(_conflict) -> None:
        readers.clear()
        forget_typed_scores()
        st.session_state[f"{tab}_conflict"] = True
        st.rerun()

    return attempt(
        lambda: scoring.save_scores(engine(), period, edits),
        heading="scoring.nothing_saved",
        on_conflict=show_stored_scores,
    ).saved


def forget_typed_scores() -> None:
    """After a conflict, show what is stored now: drop the sliders' and the grid's typed values."""
    for key in [key for key in st.session_state if str(key).startswith("score_")]:
        del st.session_state[key]
    st.session_state["grid_generation"] = st.session_state.get("grid_generation", 0) + 1


def score_grid(period: str) -> None:
    st.caption(t("scoring.grid_help"))
    axis = (
        st.segmented_control(
            t("scoring.axis"), AXES, default=AXES[0], key="grid_axis", format_func=lambda code: t(f"matrix.axis_{code}")
        )
        or AXES[0]
    )
    generation = st.session_state.setdefault("grid_generation", 0)
    sheet, versions = kept_while(  # the scores being typed over, even when a write elsewhere changed them
        f"grid_{period}_{axis}",
        generation,
        st.session_state.get(GRID_PENDING_KEY, 0) > 0,
        lambda: (readers.score_sheet(period, axis), readers.score_versions(period, axis)),
    )
    criteria = {str(c.id): c.name for c in readers.criteria_of(axis)}
    edited = grid.edit_score_sheet(
        sheet, criteria, t("column.account"), key=f"grid_{period}_{axis}_{generation}", language=language()
    )
    edits = scoring.sheet_edits(sheet, edited, versions)
    st.session_state[GRID_PENDING_KEY] = len(edits)
    if st.session_state.pop("grid_unsaved", False) and edits:
        st.warning(t("scoring.unsaved", count=len(edits)), icon=":material/edit_note:")
    st.caption(t("scoring.pending", count=len(edits)))
    if st.button(
        t("scoring.save_grid", count=len(edits)),
        type="primary",
        disabled=auth.permit("editor").disabled or not edits,
        help=auth.permit("editor").help(),
        key="save_grid",
        icon=":material/save:",
    ) and save(period, edits, "grid"):
        st.session_state["grid_generation"] = generation + 1
        st.session_state[GRID_PENDING_KEY] = 0
        st.session_state["grid_saved"] = (len(edits), None, None)
        st.rerun()
    report_last_save("grid")


def scoring_tabs() -> dict:
    """The two tabs; only the open one runs (a rerun at each switch): the grid of every account is
    not built while the room scores one account, nor the twelve sliders while the grid is open. The
    open tab is kept by its code, so it stays open when the language changes."""
    labels = {code: t(f"scoring.tab_{code}") for code in TABS}
    tabs = dict(
        zip(
            TABS,
            st.tabs(
                list(labels.values()),
                key=TAB_KEY,
                on_change=tab_changed,
                args=(labels,),
                default=labels[st.session_state.get(OPEN_TAB_KEY, TABS[0])],
            ),
        )
    )
    st.session_state[OPEN_TAB_KEY] = next((code for code, tab in tabs.items() if tab.open), TABS[0])
    return tabs


def tab_changed(labels: dict) -> None:
    """Leaving the grid with scores typed and not saved would lose them: the grid stays open and says so."""
    chosen = next((code for code, text in labels.items() if text == st.session_state[TAB_KEY]), TABS[0])
    if chosen != "grid" and st.session_state.get(GRID_PENDING_KEY):
        st.session_state[TAB_KEY] = labels["grid"]
        st.session_state["grid_unsaved"] = True


period = header()
if not presentation.editing():  # the room: the scores read-only; the sliders and the grid wait for Edit
    workshop_scores(state.selected_account_id(), period)
    st.stop()
tabs = scoring_tabs()
if tabs["workshop"].open:
    with tabs["workshop"]:
        workshop(state.selected_account_id(), period)
if tabs["grid"].open:
    with tabs["grid"]:
        score_grid(period)
