"""Workshop: the facilitator builds an agenda, starts, and for each account scores every criterion on
one screen with the room's votes beside them, sees where the account lands before saving, commits the
consensus and records the decision with its actions."""

from datetime import timedelta
from urllib.parse import urlsplit

import streamlit as st

from kam_core.common import clock
from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.documents import minutes_docs
from kam_core.portfolio.scoring import AXES
from kam_core.programme.periods import shift_period
from kam_core.ui import auth, downloads, presentation, readers, routes
from kam_core.ui import workshop as ws
from kam_core.ui.i18n import language, quarter, quarter_names, t
from kam_core.ui.labels import quadrant_name
from kam_core.ui.saving import attempt
from kam_core.ui.store import engine
from kam_core.ui.tables import number_column, shown_numbers
from kam_core.workshop import agenda, consensus, sessions
from kam_core.workshop.consensus import NewAction

SESSION_PARAM = "session"
HALF_STEPS = [step / 2 for step in range(0, 21)]
NOT_SCORED = "–"
ACTION_ROWS = 3
REFRESH_SECONDS = 2
TOUCHED_KEY = "workshop_touched"  # the sliders the facilitator moved: they no longer follow the room
SET_KEY = "workshop_set_values"  # per slider, the last two values this page set (``follow``)
DRAWN_KEY = "workshop_drawn_spreads"  # the room's votes the account was drawn with (ws.spread_signature)
CHART_SIZE = {"page": 240, "present": 200}  # px: in the room, the criteria and the chart share 720 px
SEGMENTS = ("strategic", "develop", "maintain", "opportunistic")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def chosen_session() -> int | None:
    raw = st.query_params.get(SESSION_PARAM)
    return int(raw) if raw and raw.isdigit() else None


def header() -> sessions.SessionView | None:
    known = ws.all_sessions()
    ids = [view.id for view in known]
    names = {view.id: f"{view.title} · {quarter(view.period)} · {view.join_code}" for view in known}
    if presentation.active():  # the compact header names the page: the account on screen, the session, New
        heading, left, right = st.columns([3, 3, 1], vertical_alignment="center")
    else:
        heading, left, right = st.columns([2, 3.5, 1.5], vertical_alignment="center")  # "Nouvelle session" whole
        heading.title(t("page.workshop"))
    current = chosen_session()
    picked = left.selectbox(
        t("workshop.session"),
        ids,
        label_visibility="collapsed",
        index=ids.index(current) if current in ids else None,
        format_func=lambda identifier: names.get(identifier, str(identifier)),
        placeholder=t("workshop.pick_session"),
        key="workshop_pick",
    )
    with right.popover(t("workshop.new"), icon=":material/add:", width="stretch"):
        new_session_form()
    if picked is not None and picked != current:
        st.query_params[SESSION_PARAM] = str(picked)
    view = ws.session_view(picked)
    if presentation.active() and view is not None and view.is_open and view.current is not None:
        heading.subheader(t("workshop.on_screen", name=md(view.current.name), period=quarter(view.period)))
    return view


def new_session_form() -> None:
    with st.form("workshop_new", border=False):
        title = st.text_input(t("workshop.title"), max_chars=sessions.TITLE_MAX, key="workshop_new_title")
        periods = readers.period_choices()
        period = st.selectbox(t("matrix.period"), periods, key="workshop_new_period", format_func=quarter_names())
        submitted = st.form_submit_button(t("workshop.create"), type="primary", **auth.permit("editor").control())
    if submitted:
        outcome = attempt(lambda: sessions.create_session(engine(), title, period, auth.access.current().name))
        if outcome.saved:
            st.query_params[SESSION_PARAM] = str(outcome.result.id)
            st.session_state.pop("workshop_pick", None)
            st.rerun()


