"""Country codes and their names in English and French."""

from __future__ import annotations

import pytest

from kam_core.common.text import fold_name
from kam_core.programme.countries import COUNTRY_CODES, country_choices, country_name, is_country


def test_codes_are_every_alpha_2_code_sorted():
    assert len(COUNTRY_CODES) == 249
    assert list(COUNTRY_CODES) == sorted(COUNTRY_CODES)
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_CODES)
    assert {"DE", "FR", "GB", "US", "CH", "SG"} <= set(COUNTRY_CODES)


@pytest.mark.parametrize(
    "code, english, french",
    [
        ("DE", "Germany", "Allemagne"),
        ("CH", "Switzerland", "Suisse"),
        ("GB", "United Kingdom", "Royaume-Uni"),
        ("BO", "Bolivia", "Bolivie"),  # the common name, not "Bolivia, Plurinational State of"
        ("KR", "South Korea", "Corée du Sud"),
        ("TW", "Taiwan", "Taïwan"),
    ],
)
def test_names_in_english_and_french(code, english, french):
    assert country_name(code, "en") == english
    assert country_name(code, "fr") == french


def test_a_code_is_read_in_any_case_and_an_unknown_one_comes_back_as_given():
    assert country_name(" de", "fr") == "Allemagne"
    assert country_name("XX", "fr") == "XX"
    assert country_name("", "en") == ""


def test_is_country_takes_stored_codes_only():
    assert is_country("DE") and is_country("SG")
    assert not is_country("de")
    assert not is_country("XX")
    assert not is_country("DEU")
    assert not is_country(None)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_choices_hold_every_code_sorted_by_localised_name(language):
    choices = country_choices(language)
    assert sorted(choices) == list(COUNTRY_CODES)
    keys = [fold_name(country_name(code, language)) for code in choices]
    assert keys == sorted(keys)


def test_choices_follow_the_language():
    english, french = country_choices("en"), country_choices("fr")
    assert english != french
    # Germany: G in English, A (Allemagne) in French
    assert english.index("DE") > english.index("FR")
    assert french.index("DE") < french.index("FR")
    # accents do not count: États-Unis sorts among the E, before Éthiopie and after Espagne
    assert french.index("ES") < french.index("US") < french.index("ET")


def test_choices_are_a_fresh_list_each_time():
    choices = country_choices("en")
    choices.clear()
    assert len(country_choices("en")) == len(COUNTRY_CODES)
