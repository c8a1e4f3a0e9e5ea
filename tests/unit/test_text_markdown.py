"""The Markdown escaping of user text (kam_core.common.text.md): what a name, a note or an objective
holds is shown as typed, never read as HTML, a link, an image, emphasis, LaTeX or a directive."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kam_core.common.text import md, md_params


@pytest.mark.parametrize(
    "typed, escaped",
    [
        ("<script>window.__xss=1</script>", r"\<script\>window.\_\_xss=1\</script\>"),
        ('<img src=x onerror="window.__xss=2">', r'\<img src=x onerror="window.\_\_xss=2"\>'),
        ("[click](javascript:alert(1))", r"\[click\]\(javascript\:alert\(1\)\)"),
        ("![x](http://evil/x.png)", r"\!\[x\]\(http\://evil/x.png\)"),
        ("**bold**", r"\*\*bold\*\*"),
        (":red[alarm] $x^2$", r"\:red\[alarm\] \$x^2\$"),
        ("- not a list", r"\- not a list"),
        ("1. not a list", r"1\. not a list"),
        ("# not a heading", r"\# not a heading"),
        ("two\nlines", "two lines"),
        ("Kessler-Autowerke AG, 1.5 M", "Kessler-Autowerke AG, 1.5 M"),
        (None, ""),
    ],
)
def test_user_text_is_escaped_for_markdown(typed, escaped):
    assert md(typed) == escaped


def test_message_params_escape_text_only():
    assert md_params({"name": "**x**", "count": 3}) == {"name": r"\*\*x\*\*", "count": 3}


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=60))
def test_every_markup_character_is_escaped(typed):
    escaped = md(typed)
    assert not re.search(r"[\r\n\u2028\u2029]", escaped)
    # remove the escaped pairs: no markup character may be left bare
    bare = re.sub(r"\\.", "", escaped)
    assert not re.search(r"[\\`*_\[\]<>#|~$:&!(){}]", bare), (typed, escaped)
