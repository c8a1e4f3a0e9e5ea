"""Numbers in a table (``st.dataframe``) in the session's language, not the browser's.

Streamlit 1.67 draws tables with Glide, whose number formats are either printf (sprintf.js: always a
decimal point) or presets ("localized", "percent", "euro"...) that follow the *browser's* languages
(``navigator.languages``), never the language chosen in the sidebar. So:

- whole numbers keep a printf format, which reads the same in both languages ("%d"), and whole
  percentages write CLDR's French "86 %" with a no-break space (``percent_format``): numeric, sorted as
  numbers;
- numbers with decimals or thousands stay numbers in English (their printf format) and become text in
  French, written by ``kam_core.common.formatting`` ("8,6", "20 030 000 €") and padded on the left with
  figure spaces (U+2007, a digit's width) to one length (``french_numbers``): Glide sorts text with
  ``localeCompare``, where a space sorts before any digit, so the padded texts still sort as the numbers
  do (checked in Chromium by ``tests/e2e/test_french_labels.py``) and line up right-aligned. Signed
  differences ("+1,2", "-0,5") are the exception: their order is by sign mark, then size."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from kam_core.common import formatting as fmt

FIGURE_SPACE = "\u2007"


def percent_format(language: str) -> str:
    """A printf format for a whole percentage given as 0-100: '86%' (en), '86 %' (fr)."""
    return "%.0f\u00a0%%" if language == "fr" else "%.0f%%"


def french_numbers(values, write: Callable[[float, str], str]) -> list[str]:
    """``values`` as ``write(value, "fr")`` writes them, padded to one length with figure spaces."""
    texts = [write(value, "fr") for value in values]
    width = max((len(text) for text in texts), default=0)
    return [text.rjust(width, FIGURE_SPACE) for text in texts]


def signed_score(value: float | None, language: str = "en") -> str:
    """A difference of scores with its sign: '+1.2' / '+1,2', '-0.5' / '-0,5', and '0.0' / '0,0' for
    what rounds to nothing (never '-0,0')."""
    if value is None or value != value:
        return fmt.MISSING
    rounded = round(float(value), 1)
    text = fmt.score(abs(rounded) if rounded == 0 else rounded, language)
    return f"+{text}" if rounded > 0 else text


def shown_numbers(frame: pd.DataFrame, writers: dict[str, Callable[[float, str], str]], language: str) -> pd.DataFrame:
    """``frame`` as a table shows it: in French, each column of ``writers`` (present in it) as padded
    text; in English the frame as it is."""
    if language != "fr":
        return frame
    present = {column: write for column, write in writers.items() if column in frame.columns}
    return frame.assign(**{column: french_numbers(frame[column], write) for column, write in present.items()})


def number_column(label: str | None, language: str, english_format: str, **settings):
    """The column of a number that ``shown_numbers`` writes in French: a NumberColumn with its printf
    format in English, a right-aligned TextColumn in French."""
    if language == "fr":
        return st.column_config.TextColumn(label, alignment="right", **settings)
    return st.column_config.NumberColumn(label, format=english_format, **settings)


def whole_height(rows: int, most: int = 25) -> int:
    """The height (px) of a table that shows all of its ``rows`` (up to ``most``, then it scrolls): the
    default shows ten and cuts the eleventh in half, which a room reads as the end of the list."""
    return 36 * (min(rows, most) + 1) + 3