def agenda_builder(view: sessions.SessionView) -> None:
    """Built before the start (open on the page), changed during the workshop (in a popover of the step bar)."""
    label = t("workshop.agenda", count=len(view.items))
    place = (
        st.expander(label, expanded=True)
        if view.position is None
        else st.popover(label, icon=":material/list:", width="stretch")
    )
    with place:
        directory = readers.account_directory()
        kind = st.segmented_control(
            t("workshop.builder"),
            (*agenda.KINDS, "hand"),
            default="hand",
            key=f"workshop_builder_{view.id}",
            format_func=lambda code: t(f"workshop.builder_{code}"),
        )
        key = f"workshop_accounts_{view.id}"
        if kind and kind != "hand" and st.session_state.get(f"{key}_kind") != kind:
            st.session_state[key] = [a for a in ws.suggestion(view.period, kind) if a in directory.names]
            st.session_state[f"{key}_kind"] = kind
        if key not in st.session_state:
            st.session_state[key] = [item.account_id for item in view.items]
        chosen = st.multiselect(
            t("workshop.accounts"), directory.ids, key=key, format_func=lambda a: directory.names.get(a, str(a))
        )
        minutes = st.number_input(
            t("workshop.minutes"),
            min_value=sessions.MINUTES_MIN,
            max_value=sessions.MINUTES_MAX,
            value=sessions.DEFAULT_MINUTES,
            step=1,
            key=f"workshop_minutes_{view.id}",
        )
        if st.button(t("workshop.save_agenda"), key="workshop_save_agenda", **auth.permit("editor").control()):
            entries = [(account_id, int(minutes)) for account_id in chosen]
            if attempt(lambda: sessions.set_agenda(engine(), view.id, entries, view.version)).saved:
                st.rerun()


def step_bar(view: sessions.SessionView) -> None:
    """Where the room is, the join code, the time box, and the moves."""
    with st.container(key="ws_step"):
        step_controls(view)


def step_controls(view: sessions.SessionView) -> None:
    plan, code, step, start, back, forward, minutes, end = st.columns(
        [1.3, 2.5, 2, 1, 1, 1, 1.2, 1], vertical_alignment="center"
    )
    if view.position is not None:
        with plan:
            agenda_builder(view)
    code.markdown(t("workshop.join_code", code=view.join_code, link=join_markdown(view.join_code)))
    editor = auth.permit("editor")
    if view.position is None:
        step.caption(t("workshop.not_started"))
        if start.button(
            t("workshop.start"), type="primary", key="workshop_start", disabled=editor.disabled or not view.items
        ):
            move(view, 0)
        return
    with step:
        st.markdown(t("workshop.step", step=view.position + 1, total=len(view.items)))
        st.fragment(timer, run_every=REFRESH_SECONDS)(view)
    if back.button(
        t("workshop.previous"),
        key="workshop_prev",
        icon=":material/arrow_back:",
        disabled=editor.disabled or view.position == 0,
    ):
        move(view, view.position - 1)
    last = view.position >= len(view.items) - 1
    if forward.button(
        t("workshop.next"), key="workshop_next", icon=":material/arrow_forward:", disabled=editor.disabled or last
    ):
        move(view, view.position + 1)
    if ws.reviewed(view):
        with minutes.popover(t("workshop.minutes_heading"), icon=":material/description:", width="stretch"):
            minutes_downloads(view)
    closing = end.button(t("workshop.close"), key="workshop_close", icon=":material/stop:", **editor.control())
    if closing and attempt(lambda: sessions.close_session(engine(), view.id)).saved:
        st.rerun()


def join_markdown(code: str) -> str:
    """The link to join, written out in full; in the room, as the server and page only (the code is
    beside it), so that the step bar holds on one line."""
    link = join_link(code)
    if not presentation.active():
        return md(link)
    short = urlsplit(link)
    return f"[{md(short.netloc + short.path)}]({link})"


def join_link(code: str) -> str:
    address = urlsplit(getattr(st.context, "url", "") or "")
    base = f"{address.scheme}://{address.netloc}" if address.netloc else ""
    return ws.join_link(base, code)


def move(view: sessions.SessionView, position: int) -> None:
    if attempt(lambda: sessions.move_to(engine(), view.id, position, view.position)).saved:
        st.rerun()


def timer(view: sessions.SessionView) -> None:
    """The time box of the step, from the time the server stored when the room reached it."""
    left = sessions.remaining_seconds(view)
    if left is None:
        return
    shown = fmt_duration(abs(left))
    if left >= 0:
        st.markdown(t("workshop.time_left", time=shown))
    else:
        st.markdown(t("workshop.time_over", time=shown))


