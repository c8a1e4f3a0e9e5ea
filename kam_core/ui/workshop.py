"""What the workshop pages read and draw: sessions, the room's votes (read fresh at each call: they
change every second while the room votes, and are small), the agenda builders' proposals, and the
small matrix of one account (where the sliders put it now, where it stood last quarter)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from sqlmodel import Session

from kam_core.common import clock
from kam_core.common import formatting as fmt
from kam_core.common.errors import NotFoundError
from kam_core.common.text import md
from kam_core.documents import minutes_docs
from kam_core.documents.minutes import WorkshopMinutes
from kam_core.portfolio.scoring import CriterionRow
from kam_core.portfolio.segmentation import Thresholds
from kam_core.programme.periods import shift_period
from kam_core.ui import readers, routes
from kam_core.ui.labels import quadrant_name
from kam_core.ui.store import engine
from kam_core.workshop import agenda, consensus, minutes, sessions, votes
from kam_core.workshop.consensus import Position

QUADRANT_COLOURS = {"strategic": "#d8ecd9", "develop": "#dbe8f5", "maintain": "#f6ecd5", "opportunistic": "#eeeeee"}


def _read(function, *args):
    with Session(engine()) as session:
        return function(session, *args)


def all_sessions() -> list[sessions.SessionView]:
    return _read(sessions.list_sessions)


def session_view(session_id: int | None) -> sessions.SessionView | None:
    if session_id is None:
        return None
    try:
        return _read(sessions.read_session, session_id)
    except NotFoundError:
        return None


def open_by_code(code) -> sessions.SessionView | None:
    return _read(sessions.find_open, code)


def spreads(session_id: int, account_id: int) -> dict[int, votes.Spread]:
    return _read(votes.room_spreads, session_id, account_id)


def participant(token) -> votes.Participant | None:
    return _read(votes.participant_of, token)


def participants(session_id: int) -> list[str]:
    return _read(votes.participants, session_id)


def own_votes(token: str, account_id: int) -> dict[int, float]:
    return _read(votes.own_votes, token, account_id)


def thresholds() -> Thresholds:
    settings = readers.programme_settings()
    return Thresholds(settings.attractiveness_threshold, settings.strength_threshold)


def suggestion(period: str, kind: str) -> list[int]:
    """The accounts an agenda builder proposes for ``period`` (compared with the quarter before)."""
    table = readers.matrix(period, shift_period(period, -1))
    return agenda.suggest(table, thresholds(), kind)


def stored_position(account_id: int, period: str) -> Position:
    return consensus.position_in(readers.segments_of(period), account_id)


def live_position(criteria: list[CriterionRow], values: dict[int, float | None]) -> Position:
    return consensus.live_position(criteria, values, thresholds())


def position_chart(now: Position, before: Position, *, now_label: str, before_label: str, size: int = 300):
    """The four quadrants (the programme's thresholds), the account now (filled) and last quarter (ring)."""
    limits = thresholds()
    a, s = limits.attractiveness, limits.strength
    areas = pd.DataFrame(
        [
            {"x": x, "x2": x2, "y": y, "y2": y2, "colour": QUADRANT_COLOURS[code], "name": quadrant_name(code)}
            for code, x, x2, y, y2 in (
                ("develop", 0, s, a, 10),
                ("strategic", s, 10, a, 10),
                ("opportunistic", 0, s, 0, a),
                ("maintain", s, 10, 0, a),
            )
        ]
    )
    scale = alt.Scale(domain=[0, 10], nice=False)
    layers = [
        alt.Chart(areas)
        .mark_rect()
        .encode(
            x=alt.X("x:Q", scale=scale, title=None),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=scale, title=None),
            y2="y2:Q",
            color=alt.Color("colour:N", scale=None),
            tooltip=["name:N"],
        )
    ]
    points = [
        {"x": p.strength, "y": p.attractiveness, "label": label, "kind": kind}
        for p, label, kind in ((before, before_label, "before"), (now, now_label, "now"))
        if p.attractiveness is not None and p.strength is not None
    ]
    if points:
        frame = pd.DataFrame(points)
        base = alt.Chart(frame).encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale))
        layers.append(
            base.mark_point(size=260, strokeWidth=3, filled=False).encode(
                color=alt.Color(
                    "kind:N", scale=alt.Scale(domain=["before", "now"], range=["#888888", "#c0392b"]), legend=None
                ),
                shape=alt.Shape(
                    "kind:N", scale=alt.Scale(domain=["before", "now"], range=["circle", "diamond"]), legend=None
                ),
                tooltip=["label:N", "x:Q", "y:Q"],
            )
        )
        # now's name above its mark, last quarter's below its own: the two never print over each other
        for kind, offset in (("now", -18), ("before", 20)):
            layers.append(
                base.transform_filter(alt.datum.kind == kind)
                .mark_text(dy=offset, fontSize=16, fontWeight="bold")
                .encode(text="label:N")
            )
    return alt.layer(*layers).properties(width=size, height=size)


