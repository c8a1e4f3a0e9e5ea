"""FR/EN catalogs and the function that looks strings up.

Catalogs are flat JSON files (``en.json``, ``fr.json``) keyed by dotted names; values are
``str.format`` templates. Enumeration labels live under ``enum.<kind>.<code>``, form fields
under ``field.<name>`` and validation messages under ``error.<code>``.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
_DIR = Path(__file__).resolve().parent


@cache
def catalog(language: str) -> dict[str, str]:
    with (_DIR / f"{language}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params) -> str:
    """The text of ``key`` in ``language`` (English when missing there), filled with ``params``.

    An unknown key comes back as itself, so a gap shows on screen instead of breaking the page;
    a unit test keeps every key used in the code present in both catalogs.
    """
    template = catalog(language).get(key)
    if template is None:
        template = catalog(DEFAULT_LANGUAGE).get(key)
    if template is None:
        kind, _, code = key.removeprefix("enum.").rpartition(".")
        if key.startswith("enum.") and kind and code in _NO_CODE:  # a code read from an empty cell
            return enum_label(kind, None, language)
        template = key
    return template.format(**params) if params else template


def programme_language(creator: str | None = None) -> str:
    """The language a new programme is created in (its default name, its scoring criteria, the demo's
    texts): ``KAM_LANGUAGE`` (``fr`` or ``en``) when set, else the language of whoever creates it (the
    app's first visitor), else English."""
    configured = os.environ.get("KAM_LANGUAGE")
    if configured:
        return language_from_locale(configured)
    return creator if creator in LANGUAGES else DEFAULT_LANGUAGE


# How a missing value reads once put in a key: None, pandas' NaN, NaT and NA, an empty cell.
_NO_CODE = frozenset({"", "None", "nan", "NaN", "NaT", "<NA>"})
# The label a kind gives to no code at all, when it has one (an account with no segment is not fully scored).
_NO_CODE_LABEL = {"segment": "unscored"}


def missing(code) -> bool:
    """True for a code that is not there: None, an empty string, pandas' NaN/NaT/NA."""
    if code is None:
        return True
    if isinstance(code, str):
        return code.strip() == ""
    try:
        return bool(code != code)  # NaN, NaT and NA are not equal to themselves
    except (TypeError, ValueError):
        return False


def enum_label(kind: str, code, language: str = DEFAULT_LANGUAGE) -> str:
    """The label of an enumeration code (``enum.<kind>.<code>``); a missing code (None, NaN, empty)
    reads as the kind's own word for it ("Not fully scored" for a segment) or "—", never as a raw key."""
    if missing(code):
        fallback = _NO_CODE_LABEL.get(kind)
        return translate(f"enum.{kind}.{fallback}" if fallback else "enum.missing", language)
    return translate(f"enum.{kind}.{code}", language)


def language_from_locale(locale: str | None) -> str:
    """'fr-FR' -> 'fr'; anything we do not translate -> English."""
    code = (locale or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE
