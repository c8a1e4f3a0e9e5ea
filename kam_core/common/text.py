"""Text folding shared by uniqueness rules and matching (names, imports)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold_name(name: str) -> str:
    """Fold a name for case- and accent-insensitive comparison: 'ACMÉ  Corp' -> 'acme corp'."""
    decomposed = unicodedata.normalize("NFKD", name)
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", without_accents.casefold()).strip()


# What Markdown, HTML, LaTeX and Streamlit's directives read as markup anywhere in a line; and what
# starts a list or a heading at the start of one (the text may open a message).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$:&!(){}])")
_LINE_START = re.compile(r"^(\s*)(\d*)([-+=.)])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md(text) -> str:
    """User text as it must go into Markdown (st.markdown, st.caption, st.title, messages): every
    character Markdown reads as markup backslash-escaped, so that nothing typed is read as markup -- no
    HTML (``<script>``, ``<img onerror>``), link, image, emphasis, LaTeX ($) or Streamlit
    directive (``:red[...]``) -- and line breaks as spaces (a name cannot start a heading or a
    list). None gives ""; anything else is shown as its text.

    The one way user text reaches an element Streamlit reads as Markdown: titles, headers, markdown,
    captions, alerts and success messages, metrics, the label and help of every widget (buttons,
    download buttons, page links, sliders, selects, radios, checkboxes, toggles, inputs), tabs,
    expanders, popovers, dialogs, the options of radios, pills, segmented controls and select sliders,
    and a table column's help. Never where Streamlit shows text as it is (a selectbox's or
    multiselect's options, table cells and column labels, input values, code spans, charts): a
    backslash would show there. tests/pages/test_user_text_markdown.py checks every page."""
    if text is None:
        return ""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    return _LINE_START.sub(r"\1\2\\\3", escaped, count=1)  # "- x", "+ x", "1. x", "1) x": no list


def md_params(params: dict) -> dict:
    """A message's params with every text escaped by ``md`` (numbers and dates as they are)."""
    return {key: md(value) if isinstance(value, str) else value for key, value in params.items()}
