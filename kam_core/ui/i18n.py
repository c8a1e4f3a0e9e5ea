"""The session's language and the ``t`` function pages use for every string."""

from __future__ import annotations

import streamlit as st

from kam_core.i18n import enum_label, language_from_locale, translate

LANGUAGE_KEY = "language"


def language() -> str:
    code = st.session_state.get(LANGUAGE_KEY)  # one look-up: every t() of every page goes through here
    if code is None:
        code = st.session_state[LANGUAGE_KEY] = language_from_locale(getattr(st.context, "locale", None))
    return code


def t(key: str, **params) -> str:
    return translate(key, language(), **params)


def labels(kind: str, codes) -> dict:
    """The labels of several codes at once: {code: label}, for mapping a whole column."""
    lang = language()
    return {code: enum_label(kind, code, lang) for code in codes}


def label(kind: str, code) -> str:
    """The label of an enumeration code: label('segment', 'strategic') -> 'Strategic'."""
    return enum_label(kind, code, language())
