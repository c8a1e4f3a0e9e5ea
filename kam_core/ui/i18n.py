"""The session's language and the ``t`` function pages use for every string."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from kam_core.common import formatting as fmt
from kam_core.i18n import LANGUAGES, enum_label, language_from_locale, translate

LANGUAGE_KEY = "language"
URL_PARAM = "lang"  # ?lang=fr: the language a link or a reloaded page opens in


def language() -> str:
    code = st.session_state.get(LANGUAGE_KEY)  # one look-up: every t() of every page goes through here
    if code is None:
        code = st.session_state[LANGUAGE_KEY] = first_language()
    return code


def first_language() -> str:
    """A new session's language: the URL's (a reload, a shared link), else the browser's."""
    asked = st.query_params.get(URL_PARAM)
    if asked in LANGUAGES:
        return asked
    return language_from_locale(getattr(st.context, "locale", None))


def keep_in_url() -> None:
    """Write the session's language into the URL at every run (a page switch empties the URL's
    parameters), so that a reload opens in the language chosen, as ``presentation.keep_in_url`` does
    for presentation mode."""
    code = language()
    if st.query_params.get(URL_PARAM) != code:
        st.query_params[URL_PARAM] = code


def t(key: str, **params) -> str:
    return translate(key, language(), **params)


def labels(kind: str, codes) -> dict:
    """The labels of several codes at once: {code: label}, for mapping a whole column."""
    lang = language()
    return {code: enum_label(kind, code, lang) for code in codes}


def quarter(code: str) -> str:
    """A stored period code as the session's language writes it: '2026-Q4' -> 'Q4 2026' / 'T4 2026'
    (a widget choosing a period shows this and keeps the code as its value)."""
    return fmt.quarter(code, language())


def quarter_names() -> Callable[[str], str]:
    """The ``format_func`` of a widget choosing a period, bound to the session's language now: a
    widget's ``format_func`` is also called outside the run (AppTest), where the session is not."""
    return partial(fmt.quarter, language=language())


def label(kind: str, code) -> str:
    """The label of an enumeration code: label('segment', 'strategic') -> 'Strategic'."""
    return enum_label(kind, code, language())
