"""What a page built on an earlier run of the same session, kept until the data or the inputs change.

Cached reads (``readers``) give data; some things drawn from that data are costly to build again at
every rerun (an Altair chart is validated against the Vega-Lite schema as it is built). ``remember``
keeps the last value built under a name, for the same inputs and the same state of the data: any
write (``readers.clear``) makes every remembered value stale.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

from kam_core.common.clock import today
from kam_core.documents.charts import chart_spec
from kam_core.store.db import database_url
from kam_core.ui import readers
from kam_core.ui.i18n import language

T = TypeVar("T")
PREFIX = "_remembered_"


def remember(name: str, inputs: Hashable, build: Callable[[], T], source: object = None) -> T:
    """``build()``, or what it returned on an earlier run of this session for equal ``inputs``
    and no write since. ``inputs`` must name everything the value depends on besides the data
    (the language, the selected account, the options chosen ...).

    ``source``: the value read earlier in the run that ``build`` derives from (a reader's frame).
    What was built is given back only for that very object: a write between the page's read and
    this call (another session's) would otherwise file a value built from the old data under the
    new state of the data, and show it until the next write."""
    key = (readers.generation(), database_url(), today(), inputs)  # like every cached read: per base and day
    slot = st.session_state.get(PREFIX + name)
    if slot is not None and slot[0] == key and slot[2]() is source:
        return slot[1]
    value = build()
    st.session_state[PREFIX + name] = (key, value, _reference(source))
    return value


EDITING_PREFIX = "_editing_"
EDITS = ("edited_rows", "added_rows", "deleted_rows")


def has_unsaved(editor_key: str) -> bool:
    """Whether the data editor ``editor_key`` holds rows changed, added or deleted and not saved."""
    changes = st.session_state.get(editor_key) or {}
    return any(changes.get(kind) for kind in EDITS)


def kept_while(slot: str, token: Hashable, holding: bool, read: Callable[[], T]) -> T:
    """``read()``; but while ``holding`` (the user is in the middle of an edit), what ``read()`` gave
    under the same ``token`` before. ``slot`` names what is kept (one value per slot and session)."""
    kept = st.session_state.get(EDITING_PREFIX + slot)
    if holding and kept is not None and kept[0] == token:
        return kept[1]
    value = read()
    st.session_state[EDITING_PREFIX + slot] = (token, value)
    return value


def while_editing(slot: str, editor_key: str, read: Callable[[], T]) -> T:
    """``read()``: the rows a data editor (``editor_key``) shows; but while it holds changes not saved,
    what ``read()`` gave when the editing began. A write elsewhere (another session, another process:
    ``readers.follow_store``) empties the kept reads; given other rows, Streamlit would take the table
    for a new one and drop what was typed. Kept, the save carries the versions read then, and a row
    saved meanwhile by someone else is refused as a conflict, the input kept."""
    return kept_while(slot, editor_key, has_unsaved(editor_key), read)


OWN_SAVES = "_own_saves"  # how many saves (and conflicts) this session had: forms then read afresh


def saved_here() -> None:
    """After this session saved, or was told someone else saved first: what the forms keep
    (``while_shown``) is read again at their next run (their next save then knowingly replaces)."""
    st.session_state[OWN_SAVES] = st.session_state.get(OWN_SAVES, 0) + 1


def while_shown(slot: str, widget_key: str, read: Callable[[], T]) -> T:
    """``read()`` as it was when the form holding the widget ``widget_key`` was first drawn, for as
    long as the form stays on the page (until the session saves, or the form is closed).

    A form's widgets keep what they were first given, and what was typed; the version its save
    carries must be the one read with them, not the one read at the click: read afresh after a
    write elsewhere (``readers.follow_store``), it would let the save replace that write unseen.
    ``slot`` names the form (one value kept per slot and session)."""
    return kept_while(slot, st.session_state.get(OWN_SAVES, 0), widget_key in st.session_state, read)


def _reference(source: object) -> Callable[[], object]:
    """A weak reference where the object takes one (a frame), so a remembered value does not keep
    old data alive; a strong one otherwise (a tuple of frames)."""
    try:
        return weakref.ref(source)
    except TypeError:
        return lambda: source


def draw_chart(name: str, inputs: Hashable, build: Callable[[], object], **kwargs):
    """Draws the Altair chart ``build()`` returns, built again only when ``inputs``, the language
    or the data changed; ``kwargs`` go to ``st.vega_lite_chart`` (key, on_select, width ...).
    The chart is drawn in the session's language: months, numbers and the programme's currency on
    its axes and tooltips (``charts.localized``)."""
    lang, currency = language(), readers.programme_settings().currency
    spec = remember(name, (lang, currency, inputs), lambda: chart_spec(build(), lang, currency))
    return st.vega_lite_chart({**spec}, **kwargs)  # a copy: Streamlit takes the datasets out of the spec
