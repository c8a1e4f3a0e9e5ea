"""Handshake: the account plan agreed with the customer — its stage, the shared vision, joint
objectives and their KPIs, both sides' commitments, and the quarterly reviews."""

import streamlit as st

from kam_core.account import handshake
from kam_core.account.handshake import HANDSHAKE_STAGES
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.documents.charts import kpi_chart
from kam_core.ui import auth, presentation, readers, state
from kam_core.ui.i18n import label, language, t
from kam_core.ui.memo import draw_chart, remember, while_shown
from kam_core.ui.saving import save, saved_message
from kam_core.ui.section_editor import editable_heading, table_or_editor
from kam_core.ui.store import engine
from kam_core.ui.widgets import rag_badge


def header(view) -> None:
    st.title(t("handshake.title", name=md(readers.account_summary_of(view.account_id).name)))
    if view.stage is None:
        return
    lang = language()
    steps = []
    for stage in HANDSHAKE_STAGES:
        reached = view.reached_on(stage)
        done = reached is not None and handshake.stage_index(stage) <= handshake.stage_index(view.stage)
        text = f"{label('stage', stage)}" + (f" ({fmt.day(reached, lang)})" if done else "")
        steps.append(f"**:green[{text}]**" if done else f":gray[{text}]")
    st.markdown("  →  ".join(steps))
    days = (today() - view.stage_since).days if view.stage_since else 0
    st.caption(
        t(
            "handshake.people",
            signatory=md(view.signatory) or "–",
            sponsor=md(view.sponsor) or "–",
            kam=md(view.kam) or "–",
            days=days,
            review=fmt.day(view.next_review_on, lang),
        )
    )


def write(action, success: str) -> None:
    save(
        action,
        field_label=lambda field: t(f"handshake.field.{field}"),
        success=success,
        params=lambda values: {
            key: label("stage", value) if value in HANDSHAKE_STAGES else value for key, value in values.items()
        },
    )


def start(view) -> None:
    st.info(t("handshake.none"))
    if presentation.editing() and st.button(
        t("handshake.start"),
        type="primary",
        icon=":material/handshake:",
        key="start_handshake",
        **auth.permit("editor").control(),
    ):
        write(
            lambda: handshake.move_stage(engine(), view.account_id, "draft", today(), None, today=today()),
            t("handshake.started"),
        )


MOVE_BACK_KEY = "handshake_move_back"  # a move back waiting for its confirmation


def stage_move(view, joint_objectives: int) -> None:
    st.subheader(t("handshake.move"))
    choices = [stage for stage in HANDSHAKE_STAGES if stage != view.stage]
    following = handshake.next_stage(view.stage)
    with st.form(f"move_{view.account_id}", border=False):
        left, middle, right = st.columns([2, 1, 2], vertical_alignment="bottom")
        target = left.selectbox(
            t("handshake.move_to"),
            choices,
            index=choices.index(following) if following in choices else None,  # the last stage: none
            format_func=lambda code: label("stage", code),
            placeholder=t("handshake.move_pick"),
            key="move_target",
        )
        on_date = middle.date_input(
            t("handshake.move_date"), value=today(), max_value=today(), key="move_date", format="YYYY-MM-DD"
        )
        note = right.text_input(t("handshake.move_note"), max_chars=300, key="move_note")
        if st.form_submit_button(
            t("handshake.move_button"),
            type="primary",
            icon=":material/arrow_forward:",
            **auth.permit("editor").control(),
        ):
            if target is None:
                st.warning(t("handshake.move_pick"))
            elif handshake.is_move_back(view.stage, target):  # asked below, naming both stages
                st.session_state[MOVE_BACK_KEY] = (view.account_id, view.version, target, on_date, note)
            else:
                move(view, target, on_date, note)
    confirm_move_back(view)
    st.caption(t("handshake.rules", count=joint_objectives))


