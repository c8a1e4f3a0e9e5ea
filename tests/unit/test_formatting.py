"""kam_core.common.formatting: numbers, amounts, dates, months and quarters in English (en_GB) and
French (fr_FR), from CLDR through Babel, and the Vega locale the charts take from it.

French puts a narrow no-break space (U+202F) between thousands and a no-break space (U+00A0)
before "%" and "€": the expected values below spell them out (``NNBSP``, ``NBSP``), and ``plain``
compares what a reader sees, whatever kind of space."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kam_core.common import formatting as fmt
from tests.drawn import FRENCH_SHORT_MONTHS
from tests.french import ENGLISH_MONTHS, english_months_in

NBSP, NNBSP = "\u00a0", "\u202f"
NAN = float("nan")


def plain(text: str) -> str:
    """``text`` with every kind of space as a plain one."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


def test_the_issues_french_examples():
    assert fmt.score(8.6, "fr") == "8,6"
    assert fmt.percent(86, "fr") == f"86{NBSP}%"
    assert fmt.amount(20_030_000, "EUR", "fr") == f"20{NNBSP}030{NNBSP}000{NBSP}€"
    assert fmt.amount(28_226_000, "EUR", "en") == "€28,226,000"


@pytest.mark.parametrize(
    "function, value, en, fr",
    [
        (fmt.score, 8.64, "8.6", "8,6"),
        (fmt.score, -1.25, "-1.2", "-1,2"),  # half to even, like the old f"{:.1f}"
        (fmt.number, 25.0, "25", "25"),
        (fmt.number, 7.5, "7.5", "7,5"),
        (fmt.number, 4320, "4,320", "4 320"),
        (fmt.number, -0.125, "-0.125", "-0,125"),
        (fmt.grouped, 1_250_000.5, "1,250,000.5", "1 250 000,5"),
        (fmt.grouped, 12.0, "12", "12"),
        (fmt.grouped, 0.25, "0.25", "0,25"),
        (fmt.grouped, -9_876_543_210.123, "-9,876,543,210.12", "-9 876 543 210,12"),
        (fmt.percent, 42.0, "42%", "42 %"),
        (fmt.percent, -3.0, "-3%", "-3 %"),
        (fmt.percent, 12_345.0, "12,345%", "12 345 %"),
        (fmt.ratio, 0.51, "51%", "51 %"),
    ],
)
def test_numbers_in_both_languages(function, value, en, fr):
    assert plain(function(value, "en")) == en
    assert plain(function(value, "fr")) == fr


def test_french_numbers_never_break_a_line():
    for text in (fmt.grouped(1_250_000, "fr"), fmt.percent(86, "fr"), fmt.amount(1_234_567, "EUR", "fr")):
        assert " " not in text, repr(text)


def test_percent_with_decimals():
    assert fmt.percent(8.64, "en", digits=1) == "8.6%"
    assert fmt.percent(8.64, "fr", digits=1) == f"8,6{NBSP}%"
    assert fmt.percent(50, "fr", digits=2) == f"50,00{NBSP}%"


@pytest.mark.parametrize(
    "value, currency, en, fr",
    [
        (12_400_000, "EUR", "€12.4M", "12,4 M€"),
        (950, "EUR", "€950", "950 €"),
        (2_500, "EUR", "€2.5k", "2,5 k€"),
        (1_200_000_000, "EUR", "€1.2B", "1,2 Md€"),
        (-3_400_000, "EUR", "-€3.4M", "-3,4 M€"),
        (5_000_000, "USD", "$5.0M", "5,0 M$"),
    ],
)
def test_compact_money(value, currency, en, fr):
    assert fmt.money(value, currency, "en") == en
    assert plain(fmt.money(value, currency, "fr")) == fr


@pytest.mark.parametrize(
    "value, currency, en, fr",
    [
        (20_030_000, "EUR", "€20,030,000", "20 030 000 €"),
        (1_234.6, "EUR", "€1,235", "1 235 €"),
        (-28_226_000, "EUR", "-€28,226,000", "-28 226 000 €"),
        (0, "GBP", "£0", "0 £GB"),
        (10**12, "EUR", "€1,000,000,000,000", "1 000 000 000 000 €"),
    ],
)
def test_amounts_in_full(value, currency, en, fr):
    assert fmt.amount(value, currency, "en") == en
    assert plain(fmt.amount(value, currency, "fr")) == fr


