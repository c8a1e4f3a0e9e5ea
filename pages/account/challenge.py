"""Challenge session: the selected account's plan reviewed by peers — the plan in brief for the room,
the questions, challenges and recommendations raised, each recommendation turned into an action or
rejected with a reason, the close (once none is left open) and the past sessions."""

import streamlit as st

from kam_core.account import challenge
from kam_core.common import formatting as fmt
from kam_core.common.clock import today
from kam_core.common.text import md
from kam_core.ui import auth, readers, routes
from kam_core.ui.i18n import label, language, t
from kam_core.ui.memo import while_shown
from kam_core.ui.saving import save, saved_message
from kam_core.ui.store import engine
from kam_core.ui.widgets import segment_badge, selected_account_or_stop

AMBITION_SHOWN = 240  # characters of the ambition in the plan in brief
LINE_SHOWN = 60  # characters of a priority, an objective or the first item of a SWOT quadrant
LINES_SHOWN = 4  # priorities and objectives listed in the plan in brief
ADDED = "challenge_added"  # how many items this session added: the new item's text box starts empty


def header(summary) -> None:
    st.title(t("challenge.title", name=md(summary.name)))
    st.markdown(
        f"{segment_badge(summary.segment)} &nbsp; "
        + t("canvas.subtitle", kam=md(summary.kam) or "–", sponsor=md(summary.sponsor) or "–"),
        unsafe_allow_html=True,
    )
    st.caption(t("challenge.caption"))


def write(action, success) -> None:
    save(action, field_label=lambda field: t(f"challenge.field.{field}"), success=success)


def plan_in_brief(summary) -> None:
    """The canvas's key content on a few lines, read through the canvas's own readers: key figures,
    the ambition, the priorities, the SWOT and the objectives (the whole canvas one click away)."""
    account_id, lang = summary.account_id, language()
    currency = readers.programme_settings().currency
    with st.expander(t("challenge.plan"), expanded=True, icon=":material/dashboard_customize:"):
        figures = st.columns(4)
        figures[0].metric(t("challenge.revenue"), fmt.money(summary.latest_revenue, currency, lang))
        figures[1].metric(t("overview.share_of_wallet"), fmt.percent(summary.share_of_wallet_pct, lang))
        figures[2].metric(t("overview.potential"), fmt.money(summary.potential_3y, currency, lang))
        figures[3].metric(t("challenge.plan_filled"), fmt.percent(summary.completeness_pct, lang))
        ambition, priorities, swot, objectives = st.columns(4, gap="medium")
        text = " ".join((readers.plan_text(account_id).ambition or "").split())
        ambition.markdown(f"**{t('field.ambition')}**  \n" + (md(fmt.quoted(text, AMBITION_SHOWN)) or "–"))
        ranked = readers.section_frame("priorities", account_id)
        priorities.markdown(
            f"**{t('section.priorities')}**\n\n"
            + listed([f"{int(row.rank)}. {md(fmt.quoted(row.title, LINE_SHOWN))}" for row in ranked.itertuples()])
        )
        swot.markdown(f"**{t('section.swot')}**\n\n" + swot_lines(account_id))
        planned = readers.section_frame("objectives", account_id)
        objectives.markdown(
            f"**{t('section.objectives')}**\n\n"
            + listed(
                [
                    f"- {md(fmt.quoted(row.title, LINE_SHOWN))} · {fmt.day(row.due_date, lang)}"
                    for row in planned.itertuples()
                ]
            )
        )
        st.page_link(routes.CANVAS.path, label=t("challenge.whole_canvas"), icon=":material/open_in_new:")


def listed(lines: list[str]) -> str:
    """At most ``LINES_SHOWN`` lines, and how many more there are."""
    if not lines:
        return "–"
    more = f"\n\n*{t('overview.more', count=len(lines) - LINES_SHOWN)}*" if len(lines) > LINES_SHOWN else ""
    return "\n".join(lines[:LINES_SHOWN]) + more


def swot_lines(account_id: int) -> str:
    items = readers.section_frame("swot", account_id)
    lines = []
    for kind in ("strength", "weakness", "opportunity", "threat"):
        texts = items[items["kind"] == kind]["text"].tolist()
        first = md(fmt.quoted(texts[0], LINE_SHOWN)) if texts else "–"
        lines.append(f"- *{label('swot', kind)}* ({len(texts)}): {first}")
    return "\n".join(lines)