def confirm_move_back(view) -> None:
    """A move back waits here for a second click that names where the handshake is and where it goes."""
    pending = st.session_state.get(MOVE_BACK_KEY)
    if not pending or pending[:2] != (view.account_id, view.version):
        return
    _, _, target, on_date, note = pending
    st.warning(
        t("handshake.confirm_back", current=label("stage", view.stage), target=label("stage", target)),
        icon=":material/undo:",
    )
    left, right = st.columns(2)
    if left.button(
        t("handshake.confirm_back_button", target=label("stage", target)),
        type="primary",
        key="confirm_move_back",
        **auth.permit("editor").control(),
    ):
        del st.session_state[MOVE_BACK_KEY]
        move(view, target, on_date, note)
    if right.button(t("handshake.cancel_back", current=label("stage", view.stage)), key="cancel_move_back"):
        del st.session_state[MOVE_BACK_KEY]
        st.rerun()


def move(view, target: str, on_date, note: str) -> None:
    write(
        lambda: handshake.move_stage(
            engine(), view.account_id, target, on_date, view.version, today=today(), note=note or None
        ),
        t("handshake.moved", stage=label("stage", target)),
    )


def details(view) -> None:
    st.subheader(t("handshake.details"))
    if not presentation.editing():  # the room reads the shared vision; the form waits for Edit
        st.markdown(f"**{t('handshake.vision')}** — {md(view.vision) or '–'}")
        return
    view = while_shown(f"details_{view.account_id}", f"vision_{view.account_id}", lambda: view)  # the version shown
    signatories, sponsors = readers.handshake_choices(view.account_id, view.sponsor_id)
    with st.form(f"details_{view.account_id}", border=False):
        vision = st.text_area(
            t("handshake.vision"),
            value=view.vision or "",
            max_chars=4000,
            height=100,
            key=f"vision_{view.account_id}",
            placeholder=t("handshake.vision_placeholder"),
        )
        left, middle, right = st.columns(3)
        signatory = left.selectbox(
            t("handshake.signatory"),
            [None, *signatories],
            key=f"signatory_{view.account_id}",
            index=1 + list(signatories).index(view.signatory_id) if view.signatory_id in signatories else 0,
            format_func=lambda i: "–" if i is None else signatories[i],
        )
        sponsor = middle.selectbox(
            t("handshake.sponsor"),
            [None, *sponsors],
            key=f"sponsor_{view.account_id}",
            index=1 + list(sponsors).index(view.sponsor_id) if view.sponsor_id in sponsors else 0,
            format_func=lambda i: "–" if i is None else sponsors[i],
        )
        earliest = min(today(), view.next_review_on) if view.next_review_on else today()  # an overdue date stays
        next_review = right.date_input(
            t("handshake.next_review"),
            value=view.next_review_on,
            min_value=earliest,
            key=f"next_review_{view.account_id}",
            format="YYYY-MM-DD",
        )
        if st.form_submit_button(t("canvas.save"), icon=":material/save:", **auth.permit("editor").control()):
            write(
                lambda: handshake.save_handshake_details(
                    engine(),
                    view.account_id,
                    vision=vision,
                    signatory_id=signatory,
                    sponsor_id=sponsor,
                    next_review_on=next_review,
                    expected_version=view.version,
                    today=today(),
                ),
                t("canvas.saved"),
            )


def objectives(view, history) -> None:
    """Read as a table in a review; the Edit switch opens it for changes."""
    editing = editable_heading(
        "joint_objectives", view.account_id, t("handshake.objectives"), tables=("joint_objectives",)
    )
    if not history.empty and history["value"].notna().any():
        draw_chart("kpi_chart", view.account_id, lambda: kpi_chart(history, labels=kpi_labels()), width="stretch")
    table_or_editor("joint_objectives", view.account_id, editing)


def kpi_labels() -> dict[str, str]:
    return {key: t(f"handshake.kpi.{key}") for key in ("reading", "target", "baseline", "date", "value", "objective")}


def commitments(view, rows) -> None:
    editing = editable_heading("commitments", view.account_id, t("handshake.commitments"), tables=("commitments",))
    late = remember(f"handshake_late_{view.account_id}", language(), lambda: late_commitments(rows), source=rows)
    if late:
        st.markdown(late)
    table_or_editor("commitments", view.account_id, editing)


