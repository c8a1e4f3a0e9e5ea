"""What a French page must not show: shared by the French-rendering tests.

ENGLISH_MONTHS lists every English month name a page could show, long and short,
including the four-letter "Sept" some formats use. A French page shows none of
them; tests match them as whole words, case-sensitive (a French "mai" or "juin"
never matches, and "May" only as a capitalised word).
"""

from __future__ import annotations

import re

ENGLISH_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
)

ENGLISH_MONTH_PATTERN = re.compile(r"\b(" + "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + r")\b")


def english_months_in(text: str) -> list[str]:
    """The English month names found in text, as whole words, in order."""
    return ENGLISH_MONTH_PATTERN.findall(text)


_IN_A_DATE = re.compile(
    r"(?<=\d)\s*\b(?P<after>" + "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + r")\b"
    r"|\b(?P<before>" + "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + r")\b\.?(?=\s*\d)"
)
# Vega's time formats that draw a month's or a day's name (in Vega's English, unless the chart
# carries a French locale: ``config.locale.time``).
NAMED_TIME_FORMAT = re.compile(r"%[bBaA]")


def english_dates_in(text: str) -> list[str]:
    """The English month names that ``text`` writes as part of a date ("Jul 2026", "18 January"), or
    alone as the whole text (a column header, an axis label); not a name such as "Jan Mayen"."""
    if text.strip(" .") in ENGLISH_MONTHS:
        return [text.strip(" .")]
    return [match.group("after") or match.group("before") for match in _IN_A_DATE.finditer(text)]