def open_form(account_id: int) -> None:
    st.info(t("challenge.none_open"), icon=":material/record_voice_over:")
    with st.form(f"challenge_open_{account_id}", border=False):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        title = left.text_input(
            t("challenge.field.title"),
            value=t("challenge.default_title", date=fmt.day(today(), language())),
            max_chars=challenge.TITLE_MAX,
            key=f"challenge_title_{account_id}",
        )
        if right.form_submit_button(
            t("challenge.open"), type="primary", icon=":material/play_arrow:", **auth.permit("editor").control()
        ):
            write(lambda: challenge.open_session(engine(), account_id, title), t("challenge.opened"))


def session_header(view) -> None:
    summary = challenge.summary_of(view.items)
    st.subheader(md(view.title))
    st.caption(
        t("challenge.opened_by", who=md(view.opened_by), when=fmt.moment(view.opened_at, language()))
        + " · "
        + challenge.counts_text(summary, language())
    )


def added(_item) -> str:
    st.session_state[ADDED] = st.session_state.get(ADDED, 0) + 1
    return t("challenge.added")


def add_item(view) -> None:
    """Quick entry for the room: kind, text, author (kept from one item to the next)."""
    with st.form(f"challenge_add_{view.id}", border=True):
        kind_column, text_column, author_column = st.columns([2, 5, 2], vertical_alignment="bottom")
        kind = kind_column.radio(
            t("challenge.field.kind"),
            challenge.KINDS,
            format_func=lambda code: label("challenge_kind", code),
            key="challenge_kind",
        )
        text = text_column.text_area(
            t("challenge.field.text"),
            max_chars=challenge.TEXT_MAX,
            height=80,
            key=f"challenge_text_{st.session_state.get(ADDED, 0)}",
            placeholder=t("challenge.text_placeholder"),
        )
        author = author_column.text_input(
            t("challenge.field.author"), max_chars=challenge.AUTHOR_MAX, key="challenge_author"
        )
        if st.form_submit_button(t("challenge.add"), icon=":material/add_comment:", **auth.permit("editor").control()):
            write(lambda: challenge.add_item(engine(), view.id, kind, text, author), added)


def item_line(item) -> str:
    return f"{md(item.text)}  \n:gray[— {md(item.author)}]"


def questions_and_challenges(view) -> None:
    questions, challenges = st.columns(2, gap="large")
    with questions:
        st.markdown(f"#### {label('challenge_plural', 'question')}")
        for item in view.of_kind("question"):
            with st.container(border=True):
                st.markdown(item_line(item))
                answer_form(item)
        if not view.of_kind("question"):
            st.caption(t("challenge.none_yet"))
    with challenges:
        st.markdown(f"#### {label('challenge_plural', 'challenge')}")
        for item in view.of_kind("challenge"):
            with st.container(border=True):
                st.markdown(item_line(item))
        if not view.of_kind("challenge"):
            st.caption(t("challenge.none_yet"))


def answer_form(item) -> None:
    if item.answer:
        st.markdown(f"**{t('challenge.field.answer')}**: {md(item.answer)}")
    version = while_shown(f"answer_{item.id}", f"answer_{item.id}", lambda: item.version)
    opener = t("challenge.change_answer") if item.answer else t("challenge.answer")
    with st.expander(opener), st.form(f"answer_form_{item.id}", border=False):
        text = st.text_area(
            t("challenge.field.answer"),
            value=item.answer or "",
            max_chars=challenge.ANSWER_MAX,
            height=80,
            key=f"answer_{item.id}",
        )
        if st.form_submit_button(t("challenge.save_answer"), **auth.permit("editor").control()):
            write(lambda: challenge.answer(engine(), item.id, text, version), t("challenge.answered"))


def recommendations(view) -> None:
    st.markdown(f"#### {label('challenge_plural', 'recommendation')}")
    items = view.of_kind("recommendation")
    if not items:
        st.caption(t("challenge.none_yet"))
    for item in items:
        with st.container(border=True):
            st.markdown(f"{outcome_badge(item)} {item_line(item)}")
            if item.is_open:
                decide(item)
            else:
                st.caption(outcome_caption(item))