def fmt_duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def criteria_panel(view: sessions.SessionView, item: sessions.AgendaItem, scores, spreads) -> dict:
    """Every criterion of both axes on one screen: a compact slider each with the room's spread beside
    it, the anchors on demand (help)."""
    proposed = consensus.proposal(scores, spreads)
    values = {}
    with st.container(key="ws_criteria"):
        columns = st.columns(2, gap="medium")
        for column, axis in zip(columns, AXES):
            with column:
                st.markdown(f"**{t(f'matrix.axis_{axis}')}**")
                for score in [s for s in scores if s.criterion.axis == axis]:
                    criterion = score.criterion
                    room = spreads.get(criterion.id)
                    with st.container(key=f"ws_crit_{criterion.id}"):
                        criterion_row(view, item, criterion, proposed.get(criterion.id), room, values)
    return values


def criterion_row(view, item, criterion, start, room, values: dict) -> None:
    """One criterion: its slider and the room's spread beside it. In the room (presentation mode) one
    line each, name | slider | spread, so that both axes' criteria hold in 1280x720."""
    lang = language()
    label = f"{md(criterion.name)} · {fmt.number(criterion.weight, lang)} %"
    anchors = t(
        "scoring.anchors",
        low=md(criterion.anchor_low),
        mid=md(criterion.anchor_mid),
        high=md(criterion.anchor_high),
    )
    spread_md = ws.spread_text(room, lang, t("workshop.no_vote"), votes_label(room))
    if presentation.active():
        name, slider, spread = st.columns([1.25, 1.5, 0.95], vertical_alignment="center", gap="small")
        name.markdown(label, help=anchors)
        with slider:
            values[criterion.id] = criterion_slider(view, item, criterion, start, label, anchors, collapsed=True)
    else:
        slider, spread = st.columns([4, 1.4], vertical_alignment="bottom", gap="small")
        with slider:
            values[criterion.id] = criterion_slider(view, item, criterion, start, label, anchors, collapsed=False)
    spread.container(key=f"ws_spread_{criterion.id}").markdown(spread_md)


def votes_label(spread) -> str:
    count = spread.votes if spread else 0
    return t("workshop.votes_one") if count == 1 else t("workshop.votes_count", count=count)


def criterion_slider(view, item, criterion, start, label: str, anchors: str, *, collapsed: bool):
    lang = language()
    steps = sorted(set(HALF_STEPS) | ({start} if start is not None else set()))
    key = f"ws_{view.id}_{item.account_id}_{criterion.id}"
    follow(key, NOT_SCORED if start is None else start)
    chosen = st.select_slider(
        label,
        [NOT_SCORED, *steps],
        key=key,
        help=None if collapsed else anchors,
        label_visibility="collapsed" if collapsed else "visible",
        format_func=lambda v: v if v == NOT_SCORED else fmt.score(v, lang),
    )
    return None if chosen == NOT_SCORED else chosen


def follow(key: str, proposed) -> None:
    """A slider follows the room's median until the facilitator moves it. Moved: its value is none of
    the last two this page set (a browser may send back the one before last while the new one is on
    its way, when a refresh crosses it), and from then on it keeps the facilitator's value."""
    touched = st.session_state.setdefault(TOUCHED_KEY, set())
    ours = st.session_state.setdefault(SET_KEY, {})
    if key in st.session_state and st.session_state[key] not in ours.get(key, ()):
        touched.add(key)
    if key in touched:
        return
    st.session_state[key] = proposed
    ours[key] = (*ours.get(key, ())[-1:], proposed)


def position_panel(view: sessions.SessionView, item: sessions.AgendaItem, criteria, values: dict) -> None:
    now = ws.live_position(criteria, values)
    chart_size = CHART_SIZE["present" if presentation.active() else "page"]
    previous = shift_period(view.period, -1)
    before = ws.stored_position(item.account_id, previous)
    chart = ws.position_chart(
        now,
        before,
        now_label=t("workshop.now"),
        before_label=previous,
        size=chart_size,
    )
    st.altair_chart(chart, width="content")
    lang = language()
    if now.quadrant is None:
        st.caption(t("scoring.not_placed"))
    else:
        st.markdown(
            t(
                "workshop.lands",
                quadrant=quadrant_name(now.quadrant),
                attractiveness=fmt.score(now.attractiveness, lang),
                strength=fmt.score(now.strength, lang),
            )
        )


