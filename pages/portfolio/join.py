"""Join a workshop: with the room's code (or its link, ``?code=``), a name once, then the account on
screen now, its criteria as big buttons for a phone; each tap is a vote."""

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.common.text import md
from kam_core.ui import auth, readers
from kam_core.ui import workshop as ws
from kam_core.ui.i18n import language, t
from kam_core.ui.saving import attempt
from kam_core.ui.store import engine
from kam_core.workshop import sessions, votes

CODE_PARAM = "code"
TOKEN_PARAM = "p"
VALUES = list(range(0, 11))
WATCH_SECONDS = 3


def session_of_code() -> sessions.SessionView | None:
    st.title(t("page.join"))
    typed = st.query_params.get(CODE_PARAM, "")
    if not sessions.is_code(typed):
        typed = st.text_input(t("join.code"), max_chars=9, key="join_code", placeholder="AB3K7Q")
        if not typed:
            return None
    view = ws.open_by_code(typed)
    if view is None:
        st.warning(t("join.unknown_code", code=md(sessions.normalise_code(typed))), icon=":material/search_off:")
        return None
    st.query_params[CODE_PARAM] = view.join_code
    return view


def me(view: sessions.SessionView) -> votes.Participant | None:
    """The participant this browser joined as (kept in the URL), else the form to join."""
    found = ws.participant(st.query_params.get(TOKEN_PARAM))
    if found is not None and found.session_id == view.id:
        return found
    st.subheader(md(view.title))
    signed_in = auth.access.current().signed_in
    with st.form("join_form", border=False):
        name = "" if signed_in else st.text_input(t("join.name"), max_chars=votes.NAME_MAX, key="join_name")
        if signed_in:
            st.caption(t("join.as_signed_in", email=md(auth.access.current().name)))
        submitted = st.form_submit_button(
            t("join.join"), type="primary", width="stretch", **auth.permit("viewer").control()
        )
    if submitted:
        outcome = attempt(
            lambda: votes.join_session(engine(), view.id, name), field_label=lambda field: t(f"field.{field}")
        )
        if outcome.saved:
            st.query_params[TOKEN_PARAM] = outcome.result.token
            st.rerun()
    return None


def watch(view_id: int, shown: int | None) -> None:
    """Every few seconds: when the room moved to another account (or closed), draw the page again."""
    view = ws.session_view(view_id)
    now = None if view is None or not view.is_open else view.position
    if now != shown:
        st.rerun(scope="app")


def ballot(view: sessions.SessionView, person: votes.Participant) -> None:
    item = view.current
    st.caption(t("join.hello", name=md(person.name), title=md(view.title)))
    if item is None:
        st.info(t("join.waiting"), icon=":material/hourglass_empty:")
        return
    st.header(md(item.name))
    scores = readers.account_scores_of(item.account_id, view.period)
    mine = ws.own_votes(person.token, item.account_id)
    with st.container(key="join_ballot"):
        for score in scores:
            criterion_buttons(view, item, person, score.criterion, mine)


def criterion_buttons(view, item, person, criterion, mine: dict) -> None:
    """One criterion: its name, its anchors written out (a phone has no hover), 0–10 as buttons."""
    lang = language()
    key = f"vote_{view.id}_{item.account_id}_{criterion.id}"
    if key not in st.session_state and criterion.id in mine and float(mine[criterion.id]).is_integer():
        st.session_state[key] = int(mine[criterion.id])
    st.markdown(f"**{md(criterion.name)}**")
    st.caption(
        t(
            "scoring.anchors",
            low=md(criterion.anchor_low),
            mid=md(criterion.anchor_mid),
            high=md(criterion.anchor_high),
        )
    )
    chosen = st.pills(
        md(criterion.name),
        VALUES,
        key=key,
        label_visibility="collapsed",
        format_func=lambda v: fmt.number(v, lang),
    )
    if chosen is not None and mine.get(criterion.id) != chosen:
        vote(person, item.account_id, criterion.id, chosen)


def vote(person: votes.Participant, account_id: int, criterion_id: int, value) -> None:
    outcome = attempt(  # the votes are read fresh: the programme's cached reads stay
        lambda: votes.cast_votes(engine(), person.token, account_id, {criterion_id: value}), keeps_reads=True
    )
    if outcome.saved:
        st.toast(t("join.voted"), icon=":material/check:")


ws.participant_style()
view = session_of_code()
if view is not None:
    person = me(view)
    if person is not None:
        ballot(view, person)
        st.fragment(watch, run_every=WATCH_SECONDS)(view.id, view.position)