@pytest.mark.parametrize(
    "function", [fmt.money, fmt.amount, fmt.percent, fmt.ratio, fmt.score, fmt.number, fmt.grouped]
)
@pytest.mark.parametrize("missing", [None, NAN])
def test_a_missing_value_reads_as_a_dash(function, missing):
    for language in ("en", "fr"):
        assert function(missing, language=language) == "–"


def test_dates_and_months():
    assert fmt.day(date(2026, 11, 26), "en") == "26 Nov 2026"
    assert fmt.day(date(2026, 11, 26), "fr") == "26 nov. 2026"
    assert fmt.day(date(2026, 2, 1), "fr") == "1 févr. 2026"
    assert fmt.month(date(2026, 7, 14), "en") == "Jul 2026"
    assert fmt.month(date(2026, 7, 14), "fr") == "juil. 2026"
    assert fmt.month(date(2027, 8, 1), "fr") == "août 2027"
    assert fmt.moment(datetime(2026, 11, 26, 14, 3, tzinfo=UTC), "fr") == "26 nov. 2026, 14:03 UTC"
    for function in (fmt.day, fmt.month, fmt.moment):
        assert function(None, "fr") == "–"


def test_no_french_date_has_an_english_month():
    for number in range(1, 13):
        shown = fmt.month(date(2026, number, 1), "fr") + " " + fmt.day(date(2026, number, 28), "fr")
        assert not english_months_in(shown), shown
        assert shown.startswith(FRENCH_SHORT_MONTHS[number - 1])
        assert english_months_in(fmt.month(date(2026, number, 1), "en"))  # the list knows every English one


@pytest.mark.parametrize(
    "code, en, fr",
    [("2026-Q4", "Q4 2026", "T4 2026"), ("2027-Q1", "Q1 2027", "T1 2027"), ("2025-Q2", "Q2 2025", "T2 2025")],
)
def test_quarters_are_written_the_languages_way(code, en, fr):
    assert fmt.quarter(code, "en") == en
    assert fmt.quarter(code, "fr") == fr


def test_a_text_that_is_no_period_code_is_shown_as_it_is():
    assert fmt.quarter("2026-Q5", "fr") == "2026-Q5"
    assert fmt.quarter("", "fr") == ""
    assert fmt.quarter(None, "fr") == "–"


def test_an_unknown_language_reads_as_english():
    assert fmt.day(date(2026, 11, 26), "de") == "26 Nov 2026"
    assert fmt.grouped(1234.5, "de") == "1,234.5"


def test_the_vega_locale_writes_as_the_formatting_does():
    fr = fmt.vega_locale("fr", "EUR")
    assert fr["time"]["shortMonths"] == list(FRENCH_SHORT_MONTHS)
    assert not english_months_in(" ".join(fr["time"]["shortMonths"] + fr["time"]["months"] + fr["time"]["days"]))
    assert fr["number"]["decimal"] == "," and fr["number"]["thousands"] == NNBSP
    assert fr["number"]["currency"] == ["", f"{NBSP}€"] and fr["number"]["percent"] == f"{NBSP}%"
    en = fmt.vega_locale("en", "USD")
    assert en["number"]["currency"] == ["$", ""] and en["number"]["percent"] == "%"
    assert en["time"]["shortMonths"][6] == "Jul" and en["time"]["days"][0] == "Sunday"
    fr["time"]["months"][0] = "changed"  # a caller's copy: the next chart gets the locale intact
    assert fmt.vega_locale("fr", "EUR")["time"]["months"][0] == "janvier"


def test_the_month_list_of_the_tests_covers_every_english_name():
    assert {"Jan", "Sep", "Sept", "May", "December"} <= set(ENGLISH_MONTHS)
    assert english_months_in("Jul 2026 · 3 May · Sept") == ["Jul", "May", "Sept"]
    assert english_months_in("juil. 2026 · 3 mai · mars · Marc Dupont · Junior") == []
