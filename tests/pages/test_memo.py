"""kam_core.ui.memo.remember under AppTest: what a page derives from a read is built again when the
read gives another object (a write came between the page's read and the remembering)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
import pandas as pd
import streamlit as st
from kam_core.ui.memo import remember

source = st.session_state.setdefault("source", pd.DataFrame({"a": [1]}))
builds = st.session_state.setdefault("builds", [0])

def build():
    builds[0] += 1
    return len(source)

st.text(remember("rows", None, build, source=source))
"""


def test_a_remembered_value_is_built_again_for_another_read_only():
    import pandas as pd

    app = AppTest.from_string(SCRIPT)
    app.run()
    app.run()
    assert app.session_state["builds"] == [1] and app.text[0].value == "1"
    app.session_state["source"] = pd.DataFrame({"a": [1, 2]})  # what a read gives after a write
    app.run()
    assert app.session_state["builds"] == [2] and app.text[0].value == "2"