def room_panel(view: sessions.SessionView, item: sessions.AgendaItem) -> None:
    """How many joined; every REFRESH_SECONDS, a vote that changed the spread draws the account again
    (the sliders follow a new median, the spread beside each slider is the room's)."""
    spreads = ws.spreads(view.id, item.account_id)
    if st.session_state.get(DRAWN_KEY) != ws.spread_signature(spreads):
        st.session_state[DRAWN_KEY] = ws.spread_signature(spreads)
        st.rerun(scope="app")
    st.caption(t("workshop.room", count=len(ws.participants(view.id))))


def commit_button(view, item, scores, values: dict) -> None:
    spreads = ws.spreads(view.id, item.account_id)
    if not st.button(
        t("workshop.commit"),
        type="primary",
        icon=":material/how_to_reg:",
        key="workshop_commit",
        width="stretch",
        **auth.permit("editor").control(t("workshop.commit_help")),
    ):
        return
    templates = (t("workshop.rationale"), t("workshop.rationale_outliers"), t("workshop.rationale_no_vote"))
    outcome = attempt(
        lambda: consensus.commit_consensus(
            engine(),
            view.id,
            item.account_id,
            values,
            {s.criterion.id: s.version for s in scores},
            spreads,
            day=clock.today(),
            templates=templates,
        ),
        heading="scoring.nothing_saved",
    )
    if outcome.saved:
        st.session_state["workshop_committed"] = outcome.result
        st.rerun()


def decision_form(view, item) -> None:
    with st.popover(t("workshop.decision"), icon=":material/gavel:", width="stretch"):
        if item.decision:
            st.caption(
                t(
                    f"workshop.decided_{item.decision}",
                    segment=quadrant_name(item.segment_after) if item.segment_after else "–",
                )
            )
        with st.form(f"workshop_decision_{item.id}", border=False):
            now = ws.stored_position(item.account_id, view.period).quadrant
            decision = st.radio(
                t("workshop.decision"),
                consensus.DECISIONS,
                index=consensus.DECISIONS.index(consensus.proposed_decision(item.segment_before, now)),
                horizontal=True,
                format_func=lambda code: t(f"workshop.decision_{code}"),
                key=f"decision_{item.id}",
            )
            segment = st.selectbox(
                t("workshop.segment_after"),
                SEGMENTS,
                index=SEGMENTS.index(now) if now in SEGMENTS else None,
                format_func=quadrant_name,
                key=f"decision_segment_{item.id}",
            )
            reason = st.text_input(
                t("workshop.reason"), max_chars=consensus.REASON_MAX, key=f"decision_reason_{item.id}"
            )
            actions = []
            for row in range(ACTION_ROWS):
                title, owner, due = st.columns([3, 2, 2])
                actions.append(
                    NewAction(
                        title.text_input(t("col.actions.title"), key=f"action_title_{item.id}_{row}", max_chars=200),
                        owner.text_input(t("col.actions.owner"), key=f"action_owner_{item.id}_{row}", max_chars=120),
                        due.date_input(
                            t("col.actions.due_date"),
                            value=None,
                            key=f"action_due_{item.id}_{row}",
                            min_value=clock.today() - timedelta(days=365),
                        ),
                    )
                )
            submitted = st.form_submit_button(t("workshop.record"), type="primary", **auth.permit("editor").control())
    if submitted:
        outcome = attempt(
            lambda: consensus.record_decision(
                engine(), view.id, item.account_id, decision, segment, reason, actions, item.version
            ),
            field_label=lambda field: t(f"field.{field}"),
        )
        if outcome.saved:
            st.session_state["workshop_decided"] = outcome.result
            st.rerun()


