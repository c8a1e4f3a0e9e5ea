"""Presentation mode: the app drawn for a projector in a workshop room (``?present=1`` in the URL).

This module is the one place that says whether the run is in presentation mode; pages and widgets ask
``active()`` and draw for the room (no sidebar, larger type, no edit controls unless asked)."""

from __future__ import annotations

import streamlit as st

URL_PARAM = "present"


def active() -> bool:
    """True when the URL asks for presentation mode (``?present=1``)."""
    return st.query_params.get(URL_PARAM) == "1"
