"""Small rules: periods, RAG status, name folding, formatting, language choice."""

from __future__ import annotations

from datetime import date

import pytest

from kam_core.account.handshake import is_agreed, rag_status
from kam_core.common import formatting as fmt
from kam_core.common.text import fold_name
from kam_core.i18n import language_from_locale
from kam_core.programme.periods import is_period, period_of, period_start, shift_period

TODAY = date(2026, 11, 26)


def test_periods():
    assert period_of(TODAY) == "2026-Q4"
    assert period_of(date(2026, 1, 1)) == "2026-Q1"
    assert shift_period("2026-Q1", -1) == "2025-Q4"
    assert shift_period("2025-Q4", 5) == "2027-Q1"
    assert period_start("2026-Q3") == date(2026, 7, 1)
    assert is_period("2026-Q4") and not is_period("2026-Q5") and not is_period("2026Q4")
    with pytest.raises(ValueError):
        shift_period("Q4", 1)


@pytest.mark.parametrize(
    "status, due, expected",
    [
        ("open", date(2026, 11, 25), "red"),
        ("in_progress", date(2026, 11, 26), "amber"),
        ("open", date(2026, 12, 10), "amber"),
        ("open", date(2026, 12, 11), "green"),
        ("done", date(2020, 1, 1), "done"),
        ("dropped", date(2020, 1, 1), "done"),
    ],
)
def test_rag_status(status, due, expected):
    assert rag_status(status, due, TODAY) == expected


def test_agreed_stages():
    assert is_agreed("agreed") and is_agreed("in_review")
    assert not is_agreed("presented") and not is_agreed(None)


def test_fold_name():
    assert fold_name("  Société   GÉNÉRALE ") == "societe generale"
    assert fold_name("Ærø") == fold_name("ærø")


def test_money_and_percent_in_both_languages():
    assert fmt.money(12_400_000, "EUR", "en") == "€12.4M"
    assert fmt.money(12_400_000, "EUR", "fr") == "12,4\u00a0M€"  # a no-break space, as CLDR writes it
    assert fmt.money(950, "EUR", "en") == "€950"
    assert fmt.money(None) == "–"
    assert fmt.percent(42.0, "fr") == "42\u00a0%"
    assert fmt.ratio(0.5, "en") == "50%"
    assert fmt.ratio(None) == "–"
    assert fmt.day(TODAY, "fr") == "26 nov. 2026"
    assert fmt.score(float("nan")) == "–"
    assert fmt.number(25.0) == "25" and fmt.number(7.5, "fr") == "7,5" and fmt.number(None) == "–"


@pytest.mark.parametrize(
    "locale, expected", [("fr-FR", "fr"), ("fr", "fr"), ("en-GB", "en"), ("de-DE", "en"), (None, "en"), ("", "en")]
)
def test_language_from_the_browser_locale(locale, expected):
    assert language_from_locale(locale) == expected


def test_previous_scored_period_and_weight_total():
    from kam_core.portfolio.scoring import previous_scored_period, weights_complete

    assert previous_scored_period(["2026-Q2", "2025-Q4", "2026-Q4"], "2026-Q4") == "2026-Q2"
    assert previous_scored_period(["2026-Q4"], "2026-Q4") is None
    assert weights_complete(100.0) and weights_complete(99.9999999) and not weights_complete(99.5)


def test_grouped_numbers_keep_every_digit():
    from kam_core.common import formatting as fmt

    assert fmt.grouped(1_250_000.5, "en") == "1,250,000.5"
    assert fmt.grouped(1_250_000.5, "fr") == "1\u202f250\u202f000,5"
    assert fmt.grouped(12.0, "en") == "12"
    assert fmt.grouped(0.25, "fr") == "0,25"
    assert fmt.grouped(None) == "–"