def said_saved() -> None:
    if (count := st.session_state.pop("workshop_committed", None)) is not None:
        st.success(t("workshop.committed", count=count), icon=":material/check:")
    if (count := st.session_state.pop("workshop_decided", None)) is not None:
        st.success(t("workshop.decided", count=count), icon=":material/check:")


def current_account(view: sessions.SessionView) -> None:
    """The account on screen: its criteria, its position, the room, the commit and the decision (a fragment:
    moving a slider reruns this part only; a save, a move or a new median reruns the whole page)."""
    item = view.current
    if item is None:
        return
    scores = readers.account_scores_of(item.account_id, view.period)
    criteria = [s.criterion for s in scores]
    if not presentation.active():  # in the room, the name heads the page (header)
        st.subheader(t("workshop.on_screen", name=md(item.name), period=quarter(view.period)))
    said_saved()
    left, right = st.columns([7, 3] if presentation.active() else [3, 2], gap="medium")
    spreads = ws.spreads(view.id, item.account_id)
    st.session_state[DRAWN_KEY] = ws.spread_signature(spreads)
    with left:
        values = criteria_panel(view, item, scores, spreads)
    with right:
        with st.container(key="ws_actions"):
            if presentation.active():  # a narrow column: Commit on its own line
                commit_button(view, item, scores, values)
                medians, decide = st.columns([1, 2])
            else:
                commit, medians, decide = st.columns([2, 1, 2])
                with commit:
                    commit_button(view, item, scores, values)
            with medians:
                follow_room_button(view, item)
            with decide:
                decision_form(view, item)
        position_panel(view, item, criteria, values)
        st.fragment(room_panel, run_every=REFRESH_SECONDS)(view, item)


def follow_room_button(view, item) -> None:
    """The sliders the facilitator moved go back to the room's median."""
    if st.button(
        t("workshop.follow_room"), key="workshop_follow", help=t("workshop.follow_room_help"), width="stretch"
    ):
        prefix = f"ws_{view.id}_{item.account_id}_"
        touched = st.session_state.setdefault(TOUCHED_KEY, set())
        for key in [key for key in touched if key.startswith(prefix)]:
            touched.discard(key)
            st.session_state.pop(key, None)
        st.rerun()


def minutes_downloads(view: sessions.SessionView) -> None:
    """The minutes as Word and as a slide, read and built when a button is clicked, not at every run."""
    lang = language()
    files = (
        ("docx", "workshop.minutes_word", DOCX, ":material/description:", "primary"),
        ("pptx", "workshop.minutes_slide", PPTX, ":material/slideshow:", "secondary"),
    )
    for column, (extension, title, mime, icon, kind) in zip(st.columns(2), files):
        column.download_button(
            t(title),
            downloads.minutes_builder(view.id, lang, extension),
            ws.minutes_name(view, lang, extension),
            mime,
            icon=icon,
            on_click="ignore",
            type=kind,
            key=f"workshop_minutes_{extension}",
            width="stretch",
        )


def minutes_section(view: sessions.SessionView) -> None:
    """An ended session: what the room reviewed and decided, one line per account, and the files."""
    lang = language()
    result = ws.minutes_of(view.id)
    st.subheader(t("workshop.minutes_heading"))
    st.caption(minutes_docs.summary_line(result, lang))
    frame = minutes_docs.minutes_frame(result, lang)
    scores = list(frame.columns[3:7])  # attractiveness and strength, before and after
    frame[scores] = frame[scores].round(1)  # as the matrix shows them
    st.dataframe(
        shown_numbers(frame, dict.fromkeys(scores, fmt.score), lang),
        hide_index=True,
        width="stretch",
        column_config={column: number_column(None, lang, "%.1f") for column in scores},
    )
    minutes_downloads(view)


ws.facilitator_style(presentation.active())
view = header()
if view is None:
    st.info(t("workshop.intro"))
elif not view.is_open:
    st.info(t("workshop.closed", title=md(view.title)))
    minutes_section(view)
    st.page_link(routes.SCORING.path, label=t("page.scoring"), icon=routes.SCORING.icon)
else:
    if view.position is None:
        agenda_builder(view)
    step_bar(view)
    st.fragment(current_account)(view)  # a slider moved reruns this account's part only, not the frame
