"""Opening a page at one of its sections. A link ``page#anchor`` does not hold here: the app writes the
language and the account into the URL at its first run, and Streamlit rewrites the URL without its
fragment, so the browser never scrolls to the heading. A page that others link into by section takes
``?section=<anchor>`` instead (``routes.SECTION_PARAM``: ``st.page_link(route.path, query_params={...})``)
and calls ``open_section`` at its end: the heading with that anchor is scrolled to the top, once."""

from __future__ import annotations

import json
from collections.abc import Iterable

import streamlit as st

from kam_core.ui.routes import SECTION_PARAM

# Waits for the heading to be drawn (at most 5 s), then brings it to the top of the main panel.
_SCROLL = """<script>
(() => {{
  const anchor = {anchor};
  let tries = 0;
  const go = () => {{
    const heading = window.parent.document.getElementById(anchor) || document.getElementById(anchor);
    if (heading) {{ heading.scrollIntoView({{block: "start"}}); return; }}
    if (++tries < 50) setTimeout(go, 100);
  }};
  go();
}})();
</script>"""


def open_section(anchors: Iterable[str]) -> None:
    """Scroll to the section the URL names (``?section=``), when it is one of ``anchors`` (nothing
    else is ever written into the page), and take it out of the URL, so a later run stays where the
    user scrolled."""
    asked = st.query_params.get(SECTION_PARAM)
    if asked is None:
        return
    del st.query_params[SECTION_PARAM]
    if asked in set(anchors):
        st.html(_SCROLL.format(anchor=json.dumps(asked)), unsafe_allow_javascript=True)