def outcome_badge(item) -> str:
    if item.outcome is None:
        return f":orange-badge[{t('challenge.to_decide')}]"
    return f":{'green' if item.outcome == 'action' else 'gray'}-badge[{label('challenge_outcome', item.outcome)}]"


def outcome_caption(item) -> str:
    if item.outcome == "action":
        return t("challenge.became_action", owner=md(item.owner), due=fmt.day(item.due_date, language()))
    return t("challenge.rejected_because", reason=md(item.reason))


def decide(item) -> None:
    """Turn the recommendation into an action of the account, or reject it with a reason."""
    version = while_shown(f"decide_{item.id}", f"owner_{item.id}", lambda: item.version)
    to_action, to_reject = st.columns([3, 2], gap="large")
    with to_action, st.form(f"action_form_{item.id}", border=False):
        st.markdown(f"**{t('challenge.make_action')}**")
        title = st.text_input(
            t("challenge.field.action_title"),
            value=item.text[: challenge.ACTION_TITLE_MAX],
            max_chars=challenge.ACTION_TITLE_MAX,
            key=f"action_title_{item.id}",
        )
        owner_column, due_column = st.columns(2)
        owner = owner_column.text_input(
            t("challenge.field.owner"), max_chars=challenge.OWNER_MAX, key=f"owner_{item.id}"
        )
        due = due_column.date_input(
            t("challenge.field.due_date"), value=None, min_value=today(), key=f"due_{item.id}", format="YYYY-MM-DD"
        )
        if st.form_submit_button(
            t("challenge.make_action_button"), type="primary", icon=":material/task_alt:", **auth.permit().control()
        ):
            write(
                lambda: challenge.make_action(
                    engine(), item.id, title=title, owner=owner, due_date=due, expected_version=version, today=today()
                ),
                t("challenge.action_created", owner=md(owner)),
            )
    with to_reject, st.form(f"reject_form_{item.id}", border=False):
        st.markdown(f"**{t('challenge.reject')}**")
        reason = st.text_area(
            t("challenge.field.reason"), max_chars=challenge.REASON_MAX, height=80, key=f"reason_{item.id}"
        )
        if st.form_submit_button(t("challenge.reject_button"), icon=":material/block:", **auth.permit().control()):
            write(lambda: challenge.reject(engine(), item.id, reason, version), t("challenge.rejected"))


def close(view) -> None:
    """Closing waits until every recommendation is decided: the button says why while it cannot."""
    blockers = challenge.close_blockers(view)
    reason = (
        t(f"error.{blockers[0].code}", **{key: md(str(value)) for key, value in blockers[0].params.items()})
        if blockers
        else None
    )
    permit = auth.permit("editor")
    if st.button(
        t("challenge.close"),
        type="primary",
        icon=":material/lock:",
        key=f"close_{view.id}",
        disabled=permit.disabled or bool(blockers),
        help=permit.help(reason or t("challenge.close_help")),
    ):
        write(lambda: challenge.close_session(engine(), view.id, view.version), t("challenge.closed"))
    if reason:
        st.caption(reason)


def past_sessions(sessions) -> None:
    closed = [view for view in sessions if not view.is_open]
    st.subheader(t("challenge.past"))
    if not closed:
        st.caption(t("challenge.no_past"))
        return
    lang = language()
    for view in closed:
        summary = challenge.summary_of(view.items)
        title = t("challenge.past_title", title=view.title, when=fmt.moment(view.closed_at, lang), who=view.closed_by)
        with st.expander(md(title)):
            st.markdown(f"**{challenge.counts_text(summary, lang)}**")
            for outcome in summary.outcomes:
                st.markdown(f"- {md(challenge.outcome_text(outcome, lang))}")
            for item in [*view.of_kind("question"), *view.of_kind("challenge")]:
                answer = f" → {md(item.answer)}" if item.answer else ""
                st.markdown(f"- *{label('challenge_kind', item.kind)}*: {md(item.text)} — {md(item.author)}{answer}")


summary = selected_account_or_stop("page.challenge")
header(summary)
saved_message()
sessions = readers.challenge_sessions(summary.account_id)
current = sessions[0] if sessions and sessions[0].is_open else None
plan_in_brief(summary)
if current is None:
    open_form(summary.account_id)
else:
    session_header(current)
    add_item(current)
    questions_and_challenges(current)
    recommendations(current)
    close(current)
past_sessions(sessions)