def late_commitments(rows) -> str:
    """The commitments overdue or due soon, most pressing first, as a Markdown list ("" when none)."""
    late = rows[rows["rag"].isin(["red", "amber"])].sort_values("due_date") if not rows.empty else rows
    lang = language()
    return "\n".join(
        f"- {rag_badge(row.rag)} **{fmt.day(row.due_date, lang)}** · {label('follow_up', row.side)} · "
        f"{md(row.description)} — *{md(row.owner)}*"
        for row in late.itertuples()
    )


def review_form(view, history) -> None:
    st.subheader(t("handshake.review"))
    if not handshake.is_agreed(view.stage):
        st.info(t("handshake.review_after_agreement"))
        return
    objectives = remember(
        f"handshake_readings_{view.account_id}", language(), lambda: reading_labels(history), source=history
    )
    with st.form(f"review_{view.account_id}", border=True):
        left, right = st.columns(2)
        review_date = left.date_input(
            t("handshake.review_date"), value=today(), max_value=today(), key="review_date", format="YYYY-MM-DD"
        )
        next_review = right.date_input(
            t("handshake.next_review"), value=None, min_value=today(), key="review_next", format="YYYY-MM-DD"
        )
        readings = {}
        for objective_id, text in objectives:
            readings[objective_id] = st.text_input(text, key=f"reading_{objective_id}")
        notes = st.text_area(t("handshake.notes"), key="review_notes", height=90, max_chars=4000)
        decisions = st.text_area(t("handshake.decisions"), key="review_decisions", height=90, max_chars=4000)
        if st.form_submit_button(
            t("handshake.record"), type="primary", icon=":material/event_available:", **auth.permit("editor").control()
        ):
            write(
                lambda: handshake.record_review(
                    engine(),
                    view.account_id,
                    review_date=review_date,
                    notes=notes,
                    decisions=decisions,
                    next_review_on=next_review,
                    readings=readings,
                    expected_version=view.version,
                    today=today(),
                ),
                t("handshake.recorded"),
            )


def reading_labels(history) -> list[tuple[int, str]]:
    """(objective id, the label of its KPI reading's field), one per joint objective."""
    lang = language()
    return [
        (
            int(row.objective_id),
            t(
                "handshake.reading",
                objective=md(row.title),
                kpi=md(row.kpi),
                unit=md(row.unit),
                target=fmt.number(row.target, lang),
            ),
        )
        for row in history.drop_duplicates("objective_id").itertuples()
    ]


def review_history(view, reviews) -> None:
    st.subheader(t("handshake.history"))
    if reviews.empty:
        st.caption(t("handshake.no_reviews"))
        return
    for title, notes, decisions, next_review in remember(
        f"handshake_reviews_{view.account_id}", language(), lambda: past_reviews(reviews), source=reviews
    ):
        with st.expander(title):
            st.markdown(notes)
            st.markdown(decisions)
            st.caption(next_review)


def past_reviews(reviews) -> list[tuple[str, str, str, str]]:
    """Each review's title, notes, decisions and the next review it set, as the page writes them."""
    lang = language()
    return [
        (
            t("handshake.review_of", date=fmt.day(row.review_date, lang), readings=row.readings),
            f"**{t('handshake.notes')}** — {md(row.notes) or '–'}",
            f"**{t('handshake.decisions')}** — {md(row.decisions) or '–'}",
            t("handshake.next_review_was", date=fmt.day(row.next_review_on, lang)),
        )
        for row in reviews.itertuples()
    ]


account_id = state.selected_account_id()
if account_id is None:
    st.title(t("page.handshake"))
    st.info(t("overview.pick_account"))
    st.stop()
view = readers.handshake_view(account_id)
header(view)
saved_message()
if view.stage is None:
    start(view)
    st.stop()
history, reviews, commitment_rows = readers.handshake_details(account_id)
details(view)
objectives(view, history)
commitments(view, commitment_rows)
if presentation.editing():  # in the room, once the facilitator switches Edit on
    stage_move(view, history["objective_id"].nunique())
    review_form(view, history)
review_history(view, reviews)