def join_link(base_url: str, code: str) -> str:
    """The participants' short link: the app's address, the join page and the code."""
    return f"{base_url.rstrip('/')}/{routes.JOIN.url_path}?code={code}"


def minutes_of(session_id: int) -> WorkshopMinutes:
    """The session's minutes as they stand (read fresh: the room commits and decides all along)."""
    return minutes.of_session(engine(), session_id)


def minutes_name(view: sessions.SessionView, language: str, extension: str) -> str:
    """The minutes' file name, from the session alone (no read of what the room reviewed)."""
    heading = WorkshopMinutes(view.title, clock.today(view.created_at), view.period, view.facilitator, ())
    return minutes_docs.minutes_filename(heading, language, extension)


def reviewed(view: sessions.SessionView) -> bool:
    """Whether the room committed scores or recorded a decision for any account of the agenda."""
    return any(item.committed_at is not None or item.decision for item in view.items)


# The facilitator's page: each criterion's slider with the room's spread beside it (``.st-key-ws_crit_*``),
# tighter rows. In presentation mode (21 px type) the rows are tighter still and the labels 17 px, so that
# every criterion, the small matrix, the step bar and the buttons hold in 1280x720 without scrolling.
FACILITATOR_CSS = """
[class*="st-key-ws_crit_"] [data-testid="stMarkdownContainer"] p { margin: 0; line-height: 1.25; }
[class*="st-key-ws_spread_"] p { font-size: 16px; }
"""
FACILITATOR_PRESENT_CSS = """
.st-key-ws_criteria [data-testid="stVerticalBlock"] { gap: 0.1rem; }
.st-key-ws_criteria [data-testid="stWidgetLabel"] p, .st-key-ws_criteria [data-testid="stMarkdownContainer"] p {
  font-size: 17px;
}
.st-key-ws_criteria [data-testid="stSlider"] { padding-bottom: 0; }
.st-key-ws_criteria [data-testid="stSliderThumbValue"] { font-size: 16px; }
.st-key-ws_criteria [data-testid="stSlider"] > div:last-child { padding-top: 0.9rem; }
.st-key-ws_criteria h4, .st-key-ws_criteria strong { font-size: 18px; }
.st-key-ws_step button, .st-key-ws_step p, .st-key-ws_actions button, .st-key-ws_actions p { font-size: 18px; }
.st-key-ws_step button, .st-key-ws_actions button { min-height: 2.1rem; padding: 0 0.4rem; }
.st-key-ws_step [data-testid="stMarkdownContainer"] p { margin: 0; }
"""

# The participants' page on a phone: score buttons a thumb can hit (44 px, Apple's and Material's
# minimum), the criterion's anchors written under its name (a tooltip cannot be hovered on a phone).
PARTICIPANT_CSS = """
.st-key-join_ballot [data-testid="stButtonGroup"] button { min-width: 44px; min-height: 44px; font-size: 18px; }
.st-key-join_ballot [data-testid="stButtonGroup"] > div { gap: 0.45rem; }
.st-key-join_ballot [data-testid="stCaptionContainer"] p { font-size: 16px; line-height: 1.35; }
"""


def facilitator_style(presenting: bool) -> None:
    st.html(f"<style>{FACILITATOR_CSS}{FACILITATOR_PRESENT_CSS if presenting else ''}</style>")


def participant_style() -> None:
    st.html(f"<style>{PARTICIPANT_CSS}</style>")


def spread_text(spread: votes.Spread | None, language: str, no_vote: str, votes_label: str) -> str:
    """The room's votes on one criterion in a line or two: '2 votes', 'min – **median** – max', the
    outliers named (Markdown; names go through ``md``)."""
    if spread is None or not spread.votes:
        return no_vote
    low, median, high = (fmt.score(value, language) for value in (spread.low, spread.median, spread.high))
    text = f"{votes_label}  \n{low} – **{median}** – {high}"
    if spread.outliers:
        text += "  \n:orange[" + ", ".join(md(name) for name in spread.outliers) + "]"
    return text


def spread_signature(spreads: dict[int, votes.Spread]) -> tuple:
    """What the facilitator's page draws of the room's votes: when it changes, the page is drawn again."""
    return tuple((cid, s.votes, s.low, s.median, s.high, s.outliers) for cid, s in sorted(spreads.items()))
